"""1-D convolution scenes: a strip of positions (one row per channel), the kernel, the output strip.

The text of each step (its heading and arithmetic) is written here for every renderer of a
1-D walkthrough: the page's own strip figure (:mod:`convviz.figures.walk1d`, the kernel
sliding under the window) and, through :func:`conv1d_scene`, the board renderers (the GIF).

Examples
--------
>>> from convviz.steps import conv1d_steps
>>> x = np.array([[1.0, 2.0, 3.0, 4.0]])
>>> s = conv1d_scene(conv1d_steps(x, [1.0, -1.0]), x, column_names=["a", "b", "c", "d"])
>>> len(s.steps), s.steps[1].lines
(3, ('Step 2 of 3 · output 1 · “b c”', '2·1 + 3·(−1) = −1'))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..padding import pad
from ..steps_nd import ConvStepsND
from .scene import Grid, Scene, StepView
from .text import (
    LINE_LIMIT, axis_notes, equals, expression, formula_lines, labels, operand, operands, shorten, shown_exactly,
)


def strip_lines(steps: ConvStepsND, k: int, names: Sequence[str], heading: str) -> tuple[str, ...]:
    """The heading and the arithmetic of output `k`: for one channel its products, for several each
    channel's sum and then theirs."""
    (values, v_exact), (weights, w_exact) = operands(steps.values[:, k]), operands(steps.weights)
    if len(names) == 1:
        terms = [[f"{v}·{w}" for v, w in zip(values[0], weights[0])]]
        exact = bool(v_exact.all() and w_exact.all())
        if steps.bias:
            terms[-1].append(f"{operand(steps.bias)} (bias)")
            exact = exact and shown_exactly(steps.bias)
        return (heading, *expression(terms, equals(steps.sums[k], exact)))
    lines = [heading]
    for c, name in enumerate(names):
        row = [f"{v}·{w}" for v, w in zip(values[c], weights[c])]
        tail = equals(steps.partial_sums[c, k], bool(v_exact[c].all() and w_exact[c].all()))
        lines.append(f"{name}: {shorten(row, ' + ', LINE_LIMIT - len(name) - 2 - len(tail))}{tail}")
    parts = [operand(p) for p in steps.partial_sums[:, k]] + ([f"{operand(steps.bias)} (bias)"] if steps.bias else [])
    added = [*steps.partial_sums[:, k], *([steps.bias] if steps.bias else [])]
    lines.append(" + ".join(parts) + equals(steps.sums[k], all(shown_exactly(v) for v in added)))
    return tuple(lines)


def strip_heading(k: int, n: int, first: int, taps: np.ndarray, column_names: Sequence[str] | None) -> str:
    """``Step k of n · output i``, and the words (`column_names`) the window reads."""
    heading = f"Step {k + 1} of {n} · output {first + k}"
    if column_names:
        read = [column_names[t] for t in taps if 0 <= t < len(column_names)]
        heading += f" · “{' '.join(read)}”" if read else " · only padding"
    return heading


def conv1d_scene(
    steps: ConvStepsND, x: object, channel_names: Sequence[str] | None = None,
    column_names: Sequence[str] | None = None, first: int = 0,
) -> Scene:
    """The 1-D walkthrough of `steps` over `x` ``(C, L)`` as a board: the strip of positions the
    windows read (padding in grey), the kernel under it, the outputs under that.

    Parameters are those of :func:`convviz.figures.walk1d.walk_figure`: `steps` from
    :func:`convviz.steps.conv1d_steps` on `x` (or a region of it, numbered from `first`),
    `channel_names` for the rows and `column_names` (words, say) for the positions.
    """
    a = np.asarray(x, dtype=float).reshape(-1, np.shape(x)[-1])
    channels, n, taps = a.shape[0], steps.sums.size, steps.positions[0]
    names = list(channel_names or ([""] if channels == 1 else [f"channel {c}" for c in range(channels)]))
    lo, cols = int(taps.min()), int(taps.max() - taps.min()) + 1
    (before, _), = steps.pads
    strip = pad(a, steps.pads, steps.geometry.padding_mode)[:, lo + before:lo + before + cols]
    inside = np.broadcast_to((lo + np.arange(cols) >= 0) & (lo + np.arange(cols) < a.shape[1]), strip.shape)
    title = "Input" + (f" (rows: {', '.join(names)})" if channels > 1 else "") + (
        " · padding in grey" if not inside.all() else "")
    grids = (
        Grid(title, 1, 0, np.where(inside, strip, np.nan), labels(strip), ~inside, "input"),
        Grid("Kernel", channels + 2, 0, steps.weights, labels(steps.weights), np.zeros(steps.weights.shape, bool),
             "signed"),
        Grid("Output", 2 * channels + 3, (steps.geometry.span[0] - 1) // 2, steps.sums[None] * 1.0,
             labels(steps.sums)[None], np.zeros((1, n), bool), "signed"),
    )
    views = []
    for k in range(n):
        cells = grids[0].cells(*np.broadcast_arrays(np.arange(channels)[:, None], taps[k][None] - lo))
        lines = strip_lines(steps, k, names, strip_heading(k, n, first, taps[k], column_names))
        views.append(StepView(cells, grids[2].cells(np.array([0]), np.array([k])), np.empty((0, 2), int), lines,
                              float(steps.sums[k])))
    worked = steps.geometry.worked
    return Scene("1-D convolution", grids, (), tuple(views), formula_lines(worked), axis_notes(worked), fills=2,
                 clickable=2)
