"""Tests for convviz.images: every file is made in memory with Pillow."""

from __future__ import annotations

import io
import struct
import time
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from convviz.samples import SAMPLES, load_sample
from convviz.images import (
    MAX_ASPECT,
    MAX_PIXELS,
    ImageError,
    LoadedImage,
    encode_jpeg,
    encode_png,
    load_image,
    to_grayscale,
)

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_images"
# Four flat colour blocks, exact in every lossless format and in GIF's palette;
# their edges fall on JPEG's 8×8 grid, so JPEG stays close too.
BLOCKS = np.zeros((32, 48, 3), np.uint8)
BLOCKS[:16, :24] = (255, 0, 0)
BLOCKS[:16, 24:] = (0, 255, 0)
BLOCKS[16:, :24] = (0, 0, 255)
BLOCKS[16:, 24:] = (250, 250, 250)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a size its data does not hold."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 10)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def big_jpeg() -> bytes:
    """A 4000×3000 JPEG, made once: smooth ramps compress fast and small."""
    x = np.linspace(0, 255, 4000, dtype=np.float32)
    y = np.linspace(0, 255, 3000, dtype=np.float32)[:, None]
    rgb = np.stack(np.broadcast_arrays(x + 0 * y, y + 0 * x, (x + y) / 2), axis=2)
    return encode(Image.fromarray(rgb.astype(np.uint8)), "JPEG", quality=80)


# ---------------------------------------------------------------- formats ---

@pytest.mark.parametrize(("fmt", "options", "tolerance"), [
    ("PNG", {}, 0), ("BMP", {}, 0), ("TIFF", {}, 0), ("GIF", {}, 0),
    ("WEBP", {"lossless": True}, 0), ("JPEG", {"quality": 95, "subsampling": 0}, 12),
])
def test_each_format_round_trips(fmt: str, options: dict, tolerance: int) -> None:
    loaded = load_image(encode(Image.fromarray(BLOCKS), fmt, **options))
    assert isinstance(loaded, LoadedImage)
    assert loaded.format == fmt
    assert loaded.original_size == (48, 32)
    assert loaded.pixels.shape == (32, 48, 3)
    assert loaded.pixels.dtype == np.float32
    assert np.abs(loaded.pixels - BLOCKS).max() <= tolerance
    assert loaded.notes == ()


def test_pixels_are_read_only() -> None:
    loaded = load_image(encode(Image.fromarray(BLOCKS), "PNG"))
    with pytest.raises(ValueError, match="read-only"):
        loaded.pixels[0, 0, 0] = 1
    with pytest.raises(ValueError, match="read-only"):
        loaded.values[0, 0, 0] = 1


def test_8_bit_colour_is_kept_as_bytes_and_read_as_float() -> None:
    loaded = load_image(encode(Image.fromarray(BLOCKS), "PNG"))
    assert loaded.values.dtype == np.uint8
    assert loaded.values.flags.owndata  # a view of Pillow's bytes breaks Streamlit's count of a cache's size
    np.testing.assert_array_equal(loaded.pixels, BLOCKS.astype(np.float32))
    assert loaded.pixels.dtype == np.float32


@pytest.mark.parametrize("image", [
    Image.fromarray(np.dstack([BLOCKS, np.full((32, 48), 128, np.uint8)])),  # composited: fractions
    Image.fromarray(np.arange(6, dtype=np.uint16).reshape(2, 3) * 1000),    # stretched 16-bit: fractions
])
def test_other_images_are_kept_as_float(image: Image.Image) -> None:
    loaded = load_image(encode(image, "PNG"))
    assert loaded.values.dtype == np.float32
    assert loaded.pixels is loaded.values


def test_exif_orientation_6_turns_the_photo_upright() -> None:
    stored = np.zeros((20, 40, 3), np.uint8)
    stored[:5, :5] = (255, 0, 0)  # red in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90° clockwise
    loaded = load_image(encode(Image.fromarray(stored), "JPEG", exif=exif, quality=95))
    assert loaded.pixels.shape == (40, 20, 3)
    assert loaded.original_size == (20, 40)
    assert loaded.pixels[1, -2, 0] > 200 > loaded.pixels[1, 1, 0]  # now top-right
    assert any("EXIF orientation 6" in note for note in loaded.notes)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_matches_pillow_exif_transpose(fmt: str, orientation: int) -> None:
    stored = np.random.default_rng(orientation).integers(0, 256, (20, 40, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[0x0112] = orientation
    options = {"lossless": True} if fmt == "WEBP" else {}
    data = encode(Image.fromarray(stored), fmt, exif=exif, **options)
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    np.testing.assert_array_equal(load_image(data).pixels, np.asarray(upright, np.float32))
    reduced = load_image(data, max_side=20)
    assert reduced.original_size == upright.size
    assert reduced.pixels.shape[:2] == ((10, 20) if orientation < 5 else (20, 10))


def test_orientation_and_reduction_together(big_jpeg: bytes) -> None:
    image = Image.open(io.BytesIO(big_jpeg))
    exif = Image.Exif()
    exif[0x0112] = 8
    loaded = load_image(encode(image, "JPEG", exif=exif), max_side=300)
    assert loaded.pixels.shape == (300, 225, 3)
    assert loaded.original_size == (3000, 4000)
    assert loaded.notes[-1] == "reduced from 3000×4000 to 225×300"


# ----------------------------------------------------------- transparency ---

def test_rgba_is_composited_on_white() -> None:
    rgba = np.zeros((2, 3, 4), np.uint8)
    rgba[0, 0] = (10, 20, 30, 0)      # fully transparent
    rgba[0, 1] = (0, 0, 0, 255)       # opaque black
    rgba[0, 2] = (0, 0, 0, 128)       # half-transparent black
    loaded = load_image(encode(Image.fromarray(rgba), "PNG"))
    assert loaded.pixels[0, 0].tolist() == [255, 255, 255]
    assert loaded.pixels[0, 1].tolist() == [0, 0, 0]
    np.testing.assert_allclose(loaded.pixels[0, 2], 255 * 127 / 255, atol=0.01)
    assert loaded.mode == "RGBA"
    assert "transparency composited on white" in loaded.notes


def test_palette_with_transparent_index_is_composited_on_white() -> None:
    image = Image.new("P", (4, 4), 0)
    image.putpalette([0, 0, 0, 255, 0, 0])
    image.putpixel((1, 1), 1)
    loaded = load_image(encode(image, "PNG", transparency=0))
    assert loaded.mode == "P"
    assert loaded.pixels[0, 0].tolist() == [255, 255, 255]
    assert loaded.pixels[1, 1].tolist() == [255, 0, 0]


@pytest.mark.parametrize(("fmt", "options"), [
    ("PNG", {}), ("WEBP", {"lossless": True}), ("TIFF", {}),
])
def test_grey_with_alpha_is_composited_on_white(fmt: str, options: dict) -> None:
    image = Image.new("LA", (4, 4), (0, 255))
    image.putpixel((0, 0), (0, 0))
    loaded = load_image(encode(image, fmt, **options))
    assert loaded.pixels[0, 0].tolist() == [255, 255, 255]
    assert loaded.pixels[3, 3].tolist() == [0, 0, 0]


def test_opaque_alpha_adds_no_note() -> None:
    loaded = load_image(encode(Image.new("RGBA", (4, 4), (1, 2, 3, 255)), "PNG"))
    assert loaded.notes == ()
    assert loaded.pixels[0, 0].tolist() == [1, 2, 3]


# ------------------------------------------------------------- bit depths ---

def test_16_bit_png_is_stretched_from_its_real_range() -> None:
    values = np.linspace(0, 4095, 64 * 64).reshape(64, 64).astype(np.uint16)
    loaded = load_image(encode(Image.fromarray(values), "PNG"))
    assert loaded.mode == "I;16"
    assert loaded.pixels.min() == 0
    assert loaded.pixels.max() == 255
    np.testing.assert_allclose(loaded.pixels[..., 0], values / 4095 * 255, atol=1e-3)
    assert "16-bit image scaled from its range 0–4095 to 0–255" in loaded.notes


def test_big_endian_16_bit_tiff() -> None:
    values = np.array([[100, 200], [300, 500]], dtype=">u2")
    image = Image.frombytes("I;16B", (2, 2), values.tobytes())
    loaded = load_image(encode(image, "TIFF"))
    assert loaded.mode == "I;16B"
    assert loaded.pixels[..., 1].tolist() == [[0, 63.75], [127.5, 255]]


def test_32_bit_integer_image_with_negative_values() -> None:
    image = Image.fromarray(np.array([[-5, 10], [0, 5]], dtype=np.int32))
    loaded = load_image(encode(image, "TIFF"))
    assert loaded.mode == "I"
    assert loaded.pixels[..., 2].tolist() == [[0, 255], [85, 170]]


def test_constant_16_bit_image_is_mid_grey() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division by zero
        loaded = load_image(encode(Image.fromarray(np.full((8, 8), 4095, np.uint16)), "PNG"))
    assert (loaded.pixels == 128).all()
    assert any("one value (4095)" in note for note in loaded.notes)


def test_float_tiff_is_stretched_and_nan_replaced() -> None:
    values = np.array([[-1.0, 0.0], [3.0, np.nan]], dtype=np.float32)
    loaded = load_image(encode(Image.fromarray(values), "TIFF"))
    assert loaded.mode == "F"
    assert loaded.pixels[..., 0].tolist() == [[0, 63.75], [255, 0]]
    assert "float image scaled from its range -1–3 to 0–255" in loaded.notes
    assert "1 NaN or infinite values set to the lowest value" in loaded.notes


def test_large_16_bit_image_is_reduced_without_ringing_past_the_range() -> None:
    values = np.zeros((600, 600), np.uint16)
    values[:, 300:] = 60000  # a hard edge makes Lanczos overshoot
    loaded = load_image(encode(Image.fromarray(values), "PNG"), max_side=100)
    assert loaded.pixels.shape == (100, 100, 3)
    assert loaded.pixels.min() == 0
    assert loaded.pixels.max() == 255


# ------------------------------------------------------------ colour modes ---

def test_cmyk_jpeg() -> None:
    image = Image.new("CMYK", (16, 16), (0, 0, 0, 0))
    image.paste((0, 255, 255, 0), (0, 0, 8, 16))  # cyan 0, magenta+yellow → red
    loaded = load_image(encode(image, "JPEG", quality=95))
    assert loaded.mode == "CMYK"
    np.testing.assert_allclose(loaded.pixels[8, 12], [255, 255, 255], atol=3)
    np.testing.assert_allclose(loaded.pixels[8, 2], [255, 0, 0], atol=6)


def test_one_bit_image_is_black_and_white() -> None:
    image = Image.new("1", (4, 2), 0)
    image.putpixel((3, 1), 1)
    loaded = load_image(encode(image, "PNG"))
    assert loaded.mode == "1"
    assert sorted(np.unique(loaded.pixels).tolist()) == [0, 255]
    assert loaded.pixels[1, 3].tolist() == [255, 255, 255]


@pytest.mark.parametrize("mode", ["L", "YCbCr"])
def test_grey_and_ycbcr_tiffs(mode: str) -> None:
    image = Image.fromarray(BLOCKS).convert(mode)
    loaded = load_image(encode(image, "TIFF"))
    assert loaded.mode == mode
    expected = np.asarray(image.convert("RGB"), np.float32)
    np.testing.assert_array_equal(loaded.pixels, expected)


def test_gif_uses_the_first_frame() -> None:
    red, blue = Image.new("RGB", (8, 8), (255, 0, 0)), Image.new("RGB", (8, 8), (0, 0, 255))
    data = encode(red, "GIF", save_all=True, append_images=[blue], duration=100)
    loaded = load_image(data)
    assert loaded.pixels[4, 4].tolist() == [255, 0, 0]
    assert "the file holds several frames; the first one is used" in loaded.notes


# ------------------------------------------------------------ sizes/shapes ---

def test_one_by_one_image_is_accepted() -> None:
    loaded = load_image(encode(Image.new("RGB", (1, 1), (9, 8, 7)), "PNG"))
    assert loaded.pixels.tolist() == [[[9, 8, 7]]]


@pytest.mark.parametrize("size", [(1, 5000), (5000, 1)])
def test_extreme_strips_are_refused_with_their_ratio(size: tuple[int, int]) -> None:
    with pytest.raises(ImageError, match=r"5000×1|1×5000.*5000:1 strip; the limit is 20:1"):
        load_image(encode(Image.new("L", size), "PNG"))


def test_strip_at_the_aspect_limit_is_accepted_and_keeps_a_row() -> None:
    loaded = load_image(encode(Image.new("L", (MAX_ASPECT * 30, 30)), "PNG"), max_side=16)
    assert loaded.pixels.shape == (1, 16, 3)


def test_large_jpeg_keeps_its_aspect_and_is_drafted(big_jpeg: bytes, monkeypatch) -> None:
    decoded_sizes = []
    resize = Image.Image.resize

    def spy(self: Image.Image, *args: object, **kwargs: object) -> Image.Image:
        decoded_sizes.append(self.size)
        return resize(self, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", spy)
    loaded = load_image(big_jpeg, max_side=1024)
    assert loaded.pixels.shape == (768, 1024, 3)
    assert loaded.original_size == (4000, 3000)
    assert loaded.notes == ("reduced from 4000×3000 to 1024×768",)
    assert decoded_sizes == [(2000, 1500)]  # JPEG draft mode decoded at half scale


def test_small_images_are_not_enlarged() -> None:
    assert load_image(encode(Image.fromarray(BLOCKS), "PNG"), max_side=16).pixels.shape == (11, 16, 3)
    assert load_image(encode(Image.fromarray(BLOCKS), "PNG"), max_side=4096).pixels.shape == (32, 48, 3)


@pytest.mark.parametrize("max_side", [15, 0, -1, 4097])
def test_max_side_out_of_range(max_side: int) -> None:
    with pytest.raises(ValueError, match=rf"max_side must be between 16 and 4096 pixels, got {max_side}"):
        load_image(b"unused", max_side=max_side)


@pytest.mark.parametrize("max_side", [512.0, True, "512"])
def test_max_side_must_be_an_int(max_side: object) -> None:
    with pytest.raises(TypeError, match="max_side must be an int"):
        load_image(b"unused", max_side=max_side)


# --------------------------------------------------------------- refusals ---

@pytest.mark.parametrize(("data", "message"), [
    (b"", r"The file is empty \(0 bytes\)"),
    (bytearray(), "The file is empty"),
    (b"hello", r"not an image convviz can read \(5 bytes; it looks like plain text\)"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "it looks like a PDF document"),
    (b"PK\x03\x04" + bytes(40), "ZIP archive or an Office document"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "plain text"),
    (b"  <svg width='10'></svg>", "SVG drawing"),
    (b"<!DOCTYPE html><html></html>", "web page"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "HEIC photo; export it as JPEG"),
    (b"\x89PNG\r\n\x1a", "starts like a PNG but is truncated or corrupt"),
    (b"\xff\xd8\xff\xe0", "starts like a JPEG but is truncated or corrupt"),
    (b"\x00\x01\x02\xfe\xff" * 20, "first bytes match no image format"),
])
def test_files_that_are_not_images(data: bytes, message: str) -> None:
    with pytest.raises(ImageError, match=message):
        load_image(data)


def test_error_names_the_readable_formats() -> None:
    with pytest.raises(ImageError, match="Upload a PNG, JPEG, GIF, BMP, WebP or TIFF file"):
        load_image(b"hello")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP", "TIFF", "BMP"])
def test_truncated_files(fmt: str) -> None:
    noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    data = encode(Image.fromarray(noise), fmt)
    with pytest.raises(ImageError, match="truncated or corrupt"):
        load_image(data[: len(data) // 2])


def test_random_bytes() -> None:
    data = np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    with pytest.raises(ImageError, match="not an image convviz can read"):
        load_image(data)


def test_formats_outside_the_list_are_refused() -> None:
    # Pillow could read these, but they are not photographs a student uploads.
    with pytest.raises(ImageError, match="not an image convviz can read"):
        load_image(encode(Image.new("RGB", (4, 4)), "PPM"))


@pytest.mark.parametrize(("width", "height", "claim"), [
    (100_000, 100_000, "10,000 megapixels"),  # past Pillow's own error limit
    (10_000, 10_000, "100 megapixels"),       # in Pillow's warning range
    (8_000, 8_000, "8000×8000 = 64 megapixels"),  # only convviz's limit
])
def test_decompression_bombs_are_refused_before_decoding(width: int, height: int, claim: str) -> None:
    data = png_claiming(width, height)
    assert len(data) < 100
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ImageError, match=f"{claim}; the limit is 50 megapixels"):
            load_image(data)
    assert time.perf_counter() - start < 0.5


def test_image_just_under_the_cap_is_opened() -> None:
    # The header is checked, then decoding fails on the missing pixel data.
    side = int(MAX_PIXELS**0.5)
    with pytest.raises(ImageError, match="truncated or corrupt"):
        load_image(png_claiming(side, side))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_an_image_or_an_image_error(data: bytes) -> None:
    try:
        load_image(data)
    except ImageError as error:
        assert str(error)


@settings(max_examples=150, deadline=None)
@given(fmt=st.sampled_from(["PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF"]),
       position=st.floats(0, 1), garbage=st.binary(min_size=1, max_size=8))
def test_damaged_files_give_an_image_or_an_image_error(fmt: str, position: float,
                                                       garbage: bytes) -> None:
    data = encode(Image.fromarray(BLOCKS), fmt)
    cut = int(position * len(data))
    try:
        loaded = load_image(data[:cut] + garbage + data[cut + len(garbage):])
    except ImageError:
        return
    assert loaded.pixels.ndim == 3
    assert loaded.pixels.shape[2] == 3


# ----------------------------------------------------------------- samples ---

@pytest.mark.parametrize("name", list(SAMPLES))
def test_every_sample_loads(name: str) -> None:
    sample = SAMPLES[name]
    path = SAMPLE_DIR / sample.filename
    assert path.stat().st_size < 150_000
    loaded = load_sample(name)
    assert max(loaded.pixels.shape[:2]) <= 512
    assert loaded.notes == ()
    assert sample.description
    assert sample.filename in (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")


def test_sample_max_side_is_passed_on() -> None:
    assert load_sample("Astronaut", max_side=64).pixels.shape == (64, 64, 3)


def test_unknown_sample_lists_the_names() -> None:
    with pytest.raises(ValueError, match="unknown sample 'Lena'; choose one of: Astronaut, "):
        load_sample("Lena")


# ----------------------------------------------------- grey and encoding ---

def test_grayscale_uses_bt601_weights() -> None:
    pixels = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]], np.float32)
    np.testing.assert_allclose(to_grayscale(pixels), [[76.245, 149.685, 29.07, 255]], rtol=1e-6)
    assert to_grayscale(pixels).dtype == np.float32


def test_grayscale_matches_pillow() -> None:
    gray = to_grayscale(BLOCKS)
    expected = np.asarray(Image.fromarray(BLOCKS).convert("L"), np.float32)
    np.testing.assert_allclose(gray, expected, atol=0.5)


def test_grayscale_of_grey_is_a_copy() -> None:
    grey = np.ones((2, 3))
    result = to_grayscale(grey)
    result[0, 0] = 9
    assert grey[0, 0] == 1


@pytest.mark.parametrize("shape", [(4,), (2, 2, 4), (2, 2, 3, 1)])
def test_grayscale_rejects_other_shapes(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=rf"shape \(H, W, 3\) or \(H, W\), got \({shape[0]},"):
        to_grayscale(np.zeros(shape))


@pytest.mark.parametrize("array", [np.full((3, 5), 300.0), np.full((3, 5, 3), -20.0)])
def test_encode_png_clips_and_round_trips(array: np.ndarray) -> None:
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(array))))
    assert decoded.shape == array.shape
    assert (decoded == np.clip(array, 0, 255)).all()


def test_encode_png_is_lossless_and_loads_back() -> None:
    loaded = load_image(encode_png(BLOCKS.astype(np.float32)))
    np.testing.assert_array_equal(loaded.pixels, BLOCKS)


def test_encode_jpeg_is_close_for_smooth_images() -> None:
    ramp = np.add.outer(np.arange(32.0), np.arange(48.0)) * 3
    decoded = np.asarray(Image.open(io.BytesIO(encode_jpeg(ramp, quality=95))), np.float32)
    assert np.abs(decoded - ramp).max() <= 3
    colour = Image.open(io.BytesIO(encode_jpeg(BLOCKS)))
    assert (colour.format, colour.mode, colour.size) == ("JPEG", "RGB", (48, 32))


def test_encoders_reject_bad_arrays_and_options() -> None:
    with pytest.raises(ValueError, match=r"got \(2, 2, 4\)"):
        encode_png(np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match="2 NaN or infinite values"):
        encode_png(np.array([[np.nan, np.inf, 0.0]]))
    with pytest.raises(ValueError, match="compress_level must be between 0 and 9, got 10"):
        encode_png(np.zeros((2, 2)), compress_level=10)
    with pytest.raises(ValueError, match="quality must be between 1 and 95, got 0"):
        encode_jpeg(np.zeros((2, 2)), quality=0)


def test_data_must_be_bytes() -> None:
    with pytest.raises(TypeError, match="data must be the file's bytes, got str"):
        load_image("photo.png")
