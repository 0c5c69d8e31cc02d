"""Small annotated grids: a kernel, an input patch, the products — numbers you can read.

Examples
--------
>>> fig = kernel_figure(np.array([[1.0, 0.0, -1.0]] * 3))
>>> fig.data[0].type, fig.data[0].texttemplate
('heatmap', '%{text}')
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import CELL_FONT, DIVERGING, FONT, diverging_range, format_number


def grid_trace(values: np.ndarray, text: np.ndarray | None = None, colorscale: str = DIVERGING,
               zrange: tuple[float, float] | None = None, showscale: bool = False,
               width_px: int = 260) -> go.Heatmap:
    """A heatmap whose cells show their numbers (true minus signs, short decimals).

    The font is sized so the longest number fits a cell when the grid is about `width_px` wide.
    """
    values = np.asarray(values, dtype=float)
    if text is None:
        text = np.vectorize(format_number, otypes=[str])(values)
    lo, hi = zrange if zrange is not None else diverging_range(values)
    longest = max((len(t) for t in np.ravel(text)), default=1)
    size = max(8, min(20, int(width_px / (max(values.shape) * max(longest, 2) * 0.75))))
    return go.Heatmap(
        z=values, text=text, texttemplate="%{text}", textfont=dict(CELL_FONT, size=size),
        colorscale=colorscale, zmin=lo, zmax=hi, showscale=showscale, xgap=2, ygap=2,
        hovertemplate="row %{y}, column %{x}: %{text}<extra></extra>",
    )


def style_grid(fig: go.Figure, rows: int, cols: int, title: str = "", cell: int = 44) -> go.Figure:
    """Square cells, row 0 at the top, no clutter; sized to fit the grid."""
    fig.update_layout(
        title=dict(text=title, font=dict(size=17), x=0, xanchor="left"), font=FONT,
        width=None, height=min(560, 60 + cell * rows), margin=dict(l=30, r=10, t=40 if title else 10, b=10),
        plot_bgcolor="white", paper_bgcolor="white",
    )
    fig.update_xaxes(showgrid=False, zeroline=False, tickmode="array", tickvals=list(range(cols)),
                     side="top", constrain="domain")
    fig.update_yaxes(showgrid=False, zeroline=False, autorange="reversed", tickmode="array",
                     tickvals=list(range(rows)), scaleanchor="x", constrain="domain")
    return fig


def kernel_figure(kernel: np.ndarray, title: str = "") -> go.Figure:
    """The kernel's values on a diverging colour scale (blue negative, white 0, red positive).

    >>> kernel_figure(np.eye(2)).data[0].text.tolist()
    [['1', '0'], ['0', '1']]
    """
    k = np.asarray(kernel, dtype=float)
    cell = min(52, max(18, 260 // max(k.shape)))
    fig = go.Figure(grid_trace(k, width_px=cell * max(k.shape)))
    return style_grid(fig, *k.shape, title=title, cell=cell)
