"""Tests for convviz.arithmetic and the padding/kernel helpers it uses: sizes, fields and counts."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convviz import (
    Field, conv_mac_count, conv_output_size, conv_parameter_count, conv_transpose_output_size,
    effective_kernel_size, explain_conv_output_size, explain_conv_transpose_output_size, explain_pool_output_size,
    padding_per_side, pool_output_size, receptive_field,
)
from strategies import FAST

SIZE, KERNEL, STRIDE, DILATION = st.integers(1, 30), st.integers(1, 6), st.integers(1, 4), st.integers(1, 3)


def count_windows(padded: int, span: int, stride: int) -> int:
    """Slide the window one stride at a time and count the positions where it fits."""
    count, start = 0, 0
    while start + span <= padded:
        count, start = count + 1, start + stride
    return count


# --- output sizes ----------------------------------------------------------------------------

def test_sizes_from_the_tutorials():
    assert conv_output_size(32, 5) == 28
    assert conv_output_size((32, 32), 5, stride=2, padding=2) == (16, 16)
    assert conv_output_size(5, 3, stride=2, padding=1) == 3
    assert conv_output_size((7, 6), 3, padding="same") == (7, 6)
    assert conv_output_size(5, 3, padding="full") == 7
    assert pool_output_size(32, 2) == 16
    assert pool_output_size(5, 2, ceil_mode=True) == 3
    assert conv_transpose_output_size(16, 2, stride=2) == 32
    assert conv_transpose_output_size((3, 4), 3, stride=2, padding=1, output_padding=1) == (6, 8)


@FAST
@given(SIZE, KERNEL, STRIDE, st.integers(0, 3), st.integers(0, 3), DILATION)
def test_conv_output_size_counts_the_window_positions(size, kernel, stride, before, after, dilation):
    windows = count_windows(size + before + after, dilation * (kernel - 1) + 1, stride)
    padding = ((before, after),)
    if windows == 0:
        with pytest.raises(ValueError, match="output size would be"):
            conv_output_size((size,), kernel, stride, padding, dilation)
    else:
        assert conv_output_size((size,), kernel, stride, padding, dilation) == (windows,)
        assert explain_conv_output_size((size,), kernel, stride, padding, dilation)[0].value == windows


@FAST
@given(SIZE, KERNEL, STRIDE, st.integers(0, 3), DILATION, st.booleans())
def test_pool_output_size_counts_the_window_positions(size, kernel, stride, padding, dilation, ceil_mode):
    span, padded = dilation * (kernel - 1) + 1, size + 2 * padding
    if ceil_mode:
        # a window may hang over the end by less than a stride, but must start before the right padding
        windows = len([s for s in range(0, padded, stride) if s + span < padded + stride and s < size + padding])
    else:
        windows = count_windows(padded, span, stride)
    if padding > kernel // 2 or windows == 0:
        with pytest.raises(ValueError, match="output size would be"):
            pool_output_size(size, kernel, stride, padding, dilation, ceil_mode)
    else:
        assert pool_output_size(size, kernel, stride, padding, dilation, ceil_mode) == windows


@FAST
@given(SIZE, KERNEL, STRIDE, st.integers(0, 3), DILATION)
def test_transposed_size_is_the_span_of_the_stamps(size, kernel, stride, padding, dilation):
    last = max(i * stride + t * dilation for i in range(size) for t in range(kernel))
    expected = last + 1 - 2 * padding
    if expected < 1:
        with pytest.raises(ValueError, match="removes more than"):
            conv_transpose_output_size(size, kernel, stride, padding, dilation=dilation)
    else:
        assert conv_transpose_output_size(size, kernel, stride, padding, dilation=dilation) == expected


@FAST
@given(SIZE, KERNEL, STRIDE, st.integers(0, 3), DILATION)
def test_a_transposed_convolution_undoes_the_size_change_given_the_right_output_padding(
        size, kernel, stride, padding, dilation):
    try:
        out = conv_output_size(size, kernel, stride, padding, dilation)
    except ValueError:
        return
    extra = (size + 2 * padding - dilation * (kernel - 1) - 1) % stride
    assert conv_transpose_output_size(out, kernel, stride, padding, extra, dilation) == size


def test_an_int_gives_an_int_and_a_tuple_a_tuple():
    assert isinstance(conv_output_size(10, 3), int)
    assert conv_output_size((10,), 3) == (8,)
    assert conv_output_size(np.array([10, 12]), 3) == (8, 10)
    assert len(explain_pool_output_size((8, 9, 10), 2)) == 3
    assert [w.value for w in explain_conv_transpose_output_size((2, 3), (2, 3), stride=2)] == [4, 7]


@pytest.mark.parametrize("call, match", [
    (lambda: conv_output_size(5, 7), re.escape("output size would be ⌊(5 + 2·0 − 1·(7 − 1) − 1) / 1⌋ + 1 = ")),
    (lambda: conv_output_size((9, 5), 7), "output size along axis 1 would be"),
    (lambda: conv_output_size(0, 3), "size must be at least 1, got 0"),
    (lambda: conv_output_size(5, 3, stride=0), "stride must be at least 1, got 0"),
    (lambda: conv_output_size(5, 3, padding="same", stride=2), "padding='same' needs stride 1"),
    (lambda: pool_output_size(4, 3, padding=2), "padding 2 is more than half the kernel size 3"),
    (lambda: conv_transpose_output_size(3, 3, output_padding=1), re.escape("output_padding (1) must be smaller")),
    (lambda: conv_transpose_output_size(3, 3, padding="same"), "padding for a transposed convolution"),
])
def test_impossible_sizes_raise_value_error_with_the_formula(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_sizes_must_be_whole_numbers():
    with pytest.raises(TypeError, match="size must be a whole number"):
        conv_output_size(5.0, 3)
    with pytest.raises(TypeError, match="kernel_size must be a whole number"):
        pool_output_size(5, "3")


# --- receptive fields ------------------------------------------------------------------------

def test_three_3_by_3_convolutions_see_7_by_7():
    assert [f.size for f in receptive_field([{"kernel_size": 3}] * 3)] == [3, 5, 7]


def test_conv_pool_conv_by_hand():
    # conv 3×3 (pad 1): 3 wide; pool 2 stride 2 adds 1 and doubles the jump: 4; conv 3×3 adds 2·2: 8
    layers = [{"kernel_size": 3, "padding": 1}, {"kernel_size": 2, "stride": 2}, {"kernel_size": 3, "padding": 1}]
    assert receptive_field(layers) == [Field(3, 1, -1), Field(4, 2, -1), Field(8, 2, -3)]


def _inputs_seen(layers, unit: int) -> list[int]:
    """Input positions output `unit` depends on, following every tap down through the stack."""
    positions = {unit}
    for layer in reversed(layers):
        k, s, d, p = (layer.get(key, default) for key, default in
                      (("kernel_size", 1), ("stride", 1), ("dilation", 1), ("padding", 0)))
        positions = {u * s - p + t * d for u in positions for t in range(k)}
    return sorted(positions)


layer_strategy = st.fixed_dictionaries({"kernel_size": st.integers(1, 4)}, optional={
    "stride": st.integers(1, 3), "dilation": st.integers(1, 3), "padding": st.integers(0, 2)})


@FAST
@given(st.lists(layer_strategy, min_size=1, max_size=4))
def test_receptive_field_matches_following_the_taps(layers):
    field = receptive_field(layers)[-1]
    first, second = _inputs_seen(layers, 0), _inputs_seen(layers, 1)
    assert (field.size, field.start, field.jump) == (first[-1] - first[0] + 1, first[0], second[0] - first[0])


def test_receptive_field_refuses_unknown_layers():
    with pytest.raises(ValueError, match=re.escape("layer 0 has unknown keys ['size']")):
        receptive_field([{"kernel_size": 3, "size": 2}])
    with pytest.raises(ValueError, match="layer 1 needs a kernel_size"):
        receptive_field([{"kernel_size": 3}, {"stride": 2}])


# --- parameter and multiply–accumulate counts ------------------------------------------------

def test_lenet_conv1_has_156_parameters():
    assert conv_parameter_count(1, 6, 5) == 6 * 25 + 6 == 156
    assert conv_parameter_count(1, 6, 5, bias=False) == 150
    assert conv_parameter_count(3, 8, 3, spatial_dims=3) == 8 * 3 * 27 + 8
    assert conv_parameter_count(4, 6, (3, 5), groups=2) == 6 * 2 * 15 + 6


def test_a_depthwise_separable_layer_costs_1_over_c_out_plus_1_over_k_squared_of_a_standard_one():
    standard = conv_parameter_count(64, 128, 3, bias=False)
    separable = conv_parameter_count(64, 64, 3, groups=64, bias=False) + conv_parameter_count(64, 128, 1, bias=False)
    assert (standard, separable) == (73_728, 576 + 8_192)
    assert separable / standard == pytest.approx(1 / 128 + 1 / 9)
    macs = conv_mac_count(64, 64, 3, (56, 56), groups=64) + conv_mac_count(64, 128, 1, (56, 56))
    assert conv_mac_count(64, 128, 3, (56, 56)) == 73_728 * 56 * 56
    assert macs / conv_mac_count(64, 128, 3, (56, 56)) == pytest.approx(1 / 128 + 1 / 9)


def test_counts_refuse_channels_that_do_not_split_into_groups():
    with pytest.raises(ValueError, match=re.escape("in_channels (3) must be divisible by groups (2)")):
        conv_parameter_count(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="groups must be at least 1, got 0"):
        conv_mac_count(3, 3, 3, (4, 4), groups=0)


# --- kernel spans and padding spellings ------------------------------------------------------

def test_effective_kernel_size():
    assert effective_kernel_size(3) == 3
    assert effective_kernel_size(3, dilation=2) == 5
    assert effective_kernel_size((3, 5), dilation=(1, 2)) == (3, 9)
    with pytest.raises(ValueError, match="dilation must be at least 1"):
        effective_kernel_size(3, dilation=0)


@pytest.mark.parametrize("padding, kernel, stride, dilation, expected", [
    (1, (3, 3), 1, 1, ((1, 1), (1, 1))),
    ((1, 2), (3, 3), 1, 1, ((1, 1), (2, 2))),
    (np.array([0, 2]), (3, 3), 1, 1, ((0, 0), (2, 2))),
    (((0, 1), (2, 3)), (2, 2), 1, 1, ((0, 1), (2, 3))),
    ([[0, 1], [2, 3]], (2, 2), 1, 1, ((0, 1), (2, 3))),
    ("valid", (3, 3), 2, 1, ((0, 0), (0, 0))),
    ("same", (3, 4), 1, 1, ((1, 1), (1, 2))),
    ("SAME", (5,), 1, 2, ((4, 4),)),
    ("same", (2, 2), 1, (1, 2), ((0, 1), (1, 1))),
    ("full", 3, 4, 2, ((4, 4),)),
    ("full", (2, 3), 1, 1, ((1, 1), (2, 2))),
])
def test_every_padding_spelling(padding, kernel, stride, dilation, expected):
    assert padding_per_side(padding, kernel, stride, dilation) == expected


@pytest.mark.parametrize("padding, match", [
    (-1, "padding cannot be negative"),
    (((0, 1), (0, -2)), "padding cannot be negative"),
    ("half", "got 'half'"),
    (((0, 1),), re.escape("padding needs one (before, after) pair per spatial axis (2)")),
    (((0, 1, 2), (0, 1)), "padding needs one value or 2"),
    ((1, 2, 3), "padding needs one value or 2"),
])
def test_bad_padding_spellings(padding, match):
    with pytest.raises(ValueError, match=match):
        padding_per_side(padding, (3, 3))


def test_same_padding_needs_stride_1():
    with pytest.raises(ValueError, match=re.escape("padding='same' needs stride 1 on every axis")):
        padding_per_side("same", (3, 3), stride=(1, 2))
