"""Playground: an image, a kernel, a layer — and what the convolution does to it."""

import io

import numpy as np
import streamlit as st

from convviz.arguments import padding_per_side
from convviz.export import keras_code, pytorch_code
from convviz.figures.playground import DISPLAYS, colour_map, image_figure, inspect_figure, jpeg_uri
from convviz.images import encode_png
from convviz.layers import Activation, Conv, Pool
from convviz.pipeline import feature_maps, input_channels
from convviz.steps import conv2d_steps
from widgets.image_picker import IMAGE_SETTINGS, image_picker
from widgets.kernel_picker import KERNEL_SETTINGS, kernel_picker
from widgets.layer_controls import LAYER_SETTINGS, layer_controls
from widgets.navigation import require_app
from widgets.url_state import SCHEMA, key, publish, restore, set_value, value

require_app()
PAGE = "playground"
RESULTS_PX = 620   # about how wide the results column is in a 1440-pixel window with the sidebar open
SETTINGS = {**IMAGE_SETTINGS, **KERNEL_SETTINGS, **LAYER_SETTINGS,
            **{n: SCHEMA[n] for n in ("activation", "pool", "pool_size", "pool_stride", "display", "row", "col")}}


@st.cache_resource(max_entries=8, show_spinner="Convolving…")
def run_layer(image_key: str, _x: np.ndarray, kernels: tuple, colour: str, bias: float, layer: tuple, after: tuple):
    """Cached on the image's key and the settings (kernels as bytes), never on big arrays."""
    arrays = [np.frombuffer(data, np.float64).reshape(shape) for data, shape in kernels]
    return feature_maps(_x, arrays, colour, bias, *layer, *after)


@st.cache_data(max_entries=8, show_spinner=False)
def input_uri(image_key: str, colour: str, _rgb: np.ndarray) -> str:
    """The input as a JPEG data URI, encoded once per image and colour mode."""
    return jpeg_uri(_rgb)


def npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


for notice in restore(PAGE, SETTINGS):
    st.warning(notice)
st.title("Playground")
st.caption("Pick an image and a kernel, set the layer, and see the feature map — every number explained.")

controls, results = st.columns([1, 2.2], gap="large")
t_image, t_kernel, t_layer = controls.tabs(["1 · Image", "2 · Kernel", "3 · Layer"])
with t_image:
    picked = image_picker(PAGE)
with t_kernel:
    choice = kernel_picker(PAGE)
with t_layer:
    layer = layer_controls(PAGE)
    st.selectbox("Activation", SCHEMA["activation"].choices, key=key(PAGE, "activation"))
    pool_cols = st.columns([2, 1, 1])
    pool_cols[0].selectbox("Pooling", SCHEMA["pool"].choices, key=key(PAGE, "pool"),
                           format_func={"none": "none", "max": "max", "avg": "average"}.get)
    pool_cols[1].number_input("Size", 1, 8, key=key(PAGE, "pool_size"))
    pool_cols[2].number_input("Stride", 1, 8, key=key(PAGE, "pool_stride"))
publish(PAGE, SETTINGS, skip=("weights",) if value(PAGE, "kernel") != "custom" else ())
if picked is None or choice is None:
    st.stop()

image, image_key = picked
colour = value(PAGE, "colour")
x = input_channels(image.pixels, colour)
kernels = tuple((np.ascontiguousarray(k, dtype=np.float64).tobytes(), k.shape) for k in choice.kernels)
after = (value(PAGE, "activation"), value(PAGE, "pool"), value(PAGE, "pool_size"), value(PAGE, "pool_stride"))
layer_args = (layer.stride, layer.padding, layer.dilation, layer.padding_mode)
try:
    result = run_layer(image_key, x, kernels, colour, choice.bias, layer_args, after)
except (ValueError, TypeError) as exc:
    st.error(f"This layer can't be computed: {exc}")
    st.stop()

results.markdown("**Shapes:** " + " → ".join(f"{s.name} `{'×'.join(map(str, s.shape))}`" for s in result.stages))
with results.expander("Output size, worked out", expanded=False):
    for axis, worked in zip(("height", "width"), result.conv_formulas):
        st.markdown(f"**{axis}:** {worked.text}" + (f"  \n{worked.note}" if worked.note else ""))
    for axis, worked in zip(("pooled height", "pooled width"), result.pool_formulas):
        st.markdown(f"**{axis}:** {worked.text}" + (f"  \n{worked.note}" if worked.note else ""))

groups = x.shape[0] if colour == "each channel" else 1
as_layers = [Conv(groups * len(choice.kernels), choice.kernels[0].shape, layer.stride, layer.padding,
                  layer.dilation, groups, padding_mode=layer.padding_mode)]
as_layers += [Activation(after[0])] if after[0] != "none" else []
as_layers += [Pool(after[2], after[3], mode=after[1])] if after[1] != "none" else []
with results.expander("This layer as PyTorch or Keras code"):
    torch_tab, keras_tab = st.tabs(["PyTorch", "Keras"])
    torch_tab.code(pytorch_code(x.shape, as_layers), language="python")
    keras_tab.code(keras_code(x.shape, as_layers), language="python")
display = results.radio("Show feature maps as", list(DISPLAYS), key=key(PAGE, "display"), horizontal=True,
                   format_func=lambda d: DISPLAYS[d])
out_h, out_w = result.maps[0].shape[-2:]
for name in ("row", "col"):
    limit = out_h - 1 if name == "row" else out_w - 1
    if value(PAGE, name) > limit:
        set_value(PAGE, name, limit)
pads = padding_per_side(layer.padding, choice.kernels[0].shape, layer.stride, layer.dilation)
row, col = value(PAGE, "row"), value(PAGE, "col")
pooled = value(PAGE, "pool") != "none"
top = row * layer.stride[0] - pads[0][0]
left = col * layer.stride[1] - pads[1][0]
box = (top, left, top + layer.dilation[0] * (choice.kernels[0].shape[0] - 1),
       left + layer.dilation[1] * (choice.kernels[0].shape[1] - 1))

panels = results.columns(min(2, 1 + len(result.maps)), gap="medium")  # two wide: large enough to read
panel_px = RESULTS_PX // len(panels)
input_rgb = image.pixels if colour != "luminance" else np.repeat(x[0][..., None], 3, axis=-1)
input_title = f"Input {'×'.join(map(str, x.shape))}"
panels[0].plotly_chart(
    image_figure(input_uri(image_key, colour, input_rgb), x.shape[1:], input_title, box=None if pooled else box,
                 width=panel_px),
    key=key(PAGE, "input_plot"), config={"displaylogo": False},
)
for i, (fmap, name) in enumerate(zip(result.maps, choice.names), start=1):
    panel = panels[i % len(panels)]
    rgb, bar = colour_map(fmap if fmap.shape[0] == 3 else fmap[0], display)
    marker = None if pooled else (row, col, row, col)
    title = f"{name} {'×'.join(map(str, fmap.shape))}"
    panel.plotly_chart(image_figure(jpeg_uri(rgb), fmap.shape[1:], title, bar, marker, width=panel_px),
                       key=key(PAGE, f"map_{name}"), config={"displaylogo": False})
    down = panel.columns(2)
    down[0].download_button("PNG", lambda rgb=rgb: encode_png(rgb), f"{name}.png", "image/png",
                            key=key(PAGE, f"png_{name}"), on_click="ignore", icon=":material/download:")
    down[1].download_button("NumPy", lambda f=fmap: npy_bytes(f), f"{name}.npy", "application/octet-stream",
                            key=key(PAGE, f"npy_{name}"), on_click="ignore", icon=":material/download:",
                            help="The feature map's values as a NumPy .npy file: np.load reads it.")



st.subheader("Inspect one output")
pick = st.columns([1, 1, 3])
pick[0].number_input("Output row", 0, out_h - 1, key=key(PAGE, "row"))
pick[1].number_input("Output column", 0, out_w - 1, key=key(PAGE, "col"))
if pooled:
    pick[2].info("Inspecting shows the convolution itself; turn pooling off to inspect its outputs.")
else:
    weights = np.stack([choice.kernels[0]] * x.shape[0]) if colour == "RGB kernel" else choice.kernels[0]
    source = x if colour == "RGB kernel" else x[:1]
    steps = conv2d_steps(source, weights, choice.bias, region=(row, row + 1, col, col + 1), **layer.kwargs())
    names = ("R", "G", "B") if source.shape[0] == 3 else ("luminance" if colour == "luminance" else "R",)
    st.plotly_chart(inspect_figure(steps, 0, 0, names), key=key(PAGE, "inspect"), config={"displayModeBar": False})
    st.page_link("pages/step_by_step.py", label="Step through this window, multiply by multiply →",
                 icon=":material/footprint:",
                 query_params={**{n: s.dump(value(PAGE, n)) for n, s in {**IMAGE_SETTINGS, **KERNEL_SETTINGS,
                                                                             **LAYER_SETTINGS}.items()},
                               "grid": "image patch", "row": str(max(top, 0)), "col": str(max(left, 0))})
