"""What a student waits for, in headless Chromium: `python benchmarks/browser_timing.py`.

Starts `streamlit run app.py` on a free loopback port (`--server.headless true
--server.fileWatcherType none`), drives Debian's /usr/bin/chromium (else Playwright's own) as
tests/browser/conftest.py does, and prints the median and max of REPEATS (5) runs against each
target:

1. Cold start ≤ 5 s: `subprocess.Popen` to the Playground usable in a first browser load, on a new
   server each time (the OS file cache is warm after the first).
2. `/`, `/step_by_step`, `/shapes` ≤ 1.5 s each, Step by step on a 32-pixel patch of the Cat ≤ 2 s:
   navigation start to rendered, on a warm server, three ways: a first visit (a new browser context,
   nothing cached), a return visit (the same tab loads the link again: the browser has Streamlit's
   scripts cached, as every student has after the first page), and in the app (a click on the page's
   link in the Playground's sidebar: Streamlit swaps the page without loading the document).
   Beside them the floor: first and return visits to a Streamlit app of one small Plotly heatmap
   (FLOOR), which no Streamlit page with a chart beats on the same machine.
3. A control change ≤ 300 ms, input event to figure changed (the run goes on below the figure, the
   inspector and the rest: `finish` is that, and not in the total): on the Playground five kernels,
   each a new convolution, and stride 1 → 2 → 1 … (only the first is new; the rest come from the cache,
   the map still coloured and encoded each time); on Step by step, stride the same way.

Rendered: Streamlit's status widget and skeletons gone, and on the Playground two JPEG `image`s in
`.js-plotly-plot` (input and feature map); on Step by step the animation's heading "Step 1 of N"
and its slider; on Shape arithmetic the "Output:" heading, KaTeX and a Plotly `.main-svg`. Changed:
the map's data URI, or that heading, differs from before.

Times are the page's performance.now(), checked once per animation frame (±16 ms), split by the
websocket messages (`WebSocket` is wrapped): boot, to the first message sent (document, JS bundle,
handshake; for a change, the frontend handling the event); server, to the last one received before
the figure (script run and transfer); draw, to the figure drawn (on a page load this includes the
component chunks Streamlit loads lazily, Plotly's among them); finish, to the status widget gone.
Also printed: busy, the main thread's long tasks (> 50 ms); on a page load, when the Plotly chunk
had arrived; the load average, as other work may share the machine.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPEATS, LIMIT_MS, VIEWPORT = 5, 60_000, {"width": 1440, "height": 1000}
NO_PROXY = urllib.request.ProxyHandler({})   # loopback only, whatever the environment says
IDLE = "!document.querySelector('[data-testid=stStatusWidget], [data-testid=stSkeleton]')"
JPEGS = ("[...document.querySelectorAll('.js-plotly-plot image')].map(i => i.getAttribute('href') || '')"
         ".filter(h => h.startsWith('data:image/jpeg'))")
# The first line of the animation's heading ("Step 1 of 9 · output (0, 0)"), or undefined.
LABEL = ("[...document.querySelectorAll('[data-testid=stPlotlyChart] .textpoint text')]"
         ".map(t => (t.querySelector('tspan.line') || t).textContent).find(l => l.startsWith('Step '))")
SHAPES = ("[...document.querySelectorAll('h2')].some(h => h.textContent.startsWith('Output:'))"
          " && document.querySelector('.katex') && document.querySelector('.js-plotly-plot .main-svg')")
SLIDER = "document.querySelector('[data-testid=stPlotlyChart] .slider-container rect')"
FIGURES = {"/": f"{JPEGS}.length >= 2", "/step_by_step": f"{LABEL}?.startsWith('Step 1 of') && {SLIDER}",
           "/shapes": SHAPES}
LINKS = {"/step_by_step": "Step by step", "/shapes": "Shape arithmetic"}
FLOOR = """import numpy as np, plotly.graph_objects as go, streamlit as st
st.plotly_chart(go.Figure(go.Heatmap(z=np.arange(25).reshape(5, 5))))
"""
FLOOR_FIGURE = "document.querySelector('.js-plotly-plot .main-svg')"
HOOKS = """
window.__ws = [];   // [performance.now(), bytes], bytes < 0 for a message sent
window.WebSocket = class extends window.WebSocket {
  constructor(...a) {
    super(...a);
    this.addEventListener('message', e => __ws.push([performance.now(), e.data.byteLength ?? e.data.size]));
  }
  send(data) { __ws.push([performance.now(), -(data.byteLength ?? data.length)]); super.send(data); }
};
window.__long = [];   // the main thread's long tasks (> 50 ms): [start, duration]
new PerformanceObserver(l => l.getEntries().forEach(e => __long.push([e.startTime, e.duration])))
  .observe({type: 'longtask', buffered: true});
window.__input = null;
for (const type of ['pointerdown', 'keydown']) addEventListener(type, e => { window.__input ??= e.timeStamp; }, true);
window.__when = (test, limit) => new Promise((resolve, reject) => (function tick() {
  try { if (test()) return resolve(performance.now()); } catch (e) {}
  performance.now() > limit ? reject(new Error(`not by ${limit} ms: ${test}`)) : requestAnimationFrame(tick);
})());
"""


def segments(page, start: float, figure: float, ready: float) -> dict[str, float]:
    """Split start → ready (ms on the page's clock) by the page's websocket messages."""
    ws = [(t, n) for t, n in page.evaluate("() => __ws") if t >= start]
    sent = next((t for t, n in ws if n < 0), start)
    got = max((t for t, n in ws if n > 0 and t <= figure), default=sent)
    return {"total": ready - start, "boot": sent - start, "server": got - sent, "draw": figure - got,
            "finish": ready - figure, "busy": sum(d for t, d in page.evaluate("() => __long") if start <= t <= ready),
            "kB": sum(n for t, n in ws if 0 < n and t <= ready) / 1e3}


@contextlib.contextmanager
def tab(browser) -> Iterator:
    """A page in a new browser context (nothing cached), with HOOKS installed."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(HOOKS)
    try:
        yield context.new_page()
    finally:
        context.close()


def until(page, test: str, since: str = "0") -> float:
    """The page's time when the JS expression `test` first holds (within LIMIT_MS of `since`, else an error)."""
    return page.evaluate(f"() => __when(() => {test}, {since} + {LIMIT_MS})")


def load(page, url: str, figure: str) -> dict[str, float]:
    """Navigate to `url` and time it to `figure` drawn and the run finished."""
    page.goto(url, wait_until="commit")
    drawn, ready = until(page, figure), until(page, f"({figure}) && {IDLE}")
    plotly = page.evaluate("() => performance.getEntriesByType('resource')"
                           ".find(e => e.name.includes('/PlotlyChart.'))?.responseEnd ?? NaN")
    return segments(page, 0.0, drawn, ready) | {"plotly.js fetched": plotly}


def fresh(browser, url: str, figure: str) -> dict[str, float]:
    with tab(browser) as page:
        return load(page, url, figure)


def revisits(browser, url: str, figure: str) -> list[dict[str, float]]:
    """REPEATS loads of `url` in one tab after a first one (not counted): the browser's cache is warm."""
    with tab(browser) as page:
        load(page, url, figure)
        return [load(page, url, figure) for _ in range(REPEATS)]


def in_app(browser, url: str, path: str) -> list[dict[str, float]]:
    """REPEATS clicks on page `path`'s link in the Playground's sidebar, each timed to its figure drawn."""
    runs = []
    with tab(browser) as page:
        for _ in range(REPEATS):
            page.goto(url + "/")
            until(page, f"({FIGURES['/']}) && {IDLE}")
            link = page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=LINKS[path])
            runs.append(change(page, link.click, f"!!({FIGURES[path]})", settled=True))
        return runs


def change(page, act, figure: str, prepare=None, settled: bool = False) -> dict[str, float]:
    """Time `act()` from its input event to the JS expression `figure` changing value.

    `settled`: to the run's end as well, as for a page load (a page opened in the app is rendered
    when its run has finished); a control change counts to its figure, as the run may go on below it.
    """
    if prepare:
        prepare()
    page.evaluate(f"old => {{ __ws.length = __long.length = 0; __input = null; window.__changed = "
                  f"__when(() => ({figure}) !== old, performance.now() + {LIMIT_MS}); }}", page.evaluate(figure))
    act()
    drawn = page.evaluate("() => __changed")
    parts = segments(page, page.evaluate("() => __input"), drawn, until(page, IDLE, "performance.now()"))
    return parts if settled else parts | {"total": parts["total"] - parts["finish"]}


@contextlib.contextmanager
def serving(root: Path = ROOT) -> Iterator[tuple[str, float]]:
    """`streamlit run app.py` in `root` on a free loopback port: URL and ms from Popen to healthy; stopped after."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    url, log, opener = f"http://127.0.0.1:{port}", tempfile.TemporaryFile(), urllib.request.build_opener(NO_PROXY)
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.fileWatcherType", "none", "--server.address", "127.0.0.1", "--server.port",
                             str(port), "--browser.gatherUsageStats", "false"],
                            cwd=root, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            try:
                with opener.open(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() - t0 > LIMIT_MS / 1e3:
                    log.seek(0)
                    raise RuntimeError(f"the app did not start:\n{log.read().decode(errors='replace')}") from None
            time.sleep(0.02)
        yield url, 1e3 * (time.monotonic() - t0)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def report(name: str, runs: list[dict[str, float]], target_ms: float) -> None:
    totals = [r["total"] + r.get("up", 0.0) for r in runs]
    med, worst = statistics.median(totals), max(totals)
    parts = "  ".join(f"{k} {statistics.median(r[k] for r in runs):.0f}" for k in runs[0] if k != "total")
    verdict = "ok" if worst <= target_ms else ("median ok, max over" if med <= target_ms else "OVER")
    print(f"  {name:33} {med:6.0f} {worst:6.0f} {target_ms:6.0f}  {verdict:19}  {parts}", flush=True)


def cold_start(browser) -> dict[str, float]:
    """A new server and a first browser load, timed from Popen (the browser context is made before)."""
    with tab(browser) as page, serving() as (url, up):
        return load(page, url, FIGURES["/"]) | {"up": up}


def warm(browser, url: str) -> None:
    """Every page load on one server, then control changes in one tab."""
    for path in ("/", "/step_by_step", "/shapes"):
        report(f"page {path}, first visit", [fresh(browser, url + path, FIGURES[path]) for _ in range(REPEATS)], 1500)
        report(f"page {path}, return visit", revisits(browser, url + path, FIGURES[path]), 1500)
        if path in LINKS:
            report(f"page {path}, in the app", in_app(browser, url, path), 1500)
    patch = f"{url}/step_by_step?grid=image+patch&image=Cat&patch=32"
    report("step by step, 32-pixel Cat patch",
           [fresh(browser, patch, FIGURES["/step_by_step"]) for _ in range(REPEATS)], 2000)
    report("  the same, return visit", revisits(browser, patch, FIGURES["/step_by_step"]), 2000)
    presses = (("ArrowRight", "ArrowLeft") * REPEATS)[:REPEATS]
    with tab(browser) as page:
        page.goto(url + "/")
        until(page, f"({FIGURES['/']}) && {IDLE}")
        page.get_by_role("tab", name="2 · Kernel").click()
        kernel = page.get_by_role("combobox", name="Kernel", exact=True)
        kernels = ("Box blur", "Sharpen", "Emboss", "Outline", "Laplacian of Gaussian", "Prewitt y")[:REPEATS]
        report("playground: kernel → map", [change(page, page.get_by_role("option", name=name, exact=True).click,
                                                   f"{JPEGS}[1]", kernel.click) for name in kernels], 300)
        page.get_by_role("tab", name="3 · Layer").click()
        stride = page.locator("[data-testid=stSlider]", has=page.get_by_text("Stride", exact=True))
        thumb = stride.locator("input[type=range]")
        report("playground: stride → map",
               [change(page, lambda k=k: thumb.press(k), f"{JPEGS}[1]") for k in presses], 300)
        page.goto(url + "/step_by_step")
        until(page, f"({FIGURES['/step_by_step']}) && {IDLE}")
        page.locator("[data-testid=stSidebar]").get_by_role("tab", name="3 · Layer").click()
        report("step by step: stride → figure",
               [change(page, lambda k=k: thumb.press(k), LABEL) for k in presses], 300)


def main() -> None:
    print(f"load average (1, 5, 15 min; {os.cpu_count()} CPUs) before: "
          + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    print(f"  {'ms':33} {'median':>6} {'max':>6} {'target':>6}  {'':19}  medians of the parts, ms (kB received)")
    with sync_playwright() as p:
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        browser = p.chromium.launch(headless=True, args=CHROMIUM_ARGS,
                                    **({"executable_path": chromium} if os.path.exists(chromium) else {}))
        try:
            report("cold start: Popen → Playground", [cold_start(browser) for _ in range(REPEATS)], 5000)
            with tempfile.TemporaryDirectory() as floor:
                (Path(floor) / "app.py").write_text(FLOOR)
                with serving(Path(floor)) as (url, _):
                    fresh(browser, url, FLOOR_FIGURE)
                    report("floor: one heatmap, first visit",
                           [fresh(browser, url, FLOOR_FIGURE) for _ in range(REPEATS)], 1500)
                    report("floor: one heatmap, return visit", revisits(browser, url, FLOOR_FIGURE), 1500)
            with serving() as (url, _):
                fresh(browser, url, FIGURES["/"])          # the server's first run (imports, caches): not counted
                warm(browser, url)
        finally:
            browser.close()
    print("load average after: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
