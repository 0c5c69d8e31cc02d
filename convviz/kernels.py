"""Named kernels for the kernel picker (:data:`PRESETS`, built by :func:`make_kernel`), and random ones.

The presets are written for cross-correlation, as :mod:`convviz.kernel_tools` explains: Sobel x
is ``[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]``, positive where brightness increases to the right.
Rows grow downwards, so "y" kernels are positive where brightness increases downwards.

The centre of a side of length k is index ``(k - 1) // 2``: an even side has its extra cell
after the centre (bottom/right), where ``padding="same"`` puts its extra pixel. Blurs (box,
Gaussian, motion) are symmetric about the middle instead, which for an even side lies between
two pixels, so their output moves by half a pixel.

>>> make_kernel("Sobel x")
array([[-1.,  0.,  1.],
       [-2.,  0.,  2.],
       [-1.,  0.,  1.]])
>>> make_kernel("box blur", (1, 4))
array([[0.25, 0.25, 0.25, 0.25]])
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .arguments import IntOrTuple
from .kernel_tools import ANY_SIDE, MAX_KERNEL_SIDE, kernel_shape

_ODD = tuple(range(3, MAX_KERNEL_SIDE + 1, 2))


def _number(value: object, name: str, above: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    if not np.isfinite(value) or (above is not None and value <= above):
        rule = "finite" if above is None else f"finite and greater than {above:g}"
        raise ValueError(f"{name} must be {rule}, got {value}")
    return float(value)


def _gauss(n: int, sigma: float | None) -> tuple[np.ndarray, np.ndarray, float]:
    """1-D Gaussian weights (sum 1), offsets from the middle, and the sigma used."""
    s = 0.3 * ((n - 1) * 0.5 - 1) + 0.8 if sigma is None else sigma  # OpenCV's default
    t = np.arange(n) - (n - 1) / 2
    g = np.exp(-(t**2) / (2 * s**2))
    return g / g.sum(), t, s


def _identity(shape: tuple[int, int]) -> np.ndarray:
    k = np.zeros(shape)
    k[(shape[0] - 1) // 2, (shape[1] - 1) // 2] = 1.0
    return k


def _box(shape: tuple[int, int]) -> np.ndarray:
    return np.full(shape, 1.0 / (shape[0] * shape[1]))


def _gaussian(shape: tuple[int, int], sigma: float | None = None) -> np.ndarray:
    k = np.outer(_gauss(shape[0], sigma)[0], _gauss(shape[1], sigma)[0])
    return k / k.sum()


def _unsharp(shape: tuple[int, int], sigma: float | None = None, amount: float = 1.0) -> np.ndarray:
    if _number(amount, "amount") < 0:
        raise ValueError(f"amount must be ≥ 0 (0 leaves the image as it is), got {amount:g}")
    return (1 + amount) * _identity(shape) - amount * _gaussian(shape, sigma)


def _log(shape: tuple[int, int], sigma: float | None = None) -> np.ndarray:
    (gy, ty, sy), (gx, tx, sx) = (_gauss(n, sigma) for n in shape)
    k = np.outer(gy, gx) * ((ty**2 / sy**4 - 1 / sy**2)[:, None] + tx**2 / sx**4 - 1 / sx**2)
    return k - k.mean()  # the cut-off tails leave a small sum; flat regions must still give 0


def _motion(shape: tuple[int, int], angle: float = 0.0) -> np.ndarray:
    """An antialiased line through the middle, `angle` degrees counter-clockwise from →."""
    theta = np.deg2rad(_number(angle, "angle"))
    dx, dy = np.cos(theta), -np.sin(theta)  # rows grow downwards, so "up" is −row
    steep = abs(dy) > abs(dx)  # then draw the transposed line: one point per column, no gaps
    (h, w), (dx, dy) = (shape[::-1], (dy, dx)) if steep else (shape, (dx, dy))
    cols = np.arange(w)
    rows = np.round((h - 1) / 2 + (cols - (w - 1) / 2) * dy / dx, 9)  # 45° lands on pixels
    k = np.zeros((h, w))
    for r, weight in ((np.floor(rows), 1 - rows % 1), (np.floor(rows) + 1, rows % 1)):
        ok = (weight > 0) & (r >= 0) & (r < h)
        k[r[ok].astype(int), cols[ok]] += weight[ok]
    return (k.T if steep else k) / k.sum()


def _fixed(rows: list[list[int]]) -> Callable[[tuple[int, int]], np.ndarray]:
    return lambda shape: np.array(rows, dtype=np.float64)


@dataclass(frozen=True)
class KernelPreset:
    """One entry of the kernel picker; build it with :func:`make_kernel`."""

    name: str  #: label to show, e.g. "Sobel x"
    description: str  #: one sentence for a student: what it detects or does
    build: Callable[..., np.ndarray]  #: build((rows, cols), **params), unchecked
    sizes: tuple[int, ...] = (3,)  #: side lengths it can be built at
    default_size: int = 3
    params: tuple[str, ...] = ()  #: keyword parameters it takes: sigma, amount, angle

    @property
    def resizable(self) -> bool:
        """False for fixed kernels such as Sobel, which exist at one size only."""
        return len(self.sizes) > 1


def _key(name: str) -> str:
    """``"Laplacian (4-neighbour)"`` → ``"laplacian_4_neighbour"``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


_EDGE = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
PRESETS: dict[str, KernelPreset] = {_key(p.name): p for p in (
    KernelPreset("Identity", "A single 1 in the centre: every pixel is copied unchanged.",
                 _identity, ANY_SIDE),
    KernelPreset("Box blur", "Plain average of the neighbourhood; a bigger box blurs more.",
                 _box, ANY_SIDE),
    KernelPreset("Gaussian blur", "Smooth blur that weighs near neighbours more than far ones; "
                 "sigma sets how far it reaches.", _gaussian, ANY_SIDE, 5, ("sigma",)),
    KernelPreset("Motion blur", "Averages along a line, like a camera moving during the shot; "
                 "angle in degrees counter-clockwise from →.", _motion, ANY_SIDE, 5, ("angle",)),
    KernelPreset("Sharpen", "5 × the pixel minus its 4 neighbours: crisper edges, while flat "
                 "areas keep their brightness.", _fixed([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])),
    KernelPreset("Unsharp mask", "Sharpens by adding back what a Gaussian blur removes: "
                 "image + amount × (image − blur).", _unsharp, _ODD, 5, ("sigma", "amount")),
    KernelPreset("Vertical edge", "The textbook vertical-edge detector: positive where the left "
                 "is brighter than the right, negative the other way round.", _fixed(_EDGE)),
    KernelPreset("Horizontal edge", "Vertical edge turned on its side: positive where the top "
                 "is brighter than the bottom.", _fixed(np.transpose(_EDGE).tolist())),
    KernelPreset("Sobel x", "Vertical edges: positive where brightness increases to the right; "
                 "the middle row counts twice.", _fixed([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])),
    KernelPreset("Sobel y", "Horizontal edges: positive where brightness increases downwards; "
                 "the middle column counts twice.", _fixed([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])),
    KernelPreset("Prewitt x", "Sobel x with every row counted once: positive where brightness "
                 "increases to the right.", _fixed([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])),
    KernelPreset("Prewitt y", "Sobel y with every column counted once: positive where "
                 "brightness increases downwards.", _fixed([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])),
    KernelPreset("Scharr x", "Sobel x with weights 3-10-3, tuned to answer equally to edges at "
                 "every angle.", _fixed([[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]])),
    KernelPreset("Scharr y", "Sobel y with weights 3-10-3, tuned to answer equally to edges at "
                 "every angle.", _fixed([[-3, -10, -3], [0, 0, 0], [3, 10, 3]])),
    KernelPreset("Laplacian (4-neighbour)", "Second derivative: 4 neighbours minus 4 × the "
                 "pixel; lights up on both sides of an edge, 0 on flat areas and steady ramps.",
                 _fixed([[0, 1, 0], [1, -4, 1], [0, 1, 0]])),
    KernelPreset("Laplacian (8-neighbour)", "The Laplacian with the diagonals too, so it answers "
                 "more evenly in every direction.", _fixed([[1, 1, 1], [1, -8, 1], [1, 1, 1]])),
    KernelPreset("Laplacian of Gaussian", "Gaussian blur, then Laplacian: finds edges and blobs "
                 "about sigma wide while ignoring pixel noise.", _log, _ODD, 5, ("sigma",)),
    KernelPreset("Outline", "The pixel minus its 8 neighbours (edge detect): outlines edges in "
                 "every direction, flat areas go black.",
                 _fixed([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])),
    KernelPreset("Emboss", "Looks stamped into metal: changes along the top-left to bottom-right "
                 "diagonal turn into highlights or shadows.",
                 _fixed([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])),
)}
_ALIASES = {"laplacian": "laplacian_4_neighbour", "edge_detect": "outline"}


def make_kernel(
    name: str, size: IntOrTuple | None = None, sigma: float | None = None, **params: float
) -> np.ndarray:
    """Build the preset `name`: a key of :data:`PRESETS` or its label, in any case.

    Parameters
    ----------
    name : str
        ``"sobel_x"``, ``"Sobel x"`` and ``"SOBEL-X"`` all work; ``"laplacian"`` is the
        4-neighbour one and ``"edge detect"`` is ``"outline"``.
    size : int or (rows, cols), optional
        Each side must be in the preset's ``sizes``; default its ``default_size``. Fixed
        kernels (Sobel, …) raise ValueError for other sizes rather than return another shape.
    sigma : float, optional
        Gaussian width in pixels (> 0) for presets with ``"sigma"`` in ``params``. Default
        ``0.3·((k − 1)/2 − 1) + 0.8`` per side k, as OpenCV does.
    **params : float
        ``amount`` (≥ 0, unsharp mask, default 1); ``angle`` (degrees, motion blur, default 0).
        A parameter the preset does not take raises TypeError, as Python does.

    >>> make_kernel("identity", 4)[1, 1]
    np.float64(1.0)
    >>> make_kernel("motion blur", 3, angle=45) * 3
    array([[0., 0., 1.],
           [0., 1., 0.],
           [1., 0., 0.]])
    >>> make_kernel("sobel x", 5)
    Traceback (most recent call last):
    ...
    ValueError: 'Sobel x' is a fixed 3×3 kernel, so size 5 is not available; leave size out
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a preset name such as 'sobel_x', got {name!r}")
    key = _ALIASES.get(_key(name), _key(name))
    if key not in PRESETS:
        raise ValueError(f"unknown kernel {name!r}; choose one of: {', '.join(PRESETS)}")
    preset = PRESETS[key]
    try:
        shape = kernel_shape(preset.default_size if size is None else size, "size", preset.sizes)
    except ValueError as exc:
        if preset.resizable:
            raise ValueError(f"{preset.name!r}: {exc}") from None
        n = preset.sizes[0]
        raise ValueError(f"{preset.name!r} is a fixed {n}×{n} kernel, so size {size!r} is not "
                         f"available; leave size out") from None
    if sigma is not None:
        params["sigma"] = _number(sigma, "sigma", above=0)
    unknown = sorted(set(params) - set(preset.params))
    if unknown:
        takes = ", ".join(preset.params) or "no parameters"
        raise TypeError(f"{preset.name!r} takes {takes}; got {', '.join(unknown)}")
    return preset.build(shape, **params)


def random_kernel(
    shape: IntOrTuple, seed: int | None = None, *, bound: float | None = None
) -> np.ndarray:
    """Uniform random weights in ``[-bound, bound)``, like a freshly initialised CNN filter.

    The default ``bound = 1/√(rows·cols)`` is the range ``torch.nn.Conv2d`` draws a
    one-channel layer's weights from. The same `seed` gives the same kernel.

    >>> k = random_kernel((3, 5), seed=0)
    >>> k.shape, bool(np.abs(k).max() < 1 / np.sqrt(15))
    ((3, 5), True)
    """
    rows, cols = kernel_shape(shape, "shape")
    bound = 1 / np.sqrt(rows * cols) if bound is None else _number(bound, "bound", above=0)
    return np.random.default_rng(seed).uniform(-bound, bound, (rows, cols))
