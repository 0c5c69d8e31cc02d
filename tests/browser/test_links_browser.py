"""A shared link is often the first visit a freshly started server gets: it must open the right page.

Each case starts its own server, so the link really is the first thing the app sees.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import assert_no_exception, running_app, wait_for_app

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
