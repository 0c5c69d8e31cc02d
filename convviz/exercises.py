"""What a practice exercise is: a task, the pictures it needs, a hint, and questions with worked solutions.

The data model only; :mod:`convviz.practice` makes exercises and the app draws them. Texts
(task, hint, prompts, solution lines) are short Markdown written here, never from user input;
formulas sit in code spans so they keep their spacing.

Examples
--------
>>> from convviz.answers import SizeAnswer
>>> q = Question("size", "Output size?", SizeAnswer((3, 3)), ("`⌊4 / 2⌋ + 1 = 3`",))
>>> q.answer.grade("3x3")
True
>>> times(-1, 3), times(2.5, 0)
('(−1)·3', '2.5·0')
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from .answers import Answer
from .formulas import MINUS

LEVELS = ("warm-up", "standard", "tricky")
SHOWS = ("numbers", "pixels", "map")


@dataclass(frozen=True, eq=False)
class Panel:
    """One picture for an exercise.

    Attributes
    ----------
    caption : str
    values : np.ndarray (H, W), read-only
    shows : {"numbers", "pixels", "map"}
        A small grid with every number written; a grey image in 0..255; a feature map
        (drawn stretched from its lowest value, black, to its highest, white).
    padded : bool np.ndarray (H, W), optional
        Cells that are padding, drawn in the padding grey (``"numbers"`` only).
    """

    caption: str
    values: np.ndarray
    shows: str = "numbers"
    padded: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.shows not in SHOWS:
            raise ValueError(f"a panel shows one of {', '.join(SHOWS)}, got {self.shows!r}")
        for array in (self.values, self.padded):
            if array is not None:
                array.setflags(write=False)   # shared by every session that draws the same set


@dataclass(frozen=True, eq=False)
class Question:
    """One answer to type: `name` is unique within its exercise (``"size"``, ``"value"``…)."""

    name: str
    prompt: str
    answer: Answer
    solution: tuple[str, ...]
    panels: tuple[Panel, ...] = ()      # shown with the worked solution


@dataclass(frozen=True, eq=False)
class Exercise:
    """A task with its pictures, one hint and one or more questions."""

    kind: str
    title: str
    task: str
    hint: str
    questions: tuple[Question, ...]
    panels: tuple[Panel, ...] = ()


def random_for(seed: int, level: str, kind: str) -> random.Random:
    """The random numbers of one exercise: the same seed, level and kind give the same exercise.

    A string seed is hashed with SHA-512, so the numbers are the same in every process and
    on every machine; each kind has its own stream, so choosing fewer kinds changes none.
    """
    return random.Random(f"convviz.practice:{kind}:{level}:{seed}")


def whole(value: float) -> str:
    """A number as it is written in a worked sum: ``−3``, ``2.5``.

    >>> whole(-3.0), whole(2.5)
    ('−3', '2.5')
    """
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return text.replace("-", MINUS)


def times(a: float, b: float) -> str:
    """One product of a worked sum, negative factors in brackets."""
    return "·".join(f"({whole(v)})" if v < 0 else whole(v) for v in (a, b))


def side(size: tuple[int, ...]) -> str:
    """``(5, 5)`` → ``"5×5"``."""
    return "×".join(map(str, size))


def grid(rng: random.Random, rows: int, cols: int, low: int, high: int) -> np.ndarray:
    """A small grid of whole numbers, drawn from `rng`."""
    return np.array([[rng.randint(low, high) for _ in range(cols)] for _ in range(rows)], dtype=float)
