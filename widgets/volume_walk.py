"""The Volumes page's 3-D walkthrough: a 4×5×5 input, a 2×3×3 kernel, window by window.

A scene of :mod:`convviz.walkthrough.volume`, drawn by the same animation as Step by step
(its stepper, its keys, a click on an output cell), and exported by the same GIF renderer.
Its step is the page's ``window`` setting.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.figures.animation import PAGE_WIDTH, SPEEDS, animation_figure
from convviz.figures.animation_frames import MAX_FRAMES
from convviz.gif import animated_gif
from convviz.walkthrough import Scene, conv3d_scene
from widgets.stepper import pannable, stepper
from widgets.url_state import Scope

TINY = np.random.default_rng(3).integers(0, 10, (4, 5, 5)).astype(float)   # the 4×5×5 walkthrough grid
TINY_KERNEL = np.stack([-np.array([[1.0, 0, -1]] * 3), np.array([[1.0, 0, -1]] * 3)])   # 2×3×3: now minus before
SIZES = {False: (PAGE_WIDTH, None, True), True: (1240, 600, False)}  # in the page, and on a 1280×720 slide


@st.cache_resource(max_entries=1, show_spinner=False)
def tiny_walk() -> Scene:
    """The walkthrough's scene: the same for everyone."""
    return conv3d_scene(TINY, TINY_KERNEL)


@st.cache_resource(max_entries=8, show_spinner=False)
def walk_figure(speed: str, present: bool):
    """The walkthrough's figure, the same for every step: the stepper shows the page's (shared, like the scene)."""
    return animation_figure(tiny_walk(), 0, SPEEDS[speed], MAX_FRAMES, *SIZES[present])


def volume_walk(scope: Scope, present: bool) -> None:
    """The walkthrough with its stepper, its step box and its GIF, on `scope`'s ``window`` and ``speed``."""
    chart, walk = scope.key("window_chart"), tiny_walk()

    def jump() -> None:
        points = st.session_state[chart].selection.points
        if points:
            scope.set("window", int(points[0]["customdata"]) + 1)

    st.markdown("A 4×5×5 input and a 2×3×3 kernel (an edge now minus an edge before): the window reaches through "
                "two depth slices at once, and the output's slices fill in one after another.")
    scope.clamp("window", 1, len(walk.steps))
    st.plotly_chart(walk_figure(scope.value("speed"), present), key=chart, on_select=jump,
                    selection_mode="points", config={"displayModeBar": False})
    pannable(chart)
    bar = st.columns([3.4, 1.1, 1.9], vertical_alignment="bottom")
    with bar[0]:
        stepper(scope, chart, len(walk.steps), step="window")
    bar[1].number_input(f"Output (of {len(walk.steps)})", 1, len(walk.steps), **scope.bind("window"))
    duration = SPEEDS[scope.value("speed")]   # read now: the file is made after the run, outside it
    bar[2].download_button("Animated GIF", lambda: animated_gif(walk, duration), "3d-steps.gif", "image/gif",
                           key=scope.key("gif"), on_click="ignore", icon=":material/download:",
                           help="One frame per output, for slides.")
