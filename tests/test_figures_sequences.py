"""Tests for the Sequences page's figures, by their contents: cells, labels, frames, what each frame moves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from convviz.causal import dilated_stack
from convviz.figures.causal import stack_figure
from convviz.figures.sequences import envelope, feature_maps_figure, kernel_figure, sentence_figure, signal_figure
from convviz.figures.walk1d import walk_figure
from convviz.ngrams import FILTERS, detect
from convviz.steps import conv1d_steps
from convviz.text import embed
from convviz.walkthrough import conv1d_scene
from convviz.walkthrough.text import labels, number
from test_walkthrough_strip import CASES, Walk, walks


def test_the_sentence_matrix_marks_unknown_words_and_leaves_zeros_blank():
    s = embed("not blorp good")
    fig = sentence_figure(s)
    assert list(fig.layout.xaxis.ticktext) == ["not", "blorp<br><i>unknown</i>", "good"]
    assert list(fig.layout.yaxis.ticktext) == list(s.dimensions)
    z = np.array(fig.data[0].z, dtype=float)
    assert z[2, 0] == 1 and z[0, 2] == 0.7 and np.isnan(z[:, 1]).all() and np.isnan(z[1, 0])
    grey = np.array(fig.data[1].z, dtype=float)
    assert np.isfinite(grey[:, 1]).all() and np.isnan(grey[:, [0, 2]]).all()
    assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)"


def test_feature_maps_show_every_window_and_outline_each_maximum():
    s = embed("it was not good but very good")
    found = detect(s, [FILTERS["not_positive"], FILTERS["very_positive"], FILTERS["not_then_positive"]])
    fig = feature_maps_figure(found, s.words)
    z = np.array(fig.data[0].z, dtype=float)
    assert z.shape == (3, 7) and z[0, 2] == pytest.approx(0.7) and z[1, 5] == pytest.approx(0.5)
    zeros = fig.data[1]
    assert len(zeros.x) == sum(int((d.activations == 0).sum()) for d in found)
    boxes = [(shape.x0 + 0.5, shape.y0 + 0.5) for shape in fig.layout.shapes]
    assert boxes == [(2, 0), (5, 1), (2, 2)]
    assert list(fig.layout.yaxis.ticktext)[0] == "“not good” (2)"


def test_an_envelope_keeps_the_extremes_of_each_bucket():
    t = np.arange(100_000) / 1000
    v = np.sin(t * 7)
    v[54_321] = 5.0
    tt, vv = envelope(t, v, points=1000)
    assert tt.size <= 1000 and vv.max() == 5.0 and vv.min() == pytest.approx(v.min())
    assert np.all(np.diff(tt) >= 0)
    assert envelope(t[:10], v[:10])[1].size == 10


def test_the_signal_figure_puts_input_and_output_on_one_time_axis():
    t = np.arange(8000) / 8000
    fig = signal_figure(t, np.sin(t), t[::2], np.cos(t[::2]), ("In", "Out"), piece=(0.1, 0.2))
    assert len(fig.data) == 2 and fig.layout.xaxis.matches == "x2"          # zooming one zooms both
    assert [a.text for a in fig.layout.annotations] == ["In", "Out"]
    assert fig.layout.shapes[0].x0 == 0.1


def test_the_kernel_figure_leaves_the_dilations_gaps_empty():
    fig = kernel_figure(np.array([1.0, 2.0, 3.0]), dilation=2)
    assert fig.data[0].x.tolist() == [0, 2, 4] and "3 taps over 5 samples" in fig.layout.title.text


def test_the_stack_figure_highlights_what_the_output_reads():
    stack = dilated_stack(20, 2, (1, 2, 4), output=19)
    fig = stack_figure(stack)
    highlighted = [t for t in fig.data if t.mode == "markers" and t.marker.size in (12, 14)]
    assert [len(t.x) for t in highlighted] == [8, 4, 2, 1]
    assert [a.text for a in fig.layout.annotations][-3:] == ["sees 2", "sees 4", "sees 8"]


# --- the walkthrough (convviz.figures.walk1d, drawn from convviz.walkthrough.strip's scene) ---------

def strip_figure(x, w, bias=0.0, *, names=None, words=None, first=0, **kwargs):
    """The strip figure of conv1d_steps(x, w, bias, …); walk_figure's own keywords go to it."""
    figure_keys = {k: kwargs.pop(k) for k in ("step", "duration", "width", "height", "max_frames") if k in kwargs}
    return walk_figure(conv1d_scene(conv1d_steps(x, w, bias, **kwargs), x, names, words, first), **figure_keys)


def shown(fig, k: int) -> dict:
    """What the figure shows at frame `k`, read off its traces and that frame's axis ranges: the strip's
    labels under the kernel's taps, the kernel's and the products' labels, the arithmetic, the output."""
    strip, padding, output, kernel = fig.data[:4]
    written = np.where(np.array(strip.text) != "", np.array(strip.text), np.array(padding.text))
    frame = fig.frames[k]
    shift = round(-(frame.layout.xaxis3.range[0] + 0.6))
    at = np.flatnonzero(np.array(kernel.text)[0] != "")                     # the kernel's taps
    cover, *products, arithmetic = frame.data                                # products: one channel only
    return {"reads": written[:, np.array(kernel.x)[at] + shift].tolist(),
            "kernel": np.array(kernel.text)[:, at].tolist(), "taps": np.array(kernel.x)[at].tolist(),
            "products": list(products[0].text) if products else None, "lines": arithmetic.text[0].split("<br>"),
            "output": list(output.text[0]), "current": round(-(frame.layout.xaxis4.range[0] + 0.6)),
            "blank from": min(v for v in cover.x if v is not None), "output x": list(output.x)}


def check_frames(case: Walk) -> None:
    """Every frame of `case`'s strip figure shows its scene's numbers, which are the engine's and np.pad's."""
    scene, expected = case.scene(), case.expected()
    fig = walk_figure(scene)
    assert [f.name for f in fig.frames] == [str(k) for k in range(len(scene.steps))]
    for f in fig.frames:                          # frames stay light: no cells, only the last traces' text and cover
        assert {d.type for d in f.data} == {"scatter"} and list(f.traces) == list(range(len(fig.data)))[-len(f.data):]
    for k in range(len(scene.steps)):
        seen = shown(fig, k)
        _, values = case.read(case.first + k)
        assert seen["reads"] == scene.input.labels[:, scene.taps + scene.shift(k)].tolist() == labels(values).tolist()
        assert seen["kernel"] == scene.kernel.labels.tolist() == labels(case.w).tolist()
        assert seen["taps"] == scene.taps.tolist()
        if case.x.shape[0] == 1:
            assert seen["products"] == scene.product_labels[k, 0].tolist() == labels(values * case.w)[0].tolist()
        else:
            assert seen["products"] is None                              # each channel's sum is in the arithmetic
        assert seen["lines"] == list(scene.steps[k].lines) and seen["lines"][-1].endswith(number(expected[k]))
        assert seen["output"] == scene.output.labels[0].tolist() == labels(expected).tolist()
        assert seen["current"] == k and seen["output x"][k] == scene.steps[k].current[0, 1]
        if k + 1 < len(scene.steps):                                     # later outputs are still covered
            assert seen["blank from"] == pytest.approx(seen["output x"][k + 1] - 0.5)


@pytest.mark.parametrize("name", CASES)
def test_every_frame_shows_the_scenes_numbers_and_so_conv1d(name):
    check_frames(CASES[name])


@settings(max_examples=25, deadline=None)
@given(case=walks())
def test_every_frame_of_any_setting_shows_the_scenes_numbers(case):
    check_frames(case)


def test_the_strip_is_labelled_with_the_scenes_positions_and_channels():
    case = CASES["three channels, same, reflect, bias"]
    scene = case.scene()
    fig = walk_figure(scene)
    ticks = dict(zip(fig.layout.xaxis.tickvals, fig.layout.xaxis.ticktext))          # above the strip: positions
    assert ticks and all(text == str(scene.positions[c]) and 0 <= scene.positions[c] < case.x.shape[1]
                         for c, text in ticks.items())
    assert list(fig.layout.yaxis.ticktext)[:3] == ["channel 0", "channel 1", "channel 2"]
    grey = np.array(fig.data[1].text) != ""
    assert grey.tolist() == scene.input.padding.tolist()


def test_every_step_has_a_frame_with_its_arithmetic_and_products():
    x = np.array([[1.0, 3.0, 2.0, 5.0]])
    fig = strip_figure(x, [1.0, 0.0, -1.0], padding=1)
    assert len(fig.frames) == 4 and [f.name for f in fig.frames] == ["0", "1", "2", "3"]
    equation = fig.frames[1].data[-1].text[0].split("<br>")
    assert equation == ["Step 2 of 4 · output 1", "1·1 + 3·0 + 2·(−1) = −1"]
    assert list(fig.frames[1].data[1].text) == ["1", "0", "−2"]                      # the products, tap by tap
    assert list(fig.frames[0].data[1].text) == ["0", "0", "−3"]                      # padding reads 0
    buttons = fig.layout.updatemenus[0].buttons                                # what widgets.stepper runs
    assert [b.label for b in buttons] == ["▶ Play", "❚❚ Pause", "↺ Restart"]
    slider = fig.layout.sliders[0]                                             # one step a frame, unlabelled:
    assert [list(s.args[0]) for s in slider.steps] == [["0"], ["1"], ["2"], ["3"]]    # the heading says the step
    assert {s.label for s in slider.steps} == {""} and not slider.currentvalue.visible


def test_the_kernel_moves_by_the_stride_and_the_output_box_by_one():
    x = np.arange(12.0)[None]
    fig = strip_figure(x, [1.0, 1.0], stride=3, dilation=2, step=2)
    start = [fig.frames[k].layout.xaxis3.range[0] for k in range(len(fig.frames))]
    current = [fig.frames[k].layout.xaxis4.range[0] for k in range(len(fig.frames))]
    assert np.allclose(np.diff(start), -3) and np.allclose(np.diff(current), -1)
    assert fig.layout.sliders[0].active == 2
    kernel = np.array(fig.data[3].z, dtype=float)                             # dilation 2: a gap between taps
    assert kernel[0, 0] == 1 and np.isnan(kernel[0, 1]) and kernel[0, 2] == 1


def test_a_sentence_walk_names_its_words_and_adds_each_dimension():
    s = embed("not very good")
    f = FILTERS["not_very_positive"]
    fig = strip_figure(s.vectors, f.weights, f.bias, names=s.dimensions, words=s.words)
    lines = fig.frames[0].data[-1].text[0].split("<br>")
    assert lines[0] == "Step 1 of 1 · output 0 · “not very good”"
    assert lines[1].startswith("positive: ") and lines[-1] == "0.7 + 0 + 1 + 0.8 + 0 + (−2) (bias) = 0.5"
    assert len(fig.frames[0].data) == 2                                        # several channels: no products row
    assert list(fig.layout.xaxis.ticktext) == ["not", "very", "good"]


def test_a_region_of_a_long_signal_keeps_its_numbers_and_real_neighbours():
    x = np.arange(1000.0)[None] / 100
    fig = strip_figure(x, [1.0, -1.0], padding="same", region=(500, 505), first=500)
    assert fig.frames[0].data[-1].text[0].startswith("Step 1 of 5 · output 500")
    strip = np.array(fig.data[0].z, dtype=float)
    assert strip[0, 0] == 5.0 and strip.shape == (1, 6)


def test_many_steps_get_frames_around_the_current_one_only():
    x = np.arange(300.0)[None]
    fig = strip_figure(x, [1.0], step=250, max_frames=50)
    assert len(fig.frames) == 50 and fig.frames[0].name == "238"
    assert "frames for steps 239–288 of 300" in fig.layout.annotations[-1].text
