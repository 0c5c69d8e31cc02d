"""Tests for convviz.signals: the synthetic recording, the four kernels, and fast filtering equal to conv1d."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convviz import conv1d
from convviz.signals import (
    CALL_SECONDS, CALLS, MAX_TAPS, SAMPLE_RATE, difference, filter_signal, gaussian, matched_filter, moving_average,
    parse_numbers, synthetic_recording,
)
from strategies import FAST, conv_cases, random_array


def test_the_synthetic_recording_is_the_same_every_time_and_below_full_scale():
    a, b = synthetic_recording(), synthetic_recording()
    np.testing.assert_array_equal(a.samples, b.samples)
    assert a.samples.shape == (1, 3 * SAMPLE_RATE) and np.abs(a.samples).max() < 1


def test_the_kernels():
    np.testing.assert_allclose(moving_average(5), [0.2] * 5)
    assert difference().tolist() == [-1.0, 1.0]
    g = gaussian(2.0)
    assert g.size == 13 and g.sum() == pytest.approx(1) and np.array_equal(g, g[::-1]) and g.argmax() == 6
    piece = matched_filter(np.arange(10.0) ** 2, 3, 4)
    assert piece.mean() == pytest.approx(0, abs=1e-12) and np.linalg.norm(piece) == pytest.approx(1)


def test_kernels_refuse_what_cannot_be_a_kernel():
    with pytest.raises(ValueError, match=f"a kernel needs 1 to {MAX_TAPS} taps, got 0"):
        moving_average(0)
    with pytest.raises(ValueError, match="sigma must be between 0.2 and"):
        gaussian(0.1)
    with pytest.raises(ValueError, match="does not fit in the 10 samples of the signal"):
        matched_filter(np.ones(10), 8, 4)
    with pytest.raises(ValueError, match="is flat .silent.: it matches nothing"):
        matched_filter(np.ones(10), 2, 4)


def test_a_matched_filter_cut_from_the_first_call_answers_most_at_every_call():
    r = synthetic_recording()
    n = int(CALL_SECONDS * r.sample_rate)
    piece = matched_filter(r.samples[0], int(CALLS[0] * r.sample_rate), n)
    out = filter_signal(r.samples[0], piece, r.sample_rate).output       # valid: output t reads t … t + n − 1
    for start in CALLS:
        at = int(start * r.sample_rate)
        near = out[at - n // 2:at + n // 2]
        assert near.max() > 0.6 * out.max()
    quiet = np.ones(out.size, bool)
    for start in CALLS:
        quiet[int(start * r.sample_rate) - n:int(start * r.sample_rate) + n] = False
    assert out[quiet].max() < 0.5 * out.max()


@FAST
@given(conv_cases(spatial=st.just(1), bias=st.just(False)))
def test_filtering_equals_conv1d_in_every_padding_mode(case):
    x, w = case.xb[0, 0], case.weight[0, 0]
    kw = {k: case.kwargs[k] for k in ("stride", "padding", "dilation", "padding_mode")}
    f = filter_signal(x, w, 100, **kw)
    np.testing.assert_allclose(f.output, conv1d(x[None], w[None, None], **kw)[0], rtol=1e-9, atol=1e-9)
    assert f.geometry.out == f.output.shape and f.sample_rate == 100 / f.geometry.stride[0]


def test_a_long_clip_and_a_long_kernel_equal_conv1d_and_torch():
    x, w = random_array(1, (SAMPLE_RATE * 2,)), random_array(2, (255,))
    for kw in ({"padding": "same"}, {"padding": ((254, 0),), "dilation": 2}, {"padding": 100, "stride": 3,
                                                                                "padding_mode": "reflect"}):
        f = filter_signal(x, w, SAMPLE_RATE, **kw)
        np.testing.assert_allclose(f.output, conv1d(x[None], w[None, None], **kw)[0], rtol=1e-9, atol=1e-9)
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.conv1d(torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None],
                                          padding="same")[0, 0].numpy()
    np.testing.assert_allclose(filter_signal(x, w, SAMPLE_RATE, padding="same").output, expected, rtol=1e-9, atol=1e-9)


def test_the_output_rate_and_times_follow_the_stride():
    f = filter_signal(np.arange(10.0), [1.0], 1000, stride=2)
    assert f.sample_rate == 500 and f.times.tolist() == [0.0, 0.002, 0.004, 0.006, 0.008]


def test_filtering_refuses_what_conv1d_refuses():
    with pytest.raises(ValueError, match="must be non-empty 1-D arrays"):
        filter_signal(np.ones((2, 3)), [1.0], 100)
    with pytest.raises(ValueError, match="weight must hold finite numbers"):
        filter_signal(np.ones(5), [np.nan], 100)
    with pytest.raises(ValueError, match="the kernel spans 7 positions but the padded input has only 5"):
        filter_signal(np.ones(5), np.ones(7), 100)


def test_numbers_are_read_from_text():
    assert parse_numbers(" 1,2 ; −3\t4 ", "kernel", 4).tolist() == [1, 2, -3, 4]
    with pytest.raises(ValueError, match="the kernel is empty"):
        parse_numbers(" , ", "kernel", 4)
    with pytest.raises(ValueError, match="the kernel has 5 numbers; at most 4 are shown"):
        parse_numbers("1 2 3 4 5", "kernel", 4)
    with pytest.raises(ValueError, match="item 2 is not a number"):
        parse_numbers("1 two", "kernel", 4)
    with pytest.raises(ValueError, match="item 1 must be a finite number"):
        parse_numbers("nan", "kernel", 4)
