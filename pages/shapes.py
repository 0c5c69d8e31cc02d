"""Shape arithmetic: output sizes worked out, a layer-stack planner, and code that rebuilds it."""

import pandas as pd
import streamlit as st

from convviz.stack.export import keras_code, pytorch_code
from convviz.figures.shapes import receptive_field_figure
from convviz.stack.layers import KINDS, kind, plan
from convviz.stack.presets import PRESETS
from convviz.stack.records import (
    COLUMN_HELP, COLUMNS, compared_with_standard, from_record, last_window, plan_rows, plan_summary, stack_from_text,
    stack_to_text, to_record,
)
from widgets.navigation import require_app
from widgets.presenter import PRESENT_SETTINGS, control_bar, presenting
from widgets.size_calculator import PLAIN, SIZE_SETTINGS, calculator
from widgets.url_state import Labelled, PageState, Setting, quoted

require_app()
STATE = PageState("shapes", present=PRESENT_SETTINGS, size=SIZE_SETTINGS, page={
    "preset": Setting(next(iter(PRESETS)), choices=tuple(PRESETS)), "stack": Setting(""),
    "unit_r": Setting(0, low=0, high=4096), "unit_c": Setting(0, low=0, high=4096),
    "tab": Labelled.of({"size": "Output size", "stack": "Layer stack"})})
PAGE, PRESENT = STATE.scope("page"), STATE.scope("present")


@st.cache_resource(max_entries=64, show_spinner=False)
def field_figure(stack: str, field: int, unit: tuple[int, int]):
    """The receptive-field picture of the stack written as `stack` (cached on that text)."""
    shape, layers = stack_from_text(stack)
    return receptive_field_figure(shape, plan(shape, layers), field, unit)


EDITOR, BASE = PAGE.key("editor"), PAGE.key("base")


def load_stack() -> None:
    """Start the editor from the link's stack, or else the preset's."""
    preset = PRESETS[PAGE.value("preset")]
    try:
        shape, layers = stack_from_text(PAGE.value("stack") or stack_to_text(preset.input_shape, preset.layers))
    except ValueError as exc:
        st.warning(f"The link's layer stack was ignored ({quoted(exc, 200)}); showing the preset.")
        shape, layers = preset.input_shape, preset.layers
    st.session_state[BASE] = layers
    for n, v in zip("chw", shape):
        st.session_state[PAGE.key(f"in_{n}")] = v


def choose_preset() -> None:
    PAGE.setter(stack="", unit_r=0, unit_c=0)()
    st.session_state.pop(EDITOR, None)


def planner() -> None:
    if EDITOR not in st.session_state:
        load_stack()
    top = st.columns([2, 1, 1, 1])
    top[0].selectbox("Preset", tuple(PRESETS), **PAGE.bind("preset", then=choose_preset))
    shape = tuple(top[i].number_input(f"Input {n}", 1, 4096, key=PAGE.key(f"in_{n.lower()}"))
                  for i, n in enumerate("CHW", start=1))
    preset = PRESETS[PAGE.value("preset")]
    st.caption(preset.note)
    table = pd.DataFrame(map(to_record, st.session_state[BASE]), columns=["layer", *COLUMNS])
    edited = st.data_editor(table, key=EDITOR, num_rows="dynamic", height="content", placeholder="", column_config={
        "layer": st.column_config.SelectboxColumn(options=list(KINDS)),
        **{c: st.column_config.TextColumn(c.replace("_size", ""), help=COLUMN_HELP.get(c)) for c in COLUMNS[:-2]}})
    try:
        layers = tuple(filter(None, map(from_record, edited.to_dict("records"))))
    except ValueError as exc:
        st.error(f"A row of the table cannot be read: {quoted(exc, 200)}")
        return
    text = stack_to_text(shape, layers)
    PAGE.set("stack", "" if text == stack_to_text(preset.input_shape, preset.layers) else text)
    if layers:
        results(shape, layers, plan(shape, layers))


def results(shape: tuple, layers: tuple, steps: list) -> None:
    rows = pd.DataFrame(plan_rows(steps))
    number = st.column_config.TextColumn(alignment="right")
    st.dataframe(rows.style.apply(lambda r: ["background-color: #ffe3e3" if r["problem"] else ""] * len(r), axis=1),
                 height="content", column_config={"parameters": number, "multiply–accumulates": number,
                                                  "problem": st.column_config.TextColumn(width="large")})
    for i, step in ((i, s) for i, s in enumerate(steps) if s.error):
        st.error(f"Layer {i} ({kind(step.layer)}) is impossible: {quoted(step.error, 500)}")
    for cell, (label, value) in zip(st.columns([1, 1.4, 1.9, 1]), plan_summary(steps).items()):   # labels can be long
        cell.metric(label, value)
    if comparison := compared_with_standard(shape, layers, steps):
        st.info(comparison)
    if (field := last_window(steps)) is not None:
        st.markdown(f"#### What one unit of layer {field} ({kind(steps[field].layer)}) sees")
        for cell, n, label, size in zip(st.columns(4), ("unit_r", "unit_c"), ("Row", "Column"), steps[field].shape[1:]):
            last = min(size - 1, PAGE.settings[n].high)           # a huge padding can make a layer huge
            PAGE.clamp(n, 0, last)
            cell.number_input(f"{label} (0–{last})", 0, last, **PAGE.bind(n))
        try:
            figure = field_figure(stack_to_text(shape, layers), field, (PAGE.value("unit_r"), PAGE.value("unit_c")))
            st.plotly_chart(figure, key="shapes_field", config=PLAIN)
        except ValueError as exc:
            st.info(f"No picture: {exc}.")
    st.markdown("#### Code that builds this stack")
    try:
        code = pytorch_code(shape, layers), keras_code(shape, layers)
    except ValueError as exc:
        st.info(f"No code while a layer is impossible: {quoted(exc, 500)}")
        return
    for tab, text in zip(st.tabs(["PyTorch", "Keras"]), code):
        tab.code(text, language="python")


for notice in STATE.restore():
    st.warning(notice)
control_bar(PRESENT, [])
if not presenting(PRESENT):
    st.title("Shape arithmetic")
    st.caption("Why 32 becomes 28, what “same” means at stride 2, and how far one unit of a network sees.")
# Only the open tab runs (the stack's picture and code cost the browser about 0.5 s a page load);
# which one is open is a setting, so a link to a stack opens on it.
size_tab, stack_tab = st.tabs(["Output size", "Layer stack"], **PAGE.bind("tab"))
if size_tab.open:
    with size_tab:
        calculator(STATE.scope("size"), presenting(PRESENT))
if stack_tab.open:
    with stack_tab:
        planner()
STATE.publish()
