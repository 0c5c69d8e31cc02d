"""Turn uploaded bytes into a float RGB image, safely.

Every upload goes through :func:`load_image`, which either returns a
:class:`LoadedImage` (pixels as ``float32`` in 0..255, shape ``(H, W, 3)``; kept as
``uint8`` when that is exact) or
raises :class:`ImageError` with a message written for a student.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import ExifTags, Image

__all__ = ["MAX_ASPECT", "MAX_PIXELS", "ImageError", "LoadedImage", "encode_jpeg", "encode_png", "load_image",
           "to_grayscale"]

#: Largest accepted image, in pixels (width × height), checked before decoding.
#: 50 megapixels admits every phone photo in common use (8160×6120 ≈ 49.9 MP)
#: while refusing decompression bombs: a tiny file that claims a huge size.
MAX_PIXELS = 50_000_000

#: Largest accepted ratio of the long side to the short side. A 1×5000 strip
#: would shrink to 1×512, and no 3×3 kernel fits in one row, so such files are
#: refused with a message instead of producing an empty result downstream.
MAX_ASPECT = 20

_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")  # JPEG also opens MPO
_FORMAT_NAMES = "PNG, JPEG, GIF, BMP, WebP or TIFF"
# EXIF orientation tag value -> the turn that makes the stored pixels upright.
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}


class ImageError(ValueError):
    """An uploaded file could not be turned into an image; the message says why."""


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """An image ready for convolution.

    Attributes
    ----------
    values : np.ndarray
        Read-only array of shape ``(H, W, 3)``, RGB in 0..255, as kept: ``uint8`` when
        the colours are whole 8-bit numbers (a quarter of the memory), else ``float32``.
    original_size : tuple of int
        ``(width, height)`` of the upright image before any reduction.
    mode : str
        Pillow's mode of the file as stored, for example ``"RGBA"`` or ``"I;16"``.
    format : str
        File format, for example ``"PNG"`` or ``"JPEG"``.
    notes : tuple of str
        Plain-words notes on what was done, for example
        ``"reduced from 4000×3000 to 512×384"``.
    """

    values: np.ndarray
    original_size: tuple[int, int]
    mode: str
    format: str
    notes: tuple[str, ...] = ()

    @property
    def pixels(self) -> np.ndarray:
        """Read-only ``float32`` array of shape ``(H, W, 3)``, RGB in 0..255.

        Made from 8-bit `values` at each access: a shared cache keeps the quarter-size
        array, and a run holds the float copy only while it uses it (at working size
        2048: 9 MB kept instead of 38 MB).
        """
        if self.values.dtype == np.float32:
            return self.values
        pixels = self.values.astype(np.float32)
        pixels.flags.writeable = False
        return pixels


def load_image(data: bytes, max_side: int = 512) -> LoadedImage:
    """Decode image bytes into RGB pixels in 0..255 (``float32`` from :attr:`LoadedImage.pixels`).

    Parameters
    ----------
    data : bytes
        The whole file, as uploaded. PNG, JPEG, GIF (first frame), BMP, WebP
        and TIFF are read.
    max_side : int, default 512
        Longest side of the result, 16..4096. Larger images are reduced with a
        Lanczos filter, keeping the aspect ratio; smaller ones are never enlarged.

    Returns
    -------
    LoadedImage
        Pixels, original size, mode, format and notes on what was done.

    Raises
    ------
    ImageError
        For any bytes that do not make an acceptable image: empty, not an image,
        truncated or corrupt, over :data:`MAX_PIXELS`, or over :data:`MAX_ASPECT`.
    ValueError
        If `max_side` is outside 16..4096.
    TypeError
        If `data` is not bytes or `max_side` is not an int.

    Notes
    -----
    The size is checked from the header before any pixel is decoded. JPEGs
    use draft mode, so a 12-megapixel photo reduced to 1024 px is decoded at
    half scale. Transparency is composited on white. 16-bit and float images
    are stretched from their real minimum..maximum to 0..255, so a 12-bit scan
    (0..4095) fills the whole range; a constant one becomes mid-grey 128.
    EXIF orientation is applied, so ``original_size`` is the upright size.

    Examples
    --------
    >>> buf = io.BytesIO()
    >>> Image.new("RGBA", (600, 300), (255, 0, 0, 0)).save(buf, "PNG")
    >>> img = load_image(buf.getvalue(), max_side=100)
    >>> img.pixels.shape, img.pixels[0, 0].tolist()
    ((50, 100, 3), [255.0, 255.0, 255.0])
    >>> img.notes
    ('transparency composited on white', 'reduced from 600×300 to 100×50')
    """
    if isinstance(max_side, bool) or not isinstance(max_side, int):
        raise TypeError(f"max_side must be an int, got {max_side!r}")
    if not 16 <= max_side <= 4096:
        raise ValueError(f"max_side must be between 16 and 4096 pixels, got {max_side}")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be the file's bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ImageError("The file is empty (0 bytes); choose an image file such as PNG "
                         "or JPEG.")
    try:
        with warnings.catch_warnings():
            # Pillow only warns about very large images; here that is a refusal.
            # The filter list is process-wide, so another thread may briefly share
            # this escalation; it concerns only this warning, which means refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(data, max_side)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{_megapixels(int(found.group(1)))} megapixels" if found else "too large"
        raise ImageError(f"The image is {size}; the limit is {_megapixels(MAX_PIXELS)} "
                         "megapixels. Shrink it and try again.") from exc
    except Image.UnidentifiedImageError as exc:
        raise ImageError(f"This file is not an image convviz can read ({len(data):,} bytes; "
                         f"{_sniff(data)}). Upload a {_FORMAT_NAMES} file.") from exc
    except Exception as exc:
        raise ImageError(f"The file is truncated or corrupt, so its pixels cannot be read "
                         f"(the decoder said: {exc}). Save it again and re-upload.") from exc


def _decode(data: bytes, max_side: int) -> LoadedImage:
    im = Image.open(io.BytesIO(data), formats=_FORMATS)
    mode, fmt = im.mode, "JPEG" if im.format == "MPO" else str(im.format)
    width, height = im.size
    if width * height > MAX_PIXELS:
        raise ImageError(f"The image is {width}×{height} = {_megapixels(width * height)} "
                         f"megapixels; the limit is {_megapixels(MAX_PIXELS)} megapixels. "
                         "Shrink it and try again.")
    if max(width, height) > MAX_ASPECT * min(width, height):
        ratio = max(width, height) / min(width, height)
        raise ImageError(f"The image is {width}×{height}, a {ratio:.0f}:1 strip; the limit is "
                         f"{MAX_ASPECT}:1 because a thinner strip leaves no room for a kernel "
                         "to slide. Crop it to a less extreme shape and try again.")
    notes = []
    if getattr(im, "is_animated", False):
        notes.append("the file holds several frames; the first one is used")
    orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
    if orientation in _UPRIGHT:
        notes.append(f"EXIF orientation {orientation} applied so the photo is upright")
    target = _fit((width, height), max_side)
    im.draft(None, target)
    im.load()
    # A TIFF turns itself upright while loading and drops the tag; other formats keep it.
    remaining = im.getexif().get(ExifTags.Base.Orientation, 1)
    im = _to_rgba_rgb_or_f(im, notes)
    if target != im.size:
        im = im.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if remaining in _UPRIGHT:
        im = im.transpose(_UPRIGHT[remaining])  # after the reduction, where it is cheap
        if remaining >= 5:
            width, height, target = height, width, target[::-1]
    values = _to_values(im, notes)
    if target != (width, height):
        notes.append(f"reduced from {width}×{height} to {target[0]}×{target[1]}")
    values.flags.writeable = False
    return LoadedImage(values, (width, height), mode, fmt, tuple(notes))


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    scale = max_side / max(size)
    if scale >= 1:
        return size
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _to_rgba_rgb_or_f(im: Image.Image, notes: list[str]) -> Image.Image:
    """Convert to one of three working modes: RGBA, RGB, or F scaled to 0..255."""
    if im.mode in ("I", "F") or im.mode.startswith("I;"):
        values = np.asarray(im, dtype=np.float32)
        finite = np.isfinite(values)
        if not finite.all():
            bad = values.size - int(finite.sum())
            notes.append(f"{bad} NaN or infinite values set to the lowest value")
            values = np.where(finite, values, values[finite].min() if finite.any() else 0)
        low, high = float(values.min()), float(values.max())
        depth = {"F": "float", "I": "32-bit"}.get(im.mode, "16-bit")
        if high == low:
            notes.append(f"{depth} image holds one value ({low:g}) everywhere; "
                         "shown as mid-grey 128")
            return Image.fromarray(np.full(values.shape, 128, np.float32), "F")
        notes.append(f"{depth} image scaled from its range {low:g}–{high:g} to 0–255")
        return Image.fromarray((values - low) * np.float32(255 / (high - low)), "F")
    if im.mode in ("RGBA", "LA", "PA", "RGBa") or "transparency" in im.info:
        return im.convert("RGBA")
    # convert() to the mode an image already has copies it: 48 MB for a 12-megapixel photo.
    return im if im.mode == "RGB" else im.convert("RGB")


def _to_values(im: Image.Image, notes: list[str]) -> np.ndarray:
    """An RGB, RGBA or F image as ``(H, W, 3)`` values: ``uint8`` from RGB, else ``float32``."""
    if im.mode == "F":
        gray = np.clip(np.asarray(im, dtype=np.float32), 0, 255)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if im.mode == "RGB":
        return np.array(im)   # owns its bytes (asarray's view of them breaks Streamlit's cache size count)
    values = np.asarray(im, dtype=np.float32)
    alpha = values[:, :, 3:] / 255
    if (alpha < 1).any():
        notes.append("transparency composited on white")
    return (values[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.float32)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1e6:,.1f}".removesuffix(".0")


def _sniff(data: bytes) -> str:
    """Name what the bytes look like, so the refusal can say it."""
    head = data[:1024].lstrip().lower()
    known = [(b"%pdf", "it looks like a PDF document"),
             (b"pk\x03\x04", "it looks like a ZIP archive or an Office document"),
             (b"<svg", "it looks like an SVG drawing, which is vector graphics, not pixels"),
             (b"<!doctype html", "it looks like a web page"),
             (b"<html", "it looks like a web page"),
             (b"\x89png", "it starts like a PNG but is truncated or corrupt"),
             (b"\xff\xd8\xff", "it starts like a JPEG but is truncated or corrupt"),
             (b"gif8", "it starts like a GIF but is truncated or corrupt")]
    for magic, description in known:
        if head.startswith(magic):
            return description
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"hevc", b"mif1", b"msf1"):
        return "it looks like a HEIC photo; export it as JPEG first"
    # A multi-byte character cut at byte 1024 decodes as U+FFFD; only the end may have it.
    text = data[:1024].decode("utf-8", "replace").rstrip("\ufffd")
    if all(char.isprintable() or char.isspace() for char in text) and "\ufffd" not in text:
        return "it looks like plain text"
    return "its first bytes match no image format"


def to_grayscale(pixels: np.ndarray) -> np.ndarray:
    """Luminance of an RGB image with the ITU-R BT.601 weights.

    Parameters
    ----------
    pixels : np.ndarray
        Array of shape ``(H, W, 3)``, RGB. A 2-D array is taken as already grey.

    Returns
    -------
    np.ndarray
        ``float32`` array of shape ``(H, W)``: ``0.299·R + 0.587·G + 0.114·B``.
        The weights sum to 1, so white stays 255; green counts most because
        the eye is most sensitive to it. These are the weights Pillow's
        ``convert("L")`` uses.

    Raises
    ------
    ValueError
        If the shape is neither ``(H, W)`` nor ``(H, W, 3)``.

    Examples
    --------
    >>> to_grayscale(np.array([[[255, 0, 0], [0, 255, 0], [255, 255, 255]]])).round(3)
    array([[ 76.245, 149.685, 255.   ]], dtype=float32)
    """
    pixels = np.asarray(pixels, dtype=np.float32)
    if pixels.ndim == 2:
        return pixels.copy()
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"pixels must have shape (H, W, 3) or (H, W), got {pixels.shape}")
    return pixels @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def encode_png(array: np.ndarray, compress_level: int = 6) -> bytes:
    """Encode a grey ``(H, W)`` or RGB ``(H, W, 3)`` array in 0..255 as PNG bytes.

    Values are clipped to 0..255 and rounded to 8 bits, so an output that went
    negative shows as black. PNG is lossless: use it for small images and maps.

    Examples
    --------
    >>> png = encode_png(np.array([[0.0, 127.6, 300.0]]))
    >>> png[:4], np.asarray(Image.open(io.BytesIO(png))).tolist()
    (b'\\x89PNG', [[0, 128, 255]])
    """
    if not 0 <= compress_level <= 9:
        raise ValueError(f"compress_level must be between 0 and 9, got {compress_level}")
    return _encode(array, "PNG", compress_level=compress_level)


def encode_jpeg(array: np.ndarray, quality: int = 85) -> bytes:
    """Encode like :func:`encode_png`, but as a JPEG: lossy and smaller for photos.

    Examples
    --------
    >>> encode_jpeg(np.full((8, 8, 3), 200.0))[:3]
    b'\\xff\\xd8\\xff'
    """
    if not 1 <= quality <= 95:
        raise ValueError(f"quality must be between 1 and 95, got {quality}")
    return _encode(array, "JPEG", quality=quality)


def _encode(array: np.ndarray, fmt: str, **options: int) -> bytes:
    values = np.asarray(array, dtype=np.float64)
    if values.ndim not in (2, 3) or (values.ndim == 3 and values.shape[2] != 3):
        raise ValueError(f"array must have shape (H, W) or (H, W, 3), got {values.shape}")
    bad = int(np.count_nonzero(~np.isfinite(values)))
    if bad:
        raise ValueError(f"array holds {bad} NaN or infinite values; they have no colour")
    buffer = io.BytesIO()
    Image.fromarray(np.clip(np.rint(values), 0, 255).astype(np.uint8)).save(buffer, fmt, **options)
    return buffer.getvalue()
