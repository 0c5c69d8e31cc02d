"""Shape arithmetic's output-size calculator: the sizes axis by axis, the worked formula, the windows.

URL-backed through :data:`SIZE_SETTINGS` (``len``, ``k``, ``s``, ``p``, ``d``, ``opad``, and
``_2``/``_3`` for the second and third axes). On a slide the controls fold into a pop-over
and the worked formulas sit beside the picture of the windows, so both fit 1280×720.
"""

from __future__ import annotations

import streamlit as st

from convviz.arguments import PADDING_WORDS, padding_per_side
from convviz.figures.shapes import window_figures
from convviz.solvers import OPERATIONS, explain_output_size, input_sizes, output_size, same_padding
from widgets.url_state import Scope, Setting

AXES, SUFFIX = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}, ("", "_2", "_3")
FIELDS = {"len": "input size", "k": "kernel", "s": "stride", "p": "padding", "d": "dilation", "opad": "output_padding"}
LIMITS = {"len": Setting(32, low=1, high=4096), "k": Setting(5, low=1, high=64), "s": Setting(1, low=1, high=64),
          "p": Setting(0, low=0, high=64), "d": Setting(1, low=1, high=64), "opad": Setting(0, low=0, high=63)}
SIZE_SETTINGS = {
    "dims": Setting(2, choices=(1, 2, 3)), "op": Setting("convolution", choices=OPERATIONS),
    "pad_as": Setting("amount", choices=("amount", *PADDING_WORDS)), "ceil": Setting(False),
    **{f + x: LIMITS[f] for f in FIELDS for x in SUFFIX}}
PLAIN = {"displayModeBar": False}
# Figures shared by every session with the same settings (a class mostly starts from the same sizes).
windows = st.cache_resource(max_entries=64, show_spinner=False)(window_figures)


def _controls(scope: Scope) -> None:
    top = st.columns([1.3, 2, 1.2, 1.2], vertical_alignment="bottom")
    top[0].radio("Axes", (1, 2, 3), **scope.bind("dims"), horizontal=True, format_func=lambda n: f"{n}D")
    top[1].radio("Operation", OPERATIONS, **scope.bind("op"), horizontal=True)
    op, pad_as = scope.value("op"), scope.value("pad_as")
    top[2].selectbox("Padding", scope.settings["pad_as"].choices, **scope.bind("pad_as"), disabled=op != "convolution")
    top[3].checkbox("ceil_mode", **scope.bind("ceil"), disabled=op != "pooling", help="Round the division up")
    names = [n for n in FIELDS if n != "opad" or op == "transposed"]
    for i, axis in enumerate(AXES[scope.value("dims")]):
        cells = st.columns([0.4, *[1] * len(names)], vertical_alignment="bottom")
        cells[0].markdown(f"### {axis}")
        for cell, n in zip(cells[1:], names):   # every row labelled: on a phone the rows stack
            cell.number_input(f"{FIELDS[n]} ({axis})", LIMITS[n].low, LIMITS[n].high, **scope.bind(n + SUFFIX[i]),
                              disabled=n == "p" and op == "convolution" and pad_as != "amount")


def calculator(scope: Scope, present: bool) -> None:
    """The controls (in a pop-over on a slide), the worked output size and where the windows fall."""
    with st.popover("Axes, operation and sizes") if present else st.container():
        _controls(scope)
    op, dims, pad_as = scope.value("op"), scope.value("dims"), scope.value("pad_as")
    per = {n: tuple(scope.value(n + SUFFIX[i]) for i in range(dims)) for n in FIELDS}
    padding = per["p"] if op != "convolution" or pad_as == "amount" else pad_as
    args = (op, per["len"], per["k"], per["s"], padding, per["d"], scope.value("ceil"), per["opad"])
    try:
        worked = explain_output_size(*args)
        output = output_size(*args)
        pads = padding_per_side(padding, per["k"], per["s"], per["d"])
    except ValueError as exc:
        st.error(str(exc))
        return
    words, picture = st.columns([1, 1.1]) if present else (st.container(), st.container())
    with words:
        st.latex(r"L_{out} = " + worked[0].general)
        for axis, w in zip(AXES[dims], worked):
            st.latex(rf"{axis}_{{out}} = {w.latex}")
        st.markdown(f"## Output: {' × '.join(map(str, output))}")
        for axis, w in ((a, w) for a, w in zip(AXES[dims], worked) if w.note):
            st.info(f"**{axis}**: {w.note}")
    if op != "transposed":
        pictures = windows(per["len"], per["k"], per["s"], pads, per["d"], output, AXES[dims], 500 if present else None)
        for i, figure in enumerate(pictures):
            picture.plotly_chart(figure, key=f"shapes_windows_{i}", config=PLAIN)
    left, right = st.columns(2)
    left.markdown("#### What padding keeps the size?" if op != "transposed" else "")
    right.markdown("#### Which input sizes give this output?")
    for i, axis in enumerate(AXES[dims]):
        if op != "transposed":
            left.markdown(f"**{axis}**: {same_padding(per['len'][i], per['k'][i], per['s'][i], per['d'][i]).text}")
        try:
            sizes = input_sizes(output[i], op, per["k"][i], per["s"][i], padding if isinstance(padding, str)
                                else padding[i], per["d"][i], scope.value("ceil"), per["opad"][i])
        except ValueError as exc:
            right.info(f"**{axis}**: {exc}")
            continue
        right.markdown(f"**{axis}**: {sizes.start}{f' to {sizes[-1]}' if len(sizes) > 1 else ''} → {output[i]}")
