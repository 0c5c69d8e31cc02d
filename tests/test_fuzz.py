"""Seeded fuzzing of every page through AppTest. The bar: no exception, ever.

Three kinds of probe, each seeded so that a failure replays:

* random walks: pick any widget the page shows, give it an edge or a random value, rerun;
  also what AppTest cannot do itself but a browser does (typing into a grid editor,
  drawing on a canvas, clicking the step-by-step chart, Back/Next, downloading);
* every URL setting of every page set to garbage, alone and all at once, and random
  links; no text from a link may reach the page outside a code span;
* fixed sequences of the browser-only events above, with their edge values.

A failure lists every distinct exception with the page, the seed, the actions that led
to it and the app's line; ``pytest tests/test_fuzz.py -k "<test id>"`` reruns it.

What the browser sends is built here as Streamlit's own ``WidgetState`` messages (the
option's label for a selectbox, ``{"png": ...}`` for the canvas, and so on), because
AppTest has no method for those widgets. That needs AppTest's private
``_tree.get_widget_states`` and ``_run`` (only in :func:`send`) and Streamlit's
``_make_trigger_id`` (the id of a component's events); a download is built by the media
file manager AppTest makes for each run, kept by :class:`RecordingMediaFiles`.
"""

from __future__ import annotations

import base64
import json
import random
import re
import traceback
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from urllib.parse import parse_qsl

import numpy as np
import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.testing.v1.element_tree import UnknownElement, Widget

from apptest import ROOT, jpeg_bytes, open_page, open_page_alone, png_bytes

PAGES = {"playground": "pages/playground.py", "step_by_step": "pages/step_by_step.py", "shapes": "pages/shapes.py",
         "practice": "pages/practice.py", "volumes": "pages/volumes.py", "sequences": "pages/sequences.py"}
MEMORY = "url_state.memory"
BUTTONS = {  # every st.button of the app; the walks must click each at least once
    "playground": {"playground.kernel.edit", "playground.kernel.reseed", "playground.layer.use_amount",
                   "playground.layer.use_keras"},
    "step_by_step": {"step_by_step.kernel.edit", "step_by_step.kernel.reseed", "step_by_step.input.reseed",
                     "step_by_step.layer.use_amount", "step_by_step.layer.use_keras"},
    "shapes": set(),
    "practice": {"practice.page.new"},
    "volumes": set(),
    "sequences": set(),
}
STARTS = {  # links walk n starts from (the n-th) and jumps to; the first ones show every button between them
    "playground": [{"kernel": "random"}, {"padding": "same", "stride": "2"}, {"image": "draw", "kernel": "drawn"},
                   {"kernel": "custom", "weights": "1,2,3;4,5,6"}, {}, {"image": "upload"},
                   {"pool": "max", "activation": "relu"}, {"per_axis": "1", "colour": "RGB kernel"}],
    "step_by_step": [{"kernel": "random"}, {"grid": "random"}, {"padding": "same", "stride": "2"},
                     {"grid": "image patch", "image": "draw", "kernel": "drawn"}, {}, {"grid": "image patch"},
                     {"operation": "transposed"}, {"operation": "max pool"},
                     {"operation": "avg pool", "padding": "same"},
                     {"kernel": "custom"}, {"operation": "channels"}],
    "shapes": [{"op": "transposed"}, {"dims": "3", "op": "pooling"}, {"dims": "1", "pad_as": "same"}, {},
               {"preset": "MobileNet block"}, {"tab": "stack"}, {"tab": "Layer stack", "preset": "VGG block"}],
    "practice": [{}, {"level": "tricky"}, {"level": "warm-up", "seed": "3"}],
    "volumes": [{"window": "5"}, {"source": "phantom", "kernel": "3-D Gaussian"}, {"source": "upload"},
                {"kernel": "custom"}, {"padding": "valid", "stride": "2"}],
    "sequences": [{"section": "text"}, {"section": "signal"}, {"section": "causal"}, {"section": "walk"}],
}
PER_AXIS = dict.fromkeys(("stride_2", "dilation_2", "pad_2"), {"per_axis": "1", "padding": "amount"})
CONTEXT = {  # what a setting needs from the others to be used at all, for the one-setting links
    "playground": {**PER_AXIS, "weights": {"kernel": "custom"}, "seed": {"kernel": "random"},
                   "sigma": {"kernel": "gaussian_blur"}, "ksize": {"kernel": "random"}, "kwidth": {"kernel": "random"},
                   "pool_size": {"pool": "max"}, "pool_stride": {"pool": "avg"}},
    "step_by_step": {**PER_AXIS, "weights": {"kernel": "custom"}, "seed": {"kernel": "random"},
                     "sigma": {"kernel": "gaussian_blur"}, "ksize": {"kernel": "random"},
                     "kwidth": {"kernel": "random"}, "pad": {"padding": "amount"}, "grid_size": {"grid": "random"},
                     "grid_seed": {"grid": "random"}, "patch": {"grid": "image patch"}, "row": {"grid": "image patch"},
                     "col": {"grid": "image patch"}, "image": {"grid": "image patch"},
                     "size": {"grid": "image patch"}, "colour": {"grid": "image patch"},
                     "output_padding": {"operation": "transposed"}, "pool_size": {"operation": "max pool"},
                     "ceil_mode": {"operation": "max pool"}, "count_include_pad": {"operation": "avg pool"},
                     "step": {"grid": "random"}},
    "shapes": {"ceil": {"op": "pooling"}, "opad": {"op": "transposed"},
               **{f"{n}_{i}": {"dims": "3"} for n in ("len", "k", "s", "p", "d") for i in (2, 3)},
               "opad_2": {"op": "transposed", "dims": "2"}, "opad_3": {"op": "transposed", "dims": "3"}},
    "practice": {},
    "volumes": {"custom": {"kernel": "custom"}, "size": {"kernel": "3-D Gaussian"}, "frames": {"source": "phantom"}},
    "sequences": {},
}
WALK_SEEDS = {"playground": range(3), "step_by_step": range(3), "shapes": range(2), "practice": range(2),
              "volumes": range(2), "sequences": range(4)}
WALK_STEPS = 32

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
GARBAGE = ["", " ", "-1", "1.5", "99999999999999999999999999", "1e309", "nan", "inf", "-inf", "0x10", "１２", "٣",
           "true", "+", "a+a", "1,2;3", "\x00", "1e308,1e308;1e308,1e308", ";".join([",".join(["1"] * 16)] * 16),
           "1x32x32|conv:out=6;kernel_size=(1e999,1)", "1x32x32|" + "relu|" * 300,
           "1x4096x4096|conv:out=4096;kernel_size=1", "0x0x0|conv", "1x32x32|conv:kernel_size=" + "(" * 200 + ")" * 200]
EDGES = ["0", "1", "2", "3", "7", "8", "9", "16", "17", "32", "33", "63", "64", "65", "4096", "4097", "100000",
         "1000001", "0.1", "10", "1000", "-1000", "1000.5", "nan,1;1,1", "0,0;0,1"]


# ---------------------------------------------------------------------------------------------
# Running pages and collecting what went wrong

def open_fast(page: str, query: dict[str, str] | None = None) -> AppTest:
    """The page, run as quickly as it can be.

    The Playground links to Step by step with ``st.page_link``, which needs app.py's
    ``st.navigation``: run alone it raises StreamlitPageNotFoundError. Through app.py it
    is a single run all the same.
    """
    if page == "playground":
        return open_page(PAGES[page], query)
    return open_page_alone(PAGES[page], query)


@dataclass
class Trail:
    """What one probe did, in order, and every distinct problem it met on the way."""

    name: str
    steps: list[str] = field(default_factory=list)
    found: dict[tuple[str, str], str] = field(default_factory=dict)
    times: Counter = field(default_factory=Counter)

    def did(self, what: str) -> None:
        self.steps.append(what if len(what) < 500 else what[:499] + "…")

    def check(self, at: AppTest) -> None:
        """Note each exception on the page (the same exception again is noted once)."""
        for exc in at.exception:
            self.note(exc.message, app_line("\n".join(exc.stack_trace)), "\n".join(exc.stack_trace))

    def note(self, message: str, where: str, stack: str = "", key: tuple[str, str] | None = None) -> None:
        key = key or (message.split("\n")[0][:200], where)
        self.times[key] += 1
        if key not in self.found:
            recent = "\n    ".join(self.steps[-10:])
            frames = "\n".join(line for line in stack.splitlines() if line.strip())
            self.found[key] = (f"{self.name}: {message[:1000]}\n  at {where}\n  after {len(self.steps)} action(s), "
                               f"the last:\n    {recent}" + (f"\n  traceback:\n{frames}" if frames else ""))

    def done(self) -> None:
        if self.found:
            found = [f"{text}\n  (met {self.times[key]} time(s) in this test)" for key, text in self.found.items()]
            pytest.fail(f"{len(found)} distinct problem(s):\n\n" + "\n\n".join(found), pytrace=False)


def app_line(stack: str) -> str:
    """The innermost frame of the app's own code (not Streamlit's, not the tests') in a traceback."""
    frames = [line.strip() for line in stack.splitlines() if line.strip().startswith("File ")]
    mine = [f for f in frames if str(ROOT) in f and "/tests/" not in f and "site-packages" not in f]
    return (mine or frames or ["?"])[-1].replace(str(ROOT) + "/", "")


def source_of(text: str) -> str:
    """The app line that writes a sentence starting like `text` (for a problem with no traceback)."""
    start = re.split(r"[`{(\d]", text, maxsplit=1)[0].strip()[:40]
    for path in sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("widgets/*.py"), *ROOT.glob("convviz/**/*.py")]):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if len(start) >= 8 and start in line:
                return f"{path.relative_to(ROOT)}:{number}"
    return "?"


def element(at: AppTest, key: str, trail: Trail):
    """The element with this key, or None (noted) when the page does not show it."""
    try:
        return at.get_by_key(key)
    except KeyError:
        trail.note(f"the page shows no element with key {key!r}", "-")
        return None


def nodes(at: AppTest) -> Iterator:
    """Every element on the page, the sidebar's too, in page order."""
    stack = [at.main, at.sidebar]
    while stack:
        node = stack.pop(0)
        yield node
        stack[:0] = list(getattr(node, "children", {}).values())


KEPT: weakref.WeakKeyDictionary[AppTest, dict[str, WidgetState]] = weakref.WeakKeyDictionary()


def send(at: AppTest, *states: WidgetState) -> AppTest:
    """Rerun as the browser would: every widget's state, with `states` new.

    AppTest sends the states of the widgets it knows. The chart's selection and the
    canvas's drawing it does not know, but the browser keeps sending them while they are
    shown, so they are kept here and sent again.
    """
    shown = {n.proto.id for n in nodes(at) if isinstance(n, UnknownElement) and hasattr(n.proto, "id")}
    kept = KEPT.setdefault(at, {})
    for state in states:
        if state.id in shown and state.WhichOneof("value") in ("json_value", "string_value"):
            kept[state.id] = state
    for gone in set(kept) - shown:
        del kept[gone]
    new = {s.id: s for s in kept.values()} | {s.id: s for s in states}
    current = at._tree.get_widget_states()
    others = [w for w in current.widgets if w.id not in new]
    del current.widgets[:]
    current.widgets.extend([*others, *new.values()])
    return at._run(current)


class RecordingMediaFiles(MediaFileManager):
    """AppTest's media file manager, kept after the run so a test can fetch a download."""

    latest: MediaFileManager | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        RecordingMediaFiles.latest = self


@pytest.fixture(autouse=True)
def record_media_files(monkeypatch):
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingMediaFiles)


# ---------------------------------------------------------------------------------------------
# What a browser can send, widget by widget

def png_url(pixels: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels)).decode()


def drawings(rng: random.Random) -> list[str | None]:
    """Canvas states (280×280 RGBA, as the sketch component sends them), and None for Clear."""
    blank = np.zeros((280, 280, 4), np.uint8)
    paper = blank.copy()
    paper[..., 3] = 255
    stroke = paper.copy()
    y = rng.randrange(20, 260)
    stroke[y - 9:y + 9, 20:260] = 255
    ink = blank.copy()
    ink[40:240, 130:150] = (0, 0, 0, 255)
    noise = np.random.default_rng(rng.randrange(10**6)).integers(0, 256, (280, 280, 4), np.uint8)
    full = np.full((280, 280, 4), 255, np.uint8)
    dot = blank.copy()
    dot[139:141, 139:141] = (0, 0, 0, 255)
    return [png_url(a) for a in (blank, paper, stroke, ink, noise, full, dot)] + [None]


UPLOADS = [
    ("photo.jpg", jpeg_bytes(np.random.default_rng(0).integers(0, 255, (90, 120, 3), np.uint8)), "image/jpeg"),
    ("one.png", png_bytes(np.zeros((1, 1, 3), np.uint8)), "image/png"),
    ("strip.png", png_bytes(np.zeros((2, 3000, 3), np.uint8) + 77), "image/png"),
    ("tall.png", png_bytes(np.zeros((700, 7, 3), np.uint8) + 200), "image/png"),
    ("grey.png", png_bytes(np.zeros((40, 50), np.uint8) + 128), "image/png"),
    ("alpha.png", png_bytes(np.zeros((30, 30, 4), np.uint8)), "image/png"),
    ("empty.png", b"", "image/png"),
    ("cut.png", png_bytes(np.zeros((64, 64, 3), np.uint8) + 100)[:200], "image/png"),
    ("text.png", b"hello, this is text", "image/png"),
    ("doc.pdf", b"%PDF-1.4 not an image", "application/pdf"),
]

EDITOR_NUMBERS = [None, None, 0.0, -0.0, 1.0, -1.0, 0.5, 1e-320, 1e308, -1e308, float("inf"), float("-inf"),
                  float("nan"), 123456789.123, -1000.0, 1000.0, 3.0]
EDITOR_TEXT = [None, "", " ", "1", "3", "0", "-1", "2,2", "1,0", "0,1", "0, 1", "(1, 2)", "((0, 1), (1, 0))",
               "(1e999,)", "(-1,)", "('a',)", "()", "(())", "(" * 200 + ")" * 200, "same", "valid", "full", "SAME",
               "abc", "999999999", "10**9", "1.5", "nan", "True", "false", "[Click](https://example.com/x)", "٣",
               "4097", "2 2", "1,2,3"]


def editor_value(rng: random.Random, column: dict, sample: object) -> object:
    """A value the browser's grid editor can send for one cell of this column."""
    kind = column.get("type_config", {}).get("type")
    if kind == "selectbox":
        return rng.choice([None, *column["type_config"]["options"]])
    if kind == "number":
        return rng.choice(EDITOR_NUMBERS)
    if isinstance(sample, bool) or kind == "checkbox":
        return rng.choice([True, False, None])
    return rng.choice(EDITOR_TEXT)


def edit_grid(rng: random.Random, editor) -> dict:
    """A whole edit state for a data editor: some cells changed, rows added or deleted if allowed."""
    table, columns = editor.value, json.loads(editor.proto.columns or "{}")
    names = [c for c in table.columns if not columns.get(str(c), {}).get("hidden")]
    state = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    for _ in range(rng.randint(1, 3)):
        if len(table) and names:
            row, col = rng.randrange(len(table)), rng.choice(names)
            state["edited_rows"].setdefault(row, {})[str(col)] = editor_value(
                rng, columns.get(str(col), {}), table[col].iloc[row])
    if editor.proto.editing_mode == 2:  # dynamic: rows can be added and deleted
        if rng.random() < 0.4:
            state["added_rows"] = [{str(c): editor_value(rng, columns.get(str(c), {}), None)
                                    for c in rng.sample(names, rng.randint(0, len(names)))}
                                   for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.4 and len(table):
            state["deleted_rows"] = sorted(rng.sample(range(len(table)), rng.randint(1, len(table))))
    return state


def chart_clicks(rng: random.Random, chart) -> list[dict]:
    """Selections the browser reports for a clickable chart: points that carry customdata, none, stale ones."""
    spec = json.loads(chart.proto.spec)
    points = []
    for number, trace in enumerate(spec["data"]):
        if "customdata" in trace and trace.get("hoverinfo") != "skip":
            xs, ys = plotly_array(trace["x"]), plotly_array(trace["y"])
            for index, data in enumerate(plotly_array(trace["customdata"])):
                points.append({"curve_number": number, "point_number": index, "point_index": index,
                               "x": xs[index], "y": ys[index], "customdata": data})
    picks = [[rng.choice(points)]] if points else []
    picks += [rng.sample(points, min(len(points), 3))] if points else []
    stale = {"curve_number": 0, "point_number": 0, "point_index": 0, "x": 0, "y": 0,
             "customdata": rng.choice([0, len(points), len(points) + 1, 10 * len(points) + 7, 99_999])}
    picks += [[], [stale]]
    return [{"selection": {"points": p, "point_indices": [q["point_index"] for q in p], "box": [], "lasso": []}}
            for p in picks]


def plotly_array(value: object) -> list:
    """A trace's array as numbers, as Plotly.js reads it: the JSON writes numpy arrays as base64 ``bdata``."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), np.dtype(value["dtype"])).tolist()
    return list(value)


def uploads_for(w) -> list[tuple[str, bytes, str]]:
    """The files a browser lets one give this uploader: of its types, if it names them (any bytes,
    renamed, as a student can rename a file), else every kind."""
    allowed = list(w.proto.type)
    if not allowed:
        return UPLOADS
    return [(f"{name.rsplit('.', 1)[0]}{allowed[i % len(allowed)]}", data, mime)
            for i, (name, data, mime) in enumerate(UPLOADS)]


def option_states(rng: random.Random, w) -> list[tuple[str, WidgetState]]:
    """(description, state) for every option of an option widget (in an order fixed per widget), and a few sets."""
    options = list(w.options)
    random.Random(w.key).shuffle(options)
    if w.type in ("selectbox", "radio"):
        return [(repr(o), WidgetState(id=w.id, string_value=o)) for o in options]
    if w.type == "select_slider":
        return [(repr(o), state_array(w.id, [o])) for o in options]
    if w.type == "button_group" and w.proto.click_mode == w.proto.ClickMode.SINGLE_SELECT:
        picks = [[o] for o in options] + ([] if w.proto.required else [[]])
        return [(repr(p), state_array(w.id, p)) for p in picks]
    limit = getattr(w.proto, "max_selections", 0) or len(options)   # pills have no such limit
    subsets = [[], *([o] for o in options), options[:limit],
               *(rng.sample(options, rng.randint(1, min(3, limit))) for _ in range(3))]
    return [(repr(s), state_array(w.id, s)) for s in subsets]


def state_array(widget_id: str, values: list[str]) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.string_array_value.data[:] = values
    return state


def number_states(rng: random.Random, w) -> list[tuple[str, WidgetState]]:
    """Edge and random values a number input accepts: the browser refuses the others."""
    is_int = w.proto.data_type == w.proto.DataType.INT
    low = w.min if w.min is not None else -1e308
    high = w.max if w.max is not None else 1e308
    current = w.value if w.value is not None else low
    values = [low, high, rng.uniform(low, high), current + w.step, 0, current - w.step, rng.uniform(low, high)]
    values = [int(round(v)) if is_int else float(v) for v in values if low <= v <= high]
    states = [(repr(v), WidgetState(id=w.id, **{"int_value" if is_int else "double_value": v})) for v in values]
    if not w.proto.HasField("default"):  # made with value=None: the browser can clear it
        states.append(("None", WidgetState(id=w.id)))
    return states


def slider_values(rng: random.Random, w) -> list:
    low, high, step = w.min, w.max, w.step
    count = int(round((high - low) / step))
    as_type = int if w.proto.data_type == w.proto.DataType.INT else (lambda v: round(float(v), 10))
    values = [as_type(low + step * k) for k in (0, count, rng.randint(0, count), rng.randint(0, count))]
    if len(w.proto.default) == 2:
        return [sorted(rng.sample(values, 2)) for _ in range(3)]
    return values


@dataclass
class Action:
    """One thing a user can do now: what it is, how to set it up, and what the browser then sends."""

    what: str
    prepare: Callable[[], object] | None = None
    states: tuple[WidgetState, ...] = ()
    button: str | None = None
    download: object = None
    link: tuple | None = None   # (a page link, the page to come back to)


def offers(rng: random.Random, at: AppTest, page: str, unknown: set[str]) -> dict[str, list[Action]]:
    """For every control `page` shows now, the things one can do with it (its options, edge values…)."""
    found: dict[str, list[Action]] = {}
    for w in nodes(at):
        kind, key = getattr(w, "type", ""), getattr(w, "key", None)
        label = f"{kind} {key or getattr(w, 'label', '?')!r}"
        if getattr(getattr(w, "proto", None), "disabled", False):
            continue  # the browser does not let anyone use it
        if kind in ("selectbox", "radio", "select_slider", "multiselect", "button_group") and w.options:
            found[label] = [Action(f"{label} ← {what}", states=(state,)) for what, state in option_states(rng, w)]
        elif kind == "number_input":
            found[label] = [Action(f"{label} ← {what}", states=(state,)) for what, state in number_states(rng, w)]
        elif kind == "slider":
            found[label] = [Action(f"{label} ← {v!r}", partial(w.set_value, v)) for v in slider_values(rng, w)]
        elif kind in ("toggle", "checkbox"):
            found[label] = [Action(f"{label} ← {not w.value}", partial(w.set_value, not w.value))]
        elif kind == "button":
            found[label] = [Action(f"{label} click", w.click, button=key)]
        elif kind in ("text_input", "text_area"):
            found[label] = [Action(f"{label} ← {t[:80]!r}", partial(w.input, t)) for t in HOSTILE + GARBAGE]
        elif kind == "file_uploader":
            found[label] = [Action(f"{label} upload {f[0]}", partial(w.upload, *f)) for f in uploads_for(w)]
            found[label].append(Action(f"{label} clear", w.clear))
        elif kind == "page_link":
            found[label] = [Action(f"click the link to {w.proto.page} ({w.proto.query_string[:200]})", link=(w, page))]
        elif kind == "download_button":  # all of them one control: a bank of 20 kernels has 40
            found.setdefault("downloads", []).append(Action(f"{label} download", download=w))
        elif kind == "dataframe" and w.editing_mode != "read_only":
            edits = edit_grid(rng, w)
            found[label] = [Action(f"{label} ← {edits!r}", partial(at.session_state.__setitem__, key, edits))]
        elif kind == "plotly_chart" and len(w.proto.selection_mode):
            found[label] = [Action(f"{label} click {click['selection']['points'][:2]!r}",
                                   states=(WidgetState(id=w.proto.id, string_value=json.dumps(click)),))
                            for click in chart_clicks(rng, w)]
        elif kind == "bidi_component":
            found[label] = component_actions(rng, w, label, unknown)
        elif isinstance(w, Widget):
            unknown.add(kind)
    return {label: choices for label, choices in found.items() if choices}


def component_actions(rng: random.Random, w, label: str, unknown: set[str]) -> list[Action]:
    """What the browser sends for the app's own components: a drawing (or Clear); Back/Next to a step."""
    name = w.proto.component_name
    if name.endswith("convviz_sketch"):
        return [Action(f"{label} draw {(url or 'None')[:40]}…",
                       states=(WidgetState(id=w.proto.id, json_value=json.dumps({"png": url})),))
                for url in drawings(rng)]
    if name.endswith("convviz_stepper"):
        steps = json.loads(w.proto.json)["steps"]
        events = [("step", step) for step in (rng.randint(1, steps), 1, steps, steps + 1, 0, 10 * steps)]
        events += [("speed", change) for change in (1, -1, 7, "fast")]      # the + and − keys, and garbage
        return [Action(f"{label} {event} {value!r}", states=(WidgetState(
                    id=_make_trigger_id(w.proto.id, "events"),
                    json_trigger_value=json.dumps([{"event": event, "value": value}])),))
                for event, value in events]
    if name.endswith("convviz_copy_link"):
        return []      # it copies in the browser and tells the server nothing
    unknown.add(f"component {name}")
    return []


def download(button) -> None:
    """What the browser's click on a download button makes the server do: build the file."""
    files = RecordingMediaFiles.latest
    if files is None or not button.proto.deferred_file_id:
        return
    try:
        files.execute_deferred(button.proto.deferred_file_id)
    except Exception as exc:  # the browser gets a failed download; the app's error is the cause
        cause = exc.__cause__ or exc
        raise DownloadFailed(f"download {button.key!r}: {cause!r}",
                             "".join(traceback.format_exception(cause))) from exc


class DownloadFailed(Exception):
    def __init__(self, message: str, stack: str) -> None:
        super().__init__(message)
        self.message, self.stack = message, stack


def act(at: AppTest, action: Action, trail: Trail) -> None:
    """Do `action` and note what went wrong: an exception on the page, or a download that failed."""
    trail.did(action.what)
    if action.link is not None:
        follow_and_return(at, *action.link, trail)
        return
    if action.download is not None:
        try:
            download(action.download)
        except DownloadFailed as exc:
            trail.note(exc.message, app_line(exc.stack), exc.stack)
        return
    if action.prepare is not None:
        action.prepare()
    send(at, *action.states)
    trail.check(at)


def follow_and_return(at: AppTest, link, back: str, trail: Trail) -> None:
    """Click a link to another page (the Playground's to Step by step), then go back, as the browser's Back does."""
    query = dict(parse_qsl(link.proto.query_string, keep_blank_values=True))
    back_query = dict(at.query_params)
    for path, params in ((PAGES[link.proto.page], query), (PAGES[back], back_query)):
        at.switch_page(path)
        at.query_params.clear()
        at.query_params.update(params)
        at.run()
        trail.check(at)


# ---------------------------------------------------------------------------------------------
# Random walks

CLICKED: dict[str, set[str]] = {page: set() for page in PAGES}   # every button a walk has clicked
WALKED: dict[str, set[int]] = {page: set() for page in PAGES}    # the seeds walked in this session


def random_walk(page: str, seed: int) -> None:
    """Click each button the start link shows; then, `WALK_STEPS` times, a random control and its next value.

    Each control goes round its own values (every option, the edges, random ones), so a
    control picked often enough is given all of them.
    """
    WALKED[page].add(seed)
    rng = random.Random(f"{page}-{seed}")
    start = STARTS[page][seed % len(STARTS[page])]
    trail, unknown, turns = Trail(f"walk {page} seed {seed}"), set(), Counter()
    at = open_link(None, page, start, trail)
    buttons = [a for c in offers(rng, at, page, unknown).values() for a in c if a.button]
    for n, action in enumerate(buttons):  # first each button the link shows, from the link each time
        if n:
            open_link(at, page, start, trail)
        CLICKED[page].add(action.button)
        act(at, action, trail)
    for _ in range(WALK_STEPS):
        if rng.random() < 0.08:  # follow a link into the page mid-session
            open_link(at, page, rng.choice(STARTS[page]), trail)
            continue
        offered = offers(rng, at, page, unknown)
        if not offered:
            break
        control = rng.choice(sorted(offered))
        action = offered[control][turns[control] % len(offered[control])]
        turns[control] += 1
        if action.button:
            CLICKED[page].add(action.button)
        act(at, action, trail)
    trail.done()
    assert not unknown, f"the walk cannot drive these widgets yet: {sorted(unknown)}"


@pytest.mark.parametrize("page, seed", [(p, s) for p, seeds in WALK_SEEDS.items() for s in seeds])
def test_random_walk(page, seed):
    random_walk(page, seed)


@pytest.mark.parametrize("page", PAGES)
def test_the_walks_clicked_every_button(page):
    for seed in set(WALK_SEEDS[page]) - WALKED[page]:   # walks left out of this session (by -k, say)
        random_walk(page, seed)
    assert CLICKED[page] >= BUTTONS[page], f"never clicked: {sorted(BUTTONS[page] - CLICKED[page])}"


# ---------------------------------------------------------------------------------------------
# Pages and links

@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads_alone_and_through_the_app(page):
    trail = Trail(f"load {page}")
    for at in (open_fast(page), open_page(PAGES[page])):
        trail.check(at)
        assert at.session_state[MEMORY][page], "the page keeps no URL settings"
    trail.done()


@cache
def setting_names(page: str) -> tuple[str, ...]:
    """Every URL setting of the page, as the page itself lists them after one run."""
    return tuple(sorted(open_fast(page).session_state[MEMORY][page]))


@cache
def other_values() -> tuple[str, ...]:
    """Each page's settings as URL text: a value that is right for one setting is garbage for another."""
    def as_text(value: object) -> str:
        if isinstance(value, tuple):
            return "+".join(value)
        return str(int(value)) if isinstance(value, bool) else str(value)

    values = {as_text(v) for page in PAGES for v in open_fast(page).session_state[MEMORY][page].values()}
    values |= {"custom", "drawn", "random", "upload", "draw", "same", "keras_same", "full", "valid", "reflect",
               "circular", "RGB kernel", "each channel", "max pool", "image patch", "transposed", "pooling",
               "sobel_x+box_blur", "identity+identity", "fast", "0,0;0,1"}
    return tuple(sorted(values))


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


def open_link(at: AppTest | None, page: str, link: dict[str, str], trail: Trail) -> AppTest:
    """The page after following `link`: in `at`'s session if given, else in a new one."""
    values = set(link.values())
    shown = (f"every setting ← {next(iter(values))[:80]!r}" if len(link) > 3 and len(values) == 1
             else {k: v[:60] for k, v in link.items()})
    trail.did(f"{'open' if at is None else 'follow'} {PAGES[page]} with link {shown}")
    if at is None:
        at = open_fast(page, link)
    else:
        at.query_params.clear()
        at.query_params.update(link)
        send(at)
    trail.check(at)
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_setting_with_every_garbage_value_at_once(page):
    """Each garbage value in every setting of the page together: each is refused and quoted."""
    trail, at = Trail(f"garbage links {page}"), None
    for i, garbage in enumerate(HOSTILE + GARBAGE + ["0", "8", "4096"]):
        at = open_link(None if i < 3 else at, page, dict.fromkeys(setting_names(page), garbage), trail)
        if garbage in HOSTILE:
            note_leaks(trail, at, garbage)
    trail.done()


@pytest.mark.parametrize("page", PAGES)
def test_each_setting_alone_with_garbage(page):
    """One setting at a time (with what it needs to be used): garbage, an edge or another setting's value."""
    rng, trail, at = random.Random(page), Trail(f"one-setting links {page}"), None
    for i, name in enumerate(setting_names(page)):
        garbage = rng.choice(HOSTILE + GARBAGE if i % 2 else EDGES + list(other_values()))
        at = open_link(at, page, CONTEXT[page].get(name, {}) | {name: garbage}, trail)
        if garbage in HOSTILE:
            note_leaks(trail, at, garbage)
    trail.done()


@pytest.mark.parametrize("page", PAGES)
def test_random_links(page):
    """Links with several settings, each right, at an edge, or garbage."""
    rng, trail = random.Random(f"links {page}"), Trail(f"random links {page}")
    values = GARBAGE + EDGES + list(other_values()) + HOSTILE[:2]
    at = None
    for i in range(10):
        names = rng.sample(setting_names(page), min(rng.randint(2, 8), len(setting_names(page))))
        link = {n: rng.choice(values) for n in names}
        at = open_link(at if i % 3 else None, page, link, trail)
    trail.done()


# ---------------------------------------------------------------------------------------------
# What only a browser does, in fixed sequences

@pytest.mark.parametrize("page", ["playground", "step_by_step"])
def test_typing_into_the_custom_kernel_grid(page):
    """Cleared cells, huge values, NaN and infinity typed into the custom kernel's grid, of several sizes."""
    key, trail = f"{page}.kernel.editor", Trail(f"kernel grid {page}")
    fills = {"every cell cleared": None, "every cell NaN": float("nan"), "every cell 1e308": 1e308}
    for weights in ("0,0,0;0,1,0;0,0,0", "1", "1,2;3,4", ";".join([",".join(["1"] * 7)] * 7)):
        at = open_link(None, page, {"kernel": "custom", "weights": weights}, trail)
        side = len(weights.split(";"))
        one_by_one = EDITOR_NUMBERS if side == 3 else [None, float("nan"), float("inf"), 1e308]
        for n, value in enumerate([*one_by_one, *fills]):
            if value in fills:
                edits = {r: {str(c + 1): fills[value] for c in range(side)} for r in range(side)}
            else:
                edits = {n % side: {str((n // side) % side + 1): value}}
            state = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
            act(at, Action(f"grid {key!r} ← {edits}", partial(at.session_state.__setitem__, key, state)), trail)
    trail.done()


def test_editing_the_layer_stack_table():
    """Every kind of text in some cell of the layer table, then whole random edits with rows added and deleted."""
    rng, trail, at = random.Random("stack"), Trail("layer stack editor"), None
    presets = ("LeNet-5", "MobileNet block", "AlexNet (first layers)")
    for n, text in enumerate([*EDITOR_TEXT, *[None] * 6]):
        if n % 12 == 0:
            at = open_link(None, "shapes", {"preset": presets[n // 12 % len(presets)], "tab": "stack"}, trail)
        editor = element(at, "shapes.page.editor", trail)
        assert editor is not None, trail
        edits = edit_grid(rng, editor)
        if text is not None and len(editor.value):
            column = rng.choice([c for c, v in json.loads(editor.proto.columns).items()
                                 if v.get("type_config", {}).get("type") == "text"])
            edits = {"edited_rows": {rng.randrange(len(editor.value)): {column: text}}, "added_rows": [],
                     "deleted_rows": []}
        act(at, Action(f"layer table ← {edits}", partial(at.session_state.__setitem__, editor.key, edits)), trail)
    trail.done()


WALKTHROUGHS = [  # page, links, the chart clicked (None: not clickable), its stepper
    ("step_by_step", ({}, {"operation": "max pool", "grid": "random"}, {"operation": "transposed", "stride": "2"},
                      {"grid": "image patch", "operation": "channels"}),
     "step_by_step.page.chart", "step_by_step.page.stepper.step"),
    ("volumes", ({}, {"window": "27"}), "volumes.page.window_chart", "volumes.page.stepper.window"),
    ("volumes", ({}, {"source": "phantom", "frame": "9"}), None, "volumes.page.stepper.frame"),
]


@pytest.mark.parametrize("page, links, chart_key, stepper_key", WALKTHROUGHS)
def test_clicking_the_walkthrough_charts_and_their_steppers(page, links, chart_key, stepper_key):
    """A click on a cell (the step in its customdata), an empty or stale selection; Back/Next to any step."""
    rng, trail, driven = random.Random(stepper_key), Trail(f"{page} chart and stepper"), 0
    for link in links:
        at = open_link(None, page, link, trail)
        chart = element(at, chart_key, trail) if chart_key else None
        stepper = element(at, stepper_key, trail)
        if stepper is None or (chart_key and chart is None):
            continue
        for click in chart_clicks(rng, chart) if chart is not None else ():
            state = WidgetState(id=chart.proto.id, string_value=json.dumps(click))
            act(at, Action(f"chart click {click['selection']['points'][:2]}", states=(state,)), trail)
        for action in component_actions(rng, stepper, "stepper", set()):
            act(at, action, trail)
        driven += 1
    trail.done()
    assert driven, f"no link showed {stepper_key}"


@pytest.mark.parametrize("page, link, key", [
    ("playground", {"image": "draw"}, "playground.image.sketch"),
    ("playground", {"kernel": "drawn"}, "playground.kernel.sketch"),
    ("step_by_step", {"grid": "image patch", "image": "draw"}, "step_by_step.image.sketch"),
    ("step_by_step", {"kernel": "drawn"}, "step_by_step.kernel.sketch"),
])
def test_drawing_on_the_canvas(page, link, key):
    rng, trail = random.Random(key), Trail(f"canvas {key}")
    at = open_link(None, page, link, trail)
    for url in drawings(rng):
        canvas = element(at, key, trail)
        if canvas is None:
            break
        state = WidgetState(id=canvas.proto.id, json_value=json.dumps({"png": url}))
        act(at, Action(f"draw {(url or 'None')[:40]}…", states=(state,)), trail)
    canvas = element(at, key, trail)
    if canvas is not None:  # a drawing, then other settings change: the browser keeps sending the drawing
        act(at, Action("draw a stroke", states=(WidgetState(id=canvas.proto.id, json_value=json.dumps(
            {"png": drawings(rng)[2]})),)), trail)
        for _ in range(3):
            others = [c for label, c in offers(rng, at, page, set()).items() if key not in label]
            act(at, rng.choice(rng.choice(others)), trail)
    trail.done()


def test_every_download_builds_its_file():
    trail = Trail("downloads")
    for page, link in (("playground", {"bank": "box_blur+emboss"}), ("step_by_step", {}),
                       ("step_by_step", {"operation": "transposed"}), ("step_by_step", {"grid": "random",
                                                                                        "grid_size": "16"})):
        at = open_link(None, page, link, trail)
        for button in at.get("download_button"):
            act(at, Action(f"download {button.key!r}", download=button), trail)
    trail.done()


def test_the_checks_see_a_leak_and_a_code_span():
    """The Markdown check itself: a quoted value passes, the same value bare does not."""
    assert code_spans("a `b` c ``d`e`` f") == [(2, 5), (8, 15)]
    assert code_spans("no `closing") == []
    assert code_spans(r"\`a` b") == []

    def script() -> None:
        import streamlit as st

        from widgets.url_state import quoted

        st.warning(f"quoted {quoted('[Click](https://example.com/x)')}")
        st.info("bare [Click](https://example.com/x)")

    at = AppTest.from_function(script).run()
    assert [(where, what) for where, what, _ in leaks(at, "[Click](https://example.com/x)")] == [
        ("info body", "[Click](https://example.com/x)"), ("info body", "](https://example.com/x)")]
