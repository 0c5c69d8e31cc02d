"""Tests for convviz.matrix: hand-drawn matrices, a loop reference, the conv and transpose identities, PyTorch."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference as ref
from convviz import (
    conv1d, conv2d, conv3d, conv_mac_count, conv_matrix, conv_matrix_dense, conv_output_size, conv_transpose2d,
    transpose_output_padding,
)
from strategies import SPELLINGS, layer_geometry, random_array, spell

SOME = settings(max_examples=30, deadline=None)
CONV = {1: conv1d, 2: conv2d, 3: conv3d}
KERNEL_1234 = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
TWO_D = st.just(2)


@st.composite
def matrix_cases(draw, spatial=TWO_D, spellings=SPELLINGS):
    """x (C_in, *size), weight (C_out, C_in, *k) and conv's keyword arguments, every zero-padding spelling."""
    ndim = draw(spatial)
    kernel, dilation, stride, padding, pads = layer_geometry(draw, ndim, spellings, 3 if ndim < 3 else 2)
    size = tuple(max(1, d * (k - 1) + 1 - b - a) + draw(st.integers(0, 4 if ndim < 3 else 2))
                 for k, d, (b, a) in zip(kernel, dilation, pads))
    c_in, c_out, seed = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(0, 2**32 - 1))
    kwargs = dict(stride=spell(stride, draw(st.booleans())), padding=padding,
                  dilation=spell(dilation, draw(st.booleans())))
    return random_array(seed, (c_in, *size)), random_array(seed + 1, (c_out, c_in, *kernel)), kwargs


def matrix_loop(input_shape, weight, stride, padding, dilation):
    """Entry ((o, r, q), (c, a, b)) is w[o, c, i, j] where a = r·s − top + i·d and b = q·s − left + j·d."""
    c_in, h, w = input_shape
    c_out, _, kh, kw = weight.shape
    stride, dilation = ref.per_axis(stride, 2), ref.per_axis(dilation, 2)
    (top, bottom), (left, right) = ref.resolve_padding(padding, (kh, kw), stride, dilation)
    oh = ref.window_count(h + top + bottom, dilation[0] * (kh - 1) + 1, stride[0])
    ow = ref.window_count(w + left + right, dilation[1] * (kw - 1) + 1, stride[1])
    m = np.zeros((c_out * oh * ow, c_in * h * w))
    for o, r, q, c, i, j in itertools.product(range(c_out), range(oh), range(ow), range(c_in), range(kh), range(kw)):
        a, b = r * stride[0] - top + i * dilation[0], q * stride[1] - left + j * dilation[1]
        if 0 <= a < h and 0 <= b < w:
            m[(o * oh + r) * ow + q, (c * h + a) * w + b] = weight[o, c, i, j]
    return m


def transpose_settings(x, weight, kwargs):
    """conv_transpose2d's padding (the before amounts) and output_padding for this convolution, or None."""
    ndim = weight.ndim - 2
    stride, dilation = ref.per_axis(kwargs["stride"], ndim), ref.per_axis(kwargs["dilation"], ndim)
    pads = ref.resolve_padding(kwargs["padding"], weight.shape[2:], stride, dilation)
    try:
        extra = transpose_output_padding(x.shape[1:], weight.shape[2:], **kwargs)
    except ValueError:
        return None
    return dict(stride=stride, padding=tuple(b for b, _ in pads), output_padding=extra, dilation=dilation)


# --- small matrices drawn by hand ------------------------------------------------------------

def test_a_2_by_2_kernel_on_a_3_by_3_image_is_a_banded_4_by_9_matrix():
    np.testing.assert_array_equal(conv_matrix_dense((1, 3, 3), KERNEL_1234), [
        [1, 2, 0, 3, 4, 0, 0, 0, 0],
        [0, 1, 2, 0, 3, 4, 0, 0, 0],
        [0, 0, 0, 1, 2, 0, 3, 4, 0],
        [0, 0, 0, 0, 1, 2, 0, 3, 4],
    ])


def test_padding_cuts_the_kernel_off_at_the_edges_a_toeplitz_matrix_in_1d():
    np.testing.assert_array_equal(conv_matrix_dense((1, 3), np.array([[[1.0, 2.0, 3.0]]]), padding=1),
                                  [[2, 3, 0], [1, 2, 3], [0, 1, 2]])


def test_stride_moves_each_row_by_two_columns():
    np.testing.assert_array_equal(conv_matrix_dense((1, 5), np.array([[[1.0, -1.0]]]), stride=2),
                                  [[1, -1, 0, 0, 0], [0, 0, 1, -1, 0]])


def test_channels_make_a_grid_of_blocks_one_per_kernel():
    weight = random_array(0, (2, 3, 2, 2))
    m = conv_matrix_dense((3, 4, 4), weight, padding=((0, 1), (1, 0)))
    rows, cols = 4 * 4, 4 * 4
    for o, c in itertools.product(range(2), range(3)):
        block = conv_matrix_dense((1, 4, 4), weight[o:o + 1, c:c + 1], padding=((0, 1), (1, 0)))
        np.testing.assert_array_equal(m[o * rows:(o + 1) * rows, c * cols:(c + 1) * cols], block)


def test_the_matrix_is_csr_and_keeps_the_weights_dtype():
    m = conv_matrix((1, 3, 3), KERNEL_1234.astype(np.float32))
    assert m.format == "csr" and m.dtype == np.float32 and m.has_sorted_indices
    assert conv_matrix((1, 3, 3), KERNEL_1234.astype(np.float16)).dtype == np.float32
    dense = conv_matrix_dense((1, 3, 3), KERNEL_1234)
    np.testing.assert_array_equal(dense, conv_matrix((1, 3, 3), KERNEL_1234).toarray())


def test_zero_weights_are_stored_so_nnz_counts_the_multiplications():
    m = conv_matrix((2, 6, 5), np.zeros((3, 2, 3, 2)), stride=(2, 1))
    assert m.nnz == conv_mac_count(2, 3, (3, 2), output_size=conv_output_size((6, 5), (3, 2), stride=(2, 1)))
    assert conv_matrix((1, 3, 3), np.ones((1, 1, 3, 3)), padding=1).nnz == 4 * 4 + 4 * 6 + 9  # corners, edges, centre


def test_a_request_whose_dense_form_is_huge_is_answered_sparsely():
    x, w = random_array(0, (1, 200, 200)), random_array(1, (1, 1, 3, 3))
    m = conv_matrix(x.shape, w, padding="same")      # dense: 40,000² cells, 12.8 GB
    assert m.shape == (40_000, 40_000) and m.nnz == (3 * 200 - 2) ** 2   # per axis 3 taps an output, 2 off the edges
    np.testing.assert_allclose(m @ x.ravel(), conv2d(x, w, padding="same").ravel(), rtol=1e-12, atol=1e-12)


def test_transpose_output_padding_by_hand():
    assert transpose_output_padding((5, 6), kernel_size=3, stride=2, padding=1) == (0, 1)
    assert transpose_output_padding(7, kernel_size=3, stride=3) == 1          # windows at 0 and 3 stop at 5; 6 left
    assert transpose_output_padding(4, kernel_size=3, padding="same") == 0
    assert transpose_output_padding(6, kernel_size=2, stride=2, padding=((0, 1),)) == 0   # r = 1, before − after = −1


# --- the loop reference ----------------------------------------------------------------------

@SOME
@given(matrix_cases())
def test_the_matrix_matches_the_loop(case):
    x, weight, kwargs = case
    np.testing.assert_array_equal(conv_matrix_dense(x.shape, weight, **kwargs), matrix_loop(x.shape, weight, **kwargs))


# --- the identities --------------------------------------------------------------------------

@pytest.mark.parametrize("ndim", [1, 2, 3])
@SOME
@given(data=st.data())
def test_the_matrix_times_x_is_the_convolution(ndim, data):
    x, weight, kwargs = data.draw(matrix_cases(spatial=st.just(ndim)))
    m = conv_matrix(x.shape, weight, **kwargs)
    np.testing.assert_allclose(m @ x.ravel(), CONV[ndim](x, weight, **kwargs).ravel(), rtol=1e-10, atol=1e-12)


@SOME
@given(matrix_cases())
def test_the_transposed_matrix_is_the_transposed_convolution(case):
    x, weight, kwargs = case
    m = conv_matrix(x.shape, weight, **kwargs)
    y = random_array(4, (m.shape[0],))
    settings = transpose_settings(x, weight, kwargs)
    if settings is None:
        # refused only where no output_padding PyTorch allows gives back the input size
        out = conv_output_size(x.shape[1:], weight.shape[2:], kwargs["stride"], kwargs["padding"], kwargs["dilation"])
        pads = ref.resolve_padding(kwargs["padding"], weight.shape[2:], kwargs["stride"], kwargs["dilation"])
        stride, dilation = ref.per_axis(kwargs["stride"], 2), ref.per_axis(kwargs["dilation"], 2)
        assert not all(any((o - 1) * s - 2 * b + d * (k - 1) + op + 1 == n for op in range(max(s, d)))
                       for o, s, (b, _), d, k, n in zip(out, stride, pads, dilation, weight.shape[2:], x.shape[1:]))
        return
    back = conv_transpose2d(y.reshape(-1, *conv2d(x, weight, **kwargs).shape[1:]), weight, **settings)
    assert back.shape == x.shape
    np.testing.assert_allclose(m.T @ y, back.ravel(), rtol=1e-10, atol=1e-12)


@SOME
@given(matrix_cases(), st.integers(1, 3))
def test_one_matrix_serves_every_sample_of_a_batch(case, batch):
    x, weight, kwargs = case
    xs = random_array(2, (batch, *x.shape))
    out = conv_matrix(x.shape, weight, **kwargs) @ xs.reshape(batch, -1).T
    np.testing.assert_allclose(out.T.reshape(-1), conv2d(xs, weight, **kwargs).ravel(), rtol=1e-10, atol=1e-12)


# --- PyTorch ---------------------------------------------------------------------------------

@settings(max_examples=20, deadline=None)
@given(matrix_cases())
def test_the_matrix_and_its_transpose_match_torch_conv2d_and_its_gradient(case):
    """M @ x is torch's conv2d; M.T @ y is the gradient of ⟨conv2d(x), y⟩ with respect to x."""
    torch = pytest.importorskip("torch")
    x, weight, kwargs = case
    stride, dilation = ref.per_axis(kwargs["stride"], 2), ref.per_axis(kwargs["dilation"], 2)
    pads = ref.resolve_padding(kwargs["padding"], weight.shape[2:], stride, dilation)
    xt = torch.from_numpy(x).requires_grad_()
    padded = torch.nn.functional.pad(xt, [amount for pair in reversed(pads) for amount in pair])
    out = torch.nn.functional.conv2d(padded, torch.from_numpy(weight), None, stride, 0, dilation)
    m = conv_matrix(x.shape, weight, **kwargs)
    np.testing.assert_allclose(m @ x.ravel(), out.detach().numpy().ravel(), rtol=1e-10, atol=1e-12)
    y = random_array(6, tuple(out.shape))
    (grad,) = torch.autograd.grad(out, xt, torch.from_numpy(y))
    np.testing.assert_allclose(m.T @ y.ravel(), grad.numpy().ravel(), rtol=1e-10, atol=1e-12)


# --- bad input: one rule each ----------------------------------------------------------------

W = np.ones((1, 1, 3, 3))


@pytest.mark.parametrize("call, match", [
    (lambda: conv_matrix((1, 5), W), re.escape(
        "input_shape must have 3 values, C_in and one size per kernel axis of weight (1, 1, 3, 3); got (1, 5)")),
    (lambda: conv_matrix((2, 5, 5), W), re.escape(
        "input_shape has C_in = 2 channels but weight (1, 1, 3, 3) expects 1 (its axis 1)")),
    (lambda: conv_matrix((1, 0, 5), W), "input_shape must be at least 1, got 0"),
    (lambda: conv_matrix((1, 5, 5), np.ones((3, 3))), re.escape("weight must be (C_out, C_in, kH, kW)")),
    (lambda: conv_matrix((1, 5, 5), np.ones((0, 1, 3, 3))), "weight must not have an axis of length 0"),
    (lambda: conv_matrix((1, 5, 5), W * np.nan), "weight must hold finite numbers; found nan"),
    (lambda: conv_matrix((1, 2, 5), W), re.escape(
        "output size along axis 0 would be ⌊(2 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = ⌊−1 / 1⌋ + 1 = −1 + 1 = 0")),
    (lambda: conv_matrix((1, 5, 5), W, stride=0), "stride must be at least 1, got 0"),
    (lambda: conv_matrix((1, 5, 5), W, padding="same", stride=2), "padding='same' needs stride 1"),
    (lambda: conv_matrix((1, 5, 5), W, padding=-1), "padding cannot be negative"),
    (lambda: conv_matrix_dense((3, 64, 64), np.ones((8, 3, 3, 3)), padding=1), re.escape(
        "the dense matrix would be 32,768 × 12,288 = 402,653,184 cells, 3,221,225,472 bytes (3.2 GB) as float64, "
        "above the limit of 4,000,000 cells; conv_matrix gives it sparse, storing 866,400 entries")),
    (lambda: conv_matrix_dense((1, 3, 3), KERNEL_1234, max_cells=35), re.escape(
        "the dense matrix would be 4 × 9 = 36 cells, 288 bytes as float64, above the limit of 35 cells")),
    (lambda: conv_matrix_dense((1, 3, 3), KERNEL_1234, max_cells=0), "max_cells must be at least 1, got 0"),
    (lambda: transpose_output_padding((4, 4), 2, padding="same"), re.escape(
        "no output_padding gives back the input size 4 along axis 0: conv_transpose2d crops padding=0 from both "
        "ends, but this convolution padded 0 before and 1 after, so even with output_padding=0 its transpose is 5, "
        "1 too long")),
    (lambda: transpose_output_padding(5, 2, stride=2, padding=((3, 0),)), re.escape(
        "no output_padding gives back the input size 5: it would take output_padding=3, but PyTorch allows only "
        "values below the stride (2) or the dilation (1)")),
    (lambda: transpose_output_padding(2, 5), "output size would be"),
])
def test_bad_settings_raise_value_error_saying_why(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_the_largest_dense_matrix_allowed_is_given():
    assert conv_matrix_dense((1, 3, 3), KERNEL_1234, max_cells=36).shape == (4, 9)


@pytest.mark.parametrize("call, match", [
    (lambda: conv_matrix(25, W), "input_shape must be a tuple (C_in, H, W)"),
    (lambda: conv_matrix((1, 5.0, 5), W), "input_shape must be a whole number, got 5.0"),
    (lambda: conv_matrix((1, 5, 5), W * 1j), "weight must hold real numbers"),
    (lambda: conv_matrix((1, 5, 5), W, dilation=1.5), "dilation must be a whole number"),
    (lambda: transpose_output_padding(5, 3, stride="2"), "stride must be a whole number or one per axis"),
])
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=re.escape(match)):
        call()
