"""The 1-D walkthrough: the kernel slides under a strip of cells, multiplies, adds, and an output fills in.

Drawn from :class:`~convviz.steps_nd.ConvStepsND` (one or more channels, any stride,
padding, dilation or region) as a Plotly animation with the same controls as the 2-D one
(:func:`~convviz.figures.animation.play_controls`, run by :mod:`widgets.stepper`). From the
top: the (padded) input, one row per channel; the kernel right under the window; for one
channel, the products tap by tap (for several, the arithmetic adds each channel's up); the
output strip, filled in up to the current step; the arithmetic.

The kernel, the window and the products are drawn once on a pair of axes laid over the
board, and a frame shifts those axes by the stride (as :mod:`~convviz.figures.animation_frames`
moves the 2-D window); a frame carries only the products' numbers, the cover over outputs
not computed yet and the arithmetic.

Examples
--------
>>> from convviz.steps import conv1d_steps
>>> x = np.array([[1.0, 2.0, 3.0, 4.0]])
>>> fig = walk_figure(conv1d_steps(x, [1.0, -1.0]), x)
>>> len(fig.frames), fig.frames[1].data[-1].text[0].split("<br>")[1]
(3, '2·1 + 3·(−1) = −1')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ..padding import pad
from ..steps_nd import ConvStepsND
from ..walkthrough.strip import strip_heading, strip_lines
from ..walkthrough.text import formula_lines, labels
from .animation import SPEEDS, play_controls
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
    """Where everything sits: board column ``c`` is input position ``lo + c``; rows grow downwards."""

    lo: int
    cols: int
    channels: int
    span: int
    outputs: int

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

    @property
    def output_left(self) -> int:
        """Column of output 0: under the centre of the first window."""
        return (self.span - 1) // 2


def _static(steps: ConvStepsND, strip: np.ndarray, inside: np.ndarray, kernel: np.ndarray, board: _Board,
            font_px: int) -> list:
    """The input strip with its padding in grey, the output strip, and on the moving axes the kernel and window."""
    text = labels(strip)
    real = strip[:, inside]
    lo, hi = (float(real.min()), float(real.max())) if real.size else (0.0, 1.0)
    traces = [
        _heatmap(0, 0, np.where(inside, strip, np.nan), np.where(inside, text, ""), PALE_SEQUENTIAL, lo,
                 hi if hi > lo else lo + 1, font_px),
        _heatmap(0, 0, np.where(inside, np.nan, 0.0) * np.ones_like(strip), np.where(inside, "", text),
                 [[0, PADDING_FILL], [1, PADDING_FILL]], 0, 1, font_px, color=MUTED),
        _heatmap(board.output_left, board.output_row, steps.sums[None] * 1.0, labels(steps.sums)[None],
                 PALE_DIVERGING, *diverging_range(steps.sums), font_px),
        _heatmap(0, board.kernel_row, kernel, np.where(np.isnan(kernel), "", labels(np.nan_to_num(kernel))),
                 PALE_DIVERGING, *diverging_range(steps.weights), font_px, _MOVING),
    ]
    if board.product_row is not None:
        traces.append(_heatmap(0, board.product_row, np.where(np.isnan(kernel), np.nan, 0.0), np.full(kernel.shape, ""),
                               [[0, BLANK_FILL], [1, BLANK_FILL]], 0, 1, font_px, _MOVING))
    window = np.array([(r, int(t) - board.lo) for r in range(board.channels) for t in steps.positions[0][0]])
    traces.append(go.Scatter(mode="lines", fill="toself", fillcolor=WINDOW_FILL, line=dict(color=WINDOW, width=3),
                             xaxis="x3", yaxis="y3", hoverinfo="skip", **outline(cell_rects(window), 0.5)))
    traces.append(go.Scatter(mode="lines", line=dict(color=HIGHLIGHT, width=4), xaxis="x4", yaxis="y4",
                             hoverinfo="skip",
                             **outline([(board.output_row, board.output_left) * 2], 0.56)))
    return traces


def _frame(steps: ConvStepsND, board: _Board, lines: tuple[str, ...], k: int) -> list[dict]:
    """What changes at step `k`: the cover over later outputs, the products (one channel), the arithmetic."""
    row, left, n = board.output_row, board.output_left, board.outputs
    hidden = [(row, left + k + 1, row, left + n - 1)] if k + 1 < n else [(row, -5, row, -5)]
    data = [outline(hidden, 0.5)]
    if board.product_row is not None:
        d = steps.geometry.dilation[0]
        data.append({"x": (np.arange(steps.weights.shape[1]) * d).tolist(),
                     "y": [board.product_row] * steps.weights.shape[1], "text": labels(steps.products[0, k]).tolist()})
    return data + [{"text": ["<br>".join(lines)]}]


def _moved(steps: ConvStepsND, k: int, board: _Board) -> dict:
    """Ranges of the overlaid axes that put the kernel under window `k` and the green box on output `k`."""
    shift = int(steps.positions[0][k, 0] - steps.positions[0][0, 0])
    x0, x1, y = -0.6, board.cols - 0.4, [board.rows - 0.4, -0.6]
    return {_MOVING[0]: {"range": [x0 - shift, x1 - shift]}, _MOVING[1]: {"range": y},
            _CURRENT[0]: {"range": [x0 - k, x1 - k]}, _CURRENT[1]: {"range": y}}


def walk_figure(
    steps: ConvStepsND, x: np.ndarray, channel_names: Sequence[str] | None = None,
    column_names: Sequence[str] | None = None, first: int = 0, step: int = 0, duration: int = SPEEDS["normal"],
    width: int = 960, height: int | None = None, max_frames: int = MAX_FRAMES,
) -> go.Figure:
    """The walkthrough of 1-D `steps` over input `x` ``(C, L)``, showing `step` (counted from 0).

    Parameters
    ----------
    steps : ConvStepsND
        From :func:`convviz.steps.conv1d_steps` on `x`, possibly for a region.
    x : array (C, L)
        The whole input (the padding shown is computed from it).
    channel_names : names of the C rows, optional
        Embedding dimensions, say; ``channel 0``, … by default, nothing for one channel.
    column_names : names of the L positions, optional
        Words, say: written above the strip and in each step's heading.
    first : int
        Number of the first output shown, when `steps` covers a region.
    step, duration, width, height, max_frames
        As in :func:`convviz.figures.animation.animation_figure`; without `height` the board
        is at most 620 pixels tall.
    """
    a = np.asarray(x, dtype=float).reshape(-1, np.shape(x)[-1])
    n, taps = steps.sums.size, steps.positions[0]
    names = list(channel_names or ([""] if a.shape[0] == 1 else [f"channel {c}" for c in range(a.shape[0])]))
    board = _Board(int(taps.min()), int(taps.max() - taps.min()) + 1, a.shape[0], steps.geometry.span[0], n)
    (before, _), = steps.pads
    strip = pad(a, steps.pads, steps.geometry.padding_mode)[:, board.lo + before:board.lo + before + board.cols]
    positions = board.lo + np.arange(board.cols)
    inside = (positions >= 0) & (positions < a.shape[1])
    kernel = np.full((board.channels, board.span), np.nan)
    kernel[:, ::steps.geometry.dilation[0]] = steps.weights

    step = min(max(step, 0), n - 1)
    shown = frame_range(n, step, max_frames)
    lines = [strip_lines(steps, k, names, strip_heading(k, n, first, taps[k], column_names)) for k in range(n)]
    formula = formula_lines(steps.geometry.worked)[0]
    if len(formula) > 75:       # a long input's numbers: the working on a second line
        formula = formula.replace(" = ", "<br>= ", 1)
    words_px = max(len(lines[k]) for k in shown) * _LINE_PX + (formula.count("<br>") + 1) * _FORMULA_PX + 40
    room = _TALLEST_BOARD_PX if height is None else height - _TOP_PX - _BOTTOM_PX - words_px
    cell_px = float(np.clip(min(width / board.cols, room / board.rows), 12, _LARGEST_CELL_PX))
    board_px = board.rows * cell_px
    font_px = text_px(np.concatenate([labels(strip).ravel(), labels(steps.products).ravel()]), cell_px)

    fig = go.Figure(_static(steps, strip, inside, kernel, board, font_px))
    moving = len(fig.data)
    now = _frame(steps, board, lines[step], step)
    fig.add_trace(go.Scatter(mode="lines", fill="toself", fillcolor=BLANK_FILL, line=dict(width=0), hoverinfo="skip",
                             **now[0]))
    if board.product_row is not None:
        fig.add_trace(go.Scatter(mode="text", xaxis="x3", yaxis="y3", hoverinfo="skip",
                                 textfont=dict(CELL_FONT, size=font_px, color=INK), **now[1]))
    fig.add_trace(go.Scatter(x=[0], y=[1], mode="text", textposition="bottom right", xaxis="x2", yaxis="y2",
                             cliponaxis=False, textfont=dict(FONT, size=18), hoverinfo="skip", **now[-1]))
    changing = list(range(moving, len(fig.data)))
    fig.frames = [go.Frame(name=str(k), data=_frame(steps, board, lines[k], k), traces=changing,
                           layout=_moved(steps, k, board)) for k in shown]

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
    top = [(c, column_names[p] if column_names else str(p)) for c, p in enumerate(positions) if inside[c]]
    every = max(1, int(np.ceil(max((len(t) for _, t in top), default=1) * 8 / cell_px)))   # labels ≈ 8 px a character
    top = top if column_names else top[::every]
    overlay = dict(visible=False, fixedrange=True)
    fig.update_layout(_moved(steps, step, board))
    fig.update_layout(
        height=int(_TOP_PX + board_px + words_px + _BOTTOM_PX), margin=dict(l=8, r=8, t=_TOP_PX, b=_BOTTOM_PX),
        template=TEMPLATE, font=FONT, plot_bgcolor=CLEAR, paper_bgcolor=CLEAR, showlegend=False, dragmode=False,
        xaxis=dict(range=[-0.6, board.cols - 0.4], fixedrange=True, showgrid=False, zeroline=False, side="top",
                   tickmode="array", tickvals=[c for c, _ in top], ticktext=[t for _, t in top], ticks="",
                   tickfont=dict(size=13 if column_names else 11, color=MUTED), constrain="domain",
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
