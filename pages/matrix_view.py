"""Matrix view: under the hood, a convolution is a matrix multiply, and that changes what it costs."""

import streamlit as st

from widgets.image_picker import IMAGE_SETTINGS, image_picker
from widgets.kernel_picker import KERNEL_SETTINGS, kernel_picker
from widgets.matrix_image_sections import EFFICIENT_SETTINGS, UPSAMPLE_SETTINGS, checkerboard, efficient, three_ways
from widgets.matrix_sections import (
    LAYER_SETTINGS, NUMBER_SETTINGS, ROW_SETTINGS, clamp_row, luminance, matrix_multiply, one_matrix, small_conv,
    small_input, small_layer, transposed,
)
from widgets.navigation import require_app
from widgets.presenter import PRESENT_SETTINGS, control_bar, presenting
from widgets.url_state import Labelled, PageState

require_app()
SECTIONS = {"matrix": "1 · A matrix multiply", "sparse": "2 · One sparse matrix", "checkerboard": "3 · Checkerboards",
            "three": "4 · Three ways", "efficient": "5 · Efficient layers"}
ON_THE_IMAGE = ("checkerboard", "three", "efficient")
LARGEST_IMAGE = 256
STATE = PageState(
    "matrix_view", numbers=NUMBER_SETTINGS,
    kernel=KERNEL_SETTINGS | {"kernel": KERNEL_SETTINGS["kernel"].but(default="vertical_edge")}, layer=LAYER_SETTINGS,
    image=IMAGE_SETTINGS | {"size": IMAGE_SETTINGS["size"].but(default=128, high=LARGEST_IMAGE)},
    upsample=UPSAMPLE_SETTINGS, efficient=EFFICIENT_SETTINGS, present=PRESENT_SETTINGS,
    page=ROW_SETTINGS | {"section": Labelled.of(SECTIONS).but(rewrite=True)})   # a radio on a slide, else tabs
PAGE, PRESENT, IMAGE = STATE.scope("page"), STATE.scope("present"), STATE.scope("image")

for notice in STATE.restore():
    st.warning(notice)
present = presenting(PRESENT)
if not present:
    st.title("Matrix view")
    st.caption("Under the hood: a convolution is one matrix multiply. Its windows become the rows of a matrix, the "
               "whole layer is one sparse matrix, its transpose is the transposed convolution, and that decides "
               "what a layer costs and how it can be made cheaper.")
labels = [f"Section: {PAGE.value('section')}"] * present + ["Numbers", "Kernel", "Layer", "Image"]
*t_section, t_numbers, t_kernel, t_layer, t_image = control_bar(PRESENT, labels, st.sidebar)
if present:
    t_section[0].radio("Section", tuple(SECTIONS.values()), **PAGE.bind("section"))
with t_image:
    IMAGE.clamp("size", 64, LARGEST_IMAGE)
    picked = image_picker(IMAGE)
    st.caption(f"This page uses the image's luminance, at most {LARGEST_IMAGE} pixels a side, so it stays quick.")
image = None if picked is None else luminance(picked[0].pixels)
with t_numbers:
    x = small_input(STATE.scope("numbers"), image)
with t_kernel:
    choice = kernel_picker(STATE.scope("kernel"), bank=False)
with t_layer:
    layer = small_layer(STATE.scope("layer"))
kernel = None if choice is None else choice.kernels[0]
small, problem = None, "Choose a kernel (Kernel tab) first." if kernel is None else None
if x is not None and kernel is not None:
    try:
        small = small_conv(x, kernel, choice.bias, *layer)
        clamp_row(PAGE, small)
    except ValueError as exc:
        problem = f"This convolution is impossible: {exc}."
STATE.publish()

# Only the open section runs (all five, one under the other, took a browser 4.8 s to draw). On a slide the
# control bar's radio chooses it, otherwise tabs do: both widgets show the one setting, never in the same run.
if present:
    here = st.container()
else:
    here = next(tab for tab in st.tabs(list(SECTIONS.values()), **PAGE.bind("section")) if tab.open)
section = next(name for name, label in SECTIONS.items() if label == PAGE.value("section"))
with here:
    if section in ON_THE_IMAGE and image is None:
        st.info("Choose an image (Image tab) to see this section on it.")
        st.stop()
    if section == "matrix":
        st.markdown("The input's windows, copied out one per row (`unfold`, im2col), times the kernel as a column: "
                    "one matrix multiply gives every output. Every number is on the screen.")
        if small is None:
            st.info(problem or "Choose the numbers (Numbers tab) first.")
        else:
            matrix_multiply(PAGE, small, image_colours=STATE.scope("numbers").value("numbers") == "image patch")
    elif section == "sparse":
        st.markdown("The convolution is linear in its input, so it *is* a matrix `M`: `conv2d(x) = M @ x.ravel()`. "
                    "Row r holds output r's kernel, placed where its window lies; most of `M` is zeros. Its "
                    "transpose sends every output back over its window: that is the transposed convolution.")
        if small is None:
            st.info(problem or "Choose the numbers (Numbers tab) first.")
        else:
            m = one_matrix(PAGE, small, None if image is None else image.shape)
            st.subheader("M.T is the transposed convolution")
            transposed(PAGE, small, m, STATE.values("kernel", "present"))
    elif section == "checkerboard":
        st.markdown("Upsampling ×2 with a transposed convolution whose kernel size is not divisible by its stride "
                    "leaves a grid: its stamps overlap unevenly. Resizing first and then convolving does not.")
        checkerboard(STATE.scope("upsample"), image, picked[1])
    elif section == "three":
        st.markdown("Sliding the window, multiplying the patch matrix, and the FFT (the convolution theorem) "
                    "compute the same numbers at very different costs.")
        three_ways(PAGE, image, picked[1])
    else:
        st.markdown("A depthwise-separable layer (one k×k filter per channel, then 1×1 mixing) does the work of a "
                    "standard one with far fewer weights; fewer bits per weight, or fewer weights, cost accuracy.")
        efficient(STATE.scope("efficient"), image, picked[1], kernel)
