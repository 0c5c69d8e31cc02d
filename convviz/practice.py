"""Practice sets: generated exercises on convolution, checked automatically.

A set has one exercise per kind, at one of three levels. The same seed and level always
give the same set, in every process and on every machine, so a teacher can hand a class
one link and everyone gets the same questions. Each exercise comes with its hint, and
each question with its answer (:mod:`convviz.answers`) and a worked solution taken from
the engine's own formulas.

Examples
--------
>>> first = practice_set(7, "standard")
>>> [ex.kind for ex in first] == list(KINDS)
True
>>> again = practice_set(7, "standard", kinds=("output_size",))
>>> again[0].task == first[1].task
True
>>> practice_set(7, "expert")
Traceback (most recent call last):
...
ValueError: level must be one of warm-up, standard, tricky; got 'expert'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import MappingProxyType

from .arguments import as_int
from .exercises import LEVELS, Exercise, random_for
from .practice_grids import conv_cell, pooling, which_kernel
from .practice_shapes import output_size, parameters, receptive_field_exercise, transposed

__all__ = ["KINDS", "LEVELS", "MAX_SEED", "make_exercise", "practice_set"]

MAX_SEED = 999_999
_MAKERS: dict[str, Callable] = {
    "conv_cell": conv_cell, "output_size": output_size, "pooling": pooling, "receptive_field": receptive_field_exercise,
    "parameters": parameters, "which_kernel": which_kernel, "transposed": transposed,
}
#: Every kind of exercise, in the order a set shows them, with its title.
KINDS = MappingProxyType({
    "conv_cell": "One output cell", "output_size": "Output size", "pooling": "Pooling",
    "receptive_field": "Receptive field", "parameters": "Parameters and MACs", "which_kernel": "Which kernel?",
    "transposed": "Transposed convolution",
})


def make_exercise(kind: str, seed: int, level: str) -> Exercise:
    """One exercise of `kind`; the same arguments give the same exercise.

    Raises
    ------
    ValueError
        For an unknown kind or level, or a seed outside 0…:data:`MAX_SEED`.

    >>> make_exercise("output_size", 1, "warm-up").title
    'Output size'
    """
    if kind not in _MAKERS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    seed = as_int(seed, "seed")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be from 0 to {MAX_SEED}; got {seed}")
    return _MAKERS[kind](random_for(seed, level, kind), LEVELS.index(level))


def practice_set(seed: int, level: str, kinds: Sequence[str] = tuple(KINDS)) -> tuple[Exercise, ...]:
    """One exercise of each of `kinds`, in the order of :data:`KINDS`.

    Each kind draws its own numbers, so leaving a kind out changes none of the others.
    Costs a few milliseconds: four small convolutions of a 128-pixel picture and a few
    formulas (the pictures are read once per process).
    """
    unknown = [k for k in kinds if k not in _MAKERS]
    if unknown:
        raise ValueError(f"kinds must be among {', '.join(KINDS)}; got {', '.join(map(repr, unknown))}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    return tuple(make_exercise(kind, seed, level) for kind in KINDS if kind in kinds)
