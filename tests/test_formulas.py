"""Tests for convviz.formulas: the worked text, LaTeX, notes and problems of each output-size formula."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from convviz.formulas import conv_axis, num, pool_axis, transpose_axis
from strategies import FAST


def test_the_issue_example_is_written_out_exactly():
    w = conv_axis(32, kernel_size=5, stride=2, before=2, after=2)
    assert w.value == 16
    assert w.text == "⌊(32 + 2·2 − 1·(5 − 1) − 1) / 2⌋ + 1 = ⌊31 / 2⌋ + 1 = 15 + 1 = 16"
    assert w.latex == (r"\left\lfloor\frac{32 + 2\cdot 2 - 1\cdot(5 - 1) - 1}{2}\right\rfloor + 1"
                       r" = \left\lfloor\frac{31}{2}\right\rfloor + 1 = 16")
    assert w.general == r"\left\lfloor\frac{L_{in} + p_{before} + p_{after} - d\cdot(k - 1) - 1}{s}\right\rfloor + 1"
    assert (w.unreached, w.problem) == (1, "")


def test_the_issue_example_skips_only_padding():
    # the last window starts at padded position 30 and reads 30…34, i.e. input 28…32: the last
    # input position, 31, is read; only the final padding position goes unread
    assert conv_axis(32, kernel_size=5, stride=2, before=2, after=2).note == (
        "31 / 2 is not exact (remainder 1): the last window stops 1 position short of the end of the "
        "padded input, so what it skips there is only padding.")


def test_uneven_padding_is_written_as_a_sum():
    w = conv_axis(5, kernel_size=2, stride=1, before=0, after=1)
    assert w.text == "⌊(5 + 0 + 1 − 1·(2 − 1) − 1) / 1⌋ + 1 = ⌊4 / 1⌋ + 1 = 4 + 1 = 5"


def test_negative_numbers_use_a_true_minus_sign():
    assert num(-3) == "−3" and num(0) == "0" and num(12) == "12"
    w = conv_axis(5, kernel_size=7, stride=1, before=0, after=0)
    assert w.text == "⌊(5 + 2·0 − 1·(7 − 1) − 1) / 1⌋ + 1 = ⌊−2 / 1⌋ + 1 = −2 + 1 = −1"
    assert w.problem == "the kernel spans 7 positions but the padded input has only 5"


def test_exact_division_has_no_note():
    w = conv_axis(7, kernel_size=3, stride=2, before=0, after=0)
    assert (w.value, w.unreached, w.note, w.problem) == (3, 0, "", "")


def test_an_inexact_division_names_the_input_rows_never_read():
    w = conv_axis(6, kernel_size=3, stride=2, before=0, after=0)
    assert w.note == ("3 / 2 is not exact (remainder 1): the last window stops 1 position short of the end of "
                      "the padded input, so input position 5 (counting from 0) is never read.")
    assert "input positions 5–6 (counting from 0) are never read" in conv_axis(7, 2, 3, 0, 0).note


def test_an_inexact_division_that_only_skips_padding_says_so():
    # windows start at −1, 1 and 3 and read −1…4: all of the input, only the right padding (5) is skipped
    note = conv_axis(5, kernel_size=2, stride=2, before=1, after=1).note
    assert "what it skips there is only padding" in note


def _trailing_unread(size: int, kernel: int, stride: int, before: int, after: int, dilation: int, windows: int):
    """Padded positions after the last position any window reads, and which of them are input."""
    last = max((windows - 1) * stride + t * dilation for t in range(kernel))
    trailing = list(range(last + 1, size + before + after))
    return len(trailing), [i - before for i in trailing if 0 <= i - before < size]


def _expected_note_ending(real: list[int]) -> str:
    if not real:
        return "what it skips there is only padding."
    if len(real) == 1:
        return f"input position {real[0]} (counting from 0) is never read."
    return f"input positions {real[0]}–{real[-1]} (counting from 0) are never read."


@FAST
@given(st.integers(1, 12), st.integers(1, 4), st.integers(1, 4), st.integers(0, 3), st.integers(0, 3),
       st.integers(1, 3))
def test_the_note_counts_and_names_the_positions_after_the_last_window(size, kernel, stride, before, after, dilation):
    w = conv_axis(size, kernel, stride, before, after, dilation)
    if w.problem:
        return
    unreached, real = _trailing_unread(size, kernel, stride, before, after, dilation, w.value)
    assert w.unreached == unreached
    assert w.note.endswith(_expected_note_ending(real)) if unreached else w.note == ""


@FAST
@given(st.integers(1, 12), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2), st.integers(1, 3))
def test_pool_notes_name_the_positions_after_the_last_window(size, kernel, stride, padding, dilation):
    w = pool_axis(size, kernel, stride, padding, dilation)
    if w.problem:
        return
    unreached, real = _trailing_unread(size, kernel, stride, padding, padding, dilation, w.value)
    assert w.unreached == unreached
    assert w.note.endswith(_expected_note_ending(real)) if unreached else w.note == ""


def test_pool_ceil_mode_rounds_up_and_drops_a_window_starting_in_the_padding():
    w = pool_axis(5, kernel_size=2, stride=2, padding=0, ceil_mode=True)
    assert (w.value, w.text) == (3, "⌈(5 + 2·0 − 1·(2 − 1) − 1) / 2⌉ + 1 = ⌈3 / 2⌉ + 1 = 3")
    assert w.note == "Rounding up keeps a last, partial window that hangs over the end of the input."
    w = pool_axis(5, kernel_size=2, stride=2, padding=1, ceil_mode=True)
    assert w.value == 3 and w.text.endswith("= ⌈5 / 2⌉ + 1 = 4 → 3") and w.latex.endswith(r"\to 3")
    assert w.note == ("Rounding up would add a window starting at position 6, inside the right padding, "
                      "so it is dropped (PyTorch's rule).")
    assert r"\left\lceil" in w.general


def test_pool_problems():
    assert pool_axis(4, kernel_size=3, stride=1, padding=2).problem == (
        "padding 2 is more than half the kernel size 3 (at most 1), so a window could see nothing but padding")
    assert pool_axis(2, kernel_size=3, stride=1, padding=0).problem == (
        "the window spans 3 positions but the padded input has only 2")


def test_transpose_text_and_problems():
    w = transpose_axis(3, kernel_size=3, stride=2, padding=1, output_padding=1)
    assert (w.value, w.text) == (6, "(3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6")
    assert w.latex == r"(3 - 1)\cdot 2 - 2\cdot 1 + 1\cdot(3 - 1) + 1 + 1 = 6" and w.problem == ""
    assert transpose_axis(3, 3, stride=1, padding=0, output_padding=1).problem.startswith(
        "output_padding (1) must be smaller than the stride (1) or the dilation (1)")
    assert transpose_axis(3, 3, stride=1, padding=0, output_padding=1, dilation=2).problem == ""
    w = transpose_axis(1, 1, stride=1, padding=1)
    assert w.value == -1 and w.text.endswith("= −1")
    assert w.problem == "the padding (1 on each side) removes more than the 1 positions there are"


@FAST
@given(st.integers(1, 40), st.integers(1, 7), st.integers(1, 4), st.integers(0, 4), st.integers(0, 4),
       st.integers(1, 3))
def test_the_text_ends_with_the_value_and_the_numbers_add_up(size, kernel, stride, before, after, dilation):
    w = conv_axis(size, kernel, stride, before, after, dilation)
    assert w.text.endswith(f"= {num(w.value)}") and w.latex.endswith(f"= {w.value}")
    numerator = size + before + after - dilation * (kernel - 1) - 1
    assert w.value == int(np.floor(numerator / stride)) + 1
    assert bool(w.problem) == (w.value < 1)
