"""Stride, padding (causal too), padding mode and dilation of a 1-D convolution. URL-backed.

Two sections of the Sequences page draw these controls, each under its own names: the
settings come from :func:`layer_settings` with a prefix, so no two widgets share a key.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from convviz.arguments import PADDING_MODES
from convviz.causal import causal_padding
from widgets.url_state import Scope, Setting

PADDINGS = {"same": "same", "causal": "causal", "valid": "valid", "full": "full", "amount": "amount…"}
_HELP = ("same: keep the length (stride 1). causal: (K − 1)·dilation on the left only, so no output reads the "
         "future. valid: none. full: every position where the kernel touches the input. amount: that many on "
         "each side.")


def layer_settings(prefix: str, max_step: int, max_pad: int, padding: str = "same") -> dict[str, Setting]:
    """The settings of one set of controls, named ``<prefix>stride``, ``<prefix>padding``, …."""
    step = Setting(1, low=1, high=max_step)
    return {f"{prefix}stride": step, f"{prefix}padding": Setting(padding, choices=tuple(PADDINGS)),
            f"{prefix}pad": Setting(1, low=0, high=max_pad), f"{prefix}mode": Setting("zeros", choices=PADDING_MODES),
            f"{prefix}dilation": step}


@dataclass(frozen=True)
class Layer1d:
    """What the controls chose; :meth:`kwargs` is what ``conv1d`` takes for a kernel of `taps`."""

    stride: int
    padding: str | int
    dilation: int
    padding_mode: str

    def kwargs(self, taps: int) -> dict:
        padding = causal_padding(taps, self.dilation) if self.padding == "causal" else self.padding
        return {"stride": self.stride, "padding": padding, "dilation": self.dilation,
                "padding_mode": self.padding_mode}


def layer_controls(scope: Scope, prefix: str, max_step: int, max_pad: int) -> Layer1d:
    """Draw the controls in one row; return the choice (the engine checks it)."""
    cells = st.columns([1, 1.6, 1, 1.1, 1], vertical_alignment="bottom")
    cells[0].number_input("Stride", 1, max_step, help="How far the window jumps between outputs.",
                          **scope.bind(f"{prefix}stride"))
    cells[1].selectbox("Padding", tuple(PADDINGS), format_func=PADDINGS.get, help=_HELP,
                       **scope.bind(f"{prefix}padding"))
    padding = scope.value(f"{prefix}padding")
    cells[2].number_input("Amount", 0, max_pad, disabled=padding != "amount", help="Positions added on each side.",
                          **scope.bind(f"{prefix}pad"))
    cells[3].selectbox("Padding mode", PADDING_MODES, help="zeros: 0 0 | a b c d | 0 0 · reflect: c b | a b c d | "
                       "c b · replicate: a a | a b c d | d d · circular: c d | a b c d | a b",
                       **scope.bind(f"{prefix}mode"))
    cells[4].number_input("Dilation", 1, max_step, help="Gaps between the kernel's taps.",
                          **scope.bind(f"{prefix}dilation"))
    return Layer1d(scope.value(f"{prefix}stride"), scope.value(f"{prefix}pad") if padding == "amount" else padding,
                   scope.value(f"{prefix}dilation"), scope.value(f"{prefix}mode"))
