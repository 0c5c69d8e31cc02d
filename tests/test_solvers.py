"""Tests for convviz.solvers: the output-size formula for any operation, and run backwards."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convviz import conv_output_size, pool_output_size
from convviz.solvers import OPERATIONS, explain_output_size, input_sizes, output_size, same_padding
from strategies import FAST


# --- what padding keeps the size --------------------------------------------------------------

@pytest.mark.parametrize("size, kernel, stride, dilation, before, after, output", [
    (32, 5, 1, 1, 2, 2, 32),
    (28, 3, 1, 2, 2, 2, 28),        # a dilated 3×3 spans 5
    (7, 4, 1, 1, 1, 2, 7),          # even kernel: the extra pixel goes after, as in PyTorch and Keras
    (112, 3, 2, 1, 0, 1, 56),       # Keras "same" at stride 2: uneven
    (224, 7, 2, 1, 2, 3, 112),      # ResNet's first layer in Keras
    (227, 11, 4, 1, 4, 4, 57),      # 56·4 + 11 = 235 = 227 + 8
    (8, 1, 3, 1, 0, 0, 3),          # nothing to add: the windows already reach ⌈8/3⌉
])
def test_same_padding_by_hand(size, kernel, stride, dilation, before, after, output):
    p = same_padding(size, kernel, stride, dilation)
    assert (p.before, p.after, p.output) == (before, after, output)
    assert ("Uneven" in p.text) == (before != after)


@FAST
@given(st.integers(1, 80), st.integers(1, 7), st.integers(1, 4), st.integers(1, 3))
def test_same_padding_gives_ceil_size_over_stride(size, kernel, stride, dilation):
    p = same_padding(size, kernel, stride, dilation)
    assert 0 <= p.after - p.before <= 1
    assert conv_output_size((size,), kernel, stride, ((p.before, p.after),), dilation) == (math.ceil(size / stride),)


def test_same_padding_refuses_bad_numbers():
    with pytest.raises(ValueError, match="stride must be at least 1, got 0"):
        same_padding(8, 3, stride=0)


# --- which input sizes give this output -------------------------------------------------------

def test_input_sizes_by_hand():
    assert input_sizes(16, kernel_size=5, stride=2, padding=2) == range(31, 33)
    assert input_sizes(28, kernel_size=5) == range(32, 33)
    assert input_sizes(55, kernel_size=11, stride=4) == range(227, 231)
    assert input_sizes(3, "pooling", kernel_size=2, stride=2, ceil_mode=True) == range(5, 7)
    assert input_sizes(32, "transposed", kernel_size=2, stride=2) == range(16, 17)
    assert input_sizes(7, "transposed", kernel_size=3, stride=2, padding=1) == range(4, 5)
    assert input_sizes(8, "transposed", kernel_size=3, stride=2, padding=1) == range(0)   # needs output_padding
    assert input_sizes(6, "transposed", kernel_size=5, padding=15) == range(32, 33)     # crops 30: far above 6


def test_input_sizes_explains_settings_no_size_can_use():
    with pytest.raises(ValueError, match="no input size works: padding 2 is more than half the kernel size 3"):
        input_sizes(4, "pooling", kernel_size=3, padding=2)
    with pytest.raises(ValueError, match="operation must be one of convolution, pooling, transposed"):
        input_sizes(4, "dilation")


@FAST
@given(st.sampled_from(OPERATIONS), st.integers(1, 20), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2),
       st.integers(1, 2), st.booleans(), st.integers(0, 3))
def test_input_sizes_are_exactly_those_that_give_the_output(op, out, kernel, stride, padding, dilation, ceil, extra):
    padding = min(padding, kernel // 2) if op == "pooling" else padding
    output_padding = min(extra, max(stride, dilation) - 1)
    args = (kernel, stride, padding, dilation, ceil, output_padding)

    def forward(n: int) -> int | None:
        try:
            return output_size(op, n, *args)
        except ValueError:
            return None

    found = input_sizes(out, op, *args)
    assert all(forward(n) == out for n in found)
    assert [n for n in range(1, 200) if forward(n) == out] == list(found)


@FAST
@given(st.sampled_from(OPERATIONS), st.integers(1, 300), st.integers(1, 8), st.integers(1, 4), st.integers(0, 64),
       st.integers(1, 4), st.booleans(), st.integers(0, 3))
def test_an_input_that_works_is_among_the_sizes_for_its_output(op, size, kernel, stride, padding, dilation, ceil,
                                                               extra):
    """Padding up to the calculator's 64, also where it dwarfs the kernel and the output."""
    args = (kernel, stride, padding, dilation, ceil, min(extra, max(stride, dilation) - 1))
    try:
        out = output_size(op, size, *args)
    except ValueError:
        return
    assert size in input_sizes(out, op, *args)


# --- one call for any operation ---------------------------------------------------------------

def test_explain_and_output_size_dispatch_to_the_engine():
    assert output_size("pooling", (5, 6), 2, ceil_mode=True) == pool_output_size((5, 6), 2, 2, ceil_mode=True)
    assert output_size("transposed", 4, 4, 2, 1) == 8
    assert [w.value for w in explain_output_size("convolution", (32, 9), 5)] == [28, 5]
    with pytest.raises(ValueError, match="output size would be"):
        output_size("convolution", 3, 5)
    with pytest.raises(ValueError, match="operation must be one of"):
        explain_output_size("unpool", 3, 2)
