"""A stack written down as table rows and as link text, and read back from either.

The Shape arithmetic page edits a stack as a table (one row per layer, :data:`COLUMNS`) and
keeps it in the page's link as a short text (:func:`stack_to_text`). Both are read back into
:mod:`convviz.stack.layers` objects; values are checked by :func:`convviz.stack.layers.plan`, not here.
What the plan found is written as rows, headline numbers and a comparison too
(:func:`plan_rows`, :func:`plan_summary`, :func:`compared_with_standard`).

Examples
--------
>>> from convviz.stack.layers import Conv
>>> stack_to_text((1, 28, 28), [Conv(6, 5, padding=2)])
'1x28x28|conv:out=6;kernel_size=5;padding=2'
>>> stack_from_text("1x28x28|conv:out=6;kernel_size=5;padding=2")[1][0].padding
2
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace

from .layers import FUNCTIONS, KINDS, Layer, Shape, Step, kind, plan, standard_equivalent, totals

COLUMNS = ("out", "kernel_size", "stride", "padding", "dilation", "output_padding", "ceil_mode", "bias")
COLUMN_HELP = {    # what a person may type in a column, as :func:`from_record` reads it
    "out": "Output channels (conv) or features (linear); blank in a depthwise conv: as many as come in",
    "kernel_size": "One number, or h,w", "stride": "One number, or h,w; blank in a pool: the kernel size",
    "padding": "A number, valid, same (stride 1), full, or before,after such as 0,1 (Keras's same at stride 2)",
}


def _numbers(value: object) -> bool:
    """A whole number, or a non-empty tuple of them (or of such tuples): what a cell may hold."""
    if isinstance(value, tuple):
        return bool(value) and all(map(_numbers, value))
    return isinstance(value, int) and not isinstance(value, bool)


def _text(column: str, value: object) -> object:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, tuple) and all(isinstance(v, tuple) and v == value[0] for v in value):
        return f"{value[0][0]},{value[0][1]}"          # (before, after), the same on both axes
    if isinstance(value, tuple) and column != "padding":
        return ",".join(map(str, value))                # one per axis
    return str(value)                                   # PyTorch's own spelling, e.g. padding (1, 2)


def to_record(layer: Layer) -> dict[str, object]:
    """A table row for `layer`: its kind under ``"layer"``, then :data:`COLUMNS` as text (None where unused).

    >>> from convviz.stack.layers import Conv
    >>> row = to_record(Conv(6, (3, 5), padding=((0, 1), (0, 1))))
    >>> row["layer"], row["out"], row["kernel_size"], row["padding"], row["output_padding"], row["bias"]
    ('conv', '6', '3,5', '0,1', None, True)
    """
    values = {f.name: getattr(layer, f.name) for f in fields(layer)}
    values["out"] = values.get("out_channels", values.get("out_features"))
    return {"layer": kind(layer), **{c: _text(c, values.get(c)) for c in COLUMNS}}


def _cell(column: str, value: object) -> object:
    """A table cell as a layer field: numbers, ``3,5`` (one per axis; for padding, before,after), words.

    Anything else stays text, for :func:`plan` to refuse with its reason. Only whole numbers,
    commas and parentheses are read as a tuple, so any other text is never evaluated.
    """
    if value is None or isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    try:
        if re.fullmatch(r"\([0-9,()\s]*\)", text):
            parsed = ast.literal_eval(text)
            return parsed if _numbers(parsed) else text
        pair = re.fullmatch(r"(\d+)\s*[, ]\s*(\d+)", text)
        if pair:
            a, b = int(pair[1]), int(pair[2])
            return ((a, b),) * 2 if column == "padding" else (a, b)
        return int(text) if re.fullmatch(r"\d+", text) else (text or None)
    except (ValueError, SyntaxError):      # malformed, nested too deep, or more digits than int() reads
        return text


def from_record(record: Mapping[str, object]) -> Layer | None:
    """The layer a table row describes, or None for a row without a kind.

    Blank cells keep the defaults. Sizes are a number or ``h,w``. Padding is a number,
    ``valid``, ``same``, ``full``, ``before,after`` for both axes, or a PyTorch tuple in
    parentheses. Values are not checked here: :func:`plan` does that, row by row.

    >>> from_record({"layer": "conv", "out": 6.0, "kernel_size": 5, "padding": "0, 1"})
    Conv(out_channels=6, kernel_size=5, stride=1, padding=((0, 1), (0, 1)), dilation=1, ...)
    """
    name = record.get("layer")
    if name is None or name == "" or name != name:
        return None
    if name not in KINDS:
        raise ValueError(f"unknown layer kind {name!r}; choose one of {', '.join(KINDS)}")
    blank = KINDS[name]
    names = {f.name for f in fields(blank)}
    values = {c: _cell(c, record.get(c)) for c in COLUMNS}
    values["out_channels" if "out_channels" in names else "out_features"] = values.pop("out")
    values = {k: v for k, v in values.items() if k in names and v is not None}
    for k, v in values.items():
        if isinstance(getattr(blank, k), bool):
            values[k] = str(v).lower() in ("1", "true")
    return replace(blank, **values)


def stack_to_text(input_shape: Sequence[int], layers: Sequence[Layer]) -> str:
    """A short text for a stack (for links): the input ``C×H×W``, then ``kind:column=value;…`` per layer.

    Only values that differ from the kind's defaults are written.

    >>> from convviz.stack.layers import Activation, Conv, Pool
    >>> stack_to_text((1, 32, 32), [Conv(6, 5), Activation("tanh"), Pool(2, mode="avg")])
    '1x32x32|conv:out=6;kernel_size=5|tanh|avg pool'
    """
    parts = ["x".join(map(str, input_shape))]
    for layer in layers:
        row, blank = to_record(layer), to_record(KINDS[kind(layer)])
        changed = [f"{c}={int(v) if isinstance(v, bool) else v}" for c, v in row.items() if v != blank[c]]
        parts.append(":".join([row["layer"], ";".join(changed)]) if changed else row["layer"])
    return "|".join(parts)


def stack_from_text(text: str) -> tuple[Shape, tuple[Layer, ...]]:
    """Read :func:`stack_to_text`'s form back.

    >>> stack_from_text("3x227x227|conv:out=96;kernel_size=11;stride=4|ReLU")[1][0].stride
    4
    >>> stack_from_text("3x227|ReLU")
    Traceback (most recent call last):
    ...
    ValueError: a stack starts with the input shape C×H×W, like 1x32x32; got '3x227'
    """
    first, *rest = text.split("|")
    if not re.fullmatch(r"\d+[x×]\d+[x×]\d+", first.strip()):
        raise ValueError(f"a stack starts with the input shape C×H×W, like 1x32x32; got {first!r}")
    layers = []
    for part in rest:
        name, _, settings = part.partition(":")
        record: dict[str, object] = {"layer": name.strip()}
        for item in filter(None, settings.split(";")):
            column, eq, value = item.partition("=")
            if not eq or column.strip() not in COLUMNS:
                raise ValueError(f"{item!r} in {part!r} is not column=value with a column among {', '.join(COLUMNS)}")
            record[column.strip()] = value
        layers.append(from_record(record))
    return tuple(int(n) for n in re.split("[x×]", first.strip())), tuple(filter(None, layers))


def times(values: Sequence[int] | None, missing: str = "—") -> str:
    """Sizes joined with ×, or `missing` when there are none.

    >>> times((6, 28, 28)), times(None), times(None, "?")
    ('6×28×28', '—', '?')
    """
    return "×".join(map(str, values)) if values else missing


def count(value: int | None) -> str:
    """A count with thousands separators, or ``—`` when it is not known.

    >>> count(61706), count(None)
    ('61,706', '—')
    """
    return "—" if value is None else f"{value:,}"


def plan_rows(steps: Sequence[Step]) -> list[dict[str, str]]:
    """One row of text per planned layer: its output, receptive field, jump, cost, and any problem.

    What cannot be known (after an impossible layer, or on it) is ``?`` or ``—``, never blank.

    >>> from convviz.stack.layers import Conv, plan
    >>> rows = plan_rows(plan((1, 32, 32), [Conv(6, 5), Conv(6, 40)]))
    >>> rows[0]["receptive field"], rows[0]["parameters"], rows[1]["output"], rows[1]["parameters"]
    ('5×5', '156', '?', '—')
    """
    return [{
        "layer": kind(s.layer), "output": times(s.shape, "?"),
        "receptive field": times([f.size for f in s.fields or ()]),
        "jump": times([f.jump for f in s.fields or ()]),
        "parameters": count(s.parameters), "multiply–accumulates": count(s.macs),
        "problem": s.error or ("" if s.shape else "unknown: an earlier layer is impossible"),
    } for s in steps]


def last_window(steps: Sequence[Step]) -> int | None:
    """Index of the last layer with a receptive field that is not an activation, or None.

    >>> from convviz.stack.layers import Activation, Conv, Flatten, plan
    >>> last_window(plan((1, 8, 8), [Conv(1, 3), Activation(), Flatten()])), last_window([])
    (0, None)
    """
    return next((i for i in reversed(range(len(steps)))
                 if steps[i].windows and kind(steps[i].layer) not in FUNCTIONS), None)


def plan_summary(steps: Sequence[Step]) -> dict[str, str]:
    """The plan's headline numbers as label → text: output, parameters, multiply–accumulates, receptive field.

    The counts add up the layers whose numbers are known; when a layer is impossible, their
    labels say so, and with no layer known they are ``—``.

    >>> from convviz.stack.layers import Conv, plan
    >>> plan_summary(plan((1, 32, 32), [Conv(6, 5), Conv(6, 40)]))
    {'Output': '?', 'Parameters (valid layers only)': '156',
     'Multiply–accumulates (valid layers only)': '117,600', 'Receptive field': '5×5'}
    """
    parameters, macs = totals(steps)
    known = any(s.parameters is not None for s in steps)
    only = " (valid layers only)" if any(s.parameters is None for s in steps) else ""
    field = last_window(steps)
    return {
        "Output": times(steps[-1].shape if steps else None, "?"),
        f"Parameters{only}": count(parameters if known else None),
        f"Multiply–accumulates{only}": count(macs if known else None),
        "Receptive field": times(None if field is None else [f.size for f in steps[field].fields]),
    }


def compared_with_standard(input_shape: Shape, layers: Sequence[Layer], steps: Sequence[Step]) -> str:
    """What the same shapes cost with standard convolutions, for a stack with depthwise-separable ones.

    ``""`` when there is nothing to compare: no depthwise + pointwise pair, or an impossible layer.

    >>> from convviz.stack.layers import DepthwiseConv, Pointwise, plan
    >>> stack = [DepthwiseConv(3, padding=1), Pointwise(64)]
    >>> print(compared_with_standard((32, 8, 8), stack, plan((32, 8, 8), stack)))
    The same shapes with standard convolutions: 18,496 parameters and 1,179,648 multiply–accumulates.
    Depthwise-separable needs 0.131 of the parameters and 0.127 of the multiply–accumulates.
    """
    standard = standard_equivalent(layers)
    if tuple(standard) == tuple(layers) or any(s.error for s in steps):
        return ""
    (parameters, macs), (other_parameters, other_macs) = totals(steps), totals(plan(input_shape, standard))
    return (f"The same shapes with standard convolutions: {other_parameters:,} parameters and {other_macs:,} "
            f"multiply–accumulates. Depthwise-separable needs {parameters / other_parameters:.3f} of the "
            f"parameters and {macs / other_macs:.3f} of the multiply–accumulates.")
