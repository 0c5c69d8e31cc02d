"""What a browser can send, widget by widget: the values the fuzz tests give each control.

:func:`offers` lists, for every control a page shows, the things one can do with it: its
options, edge and random values, garbage, uploads; also what AppTest cannot do itself but a
browser does (typing into a grid editor, drawing on a canvas, clicking the step-by-step chart,
Back/Next, downloading).

What the browser sends is built here as Streamlit's own ``WidgetState`` messages (the option's
label for a selectbox, ``{"png": ...}`` for the canvas, and so on), because AppTest has no
method for those widgets. A component's events need Streamlit's private ``_make_trigger_id``.
"""

from __future__ import annotations

import base64
import json
import random
from functools import partial

import numpy as np
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from apptest import jpeg_bytes, png_bytes
from fuzz_harness import Action, nodes
from fuzz_leaks import HOSTILE

# What a link or a text box may be given: garbage, and values at or just past the usual limits.
GARBAGE = ["", " ", "-1", "1.5", "99999999999999999999999999", "1e309", "nan", "inf", "-inf", "0x10", "１２", "٣",
           "true", "+", "a+a", "1,2;3", "\x00", "1e308,1e308;1e308,1e308", ";".join([",".join(["1"] * 16)] * 16),
           "1x32x32|conv:out=6;kernel_size=(1e999,1)", "1x32x32|" + "relu|" * 300,
           "1x4096x4096|conv:out=4096;kernel_size=1", "0x0x0|conv", "1x32x32|conv:kernel_size=" + "(" * 200 + ")" * 200]
EDGES = ["0", "1", "2", "3", "7", "8", "9", "16", "17", "32", "33", "63", "64", "65", "4096", "4097", "100000",
         "1000001", "0.1", "10", "1000", "-1000", "1000.5", "nan,1;1,1", "0,0;0,1"]


def png_url(pixels: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels)).decode()


def drawings(rng: random.Random) -> list[str | None]:
    """Canvas states (280×280 RGBA, as the sketch component sends them), and None for Clear."""
    blank = np.zeros((280, 280, 4), np.uint8)
    paper = blank.copy()
    paper[..., 3] = 255
    stroke = paper.copy()
    y = rng.randrange(20, 260)
    stroke[y - 9:y + 9, 20:260] = 255
    ink = blank.copy()
    ink[40:240, 130:150] = (0, 0, 0, 255)
    noise = np.random.default_rng(rng.randrange(10**6)).integers(0, 256, (280, 280, 4), np.uint8)
    full = np.full((280, 280, 4), 255, np.uint8)
    dot = blank.copy()
    dot[139:141, 139:141] = (0, 0, 0, 255)
    return [png_url(a) for a in (blank, paper, stroke, ink, noise, full, dot)] + [None]


UPLOADS = [
    ("photo.jpg", jpeg_bytes(np.random.default_rng(0).integers(0, 255, (90, 120, 3), np.uint8)), "image/jpeg"),
    ("one.png", png_bytes(np.zeros((1, 1, 3), np.uint8)), "image/png"),
    ("strip.png", png_bytes(np.zeros((2, 3000, 3), np.uint8) + 77), "image/png"),
    ("tall.png", png_bytes(np.zeros((700, 7, 3), np.uint8) + 200), "image/png"),
    ("grey.png", png_bytes(np.zeros((40, 50), np.uint8) + 128), "image/png"),
    ("alpha.png", png_bytes(np.zeros((30, 30, 4), np.uint8)), "image/png"),
    ("empty.png", b"", "image/png"),
    ("cut.png", png_bytes(np.zeros((64, 64, 3), np.uint8) + 100)[:200], "image/png"),
    ("text.png", b"hello, this is text", "image/png"),
    ("doc.pdf", b"%PDF-1.4 not an image", "application/pdf"),
]

EDITOR_NUMBERS = [None, None, 0.0, -0.0, 1.0, -1.0, 0.5, 1e-320, 1e308, -1e308, float("inf"), float("-inf"),
                  float("nan"), 123456789.123, -1000.0, 1000.0, 3.0]
EDITOR_TEXT = [None, "", " ", "1", "3", "0", "-1", "2,2", "1,0", "0,1", "0, 1", "(1, 2)", "((0, 1), (1, 0))",
               "(1e999,)", "(-1,)", "('a',)", "()", "(())", "(" * 200 + ")" * 200, "same", "valid", "full", "SAME",
               "abc", "999999999", "10**9", "1.5", "nan", "True", "false", "[Click](https://example.com/x)", "٣",
               "4097", "2 2", "1,2,3"]


def editor_value(rng: random.Random, column: dict, sample: object) -> object:
    """A value the browser's grid editor can send for one cell of this column."""
    kind = column.get("type_config", {}).get("type")
    if kind == "selectbox":
        return rng.choice([None, *column["type_config"]["options"]])
    if kind == "number":
        return rng.choice(EDITOR_NUMBERS)
    if isinstance(sample, bool) or kind == "checkbox":
        return rng.choice([True, False, None])
    return rng.choice(EDITOR_TEXT)


def edit_grid(rng: random.Random, editor) -> dict:
    """A whole edit state for a data editor: some cells changed, rows added or deleted if allowed."""
    table, columns = editor.value, json.loads(editor.proto.columns or "{}")
    names = [c for c in table.columns if not columns.get(str(c), {}).get("hidden")]
    state = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    for _ in range(rng.randint(1, 3)):
        if len(table) and names:
            row, col = rng.randrange(len(table)), rng.choice(names)
            state["edited_rows"].setdefault(row, {})[str(col)] = editor_value(
                rng, columns.get(str(col), {}), table[col].iloc[row])
    if editor.proto.editing_mode == 2:  # dynamic: rows can be added and deleted
        if rng.random() < 0.4:
            state["added_rows"] = [{str(c): editor_value(rng, columns.get(str(c), {}), None)
                                    for c in rng.sample(names, rng.randint(0, len(names)))}
                                   for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.4 and len(table):
            state["deleted_rows"] = sorted(rng.sample(range(len(table)), rng.randint(1, len(table))))
    return state


def chart_clicks(rng: random.Random, chart) -> list[dict]:
    """Selections the browser reports for a clickable chart: points that carry customdata, none, stale ones."""
    spec = json.loads(chart.proto.spec)
    points = []
    for number, trace in enumerate(spec["data"]):
        if "customdata" in trace and trace.get("hoverinfo") != "skip":
            xs, ys = plotly_array(trace["x"]), plotly_array(trace["y"])
            for index, data in enumerate(plotly_array(trace["customdata"])):
                points.append({"curve_number": number, "point_number": index, "point_index": index,
                               "x": xs[index], "y": ys[index], "customdata": data})
    picks = [[rng.choice(points)]] if points else []
    picks += [rng.sample(points, min(len(points), 3))] if points else []
    stale = {"curve_number": 0, "point_number": 0, "point_index": 0, "x": 0, "y": 0,
             "customdata": rng.choice([0, len(points), len(points) + 1, 10 * len(points) + 7, 99_999])}
    picks += [[], [stale]]
    return [{"selection": {"points": p, "point_indices": [q["point_index"] for q in p], "box": [], "lasso": []}}
            for p in picks]


def plotly_array(value: object) -> list:
    """A trace's array as numbers, as Plotly.js reads it: the JSON writes numpy arrays as base64 ``bdata``."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), np.dtype(value["dtype"])).tolist()
    return list(value)


def uploads_for(w) -> list[tuple[str, bytes, str]]:
    """The files a browser lets one give this uploader: of its types, if it names them (any bytes,
    renamed, as a student can rename a file), else every kind."""
    allowed = list(w.proto.type)
    if not allowed:
        return UPLOADS
    return [(f"{name.rsplit('.', 1)[0]}{allowed[i % len(allowed)]}", data, mime)
            for i, (name, data, mime) in enumerate(UPLOADS)]


def option_states(rng: random.Random, w) -> list[tuple[str, WidgetState]]:
    """(description, state) for every option of an option widget (in an order fixed per widget), and a few sets."""
    options = list(w.options)
    random.Random(w.key).shuffle(options)
    if w.type in ("selectbox", "radio"):
        return [(repr(o), WidgetState(id=w.id, string_value=o)) for o in options]
    if w.type == "select_slider":
        return [(repr(o), state_array(w.id, [o])) for o in options]
    if w.type == "button_group" and w.proto.click_mode == w.proto.ClickMode.SINGLE_SELECT:
        picks = [[o] for o in options] + ([] if w.proto.required else [[]])
        return [(repr(p), state_array(w.id, p)) for p in picks]
    limit = getattr(w.proto, "max_selections", 0) or len(options)   # pills have no such limit
    subsets = [[], *([o] for o in options), options[:limit],
               *(rng.sample(options, rng.randint(1, min(3, limit))) for _ in range(3))]
    return [(repr(s), state_array(w.id, s)) for s in subsets]


def state_array(widget_id: str, values: list[str]) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.string_array_value.data[:] = values
    return state


def number_states(rng: random.Random, w) -> list[tuple[str, WidgetState]]:
    """Edge and random values a number input accepts: the browser refuses the others."""
    is_int = w.proto.data_type == w.proto.DataType.INT
    low = w.min if w.min is not None else -1e308
    high = w.max if w.max is not None else 1e308
    current = w.value if w.value is not None else low
    values = [low, high, rng.uniform(low, high), current + w.step, 0, current - w.step, rng.uniform(low, high)]
    values = [int(round(v)) if is_int else float(v) for v in values if low <= v <= high]
    states = [(repr(v), WidgetState(id=w.id, **{"int_value" if is_int else "double_value": v})) for v in values]
    if not w.proto.HasField("default"):  # made with value=None: the browser can clear it
        states.append(("None", WidgetState(id=w.id)))
    return states


def slider_values(rng: random.Random, w) -> list:
    low, high, step = w.min, w.max, w.step
    count = int(round((high - low) / step))
    as_type = int if w.proto.data_type == w.proto.DataType.INT else (lambda v: round(float(v), 10))
    values = [as_type(low + step * k) for k in (0, count, rng.randint(0, count), rng.randint(0, count))]
    if len(w.proto.default) == 2:
        return [sorted(rng.sample(values, 2)) for _ in range(3)]
    return values


def offers(rng: random.Random, at: AppTest, page: str, unknown: set[str]) -> dict[str, list[Action]]:
    """For every control `page` shows now, the things one can do with it (its options, edge values…)."""
    found: dict[str, list[Action]] = {}
    for w in nodes(at):
        kind, key = getattr(w, "type", ""), getattr(w, "key", None)
        label = f"{kind} {key or getattr(w, 'label', '?')!r}"
        if getattr(getattr(w, "proto", None), "disabled", False):
            continue  # the browser does not let anyone use it
        if kind in ("selectbox", "radio", "select_slider", "multiselect", "button_group") and w.options:
            found[label] = [Action(f"{label} ← {what}", states=(state,)) for what, state in option_states(rng, w)]
        elif kind == "number_input":
            found[label] = [Action(f"{label} ← {what}", states=(state,)) for what, state in number_states(rng, w)]
        elif kind == "slider":
            found[label] = [Action(f"{label} ← {v!r}", partial(w.set_value, v)) for v in slider_values(rng, w)]
        elif kind in ("toggle", "checkbox"):
            found[label] = [Action(f"{label} ← {not w.value}", partial(w.set_value, not w.value))]
        elif kind == "button":
            found[label] = [Action(f"{label} click", w.click, button=key)]
        elif kind in ("text_input", "text_area"):
            found[label] = [Action(f"{label} ← {t[:80]!r}", partial(w.input, t)) for t in HOSTILE + GARBAGE]
        elif kind == "file_uploader":
            found[label] = [Action(f"{label} upload {f[0]}", partial(w.upload, *f)) for f in uploads_for(w)]
            found[label].append(Action(f"{label} clear", w.clear))
        elif kind == "page_link":
            found[label] = [Action(f"click the link to {w.proto.page} ({w.proto.query_string[:200]})", link=(w, page))]
        elif kind == "download_button":  # all of them one control: a bank of 20 kernels has 40
            found.setdefault("downloads", []).append(Action(f"{label} download", download=w))
        elif kind == "dataframe" and w.editing_mode != "read_only":
            edits = edit_grid(rng, w)
            found[label] = [Action(f"{label} ← {edits!r}", partial(at.session_state.__setitem__, key, edits))]
        elif kind == "plotly_chart" and len(w.proto.selection_mode):
            found[label] = [Action(f"{label} click {click['selection']['points'][:2]!r}",
                                   states=(WidgetState(id=w.proto.id, string_value=json.dumps(click)),))
                            for click in chart_clicks(rng, w)]
        elif kind == "bidi_component":
            found[label] = component_actions(rng, w, label, unknown)
        elif isinstance(w, Widget):
            unknown.add(kind)
    return {label: choices for label, choices in found.items() if choices}


def component_actions(rng: random.Random, w, label: str, unknown: set[str]) -> list[Action]:
    """What the browser sends for the app's own components: a drawing (or Clear); Back/Next to a step."""
    name = w.proto.component_name
    if name.endswith("convviz_sketch"):
        return [Action(f"{label} draw {(url or 'None')[:40]}…",
                       states=(WidgetState(id=w.proto.id, json_value=json.dumps({"png": url})),))
                for url in drawings(rng)]
    if name.endswith("convviz_stepper"):
        steps = json.loads(w.proto.json)["steps"]
        events = [("step", step) for step in (rng.randint(1, steps), 1, steps, steps + 1, 0, 10 * steps)]
        events += [("speed", change) for change in (1, -1, 7, "fast")]      # the + and − keys, and garbage
        return [Action(f"{label} {event} {value!r}", states=(WidgetState(
                    id=_make_trigger_id(w.proto.id, "events"),
                    json_trigger_value=json.dumps([{"event": event, "value": value}])),))
                for event, value in events]
    if name.endswith("convviz_copy_link"):
        return []      # it copies in the browser and tells the server nothing
    unknown.add(f"component {name}")
    return []
