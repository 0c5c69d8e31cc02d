"""What each frame of a walkthrough animation carries, and how the figure finds it.

A frame changes as little as it can. Its traces: the cover over outputs not computed yet
(one polygon), marked cells such as a max pooling's winner, and the arithmetic. Its
layout: axis ranges. The window and the current cell never change shape from step to
step, so the figure draws each once on a pair of axes laid over the board and a frame
shifts those axes by the distance moved (:func:`offset`). A transposed convolution's
running totals are drawn once per step, one snapshot below the other on a y axis laid
over the board, and a frame scrolls that axis to its snapshot; the others fall outside
the plot and are clipped.

Examples
--------
>>> from convviz.walkthrough.conv import conv_scene
>>> scene = conv_scene(np.arange(1, 26).reshape(5, 5), [[1, 0, -1]] * 3)
>>> dynamic_layout(scene, 4)["xaxis3"], offset(scene, 4, "current")
({'range': [-1.6, 13.6]}, (1, 1))
"""

from __future__ import annotations

import numpy as np

from ..walkthrough.scene import Scene, rectangles

MAX_FRAMES = 300   #: steps one figure carries; a 32-pixel patch's 900 were 0.83 MB, and 0.5 s of the browser's time
MOVED = {"window": ("xaxis3", "yaxis3"), "current": ("xaxis4", "yaxis4")}   #: axes each moving part is drawn on
STRIP = "yaxis5"    #: the y axis of the running-total snapshots
OVERVIEW = 4        #: board columns the overview of a grid shown in parts takes, beside the board


def frame_range(steps: int, step: int, max_frames: int = MAX_FRAMES) -> range:
    """Steps that get a frame: all of them, or a stretch of `max_frames` around `step`.

    Stretches start every half stretch, a quarter stretch before the half `step` is in, so
    every step of that half gets the same stretch (a page going step by step keeps one figure)
    and has at least a quarter stretch of frames on either side, except near the ends.
    :func:`frame_anchor` names a step whose stretch it is.

    >>> frame_range(10, 3), frame_range(900, 299, 300), frame_range(900, 300, 300)
    (range(0, 10), range(75, 375), range(225, 525))
    >>> frame_range(5000, 4990, 1600)
    range(3400, 5000)
    """
    if steps <= max_frames:
        return range(steps)
    half = max(max_frames // 2, 1)
    start = min(max(step // half * half - half // 2, 0), steps - max_frames)
    return range(start, start + max_frames)


def frame_anchor(steps: int, step: int, max_frames: int = MAX_FRAMES) -> int:
    """The first step of `step`'s half stretch: its :func:`frame_range` is `step`'s, so a figure
    built to open there serves every step of that half.

    >>> frame_anchor(10, 7), frame_anchor(900, 299, 300), frame_range(900, frame_anchor(900, 299, 300), 300)
    (0, 150, range(75, 375))
    """
    half = max(max_frames // 2, 1)
    return 0 if steps <= max_frames else step // half * half


def outline(rects: list[tuple[int, int, int, int]], grow: float) -> dict:
    """Closed outlines of board rectangles, as one scatter path broken by None."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for r0, c0, r1, c1 in rects:
        x0, x1, y0, y1 = c0 - grow, c1 + grow, r0 - grow, r1 + grow
        xs += [x0, x1, x1, x0, x0, None]
        ys += [y0, y0, y1, y1, y0, None]
    return {"x": [round(v, 2) if v is not None else None for v in xs[:-1]],
            "y": [round(v, 2) if v is not None else None for v in ys[:-1]]}


def cell_rects(cells: np.ndarray) -> list[tuple[int, int, int, int]]:
    return rectangles(cells) if len(cells) else []


def has_marks(scene: Scene) -> bool:
    return any(len(view.marks) for view in scene.steps)


def _cover(rects: list[tuple[int, int, int, int]]) -> dict:
    """Outline of the cells still blank: the rest of a row and every row below, as one polygon."""
    if len(rects) != 2:
        return outline(rects, 0.5)
    (row, start, _, right), (_, left, bottom, _) = rects
    return {"x": [start - 0.5, right + 0.5, right + 0.5, left - 0.5, left - 0.5, start - 0.5, start - 0.5],
            "y": [row - 0.5, row - 0.5, bottom + 0.5, bottom + 0.5, row + 0.5, row + 0.5, row - 0.5]}


def camera(scene: Scene, grid: int) -> str:
    """The y axis that shows grid `grid`'s parts, one below the other, scrolled to the current one.

    A part is drawn where the grid sits on the board, `strip_gap` rows further down for each
    part before it; the others fall outside the plot and are clipped, as the running totals'
    snapshots are (:data:`STRIP`).
    """
    return f"yaxis{6 + scene.zoomed.index(grid)}"


def extent(scene: Scene) -> tuple[int, int]:
    """Rows and columns the figure shows: the board, and beside it any overview."""
    rows, cols = scene.board
    return rows, cols + (OVERVIEW + 1 if scene.zoomed else 0)


def overview_place(scene: Scene) -> tuple[int, float, float, float]:
    """The grid the overview shows whole (the first shown in parts), where its cell ``[0, 0]``
    sits and the board columns one of its cells takes."""
    k = scene.zoomed[0]
    g = scene.grids[k]
    scale = OVERVIEW / max(g.shape)
    return k, scene.board[1] + 0.5 + scale / 2, g.top - 0.5 + scale / 2, scale


def _overview_box(scene: Scene, step: int) -> dict:
    """The outline, on the overview, of the part of its grid `step` shows."""
    k, x0, y0, scale = overview_place(scene)
    (r, c), (rows, cols) = scene.origin(step, k), scene.grids[k].footprint
    xs = [x0 + (c - 0.5) * scale, x0 + (c + cols - 0.5) * scale]
    ys = [y0 + (r - 0.5) * scale, y0 + (r + rows - 0.5) * scale]
    return {"x": [round(v, 3) for v in (xs[0], xs[1], xs[1], xs[0], xs[0])],
            "y": [round(v, 3) for v in (ys[0], ys[0], ys[1], ys[1], ys[0])]}


def on_board(scene: Scene, grid: int) -> str:
    """The y axis that grid `grid`'s cells, and what lies on them, are drawn on."""
    return camera(scene, grid) if scene.grids[grid].view is not None else "yaxis"


def _paged(scene: Scene, grid: int, step: int, path: dict) -> dict:
    """A board path moved down to the part of grid `grid` that `step` shows, on its :func:`camera` axis."""
    if scene.grids[grid].view is None:
        return path
    shift = int(scene.pages[grid][1][step]) * strip_gap(scene.board)
    return {"x": path["x"], "y": [None if y is None else y + shift for y in path["y"]]}


def dynamic_data(scene: Scene, step: int) -> list[dict]:
    """What changes at `step`, in the order of the figure's moving traces."""
    view = scene.steps[step]
    covers = [_paged(scene, scene.filled[0], step, _cover(scene.hidden(step)))] if scene.filled else []
    marks = [_paged(scene, scene.marked, step, outline(cell_rects(view.marks), 0.3))] if has_marks(scene) else []
    boxes = [_overview_box(scene, step)] if scene.zoomed else []
    return [*covers, *marks, *boxes, {"text": ["<br>".join(view.lines)]}]


def offset(scene: Scene, step: int, part: str) -> tuple[int, int]:
    """Rows and columns the window or the current cell (`part`) has moved since the first step.

    Neither changes shape from step to step, so the figure draws each once and moves it.

    >>> from convviz.walkthrough.conv import conv_scene
    >>> offset(conv_scene(np.zeros((5, 5)), np.ones((3, 3)), stride=2), 3, "window")
    (2, 2)
    """
    moved = getattr(scene.steps[step], part).min(axis=0) - getattr(scene.steps[0], part).min(axis=0)
    return int(moved[0]), int(moved[1])


def board_ranges(board: tuple[int, int]) -> tuple[list[float], list[float]]:
    """x and y ranges that show the whole board, row 0 at the top."""
    rows, cols = board
    return [-0.6, cols - 0.4], [rows - 0.4, -0.6]


def strip_gap(board: tuple[int, int]) -> int:
    """Rows between one snapshot of running totals and the next (more than the board holds)."""
    return board[0] + 2


def dynamic_layout(scene: Scene, step: int) -> dict:
    """Axis ranges that put the window, the current cell, the parts shown and any running totals
    where `step` has them."""
    (x0, x1), (y0, y1) = board_ranges(extent(scene))
    layout = {}
    for part, (x_axis, y_axis) in MOVED.items():
        dr, dc = offset(scene, step, part)
        layout[x_axis] = {"range": [round(x0 - dc, 1), round(x1 - dc, 1)]}
        layout[y_axis] = {"range": [round(y0 - dr, 1), round(y1 - dr, 1)]}
    if scene.running is not None:
        shift = step * strip_gap(scene.board)
        layout[STRIP] = {"range": [round(y0 + shift, 1), round(y1 + shift, 1)]}
    for k, (_, page) in scene.pages.items():
        shift = int(page[step]) * strip_gap(scene.board)
        layout[camera(scene, k)] = {"range": [round(y0 + shift, 1), round(y1 + shift, 1)]}
    return layout
