"""The Matrix view in a real browser: a 1280×720 screen and a 390×844 phone, light and dark; a row picked by a click.

Each size is opened once, light, and then switched to dark as a viewer's system setting
would (Streamlit follows it live). Screenshots go to tests/output/screenshots/
(matrix-view-*.png) to be looked at.
"""

from __future__ import annotations

import pytest
from conftest import assert_no_exception, playwright_api, screenshot, wait_for_app

expect = playwright_api.expect
SIZES = {"screen": {"width": 1280, "height": 720}, "phone": {"width": 390, "height": 844}}
ROW_BOX = "input[aria-label^='Row (output']"
# The chart holding a trace called `name`, and the board row of the patch matrix's window outline.
CHART = ("(name) => [...document.querySelectorAll('.js-plotly-plot')]"
         ".find(e => (e.data || []).some(t => t.name === name))")
WINDOW_TOP = f"() => Math.min(...({CHART})('patches').data.find(t => t.name === 'window').y.filter(v => v !== null))"
DARK = "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor === 'rgb(18, 21, 27)'"


@pytest.fixture
def open_matrix_view(browser, app_url):
    opened = []

    def make(size: str):
        context = browser.new_context(viewport=SIZES[size], color_scheme="light", device_scale_factor=1)
        opened.append(context)
        page = context.new_page()
        page.goto(f"{app_url}/matrix_view")
        wait_for_app(page)
        page.wait_for_function(f"() => !!({CHART})('patches') && !!({CHART})('direct (conv2d)')")
        return page

    yield make
    for context in opened:
        context.close()


def _looks_right(page, name: str) -> None:
    """No exception, nothing wider than the window, the sections there; a screenshot to look at."""
    assert_no_exception(page)
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    expect(page.get_by_role("heading", name="One sparse matrix")).to_be_attached()
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
