"""Tests for convviz.gif: a valid animated GIF with one frame per step, and single-step PNGs."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageColor

from convviz.walkthrough.conv import conv_scene
from convviz.walkthrough.pool import pool_scene
from convviz.walkthrough.transpose import transpose_scene
from convviz.figures.style import HIGHLIGHT, WINDOW
from convviz.gif import MAX_WIDTH, WIDTH, animated_gif, render_step, step_png

TEXTBOOK = np.arange(1, 26).reshape(5, 5)
EDGE = [[1, 0, -1]] * 3


def frames(data: bytes) -> list[np.ndarray]:
    gif = Image.open(io.BytesIO(data))
    out = []
    for k in range(gif.n_frames):
        gif.seek(k)
        out.append(np.asarray(gif.convert("RGB")))
    return out


def pixels_of(image: np.ndarray, colour: str) -> int:
    return int((np.abs(image.astype(int) - ImageColor.getrgb(colour)).sum(-1) < 30).sum())


def test_textbook_gif_is_animated_with_one_frame_per_step():
    data = animated_gif(conv_scene(TEXTBOOK, EDGE), duration=500)
    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.is_animated and gif.n_frames == 9
    assert gif.size[0] >= WIDTH and gif.info["loop"] == 0
    durations = []
    for k in range(gif.n_frames):
        gif.seek(k)
        durations.append(gif.info["duration"])
    assert durations == [500] * 8 + [1500]


@pytest.mark.parametrize("scene", [
    conv_scene(TEXTBOOK, EDGE, padding=1, padding_mode="reflect", dilation=2),
    conv_scene(np.stack([TEXTBOOK] * 3), np.stack([EDGE] * 3), bias=1.0),
    pool_scene(TEXTBOOK, 2, stride=2, ceil_mode=True),
    transpose_scene(TEXTBOOK[:3, :3], EDGE, stride=2, padding=1, output_padding=1),
])
def test_every_kind_of_scene_gets_one_frame_per_step(scene):
    assert len(frames(animated_gif(scene))) == len(scene.steps)


def test_consecutive_frames_differ_and_show_the_window_and_the_highlight():
    images = frames(animated_gif(conv_scene(TEXTBOOK, EDGE)))
    for a, b in zip(images, images[1:]):
        assert (a != b).any()
    for image in images:
        assert pixels_of(image, WINDOW) > 200 and pixels_of(image, HIGHLIGHT) > 200


def test_a_range_of_steps_gives_that_many_frames():
    assert len(frames(animated_gif(conv_scene(np.zeros((8, 8)), np.ones((3, 3))), steps=range(10, 14)))) == 4


def test_step_png_is_the_rendered_step():
    scene = conv_scene(TEXTBOOK, EDGE)
    png = Image.open(io.BytesIO(step_png(scene, 4)))
    assert png.format == "PNG" and png.size[0] >= WIDTH
    assert (np.asarray(png.convert("RGB")) == np.asarray(render_step(scene, 4))).all()
    assert (np.asarray(render_step(scene, 4)) != np.asarray(render_step(scene, 5))).any()


def test_large_boards_grow_the_frame_but_stay_within_the_cap():
    wide = render_step(conv_scene(np.zeros((16, 16)), np.ones((3, 3)), padding="full"), 0)
    assert WIDTH < wide.width <= MAX_WIDTH
    huge = render_step(conv_scene(np.zeros((32, 32)), np.ones((15, 15)), padding="full"), 0)
    assert huge.width <= MAX_WIDTH
