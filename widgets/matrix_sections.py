"""The Matrix view's first two sections: a small convolution as a matrix multiply, then as one matrix.

The small convolution is resolved once into a :class:`SmallConv` (padding per side, the
padded input, its patches, the output) that both sections read. A row of the patch matrix,
a row of ``M`` and a cell of the transposed convolution's input are the same index, one
setting (``row``), chosen with a number or a click on any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from scipy import sparse
from streamlit.delta_generator import DeltaGenerator

from convviz import (
    conv2d, conv_geometry, conv_matrix, conv_matrix_dense, conv_transpose2d, transpose_output_padding, unfold,
)
from convviz.figures.matrix import grid_figure, matrix_figure, product_figure
from convviz.pipeline import input_channels
from widgets.url_state import Scope, Setting, encode_weights

NUMBERS = {"counting": "1, 2, 3, …", "random": "random digits", "image patch": "image patch"}
PADDINGS = {"amount": "amount…", "valid": "valid", "same": "same", "full": "full"}
NUMBER_SETTINGS = {
    "numbers": Setting("counting", choices=tuple(NUMBERS)), "rows": Setting(4, low=2, high=8),
    "cols": Setting(4, low=2, high=8), "grid_seed": Setting(0, low=0, high=10**6),
}
LAYER_SETTINGS = {
    "stride": Setting(1, low=1, high=4), "padding": Setting("amount", choices=tuple(PADDINGS)),
    "pad": Setting(1, low=0, high=4), "dilation": Setting(1, low=1, high=4),
}
ROW_SETTINGS = {"row": Setting(0, low=0, high=4095), "y_seed": Setting(0, low=0, high=10**6)}
ANIMATED_SIDES = range(3, 9)     # square grids Step by step animates whole as the input of a transposed convolution
PLAIN = {"displayModeBar": False}


@dataclass(frozen=True)
class SmallConv:
    """One single-channel convolution of a small grid, with everything the pictures read."""

    x: np.ndarray                 # (H, W)
    kernel: np.ndarray            # (kH, kW)
    bias: float
    stride: tuple[int, int]
    pads: tuple[tuple[int, int], ...]
    dilation: tuple[int, int]
    padded: np.ndarray            # the input with its padding
    is_pad: np.ndarray            # which cells of `padded` are padding
    patches: np.ndarray           # (L, K): row r holds what output r reads
    patch_is_pad: np.ndarray      # (L, K)
    out: np.ndarray               # (OH, OW): the patches times the kernel, plus the bias
    reference: np.ndarray         # (OH, OW): conv2d's answer

    @property
    def weight(self) -> np.ndarray:
        return self.kernel[None, None]

    def window(self, row: int) -> np.ndarray:
        """Which cells of the padded input output `row` reads."""
        r, c = divmod(row, self.out.shape[1])
        taps = [o * s + np.arange(k) * d for o, s, k, d in zip((r, c), self.stride, self.kernel.shape, self.dilation)]
        mask = np.zeros(self.padded.shape, bool)
        mask[np.ix_(*taps)] = True
        return mask


def small_conv(x: np.ndarray, kernel: np.ndarray, bias: float, stride: int, padding: int | str,
               dilation: int) -> SmallConv:
    """Resolve the small convolution once; raises ValueError (the engine's) for impossible settings."""
    g = conv_geometry(x.shape, kernel.shape, stride, padding, dilation)
    reference = conv2d(x[None], kernel[None, None], [bias], g.stride, g.pads, g.dilation)[0]
    padded, is_pad = np.pad(x, g.pads), np.pad(np.zeros(x.shape, bool), g.pads, constant_values=True)
    cols = unfold(padded[None], g.kernel_size, g.dilation, 0, g.stride)
    pad_cols = unfold(is_pad[None].astype(np.int8), g.kernel_size, g.dilation, 0, g.stride).astype(bool)
    out = (kernel.ravel() @ cols + bias).reshape(g.out)
    return SmallConv(x, kernel, bias, g.stride, g.pads, g.dilation, padded, is_pad, cols.T, pad_cols.T, out, reference)


def _new_seed(scope: Scope, name: str) -> None:
    scope.set(name, int(np.random.default_rng().integers(10**6)))


def small_input(scope: Scope, image: np.ndarray | None) -> np.ndarray | None:
    """Draw the controls of the small input; return it (H, W), or None while the image is missing."""
    kind = st.radio("Numbers", tuple(NUMBERS), format_func=NUMBERS.get, horizontal=True, **scope.bind("numbers"))
    sides = st.columns(2)
    rows = sides[0].number_input("Rows", 2, 8, **scope.bind("rows"))
    cols = sides[1].number_input("Columns", 2, 8, **scope.bind("cols"))
    if kind == "counting":
        return np.arange(1.0, rows * cols + 1).reshape(rows, cols)
    if kind == "random":
        st.button("New numbers", key=scope.key("reseed"), on_click=_new_seed, args=(scope, "grid_seed"))
        return np.random.default_rng(scope.value("grid_seed")).integers(0, 10, (rows, cols)).astype(float)
    if image is None:
        st.info("Choose an image (Image tab) to take the patch from.")
        return None
    st.caption("The patch is the middle of the image's luminance, whole-number pixels 0–255.")
    top, left = max((image.shape[0] - rows) // 2, 0), max((image.shape[1] - cols) // 2, 0)
    return image[top:top + rows, left:left + cols]


def small_layer(scope: Scope) -> tuple[int, int | str, int]:
    """Draw stride, padding and dilation; return them (the engine checks them)."""
    st.slider("Stride", 1, 4, **scope.bind("stride"), help="How far the window jumps between outputs.")
    st.radio("Padding", tuple(PADDINGS), format_func=PADDINGS.get, horizontal=True, **scope.bind("padding"),
             help="Zeros around the input. same: keep the size (stride 1 only); full: every overlap.")
    padding = scope.value("padding")
    if padding == "amount":
        padding = st.slider("Padding amount", 0, 4, **scope.bind("pad"))
    st.slider("Dilation", 1, 4, **scope.bind("dilation"), help="Gaps between the kernel's taps.")
    return scope.value("stride"), padding, scope.value("dilation")


def luminance(pixels: np.ndarray) -> np.ndarray:
    """An image's whole-number luminance (H, W), as every page computes it, in float64 for exact comparisons."""
    return input_channels(pixels, "luminance")[0].astype(np.float64)


def _picker(scope: Scope, chart: str) -> Callable[[], None]:
    """A callback: a click on a chart's marker layer chooses the row in its customdata (the page clamps it)."""
    def pick() -> None:
        points = st.session_state[chart].selection.points
        if points and "customdata" in points[0]:
            scope.set("row", int(points[0]["customdata"]))
    return pick


def _chart(scope: Scope, where: DeltaGenerator, figure: go.Figure, name: str, clickable: bool = True) -> None:
    """Draw `figure` under the key `name`; a click on a clickable one chooses a row."""
    key = scope.key(name)
    options = dict(on_select=_picker(scope, key), selection_mode="points") if clickable else {}
    where.plotly_chart(figure, key=key, config=PLAIN, **options)


def _one(pair: tuple[int, int]) -> int | tuple[int, int]:
    """One number for both axes when they agree, as PyTorch code writes it."""
    return pair[0] if pair[0] == pair[1] else pair


def _reads(m: sparse.csr_array, row: int, shape: tuple[int, int]) -> np.ndarray:
    """The input cells row `row` of M stores an entry for (zero weights too): the window inside the input."""
    mask = np.zeros(m.shape[1], bool)
    mask[m.indices[m.indptr[row]:m.indptr[row + 1]]] = True
    return mask.reshape(shape)


def _structure(m: sparse.csr_array) -> np.ndarray:
    """Which entries of M are stored, as a dense mask."""
    mask = np.zeros(m.shape, bool)
    mask[np.repeat(np.arange(m.shape[0]), np.diff(m.indptr)), m.indices] = True
    return mask


def clamp_row(scope: Scope, small: SmallConv) -> None:
    """Bring the row (from a link, a click or a larger setting before) inside this convolution's outputs."""
    scope.clamp("row", 0, small.patches.shape[0] - 1)


def row_picker(scope: Scope, small: SmallConv) -> int:
    """The row number input; clicks on the figures set the same setting."""
    rows = small.patches.shape[0]
    st.columns([1, 2])[0].number_input(f"Row (output 0–{rows - 1}), or click one", 0, rows - 1, **scope.bind("row"))
    return scope.value("row")


def matrix_multiply(scope: Scope, small: SmallConv, image_colours: bool) -> None:
    """Section 1: the patch matrix beside the input, times the kernel, reshaped to the output."""
    row = row_picker(scope, small)
    oh, ow = small.out.shape
    colors = "image" if image_colours else "input"
    zrange = (0.0, 255.0) if image_colours else (float(small.x.min()), float(max(small.x.max(), small.x.min() + 1)))
    left, middle, right = st.columns([1.1, 2.2, 1.0])
    _chart(scope, left, grid_figure(small.padded, f"Input {small.x.shape[0]}×{small.x.shape[1]}", colors,
                                    small.is_pad, window=small.window(row), zrange=zrange, width=190), "input", False)
    _chart(scope, middle, product_figure(small.patches, small.kernel, small.out.ravel(), row, small.patch_is_pad,
                                         colors, zrange, width=390), "patches")
    chosen = np.zeros(small.out.shape, bool)
    chosen.flat[row] = True
    _chart(scope, right, grid_figure(small.out, f"Output {oh}×{ow}", chosen=chosen,
                                     clickable=np.arange(oh * ow).reshape(oh, ow), width=180), "output")
    st.caption(f"unfold gives {small.patches.shape[0]} rows of {small.patches.shape[1]} numbers: one row per output, "
               f"one column per kernel tap. Row {row} is the window at output ({row // ow}, {row % ow}); times the "
               f"kernel{' plus the bias' if small.bias else ''} it is that output. Reshaped to {oh}×{ow}, the column "
               f"is conv2d's answer: largest difference {np.abs(small.reference - small.out).max():.3g}.")


def one_matrix(scope: Scope, small: SmallConv, image_shape: tuple[int, int] | None) -> sparse.csr_array:
    """Section 2, first half: M, its band structure, and one row of it laid over the input."""
    row = scope.value("row")
    shape = (1, *small.x.shape)
    m = conv_matrix(shape, small.weight, small.stride, small.pads, small.dilation)
    dense = conv_matrix_dense(shape, small.weight, small.stride, small.pads, small.dilation)
    left, right = st.columns([2.2, 1.1])
    _chart(scope, left, matrix_figure(dense, row, _structure(m), width=510), "matrix")
    weights = dense[row].reshape(small.x.shape)
    _chart(scope, right, grid_figure(weights, f"Row {row} over the input", window=_reads(m, row, small.x.shape),
                                     width=250), "row_grid", False)
    cells = dense.size
    plus = " + bias" if small.bias else ""
    st.caption(f"M is {dense.shape[0]} × {dense.shape[1]} = {cells:,} cells; it stores {m.nnz:,} of them "
               f"({m.nnz / cells:.0%}), the taps that read the input and not the padding. Each row is one output's "
               f"kernel, shifted by the stride: a band. M @ x.ravel(){plus} is the output above: largest difference "
               f"{np.abs(m @ small.x.ravel() + small.bias - small.out.ravel()).max():.3g}.")
    if image_shape is not None:
        try:
            conv_matrix_dense((1, *image_shape), small.weight, small.stride, small.pads, small.dilation)
        except ValueError as exc:
            st.info(f"The same layer on your {image_shape[0]}×{image_shape[1]} image: {exc}.")
    return m


def transposed(scope: Scope, small: SmallConv, m: sparse.csr_array, link: dict[str, str]) -> None:
    """Section 2, second half: M.T sends outputs back onto the input: a transposed convolution."""
    row = scope.value("row")
    oh, ow = small.out.shape
    y = np.random.default_rng(scope.value("y_seed")).integers(0, 10, (1, oh, ow)).astype(float)[0]
    back = (m.T @ y.ravel()).reshape(small.x.shape)
    chosen = np.zeros(y.shape, bool)
    chosen.flat[row] = True
    stamp = _reads(m, row, back.shape)
    cells = st.columns(3)
    _chart(scope, cells[0], grid_figure(y, f"y: {oh}×{ow} digits", "input", chosen=chosen,
                                        clickable=np.arange(oh * ow).reshape(oh, ow), width=250), "y")
    _chart(scope, cells[1], grid_figure(back, "M.T @ y", window=stamp, width=250), "back", False)
    cells[0].button("New digits", key=scope.key("new_y"), on_click=_new_seed, args=(scope, "y_seed"))
    before = tuple(b for b, _ in small.pads)
    try:
        extra = transpose_output_padding(small.x.shape, small.kernel.shape, small.stride, small.pads, small.dilation)
    except ValueError as exc:
        cells[2].info(f"M.T @ y is always defined, but conv_transpose2d cannot give it here: {exc}.")
        return
    same = conv_transpose2d(y[None], small.weight, None, small.stride, before, extra, 1, small.dilation)[0]
    _chart(scope, cells[2], grid_figure(same, "conv_transpose2d", window=stamp, width=250), "ct", False)
    st.caption(f"conv_transpose2d(y, w, stride={_one(small.stride)}, padding={_one(before)}, dilation="
               f"{_one(small.dilation)}, output_padding={_one(extra)}) gives M.T @ y: largest difference "
               f"{np.abs(same - back).max():.3g}. y[{row}] (green) lands on the cells its output read (orange).")
    animate_link(small, y, row, extra, link | {"grid_seed": str(scope.value("y_seed"))})


def animate_link(small: SmallConv, y: np.ndarray, row: int, extra: tuple[int, int], link: dict[str, str]) -> None:
    """A link to Step by step's transposed animation of these numbers, where it can show them.

    `link` holds the kernel's settings and y's seed (``grid_seed``): Step by step makes its
    random grid as :func:`transposed` makes y.
    """
    (pad, pad_2), n = (b for b, _ in small.pads), y.shape[0]
    sides = f"{ANIMATED_SIDES.start} to {ANIMATED_SIDES.stop - 1}"
    why = ("it animates square grids" if y.shape[0] != y.shape[1] else
           f"it animates grids of {sides} per side" if n not in ANIMATED_SIDES else
           "it takes one output_padding for both axes" if extra[0] != extra[1] else "")
    if why:
        st.caption(f"Step by step cannot animate this y ({y.shape[0]}×{y.shape[1]}): {why}.")
        return
    if link.get("kernel") == "drawn":      # a drawing stays on this page: send its values
        link = link | {"kernel": "custom", "weights": encode_weights(small.kernel), "normalise": "0", "flip": "0"}
    s, d = small.stride[0], small.dilation[0]
    settings = {"operation": "transposed", "grid": "random", "grid_size": n, "stride": s, "stride_2": s,
                "dilation": d, "dilation_2": d, "padding": "amount", "pad": pad, "pad_2": pad_2,
                "per_axis": int(pad != pad_2), "mode": "zeros", "output_padding": extra[0], "step": row + 1}
    st.page_link("pages/step_by_step.py", label="Watch each y stamp its kernel, step by step →",
                 icon=":material/footprint:", query_params=link | {k: str(v) for k, v in settings.items()})
