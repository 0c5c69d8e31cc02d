"""Step by step: every multiply and add of a convolution, animated in the browser."""

import numpy as np
import streamlit as st

from convviz.figures.animation import PAGE_WIDTH, SPEEDS, animation_figure, legible_fit
from convviz.walkthrough.conv import conv_scene_for
from convviz.figures.animation_frames import MAX_FRAMES, frame_anchor, frame_range
from convviz.walkthrough.pool import pool_scene_for
from convviz.walkthrough.scene import Scene
from convviz.walkthrough.transpose import transpose_scene
from convviz.gif import MAX_GIF_STEPS, animated_gif, step_png
from convviz.patches import patch_outputs
from widgets.image_picker import IMAGE_SETTINGS
from widgets.kernel_picker import KERNEL_SETTINGS, kernel_picker
from widgets.layer_controls import LAYER_SETTINGS, layer_controls
from widgets.navigation import require_app
from widgets.presenter import PRESENT_SETTINGS, control_bar, presenting
from widgets.step_input import INPUT_SETTINGS, step_input
from widgets.stepper import stepper
from widgets.url_state import PageState, Setting

require_app()
OPERATIONS = {"convolution": "Convolution", "channels": "R, G, B channels", "max pool": "Max pool",
              "avg pool": "Average pool", "transposed": "Transposed"}
STATE = PageState(
    "step_by_step", image=IMAGE_SETTINGS, kernel=KERNEL_SETTINGS | {"kernel": KERNEL_SETTINGS["kernel"].but(
        default="vertical_edge")}, layer=LAYER_SETTINGS | {"padding": LAYER_SETTINGS["padding"].but(default="valid")},
    input=INPUT_SETTINGS, present=PRESENT_SETTINGS, page={
          "operation": Setting("convolution", choices=tuple(OPERATIONS)), "pool_size": Setting(2, low=1, high=8),
          "output_padding": Setting(0, low=0, high=7), "ceil_mode": Setting(False),
          "count_include_pad": Setting(True), "step": Setting(1, low=1, high=100_000),
          "speed": Setting("normal", choices=tuple(SPEEDS))})
PAGE, PRESENT = STATE.scope("page"), STATE.scope("present")
CHART = PAGE.key("chart")
SIZES = {False: (PAGE_WIDTH, None, True), True: (1240, 560, False)}  # the figure in the page, and on a 1280×720 slide


@st.cache_resource(max_entries=24, show_spinner="Laying out the steps…")
def build(settings: tuple, _x: np.ndarray, fit: tuple[int, int] | None = None) -> Scene:
    """The scene for these settings (read-only, so shared between sessions); settings[1] names `_x`.

    settings[4] is the layer's Geometry on `_x`, or for a transposed convolution (which has none) the
    controls' LayerChoice. With `fit`, large inputs and outputs show a neighbourhood of the window."""
    operation, _, kernel, bias, layer, extra, region, image = settings
    if operation in ("convolution", "channels"):
        return conv_scene_for(_x, np.stack([kernel] * len(_x)), layer, bias, image, region, fit)
    if operation == "transposed":
        padding = layer.resolved(_x.shape[1:], kernel.shape)
        return transpose_scene(_x[0], kernel, layer.stride, (0, 0) if padding == "valid" else padding, extra[0],
                               layer.dilation, image=image, fit=fit)
    return pool_scene_for(_x[0], layer, operation.split()[0], extra[3], image, fit)


@st.cache_resource(max_entries=24, show_spinner=False)
def animated(settings: tuple, _scene: Scene, first: int, duration: int, size: tuple):
    """The figure of `_scene`, named by the `settings` it was built from, opening on step `first` (the page's
    step's `frame_anchor`; the stepper moves it to the page's step). Shared, like the scene, and the same for
    every step of a stretch, so a step costs no new figure and the browser is not sent it again."""
    return animation_figure(_scene, first, duration, MAX_FRAMES, *size)


def pool_stride() -> None:
    """Pooling's stride starts at its window size, as PyTorch's ``MaxPool2d(k)`` does."""
    if PAGE.value("operation") in ("max pool", "avg pool"):
        STATE.scope("layer").setter(stride=PAGE.value("pool_size"), stride_2=PAGE.value("pool_size"))()


def jump() -> None:
    """A click on a cell of the figure: go to the step that cell belongs to."""
    points = st.session_state[CHART].selection.points
    if points:
        PAGE.set("step", int(points[0]["customdata"]) + 1)


for notice in STATE.restore():
    st.warning(notice)
present = presenting(PRESENT)
if not present:
    st.title("Step by step")
    st.caption("The window slides, each kernel value meets the number under it, the products add up and one output "
               "cell fills in. Press ▶ Play (or Space), drag the slider, or click an output cell.")
what = f"Animate: {OPERATIONS[PAGE.value('operation')]}"
*t_what, t_input, t_kernel, t_layer = control_bar(PRESENT, [what] * present + ["1 · Input", "2 · Kernel", "3 · Layer"],
                                                  st.sidebar)
operation = (t_what[0] if present else st).segmented_control(
    "Animate", tuple(OPERATIONS), format_func=OPERATIONS.get, required=True, **PAGE.bind("operation", then=pool_stride))
channels, convolving = (3 if operation == "channels" else 1), operation in ("convolution", "channels")
pooling = operation in ("max pool", "avg pool")
with t_input:
    shown = step_input(STATE.scope("input"), STATE.scope("image"), channels, whole=convolving)
with t_kernel:
    if pooling:
        st.number_input("Window size", 1, 8, **PAGE.bind("pool_size", then=pool_stride),
                        help="Sets the stride to the window size too, PyTorch's default; change it under Layer.")
        st.toggle("ceil_mode (keep a last, partial window)", **PAGE.bind("ceil_mode"))
        st.toggle("count_include_pad (padding counts in the mean)", disabled=operation == "max pool",
                  **PAGE.bind("count_include_pad"))
        choice = None
    else:
        choice = kernel_picker(STATE.scope("kernel"), bank=False)
kernel = np.ones((1, 1)) if choice is None else choice.kernels[0]
with t_layer:
    layer = layer_controls(STATE.scope("layer"), kernel.shape if convolving else None)
    if operation == "transposed":
        st.number_input("output_padding", 0, 7, **PAGE.bind("output_padding"),
                        help="Extra rows and columns at the bottom and right; must be smaller than stride or dilation.")
    elif operation == "channels":
        st.caption("Each channel gets the same kernel slice, as the Playground's RGB kernel does.")
STATE.publish()
if shown is None or not pooling and choice is None:
    st.stop()

extra = tuple(PAGE.value(n) for n in ("output_padding", "pool_size", "ceil_mode", "count_include_pad"))
try:
    size, region = shown.x.shape[1:], None
    geometry = (layer.pool_geometry(size, (extra[1],) * 2, extra[2], operation.split()[0]) if pooling
                else layer if operation == "transposed" else layer.geometry(size, kernel.shape))   # resolved once
    if shown.top is not None:
        region = patch_outputs(geometry.size, geometry.kernel_size, geometry.stride, geometry.pads, geometry.dilation,
                               shown.top, shown.patch)
        if not all(region):
            raise ValueError(f"the window spans more than the {shown.patch}-pixel patch; make the patch larger")
    settings = (operation, shown.source, kernel, 0.0 if choice is None else choice.bias, geometry, extra, region,
                shown.image)
    scene = build(settings, shown.x)
    fit = legible_fit(scene, *SIZES[present])
    if fit is not None:
        scene = build(settings, shown.x, fit)
except (ValueError, TypeError) as exc:
    st.info(f"This setting can't be animated: {exc}")
    st.stop()

steps = len(scene.steps)
current = PAGE.clamp("step", 1, steps) - 1
duration = SPEEDS[PAGE.value("speed")]
figure = animated(settings, scene, frame_anchor(steps, current), duration, SIZES[present])
st.plotly_chart(figure, key=CHART, on_select=jump, selection_mode="points",
                config={"displayModeBar": False})
bar = st.columns([3.4, 1.3, 1.9], vertical_alignment="bottom")
with bar[0]:
    stepper(PAGE, CHART, steps)
bar[1].number_input(f"Step (of {steps})", 1, steps, **PAGE.bind("step"))
bar[2].segmented_control("Speed when playing", tuple(SPEEDS), required=True, **PAGE.bind("speed"))
for note in scene.notes:  # under the controls, so that on a slide the controls stay on screen
    st.caption(note)
saves = st.columns([1, 1, 2.5])
shown = frame_range(steps, current, MAX_GIF_STEPS)
name = f"{operation.replace(' ', '-')}-step"
part = "" if len(shown) == steps else f" (steps {shown.start + 1}–{shown.stop})"
saves[0].download_button("Animated GIF", lambda: animated_gif(scene, duration, steps=shown), f"{name}s.gif",
                       "image/gif", key=PAGE.key("gif"), on_click="ignore", icon=":material/download:",
                       help=f"One frame per step{part}, at least 1280 pixels wide, for slides.")
saves[1].download_button("This step (PNG)", lambda: step_png(scene, current), f"{name}-{current + 1}.png",
                       "image/png", key=PAGE.key("png"), on_click="ignore", icon=":material/download:")
