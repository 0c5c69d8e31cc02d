"""The Matrix view page, run headless with AppTest: each section's numbers against the engine, bad input, fuzz.

The page links to Step by step, so it runs through app.py (``open_page``): its navigation
must know the page linked to.
"""

from __future__ import annotations

import json
import random
from urllib.parse import parse_qsl

import numpy as np
import plotly.io as pio
import pytest
from apptest import open_page
from streamlit.proto.WidgetStates_pb2 import WidgetState
from test_fuzz import EDGES, GARBAGE, HOSTILE, Trail, act, note_leaks, offers, send

from convviz import (
    conv2d, conv_mac_count, conv_matrix_dense, conv_parameter_count, conv_transpose2d, quantization_error, quantize,
    quantized_conv2d, unfold,
)
from convviz.kernels import make_kernel
from convviz.samples import load_sample
from widgets.matrix_sections import luminance

PAGE = "pages/matrix_view.py"
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


@pytest.fixture(scope="module")
def at():
    return open_page(PAGE)


def test_the_page_loads_with_every_section_and_no_problem(at):
    assert not problems(at) and not at.warning
    assert at.title[0].value == "Matrix view"
    assert [h.value for h in at.header] == ["A matrix multiply", "One sparse matrix", "Checkerboards", "Three ways",
                                            "Efficient layers"]


def test_the_patch_matrix_times_the_kernel_is_the_convolution(at):
    patches, product = unfold(np.pad(X, 1)[None], 3).T, figure(at, "page.patches")
    assert cells(product, "patches").tolist() == patches.tolist()
    assert numbers(trace(product, "kernel").text).ravel().tolist() == W.ravel().tolist()
    expected = conv2d(X[None], W[None, None], padding=1)[0]
    assert numbers(trace(product, "output").text).ravel().tolist() == expected.ravel().tolist()
    assert numbers(trace(figure(at, "page.output"), "values").text).tolist() == expected.tolist()
    assert any("largest difference 0." in c.value for c in at.caption)


def test_the_chosen_row_lights_up_its_window(at):
    assert at.number_input(key="matrix_view.page.row").value == 0
    window = trace(figure(at, "page.input"), "window")       # rows 1–3 of the board: padded rows 0–2
    assert (min(window.y), max(window.y)) == (0.5, 3.5) and (min(window.x), max(window.x)) == (-0.5, 2.5)
    row = trace(figure(at, "page.patches"), "window")
    assert (min(row.y), max(row.y)) == (0.5, 1.5)


def test_one_sparse_matrix_and_its_transpose_are_the_engine_s(at):
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
    at = open_page(PAGE)
    link = dict(parse_qsl(at.get("page_link")[0].proto.query_string))
    assert link | {"operation": "transposed", "grid_size": "4", "grid_seed": "0", "pad": "1", "step": "1"} == link
    at.switch_page("pages/step_by_step.py")
    at.query_params.clear()
    at.query_params.update(link)
    at.run()
    assert not problems(at)
    spec = json.loads(at.get_by_key("step_by_step.page.chart").proto.spec)
    assert [numbers(spec["data"][i]["text"]).tolist() for i in (0, 1)] == [Y.tolist(), W.tolist()]


def test_checkerboards_count_the_stamps(at):
    stamps = conv_transpose2d(np.ones((1, 16, 16)), np.ones((1, 1, 3, 3)), stride=2, padding=1, output_padding=1)[0]
    counts = numbers(trace(figure(at, "upsample.transposed_counts"), "values").text)
    assert counts.tolist() == stamps[:12, :12].tolist()
    pictures = [image.proto.imgs[0] for image in at.get("image")]
    assert [p.caption for p in pictures[:2]] == ["conv_transpose2d, 3×3 weights 0.444: 256×256 pixels",
                                                 "The middle 24×24 pixels, enlarged"]
    assert all(p.url.endswith(".png") for p in pictures)               # lossless: a JPEG would blur the grid
    assert any("1 or 2 or 4 stamps, a 4 : 1 pattern" in c.value for c in at.caption)


def test_three_ways_give_the_same_numbers_with_their_costs(at):
    table = at.dataframe[0].value
    assert table["kernel"].tolist() == list(range(3, 32, 2))
    assert table["multiply–accumulates"].tolist() == [conv_mac_count(1, 1, k, (128, 128)) for k in range(3, 32, 2)]
    assert table[["|im2col − direct|", "|FFT − direct|"]].to_numpy().max() < 1e-8
    timing = figure(at, "page.timing")
    assert [t.name for t in timing.data] == ["direct (conv2d)", "im2col + matrix multiply", "FFT (fft_conv2d)"]
    assert all(min(t.y) > 0 for t in timing.data)


def test_efficient_layers_count_and_compare_with_the_engine(at):
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
    ({"padding": "same", "kernel": "box_blur", "ksize": "2", "kwidth": "2"}, "info",
     "conv_transpose2d cannot give it here: no output_padding gives back the input size 4"),
    ({"bits": "1"}, "warning", "bits=1 leaves symmetric signed quantization no level but 0"),
    ({"sparsity": "100"}, "warning", "sparsity must be strictly between 0 and 1, got 1.0"),
    ({"rows": "99", "stride": "abc"}, "warning", "`abc` for stride was ignored"),
])
def test_bad_settings_from_a_link_get_a_message_not_a_traceback(link, kind, text):
    at = open_page(PAGE, link)
    assert not problems(at)
    assert any(text in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]


def test_bad_settings_from_the_widgets_get_a_message():
    at = open_page(PAGE)
    at.number_input(key="matrix_view.efficient.bits").set_value(1)
    at.slider(key="matrix_view.efficient.sparsity").set_value(0)
    at.slider(key="matrix_view.layer.pad").set_value(0)
    at.selectbox(key="matrix_view.kernel.kernel").set_value("box_blur").run()
    at.select_slider(key="matrix_view.kernel.ksize").set_value(5)
    at.select_slider(key="matrix_view.kernel.kwidth").set_value(5)
    at.number_input(key="matrix_view.numbers.rows").set_value(2).run()
    assert not problems(at)
    texts = " ".join(m.value for m in [*at.warning, *at.info])
    assert "bits=1 leaves" in texts and "got 0.0 (0 % of the weights)" in texts
    assert "the kernel spans 5 positions but the padded input has only 2" in texts


def test_presenter_mode_shows_one_section_on_a_slide():
    at = open_page(PAGE, {"present": "1", "section": "three"})
    assert not problems(at) and not at.title and not at.header
    assert at.get_by_key("matrix_view.page.timing") is not None
    with pytest.raises(KeyError):
        at.get_by_key("matrix_view.page.patches")


def test_an_image_patch_is_the_middle_of_the_image():
    at = open_page(PAGE, {"numbers": "image patch", "rows": "3", "cols": "5"})
    assert not problems(at)
    image = luminance(load_sample("Astronaut", 128).pixels)
    shown = cells(figure(at, "page.input"), "values")[1:-1, 1:-1]
    assert shown.tolist() == image[62:65, 61:66].tolist()
    assert any("it animates square grids" in c.value for c in at.caption)


def test_fuzz_every_setting_with_garbage_and_a_short_walk():
    """Every URL setting at once with garbage, each alone with garbage or an edge, then a walk over the widgets."""
    trail, rng = Trail("matrix view"), random.Random("matrix_view")
    at = open_page(PAGE)
    names = sorted(at.session_state["url_state.memory"]["matrix_view"])

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
    follow({})
    for _ in range(10):
        offered = {label: [a for a in actions if a.link is None] for label, actions in offers(rng, at, "matrix_view",
                                                                                             set()).items()}
        control = rng.choice(sorted(label for label, actions in offered.items() if actions))
        act(at, rng.choice(offered[control]), trail)
    trail.done()
