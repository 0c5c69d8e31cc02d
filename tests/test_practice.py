"""Practice exercises (convviz.practice and the modules it draws on) and the reading of answers (convviz.answers).

Every kind at every level is generated for 200 seeds and checked three ways: the answer
is accepted in each of its equivalent spellings and near misses are not; the numbers in
the task, read back from its text, give the same answer through an independent route (the
engine's real convolution and pooling, or the formula written out here); and the worked
solution ends at the answer it explains.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from math import prod

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz.answers import ChoiceAnswer, NumberAnswer, SizeAnswer, parse_number, parse_size
from convviz.conv import conv2d, conv_transpose2d
from convviz.exercises import LEVELS, Exercise
from convviz.kernel_tools import flip_kernel
from convviz.kernels import make_kernel
from convviz.pooling import avg_pool2d, max_pool2d
from convviz.practice import KINDS, MAX_SEED, make_exercise, practice_set

SEEDS = range(200)
TRAP = "A `Conv2d(…, kernel_size=3, stride=2, padding=1)` takes an input of 5×5."


def spellings(answer) -> list[str]:
    """Every way a student may write the right answer."""
    if isinstance(answer, SizeAnswer):
        h, w = answer.value
        forms = [f"{h}x{w}", f"{h}×{w}", f" {h} x {w} ", f"({h}, {w})", f"{h},{w}", f"{h} X {w}", f"[{h}, {w}]",
                 f"{h} by {w}", f"torch.Size([{h}, {w}])"]
        return forms + ([f"{h}", f" {h} ", f"{h}.0"] if h == w else [])
    if isinstance(answer, NumberAnswer):
        v = answer.value
        if not answer.whole:
            return [f"{v:.2f}", f"{v:.6f}", f" {v:.3f} ", f"{v:.2f}".replace("-", "−")]
        n = int(v)
        forms = [str(n), f"{n}.0", f" {n} ", str(n).replace("-", "−"), f"{n:,}", f"{n:_}", f"+{n}" if n > 0 else str(n)]
        return forms + ([f"{n:,}".replace(",", " ")] if abs(n) >= 1000 else [])
    letter = answer.letters[answer.correct]
    return [letter, letter.lower(), f" {letter} ", answer.options[answer.correct],
            answer.options[answer.correct].upper()]


def near_misses(answer) -> list[str]:
    """Answers one step off, each of which must be refused."""
    if isinstance(answer, SizeAnswer):
        h, w = answer.value
        return [f"{h + 1}x{w}", f"{h}x{w + 1}", f"{h - 1}x{w - 1}", *([f"{w}x{h}"] if h != w else [])]
    if isinstance(answer, NumberAnswer):
        v = answer.value
        return [str(v + 1), str(v - 1), *([str(-v)] if v else []), *([] if answer.whole else [f"{v + 0.02:.2f}"])]
    return [letter for i, letter in enumerate(answer.letters) if i != answer.correct]


def number(pattern: str, text: str, default: int | None = None) -> int:
    found = re.search(pattern, text)
    return int(found.group(1).replace("−", "-")) if found else default


def size_of(text: str) -> tuple[int, int]:
    h, w = re.search(r"input of (\d+)×(\d+)", text).groups()
    return int(h), int(w)


def recompute(ex: Exercise) -> list:
    """The answers of `ex`, from the numbers its text and pictures give, by another route than the generator's."""
    t = ex.task
    if ex.kind == "conv_cell":
        x, w = ex.panels[0].values, ex.panels[1].values
        stride, padding = number(r"stride (\d+)", t), number(r"padding (\d+)", t)
        dilation, bias = number(r"dilation (\d+)", t, 1), number(r"bias (−?\d+)", t, 0)
        r, c = map(int, re.search(r"row (\d+), column (\d+)", ex.questions[0].prompt).groups())
        out = conv2d(x[None], w[None, None], np.array([float(bias)]), stride, padding, dilation)
        return [out[0, r, c]]
    if ex.kind == "pooling":
        x = ex.panels[0].values
        k, stride, padding = (number(rf"{n}=(\d+)", t) for n in ("kernel_size", "stride", "padding"))
        ceil_mode = "ceil_mode=True" in t
        pool = max_pool2d if t.startswith("`max") else avg_pool2d
        out = pool(x[None], k, stride, padding, ceil_mode=ceil_mode)[0]
        r, c = map(int, re.search(r"row (\d+), column (\d+)", ex.questions[1].prompt).groups())
        return [out.shape, out[r, c]]
    if ex.kind in ("output_size", "transposed"):
        kernel = re.search(r"kernel_size=(\(\d+, \d+\)|\d+)", t).group(1)
        kernel = tuple(map(int, re.findall(r"\d+", kernel))) * (1 if "(" in kernel else 2)
        stride, padding = number(r"stride=(\d+)", t, 1), number(r"\bpadding=(\d+)", t, 0)
        dilation, extra = number(r"dilation=(\d+)", t, 1), number(r"output_padding=(\d+)", t, 0)
        x = np.zeros((1, *size_of(t)))
        if ex.kind == "output_size":
            return [conv2d(x, np.zeros((1, 1, *kernel)), None, stride, padding, dilation).shape[1:]]
        return [conv_transpose2d(x, np.zeros((1, 1, *kernel)), None, stride, padding, extra, 1, dilation).shape[1:]]
    if ex.kind == "receptive_field":
        size, jump = 1, 1
        for line in re.findall(r"^\d+\. (.*)$", t, re.M):
            k = int(re.search(r"(\d+)×", line).group(1))
            size += number(r"dilation (\d+)", line, 1) * (k - 1) * jump
            jump *= number(r"stride (\d+)", line, 1)
        return [(size, size)]
    if ex.kind == "parameters":
        c_in, c_out, k = (number(rf"{n}=(\d+)", t) for n in ("in_channels", "out_channels", "kernel_size"))
        stride, padding, groups = number(r"stride=(\d+)", t, 1), number(r"padding=(\d+)", t, 0), number(
            r"groups=(\d+)", t, 1)
        side = int(re.search(r"input of \d+×(\d+)×", t).group(1))
        out = (side + 2 * padding - k) // stride + 1
        weights = c_out * (c_in // groups) * k * k
        return [weights + (c_out if "bias=True" in t else 0), weights * out * out]
    names = [p.caption.split(": ", 1)[1] for p in ex.panels[2:]]
    picture, shown = ex.panels[0].values, ex.panels[1].values
    matches = [i for i, p in enumerate(ex.panels[2:]) if np.allclose(conv2d(picture[None], p.values[None, None])[0],
                                                                       shown, atol=1e-3)]
    assert len(matches) == 1, f"{len(matches)} of the kernels {names} make the map shown"
    return [matches[0]]


def expected(question) -> object:
    a = question.answer
    return a.value if isinstance(a, (SizeAnswer, NumberAnswer)) else a.correct


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_exercise_is_valid_and_takes_its_answer_in_every_spelling(kind, level):
    different = set()
    for seed in SEEDS:
        ex = make_exercise(kind, seed, level)
        different.add(digest([ex]))
        assert ex.kind == kind and ex.title and ex.task and ex.hint and ex.questions
        assert len({q.name for q in ex.questions}) == len(ex.questions)
        for question, again in zip(ex.questions, recompute(ex)):
            answer = question.answer
            got = expected(question)
            assert np.allclose(got, again), f"seed {seed}: the answer is {got}, the task's numbers give {again}"
            for form in spellings(answer):
                assert answer.grade(form), f"seed {seed}: {form!r} refused for {answer.shown}"
            for form in near_misses(answer):
                assert not answer.grade(form), f"seed {seed}: {form!r} accepted for {answer.shown}"
            solution = " ".join(question.solution)
            if isinstance(answer, SizeAnswer):
                assert min(answer.value) >= 1
                assert all(re.search(rf"[=→] {v}\b", solution) for v in answer.value), solution
            else:
                assert answer.shown.split(" (")[0] in solution, (answer.shown, solution)
    assert len(different) >= 20, "too few different exercises"


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "which_kernel"])
def test_the_warm_up_is_done_by_hand(kind):
    """Small numbers everywhere: in the text, in the grids, in the answers."""
    for seed in SEEDS:
        ex = make_exercise(kind, seed, "warm-up")
        assert max(map(int, re.findall(r"\d+", ex.task))) <= 16, ex.task
        for panel in ex.panels:
            assert max(panel.values.shape) <= 6 and np.abs(panel.values).max() <= 9
        for question in ex.questions:
            assert np.abs(expected(question)).max() <= 5000, (ex.task, question.answer.shown)
            assert isinstance(question.answer, SizeAnswer) or question.answer.whole


def test_the_classic_trap_appears_and_its_answer_is_3x3():
    traps = [(level, seed) for level in LEVELS for seed in SEEDS
             if make_exercise("output_size", seed, level).task == TRAP]
    assert {level for level, _ in traps} == {"standard", "tricky"}
    level, seed = traps[0]
    question = make_exercise("output_size", seed, level).questions[0]
    assert question.answer.value == (3, 3)
    assert question.answer.grade("3×3") and not question.answer.grade("2×2") and not question.answer.grade("2")
    assert "a published tutorial says 2×2" in " ".join(question.solution)
    assert "⌊(5 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 2 + 1 = 3" in question.solution[0]


def digest(exercises) -> str:
    """Everything a student sees of a set (texts, numbers, pictures), as one hash."""
    h = hashlib.sha256()
    for ex in exercises:
        h.update("|".join((ex.task, ex.hint)).encode())
        for q in ex.questions:
            h.update("|".join((q.prompt, q.answer.shown, *q.solution)).encode())
        for panel in ex.panels + tuple(p for q in ex.questions for p in q.panels):
            h.update(panel.caption.encode() + np.ascontiguousarray(panel.values).tobytes())
    return h.hexdigest()


def test_the_same_seed_and_level_give_the_same_set_in_every_process():
    here = {level: digest(practice_set(42, level)) for level in LEVELS}
    script = ("import sys; sys.path[:0] = ['tests', '.']; from test_practice import digest; "
              "from convviz.practice import practice_set; print(digest(practice_set(42, sys.argv[1])))")
    for level in LEVELS:
        there = subprocess.run([sys.executable, "-c", script, level], capture_output=True, text=True, check=True)
        assert there.stdout.strip() == here[level]
    assert digest(practice_set(42, "standard")) == here["standard"]
    assert digest(practice_set(43, "standard")) != here["standard"]
    assert len(set(here.values())) == 3


def test_leaving_kinds_out_changes_none_of_the_others():
    whole = practice_set(9, "tricky")
    some = practice_set(9, "tricky", kinds=("transposed", "pooling"))
    assert [ex.kind for ex in some] == ["pooling", "transposed"]
    assert digest(some) == digest([whole[2], whole[6]])


@pytest.mark.parametrize("call, error, match", [
    (lambda: make_exercise("division", 1, "standard"), ValueError, "kind must be one of conv_cell"),
    (lambda: make_exercise("pooling", 1, "hard"), ValueError, "level must be one of warm-up, standard, tricky"),
    (lambda: make_exercise("pooling", -1, "tricky"), ValueError, f"seed must be from 0 to {MAX_SEED}; got -1"),
    (lambda: make_exercise("pooling", MAX_SEED + 1, "tricky"), ValueError, "seed must be from 0"),
    (lambda: make_exercise("pooling", "3", "tricky"), TypeError, "seed must be a whole number"),
    (lambda: practice_set(1, "standard", kinds=("pooling", "magic")), ValueError, "got 'magic'"),
])
def test_bad_arguments_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_the_tricky_kernels_differ_by_their_sign():
    """Each tricky choice holds a kernel beside itself turned 180°; for an edge detector that flips every sign."""
    for seed in range(20):
        names = [p.caption.split(": ", 1)[1] for p in make_exercise("which_kernel", seed, "tricky").panels[2:]]
        turned = [n.removesuffix(", turned 180°") for n in names if n.endswith(", turned 180°")]
        assert turned and set(turned) <= set(names), names
    sobel = make_kernel("sobel_x")
    assert np.array_equal(flip_kernel(sobel), -sobel)


# ---------------------------------------------------------------------------------------------
# Reading answers

@pytest.mark.parametrize("text, value", [
    ("12", 12), ("-12", -12), ("−12", -12), ("–12", -12), ("12.0", 12), (" 12 ", 12), ("+12", 12), ("１２", 12),
    ("1,792", 1792), ("10,368,000", 10368000), ("10 368", 10368), ("1_792", 1792), ("1/4", 0.25), ("−3/4", -0.75),
    ("2.25", 2.25), ("1e3", 1000), (".5", 0.5),
])
def test_numbers_are_read_in_every_common_spelling(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text, match", [
    ("", "the answer is empty"), ("   ", "the answer is empty"), ("1" * 61, "longer than any answer"),
    ("twelve", "that is not a number"), ("12 apples", "that is not a number"), ("0x10", "that is not a number"),
    ("nan", "not a finite number"), ("inf", "not a finite number"), ("-inf", "not a finite number"),
    ("1e309", "not a finite number"), ("99999999999999999999", "far larger"), ("2,5", "with a point"),
    ("1/0", "0 below the line"), ("999999999999/0.000001", "far larger"), ("1e3/2", "not a number"),
])
def test_text_that_is_not_a_number_is_refused_calmly(text, match):
    with pytest.raises(ValueError, match=match):
        parse_number(text)


@pytest.mark.parametrize("text, match", [
    ("", "the answer is empty"), ("()", "holds no numbers"), ("three by three", "that is not a size"),
    ("3x", "that is not a size"), ("-3x3", "never negative"), ("3.5x3", "whole numbers"),
    ("3x3x3", "has 2 numbers .height × width., but 3 were typed"), ("9" * 20, "far larger"),
    ("nan", "that is not a size"), ("inf", "that is not a size"), ("", "the answer is empty"),
])
def test_text_that_is_not_a_size_is_refused_calmly(text, match):
    with pytest.raises(ValueError, match=match):
        parse_size(text, 2)


def test_tolerance_is_for_fractions_only():
    third = NumberAnswer(1 / 3)
    assert third.grade("0.33") and third.grade("0.333") and third.grade("1/3") and not third.grade("0.34")
    assert third.shown == "0.33"
    twelve = NumberAnswer(12.0)
    assert twelve.grade("12.0") and not twelve.grade("12.004") and not twelve.grade("12.5")
    assert NumberAnswer(-12.0).shown == "−12" and NumberAnswer(18432).shown == "18,432"


def test_a_single_number_is_a_square_size_and_a_choice_takes_its_letter_or_its_name():
    assert SizeAnswer((3, 3)).grade("3") and not SizeAnswer((3, 4)).grade("3")
    choice = ChoiceAnswer(("Sobel x", "Box blur", "Emboss", "Sobel y"), 2)
    assert choice.grade("C") and choice.grade("emboss") and not choice.grade("A") and choice.shown == "C (Emboss)"
    with pytest.raises(ValueError, match="pick one of the options, A, B, C or D"):
        choice.grade("E")


ANSWERS = [NumberAnswer(12.0), NumberAnswer(-2.25), SizeAnswer((3, 3)), SizeAnswer((21, 13)),
           ChoiceAnswer(("Sobel x", "Box blur", "Emboss", "Sobel y"), 0)]


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), st.text(alphabet="0123456789.,-−+x×()[] /eEnaif_", max_size=30)),
       answer=st.sampled_from(ANSWERS))
def test_any_text_is_either_judged_or_refused_with_a_sentence(text, answer):
    try:
        verdict = answer.grade(text)
    except ValueError as exc:
        message = str(exc)
        assert 10 < len(message) < 120 and message[0].islower() and "\n" not in message
        return
    assert isinstance(verdict, bool)


def test_the_parameter_count_matches_the_formula_for_depthwise_layers():
    depthwise = [ex for ex in (make_exercise("parameters", s, "tricky") for s in SEEDS) if "depthwise" in
                 ex.questions[0].solution[0]]
    assert depthwise, "the tricky level never asks about a depthwise layer"
    for ex in depthwise:
        c_in, k = number(r"in_channels=(\d+)", ex.task), number(r"kernel_size=(\d+)", ex.task)
        c_out = number(r"out_channels=(\d+)", ex.task)
        assert ex.questions[0].answer.value == c_out * prod((1, k, k)) + (c_out if "bias=True" in ex.task else 0)
        assert number(r"groups=(\d+)", ex.task) == c_in
