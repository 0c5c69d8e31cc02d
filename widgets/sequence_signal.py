"""The Signals section of the Sequences page: a recording, a kernel, the filtered result, both playable."""

from __future__ import annotations

import time

from collections.abc import Callable

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from convviz.figures.sequences import kernel_figure, signal_figure
from convviz.recordings import MAX_BYTES, MAX_RATE, MAX_SECONDS, Recording, csv_columns, read_csv_column, read_wav
from convviz.signals import (
    CALL_SECONDS, CALLS, KERNELS, MAX_TAPS, difference, filter_signal, gaussian, matched_filter, moving_average,
    synthetic_recording,
)
from widgets.sequence_layer import layer_controls, layer_settings
from widgets.url_state import Scope, Setting

SOURCES = {"synthetic": "Synthetic: a sweep, four calls, noise", "wav": "Upload a WAV file",
           "csv": "Upload a CSV column"}
PLAYABLE = (3000, MAX_RATE)     # sample rates a browser plays
PLAIN = {"displayModeBar": False}
SIGNAL_SETTINGS = {
    "source": Setting("synthetic", choices=tuple(SOURCES)), "channel": Setting(-1, low=-1, high=63),
    "column": Setting(""), "rate": Setting(1000, low=1, high=MAX_RATE),
    "kernel": Setting("moving_average", choices=tuple(KERNELS)), "taps": Setting(15, low=1, high=255),
    "sigma": Setting(4.0, low=0.5, high=40.0), "piece_at": Setting(CALLS[0], low=0.0, high=MAX_SECONDS),
    "piece_ms": Setting(int(CALL_SECONDS * 1000), low=1, high=200),
    **layer_settings("", max_step=64, max_pad=MAX_TAPS),
}


@st.cache_resource(show_spinner=False)
def synthetic() -> Recording:
    """The shipped recording (read-only, shared by every session)."""
    return synthetic_recording()


read_wav_cached = st.cache_data(max_entries=4, show_spinner="Reading the WAV file…")(read_wav)
read_csv_cached = st.cache_data(max_entries=4, show_spinner=False)(read_csv_column)


def _recording(scope: Scope) -> Recording | None:
    """The recording chosen (None while no file is uploaded); a ValueError for a file that cannot be read."""
    source = scope.value("source")
    if source == "synthetic":
        return synthetic()
    limit = f"up to {MAX_BYTES // 2**20} MB and {MAX_SECONDS:g} s"
    if source == "wav":
        upload = st.file_uploader(f"WAV file ({limit}; PCM 8/16/24/32-bit or float)", type=["wav"],
                                  key=scope.key("wav_file"))
        if upload is None:
            return None
        try:
            return read_wav_cached(upload.getvalue())
        except ValueError as exc:
            raise ValueError(f"This WAV file can't be used: {exc}.") from None
    upload = st.file_uploader(f"CSV file ({limit}; one number per row in the column you pick)", type=["csv", "txt"],
                              key=scope.key("csv_file"))
    if upload is None:
        return None
    data = upload.getvalue()
    try:
        columns = csv_columns(data)
    except ValueError as exc:
        raise ValueError(f"This CSV file can't be used: {exc}.") from None
    if scope.value("column") not in columns:
        scope.set("column", columns[-1])
    left, right = st.columns(2)
    left.selectbox("Column", columns, **scope.bind("column"))
    right.number_input("Samples per second (a CSV does not say)", 1, MAX_RATE, **scope.bind("rate"))
    try:
        return read_csv_cached(data, scope.value("column"), scope.value("rate"))
    except ValueError as exc:
        raise ValueError(f"This column can't be used: {exc}.") from None


def _mono(scope: Scope, recording: Recording) -> tuple[np.ndarray, str]:
    if recording.channels == 1:
        return recording.samples[0], "mono"
    names = {-1: f"mix of all {recording.channels} (mean)"} | {
        c: (("left", "right")[c] if recording.channels == 2 else f"channel {c}") + f" ({c})"
        for c in range(recording.channels)}
    if scope.value("channel") not in names:
        scope.set("channel", -1)
    st.selectbox(f"{recording.channels} channels: which to filter", tuple(names), format_func=names.get,
                 **scope.bind("channel"))
    channel = scope.value("channel")
    return recording.mono(None if channel < 0 else channel), names[channel]


def _kernel(scope: Scope, x: np.ndarray, rate: int) -> tuple[np.ndarray, tuple[float, float] | None]:
    kind = st.segmented_control("Kernel", tuple(KERNELS), format_func=KERNELS.get, required=True,
                                **scope.bind("kernel"))
    if kind == "moving_average":
        st.slider("Taps", 1, 255, help="Equal weights adding up to 1: a low-pass filter.", **scope.bind("taps"))
        return moving_average(scope.value("taps")), None
    if kind == "gaussian":
        st.slider("σ (samples)", 0.5, 40.0, step=0.5, help="A bell over ±3σ: a smoother low-pass.",
                  **scope.bind("sigma"))
        return gaussian(scope.value("sigma")), None
    if kind == "difference":
        st.caption("[−1, 1]: each output is the next sample minus this one, a high-pass filter.")
        return difference(), None
    left, right = st.columns(2)
    seconds = x.size / rate
    scope.clamp("piece_at", 0.0, seconds)
    left.number_input(f"Cut from (s, 0 to {seconds:.2f})", 0.0, seconds, step=0.01, format="%.3f",
                      **scope.bind("piece_at"))
    right.number_input("Length (ms)", 1, 200, **scope.bind("piece_ms"))
    start, taps = int(scope.value("piece_at") * rate), max(1, round(scope.value("piece_ms") * rate / 1000))
    st.caption("The piece (shaded) slid along the signal: the output peaks wherever the signal looks like it.")
    return matched_filter(x, start, min(taps, MAX_TAPS)), (start / rate, (start + taps) / rate)


def _play(label: str, samples: np.ndarray, rate: float) -> None:
    if not np.abs(samples).max() > 0:
        st.caption(f"{label}: silent (every sample is 0), nothing to play.")
    elif PLAYABLE[0] <= round(rate) <= PLAYABLE[1]:
        st.caption(label)
        st.audio(samples, sample_rate=round(rate))
    else:
        st.caption(f"{label}: at {rate:g} samples per second it is too slow for a browser to play "
                   f"(at least {PLAYABLE[0]} are needed).")


def signal_section(scope: Scope, controls: Callable[[], DeltaGenerator]) -> None:
    """The section; its widgets go where `controls()` says (in the page, or a presenter's pop-over)."""
    try:
        with controls():
            st.radio("Signal", tuple(SOURCES), format_func=SOURCES.get, horizontal=True, **scope.bind("source"))
            recording = _recording(scope)
            if recording is None:
                return
            x, which = _mono(scope, recording)
            rate = recording.sample_rate
            try:
                weights, piece = _kernel(scope, x, rate)
                layer = layer_controls(scope, "", max_step=64, max_pad=MAX_TAPS)
                began = time.perf_counter()
                filtered = filter_signal(x, weights, rate, **layer.kwargs(weights.size))
                took = (time.perf_counter() - began) * 1000
            except ValueError as exc:
                raise ValueError(f"This setting can't be applied: {exc}.") from None
    except ValueError as exc:      # every message here is a whole sentence: what can't be used, and why
        st.error(str(exc))
        return
    st.caption(f"Input: {recording.kind}, {which}, {x.size:,} samples at {rate:,} per second "
               f"({recording.seconds:.2f} s). Output: {filtered.output.size:,} samples at "
               f"{filtered.sample_rate:,.6g} per second, filtered in {took:.0f} ms (FFT overlap-add, equal to conv1d).")
    st.caption(f"Output length: {filtered.geometry.worked[0].text}")
    times = np.arange(x.size) / rate
    titles = ("Input", f"Output (sample n drawn at n · {layer.stride} / {rate:,} s)" if layer.stride > 1 else "Output")
    st.plotly_chart(signal_figure(times, x, filtered.times, filtered.output, titles, piece), key=scope.key("plot"),
                    config=PLAIN)
    left, right = st.columns([1, 2])
    with left:
        _play("Input", x, rate)
        _play("Output (each player is scaled to its own loudest sample)", filtered.output, filtered.sample_rate)
    right.plotly_chart(kernel_figure(weights, layer.dilation), key=scope.key("kernel_plot"), config=PLAIN)
