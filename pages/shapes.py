"""Shape arithmetic: output sizes worked out, a layer-stack planner, and code that rebuilds it."""

import pandas as pd
import streamlit as st

from convviz.arguments import PADDING_WORDS, padding_per_side
from convviz.export import keras_code, pytorch_code
from convviz.figures.shapes import receptive_field_figure, window_figures
from convviz.layers import KINDS, kind, plan
from convviz.presets import PRESETS
from convviz.records import (
    COLUMN_HELP, COLUMNS, compared_with_standard, from_record, last_window, plan_rows, plan_summary, stack_from_text,
    stack_to_text, to_record,
)
from convviz.solvers import OPERATIONS, explain_output_size, input_sizes, output_size, same_padding
from widgets.navigation import require_app
from widgets.presenter import PRESENT_SETTINGS, control_bar, presenting
from widgets.url_state import PageState, Setting, quoted

require_app()
AXES, SUFFIX = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}, ("", "_2", "_3")
FIELDS = {"len": "input size", "k": "kernel", "s": "stride", "p": "padding", "d": "dilation", "opad": "output_padding"}
LIMITS = {"len": Setting(32, low=1, high=4096), "k": Setting(5, low=1, high=64), "s": Setting(1, low=1, high=64),
          "p": Setting(0, low=0, high=64), "d": Setting(1, low=1, high=64), "opad": Setting(0, low=0, high=63)}
STATE = PageState("shapes", present=PRESENT_SETTINGS, page={
    "dims": Setting(2, choices=(1, 2, 3)), "op": Setting("convolution", choices=OPERATIONS),
    "pad_as": Setting("amount", choices=("amount", *PADDING_WORDS)), "ceil": Setting(False),
    "preset": Setting(next(iter(PRESETS)), choices=tuple(PRESETS)), "stack": Setting(""),
    "unit_r": Setting(0, low=0, high=4096), "unit_c": Setting(0, low=0, high=4096),
    **{f + x: LIMITS[f] for f in FIELDS for x in SUFFIX}})
PAGE, PRESENT = STATE.scope("page"), STATE.scope("present")
# Figures shared by every session with the same settings (a class mostly starts from the same presets).
windows = st.cache_resource(max_entries=64, show_spinner=False)(window_figures)


@st.cache_resource(max_entries=64, show_spinner=False)
def field_figure(stack: str, field: int, unit: tuple[int, int]):
    """The receptive-field picture of the stack written as `stack` (cached on that text)."""
    shape, layers = stack_from_text(stack)
    return receptive_field_figure(shape, plan(shape, layers), field, unit)

EDITOR, BASE = PAGE.key("editor"), PAGE.key("base")
PLAIN = {"displayModeBar": False}


def calculator() -> None:
    top = st.columns([1.3, 2, 1.2, 1.2], vertical_alignment="bottom")
    top[0].radio("Axes", (1, 2, 3), **PAGE.bind("dims"), horizontal=True, format_func=lambda n: f"{n}D")
    top[1].radio("Operation", OPERATIONS, **PAGE.bind("op"), horizontal=True)
    op, dims, pad_as = PAGE.value("op"), PAGE.value("dims"), PAGE.value("pad_as")
    top[2].selectbox("Padding", PAGE.settings["pad_as"].choices, **PAGE.bind("pad_as"), disabled=op != "convolution")
    top[3].checkbox("ceil_mode", **PAGE.bind("ceil"), disabled=op != "pooling", help="Round the division up")
    names = [n for n in FIELDS if n != "opad" or op == "transposed"]
    for i, axis in enumerate(AXES[dims]):
        cells = st.columns([0.4, *[1] * len(names)], vertical_alignment="bottom")
        cells[0].markdown(f"### {axis}")
        for cell, n in zip(cells[1:], names):
            cell.number_input(FIELDS[n], LIMITS[n].low, LIMITS[n].high, **PAGE.bind(n + SUFFIX[i]),
                              disabled=n == "p" and op == "convolution" and pad_as != "amount",
                              label_visibility="visible" if i == 0 else "collapsed")
    per = {n: tuple(PAGE.value(n + SUFFIX[i]) for i in range(dims)) for n in FIELDS}
    padding = per["p"] if op != "convolution" or pad_as == "amount" else pad_as
    args = (op, per["len"], per["k"], per["s"], padding, per["d"], PAGE.value("ceil"), per["opad"])
    try:
        worked = explain_output_size(*args)
        st.latex(r"L_{out} = " + worked[0].general)
        for axis, w in zip(AXES[dims], worked):
            st.latex(rf"{axis}_{{out}} = {w.latex}")
        output = output_size(*args)
        pads = padding_per_side(padding, per["k"], per["s"], per["d"])
    except ValueError as exc:
        st.error(str(exc))
        return
    st.markdown(f"## Output: {' × '.join(map(str, output))}")
    for axis, w in ((a, w) for a, w in zip(AXES[dims], worked) if w.note):
        st.info(f"**{axis}**: {w.note}")
    if op != "transposed":
        for i, figure in enumerate(windows(per["len"], per["k"], per["s"], pads, per["d"], output, AXES[dims])):
            st.plotly_chart(figure, key=f"shapes_windows_{i}", config=PLAIN)
    left, right = st.columns(2)
    left.markdown("#### What padding keeps the size?" if op != "transposed" else "")
    right.markdown("#### Which input sizes give this output?")
    for i, axis in enumerate(AXES[dims]):
        if op != "transposed":
            left.markdown(f"**{axis}**: {same_padding(per['len'][i], per['k'][i], per['s'][i], per['d'][i]).text}")
        try:
            sizes = input_sizes(output[i], op, per["k"][i], per["s"][i], padding if isinstance(padding, str)
                                else padding[i], per["d"][i], PAGE.value("ceil"), per["opad"][i])
        except ValueError as exc:
            right.info(f"**{axis}**: {exc}")
            continue
        right.markdown(f"**{axis}**: {sizes.start}{f' to {sizes[-1]}' if len(sizes) > 1 else ''} → {output[i]}")


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
size_tab, stack_tab = st.tabs(["Output size", "Layer stack"])
with size_tab:
    calculator()
with stack_tab:
    planner()
STATE.publish()
