"""The Shape arithmetic page in a real browser: the calculator, then the LeNet-5 stack."""

from __future__ import annotations

from conftest import assert_no_exception, screenshot, wait_for_app


def wait_for_drawings(page, *selectors: str) -> None:
    """Formulas, inputs and charts load their code lazily: wait until each shown one has drawn."""
    for selector in ("[data-testid='stNumberInput'] input", ".js-plotly-plot .main-svg", *selectors):
        page.locator(f"{selector} >> visible=true").first.wait_for()
    page.wait_for_timeout(500)


def test_shapes_page_renders_the_calculator_and_the_lenet5_stack(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 2400})    # the page scrolls inside the app, not the window
    page.goto(f"{app_url}/shapes?k=3&k_2=3&s=2&s_2=2")
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_text("Output: 15 × 15").wait_for()
    wait_for_drawings(page, ".katex")
    assert page.get_by_text("input position 31 (counting from 0) is never read").first.is_visible()
    screenshot(page, "shapes_calculator")

    page.get_by_role("tab", name="Layer stack").click()
    wait_for_app(page)
    page.get_by_text("Code that builds this stack").wait_for()
    page.get_by_text("61,706").first.wait_for()
    wait_for_drawings(page)
    assert_no_exception(page)
    assert page.get_by_role("link", name="Shape arithmetic").is_visible()      # app.py's navigation
    assert page.get_by_text("LeCun et al. (1998)").is_visible()          # the LeNet-5 preset's note
    assert page.locator(".js-plotly-plot").count() >= 1          # the receptive-field picture
    screenshot(page, "shapes_lenet5")
