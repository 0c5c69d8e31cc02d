"""Teaching with the app: presenter mode on a 1280×720 projector, the keyboard, a phone, both themes.

Every page is opened at 1280×720 in presenter mode and at 390×844, in light and dark; each
screenshot is saved to tests/output/screenshots/ (classroom-*.png) to be looked at.
"""

from __future__ import annotations

import re

import pytest
from conftest import (
    CHART_SELECTOR, STEP_SHOWN, assert_no_exception, playwright_api, screenshot, wait_for_app, wait_step,
)

expect = playwright_api.expect

PAGES = {"playground": "/", "step-by-step": "/step_by_step", "shapes": "/shapes", "volumes": "/volumes",
         "practice": "/practice"}
SLIDE = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
STEP_CHART = f"{CHART_SELECTOR}:has(.slider-container)"
STEP_BOX = "input[aria-label='Step (of 9)']"


@pytest.fixture
def context_for(browser):
    opened = []

    def make(viewport: dict, scheme: str = "light", **options):
        context = browser.new_context(viewport=viewport, color_scheme=scheme, device_scale_factor=1, **options)
        opened.append(context)
        return context.new_page()

    yield make
    for context in opened:
        context.close()


def _overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll)."""
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, "
                         "document.querySelector('[data-testid=stMain]').scrollWidth) - window.innerWidth")


def _inside(page, selector: str) -> None:
    """The element is entirely inside the window, without scrolling."""
    box = page.locator(selector).first.bounding_box()
    view = page.viewport_size
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= view["width"] + 1 and box["y"] + box["height"] <= view["height"] + 1, \
        (selector, box, view)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_as_a_slide_and_on_a_phone(context_for, app_url, name, scheme):
    slide = context_for(SLIDE, scheme)
    slide.goto(f"{app_url}{PAGES[name]}{'&' if '?' in PAGES[name] else '?'}present=1")
    wait_for_app(slide)
    assert_no_exception(slide)
    expect(slide.locator("[data-testid='stSidebar']")).to_be_hidden()
    assert _overflow(slide) <= 0
    screenshot(slide, f"classroom-{name}-slide-{scheme}", full_page=False)

    phone = context_for(PHONE, scheme)
    phone.goto(f"{app_url}{PAGES[name]}")
    wait_for_app(phone)
    assert_no_exception(phone)
    assert _overflow(phone) <= 0
    screenshot(phone, f"classroom-{name}-phone-{scheme}")

    background = slide.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stApp]'))"
                                ".backgroundColor")
    channels = [int(v) for v in background[background.index("(") + 1:-1].split(",")[:3]]
    assert (sum(channels) / 3 < 80) == (scheme == "dark"), background


def test_the_main_figures_fit_a_projector_in_presenter_mode(context_for, app_url):
    page = context_for(SLIDE)
    page.goto(f"{app_url}/?present=1")
    wait_for_app(page)
    charts = page.locator(CHART_SELECTOR)
    expect(charts.nth(1)).to_be_visible()
    for i in range(2):  # the input and the feature map (the inspector's thumbnail may follow below)
        _inside(page, f"{CHART_SELECTOR} >> nth={i}")

    page.goto(f"{app_url}/step_by_step?present=1")
    wait_for_app(page)
    _inside(page, STEP_CHART)
    for label in ("↺ Restart", "◀ Back", "▶ Play", "Next ▶"):
        _inside(page, f"button:text-is('{label}')")
    _inside(page, STEP_BOX)
    sizes = page.evaluate(f"""() => [...document.querySelectorAll("{STEP_CHART} .heatmaplayer text")]"""
                          """.map(t => parseFloat(getComputedStyle(t).fontSize))""")
    assert sizes and min(sizes) >= 24, sizes

    page.goto(f"{app_url}/shapes?present=1")        # the worked size beside the windows' picture
    wait_for_app(page)
    expect(page.get_by_text("Output: 28 × 28")).to_be_visible()
    _inside(page, "h2:has-text('Output: 28 × 28')")
    _inside(page, CHART_SELECTOR)
    for section in ("text", "signal", "walk"):
        page.goto(f"{app_url}/sequences?present=1&section={section}")
        wait_for_app(page)
        _inside(page, CHART_SELECTOR)


@pytest.mark.parametrize("query", ["grid=image+patch&patch=32&present=1",
                                   "grid=image+patch&patch=32&operation=channels",
                                   "grid=random&grid_size=16&operation=max+pool&present=1"])
def test_large_grids_zoom_to_the_window_with_numbers_of_14_px_or_more(context_for, app_url, query):
    page = context_for(SLIDE)
    page.goto(f"{app_url}/step_by_step?{query}")
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.locator(f"{STEP_CHART} .annotation-text", has_text="Where")).to_have_count(1, timeout=30_000)
    sizes = page.evaluate(f"""() => [...document.querySelectorAll("{STEP_CHART} .heatmaplayer text")]"""
                          """.filter(t => t.textContent).map(t => parseFloat(getComputedStyle(t).fontSize))""")
    assert sizes and min(sizes) >= 14, sizes
    if "present=1" in query:
        _inside(page, STEP_CHART)
        for label in ("↺ Restart", "▶ Play", "Next ▶"):
            _inside(page, f"button:text-is('{label}')")
    screenshot(page, f"classroom-zoom-{query.split('&')[-1].replace('=', '-')}", full_page=False)


def test_the_keyboard_drives_the_walkthrough(context_for, app_url):
    page = context_for(SLIDE)
    page.goto(f"{app_url}/step_by_step?present=1")
    wait_for_app(page)
    page.locator(STEP_CHART).wait_for()
    for key, step in (("ArrowRight", 2), ("End", 9), ("ArrowLeft", 8), ("Home", 1)):
        page.keyboard.press(key)
        wait_step(page, STEP_CHART, f"Step {step} of 9")        # at once, in the browser
        expect(page.locator(STEP_BOX)).to_have_value(str(step))  # and the page hears it

    page.keyboard.press("+")                                    # normal → fast
    expect(page).to_have_url(re.compile(r"speed=fast"))
    wait_for_app(page)
    page.keyboard.press(" ")                                    # play …
    expect(page.get_by_role("button", name="❚❚ Pause")).to_be_visible()
    page.wait_for_function(f"(c) => ({STEP_SHOWN})(c) !== 'Step 1 of 9'", arg=STEP_CHART, polling="raf")
    page.keyboard.press(" ")                                    # … and pause
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    assert_no_exception(page)

    play = page.get_by_role("button", name="▶ Play")            # Play is reachable with Tab
    for _ in range(40):
        page.keyboard.press("Tab")
        if play.evaluate("(b) => b.getRootNode().activeElement === b"):
            break
    else:
        pytest.fail("Tab never reached Play")


def test_chart_toolbars_are_out_of_the_tab_order(context_for, app_url):
    page = context_for(SLIDE)
    page.goto(app_url)
    wait_for_app(page)
    page.locator(f"{CHART_SELECTOR} .modebar-btn").first.wait_for(state="attached")
    page.wait_for_function("() => [...document.querySelectorAll('.modebar-btn')].every(b => b.tabIndex === -1)",
                           timeout=5_000)                # each chart's toolbar, as soon as it is drawn


def test_copy_link_for_the_class_gives_the_presenter_link(context_for, app_url):
    page = context_for(SLIDE, permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{app_url}/step_by_step?stride=2")
    wait_for_app(page)
    page.get_by_role("button", name="Copy link for the class").click()
    expect(page.get_by_role("button", name="Copied ✓")).to_be_visible()
    link = page.evaluate("() => navigator.clipboard.readText()")
    assert "/step_by_step?" in link and "stride=2" in link and "present=1" in link

    page.goto(link)
    wait_for_app(page)
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    expect(page.get_by_text("Animate: Convolution")).to_be_visible()
