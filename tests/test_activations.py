"""Tests for convviz.activations: values by hand, dtypes, identities, and PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from convviz import ACTIVATIONS, leaky_relu, relu, sigmoid, tanh
from strategies import FAST

REALS = arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e3, 1e3))


def test_values_by_hand():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu(x), [0, 0, 3])
    np.testing.assert_allclose(leaky_relu(x), [-0.02, 0, 3])
    np.testing.assert_allclose(leaky_relu(x, negative_slope=0.5), [-1, 0, 3])
    np.testing.assert_allclose(sigmoid(np.array([0.0, np.log(3.0)])), [0.5, 0.75])
    np.testing.assert_allclose(tanh(np.array([0.0, np.log(2.0)])), [0, 0.6])


@pytest.mark.parametrize("name", ["ReLU", "leaky ReLU", "sigmoid", "tanh"])
@pytest.mark.parametrize("dtype, expected", [
    (np.float32, np.float32), (np.float16, np.float16), (np.float64, np.float64), (np.int32, np.float64),
    (bool, np.float64),
])
def test_float_dtypes_are_kept_and_integers_become_float64(name, dtype, expected):
    assert ACTIVATIONS[name](np.arange(-2, 3).astype(dtype)).dtype == expected


def test_the_menu_offers_no_activation_first():
    assert list(ACTIVATIONS) == ["none", "ReLU", "leaky ReLU", "sigmoid", "tanh"]
    assert ACTIVATIONS["none"] is None


def test_sigmoid_does_not_overflow_for_huge_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(sigmoid(np.array([-1e308, -1000.0, 1000.0, 1e308])), [0, 0, 1, 1])
        assert sigmoid(np.array([-100.0], np.float32))[0] == pytest.approx(np.exp(-100.0), rel=1e-5, abs=1e-45)


@FAST
@given(REALS)
def test_identities(x):
    np.testing.assert_allclose(relu(x) - relu(-x), x)
    np.testing.assert_allclose(sigmoid(x) + sigmoid(-x), 1, rtol=1e-12)
    np.testing.assert_array_equal(tanh(-x), -tanh(x))
    np.testing.assert_allclose(leaky_relu(x, 1.0), x)
    assert np.all((sigmoid(x) >= 0) & (sigmoid(x) <= 1) & (relu(x) >= 0) & (np.abs(tanh(x)) <= 1))


@FAST
@given(REALS, st.floats(0, 1))
def test_activations_match_torch(x, slope):
    import torch
    t = torch.from_numpy(x)
    np.testing.assert_array_equal(relu(x), torch.relu(t).numpy())
    np.testing.assert_allclose(leaky_relu(x, slope), torch.nn.functional.leaky_relu(t, slope).numpy(), rtol=1e-15)
    np.testing.assert_allclose(sigmoid(x), torch.sigmoid(t).numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(tanh(x), torch.tanh(t).numpy(), rtol=1e-12)


@pytest.mark.parametrize("slope", [np.nan, np.inf])
def test_leaky_relu_needs_a_finite_slope(slope):
    with pytest.raises(ValueError, match="negative_slope must be a finite number"):
        leaky_relu(np.ones(2), slope)


def test_activations_refuse_complex_input():
    with pytest.raises(TypeError, match="x must hold real numbers"):
        relu(np.ones(2) * 1j)
