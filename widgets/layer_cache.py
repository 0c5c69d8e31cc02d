"""The Playground's input channels and layer results, cached for the whole class.

Every cache is keyed on the image's key (its source's digest and working size) and the
settings (kernels as bytes, the layer's Geometry), never on big arrays, and sized by what an
entry holds. Up to SMALL_IMAGE pixels a layer keeps about 1 MB a map and the channels 1–3 MB,
so a class's worth are kept; at working size 2048 a map is 16 MB (and its input 16 MB), so two
results are kept and the channels are made anew each run.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from convviz.geometry import Geometry
from convviz.images import LoadedImage
from convviz.pipeline import LayerResult, feature_maps, input_channels

SMALL_IMAGE = 512 * 512   #: pixels up to which an image's arrays are kept for the class


@st.cache_resource(max_entries=8, ttl=600, show_spinner=False)
def _small_channels(image_key: str, colour: str, _image: LoadedImage) -> np.ndarray:
    x = input_channels(_image.pixels, colour)
    x.flags.writeable = False
    return x


def channels(image_key: str, image: LoadedImage, colour: str) -> np.ndarray:
    """The image `image_key` names, as the layer's input channels for `colour` (read-only when kept)."""
    if image.values.shape[0] * image.values.shape[1] <= SMALL_IMAGE:
        return _small_channels(image_key, colour, image)
    return input_channels(image.pixels, colour)


def _layer(_x: np.ndarray, kernels: tuple, colour: str, bias: float, layer: Geometry, after: tuple) -> LayerResult:
    arrays = [np.frombuffer(data, np.float64).reshape(shape) for data, shape in kernels]
    return feature_maps(_x, arrays, layer, colour, bias, *after)


@st.cache_resource(max_entries=32, ttl=600, show_spinner="Convolving…")
def _small(image_key: str, _x: np.ndarray, *settings) -> LayerResult:
    return _layer(_x, *settings)


@st.cache_resource(max_entries=2, ttl=600, show_spinner="Convolving…")
def _large(image_key: str, _x: np.ndarray, *settings) -> LayerResult:
    return _layer(_x, *settings)


def run_layer(image_key: str, x: np.ndarray, kernels: tuple, colour: str, bias: float, layer: Geometry,
              after: tuple) -> LayerResult:
    """The layer's result for image `image_key` (its channels `x`) and these settings.

    `kernels` are ``(bytes, shape)`` pairs of float64 kernels; `after` is the activation and
    the pooling (``(activation, pool, pool_size, pool_stride)``), as
    :func:`~convviz.pipeline.feature_maps` takes them.
    """
    return (_small if x[0].size <= SMALL_IMAGE else _large)(image_key, x, kernels, colour, bias, layer, after)
