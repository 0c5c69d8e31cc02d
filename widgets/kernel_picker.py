"""The kernel picker: a preset, values typed into a grid, a drawing or a random kernel.

Returns plain arrays. What cannot be done with the current kernel (normalising one that
sums to 0, a drawing with no pattern, a cleared cell) is explained on the spot and never
raised. Every control is URL-backed through :data:`KERNEL_SETTINGS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from convviz.drawing import kernel_from_drawing
from convviz.figures.grids import kernel_html
from convviz.kernel_tools import MAX_KERNEL_SIDE, describe_kernel, flip_kernel, normalize_kernel, sums_to_zero
from convviz.kernels import PRESETS, make_kernel, random_kernel
from widgets.sketch import sketch
from widgets.url_state import Scope, Setting, decode_weights, encode_weights

_SOURCES = {"custom": "Custom values…", "drawn": "Drawn…", "random": "Random"}
_TITLES = {"custom": "Custom kernel", "drawn": "Drawn kernel", "random": "Random kernel"}
_SIDES = tuple(range(1, MAX_KERNEL_SIDE + 1))
_SIDE = Setting(3, low=1, high=MAX_KERNEL_SIDE)
KERNEL_SETTINGS = {
    "kernel": Setting("sobel_x", choices=(*PRESETS, *_SOURCES)),
    "ksize": _SIDE, "kwidth": _SIDE,
    "sigma": Setting(1.0, low=0.1, high=10.0),
    "weights": Setting("0,0,0;0,1,0;0,0,0", check=decode_weights),
    "seed": Setting(0, low=0, high=10**6),
    "normalise": Setting(False), "flip": Setting(False),
    "bank": Setting((), choices=tuple(PRESETS)),
    "bias": Setting(0.0, low=-1000.0, high=1000.0),
}


@dataclass(frozen=True)
class KernelChoice:
    """What the picker produced: one or more 2-D kernels, their names, and a bias."""

    kernels: tuple[np.ndarray, ...]
    names: tuple[str, ...]
    bias: float


def _label(name: str) -> str:
    return PRESETS[name].name if name in PRESETS else _SOURCES[name]


def _shape(scope: Scope, sizes: tuple[int, ...]) -> tuple[int, int]:
    if len(sizes) == 1:
        return sizes[0], sizes[0]
    for name in ("ksize", "kwidth"):
        if scope.value(name) not in sizes:
            scope.set(name, min(sizes, key=lambda s: abs(s - scope.value(name))))
    rows, cols = st.columns(2)
    rows.select_slider("Rows", sizes, **scope.bind("ksize"))
    cols.select_slider("Columns", sizes, **scope.bind("kwidth"))
    return scope.value("ksize"), scope.value("kwidth")


def _new_seed(scope: Scope) -> None:
    scope.set("seed", int(np.random.default_rng().integers(10**6)))


def _grid(scope: Scope) -> np.ndarray:
    """The custom kernel as typed; a cleared cell counts as 0 and says so."""
    import pandas as pd   # 0.3 s to import: only when a kernel is typed in, not on every cold start

    base = decode_weights(scope.value("weights"))
    columns = [str(c + 1) for c in range(base.shape[1])]
    edited = st.data_editor(
        pd.DataFrame(base, columns=columns), key=scope.key("editor"), hide_index=True, num_rows="fixed",
        column_config={c: st.column_config.NumberColumn(format="%g") for c in columns},
    )
    grid = edited.to_numpy(dtype=float, na_value=np.nan)
    empty = np.argwhere(~np.isfinite(grid))
    if len(empty):
        cells = ", ".join(f"row {r + 1} column {c + 1}" for r, c in empty[:4]) + (" …" if len(empty) > 4 else "")
        st.info(f"Empty cells count as 0 until you type a number: {cells}.")
        grid = np.where(np.isfinite(grid), grid, 0.0)
    scope.set("weights", encode_weights(grid))
    return grid


def _base_kernel(scope: Scope, name: str) -> np.ndarray | None:
    if name in PRESETS:
        preset = PRESETS[name]
        shape = _shape(scope, preset.sizes)
        params = {}
        if "sigma" in preset.params:
            params["sigma"] = st.slider("Sigma (blur width, px)", 0.1, 10.0, step=0.1, **scope.bind("sigma"))
        return make_kernel(name, shape if preset.resizable else None, **params)
    if name == "random":
        shape = _shape(scope, _SIDES)
        st.button("New random kernel", key=scope.key("reseed"), on_click=_new_seed, args=(scope,))
        return random_kernel(shape, seed=scope.value("seed"), bound=1.0)
    if name == "drawn":
        shape = _shape(scope, _SIDES)
        drawing = sketch(scope.key("sketch"), ink="black", paper=None)
        if drawing is None:
            st.info("Sketch a pattern; it becomes the kernel at the chosen size.")
            return None
        try:
            return kernel_from_drawing(drawing, shape, zero_mean=True)
        except ValueError as exc:
            st.info(f"No kernel from this drawing yet: {exc}.")
            return None
    return _grid(scope)


def _edit(scope: Scope, weights: str) -> None:
    """Open the current kernel's values in the grid: as shown, so normalise and flip are done."""
    st.session_state.pop(scope.key("editor"), None)
    scope.setter(kernel="custom", weights=weights, normalise=False, flip=False)()


def kernel_picker(scope: Scope, bank: bool = True) -> KernelChoice | None:
    """Draw the kernel controls; return the kernels, or None after saying what is missing."""
    name = st.selectbox("Kernel", KERNEL_SETTINGS["kernel"].choices, format_func=_label, **scope.bind("kernel"))
    if name in PRESETS:
        st.caption(PRESETS[name].description)
    kernel = _base_kernel(scope, name)
    if kernel is not None:
        kernel = _adjust(scope, name, kernel)
    kernels, names = [], []
    if kernel is not None:
        kernels, names = [kernel], [PRESETS[name].name if name in PRESETS else _TITLES[name]]
    if bank:
        st.multiselect("Filter bank: more kernels, one feature map each", tuple(PRESETS), format_func=_label,
                       **scope.bind("bank"))
        for extra in scope.value("bank"):
            preset = PRESETS[extra]
            fits = kernel is not None and preset.resizable and all(s in preset.sizes for s in kernel.shape)
            kernels.append(make_kernel(extra, kernel.shape if fits else None))
            names.append(preset.name + (" (2)" if preset.name in names else ""))
    st.number_input("Bias (added to every output)", -1000.0, 1000.0, step=1.0, **scope.bind("bias"))
    if kernel is None:
        return None
    return KernelChoice(tuple(kernels), tuple(names), float(scope.value("bias")))


@st.cache_resource(max_entries=64, show_spinner=False)
def _described(values: bytes, shape: tuple[int, int]) -> tuple[str, str]:
    """The grid and the description of the float64 kernel `values`: the same few kernels come back all lesson."""
    kernel = np.frombuffer(values, np.float64).reshape(shape)
    return kernel_html(kernel), describe_kernel(kernel)


def _adjust(scope: Scope, name: str, kernel: np.ndarray) -> np.ndarray:
    """Normalise and flip on request, show the kernel, and offer its values for editing."""
    cancels = sums_to_zero(kernel)
    st.toggle("Normalise to sum 1", disabled=cancels, **scope.bind("normalise"),
              help="This kernel sums to 0 (its weights cancel out), so no scaling makes it sum to 1."
              if cancels else "Divide every weight by the sum, so flat regions keep their brightness.")
    st.toggle("Flip (true convolution)", **scope.bind("flip"),
              help="CNNs compute cross-correlation: the kernel as it is. Flipping it 180° first "
                   "gives convolution in the mathematical sense.")
    if scope.value("normalise") and not cancels:
        kernel = normalize_kernel(kernel)
    if scope.value("flip"):
        kernel = flip_kernel(kernel)
    grid, description = _described(values=np.ascontiguousarray(kernel, np.float64).tobytes(), shape=kernel.shape)
    st.html(grid)
    st.caption(description + (" Normalising is off: it sums to 0." if cancels and scope.value("normalise") else ""))
    if name != "custom":
        st.button("Edit these values", key=scope.key("edit"), on_click=_edit, args=(scope, encode_weights(kernel)))
    return kernel
