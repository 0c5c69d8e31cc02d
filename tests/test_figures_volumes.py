"""convviz.figures.volumes: the slices animation and the one-window picture, by their contents."""

from __future__ import annotations

import numpy as np
import pytest

from convviz import conv3d_steps
from convviz.figures.volumes import slices_figure, window_figure, window_sum

X = np.arange(4 * 5 * 5, dtype=float).reshape(4, 5, 5) % 10
W = np.stack([-np.array([[1.0, 0, -1]] * 3), np.array([[1.0, 0, -1]] * 3)])


def test_each_output_frame_is_an_animation_frame_beside_its_input_frame():
    volume, out = np.zeros((5, 4, 6)), np.linspace(-3, 3, 3 * 4 * 6).reshape(3, 4, 6)
    fig = slices_figure(volume, out, sources=[1, 2, 3], step=2)
    assert [f.name for f in fig.frames] == ["0", "1", "2"]
    assert all(len(f.data) == 2 and f.data[0].type == "image" for f in fig.frames)
    assert fig.data[1].source == fig.frames[2].data[1].source        # opens on the chosen frame
    assert [s.label for s in fig.layout.sliders[0].steps] == ["1", "2", "3"]
    assert fig.layout.updatemenus[0].visible is False                 # the page's own buttons play it
    assert "−3" in fig.layout.annotations[1].text and "+3" in fig.layout.annotations[1].text


def test_the_slices_figure_needs_one_source_per_output_frame():
    with pytest.raises(ValueError, match="one input frame per output frame"):
        slices_figure(np.zeros((3, 2, 2)), np.zeros((2, 2, 2)), sources=[0])


def test_the_window_picture_shows_every_slice_and_the_cells_read():
    steps = conv3d_steps(X, W)
    fig = window_figure(steps, (1, 0, 2), X)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [f"<b>input</b> d={d}" for d in range(4)] + ["<b>kernel</b> k=0", "<b>kernel</b> k=1"] \
        + [f"<b>output</b> d={d}" for d in range(3)]
    windows, current = fig.layout.shapes[:-1], fig.layout.shapes[-1]
    assert len(windows) == 2                                          # the kernel reaches input slices 1 and 2
    assert all(s.x1 - s.x0 == 3 and s.y1 - s.y0 == 3 for s in windows)
    assert current.x1 - current.x0 == 1
    values = [t for t in fig.data if t.text is not None]              # the blank cells under the outputs have none
    shown = values[6 + 1].text                                        # output d=1: filled up to (1, 0, 2)
    assert shown[0][2] != "" and shown[0][3 - 1] != "" and shown[1][0] == ""


def test_the_sum_is_written_slice_by_slice_and_equals_the_output():
    steps = conv3d_steps(X, W)
    text = window_sum(steps, (0, 1, 1)).splitlines()
    assert [line.split(":")[0] for line in text[:2]] == ["k=0", "k=1"]
    assert text[0].count("·") == 9 and "(−1)" in text[0]
    assert text[-1] == f"= {int(steps.sums[0, 1, 1])}".replace("-", "−")
