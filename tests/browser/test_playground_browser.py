"""The Playground in a real browser: upload a photo, switch the kernel, see the map change."""

from __future__ import annotations

import io

import numpy as np
from conftest import assert_no_exception, playwright_api, screenshot, wait_for_app
from PIL import Image

# Waits for what a rerun shows: right after a click the script may not have started yet.
expect = playwright_api.expect


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
    _map_source(page)                                  # the sample's feature map has been drawn
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


def test_typing_a_value_into_the_kernel_grid_changes_the_kernel_and_the_map(page, app_url):
    page.goto(f"{app_url}/?kernel=custom")
    wait_for_app(page)
    page.get_by_role("tab", name="2 · Kernel").click()
    before = _map_source(page)
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for()
    editor = page.locator("input.gdg-input")
    for _ in range(5):                   # the canvas may still be drawing when the tab opens: click again
        box = grid.bounding_box()        # a header row and three rows of three cells, drawn on a canvas
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 1.5 / 4)
        page.keyboard.press("Enter")
        try:
            editor.wait_for(timeout=3_000)
            break
        except playwright_api.Error:
            page.keyboard.press("Escape")
    editor.fill("-4")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('weights=0%2C-4%2C0%3B0%2C1%2C0')", timeout=30_000)
    wait_for_app(page)
    page.wait_for_function(f"(old) => {{ const j = ({JPEGS})(); return j.length >= 2 && j[1] !== old; }}",
                           arg=before, timeout=60_000)
    expect(page.get_by_text("Sums to −3")).to_be_visible(timeout=30_000)
    assert_no_exception(page)
    screenshot(page, "playground-kernel-grid")


def _stroke(page, canvas, points) -> None:
    box = canvas.bounding_box()
    xs = [box["x"] + fx * box["width"] for fx, _ in points]
    ys = [box["y"] + fy * box["height"] for _, fy in points]
    page.mouse.move(xs[0], ys[0])
    page.mouse.down()
    for x, y in zip(xs[1:], ys[1:]):
        page.mouse.move(x, y, steps=5)
    page.mouse.up()


def test_drawing_an_input_and_a_kernel(page, app_url):
    page.goto(f"{app_url}/?image=draw")
    wait_for_app(page)
    expect(page.get_by_text("Draw something on the canvas")).to_be_visible(timeout=30_000)
    _stroke(page, page.locator("canvas").first, [(0.2, 0.2), (0.5, 0.5), (0.8, 0.3)])
    page.wait_for_function(
        "() => [...document.querySelectorAll('code')].some(c => c.textContent.includes('1×280×280'))",
        timeout=30_000,
    )
    wait_for_app(page)
    drawn = _map_source(page)
    assert_no_exception(page)
    screenshot(page, "playground-drawn-input")

    page.get_by_role("tab", name="2 · Kernel").click()
    page.get_by_role("combobox", name="Kernel", exact=True).click()
    page.get_by_role("option", name="Drawn…").click()
    wait_for_app(page)
    expect(page.get_by_text("Sketch a pattern; it becomes the kernel")).to_be_visible(timeout=30_000)
    _stroke(page, page.locator("canvas >> visible=true").first, [(0.1, 0.5), (0.9, 0.5)])   # a horizontal bar
    page.wait_for_function(f"(old) => {{ const j = ({JPEGS})(); return j.length >= 2 && j[1] !== old; }}",
                           arg=drawn, timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "playground-drawn-kernel")
