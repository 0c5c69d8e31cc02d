"""Stride, padding, padding mode and dilation, per axis when asked. URL-backed.

A per-axis setting has its plain name for the first axis and ``_2``, ``_3`` for the later ones
(``stride``, ``stride_2``), as Shape arithmetic names its settings. Links made when a 2-D
layer's second axis was ``stride_w``, ``pad_w`` and ``dilation_w`` still open the same page:
those names are the settings' aliases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from convviz.arguments import PADDING_MODES, Padding, padding_per_side
from convviz.geometry import Geometry, conv_geometry, pool_geometry
from convviz.solvers import same_padding
from widgets.url_state import Scope, Setting

MAX_STEP = 8
MAX_PAD = 16
PADDINGS = {"amount": "amount…", "valid": "valid", "same": "same (PyTorch)", "keras_same": "same (Keras)",
            "full": "full"}
AXIS_LABELS = {1: ("length",), 2: ("rows", "columns"), 3: ("depth", "rows", "columns")}
_PADDING_HELP = (
    "amount: that many positions on each side. valid: none. same (PyTorch): keep the size, at stride 1 only; an "
    "odd total puts the extra pixel at the bottom/right. same (Keras): ⌈size / stride⌉ outputs at any stride, the "
    "extra pixel at the bottom/right. full: every position where the kernel touches the input."
)


def axis_names(name: str, ndim: int) -> tuple[str, ...]:
    """The URL names of one setting, one per axis.

    >>> axis_names("stride", 3)
    ('stride', 'stride_2', 'stride_3')
    """
    return (name, *(f"{name}_{axis}" for axis in range(2, ndim + 1)))


def layer_settings(ndim: int = 2) -> dict[str, Setting]:
    """The settings :func:`layer_controls` draws for a layer over `ndim` axes.

    >>> sorted(layer_settings(1))
    ['dilation', 'mode', 'pad', 'padding', 'stride']
    >>> layer_settings(2)["pad_2"].aliases
    ('pad_w',)
    """
    def per_axis(name: str, setting: Setting) -> dict[str, Setting]:
        names = axis_names(name, ndim)
        older = {names[1]: (f"{name}_w",)} if ndim == 2 else {}    # the 2-D second axis's name until ``_2``
        return {n: setting.but(aliases=older.get(n, ())) for n in names}

    step, amount = Setting(1, low=1, high=MAX_STEP), Setting(1, low=0, high=MAX_PAD)
    return {**per_axis("stride", step), "padding": Setting("amount", choices=tuple(PADDINGS)),
            **per_axis("pad", amount), "mode": Setting("zeros", choices=PADDING_MODES),
            **per_axis("dilation", step), **({"per_axis": Setting(False)} if ndim > 1 else {})}


LAYER_SETTINGS = layer_settings(2)


@dataclass(frozen=True)
class LayerChoice:
    """What the controls chose for a convolution over ``len(stride)`` axes, one value per axis.

    `padding` is what the user chose: an amount per axis, or a word (``"keras_same"`` for
    Keras's convention, which depends on the input size: see :meth:`resolved`).
    :meth:`geometry` resolves the layer for one input and kernel, once; :meth:`pool_geometry`
    resolves it as a pooling.

    Examples
    --------
    >>> layer = LayerChoice((2, 1), "keras_same", (1, 1), "zeros")
    >>> g = layer.geometry((5, 4), (3, 3))
    >>> g.out, g.pads
    ((3, 4), ((1, 1), (1, 1)))
    >>> LayerChoice((1,), (2,), (3,), "reflect").geometry((9,), (2,)).worked[0].value
    10
    """

    stride: tuple[int, ...]
    padding: str | tuple[int, ...]
    dilation: tuple[int, ...]
    padding_mode: str

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return len(self.stride)

    def resolved(self, size: Sequence[int], kernel: Sequence[int]) -> Padding:
        """The padding as the engine takes it: Keras's "same" becomes (before, after) per axis."""
        if self.padding != "keras_same":
            return self.padding
        return tuple((p.before, p.after) for p in (
            same_padding(n, k, s, d) for n, k, s, d in zip(size, kernel, self.stride, self.dilation)))

    def geometry(self, size: Sequence[int], kernel: Sequence[int]) -> Geometry:
        """The layer resolved on an input of `size` with a kernel of shape `kernel`.

        Per-side padding, output size and its worked formula, checked as the engine checks
        them (raises its ValueError).
        """
        return conv_geometry(size, kernel, self.stride, self.resolved(size, kernel), self.dilation, self.padding_mode)

    def pool_geometry(self, size: Sequence[int], kernel: Sequence[int], ceil_mode: bool = False,
                      kind: str = "max") -> Geometry:
        """The layer as a max (``kind="max"``) or average (``"avg"``) pooling with a `kernel` window.

        Pooling pads both sides of an axis alike, so a padding word gives the padding it puts
        before each axis (the padding mode does not apply). Raises the engine's ValueError.

        >>> g = LayerChoice((1, 1), "full", (1, 1), "zeros").pool_geometry((4, 4), (2, 2))
        >>> g.pads, g.out
        (((1, 1), (1, 1)), (5, 5))
        """
        before = tuple(b for b, _ in padding_per_side(self.resolved(size, kernel), tuple(kernel), self.stride,
                                                        self.dilation))
        return pool_geometry(size, kernel, self.stride, before, self.dilation, ceil_mode, kind)


def _listed(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def layer_controls(scope: Scope, kernel: tuple[int, ...] | None = None, ndim: int = 2) -> LayerChoice:
    """Draw the layer controls and return the choice (validation is the engine's job).

    `scope` holds :func:`layer_settings` for `ndim` axes. With the kernel's shape, PyTorch's
    "same" at a stride above 1 offers the two ways out.
    """
    labels = AXIS_LABELS.get(ndim, tuple(f"axis {axis}" for axis in range(ndim)))
    per_axis = ndim > 1 and st.toggle(f"Different values for {_listed(labels)}", **scope.bind("per_axis"))

    def axes(name: str, label: str, low: int, high: int, help: str) -> tuple[int, ...]:
        names = axis_names(name, ndim)
        if not per_axis:
            st.slider(label, low, high, help=help, **scope.bind(name))
            return (scope.value(name),) * ndim
        for column, n, axis in zip(st.columns(ndim), names, labels):
            column.slider(f"{label} ({axis})", low, high, help=help, **scope.bind(n))
        return tuple(scope.value(n) for n in names)

    stride = axes("stride", "Stride", 1, MAX_STEP, "How far the window jumps between outputs.")
    st.radio("Padding", tuple(PADDINGS), horizontal=True, format_func=PADDINGS.get, help=_PADDING_HELP,
             **scope.bind("padding"))
    padding = scope.value("padding")
    if padding == "amount":
        padding = axes("pad", "Padding amount", 0, MAX_PAD, "Positions added on each side.")
    st.selectbox("Padding mode", PADDING_MODES, help="zeros: 0 0 | a b c d | 0 0 · reflect: c b | a b c d | c b · "
                 "replicate: a a | a b c d | d d · circular: c d | a b c d | a b", **scope.bind("mode"))
    dilation = axes("dilation", "Dilation", 1, MAX_STEP,
                    "Gaps between the kernel's taps: dilation 2 skips every other pixel.")
    if padding == "same" and max(stride) > 1 and kernel is not None:
        _same_at_stride(scope, stride, dilation, kernel)
    return LayerChoice(stride, padding, dilation, scope.value("mode"))


def _same_at_stride(scope: Scope, stride: tuple[int, ...], dilation: tuple[int, ...], kernel: tuple[int, ...]) -> None:
    """PyTorch refuses "same" above stride 1 (the page shows why): offer both conventions that work."""
    amounts = tuple(min(d * (k - 1) // 2, MAX_PAD) for k, d in zip(kernel, dilation))
    uneven = len(set(amounts)) > 1
    st.caption(f"At stride {max(stride)}, either of these gives about ⌈size / stride⌉ outputs: padding each side "
               f"by half the kernel's span, as PyTorch code does, or Keras's \"same\", exactly ⌈size / stride⌉.")
    per_axis = {}
    if uneven and not scope.value("per_axis"):   # the later axes keep the stride and dilation they had
        per_axis = {"per_axis": True, **{n: stride[0] for n in axis_names("stride", len(stride))[1:]},
                    **{n: dilation[0] for n in axis_names("dilation", len(dilation))[1:]}}
    left, right = st.columns(2)
    left.button("Padding " + ", ".join(map(str, amounts if uneven else amounts[:1])),
                key=scope.key("use_amount"), width="stretch",
                on_click=scope.setter(padding="amount", **dict(zip(axis_names("pad", len(amounts)), amounts)),
                                      **per_axis))
    right.button("Keras's same", key=scope.key("use_keras"), width="stretch",
                 on_click=scope.setter(padding="keras_same"))
