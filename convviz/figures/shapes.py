"""Pictures of shape arithmetic: where the windows land, and what one unit of a stack sees.

Cells are drawn as a heatmap of categories (padding, input read, input never read, window
taps), so the pictures are tested by their numbers: ``fig.data[0].z``.

Examples
--------
>>> fig = window_strip(6, kernel_size=3, stride=2)          # windows at 0–2 and 2–4
>>> fig.data[0].z[0]                                         # the input row: position 5 never read
[2, 2, 2, 2, 2, 3]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from plotly.subplots import make_subplots

from ..stack.layers import FUNCTIONS, Step, contributing_units, kind
from .style import CLEAR, FONT, HIGHLIGHT, INK, MUTED, PADDING_FILL, TEMPLATE, WINDOW

EMPTY, PADDING, READ, UNREAD, TAP, GAP = range(6)
INPUT = "#c9dcf2"        # pale blue: clearly not the grey of padding, even on a washed-out projector
COLOURS = ("#ffffff", PADDING_FILL, INPUT, "#ffa3a3", WINDOW, "#ffe3bf")
LABELS = ("", "padding", "input, read", "input, never read", "window taps", "skipped by dilation")
OUTSIDE, UNIT, FEEDS, CHOSEN = range(4)
FIELD_COLOURS = (PADDING_FILL, INPUT, "#ffb35c", HIGHLIGHT)
FIELD_LABELS = ("padding", "unit", "feeds the chosen unit", "the chosen unit")
GRID_LIMIT = 128     # cells per side beyond which a grid is too fine to read
ZOOM_LIMIT = 40      # longer sides of the receptive-field panels show only the part around the region
FIELD_LIMIT = 256    # receptive fields wider than this are not drawn cell by cell
EXACT_LIMIT = 2**53  # a browser counts positions exactly up to here


def _scale(colours: Sequence[str]) -> list[list]:
    """A colour scale with one flat band per category ``0 … n − 1``."""
    n = len(colours)
    return [[v, c] for i, c in enumerate(colours) for v in (i / n, (i + 1) / n)]


def _cell_size(rows: int, cols: int, height: int | None = None) -> int:
    """Pixels per cell so that the grid fits about 900 × 440 pixels (or a figure `height` tall), within 6–30."""
    tall = 440 if height is None else min(440, height - 160)
    return int(np.clip(min(900 / max(cols, 1), tall / max(rows, 1)), 6, 30))


def _grid(z: np.ndarray, colours: Sequence[str], text: np.ndarray | None = None, x0: int = 0,
          y0: int = 0) -> go.Heatmap:
    cols = z.shape[1]
    gap = 2 if cols <= 24 else (1 if cols <= 64 else 0)
    return go.Heatmap(
        z=[tuple(int(v) for v in row) for row in z], x=list(range(x0, x0 + cols)), y=list(range(y0, y0 + z.shape[0])),
        colorscale=_scale(colours), zmin=-0.5, zmax=len(colours) - 0.5, showscale=False, xgap=gap, ygap=gap,
        text=text, texttemplate="%{text}" if text is not None else None, textfont=dict(FONT, size=13, color=INK),
        hoverinfo="skip",
    )


def _legend(fig: go.Figure, entries: Sequence[tuple[str, str]], symbol: str = "square") -> None:
    for label, colour in entries:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label, showlegend=True,
                                 marker=dict(symbol=symbol, size=15, color=colour, line=dict(color=MUTED, width=1))))


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=18)), font=FONT, height=height, template=TEMPLATE,
        margin=dict(l=10, r=10, t=90 if title else 50, b=10), plot_bgcolor=CLEAR, paper_bgcolor=CLEAR,
        legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=15)),
    )
    fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=False, ticks="", constrain="domain")
    fig.update_yaxes(showgrid=False, zeroline=False, autorange="reversed", scaleanchor="x", constrain="domain")
    return fig


def _unread(word: str, size: int, read: set[int]) -> str:
    """``"rows 2, 5 and 8"``: the positions along one axis that no window reads, or ``""``."""
    missed = [str(p) for p in range(size) if p not in read]
    if len(missed) > 8:
        missed = [*missed[:3], "…", *missed[-3:]]
    return f"{word} {', '.join(missed[:-1])} and {missed[-1]}" if len(missed) > 1 else (
        f"{word[:-1]} {missed[0]}" if missed else "")


def _taps(output: int, kernel_size: int, stride: int, dilation: int) -> list[list[int]]:
    """Padded-coordinate positions each window reads."""
    return [[i * stride + t * dilation for t in range(kernel_size)] for i in range(output)]


def window_strip(
    size: int, kernel_size: int, stride: int = 1, padding: tuple[int, int] | int = 0, dilation: int = 1,
    output: int | None = None, max_windows: int = 8, title: str = "",
) -> go.Figure:
    """One axis: the input (with padding) on top, and below it one row per window position.

    Input positions no window reads are marked and named in the title: with a remainder they
    sit at the end; with a stride longer than the window, or dilation, between windows too.

    Parameters
    ----------
    size, kernel_size, stride, dilation : int
    padding : int or (before, after)
    output : int, optional
        Number of windows; by default the convolution formula's. Pass the engine's value for
        pooling with ``ceil_mode``, whose last window may hang past the padded input.
    max_windows : int
        With more windows, the first three and the last ones are drawn, with ``⋮`` between.

    Examples
    --------
    >>> fig = window_strip(5, 2, stride=2, padding=(0, 1), output=3)   # ceil_mode pooling
    >>> [list(row) for row in fig.data[0].z[1:]]
    [[4, 4, 0, 0, 0, 0], [0, 0, 4, 4, 0, 0], [0, 0, 0, 0, 4, 4]]
    """
    before, after = (padding, padding) if isinstance(padding, int) else padding
    if output is None:
        output = (size + before + after - dilation * (kernel_size - 1) - 1) // stride + 1
    taps = _taps(max(output, 0), kernel_size, stride, dilation)
    read = {p - before for window in taps for p in window}
    cols = max(size + before + after, *(w[-1] + 1 for w in taps)) if taps else size + before + after
    shown = list(range(output)) if output <= max_windows else [0, 1, 2, None, *range(output - max_windows + 4, output)]
    z = np.full((1 + len(shown), cols), EMPTY)
    text = np.full(z.shape, "", dtype=object)
    for x in range(size + before + after):
        pos = x - before
        z[0, x] = PADDING if not 0 <= pos < size else (READ if pos in read else UNREAD)
        text[0, x] = str(pos) if 0 <= pos < size and cols <= 40 else ""
    labels = ["input"]
    for row, i in enumerate(shown, start=1):
        labels.append("⋮" if i is None else f"window {i}")
        if i is not None:
            z[row, taps[i][0]: taps[i][-1] + 1] = GAP
            z[row, taps[i]] = TAP
    fig = go.Figure(_grid(z, COLOURS, text))
    present = sorted({int(v) for v in np.unique(z)} - {EMPTY})
    _legend(fig, [(LABELS[c], COLOURS[c]) for c in present])
    cell = _cell_size(z.shape[0], cols)
    missed = _unread("positions", size, read)
    title = f"{title}: {missed} never read" if missed and title else (f"{missed} never read".capitalize()
                                                                      if missed else title)
    _layout(fig, title, 120 + cell * z.shape[0] + (30 if title else 0))
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(labels))), ticktext=labels, tickfont=dict(size=14))
    return fig


def window_grid(
    size: Sequence[int], kernel_size: Sequence[int], stride: Sequence[int], padding: Sequence[tuple[int, int]],
    dilation: Sequence[int], output: Sequence[int], title: str = "", height: int | None = None,
) -> go.Figure:
    """Two axes: the padded input, the first and the last window, and the rows/columns never read.

    Unless a `title` is given, the title names the rows and columns never read. `height`: the
    most pixels the figure may take (a slide's); the cells shrink to fit.

    Examples
    --------
    >>> fig = window_grid((5, 6), (3, 3), (2, 2), ((0, 0), (0, 0)), (1, 1), (2, 2))
    >>> z = np.array(fig.data[0].z)
    >>> int((z == UNREAD).sum())      # column 5 of every row
    5
    """
    axes = []
    for n, k, s, (before, after), d, o in zip(size, kernel_size, stride, padding, dilation, output):
        taps = _taps(o, k, s, d)
        length = max(n + before + after, taps[-1][-1] + 1)
        axes.append((n, before, after, taps, length, {p - before for w in taps for p in w}))
    (h, top, bottom, rtaps, rows, rread), (w, left, right, ctaps, cols, cread) = axes
    r, c = np.arange(rows)[:, None] - top, np.arange(cols)[None, :] - left
    z = np.where((r < h + bottom) & (c < w + right), PADDING, EMPTY)
    read = np.isin(r, sorted(rread)) & np.isin(c, sorted(cread))
    z = np.where((r >= 0) & (r < h) & (c >= 0) & (c < w), np.where(read, READ, UNREAD), z)
    z[np.ix_(rtaps[0], ctaps[0])] = GAP
    z[np.ix_(rtaps[-1], ctaps[-1])] = TAP
    colours = (*COLOURS[:GAP], "#ffd8a8")
    fig = go.Figure(_grid(z, colours, x0=-left, y0=-top))
    labels = (*LABELS[:TAP], "last window", "first window")
    present = sorted({int(v) for v in np.unique(z)} - {EMPTY})
    _legend(fig, [(labels[c], colours[c]) for c in present])
    missed = " and ".join(filter(None, (_unread("rows", h, rread), _unread("columns", w, cread))))
    title = title or (f"Never read: {missed}" if missed else "Every input position is read")
    cell = _cell_size(rows, cols, height)
    return _layout(fig, title, 130 + cell * rows + 30)


def window_figures(
    size: Sequence[int], kernel_size: Sequence[int], stride: Sequence[int], padding: Sequence[tuple[int, int]],
    dilation: Sequence[int], output: Sequence[int], names: Sequence[str] = ("H", "W"), height: int | None = None,
) -> list[go.Figure]:
    """The window picture for any number of axes: a grid for two axes (at most `height` pixels tall),
    else (or when a padded side is longer than :data:`GRID_LIMIT`) one strip per axis.

    >>> [len(f.data[0].z) for f in window_figures((7,), (3,), (2,), ((0, 0),), (1,), (3,), names=("L",))]
    [4]
    """
    if len(size) == 2 and all(n + sum(p) <= GRID_LIMIT for n, p in zip(size, padding)):
        return [window_grid(size, kernel_size, stride, padding, dilation, output, height=height)]
    return [window_strip(*axis[:-1], title=f"Axis {axis[-1]}")
            for axis in zip(size, kernel_size, stride, padding, dilation, output, names)]


def _view(units: Sequence[int], size: int, field: tuple[int, int] | None) -> tuple[int, int, bool]:
    """First and last index to draw along one axis, and whether that is only a part of it.

    A long axis is drawn around the units only. On the input (`field` given), the view also
    reaches over the part of the receptive field that lies in the padding.
    """
    low, high = (min(0, field[0]), max(size - 1, field[1])) if field else (0, size - 1)
    if high - low + 1 <= ZOOM_LIMIT:
        return low, high, False
    first, last = field if field else ((units[0], units[-1]) if units else (0, 0))
    margin = max(3, (last - first + 1) // 2)
    return max(low, first - margin), min(high, last + margin), first - margin > low or last + margin < high


def receptive_field_figure(
    input_shape: Sequence[int], steps: Sequence[Step], index: int, unit: Sequence[int]
) -> go.Figure:
    """What one unit of layer `index` depends on: a panel for the input and for each layer up to it.

    Each panel is that layer's grid with the units that feed the chosen unit filled. On the
    input, a dashed frame marks the whole receptive field, with any part of it that falls in
    the padding drawn grey. Activations are left out: they change no position.

    Raises ValueError for a layer without a receptive field, one wider than
    :data:`FIELD_LIMIT`, or one that lies at positions beyond :data:`EXACT_LIMIT`.

    Examples
    --------
    >>> from convviz.stack.layers import Conv, plan
    >>> steps = plan((1, 8, 8), [Conv(1, 3), Conv(1, 3)])
    >>> fig = receptive_field_figure((1, 8, 8), steps, 1, (0, 0))
    >>> [int((np.array(trace.z) == FEEDS).sum()) for trace in fig.data[:3]]   # 5×5, 3×3, and the unit
    [25, 9, 0]
    """
    fields = steps[index].fields if 0 <= index < len(steps) else None
    if (wide := max((f.size for f in fields or ()), default=0)) > FIELD_LIMIT:
        raise ValueError(f"a unit of layer {index} sees {wide:,} positions along an axis; the picture draws "
                         f"receptive fields up to {FIELD_LIMIT} positions wide")
    spans = contributing_units(input_shape, steps, index, unit)
    field = [(f.start + u * f.jump, f.start + u * f.jump + f.size - 1) for f, u in zip(fields, unit)]
    shown = [i for i in range(index + 1) if kind(steps[i].layer) not in FUNCTIONS or i == index]
    titles = [f"input {input_shape[1]}×{input_shape[2]}"] + [f"{i} · {kind(steps[i].layer)}" for i in shown]
    fig = make_subplots(rows=1, cols=len(shown) + 1, subplot_titles=titles, horizontal_spacing=0.03)
    for col, i in enumerate([-1, *shown], start=1):
        units, size = spans[i + 1], input_shape[1:] if i < 0 else steps[i].shape[1:]
        limits = [_view(axis_units, n, field[axis] if i < 0 else None) for axis, (axis_units, n) in
                  enumerate(zip(units, size))]
        (top, bottom, zoom_r), (left, right, zoom_c) = limits
        if (far := max(map(abs, (top, bottom, left, right)))) > EXACT_LIMIT:
            raise ValueError(f"{'the input' if i < 0 else f'layer {i}'} would be drawn at position {far:,}, "
                             f"beyond the 2**53 a browser counts exactly")
        zoomed = ", zoomed" if zoom_r or zoom_c else ""
        r, c = np.arange(top, bottom + 1)[:, None], np.arange(left, right + 1)[None, :]
        z = np.where((r >= 0) & (r < size[0]) & (c >= 0) & (c < size[1]), UNIT, OUTSIDE)
        z[np.ix_([u - top for u in units[0] if top <= u <= bottom], [u - left for u in units[1] if left <= u <= right])
          ] = CHOSEN if i == index else FEEDS
        fig.add_trace(_grid(z, FIELD_COLOURS, x0=left, y0=top), row=1, col=col)
        fig.layout.annotations[col - 1].text += (f"<br>unit ({unit[0]}, {unit[1]}){zoomed}" if i == index else
                                                 f"<br>{len(units[0])}×{len(units[1])} of {size[0]}×{size[1]}{zoomed}")
        if i < 0:
            fig.add_shape(type="rect", x0=field[1][0] - 0.5, y0=field[0][0] - 0.5, x1=field[1][1] + 0.5,
                          y1=field[0][1] + 0.5, line=dict(color=WINDOW, width=2, dash="dash"), row=1, col=1)
    padded = min(field[0][0], field[1][0]) < 0 or field[0][1] >= input_shape[1] or field[1][1] >= input_shape[2]
    _legend(fig, [(FIELD_LABELS[c], FIELD_COLOURS[c]) for c in (FEEDS, CHOSEN, OUTSIDE) if c != OUTSIDE or padded])
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name="receptive field",
                             line=dict(color=WINDOW, width=2, dash="dash")))
    (rows, cols), where = spans[0], f"Unit ({unit[0]}, {unit[1]}) of layer {index}"
    _layout(fig, f"{where} depends on input rows {rows[0]}–{rows[-1]} and columns {cols[0]}–{cols[-1]}"
            if rows and cols else f"{where} reads only padding", 170 + min(320, 900 // (len(shown) + 1)))
    fig.update_annotations(font=dict(FONT, size=15))
    fig.update_layout(margin=dict(l=10, r=10, t=110, b=10), legend=dict(y=-0.02, yanchor="top"))
    fig.update_yaxes(tickfont=dict(size=12))
    for n in range(1, len(shown) + 2):
        fig.update_yaxes(scaleanchor=f"x{'' if n == 1 else n}", row=1, col=n)
    return fig
