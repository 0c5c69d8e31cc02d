"""Page settings that live in the URL, so a shared link restores the exact setup.

Each setting is declared once, as a :class:`Setting`, by the widget or page that owns it,
with its allowed values taken from the engine's constants. A page gathers its owners'
settings in a :class:`PageState`; each owner gets a :class:`Scope`, whose keys are
namespaced by page and owner (``"playground.kernel.bias"``), so two widgets can never
share a key.

The values themselves live in one plain dictionary per page (:data:`MEMORY`), never only
under a widget's key: Streamlit forgets the value of a widget that is not drawn in a run,
and a setting that is hidden (the padding amount while padding is "valid") must keep its
value, in the page and in the link. Each run, :meth:`PageState.restore` fills every
widget's key from that store before anything is drawn; a widget drawn with
``**scope.bind(name)`` copies a change back in its ``on_change`` callback. Code that
changes a setting does it in a callback too (:meth:`Scope.setter`), before the widgets are
drawn. :meth:`PageState.publish` writes the non-default values to the URL.

A URL that differs from what the page itself last published is a link from outside (a
shared link, a link from another page, the browser's Back): it sets every setting, those it
does not name to their defaults. Two such URLs are not: one sent with a control's change, and
the one the page's last run was asked with, sent again (a browser whose connection dropped
while a run changed the page never got that run's URL). Values that do not parse or are out
of range fall back to the default and come back as notices, with the offending text quoted
(:func:`quoted`) so that a link cannot put Markdown or HTML on the page. A setting that was
renamed keeps its old names as `aliases`: a link shared before the rename still sets it, and
the page then publishes the new name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from convviz.kernel_tools import validate_kernel

MEMORY = "url_state.memory"          # {page: {name: value}}: every setting's current value
PUBLISHED = "url_state.published"    # {page: {name: text}}: what the page last wrote to the URL
CHANGED = "url_state.changed"        # the page whose settings a callback changed before this run
ASKED = "url_state.asked"            # {page: {name: text}}: the URL the page's last run was asked with


@dataclass(frozen=True)
class Setting:
    """One URL-backed setting: its default and what values are allowed.

    The default's type is the setting's type: bool, int, float, str, or a tuple of strings
    (written ``a+b`` in the URL, every item one of `choices`, none with a space: a ``+``
    typed into an address bar reaches the app as a space, so a space separates items too).
    `aliases` are names the setting had in links shared earlier; a link that uses the
    setting's own name as well is read by that name. `rewrite`: the setting is shown by widgets
    of two kinds in turn (a radio on a slide, tabs in the page), and a widget of another kind
    does not take over the last one's value, so it is written to its key on every run.
    """

    default: Any
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    check: Callable[[str], object] | None = None  # raises ValueError, never quoting the text, for text it refuses
    aliases: tuple[str, ...] = ()
    rewrite: bool = False

    def parse(self, text: str) -> Any:
        """Turn URL text into a value, or raise ValueError saying why it is not allowed.

        >>> Setting(1, low=1, high=8).parse("3")
        3
        >>> Setting((), choices=("a", "b")).parse("b+a"), Setting((), choices=("a", "b")).parse("a b")
        (('b', 'a'), ('a', 'b'))
        """
        kind = type(self.default)
        if kind is tuple:
            items = tuple(t for t in text.replace(" ", "+").split("+") if t)
            wrong = [t for t in items if t not in self.choices]
            if wrong or len(set(items)) != len(items):
                raise ValueError("not a list of distinct choices")
            return items
        if kind is bool:
            if text not in ("0", "1", "true", "false"):
                raise ValueError("expected 0 or 1")
            value: Any = text in ("1", "true")
        elif kind in (int, float):
            try:
                value = kind(text)
            except ValueError:
                raise ValueError("not a whole number" if kind is int else "not a number") from None
            if kind is float and not np.isfinite(value):
                raise ValueError("not a finite number")
        else:
            value = text
            if self.check is not None and text:
                self.check(text)
        if self.choices and value not in self.choices:
            raise ValueError("not one of the choices")
        if self.low is not None and value < self.low or self.high is not None and value > self.high:
            raise ValueError(f"outside {self.dump(self.low)}…{self.dump(self.high)}")
        return value

    def dump(self, value: Any) -> str:
        """Text for the URL."""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (tuple, list)):
            return "+".join(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def but(self, **changes: Any) -> Setting:
        """The same setting with another default (or bounds) for one page."""
        return replace(self, **changes)

    def same(self, a: Any, b: Any) -> bool:
        """Whether two values of this setting are equal (a list from a widget equals a tuple)."""
        return (tuple(a) == tuple(b)) if isinstance(self.default, tuple) else a == b


@dataclass(frozen=True)
class Labelled(Setting):
    """A choice whose value is its label (a tab's, a radio option's), written in a link by a short name.

    `choices` are the labels and `names` their short names, in the same order. A link may
    give either; the page writes the short name, so a label can change without breaking links.

    >>> s = Labelled("1 · One", choices=("1 · One", "2 · Two"), names=("one", "two"))
    >>> s.parse("two"), s.parse("1 · One"), s.dump("2 · Two")
    ('2 · Two', '1 · One', 'two')
    """

    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, labels: Mapping[str, str]) -> Labelled:
        """The setting for ``{short name: label}``, the first label its default."""
        return cls(next(iter(labels.values())), choices=tuple(labels.values()), names=tuple(labels))

    def parse(self, text: str) -> str:
        return super().parse(dict(zip(self.names, self.choices)).get(text, text))

    def dump(self, value: str) -> str:
        return self.names[self.choices.index(value)]


def quoted(text: object, limit: int = 60) -> str:
    """`text` as inline code, so Markdown shows it literally, however it is made.

    >>> quoted("[Click](https://example.com)")
    '`[Click](https://example.com)`'
    >>> quoted("a`b")
    '``a`b``'
    """
    text = " ".join(str(text).split())
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def encode_weights(kernel: np.ndarray) -> str:
    """``[[1, 0], [0, 1]]`` → ``"1,0;0,1"`` (for the URL)."""
    return ";".join(",".join(f"{v:g}" for v in row) for row in np.asarray(kernel))


def decode_weights(text: str) -> np.ndarray:
    """Inverse of :func:`encode_weights`; raises ValueError for text that is not a grid."""
    try:
        rows = [[float(v) for v in row.split(",")] for row in text.split(";") if row]
    except ValueError:
        raise ValueError("kernel values are not numbers") from None
    if not rows or len({len(r) for r in rows}) != 1:
        raise ValueError("kernel values are not a rectangular grid")
    return validate_kernel(rows)


def _memory(page: str) -> dict[str, Any]:
    return st.session_state.setdefault(MEMORY, {}).setdefault(page, {})


def _history_navigation() -> bool:
    """Whether this run is the browser's Back or Forward (Streamlit's own flag for it)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


@dataclass(frozen=True)
class Scope:
    """The settings one owner (a widget, or the page itself) holds on one page."""

    page: str
    owner: str
    settings: Mapping[str, Setting]

    def key(self, name: str) -> str:
        """Session-state key of a widget, e.g. ``"playground.kernel.bias"``."""
        return f"{self.page}.{self.owner}.{name}"

    def value(self, name: str) -> Any:
        """Current value of one of this owner's settings."""
        return _memory(self.page)[name]

    def bind(self, name: str, then: Callable[[], None] | None = None) -> dict[str, Any]:
        """``key=`` and ``on_change=`` for the widget that shows setting `name`."""
        setting, k = self.settings[name], self.key(name)

        def changed() -> None:
            new = st.session_state[k]
            _memory(self.page)[name] = tuple(new) if isinstance(setting.default, tuple) else new
            st.session_state[CHANGED] = self.page
            if then is not None:
                then()

        return {"key": k, "on_change": changed}

    def set(self, name: str, new: Any) -> None:
        """Change a setting. Only from a callback, or before its widget is drawn this run."""
        self._store(name, new)
        st.session_state[CHANGED] = self.page

    def _store(self, name: str, new: Any) -> None:
        _memory(self.page)[name] = new
        st.session_state[self.key(name)] = new

    def setter(self, **values: Any) -> Callable[[], None]:
        """A callback (for ``on_click``) that sets these settings."""
        def apply() -> None:
            for name, new in values.items():
                self.set(name, new)
        return apply

    def clamp(self, name: str, low: Any, high: Any) -> Any:
        """Bring a setting inside the range its widget allows now (drawn after this call)."""
        current = self.value(name)
        if current < low or current > high:
            self._store(name, min(max(current, low), high))
        return self.value(name)


class PageState:
    """All the URL-backed settings of one page, grouped by their owners.

    >>> s = PageState("demo", layer={"stride": Setting(1)}, page={"step": Setting(1)})
    >>> s.scope("layer").key("stride")
    'demo.layer.stride'
    >>> renamed = PageState("demo", layer={"stride_2": Setting(1, aliases=("stride_w",))})
    >>> renamed.link_name("stride_2", {"stride_w": "3"})
    'stride_w'
    """

    def __init__(self, page: str, /, **owners: Mapping[str, Setting]) -> None:
        self.page = page
        self.scopes = {owner: Scope(page, owner, settings) for owner, settings in owners.items()}
        self.settings: dict[str, Setting] = {}
        taken: set[str] = set()
        for settings in owners.values():
            for name, setting in settings.items():
                for used in (name, *setting.aliases):
                    if used in taken:
                        raise ValueError(f"page {page!r} declares the URL name {used!r} twice")
                    taken.add(used)
                self.settings[name] = setting

    def link_name(self, name: str, params: Mapping[str, str]) -> str | None:
        """Which name setting `name` has in the link `params`: its own, else its first alias there."""
        return next((n for n in (name, *self.settings[name].aliases) if n in params), None)

    def scope(self, owner: str) -> Scope:
        """The scope that `owner` draws its widgets with."""
        return self.scopes[owner]

    def restore(self) -> list[str]:
        """Bring every setting up to date, then fill each widget's key that does not hold it already.

        Runs before the page draws any widget. Returns a notice per link value that was not
        allowed and fell back to the default. A key the script writes makes its widget arrive
        with a value of its own, which the browser then draws again: writing all 22 keys on
        every Playground run cost 30–40 ms of a kernel change (median 301 → 265 ms, side by
        side in Chromium). A widget keeps its value while its kind and identifying arguments
        (a slider's bounds) stay the same; a setting whose widget changes kind is
        :attr:`Setting.rewrite`.
        """
        memory = _memory(self.page)
        published = st.session_state.setdefault(PUBLISHED, {}).get(self.page)
        params = st.query_params.to_dict()
        notices = []
        # A run a control started is never a link, even if its URL is older than the page's last
        # one (a browser that reconnects resends its change with the URL it last received). Nor is
        # a URL the browser already sent last time, unless it went back or forward to it: a run
        # cut off by a dropped connection changed the page, and its URL never arrived.
        clicked = st.session_state.pop(CHANGED, None) == self.page
        asked = st.session_state.setdefault(ASKED, {})
        again = asked.get(self.page) == params and not _history_navigation()
        asked[self.page] = params
        from_link = published is None or (bool(params) and params != published and not clicked and not again)
        for name, setting in self.settings.items():
            if from_link or name not in memory:
                memory[name] = setting.default
                given = self.link_name(name, params)
                if given is not None:
                    try:
                        memory[name] = setting.parse(params[given])
                    except ValueError as exc:
                        notices.append(f"The link's value {quoted(params[given])} for {given} was ignored ({exc}); "
                                       f"using {quoted(setting.dump(setting.default))}.")
        for scope in self.scopes.values():
            for name, setting in scope.settings.items():
                value, key = memory[name], scope.key(name)
                if setting.rewrite or key not in st.session_state or not setting.same(st.session_state[key], value):
                    st.session_state[key] = list(value) if isinstance(value, tuple) else value
        return notices

    def publish(self) -> None:
        """Write the page's non-default settings to the URL (hidden ones too)."""
        memory = _memory(self.page)
        wanted = {name: setting.dump(memory[name]) for name, setting in self.settings.items()
                  if not setting.same(memory[name], setting.default)}
        st.session_state.setdefault(PUBLISHED, {})[self.page] = wanted
        st.session_state.pop(CHANGED, None)     # what this run changed is in `wanted`; only callbacks mark again
        # Always written, even when the URL this run was asked with says the same: a run cut off by a
        # dropped connection can still deliver its URL after the browser reconnected and asked again,
        # and the last run's URL must be the one the browser keeps. (It adds a history entry only
        # when the address changes.)
        st.query_params.from_dict(wanted)

    def values(self, *owners: str) -> dict[str, str]:
        """Every setting of these owners as URL text, defaults too: for a link to another page."""
        memory = _memory(self.page)
        return {name: setting.dump(memory[name]) for owner in owners
                for name, setting in self.scopes[owner].settings.items()}
