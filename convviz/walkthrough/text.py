"""How a walkthrough writes its numbers and its arithmetic, in cells, on the page and in the GIF.

True minus signs, about four significant digits, negatives in parentheses inside an
expression, ``=`` only when nothing on the left was rounded (else ``≈``), and long
expressions laid out one kernel row per line within :data:`LINE_LIMIT` characters.

Examples
--------
>>> print(*expression(products(operands([[1, -2]])[0], operands([[3, 0.5]])[0]), " = 2"))
1·3 + (−2)·0.5 = 2
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..formulas import Worked

DIGITS = 3          # decimals shown for non-integers below 10, in cells and in the arithmetic
LINE_LIMIT = 76     # characters of arithmetic per line that fit the figure (at PAGE_WIDTH, 790 px) and the GIF



def format_number(v: float, digits: int = 2) -> str:
    """Short, readable number with a true minus sign: ``−6``, ``0.25``, ``1.5e+03``.

    >>> format_number(-6.0), format_number(0.25), format_number(1/3)
    ('−6', '0.25', '0.33')
    """
    if not np.isfinite(v):
        return "−∞" if v < 0 else ("∞" if v > 0 else "NaN")
    if float(v).is_integer() and abs(v) < 1e6:
        text = str(int(v))
    elif abs(v) >= 1e4 or abs(v) < 10 ** -digits:
        text = f"{v:.{digits}g}" if v != 0 else "0"
    else:
        text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def number(v: float) -> str:
    """A number as cells and sums show it: true minus sign, about four significant digits.

    >>> number(-6.0), number(0.0625), number(156.778), number(float("nan")), number(float("-inf"))
    ('−6', '0.062', '156.8', '', '−∞')
    """
    if np.isnan(v):
        return ""
    size = abs(float(v))
    if size >= 1000 and np.isfinite(size):
        return format_number(float(round(v)))
    return format_number(float(v), DIGITS if size < 10 else 2 if size < 100 else 1)


def labels(values: np.ndarray) -> np.ndarray:
    """:func:`number` of every element, as a string array."""
    return np.vectorize(number, otypes=[object])(np.asarray(values, dtype=float)).astype(str)


def operand(v: float) -> str:
    """A number inside an expression: negatives in parentheses so signs cannot blur.

    >>> operand(-1.0), operand(2.5)
    ('(−1)', '2.5')
    """
    text = number(v)
    return f"({text})" if text.startswith("−") else text


def shown_exactly(v: float) -> bool:
    """Whether :func:`number` writes `v` without rounding.

    >>> shown_exactly(0.25), shown_exactly(1 / 3), shown_exactly(float("inf"))
    (True, False, True)
    """
    if not np.isfinite(v):
        return True                                  # ∞ and NaN (blank) are what they are
    text = number(v).replace("−", "-")
    return bool(np.isclose(float(text), v, rtol=1e-9, atol=1e-12)) if text else True


def equals(result: float, exact: bool) -> str:
    """``" = −6"``, or ``" ≈ 0.333"`` when something on the left was rounded."""
    return f" {'=' if exact and shown_exactly(result) else '≈'} {number(result)}"


def shorten(terms: Sequence[str], sep: str, room: int = LINE_LIMIT) -> str:
    """Join `terms`, eliding the middle when they take more than `room` characters."""
    row = sep.join(terms)
    if len(row) <= room or len(terms) <= 5:
        return row
    return sep.join([*terms[:3], "…", *terms[-2:]])


def expression(terms: Sequence[Sequence[str]], tail: str, head: str = "", sep: str = " + ") -> tuple[str, ...]:
    """Lay a long expression out one kernel row per line, eliding what does not fit.

    `terms` holds one list per kernel row. Short expressions stay on one line.

    >>> expression([["1", "2"], ["3", "4"]], " = 10")
    ('1 + 2 + 3 + 4 = 10',)
    >>> for line in expression([["10·(−1)"] * 4] * 3, " = −120"):
    ...     print(line)
    10·(−1) + 10·(−1) + 10·(−1) + 10·(−1)
    + 10·(−1) + 10·(−1) + 10·(−1) + 10·(−1)
    + 10·(−1) + 10·(−1) + 10·(−1) + 10·(−1) = −120
    """
    flat = head + sep.join(t for row in terms for t in row) + tail
    if len(flat) <= LINE_LIMIT:
        return (flat,)
    room = LINE_LIMIT - max(len(head), len(sep.strip()) + 1) - len(tail) - 1
    rows = [shorten(row, sep, room) for row in terms]
    if len(rows) > 6:
        rows = [*rows[:3], "⋮", *rows[-2:]]
    if sep.strip() == ",":
        lines = [head + r + "," for r in rows[:-1]] + [rows[-1]]
    else:
        lines = [head + rows[0]] + [r if r == "⋮" else f"{sep.strip()} {r}" for r in rows[1:]]
    lines[-1] += tail
    return tuple(lines)


def operands(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`operand` and :func:`shown_exactly` of every element, formatting each distinct value once.

    >>> text, exact = operands(np.array([[1.0, -0.5], [1 / 3, 1.0]]))
    >>> text.tolist(), exact.tolist()
    ([['1', '(−0.5)'], ['0.333', '1']], [[True, True], [False, True]])
    """
    values = np.asarray(values, dtype=float)
    distinct, inverse = np.unique(values, return_inverse=True)
    text = np.array([operand(v) for v in distinct], dtype=object)
    exact = np.array([shown_exactly(v) for v in distinct], dtype=bool)
    return text[inverse].reshape(values.shape), exact[inverse].reshape(values.shape)


def products(values: np.ndarray, weights: np.ndarray) -> list[list[str]]:
    """Terms ``"v·w"`` per kernel row, from operand texts (see :func:`operands`)."""
    return [[f"{v}·{w}" for v, w in zip(vr, wr)] for vr, wr in zip(values, weights)]


def axis_names(axes: int) -> tuple[str, ...]:
    """What the axes of an output are called, in the order its shape lists them.

    >>> axis_names(1), axis_names(3)
    (('length',), ('depth', 'rows', 'columns'))
    """
    return {1: ("length",), 2: ("rows", "columns"), 3: ("depth", "rows", "columns")}.get(
        axes, tuple(f"axis {i}" for i in range(axes)))


def _together(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def axis_notes(worked: Sequence[Worked]) -> tuple[str, ...]:
    """What an inexact division means: once when every axis says the same, else per axis.

    >>> from convviz.arithmetic import explain_conv_output_size
    >>> [note.split(":")[0] for note in axis_notes(explain_conv_output_size((6, 5), (2, 2), 2))]
    ['Columns']
    """
    notes = [w.note for w in worked]
    if len(set(notes)) == 1:
        return (notes[0],) if notes[0] else ()
    return tuple(f"{name.capitalize()}: {note}" for name, note in zip(axis_names(len(worked)), notes) if note)


def formula_lines(worked: Sequence[Worked]) -> tuple[str, ...]:
    """The output-size formula with its numbers: once when every axis agrees, else one line per axis.

    >>> from convviz.arithmetic import explain_conv_output_size
    >>> formula_lines(explain_conv_output_size((5,), (3,)))
    ('Output length: ⌊(5 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = ⌊2 / 1⌋ + 1 = 2 + 1 = 3',)
    >>> [line.split(":")[0] for line in formula_lines(explain_conv_output_size((4, 5, 5), (2, 3, 3)))]
    ['Output depth', 'Output rows', 'Output columns']
    """
    names = axis_names(len(worked))
    if len({w.text for w in worked}) == 1:
        label = "length" if names == ("length",) else f"size ({_together(names)})"
        return (f"Output {label}: {worked[0].text}",)
    return tuple(f"Output {name}: {w.text}" for name, w in zip(names, worked))
