"""Practice: generated exercises on convolution, checked as they are answered, with worked solutions."""

import random

import streamlit as st

from convviz.exercises import LEVELS
from convviz.practice import KINDS, MAX_SEED, practice_set
from widgets.navigation import require_app
from widgets.practice_card import exercise_card, reset_score, score
from widgets.presenter import PRESENT_SETTINGS, control_bar, presenting
from widgets.url_state import PageState, Setting

require_app()
STATE = PageState("practice", page={
    "seed": Setting(1, low=0, high=MAX_SEED), "level": Setting(LEVELS[0], choices=LEVELS),
    "topics": Setting(tuple(KINDS), choices=tuple(KINDS))}, card={}, present=PRESENT_SETTINGS)
PAGE, CARD, PRESENT = STATE.scope("page"), STATE.scope("card"), STATE.scope("present")
# A set is the same for everyone with the same link, so one copy serves the whole class.
exercises = st.cache_resource(max_entries=64, show_spinner=False)(practice_set)


def new_set() -> None:
    """Another seed, so another set, at the same level."""
    PAGE.set("seed", random.randrange(MAX_SEED + 1))


for notice in STATE.restore():
    st.warning(notice)
present = presenting(PRESENT)
groups = control_bar(PRESENT, ["Set, level and topics"] * present)   # a slide keeps room for the exercise
if not present:
    st.title("Practice")
    st.caption("Exercises made for you and checked as you answer, each with a hint and a worked solution. The link "
               "holds the set number and the level: share it, and a whole class gets the same questions.")
with groups[0] if present else st.container():
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        st.segmented_control("Level", LEVELS, required=True, **PAGE.bind("level"))
        st.number_input("Set number", 0, MAX_SEED, **PAGE.bind("seed"), width=180,
                        help="The same number and level give the same questions.")
        st.button("New set", key=PAGE.key("new"), on_click=new_set, icon=":material/casino:")
    st.pills("Topics", tuple(KINDS), selection_mode="multi", format_func=KINDS.get, **PAGE.bind("topics"))
STATE.publish()

answered, right = score()
with st.container(horizontal=True, vertical_alignment="bottom", gap="large"):
    st.metric("Answered this session", answered, width="content")
    st.metric("Right", f"{right} of {answered}" if answered else "—", width="content")
    st.button("Start the score again", key=PAGE.key("reset"), on_click=reset_score, disabled=not answered,
              icon=":material/restart_alt:")

topics, level, seed = PAGE.value("topics"), PAGE.value("level"), PAGE.value("seed")
if not topics:
    st.info("Pick at least one topic above to get exercises.")
    st.stop()
shown = [exercise for exercise in exercises(seed, level) if exercise.kind in topics]
for number, exercise in enumerate(shown, start=1):
    exercise_card(CARD, exercise, number, f"{level}.{seed}")
