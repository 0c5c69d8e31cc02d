"""Figures of the Playground: the input and the feature maps.

Large images go to the browser as compressed JPEG inside a Plotly ``Image`` trace (never as
a heatmap of a million cells); the colour bar comes from a one-point trace beside it.

Examples
--------
>>> rgb, bar = colour_map(np.array([[-2.0, 0.0, 2.0]]), "raw")
>>> rgb[0, 1].tolist(), bar["range"]
([246, 247, 247], (-2.0, 2.0))
"""

from __future__ import annotations

import base64
import io
from functools import cache

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from .style import CLEAR, DIVERGING, FONT, GREY_SCALE, TEMPLATE, WINDOW, colour_lut

DISPLAYS = {
    "raw": "raw values, colour bar centred on 0",
    "absolute": "absolute value |x|",
    "clipped": "clipped to 0–255, as an image",
    "stretched": "stretched from min to max",
}


_LUTS = {DIVERGING: colour_lut(DIVERGING)}


def colour_map(fmap: np.ndarray, display: str) -> tuple[np.ndarray, dict | None]:
    """Turn a feature map into RGB bytes for display, plus what its colour bar should say.

    Parameters
    ----------
    fmap : array (H, W) or (3, H, W)
        One feature map, or three (R, G, B) shown as a colour image.
    display : {"raw", "absolute", "clipped", "stretched"}
        ``raw`` uses a diverging scale centred on 0 (single maps) up to ±the 99.5th percentile
        of ``|x|``; the others are grey (or
        colour for three maps): ``|x|`` scaled to its maximum, clipped to 0–255, or min–max.

    Returns
    -------
    rgb : uint8 array (H, W, 3)
    colourbar : dict with ``range`` and ``scale``, or None for colour images.
    """
    if display not in DISPLAYS:
        raise ValueError(f"display must be one of {', '.join(DISPLAYS)}, got {display!r}")
    f = np.nan_to_num(np.asarray(fmap, dtype=np.float32))
    colour = f.ndim == 3
    if display == "raw" and not colour:
        # The 99.5th percentile, so a few extreme pixels do not wash every other one out to
        # white; values beyond it take the end colours.
        sample = f[:: max(1, f.shape[0] // 256), :: max(1, f.shape[1] // 256)]  # a percentile needs no more
        m = float(np.percentile(np.abs(sample), 99.5)) or float(np.abs(f).max()) or 1.0
        index = np.clip((f / m + 1) * 127.5, 0, 255).astype(np.uint8)
        return _LUTS[DIVERGING][index], {"range": (-m, m), "scale": DIVERGING}
    if display in ("clipped", "raw"):
        lo, hi = 0.0, 255.0
        g = np.clip(f, 0, 255)
    elif display == "absolute":
        g = np.abs(f)
        lo, hi = 0.0, float(g.max()) or 1.0
        g = g * (255 / hi)
    else:
        lo, hi = float(f.min()), float(f.max())
        g = (f - lo) * (255 / (hi - lo)) if hi > lo else np.zeros_like(f)
    g = np.round(g).astype(np.uint8)
    rgb = np.moveaxis(g, 0, -1) if colour else np.repeat(g[..., None], 3, axis=-1)
    return np.ascontiguousarray(rgb), None if colour else {"range": (lo, hi), "scale": GREY_SCALE}


def jpeg_uri(rgb: np.ndarray, max_side: int = 800, quality: int = 80) -> str:
    """A data URI of `rgb` (or a grey 2-D array) as JPEG, reduced so its longest side is at most `max_side`.

    A grey image (three equal channels) is stored as one channel. Colour is stored at half
    resolution (4:2:0), as photos are: a feature map shows on screen at well under its own
    size, and this halves what every rerun sends (a 512-pixel Sobel map: 80 → 45 kB).

    >>> jpeg_uri(np.zeros((4, 4, 3), np.uint8)).startswith("data:image/jpeg;base64,")
    True
    """
    rgb = np.asarray(rgb, dtype=np.uint8)
    grey = rgb.ndim == 3 and bool((rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all())
    im = Image.fromarray(rgb[..., 0] if grey else rgb)
    if max(im.size) > max_side:
        im.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, subsampling=2)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


@cache
def _spelled_out(prop: str, name: str) -> dict | list:
    """A ``template`` or ``colorscale`` `name` as Plotly's validation writes it: plotly.js knows neither name."""
    holder = go.Layout(template=name) if prop == "template" else go.scatter.Marker(colorscale=name)
    return holder.to_plotly_json()[prop]


_MARGIN = dict(l=52, r=12, t=44, b=88)    # the same for every panel; the colour bar lives in the bottom one


def _plot_area(shape: tuple[int, int], width: int) -> tuple[int, int]:
    """(height, width) in screen pixels of the plot area :func:`image_spec` gives `shape` in a panel `width` wide."""
    rows, cols = shape
    across = width - _MARGIN["l"] - _MARGIN["r"]
    return int(np.clip(across * rows / cols, 160, 560)), across


def screen_side(shape: tuple[int, int], width: int) -> int:
    """About how many screen pixels the longest side of an image of `shape` takes in a panel `width` wide.

    Twice this is as many pixels as a 2× (high-density) screen shows: an image encoded larger
    only costs bytes (a 510-pixel Sobel map in a 310-pixel panel: 63 kB, at 492 pixels 54 kB).

    >>> screen_side((512, 512), 310), screen_side((100, 400), 310)
    (246, 246)
    """
    high, across = _plot_area(shape, width)
    return round(max(shape) * min(across / shape[1], high / shape[0]))


def image_spec(uri: str, shape: tuple[int, int], title: str, colourbar: dict | None = None,
               box: tuple[float, float, float, float] | None = None, width: int = 380) -> dict:
    """An image in pixel coordinates of `shape` (rows, columns), with optional colour bar and box, as a figure dict.

    `box` is ``(top, left, bottom, right)`` in pixels: the window of an inspected output.
    `width` is about how wide the panel will be on screen; the figure is made as tall as the
    image then needs, so the colour bar sits just below it.

    Notes
    -----
    The dict is what ``go.Figure(spec).to_dict()`` gives back (the tests check it), so it is
    drawn without validating it: the Playground builds one per feature map a class asks for,
    and validating it took 2.4 ms of the 2.5 ms it costs; ``add_trace``/``update_layout``
    calls, each validating its own path, took 12.

    >>> spec = image_spec(jpeg_uri(np.zeros((30, 40, 3), np.uint8)), (30, 40), "4:3", width=380)
    >>> spec["layout"]["height"]  # 44 above, (380 − 64) · 30 / 40 = 237 for the image, 88 below
    369
    """
    rows, cols = shape
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as im:
        shown = im.size   # the JPEG may be smaller than `shape`: its pixels are stretched over it
    dx, dy = cols / shown[0], rows / shown[1]
    data = [dict(type="image", source=uri, x0=dx / 2 - 0.5, y0=dy / 2 - 0.5, dx=dx, dy=dy, hoverinfo="skip")]
    if colourbar is not None:
        lo, hi = colourbar["range"]
        scale = _spelled_out("colorscale", colourbar["scale"])
        data.append(dict(
            type="scatter", x=[0], y=[0], mode="markers", hoverinfo="skip", showlegend=False,
            marker=dict(size=0.1, opacity=0, color=[lo], cmin=lo, cmax=hi, colorscale=scale,
                        showscale=True, colorbar=dict(orientation="h", thickness=14, len=1, x=0.5, xanchor="center",
                                                      y=0, yref="container", yanchor="bottom", tickfont=dict(size=14),
                                                      tickformat=".4~g", nticks=4, tickangle=0)),
        ))
    # Fixed margins, the same for every panel, so an input and its feature maps come out the same
    # size side by side, tops aligned.
    height = _plot_area(shape, width)[0] + _MARGIN["t"] + _MARGIN["b"]
    layout = dict(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=17)), font=FONT,
        template=_spelled_out("template", TEMPLATE), height=height, margin=dict(_MARGIN, autoexpand=False),
        plot_bgcolor=CLEAR, paper_bgcolor=CLEAR,
        xaxis=dict(range=[-0.5, cols - 0.5], showgrid=False, zeroline=False, constrain="domain"),
        yaxis=dict(range=[rows - 0.5, -0.5], showgrid=False, zeroline=False, scaleanchor="x", constrain="domain",
                   constraintoward="top"),
    )
    if box is not None:
        top, left, bottom, right = box
        layout["shapes"] = [dict(type="rect", x0=left - 0.5, x1=right + 0.5, y0=top - 0.5, y1=bottom + 0.5,
                                 line=dict(color=WINDOW, width=3))]
    return dict(data=data, layout=layout)
