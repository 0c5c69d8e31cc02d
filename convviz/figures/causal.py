"""A stack of causal dilated convolutions, drawn as WaveNet's paper draws it.

One row of dots per level, the input at the bottom. The output followed is green; every
dot it depends on is orange, joined to the dots it reads, so the receptive field widens
layer by layer. Dots left of position 0 are the causal padding (zeros).

Examples
--------
>>> from convviz.causal import dilated_stack
>>> fig = stack_figure(dilated_stack(16))
>>> [a.text for a in fig.layout.annotations][-1]
'sees 16'
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..causal import Stack
from .style import CLEAR, FONT, HIGHLIGHT, MUTED, TEMPLATE, WINDOW


def _segments(edges: np.ndarray, level: int) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for below, above in edges:
        xs += [int(below), int(above), None]
        ys += [level - 1, level, None]
    return xs, ys


def stack_figure(stack: Stack, height: int | None = None) -> go.Figure:
    """The stack with output `stack.output` traced down to the inputs it sees.

    Parameters
    ----------
    stack : Stack
        From :func:`convviz.causal.dilated_stack`.
    height : int, optional
        Pixels; by default 70 per level plus room for the axis.
    """
    levels = len(stack.dilations) + 1
    left = min(int(stack.reads[0].min()), 0)
    fig = go.Figure()
    every = np.arange(stack.length)
    xs, ys = [], []
    for level, edges in enumerate(stack.edges, start=1):
        x, y = _segments(edges, level)
        xs += x
        ys += y
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=WINDOW, width=2), hoverinfo="skip"))
    for level in range(levels):
        fig.add_trace(go.Scatter(x=every, y=np.full(every.size, level), mode="markers", hoverinfo="skip",
                                 marker=dict(size=9, color=MUTED, opacity=0.45)))
        if left < 0 and level < levels - 1:
            pads = np.arange(left, 0)
            fig.add_trace(go.Scatter(x=pads, y=np.full(pads.size, level), mode="markers", hoverinfo="skip",
                                     marker=dict(size=9, symbol="square-open", color=MUTED)))
        reads = stack.reads[level]
        top = level == levels - 1
        fig.add_trace(go.Scatter(
            x=reads, y=np.full(reads.size, level), mode="markers",
            marker=dict(size=14 if top else 12, color=HIGHLIGHT if top else WINDOW,
                        symbol=np.where(reads < 0, "square", "circle")),
            hovertemplate=f"level {level}, position %{{x}}<extra></extra>"))
    names = ["input"] + [f"layer {i} · d = {d}" for i, d in enumerate(stack.dilations, start=1)]
    notes = [dict(x=0, xref="paper", xanchor="left", y=level + 0.38, text=name, showarrow=False,
                  font=dict(FONT, size=14, color=MUTED)) for level, name in enumerate(names)]
    notes += [dict(x=1, xref="paper", xanchor="right", y=level + 0.38, text=f"sees {field}", showarrow=False,
                   font=dict(FONT, size=14)) for level, field in enumerate(stack.fields, start=1)]
    fig.update_layout(
        template=TEMPLATE, font=FONT, paper_bgcolor=CLEAR, plot_bgcolor=CLEAR, showlegend=False, dragmode=False,
        height=height or 70 * levels + 90, margin=dict(l=8, r=8, t=16, b=48), annotations=notes,
        xaxis=dict(range=[left - 0.8, stack.length - 0.2], fixedrange=True, showgrid=False, zeroline=False,
                   title_text="position in the sequence (time →)"),
        yaxis=dict(range=[-0.5, levels - 0.1], visible=False, fixedrange=True),
    )
    return fig
