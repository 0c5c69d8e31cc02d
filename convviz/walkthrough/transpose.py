"""Transposed-convolution scenes: each input cell stamps a scaled kernel; overlaps add.

The output is drawn on the full canvas the stamps land on. ``padding`` crops that canvas
on every side (cropped cells are grey), ``output_padding`` gives back rows and columns at
the bottom and right, and the stride is the jump between neighbouring stamps.

Examples
--------
>>> s = transpose_scene(np.array([[1, 2]]), np.ones((1, 2)))
>>> s.steps[1].lines[1], s.running_labels(1)[0].tolist()
('adds 2 × kernel at output row 0, columns 1 to 2', ['1', '3', '2'])
"""

from __future__ import annotations

import numpy as np

from ..arguments import IntOrTuple
from ..arithmetic import explain_conv_transpose_output_size
from ..steps import conv_transpose2d_steps
from .scene import Grid, Scene, StepView
from .text import formula_lines, labels, number, operand, shorten

MAX_SIDE = 8  # input cells per side: every step is a snapshot of the output, so keep it a classroom size


def _span(name: str, lo: int, hi: int) -> str:
    return f"{name} {number(lo)}" if lo == hi else f"{name}s {number(lo)} to {number(hi)}"


def transpose_scene(
    x: object, weight: object, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0, dilation: IntOrTuple = 1, image: bool = False,
    fit: tuple[int, int] | None = None,
) -> Scene:
    """A single-channel transposed convolution, one step per input cell.

    Inputs larger than :data:`MAX_SIDE` per side, or than lets the board fit in `fit` (rows,
    cols; see :func:`~convviz.figures.animation.legible_fit`), are cut to their top-left
    corner (a note says so): the point is to watch stamps add up, which a small input shows best.

    Parameters
    ----------
    x : array (H, W)
    weight : array (KH, KW)
    stride, padding, output_padding, dilation
        As in :func:`convviz.conv.conv_transpose2d`; checked there.
    image : bool
        Colour the input in greys, as the pixels of a photo.

    Examples
    --------
    >>> s = transpose_scene(np.ones((2, 2)), np.ones((3, 3)), stride=2, padding=1, output_padding=1)
    >>> s.grids[2].shape, int(s.grids[2].padding.sum()), s.formula[0].endswith("+ 1 = 4")
    ((5, 5), 9, True)
    """
    a = np.asarray(x, dtype=float)
    a = a.reshape(a.shape[-2:]) if a.ndim == 3 and a.shape[0] == 1 else a
    notes = []
    side = MAX_SIDE
    while fit is not None and side > 1 and a.ndim == 2:
        rows, cols = transpose_scene(a[:side, :side], weight, stride, padding, output_padding, dilation).board
        if rows <= fit[0] and cols <= fit[1]:
            break
        side -= 1
    if a.ndim == 2 and max(a.shape) > side:
        notes.append(f"Showing the top-left {min(a.shape[0], side)}×{min(a.shape[1], side)} of the "
                     f"{a.shape[0]}×{a.shape[1]} input: every stamp is a step, so a small input shows it best.")
        a = a[:side, :side]
    steps = conv_transpose2d_steps(a, weight, stride, padding, output_padding, dilation)
    w = np.asarray(weight, dtype=float).reshape(steps.stamps.shape[2:])
    h_in, w_in = a.shape
    oh, ow = steps.results.shape
    top, left = min(0, int(steps.rows.min())), min(0, int(steps.cols.min()))
    bottom, right = max(oh - 1, int(steps.rows.max())), max(ow - 1, int(steps.cols.max()))
    r, c = np.mgrid[top:bottom + 1, left:right + 1]
    cropped = (r < 0) | (r >= oh) | (c < 0) | (c >= ow)

    tall = max(h_in, w.shape[0], len(r))
    mid = 1 + (tall - 1) / 2
    k_left = w_in + 2
    c_left = k_left + w.shape[1] + 2
    colors = "image" if image else "input"
    grids = (
        Grid("Input", 1 + (tall - h_in) // 2, 0, a, labels(a), np.zeros(a.shape, bool), colors),
        Grid("Kernel", 1 + (tall - w.shape[0]) // 2, k_left, w, labels(w), np.zeros(w.shape, bool), "signed"),
        Grid("Output (grey: cropped by padding)" if cropped.any() else "Output", 1 + (tall - len(r)) // 2, c_left,
             np.full(r.shape, np.nan), np.full(r.shape, "", dtype=object).astype(str), cropped, "plain"),
    )
    signs = ((mid, w_in + 0.5, "×"), (mid, k_left + w.shape[1] + 0.5, "→"))

    landed = np.zeros((h_in * w_in, oh, ow), bool)
    inside = (steps.rows >= 0) & (steps.rows < oh) & (steps.cols >= 0) & (steps.cols < ow)
    cell = np.broadcast_to(np.arange(h_in * w_in).reshape(a.shape)[:, :, None, None], steps.rows.shape)
    landed[cell[inside], steps.rows[inside], steps.cols[inside]] = True
    landed = np.logical_or.accumulate(landed, axis=0)
    landed[-1] = True  # at the end every output cell has its value, 0 where no stamp reached
    running = np.full((h_in * w_in, *r.shape), np.nan)
    running[:, -top:-top + oh, -left:-left + ow] = np.where(landed, steps.after, np.nan)

    views = []
    for k in range(h_in * w_in):
        i, j = divmod(k, w_in)
        rows, cols = steps.rows[i, j], steps.cols[i, j]
        where = f"{_span('row', rows.min(), rows.max())}, {_span('column', cols.min(), cols.max())}"
        crop = "" if inside[i, j].all() else " (partly cropped)"
        lines = [f"Step {k + 1} of {h_in * w_in} · input ({i}, {j}) = {number(a[i, j])}",
                 f"adds {number(a[i, j])} × kernel at output {where}{crop}"]
        products = [[f"{operand(a[i, j])}·{operand(wv)} = {number(s)}" for wv, s in zip(wr, sr)]
                    for wr, sr in zip(w, steps.stamps[i, j])]
        if w.size > 1:
            rows_text = [shorten(p, "   ") for p in products]
            lines += rows_text if len(rows_text) <= 4 else [*rows_text[:2], "⋮", rows_text[-1]]
        views.append(StepView(grids[2].cells(rows - top, cols - left), grids[0].cells(i, j),
                              np.empty((0, 2), int), tuple(lines), float(a[i, j])))
    worked = explain_conv_transpose_output_size(a.shape, w.shape, stride, padding, output_padding, dilation)
    notes.append("Where stamps overlap their values add: each output cell shows its running total.")
    return Scene("Transposed convolution: every input cell stamps a scaled copy of the kernel", grids, signs,
                 tuple(views), formula_lines(worked), tuple(notes), running=running, running_grid=2, clickable=0)
