"""Pooling scenes: the window over the input, the maximum marked or the mean written out.

Padding shows what PyTorch puts there: −∞ for max pooling (it can never win), 0 for average
pooling (counted in the divisor only with ``count_include_pad``). With ``ceil_mode`` a last
window may hang past the padding; those cells are read by nobody and stay empty.

Examples
--------
>>> s = pool_scene(np.arange(16).reshape(4, 4), 2)
>>> s.steps[0].lines[1], s.steps[0].marks.tolist()
('max(0, 1, 4, 5) = 5', [[2, 1]])
>>> pool_scene(np.arange(16).reshape(4, 4), 2, kind="avg").steps[0].lines[1]
'(0 + 1 + 4 + 5) / 4 = 2.5'
"""

from __future__ import annotations

import numpy as np

from ..arguments import IntOrTuple, per_axis
from ..arithmetic import explain_pool_output_size
from ..steps import pool2d_steps
from .animation_scene import Grid, Scene, StepView
from .animation_text import axis_notes, equals, expression, formula_lines, labels, number, operand, shown_exactly


def pool_scene(
    x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, kind: str = "max", count_include_pad: bool = True,
    image: bool = False,
) -> Scene:
    """Max or average pooling of a 2-D array, one step per output cell.

    Parameters
    ----------
    x : array (H, W)
    kernel_size, stride, padding, dilation, ceil_mode, count_include_pad
        As in :func:`convviz.pooling.max_pool2d` / ``avg_pool2d``; checked there.
    kind : {"max", "avg"}
    image : bool
        Colour the input in greys, as the pixels of a photo.

    Examples
    --------
    >>> s = pool_scene(np.ones((3, 3)), 2, stride=1, padding=1, kind="avg", count_include_pad=False)
    >>> s.grids[0].labels[0].tolist(), s.steps[0].lines[1]
    (['0', '0', '0', '0', '0'], '(1) / 1 = 1')
    """
    steps = pool2d_steps(x, kernel_size, stride, padding, dilation, ceil_mode, kind, count_include_pad)
    a = np.asarray(x, dtype=float).reshape(np.shape(x)[-2:])
    h, w = a.shape
    p = per_axis(padding, 2, "padding")
    oh, ow = steps.results.shape
    top, left = min(-p[0], int(steps.rows.min())), min(-p[1], int(steps.cols.min()))
    bottom, right = max(h - 1 + p[0], int(steps.rows.max())), max(w - 1 + p[1], int(steps.cols.max()))
    r, c = np.mgrid[top:bottom + 1, left:right + 1]
    inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
    band = (r >= -p[0]) & (r < h + p[0]) & (c >= -p[1]) & (c < w + p[1])
    values = np.where(inside, a[np.clip(r, 0, h - 1), np.clip(c, 0, w - 1)], np.nan)
    filler = "−∞" if kind == "max" else "0"
    text = np.where(inside, labels(values), np.where(band, filler, ""))
    colors = "image" if image else "input"
    k = steps.rows.shape[2:]
    tall = max(bottom - top + 1, oh)
    in_grid = Grid(f"Input (padding: {filler})" if p != (0, 0) else "Input", 1 + (tall - len(r)) // 2, 0,
                   values, text, ~inside, colors)
    o_left = in_grid.shape[1] + 2
    out = Grid(f"{'Max' if kind == 'max' else 'Average'} pool", 1 + (tall - oh) // 2, o_left,
               steps.results, labels(steps.results), np.zeros((oh, ow), bool), colors)

    views = []
    for step in range(oh * ow):
        i, j = divmod(step, ow)
        rows, cols = steps.rows[i, j] - top, steps.cols[i, j] - left
        heading = f"Step {step + 1} of {oh * ow} · output ({i}, {j})"
        read = band[rows, cols]
        marks = np.empty((0, 2), int)
        if kind == "max":
            wr, wc = steps.winner[i, j]
            marks = in_grid.cells(rows[wr, wc], cols[wr, wc])
            terms = [[text[a_, b_] if not inside[a_, b_] else operand(values[a_, b_])
                      for a_, b_, ok in zip(ra, ca, ka) if ok] for ra, ca, ka in zip(rows, cols, read)]
            body = expression([t for t in terms if t], ")" + equals(steps.results[i, j], True), "max(", ", ")
        else:
            counted = inside[rows, cols] | (read & count_include_pad)
            terms = [[operand(values[a_, b_]) if inside[a_, b_] else "0" for a_, b_, ok in zip(ra, ca, ka) if ok]
                     for ra, ca, ka in zip(rows, cols, counted)]
            exact = all(shown_exactly(v) for v in np.ravel(values[rows, cols]) if not np.isnan(v))
            tail = f") / {number(steps.divisor[i, j])}" + equals(steps.results[i, j], exact)
            body = expression([t for t in terms if t], tail, "(")
        views.append(StepView(in_grid.cells(rows, cols), out.cells(i, j), marks, (heading, *body),
                              float(steps.results[i, j])))
    worked = explain_pool_output_size((h, w), k, stride, padding, dilation, ceil_mode)
    size = "×".join(map(str, k))
    title = f"{'Max' if kind == 'max' else 'Average'} pooling, window {size}"
    return Scene(title, (in_grid, out), ((1 + (tall - 1) / 2, in_grid.shape[1] + 0.5, "→"),), tuple(views),
                 formula_lines(worked), axis_notes(worked), fills=1, clickable=1)
