"""The Sequences page through AppTest: every section, unknown words, every kind of upload, garbage links."""

from __future__ import annotations

import json

import numpy as np
import pytest

from apptest import open_page, open_page_alone
from test_recordings import float_wav, pcm_wav
from widgets.sequence_causal import CAUSAL_SETTINGS
from widgets.sequence_signal import SIGNAL_SETTINGS
from widgets.sequence_text import TEXT_SETTINGS
from widgets.sequence_walk import WALK_SETTINGS

PAGE = "pages/sequences.py"
HOSTILE = "[Click](https://example.com/x) <b>x</b> :red[RED]"
GARBAGE = ["", "-1", "nan", "99999999999", HOSTILE, "1" * 400]


def open_section(section: str, **query: str):
    return open_page_alone(PAGE, {"section": section, **query})


def shown_text(at) -> list[str]:
    return [e.value for kind in ("markdown", "caption", "info", "warning", "error") for e in getattr(at, kind)]


def assert_clean(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for text in shown_text(at):
        for span in text.split("`")[::2]:          # outside code spans, nothing from a link may act as Markdown
            assert "](https://example.com" not in span and "<b>x</b>" not in span and ":red[RED]" not in span


@pytest.mark.parametrize("section", ["text", "signal", "causal", "walk"])
def test_every_section_loads_without_an_error(section):
    at = open_section(section)
    assert_clean(at)
    assert not at.error and len(at.get("plotly_chart")) >= 1


@pytest.mark.parametrize("section", ["text", "signal", "causal", "walk"])
def test_presenter_mode_folds_each_sections_widgets_into_a_pop_over(section):
    at = open_section(section, present="1")
    assert_clean(at)
    assert not at.title and not at.error and len(at.get("plotly_chart")) >= 1
    popovers = at.get("popover")
    assert [p.proto.popover.label for p in popovers] == ["Settings"] and len(popovers[0].children) >= 1


def test_the_page_is_in_the_apps_navigation():
    at = open_page(PAGE)
    assert not at.exception and at.title[0].value == "Sequences (1-D)"


def test_unknown_words_are_named_and_shown_never_dropped():
    at = open_section("text", sentence="not very zorblatt good")
    assert_clean(at)
    assert any("`zorblatt`" in i.value for i in at.info)
    assert "5 × 4 matrix" in " ".join(m.value for m in at.markdown)


def test_an_empty_or_overlong_sentence_says_so():
    at = open_section("text")
    at.text_input(key="sequences.text.sentence").set_value("?!").run()
    assert any("no words to embed" in e.value for e in at.error) and not at.exception
    at.text_input(key="sequences.text.sentence").set_value(" ".join(["good"] * 31)).run()
    assert any("31 words; at most 30" in e.value for e in at.error) and not at.exception


def upload(at, key: str, name: str, data: bytes):
    at.file_uploader(key=key).set_value((name, data, "application/octet-stream")).run()
    return at


WAVS = {
    "8-bit": pcm_wav(np.sin(np.arange(4000) / 5) / 2, 1), "16-bit": pcm_wav(np.sin(np.arange(4000) / 5) / 2, 2),
    "24-bit": pcm_wav(np.sin(np.arange(4000) / 5) / 2, 3), "32-bit": pcm_wav(np.sin(np.arange(4000) / 5) / 2, 4),
    "float32": float_wav(np.sin(np.arange(4000) / 5) / 2, 32), "float64": float_wav(np.cos(np.arange(4000) / 5), 64),
}


@pytest.mark.parametrize("kind", list(WAVS))
def test_each_kind_of_wav_is_filtered_and_playable(kind):
    at = upload(open_section("signal", source="wav"), "sequences.signal.wav_file", "clip.wav", WAVS[kind])
    assert_clean(at)
    assert not at.error and len(at.get("plotly_chart")) == 2 and len(at.get("audio")) == 2
    assert any(kind.replace("float", "") in c.value for c in at.caption)


def test_a_stereo_wav_is_mixed_and_either_channel_can_be_picked():
    stereo = pcm_wav(np.stack([np.sin(np.arange(4000) / 5) / 2, np.zeros(4000)], axis=1), 2)
    at = upload(open_section("signal", source="wav"), "sequences.signal.wav_file", "stereo.wav", stereo)
    assert_clean(at)
    assert at.selectbox(key="sequences.signal.channel").value == -1
    assert any("mix of all 2 (mean)" in c.value for c in at.caption)
    at.selectbox(key="sequences.signal.channel").set_value(1).run()
    assert any("right (1)" in c.value for c in at.caption) and not at.exception
    assert any("silent (every sample is 0)" in c.value for c in at.caption)     # the right channel is empty


@pytest.mark.parametrize("data, words", [
    (pcm_wav(np.zeros(0), 2), "has no samples"),
    (pcm_wav(np.zeros(61 * 1000), 1, rate=1000), "at most 60 s are read"),
    (b"not a wav at all", "not a WAV file"),
], ids=["empty", "too long", "not a WAV"])
def test_a_bad_wav_gets_a_message_not_a_traceback(data, words):
    at = upload(open_section("signal", source="wav"), "sequences.signal.wav_file", "bad.wav", data)
    assert not at.exception and any(words in e.value for e in at.error)


def test_a_csv_column_is_read_and_its_garbage_named():
    at = upload(open_section("signal", source="csv"), "sequences.signal.csv_file", "data.csv",
                b"t,level\n" + b"".join(f"{i},{np.sin(i / 3):.4f}\n".encode() for i in range(500)))
    assert_clean(at)
    assert at.selectbox(key="sequences.signal.column").value == "level" and not at.error
    assert any("too slow for a browser to play" in c.value for c in at.caption)     # 1000 samples per second
    at = upload(open_section("signal", source="csv"), "sequences.signal.csv_file", "gaps.csv",
                b"level\n1\n\n3\nabc\n5\n")
    assert not at.exception and any("line 3 '' (empty), line 5 'abc'" in e.value for e in at.error)


def test_every_kernel_and_padding_filters_the_shipped_signal():
    kernels = ("moving_average", "difference", "gaussian", "matched", "matched")
    for kernel, padding in zip(kernels, ("same", "causal", "valid", "full", "amount")):
        stride = "1" if padding == "same" else "3"       # PyTorch's "same" is for stride 1 only
        at = open_section("signal", kernel=kernel, padding=padding, stride=stride, dilation="2", mode="reflect")
        assert_clean(at)
        assert not at.error, [e.value for e in at.error]
    at = open_section("signal", kernel="gaussian", padding="same", stride="2")
    assert any("padding='same' needs stride 1" in e.value for e in at.error) and not at.exception


def test_the_walkthrough_follows_the_step_box_and_each_input():
    at = open_section("walk")
    assert_clean(at)
    before = at.get("plotly_chart")[0].proto.spec
    at.number_input(key="sequences.walk.step").set_value(3).run()
    assert json.loads(at.get_by_key("sequences.walk.stepper.step").proto.json)["step"] == 3   # the stepper shows it
    assert at.get("plotly_chart")[0].proto.spec == before                                   # on the same figure
    assert any(b.proto.label == "Animated GIF" for b in at.get("download_button"))
    for choice in ("sentence", "signal"):
        at = open_section("walk", w_input=choice, w_padding="causal", w_dilation="2")
        assert_clean(at)
        assert not at.error and len(at.get("plotly_chart")) == 1


OWNERS = {"text": TEXT_SETTINGS, "signal": SIGNAL_SETTINGS, "causal": CAUSAL_SETTINGS, "walk": WALK_SETTINGS}


@pytest.mark.parametrize("section", list(OWNERS))
def test_garbage_in_every_setting_of_a_section_is_a_notice(section):
    for value in GARBAGE:
        at = open_section(section, **dict.fromkeys(OWNERS[section], value))
        assert_clean(at)
        if value not in ("", "-1"):
            assert at.warning, value                    # the link's value was ignored, and the page said so


@pytest.mark.parametrize("section", list(OWNERS))
def test_the_extremes_every_setting_allows(section):
    for end in ("low", "high"):
        query = {name: setting.dump(getattr(setting, end)) for name, setting in OWNERS[section].items()
                 if getattr(setting, end) is not None}
        at = open_section(section, **query)
        assert_clean(at)


def test_a_section_that_does_not_exist_falls_back_to_text():
    at = open_page_alone(PAGE, {"section": HOSTILE})
    assert_clean(at)
    assert at.warning and at.text_input(key="sequences.text.sentence").value
