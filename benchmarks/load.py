"""A class of students against a real `streamlit run app.py`: `python benchmarks/load.py`.

Starts the app on a free loopback port (`--through-nginx N`: N copies behind nginx, with
deploy/nginx.conf; `--compare-nginx 1,2`: one such run per N, then a table side by side) and lets
S students (`--sessions`, 30) use it for D seconds (`--seconds`, 60). Each opens the Playground,
then every 2–5 s (`--seed`) changes the stride, the kernel, the padding or the dilation, and once
goes to Step by step (through the Playground's own link) and once to Shape arithmetic, coming back
each time. A student waits for each result before the next change, as a person does, so the
reruns per second are what the server can give, and the latency is what a student waits.

A student is a browser tab speaking Streamlit's own protocol (`streamlit_client.py`), so thirty
cost the client little; the servers and nginx are started by `processes.py`.

A change is applied when its widget comes back with the value sent and the URL names the setting
just when it is not the default. Errors: exceptions on the page, runs not finished in 30 s, lost
websockets, a wrong page, a change not applied, a tab whose requests reached two backends, and
tracebacks in the server's log. `--set runner.postScriptGC=false` passes an option to every server.

`--faults` adds the tabs of `faults.py` to the class: tabs closed mid-run, a burst of 30 changes in
a second, a reconnect after a network drop, waves of five 12-megapixel uploads at working size
2048. Their runs and errors are reported apart from the students', whose latency is what everyone
else waited meanwhile. Every server's RSS is sampled every 0.5 s: the report gives it at the start,
at its peak and at the end, the slope of a line through the samples (over the run and over its
second half, after the caches have filled) and, with `--faults`, just before each upload wave; and
what the server says it holds at the end (`/_stcore/metrics`, saved beside the logs with the RSS
samples: `rss-PORT.csv`, seconds and kB).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from google.protobuf.text_format import MessageToString
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.exceptions import WebSocketException

import faults
from processes import Process, server_stats, slope, start
from streamlit_client import RUN_TIMEOUT, Run, Session, Stats

THINK = (2.0, 5.0)
CHANGES = {"stride": "playground.layer.stride", "kernel": "playground.kernel.kernel",
           "padding": "playground.layer.padding", "dilation": "playground.layer.dilation"}
SLIDER_VALUES = {"stride": (1, 2, 3, 4), "dilation": (1, 2, 3)}
VISITS = {"step_by_step": (0.15, 0.5), "shapes": (0.5, 0.85)}  # when, as a fraction of the run
ACTIONS = ("open", *CHANGES, *VISITS, "back")


def change(session: Session, name: str, rng: random.Random) -> WidgetState:
    """Another value for one of the layer's controls, picked as a student would."""
    kind, w = session.widgets[CHANGES[name]]
    current, s = session.value(CHANGES[name]), WidgetState(id=w.id)
    if kind == "slider":
        s.double_array_value.data.append(rng.choice([v for v in SLIDER_VALUES[name]
                                                     if v != current.double_array_value.data[0]]))
    else:  # a choice ending in "…" wants typing or drawing next
        s.string_value = rng.choice([o for o in w.options if o != current.string_value and not o.endswith("…")])
    return s


def not_applied(session: Session, run: Run, key: str, sent: WidgetState) -> str | None:
    """Why the change did not reach the page (its widget and its URL), or None when it did."""
    if session.kept(run, key, sent):
        return None
    echo = run.values.get(key)
    shown = MessageToString(echo, as_one_line=True) if echo else "no widget"
    return f"sent {MessageToString(sent, as_one_line=True)}, came back {shown}, URL ?{session.query}"


async def student(address: str, rng: random.Random, begin: float, end: float, stats: Stats) -> None:
    """Open the Playground, change a control every 2–5 s, visit each other page once, until `end`."""
    visits = {page: begin + rng.uniform(*span) * (end - begin) for page, span in VISITS.items()}
    session, away = None, False
    await asyncio.sleep(rng.uniform(0, 3))  # a class does not open the link in the same instant
    while time.monotonic() < end:
        if session is None:
            session = Session(address)
            try:
                await session.connect()
            except (WebSocketException, OSError, TimeoutError) as exc:
                stats.error("connect failed", repr(exc))
                session = None
                await asyncio.sleep(min(THINK[1], max(0.0, end - time.monotonic())))
                continue
            action, run = "open", await session.rerun(page="")
        else:
            await asyncio.sleep(min(rng.uniform(*THINK), max(0.0, end - time.monotonic())))
            if time.monotonic() >= end:
                break
            due = [page for page, at in visits.items() if at <= time.monotonic()]
            missing = set(CHANGES.values()) - set(session.widgets)
            if away or missing:  # back through the sidebar, whose links carry no query
                if not away and session.widgets:  # (none at all: the last run failed, and said so)
                    stats.error("widget missing", f"the Playground drew none of {sorted(missing)}")
                action, away = "back", False
                run = await session.rerun(page=session.pages.get("", ""), query="")
            elif due:
                action, away = due[0], True
                del visits[action]
                target, query = session.links.get(action, (session.pages.get(action, ""), ""))
                run = await session.rerun(page=target, query=query)
            else:
                action = rng.choice(list(CHANGES))
                sent = change(session, action, rng)
                run = await session.rerun(change=sent)
                if run.outcome == "ok" and (why := not_applied(session, run, CHANGES[action], sent)):
                    stats.error("not applied", f"{action}: {why}")
        stats.record(action, run)
        page = action if action in VISITS else "playground"
        if run.outcome == "ok" and not any(key.startswith(page + ".") for key in run.widgets):
            stats.error("wrong page", f"{action} drew {sorted(run.widgets)[:3]}")
        if run.outcome == "lost":
            session, away = None, False
    if session is not None:
        reached = session.backends - {None}
        stats.per_backend[" ".join(sorted(reached))] += 1
        if len(reached) > 1:
            stats.error("not sticky", f"one tab reached {sorted(reached)}")
        await session.ws.close()


async def load(address: str, servers: list[Process], sessions: int, seconds: float, seed: int,
               trouble: faults.Faults | None) -> Stats:
    """All the students (and the fault tabs) at once, while RSS is sampled every 0.5 s; stops by itself."""
    stats, begin = Stats(), time.monotonic()
    rngs = [random.Random(seed * 1000 + i) for i in range(sessions)]
    others = trouble.actors(address, begin, begin + seconds) if trouble else []
    everyone = asyncio.gather(*(student(address, rng, begin, begin + seconds, stats) for rng in rngs), *others)
    stop = begin + seconds + 2 * RUN_TIMEOUT + 30
    while not everyone.done() and time.monotonic() < stop:
        for s in servers:
            s.sample()
        await asyncio.wait([everyone], timeout=0.5)
    if not everyone.done():
        everyone.cancel()
        stats.error("students stuck", "stopped at the hard time limit")
    else:
        everyone.result()  # a bug in this client is raised, not lost
    return stats


def bench(backends: int | None, sessions: int, seconds: float, seed: int, options: list[str],
          with_faults: bool) -> dict:
    """One run: start the setup, load it, stop it, and return its numbers."""
    folder = Path(tempfile.mkdtemp(prefix="convviz-load-"))
    servers, nginx, trouble = [], None, faults.Faults(seed) if with_faults else None
    try:
        address, servers, nginx = start(backends, options, folder)
        before, cpu, client, t = os.getloadavg()[0], [s.cpu() for s in servers], time.process_time(), time.monotonic()
        stats = asyncio.run(load(address, servers, sessions, seconds, seed, trouble))
        r = {"backends": backends, "stats": stats, "faults": trouble, "elapsed": time.monotonic() - t,
             "client": time.process_time() - client, "begin": t,
             "cpu": sum(s.cpu() - c for s, c in zip(servers, cpu)), "nginx_cpu": nginx.cpu() if nginx else 0.0,
             "rss": [s.peak_rss for s in servers], "hwm": [s.memory("VmHWM") for s in servers], "logs": folder,
             "samples": [s.samples for s in servers], "load": (before, os.getloadavg()[0]),
             "all": [v for ms in stats.ms.values() for v in ms], "held": [], "log": Stats()}
        for s in servers:  # what the servers still hold, when every tab has gone
            try:
                held, text = server_stats(s.address)
            except OSError as exc:
                held, text = {}, ""
                r["log"].error("no metrics", f"{s.address}: {exc!r}")
            r["held"].append(held)
            port = s.address.rsplit(":", 1)[1]
            (folder / f"metrics-{port}.txt").write_text(text)
            (folder / f"rss-{port}.csv").write_text("".join(f"{at - t:.1f},{k}\n" for at, k in s.samples))
    finally:
        for p in [*([nginx] if nginx else []), *servers]:
            p.stop()
    for s in servers:
        for block in s.log.read_text(errors="replace").split("Traceback (most recent call last):")[1:]:
            r["log"].error("server traceback", next((line for line in block.splitlines() if line[:1].isalpha()), block))
    log = folder / "error.log"
    for line in log.read_text().splitlines() if log.exists() else []:
        if any(level in line for level in ("[error]", "[crit]", "[alert]", "[emerg]")):
            r["log"].error("nginx error", line)
    return r


def percentiles(ms: list[float]) -> tuple[float, float, float]:
    if len(ms) < 2:
        return (ms or [float("nan")])[0], (ms or [float("nan")])[0], max(ms, default=float("nan"))
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return cuts[49], cuts[94], max(ms)


def table(stats: Stats, actions: tuple[str, ...]) -> list[float]:
    """Print one line per action and one for all; return every latency."""
    every = [v for ms in stats.ms.values() for v in ms]
    print(f"  {'action':13} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for action, ms in [*((a, stats.ms[a]) for a in actions if stats.ms[a]), ("all", every)]:
        print(f"  {action:13} {len(ms):5d} " + " ".join(f"{v:8.0f}" for v in percentiles(ms)))
    print("  errors: " + (", ".join(f"{k} {v}" for k, v in stats.errors.items()) or "none"))
    for kind, example in stats.examples.items():
        print(f"    first {kind}: {example[:300]}")
    return every


def memory(r: dict) -> None:
    """RSS at the start, peak and end of the run, its slope, and what each server says it holds."""
    half = r["begin"] + r["elapsed"] / 2
    for samples, held in zip(r["samples"], r["held"]):
        mb = [k / 1024 for _, k in samples] or [float("nan")]
        later = [(t, k) for t, k in samples if t >= half]
        print(f"  server RSS: {mb[0]:.0f} MB at the start, {max(mb):.0f} peak, {mb[-1]:.0f} at the end "
              f"({len(samples)} samples); slope {slope(samples):+.1f} MB/min over the run, "
              f"{slope(later):+.1f} over its second half")
        if r["faults"] and r["faults"].waves:
            before = [next((k for t, k in reversed(samples) if t <= r["begin"] + at - faults.PREPARE), 0) / 1024
                      for at in r["faults"].waves]
            print("    just before each upload wave (its tabs opening): " + ", ".join(
                f"{b:.0f} MB at {at - faults.PREPARE:.0f} s" for b, at in zip(before, r["faults"].waves)))
        print("    held at the end, by Streamlit's account: " + ", ".join(
            f"{k.split('/', 1)[1]} {v / 2**20:.1f} MB" for k, v in sorted(held.items())
            if k.startswith("cache_memory_bytes/")) + "; sessions: " + ", ".join(
            f"{k.split('/', 1)[1] or 'active now'} {v:.0f}" for k, v in sorted(held.items())
            if k.startswith(("session_events", "active_sessions"))))


def report(r: dict, sessions: int, seconds: float) -> None:
    stats, trouble = r["stats"], r["faults"]
    setup = "one Streamlit process" if r["backends"] is None else f"nginx and {r['backends']} Streamlit process(es)"
    print(f"\n{sessions} students for {seconds:.0f} s against {setup}"
          f"{', with the fault tabs of faults.py' if trouble else ''} (logs: {r['logs']})")
    every = table(stats, ACTIONS)
    print(f"  reruns: {len(every)} finished in {r['elapsed']:.1f} s = {len(every) / r['elapsed']:.2f}/s; "
          f"sent per rerun: {stats.bytes / max(len(every), 1) / 1e3:.0f} kB of websocket messages (uncompressed: "
          "server.enableWebsocketCompression is off by default)")
    runs = len(every)
    if trouble:
        print("  fault tabs:")
        odd = table(trouble.stats, faults.ACTIONS)
        runs += len(odd)
        print(f"  fault runs: {len(odd)}, sent per run {trouble.stats.bytes / max(len(odd), 1) / 1e3:.0f} kB; "
              + ", ".join(f"{k} {v}" for k, v in trouble.events.items())
              + f"; upload waves at {', '.join(f'{t:.0f}' for t in trouble.waves)} s")
    print("  server log: " + (", ".join(f"{k} {v}" for k, v in r["log"].errors.items()) or "no tracebacks"))
    for kind, example in r["log"].examples.items():
        print(f"    first {kind}: {example[:300]}")
    print(f"  server CPU: {r['cpu']:.1f} s = {r['cpu'] / max(runs, 1):.3f} s/rerun over {runs} reruns" + (
        f" (nginx: {r['nginx_cpu']:.1f} s)" if r["backends"] else ""))
    print(f"  server peak RSS: {' + '.join(f'{k / 1024:.0f}' for k in r['rss'])} MB sampled, VmHWM "
          f"{' + '.join(f'{k / 1024:.0f}' for k in r['hwm'])} MB")
    memory(r)
    if r["backends"]:
        print("  tabs per backend: " + ", ".join(f"{k or '?'}: {v}" for k, v in sorted(stats.per_backend.items())))
    print(f"  client CPU: {r['client']:.1f} s for {sessions} students; load average (1 min, {os.cpu_count()} CPUs) "
          f"{r['load'][0]:.1f} before, {r['load'][1]:.1f} after")


def compare(results: list[dict]) -> None:
    def cells(r: dict) -> dict[str, str]:
        p50, p95, worst = percentiles(r["all"])
        return {"reruns/s": f"{len(r['all']) / r['elapsed']:.2f}", "p50 ms": f"{p50:.0f}", "p95 ms": f"{p95:.0f}",
                "max ms": f"{worst:.0f}", "errors": str(sum(r["stats"].errors.values())
                                                         + sum(r["log"].errors.values())),
                "CPU s/rerun": f"{r['cpu'] / max(len(r['all']), 1):.3f}",
                "peak RSS MB": "+".join(f"{k / 1024:.0f}" for k in r["rss"]), "load before": f"{r['load'][0]:.1f}"}

    table = [cells(r) for r in results]
    print(f"\n  {'side by side':13}" + "".join(f"{'N=' + str(r['backends']):>12}" for r in results))
    for name in table[0]:
        print(f"  {name:13}" + "".join(f"{column[name]:>12}" for column in table))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="students at once (30)")
    parser.add_argument("--seconds", type=float, default=60, help="how long they work (60)")
    parser.add_argument("--seed", type=int, default=0, help="seeds each student's choices and pauses (0)")
    setup = parser.add_mutually_exclusive_group()
    setup.add_argument("--through-nginx", type=int, metavar="N", help="N Streamlit processes behind nginx")
    setup.add_argument("--compare-nginx", metavar="N,M", help="one run per number of processes, side by side")
    parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                        help="a Streamlit option for every server, e.g. runner.postScriptGC=false (repeatable)")
    parser.add_argument("--faults", action="store_true", help="add the fault tabs of faults.py to the class")
    args = parser.parse_args()
    if args.sessions < 1 or args.seconds <= 0:
        parser.error(f"--sessions must be at least 1 and --seconds above 0, not {args.sessions} and {args.seconds}")
    setups = [int(n) for n in args.compare_nginx.split(",")] if args.compare_nginx else [args.through_nginx]
    if any(n is not None and n < 1 for n in setups):
        parser.error(f"nginx needs at least one Streamlit process behind it, not {setups}")
    if any("=" not in option for option in args.set):
        parser.error(f"--set takes OPTION=VALUE, not {args.set}")
    results = [bench(n, args.sessions, args.seconds, args.seed, args.set, args.faults) for n in setups]
    for r in results:
        report(r, args.sessions, args.seconds)
    if len(results) > 1:
        compare(results)


if __name__ == "__main__":
    main()
