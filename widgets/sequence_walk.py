"""The step-by-step section of the Sequences page: every multiply and add of a 1-D convolution.

The same controls as the 2-D Step by step page: Back, Play/Pause and Next
(:mod:`widgets.stepper`), the step number and the speed, all in the page's link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from convviz.figures.animation import PAGE_WIDTH, SPEEDS
from convviz.figures.animation_frames import frame_anchor, frame_range
from convviz.figures.walk1d import walk_figure
from convviz.gif import MAX_GIF_STEPS, animated_gif
from convviz.geometry import conv_geometry
from convviz.ngrams import FILTERS
from convviz.signals import parse_numbers
from convviz.steps_nd import ConvStepsND, conv_steps
from convviz.walkthrough import conv1d_scene
from convviz.walkthrough.strip import StripScene
from widgets.sequence_layer import Layer1d, layer_controls, layer_settings
from widgets.sequence_signal import synthetic
from widgets.sequence_text import filter_name, sentence
from widgets.stepper import stepper
from widgets.url_state import Scope, Setting

INPUTS = {"numbers": "Numbers you type", "sentence": "The sentence (Text)", "signal": "The synthetic signal"}
MAX_NUMBERS, MAX_KERNEL, SIGNAL_OUTPUTS = 40, 9, 12
SIZES = {False: (PAGE_WIDTH, None), True: (1240, 520)}   # in the page, and on a 1280×720 slide


def _numbers(most: int) -> Callable[[str], None]:
    """A URL check: the text must be at most `most` numbers (the engine's rule, so the link and the page agree)."""
    def check(text: str) -> None:
        parse_numbers(text, "list", most)
    return check


WALK_SETTINGS = {
    "w_input": Setting("numbers", choices=tuple(INPUTS)),
    "w_numbers": Setting("1 3 2 5 4 6 2 0 1 3", check=_numbers(MAX_NUMBERS)),
    "w_kernel": Setting("1 0 -1", check=_numbers(MAX_KERNEL)),
    "w_filter": Setting("not_very_positive", choices=tuple(FILTERS)),
    "w_at": Setting(1.05, low=0.0, high=3.0),
    "step": Setting(1, low=1, high=10_000), "speed": Setting("normal", choices=tuple(SPEEDS)),
    **layer_settings("w_", max_step=8, max_pad=8, padding="valid"),
}


@dataclass(frozen=True)
class Walk:
    """What to walk through: `x` ``(C, L)``, one output channel's `weight` ``(C, K)`` and bias, names to show.

    `source` names `x` for the figure cache; for the recording, `centre` is the input sample
    the walk starts near and `rate` its sample rate.
    """

    x: np.ndarray
    weight: np.ndarray
    bias: float
    source: tuple
    names: tuple[str, ...] | None = None
    words: tuple[str, ...] | None = None
    centre: float | None = None
    rate: int = 0


@st.cache_resource(max_entries=16, show_spinner=False)
def _scene(settings: tuple, _steps: ConvStepsND, _walk: Walk, first: int) -> StripScene:
    """What every step shows, for the figure and the GIF alike; shared by every session with the same
    `settings` (which name `_steps`, `_walk` and `first`)."""
    return conv1d_scene(_steps, _walk.x, _walk.names, _walk.words, first)


@st.cache_resource(max_entries=16, show_spinner=False)
def _figure(settings: tuple, _scene: StripScene, opening: int, duration: int, size: tuple):
    """The walkthrough figure of the scene `settings` name, opening on step `opening` (the first with a
    frame): the stepper moves it to the page's step, so a new step needs no new figure."""
    return walk_figure(_scene, opening, duration, *size)


def _what(scope: Scope, text_scope: Scope) -> Walk:
    """Draw the input's controls and return what to walk through; a ValueError saying why there is nothing."""
    choice = scope.value("w_input")
    if choice == "sentence":
        st.selectbox("Filter", tuple(FILTERS), format_func=filter_name, **scope.bind("w_filter"))
        s = sentence(text_scope)
        f = FILTERS[scope.value("w_filter")]
        return Walk(s.vectors, f.weights, f.bias, ("sentence", s.words, f.title), s.dimensions, s.words)
    left, right = st.columns(2)
    if choice == "numbers":
        left.text_input(f"Numbers (up to {MAX_NUMBERS})", **scope.bind("w_numbers"))
    else:
        left.number_input("From (seconds)", 0.0, 3.0, step=0.05, format="%.2f", **scope.bind("w_at"))
    right.text_input(f"Kernel (up to {MAX_KERNEL} numbers)", **scope.bind("w_kernel"))
    try:
        w = parse_numbers(scope.value("w_kernel"), "kernel", MAX_KERNEL)[None]
        if choice == "numbers":
            x = parse_numbers(scope.value("w_numbers"), "list of numbers", MAX_NUMBERS)[None]
            return Walk(x, w, 0.0, ("numbers", x.tobytes(), w.tobytes()))
    except ValueError as exc:
        raise ValueError(f"Nothing to walk through: {exc}.") from None
    r = synthetic()
    return Walk(r.samples, w, 0.0, ("signal", w.tobytes()), centre=scope.value("w_at") * r.sample_rate,
                rate=r.sample_rate)


def _steps(walk: Walk, layer: Layer1d) -> tuple[ConvStepsND, tuple[int, int] | None]:
    """The step data, resolving the layer once; for the recording, :data:`SIGNAL_OUTPUTS` outputs near its centre."""
    geometry = conv_geometry(walk.x.shape[1:], walk.weight.shape[1:], **layer.kwargs(walk.weight.shape[1]))
    region = None
    if walk.centre is not None:
        first = int(np.clip(walk.centre // layer.stride, 0, max(geometry.out[0] - SIGNAL_OUTPUTS, 0)))
        region = (first, min(first + SIGNAL_OUTPUTS, geometry.out[0]))
    return conv_steps(walk.x, walk.weight, walk.bias, geometry, region), region


def walk_section(scope: Scope, text_scope: Scope, controls: Callable[[], DeltaGenerator], present: bool) -> None:
    """The section; its widgets go where `controls()` says (in the page, or a presenter's pop-over)."""
    try:
        with controls():
            st.radio("Walk through", tuple(INPUTS), format_func=INPUTS.get, horizontal=True, **scope.bind("w_input"))
            walk = _what(scope, text_scope)
            layer = layer_controls(scope, "w_", max_step=8, max_pad=8)
    except ValueError as exc:      # a whole sentence: what is missing, and why
        st.error(str(exc))
        return
    try:
        steps, region = _steps(walk, layer)
    except ValueError as exc:
        st.info(f"This setting can't be walked through: {exc}")
        return
    n = steps.sums.size
    current = scope.clamp("step", 1, n) - 1
    duration = SPEEDS[scope.value("speed")]
    first = 0 if region is None else region[0]
    chart = scope.key("chart")
    settings = (walk.source, layer, walk.bias, first)
    scene = _scene(settings, steps, walk, first)
    figure = _figure(settings, scene, frame_anchor(n, current), duration, SIZES[present])
    st.plotly_chart(figure, key=chart, config={"displayModeBar": False})
    if walk.words is not None:
        st.caption("The output here is before the ReLU; the Text section shows max(output, 0).")
    if region is not None:
        st.caption(f"Outputs {region[0]}–{region[1] - 1} of {steps.geometry.out[0]:,} (from "
                   f"{region[0] * layer.stride / walk.rate:.3f} s): the window reads the recording's real neighbours.")
    bar = st.columns([3.4, 1.1, 1.9], vertical_alignment="bottom")

    with bar[0]:
        stepper(scope, chart, n)
    bar[1].number_input(f"Step (of {n})", 1, n, **scope.bind("step"))
    bar[2].segmented_control("Speed when playing", tuple(SPEEDS), required=True, **scope.bind("speed"))
    shown = frame_range(n, current, MAX_GIF_STEPS)
    part = "" if len(shown) == n else f" (steps {shown.start + 1}–{shown.stop})"
    st.download_button("Animated GIF", lambda: animated_gif(scene, duration, steps=shown), "1d-steps.gif", "image/gif",
                       key=scope.key("gif"), on_click="ignore", icon=":material/download:",
                       help=f"One frame per step{part}, for slides.")
