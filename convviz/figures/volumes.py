"""Figures for 3-D convolution: a volume and its output slice by slice, and one 3-D window.

Examples
--------
>>> v = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
>>> fig = slices_figure(v, v - 10, sources=[0, 1])
>>> len(fig.frames), fig.layout.sliders[0].currentvalue.prefix
(2, 'Output frame ')
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..steps_nd import ConvStepsND
from ..walkthrough.text import format_number
from .animation import SPEEDS, play_controls
from .playground import jpeg_uri
from .style import (
    BLANK_FILL, CELL_FONT, CLEAR, DIVERGING, FONT, HIGHLIGHT, INK, PALE_DIVERGING, PALE_SEQUENTIAL, TEMPLATE, WINDOW,
    colour_lut,
)

_GREY = colour_lut("gray")
_SIGNED = colour_lut(DIVERGING)


def _output_rgb(volume: np.ndarray) -> tuple[np.ndarray, str]:
    """The output's colours and what they mean: diverging around 0 (up to ±the 99.5th percentile
    of |v|) when it has negative values, else grey from 0 to its maximum (a blur, say)."""
    m = float(np.percentile(np.abs(volume), 99.5)) or float(np.abs(volume).max()) or 1.0
    if volume.min() >= 0:
        return _GREY[np.clip(volume / m * 255, 0, 255).astype(np.uint8)], f"(black 0 · white {format_number(m)})"
    rgb = _SIGNED[np.clip((volume / m + 1) * 127.5, 0, 255).astype(np.uint8)]
    return rgb, f"(blue −{format_number(m)} · white 0 · red +{format_number(m)})"


def slices_figure(volume: np.ndarray, output: np.ndarray, sources: list[int], step: int = 0,
                  duration: int = SPEEDS["normal"], titles: tuple[str, str] = ("Input", "Output")) -> go.Figure:
    """The input's frame under the kernel beside each output frame, one animation frame per output frame.

    Parameters
    ----------
    volume : array (D, H, W)
        The input, 0…255.
    output : array (OD, OH, OW)
        The convolution's output, shown in the diverging colours centred on 0.
    sources : list of int, one per output frame
        The input frame under the kernel's centre for each output frame.
    step : int
        The output frame shown first.
    duration : int
        Milliseconds per frame when playing (see :mod:`widgets.stepper`).
    """
    n = len(output)
    if len(sources) != n:
        raise ValueError(f"sources needs one input frame per output frame ({n}), got {len(sources)}")
    step = min(max(step, 0), n - 1)
    grey = [jpeg_uri(_GREY[np.clip(f, 0, 255).astype(np.uint8)]) for f in volume]
    rgb, scale = _output_rgb(output)
    coloured = [jpeg_uri(f) for f in rgb]
    fig = make_subplots(1, 2, horizontal_spacing=0.06, subplot_titles=(titles[0], f"{titles[1]} {scale}"))
    for col, (uris, shape) in enumerate(((grey, volume.shape[1:]), (coloured, output.shape[1:])), start=1):
        fig.add_trace(go.Image(source=uris[sources[step] if col == 1 else step], hoverinfo="skip"), 1, col)
        fig.update_xaxes(range=[-0.5, shape[1] - 0.5], showgrid=False, zeroline=False, row=1, col=col,
                         constrain="domain")
        fig.update_yaxes(range=[shape[0] - 0.5, -0.5], showgrid=False, zeroline=False, row=1, col=col,
                         scaleanchor=f"x{col if col > 1 else ''}", constrain="domain")
    fig.frames = [go.Frame(name=str(k), traces=[0, 1],
                           data=[go.Image(source=grey[sources[k]]), go.Image(source=coloured[k])]) for k in range(n)]
    fig.update_layout(template=TEMPLATE, font=FONT, height=430, margin=dict(l=10, r=10, t=48, b=70),
                      plot_bgcolor=CLEAR, paper_bgcolor=CLEAR, dragmode=False,
                      **play_controls(range(n), step, n, duration, prefix="Output frame "))
    return fig


def window_figure(steps: ConvStepsND, index: tuple[int, int, int], volume: np.ndarray) -> go.Figure:
    """One 3-D window: the input's depth slices with the cells it reads, the kernel's slices, the output.

    Parameters
    ----------
    steps : ConvStepsND
        Step data of a 3-D convolution of one channel (:func:`convviz.conv3d_steps`).
    index : (d, h, w)
        The output position shown.
    volume : array (D, H, W)
        The input the steps read.
    """
    d, h, w = index
    depth, rows, cols = volume.shape
    kd, kh, kw = steps.weights.shape[1:]
    od, oh, ow = steps.sums.shape
    read = tuple(p[d, h, w] for p in steps.positions)       # (KD, KH, KW) input coordinates per axis
    done = _done(steps.sums.shape, index)
    # The input's slices on a first row; the kernel's and the output's on a second.
    panels = [[("input", s, volume[s]) for s in range(depth)],
              [("kernel", s, steps.weights[0, s]) for s in range(kd)]
              + [("output", s, np.where(done[s], steps.sums[s], np.nan)) for s in range(od)]]
    fig, notes, origin = go.Figure(), [], {}
    top = 0
    for row in panels:
        left, before = 0, None
        for name, s, z in row:
            if before not in (None, name):
                left += 1                     # a wider gap between the kernel and the output
            before = name
            m = float(np.abs(z[np.isfinite(z)]).max(initial=0)) or 1.0
            lo, hi = (float(volume.min()), float(volume.max()) or 1.0) if name == "input" else (-m, m)
            text = [[format_number(v) if np.isfinite(v) else "" for v in line] for line in z]
            if name == "output":              # cells still to come, blank as on Step by step
                fig.add_trace(go.Heatmap(z=np.zeros(z.shape), x=left + np.arange(z.shape[1]),
                                         y=top + np.arange(z.shape[0]), colorscale=[[0, BLANK_FILL], [1, BLANK_FILL]],
                                         showscale=False, hoverinfo="skip", xgap=2, ygap=2))
            fig.add_trace(go.Heatmap(z=z, x=left + np.arange(z.shape[1]), y=top + np.arange(z.shape[0]), text=text,
                                     texttemplate="%{text}", textfont=dict(CELL_FONT, size=16, color=INK),
                                     showscale=False, hoverinfo="skip", zmin=lo, zmax=hi, xgap=2, ygap=2,
                                     colorscale=PALE_SEQUENTIAL if name == "input" else PALE_DIVERGING))
            notes.append(dict(x=left - 0.5, y=top - 0.55, text=f"<b>{name}</b> {'k' if name == 'kernel' else 'd'}={s}",
                              showarrow=False, xanchor="left", yanchor="bottom", font=dict(FONT, size=14)))
            origin[(name, s)] = (top, left)
            left += z.shape[1] + 1
        top += max(z.shape[0] for _, _, z in row) + 2
    for kz in range(kd):                       # the window's cells on each input slice it reaches
        s = int(read[0][kz, 0, 0])
        if 0 <= s < depth:
            y0, x0 = origin[("input", s)]
            fig.add_shape(type="rect", x0=x0 + read[2][kz].min() - 0.5, x1=x0 + read[2][kz].max() + 0.5,
                          y0=y0 + read[1][kz].min() - 0.5, y1=y0 + read[1][kz].max() + 0.5,
                          line=dict(color=WINDOW, width=3))
    y0, x0 = origin[("output", d)]
    fig.add_shape(type="rect", x0=x0 + w - 0.5, x1=x0 + w + 0.5, y0=y0 + h - 0.5, y1=y0 + h + 0.5,
                  line=dict(color=HIGHLIGHT, width=4))
    width = max(sum(z.shape[1] + 1 for _, _, z in row) + 1 for row in panels)
    fig.update_layout(template=TEMPLATE, font=FONT, height=int(top * 44 + 40), margin=dict(l=8, r=8, t=30, b=8),
                      plot_bgcolor=CLEAR, paper_bgcolor=CLEAR, annotations=notes, dragmode=False,
                      xaxis=dict(visible=False, range=[-0.6, width - 1.4], fixedrange=True, constrain="domain",
                                 constraintoward="left"),
                      yaxis=dict(visible=False, range=[top - 1.5, -1.2], scaleanchor="x", fixedrange=True,
                                 constrain="domain"))
    return fig


def _done(shape: tuple[int, int, int], index: tuple[int, int, int]) -> np.ndarray:
    """Output cells computed up to and including `index`, in the order the window visits them."""
    order = np.arange(np.prod(shape)).reshape(shape)
    return order <= order[index]


def window_sum(steps: ConvStepsND, index: tuple[int, int, int]) -> str:
    """The multiply–adds of one output, depth slice by depth slice of the kernel.

    >>> from convviz import conv3d_steps
    >>> s = conv3d_steps(np.arange(8.0).reshape(2, 2, 2), np.ones((2, 1, 1)))
    >>> print(window_sum(s, (0, 0, 0)))
    k=0: 0·1
    k=1: 4·1
    = 4
    """
    d, h, w = index
    values, weights = steps.values[0][d, h, w], steps.weights[0]
    lines = []
    for kz in range(weights.shape[0]):
        terms = " + ".join(f"{_term(v)}·{_term(k)}" for v, k in zip(values[kz].ravel(), weights[kz].ravel()))
        lines.append(f"k={kz}: {terms}")
    return "\n".join(lines + [f"= {format_number(float(steps.sums[d, h, w]))}"])


def _term(v: float) -> str:
    text = format_number(float(v))
    return f"({text})" if text.startswith("−") else text
