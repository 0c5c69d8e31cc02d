"""Tests for convviz.figures.shapes: the pictures are checked by what they contain."""

from __future__ import annotations

import inspect

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

import convviz.figures.shapes as shapes
from convviz import conv_output_size
from convviz.figures.shapes import (
    CHOSEN, FEEDS, GAP, OUTSIDE, PADDING, READ, TAP, UNREAD, receptive_field_figure, window_figures, window_grid,
    window_strip,
)
from convviz.stack.layers import Conv, Flatten, Pool, plan
from convviz.stack.presets import PRESETS
from strategies import FAST


def grid(fig: go.Figure, trace: int = 0) -> np.ndarray:
    return np.array(fig.data[trace].z)


def legend(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data if t.showlegend]


# --- one axis ------------------------------------------------------------------------------------

def test_strip_marks_the_positions_the_last_window_never_reaches():
    fig = window_strip(7, kernel_size=3, stride=2, padding=(1, 1))      # ⌊(9 − 3)/2⌋ + 1 = 4: exact
    assert list(grid(fig)[0]) == [PADDING] + [READ] * 7 + [PADDING]
    fig = window_strip(8, kernel_size=3, stride=2)                       # ⌊5/2⌋ + 1 = 3, remainder 1
    assert list(grid(fig)[0]) == [READ] * 7 + [UNREAD]
    assert "input, never read" in legend(fig)
    assert fig.data[0].text[0][7] == "7"                                  # input positions are numbered


def test_strip_draws_one_row_per_window_with_its_taps():
    z = grid(window_strip(6, kernel_size=2, stride=2))
    assert z.shape == (4, 6)
    for i in range(3):
        assert list(np.flatnonzero(z[1 + i] == TAP)) == [2 * i, 2 * i + 1]


def test_stride_larger_than_the_kernel_skips_positions_in_the_middle():
    z = grid(window_strip(9, kernel_size=2, stride=3))
    assert list(np.flatnonzero(z[0] == UNREAD)) == [2, 5, 8]


def test_dilation_leaves_gaps_inside_the_window():
    z = grid(window_strip(5, kernel_size=3, dilation=2))
    assert list(z[1]) == [TAP, GAP, TAP, GAP, TAP]
    assert "skipped by dilation" in legend(window_strip(5, kernel_size=3, dilation=2))


def test_a_ceil_mode_window_hangs_over_the_end():
    z = grid(window_strip(5, kernel_size=2, stride=2, output=3))
    assert z.shape[1] == 6 and z[3, 5] == TAP and z[0, 5] == 0          # beyond the input: nothing there


def test_many_windows_are_shortened_with_an_ellipsis():
    fig = window_strip(227, kernel_size=11, stride=4, max_windows=8)
    labels = list(fig.layout.yaxis.ticktext)
    assert labels == ["input", "window 0", "window 1", "window 2", "⋮", "window 51", "window 52", "window 53",
                      "window 54"]
    assert not any(fig.data[0].text[0])                                   # too many cells to number


@FAST
@given(st.integers(1, 30), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2), st.integers(1, 2))
def test_strip_reads_exactly_the_positions_some_window_touches(size, kernel, stride, pad, dilation):
    try:
        windows = conv_output_size(size, kernel, stride, pad, dilation)
    except ValueError:
        return
    z = grid(window_strip(size, kernel, stride, pad, dilation))
    touched = {i * stride + t * dilation - pad for i in range(windows) for t in range(kernel)}
    assert z.shape[0] == 1 + min(windows, 8)                              # beyond 8: 7 windows and "⋮"
    assert {int(x) - pad for x in np.flatnonzero(z[0] == READ)} == touched & set(range(size))


# --- two axes ------------------------------------------------------------------------------------

def test_grid_shows_padding_first_and_last_window_and_unread_rows_and_columns():
    fig = window_grid((6, 5), (3, 3), (2, 2), ((1, 1), (0, 0)), (1, 1), (3, 2))
    z = grid(fig)
    assert z.shape == (8, 5)
    assert (z[0, 3:] == PADDING).all() and (z[7] == PADDING).all()        # the bottom padding is never reached
    assert (z[0:3, 0:3] == GAP).all()                                     # first window, from the top padding
    assert (z[4:7, 2:5] == TAP).all()                                     # last window
    assert (z[1:7][z[1:7] < TAP] == READ).all()
    assert set(legend(fig)) == {"padding", "input, read", "last window", "first window"}
    fig = window_grid((5, 6), (3, 3), (2, 2), ((0, 0), (0, 0)), (1, 1), (2, 2))
    assert list(np.flatnonzero((grid(fig) == UNREAD).all(axis=0))) == [5]  # column 5 is never read


def test_window_figures_pick_a_grid_for_two_axes_and_strips_otherwise():
    assert len(window_figures((5, 5), (3, 3), (1, 1), ((0, 0),) * 2, (1, 1), (3, 3))) == 1
    three = window_figures((5, 6, 7), (3,) * 3, (1,) * 3, ((0, 0),) * 3, (1,) * 3, (3, 4, 5), ("D", "H", "W"))
    assert [f.layout.title.text for f in three] == ["Axis D", "Axis H", "Axis W"]
    big = window_figures((300, 300), (3, 3), (1, 1), ((0, 0),) * 2, (1, 1), (298, 298))
    assert len(big) == 2                                                  # too fine for a grid


# --- what one unit sees -----------------------------------------------------------------------

def test_lenet_unit_sees_a_16_by_16_region_and_each_layer_s_share():
    preset = PRESETS["LeNet-5"]
    steps = plan(preset.input_shape, preset.layers)
    fig = receptive_field_figure(preset.input_shape, steps, 5, (0, 0))
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 5                                             # input, conv, pool, conv, pool
    assert [int((np.array(h.z) == FEEDS).sum()) for h in heatmaps] == [256, 144, 36, 4, 0]
    assert int((np.array(heatmaps[-1].z) == CHOSEN).sum()) == 1
    assert "input rows 0–15 and columns 0–15" in fig.layout.title.text
    assert [a.text for a in fig.layout.annotations][1] == "0 · conv<br>12×12 of 28×28"


def test_a_field_that_reaches_into_the_padding_is_drawn_grey():
    steps = plan((1, 6, 6), [Conv(1, 3, padding=1), Conv(1, 3, padding=1)])
    fig = receptive_field_figure((1, 6, 6), steps, 1, (0, 5))
    z = grid(fig)
    assert z.shape == (8, 8) and (z[0] == OUTSIDE).all()                  # the field spans rows −2…2
    assert int((z == FEEDS).sum()) == 9                                   # rows 0–2, columns 3–5
    assert "padding" in legend(fig)


def test_dilation_leaves_holes_in_what_a_unit_reads():
    steps = plan((1, 9, 9), [Conv(1, 3, dilation=2)])
    z = grid(receptive_field_figure((1, 9, 9), steps, 0, (0, 0)))
    assert list(np.flatnonzero(z[0] == FEEDS)) == [0, 2, 4]


def test_a_flat_layer_has_no_receptive_field_picture():
    steps = plan((1, 8, 8), [Conv(1, 3), Flatten()])
    with pytest.raises(ValueError, match="layer 1 has no receptive field"):
        receptive_field_figure((1, 8, 8), steps, 1, (0, 0))


def test_a_field_too_wide_or_too_far_to_draw_is_refused_with_its_size():
    wide = plan((1, 600, 600), [Conv(1, 3, dilation=150)])                # sees 301 of 600 positions
    with pytest.raises(ValueError, match="a unit of layer 0 sees 301 positions along an axis; .* up to 256"):
        receptive_field_figure((1, 600, 600), wide, 0, (0, 0))
    far = plan((1, 32, 32), [Conv(1, 1, padding=10**30), Conv(1, 3, stride=10**30)])
    with pytest.raises(ValueError, match="layer 0 would be drawn at position 1,000,.*, beyond the 2\\*\\*53"):
        receptive_field_figure((1, 32, 32), far, 1, (1, 1))


def test_builders_are_pure():
    source = inspect.getsource(shapes)
    assert "streamlit" not in source and "session_state" not in source
    assert isinstance(receptive_field_figure((1, 4, 4), plan((1, 4, 4), [Pool(2)]), 0, (1, 1)), go.Figure)


def test_titles_name_what_is_never_read():
    assert window_strip(10, 3, 2, (1, 1), 2, title="Axis L").layout.title.text == (
        "Axis L: positions 0, 2, 4, 6 and 8 never read")                  # dilation 2 at stride 2: odd taps only
    assert window_strip(8, 3, 2).layout.title.text == "Position 7 never read"
    assert window_grid((14, 11), (2, 3), (3, 2), ((0, 0),) * 2, (1, 1), (5, 5)).layout.title.text == (
        "Never read: rows 2, 5, 8 and 11")
    assert window_grid((6, 6), (3, 3), (1, 1), ((0, 0),) * 2, (1, 1), (4, 4)).layout.title.text == (
        "Every input position is read")
    assert "…" in window_strip(40, 1, 3).layout.title.text
