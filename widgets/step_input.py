"""The numbers Step by step animates: the textbook 1…25, a random grid, or a patch of an image.

A patch of an image keeps its place in the whole image: a convolution over it shows the
outputs of the whole layer there, with the real neighbours around the patch (see
:func:`convviz.patches.patch_outputs`). URL-backed through :data:`INPUT_SETTINGS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from convviz.pipeline import input_channels
from widgets.image_picker import image_picker
from widgets.url_state import Scope, Setting

GRIDS = {"textbook": "1…25 (textbook)", "random": "random", "image patch": "image patch"}
MAX_PATCH = 32
INPUT_SETTINGS = {
    "grid": Setting("textbook", choices=tuple(GRIDS)), "grid_size": Setting(5, low=3, high=16),
    "grid_seed": Setting(0, low=0, high=10**6), "patch": Setting(12, low=6, high=MAX_PATCH),
    "row": Setting(0, low=0, high=4096), "col": Setting(0, low=0, high=4096),
}


@dataclass(frozen=True)
class StepInput:
    """What to animate: `x` ``(C, H, W)``, a name for caches, and the patch's place, if any.

    For an image and a convolution, `x` is the whole image and `top`/`patch` say which part
    to show; otherwise `x` is exactly what is shown and `top` is None.
    """

    x: np.ndarray
    source: str
    top: tuple[int, int] | None = None
    patch: int = 0
    image: bool = False


def textbook(channels: int) -> np.ndarray:
    """1…25, and for colour its mirror image and its transpose as G and B."""
    g = np.arange(1.0, 26.0).reshape(5, 5)
    return np.stack([g, g[:, ::-1], g.T][:channels])


def _new_numbers(scope: Scope) -> None:
    scope.set("grid_seed", int(np.random.default_rng().integers(10**6)))


def step_input(scope: Scope, image_scope: Scope, channels: int, whole: bool) -> StepInput | None:
    """Draw the input controls; return the input, or None while an image is missing.

    `whole`: keep the whole image (for a convolution over a region of it) instead of
    cutting the patch out.
    """
    grid = st.radio("Numbers", tuple(GRIDS), horizontal=True, format_func=GRIDS.get, **scope.bind("grid"))
    if grid == "textbook":
        return StepInput(textbook(channels), f"textbook {channels}")
    if grid == "random":
        st.slider("Size", 3, 16, **scope.bind("grid_size"))
        st.button("New numbers", key=scope.key("reseed"), on_click=_new_numbers, args=(scope,))
        n, seed = scope.value("grid_size"), scope.value("grid_seed")
        x = np.random.default_rng(seed).integers(0, 10, (channels, n, n)).astype(float)
        return StepInput(x, f"random {channels} {n} {seed}")
    picked = image_picker(image_scope)
    st.slider("Patch size (pixels per side)", 6, MAX_PATCH, **scope.bind("patch"))
    if picked is None:
        return None
    colour = "RGB kernel" if channels == 3 else image_scope.value("colour")
    x, patch = input_channels(picked[0].pixels, colour)[:channels], scope.value("patch")
    spots = st.columns(2)
    for name, axis, cell in (("row", 0, spots[0]), ("col", 1, spots[1])):
        last = max(x.shape[axis + 1] - patch, 0)
        scope.clamp(name, 0, last)
        cell.number_input("Top row" if axis == 0 else "Left column", 0, last, **scope.bind(name))
    st.caption("One channel: the luminance (or, with colour per channel, R). R, G, B channels: all three. "
               "Pixels are whole numbers, as on the Playground.")
    top, source = (scope.value("row"), scope.value("col")), f"{picked[1]} {colour} {channels}"
    if whole:
        return StepInput(x, source, top, patch, image=True)
    return StepInput(x[:, top[0]:top[0] + patch, top[1]:top[1] + patch], f"{source} {top} {patch}", image=True)
