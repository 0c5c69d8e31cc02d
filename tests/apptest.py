"""Helpers for running the app's pages with Streamlit's AppTest."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest

from widgets.navigation import APP_RAN

ROOT = Path(__file__).resolve().parents[1]


def open_page(path: str, query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """Run app.py, switch to the page at `path` (e.g. ``"pages/playground.py"``), return it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    if path != "pages/playground.py":
        at.switch_page(path)
        for name, value in (query or {}).items():
            at.query_params[name] = value
        at.run()
    return at


def open_page_alone(path: str, query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """Run one page script without app.py (faster), as if app.py had already run this session."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=timeout)
    at.session_state[APP_RAN] = True
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def png_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes(array: np.ndarray, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def messages(at: AppTest) -> list[str]:
    """Every error and exception text on the page."""
    return [e.value for e in at.error] + [str(e.value) for e in at.exception]
