"""Patches of a large input: which outputs of the whole layer a patch shows, and which patch shows an output.

A walkthrough of a photo cannot show every output; it shows a patch, with its real neighbours,
numbered as in the whole output. Both pages that show one use these two functions, so an
output inspected on one is the same output, with the same number, on the other.

Examples
--------
>>> patch_outputs((10,), (3,), (1,), ((1, 1),), (1,), (3,), 5)
(range(4, 7),)
"""

from __future__ import annotations

import numpy as np


def patch_outputs(
    size: tuple[int, ...], kernel_size: tuple[int, ...], stride: tuple[int, ...], pads: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...], top: tuple[int, ...], extent: int,
) -> tuple[range, ...]:
    """Per axis, the outputs whose whole window lies in an `extent`-wide patch of the input.

    The patch starts at `top`. Where it reaches the input's border, the padding beyond that
    border belongs to it too, so the outputs there are included, as in the whole layer.

    Examples
    --------
    >>> patch_outputs((10,), (3,), (1,), ((1, 1),), (1,), (0,), 5)      # reaches the top: padding too
    (range(0, 4),)
    >>> patch_outputs((10,), (3,), (2,), ((1, 1),), (1,), (4,), 5)
    (range(3, 4),)
    """
    ranges = []
    for n, k, s, (before, after), d, t in zip(size, kernel_size, stride, pads, dilation, top):
        span = d * (k - 1) + 1
        out = (n + before + after - span) // s + 1
        lo = t + before if t > 0 else 0
        hi = (t + extent if t + extent < n else n + after) + before - span
        ranges.append(range(max(-(-lo // s), 0), min(hi // s + 1, out)))
    return tuple(ranges)


def patch_around(
    size: tuple[int, ...], kernel_size: tuple[int, ...], stride: tuple[int, ...], pads: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...], output: tuple[int, ...], extent: int,
) -> tuple[tuple[int, ...], int]:
    """The `extent`-wide patch that centres the window of `output`: its top, and `output`'s step.

    The step counts from 1 over the outputs :func:`patch_outputs` finds in that patch, row by
    row, as a walkthrough of the patch visits them. `extent` must be at least the window's span.

    >>> patch_around((10,), (3,), (1,), ((1, 1),), (1,), (5,), 5)
    ((3,), 2)
    >>> patch_outputs((10,), (3,), (1,), ((1, 1),), (1,), (3,), 5)      # outputs 4, 5, 6: 5 is step 2
    (range(4, 7),)
    """
    tops = []
    for n, k, s, (before, _), d, o in zip(size, kernel_size, stride, pads, dilation, output):
        start, span = o * s - before, d * (k - 1) + 1
        tops.append(min(max(start - (extent - span) // 2, 0), max(n - extent, 0)))
    region = patch_outputs(size, kernel_size, stride, pads, dilation, tuple(tops), extent)
    step = int(np.ravel_multi_index([o - r.start for o, r in zip(output, region)], [len(r) for r in region])) + 1
    return tuple(tops), step
