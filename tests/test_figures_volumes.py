"""convviz.figures.volumes: the slices animation and the one-window picture, by their contents."""

from __future__ import annotations

import numpy as np
import pytest

from convviz.figures.volumes import slices_figure

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
