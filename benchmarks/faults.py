"""What goes wrong in a class, for `python benchmarks/load.py --faults`: four kinds of tab.

They run alongside the students, each again and again through the run, so that a 10-minute run
shows whether the server gives back what they took:

* close: a tab sends a change and closes its websocket as soon as that run has begun (before the
  script finishes), at 15 s and every 20 s after; a new tab then opens the Playground ("reopen"),
  and is the next to close.
* burst: one tab moves the stride slider 30 times within one second without waiting, at 20 s and
  every 60 s after; the page must end at the last value ("burst": from the last change to that
  run's end).
* reconnect: one tab sends a change and loses its connection as the run begins (no close frame),
  at 30 s and every 60 s after; 2 s later it opens a websocket naming its session id and sends the
  change again, as the frontend does for a run that was cut off. The same session must answer,
  with the Playground at that value ("reconnect": from the new websocket to the run's end).
* upload: five tabs at once, at a tenth of the run (20 s at the earliest) and every 150 s after
  while 30 s are left. Each opens the Playground, sets the working size to 2048 and picks "Upload
  your own…"; at one moment all five drop a 12-megapixel JPEG of their own (4000×3000, gradients
  and noise, about 4 MB, new bytes in every wave), then change the stride three times, 2–5 s
  apart, and close. The page must say it reduced 4000×3000 to 2048×1536 ("upload": from asking for
  the upload URL to the run's end; "set up": the size and the choice of an upload).

The close, burst and reconnect tabs open at the start ("open"); nothing is scheduled in the last
5–10 s. These tabs count their own runs and errors (`Faults.stats`), apart from the students'.
"""

from __future__ import annotations

import asyncio
import io
import random
import time
from collections import Counter

import numpy as np
from PIL import Image
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.exceptions import WebSocketException

from streamlit_client import Run, Session, Stats

STRIDE, SIZE, IMAGE, UPLOAD = ("playground.layer.stride", "playground.image.size", "playground.image.image",
                               "playground.image.upload")
STRIDES = (1, 2, 3, 4)
CLOSE_EVERY, BURST_EVERY, RECONNECT_EVERY, UPLOAD_EVERY = 20.0, 60.0, 60.0, 150.0
BURST, DROP = 30, 2.0                      # changes in one second; seconds without a network
UPLOADERS, PREPARE, WORKING_SIZE = 5, 15.0, 2048  # tabs per wave; seconds they have to get ready
PHOTO = (4000, 3000)
ACTIONS = ("open", "reopen", "burst", "reconnect", "set up", "upload", "upload change")


def photo(seed: int) -> bytes:
    """A 12-megapixel JPEG that compresses like a photo: smooth gradients, edges, sensor noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:PHOTO[1], 0:PHOTO[0]].astype(np.float32)
    turn = rng.uniform(8, 32, 3)
    rgb = np.stack([(x / turn[0]) % 256, (y / turn[1]) % 256, ((x + y) / turn[2]) % 256], axis=-1)
    rgb += rng.normal(0, 12, rgb.shape).astype(np.float32)
    out = io.BytesIO()
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=90)
    return out.getvalue()


def renamed(jpeg: bytes, text: str) -> bytes:
    """The same pixels in another file: a JPEG comment after the start marker changes its digest."""
    comment = text.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def stride(session: Session, rng: random.Random) -> WidgetState:
    """The stride slider at another value."""
    s = WidgetState(id=session.widgets[STRIDE][1].id)
    now = session.value(STRIDE).double_array_value.data[0]
    s.double_array_value.data.append(rng.choice([v for v in STRIDES if v != now]))
    return s


class Faults:
    """The fault tabs of one run: `actors` for load.py to run, then `stats`, `events` and `waves`."""

    def __init__(self, seed: int) -> None:
        self.seed, self.stats, self.events = seed, Stats(), Counter()
        self.photos = [photo(seed * 100 + i) for i in range(UPLOADERS)]  # made before the clock starts
        self.waves: list[float] = []  # when each upload wave drops its files, in s from the start

    def actors(self, address: str, begin: float, end: float) -> list:
        """Coroutines for the run from `begin` to `end` (monotonic s); the upload waves go to `waves`."""
        rng, seconds = random.Random(self.seed), end - begin

        def times(first: float, every: float, margin: float) -> list[float]:
            return [begin + float(t) for t in np.arange(first, seconds - margin + 1e-9, every)]

        self.waves = [t - begin for t in times(max(PREPARE + 5, 0.1 * seconds), UPLOAD_EVERY, 30)]
        return [self.closer(address, random.Random(rng.random()), times(15, CLOSE_EVERY, 5)),
                self.burster(address, random.Random(rng.random()), times(20, BURST_EVERY, 10)),
                self.reconnecter(address, random.Random(rng.random()), times(30, RECONNECT_EVERY, 10)),
                *(self.uploader(address, random.Random(rng.random()), i, at, begin, end)
                  for at in (begin + t for t in self.waves) for i in range(UPLOADERS))]

    async def open(self, address: str, action: str = "open") -> Session | None:
        """A new tab on the Playground, or None (and an error) when it did not open."""
        session = Session(address)
        try:
            await session.connect()
        except (WebSocketException, OSError, TimeoutError) as exc:
            self.stats.error("connect failed", f"{action}: {exc!r}")
            return None
        return session if self.check(action, await session.rerun(page="")) else None

    def check(self, action: str, run: Run) -> bool:
        """Record the run; True when it finished on the Playground."""
        self.stats.record(action, run)
        if run.outcome == "ok" and not any(key.startswith("playground.") for key in run.widgets):
            self.stats.error("wrong page", f"{action} drew {sorted(run.widgets)[:3]}")
        return run.outcome == "ok" and STRIDE in run.widgets

    async def closer(self, address: str, rng: random.Random, times: list[float]) -> None:
        session = await self.open(address)
        for at in times:
            await asyncio.sleep(at - time.monotonic())
            if session is not None:
                run = await session.rerun(change=stride(session, rng), until="started")
                self.events["closed mid-run" if run.outcome == "ok" and not run.finished else "closed after run"] += 1
                await session.ws.close()
            session = await self.open(address, "reopen")
        if session is not None:
            await session.ws.close()

    async def burster(self, address: str, rng: random.Random, times: list[float]) -> None:
        session = await self.open(address)
        for at in times if session is not None else []:
            await asyncio.sleep(at - time.monotonic())
            values = [*(rng.choice(STRIDES[:-1]) for _ in range(BURST - 1)), STRIDES[-1]]  # only the last shows 4
            changes = [WidgetState(id=session.widgets[STRIDE][1].id) for _ in values]
            for change, v in zip(changes, values):
                change.double_array_value.data.append(v)
            runs = session.runs
            run = await session.burst(changes, 1.0, shows=("stride", str(STRIDES[-1])))
            self.events["bursts"] += 1
            self.events["runs finished in bursts"] += session.runs - runs
            if not self.check("burst", run):
                break
        if session is not None:
            await session.ws.close()

    async def reconnecter(self, address: str, rng: random.Random, times: list[float]) -> None:
        session = await self.open(address)
        for at in times if session is not None else []:
            await asyncio.sleep(at - time.monotonic())
            sent, before = stride(session, rng), session.session_id
            await session.rerun(change=sent, until="started")
            session.drop()
            await asyncio.sleep(DROP)
            t = time.perf_counter()
            try:
                await session.connect(resume=True)
            except (WebSocketException, OSError, TimeoutError) as exc:
                self.stats.error("reconnect failed", repr(exc))
                break
            url = session.query  # as the tab last heard it: a drop loses what the cut-off run said
            run = await session.rerun(change=sent)
            run.ms = 1e3 * (time.perf_counter() - t)
            self.events["reconnects"] += 1
            if run.outcome == "ok" and run.session_id != before:
                self.stats.error("new session", f"reconnected as {run.session_id}, not {before}")
            if run.outcome == "ok" and not session.kept(run, STRIDE, sent):
                echo = run.values.get(STRIDE)
                shown = list(echo.double_array_value.data) if echo else []
                self.stats.error("not applied", f"reconnect: sent stride {sent.double_array_value.data[0]:g} with "
                                                f"the URL ?{url}, came back {shown} at ?{session.query}")
            if not self.check("reconnect", run):
                break
        if session is not None:
            await session.ws.close()

    async def uploader(self, address: str, rng: random.Random, i: int, at: float, begin: float, end: float) -> None:
        await asyncio.sleep(at - PREPARE - time.monotonic())
        session = await self.open(address)
        if session is None:
            return
        try:
            for key, value in ((SIZE, WORKING_SIZE), (IMAGE, "Upload your own…")):
                s = WidgetState(id=session.widgets[key][1].id)
                if key == SIZE:
                    s.double_array_value.data.append(value)
                else:
                    s.string_value = value
                run = await session.rerun(change=s)
                if not self.check("set up", run) or not session.kept(run, key, s):
                    self.stats.error("not set up", f"upload tab {i}: {key} did not come back as {value}")
                    return
            if UPLOAD not in session.widgets:
                self.stats.error("widget missing", f"upload tab {i}: no {UPLOAD} after picking an upload")
                return
            if time.monotonic() > at:
                self.stats.error("not at once", f"upload tab {i} was ready {time.monotonic() - at:.1f} s late")
            await asyncio.sleep(at - time.monotonic())
            data = renamed(self.photos[i], f"wave at {at - begin:.0f} s, tab {i}")
            run = await session.upload(UPLOAD, f"photo-{i}.jpg", data)
            self.events["uploads"] += 1
            reduced = f"reduced from {PHOTO[0]}×{PHOTO[1]} to {WORKING_SIZE}×{WORKING_SIZE * PHOTO[1] // PHOTO[0]}"
            if run.outcome == "ok" and not any(reduced in text for text in run.texts):
                self.stats.error("upload not shown", f"tab {i}: no {reduced!r} among {run.texts[:4]}")
            if not self.check("upload", run):
                return
            for _ in range(3):
                await asyncio.sleep(min(rng.uniform(2, 5), max(0.0, end - time.monotonic())))
                sent = stride(session, rng)
                run = await session.rerun(change=sent)
                if run.outcome == "ok" and not session.kept(run, STRIDE, sent):
                    self.stats.error("not applied", f"upload tab {i}: stride did not come back")
                if not self.check("upload change", run):
                    return
        finally:
            await session.ws.close()
