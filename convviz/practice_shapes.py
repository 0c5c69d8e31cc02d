"""Practice exercises on shape arithmetic: output sizes, transposed convolutions, receptive fields, counts.

Each function takes the exercise's random numbers and a tier (0 warm-up, 1 standard,
2 tricky) and returns an :class:`~convviz.exercises.Exercise` whose answers and worked
solutions come from :mod:`convviz.arithmetic`, so they are the numbers and the formula text
the Shape arithmetic page shows. Every layer drawn is valid.

>>> from convviz.exercises import random_for
>>> ex = output_size(random_for(1, "warm-up", "output_size"), 0)
>>> ex.questions[0].answer.grade(ex.questions[0].answer.shown)
True
"""

from __future__ import annotations

import random

from .answers import NumberAnswer, SizeAnswer
from .arithmetic import (
    conv_mac_count, conv_output_size, conv_parameter_count, conv_transpose_output_size, explain_conv_output_size,
    explain_conv_transpose_output_size, receptive_field,
)
from .exercises import Exercise, Question, side

# (input, kernel_size, stride, padding, what to know about it): layers people meet, and one trap.
CLASSICS = (
    ((5, 5), 3, 2, 1, "The classic trap: a published tutorial says 2×2 here. The formula (and PyTorch) says 3×3: on "
                      "the padded 7×7 input the windows start at columns 0, 2 and 4, and the last one ends at 6."),
    ((32, 32), 5, 1, 0, "LeNet-5's first layer: 32 → 28."),
    ((224, 224), 7, 2, 3, "ResNet's first layer halves 224 to 112."),
    ((227, 227), 11, 4, 0, "AlexNet's first layer: 227 → 55 (with the paper's 224 the division is not exact)."),
)
SIZE_HINT = "Each axis on its own: out = ⌊(in + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1."


def _args(**values: object) -> str:
    """``kernel_size=3, stride=2`` for the arguments that are not PyTorch's defaults."""
    defaults = {"stride": 1, "padding": 0, "dilation": 1, "output_padding": 0, "groups": 1}
    return ", ".join(f"{k}={v}" for k, v in values.items() if defaults.get(k) != v)


def _worked(worked: tuple, square: bool) -> list[str]:
    """One line per axis (one line for both when they agree), then what the divisions leave over."""
    axes = ("Height and width",) if square else ("Height", "Width")
    lines = [f"{axis}: `{w.text}`" for axis, w in zip(axes, worked)]
    return lines + [f"{axis}: {w.note}" for axis, w in zip(axes, worked) if w.note]


def output_size(rng: random.Random, tier: int) -> Exercise:
    """The output size of a convolution for given W, K, P, S, D (the classics from the standard level)."""
    note = ""
    if tier and rng.random() < 0.3:
        size, kernel, stride, padding, note = rng.choice(CLASSICS)
        dilation = 1
    else:
        kernel = rng.choice(((1, 3, 5), (3, 5, 7), (3, 5, 7, (3, 5), (5, 3)))[tier])
        stride = rng.choice(((1,), (1, 2), (2, 3))[tier])
        padding = rng.randint(0, min(1, kernel // 2) if tier == 0 else 3)
        dilation = rng.choice((1, 1, 2)) if tier == 2 else 1
        low, high = ((5, 16), (7, 64), (7, 100))[tier]
        spans = [dilation * (k - 1) + 1 for k in (kernel if isinstance(kernel, tuple) else (kernel, kernel))]
        size = tuple(max(rng.randint(low, high), span) for span in spans)
        size = size if tier == 2 else (size[0], size[0])
    out = conv_output_size(size, kernel, stride, padding, dilation)
    worked = explain_conv_output_size(size, kernel, stride, padding, dilation)
    hint = SIZE_HINT + (" With stride 1 and no dilation that is in + 2·padding − kernel_size + 1." if tier == 0 else
                        " The ⌊ ⌋ rounds down: a window that would hang over the end is not made." if tier == 2 else "")
    task = (f"A `Conv2d(…, {_args(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation)})` "
            f"takes an input of {side(size)}.")
    square = len(set(size)) == 1 and not isinstance(kernel, tuple)
    question = Question("size", "What is the output's height × width?", SizeAnswer(out),
                        tuple(_worked(worked, square) + ([note] if note else [])))
    return Exercise("output_size", "Output size", task, hint, (question,))


def transposed(rng: random.Random, tier: int) -> Exercise:
    """The output size of a transposed convolution, with `output_padding` from the standard level."""
    kernel = rng.choice(((2, 3, 4), (3, 4), (3, 4, 5))[tier])
    stride = rng.choice(((1, 2), (2,), (2, 3))[tier])
    padding = rng.choice(((0,), (1,), (0, 1, 2))[tier])
    output_padding = rng.randint(0, stride - 1) if tier else 0
    dilation = rng.choice((1, 1, 2)) if tier == 2 else 1
    low, high = ((2, 8), (3, 16), (3, 20))[tier]
    size = (rng.randint(low, high), rng.randint(low, high)) if tier == 2 else (rng.randint(low, high),) * 2
    args = _args(kernel_size=kernel, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    out = conv_transpose_output_size(size, kernel, stride, padding, output_padding, dilation)
    worked = explain_conv_transpose_output_size(size, kernel, stride, padding, output_padding, dilation)
    lines = _worked(worked, len(set(size)) == 1)
    if tier and dilation == 1 and len(set(size)) == 1:
        first = out[0] - output_padding
        sources = [str(n) for n in range(first, first + stride)
                   if conv_output_size(n, kernel, stride, padding) == size[0]]
        lines.append(f"Why `output_padding` exists: `Conv2d(kernel_size={kernel}, stride={stride}, padding={padding})` "
                     f"maps {', '.join(sources[:-1])} and {sources[-1]} all to {size[0]}; `output_padding` picks which "
                     f"one comes back.")
    hint = ("out = (in − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1: a convolution's "
            "size formula, solved for its input.")
    task = f"A `ConvTranspose2d(…, {args})` takes an input of {side(size)}."
    question = Question("size", "What is the output's height × width?", SizeAnswer(out), tuple(lines))
    return Exercise("transposed", "Transposed convolution", task, hint, (question,))


def _layer_name(layer: dict[str, int], pool: bool) -> str:
    k, s, d = layer["kernel_size"], layer.get("stride", 1), layer.get("dilation", 1)
    extra = "".join(f", {name} {v}" for name, v in (("stride", s), ("dilation", d)) if v != 1)
    return f"{'max pool' if pool else 'conv'} {k}×{k}{extra}"


def receptive_field_exercise(rng: random.Random, tier: int) -> Exercise:
    """How many input pixels one unit of the last layer of a small stack sees."""
    count = rng.randint(*((2, 4), (2, 4), (3, 4))[tier])
    layers = [{"kernel_size": rng.choice(((3, 3, 5), (3, 3, 5), (3, 5))[tier])} for _ in range(count)]
    pools = [False] * count
    for _ in range(tier):                          # downsampling, and at the tricky level dilation too
        at = rng.randrange(count - 1)              # something after it, or its stride would not show
        pools[at] = rng.random() < 0.5
        layers[at] = {"kernel_size": rng.choice((2, 3)) if pools[at] else 3, "stride": 2}
    if tier == 2:
        last = layers[-1] if "stride" not in layers[-1] else layers[-2]
        last["dilation"] = 2
    for layer in layers:
        layer["padding"] = layer.get("dilation", 1) * (layer["kernel_size"] - 1) // 2
    fields = receptive_field(layers)
    lines, size, jump = ["Start from 1 pixel, jump 1."], 1, 1
    for i, (layer, pool, field) in enumerate(zip(layers, pools, fields), start=1):
        k, s, d = layer["kernel_size"], layer.get("stride", 1), layer.get("dilation", 1)
        moved = f"; jump `{jump}·{s} = {field.jump}`" if s != 1 else ""
        lines.append(f"{i}. {_layer_name(layer, pool)}: `{size} + {d}·({k} − 1)·{jump} = {field.size}`{moved}")
        size, jump = field.size, field.jump
    stack = "\n".join(f"{i}. {_layer_name(layer, pool)}" for i, (layer, pool) in
                      enumerate(zip(layers, pools), start=1))
    task = f"A stack of 2-D layers (each padded to keep its size, which does not change what a unit sees):\n\n{stack}"
    hint = ("Each layer at stride 1 widens the view by kernel_size − 1 pixels: 2 for a 3×3, 4 for a 5×5."
            if tier == 0 else
            "Start from 1 pixel. Each layer adds dilation·(kernel_size − 1)·jump, where jump (the distance, in input "
            "pixels, between neighbouring units) is the product of the strides of the layers before it.")
    question = Question("size", "How many input pixels (height × width) does one unit after the last layer see?",
                        SizeAnswer((size, size)), tuple(lines))
    return Exercise("receptive_field", "Receptive field", task, hint, (question,))


def parameters(rng: random.Random, tier: int) -> Exercise:
    """The learnable parameters and the multiply–accumulates of one layer, with groups from the standard level."""
    kernel = rng.choice(((1, 3), (1, 3, 5), (3, 5))[tier])
    if tier == 0:
        c_in, c_out, groups, bias, size, stride = rng.randint(1, 3), rng.choice((2, 4)), 1, True, rng.randint(4, 6), 1
    else:
        c_in = rng.choice(((3, 8, 16), (8, 16, 32))[tier - 1])
        c_out = rng.choice((8, 16, 32)) if tier == 1 else c_in * rng.choice((1, 2))
        common = [g for g in (2, 4, 8) if c_in % g == 0 and c_out % g == 0]
        groups = rng.choice([1, 1, *common[:1]]) if tier == 1 else rng.choice([c_in, c_in, *common])
        bias, size, stride = rng.random() < 0.6, rng.choice((8, 14, 16, 28, 32)), rng.choice((1, 2))
    padding = kernel // 2
    params = conv_parameter_count(c_in, c_out, kernel, groups, bias)
    out = conv_output_size((size, size), kernel, stride, padding)
    macs = conv_mac_count(c_in, c_out, kernel, out, groups)
    args = _args(kernel_size=kernel, stride=stride, padding=padding, groups=groups)
    task = (f"A `Conv2d(in_channels={c_in}, out_channels={c_out}, {args}, bias={bias})` "
            f"takes an input of {c_in}×{size}×{size} (channels × height × width).")
    weights = f"{c_out}·({c_in}/{groups})·{kernel}·{kernel}"
    depthwise = " (depthwise: each filter sees one channel)" if groups == c_in > 1 else ""
    param_lines = (f"Each of the {c_out} filters has in_channels/groups = {c_in // groups} channel "
                   f"slice{'s' if c_in // groups > 1 else ''} of {kernel}×{kernel} weights{depthwise}.",
                   f"`out·(in/groups)·k·k{' + out' if bias else ''} = {weights}{f' + {c_out}' if bias else ''}"
                   f" = {params:,}`" + ("" if bias else " (no bias)"))
    worked = explain_conv_output_size((size, size), kernel, stride, padding)[0]
    mac_lines = (f"Output height and width: `{worked.text}`",
                 f"`out·(in/groups)·k·k·H_out·W_out = {weights}·{out[0]}·{out[1]} = {macs:,}` "
                 f"(one per weight per output position; the bias adds are not counted)")
    hint = ("Every filter has in_channels/groups × k × k weights, plus one bias if bias=True. A forward pass does one "
            "multiply–accumulate per weight per output position.")
    if tier == 2:
        hint += " groups splits the channels: with groups = in_channels each filter sees a single channel."
    questions = (Question("parameters", "How many learnable parameters does the layer have?", NumberAnswer(params),
                          param_lines),
                 Question("macs", "How many multiply–accumulates does one forward pass of one image take?",
                          NumberAnswer(macs), mac_lines))
    return Exercise("parameters", "Parameters and multiply–accumulates", task, hint, questions)
