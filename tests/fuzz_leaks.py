"""The fuzz tests' Markdown check: no text from a link may reach the page outside a code span.

:func:`leaks` looks through every text the page renders for a link value (one of
:data:`HOSTILE`) shown where Markdown or HTML would act on it; :func:`note_leaks` notes each
leak on the probe's trail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from streamlit.testing.v1 import AppTest

from apptest import ROOT
from fuzz_harness import Trail, nodes

# Link values that must show as literal text wherever they appear, and what would betray them.
HOSTILE = [
    "[Click](https://example.com/x)",
    "<b>x</b><script>alert(1)</script>",
    "**bold** _it_ [Click](https://example.com/x)",
    ":red[RED] :material/warning: $\\href{https://example.com/x}{TeX}$",
    "` [Click](https://example.com/x) `",
    "``[Click](https://example.com/x)``",
    "x\n\n# Heading\n\n[Click](https://example.com/x)",
    "héllo ✓ 漢字 🧮 \u202egnp.exe [Click](https://example.com/x)",
    "[Click](https://example.com/x)" + "A" * 5000,
    "LongText-" * 8 + "[Click](https://example.com/x)",
    "javascript:alert(1)",
    "<img src=x onerror=alert(1)>",
    "\\`[Click](https://example.com/x)",
]
BETRAYALS = ("](https://example.com/x)", "<script>alert(1)", "<b>x</b>", "<img src=x", ":red[RED]",
             "\\href{https://example.com/x}", "javascript:alert(1)", "# Heading")


def source_of(text: str) -> str:
    """The app line that writes a sentence starting like `text` (for a problem with no traceback)."""
    start = re.split(r"[`{(\d]", text, maxsplit=1)[0].strip()[:40]
    for path in sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("widgets/*.py"), *ROOT.glob("convviz/**/*.py")]):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if len(start) >= 8 and start in line:
                return f"{path.relative_to(ROOT)}:{number}"
    return "?"


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where Markdown's inline code spans are in `text` (CommonMark: a closing run of as many backticks).

    An opening backtick after an odd number of backslashes is literal; inside a span nothing is escaped.
    """
    def opens(m: re.Match) -> int:
        before = text[:m.start()]
        return m.start() + (len(before) - len(before.rstrip("\\"))) % 2

    runs = [(opens(m), m.start(), m.end()) for m in re.finditer("`+", text)]
    spans, i = [], 0
    while i < len(runs):
        start, _, end = runs[i]
        close = next((j for j in range(i + 1, len(runs)) if runs[j][2] - runs[j][1] == end - start), None)
        if start == end or close is None:
            i += 1
            continue
        spans.append((start, runs[close][2]))
        i = close + 1
    return spans


def rendered_text(at: AppTest) -> Iterator[tuple[str, str, bool]]:
    """(where, text, is_markdown) for every text the page renders."""
    for node in nodes(at):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        where = f"{node.type} {getattr(node, 'key', None) or ''}".strip()
        for f in proto.DESCRIPTOR.fields:
            if f.type != f.TYPE_STRING:
                continue
            if f.name in ("body", "label", "help", "placeholder", "caption") and not f.is_repeated:
                yield f"{where} {f.name}", getattr(proto, f.name), True
            elif f.name in ("options", "captions") and f.is_repeated and node.type in ("radio", "button_group"):
                for text in getattr(proto, f.name):
                    yield f"{where} {f.name}", text, True
        if node.type == "plotly_chart":
            yield f"{where} figure", " ".join(strings(json.loads(proto.spec))), False


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != "bdata":  # numbers, base64-encoded
                yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def leaks(at: AppTest, garbage: str) -> list[tuple[str, str, str]]:
    """(where, what, text) for link text shown outside a code span, where Markdown or HTML would act on it."""
    flat = " ".join(garbage.split())
    needles = [flat[:30]] + [b for b in BETRAYALS if b in garbage]
    found = []
    for where, text, markdown in rendered_text(at):
        spans = code_spans(text) if markdown else []
        for needle in needles:
            start = text.find(needle)
            while start != -1:
                if not any(a <= start and start + len(needle) <= b for a, b in spans):
                    found.append((where, needle, text))
                    break
                start = text.find(needle, start + 1)
    return found


def note_leaks(trail: Trail, at: AppTest, garbage: str) -> None:
    """Note each leak once per kind of element and line of app code that writes the text."""
    for where, needle, text in leaks(at, garbage):
        line = source_of(text)
        trail.note(f"link text rendered as Markdown/HTML in {where}: {needle!r} outside a code span in "
                   f"{text[:400]!r}", line, key=(where.split()[0], line if line != "?" else text[:80]))
