"""Tests for convviz.fft: hand-computed wrap-arounds, the correlation theorem, conv2d, the loop reference, PyTorch."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference as ref
from convviz import conv2d, fft_conv2d, flip_weight, true_conv2d
from strategies import random_array
from strategies import conv_cases as any_conv_cases

SOME = settings(max_examples=30, deadline=None)
TWO_D = st.just(2)
FFT_MODES = ("zeros", "circular")


@st.composite
def conv_cases(draw, modes=FFT_MODES):
    """A valid conv2d call at stride 1 in a mode the FFT handles (every padding spelling, groups, bias)."""
    case = draw(any_conv_cases(spatial=TWO_D, modes=modes))
    case.kwargs["stride"] = 1
    return case


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


# --- small cases computed by hand ------------------------------------------------------------

def test_flip_weight_rotates_every_kernel_by_180_degrees():
    w = np.arange(8).reshape(2, 1, 2, 2)
    np.testing.assert_array_equal(flip_weight(w)[1, 0], [[7, 6], [5, 4]])
    np.testing.assert_array_equal(flip_weight(np.array([[[1, 2, 3]]])), [[[3, 2, 1]]])


def test_a_two_tap_kernel_along_a_row_linear_and_circular():
    x, w = np.array([[[1.0, 2.0, 3.0, 4.0]]]), np.array([[[[1.0, 10.0]]]])
    close(fft_conv2d(x, w), [[[21, 32, 43]]])
    close(fft_conv2d(x, w, padding=((0, 0), (0, 1))), [[[21, 32, 43, 4]]])                      # zero after 4
    close(fft_conv2d(x, w, padding=((0, 0), (0, 1)), padding_mode="circular"), [[[21, 32, 43, 14]]])  # 1 after 4


def test_circular_padding_with_a_one_hot_kernel_rolls_the_image():
    x = np.arange(12.0).reshape(1, 3, 4)
    corner = np.zeros((1, 1, 3, 3))
    corner[0, 0, 0, 0] = 1                       # out[i, j] = x[i − 1, j − 1], wrapped
    close(fft_conv2d(x, corner, padding=1, padding_mode="circular"), np.roll(x, (1, 1), axis=(1, 2)))
    zeros = fft_conv2d(x, corner, padding=1)
    close(zeros[0, 0], [0, 0, 0, 0])             # zero padding: nothing comes back round
    close(zeros[0, 1:, 1:], x[0, :2, :3])


def test_the_correlation_theorem_by_numpy_fft():
    """A circular cross-correlation is ifft(fft(x) · conj(fft(w))), the kernel zero-filled to the image size."""
    x, w = random_array(0, (1, 6, 5)), random_array(1, (1, 1, 3, 2))
    kernel = np.zeros((6, 5))
    kernel[:3, :2] = w[0, 0]
    periodic = np.fft.ifft2(np.fft.fft2(x[0]) * np.conj(np.fft.fft2(kernel))).real
    close(fft_conv2d(x, w, padding=((0, 2), (0, 1)), padding_mode="circular")[0], periodic)


def test_a_kernel_wider_than_the_image_wraps_more_than_once_in_circular_mode():
    x, w = random_array(0, (1, 2, 3)), random_array(1, (1, 1, 5, 4))
    settings = dict(padding=2, padding_mode="circular")
    close(fft_conv2d(x, w, **settings), conv2d(x, w, **settings))


def test_dtypes_follow_conv2d():
    x, w = random_array(0, (2, 5, 5)), random_array(1, (3, 2, 3, 3))
    assert fft_conv2d(x.astype(np.float32), w).dtype == np.float32
    assert fft_conv2d(x.astype(np.float16), w).dtype == np.float16
    assert fft_conv2d(x.astype(np.int64), w).dtype == np.float64
    np.testing.assert_allclose(fft_conv2d(x.astype(np.float32), w), conv2d(x, w), rtol=1e-4, atol=1e-4)


# --- conv2d, the loop reference and PyTorch --------------------------------------------------

@SOME
@given(conv_cases())
def test_fft_equals_direct_convolution(case):
    close(fft_conv2d(case.x, case.weight, **case.kwargs), conv2d(case.x, case.weight, **case.kwargs))


@settings(max_examples=15, deadline=None)
@given(conv_cases())
def test_fft_matches_the_loop_reference(case):
    expected = case.unbatch(ref.correlate(case.xb, case.weight, **case.kwargs))
    close(fft_conv2d(case.x, case.weight, **case.kwargs), expected)


@SOME
@given(conv_cases(), st.integers(1, 3), st.integers(1, 3))
def test_striding_the_fft_result_gives_the_strided_convolution(case, sh, sw):
    kwargs = dict(case.kwargs)   # "same" needs stride 1: spell it out per side
    kwargs["padding"] = ref.resolve_padding(kwargs["padding"], case.weight.shape[2:], 1, kwargs["dilation"])
    full = fft_conv2d(case.x, case.weight, **kwargs)
    close(full[..., ::sh, ::sw], conv2d(case.x, case.weight, **{**kwargs, "stride": (sh, sw)}))


@SOME
@given(conv_cases(modes=("zeros",)))
def test_fft_of_the_flipped_kernel_is_true_convolution(case):
    close(fft_conv2d(case.x, flip_weight(case.weight), **case.kwargs), true_conv2d(case.x, case.weight, **case.kwargs))


@settings(max_examples=20, deadline=None)
@given(conv_cases())
def test_fft_matches_torch(case):
    torch = pytest.importorskip("torch")
    functional, kw = torch.nn.functional, case.kwargs
    pads = ref.resolve_padding(kw["padding"], case.weight.shape[2:], 1, kw["dilation"])
    mode = {"zeros": "constant"}.get(kw["padding_mode"], kw["padding_mode"])
    x = functional.pad(torch.from_numpy(case.xb), [amount for pair in reversed(pads) for amount in pair], mode=mode)
    bias = None if kw.get("bias") is None else torch.from_numpy(kw["bias"])
    expected = functional.conv2d(x, torch.from_numpy(case.weight), bias, 1, 0, kw["dilation"], kw["groups"])
    close(fft_conv2d(case.x, case.weight, **kw), case.unbatch(expected.numpy()))


# --- bad input: one rule each ----------------------------------------------------------------

X, W = np.ones((1, 5, 5)), np.ones((1, 1, 3, 3))


@pytest.mark.parametrize("call, match", [
    (lambda: fft_conv2d(X, W, stride=2), re.escape(
        "stride must be 1 for fft_conv2d, got (2, 2): the convolution theorem gives the stride-1 output at every "
        "position at once, so a stride would only throw most of it away; take fft_conv2d(…)[..., ::2, ::2]")),
    (lambda: fft_conv2d(X, W, stride=(1, 0)), "stride must be at least 1, got 0"),
    (lambda: fft_conv2d(X, W, padding_mode="reflect"), re.escape(
        "fft_conv2d supports padding_mode 'zeros' (a linear convolution) and 'circular' (the DFT's own wrap-around), "
        "got 'reflect'; pad first with convviz.pad(x, pads, 'reflect') and use padding=0")),
    (lambda: fft_conv2d(X, W, padding_mode="mirror"), "padding_mode must be one of"),
    (lambda: fft_conv2d(X, np.ones((1, 1, 7, 7))), "output size along axis 0 would be"),
    (lambda: fft_conv2d(X, W, padding=6, padding_mode="circular"), re.escape("circular padding (6) must not exceed")),
    (lambda: fft_conv2d(X, W, padding="same", dilation=0), "dilation must be at least 1, got 0"),
    (lambda: fft_conv2d(np.ones((3, 5, 5)), np.ones((1, 2, 3, 3))), "x has 3 channels but weight"),
    (lambda: fft_conv2d(np.ones((4, 5, 5)), np.ones((3, 2, 3, 3)), groups=2), re.escape("out_channels (3) must be")),
    (lambda: fft_conv2d(np.ones((5, 5)), W), "x must have 3 dimensions or 4 dimensions"),
    (lambda: fft_conv2d(X, np.ones((1, 3, 3))), "weight must have 4 dimensions"),
    (lambda: fft_conv2d(X, W, bias=[1.0, 2.0]), re.escape("bias must have shape (1,)")),
    (lambda: fft_conv2d(X, W * np.inf), "weight must hold finite numbers; found inf"),
    (lambda: fft_conv2d(np.ones((1, 0, 5)), W), "must not have an axis of length 0"),
    (lambda: flip_weight(np.ones((3, 3))), re.escape("weight must be (C_out, C_in, k…)")),
])
def test_bad_settings_raise_value_error_saying_why(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: fft_conv2d(X, W, stride=1.0), "stride must be a whole number, got 1.0"),
    (lambda: fft_conv2d(X * 1j, W), "x must hold real numbers"),
])
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()
