"""3-D convolution scenes: the volume as depth slices side by side, the kernel's slices, the output's.

The same :class:`~convviz.walkthrough.scene.Scene` as in 2-D, so the same renderers draw it:
one grid per depth slice of the (padded) input on a first row, then the kernel's slices and
the output's on a second. A step's window lies on as many input slices as the kernel has,
and the output's slices fill in one after another.

Examples
--------
>>> s = conv3d_scene(np.arange(48.0).reshape(3, 4, 4), np.ones((2, 3, 3)))
>>> len(s.steps), [g.title for g in s.grids][:3], s.steps[0].result
(8, ['Input d=0', 'Input d=1', 'Input d=2'], 234.0)
"""

from __future__ import annotations

import numpy as np

from ..arguments import IntOrTuple, Padding
from ..padding import pad
from ..steps import conv3d_steps
from ..steps_nd import as_channels
from .scene import Grid, Scene, StepView
from .text import axis_notes, equals, formula_lines, labels, operand, operands, products, shorten, shown_exactly


def conv3d_scene(
    x: object, weight: object, bias: float = 0.0, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, padding_mode: str = "zeros",
) -> Scene:
    """A 3-D convolution of one channel with one kernel, one step per output cell.

    Parameters
    ----------
    x : array (D, H, W)
    weight : array (KD, KH, KW)
    bias, stride, padding, dilation, padding_mode
        As in :func:`convviz.conv.conv3d`; checked there (through :func:`convviz.conv3d_steps`).

    Examples
    --------
    >>> s = conv3d_scene(np.ones((2, 3, 3)), np.ones((1, 2, 2)), padding=(1, 0, 0))
    >>> [g.title for g in s.grids if g.title.startswith("Input")], s.formula[0].split(":")[0]
    (['Input d=−1 (padding)', 'Input d=0', 'Input d=1', 'Input d=2 (padding)'], 'Output depth')
    """
    steps = conv3d_steps(x, weight, bias, stride, padding, dilation, padding_mode)
    a = as_channels(x, "x", 3)
    if a.shape[0] != 1:
        raise ValueError(f"x must be one volume (D, H, W) for this walkthrough, got {a.shape[0]} channels")
    (pd, _), (ph, _), (pw, _) = steps.pads
    padded = pad(a[0], steps.pads, padding_mode)
    inside = np.zeros(padded.shape, bool)
    inside[pd:pd + a.shape[1], ph:ph + a.shape[2], pw:pw + a.shape[3]] = True
    kd, kh, kw = steps.weights.shape[1:]
    od, oh, ow = steps.sums.shape
    depth, rows, cols = padded.shape

    grids = [Grid(f"Input d={_slice(s - pd)}" + ("" if inside[s].any() else " (padding)"), 1, s * (cols + 1),
                  np.where(inside[s], padded[s], np.nan), labels(padded[s]), ~inside[s], "input")
             for s in range(depth)]
    below = rows + 3
    grids += [Grid(f"Kernel k={k}", below, k * (kw + 1), steps.weights[0, k], labels(steps.weights[0, k]),
                   np.zeros((kh, kw), bool), "signed") for k in range(kd)]
    first_out = len(grids)
    o_left = kd * (kw + 1) + 1
    grids += [Grid(f"Output d={s}", below, o_left + s * (ow + 1), steps.sums[s], labels(steps.sums[s]),
                   np.zeros((oh, ow), bool), "signed") for s in range(od)]
    signs = ((below + (kh - 1) / 2, o_left - 1, "="),)

    values, weights = operands(steps.values[0]), operands(steps.weights[0])
    views = []
    for k, (d, h, w) in enumerate(np.ndindex(od, oh, ow)):
        reads = [p[d, h, w] + before for p, (before, _) in zip(steps.positions, steps.pads)]  # padded coordinates
        window = np.concatenate([grids[int(s)].cells(r, c) for s, r, c in
                                 ((reads[0][t, 0, 0], reads[1][t], reads[2][t]) for t in range(kd))])
        lines = [f"Step {k + 1} of {od * oh * ow} · output (d, h, w) = ({d}, {h}, {w})"]
        partials = steps.products[0, d, h, w].reshape(kd, -1).sum(axis=1)
        exact = bool(values[1][d, h, w].all() and weights[1].all())
        for t in range(kd):
            terms = [term for row in products(values[0][d, h, w, t], weights[0][t]) for term in row]
            lines.append(f"k={t}: {shorten(terms, ' + ')}{equals(partials[t], exact)}")
        added = [operand(p) for p in partials] + ([f"{operand(bias)} (bias)"] if bias else [])
        exact = exact and all(shown_exactly(p) for p in partials) and shown_exactly(bias)
        lines.append(" + ".join(added) + equals(steps.sums[d, h, w], exact))
        views.append(StepView(window, grids[first_out + d].cells(h, w), np.empty((0, 2), int), tuple(lines),
                              float(steps.sums[d, h, w])))
    worked = steps.geometry.worked
    outputs = tuple(range(first_out, len(grids)))
    return Scene("3-D convolution: the window reaches through the depth slices", tuple(grids), signs, tuple(views),
                 formula_lines(worked), axis_notes(worked), fills=outputs, clickable=outputs)


def _slice(index: int) -> str:
    """A slice index with a true minus sign: ``−1`` for the padding before the first slice."""
    return str(index).replace("-", "−")
