"""A stack written down as PyTorch or Keras code that rebuilds it.

The code rebuilds exactly the shapes :func:`convviz.stack.layers.plan` shows. Padding is where the
two frameworks differ. PyTorch pads both sides of an axis equally (``padding=n``), or keeps the
size at stride 1 (``padding="same"``); anything else needs ``nn.ZeroPad2d((left, right, top,
bottom))`` first. Keras has only ``"valid"`` and ``"same"`` — and its ``"same"`` at stride 2 pads
unevenly, the extra pixel after — so other amounts become ``layers.ZeroPadding2D`` first.
Keras also puts channels last: ``(H, W, C)``.

Examples
--------
>>> from convviz.stack.layers import Conv
>>> print(pytorch_code((3, 112, 112), [Conv(32, 3, stride=2, padding=((0, 1), (0, 1)))]))
import torch
from torch import nn
<BLANKLINE>
conv = nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(3, 32, kernel_size=3, stride=2))
print(conv(torch.zeros(1, 3, 112, 112)).shape)  # torch.Size([1, 32, 56, 56])
>>> print(keras_code((3, 112, 112), [Conv(32, 3, stride=2, padding=((0, 1), (0, 1)))]))
import keras
from keras import layers
<BLANKLINE>
conv = keras.Sequential([
    keras.Input(shape=(112, 112, 3)),
    layers.Conv2D(32, 3, strides=2, padding="same"),  # 56×56×32
])
print(conv(keras.ops.zeros((1, 112, 112, 3))).shape)  # (1, 56, 56, 32)
"""

from __future__ import annotations

from collections.abc import Sequence

from ..arguments import padding_per_side, per_axis
from .layers import (
    Activation, Conv, ConvTranspose, DepthwiseConv, Flatten, Layer, Linear, Pointwise, Pool, Shape,
    as_conv, kind, plan,
)
from ..solvers import same_padding

TORCH_ACTIVATIONS = {
    "ReLU": "nn.ReLU()", "leaky ReLU": "nn.LeakyReLU()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()",
}
KERAS_ACTIVATIONS = {
    "ReLU": 'layers.Activation("relu")', "leaky ReLU": "layers.LeakyReLU(negative_slope=0.01)",
    "sigmoid": 'layers.Activation("sigmoid")', "tanh": 'layers.Activation("tanh")',
}
TORCH_PADS = {"zeros": "nn.ZeroPad2d", "reflect": "nn.ReflectionPad2d", "replicate": "nn.ReplicationPad2d",
              "circular": "nn.CircularPad2d"}
CONVS = (Conv, DepthwiseConv, Pointwise)


def _axes(values: Sequence[int]) -> int | tuple[int, ...]:
    """One number when every axis agrees (as both frameworks accept), else one per axis."""
    return values[0] if len(set(values)) == 1 else tuple(values)


def _call(name: str, *positional: object, **named: object) -> str:
    """``name(positional…, key=value…)``, leaving out named values that are None."""
    text = [*map(str, positional), *(f'{k}="{v}"' if isinstance(v, str) else f"{k}={v}"
                                     for k, v in named.items() if v is not None)]
    return f"{name}({', '.join(text)})"


def _unless(value: object, default: object) -> object:
    return None if value == default else value


def _window(layer: Conv | Pool | ConvTranspose) -> tuple[tuple[int, ...], ...]:
    k = per_axis(layer.kernel_size, 2, "kernel_size")
    s = k if layer.stride is None else per_axis(layer.stride, 2, "stride")
    return k, s, per_axis(getattr(layer, "dilation", 1), 2, "dilation")


def _torch(layer: Layer, shape: Shape, out: Shape) -> str:
    if isinstance(layer, Activation):
        return TORCH_ACTIVATIONS[layer.function]
    if isinstance(layer, Flatten):
        return "nn.Flatten()"
    if isinstance(layer, Linear):
        return _call("nn.Linear", shape[0], layer.out_features, bias=_unless(layer.bias, True))
    if isinstance(layer, Pool):
        name = "nn.MaxPool2d" if layer.mode == "max" else "nn.AvgPool2d"
        stride = None if layer.stride is None else _axes(per_axis(layer.stride, 2, "stride"))
        return _call(name, _axes(per_axis(layer.kernel_size, 2, "kernel_size")), stride=stride,
                     padding=_axes(per_axis(layer.padding, 2, "padding")) or None, ceil_mode=layer.ceil_mode or None)
    if isinstance(layer, ConvTranspose):
        k, s, d = _window(layer)
        return _call("nn.ConvTranspose2d", shape[0], out[0], kernel_size=_axes(k), stride=_unless(_axes(s), 1),
                     padding=_axes(per_axis(layer.padding, 2, "padding")) or None,
                     output_padding=_axes(per_axis(layer.output_padding, 2, "output_padding")) or None,
                     dilation=_unless(_axes(d), 1), bias=_unless(layer.bias, True))
    conv = as_conv(layer, shape[0])
    k, s, d = _window(conv)
    pairs = padding_per_side(conv.padding, k, s, d)
    even = all(before == after for before, after in pairs)
    padding = (_axes([before for before, _ in pairs]) or None) if even else ("same" if conv.padding == "same" else None)
    explicit = not even and padding is None
    code = _call("nn.Conv2d", shape[0], out[0], kernel_size=_axes(k), stride=_unless(_axes(s), 1), padding=padding,
                 dilation=_unless(_axes(d), 1), groups=_unless(conv.groups, 1), bias=_unless(conv.bias, True),
                 padding_mode=None if explicit else _unless(conv.padding_mode, "zeros"))
    if explicit:
        (top, bottom), (left, right) = pairs
        code = f"nn.Sequential({TORCH_PADS[conv.padding_mode]}(({left}, {right}, {top}, {bottom})), {code})"
    return code


def _keras_padding(sizes: Sequence[int], pairs: tuple, k: Sequence[int], s: Sequence[int], d: Sequence[int]) -> tuple:
    """Keras's padding word for `pairs`, and the ZeroPadding2D line it needs when neither word fits."""
    if not any(map(any, pairs)):
        return None, []
    same = tuple((p.before, p.after) for p in map(same_padding, sizes, k, s, d))
    return ("same", []) if pairs == same else (None, [_call("layers.ZeroPadding2D", pairs)])


def _keras(layer: Layer, shape: Shape, out: Shape) -> list[str]:
    if isinstance(layer, Activation):
        return [KERAS_ACTIVATIONS[layer.function]]
    if isinstance(layer, Flatten):
        return ["layers.Flatten()"]
    if isinstance(layer, Linear):
        return [_call("layers.Dense", layer.out_features, use_bias=_unless(layer.bias, True))]
    sizes = shape[1:]
    if isinstance(layer, ConvTranspose):
        k, s, d = _window(layer)
        p = per_axis(layer.padding, 2, "padding")
        # Keras's own padding words cannot express PyTorch's amounts: grow by "valid", then crop
        lines = [_call("layers.Conv2DTranspose", out[0], _axes(k), strides=_unless(_axes(s), 1),
                       output_padding=_axes(per_axis(layer.output_padding, 2, "output_padding")),
                       dilation_rate=_unless(_axes(d), 1), use_bias=_unless(layer.bias, True))]
        return lines + ([_call("layers.Cropping2D", tuple((q, q) for q in p))] if any(p) else [])
    if isinstance(layer, Pool):
        k, s, _ = _window(layer)
        p = per_axis(layer.padding, 2, "padding")
        pairs = tuple((pa, max((o - 1) * sa + ka - n - pa, 0)) for n, o, ka, sa, pa in zip(sizes, out[1:], k, s, p))
        padding, lines = _keras_padding(sizes, pairs, k, s, (1, 1))
        if lines and layer.mode == "max":
            lines.insert(0, "# zeros where PyTorch's max pool pads with −∞: the same shapes, other border values")
        name = "layers.MaxPooling2D" if layer.mode == "max" else "layers.AveragePooling2D"
        return lines + [_call(name, _axes(k), strides=_unless(s, k) and _axes(s), padding=padding)]
    conv = as_conv(layer, shape[0])
    k, s, d = _window(conv)
    padding, lines = _keras_padding(sizes, padding_per_side(conv.padding, k, s, d), k, s, d)
    if conv.padding_mode != "zeros":
        lines.insert(0, f'# Keras pads with zeros only: padding_mode="{conv.padding_mode}" changes border values')
    if max(s) > 1 and max(d) > 1:
        lines.insert(0, "# Keras refuses strides > 1 together with dilation_rate > 1; PyTorch allows it")
    common = dict(strides=_unless(_axes(s), 1), padding=padding, dilation_rate=_unless(_axes(d), 1),
                  use_bias=_unless(conv.bias, True))
    if isinstance(layer, DepthwiseConv):
        return lines + [_call("layers.DepthwiseConv2D", _axes(k), depth_multiplier=_unless(out[0] // shape[0], 1),
                              **common)]
    return lines + [_call("layers.Conv2D", out[0], _axes(k), groups=_unless(conv.groups, 1), **common)]


def _planned(input_shape: Sequence[int], layers: Sequence[Layer]) -> tuple[list[tuple], str]:
    """(layer, input shape, output shape) per layer, and the variable name for the code."""
    if not layers:
        raise ValueError("the stack is empty: add a layer to get code")
    steps = plan(input_shape, layers)
    for i, step in enumerate(steps):
        if step.error:
            raise ValueError(f"layer {i} ({kind(step.layer)}) cannot become code: {step.error}")
    shapes = [per_axis(input_shape, 3, "input shape")] + [s.shape for s in steps]
    name = "model" if len(layers) > 1 else ("conv" if isinstance(layers[0], CONVS) else "layer")
    return list(zip(layers, shapes, shapes[1:])), name


def _commented(lines: list[str], comments: list[str], indent: str = "    ") -> list[str]:
    width = max(map(len, lines)) + len(indent)
    return [f"{indent}{line}".ljust(width) + (f"  # {c}" if c else "") for line, c in zip(lines, comments)]


def pytorch_code(input_shape: Sequence[int], layers: Sequence[Layer]) -> str:
    """PyTorch code that rebuilds `layers` on an input of `input_shape` ``(C, H, W)``.

    A stack becomes an ``nn.Sequential`` (one module per layer, each output shape in a
    comment); a single layer becomes one module. Raises ValueError if a layer is impossible.

    >>> from convviz.stack.presets import PRESETS
    >>> print(pytorch_code((1, 32, 32), PRESETS["LeNet-5"].layers[:3]))
    import torch
    from torch import nn
    <BLANKLINE>
    model = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5),  # 6×28×28
        nn.Tanh(),                       # 6×28×28
        nn.AvgPool2d(2),                 # 6×14×14
    )
    print(model(torch.zeros(1, 1, 32, 32)).shape)  # torch.Size([1, 6, 14, 14])
    """
    rows, name = _planned(input_shape, layers)
    code = ["import torch", "from torch import nn", ""]
    if len(rows) == 1:
        code.append(f"{name} = {_torch(*rows[0])}")
    else:
        lines = [f"{_torch(*row)}," for row in rows]
        code += [f"{name} = nn.Sequential(", *_commented(lines, ["×".join(map(str, row[2])) for row in rows]), ")"]
    c, h, w = rows[0][1]
    final = ", ".join(map(str, rows[-1][2]))
    return "\n".join([*code, f"print({name}(torch.zeros(1, {c}, {h}, {w})).shape)  # torch.Size([1, {final}])"])


def keras_code(input_shape: Sequence[int], layers: Sequence[Layer]) -> str:
    """Keras 3 code that rebuilds `layers` (channels last: an input ``(C, H, W)`` is ``(H, W, C)``).

    >>> from convviz.stack.layers import Pool
    >>> print(keras_code((8, 5, 5), [Pool(2, ceil_mode=True)]).splitlines()[5])
        layers.MaxPooling2D(2, padding="same"),  # 3×3×8
    """
    rows, name = _planned(input_shape, layers)
    lines, comments = [], []
    for row in rows:
        group = _keras(*row)
        out = row[2] if len(row[2]) == 1 else (*row[2][1:], row[2][0])
        lines += [line if line.startswith("#") else f"{line}," for line in group]
        comments += [""] * (len(group) - 1) + ["×".join(map(str, out))]
    c, h, w = rows[0][1]
    final = rows[-1][2] if len(rows[-1][2]) == 1 else (*rows[-1][2][1:], rows[-1][2][0])
    return "\n".join([
        "import keras", "from keras import layers", "", f"{name} = keras.Sequential([",
        f"    keras.Input(shape=({h}, {w}, {c})),", *_commented(lines, comments), "])",
        f"print({name}(keras.ops.zeros((1, {h}, {w}, {c}))).shape)  # {(1, *final)}",
    ])
