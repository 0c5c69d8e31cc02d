"""The pictures shipped with convviz (see ``sample_images/README.md`` for their licences).

>>> list(SAMPLES)[:2]
['Astronaut', 'Camera man']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from .images import LoadedImage, load_image

_SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_images"


@dataclass(frozen=True)
class Sample:
    """A picture shipped with convviz: its file name and a one-line description."""

    filename: str
    description: str


SAMPLES: Mapping[str, Sample] = MappingProxyType({
    "Astronaut": Sample("astronaut.jpg", "NASA portrait of Eileen Collins: face, suit, flag."),
    "Camera man": Sample("camera.png", "Grey photo of a man at a tripod: edges, smooth sky."),
    "Coffee": Sample("coffee.jpg", "Espresso cup on a wooden table: ellipses, wood grain."),
    "Cat": Sample("chelsea.jpg", "Chelsea the cat: fur texture and whiskers."),
    "Checkerboard": Sample("checkerboard.png", "8×8 board of 8-pixel squares: pure edges."),
    "Shapes": Sample("shapes.png", "White circle, square and triangle on black."),
    "Text": Sample("text.png", "Black words on white: thin strokes and corners."),
    "Digit": Sample("digit.png", "A handwritten-style 7 at 28×28, the size of MNIST."),
})


def load_sample(name: str, max_side: int = 512) -> LoadedImage:
    """Load one of the pictures listed in :data:`SAMPLES` by its display name.

    Examples
    --------
    >>> load_sample("Checkerboard").pixels.shape
    (64, 64, 3)
    """
    if name not in SAMPLES:
        raise ValueError(f"unknown sample {name!r}; choose one of: {', '.join(SAMPLES)}")
    return load_image((_SAMPLE_DIR / SAMPLES[name].filename).read_bytes(), max_side)
