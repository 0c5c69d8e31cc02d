"""The Volumes page in a real browser: the clip plays, the keys and buttons step through its frames."""

from __future__ import annotations

from conftest import CHART_SELECTOR, assert_no_exception, playwright_api, screenshot, wait_for_app

expect = playwright_api.expect

CHART = f"{CHART_SELECTOR}:has(.slider-container)"
LABEL = f"{CHART} .slider-container text.slider-label"


def test_the_output_frames_play_and_step(page, app_url):
    page.goto(f"{app_url}/volumes")
    wait_for_app(page)
    page.locator(CHART).wait_for()
    label = page.locator(LABEL).first
    expect(label).to_have_text("Output frame 1 of 16")
    page.get_by_role("button", name="Next ▶", exact=True).click()
    expect(label).to_have_text("Output frame 2 of 16")
    expect(page.get_by_label("Frame (of 16)")).to_have_value("2")
    page.keyboard.press("End")
    expect(label).to_have_text("Output frame 16 of 16")
    expect(page.get_by_label("Frame (of 16)")).to_have_value("16")
    wait_for_app(page)
    page.get_by_role("button", name="▶ Play").click()                  # from the end: plays from the start
    page.wait_for_function("(s) => document.querySelector(s)?.textContent === 'Output frame 4 of 16'", arg=LABEL,
                           timeout=15_000)
    page.get_by_role("button", name="❚❚ Pause").click()
    assert_no_exception(page)
    screenshot(page, "volumes")
