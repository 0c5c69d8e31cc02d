"""Tools for any kernel, preset or not: check it, normalise it, flip it and say what it does.

A kernel is a float64 array (2-D here unless `axes` says otherwise) applied by
**cross-correlation**, as CNNs and ``torch.nn.functional.conv2d`` apply it:
``out[i, j] = Σₖ Σₗ w[k, l] · x[i + k, j + l]``.
The kernel is not flipped, so a weight on its right multiplies the pixel to the right.
Signal-processing convolution flips the kernel first (:func:`flip_kernel`); a kernel that a
180° turn leaves unchanged gives the same result either way.

>>> edge = validate_kernel([[-1, 0, 1]])
>>> flip_kernel(edge)
array([[ 1.,  0., -1.]])
>>> sums_to_zero(edge)
True
"""

from __future__ import annotations

import numpy as np

from .arguments import IntOrTuple, as_float_array, per_axis
from .formulas import MINUS

MAX_KERNEL_SIDE = 15
ANY_SIDE = tuple(range(1, MAX_KERNEL_SIDE + 1))   #: the sides a kernel may have


def kernel_shape(size: IntOrTuple, name: str, allowed: tuple[int, ...] = ANY_SIDE) -> tuple[int, int]:
    """``3`` → ``(3, 3)``: a kernel's (rows, cols), both sides checked against `allowed`.

    >>> kernel_shape(3, "size"), kernel_shape((1, 4), "size")
    ((3, 3), (1, 4))
    >>> kernel_shape(4, "size", allowed=(3, 5))
    Traceback (most recent call last):
    ...
    ValueError: size (4, 4) has 4 rows; allowed: one of (3, 5)
    """
    rows, cols = per_axis(size, 2, name)
    for side, axis in ((rows, "rows"), (cols, "columns")):
        if side not in allowed:
            rule = f"{allowed[0]} to {allowed[-1]}" if allowed == ANY_SIDE else f"one of {allowed}"
            raise ValueError(f"{name} {(rows, cols)} has {side} {axis}; allowed: {rule}")
    return rows, cols


def validate_kernel(kernel: object, axes: int = 2, largest: int = MAX_KERNEL_SIDE) -> np.ndarray:
    """Return `kernel` as a new float64 array of `axes` axes, or explain why it cannot be used.

    Strings, objects and complex numbers raise TypeError. Another number of axes, sides
    outside 1..`largest` and NaN/±inf entries (named by where they are) raise ValueError.

    >>> validate_kernel([[1, 2, 3]])
    array([[1., 2., 3.]])
    >>> validate_kernel([[0, np.nan], [np.inf, 1]])
    Traceback (most recent call last):
    ...
    ValueError: kernel must hold finite numbers; found nan or ±inf at (row 0, col 1), (row 1, col 0)
    >>> validate_kernel(np.ones((2, 3, 3)), axes=3).shape
    (2, 3, 3)
    >>> validate_kernel(np.ones((12, 3, 3)), axes=3, largest=9)
    Traceback (most recent call last):
    ...
    ValueError: kernel shape (12, 3, 3) has 12 along depth; allowed: 1 to 9
    """
    k = as_float_array(kernel, "kernel").astype(np.float64)
    names = {1: ("taps",), 2: ("rows", "columns"), 3: ("depth", "rows", "columns")}.get(
        axes, tuple(f"axis {i}" for i in range(axes)))
    if k.ndim != axes:
        hint = "; write a single row as [[1, 2, 3]]" if axes == 2 else ""
        raise ValueError(f"kernel must be {axes}-D ({' × '.join(names)}), got {k.ndim}-D with shape "
                         f"{k.shape}{hint}")
    for side, name in zip(k.shape, names):
        if not 1 <= side <= largest:
            where = f"{side} {name}" if axes == 2 else f"{side} along {name}"
            raise ValueError(f"kernel shape {k.shape} has {where}; allowed: 1 to {largest}")
    bad = np.argwhere(~np.isfinite(k))
    if len(bad):
        spots = [f"(row {i[0]}, col {i[1]})" if axes == 2 else str(tuple(int(v) for v in i)) for i in bad[:5]]
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise ValueError(f"kernel must hold finite numbers; found nan or ±inf at {', '.join(spots)}{more}")
    return k


def sums_to_zero(kernel: object) -> bool:
    """Whether the weights cancel out (to rounding), so that no scaling makes them sum to 1.

    >>> sums_to_zero([[-1, 0, 1]]), sums_to_zero([[1, 2, 1]]), sums_to_zero([[0, 0]])
    (True, False, True)
    >>> sums_to_zero([[1e308, 1e308]])             # a sum past the largest float is still not 0
    False
    """
    k = validate_kernel(kernel)
    k = k / max(float(np.abs(k).max()), 1e-300)   # scaled to at most 1: sums of weights near 1e308 overflow
    return bool(abs(k.sum()) <= 1e-12 * np.abs(k).sum())


def normalize_kernel(kernel: object) -> np.ndarray:
    """Divide by the sum, so the weights sum to 1 and flat regions keep their brightness.

    A kernel summing to 0 (edge detectors, Laplacians) raises ValueError instead of dividing by
    zero: it answers only to change, which is its job. To compare such kernels' strengths,
    divide by ``np.abs(k).sum()``. A negative sum flips every sign.

    >>> normalize_kernel([[1, 2, 1]])
    array([[0.25, 0.5 , 0.25]])
    >>> normalize_kernel([[-1, 0, 1]])
    Traceback (most recent call last):
    ...
    ValueError: kernel sums to 0 (its weights cancel out), so no scaling makes it sum to 1; ...
    """
    k = validate_kernel(kernel)
    if sums_to_zero(k):
        raise ValueError(f"kernel sums to 0 (its weights cancel out), so no scaling makes it "
                         f"sum to 1; divide by its absolute sum {np.abs(k).sum():.3g} instead to "
                         f"compare strengths")
    return k / k.sum()


def flip_kernel(kernel: object) -> np.ndarray:
    """Rotate 180°: cross-correlating with the flipped kernel is true convolution.

    >>> flip_kernel([[1, 2], [3, 4]])
    array([[4., 3.],
           [2., 1.]])
    """
    return np.ascontiguousarray(validate_kernel(kernel)[::-1, ::-1])


def describe_kernel(kernel: object) -> str:
    """Say what the kernel's sum, signs and symmetry mean for its output.

    >>> print(describe_kernel([[0, 0, 0], [-1, 0, 1], [0, 0, 0]]))
    Sums to 0: responds only to change (edges); flat regions go to 0. Some weights are negative, ...
    """
    k = validate_kernel(kernel)
    if not k.any():
        return "All weights are 0: the output is 0 everywhere."
    total, tol = float(k.sum()), 1e-9 * max(float(np.abs(k).sum()), 1.0)
    if abs(total - 1) <= tol:
        sentences = ["Sums to 1: preserves brightness (flat regions keep their value)."]
    elif abs(total) <= tol:
        sentences = ["Sums to 0: responds only to change (edges); flat regions go to 0."]
    else:
        times = f"{total:.3g}".replace("-", MINUS)
        sentences = [f"Sums to {times}: flat regions come out multiplied by {times}."]
    if np.count_nonzero(k) == 1:
        sentences.append("It has one non-zero weight, so it copies one pixel, scaled.")
    elif (k >= 0).all():
        sentences.append("All weights are ≥ 0, so it averages neighbours (blurs).")
    else:
        sentences.append("Some weights are negative, so it compares neighbours.")
    if np.allclose(k, k[::-1, ::-1]):
        sentences.append("A 180° turn leaves it unchanged, so true convolution gives the same "
                         "result.")
    else:
        sentences.append("A 180° turn changes it, so true convolution gives a different result.")
    return " ".join(sentences)
