"""Convolution layers with PyTorch's names, arguments, shapes and rules, in NumPy.

What CNNs (and ``torch.nn.functional.conv2d``) call convolution is *cross-correlation*: the
kernel slides over the input as it is, ``out[i, j] = Σ w[a, b]·x[i + a, j + b]``.
Convolution in the mathematical sense flips the kernel first (180° in 2-D); that is
:func:`true_conv2d` here. The two agree for symmetric kernels and differ in sign for
kernels such as Sobel.

Examples
--------
>>> x = np.arange(1.0, 26.0).reshape(1, 5, 5)        # one channel, 1…25
>>> edge = np.array([[[[1, 0, -1]] * 3]])            # (C_out, C_in, 3, 3)
>>> conv2d(x, edge)[0]
array([[-6., -6., -6.],
       [-6., -6., -6.],
       [-6., -6., -6.]])
>>> float(true_conv2d(x, edge)[0, 0, 0])
6.0
"""

from __future__ import annotations

import numpy as np

from .arguments import (
    IntOrTuple, Padding, as_float_array, check_finite, check_groups, check_mode_padding,
    check_ndim, check_padding_mode, padding_per_side, per_axis,
)
from .arithmetic import _result
from .correlate import correlate
from .formulas import conv_axis, transpose_axis

_COMPUTE = {np.dtype(np.float16): np.float32}


def _prepare(x: object, weight: object, bias: object, spatial: int) -> tuple:
    """Arrays as floats of one dtype, ``x`` batched; the output dtype; whether to unbatch."""
    x = as_float_array(x, "x")
    batched = check_ndim(x, "x", spatial)
    w = as_float_array(weight, "weight")
    if w.ndim != spatial + 2:
        raise ValueError(
            f"weight must have {spatial + 2} dimensions (C_out, C_in/groups, "
            f"{', '.join('k' * spatial)}), got shape {w.shape}"
        )
    if 0 in x.shape or 0 in w.shape:
        raise ValueError(f"x {x.shape} and weight {w.shape} must not have an axis of length 0")
    check_finite(w, "weight")
    out_dtype = x.dtype
    dtype = _COMPUTE.get(x.dtype, x.dtype)
    b = None
    if bias is not None:
        b = as_float_array(bias, "bias").astype(dtype)
        check_finite(b, "bias")
    xb = (x if batched else x[None]).astype(dtype, copy=False)
    return xb, w.astype(dtype, copy=False), b, out_dtype, batched


def _finish(out: np.ndarray, bias: np.ndarray | None, out_dtype: np.dtype, batched: bool) -> np.ndarray:
    if bias is not None:
        if bias.shape != (out.shape[1],):
            raise ValueError(f"bias must have shape ({out.shape[1]},), one per output channel, got {bias.shape}")
        out += bias.reshape((1, -1) + (1,) * (out.ndim - 2))
    out = out.astype(out_dtype, copy=False)
    return out if batched else out[0]


def _conv(x, weight, bias, stride, padding, dilation, groups, padding_mode, spatial, flip=False):
    xb, w, b, out_dtype, batched = _prepare(x, weight, bias, spatial)
    channels, c_out, c_group = xb.shape[1], w.shape[0], w.shape[1]
    groups = check_groups(channels, c_out, groups)
    if channels != c_group * groups:
        raise ValueError(
            f"x has {channels} channels but weight {w.shape} expects {c_group}·{groups} = "
            f"{c_group * groups} (C_in/groups · groups)"
        )
    kernel, sizes = w.shape[2:], xb.shape[2:]
    s = per_axis(stride, spatial, "stride", minimum=1)
    d = per_axis(dilation, spatial, "dilation", minimum=1)
    pads = padding_per_side(padding, kernel, s, d)
    check_padding_mode(padding_mode)
    out_size = _result(
        False, [conv_axis(n, k, si, p[0], p[1], di) for n, k, si, p, di in zip(sizes, kernel, s, pads, d)],
        "output size",
    )
    check_mode_padding(pads, sizes, padding_mode)
    if flip:
        w = w[(Ellipsis,) + (slice(None, None, -1),) * spatial]
    out = correlate(xb, np.ascontiguousarray(w), s, pads, d, groups, padding_mode, out_size)
    return _finish(out, b, out_dtype, batched)


def conv1d(
    x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, groups: int = 1, padding_mode: str = "zeros",
) -> np.ndarray:
    """1-D cross-correlation, as ``torch.nn.functional.conv1d``; see :func:`conv2d`.

    >>> conv1d(np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[[1.0, -1.0]]]))
    array([[-1., -1., -1.]])
    """
    return _conv(x, weight, bias, stride, padding, dilation, groups, padding_mode, 1)


def conv2d(
    x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, groups: int = 1, padding_mode: str = "zeros",
) -> np.ndarray:
    """2-D cross-correlation (what CNNs call convolution), as ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    x : array, shape (C_in, H, W) or (N, C_in, H, W)
    weight : array, shape (C_out, C_in/groups, kH, kW)
    bias : array, shape (C_out,), optional
    stride, dilation : int or (int, int)
    padding : int, (int, int), ((top, bottom), (left, right)), "valid", "same" or "full"
        ``"same"`` needs stride 1 and puts an odd extra pixel at the bottom/right.
    groups : int
        Split channels into groups convolved separately (``groups = C_in`` is depthwise).
    padding_mode : {"zeros", "reflect", "replicate", "circular"}
        What the padding shows, as in ``torch.nn.Conv2d``; see :mod:`convviz.padding`.

    Returns
    -------
    array, shape (C_out, H_out, W_out) or (N, C_out, H_out, W_out)
        float32 stays float32; integers become float64.

    Raises
    ------
    ValueError
        Impossible settings, with the output-size formula where sizes are the cause.
    TypeError
        Non-numeric arrays or non-integer sizes.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> conv2d(x, np.ones((1, 1, 2, 2)), stride=2)
    array([[[10., 18.],
            [42., 50.]]])
    >>> conv2d(x, np.ones((1, 1, 3, 3)), padding="same", padding_mode="replicate").shape
    (1, 4, 4)
    """
    return _conv(x, weight, bias, stride, padding, dilation, groups, padding_mode, 2)


def conv3d(
    x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, groups: int = 1, padding_mode: str = "zeros",
) -> np.ndarray:
    """3-D cross-correlation, as ``torch.nn.functional.conv3d``; see :func:`conv2d`.

    >>> conv3d(np.ones((1, 3, 3, 3)), np.ones((2, 1, 2, 2, 2))).shape
    (2, 2, 2, 2)
    """
    return _conv(x, weight, bias, stride, padding, dilation, groups, padding_mode, 3)


def true_conv1d(x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: Padding = 0,
                dilation: IntOrTuple = 1, groups: int = 1, padding_mode: str = "zeros") -> np.ndarray:
    """Convolution in the mathematical sense: :func:`conv1d` with the kernel reversed.

    >>> true_conv1d(np.array([[0.0, 1.0, 0.0]]), np.array([[[1.0, 2.0]]]), padding=1)
    array([[0., 1., 2., 0.]])
    """
    return _conv(x, weight, bias, stride, padding, dilation, groups, padding_mode, 1, flip=True)


def true_conv2d(x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: Padding = 0,
                dilation: IntOrTuple = 1, groups: int = 1, padding_mode: str = "zeros") -> np.ndarray:
    """Convolution in the mathematical sense: :func:`conv2d` with the kernel rotated 180°.

    This is what ``scipy.signal.convolve2d`` and signal-processing texts compute; CNN
    layers compute :func:`conv2d` (cross-correlation) and learn the kernel either way.

    >>> k = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    >>> x = np.arange(4.0).reshape(1, 2, 2)
    >>> float(true_conv2d(x, k)[0, 0, 0]), float(conv2d(x, k)[0, 0, 0])
    (10.0, 20.0)
    """
    return _conv(x, weight, bias, stride, padding, dilation, groups, padding_mode, 2, flip=True)


def true_conv3d(x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: Padding = 0,
                dilation: IntOrTuple = 1, groups: int = 1, padding_mode: str = "zeros") -> np.ndarray:
    """Convolution in the mathematical sense: :func:`conv3d` with the kernel reversed on every axis.

    >>> true_conv3d(np.ones((1, 2, 2, 2)), np.ones((1, 1, 1, 1, 1))).shape
    (1, 2, 2, 2)
    """
    return _conv(x, weight, bias, stride, padding, dilation, groups, padding_mode, 3, flip=True)


def _conv_transpose(x, weight, bias, stride, padding, output_padding, groups, dilation, spatial):
    xb, w, b, out_dtype, batched = _prepare(x, weight, bias, spatial)
    channels, c_group_out = xb.shape[1], w.shape[1]
    if w.shape[0] != channels:
        raise ValueError(
            f"x has {channels} channels but a transposed weight {w.shape} is (C_in, C_out/groups, …) "
            f"with C_in = {w.shape[0]}"
        )
    groups = check_groups(channels, c_group_out * per_axis(groups, 1, "groups", minimum=1)[0], groups)
    if isinstance(padding, str):
        raise ValueError(
            f"padding for a transposed convolution must be a number per axis (as in PyTorch), got {padding!r}"
        )
    kernel, sizes = w.shape[2:], xb.shape[2:]
    s = per_axis(stride, spatial, "stride", minimum=1)
    p = per_axis(padding, spatial, "padding", minimum=0)
    op = per_axis(output_padding, spatial, "output_padding", minimum=0)
    d = per_axis(dilation, spatial, "dilation", minimum=1)
    out_size = _result(False, [transpose_axis(*a) for a in zip(sizes, kernel, s, p, op, d)], "output size")
    # A transposed convolution is a stride-1 correlation of the input spread out by the
    # stride, with the kernel flipped and its in/out channel roles swapped.
    spread = np.zeros(xb.shape[:2] + tuple((n - 1) * si + 1 for n, si in zip(sizes, s)), xb.dtype)
    spread[(slice(None), slice(None)) + tuple(slice(None, None, si) for si in s)] = xb
    c_in_group = channels // groups
    flipped = w[(Ellipsis,) + (slice(None, None, -1),) * spatial]
    swapped = flipped.reshape(groups, c_in_group, c_group_out, *kernel).swapaxes(1, 2)
    swapped = np.ascontiguousarray(swapped.reshape(groups * c_group_out, c_in_group, *kernel))
    full = [di * (k - 1) - pi for k, di, pi in zip(kernel, d, p)]
    pads = tuple((max(f, 0), max(f + o, 0)) for f, o in zip(full, op))
    crop = tuple(slice(max(-f, 0), max(-f, 0) + n) for f, n in zip(full, out_size))
    padded_size = tuple(
        conv_axis(n, k, 1, a, bb, di).value for n, k, (a, bb), di in zip(spread.shape[2:], kernel, pads, d)
    )
    out = correlate(spread, swapped, (1,) * spatial, pads, d, groups, "zeros", padded_size)
    out = np.ascontiguousarray(out[(slice(None), slice(None)) + crop])
    return _finish(out, b, out_dtype, batched)


def conv_transpose1d(x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                     output_padding: IntOrTuple = 0, groups: int = 1, dilation: IntOrTuple = 1) -> np.ndarray:
    """1-D transposed convolution, as ``torch.nn.functional.conv_transpose1d``; see :func:`conv_transpose2d`.

    >>> conv_transpose1d(np.array([[1.0, 2.0]]), np.array([[[1.0, 1.0, 1.0]]]), stride=2)
    array([[1., 1., 3., 2., 2.]])
    """
    return _conv_transpose(x, weight, bias, stride, padding, output_padding, groups, dilation, 1)


def conv_transpose2d(x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                     output_padding: IntOrTuple = 0, groups: int = 1, dilation: IntOrTuple = 1) -> np.ndarray:
    """2-D transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

    Every input value stamps a copy of the kernel scaled by itself into the output, placed
    `stride` apart; overlapping stamps add. `padding` then removes that many positions from
    each side, and `output_padding` adds positions at the bottom/right (it must be smaller
    than the stride or the dilation; it resolves which input size a strided convolution had).

    Parameters
    ----------
    x : array, shape (C_in, H, W) or (N, C_in, H, W)
    weight : array, shape (C_in, C_out/groups, kH, kW)
        Note the order: PyTorch stores transposed weights input-channels first.

    Returns
    -------
    array, shape (C_out, H_out, W_out) or batched,
        ``H_out = (H − 1)·stride − 2·padding + dilation·(kH − 1) + output_padding + 1``.

    Examples
    --------
    >>> conv_transpose2d(np.ones((1, 2, 2)), np.ones((1, 1, 2, 2)), stride=2)[0]
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.]])
    """
    return _conv_transpose(x, weight, bias, stride, padding, output_padding, groups, dilation, 2)


def conv_transpose3d(x: object, weight: object, bias: object = None, stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                     output_padding: IntOrTuple = 0, groups: int = 1, dilation: IntOrTuple = 1) -> np.ndarray:
    """3-D transposed convolution, as ``torch.nn.functional.conv_transpose3d``; see :func:`conv_transpose2d`.

    >>> conv_transpose3d(np.ones((1, 2, 2, 2)), np.ones((1, 1, 2, 2, 2)), stride=2).shape
    (1, 4, 4, 4)
    """
    return _conv_transpose(x, weight, bias, stride, padding, output_padding, groups, dilation, 3)
