"""Tests for convviz.stack.export: code that rebuilds exactly the planner's shapes.

Both kinds of code are executed, with torch and with Keras 3 on its torch backend (both from
requirements-dev.txt, imported where used): each layer's output shape must be the planner's.
"""

from __future__ import annotations

import os
import sys
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convviz.stack.export import keras_code, pytorch_code
from convviz.stack.presets import PRESETS
from convviz.stack.layers import (
    Activation, Conv, ConvTranspose, DepthwiseConv, Flatten, Linear, Pointwise, Pool, plan,
)
from strategies import QUICK

os.environ.setdefault("KERAS_BACKEND", "torch")  # read once, when keras is first imported


@pytest.fixture(scope="module", autouse=True)
def forget_keras_afterwards():
    """Unlist Keras when this file is done: once `keras` is in `sys.modules`, Streamlit clears its
    session after every script run, a full garbage collection (about 0.25 s with torch loaded),
    and every AppTest file the same worker runs later would pay that on each run. The app never
    imports Keras; only this file does."""
    yield
    for name in [name for name in sys.modules if name == "keras" or name.startswith("keras.")]:
        del sys.modules[name]

SPECIAL = {  # padding and shape cases where the two frameworks differ
    "keras same at stride 2": ((3, 112, 112), [Conv(8, 3, stride=2, padding=((0, 1), (0, 1)))]),
    "symmetric at stride 2": ((3, 112, 112), [Conv(8, 3, stride=2, padding=1)]),
    "same, even kernel": ((2, 7, 9), [Conv(4, 4, padding="same")]),
    "full, dilated": ((1, 9, 9), [Conv(2, 3, padding="full", dilation=2)]),
    "uneven reflect": ((1, 9, 9), [Conv(2, 3, stride=2, padding=((1, 2), (0, 1)), padding_mode="reflect")]),
    "rectangular": ((3, 20, 31), [Conv(5, (3, 5), stride=(1, 2), padding=(1, 2), groups=1)]),
    "grouped": ((4, 10, 10), [Conv(6, 3, groups=2, bias=False)]),
    "ceil pool": ((8, 5, 7), [Pool(2, ceil_mode=True), Pool(3, stride=2, padding=1, mode="avg")]),
    "transposed": ((8, 7, 7), [ConvTranspose(4, 3, stride=2, padding=1, output_padding=1), Activation("sigmoid")]),
    "depthwise multiplier": ((3, 12, 12), [DepthwiseConv(3, 2, 1, out_channels=6), Pointwise(5), Activation("tanh")]),
    "head": ((2, 6, 6), [Conv(3, 3), Activation("leaky ReLU"), Flatten(), Linear(5, bias=False)]),
}
CASES = {**{name: (p.input_shape, list(p.layers)) for name, p in PRESETS.items()}, **SPECIAL}


def torch_shapes(code: str, input_shape):
    """Run `code`, then feed a zero input through its modules one at a time; return each output shape."""
    import torch

    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")       # padding="same" with an even kernel warns that it copies
        exec(code, namespace)
        module = namespace.get("model") or namespace.get("conv") or namespace.get("layer")
        x = torch.zeros(1, *input_shape)
        shapes = []
        for part in module if isinstance(module, torch.nn.Sequential) and "model" in namespace else [module]:
            x = part(x)
            shapes.append(tuple(x.shape[1:]))
    return shapes


@pytest.mark.parametrize("name", CASES)
def test_pytorch_code_builds_exactly_the_planned_shapes(name):
    shape, layers = CASES[name]
    assert torch_shapes(pytorch_code(shape, layers), shape) == [s.shape for s in plan(shape, layers)]


def keras_shapes(code: str) -> list[tuple[int, ...]]:
    """Run `code`, feed a zero input through its Keras layers one at a time, and return the output
    shape after each planned layer: the code line that ends one carries its shape as a comment (a
    layer may need a padding or cropping line before or after it)."""
    import keras

    assert keras.backend.backend() == "torch", f"Keras runs on {keras.backend.backend()}; KERAS_BACKEND must be torch"
    namespace: dict = {}
    exec(code.replace("print(", "result = ("), namespace)
    model = namespace.get("model") or namespace.get("conv") or namespace.get("layer")
    inside = [line.strip() for line in code.splitlines() if line.startswith("    ")]   # the Sequential's list
    ends = [" # " in line for line in inside if not line.startswith(("#", "keras.Input("))]
    assert len(ends) == len(model.layers)
    x = keras.ops.zeros((1, *model.input_shape[1:]))
    shapes = []
    for layer, ends_a_planned_layer in zip(model.layers, ends):
        x = layer(x)
        if ends_a_planned_layer:
            shapes.append(tuple(x.shape[1:]))
    assert tuple(namespace["result"]) == (1, *shapes[-1])
    return shapes


def channels_last(shape: tuple[int, ...]) -> tuple[int, ...]:
    return shape if len(shape) == 1 else (*shape[1:], shape[0])


@pytest.mark.parametrize("name", CASES)
def test_keras_code_builds_exactly_the_planned_shapes(name):
    shape, layers = CASES[name]
    assert keras_shapes(keras_code(shape, layers)) == [channels_last(s.shape) for s in plan(shape, layers)]


layer = st.one_of(
    st.builds(Conv, st.integers(1, 4), st.integers(1, 4), st.integers(1, 2),
              st.one_of(st.integers(0, 2), st.sampled_from(["valid", "full", ((0, 1), (0, 1)), ((2, 1), (2, 1))])),
              st.integers(1, 2)),
    st.builds(Pool, st.integers(1, 3), st.sampled_from([None, 1, 2]), st.just(0), st.booleans(),
              st.sampled_from(["max", "avg"])),
    st.builds(DepthwiseConv, st.integers(1, 3), st.integers(1, 2), st.integers(0, 1)),
    st.builds(ConvTranspose, st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(0, 1)),
    st.builds(Activation, st.sampled_from(["ReLU", "tanh"])),
)


@QUICK
@given(st.integers(1, 3), st.integers(6, 16), st.integers(6, 16), st.lists(layer, min_size=1, max_size=3))
def test_random_stacks_export_with_the_planned_shapes(c, h, w, layers):
    steps = plan((c, h, w), layers)
    if any(s.error for s in steps):
        with pytest.raises(ValueError, match="cannot become code"):
            pytorch_code((c, h, w), layers)
        return
    assert torch_shapes(pytorch_code((c, h, w), layers), (c, h, w)) == [s.shape for s in steps]
    code = keras_code((c, h, w), layers)
    if "Keras refuses strides > 1 together with dilation_rate > 1" in code:
        with pytest.raises(ValueError, match="not supported in conjunction with `dilation_rate > 1`"):
            keras_shapes(code)
    else:
        assert keras_shapes(code) == [channels_last(s.shape) for s in steps]


# --- how padding is written ---------------------------------------------------------------------

def test_uneven_padding_becomes_an_explicit_pad_in_pytorch_and_same_in_keras():
    shape, layers = SPECIAL["keras same at stride 2"]
    assert "nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(3, 8, kernel_size=3, stride=2))" in pytorch_code(
        shape, layers)
    assert 'layers.Conv2D(8, 3, strides=2, padding="same")' in keras_code(shape, layers)


def test_symmetric_padding_at_stride_2_is_not_keras_same():
    shape, layers = SPECIAL["symmetric at stride 2"]
    assert "nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)" in pytorch_code(shape, layers)
    code = keras_code(shape, layers)
    assert "layers.ZeroPadding2D(((1, 1), (1, 1)))" in code and 'padding="same"' not in code


def test_same_at_stride_1_is_same_in_both():
    shape, layers = SPECIAL["same, even kernel"]
    assert 'padding="same"' in pytorch_code(shape, layers) and 'padding="same"' in keras_code(shape, layers)


def test_padding_modes_are_kept_or_explained():
    reflect = Conv(1, 3, padding=1, padding_mode="reflect")
    assert 'padding=1, padding_mode="reflect"' in pytorch_code((1, 8, 8), [reflect])
    shape, layers = SPECIAL["uneven reflect"]
    assert "nn.ReflectionPad2d((0, 1, 1, 2))" in pytorch_code(shape, layers)
    assert "# Keras pads with zeros only" in keras_code(shape, layers)


def test_one_layer_is_written_as_one_module():
    code = pytorch_code((3, 64, 64), [Conv(8, 3, stride=2, padding=1)])
    assert "conv = nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)" in code
    assert code.endswith("# torch.Size([1, 8, 32, 32])")
    assert "conv = keras.Sequential([" in keras_code((3, 64, 64), [Conv(8, 3, stride=2, padding=1)])


def test_code_for_an_impossible_or_empty_stack_is_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"layer 1 \(conv\) cannot become code: output size .* kernel spans 5"):
        pytorch_code((1, 8, 8), [Conv(1, 5), Conv(1, 5)])
    with pytest.raises(ValueError, match="the stack is empty"):
        keras_code((1, 8, 8), [])
