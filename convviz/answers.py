"""Reading a student's typed answer, and judging it against the expected one.

Answers come in three forms: a number (``"-12"``, ``"−12"``, ``"12.0"``, ``"1,792"``,
``"1/4"``), a size (``"3"``, ``"3x3"``, ``"3 × 3"``, ``"(3, 3)"``, ``"3,3"``) and one of a few
choices (``"B"``). Text that cannot be read raises ValueError with a calm sentence that says
what to type instead; the sentence never repeats the text, so a page can show it safely
beside the text quoted.

Examples
--------
>>> parse_number("−12"), parse_number("1,792"), parse_number("1/4")
(-12.0, 1792.0, 0.25)
>>> parse_size("(3, 3)", axes=2), parse_size("3", axes=2)
((3, 3), (3, 3))
>>> NumberAnswer(2.25).grade("2.25"), SizeAnswer((3, 3)).grade("2x2")
(True, False)
>>> parse_number("nan")
Traceback (most recent call last):
...
ValueError: that is not a finite number; type digits, such as 12 or −3.5
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from .formulas import MINUS

LARGEST = 10**12          # beyond any answer of any exercise: a typo, or a test of the checker
LONGEST = 60              # characters; a longer answer is not a number or a size
DECIMALS = 2              # a non-whole answer is asked for to this many decimal places
_DASHES = {"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"}
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_FRACTION = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")
_SIZE_SPLIT = re.compile(r"\s*(?:[x×*,;]|by)\s*|\s+")


def _normalise(text: object) -> str:
    """Text as typed, in one spelling: plain digits, ``-`` for every minus, single spaces."""
    t = unicodedata.normalize("NFKC", str(text))
    t = "".join(_DASHES.get(c, c) for c in t)
    t = _SPACES.sub(" ", t).strip()
    if not t:
        raise ValueError("the answer is empty; type it in the box, then press Check")
    if len(t) > LONGEST:
        raise ValueError(f"that is longer than any answer here ({LONGEST} characters at most)")
    return t


def _bounded(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("that is not a finite number; type digits, such as 12 or −3.5")
    if abs(value) > LARGEST:
        raise ValueError("that is far larger than any answer here; check the number of digits")
    return value


def parse_number(text: object) -> float:
    """Read a number: a minus sign of any kind, thousands commas, a fraction ``a/b``.

    Raises
    ------
    ValueError
        For empty text, words, NaN, ±inf, numbers beyond :data:`LARGEST` and a decimal comma.

    >>> parse_number(" 12.0 "), parse_number("−3.5"), parse_number("10 368")
    (12.0, -3.5, 10368.0)
    >>> parse_number("2,5")
    Traceback (most recent call last):
    ...
    ValueError: write decimals with a point (2.5), and the number alone
    """
    t = re.sub(r"(?<=\d)[ _](?=\d)", "", _normalise(text))
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    if fraction := _FRACTION.fullmatch(t):
        top, bottom = (_bounded(float(part)) for part in fraction.groups())
        if bottom == 0:
            raise ValueError("a fraction cannot have 0 below the line")
        return _bounded(top / bottom)
    if "," in t:
        raise ValueError("write decimals with a point (2.5), and the number alone")
    try:
        value = float(t)
    except ValueError:
        raise ValueError("that is not a number; type digits, such as 12 or −3.5") from None
    return _bounded(value)


def parse_size(text: object, axes: int) -> tuple[int, ...]:
    """Read a size with `axes` numbers; a single number means the same on every axis.

    >>> parse_size("3 × 4", 2), parse_size("[7,7]", 2), parse_size("torch.Size([2, 5])", 2)
    ((3, 4), (7, 7), (2, 5))
    >>> parse_size("3x3x3", 2)
    Traceback (most recent call last):
    ...
    ValueError: this answer has 2 numbers (height × width), but 3 were typed
    """
    t = _normalise(text).lower().removeprefix("torch.size").strip(" ()[]")
    if not t:
        raise ValueError("that holds no numbers; type a size such as 3x3")
    parts = _SIZE_SPLIT.split(t)
    sizes = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise ValueError("that is not a size; type whole numbers such as 3x3 or 3") from None
        if not math.isfinite(value):
            raise ValueError("that is not a size; type whole numbers such as 3x3 or 3")
        if value < 0:
            raise ValueError("sizes are never negative; the smallest possible size is 1")
        if not value.is_integer():
            raise ValueError("sizes are whole numbers (a layer cannot make half a row)")
        sizes.append(int(_bounded(value)))
    if len(sizes) == 1:
        return tuple(sizes) * axes
    if len(sizes) != axes:
        names = {1: "one length", 2: "height × width", 3: "depth × height × width"}.get(axes, "one per axis")
        raise ValueError(f"this answer has {axes} numbers ({names}), but {len(sizes)} were typed")
    return tuple(sizes)


def show_number(value: float) -> str:
    """How an expected number is written: thousands commas, a true minus, 2 decimals if not whole.

    >>> show_number(-12.0), show_number(10368), show_number(1 / 3)
    ('−12', '10,368', '0.33')
    """
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:.{DECIMALS}f}"
    return text.replace("-", MINUS)


@dataclass(frozen=True)
class NumberAnswer:
    """A number; a whole one must be matched exactly, any other to :data:`DECIMALS` places."""

    value: float

    @property
    def whole(self) -> bool:
        return float(self.value).is_integer()

    @property
    def shown(self) -> str:
        return show_number(self.value)

    def grade(self, text: object) -> bool:
        """Whether `text` is this number; raises ValueError for text that is not a number."""
        given = parse_number(text)
        tolerance = 1e-9 * max(1.0, abs(self.value)) + (0 if self.whole else 0.5 * 10**-DECIMALS)
        return abs(given - self.value) <= tolerance


@dataclass(frozen=True)
class SizeAnswer:
    """A size, one whole number per axis (height × width for a 2-D layer)."""

    value: tuple[int, ...]

    @property
    def shown(self) -> str:
        return " × ".join(map(str, self.value))

    def grade(self, text: object) -> bool:
        """Whether `text` is this size; raises ValueError for text that is not a size."""
        return parse_size(text, len(self.value)) == self.value


@dataclass(frozen=True)
class ChoiceAnswer:
    """One of a few labelled options (``A``, ``B``, …); `correct` is the index of the right one."""

    options: tuple[str, ...]
    correct: int

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple("ABCDEFGH"[: len(self.options)])

    @property
    def shown(self) -> str:
        return f"{self.letters[self.correct]} ({self.options[self.correct]})"

    def grade(self, text: object) -> bool:
        """Whether `text` (a letter, or an option's name) picks the right option.

        >>> ChoiceAnswer(("Sobel x", "Box blur"), 1).grade("b")
        True
        """
        t = _normalise(text).casefold()
        names = [o.casefold() for o in self.options]
        letters = [c.casefold() for c in self.letters]
        if t in letters:
            return letters.index(t) == self.correct
        if t in names:
            return names.index(t) == self.correct
        raise ValueError(f"pick one of the options, {', '.join(self.letters[:-1])} or {self.letters[-1]}")


Answer = NumberAnswer | SizeAnswer | ChoiceAnswer
