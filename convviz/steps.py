"""Step data for teaching: what the window reads, multiplies and adds at every position.

Everything is vectorised over all output positions, so an animation or a "click a cell"
view is a lookup. The sums are checked against the engine in the tests: they are the
numbers :func:`convviz.conv.conv1d` … ``conv3d`` and the pooling functions return.

One implementation serves every number of axes (:mod:`convviz.steps_nd`, over a
:class:`~convviz.geometry.Geometry` resolved once here). The 2-D results keep the names a
picture of rows and columns reads best (``rows``, ``cols``); 1-D and 3-D results name the
coordinates per axis (``positions``).

Examples
--------
>>> x = np.arange(1, 26).reshape(5, 5)
>>> s = conv2d_steps(x, [[1, 0, -1]] * 3)
>>> s.sums[0, 0], s.products[0, 0, 0, 0].tolist()
(np.float64(-6.0), [1.0, 0.0, -3.0])
>>> conv1d_steps([1, 2, 3, 4], [1, -1], padding=((1, 0),)).sums.tolist()
[-1.0, -1.0, -1.0, -1.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .arguments import IntOrTuple, Padding, check_finite, per_axis
from .arithmetic import conv_transpose_output_size
from .geometry import conv_geometry, pool_geometry
from .steps_nd import ConvStepsND, PoolStepsND, as_channels, conv_steps, pool_steps


def _conv(x: object, weight: object, bias: float, stride: IntOrTuple, padding: Padding, dilation: IntOrTuple,
          padding_mode: str, region: Sequence[int] | None, spatial: int) -> ConvStepsND:
    a = as_channels(x, "x", spatial)
    w = as_channels(weight, "weight", spatial)
    check_finite(w, "weight")
    if w.shape[0] != a.shape[0]:
        raise ValueError(f"weight has {w.shape[0]} channel slices but x has {a.shape[0]} channels")
    geometry = conv_geometry(a.shape[1:], w.shape[1:], stride, padding, dilation, padding_mode)
    return conv_steps(a, w, bias, geometry, region)


def _pool(x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None, padding: IntOrTuple, dilation: IntOrTuple,
          ceil_mode: bool, kind: str, count_include_pad: bool, spatial: int) -> PoolStepsND:
    a = as_channels(x, "x", spatial)
    if a.shape[0] != 1:
        raise ValueError(f"pool{spatial}d_steps takes one channel, got {a.shape[0]}")
    geometry = pool_geometry(a.shape[1:], kernel_size, stride, padding, dilation, ceil_mode, kind)
    return pool_steps(a[0], geometry, kind, count_include_pad)


@dataclass(frozen=True)
class ConvSteps:
    """One output channel of a 2-D convolution, tap by tap.

    Shapes use ``(C, OH, OW, KH, KW)``: channel, output row and column, kernel row and column.

    Attributes
    ----------
    rows, cols : int arrays (OH, OW, KH, KW)
        Input coordinates each tap reads; outside ``0..H−1`` / ``0..W−1`` means padding.
    padded : bool array (OH, OW, KH, KW)
        True where the tap reads padding.
    values : array (C, OH, OW, KH, KW)
        The value read: the input, or what ``padding_mode`` puts in the padding.
    weights : array (C, KH, KW)
    products : array (C, OH, OW, KH, KW)
        ``values · weights``.
    partial_sums : array (C, OH, OW)
        Sum of the products of each channel.
    bias : float
    sums : array (OH, OW)
        ``partial_sums.sum(0) + bias``: the output.
    pads : ((top, bottom), (left, right))
    """

    rows: np.ndarray
    cols: np.ndarray
    padded: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    partial_sums: np.ndarray
    bias: float
    sums: np.ndarray
    pads: tuple[tuple[int, int], tuple[int, int]]


def conv1d_steps(
    x: object, weight: object, bias: float = 0.0, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, padding_mode: str = "zeros", region: tuple[int, int] | None = None,
) -> ConvStepsND:
    """Every tap of a 1-D cross-correlation with one output channel.

    Parameters
    ----------
    x : array (L,) or (C, L)
        A sequence, or C channels of one (an embedded sentence is ``(dimensions, words)``).
    weight : array (K,) or (C, K)
    bias, stride, padding, dilation, padding_mode
        As in :func:`convviz.conv.conv1d`; padding may be per side, ``((before, after),)``.
    region : (start, stop), optional
        Only these output positions (half-open), e.g. a stretch of a long signal.

    Returns
    -------
    ConvStepsND
        ``positions[0]`` is ``(OL, K)``; ``values`` and ``products`` are ``(C, OL, K)``.

    Examples
    --------
    >>> s = conv1d_steps([1.0, 2.0, 3.0], [1.0, 1.0], padding=1, padding_mode="replicate")
    >>> s.values[0].tolist(), s.sums.tolist()
    ([[1.0, 1.0], [1.0, 2.0], [2.0, 3.0], [3.0, 3.0]], [2.0, 3.0, 5.0, 6.0])
    >>> s.padded[0].tolist(), s.geometry.worked[0].value
    ([True, False], 4)
    """
    return _conv(x, weight, bias, stride, padding, dilation, padding_mode, region, 1)


def conv2d_steps(
    x: object, weight: object, bias: float = 0.0, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, padding_mode: str = "zeros", region: tuple[int, int, int, int] | None = None,
) -> ConvSteps:
    """Every tap of a 2-D cross-correlation with one output channel.

    Parameters
    ----------
    x : array (H, W) or (C, H, W)
    weight : array (KH, KW) or (C, KH, KW)
    bias, stride, padding, dilation, padding_mode
        As in :func:`convviz.conv.conv2d`.
    region : (row_start, row_stop, col_start, col_stop), optional
        Only these output positions (half-open ranges), e.g. one cell of a large image;
        the arrays then cover just the region.

    Examples
    --------
    >>> s = conv2d_steps(np.ones((3, 3)), np.ones((2, 2)), padding=1, padding_mode="zeros")
    >>> s.sums.tolist()
    [[1.0, 2.0, 2.0, 1.0], [2.0, 4.0, 4.0, 2.0], [2.0, 4.0, 4.0, 2.0], [1.0, 2.0, 2.0, 1.0]]
    >>> bool(s.padded[0, 0, 0, 0]), float(s.values[0, 0, 0, 0, 0])
    (True, 0.0)
    >>> conv2d_steps(np.ones((3, 3)), np.ones((2, 2)), padding=1, region=(1, 2, 1, 3)).sums.tolist()
    [[4.0, 4.0]]
    """
    s = _conv(x, weight, bias, stride, padding, dilation, padding_mode, region, 2)
    return ConvSteps(*s.positions, s.padded, s.values, s.weights, s.products, s.partial_sums, s.bias, s.sums, s.pads)


def conv3d_steps(
    x: object, weight: object, bias: float = 0.0, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, padding_mode: str = "zeros", region: Sequence[int] | None = None,
) -> ConvStepsND:
    """Every tap of a 3-D cross-correlation with one output channel; see :func:`conv1d_steps`.

    `x` is ``(D, H, W)`` or ``(C, D, H, W)``, `weight` ``(KD, KH, KW)`` or ``(C, KD, KH, KW)``;
    `region` is ``(d0, d1, h0, h1, w0, w1)``. ``values`` is ``(C, OD, OH, OW, KD, KH, KW)``.

    >>> s = conv3d_steps(np.arange(8.0).reshape(2, 2, 2), np.ones((2, 2, 2)))
    >>> s.sums.tolist(), [p.shape for p in s.positions]
    ([[[28.0]]], [(1, 1, 1, 2, 2, 2), (1, 1, 1, 2, 2, 2), (1, 1, 1, 2, 2, 2)])
    """
    return _conv(x, weight, bias, stride, padding, dilation, padding_mode, region, 3)


@dataclass(frozen=True)
class PoolSteps:
    """A 2-D pooling, window by window (single channel).

    Attributes
    ----------
    rows, cols, padded : as in :class:`ConvSteps`, shape (OH, OW, KH, KW)
        ``padded`` also marks taps beyond the padding that ``ceil_mode`` windows hang over.
    values : array (OH, OW, KH, KW)
        What each tap reads: the input, or the padding value (−∞ for max pooling, 0 for
        average pooling).
    winner : int array (OH, OW, 2) or None
        For max pooling, (kernel row, kernel column) of the value that won.
    divisor : array (OH, OW) or None
        For average pooling, what each sum is divided by.
    results : array (OH, OW)
        The output.
    """

    rows: np.ndarray
    cols: np.ndarray
    padded: np.ndarray
    values: np.ndarray
    winner: np.ndarray | None
    divisor: np.ndarray | None
    results: np.ndarray


def pool1d_steps(
    x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, kind: str = "max", count_include_pad: bool = True,
) -> PoolStepsND:
    """Every window of a max or average pooling of a sequence, ``(L,)`` or ``(1, L)``.

    Arguments as in :func:`pool2d_steps`; ``winner`` is ``(OL, 1)``.

    >>> p = pool1d_steps([1.0, 3.0, 2.0, 5.0, 4.0], 2, ceil_mode=True)
    >>> p.results.tolist(), p.winner[:, 0].tolist()
    ([3.0, 5.0, 4.0], [1, 1, 0])
    """
    return _pool(x, kernel_size, stride, padding, dilation, ceil_mode, kind, count_include_pad, 1)


def pool2d_steps(
    x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, kind: str = "max", count_include_pad: bool = True,
) -> PoolSteps:
    """Every window of a max or average pooling of a 2-D array.

    >>> p = pool2d_steps(np.arange(16).reshape(4, 4), 2, kind="max")
    >>> p.results.tolist(), p.winner[0, 0].tolist()
    ([[5.0, 7.0], [13.0, 15.0]], [1, 1])
    >>> pool2d_steps(np.ones((3, 3)), 2, stride=1, padding=1, kind="avg").results[0, 0]
    np.float64(0.25)
    """
    s = _pool(x, kernel_size, stride, padding, dilation, ceil_mode, kind, count_include_pad, 2)
    return PoolSteps(*s.positions, s.padded, s.values, s.winner, s.divisor, s.results)


def pool3d_steps(
    x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, kind: str = "max", count_include_pad: bool = True,
) -> PoolStepsND:
    """Every window of a max or average pooling of a volume, ``(D, H, W)`` or ``(1, D, H, W)``.

    >>> pool3d_steps(np.arange(8.0).reshape(2, 2, 2), 2, kind="avg").results.tolist()
    [[[3.5]]]
    """
    return _pool(x, kernel_size, stride, padding, dilation, ceil_mode, kind, count_include_pad, 3)


@dataclass(frozen=True)
class TransposeSteps:
    """A 2-D transposed convolution as stamps: input cell ``(i, j)`` adds ``x[i, j]·weight``.

    Attributes
    ----------
    rows, cols : int arrays (H, W, KH, KW)
        Output coordinates each stamp entry lands on, before cropping by ``padding``
        (outside ``0..OH−1`` / ``0..OW−1`` means it is cropped away).
    stamps : array (H, W, KH, KW)
        ``x[i, j] · weight``.
    after : array (H·W, OH, OW)
        The output after each stamp, in row-major order of the input cells.
    results : array (OH, OW)
    """

    rows: np.ndarray
    cols: np.ndarray
    stamps: np.ndarray
    after: np.ndarray
    results: np.ndarray


def conv_transpose2d_steps(
    x: object, weight: object, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
) -> TransposeSteps:
    """Every stamp of a single-channel 2-D transposed convolution.

    >>> t = conv_transpose2d_steps(np.array([[1.0, 2.0]]), np.ones((1, 2)), stride=2)
    >>> t.results.tolist(), t.after.shape
    ([[1.0, 1.0, 2.0, 2.0]], (2, 1, 4))
    """
    a = as_channels(x, "x", 2)[0]
    w = as_channels(weight, "weight", 2)[0]
    check_finite(w, "weight")
    s = per_axis(stride, 2, "stride", minimum=1)
    p = per_axis(padding, 2, "padding", minimum=0)
    op = per_axis(output_padding, 2, "output_padding", minimum=0)
    d = per_axis(dilation, 2, "dilation", minimum=1)
    out = conv_transpose_output_size(a.shape, w.shape, s, p, op, d)
    r = np.arange(a.shape[0])[:, None] * s[0] + np.arange(w.shape[0])[None, :] * d[0] - p[0]
    c = np.arange(a.shape[1])[:, None] * s[1] + np.arange(w.shape[1])[None, :] * d[1] - p[1]
    rows = np.broadcast_to(r[:, None, :, None], a.shape + w.shape)
    cols = np.broadcast_to(c[None, :, None, :], rows.shape)
    stamps = a[:, :, None, None] * w
    inside = (rows >= 0) & (rows < out[0]) & (cols >= 0) & (cols < out[1])
    cells = a.size
    after = np.zeros((cells, *out))
    cell = np.broadcast_to(np.arange(cells).reshape(a.shape)[:, :, None, None], rows.shape)
    np.add.at(after, (cell[inside], rows[inside], cols[inside]), stamps[inside])
    after = np.cumsum(after, axis=0)
    return TransposeSteps(rows, cols, stamps, after, after[-1])
