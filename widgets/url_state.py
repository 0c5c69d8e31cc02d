"""Page settings that live in the URL, so a shared link restores the exact setup.

One schema (:data:`SCHEMA`) says, for every setting any page has, its type, default and
allowed values. A page calls :func:`restore` before drawing its widgets: each widget's
session-state key is filled from the URL, else from what the page last showed in this
session, else from the default. Widgets are then drawn with ``key=key(page, name)`` and no
``value=``. After the widgets, :func:`publish` writes the values that differ from the
defaults back to the URL. Values that do not parse or are out of range fall back to the
default and come back as notices for the page to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

import numpy as np

from convviz.samples import SAMPLES
from convviz.kernels import PRESETS, validate_kernel


@dataclass(frozen=True)
class Setting:
    """One URL-backed setting: its type, default, and what values are allowed."""

    default: Any
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    check: Callable[[str], object] | None = None  # raises ValueError for text it refuses

    def parse(self, text: str) -> Any:
        """Turn URL text into a value, or raise ValueError saying why it is not allowed."""
        kind = type(self.default)
        if kind is bool:
            if text not in ("0", "1", "true", "false"):
                raise ValueError(f"expected 0 or 1, got {text!r}")
            value: Any = text in ("1", "true")
        elif kind is int:
            value = int(text)
        elif kind is float:
            value = float(text)
            if value != value:
                raise ValueError("not a number")
        else:
            value = text
            if self.check is not None and text:
                self.check(text)
        if self.choices and value not in self.choices:
            raise ValueError(f"{text!r} is not one of the choices")
        if self.low is not None and value < self.low or self.high is not None and value > self.high:
            raise ValueError(f"{value} is outside {self.low}…{self.high}")
        return value

    def dump(self, value: Any) -> str:
        """Text for the URL."""
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(value)

    def but(self, **changes: Any) -> Setting:
        """The same setting with another default (or bounds) for one page."""
        return replace(self, **changes)


def encode_weights(kernel: np.ndarray) -> str:
    """``[[1, 0], [0, 1]]`` → ``"1,0;0,1"`` (for the URL)."""
    return ";".join(",".join(f"{v:g}" for v in row) for row in np.asarray(kernel))


def decode_weights(text: str) -> np.ndarray:
    """Inverse of :func:`encode_weights`; raises ValueError for text that is not a grid."""
    try:
        rows = [[float(v) for v in row.split(",")] for row in text.split(";") if row]
    except ValueError:
        raise ValueError(f"kernel values {text!r} are not numbers") from None
    if not rows or len({len(r) for r in rows}) != 1:
        raise ValueError(f"kernel values {text!r} are not a rectangular grid")
    return validate_kernel(rows)


_AXIS = Setting(1, low=1, high=8)
SCHEMA: dict[str, Setting] = {
    # what is convolved
    "image": Setting(next(iter(SAMPLES)), choices=(*SAMPLES, "upload", "draw")),
    "size": Setting(512, low=64, high=2048),
    "colour": Setting("luminance", choices=("luminance", "each channel", "RGB kernel")),
    # the kernel
    "kernel": Setting("sobel_x", choices=(*PRESETS, "custom", "drawn", "random")),
    "ksize": Setting(3, low=1, high=15),
    "kwidth": Setting(3, low=1, high=15),
    "sigma": Setting(1.0, low=0.1, high=10.0),
    "weights": Setting("", check=decode_weights),
    "seed": Setting(0, low=0, high=10**6),
    "normalise": Setting(False),
    "flip": Setting(False),
    "bank": Setting(""),
    "bias": Setting(0.0, low=-1000.0, high=1000.0),
    # the layer
    "stride": _AXIS,
    "stride_w": _AXIS,
    "padding": Setting("same", choices=("valid", "same", "full", "amount")),
    "pad": Setting(1, low=0, high=16),
    "pad_w": Setting(1, low=0, high=16),
    "mode": Setting("zeros", choices=("zeros", "reflect", "replicate", "circular")),
    "dilation": _AXIS,
    "dilation_w": _AXIS,
    "per_axis": Setting(False),
    "activation": Setting("none", choices=("none", "ReLU", "leaky ReLU", "sigmoid", "tanh")),
    "pool": Setting("none", choices=("none", "max", "avg")),
    "pool_size": Setting(2, low=1, high=8),
    "pool_stride": Setting(2, low=1, high=8),
    "display": Setting("raw", choices=("raw", "absolute", "clipped", "stretched")),
    # inspecting one position
    "row": Setting(0, low=0, high=4096),
    "col": Setting(0, low=0, high=4096),
    # the step-by-step page
    "grid": Setting("textbook", choices=("textbook", "random", "image patch")),
    "grid_size": Setting(5, low=3, high=16),
    "grid_seed": Setting(0, low=0, high=10**6),
    "patch": Setting(12, low=6, high=32),
    "operation": Setting("convolution", choices=("convolution", "channels", "max pool", "avg pool", "transposed")),
    "output_padding": Setting(0, low=0, high=7),
    "ceil_mode": Setting(False),
    "count_include_pad": Setting(True),
    "step": Setting(1, low=1, high=100_000),
    "speed": Setting("normal", choices=("slow", "normal", "fast")),
    # the shapes page
    "dims": Setting(2, low=1, high=3),
    "op": Setting("convolution", choices=("convolution", "pooling", "transposed")),
    "pad_as": Setting("amount", choices=("amount", "valid", "same", "full")),
    "ceil": Setting(False),
    **{f"{name}{suffix}": setting for suffix in ("", "_2", "_3") for name, setting in (
        ("len", Setting(32, low=1, high=4096)), ("k", Setting(5, low=1, high=64)), ("s", Setting(1, low=1, high=64)),
        ("p", Setting(0, low=0, high=64)), ("d", Setting(1, low=1, high=64)), ("opad", Setting(0, low=0, high=63)))},
    "preset": Setting("LeNet-5", choices=("LeNet-5", "AlexNet (first layers)", "VGG block", "ResNet basic block",
                                          "MobileNet block")),
    "stack": Setting(""),
    "unit_r": Setting(0, low=0, high=4096),
    "unit_c": Setting(0, low=0, high=4096),
}


def key(page: str, name: str) -> str:
    """Session-state key of a page's setting, e.g. ``"playground.stride"``."""
    return f"{page}.{name}"


def restore(page: str, settings: dict[str, Setting]) -> list[str]:
    """Fill session state for `settings` from the URL, this session's memory, or defaults.

    Runs before the page draws its widgets. Returns a notice per URL value that was not
    allowed and fell back to the default.
    """
    memory = st.session_state.setdefault("_url_state_memory", {}).setdefault(page, {})
    params = st.query_params
    notices = []
    for name, setting in settings.items():
        k = key(page, name)
        if k in st.session_state:
            continue
        value = memory.get(name, setting.default)
        if name in params:
            try:
                value = setting.parse(params[name])
            except ValueError as exc:
                value = setting.default
                notices.append(f"Link value {name}={params[name]!r} ignored ({exc}); using {setting.dump(value)}.")
        st.session_state[k] = value
    return notices


def value(page: str, name: str) -> Any:
    """Current value of a page's setting."""
    return st.session_state[key(page, name)]


def set_value(page: str, name: str, new: Any) -> None:
    """Change a setting before its widget is drawn (for example from a click on a figure)."""
    st.session_state[key(page, name)] = new


def publish(page: str, settings: dict[str, Setting], skip: Iterable[str] = ()) -> None:
    """Write the page's non-default settings to the URL and remember them for this session."""
    memory = st.session_state.setdefault("_url_state_memory", {}).setdefault(page, {})
    wanted = {}
    for name, setting in settings.items():
        current = st.session_state.get(key(page, name), setting.default)
        memory[name] = current
        if name not in skip and current != setting.default:
            wanted[name] = setting.dump(current)
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
