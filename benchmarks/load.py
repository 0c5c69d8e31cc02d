"""A class of students against a real `streamlit run app.py`: `python benchmarks/load.py`.

Starts the app on a free loopback port (`--through-nginx N`: N copies behind nginx, with
deploy/nginx.conf; `--compare-nginx 1,2`: one such run per N, then a table side by side) and lets
S students (`--sessions`, 30) use it for D seconds (`--seconds`, 60). Each opens the Playground,
then every 2–5 s (`--seed`) changes the stride, the kernel, the padding or the dilation, and once
goes to Step by step (through the Playground's own link) and once to Shape arithmetic, coming back
each time. A student waits for each result before the next change, as a person does, so the
reruns per second are what the server can give, and the latency is what a student waits.

A student speaks Streamlit's own protocol, as its frontend does, so thirty cost the client
little: it GETs `/` and `/_stcore/health` (nginx's sticky cookie, Streamlit's `_streamlit_xsrf`),
opens the websocket `/_stcore/stream` with the subprotocols `streamlit` and the XSRF token, and
sends each run as a `BackMsg.rerun_script`. Its `ClientState` holds the query string the app last
published (`page_info_changed`), the page's script hash (`navigation`), the value of every widget
the last run drew (`value` when the server set it, else `default`; the changed one replaced) and
the hashes of the big messages the tab keeps, which the server then sends as `ref_hash` only. A
run ends at the `script_finished` of a run that started (`new_session`) after the request.

A change is applied when its widget comes back with the value sent and the URL names the setting
just when it is not the default. Errors: exceptions on the page, runs not finished in 30 s, lost
websockets, a wrong page, a change not applied, a tab whose requests reached two backends, and
tracebacks in the server's log. `--set runner.postScriptGC=false` passes an option to every server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import parse_qs

from google.protobuf.text_format import MessageToString
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

ROOT = Path(__file__).resolve().parents[1]
RUN_TIMEOUT, THINK = 30.0, (2.0, 5.0)
CHANGES = {"stride": "playground.layer.stride", "kernel": "playground.kernel.kernel",
           "padding": "playground.layer.padding", "dilation": "playground.layer.dilation"}
SLIDER_VALUES = {"stride": (1, 2, 3, 4), "dilation": (1, 2, 3)}
VISITS = {"step_by_step": (0.15, 0.5), "shapes": (0.5, 0.85)}  # when, as a fraction of the run
ACTIONS = ("open", *CHANGES, *VISITS, "back")
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


def widget_state(kind: str, w) -> WidgetState | None:
    """What the browser holds for a widget just drawn; None for buttons, charts and the like."""
    s = WidgetState(id=w.id)
    if kind == "slider" and w.type == w.SELECT_SLIDER:  # sent as the options' labels
        s.string_array_value.data.extend(w.raw_value if w.set_value else [w.options[int(i)] for i in w.default])
    elif kind == "slider":
        s.double_array_value.data.extend(w.value if w.set_value else w.default)
    elif kind in ("selectbox", "radio"):
        if not w.set_value and not w.HasField("default"):
            return None
        s.string_value = w.raw_value if w.set_value else w.options[w.default]
    elif kind == "number_input":
        value = w.value if w.set_value else w.default
        if w.data_type == w.INT:
            s.int_value = int(value)
        else:
            s.double_value = value
    elif kind == "checkbox":
        s.bool_value = w.value if w.set_value else w.default
    elif kind == "multiselect":
        s.string_array_value.data.extend(w.raw_values if w.set_value else [w.options[i] for i in w.default])
    else:
        return None
    return s


@dataclass
class Run:
    """What one rerun cost and showed."""

    ms: float = 0.0
    bytes: int = 0
    outcome: str = "ok"  # or "timeout", "lost"
    problems: list[str] = field(default_factory=list)
    widgets: dict[str, tuple[str, object]] = field(default_factory=dict)  # key → (kind, proto)


class Session:
    """One browser tab: its websocket, and what the tab remembers between runs."""

    def __init__(self, address: str) -> None:
        self.address, self.query, self.page = address, "", ""
        self.pages: dict[str, str] = {}                    # URL path → page script hash
        self.links: dict[str, tuple[str, str]] = {}        # st.page_link's page → (hash, query)
        self.widgets: dict[str, tuple[str, object]] = {}   # as the last run drew them
        self.defaults: dict[str, WidgetState] = {}         # as the first run drew them (an empty URL)
        self.cache: dict[str, list] = {}                   # message hash → [message, run last used]
        self.runs, self.max_age, self.backends = 0, 2, set()

    async def connect(self) -> None:
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar))

        def fetch() -> None:
            for path in ("/", "/_stcore/health"):
                with opener.open(f"http://{self.address}{path}", timeout=RUN_TIMEOUT) as response:
                    response.read()
                    self.backends.add(response.headers.get("X-Convviz-Backend"))

        await asyncio.to_thread(fetch)
        cookies = {c.name: c.value for c in jar}
        token = cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")  # what the frontend sends without one
        self.ws = await connect(
            f"ws://{self.address}/_stcore/stream", subprotocols=["streamlit", token], proxy=None, max_size=None,
            open_timeout=RUN_TIMEOUT, ping_timeout=RUN_TIMEOUT,
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None)
        self.backends.add(self.ws.response.headers.get("X-Convviz-Backend"))

    async def rerun(self, change: WidgetState | None = None, page: str | None = None, query: str | None = None) -> Run:
        """Send one change, or a switch to `page` (at `query`), and read until its run finishes."""
        msg = BackMsg()
        state = msg.rerun_script
        if query is not None:  # the browser's URL changes with the page
            self.query = query
        state.query_string, state.page_script_hash = self.query, self.page if page is None else page
        if page is None:  # a switch sends no widgets: nothing is drawn outside the page
            for kind, w in self.widgets.values():
                s = change if change is not None and change.id == w.id else widget_state(kind, w)
                if s is not None:
                    state.widget_states.widgets.append(s)
        state.cached_message_hashes.extend(self.cache)
        state.context_info.timezone, state.context_info.locale = "UTC", "en-GB"
        run, started = Run(), set()
        start = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            async with asyncio.timeout(RUN_TIMEOUT):
                while not self._read(await self.ws.recv(), run, started):
                    pass
        except TimeoutError:
            run.outcome = "timeout"
        except (WebSocketException, OSError):
            run.outcome = "lost"
        run.ms = 1e3 * (time.perf_counter() - start)
        if run.outcome == "ok":
            self.widgets = run.widgets
            self.defaults = self.defaults or {k: widget_state(*v) for k, v in run.widgets.items()}
        return run

    def _read(self, data: bytes, run: Run, started: set[str]) -> bool:
        """Take in one ForwardMsg; True when it ends the run."""
        run.bytes += len(data)
        msg = ForwardMsg.FromString(data)
        if msg.WhichOneof("type") == "ref_hash":
            if msg.ref_hash not in self.cache:
                run.problems.append("cache miss: a ref_hash to a message never received")
                return False
            self.cache[msg.ref_hash][1] = self.runs
            msg = self.cache[msg.ref_hash][0]
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = [msg, self.runs]
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # every run starts with one, a run that st.rerun() starts too
            started.add(msg.metadata.run.script_run_id)
            run.widgets = {}
            self.max_age = msg.new_session.config.max_cached_message_age or self.max_age
        elif kind == "navigation":
            self.page = msg.navigation.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            run.problems.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            run.problems.append(f"exception: {msg.session_event.script_compilation_exception.message}")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            what = msg.delta.new_element.WhichOneof("type")
            w = getattr(msg.delta.new_element, what)
            if what == "exception":
                run.problems.append(f"exception: {w.type}: {w.message}")
            elif what == "page_link":
                self.links[w.page] = (w.page_script_hash, w.query_string)
            elif getattr(w, "id", "").startswith("$$ID-"):  # "$$ID-<hash>-<key>"
                run.widgets[w.id.split("-", 2)[2]] = (what, w)
        elif kind == "script_finished" and msg.script_finished in FINISHED:
            if msg.metadata.run.script_run_id and msg.metadata.run.script_run_id not in started:
                return False  # the end of a run from before this request
            self.runs += 1  # the frontend forgets what it has not used for max_age runs
            self.cache = {h: e for h, e in self.cache.items() if self.runs - e[1] <= self.max_age}
            return True
        return False


@dataclass
class Stats:
    """Everything the students saw."""

    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    bytes: int = 0
    errors: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    per_backend: Counter = field(default_factory=Counter)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, detail)

    def record(self, action: str, run: Run) -> None:
        self.bytes += run.bytes
        if run.outcome == "ok":
            self.ms[action].append(run.ms)
        else:
            self.error(run.outcome, f"{action} after {run.ms / 1e3:.1f} s")
        for problem in run.problems:
            self.error(problem.split(":")[0], f"{action}: {problem}")


def change(session: Session, name: str, rng: random.Random) -> WidgetState:
    """Another value for one of the layer's controls, picked as a student would."""
    kind, w = session.widgets[CHANGES[name]]
    current, s = widget_state(kind, w), WidgetState(id=w.id)
    if kind == "slider":
        s.double_array_value.data.append(rng.choice([v for v in SLIDER_VALUES[name]
                                                     if v != current.double_array_value.data[0]]))
    else:  # a choice ending in "…" wants typing or drawing next
        s.string_value = rng.choice([o for o in w.options if o != current.string_value and not o.endswith("…")])
    return s


def not_applied(session: Session, run: Run, key: str, sent: WidgetState) -> str | None:
    """Why the change did not reach the page (its widget and its URL), or None when it did."""
    echo = run.widgets.get(key)
    shown = MessageToString(widget_state(*echo), as_one_line=True) if echo else "no widget"
    in_url = key.rsplit(".", 1)[1] in parse_qs(session.query)
    if shown != MessageToString(sent, as_one_line=True) or in_url != (sent != session.defaults.get(key)):
        return f"sent {MessageToString(sent, as_one_line=True)}, came back {shown}, URL ?{session.query}"
    return None


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


class Process:
    """A process this benchmark started, and what /proc says about it."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log, self.peak_rss = log, 0
        with open(log, "wb") as out:
            self.popen = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=subprocess.STDOUT)
        self.pid = self.popen.pid

    def cpu(self) -> float:
        """User and system CPU seconds of the process and its live children (nginx's worker)."""
        pids = [self.pid, *map(int, Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split())]
        ticks = sum(sum(map(int, Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[11:13])) for p in pids)
        return ticks / os.sysconf("SC_CLK_TCK")

    def memory(self, name: str = "VmRSS") -> int:
        """Kilobytes of `name` (VmRSS now, VmHWM at its peak) in /proc/PID/status."""
        return int(Path(f"/proc/{self.pid}/status").read_text().split(name + ":")[1].split()[0])

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(15)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(address: str, seconds: float = 90) -> None:
    opener, stop = urllib.request.build_opener(urllib.request.ProxyHandler({})), time.monotonic() + seconds
    while True:
        try:
            with opener.open(f"http://{address}/_stcore/health", timeout=5):
                return
        except OSError:
            if time.monotonic() > stop:
                raise TimeoutError(f"{address} did not answer /_stcore/health within {seconds:.0f} s") from None
        time.sleep(0.5)


def start(backends: int | None, options: list[str], folder: Path) -> tuple[str, list[Process], Process | None]:
    """Start the Streamlit processes, and nginx in front of them when `backends` is a number."""
    ports = [free_port() for _ in range(backends or 1)]
    extra = [part for option in options for part in ("--" + option.split("=", 1)[0], option.split("=", 1)[1])]
    servers = [Process([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                        "--server.fileWatcherType", "none", "--server.address", "127.0.0.1", "--server.port", str(p),
                        "--browser.gatherUsageStats", "false", *extra], folder / f"streamlit-{p}.log") for p in ports]
    for p in ports:
        wait_healthy(f"127.0.0.1:{p}")
    if backends is None:
        return f"127.0.0.1:{ports[0]}", servers, None
    listen = f"127.0.0.1:{free_port()}"
    conf = (ROOT / "deploy" / "nginx.conf").read_text().replace("@LISTEN@", listen)
    (folder / "nginx.conf").write_text(conf.replace("@BACKENDS@", " ".join(f"server 127.0.0.1:{p};" for p in ports)))
    nginx = Process([shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                    folder / "nginx.out")
    wait_healthy(listen, 15)
    return listen, servers, nginx


async def load(address: str, servers: list[Process], sessions: int, seconds: float, seed: int) -> Stats:
    """All the students at once, while RSS is sampled every 0.5 s; stops by itself."""
    stats, begin = Stats(), time.monotonic()
    rngs = [random.Random(seed * 1000 + i) for i in range(sessions)]
    everyone = asyncio.gather(*(student(address, rng, begin, begin + seconds, stats) for rng in rngs))
    stop = begin + seconds + 2 * RUN_TIMEOUT + 30
    while not everyone.done() and time.monotonic() < stop:
        for s in servers:
            s.peak_rss = max(s.peak_rss, s.memory())
        await asyncio.wait([everyone], timeout=0.5)
    if not everyone.done():
        everyone.cancel()
        stats.error("students stuck", "stopped at the hard time limit")
    else:
        everyone.result()  # a bug in this client is raised, not lost
    return stats


def bench(backends: int | None, sessions: int, seconds: float, seed: int, options: list[str]) -> dict:
    """One run: start the setup, load it, stop it, and return its numbers."""
    folder = Path(tempfile.mkdtemp(prefix="convviz-load-"))
    servers, nginx = [], None
    try:
        address, servers, nginx = start(backends, options, folder)
        before, cpu, client, t = os.getloadavg()[0], [s.cpu() for s in servers], time.process_time(), time.monotonic()
        stats = asyncio.run(load(address, servers, sessions, seconds, seed))
        r = {"backends": backends, "stats": stats, "elapsed": time.monotonic() - t,
             "client": time.process_time() - client,
             "cpu": sum(s.cpu() - c for s, c in zip(servers, cpu)), "nginx_cpu": nginx.cpu() if nginx else 0.0,
             "rss": [s.peak_rss for s in servers], "hwm": [s.memory("VmHWM") for s in servers], "logs": folder,
             "load": (before, os.getloadavg()[0]), "all": [v for ms in stats.ms.values() for v in ms]}
    finally:
        for p in [*([nginx] if nginx else []), *servers]:
            p.stop()
    for s in servers:
        for block in s.log.read_text(errors="replace").split("Traceback (most recent call last):")[1:]:
            stats.error("server traceback", next((line for line in block.splitlines() if line[:1].isalpha()), block))
    log = folder / "error.log"
    for line in log.read_text().splitlines() if log.exists() else []:
        if any(level in line for level in ("[error]", "[crit]", "[alert]", "[emerg]")):
            stats.error("nginx error", line)
    return r


def percentiles(ms: list[float]) -> tuple[float, float, float]:
    if len(ms) < 2:
        return (ms or [float("nan")])[0], (ms or [float("nan")])[0], max(ms, default=float("nan"))
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return cuts[49], cuts[94], max(ms)


def report(r: dict, sessions: int, seconds: float) -> None:
    stats, runs = r["stats"], max(len(r["all"]), 1)
    setup = "one Streamlit process" if r["backends"] is None else f"nginx and {r['backends']} Streamlit process(es)"
    print(f"\n{sessions} students for {seconds:.0f} s against {setup} (logs: {r['logs']})")
    print(f"  {'action':13} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for action, ms in [*((a, stats.ms[a]) for a in ACTIONS if stats.ms[a]), ("all", r["all"])]:
        print(f"  {action:13} {len(ms):5d} " + " ".join(f"{v:8.0f}" for v in percentiles(ms)))
    print(f"  reruns: {len(r['all'])} finished in {r['elapsed']:.1f} s = {len(r['all']) / r['elapsed']:.2f}/s")
    print("  errors: " + (", ".join(f"{k} {v}" for k, v in stats.errors.items()) or "none"))
    for kind, example in stats.examples.items():
        print(f"    first {kind}: {example[:300]}")
    print(f"  server CPU: {r['cpu']:.1f} s = {r['cpu'] / runs:.3f} s/rerun" + (
        f" (nginx: {r['nginx_cpu']:.1f} s)" if r["backends"] else ""))
    print(f"  sent per rerun: {stats.bytes / runs / 1e3:.0f} kB of websocket messages (uncompressed: "
          "server.enableWebsocketCompression is off by default)")
    print(f"  server peak RSS: {' + '.join(f'{k / 1024:.0f}' for k in r['rss'])} MB sampled, VmHWM "
          f"{' + '.join(f'{k / 1024:.0f}' for k in r['hwm'])} MB")
    if r["backends"]:
        print("  tabs per backend: " + ", ".join(f"{k or '?'}: {v}" for k, v in sorted(stats.per_backend.items())))
    print(f"  client CPU: {r['client']:.1f} s for {sessions} students; load average (1 min, {os.cpu_count()} CPUs) "
          f"{r['load'][0]:.1f} before, {r['load'][1]:.1f} after")


def compare(results: list[dict]) -> None:
    def cells(r: dict) -> dict[str, str]:
        p50, p95, worst = percentiles(r["all"])
        return {"reruns/s": f"{len(r['all']) / r['elapsed']:.2f}", "p50 ms": f"{p50:.0f}", "p95 ms": f"{p95:.0f}",
                "max ms": f"{worst:.0f}", "errors": str(sum(r["stats"].errors.values())),
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
    args = parser.parse_args()
    if args.sessions < 1 or args.seconds <= 0:
        parser.error(f"--sessions must be at least 1 and --seconds above 0, not {args.sessions} and {args.seconds}")
    setups = [int(n) for n in args.compare_nginx.split(",")] if args.compare_nginx else [args.through_nginx]
    if any(n is not None and n < 1 for n in setups):
        parser.error(f"nginx needs at least one Streamlit process behind it, not {setups}")
    if any("=" not in option for option in args.set):
        parser.error(f"--set takes OPTION=VALUE, not {args.set}")
    results = [bench(n, args.sessions, args.seconds, args.seed, args.set) for n in setups]
    for r in results:
        report(r, args.sessions, args.seconds)
    if len(results) > 1:
        compare(results)


if __name__ == "__main__":
    main()
