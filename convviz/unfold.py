"""im2col and col2im: every kernel-sized block of an image as one column, and back.

:func:`unfold` copies each block a kernel visits into a column, so a convolution becomes
one matrix multiply: ``conv2d(x, w) == (w.reshape(C_out, -1) @ unfold(x, k)).reshape(…)``.
:func:`fold` goes the other way, adding every column back where its block came from;
where blocks overlap their values add, so fold is unfold's transpose, not its inverse.
Both follow ``torch.nn.functional.unfold`` and ``fold``: the same arguments, shapes, order
and (symmetric, zero) padding.

Row ``c·kH·kW + i·kW + j`` of the columns holds tap ``(i, j)`` of channel ``c``; column
``r·W_blocks + q`` is the block at block row ``r``, block column ``q``.

Examples
--------
>>> x = np.arange(9).reshape(1, 3, 3)
>>> unfold(x, kernel_size=2)
array([[0, 1, 3, 4],
       [1, 2, 4, 5],
       [3, 4, 6, 7],
       [4, 5, 7, 8]])
>>> fold(np.ones((4, 4)), output_size=3, kernel_size=2)      # how many blocks cover each pixel
array([[[1., 2., 1.],
        [2., 4., 2.],
        [1., 2., 1.]]])
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from math import prod

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .arguments import IntOrTuple, as_float_array, check_ndim, per_axis
from .arithmetic import explain_conv_output_size


@dataclass(frozen=True)
class _Blocks:
    """Where the blocks of a 2-D image lie: resolved once, read by unfold and fold alike."""

    size: tuple[int, int]
    kernel_size: tuple[int, int]
    dilation: tuple[int, int]
    padding: tuple[int, int]
    stride: tuple[int, int]
    blocks: tuple[int, int]

    def span(self, axis: int) -> int:
        return self.dilation[axis] * (self.kernel_size[axis] - 1) + 1

    def tap_slice(self, axis: int, tap: int) -> slice:
        """Padded positions that tap `tap` reads, one per block, along `axis`."""
        start = tap * self.dilation[axis]
        return slice(start, start + (self.blocks[axis] - 1) * self.stride[axis] + 1, self.stride[axis])


def _blocks(size: tuple[int, int], kernel_size: IntOrTuple, dilation: IntOrTuple, padding: IntOrTuple,
            stride: IntOrTuple) -> _Blocks:
    k = per_axis(kernel_size, 2, "kernel_size", minimum=1)
    d = per_axis(dilation, 2, "dilation", minimum=1)
    p = per_axis(padding, 2, "padding", minimum=0)
    s = per_axis(stride, 2, "stride", minimum=1)
    worked = explain_conv_output_size(size, k, s, p, d)
    for axis, w in enumerate(worked):
        if w.problem:
            raise ValueError(f"the number of blocks along axis {axis} would be {w.text}: {w.problem}")
    return _Blocks(size, k, d, p, s, (worked[0].value, worked[1].value))


def _as_numbers(x: object) -> np.ndarray:
    try:
        arr = np.asarray(x)
    except ValueError as exc:
        raise ValueError(f"x must be a rectangular array of numbers: {exc}") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"x must hold integers or real numbers, got dtype {arr.dtype}")
    return arr


def _nonempty(x: np.ndarray) -> None:
    if 0 in x.shape:
        raise ValueError(f"x must not have an axis of length 0, got shape {x.shape}")


def unfold(
    x: object, kernel_size: IntOrTuple, dilation: IntOrTuple = 1, padding: IntOrTuple = 0, stride: IntOrTuple = 1,
) -> np.ndarray:
    """Every block a kernel visits, as a column (im2col), as ``torch.nn.functional.unfold``.

    Parameters
    ----------
    x : array, shape (C, H, W) or (N, C, H, W)
        Integers keep their dtype (unfold only copies), so quantized values can be unfolded.
    kernel_size, dilation, stride : int or (int, int)
    padding : int or (int, int)
        Zeros added on both sides of each axis, as in PyTorch (no per-side amounts here).

    Returns
    -------
    array, shape (C·kH·kW, L) or (N, C·kH·kW, L)
        ``L = H_blocks·W_blocks``, each ``⌊(size + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1``.

    Raises
    ------
    ValueError
        A kernel larger than the padded input (with the formula), negative padding,
        a stride or dilation below 1, a wrong number of dimensions.
    TypeError
        Non-numeric `x` or non-integer sizes.

    Notes
    -----
    The result is a copy holding ``kH·kW`` values per block, about ``kH·kW/stride²`` times
    the input: the memory im2col trades for turning convolution into one matrix multiply.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> unfold(x, kernel_size=2, stride=2)[0]
    array([[ 0.,  2.,  8., 10.],
           [ 1.,  3.,  9., 11.],
           [ 4.,  6., 12., 14.],
           [ 5.,  7., 13., 15.]])
    >>> unfold(x, kernel_size=3, padding=1).shape
    (1, 9, 16)
    """
    arr = _as_numbers(x)
    batched = check_ndim(arr, "x", spatial=2)
    _nonempty(arr)
    blocks = _blocks(arr.shape[-2:], kernel_size, dilation, padding, stride)
    xb = arr if batched else arr[None]
    padded = np.pad(xb, ((0, 0), (0, 0)) + tuple((p, p) for p in blocks.padding))
    windows = sliding_window_view(padded, (blocks.span(0), blocks.span(1)), axis=(2, 3))
    (sh, sw), (dh, dw) = blocks.stride, blocks.dilation
    taps = windows[:, :, ::sh, ::sw, ::dh, ::dw]                       # (N, C, blocks, blocks, kH, kW)
    n, c = xb.shape[:2]
    cols = taps.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * prod(blocks.kernel_size), prod(blocks.blocks))
    return cols if batched else cols[0]


def fold(
    x: object, output_size: IntOrTuple, kernel_size: IntOrTuple, dilation: IntOrTuple = 1,
    padding: IntOrTuple = 0, stride: IntOrTuple = 1,
) -> np.ndarray:
    """Add every column back where its block lies (col2im), as ``torch.nn.functional.fold``.

    Where blocks overlap their values add up, so ``fold(unfold(x))`` is `x` times the number
    of blocks covering each pixel, and values that land in the padding are dropped.

    Parameters
    ----------
    x : array, shape (C·kH·kW, L) or (N, C·kH·kW, L)
        Columns laid out as :func:`unfold` makes them. Integers become float64.
    output_size : int or (int, int)
        ``(H, W)`` of the image to rebuild (PyTorch cannot infer it: several sizes give the same L).
    kernel_size, dilation, padding, stride : int or (int, int)
        As for :func:`unfold`.

    Returns
    -------
    array, shape (C, H, W) or (N, C, H, W)

    Raises
    ------
    ValueError
        Rows not a multiple of ``kH·kW``, or a number of columns other than the number of
        blocks `output_size` and the settings give.

    Notes
    -----
    One vectorised add per kernel tap, ``kH·kW`` in all, each over every block and channel.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3)
    >>> fold(unfold(x, 2), output_size=3, kernel_size=2)     # x times 1, 2 or 4 blocks per pixel
    array([[[ 0.,  2.,  2.],
            [ 6., 16., 10.],
            [ 6., 14.,  8.]]])
    >>> one_block = np.array([[1.0], [2.0], [3.0], [4.0]])   # taps (0, 0), (0, 1), (1, 0), (1, 1)
    >>> fold(one_block, output_size=1, kernel_size=2, padding=1, stride=2)   # 3 taps land in padding
    array([[[4.]]])
    """
    arr = as_float_array(x, "x")
    if arr.ndim not in (2, 3):
        raise ValueError(
            f"x must have 2 dimensions (C·kH·kW, L) or 3 dimensions (N, C·kH·kW, L), got shape {arr.shape}"
        )
    _nonempty(arr)
    batched = arr.ndim == 3
    size = per_axis(output_size, 2, "output_size", minimum=1)
    blocks = _blocks(size, kernel_size, dilation, padding, stride)
    (kh, kw), (bh, bw) = blocks.kernel_size, blocks.blocks
    rows, count = arr.shape[-2:]
    if rows % (kh * kw):
        raise ValueError(
            f"x has {rows} rows (axis −2), not a multiple of kH·kW = {kh}·{kw} = {kh * kw}: "
            f"each channel gives one row per kernel tap"
        )
    if count != bh * bw:
        raise ValueError(
            f"x has {count} columns (axis −1), but output_size {size} with this kernel, stride, padding "
            f"and dilation has {bh}·{bw} = {bh * bw} blocks: one column per block"
        )
    xb = arr if batched else arr[None]
    n, c = xb.shape[0], rows // (kh * kw)
    cols = xb.reshape(n, c, kh, kw, bh, bw)
    (ph, pw) = blocks.padding
    out = np.zeros((n, c, size[0] + 2 * ph, size[1] + 2 * pw), arr.dtype)
    for i, j in product(range(kh), range(kw)):
        out[:, :, blocks.tap_slice(0, i), blocks.tap_slice(1, j)] += cols[:, :, i, j]
    out = out[:, :, ph:ph + size[0], pw:pw + size[1]]
    return np.ascontiguousarray(out if batched else out[0])
