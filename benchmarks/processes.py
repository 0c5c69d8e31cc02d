"""The processes a benchmark starts: Streamlit servers, nginx in front of them, and what /proc says."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]


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
