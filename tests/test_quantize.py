"""Tests for convviz.quantize: integer arithmetic by hand, error bounds, the loop reference, PyTorch."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference as ref
from convviz import (
    Quantized, conv2d, dequantize, integer_conv2d, max_level, quantization_error, quantize, quantized_conv2d,
)
from strategies import random_array

SOME = settings(max_examples=30, deadline=None)
BITS = st.integers(2, 8)


@st.composite
def int8_cases(draw):
    """int8 x (batched or not) and weight, and conv2d's keyword arguments with zero padding."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(2))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(2))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(2))
    padding = draw(st.sampled_from([0, 1, (0, 2), ((1, 0), (0, 1)), "full"]))
    pads = ref.resolve_padding(padding, kernel, stride, dilation)
    size = tuple(max(1, d * (k - 1) + 1 - b - a) + draw(st.integers(0, 3))
                 for k, d, (b, a) in zip(kernel, dilation, pads))
    c_in, c_out, batch = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.sampled_from([None, 2]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(-128, 128, (c_in, *size) if batch is None else (batch, c_in, *size)).astype(np.int8)
    w = rng.integers(-128, 128, (c_out, c_in, *kernel)).astype(np.int8)
    return x, w, dict(stride=stride, padding=padding, dilation=dilation)


# --- quantizing by hand ----------------------------------------------------------------------

def test_8_bits_puts_the_largest_magnitude_on_127():
    q = quantize(np.array([0.5, -1.0, 0.26]))
    np.testing.assert_array_equal(q.values, [64, -127, 33])      # 63.5 rounds to the even 64; 33.02 to 33
    assert q.values.dtype == np.int8 and q.scale == 1 / 127 and q.axis is None and q.bits == 8


@pytest.mark.parametrize("bits, values", [(4, [4, -7, 2]), (2, [0, -1, 0])])   # 3.5 → 4 and 0.5 → 0: half to even
def test_fewer_bits_give_fewer_levels(bits, values):
    q = quantize(np.array([0.5, -1.0, 0.26]), bits=bits)
    np.testing.assert_array_equal(q.values, values)
    assert q.scale == pytest.approx(1 / max_level(bits))


def test_levels_per_bit_count():
    assert [max_level(b) for b in range(2, 9)] == [1, 3, 7, 15, 31, 63, 127]


def test_one_scale_per_output_channel():
    w = np.array([[[[2.0, -1.0]]], [[[0.01, 0.02]]]])
    q = quantize(w, axis=0)
    np.testing.assert_allclose(q.scale, [2 / 127, 0.02 / 127])
    np.testing.assert_array_equal(q.values.reshape(2, 2), [[127, -64], [64, 127]])
    np.testing.assert_array_equal(quantize(w).values.reshape(2, 2), [[127, -64], [1, 1]])   # per tensor: the small
    assert quantize(w, axis=-4).axis == 0                                                     # channel loses detail


def test_zeros_get_scale_1_and_stay_zero():
    q = quantize(np.zeros((2, 3)), axis=0)
    np.testing.assert_array_equal(q.scale, [1.0, 1.0])
    np.testing.assert_array_equal(dequantize(q), np.zeros((2, 3)))


def test_quantized_is_frozen_and_its_arrays_read_only():
    q = quantize(np.array([1.0, -0.5]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.bits = 4
    with pytest.raises(ValueError, match="read-only"):
        q.values[0] = 0


def test_quantization_error_by_hand():
    stats = quantization_error([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 2.0])
    assert stats.max_abs == 1.0 and stats.rms == 0.5


# --- integer arithmetic by hand --------------------------------------------------------------

def test_one_output_by_hand():
    x = np.array([[[1, 2], [3, 4]]], np.int8)
    w = np.array([[[[1, -1], [2, 0]]]], np.int8)
    out = integer_conv2d(x, w)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[[1 * 1 + 2 * -1 + 3 * 2 + 4 * 0]]])


def test_sums_beyond_int8_and_int16_are_exact_in_int32():
    x = np.full((8, 3, 3), 127, np.int8)
    w = np.full((1, 8, 3, 3), -128, np.int8)
    np.testing.assert_array_equal(integer_conv2d(x, w), [[[8 * 9 * 127 * -128]]])   # −1,170,432


def test_zero_padding_is_integer_zero_and_stride_and_dilation_pick_taps():
    x = np.arange(1, 10, dtype=np.int8).reshape(1, 3, 3)
    one = np.array([[[[0, 0], [0, 2]]]], np.int8)            # 2 · the pixel below right
    np.testing.assert_array_equal(integer_conv2d(x, one, padding=((1, 0), (1, 0)), stride=2), [[[2, 6], [14, 18]]])
    corners = np.ones((1, 1, 2, 2), np.int8)
    np.testing.assert_array_equal(integer_conv2d(x, corners, dilation=2), [[[1 + 3 + 7 + 9]]])


def test_quantized_conv_by_hand_with_a_scale_per_output_channel():
    x = Quantized(np.array([[[1, 2], [3, 4]]], np.int8), np.array(0.5))
    w = Quantized(np.array([[[[1, -1], [2, 0]]], [[[0, 0], [0, 1]]]], np.int8), np.array([0.1, 2.0]), axis=0)
    np.testing.assert_allclose(quantized_conv2d(x, w, bias=[1.0, 0.0]), [[[5 * 0.5 * 0.1 + 1]], [[4 * 0.5 * 2.0]]])


# --- the loop reference and properties -------------------------------------------------------

@SOME
@given(int8_cases())
def test_integer_conv_matches_the_loop_reference(case):
    x, w, kwargs = case
    expected = ref.correlate(x[None] if x.ndim == 3 else x, w.astype(float), **kwargs)
    out = integer_conv2d(x, w, **kwargs)
    np.testing.assert_array_equal(out, expected[0] if x.ndim == 3 else expected)


@SOME
@given(st.integers(0, 2**32 - 1), BITS, st.sampled_from([None, 0, 1]))
def test_each_value_is_within_half_a_step_and_on_a_level(seed, bits, axis):
    x = random_array(seed, (3, 4, 2)) * (1 + seed % 5)
    q = quantize(x, bits=bits, axis=axis)
    assert np.abs(q.values).max() <= max_level(bits)
    shape = [1, 1, 1]
    if axis is not None:
        shape[axis] = -1
    assert np.all(np.abs(dequantize(q) - x) <= q.scale.reshape(shape) / 2 * (1 + 1e-12))


@SOME
@given(int8_cases(), st.booleans(), st.integers(0, 2**32 - 1))
def test_quantized_conv_is_conv2d_of_the_dequantized_tensors(case, per_channel, seed):
    x, w, kwargs = case
    xq = Quantized(np.clip(x, -127, 127), np.array(0.01 + seed % 7 / 100))
    scales = np.linspace(0.5, 2.0, w.shape[0]) if per_channel else np.array(0.03)
    wq = Quantized(np.clip(w, -127, 127), scales, axis=0 if per_channel else None)
    bias = random_array(seed, (w.shape[0],))
    np.testing.assert_allclose(quantized_conv2d(xq, wq, bias, **kwargs),
                               conv2d(dequantize(xq), dequantize(wq), bias, **kwargs), rtol=1e-10, atol=1e-10)


def test_more_bits_give_a_smaller_error_of_the_layer():
    x, w = random_array(0, (2, 3, 9, 9)), random_array(1, (4, 3, 3, 3))
    exact = conv2d(x, w, padding=1)
    rms = [quantization_error(exact, quantized_conv2d(quantize(x, b), quantize(w, b, axis=0), padding=1)).rms
           for b in range(2, 9)]
    assert rms == sorted(rms, reverse=True)
    assert rms[-1] < 0.02 * np.sqrt(np.mean(exact**2))      # 8 bits: under 2 % of the output's RMS


def test_a_scale_per_channel_beats_one_for_the_tensor_when_channels_differ():
    x, w = random_array(0, (3, 8, 8)), random_array(1, (2, 3, 3, 3)) * np.array([1.0, 0.01]).reshape(2, 1, 1, 1)
    exact = conv2d(x, w)
    per_tensor = quantized_conv2d(quantize(x), quantize(w))
    per_channel = quantized_conv2d(quantize(x), quantize(w, axis=0))
    small_tensor, small_channel = (quantization_error(exact[1], out[1]) for out in (per_tensor, per_channel))
    assert small_channel.rms < small_tensor.rms / 10     # the small filter gets 127 levels of its own, not about 1
    np.testing.assert_array_equal(per_tensor[0], per_channel[0])    # the large one has the same scale either way


# --- PyTorch ---------------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
def test_quantize_matches_torch_per_tensor_and_per_channel():
    torch = pytest.importorskip("torch")
    x = random_array(0, (4, 3, 3, 3)).astype(np.float32)
    q = quantize(x)
    tq = torch.quantize_per_tensor(torch.from_numpy(x), float(q.scale), 0, torch.qint8)
    np.testing.assert_array_equal(q.values, tq.int_repr().numpy())
    np.testing.assert_allclose(dequantize(q), tq.dequantize().numpy(), rtol=1e-6)
    qc = quantize(x, axis=0)
    tc = torch.quantize_per_channel(torch.from_numpy(x), torch.tensor(qc.scale), torch.zeros(4, dtype=torch.long),
                                    0, torch.qint8)
    np.testing.assert_array_equal(qc.values, tc.int_repr().numpy())


# --- bad input: one rule each ----------------------------------------------------------------

X8, W8 = np.ones((1, 3, 3), np.int8), np.ones((1, 1, 2, 2), np.int8)
XQ, WQ = quantize(np.ones((1, 3, 3))), quantize(np.ones((2, 1, 2, 2)), axis=0)


@pytest.mark.parametrize("call, match", [
    (lambda: quantize([1.0], bits=1), re.escape(
        "bits=1 leaves symmetric signed quantization no level but 0: one bit is the sign, and 2^(1−1) − 1 = 0 "
        "levels remain on each side; use at least 2 bits (levels −1, 0, 1)")),
    (lambda: quantize([1.0], bits=9), re.escape("bits must be from 2 to 8 (the values are stored as int8), got 9")),
    (lambda: quantize([1.0], bits=0), "bits must be from 2 to 8"),
    (lambda: quantize(np.ones((2, 3)), axis=2), "axis must be from -2 to 1 for x of shape \\(2, 3\\), got 2"),
    (lambda: quantize([]), re.escape("x must not be empty, got shape (0,)")),
    (lambda: quantize([1.0, np.nan]), "x must hold finite numbers; found nan"),
    (lambda: Quantized(np.array([8], np.int8), np.array(1.0), bits=4), re.escape(
        "values must lie within ±7 for bits=4, got 8…8")),
    (lambda: Quantized(np.array([1], np.int8), np.array([1.0, 2.0])), re.escape(
        "scale must have shape () for axis=None, got (2,)")),
    (lambda: Quantized(np.array([1], np.int8), np.array(0.0)), "scale must be finite and positive"),
    (lambda: Quantized(np.array([1], np.int8), np.array([1.0]), axis=1), "axis must be from 0 to 0"),
    (lambda: integer_conv2d(np.ones((130, 1, 1030), np.int8), np.ones((1, 130, 1, 1030), np.int8)), re.escape(
        "C_in·kH·kW = 130·1·1030 = 133,900 products of int8 values, each up to 128·128 = 16,384, could sum to "
        "2,193,817,600, beyond int32's 2,147,483,647; at most 131,071 products fit")),
    (lambda: integer_conv2d(np.ones((2, 3, 3), np.int8), W8), "x has 2 channels but weight"),
    (lambda: integer_conv2d(X8, np.ones((1, 1, 4, 4), np.int8)), "output size along axis 0 would be"),
    (lambda: integer_conv2d(X8, np.ones((1, 2, 2), np.int8)), "weight must have 4 dimensions"),
    (lambda: integer_conv2d(np.ones((3, 3), np.int8), W8), "x must have 3 dimensions or 4 dimensions"),
    (lambda: integer_conv2d(X8, W8, padding="same", stride=2), "padding='same' needs stride 1"),
    (lambda: quantized_conv2d(quantize(np.ones((1, 3, 3)), axis=0), WQ), re.escape(
        "x must have one scale for the whole tensor, got one per index of axis 0")),
    (lambda: quantized_conv2d(XQ, quantize(np.ones((2, 1, 2, 2)), axis=1)), re.escape(
        "weight scales must be per tensor or per output channel (axis 0), got axis 1")),
    (lambda: quantized_conv2d(XQ, WQ, bias=[1.0]), re.escape("bias must have shape (2,)")),
    (lambda: quantization_error([1.0, 2.0], [1.0]), re.escape("reference (2,) and approximation (1,) must have")),
])
def test_bad_settings_raise_value_error_saying_why(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: quantize([1.0], bits=8.0), "bits must be a whole number, got 8.0"),
    (lambda: quantize([1.0], axis=0.5), "axis must be a whole number"),
    (lambda: quantize(["a"]), "x must hold real numbers"),
    (lambda: Quantized(np.array([1]), np.array(1.0)), "values must be int8, got dtype int64"),
    (lambda: integer_conv2d(X8.astype(float), W8), re.escape(
        "x must be int8 (quantized values; see quantize), got dtype float64")),
    (lambda: quantized_conv2d(np.ones((1, 3, 3)), WQ), "x must be Quantized \\(see quantize\\), got ndarray"),
])
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()
