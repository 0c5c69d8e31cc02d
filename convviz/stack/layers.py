"""Layer stacks: every layer's shape, receptive field, parameters and cost, before any data flows.

A stack is a sequence of small frozen dataclasses named after PyTorch's layers. :func:`plan`
walks it from an input shape ``(C, H, W)``. A layer that cannot work gets its reason (the
engine's message) on its own row; the rows after it are unknown rather than an exception.

Examples
--------
>>> from convviz.stack.presets import PRESETS
>>> steps = plan((1, 32, 32), PRESETS["LeNet-5"].layers)
>>> [s.shape for s in steps if s.parameters]
[(6, 28, 28), (16, 10, 10), (120,), (84,), (10,)]
>>> [s.parameters for s in steps if s.parameters]
[156, 2416, 48120, 10164, 850]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..arguments import IntOrTuple, Padding, padding_per_side, per_axis
from ..arithmetic import (
    Field, conv_mac_count, conv_output_size, conv_parameter_count, conv_transpose_output_size,
    pool_output_size, receptive_field,
)

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Conv:
    """``nn.Conv2d``: `out_channels` filters, each looking at every input channel (or its group)."""

    out_channels: int | None = None
    kernel_size: IntOrTuple = 3
    stride: IntOrTuple = 1
    padding: Padding = 0
    dilation: IntOrTuple = 1
    groups: int = 1
    bias: bool = True
    padding_mode: str = "zeros"


@dataclass(frozen=True)
class DepthwiseConv:
    """One filter per input channel (``groups = in_channels``); `out_channels` defaults to the input's."""

    kernel_size: IntOrTuple = 3
    stride: IntOrTuple = 1
    padding: Padding = 0
    dilation: IntOrTuple = 1
    out_channels: int | None = None
    bias: bool = True


@dataclass(frozen=True)
class Pointwise:
    """A 1×1 convolution: mixes the channels at each position and never looks at neighbours."""

    out_channels: int | None = None
    bias: bool = True


@dataclass(frozen=True)
class Pool:
    """``nn.MaxPool2d`` (``mode="max"``) or ``nn.AvgPool2d`` (``mode="avg"``); `stride` defaults to `kernel_size`."""

    kernel_size: IntOrTuple = 2
    stride: IntOrTuple | None = None
    padding: IntOrTuple = 0
    ceil_mode: bool = False
    mode: str = "max"


@dataclass(frozen=True)
class ConvTranspose:
    """``nn.ConvTranspose2d``: every input value spreads a kernel-sized patch into a larger output."""

    out_channels: int | None = None
    kernel_size: IntOrTuple = 2
    stride: IntOrTuple = 2
    padding: IntOrTuple = 0
    output_padding: IntOrTuple = 0
    dilation: IntOrTuple = 1
    bias: bool = True


@dataclass(frozen=True)
class Activation:
    """An element-wise function (``"ReLU"``, ``"leaky ReLU"``, ``"sigmoid"``, ``"tanh"``): shape unchanged."""

    function: str = "ReLU"


@dataclass(frozen=True)
class Flatten:
    """``nn.Flatten``: ``(C, H, W)`` becomes one vector of ``C·H·W`` numbers."""


@dataclass(frozen=True)
class Linear:
    """``nn.Linear``: every output is a weighted sum of every input number."""

    out_features: int | None = None
    bias: bool = True


Layer = Conv | DepthwiseConv | Pointwise | Pool | ConvTranspose | Activation | Flatten | Linear
FUNCTIONS = ("ReLU", "leaky ReLU", "sigmoid", "tanh")
KINDS: dict[str, Layer] = {
    "conv": Conv(), "depthwise conv": DepthwiseConv(), "pointwise 1×1": Pointwise(),
    "max pool": Pool(mode="max"), "avg pool": Pool(mode="avg"), "transposed conv": ConvTranspose(),
    **{f: Activation(f) for f in FUNCTIONS}, "flatten": Flatten(), "linear": Linear(),
}


def kind(layer: Layer) -> str:
    """The name of `layer`'s kind, a key of :data:`KINDS`.

    >>> kind(Pool(3, mode="avg")), kind(Activation("tanh"))
    ('avg pool', 'tanh')
    """
    if isinstance(layer, Activation):
        return layer.function
    if isinstance(layer, Pool):
        return f"{layer.mode} pool"
    return next(name for name, blank in KINDS.items() if type(blank) is type(layer))


@dataclass(frozen=True)
class Step:
    """What one layer of a stack does, as :func:`plan` finds it.

    `shape` is the output shape (``None`` if unknown); `fields` the receptive field per spatial
    axis (``None`` once flattened or after a transposed convolution, where no window recurrence
    applies); `windows` the layer's window per axis as ``(kernel_size, stride, dilation, before)``;
    `error` why the layer is impossible, ``""`` if it is fine.
    """

    layer: Layer
    shape: Shape | None = None
    fields: tuple[Field, ...] | None = None
    windows: tuple[tuple[int, int, int, int], ...] | None = None
    parameters: int | None = None
    macs: int | None = None
    error: str = ""


def as_conv(layer: DepthwiseConv | Pointwise | Conv, in_channels: int) -> Conv:
    """The ``nn.Conv2d`` a depthwise or pointwise layer is, given its input channels.

    >>> as_conv(DepthwiseConv(kernel_size=3), 32).groups
    32
    """
    if isinstance(layer, Pointwise):
        return Conv(layer.out_channels, 1, bias=layer.bias)
    if isinstance(layer, DepthwiseConv):
        out = in_channels if layer.out_channels is None else layer.out_channels
        return Conv(out, layer.kernel_size, layer.stride, layer.padding, layer.dilation, in_channels, layer.bias)
    return layer


def _count(value: object, name: str, what: str) -> int:
    if value is None:
        raise ValueError(f"a {what} needs {name}")
    return per_axis(value, 1, name, minimum=1)[0]


def _apply(layer: Layer, shape: Shape) -> tuple[Shape, int, int, tuple | None]:
    """Output shape, parameters, multiply–accumulates and windows of one layer."""
    what = kind(layer)
    if isinstance(layer, Activation):
        if layer.function not in FUNCTIONS:
            raise ValueError(f"unknown activation {layer.function!r}; choose one of {', '.join(FUNCTIONS)}")
        return shape, 0, 0, ((1, 1, 1, 0),) * (len(shape) - 1) or None
    if isinstance(layer, Flatten):
        return (math.prod(shape),), 0, 0, None
    if isinstance(layer, Linear):
        n = _count(layer.out_features, "out_features", what)
        if len(shape) != 1:
            raise ValueError(f"a linear layer needs a flat input but gets {'×'.join(map(str, shape))}; "
                             f"add a flatten layer first (it gives {math.prod(shape)} numbers)")
        return (n,), shape[0] * n + n * layer.bias, shape[0] * n, None
    if len(shape) != 3:
        raise ValueError(f"a {what} slides over (C, H, W) data, but the data is already flat "
                         f"({shape[0]} numbers); put it before the flatten layer")
    c, *size = shape
    if isinstance(layer, Pool):
        k = per_axis(layer.kernel_size, 2, "kernel_size", minimum=1)
        s = k if layer.stride is None else per_axis(layer.stride, 2, "stride", minimum=1)
        p = per_axis(layer.padding, 2, "padding", minimum=0)
        out = pool_output_size(tuple(size), k, s, p, 1, layer.ceil_mode)
        return (c, *out), 0, 0, tuple(zip(k, s, (1, 1), p))
    if isinstance(layer, ConvTranspose):
        oc = _count(layer.out_channels, "out_channels", what)
        k = per_axis(layer.kernel_size, 2, "kernel_size", minimum=1)
        out = conv_transpose_output_size(tuple(size), k, layer.stride, layer.padding, layer.output_padding,
                                         layer.dilation)
        # each input value meets every weight once: MACs count input positions, not output ones
        macs = conv_mac_count(c, oc, k, tuple(size))
        return (oc, *out), conv_parameter_count(c, oc, k, bias=layer.bias), macs, None
    conv = as_conv(layer, c)
    oc = _count(conv.out_channels, "out_channels", what)
    k = per_axis(conv.kernel_size, 2, "kernel_size", minimum=1)
    s, d = per_axis(conv.stride, 2, "stride", minimum=1), per_axis(conv.dilation, 2, "dilation", minimum=1)
    out = conv_output_size(tuple(size), k, s, conv.padding, d)
    parameters = conv_parameter_count(c, oc, k, conv.groups, conv.bias)
    before = (p[0] for p in padding_per_side(conv.padding, k, s, d))
    return (oc, *out), parameters, conv_mac_count(c, oc, k, out, conv.groups), tuple(zip(k, s, d, before))


def plan(input_shape: IntOrTuple, layers: Sequence[Layer]) -> list[Step]:
    """Walk `layers` from `input_shape` ``(C, H, W)``: one :class:`Step` per layer.

    Receptive fields follow :func:`convviz.arithmetic.receptive_field`. A layer that raises
    gets the engine's message as its `error`; later steps stay unknown (all ``None``).

    >>> [s.error or s.shape for s in plan((3, 8, 8), [Conv(4, 5), Conv(4, 5), Flatten()])]
    [(4, 4, 4), 'output size along axis 0 would be ... the padded input has only 4', None]
    >>> plan((1, 7, 7), [Conv(1, 3), Conv(1, 3, stride=2)])[-1].fields[0]
    Field(size=5, jump=2, start=0)
    """
    shape: Shape | None = per_axis(input_shape, 3, "input shape", minimum=1)
    windows: list[tuple] | None = []
    steps = []
    for layer in layers:
        if shape is None:
            steps.append(Step(layer))
            continue
        try:
            shape, parameters, macs, window = _apply(layer, shape)
        except (ValueError, TypeError) as exc:
            steps.append(Step(layer, error=str(exc)))
            shape = None
            continue
        field = None
        if window is None or windows is None:
            windows = None
        else:
            windows.append(window)
            keys = ("kernel_size", "stride", "dilation", "padding")
            field = tuple(receptive_field([dict(zip(keys, w[a])) for w in windows])[-1] for a in range(2))
        steps.append(Step(layer, shape, field, window if field else None, parameters, macs))
    return steps


def totals(steps: Sequence[Step]) -> tuple[int, int]:
    """Parameters and multiply–accumulates of all the layers whose numbers are known."""
    return sum(s.parameters or 0 for s in steps), sum(s.macs or 0 for s in steps)


def contributing_units(
    input_shape: Sequence[int], steps: Sequence[Step], index: int, unit: Sequence[int]
) -> list[tuple[tuple[int, ...], ...]]:
    """Which units of the input, and of each layer up to `index`, feed `unit` of layer `index`.

    Returns, for the input and then each step ``0 … index``, the sorted unit indices per
    spatial axis. Padding has no units, so a unit near the border has fewer; with dilation or a
    stride larger than the kernel, the indices have gaps.

    >>> steps = plan((1, 8, 8), [Conv(1, 3), Pool(2)])
    >>> [rows for rows, cols in contributing_units((1, 8, 8), steps, 1, (0, 1))]
    [(0, 1, 2, 3), (0, 1), (0,)]
    >>> contributing_units((1, 9, 9), plan((1, 9, 9), [Conv(1, 3, dilation=2)]), 0, (0, 0))[0][0]
    (0, 2, 4)

    Notes
    -----
    Works on sets of indices, one layer at a time: about ``∑ units·kernel_size`` steps per axis.
    """
    if not 0 <= index < len(steps) or steps[index].windows is None:
        raise ValueError(f"layer {index} has no receptive field: it is flat, failed, or follows a transposed conv")
    sizes = [tuple(input_shape[1:])] + [s.shape[1:] for s in steps[:index]]
    units = [tuple((u,) for u in unit)]
    for i in range(index, -1, -1):
        units.insert(0, tuple(
            tuple(sorted({q for p in axis for t in range(k) if 0 <= (q := p * s - before + t * d) < end}))
            for axis, (k, s, d, before), end in zip(units[0], steps[i].windows, sizes[i])
        ))
    return units


def standard_equivalent(layers: Sequence[Layer]) -> tuple[Layer, ...]:
    """`layers` with each depthwise conv (+ activations) + pointwise pair as one standard conv.

    Both stacks give the same shapes, so their costs can be compared.

    >>> standard_equivalent([DepthwiseConv(3, padding=1), Activation(), Pointwise(64), Activation()])
    (Conv(out_channels=64, kernel_size=3, stride=1, padding=1, ...), Activation(function='ReLU'))
    """
    result: list[Layer] = []
    for layer in layers:
        j = len(result) - 1
        while j >= 0 and isinstance(result[j], Activation):
            j -= 1
        if isinstance(layer, Pointwise) and j >= 0 and isinstance(dw := result[j], DepthwiseConv):
            result[j:] = [Conv(layer.out_channels, dw.kernel_size, dw.stride, dw.padding, dw.dilation, bias=layer.bias)]
        else:
            result.append(layer)
    return tuple(result)
