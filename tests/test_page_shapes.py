"""The Shape arithmetic page, run headless with AppTest."""

from __future__ import annotations

import re

import pytest
from apptest import open_page_alone
from streamlit.testing.v1 import AppTest

from convviz.stack.records import stack_to_text
from convviz.stack.presets import PRESETS

EDITOR = "shapes.page.editor"


STACK = {"tab": "stack"}


def open_shapes(query: dict[str, str] | None = None) -> AppTest:
    """The page opened from a link; the planner is drawn only when the link opens the "Layer stack" tab."""
    return open_page_alone("pages/shapes.py", query)


def results(at: AppTest):
    """The planner's results table (the editor is the other one)."""
    return next(frame.value for frame in at.dataframe if frame.editing_mode == "read_only")


def results_config(at: AppTest) -> str:
    """The results table's column settings, as Streamlit sends them to the browser."""
    return next(frame.proto.columns for frame in at.dataframe if frame.editing_mode == "read_only")


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def edit(at: AppTest, rows: dict[int, dict[str, object]], added: list | None = None,
         deleted: list[int] | None = None) -> AppTest:
    at.session_state[EDITOR] = {"edited_rows": rows, "added_rows": added or [], "deleted_rows": deleted or []}
    return at.run()


def live_markdown(at: AppTest) -> str:
    """Everything the page renders as Markdown, without its inline code spans (which show text literally)."""
    texts = [e.value for kind in ("markdown", "caption", "error", "warning", "info") for e in getattr(at, kind)]
    return "\n".join(re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", t) for t in texts + [m.label for m in at.metric])


@pytest.fixture
def at():
    """The page on its "Layer stack" tab."""
    return open_shapes(STACK)


@pytest.fixture
def size():
    """The page as it opens, on its "Output size" tab."""
    return open_shapes()


def test_a_link_names_the_tab_by_its_short_name_or_its_label():
    for tab in ("stack", "Layer stack"):
        at = open_shapes({"tab": tab})
        assert at.code and at.query_params["tab"] == "stack"


def test_only_the_open_tab_runs(size):
    assert not size.exception and not size.dataframe and not size.code        # the planner is not drawn
    assert any(m.value.startswith("## Output:") for m in size.markdown)
    stack = open_shapes(STACK)
    assert not any(m.value.startswith("## Output:") for m in stack.markdown) and stack.code


def test_loads_with_lenet5_and_no_problem(at):
    assert not at.exception and not at.error and not at.warning
    table = results(at)
    assert list(table["output"]) == ["6×28×28", "6×28×28", "6×14×14", "16×10×10", "16×10×10", "16×5×5", "400",
                                     "120", "120", "84", "84", "10"]
    assert metrics(at) == {"Output": "10", "Parameters": "61,706", "Multiply–accumulates": "416,520",
                           "Receptive field": "16×16"}
    assert any("torch.Size([1, 10])" in c.value for c in at.code)
    assert any("keras.Input(shape=(32, 32, 1))" in c.value for c in at.code)


@pytest.mark.parametrize("name, output, receptive", [
    ("AlexNet (first layers)", "384×13×13", "99×99"),
    ("VGG block", "64×112×112", "6×6"),
    ("ResNet basic block", "64×56×56", "5×5"),
    ("MobileNet block", "64×112×112", "3×3"),
])
def test_presets_load(at, name, output, receptive):
    at.selectbox(key="shapes.page.preset").set_value(name).run()
    assert not at.exception and not at.error
    assert metrics(at)["Output"] == output and metrics(at)["Receptive field"] == receptive
    assert len(results(at)) == len(PRESETS[name].layers)
    assert any(PRESETS[name].note[:30] in c.value for c in at.caption)


def test_mobilenet_is_compared_with_the_standard_convolution(at):
    at.selectbox(key="shapes.page.preset").set_value("MobileNet block").run()
    text = " ".join(i.value for i in at.info)
    assert "18,432 parameters" in text and "0.127 of the multiply–accumulates" in text


def test_editing_a_layer_updates_the_table(at):
    edit(at, {0: {"out": "8"}})
    assert not at.exception
    table = results(at)
    assert table["output"][0] == "8×28×28" and table["parameters"][0] == f"{8 * 26}"
    assert table["parameters"][3] == f"{16 * (8 * 25) + 16:,}"


def test_an_impossible_layer_shows_its_error_on_its_row(at):
    edit(at, {3: {"kernel_size": "20"}})
    assert not at.exception
    table = results(at)
    assert "the kernel spans 20 positions but the padded input has only 14" in table["problem"][3]
    assert table["output"][3] == "?"
    assert all(p.startswith("unknown") for p in table["problem"][4:])
    assert table["output"][2] == "6×14×14" and table["problem"][2] == ""
    assert any("No code while a layer is impossible" in i.value for i in at.info)
    assert metrics(at) == {"Output": "?", "Parameters (valid layers only)": "156",
                           "Multiply–accumulates (valid layers only)": "117,600", "Receptive field": "6×6"}


def test_an_impossible_first_layer_says_its_whole_reason_and_counts_nothing(at):
    edit(at, {0: {"kernel_size": "40"}})
    assert not at.exception
    table = results(at)
    assert list(table["parameters"]) == ["—"] * 12 and list(table["multiply–accumulates"]) == ["—"] * 12
    assert '"problem": {"width": "large"' in results_config(at)
    reason = "the kernel spans 40 positions but the padded input has only 32"
    assert any(e.value.startswith("Layer 0 (conv) is impossible: `output size along axis 0 would be") and
               e.value.endswith(f"{reason}`") for e in at.error)
    assert metrics(at) == {"Output": "?", "Parameters (valid layers only)": "—",
                           "Multiply–accumulates (valid layers only)": "—", "Receptive field": "—"}


def test_the_stack_and_settings_round_trip_through_the_link(at):
    edit(at, {0: {"out": "8"}})
    link = dict(at.query_params)
    assert link["stack"].startswith("1x32x32|conv:out=8;kernel_size=5|") and link["tab"] == "stack"
    assert results(open_shapes(link))["output"][0] == "8×28×28"
    other_tab = open_shapes({**link, "tab": "size"})
    other_tab.number_input(key="shapes.size.k").set_value(3).run()
    assert other_tab.query_params["k"] == "3" and other_tab.query_params["stack"] == link["stack"]
    assert open_shapes({**other_tab.query_params, "tab": "size"}).number_input(key="shapes.size.k").value == 3
    assert results(open_shapes({**other_tab.query_params, **STACK}))["output"][0] == "8×28×28"


def test_a_link_sets_the_calculator():
    at = open_shapes({"dims": "1", "len": "14", "k": "3", "s": "2"})
    assert not at.exception and not at.error
    assert any("Output: 6" in m.value for m in at.markdown)
    assert any("input position 13 (counting from 0) is never read" in i.value for i in at.info)
    assert any(r"\left\lfloor\frac{14 + 2\cdot 0" in x.value for x in at.latex)


def test_a_link_with_a_stack_and_a_bad_value():
    at = open_shapes({"stack": stack_to_text((3, 64, 64), PRESETS["VGG block"].layers[:2]), "dims": "9", **STACK})
    assert not at.exception
    assert metrics(at)["Output"] == "64×64×64"
    assert any("`9` for dims was ignored" in w.value for w in at.warning)
    broken = open_shapes({"stack": "64x64|conv", **STACK})
    assert any("layer stack was ignored" in w.value for w in broken.warning)
    assert metrics(broken)["Parameters"] == "61,706"


def test_pooling_with_ceil_mode_and_transposed(size):
    at = size
    at.radio(key="shapes.size.op").set_value("pooling").run()
    at.number_input(key="shapes.size.len").set_value(5)
    at.number_input(key="shapes.size.k").set_value(2)
    at.number_input(key="shapes.size.s").set_value(2)
    at.checkbox(key="shapes.size.ceil").check().run()
    assert any("Output: 3 × 2" in m.value for m in at.markdown)
    at.radio(key="shapes.size.op").set_value("transposed").run()
    assert not at.exception and any("Output:" in m.value for m in at.markdown)
    assert any(n.label.startswith("output_padding") for n in at.number_input)


def test_bad_settings_show_the_engine_message_not_a_traceback(size):
    at = size
    at.number_input(key="shapes.size.k").set_value(40).run()
    assert not at.exception
    assert any("the kernel spans 40 positions but the padded input has only 32" in e.value for e in at.error)
    at.number_input(key="shapes.size.k").set_value(3)
    at.number_input(key="shapes.size.s").set_value(2)
    at.selectbox(key="shapes.size.pad_as").set_value("same").run()
    assert any("padding='same' needs stride 1" in e.value for e in at.error)


def test_every_preset_can_be_picked(at):
    assert at.selectbox(key="shapes.page.preset").options == [str(p) for p in PRESETS]


def test_a_wide_padding_on_a_transposed_convolution_is_solved_backwards():
    at = open_shapes({"op": "transposed", "p": "15"})                 # (32 − 1) − 2·15 + 5 = 6
    assert not at.exception and not at.error
    assert any("Output: 6 × 36" in m.value for m in at.markdown)
    assert any(m.value == "**H**: 32 → 6" for m in at.markdown)


@pytest.mark.parametrize("op", ["convolution", "pooling", "transposed"])
@pytest.mark.parametrize("end", [0, 1])
def test_the_widest_and_narrowest_settings_in_3d_never_raise(op, end):
    limits = {"len": (1, 4096), "k": (1, 64), "s": (1, 64), "p": (0, 64), "d": (1, 64), "opad": (0, 63)}
    link = {name + axis: str(ends[end]) for name, ends in limits.items() for axis in ("", "_2", "_3")}
    at = open_shapes({**link, "op": op, "dims": "3", "ceil": "1"})
    assert not at.exception and (at.error or any("Output:" in m.value for m in at.markdown))


@pytest.mark.parametrize("link, where", [
    ({"stack": "[Click for answers](https://example.com/x)"}, "warning"),
    ({"stack": "1x32x32|[Click for answers](https://example.com/x)"}, "warning"),
    ({"stack": "1x32x32|conv:out=[Click for answers](https://example.com/x);kernel_size=5"}, "error"),
])
def test_text_from_a_link_is_shown_literally(link, where):
    at = open_shapes({**link, **STACK})
    assert not at.exception
    assert any("[Click for answers](https://example.com/x)" in w.value.replace("click", "Click")
               for w in getattr(at, where))
    assert "example.com" not in live_markdown(at) and "](" not in live_markdown(at)


def test_text_typed_into_the_table_is_shown_literally(at):
    edit(at, {0: {"kernel_size": "**Bold** <b>x</b> [here](https://example.com)"}})
    assert not at.exception
    assert any("`" in e.value and "[here](https://example.com)" in e.value for e in at.error)
    assert all(word not in live_markdown(at) for word in ("example.com", "**bold**", "<b>"))
    edit(at, {0: {"layer": "[here](https://example.com)"}})         # a kind the select column cannot offer
    assert not at.exception
    assert any(e.value.startswith("A row of the table cannot be read: `unknown layer kind") for e in at.error)
    assert "example.com" not in live_markdown(at)


def test_garbage_rows_empty_rows_and_no_rows(at):
    edit(at, {1: {"padding": "(" * 300}, 2: {"stride": "²"}}, added=[{}, {"layer": "conv", "out": "((("}])
    assert not at.exception and len(results(at)) == 13                  # the empty row is skipped
    edit(at, {}, deleted=list(range(12)))
    assert not at.exception and not at.dataframe[1:] and not at.metric


def test_a_huge_padding_keeps_the_unit_picker_and_the_picture_within_what_a_browser_can_hold(at):
    edit(at, {0: {"padding": "9" * 30}})
    assert not at.exception
    assert [n.max for n in at.number_input if n.label.startswith(("Row", "Column"))] == [4096, 4096]
    assert any(i.value.startswith("No picture:") and "2**53" in i.value for i in at.info)
    wide = open_shapes({"stack": "1x600x600|conv:out=1;kernel_size=3;dilation=150", **STACK})
    assert not wide.exception
    assert any("a unit of layer 0 sees 301 positions" in i.value for i in wide.info)
