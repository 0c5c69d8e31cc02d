"""Convolution as a matrix: the sparse ``M`` with ``M @ x.ravel() == conv2d(x, w).ravel()``.

A convolution is linear in its input, so it is a matrix. Row ``(o, r, q)`` computes output
channel ``o`` at position ``(r, q)``: it holds the kernel's weights of every input channel in
the columns of the pixels its window covers, and zeros elsewhere. Most of a row is zeros,
so the matrix is kept sparse. Its transpose is the transposed convolution with the same
weight (which is where ``conv_transpose2d`` gets its name): ``M.T @ y`` spreads each output
back over the window it came from, as the gradient of conv2d does.

Examples
--------
>>> w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])          # one 2×2 kernel
>>> conv_matrix_dense((1, 3, 3), w)                    # 4 outputs × 9 pixels
array([[1., 2., 0., 3., 4., 0., 0., 0., 0.],
       [0., 1., 2., 0., 3., 4., 0., 0., 0.],
       [0., 0., 0., 1., 2., 0., 3., 4., 0.],
       [0., 0., 0., 0., 1., 2., 0., 3., 4.]])
>>> m = conv_matrix((1, 3, 3), w)
>>> m.shape, m.nnz
((4, 9), 16)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod

import numpy as np
from scipy import sparse

from .arguments import IntOrTuple, Padding, as_float_array, check_finite, padding_per_side, per_axis
from .arithmetic import conv_output_size

MAX_DENSE_CELLS = 4_000_000


@dataclass(frozen=True)
class _Layout:
    """One convolution's geometry, resolved once; sizes are per spatial axis."""

    channels: int
    size: tuple[int, ...]
    out_channels: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    pads: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    out: tuple[int, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return self.out_channels * prod(self.out), self.channels * prod(self.size)

    def sources(self) -> list[np.ndarray]:
        """Per axis, the input position that (output, tap) reads: ``o·stride − before + t·dilation``."""
        return [np.arange(o)[:, None] * s - before + np.arange(k)[None, :] * d
                for o, k, s, (before, _), d in zip(self.out, self.kernel, self.stride, self.pads, self.dilation)]

    def stored_entries(self) -> int:
        """Taps that read an input value (not padding), over every channel pair: the matrix's nnz."""
        inside = prod(int(((src >= 0) & (src < n)).sum()) for src, n in zip(self.sources(), self.size))
        return self.out_channels * self.channels * inside


def _resolve(input_shape: Sequence[int], weight: object, stride: IntOrTuple, padding: Padding,
             dilation: IntOrTuple) -> tuple[_Layout, np.ndarray]:
    w = as_float_array(weight, "weight")
    if w.ndim < 3:
        raise ValueError(f"weight must be (C_out, C_in, kH, kW), one kernel axis per spatial axis; got shape {w.shape}")
    spatial = w.ndim - 2
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, (Sequence, np.ndarray)):
        raise TypeError(
            f"input_shape must be a tuple (C_in, H, W), one sample without the batch axis; got {input_shape!r}"
        )
    if len(input_shape) != spatial + 1:
        raise ValueError(
            f"input_shape must have {spatial + 1} values, C_in and one size per kernel axis of weight {w.shape}; "
            f"got {tuple(input_shape)}"
        )
    channels, *size = per_axis(input_shape, spatial + 1, "input_shape", minimum=1)
    if 0 in w.shape:
        raise ValueError(f"weight must not have an axis of length 0, got shape {w.shape}")
    check_finite(w, "weight")
    if w.shape[1] != channels:
        raise ValueError(
            f"input_shape has C_in = {channels} channels but weight {w.shape} expects {w.shape[1]} (its axis 1)"
        )
    kernel = w.shape[2:]
    s = per_axis(stride, spatial, "stride", minimum=1)
    d = per_axis(dilation, spatial, "dilation", minimum=1)
    pads = padding_per_side(padding, kernel, s, d)
    out = conv_output_size(tuple(size), kernel, s, pads, d)
    # scipy.sparse has no float16; float32 holds every float16 exactly
    w = w.astype(np.float32) if w.dtype == np.float16 else w
    return _Layout(channels, tuple(size), w.shape[0], kernel, s, pads, d, out), w


def conv_matrix(
    input_shape: Sequence[int], weight: object, stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
) -> sparse.csr_array:
    """The matrix of a zero-padded convolution, sparse (CSR).

    Parameters
    ----------
    input_shape : (C_in, H, W)
        One sample, without the batch axis. Any number of spatial axes works: ``(C_in, L)``
        with a 3-D weight gives the matrix of ``conv1d``.
    weight : array, shape (C_out, C_in, kH, kW)
    stride, dilation : int or (int, int)
    padding : int, (int, int), ((top, bottom), (left, right)), "valid", "same" or "full"
        Zeros, spelled as for :func:`convviz.conv2d`.

    Returns
    -------
    scipy.sparse.csr_array, shape (C_out·H_out·W_out, C_in·H·W)
        ``M @ x.ravel() == conv2d(x, weight, …).ravel()`` for ``x`` of shape `input_shape`, and
        ``M.T @ y.ravel() == conv_transpose2d(y, weight, …).ravel()`` with the `output_padding`
        :func:`transpose_output_padding` gives. float32 weights give a float32 matrix.

    Raises
    ------
    ValueError
        A channel count that does not match, or impossible sizes (with the output-size formula).

    Notes
    -----
    Every tap that reads an input value is stored, zero weights included, so ``nnz`` is the
    number of multiplications conv2d does with input values: ``C_out·C_in·kH·kW·H_out·W_out``
    without padding (:func:`convviz.conv_mac_count`), fewer where windows overlap the padding.
    The sparse form keeps 12 bytes per entry (a float64 value and an int32 column index);
    building it peaks at about 28, however large the dense form would be (8 filters on a
    3×256×256 image: 14 million entries, 170 MB, about a second). Which taps read the input
    is found per axis and combined by broadcasting, with no loop over pixels.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> m = conv_matrix(x.shape, np.ones((2, 1, 3, 3)), stride=2, padding=1)
    >>> m.shape
    (8, 16)
    >>> (m @ x.ravel()).reshape(2, 2, 2)[0]
    array([[10., 24.],
           [51., 90.]])
    """
    return _sparse(*_resolve(input_shape, weight, stride, padding, dilation))


def _sparse(layout: _Layout, w: np.ndarray) -> sparse.csr_array:
    ndim = len(layout.size)
    sources = layout.sources()
    inside = np.ones(layout.out + layout.kernel, bool)     # axes: output positions, then taps
    for axis, (src, n) in enumerate(zip(sources, layout.size)):
        shape = [1] * (2 * ndim)
        shape[axis], shape[ndim + axis] = src.shape
        inside &= ((src >= 0) & (src < n)).reshape(shape)
    found = np.nonzero(inside)                             # ordered by output position, then tap
    at, taps = found[:ndim], found[ndim:]
    out_pos = np.ravel_multi_index(at, layout.out)
    in_pos = np.ravel_multi_index([src[a, t] for src, a, t in zip(sources, at, taps)], layout.size)
    # Row (o, p) lists input channel 0's taps of position p, then channel 1's, …, so its
    # columns come out sorted. Within one output channel's entries, tap e (of position p,
    # whose taps are e = start … start + count − 1) of channel c therefore goes to
    # C_in·start + c·count + (e − start): the CSR arrays are written in place, not sorted.
    counts = np.bincount(out_pos, minlength=prod(layout.out))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[out_pos]
    channel = np.arange(layout.channels)[:, None]
    place = (layout.channels * starts + channel * counts[out_pos] + (np.arange(out_pos.size) - starts)).ravel()
    rows, cols = layout.shape
    index = np.int32 if max(cols, layout.out_channels * place.size) < 2**31 else np.int64
    columns = np.empty(place.size, index)
    columns[place] = (channel * prod(layout.size) + in_pos).ravel()
    data = np.empty((layout.out_channels, place.size), w.dtype)
    data[:, place] = w[(slice(None), slice(None)) + taps].reshape(layout.out_channels, -1)
    indptr = np.concatenate(([0], np.cumsum(np.tile(layout.channels * counts, layout.out_channels))))
    return sparse.csr_array((data.ravel(), np.tile(columns, layout.out_channels), indptr.astype(index)),
                            shape=(rows, cols))


def _bytes(n: int) -> str:
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            return f"{n:,} bytes ({n / size:.1f} {unit})"
    return f"{n:,} bytes"


def conv_matrix_dense(
    input_shape: Sequence[int], weight: object, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, max_cells: int = MAX_DENSE_CELLS,
) -> np.ndarray:
    """:func:`conv_matrix` as a dense array, for a picture; refused above `max_cells` cells.

    The dense matrix has ``C_out·H_out·W_out × C_in·H·W`` cells, which grows with the fourth
    power of the image side: a 64×64 RGB image and 8 filters already needs 3.2 GB.

    Raises
    ------
    ValueError
        If the matrix would have more than `max_cells` cells; the message gives its size in
        cells and in bytes, and the number of entries the sparse form stores instead.

    Examples
    --------
    >>> conv_matrix_dense((1, 3), np.array([[[1.0, -1.0]]]))   # conv1d: 2 outputs × 3 inputs
    array([[ 1., -1.,  0.],
           [ 0.,  1., -1.]])
    >>> conv_matrix_dense((3, 64, 64), np.ones((8, 3, 3, 3)), padding=1)
    Traceback (most recent call last):
    ...
    ValueError: the dense matrix would be 32,768 × 12,288 = 402,653,184 cells, 3,221,225,472 bytes (3.2 GB) ...
    """
    limit = per_axis(max_cells, 1, "max_cells", minimum=1)[0]
    layout, w = _resolve(input_shape, weight, stride, padding, dilation)
    rows, cols = layout.shape
    if rows * cols > limit:
        raise ValueError(
            f"the dense matrix would be {rows:,} × {cols:,} = {rows * cols:,} cells, "
            f"{_bytes(rows * cols * w.dtype.itemsize)} as {w.dtype}, above the limit of {limit:,} cells; "
            f"conv_matrix gives it sparse, storing {layout.stored_entries():,} entries"
        )
    return _sparse(layout, w).toarray()


def transpose_output_padding(
    input_size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1,
) -> int | tuple[int, ...]:
    """The `output_padding` that makes ``conv_transpose2d`` give back a convolution's input size.

    A strided convolution maps several input sizes to one output size, so the transposed
    convolution needs telling which one: ``(n + before + after − dilation·(k − 1) − 1) mod stride``
    positions after the last window, plus ``before − after``. Call ``conv_transpose2d`` with
    ``padding`` = the *before* amounts (it crops that many from both ends) and this output_padding;
    it then equals ``conv_matrix(…).T @ y``.

    Parameters
    ----------
    input_size : int or tuple of int
        The convolution's input size per spatial axis; an int gives an int back.
    kernel_size, stride, dilation : int or tuple of int
    padding : as for :func:`conv_matrix`

    Raises
    ------
    ValueError
        When no output_padding PyTorch accepts (``0 ≤ output_padding < max(stride, dilation)``)
        gives back `input_size`, as for ``padding="same"`` with an even kernel.

    Examples
    --------
    >>> transpose_output_padding((5, 6), kernel_size=3, stride=2, padding=1)
    (0, 1)
    >>> transpose_output_padding(4, kernel_size=2, padding="same")
    Traceback (most recent call last):
    ...
    ValueError: no output_padding gives back the input size 4: conv_transpose2d crops padding=0 from both ends, ...
    """
    scalar = not isinstance(input_size, (Sequence, np.ndarray))
    sizes = per_axis(input_size, 1 if scalar else len(input_size), "input_size", minimum=1)
    k = per_axis(kernel_size, len(sizes), "kernel_size", minimum=1)
    s = per_axis(stride, len(sizes), "stride", minimum=1)
    d = per_axis(dilation, len(sizes), "dilation", minimum=1)
    pads = padding_per_side(padding, k, s, d)
    conv_output_size(sizes, k, s, pads, d)
    extra = []
    for axis, (n, ki, si, (before, after), di) in enumerate(zip(sizes, k, s, pads, d)):
        op = (n + before + after - di * (ki - 1) - 1) % si + before - after
        where = "" if scalar else f" along axis {axis}"
        if op < 0:
            raise ValueError(
                f"no output_padding gives back the input size {n}{where}: conv_transpose2d crops "
                f"padding={before} from both ends, but this convolution padded {before} before and {after} "
                f"after, so even with output_padding=0 its transpose is {n - op}, {-op} too long"
            )
        if op >= si and op >= di:
            raise ValueError(
                f"no output_padding gives back the input size {n}{where}: it would take output_padding={op}, "
                f"but PyTorch allows only values below the stride ({si}) or the dilation ({di}); "
                f"the convolution padded {before} before and only {after} after"
            )
        extra.append(op)
    return extra[0] if scalar else tuple(extra)
