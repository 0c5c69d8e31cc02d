"""The Causal and dilated section of the Sequences page: causal padding, and a WaveNet-style stack."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from convviz.causal import MAX_LAYERS, WAVENET, causal_padding, dilated_stack
from convviz.figures.causal import stack_figure
from widgets.url_state import Scope, Setting

MAX_DRAWN = 64
CAUSAL_SETTINGS = {
    "c_kernel": Setting(2, low=2, high=4), "c_layers": Setting(len(WAVENET), low=1, high=6),
    "c_length": Setting(24, low=4, high=MAX_DRAWN), "c_output": Setting(23, low=0, high=MAX_DRAWN - 1),
    "c_doubling": Setting(True),
}


def causal_section(scope: Scope, controls: Callable[[], DeltaGenerator]) -> None:
    """The section; its widgets go where `controls()` says (in the page, or a presenter's pop-over)."""
    st.markdown("#### Causal padding: outputs that never read the future")
    st.markdown("For speech, music or a forecast, output *t* may only read inputs up to *t*. Pad "
                "**(K − 1) · dilation** positions on the left and none on the right: at stride 1 the output is as "
                "long as the input, and output *t* reads inputs *t* − (K − 1)·d … *t*.")
    place = controls()
    cells = place.columns(4, vertical_alignment="bottom")
    cells[0].number_input("Kernel size K", 2, 4, **scope.bind("c_kernel"))
    cells[1].number_input("Layers", 1, 6, **scope.bind("c_layers"))
    cells[2].number_input("Sequence length", 4, MAX_DRAWN, **scope.bind("c_length"))
    length = scope.value("c_length")
    scope.clamp("c_output", 0, length - 1)
    cells[3].number_input(f"Output followed (0–{length - 1})", 0, length - 1, **scope.bind("c_output"))
    place.toggle("Dilations double from layer to layer: 1, 2, 4, 8, … (off: every dilation is 1)",
              **scope.bind("c_doubling"))
    k, layers = scope.value("c_kernel"), min(scope.value("c_layers"), MAX_LAYERS)
    dilations = tuple(2 ** i if scope.value("c_doubling") else 1 for i in range(layers))
    try:
        stack = dilated_stack(length, k, dilations, scope.value("c_output"))
    except ValueError as exc:
        st.error(f"This stack can't be drawn: {exc}.")
        return
    pads = ", ".join(f"{causal_padding(k, d)[0][0]}" for d in dilations)
    st.caption(f"Left padding per layer, (K − 1)·d: {pads}. Squares left of 0 are that padding (zeros).")
    st.plotly_chart(stack_figure(stack), key=scope.key("stack"), config={"displayModeBar": False})
    field = stack.fields[-1]
    plain = 1 + (k - 1) * layers
    st.markdown(f"After {layers} layer{'s' if layers > 1 else ''} of {k} weights each, one output sees **{field}** "
                f"inputs" + (f"; with every dilation 1 it would see only {plain}." if field != plain else "."))
    st.caption("WaveNet (van den Oord et al., 2016) stacks causal convolutions with dilations 1, 2, 4, …, 512 and "
               "repeats the block, so a few thousand samples of past audio shape each new one. To see causal "
               "padding multiply and add, choose padding *causal* in Step by step.")
