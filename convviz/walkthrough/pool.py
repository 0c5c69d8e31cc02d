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

from ..arguments import IntOrTuple
from ..geometry import Geometry, pool_geometry
from ..steps_nd import as_channels, pool_steps
from .paging import follow, neighbourhoods
from .scene import Grid, Scene, StepView
from .text import axis_notes, equals, expression, formula_lines, labels, number, operand, shown_exactly


def pool_scene(
    x: object, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, kind: str = "max", count_include_pad: bool = True,
    image: bool = False, fit: tuple[int, int] | None = None,
) -> Scene:
    """:func:`pool_scene_for` from plain settings, resolved here with :func:`~convviz.geometry.pool_geometry`.

    Parameters
    ----------
    x : array (H, W)
    kernel_size, stride, padding, dilation, ceil_mode, count_include_pad
        As in :func:`convviz.pooling.max_pool2d` / ``avg_pool2d``.
    kind : {"max", "avg"}
    image, fit
        As in :func:`pool_scene_for`.

    Examples
    --------
    >>> s = pool_scene(np.ones((3, 3)), 2, stride=1, padding=1, kind="avg", count_include_pad=False)
    >>> s.grids[0].labels[0].tolist(), s.steps[0].lines[1]
    (['0', '0', '0', '0', '0'], '(1) / 1 = 1')
    """
    a = as_channels(x, "x", 2)
    geometry = pool_geometry(a.shape[1:], kernel_size, stride, padding, dilation, ceil_mode, kind)
    return pool_scene_for(a, geometry, kind, count_include_pad, image, fit)


def pool_scene_for(
    x: object, geometry: Geometry, kind: str = "max", count_include_pad: bool = True, image: bool = False,
    fit: tuple[int, int] | None = None,
) -> Scene:
    """The max or average pooling `geometry` describes, of a 2-D array, one step per output cell.

    Parameters
    ----------
    x : array (H, W) or (1, H, W)
    geometry : Geometry
        The pooling on this shape, from :func:`~convviz.geometry.pool_geometry` with the same
        `kind`: its window, stride, padding, dilation, output size (``ceil_mode`` included)
        and formulas are read, not checked.
    kind : {"max", "avg"}
    count_include_pad : bool
        Average pooling: whether the padding counts in the divisor.
    image : bool
        Colour the input in greys, as the pixels of a photo.
    fit : (rows, cols), optional
        The largest board a renderer can number legibly; beyond it the input and the output
        show a neighbourhood of the window, as :func:`~convviz.walkthrough.conv.conv_scene_for` does.

    Examples
    --------
    >>> s = pool_scene_for(np.arange(9).reshape(3, 3), pool_geometry((3, 3), 2, ceil_mode=True))
    >>> [v.result for v in s.steps], s.steps[-1].lines[1]     # the last window hangs past the edge
    ([4.0, 5.0, 7.0, 8.0], 'max(8) = 8')
    """
    xs = as_channels(x, "x", 2)
    if xs.shape[0] != 1:
        raise ValueError(f"pool2d_steps takes one channel, got {xs.shape[0]}")
    steps = pool_steps(xs[0], geometry, kind, count_include_pad)
    a = np.asarray(xs[0], dtype=float)
    h, w = a.shape
    tap_rows, tap_cols = steps.positions
    p = tuple(before for before, _ in geometry.pads)
    oh, ow = steps.results.shape
    top, left = min(-p[0], int(tap_rows.min())), min(-p[1], int(tap_cols.min()))
    bottom, right = max(h - 1 + p[0], int(tap_rows.max())), max(w - 1 + p[1], int(tap_cols.max()))
    r, c = np.mgrid[top:bottom + 1, left:right + 1]
    inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
    band = (r >= -p[0]) & (r < h + p[0]) & (c >= -p[1]) & (c < w + p[1])
    values = np.where(inside, a[np.clip(r, 0, h - 1), np.clip(c, 0, w - 1)], np.nan)
    filler = "−∞" if kind == "max" else "0"
    text = np.where(inside, labels(values), np.where(band, filler, ""))
    colors = "image" if image else "input"
    k = geometry.kernel_size
    reach = (int(np.ptp(tap_rows[0, 0])) + 1, int(np.ptp(tap_cols[0, 0])) + 1)
    jump = (int(tap_rows[min(1, oh - 1), 0].min() - tap_rows[0, 0].min()) or 1,
            int(tap_cols[0, min(1, ow - 1)].min() - tap_cols[0, 0].min()) or 1)
    in_view, out_view = neighbourhoods(fit, r.shape, (oh, ow), reach, jump, lambda a, b: _layout(a, b)[-1])
    in_place, out_place, sign, _ = _layout(in_view or r.shape, out_view or (oh, ow))
    in_grid = Grid(f"Input (padding: {filler})" if p != (0, 0) else "Input", *in_place, values, text, ~inside, colors,
                   in_view)
    out = Grid(f"{'Max' if kind == 'max' else 'Average'} pool", *out_place, steps.results, labels(steps.results),
               np.zeros((oh, ow), bool), colors, out_view)

    views = []
    for step in range(oh * ow):
        i, j = divmod(step, ow)
        rows, cols = tap_rows[i, j] - top, tap_cols[i, j] - left
        made = seen = (0, 0)
        if out_view is not None:
            made = follow(i, 1, oh, out_view[0]), follow(j, 1, ow, out_view[1])
            seen = int(tap_rows[made[0], 0].min()) - top, int(tap_cols[0, made[1]].min()) - left
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
    worked = geometry.worked
    size = "×".join(map(str, k))
    title = f"{'Max' if kind == 'max' else 'Average'} pooling, window {size}"
    return Scene(title, (in_grid, out), (sign,), tuple(views), formula_lines(worked), axis_notes(worked), fills=1,
                 clickable=1)


def _layout(seen: tuple[int, int], made: tuple[int, int]) -> tuple:
    """Board places of the input and the output, the arrow between them and the board's size."""
    tall = max(seen[0], made[0])
    return ((1 + (tall - seen[0]) // 2, 0), (1 + (tall - made[0]) // 2, seen[1] + 2),
            (1 + (tall - 1) / 2, seen[1] + 0.5, "→"), (1 + tall, seen[1] + 2 + made[1]))
