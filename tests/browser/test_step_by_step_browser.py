"""The Step by step page in a real browser: play runs in the page, clicks jump, downloads work."""

from __future__ import annotations

import io

import numpy as np
from conftest import STEP_SHOWN, assert_no_exception, playwright_api, screenshot, step_shown, wait_for_app, wait_step
from PIL import Image

expect = playwright_api.expect

CHART = "[data-testid='stPlotlyChart']:has(.slider-container)"


def _open(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/step_by_step{query}")
    wait_for_app(page)
    page.locator(CHART).wait_for()
    page.wait_for_timeout(800)
    assert_no_exception(page)


def _halves(page) -> tuple[np.ndarray, np.ndarray]:
    """The figure's left half (input and kernel) and right half (output), as pixels."""
    shot = np.asarray(Image.open(io.BytesIO(page.locator(CHART).screenshot())).convert("L"), dtype=int)
    middle = shot.shape[1] // 2
    return shot[:, :middle], shot[:, middle:]


def test_play_moves_the_window_and_fills_the_output(page, app_url):
    _open(page, app_url)
    assert step_shown(page, CHART) == "Step 1 of 9"
    screenshot(page, "step-by-step-start")
    before = _halves(page)

    page.get_by_text("▶ Play", exact=True).click()
    page.wait_for_function(f"(c) => ['Step 5 of 9', 'Step 6 of 9'].includes(({STEP_SHOWN})(c))", arg=CHART,
                           polling="raf", timeout=15_000)
    assert page.get_by_label("Step (of 9)").input_value() == "1"  # playing needs no server round trip
    page.get_by_text("❚❚ Pause", exact=True).click()
    page.wait_for_timeout(300)
    label = step_shown(page, CHART)
    _step_box_follows(page, int(label.split()[1]))     # the page is told, and redraws the figure at that step
    wait_for_app(page)
    page.locator(CHART).wait_for()
    after = _halves(page)
    screenshot(page, "step-by-step-playing")

    assert label in ("Step 5 of 9", "Step 6 of 9", "Step 7 of 9")
    assert (np.abs(before[0] - after[0]) > 40).sum() > 500   # the window moved over the input
    assert (np.abs(before[1] - after[1]) > 40).sum() > 500   # output cells were filled in


def _step_box_follows(page, step: int) -> None:
    page.wait_for_function("(n) => document.querySelector('input[aria-label=\"Step (of 9)\"]')?.value === n",
                           arg=str(step), timeout=15_000)


def test_back_and_next_step_from_where_play_stopped(page, app_url):
    _open(page, app_url)
    page.get_by_text("▶ Play", exact=True).click()
    wait_step(page, CHART, "Step 4 of 9", timeout=15_000)
    page.get_by_text("❚❚ Pause", exact=True).click()
    stopped = int(step_shown(page, CHART).split()[1])
    _step_box_follows(page, stopped)                  # the page heard where the figure stopped
    page.wait_for_function("(q) => location.search.includes(q)", arg=f"step={stopped}", timeout=15_000)

    page.get_by_role("button", name="Next ▶").click()
    wait_step(page, CHART, f"Step {stopped + 1} of 9")
    _step_box_follows(page, stopped + 1)
    page.get_by_role("button", name="◀ Back").click()
    page.get_by_role("button", name="◀ Back").click()
    wait_step(page, CHART, f"Step {stopped - 1} of 9")
    _step_box_follows(page, stopped - 1)
    wait_for_app(page)
    wait_step(page, CHART, f"Step {stopped - 1} of 9")   # and stays there
    assert_no_exception(page)
    screenshot(page, "step-by-step-back-next")


def test_clicking_an_output_cell_jumps_to_its_step(page, app_url):
    _open(page, app_url)
    targets = page.locator(f"{CHART} .scatterlayer .trace .points path")
    assert targets.count() == 9
    box = targets.nth(7).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_step(page, CHART, "Step 8 of 9", timeout=15_000)
    expect(page.get_by_label("Step (of 9)")).to_have_value("8")
    page.wait_for_function("() => location.search.includes('step=8')", timeout=15_000)
    screenshot(page, "step-by-step-clicked")


def test_downloads_are_an_animated_gif_and_a_png(page, app_url, tmp_path):
    _open(page, app_url, "?operation=max+pool&stride=2")
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Animated GIF").click()
    path = tmp_path / "steps.gif"
    download.value.save_as(path)
    gif = Image.open(path)
    assert gif.format == "GIF" and gif.n_frames == 4 and gif.size[0] >= 1280

    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="This step (PNG)").click()
    path = tmp_path / "step.png"
    download.value.save_as(path)
    assert Image.open(path).format == "PNG"
    screenshot(page, "step-by-step-max-pool")


def test_a_link_and_the_step_box_move_the_one_figure_to_their_step(page, app_url):
    """The figure is built once per setting and opens on step 1; the page's step is shown on it."""
    _open(page, app_url, "?step=5")
    wait_step(page, CHART, "Step 5 of 9", timeout=20_000)
    page.wait_for_timeout(1000)                    # coming to rest there does not send the page back
    wait_step(page, CHART, "Step 5 of 9")
    assert "step=5" in page.url
    box = page.get_by_label("Step (of 9)")
    box.fill("8")
    box.press("Enter")
    wait_step(page, CHART, "Step 8 of 9", timeout=20_000)
    assert_no_exception(page)


# Draws the figure again as it opened, on its first step (as a redraw may), and says whether the cells
# show frame `n` (0-based): each trace the frame names holds the frame's values.
_REDRAW_AS_OPENED = """() => {
  const gd = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
  const first = gd._transitionData._frames[0];
  const data = gd.data.map((trace) => ({ ...trace }));
  first.traces.forEach((t, j) => Object.assign(data[t], first.data[j]));
  const layout = JSON.parse(JSON.stringify(gd.layout));
  layout.sliders[0].active = 0;
  layout.width = gd._fullLayout.width - 1;
  return window.Plotly.react(gd, data, layout).then(() => true);
}"""
_SHOWS_FRAME = """(n) => {
  const gd = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
  const frame = gd._transitionData._frames[n];
  return frame.traces.every((t, j) => Object.keys(frame.data[j]).every(
    (key) => JSON.stringify(gd.data[t][key]) === JSON.stringify(frame.data[j][key])));
}"""


def test_a_redraw_that_reopens_the_figure_goes_back_to_the_pages_step(page, app_url):
    """Cells and slider return to the page's step after a redraw; the page is not told another step."""
    _open(page, app_url, "?step=5")
    wait_step(page, CHART, "Step 5 of 9", timeout=20_000)
    assert page.evaluate(_SHOWS_FRAME, 4)
    page.evaluate(_REDRAW_AS_OPENED)
    wait_step(page, CHART, "Step 5 of 9", timeout=10_000)
    page.wait_for_timeout(1000)                    # at rest there, and the page still on step 5
    assert page.evaluate(_SHOWS_FRAME, 4)
    expect(page.get_by_label("Step (of 9)")).to_have_value("5")
    assert "step=5" in page.url
    assert_no_exception(page)


def test_next_past_the_steps_one_figure_carries_builds_the_next_stretch(page, app_url):
    """A 32-pixel patch has 900 steps; a figure carries 300 of them, and Next goes on past its last."""
    _open(page, app_url, "?grid=image+patch&image=Cat&patch=32")
    wait_step(page, CHART, "Step 1 of 900", timeout=20_000)
    box = page.get_by_label("Step (of 900)")
    box.fill("300")
    box.press("Enter")
    wait_step(page, CHART, "Step 300 of 900", timeout=20_000)
    wait_for_app(page)
    page.get_by_role("button", name="Next ▶").click()
    wait_step(page, CHART, "Step 301 of 900", timeout=30_000)
    expect(box).to_have_value("301", timeout=15_000)
    wait_for_app(page)
    page.get_by_role("button", name="Next ▶").click()
    wait_step(page, CHART, "Step 302 of 900", timeout=20_000)
    assert_no_exception(page)
