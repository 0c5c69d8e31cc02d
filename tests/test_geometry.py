"""Tests for convviz.geometry: settings resolved once, per axis, with one message per rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

import reference as ref
from convviz import conv_geometry, conv_output_size, pool_geometry
from strategies import FAST, conv_cases


def test_a_geometry_holds_one_value_per_axis():
    g = conv_geometry((32, 32, 8), (3, 3, 1), stride=(2, 2, 1), padding=1, dilation=1)
    assert g.ndim == 3 and g.stride == (2, 2, 1) and g.pads == ((1, 1), (1, 1), (1, 1))
    assert g.out == (16, 16, 10) and g.worked[0].value == 16 and g.span == (3, 3, 1)


def test_taps_are_where_each_window_reads():
    g = conv_geometry((6,), (2,), stride=2, dilation=3, padding=((1, 0),))
    assert g.taps()[0].tolist() == [[-1, 2], [1, 4]]


@FAST
@given(conv_cases())
def test_the_output_size_is_the_formulas(case):
    kw, kernel = case.kwargs, case.weight.shape[2:]
    g = conv_geometry(case.xb.shape[2:], kernel, kw["stride"], kw["padding"], kw["dilation"], kw["padding_mode"])
    assert g.out == conv_output_size(case.xb.shape[2:], kernel, kw["stride"], kw["padding"], kw["dilation"])
    assert g.pads == ref.resolve_padding(kw["padding"], kernel, kw["stride"], kw["dilation"])
    for taps, size, (before, after) in zip(g.taps(), g.size, g.pads):
        assert taps.min() == -before and taps.max() <= size - 1 + after


def test_pooling_keeps_its_own_padding_and_stride():
    g = pool_geometry((7, 7), 3, padding=1, ceil_mode=True)
    assert g.stride == (3, 3) and g.pads == ((1, 1), (1, 1)) and g.out == (3, 3) and g.padding_mode is None
    assert np.array_equal(g.taps()[0][-1], [5, 6, 7])


def test_conv_geometry_refuses_each_bad_setting():
    with pytest.raises(ValueError, match="stride must be at least 1, got 0"):
        conv_geometry((5,), (3,), stride=0)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        conv_geometry((5,), (3,), padding_mode="mirror")
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        conv_geometry((5,), (3,), stride=2, padding="same")
    with pytest.raises(ValueError, match=r"circular padding \(4\) must not exceed the input size \(3\)"):
        conv_geometry((3,), (2,), padding=4, padding_mode="circular")
    with pytest.raises(ValueError, match="the kernel spans 5 positions but the padded input has only 4"):
        conv_geometry((4,), (3,), dilation=2)


def test_pool_geometry_refuses_each_bad_setting():
    with pytest.raises(ValueError, match="kind must be 'max' or 'avg', got 'sum'"):
        pool_geometry((4,), 2, kind="sum")
    with pytest.raises(ValueError, match=r"average pooling has no dilation \(as in PyTorch\), got \(2,\)"):
        pool_geometry((4,), 2, dilation=2, kind="avg")
    with pytest.raises(ValueError, match="padding 2 is more than half the kernel size 2"):
        pool_geometry((4,), 2, padding=2)
