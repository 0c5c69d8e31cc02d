"""Playground: an image, a kernel, a layer — and what the convolution does to it."""

import io

import numpy as np
import streamlit as st

from convviz.activations import ACTIVATIONS
from convviz.stack.export import keras_code, pytorch_code
from convviz.figures.playground import DISPLAYS
from convviz.images import encode_png
from convviz.stack.layers import Activation, Conv, Pool
from convviz.pipeline import POOLS
from widgets.image_picker import IMAGE_SETTINGS, image_picker
from widgets.inspector import inspect_output
from widgets.kernel_picker import KERNEL_SETTINGS, kernel_picker
from widgets.layer_cache import channels, layer_key, run_layer
from widgets.layer_controls import LAYER_SETTINGS, layer_controls
from widgets.navigation import require_app
from widgets.panels import coloured, input_figure, map_figure
from widgets.presenter import PRESENT_SETTINGS, control_bar, presenting
from widgets.process import heavy
from widgets.url_state import PageState, Setting

require_app()
RESULTS_PX = 620   # about how wide the results column is in a 1440-pixel window with the sidebar open
SLIDE_PX = 1240, 440  # presenter mode at 1280×720: the page's width, and the image height that fits below the bar
_POOL_SIZE = Setting(2, low=1, high=8)
STATE = PageState("playground", image=IMAGE_SETTINGS, kernel=KERNEL_SETTINGS, layer=LAYER_SETTINGS,
                  present=PRESENT_SETTINGS, page={
    "activation": Setting("none", choices=tuple(ACTIVATIONS)), "pool": Setting("none", choices=POOLS),
    "pool_size": _POOL_SIZE, "pool_stride": _POOL_SIZE, "display": Setting("raw", choices=tuple(DISPLAYS)),
    "row": Setting(0, low=0, high=4096), "col": Setting(0, low=0, high=4096)})
PAGE, PRESENT = STATE.scope("page"), STATE.scope("present")


def npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


for notice in STATE.restore():
    st.warning(notice)
present = presenting(PRESENT)
if not present:
    st.title("Playground")
    st.caption("Pick an image and a kernel, set the layer, and see the feature map — every number explained.")
controls, results = (None, None) if present else st.columns([1, 2.2], gap="large")
t_image, t_kernel, t_layer, *t_show = control_bar(PRESENT, ["1 · Image", "2 · Kernel", "3 · Layer"]
                                                  + ["4 · Show"] * present, controls)
results = results or st.container()
head, *order = results.container(), results.container(), results.container()
figures, details = order if present else order[::-1]    # a slide shows the figures first
with t_image:
    picked = image_picker(STATE.scope("image"))
with t_kernel:
    choice = kernel_picker(STATE.scope("kernel"))
with t_layer:
    layer = layer_controls(STATE.scope("layer"), None if choice is None else choice.kernels[0].shape)
    st.selectbox("Activation", tuple(ACTIVATIONS), **PAGE.bind("activation"))
    pool_cols = st.columns([2, 1, 1])
    pool_cols[0].selectbox("Pooling", POOLS, format_func=lambda p: {"avg": "average"}.get(p, p),
                           **PAGE.bind("pool"))
    pool_cols[1].number_input("Size", 1, 8, **PAGE.bind("pool_size"))
    pool_cols[2].number_input("Stride", 1, 8, **PAGE.bind("pool_stride"))
STATE.publish()
if picked is None or choice is None:
    st.stop()

image, image_key = picked
colour = STATE.scope("image").value("colour")
# A large image waits for its turn before its arrays exist: five students dropping 12-megapixel photos
# at once would otherwise each hold theirs while the others are convolved.
with heavy(image.values.shape[0] * image.values.shape[1]):
    x = channels(image_key, image, colour)
    kshape = choice.kernels[0].shape
    kernels = tuple((np.ascontiguousarray(k, dtype=np.float64).tobytes(), k.shape) for k in choice.kernels)
    after = tuple(PAGE.value(n) for n in ("activation", "pool", "pool_size", "pool_stride"))
    try:
        geometry = layer.geometry(x.shape[1:], kshape)     # resolved once: everything below reads it
        settings = (kernels, colour, choice.bias, geometry, after)
        result_key = layer_key(image_key, *settings)
        result = run_layer(result_key, x, *settings)
    except (ValueError, TypeError) as exc:
        head.info(f"This layer can't be computed: {exc}")
        st.stop()

    head.markdown("**Shapes:** " + " → ".join(f"{s.name} `{'×'.join(map(str, s.shape))}`" for s in result.stages))
    with details.expander("Output size, worked out", expanded=False):
        for axis, worked in zip(("height", "width", "pooled height", "pooled width"),
                                (*geometry.worked, *result.pool_formulas)):
            st.markdown(f"**{axis}:** {worked.text}" + (f"  \n{worked.note}" if worked.note else ""))

    code_box = details.expander("This layer as PyTorch or Keras code", key=PAGE.key("code_open"), on_change="rerun")
    if code_box.open:   # written only when opened: highlighting code costs the browser 0.4 s a page load
        groups = x.shape[0] if colour == "each channel" else 1
        spelled = geometry.pads if layer.padding == "keras_same" else layer.padding   # code keeps "same", "full", …
        as_layers = [Conv(groups * len(choice.kernels), kshape, geometry.stride, spelled, geometry.dilation, groups,
                          padding_mode=geometry.padding_mode)]
        as_layers += [Activation(after[0])] if after[0] != "none" else []
        as_layers += [Pool(after[2], after[3], mode=after[1])] if after[1] != "none" else []
        torch_tab, keras_tab = code_box.tabs(["PyTorch", "Keras"])
        torch_tab.code(pytorch_code(x.shape, as_layers), language="python")
        keras_tab.code(keras_code(x.shape, as_layers), language="python")
    display = (t_show[0] if present else details).radio(
        "Show feature maps as", tuple(DISPLAYS), horizontal=True, format_func=DISPLAYS.get, **PAGE.bind("display"))
    out_h, out_w = geometry.out
    row, col = PAGE.clamp("row", 0, out_h - 1), PAGE.clamp("col", 0, out_w - 1)
    pooled = after[1] != "none"
    marker = None if pooled else (row, col, row, col)

    panels = figures.columns(min(2, 1 + len(result.maps)), gap="medium")  # two wide: large enough to read
    panel_px = RESULTS_PX // len(panels)
    if present:
        panel_px = min(SLIDE_PX[0] // len(panels), int(SLIDE_PX[1] * x.shape[2] / x.shape[1]) + 64)
    pixels = x[0] if colour == "luminance" else np.moveaxis(x, 0, -1)
    panels[0].plotly_chart(input_figure(image_key, colour, pixels, f"Input {'×'.join(map(str, x.shape))}", panel_px),
                           key=PAGE.key("input_plot"), config={"displaylogo": False})
    for i, (fmap, name) in enumerate(zip(result.maps, choice.names), start=1):
        panel = panels[i % len(panels)]
        title = f"{name} {'×'.join(map(str, fmap.shape))}"
        panel.plotly_chart(map_figure((result_key, i), fmap, display, title, marker, panel_px),
                           key=PAGE.key(f"map_{i}"), config={"displaylogo": False})
        down = panel.columns(2)
        down[0].download_button("PNG", lambda f=fmap, d=display: encode_png(coloured(f, d)[0]), f"{name}.png",
                                "image/png", key=PAGE.key(f"png_{i}"), on_click="ignore", icon=":material/download:")
        down[1].download_button("NumPy", lambda f=fmap: npy_bytes(f), f"{name}.npy", "application/octet-stream",
                                key=PAGE.key(f"npy_{i}"), on_click="ignore", icon=":material/download:",
                                help="The feature map's values as a NumPy .npy file: np.load reads it.")

    st.subheader("Inspect one output")
    pick = st.columns([1, 1, 3])
    pick[0].number_input("Output row", 0, out_h - 1, **PAGE.bind("row"))
    pick[1].number_input("Output column", 0, out_w - 1, **PAGE.bind("col"))
    if pooled:
        pick[2].info("Inspecting shows the convolution itself; turn pooling off to inspect its outputs.")
    else:
        inspect_output(STATE, x, choice.kernels[0], choice.bias, colour, geometry, (row, col), image_key, result_key)
