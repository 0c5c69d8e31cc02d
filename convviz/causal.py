"""Causal and dilated 1-D convolutions: outputs that never read the future, and see far.

A convolution is *causal* when output ``t`` reads only inputs ``t, t − d, …, t − (k − 1)·d``:
pad ``dilation·(kernel_size − 1)`` on the left and nothing on the right. Stacking causal
layers whose dilations double (1, 2, 4, 8, as in WaveNet, van den Oord et al. 2016) makes
the receptive field double with every layer while each layer keeps its few weights: with
kernel 2, four layers see 16 inputs.

Examples
--------
>>> causal_padding(3, dilation=2)
((4, 0),)
>>> s = dilated_stack(16, kernel_size=2, dilations=(1, 2, 4, 8))
>>> s.fields, s.reads[0].tolist() == list(range(16))
((2, 4, 8, 16), True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .arguments import per_axis
from .arithmetic import receptive_field

WAVENET = (1, 2, 4, 8)      #: dilations of one WaveNet block (the paper repeats 1, 2, …, 512)
MAX_LAYERS = 8
MAX_LENGTH = 256


def causal_padding(kernel_size: int, dilation: int = 1) -> tuple[tuple[int, int]]:
    """Padding ``((left, right),)`` that makes a 1-D convolution causal: ``left = dilation·(k − 1)``, ``right = 0``.

    With it and stride 1 the output is as long as the input and output ``t`` reads inputs
    ``t − (k − 1)·d`` to ``t``.

    >>> causal_padding(1)
    ((0, 0),)
    """
    (k,) = per_axis(kernel_size, 1, "kernel_size", minimum=1)
    (d,) = per_axis(dilation, 1, "dilation", minimum=1)
    return ((d * (k - 1), 0),)


@dataclass(frozen=True)
class Stack:
    """What one output of a stack of causal dilated convolutions reads, layer by layer.

    Level 0 is the input and level ``l`` the output of layer ``l`` (1 to ``len(dilations)``);
    every level is `length` long (causal padding, stride 1).

    Attributes
    ----------
    length, kernel_size : int
    dilations : tuple of int
    output : int
        The output followed, at the top level.
    reads : tuple of int arrays, one per level, bottom (input) first
        The positions of that level the output depends on, ascending; negative ones are the
        causal padding (zeros).
    edges : tuple of int arrays (m, 2), one per layer
        ``(position below, position above)`` of every connection on the way down.
    fields : tuple of int
        Receptive field after each layer: ``1 + (k − 1)·(d₁ + … + d_l)``.
    """

    length: int
    kernel_size: int
    dilations: tuple[int, ...]
    output: int
    reads: tuple[np.ndarray, ...]
    edges: tuple[np.ndarray, ...]
    fields: tuple[int, ...]


def dilated_stack(length: int, kernel_size: int = 2, dilations: Sequence[int] = WAVENET,
                  output: int | None = None) -> Stack:
    """Follow output `output` (the last by default) of causal layers with these dilations down to the input.

    Raises
    ------
    ValueError
        For a length outside 1…:data:`MAX_LENGTH`, no layers or more than
        :data:`MAX_LAYERS`, a kernel of fewer than 2 taps, or an output outside the sequence.

    Examples
    --------
    >>> s = dilated_stack(8, kernel_size=2, dilations=(1, 2), output=5)
    >>> [r.tolist() for r in s.reads]
    [[2, 3, 4, 5], [3, 5], [5]]
    >>> s.edges[1].tolist()
    [[3, 5], [5, 5]]
    """
    (n,) = per_axis(length, 1, "length", minimum=1)
    (k,) = per_axis(kernel_size, 1, "kernel_size", minimum=2)
    d = per_axis(tuple(dilations), len(dilations), "dilation", minimum=1)
    if n > MAX_LENGTH:
        raise ValueError(f"length must be at most {MAX_LENGTH} to draw, got {n}")
    if not 1 <= len(d) <= MAX_LAYERS:
        raise ValueError(f"a stack needs 1 to {MAX_LAYERS} layers, got {len(d)}")
    top = n - 1 if output is None else per_axis(output, 1, "output")[0]
    if not 0 <= top < n:
        raise ValueError(f"output {top} is outside the sequence (0 to {n - 1})")
    reads, edges = [np.array([top])], []
    for dl in reversed(d):
        above = reads[0]
        below = above[:, None] - dl * np.arange(k - 1, -1, -1)[None, :]   # oldest tap first
        edges.insert(0, np.stack([below.ravel(), np.repeat(above, k)], axis=1))
        reads.insert(0, np.unique(below))
    fields = tuple(f.size for f in receptive_field([{"kernel_size": k, "dilation": dl} for dl in d]))
    return Stack(n, k, d, top, tuple(reads), tuple(edges), fields)
