"""Convolution as a matrix: the patch matrix times the kernel, and the whole layer as one matrix.

Every picture is a *board* of square cells holding :class:`~convviz.walkthrough.scene.Grid`
panels, as the walkthrough draws them: numbers written in pale cells, padding grey, the
window read by one output outlined orange (:data:`~convviz.figures.style.WINDOW`) and the
output itself green (:data:`~convviz.figures.style.HIGHLIGHT`). Heatmap clicks are not
reported to Streamlit, so a nearly invisible marker layer (the trace named ``"click"``)
carries each clickable cell's row in ``customdata``. The outlines are traces named
``"window"`` and ``"chosen"``, and a grid's padding cells are a trace of their own (``"… padding"``),
so a test finds each by name.

Examples
--------
>>> fig = product_figure(np.arange(8.0).reshape(4, 2), np.array([1.0, -1.0]), np.full(4, -1.0), row=2)
>>> [t.name for t in fig.data]
['patches', 'kernel', 'output', 'window', 'chosen', 'click', 'row numbers']
>>> fig.data[0].text[2].tolist()                       # the patch of row 2, as written in its cells
['4', '5']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from .animation_grids import text_px
from .animation_frames import outline
from ..walkthrough.scene import Grid, rectangles
from ..walkthrough.text import labels
from .style import (
    CELL_FONT, CLEAR, FONT, HIGHLIGHT, INK, MUTED, PADDING_FILL, TEMPLATE, WINDOW, diverging_range, grid_scale,
    heatmap_z,
)

TEXT_CELL_PX = 15        # below this many pixels a cell shows its colour only, its number on hover
_TOP_PX, _SIDE_PX = 44, 8
_EDGE = 0.12


@dataclass(frozen=True)
class Mark:
    """Board cells to outline, as one trace called `name`."""

    name: str
    cells: np.ndarray      # (n, 2) board cells, (row, column)
    colour: str


def _grid(title: str, top: int, left: int, values: np.ndarray, colors: str,
          padded: np.ndarray | None = None) -> Grid:
    v = np.asarray(values, dtype=float)
    return Grid(title, top, left, v, labels(v), np.zeros(v.shape, bool) if padded is None else np.asarray(padded),
                colors)


def _heatmaps(g: Grid, cell_px: float, zrange: tuple[float, float] | None) -> list[go.Heatmap]:
    """A grid's cells, numbers written in (or on hover when cells are small), padding grey."""
    x, y = g.left + np.arange(g.shape[1]), g.top + np.arange(g.shape[0])
    gap = 2 if cell_px >= 12 else 0
    common = dict(x=x, y=y, xgap=gap, ygap=gap, showscale=False, hoverinfo="skip", texttemplate="%{text}",
                  textfont=dict(CELL_FONT, size=text_px(g.labels, cell_px)))
    if cell_px < TEXT_CELL_PX:
        common.update(texttemplate="", hoverinfo=None, hovertemplate="%{text}<extra></extra>")
    scale, lo, hi = grid_scale(g)
    lo, hi = zrange or (lo, hi)
    traces = [go.Heatmap(z=heatmap_z(g, lo, hi), text=np.where(g.padding, "", g.labels),
                         colorscale=scale, zmin=lo, zmax=hi, **common)]
    if g.padding.any():
        pad = dict(common, textfont=dict(common["textfont"], color=INK))
        traces.append(go.Heatmap(z=np.where(g.padding, 0.0, np.nan), text=np.where(g.padding, g.labels, ""),
                                 colorscale=[[0, PADDING_FILL], [1, PADDING_FILL]], **pad))
    return traces


def _board(grids: Sequence[tuple[Grid, str, tuple[float, float] | None]], marks: Sequence[Mark], cell_px: float,
           signs: Sequence[tuple[float, float, str]] = (),
           clicks: tuple[np.ndarray, np.ndarray, Sequence[str]] | None = None) -> go.Figure:
    """Grids (each with a trace name and a colour range), outlines, signs, and a click layer
    (board cells, what each reports, its hover text) on one board."""
    fig = go.Figure()
    for g, name, zrange in grids:
        traces = _heatmaps(g, cell_px, zrange)
        for trace, suffix in zip(traces, ("", " padding")):
            trace.name = name + suffix
        fig.add_traces(traces)
    for mark in marks:
        path = outline(rectangles(mark.cells), 0.5) if len(mark.cells) else {"x": [], "y": []}
        fig.add_trace(go.Scatter(**path, mode="lines", name=mark.name, hoverinfo="skip", showlegend=False,
                                 line=dict(color=mark.colour, width=max(2.0, min(4.0, cell_px / 9)))))
    if clicks is not None:
        cells, data, hover = clicks
        fig.add_trace(go.Scatter(
            x=cells[:, 1], y=cells[:, 0], customdata=data, hovertext=hover, mode="markers", name="click",
            marker=dict(size=max(cell_px * 0.9, 4), symbol="square", opacity=0.01, color=INK),
            selected=dict(marker=dict(opacity=0.01)), unselected=dict(marker=dict(opacity=0.01)),
            hovertemplate="%{hovertext}<extra></extra>", showlegend=False))
    rows = max(g.top + g.shape[0] for g, _, _ in grids)
    cols = max(g.left + g.shape[1] for g, _, _ in grids)
    notes = [dict(x=g.left - 0.5, y=g.top - 0.6, text=f"<b>{g.title}</b>", xanchor="left", yanchor="bottom",
                  showarrow=False, font=dict(FONT, size=14)) for g, _, _ in grids if g.title]
    notes += [dict(x=c, y=r, text=s, showarrow=False, font=dict(FONT, size=int(min(28, cell_px * 0.9))))
              for r, c, s in signs]
    fig.update_layout(template=TEMPLATE, font=FONT, height=int(rows * cell_px + _TOP_PX + _SIDE_PX),
                      margin=dict(l=_SIDE_PX, r=_SIDE_PX, t=_TOP_PX, b=_SIDE_PX), plot_bgcolor=CLEAR,
                      paper_bgcolor=CLEAR, showlegend=False, annotations=notes, dragmode=False,
                      clickmode="event+select", hovermode="closest")
    edge = 0.5 + _EDGE             # room for an outline on the board's last cells
    fig.update_xaxes(range=[-edge, cols - 1 + edge], visible=False, fixedrange=True, constrain="domain")
    fig.update_yaxes(range=[rows - 1 + edge, -edge], visible=False, fixedrange=True, scaleanchor="x",
                     constrain="domain", constraintoward="top")
    return fig


def _cell_px(rows: int, cols: int, width: float = 560, height: float = 560, largest: float = 40) -> float:
    """Pixels per cell so that a board of `rows` × `cols` fits about `width` × `height`."""
    return float(np.clip(min(width / max(cols, 1), height / max(rows, 1)), 3, largest))


def _cells(mask: np.ndarray, top: int = 0, left: int = 0) -> np.ndarray:
    return np.argwhere(np.asarray(mask, bool)) + [top, left]


def grid_figure(
    values: np.ndarray, title: str = "", colors: str = "signed", padded: np.ndarray | None = None,
    window: np.ndarray | None = None, chosen: np.ndarray | None = None, clickable: np.ndarray | None = None,
    zrange: tuple[float, float] | None = None, width: float = 360,
) -> go.Figure:
    """One grid of numbers, its `window` cells outlined orange and its `chosen` cells green.

    Parameters
    ----------
    values : array (rows, cols)
    colors : {"signed", "image", "input", "plain"}
        As :class:`~convviz.walkthrough.scene.Grid` colours its cells.
    padded, window, chosen : bool arrays (rows, cols), optional
    clickable : int array (rows, cols), optional
        What a click on each cell reports (its ``customdata``); negative cells are not clickable.
    width : float
        About how many pixels wide the figure will be shown.

    Examples
    --------
    >>> fig = grid_figure(np.eye(3), "I", window=np.eye(3, dtype=bool), clickable=np.arange(9).reshape(3, 3))
    >>> fig.data[0].z.shape, len(fig.data[-1].customdata), fig.layout.annotations[0].text
    ((3, 3), 9, '<b>I</b>')
    """
    v = np.asarray(values, dtype=float)
    g = _grid(title, 1, 0, v, colors, padded)
    marks = [Mark(name, _cells(mask, 1), colour) for name, mask, colour in
             (("window", window, WINDOW), ("chosen", chosen, HIGHLIGHT)) if mask is not None]
    clicks = None
    if clickable is not None:
        where = np.argwhere(np.asarray(clickable) >= 0)
        data = np.asarray(clickable)[tuple(where.T)]
        clicks = (where + [1, 0], data, [f"({r}, {c}): click to choose" for r, c in where])
    return _board([(g, "values", zrange)], marks, _cell_px(v.shape[0] + 1, v.shape[1], width, 440, 44),
                  clicks=clicks)


def product_figure(
    patches: np.ndarray, kernel: np.ndarray, outputs: np.ndarray, row: int, padded: np.ndarray | None = None,
    colors: str = "input", zrange: tuple[float, float] | None = None, width: float = 560,
) -> go.Figure:
    """The patch matrix (one row per output) × the kernel as a column = the outputs as a column.

    Parameters
    ----------
    patches : array (L, K)
        Row ``r`` holds the K input values output ``r`` reads (``unfold(x).T``).
    kernel : array (K,)
        The kernel's weights in the same order (``weight.ravel()``).
    outputs : array (L,)
    row : int
        The row outlined (orange in the patches, green in the outputs).
    padded : bool array (L, K), optional
        Patch entries that come from the padding.
    colors, zrange
        How the patch cells are coloured (those of the input they come from).

    Examples
    --------
    >>> fig = product_figure(np.ones((9, 4)), np.ones(4), np.full(9, 4.0), row=0)
    >>> fig.data[0].z.shape, fig.data[1].z.shape, fig.data[2].text.ravel()[0]
    ((9, 4), (4, 1), '4')
    """
    p, w, out = np.asarray(patches, float), np.ravel(kernel).astype(float), np.ravel(outputs).astype(float)
    rows, taps = p.shape
    if w.shape != (taps,) or out.shape != (rows,):
        raise ValueError(f"patches {p.shape} need a kernel of {taps} weights and {rows} outputs, "
                         f"got {w.shape} and {out.shape}")
    if not 0 <= row < rows:
        raise ValueError(f"row must be from 0 to {rows - 1}, got {row}")
    k_left, o_left = taps + 2, taps + 4
    grids = [(_grid("Patches", 1, 1, p, colors, padded), "patches", zrange),
             (_grid("w", 1, k_left, w[:, None], "signed"), "kernel", None),
             (_grid("Out", 1, o_left, out[:, None], "signed"), "output", None)]
    marks = [Mark("window", np.array([[1 + row, c] for c in range(1, taps + 1)]), WINDOW),
             Mark("chosen", np.array([[1 + row, o_left]]), HIGHLIGHT)]
    mid = 1 + (min(rows, taps) - 1) / 2
    signs = [(mid, taps + 1, "×"), (mid, taps + 3, "=")]
    cell_px = _cell_px(max(rows, taps) + 1, taps + 5, width, 620)
    board = np.array([(1 + r, c) for r in range(rows) for c in (0, *range(1, taps + 1), o_left)])
    data = board[:, 0] - 1
    hover = [f"row {r}: output {r}" for r in data]
    fig = _board(grids, marks, cell_px, signs, (board, data, hover))
    fig.add_trace(go.Scatter(x=np.zeros(rows), y=1 + np.arange(rows), text=[str(r) for r in range(rows)],
                             mode="text", name="row numbers", hoverinfo="skip", showlegend=False,
                             textfont=dict(FONT, size=text_px(np.array([str(rows - 1)]), cell_px))))
    return fig


def matrix_figure(dense: np.ndarray, row: int, stored: np.ndarray | None = None, width: float = 520,
                  height: float = 620) -> go.Figure:
    """The whole convolution as one matrix ``M`` (outputs × input pixels), row `row` outlined.

    Only the `stored` entries (a sparse matrix's structure: the taps that read the input)
    are coloured and numbered; the rest are left blank inside a frame, so the band shows.
    Rows are clickable (each reports its index); numbers are written in when the cells are
    large enough to hold them.

    Examples
    --------
    >>> m = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 2.0]])
    >>> fig = matrix_figure(m, row=1, stored=m != 0)
    >>> fig.data[0].z.shape, fig.data[0].text[0].tolist(), fig.data[-1].customdata[:4].tolist()
    ((2, 3), ['1', '2', ''], [0, 0, 0, 1])
    """
    m = np.asarray(dense, dtype=float)
    rows, cols = m.shape
    if not 0 <= row < rows:
        raise ValueError(f"row must be from 0 to {rows - 1}, got {row}")
    keep = np.ones(m.shape, bool) if stored is None else np.asarray(stored, bool)
    cell_px = _cell_px(rows + 1, cols, width, height, 34)
    grid = _grid(f"M: {rows} outputs × {cols} input pixels", 1, 0, np.where(keep, m, np.nan), "signed")  # NaN: blank
    marks = [Mark("frame", np.argwhere(np.ones((rows, cols), bool)) + [1, 0], MUTED),
             Mark("window", np.array([[1 + row, c] for c in range(cols)]), WINDOW)]
    spots = rows * cols <= 4096
    board = (np.argwhere(np.ones((rows, cols), bool)) if spots else
             np.stack([np.arange(rows), np.zeros(rows, int)], axis=1)) + [1, 0]
    data = board[:, 0] - 1
    return _board([(grid, "M", diverging_range(m))], marks, cell_px, clicks=(board, data, [f"row {r}" for r in data]))
