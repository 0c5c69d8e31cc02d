"""One look for every figure: colours, fonts and scales legible on a classroom projector.

Examples
--------
>>> diverging_range(np.array([-3.0, 1.0]))
(-3.0, 3.0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from plotly.colors import sample_colorscale

if TYPE_CHECKING:
    from ..walkthrough.scene import Grid

# Figures shown with Streamlit's theme leave Plotly's default template out: Streamlit replaces it
# in the browser anyway, and it is about 6.5 kB of JSON in every chart of every rerun.
TEMPLATE = "none"
# No colour: text outside the cells takes the colour of the viewer's theme, light or dark.
FONT = dict(family="Inter, 'Source Sans Pro', 'DejaVu Sans', sans-serif", size=16)
CELL_FONT = dict(family="'DejaVu Sans Mono', 'Source Code Pro', monospace", size=16)
GREY_SCALE = "gray"
# A diverging scale centred on 0: blue for negative, white for 0, red for positive. Chosen
# over red/green so it reads for the colour-blind and on washed-out projectors.
DIVERGING = "RdBu_r"
PADDING_FILL = "#e4e6eb"
WINDOW = "#f08c00"          # the kernel window / current tap
HIGHLIGHT = "#2f9e44"       # the output cell being computed
INK = "#1f2430"             # text on the pale cells, in either theme
MUTED = "#7c828d"           # secondary text, legible on light and dark backgrounds alike
CLEAR = "rgba(0,0,0,0)"     # figure backgrounds: the page's own colour shows through


def colour_lut(scale: str) -> np.ndarray:
    """A Plotly colour scale as 256 RGB rows (uint8), for colouring arrays by index.

    >>> colour_lut("gray")[[0, -1]].tolist()
    [[0, 0, 0], [254, 254, 253]]
    """
    colours = sample_colorscale(scale, np.linspace(0, 1, 256), colortype="tuple")
    return np.round(np.array(colours) * (255 if max(max(c) for c in colours) <= 1 else 1)).astype(np.uint8)


_HALF_LARGEST = float(np.finfo(np.float64).max) / 2


def diverging_range(values: np.ndarray) -> tuple[float, float]:
    """Symmetric colour range ``(−m, m)`` so that 0 is always the middle colour.

    ``m`` is at most half the largest float, so that ``2m``, the span a colour scale divides
    by, stays finite (Plotly draws no cell of a heatmap whose range is infinite); larger
    values take the end colours.

    >>> diverging_range([[1e308, -3.0]])
    (-8.988465674311579e+307, 8.988465674311579e+307)
    """
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    m = min(float(np.abs(finite).max()), _HALF_LARGEST) if finite.size else 1.0
    return (-m, m) if m > 0 else (-1.0, 1.0)


# Pale scales for grids with numbers written in them: dark text stays readable on every cell.
PALE_SEQUENTIAL = [[0.0, "#ffffff"], [1.0, "#a9c9ec"]]
PALE_DIVERGING = [[0.0, "#8fb4e6"], [0.5, "#ffffff"], [1.0, "#f2a494"]]
GREY_RAMP = [[0.0, "#000000"], [1.0, "#ffffff"]]    # pixel values 0…255 as a photo shows them
BLANK_FILL = "#f1f3f5"      # output cells not computed yet
WINDOW_FILL = "rgba(240, 140, 0, 0.10)"


def grid_scale(grid: Grid) -> tuple[list, float, float]:
    """Colour scale and value range of a grid's cells, the same in every renderer.

    >>> from convviz.walkthrough.scene import Grid
    >>> grid_scale(Grid("", 0, 0, np.array([[-2.0, 1.0]]), np.array([["", ""]]), np.zeros((1, 2), bool), "signed"))[1:]
    (-2.0, 2.0)
    """
    if grid.colors == "signed":
        return (PALE_DIVERGING, *diverging_range(grid.values))
    if grid.colors == "image":
        return GREY_RAMP, 0.0, 255.0
    finite = grid.values[np.isfinite(grid.values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    return PALE_SEQUENTIAL, lo, hi if hi > lo else lo + 1


def heatmap_z(grid: Grid, lo: float, hi: float) -> np.ndarray:
    """The values a heatmap of `grid` is drawn from: NaN on padding, ±∞ at the ends of ``lo…hi``.

    Plotly draws no cell, and no number in it, where z is not finite: a sum that overflowed
    would be an empty cell beside arithmetic that ends "= ∞". Clipping to the colour range
    changes no other cell's colour, and a cell not computed yet (NaN) stays blank.

    >>> from convviz.walkthrough.scene import Grid
    >>> g = Grid("", 0, 0, np.array([[np.inf, -2.0, np.nan]]), np.array([["∞", "−2", ""]]),
    ...          np.array([[False, False, True]]), "signed")
    >>> heatmap_z(g, -2.0, 2.0)
    array([[ 2., -2., nan]])
    """
    return np.where(grid.padding, np.nan, np.clip(grid.values, lo, hi))
