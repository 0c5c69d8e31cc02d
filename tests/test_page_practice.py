"""The Practice page, run headless with AppTest: links, answering, the score, and garbage of every kind."""

from __future__ import annotations

import random

import fuzz_inputs
import pytest
from apptest import open_page, open_page_alone
from fuzz_harness import Trail, act, nodes
from fuzz_inputs import offers, state_array
from fuzz_leaks import HOSTILE, leaks
from streamlit.testing.v1 import AppTest

from convviz.answers import ChoiceAnswer
from convviz.practice import KINDS, practice_set

PAGE = "pages/practice.py"
TRAP_LINK = {"seed": "3", "level": "standard"}        # its output-size exercise is the classic 5×5 trap


def box(qid: str) -> str:
    return f"practice.card.{qid}"


def answer(at: AppTest, qid: str, text: str | None) -> AppTest:
    """Type (or pick) an answer and press Check, as the browser does."""
    widget = at.get_by_key(box(qid))
    if text is not None:
        widget.set_value(text)
    at.button(key=f"FormSubmitter:{box(qid)}.form-Check").click()
    return at.run()


def score(at: AppTest) -> tuple[str, str]:
    values = {m.label: m.value for m in at.metric}
    return values["Answered this session"], values["Right"]


def count(at: AppTest, kind: str) -> int:
    return sum(getattr(n, "type", "") == kind for n in nodes(at))


def texts(at: AppTest) -> list[str]:
    """What the page says, in order (its words, formulas and grids of numbers)."""
    return [e.value for kind in ("subheader", "markdown", "caption") for e in getattr(at, kind)] + [
        n.proto.body for n in nodes(at) if getattr(n, "type", "") == "html"]


def test_the_page_loads_through_the_app_and_alone():
    for at in (open_page(PAGE), open_page_alone(PAGE)):
        assert not at.exception and not at.error and not at.warning
        assert [s.value for s in at.subheader] == [f"{n}. {ex.title}" for n, ex in
                                                   enumerate(practice_set(1, "warm-up"), start=1)]
        assert score(at) == ("0", "—")
        assert len(at.text_input) == 8 and len(at.radio) == 1
        assert count(at, "html") == 3 and count(at, "image") == 2       # three grids of numbers; picture and map


def test_a_link_gives_the_same_questions_every_time_and_another_seed_others():
    first = open_page(PAGE, {"seed": "42", "level": "tricky"})
    second = open_page_alone(PAGE, {"seed": "42", "level": "tricky"})
    assert not first.exception and not second.exception
    assert texts(first) == texts(second)
    assert first.segmented_control(key="practice.page.level").value == "tricky"
    assert first.number_input(key="practice.page.seed").value == 42
    assert texts(open_page_alone(PAGE, {"seed": "43", "level": "tricky"})) != texts(first)
    assert texts(open_page_alone(PAGE, {"seed": "42", "level": "standard"})) != texts(first)


def test_new_set_and_the_level_go_into_the_link():
    at = open_page_alone(PAGE)
    before = texts(at)
    at.button(key="practice.page.new").click().run()
    seed = at.number_input(key="practice.page.seed").value
    assert not at.exception and dict(at.query_params) == {"seed": str(seed)}
    assert texts(at) != before
    at.segmented_control(key="practice.page.level").set_value("tricky").run()
    link = dict(at.query_params)
    assert link == {"seed": str(seed), "level": "tricky"}
    assert texts(open_page_alone(PAGE, link)) == texts(at)


def test_a_right_answer_counts_and_shows_the_worked_solution_and_can_be_tried_again():
    at = open_page_alone(PAGE, TRAP_LINK)
    qid = "standard.3.output_size.size"
    answer(at, qid, " 3 × 3 ")
    assert not at.exception and score(at) == ("1", "1 of 1")
    assert any(s.value == "Right: 3 × 3." for s in at.success)
    worked = next(m.value for m in at.markdown if m.value.startswith("**Worked solution**"))
    assert "`⌊(5 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 2 + 1 = 3`" in worked
    assert "a published tutorial says 2×2" in worked
    with pytest.raises(KeyError):
        at.get_by_key(box(qid))                                  # answered: the box gives way to the verdict
    at.button(key=box(f"{qid}.retry")).click().run()
    assert score(at) == ("0", "—") and at.text_input(key=box(qid)).value == ""
    answer(at, qid, "2x2")
    assert score(at) == ("1", "0 of 1")
    assert any(w.value == "Not quite: you answered `2x2`; the answer is 3 × 3." for w in at.warning)
    assert any(m.value.startswith("**Worked solution**") for m in at.markdown)


def test_every_answer_of_a_set_typed_right_scores_full_marks_across_levels():
    at = open_page_alone(PAGE, {"seed": "5", "level": "tricky"})
    total = 0
    for level in ("tricky", "warm-up"):
        if level != "tricky":
            at.segmented_control(key="practice.page.level").set_value(level).run()
        for exercise in practice_set(5, level):
            for question in exercise.questions:
                a = question.answer
                text = a.letters[a.correct] if isinstance(a, ChoiceAnswer) else a.shown
                answer(at, f"{level}.5.{exercise.kind}.{question.name}", text)
                total += 1
                assert not at.exception and score(at) == (str(total), f"{total} of {total}")
    assert len(at.success) == sum(len(ex.questions) for ex in practice_set(5, "warm-up"))
    at.button(key="practice.page.reset").click().run()
    assert score(at) == ("0", "—")


def test_a_wrong_choice_names_both_kernels_and_no_choice_is_not_counted():
    at = open_page_alone(PAGE, TRAP_LINK)
    qid = "standard.3.which_kernel.choice"
    answer(at, qid, None)
    assert any(i.value.startswith("Nothing was counted: pick one of the options first") for i in at.info)
    assert score(at) == ("0", "—")
    question = next(ex for ex in practice_set(3, "standard") if ex.kind == "which_kernel").questions[0]
    wrong = next(i for i in range(4) if i != question.answer.correct)
    answer(at, qid, question.answer.letters[wrong])
    assert score(at) == ("1", "0 of 1")
    assert any(f"({question.answer.options[wrong]}); the answer is {question.answer.shown}" in w.value
               for w in at.warning)
    assert count(at, "image") == 6                                # the picture and the map, then all four maps


@pytest.mark.parametrize("garbage", ["", "   ", "abc", "nan", "inf", "-inf", "1e309", "9" * 40, "3x3x3", "½", "\x00",
                                      HOSTILE[0], HOSTILE[1], HOSTILE[6], HOSTILE[8]])
def test_garbage_answers_get_a_calm_message_and_count_nothing(garbage):
    at = open_page_alone(PAGE, TRAP_LINK)
    for qid in ("standard.3.output_size.size", "standard.3.parameters.macs"):
        answer(at, qid, garbage)
        assert not at.exception and not at.error
        assert score(at) in (("0", "—"), ("1", "0 of 1"), ("2", "0 of 2"))
    notes = [i.value for i in at.info if "counted" in i.value]
    assert score(at) == ("0", "—") and len(notes) == 2
    if garbage in HOSTILE:
        assert not leaks(at, garbage)


@pytest.mark.parametrize("link", [
    {"seed": "-1"}, {"seed": "abc"}, {"seed": "1e9"}, {"seed": "1000000"}, {"seed": ""}, {"seed": "3.5"},
    {"level": "expert"}, {"level": ""}, {"level": "Tricky"}, {"topics": "pooling+magic"}, {"topics": "pooling+pooling"},
    {"seed": HOSTILE[0], "level": HOSTILE[1]}, {"seed": HOSTILE[8], "topics": HOSTILE[3]},
])
def test_garbage_in_the_link_falls_back_with_a_notice(link):
    at = open_page_alone(PAGE, link)
    assert not at.exception and not at.error
    assert len(at.warning) == len(link) and all("was ignored" in w.value for w in at.warning)
    assert len(at.subheader) == len(KINDS)
    for value in set(link.values()) & set(HOSTILE):
        assert not leaks(at, value)


def test_topics_choose_the_exercises_and_none_asks_for_one():
    at = open_page_alone(PAGE, {"topics": "transposed+pooling"})
    assert [s.value for s in at.subheader] == ["1. Pooling", "2. Transposed convolution"]
    at.pills(key="practice.page.topics").set_value([]).run()
    assert not at.exception and not at.subheader
    assert any(i.value.startswith("Pick at least one topic") for i in at.info)


def test_a_random_walk_never_raises(monkeypatch):
    """Any control, any value, any garbage typed, any button (Check, Try again, New set…), in a seeded order.

    The fuzzer's walks know single-choice pills only; the topics are multiple-choice pills, so
    they are given subsets of their options here.
    """
    single = fuzz_inputs.option_states

    def with_multiple_pills(rng: random.Random, w) -> list:
        if w.type != "button_group" or w.proto.click_mode == w.proto.ClickMode.SINGLE_SELECT:
            return single(rng, w)
        options = list(w.options)
        subsets = [[], options, *([o] for o in options), rng.sample(options, 3)]
        return [(repr(s), state_array(w.id, s)) for s in subsets]

    monkeypatch.setattr(fuzz_inputs, "option_states", with_multiple_pills)
    random.seed("practice walk")                   # New set draws its seed from here: the walk replays
    rng, trail = random.Random("practice"), Trail("walk practice")
    at = open_page_alone(PAGE, {"level": "tricky"})
    for _ in range(40):
        offered = offers(rng, at, "practice", set())
        control = rng.choice(sorted(offered))
        act(at, rng.choice(offered[control]), trail)
    trail.done()
