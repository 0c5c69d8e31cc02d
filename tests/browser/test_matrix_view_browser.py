"""The Matrix view in a real browser: a 1280×720 screen and a 390×844 phone, light and dark; a row picked by a
click; every section's tab clicked in turn, each drawing its own charts and no other section's.

Each size is opened once, light, and then switched to dark as a viewer's system setting
would (Streamlit follows it live). Screenshots go to tests/output/screenshots/
(matrix-view-*.png) to be looked at.
"""

from __future__ import annotations

import pytest
from conftest import assert_no_exception, playwright_api, screenshot, wait_for_app

expect = playwright_api.expect
SIZES = {"screen": {"width": 1280, "height": 720}, "phone": {"width": 390, "height": 844}}
SECTIONS = {  # short name in the link: (tab label, charts the section draws)
    "matrix": ("1 · A matrix multiply", 3), "sparse": ("2 · One sparse matrix", 5),
    "checkerboard": ("3 · Checkerboards", 2), "three": ("4 · Three ways", 1), "efficient": ("5 · Efficient layers", 4),
}
ROW_BOX = "input[aria-label^='Row (output']"
# The chart holding a trace called `name`, and the board row of the patch matrix's window outline.
CHART = ("(name) => [...document.querySelectorAll('.js-plotly-plot')]"
         ".find(e => (e.data || []).some(t => t.name === name))")
WINDOW_TOP = f"() => Math.min(...({CHART})('patches').data.find(t => t.name === 'window').y.filter(v => v !== null))"
DARK = "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor === 'rgb(18, 21, 27)'"
# The rerun is over and exactly `n` charts are on the page, every one drawn.
DRAWN = ("(n) => !document.querySelector('[data-testid=stStatusWidget]') && [...document.querySelectorAll("
         "'.js-plotly-plot')].filter(e => e.querySelector('.main-svg')).length === n "
         "&& document.querySelectorAll('.js-plotly-plot').length === n")


@pytest.fixture
def open_matrix_view(browser, app_url):
    opened = []

    def make(size: str):
        context = browser.new_context(viewport=SIZES[size], color_scheme="light", device_scale_factor=1)
        opened.append(context)
        page = context.new_page()
        page.goto(f"{app_url}/matrix_view")
        wait_for_app(page)
        page.wait_for_function(f"() => !!({CHART})('patches')")
        return page

    yield make
    for context in opened:
        context.close()


def _looks_right(page, name: str) -> None:
    """No exception, nothing wider than the window, the section tabs there; a screenshot to look at."""
    assert_no_exception(page)
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    expect(page.get_by_role("tab", name=SECTIONS["sparse"][0])).to_be_attached()
    screenshot(page, name, full_page=False)


@pytest.mark.parametrize("size", SIZES)
def test_the_page_fits_in_light_and_dark_and_a_click_picks_a_row(open_matrix_view, size):
    page = open_matrix_view(size)
    assert not page.evaluate(DARK)
    _looks_right(page, f"matrix-view-{size}-light")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(DARK)
    page.wait_for_timeout(300)
    _looks_right(page, f"matrix-view-{size}-dark")

    assert page.evaluate(WINDOW_TOP) == 0.5                     # row 0 of the patch matrix, on board row 1
    spot = page.evaluate(f"""() => {{
        const el = ({CHART})('patches');
        el.scrollIntoView({{block: 'center'}});
        const layout = el._fullLayout, box = el.getBoundingClientRect();
        return {{x: box.left + layout.xaxis._offset + layout.xaxis.d2p(3),
                y: box.top + layout.yaxis._offset + layout.yaxis.d2p(1 + 5)}};
    }}""")
    page.mouse.move(spot["x"], spot["y"])
    page.mouse.click(spot["x"], spot["y"])                      # a cell of row 5
    expect(page.locator(ROW_BOX)).to_have_value("5")
    page.wait_for_function(f"() => ({WINDOW_TOP})() === 5.5")   # the outline moved to row 5 in the browser
    expect(page.get_by_text("Row 5 is the window at output (1, 1)")).to_be_visible()
    _looks_right(page, f"matrix-view-{size}-row-picked")


@pytest.mark.parametrize("size", SIZES)
def test_each_tab_draws_its_own_charts_and_puts_its_section_in_the_link(open_matrix_view, size):
    page = open_matrix_view(size)
    page.wait_for_function(DRAWN, arg=SECTIONS["matrix"][1])
    for name, (label, count) in [*list(SECTIONS.items())[1:], ("matrix", SECTIONS["matrix"])]:
        tab = page.get_by_role("tab", name=label)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        page.wait_for_function(DRAWN, arg=count, timeout=60_000)
        assert_no_exception(page)
        assert ("section=" + name in page.url) == (name != "matrix")
        assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshot(page, f"matrix-view-{size}-tab-{name}", full_page=False)
    page.goto(page.url.split("?")[0] + "?section=three")       # a link, as shared before the tabs, opens its tab
    wait_for_app(page)
    expect(page.get_by_role("tab", name=SECTIONS["three"][0])).to_have_attribute("aria-selected", "true")
    page.wait_for_function(DRAWN, arg=SECTIONS["three"][1])


def test_the_presenter_s_radio_and_the_tabs_choose_the_same_section(browser, app_url):
    context = browser.new_context(viewport=SIZES["screen"], device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/matrix_view?section=checkerboard")
        wait_for_app(page)
        page.get_by_text("Presenter mode").first.click()              # the switch in the sidebar
        bar = page.get_by_role("button", name=f"Section: {SECTIONS['checkerboard'][0]}")
        expect(bar).to_be_visible()
        page.wait_for_function(DRAWN, arg=SECTIONS["checkerboard"][1])
        bar.click()
        page.get_by_text(SECTIONS["efficient"][0]).click()           # an option of the bar's radio
        expect(page.get_by_role("button", name=f"Section: {SECTIONS['efficient'][0]}")).to_be_visible()
        page.wait_for_function(DRAWN, arg=SECTIONS["efficient"][1])
        page.keyboard.press("Escape")
        page.get_by_text("Presenter mode").first.click()              # now in the bar: back to the tabs
        tab = page.get_by_role("tab", name=SECTIONS["efficient"][0])
        expect(tab).to_have_attribute("aria-selected", "true")
        page.wait_for_function(DRAWN, arg=SECTIONS["efficient"][1])
        assert "section=efficient" in page.url and "present=1" not in page.url
        assert_no_exception(page)
    finally:
        context.close()
