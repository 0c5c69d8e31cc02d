"""The Playground page, run headless with AppTest."""

from __future__ import annotations

import json

import numpy as np
import pytest

from apptest import jpeg_bytes, messages, open_page, png_bytes

PAGE = "pages/playground.py"


@pytest.fixture
def at():
    return open_page(PAGE)


def figure_json(at, key: str) -> str:
    return at.get_by_key(f"playground.page.{key}").proto.spec


def test_loads_without_exception(at):
    assert not at.exception
    assert not at.error
    assert any("Shapes" in m.value for m in at.markdown)


def test_changing_the_kernel_changes_the_feature_map(at):
    before = figure_json(at, "map_1")
    at.selectbox(key="playground.kernel.kernel").set_value("box_blur").run()
    assert not at.exception
    after = figure_json(at, "map_1")
    assert before != after


def test_every_image_and_setting_has_its_own_feature_map(at):
    """A panel's cache is keyed on the layer's key (image and settings) and the map's number, nothing coarser:
    the same kernel on another image, or with another bias, is another map."""
    first = figure_json(at, "map_1")
    picker = at.selectbox(key="playground.image.image")
    picker.set_value(next(o for o in picker.options if o != picker.value)).run()
    assert not at.exception
    other_image = figure_json(at, "map_1")
    at.number_input(key="playground.kernel.bias").set_value(40.0).run()
    assert not at.exception
    assert len({first, other_image, figure_json(at, "map_1")}) == 3


def test_a_control_change_leaves_the_input_figure_as_it_was(at):
    """The same figure every run: the browser keeps it rather than receiving it again."""
    before = figure_json(at, "input_plot")
    at.radio(key="playground.layer.padding").set_value("full").run()
    at.slider(key="playground.layer.dilation").set_value(2).run()
    assert not at.exception
    assert figure_json(at, "input_plot") == before


def test_the_inspected_window_is_drawn_on_the_thumbnail():
    at = open_page(PAGE, {"row": "10", "col": "20", "stride": "2", "padding": "valid"})
    box = json.loads(figure_json(at, "window_plot"))["layout"]["shapes"][0]
    assert (box["y0"], box["x0"], box["y1"], box["x1"]) == (19.5, 39.5, 22.5, 42.5)  # rows 20–22, columns 40–42


def test_stride_changes_the_shape_text(at):
    at.slider(key="playground.layer.stride").set_value(2)
    at.radio(key="playground.layer.padding").set_value("valid").run()
    shapes = next(m.value for m in at.markdown if "Shapes" in m.value)
    assert "1×255×255" in shapes  # ⌊(512 − 3)/2⌋ + 1


def test_impossible_setting_shows_the_engine_message(at):
    at.radio(key="playground.layer.padding").set_value("same").run()
    at.slider(key="playground.layer.stride").set_value(2).run()  # PyTorch's 'same' needs stride 1
    assert not at.exception
    assert any("stride 1" in m.value for m in at.info)


def test_upload_good_image(at):
    at.selectbox(key="playground.image.image").set_value("upload").run()
    rng = np.random.default_rng(0)
    photo = jpeg_bytes(rng.integers(0, 255, (90, 120, 3), np.uint8))
    at.file_uploader(key="playground.image.upload").upload("photo.jpg", photo, "image/jpeg").run()
    assert not at.exception and not at.error
    assert any("1×90×120" in m.value for m in at.markdown)


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"%PDF-1.4 not an image", "PDF"),
    (b"hello, this is text", "not an image"),
])
def test_upload_bad_file_shows_a_clear_error(at, content, words):
    at.selectbox(key="playground.image.image").set_value("upload").run()
    at.file_uploader(key="playground.image.upload").upload("bad.png", content, "image/png").run()
    assert not at.exception
    assert any(words.lower() in m.lower() for m in messages(at)), messages(at)


def test_truncated_png(at):
    data = png_bytes(np.zeros((64, 64, 3), np.uint8) + 100)
    at.selectbox(key="playground.image.image").set_value("upload").run()
    at.file_uploader(key="playground.image.upload").upload("cut.png", data[: len(data) // 2], "image/png").run()
    assert not at.exception
    assert at.error


def test_query_params_round_trip():
    at = open_page(PAGE, {"kernel": "laplacian_4_neighbour", "stride": "2", "padding": "valid", "mode": "reflect"})
    assert not at.exception
    assert at.selectbox(key="playground.kernel.kernel").value == "laplacian_4_neighbour"
    assert at.slider(key="playground.layer.stride").value == 2
    at.selectbox(key="playground.layer.mode").set_value("circular").run()
    assert at.query_params["mode"] == ["circular"] or at.query_params["mode"] == "circular"


def test_tampered_query_values_fall_back_with_a_notice():
    at = open_page(PAGE, {"stride": "-3", "kernel": "<script>", "size": "banana"})
    assert not at.exception
    assert at.slider(key="playground.layer.stride").value == 1
    assert at.selectbox(key="playground.kernel.kernel").value == "sobel_x"
    assert len(at.warning) >= 3


def test_the_layer_is_shown_as_pytorch_and_keras_code_once_asked_for(at):
    at.radio(key="playground.layer.padding").set_value("valid").run()
    assert not at.code                                  # nothing to highlight while the expander is closed
    at.session_state["playground.page.code_open"] = True
    code = [c.value for c in at.run().code]
    assert any("nn.Conv2d(1, 1, kernel_size=3" in c for c in code), code
    assert any("layers.Conv2D(1, 3" in c for c in code), code


@pytest.mark.parametrize("weights", ["1,2;3", "a,b;c,d", "nan,1;1,1", ";".join(["1"] * 16)])
def test_tampered_kernel_values_fall_back_with_a_notice(weights):
    at = open_page(PAGE, {"kernel": "custom", "weights": weights})
    assert not at.exception
    assert any("weights" in w.value for w in at.warning)
