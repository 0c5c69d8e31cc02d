"""The 1-D walkthrough: the kernel slides under a strip of cells, multiplies, adds, and an output fills in.

Drawn from a :class:`~convviz.walkthrough.strip.StripScene` (made by
:func:`~convviz.walkthrough.strip.conv1d_scene`, the scene the GIF draws too) as a Plotly
animation with the same controls as the 2-D one (:func:`~convviz.figures.animation.play_controls`,
run by :mod:`widgets.stepper`). From the top: the (padded) input, one row per channel; the
kernel right under the window; for one channel, the products tap by tap (for several, the
arithmetic adds each channel's up); the output strip, filled in up to the current step; the
arithmetic. Every number, label and line of text is the scene's; this module only places them.

The kernel, the window and the products are drawn once on a pair of axes laid over the
board, and a frame shifts those axes by the stride (as :mod:`~convviz.figures.animation_frames`
moves the 2-D window); a frame carries only the products' numbers, the cover over outputs
not computed yet and the arithmetic.

Examples
--------
>>> from convviz.steps import conv1d_steps
>>> from convviz.walkthrough import conv1d_scene
>>> x = np.array([[1.0, 2.0, 3.0, 4.0]])
>>> fig = walk_figure(conv1d_scene(conv1d_steps(x, [1.0, -1.0]), x))
>>> len(fig.frames), fig.frames[1].data[-1].text[0].split("<br>")[1]
(3, '2·1 + 3·(−1) = −1')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ..walkthrough.strip import StripScene
from .animation import PAGE_WIDTH, SPEEDS, play_controls
from .animation_frames import MAX_FRAMES, cell_rects, frame_range, outline
from .animation_grids import text_px
from .style import (
    BLANK_FILL, CELL_FONT, CLEAR, FONT, HIGHLIGHT, INK, MUTED, PADDING_FILL, PALE_DIVERGING, PALE_SEQUENTIAL,
    TEMPLATE, WINDOW, WINDOW_FILL, diverging_range,
)

_LINE_PX, _FORMULA_PX, _TOP_PX, _BOTTOM_PX = 27, 23, 40, 64
_LARGEST_CELL_PX, _TALLEST_BOARD_PX = 52, 620
_MOVING = ("xaxis3", "yaxis3")      # the kernel, the window and the products
_CURRENT = ("xaxis4", "yaxis4")     # the output being computed


def _heatmap(x0: float, y0: int, values: np.ndarray, text: np.ndarray, scale: list, lo: float, hi: float,
             font_px: int, axes: tuple[str, str] | None = None, color: str = INK) -> go.Heatmap:
    rows, cols = values.shape
    where = {} if axes is None else {"xaxis": axes[0].replace("axis", ""), "yaxis": axes[1].replace("axis", "")}
    return go.Heatmap(x=x0 + np.arange(cols), y=y0 + np.arange(rows), z=values, text=text, texttemplate="%{text}",
                      textfont=dict(CELL_FONT, size=font_px, color=color), colorscale=scale, zmin=lo, zmax=hi,
                      showscale=False, xgap=1, ygap=1, hoverinfo="skip", **where)


@dataclass(frozen=True)
class _Board:
    """Where the scene's grids sit in this figure: board column ``c`` is strip column ``c`` (as in the
    scene); rows grow downwards, the strip's from 0, with no rows for titles (they are tick labels)."""

    cols: int
    channels: int
    output_left: int

    @property
    def kernel_row(self) -> int:
        return self.channels + 1

    @property
    def product_row(self) -> int | None:
        """The products' row: shown for one channel only (several channels' are in the arithmetic)."""
        return 3 if self.channels == 1 else None

    @property
    def output_row(self) -> int:
        return 5 if self.channels == 1 else 2 * self.channels + 2

    @property
    def rows(self) -> int:
        return self.output_row + 1


def _under_window(scene: StripScene) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's values and labels laid on the strip's columns under the first window (blank between
    dilated taps)."""
    taps, k = scene.taps, scene.kernel
    values = np.full((k.shape[0], int(taps[-1]) + 1), np.nan)
    text = np.full(values.shape, "", dtype=k.labels.dtype)
    values[:, taps], text[:, taps] = k.values, k.labels
    return values, text


def _static(scene: StripScene, board: _Board, font_px: int) -> list:
    """The input strip with its padding in grey, the output strip, and on the moving axes the kernel and window."""
    strip, out = scene.input, scene.output
    grey = strip.padding
    lo, hi = (float(np.nanmin(strip.values)), float(np.nanmax(strip.values))) if (~grey).any() else (0.0, 1.0)
    kernel, kernel_text = _under_window(scene)
    traces = [
        _heatmap(0, 0, strip.values, np.where(grey, "", strip.labels), PALE_SEQUENTIAL, lo, hi if hi > lo else lo + 1,
                 font_px),
        _heatmap(0, 0, np.where(grey, 0.0, np.nan), np.where(grey, strip.labels, ""),
                 [[0, PADDING_FILL], [1, PADDING_FILL]], 0, 1, font_px, color=MUTED),
        _heatmap(out.left, board.output_row, out.values, out.labels, PALE_DIVERGING, *diverging_range(out.values),
                 font_px),
        _heatmap(0, board.kernel_row, kernel, kernel_text, PALE_DIVERGING, *diverging_range(scene.kernel.values),
                 font_px, _MOVING),
    ]
    if board.product_row is not None:
        traces.append(_heatmap(0, board.product_row, np.where(np.isnan(kernel), np.nan, 0.0), np.full(kernel.shape, ""),
                               [[0, BLANK_FILL], [1, BLANK_FILL]], 0, 1, font_px, _MOVING))
    window = scene.steps[0].window - (strip.top, strip.left)         # (channel, strip column)
    traces.append(go.Scatter(mode="lines", fill="toself", fillcolor=WINDOW_FILL, line=dict(color=WINDOW, width=3),
                             xaxis="x3", yaxis="y3", hoverinfo="skip", **outline(cell_rects(window), 0.5)))
    current = int(scene.steps[0].current[0, 1])
    traces.append(go.Scatter(mode="lines", line=dict(color=HIGHLIGHT, width=4), xaxis="x4", yaxis="y4",
                             hoverinfo="skip", **outline([(board.output_row, current) * 2], 0.56)))
    return traces


def _frame(scene: StripScene, board: _Board, k: int) -> list[dict]:
    """What changes at step `k`: the cover over later outputs, the products (one channel), the arithmetic."""
    row = board.output_row
    hidden = [(row, c0, row, c1) for _, c0, _, c1 in scene.hidden(k)] or [(row, -5, row, -5)]
    data = [outline(hidden, 0.5)]
    if board.product_row is not None:
        data.append({"x": scene.taps.tolist(), "y": [board.product_row] * scene.taps.size,
                     "text": scene.product_labels[k, 0].tolist()})
    return data + [{"text": ["<br>".join(scene.steps[k].lines)]}]


def _moved(scene: StripScene, k: int, board: _Board) -> dict:
    """Ranges of the overlaid axes that put the kernel under window `k` and the green box on output `k`."""
    shift, done = scene.shift(k), int(scene.steps[k].current[0, 1] - scene.steps[0].current[0, 1])
    x0, x1, y = -0.6, board.cols - 0.4, [board.rows - 0.4, -0.6]
    return {_MOVING[0]: {"range": [x0 - shift, x1 - shift]}, _MOVING[1]: {"range": y},
            _CURRENT[0]: {"range": [x0 - done, x1 - done]}, _CURRENT[1]: {"range": y}}


def _top_ticks(scene: StripScene, cell_px: float) -> list[tuple[int, str]]:
    """Above the strip: each real position's word, or its number (every few, so the numbers don't touch)."""
    names = scene.column_names
    top = [(c, names[p] if names else str(p)) for c, p in enumerate(scene.positions) if not scene.input.padding[0, c]]
    every = max(1, int(np.ceil(max((len(t) for _, t in top), default=1) * 8 / cell_px)))   # labels ≈ 8 px a character
    return top if names else top[::every]


def walk_figure(
    scene: StripScene, step: int = 0, duration: int = SPEEDS["normal"], width: int = PAGE_WIDTH,
    height: int | None = None, max_frames: int = MAX_FRAMES,
) -> go.Figure:
    """The walkthrough `scene` (from :func:`~convviz.walkthrough.strip.conv1d_scene`), showing `step`
    (counted from 0).

    Parameters
    ----------
    scene : StripScene
        Every number, label and line of text shown.
    step, duration, width, height, max_frames
        As in :func:`convviz.figures.animation.animation_figure`; without `height` the board
        is at most 620 pixels tall.
    """
    n = len(scene.steps)
    names = scene.channel_names
    board = _Board(scene.input.shape[1], scene.input.shape[0], scene.output.left)

    step = min(max(step, 0), n - 1)
    shown = frame_range(n, step, max_frames)
    formula = scene.formula[0]
    if len(formula) > 75:       # a long input's numbers: the working on a second line
        formula = formula.replace(" = ", "<br>= ", 1)
    words_px = (max(len(scene.steps[k].lines) for k in shown) * _LINE_PX + (formula.count("<br>") + 1) * _FORMULA_PX
                + 40)
    room = _TALLEST_BOARD_PX if height is None else height - _TOP_PX - _BOTTOM_PX - words_px
    cell_px = float(np.clip(min(width / board.cols, room / board.rows), 12, _LARGEST_CELL_PX))
    board_px = board.rows * cell_px
    font_px = text_px(np.concatenate([scene.input.labels.ravel(), scene.product_labels.ravel()]), cell_px)

    fig = go.Figure(_static(scene, board, font_px))
    moving = len(fig.data)
    now = _frame(scene, board, step)
    fig.add_trace(go.Scatter(mode="lines", fill="toself", fillcolor=BLANK_FILL, line=dict(width=0), hoverinfo="skip",
                             **now[0]))
    if board.product_row is not None:
        fig.add_trace(go.Scatter(mode="text", xaxis="x3", yaxis="y3", hoverinfo="skip",
                                 textfont=dict(CELL_FONT, size=font_px, color=INK), **now[1]))
    fig.add_trace(go.Scatter(x=[0], y=[1], mode="text", textposition="bottom right", xaxis="x2", yaxis="y2",
                             cliponaxis=False, textfont=dict(FONT, size=18), hoverinfo="skip", **now[-1]))
    changing = list(range(moving, len(fig.data)))
    fig.frames = [go.Frame(name=str(k), data=_frame(scene, board, k), traces=changing, layout=_moved(scene, k, board))
                  for k in shown]

    split = words_px / (board_px + words_px)
    notes = [dict(xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="bottom", showarrow=False,
                  align="left", text=formula,
                  font=dict(FONT, size=15, color=MUTED))]
    if len(shown) < n:
        notes.append(dict(xref="paper", yref="paper", x=1, y=1, xanchor="right", yanchor="bottom", showarrow=False,
                          text=f"frames for steps {shown.start + 1}–{shown.stop} of {n}: change the step to move them",
                          font=dict(FONT, size=13, color=MUTED)))
    ticks = list(enumerate(names)) + [(board.kernel_row + r, "kernel" if r == 0 else "") for r in range(len(names))]
    ticks += [(board.product_row, "products")] if board.product_row is not None else []
    ticks.append((board.output_row, "output"))
    top = _top_ticks(scene, cell_px)
    overlay = dict(visible=False, fixedrange=True)
    fig.update_layout(_moved(scene, step, board))
    fig.update_layout(
        height=int(_TOP_PX + board_px + words_px + _BOTTOM_PX), margin=dict(l=8, r=8, t=_TOP_PX, b=_BOTTOM_PX),
        template=TEMPLATE, font=FONT, plot_bgcolor=CLEAR, paper_bgcolor=CLEAR, showlegend=False, dragmode=False,
        xaxis=dict(range=[-0.6, board.cols - 0.4], fixedrange=True, showgrid=False, zeroline=False, side="top",
                   tickmode="array", tickvals=[c for c, _ in top], ticktext=[t for _, t in top], ticks="",
                   tickfont=dict(size=13 if scene.column_names else 11, color=MUTED), constrain="domain",
                   constraintoward="left"),
        yaxis=dict(range=[board.rows - 0.4, -0.6], fixedrange=True, showgrid=False, zeroline=False, scaleanchor="x",
                   constrain="domain", constraintoward="top", domain=[split, 1], tickmode="array",
                   tickvals=[r for r, _ in ticks], ticktext=[t for _, t in ticks], tickfont=dict(size=13), ticks=""),
        xaxis3=dict(overlaying="x", **overlay), yaxis3=dict(overlaying="y", **overlay),
        xaxis4=dict(overlaying="x", **overlay), yaxis4=dict(overlaying="y", **overlay),
        xaxis2=dict(range=[0, 1], visible=False, fixedrange=True, anchor="y2"),
        yaxis2=dict(range=[0, 1], visible=False, fixedrange=True, anchor="x2",
                    domain=[0, max(split - 24 / (board_px + words_px), 0.01)]),
        annotations=notes, hovermode=False, **play_controls(shown, step, n, duration),
    )
    return fig
