"""The Matrix view page, run headless with AppTest: each section's numbers against the engine, bad input, fuzz.

The page links to Step by step, so it runs through app.py (``open_page``): its navigation
must know the page linked to. Each section is a tab and only the open one runs; AppTest
cannot click a tab, so a test opens the page from a link to the section (``section=three``),
or sends the browser's tab change itself (:func:`open_tab`).
"""

from __future__ import annotations

import json
import random
from urllib.parse import parse_qsl

import numpy as np
import plotly.io as pio
import pytest
from apptest import open_page
from fuzz_harness import Trail, act, nodes, send
from fuzz_inputs import EDGES, GARBAGE, offers
from fuzz_leaks import HOSTILE, note_leaks
from streamlit.proto.WidgetStates_pb2 import WidgetState

from convviz import (
    conv2d, conv_mac_count, conv_matrix_dense, conv_parameter_count, conv_transpose2d, quantization_error, quantize,
    quantized_conv2d, unfold,
)
from convviz.kernels import make_kernel
from convviz.samples import load_sample
from widgets.matrix_sections import luminance
from widgets.url_state import MEMORY

PAGE = "pages/matrix_view.py"
SECTIONS = {"matrix": "1 · A matrix multiply", "sparse": "2 · One sparse matrix", "checkerboard": "3 · Checkerboards",
            "three": "4 · Three ways", "efficient": "5 · Efficient layers"}
CHARTS = {  # every chart each section draws, by key
    "matrix": {"page.input", "page.patches", "page.output"},
    "sparse": {"page.matrix", "page.row_grid", "page.y", "page.back", "page.ct"},
    "checkerboard": {"upsample.transposed_counts", "upsample.resized_counts"},
    "three": {"page.timing"},
    "efficient": {"efficient.separable", "efficient.costs", "efficient.quantized_kernel", "efficient.pruned_kernel"},
}
NO_IMAGE = "Choose an image (Image tab) to see this section on it."
X = np.arange(1.0, 17.0).reshape(4, 4)                       # the default numbers, padding 1 around them
W = make_kernel("vertical_edge")
Y = np.random.default_rng(0).integers(0, 10, (4, 4)).astype(float)   # the default digits sent back (seed 0)


def figure(at, key: str):
    return pio.from_json(at.get_by_key(f"matrix_view.{key}").proto.spec)


def trace(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def cells(fig, name: str) -> np.ndarray:
    """The numbers a grid shows, its padding cells' (drawn by a trace of their own) included."""
    text = np.array(trace(fig, name).text, dtype=object)
    pad = next((t for t in fig.data if t.name == f"{name} padding"), None)
    return numbers(text if pad is None else np.where(text == "", np.array(pad.text, dtype=object), text))


def numbers(text) -> np.ndarray:
    """Cell labels back as numbers (true minus signs; blank cells NaN)."""
    return np.vectorize(lambda t: float(t.replace("−", "-")) if t else np.nan)(np.array(text, dtype=object))


def problems(at) -> list[str]:
    return [e.message for e in at.exception] + [e.value for e in at.error]


def charts(at) -> set[str]:
    return {c.key.removeprefix("matrix_view.") for c in at.get("plotly_chart")}


def filled_tabs(at) -> list[str]:
    """The labels of the section tabs that hold anything: the open one's alone, if only it ran."""
    return [t.label for t in at.tabs if t.label in SECTIONS.values() and t.children]


def open_tab(at, label: str):
    """Click a section's tab, as the browser does: it sends the tab container's new value, the label."""
    tabs = next(n for n in nodes(at) if getattr(n, "type", "") == "tab_container")
    return send(at, WidgetState(id=tabs.proto.tab_container.id, string_value=label))


@pytest.fixture(scope="module")
def on():
    """The page opened from a link to one section (each opened once for the module)."""
    opened = {}

    def open_on(section: str):
        if section not in opened:
            opened[section] = open_page(PAGE, {"section": section})
        return opened[section]
    return open_on


@pytest.mark.parametrize("section", SECTIONS)
def test_a_link_opens_its_section_and_only_that_section_runs(on, section):
    at = on(section)
    assert not problems(at) and not at.warning
    assert at.title[0].value == "Matrix view" and at.caption[0].value.startswith("Under the hood")
    assert [t.label for t in at.tabs][:5] == list(SECTIONS.values())
    assert filled_tabs(at) == [SECTIONS[section]]
    assert charts(at) == CHARTS[section]
    assert dict(at.query_params) == ({} if section == "matrix" else {"section": section})


@pytest.mark.parametrize("link, section", [({}, "matrix"), ({"section": "three"}, "three"),
                                           ({"section": "4 · Three ways"}, "three")])
def test_old_links_and_label_links_open_the_same_section_and_the_page_writes_its_short_name(link, section):
    at = open_page(PAGE, link)
    assert not problems(at) and not at.warning
    assert filled_tabs(at) == [SECTIONS[section]] and charts(at) == CHARTS[section]
    assert at.query_params.get("section") == (None if section == "matrix" else section)


def test_a_link_to_no_section_says_so_and_opens_the_first():
    at = open_page(PAGE, {"section": "four"})
    assert not problems(at) and filled_tabs(at) == [SECTIONS["matrix"]]
    assert [w.value for w in at.warning] == ["The link's value `four` for section was ignored (not one of the "
                                             "choices); using `matrix`."]


def test_clicking_a_tab_runs_that_section_alone_and_puts_it_in_the_link():
    at = open_page(PAGE)
    for section in [*list(SECTIONS)[1:], "matrix"]:
        open_tab(at, SECTIONS[section])
        assert not problems(at) and filled_tabs(at) == [SECTIONS[section]] and charts(at) == CHARTS[section]
        assert at.query_params.get("section") == (None if section == "matrix" else section)
    at.number_input(key="matrix_view.page.row").set_value(5).run()         # another control keeps the tab open
    open_tab(at, SECTIONS["sparse"])
    assert filled_tabs(at) == [SECTIONS["sparse"]] and dict(at.query_params) == {"row": "5", "section": "sparse"}


@pytest.mark.parametrize("section", SECTIONS)
def test_only_the_sections_on_the_image_ask_for_one(section):
    at = open_page(PAGE, {"section": section, "image": "upload"})
    assert not problems(at)
    asks = [i.value for i in at.info if i.value.startswith("Choose an image")]
    if section in ("checkerboard", "three", "efficient"):
        assert asks == [NO_IMAGE] and not charts(at)
    else:
        assert not asks and charts(at) == CHARTS[section]


def test_the_patch_matrix_times_the_kernel_is_the_convolution(on):
    at = on('matrix')
    patches, product = unfold(np.pad(X, 1)[None], 3).T, figure(at, "page.patches")
    assert cells(product, "patches").tolist() == patches.tolist()
    assert numbers(trace(product, "kernel").text).ravel().tolist() == W.ravel().tolist()
    expected = conv2d(X[None], W[None, None], padding=1)[0]
    assert numbers(trace(product, "output").text).ravel().tolist() == expected.ravel().tolist()
    assert numbers(trace(figure(at, "page.output"), "values").text).tolist() == expected.tolist()
    assert any("largest difference 0." in c.value for c in at.caption)


def test_the_chosen_row_lights_up_its_window(on):
    at = on('matrix')
    assert at.number_input(key="matrix_view.page.row").value == 0
    window = trace(figure(at, "page.input"), "window")       # rows 1–3 of the board: padded rows 0–2
    assert (min(window.y), max(window.y)) == (0.5, 3.5) and (min(window.x), max(window.x)) == (-0.5, 2.5)
    row = trace(figure(at, "page.patches"), "window")
    assert (min(row.y), max(row.y)) == (0.5, 1.5)


def test_one_sparse_matrix_and_its_transpose_are_the_engine_s(on):
    at = on('sparse')
    dense = conv_matrix_dense((1, 4, 4), W[None, None], padding=1)
    shown = numbers(trace(figure(at, "page.matrix"), "M").text)
    assert shown.shape == (16, 16) and np.isnan(shown).sum() == 256 - 100      # blank where nothing is stored
    assert np.array_equal(shown[~np.isnan(shown)], dense[~np.isnan(shown)])
    assert numbers(trace(figure(at, "page.row_grid"), "values").text).ravel().tolist() == dense[0].tolist()
    assert numbers(trace(figure(at, "page.y"), "values").text).tolist() == Y.tolist()
    back = conv_transpose2d(Y[None], W[None, None], stride=1, padding=1)[0]
    assert numbers(trace(figure(at, "page.ct"), "values").text).tolist() == back.tolist()
    sent_back = (dense.T @ Y.ravel()).reshape(4, 4)
    assert numbers(trace(figure(at, "page.back"), "values").text).tolist() == sent_back.tolist()
    assert any("storing 145,924 entries" in i.value for i in at.info)         # the 128×128 image's M, refused


def test_the_link_to_step_by_step_animates_the_same_numbers():
    at = open_page(PAGE, {"section": "sparse"})
    link = dict(parse_qsl(at.get("page_link")[0].proto.query_string))
    assert link | {"operation": "transposed", "grid_size": "4", "grid_seed": "0", "pad": "1", "step": "1"} == link
    at.switch_page("pages/step_by_step.py")
    at.query_params.clear()
    at.query_params.update(link)
    at.run()
    assert not problems(at)
    spec = json.loads(at.get_by_key("step_by_step.page.chart").proto.spec)
    assert [numbers(spec["data"][i]["text"]).tolist() for i in (0, 1)] == [Y.tolist(), W.tolist()]


def test_checkerboards_count_the_stamps(on):
    at = on('checkerboard')
    stamps = conv_transpose2d(np.ones((1, 16, 16)), np.ones((1, 1, 3, 3)), stride=2, padding=1, output_padding=1)[0]
    counts = numbers(trace(figure(at, "upsample.transposed_counts"), "values").text)
    assert counts.tolist() == stamps[:12, :12].tolist()
    pictures = [image.proto.imgs[0] for image in at.get("image")]
    assert [p.caption for p in pictures[:2]] == ["conv_transpose2d, 3×3 weights 0.444: 256×256 pixels",
                                                 "The middle 24×24 pixels, enlarged"]
    assert all(p.url.endswith(".png") for p in pictures)               # lossless: a JPEG would blur the grid
    assert any("1 or 2 or 4 stamps, a 4 : 1 pattern" in c.value for c in at.caption)


def test_three_ways_give_the_same_numbers_with_their_costs(on):
    at = on('three')
    table = at.dataframe[0].value
    assert table["kernel"].tolist() == list(range(3, 32, 2))
    assert table["multiply–accumulates"].tolist() == [conv_mac_count(1, 1, k, (128, 128)) for k in range(3, 32, 2)]
    assert table[["|im2col − direct|", "|FFT − direct|"]].to_numpy().max() < 1e-8
    timing = figure(at, "page.timing")
    assert [t.name for t in timing.data] == ["direct (conv2d)", "im2col + matrix multiply", "FFT (fft_conv2d)"]
    assert all(min(t.y) > 0 for t in timing.data)


def test_efficient_layers_count_and_compare_with_the_engine(on):
    at = on('efficient')
    bars = {(t.name, t.x[0], t.xaxis): t.y[0] for t in figure(at, "efficient.costs").data}
    assert bars[("3×3 conv", "standard", "x")] == conv_parameter_count(32, 64, 3)
    assert bars[("depthwise", "separable", "x")] == conv_parameter_count(32, 32, 3, groups=32)
    assert bars[("pointwise 1×1", "separable", "x2")] == conv_mac_count(32, 64, 1, (128, 128))
    x = luminance(load_sample("Astronaut", 128).pixels)[None]
    reference = conv2d(x, W[None, None], padding="same")
    approx = quantized_conv2d(quantize(x, 8), quantize(W[None, None], 8, axis=0), padding="same")
    error = quantization_error(reference, approx)
    assert [m.value for m in at.metric][:2] == [f"{error.max_abs:.3g}", f"{error.rms:.3g}"]
    assert numbers(trace(figure(at, "efficient.quantized_kernel"), "values").text).tolist() == (127 * W).tolist()


def test_a_click_on_a_row_chooses_it():
    at = open_page(PAGE)
    chart = at.get_by_key("matrix_view.page.patches")
    click = {"selection": {"points": [{"curve_number": 5, "point_number": 60, "point_index": 60, "x": 2, "y": 7,
                                       "customdata": 6}], "point_indices": [60], "box": [], "lasso": []}}
    send(at, WidgetState(id=chart.proto.id, string_value=json.dumps(click)))
    assert not problems(at) and at.number_input(key="matrix_view.page.row").value == 6
    assert (min(trace(figure(at, "page.patches"), "window").y), at.query_params["row"]) == (6.5, "6")
    window = trace(figure(at, "page.input"), "window")                # output (1, 2) reads padded rows 1–3, cols 2–4
    assert (min(window.y), min(window.x)) == (1.5, 1.5)
    at.number_input(key="matrix_view.page.row").set_value(15).run()
    assert trace(figure(at, "page.output"), "chosen").y[0] == 3.5


@pytest.mark.parametrize("link, kind, text", [
    ({"kernel": "box_blur", "ksize": "7", "kwidth": "7", "padding": "valid"}, "info",
     "the kernel spans 7 positions but the padded input has only 4"),
    ({"padding": "same", "stride": "2"}, "info", "padding='same' needs stride 1"),
    ({"padding": "same", "kernel": "box_blur", "ksize": "2", "kwidth": "2", "section": "sparse"}, "info",
     "conv_transpose2d cannot give it here: no output_padding gives back the input size 4"),
    ({"bits": "1", "section": "efficient"}, "warning", "bits=1 leaves symmetric signed quantization no level but 0"),
    ({"sparsity": "100", "section": "efficient"}, "warning", "sparsity must be strictly between 0 and 1, got 1.0"),
    ({"rows": "99", "stride": "abc"}, "warning", "`abc` for stride was ignored"),
])
def test_bad_settings_from_a_link_get_a_message_not_a_traceback(link, kind, text):
    at = open_page(PAGE, link)
    assert not problems(at)
    assert any(text in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]


def test_bad_settings_from_the_widgets_get_a_message():
    at = open_page(PAGE, {"section": "efficient"})
    at.number_input(key="matrix_view.efficient.bits").set_value(1)
    at.slider(key="matrix_view.efficient.sparsity").set_value(0).run()
    assert not problems(at)
    texts = " ".join(m.value for m in at.warning)
    assert "bits=1 leaves" in texts and "got 0.0 (0 % of the weights)" in texts
    open_tab(at, SECTIONS["matrix"])
    at.slider(key="matrix_view.layer.pad").set_value(0)
    at.selectbox(key="matrix_view.kernel.kernel").set_value("box_blur").run()
    at.select_slider(key="matrix_view.kernel.ksize").set_value(5)
    at.select_slider(key="matrix_view.kernel.kwidth").set_value(5)
    at.number_input(key="matrix_view.numbers.rows").set_value(2).run()
    assert not problems(at)
    assert any("the kernel spans 5 positions but the padded input has only 2" in i.value for i in at.info)


def test_presenter_mode_shows_one_section_on_a_slide_chosen_by_the_radio_and_the_tabs_open_on_it():
    at = open_page(PAGE, {"present": "1", "section": "three"})
    assert not problems(at) and not at.title and not filled_tabs(at)
    assert charts(at) == CHARTS["three"]
    radio = at.radio(key="matrix_view.page.section")
    assert list(radio.options) == list(SECTIONS.values()) and radio.value == SECTIONS["three"]
    radio.set_value(SECTIONS["sparse"]).run()
    assert not problems(at) and charts(at) == CHARTS["sparse"] and at.query_params["section"] == "sparse"
    at.toggle(key="matrix_view.present.present").set_value(False).run()
    assert not problems(at) and filled_tabs(at) == [SECTIONS["sparse"]] and charts(at) == CHARTS["sparse"]
    open_tab(at, SECTIONS["efficient"])
    at.toggle(key="matrix_view.present.present").set_value(True).run()
    assert at.radio(key="matrix_view.page.section").value == SECTIONS["efficient"]
    assert charts(at) == CHARTS["efficient"] and dict(at.query_params) == {"present": "1", "section": "efficient"}


def test_an_image_patch_is_the_middle_of_the_image():
    at = open_page(PAGE, {"numbers": "image patch", "rows": "3", "cols": "5"})
    assert not problems(at)
    image = luminance(load_sample("Astronaut", 128).pixels)
    shown = cells(figure(at, "page.input"), "values")[1:-1, 1:-1]
    assert shown.tolist() == image[62:65, 61:66].tolist()
    open_tab(at, SECTIONS["sparse"])
    assert any("it animates square grids" in c.value for c in at.caption)


def test_fuzz_every_setting_with_garbage_and_a_short_walk():
    """Every URL setting at once with garbage, each alone with garbage or an edge, then a walk from each section.

    Only the open section's widgets are drawn, and a walk cannot click a tab: it follows a
    link to each section in turn and walks its widgets (and the presenter's radio, if it
    turns presenter mode on).
    """
    trail, rng = Trail("matrix view"), random.Random("matrix_view")
    at = open_page(PAGE)
    names = sorted(at.session_state[MEMORY]["matrix_view"])

    def follow(link: dict[str, str], garbage: str = "") -> None:
        trail.did(f"follow {link}")
        at.query_params.clear()
        at.query_params.update(link)
        send(at)
        trail.check(at)
        if garbage in HOSTILE:
            note_leaks(trail, at, garbage)

    for garbage in [*HOSTILE[:2], "", "1e309", "0"]:
        follow(dict.fromkeys(names, garbage), garbage)
    for name in rng.sample(names, 8):
        value = rng.choice(HOSTILE + GARBAGE + EDGES)
        follow({name: value}, value)
    for section in SECTIONS:
        follow({"section": section})
        for _ in range(4):
            offered = {label: [a for a in actions if a.link is None]
                       for label, actions in offers(rng, at, "matrix_view", set()).items()}
            control = rng.choice(sorted(label for label, actions in offered.items() if actions))
            act(at, rng.choice(offered[control]), trail)
    trail.done()
