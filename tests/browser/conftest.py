"""A real app in a real browser: `streamlit run app.py` on a free port, driven by Playwright.

Chromium is Debian's (/usr/bin/chromium) when present, else Playwright's own. Screenshots
go to tests/output/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "output" / "screenshots"
CHART_SELECTOR = "[data-testid='stPlotlyChart']"
# "Step k of n", as the first line of the heading in the animation `chart` selects says, or null.
STEP_SHOWN = """(chart) => {
  for (const text of document.querySelectorAll(`${chart} .textpoint text`)) {
    const line = (text.querySelector("tspan.line") || text).textContent;
    if (line.startsWith("Step ")) return line.split(" · ")[0];
  }
  return null;
}"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]

LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # whatever the proxy settings

playwright_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, proc: subprocess.Popen, seconds: float) -> bool:
    """Whether `url/_stcore/health` answers within `seconds`, while `proc` (which serves it) runs."""
    deadline = time.monotonic() + seconds
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with LOOPBACK.open(f"{url}/_stcore/health", timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


@contextlib.contextmanager
def running_app() -> Iterator[str]:
    """Start `streamlit run app.py` on a free port, yield its URL once healthy, stop it after."""
    port = free_port()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    if not healthy(url, proc, 60):
        proc.kill()
        raise RuntimeError(f"the app did not start:\n{proc.stdout.read() if proc.stdout else ''}")
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """One app for the whole browser suite."""
    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        options = {"executable_path": chromium} if os.path.exists(chromium) else {}
        b = p.chromium.launch(headless=True, args=CHROMIUM_ARGS, **options)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, device_scale_factor=1)
    pg = context.new_page()
    yield pg
    context.close()


def wait_for_app(pg, timeout: float = 60_000) -> None:
    """Wait until the script has run and finished (not only not started) and nothing is still loading."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    pg.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]').dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=timeout,
    )
    pg.wait_for_timeout(500)


def step_shown(pg, chart: str) -> str | None:
    """What the animation `chart` selects says it shows: "Step 5 of 9"."""
    return pg.evaluate(STEP_SHOWN, chart)


def wait_step(pg, chart: str, text: str, timeout: float = 5_000) -> None:
    """Wait until the animation `chart` selects says `text` ("Step 5 of 9"), looking on every animation
    frame: a step of play lasts only 600 ms, which polling that backs off to once a second can miss."""
    pg.wait_for_function(f"([c, t]) => ({STEP_SHOWN})(c) === t", arg=[chart, text], polling="raf", timeout=timeout)


def slider_input(pg, label: str):
    """The range input of the slider labelled `label`: it takes focus and arrow keys as a student's do."""
    return pg.locator("[data-testid=stSlider]", has=pg.get_by_text(label, exact=True)).locator("input[type=range]")


def assert_no_exception(pg) -> None:
    """Streamlit shows uncaught errors in an exception box; there must be none."""
    boxes = pg.locator("[data-testid='stException']")
    assert boxes.count() == 0, boxes.first.inner_text()


def screenshot(pg, name: str, full_page: bool = True) -> Path:
    """Save the page as tests/output/screenshots/`name`.png, once its charts are drawn (or after 10 s:
    a picture is for people to look at, and a slow chart is no test failure)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    try:
        drawn = ("() => !document.querySelector('[data-testid=stSkeleton]') && [...document.querySelectorAll("
                 "'[data-testid=stPlotlyChart]')].every(c => c.querySelector('.main-svg'))")
        pg.wait_for_function(drawn, timeout=10_000)
    except playwright_api.TimeoutError:
        pass
    pg.screenshot(path=str(path), full_page=full_page)
    return path
