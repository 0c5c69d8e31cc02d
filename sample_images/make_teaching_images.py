"""Draw the synthetic teaching images in this folder, reproducibly.

Run from anywhere with ``python sample_images/make_teaching_images.py``; it
overwrites checkerboard.png, shapes.png, text.png and digit.png next to this
file. Only Pillow and NumPy are needed. The app never imports this script.

Shapes and the digit are drawn at several times their final size and then
reduced with a box filter, so their edges are smoothly anti-aliased, as in a
real photograph or a scanned MNIST digit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)


def checkerboard(squares: int = 8, side: int = 8) -> Image.Image:
    """An 8×8 board of 8-pixel black and white squares, top-left black."""
    rows, cols = np.indices((squares * side, squares * side)) // side
    return Image.fromarray(((rows + cols) % 2 * 255).astype(np.uint8), "L")


def shapes(scale: int = 4) -> Image.Image:
    """A white circle, square and triangle on black, 192×80 pixels."""
    canvas = Image.new("L", (192 * scale, 80 * scale), 0)
    draw = ImageDraw.Draw(canvas)
    s = scale
    draw.ellipse((8 * s, 12 * s, 64 * s, 68 * s), fill=255)
    draw.rectangle((72 * s, 12 * s, 128 * s, 68 * s), fill=255)
    draw.polygon([(136 * s, 68 * s), (184 * s, 68 * s), (160 * s, 12 * s)], fill=255)
    return canvas.reduce(scale)


def text() -> Image.Image:
    """Black bold words on white, 224×64 pixels."""
    font_path = next((path for path in FONT_PATHS if Path(path).exists()), None)
    font = (ImageFont.truetype(font_path, 36) if font_path
            else ImageFont.load_default(size=36))
    canvas = Image.new("L", (224, 64), 255)
    ImageDraw.Draw(canvas).text((112, 32), "Conv 3×3", fill=0, font=font, anchor="mm")
    return canvas


def digit(scale: int = 10) -> Image.Image:
    """A handwritten-style 7, white on black, 28×28 like an MNIST digit."""
    size = 28 * scale

    def curve(p0: tuple, p1: tuple, p2: tuple, n: int = 60) -> list[tuple[float, float]]:
        t = np.linspace(0, 1, n)[:, None]
        points = (1 - t) ** 2 * np.array(p0) + 2 * (1 - t) * t * np.array(p1) + t**2 * np.array(p2)
        return [(x * scale, y * scale) for x, y in points]

    # A slightly rising top bar, then a down-stroke that bends left as a pen does.
    path = curve((7.0, 7.5), (14.0, 6.0), (20.5, 5.5)) + curve((20.5, 5.5), (17.0, 13.0), (12.5, 23.0))
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    radius = 1.4 * scale
    for x, y in path:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return canvas.filter(ImageFilter.GaussianBlur(0.5 * scale)).reduce(scale)


def main() -> None:
    for name, image in [("checkerboard", checkerboard()), ("shapes", shapes()),
                        ("text", text()), ("digit", digit())]:
        path = HERE / f"{name}.png"
        image.save(path, optimize=True)
        print(f"{path.name}: {image.size[0]}×{image.size[1]}, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
