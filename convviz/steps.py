"""Step data for teaching: what the window reads, multiplies and adds at every position.

Everything is vectorised over all output positions, so an animation or a "click a cell"
view is a lookup. The sums are checked against the engine in the tests: they are the
numbers :func:`convviz.conv.conv2d` and the pooling functions return.

Examples
--------
>>> x = np.arange(1, 26).reshape(5, 5)
>>> s = conv2d_steps(x, [[1, 0, -1]] * 3)
>>> s.sums[0, 0], s.products[0, 0, 0, 0].tolist()
(np.float64(-6.0), [1.0, 0.0, -3.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arguments import (
    IntOrTuple, Padding, as_float_array, check_finite, check_mode_padding, check_padding_mode,
    padding_per_side, per_axis,
)
from .arithmetic import conv_output_size, conv_transpose_output_size, pool_output_size
from .padding import source_index


def _as_channels(x: object, name: str) -> np.ndarray:
    a = as_float_array(x, name)
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3 or 0 in a.shape:
        raise ValueError(f"{name} must be (H, W) or (C, H, W) with no empty axis, got shape {a.shape}")
    return a


def _taps(out: int, kernel: int, stride: int, dilation: int, before: int) -> np.ndarray:
    """Input coordinate of tap ``t`` at output ``o``, shape (out, kernel)."""
    return np.arange(out)[:, None] * stride + np.arange(kernel)[None, :] * dilation - before


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
    a = _as_channels(x, "x")
    w = _as_channels(weight, "weight")
    check_finite(w, "weight")
    if w.shape[0] != a.shape[0]:
        raise ValueError(f"weight has {w.shape[0]} channel slices but x has {a.shape[0]} channels")
    kernel, size = w.shape[1:], a.shape[1:]
    s = per_axis(stride, 2, "stride", minimum=1)
    d = per_axis(dilation, 2, "dilation", minimum=1)
    pads = padding_per_side(padding, kernel, s, d)
    check_padding_mode(padding_mode)
    out = conv_output_size(size, kernel, s, pads, d)
    check_mode_padding(pads, size, padding_mode)
    r = _taps(out[0], kernel[0], s[0], d[0], pads[0][0])
    c = _taps(out[1], kernel[1], s[1], d[1], pads[1][0])
    if region is not None:
        r0, r1, c0, c1 = (int(v) for v in region)
        if not (0 <= r0 < r1 <= out[0] and 0 <= c0 < c1 <= out[1]):
            raise ValueError(f"region {tuple(region)} must lie inside the output, which is {out[0]}×{out[1]}")
        r, c, out = r[r0:r1], c[c0:c1], (r1 - r0, c1 - c0)
    rows = np.broadcast_to(r[:, None, :, None], (out[0], out[1], kernel[0], kernel[1]))
    cols = np.broadcast_to(c[None, :, None, :], rows.shape)
    src_r, src_c = source_index(rows, size[0], padding_mode), source_index(cols, size[1], padding_mode)
    padded = (rows < 0) | (rows >= size[0]) | (cols < 0) | (cols >= size[1])
    values = np.where((src_r >= 0) & (src_c >= 0), a[:, np.maximum(src_r, 0), np.maximum(src_c, 0)], 0.0)
    products = values * w[:, None, None]
    partial = products.sum(axis=(3, 4))
    return ConvSteps(rows, cols, padded, values, w, products, partial, float(bias), partial.sum(0) + bias, pads)


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
    if kind not in ("max", "avg"):
        raise ValueError(f"kind must be 'max' or 'avg', got {kind!r}")
    a = _as_channels(x, "x")
    if a.shape[0] != 1:
        raise ValueError(f"pool2d_steps takes one channel, got {a.shape[0]}")
    a = a[0]
    k = per_axis(kernel_size, 2, "kernel_size", minimum=1)
    s = k if stride is None else per_axis(stride, 2, "stride", minimum=1)
    p = per_axis(padding, 2, "padding", minimum=0)
    d = per_axis(dilation, 2, "dilation", minimum=1)
    if kind == "avg" and d != (1, 1):
        raise ValueError(f"average pooling has no dilation (as in PyTorch), got {d}")
    out = pool_output_size(a.shape, k, s, p, d, ceil_mode)
    r, c = (_taps(o, ki, si, di, pi) for o, ki, si, di, pi in zip(out, k, s, d, p))
    rows = np.broadcast_to(r[:, None, :, None], (out[0], out[1], k[0], k[1]))
    cols = np.broadcast_to(c[None, :, None, :], rows.shape)
    padded = (rows < 0) | (rows >= a.shape[0]) | (cols < 0) | (cols >= a.shape[1])
    inside = a[np.clip(rows, 0, a.shape[0] - 1), np.clip(cols, 0, a.shape[1] - 1)]
    values = np.where(padded, -np.inf if kind == "max" else 0.0, inside)
    flat = values.reshape(out[0], out[1], -1)
    if kind == "max":
        nan = np.isnan(flat)
        last_nan = flat.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        best = np.where(nan.any(-1), last_nan, np.argmax(flat, axis=-1))  # first max; the last NaN wins
        winner = np.stack(np.unravel_index(best, k), axis=-1)
        results = np.take_along_axis(flat, best[..., None], axis=-1)[..., 0]
        return PoolSteps(rows, cols, padded, values, winner, None, results)
    total = values.sum(axis=(2, 3))
    inside_padding = (r >= -p[0]) & (r < a.shape[0] + p[0]), (c >= -p[1]) & (c < a.shape[1] + p[1])
    if count_include_pad:
        divisor = inside_padding[0].sum(1)[:, None] * inside_padding[1].sum(1)[None, :]
    else:
        divisor = (~padded).sum(axis=(2, 3))
    return PoolSteps(rows, cols, padded, values, None, divisor.astype(float), total / divisor)


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
    a = _as_channels(x, "x")[0]
    w = _as_channels(weight, "weight")[0]
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
