"""The Volumes page through AppTest: volumes, kernels, layers, uploads and the 3-D window."""

from __future__ import annotations

import io
import json

import numpy as np
from apptest import messages, open_page, open_page_alone
from PIL import Image

from convviz import conv3d
from convviz.volumes import kernel3d, synthetic

PAGE = "pages/volumes.py"


def _gif(frames: list[np.ndarray]) -> bytes:
    images = [Image.fromarray(f.astype(np.uint8)) for f in frames]
    buf = io.BytesIO()
    images[0].save(buf, "GIF", save_all=True, append_images=images[1:])
    return buf.getvalue()


def _shapes(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Shapes:**"))


def test_the_page_opens_on_a_moving_square_and_a_temporal_difference():
    at = open_page(PAGE)
    assert not messages(at)
    assert _shapes(at) == "**Shapes:** input `16×64×64` ∗ kernel `2×1×1` → output `16×64×64`"
    assert [m.label for m in at.metric][:2] == ["3-D: parameters", "3-D: multiply–accumulates"]


def test_the_worked_sizes_follow_the_layer():
    at = open_page_alone(PAGE, {"source": "phantom", "kernel": "3-D Gaussian", "size": "5", "padding": "valid",
                                "stride": "2"})
    assert not messages(at)
    expected = conv3d(synthetic("phantom")[None], kernel3d("3-D Gaussian", 5)[None, None], stride=(2, 1, 1))[0]
    assert _shapes(at).endswith(f"output `{'×'.join(map(str, expected.shape))}`")
    worked = [m.value for m in at.markdown if m.value.startswith("**depth")]
    assert worked and worked[0].split("  \n")[0].endswith(f"= {expected.shape[0]}")


def test_an_impossible_layer_is_explained():
    at = open_page_alone(PAGE, {"padding": "same", "stride": "2"})
    assert not at.exception
    assert "can't be shown" in at.info[0].value and "stride" in at.info[0].value


def _published(at) -> dict[str, str]:
    return {n: v if isinstance(v, str) else v[0] for n, v in ((n, at.query_params[n]) for n in at.query_params)}


def test_a_link_shared_before_the_per_axis_names_opens_the_same_page():
    """``stride_t``, ``stride_s`` and ``dilation_t`` became ``stride``, ``stride_2`` and ``dilation``."""
    old = open_page_alone(PAGE, {"padding": "valid", "stride_t": "2"})
    assert not messages(old) and not old.warning
    assert old.number_input(key="volumes.page.stride").value == 2
    assert _published(old) == {"padding": "valid", "stride": "2"}
    every = {"padding": "valid", "stride_t": "2", "stride_s": "3", "dilation_t": "2"}
    renamed = {"padding": "valid", "stride": "2", "stride_2": "3", "dilation": "2"}
    old, new = open_page_alone(PAGE, every), open_page_alone(PAGE, renamed)
    assert not messages(old) and _shapes(old) == _shapes(new) and _published(old) == _published(new) == renamed
    assert [old.number_input(key=f"volumes.page.{n}").value for n in ("stride", "stride_2", "dilation")] == [2, 3, 2]


def test_a_custom_kernel_with_garbage_is_explained():
    at = open_page_alone(PAGE, {"kernel": "custom", "custom": "1 2; x"})
    assert not at.exception and "numbers only" in at.info[0].value


def test_an_uploaded_gif_is_convolved_and_a_still_image_explained():
    at = open_page_alone(PAGE, {"source": "upload"})
    assert "Choose a clip" in at.info[0].value
    frames = [np.full((12, 16), v) for v in (0, 80, 160, 240)]
    at.file_uploader(key="volumes.page.upload").upload("clip.gif", _gif(frames), "image/gif").run()
    assert not messages(at)
    assert _shapes(at) == "**Shapes:** input `4×12×16` ∗ kernel `2×1×1` → output `4×12×16`"
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG")
    at.file_uploader(key="volumes.page.upload").upload("still.jpg", buf.getvalue(), "image/jpeg").run()
    assert not at.exception and "one picture" in at.info[0].value


def test_the_3d_walkthrough_plays_in_the_browser_and_follows_its_step_box():
    at = open_page_alone(PAGE)
    walk = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert len(walk["frames"]) == 27 and walk["layout"]["sliders"][0]["active"] == 0
    at.number_input(key="volumes.page.window").set_value(12).run()
    assert json.loads(at.get_by_key("volumes.page.stepper.window").proto.json)["step"] == 12   # shown by the stepper
    assert json.loads(at.get("plotly_chart")[1].proto.spec) == walk and at.query_params["window"] in ("12", ["12"])
    assert "(d, h, w) = (1, 0, 2)" in walk["frames"][11]["data"][-1]["text"][0]
    assert any(b.proto.label == "Animated GIF" for b in at.get("download_button"))


def test_garbage_in_the_link_gives_a_notice():
    at = open_page_alone(PAGE, {"source": "<b>x</b>", "frames": "9999", "window": "-3"})
    assert not at.exception
    assert len(at.warning) == 3
