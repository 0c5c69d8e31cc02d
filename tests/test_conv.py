"""Tests for convviz.conv: hand-computed cases, the slow reference, properties, PyTorch, bad input."""

from __future__ import annotations

import re
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convviz.correlate
import reference as ref
from convviz import (
    conv1d, conv2d, conv3d, conv_output_size, conv_transpose1d, conv_transpose2d, conv_transpose3d,
    true_conv1d, true_conv2d, true_conv3d,
)
from strategies import FAST, QUICK, SYMMETRIC, conv_cases, random_array, transpose_cases
from test_padding import ABCD, PICTURES

CONV = {1: conv1d, 2: conv2d, 3: conv3d}
TRUE_CONV = {1: true_conv1d, 2: true_conv2d, 3: true_conv3d}
TRANSPOSE = {1: conv_transpose1d, 2: conv_transpose2d, 3: conv_transpose3d}
ONE_TO_25 = np.arange(1.0, 26.0).reshape(1, 5, 5)


def run(case, functions=CONV):
    return functions[case.weight.ndim - 2](case.x, case.weight, **case.kwargs)


def reference(case):
    return case.unbatch(ref.correlate(case.xb, case.weight, **case.kwargs))


# --- small cases computed by hand ------------------------------------------------------------

def test_vertical_edge_kernel_on_1_to_25_gives_minus_6_everywhere():
    np.testing.assert_array_equal(conv2d(ONE_TO_25, np.array([[[[1, 0, -1]] * 3]])), np.full((1, 3, 3), -6.0))


def test_32_by_32_image_and_5_by_5_kernel_give_28_by_28():
    out = conv2d(np.ones((1, 32, 32)), np.ones((1, 1, 5, 5)))
    np.testing.assert_array_equal(out, np.full((1, 28, 28), 25.0))


def test_padding_2_and_stride_2_give_16_by_16():
    assert conv2d(np.ones((3, 32, 32)), np.ones((4, 3, 5, 5)), stride=2, padding=2).shape == (4, 16, 16)


def test_tutorial_trap_5_by_5_kernel_3_padding_1_stride_2_gives_3_by_3_not_2_by_2():
    out = conv2d(ONE_TO_25, np.ones((1, 1, 3, 3)), stride=2, padding=1)
    np.testing.assert_array_equal(out[0], [[16, 33, 28], [69, 117, 87], [76, 123, 88]])


def test_same_padding_with_an_even_kernel_puts_the_extra_pixel_bottom_right():
    x = np.arange(1.0, 10.0).reshape(1, 3, 3)
    out = conv2d(x, np.ones((1, 1, 2, 2)), padding="same")
    np.testing.assert_array_equal(out[0], [[12, 16, 9], [24, 28, 15], [15, 17, 9]])
    np.testing.assert_array_equal(out, conv2d(x, np.ones((1, 1, 2, 2)), padding=((0, 1), (0, 1))))
    np.testing.assert_array_equal(out, ref.correlate(x[None], np.ones((1, 1, 2, 2)), padding="same")[0])


@pytest.mark.parametrize("mode, shown", PICTURES)
def test_a_one_tap_kernel_shows_what_each_padding_mode_puts_in_the_padding(mode, shown):
    out = conv1d(ABCD[None].astype(float), np.ones((1, 1, 1)), padding=2, padding_mode=mode)
    np.testing.assert_array_equal(out[0], shown)


def test_depthwise_convolution_keeps_channels_apart():
    x = np.arange(8.0).reshape(2, 2, 2)
    np.testing.assert_array_equal(conv2d(x, np.array([2.0, 3.0]).reshape(2, 1, 1, 1), groups=2),
                                  np.stack([2 * x[0], 3 * x[1]]))


def test_bias_is_added_to_every_position_of_its_channel():
    out = conv1d(np.zeros((1, 3)), np.ones((2, 1, 2)), bias=[1.0, -1.0])
    np.testing.assert_array_equal(out, [[1, 1], [-1, -1]])


def test_transposed_convolution_stamps_the_kernel_stride_apart():
    x, w = np.array([[1.0, 2.0]]), np.ones((1, 1, 3))
    np.testing.assert_array_equal(conv_transpose1d(x, w, stride=2), [[1, 1, 3, 2, 2]])
    np.testing.assert_array_equal(conv_transpose1d(x, w, stride=2, padding=1), [[1, 3, 2]])
    np.testing.assert_array_equal(conv_transpose1d(x, w, stride=2, output_padding=1), [[1, 1, 3, 2, 2, 0]])


@pytest.mark.parametrize("dtype, expected", [
    (np.float32, np.float32), (np.float16, np.float16), (np.float64, np.float64),
    (np.int64, np.float64), (np.uint8, np.float64), (bool, np.float64),
])
def test_float_dtypes_are_kept_and_integers_become_float64(dtype, expected):
    x = np.ones((1, 4, 4), dtype)
    assert conv2d(x, np.ones((1, 1, 3, 3), np.float32)).dtype == expected
    assert conv_transpose2d(x, np.ones((1, 1, 3, 3))).dtype == expected


# --- the slow reference ----------------------------------------------------------------------

@pytest.mark.parametrize("ndim", [1, 2, 3])
@FAST
@given(data=st.data())
def test_conv_matches_the_reference(ndim, data):
    case = data.draw(conv_cases(spatial=st.just(ndim)))
    np.testing.assert_allclose(run(case), reference(case), rtol=1e-10, atol=1e-12)


@QUICK
@given(conv_cases())
def test_float32_stays_float32_and_matches_the_reference(case):
    case.x, case.weight = case.x.astype(np.float32), case.weight.astype(np.float32)
    out = run(case)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, reference(case), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@FAST
@given(data=st.data())
def test_conv_transpose_matches_the_scatter_definition(ndim, data):
    case = data.draw(transpose_cases(spatial=st.just(ndim)))
    expected = case.unbatch(ref.conv_transpose(case.xb, case.weight, **case.kwargs))
    np.testing.assert_allclose(run(case, TRANSPOSE), expected, rtol=1e-10, atol=1e-12)


@FAST
@given(conv_cases(), st.sampled_from([1, 64, 600, 5000]), st.sampled_from([1, 300, 3000]))
def test_many_small_blocks_give_the_same_result(case, cols_bytes, slab_bytes):
    with mock.patch.multiple(convviz.correlate, COLS_BYTES=cols_bytes, SLAB_BYTES=slab_bytes):
        out = run(case)
    np.testing.assert_allclose(out, reference(case), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("settings", [
    dict(padding=1),
    dict(stride=2, padding="full", dilation=(2, 1), padding_mode="reflect"),
    dict(stride=(3, 2), padding=((0, 2), (1, 0)), padding_mode="circular"),
])
@pytest.mark.parametrize("small_blocks", [False, True])
def test_a_large_image_across_block_boundaries(settings, small_blocks, monkeypatch):
    if small_blocks:
        monkeypatch.setattr(convviz.correlate, "COLS_BYTES", 3000)
        monkeypatch.setattr(convviz.correlate, "SLAB_BYTES", 10_000)
    x, w = random_array(0, (3, 67, 131)), random_array(1, (8, 3, 3, 3))
    np.testing.assert_allclose(conv2d(x, w, **settings), ref.correlate(x[None], w, **settings)[0], rtol=1e-10)


@pytest.mark.parametrize("first_axis", [dict(stride=1, dilation=1), dict(stride=1, dilation=2),
                                        dict(stride=2, dilation=3), dict(stride=5, dilation=1)])  # the last: unshared
@pytest.mark.parametrize("c_out", [2, 6])  # one or three outputs per group
@pytest.mark.parametrize("mode", ["zeros", "reflect", "circular"])
@pytest.mark.parametrize("cols_bytes, slab_bytes", [(1, 1), (60_000, 20_000), (1 << 20, 4 << 20)])
def test_shared_first_axis_rows_in_every_block_size_agree(first_axis, c_out, mode, cols_bytes, slab_bytes,
                                                          monkeypatch):
    monkeypatch.setattr(convviz.correlate, "COLS_BYTES", cols_bytes)
    monkeypatch.setattr(convviz.correlate, "SLAB_BYTES", slab_bytes)
    x, w = random_array(0, (2, 4, 150, 17)), random_array(1, (c_out, 2, 5, 3))
    settings = dict(stride=(first_axis["stride"], 1), padding=(4, 2), dilation=(first_axis["dilation"], 1),
                    groups=2, padding_mode=mode)
    np.testing.assert_allclose(conv2d(x, w, **settings), ref.correlate(x, w, **settings), rtol=1e-10, atol=1e-12)


# --- properties ------------------------------------------------------------------------------

@QUICK
@given(conv_cases())
def test_views_with_odd_strides_give_the_same_result_as_copies(case):
    view, weight = case.x[..., ::-1], np.asfortranarray(case.weight)  # negative strides, column-major
    conv = CONV[case.weight.ndim - 2]
    np.testing.assert_array_equal(conv(view, weight, **case.kwargs),
                                  conv(np.ascontiguousarray(view), np.ascontiguousarray(weight), **case.kwargs))


@FAST
@given(conv_cases())
def test_output_shape_is_the_output_size_formula(case):
    out = run(case)
    ndim = case.weight.ndim - 2
    expected = conv_output_size(case.x.shape[-ndim:], case.weight.shape[2:], case.kwargs["stride"],
                                case.kwargs["padding"], case.kwargs["dilation"])
    assert out.shape == case.x.shape[:-ndim - 1] + (case.weight.shape[0],) + expected


@FAST
@given(st.sampled_from([1, 2, 3]), st.integers(0, 2), st.integers(1, 3), st.integers(1, 3),
       st.sampled_from(ref.PADDING_MODES), st.integers(0, 2**32 - 1))
def test_an_identity_kernel_returns_the_input(ndim, half, dilation, channels, mode, seed):
    weight = np.zeros((channels, channels) + (2 * half + 1,) * ndim)
    for c in range(channels):
        weight[(c, c) + (half,) * ndim] = 1
    x = random_array(seed, (channels,) + (half * dilation + 1 + seed % 3,) * ndim)
    np.testing.assert_array_equal(CONV[ndim](x, weight, padding="same", dilation=dilation, padding_mode=mode), x)


@FAST
@given(conv_cases(bias=st.just(False)), st.floats(-3, 3), st.floats(-3, 3))
def test_convolution_is_linear(case, a, b):
    y = random_array(7, case.x.shape)
    together = CONV[case.weight.ndim - 2](a * case.x + b * y, case.weight, **case.kwargs)
    apart = a * run(case) + b * CONV[case.weight.ndim - 2](y, case.weight, **case.kwargs)
    np.testing.assert_allclose(together, apart, rtol=1e-9, atol=1e-9)


@FAST
@given(conv_cases())
def test_true_convolution_is_correlation_with_the_kernel_flipped(case):
    flipped = case.weight[(Ellipsis,) + (slice(None, None, -1),) * (case.weight.ndim - 2)]
    np.testing.assert_array_equal(run(case, TRUE_CONV), CONV[case.weight.ndim - 2](case.x, flipped, **case.kwargs))


def test_true_convolution_matches_the_reference_on_an_asymmetric_kernel():
    w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    np.testing.assert_array_equal(true_conv2d(ONE_TO_25, w), ref.true_convolve(ONE_TO_25[None], w)[0])
    assert true_conv2d(ONE_TO_25, w)[0, 0, 0] == 1 * 4 + 2 * 3 + 6 * 2 + 7 * 1


@FAST
@given(conv_cases(modes=["zeros"], bias=st.just(False), spellings=SYMMETRIC))
def test_transposed_convolution_is_the_adjoint_of_convolution(case):
    """⟨conv(x), y⟩ = ⟨x, conv_transpose(y)⟩ with the same weight, stride, padding and dilation."""
    ndim = case.weight.ndim - 2
    kernel, sizes = case.weight.shape[2:], case.x.shape[-ndim:]
    stride, dilation = ref.per_axis(case.kwargs["stride"], ndim), ref.per_axis(case.kwargs["dilation"], ndim)
    pads = ref.resolve_padding(case.kwargs["padding"], kernel, stride, dilation)
    padding = tuple(before for before, _ in pads)
    y = random_array(3, run(case).shape)
    # output_padding restores the input positions after the last window
    extra = tuple((n + 2 * p - d * (k - 1) - 1) % s for n, p, d, k, s in zip(sizes, padding, dilation, kernel, stride))
    back = TRANSPOSE[ndim](y, case.weight, stride=stride, padding=padding, output_padding=extra,
                           groups=case.kwargs["groups"], dilation=dilation)
    assert back.shape == case.x.shape
    assert np.vdot(run(case), y) == pytest.approx(np.vdot(case.x, back), rel=1e-9, abs=1e-9)


# --- PyTorch (requirements-dev.txt), imported where used: without it only these tests fail ---

def torch_conv(case):
    """The same call in PyTorch: F.pad (any mode, any per-side amounts), then an unpadded convolution."""
    import torch
    functional = torch.nn.functional
    ndim, kw = case.weight.ndim - 2, case.kwargs
    pads = ref.resolve_padding(kw["padding"], case.weight.shape[2:], kw["stride"], kw["dilation"])
    amounts = [amount for pair in reversed(pads) for amount in pair]  # F.pad lists the last axis first
    mode = {"zeros": "constant"}.get(kw["padding_mode"], kw["padding_mode"])
    x = functional.pad(torch.from_numpy(case.xb), amounts, mode=mode)
    bias = None if kw.get("bias") is None else torch.from_numpy(kw["bias"])
    conv = getattr(functional, f"conv{ndim}d")
    out = conv(x, torch.from_numpy(case.weight), bias, kw["stride"], 0, kw["dilation"], kw["groups"])
    return case.unbatch(out.numpy())


@FAST
@given(conv_cases())
def test_conv_matches_torch(case):
    np.testing.assert_allclose(run(case), torch_conv(case), rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@FAST
@given(conv_cases(modes=["zeros"], spellings=("int", "per_axis", "valid", "same")))
def test_conv_matches_torch_given_the_same_padding_argument(case):
    import torch
    kw = {k: v for k, v in case.kwargs.items() if k not in ("padding_mode", "bias")}
    bias = None if case.kwargs.get("bias") is None else torch.from_numpy(case.kwargs["bias"])
    conv = getattr(torch.nn.functional, f"conv{case.weight.ndim - 2}d")
    expected = conv(torch.from_numpy(case.x), torch.from_numpy(case.weight), bias, **kw).numpy()
    np.testing.assert_allclose(run(case), expected, rtol=1e-10, atol=1e-12)


@FAST
@given(transpose_cases())
def test_conv_transpose_matches_torch(case):
    import torch
    kw = dict(case.kwargs)
    bias = kw.pop("bias", None)
    transpose = getattr(torch.nn.functional, f"conv_transpose{case.weight.ndim - 2}d")
    expected = transpose(torch.from_numpy(case.xb), torch.from_numpy(case.weight),
                         None if bias is None else torch.from_numpy(bias), **kw).numpy()
    np.testing.assert_allclose(run(case, TRANSPOSE), case.unbatch(expected), rtol=1e-10, atol=1e-12)


def test_a_large_image_matches_torch():
    import torch
    x, w, b = random_array(0, (2, 3, 67, 131)), random_array(1, (8, 3, 5, 5)), random_array(2, (8,))
    expected = torch.nn.functional.conv2d(*map(torch.from_numpy, (x, w, b)), stride=(1, 2), padding=2, dilation=2)
    np.testing.assert_allclose(conv2d(x, w, b, stride=(1, 2), padding=2, dilation=2), expected.numpy(), rtol=1e-10)


# --- bad input: one rule each ----------------------------------------------------------------

X, W = np.ones((1, 5, 5)), np.ones((1, 1, 3, 3))


@pytest.mark.parametrize("call, match", [
    (lambda: conv2d(X, np.ones((1, 1, 7, 7))), re.escape(
        "output size along axis 0 would be ⌊(5 + 2·0 − 1·(7 − 1) − 1) / 1⌋ + 1 = ⌊−2 / 1⌋ + 1 = −2 + 1 = −1: "
        "the kernel spans 7 positions but the padded input has only 5")),
    (lambda: conv2d(X, W, stride=0), "stride must be at least 1, got 0"),
    (lambda: conv2d(X, W, dilation=(1, 0)), "dilation must be at least 1, got 0"),
    (lambda: conv2d(X, W, padding=-1), "padding cannot be negative"),
    (lambda: conv2d(X, W, padding=((0, -1), (0, 0))), "padding cannot be negative"),
    (lambda: conv2d(X, W, padding="same", stride=2), "padding='same' needs stride 1"),
    (lambda: conv2d(X, W, padding="half"), "padding must be a number, .* got 'half'"),
    (lambda: conv2d(X, W, padding_mode="mirror"), "padding_mode must be one of .* got 'mirror'"),
    (lambda: conv2d(X, W, padding=5, padding_mode="reflect"), re.escape("reflect padding (5) must be smaller")),
    (lambda: conv2d(X, W, padding=6, padding_mode="circular"), re.escape("circular padding (6) must not exceed")),
    (lambda: conv2d(np.ones((3, 5, 5)), np.ones((2, 1, 3, 3)), groups=2), re.escape("in_channels (3) must be")),
    (lambda: conv2d(np.ones((4, 5, 5)), np.ones((3, 2, 3, 3)), groups=2), re.escape("out_channels (3) must be")),
    (lambda: conv2d(np.ones((3, 5, 5)), np.ones((1, 2, 3, 3))), "x has 3 channels but weight"),
    (lambda: conv2d(np.ones((5, 5)), W), "x must have 3 dimensions or 4 dimensions"),
    (lambda: conv2d(X, np.ones((1, 3, 3))), "weight must have 4 dimensions"),
    (lambda: conv2d(X, W, bias=[1.0, 2.0]), re.escape("bias must have shape (1,)")),
    (lambda: conv2d(X, np.full((1, 1, 3, 3), np.nan)), "weight must hold finite numbers; found nan"),
    (lambda: conv2d(X, np.full((1, 1, 3, 3), np.inf)), "weight must hold finite numbers; found inf"),
    (lambda: conv2d(np.ones((1, 0, 5)), W), "must not have an axis of length 0"),
    (lambda: conv2d([[[1.0, 2.0], [3.0]]], W), "x must be a rectangular array"),
    (lambda: conv2d(X, W, stride=(1, 2, 3)), "stride needs one value or 2"),
    (lambda: conv_transpose2d(X, W, stride=2, output_padding=2), re.escape(
        "output_padding (2) must be smaller than the stride (2) or the dilation (1)")),
    (lambda: conv_transpose2d(X, W, padding=9), "the padding .* removes more than"),
    (lambda: conv_transpose2d(X, W, padding="same"), "padding for a transposed convolution must be a number"),
    (lambda: conv_transpose2d(np.ones((2, 5, 5)), W), "x has 2 channels but a transposed weight"),
])
def test_bad_settings_raise_value_error_saying_why(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: conv2d(X, W, stride=1.5), "stride must be a whole number, got 1.5"),
    (lambda: conv2d(X, W, stride=2.0), "stride must be a whole number, got 2.0"),
    (lambda: conv2d(X, W, dilation=True), "dilation must be a whole number, got True"),
    (lambda: conv2d(X, W, padding=(1, 1.0)), "padding must be a whole number"),
    (lambda: conv2d(X, W, groups=1.0), "groups must be a whole number"),
    (lambda: conv2d(X, W, stride="2"), "stride must be a whole number or one per axis"),
    (lambda: conv_transpose2d(X, W, output_padding=0.5), "output_padding must be a whole number"),
    (lambda: conv2d(X * 1j, W), "x must hold real numbers, got dtype complex128"),
    (lambda: conv2d(X, W * 1j), "weight must hold real numbers"),
    (lambda: conv2d(np.full((1, 2, 2), "a"), W), "x must hold real numbers"),
])
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def _mostly(good, bad):
    """Mostly `good`, sometimes `bad`: each setting is rarely wrong, so both outcomes are common."""
    return st.sampled_from(list(good) * 8 + list(bad))


def _garbage(draw, transposed: bool):
    ndim = draw(st.integers(1, 2))
    small = _mostly([1, 2, 3], [0, -1])
    kernel = tuple(draw(_mostly([1, 2, 3], [0])) for _ in range(ndim))
    groups = draw(small)
    channels, c_out = draw(_mostly([1, 2, 4], [0, 3])), draw(_mostly([1, 2, 4], [0, 3]))
    c_weight = draw(_mostly([max(1, channels // max(groups, 1))], [0, 1, 2]))
    sizes = tuple(draw(_mostly(range(1, 7), [0])) for _ in range(ndim))
    x = random_array(0, (draw(st.integers(1, 2)), channels) + sizes)
    kwargs = dict(stride=draw(small), dilation=draw(small), groups=groups)
    if transposed:
        kwargs.update(padding=draw(_mostly([0, 1, 2], [-1, 4])), output_padding=draw(_mostly([0, 1], [-1, 2])))
        return x, random_array(1, (channels if c_weight else 0, c_out) + kernel), kwargs
    kwargs["padding"] = draw(st.one_of(
        _mostly([0, 1, 2], [-1, 4]), st.sampled_from(["same", "valid", "full", "half"]),
        st.tuples(*[st.tuples(_mostly([0, 1, 2], [-1]), _mostly([0, 1, 2], [-1]))] * ndim)))
    kwargs["padding_mode"] = draw(_mostly(ref.PADDING_MODES, ["mirror"]))
    return x, random_array(1, (c_out, c_weight) + kernel), kwargs


@pytest.mark.parametrize("transposed", [False, True])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_garbage_settings_give_the_reference_answer_or_a_clear_error(transposed, data):
    """No IndexError or broadcasting error escapes, and nothing valid is refused."""
    x, weight, kwargs = _garbage(data.draw, transposed)
    functions, reference_function = (TRANSPOSE, ref.conv_transpose) if transposed else (CONV, ref.correlate)
    try:
        expected = reference_function(x, weight, **kwargs)
    except ValueError:
        with pytest.raises((ValueError, TypeError)):
            functions[x.ndim - 2](x, weight, **kwargs)
        return
    np.testing.assert_allclose(functions[x.ndim - 2](x, weight, **kwargs), expected, rtol=1e-10, atol=1e-12)
