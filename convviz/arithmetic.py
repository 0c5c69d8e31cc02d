"""Shape arithmetic: output sizes, receptive fields, parameter and multiply–accumulate counts.

Sizes follow PyTorch exactly. Each output-size function has an ``explain_*`` twin that
returns the worked formula per axis (see :class:`convviz.formulas.Worked`) instead of raising,
so a page can show *why* a setting fails.

Examples
--------
>>> conv_output_size(32, kernel_size=5)
28
>>> conv_output_size((32, 32), kernel_size=5, stride=2, padding=2)
(16, 16)
>>> conv_output_size(5, kernel_size=3, stride=2, padding=1)   # not 2, whatever tutorials say
3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import prod

import numpy as np

from .arguments import IntOrTuple, Padding, as_int, check_groups, padding_per_side, per_axis
from .formulas import Worked, conv_axis, pool_axis, transpose_axis


def _axes(size: IntOrTuple) -> tuple[bool, tuple[int, ...]]:
    scalar = not isinstance(size, (Sequence, np.ndarray)) or isinstance(size, str)
    n = 1 if scalar else len(size)
    sizes = per_axis(size, n, "size", minimum=1)
    return scalar, sizes


def _result(scalar: bool, worked: Sequence[Worked], what: str) -> int | tuple[int, ...]:
    for axis, w in enumerate(worked):
        if w.problem:
            where = "" if len(worked) == 1 else f" along axis {axis}"
            raise ValueError(f"{what}{where} would be {w.text}: {w.problem}")
    values = tuple(w.value for w in worked)
    return values[0] if scalar else values


def explain_conv_output_size(
    size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple = 1,
    padding: Padding = 0, dilation: IntOrTuple = 1,
) -> tuple[Worked, ...]:
    """Worked formula for each axis of :func:`conv_output_size` (never raises for sizes below 1).

    >>> [w.value for w in explain_conv_output_size((5, 6), 3, stride=2)]
    [2, 2]
    """
    _, sizes = _axes(size)
    n = len(sizes)
    k = per_axis(kernel_size, n, "kernel_size", minimum=1)
    s = per_axis(stride, n, "stride", minimum=1)
    d = per_axis(dilation, n, "dilation", minimum=1)
    pads = padding_per_side(padding, k, s, d)
    return tuple(conv_axis(*args) for args in zip(sizes, k, s, (p[0] for p in pads), (p[1] for p in pads), d))


def conv_output_size(
    size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple = 1,
    padding: Padding = 0, dilation: IntOrTuple = 1,
) -> int | tuple[int, ...]:
    """Output size of a convolution: ``⌊(L + p_before + p_after − d·(k − 1) − 1)/s⌋ + 1``.

    Parameters
    ----------
    size : int or tuple of int
        Input size; an int gives an int back, a tuple a tuple.
    kernel_size, stride, dilation : int or tuple of int
    padding : int, tuple, per-side pairs, ``"valid"``, ``"same"`` or ``"full"``

    Raises
    ------
    ValueError
        If an output size would be below 1; the message shows the formula with the numbers.

    Examples
    --------
    >>> conv_output_size(7, kernel_size=3, padding="same")
    7
    >>> conv_output_size(5, kernel_size=7)
    Traceback (most recent call last):
    ...
    ValueError: output size would be ⌊(5 + 2·0 − 1·(7 − 1) − 1) / 1⌋ + 1 = ... = −1: the kernel spans 7 ...
    """
    scalar, _ = _axes(size)
    return _result(scalar, explain_conv_output_size(size, kernel_size, stride, padding, dilation), "output size")


def explain_pool_output_size(
    size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0, dilation: IntOrTuple = 1, ceil_mode: bool = False,
) -> tuple[Worked, ...]:
    """Worked formula for each axis of :func:`pool_output_size` (never raises for sizes below 1).

    >>> explain_pool_output_size(7, 2, ceil_mode=True)[0].value
    4
    """
    _, sizes = _axes(size)
    n = len(sizes)
    k = per_axis(kernel_size, n, "kernel_size", minimum=1)
    s = k if stride is None else per_axis(stride, n, "stride", minimum=1)
    p = per_axis(padding, n, "padding", minimum=0)
    d = per_axis(dilation, n, "dilation", minimum=1)
    return tuple(pool_axis(*args, bool(ceil_mode)) for args in zip(sizes, k, s, p, d))


def pool_output_size(
    size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0, dilation: IntOrTuple = 1, ceil_mode: bool = False,
) -> int | tuple[int, ...]:
    """Output size of max or average pooling, as PyTorch computes it.

    `stride` defaults to `kernel_size`. Padding may be at most half the kernel size.
    With `ceil_mode` the division rounds up, except that a window starting in the right
    padding is dropped.

    >>> pool_output_size(32, 2)
    16
    >>> pool_output_size(5, 2, ceil_mode=True)
    3
    >>> pool_output_size(4, 3, padding=2)
    Traceback (most recent call last):
    ...
    ValueError: output size would be ... = 2: padding 2 is more than half the kernel size 3 (at most 1), ...
    """
    scalar, _ = _axes(size)
    worked = explain_pool_output_size(size, kernel_size, stride, padding, dilation, ceil_mode)
    return _result(scalar, worked, "output size")


def explain_conv_transpose_output_size(
    size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
) -> tuple[Worked, ...]:
    """Worked formula for each axis of :func:`conv_transpose_output_size`.

    >>> explain_conv_transpose_output_size(4, 4, stride=2, padding=1)[0].value
    8
    """
    _, sizes = _axes(size)
    n = len(sizes)
    if isinstance(padding, str):
        raise ValueError(
            f"padding for a transposed convolution must be a number per axis (as in PyTorch), got {padding!r}"
        )
    k = per_axis(kernel_size, n, "kernel_size", minimum=1)
    s = per_axis(stride, n, "stride", minimum=1)
    p = per_axis(padding, n, "padding", minimum=0)
    op = per_axis(output_padding, n, "output_padding", minimum=0)
    d = per_axis(dilation, n, "dilation", minimum=1)
    return tuple(transpose_axis(*args) for args in zip(sizes, k, s, p, op, d))


def conv_transpose_output_size(
    size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
) -> int | tuple[int, ...]:
    """Output size of a transposed convolution: ``(L − 1)·s − 2p + d·(k − 1) + output_padding + 1``.

    `output_padding` must be smaller than the stride or the dilation (PyTorch's rule).

    >>> conv_transpose_output_size(16, kernel_size=2, stride=2)
    32
    >>> conv_transpose_output_size(3, 3, stride=1, output_padding=1)
    Traceback (most recent call last):
    ...
    ValueError: output size would be ... = 6: output_padding (1) must be smaller than the stride (1) or ...
    """
    scalar, _ = _axes(size)
    worked = explain_conv_transpose_output_size(size, kernel_size, stride, padding, output_padding, dilation)
    return _result(scalar, worked, "output size")


@dataclass(frozen=True)
class Field:
    """Receptive field of the units after one layer, along one axis.

    Output unit ``u`` depends on input positions ``start + u·jump`` to
    ``start + u·jump + size − 1`` (negative or too-large positions are padding).
    """

    size: int
    jump: int
    start: int


def receptive_field(layers: Sequence[Mapping[str, int]]) -> list[Field]:
    """Receptive field, jump and start after each layer of a stack, along one axis.

    Each layer is a mapping with ``kernel_size`` and optionally ``stride``, ``dilation``
    and ``padding`` (the amount before). The recurrence is
    ``size ← size + d·(k − 1)·jump``, ``start ← start − padding·jump``, ``jump ← jump·s``.

    >>> [f.size for f in receptive_field([{"kernel_size": 3}] * 3)]
    [3, 5, 7]
    >>> receptive_field([{"kernel_size": 2, "stride": 2}, {"kernel_size": 3, "padding": 1}])[-1]
    Field(size=6, jump=2, start=-2)
    """
    size, jump, start, fields = 1, 1, 0, []
    for i, layer in enumerate(layers):
        unknown = set(layer) - {"kernel_size", "stride", "dilation", "padding"}
        if unknown:
            raise ValueError(f"layer {i} has unknown keys {sorted(unknown)}")
        if "kernel_size" not in layer:
            raise ValueError(f"layer {i} needs a kernel_size")
        k = per_axis(layer["kernel_size"], 1, "kernel_size", minimum=1)[0]
        s = per_axis(layer.get("stride", 1), 1, "stride", minimum=1)[0]
        d = per_axis(layer.get("dilation", 1), 1, "dilation", minimum=1)[0]
        p = per_axis(layer.get("padding", 0), 1, "padding", minimum=0)[0]
        size += d * (k - 1) * jump
        start -= p * jump
        jump *= s
        fields.append(Field(size, jump, start))
    return fields


def _kernel_axes(kernel_size: IntOrTuple, spatial_dims: int) -> tuple[int, ...]:
    n = spatial_dims if isinstance(kernel_size, int) else len(kernel_size)
    return per_axis(kernel_size, n, "kernel_size", minimum=1)


def conv_parameter_count(
    in_channels: int, out_channels: int, kernel_size: IntOrTuple, groups: int = 1,
    bias: bool = True, spatial_dims: int = 2,
) -> int:
    """Learnable numbers in a convolution layer: ``out·(in/groups)·∏k (+ out for the bias)``.

    An int `kernel_size` means a square (cube, …) kernel over `spatial_dims` axes.

    >>> conv_parameter_count(3, 64, 3)             # a standard 3×3 layer
    1792
    >>> conv_parameter_count(64, 64, 3, groups=64)  # depthwise: one 3×3 filter per channel
    640
    """
    c_in, c_out = as_int(in_channels, "in_channels"), as_int(out_channels, "out_channels")
    g = check_groups(c_in, c_out, groups)
    return c_out * (c_in // g) * prod(_kernel_axes(kernel_size, spatial_dims)) + (c_out if bias else 0)


def conv_mac_count(
    in_channels: int, out_channels: int, kernel_size: IntOrTuple, output_size: IntOrTuple, groups: int = 1
) -> int:
    """Multiply–accumulates of one forward pass: one per weight per output position.

    ``out·(in/groups)·∏k·∏output_size``; an int `kernel_size` covers every output axis.

    >>> conv_mac_count(3, 8, 3, output_size=(4, 4))
    3456
    """
    c_in, c_out = as_int(in_channels, "in_channels"), as_int(out_channels, "out_channels")
    _, out = _axes(output_size)
    k = per_axis(kernel_size, len(out), "kernel_size", minimum=1)
    g = check_groups(c_in, c_out, groups)
    return c_out * (c_in // g) * prod(k) * prod(out)
