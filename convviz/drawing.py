"""Sketched kernels: a drawing on a canvas becomes a kernel of the chosen size.

>>> stroke = np.zeros((6, 6, 4), np.uint8)
>>> stroke[:, 2:4, 3] = 255
>>> kernel_from_drawing(stroke, (3, 1))
array([[1.],
       [1.],
       [1.]])
"""

from __future__ import annotations

import numpy as np

from .arguments import IntOrTuple, as_float_array, check_finite
from .kernel_tools import kernel_shape


def _area_matrix(n_out: int, n_in: int) -> np.ndarray:
    """Row i averages the input cells under [i, i + 1)·n_in/n_out, weighted by overlap."""
    edges = np.arange(n_out + 1) * n_in / n_out
    cells = np.arange(n_in)
    overlap = np.minimum(edges[1:, None], cells + 1) - np.maximum(edges[:-1, None], cells)
    return np.clip(overlap, 0, None) * n_out / n_in


def kernel_from_drawing(image: object, shape: IntOrTuple, *, zero_mean: bool = False) -> np.ndarray:
    """Turn a sketch into a kernel: ink becomes positive weight, the largest weight is 1.

    Parameters
    ----------
    image : array of shape (H, W, 4) or (H, W)
        RGBA canvas data, where ink is opacity (alpha) whatever its colour; or grayscale, where
        ink is brightness (white on black, like MNIST). Any numeric scale.
    shape : int or (rows, cols)
        Kernel size, 1..15 per side. Each cell gets the average ink of the area it covers.
    zero_mean : bool
        Then subtract the mean, so the weights sum to 0: the kernel answers to the drawn
        pattern and gives 0 on flat regions, like a learned detector. An even fill would leave
        only zeros, so it raises ValueError, as do RGB, NaN, negative ink and empty drawings.

    >>> stroke = np.zeros((6, 6, 4), np.uint8)
    >>> stroke[:, 2:4, 3] = 255
    >>> kernel_from_drawing(stroke, 3)
    array([[0., 1., 0.],
           [0., 1., 0.],
           [0., 1., 0.]])
    """
    rows, cols = kernel_shape(shape, "shape")
    img = as_float_array(image, "image").astype(np.float64)
    if img.ndim == 3 and img.shape[2] == 4:
        img = img[:, :, 3]
    elif img.ndim != 2:
        raise ValueError(f"image must be (H, W) grayscale or (H, W, 4) RGBA, got shape "
                         f"{img.shape}; RGB has no alpha channel to tell strokes from paper")
    check_finite(img, "image")
    if img.size and img.min() < 0:
        raise ValueError(f"ink cannot be negative, found {img.min():g} in the image")
    if img.size == 0 or img.max() == 0:
        raise ValueError(f"the drawing is empty: none of its {img.size} pixels has ink; "
                         f"draw a stroke first")
    k = _area_matrix(rows, img.shape[0]) @ img @ _area_matrix(cols, img.shape[1]).T
    k /= k.max()
    if zero_mean:
        k -= k.mean()
        if np.abs(k).max() < 1e-12:
            raise ValueError(f"the ink covers all {rows}×{cols} cells evenly, so subtracting "
                             f"its mean leaves only zeros; draw a pattern, not a fill")
    return k
