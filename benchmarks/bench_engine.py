"""Engine speed, measured side by side in one run: `python benchmarks/bench_engine.py`.

For each case it prints the engine's best time, the ratio to ``torch.nn.functional`` on one
thread (when torch is installed) and the ratio to one streaming pass over the input
(``np.add(x, x, out=y)``). Timings interleave the contenders round by round, so a noisy
neighbour slows all of them alike. Targets: geometric mean of the convolution ratios (A–D)
at most 0.5× PyTorch, no case above 2×, pooling at most 0.5×, the 3-D clip (V) at most
1.5×; the last line says whether this run met them.

The engine's matrix products run in numpy's OpenBLAS, which picks its kernels for the CPU when
it loads unless ``OPENBLAS_CORETYPE`` names them; PyTorch's oneDNN picks its own whatever that
says. The first line names the kernels in use. When ``OPENBLAS_CORETYPE`` is set, the cases are
measured again in a second process without it, and both tables are printed: on an AVX-512 CPU
with ``OPENBLAS_CORETYPE=Haswell`` (AVX2 kernels, half the width oneDNN uses) the products take
about twice as long.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import convviz
from threadpoolctl import threadpool_info

CONV = {
    "A 3×512×512 → 8×3×3, pad 1": ((3, 512, 512), (8, 3, 3, 3), dict(padding=1)),
    "B 1×1024×1024 → 1×3×3, pad 1": ((1, 1024, 1024), (1, 1, 3, 3), dict(padding=1)),
    "C 3×2048×2048 → 1×5×5, s2 d2 pad 4": ((3, 2048, 2048), (1, 3, 5, 5), dict(stride=2, dilation=2, padding=4)),
    "D 3×256×256 → 16×7×7, pad 3": ((3, 256, 256), (16, 3, 7, 7), dict(padding=3)),
}
VOLUME = ("V 3×16×112×112 → 8×3×3×3, pad 1", (3, 16, 112, 112), (8, 3, 3, 3, 3))
POOL = {
    "max pool 2×2/2, 3×2048×2048": ("max", 2, 2),
    "max pool 3×3/2, 3×2048×2048": ("max", 3, 2),
    "avg pool 2×2/2, 3×2048×2048": ("avg", 2, 2),
}


def best_times(contenders: dict, rounds: int) -> dict[str, float]:
    """Best wall time of each callable over `rounds` rounds, interleaved."""
    for f in contenders.values():
        f()
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, f in contenders.items():
            t = time.perf_counter()
            f()
            best[name] = min(best[name], time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    core = next((i.get("architecture", "?") for i in threadpool_info() if i["internal_api"] == "openblas"), "?")
    forced = os.environ.get("OPENBLAS_CORETYPE")
    print(f"OpenBLAS kernels: {core}, " + (f"set by OPENBLAS_CORETYPE={forced}" if forced else "its own choice"))
    measure(args.rounds)
    if forced:
        print("\nThe same without OPENBLAS_CORETYPE, in a new process:")
        sys.stdout.flush()
        env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
        subprocess.run([sys.executable, __file__, "--rounds", str(args.rounds)], env=env, check=True)


def measure(rounds: int) -> None:
    """Print every case's times and whether this process met the targets."""
    try:
        import torch
        import torch.nn.functional as F

        torch.set_num_threads(1)
    except ImportError:
        torch = None
        print("torch is not installed: ratios to PyTorch are left out.")
    rng = np.random.default_rng(0)
    ratios: list[float] = []
    print(f"{'case':38} {'convviz':>9} {'÷ torch':>8} {'÷ stream':>9}")

    def report(name: str, ours, theirs, x: np.ndarray, bucket: list[float] | None) -> None:
        y = np.empty_like(x)
        contenders = {"ours": ours, "stream": lambda: np.add(x, x, out=y)}
        if theirs is not None:
            contenders["torch"] = theirs
        t = best_times(contenders, rounds)
        vs_torch = t["ours"] / t["torch"] if "torch" in t else float("nan")
        if bucket is not None and "torch" in t:
            bucket.append(vs_torch)
        print(f"{name:38} {t['ours'] * 1e3:7.2f}ms {vs_torch:7.2f}× {t['ours'] / t['stream']:8.1f}×")

    for name, (xs, ws, kw) in CONV.items():
        x = rng.standard_normal(xs, dtype=np.float32)
        w = rng.standard_normal(ws, dtype=np.float32)
        theirs = None
        if torch is not None:
            xt, wt = torch.from_numpy(x)[None], torch.from_numpy(w)
            theirs = lambda xt=xt, wt=wt, kw=kw: F.conv2d(xt, wt, **kw)  # noqa: E731
        report(name, lambda x=x, w=w, kw=kw: convviz.conv2d(x, w, **kw), theirs, x, ratios)
    pool_ratios: list[float] = []
    x = rng.standard_normal((3, 2048, 2048), dtype=np.float32)
    for name, (kind, k, s) in POOL.items():
        pool = convviz.max_pool2d if kind == "max" else convviz.avg_pool2d
        ours = lambda pool=pool, k=k, s=s: pool(x, k, s)  # noqa: E731
        theirs = None
        if torch is not None:
            fn = F.max_pool2d if kind == "max" else F.avg_pool2d
            xt = torch.from_numpy(x)[None]
            theirs = lambda fn=fn, k=k, s=s, xt=xt: fn(xt, k, s)  # noqa: E731
        report(name, ours, theirs, x, pool_ratios)
    volume_ratios: list[float] = []
    name, xs, ws = VOLUME
    v, w3 = rng.standard_normal(xs, dtype=np.float32), rng.standard_normal(ws, dtype=np.float32)
    theirs = None
    if torch is not None:
        vt, wt3 = torch.from_numpy(v)[None], torch.from_numpy(w3)
        theirs = lambda: F.conv3d(vt, wt3, padding=1)  # noqa: E731
    report(name, lambda: convviz.conv3d(v, w3, padding=1), theirs, v, volume_ratios)
    if ratios:
        geo = float(np.exp(np.mean(np.log(ratios))))
        worst, worst_pool = max(ratios + pool_ratios), max(pool_ratios)
        print(f"\nconvolution: geometric mean {geo:.2f}× PyTorch (target ≤ 0.5)")
        print(f"every case: worst {worst:.2f}× (target ≤ 2)")
        print(f"pooling: worst {worst_pool:.2f}× PyTorch (target ≤ 0.5)")
        print(f"3-D clip: {volume_ratios[0]:.2f}× PyTorch (target ≤ 1.5)")
        met = geo <= 0.5 and worst <= 2 and worst_pool <= 0.5 and volume_ratios[0] <= 1.5
        print("targets: met" if met else "targets: NOT met")


if __name__ == "__main__":
    main()
