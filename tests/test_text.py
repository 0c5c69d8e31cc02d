"""Tests for convviz.text: words, the shipped embedding, and sentences as C × L matrices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.text import EMBEDDINGS, MAX_CHARS, MAX_WORDS, embed, load_embeddings, tokens

TABLE = load_embeddings()
VOCABULARY = sorted(TABLE.index)


def test_the_shipped_table_has_a_few_hundred_words_and_five_named_dimensions():
    assert TABLE.dimensions == ("positive", "negative", "negation", "intensity", "contrast")
    assert 300 <= len(TABLE) <= 1000 and TABLE.vectors.shape == (len(TABLE), 5)
    assert np.abs(TABLE.vectors).max() <= 1
    assert EMBEDDINGS.with_name("README.md").exists()          # what the values mean, and that they are made up


def test_graded_words_hold_the_grades_the_readme_gives():
    row = {w: dict(zip(TABLE.dimensions, TABLE.vectors[i])) for w, i in TABLE.index.items()}
    assert row["good"]["positive"] == 0.7 and row["terrible"]["negative"] == 1
    assert row["not"]["negation"] == 1 and row["don't"]["negation"] == 1 and row["dont"]["negation"] == 1
    assert row["slightly"]["intensity"] == -0.5 and row["but"]["contrast"] == 1
    assert not any(row["the"].values())                          # known, and neutral


def test_words_are_lower_cased_runs_of_letters_and_apostrophes():
    assert tokens("It’s NOT bad... 10/10, isn't it?") == ("it's", "not", "bad", "10", "10", "isn't", "it")
    assert tokens("  ,;!  ") == ()


def test_a_sentence_is_one_column_per_word_with_unknown_words_kept_as_zeros():
    s = embed("Not good, zxqv! not")
    assert s.words == ("not", "good", "zxqv", "not") and s.known.tolist() == [True, True, False, True]
    np.testing.assert_array_equal(s.vectors[:, 0], TABLE.vectors[TABLE.index["not"]])
    np.testing.assert_array_equal(s.vectors[:, 2], 0)
    assert s.unknown == ("zxqv",) and s.vectors.shape == (5, 4)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY + ["qqq", "zzz"]), min_size=1, max_size=MAX_WORDS))
def test_every_column_is_its_words_row_of_the_table(words):
    s = embed(" ".join(words))
    assert s.words == tuple(words)
    for j, w in enumerate(words):
        expected = TABLE.vectors[TABLE.index[w]] if w in TABLE.index else np.zeros(5)
        np.testing.assert_array_equal(s.vectors[:, j], expected)


def test_embed_refuses_empty_and_overlong_text():
    with pytest.raises(ValueError, match="the text has no words to embed"):
        embed("")
    with pytest.raises(ValueError, match="the text has no words to embed"):
        embed("?! …")
    with pytest.raises(ValueError, match=f"the sentence has {MAX_WORDS + 1} words; at most {MAX_WORDS}"):
        embed(" ".join(["good"] * (MAX_WORDS + 1)))
    with pytest.raises(ValueError, match=f"the text has {MAX_CHARS + 1} characters; at most {MAX_CHARS}"):
        embed("a" * (MAX_CHARS + 1))


def test_a_table_file_must_be_a_header_and_numbers(tmp_path):
    bad_header = tmp_path / "header.csv"
    bad_header.write_text("token,positive\ngood,1\n")
    with pytest.raises(ValueError, match="must start with a header 'word,<dimension>,…'"):
        load_embeddings(bad_header)
    short_row = tmp_path / "short.csv"
    short_row.write_text("word,positive,negative\ngood,1\n")
    with pytest.raises(ValueError, match="line 2 has 2 fields, the header 3"):
        load_embeddings(short_row)
    text = tmp_path / "text.csv"
    text.write_text("word,positive\ngood,very\n")
    with pytest.raises(ValueError, match="line 2 holds a value that is not a number"):
        load_embeddings(text)
