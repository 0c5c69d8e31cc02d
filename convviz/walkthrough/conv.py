"""Convolution scenes: the window over the (padded) input, the kernel, the output filling in.

One output channel, one step per output cell; with several input channels the scene shows
each channel, its kernel slice and its partial sum, as a CNN layer's filter works.
:func:`conv_scene_for` draws a layer already resolved into a
:class:`~convviz.geometry.Geometry`; :func:`conv_scene` resolves plain settings, then calls it.

Examples
--------
>>> s = conv_scene(np.arange(1, 26).reshape(5, 5), [[1, 0, -1]] * 3)
>>> len(s.steps), s.steps[0].lines[1]
(9, '1·1 + 2·0 + 3·(−1) + 6·1 + 7·0 + 8·(−1) + 11·1 + 12·0 + 13·(−1) = −6')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..arguments import IntOrTuple, Padding, check_finite
from ..geometry import Geometry, conv_geometry
from ..padding import pad
from ..steps_nd import ConvStepsND, as_channels, conv_steps
from .paging import follow, neighbourhoods
from .scene import Grid, Scene, StepView
from .text import (
    LINE_LIMIT, axis_notes, equals, expression, formula_lines, labels, operand, operands, products, shorten,
    shown_exactly,
)

CHANNEL_NAMES = ("R", "G", "B")


def conv_scene(
    x: object, weight: object, bias: float = 0.0, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, padding_mode: str = "zeros", image: bool = False,
    region: tuple[range, range] | None = None, fit: tuple[int, int] | None = None,
) -> Scene:
    """:func:`conv_scene_for` from plain settings, resolved here with :func:`~convviz.geometry.conv_geometry`.

    Parameters
    ----------
    x : array (H, W) or (C, H, W)
    weight : array (KH, KW) or (C, KH, KW)
    bias, stride, padding, dilation, padding_mode
        As in :func:`convviz.conv.conv2d`.
    image, region, fit
        As in :func:`conv_scene_for`.

    Examples
    --------
    >>> s = conv_scene(np.ones((3, 3)), np.ones((1, 1)), padding=1)
    >>> s.grids[0].labels[0].tolist(), s.grids[0].padding[0].tolist()
    (['0', '0', '0', '0', '0'], [True, True, True, True, True])
    """
    a, w = as_channels(x, "x", 2), as_channels(weight, "weight", 2)
    geometry = conv_geometry(a.shape[1:], w.shape[1:], stride, padding, dilation, padding_mode)
    return conv_scene_for(a, w, geometry, bias, image, region, fit)


def conv_scene_for(
    x: object, weight: object, geometry: Geometry, bias: float = 0.0, image: bool = False,
    region: tuple[range, range] | None = None, fit: tuple[int, int] | None = None,
) -> Scene:
    """The convolution `geometry` describes, with one output channel, one step per output cell.

    Parameters
    ----------
    x : array (H, W) or (C, H, W)
        With C channels the scene shows C inputs, C kernel slices and their partial sums
        (the three slices of an RGB filter, for C = 3).
    weight : array (KH, KW) or (C, KH, KW)
        Finite numbers, one slice per channel of `x`.
    geometry : Geometry
        The layer on these shapes, from :func:`~convviz.geometry.conv_geometry`: its stride,
        padding per side, dilation, padding mode and output-size formulas are read, not checked.
    bias : float
    image : bool
        Colour the inputs in greys, as the pixels of a photo.
    region : (rows, cols) of output positions, optional
        Only these outputs of the whole layer, over the part of the input their windows
        read: a patch of a large image with its real neighbours, numbered as in the whole
        output (see :func:`convviz.patches.patch_outputs`).
    fit : (rows, cols), optional
        The largest board a renderer can number legibly. When the whole layer needs more,
        the input and the output show a neighbourhood of the window that turns like a page
        (:attr:`Grid.view`, :func:`~convviz.walkthrough.paging.follow`).

    Examples
    --------
    >>> g = conv_geometry((3, 3), (2, 2), stride=2, padding="full")
    >>> s = conv_scene_for(np.ones((3, 3)), np.ones((2, 2)), g)
    >>> len(s.steps), [v.result for v in s.steps]
    (4, [1.0, 2.0, 2.0, 4.0])
    """
    xs, w = as_channels(x, "x", 2), as_channels(weight, "weight", 2)
    check_finite(w, "weight")
    if w.shape[0] != xs.shape[0]:
        raise ValueError(f"weight has {w.shape[0]} channel slices but x has {xs.shape[0]} channels")
    bounds = None if region is None else (region[0].start, region[0].stop, region[1].start, region[1].stop)
    steps = conv_steps(xs, w, bias, geometry, bounds)
    rows, cols = steps.positions
    a = np.asarray(xs, dtype=float)
    channels, (oh, ow) = a.shape[0], steps.sums.shape
    (pt, pb), (pl, pr) = geometry.pads
    kh, kw = geometry.kernel_size
    padded = pad(a, geometry.pads, geometry.padding_mode)
    inside = np.zeros(padded.shape[1:], bool)
    inside[pt:pt + a.shape[1], pl:pl + a.shape[2]] = True
    first = (0, 0) if region is None else (region[0].start, region[1].start)
    top, left = (int(rows.min()) + pt, int(cols.min()) + pl) if region else (0, 0)
    if region is not None:
        crop = np.s_[top:int(rows.max()) + pt + 1, left:int(cols.max()) + pl + 1]
        padded, inside = padded[(slice(None), *crop)], inside[crop]
    hp, wp = padded.shape[1:]
    names = CHANNEL_NAMES if channels == 3 else tuple(f"channel {c}" for c in range(channels))
    pad_note = f" ({geometry.padding_mode} padding in grey)" if (pt, pb, pl, pr) != (0, 0, 0, 0) else ""
    reach = (int(np.ptp(rows[0, 0])) + 1, int(np.ptp(cols[0, 0])) + 1)   # rows, cols a window spans
    jump = (int(rows[min(1, oh - 1), 0].min() - rows[0, 0].min()) or 1,
            int(cols[0, min(1, ow - 1)].min() - cols[0, 0].min()) or 1)     # the stride
    in_view, out_view = neighbourhoods(fit, (hp, wp), (oh, ow), reach, jump,
                                       lambda seen, made: _layout(channels, seen, (kh, kw), made, True)[-1])
    in_pos, k_pos, out_pos, signs, _ = _layout(channels, in_view or (hp, wp), (kh, kw), out_view or (oh, ow),
                                               out_view is not None)
    titles = [f"Input{pad_note}"] if channels == 1 else [f"{names[0]}{pad_note}", *names[1:channels]]
    grids = [_input_grid(titles[c], *in_pos[c], padded[c], inside, image, in_view) for c in range(channels)]
    grids += [_weight_grid("Kernel" if channels == 1 else f"{names[c]} slice", *k_pos[c], steps.weights[c])
              for c in range(channels)]
    out = Grid("Output", *out_pos, steps.sums, labels(steps.sums), np.zeros((oh, ow), bool), "signed", out_view)
    grids.append(out)

    inputs = grids[:channels]
    text = operands(steps.values), operands(steps.weights)
    views = []
    for k in range(oh * ow):
        i, j = divmod(k, ow)
        r, c = rows[i, j] + pt - top, cols[i, j] + pl - left
        made = seen = (0, 0)
        if out_view is not None:
            made = follow(i, 1, oh, out_view[0]), follow(j, 1, ow, out_view[1])
            seen = (int(rows[made[0], 0].min()) + pt - top, int(cols[0, made[1]].min()) + pl - left)
        origins = (seen,) * channels + ((0, 0),) * channels + (made,) if out_view else ()
        window = np.concatenate([g.cells(r, c, seen) for g in inputs])
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
        views.append(StepView(window, out.cells(i, j, made), np.empty((0, 2), int), lines, float(steps.sums[i, j]),
                              origins))

    worked = geometry.worked
    notes = axis_notes(worked)
    if region is not None:
        rows, cols = (f"{r.start}–{r.stop - 1}" if len(r) > 1 else str(r.start) for r in region)
        out_h, out_w = (w.value for w in worked)
        notes = (f"Outputs rows {rows}, columns {cols} of the whole {out_h}×{out_w} output, with the input "
                 f"they read: rows {top - pt}–{top - pt + hp - 1}, columns {left - pl}–{left - pl + wp - 1} "
                 f"(negative or past the edge: padding).", *notes)
    title = "Convolution" if channels == 1 else f"Convolution over {channels} channels"
    return Scene(title, tuple(grids), tuple(map(tuple, signs)), tuple(views), formula_lines(worked), notes,
                 fills=len(grids) - 1, clickable=len(grids) - 1)


def _layout(channels: int, seen: tuple[int, int], kernel: tuple[int, int], made: tuple[int, int],
            stacked: bool = False) -> tuple:
    """Board places ``(top, left)`` of the inputs, the kernels and the output, the signs between
    them and the board's rows and columns, for grids taking these rows and columns.

    One channel, or several `stacked`: each channel ∗ its kernel, one above the other, = the
    output. Several side by side: each kernel slice under its channel, then the output (wide
    but short, best while every grid is shown whole).
    """
    (hp, wp), (kh, kw), (oh, ow) = seen, kernel, made
    if channels == 1 or stacked:
        tall = max(hp, kh)
        band = tall + 2
        rows = max(channels * band - 1, oh + 1)
        k_left = wp + 2
        o_left = k_left + kw + 2
        mid = 1 + (rows - 2) / 2
        inputs = [(1 + c * band + (tall - hp) // 2, 0) for c in range(channels)]
        kernels = [(1 + c * band + (tall - kh) // 2, k_left) for c in range(channels)]
        signs = [(1 + c * band + (tall - 1) / 2, wp + 0.5, "∗") for c in range(channels)]
        signs += [((c + 1) * band - 0.5, k_left - 1, "+") for c in range(channels - 1)]
        signs.append((mid, k_left + kw + 0.5, "="))
        return inputs, kernels, (1 + int((rows - 1 - oh) // 2), o_left), signs, (rows, o_left + ow)
    span = wp + 2
    signs = []
    for c in range(channels):
        signs += [(hp + 1, c * span + (wp - 1) / 2, "∗"),
                  (1 + (hp - 1) / 2, c * span + wp + 0.5, "+" if c < channels - 1 else "=")]
    o_left, out_top = channels * span, 1 + max(0, (hp - oh) // 2)
    return ([(1, c * span) for c in range(channels)],
            [(hp + 3, c * span + max(0, (wp - kw) // 2)) for c in range(channels)], (out_top, o_left), signs,
            (max(hp + 3 + kh, out_top + oh), o_left + ow))


def _input_grid(title: str, top: int, left: int, values: np.ndarray, inside: np.ndarray, image: bool,
                view: tuple[int, int] | None) -> Grid:
    return Grid(title, top, left, np.where(inside, values, np.nan), labels(values), ~inside,
                "image" if image else "input", view)


def _weight_grid(title: str, top: int, left: int, weights: np.ndarray) -> Grid:
    return Grid(title, top, left, weights, labels(weights), np.zeros(weights.shape, bool), "signed")


def _channel_lines(steps: ConvStepsND, text: tuple, i: int, j: int, names: Sequence[str]) -> list[str]:
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
