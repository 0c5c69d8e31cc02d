"""The kernel picker: a preset, values typed into a grid, a drawing or a random kernel.

Returns plain arrays; the engine validates them. Every control is URL-backed through
:data:`KERNEL_SETTINGS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from convviz.figures.kernels import kernel_figure
from convviz.drawing import kernel_from_drawing
from convviz.kernels import (
    PRESETS, describe_kernel, flip_kernel, make_kernel, normalize_kernel, random_kernel,
)
from widgets.sketch import sketch
from widgets.url_state import SCHEMA, decode_weights, encode_weights, key, set_value, value

KERNEL_SETTINGS = {
    name: SCHEMA[name]
    for name in ("kernel", "ksize", "kwidth", "sigma", "weights", "seed", "normalise", "flip", "bank", "bias")
}
_SOURCES = {"custom": "Custom values…", "drawn": "Drawn…", "random": "Random"}
_TITLES = {"custom": "Custom kernel", "drawn": "Drawn kernel", "random": "Random kernel"}


@dataclass(frozen=True)
class KernelChoice:
    """What the picker produced: one or more 2-D kernels, their names, and a bias."""

    kernels: tuple[np.ndarray, ...]
    names: tuple[str, ...]
    bias: float


def _label(name: str) -> str:
    return PRESETS[name].name if name in PRESETS else _SOURCES[name]


def _shape(page: str, sizes: tuple[int, ...]) -> tuple[int, int]:
    if len(sizes) == 1:
        return sizes[0], sizes[0]
    rows, cols = st.columns(2)
    rows.select_slider("Rows", sizes, key=key(page, "ksize"))
    cols.select_slider("Columns", sizes, key=key(page, "kwidth"))
    return _fit(value(page, "ksize"), sizes), _fit(value(page, "kwidth"), sizes)


def _fit(n: int, sizes: tuple[int, ...]) -> int:
    return n if n in sizes else min(sizes, key=lambda s: abs(s - n))


def _base_kernel(page: str, name: str) -> np.ndarray | None:
    if name in PRESETS:
        preset = PRESETS[name]
        shape = _shape(page, preset.sizes)
        params = {}
        if "sigma" in preset.params:
            params["sigma"] = st.slider("Sigma (blur width, px)", 0.1, 10.0, step=0.1, key=key(page, "sigma"))
        return make_kernel(name, shape if preset.resizable else None, **params)
    if name == "random":
        shape = _shape(page, tuple(range(1, 16)))
        if st.button("New random kernel", key=key(page, "reseed")):
            set_value(page, "seed", int(np.random.default_rng().integers(10**6)))
        return random_kernel(shape, seed=value(page, "seed"), bound=1.0)
    if name == "drawn":
        shape = _shape(page, tuple(range(1, 16)))
        drawing = sketch(key(page, "kernel_sketch"), ink="black", paper=None)
        if drawing is None:
            st.info("Sketch a pattern; it becomes the kernel at the chosen size.")
            return None
        return kernel_from_drawing(drawing, shape, zero_mean=True)
    grid = decode_weights(value(page, "weights") or "0,0,0;0,1,0;0,0,0")
    columns = [str(c + 1) for c in range(grid.shape[1])]
    edited = st.data_editor(
        pd.DataFrame(grid, columns=columns), key=key(page, "grid"), hide_index=True, num_rows="fixed",
        column_config={c: st.column_config.NumberColumn(format="%g") for c in columns},
    )
    return np.asarray(edited, dtype=float)


def kernel_picker(page: str, bank: bool = True) -> KernelChoice | None:
    """Draw the kernel controls; return the kernels, or None after saying what is missing."""
    name = st.selectbox("Kernel", KERNEL_SETTINGS["kernel"].choices, key=key(page, "kernel"), format_func=_label)
    if name in PRESETS:
        st.caption(PRESETS[name].description)
    kernel = _base_kernel(page, name)
    if kernel is None:
        return None
    st.toggle("Normalise to sum 1", key=key(page, "normalise"))
    st.toggle("Flip (true convolution)", key=key(page, "flip"),
                 help="CNNs compute cross-correlation: the kernel as it is. Flipping it 180° first "
                      "gives convolution in the mathematical sense.")
    if value(page, "normalise"):
        kernel = normalize_kernel(kernel)
    if value(page, "flip"):
        kernel = flip_kernel(kernel)
    st.plotly_chart(kernel_figure(kernel), key=key(page, "kernel_plot"), config={"displayModeBar": False})
    st.caption(describe_kernel(kernel))
    if name != "custom" and st.button("Edit these values", key=key(page, "edit")):
        set_value(page, "weights", encode_weights(kernel))
        set_value(page, "kernel", "custom")
        st.rerun()
    if name == "custom":
        set_value(page, "weights", encode_weights(kernel))
    kernels, names = [kernel], [PRESETS[name].name if name in PRESETS else _TITLES[name]]
    if bank:
        extra = st.multiselect(
            "Filter bank: more kernels, one feature map each", [p for p in PRESETS if p != name],
            default=[b for b in value(page, "bank").split("+") if b in PRESETS and b != name],
            format_func=_label, key=key(page, "bank_pick"),
        )
        set_value(page, "bank", "+".join(extra))
        for extra_name in extra:
            preset = PRESETS[extra_name]
            size = kernel.shape if preset.resizable and all(s in preset.sizes for s in kernel.shape) else None
            kernels.append(make_kernel(extra_name, size))
            names.append(preset.name)
    st.number_input("Bias (added to every output)", -1000.0, 1000.0, step=1.0, key=key(page, "bias"))
    return KernelChoice(tuple(kernels), tuple(names), float(value(page, "bias")))
