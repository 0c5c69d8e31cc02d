"""Volumes for 3-D convolution: a clip's frames (time × height × width) or a synthetic volume.

A 3-D convolution slides a kernel along three axes at once. Over a video the first axis is
time, so a kernel two frames deep can compare one frame with the next and light up what
moves (action recognition, C3D); over a scan it is depth. This module turns an animated
GIF, WebP, PNG or TIFF into a ``(D, H, W)`` luminance volume, makes synthetic ones, and
holds the 3-D kernels the Volumes page offers.

Examples
--------
>>> v = synthetic("moving square", frames=4, size=8)
>>> v.shape, float(v.max())
((4, 8, 8), 255.0)
>>> kernel3d("temporal difference").squeeze().tolist()
[-1.0, 1.0]
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from .arithmetic import conv_mac_count, conv_output_size, conv_parameter_count
from .images import to_grayscale
from .kernel_tools import validate_kernel

MAX_FRAMES = 48     #: frames kept from a clip: enough to see motion, small enough to convolve at once
MAX_SIDE = 128      #: a clip's frames are reduced to at most this many pixels on their longest side
MAX_BYTES = 20_000_000
SYNTHETIC = ("moving square", "phantom")
KERNELS_3D = ("temporal difference", "temporal mean", "3-D Gaussian", "3-D edge (x)", "identity", "custom")
_FORMATS = ("GIF", "WEBP", "PNG", "TIFF")


@dataclass(frozen=True)
class Clip:
    """A volume `frames` ``(D, H, W)`` of luminance 0…255, and what was done to make it."""

    frames: np.ndarray
    notes: tuple[str, ...] = ()


def load_clip(data: bytes, max_side: int = MAX_SIDE, max_frames: int = MAX_FRAMES) -> Clip:
    """An animated GIF, WebP, PNG (APNG) or multi-page TIFF as a luminance volume.

    Frames are composed as the format shows them (a GIF's frame that changes part of the
    picture gives the whole picture), reduced to `max_side` and, past `max_frames`, cut.

    Raises
    ------
    ValueError
        Not an image, an empty file, one frame only, frames of different sizes, too large.

    >>> frames = [Image.new("L", (6, 4), v) for v in (0, 255)]
    >>> buf = io.BytesIO(); frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    >>> load_clip(buf.getvalue()).frames.shape
    (2, 4, 6)
    """
    if not data:
        raise ValueError("the file is empty")
    if len(data) > MAX_BYTES:
        raise ValueError(f"the file is {len(data) / 1e6:.1f} MB; clips up to {MAX_BYTES / 1e6:.0f} MB are read")
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValueError(f"not a readable animation ({exc.__class__.__name__}); use an animated GIF or WebP") from None
    if im.format not in _FORMATS:
        raise ValueError(f"a {im.format} file holds one picture; a clip is an animated GIF, WebP, PNG or a TIFF")
    count = getattr(im, "n_frames", 1)
    if count < 2:
        raise ValueError(f"this {im.format} has one frame; a clip needs at least 2 (a still image: use the "
                         "Playground)")
    notes = []
    if count > max_frames:
        notes.append(f"kept the first {max_frames} of {count} frames")
    frames, sizes = [], set()
    for frame in ImageSequence.Iterator(im):
        if len(frames) == max_frames:
            break
        sizes.add(frame.size)
        frames.append(frame.convert("RGB"))
    if len(sizes) > 1:
        shown = ", ".join(f"{w}×{h}" for w, h in sorted(sizes))
        raise ValueError(f"the frames have different sizes ({shown}); a volume needs one size for every frame")
    width, height = frames[0].size
    if max(width, height) > max_side:
        scale = max_side / max(width, height)
        new = (max(1, round(width * scale)), max(1, round(height * scale)))
        frames = [f.resize(new, Image.Resampling.BILINEAR) for f in frames]
        notes.append(f"frames reduced from {width}×{height} to {new[0]}×{new[1]}")
    volume = np.stack([np.round(to_grayscale(np.asarray(f, dtype=np.float64))) for f in frames])
    return Clip(volume, tuple(notes))


def synthetic(name: str, frames: int = 16, size: int = 64) -> np.ndarray:
    """A volume made here: ``"moving square"`` (a bright square sliding right over a still
    stripe) or ``"phantom"`` (nested ellipsoids, as a scan of a head would show them).

    >>> synthetic("phantom", frames=3, size=5)[1, 2].tolist()
    [0.0, 128.0, 255.0, 128.0, 0.0]
    """
    if name not in SYNTHETIC:
        raise ValueError(f"synthetic volume must be one of {', '.join(SYNTHETIC)}, got {name!r}")
    if frames < 2 or size < 4:
        raise ValueError(f"a synthetic volume needs at least 2 frames and 4 pixels a side, got {frames} and {size}")
    d, y, x = np.meshgrid(np.linspace(-1, 1, frames), np.linspace(-1, 1, size), np.linspace(-1, 1, size),
                          indexing="ij")
    if name == "phantom":
        outer = (d / 1.0) ** 2 + (y / 0.9) ** 2 + (x / 0.7) ** 2 <= 1
        inner = (d / 0.6) ** 2 + (y / 0.5) ** 2 + (x / 0.35) ** 2 <= 1
        return np.where(inner, 255.0, np.where(outer, 128.0, 0.0))
    volume = np.where(np.abs(y - 0.55) < 0.12, 96.0, 24.0) * np.ones_like(d)       # a still stripe
    side = max(2, size // 5)
    for t in range(frames):
        left = round((size - side) * t / (frames - 1))
        top = size // 4
        volume[t, top:top + side, left:left + side] = 255.0
    return volume


def kernel3d(name: str, size: int = 3, custom: str = "") -> np.ndarray:
    """A 3-D kernel ``(KD, KH, KW)``.

    ``temporal difference`` is ``[−1, 1]`` along time (frame t+1 minus frame t: motion);
    ``temporal mean`` averages `size` frames; ``3-D Gaussian`` smooths along all three axes;
    ``3-D edge (x)`` is Sobel's x-derivative smoothed along time and height; ``custom``
    reads `custom` (see :func:`parse_slices`).

    >>> kernel3d("3-D edge (x)")[1].tolist()
    [[2.0, 0.0, -2.0], [4.0, 0.0, -4.0], [2.0, 0.0, -2.0]]
    """
    if name not in KERNELS_3D:
        raise ValueError(f"kernel must be one of {', '.join(KERNELS_3D)}, got {name!r}")
    if name == "custom":
        return parse_slices(custom)
    if not 1 <= size <= 9:
        raise ValueError(f"kernel size must be 1 to 9, got {size}")
    if name == "temporal difference":
        return np.array([-1.0, 1.0]).reshape(2, 1, 1)
    if name == "temporal mean":
        return np.full((size, 1, 1), 1.0 / size)
    if name == "identity":
        k = np.zeros((size,) * 3)
        k[(size // 2,) * 3] = 1.0
        return k
    if name == "3-D Gaussian":
        t = np.arange(size) - (size - 1) / 2
        g = np.exp(-(t ** 2) / (2 * max(size / 6, 0.5) ** 2))
        k = g[:, None, None] * g[None, :, None] * g[None, None, :]
        return k / k.sum()
    smooth, slope = np.array([1.0, 2.0, 1.0]), np.array([1.0, 0.0, -1.0])
    return smooth[:, None, None] * smooth[None, :, None] * slope[None, None, :]


def parse_slices(text: str) -> np.ndarray:
    """A kernel written slice by slice: slices split by ``|``, rows by ``;``, numbers by spaces or commas.

    >>> parse_slices("0 0; 0 0 | 1 -1; 1 -1").shape
    (2, 2, 2)
    """
    try:
        grid = [[[float(v) for v in re.split(r"[\s,]+", row.strip()) if v] for row in s.split(";")]
                for s in text.split("|")]
    except ValueError:
        raise ValueError("a custom kernel holds numbers only: slices split by |, rows by ;, numbers by "
                         "spaces") from None
    rows, cols = {len(s) for s in grid}, {len(r) for s in grid for r in s}
    if len(rows) != 1 or len(cols) != 1 or 0 in rows | cols:
        raise ValueError("every slice of a custom kernel needs the same number of rows, and every row the same "
                         "number of values")
    return validate_kernel(grid, axes=3, largest=9)


def factorised_costs(in_channels: int, out_channels: int, size: tuple[int, int, int], k: int = 3) -> dict:
    """Parameters and multiply–accumulates of a k×k×k layer beside its (2+1)-D factorisation.

    The (2+1)-D layer (R(2+1)D) is a 1×k×k spatial convolution to `out_channels` channels,
    then a k×1×1 temporal one; both pad by ⌊k/2⌋, so every output keeps `size`.

    >>> c = factorised_costs(3, 8, (16, 112, 112))
    >>> c["3-D"]["parameters"], c["(2+1)-D"]["parameters"]
    (656, 424)
    """
    out = conv_output_size(size, k, padding=k // 2)
    full = dict(parameters=conv_parameter_count(in_channels, out_channels, k, spatial_dims=3),
                macs=conv_mac_count(in_channels, out_channels, (k, k, k), out))
    spatial = (1, k, k)
    mid = conv_output_size(size, spatial, padding=(0, k // 2, k // 2))
    split = dict(
        parameters=conv_parameter_count(in_channels, out_channels, spatial, spatial_dims=3)
        + conv_parameter_count(out_channels, out_channels, (k, 1, 1), spatial_dims=3),
        macs=conv_mac_count(in_channels, out_channels, spatial, mid)
        + conv_mac_count(out_channels, out_channels, (k, 1, 1), out),
    )
    return {"3-D": full, "(2+1)-D": split}
