"""The grids of a walkthrough's Plotly figure: cells and numbers, lines, the overview, the click layer.

Drawn once per figure by :func:`convviz.figures.animation.animation_figure`: what moves from step
to step is in :mod:`~convviz.figures.animation_frames`. A grid shown in parts (a large patch)
has every part drawn on its own y axis, one below the other, and each frame scrolls that axis
to the part its step shows (see :func:`~convviz.figures.animation_frames.camera`).

Examples
--------
>>> text_px(np.array(["1", "−6"]), 60)
25
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..walkthrough.scene import Grid, Scene
from ..walkthrough.text import labels
from .animation_frames import STRIP, camera, outline, overview_place, strip_gap
from .style import BLANK_FILL, CELL_FONT, FONT, INK, MUTED, PADDING_FILL, grid_scale, heatmap_z

SMALLEST_TEXT_PX = 14  #: numbers in cells are at least this large wherever the board can be made to fit
_SMALLEST_CELL_PX = 15  # below this, a cell shows its colour only and its number on hover


def text_px(labels: np.ndarray, cell_px: float) -> int:
    """Font size that fits the longest label in a cell (monospace digits are about 0.6 em wide).

    About 42 % of the cell, less for long labels; but never under :data:`SMALLEST_TEXT_PX`
    while that still fits the cell (a cell of 24 px or more with short numbers).

    >>> text_px(np.array(["1", "−6"]), 60), text_px(np.array(["156.8"]), 30), text_px(np.array(["12"]), 26)
    (25, 8, 14)
    """
    longest = max((len(t) for t in np.ravel(labels)), default=1)
    size = int(np.clip(min(cell_px * 0.42, cell_px * 0.8 / (0.6 * max(longest, 2))), 7, 28))
    fits = SMALLEST_TEXT_PX * 0.6 * longest <= cell_px * 0.92 and SMALLEST_TEXT_PX <= cell_px * 0.6  # as legible_fit
    return max(size, SMALLEST_TEXT_PX) if fits else size


def _heatmaps(g: Grid, scale_of: Grid, cell_px: float, yaxis: str = "yaxis") -> list[go.Heatmap]:
    """The cells of `g` with their numbers, coloured as `scale_of` (the whole grid) is."""
    x, y = g.left + np.arange(g.shape[1]), g.top + np.arange(g.shape[0])
    font_px = text_px(scale_of.labels, cell_px)
    common = dict(x=x, y=y, texttemplate="%{text}", hoverinfo="skip", showscale=False, **on_axes(yaxis))
    if cell_px < _SMALLEST_CELL_PX:  # numbers would overlap: colours only, each number on hover
        common.update(texttemplate="", hoverinfo=None, hovertemplate="%{text}<extra></extra>")
    traces = []
    if g.colors == "plain":
        z = np.where(g.padding, np.nan, 0.0)
        traces.append(go.Heatmap(z=z, text=g.labels, colorscale=[[0, BLANK_FILL], [1, BLANK_FILL]], **common))
    else:
        scale, lo, hi = grid_scale(scale_of)
        traces.append(go.Heatmap(z=heatmap_z(g, lo, hi), text=np.where(g.padding, "", g.labels),
                                 textfont=dict(CELL_FONT, size=font_px), colorscale=scale, zmin=lo, zmax=hi, **common))
    if g.padding.any():
        traces.append(go.Heatmap(z=np.where(g.padding, 0.0, np.nan), text=np.where(g.padding, g.labels, ""),
                                 colorscale=[[0, PADDING_FILL], [1, PADDING_FILL]],
                                 textfont=dict(CELL_FONT, size=font_px, color=MUTED), **common))
    return traces


def _stacked(scene: Scene, k: int) -> Grid:
    """Every part grid `k` shows, one below the other, :func:`strip_gap` rows apart (see
    :func:`~convviz.figures.animation_frames.camera`)."""
    g, gap = scene.grids[k], strip_gap(scene.board)
    origins = scene.pages[k][0]
    rows, cols = g.footprint
    values = np.full((len(origins) * gap, cols), np.nan)
    text = np.full(values.shape, "", dtype=object)
    padding = np.zeros(values.shape, bool)
    for n, origin in enumerate(origins):
        part = g.part(origin)
        values[n * gap:n * gap + rows], text[n * gap:n * gap + rows] = part.values, part.labels
        padding[n * gap:n * gap + rows] = part.padding
    return Grid(g.title, g.top, g.left, values, text.astype(str), padding, g.colors)


def grid_traces(scene: Scene, cell_px: float) -> list[go.Heatmap]:
    """Every grid's cells and numbers: on the board, or for a grid shown in parts, on its axis."""
    traces = []
    for k, g in enumerate(scene.grids):
        if g.view is None:
            traces += _heatmaps(g, g, cell_px)
        else:
            traces += _heatmaps(_stacked(scene, k), g, cell_px, camera(scene, k))
    return traces


def _real_input(g: Grid, shift: int = 0) -> list[tuple[int, int, int, int]]:
    """The board rectangle of the cells of `g` that are not padding (none when all or none are)."""
    if not g.padding.any() or g.padding.all():
        return []
    r, c = np.nonzero(~g.padding)
    return [(g.top + shift + r.min(), g.left + c.min(), g.top + shift + r.max(), g.left + c.max())]


def grid_lines(scene: Scene) -> dict:
    """White lines between all cells, and dark outlines around the real input inside padding (on
    the board, and for a grid shown in parts, around each part on its own axis)."""
    white: dict = {"x": [], "y": []}
    dark = {"yaxis": outline(sum((_real_input(g) for g in scene.grids if g.view is None), []), 0.5)}
    gap = strip_gap(scene.board)
    for g in scene.grids:
        (rows, cols), t, left = g.footprint, g.top - 0.5, g.left - 0.5
        for r in range(rows + 1):
            white["x"] += [left, left + cols, None]
            white["y"] += [t + r, t + r, None]
        for c in range(cols + 1):
            white["x"] += [left + c, left + c, None]
            white["y"] += [t, t + rows, None]
    for k in scene.zoomed:
        boxes = [_real_input(scene.grids[k].part(o), n * gap) for n, o in enumerate(scene.pages[k][0])]
        dark[camera(scene, k)] = outline(sum(boxes, []), 0.5)
    return {"white": white, "dark": dark}


def overview_traces(scene: Scene) -> list[go.Heatmap]:
    """The whole of the first grid shown in parts, in small cells beside the board, colours only."""
    k, x0, y0, scale = overview_place(scene)
    g = scene.grids[k]
    common = dict(x=x0 + scale * np.arange(g.shape[1]), y=y0 + scale * np.arange(g.shape[0]), showscale=False,
                  hoverinfo="skip")
    colours, lo, hi = grid_scale(g)
    return [go.Heatmap(z=heatmap_z(g, lo, hi), colorscale=colours, zmin=lo, zmax=hi, **common),
            go.Heatmap(z=np.where(g.padding, 0.0, np.nan), colorscale=[[0, PADDING_FILL], [1, PADDING_FILL]],
                       **common)]


def annotations(scene: Scene, font_px: int) -> list[dict]:
    """The grids' titles and the operators between them."""
    notes = [dict(x=g.left - 0.5, y=g.top - 0.55, text=f"<b>{g.title}</b>", xanchor="left", yanchor="bottom",
                  showarrow=False, font=dict(FONT, size=15)) for g in scene.grids]
    notes += [dict(x=c, y=r, text=s, showarrow=False, font=dict(FONT, size=int(font_px * 1.6), color=MUTED))
              for r, c, s in scene.signs]
    return notes


def click_layer(scene: Scene, cell_px: float) -> go.Scatter:
    """Nearly invisible markers over the clickable cells, each carrying its step (for a grid shown
    in parts, over every part, on its axis)."""
    grids, where, targets = scene.click_targets()
    tops, lefts = (np.array([getattr(scene.grids[k], side) for k in grids], dtype=int) for side in ("top", "left"))
    x, y, yaxis = lefts + where[:, 1], tops + where[:, 0], "yaxis"
    k = scene.clicked[0]
    g = scene.grids[k]
    if g.view is not None:             # one grid, shown in parts
        gap, (rows, cols), origins = strip_gap(scene.board), g.footprint, np.array(scene.pages[k][0])
        n, a, b = np.indices((len(origins), rows, cols)).reshape(3, -1)
        r, c = origins[n, 0] + a, origins[n, 1] + b
        where, targets = np.stack([r, c], axis=-1), r * g.shape[1] + c
        x, y, yaxis = g.left + b, g.top + a + n * gap, camera(scene, k)
    what = "input" if scene.running is not None else "output"
    hover = [f"{what} ({r}, {c}): click for step {t + 1}" for (r, c), t in zip(where, targets)]
    return go.Scatter(x=x, y=y, customdata=targets, hovertext=hover, mode="markers", **on_axes(yaxis),
                      marker=dict(size=cell_px * 0.9, symbol="square", opacity=0.01, color=INK),
                      selected=dict(marker=dict(opacity=0.01)), unselected=dict(marker=dict(opacity=0.01)),
                      hovertemplate="%{hovertext}<extra></extra>")


def on_axes(*layout_axes: str) -> dict:
    """Trace arguments that put a trace on the given layout axes: ``"xaxis3"`` → ``xaxis="x3"``."""
    return {axis[0] + "axis": axis.replace("axis", "") for axis in layout_axes}


def running_strip(scene: Scene, shown: range, cell_px: float) -> go.Scatter:
    """The running totals after every shown step, one snapshot below the other on their own y axis."""
    g = scene.grids[scene.running_grid]
    steps = np.array(shown)
    values = scene.running[steps]
    k, r, c = np.nonzero(np.isfinite(values) & ~g.padding)
    text = labels(values[k, r, c])
    return go.Scatter(x=(g.left + c).astype(np.int16), y=(g.top + r + steps[k] * strip_gap(scene.board)),
                      text=text.tolist(), mode="text", **on_axes("xaxis", STRIP),
                      textfont=dict(CELL_FONT, size=text_px(text, cell_px), color=INK),
                      unselected=dict(textfont=dict(color=INK)))
