"""Turning the arguments people write into one canonical form, and refusing bad ones.

Every engine function accepts "an int or one per spatial axis" for sizes, strides and
dilations, and several spellings of padding. This module is the only place that turns
those spellings into tuples and checks them, so each rule is written (and explained) once.

Examples
--------
>>> per_axis(2, 2, "stride")
(2, 2)
>>> padding_per_side("same", kernel_size=(3, 4))
((1, 1), (1, 2))
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

IntOrTuple = int | Sequence[int]
Padding = int | str | Sequence[int] | Sequence[Sequence[int]]
PerSide = tuple[tuple[int, int], ...]

PADDING_WORDS = ("valid", "same", "full")
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def as_int(value: object, name: str) -> int:
    """Return `value` as a Python int, or raise TypeError naming `name`.

    Booleans and floats are refused (even ``2.0``): sizes count pixels.

    >>> as_int(np.int64(3), "kernel_size")
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a whole number, got {value!r} ({type(value).__name__})"
        )
    return int(value)


def per_axis(value: IntOrTuple, ndim: int, name: str, minimum: int | None = None) -> tuple[int, ...]:
    """Spread an int over `ndim` axes, or check a sequence has one value per axis.

    Parameters
    ----------
    value : int or sequence of int
    ndim : int
        Number of spatial axes.
    name : str
        The parameter's name, used in messages.
    minimum : int, optional
        Smallest allowed value.

    Raises
    ------
    TypeError
        For non-integers.
    ValueError
        For a wrong count or a value below `minimum`.

    Examples
    --------
    >>> per_axis((1, 2), 2, "dilation", minimum=1)
    (1, 2)
    >>> per_axis(0, 2, "stride", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: stride must be at least 1, got 0
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a whole number or one per axis, got {value!r}")
    if isinstance(value, (Sequence, np.ndarray)):
        values = tuple(as_int(v, name) for v in value)
        if len(values) != ndim:
            raise ValueError(
                f"{name} needs one value or {ndim} (one per spatial axis), "
                f"got {len(values)}: {tuple(values)}"
            )
    else:
        values = (as_int(value, name),) * ndim
    if minimum is not None:
        for v in values:
            if v < minimum:
                raise ValueError(f"{name} must be at least {minimum}, got {v}")
    return values


def effective_kernel_size(kernel_size: IntOrTuple, dilation: IntOrTuple = 1) -> int | tuple[int, ...]:
    """Span of a dilated kernel: ``dilation·(kernel_size − 1) + 1``.

    >>> effective_kernel_size(3, dilation=2)
    5
    >>> effective_kernel_size((3, 5), dilation=(1, 2))
    (3, 9)
    """
    scalar = not isinstance(kernel_size, (Sequence, np.ndarray))
    ndim = 1 if scalar else len(kernel_size)
    k = per_axis(kernel_size, ndim, "kernel_size", minimum=1)
    d = per_axis(dilation, ndim, "dilation", minimum=1)
    spans = tuple(di * (ki - 1) + 1 for ki, di in zip(k, d))
    return spans[0] if scalar else spans


def padding_per_side(
    padding: Padding,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    dilation: IntOrTuple = 1,
) -> PerSide:
    """Resolve any padding spelling into ``((before, after), ...)`` per spatial axis.

    The number of axes is taken from `kernel_size` (an int means one axis).

    Parameters
    ----------
    padding : int, str, sequence of int, or sequence of (before, after) pairs
        ``"valid"`` is no padding. ``"same"`` keeps the size at stride 1: the total
        ``dilation·(kernel_size − 1)`` is split with the odd pixel after (bottom/right), as
        PyTorch does. ``"full"`` pads ``dilation·(kernel_size − 1)`` on both sides, so every
        position where the kernel overlaps the input at all gives an output.
    kernel_size, stride, dilation : int or sequence of int

    Raises
    ------
    ValueError
        Negative amounts, an unknown word, or ``"same"`` with a stride above 1.

    Examples
    --------
    >>> padding_per_side(1, kernel_size=(3, 3))
    ((1, 1), (1, 1))
    >>> padding_per_side("full", kernel_size=3, dilation=2)
    ((4, 4),)
    >>> padding_per_side(((0, 1), (2, 3)), kernel_size=(2, 2))
    ((0, 1), (2, 3))
    """
    ndim = len(kernel_size) if isinstance(kernel_size, (Sequence, np.ndarray)) else 1
    k = per_axis(kernel_size, ndim, "kernel_size", minimum=1)
    s = per_axis(stride, ndim, "stride", minimum=1)
    d = per_axis(dilation, ndim, "dilation", minimum=1)
    if isinstance(padding, str):
        word = padding.lower()
        if word not in PADDING_WORDS:
            raise ValueError(
                f"padding must be a number, one per axis, per-side pairs or one of "
                f"{', '.join(map(repr, PADDING_WORDS))}; got {padding!r}"
            )
        totals = [di * (ki - 1) for ki, di in zip(k, d)]
        if word == "valid":
            return tuple((0, 0) for _ in k)
        if word == "full":
            return tuple((t, t) for t in totals)
        if any(si != 1 for si in s):
            raise ValueError(
                f"padding='same' needs stride 1 on every axis (as in PyTorch), got stride "
                f"{s}; with a larger stride no padding keeps the size — use a number instead"
            )
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, (Sequence, np.ndarray)) and any(
        isinstance(p, (Sequence, np.ndarray)) for p in padding
    ):
        if len(padding) != ndim:
            raise ValueError(
                f"padding needs one (before, after) pair per spatial axis ({ndim}), "
                f"got {len(padding)}: {padding!r}"
            )
        pairs = tuple(tuple(per_axis(p, 2, "padding")) for p in padding)
    else:
        pairs = tuple((p, p) for p in per_axis(padding, ndim, "padding"))
    for before, after in pairs:
        if before < 0 or after < 0:
            raise ValueError(f"padding cannot be negative, got {pairs}")
    return pairs  # type: ignore[return-value]


def check_padding_mode(padding_mode: str) -> str:
    """Return `padding_mode` if it is one PyTorch knows, else raise ValueError.

    >>> check_padding_mode("reflect")
    'reflect'
    """
    if padding_mode not in PADDING_MODES:
        raise ValueError(
            f"padding_mode must be one of {', '.join(map(repr, PADDING_MODES))}, "
            f"got {padding_mode!r}"
        )
    return padding_mode


def as_float_array(x: object, name: str) -> np.ndarray:
    """Return `x` as a floating NumPy array (integers and booleans become float64).

    float16/32/64 keep their dtype. Complex numbers, strings and objects are refused.

    >>> as_float_array([1, 2], "x").dtype
    dtype('float64')
    >>> as_float_array(np.ones(2, np.float32), "x").dtype
    dtype('float32')
    """
    try:
        arr = np.asarray(x)
    except ValueError as exc:
        raise ValueError(f"{name} must be a rectangular array of numbers: {exc}") from None
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return arr


def check_ndim(x: np.ndarray, name: str, spatial: int, batch_allowed: bool = True) -> bool:
    """Check `x` is ``(C, *spatial)`` or ``(N, C, *spatial)``; return True if batched.

    >>> check_ndim(np.zeros((1, 3, 5, 5)), "x", spatial=2)
    True
    """
    allowed = (spatial + 1, spatial + 2) if batch_allowed else (spatial + 1,)
    if x.ndim not in allowed:
        shapes = " or ".join(f"{n} dimensions" for n in allowed)
        raise ValueError(
            f"{name} must have {shapes} for {spatial}-D data "
            f"((C, {'…' if spatial > 1 else 'L'}) or (N, C, …)), got shape {x.shape}"
        )
    return x.ndim == spatial + 2


def check_finite(a: np.ndarray, name: str) -> None:
    """Refuse NaN or infinite values, saying where the first one is.

    >>> check_finite(np.array([1.0, np.nan]), "weight")
    Traceback (most recent call last):
    ...
    ValueError: weight must hold finite numbers; found nan at index (1,) (1 bad value in all)
    """
    bad = ~np.isfinite(a)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        count = int(bad.sum())
        raise ValueError(
            f"{name} must hold finite numbers; found {a[first]} at index {first} "
            f"({count} bad value{'s' if count > 1 else ''} in all)"
        )


def check_groups(in_channels: int, out_channels: int, groups: int) -> int:
    """Check both channel counts divide into `groups`; return `groups`.

    >>> check_groups(6, 4, groups=3)
    Traceback (most recent call last):
    ...
    ValueError: out_channels (4) must be divisible by groups (3): each group makes the same number of output channels
    """
    groups = as_int(groups, "groups")
    if groups < 1:
        raise ValueError(f"groups must be at least 1, got {groups}")
    if in_channels % groups:
        raise ValueError(
            f"in_channels ({in_channels}) must be divisible by groups ({groups}): "
            f"each group sees the same number of input channels"
        )
    if out_channels % groups:
        raise ValueError(
            f"out_channels ({out_channels}) must be divisible by groups ({groups}): "
            f"each group makes the same number of output channels"
        )
    return groups


def check_mode_padding(pads: PerSide, sizes: Sequence[int], padding_mode: str) -> None:
    """Check the padding amounts are possible for `padding_mode` (PyTorch's limits).

    ``reflect`` mirrors without repeating the edge, so it needs padding smaller than the
    input; ``circular`` wraps around at most once, so padding may not exceed the input.

    >>> check_mode_padding(((3, 3),), [3], "reflect")
    Traceback (most recent call last):
    ...
    ValueError: reflect padding (3) must be smaller than the input size (3) along axis 0: ...
    """
    check_padding_mode(padding_mode)
    for axis, ((before, after), size) in enumerate(zip(pads, sizes)):
        amount = max(before, after)
        if padding_mode == "reflect" and amount >= size:
            raise ValueError(
                f"reflect padding ({amount}) must be smaller than the input size ({size}) "
                f"along axis {axis}: a mirror without the edge has only {size - 1} "
                f"position{'' if size == 2 else 's'} to show"
            )
        if padding_mode == "circular" and amount > size:
            raise ValueError(
                f"circular padding ({amount}) must not exceed the input size ({size}) "
                f"along axis {axis}: it would wrap around more than once"
            )
