"""What only a browser does, in fixed sequences with their edge values, through AppTest.

Typing into the kernel grid and the layer table, clicking the walkthrough charts and their
steppers, drawing on the canvas, downloading every file. The bar: no exception, ever.
"""

from __future__ import annotations

import json
import random
from functools import partial

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from fuzz_harness import Action, Trail, act, element, open_link, record_media_files  # noqa: F401 (autouse: downloads)
from fuzz_inputs import EDITOR_NUMBERS, EDITOR_TEXT, chart_clicks, component_actions, drawings, edit_grid, offers


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
