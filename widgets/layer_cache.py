"""The Playground's input channels and layer results, cached for the whole class.

Every cache is keyed on the image's key (its source's digest and working size) and a digest
of the settings (kernels as bytes, the layer's Geometry, …), never on big arrays, and sized by
what an entry holds. Up to SMALL_IMAGE pixels a layer keeps about 1 MB a map and the channels
1–3 MB, so a class's worth are kept; at working size 2048 a map is 16 MB (and its input 16 MB),
so two results are kept and the channels are made anew each run.

The digest is made once a run (:func:`layer_key`, 14 µs) and names the result in every cache
of it: Streamlit's own hashing of the settings took 0.67 ms, once per cache. Cached functions
are called with keywords: Streamlit reads a function's signature anew for each positional
argument it hashes.
"""

from __future__ import annotations

import hashlib
import pickle

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
        return _small_channels(image_key=image_key, colour=colour, _image=image)
    return input_channels(image.pixels, colour)


def layer_key(image_key: str, *settings: object) -> str:
    """A short name for the layer result of image `image_key` under `settings`, for every cache of it.

    >>> name = layer_key("photo", "luminance", 1.0)
    >>> name.startswith("photo|"), name == layer_key("photo", "luminance", 1.0), name == layer_key("photo", "RGB", 1.0)
    (True, True, False)
    """
    return f"{image_key}|{hashlib.blake2b(pickle.dumps(settings), digest_size=16).hexdigest()}"


def _layer(_x: np.ndarray, kernels: tuple, colour: str, bias: float, layer: Geometry, after: tuple) -> LayerResult:
    arrays = [np.frombuffer(data, np.float64).reshape(shape) for data, shape in kernels]
    return feature_maps(_x, arrays, layer, colour, bias, *after)


@st.cache_resource(max_entries=32, ttl=600, show_spinner="Convolving…")
def _small(key: str, _x: np.ndarray, _settings: tuple) -> LayerResult:
    return _layer(_x, *_settings)


@st.cache_resource(max_entries=2, ttl=600, show_spinner="Convolving…")
def _large(key: str, _x: np.ndarray, _settings: tuple) -> LayerResult:
    return _layer(_x, *_settings)


def run_layer(key: str, x: np.ndarray, kernels: tuple, colour: str, bias: float, layer: Geometry,
              after: tuple) -> LayerResult:
    """The layer's result for the image's channels `x` and these settings, which `key` names.

    `key` is :func:`layer_key` of the image's key and the settings. `kernels` are ``(bytes,
    shape)`` pairs of float64 kernels; `after` is the activation and the pooling
    (``(activation, pool, pool_size, pool_stride)``), as :func:`~convviz.pipeline.feature_maps`
    takes them.
    """
    cached = _small if x[0].size <= SMALL_IMAGE else _large
    return cached(key=key, _x=x, _settings=(kernels, colour, bias, layer, after))
