"""Tests for convviz.recordings: WAV files of every bit depth, stereo, empty, too long; CSV columns and garbage."""

from __future__ import annotations

import io
import struct
import wave

import numpy as np
import pytest

from convviz.recordings import MAX_BYTES, MAX_CSV_ROWS, MAX_SECONDS, Recording, csv_columns, read_csv_column, read_wav

FULL_SCALE = np.array([0.0, 0.5, -0.5, 0.25, -1.0])


def pcm_wav(values: np.ndarray, width: int, rate: int = 8000) -> bytes:
    """`values` (frames, channels) at full scale ±1 as `width`-byte PCM, written with the wave module."""
    values = np.atleast_2d(values.T).T
    scale = 2 ** (8 * width - 1)
    ints = np.clip(np.round(values * scale), -scale, scale - 1).astype(np.int64)
    if width == 1:
        raw = (ints + 128).astype(np.uint8).tobytes()
    elif width == 3:
        raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints.ravel())
    else:
        raw = ints.astype(f"<i{width}").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(values.shape[1])
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return buf.getvalue()


def riff(fmt: bytes, data: bytes) -> bytes:
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def float_wav(values: np.ndarray, bits: int = 32, rate: int = 8000, channels: int = 1,
              extensible: bool = False) -> bytes:
    """IEEE-float samples, in the plain header (format 3) or the extensible one: the wave module writes neither."""
    block = channels * bits // 8
    if extensible:
        guid = struct.pack("<H", 3) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, channels, rate, rate * block, block, bits, 22, bits, 0) + guid
    else:
        fmt = struct.pack("<HHIIHH", 3, channels, rate, rate * block, block, bits)
    return riff(fmt, np.asarray(values, f"<f{bits // 8}").tobytes())


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_pcm_of_every_width_reads_back_at_full_scale(width):
    r = read_wav(pcm_wav(FULL_SCALE, width))
    assert r.kind == f"{8 * width}-bit PCM" and r.sample_rate == 8000 and r.channels == 1
    np.testing.assert_allclose(r.samples[0], FULL_SCALE, atol=1 / 2 ** (8 * width - 1))


@pytest.mark.parametrize("bits", [32, 64])
@pytest.mark.parametrize("extensible", [False, True])
def test_float_samples_read_as_they_are(bits, extensible):
    values = np.array([0.0, 0.125, -0.75, 1.5])
    r = read_wav(float_wav(values, bits, extensible=extensible))
    assert r.kind == f"{bits}-bit float"
    np.testing.assert_array_equal(r.samples[0], values)


def test_extensible_24_bit_pcm_is_read_without_the_wave_module():
    ints = [0, 4194304, -8388608]
    data = b"".join(v.to_bytes(3, "little", signed=True) for v in ints)
    guid = struct.pack("<H", 1) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
    fmt = struct.pack("<HHIIHHHHI", 0xFFFE, 1, 16000, 48000, 3, 24, 22, 24, 4) + guid
    np.testing.assert_array_equal(read_wav(riff(fmt, data)).samples[0], [0.0, 0.5, -1.0])


def test_stereo_keeps_both_channels_and_mixes_or_picks_one():
    left, right = np.array([0.5, 0.5, 0.5]), np.array([-0.5, 0.0, 0.25])
    r = read_wav(pcm_wav(np.stack([left, right], axis=1), 2))
    assert r.channels == 2
    np.testing.assert_allclose(r.mono(0), left)
    np.testing.assert_allclose(r.mono(1), right)
    np.testing.assert_allclose(r.mono(), (left + right) / 2)
    with pytest.raises(ValueError, match=r"channel 2 does not exist: the recording has 2 \(0 to 1\)"):
        r.mono(2)


def test_wav_files_that_cannot_be_read_say_why():
    with pytest.raises(ValueError, match="the WAV file has no samples: its 'data' chunk is empty"):
        read_wav(pcm_wav(np.zeros(0), 2))
    with pytest.raises(ValueError, match="this is not a WAV file"):
        read_wav(b"ID3\x03 an mp3 file")
    with pytest.raises(ValueError, match=r"compressed or unusual \(A-law\)"):
        read_wav(riff(struct.pack("<HHIIHH", 6, 1, 8000, 8000, 1, 8), b"\x00" * 10))
    with pytest.raises(ValueError, match="12-bit PCM samples are not read"):
        read_wav(riff(struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 12), b"\x00" * 10))
    with pytest.raises(ValueError, match="no complete format"):
        read_wav(b"RIFF\x04\x00\x00\x00WAVEdata\x00\x00\x00\x00")
    with pytest.raises(ValueError, match="holds samples that are NaN or infinite"):
        read_wav(float_wav(np.array([0.0, np.nan])))
    with pytest.raises(ValueError, match="0 channels at 8000 samples per second"):
        read_wav(riff(struct.pack("<HHIIHH", 1, 0, 8000, 16000, 2, 16), b"\x00" * 4))


def test_a_clip_over_the_caps_is_refused_with_the_cap():
    too_long = pcm_wav(np.zeros(int(1000 * (MAX_SECONDS + 1))), 1, rate=1000)
    with pytest.raises(ValueError, match=rf"lasts {MAX_SECONDS + 1:.1f} s; at most {MAX_SECONDS:g} s are read"):
        read_wav(too_long)
    with pytest.raises(ValueError, match=rf"at most {MAX_BYTES // 2**20} MB are read"):
        read_wav(b"RIFF" + bytes(MAX_BYTES))


def test_a_csv_column_with_or_without_a_header():
    assert csv_columns(b"time,level\n0,1\n1,2\n") == ("time", "level")
    assert csv_columns(b"0;1\n1;2\n") == ("column 1", "column 2")
    r = read_csv_column(b"time,level\n0,1.5\n1,-2\n\n", "level", 250)
    assert isinstance(r, Recording) and r.samples.tolist() == [[1.5, -2.0]] and r.sample_rate == 250
    assert read_csv_column(b"1\t4\n2\t5\n", "column 2", 10).samples.tolist() == [[4.0, 5.0]]


def test_csv_columns_with_text_or_gaps_name_the_lines():
    with pytest.raises(ValueError, match=r"has 1 cell that is not a number: line 3 'n/a'\. Fix or delete that row"):
        read_csv_column(b"v\n1\nn/a\n3\n", "v", 100)
    with pytest.raises(ValueError, match=r"has 2 cells that are not numbers: line 2 '' \(empty\), line 4 'inf'"):
        read_csv_column(b"a,v\n1,\n2,3\n4,inf\n", "v", 100)
    with pytest.raises(ValueError, match="column 'name' holds no numbers"):
        read_csv_column(b"name,v\nab,1\ncd,2\n", "name", 100)
    with pytest.raises(ValueError, match="has no column 'x'; it has 'v'"):
        read_csv_column(b"v\n1\n", "x", 100)
    with pytest.raises(ValueError, match="the CSV file has no rows"):
        csv_columns(b"\n\n")
    with pytest.raises(ValueError, match="not UTF-8 text"):
        csv_columns(b"\xff\xfe\x00v")
    with pytest.raises(ValueError, match="sample_rate must be between 1 and"):
        read_csv_column(b"v\n1\n", "v", 0)
    with pytest.raises(ValueError, match=f"at most {MAX_CSV_ROWS} are read"):
        read_csv_column(b"v\n" + b"1\n" * (MAX_CSV_ROWS + 1), "v", 100)
