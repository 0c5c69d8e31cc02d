"""Step data over any number of axes: what every tap of a window reads, multiplies and adds.

The functions here take a resolved :class:`~convviz.geometry.Geometry` and arrays already
checked by :mod:`convviz.steps`, whose ``conv1d_steps`` … ``pool3d_steps`` are the public
way in. Shapes put the output axes first and the kernel axes after them, ``(*out, *kernel)``,
so ``values[c, o…, t…]`` is what tap ``t`` of output ``o`` reads in channel ``c``, whatever the
number of axes.

Examples
--------
>>> from convviz.geometry import conv_geometry
>>> x, w = np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[1.0, -1.0]])
>>> s = conv_steps(x, w, 0.0, conv_geometry((4,), (2,)))
>>> s.positions[0].tolist(), s.sums.tolist()
([[0, 1], [1, 2], [2, 3]], [-1.0, -1.0, -1.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np

from .arguments import as_float_array
from .geometry import Geometry
from .padding import source_index

AXIS_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def as_channels(x: object, name: str, spatial: int) -> np.ndarray:
    """`x` as a float array ``(C, *spatial axes)``: a missing channel axis becomes one channel.

    >>> as_channels([1, 2, 3], "x", 1).shape
    (1, 3)
    >>> as_channels(np.ones((2, 2)), "x", 3)
    Traceback (most recent call last):
    ...
    ValueError: x must be (D, H, W) or (C, D, H, W) with no empty axis, got shape (2, 2)
    """
    a = as_float_array(x, name)
    if a.ndim == spatial:
        a = a[None]
    if a.ndim != spatial + 1 or 0 in a.shape:
        names = AXIS_NAMES.get(spatial, tuple(f"N{i}" for i in range(spatial)))
        alone = f"({names[0]},)" if spatial == 1 else f"({', '.join(names)})"
        raise ValueError(f"{name} must be {alone} or (C, {', '.join(names)}) with no empty axis, got shape {a.shape}")
    return a


@dataclass(frozen=True)
class ConvStepsND:
    """One output channel of a convolution over any number of axes, tap by tap.

    Shapes use ``(C, *out, *kernel)``: channel, output position per axis, kernel tap per axis.

    Attributes
    ----------
    positions : tuple of int arrays (*out, *kernel), one per axis
        Input coordinate each tap reads along that axis; outside ``0..size−1`` means padding.
    padded : bool array (*out, *kernel)
        True where the tap reads padding.
    values : array (C, *out, *kernel)
        The value read: the input, or what ``padding_mode`` puts in the padding.
    weights : array (C, *kernel)
    products : array (C, *out, *kernel)
        ``values · weights``.
    partial_sums : array (C, *out)
        Sum of the products of each channel.
    bias : float
    sums : array (*out)
        ``partial_sums.sum(0) + bias``: the output.
    pads : ((before, after), ...)
    geometry : Geometry
        The settings, resolved: output sizes, their formulas, the kernel's span.
    """

    positions: tuple[np.ndarray, ...]
    padded: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    partial_sums: np.ndarray
    bias: float
    sums: np.ndarray
    pads: tuple[tuple[int, int], ...]
    geometry: Geometry


@dataclass(frozen=True)
class PoolStepsND:
    """A max or average pooling over any number of axes, window by window (single channel).

    Attributes
    ----------
    positions, padded : as in :class:`ConvStepsND`, shape (*out, *kernel)
        ``padded`` also marks taps beyond the padding that ``ceil_mode`` windows hang over.
    values : array (*out, *kernel)
        What each tap reads: the input, or −∞ (max pooling) or 0 (average pooling) in padding.
    winner : int array (*out, ndim) or None
        For max pooling, the kernel tap (one index per axis) of the value that won: the
        first maximum in scan order, the last NaN if there is one (as PyTorch).
    divisor : array (*out) or None
        For average pooling, what each sum is divided by.
    results : array (*out)
    geometry : Geometry
    """

    positions: tuple[np.ndarray, ...]
    padded: np.ndarray
    values: np.ndarray
    winner: np.ndarray | None
    divisor: np.ndarray | None
    results: np.ndarray
    geometry: Geometry


def _spread(per_axis: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Per-axis ``(out, kernel)`` arrays reshaped to broadcast against each other as ``(*out, *kernel)``."""
    n = len(per_axis)
    shaped = []
    for axis, a in enumerate(per_axis):
        shape = [1] * (2 * n)
        shape[axis], shape[n + axis] = a.shape
        shaped.append(a.reshape(shape))
    return tuple(shaped)


def _outside(taps: tuple[np.ndarray, ...], size: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    return tuple((t < 0) | (t >= n) for t, n in zip(taps, size))


def _full(parts: tuple[np.ndarray, ...], shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    return tuple(np.broadcast_to(p, shape) for p in parts)


def region_slices(region: Sequence[int], out: tuple[int, ...]) -> tuple[slice, ...]:
    """A region written ``(start₀, stop₀, start₁, stop₁, …)`` (half-open) as one slice per axis.

    >>> region_slices((1, 3), (4,))
    (slice(1, 3, None),)
    >>> region_slices((0, 5), (4,))
    Traceback (most recent call last):
    ...
    ValueError: region (0, 5) must lie inside the output, which is 4
    """
    bounds = tuple(int(v) for v in region)
    if len(bounds) != 2 * len(out):
        raise ValueError(f"region needs a start and a stop per axis ({2 * len(out)} numbers), got {bounds}")
    pairs = tuple(zip(bounds[::2], bounds[1::2]))
    if not all(0 <= a < b <= o for (a, b), o in zip(pairs, out)):
        raise ValueError(f"region {tuple(region)} must lie inside the output, which is {'×'.join(map(str, out))}")
    return tuple(slice(a, b) for a, b in pairs)


def conv_steps(x: np.ndarray, weight: np.ndarray, bias: float, geometry: Geometry,
               region: Sequence[int] | None = None) -> ConvStepsND:
    """Every tap of one output channel of the convolution `geometry` describes.

    Parameters
    ----------
    x : float array (C, *size)
    weight : float array (C, *kernel_size), finite
    bias : float
    geometry : Geometry
        From :func:`convviz.geometry.conv_geometry` for these shapes.
    region : (start₀, stop₀, start₁, stop₁, …), optional
        Only these output positions (half-open per axis); the arrays then cover just them.

    Notes
    -----
    The arrays hold ``C·∏out·∏kernel`` values each: ask for a region of a large input.
    """
    taps = geometry.taps()
    if region is not None:
        taps = tuple(t[s] for t, s in zip(taps, region_slices(region, geometry.out)))
    n = geometry.ndim
    shape = tuple(t.shape[0] for t in taps) + geometry.kernel_size
    sources = _spread(tuple(source_index(t, size, geometry.padding_mode) for t, size in zip(taps, geometry.size)))
    padded = reduce(np.logical_or, _spread(_outside(taps, geometry.size)))
    read = reduce(np.logical_and, (s >= 0 for s in sources))
    values = np.where(read, x[(slice(None), *(np.maximum(s, 0) for s in sources))], 0.0)
    products = values * weight.reshape(weight.shape[:1] + (1,) * n + weight.shape[1:])
    partial = products.sum(axis=tuple(range(n + 1, 2 * n + 1)))
    return ConvStepsND(_full(_spread(taps), shape), padded, values, weight, products, partial,
                       float(bias), partial.sum(0) + bias, geometry.pads, geometry)


def pool_steps(x: np.ndarray, geometry: Geometry, kind: str = "max", count_include_pad: bool = True) -> PoolStepsND:
    """Every window of a max (``kind="max"``) or average (``"avg"``) pooling of `x`, shape (*size).

    `geometry` comes from :func:`convviz.geometry.pool_geometry` with the same `kind`.
    """
    n, size, out, k = geometry.ndim, geometry.size, geometry.out, geometry.kernel_size
    taps = geometry.taps()
    shape = out + k
    padded = reduce(np.logical_or, _spread(_outside(taps, size)))
    inside = x[tuple(np.clip(t, 0, m - 1) for t, m in zip(_spread(taps), size))]
    values = np.where(padded, -np.inf if kind == "max" else 0.0, inside)
    positions = _full(_spread(taps), shape)
    if kind == "max":
        flat = values.reshape(out + (-1,))
        nan = np.isnan(flat)
        last_nan = flat.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        best = np.where(nan.any(-1), last_nan, np.argmax(flat, axis=-1))  # first max; the last NaN wins
        winner = np.stack(np.unravel_index(best, k), axis=-1)
        results = np.take_along_axis(flat, best[..., None], axis=-1)[..., 0]
        return PoolStepsND(positions, padded, values, winner, None, results, geometry)
    total = values.sum(axis=tuple(range(n, 2 * n)))
    if count_include_pad:
        counts = [((t >= -p) & (t < m + p)).sum(1) for t, m, (p, _) in zip(taps, size, geometry.pads)]
        divisor = reduce(np.multiply, np.ix_(*counts))
    else:
        divisor = (~padded).sum(axis=tuple(range(n, 2 * n)))
    return PoolStepsND(positions, padded, values, None, divisor.astype(float), total / divisor, geometry)
