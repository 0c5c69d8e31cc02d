"""The Playground in a real browser: upload a photo, switch the kernel, see the map change."""

from __future__ import annotations

import io

import numpy as np
from conftest import assert_no_exception, screenshot, wait_for_app
from PIL import Image


JPEGS = (
    "() => [...document.querySelectorAll('.js-plotly-plot image')]"
    ".map(i => i.getAttribute('href') || '').filter(h => h.startsWith('data:image/jpeg'))"
)


def _map_source(page) -> str:
    """The data URI of the first feature map: the second JPEG (heatmaps render as PNG)."""
    page.wait_for_function(f"() => ({JPEGS})().length >= 2")
    return page.evaluate(JPEGS)[1]


def _photo() -> bytes:
    y, x = np.mgrid[0:240, 0:320]
    rgb = np.stack([x % 256, y % 256, (x * y) % 256], -1).astype(np.uint8)
    rgb[60:180, 100:220] = 255
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_playground_upload_and_switch_kernel(page, app_url, tmp_path):
    page.goto(app_url)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "playground")

    page.get_by_role("combobox", name="Image").click()
    page.get_by_role("option", name="Upload your own…").click()
    wait_for_app(page)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(_photo())
    page.locator("input[type=file]").set_input_files(str(photo))
    page.wait_for_function(
        "() => [...document.querySelectorAll('code')].some(c => c.textContent.includes('1×240×320'))",
        timeout=60_000,
    )
    wait_for_app(page)
    before = _map_source(page)

    page.get_by_role("tab", name="2 · Kernel").click()
    page.get_by_role("combobox", name="Kernel", exact=True).click()
    page.get_by_role("option", name="Box blur").click()
    wait_for_app(page)
    page.wait_for_function(f"(old) => {{ const j = ({JPEGS})(); return j.length >= 2 && j[1] !== old; }}",
                           arg=before, timeout=60_000)
    assert _map_source(page) != before
    assert_no_exception(page)
    screenshot(page, "playground-upload-box-blur")
