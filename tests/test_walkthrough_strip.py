"""The 1-D walkthrough as a scene (convviz.walkthrough.strip): a strip per channel, drawn by the board
renderers (the GIF), with the same words as the page's own strip figure."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from convviz import conv1d
from convviz.figures.walk1d import walk_figure
from convviz.gif import animated_gif
from convviz.steps import conv1d_steps
from convviz.walkthrough import conv1d_scene
from convviz.walkthrough.text import number


@settings(max_examples=30, deadline=None)
@given(length=st.integers(3, 12), channels=st.integers(1, 3), k=st.integers(1, 4), stride=st.integers(1, 3),
       padding=st.sampled_from([0, 1, 2, (2, 0), (0, 1), "same", "valid"]), dilation=st.integers(1, 2),
       mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]), seed=st.integers(0, 99))
def test_every_step_reads_its_window_and_ends_in_conv1d(length, channels, k, stride, padding, dilation, mode, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.integers(-5, 6, (channels, length)).astype(float), rng.integers(-2, 3, (channels, k)).astype(float)
    try:
        expected = conv1d(x[None], w[None], stride=stride, padding=padding, dilation=dilation, padding_mode=mode)[0, 0]
    except ValueError:
        return
    steps = conv1d_steps(x, w, stride=stride, padding=padding, dilation=dilation, padding_mode=mode)
    scene = conv1d_scene(steps, x)
    assert len(scene.steps) == expected.size
    strip = scene.grids[0]
    for view, value, taps in zip(scene.steps, expected, steps.positions[0]):
        assert view.result == pytest.approx(value)
        assert re.search(r" = (\S+)$", view.lines[-1]).group(1) == number(value)
        cols = sorted({c - strip.left for _, c in view.window})
        assert len(view.window) == channels * k and cols == sorted({int(t) - int(steps.positions[0].min())
                                                                      for t in taps})


def test_its_words_are_the_strip_figures():
    x = np.array([[0.0, 1.0, 0.5, 0.0, 1.0]])
    steps = conv1d_steps(x, [1.0, -1.0], padding=1)
    words = ["the", "film", "was", "not", "bad"]
    scene = conv1d_scene(steps, x, column_names=words)
    fig = walk_figure(steps, x, column_names=words)
    for k, frame in enumerate(fig.frames):
        assert frame.data[-1].text[0] == "<br>".join(scene.steps[k].lines)
    assert scene.steps[0].lines[0] == "Step 1 of 6 · output 0 · “the”"


def test_the_gif_draws_it():
    x = np.arange(10.0)[None]
    scene = conv1d_scene(conv1d_steps(x, [1.0, 0.0, -1.0], dilation=2, padding=2), x)
    gif = Image.open(io.BytesIO(animated_gif(scene)))
    assert gif.n_frames == 10 and gif.size[0] >= 1280
    assert scene.hidden(3) and not scene.hidden(9)
