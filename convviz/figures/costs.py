"""What a convolution costs, and what making it cheaper changes: times, counts, pictures.

Times of three ways to compute one convolution as the kernel grows, parameters and
multiply–accumulates of a standard layer beside a depthwise-separable one, that layer's
weights drawn one cell each, and images (upsampled outputs, differences) as lossless PNG,
enlarged without smoothing, so a checkerboard of one-pixel stripes is not blurred away.

Examples
--------
>>> fig = timing_figure([3, 5], {"direct": [0.001, 0.002], "FFT": [0.003, 0.003]})
>>> [t.name for t in fig.data], list(fig.data[0].y)
(['direct', 'FFT'], [1.0, 2.0])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from ..images import encode_png
from .playground import colour_map
from .style import CLEAR, FONT, HIGHLIGHT, TEMPLATE, WINDOW

METHOD_COLOURS = ("#1c7ed6", WINDOW, HIGHLIGHT)
CHANNEL_COLOURS = qualitative.Set2            # pale enough to read on light and dark pages
PICTURE_CHANNELS = 6                          # channels drawn per side in the separable picture


def picture_png(pixels: np.ndarray, zoom: int = 1) -> bytes:
    """Grey ``(H, W)`` or RGB ``(H, W, 3)`` pixels (0…255) as a lossless PNG, each pixel a `zoom` × `zoom` block.

    Enlarged here, not by the browser, which would smooth a checkerboard of one-pixel
    stripes into grey.

    >>> import io
    >>> from PIL import Image
    >>> Image.open(io.BytesIO(picture_png(np.zeros((4, 6)), zoom=3))).size
    (18, 12)
    """
    p = np.asarray(pixels, dtype=float)
    return encode_png(np.repeat(np.repeat(p, zoom, axis=0), zoom, axis=1))


def difference_png(diff: np.ndarray, zoom: int = 1) -> tuple[bytes, tuple[float, float]]:
    """A signed map as a PNG (blue negative, white 0, red positive) and the values its end colours stand for.

    >>> png, (low, high) = difference_png(np.array([[-1.0, 0.0, 2.0]]))
    >>> low == -high, round(high, 1)
    (True, 2.0)
    """
    rgb, bar = colour_map(np.asarray(diff, dtype=float), "raw")
    return picture_png(rgb, zoom), bar["range"]


def timing_figure(kernel_sizes: Sequence[int], seconds: Mapping[str, Sequence[float]]) -> go.Figure:
    """Milliseconds per method against the kernel size, on a log scale.

    Parameters
    ----------
    kernel_sizes : sequence of int
        One per measurement.
    seconds : mapping of method name to one time (seconds) per kernel size
    """
    fig = go.Figure()
    for (name, times), colour in zip(seconds.items(), METHOD_COLOURS * 2):
        ms = [round(t * 1000, 3) for t in times]
        fig.add_trace(go.Scatter(x=list(kernel_sizes), y=ms, name=name, mode="lines+markers",
                                 line=dict(color=colour, width=3), marker=dict(size=8),
                                 hovertemplate=f"{name}, %{{x}}×%{{x}} kernel: %{{y:.3g}} ms<extra></extra>"))
    fig.update_layout(template=TEMPLATE, font=FONT, height=380, margin=dict(l=60, r=10, t=40, b=50),
                      plot_bgcolor=CLEAR, paper_bgcolor=CLEAR, hovermode="x unified",
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    fig.update_xaxes(title_text="kernel size (k × k)", tickvals=list(kernel_sizes), showgrid=False)
    fig.update_yaxes(title_text="milliseconds (best run)", type="log", gridcolor="rgba(128,128,128,0.3)")
    return fig


def cost_figure(costs: Mapping[str, Mapping[str, Mapping[str, int]]]) -> go.Figure:
    """Bars per quantity (parameters, multiply–accumulates), one per layer kind, split into its parts.

    Parameters
    ----------
    costs : {quantity: {layer kind: {part: count}}}
        e.g. ``{"parameters": {"standard": {"3×3": 1792}, "separable": {"depthwise": 30, "pointwise": 256}}}``.

    Examples
    --------
    >>> fig = cost_figure({"parameters": {"standard": {"conv": 10}, "separable": {"dw": 2, "pw": 3}}})
    >>> [(t.name, list(t.x), list(t.y)) for t in fig.data]
    [('conv', ['standard'], [10]), ('dw', ['separable'], [2]), ('pw', ['separable'], [3])]
    """
    fig = make_subplots(rows=1, cols=len(costs), subplot_titles=[q.capitalize() for q in costs],
                        horizontal_spacing=0.16)
    parts = list(dict.fromkeys(p for layers in costs.values() for layer in layers.values() for p in layer))
    palette = dict(zip(parts, ("#74a9e0", "#f7b267", "#8ccf9a", "#c9b3e6")))
    for col, layers in enumerate(costs.values(), start=1):
        for kind, layer in layers.items():
            for part, count in layer.items():
                fig.add_trace(go.Bar(x=[kind], y=[count], name=part, marker_color=palette[part],
                                     showlegend=col == 1, legendgroup=part, text=[f"{count:,}"],
                                     textposition="inside", insidetextanchor="middle",
                                     hovertemplate=f"{kind}, {part}: %{{y:,}}<extra></extra>"), row=1, col=col)
    fig.update_layout(template=TEMPLATE, font=FONT, barmode="stack", height=360, plot_bgcolor=CLEAR,
                      paper_bgcolor=CLEAR, margin=dict(l=10, r=10, t=60, b=30),
                      legend=dict(orientation="h", x=0, y=-0.12, yanchor="top"))
    fig.update_yaxes(showticklabels=False, showgrid=False)
    return fig


def separable_figure(in_channels: int, out_channels: int, kernel_size: int,
                     limit: int = PICTURE_CHANNELS) -> go.Figure:
    """Every weight one cell, coloured by the input channel it multiplies.

    Left, a standard layer: one ``C_in × k × k`` filter per output channel (a column of
    `in_channels` kernels each). Middle, depthwise: one ``k × k`` filter per input channel.
    Right, pointwise: one ``1 × 1`` weight per input and output channel, beside the channel
    it mixes. At most `limit` channels per side are drawn.

    Examples
    --------
    >>> fig = separable_figure(3, 4, 3)
    >>> [int(np.isfinite(np.array(t.z, dtype=float)).sum()) for t in fig.data]    # weights drawn
    [108, 27, 12]
    """
    ci, co, k = min(in_channels, limit), min(out_channels, limit), kernel_size
    tall = ci * (k + 1) - 1
    dw_left = co * (k + 1) + 2
    pw_left = dw_left + k + 3
    width = pw_left + 2 * co - 1
    cell_px = float(np.clip(min(760 / width, 400 / tall), 4, 26))
    head = int(np.ceil(44 / cell_px))                  # rows above the weights for the two-line titles
    panels = {name: np.full((tall, width), np.nan) for name in ("standard", "depthwise", "pointwise")}
    for c in range(ci):
        top = c * (k + 1)
        for o in range(co):
            panels["standard"][top:top + k, o * (k + 1):o * (k + 1) + k] = c
            panels["pointwise"][top + k // 2, pw_left + 2 * o] = c
        panels["depthwise"][top:top + k, dw_left:dw_left + k] = c
    colours = [CHANNEL_COLOURS[c % len(CHANNEL_COLOURS)] for c in range(ci)]
    scale = [[v, col] for i, col in enumerate(colours) for v in (i / ci, (i + 1) / ci)]
    fig = go.Figure([go.Heatmap(z=z, y=head + np.arange(tall), colorscale=scale, zmin=-0.5, zmax=ci - 0.5,
                                showscale=False, xgap=1, ygap=1, name=name,
                                hovertemplate="input channel %{z}<extra>" + name + "</extra>")
                     for name, z in panels.items()])
    titles = [(0, f"Standard<br>{out_channels} × {in_channels}×{k}×{k}"),
              (dw_left, f"Depthwise<br>{in_channels} × {k}×{k}"),
              (pw_left, f"Pointwise<br>{out_channels} × {in_channels}")]
    notes = [dict(x=left - 0.5, y=head - 0.7, text=f"<b>{text}</b>", xanchor="left", yanchor="bottom", align="left",
                  showarrow=False, font=dict(FONT, size=14)) for left, text in titles]
    more = [f"{n} of {total}" for n, total in ((ci, in_channels), (co, out_channels)) if total > n]
    if more:
        notes.append(dict(x=-0.5, y=head + tall, text="drawn: " + " and ".join(more) + " channels", showarrow=False,
                          xanchor="left", yanchor="top", font=dict(FONT, size=13)))
    rows = head + tall + (2 if more else 0)
    fig.update_layout(template=TEMPLATE, font=FONT, height=int(rows * cell_px + 16), plot_bgcolor=CLEAR,
                      paper_bgcolor=CLEAR, margin=dict(l=8, r=8, t=8, b=8), dragmode=False, annotations=notes)
    fig.update_xaxes(range=[-0.5, width - 0.5], visible=False, fixedrange=True, constrain="domain")
    fig.update_yaxes(range=[rows - 0.5, -0.5], visible=False, fixedrange=True, scaleanchor="x", constrain="domain",
                     constraintoward="top")
    return fig
