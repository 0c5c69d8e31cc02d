"""The blocked im2col kernel behind every convolution in :mod:`convviz.conv`.

Arguments arrive validated and normalised. The input is never padded as a whole: for a
block of output rows, the padded input rows that block reads are gathered into a small
slab (padding filled per ``padding_mode``), split into stride phases along the last axis so
every kernel tap becomes one contiguous slice. The taps of all channels of a group are
copied into a column matrix and one matrix multiply per group turns them into output rows.

Row sharing: when the first axis's stride is smaller than its kernel size ``k₀``, the
column matrix leaves out the first axis's taps and holds every slab row once instead, with
the weights reordered first-axis tap first. The ``k₀`` rows an output row reads are then
consecutive column-matrix rows, so the right factor of its product is a strided view and
nothing is copied twice. Under a dilation ``d`` the slab rows are kept in ``d`` classes by
their remainder modulo ``d``, which makes rows ``i, i + d, …`` consecutive in one class.

Notes
-----
Working memory is one slab of about ``SLAB_BYTES`` and one column matrix of about
``COLS_BYTES`` (half a core's L2 cache here, so the slab rows a block reads fit beside
it), plus the output. With ``K = C/groups·∏k`` taps and ``M = C_out/groups`` outputs per
group, im2col copies ``K`` values for each output position, row sharing ``K/k₀`` plus
``(k₀ − 1)·d`` slab rows per block (blocks are at least four times that tall, even past
``COLS_BYTES``). Both multiply ``M·K`` per position, as one batched ``np.matmul`` per
group, block and class: one ``M × K`` by ``K × (positions in an output row)`` product
for each output row, its right factor a view whose rows lie one output row apart.

Measured on a 2-core AVX-512 Xeon, numpy's OpenBLAS 0.3.31 on one thread, against
``torch.nn.functional.conv2d`` side by side: the earlier design (a copied ``K × N`` column
matrix, products in chunks of 10⁶ multiply-adds, and row sharing that added ``k₀`` stacked
product rows afterwards) took 2.0–2.4× torch for 16 outputs of 7×7 on 3×256×256 and
0.9–1.1× for 8 of 3×3 on 3×512×512; this one takes 1.0–1.7× and 0.7–1.0× (float64:
10.5 → 5.6 ms; with ``OPENBLAS_CORETYPE=Haswell`` 7.9 → 6.7 ms). Dilated first axes,
which now share too, run up to 1.5× faster. With one output (``M = 1``, numpy runs a
matrix-vector product) the multiply reads each copied row ``k₀`` times from cache: a 5×5,
stride 2, dilation 2 on 3×2048×2048 spends about 4 ms gathering even positions, 4 copying
and 6–7 multiplying.
Tried without gain: splitting rows into L1-sized tiles of positions, padding rows to an
odd number of cache lines, and ``COLS_BYTES`` from 128 KB to 2 MB.
"""

from __future__ import annotations

from itertools import product
from math import gcd, prod
import numpy as np
from numpy.lib.stride_tricks import as_strided
from threadpoolctl import ThreadpoolController

from .padding import source_index

COLS_BYTES = 512 << 10
SLAB_BYTES = 4 << 20
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


def _tap_view(slab, channels, taps_shape, js, rows, out_rest, s_r, d_r):
    """The column-matrix entries one phase slab holds for `channels`, as a strided view.

    Axes are ``(channel, *taps_shape[:-1], len(js), rows, *out_rest)``: the taps, with only
    those in `js` along the last axis (the ones this phase holds), then `rows` first-axis
    positions and the other output axes. Nothing is copied until a row range is assigned.
    """
    first = (js[0] * d_r[-1]) // s_r[-1]
    base = slab[(channels,) + (slice(None),) * (slab.ndim - 2) + (slice(first, None),)]
    st = slab.strides[1:]
    return as_strided(
        base,
        shape=(base.shape[0], *taps_shape[:-1], len(js), rows, *out_rest),
        strides=(slab.strides[0], *(d * t for d, t in zip(d_r[:-1], st[:-1])), d_r[-1] * st[-1],
                 *(s * t for s, t in zip(s_r[:-1], st[:-1])), st[-1]),
        writeable=False,
    )


def _correlate(x, weight, stride, pads, dilation, groups, padding_mode, out_size):
    n_batch, channels = x.shape[:2]
    c_out, c_group = weight.shape[:2]
    kernel, sizes = weight.shape[2:], x.shape[2:]
    o_group, taps = c_out // groups, prod(kernel)
    rest = prod(out_size[1:])
    out = np.empty((n_batch, c_out, out_size[0] * rest), x.dtype)

    # Positions read along an axis are multiples of g = gcd(stride, dilation): gather only
    # those, and work on that grid with stride/g and dilation/g.
    grid = [gcd(s, d) for s, d in zip(stride, dilation)]
    s_r = [s // g for s, g in zip(stride, grid)]
    d_r = [d // g for d, g in zip(dilation, grid)]
    # Row sharing (see the module notes): column-matrix rows are slab rows, held in `dil`
    # classes by their remainder modulo the dilation, so the `lead` rows an output row reads
    # are consecutive in its class and the next output row of that class starts `step` on.
    lead = kernel[0] if s_r[0] < kernel[0] else 1
    step, dil = (s_r[0], d_r[0]) if lead > 1 else (1, 1)
    depth = c_group * taps // lead
    col_kernel = (kernel[0] // lead, *kernel[1:])
    w = weight.reshape(groups, o_group, c_group, lead, taps // lead).transpose(0, 1, 3, 2, 4)
    w = np.ascontiguousarray(w).reshape(groups, o_group, lead * depth)

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
    # A shared block also reads `halo` rows past its own: make it at least four times taller.
    halo = (lead - 1) * dil + 1 - step
    fit = COLS_BYTES // (x.itemsize * depth * rest)
    rows_per_cols = min(out_size[0], max(1, (fit - halo) // step, 4 * halo))
    slab_row_bytes = x.itemsize * channels * s_r[0] * prod(span[1:-1]) * sum(phase_len.values())
    rows_per_slab = rows_per_cols * max(1, SLAB_BYTES // (slab_row_bytes * rows_per_cols))
    cols = np.empty((dil, -(-(rows_per_cols * step + halo) // dil), depth, rest), x.dtype)

    for n, r0 in product(range(n_batch), range(0, out_size[0], rows_per_slab)):
        r1 = min(out_size[0], r0 + rows_per_slab)
        span0 = (r1 - r0 - 1) * s_r[0] + d_r[0] * (kernel[0] - 1) + 1
        first_axis = _segments(r0 * stride[0], grid[0], span0, sizes[0], pads[0][0], padding_mode)
        sources = {}
        for b in phases:
            slab = np.empty((channels, span0, *span[1:-1], phase_len[b]), x.dtype)
            _gather(x[n], slab, [first_axis, *mid_axes, last_axes[b]])
            for g in range(groups):
                sources[g, b] = _tap_view(slab, slice(g * c_group, (g + 1) * c_group), col_kernel,
                                          last_taps[b], (r1 - r0) * step + halo, out_size[1:],
                                          (s_r[0] // step, *s_r[1:]), d_r)
        for c0 in range(r0, r1, rows_per_cols):
            c1 = min(r1, c0 + rows_per_cols)
            z0, z1 = (c0 - r0) * step, (c1 - r0) * step + halo
            for g in range(groups):
                for res in range(min(dil, z1 - z0)):  # the slab rows of each class
                    block = cols[res, :len(range(z0 + res, z1, dil))]
                    view = np.moveaxis(block.reshape(-1, c_group, *col_kernel, *out_size[1:]), 0, len(kernel) + 1)
                    rows = (slice(None),) * (len(kernel) + 1) + (slice(z0 + res, z1, dil),)
                    for b, js in last_taps.items():
                        view[(slice(None),) * len(kernel) + (slice(js[0], None, s_r[-1]),)] = sources[g, b][rows]
                target = out[n, g * o_group:(g + 1) * o_group, c0 * rest:c1 * rest].reshape(o_group, -1, rest)
                for a in range(min(dil, c1 - c0)):  # output rows a, a + dil, … read one class
                    _multiply(w[g], cols[a * step % dil, a * step // dil:], target[:, a::dil], step)
    return out.reshape(n_batch, c_out, *out_size)


def _multiply(w, block, target, step):
    """``target[:, r] = w @ block[r·step : r·step + lead]`` for every output row ``r``.

    The ``lead·depth`` column-matrix rows an output row reads are consecutive, so each
    product's right factor is a strided view and all output rows run as one batched matmul.
    For ``M = 16, K = 147`` this ran 1.6× faster than chunked products of a copied matrix.
    """
    z_stride, k_stride, it = block.strides
    rows, rest = target.shape[1:]
    taps = as_strided(block, (rows, w.shape[1], rest), (step * z_stride, k_stride, it), writeable=False)
    np.matmul(w, taps, out=target.transpose(1, 0, 2))
