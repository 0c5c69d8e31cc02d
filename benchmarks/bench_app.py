"""Playground rerun cost with a 12-megapixel photo: `python benchmarks/bench_app.py`.

Uploads a 4000×3000 JPEG at working size 1024, then changes one control at a time and
prints the server-side time of each rerun (decode and resize are cached; the convolution
and the display are redone) and the bytes of figures the rerun sends to the browser.
Targets: at most 250 ms and 1.5 MB per rerun.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from streamlit.testing.v1 import AppTest  # noqa: E402


def photo(width: int = 4000, height: int = 3000) -> bytes:
    """A photo-like JPEG: smooth gradients, edges and noise."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = 128 + 60 * np.sin(x / 190) * np.cos(y / 230)
    rgb = np.stack([base + 40 * (x > width / 2), base, base - 30 * (y > height / 3)], -1)
    rgb += rng.normal(0, 8, rgb.shape)
    buf = io.BytesIO()
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=88)
    return buf.getvalue()


def payload(at: AppTest) -> int:
    """Bytes of the figures on the page: what dominates a rerun's message to the browser."""
    return sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))


def main() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.selectbox(key="playground.image.image").set_value("upload")
    at.slider(key="playground.image.size").set_value(1024)
    at.run()
    data = photo()
    print(f"uploading a {len(data) / 1e6:.1f} MB JPEG of 4000×3000 (12 megapixels)")
    t = time.perf_counter()
    at.file_uploader(key="playground.image.upload").upload("photo.jpg", data, "image/jpeg").run()
    print(f"first run (decode, reduce to 1024, convolve): {1e3 * (time.perf_counter() - t):.0f} ms")
    changes = [
        ("kernel", "selectbox", "box_blur"), ("kernel", "selectbox", "sobel_y"),
        ("stride", "slider", 2), ("stride", "slider", 1), ("mode", "selectbox", "reflect"),
        ("activation", "selectbox", "ReLU"), ("display", "radio", "absolute"), ("kernel", "selectbox", "sharpen"),
    ]
    times, sizes = [], []
    OWNERS = {"stride": "layer", "mode": "layer", "kernel": "kernel"}
    for name, kind, new in changes:
        t = time.perf_counter()
        getattr(at, kind)(key=f"playground.{OWNERS.get(name, 'page')}.{name}").set_value(new).run()
        times.append(time.perf_counter() - t)
        sizes.append(payload(at))
        assert not at.exception, at.exception
        print(f"  {name} → {new!s:10} {1e3 * times[-1]:6.0f} ms   {sizes[-1] / 1e6:5.2f} MB of figures")
    print(f"rerun: median {1e3 * statistics.median(times):.0f} ms, worst {1e3 * max(times):.0f} ms (target ≤ 250)")
    print(f"figures per rerun: worst {max(sizes) / 1e6:.2f} MB (target ≤ 1.5)")


if __name__ == "__main__":
    main()
