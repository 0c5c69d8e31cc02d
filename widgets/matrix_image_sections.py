"""The Matrix view's sections on the student's image: checkerboards, three ways to compute, cheaper layers.

Every result is cached under the image's key (its digest and working size, from
:func:`widgets.image_picker.image_picker`) and the section's settings, never under the
pixels themselves, so a rerun costs a dictionary look-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from scipy import ndimage

from convviz import (
    ErrorStats, conv2d, conv_mac_count, conv_parameter_count, conv_transpose2d, fft_conv2d, prune, quantization_error,
    quantize, quantized_conv2d, unfold,
)
from convviz.figures.costs import cost_figure, difference_png, picture_png, separable_figure, timing_figure
from convviz.figures.matrix import grid_figure
from convviz.walkthrough.text import format_number
from widgets.stepper import pannable
from widgets.url_state import Scope, Setting, decode_weights, encode_weights

RESIZES = {"nearest": "nearest", "bilinear": "bilinear"}
UPSAMPLE_SETTINGS = {"up_kernel": Setting(3, low=2, high=7), "resize": Setting("nearest", choices=tuple(RESIZES))}
EFFICIENT_SETTINGS = {
    "c_in": Setting(32, low=1, high=2048), "c_out": Setting(64, low=1, high=2048),
    "dw_kernel": Setting(3, low=1, high=15), "bits": Setting(8, low=1, high=8),
    "sparsity": Setting(50, low=0, high=100),
}
KERNEL_SIDES = tuple(range(3, 32, 2))
TIMED_SIDE = 128            # the timings use at most the middle 128×128 of the image
RUN_BUDGET = 0.05           # seconds per method and size: repeat (up to 3 runs) only while cheap
ZOOM, CROP = 8, 24          # the close-up: the middle 24×24 output pixels, each drawn 8×8
ZOOM_TO = 512               # pictures are enlarged (without smoothing) to about this many pixels a side
PLAIN = {"displayModeBar": False}
METHODS = ("direct (conv2d)", "im2col + matrix multiply", "FFT (fft_conv2d)")
DIFFERENCES = ("|im2col − direct|", "|FFT − direct|")


def _stride_two(k: int) -> tuple[int, int]:
    """padding and output_padding that make a stride-2 transposed convolution exactly double the size."""
    padding = -(-(k - 2) // 2)
    return padding, 2 * padding - (k - 2)


def upsampled(k: int, resize: str, x: np.ndarray) -> dict[str, np.ndarray]:
    """Both ×2 upsamplings of `x`, and how many contributions each output pixel gets from a flat image."""
    padding, extra = _stride_two(k)
    spread = conv_transpose2d(x[None], np.full((1, 1, k, k), 4.0 / k**2), None, 2, padding, extra)[0]
    bigger = (np.repeat(np.repeat(x, 2, 0), 2, 1) if resize == "nearest" else
              ndimage.zoom(x, 2, order=1, grid_mode=True, mode="nearest"))
    smooth = conv2d(bigger[None, None], np.full((1, 1, 3, 3), 1 / 9), padding="same")[0, 0]
    ones = conv_transpose2d(np.ones((1, 16, 16)), np.ones((1, 1, k, k)), None, 2, padding, extra)[0]
    reads = conv2d(np.ones((1, 32, 32)), np.ones((1, 1, 3, 3)), padding="same")[0]
    return {"transposed": spread, "resized": smooth, "stamps": ones, "reads": reads}


def _close_up(image: np.ndarray) -> np.ndarray:
    top, left = max((image.shape[0] - CROP) // 2, 0), max((image.shape[1] - CROP) // 2, 0)
    return image[top:top + CROP, left:left + CROP]


@st.cache_resource(max_entries=16, show_spinner=False)
def checker_figures(key: str, k: int, resize: str, _x: np.ndarray) -> tuple[list[int], list[tuple]]:
    """Stamps seen inside the image, and per method its counts figure, picture and close-up (PNG) with titles,
    for the image `key` names (shared, read-only)."""
    maps = upsampled(k, resize, _x)
    shown = []
    for name, counts, title, method in (
            ("transposed", "stamps", f"Stamps per pixel: {k}×{k}, stride 2", f"conv_transpose2d, {k}×{k} weights "
                                                                              f"{4 / k**2:.3g}"),
            ("resized", "reads", "Pixels read per output: 3×3 after resizing", f"{resize} ×2, then a 3×3 average")):
        image = np.clip(maps[name], 0, 255)
        shown.append((name, grid_figure(maps[counts][:12, :12], title, "input", width=380),
                      picture_png(image, max(1, ZOOM_TO // max(image.shape))),
                      f"{method}: {image.shape[1]}×{image.shape[0]} pixels",
                      picture_png(_close_up(image), ZOOM), f"The middle {CROP}×{CROP} pixels, enlarged"))
    return sorted({int(v) for v in np.unique(maps["stamps"][8:24, 8:24])}), shown


def checkerboard(scope: Scope, x: np.ndarray, key: str) -> None:
    """Section 3: a transposed convolution with uneven overlaps beside resize-then-convolve."""
    controls = st.columns([1, 1, 2], vertical_alignment="bottom")
    k = controls[0].number_input("Transposed kernel size (stride 2)", 2, 7, **scope.bind("up_kernel"))
    resize = controls[1].radio("Resize ×2 by", tuple(RESIZES), horizontal=True, **scope.bind("resize"))
    inside, shown = checker_figures(key, k, resize, x)
    even = len(inside) == 1
    controls[2].caption(
        f"{k} is {'' if even else 'not '}divisible by the stride 2: inside the image every output pixel gets "
        f"{' or '.join(map(str, inside))} stamps" + ("." if even else f", a {max(inside) / min(inside):.3g} : 1 "
                                                      "pattern that repeats every 2 pixels."))
    for column, (name, counts, picture, title, close_up, zoomed) in zip(st.columns(2), shown):
        column.plotly_chart(counts, key=scope.key(f"{name}_counts"), config=PLAIN)
        column.image(picture, caption=title, width="stretch", output_format="PNG")
        column.image(close_up, caption=zoomed, width="stretch", output_format="PNG")
    st.caption("The counts are for the top-left corner of a flat image: a transposed convolution adds one stamp of "
               "the kernel per input pixel, 2 pixels apart, so where stamps overlap more the output is brighter. "
               "Resizing first and then convolving reads the same number of pixels everywhere but the border.")


def _im2col(x: np.ndarray, weight: np.ndarray, padding: int) -> np.ndarray:
    """One channel's convolution as the patch matrix times the kernel as a row."""
    return (weight.reshape(1, -1) @ unfold(x, weight.shape[2:], padding=padding)).reshape(1, *x.shape[1:])


def _best(run: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    """The result and the shortest of up to three runs (one when a run is slow)."""
    times, spent = [], 0.0
    while len(times) < 3 and (not times or spent < RUN_BUDGET):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return result, min(times)


@st.cache_data(max_entries=8, show_spinner="Timing three ways to convolve…")
def timings(key: str, _x: np.ndarray) -> pd.DataFrame:
    """Seconds per method and kernel size on the image `key` names, best runs, with MACs and differences."""
    x, (h, w) = _x[None], _x.shape
    rows = []
    for k in KERNEL_SIDES:
        weight = np.random.default_rng(k).uniform(-1, 1, (1, 1, k, k))
        pad = k // 2
        runs = (partial(conv2d, x, weight, padding=pad), partial(_im2col, x, weight, pad),
                partial(fft_conv2d, x, weight, padding=pad))
        (direct, t0), (im2col, t1), (fft, t2) = map(_best, runs)
        rows.append({"kernel": k, "multiply–accumulates": conv_mac_count(1, 1, k, (h, w)),
                     METHODS[0]: t0, METHODS[1]: t1, METHODS[2]: t2,
                     DIFFERENCES[0]: float(np.abs(im2col - direct).max()),
                     DIFFERENCES[1]: float(np.abs(fft - direct).max())})
    return pd.DataFrame(rows)


def three_ways(scope: Scope, x: np.ndarray, key: str) -> None:
    """Section 4: the same convolution three ways, timed as the kernel grows."""
    top, left = max((x.shape[0] - TIMED_SIDE) // 2, 0), max((x.shape[1] - TIMED_SIDE) // 2, 0)
    crop = x[top:top + TIMED_SIDE, left:left + TIMED_SIDE]
    table = timings(f"{key} {crop.shape}", crop)
    st.plotly_chart(timing_figure(table["kernel"], {m: table[m] for m in METHODS}), key=scope.key("timing"),
                    config=PLAIN)
    worst = float(table[list(DIFFERENCES)].to_numpy().max())
    scale = float(np.abs(crop).max()) * KERNEL_SIDES[-1] ** 2
    same = "the same numbers within float64 rounding" if worst <= 1e-12 * scale else "numbers that differ"
    st.caption(f"On the middle {crop.shape[0]}×{crop.shape[1]} of the image, a random k×k kernel, padding k // 2. "
               f"All three give {same} (largest difference {worst:.2g}). Direct and im2col do k² multiply–"
               f"accumulates per pixel; the FFT's cost hardly depends on k. Measured on this server when first "
               f"asked, best of up to three runs: other work on the server moves the times, the shapes of the "
               f"curves are the point.")
    shown = table.assign(**{m: (table[m] * 1000).round(3) for m in METHODS})
    st.dataframe(shown, hide_index=True, column_config={
        **{m: st.column_config.NumberColumn(f"{m.split()[0]} ms", help=f"{m}: milliseconds, best run", format="%.3f")
           for m in METHODS},
        "multiply–accumulates": st.column_config.NumberColumn("MACs", format="localized"),
        **{c: st.column_config.NumberColumn(c, format="%.1e") for c in DIFFERENCES}})


def efficient(scope: Scope, x: np.ndarray, key: str, kernel: np.ndarray | None) -> None:
    """Section 5: a depthwise-separable layer beside a standard one; then a quantized and a pruned kernel."""
    cells = st.columns(3)
    ci = cells[0].number_input("In channels", 1, 2048, **scope.bind("c_in"))
    co = cells[1].number_input("Out channels", 1, 2048, **scope.bind("c_out"))
    k = cells[2].number_input("Kernel size", 1, 15, **scope.bind("dw_kernel"))
    st.plotly_chart(separable_figure(ci, co, k), key=scope.key("separable"), config=PLAIN)
    pannable(scope.key("separable"))            # a phone: its titles keep their room, the figure pans
    st.caption("Every square is one weight, coloured by the input channel it multiplies. Standard: each column is "
               "one output's filter, reading every channel. Depthwise: one filter per channel. Pointwise: each "
               "column mixes the channels into one output, one weight per channel.")
    out = x.shape
    costs = {"parameters": {"standard": {f"{k}×{k} conv": conv_parameter_count(ci, co, k)},
                            "separable": {"depthwise": conv_parameter_count(ci, ci, k, groups=ci),
                                          "pointwise 1×1": conv_parameter_count(ci, co, 1)}},
             "multiply–accumulates": {"standard": {f"{k}×{k} conv": conv_mac_count(ci, co, k, out)},
                                      "separable": {"depthwise": conv_mac_count(ci, ci, k, out, groups=ci),
                                                    "pointwise 1×1": conv_mac_count(ci, co, 1, out)}}}
    st.plotly_chart(cost_figure(costs), key=scope.key("costs"), config=PLAIN)
    pannable(scope.key("costs"))
    ratio = {q: sum(v["separable"].values()) / sum(v["standard"].values()) for q, v in costs.items()}
    st.caption(f"On a {out[0]}×{out[1]} feature map (your image's size), with biases: the separable layer needs "
               f"{ratio['parameters']:.3g} × the parameters and {ratio['multiply–accumulates']:.3g} × the "
               f"multiply–accumulates, about 1/{co} + 1/{k * k} = {1 / co + 1 / (k * k):.3g}.")
    if kernel is None:
        st.info("Choose a kernel (Kernel tab) to quantize and prune it.")
        return
    controls = st.columns(2)
    bits = controls[0].number_input("Bits per weight", 1, 8, **scope.bind("bits"))
    sparsity = controls[1].slider("Pruned weights (%)", 0, 100, step=5, **scope.bind("sparsity"))
    squeezed_results(scope, x, key, kernel, bits, sparsity)


@dataclass(frozen=True)
class Squeezed:
    """A smaller kernel applied to the image: its pictures and how far it is from the float layer."""

    kernel: go.Figure
    difference: bytes             # PNG
    colours: tuple[float, float]  # the values of its two end colours
    error: ErrorStats
    relative_rms: float


@st.cache_resource(max_entries=32, show_spinner=False)
def squeezed(key: str, weights: str, bits: int, sparsity: int, _x: np.ndarray) -> dict[str, Squeezed | str]:
    """The kernel (`weights`, as the URL writes it) quantized to `bits` and pruned to `sparsity` % on the image
    `key` names; the engine's reason instead where it refuses (shared, read-only)."""
    weight = decode_weights(weights)[None, None]
    reference = conv2d(_x[None], weight, padding="same")[0]
    size = float(np.sqrt(np.mean(reference**2))) or 1.0

    def result(shown: np.ndarray, title: str, approx: np.ndarray, changed: np.ndarray | None = None) -> Squeezed:
        error = quantization_error(reference, approx)
        png, colours = difference_png(approx - reference, max(1, ZOOM_TO // max(_x.shape)))
        return Squeezed(grid_figure(shown, title, window=changed, width=300), png, colours, error, error.rms / size)

    found: dict[str, Squeezed | str] = {}
    try:
        q = quantize(weight, bits, axis=0)
        found["quantized"] = result(q.values[0, 0], f"{bits}-bit levels (scale {float(q.scale[0]):.3g})",
                                    quantized_conv2d(quantize(_x[None], 8), q, padding="same")[0])
    except ValueError as exc:
        found["quantized"] = f"No quantized kernel: {exc}."
    try:
        pruned = prune(weight, sparsity / 100)
        found["pruned"] = result(pruned[0, 0], f"{int((pruned == 0).sum())} of {weight.size} weights are 0",
                                 conv2d(_x[None], pruned, padding="same")[0], (pruned != weight)[0, 0])
    except ValueError as exc:
        found["pruned"] = f"No pruned kernel: {exc}."
    return found


NOTES = {"quantized": "The image is quantized to int8 too; the products add up in int32 and are scaled once.",
         "pruned": "Orange: the weights pruning set to 0, the smallest in magnitude; weights already 0 count first."}


def squeezed_results(scope: Scope, x: np.ndarray, key: str, kernel: np.ndarray, bits: int, sparsity: int) -> None:
    """The quantized and the pruned kernel side by side, each with its error map and numbers."""
    for column, (name, found) in zip(st.columns(2), squeezed(key, encode_weights(kernel), bits, sparsity, x).items()):
        if isinstance(found, str):
            column.warning(found)
            continue
        column.plotly_chart(found.kernel, key=scope.key(f"{name}_kernel"), config=PLAIN)
        low, high = found.colours
        column.image(found.difference, width="stretch", output_format="PNG",
                     caption=f"{name.capitalize()} minus float: blue {format_number(low)}, white 0, red "
                             f"{format_number(high)} (or beyond)")
        metrics = column.columns(2)
        metrics[0].metric("Largest |error|", f"{found.error.max_abs:.3g}")
        metrics[1].metric("RMS error", f"{found.error.rms:.3g}", help=f"{found.relative_rms:.2%} of the output's RMS")
        column.caption(NOTES[name])
