"""A walkthrough drawn with Pillow: an animated GIF for slides, or one step as a PNG.

The app has no browser engine on the server, so Plotly cannot export images; the frames
are drawn here instead, from the same :class:`~convviz.walkthrough.scene.Scene` the
page animates, so they show the same cells, windows and arithmetic. Frames are at least
1280 pixels wide with cells of at least 34 pixels, legible on a projector.

Examples
--------
>>> from PIL import Image
>>> from convviz.walkthrough.conv import conv_scene
>>> data = animated_gif(conv_scene(np.arange(1, 26).reshape(5, 5), [[1, 0, -1]] * 3))
>>> gif = Image.open(io.BytesIO(data))
>>> gif.n_frames, gif.size[0] >= 1280
(9, True)
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from .walkthrough.scene import Grid, Scene, rectangles
from .figures.style import BLANK_FILL, HIGHLIGHT, INK, MUTED, PADDING_FILL, WINDOW, grid_scale

WIDTH = 1280
MAX_WIDTH = 2400
MAX_GIF_STEPS = 150  #: frames per GIF; enough for a slide, and bounded memory while encoding
MARGIN = 40
_FONTS = {"sans": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono.ttf"}


@lru_cache(maxsize=64)
def _font(kind: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu (has −, ·, ⌊ ⌋, ∞), else Pillow's own font: uglier, but every character shows."""
    for path in (_FONTS[kind], f"/usr/share/fonts/truetype/dejavu/{_FONTS[kind]}"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _rgb(colour: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(colour)[:3]


def _colour(scale: list, lo: float, hi: float, v: float) -> tuple[int, int, int]:
    """Linear interpolation in a Plotly-style ``[[position, "#rrggbb"], …]`` scale."""
    t = float(np.clip((v - lo) / (hi - lo), 0, 1)) if hi > lo else 0.5
    stops = [s for s, _ in scale]
    rgbs = np.array([_rgb(c) for _, c in scale], dtype=float)
    return tuple(int(round(np.interp(t, stops, rgbs[:, k]))) for k in range(3))


def _ink_on(fill: tuple[int, int, int]) -> tuple[int, int, int]:
    light = 0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2]
    return (255, 255, 255) if light < 128 else _rgb(INK)


class _Canvas:
    """Pixel geometry of a scene: where the board, the arithmetic and the formula go."""

    def __init__(self, scene: Scene, width: int):
        rows, cols = scene.board
        self.cell = int(np.clip((width - 2 * MARGIN) / cols, 34, 72))
        if cols * self.cell + 2 * MARGIN > MAX_WIDTH:
            self.cell = (MAX_WIDTH - 2 * MARGIN) // cols
        titles = max(g.left * self.cell + 11 * (len(g.title) + (32 if g.view else 0)) for g in scene.grids)
        self.width = max(width, cols * self.cell + 2 * MARGIN, titles + 2 * MARGIN)  # 19-px bold: ≤ 11 px a letter
        self.board_top = MARGIN + 44
        self.text_top = self.board_top + rows * self.cell + 22
        self.line = 36
        lines = max(len(s.lines) for s in scene.steps)
        self.formula_top = self.text_top + lines * self.line + 12
        self.height = self.formula_top + len(scene.formula) * 28 + MARGIN

    def box(self, r: float, c: float, inset: float = 0) -> tuple[float, float, float, float]:
        """Pixel box of board cell ``(r, c)``, shrunk by `inset` pixels."""
        x0, y0 = MARGIN + c * self.cell, self.board_top + r * self.cell
        return (x0 + inset, y0 + inset, x0 + self.cell - inset, y0 + self.cell - inset)

    def rect(self, r0: int, c0: int, r1: int, c1: int, grow: float = 0) -> tuple[float, float, float, float]:
        a, b = self.box(r0, c0), self.box(r1, c1)
        return (a[0] - grow, a[1] - grow, b[2] + grow, b[3] + grow)


def _cell_font(labels: np.ndarray, cell: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    longest = max((len(t) for t in np.ravel(labels)), default=1)
    return _font("mono", int(np.clip(min(cell * 0.42, cell * 0.9 / (0.6 * max(longest, 2))), 9, 30)))


def _write(draw: ImageDraw.ImageDraw, box: tuple, text: str, font, fill) -> None:
    if text:
        draw.text(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), text, font=font, fill=fill, anchor="mm")


def _grid(draw: ImageDraw.ImageDraw, canvas: _Canvas, whole: Grid, origin: tuple[int, int]) -> None:
    """The part of grid `whole` from cell `origin` on (all of it, unless it has a view)."""
    scale, lo, hi = grid_scale(whole)
    font = _cell_font(whole.labels, canvas.cell)
    g = whole.part(origin)
    for r in range(g.shape[0]):
        for c in range(g.shape[1]):
            box = canvas.box(g.top + r, g.left + c, inset=1)
            if g.padding[r, c]:
                fill, ink = _rgb(PADDING_FILL), _rgb(MUTED)
            elif g.colors == "plain" or np.isnan(g.values[r, c]):
                fill, ink = _rgb(BLANK_FILL), _rgb(INK)
            else:
                fill = _colour(scale, lo, hi, g.values[r, c])
                ink = _ink_on(fill)
            draw.rectangle(box, fill=fill)
            _write(draw, box, g.labels[r, c], font, ink)
    corner = canvas.box(g.top - 1, g.left)
    title = g.title
    if whole.view is not None:
        (r, c), (rows, cols) = origin, g.shape
        title += f" · rows {r}–{r + rows - 1}, columns {c}–{c + cols - 1}"
    draw.text((corner[0], corner[3] - 8), title, font=_font("bold", 19), fill=_rgb(INK), anchor="ls")
    if g.padding.any() and not g.padding.all():
        r, c = np.nonzero(~g.padding)
        draw.rectangle(canvas.rect(g.top + r.min(), g.left + c.min(), g.top + r.max(), g.left + c.max()),
                       outline=_rgb(INK), width=2)


def _background(scene: Scene, canvas: _Canvas, step: int) -> Image.Image:
    """Everything that stays while the window moves within the parts `step` shows."""
    image = Image.new("RGB", (canvas.width, canvas.height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN - 12), scene.title, font=_font("sans", 24), fill=_rgb(INK))
    for k, g in enumerate(scene.grids):
        _grid(draw, canvas, g, scene.origin(step, k))
    for r, c, sign in scene.signs:
        _write(draw, canvas.box(r, c), sign, _font("sans", int(canvas.cell * 0.7)), _rgb(MUTED))
    for i, line in enumerate(scene.formula):
        draw.text((MARGIN, canvas.formula_top + 28 * i), line, font=_font("sans", 19), fill=_rgb(MUTED))
    return image


def _outline(draw: ImageDraw.ImageDraw, canvas: _Canvas, cells: np.ndarray, colour: str, width: int,
             grow: float = 0) -> None:
    for r0, c0, r1, c1 in rectangles(cells) if len(cells) else []:
        draw.rectangle(canvas.rect(r0, c0, r1, c1, grow), outline=_rgb(colour), width=width)


def _draw_step(image: Image.Image, scene: Scene, canvas: _Canvas, step: int) -> None:
    view = scene.steps[step]
    draw = ImageDraw.Draw(image)
    for r0, c0, r1, c1 in scene.hidden(step):
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                draw.rectangle(canvas.box(r, c, inset=1), fill=_rgb(BLANK_FILL))
    if scene.running is not None:
        g = scene.grids[scene.running_grid]
        labels = scene.running_labels(step)
        font = _cell_font(scene.running_labels(len(scene.steps) - 1), canvas.cell)
        for r, c in zip(*np.nonzero(~g.padding)):
            _write(draw, canvas.box(g.top + r, g.left + c), labels[r, c], font, _rgb(INK))
    for r0, c0, r1, c1 in rectangles(view.window) if len(view.window) else []:
        box = tuple(int(v) for v in canvas.rect(r0, c0, r1, c1))
        tinted = Image.blend(image.crop(box), Image.new("RGB", (box[2] - box[0], box[3] - box[1]), WINDOW), 0.12)
        image.paste(tinted, box[:2])
    _outline(draw, canvas, view.window, WINDOW, 4, 1)
    _outline(draw, canvas, view.marks, HIGHLIGHT, 3, -canvas.cell * 0.22)
    _outline(draw, canvas, view.current, HIGHLIGHT, 5, 3)
    for i, line in enumerate(view.lines):
        draw.text((MARGIN, canvas.text_top + canvas.line * i), line, font=_font("sans", 25), fill=_rgb(INK))


def render_step(scene: Scene, step: int, width: int = WIDTH) -> Image.Image:
    """One step as an RGB image, at least `width` pixels wide.

    >>> from convviz.walkthrough.conv import conv_scene
    >>> render_step(conv_scene(np.ones((3, 3)), np.ones((2, 2))), 0).mode
    'RGB'
    """
    canvas = _Canvas(scene, width)
    image = _background(scene, canvas, step)
    _draw_step(image, scene, canvas, step)
    return image


def step_png(scene: Scene, step: int, width: int = WIDTH) -> bytes:
    """One step as PNG bytes (see :func:`render_step`)."""
    buffer = io.BytesIO()
    render_step(scene, step, width).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _palette(first: Image.Image, last: Image.Image) -> Image.Image:
    """One 256-colour palette for every frame, in which white and the drawing colours are exact."""
    both = Image.new("RGB", (first.width, first.height * 2))
    both.paste(first, (0, 0))
    both.paste(last, (0, first.height))
    palette = both.quantize(256, method=Image.Quantize.FASTOCTREE)
    entries = np.array(palette.getpalette(), dtype=int).reshape(-1, 3)
    free = np.ones(len(entries), bool)
    for colour in ("#ffffff", INK, MUTED, WINDOW, HIGHLIGHT, PADDING_FILL, BLANK_FILL):
        rgb = _rgb(colour)
        nearest = np.flatnonzero(free)[np.abs(entries[free] - rgb).sum(1).argmin()]
        entries[nearest], free[nearest] = rgb, False
    palette.putpalette(entries.ravel().tolist())
    return palette


def animated_gif(scene: Scene, duration: int = 600, width: int = WIDTH, steps: range | None = None) -> bytes:
    """The steps as frames of a looping GIF, one per step; the last frame stays three times as long.

    Parameters
    ----------
    scene : Scene
    duration : int
        Milliseconds per frame.
    width : int
        Smallest frame width in pixels.
    steps : range, optional
        Which steps to include (default all); see :data:`MAX_GIF_STEPS`.

    Notes
    -----
    All frames share one 256-colour palette taken from the first and last frames, and
    Pillow stores only the part of each frame that changed, so the 9-step textbook example
    is about 120 kB. Each frame costs a few milliseconds to draw, but Pillow keeps every
    frame (one byte per pixel) until the file is written, hence the cap on steps.
    """
    steps = range(len(scene.steps)) if steps is None else steps
    canvas = _Canvas(scene, width)
    backgrounds: dict[tuple, Image.Image] = {}

    def frame(step: int) -> Image.Image:
        parts = scene.steps[step].origins
        if parts not in backgrounds:
            backgrounds[parts] = _background(scene, canvas, step)
        image = backgrounds[parts].copy()
        _draw_step(image, scene, canvas, step)
        return image

    first, last = frame(steps[0]), frame(steps[-1])
    palette = _palette(first, last)
    rest = (frame(k).quantize(palette=palette, dither=Image.Dither.NONE) for k in steps[1:])
    buffer = io.BytesIO()
    first.quantize(palette=palette, dither=Image.Dither.NONE).save(
        buffer, "GIF", save_all=True, append_images=rest, loop=0,
        duration=[duration] * (len(steps) - 1) + [duration * 3],
    )
    return buffer.getvalue()
