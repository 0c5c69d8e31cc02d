"""One look for every figure: colours, fonts and scales legible on a classroom projector.

Examples
--------
>>> diverging_range(np.array([-3.0, 1.0]))
(-3.0, 3.0)
"""

from __future__ import annotations

import numpy as np
from plotly.colors import sample_colorscale

# Figures shown with Streamlit's theme leave Plotly's default template out: Streamlit replaces it
# in the browser anyway, and it is about 6.5 kB of JSON in every chart of every rerun.
TEMPLATE = "none"
# No colour: text outside the cells takes the colour of the viewer's theme, light or dark.
FONT = dict(family="Inter, 'Source Sans Pro', 'DejaVu Sans', sans-serif", size=16)
CELL_FONT = dict(family="'DejaVu Sans Mono', 'Source Code Pro', monospace", size=16)
GREY_SCALE = "gray"
# A diverging scale centred on 0: blue for negative, white for 0, red for positive. Chosen
# over red/green so it reads for the colour-blind and on washed-out projectors.
DIVERGING = "RdBu_r"
PADDING_FILL = "#e4e6eb"
WINDOW = "#f08c00"          # the kernel window / current tap
HIGHLIGHT = "#2f9e44"       # the output cell being computed
INK = "#1f2430"             # text on the pale cells, in either theme
MUTED = "#7c828d"           # secondary text, legible on light and dark backgrounds alike
CLEAR = "rgba(0,0,0,0)"     # figure backgrounds: the page's own colour shows through


def colour_lut(scale: str) -> np.ndarray:
    """A Plotly colour scale as 256 RGB rows (uint8), for colouring arrays by index.

    >>> colour_lut("gray")[[0, -1]].tolist()
    [[0, 0, 0], [254, 254, 253]]
    """
    colours = sample_colorscale(scale, np.linspace(0, 1, 256), colortype="tuple")
    return np.round(np.array(colours) * (255 if max(max(c) for c in colours) <= 1 else 1)).astype(np.uint8)


def diverging_range(values: np.ndarray) -> tuple[float, float]:
    """Symmetric colour range ``(−m, m)`` so that 0 is always the middle colour."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    m = float(np.abs(finite).max()) if finite.size else 1.0
    return (-m, m) if m > 0 else (-1.0, 1.0)


def format_number(v: float, digits: int = 2) -> str:
    """Short, readable number with a true minus sign: ``−6``, ``0.25``, ``1.5e+03``.

    >>> format_number(-6.0), format_number(0.25), format_number(1/3)
    ('−6', '0.25', '0.33')
    """
    if not np.isfinite(v):
        return "−∞" if v < 0 else ("∞" if v > 0 else "NaN")
    if float(v).is_integer() and abs(v) < 1e6:
        text = str(int(v))
    elif abs(v) >= 1e4 or abs(v) < 10 ** -digits:
        text = f"{v:.{digits}g}" if v != 0 else "0"
    else:
        text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


# Pale scales for grids with numbers written in them: dark text stays readable on every cell.
PALE_SEQUENTIAL = [[0.0, "#ffffff"], [1.0, "#a9c9ec"]]
PALE_DIVERGING = [[0.0, "#8fb4e6"], [0.5, "#ffffff"], [1.0, "#f2a494"]]
GREY_RAMP = [[0.0, "#000000"], [1.0, "#ffffff"]]    # pixel values 0…255 as a photo shows them
BLANK_FILL = "#f1f3f5"      # output cells not computed yet
WINDOW_FILL = "rgba(240, 140, 0, 0.10)"
