"""The Matrix view's figure builders, tested by what they show: cells, numbers, outlines, bars and lines."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from convviz import conv_matrix, conv_matrix_dense, unfold
from convviz.figures.costs import cost_figure, difference_png, picture_png, separable_figure, timing_figure
from convviz.figures.matrix import TEXT_CELL_PX, grid_figure, matrix_figure, product_figure
from convviz.figures.style import CLEAR, HIGHLIGHT, WINDOW


def named(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def box(trace) -> tuple[float, float, float, float]:
    """(top, left, bottom, right) of an outline trace, in board coordinates."""
    ys, xs = [v for v in trace.y if v is not None], [v for v in trace.x if v is not None]
    return min(ys), min(xs), max(ys), max(xs)


def test_grid_figure_writes_every_number_and_outlines_the_window_and_the_chosen_cell():
    values = np.array([[1.0, -2.5], [0.0, 1000.0]])
    fig = grid_figure(values, "grid", window=np.array([[True, True], [False, False]]),
                      chosen=np.array([[False, False], [False, True]]), clickable=np.array([[0, 1], [-1, 3]]))
    cells = named(fig, "values")
    assert cells.z.shape == (2, 2) and np.array(cells.text).tolist() == [["1", "−2.5"], ["0", "1000"]]
    assert box(named(fig, "window")) == (0.5, -0.5, 1.5, 1.5)          # row 0 of the grid sits on board row 1
    assert box(named(fig, "chosen")) == (1.5, 0.5, 2.5, 1.5)
    assert named(fig, "window").line.color == WINDOW and named(fig, "chosen").line.color == HIGHLIGHT
    assert named(fig, "click").customdata.tolist() == [0, 1, 3]        # negative cells are not clickable
    assert fig.layout.paper_bgcolor == CLEAR and fig.layout.plot_bgcolor == CLEAR
    assert fig.layout.font.color is None                               # text follows the page's theme


def test_padding_cells_are_a_trace_of_their_own():
    padded = np.pad(np.ones((2, 2), bool), 1) == 0
    fig = grid_figure(np.pad(np.full((2, 2), 7.0), 1), "x", "input", padded)
    main, pad = named(fig, "values"), named(fig, "values padding")
    assert np.isnan(np.array(main.z, dtype=float)).sum() == 12 and np.array(pad.text)[0].tolist() == ["0"] * 4


def test_product_figure_shows_patches_kernel_and_outputs_with_the_row_outlined():
    x = np.arange(1.0, 10.0).reshape(1, 3, 3)
    patches = unfold(x, 2).T                                           # 4 outputs × 4 taps
    kernel = np.array([1.0, 0.0, 0.0, -1.0])
    fig = product_figure(patches, kernel, patches @ kernel, row=2)
    assert named(fig, "patches").z.shape == (4, 4) and np.array(named(fig, "patches").text)[2].tolist() == [
        "4", "5", "7", "8"]
    assert np.array(named(fig, "kernel").text).ravel().tolist() == ["1", "0", "0", "−1"]
    assert np.array(named(fig, "output").text).ravel().tolist() == ["−4"] * 4
    assert box(named(fig, "window")) == (2.5, 0.5, 3.5, 4.5)          # row 2 across the four taps
    assert box(named(fig, "chosen"))[0] == 2.5
    clicks = named(fig, "click")
    assert sorted(set(clicks.customdata.tolist())) == [0, 1, 2, 3] and len(clicks.customdata) == 4 * 6
    assert [a.text for a in fig.layout.annotations][-2:] == ["×", "="]


def test_product_figure_refuses_mismatched_shapes_and_rows():
    with pytest.raises(ValueError, match="need a kernel of 4 weights and 3 outputs"):
        product_figure(np.ones((3, 4)), np.ones(3), np.ones(3), 0)
    with pytest.raises(ValueError, match="row must be from 0 to 2, got 3"):
        product_figure(np.ones((3, 4)), np.ones(4), np.ones(3), 3)


def test_matrix_figure_leaves_unstored_entries_blank_and_outlines_the_row():
    w = np.array([[[[1.0, 0.0], [0.0, 2.0]]]])                         # a zero weight is still stored
    m = conv_matrix((1, 3, 3), w)
    dense = conv_matrix_dense((1, 3, 3), w)
    structure = np.zeros(dense.shape, bool)
    structure[np.repeat(np.arange(4), np.diff(m.indptr)), m.indices] = True
    fig = matrix_figure(dense, 1, structure)
    text = np.array(named(fig, "M").text)
    assert text.shape == (4, 9) and (text != "").sum() == m.nnz == 16
    assert text[1].tolist() == ["", "1", "0", "", "0", "2", "", "", ""]
    assert box(named(fig, "window")) == (1.5, -0.5, 2.5, 8.5)
    assert box(named(fig, "frame")) == (0.5, -0.5, 4.5, 8.5)
    assert sorted(set(named(fig, "click").customdata.tolist())) == [0, 1, 2, 3]


def test_a_large_matrix_shows_colours_only_and_clicks_by_row():
    fig = matrix_figure(np.eye(120), 0)
    assert named(fig, "M").texttemplate == "" and (fig.layout.height - 52) / 121 < TEXT_CELL_PX
    assert len(named(fig, "click").customdata) == 120                   # one marker per row, not 14,400


def test_separable_figure_draws_one_cell_per_weight_and_caps_the_channels():
    counts = [int(np.isfinite(np.array(t.z, dtype=float)).sum()) for t in separable_figure(2, 3, 5).data]
    assert counts == [3 * 2 * 25, 2 * 25, 3 * 2]
    big = separable_figure(64, 128, 3)
    assert [int(np.isfinite(np.array(t.z, dtype=float)).sum()) for t in big.data] == [6 * 6 * 9, 6 * 9, 36]
    assert "drawn: 6 of 64 and 6 of 128 channels" in [a.text for a in big.layout.annotations]


def test_cost_figure_stacks_the_separable_parts():
    fig = cost_figure({"parameters": {"standard": {"3×3": 1792}, "separable": {"dw": 30, "pw": 256}},
                       "multiply–accumulates": {"standard": {"3×3": 9}, "separable": {"dw": 1, "pw": 2}}})
    assert fig.layout.barmode == "stack" and len(fig.data) == 6
    assert [(t.x[0], t.y[0], t.xaxis) for t in fig.data[:3]] == [("standard", 1792, "x"), ("separable", 30, "x"),
                                                                 ("separable", 256, "x")]
    assert [t.showlegend for t in fig.data] == [True] * 3 + [False] * 3


def test_timing_figure_draws_milliseconds_on_a_log_axis():
    fig = timing_figure([3, 5, 7], {"a": [0.001, 0.002, 0.004], "b": [0.01, 0.01, 0.01]})
    assert fig.layout.yaxis.type == "log" and list(fig.data[0].y) == [1.0, 2.0, 4.0]
    assert list(fig.data[1].x) == [3, 5, 7]


def test_pictures_are_lossless_and_enlarged_without_smoothing():
    png = Image.open(io.BytesIO(picture_png(np.array([[0.0, 255.0], [255.0, 0.0]]), zoom=4)))
    assert png.format == "PNG" and png.size == (8, 8)
    assert np.asarray(png)[:4, :4].max() == 0 and np.asarray(png)[:4, 4:].min() == 255


def test_a_difference_is_blue_below_zero_white_at_zero_and_red_above():
    data, (low, high) = difference_png(np.array([[-3.0, 0.0, 3.0]]), zoom=2)
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    assert rgb.shape == (2, 6, 3) and low == -high
    blue, white, red = rgb[0, 0], rgb[0, 2], rgb[0, 4]
    assert blue[2] > blue[0] and red[0] > red[2] and white.min() > 240
