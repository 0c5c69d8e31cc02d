"""Signals and 1-D kernels: a synthetic recording, four classic filters, and fast filtering.

A kernel slid along a sound is a filter. The four here show the usual ones: a moving
average (smooths, keeps low frequencies), a difference (keeps the changes, high
frequencies), a Gaussian (a smoother low-pass) and a *matched filter*, a piece cut from the
signal itself, which answers most where the signal looks like that piece. Because a CNN's
convolution is cross-correlation, the piece is used as it is, not reversed.

:func:`filter_signal` computes exactly :func:`convviz.conv.conv1d` (same settings, same
padding modes, same output), but through overlap-add FFT convolution
(:func:`scipy.signal.oaconvolve`), so a 30-second clip and a 255-tap kernel take
milliseconds rather than a fifth of a second.

Examples
--------
>>> moving_average(4).tolist(), difference().tolist()
([0.25, 0.25, 0.25, 0.25], [-1.0, 1.0])
>>> f = filter_signal(np.array([1.0, 2.0, 4.0, 8.0]), difference(), 8000)
>>> f.output.round(12).tolist(), f.geometry.out
([1.0, 2.0, 4.0], (3,))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy.signal import oaconvolve

from .arguments import IntOrTuple, Padding, as_float_array, check_finite
from .geometry import Geometry, conv_geometry
from .padding import pad
from .recordings import Recording

SAMPLE_RATE = 16_000          #: of the synthetic recording
CALLS = (0.35, 1.05, 1.8, 2.5)  #: seconds at which the synthetic recording's four calls start
CALL_SECONDS = 0.06
MAX_TAPS = 2047               #: longest kernel, in taps
KERNELS = {"moving_average": "Moving average", "difference": "Difference", "gaussian": "Gaussian",
           "matched": "Matched filter (cut from the signal)"}


def synthetic_recording(seconds: float = 3.0, sample_rate: int = SAMPLE_RATE, seed: int = 0) -> Recording:
    """A sweep from 100 Hz to 4 kHz, four short calls at :data:`CALLS` and a little noise.

    The sweep shows what a filter does to each frequency in turn (a moving average mutes
    its end); the calls are 60 ms tone bursts at 1 kHz under a Hann envelope, for a
    matched filter to find. Peak level stays below 1.

    >>> r = synthetic_recording()
    >>> r.samples.shape, r.sample_rate, bool(np.abs(r.samples).max() < 1)
    ((1, 48000), 16000, True)
    """
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    sweep = 0.25 * np.sin(2 * np.pi * (100 * t + (4000 - 100) / (2 * seconds) * t ** 2))
    x = sweep + 0.04 * np.random.default_rng(seed).standard_normal(t.size)
    n = int(CALL_SECONDS * sample_rate)
    call = 0.55 * np.hanning(n) * np.sin(2 * np.pi * 1000 * np.arange(n) / sample_rate)
    for start in CALLS:
        at = int(start * sample_rate)
        if at + n <= t.size:
            x[at:at + n] += call
    return Recording(x[None], sample_rate, "synthetic: sweep, four calls and noise")


def moving_average(taps: int) -> np.ndarray:
    """``taps`` equal weights that add up to 1."""
    return np.full(_taps(taps), 1.0 / taps)


def difference() -> np.ndarray:
    """``[−1, 1]``: each output is the next sample minus this one."""
    return np.array([-1.0, 1.0])


def gaussian(sigma: float) -> np.ndarray:
    """A Gaussian bell of width `sigma` samples over ±3σ, adding up to 1.

    >>> gaussian(1.0).size, round(float(gaussian(1.0).sum()), 12)
    (7, 1.0)
    """
    if not 0.2 <= sigma <= MAX_TAPS / 6:
        raise ValueError(f"sigma must be between 0.2 and {MAX_TAPS / 6:.0f} samples, got {sigma}")
    radius = int(np.ceil(3 * sigma))
    bell = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    return bell / bell.sum()


def matched_filter(x: np.ndarray, start: int, taps: int) -> np.ndarray:
    """The piece ``x[start:start + taps]``, less its mean, scaled to length 1.

    Slid along `x` it answers most where `x` looks like the piece (the template): at the
    piece itself the answer is the length of the piece less its mean.

    >>> matched_filter(np.array([0.0, 3.0, 1.0, 3.0, 9.0]), 1, 2).round(3).tolist()
    [0.707, -0.707]
    """
    taps = _taps(taps)
    if not 0 <= start <= x.size - taps:
        raise ValueError(f"the piece of {taps} samples from sample {start} does not fit in the "
                         f"{x.size} samples of the signal")
    piece = x[start:start + taps] - x[start:start + taps].mean()
    norm = float(np.linalg.norm(piece))
    if norm == 0:
        raise ValueError(f"the piece from sample {start} is flat (silent): it matches nothing; pick another place")
    return piece / norm


def parse_numbers(text: str, name: str, most: int) -> np.ndarray:
    """Numbers written with commas, semicolons or spaces between them, at most `most` of them.

    >>> parse_numbers("1, -0.5  2;3", "kernel", 9).tolist()
    [1.0, -0.5, 2.0, 3.0]
    >>> parse_numbers("1, x", "kernel", 9)
    Traceback (most recent call last):
    ...
    ValueError: the kernel must be numbers separated by commas or spaces; item 2 is not a number
    """
    items = [t for t in re.split(r"[\s,;]+", text.replace("−", "-").strip()) if t]
    if not items:
        raise ValueError(f"the {name} is empty: write numbers separated by commas or spaces")
    if len(items) > most:
        raise ValueError(f"the {name} has {len(items)} numbers; at most {most} are shown")
    values = []
    for i, item in enumerate(items, start=1):
        try:
            values.append(float(item))
        except ValueError:
            raise ValueError(f"the {name} must be numbers separated by commas or spaces; item {i} is not a number"
                             ) from None
        if not np.isfinite(values[-1]) or abs(values[-1]) > 1e6:
            raise ValueError(f"the {name}'s item {i} must be a finite number of at most a million in size")
    return np.array(values)


def _taps(taps: int) -> int:
    if not 1 <= taps <= MAX_TAPS:
        raise ValueError(f"a kernel needs 1 to {MAX_TAPS} taps, got {taps}")
    return int(taps)


@dataclass(frozen=True)
class Filtered:
    """A signal after a kernel.

    Attributes
    ----------
    output : float array (OL,)
    geometry : Geometry
        The settings resolved: padding per side, output length and its formula.
    sample_rate : float
        Of the output: the input's divided by the stride.
    """

    output: np.ndarray
    geometry: Geometry
    sample_rate: float

    @property
    def times(self) -> np.ndarray:
        """Seconds at which each output is drawn: output ``n`` at ``n / sample_rate``, as ``y[n]`` is."""
        return np.arange(self.output.size) / self.sample_rate


def filter_signal(
    x: object, weight: object, sample_rate: float, stride: IntOrTuple = 1, padding: Padding = 0,
    dilation: IntOrTuple = 1, padding_mode: str = "zeros",
) -> Filtered:
    """``conv1d(x, weight)`` for one long channel, computed by overlap-add FFT convolution.

    Parameters
    ----------
    x : array (L,)
    weight : array (K,)
    sample_rate : float
        Of `x`, in samples per second.
    stride, padding, dilation, padding_mode
        As in :func:`convviz.conv.conv1d`.

    Notes
    -----
    Pads once (:func:`convviz.padding.pad`, any mode), spreads the kernel by the dilation,
    correlates by FFT over blocks and keeps every `stride`-th output. The cost grows as
    ``L·log K`` rather than ``L·K``; results equal :func:`convviz.conv.conv1d` to about
    1e-12 of the signal's scale.
    """
    a, w = as_float_array(x, "x"), as_float_array(weight, "weight")
    if a.ndim != 1 or w.ndim != 1 or not a.size or not w.size:
        raise ValueError(f"x and weight must be non-empty 1-D arrays, got shapes {a.shape} and {w.shape}")
    check_finite(w, "weight")
    geometry = conv_geometry(a.shape, w.shape, stride, padding, dilation, padding_mode)
    (span,), (d,), (s,) = geometry.span, geometry.dilation, geometry.stride
    spread = np.zeros(span)
    spread[::d] = w
    padded = pad(a.astype(np.float64), geometry.pads, padding_mode)
    valid = oaconvolve(padded, spread[::-1], mode="valid")
    return Filtered(valid[::s][:geometry.out[0]], geometry, sample_rate / s)
