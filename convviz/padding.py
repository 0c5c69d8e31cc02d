"""Padding modes: which input value each padding position shows.

Positions are counted in input coordinates, so ``-1`` is the first position before the
input and ``size`` the first after it. For an input ``a b c d``::

    zeros      0 0 | a b c d | 0 0
    reflect    c b | a b c d | c b      (mirror, edge not repeated)
    replicate  a a | a b c d | d d      (edge repeated)
    circular   c d | a b c d | a b      (wrap around)

Examples
--------
>>> source_index(np.arange(-2, 6), 4, "reflect")
array([2, 1, 0, 1, 2, 3, 2, 1])
>>> pad(np.array([1, 2, 3, 4]), ((2, 2),), "circular")
array([3, 4, 1, 2, 3, 4, 1, 2])
"""

from __future__ import annotations

import numpy as np

from .arguments import PerSide, check_mode_padding


def source_index(positions: np.ndarray, size: int, padding_mode: str) -> np.ndarray:
    """Input index each position copies, or ``-1`` where `padding_mode` puts a zero.

    Parameters
    ----------
    positions : array of int
        Positions in input coordinates (negative or ``>= size`` for padding).
    size : int
        Input length along this axis.
    padding_mode : {"zeros", "reflect", "replicate", "circular"}

    Examples
    --------
    >>> source_index(np.array([-1, 0, 3]), 3, "zeros")
    array([-1,  0, -1])
    >>> source_index(np.array([-2, 4]), 3, "replicate")
    array([0, 2])
    """
    i = np.asarray(positions, dtype=np.intp)
    if padding_mode == "zeros":
        return np.where((i >= 0) & (i < size), i, -1)
    if padding_mode == "replicate":
        return np.clip(i, 0, size - 1)
    if padding_mode == "circular":
        return np.mod(i, size)
    if padding_mode == "reflect":
        if size == 1:
            return np.zeros_like(i)
        m = np.mod(i, 2 * (size - 1))
        return np.where(m < size, m, 2 * (size - 1) - m)
    raise ValueError(f"unknown padding_mode {padding_mode!r}")


def pad(x: np.ndarray, pads: PerSide, padding_mode: str = "zeros") -> np.ndarray:
    """Pad the last ``len(pads)`` axes of `x` by ``(before, after)`` each.

    Meant for small arrays (teaching grids, tests); the convolution itself pads block by
    block without a padded copy.

    >>> pad(np.array([[1, 2], [3, 4]]), ((1, 0), (0, 1)), "replicate")
    array([[1, 2, 2],
           [1, 2, 2],
           [3, 4, 4]])
    """
    x = np.asarray(x)
    sizes = x.shape[x.ndim - len(pads):]
    check_mode_padding(pads, sizes, padding_mode)
    for axis, ((before, after), size) in enumerate(zip(pads, sizes), start=x.ndim - len(pads)):
        src = source_index(np.arange(-before, size + after), size, padding_mode)
        taken = np.take(x, np.maximum(src, 0), axis=axis)
        if padding_mode == "zeros":
            shape = [1] * x.ndim
            shape[axis] = src.size
            taken = np.where((src >= 0).reshape(shape), taken, 0).astype(x.dtype)
        x = taken
    return x
