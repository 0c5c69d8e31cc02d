"""Sequences (1-D): convolution along words and along time, with every multiply–add shown."""

import streamlit as st

from widgets.navigation import require_app
from widgets.presenter import PRESENT_SETTINGS, control_bar, presenting
from widgets.sequence_causal import CAUSAL_SETTINGS, causal_section
from widgets.sequence_signal import SIGNAL_SETTINGS, signal_section
from widgets.sequence_text import TEXT_SETTINGS, text_section
from widgets.sequence_walk import WALK_SETTINGS, walk_section
from widgets.url_state import PageState, Setting

require_app()
SECTIONS = {"text": "Text", "signal": "Signals", "causal": "Causal and dilated", "walk": "Step by step"}
STATE = PageState("sequences", text=TEXT_SETTINGS, signal=SIGNAL_SETTINGS, causal=CAUSAL_SETTINGS,
                  walk=WALK_SETTINGS, present=PRESENT_SETTINGS,
                  page={"section": Setting("text", choices=tuple(SECTIONS))})
PAGE, PRESENT = STATE.scope("page"), STATE.scope("present")

for notice in STATE.restore():
    st.warning(notice)
present = presenting(PRESENT)
bar = control_bar(PRESENT, ["Settings"] if present else [])   # on a slide the section's widgets fold into a pop-over
controls = (lambda: bar[0]) if present else st.container
if not present:
    st.title("Sequences (1-D)")
    st.caption("A 1-D convolution slides a window along one axis: the words of a sentence, or the samples of a "
               "sound. The arithmetic is the 2-D one with a single row (and one row per channel).")
section = st.segmented_control("Section", tuple(SECTIONS), format_func=SECTIONS.get, required=True,
                               label_visibility="collapsed", **PAGE.bind("section"))
if section == "text":
    text_section(STATE.scope("text"), controls)
elif section == "signal":
    signal_section(STATE.scope("signal"), controls)
elif section == "causal":
    causal_section(STATE.scope("causal"), controls)
else:
    walk_section(STATE.scope("walk"), STATE.scope("text"), controls, present)
STATE.publish()
