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
    frame_range, has_marks, on_board, outline, overview_place,
)
from ..walkthrough.scene import Scene
from .animation_grids import (
    SMALLEST_TEXT_PX, annotations, click_layer, grid_lines, grid_traces, on_axes, overview_traces, running_strip,
    text_px,
)
from .style import (
    BLANK_FILL, CLEAR, FONT, HIGHLIGHT, INK, MUTED, TEMPLATE, WINDOW, WINDOW_FILL,
)

SPEEDS = {"slow": 1200, "normal": 600, "fast": 250}  #: milliseconds per step
# About how wide Streamlit draws a figure in a 1280-pixel window with the sidebar open (791 px):
# a wider window stretches it, a figure made wider is squeezed into it and its numbers run together.
PAGE_WIDTH = 790
_STILL = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
_LINE_PX, _FORMULA_PX, _TOP_PX, _BOTTOM_PX = 27, 23, 48, 64
_LARGEST_CELL_PX = 80


def _top_px(steps: int, titled: bool, max_frames: int) -> int:
    """Pixels above the board: the scene's title, or on a slide (untitled) only room for the
    note that says which steps have frames, when not all of them do."""
    if titled:
        return _TOP_PX
    return 12 if steps <= max_frames else 30


def _words_px(scene: Scene, shown: range) -> int:
    """Pixels the arithmetic and the formula take under the board."""
    return max(len(scene.steps[k].lines) for k in shown) * _LINE_PX + len(scene.formula) * _FORMULA_PX + 30


def legible_fit(scene: Scene, width: int = PAGE_WIDTH, height: int | None = None, titled: bool = True,
                max_frames: int = MAX_FRAMES) -> tuple[int, int] | None:
    """The largest board, in cells, on which :func:`animation_figure` writes every number of
    `scene` at :data:`SMALLEST_TEXT_PX` or more; ``None`` when the whole scene already fits.

    Pass it to the scene's builder as ``fit`` to show a neighbourhood of the window instead
    (the overview beside it takes :data:`~convviz.figures.animation_frames.OVERVIEW` columns more).
    `max_frames` is the figure's: a slide with frames for only some steps keeps room for the
    note that says which.

    >>> from convviz.walkthrough.conv import conv_scene
    >>> legible_fit(conv_scene(np.zeros((5, 5)), np.ones((3, 3)))) is None
    True
    >>> legible_fit(conv_scene(np.full((32, 32), 0.5), np.ones((3, 3))), 1240, 560, titled=False)
    (12, 39)
    """
    longest = max(max((len(t) for t in np.ravel(g.labels)), default=1) for g in scene.grids)
    cell = min(_LARGEST_CELL_PX, max(SMALLEST_TEXT_PX * 0.6 * longest / 0.92, SMALLEST_TEXT_PX / 0.6) + 0.5)
    budget = width / cell
    rows = np.inf if height is None else (height - _top_px(len(scene.steps), titled, max_frames) - _BOTTOM_PX
                                          - _words_px(scene, range(len(scene.steps)))) / cell
    board_rows, board_cols = scene.board
    if board_cols <= budget and board_rows <= rows:
        return None
    return int(min(rows, 10 ** 4)), int(budget) - OVERVIEW - 1


def play_controls(shown: range, step: int, steps: int, duration: int, prefix: str | None = None) -> dict:
    """A slider over every step with a frame, and Play, Pause and Restart as hidden menu buttons.

    Layout settings (``updatemenus``, ``sliders``) for a figure with one frame named
    ``str(k)`` per step ``k`` of `shown`. With a `prefix`, the slider reads it and the
    step ("Output frame 3 of 8"); without, it reads nothing and the figure says the step in
    its own heading.

    The page's own buttons (:mod:`widgets.stepper`) run what the hidden ones declare, so
    the keyboard reaches them. Plotly only knows where it is once it has animated, so Play
    lists the frames from `step` on; after a pause or a drag of the slider, ``fromcurrent``
    carries on from there. Each button and slider step only declares its animation
    (``execute=False``; see the module's description).

    Notes
    -----
    Plotly measures every slider step's label twice when it first draws a slider (its tick
    label, then its "current value"), and only labels it has measured before come from a
    cache. With 300 numbered steps that was 0.9 s of the browser's 1.4 s in Plotly on Step
    by step's 32-pixel patch; unlabelled, 0.07 s.
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
            steps=[dict(method="animate", label="" if prefix is None else str(k + 1), args=[[str(k)], _STILL],
                        execute=False) for k in shown],
            currentvalue=dict(visible=prefix is not None, prefix=prefix or "", suffix=f" of {steps}",
                              font=dict(FONT, size=15, color=MUTED), xanchor="left"),
            font=dict(color="rgba(0,0,0,0)", size=1), ticklen=0, minorticklen=0, tickcolor="rgba(0,0,0,0)",
            transition=dict(duration=0), bgcolor="rgba(128,128,128,0.3)", activebgcolor=WINDOW,
            bordercolor="rgba(128,128,128,0.6)",
        )],
    )


def animation_figure(scene: Scene, step: int = 0, duration: int = SPEEDS["normal"],
                     max_frames: int = MAX_FRAMES, width: int = PAGE_WIDTH, height: int | None = None,
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
    words_px, top_px = _words_px(scene, shown), _top_px(n, titled, max_frames)
    cell_px = width / cols
    if height is not None:   # unless that would make the numbers too small: then the figure grows
        tall = (height - top_px - _BOTTOM_PX - words_px) / rows
        smallest = min(text_px(g.labels, min(cell_px, tall)) for g in scene.grids)
        cell_px = min(cell_px, tall) if smallest >= SMALLEST_TEXT_PX or tall >= cell_px else cell_px
    cell_px = float(np.clip(cell_px, 6, _LARGEST_CELL_PX))
    board_px = rows * cell_px
    split, gap = words_px / (board_px + words_px), 16 / (board_px + words_px)

    fig = go.Figure(grid_traces(scene, cell_px))
    now = dynamic_data(scene, step)
    moving = []

    def add(trace: go.Scatter, moves: bool = False) -> None:
        if moves:
            moving.append(len(fig.data))
        fig.add_trace(trace)

    if scene.running is not None:
        add(running_strip(scene, shown, cell_px))
    if scene.filled:
        add(go.Scatter(mode="lines", fill="toself", fillcolor=BLANK_FILL, line=dict(width=0),
                       **on_axes(on_board(scene, scene.filled[0])), **now.pop(0)), moves=True)
    grid = grid_lines(scene)
    add(go.Scatter(mode="lines", line=dict(color="white", width=float(np.clip(cell_px / 16, 0.5, 2))), **grid["white"]))
    for yaxis, path in grid["dark"].items():
        add(go.Scatter(mode="lines", line=dict(color=INK, width=1.5), **on_axes(yaxis), **path))
    add(go.Scatter(mode="lines", fill="toself", fillcolor=WINDOW_FILL, line=dict(color=WINDOW, width=3),
                   **on_axes(*MOVED["window"]), **outline(cell_rects(scene.steps[0].window), 0.5)))
    if has_marks(scene):
        add(go.Scatter(mode="lines", line=dict(color=HIGHLIGHT, width=3, dash="dot"),
                       **on_axes(on_board(scene, scene.marked)), **now.pop(0)), moves=True)
    add(go.Scatter(mode="lines", line=dict(color=HIGHLIGHT, width=4), **on_axes(*MOVED["current"]),
                   **outline(cell_rects(scene.steps[0].current), 0.56)))
    if scene.zoomed:
        for trace in overview_traces(scene):
            add(trace)
        add(go.Scatter(mode="lines", line=dict(color=WINDOW, width=2.5), **now.pop(0)), moves=True)
    add(go.Scatter(x=[0], y=[1], mode="text", textposition="bottom right", xaxis="x2", yaxis="y2", cliponaxis=False,
                   textfont=dict(FONT, size=19), **now.pop(0)), moves=True)
    fig.update_traces(hoverinfo="skip", selector=dict(type="scatter"))
    add(click_layer(scene, cell_px))
    # Frames hold only what dynamic_data and dynamic_layout make, tested there; validating
    # a thousand of them again would double the figure's build time.
    fig.frames = [go.Frame(name=str(k), data=dynamic_data(scene, k), traces=moving, layout=dynamic_layout(scene, k),
                           _validate=False) for k in shown]

    notes = annotations(scene, int(np.clip(cell_px * 0.36, 9, 20)))
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
