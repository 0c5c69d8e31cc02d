"""What one Playground control change costs the server: `python benchmarks/playground_rerun.py`.

Starts `streamlit run app.py` on a free loopback port, opens the Playground in one tab speaking
Streamlit's protocol (`streamlit_client.py`), then changes the stride, the kernel, the padding and
the dilation in turn (`--changes`, 40 in all, after one warm-up round of each) and prints, per
control and for all: the median, mean and 95th percentile of the server's CPU time per rerun and
of the bytes of ForwardMsgs the rerun sent, with the elements that sent the most. CPU is user +
system time from /proc, so another program on the machine adds little; /proc counts it in clock
ticks (10 ms), so a median falls on that grid and the mean is the finer figure. Targets: CPU median ≤ 40 ms,
≤ 60 kB per rerun. `--set OPTION=VALUE` passes an option to the server, as in `load.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from load import CHANGES, change
from processes import start
from streamlit_client import Run, Session


class CountingSession(Session):
    """A tab that also tallies the bytes of each run's messages by what they draw."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.sizes: Counter = Counter()

    def _read(self, data: bytes, run: Run, started: set[str]) -> bool:
        msg = ForwardMsg.FromString(data)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            key = getattr(getattr(element, what), "id", "").split("-", 2)[-1]
            kind = f"{what} {key}".strip()
        self.sizes[kind] += len(data)
        return super()._read(data, run, started)


async def measure(address: str, server, changes: int, seed: int) -> dict[str, list[tuple[float, int, Counter]]]:
    """(CPU s, bytes, bytes by element) of each change, by control; one warm-up round first, not kept."""
    rng, tab = random.Random(seed), CountingSession(address)
    await tab.connect()
    await tab.rerun(page="")
    results = defaultdict(list)
    names = list(CHANGES)
    for i in range(len(names) + changes):
        name = names[i % len(names)]
        tab.sizes = Counter()
        before = server.cpu()
        run = await tab.rerun(change=change(tab, name, rng))
        cpu = server.cpu() - before
        if run.outcome != "ok" or run.problems:
            raise RuntimeError(f"{name}: {run.outcome} {run.problems}")
        if i >= len(names):
            results[name].append((cpu, run.bytes, tab.sizes))
    await tab.ws.close()
    return results


def report(results: dict[str, list[tuple[float, int, Counter]]]) -> None:
    def row(label: str, runs: list[tuple[float, int, Counter]]) -> None:
        cpu = sorted(r[0] for r in runs)
        kb = sorted(r[1] / 1e3 for r in runs)
        p95 = int(0.95 * (len(runs) - 1))
        print(f"  {label:9} {len(runs):5d} {1e3 * statistics.median(cpu):9.0f} {1e3 * statistics.mean(cpu):8.1f}"
              f" {1e3 * cpu[p95]:8.0f} {statistics.median(kb):9.1f} {statistics.mean(kb):8.1f} {kb[p95]:8.1f}")

    print(f"  {'change':9} {'runs':>5} {'CPU ms':>9} {'mean':>8} {'p95':>8} {'kB':>9} {'mean':>8} {'p95':>8}")
    every = [r for runs in results.values() for r in runs]
    for name, runs in results.items():
        row(name, runs)
    row("all", every)
    total = sum((r[2] for r in every), Counter())
    print("  kB per rerun by message (mean): " + ", ".join(
        f"{k} {v / len(every) / 1e3:.1f}" for k, v in total.most_common(8)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=40, help="changes measured, after one warm-up round (40)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the values picked (0)")
    parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                        help="a Streamlit option for the server (repeatable)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="convviz-rerun-"))
    address, servers, _ = start(None, args.set, folder)
    try:
        load = os.getloadavg()[0]
        results = asyncio.run(measure(address, servers[0], args.changes, args.seed))
    finally:
        servers[0].stop()
    print(f"One Playground tab, {args.changes} control changes (load average {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after, {os.cpu_count()} CPUs; log: {folder})")
    report(results)


if __name__ == "__main__":
    main()
