"""The 3-D walkthrough (convviz.walkthrough.volume): depth slices side by side, drawn by the 2-D renderers.

Every sum is checked against conv3d, which computes without the step data the scene is built from.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from convviz import conv3d
from convviz.figures.animation import animation_figure
from convviz.gif import animated_gif
from convviz.walkthrough import conv3d_scene
from convviz.walkthrough.text import number

X = np.random.default_rng(3).integers(0, 10, (4, 5, 5)).astype(float)
W = np.stack([-np.array([[1.0, 0, -1]] * 3), np.array([[1.0, 0, -1]] * 3)])


def test_the_window_reaches_the_input_slices_its_kernel_slices_meet():
    scene = conv3d_scene(X, W)
    titles = [g.title for g in scene.grids]
    assert titles == [f"Input d={d}" for d in range(4)] + ["Kernel k=0", "Kernel k=1"] + \
        [f"Output d={d}" for d in range(3)]
    view = scene.steps[9 + 2]                       # output (1, 0, 2)
    slices = {k for k, g in enumerate(scene.grids[:4])
              for r, c in view.window if g.top <= r < g.top + 5 and g.left <= c < g.left + 5}
    assert slices == {1, 2} and len(view.window) == 18
    assert view.lines[0].endswith("(d, h, w) = (1, 0, 2)")
    assert [line.split(":")[0] for line in view.lines[1:3]] == ["k=0", "k=1"]
    out = scene.grids[6 + 1]
    assert view.current.tolist() == [[out.top, out.left + 2]]


def test_the_output_slices_fill_in_one_after_another():
    scene = conv3d_scene(X, W)
    outputs = scene.grids[6:]
    for k in (0, 4, 9, 17, 26):
        hidden = {(r, c) for r0, c0, r1, c1 in scene.hidden(k) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        expected = {(g.top + i, g.left + j) for s, g in enumerate(outputs) for i in range(3) for j in range(3)
                    if s * 9 + i * 3 + j > k}
        assert hidden == expected


@settings(max_examples=25, deadline=None)
@given(d=st.integers(2, 4), h=st.integers(3, 5), k=st.integers(1, 2), stride=st.integers(1, 2),
       padding=st.integers(0, 1), dilation=st.integers(1, 2),
       mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]), seed=st.integers(0, 99))
def test_every_step_ends_in_the_engines_output(d, h, k, stride, padding, dilation, mode, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.integers(-5, 6, (d, h, h)).astype(float), rng.integers(-2, 3, (k, 2, 2)).astype(float)
    try:
        expected = conv3d(x[None], w[None, None], stride=stride, padding=padding, dilation=dilation,
                          padding_mode=mode)[0]
    except ValueError:
        with pytest.raises(ValueError):
            conv3d_scene(x, w, stride=stride, padding=padding, dilation=dilation, padding_mode=mode)
        return
    scene = conv3d_scene(x, w, stride=stride, padding=padding, dilation=dilation, padding_mode=mode)
    assert len(scene.steps) == expected.size
    for view, value in zip(scene.steps, expected.ravel()):
        assert view.result == pytest.approx(value)
        assert re.search(r" = (\S+)$", view.lines[-1]).group(1) == number(value)


def test_the_page_renderer_and_the_gif_draw_it():
    scene = conv3d_scene(X, W)
    fig = animation_figure(scene, 11)
    assert len(fig.frames) == 27 and fig.layout.sliders[0].active == 11
    clicks = fig.data[-1]
    assert sorted(clicks.customdata) == list(range(27))
    gif = Image.open(io.BytesIO(animated_gif(scene, steps=range(0, 10))))
    assert gif.n_frames == 10


def test_several_channels_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="one volume"):
        conv3d_scene(np.ones((2, 3, 4, 4)), np.ones((2, 2, 2, 2)))
