"""Tests for the step-by-step walkthrough: the scenes of convviz.walkthrough and what they write.

Every written sum is checked against the engine's own functions (conv2d, max_pool2d, …),
which compute without the step data the scenes are built from.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz import avg_pool2d, conv2d, conv_transpose2d, max_pool2d
from convviz.figures.animation import animation_figure
from convviz.geometry import conv_geometry, pool_geometry
from convviz.walkthrough import conv as conv_module
from convviz.walkthrough import pool as pool_module
from convviz.walkthrough.conv import conv_scene, conv_scene_for
from convviz.walkthrough.pool import pool_scene, pool_scene_for
from convviz.walkthrough.scene import rectangles
from convviz.walkthrough.text import LINE_LIMIT, expression, labels, number
from convviz.walkthrough.transpose import MAX_SIDE, transpose_scene

TEXTBOOK = np.arange(1, 26).reshape(5, 5)
EDGE = [[1, 0, -1]] * 3
RNG = np.random.default_rng(4)
X = RNG.integers(-9, 10, (6, 7)).astype(float)
W = RNG.integers(-2, 3, (3, 3)).astype(float)
NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def lines(frame) -> list[str]:
    return frame.data[-1].text[0].split("<br>")


def written(text_lines: list[str]) -> str:
    """The number the arithmetic ends in, as written."""
    return re.search(r" [=≈] (\S+)$", text_lines[-1]).group(1)


def running_text(fig, step: int) -> list[str]:
    """The running totals a transposed-convolution figure shows at `step`, in reading order."""
    strip = next(t for t in fig.data if t.yaxis == "y5")
    frame = next(f for f in fig.frames if f.name == str(step))
    low, high = sorted(frame.layout.yaxis5.range)
    y = np.asarray(strip.y)
    shown = [(y_, x_, t) for x_, y_, t in zip(strip.x, y, strip.text) if low < y_ < high]
    return [t for _, _, t in sorted(shown)]


def check_frames(scene, expected: np.ndarray) -> None:
    """One frame per output cell, in reading order, each ending in the engine's value."""
    fig = animation_figure(scene)
    assert len(fig.frames) == expected.size
    for k, frame in enumerate(fig.frames):
        i, j = divmod(k, expected.shape[1])
        assert lines(frame)[0].startswith(f"Step {k + 1} of {expected.size} · output ({i}, {j})")
        assert written(lines(frame)) == number(expected[i, j])
        assert scene.steps[k].result == pytest.approx(expected[i, j])


# --- the textbook example -------------------------------------------------------------------------

def test_textbook_first_step_is_minus_six():
    fig = animation_figure(conv_scene(TEXTBOOK, EDGE))
    assert len(fig.frames) == 9
    assert lines(fig.frames[0]) == [
        "Step 1 of 9 · output (0, 0)", "1·1 + 2·0 + 3·(−1) + 6·1 + 7·0 + 8·(−1) + 11·1 + 12·0 + 13·(−1) = −6"]


def test_window_covers_exactly_the_taps_and_the_output_cell_is_highlighted():
    scene = conv_scene(TEXTBOOK, EDGE, stride=2)
    inp, out = scene.grids[0], scene.grids[-1]
    view = scene.steps[1]  # output (0, 1): input rows 0–2, columns 2–4
    assert sorted(map(tuple, view.window)) == [(inp.top + r, inp.left + c) for r in range(3) for c in range(2, 5)]
    assert view.current.tolist() == [[out.top, out.left + 1]]


def test_dilated_taps_are_separate_squares_and_plain_taps_one_block():
    assert len(rectangles(conv_scene(TEXTBOOK, EDGE).steps[0].window)) == 1
    squares = rectangles(conv_scene(TEXTBOOK, EDGE, dilation=2).steps[0].window)
    assert len(squares) == 9 and all(r0 == r1 and c0 == c1 for r0, c0, r1, c1 in squares)
    assert {c for _, c, _, _ in squares} == {0, 2, 4}


def test_output_cells_not_computed_yet_are_covered():
    scene = conv_scene(TEXTBOOK, EDGE)
    out = scene.grids[-1]
    for k in range(9):
        hidden = {(r, c) for r0, c0, r1, c1 in scene.hidden(k) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        assert hidden == {(out.top + n // 3, out.left + n % 3) for n in range(k + 1, 9)}


# --- every setting: one frame per output cell, each sum the engine's -------------------------------

@pytest.mark.parametrize("kwargs", [
    {}, {"stride": 2}, {"padding": 1}, {"padding": 1, "padding_mode": "reflect"},
    {"padding": 2, "padding_mode": "circular", "dilation": 2}, {"padding": "same", "padding_mode": "replicate"},
    {"stride": (1, 2), "dilation": (2, 1), "padding": ((1, 0), (2, 1))}, {"padding": "full", "bias": 0.5},
])
def test_convolution_frames_match_conv2d(kwargs):
    bias = kwargs.pop("bias", 0.0)
    expected = conv2d(X[None], W[None, None], np.array([bias]), **kwargs)[0]
    check_frames(conv_scene(X, W, bias, **kwargs), expected)


def test_three_channels_add_their_partial_sums_and_the_bias():
    x, w = RNG.integers(0, 9, (3, 4, 5)).astype(float), RNG.integers(-1, 2, (3, 2, 2)).astype(float)
    scene = conv_scene(x, w, bias=2.0, padding=1)
    check_frames(scene, conv2d(x, w[None], np.array([2.0]), padding=1)[0])
    text = scene.steps[0].lines
    assert [t[:3] for t in text[1:4]] == ["R: ", "G: ", "B: "] and "(bias)" in text[4]
    partials = [float(re.search(r"= (\S+)$", t).group(1).replace("−", "-")) for t in text[1:4]]
    assert sum(partials) + 2.0 == pytest.approx(scene.steps[0].result)


def test_rounded_numbers_are_marked_approximate():
    scene = conv_scene(np.ones((3, 3)), np.full((3, 3), 1 / 9))
    assert scene.steps[0].lines[-1].endswith("≈ 1")
    assert conv_scene(np.ones((2, 2)), np.full((2, 2), 0.25)).steps[0].lines[-1].endswith("= 1")


@settings(max_examples=30, deadline=None)
@given(h=st.integers(3, 7), w=st.integers(3, 7), k=st.integers(1, 3), stride=st.integers(1, 2),
       padding=st.integers(0, 1), dilation=st.integers(1, 2), mode=st.sampled_from(sorted(NUMPY_MODE)),
       seed=st.integers(0, 99))
def test_any_setting_gives_a_frame_per_output_cell_with_the_engine_sum(h, w, k, stride, padding, dilation, mode, seed):
    if dilation * (k - 1) + 1 > min(h, w) + 2 * padding:
        return
    rng = np.random.default_rng(seed)
    x, weight = rng.integers(-5, 6, (h, w)).astype(float), rng.integers(-3, 4, (k, k)).astype(float)
    args = dict(stride=stride, padding=padding, dilation=dilation, padding_mode=mode)
    check_frames(conv_scene(x, weight, **args), conv2d(x[None], weight[None, None], **args)[0])


# --- padding shows what the padding mode puts there -------------------------------------------------

@pytest.mark.parametrize("mode", sorted(NUMPY_MODE))
def test_padding_cells_show_the_values_of_the_padding_mode(mode):
    grid = conv_scene(X, W, padding=2, padding_mode=mode).grids[0]
    assert grid.labels.tolist() == labels(np.pad(X, 2, mode=NUMPY_MODE[mode])).tolist()
    ring = np.ones((10, 11), bool)
    ring[2:-2, 2:-2] = False
    assert (grid.padding == ring).all()
    assert np.isnan(grid.values[ring]).all() and not np.isnan(grid.values[~ring]).any()


def test_numbers_use_a_true_minus_sign_and_negative_operands_parentheses():
    scene = conv_scene(X, W, padding=1)
    every = [t for s in scene.steps for t in s.lines] + [t for g in scene.grids for t in g.labels.ravel()]
    assert not any("-" in t for t in every)
    assert "·(−" in " ".join(every)


def test_long_sums_wrap_one_kernel_row_per_line_and_keep_the_result():
    scene = conv_scene(RNG.integers(100, 255, (9, 9)), np.full((7, 7), 0.125))
    text = scene.steps[0].lines[1:]
    assert 1 < len(text) <= 7 and all(len(t) <= LINE_LIMIT for t in text)
    assert written(text) == number(scene.steps[0].result)
    assert expression([["1", "2"]], " = 3") == ("1 + 2 = 3",)


# --- pooling ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": 2, "stride": 2, "ceil_mode": True}, {"kernel_size": 2, "dilation": 2},
])
def test_max_pool_frames_match_the_engine_and_mark_the_winner(kwargs):
    scene = pool_scene(X, **kwargs)
    check_frames(scene, max_pool2d(X[None], **kwargs)[0])
    grid = scene.grids[0]
    for view in scene.steps:
        (r, c), = view.marks
        assert grid.labels[r - grid.top, c - grid.left] == number(view.result)
        assert any((view.window == (r, c)).all(1))


@pytest.mark.parametrize("count_include_pad", [True, False])
def test_average_pool_writes_the_mean_with_its_divisor(count_include_pad):
    kwargs = dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=count_include_pad)
    scene = pool_scene(X, kind="avg", **kwargs)
    check_frames(scene, avg_pool2d(X[None], **kwargs)[0])
    divisor = re.search(r"\) / (\d+) [=≈]", scene.steps[0].lines[-1]).group(1)
    assert divisor == ("9" if count_include_pad else "4")


def test_pool_padding_shows_minus_infinity_for_max_and_zero_for_average():
    assert set(pool_scene(X, 2, padding=1).grids[0].labels[0]) == {"−∞"}
    assert set(pool_scene(X, 2, padding=1, kind="avg").grids[0].labels[0]) == {"0"}
    overhang = pool_scene(np.ones((5, 5)), 2, ceil_mode=True).grids[0]
    assert overhang.shape == (6, 6) and set(overhang.labels[-1]) == {""}


# --- scenes of a resolved Geometry ----------------------------------------------------------------

def same_scene(a, b) -> bool:
    """Two scenes write and mark the same: titles, formulas, notes, every grid's labels, every step."""
    return ((a.title, a.formula, a.notes) == (b.title, b.formula, b.notes)
            and all((g.title, g.top, g.left) == (h.title, h.top, h.left) and (g.labels == h.labels).all()
                    for g, h in zip(a.grids, b.grids, strict=True))
            and all(u.lines == v.lines and u.result == v.result and (u.window == v.window).all()
                    and (u.marks == v.marks).all() for u, v in zip(a.steps, b.steps, strict=True)))


def test_a_scene_of_a_geometry_resolves_nothing_and_matches_the_scene_of_its_settings(monkeypatch):
    conv = conv_geometry(X.shape, W.shape, 2, "full", (1, 2), "reflect")
    pool = pool_geometry(X.shape, 3, 2, 1, ceil_mode=True, kind="avg")
    expected = (conv_scene(X, W, 1.5, 2, "full", (1, 2), "reflect"),
                pool_scene(X, 3, 2, 1, ceil_mode=True, kind="avg", count_include_pad=False))

    def refuse(*args, **kwargs):
        raise AssertionError("a scene of a Geometry resolved the layer again")
    monkeypatch.setattr(conv_module, "conv_geometry", refuse)
    monkeypatch.setattr(pool_module, "pool_geometry", refuse)
    assert same_scene(conv_scene_for(X, W, conv, 1.5), expected[0])
    assert same_scene(pool_scene_for(X, pool, "avg", count_include_pad=False), expected[1])


def test_a_scene_of_a_geometry_still_checks_its_arrays():
    with pytest.raises(ValueError, match="weight has 1 channel slices but x has 3 channels"):
        conv_scene_for(np.ones((3, 4, 4)), np.ones((2, 2)), conv_geometry((4, 4), (2, 2)))
    with pytest.raises(ValueError, match="weight must hold finite numbers"):
        conv_scene_for(np.ones((4, 4)), [[1.0, np.nan]], conv_geometry((4, 4), (1, 2)))


# --- transposed convolution ------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"stride": 2}, {"stride": 2, "padding": 1, "output_padding": 1},
                                    {"stride": (2, 1), "dilation": 2, "padding": (0, 1)}])
def test_transposed_stamps_add_up_to_the_engine_output(kwargs):
    x = RNG.integers(-3, 4, (3, 4)).astype(float)
    scene = transpose_scene(x, W, **kwargs)
    expected = conv_transpose2d(x[None], W[None, None], **kwargs)[0]
    fig = animation_figure(scene)
    assert len(fig.frames) == x.size
    canvas = scene.grids[scene.running_grid]
    assert running_text(fig, x.size - 1) == labels(expected).ravel().tolist()
    assert canvas.padding.sum() == canvas.values.size - expected.size
    for k, view in enumerate(scene.steps):
        assert view.result == x[divmod(k, 4)]
        assert re.match(rf"Step {k + 1} of 12 · input \(\d, \d\) = ", view.lines[0])


def test_transposed_input_is_cut_to_a_classroom_size_with_a_note():
    scene = transpose_scene(np.ones((12, 10)), np.ones((2, 2)))
    assert scene.grids[0].shape == (MAX_SIDE, MAX_SIDE) and "top-left" in scene.notes[0]
