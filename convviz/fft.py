"""Convolution through the FFT: the convolution theorem, checked against :func:`convviz.conv2d`.

The discrete Fourier transform turns *circular convolution* into multiplication:
``DFT(x ⊛ g) = DFT(x) · DFT(g)``, one product per frequency instead of a sum per position.
Two facts make that compute what a CNN layer computes:

- CNNs cross-correlate, ``out[i] = Σₐ w[a]·x[i + a]``, which is convolution with the kernel
  flipped (:func:`flip_weight`). The flip is done explicitly here, before the transform.
- The DFT's convolution wraps around: values past the end come back at the start. For
  zero padding both signals are padded with zeros to at least
  ``padded size + kernel span − 1`` first, so nothing wraps onto a kept output (a *linear*
  convolution). For ``padding_mode="circular"`` the wrap is exactly what is wanted: the
  transform has the input's own size and its periodicity *is* the circular padding.

Examples
--------
>>> x = np.array([[[1.0, 2.0, 3.0, 4.0]]])               # one channel, one row
>>> w = np.array([[[[1.0, 10.0]]]])
>>> fft_conv2d(x, w).round(12)                           # x[i] + 10·x[i + 1]
array([[[21., 32., 43.]]])
>>> fft_conv2d(x, w, padding=((0, 0), (0, 1)), padding_mode="circular").round(12)
array([[[21., 32., 43., 14.]]])
"""

from __future__ import annotations

import numpy as np
from scipy import fft

from .arguments import (
    IntOrTuple, Padding, as_float_array, check_finite, check_groups, check_mode_padding, check_ndim,
    check_padding_mode, padding_per_side, per_axis,
)
from .arithmetic import conv_output_size

FFT_PADDING_MODES = ("zeros", "circular")
_AXES = (2, 3)


def flip_weight(weight: object) -> np.ndarray:
    """The kernel rotated 180°: reversed along every spatial axis (all axes after the first two).

    Cross-correlation with `weight` is convolution with ``flip_weight(weight)``:
    ``Σₐ w[a]·x[i + a] = Σ_b flipped[b]·x[i + K − 1 − b]``.

    >>> flip_weight(np.array([[[[1, 2], [3, 4]]]]))[0, 0]
    array([[4, 3],
           [2, 1]])
    """
    w = np.asarray(weight)
    if w.ndim < 3:
        raise ValueError(f"weight must be (C_out, C_in, k…) with at least one spatial axis, got shape {w.shape}")
    return w[(slice(None), slice(None)) + (slice(None, None, -1),) * (w.ndim - 2)]


def _placed(flipped: np.ndarray, dilation: tuple[int, ...], lengths: tuple[int, ...]) -> np.ndarray:
    """The flipped kernel spread out by the dilation, wrapped onto a grid of `lengths` taps."""
    grid = np.zeros(flipped.shape[:2] + lengths, flipped.dtype)
    at = [(np.arange(k) * d) % n for k, d, n in zip(flipped.shape[2:], dilation, lengths)]
    # np.add.at: a kernel wider than a circular period puts several taps on one position
    np.add.at(grid, (slice(None), slice(None), at[0][:, None], at[1][None, :]), flipped)
    return grid


def _prepare(x: object, weight: object, bias: object, groups: int) -> tuple:
    arr = as_float_array(x, "x")
    batched = check_ndim(arr, "x", spatial=2)
    w = as_float_array(weight, "weight")
    if w.ndim != 4:
        raise ValueError(f"weight must have 4 dimensions (C_out, C_in/groups, kH, kW), got shape {w.shape}")
    if 0 in arr.shape or 0 in w.shape:
        raise ValueError(f"x {arr.shape} and weight {w.shape} must not have an axis of length 0")
    check_finite(w, "weight")
    xb = arr if batched else arr[None]
    groups = check_groups(xb.shape[1], w.shape[0], groups)
    if xb.shape[1] != w.shape[1] * groups:
        raise ValueError(
            f"x has {xb.shape[1]} channels but weight {w.shape} expects {w.shape[1]}·{groups} = "
            f"{w.shape[1] * groups} (C_in/groups · groups)"
        )
    dtype = np.float32 if arr.dtype == np.float16 else arr.dtype  # scipy.fft has no float16
    b = None
    if bias is not None:
        b = as_float_array(bias, "bias")
        check_finite(b, "bias")
        if b.shape != (w.shape[0],):
            raise ValueError(f"bias must have shape ({w.shape[0]},), one per output channel, got {b.shape}")
    return xb.astype(dtype, copy=False), w.astype(dtype, copy=False), b, groups, arr.dtype, batched


def fft_conv2d(
    x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, groups: int = 1, padding_mode: str = "zeros",
) -> np.ndarray:
    """:func:`convviz.conv2d` computed by the convolution theorem; equal within float rounding.

    Parameters
    ----------
    x, weight, bias, padding, dilation, groups
        As for :func:`convviz.conv2d`. A dilated kernel is spread out with zeros between taps.
    stride : int or (int, int)
        Must be 1 (see Raises).
    padding_mode : {"zeros", "circular"}
        ``"zeros"`` is a linear convolution of the zero-padded input; ``"circular"`` uses the
        DFT's own wrap-around, as ``conv2d(…, padding_mode="circular")``.

    Returns
    -------
    array, shape (C_out, H_out, W_out) or (N, C_out, H_out, W_out)
        The dtype of `x` (float16 is computed in float32).

    Raises
    ------
    ValueError
        A stride other than 1, a padding mode other than zeros or circular, and whatever
        :func:`convviz.conv2d` refuses, with the same messages.

    Notes
    -----
    Cost: one real FFT per input channel and per kernel, ``C_out·C_in/groups`` products per
    frequency, one inverse FFT per output channel, all of about ``H_fft·W_fft·log(H_fft·W_fft)``
    or ``H_fft·W_fft`` operations, where ``H_fft ≥ H + padding + kH_span − 1`` (zeros) or
    ``= H`` (circular). Direct convolution costs ``kH·kW`` per output instead, so the FFT wins
    for large kernels. Rounding error is about ``1e-16·Σ|w|·max|x|·log(H_fft·W_fft)`` in float64.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> fft_conv2d(x, np.ones((1, 1, 3, 3)), padding=1)[0].round(9)
    array([[10., 18., 24., 18.],
           [27., 45., 54., 39.],
           [51., 81., 90., 63.],
           [42., 66., 72., 50.]])
    >>> fft_conv2d(x, np.ones((1, 1, 2, 2)), stride=2)
    Traceback (most recent call last):
    ...
    ValueError: stride must be 1 for fft_conv2d, got (2, 2): ...
    """
    xb, w, b, groups, out_dtype, batched = _prepare(x, weight, bias, groups)
    kernel, sizes = w.shape[2:], xb.shape[2:]
    s = per_axis(stride, 2, "stride", minimum=1)
    if s != (1, 1):
        raise ValueError(
            f"stride must be 1 for fft_conv2d, got {s}: the convolution theorem gives the stride-1 "
            f"output at every position at once, so a stride would only throw most of it away; take "
            f"fft_conv2d(…)[..., ::{s[0]}, ::{s[1]}] (the numbers conv2d gives with that stride) or use conv2d"
        )
    d = per_axis(dilation, 2, "dilation", minimum=1)
    pads = padding_per_side(padding, kernel, s, d)
    check_padding_mode(padding_mode)
    if padding_mode not in FFT_PADDING_MODES:
        raise ValueError(
            f"fft_conv2d supports padding_mode 'zeros' (a linear convolution) and 'circular' (the DFT's own "
            f"wrap-around), got {padding_mode!r}; pad first with convviz.pad(x, pads, {padding_mode!r}) "
            f"and use padding=0"
        )
    out_size = conv_output_size(sizes, kernel, s, pads, d)
    check_mode_padding(pads, sizes, padding_mode)
    spans = [di * (k - 1) + 1 for k, di in zip(kernel, d)]
    if padding_mode == "zeros":
        xb = np.pad(xb, ((0, 0), (0, 0)) + pads)
        lengths = tuple(fft.next_fast_len(n + span - 1, real=True) for n, span in zip(xb.shape[2:], spans))
        offsets = [span - 1 for span in spans]
    else:
        lengths = sizes
        offsets = [span - 1 - before for span, (before, _) in zip(spans, pads)]
    spectrum = fft.rfftn(xb, s=lengths, axes=_AXES)
    kernels = fft.rfftn(_placed(flip_weight(w), d, lengths), axes=_AXES)
    n, per_group = xb.shape[0], w.shape[1]
    freq = spectrum.shape[2:]
    product = np.einsum(
        "ngcxy,gmcxy->ngmxy",
        spectrum.reshape(n, groups, per_group, *freq),
        kernels.reshape(groups, w.shape[0] // groups, per_group, *freq),
    ).reshape(n, w.shape[0], *freq)
    full = fft.irfftn(product, s=lengths, axes=_AXES)
    # correlation output i is convolution position i + span − 1 (the flip moved w's first tap to
    # the end of the kernel); circular padding starts `before` positions earlier, wrapped
    rows, cols = ((o + np.arange(m)) % length for o, m, length in zip(offsets, out_size, lengths))
    out = full[:, :, rows[:, None], cols[None, :]]
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    out = out.astype(out_dtype, copy=False)
    return out if batched else out[0]
