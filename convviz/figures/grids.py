"""Small grids of numbers as HTML tables: a kernel, and one output's patch, kernel and products.

A table of a few dozen numbers needs no plotting library: written as HTML, every number is
real text (sharp on a projector, read by screen readers, zoomed with the page) and costs
about a millisecond, where the same grid as a Plotly figure costs tens. Colours follow
:mod:`~convviz.figures.style`: blue–white–red around 0 for weights and products, greys for
pixels, a grey hatch-free fill for padding.

Examples
--------
>>> html = kernel_html(np.array([[1.0, 0.0, -1.0]]))
>>> html.count("<td"), "−1" in html
(3, True)
"""

from __future__ import annotations

from html import escape

import numpy as np

from ..steps import ConvSteps
from ..walkthrough.text import format_number
from .style import DIVERGING, GREY_SCALE, HIGHLIGHT, INK, PADDING_FILL, colour_lut, diverging_range

_LUTS = {DIVERGING: colour_lut(DIVERGING), GREY_SCALE: colour_lut(GREY_SCALE)}


def _colours(values: np.ndarray, scale: str, zrange: tuple[float, float]) -> np.ndarray:
    """Each value's cell colour as ``#rrggbb`` and its ink (dark or white) for contrast."""
    lo, hi = zrange
    hi = hi if hi > lo else lo + 1.0
    # Clipped first: values past the range take its end colours, and none overflows near ±1.8e308.
    index = np.nan_to_num((np.clip(values, lo, hi) - lo) / (hi - lo) * 255).astype(int)
    rgb = _LUTS[scale][index]
    light = rgb @ np.array([0.299, 0.587, 0.114]) > 150
    fill = np.array([f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb.reshape(-1, 3)]).reshape(values.shape)
    return fill, np.where(light, INK, "#ffffff")


def grid_html(values: np.ndarray, text: np.ndarray | None = None, scale: str = DIVERGING,
              zrange: tuple[float, float] | None = None, padded: np.ndarray | None = None,
              caption: str = "", cell_px: int = 44) -> str:
    """One grid as an HTML table: each cell coloured by its value and showing its number.

    `padded` cells are drawn in the padding grey. The font is sized so the longest number
    fits its cell; where that would be under 11 px, the cells show colour only and each
    number is in its cell's tooltip.

    >>> grid_html(np.eye(2), caption="identity").count("<tr>")
    2
    """
    values = np.asarray(values, dtype=float)
    text = np.vectorize(format_number, otypes=[str])(values) if text is None else np.asarray(text)
    fill, ink = _colours(values, scale, diverging_range(values) if zrange is None else zrange)
    if padded is not None:
        fill, ink = np.where(padded, PADDING_FILL, fill), np.where(padded, INK, ink)
    longest = max((len(t) for t in text.ravel()), default=1)
    font = min(20, int((cell_px - 6) / (0.62 * max(longest, 2))))
    cell = (f"width:{cell_px}px;height:{cell_px}px;padding:0;text-align:center;vertical-align:middle;"
            f"font:{font}px 'DejaVu Sans Mono','Source Code Pro',monospace;border:2px solid #fff;")
    shown = text if font >= 11 else np.full(text.shape, "")
    rows = "".join(
        "<tr>" + "".join(f'<td title="{escape(t)}" style="{cell}background:{f};color:{i}">{escape(u)}</td>'
                         for f, i, t, u in zip(fill[r], ink[r], text[r], shown[r])) + "</tr>"
        for r in range(values.shape[0]))
    head = f'<figcaption style="font-size:15px;margin-bottom:4px">{escape(caption)}</figcaption>' if caption else ""
    return (f'<figure style="margin:0 18px 12px 0;display:inline-block;vertical-align:top">{head}'
            f'<table style="border-collapse:collapse;border:0;margin:0">{rows}</table></figure>')


def kernel_html(kernel: np.ndarray) -> str:
    """The kernel's values on the diverging scale (blue negative, white 0, red positive).

    >>> kernel_html(np.ones((2, 2))).count("<td")
    4
    """
    k = np.asarray(kernel, dtype=float)
    return grid_html(k, cell_px=min(52, max(22, 300 // max(k.shape))))


def _cells(values: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: format_number(v, 1 if abs(v) >= 10 else 2), otypes=[str])(values)


def inspect_html(steps: ConvSteps, row: int, col: int, channel_names: tuple[str, ...] = (),
                 position: tuple[int, int] | None = None) -> str:
    """Input patch, kernel and products behind output ``(row, col)``, one line per channel.

    Pixels are grey as in the photo (0 black, 255 white), padding cells the padding grey;
    each line's products say that channel's partial sum. The title
    names the output at `position` (where `steps` covers a region of a larger output),
    else at ``(row, col)``.

    >>> from convviz.steps import conv2d_steps
    >>> s = conv2d_steps(np.arange(1, 26).reshape(5, 5), [[1, 0, -1]] * 3)
    >>> "Output (0, 0) = −6" in inspect_html(s, 0, 0)
    True
    """
    channels = steps.values.shape[0]
    names = channel_names or tuple(f"channel {c}" for c in range(channels))
    cell = min(48, max(26, 260 // max(steps.weights.shape[1:])))
    padded = steps.padded[row, col]
    lines = []
    for c in range(channels):
        patch, weights, products = steps.values[c, row, col], steps.weights[c], steps.products[c, row, col]
        partial = format_number(steps.partial_sums[c, row, col])
        lines.append("<div>" + "".join((
            grid_html(patch, _cells(patch), GREY_SCALE, (0, 255), padded, f"{names[c]}: input patch", cell),
            grid_html(weights, _cells(weights), caption="kernel", cell_px=cell),
            grid_html(products, _cells(products), caption=f"products, sum {partial}", cell_px=cell))) + "</div>")
    total = format_number(steps.sums[row, col])
    bias = f" (with bias {format_number(steps.bias)})" if steps.bias else ""
    title = f"Output {position or (row, col)} = {total}{bias}"
    return (f'<div style="color:inherit"><div style="font-size:19px;font-weight:600;'
            f'color:{HIGHLIGHT};margin:4px 0 8px">{escape(title)}</div>{"".join(lines)}</div>')
