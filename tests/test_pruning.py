"""Tests for convviz.pruning: the smallest magnitudes zeroed, ties, the count's rounding, PyTorch, bad input."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz import prune
from strategies import random_array

SOME = settings(max_examples=30, deadline=None)


def test_prune_zeroes_the_smallest_magnitudes():
    w = np.array([[3.0, -1.0], [2.0, -4.0]])
    np.testing.assert_array_equal(prune(w, 0.5), [[3, 0], [0, -4]])
    np.testing.assert_array_equal(w, [[3, -1], [2, -4]])                     # the input is left alone
    np.testing.assert_array_equal(prune(w, 0.25), [[3, 0], [2, -4]])


def test_prune_breaks_ties_by_position_and_rounds_the_count_half_to_even():
    np.testing.assert_array_equal(prune(np.array([1.0, -1.0, 1.0, 2.0]), 0.5), [0, 0, 1, 2])
    assert np.count_nonzero(prune(np.arange(1.0, 10.0), 0.5) == 0) == 4       # round(4.5) = 4
    assert np.count_nonzero(prune(np.arange(1.0, 12.0), 0.5) == 0) == 6       # round(5.5) = 6
    np.testing.assert_array_equal(prune(np.array([5.0, 0.0, 1.0]), 0.3), [5, 0, 1])   # a zero is the smallest


@SOME
@given(st.integers(0, 2**32 - 1), st.floats(0.01, 0.99))
def test_every_kept_weight_is_at_least_as_large_as_every_pruned_one(seed, sparsity):
    w = random_array(seed, (3, 2, 3, 3))
    out = prune(w, sparsity)
    pruned = out == 0
    assert pruned.sum() == round(sparsity * w.size)
    if pruned.any() and (~pruned).any():
        assert np.abs(w[~pruned]).min() >= np.abs(w[pruned]).max()
    np.testing.assert_array_equal(out[~pruned], w[~pruned])


@pytest.mark.parametrize("sparsity", [0.1, 0.5, 0.75])
def test_prune_matches_torch_l1_unstructured(sparsity):
    torch = pytest.importorskip("torch")
    torch_prune = pytest.importorskip("torch.nn.utils.prune")
    w = random_array(3, (4, 3, 3, 3))
    mask = torch_prune.L1Unstructured(sparsity).compute_mask(torch.from_numpy(w), torch.ones(w.shape))
    np.testing.assert_array_equal(prune(w, sparsity) != 0, mask.numpy() == 1)



@pytest.mark.parametrize("call, match", [
    (lambda: prune(np.ones(4), 0), re.escape(
        "sparsity must be strictly between 0 and 1, got 0 (0 % of the weights): 0 would prune nothing and 1 would "
        "zero every weight")),
    (lambda: prune(np.ones(4), 1.0), re.escape("got 1.0 (100 % of the weights)")),
    (lambda: prune(np.ones(4), 1.5), re.escape("got 1.5 (150 % of the weights)")),
    (lambda: prune(np.ones(4), float("nan")), "sparsity must be strictly between 0 and 1, got nan"),
    (lambda: prune(np.array([1.0, np.inf]), 0.5), "weight must hold finite numbers; found inf"),
])
def test_bad_settings_raise_value_error_saying_why(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: prune(np.ones(4), "half"), "sparsity must be a real number between 0 and 1, got 'half'"),
    (lambda: prune(np.ones(4), True), "sparsity must be a real number"),
])
def test_wrong_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()
