"""1-D convolution scenes: a strip of positions (one row per channel), the kernel, the output strip.

:func:`conv1d_scene` describes every step of a 1-D walkthrough once, for every renderer:
the board renderers (the GIF, :mod:`convviz.gif`) and the page's strip figure
(:mod:`convviz.figures.walk1d`, the kernel sliding under the window). Besides a
:class:`~convviz.walkthrough.scene.Scene`'s grids and steps, a :class:`StripScene` holds
what a strip renderer writes around the board: the names of the rows, the input position
of each column, and what each step multiplies, tap by tap.

Examples
--------
>>> from convviz.steps import conv1d_steps
>>> x = np.array([[1.0, 2.0, 3.0, 4.0]])
>>> s = conv1d_scene(conv1d_steps(x, [1.0, -1.0]), x, column_names=["a", "b", "c", "d"])
>>> len(s.steps), s.steps[1].lines
(3, ('Step 2 of 3 · output 1 · “b c”', '2·1 + 3·(−1) = −1'))
>>> s.product_labels[1].tolist(), s.taps.tolist()
([['2', '−3']], [0, 1])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..padding import pad
from ..steps_nd import ConvStepsND
from .scene import Grid, Scene, StepView
from .text import (
    LINE_LIMIT, axis_notes, equals, expression, formula_lines, labels, operand, operands, shorten, shown_exactly,
)


@dataclass(frozen=True, kw_only=True)
class StripScene(Scene):
    """A 1-D walkthrough: a :class:`~convviz.walkthrough.scene.Scene` whose grids are the strip
    (:attr:`input`), the :attr:`kernel` and the :attr:`output`, with what a strip renderer
    writes beside them.

    Attributes
    ----------
    channel_names : tuple of str
        The strip's rows, top to bottom (``""`` for a single channel).
    positions : int array (cols,)
        The input position of each strip column; negative or past the end: padding.
    column_names : tuple of str or None
        Names of the input positions (the words of a sentence), when they have names.
    products : float array (steps, channels, taps)
        What each step multiplies: the value a tap reads times its weight.
    product_labels : str array (steps, channels, taps)
        The products as the cells write them.
    """

    channel_names: tuple[str, ...]
    positions: np.ndarray
    column_names: tuple[str, ...] | None
    products: np.ndarray
    product_labels: np.ndarray

    @property
    def input(self) -> Grid:
        """The strip of positions the windows read, padding included."""
        return self.grids[0]

    @property
    def kernel(self) -> Grid:
        """The weights, one row per channel (without the gaps of a dilation)."""
        return self.grids[1]

    @property
    def output(self) -> Grid:
        """The outputs, one per step, filling in."""
        return self.grids[2]

    @property
    def taps(self) -> np.ndarray:
        """Strip columns of the kernel's taps, counted from the window's first: ``0, d, 2d, …`` for dilation d."""
        cols = np.unique(self.steps[0].window[:, 1])
        return cols - cols[0]

    def shift(self, step: int) -> int:
        """Strip columns the window has moved at `step` since the first step (the stride, times the steps)."""
        return int(self.steps[step].window[:, 1].min() - self.steps[0].window[:, 1].min())


def _lines(steps: ConvStepsND, k: int, names: Sequence[str], heading: str) -> tuple[str, ...]:
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


def _heading(k: int, n: int, first: int, taps: np.ndarray, column_names: Sequence[str] | None) -> str:
    """``Step k of n · output i``, and the words (`column_names`) the window reads."""
    heading = f"Step {k + 1} of {n} · output {first + k}"
    if column_names:
        read = [column_names[t] for t in taps if 0 <= t < len(column_names)]
        heading += f" · “{' '.join(read)}”" if read else " · only padding"
    return heading


def conv1d_scene(
    steps: ConvStepsND, x: object, channel_names: Sequence[str] | None = None,
    column_names: Sequence[str] | None = None, first: int = 0,
) -> StripScene:
    """The 1-D walkthrough of `steps` over `x` ``(C, L)``: the strip of positions the windows
    read (padding in grey), the kernel under it, the outputs under that.

    Parameters
    ----------
    steps : ConvStepsND
        From :func:`convviz.steps.conv1d_steps` on `x`, possibly for a region.
    x : array (C, L)
        The whole input (the padding shown is computed from it).
    channel_names : names of the C rows, optional
        Embedding dimensions, say; ``channel 0``, … by default, nothing for one channel.
    column_names : names of the L positions, optional
        Words, say: written above the strip and in each step's heading.
    first : int
        Number of the first output, when `steps` covers a region.

    Examples
    --------
    >>> from convviz.steps import conv1d_steps
    >>> x = np.array([[1.0, 2.0, 3.0]])
    >>> s = conv1d_scene(conv1d_steps(x, [1.0, 1.0], padding=1, dilation=2), x)
    >>> s.positions.tolist(), s.input.labels.tolist(), s.taps.tolist(), s.shift(2)
    ([-1, 0, 1, 2, 3], [['0', '1', '2', '3', '0']], [0, 2], 2)
    """
    a = np.asarray(x, dtype=float).reshape(-1, np.shape(x)[-1])
    channels, n, taps = a.shape[0], steps.sums.size, steps.positions[0]
    names = tuple(channel_names or ([""] if channels == 1 else [f"channel {c}" for c in range(channels)]))
    lo, cols = int(taps.min()), int(taps.max() - taps.min()) + 1
    (before, _), = steps.pads
    strip = pad(a, steps.pads, steps.geometry.padding_mode)[:, lo + before:lo + before + cols]
    positions = lo + np.arange(cols)
    inside = np.broadcast_to((positions >= 0) & (positions < a.shape[1]), strip.shape)
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
        lines = _lines(steps, k, names, _heading(k, n, first, taps[k], column_names))
        views.append(StepView(cells, grids[2].cells(np.array([0]), np.array([k])), np.empty((0, 2), int), lines,
                              float(steps.sums[k])))
    worked = steps.geometry.worked
    products = np.moveaxis(steps.products, 1, 0)
    return StripScene("1-D convolution", grids, (), tuple(views), formula_lines(worked), axis_notes(worked), fills=2,
                      clickable=2, channel_names=names, positions=positions,
                      column_names=None if column_names is None else tuple(column_names), products=products,
                      product_labels=labels(products))
