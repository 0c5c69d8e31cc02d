"""Stride, padding, padding mode and dilation, per axis when asked. URL-backed."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from widgets.url_state import SCHEMA, key, value

LAYER_SETTINGS = {
    name: SCHEMA[name]
    for name in ("stride", "stride_w", "padding", "pad", "pad_w", "mode", "dilation", "dilation_w", "per_axis")
}
_PADDING_HELP = (
    "valid: none. same: keep the size (stride 1 only; an odd total puts the extra pixel at the "
    "bottom/right, as PyTorch). full: every position where the kernel touches the input."
)


@dataclass(frozen=True)
class LayerChoice:
    """Settings for :func:`convviz.conv2d`, one value per axis (rows, columns)."""

    stride: tuple[int, int]
    padding: str | tuple[int, int]
    dilation: tuple[int, int]
    padding_mode: str

    def kwargs(self) -> dict:
        """Keyword arguments for ``conv2d`` and ``conv2d_steps``."""
        return {"stride": self.stride, "padding": self.padding, "dilation": self.dilation,
                "padding_mode": self.padding_mode}


def layer_controls(page: str) -> LayerChoice:
    """Draw the layer controls and return the choice (validation is the engine's job)."""
    per_axis = st.toggle("Different values for rows and columns", key=key(page, "per_axis"))
    suffix = (" (rows)", " (columns)") if per_axis else ("", "")

    def pair(name: str, label: str, low: int, high: int, help: str) -> tuple[int, int]:
        cols = st.columns(2) if per_axis else [st.container()]
        cols[0].slider(label + suffix[0], low, high, key=key(page, name), help=help)
        if per_axis:
            cols[1].slider(label + suffix[1], low, high, key=key(page, f"{name}_w"), help=help)
            return value(page, name), value(page, f"{name}_w")
        return value(page, name), value(page, name)

    stride = pair("stride", "Stride", 1, 8, "How far the window jumps between outputs.")
    st.radio("Padding", SCHEMA["padding"].choices, key=key(page, "padding"), horizontal=True,
             format_func=lambda p: "amount…" if p == "amount" else p, help=_PADDING_HELP)
    padding = value(page, "padding")
    if padding == "amount":
        padding = pair("pad", "Padding amount", 0, 16, "Positions added on each side.")
    st.selectbox("Padding mode", SCHEMA["mode"].choices, key=key(page, "mode"),
                 help="zeros: 0 0 | a b c d | 0 0 · reflect: c b | a b c d | c b · "
                      "replicate: a a | a b c d | d d · circular: c d | a b c d | a b")
    dilation = pair("dilation", "Dilation", 1, 8, "Gaps between the kernel's taps: dilation 2 skips every other pixel.")
    return LayerChoice(stride, padding, dilation, value(page, "mode"))
