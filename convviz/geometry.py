"""A layer's geometry, resolved once: per axis, where every tap of its window reads.

Sizes, strides, dilations and padding arrive in any spelling :mod:`convviz.arguments`
accepts. :func:`conv_geometry` and :func:`pool_geometry` check them, in the order and with
the messages the convolution and pooling functions use, and return a :class:`Geometry`: plain
tuples, one value per axis, with the output size and its worked formula. Whatever receives a
:class:`Geometry` (the step data, a figure) reads it and checks nothing again.

Tap ``t`` of output ``o`` along an axis reads input position
``o·stride + t·dilation − before``; a position below 0 or past the end is padding.

Examples
--------
>>> g = conv_geometry((5,), (3,), stride=2, padding=1)
>>> g.out, g.pads
((3,), ((1, 1),))
>>> g.taps()[0].tolist()
[[-1, 0, 1], [1, 2, 3], [3, 4, 5]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .arguments import (
    IntOrTuple, Padding, PerSide, check_mode_padding, check_padding_mode, padding_per_side, per_axis,
)
from .arithmetic import (
    conv_output_size, explain_conv_output_size, explain_pool_output_size, pool_output_size,
)
from .formulas import Worked

POOL_KINDS = ("max", "avg")


@dataclass(frozen=True)
class Geometry:
    """A window sliding over an input, every setting resolved to one value per axis.

    Attributes
    ----------
    size : tuple of int
        Input length per axis.
    kernel_size, stride, dilation : tuple of int
    pads : ((before, after), ...)
        Padding per side of each axis.
    out : tuple of int
        Output length per axis.
    worked : tuple of Worked
        The output-size formula of each axis with these numbers.
    padding_mode : str or None
        What a convolution's padding shows (``"zeros"``, ``"reflect"``, …); None for pooling,
        whose padding is −∞ (max) or 0 (average).
    """

    size: tuple[int, ...]
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    pads: PerSide
    out: tuple[int, ...]
    worked: tuple[Worked, ...]
    padding_mode: str | None = "zeros"

    @property
    def ndim(self) -> int:
        """Number of spatial axes."""
        return len(self.size)

    @property
    def span(self) -> tuple[int, ...]:
        """Input positions one window covers per axis, gaps included: ``dilation·(k − 1) + 1``.

        >>> conv_geometry((9,), (3,), dilation=2).span
        (5,)
        """
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation))

    def taps(self) -> tuple[np.ndarray, ...]:
        """Per axis, the input position tap ``t`` of output ``o`` reads: an int array ``(out, kernel)``.

        >>> pool_geometry((4, 4), 2).taps()[1].tolist()
        [[0, 1], [2, 3]]
        """
        return tuple(np.arange(o)[:, None] * s + np.arange(k)[None, :] * d - before
                     for o, k, s, d, (before, _) in zip(self.out, self.kernel_size, self.stride, self.dilation,
                                                         self.pads))


def conv_geometry(
    size: Sequence[int], kernel_size: Sequence[int], stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, padding_mode: str = "zeros",
) -> Geometry:
    """Resolve and check a convolution's settings over ``len(size)`` axes.

    Parameters
    ----------
    size, kernel_size : sequence of int
        Input and kernel length per axis (already positive: they come from array shapes).
    stride, padding, dilation, padding_mode
        As in :func:`convviz.conv.conv2d`: an int or one per axis; padding also as per-side
        pairs, ``"valid"``, ``"same"`` or ``"full"``.

    Raises
    ------
    ValueError
        A stride or dilation below 1, bad padding, an unknown padding mode, an output below
        one position (the message shows the formula), or padding the mode cannot show.

    Examples
    --------
    >>> conv_geometry((4, 4), (3, 2), padding="same").pads
    ((1, 1), (0, 1))
    >>> conv_geometry((3,), (2,), padding=3, padding_mode="reflect")
    Traceback (most recent call last):
    ...
    ValueError: reflect padding (3) must be smaller than the input size (3) along axis 0: ...
    """
    size, kernel = tuple(size), tuple(kernel_size)
    s = per_axis(stride, len(size), "stride", minimum=1)
    d = per_axis(dilation, len(size), "dilation", minimum=1)
    pads = padding_per_side(padding, kernel, s, d)
    check_padding_mode(padding_mode)
    out = conv_output_size(size, kernel, s, pads, d)
    check_mode_padding(pads, size, padding_mode)
    return Geometry(size, kernel, s, d, pads, out, explain_conv_output_size(size, kernel, s, pads, d), padding_mode)


def pool_geometry(
    size: Sequence[int], kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, kind: str = "max",
) -> Geometry:
    """Resolve and check a max (``kind="max"``) or average (``"avg"``) pooling over ``len(size)`` axes.

    `stride` defaults to `kernel_size`; padding is the same on both sides of an axis and at
    most half the kernel; average pooling has no dilation (as in PyTorch). The padding after
    an axis in :attr:`Geometry.pads` is the one given, even where ``ceil_mode`` lets a last
    window hang further over the end.

    Examples
    --------
    >>> g = pool_geometry((5,), 2, ceil_mode=True)
    >>> g.out, g.taps()[0][-1].tolist()
    ((3,), [4, 5])
    >>> pool_geometry((4, 4), 2, dilation=2, kind="avg")
    Traceback (most recent call last):
    ...
    ValueError: average pooling has no dilation (as in PyTorch), got (2, 2)
    """
    if kind not in POOL_KINDS:
        raise ValueError(f"kind must be 'max' or 'avg', got {kind!r}")
    size = tuple(size)
    n = len(size)
    k = per_axis(kernel_size, n, "kernel_size", minimum=1)
    s = k if stride is None else per_axis(stride, n, "stride", minimum=1)
    p = per_axis(padding, n, "padding", minimum=0)
    d = per_axis(dilation, n, "dilation", minimum=1)
    if kind == "avg" and d != (1,) * n:
        raise ValueError(f"average pooling has no dilation (as in PyTorch), got {d}")
    out = pool_output_size(size, k, s, p, d, ceil_mode)
    worked = explain_pool_output_size(size, k, s, p, d, ceil_mode)
    return Geometry(size, k, s, d, tuple((pi, pi) for pi in p), out, worked, None)
