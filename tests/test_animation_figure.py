"""Tests for the step-by-step Plotly figure (convviz.figures.animation, animation_frames): what each
frame carries, how much, and how the figure is driven in the browser."""

from __future__ import annotations

import numpy as np
import plotly.io as pio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_walkthrough import EDGE, RNG, TEXTBOOK, W, X

from convviz.figures.animation import animation_figure
from convviz.walkthrough.conv import conv_scene
from convviz.figures.animation_frames import dynamic_data, dynamic_layout, frame_anchor, frame_range, offset
from convviz.walkthrough.pool import pool_scene
from convviz.walkthrough.transpose import transpose_scene


def frame_bytes(frame) -> int:
    return len(pio.to_json(frame.to_plotly_json(), validate=False).encode())


@pytest.mark.parametrize("scene, budget", [
    (conv_scene(TEXTBOOK, EDGE), 700), (conv_scene(TEXTBOOK, EDGE, padding=1, padding_mode="reflect"), 700),
    (conv_scene(RNG.integers(0, 256, (16, 16)), EDGE, stride=2, padding="full"), 700),
    (pool_scene(TEXTBOOK, 3, padding=1), 700), (pool_scene(TEXTBOOK, 3, stride=1, dilation=2), 700),
    (conv_scene(TEXTBOOK, EDGE, dilation=2, padding=2), 700),
    (conv_scene(np.stack([TEXTBOOK] * 3), np.stack([EDGE] * 3)), 700),
    (conv_scene(np.stack([TEXTBOOK] * 3), np.stack([EDGE] * 3), dilation=2, padding=2), 700),
    (transpose_scene(TEXTBOOK, EDGE), 700), (transpose_scene(TEXTBOOK, EDGE, stride=2, output_padding=1), 700),
])
def test_frames_carry_only_light_scatter_traces_within_budget(scene, budget):
    fig = animation_figure(scene)
    assert {t.type for t in fig.data} == {"heatmap", "scatter"}
    assert all(t.type == "scatter" for f in fig.frames for t in f.data)
    assert max(frame_bytes(f) for f in fig.frames) <= budget


def test_the_figure_opens_on_the_step_asked_for():
    scene = conv_scene(X, W)
    fig = animation_figure(scene, step=7)
    moving = fig.frames[0].traces
    for index, data in zip(moving, dynamic_data(scene, 7), strict=True):
        for name, v in data.items():
            assert list(fig.data[index][name]) == list(v)
    for axis, value in dynamic_layout(scene, 7).items():
        assert list(fig.layout[axis].range) == value["range"]
    assert fig.layout.sliders[0].active == 7 and len(fig.layout.sliders[0].steps) == len(fig.frames)


SCENES = {
    "convolution": conv_scene(X, W, stride=2, padding=1, dilation=(1, 2)),
    "channels": conv_scene(np.stack([X] * 3), np.stack([W] * 3), bias=1.0),
    "max pool": pool_scene(X, 3, stride=2, padding=1), "avg pool": pool_scene(X, 2, ceil_mode=True, kind="avg"),
    "transposed": transpose_scene(X, W, stride=2, padding=1, output_padding=1),
}


@pytest.mark.parametrize("name", SCENES)
def test_the_window_and_the_current_cell_keep_their_shape_so_moving_them_is_enough(name):
    scene = SCENES[name]
    for part in ("window", "current"):
        first = getattr(scene.steps[0], part)
        for k, view in enumerate(scene.steps):
            moved = first + np.array(offset(scene, k, part))
            assert sorted(map(tuple, moved)) == sorted(map(tuple, getattr(view, part)))


def test_each_frame_moves_the_window_axes_by_the_window_offset():
    scene = SCENES["convolution"]
    fig = animation_figure(scene)
    base = fig.layout.xaxis.range[0], fig.layout.yaxis.range[1]
    window = next(t for t in fig.data if t.xaxis == "x3")
    assert min(v for v in window.x if v is not None) == scene.steps[0].window[:, 1].min() - 0.5
    for k, frame in enumerate(fig.frames):
        dr, dc = offset(scene, k, "window")
        assert frame.layout.xaxis3.range[0] == pytest.approx(base[0] - dc)
        assert frame.layout.yaxis3.range[1] == pytest.approx(base[1] - dr)


def test_play_runs_frames_in_the_browser_from_the_current_step_at_the_chosen_speed():
    fig = animation_figure(conv_scene(TEXTBOOK, EDGE), step=6, duration=250)
    play, pause, restart = fig.layout.updatemenus[0].buttons
    assert play.method == "animate" and list(play.args[0]) == ["6", "7", "8"]
    assert play.args[1]["frame"]["duration"] == 250 and play.args[1]["fromcurrent"]
    assert list(pause.args[0]) == [None]
    assert restart.args[0] is None and not restart.args[1]["fromcurrent"]
    assert [list(s.args[0]) for s in fig.layout.sliders[0].steps] == [[str(k)] for k in range(9)]


@pytest.mark.parametrize("scene", [conv_scene(TEXTBOOK, EDGE), pool_scene(TEXTBOOK, 2, 1, kind="max"),
                                   transpose_scene(TEXTBOOK[:3, :3], EDGE, 2)])
def test_the_heading_says_the_step_and_the_slider_has_no_label_to_measure(scene):
    """Plotly measures each distinct slider label when it draws the slider (0.9 s for 300 numbered
    steps): every step has the same empty label, and each frame's heading says which step it is."""
    fig = animation_figure(scene)
    slider = fig.layout.sliders[0]
    assert {s.label for s in slider.steps} == {""} and not slider.currentvalue.visible
    n = len(fig.frames)
    assert [f.data[-1].text[0].split(" · ")[0] for f in fig.frames] == [f"Step {k} of {n}" for k in range(1, n + 1)]


def test_output_cells_carry_their_step_for_clicks():
    scene = conv_scene(X, W, stride=2)
    fig = animation_figure(scene)
    layer = fig.data[-1]
    out = scene.grids[-1]
    assert layer.mode == "markers" and layer.marker.opacity < 0.05
    for x, y, k in zip(layer.x, layer.y, layer.customdata):
        assert divmod(k, out.shape[1]) == (y - out.top, x - out.left)


def test_beyond_the_frame_limit_only_steps_around_the_current_one_get_frames():
    assert frame_range(100, 3, 10) == range(0, 10) and frame_range(100, 97, 10) == range(90, 100)
    fig = animation_figure(conv_scene(np.zeros((8, 8)), np.ones((3, 3))), step=20, max_frames=10)
    assert [f.name for f in fig.frames] == [str(k) for k in range(18, 28)]     # the stretch from 20 // 5 · 5 − 2
    assert fig.layout.sliders[0].active == 2
    assert any("frames for steps 19–28 of 36" in a.text for a in fig.layout.annotations)


@pytest.mark.parametrize("titled", [True, False])
def test_the_note_on_which_steps_have_frames_has_room_above_the_board(titled):
    """A slide (untitled) keeps a thin top margin, but not so thin that this note is cut off."""
    scene = conv_scene(np.zeros((8, 8)), np.ones((3, 3)))
    fig = animation_figure(scene, max_frames=10, width=1240, height=560, titled=titled)
    note, = (a for a in fig.layout.annotations if a.text.startswith("frames for steps"))
    assert note.yref == "paper" and note.y == 1 and note.yanchor == "bottom"
    assert fig.layout.margin.t >= note.font.size * 1.5 + 8
    assert animation_figure(scene, width=1240, height=560, titled=False).layout.margin.t == 12   # every step framed


@given(st.integers(1, 5000), st.integers(1, 1600), st.data())
def test_a_figure_built_at_a_steps_anchor_frames_that_step(steps, max_frames, data):
    """The page builds the figure for `frame_anchor`: its frames must hold the step it is on, and every
    step of a half stretch must share it (one figure while stepping through)."""
    step = data.draw(st.integers(0, steps - 1))
    shown, anchor = frame_range(steps, step, max_frames), frame_anchor(steps, step, max_frames)
    assert step in shown and anchor in shown and len(shown) == min(steps, max_frames)
    assert frame_range(steps, anchor, max_frames) == shown
    if steps > max_frames >= 4:
        quarter = max_frames // 4
        assert step - shown.start >= min(quarter, step) and shown.stop - step > min(quarter, steps - 1 - step)
