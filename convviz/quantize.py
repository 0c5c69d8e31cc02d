"""Making a layer smaller: symmetric integer quantization (pruning is :mod:`convviz.pruning`).

Symmetric quantization stores each value as a small signed integer ``q`` and one float
*scale* per tensor (or per output channel): ``x ≈ q·scale``, with
``scale = max|x| / (2^(bits−1) − 1)`` so the largest value lands on the largest level.
Zero is exactly ``q = 0``, so zero padding stays exact. A quantized convolution
multiplies the int8 values and accumulates in int32; the scales are applied once, after
the sum, because they are the same for every term of it.

Examples
--------
>>> q = quantize(np.array([0.5, -1.0, 0.26]))
>>> q.values, float(q.scale) == 1 / 127
(array([  64, -127,   33], dtype=int8), True)
>>> dequantize(q).round(4)
array([ 0.5039, -1.    ,  0.2598])
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

from .arguments import IntOrTuple, Padding, as_float_array, as_int, check_finite, check_ndim, padding_per_side, per_axis
from .arithmetic import conv_output_size
from .unfold import unfold

_INT32_MAX = 2**31 - 1
_INT8_LARGEST = 128  # |−128|, the largest magnitude an int8 can hold


def max_level(bits: int) -> int:
    """Largest integer a symmetric signed `bits`-bit code uses: ``2^(bits−1) − 1``.

    The levels run from ``−max_level`` to ``+max_level`` (``−128`` is left out, so the grid is
    symmetric about zero). `bits` may be 2 to 8; the values are stored as int8.

    >>> max_level(8), max_level(4), max_level(2)
    (127, 7, 1)
    >>> max_level(1)
    Traceback (most recent call last):
    ...
    ValueError: bits=1 leaves symmetric signed quantization no level but 0: ...
    """
    bits = as_int(bits, "bits")
    if bits == 1:
        raise ValueError(
            "bits=1 leaves symmetric signed quantization no level but 0: one bit is the sign, "
            "and 2^(1−1) − 1 = 0 levels remain on each side; use at least 2 bits (levels −1, 0, 1)"
        )
    if not 2 <= bits <= 8:
        raise ValueError(f"bits must be from 2 to 8 (the values are stored as int8), got {bits}")
    return 2 ** (bits - 1) - 1


@dataclass(frozen=True, eq=False)
class Quantized:
    """Integer values and the float scale(s) that turn them back into numbers.

    Attributes
    ----------
    values : int8 array
        The quantized integers, each within ``±max_level(bits)``; read-only.
    scale : float64 array
        Shape ``()`` for one scale per tensor, or one per index of `axis`; positive; read-only.
    axis : int or None
        The axis with one scale per index (0, the output channel, for weights), or None.
    bits : int
        2 to 8.
    """

    values: np.ndarray
    scale: np.ndarray
    axis: int | None = None
    bits: int = 8

    def __post_init__(self) -> None:
        values, scale = np.array(self.values), np.array(self.scale, dtype=np.float64)
        if values.dtype != np.int8:
            raise TypeError(f"values must be int8, got dtype {values.dtype}")
        level = max_level(self.bits)
        if self.axis is not None:
            axis = as_int(self.axis, "axis")
            if not 0 <= axis < values.ndim:
                raise ValueError(
                    f"axis must be from 0 to {values.ndim - 1} for values of shape {values.shape}, got {axis}"
                )
        if values.size and np.abs(values.astype(np.int16)).max() > level:
            raise ValueError(f"values must lie within ±{level} for bits={self.bits}, got {values.min()}…{values.max()}")
        expected = () if self.axis is None else (values.shape[self.axis],)
        if scale.shape != expected:
            raise ValueError(f"scale must have shape {expected} for axis={self.axis}, got {scale.shape}")
        if not np.all(np.isfinite(scale) & (scale > 0)):
            raise ValueError(f"scale must be finite and positive, got {scale}")
        values.flags.writeable = scale.flags.writeable = False
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "axis", None if self.axis is None else int(self.axis))
        object.__setattr__(self, "bits", int(self.bits))


def quantize(x: object, bits: int = 8, axis: int | None = None) -> Quantized:
    """Symmetric quantization: ``q = round(x / scale)`` with ``scale = max|x| / max_level(bits)``.

    Parameters
    ----------
    x : array of real numbers
    bits : int
        2 to 8.
    axis : int, optional
        One scale per index of this axis (0 for per-output-channel weights); None for one
        scale for the whole tensor (activations, or weights per tensor).

    Notes
    -----
    Rounding is half to even, as in ``torch.quantize_per_tensor``. An all-zero tensor or
    channel gets scale 1 (any scale represents zeros exactly). The error of each value is
    at most ``scale / 2``.

    Examples
    --------
    >>> quantize(np.array([0.5, -1.0, 0.26]), bits=2).values    # 0.5 rounds to the even 0
    array([ 0, -1,  0], dtype=int8)
    >>> w = np.array([[1.0, -0.5], [0.02, 0.01]])
    >>> quantize(w, axis=0).values
    array([[127, -64],
           [127,  64]], dtype=int8)
    """
    level = max_level(bits)
    arr = as_float_array(x, "x").astype(np.float64)
    if arr.size == 0:
        raise ValueError(f"x must not be empty, got shape {arr.shape}")
    check_finite(arr, "x")
    if axis is not None:
        axis = as_int(axis, "axis")
        if not -arr.ndim <= axis < arr.ndim:
            raise ValueError(f"axis must be from {-arr.ndim} to {arr.ndim - 1} for x of shape {arr.shape}, got {axis}")
        axis %= arr.ndim
    others = tuple(i for i in range(arr.ndim) if i != axis) if axis is not None else None
    largest = np.abs(arr).max(axis=others)
    scale = np.where(largest > 0, largest / level, 1.0)
    shape = [1] * arr.ndim
    if axis is not None:
        shape[axis] = -1
    values = np.clip(np.round(arr / scale.reshape(shape)), -level, level).astype(np.int8)
    return Quantized(values, scale, axis, bits)


def _scale_shape(q: Quantized) -> tuple[int, ...]:
    shape = [1] * q.values.ndim
    if q.axis is not None:
        shape[q.axis] = -1
    return tuple(shape)


def dequantize(q: Quantized) -> np.ndarray:
    """The numbers a :class:`Quantized` stands for: ``values · scale`` (float64).

    >>> dequantize(Quantized(np.array([2, -1], np.int8), np.array(0.25)))
    array([ 0.5 , -0.25])
    """
    return q.values * q.scale.reshape(_scale_shape(q))


def integer_conv2d(
    x: object, weight: object, stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
) -> np.ndarray:
    """Cross-correlation of int8 arrays with int32 multiply–accumulate, zero padding.

    The input's blocks are unfolded (:func:`convviz.unfold.unfold`) and multiplied by the
    weight matrix in int32, so each output is ``Σ w·x`` over ``C_in·kH·kW`` integer products.

    Parameters
    ----------
    x : int8 array, shape (C_in, H, W) or (N, C_in, H, W)
    weight : int8 array, shape (C_out, C_in, kH, kW)
    stride, padding, dilation
        As for :func:`convviz.conv2d`.

    Returns
    -------
    int32 array, shape (C_out, H_out, W_out) or (N, C_out, H_out, W_out)

    Raises
    ------
    ValueError
        When ``C_in·kH·kW`` products of up to ``128·128`` could overflow int32.

    Examples
    --------
    >>> x = np.array([[[1, 2], [3, 4]]], np.int8)
    >>> w = np.array([[[[1, -1], [2, 0]]]], np.int8)
    >>> integer_conv2d(x, w)                 # 1·1 + 2·(−1) + 3·2 + 4·0
    array([[[5]]], dtype=int32)
    """
    arrays = [np.asarray(a) for a in (x, weight)]
    for name, a in zip(("x", "weight"), arrays):
        if a.dtype != np.int8:
            raise TypeError(f"{name} must be int8 (quantized values; see quantize), got dtype {a.dtype}")
    xs, w = arrays
    batched = check_ndim(xs, "x", spatial=2)
    if w.ndim != 4:
        raise ValueError(f"weight must have 4 dimensions (C_out, C_in, kH, kW), got shape {w.shape}")
    xb = xs if batched else xs[None]
    if 0 in xb.shape or 0 in w.shape:
        raise ValueError(f"x {xs.shape} and weight {w.shape} must not have an axis of length 0")
    if xb.shape[1] != w.shape[1]:
        raise ValueError(f"x has {xb.shape[1]} channels but weight {w.shape} expects {w.shape[1]} (its axis 1)")
    taps = prod(w.shape[1:])
    if taps * _INT8_LARGEST**2 > _INT32_MAX:
        raise ValueError(
            f"C_in·kH·kW = {'·'.join(map(str, w.shape[1:]))} = {taps:,} products of int8 values, each up to "
            f"{_INT8_LARGEST}·{_INT8_LARGEST} = {_INT8_LARGEST**2:,}, could sum to {taps * _INT8_LARGEST**2:,}, "
            f"beyond int32's {_INT32_MAX:,}; at most {_INT32_MAX // _INT8_LARGEST**2:,} products fit"
        )
    s = per_axis(stride, 2, "stride", minimum=1)
    d = per_axis(dilation, 2, "dilation", minimum=1)
    pads = padding_per_side(padding, w.shape[2:], s, d)
    out_size = conv_output_size(xb.shape[2:], w.shape[2:], s, pads, d)
    padded = np.pad(xb, ((0, 0), (0, 0)) + pads)
    cols = unfold(padded, w.shape[2:], dilation=d, stride=s).astype(np.int32)
    out = (w.reshape(w.shape[0], taps).astype(np.int32) @ cols).reshape(xb.shape[0], w.shape[0], *out_size)
    return out if batched else out[0]


def quantized_conv2d(
    x: Quantized, weight: Quantized, bias: object = None, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1,
) -> np.ndarray:
    """conv2d of quantized tensors: :func:`integer_conv2d`, then ``· x.scale · weight.scale (+ bias)``.

    Equals ``conv2d(dequantize(x), dequantize(weight), bias, …)`` within float rounding; its
    error against the float layer is the quantization error of `x` and `weight`.

    Parameters
    ----------
    x : Quantized, one scale per tensor
        A scale per input channel would differ between terms of one sum, so it could not be
        applied once after the integer sum.
    weight : Quantized, one scale per tensor or per output channel (``axis=0``)
    bias : array, shape (C_out,), optional
        Added in float after dequantizing (int8 runtimes store it as int32 at scale
        ``x.scale·weight.scale``; here it stays exact).

    Examples
    --------
    >>> x = Quantized(np.array([[[1, 2], [3, 4]]], np.int8), np.array(0.5))
    >>> w = Quantized(np.array([[[[1, -1], [2, 0]]]], np.int8), np.array([0.1]), axis=0)
    >>> quantized_conv2d(x, w, bias=[1.0]).round(12)            # 5 · 0.5 · 0.1 + 1
    array([[[1.25]]])
    """
    for name, q in (("x", x), ("weight", weight)):
        if not isinstance(q, Quantized):
            raise TypeError(f"{name} must be Quantized (see quantize), got {type(q).__name__}")
    if x.axis is not None:
        raise ValueError(
            f"x must have one scale for the whole tensor, got one per index of axis {x.axis}: scales that "
            f"differ between the terms of one sum cannot be applied once after the integer sum"
        )
    if weight.axis not in (None, 0):
        raise ValueError(
            f"weight scales must be per tensor or per output channel (axis 0), got axis {weight.axis}: "
            f"a scale per input channel or per tap would differ inside one sum"
        )
    acc = integer_conv2d(x.values, weight.values, stride, padding, dilation)
    scale = x.scale * weight.scale.reshape(-1, 1, 1)
    out = acc * scale
    if bias is not None:
        b = as_float_array(bias, "bias")
        check_finite(b, "bias")
        if b.shape != (weight.values.shape[0],):
            raise ValueError(f"bias must have shape ({weight.values.shape[0]},), one per output channel, got {b.shape}")
        out += b.reshape(-1, 1, 1)
    return out


@dataclass(frozen=True)
class ErrorStats:
    """How far an approximation is from the reference: the largest and the root-mean-square error."""

    max_abs: float
    rms: float


def quantization_error(reference: object, approximation: object) -> ErrorStats:
    """Maximum absolute error and RMS error of `approximation` against `reference`.

    >>> quantization_error([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 6.0])    # one error of 2
    ErrorStats(max_abs=2.0, rms=1.0)
    """
    ref, approx = as_float_array(reference, "reference"), as_float_array(approximation, "approximation")
    if ref.shape != approx.shape:
        raise ValueError(f"reference {ref.shape} and approximation {approx.shape} must have the same shape")
    if ref.size == 0:
        raise ValueError("reference and approximation must not be empty")
    diff = approx.astype(np.float64) - ref
    return ErrorStats(float(np.abs(diff).max()), float(np.sqrt(np.mean(diff**2))))
