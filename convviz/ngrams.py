"""N-gram detectors: the 1-D filters of a sentence-classification CNN (Kim, 2014).

Each filter spans `K` consecutive words and holds a weight for every embedding dimension
at every one of its `K` positions, so it is a ``C × K`` matrix. Slid along a sentence
(:func:`convviz.conv.conv1d`), plus its bias and through a ReLU, it gives one activation
per window of `K` words: positive where the window looks like what the filter looks for.
Max pooling over time then keeps each filter's largest activation, wherever in the
sentence it happened, and those maxima are what the classifier reads.

The filters here are written by hand over the named dimensions of :mod:`convviz.text`
(a trained network learns them); the bias is what the matching words must outweigh, so a
filter stays at 0 unless the whole pattern is there.

Examples
--------
>>> from convviz.text import embed
>>> d = detect(embed("the plot was not good"), [FILTERS["not_positive"]])[0]
>>> d.activations.tolist(), d.words, d.score
([0.0, 0.0, 0.0, 0.7], ('not', 'good'), 0.7)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .activations import relu
from .conv import conv1d
from .text import Sentence, load_embeddings


@dataclass(frozen=True)
class NgramFilter:
    """A filter over `width` consecutive words.

    Attributes
    ----------
    title : str
        What it detects, e.g. ``"negation → positive"``.
    example : str
        Words it fires on, e.g. ``"not good"``.
    weights : float array (C, width)
        Weight of each embedding dimension (rows) at each position of the window (columns).
    bias : float
    """

    title: str
    example: str
    weights: np.ndarray
    bias: float

    @property
    def width(self) -> int:
        """How many words the window spans (the n of n-gram)."""
        return self.weights.shape[1]


def ngram_filter(title: str, example: str, pattern: Iterable[Mapping[str, float]], bias: float,
                 dimensions: tuple[str, ...] | None = None) -> NgramFilter:
    """A filter written as one ``{dimension: weight}`` per window position.

    >>> f = ngram_filter("negation → positive", "not good", [{"negation": 1}, {"positive": 1}], bias=-1)
    >>> f.weights.tolist()
    [[0.0, 1.0], [0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    >>> ngram_filter("?", "", [{"sarcasm": 1}], 0)
    Traceback (most recent call last):
    ...
    ValueError: filter '?' uses 'sarcasm', which is not an embedding dimension (positive, negative, ...)
    """
    dimensions = load_embeddings().dimensions if dimensions is None else dimensions
    columns = []
    for position in pattern:
        column = np.zeros(len(dimensions))
        for name, weight in position.items():
            if name not in dimensions:
                raise ValueError(f"filter {title!r} uses {name!r}, which is not an embedding dimension "
                                 f"({', '.join(dimensions)})")
            column[dimensions.index(name)] = weight
        columns.append(column)
    if not columns:
        raise ValueError(f"filter {title!r} needs at least one position")
    return NgramFilter(title, example, np.stack(columns, axis=1), float(bias))


FILTERS = {
    "not_positive": ngram_filter("negation → positive", "not good", [{"negation": 1}, {"positive": 1}], -1),
    "not_negative": ngram_filter("negation → negative", "not bad", [{"negation": 1}, {"negative": 1}], -1),
    "very_positive": ngram_filter("intensifier → positive", "very good", [{"intensity": 1}, {"positive": 1}], -1),
    "very_negative": ngram_filter("intensifier → negative", "really bad", [{"intensity": 1}, {"negative": 1}], -1),
    "not_very_positive": ngram_filter("negation → intensifier → positive", "not very good",
                                      [{"negation": 1}, {"intensity": 1}, {"positive": 1}], -2),
    "positive_but_negative": ngram_filter("positive → contrast → negative", "good but boring",
                                          [{"positive": 1}, {"contrast": 1}, {"negative": 1}], -2),
    "negative_but_positive": ngram_filter("negative → contrast → positive", "boring but funny",
                                          [{"negative": 1}, {"contrast": 1}, {"positive": 1}], -2),
    "not_then_positive": ngram_filter("negation, then positive within 3 words", "not at all good",
                                      [{"negation": 1}, {"positive": 1}, {"positive": 1}, {"positive": 1}], -1),
}  #: The shipped detectors, widths 2 to 4.


@dataclass(frozen=True)
class Detection:
    """What one filter found in one sentence.

    Attributes
    ----------
    filter : NgramFilter
    activations : float array (L − width + 1,) or None
        ``relu(conv1d(sentence, filter) + bias)``, one per window; None when the sentence is
        shorter than the filter.
    start : int or None
        First word of the window with the largest activation (the first, on ties); None
        when no window gave a positive activation.
    score : float
        The largest activation, what max pooling over time keeps: 0 when nothing fired.
    words : tuple of str
        The n-gram at `start`; empty when nothing fired.
    """

    filter: NgramFilter
    activations: np.ndarray | None
    start: int | None
    score: float
    words: tuple[str, ...]

    @property
    def fired(self) -> bool:
        """Whether some window gave a positive activation."""
        return self.score > 0


def detect(sentence: Sentence, filters: Iterable[NgramFilter]) -> tuple[Detection, ...]:
    """Slide each filter along `sentence`, apply ReLU and max-pool over time.

    A filter wider than the sentence has no window to read: its detection has no
    activations and a score of 0 (a network would pad such a sentence, or refuse it).
    """
    found = []
    for f in filters:
        if f.weights.shape[0] != sentence.vectors.shape[0]:
            raise ValueError(f"filter {f.title!r} has {f.weights.shape[0]} rows but the sentence has "
                             f"{sentence.vectors.shape[0]} embedding dimensions")
        if f.width > len(sentence.words):
            found.append(Detection(f, None, None, 0.0, ()))
            continue
        a = relu(conv1d(sentence.vectors, f.weights[None], [f.bias])[0])
        start = int(np.argmax(a))
        if a[start] <= 0:
            found.append(Detection(f, a, None, 0.0, ()))
            continue
        found.append(Detection(f, a, start, float(a[start]), sentence.words[start:start + f.width]))
    return tuple(found)
