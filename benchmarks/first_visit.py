"""A student's first visit over a classroom's network: `python benchmarks/first_visit.py`.

A first visit downloads Streamlit's JavaScript (about 7 MB; Plotly's chunk alone is 4.7 MB), which
Streamlit serves uncompressed. Over loopback that costs nothing; over a class's shared wireless it
is most of the wait. This starts one `streamlit run app.py`, then the same behind nginx with
deploy/nginx.conf (gzip, and a cache of Streamlit's hashed /static/ files), and opens the
Playground REPEATS (3) times each in a new browser context (nothing cached) in headless Chromium
with Chromium's network emulation: LINK_MBIT (10 Mbit/s, about one student's share of a busy
classroom network) down, 5 up, RTT_MS (20 ms) round trip; then as often over plain loopback, where
what counts is the order of the downloads (nginx adds Plotly's chunk to the page as a preload).
Printed side by side: the median time from navigation to the input and feature map drawn (as
benchmarks/browser_timing.py), and the bytes that crossed the network (the sum of the resources'
`transferSize`).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from pathlib import Path

from browser_timing import CHROMIUM_ARGS, FIGURES, HOOKS, IDLE, VIEWPORT, until
from playwright.sync_api import sync_playwright
from processes import start

REPEATS, LINK_MBIT, RTT_MS = 3, 10, 20
NETWORK = {"offline": False, "latency": RTT_MS, "downloadThroughput": LINK_MBIT * 1e6 / 8,
           "uploadThroughput": 5e6 / 8}
SENT = "performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0)"


def visit(browser, url: str, emulate: bool = True) -> tuple[float, float]:
    """Seconds to the Playground drawn, and MB transferred, on a new context (over the emulated link)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(HOOKS)
    try:
        page = context.new_page()
        if emulate:
            context.new_cdp_session(page).send("Network.emulateNetworkConditions", NETWORK)
        page.goto(url, wait_until="commit")
        drawn = until(page, f"({FIGURES['/']}) && {IDLE}")
        document = page.evaluate("performance.getEntriesByType('navigation')[0].transferSize")
        return drawn / 1e3, (page.evaluate(SENT) + document) / 1e6
    finally:
        context.close()


def main() -> None:
    print(f"Playground, first visit over {LINK_MBIT} Mbit/s and {RTT_MS} ms; median of {REPEATS}; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(headless=True, args=CHROMIUM_ARGS,
                                    **({"executable_path": chromium} if os.path.exists(chromium) else {}))
        try:
            for name, backends in (("Streamlit alone", None), ("behind deploy/nginx.conf", 1)):
                with tempfile.TemporaryDirectory() as folder:
                    address, servers, nginx = start(backends, [], Path(folder))
                    try:
                        visit(browser, f"http://{address}/")          # the server's first run: not counted
                        runs = [visit(browser, f"http://{address}/") for _ in range(REPEATS)]
                        local = [visit(browser, f"http://{address}/", emulate=False)[0] for _ in range(REPEATS)]
                    finally:
                        for process in [*servers, *([nginx] if nginx else [])]:
                            process.stop()
                seconds, mb = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
                print(f"  {name:26} {seconds:5.1f} s  {mb:5.2f} MB transferred;  over loopback "
                      f"{statistics.median(local):4.1f} s", flush=True)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
