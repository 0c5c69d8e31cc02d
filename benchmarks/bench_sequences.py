"""Filtering a long sound, side by side: `python benchmarks/bench_sequences.py`.

A 30-second clip at 16 kHz (480,000 samples) through a 255-tap kernel, "same" padding, as
the Sequences page filters it: :func:`convviz.signals.filter_signal` (overlap-add FFT), the
engine's direct :func:`convviz.conv1d`, ``torch.nn.functional.conv1d`` on one thread in float64
and float32 (when torch is installed) and ``scipy.signal.oaconvolve``. Best of several interleaved rounds, so a
noisy neighbour slows every contender alike. Target: ``filter_signal`` within 50 ms; the last
line says whether this run met it, and how far its output is from conv1d's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.signal import oaconvolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import convviz
from bench_engine import best_times  # this folder: the same interleaved timing
from convviz.signals import filter_signal

SECONDS, RATE, TAPS, TARGET_MS = 30, 16_000, 255, 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(SECONDS * RATE), rng.standard_normal(TAPS)
    contenders = {
        "convviz.signals.filter_signal (overlap-add FFT)": lambda: filter_signal(x, w, RATE, padding="same"),
        "convviz.conv1d (direct)": lambda: convviz.conv1d(x[None], w[None, None], padding="same"),
        "scipy.signal.oaconvolve": lambda: oaconvolve(x, w[::-1], mode="same"),
    }
    try:
        import torch

        torch.set_num_threads(1)
        xt, wt = torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None]
        x32, w32 = xt.float(), wt.float()
        contenders["torch conv1d float64, 1 thread"] = lambda: torch.nn.functional.conv1d(xt, wt, padding="same")
        contenders["torch conv1d float32, 1 thread"] = lambda: torch.nn.functional.conv1d(x32, w32, padding="same")
    except ImportError:
        print("(torch is not installed: no PyTorch column)")
    best = best_times(contenders, args.rounds)
    print(f"{SECONDS} s at {RATE} Hz ({x.size:,} samples), {TAPS}-tap kernel, padding 'same', best of {args.rounds}:")
    for name, seconds in best.items():
        print(f"  {name:<48} {seconds * 1000:8.1f} ms")
    ours = best["convviz.signals.filter_signal (overlap-add FFT)"] * 1000
    gap = np.abs(filter_signal(x, w, RATE, padding="same").output
                 - convviz.conv1d(x[None], w[None, None], padding="same")[0]).max()
    print(f"filter_signal: {ours:.1f} ms, {'within' if ours <= TARGET_MS else 'OVER'} the {TARGET_MS:g} ms target; "
          f"largest difference from conv1d {gap:.1e}")


if __name__ == "__main__":
    main()
