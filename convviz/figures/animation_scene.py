"""What each step of a walkthrough shows: grids of numbers, the window, the arithmetic.

A :class:`Scene` is drawn by two renderers that must agree: the Plotly animation of
:mod:`convviz.figures.animation` (played in the browser) and the Pillow frames of
:mod:`convviz.gif` (exported for slides). Both read the same cells and the same text, so
the GIF a teacher downloads says exactly what the page showed.

Every grid sits on one *board* of square cells, addressed ``(row, column)`` with rows
growing downwards, so all panels share one cell size. The scenes themselves are built from
the engine's step data in :mod:`~convviz.figures.animation_conv`,
:mod:`~convviz.figures.animation_pool` and :mod:`~convviz.figures.animation_transpose`;
this module holds the data model they share, and :mod:`~convviz.figures.animation_text`
how its numbers and arithmetic are written.

Examples
--------
>>> g = Grid("Output", 1, 10, np.zeros((2, 2)), labels(np.zeros((2, 2))), np.zeros((2, 2), bool), "signed")
>>> g.shape, g.cells(np.array([1]), np.array([0])).tolist()
((2, 2), [[2, 10]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .animation_text import labels
from .style import GREY_RAMP, PALE_DIVERGING, PALE_SEQUENTIAL, diverging_range

@dataclass(frozen=True)
class Grid:
    """One panel of numbers.

    Attributes
    ----------
    title : str
    top, left : int
        Board position of cell ``[0, 0]``.
    values : float array (rows, cols)
        What sets each cell's colour; NaN leaves the cell uncoloured.
    labels : str array (rows, cols)
        The number written in each cell.
    padding : bool array (rows, cols)
        Cells drawn grey: padding around an input, or output cropped away.
    colors : {"input", "image", "signed", "plain"}
        Pale blues by value, greys as in a photo, blue–white–red around 0, or none.
    """

    title: str
    top: int
    left: int
    values: np.ndarray
    labels: np.ndarray
    padding: np.ndarray
    colors: str

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)``."""
        return self.values.shape

    def cells(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Board cells ``(n, 2)`` of grid positions `rows`, `cols` (any matching shapes)."""
        return np.stack([np.ravel(rows) + self.top, np.ravel(cols) + self.left], axis=-1).astype(int)


@dataclass(frozen=True)
class StepView:
    """One step: where the window is and what it computes.

    Attributes
    ----------
    window, current, marks : int arrays (n, 2)
        Board cells of the window (orange), the highlighted cell(s) (green) and marked
        cells such as the winner of a max pooling.
    lines : tuple of str
        The heading and the arithmetic, one string per line.
    result : float
        The number the arithmetic ends in, from the engine.
    """

    window: np.ndarray
    current: np.ndarray
    marks: np.ndarray
    lines: tuple[str, ...]
    result: float


@dataclass(frozen=True)
class Scene:
    """Everything an animation shows, frame by frame.

    Attributes
    ----------
    title : str
    grids : tuple of Grid
    signs : tuple of (row, col, text)
        Operators between panels (``∗``, ``+``, ``=``) at board positions.
    steps : tuple of StepView
    formula : tuple of str
        The output-size formula with this setting's numbers.
    notes : tuple of str
        What a student should know about this setting (unread input, cropping, …).
    fills : int or None
        Index of the grid that fills in one cell per step, in reading order.
    running : float array (steps, rows, cols) or None
        For a transposed convolution: the output after each step, NaN where nothing has
        landed yet; shown in grid `running_grid`.
    running_grid : int or None
    clickable : int
        Index of the grid whose cells jump to a step when clicked; cell ``[i, j]`` is step
        ``i·cols + j``.
    """

    title: str
    grids: tuple[Grid, ...]
    signs: tuple[tuple[float, float, str], ...]
    steps: tuple[StepView, ...]
    formula: tuple[str, ...]
    notes: tuple[str, ...] = ()
    fills: int | None = None
    running: np.ndarray | None = None
    running_grid: int | None = None
    clickable: int = 0

    @property
    def board(self) -> tuple[int, int]:
        """Rows and columns of the board that holds every grid."""
        return (max(g.top + g.shape[0] for g in self.grids), max(g.left + g.shape[1] for g in self.grids))

    def hidden(self, step: int) -> list[tuple[int, int, int, int]]:
        """Board rectangles ``(row0, col0, row1, col1)`` (inclusive) still blank at `step`.

        >>> g = Grid("Output", 1, 10, np.zeros((3, 3)), labels(np.zeros((3, 3))), np.zeros((3, 3), bool), "signed")
        >>> Scene("", (g,), (), (), (), fills=0).hidden(4)
        [(2, 12, 2, 12), (3, 10, 3, 12)]
        """
        if self.fills is None:
            return []
        g = self.grids[self.fills]
        rows, cols = g.shape
        i, j = divmod(step, cols)
        rects = []
        if j + 1 < cols:
            rects.append((g.top + i, g.left + j + 1, g.top + i, g.left + cols - 1))
        if i + 1 < rows:
            rects.append((g.top + i + 1, g.left, g.top + rows - 1, g.left + cols - 1))
        return rects

    def running_labels(self, step: int) -> np.ndarray:
        """Labels of the running grid after `step` (empty where nothing has landed)."""
        if self.running is None:
            raise ValueError("this scene has no running totals (only transposed convolutions do)")
        return labels(self.running[step])

    def click_targets(self) -> tuple[np.ndarray, np.ndarray]:
        """Board cells of the clickable grid and the step each one jumps to."""
        g = self.grids[self.clickable]
        rows, cols = np.indices(g.shape)
        return g.cells(rows, cols), np.arange(rows.size)


def grid_scale(grid: Grid) -> tuple[list, float, float]:
    """Colour scale and value range of a grid's cells, the same in every renderer.

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


def rectangles(cells: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Merge board cells into few rectangles ``(row0, col0, row1, col1)``, inclusive.

    A window without dilation is one rectangle; with dilation each tap stays its own square.

    >>> rectangles(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))
    [(0, 0, 1, 1)]
    >>> rectangles(np.array([[0, 0], [0, 2]]))
    [(0, 0, 0, 0), (0, 2, 0, 2)]
    """
    runs: dict[int, list[tuple[int, int]]] = {}
    for r in sorted({int(r) for r in cells[:, 0]}):
        cols = np.unique(cells[cells[:, 0] == r, 1])
        breaks = np.flatnonzero(np.diff(cols) != 1)
        runs[r] = [(int(a[0]), int(a[-1])) for a in np.split(cols, breaks + 1)]
    rects: list[list[int]] = []
    for r, spans in runs.items():
        for c0, c1 in spans:
            grown = next((q for q in rects if q[2] == r - 1 and (q[1], q[3]) == (c0, c1)), None)
            if grown:
                grown[2] = r
            else:
                rects.append([r, c0, r, c1])
    return [(a, b, c, d) for a, b, c, d in rects]
