"""The figures' colours (convviz.figures.style): diverging scales that colour-blind students can read.

Each scale is passed through a simulation of deuteranopia and protanopia (Machado, Oliveira
and Fernandes 2009, severity 1) and compared in CIE Lab: negative and positive must stay far
apart, and each apart from zero. The numbers written on pale cells must keep a WCAG contrast
of at least 4.5 : 1.
"""

from __future__ import annotations

import numpy as np
import pytest
from plotly.colors import sample_colorscale

from convviz.figures.style import DIVERGING, INK, PALE_DIVERGING, PALE_SEQUENTIAL, colour_lut

SIMULATIONS = {  # linear-RGB matrices, severity 1.0
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}


def rgb(colour: str) -> np.ndarray:
    """``#rrggbb`` or ``rgb(r, g, b)`` as floats 0…1."""
    if colour.startswith("#"):
        return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.array([float(v) for v in colour[colour.index("(") + 1:-1].split(",")[:3]]) / 255


def linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(c: np.ndarray) -> np.ndarray:
    """sRGB (0…1, already linear) to CIE Lab, D65."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ c
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, simulation: str | None) -> np.ndarray:
    c = linear(rgb(colour))
    return lab(np.clip(SIMULATIONS[simulation] @ c, 0, 1) if simulation else c)


def ends(scale) -> tuple[str, str, str]:
    """The colours at −max, 0 and +max of a diverging scale."""
    return tuple(sample_colorscale(scale, [0.0, 0.5, 1.0]))


@pytest.mark.parametrize("simulation", [None, *SIMULATIONS])
@pytest.mark.parametrize("scale", [PALE_DIVERGING, DIVERGING], ids=["pale cells", "feature maps"])
def test_negative_zero_and_positive_stay_apart_for_colour_blind_eyes(scale, simulation):
    low, middle, high = (seen(c, simulation) for c in ends(scale))
    assert np.linalg.norm(low - high) > 25           # ΔE: clearly different hues or lightness
    assert min(np.linalg.norm(low - middle), np.linalg.norm(high - middle)) > 12


def test_the_volume_colours_follow_the_same_scale():
    lut = colour_lut(DIVERGING)
    low, high = (seen("#" + bytes(lut[i].tolist()).hex(), "deuteranopia") for i in (0, -1))
    assert np.linalg.norm(low - high) > 25


def luminance(colour: str) -> float:
    return float(np.array([0.2126, 0.7152, 0.0722]) @ linear(rgb(colour)))


@pytest.mark.parametrize("scale", [PALE_DIVERGING, PALE_SEQUENTIAL], ids=["diverging", "sequential"])
def test_numbers_on_pale_cells_keep_a_contrast_of_4_5(scale):
    ink = luminance(INK)
    for colour in sample_colorscale(scale, np.linspace(0, 1, 11)):
        ratio = (luminance(colour) + 0.05) / (ink + 0.05)
        assert ratio >= 4.5, (colour, ratio)
