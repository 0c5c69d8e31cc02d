"""A browser tab as Streamlit's frontend is one, in a few hundred lines: for benchmarks/load.py.

It speaks Streamlit's own protocol: GETs `/` and `/_stcore/health` for the cookies (nginx's
sticky one, Streamlit's `_streamlit_xsrf`), opens the websocket `/_stcore/stream` with the
subprotocols `streamlit` and the XSRF token, and sends each run as a `BackMsg.rerun_script` whose
`ClientState` holds the query string, the page's script hash, every widget's value and the hashes
of the big messages the tab keeps. A run ends at the `script_finished` of a run that started
after the request.

Besides a student's clicks it does what a tab does in the fault scenarios of `faults.py`: close in
the middle of a run, send many changes without waiting, lose its connection and come back with its
session id (the third subprotocol, as the frontend's `getSessionTokens` sends it), and drop a file
on a `file_uploader` (a `file_urls_request` for an upload URL, a multipart PUT to
`/_stcore/upload_file/<session id>/<file id>` with the `X-Xsrftoken` header, then a rerun whose
widget state names the file).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from urllib.parse import parse_qs

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException


RUN_TIMEOUT = 30.0
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


def widget_state(kind: str, w) -> WidgetState | None:
    """The value a widget is drawn with: the run's own if it set one, else its default.

    None for buttons, charts and the like. The browser takes it for a widget it has not held
    before, or when the run set a value (``set_value``); otherwise it keeps its own
    (:attr:`Session.values`).
    """
    s = WidgetState(id=w.id)
    if kind == "slider" and w.type == w.SELECT_SLIDER:  # sent as the options' labels
        s.string_array_value.data.extend(w.raw_value if w.set_value else [w.options[int(i)] for i in w.default])
    elif kind == "slider":
        s.double_array_value.data.extend(w.value if w.set_value else w.default)
    elif kind in ("selectbox", "radio"):
        if not w.set_value and not w.HasField("default"):
            return None
        s.string_value = w.raw_value if w.set_value else w.options[w.default]
    elif kind == "number_input":
        value = w.value if w.set_value else w.default
        if w.data_type == w.INT:
            s.int_value = int(value)
        else:
            s.double_value = value
    elif kind == "checkbox":
        s.bool_value = w.value if w.set_value else w.default
    elif kind == "multiselect":
        s.string_array_value.data.extend(w.raw_values if w.set_value else [w.options[i] for i in w.default])
    else:
        return None
    return s


@dataclass
class Run:
    """What one rerun cost and showed."""

    ms: float = 0.0
    bytes: int = 0
    outcome: str = "ok"  # or "timeout", "lost", "upload refused"
    why: str = ""  # what refused it, for an outcome that is not "ok"
    problems: list[str] = field(default_factory=list)
    widgets: dict[str, tuple[str, object]] = field(default_factory=dict)  # key → (kind, proto)
    values: dict[str, WidgetState | None] = field(default_factory=dict)  # key → what the tab then holds
    texts: list[str] = field(default_factory=list)  # Markdown and captions drawn, for checks
    session_id: str = ""  # the server's session, as the run's new_session names it
    finished: bool = False  # False for a run read only until it began, or cut short


@dataclass
class Stats:
    """Everything a group of tabs saw."""

    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    bytes: int = 0
    errors: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    per_backend: Counter = field(default_factory=Counter)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, detail)

    def record(self, action: str, run: Run) -> None:
        self.bytes += run.bytes
        if run.outcome == "ok":
            self.ms[action].append(run.ms)
        else:
            self.error(run.outcome, f"{action} after {run.ms / 1e3:.1f} s" + (f": {run.why}" if run.why else ""))
        for problem in run.problems:
            self.error(problem.split(":")[0], f"{action}: {problem}")


class Session:
    """One browser tab: its websocket, and what the tab remembers between runs."""

    def __init__(self, address: str) -> None:
        self.address, self.query, self.page, self.session_id = address, "", "", ""
        self.pages: dict[str, str] = {}                    # URL path → page script hash
        self.links: dict[str, tuple[str, str]] = {}        # st.page_link's page → (hash, query)
        self.widgets: dict[str, tuple[str, object]] = {}   # as the last run drew them
        self.values: dict[str, WidgetState] = {}           # widget id → the value the tab holds, files dropped too
        self.defaults: dict[str, WidgetState] = {}         # as the first run drew them (an empty URL)
        self.cache: dict[str, list] = {}                   # message hash → [message, run last used]
        self.file_urls: dict[str, object] = {}             # file_urls_request id → its FileURLsResponse
        self.runs, self.max_age, self.backends = 0, 2, set()
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                  urllib.request.HTTPCookieProcessor(self.jar))

    async def connect(self, resume: bool = False) -> None:
        """Open the tab; `resume`: open a new websocket to the same session, as after a network drop.

        A tab that resumes keeps its cookies and asks only `/_stcore/health`, as the frontend's
        reconnect does, then names its session id in the subprotocols.
        """
        def fetch() -> None:
            for path in ("/_stcore/health",) if resume else ("/", "/_stcore/health"):
                with self.opener.open(f"http://{self.address}{path}", timeout=RUN_TIMEOUT) as response:
                    response.read()
                    self.backends.add(response.headers.get("X-Convviz-Backend"))

        await asyncio.to_thread(fetch)
        cookies = {c.name: c.value for c in self.jar}
        self.token = cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")  # what the frontend sends without one
        self.ws = await connect(
            f"ws://{self.address}/_stcore/stream", proxy=None, max_size=None, open_timeout=RUN_TIMEOUT,
            subprotocols=["streamlit", self.token, *([self.session_id] if resume and self.session_id else [])],
            ping_timeout=RUN_TIMEOUT,
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None)
        self.backends.add(self.ws.response.headers.get("X-Convviz-Backend"))

    def value(self, key: str) -> WidgetState | None:
        """What the tab holds for the widget the last run drew as `key`."""
        return self.values.get(self.widgets[key][1].id)

    def kept(self, run: Run, key: str, sent: WidgetState) -> bool:
        """Whether `run` kept the change `sent` to the widget drawn as `key`.

        The tab holds it, and the page's URL names the setting unless it is back at its default.
        """
        in_url = key.rsplit(".", 1)[1] in parse_qs(self.query)
        return run.values.get(key) == sent and in_url == (sent != self.defaults.get(key))

    def drop(self) -> None:
        """Lose the connection as a network does: no close frame, the socket just ends."""
        self.ws.transport.abort()

    async def rerun(self, change: WidgetState | None = None, page: str | None = None, query: str | None = None,
                    until: str = "finished") -> Run:
        """Send one change, or a switch to `page` (at `query`), and read until its run finishes.

        `until="started"` returns as soon as the run has begun (for a tab that closes mid-run).
        """
        run, started = Run(), set()
        start = time.perf_counter()
        try:
            await self.ws.send(self._message(change, page, query))
            async with asyncio.timeout(RUN_TIMEOUT):
                while not self._read(await self.ws.recv(), run, started) and not (until == "started" and started):
                    pass
        except TimeoutError:
            run.outcome = "timeout"
        except (WebSocketException, OSError):
            run.outcome = "lost"
        return self._finish(run, start)

    async def burst(self, changes: list[WidgetState], seconds: float, shows: tuple[str, str]) -> Run:
        """Send `changes` to one widget over `seconds`, not waiting; read until the last one has run.

        The run ends at the first finished run that began after the last change and whose URL
        holds `shows`, the setting only the last change gives (``("stride", "4")``): a widget
        drawn without a value of its own shows what the tab holds, so only the page's settings
        tell which change a run followed. `ms` counts from the last change.
        """
        run, started = Run(), set()
        name, value = shows

        async def send() -> float:
            for i, change in enumerate(changes):
                await asyncio.sleep(0 if i == 0 else seconds / (len(changes) - 1))
                if i == len(changes) - 1:  # only a run that starts after the last change can show it,
                    started.clear()        # and it may start before `send` returns
                    last_sent = time.perf_counter()
                # Built as it is sent, as the browser does: the messages it holds change as runs end.
                await self.ws.send(self._message(change, None, None))
            return last_sent

        sender = asyncio.create_task(send())
        try:
            async with asyncio.timeout(seconds + RUN_TIMEOUT):
                while not (self._read(await self.ws.recv(), run, started) and sender.done()
                           and parse_qs(self.query).get(name) == [value]):
                    pass
        except TimeoutError:
            run.outcome = "timeout"
        except (WebSocketException, OSError):
            run.outcome = "lost"
        if not sender.done():
            sender.cancel()
        sent = sender.done() and not sender.cancelled() and sender.exception() is None
        return self._finish(run, sender.result() if sent else time.perf_counter())

    async def upload(self, key: str, name: str, data: bytes, mime: str = "image/jpeg") -> Run:
        """Drop a file on the `file_uploader` drawn as `key`, as the browser does, and read its run."""
        start, request = time.perf_counter(), BackMsg()
        ask = request.file_urls_request
        ask.request_id, ask.session_id = str(uuid.uuid4()), self.session_id
        ask.file_names.append(name)
        try:
            await self.ws.send(request.SerializeToString())
            async with asyncio.timeout(RUN_TIMEOUT):
                while ask.request_id not in self.file_urls:
                    self._read(await self.ws.recv(), Run(), set())
            urls = self.file_urls.pop(ask.request_id).file_urls[0]
            await asyncio.to_thread(self._put, urls.upload_url, name, data, mime)
        except (TimeoutError, WebSocketException, OSError) as exc:  # urllib's HTTPError is an OSError
            return Run(ms=1e3 * (time.perf_counter() - start), outcome="upload refused", why=repr(exc))
        value = WidgetState(id=self.widgets[key][1].id)
        info = value.file_uploader_state_value.uploaded_file_info.add()
        info.name, info.size, info.file_id = name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        run = await self.rerun(change=value)
        run.ms = 1e3 * (time.perf_counter() - start)
        return run

    def _put(self, url: str, name: str, data: bytes, mime: str) -> None:
        boundary = uuid.uuid4().hex
        body = b"".join([f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                         f"Content-Type: {mime}\r\n\r\n".encode(), data, f"\r\n--{boundary}--\r\n".encode()])
        put = urllib.request.Request(
            f"http://{self.address}{url}" if url.startswith("/") else url, data=body, method="PUT",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": self.token})
        with self.opener.open(put, timeout=RUN_TIMEOUT) as response:
            response.read()

    def _message(self, change: WidgetState | None, page: str | None, query: str | None) -> bytes:
        """The BackMsg of a rerun: the URL, the page, every widget's value with `change` applied."""
        msg = BackMsg()
        state = msg.rerun_script
        if query is not None:  # the browser's URL changes with the page
            self.query = query
        state.query_string, state.page_script_hash = self.query, self.page if page is None else page
        if page is None:  # a switch sends no widgets: nothing is drawn outside the page
            for _, w in self.widgets.values():
                s = change if change is not None and change.id == w.id else self.values.get(w.id)
                if s is not None:
                    state.widget_states.widgets.append(s)
            if change is not None:   # the tab now holds what the student chose
                self.values[change.id] = change
        state.cached_message_hashes.extend(self.cache)
        state.context_info.timezone, state.context_info.locale = "UTC", "en-GB"
        return msg.SerializeToString()

    def _finish(self, run: Run, start: float) -> Run:
        run.ms = 1e3 * (time.perf_counter() - start)
        if run.outcome == "ok" and run.finished:
            self.widgets = run.widgets
            self.values = {w.id: run.values[k] for k, (_, w) in run.widgets.items() if run.values[k] is not None}
            self.defaults = self.defaults or dict(run.values)
        return run

    def _read(self, data: bytes, run: Run, started: set[str]) -> bool:
        """Take in one ForwardMsg; True when it ends the run."""
        run.bytes += len(data)
        msg = ForwardMsg.FromString(data)
        if msg.WhichOneof("type") == "ref_hash":
            if msg.ref_hash not in self.cache:
                run.problems.append("cache miss: a reference to a message the tab does not hold (fatal in a browser)")
                return False
            self.cache[msg.ref_hash][1] = self.runs
            msg = self.cache[msg.ref_hash][0]
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = [msg, self.runs]
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # every run starts with one, a run that st.rerun() starts too
            started.add(msg.metadata.run.script_run_id)
            run.widgets, run.values, run.texts = {}, {}, []
            run.session_id = self.session_id = msg.new_session.initialize.session_id
            self.max_age = msg.new_session.config.max_cached_message_age or self.max_age
        elif kind == "navigation":
            self.page = msg.navigation.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "file_urls_response":
            self.file_urls[msg.file_urls_response.response_id] = msg.file_urls_response
        elif kind == "page_not_found":
            run.problems.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            run.problems.append(f"exception: {msg.session_event.script_compilation_exception.message}")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            what = msg.delta.new_element.WhichOneof("type")
            w = getattr(msg.delta.new_element, what)
            if what == "exception":
                run.problems.append(f"exception: {w.type}: {w.message}")
            elif what == "markdown":
                run.texts.append(w.body)
            elif what == "page_link":
                self.links[w.page] = (w.page_script_hash, w.query_string)
            elif getattr(w, "id", "").startswith("$$ID-"):  # "$$ID-<hash>-<key>"
                key, held = w.id.split("-", 2)[2], self.values.get(w.id)
                run.widgets[key] = (what, w)
                run.values[key] = widget_state(what, w) if getattr(w, "set_value", False) or held is None else held
        elif kind == "script_finished" and msg.script_finished in FINISHED:
            if msg.metadata.run.script_run_id and msg.metadata.run.script_run_id not in started:
                return False  # the end of a run from before this request
            self.runs += 1  # the frontend forgets what it has not used for max_age runs
            self.cache = {h: e for h, e in self.cache.items() if self.runs - e[1] <= self.max_age}
            run.finished = True
            return True
        return False
