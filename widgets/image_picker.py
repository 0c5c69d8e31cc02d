"""The image picker: a sample, an upload or a drawing, reduced to a working size, cached."""

from __future__ import annotations

import hashlib

import streamlit as st

from convviz.images import (
    MAX_ASPECT, MAX_PIXELS, ImageError, LoadedImage, encode_png, load_image,
)
from convviz.samples import SAMPLES, load_sample
from convviz.pipeline import COLOURS
from widgets.process import heavy, works_on
from widgets.sketch import sketch
from widgets.url_state import Scope, Setting

MAX_SIDE = 2048
IMAGE_SETTINGS = {
    "image": Setting(next(iter(SAMPLES)), choices=(*SAMPLES, "upload", "draw")),
    "size": Setting(512, low=64, high=MAX_SIDE),
    "colour": Setting(COLOURS[0], choices=COLOURS),
}
UPLOAD_TYPES = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"]
_LABELS = {"upload": "Upload your own…", "draw": "Draw one…"}
SHARED = "image_picker.latest"   # {"upload" | "draw": the session's latest file or drawing, as bytes}


@st.cache_resource(max_entries=8, ttl=600, show_spinner="Reading the image…")
def _decode(digest: str, max_side: int, _data: bytes) -> LoadedImage:
    """Decoded once per file and size, shared read-only (keyed on a digest, not the bytes).

    Uploads are one student's each: eight are kept, for ten minutes at most (a photo at
    working size 2048 keeps 9 MB of 8-bit values). Fewer entries than students uploading
    at once would decode again on every run: the least recently used is always the next.
    """
    with heavy(max_side * max_side):     # a 12-megapixel photo at 2048 holds about 80 MB while it decodes
        return load_image(_data, max_side)


@st.cache_resource(max_entries=16, show_spinner=False)
def _sample(name: str, max_side: int) -> LoadedImage:
    return load_sample(name, max_side)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _shared(kind: str, data: bytes | None) -> bytes | None:
    """This session's latest upload or drawing, so every page (and a link between pages) uses it.

    A new file or drawing replaces it; with none on this page yet, the one from another page
    is used, and said so.
    """
    latest = st.session_state.setdefault(SHARED, {})
    if data is not None:
        latest[kind] = data
    elif kind in latest:
        st.caption(f"Using the {'image uploaded' if kind == 'upload' else 'drawing made'} earlier in this session; "
                   f"{'drop another file' if kind == 'upload' else 'draw again'} to replace it.")
    return latest.get(kind)


def image_picker(scope: Scope) -> tuple[LoadedImage, str] | None:
    """Draw the image controls; return the chosen image and a key naming it, or None.

    The key (source digest and working size) is what caches of results computed from the
    image should use. Uses the settings of :data:`IMAGE_SETTINGS`; bad files get an
    ``st.error`` in plain words and None.
    """
    choice = st.selectbox(
        "Image", IMAGE_SETTINGS["image"].choices, format_func=lambda c: _LABELS.get(c, c),
        help="; ".join(f"{name}: {s.description}" for name, s in SAMPLES.items()), **scope.bind("image"),
    )
    st.slider(
        "Working size (longest side, px)", 64, MAX_SIDE, step=64, **scope.bind("size"),
        help="Large photos are reduced to this size first; bigger is sharper but slower.",
    )
    st.radio(
        "Colour", COLOURS, horizontal=True, **scope.bind("colour"),
        help="Luminance: one grey channel. Each channel: the same 2-D kernel on R, G and B. "
             "RGB kernel: one 3-channel kernel summing over R, G and B, as a CNN layer does.",
    )
    max_side = scope.value("size")
    try:
        if choice == "upload":
            upload = st.file_uploader(
                "Image file", type=UPLOAD_TYPES, key=scope.key("upload"),
                help=f"PNG, JPEG, GIF, BMP, WebP or TIFF; up to {MAX_PIXELS // 1_000_000} megapixels, "
                     f"no thinner than 1:{MAX_ASPECT}.",
            )
            data = _shared("upload", None if upload is None else upload.getvalue())
            if data is None:
                st.info("Drop an image above, or pick a sample.")
                return None
            source = _digest(data)
            image = _decode(source, max_side, data)
        elif choice == "draw":
            drawing = sketch(scope.key("sketch"))
            data = _shared("draw", None if drawing is None else encode_png(drawing[..., :3].astype(float)))
            if data is None:
                st.info("Draw something on the canvas (a digit, a shape); release to convolve it.")
                return None
            source = _digest(data)
            image = _decode(source, max_side, data)
        else:
            source = choice
            image = _sample(choice, max_side)
    except ImageError as exc:
        st.error(str(exc))
        return None
    for note in image.notes:
        st.caption(note)
    works_on(image.values.shape[0] * image.values.shape[1])
    return image, f"{source}@{max_side}"

