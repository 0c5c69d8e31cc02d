"""Making a layer smaller by magnitude pruning: the weights of smallest |w| become 0.

Examples
--------
>>> prune(np.array([3.0, -1.0, 2.0, -4.0]), sparsity=0.5)
array([ 3.,  0.,  0., -4.])
"""

from __future__ import annotations

import numbers

import numpy as np

from .arguments import as_float_array, check_finite


def prune(weight: object, sparsity: float) -> np.ndarray:
    """Zero the ``round(sparsity·size)`` weights of smallest magnitude (global magnitude pruning).

    Parameters
    ----------
    weight : array of real numbers
    sparsity : float
        The fraction to zero, strictly between 0 and 1. The count is rounded half to even,
        as ``torch.nn.utils.prune.l1_unstructured`` rounds it.

    Returns
    -------
    array
        A copy of `weight` with those entries set to 0.

    Notes
    -----
    Ties are broken by position: among equal magnitudes the weight that comes first in C
    order (the flattened index) is zeroed first, so the same call always zeroes the same
    weights. Weights that are already 0 count as the smallest.

    Examples
    --------
    >>> prune(np.array([1.0, -1.0, 1.0, 2.0]), sparsity=0.5)    # a tie: the first two go
    array([0., 0., 1., 2.])
    >>> prune(np.ones(3), sparsity=1.0)
    Traceback (most recent call last):
    ...
    ValueError: sparsity must be strictly between 0 and 1, got 1.0 (100 % of the weights): ...
    """
    w = as_float_array(weight, "weight")
    if w.size == 0:
        raise ValueError(f"weight must not be empty, got shape {w.shape}")
    check_finite(w, "weight")
    if isinstance(sparsity, bool) or not isinstance(sparsity, numbers.Real):
        raise TypeError(f"sparsity must be a real number between 0 and 1, got {sparsity!r}")
    if not 0 < sparsity < 1:
        raise ValueError(
            f"sparsity must be strictly between 0 and 1, got {sparsity} ({100 * sparsity:g} % of the weights): "
            f"0 would prune nothing and 1 would zero every weight"
        )
    count = round(float(sparsity) * w.size)
    out = w.copy()
    smallest = np.argsort(np.abs(w), axis=None, kind="stable")[:count]
    out.reshape(-1)[smallest] = 0
    return out
