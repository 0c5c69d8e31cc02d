"""Tests for convviz.unfold: hand-computed blocks, a loop reference, properties, PyTorch, bad input."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz import conv2d, fold, unfold
from strategies import random_array, spell

SOME = settings(max_examples=30, deadline=None)


def blocks_along(size: int, k: int, d: int, p: int, s: int) -> int:
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def unfold_loop(x, kernel, dilation, padding, stride):
    """Row ``(c·kH + i)·kW + j``, column ``r·W_blocks + q`` is ``x[n, c, r·s − p + i·d, q·s − p + j·d]`` (0 outside)."""
    n_, c_, h, w = x.shape
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = kernel, dilation, padding, stride
    bh, bw = blocks_along(h, kh, dh, ph, sh), blocks_along(w, kw, dw, pw, sw)
    out = np.zeros((n_, c_ * kh * kw, bh * bw), x.dtype)
    for n, c, i, j, r, q in itertools.product(range(n_), range(c_), range(kh), range(kw), range(bh), range(bw)):
        a, b = r * sh - ph + i * dh, q * sw - pw + j * dw
        if 0 <= a < h and 0 <= b < w:
            out[n, (c * kh + i) * kw + j, r * bw + q] = x[n, c, a, b]
    return out


def fold_loop(cols, size, kernel, dilation, padding, stride):
    """Every entry of the columns added to the pixel it was read from; entries on padding dropped."""
    (h, w), (kh, kw), (dh, dw), (ph, pw), (sh, sw) = size, kernel, dilation, padding, stride
    bh, bw = blocks_along(h, kh, dh, ph, sh), blocks_along(w, kw, dw, pw, sw)
    n_, c_ = cols.shape[0], cols.shape[1] // (kh * kw)
    out = np.zeros((n_, c_, h, w))
    for n, c, i, j, r, q in itertools.product(range(n_), range(c_), range(kh), range(kw), range(bh), range(bw)):
        a, b = r * sh - ph + i * dh, q * sw - pw + j * dw
        if 0 <= a < h and 0 <= b < w:
            out[n, c, a, b] += cols[n, (c * kh + i) * kw + j, r * bw + q]
    return out


@st.composite
def block_cases(draw):
    """x (batched or not) and unfold's settings, per axis and as spelled in a call."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(2))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(2))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(2))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(2))
    size = tuple(max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 4))
                 for k, d, p in zip(kernel, dilation, padding))
    batch = draw(st.sampled_from([None, 1, 2]))
    shape = (draw(st.integers(1, 2)), *size) if batch is None else (batch, draw(st.integers(1, 2)), *size)
    x = random_array(draw(st.integers(0, 2**32 - 1)), shape)
    resolved = dict(kernel=kernel, dilation=dilation, padding=padding, stride=stride)
    kwargs = dict(kernel_size=spell(kernel, draw(st.booleans())), dilation=spell(dilation, draw(st.booleans())),
                  padding=spell(padding, draw(st.booleans())), stride=spell(stride, draw(st.booleans())))
    return x, kwargs, resolved


def batched(a, x):
    """`a` (an input, columns or an image) with a batch axis if `x` had none."""
    return a if x.ndim == 4 else a[None]


# --- small cases computed by hand ------------------------------------------------------------

def test_non_overlapping_blocks_become_the_columns():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    cols = unfold(x, kernel_size=2, stride=2)[0]
    np.testing.assert_array_equal(cols[:, 0], [0, 1, 4, 5])       # top-left block, row by row
    np.testing.assert_array_equal(cols[:, 3], [10, 11, 14, 15])   # bottom-right block
    np.testing.assert_array_equal(cols[0], [0, 2, 8, 10])         # tap (0, 0) of every block


def test_rows_run_over_channels_then_taps():
    x = np.stack([np.zeros((2, 2)), np.ones((2, 2))])            # channel 1 is all ones
    np.testing.assert_array_equal(unfold(x, kernel_size=2), [[0], [0], [0], [0], [1], [1], [1], [1]])


def test_zero_padding_shows_as_zeros_in_the_columns():
    cols = unfold(np.ones((1, 2, 2)), kernel_size=3, padding=1)
    assert cols.shape == (9, 4)
    np.testing.assert_array_equal(cols.sum(axis=0), [4, 4, 4, 4])  # each 3×3 block holds all 4 pixels
    np.testing.assert_array_equal(cols[:, 0], [0, 0, 0, 0, 1, 1, 0, 1, 1])


def test_dilation_spreads_the_taps():
    x = np.arange(25.0).reshape(1, 5, 5)
    np.testing.assert_array_equal(unfold(x, kernel_size=2, dilation=2)[:, 0], [0, 2, 10, 12])


def test_fold_counts_the_blocks_covering_each_pixel():
    counts = fold(np.ones((2, 12)), output_size=(4, 5), kernel_size=(1, 2), dilation=(1, 2))
    np.testing.assert_array_equal(counts[0], [[1, 1, 2, 1, 1]] * 4)


def test_integers_keep_their_dtype_in_unfold_and_fold_works_in_float64():
    x = np.arange(9, dtype=np.int8).reshape(1, 3, 3)
    assert unfold(x, 2).dtype == np.int8
    assert fold(unfold(x, 2), 3, 2).dtype == np.float64
    assert unfold(x.astype(np.float32), 2).dtype == np.float32


# --- the loop reference ----------------------------------------------------------------------

@SOME
@given(block_cases())
def test_unfold_matches_the_loop(case):
    x, kwargs, resolved = case
    out = unfold(x, **kwargs)
    np.testing.assert_array_equal(batched(out, x), unfold_loop(batched(x, x), **resolved))


@SOME
@given(block_cases())
def test_fold_matches_the_loop(case):
    x, kwargs, resolved = case
    cols = random_array(5, unfold(x, **kwargs).shape)
    out = fold(cols, x.shape[-2:], **kwargs)
    assert out.shape == x.shape
    np.testing.assert_allclose(batched(out, x), fold_loop(batched(cols, x), x.shape[-2:], **resolved), rtol=1e-12)


# --- properties ------------------------------------------------------------------------------

@SOME
@given(block_cases())
def test_fold_of_unfold_is_x_times_the_overlap_count(case):
    x, kwargs, _ = case
    counts = fold(unfold(np.ones_like(x), **kwargs), x.shape[-2:], **kwargs)
    np.testing.assert_allclose(fold(unfold(x, **kwargs), x.shape[-2:], **kwargs), x * counts, rtol=1e-12)


@SOME
@given(block_cases())
def test_fold_is_the_transpose_of_unfold(case):
    """⟨unfold(x), y⟩ = ⟨x, fold(y)⟩: fold is unfold's adjoint."""
    x, kwargs, _ = case
    y = random_array(9, unfold(x, **kwargs).shape)
    assert np.vdot(unfold(x, **kwargs), y) == pytest.approx(np.vdot(x, fold(y, x.shape[-2:], **kwargs)), rel=1e-10)


@SOME
@given(block_cases(), st.integers(1, 3))
def test_convolution_is_unfold_then_one_matrix_multiply(case, c_out):
    x, kwargs, resolved = case
    weight = random_array(3, (c_out, x.shape[-3], *resolved["kernel"]))
    product = weight.reshape(c_out, -1) @ unfold(x, **kwargs)
    expected = conv2d(x, weight, stride=kwargs["stride"], padding=kwargs["padding"], dilation=kwargs["dilation"])
    np.testing.assert_allclose(product.reshape(expected.shape), expected, rtol=1e-10, atol=1e-12)


def test_unbatched_input_gives_the_first_of_a_batch():
    x = random_array(0, (3, 6, 5))
    np.testing.assert_array_equal(unfold(x, 3, padding=1), unfold(x[None], 3, padding=1)[0])
    cols = random_array(1, (27, 30))
    np.testing.assert_array_equal(fold(cols, (6, 5), 3, padding=1), fold(cols[None], (6, 5), 3, padding=1)[0])


# --- PyTorch ---------------------------------------------------------------------------------

@settings(max_examples=20, deadline=None)
@given(block_cases())
def test_unfold_and_fold_match_torch(case):
    torch = pytest.importorskip("torch")
    x, kwargs, _ = case
    expected = torch.nn.functional.unfold(torch.from_numpy(x), **kwargs).numpy()
    np.testing.assert_array_equal(unfold(x, **kwargs), expected)
    cols = random_array(2, expected.shape)
    folded = torch.nn.functional.fold(torch.from_numpy(cols), x.shape[-2:], **kwargs).numpy()
    np.testing.assert_allclose(fold(cols, x.shape[-2:], **kwargs), folded, rtol=1e-12, atol=1e-12)


# --- bad input: one rule each ----------------------------------------------------------------

X = np.ones((1, 4, 5))


@pytest.mark.parametrize("call, match", [
    (lambda: unfold(X, 6), re.escape(
        "the number of blocks along axis 0 would be ⌊(4 + 2·0 − 1·(6 − 1) − 1) / 1⌋ + 1 = ⌊−2 / 1⌋ + 1 = −2 + 1 = −1: "
        "the kernel spans 6 positions but the padded input has only 4")),
    (lambda: unfold(X, 2, stride=0), "stride must be at least 1, got 0"),
    (lambda: unfold(X, 2, dilation=(1, 0)), "dilation must be at least 1, got 0"),
    (lambda: unfold(X, 2, padding=-1), "padding must be at least 0, got -1"),
    (lambda: unfold(X, (2, 2, 2)), re.escape("kernel_size needs one value or 2 (one per spatial axis), got 3")),
    (lambda: unfold(np.ones((4, 5)), 2), "x must have 3 dimensions or 4 dimensions"),
    (lambda: unfold(np.ones((1, 0, 5)), 2), re.escape("x must not have an axis of length 0, got shape (1, 0, 5)")),
    (lambda: unfold([[[1.0, 2.0], [3.0]]], 1), "x must be a rectangular array"),
    (lambda: fold(np.ones((5, 9)), 4, 2), re.escape("x has 5 rows (axis −2), not a multiple of kH·kW = 2·2 = 4")),
    (lambda: fold(np.ones((4, 8)), 4, 2), re.escape(
        "x has 8 columns (axis −1), but output_size (4, 4) with this kernel, stride, padding and dilation has "
        "3·3 = 9 blocks")),
    (lambda: fold(np.ones((4, 1)), 1, 2), "the number of blocks along axis 0 would be"),
    (lambda: fold(np.ones((4,)), 2, 2), re.escape("x must have 2 dimensions (C·kH·kW, L) or 3 dimensions")),
    (lambda: fold(np.ones((4, 1)), 0, 2), "output_size must be at least 1, got 0"),
])
def test_bad_settings_raise_value_error_saying_why(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: unfold(X > 0, 2), "x must hold integers or real numbers, got dtype bool"),
    (lambda: unfold(X * 1j, 2), "x must hold integers or real numbers, got dtype complex128"),
    (lambda: unfold(X, 2.0), "kernel_size must be a whole number, got 2.0"),
    (lambda: unfold(X, 2, padding="same"), "padding must be a whole number or one per axis, got 'same'"),
    (lambda: fold(np.ones((4, 9)) * 1j, 4, 2), "x must hold real numbers"),
])
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()
