"""A shared link is often the first visit a freshly started server gets: it must open the right page.

Each case starts its own server, so the link really is the first thing the app sees.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import assert_no_exception, playwright_api, running_app, slider_input, wait_for_app

expect = playwright_api.expect

# app.py's navigation, as widgets/navigation.py lists it (a fallback would list file names)
TITLES = re.findall(r'title="([^"]+)"', (Path(__file__).parents[2] / "widgets" / "navigation.py").read_text())
LINKS = [
    ("/shapes?k=3&k_2=3&s=2&s_2=2", "Shape arithmetic", "Output: 15 × 15"),
    ("/step_by_step?padding=amount&pad=1", "Step by step", "Step 1 of 25"),
    ("/?kernel=laplacian&stride=2", "Playground", "Laplacian"),
]
# Each page's URL is its file name in pages/. On a fresh server Streamlit first runs that file on
# its own; the page hands over to app.py (widgets.navigation.require_app).


@pytest.mark.parametrize(("link", "heading", "restored"), LINKS, ids=[link for link, _, _ in LINKS])
def test_a_link_opened_first_on_a_fresh_server_shows_its_page_and_settings(page, link, heading, restored):
    with running_app() as url:
        page.goto(url + link)
        wait_for_app(page)
        assert_no_exception(page)
        assert page.locator("h1").first.inner_text() == heading
        nav = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
        assert [text.split("\n")[-1] for text in nav] == TITLES      # app.py's navigation, not a fallback
        assert page.get_by_text("Page not found").count() == 0
        assert page.title() == "convviz: convolution, visualised"  # app.py's page config
        page.get_by_text(restored).first.wait_for(timeout=20_000)


def test_back_and_forward_undo_and_redo_a_change(page, app_url):
    """The browser's Back is a link to the page's earlier URL: it sets the page back (and Forward again)."""
    page.goto(f"{app_url}/?stride=2")
    wait_for_app(page)
    page.get_by_role("tab", name="3 · Layer").click()
    thumb = slider_input(page, "Stride")
    assert thumb.input_value() == "2"
    thumb.press("ArrowRight")
    page.wait_for_url(re.compile(r"stride=3"), timeout=15_000)
    for go, url, value in ((page.go_back, r"stride=2", "2"), (page.go_forward, r"stride=3", "3")):
        go()
        page.wait_for_url(re.compile(url), timeout=15_000)
        wait_for_app(page)
        expect(thumb).to_have_value(value, timeout=15_000)
    assert_no_exception(page)
