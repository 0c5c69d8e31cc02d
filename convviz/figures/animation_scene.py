"""What each step of a walkthrough shows: grids of numbers, the window, the arithmetic.

A :class:`Scene` is drawn by two renderers that must agree: the Plotly animation of
:mod:`convviz.figures.animation` (played in the browser) and the Pillow frames of
:mod:`convviz.gif` (exported for slides). Both read the same cells and the same text, so
the GIF a teacher downloads says exactly what the page showed.

Every grid sits on one *board* of square cells, addressed ``(row, column)`` with rows
growing downwards, so all panels share one cell size. The scenes themselves are built from
the engine's step data in :mod:`~convviz.figures.animation_conv`,
:mod:`~convviz.figures.animation_pool` and :mod:`~convviz.figures.animation_transpose`;
this module holds what they share: the data model and how numbers are written.

Examples
--------
>>> print(*expression(products(operands([[1, -2]])[0], operands([[3, 0.5]])[0]), " = 2"))
1·3 + (−2)·0.5 = 2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..formulas import Worked
from .style import GREY_RAMP, PALE_DIVERGING, PALE_SEQUENTIAL, diverging_range, format_number

DIGITS = 3          # decimals shown for non-integers below 10, in cells and in the arithmetic
LINE_LIMIT = 84     # characters of arithmetic per line that fit the figure and the GIF


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


def number(v: float) -> str:
    """A number as cells and sums show it: true minus sign, about four significant digits.

    >>> number(-6.0), number(0.0625), number(156.778), number(float("nan"))
    ('−6', '0.062', '156.8', '')
    """
    if np.isnan(v):
        return ""
    size = abs(float(v))
    if size >= 1000:
        return format_number(float(round(v)))
    return format_number(float(v), DIGITS if size < 10 else 2 if size < 100 else 1)


def labels(values: np.ndarray) -> np.ndarray:
    """:func:`number` of every element, as a string array."""
    return np.vectorize(number, otypes=[object])(np.asarray(values, dtype=float)).astype(str)


def operand(v: float) -> str:
    """A number inside an expression: negatives in parentheses so signs cannot blur.

    >>> operand(-1.0), operand(2.5)
    ('(−1)', '2.5')
    """
    text = number(v)
    return f"({text})" if text.startswith("−") else text


def shown_exactly(v: float) -> bool:
    """Whether :func:`number` writes `v` without rounding.

    >>> shown_exactly(0.25), shown_exactly(1 / 3)
    (True, False)
    """
    text = number(v).replace("−", "-")
    return bool(np.isclose(float(text), v, rtol=1e-9, atol=1e-12)) if text else True


def equals(result: float, exact: bool) -> str:
    """``" = −6"``, or ``" ≈ 0.333"`` when something on the left was rounded."""
    return f" {'=' if exact and shown_exactly(result) else '≈'} {number(result)}"


def shorten(terms: Sequence[str], sep: str, room: int = LINE_LIMIT) -> str:
    """Join `terms`, eliding the middle when they take more than `room` characters."""
    row = sep.join(terms)
    if len(row) <= room or len(terms) <= 5:
        return row
    return sep.join([*terms[:3], "…", *terms[-2:]])


def expression(terms: Sequence[Sequence[str]], tail: str, head: str = "", sep: str = " + ") -> tuple[str, ...]:
    """Lay a long expression out one kernel row per line, eliding what does not fit.

    `terms` holds one list per kernel row. Short expressions stay on one line.

    >>> expression([["1", "2"], ["3", "4"]], " = 10")
    ('1 + 2 + 3 + 4 = 10',)
    >>> for line in expression([["10·(−1)"] * 4] * 3, " = −120"):
    ...     print(line)
    10·(−1) + 10·(−1) + 10·(−1) + 10·(−1)
    + 10·(−1) + 10·(−1) + 10·(−1) + 10·(−1)
    + 10·(−1) + 10·(−1) + 10·(−1) + 10·(−1) = −120
    """
    flat = head + sep.join(t for row in terms for t in row) + tail
    if len(flat) <= LINE_LIMIT:
        return (flat,)
    room = LINE_LIMIT - max(len(head), len(sep.strip()) + 1) - len(tail) - 1
    rows = [shorten(row, sep, room) for row in terms]
    if len(rows) > 6:
        rows = [*rows[:3], "⋮", *rows[-2:]]
    if sep.strip() == ",":
        lines = [head + r + "," for r in rows[:-1]] + [rows[-1]]
    else:
        lines = [head + rows[0]] + [r if r == "⋮" else f"{sep.strip()} {r}" for r in rows[1:]]
    lines[-1] += tail
    return tuple(lines)


def operands(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`operand` and :func:`shown_exactly` of every element, formatting each distinct value once.

    >>> text, exact = operands(np.array([[1.0, -0.5], [1 / 3, 1.0]]))
    >>> text.tolist(), exact.tolist()
    ([['1', '(−0.5)'], ['0.333', '1']], [[True, True], [False, True]])
    """
    values = np.asarray(values, dtype=float)
    distinct, inverse = np.unique(values, return_inverse=True)
    text = np.array([operand(v) for v in distinct], dtype=object)
    exact = np.array([shown_exactly(v) for v in distinct], dtype=bool)
    return text[inverse].reshape(values.shape), exact[inverse].reshape(values.shape)


def products(values: np.ndarray, weights: np.ndarray) -> list[list[str]]:
    """Terms ``"v·w"`` per kernel row, from operand texts (see :func:`operands`)."""
    return [[f"{v}·{w}" for v, w in zip(vr, wr)] for vr, wr in zip(values, weights)]


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


def axis_notes(worked: Sequence[Worked]) -> tuple[str, ...]:
    """What an inexact division means, once when both axes say the same, else per axis."""
    rows, cols = (w.note for w in worked)
    if rows == cols:
        return (rows,) if rows else ()
    return tuple(f"{axis}: {note}" for axis, note in (("Rows", rows), ("Columns", cols)) if note)


def formula_lines(worked: Sequence[Worked]) -> tuple[str, ...]:
    """``"Output size: …"`` once when both axes agree, else one line per axis."""
    if worked[0].text == worked[1].text:
        return (f"Output size (rows and columns): {worked[0].text}",)
    return (f"Output rows: {worked[0].text}", f"Output columns: {worked[1].text}")
