"""Max and average pooling with PyTorch's arguments, shapes and ``ceil_mode`` rule.

Pooling is separable: the maximum (or sum) over a k×k window is the maximum over k rows
of the maximum over k columns. So each axis is reduced in turn with a running
``np.maximum`` / ``np.add`` over strided views of the taps, a block of output rows at a
time.

Notes
-----
The input is read from memory once; each axis then costs ``k − 1`` passes over what the
previous axes left, which stays in cache. Working memory is about ``BLOCK_BYTES`` plus the
output. Padding (and a ``ceil_mode`` window past the edge) costs one padded copy first.

Examples
--------
>>> x = np.arange(16.0).reshape(1, 4, 4)
>>> max_pool2d(x, 2)
array([[[ 5.,  7.],
        [13., 15.]]])
>>> avg_pool2d(x, 2)
array([[[ 2.5,  4.5],
        [10.5, 12.5]]])
"""

from __future__ import annotations

import numpy as np

from .arguments import IntOrTuple, as_float_array, as_int, check_ndim, per_axis
from .arithmetic import _result
from .formulas import pool_axis

# Input bytes one block of output rows reads (see `_reduce`). The input is read once anyway;
# what the first axis reduced leaves for the next is smaller and stays in cache.
BLOCK_BYTES = 2 << 20


def _setup(x, kernel_size, stride, padding, dilation, ceil_mode, spatial):
    x = as_float_array(x, "x")
    batched = check_ndim(x, "x", spatial)
    if 0 in x.shape:
        raise ValueError(f"x must not have an axis of length 0, got shape {x.shape}")
    k = per_axis(kernel_size, spatial, "kernel_size", minimum=1)
    s = k if stride is None else per_axis(stride, spatial, "stride", minimum=1)
    p = per_axis(padding, spatial, "padding", minimum=0)
    d = per_axis(dilation, spatial, "dilation", minimum=1)
    sizes = x.shape[-spatial:]
    out = _result(False, [pool_axis(*a, bool(ceil_mode)) for a in zip(sizes, k, s, p, d)], "output size")
    return (x if batched else x[None]), batched, k, s, p, d, sizes, out


def _padded(x, pads, k, s, d, out, value):
    """`x` padded by `pads` before and enough after for every window (ceil_mode may overhang)."""
    after = [(o - 1) * si + di * (ki - 1) + 1 - n - pi for o, si, di, ki, n, pi in zip(out, s, d, k, x.shape[2:], pads)]
    widths = [(0, 0), (0, 0)] + [(pi, max(a, 0)) for pi, a in zip(pads, after)]
    if not any(w for pair in widths for w in pair):
        return x
    return np.pad(x, widths, constant_values=value)


def _tap(x: np.ndarray, axis: int, t: int, s: int, d: int, o: int) -> np.ndarray:
    index = [slice(None)] * x.ndim
    index[axis] = slice(t * d, t * d + s * (o - 1) + 1, s)
    return x[tuple(index)]


def _fold(op, taps: list[np.ndarray], out: np.ndarray | None) -> np.ndarray:
    """``op`` over `taps` in order, into `out` (a new array when None; the tap itself if alone)."""
    if len(taps) == 1:
        if out is None:
            return taps[0]
        out[...] = taps[0]
        return out
    acc = op(taps[0], taps[1], out=out)
    for tap in taps[2:]:
        op(acc, tap, out=acc)
    return acc


def _reduce(x, op, k, s, d, out, scale=None):
    """Reduce every window of `x` with `op`, then multiply by `scale` (avg pooling's 1/divisor).

    Works a block of output rows (first spatial axis) at a time, so what one axis leaves for
    the next stays in cache. ``np.add`` takes the last axis first: its loop over stride-`s`
    taps is fast, and it divides the data by the stride before the contiguous passes.
    ``np.maximum``'s strided loop is over twice as slow, so max pooling takes the last
    axis last, when the data is smallest.
    """
    result = np.empty(x.shape[:2] + tuple(out), x.dtype)
    axes = list(range(2, x.ndim))
    if op is np.add:
        axes.reverse()
    if scale is not None:
        scale = np.broadcast_to(scale, tuple(out))
    rows = max(1, BLOCK_BYTES // (x.itemsize * x[:, :, 0].size * s[0]))
    for r0 in range(0, out[0], rows):
        r1 = min(out[0], r0 + rows)
        part = x[:, :, r0 * s[0]:(r1 - 1) * s[0] + d[0] * (k[0] - 1) + 1]
        counts = (r1 - r0, *out[1:])
        for axis in axes:
            a = axis - 2
            taps = [_tap(part, axis, t, s[a], d[a], counts[a]) for t in range(k[a])]
            part = _fold(op, taps, result[:, :, r0:r1] if axis == axes[-1] else None)
        if scale is not None:
            part *= scale[r0:r1]
    return result


def _max_indices(x, k, s, p, d, out, sizes):
    """Flat input index of each window's maximum: the first in scan order; the last NaN wins."""
    xp = _padded(x, p, k, s, d, out, -np.inf)
    best = np.full(x.shape[:2] + tuple(out), -np.inf, x.dtype)
    starts = []
    for oi, si, pi, di, n in zip(out, s, p, d, sizes):
        first = np.arange(oi) * si - pi
        first = first + np.maximum(-(first // di), 0) * di  # first tap inside the input
        starts.append(np.clip(first, 0, n - 1))  # a window of only padding points at the edge
    flat = np.ravel_multi_index(np.meshgrid(*starts, indexing="ij"), sizes)
    idx = np.broadcast_to(flat, best.shape).copy()
    for tap in np.ndindex(*k):
        view = xp[(slice(None), slice(None)) + tuple(
            slice(t * di, t * di + si * (oi - 1) + 1, si) for t, si, di, oi in zip(tap, s, d, out))]
        better = (view > best) | np.isnan(view)  # as PyTorch: the last NaN wins
        np.copyto(best, view, where=better)
        pos = [np.arange(oi) * si - pi + t * di for oi, si, pi, t, di in zip(out, s, p, tap, d)]
        inside = np.meshgrid(*[np.clip(q, 0, n - 1) for q, n in zip(pos, sizes)], indexing="ij")
        np.copyto(idx, np.ravel_multi_index(inside, sizes), where=better)
    return idx


def _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, spatial):
    xb, batched, k, s, p, d, sizes, out = _setup(x, kernel_size, stride, padding, dilation, ceil_mode, spatial)
    result = _reduce(_padded(xb, p, k, s, d, out, -np.inf), np.maximum, k, s, d, out)
    result = result if batched else result[0]
    if not return_indices:
        return result
    idx = _max_indices(xb, k, s, p, d, out, sizes)
    return result, (idx if batched else idx[0])


def _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, spatial):
    xb, batched, k, s, p, d, sizes, out = _setup(x, kernel_size, stride, padding, 1, ceil_mode, spatial)
    if divisor_override is not None:
        divisor = as_int(divisor_override, "divisor_override")
        if divisor == 0:
            raise ValueError("divisor_override must not be 0")
    else:
        divisor = 1
        for axis, (oi, si, pi, ki, n) in enumerate(zip(out, s, p, k, sizes)):
            start = np.arange(oi) * si - pi
            end = np.minimum(start + ki, n + pi)  # windows are clipped to the padded input
            count = (end - start) if count_include_pad else (np.minimum(end, n) - np.maximum(start, 0))
            if (count == count[0]).all():
                divisor = divisor * count[0]  # the common case: every window counts the same
            else:
                shape = [1] * spatial
                shape[axis] = oi
                divisor = divisor * count.reshape(shape)
    divisor = np.asarray(divisor, dtype=xb.dtype)
    total = _reduce(_padded(xb, p, k, s, d, out, 0), np.add, k, s, d, out, scale=1 / divisor)
    return total if batched else total[0]


def max_pool1d(x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
               dilation: IntOrTuple = 1, ceil_mode: bool = False, return_indices: bool = False):
    """1-D max pooling, as ``torch.nn.functional.max_pool1d``; see :func:`max_pool2d`.

    >>> max_pool1d(np.array([[1.0, 3.0, 2.0, 5.0, 4.0]]), 2, ceil_mode=True)
    array([[3., 5., 4.]])
    """
    return _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1)


def max_pool2d(x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
               dilation: IntOrTuple = 1, ceil_mode: bool = False, return_indices: bool = False):
    """2-D max pooling, as ``torch.nn.functional.max_pool2d``.

    Parameters
    ----------
    x : array, shape (C, H, W) or (N, C, H, W)
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to `kernel_size` (windows side by side).
    padding : int or (int, int)
        Implicit −∞ on both sides; at most half the kernel size.
    dilation : int or (int, int)
    ceil_mode : bool
        Round the output size up; a window that would start in the right padding is dropped.
    return_indices : bool
        Also return, for each output, the flat index (``row·W + col``) of the input value
        that won; the first one in scan order on ties. NaN always wins (the last NaN's
        index), as in PyTorch.

    Examples
    --------
    >>> x = np.array([[[1.0, 2.0, 0.0], [4.0, 3.0, 6.0], [0.0, 8.0, 9.0]]])
    >>> max_pool2d(x, 2, stride=1)
    array([[[4., 6.],
            [8., 9.]]])
    >>> max_pool2d(x, 2, stride=1, return_indices=True)[1]
    array([[[3, 5],
            [7, 8]]])
    """
    return _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2)


def max_pool3d(x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
               dilation: IntOrTuple = 1, ceil_mode: bool = False, return_indices: bool = False):
    """3-D max pooling, as ``torch.nn.functional.max_pool3d``; see :func:`max_pool2d`.

    >>> max_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 2)
    array([[[[7.]]]])
    """
    return _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3)


def avg_pool1d(x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> np.ndarray:
    """1-D average pooling, as ``torch.nn.functional.avg_pool1d``; see :func:`avg_pool2d`.

    >>> avg_pool1d(np.array([[1.0, 2.0, 3.0]]), 2, padding=1)
    array([[0.5, 2.5]])
    """
    return _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 1)


def avg_pool2d(x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> np.ndarray:
    """2-D average pooling, as ``torch.nn.functional.avg_pool2d``.

    Parameters
    ----------
    x : array, shape (C, H, W) or (N, C, H, W)
    kernel_size, stride, padding, ceil_mode
        As in :func:`max_pool2d` (padding is zeros here; there is no dilation).
    count_include_pad : bool
        Divide by the window size including padding (True, PyTorch's default) or by the
        number of real input values in the window (False). Parts of a ``ceil_mode`` window
        beyond the padding never count.
    divisor_override : int, optional
        Divide every sum by this instead.

    Examples
    --------
    >>> x = np.ones((1, 2, 2))
    >>> avg_pool2d(x, 2, stride=1, padding=1)
    array([[[0.25, 0.5 , 0.25],
            [0.5 , 1.  , 0.5 ],
            [0.25, 0.5 , 0.25]]])
    >>> avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=False)
    array([[[1., 1., 1.],
            [1., 1., 1.],
            [1., 1., 1.]]])
    """
    return _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2)


def avg_pool3d(x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> np.ndarray:
    """3-D average pooling, as ``torch.nn.functional.avg_pool3d``; see :func:`avg_pool2d`.

    >>> avg_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 2)
    array([[[[3.5]]]])
    """
    return _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3)


def _global(x: object, spatial_dims: int, reduce) -> np.ndarray:
    spatial = per_axis(spatial_dims, 1, "spatial_dims", minimum=1)[0]
    x = as_float_array(x, "x")
    check_ndim(x, "x", spatial)
    if 0 in x.shape:
        raise ValueError(f"x must not have an axis of length 0, got shape {x.shape}")
    return reduce(x, axis=tuple(range(x.ndim - spatial, x.ndim)), keepdims=True)


def global_max_pool(x: object, spatial_dims: int = 2) -> np.ndarray:
    """Maximum over all spatial positions, keeping them as axes of size 1.

    Same as ``adaptive_max_pool2d(x, 1)`` in PyTorch.

    >>> global_max_pool(np.arange(8.0).reshape(2, 2, 2))
    array([[[3.]],
    <BLANKLINE>
           [[7.]]])
    """
    return _global(x, spatial_dims, np.max)


def global_avg_pool(x: object, spatial_dims: int = 2) -> np.ndarray:
    """Mean over all spatial positions, keeping them as axes of size 1.

    Same as ``adaptive_avg_pool2d(x, 1)`` in PyTorch.

    >>> global_avg_pool(np.arange(8.0).reshape(2, 2, 2))
    array([[[1.5]],
    <BLANKLINE>
           [[5.5]]])
    """
    return _global(x, spatial_dims, np.mean)
