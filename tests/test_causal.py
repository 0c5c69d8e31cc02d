"""Tests for convviz.causal: causal padding reads no future input; a dilated stack's receptive field."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz import conv1d, receptive_field
from convviz.causal import MAX_LAYERS, MAX_LENGTH, causal_padding, dilated_stack
from strategies import random_array


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.integers(0, 19))
def test_a_causal_output_never_changes_when_the_future_does(k, d, t):
    x = random_array(t, (1, 20))
    w = random_array(1, (1, 1, k))
    pads = causal_padding(k, d)
    y = conv1d(x, w, padding=pads, dilation=d)[0]
    later = x.copy()
    later[0, t + 1:] += 100.0
    assert y.shape == (20,)
    np.testing.assert_allclose(conv1d(later, w, padding=pads, dilation=d)[0][:t + 1], y[:t + 1])


def test_causal_padding_is_all_on_the_left():
    assert causal_padding(2) == ((1, 0),) and causal_padding(3, dilation=4) == ((8, 0),)
    with pytest.raises(ValueError, match="dilation must be at least 1"):
        causal_padding(3, dilation=0)


def test_the_wavenet_stack_sees_sixteen_inputs_with_kernel_two():
    s = dilated_stack(32, 2, (1, 2, 4, 8))
    assert s.fields == (2, 4, 8, 16) and s.output == 31
    assert [r.size for r in s.reads] == [16, 8, 4, 2, 1]
    assert s.reads[0].tolist() == list(range(16, 32))
    assert [len(e) for e in s.edges] == [16, 8, 4, 2]


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 4), st.lists(st.integers(1, 8), min_size=1, max_size=5), st.integers(0, 63))
def test_what_an_output_reads_is_its_receptive_field(k, dilations, output):
    s = dilated_stack(64, k, dilations, output)
    fields = [f.size for f in receptive_field([{"kernel_size": k, "dilation": d} for d in dilations])]
    assert list(s.fields) == fields
    assert s.reads[0].max() == output and s.reads[0].min() == output - fields[-1] + 1
    if all(d == 2 ** i for i, d in enumerate(dilations)) and k == 2:
        assert s.reads[0].size == fields[-1]      # doubling dilations leave no gaps


def test_an_early_output_reads_the_causal_padding():
    s = dilated_stack(8, 3, (1, 2), output=1)
    assert s.reads[0].min() == 1 - 2 * (1 + 2) and (s.reads[0] < 0).any()


def test_the_stack_refuses_what_it_cannot_draw():
    with pytest.raises(ValueError, match=f"length must be at most {MAX_LENGTH}"):
        dilated_stack(MAX_LENGTH + 1)
    with pytest.raises(ValueError, match=f"a stack needs 1 to {MAX_LAYERS} layers, got 0"):
        dilated_stack(16, 2, ())
    with pytest.raises(ValueError, match="kernel_size must be at least 2"):
        dilated_stack(16, 1)
    with pytest.raises(ValueError, match=r"output 16 is outside the sequence \(0 to 15\)"):
        dilated_stack(16, 2, (1, 2), output=16)
