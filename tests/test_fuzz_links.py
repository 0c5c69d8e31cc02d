"""Every URL setting of every page set to garbage, alone and all at once, and random links, through AppTest.

The bar: no exception, ever, and no text from a link may reach the page outside a code span.
Each probe is seeded, so that a failure replays.
"""

from __future__ import annotations

import random
from functools import cache

import pytest
from streamlit.testing.v1 import AppTest

from apptest import open_page
from fuzz_harness import PAGES, Trail, open_fast, open_link
from fuzz_inputs import EDGES, GARBAGE
from fuzz_leaks import HOSTILE, code_spans, leaks, note_leaks
from widgets.url_state import MEMORY

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
