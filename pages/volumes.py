"""Volumes (3-D): a kernel that slides through time or depth as well as across the picture."""

import hashlib

import numpy as np
import streamlit as st

from convviz import conv3d, conv_geometry
from convviz.figures.animation import SPEEDS
from convviz.figures.volumes import slices_figure
from convviz.volumes import (
    KERNELS_3D, MAX_FRAMES, MAX_SIDE, SYNTHETIC, factorised_costs, kernel3d, load_clip, synthetic,
)
from widgets.navigation import require_app
from widgets.presenter import PRESENT_SETTINGS, control_bar, presenting
from widgets.stepper import stepper
from widgets.url_state import PageState, Setting, quoted
from widgets.volume_walk import volume_walk

require_app()
SOURCES = (*SYNTHETIC, "upload")
STATE = PageState("volumes", present=PRESENT_SETTINGS, page={
    "source": Setting("moving square", choices=SOURCES), "frames": Setting(16, low=4, high=MAX_FRAMES),
    "kernel": Setting("temporal difference", choices=KERNELS_3D), "size": Setting(3, low=1, high=9),
    "custom": Setting("0 0 0; 0 -1 0; 0 0 0 | 0 0 0; 0 1 0; 0 0 0"),
    "stride": Setting(1, low=1, high=8, aliases=("stride_t",)),    # in time or depth; old links' names are aliases
    "stride_2": Setting(1, low=1, high=8, aliases=("stride_s",)),  # across each frame: rows and columns alike
    "dilation": Setting(1, low=1, high=8, aliases=("dilation_t",)),
    "padding": Setting("same", choices=("same", "valid", "full")),
    "frame": Setting(1, low=1, high=10_000), "speed": Setting("normal", choices=tuple(SPEEDS)),
    "window": Setting(1, low=1, high=100)})
PAGE, PRESENT = STATE.scope("page"), STATE.scope("present")
CHART = PAGE.key("chart")


@st.cache_data(max_entries=16, show_spinner="Reading the clip…")
def read_clip(digest: str, _data: bytes):
    return load_clip(_data)


@st.cache_resource(max_entries=16, show_spinner="Convolving the volume…")
def convolved(settings: tuple, _volume: np.ndarray, _kernel: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The output for `settings` (which name the volume, the layer's Geometry and the kernel), and the input
    frame under each output frame."""
    layer = settings[1]
    out = conv3d(_volume[None], _kernel[None, None], stride=layer.stride, padding=layer.pads,
                 dilation=layer.dilation)[0]
    (before, _), centre = layer.pads[0], (layer.span[0] - 1) // 2
    return out, [int(np.clip(t * layer.stride[0] - before + centre, 0, len(_volume) - 1)) for t in range(len(out))]


@st.cache_resource(max_entries=32, show_spinner=False)
def figure_at(settings: tuple, frame: int, speed: str, _volume: np.ndarray, _out: np.ndarray, _sources: list[int]):
    """The slices figure at `frame`, shared by every session with the same settings."""
    return slices_figure(_volume, _out, _sources, frame, SPEEDS[speed])


for notice in STATE.restore():
    st.warning(notice)
if not presenting(PRESENT):
    st.title("Volumes (3-D)")
    st.caption("A 3-D kernel slides through time (a clip) or depth (a scan) as well as across each picture. The "
               "temporal difference, two frames deep, compares each frame with the next: only what moves lights up.")
t_volume, t_kernel, t_layer = control_bar(PRESENT, ["1 · Volume", "2 · Kernel", "3 · Layer"], st.sidebar)
with t_volume:
    source = st.radio("Volume", SOURCES, **PAGE.bind("source"), horizontal=True)
    upload = None
    if source == "upload":
        upload = st.file_uploader("An animated GIF, WebP or PNG, or a multi-page TIFF", key=PAGE.key("upload"),
                                  help=f"Frames become grey, at most {MAX_SIDE} pixels a side, the first {MAX_FRAMES}.")
    else:
        st.slider("Frames (depth)", 4, MAX_FRAMES, **PAGE.bind("frames"))
with t_kernel:
    name = st.selectbox("3-D kernel", KERNELS_3D, **PAGE.bind("kernel"))
    if name in ("temporal mean", "3-D Gaussian", "identity"):
        st.slider("Size", 1, 9, **PAGE.bind("size"))
    if name == "custom":
        st.text_input("Weights: slices split by |, rows by ;", **PAGE.bind("custom"))
with t_layer:
    st.number_input("stride in time (depth)", 1, 8, **PAGE.bind("stride"))
    st.number_input("stride across each frame", 1, 8, **PAGE.bind("stride_2"))
    st.number_input("dilation in time", 1, 8, **PAGE.bind("dilation"))
    st.selectbox("padding", ("same", "valid", "full"), **PAGE.bind("padding"))
STATE.publish()

try:
    if source == "upload":
        if upload is None:
            st.info("Choose a clip to upload, or pick a synthetic volume.")
            st.stop()
        data = upload.getvalue()
        label = hashlib.blake2b(data, digest_size=16).hexdigest()
        clip = read_clip(label, data)
        volume = clip.frames
        for note in clip.notes:
            st.caption(f"The clip: {note}.")
    else:
        volume, label = synthetic(source, PAGE.value("frames")), f"{source} {PAGE.value('frames')}"
    kernel = kernel3d(name, PAGE.value("size"), PAGE.value("custom"))
    stride = (PAGE.value("stride"), PAGE.value("stride_2"), PAGE.value("stride_2"))
    dilation = (PAGE.value("dilation"), 1, 1)
    geometry = conv_geometry(volume.shape, kernel.shape, stride, PAGE.value("padding"), dilation)   # resolved once
    settings = (label, geometry, kernel.tobytes())
    output, sources = convolved(settings, volume, kernel)
except ValueError as exc:
    st.info(f"This can't be shown: {quoted(exc, 300)}")
    st.stop()

shape = lambda a: "×".join(map(str, a.shape))  # noqa: E731
st.markdown(f"**Shapes:** input `{shape(volume)}` ∗ kernel `{shape(kernel)}` → output `{shape(output)}`")
frame = PAGE.clamp("frame", 1, len(output))
figure = figure_at(settings, frame - 1, PAGE.value("speed"), volume, output, sources)
st.plotly_chart(figure, key=CHART, config={"displayModeBar": False})
bar = st.columns([3.4, 1.1, 1.9], vertical_alignment="bottom")
with bar[0]:
    stepper(PAGE, CHART, len(output), step="frame")
bar[1].number_input(f"Frame (of {len(output)})", 1, len(output), **PAGE.bind("frame"))
bar[2].segmented_control("Speed when playing", tuple(SPEEDS), required=True, **PAGE.bind("speed"))

with st.expander("Output size, worked out, axis by axis"):
    for axis, worked in zip(("depth (time)", "height", "width"), geometry.worked):
        st.markdown(f"**{axis}:** {worked.text}" + (f"  \n{worked.note}" if worked.note else ""))

st.subheader("3×3×3, or 1×3×3 then 3×1×1?")
costs = factorised_costs(64, 64, (8, 56, 56))
cells = st.columns(2)
for cell, (way, c) in zip(cells, costs.items()):
    cell.metric(f"{way}: parameters", f"{c['parameters']:,}")
    cell.metric(f"{way}: multiply–accumulates", f"{c['macs']:,}")
ratio = costs["3-D"]["macs"] / costs["(2+1)-D"]["macs"]
st.caption("A middle layer, 64 channels in and out, on 8 frames of 56×56, padded to keep its size. The (2+1)-D layer "
           f"(R(2+1)D) looks within each frame first and then across frames: {ratio:.2f}× "
           f"{'fewer' if ratio > 1 else 'more'} multiply–accumulates, and a non-linearity can sit between the two. "
           "On a first layer (3 channels in) the 3-D kernel is the cheaper one.")

st.subheader("One 3-D window, multiply by multiply")
volume_walk(PAGE, presenting(PRESENT))
