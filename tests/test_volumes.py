"""convviz.volumes: clips read from animations, synthetic volumes, 3-D kernels and their costs."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from convviz import conv3d, conv_mac_count
from convviz.volumes import (
    KERNELS_3D, MAX_BYTES, factorised_costs, kernel3d, load_clip, parse_slices, synthetic,
)


def animation(frames: list[Image.Image], fmt: str = "GIF", **options) -> bytes:
    buf = io.BytesIO()
    frames[0].save(buf, fmt, save_all=True, append_images=frames[1:], **options)
    return buf.getvalue()


def test_a_gif_becomes_a_grey_volume_frame_by_frame():
    frames = [Image.new("RGB", (10, 6), (v, v, v)) for v in (0, 100, 200)]
    clip = load_clip(animation(frames))
    assert clip.frames.shape == (3, 6, 10)
    assert clip.frames[:, 0, 0].tolist() == [0, 100, 200]
    assert clip.notes == ()


def test_webp_and_tiff_clips_are_read_too():
    frames = [Image.new("L", (8, 8), v) for v in (10, 240)]
    assert load_clip(animation(frames, "WEBP", lossless=True)).frames.shape == (2, 8, 8)
    assert load_clip(animation(frames, "TIFF")).frames.shape == (2, 8, 8)


def test_large_and_long_clips_are_reduced_and_say_so():
    frames = [Image.new("L", (400, 200), v) for v in range(0, 250, 5)]     # 50 frames
    clip = load_clip(animation(frames), max_side=100, max_frames=20)
    assert clip.frames.shape == (20, 50, 100)
    assert clip.notes == ("kept the first 20 of 50 frames", "frames reduced from 400×200 to 100×50")


@pytest.mark.parametrize("data, match", [
    (b"", "empty"),
    (b"not an image at all", "not a readable animation"),
    (b"x" * (MAX_BYTES + 1), "MB"),
])
def test_what_is_not_a_clip_is_refused_with_a_reason(data, match):
    with pytest.raises(ValueError, match=match):
        load_clip(data)


def test_a_single_frame_and_a_still_format_are_refused():
    with pytest.raises(ValueError, match="one frame"):
        load_clip(animation([Image.new("L", (8, 8))]))
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG")
    with pytest.raises(ValueError, match="JPEG file holds one picture"):
        load_clip(buf.getvalue())


def test_frames_of_different_sizes_are_refused_naming_them():
    data = animation([Image.new("L", (8, 8)), Image.new("L", (6, 4))], "TIFF")
    with pytest.raises(ValueError, match=r"different sizes \(6×4, 8×8\)"):
        load_clip(data)


def test_synthetic_volumes():
    square = synthetic("moving square", frames=5, size=20)
    bright = [np.argwhere(f == 255)[:, 1].min() for f in square]
    assert bright == sorted(bright) and bright[0] == 0 and bright[-1] == 16      # it moves right, edge to edge
    phantom = synthetic("phantom", frames=9, size=9)
    assert set(np.unique(phantom)) == {0.0, 128.0, 255.0} and phantom[4, 4, 4] == 255
    with pytest.raises(ValueError, match="must be one of"):
        synthetic("cube")
    with pytest.raises(ValueError, match="at least 2 frames"):
        synthetic("phantom", frames=1)


def test_temporal_difference_lights_up_only_what_moves():
    volume = synthetic("moving square", frames=6, size=20)
    out = conv3d(volume[None], kernel3d("temporal difference")[None, None])[0]
    still = volume[1:] == volume[:-1]
    assert np.all(out[still] == 0) and np.any(out != 0)


@pytest.mark.parametrize("name", [k for k in KERNELS_3D if k != "custom"])
def test_every_kernel_is_three_dimensional_and_finite(name):
    k = kernel3d(name, 3)
    assert k.ndim == 3 and np.isfinite(k).all()


def test_smoothing_kernels_sum_to_one_and_the_edge_to_zero():
    assert kernel3d("3-D Gaussian", 5).sum() == pytest.approx(1)
    assert kernel3d("temporal mean", 4).sum() == pytest.approx(1)
    assert kernel3d("3-D edge (x)").sum() == 0


def test_custom_kernels_are_read_slice_by_slice():
    k = kernel3d("custom", custom="1 2; 3 4 | 5,6; 7,8")
    assert k.tolist() == [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    with pytest.raises(ValueError, match="numbers only"):
        parse_slices("1 a; 2 3")
    with pytest.raises(ValueError, match="same number"):
        parse_slices("1 2; 3 | 1 2; 3 4")
    with pytest.raises(ValueError, match=r"has 10 along columns; allowed: 1 to 9"):
        parse_slices(" ".join(["1"] * 10))
    with pytest.raises(ValueError, match="finite"):
        parse_slices("inf 1")


def test_the_factorised_layer_counts_both_of_its_convolutions():
    costs = factorised_costs(64, 64, (8, 56, 56))
    assert costs["3-D"]["parameters"] == 64 * 64 * 27 + 64
    assert costs["(2+1)-D"]["parameters"] == 64 * 64 * 9 + 64 + 64 * 64 * 3 + 64
    assert costs["3-D"]["macs"] == conv_mac_count(64, 64, (3, 3, 3), (8, 56, 56))
    assert costs["3-D"]["macs"] / costs["(2+1)-D"]["macs"] == pytest.approx(27 / 12)
