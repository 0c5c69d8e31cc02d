"""Hypothesis strategies for valid convolution and pooling settings, small enough for the slow reference.

Each strategy draws the settings first and then an input size that makes them valid, so no
example is thrown away. Sizes shrink as the number of spatial axes grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

import reference as ref

# Enough examples to meet every padding mode and spelling, few enough for the loop reference.
FAST = settings(max_examples=40, deadline=None)
QUICK = settings(max_examples=15, deadline=None)

MAX_KERNEL = {1: 4, 2: 3, 3: 2}
SPATIAL = st.sampled_from([1, 2, 3])
EITHER = st.booleans()
SPELLINGS = ("int", "per_axis", "pairs", "valid", "same", "full")
SYMMETRIC = ("int", "per_axis", "valid", "full")


def random_array(seed: int, shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def spell(values: tuple[int, ...], as_int: bool):
    """One value per axis as given, or a single int when they agree (both spellings are valid)."""
    return values[0] if as_int and len(set(values)) == 1 else values


@dataclass
class Case:
    """Arrays and keyword arguments for one engine call; ``batched`` says whether x has N."""

    x: np.ndarray
    weight: np.ndarray
    kwargs: dict = field(default_factory=dict)
    batched: bool = True

    @property
    def xb(self) -> np.ndarray:
        """x with a batch axis, as the reference wants it."""
        return self.x if self.batched else self.x[None]

    def unbatch(self, out: np.ndarray) -> np.ndarray:
        """A batched reference result in the shape the engine returns for this x."""
        return out if self.batched else out[0]


def _channels(draw, ndim: int) -> tuple[int, int, int, int | None]:
    groups = draw(st.integers(1, 3 if ndim < 3 else 2))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    batch = draw(st.sampled_from([None, 1, 2]))
    return groups, c_in, c_out, batch


def layer_geometry(draw, ndim: int, spellings=SPELLINGS, max_kernel: int | None = None) -> tuple:
    """Kernel, dilation, stride and padding (in one of `spellings`) of a layer, and its padding per side."""
    spelling = draw(st.sampled_from(spellings))
    kernel = tuple(draw(st.integers(1, max_kernel or MAX_KERNEL[ndim])) for _ in range(ndim))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    stride = tuple(1 if spelling == "same" else draw(st.integers(1, 3)) for _ in range(ndim))
    if spelling == "int":
        padding = draw(st.integers(0, 2))
    elif spelling == "per_axis":
        padding = tuple(draw(st.integers(0, 2)) for _ in range(ndim))
    elif spelling == "pairs":
        padding = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(ndim))
    else:
        padding = spelling
    return kernel, dilation, stride, padding, ref.resolve_padding(padding, kernel, stride, dilation)


@st.composite
def conv_cases(draw, spatial=SPATIAL, modes=ref.PADDING_MODES, bias=EITHER, spellings=SPELLINGS) -> Case:
    """Any valid conv1d/2d/3d call: every padding spelling and mode, groups, bias, batch or not."""
    ndim = draw(spatial)
    kernel, dilation, stride, padding, pads = layer_geometry(draw, ndim, spellings)
    mode = draw(st.sampled_from(modes))
    sizes = []
    for k, d, (before, after) in zip(kernel, dilation, pads):
        smallest = max(1, d * (k - 1) + 1 - before - after)
        if mode == "reflect":
            smallest = max(smallest, before + 1, after + 1)
        if mode == "circular":
            smallest = max(smallest, before, after)
        sizes.append(smallest + draw(st.integers(0, 4 if ndim < 3 else 2)))
    groups, c_in, c_out, batch = _channels(draw, ndim)
    seed = draw(st.integers(0, 2**32 - 1))
    shape = (c_in, *sizes) if batch is None else (batch, c_in, *sizes)
    kwargs = dict(stride=spell(stride, draw(st.booleans())), padding=padding,
                  dilation=spell(dilation, draw(st.booleans())), groups=groups, padding_mode=mode)
    if draw(bias):
        kwargs["bias"] = random_array(seed + 2, (c_out,))
    return Case(random_array(seed, shape), random_array(seed + 1, (c_out, c_in // groups, *kernel)),
                kwargs, batch is not None)


@st.composite
def transpose_cases(draw, spatial=SPATIAL) -> Case:
    """Any valid conv_transpose1d/2d/3d call, output_padding and groups included."""
    ndim = draw(spatial)
    kernel = tuple(draw(st.integers(1, MAX_KERNEL[ndim])) for _ in range(ndim))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(ndim))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(ndim))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    sizes = []
    for k, s, d, p, op in zip(kernel, stride, dilation, padding, output_padding):
        # the output (n − 1)·s + d·(k − 1) + 1 − 2p + op must be at least 1
        smallest = 1 + max(0, -(-(2 * p - d * (k - 1) - op) // s))
        sizes.append(smallest + draw(st.integers(0, 3 if ndim < 3 else 1)))
    groups, c_in, c_out, batch = _channels(draw, ndim)
    seed = draw(st.integers(0, 2**32 - 1))
    shape = (c_in, *sizes) if batch is None else (batch, c_in, *sizes)
    kwargs = dict(stride=spell(stride, draw(st.booleans())), padding=spell(padding, draw(st.booleans())),
                  output_padding=spell(output_padding, draw(st.booleans())), groups=groups,
                  dilation=spell(dilation, draw(st.booleans())))
    if draw(st.booleans()):
        kwargs["bias"] = random_array(seed + 2, (c_out,))
    return Case(random_array(seed, shape), random_array(seed + 1, (c_in, c_out // groups, *kernel)),
                kwargs, batch is not None)


@st.composite
def pool_cases(draw, spatial=SPATIAL, kind: str = "max") -> Case:
    """Any valid max (``kind="max"``) or average pooling call; `weight` is unused."""
    ndim = draw(spatial)
    kernel = tuple(draw(st.integers(1, MAX_KERNEL[ndim])) for _ in range(ndim))
    stride = None if draw(st.booleans()) else tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = tuple(draw(st.integers(1, 2)) if kind == "max" else 1 for _ in range(ndim))
    ceil_mode = draw(st.booleans())
    sizes = []
    for k, s, p, d in zip(kernel, stride or kernel, padding, dilation):
        smallest = next(n for n in range(1, 20) if ref.pool_size(n, k, s, p, d, ceil_mode) >= 1)
        sizes.append(smallest + draw(st.integers(0, 4 if ndim < 3 else 2)))
    batch = draw(st.sampled_from([None, 1, 2]))
    channels = draw(st.integers(1, 2))
    shape = (channels, *sizes) if batch is None else (batch, channels, *sizes)
    # Whole numbers in a small range make ties, so "first maximum in scan order" is tested.
    x = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).integers(-3, 4, shape).astype(float)
    kwargs = dict(kernel_size=spell(kernel, draw(st.booleans())), padding=spell(padding, draw(st.booleans())),
                  ceil_mode=ceil_mode)
    if stride is not None:
        kwargs["stride"] = spell(stride, draw(st.booleans()))
    if kind == "max":
        kwargs["dilation"] = spell(dilation, draw(st.booleans()))
    else:
        kwargs["count_include_pad"] = draw(st.booleans())
        kwargs["divisor_override"] = draw(st.sampled_from([None, None, 1, 3, -2]))
    return Case(x, np.empty(0), kwargs, batch is not None)
