"""Output-size formulas written out with the user's numbers, one axis at a time.

Each function computes an output size *and* the sentence that explains it, so the number
a page shows and the arithmetic it prints can never disagree. Nothing here raises: an
impossible setting comes back with ``problem`` filled in, and the public functions in
:mod:`convviz.arithmetic` turn that into a ``ValueError``.

Examples
--------
>>> print(conv_axis(32, kernel_size=5, stride=2, before=2, after=2).text)
⌊(32 + 2·2 − 1·(5 − 1) − 1) / 2⌋ + 1 = ⌊31 / 2⌋ + 1 = 15 + 1 = 16
"""

from __future__ import annotations

from dataclasses import dataclass

MINUS = "−"


@dataclass(frozen=True)
class Worked:
    """One axis of an output-size computation.

    Attributes
    ----------
    value : int
        The output size; below 1 when the setting is impossible.
    text : str
        The formula with the user's numbers, in plain Unicode.
    latex : str
        The same, for ``st.latex``.
    general : str
        The formula in symbols (LaTeX).
    unreached : int
        Padded-input positions after the end of the last window (0 when the division is exact).
    note : str
        What an inexact division or a dropped window means, in words; ``""`` if nothing to say.
    problem : str
        Why the setting is impossible; ``""`` when it is fine.
    """

    value: int
    text: str
    latex: str
    general: str
    unreached: int = 0
    note: str = ""
    problem: str = ""


def num(n: int) -> str:
    """Format an integer with a true minus sign.

    >>> num(-3)
    '−3'
    """
    return f"{MINUS}{-n}" if n < 0 else str(n)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _pad_terms(before: int, after: int) -> tuple[str, str]:
    if before == after:
        return f"2·{before}", rf"2\cdot {before}"
    return f"{before} + {after}", f"{before} + {after}"


def _unreached_note(unreached: int, size: int, before: int, after: int, stride: int, numerator: int) -> str:
    if unreached == 0:
        return ""
    first = size + before + after - unreached  # first unreached index, counted in padded coordinates
    real = [i - before for i in range(first, size + before) if 0 <= i - before < size]
    where = (
        f"input {'position' if len(real) == 1 else 'positions'} "
        f"{real[0]}{'' if len(real) == 1 else f'–{real[-1]}'} (counting from 0) "
        f"{'is' if len(real) == 1 else 'are'} never read"
        if real
        else "what it skips there is only padding"
    )
    return (
        f"{numerator} / {stride} is not exact (remainder {unreached}): the last window stops "
        f"{_plural(unreached, 'position')} short of the end of the padded input, so {where}."
    )


def conv_axis(size: int, kernel_size: int, stride: int, before: int, after: int, dilation: int = 1) -> Worked:
    """Output size of a convolution along one axis, written out.

    ``⌊(size + before + after − dilation·(kernel_size − 1) − 1) / stride⌋ + 1``

    >>> w = conv_axis(5, kernel_size=3, stride=2, before=1, after=1)
    >>> w.value, w.unreached
    (3, 0)
    >>> conv_axis(5, 7, 1, 0, 0).problem
    'the kernel spans 7 positions but the padded input has only 5'
    """
    padded = size + before + after
    span = dilation * (kernel_size - 1) + 1
    numerator = padded - span
    value = numerator // stride + 1
    pad_t, pad_l = _pad_terms(before, after)
    text = (
        f"⌊({size} + {pad_t} − {dilation}·({kernel_size} − 1) − 1) / {stride}⌋ + 1"
        f" = ⌊{num(numerator)} / {stride}⌋ + 1 = {num(numerator // stride)} + 1 = {num(value)}"
    )
    latex = (
        rf"\left\lfloor\frac{{{size} + {pad_l} - {dilation}\cdot({kernel_size} - 1) - 1}}{{{stride}}}"
        rf"\right\rfloor + 1 = \left\lfloor\frac{{{numerator}}}{{{stride}}}\right\rfloor + 1 = {value}"
    )
    general = (
        r"\left\lfloor\frac{L_{in} + p_{before} + p_{after} - d\cdot(k - 1) - 1}{s}\right\rfloor + 1"
    )
    if numerator < 0:
        problem = f"the kernel spans {span} positions but the padded input has only {padded}"
        return Worked(value, text, latex, general, problem=problem)
    unreached = numerator % stride
    note = _unreached_note(unreached, size, before, after, stride, numerator)
    return Worked(value, text, latex, general, unreached, note)


def pool_axis(
    size: int, kernel_size: int, stride: int, padding: int, dilation: int = 1, ceil_mode: bool = False
) -> Worked:
    """Output size of max/average pooling along one axis, with PyTorch's ``ceil_mode`` rule.

    With ``ceil_mode`` the division rounds up, but a last window that would *start* in the
    right padding is dropped.

    >>> pool_axis(5, kernel_size=2, stride=2, padding=0, ceil_mode=True).value
    3
    >>> print(pool_axis(5, 2, 2, 1, ceil_mode=True).note)
    Rounding up would add a window starting at position 6, inside the right padding, so it is dropped (PyTorch's rule).
    """
    span = dilation * (kernel_size - 1) + 1
    numerator = size + 2 * padding - span
    bracket = ("⌈", "⌉", r"\left\lceil", r"\right\rceil")
    if not ceil_mode:
        bracket = ("⌊", "⌋", r"\left\lfloor", r"\right\rfloor")
    quotient = -(-numerator // stride) if ceil_mode else numerator // stride
    value = quotient + 1
    text = (
        f"{bracket[0]}({size} + 2·{padding} − {dilation}·({kernel_size} − 1) − 1) / {stride}{bracket[1]} + 1"
        f" = {bracket[0]}{num(numerator)} / {stride}{bracket[1]} + 1 = {num(value)}"
    )
    latex = (
        rf"{bracket[2]}\frac{{{size} + 2\cdot {padding} - {dilation}\cdot({kernel_size} - 1) - 1}}"
        rf"{{{stride}}}{bracket[3]} + 1 = {value}"
    )
    general = (
        rf"{bracket[2]}\frac{{L_{{in}} + 2p - d\cdot(k - 1) - 1}}{{s}}{bracket[3]} + 1"
    )
    if padding > kernel_size // 2:
        problem = (
            f"padding {padding} is more than half the kernel size {kernel_size} "
            f"(at most {kernel_size // 2}), so a window could see nothing but padding"
        )
        return Worked(value, text, latex, general, problem=problem)
    if value < 1:
        problem = f"the window spans {span} positions but the padded input has only {size + 2 * padding}"
        return Worked(value, text, latex, general, problem=problem)
    note = ""
    if ceil_mode and (value - 1) * stride >= size + padding:
        note = (
            f"Rounding up would add a window starting at position {(value - 1) * stride}, inside "
            f"the right padding, so it is dropped (PyTorch's rule)."
        )
        value -= 1
        text += f" → {value}"
        latex += rf" \to {value}"
    unreached = max(0, size + 2 * padding - ((value - 1) * stride + span))
    if not note and unreached:
        note = _unreached_note(unreached, size, padding, padding, stride, numerator)
    elif ceil_mode and numerator % stride and not note:
        note = "Rounding up keeps a last, partial window that hangs over the end of the input."
    return Worked(value, text, latex, general, unreached, note)


def transpose_axis(
    size: int, kernel_size: int, stride: int, padding: int, output_padding: int = 0, dilation: int = 1
) -> Worked:
    """Output size of a transposed convolution along one axis.

    ``(size − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1``

    >>> print(transpose_axis(3, kernel_size=3, stride=2, padding=1, output_padding=1).text)
    (3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6
    """
    value = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    text = (
        f"({size} − 1)·{stride} − 2·{padding} + {dilation}·({kernel_size} − 1) + {output_padding} + 1"
        f" = {num(value)}"
    )
    latex = (
        rf"({size} - 1)\cdot {stride} - 2\cdot {padding} + {dilation}\cdot({kernel_size} - 1)"
        rf" + {output_padding} + 1 = {value}"
    )
    general = r"(L_{in} - 1)\cdot s - 2p + d\cdot(k - 1) + p_{out} + 1"
    problem = ""
    if output_padding >= stride and output_padding >= dilation:
        problem = (
            f"output_padding ({output_padding}) must be smaller than the stride ({stride}) or the "
            f"dilation ({dilation}); it only picks between output sizes the stride makes ambiguous"
        )
    elif value < 1:
        problem = (
            f"the padding ({padding} on each side) removes more than the "
            f"{value + 2 * padding} positions there are"
        )
    return Worked(value, text, latex, general, problem=problem)
