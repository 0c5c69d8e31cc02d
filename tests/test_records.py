"""Tests for convviz.records: a stack as table rows and as link text, read back to the same layers."""

from __future__ import annotations

import pytest
from test_export import CASES

from convviz.layers import Activation, Conv, Pool
from convviz.records import from_record, stack_from_text, stack_to_text, to_record


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
    with pytest.raises(ValueError, match="unknown layer kind 'dense'; choose one of conv, depthwise conv"):
        from_record({"layer": "dense"})


def test_unreadable_text_explains_what_it_expected():
    with pytest.raises(ValueError, match="starts with the input shape C×H×W"):
        stack_from_text("conv:out=3")
    with pytest.raises(ValueError, match="'size=3' in 'conv:size=3' is not column=value"):
        stack_from_text("1x8x8|conv:size=3")
    assert stack_from_text("1×8×8|ReLU") == ((1, 8, 8), (Activation("ReLU"),))
