"""The Playground's inspector: one output's window, patch, kernel and products, and the link that steps through it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.figures.grids import inspect_html
from convviz.figures.playground import image_spec, jpeg_uri
from convviz.geometry import Geometry
from convviz.patches import patch_around
from convviz.steps import conv2d_steps
from widgets.panels import Drawn
from widgets.step_input import MAX_PATCH
from widgets.url_state import PageState, encode_weights

PATCH = 12         # pixels per side of the patch the step-by-step link opens
# The window is drawn on a thumbnail of the input, not on the input's own figure: that one then
# stays the same when a control moves the window, and the browser keeps it instead of receiving
# it again (58 kB for a 512-pixel photo); this one is about 3 kB.
_LOCATOR_PX = 96   # the thumbnail's longest side, in pixels
_LOCATOR_WIDTH = 200


@st.cache_data(max_entries=16, ttl=600, show_spinner=False)
def _thumbnail(image_key: str, colour: str, _x: np.ndarray) -> str:
    return jpeg_uri(np.moveaxis(_x, 0, -1) if _x.shape[0] == 3 else _x[0], _LOCATOR_PX)


@st.cache_resource(max_entries=64, ttl=600, show_spinner=False)
def _window_figure(image_key: str, colour: str, _x: np.ndarray, box: tuple[int, int, int, int]) -> dict:
    thumbnail = _thumbnail(image_key=image_key, colour=colour, _x=_x)
    return image_spec(thumbnail, _x.shape[1:], "Its window in the input", box=box, width=_LOCATOR_WIDTH)


@st.cache_resource(max_entries=256, ttl=600, show_spinner=False)
def _worked(layer: str, position: tuple[int, int], _source: np.ndarray, _weights: np.ndarray, _bias: float,
            _geometry: Geometry, names: tuple[str, ...]) -> str:
    region = tuple(i for o in position for i in (o, o + 1))
    steps = conv2d_steps(_source, _weights, _bias, _geometry.stride, _geometry.pads, _geometry.dilation,
                         _geometry.padding_mode, region)
    return inspect_html(steps, 0, 0, names, position=position)


def inspect_output(state: PageState, x: np.ndarray, kernel: np.ndarray, bias: float, colour: str, geometry: Geometry,
                   position: tuple[int, int], image_key: str, layer: str) -> None:
    """Draw output `position`'s window on the input, worked out, and a link to Step by step on the patch around it.

    `geometry` is the layer the page resolved for `x` and `kernel`: its stride, per-side
    padding and span place the window, and the step data is computed with them as they are.
    `image_key` names the image `x` was made from (with `colour`), for the cached thumbnail;
    `layer` names the layer's result (:func:`~widgets.layer_cache.layer_key`), for the cached
    working.
    The link carries `state`'s image, kernel, layer and presenter settings, so Step by step
    computes the very same number.
    """
    weights = np.stack([kernel] * x.shape[0]) if colour == "RGB kernel" else kernel
    source = x if colour == "RGB kernel" else x[:1]
    names = ("R", "G", "B") if source.shape[0] == 3 else ("luminance" if colour == "luminance" else "R",)
    span = geometry.span
    first = tuple(o * s - before for o, s, (before, _) in zip(position, geometry.stride, geometry.pads))  # top left
    last = tuple(f + n - 1 for f, n in zip(first, span))
    where, worked = st.columns([1, 2.4], gap="medium")
    where.plotly_chart(Drawn(_window_figure(image_key=image_key, colour=colour, _x=x, box=(*first, *last))),
                       key=state.scope("page").key("window_plot"), config={"displaylogo": False})
    worked.html(_worked(layer=layer, position=position, _source=source, _weights=weights, _bias=bias,
                        _geometry=geometry, names=names))
    extent = max(PATCH, *span)
    if extent > MAX_PATCH:
        st.caption(f"The window spans {extent} pixels, more than Step by step's largest patch ({MAX_PATCH}).")
        return
    top, step = patch_around(geometry.size, geometry.kernel_size, geometry.stride, geometry.pads, geometry.dilation,
                             position, extent)
    link = state.values("image", "kernel", "layer", "present") | {
        "grid": "image patch", "operation": "channels" if colour == "RGB kernel" else "convolution",
        "patch": str(extent), "row": str(top[0]), "col": str(top[1]), "step": str(step)}
    if link["kernel"] == "drawn":      # a drawing stays on this page: send its values
        link |= {"kernel": "custom", "weights": encode_weights(kernel), "normalise": "0", "flip": "0"}
    st.page_link("pages/step_by_step.py", label="Step through this window, multiply by multiply →",
                 icon=":material/footprint:", query_params=link)
