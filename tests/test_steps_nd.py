"""Tests for the 1-D and 3-D step data (convviz.steps, convviz.steps_nd): the sums are the engine's output."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference as ref
from convviz import (
    avg_pool1d, avg_pool3d, conv1d, conv1d_steps, conv2d, conv2d_steps, conv3d, conv3d_steps, max_pool1d,
    max_pool3d, pool1d_steps, pool2d_steps, pool3d_steps,
)
from strategies import FAST, conv_cases, pool_cases, random_array

CONV = {1: (conv1d, conv1d_steps), 3: (conv3d, conv3d_steps)}
POOL = {1: (max_pool1d, avg_pool1d, pool1d_steps), 3: (max_pool3d, avg_pool3d, pool3d_steps)}
ONE_OR_THREE = st.sampled_from([1, 3])
SETTINGS = ("stride", "padding", "dilation", "padding_mode")


def one_channel_out(case) -> tuple[np.ndarray, np.ndarray, dict]:
    """The case's first input and a weight for one output channel over all its input channels."""
    x = case.xb[0]
    weight = random_array(7, (x.shape[0], *case.weight.shape[2:]))
    return x, weight, {k: case.kwargs[k] for k in SETTINGS}


# --- small cases worked by hand ----------------------------------------------------------------

def test_a_difference_kernel_on_1_to_4():
    s = conv1d_steps([1.0, 2.0, 3.0, 4.0], [1.0, -1.0])
    assert s.positions[0].tolist() == [[0, 1], [1, 2], [2, 3]]
    assert s.products[0].tolist() == [[1, -2], [2, -3], [3, -4]]
    assert s.sums.tolist() == [-1, -1, -1] and not s.padded.any()


def test_two_channels_add_their_partial_sums_and_the_bias():
    x = np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 1.0]])        # (C, L): two embedding dimensions, three words
    w = np.array([[1.0, 1.0], [0.0, 2.0]])
    s = conv1d_steps(x, w, bias=-1.0)
    assert s.partial_sums.tolist() == [[1.0, 2.0], [6.0, 2.0]]
    assert s.sums.tolist() == [6.0, 3.0]


def test_causal_padding_reads_zeros_on_the_left_only():
    s = conv1d_steps([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], padding=((4, 0),), dilation=2)
    assert s.positions[0][0].tolist() == [-4, -2, 0]
    assert s.padded[:, -1].sum() == 0 and s.padded[0].tolist() == [True, True, False]
    assert s.sums.tolist() == [1.0, 2.0, 4.0]                 # y[t] = x[t−4] + x[t−2] + x[t]


def test_stride_and_reflect_padding():
    s = conv1d_steps([1.0, 2.0, 3.0, 4.0], [1.0, 0.0, 1.0], stride=2, padding=1, padding_mode="reflect")
    assert s.values[0].tolist() == [[2.0, 1.0, 2.0], [2.0, 3.0, 4.0]]
    assert s.sums.tolist() == [4.0, 6.0]


def test_a_3d_window_reads_a_cube_in_every_mode():
    x = np.arange(27.0).reshape(3, 3, 3)
    s = conv3d_steps(x, np.ones((2, 2, 2)), padding=((1, 0), (0, 0), (0, 1)), padding_mode="circular")
    assert s.sums.shape == (3, 2, 3) and s.values.shape == (1, 3, 2, 3, 2, 2, 2)
    assert s.values[0, 0, 0, 0, 0, 0, 0] == x[2, 0, 0]          # depth −1 wraps to depth 2
    assert s.sums[1, 1, 2] == x[0:2, 1:3, 2].sum() + x[0:2, 1:3, 0].sum()   # column 3 wraps to column 0


def test_a_region_is_part_of_the_whole():
    x = random_array(1, (2, 30))
    w = random_array(2, (2, 5))
    whole = conv1d_steps(x, w, padding="same", dilation=2)
    part = conv1d_steps(x, w, padding="same", dilation=2, region=(10, 14))
    np.testing.assert_array_equal(part.sums, whole.sums[10:14])
    np.testing.assert_array_equal(part.values, whole.values[:, 10:14])
    cube = conv3d_steps(np.ones((3, 4, 4)), np.ones((2, 2, 2)), region=(0, 1, 1, 3, 0, 2))
    assert cube.sums.shape == (1, 2, 2)


def test_max_pooling_names_its_winner_in_1d_and_3d():
    p = pool1d_steps([1.0, 3.0, 3.0, 0.0, np.nan, 2.0], 2)
    assert p.results[:2].tolist() == [3.0, 3.0] and np.isnan(p.results[2])
    assert p.winner[:, 0].tolist() == [1, 0, 0]                 # first maximum; NaN wins
    cube = pool3d_steps(np.arange(8.0).reshape(2, 2, 2), 2)
    assert cube.winner.tolist() == [[[[1, 1, 1]]]]


def test_average_pooling_divides_as_count_include_pad_says():
    p = pool1d_steps([2.0, 4.0], 2, stride=1, padding=1, kind="avg", count_include_pad=False)
    assert p.results.tolist() == [2.0, 3.0, 4.0] and p.divisor.tolist() == [1.0, 2.0, 1.0]


def test_the_2d_results_are_the_nd_results_under_their_2d_names():
    x, w = random_array(3, (2, 6, 5)), random_array(4, (2, 3, 2))
    s = conv2d_steps(x, w, 0.5, stride=(2, 1), padding="full", dilation=(1, 2), padding_mode="zeros")
    np.testing.assert_allclose(s.sums, conv2d(x, w[None], [0.5], stride=(2, 1), padding="full",
                                              dilation=(1, 2))[0], rtol=1e-12, atol=1e-12)
    p = pool2d_steps(x[0], 3, stride=2, padding=1, kind="avg")
    assert p.rows.shape == p.cols.shape == (3, 3, 3, 3) and p.winner is None


# --- properties against the engine and the slow reference ---------------------------------------

@FAST
@given(conv_cases(spatial=ONE_OR_THREE), st.floats(-2, 2))
def test_step_sums_are_the_engines_output(case, bias):
    x, weight, settings = one_channel_out(case)
    engine, steps_of = CONV[x.ndim - 1]
    steps = steps_of(x, weight, bias, **settings)
    np.testing.assert_allclose(steps.sums, engine(x, weight[None], [bias], **settings)[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(steps.partial_sums.sum(0) + bias, steps.sums, rtol=1e-12, atol=1e-12)
    n = x.ndim - 1
    np.testing.assert_array_equal(steps.products, steps.values * weight.reshape(weight.shape[:1] + (1,) * n +
                                                                                weight.shape[1:]))


@FAST
@given(conv_cases(spatial=ONE_OR_THREE))
def test_steps_read_what_the_padding_mode_shows(case):
    x, weight, settings = one_channel_out(case)
    steps = CONV[x.ndim - 1][1](x, weight, **settings)
    assert steps.pads == ref.resolve_padding(settings["padding"], weight.shape[1:], settings["stride"],
                                             settings["dilation"])
    padded = ref.pad(x, steps.pads, settings["padding_mode"])
    shifted = tuple(p + before for p, (before, _) in zip(steps.positions, steps.pads))
    np.testing.assert_array_equal(steps.values, padded[(slice(None), *shifted)])
    outside = np.zeros(steps.padded.shape, bool)
    for p, size in zip(steps.positions, x.shape[1:]):
        outside |= (p < 0) | (p >= size)
    np.testing.assert_array_equal(steps.padded, outside)


@FAST
@given(pool_cases(spatial=ONE_OR_THREE))
def test_max_pool_steps_are_the_engines_and_the_winner_holds_the_maximum(case):
    x, kw = case.xb[0, 0], case.kwargs
    engine, _, steps_of = POOL[x.ndim]
    steps = steps_of(x, kind="max", **kw)
    np.testing.assert_array_equal(steps.results, engine(x[None], **kw)[0])
    taps = tuple(np.moveaxis(steps.winner, -1, 0))
    out = np.indices(steps.results.shape)
    np.testing.assert_array_equal(steps.values[(*out, *taps)], steps.results)


@FAST
@given(pool_cases(spatial=ONE_OR_THREE, kind="avg"))
def test_avg_pool_steps_are_the_engines(case):
    x, kw = case.xb[0, 0], dict(case.kwargs)
    kw.pop("divisor_override")
    _, engine, steps_of = POOL[x.ndim]
    steps = steps_of(x, kind="avg", **kw)
    np.testing.assert_allclose(steps.results, engine(x[None], **kw)[0], rtol=1e-12)


# --- PyTorch --------------------------------------------------------------------------------------

def torch_one_channel(x: np.ndarray, weight: np.ndarray, bias: float, settings: dict) -> np.ndarray:
    """F.pad (any mode, any per-side amounts), then an unpadded PyTorch convolution."""
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    pads = ref.resolve_padding(settings["padding"], weight.shape[1:], settings["stride"], settings["dilation"])
    amounts = [a for pair in reversed(pads) for a in pair]
    mode = {"zeros": "constant"}.get(settings["padding_mode"], settings["padding_mode"])
    xt = functional.pad(torch.from_numpy(x)[None], amounts, mode=mode)
    conv = getattr(functional, f"conv{x.ndim - 1}d")
    out = conv(xt, torch.from_numpy(weight)[None], torch.tensor([bias], dtype=torch.float64),
               settings["stride"], 0, settings["dilation"])
    return out[0, 0].numpy()


@FAST
@given(conv_cases(spatial=ONE_OR_THREE), st.floats(-2, 2))
def test_step_sums_match_torch(case, bias):
    x, weight, settings = one_channel_out(case)
    steps = CONV[x.ndim - 1][1](x, weight, bias, **settings)
    np.testing.assert_allclose(steps.sums, torch_one_channel(x, weight, bias, settings), rtol=1e-10, atol=1e-12)


def test_a_long_dilated_causal_sequence_matches_torch():
    torch = pytest.importorskip("torch")
    x, w = random_array(5, (3, 200)), random_array(6, (3, 4))
    steps = conv1d_steps(x, w, padding=((9, 0),), dilation=3)
    expected = torch.nn.functional.conv1d(torch.nn.functional.pad(torch.from_numpy(x)[None], (9, 0)),
                                          torch.from_numpy(w)[None], dilation=3)
    np.testing.assert_allclose(steps.sums, expected[0, 0].numpy(), rtol=1e-10, atol=1e-12)


def test_3d_max_pool_steps_match_torch():
    torch = pytest.importorskip("torch")
    x = random_array(8, (5, 6, 4))
    steps = pool3d_steps(x, (2, 3, 2), stride=(2, 2, 1), padding=(1, 1, 0), dilation=(1, 1, 2), ceil_mode=True)
    expected = torch.nn.functional.max_pool3d(torch.from_numpy(x)[None], (2, 3, 2), (2, 2, 1), (1, 1, 0), (1, 1, 2),
                                              ceil_mode=True)
    np.testing.assert_array_equal(steps.results, expected[0].numpy())


# --- one message per rule -------------------------------------------------------------------------

def test_steps_refuse_wrong_shapes():
    with pytest.raises(ValueError, match=r"x must be \(L,\) or \(C, L\) with no empty axis, got shape \(1, 1, 4\)"):
        conv1d_steps(np.ones((1, 1, 4)), [1.0])
    with pytest.raises(ValueError, match=r"x must be \(D, H, W\) or \(C, D, H, W\) with no empty axis"):
        conv3d_steps(np.ones((4, 4)), np.ones((1, 1, 1)))
    with pytest.raises(ValueError, match=r"weight must be \(L,\) or \(C, L\) with no empty axis, got shape \(1, 0\)"):
        conv1d_steps([1.0, 2.0], [])


def test_steps_refuse_mismatched_channels_and_bad_weights():
    with pytest.raises(ValueError, match="weight has 2 channel slices but x has 5 channels"):
        conv1d_steps(np.ones((5, 8)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="weight must hold finite numbers; found inf at index"):
        conv3d_steps(np.ones((3, 3, 3)), np.full((2, 2, 2), np.inf))


def test_steps_refuse_a_kernel_longer_than_the_padded_sequence():
    with pytest.raises(ValueError, match=r"output size would be ⌊\(3 \+ 2·0 − 1·\(4 − 1\) − 1\) / 1⌋ \+ 1"):
        conv1d_steps([1.0, 2.0, 3.0], [1.0] * 4)


def test_steps_refuse_a_region_outside_the_output_or_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"region \(2, 9\) must lie inside the output, which is 8"):
        conv1d_steps(np.ones(10), np.ones(3), region=(2, 9))
    with pytest.raises(ValueError, match=r"region needs a start and a stop per axis \(6 numbers\), got \(0, 1\)"):
        conv3d_steps(np.ones((3, 3, 3)), np.ones((1, 1, 1)), region=(0, 1))


def test_pool_steps_refuse_several_channels():
    with pytest.raises(ValueError, match="pool1d_steps takes one channel, got 2"):
        pool1d_steps(np.ones((2, 5)), 2)
    with pytest.raises(ValueError, match="pool3d_steps takes one channel, got 3"):
        pool3d_steps(np.ones((3, 2, 2, 2)), 2)
