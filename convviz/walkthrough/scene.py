"""What each step of a walkthrough shows: grids of numbers, the window, the arithmetic.

A :class:`Scene` is drawn by two renderers that must agree: the Plotly animation of
:mod:`convviz.figures.animation` (played in the browser) and the Pillow frames of
:mod:`convviz.gif` (exported for slides). Both read the same cells and the same text, so
the GIF a teacher downloads says exactly what the page showed.

Every grid sits on one *board* of square cells, addressed ``(row, column)`` with rows
growing downwards, so all panels share one cell size. The scenes themselves are built from
the engine's step data in :mod:`~convviz.walkthrough.conv`,
:mod:`~convviz.walkthrough.pool` and :mod:`~convviz.walkthrough.transpose`;
this module holds the data model they share, and :mod:`~convviz.walkthrough.text`
how its numbers and arithmetic are written.

Examples
--------
>>> g = Grid("Output", 1, 10, np.zeros((2, 2)), labels(np.zeros((2, 2))), np.zeros((2, 2), bool), "signed")
>>> g.shape, g.cells(np.array([1]), np.array([0])).tolist()
((2, 2), [[2, 10]])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .text import labels

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
    view : (rows, cols) or None
        For a grid too large to number every cell legibly: how much of it is shown at a
        time, a neighbourhood that follows the window (each step's
        :attr:`StepView.origins` says where it starts). `top` and `left` place it.
    """

    title: str
    top: int
    left: int
    values: np.ndarray
    labels: np.ndarray
    padding: np.ndarray
    colors: str
    view: tuple[int, int] | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)``."""
        return self.values.shape

    @property
    def footprint(self) -> tuple[int, int]:
        """Rows and columns the grid takes on the board: its `view`, or all of it."""
        return self.shape if self.view is None else self.view

    def cells(self, rows: np.ndarray, cols: np.ndarray, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
        """Board cells ``(n, 2)`` of grid positions `rows`, `cols` (any matching shapes), when the
        shown part starts at grid cell `origin`."""
        return np.stack([np.ravel(rows) - origin[0] + self.top, np.ravel(cols) - origin[1] + self.left],
                        axis=-1).astype(int)

    def part(self, origin: tuple[int, int]) -> Grid:
        """The cells shown when the view starts at grid cell `origin`, as a grid in the same place.

        >>> g = Grid("", 0, 0, np.arange(16.0).reshape(4, 4), labels(np.arange(16.0).reshape(4, 4)),
        ...          np.zeros((4, 4), bool), "input", view=(2, 2))
        >>> g.part((1, 2)).labels.tolist()
        [['6', '7'], ['10', '11']]
        """
        if self.view is None:
            return self
        shown = np.s_[origin[0]:origin[0] + self.view[0], origin[1]:origin[1] + self.view[1]]
        return Grid(self.title, self.top, self.left, self.values[shown], self.labels[shown], self.padding[shown],
                    self.colors)


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
    origins : tuple of (row, col)
        For each grid, the grid cell its shown part starts at (``(0, 0)`` for a grid
        shown whole; empty when every grid is).
    """

    window: np.ndarray
    current: np.ndarray
    marks: np.ndarray
    lines: tuple[str, ...]
    result: float
    origins: tuple[tuple[int, int], ...] = ()


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
    fills : int, tuple of int, or None
        Index of the grid that fills in one cell per step, in reading order; or several, one
        after another (the slices of a 3-D output).
    running : float array (steps, rows, cols) or None
        For a transposed convolution: the output after each step, NaN where nothing has
        landed yet; shown in grid `running_grid`.
    running_grid : int or None
    clickable : int or tuple of int
        Index of the grid (or grids, counted one after another) whose cells jump to a step
        when clicked; cell ``[i, j]`` is step ``i·cols + j``.
    marked : int
        Index of the grid the steps' `marks` lie on.
    """

    title: str
    grids: tuple[Grid, ...]
    signs: tuple[tuple[float, float, str], ...]
    steps: tuple[StepView, ...]
    formula: tuple[str, ...]
    notes: tuple[str, ...] = ()
    fills: int | tuple[int, ...] | None = None
    running: np.ndarray | None = None
    running_grid: int | None = None
    clickable: int | tuple[int, ...] = 0
    marked: int = 0

    @property
    def filled(self) -> tuple[int, ...]:
        """The grids that fill in, in the order they do."""
        return () if self.fills is None else (self.fills,) if isinstance(self.fills, int) else self.fills

    @property
    def clicked(self) -> tuple[int, ...]:
        """The grids whose cells jump to a step when clicked, in the order of their steps."""
        return (self.clickable,) if isinstance(self.clickable, int) else self.clickable

    @property
    def board(self) -> tuple[int, int]:
        """Rows and columns of the board that holds every grid."""
        return (max(g.top + g.footprint[0] for g in self.grids), max(g.left + g.footprint[1] for g in self.grids))

    @property
    def zoomed(self) -> tuple[int, ...]:
        """Indices of the grids shown a neighbourhood at a time."""
        return tuple(k for k, g in enumerate(self.grids) if g.view is not None)

    @cached_property
    def pages(self) -> dict[int, tuple[list[tuple[int, int]], np.ndarray]]:
        """For each grid shown in parts: the parts' origins, and which part each step shows."""
        pages = {}
        for k in self.zoomed:
            origins = sorted({view.origins[k] for view in self.steps})
            index = {o: n for n, o in enumerate(origins)}
            pages[k] = origins, np.array([index[view.origins[k]] for view in self.steps])
        return pages

    def origin(self, step: int, grid: int) -> tuple[int, int]:
        """Grid cell where grid `grid`'s shown part starts at `step`."""
        return (0, 0) if self.grids[grid].view is None else self.steps[step].origins[grid]

    def shown(self, step: int, grid: int) -> Grid:
        """Grid `grid` as `step` shows it: all of it, or the neighbourhood of the window."""
        return self.grids[grid].part(self.origin(step, grid))

    def hidden(self, step: int) -> list[tuple[int, int, int, int]]:
        """Board rectangles ``(row0, col0, row1, col1)`` (inclusive) still blank at `step`.

        >>> g = Grid("Output", 1, 10, np.zeros((3, 3)), labels(np.zeros((3, 3))), np.zeros((3, 3), bool), "signed")
        >>> Scene("", (g,), (), (), (), fills=0).hidden(4)
        [(2, 12, 2, 12), (3, 10, 3, 12)]
        """
        rects, start = [], 0
        for k in self.filled:
            g = self.grids[k]
            rows, cols = g.shape
            done = step - start                   # cells of this grid computed before `step`'s
            start += rows * cols
            if done >= rows * cols - 1:
                continue
            i, j = divmod(max(done, 0), cols)
            blank = ([(0, 0, rows - 1, cols - 1)] if done < 0 else
                     [(i, j + 1, i, cols - 1)] * (j + 1 < cols) + [(i + 1, 0, rows - 1, cols - 1)] * (i + 1 < rows))
            (o_r, o_c), (f_r, f_c) = self.origin(step, k), g.footprint
            for r0, c0, r1, c1 in blank:
                r0, c0, r1, c1 = max(r0 - o_r, 0), max(c0 - o_c, 0), min(r1 - o_r, f_r - 1), min(c1 - o_c, f_c - 1)
                if r0 <= r1 and c0 <= c1:
                    rects.append((g.top + r0, g.left + c0, g.top + r1, g.left + c1))
        return rects

    def running_labels(self, step: int) -> np.ndarray:
        """Labels of the running grid after `step` (empty where nothing has landed)."""
        if self.running is None:
            raise ValueError("this scene has no running totals (only transposed convolutions do)")
        return labels(self.running[step])

    def click_targets(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every clickable cell: its grid, its cell ``(row, col)`` in that grid, and the step
        it jumps to."""
        grids, cells, steps, start = [], [], [], 0
        for k in self.clicked:
            rows, cols = np.indices(self.grids[k].shape)
            grids.append(np.full(rows.size, k))
            cells.append(np.stack([rows.ravel(), cols.ravel()], axis=-1))
            steps.append(start + np.arange(rows.size))
            start += rows.size
        return np.concatenate(grids), np.concatenate(cells), np.concatenate(steps)


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
