"""Large inputs in the walkthrough: a neighbourhood of the window, numbers legible, an overview beside.

A scene built with ``fit`` shows its large input and output a part at a time
(`Grid.view`, `StepView.origins`); the figure draws each part on an axis it scrolls, the GIF
draws the part of each step. Every number shown is checked against the engine's step data.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from convviz import conv2d_steps, pool2d_steps
from convviz.figures.animation import animation_figure, legible_fit
from convviz.figures.animation_grids import SMALLEST_TEXT_PX, text_px
from convviz.walkthrough.conv import conv_scene
from convviz.figures.animation_frames import camera, dynamic_layout, strip_gap
from convviz.walkthrough.pool import pool_scene
from convviz.walkthrough.paging import follow
from convviz.walkthrough.text import labels, number
from convviz.walkthrough.transpose import transpose_scene
from convviz.gif import animated_gif

PATCH = np.random.default_rng(7).integers(0, 256, (32, 32)).astype(float)
EDGE = np.array([[1.0, 0.0, -1.0]] * 3)
SLIDE = (1240, 560, False)


def test_follow_turns_like_a_page_and_always_holds_the_window():
    for length, view, extent in [(34, 8, 3), (30, 5, 1), (12, 12, 3), (9, 4, 4)]:
        starts = range(length - extent + 1)
        origins = [follow(s, extent, length, view) for s in starts]
        assert all(o <= s and s + extent <= o + view for o, s in zip(origins, starts))
        assert all(0 <= o <= max(length - view, 0) for o in origins)
        assert origins == sorted(origins)
        assert len(set(origins)) <= -(-length // max(view - extent + 1, 1)) + 1


@pytest.mark.parametrize("kwargs", [{}, {"stride": 2, "padding": 1}, {"dilation": 2, "padding": "same"},
                                    {"padding": 2, "padding_mode": "reflect"}])
def test_each_step_shows_its_window_and_its_output_in_the_parts_on_screen(kwargs):
    full = conv_scene(PATCH, EDGE, image=True, **kwargs)
    fit = legible_fit(full, *SLIDE)
    scene = conv_scene(PATCH, EDGE, image=True, fit=fit, **kwargs)
    steps = conv2d_steps(PATCH, EDGE, **kwargs)
    inp, out = scene.grids[0], scene.grids[-1]
    assert inp.view is not None and out.view is not None
    assert scene.board[0] <= fit[0] and scene.board[1] <= fit[1]
    ow = steps.sums.shape[1]
    for k, view in enumerate(scene.steps):
        i, j = divmod(k, ow)
        r, c = (view.window - (inp.top, inp.left)).T
        assert r.min() >= 0 and c.min() >= 0 and r.max() < inp.view[0] and c.max() < inp.view[1]
        assert sorted(scene.shown(k, 0).labels[r, c]) == sorted(labels(steps.values[0, i, j]).ravel())
        (a, b), = view.current - (out.top, out.left)
        assert scene.shown(k, len(scene.grids) - 1).labels[a, b] == number(steps.sums[i, j])
        assert view.lines[0].startswith(f"Step {k + 1} of {len(scene.steps)}")


def test_pooling_marks_the_winner_inside_the_part_shown():
    scene = pool_scene(PATCH, 2, stride=1, image=True, fit=(9, 18))
    steps = pool2d_steps(PATCH, 2, 1)
    assert scene.zoomed == (0, 1)
    for k, view in enumerate(scene.steps):
        (r, c), = view.marks - (scene.grids[0].top, scene.grids[0].left)
        assert scene.shown(k, 0).labels[r, c] == number(steps.results.ravel()[k])


def test_the_cover_hides_exactly_the_outputs_not_computed_yet_within_the_part():
    scene = conv_scene(PATCH, EDGE, fit=(9, 18))
    out = scene.grids[-1]
    rows, cols = out.shape
    for k in range(0, len(scene.steps), 37):
        o_r, o_c = scene.origin(k, len(scene.grids) - 1)
        hidden = {(r - out.top + o_r, c - out.left + o_c) for r0, c0, r1, c1 in scene.hidden(k)
                  for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        in_part = {(r, c) for r in range(o_r, o_r + out.view[0]) for c in range(o_c, o_c + out.view[1])}
        assert hidden == {(r, c) for r, c in in_part if r * cols + c > k}


@pytest.mark.parametrize("make", [
    lambda fit: conv_scene(PATCH, EDGE, image=True, fit=fit),
    lambda fit: conv_scene(np.stack([PATCH] * 3), np.stack([EDGE] * 3), image=True, fit=fit),
    lambda fit: pool_scene(PATCH, 2, image=True, fit=fit),
    lambda fit: pool_scene(PATCH, 3, stride=1, kind="avg", image=True, fit=fit),
    lambda fit: conv_scene(np.random.default_rng(1).integers(0, 10, (16, 16)), EDGE, fit=fit),
    lambda fit: transpose_scene(np.random.default_rng(1).integers(0, 10, (16, 16)), EDGE, stride=3, fit=fit),
])
@pytest.mark.parametrize("size", [SLIDE, (960, None, True)])
def test_with_the_fit_every_number_is_written_at_least_14_px(make, size):
    scene = make(legible_fit(make(None), *size))
    fig = animation_figure(scene, 0, 600, 1600, *size)
    written = [t for t in fig.data if t.type == "heatmap" and t.texttemplate == "%{text}" and t.textfont.size]
    assert written and min(t.textfont.size for t in written) >= SMALLEST_TEXT_PX
    strips = [t for t in fig.data if t.type == "scatter" and t.mode == "text" and t.yaxis == "y5"]
    assert all(t.textfont.size >= SMALLEST_TEXT_PX for t in strips)


def test_each_frame_scrolls_every_part_axis_to_its_part():
    scene = conv_scene(PATCH, EDGE, fit=(9, 18))
    gap, (y0, y1) = strip_gap(scene.board), (scene.board[0] - 0.4, -0.6)
    for k in (0, 5, 6, 200, len(scene.steps) - 1):
        layout = dynamic_layout(scene, k)
        for grid, (_, page) in scene.pages.items():
            assert layout[camera(scene, grid)]["range"] == [round(y0 + page[k] * gap, 1), round(y1 + page[k] * gap, 1)]


def test_every_output_cell_can_be_clicked_in_each_part_that_shows_it():
    scene = conv_scene(PATCH, EDGE, fit=(9, 18))
    fig = animation_figure(scene)
    layer = fig.data[-1]
    out, gap = scene.grids[-1], strip_gap(scene.board)
    origins = scene.pages[len(scene.grids) - 1][0]
    assert set(layer.customdata) == set(range(len(scene.steps))) and layer.yaxis == "y" + camera(scene, 2)[5:]
    for x, y, k in zip(layer.x, layer.y, layer.customdata):
        page, row = divmod(y - out.top, gap)
        assert divmod(k, out.shape[1]) == (origins[page][0] + row, origins[page][1] + x - out.left)


def test_the_overview_box_follows_the_part_shown():
    scene = conv_scene(PATCH, EDGE, fit=(9, 18))
    fig = animation_figure(scene, max_frames=len(scene.steps))      # a frame for every step, every page
    boxes = [frame.data[-2] for frame in fig.frames]
    widths = {round(max(b.x) - min(b.x), 6) for b in boxes}
    assert len(widths) == 1 and len({(min(b.x), min(b.y)) for b in boxes}) == len(scene.pages[0][0])


def test_small_scenes_are_shown_whole():
    scene = conv_scene(np.arange(25.0).reshape(5, 5), EDGE)
    assert legible_fit(scene, *SLIDE) is None and scene.zoomed == ()
    assert text_px(scene.grids[0].labels, 40) >= SMALLEST_TEXT_PX


def test_the_gif_draws_the_part_of_each_step():
    scene = conv_scene(PATCH, EDGE, image=True, fit=(9, 18))
    gif = Image.open(io.BytesIO(animated_gif(scene, steps=range(0, 40))))
    assert gif.n_frames == 40 and gif.size[0] >= 1280
