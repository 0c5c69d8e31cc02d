"""The Volumes page in a real browser: the clip plays, the keys and buttons step through its frames,
and the 3-D walkthrough below steps, plays and jumps to a clicked output on its own."""

from __future__ import annotations

from conftest import assert_no_exception, playwright_api, screenshot, wait_for_app, wait_step

expect = playwright_api.expect

CLIP, WALK = ".st-key-volumes-page-chart", ".st-key-volumes-page-window_chart"
LABEL = " .slider-container text.slider-label"   # the clip's slider says its frame; the walk's heading its step


def test_the_output_frames_play_and_step(page, app_url):
    page.goto(f"{app_url}/volumes")
    wait_for_app(page)
    label = page.locator(CLIP + LABEL).first
    expect(label).to_have_text("Output frame 1 of 16", timeout=60_000)
    buttons = page.locator(".st-key-volumes-page-stepper-frame")
    buttons.get_by_role("button", name="Next ▶", exact=True).click()
    expect(label).to_have_text("Output frame 2 of 16")
    expect(page.get_by_label("Frame (of 16)")).to_have_value("2")
    page.keyboard.press("End")                       # the keys drive the figure nearest the window's middle
    expect(label).to_have_text("Output frame 16 of 16")
    expect(page.get_by_label("Frame (of 16)")).to_have_value("16")
    wait_for_app(page)
    buttons.get_by_role("button", name="▶ Play").click()                  # from the end: plays from the start
    page.wait_for_function("(s) => document.querySelector(s)?.textContent === 'Output frame 4 of 16'",
                           arg=CLIP + LABEL, timeout=15_000)
    buttons.get_by_role("button", name="❚❚ Pause").click()
    assert_no_exception(page)
    screenshot(page, "volumes")


def test_the_3d_walkthrough_steps_with_its_own_controls_and_keys(page, app_url):
    page.goto(f"{app_url}/volumes")
    wait_for_app(page)
    clip = page.locator(CLIP + LABEL).first
    wait_step(page, WALK, "Step 1 of 27", timeout=60_000)
    page.locator(WALK).scroll_into_view_if_needed()
    page.locator(".st-key-volumes-page-stepper-window").get_by_role("button", name="Next ▶", exact=True).click()
    wait_step(page, WALK, "Step 2 of 27")
    page.mouse.click(5, 300)
    page.keyboard.press("ArrowRight")
    wait_step(page, WALK, "Step 3 of 27")
    expect(clip).to_have_text("Output frame 1 of 16")            # the clip above stays where it was
    expect(page.get_by_label("Output (of 27)")).to_have_value("3")
    page.wait_for_function("() => location.search.includes('window=3')", timeout=15_000)
    assert_no_exception(page)
    screenshot(page, "volumes-walkthrough", full_page=False)
