"""Tests for convviz.pooling: hand-computed cases, the slow reference, properties, PyTorch, bad input."""

from __future__ import annotations

import re
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import convviz.pooling
import reference as ref
from convviz import (
    avg_pool1d, avg_pool2d, avg_pool3d, global_avg_pool, global_max_pool, max_pool1d, max_pool2d, max_pool3d,
)
from strategies import FAST, pool_cases, random_array

MAX = {1: max_pool1d, 2: max_pool2d, 3: max_pool3d}
AVG = {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}
X4 = np.arange(16.0).reshape(1, 4, 4)
ONE_TO_5 = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])


def spatial(case) -> int:
    return case.x.ndim - (2 if case.batched else 1)


# --- small cases computed by hand ------------------------------------------------------------

def test_2_by_2_pooling_of_a_4_by_4_grid():
    np.testing.assert_array_equal(max_pool2d(X4, 2), [[[5, 7], [13, 15]]])
    np.testing.assert_array_equal(avg_pool2d(X4, 2), [[[2.5, 4.5], [10.5, 12.5]]])


def test_ceil_mode_keeps_a_last_partial_window():
    np.testing.assert_array_equal(max_pool1d(ONE_TO_5, 2), [[2, 4]])
    np.testing.assert_array_equal(max_pool1d(ONE_TO_5, 2, ceil_mode=True), [[2, 4, 5]])
    # the partial window holds only 5; it is not divided by 2 even when padding counts
    np.testing.assert_array_equal(avg_pool1d(ONE_TO_5, 2, ceil_mode=True), [[1.5, 3.5, 5]])


def test_ceil_mode_drops_a_window_that_would_start_in_the_right_padding():
    # windows start at −1, 1, 3; rounding up would add one starting at 5, in the padding
    np.testing.assert_array_equal(max_pool1d(ONE_TO_5, 2, padding=1, ceil_mode=True), [[1, 3, 5]])
    np.testing.assert_array_equal(avg_pool1d(ONE_TO_5, 2, padding=1, ceil_mode=True), [[0.5, 2.5, 4.5]])


def test_count_include_pad_decides_whether_padding_counts_in_the_average():
    x = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(avg_pool1d(x, 2, padding=1), [[0.5, 2.5]])
    np.testing.assert_array_equal(avg_pool1d(x, 2, padding=1, count_include_pad=False), [[1.0, 2.5]])


def test_divisor_override_replaces_every_divisor():
    np.testing.assert_array_equal(avg_pool2d(X4, 2, divisor_override=1), [[[10, 18], [42, 50]]])
    np.testing.assert_array_equal(avg_pool2d(X4, 2, padding=1, divisor_override=2), avg_pool2d(X4, 2, padding=1,
                                                                                               divisor_override=1) / 2)


def test_max_pool_indices_point_at_the_first_maximum_in_scan_order():
    x = np.array([[[1.0, 7.0, 7.0], [7.0, 0.0, 7.0]]])
    values, indices = max_pool2d(x, (2, 3), return_indices=True)
    assert values.tolist() == [[[7.0]]] and indices.tolist() == [[[1]]]
    values, indices = max_pool2d(x, 2, stride=1, return_indices=True)
    assert indices.tolist() == [[[1, 1]]]


def test_padding_never_wins_a_max_pool():
    values, indices = max_pool1d(-np.ones((1, 2)), 2, padding=1, return_indices=True)
    np.testing.assert_array_equal(values, [[-1, -1]])
    np.testing.assert_array_equal(indices, [[0, 1]])


def test_a_window_that_sees_only_padding_gives_minus_infinity_with_or_without_indices():
    # taps at −1 and 1 of a one-element input: dilation jumps over it, as in PyTorch
    assert max_pool1d(np.ones((1, 1)), 2, stride=1, padding=1, dilation=2).tolist() == [[-np.inf]]
    values, indices = max_pool1d(np.ones((1, 1)), 2, stride=1, padding=1, dilation=2, return_indices=True)
    assert values.tolist() == [[-np.inf]] and indices.shape == (1, 1)


@pytest.mark.parametrize("dtype, expected", [(np.float32, np.float32), (np.int64, np.float64), (bool, np.float64)])
def test_float_dtypes_are_kept_and_integers_become_float64(dtype, expected):
    assert max_pool2d(np.ones((1, 4, 4), dtype), 2).dtype == expected
    assert avg_pool2d(np.ones((1, 4, 4), dtype), 2).dtype == expected


@pytest.mark.parametrize("spatial_dims", [1, 2, 3])
def test_global_pooling_reduces_every_spatial_axis_to_one(spatial_dims):
    x = random_array(0, (2, 3) + (4,) * spatial_dims)
    assert global_max_pool(x, spatial_dims).shape == (2, 3) + (1,) * spatial_dims
    np.testing.assert_allclose(global_avg_pool(x, spatial_dims).ravel(), x.reshape(6, -1).mean(axis=1))
    np.testing.assert_array_equal(global_max_pool(x, spatial_dims).ravel(), x.reshape(6, -1).max(axis=1))


# --- the slow reference ----------------------------------------------------------------------

@pytest.mark.parametrize("ndim", [1, 2, 3])
@FAST
@given(data=st.data())
def test_max_pool_matches_the_reference(ndim, data):
    case = data.draw(pool_cases(spatial=st.just(ndim)))
    values, indices = MAX[ndim](case.x, **case.kwargs, return_indices=True)
    expected, expected_indices = map(case.unbatch, ref.max_pool(case.xb, **case.kwargs))
    np.testing.assert_array_equal(values, expected)
    np.testing.assert_array_equal(MAX[ndim](case.x, **case.kwargs), expected)
    seen = expected_indices >= 0  # a window of nothing but padding has no index to compare
    np.testing.assert_array_equal(indices[seen], expected_indices[seen])


@pytest.mark.parametrize("ndim", [1, 2, 3])
@FAST
@given(data=st.data())
def test_avg_pool_matches_the_reference(ndim, data):
    case = data.draw(pool_cases(spatial=st.just(ndim), kind="avg"))
    np.testing.assert_allclose(AVG[ndim](case.x, **case.kwargs), case.unbatch(ref.avg_pool(case.xb, **case.kwargs)),
                               rtol=1e-12)


@pytest.mark.parametrize("kind", ["max", "avg"])
@FAST
@given(data=st.data(), block_bytes=st.sampled_from([1, 40, 300]))
def test_pooling_a_few_output_rows_at_a_time_gives_the_same_result(kind, block_bytes, data):
    case = data.draw(pool_cases(kind=kind))
    pool, reference = (MAX, ref.max_pool) if kind == "max" else (AVG, ref.avg_pool)
    expected = reference(case.xb, **case.kwargs)
    with mock.patch.object(convviz.pooling, "BLOCK_BYTES", block_bytes):
        out = pool[spatial(case)](case.x, **case.kwargs)
    if kind == "max":
        np.testing.assert_array_equal(out, case.unbatch(expected[0]))
    else:
        np.testing.assert_allclose(out, case.unbatch(expected), rtol=1e-12)


# --- properties ------------------------------------------------------------------------------

@FAST
@given(pool_cases(kind="avg"))
def test_max_pool_is_at_least_avg_pool_over_the_same_windows(case):
    kwargs = dict(case.kwargs, padding=0, divisor_override=None)
    kernel = ref.per_axis(kwargs["kernel_size"], spatial(case))
    stride = ref.per_axis(kwargs.get("stride", kernel), spatial(case))
    assume(all(ref.pool_size(n, k, s, 0, 1, kwargs["ceil_mode"]) >= 1
               for n, k, s in zip(case.x.shape[-spatial(case):], kernel, stride)))
    biggest = MAX[spatial(case)](case.x, **{k: v for k, v in kwargs.items() if k not in ("count_include_pad",
                                                                                           "divisor_override")})
    assert np.all(biggest >= AVG[spatial(case)](case.x, **kwargs) - 1e-12)


@FAST
@given(pool_cases())
def test_pooling_a_constant_gives_the_constant(case):
    kwargs = {k: v for k, v in case.kwargs.items() if k != "dilation"}
    np.testing.assert_allclose(AVG[spatial(case)](np.full_like(case.x, 2.5), **kwargs, count_include_pad=False), 2.5)


# --- PyTorch (requirements-dev.txt), imported where used: without it only these tests fail ---

@FAST
@given(pool_cases())
def test_max_pool_matches_torch(case):
    import torch
    pool = getattr(torch.nn.functional, f"max_pool{spatial(case)}d")
    values, indices = pool(torch.from_numpy(case.xb), **case.kwargs, return_indices=True)
    ours, our_indices = MAX[spatial(case)](case.xb, **case.kwargs, return_indices=True)
    np.testing.assert_array_equal(ours, values.numpy())
    seen = np.isfinite(ours)  # PyTorch's index for a window of only padding points outside the input
    np.testing.assert_array_equal(our_indices[seen], indices.numpy()[seen])


@FAST
@given(pool_cases(kind="avg"))
def test_avg_pool_matches_torch(case):
    import torch
    kwargs = dict(case.kwargs)
    if spatial(case) == 1:
        kwargs.pop("divisor_override")  # avg_pool1d has none in PyTorch
    if spatial(case) == 3 and any(n < k for n, k in zip(case.x.shape[-3:], ref.per_axis(kwargs["kernel_size"], 3))):
        return  # PyTorch's avg_pool3d refuses an input smaller than the kernel even when padding makes it fit
    expected = getattr(torch.nn.functional, f"avg_pool{spatial(case)}d")(torch.from_numpy(case.xb), **kwargs)
    np.testing.assert_allclose(AVG[spatial(case)](case.xb, **kwargs), expected.numpy(), rtol=1e-12)


def test_nan_wins_a_max_pool_and_its_index_matches_torch():
    import torch
    x = np.array([[np.nan, 1.0, np.nan, 0.0, 2.0, 3.0]])
    values, indices = torch.nn.functional.max_pool1d(torch.from_numpy(x), 3, return_indices=True)
    ours, our_indices = max_pool1d(x, 3, return_indices=True)
    np.testing.assert_array_equal(ours, values.numpy())
    np.testing.assert_array_equal(our_indices, indices.numpy())


@pytest.mark.parametrize("spatial_dims", [1, 2, 3])
def test_global_pooling_matches_torch_adaptive_pooling(spatial_dims):
    import torch
    x = random_array(0, (2, 3) + (5,) * spatial_dims)
    functional = torch.nn.functional
    avg = getattr(functional, f"adaptive_avg_pool{spatial_dims}d")(torch.from_numpy(x), 1).numpy()
    top = getattr(functional, f"adaptive_max_pool{spatial_dims}d")(torch.from_numpy(x), 1).numpy()
    np.testing.assert_allclose(global_avg_pool(x, spatial_dims), avg, rtol=1e-12)
    np.testing.assert_array_equal(global_max_pool(x, spatial_dims), top)


# --- bad input: one rule each ----------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: max_pool2d(X4, 3, padding=2), "padding 2 is more than half the kernel size 3 .at most 1."),
    (lambda: avg_pool1d(ONE_TO_5, 6), re.escape(
        "output size would be ⌊(5 + 2·0 − 1·(6 − 1) − 1) / 6⌋ + 1 = ⌊−1 / 6⌋ + 1 = 0: "
        "the window spans 6 positions but the padded input has only 5")),
    (lambda: max_pool2d(X4, 2, stride=0), "stride must be at least 1, got 0"),
    (lambda: max_pool2d(X4, 0), "kernel_size must be at least 1, got 0"),
    (lambda: max_pool2d(X4, 2, padding=-1), "padding must be at least 0, got -1"),
    (lambda: max_pool2d(X4, 2, dilation=0), "dilation must be at least 1, got 0"),
    (lambda: avg_pool2d(X4, 2, divisor_override=0), "divisor_override must not be 0"),
    (lambda: max_pool2d(np.ones((4, 4)), 2), "x must have 3 dimensions or 4 dimensions"),
    (lambda: avg_pool2d(np.ones((1, 0, 4)), 2), "x must not have an axis of length 0"),
    (lambda: max_pool2d(X4, (2, 2, 2)), "kernel_size needs one value or 2"),
    (lambda: global_avg_pool(np.ones((4, 4)), 2), "x must have 3 dimensions or 4 dimensions"),
    (lambda: global_max_pool(X4, 0), "spatial_dims must be at least 1"),
])
def test_bad_settings_raise_value_error_saying_why(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: max_pool2d(X4, 2.0), "kernel_size must be a whole number, got 2.0"),
    (lambda: avg_pool2d(X4, 2, stride=True), "stride must be a whole number, got True"),
    (lambda: avg_pool2d(X4, 2, divisor_override=1.5), "divisor_override must be a whole number"),
    (lambda: max_pool2d(X4 * 1j, 2), "x must hold real numbers"),
])
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def _mostly(good, bad):
    return st.sampled_from(list(good) * 6 + list(bad))


@pytest.mark.parametrize("kind", ["max", "avg"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_garbage_settings_give_the_reference_answer_or_a_clear_error(kind, data):
    """No IndexError or broadcasting error escapes, and nothing valid is refused."""
    draw, ndim = data.draw, data.draw(st.integers(1, 2))
    x = random_array(0, (1, 2) + tuple(draw(_mostly(range(1, 6), [0])) for _ in range(ndim)))
    kwargs = dict(kernel_size=draw(_mostly([1, 2, 3], [0, -1])), stride=draw(_mostly([None, 1, 2, 3], [0, -1])),
                  padding=draw(_mostly([0, 1], [-1, 2])), ceil_mode=draw(st.booleans()))
    if kind == "max":
        kwargs["dilation"] = draw(_mostly([1, 2], [0, -1]))
        pool, reference = MAX[ndim], ref.max_pool
    else:
        kwargs.update(count_include_pad=draw(st.booleans()), divisor_override=draw(_mostly([None, 2], [0])))
        pool, reference = AVG[ndim], ref.avg_pool
    try:
        expected = reference(x, **kwargs)
    except ValueError:
        with pytest.raises((ValueError, TypeError)):
            pool(x, **kwargs)
        return
    np.testing.assert_allclose(pool(x, **kwargs), expected[0] if kind == "max" else expected, rtol=1e-12)
