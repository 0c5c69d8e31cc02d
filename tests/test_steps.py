"""Tests for convviz.steps: the step data adds up to exactly what the engine returns."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference as ref
from convviz import (
    avg_pool2d, conv2d, conv2d_steps, conv_transpose2d, conv_transpose2d_steps, max_pool2d, pool2d_steps,
)
from strategies import FAST, conv_cases, pool_cases, random_array, transpose_cases

TWO_D = st.just(2)


# --- convolution -----------------------------------------------------------------------------

def test_the_first_window_of_the_edge_kernel_on_1_to_25():
    s = conv2d_steps(np.arange(1, 26).reshape(5, 5), [[1, 0, -1]] * 3)
    np.testing.assert_array_equal(s.values[0, 0, 0], [[1, 2, 3], [6, 7, 8], [11, 12, 13]])
    np.testing.assert_array_equal(s.products[0, 0, 0], [[1, 0, -3], [6, 0, -8], [11, 0, -13]])
    np.testing.assert_array_equal(s.sums, np.full((3, 3), -6.0))
    assert s.pads == ((0, 0), (0, 0)) and not s.padded.any()


@FAST
@given(conv_cases(spatial=TWO_D), st.floats(-2, 2))
def test_conv_step_sums_are_the_conv2d_output(case, bias):
    x = case.xb[0]
    weight = random_array(5, (x.shape[0], *case.weight.shape[2:]))
    settings = {k: case.kwargs[k] for k in ("stride", "padding", "dilation", "padding_mode")}
    steps = conv2d_steps(x, weight, bias, **settings)
    np.testing.assert_allclose(steps.sums, conv2d(x, weight[None], [bias], **settings)[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(steps.partial_sums.sum(0) + bias, steps.sums, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(steps.products, steps.values * weight[:, None, None])


@FAST
@given(conv_cases(spatial=TWO_D))
def test_conv_steps_read_what_the_padding_mode_shows(case):
    x, kw = case.xb[0], case.kwargs
    steps = conv2d_steps(x, np.ones((x.shape[0], *case.weight.shape[2:])), stride=kw["stride"], padding=kw["padding"],
                         dilation=kw["dilation"], padding_mode=kw["padding_mode"])
    (top, _), (left, _) = steps.pads
    assert steps.pads == ref.resolve_padding(kw["padding"], case.weight.shape[2:], kw["stride"], kw["dilation"])
    padded = ref.pad(x, steps.pads, kw["padding_mode"])
    np.testing.assert_array_equal(steps.values, padded[:, steps.rows + top, steps.cols + left])
    outside = (steps.rows < 0) | (steps.rows >= x.shape[1]) | (steps.cols < 0) | (steps.cols >= x.shape[2])
    np.testing.assert_array_equal(steps.padded, outside)
    stride, dilation = ref.per_axis(kw["stride"], 2), ref.per_axis(kw["dilation"], 2)
    np.testing.assert_array_equal(steps.rows[:, 0, :, 0], np.add.outer(
        np.arange(steps.rows.shape[0]) * stride[0], np.arange(steps.rows.shape[2]) * dilation[0]) - top)


def test_a_reflected_tap_shows_the_mirrored_value():
    s = conv2d_steps(np.arange(1, 10).reshape(3, 3), np.ones((3, 3)), padding=1, padding_mode="reflect")
    assert s.padded[0, 0, 0, 0] and s.rows[0, 0, 0, 0] == -1 and s.cols[0, 0, 0, 0] == -1
    assert s.values[0, 0, 0, 0, 0] == 5  # (−1, −1) mirrors to (1, 1)


def test_conv_steps_refuse_mismatched_channels_and_bad_weights():
    with pytest.raises(ValueError, match="weight has 2 channel slices but x has 3 channels"):
        conv2d_steps(np.ones((3, 4, 4)), np.ones((2, 3, 3)))
    with pytest.raises(ValueError, match="weight must hold finite numbers"):
        conv2d_steps(np.ones((4, 4)), np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="x must be .H, W. or .C, H, W. with no empty axis"):
        conv2d_steps(np.ones((1, 1, 4, 4)), np.ones((3, 3)))


# --- pooling ---------------------------------------------------------------------------------

@FAST
@given(pool_cases(spatial=TWO_D))
def test_max_pool_steps_are_max_pool2d_and_the_winner_is_where_the_max_is(case):
    x, kw = case.xb[0, 0], case.kwargs
    steps = pool2d_steps(x, kind="max", **kw)
    values, indices = max_pool2d(x[None], **kw, return_indices=True)
    np.testing.assert_array_equal(steps.results, values[0])
    rows, cols = np.meshgrid(*map(np.arange, steps.results.shape), indexing="ij")
    won = steps.values[rows, cols, steps.winner[..., 0], steps.winner[..., 1]]
    np.testing.assert_array_equal(won, steps.results)
    where = steps.rows[rows, cols, steps.winner[..., 0], steps.winner[..., 1]] * x.shape[1] + \
        steps.cols[rows, cols, steps.winner[..., 0], steps.winner[..., 1]]
    real = ~steps.padded.all(axis=(2, 3))  # PyTorch's index for a window of only padding means nothing
    np.testing.assert_array_equal(where[real], indices[0][real])


@FAST
@given(pool_cases(spatial=TWO_D, kind="avg"))
def test_avg_pool_steps_are_avg_pool2d(case):
    x, kw = case.xb[0, 0], dict(case.kwargs)
    kw.pop("divisor_override")
    steps = pool2d_steps(x, kind="avg", **kw)
    np.testing.assert_allclose(steps.results, avg_pool2d(x[None], **kw)[0], rtol=1e-12)
    np.testing.assert_allclose(steps.results * steps.divisor, np.nansum(np.where(steps.padded, 0, steps.values),
                                                                        axis=(2, 3)), rtol=1e-12, atol=1e-12)


def test_a_window_of_only_padding_gives_what_max_pool2d_gives():
    steps = pool2d_steps(np.ones((1, 1)), 2, stride=1, padding=1, dilation=2)
    np.testing.assert_array_equal(steps.results, max_pool2d(np.ones((1, 1, 1)), 2, stride=1, padding=1, dilation=2)[0])


def test_pool_steps_refuse_what_they_cannot_show():
    with pytest.raises(ValueError, match="kind must be 'max' or 'avg', got 'min'"):
        pool2d_steps(np.ones((4, 4)), 2, kind="min")
    with pytest.raises(ValueError, match="pool2d_steps takes one channel, got 2"):
        pool2d_steps(np.ones((2, 4, 4)), 2)
    with pytest.raises(ValueError, match="average pooling has no dilation"):
        pool2d_steps(np.ones((4, 4)), 2, dilation=2, kind="avg")


# --- transposed convolution ------------------------------------------------------------------

@FAST
@given(transpose_cases(spatial=TWO_D))
def test_transpose_steps_are_conv_transpose2d(case):
    x, weight = case.xb[0, 0], case.weight[0, 0]
    settings = {k: case.kwargs[k] for k in ("stride", "padding", "output_padding", "dilation")}
    steps = conv_transpose2d_steps(x, weight, **settings)
    np.testing.assert_allclose(steps.results, conv_transpose2d(x[None], weight[None, None], **settings)[0],
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(steps.stamps, x[:, :, None, None] * weight)
    assert steps.after.shape == (x.size, *steps.results.shape)


def test_each_stamp_adds_one_scaled_kernel():
    t = conv_transpose2d_steps(np.array([[1.0, 2.0]]), np.ones((1, 3)), stride=2)
    np.testing.assert_array_equal(t.after[:, 0], [[1, 1, 1, 0, 0], [1, 1, 3, 2, 2]])
    np.testing.assert_array_equal(t.cols[0, 1, 0], [2, 3, 4])

