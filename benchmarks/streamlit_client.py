"""A browser tab as Streamlit's frontend is one, in a few hundred lines: for benchmarks/load.py.

It speaks Streamlit's own protocol: GETs `/` and `/_stcore/health` for the cookies (nginx's
sticky one, Streamlit's `_streamlit_xsrf`), opens the websocket `/_stcore/stream` with the
subprotocols `streamlit` and the XSRF token, and sends each run as a `BackMsg.rerun_script` whose
`ClientState` holds the query string, the page's script hash, every widget's value and the hashes
of the big messages the tab keeps. A run ends at the `script_finished` of a run that started
after the request.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException


RUN_TIMEOUT = 30.0
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


def widget_state(kind: str, w) -> WidgetState | None:
    """What the browser holds for a widget just drawn; None for buttons, charts and the like."""
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
    outcome: str = "ok"  # or "timeout", "lost"
    problems: list[str] = field(default_factory=list)
    widgets: dict[str, tuple[str, object]] = field(default_factory=dict)  # key → (kind, proto)


class Session:
    """One browser tab: its websocket, and what the tab remembers between runs."""

    def __init__(self, address: str) -> None:
        self.address, self.query, self.page = address, "", ""
        self.pages: dict[str, str] = {}                    # URL path → page script hash
        self.links: dict[str, tuple[str, str]] = {}        # st.page_link's page → (hash, query)
        self.widgets: dict[str, tuple[str, object]] = {}   # as the last run drew them
        self.defaults: dict[str, WidgetState] = {}         # as the first run drew them (an empty URL)
        self.cache: dict[str, list] = {}                   # message hash → [message, run last used]
        self.runs, self.max_age, self.backends = 0, 2, set()

    async def connect(self) -> None:
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar))

        def fetch() -> None:
            for path in ("/", "/_stcore/health"):
                with opener.open(f"http://{self.address}{path}", timeout=RUN_TIMEOUT) as response:
                    response.read()
                    self.backends.add(response.headers.get("X-Convviz-Backend"))

        await asyncio.to_thread(fetch)
        cookies = {c.name: c.value for c in jar}
        token = cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")  # what the frontend sends without one
        self.ws = await connect(
            f"ws://{self.address}/_stcore/stream", subprotocols=["streamlit", token], proxy=None, max_size=None,
            open_timeout=RUN_TIMEOUT, ping_timeout=RUN_TIMEOUT,
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None)
        self.backends.add(self.ws.response.headers.get("X-Convviz-Backend"))

    async def rerun(self, change: WidgetState | None = None, page: str | None = None, query: str | None = None) -> Run:
        """Send one change, or a switch to `page` (at `query`), and read until its run finishes."""
        msg = BackMsg()
        state = msg.rerun_script
        if query is not None:  # the browser's URL changes with the page
            self.query = query
        state.query_string, state.page_script_hash = self.query, self.page if page is None else page
        if page is None:  # a switch sends no widgets: nothing is drawn outside the page
            for kind, w in self.widgets.values():
                s = change if change is not None and change.id == w.id else widget_state(kind, w)
                if s is not None:
                    state.widget_states.widgets.append(s)
        state.cached_message_hashes.extend(self.cache)
        state.context_info.timezone, state.context_info.locale = "UTC", "en-GB"
        run, started = Run(), set()
        start = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            async with asyncio.timeout(RUN_TIMEOUT):
                while not self._read(await self.ws.recv(), run, started):
                    pass
        except TimeoutError:
            run.outcome = "timeout"
        except (WebSocketException, OSError):
            run.outcome = "lost"
        run.ms = 1e3 * (time.perf_counter() - start)
        if run.outcome == "ok":
            self.widgets = run.widgets
            self.defaults = self.defaults or {k: widget_state(*v) for k, v in run.widgets.items()}
        return run

    def _read(self, data: bytes, run: Run, started: set[str]) -> bool:
        """Take in one ForwardMsg; True when it ends the run."""
        run.bytes += len(data)
        msg = ForwardMsg.FromString(data)
        if msg.WhichOneof("type") == "ref_hash":
            if msg.ref_hash not in self.cache:
                run.problems.append("cache miss: a ref_hash to a message never received")
                return False
            self.cache[msg.ref_hash][1] = self.runs
            msg = self.cache[msg.ref_hash][0]
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = [msg, self.runs]
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # every run starts with one, a run that st.rerun() starts too
            started.add(msg.metadata.run.script_run_id)
            run.widgets = {}
            self.max_age = msg.new_session.config.max_cached_message_age or self.max_age
        elif kind == "navigation":
            self.page = msg.navigation.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            run.problems.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            run.problems.append(f"exception: {msg.session_event.script_compilation_exception.message}")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            what = msg.delta.new_element.WhichOneof("type")
            w = getattr(msg.delta.new_element, what)
            if what == "exception":
                run.problems.append(f"exception: {w.type}: {w.message}")
            elif what == "page_link":
                self.links[w.page] = (w.page_script_hash, w.query_string)
            elif getattr(w, "id", "").startswith("$$ID-"):  # "$$ID-<hash>-<key>"
                run.widgets[w.id.split("-", 2)[2]] = (what, w)
        elif kind == "script_finished" and msg.script_finished in FINISHED:
            if msg.metadata.run.script_run_id and msg.metadata.run.script_run_id not in started:
                return False  # the end of a run from before this request
            self.runs += 1  # the frontend forgets what it has not used for max_age runs
            self.cache = {h: e for h, e in self.cache.items() if self.runs - e[1] <= self.max_age}
            return True
        return False
