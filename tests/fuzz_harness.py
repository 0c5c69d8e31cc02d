"""The fuzz tests' harness: run a page, do what a user does, note every distinct problem.

A probe (a test in ``tests/test_fuzz_*.py``, seeded so that a failure replays) keeps a
:class:`Trail` of what it did. A failure lists every distinct exception with the page, the
seed, the actions that led to it and the app's line;
``pytest tests/test_fuzz_*.py -k "<test id>"`` reruns it.

:func:`send` reruns a page as the browser would. That needs AppTest's private
``_tree.get_widget_states`` and ``_run`` (only in :func:`send`); a download is built by the
media file manager AppTest makes for each run, kept by :class:`RecordingMediaFiles` (a test
file that downloads imports the autouse fixture :func:`record_media_files`).
"""

from __future__ import annotations

import traceback
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.testing.v1.element_tree import UnknownElement

from apptest import ROOT, open_page, open_page_alone

PAGES = {"playground": "pages/playground.py", "step_by_step": "pages/step_by_step.py", "shapes": "pages/shapes.py",
         "practice": "pages/practice.py", "volumes": "pages/volumes.py", "sequences": "pages/sequences.py"}


def open_fast(page: str, query: dict[str, str] | None = None) -> AppTest:
    """The page, run as quickly as it can be.

    The Playground links to Step by step with ``st.page_link``, which needs app.py's
    ``st.navigation``: run alone it raises StreamlitPageNotFoundError. Through app.py it
    is a single run all the same.
    """
    if page == "playground":
        return open_page(PAGES[page], query)
    return open_page_alone(PAGES[page], query)


@dataclass
class Trail:
    """What one probe did, in order, and every distinct problem it met on the way."""

    name: str
    steps: list[str] = field(default_factory=list)
    found: dict[tuple[str, str], str] = field(default_factory=dict)
    times: Counter = field(default_factory=Counter)

    def did(self, what: str) -> None:
        self.steps.append(what if len(what) < 500 else what[:499] + "…")

    def check(self, at: AppTest) -> None:
        """Note each exception on the page (the same exception again is noted once)."""
        for exc in at.exception:
            self.note(exc.message, app_line("\n".join(exc.stack_trace)), "\n".join(exc.stack_trace))

    def note(self, message: str, where: str, stack: str = "", key: tuple[str, str] | None = None) -> None:
        key = key or (message.split("\n")[0][:200], where)
        self.times[key] += 1
        if key not in self.found:
            recent = "\n    ".join(self.steps[-10:])
            frames = "\n".join(line for line in stack.splitlines() if line.strip())
            self.found[key] = (f"{self.name}: {message[:1000]}\n  at {where}\n  after {len(self.steps)} action(s), "
                               f"the last:\n    {recent}" + (f"\n  traceback:\n{frames}" if frames else ""))

    def done(self) -> None:
        if self.found:
            found = [f"{text}\n  (met {self.times[key]} time(s) in this test)" for key, text in self.found.items()]
            pytest.fail(f"{len(found)} distinct problem(s):\n\n" + "\n\n".join(found), pytrace=False)


def app_line(stack: str) -> str:
    """The innermost frame of the app's own code (not Streamlit's, not the tests') in a traceback."""
    frames = [line.strip() for line in stack.splitlines() if line.strip().startswith("File ")]
    mine = [f for f in frames if str(ROOT) in f and "/tests/" not in f and "site-packages" not in f]
    return (mine or frames or ["?"])[-1].replace(str(ROOT) + "/", "")


def element(at: AppTest, key: str, trail: Trail):
    """The element with this key, or None (noted) when the page does not show it."""
    try:
        return at.get_by_key(key)
    except KeyError:
        trail.note(f"the page shows no element with key {key!r}", "-")
        return None


def nodes(at: AppTest) -> Iterator:
    """Every element on the page, the sidebar's too, in page order."""
    stack = [at.main, at.sidebar]
    while stack:
        node = stack.pop(0)
        yield node
        stack[:0] = list(getattr(node, "children", {}).values())


KEPT: weakref.WeakKeyDictionary[AppTest, dict[str, WidgetState]] = weakref.WeakKeyDictionary()


def send(at: AppTest, *states: WidgetState) -> AppTest:
    """Rerun as the browser would: every widget's state, with `states` new.

    AppTest sends the states of the widgets it knows. The chart's selection and the
    canvas's drawing it does not know, but the browser keeps sending them while they are
    shown, so they are kept here and sent again.
    """
    shown = {n.proto.id for n in nodes(at) if isinstance(n, UnknownElement) and hasattr(n.proto, "id")}
    kept = KEPT.setdefault(at, {})
    for state in states:
        if state.id in shown and state.WhichOneof("value") in ("json_value", "string_value"):
            kept[state.id] = state
    for gone in set(kept) - shown:
        del kept[gone]
    new = {s.id: s for s in kept.values()} | {s.id: s for s in states}
    current = at._tree.get_widget_states()
    others = [w for w in current.widgets if w.id not in new]
    del current.widgets[:]
    current.widgets.extend([*others, *new.values()])
    return at._run(current)


class RecordingMediaFiles(MediaFileManager):
    """AppTest's media file manager, kept after the run so a test can fetch a download."""

    latest: MediaFileManager | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        RecordingMediaFiles.latest = self


@pytest.fixture(autouse=True)
def record_media_files(monkeypatch):
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingMediaFiles)


@dataclass
class Action:
    """One thing a user can do now: what it is, how to set it up, and what the browser then sends."""

    what: str
    prepare: Callable[[], object] | None = None
    states: tuple[WidgetState, ...] = ()
    button: str | None = None
    download: object = None
    link: tuple | None = None   # (a page link, the page to come back to)


def download(button) -> None:
    """What the browser's click on a download button makes the server do: build the file."""
    files = RecordingMediaFiles.latest
    if files is None or not button.proto.deferred_file_id:
        return
    try:
        files.execute_deferred(button.proto.deferred_file_id)
    except Exception as exc:  # the browser gets a failed download; the app's error is the cause
        cause = exc.__cause__ or exc
        raise DownloadFailed(f"download {button.key!r}: {cause!r}",
                             "".join(traceback.format_exception(cause))) from exc


class DownloadFailed(Exception):
    def __init__(self, message: str, stack: str) -> None:
        super().__init__(message)
        self.message, self.stack = message, stack


def act(at: AppTest, action: Action, trail: Trail) -> None:
    """Do `action` and note what went wrong: an exception on the page, or a download that failed."""
    trail.did(action.what)
    if action.link is not None:
        follow_and_return(at, *action.link, trail)
        return
    if action.download is not None:
        try:
            download(action.download)
        except DownloadFailed as exc:
            trail.note(exc.message, app_line(exc.stack), exc.stack)
        return
    if action.prepare is not None:
        action.prepare()
    send(at, *action.states)
    trail.check(at)


def follow_and_return(at: AppTest, link, back: str, trail: Trail) -> None:
    """Click a link to another page (the Playground's to Step by step), then go back, as the browser's Back does."""
    query = dict(parse_qsl(link.proto.query_string, keep_blank_values=True))
    back_query = dict(at.query_params)
    for path, params in ((PAGES[link.proto.page], query), (PAGES[back], back_query)):
        at.switch_page(path)
        at.query_params.clear()
        at.query_params.update(params)
        at.run()
        trail.check(at)


def open_link(at: AppTest | None, page: str, link: dict[str, str], trail: Trail) -> AppTest:
    """The page after following `link`: in `at`'s session if given, else in a new one."""
    values = set(link.values())
    shown = (f"every setting ← {next(iter(values))[:80]!r}" if len(link) > 3 and len(values) == 1
             else {k: v[:60] for k, v in link.items()})
    trail.did(f"{'open' if at is None else 'follow'} {PAGES[page]} with link {shown}")
    if at is None:
        at = open_fast(page, link)
    else:
        at.query_params.clear()
        at.query_params.update(link)
        send(at)
    trail.check(at)
    return at
