"""Activation functions, applied element by element after a convolution.

Each keeps the input's float dtype (integers become float64), as the layers do.

Examples
--------
>>> relu(np.array([-2.0, 0.0, 3.0]))
array([0., 0., 3.])
>>> leaky_relu(np.array([-2.0, 3.0]), negative_slope=0.1)
array([-0.2,  3. ])
"""

from __future__ import annotations

import numpy as np

from .arguments import as_float_array


def relu(x: object) -> np.ndarray:
    """``max(x, 0)``: negative responses are cut to zero.

    >>> relu(np.array([[-1.0, 1.0]]))
    array([[0., 1.]])
    """
    return np.maximum(as_float_array(x, "x"), 0)


def leaky_relu(x: object, negative_slope: float = 0.01) -> np.ndarray:
    """``x`` where positive, ``negative_slope·x`` elsewhere (PyTorch's default slope 0.01).

    >>> leaky_relu(np.array([-100.0]))
    array([-1.])
    """
    a = as_float_array(x, "x")
    if not np.isfinite(negative_slope):
        raise ValueError(f"negative_slope must be a finite number, got {negative_slope}")
    return np.where(a >= 0, a, a * a.dtype.type(negative_slope))


def sigmoid(x: object) -> np.ndarray:
    """``1 / (1 + e^−x)``, squashing any response into (0, 1); computed without overflow.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    a = as_float_array(x, "x")
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)


def tanh(x: object) -> np.ndarray:
    """Hyperbolic tangent, squashing any response into (−1, 1) and keeping its sign.

    >>> tanh(np.array([0.0]))
    array([0.])
    """
    return np.tanh(as_float_array(x, "x"))


ACTIVATIONS = {"none": None, "ReLU": relu, "leaky ReLU": leaky_relu, "sigmoid": sigmoid, "tanh": tanh}
