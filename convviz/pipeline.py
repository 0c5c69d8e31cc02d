"""One layer as the Playground runs it: colour handling, convolution, activation, pooling.

Examples
--------
>>> from convviz.geometry import conv_geometry
>>> x = input_channels(np.full((4, 4, 3), 100.0), "luminance")
>>> r = feature_maps(x, [np.ones((3, 3))], conv_geometry((4, 4), (3, 3), padding="same"))
>>> r.maps[0].shape, [s.shape for s in r.stages]
((1, 4, 4), [(1, 4, 4), (1, 4, 4)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .conv import conv2d
from .formulas import Worked
from .geometry import Geometry, pool_geometry
from .images import to_grayscale
from .pooling import avg_pool2d, max_pool2d

COLOURS = ("luminance", "each channel", "RGB kernel")
POOLS = ("none", "max", "avg")
FLOAT32_MAX = float(np.finfo(np.float32).max)   #: the largest kernel value a layer can hold


@dataclass(frozen=True)
class Stage:
    """One step of the layer and the shape it leaves, e.g. ``("convolution", (1, 510, 510))``."""

    name: str
    shape: tuple[int, ...]


@dataclass(frozen=True)
class LayerResult:
    """Feature maps (one array per kernel, ``(C, H, W)``), the stages, and the pooling's size formula per axis.

    `pool_formulas` is empty without pooling; the convolution's formula is the ``worked`` of its
    :func:`~convviz.geometry.conv_geometry`, which the caller resolved already."""

    maps: tuple[np.ndarray, ...]
    stages: tuple[Stage, ...]
    pool_formulas: tuple[Worked, ...]


def input_channels(pixels: np.ndarray, colour: str) -> np.ndarray:
    """``(H, W, 3)`` pixels as ``(C, H, W)``: one luminance channel, or R, G and B.

    Values are rounded to whole numbers, as an 8-bit image holds them, so every page shows
    and computes with the same pixel values.

    >>> input_channels(np.zeros((2, 5, 3)), "each channel").shape
    (3, 2, 5)
    >>> input_channels(np.full((1, 1, 3), [255.0, 0.0, 0.0]), "luminance").ravel()
    array([76.], dtype=float32)
    """
    if colour not in COLOURS:
        raise ValueError(f"colour must be one of {', '.join(COLOURS)}, got {colour!r}")
    if colour == "luminance":
        return np.rint(to_grayscale(pixels))[None]
    return np.ascontiguousarray(np.rint(np.moveaxis(np.asarray(pixels, dtype=np.float32), -1, 0)))


def feature_maps(
    x: np.ndarray, kernels: Sequence[np.ndarray], geometry: Geometry, colour: str = "luminance", bias: float = 0.0,
    activation: str = "none", pool: str = "none", pool_size: int = 2, pool_stride: int = 2,
) -> LayerResult:
    """Run each kernel over `x` as one layer would, then the activation and the pooling.

    ``"luminance"`` and ``"RGB kernel"`` give one map per kernel (the RGB kernel applies the
    same 2-D kernel to R, G and B and sums, like a CNN layer with a 3-channel filter);
    ``"each channel"`` gives three maps per kernel (R, G, B, groups=3). The kernels share the
    first one's shape.

    Parameters
    ----------
    x : array (C, H, W)
        From :func:`input_channels`.
    kernels : sequence of 2-D arrays
    geometry : Geometry
        The convolution on `x`'s ``(H, W)`` with the kernels' shape, resolved by the caller
        (:func:`~convviz.geometry.conv_geometry`): its stride, padding per side, dilation and
        padding mode are read, not checked again. The pooling is resolved here, once
        (:func:`~convviz.geometry.pool_geometry`), before any map is computed.
    colour, bias, activation, pool, pool_size, pool_stride
        The Playground's settings.

    Raises
    ------
    ValueError
        An unknown activation or pooling, a pooling the engine refuses (its message), a
        kernel value beyond :data:`FLOAT32_MAX`, or outputs beyond it.

    Examples
    --------
    >>> from convviz.geometry import conv_geometry
    >>> r = feature_maps(np.ones((1, 6, 6)), [np.ones((3, 3))] * 2, conv_geometry((6, 6), (3, 3)), pool="max")
    >>> [s.name for s in r.stages], r.stages[-1].shape
    (['input', 'convolution (2 kernels)', 'max pooling 2×2, stride 2'], (2, 2, 2))
    >>> r.pool_formulas[0].value
    2
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    if pool not in POOLS:
        raise ValueError(f"pool must be one of {', '.join(POOLS)}, got {pool!r}")
    pooled = None if pool == "none" else pool_geometry(geometry.out, pool_size, pool_stride, kind=pool)
    # Read as float64 first: the cast to float32 would turn 1e300 into inf unannounced.
    worst = max(float(np.abs(np.asarray(k, dtype=np.float64)).max(initial=0.0)) for k in kernels)
    if worst > FLOAT32_MAX:
        raise ValueError(f"kernel values must lie within ±{FLOAT32_MAX:.4g}, the float32 range the layer computes "
                         f"in (as PyTorch's layers do by default); got one of size {worst:.4g}")
    maps = []
    for kernel in kernels:
        k = np.asarray(kernel, dtype=np.float32)
        if colour == "each channel":
            weight, groups = np.repeat(k[None, None], x.shape[0], axis=0), x.shape[0]
        else:
            weight, groups = np.repeat(k[None, None], x.shape[0], axis=1), 1
        with np.errstate(over="ignore", invalid="ignore"):   # an overflow is reported just below
            out = conv2d(x, weight, np.full(weight.shape[0], bias, np.float32), geometry.stride, geometry.pads,
                         geometry.dilation, groups, geometry.padding_mode)
        if not np.isfinite(out).all():   # else the map reads inf where the inspector, in float64, has a number
            raise ValueError(f"some outputs pass ±{FLOAT32_MAX:.4g}, the float32 range the layer computes in, "
                             "and would read inf; make the kernel's values smaller")
        if ACTIVATIONS[activation] is not None:
            out = ACTIVATIONS[activation](out)
        if pooled is not None:
            out = (max_pool2d if pool == "max" else avg_pool2d)(out, pooled.kernel_size, pooled.stride)
        maps.append(out)
    conv_shape = (len(maps) * maps[0].shape[0], *geometry.out)
    stages = [Stage("input", x.shape),
              Stage(f"convolution ({len(maps)} kernel{'s' if len(maps) > 1 else ''})", conv_shape)]
    if ACTIVATIONS[activation] is not None:
        stages.append(Stage(activation, conv_shape))
    if pooled is None:
        return LayerResult(tuple(maps), tuple(stages), ())
    stages.append(Stage(f"{pool} pooling {pool_size}×{pool_size}, stride {pool_stride}", (conv_shape[0], *pooled.out)))
    return LayerResult(tuple(maps), tuple(stages), pooled.worked)
