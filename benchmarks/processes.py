"""The processes a benchmark starts: Streamlit servers, nginx in front of them, and what /proc says.

A server's memory is sampled through a run (:meth:`Process.sample`), so a report can give its RSS
at the start, its peak and its end, and the slope of a straight line through the samples
(:func:`slope`): megabytes per minute that a leak would show as. :func:`server_stats` asks a
server what it holds itself (Streamlit's `/_stcore/metrics`: bytes per cache, session state,
uploaded files; sessions connected and reconnected).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]


class Process:
    """A process this benchmark started, and what /proc says about it."""

    def __init__(self, args: list[str], log: Path, address: str = "") -> None:
        self.log, self.address, self.peak_rss = log, address, 0
        self.samples: list[tuple[float, int]] = []  # (monotonic s, RSS kB), by `sample`
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

    def sample(self) -> int:
        """RSS now, in kB, kept with the time for the run's memory curve."""
        rss = self.memory()
        self.samples.append((time.monotonic(), rss))
        self.peak_rss = max(self.peak_rss, rss)
        return rss

    def stop(self) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(15)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)


def slope(samples: list[tuple[float, int]]) -> float:
    """MB per minute of the least-squares line through (s, kB) samples; 0 for fewer than two.

    >>> round(slope([(0, 1024), (60, 2048), (120, 3072)]), 3)
    1.0
    """
    if len(samples) < 2:
        return 0.0
    n = len(samples)
    t0 = sum(t for t, _ in samples) / n
    m0 = sum(m for _, m in samples) / n
    var = sum((t - t0) ** 2 for t, _ in samples)
    return sum((t - t0) * (m - m0) for t, m in samples) / var * 60 / 1024 if var else 0.0


def server_stats(address: str) -> tuple[Counter, str]:
    """What one Streamlit server holds, from `/_stcore/metrics`, summed by family and type; and the raw text.

    Keys are ``cache_memory_bytes/<cache type>`` (bytes: :func:`start` turns on
    ``server.enableExpensiveMemoryStats``, or resource caches and session state would count
    entries), ``session_events_total/<type>`` and ``active_sessions/`` (counts).
    """
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://{address}/_stcore/metrics", timeout=60) as response:
        text = response.read().decode()
    totals = Counter()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            family, _, labels = name.partition("{")
            kind = labels.split('"')[1] if '"' in labels else ""  # the first label: cache_type or type
            totals[f"{family}/{kind}"] += float(value)
    return totals, text


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
    """Start the Streamlit processes, and nginx in front of them when `backends` is a number.

    Byte-true memory stats cost only when `/_stcore/metrics` is asked, which a report does once,
    after its run.
    """
    ports = [free_port() for _ in range(backends or 1)]
    extra = [part for option in options for part in ("--" + option.split("=", 1)[0], option.split("=", 1)[1])]
    servers = [Process([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                        "--server.fileWatcherType", "none", "--server.address", "127.0.0.1", "--server.port", str(p),
                        "--browser.gatherUsageStats", "false", "--server.enableExpensiveMemoryStats", "true",
                        *extra], folder / f"streamlit-{p}.log",
                       f"127.0.0.1:{p}") for p in ports]
    for p in ports:
        wait_healthy(f"127.0.0.1:{p}")
    if backends is None:
        return f"127.0.0.1:{ports[0]}", servers, None
    listen = f"127.0.0.1:{free_port()}"
    folder.chmod(0o755)  # nginx started as root writes upload bodies here as its workers' user (nobody)
    conf = subprocess.run([sys.executable, str(ROOT / "deploy" / "nginx_conf.py"), listen, *map(str, ports)],
                          check=True, capture_output=True, text=True).stdout
    (folder / "nginx.conf").write_text(conf)
    nginx = Process([shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                    folder / "nginx.out")
    wait_healthy(listen, 15)
    return listen, servers, nginx
