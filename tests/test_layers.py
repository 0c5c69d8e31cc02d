"""Tests for convviz.stack.layers: the layer-stack planner, checked by hand and against slow references."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convviz import conv_output_size, pool_output_size
from convviz.stack.presets import PRESETS
from convviz.stack.layers import (
    KINDS, Activation, Conv, ConvTranspose, DepthwiseConv, Flatten, Linear, Pointwise, Pool,
    contributing_units, kind, plan, standard_equivalent, totals,
)
from strategies import FAST


def shapes(steps):
    return [s.shape for s in steps]


# --- the presets, checked by hand ------------------------------------------------------------

def test_lenet5_shapes_and_classic_parameter_counts():
    steps = plan((1, 32, 32), PRESETS["LeNet-5"].layers)
    assert shapes(steps) == [(6, 28, 28), (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 10, 10), (16, 5, 5),
                             (400,), (120,), (120,), (84,), (84,), (10,)]
    assert [s.parameters for s in steps if s.parameters] == [156, 2416, 48120, 10164, 850]
    assert totals(steps) == (61706, 6 * 25 * 28 * 28 + 16 * 6 * 25 * 10 * 10 + 400 * 120 + 120 * 84 + 84 * 10)
    assert not any(s.error for s in steps)


def test_alexnet_conv1_turns_227_into_55():
    steps = plan((3, 227, 227), PRESETS["AlexNet (first layers)"].layers)
    assert steps[0].shape == (96, 55, 55)                     # (227 − 11)/4 + 1
    assert steps[0].parameters == 96 * (3 * 11 * 11 + 1) == 34944
    assert steps[0].macs == 96 * 3 * 121 * 55 * 55
    assert [s.shape[1] for s in steps] == [55, 55, 27, 27, 27, 13, 13, 13]


def test_vgg_block_keeps_the_size_then_halves_it():
    steps = plan((3, 224, 224), PRESETS["VGG block"].layers)
    assert shapes(steps)[-1] == (64, 112, 112)
    assert [s.parameters for s in steps if s.parameters] == [1792, 36928]
    assert [s.fields[0].size for s in steps] == [3, 3, 5, 5, 6]    # two 3×3 see 5×5; the pool adds 1


def test_resnet_basic_block_keeps_its_shape_for_the_skip_connection():
    steps = plan((64, 56, 56), PRESETS["ResNet basic block"].layers)
    assert all(s.shape == (64, 56, 56) for s in steps)
    assert [s.parameters for s in steps if s.parameters] == [64 * 64 * 9] * 2      # no bias


def test_mobilenet_block_costs_one_over_c_out_plus_one_over_k_squared():
    preset = PRESETS["MobileNet block"]
    separable = plan(preset.input_shape, preset.layers)
    standard = plan(preset.input_shape, standard_equivalent(preset.layers))
    assert separable[-1].shape == standard[-1].shape == (64, 112, 112)
    (p_sep, m_sep), (p_std, m_std) = totals(separable), totals(standard)
    assert (p_sep, p_std) == (32 * 9 + 32 * 64, 64 * 32 * 9) == (2336, 18432)
    assert m_sep / m_std == pytest.approx(1 / 64 + 1 / 9)
    assert p_sep / p_std == pytest.approx(1 / 64 + 1 / 9)


# --- receptive fields --------------------------------------------------------------------------

def test_receptive_fields_of_a_known_stack():
    steps = plan((1, 64, 64), [Conv(8, 3), Conv(8, 3, stride=2), Pool(2), Conv(8, 3, dilation=2)])
    assert [(s.fields[0].size, s.fields[0].jump) for s in steps] == [(3, 1), (5, 2), (7, 4), (23, 4)]


def test_padding_moves_the_field_start_but_not_its_size():
    steps = plan((1, 8, 8), [Conv(1, 3, padding=1), Conv(1, 3, padding=1)])
    assert steps[-1].fields[0].size == 5 and steps[-1].fields[0].start == -2


def test_activations_keep_the_field_and_flatten_ends_it():
    steps = plan((1, 8, 8), [Conv(1, 3), Activation("ReLU"), Flatten(), Linear(2)])
    assert steps[1].fields == steps[0].fields
    assert steps[2].fields is None and steps[3].fields is None


def test_transposed_convolution_shape_and_counts():
    step = plan((8, 16, 16), [ConvTranspose(4, 2, stride=2)])[0]
    assert step.shape == (4, 32, 32)
    assert step.parameters == 8 * 4 * 4 + 4
    assert step.macs == 8 * 4 * 4 * 16 * 16          # every input value meets every weight once
    assert step.fields is None


def backward(windows, sizes, unit):
    """Slow reference: walk every tap of every window down to the input, one position at a time.

    With `sizes`, positions in a layer's padding are dropped on the way (they have no units).
    """
    positions = [unit]
    for (k, s, d, before), size in zip(reversed(windows), reversed(sizes)):
        positions = [p * s - before + t * d for p in positions for t in range(k)]
        positions = [p for p in positions if size is None or 0 <= p < size]
    return set(positions)


@FAST
@given(st.lists(st.tuples(st.sampled_from(["conv", "pool"]), st.integers(1, 4), st.integers(1, 3),
                          st.integers(0, 2), st.integers(1, 2)), min_size=1, max_size=4), st.data())
def test_fields_and_contributing_units_match_a_slow_reference(specs, data):
    layers = [Conv(1, k, s, p, d) if name == "conv" else Pool(k, s, min(p, k // 2)) for name, k, s, p, d in specs]
    steps = plan((1, 40, 40), layers)
    good = [i for i, step in enumerate(steps) if step.windows]
    if not good or len(good) < len(steps):
        return
    last = steps[-1]
    unit = data.draw(st.integers(0, last.shape[1] - 1))
    windows = [step.windows[0] for step in steps]
    seen = backward(windows, [None] * len(steps), unit)
    f = last.fields[0]
    assert (min(seen), max(seen)) == (f.start + unit * f.jump, f.start + unit * f.jump + f.size - 1)
    sizes = [40] + [step.shape[1] for step in steps[:-1]]
    assert contributing_units((1, 40, 40), steps, len(steps) - 1, (unit, unit))[0][0] == tuple(
        sorted(backward(windows, sizes, unit)))


def test_contributing_units_by_hand_and_refusal():
    steps = plan((1, 8, 8), [Conv(1, 3), Pool(2), Flatten()])
    assert contributing_units((1, 8, 8), steps, 1, (2, 0)) == [
        ((4, 5, 6, 7), (0, 1, 2, 3)), ((4, 5), (0, 1)), ((2,), (0,))]
    with pytest.raises(ValueError, match="layer 2 has no receptive field"):
        contributing_units((1, 8, 8), steps, 2, (0, 0))


def test_contributing_units_cost_follows_the_units_not_the_layer_sizes():
    """A link can pad a layer to millions of positions; one unit still sees only a few."""
    steps = plan((1, 32, 32), [Conv(1, 3, padding=10_000_000), Conv(1, 3)])
    start = time.perf_counter()
    assert contributing_units((1, 32, 32), steps, 1, (0, 0)) == [((), ()), ((0, 1, 2), (0, 1, 2)), ((0,), (0,))]
    assert time.perf_counter() - start < 1


# --- agreement with the engine -----------------------------------------------------------------

@FAST
@given(st.integers(1, 40), st.integers(1, 40), st.integers(1, 6), st.integers(1, 3), st.integers(0, 3),
       st.integers(1, 2), st.booleans())
def test_shapes_are_the_engine_formulas(h, w, k, s, p, d, ceil_mode):
    conv, pool = Conv(3, k, s, p, d), Pool(k, s, min(p, k // 2), ceil_mode)
    for layer, formula in ((conv, lambda: conv_output_size((h, w), k, s, p, d)),
                           (pool, lambda: pool_output_size((h, w), k, s, min(p, k // 2), 1, ceil_mode))):
        step = plan((2, h, w), [layer])[0]
        try:
            expected = formula()
        except ValueError as exc:
            assert step.error == str(exc) and step.shape is None
        else:
            assert step.shape[1:] == expected and not step.error


def test_every_kind_has_a_name_and_a_blank():
    for name, blank in KINDS.items():
        assert kind(blank) == name


# --- impossible layers: one message on their row, the rest unknown -----------------------------

def test_impossible_layer_has_the_engine_message_and_later_rows_are_unknown():
    steps = plan((1, 8, 8), [Conv(4, 5), Conv(4, 5), Activation(), Linear(3)])
    assert steps[0].shape == (4, 4, 4)
    assert "the kernel spans 5 positions but the padded input has only 4" in steps[1].error
    assert steps[1].shape is None
    assert all(s.shape is None and s.error == "" for s in steps[2:])


@pytest.mark.parametrize("layers, words", [
    ([Linear(10)], "add a flatten layer first (it gives 64 numbers)"),
    ([Flatten(), Conv(2, 3)], "the data is already flat (64 numbers)"),
    ([Conv(None, 3)], "a conv needs out_channels"),
    ([Conv(0, 3)], "out_channels must be at least 1, got 0"),
    ([DepthwiseConv(3, out_channels=5)], "out_channels (5) must be divisible by groups (4)"),
    ([Activation("swish")], "unknown activation 'swish'"),
    ([Conv(2, 3, stride=2, padding="same")], "padding='same' needs stride 1"),
    ([Pool(3, padding=2)], "padding 2 is more than half the kernel size 3"),
    ([ConvTranspose(2, 3, stride=1, output_padding=1)], "output_padding (1) must be smaller than the stride"),
    ([Conv(2, "3")], "kernel_size must be a whole number"),
])
def test_each_rule_is_explained_on_its_row(layers, words):
    steps = plan((4, 4, 4), layers)
    assert any(words in s.error for s in steps), [s.error for s in steps]


def test_bad_input_shape_is_refused():
    with pytest.raises(ValueError, match="input shape must be at least 1, got 0"):
        plan((1, 0, 8), [Conv(1, 3)])


# --- depthwise, pointwise, and the standard equivalent -----------------------------------------

def test_depthwise_and_pointwise_counts():
    steps = plan((16, 10, 10), [DepthwiseConv(3, padding=1, out_channels=32), Pointwise(8, bias=False)])
    assert steps[0].shape == (32, 10, 10) and steps[0].parameters == 32 * 9 + 32
    assert steps[1].shape == (8, 10, 10) and steps[1].parameters == 8 * 32
    assert steps[1].fields == steps[0].fields         # a 1×1 conv sees no further


def test_standard_equivalent_replaces_only_depthwise_then_pointwise():
    layers = (Conv(8, 3), DepthwiseConv(3, stride=2), Activation(), Pointwise(16), Pointwise(4))
    assert standard_equivalent(layers) == (Conv(8, 3), Conv(16, 3, stride=2), Pointwise(4))
    assert standard_equivalent(PRESETS["LeNet-5"].layers) == PRESETS["LeNet-5"].layers


def test_every_preset_plans_without_a_problem():
    for name, preset in PRESETS.items():
        steps = plan(preset.input_shape, preset.layers)
        assert not any(s.error for s in steps), name
        assert math.prod(steps[-1].shape) > 0 and preset.note
