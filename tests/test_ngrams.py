"""Tests for convviz.ngrams: n-gram filters, ReLU and max pooling over time (Kim, 2014)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.ngrams import FILTERS, detect, ngram_filter
from convviz.steps import conv1d_steps
from convviz.text import embed, load_embeddings

VOCABULARY = sorted(load_embeddings().index)


def test_the_shipped_filters_span_two_to_four_words_over_the_five_dimensions():
    assert {f.width for f in FILTERS.values()} == {2, 3, 4}
    assert all(f.weights.shape[0] == 5 for f in FILTERS.values())


@pytest.mark.parametrize("key", list(FILTERS))
def test_each_filter_fires_on_its_own_example_and_not_on_a_neutral_sentence(key):
    f = FILTERS[key]
    fired = detect(embed(f"the film was {f.example} today"), [f])[0]
    assert fired.fired and fired.words == tuple(f.example.split())
    assert not detect(embed("the film was a film about the film"), [f])[0].fired


def test_not_good_by_hand():
    d = detect(embed("the plot was not good"), [FILTERS["not_positive"]])[0]
    # window "not good": negation 1·1 + positive 0.7·1 − 1 = 0.7; every other window ends below 0
    assert d.activations.tolist() == pytest.approx([0.0, 0.0, 0.0, 0.7])
    assert (d.start, d.words, d.score) == (3, ("not", "good"), pytest.approx(0.7))


def test_max_pooling_keeps_the_first_of_equal_maxima_wherever_it_is():
    d = detect(embed("very good and very good"), [FILTERS["very_positive"]])[0]
    assert d.start == 0 and d.score == pytest.approx(0.5)


def test_a_filter_wider_than_the_sentence_has_nothing_to_read():
    d = detect(embed("good"), [FILTERS["not_then_positive"]])[0]
    assert d.activations is None and not d.fired and d.words == ()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY + ["unknownword"]), min_size=4, max_size=12), st.sampled_from(list(FILTERS)))
def test_activations_are_relu_of_the_step_sums_the_walkthrough_shows(words, key):
    s, f = embed(" ".join(words)), FILTERS[key]
    d = detect(s, [f])[0]
    steps = conv1d_steps(s.vectors, f.weights, f.bias)
    np.testing.assert_allclose(d.activations, np.maximum(steps.sums, 0), atol=1e-12)
    by_hand = [max(0.0, float((s.vectors[:, j:j + f.width] * f.weights).sum()) + f.bias)
               for j in range(len(words) - f.width + 1)]
    np.testing.assert_allclose(d.activations, by_hand, atol=1e-12)
    assert d.score == pytest.approx(max(by_hand))


def test_filters_refuse_unknown_dimensions_and_mismatched_sentences():
    with pytest.raises(ValueError, match="uses 'sarcasm', which is not an embedding dimension"):
        ngram_filter("?", "", [{"sarcasm": 1.0}], 0)
    with pytest.raises(ValueError, match="needs at least one position"):
        ngram_filter("?", "", [], 0)
    narrow = ngram_filter("two dims", "", [{"a": 1.0}], 0, dimensions=("a", "b"))
    with pytest.raises(ValueError, match="has 2 rows but the sentence has 5 embedding dimensions"):
        detect(embed("good"), [narrow])
