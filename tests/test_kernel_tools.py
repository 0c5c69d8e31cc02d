"""Tests for convviz.kernel_tools: validation, normalising, flipping and describing any kernel, errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from convviz.kernel_tools import describe_kernel, flip_kernel, normalize_kernel, validate_kernel
from convviz.kernels import make_kernel


# --- validate_kernel --------------------------------------------------------------------------

def test_validate_returns_a_float_copy():
    source = np.array([[1, 2], [3, 4]])
    k = validate_kernel(source)
    k[0, 0] = 9
    assert k.dtype == np.float64 and source[0, 0] == 1


def test_validate_names_the_rows_and_columns_of_non_finite_entries():
    k = np.zeros((3, 3))
    k[0, 2], k[2, 1] = np.nan, -np.inf
    with pytest.raises(ValueError, match=r"at \(row 0, col 2\), \(row 2, col 1\)$"):
        validate_kernel(k)
    with pytest.raises(ValueError, match=r"and 4 more$"):
        validate_kernel(np.full((3, 3), np.inf))


# --- normalize, flip, describe ----------------------------------------------------------------

def test_normalize_makes_the_sum_one():
    k = normalize_kernel([[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    assert k.sum() == pytest.approx(1.0)
    assert k[1, 1] == pytest.approx(0.25)
    np.testing.assert_allclose(normalize_kernel([[-1, -3]]), [[0.25, 0.75]])


def test_flip_rotates_by_180_degrees_and_twice_is_the_identity():
    k = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(flip_kernel(k), [[5, 4, 3], [2, 1, 0]])
    np.testing.assert_array_equal(flip_kernel(flip_kernel(k)), k)


def test_correlating_with_the_flipped_kernel_is_true_convolution():
    x, k = np.random.default_rng(1).random((6, 7)), make_kernel("emboss")
    np.testing.assert_allclose(signal.correlate2d(x, flip_kernel(k), mode="full"),
                               signal.convolve2d(x, k, mode="full"))


def test_describe_names_what_the_sum_means():
    assert describe_kernel(make_kernel("gaussian blur")).startswith("Sums to 1: preserves")
    assert "All weights are ≥ 0, so it averages" in describe_kernel(make_kernel("box blur"))
    assert "gives the same result" in describe_kernel(make_kernel("box blur"))
    assert describe_kernel(make_kernel("sobel x")).startswith("Sums to 0: responds only to change")
    assert "true convolution gives a different result" in describe_kernel(make_kernel("sobel x"))
    assert describe_kernel([[2.0]]).startswith("Sums to 2: flat regions come out multiplied by 2.")
    assert describe_kernel([[0, -4], [1, 0]]).startswith("Sums to −3: flat regions come out multiplied by −3.")
    assert "copies one pixel" in describe_kernel(make_kernel("identity"))
    assert describe_kernel(np.zeros((2, 2))) == "All weights are 0: the output is 0 everywhere."


# --- one pytest.raises per rule ---------------------------------------------------------------

RULES = [  # (call, error, message), one row per rule the module enforces
    (lambda: validate_kernel([["a", "b"]]), TypeError, "kernel must hold real numbers"),
    (lambda: validate_kernel(np.array([[1, None]], dtype=object)), TypeError, "real numbers"),
    (lambda: validate_kernel([[1j]]), TypeError, "kernel must hold real numbers, got dtype complex"),
    (lambda: validate_kernel([[1, 2], [3]]), ValueError, "kernel must be a rectangular array"),
    (lambda: validate_kernel([1, 2, 3]), ValueError,
     r"kernel must be 2-D .*got 1-D with shape \(3,\); write a single row as \[\[1, 2, 3\]\]"),
    (lambda: validate_kernel(np.ones((2, 2, 2))), ValueError, "kernel must be 2-D .*got 3-D"),
    (lambda: validate_kernel(np.ones((16, 3))), ValueError,
     r"kernel shape \(16, 3\) has 16 rows; allowed: 1 to 15"),
    (lambda: validate_kernel(np.ones((3, 0))), ValueError, "has 0 columns; allowed: 1 to 15"),
    (lambda: normalize_kernel(make_kernel("sobel x")), ValueError,
     "kernel sums to 0 .*no scaling makes it sum to 1; divide by its absolute sum 8"),
    (lambda: normalize_kernel(np.zeros((3, 3))), ValueError, "kernel sums to 0"),
]


@pytest.mark.parametrize(("call", "error", "message"), RULES,
                         ids=[f"{error.__name__}: {message[:45]}" for _, error, message in RULES])
def test_each_rule_raises_a_message_with_the_numbers(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- sums_to_zero, validate_kernel in any dimension -------------------------------------------

def test_sums_to_zero_is_the_rule_normalise_refuses_by():
    from convviz.kernel_tools import sums_to_zero

    for name in ("sobel_x", "laplacian_4_neighbour", "outline", "box_blur", "sharpen"):
        k = make_kernel(name)
        if sums_to_zero(k):
            with pytest.raises(ValueError, match="sums to 0"):
                normalize_kernel(k)
        else:
            assert normalize_kernel(k).sum() == pytest.approx(1)
    assert sums_to_zero(np.zeros((3, 3)))


@pytest.mark.parametrize("kernel, axes, match", [
    (np.ones(3), 2, r"kernel must be 2-D \(rows × columns\), got 1-D"),
    (np.ones((3, 3)), 3, r"kernel must be 3-D \(depth × rows × columns\), got 2-D"),
    (np.ones(16), 1, r"has 16 along taps; allowed: 1 to 15"),
    (np.array([1.0, np.nan, 2.0]), 1, r"found nan or ±inf at \(1,\)"),
])
def test_validate_kernel_names_its_axes_in_any_dimension(kernel, axes, match):
    with pytest.raises(ValueError, match=match):
        validate_kernel(kernel, axes=axes)
    assert validate_kernel(np.ones((1,) * axes), axes=axes).shape == (1,) * axes
