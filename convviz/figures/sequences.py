"""Figures of the Sequences page: a sentence matrix, n-gram feature maps, a signal before and after, a kernel.

Pure builders: data in, :class:`plotly.graph_objects.Figure` out. Numbers are written in
pale cells in :data:`~convviz.figures.style.INK`; everything else takes the theme's
colours, so every figure reads in light and dark themes.

Examples
--------
>>> from convviz.text import embed
>>> fig = sentence_figure(embed("not very xyzzy good"))
>>> list(fig.layout.xaxis.ticktext)
['not', 'very', 'xyzzy<br><i>unknown</i>', 'good']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..ngrams import Detection
from ..text import Sentence
from ..walkthrough.text import labels
from .style import (
    CELL_FONT, CLEAR, FONT, HIGHLIGHT, INK, MUTED, PADDING_FILL, PALE_DIVERGING, PALE_SEQUENTIAL, TEMPLATE,
    WINDOW, diverging_range,
)

ENVELOPE_POINTS = 1500      #: above this many samples a trace draws each bucket's minimum and maximum
_CELL_PX = 46


def _cells(fig: go.Figure, z: np.ndarray, text: np.ndarray, scale: list, lo: float, hi: float, **where) -> None:
    fig.add_trace(go.Heatmap(z=z, text=text, texttemplate="%{text}", textfont=dict(CELL_FONT, size=14, color=INK),
                             colorscale=scale, zmin=lo, zmax=hi, showscale=False, xgap=2, ygap=2,
                             hoverinfo="skip", **where))


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(template=TEMPLATE, font=FONT, paper_bgcolor=CLEAR, plot_bgcolor=CLEAR, height=height,
                      showlegend=False, dragmode=False, **extra)
    fig.update_xaxes(ticks="")
    fig.update_yaxes(ticks="")
    return fig


def sentence_figure(sentence: Sentence) -> go.Figure:
    """The sentence as a ``C × L`` heatmap: one column per word, one row per embedding dimension.

    Zeros are left blank (no colour, no number) so the few other values stand out. Unknown
    words are grey columns labelled *unknown*: they are zero vectors, kept in their place.
    """
    words = [w if k else f"{w}<br><i>unknown</i>" for w, k in zip(sentence.words, sentence.known)]
    v = sentence.vectors
    shown = sentence.known & (v != 0)
    fig = go.Figure()
    _cells(fig, np.where(shown, v, np.nan), np.where(shown, labels(v), ""), PALE_DIVERGING, *diverging_range(v))
    if not sentence.known.all():
        grey = np.where(sentence.known, np.nan, 0.0) * np.ones_like(v)
        fig.add_trace(go.Heatmap(z=grey, colorscale=[[0, PADDING_FILL], [1, PADDING_FILL]], showscale=False,
                                 xgap=2, ygap=2, hoverinfo="skip", text=np.where(sentence.known, "", "0"),
                                 texttemplate="%{text}", textfont=dict(CELL_FONT, size=14, color=MUTED)))
    n = len(words)
    return _layout(fig, 90 + _CELL_PX * v.shape[0], margin=dict(l=8, r=8, t=64, b=8),
                   xaxis=dict(tickmode="array", tickvals=list(range(n)), ticktext=words, side="top",
                              fixedrange=True, showgrid=False, zeroline=False, range=[-0.5, n - 0.5]),
                   yaxis=dict(tickmode="array", tickvals=list(range(v.shape[0])), ticktext=list(sentence.dimensions),
                              autorange="reversed", fixedrange=True, showgrid=False, zeroline=False))


def feature_maps_figure(detections: Sequence[Detection], words: Sequence[str]) -> go.Figure:
    """Every filter's activations along the sentence (after ReLU), its maximum outlined.

    Row ``f``, column ``j`` is filter ``f`` on the window that starts at word ``j``; a filter
    of width ``K`` has no window in the last ``K − 1`` columns. Zeros (what ReLU leaves of a
    window that does not match) are written small and grey, without a cell.
    """
    n = len(words)
    z = np.full((len(detections), n), np.nan)
    for i, d in enumerate(detections):
        if d.activations is not None:
            z[i, :d.activations.size] = d.activations
    hover = np.array([[" ".join(words[j:j + d.filter.width]) if j + d.filter.width <= n else ""
                       for j in range(n)] for d in detections], dtype=object)
    fig = go.Figure()
    fired = np.where(z > 0, z, np.nan)
    top = float(np.nanmax(fired)) if np.isfinite(fired).any() else 1.0
    fig.add_trace(go.Heatmap(z=fired, text=np.where(z > 0, labels(np.nan_to_num(z)), ""), customdata=hover,
                             texttemplate="%{text}", textfont=dict(CELL_FONT, size=14, color=INK),
                             colorscale=PALE_SEQUENTIAL, zmin=0, zmax=top, showscale=False, xgap=2, ygap=2,
                             hovertemplate="“%{customdata}”: %{z:.3g}<extra></extra>"))
    rows, cols = np.nonzero(z == 0)
    fig.add_trace(go.Scatter(x=cols, y=rows, mode="text", text=["0"] * rows.size, hoverinfo="skip",
                             textfont=dict(CELL_FONT, size=14, color=MUTED)))
    for i, d in enumerate(detections):
        if d.start is not None:
            fig.add_shape(type="rect", x0=d.start - 0.5, x1=d.start + 0.5, y0=i - 0.5, y1=i + 0.5,
                          line=dict(color=HIGHLIGHT, width=3))
    names = [f"“{d.filter.example}” ({d.filter.width})" for d in detections]
    return _layout(fig, 70 + 40 * len(detections), margin=dict(l=8, r=8, t=56, b=8),
                   xaxis=dict(tickmode="array", tickvals=list(range(n)), ticktext=list(words), side="top",
                              fixedrange=True, showgrid=False, zeroline=False, range=[-0.5, n - 0.5]),
                   yaxis=dict(tickmode="array", tickvals=list(range(len(names))), ticktext=names,
                              autorange="reversed", fixedrange=True, showgrid=False, zeroline=False))


def envelope(times: np.ndarray, values: np.ndarray, points: int = ENVELOPE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most about `points` samples to draw: each bucket's minimum and maximum, in time order.

    A waveform drawn this way looks as it would at full resolution and stays a few kB.

    >>> t, v = envelope(np.arange(10.0), np.array([0, 5, 1, 1, 2, 2, 9, 0, 3, 3.0]), points=8)
    >>> v.tolist()
    [0.0, 5.0, 1.0, 2.0, 9.0, 0.0, 3.0, 3.0]
    """
    if values.size <= points:
        return times, values
    buckets = max(1, points // 2)
    size = -(-values.size // buckets)
    pad = size * buckets - values.size
    v = np.concatenate([values, np.full(pad, np.nan)]).reshape(buckets, size)
    t = np.concatenate([times, np.full(pad, np.nan)]).reshape(buckets, size)
    keep = ~np.isnan(v).all(axis=1)
    lo, hi = np.nanargmin(v[keep], axis=1), np.nanargmax(v[keep], axis=1)
    first, second = np.minimum(lo, hi), np.maximum(lo, hi)
    rows = np.arange(keep.sum())
    tv, vv = t[keep], v[keep]
    return (np.stack([tv[rows, first], tv[rows, second]], 1).ravel(),
            np.stack([vv[rows, first], vv[rows, second]], 1).ravel())


def signal_figure(times: np.ndarray, x: np.ndarray, out_times: np.ndarray, y: np.ndarray, titles: Sequence[str],
                  piece: tuple[float, float] | None = None, height: int = 460) -> go.Figure:
    """The input above and the output below, on one time axis (seconds).

    `piece` is ``(start, stop)`` in seconds: the stretch a matched filter was cut from,
    shaded on the input.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14, subplot_titles=list(titles))
    for row, (t, v, colour) in enumerate(((times, x, MUTED), (out_times, y, WINDOW)), start=1):
        tt, vv = envelope(t, v)
        fig.add_trace(go.Scattergl(x=tt, y=vv, mode="lines", line=dict(color=colour, width=1.2),
                                   hovertemplate="%{x:.4f} s: %{y:.4g}<extra></extra>"), row=row, col=1)
        fig.update_yaxes(zeroline=True, zerolinecolor=MUTED, zerolinewidth=0.5, showgrid=False, row=row, col=1)
    if piece is not None:
        fig.add_vrect(x0=piece[0], x1=piece[1], fillcolor=HIGHLIGHT, opacity=0.25, line_width=0, row=1, col=1)
    fig.update_xaxes(showgrid=False, range=[0, max(float(times[-1]), float(out_times[-1]) if out_times.size else 0)])
    fig.update_xaxes(title_text="time (s)", row=2, col=1)
    fig.update_annotations(font=dict(FONT, size=15), xanchor="left", x=0)
    return _layout(fig, height, margin=dict(l=8, r=8, t=36, b=44), hovermode="x")


def kernel_figure(weights: np.ndarray, dilation: int = 1, height: int = 190) -> go.Figure:
    """The kernel's taps as stems at offsets ``0, d, 2d, …`` (the gaps a dilation leaves are empty).

    >>> kernel_figure(np.array([1.0, -1.0]), dilation=3).data[0].x.tolist()
    [0, 3]
    """
    offsets = np.arange(weights.size) * dilation
    fig = go.Figure(go.Bar(x=offsets, y=weights, marker_color=WINDOW, width=0.6 if weights.size < 64 else None,
                           hovertemplate="tap at %{x}: %{y:.4g}<extra></extra>"))
    span = int(offsets[-1]) + 1
    return _layout(fig, height, margin=dict(l=8, r=8, t=28, b=44),
                   title=dict(text=f"Kernel: {weights.size} taps over {span} samples", x=0, font=dict(size=15)),
                   xaxis=dict(range=[-0.6, span - 0.4], fixedrange=True, showgrid=False, title_text="offset (samples)"),
                   yaxis=dict(fixedrange=True, zeroline=True, zerolinecolor=MUTED, showgrid=False))
