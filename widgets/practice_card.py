"""A practice exercise drawn as a card: pictures, a hint, an answer box per question, verdict and solution.

The session's score lives in one dictionary (:data:`SCORE`) of attempts keyed by question:
an answer that cannot be read is noted (:data:`NOTES`) but never counted. Checking and
retrying happen in the buttons' callbacks, before the widgets are drawn again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from convviz.answers import ChoiceAnswer
from convviz.exercises import Exercise, Panel, Question
from convviz.figures.grids import grid_html
from convviz.figures.playground import colour_map
from convviz.walkthrough.text import format_number
from widgets.url_state import Scope, quoted

SCORE = "practice.score"    # {question id: Attempt}, for the whole session
NOTES = "practice.notes"    # {question id: (the text, why it could not be read)}
IMAGE_PX = 140              # on-screen width of a picture or feature map: two fit side by side on a phone


@dataclass(frozen=True)
class Attempt:
    """An answer that was read and judged."""

    text: str
    right: bool


def score() -> tuple[int, int]:
    """How many questions this session has answered, and how many of them right."""
    attempts = st.session_state.get(SCORE, {}).values()
    return len(attempts), sum(a.right for a in attempts)


def reset_score() -> None:
    st.session_state[SCORE] = {}
    st.session_state[NOTES] = {}


def _check(key: str, qid: str, question: Question) -> None:
    text = st.session_state.get(key)
    notes = st.session_state.setdefault(NOTES, {})
    if text is None and isinstance(question.answer, ChoiceAnswer):
        notes[qid] = ("", "pick one of the options first")
        return
    text = "" if text is None else text
    try:
        right = question.answer.grade(text)
    except ValueError as exc:
        notes[qid] = (str(text), str(exc))
        return
    notes.pop(qid, None)
    st.session_state.setdefault(SCORE, {})[qid] = Attempt(str(text), right)


def _retry(key: str, qid: str, choice: bool) -> None:
    st.session_state.get(SCORE, {}).pop(qid, None)
    st.session_state[key] = None if choice else ""


def _pictures(panels: tuple[Panel, ...]) -> None:
    """Number grids in one row of tables, pictures and feature maps in one row of images (both wrap)."""
    grids = [p for p in panels if p.shows == "numbers"]
    images = [p for p in panels if p.shows != "numbers"]
    if images:
        with st.container(horizontal=True, gap="small"):
            for p in images:
                shown = (np.clip(p.values, 0, 255).astype(np.uint8) if p.shows == "pixels"
                         else colour_map(p.values, "stretched")[0])
                st.image(shown, caption=p.caption, width=IMAGE_PX)
    if grids:
        st.html("".join(_grid(p) for p in grids))


def _grid(panel: Panel) -> str:
    """A grid of numbers in pale colours (twice the values' own range), so every number reads easily.

    Padding that max pooling reads as −∞ is written so, and coloured as padding.
    """
    values = panel.values
    finite = np.isfinite(values)
    m = float(np.abs(values[finite]).max()) if finite.any() else 0.0
    text = np.vectorize(format_number, otypes=[str])(values)
    return grid_html(np.where(finite, values, 0.0), text, padded=panel.padded, caption=panel.caption, cell_px=44,
                     zrange=(-2 * m, 2 * m) if m > 0 else (-1.0, 1.0))


def _verdict(attempt: Attempt, question: Question) -> None:
    answer = question.answer
    st.markdown(question.prompt)
    given = quoted(attempt.text)
    if isinstance(answer, ChoiceAnswer) and attempt.text in answer.letters:
        given = f"{attempt.text} ({answer.options[answer.letters.index(attempt.text)]})"
    if attempt.right:
        st.success(f"Right: {answer.shown}.", icon=":material/check_circle:")
    else:
        st.warning(f"Not quite: you answered {given}; the answer is {answer.shown}.", icon=":material/replay:")
    st.markdown("**Worked solution**\n\n" + "\n\n".join(question.solution))
    _pictures(question.panels)


def _question(scope: Scope, qid: str, question: Question) -> None:
    """The answer box and Check, or, once answered, the verdict, the worked solution and Try again."""
    key, answer = scope.key(qid), question.answer
    choice = isinstance(answer, ChoiceAnswer)
    attempt = st.session_state.get(SCORE, {}).get(qid)
    if attempt is not None:
        _verdict(attempt, question)
        st.button("Try again", key=scope.key(f"{qid}.retry"), on_click=_retry, args=(key, qid, choice),
                  icon=":material/refresh:")
        return
    st.markdown(question.prompt)
    with st.form(scope.key(f"{qid}.form"), border=False), st.container(horizontal=True, vertical_alignment="center"):
        if choice:
            names = dict(zip(answer.letters, answer.options))
            st.radio(question.prompt, answer.letters, index=None, key=key, horizontal=True,
                     format_func=lambda letter: f"{letter}: {names[letter]}", label_visibility="collapsed")
        else:
            st.text_input(question.prompt, key=key, width=200, label_visibility="collapsed",
                          placeholder="height x width" if question.name == "size" else "a number")
        st.form_submit_button("Check", on_click=_check, args=(key, qid, question), icon=":material/task_alt:")
    if (note := st.session_state.get(NOTES, {}).get(qid)) is not None:
        text, why = note
        said = f"The answer {quoted(text)} was not counted" if text.strip() else "Nothing was counted"
        st.info(f"{said}: {why}.", icon=":material/edit_note:")


def exercise_card(scope: Scope, exercise: Exercise, number: int, set_name: str) -> None:
    """Draw one exercise; `set_name` (level and seed) keeps each set's answers apart."""
    with st.container(border=True):
        st.subheader(f"{number}. {exercise.title}")
        st.markdown(exercise.task)
        _pictures(exercise.panels)
        with st.expander("Hint", icon=":material/lightbulb:"):
            st.markdown(exercise.hint)
        for question in exercise.questions:
            _question(scope, f"{set_name}.{exercise.kind}.{question.name}", question)
