"""The Sequences page in a real browser: a laptop and a phone, light and dark; Next steps the 1-D walkthrough."""

from __future__ import annotations

import pytest
from conftest import CHART_SELECTOR, assert_no_exception, playwright_api, screenshot, wait_for_app, wait_step

expect = playwright_api.expect

WALK = f"{CHART_SELECTOR}:has(.slider-container)"
SCREENS = {"laptop": (1280, 720), "phone": (390, 844)}


@pytest.fixture(params=[(screen, scheme) for screen in SCREENS for scheme in ("light", "dark")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def view(request, browser):
    screen, scheme = request.param
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                  device_scale_factor=1)
    page = context.new_page()
    yield page, f"{screen}-{scheme}"
    context.close()


def _settled(page) -> None:
    wait_for_app(page)
    page.locator(f"{CHART_SELECTOR} .main-svg >> visible=true").first.wait_for()
    assert_no_exception(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls {overflow} px sideways"


def test_next_steps_the_walkthrough_and_every_section_draws(view, app_url):
    page, name = view
    page.goto(f"{app_url}/sequences?section=walk")
    _settled(page)
    wait_step(page, WALK, "Step 1 of 8")
    page.get_by_role("button", name="Next ▶").click()
    wait_step(page, WALK, "Step 2 of 8")
    page.wait_for_function("() => document.querySelector('input[aria-label=\"Step (of 8)\"]')?.value === '2'",
                           timeout=15_000)            # the page heard it: the step box and the link follow
    page.wait_for_function("() => location.search.includes('step=2')", timeout=15_000)  # at the run's end
    assert_no_exception(page)
    screenshot(page, f"sequences-walk-{name}", full_page=False)
    if name not in ("laptop-light", "phone-dark"):
        return                                       # one laptop and one phone view of the other sections
    for section in ("Text", "Signals", "Causal and dilated"):
        page.get_by_role("radiogroup", name="Section").get_by_role("radio", name=section, exact=True).click()
        _settled(page)
        if section == "Signals":
            expect(page.locator("audio")).to_have_count(2)
        screenshot(page, f"sequences-{section.split()[0].lower()}-{name}", full_page=False)
