"""The browser console stays clean: while the Step by step figure is played, paused and stepped,
and while a slider takes thirty changes a second.

Every console error, uncaught exception and failed request counts, with one exception: the
two requests Streamlit's frontend makes to find the app's base path when a page other than
the main one is loaded (see :func:`_base_path_probe`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from conftest import STEP_SHOWN, assert_no_exception, playwright_api, slider_input, step_shown, wait_for_app, wait_step

expect = playwright_api.expect

CHART = "[data-testid='stPlotlyChart']:has(.slider-container)"
STEP_BOX = "input[aria-label='Step (of 9)']"


class Console:
    """What the browser reports as going wrong in a page: console errors, page errors, failed requests."""

    def __init__(self, page) -> None:
        self.problems: list[tuple[str, str]] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            (f"console error: {m.text}", m.location.get("url", ""))))
        page.on("pageerror", lambda e: self.problems.append((f"uncaught (error or rejected promise): {e}", "")))
        page.on("requestfailed", lambda r: self.problems.append((f"request failed ({r.failure})", r.url)))
        page.on("response", lambda r: r.status >= 400 and self.problems.append((f"HTTP {r.status}", r.url)))

    def assert_clean(self, allowed: Counter) -> None:
        """No problems beyond `allowed` (problem, url) pairs, each at most as often as counted."""
        left = Counter(allowed)
        unexpected = []
        for problem in self.problems:
            if left[problem] > 0:
                left[problem] -= 1
            else:
                unexpected.append(problem)
        assert not unexpected, "\n".join(f"{what} {url}" for what, url in unexpected)


def _base_path_probe(app_url: str, page: str) -> Counter:
    """The requests, and their console lines, that loading `/<page>` itself makes and that fail.

    Streamlit's frontend cannot tell from the URL ``/step_by_step`` whether it is the page
    ``step_by_step`` of an app at ``/`` or the main page of an app served under
    ``/step_by_step``. Before it connects it tries both, the longer path first: GET
    ``/step_by_step/_stcore/health`` and ``/step_by_step/_stcore/host-config``, which the
    server answers 404 on purpose (``_RESERVED_STATIC_PATH_SUFFIXES`` in
    ``streamlit/web/server/starlette/starlette_static_routes.py``), then the same at ``/``.
    See ``getPossibleBaseUris`` in Streamlit's ``frontend/connection/src/utils.ts`` and
    streamlit/streamlit#7074. An app cannot avoid it: only a ``window.__streamlit.BACKEND_BASE_URL``
    set in Streamlit's own index.html, before its scripts run, would. Navigating within the
    app loads nothing and probes nothing.
    """
    probe = Counter()
    for endpoint in ("health", "host-config"):
        url = f"{app_url}/{page}/_stcore/{endpoint}"
        probe[("HTTP 404", url)] += 1
        probe[("console error: Failed to load resource: the server responded with a status of 404 (Not Found)",
               url)] += 1
    return probe


def _shown(page) -> int:
    return int(step_shown(page, CHART).split()[1])


def _shows(page, step: int) -> None:
    """The figure shows `step`."""
    wait_step(page, CHART, f"Step {step} of 9", timeout=15_000)


def _page_follows(page, step: int) -> None:
    """The page heard the step (its step box shows it) and the figure shows it."""
    expect(page.locator(STEP_BOX)).to_have_value(str(step), timeout=15_000)   # drawn after the figure
    expect(page.locator(CHART)).to_have_count(1)
    _shows(page, step)


def _press(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()


def _drag_slider_to(page, step: int) -> None:
    """Drag the slider's grip, through the steps in between, to `step`."""
    grip = page.locator(f"{CHART} .slider-grip-rect").bounding_box()
    rail = page.locator(f"{CHART} .slider-rail-rect").bounding_box()
    inset = grip["width"] / 2
    x = rail["x"] + inset + (rail["width"] - 2 * inset) * (step - 1) / 8
    y = grip["y"] + grip["height"] / 2
    page.mouse.move(grip["x"] + grip["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(x, y, steps=12)
    page.mouse.up()


def _play_pause_restart_and_step(page) -> None:
    _press(page, "▶ Play")
    _shows(page, 3)
    _press(page, "❚❚ Pause")                                    # interrupts Play
    stopped = _shown(page)
    _page_follows(page, stopped)

    _press(page, "▶ Play")
    _shows(page, stopped + 1)
    _press(page, "↺ Restart")                                   # interrupts Play, plays from step 1 …
    _shows(page, 1)
    _shows(page, 3)                                             # … and is not cut short by a rerun
    expect(page.locator(STEP_BOX)).to_have_value(str(stopped))  # the page is not told while it plays

    # The step shown when the click lands (a click under load can land a step or two after it was asked for).
    page.evaluate(f"""(c) => document.addEventListener("click", () => {{
        window.shownAtClick = Number(({STEP_SHOWN})(c).split(" ")[1]); }},
      {{ capture: true, once: true }})""", CHART)
    page.get_by_role("button", name="Next ▶").click()           # interrupts Restart
    expect(page.get_by_role("button", name="▶ Play", exact=True)).to_be_visible()
    before = page.evaluate("window.shownAtClick")
    page.wait_for_function(f"([c, n]) => Number(({STEP_SHOWN})(c)?.split(' ')[1]) > n",
                           arg=[CHART, before], polling="raf", timeout=15_000)
    step = _shown(page)
    assert step == before + 1                                   # one past where it was when clicked
    _page_follows(page, step)                                   # (told, unless it already knew that step)
    page.get_by_role("button", name="◀ Back").click()
    _page_follows(page, step - 1)
    page.get_by_role("button", name="Next ▶").click()
    _page_follows(page, step)

    _drag_slider_to(page, 8)
    _page_follows(page, 8)
    _press(page, "▶ Play")                                      # still playing when the page is left
    assert_no_exception(page)


def _switch_pages(page) -> None:
    page.get_by_role("link", name="Shape arithmetic").click()
    wait_for_app(page)
    page.get_by_role("link", name="Playground").click()
    wait_for_app(page)
    assert_no_exception(page)


@contextmanager
def _clean_console(page, allowed: Counter | None = None) -> Iterator[None]:
    """Whatever the steps inside do, and however they end, the console must be clean."""
    console = Console(page)
    try:
        yield
    finally:
        console.assert_clean(allowed or Counter())


def test_a_page_reached_by_navigation_logs_nothing(page, app_url):
    with _clean_console(page):
        page.goto(app_url)
        wait_for_app(page)
        page.get_by_role("link", name="Step by step").click()
        wait_for_app(page)
        page.locator(CHART).wait_for()
        _play_pause_restart_and_step(page)
        _switch_pages(page)


def test_a_page_opened_by_its_link_logs_nothing_but_the_base_path_probe(page, app_url):
    # The app's root first, in another tab, so that this test alone does not meet a server that
    # has never run app.py: such a server runs a linked page by itself first (widgets.navigation),
    # and that run makes the page's Material icon the tab's icon, fetched from fonts.gstatic.com,
    # a request that fails where there is no internet.
    first = page.context.new_page()
    first.goto(app_url)
    wait_for_app(first)
    first.close()
    with _clean_console(page, _base_path_probe(app_url, "step_by_step")):
        page.goto(f"{app_url}/step_by_step")
        wait_for_app(page)
        page.locator(CHART).wait_for()
        _play_pause_restart_and_step(page)
        _switch_pages(page)


def test_thirty_changes_a_second_keep_the_connection(page, app_url):
    """A student holding an arrow key on a slider: the tab stays connected and ends on the last value.

    A change sent just as a run ends used to name a figure the browser dropped on reading that
    end; the next run's reference to it was a fatal "Cached ForwardMsg MISS" (in 3 of 4 tries of
    these five bursts, with Streamlit's default ``global.maxCachedMessageAge`` of 2).
    """
    with _clean_console(page):
        page.goto(app_url)
        wait_for_app(page)
        page.get_by_role("tab", name="3 · Layer").click()
        stride = slider_input(page, "Stride")
        stride.focus()
        for seed in range(5):
            page.evaluate("""async (seed) => {
              const slider = document.activeElement;
              let r = seed + 1;
              const next = () => (r = (r * 16807) % 2147483647) / 2147483647;  // a seeded random walk
              for (let i = 0; i < 30; i++) {  // one key every 10-60 ms
                const key = next() < 0.5 ? 'ArrowLeft' : 'ArrowRight';
                slider.dispatchEvent(new KeyboardEvent('keydown', {key, code: key, bubbles: true}));
                slider.dispatchEvent(new KeyboardEvent('keyup', {key, code: key, bubbles: true}));
                await new Promise(done => setTimeout(done, 10 + 50 * next()));
              }
            }""", seed)
            page.wait_for_timeout(500)
        wait_for_app(page)
        shown = stride.input_value()
        expect(page).to_have_url(re.compile(rf"stride={shown}\b" if shown != "1" else r"^(?!.*stride=)"))
        assert_no_exception(page)
