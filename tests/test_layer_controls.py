"""widgets/layer_controls.py: the layer a page's controls chose, over any number of axes, resolved once."""

from __future__ import annotations

import math

import numpy as np
import pytest

from convviz import avg_pool2d, conv1d, conv2d, conv3d, max_pool2d, padding_per_side
from widgets.layer_controls import LAYER_SETTINGS, LayerChoice, axis_names, layer_settings
from widgets.url_state import PageState

CONV = {1: conv1d, 2: conv2d, 3: conv3d}
CASES = [
    (LayerChoice((2,), (1,), (1,), "zeros"), (9,), (3,)),
    (LayerChoice((1, 1), "same", (1, 2), "reflect"), (6, 7), (3, 2)),
    (LayerChoice((2, 3), "keras_same", (2, 1), "zeros"), (7, 8), (3, 3)),
    (LayerChoice((1, 2), "full", (1, 2), "zeros"), (4, 5), (2, 3)),
    (LayerChoice((1, 2, 2), (0, 1, 2), (1, 1, 2), "circular"), (3, 6, 7), (2, 3, 2)),
]


@pytest.mark.parametrize(("layer", "size", "kernel"), CASES)
def test_the_geometry_is_the_layer_the_engine_computes(layer, size, kernel):
    g = layer.geometry(size, kernel)
    out = CONV[layer.ndim](np.ones((1, *size)), np.ones((1, 1, *kernel)), stride=layer.stride,
                           padding=layer.resolved(size, kernel), dilation=layer.dilation,
                           padding_mode=layer.padding_mode)
    assert g.out == out.shape[1:] == tuple(w.value for w in g.worked)
    assert g.pads == padding_per_side(layer.resolved(size, kernel), kernel, layer.stride, layer.dilation)
    assert (g.stride, g.dilation, g.padding_mode) == (layer.stride, layer.dilation, layer.padding_mode)
    resolved = CONV[layer.ndim](np.ones((1, *size)), np.ones((1, 1, *kernel)), stride=g.stride, padding=g.pads,
                                dilation=g.dilation, padding_mode=g.padding_mode)
    np.testing.assert_array_equal(resolved, out)


def test_keras_same_gives_the_ceiling_of_size_over_stride_on_every_axis():
    g = LayerChoice((2, 3, 4), "keras_same", (1, 1, 1), "zeros").geometry((5, 7, 9), (3, 3, 2))
    assert g.out == tuple(math.ceil(n / s) for n, s in zip((5, 7, 9), (2, 3, 4)))


def test_a_layer_the_engine_refuses_raises_its_message():
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        LayerChoice((2, 2), "same", (1, 1), "zeros").geometry((8, 8), (3, 3))
    with pytest.raises(ValueError, match="−1"):
        LayerChoice((1, 1), (0, 0), (1, 1), "zeros").geometry((5, 5), (7, 3))


@pytest.mark.parametrize(("layer", "kind", "before"), [
    (LayerChoice((2, 2), (1, 0), (1, 1), "reflect"), "avg", (1, 0)),
    (LayerChoice((1, 1), "same", (2, 1), "zeros"), "max", (1, 0)),
    (LayerChoice((1, 1), "full", (1, 1), "zeros"), "max", (1, 1)),
    (LayerChoice((2, 2), "keras_same", (1, 1), "zeros"), "avg", (0, 0)),
])
def test_as_a_pooling_a_padding_word_pads_both_sides_by_its_amount_before(layer, kind, before):
    g = layer.pool_geometry((5, 6), (2, 2), ceil_mode=False, kind=kind)
    assert g.pads == tuple((b, b) for b in before) and g.padding_mode is None
    x = np.arange(30.0).reshape(1, 5, 6)
    out = max_pool2d(x, 2, layer.stride, before, layer.dilation) if kind == "max" else avg_pool2d(
        x, 2, layer.stride, before)
    assert g.out == out.shape[1:] == tuple(w.value for w in g.worked)


def test_as_a_pooling_the_layer_raises_the_engine_s_message():
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        LayerChoice((2, 2), "same", (1, 1), "zeros").pool_geometry((8, 8), (2, 2))
    with pytest.raises(ValueError, match="average pooling has no dilation"):
        LayerChoice((2, 2), (0, 0), (2, 2), "zeros").pool_geometry((8, 8), (2, 2), kind="avg")


def test_every_axis_after_the_first_is_named_with_its_number():
    assert axis_names("pad", 1) == ("pad",)
    assert {n for n in layer_settings(3) if n.startswith("dilation")} == {"dilation", "dilation_2", "dilation_3"}
    assert not any(s.aliases for s in layer_settings(3).values())
    older = {name: s.aliases for name, s in LAYER_SETTINGS.items() if s.aliases}
    assert older == {"stride_2": ("stride_w",), "pad_2": ("pad_w",), "dilation_2": ("dilation_w",)}


def test_a_page_cannot_declare_a_name_another_setting_has_as_an_alias():
    with pytest.raises(ValueError, match="'stride_w' twice"):
        PageState("demo", layer=LAYER_SETTINGS, page={"stride_w": LAYER_SETTINGS["stride"]})
