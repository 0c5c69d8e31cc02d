"""Tests for convviz.stack.records: a stack as table rows and as link text, read back to the same layers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST
from test_export import CASES

from convviz.stack.layers import KINDS, Activation, Conv, Pool, plan
from convviz.stack.presets import PRESETS
from convviz.stack.records import (
    COLUMNS, from_record, plan_rows, plan_summary, stack_from_text, stack_to_text, to_record,
)


@pytest.mark.parametrize("name", CASES)
def test_rows_and_text_read_back_to_the_same_layers(name):
    shape, layers = CASES[name]
    kept = [layer for layer in layers if getattr(layer, "padding_mode", "zeros") == "zeros"
            and getattr(layer, "groups", 1) == 1]       # neither is a column of the table
    assert [from_record(to_record(layer)) for layer in kept] == kept
    assert stack_from_text(stack_to_text(shape, kept)) == (tuple(shape), tuple(kept))


def test_table_cells_as_a_person_types_them():
    assert from_record({"layer": "conv", "out": " 8 ", "kernel_size": "3, 5", "padding": "0 1", "bias": "false"}) == \
        Conv(8, (3, 5), padding=((0, 1), (0, 1)), bias=False)
    assert from_record({"layer": "max pool", "kernel_size": 3.0, "stride": float("nan")}) == Pool(3)
    assert from_record({"layer": "conv", "padding": "(1, 2)"}).padding == (1, 2)          # PyTorch's per-axis tuple
    assert from_record({"layer": None, "out": "3"}) is None
    assert from_record({"layer": "conv", "out": "٣"}).out_channels == 3                 # any decimal digits
    with pytest.raises(ValueError, match="unknown layer kind 'dense'; choose one of conv, depthwise conv"):
        from_record({"layer": "dense"})


def test_unreadable_text_explains_what_it_expected():
    with pytest.raises(ValueError, match="starts with the input shape C×H×W"):
        stack_from_text("conv:out=3")
    with pytest.raises(ValueError, match="'size=3' in 'conv:size=3' is not column=value"):
        stack_from_text("1x8x8|conv:size=3")
    assert stack_from_text("1×8×8|ReLU") == ((1, 8, 8), (Activation("ReLU"),))


@pytest.mark.parametrize("text", ["²", "9" * 5000, "(" * 300, "(" + "-" * 5000 + "1)", "(1" + "0" * 5000 + ")",
                                  "(1.5)", "({1: 2})", "[Click](https://example.com)"])
def test_text_that_is_no_number_stays_text_for_the_plan_to_refuse(text):
    layer = from_record({"layer": "conv", "out": "6", "kernel_size": text})
    assert layer.kernel_size == text.strip().lower()                    # never evaluated, never a crash
    assert "kernel_size must be a whole number" in plan((1, 32, 32), [layer])[0].error


@FAST
@given(st.sampled_from(list(KINDS)), st.sampled_from(COLUMNS), st.text(max_size=40) | st.sampled_from(
    ["(((", "((1,2),(3,4))", "(1,,2)", "(\xa0)", "0 1", "1,2,3", "9" * 40, "-1", "nan", "same", "(1, 2)"]))
def test_any_text_in_any_column_plans_without_raising(name, column, text):
    layers = [from_record({"layer": name, column: text}), *PRESETS["LeNet-5"].layers[1:3]]
    steps = plan((1, 32, 32), layers)
    assert len(plan_rows(steps)) == 3 and plan_summary(steps)
    stack_to_text((1, 32, 32), layers)


def test_what_cannot_be_counted_is_a_dash_and_totals_say_what_they_cover():
    first = plan((1, 32, 32), [Conv(6, 40), Activation("tanh")])
    assert [(r["parameters"], r["multiply–accumulates"]) for r in plan_rows(first)] == [("—", "—")] * 2
    assert plan_summary(first) == {"Output": "?", "Parameters (valid layers only)": "—",
                                   "Multiply–accumulates (valid layers only)": "—", "Receptive field": "—"}
    later = plan((1, 32, 32), [Conv(6, 5), Pool(2, mode="avg"), Conv(16, 20)])
    assert [r["parameters"] for r in plan_rows(later)] == ["156", "0", "—"]
    assert plan_summary(later)["Parameters (valid layers only)"] == "156"
    lenet = PRESETS["LeNet-5"]
    assert plan_summary(plan(lenet.input_shape, lenet.layers)) == {
        "Output": "10", "Parameters": "61,706", "Multiply–accumulates": "416,520", "Receptive field": "16×16"}


@pytest.mark.parametrize("text", ["()", "(())", "((), ())", "(1, ())"])
def test_empty_brackets_in_a_cell_stay_text_for_the_plan_to_refuse(text):
    layer = from_record({"layer": "conv", "out": 8, "kernel_size": 3, "stride": text})
    assert to_record(layer)["stride"] == text
