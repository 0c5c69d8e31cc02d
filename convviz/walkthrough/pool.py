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
from .paging import follow, neighbourhoods
from .scene import Grid, Scene, StepView
from .text import axis_notes, equals, expression, formula_lines, labels, number, operand, shown_exactly


def pool_scene(
    x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, kind: str = "max", count_include_pad: bool = True,
    image: bool = False, fit: tuple[int, int] | None = None,
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
    fit : (rows, cols), optional
        The largest board a renderer can number legibly; beyond it the input and the output
        show a neighbourhood of the window, as :func:`~convviz.walkthrough.conv.conv_scene` does.

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
    reach = (int(np.ptp(steps.rows[0, 0])) + 1, int(np.ptp(steps.cols[0, 0])) + 1)
    jump = (int(steps.rows[min(1, oh - 1), 0].min() - steps.rows[0, 0].min()) or 1,
            int(steps.cols[0, min(1, ow - 1)].min() - steps.cols[0, 0].min()) or 1)
    in_view, out_view = neighbourhoods(fit, r.shape, (oh, ow), reach, jump, lambda a, b: _layout(a, b)[-1])
    in_place, out_place, sign, _ = _layout(in_view or r.shape, out_view or (oh, ow))
    in_grid = Grid(f"Input (padding: {filler})" if p != (0, 0) else "Input", *in_place, values, text, ~inside, colors,
                   in_view)
    out = Grid(f"{'Max' if kind == 'max' else 'Average'} pool", *out_place, steps.results, labels(steps.results),
               np.zeros((oh, ow), bool), colors, out_view)

    views = []
    for step in range(oh * ow):
        i, j = divmod(step, ow)
        rows, cols = steps.rows[i, j] - top, steps.cols[i, j] - left
        made = seen = (0, 0)
        if out_view is not None:
            made = follow(i, 1, oh, out_view[0]), follow(j, 1, ow, out_view[1])
            seen = int(steps.rows[made[0], 0].min()) - top, int(steps.cols[0, made[1]].min()) - left
        heading = f"Step {step + 1} of {oh * ow} · output ({i}, {j})"
        read = band[rows, cols]
        marks = np.empty((0, 2), int)
        if kind == "max":
            wr, wc = steps.winner[i, j]
            marks = in_grid.cells(rows[wr, wc], cols[wr, wc], seen)
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
        views.append(StepView(in_grid.cells(rows, cols, seen), out.cells(i, j, made), marks, (heading, *body),
                              float(steps.results[i, j]), (seen, made) if out_view else ()))
    worked = explain_pool_output_size((h, w), k, stride, padding, dilation, ceil_mode)
    size = "×".join(map(str, k))
    title = f"{'Max' if kind == 'max' else 'Average'} pooling, window {size}"
    return Scene(title, (in_grid, out), (sign,), tuple(views), formula_lines(worked), axis_notes(worked), fills=1,
                 clickable=1)


def _layout(seen: tuple[int, int], made: tuple[int, int]) -> tuple:
    """Board places of the input and the output, the arrow between them and the board's size."""
    tall = max(seen[0], made[0])
    return ((1 + (tall - seen[0]) // 2, 0), (1 + (tall - made[0]) // 2, seen[1] + 2),
            (1 + (tall - 1) / 2, seen[1] + 0.5, "→"), (1 + tall, seen[1] + 2 + made[1]))
