"""The Playground's inspector: one output's patch, kernel and products, and the link that steps through it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.arguments import effective_kernel_size
from convviz.figures.grids import inspect_html
from convviz.patches import patch_around
from convviz.steps import conv2d_steps
from widgets.layer_controls import LayerChoice
from widgets.step_input import MAX_PATCH
from widgets.url_state import PageState, encode_weights

PATCH = 12         # pixels per side of the patch the step-by-step link opens


def inspect_output(state: PageState, x: np.ndarray, kernel: np.ndarray, bias: float, colour: str, layer: LayerChoice,
                   conv_args: dict, position: tuple[int, int]) -> None:
    """Draw output `position` worked out, and a link to Step by step on the patch around its window.

    The link carries `state`'s image, kernel, layer and presenter settings, so Step by step
    computes the very same number.
    """
    row, col = position
    weights = np.stack([kernel] * x.shape[0]) if colour == "RGB kernel" else kernel
    source = x if colour == "RGB kernel" else x[:1]
    steps = conv2d_steps(source, weights, bias, region=(row, row + 1, col, col + 1), **conv_args)
    names = ("R", "G", "B") if source.shape[0] == 3 else ("luminance" if colour == "luminance" else "R",)
    st.html(inspect_html(steps, 0, 0, names, position=position))
    extent = max(PATCH, *effective_kernel_size(kernel.shape, layer.dilation))
    if extent > MAX_PATCH:
        st.caption(f"The window spans {extent} pixels, more than Step by step's largest patch ({MAX_PATCH}).")
        return
    pads = layer.per_side(x.shape[1:], kernel.shape)
    top, step = patch_around(x.shape[1:], kernel.shape, layer.stride, pads, layer.dilation, position, extent)
    link = state.values("image", "kernel", "layer", "present") | {
        "grid": "image patch", "operation": "channels" if colour == "RGB kernel" else "convolution",
        "patch": str(extent), "row": str(top[0]), "col": str(top[1]), "step": str(step)}
    if link["kernel"] == "drawn":      # a drawing stays on this page: send its values
        link |= {"kernel": "custom", "weights": encode_weights(kernel), "normalise": "0", "flip": "0"}
    st.page_link("pages/step_by_step.py", label="Step through this window, multiply by multiply →",
                 icon=":material/footprint:", query_params=link)
