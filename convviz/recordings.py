"""Signals from files: WAV sound and a column of a CSV table, each read into a :class:`Recording`.

WAV files hold PCM integers (8-bit unsigned, 16-, 24- or 32-bit signed) or IEEE floats
(32- or 64-bit), for any number of channels, possibly in the "extensible" header. Plain
PCM is read with Python's :mod:`wave`; :mod:`wave` reads nothing else, so the header is
walked here for the rest. Integers are scaled to full scale ±1 (``x / 2^(bits − 1)``, 8-bit
samples centred on 128 first); floats are kept as they are.

Anything that cannot be read is refused with a :class:`ValueError` that says why and what to
do: compressed formats, no samples, more than :data:`MAX_SECONDS` or :data:`MAX_BYTES`,
cells of a CSV column that are not numbers.

Examples
--------
>>> import io, wave
>>> buf = io.BytesIO()
>>> with wave.open(buf, "wb") as w:
...     w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
...     w.writeframes(np.array([0, 16384, -32768], "<i2").tobytes())
>>> r = read_wav(buf.getvalue())
>>> r.samples.tolist(), r.kind
([[0.0, 0.5, -1.0]], '16-bit PCM')
"""

from __future__ import annotations

import csv
import io
import struct
import wave
from dataclasses import dataclass

import numpy as np

MAX_BYTES = 20 * 2**20          #: largest file read: 20 MB
MAX_SECONDS = 60.0              #: longest recording read
MAX_CSV_ROWS = 200_000          #: most rows of a CSV column
MAX_RATE = 384_000
_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE
_COMPRESSED = {2: "Microsoft ADPCM", 6: "A-law", 7: "µ-law", 17: "IMA ADPCM", 85: "MP3"}


@dataclass(frozen=True)
class Recording:
    """A sampled signal with one or more channels.

    Attributes
    ----------
    samples : float array (channels, n)
    sample_rate : int
        Samples per second (per channel).
    kind : str
        What the file held, e.g. ``"24-bit PCM"`` or ``"CSV column 'pressure'"``.
    """

    samples: np.ndarray
    sample_rate: int
    kind: str

    @property
    def channels(self) -> int:
        return self.samples.shape[0]

    @property
    def seconds(self) -> float:
        return self.samples.shape[1] / self.sample_rate

    def mono(self, channel: int | None = None) -> np.ndarray:
        """One channel (counting from 0), or the mean of all of them for None.

        >>> Recording(np.array([[1.0, 0.0], [0.0, 1.0]]), 8000, "").mono().tolist()
        [0.5, 0.5]
        """
        if channel is None:
            return self.samples.mean(axis=0)
        if not 0 <= channel < self.channels:
            raise ValueError(f"channel {channel} does not exist: the recording has {self.channels} "
                             f"(0 to {self.channels - 1})")
        return self.samples[channel]


def _check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise ValueError(f"the file is {len(data) / 2**20:.1f} MB; at most {MAX_BYTES // 2**20} MB are read — "
                         f"cut it shorter first")


def _chunks(data: bytes) -> dict[bytes, bytes]:
    """The chunks of a RIFF/WAVE file by id (the first of each), refusing what is not one."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("this is not a WAV file: it does not start with 'RIFF…WAVE'")
    chunks, at = {}, 12
    while at + 8 <= len(data):
        name, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        chunks.setdefault(name, data[at + 8:at + 8 + size])
        at += 8 + size + size % 2
    if b"fmt " not in chunks or len(chunks[b"fmt "]) < 16:
        raise ValueError("the WAV file has no complete format ('fmt ') chunk")
    if b"data" not in chunks:
        raise ValueError("the WAV file has no samples: there is no 'data' chunk")
    return chunks


def _pcm(raw: bytes, width: int, channels: int) -> np.ndarray:
    """Little-endian PCM frames as floats at full scale ±1, shape (channels, n)."""
    raw = raw[:len(raw) - len(raw) % (width * channels)]
    if width == 1:
        values = (np.frombuffer(raw, np.uint8).astype(np.float64) - 128) / 128
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        ints = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        values = np.where(ints >= 1 << 23, ints - (1 << 24), ints) / float(1 << 23)
    else:
        values = np.frombuffer(raw, f"<i{width}").astype(np.float64) / float(1 << (8 * width - 1))
    return values.reshape(-1, channels).T


def read_wav(data: bytes) -> Recording:
    """Read a WAV file's samples; see the module's description for what is accepted.

    Raises
    ------
    ValueError
        Not a WAV file, a compressed or unusual format, no samples, non-finite floats, or
        more than :data:`MAX_SECONDS` seconds or :data:`MAX_BYTES` bytes.
    """
    _check_size(data)
    chunks = _chunks(data)
    tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", chunks[b"fmt "][:16])
    if tag == _EXTENSIBLE and len(chunks[b"fmt "]) >= 26:
        tag = struct.unpack("<H", chunks[b"fmt "][24:26])[0]   # the sub-format GUID starts with the tag
    if tag in _COMPRESSED or tag not in (_PCM, _FLOAT):
        name = _COMPRESSED.get(tag, f"format {tag}")
        raise ValueError(f"this WAV file is compressed or unusual ({name}); only PCM (8, 16, 24, 32-bit) and float "
                         f"(32, 64-bit) samples are read — export it as 16-bit PCM")
    if channels < 1 or not 0 < rate <= MAX_RATE:
        raise ValueError(f"the WAV header says {channels} channels at {rate} samples per second, "
                         f"which cannot be played")
    allowed = (8, 16, 24, 32) if tag == _PCM else (32, 64)
    if bits not in allowed:
        kind = "PCM" if tag == _PCM else "float"
        raise ValueError(f"{bits}-bit {kind} samples are not read; {kind} WAV files must be "
                         f"{', '.join(map(str, allowed))}-bit")
    width = bits // 8
    frames = len(chunks[b"data"]) // (width * channels)
    if frames == 0:
        raise ValueError("the WAV file has no samples: its 'data' chunk is empty")
    if frames / rate > MAX_SECONDS:
        raise ValueError(f"the recording lasts {frames / rate:.1f} s; at most {MAX_SECONDS:g} s are read — "
                         f"cut it shorter first")
    if tag == _FLOAT:
        raw = chunks[b"data"][:frames * width * channels]
        samples = np.frombuffer(raw, f"<f{width}").astype(np.float64).reshape(-1, channels).T
        if not np.isfinite(samples).all():
            raise ValueError("the WAV file holds samples that are NaN or infinite")
        return Recording(samples, rate, f"{bits}-bit float")
    if struct.unpack("<H", chunks[b"fmt "][:2])[0] == _PCM:
        with wave.open(io.BytesIO(data)) as w:
            raw = w.readframes(w.getnframes())
    else:
        raw = chunks[b"data"]
    return Recording(_pcm(raw, width, channels), rate, f"{bits}-bit PCM")


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The rows of a CSV file with their line numbers; blank lines count, except at the start and end."""
    _check_size(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the CSV file is not UTF-8 text") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = [(reader.line_num, [c.strip() for c in row]) for row in reader]
    filled = [i for i, (_, row) in enumerate(rows) if any(row)]
    if not filled:
        raise ValueError("the CSV file has no rows")
    return rows[filled[0]:filled[-1] + 1]


def csv_columns(data: bytes) -> tuple[str, ...]:
    """The names of a CSV file's columns: its header, or ``column 1``, ``column 2``, … without one.

    >>> csv_columns(b"time,value\\n0,1\\n1,2\\n")
    ('time', 'value')
    """
    rows = [row for _, row in _rows(data)]
    if any(_number(c) is None for c in rows[0]):
        return tuple(c or f"column {i + 1}" for i, c in enumerate(rows[0]))
    return tuple(f"column {i + 1}" for i in range(max(map(len, rows))))


def read_csv_column(data: bytes, column: str, sample_rate: int) -> Recording:
    """One column of a CSV file as a one-channel recording at `sample_rate` (the file says nothing of it).

    Raises
    ------
    ValueError
        An unknown column, cells that are empty or not numbers (the message names the first
        rows), no numbers at all, or more than :data:`MAX_CSV_ROWS` rows.

    Examples
    --------
    >>> read_csv_column(b"t;v\\n0;1.5\\n1;-2\\n", "v", 100).samples.tolist()
    [[1.5, -2.0]]
    >>> read_csv_column(b"v\\n1\\nabc\\n\\n3\\n", "v", 100)
    Traceback (most recent call last):
    ...
    ValueError: column 'v' has 2 cells that are not numbers: line 3 'abc', line 4 '' (empty). Fix ...
    """
    if not 0 < sample_rate <= MAX_RATE:
        raise ValueError(f"sample_rate must be between 1 and {MAX_RATE}, got {sample_rate}")
    rows, names = _rows(data), csv_columns(data)
    if column not in names:
        raise ValueError(f"the CSV file has no column {column!r}; it has {', '.join(map(repr, names))}")
    at, header = names.index(column), int(any(_number(c) is None for c in rows[0][1]))
    cells = [(line, row[at] if at < len(row) else "") for line, row in rows[header:]]
    if len(cells) > MAX_CSV_ROWS:
        raise ValueError(f"column {column!r} has {len(cells)} rows; at most {MAX_CSV_ROWS} are read")
    values = [_number(c) for _, c in cells]
    bad = [(line, c) for (line, c), v in zip(cells, values) if v is None]
    if len(bad) == len(cells):
        raise ValueError(f"column {column!r} holds no numbers")
    if bad:
        shown = ", ".join(f"line {line} {c!r}" + (" (empty)" if not c else "") for line, c in bad[:3])
        many = len(bad) > 1
        raise ValueError(f"column {column!r} has {len(bad)} cell{'s' if many else ''} that "
                         f"{'are not numbers' if many else 'is not a number'}: {shown}{', …' if len(bad) > 3 else ''}. "
                         f"Fix or delete {'those rows' if many else 'that row'} (gaps are not filled in)")
    return Recording(np.array(values, dtype=np.float64)[None], int(sample_rate), f"CSV column {column!r}")
