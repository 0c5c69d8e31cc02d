"""A walkthrough :class:`~convviz.walkthrough.scene.Scene` as a Plotly animation.

The grids are drawn once, as heatmaps with their numbers written in. What moves is drawn
by a few light scatter traces and axis ranges, and each Plotly frame carries only those
(:mod:`~convviz.figures.animation_frames`). Play, pause and the slider are Plotly's own,
so playing runs in the browser without asking the server for anything. They declare the
animation each one runs but do not run it (``execute=False``): the page's stepper
(:mod:`widgets.stepper`) does, and catches the rejection Plotly uses to say that a later
animation interrupted an earlier one, which Plotly's own buttons would leave unhandled.

An invisible layer of markers over the clickable grid carries each cell's step in
``customdata``: heatmap clicks are not reported to Streamlit, marker clicks are.

Examples
--------
>>> from convviz.walkthrough.conv import conv_scene
>>> fig = animation_figure(conv_scene(np.arange(1, 26).reshape(5, 5), [[1, 0, -1]] * 3))
>>> len(fig.frames), fig.frames[0].data[-1].text[0].split("<br>")[1].endswith(" = −6")
(9, True)
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .animation_frames import (
    MAX_FRAMES, MOVED, OVERVIEW, STRIP, board_ranges, camera, cell_rects, dynamic_data, dynamic_layout, extent,
    frame_range, has_marks, on_board, outline, overview_place, strip_gap,
)
from ..walkthrough.scene import Grid, Scene
from ..walkthrough.text import labels
from .style import (
    BLANK_FILL, CELL_FONT, CLEAR, FONT, HIGHLIGHT, INK, MUTED, PADDING_FILL, TEMPLATE, WINDOW, WINDOW_FILL, grid_scale,
)

SPEEDS = {"slow": 1200, "normal": 600, "fast": 250}  #: milliseconds per step
_STILL = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
_LINE_PX, _FORMULA_PX, _TOP_PX, _BOTTOM_PX = 27, 23, 48, 64
_SMALLEST_CELL_PX, _LARGEST_CELL_PX = 15, 80
SMALLEST_TEXT_PX = 14  #: numbers in cells are at least this large wherever the board can be made to fit


def _words_px(scene: Scene, shown: range) -> int:
    """Pixels the arithmetic and the formula take under the board."""
    return max(len(scene.steps[k].lines) for k in shown) * _LINE_PX + len(scene.formula) * _FORMULA_PX + 30


def legible_fit(scene: Scene, width: int = 960, height: int | None = None, titled: bool = True
                ) -> tuple[int, int] | None:
    """The largest board, in cells, on which :func:`animation_figure` writes every number of
    `scene` at :data:`SMALLEST_TEXT_PX` or more; ``None`` when the whole scene already fits.

    Pass it to the scene's builder as ``fit`` to show a neighbourhood of the window instead
    (the overview beside it takes :data:`~convviz.figures.animation_frames.OVERVIEW` columns more).

    >>> from convviz.walkthrough.conv import conv_scene
    >>> legible_fit(conv_scene(np.zeros((5, 5)), np.ones((3, 3)))) is None
    True
    >>> legible_fit(conv_scene(np.full((32, 32), 0.5), np.ones((3, 3))), 1240, 560, titled=False)
    (13, 39)
    """
    longest = max(max((len(t) for t in np.ravel(g.labels)), default=1) for g in scene.grids)
    cell = min(_LARGEST_CELL_PX, max(SMALLEST_TEXT_PX * 0.6 * longest / 0.92, SMALLEST_TEXT_PX / 0.6) + 0.5)
    budget = width / cell
    rows = np.inf if height is None else (height - (_TOP_PX if titled else 12) - _BOTTOM_PX
                                          - _words_px(scene, range(len(scene.steps)))) / cell
    board_rows, board_cols = scene.board
    if board_cols <= budget and board_rows <= rows:
        return None
    return int(min(rows, 10 ** 4)), int(budget) - OVERVIEW - 1


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
    common = dict(x=x, y=y, texttemplate="%{text}", hoverinfo="skip", showscale=False, **_on(yaxis))
    if cell_px < _SMALLEST_CELL_PX:  # numbers would overlap: colours only, each number on hover
        common.update(texttemplate="", hoverinfo=None, hovertemplate="%{text}<extra></extra>")
    traces = []
    if g.colors == "plain":
        z = np.where(g.padding, np.nan, 0.0)
        traces.append(go.Heatmap(z=z, text=g.labels, colorscale=[[0, BLANK_FILL], [1, BLANK_FILL]], **common))
    else:
        scale, lo, hi = grid_scale(scale_of)
        traces.append(go.Heatmap(z=np.where(g.padding, np.nan, g.values), text=np.where(g.padding, "", g.labels),
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


def _grid_traces(scene: Scene, cell_px: float) -> list[go.Heatmap]:
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


def _lines(scene: Scene) -> dict:
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


def _overview(scene: Scene) -> list[go.Heatmap]:
    """The whole of the first grid shown in parts, in small cells beside the board, colours only."""
    k, x0, y0, scale = overview_place(scene)
    g = scene.grids[k]
    common = dict(x=x0 + scale * np.arange(g.shape[1]), y=y0 + scale * np.arange(g.shape[0]), showscale=False,
                  hoverinfo="skip")
    colours, lo, hi = grid_scale(g)
    return [go.Heatmap(z=np.where(g.padding, np.nan, g.values), colorscale=colours, zmin=lo, zmax=hi, **common),
            go.Heatmap(z=np.where(g.padding, 0.0, np.nan), colorscale=[[0, PADDING_FILL], [1, PADDING_FILL]],
                       **common)]


def _annotations(scene: Scene, font_px: int) -> list[dict]:
    notes = [dict(x=g.left - 0.5, y=g.top - 0.55, text=f"<b>{g.title}</b>", xanchor="left", yanchor="bottom",
                  showarrow=False, font=dict(FONT, size=15)) for g in scene.grids]
    notes += [dict(x=c, y=r, text=s, showarrow=False, font=dict(FONT, size=int(font_px * 1.6), color=MUTED))
              for r, c, s in scene.signs]
    return notes


def _click_layer(scene: Scene, cell_px: float) -> go.Scatter:
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
    return go.Scatter(x=x, y=y, customdata=targets, hovertext=hover, mode="markers", **_on(yaxis),
                      marker=dict(size=cell_px * 0.9, symbol="square", opacity=0.01, color=INK),
                      selected=dict(marker=dict(opacity=0.01)), unselected=dict(marker=dict(opacity=0.01)),
                      hovertemplate="%{hovertext}<extra></extra>")


def _on(*layout_axes: str) -> dict:
    """Trace arguments that put a trace on the given layout axes: ``"xaxis3"`` → ``xaxis="x3"``."""
    return {axis[0] + "axis": axis.replace("axis", "") for axis in layout_axes}


def _running_strip(scene: Scene, shown: range, cell_px: float) -> go.Scatter:
    """The running totals after every shown step, one snapshot below the other on their own y axis."""
    g = scene.grids[scene.running_grid]
    steps = np.array(shown)
    values = scene.running[steps]
    k, r, c = np.nonzero(np.isfinite(values) & ~g.padding)
    text = labels(values[k, r, c])
    return go.Scatter(x=(g.left + c).astype(np.int16), y=(g.top + r + steps[k] * strip_gap(scene.board)),
                      text=text.tolist(), mode="text", **_on("xaxis", STRIP),
                      textfont=dict(CELL_FONT, size=text_px(text, cell_px), color=INK),
                      unselected=dict(textfont=dict(color=INK)))


def play_controls(shown: range, step: int, steps: int, duration: int, prefix: str = "Step ") -> dict:
    """A slider over every step with a frame, and Play, Pause and Restart as hidden menu buttons.

    Layout settings (``updatemenus``, ``sliders``) for a figure with one frame named
    ``str(k)`` per step ``k`` of `shown`; the slider's label reads `prefix` and the step.

    The page's own buttons (:mod:`widgets.stepper`) run what the hidden ones declare, so
    the keyboard reaches them. Plotly only knows where it is once it has animated, so Play
    lists the frames from `step` on; after a pause or a drag of the slider, ``fromcurrent``
    carries on from there. Each button and slider step only declares its animation
    (``execute=False``; see the module's description).
    """
    play = {**_STILL, "fromcurrent": True, "frame": {"duration": duration, "redraw": True}}
    return dict(
        updatemenus=[dict(
            type="buttons", visible=False, showactive=False,
            buttons=[dict(label="▶ Play", method="animate", args=[[str(k) for k in range(step, shown.stop)], play],
                          execute=False),
                     dict(label="❚❚ Pause", method="animate", args=[[None], _STILL], execute=False),
                     dict(label="↺ Restart", method="animate", args=[None, {**play, "fromcurrent": False}],
                          execute=False)],
        )],
        sliders=[dict(
            active=step - shown.start, x=0, len=1, y=0, yanchor="top", pad=dict(t=30, b=0),
            steps=[dict(method="animate", label=str(k + 1), args=[[str(k)], _STILL], execute=False) for k in shown],
            currentvalue=dict(prefix=prefix, suffix=f" of {steps}", font=dict(FONT, size=15, color=MUTED),
                              xanchor="left"),
            font=dict(color="rgba(0,0,0,0)", size=1), ticklen=0, minorticklen=0, tickcolor="rgba(0,0,0,0)",
            transition=dict(duration=0), bgcolor="rgba(128,128,128,0.3)", activebgcolor=WINDOW,
            bordercolor="rgba(128,128,128,0.6)",
        )],
    )


def animation_figure(scene: Scene, step: int = 0, duration: int = SPEEDS["normal"],
                     max_frames: int = MAX_FRAMES, width: int = 960, height: int | None = None,
                     titled: bool = True) -> go.Figure:
    """The scene as a Plotly figure showing `step`, with one frame per step to play.

    Parameters
    ----------
    scene : Scene
    step : int
        The step shown first (clipped to the last step).
    duration : int
        Milliseconds per step when playing.
    max_frames : int
        Above this many steps only `max_frames` steps around `step` get frames, and a
        note says which (keeps the page's payload near a megabyte).
    width, height : int
        About how many pixels wide the figure will be on screen, and at most how tall it may
        be (``None``: as tall as cells `width` allows need). Cells and numbers are sized to fit.
    titled : bool
        Whether the scene's title heads the figure (a slide names it elsewhere, and needs the room).

    Notes
    -----
    A frame holds at most four small traces and three axis ranges: about 500 bytes of JSON
    for a 3×3 kernel, dilated or not.
    """
    n = len(scene.steps)
    step = min(max(step, 0), n - 1)
    rows, cols = extent(scene)
    shown = frame_range(n, step, max_frames)
    words_px, top_px = _words_px(scene, shown), _TOP_PX if titled else 12
    cell_px = width / cols
    if height is not None:   # unless that would make the numbers too small: then the figure grows
        tall = (height - top_px - _BOTTOM_PX - words_px) / rows
        smallest = min(text_px(g.labels, min(cell_px, tall)) for g in scene.grids)
        cell_px = min(cell_px, tall) if smallest >= SMALLEST_TEXT_PX or tall >= cell_px else cell_px
    cell_px = float(np.clip(cell_px, 6, _LARGEST_CELL_PX))
    board_px = rows * cell_px
    split, gap = words_px / (board_px + words_px), 16 / (board_px + words_px)

    fig = go.Figure(_grid_traces(scene, cell_px))
    now = dynamic_data(scene, step)
    moving = []

    def add(trace: go.Scatter, moves: bool = False) -> None:
        if moves:
            moving.append(len(fig.data))
        fig.add_trace(trace)

    if scene.running is not None:
        add(_running_strip(scene, shown, cell_px))
    if scene.filled:
        add(go.Scatter(mode="lines", fill="toself", fillcolor=BLANK_FILL, line=dict(width=0),
                       **_on(on_board(scene, scene.filled[0])), **now.pop(0)), moves=True)
    grid = _lines(scene)
    add(go.Scatter(mode="lines", line=dict(color="white", width=float(np.clip(cell_px / 16, 0.5, 2))), **grid["white"]))
    for yaxis, path in grid["dark"].items():
        add(go.Scatter(mode="lines", line=dict(color=INK, width=1.5), **_on(yaxis), **path))
    add(go.Scatter(mode="lines", fill="toself", fillcolor=WINDOW_FILL, line=dict(color=WINDOW, width=3),
                   **_on(*MOVED["window"]), **outline(cell_rects(scene.steps[0].window), 0.5)))
    if has_marks(scene):
        add(go.Scatter(mode="lines", line=dict(color=HIGHLIGHT, width=3, dash="dot"),
                       **_on(on_board(scene, scene.marked)), **now.pop(0)), moves=True)
    add(go.Scatter(mode="lines", line=dict(color=HIGHLIGHT, width=4), **_on(*MOVED["current"]),
                   **outline(cell_rects(scene.steps[0].current), 0.56)))
    if scene.zoomed:
        for trace in _overview(scene):
            add(trace)
        add(go.Scatter(mode="lines", line=dict(color=WINDOW, width=2.5), **now.pop(0)), moves=True)
    add(go.Scatter(x=[0], y=[1], mode="text", textposition="bottom right", xaxis="x2", yaxis="y2", cliponaxis=False,
                   textfont=dict(FONT, size=19), **now.pop(0)), moves=True)
    fig.update_traces(hoverinfo="skip", selector=dict(type="scatter"))
    add(_click_layer(scene, cell_px))
    # Frames hold only what dynamic_data and dynamic_layout make, tested there; validating
    # a thousand of them again would double the figure's build time.
    fig.frames = [go.Frame(name=str(k), data=dynamic_data(scene, k), traces=moving, layout=dynamic_layout(scene, k),
                           _validate=False) for k in shown]

    notes = _annotations(scene, int(np.clip(cell_px * 0.36, 9, 20)))
    notes.append(dict(xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="bottom", showarrow=False,
                      align="left", text="<br>".join(scene.formula), font=dict(FONT, size=15, color=MUTED)))
    if len(shown) < n:
        notes.append(dict(xref="paper", yref="paper", x=1, y=1, xanchor="right", yanchor="bottom", showarrow=False,
                          text=f"frames for steps {shown.start + 1}–{shown.stop} of {n}: change the step to move them",
                          font=dict(FONT, size=13, color=MUTED)))
    if scene.zoomed:
        k, x0, y0, _ = overview_place(scene)
        notes.append(dict(x=x0 - 0.5, y=y0 - 0.55, text="Where", xanchor="left", yanchor="bottom", showarrow=False,
                          font=dict(FONT, size=15, color=MUTED)))
    x_range, y_range = board_ranges(extent(scene))
    overlay = dict(visible=False, fixedrange=True)
    for x_axis, y_axis in MOVED.values():
        fig.update_layout({x_axis: dict(overlaying="x", **overlay), y_axis: dict(overlaying="y", **overlay)})
    for y_axis in (STRIP, *(camera(scene, k) for k in scene.zoomed)):
        fig.update_layout({y_axis: dict(overlaying="y", **overlay)})
    fig.update_layout(dynamic_layout(scene, step))
    fig.update_layout(
        height=int(top_px + board_px + words_px + _BOTTOM_PX), margin=dict(l=8, r=8, t=top_px, b=_BOTTOM_PX),
        template=TEMPLATE, font=FONT, plot_bgcolor=CLEAR, paper_bgcolor=CLEAR, showlegend=False,
        title=dict(text=scene.title if titled else "", x=0.005, xanchor="left", y=0.995, yanchor="top",
                   font=dict(FONT, size=18)),
        xaxis=dict(range=x_range, visible=False, fixedrange=True, constrain="domain", constraintoward="left"),
        yaxis=dict(range=y_range, visible=False, fixedrange=True, scaleanchor="x", constrain="domain",
                   constraintoward="top", domain=[split, 1]),
        xaxis2=dict(range=[0, 1], visible=False, fixedrange=True, anchor="y2"),
        yaxis2=dict(range=[0, 1], visible=False, fixedrange=True, anchor="x2", domain=[0, split - gap]),
        annotations=notes, dragmode=False, hovermode="closest", **play_controls(shown, step, n, duration),
    )
    return fig
