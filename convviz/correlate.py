"""The blocked im2col kernel behind every convolution in :mod:`convviz.conv`.

Arguments arrive validated and normalised. The input is never padded as a whole: for a
block of output rows, the padded input rows that block reads are gathered into a small
slab (padding filled per ``padding_mode``), split into stride phases along the last axis so
every kernel tap becomes one contiguous slice. The taps of all channels of a group are
copied into a column matrix and one matrix multiply per group turns them into output rows.

Notes
-----
Working memory is one slab and one column matrix of about ``BLOCK_BYTES`` each, plus the
output. Copies are ``C·∏k`` reads of each output position; the multiply is
``C_out·C/groups·∏k`` multiply–accumulates per position.
"""

from __future__ import annotations

from itertools import product
from math import gcd, prod
import numpy as np
from numpy.lib.stride_tricks import as_strided
from threadpoolctl import ThreadpoolController

from .padding import source_index

COLS_BYTES = 1 << 20
SLAB_BYTES = 4 << 20
# OpenBLAS multiplies without packing when M·N·K is below about 10⁶, much faster for
# the short, wide products here; split wide products into chunks that qualify.
SMALL_GEMM = 640_000
_BLAS = ThreadpoolController()


def _segments(start: int, step: int, count: int, size: int, before: int, mode: str) -> list:
    """Split padded positions ``start + step·t`` (t < count) into runs read the same way.

    Each run is ``(destination slice, source)`` where source is a slice into the input, an
    index array (padding copied from the input), or None (zeros).
    """
    src = start - before + step * np.arange(count)
    inside = np.flatnonzero((src >= 0) & (src < size))
    runs = []
    a, b = (int(inside[0]), int(inside[-1]) + 1) if inside.size else (count, count)
    for lo, hi in ((0, min(a, count)), (b, count)):
        if hi > lo:
            idx = source_index(src[lo:hi], size, mode)
            runs.append((slice(lo, hi), None if mode == "zeros" else idx))
    if b > a:
        runs.append((slice(a, b), slice(int(src[a]), int(src[b - 1]) + 1, step)))
    return runs


def _gather(x: np.ndarray, dst: np.ndarray, axes: list[list]) -> None:
    """Fill ``dst[:, ...]`` from ``x[:, ...]`` run by run, one axis at a time."""
    for combo in product(*axes):
        target = (slice(None),) + tuple(run[0] for run in combo)
        if any(run[1] is None for run in combo):
            dst[target] = 0
            continue
        part = x[(slice(None),) + tuple(r[1] if isinstance(r[1], slice) else slice(None) for r in combo)]
        for axis, run in enumerate(combo, start=1):
            if not isinstance(run[1], slice):
                part = np.take(part, run[1], axis=axis)
        dst[target] = part


def correlate(
    x: np.ndarray,
    weight: np.ndarray,
    stride: tuple[int, ...],
    pads: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    groups: int,
    padding_mode: str,
    out_size: tuple[int, ...],
) -> np.ndarray:
    """Cross-correlate a batch ``(N, C, *S)`` with ``(C_out, C/groups, *K)`` weights.

    Everything is assumed valid; ``out_size`` comes from the output-size formula.
    One spatial axis is handled as two with a leading axis of size 1.
    """
    if x.ndim == 3:
        out = correlate(
            x[:, :, None], weight[:, :, None], (1, *stride), ((0, 0), *pads),
            (1, *dilation), groups, padding_mode, (1, *out_size),
        )
        return out[:, :, 0]
    with _BLAS.limit(limits=1, user_api="blas"):
        return _correlate(x, weight, stride, pads, dilation, groups, padding_mode, out_size)


def _correlate(x, weight, stride, pads, dilation, groups, padding_mode, out_size):
    n_batch, channels = x.shape[:2]
    c_out, c_group = weight.shape[:2]
    kernel, sizes = weight.shape[2:], x.shape[2:]
    o_group, taps = c_out // groups, prod(kernel)
    rest = prod(out_size[1:])
    out = np.empty((n_batch, c_out, out_size[0] * rest), x.dtype)
    w = weight.reshape(groups, o_group, c_group * taps)

    # Positions read along an axis are multiples of g = gcd(stride, dilation): gather only
    # those, and work on that grid with stride/g and dilation/g.
    grid = [gcd(s, d) for s, d in zip(stride, dilation)]
    s_r = [s // g for s, g in zip(stride, grid)]
    d_r = [d // g for d, g in zip(dilation, grid)]
    span = [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(out_size, s_r, d_r, kernel)]
    phases = sorted({(t * d_r[-1]) % s_r[-1] for t in range(kernel[-1])})
    phase_len = {b: -(-(span[-1] - b) // s_r[-1]) for b in phases}
    mid_axes = [
        _segments(0, g, n_span, n, p[0], padding_mode)
        for g, n_span, n, p in zip(grid[1:-1], span[1:-1], sizes[1:-1], pads[1:-1])
    ]
    last_axes = {
        b: _segments(grid[-1] * b, stride[-1], phase_len[b], sizes[-1], pads[-1][0], padding_mode)
        for b in phases
    }
    # Taps along the last axis that read the same phase are ``s_r`` apart in the kernel and
    # ``d_r`` apart in the slab, so each phase is copied with one strided view.
    last_taps = {b: [j for j in range(kernel[-1]) if (j * d_r[-1]) % s_r[-1] == b] for b in phases}
    rows_per_cols = max(1, COLS_BYTES // (x.itemsize * c_group * taps * rest))
    slab_row_bytes = x.itemsize * channels * s_r[0] * prod(span[1:-1]) * sum(phase_len.values())
    rows_per_slab = rows_per_cols * max(1, SLAB_BYTES // (slab_row_bytes * rows_per_cols))
    chunk = max(128, SMALL_GEMM // (o_group * c_group * taps) // 128 * 128)

    for n, r0 in product(range(n_batch), range(0, out_size[0], rows_per_slab)):
        r1 = min(out_size[0], r0 + rows_per_slab)
        span0 = (r1 - r0 - 1) * s_r[0] + d_r[0] * (kernel[0] - 1) + 1
        first_axis = _segments(r0 * stride[0], grid[0], span0, sizes[0], pads[0][0], padding_mode)
        slabs = {}
        for b in phases:
            slabs[b] = np.empty((channels, span0, *span[1:-1], phase_len[b]), x.dtype)
            _gather(x[n], slabs[b], [first_axis, *mid_axes, last_axes[b]])
        cols = np.empty((c_group * taps, rows_per_cols * rest), x.dtype)
        for c0 in range(r0, r1, rows_per_cols):
            c1 = min(r1, c0 + rows_per_cols)
            block = cols[:, :(c1 - c0) * rest]
            view = block.reshape(c_group, *kernel, c1 - c0, *out_size[1:])
            for g in range(groups):
                for b, js in last_taps.items():
                    slab = slabs[b]
                    first = (js[0] * d_r[-1]) // s_r[-1]
                    base = slab[(slice(g * c_group, (g + 1) * c_group), slice((c0 - r0) * s_r[0], None))
                                + (slice(None),) * (len(span) - 2) + (slice(first, None),)]
                    st = slab.strides[1:]
                    src = as_strided(
                        base,
                        shape=(c_group, *kernel[:-1], len(js), c1 - c0, *out_size[1:]),
                        strides=(slab.strides[0], *(d * t for d, t in zip(d_r[:-1], st[:-1])),
                                 d_r[-1] * st[-1], *(s * t for s, t in zip(s_r[:-1], st[:-1])), st[-1]),
                        writeable=False,
                    )
                    view[(slice(None),) * (len(kernel)) + (slice(js[0], None, s_r[-1]),)] = src
                target = out[n, g * o_group:(g + 1) * o_group, c0 * rest:c1 * rest]
                for j in range(0, block.shape[1], chunk):
                    np.matmul(w[g], block[:, j:j + chunk], out=target[:, j:j + chunk])
    return out.reshape(n_batch, c_out, *out_size)
