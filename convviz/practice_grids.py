"""Practice exercises that show numbers or pictures: one output cell, pooling, which kernel made a map.

As in :mod:`convviz.practice_shapes`, each function takes the exercise's random numbers and
a tier (0 warm-up, 1 standard, 2 tricky). The answers are the engine's: the output cell and
the pooled value from the step data (:mod:`convviz.steps`, which the tests hold equal to
``conv2d`` and the pooling functions), the feature maps from :func:`convviz.conv.conv2d` on
the shipped sample pictures.

>>> from convviz.exercises import random_for
>>> ex = conv_cell(random_for(1, "warm-up", "conv_cell"), 0)
>>> [p.caption for p in ex.panels], ex.questions[0].answer.whole
(['input x', 'kernel w'], True)
"""

from __future__ import annotations

import random
from functools import cache
from typing import NamedTuple

import numpy as np

from .answers import DECIMALS, ChoiceAnswer, NumberAnswer, SizeAnswer
from .arithmetic import explain_pool_output_size
from .conv import conv2d
from .exercises import Exercise, Panel, Question, grid, side, times, whole
from .kernel_tools import flip_kernel
from .kernels import PRESETS, make_kernel
from .pipeline import input_channels
from .samples import load_sample
from .steps import conv2d_steps, pool2d_steps

PICTURE_SIDE = 128          # pixels: enough to see what a kernel does, small enough to compute at once
CLEAR_PICTURES = ("Shapes", "Checkerboard")
PHOTOS = ("Camera man", "Coffee", "Cat", "Astronaut", "Text", "Shapes")


class KernelChoice(NamedTuple):
    """A preset kernel (a key of :data:`convviz.kernels.PRESETS`), or that preset turned 180°."""

    preset: str
    turned: bool = False

    def build(self) -> tuple[str, np.ndarray]:
        """The kernel's label and weights."""
        name, weights = PRESETS[self.preset].name, make_kernel(self.preset)
        return (f"{name}, turned 180°", flip_kernel(weights)) if self.turned else (name, weights)


def _plain(*presets: str) -> tuple[KernelChoice, ...]:
    return tuple(KernelChoice(p) for p in presets)


def _with_turned(*presets: str) -> tuple[KernelChoice, ...]:
    return tuple(KernelChoice(p, turned) for p in presets for turned in (False, True))


# The kernels each level chooses from: far apart at the warm-up, told apart by their sign when tricky.
KERNEL_CHOICES = (
    (_plain("vertical_edge", "horizontal_edge", "box_blur", "laplacian_8_neighbour"),),
    (_plain("sobel_x", "sobel_y", "box_blur", "laplacian_8_neighbour", "emboss"),),
    (_with_turned("sobel_x", "sobel_y"), _with_turned("emboss") + _plain("prewitt_x", "prewitt_y")),
)


def _cell(steps, shape: tuple[int, int], rng: random.Random, edge: bool) -> tuple[int, int]:
    """An output cell whose window reads some input; one that also reads padding when `edge`."""
    cells = [(r, c) for r in range(shape[0]) for c in range(shape[1]) if not steps.padded[r, c].all()]
    edges = [rc for rc in cells if steps.padded[rc].any()]
    return rng.choice(edges if edge and edges else cells)


def conv_cell(rng: random.Random, tier: int) -> Exercise:
    """One output cell of a small convolution, by multiply and add, with padding and stride."""
    n = rng.choice(((4, 5), (5, 6), (5, 6, 7))[tier])
    k = rng.choice(((2, 3), (3,), (2, 3))[tier])
    padding = rng.choice(((0,), (0, 1), (1, 2))[tier])
    stride = rng.choice(((1,), (1, 2), (2,))[tier])
    dilation = rng.choice((1, 2)) if tier == 2 else 1
    bias = rng.choice((-2, -1, 1, 2)) if tier == 2 else 0
    x = grid(rng, n, n, *((0, 3), (0, 5), (-3, 5))[tier])
    w = np.zeros((k, k))
    while not w.any():
        w = grid(rng, k, k, -tier - 1, tier + 1)
    steps = conv2d_steps(x, w, bias, stride, padding, dilation)
    r, c = _cell(steps, steps.sums.shape, rng, tier == 2 or tier == 1 and rng.random() < 0.5)
    values, padded, products = steps.values[0, r, c], steps.padded[r, c], steps.products[0, r, c]
    total = float(steps.sums[r, c])
    options = (f", dilation {dilation}" if dilation > 1 else "") + (f", bias {whole(bias)}" if bias else "")
    task = (f"A convolution of this {n}×{n} input with this {k}×{k} kernel: stride {stride}, padding {padding} "
            f"(zeros){options}. As in every CNN, the kernel is not flipped (cross-correlation).")
    top, left = r * stride - padding, c * stride - padding
    apart = f"; its taps are {dilation} apart" if dilation > 1 else ""
    lines = [f"The window's top-left weight sits on input row `{r}·{stride} − {padding} = {whole(top)}`, column "
             f"`{c}·{stride} − {padding} = {whole(left)}`{apart}"
             + ("; rows and columns outside the input are padding, which reads 0." if padded.any() else ".")]
    terms = " + ".join(times(a, b) for a, b in zip(w.ravel(), values.ravel()))
    lines.append(f"`{terms}{f' + ({whole(bias)})' if bias < 0 else f' + {bias}' if bias else ''} = {whole(total)}`")
    hint = ("Put the kernel on the input with its top-left weight on row row·stride − padding, column "
            "column·stride − padding; multiply the numbers that meet and add them up.")
    hint += " Padding cells are 0, so their products are 0." if padding else ""
    hint += f" With dilation {dilation} the kernel's taps are {dilation} apart." if dilation > 1 else ""
    hint += " Add the bias last." if bias else ""
    shown = (Panel("what the window reads", values, padded=padded), Panel("products", products))
    question = Question("value", f"What is the output at row {r}, column {c}? (Both count from 0.)",
                        NumberAnswer(total), tuple(lines), shown)
    panels = (Panel("input x", x), Panel("kernel w", w))
    return Exercise("conv_cell", "One output cell", task, hint, (question,), panels)


def pooling(rng: random.Random, tier: int) -> Exercise:
    """The output size of max or average pooling, with `ceil_mode`, and one of its values."""
    n = rng.choice(((4, 6), (5, 6, 7), (5, 6, 7))[tier])
    kind = "max" if tier == 0 else rng.choice(("max", "avg"))
    k = rng.choice(((2,), (2, 3), (2, 3))[tier])
    stride = rng.choice((2, 3)) if tier == 2 else 2
    padding = rng.randint(0, k // 2) if tier == 2 else 0
    ceil_mode = tier > 0 and rng.random() < (0.5, 0.5, 0.8)[tier]
    x = grid(rng, n, n, 0, 9)
    steps = pool2d_steps(x, k, stride, padding, ceil_mode=ceil_mode, kind=kind)
    out = steps.results.shape
    r, c = _cell(steps, out, rng, tier == 2 or ceil_mode and rng.random() < 0.5)
    worked = explain_pool_output_size(n, k, stride, padding, ceil_mode=ceil_mode)[0]
    size_lines = (f"Height and width: `{worked.text}`",) + ((worked.note,) if worked.note else ())
    values, padded, value = steps.values[r, c], steps.padded[r, c], float(steps.results[r, c])
    read = [whole(v) for v in values[~padded]]
    top, left = r * stride - padding, c * stride - padding
    window = (f"The window of output ({r}, {c}) starts at input row `{r}·{stride} − {padding} = {whole(top)}`, "
              f"column `{c}·{stride} − {padding} = {whole(left)}`.")
    if kind == "max":
        calc = f"`max({', '.join(read)}) = {whole(value)}`" + (" (padding is −∞, so it never wins)" if padded.any()
                                                                else "")
    else:
        divisor = int(steps.divisor[r, c])
        why = (" (padding counts in the divisor, as count_include_pad=True does; the part of a ceil_mode window "
               "beyond the padding does not)" if padded.any() else "")
        calc = f"`({' + '.join(read)}) / {divisor} = {NumberAnswer(value).shown}`{why}"
    call = (f"`{kind}_pool2d(x, kernel_size={k}, stride={stride}, padding={padding}, ceil_mode={ceil_mode})`"
            + (" (count_include_pad=True, the default)" if kind == "avg" and padding else ""))
    task = f"{call} on this {n}×{n} input."
    hint = ("Size: ⌊(in + 2·padding − kernel_size) / stride⌋ + 1; with ceil_mode=True round up instead, but a window "
            "may not start in the right padding. Value: the window of output (row, column) starts at input row "
            "row·stride − padding, column column·stride − padding.")
    if tier == 0:
        hint = ("A 2×2 window with stride 2 tiles the input without overlapping: each output is the largest of its "
                "4 numbers.")
    decimals = "" if kind == "max" else f" (to {DECIMALS} decimal places if it is not whole)"
    questions = (Question("size", "What is the output's height × width?", SizeAnswer(out), size_lines),
                 Question("value", f"What is the output at row {r}, column {c}?{decimals}", NumberAnswer(value),
                          (window, calc), (Panel("the window", values, padded=padded),)))
    return Exercise("pooling", "Pooling", task, hint, questions, (Panel("input x", x),))


@cache
def _picture(name: str) -> np.ndarray:
    """A sample picture in grey, as the Playground computes with it (read-only, kept for every exercise)."""
    grey = input_channels(load_sample(name, PICTURE_SIDE).pixels, "luminance")[0]
    grey.setflags(write=False)
    return grey


def which_kernel(rng: random.Random, tier: int) -> Exercise:
    """A real picture, the feature map one of four kernels makes of it: which kernel was it?"""
    picture = rng.choice(CLEAR_PICTURES if tier == 0 else PHOTOS)
    choices = list(rng.choice(KERNEL_CHOICES[tier]))
    rng.shuffle(choices)
    choices = choices[:4]
    correct = rng.randrange(4)
    x = _picture(picture)
    kernels = [choice.build() for choice in choices]
    maps = [conv2d(x[None], w[None, None])[0] for _, w in kernels]
    letters = "ABCD"
    options = tuple(Panel(f"{letter}: {name}", w) for letter, (name, w) in zip(letters, kernels))
    answer = ChoiceAnswer(tuple(name for name, _ in kernels), correct)
    base, weights = PRESETS[choices[correct].preset], kernels[correct][1]
    turned = ""
    if choices[correct].turned:
        turned = (" Turned 180°, every weight changes sign, so light and dark swap." if np.array_equal(
            flip_kernel(weights), -weights) else " Turned 180°, it compares the opposite neighbours, so its highlights "
                                                "and shadows swap sides.")
    lines = (f"It is {answer.shown}: {base.description}{turned}",
             "Below, what each of the four kernels makes of the picture.")
    hint = ("The map is drawn from its lowest value (black) to its highest (white). A blur keeps the picture, softer; "
            "an edge detector is one even grey wherever the picture is flat.")
    if tier == 2:
        hint += " A kernel turned 180° answers an edge with the opposite sign: black and white swap."
    task = (f"The picture “{picture}” ({side(x.shape)} pixels, grey) was convolved with one of the four kernels "
            f"below (no padding).")
    question = Question("choice", "Which kernel made this feature map?", answer, lines,
                        tuple(Panel(f"{letter}: {name}", m, "map") for letter, (name, _), m
                              in zip(letters, kernels, maps)))
    panels = (Panel("the picture", x, "pixels"), Panel("the feature map", maps[correct], "map"), *options)
    return Exercise("which_kernel", "Which kernel made this feature map?", task, hint, (question,), panels)
