"""Everyday journeys that AppTest cannot make: typing into the grid, drawing, following a link."""

from __future__ import annotations

from conftest import assert_no_exception, playwright_api, screenshot, wait_for_app
from test_playground_browser import _stroke

SVG_TEXT = "() => [...document.querySelectorAll('.js-plotly-plot text')].map(t => t.textContent).join('\\n')"


def _kernel_tab(page) -> None:
    page.get_by_role("tab", name="2 · Kernel").click()


def test_edit_these_values_then_clear_a_cell(page, app_url):
    page.goto(f"{app_url}/?kernel=sharpen")
    wait_for_app(page)
    _kernel_tab(page)
    page.get_by_role("button", name="Edit these values").click()
    page.wait_for_function("() => location.search.includes('kernel=custom')", timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("Sums to 1").first.is_visible()
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for()
    cleared = "() => location.search.includes('weights=0%2C-1%2C0%3B-1%2C0%2C-1')"
    for attempt in range(5):              # the canvas may still be drawing when it appears: click again
        box = grid.bounding_box()         # a header row and three rows of three cells
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 2.5 / 4)   # the centre, 5
        page.keyboard.press("Delete")
        try:
            page.wait_for_function(cleared, timeout=6_000 if attempt < 4 else 30_000)
            break
        except playwright_api.Error:
            if attempt == 4:
                raise
    wait_for_app(page)
    assert page.get_by_text("Empty cells count as 0").is_visible()
    assert page.get_by_text("Sums to −4").first.is_visible()
    assert_no_exception(page)
    screenshot(page, "journey-cleared-cell")


def test_a_drawn_kernel_keeps_the_bias(page, app_url):
    page.goto(f"{app_url}/?bias=2")
    wait_for_app(page)
    _kernel_tab(page)
    page.get_by_role("combobox", name="Kernel", exact=True).click()
    page.get_by_role("option", name="Drawn…").click()
    wait_for_app(page)
    _stroke(page, page.locator("canvas >> visible=true").first, [(0.5, 0.1), (0.5, 0.9)])
    wait_for_app(page)
    page.wait_for_timeout(1000)
    wait_for_app(page)
    assert page.get_by_label("Bias (added to every output)").input_value() == "2.00"
    assert "bias=2" in page.evaluate("location.search")
    page.get_by_role("combobox", name="Kernel", exact=True).click()
    page.get_by_role("option", name="Sobel x").click()
    wait_for_app(page)
    assert page.get_by_label("Bias (added to every output)").input_value() == "2.00"
    assert_no_exception(page)


def test_the_link_to_step_by_step_shows_the_inspected_number(page, app_url):
    page.goto(f"{app_url}/?image=Cat&row=10&col=10")
    wait_for_app(page)
    title = page.get_by_text("Output (10, 10) = ")
    title.wait_for(timeout=60_000)
    value = title.inner_text().split(" = ")[1]
    page.get_by_text("Step through this window").click()
    page.wait_for_function("() => location.pathname.endsWith('/step_by_step')", timeout=30_000)
    wait_for_app(page)
    page.wait_for_function(f"() => ({SVG_TEXT})().includes('output (10, 10)')", timeout=60_000)
    shown = page.evaluate(SVG_TEXT)
    heading = next(line for line in shown.splitlines() if "output (10, 10)" in line)
    assert heading.startswith("Step ")
    assert any(line.endswith(f"= {value}") for line in shown.splitlines()), (value, shown[-400:])
    assert_no_exception(page)
    screenshot(page, "journey-link-to-step-by-step")
