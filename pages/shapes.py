"""Shape arithmetic: output sizes worked out, a layer-stack planner, and code that rebuilds it."""

import pandas as pd
import streamlit as st

from convviz import padding_per_side
from convviz.arguments import PADDING_WORDS
from convviz.export import keras_code, pytorch_code
from convviz.records import COLUMNS, from_record, plan_rows, stack_from_text, stack_to_text, times, to_record
from convviz.figures.shapes import receptive_field_figure, window_figures
from convviz.layers import FUNCTIONS, KINDS, kind, plan, standard_equivalent, totals
from convviz.presets import PRESETS
from convviz.solvers import OPERATIONS, explain_output_size, input_sizes, output_size, same_padding
from widgets.navigation import require_app
from widgets.url_state import PageState, Setting

require_app()
AXES, SUFFIX = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}, ("", "_2", "_3")
FIELDS = {"len": "input size", "k": "kernel", "s": "stride", "p": "padding", "d": "dilation", "opad": "output_padding"}
LIMITS = {"len": Setting(32, low=1, high=4096), "k": Setting(5, low=1, high=64), "s": Setting(1, low=1, high=64),
          "p": Setting(0, low=0, high=64), "d": Setting(1, low=1, high=64), "opad": Setting(0, low=0, high=63)}
STATE = PageState("shapes", page={
    "dims": Setting(2, choices=(1, 2, 3)), "op": Setting("convolution", choices=OPERATIONS),
    "pad_as": Setting("amount", choices=("amount", *PADDING_WORDS)), "ceil": Setting(False),
    "preset": Setting(next(iter(PRESETS)), choices=tuple(PRESETS)), "stack": Setting(""),
    "unit_r": Setting(0, low=0, high=4096), "unit_c": Setting(0, low=0, high=4096),
    **{f + x: LIMITS[f] for f in FIELDS for x in SUFFIX}})
PAGE = STATE.scope("page")
EDITOR, BASE = PAGE.key("editor"), PAGE.key("base")
HELP = {"out": "Output channels (conv) or features (linear); blank in a depthwise conv: as many as come in",
        "kernel_size": "One number, or h,w", "stride": "One number, or h,w; blank in a pool: the kernel size",
        "padding": "A number, valid, same (stride 1), full, or before,after such as 0,1 (Keras's same at stride 2)"}
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
            s = LIMITS[n]
            cell.number_input(FIELDS[n], s.low, s.high, **PAGE.bind(n + SUFFIX[i]),
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
    except ValueError as exc:
        st.error(str(exc))
        return
    st.markdown(f"## Output: {' × '.join(map(str, output))}")
    for axis, w in ((a, w) for a, w in zip(AXES[dims], worked) if w.note):
        st.info(f"**{axis}**: {w.note}")
    if op != "transposed":
        pads = padding_per_side(padding, per["k"], per["s"], per["d"]) if op == "convolution" else [
            (p, p) for p in per["p"]]
        for i, figure in enumerate(window_figures(per["len"], per["k"], per["s"], pads, per["d"], output, AXES[dims])):
            st.plotly_chart(figure, key=f"shapes_windows_{i}", config=PLAIN)
    left, right = st.columns(2)
    left.markdown("#### What padding keeps the size?" if op != "transposed" else "")
    right.markdown("#### Which input sizes give this output?")
    for i, axis in enumerate(AXES[dims]):
        if op != "transposed":
            keep = same_padding(per["len"][i], per["k"][i], per["s"][i], per["d"][i])
            left.markdown(f"**{axis}**: {keep.text}")
        sizes = input_sizes(output[i], op, per["k"][i], per["s"][i], padding if isinstance(padding, str)
                            else padding[i], per["d"][i], PAGE.value("ceil"), per["opad"][i])
        right.markdown(f"**{axis}**: {sizes.start}{f' to {sizes[-1]}' if len(sizes) > 1 else ''} → {output[i]}")


def load_stack() -> None:
    """Start the editor from the link's stack, or else the preset's."""
    preset = PRESETS[PAGE.value("preset")]
    try:
        shape, layers = stack_from_text(PAGE.value("stack") or stack_to_text(preset.input_shape, preset.layers))
    except ValueError as exc:
        st.warning(f"The link's layer stack was ignored ({exc}); showing the preset.")
        shape, layers = preset.input_shape, preset.layers
    st.session_state[BASE] = layers
    for n, v in zip("chw", shape):
        st.session_state[PAGE.key(f"in_{n}")] = v


def choose_preset() -> None:
    for n, v in (("stack", ""), ("unit_r", 0), ("unit_c", 0)):
        PAGE.set(n, v)
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
        **{c: st.column_config.TextColumn(c.replace("_size", ""), help=HELP.get(c)) for c in COLUMNS[:-2]}})
    layers = tuple(filter(None, map(from_record, edited.to_dict("records"))))
    text = stack_to_text(shape, layers)
    PAGE.set("stack", "" if text == stack_to_text(preset.input_shape, preset.layers) else text)
    if layers:
        results(shape, layers, plan(shape, layers))


def results(shape: tuple, layers: tuple, steps: list) -> None:
    rows = pd.DataFrame(plan_rows(steps))
    number = st.column_config.NumberColumn(format="localized")
    st.dataframe(rows.style.apply(lambda r: ["background-color: #ffe3e3" if r["problem"] else ""] * len(r), axis=1),
                 height="content", column_config={"parameters": number, "multiply–accumulates": number})
    parameters, macs = totals(steps)
    spatial = [i for i, s in enumerate(steps) if s.windows and kind(s.layer) not in FUNCTIONS]
    cells = st.columns(4)
    cells[0].metric("Output", times(steps[-1].shape, "?"))
    cells[1].metric("Parameters", f"{parameters:,}")
    cells[2].metric("Multiply–accumulates", f"{macs:,}")
    cells[3].metric("Receptive field", times([f.size for f in steps[spatial[-1]].fields] if spatial else None))
    standard = standard_equivalent(layers)
    if standard != layers and not any(s.error for s in steps):
        other = totals(plan(shape, standard))
        st.info(f"The same shapes with standard convolutions: {other[0]:,} parameters and {other[1]:,} "
                f"multiply–accumulates. Depthwise-separable needs **{parameters / other[0]:.3f}** of the "
                f"parameters and **{macs / other[1]:.3f}** of the multiply–accumulates.")
    if spatial:
        st.markdown(f"#### What one unit of layer {spatial[-1]} ({kind(steps[spatial[-1]].layer)}) sees")
        for cell, n, label, size in zip(st.columns(4), ("unit_r", "unit_c"), ("Row", "Column"),
                                        steps[spatial[-1]].shape[1:]):
            PAGE.clamp(n, 0, size - 1)
            cell.number_input(f"{label} (0–{size - 1})", 0, size - 1, **PAGE.bind(n))
        unit = (PAGE.value("unit_r"), PAGE.value("unit_c"))
        st.plotly_chart(receptive_field_figure(shape, steps, spatial[-1], unit), key="shapes_field", config=PLAIN)
    st.markdown("#### Code that builds this stack")
    try:
        code = pytorch_code(shape, layers), keras_code(shape, layers)
    except ValueError as exc:
        st.info(f"No code while a layer is impossible: {exc}")
        return
    for tab, text in zip(st.tabs(["PyTorch", "Keras"]), code):
        tab.code(text, language="python")


for notice in STATE.restore():
    st.warning(notice)
st.title("Shape arithmetic")
st.caption("Why 32 becomes 28, what “same” means at stride 2, and how far one unit of a network sees.")
size_tab, stack_tab = st.tabs(["Output size", "Layer stack"])
with size_tab:
    calculator()
with stack_tab:
    planner()
STATE.publish()
