"""The HTML grids: every number shown (or in its tooltip), padding grey, text escaped."""

from __future__ import annotations

import re

import numpy as np

from convviz.figures.grids import grid_html, inspect_html, kernel_html
from convviz.figures.style import PADDING_FILL
from convviz.steps import conv2d_steps


def cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>([^<]*)</td>", html)


def test_a_kernel_shows_each_weight_with_a_true_minus_sign():
    assert cells(kernel_html(np.array([[-1.0, 0.0], [0.5, 2.0]]))) == ["−1", "0", "0.5", "2"]


def test_a_grid_too_fine_for_legible_numbers_keeps_them_in_tooltips():
    html = kernel_html(np.full((15, 15), 1 / 225))
    assert set(cells(html)) == {""}
    assert html.count('title="0.0044"') == 225


def test_weights_near_the_largest_float_keep_their_colours():
    """The colour span of ±1e308 overflowed to ∞, and every cell came out the same colour."""
    html = kernel_html(np.array([[1e308, 0.0, -1e308]]))
    fills = re.findall(r"background(?:-color)?:\s*(#[0-9a-f]{6})", html)
    assert len(set(fills)) == 3, fills


def test_captions_and_cells_are_escaped():
    html = grid_html(np.zeros((1, 1)), np.array([["<b>"]]), caption="<script>x</script>")
    assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html


def test_the_inspector_names_the_position_greys_the_padding_and_adds_up():
    steps = conv2d_steps(np.arange(1.0, 26.0).reshape(5, 5), np.ones((3, 3)), padding=1, region=(0, 1, 0, 1))
    html = inspect_html(steps, 0, 0, ("luminance",), position=(0, 0))
    assert "Output (0, 0) = 16" in html                      # 1 + 2 + 6 + 7
    patch = cells(html)[:9]
    assert patch == ["0", "0", "0", "0", "1", "2", "0", "6", "7"]
    assert html.count(f"background:{PADDING_FILL}") == 5     # the top row and left column of the patch
