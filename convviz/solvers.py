"""The output-size formula forwards for any operation, and backwards: what padding keeps the
size, and which input sizes give an output.

The backward answers come from the same engine (:mod:`convviz.arithmetic`) as the forward
formula, so the two always agree.

Examples
--------
>>> same_padding(32, 5).before
2
>>> input_sizes(28, kernel_size=5)
range(32, 33)
"""

from __future__ import annotations

from dataclasses import dataclass

from .arguments import IntOrTuple, Padding, per_axis
from .arithmetic import (
    conv_output_size, conv_transpose_output_size, explain_conv_output_size, explain_conv_transpose_output_size,
    explain_pool_output_size, pool_output_size,
)
from .formulas import Worked

OPERATIONS = ("convolution", "pooling", "transposed")


@dataclass(frozen=True)
class SamePadding:
    """Padding that gives ``⌈size / stride⌉`` outputs, and the arithmetic behind it."""

    before: int
    after: int
    output: int
    text: str


def same_padding(size: int, kernel_size: int, stride: int = 1, dilation: int = 1) -> SamePadding:
    """Padding per side that keeps the size at stride 1, and gives ``⌈size/stride⌉`` above it.

    That is Keras's (and TensorFlow's) ``"same"``; at stride 1 it is also PyTorch's. An odd
    total puts the extra pixel after (bottom/right), so even effective kernels, and most
    inputs at stride 2, are padded unevenly — which PyTorch's ``padding=n`` cannot express.

    >>> same_padding(32, 5)
    SamePadding(before=2, after=2, output=32, text='...')
    >>> p = same_padding(112, 3, stride=2)       # MobileNet's first layer in Keras
    >>> p.before, p.after, p.output
    (0, 1, 56)
    >>> print(same_padding(7, 4).text)
    pad 1 before and 2 after (3 in all): 7 outputs need windows up to (7 − 1)·1 + 4 = 10 positions, and the input
    has 7. Uneven: PyTorch's padding=n pads both sides alike, so pad first with nn.ZeroPad2d (or F.pad); ...
    """
    size, k, s, d = (per_axis(v, 1, n, minimum=1)[0] for v, n in (
        (size, "size"), (kernel_size, "kernel_size"), (stride, "stride"), (dilation, "dilation")))
    span = d * (k - 1) + 1
    target = -(-size // s)
    need = (target - 1) * s + span
    total = max(need - size, 0)
    text = (f"pad {total // 2} before and {total - total // 2} after ({total} in all): {target} outputs need "
            f"windows up to ({target} − 1)·{s} + {span} = {need} positions, and the input has {size}.")
    if s > 1:
        text += f" At stride {s} that keeps ⌈{size} / {s}⌉ = {target}, as Keras's \"same\" does."
    if total % 2:
        text += (" Uneven: PyTorch's padding=n pads both sides alike, so pad first with nn.ZeroPad2d (or F.pad); "
                 "Keras's padding=\"same\" does it by itself.")
    return SamePadding(total // 2, total - total // 2, target, text)


def _dispatch(operation: str, functions: tuple, size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple | None,
              padding: Padding, dilation: IntOrTuple, ceil_mode: bool, output_padding: IntOrTuple) -> object:
    conv, pool, transposed = functions
    if operation == "pooling":
        return pool(size, kernel_size, stride, padding, dilation, ceil_mode)
    if operation == "convolution":
        return conv(size, kernel_size, 1 if stride is None else stride, padding, dilation)
    if operation == "transposed":
        return transposed(size, kernel_size, 1 if stride is None else stride, padding, output_padding, dilation)
    raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}, got {operation!r}")


def explain_output_size(
    operation: str, size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: Padding = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, output_padding: IntOrTuple = 0,
) -> tuple[Worked, ...]:
    """The worked formula per axis for any of :data:`OPERATIONS`.

    Arguments an operation does not have are ignored. `stride` defaults to 1, or for pooling
    to the kernel size, as in PyTorch.

    >>> [w.value for w in explain_output_size("pooling", (5, 6), 2, 2, ceil_mode=True)]
    [3, 3]
    """
    functions = (explain_conv_output_size, explain_pool_output_size, explain_conv_transpose_output_size)
    return _dispatch(operation, functions, size, kernel_size, stride, padding, dilation, ceil_mode, output_padding)


def output_size(
    operation: str, size: IntOrTuple, kernel_size: IntOrTuple, stride: IntOrTuple | None = None, padding: Padding = 0,
    dilation: IntOrTuple = 1, ceil_mode: bool = False, output_padding: IntOrTuple = 0,
) -> int | tuple[int, ...]:
    """Output size for any of :data:`OPERATIONS`; ValueError with the worked formula if impossible.

    >>> output_size("transposed", 16, 2, 2)
    32
    """
    functions = (conv_output_size, pool_output_size, conv_transpose_output_size)
    return _dispatch(operation, functions, size, kernel_size, stride, padding, dilation, ceil_mode, output_padding)


def input_sizes(
    output: int, operation: str = "convolution", kernel_size: int = 1, stride: int | None = None, padding: Padding = 0,
    dilation: int = 1, ceil_mode: bool = False, output_padding: int = 0,
) -> range:
    """Every input size that gives `output` along one axis (a run of consecutive sizes).

    `operation` is one of :data:`OPERATIONS`. A stride `s` maps up to `s` neighbouring sizes
    to the same output, because the remainder is dropped.

    >>> input_sizes(16, kernel_size=5, stride=2, padding=2)
    range(31, 33)
    >>> input_sizes(8, "transposed", kernel_size=4, stride=2, padding=1)
    range(4, 5)

    Padding can make the smallest working input far larger than the output (a transposed
    convolution crops ``2·padding``):

    >>> input_sizes(6, "transposed", kernel_size=5, padding=15)
    range(32, 33)

    Notes
    -----
    Output size never falls as the input grows, so doubling a guess finds an input that is
    large enough, a binary search below it the first size, and a scan of at most ``stride``
    more the rest: about ``2·log2(output·stride + padding)`` evaluations.
    """
    def worked(n: int) -> Worked:
        return explain_output_size(operation, n, kernel_size, stride, padding, dilation, ceil_mode, output_padding)[0]

    def value(n: int) -> int:
        w = worked(n)
        return 0 if w.problem else w.value

    target = per_axis(output, 1, "output", minimum=1)[0]
    default = kernel_size if operation == "pooling" else 1
    step = per_axis(default if stride is None else stride, 1, "stride", minimum=1)[0]
    guess = high = (target + 2) * step + dilation * kernel_size + 2
    for _ in range(64):     # settings no size can use fail at every size; the others reach the target
        if value(high) >= target:
            break
        high *= 2
    else:
        raise ValueError(f"no input size works: {worked(guess).problem}")
    low = 1
    while low < high:
        mid = (low + high) // 2
        low, high = (mid + 1, high) if value(mid) < target else (low, mid)
    end = low
    while value(end) == target:
        end += 1
    return range(low, end)
