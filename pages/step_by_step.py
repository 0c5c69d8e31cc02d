"""Step by step: every multiply and add of a convolution, animated in the browser."""

import numpy as np
import streamlit as st

from convviz import padding_per_side
from convviz.figures.animation import SPEEDS, animation_figure
from convviz.figures.animation_frames import MAX_FRAMES, frame_range
from convviz.figures.animation_conv import conv_scene
from convviz.figures.animation_pool import pool_scene
from convviz.figures.animation_scene import Scene
from convviz.figures.animation_transpose import transpose_scene
from convviz.gif import MAX_GIF_STEPS, animated_gif, step_png
from convviz.images import to_grayscale
from widgets.image_picker import IMAGE_SETTINGS, image_picker
from widgets.kernel_picker import KERNEL_SETTINGS, kernel_picker
from widgets.layer_controls import LAYER_SETTINGS, layer_controls
from widgets.navigation import require_app
from widgets.stepper import stepper
from widgets.url_state import SCHEMA, key, publish, restore, set_value, value

require_app()
PAGE, CHART = "step_by_step", key("step_by_step", "chart")
SETTINGS = {**IMAGE_SETTINGS, **KERNEL_SETTINGS, **LAYER_SETTINGS,
            "kernel": SCHEMA["kernel"].but(default="vertical_edge"), "padding": SCHEMA["padding"].but(default="valid"),
            **{n: SCHEMA[n] for n in ("grid", "grid_size", "grid_seed", "patch", "row", "col", "operation", "pool_size",
                                      "output_padding", "ceil_mode", "count_include_pad", "step", "speed")}}
OPERATIONS = {"convolution": "Convolution", "channels": "R, G, B channels", "max pool": "Max pool",
              "avg pool": "Average pool", "transposed": "Transposed"}


def textbook(channels: int) -> np.ndarray:
    """1…25, and for colour its mirror image and its transpose as G and B."""
    g = np.arange(1.0, 26.0).reshape(5, 5)
    return np.stack([g, g[:, ::-1], g.T][:channels])


@st.cache_resource(max_entries=24, show_spinner="Laying out the steps…")
def build(operation: str, x: np.ndarray, kernel: np.ndarray, bias: float, layer: tuple, extra: tuple,
          image: bool) -> Scene:
    """The scene for these settings (read-only, so shared between sessions)."""
    stride, padding, dilation, mode = layer
    if operation in ("convolution", "channels"):
        weight = np.stack([kernel] * len(x))
        return conv_scene(x, weight, bias, stride, padding, dilation, mode, image=image)
    if operation == "transposed":
        return transpose_scene(x[0], kernel, stride, (0, 0) if padding == "valid" else padding, extra[0], dilation,
                               image=image)
    size, ceil_mode, count_include_pad = extra[1:]
    if isinstance(padding, str):
        padding = tuple(before for before, _ in padding_per_side(padding, (size, size), stride, dilation))
    return pool_scene(x[0], size, stride, padding, dilation, ceil_mode, operation.split()[0], count_include_pad,
                      image=image)


def jump() -> None:
    """A click on a cell of the figure: go to the step that cell belongs to."""
    points = st.session_state[CHART].selection.points
    if points:
        set_value(PAGE, "step", int(points[0]["customdata"]) + 1)


for notice in restore(PAGE, SETTINGS):
    st.warning(notice)
st.title("Step by step")
st.caption("The window slides, each kernel value meets the number under it, the products add up and one output "
           "cell fills in. Press ▶ Play, drag the slider, or click an output cell. Close the sidebar to project.")
operation = st.segmented_control("Animate", list(OPERATIONS), key=key(PAGE, "operation"), format_func=OPERATIONS.get,
                                 required=True)
channels = 3 if operation == "channels" else 1
picked, image = None, False
with st.sidebar:
    t_input, t_kernel, t_layer = st.tabs(["1 · Input", "2 · Kernel", "3 · Layer"])
with t_input:
    source = st.radio("Numbers", SCHEMA["grid"].choices, key=key(PAGE, "grid"), horizontal=True,
                      format_func=lambda g: {"textbook": "1…25 (textbook)"}.get(g, g))
    if source == "textbook":
        x = textbook(channels)
    elif source == "random":
        st.slider("Size", 3, 16, key=key(PAGE, "grid_size"))
        if st.button("New numbers", key=key(PAGE, "reseed")):
            set_value(PAGE, "grid_seed", int(np.random.default_rng().integers(10**6)))
        n = value(PAGE, "grid_size")
        x = np.random.default_rng(value(PAGE, "grid_seed")).integers(0, 10, (channels, n, n)).astype(float)
    else:
        picked = image_picker(PAGE)
        st.slider("Patch size (pixels per side)", 6, 32, key=key(PAGE, "patch"))
        if picked is not None:
            pixels, size = picked[0].pixels, value(PAGE, "patch")
            spots = st.columns(2)
            for name, axis, cell in (("row", 0, spots[0]), ("col", 1, spots[1])):
                last = max(pixels.shape[axis] - size, 0)
                set_value(PAGE, name, min(value(PAGE, name), last))
                cell.number_input("Top row" if axis == 0 else "Left column", 0, last, key=key(PAGE, name))
            r, c = value(PAGE, "row"), value(PAGE, "col")
            patch = np.rint(pixels[r:r + size, c:c + size])
            x = np.moveaxis(patch, -1, 0) if channels == 3 else np.rint(to_grayscale(patch))[None]
            image = True
            st.caption("One channel: the patch's luminance, rounded. R, G, B channels: its three colours.")
with t_kernel:
    if operation in ("max pool", "avg pool"):
        st.number_input("Window size", 1, 8, key=key(PAGE, "pool_size"))
        st.toggle("ceil_mode (keep a last, partial window)", key=key(PAGE, "ceil_mode"))
        st.toggle("count_include_pad (padding counts in the mean)", key=key(PAGE, "count_include_pad"),
                  disabled=operation == "max pool")
        choice = None
    else:
        choice = kernel_picker(PAGE, bank=False)
with t_layer:
    layer = layer_controls(PAGE)
    if operation == "transposed":
        st.number_input("output_padding", 0, 7, key=key(PAGE, "output_padding"),
                        help="Extra rows and columns at the bottom and right; must be smaller than stride or dilation.")
    elif operation == "channels":
        st.caption("Each channel gets the same kernel slice, as the Playground's RGB kernel does.")
publish(PAGE, SETTINGS, skip=("weights",) if value(PAGE, "kernel") != "custom" else ())
if source == "image patch" and picked is None or operation not in ("max pool", "avg pool") and choice is None:
    st.stop()

kernel = np.ones((1, 1)) if choice is None else choice.kernels[0]
extra = (value(PAGE, "output_padding"), value(PAGE, "pool_size"), value(PAGE, "ceil_mode"),
         value(PAGE, "count_include_pad"))
try:
    scene = build(operation, x, kernel, 0.0 if choice is None else choice.bias,
                  (layer.stride, layer.padding, layer.dilation, layer.padding_mode), extra, image)
except (ValueError, TypeError) as exc:
    st.error(f"This setting can't be animated: {exc}")
    st.stop()

steps = len(scene.steps)
set_value(PAGE, "step", min(value(PAGE, "step"), steps))
duration = SPEEDS[value(PAGE, "speed")]
figure = animation_figure(scene, value(PAGE, "step") - 1, duration, MAX_FRAMES)
st.plotly_chart(figure, key=CHART, on_select=jump, selection_mode="points", theme=None,
                config={"displayModeBar": False})
for note in scene.notes:
    st.caption(note)
bar = st.columns([2, 1.3, 2.2, 1.6, 1.6], vertical_alignment="bottom")
with bar[0]:
    stepper(key(PAGE, "stepper"), CHART, value(PAGE, "step"), steps, lambda k: set_value(PAGE, "step", k))
bar[1].number_input(f"Step (of {steps})", 1, steps, key=key(PAGE, "step"))
bar[2].segmented_control("Speed when playing", SCHEMA["speed"].choices, key=key(PAGE, "speed"), required=True)
current = value(PAGE, "step") - 1
shown = frame_range(steps, current, MAX_GIF_STEPS)
name = f"{operation.replace(' ', '-')}-step"
part = "" if len(shown) == steps else f" (steps {shown.start + 1}–{shown.stop})"
bar[3].download_button("Animated GIF", lambda: animated_gif(scene, duration, steps=shown), f"{name}s.gif",
                       "image/gif", key=key(PAGE, "gif"), on_click="ignore", icon=":material/download:",
                       help=f"One frame per step{part}, at least 1280 pixels wide, for slides.")
bar[4].download_button("This step (PNG)", lambda: step_png(scene, current), f"{name}-{current + 1}.png",
                       "image/png", key=key(PAGE, "png"), on_click="ignore", icon=":material/download:")
