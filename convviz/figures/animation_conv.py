"""Convolution scenes: the window over the (padded) input, the kernel, the output filling in.

One output channel, one step per output cell; with several input channels the scene shows
each channel, its kernel slice and its partial sum, as a CNN layer's filter works.

Examples
--------
>>> s = conv_scene(np.arange(1, 26).reshape(5, 5), [[1, 0, -1]] * 3)
>>> len(s.steps), s.steps[0].lines[1]
(9, '1·1 + 2·0 + 3·(−1) + 6·1 + 7·0 + 8·(−1) + 11·1 + 12·0 + 13·(−1) = −6')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..arguments import IntOrTuple, Padding
from ..arithmetic import explain_conv_output_size
from ..padding import pad
from ..steps import ConvSteps, conv2d_steps
from .animation_scene import Grid, Scene, StepView
from .animation_text import (
    LINE_LIMIT, axis_notes, equals, expression, formula_lines, labels, operand, operands, products, shorten,
    shown_exactly,
)

CHANNEL_NAMES = ("R", "G", "B")


def conv_scene(
    x: object, weight: object, bias: float = 0.0, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, padding_mode: str = "zeros", image: bool = False,
    region: tuple[range, range] | None = None,
) -> Scene:
    """A convolution with one output channel, one step per output cell.

    Parameters
    ----------
    x : array (H, W) or (C, H, W)
        With C channels the scene shows C inputs, C kernel slices and their partial sums
        (the three slices of an RGB filter, for C = 3).
    weight : array (KH, KW) or (C, KH, KW)
    bias, stride, padding, dilation, padding_mode
        As in :func:`convviz.conv.conv2d`; checked there.
    image : bool
        Colour the inputs in greys, as the pixels of a photo.
    region : (rows, cols) of output positions, optional
        Only these outputs of the whole layer, over the part of the input their windows
        read: a patch of a large image with its real neighbours, numbered as in the whole
        output (see :func:`convviz.patches.patch_outputs`).

    Examples
    --------
    >>> s = conv_scene(np.ones((3, 3)), np.ones((1, 1)), padding=1)
    >>> s.grids[0].labels[0].tolist(), s.grids[0].padding[0].tolist()
    (['0', '0', '0', '0', '0'], [True, True, True, True, True])
    """
    bounds = None if region is None else (region[0].start, region[0].stop, region[1].start, region[1].stop)
    steps = conv2d_steps(x, weight, bias, stride, padding, dilation, padding_mode, region=bounds)
    a = np.asarray(x, dtype=float).reshape(-1, *np.shape(x)[-2:])
    channels, (oh, ow) = a.shape[0], steps.sums.shape
    (pt, pb), (pl, pr) = steps.pads
    kh, kw = steps.weights.shape[1:]
    padded = pad(a, steps.pads, padding_mode)
    inside = np.zeros(padded.shape[1:], bool)
    inside[pt:pt + a.shape[1], pl:pl + a.shape[2]] = True
    first = (0, 0) if region is None else (region[0].start, region[1].start)
    top, left = (int(steps.rows.min()) + pt, int(steps.cols.min()) + pl) if region else (0, 0)
    if region is not None:
        crop = np.s_[top:int(steps.rows.max()) + pt + 1, left:int(steps.cols.max()) + pl + 1]
        padded, inside = padded[(slice(None), *crop)], inside[crop]
    hp, wp = padded.shape[1:]
    names = CHANNEL_NAMES if channels == 3 else tuple(f"channel {c}" for c in range(channels))
    pad_note = f" ({padding_mode} padding in grey)" if (pt, pb, pl, pr) != (0, 0, 0, 0) else ""

    grids, signs = [], []
    if channels == 1:
        tall = max(hp, kh, oh)
        mid = 1 + (tall - 1) / 2
        k_left = wp + 2
        o_left = k_left + kw + 2
        grids.append(_input_grid(f"Input{pad_note}", 1 + (tall - hp) // 2, 0, padded[0], inside, image))
        grids.append(_weight_grid("Kernel", 1 + (tall - kh) // 2, k_left, steps.weights[0]))
        signs += [(mid, wp + 0.5, "∗"), (mid, k_left + kw + 0.5, "=")]
        out_top = 1 + (tall - oh) // 2
    else:
        span = wp + 2
        for c in range(channels):
            grids.append(_input_grid(f"{names[c]}{pad_note}" if c == 0 else names[c], 1, c * span, padded[c],
                                     inside, image))
        for c in range(channels):
            grids.append(_weight_grid(f"{names[c]} slice", hp + 3, c * span + max(0, (wp - kw) // 2),
                                      steps.weights[c]))
            signs.append((hp + 1, c * span + (wp - 1) / 2, "∗"))
            signs.append((1 + (hp - 1) / 2, c * span + wp + 0.5, "+" if c < channels - 1 else "="))
        o_left, out_top = channels * span, 1 + max(0, (hp - oh) // 2)
    out = Grid("Output", out_top, o_left, steps.sums, labels(steps.sums), np.zeros((oh, ow), bool), "signed")
    grids.append(out)

    inputs = grids[:channels]
    text = operands(steps.values), operands(steps.weights)
    views = []
    for k in range(oh * ow):
        i, j = divmod(k, ow)
        r, c = steps.rows[i, j] + pt - top, steps.cols[i, j] + pl - left
        window = np.concatenate([g.cells(r, c) for g in inputs])
        heading = f"Step {k + 1} of {oh * ow} · output ({first[0] + i}, {first[1] + j})"
        if channels == 1:
            terms = products(text[0][0][0, i, j], text[1][0][0])
            exact = bool(text[0][1][0, i, j].all() and text[1][1].all())
            if bias:
                terms[-1].append(f"{operand(bias)} (bias)")
                exact = exact and shown_exactly(bias)
            lines = (heading, *expression(terms, equals(steps.sums[i, j], exact)))
        else:
            lines = (heading, *_channel_lines(steps, text, i, j, names))
        views.append(StepView(window, out.cells(i, j), np.empty((0, 2), int), lines, float(steps.sums[i, j])))

    worked = explain_conv_output_size(a.shape[1:], (kh, kw), stride, steps.pads, dilation)
    notes = axis_notes(worked)
    if region is not None:
        rows, cols = (f"{r.start}–{r.stop - 1}" if len(r) > 1 else str(r.start) for r in region)
        out_h, out_w = (w.value for w in worked)
        notes = (f"Outputs rows {rows}, columns {cols} of the whole {out_h}×{out_w} output, with the input "
                 f"they read: rows {top - pt}–{top - pt + hp - 1}, columns {left - pl}–{left - pl + wp - 1} "
                 f"(negative or past the edge: padding).", *notes)
    title = "Convolution" if channels == 1 else f"Convolution over {channels} channels"
    return Scene(title, tuple(grids), tuple(signs), tuple(views), formula_lines(worked), notes,
                 fills=len(grids) - 1, clickable=len(grids) - 1)


def _input_grid(title: str, top: int, left: int, values: np.ndarray, inside: np.ndarray, image: bool) -> Grid:
    return Grid(title, top, left, np.where(inside, values, np.nan), labels(values), ~inside,
                "image" if image else "input")


def _weight_grid(title: str, top: int, left: int, weights: np.ndarray) -> Grid:
    return Grid(title, top, left, weights, labels(weights), np.zeros(weights.shape, bool), "signed")


def _channel_lines(steps: ConvSteps, text: tuple, i: int, j: int, names: Sequence[str]) -> list[str]:
    (values, values_exact), (weights, weights_exact) = text
    lines = []
    for c, name in enumerate(names):
        terms = products(values[c, i, j], weights[c])
        exact = bool(values_exact[c, i, j].all() and weights_exact[c].all())
        partial = steps.partial_sums[c, i, j]
        tail = equals(partial, exact)
        room = LINE_LIMIT - len(name) - 2 - len(tail)
        lines.append(f"{name}: {shorten([t for row in terms for t in row], ' + ', room)}{tail}")
    added = [*steps.partial_sums[:, i, j], *([steps.bias] if steps.bias else [])]
    parts = [operand(p) for p in steps.partial_sums[:, i, j]]
    parts += [f"{operand(steps.bias)} (bias)"] if steps.bias else []
    lines.append(" + ".join(parts) + equals(steps.sums[i, j], all(shown_exactly(v) for v in added)))
    return lines
