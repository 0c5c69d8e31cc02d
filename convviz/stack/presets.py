"""Known stacks for the layer-stack planner, each with what to notice about it.

>>> from convviz.stack.layers import plan
>>> plan(PRESETS["LeNet-5"].input_shape, PRESETS["LeNet-5"].layers)[0].shape
(6, 28, 28)
"""

from __future__ import annotations

from dataclasses import dataclass

from .layers import Activation, Conv, DepthwiseConv, Flatten, Layer, Linear, Pointwise, Pool, Shape


@dataclass(frozen=True)
class Preset:
    """A known stack: its input shape ``(C, H, W)``, its layers, and what to notice."""

    input_shape: Shape
    layers: tuple[Layer, ...]
    note: str = ""


_RELU, _TANH = Activation("ReLU"), Activation("tanh")
PRESETS: dict[str, Preset] = {
    "LeNet-5": Preset((1, 32, 32), (
        Conv(6, 5), _TANH, Pool(2, mode="avg"), Conv(16, 5), _TANH, Pool(2, mode="avg"), Flatten(),
        Linear(120), _TANH, Linear(84), _TANH, Linear(10)),
        "LeCun et al. (1998), as usually rebuilt today: 5×5 convolutions without padding shrink 32 → 28 "
        "and 14 → 10; the pools halve. Parameters: 156, 2,416, 48,120, 10,164 and 850."),
    "AlexNet (first layers)": Preset((3, 227, 227), (
        Conv(96, 11, stride=4), _RELU, Pool(3, stride=2), Conv(256, 5, padding=2), _RELU,
        Pool(3, stride=2), Conv(384, 3, padding=1), _RELU),
        "Krizhevsky et al. (2012): (227 − 11)/4 + 1 = 55 exactly. The paper says 224, which gives "
        "54.25; 227 is the size that divides. Overlapping 3×3 pools with stride 2: 55 → 27 → 13."),
    "VGG block": Preset((3, 224, 224), (
        Conv(64, 3, padding=1), _RELU, Conv(64, 3, padding=1), _RELU, Pool(2)),
        "Simonyan & Zisserman (2014): 3×3 convolutions with padding 1 keep the size; two of them "
        "see 5×5 with fewer parameters than one 5×5 layer. Then a 2×2 pool halves."),
    "ResNet basic block": Preset((64, 56, 56), (
        Conv(64, 3, padding=1, bias=False), _RELU, Conv(64, 3, padding=1, bias=False), _RELU),
        "He et al. (2015): the block's input is added to its output before the last ReLU (the skip "
        "connection), so the shapes must match: both 3×3 convolutions keep 64×56×56. No bias: "
        "batch normalisation (not shown) follows each convolution."),
    "MobileNet block": Preset((32, 112, 112), (
        DepthwiseConv(3, padding=1, bias=False), _RELU, Pointwise(64, bias=False), _RELU),
        "Howard et al. (2017): a 3×3 depthwise convolution filters each channel alone, then a 1×1 "
        "convolution mixes channels. Against one standard 3×3 convolution with the same shapes it "
        "costs 1/C_out + 1/k² as much: 1/64 + 1/9 ≈ 0.127."),
}
