"""Regression tests for what once broke in everyday use: each is a move a new user makes.

Each test names the symptom it guards against. Widget keys are ``page.owner.name``.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

import numpy as np
import pytest
from apptest import open_page, open_page_alone
from fuzz_inputs import plotly_array
from streamlit.testing.v1 import AppTest

from widgets.url_state import MEMORY

PLAYGROUND, STEPS = "pages/playground.py", "pages/step_by_step.py"


def spec(at: AppTest, key: str) -> dict:
    return json.loads(at.get_by_key(key).proto.spec)


def load(page: str, query: dict[str, str]) -> AppTest:
    return (open_page if page == "playground" else open_page_alone)(f"pages/{page}.py", query)


def fine(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", ["playground", "step_by_step"])
def test_edit_these_values_opens_the_kernel_in_the_grid(page):
    at = fine(load(page, {"kernel": "sharpen", "flip": "1"}))
    at.button(key=f"{page}.kernel.edit").click().run()
    fine(at)
    assert at.selectbox(key=f"{page}.kernel.kernel").value == "custom"
    assert at.session_state[MEMORY][page]["weights"] == "0,-1,0;-1,5,-1;0,-1,0"
    assert not at.toggle(key=f"{page}.kernel.flip").value  # already applied to the values


def test_a_custom_kernel_on_step_by_step():
    at = fine(open_page_alone(STEPS, {"kernel": "custom", "weights": "1,2;3,4"}))
    assert spec(at, "step_by_step.page.chart")["frames"]


def test_random_kernel_and_random_numbers_on_one_page():
    at = fine(open_page_alone(STEPS, {"kernel": "random", "grid": "random"}))
    before = at.session_state[MEMORY]["step_by_step"]["seed"]
    at.button(key="step_by_step.kernel.reseed").click().run()
    at.button(key="step_by_step.input.reseed").click().run()
    fine(at)
    assert at.session_state[MEMORY]["step_by_step"]["seed"] != before


@pytest.mark.parametrize("page", ["playground", "step_by_step"])
def test_normalise_is_disabled_on_a_kernel_that_sums_to_zero(page):
    at = fine(load(page, {"kernel": "sobel_x", "normalise": "1"}))
    assert at.toggle(key=f"{page}.kernel.normalise").disabled
    assert any("sums to 0" in c.value for c in at.caption)


def test_a_cleared_cell_counts_as_zero_and_says_so():
    at = fine(open_page(PLAYGROUND, {"kernel": "custom", "weights": "1,2,3;4,5,6;7,8,9"}))
    at.session_state["playground.kernel.editor"] = {"edited_rows": {1: {"2": None}}, "added_rows": [],
                                                    "deleted_rows": []}
    fine(at.run())
    assert any("row 2 column 2" in i.value for i in at.info)
    assert at.session_state[MEMORY]["playground"]["weights"] == "1,2,3;4,0,6;7,8,9"


def test_bias_keeps_its_value_when_the_kernel_has_no_drawing_yet():
    at = fine(open_page(PLAYGROUND, {"bias": "5"}))
    at.selectbox(key="playground.kernel.kernel").set_value("drawn").run()
    fine(at)
    at.selectbox(key="playground.kernel.kernel").set_value("sobel_x").run()
    assert at.number_input(key="playground.kernel.bias").value == 5.0
    assert at.query_params["bias"] in ("5", ["5"])


@pytest.mark.parametrize("change", [
    ("slider", "playground.layer.stride", 2), ("slider", "playground.layer.stride", 8),
    ("slider", "playground.layer.dilation", 8), ("radio", "playground.layer.padding", "same"),
    ("number_input", "playground.kernel.bias", 1000.0), ("selectbox", "playground.kernel.kernel", "gaussian_blur"),
    ("radio", "playground.layer.padding", "keras_same"), ("radio", "playground.layer.padding", "full"),
    ("radio", "playground.layer.padding", "valid"), ("toggle", "playground.layer.per_axis", True),
    ("selectbox", "playground.image.image", "Digit"), ("selectbox", "playground.layer.mode", "circular"),
])
def test_any_first_change_still_shows_a_feature_map(change):
    kind, key, new = change
    at = fine(open_page(PLAYGROUND))
    getattr(at, kind)(key=key).set_value(new).run()
    fine(at)
    assert spec(at, "playground.page.map_1")


def test_pytorch_same_at_stride_two_explains_and_offers_both_ways_out():
    at = fine(open_page(PLAYGROUND, {"padding": "same", "stride": "2"}))
    assert any("needs stride 1" in i.value for i in at.info)
    at.button(key="playground.layer.use_amount").click().run()
    assert "1×256×256" in next(m.value for m in at.markdown if "Shapes" in m.value)
    at = fine(open_page(PLAYGROUND, {"padding": "same", "stride": "2"}))
    at.button(key="playground.layer.use_keras").click().run()
    assert at.radio(key="playground.layer.padding").value == "keras_same"
    assert "1×256×256" in next(m.value for m in at.markdown if "Shapes" in m.value)


def test_the_step_by_step_link_shows_the_number_the_inspector_shows():
    at = fine(open_page(PLAYGROUND, {"image": "Cat", "row": "10", "col": "10", "stride": "2"}))
    title = re.search(r"Output \(10, 10\) = [^<]+", at.get("html")[-1].proto.body)[0]
    query = dict(parse_qsl(at.get("page_link")[0].proto.query_string))
    steps = fine(open_page_alone(STEPS, query))
    figure = spec(steps, "step_by_step.page.chart")
    step = json.loads(steps.get_by_key("step_by_step.page.stepper.step").proto.json)["step"]
    lines = figure["frames"][step - 1]["data"][-1]["text"][0].split("<br>")   # the stepper shows that frame
    assert "output (10, 10)" in lines[0]
    assert lines[-1].endswith(title.split(" = ")[1])


def test_the_step_by_step_region_equals_the_whole_convolution():
    from convviz import conv2d
    from convviz.pipeline import input_channels
    from convviz.samples import load_sample

    at = fine(open_page_alone(STEPS, {"grid": "image patch", "image": "Cat", "kernel": "sobel_x", "padding": "amount",
                                      "pad": "1", "stride": "2", "row": "0", "col": "7", "patch": "9"}))
    x = input_channels(load_sample("Cat", 512).pixels, "luminance")
    whole = conv2d(x[None], np.array([[[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]], float), padding=1, stride=2)[0, 0]
    figure = spec(at, "step_by_step.page.chart")
    first = figure["data"][-2]["text"][0].split("<br>")
    assert "output (0, 4)" in first[0]
    total = first[-1].rsplit("= ", 1)[1].replace("−", "-")
    assert float(total) == pytest.approx(whole[0, 4], abs=0.5)


@pytest.mark.parametrize(("hide", "name", "value", "back"), [
    (("radio", "playground.layer.padding", "valid"), "pad", 3, ("radio", "playground.layer.padding", "amount")),
    (("selectbox", "playground.kernel.kernel", "sobel_x"), "sigma", 2.5,
     ("selectbox", "playground.kernel.kernel", "gaussian_blur")),
])
def test_hidden_settings_keep_their_values(hide, name, value, back):
    at = fine(open_page(PLAYGROUND, {"padding": "amount", "kernel": "gaussian_blur", "ksize": "5",
                                           "kwidth": "5"}))
    owner = "layer" if name == "pad" else "kernel"
    at.slider(key=f"playground.{owner}.{name}").set_value(value).run()
    getattr(at, hide[0])(key=hide[1]).set_value(hide[2]).run()
    at.run()
    assert at.query_params[name] in (str(value), [str(value)])
    getattr(at, back[0])(key=back[1]).set_value(back[2]).run()
    assert at.slider(key=f"playground.{owner}.{name}").value == value


def test_link_text_is_shown_literally():
    at = fine(open_page(PLAYGROUND, {"kernel": "[Click for answers](https://example.com/x)"}))
    notice = at.warning[0].value
    assert "`[Click for answers](https://example.com/x)`" in notice


def test_an_upload_carries_over_to_step_by_step():
    from apptest import png_bytes

    at = fine(open_page(PLAYGROUND, {"image": "upload"}))
    photo = (np.arange(48 * 64 * 3) % 251).astype(np.uint8).reshape(48, 64, 3)
    at.file_uploader(key="playground.image.upload").upload("photo.png", png_bytes(photo), "image/png").run()
    fine(at)
    at.switch_page(STEPS).run()
    at.query_params["grid"], at.query_params["image"] = "image patch", "upload"
    fine(at.run())
    assert any("uploaded earlier in this session" in c.value for c in at.caption)
    assert spec(at, "step_by_step.page.chart")["frames"]


@pytest.mark.parametrize(("name", "text"), [("stride", "[x](https://example.com/x)"), ("bias", "<b>x</b>"),
                                             ("weights", "[a](https://example.com),1;2,3")])
def test_a_value_that_does_not_parse_is_never_echoed_as_markdown(name, text):
    at = fine(open_page(PLAYGROUND, {name: text}))
    notice = at.warning[0].value
    assert text not in notice.replace(f"`{text}`", "")


@pytest.mark.parametrize("text", ["18446744073709551616", "-9223372036854775809", "9" * 400])
def test_a_whole_number_too_large_for_64_bits_falls_back(text):
    at = fine(open_page(PLAYGROUND, {"stride": text}))
    assert at.slider(key="playground.layer.stride").value == 1


def test_kernel_weights_whose_sums_overflow_still_animate():
    at = fine(open_page_alone(STEPS, {"kernel": "custom", "weights": "1e308,1e308;1e308,1e308", "grid": "random"}))
    figure = spec(at, "step_by_step.page.chart")
    assert "∞" in " ".join(figure["frames"][0]["data"][-1]["text"])
    # Plotly draws no cell where z or the colour range is not finite: ±1e308 blanked the kernel, ∞ an output.
    heatmaps = [t for t in figure["data"] if t["type"] == "heatmap"]
    ranges = [t["zmax"] - t["zmin"] for t in heatmaps if "zmax" in t]
    cells = [(np.ravel(np.array(plotly_array(t["z"]), float)), np.ravel(t["text"])) for t in heatmaps if "text" in t]
    infinite = np.concatenate([z[text == "∞"] for z, text in cells])
    assert ranges and np.isfinite(ranges).all() and infinite.size and np.isfinite(infinite).all()


def test_a_change_resent_with_an_older_url_after_a_reconnect_is_kept():
    """A dropped connection: the run for stride 5 wrote ?stride=5, the browser never got it and,
    reconnected, sends its next change (stride 3) with the URL it had, ?stride=4."""
    at = fine(open_page(PLAYGROUND))
    stride = "playground.layer.stride"
    at.slider(key=stride).set_value(4).run()
    at.slider(key=stride).set_value(5).run()
    at.query_params["stride"] = "4"
    fine(at.slider(key=stride).set_value(3).run())
    assert at.slider(key=stride).value == 3
    assert at.query_params["stride"] == ["3"] or at.query_params["stride"] == "3"


def test_a_change_already_made_by_a_run_cut_off_is_kept_when_the_browser_asks_again():
    """The run for stride 3 (asked with ?stride=4) finished while the connection was down: the browser
    never heard ?stride=3 and, reconnected, asks again with ?stride=4 and its slider at 3. The page keeps 3
    and writes ?stride=3; it used to take ?stride=4 for a link and undo the change."""
    at = fine(open_page(PLAYGROUND))
    stride = "playground.layer.stride"
    at.slider(key=stride).set_value(4).run()
    at.slider(key=stride).set_value(3).run()
    at.query_params["stride"] = "4"
    fine(at.run())
    assert at.slider(key=stride).value == 3
    assert at.query_params["stride"] == ["3"] or at.query_params["stride"] == "3"


def test_a_link_opened_in_the_same_session_still_sets_the_page():
    at = fine(open_page(PLAYGROUND))
    at.slider(key="playground.layer.stride").set_value(4).run()
    at.query_params["stride"] = "2"
    fine(at.run())                                   # no control changed: the URL is a link
    assert at.slider(key="playground.layer.stride").value == 2


def published(at: AppTest) -> dict[str, str]:
    return {name: at.query_params[name] if isinstance(at.query_params[name], str) else at.query_params[name][0]
            for name in at.query_params}


@pytest.mark.parametrize("page", ["playground", "step_by_step"])
def test_a_link_shared_before_the_second_axis_was_renamed_opens_the_same_page(page):
    """``stride_w``, ``pad_w`` and ``dilation_w`` became ``stride_2``, ``pad_2``, ``dilation_2``."""
    common = {"per_axis": "1", "padding": "amount", "stride": "2", "pad": "1", "dilation": "1", "kernel": "sobel_x"}
    old = fine(load(page, common | {"stride_w": "3", "pad_w": "2", "dilation_w": "2"}))
    new = fine(load(page, common | {"stride_2": "3", "pad_2": "2", "dilation_2": "2"}))
    assert not old.warning
    for name, value in (("stride", 2), ("stride_2", 3), ("pad_2", 2), ("dilation_2", 2)):
        assert old.slider(key=f"{page}.layer.{name}").value == value
    chart = "map_1" if page == "playground" else "chart"
    assert spec(old, f"{page}.page.{chart}") == spec(new, f"{page}.page.{chart}")
    assert published(old) == published(new)
    assert {"stride_2", "pad_2", "dilation_2"} <= set(published(old))
    assert not {"stride_w", "pad_w", "dilation_w"} & set(published(old))


def test_a_link_with_both_spellings_is_read_by_the_new_name():
    at = fine(open_page_alone(STEPS, {"per_axis": "1", "stride_2": "4", "stride_w": "3"}))
    assert at.slider(key="step_by_step.layer.stride_2").value == 4
    assert "stride_w" not in published(at)


def test_an_old_spelling_that_does_not_parse_is_named_as_the_link_wrote_it():
    at = fine(open_page_alone(STEPS, {"per_axis": "1", "stride_w": "[x](https://example.com/x)"}))
    assert any("for stride_w was ignored" in w.value for w in at.warning)
    assert at.slider(key="step_by_step.layer.stride_2").value == 1


def test_the_inspectors_link_names_the_second_axis_the_new_way():
    at = fine(open_page(PLAYGROUND, {"image": "Cat", "per_axis": "1", "stride": "2", "stride_2": "3",
                                     "row": "10", "col": "10"}))
    query = dict(parse_qsl(at.get("page_link")[0].proto.query_string))
    assert query["stride_2"] == "3" and "stride_w" not in query
    steps = fine(open_page_alone(STEPS, query))
    assert steps.slider(key="step_by_step.layer.stride").value == 2
    assert steps.slider(key="step_by_step.layer.stride_2").value == 3


def test_padding_by_half_an_oblong_kernel_keeps_the_stride_on_both_axes():
    oblong = {"kernel": "random", "ksize": "3", "kwidth": "5"}
    at = fine(open_page(PLAYGROUND, oblong | {"padding": "same", "stride": "2"}))
    at.button(key="playground.layer.use_amount").click().run()
    assert at.slider(key="playground.layer.pad").value == 1 and at.slider(key="playground.layer.pad_2").value == 2
    assert at.slider(key="playground.layer.stride_2").value == 2
    assert "1×256×256" in next(m.value for m in at.markdown if "Shapes" in m.value)


def test_a_kernel_value_beyond_float32_is_named_not_called_inf():
    """1e300 is a finite number: the Playground, which computes in float32, said "found inf"; and 1e38
    made a map of inf beside an inspector (in float64) reading 1.8e+40."""
    def said(weights: str) -> tuple[str, bool]:
        at = fine(open_page(PLAYGROUND, {"kernel": "custom", "weights": weights}))
        return " ".join(i.value for i in at.info), bool(at.get("plotly_chart"))

    text, drawn = said("1e300,0,0;0,0,0;0,0,0")
    assert "float32" in text and "1e+300" in text and "inf" not in text and not drawn
    text, drawn = said("1e38,0,0;0,1,0;0,0,0")
    assert "would read inf" in text and not drawn
    assert said("1e30,0;0,1") == ("", True)
