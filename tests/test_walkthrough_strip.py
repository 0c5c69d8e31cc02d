"""The 1-D walkthrough as a scene (convviz.walkthrough.strip): a strip per channel, what each step reads,
multiplies and adds, checked against the engine's conv1d and a padded strip made by numpy's own np.pad;
drawn by the board renderers (the GIF) and by the page's strip figure."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from convviz import conv1d
from convviz.figures.walk1d import walk_figure
from convviz.gif import animated_gif
from convviz.ngrams import FILTERS
from convviz.steps import conv1d_steps
from convviz.text import embed
from convviz.walkthrough import conv1d_scene
from convviz.walkthrough.strip import StripScene
from convviz.walkthrough.text import labels, number

NUMPY_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@dataclass(frozen=True)
class Walk:
    """A 1-D walkthrough setting and what the engine says it computes."""

    x: np.ndarray
    w: np.ndarray
    bias: float
    layer: dict
    region: tuple[int, int] | None = None
    names: tuple[str, ...] | None = None
    words: tuple[str, ...] | None = None

    @property
    def first(self) -> int:
        return 0 if self.region is None else self.region[0]

    def scene(self) -> StripScene:
        steps = conv1d_steps(self.x, self.w, self.bias, region=self.region, **self.layer)
        return conv1d_scene(steps, self.x, self.names, self.words, self.first)

    def expected(self) -> np.ndarray:
        """conv1d's outputs for the steps walked through."""
        out = conv1d(self.x[None], self.w[None], np.array([self.bias]), **self.layer)[0, 0]
        return out if self.region is None else out[slice(*self.region)]

    def read(self, o: int) -> tuple[np.ndarray, np.ndarray]:
        """Input positions output `o` reads and their values, from np.pad and the formula o·stride − before + t·d."""
        (before, after), = conv1d_steps(self.x, self.w, **self.layer).pads
        mode = NUMPY_MODES[self.layer.get("padding_mode", "zeros")]
        padded = np.pad(self.x, ((0, 0), (before, after)), mode=mode)
        taps = o * self.layer.get("stride", 1) - before + np.arange(self.w.shape[1]) * self.layer.get("dilation", 1)
        return taps, padded[:, taps + before]


def _sentence() -> Walk:
    s, f = embed("not very good at all"), FILTERS["not_very_positive"]
    return Walk(s.vectors, f.weights, f.bias, {"padding": 1}, names=tuple(s.dimensions), words=tuple(s.words))


_R = np.random.default_rng(7)
CASES = {
    "one channel": Walk(np.array([[1.0, 3.0, 2.0, 5.0, 4.0]]), np.array([[1.0, 0.0, -1.0]]), 0.0, {}),
    "three channels, same, reflect, bias": Walk(_R.integers(-4, 5, (3, 7)) / 2, _R.integers(-2, 3, (3, 3)) * 1.0,
                                                0.5, {"padding": "same", "padding_mode": "reflect"}),
    "stride 3, dilation 2, circular": Walk(np.arange(12.0)[None], np.array([[1.0, -2.0, 1.0]]), 0.0,
                                          {"stride": 3, "dilation": 2, "padding": 2, "padding_mode": "circular"}),
    "left only, replicate": Walk(np.array([[2.0, -1.0, 4.0, 0.5]]), np.array([[1.0, 1.0, 1.0]]), -1.0,
                                 {"padding": ((2, 0),), "padding_mode": "replicate"}),
    "full, two channels, stride 2": Walk(_R.integers(-3, 4, (2, 6)) * 1.0, _R.integers(-2, 3, (2, 2)) * 1.0, 0.0,
                                         {"padding": "full", "stride": 2}),
    "a region of a long signal": Walk(np.sin(np.arange(400) / 7)[None], np.array([[1.0, 0.0, -1.0]]), 0.0,
                                      {"padding": "same"}, region=(200, 212)),
    "a sentence": _sentence(),
}


def check_scene(walk: Walk) -> StripScene:
    """Every step of `walk`'s scene reads, multiplies and adds what the engine and np.pad say."""
    scene, expected = walk.scene(), walk.expected()
    channels, length = walk.x.shape
    strip, k_taps = scene.input, walk.w.shape[1]
    assert len(scene.steps) == expected.size and scene.output.labels[0].tolist() == labels(expected).tolist()
    assert scene.kernel.labels.tolist() == labels(walk.w).tolist()
    assert scene.taps.tolist() == (np.arange(k_taps) * walk.layer.get("dilation", 1)).tolist()
    for k, view in enumerate(scene.steps):
        taps, values = walk.read(walk.first + k)
        cols = view.window[view.window[:, 0] == strip.top, 1] - strip.left
        assert len(view.window) == channels * k_taps and scene.positions[cols].tolist() == taps.tolist()
        assert scene.shift(k) == k * walk.layer.get("stride", 1)
        assert strip.labels[:, cols].tolist() == labels(values).tolist()             # what it reads
        assert strip.padding[:, cols].tolist() == [((taps < 0) | (taps >= length)).tolist()] * channels
        np.testing.assert_allclose(scene.products[k], values * walk.w)              # what it multiplies
        assert scene.product_labels[k].tolist() == labels(values * walk.w).tolist()
        assert (values * walk.w).sum() + walk.bias == pytest.approx(expected[k])     # what it adds
        assert view.result == pytest.approx(expected[k])
        assert re.search(r" [=≈] (\S+)$", view.lines[-1]).group(1) == number(expected[k])
        assert view.current.tolist() == [[scene.output.top, scene.output.left + k]]
    return scene


@pytest.mark.parametrize("name", CASES)
def test_every_step_reads_multiplies_and_adds_what_the_engine_does(name):
    walk = CASES[name]
    scene = check_scene(walk)
    channels = walk.x.shape[0]
    unnamed = ("",) if channels == 1 else tuple(f"channel {c}" for c in range(channels))
    assert scene.channel_names == (walk.names or unnamed)


@st.composite
def walks(draw) -> Walk:
    """Any setting the engine accepts: 1–3 channels, any stride, padding (per side too), mode, dilation,
    bias, and now and then only a region of the outputs."""
    channels, length, k = draw(st.integers(1, 3)), draw(st.integers(3, 12)), draw(st.integers(1, 4))
    layer = {"stride": draw(st.integers(1, 3)), "dilation": draw(st.integers(1, 2)),
             "padding": draw(st.sampled_from([0, 1, 2, ((2, 0),), ((0, 1),), "same", "valid", "full"])),
             "padding_mode": draw(st.sampled_from(list(NUMPY_MODES)))}
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    x, w = rng.integers(-5, 6, (channels, length)) / draw(st.sampled_from([1, 4])), rng.integers(-2, 3, (channels, k))
    walk = Walk(x, w * 1.0, draw(st.sampled_from([0.0, 0.5, -2.0])), layer)
    try:
        n = walk.expected().size
    except ValueError:              # a kernel wider than the padded input, reflect padding past the edge, …
        assume(False)
    if n > 2 and draw(st.booleans()):
        start = draw(st.integers(0, n - 2))
        walk = Walk(walk.x, walk.w, walk.bias, layer, region=(start, draw(st.integers(start + 1, n))))
    return walk


@settings(max_examples=40, deadline=None)
@given(walk=walks())
def test_every_step_of_any_setting_ends_in_conv1d(walk):
    check_scene(walk)


def test_a_sentence_names_its_rows_and_words():
    scene = CASES["a sentence"].scene()
    assert scene.channel_names == CASES["a sentence"].names and scene.column_names == CASES["a sentence"].words
    assert scene.steps[0].lines[0] == "Step 1 of 5 · output 0 · “not very”"
    assert scene.positions.tolist() == list(range(-1, 6))


def test_the_strip_figure_writes_the_scenes_words():
    x = np.array([[0.0, 1.0, 0.5, 0.0, 1.0]])
    words = ["the", "film", "was", "not", "bad"]
    scene = conv1d_scene(conv1d_steps(x, [1.0, -1.0], padding=1), x, column_names=words)
    fig = walk_figure(scene)
    for k, frame in enumerate(fig.frames):
        assert frame.data[-1].text[0] == "<br>".join(scene.steps[k].lines)
    assert scene.steps[0].lines[0] == "Step 1 of 6 · output 0 · “the”"
    assert list(fig.layout.xaxis.ticktext) == words


def test_the_gif_draws_it():
    x = np.arange(10.0)[None]
    scene = conv1d_scene(conv1d_steps(x, [1.0, 0.0, -1.0], dilation=2, padding=2), x)
    gif = Image.open(io.BytesIO(animated_gif(scene)))
    assert gif.n_frames == 10 and gif.size[0] >= 1280
    assert scene.hidden(3) and not scene.hidden(9)
