"""Sentences as matrices: words become columns of a small, hand-made embedding.

A 1-D CNN for text reads a sentence as ``C × L``: one column per word, one row per
embedding dimension. Real embeddings (word2vec, GloVe) have hundreds of unnamed
dimensions learnt from text; the one shipped here (``data/embeddings.csv``, described in
``data/README.md``) has five named ones with values assigned by hand, so a student can read
what a filter looks for. It is illustrative, not a model of English.

Words are the runs of letters, digits and apostrophes, lower-cased; punctuation is not a
word. A word the table does not hold is *unknown*: its column is zeros and
:attr:`Sentence.known` marks it, so it is shown, never dropped.

Examples
--------
>>> s = embed("Not very good!")
>>> s.words, s.vectors[:, 0].tolist()
(('not', 'very', 'good'), [0.0, 0.0, 1.0, 0.0, 0.0])
>>> embed("the flibbertigibbet").known.tolist()
[True, False]
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

EMBEDDINGS = Path(__file__).with_name("data") / "embeddings.csv"
MAX_WORDS = 30          #: longest sentence shown: 30 columns still fit one figure's width
MAX_CHARS = 300         #: longest text accepted
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


@dataclass(frozen=True)
class Embeddings:
    """A word → vector table.

    Attributes
    ----------
    dimensions : tuple of str
        The name of each row of a sentence matrix.
    index : dict of str to int
        Row of each word in `vectors`.
    vectors : float array (V, C)
    """

    dimensions: tuple[str, ...]
    index: dict[str, int]
    vectors: np.ndarray

    def __len__(self) -> int:
        return len(self.index)


@cache
def load_embeddings(path: Path = EMBEDDINGS) -> Embeddings:
    """Read a table written ``word,dimension,…`` with one row per word (the shipped one by default).

    >>> e = load_embeddings()
    >>> e.dimensions, len(e) > 300
    (('positive', 'negative', 'negation', 'intensity', 'contrast'), True)
    """
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if header[0] != "word" or len(header) < 2:
        raise ValueError(f"{path.name} must start with a header 'word,<dimension>,…', got {header}")
    index, vectors = {}, []
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(f"{path.name} line {line} has {len(row)} fields, the header {len(header)}")
        try:
            vectors.append([float(v) for v in row[1:]])
        except ValueError:
            raise ValueError(f"{path.name} line {line} holds a value that is not a number: {row}") from None
        index[row[0]] = len(index)
    return Embeddings(tuple(header[1:]), index, np.array(vectors))


@dataclass(frozen=True)
class Sentence:
    """A sentence as a CNN reads it.

    Attributes
    ----------
    words : tuple of str
        The words, lower-cased, in order.
    known : bool array (L,)
        False for words the table does not hold (their column is zeros).
    vectors : float array (C, L)
        Column ``j`` is the embedding of word ``j``.
    dimensions : tuple of str
        The name of each row.
    """

    words: tuple[str, ...]
    known: np.ndarray
    vectors: np.ndarray
    dimensions: tuple[str, ...]

    @property
    def unknown(self) -> tuple[str, ...]:
        """The words that are not in the table, in order, each once."""
        return tuple(dict.fromkeys(w for w, k in zip(self.words, self.known) if not k))


def tokens(text: str) -> tuple[str, ...]:
    """The words of `text`, lower-cased; curly apostrophes count as straight ones.

    >>> tokens("Don’t  stop—it's GREAT (really).")
    ("don't", 'stop', "it's", 'great', 'really')
    """
    return tuple(_WORD.findall(text.translate(_APOSTROPHES).lower()))


def embed(text: str, table: Embeddings | None = None) -> Sentence:
    """The sentence `text` as a ``C × L`` matrix of embeddings.

    Raises
    ------
    ValueError
        If `text` is longer than :data:`MAX_CHARS` characters, has no words, or has more
        than :data:`MAX_WORDS`.

    Examples
    --------
    >>> embed("?!")
    Traceback (most recent call last):
    ...
    ValueError: the text has no words to embed: type a sentence such as "not very good"
    """
    table = load_embeddings() if table is None else table
    if len(text) > MAX_CHARS:
        raise ValueError(f"the text has {len(text)} characters; at most {MAX_CHARS} are read")
    words = tokens(text)
    if not words:
        raise ValueError('the text has no words to embed: type a sentence such as "not very good"')
    if len(words) > MAX_WORDS:
        raise ValueError(f"the sentence has {len(words)} words; at most {MAX_WORDS} fit the picture")
    rows = [table.index.get(w, -1) for w in words]
    known = np.array([r >= 0 for r in rows])
    vectors = np.zeros((len(table.dimensions), len(words)))
    vectors[:, known] = table.vectors[[r for r in rows if r >= 0]].T
    return Sentence(words, known, vectors, table.dimensions)
