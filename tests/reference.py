"""A slow reference for the engine, written straight from the definitions.

Every output is computed on its own by a plain Python loop over output positions (and, for
max pooling and transposed convolution, over kernel taps), so each function can be checked
line by line against a textbook. Nothing here imports convviz or PyTorch: the tests compare
the engine (and PyTorch, where installed) with this file.

Arrays are batched, ``(N, C, *spatial)``, with 1, 2 or 3 spatial axes; results are float64.
Settings PyTorch refuses raise ValueError, so a test can also check that the engine refuses
exactly what this file refuses.

>>> x = np.arange(1.0, 26.0).reshape(1, 1, 5, 5)
>>> correlate(x, np.array([[[[1.0, 0.0, -1.0]] * 3]]))[0, 0, 0]
array([-6., -6., -6.])
>>> conv_transpose(np.array([[[1.0, 2.0]]]), np.array([[[1.0, 1.0, 1.0]]]), stride=2)[0, 0]
array([1., 1., 3., 2., 2.])
"""

from __future__ import annotations

import itertools
import math

import numpy as np

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def per_axis(value: int | tuple[int, ...], ndim: int) -> tuple[int, ...]:
    """An int for every axis, or one value per axis."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * ndim


def resolve_padding(padding, kernel: tuple[int, ...], stride, dilation) -> tuple[tuple[int, int], ...]:
    """``(before, after)`` per axis for every spelling PyTorch (and convviz) accepts.

    ``"same"`` needs ``dilation·(k − 1)`` padding in all; PyTorch puts the odd one after.
    ``"full"`` pads so that every window overlapping the input by one position counts.
    """
    ndim = len(kernel)
    spans = [d * (k - 1) for k, d in zip(kernel, per_axis(dilation, ndim))]
    if isinstance(padding, str):
        word = padding.lower()
        if word == "valid":
            return tuple((0, 0) for _ in spans)
        if word == "full":
            return tuple((t, t) for t in spans)
        if word == "same":
            if any(s != 1 for s in per_axis(stride, ndim)):
                raise ValueError("padding='same' needs stride 1")
            return tuple((t // 2, t - t // 2) for t in spans)
        raise ValueError(f"unknown padding {padding!r}")
    if isinstance(padding, (tuple, list)) and any(isinstance(p, (tuple, list)) for p in padding):
        return tuple((before, after) for before, after in padding)
    return tuple((p, p) for p in per_axis(padding, ndim))


def source(i: int, size: int, mode: str) -> int | None:
    """Input index that position `i` shows along an axis of length `size`; None for a zero.

    For an input ``a b c d``::

        zeros      0 0 | a b c d | 0 0
        reflect    c b | a b c d | c b      (mirror about the edge, edge not repeated)
        replicate  a a | a b c d | d d      (edge repeated)
        circular   c d | a b c d | a b      (wrap around once)
    """
    if 0 <= i < size:
        return i
    if mode == "zeros":
        return None
    if mode == "replicate":
        return 0 if i < 0 else size - 1
    if mode == "reflect":
        return -i if i < 0 else 2 * (size - 1) - i
    if mode == "circular":
        return i + size if i < 0 else i - size
    raise ValueError(f"unknown padding_mode {mode!r}")


def check_mode_padding(pads, sizes: tuple[int, ...], mode: str) -> None:
    """PyTorch's limits: one mirror (padding < size) and one wrap (padding ≤ size)."""
    if mode not in PADDING_MODES:
        raise ValueError(f"unknown padding_mode {mode!r}")
    for (before, after), size in zip(pads, sizes):
        if mode == "reflect" and max(before, after) >= size:
            raise ValueError("reflect padding must be smaller than the input")
        if mode == "circular" and max(before, after) > size:
            raise ValueError("circular padding must not exceed the input")


def pad(x: np.ndarray, pads, mode: str = "zeros") -> np.ndarray:
    """Pad the last ``len(pads)`` axes of `x`, position by position."""
    spatial = x.shape[x.ndim - len(pads):]
    check_mode_padding(pads, spatial, mode)
    out = np.zeros(x.shape[:x.ndim - len(pads)] + tuple(n + b + a for n, (b, a) in zip(spatial, pads)))
    for pos in itertools.product(*(range(n) for n in out.shape[x.ndim - len(pads):])):
        src = [source(p - before, n, mode) for p, (before, _), n in zip(pos, pads, spatial)]
        if None not in src:
            out[(Ellipsis, *pos)] = x[(Ellipsis, *src)]
    return out


def window_count(padded: int, span: int, stride: int) -> int:
    """How many windows of `span` positions, `stride` apart, fit in `padded` positions."""
    return len(range(0, padded - span + 1, stride))


def correlate(x: np.ndarray, weight: np.ndarray, bias=None, stride=1, padding=0, dilation=1, groups=1,
              padding_mode="zeros") -> np.ndarray:
    """Cross-correlation (CNN "convolution"), as ``torch.nn.functional.conv1d/2d/3d``.

    ``out[n, o, p] = bias[o] + Σ weight[o, c, t] · padded_x[n, g·C_g + c, p·stride + t·dilation]``
    where ``g`` is the group of output channel ``o`` and ``C_g`` the input channels per group.
    """
    ndim = x.ndim - 2
    kernel = weight.shape[2:]
    stride, dilation = per_axis(stride, ndim), per_axis(dilation, ndim)
    channels, c_out, c_group = x.shape[1], weight.shape[0], weight.shape[1]
    if min(stride) < 1 or min(dilation) < 1 or groups < 1:
        raise ValueError("stride, dilation and groups must be at least 1")
    if 0 in x.shape or 0 in weight.shape:
        raise ValueError("empty axis")
    if channels % groups or c_out % groups or c_group * groups != channels:
        raise ValueError("channels do not split into groups")
    pads = resolve_padding(padding, kernel, stride, dilation)
    if min(min(p) for p in pads) < 0:
        raise ValueError("negative padding")
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    out_size = [window_count(n + b + a, span, s) for n, (b, a), span, s in zip(x.shape[2:], pads, spans, stride)]
    if min(out_size) < 1:
        raise ValueError("the kernel does not fit in the padded input")
    xp = pad(x.astype(float), pads, padding_mode)
    out = np.zeros((x.shape[0], c_out, *out_size))
    for n, o in itertools.product(range(x.shape[0]), range(c_out)):
        first = (o // (c_out // groups)) * c_group
        for pos in itertools.product(*(range(m) for m in out_size)):
            window = xp[(n, slice(first, first + c_group)) + tuple(
                slice(p * s, p * s + span, d) for p, s, span, d in zip(pos, stride, spans, dilation))]
            out[(n, o, *pos)] = np.sum(weight[o] * window) + (0.0 if bias is None else bias[o])
    return out


def true_convolve(x: np.ndarray, weight: np.ndarray, **settings) -> np.ndarray:
    """Convolution in the mathematical sense: correlation with the kernel reversed on every axis."""
    return correlate(x, weight[(Ellipsis,) + (slice(None, None, -1),) * (x.ndim - 2)], **settings)


def conv_transpose(x: np.ndarray, weight: np.ndarray, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                   dilation=1) -> np.ndarray:
    """Transposed convolution by its scatter definition.

    Input value ``x[n, c, i]`` stamps ``x[n, c, i] · weight[c, o]`` into the output so that tap
    ``t`` lands on ``i·stride + t·dilation − padding``; overlapping stamps add. The output runs
    from 0 to ``(L − 1)·stride + dilation·(k − 1) − 2·padding + output_padding``: `padding`
    crops both ends and `output_padding` extends the end. `weight` is ``(C_in, C_out/groups, *k)``.
    """
    ndim = x.ndim - 2
    kernel = weight.shape[2:]
    stride, dilation = per_axis(stride, ndim), per_axis(dilation, ndim)
    padding, output_padding = per_axis(padding, ndim), per_axis(output_padding, ndim)
    channels, c_group_out = x.shape[1], weight.shape[1]
    if min(stride) < 1 or min(dilation) < 1 or groups < 1 or min(padding) < 0 or min(output_padding) < 0:
        raise ValueError("stride, dilation, groups at least 1; padding, output_padding at least 0")
    if 0 in x.shape or 0 in weight.shape:
        raise ValueError("empty axis")
    if weight.shape[0] != channels or channels % groups:
        raise ValueError("channels do not split into groups")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise ValueError("output_padding must be smaller than the stride or the dilation")
    out_size = [(n - 1) * s + d * (k - 1) + 1 - 2 * p + op
                for n, s, d, k, p, op in zip(x.shape[2:], stride, dilation, kernel, padding, output_padding)]
    if min(out_size) < 1:
        raise ValueError("the padding crops away the whole output")
    c_group_in = channels // groups
    out = np.zeros((x.shape[0], c_group_out * groups, *out_size))
    for n, c in itertools.product(range(x.shape[0]), range(channels)):
        first = (c // c_group_in) * c_group_out
        for i in itertools.product(*(range(m) for m in x.shape[2:])):
            for t in itertools.product(*(range(k) for k in kernel)):
                at = [ii * s + tt * d - p for ii, tt, s, d, p in zip(i, t, stride, dilation, padding)]
                if all(0 <= a < m for a, m in zip(at, out_size)):
                    out[(n, slice(first, first + c_group_out), *at)] += x[(n, c, *i)] * weight[(c, slice(None), *t)]
    if bias is not None:
        out += np.reshape(bias, (1, -1) + (1,) * ndim)
    return out


def pool_size(size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int:
    """Number of pooling windows along an axis, by PyTorch's rule.

    Floor mode: windows that fit in the padded input. Ceil mode: a last window may hang over
    the end (by less than a stride), but a window must start before the right padding.
    """
    span = dilation * (kernel - 1) + 1
    out = math.floor((size + 2 * padding - span) / stride) + 1
    if ceil_mode:
        out = math.ceil((size + 2 * padding - span) / stride) + 1
        if (out - 1) * stride >= size + padding:
            out -= 1
    return out


def _pool_setup(x, kernel_size, stride, padding, dilation, ceil_mode):
    ndim = x.ndim - 2
    kernel = per_axis(kernel_size, ndim)
    stride = kernel if stride is None else per_axis(stride, ndim)
    padding, dilation = per_axis(padding, ndim), per_axis(dilation, ndim)
    if min(kernel) < 1 or min(stride) < 1 or min(dilation) < 1 or min(padding) < 0 or 0 in x.shape:
        raise ValueError("kernel_size, stride, dilation at least 1; padding at least 0; no empty axis")
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise ValueError("padding may be at most half the kernel size")
    out_size = [pool_size(*a, ceil_mode) for a in zip(x.shape[2:], kernel, stride, padding, dilation)]
    if min(out_size) < 1:
        raise ValueError("the window does not fit")
    return kernel, stride, padding, dilation, out_size


def max_pool(x: np.ndarray, kernel_size, stride=None, padding=0, dilation=1,
             ceil_mode=False) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling, as ``torch.nn.functional.max_pool1d/2d/3d``; returns (values, indices).

    Padding is −∞, so only input values can win; taps outside the input are skipped. The index
    is the flat spatial index (``row·W + col`` in 2-D) of the first maximum in scan order,
    or −1 for a window that sees no input at all (value −∞). Inputs are assumed NaN-free.
    """
    kernel, stride, padding, dilation, out_size = _pool_setup(x, kernel_size, stride, padding, dilation, ceil_mode)
    sizes = x.shape[2:]
    values = np.full(x.shape[:2] + tuple(out_size), -np.inf)
    indices = np.full(values.shape, -1)
    for nc in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for pos in itertools.product(*(range(m) for m in out_size)):
            for t in itertools.product(*(range(k) for k in kernel)):
                at = tuple(p * s - pad + tt * d for p, s, pad, tt, d in zip(pos, stride, padding, t, dilation))
                if all(0 <= a < n for a, n in zip(at, sizes)) and x[nc + at] > values[nc + pos]:
                    values[nc + pos] = x[nc + at]
                    indices[nc + pos] = int(np.ravel_multi_index(at, sizes))
    return values, indices


def avg_pool(x: np.ndarray, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None) -> np.ndarray:
    """Average pooling, as ``torch.nn.functional.avg_pool1d/2d/3d``.

    The sum covers the input values in the window (padding is zero). The divisor is
    `divisor_override` if given; otherwise, per axis, the window clipped to the padded input
    (``count_include_pad``) or to the input itself, multiplied over the axes.
    """
    if divisor_override is not None and divisor_override == 0:
        raise ValueError("divisor_override must not be 0")
    kernel, stride, padding, _, out_size = _pool_setup(x, kernel_size, stride, padding, 1, ceil_mode)
    sizes = x.shape[2:]
    out = np.zeros(x.shape[:2] + tuple(out_size))
    for pos in itertools.product(*(range(m) for m in out_size)):
        window, with_pad, real = [], 1, 1
        for p, s, pad, k, n in zip(pos, stride, padding, kernel, sizes):
            start = p * s - pad
            end = min(start + k, n + pad)
            with_pad *= end - start
            start, end = max(start, 0), min(end, n)
            real *= end - start
            window.append(slice(start, end))
        divisor = divisor_override or (with_pad if count_include_pad else real)
        out[(Ellipsis, *pos)] = x[(Ellipsis, *window)].sum(axis=tuple(range(2, x.ndim))) / divisor
    return out
