"""The Step by step page through Streamlit's AppTest: it loads, and its controls change the figure."""

from __future__ import annotations

import json
import pytest
from apptest import open_page_alone
from streamlit.testing.v1 import AppTest

def run(**params: str) -> AppTest:
    return open_page_alone("pages/step_by_step.py", params)


def animation(at: AppTest) -> dict:
    """The animated figure's spec."""
    return json.loads(at.get_by_key("step_by_step.page.chart").proto.spec)


def label(spec: dict, frame: int | None = None) -> list[str]:
    data = spec["data"] if frame is None else spec["frames"][frame]["data"]
    return data[-1 if frame is not None else -2]["text"][0].split("<br>")


def active(spec: dict) -> int:
    return spec["layout"]["sliders"][0]["active"]


def shown(at: AppTest) -> int:
    """The step the page has the stepper show on the figure (which opens on its first step)."""
    return json.loads(at.get_by_key("step_by_step.page.stepper.step").proto.json)["step"]


def test_page_loads_on_the_textbook_example():
    at = run()
    assert not at.exception and not at.error
    spec = animation(at)
    assert len(spec["frames"]) == 9 and active(spec) == 0
    assert label(spec, 0)[1].endswith("13·(−1) = −6")
    assert label(spec)[0] == "Step 1 of 9 · output (0, 0)"


def test_the_step_box_moves_the_figure_and_the_link():
    at = run()
    before = animation(at)
    at.number_input(key="step_by_step.page.step").set_value(3).run()
    assert shown(at) == 3 and at.query_params["step"] == "3"
    at.number_input(key="step_by_step.page.step").set_value(2).run()
    assert shown(at) == 2 and label(animation(at), 1)[0].startswith("Step 2 of 9")
    assert animation(at) == before           # one figure for every step: nothing rebuilt, nothing sent again


def test_the_step_comes_from_the_link_and_is_kept_within_the_steps():
    assert shown(run(step="5")) == 5
    at = run(step="500")
    assert shown(at) == 9 and at.number_input(key="step_by_step.page.step").value == 9


def test_stride_from_the_layer_controls_changes_the_frames():
    at = run()
    at.slider(key="step_by_step.layer.stride").set_value(2).run()
    assert len(animation(at)["frames"]) == 4


@pytest.mark.parametrize("operation, frames, text", [
    ("channels", 9, "R: "), ("max pool", 16, "max("), ("avg pool", 16, ") / 4 = "),
    ("transposed", 25, "adds 1 × kernel"),
])
def test_each_operation_animates(operation, frames, text):
    at = run(operation=operation)
    assert not at.exception and not at.error
    spec = animation(at)
    assert len(spec["frames"]) == frames
    assert any(text in line for line in label(spec, 0))


def test_random_numbers_of_a_chosen_size():
    at = run(grid="random", grid_size="7", padding="same")
    spec = animation(at)
    assert len(spec["frames"]) == 49
    at.button(key="step_by_step.input.reseed").click().run()
    assert label(animation(at), 0) != label(spec, 0)


def test_a_patch_of_the_playground_image():
    at = run(grid="image patch", image="Checkerboard", patch="8", row="4", col="4")
    assert not at.exception and not at.error
    spec = animation(at)
    assert len(spec["frames"]) == 36
    assert at.number_input(key="step_by_step.input.row").value == 4


def test_an_impossible_setting_is_explained_not_raised():
    at = run(dilation="4")
    assert not at.exception
    assert "can't be animated" in at.info[0].value and "kernel spans 9" in at.info[0].value


def test_the_speed_sets_the_play_duration():
    spec = animation(run(speed="fast"))
    assert spec["layout"]["updatemenus"][0]["buttons"][0]["args"][1]["frame"]["duration"] == 250


def test_switching_to_pooling_starts_its_stride_at_the_window_size_as_pytorch_does():
    at = run()
    at.button_group(key="step_by_step.page.operation").set_value("max pool").run()
    assert not at.exception and at.slider(key="step_by_step.layer.stride").value == 2
    assert len(animation(at)["frames"]) == 4                      # 5×5, window 2, stride 2: 2×2
    at.number_input(key="step_by_step.page.pool_size").set_value(3).run()
    assert at.slider(key="step_by_step.layer.stride").value == 3 and len(animation(at)["frames"]) == 1
    at.slider(key="step_by_step.layer.stride").set_value(1).run()  # the teacher's own stride stays
    assert len(animation(at)["frames"]) == 9
