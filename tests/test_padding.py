"""Tests for convviz.padding: what each padding mode shows, against the definitions and PyTorch."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference as ref
from convviz import pad, source_index
from strategies import FAST, random_array

ABCD = np.array([1, 2, 3, 4])
PICTURES = [  # ABCD padded by 2 on each side, in every padding mode
    ("zeros", [0, 0, 1, 2, 3, 4, 0, 0]),
    ("reflect", [3, 2, 1, 2, 3, 4, 3, 2]),
    ("replicate", [1, 1, 1, 2, 3, 4, 4, 4]),
    ("circular", [3, 4, 1, 2, 3, 4, 1, 2]),
]


@pytest.mark.parametrize("mode, shown", PICTURES)
def test_the_picture_of_each_mode(mode, shown):
    np.testing.assert_array_equal(pad(ABCD, ((2, 2),), mode), shown)
    np.testing.assert_array_equal(ref.pad(ABCD, ((2, 2),), mode), shown)


def test_source_index_marks_zeros_with_minus_1():
    np.testing.assert_array_equal(source_index(np.arange(-2, 6), 4, "zeros"), [-1, -1, 0, 1, 2, 3, -1, -1])


def test_padding_keeps_the_dtype_and_pads_only_the_last_axes():
    out = pad(np.arange(6).reshape(2, 3), ((1, 0),), "zeros")
    assert out.dtype == np.arange(6).dtype
    np.testing.assert_array_equal(out, [[0, 0, 1, 2], [0, 3, 4, 5]])
    assert pad(np.ones((2, 3, 4), np.float32), ((1, 2), (0, 3)), "reflect").dtype == np.float32
    np.testing.assert_array_equal(pad(np.array([[1, 2], [3, 4]]), ((1, 0), (0, 1)), "replicate"),
                                  [[1, 2, 2], [1, 2, 2], [3, 4, 4]])


@st.composite
def padded_axes(draw):
    mode = draw(st.sampled_from(ref.PADDING_MODES))
    sizes = [draw(st.integers(1, 6)) for _ in range(draw(st.integers(1, 3)))]
    most = {"zeros": 4, "replicate": 4, "reflect": -1, "circular": 0}
    pads = tuple((draw(st.integers(0, n + most[mode])), draw(st.integers(0, n + most[mode]))) for n in sizes)
    return mode, sizes, pads


@FAST
@given(padded_axes())
def test_source_index_follows_the_definitions(setting):
    mode, sizes, pads = setting
    for n, (before, after) in zip(sizes, pads):
        expected = [ref.source(i, n, mode) for i in range(-before, n + after)]
        got = source_index(np.arange(-before, n + after), n, mode)
        np.testing.assert_array_equal(got, [-1 if e is None else e for e in expected])


@FAST
@given(padded_axes(), st.integers(0, 2**32 - 1))
def test_pad_matches_the_reference(setting, seed):
    mode, sizes, pads = setting
    x = random_array(seed, (2, *sizes))
    np.testing.assert_array_equal(pad(x, pads, mode), ref.pad(x, pads, mode))


@FAST
@given(padded_axes(), st.integers(0, 2**32 - 1))
def test_pad_matches_torch(setting, seed):
    import torch
    mode, sizes, pads = setting
    x = random_array(seed, (1, 2, *sizes))
    amounts = [amount for pair in reversed(pads) for amount in pair]  # F.pad lists the last axis first
    expected = torch.nn.functional.pad(torch.from_numpy(x), amounts, mode={"zeros": "constant"}.get(mode, mode))
    np.testing.assert_array_equal(pad(x, pads, mode), expected.numpy())


@pytest.mark.parametrize("pads, mode, match", [
    (((3, 0),), "reflect", re.escape(
        "reflect padding (3) must be smaller than the input size (3) along axis 0: "
        "a mirror without the edge has only 2 positions to show")),
    (((0, 4),), "circular", re.escape(
        "circular padding (4) must not exceed the input size (3) along axis 0: it would wrap around more than once")),
    (((1, 1),), "mirror", "padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'"),
])
def test_impossible_padding_raises_value_error(pads, mode, match):
    with pytest.raises(ValueError, match=match):
        pad(np.ones(3), pads, mode)


def test_source_index_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="unknown padding_mode 'mirror'"):
        source_index(np.arange(3), 3, "mirror")
