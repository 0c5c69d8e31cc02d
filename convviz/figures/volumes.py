"""Figures for 3-D convolution: a volume and its output, frame by frame.

Its walkthrough, window by window, is a scene of :mod:`convviz.walkthrough.volume`.

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

from ..walkthrough.text import format_number
from .animation import SPEEDS, play_controls
from .playground import jpeg_uri
from .style import (
    CLEAR, DIVERGING, FONT, TEMPLATE, colour_lut,
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
