"""One layer as the Playground runs it: colour handling, convolution, activation, pooling.

Examples
--------
>>> x = input_channels(np.full((4, 4, 3), 100.0), "luminance")
>>> r = feature_maps(x, [np.ones((3, 3))], colour="luminance", padding="same")
>>> r.maps[0].shape, [s.shape for s in r.stages]
((1, 4, 4), [(1, 4, 4), (1, 4, 4)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .arguments import IntOrTuple, Padding
from .arithmetic import explain_conv_output_size, explain_pool_output_size
from .conv import conv2d
from .formulas import Worked
from .images import to_grayscale
from .pooling import avg_pool2d, max_pool2d

COLOURS = ("luminance", "each channel", "RGB kernel")
POOLS = ("none", "max", "avg")


@dataclass(frozen=True)
class Stage:
    """One step of the layer and the shape it leaves, e.g. ``("convolution", (1, 510, 510))``."""

    name: str
    shape: tuple[int, ...]


@dataclass(frozen=True)
class LayerResult:
    """Feature maps (one array per kernel, ``(C, H, W)``), the stages and the size formulas."""

    maps: tuple[np.ndarray, ...]
    stages: tuple[Stage, ...]
    conv_formulas: tuple[Worked, ...]
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
    x: np.ndarray, kernels: Sequence[np.ndarray], colour: str = "luminance", bias: float = 0.0,
    stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1, padding_mode: str = "zeros",
    activation: str = "none", pool: str = "none", pool_size: int = 2, pool_stride: int = 2,
) -> LayerResult:
    """Run each kernel over `x` as one layer would, then the activation and the pooling.

    ``"luminance"`` and ``"RGB kernel"`` give one map per kernel (the RGB kernel applies the
    same 2-D kernel to R, G and B and sums, like a CNN layer with a 3-channel filter);
    ``"each channel"`` gives three maps per kernel (R, G, B, groups=3).
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    if pool not in POOLS:
        raise ValueError(f"pool must be one of {', '.join(POOLS)}, got {pool!r}")
    maps, stages = [], [Stage("input", x.shape)]
    for kernel in kernels:
        k = np.asarray(kernel, dtype=np.float32)
        if colour == "each channel":
            weight, groups = np.repeat(k[None, None], x.shape[0], axis=0), x.shape[0]
        else:
            weight, groups = np.repeat(k[None, None], x.shape[0], axis=1), 1
        out = conv2d(x, weight, np.full(weight.shape[0], bias, np.float32), stride, padding, dilation, groups,
                     padding_mode)
        names = ["convolution"]
        if ACTIVATIONS[activation] is not None:
            out = ACTIVATIONS[activation](out)
            names.append(activation)
        if pool != "none":
            out = (max_pool2d if pool == "max" else avg_pool2d)(out, pool_size, pool_stride)
            names.append(f"{pool} pooling")
        maps.append(out)
    conv_shape = (len(maps) * maps[0].shape[0],)
    kernel_shape = np.asarray(kernels[0]).shape
    conv_formulas = explain_conv_output_size(x.shape[1:], kernel_shape, stride, padding, dilation)
    conv_shape += tuple(w.value for w in conv_formulas)
    stages.append(Stage(f"convolution ({len(maps)} kernel{'s' if len(maps) > 1 else ''})", conv_shape))
    if ACTIVATIONS[activation] is not None:
        stages.append(Stage(activation, conv_shape))
    pool_formulas: tuple[Worked, ...] = ()
    if pool != "none":
        pool_formulas = explain_pool_output_size(conv_shape[1:], pool_size, pool_stride)
        stages.append(Stage(f"{pool} pooling {pool_size}×{pool_size}, stride {pool_stride}",
                            (conv_shape[0], *(w.value for w in pool_formulas))))
    return LayerResult(tuple(maps), tuple(stages), conv_formulas, pool_formulas)
