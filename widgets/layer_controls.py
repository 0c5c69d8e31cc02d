"""Stride, padding, padding mode and dilation, per axis when asked. URL-backed."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from convviz.arguments import PADDING_MODES, padding_per_side
from convviz.solvers import same_padding
from widgets.url_state import Scope, Setting

MAX_STEP = 8
MAX_PAD = 16
PADDINGS = {"amount": "amount…", "valid": "valid", "same": "same (PyTorch)", "keras_same": "same (Keras)",
            "full": "full"}
_AXIS = Setting(1, low=1, high=MAX_STEP)
_PAD = Setting(1, low=0, high=MAX_PAD)
LAYER_SETTINGS = {
    "stride": _AXIS, "stride_w": _AXIS,
    "padding": Setting("amount", choices=tuple(PADDINGS)), "pad": _PAD, "pad_w": _PAD,
    "mode": Setting("zeros", choices=PADDING_MODES),
    "dilation": _AXIS, "dilation_w": _AXIS,
    "per_axis": Setting(False),
}
_PADDING_HELP = (
    "amount: that many positions on each side. valid: none. same (PyTorch): keep the size, at stride 1 only; an "
    "odd total puts the extra pixel at the bottom/right. same (Keras): ⌈size / stride⌉ outputs at any stride, the "
    "extra pixel at the bottom/right. full: every position where the kernel touches the input."
)


@dataclass(frozen=True)
class LayerChoice:
    """Settings for :func:`convviz.conv2d`, one value per axis (rows, columns).

    `padding` is what the user chose: an amount per axis, or a word (``"keras_same"`` for
    Keras's convention, which depends on the input size: see :meth:`resolved`).
    """

    stride: tuple[int, int]
    padding: str | tuple[int, int]
    dilation: tuple[int, int]
    padding_mode: str

    def resolved(self, size: tuple[int, int], kernel: tuple[int, int]) -> tuple:
        """The padding as the engine takes it: Keras's "same" becomes (before, after) per axis."""
        if self.padding != "keras_same":
            return self.padding
        return tuple((p.before, p.after) for p in (
            same_padding(n, k, s, d) for n, k, s, d in zip(size, kernel, self.stride, self.dilation)))

    def per_side(self, size: tuple[int, int], kernel: tuple[int, int]) -> tuple[tuple[int, int], ...]:
        """Padding as ``((top, bottom), (left, right))``; raises ValueError as the engine does."""
        return padding_per_side(self.resolved(size, kernel), kernel, self.stride, self.dilation)

    def kwargs(self, size: tuple[int, int], kernel: tuple[int, int]) -> dict:
        """Keyword arguments for ``conv2d`` and ``conv2d_steps`` on an input of `size`."""
        return {"stride": self.stride, "padding": self.resolved(size, kernel), "dilation": self.dilation,
                "padding_mode": self.padding_mode}


def layer_controls(scope: Scope, kernel: tuple[int, int] | None = None) -> LayerChoice:
    """Draw the layer controls and return the choice (validation is the engine's job).

    With the kernel's shape, PyTorch's "same" at a stride above 1 offers the two ways out.
    """
    per_axis = st.toggle("Different values for rows and columns", **scope.bind("per_axis"))
    suffix = (" (rows)", " (columns)") if per_axis else ("", "")

    def pair(name: str, label: str, low: int, high: int, help: str) -> tuple[int, int]:
        cols = st.columns(2) if per_axis else [st.container()]
        cols[0].slider(label + suffix[0], low, high, help=help, **scope.bind(name))
        if per_axis:
            cols[1].slider(label + suffix[1], low, high, help=help, **scope.bind(f"{name}_w"))
            return scope.value(name), scope.value(f"{name}_w")
        return scope.value(name), scope.value(name)

    stride = pair("stride", "Stride", 1, MAX_STEP, "How far the window jumps between outputs.")
    st.radio("Padding", tuple(PADDINGS), horizontal=True, format_func=PADDINGS.get, help=_PADDING_HELP,
             **scope.bind("padding"))
    padding = scope.value("padding")
    if padding == "amount":
        padding = pair("pad", "Padding amount", 0, MAX_PAD, "Positions added on each side.")
    st.selectbox("Padding mode", PADDING_MODES, help="zeros: 0 0 | a b c d | 0 0 · reflect: c b | a b c d | c b · "
                 "replicate: a a | a b c d | d d · circular: c d | a b c d | a b", **scope.bind("mode"))
    dilation = pair("dilation", "Dilation", 1, MAX_STEP,
                    "Gaps between the kernel's taps: dilation 2 skips every other pixel.")
    if padding == "same" and max(stride) > 1 and kernel is not None:
        _same_at_stride(scope, stride, dilation, kernel)
    return LayerChoice(stride, padding, dilation, scope.value("mode"))


def _same_at_stride(scope: Scope, stride: tuple[int, int], dilation: tuple[int, int], kernel: tuple[int, int]) -> None:
    """PyTorch refuses "same" above stride 1 (the page shows why): offer both conventions that work."""
    amounts = tuple(min(d * (k - 1) // 2, MAX_PAD) for k, d in zip(kernel, dilation))
    st.caption(f"At stride {max(stride)}, either of these gives about ⌈size / stride⌉ outputs: padding each side "
               f"by half the kernel's span, as PyTorch code does, or Keras's \"same\", exactly ⌈size / stride⌉.")
    left, right = st.columns(2)
    left.button(f"Padding {amounts[0]}" + ("" if amounts[0] == amounts[1] else f", {amounts[1]}"),
                key=scope.key("use_amount"), width="stretch",
                on_click=scope.setter(padding="amount", pad=amounts[0], pad_w=amounts[1],
                                      per_axis=scope.value("per_axis") or amounts[0] != amounts[1]))
    right.button("Keras's same", key=scope.key("use_keras"), width="stretch",
                 on_click=scope.setter(padding="keras_same"))
