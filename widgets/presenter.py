"""Presenter mode: one switch (``present=1`` in a link) that turns a page into a slide.

In presenter mode the sidebar and Streamlit's header go away, the page uses the whole
width, and a page's controls fold into a compact bar of pop-overs above its figure, so the
figure fits a 1280×720 projector without scrolling. Out of it, the same controls sit in
tabs where the page puts them. Either way the controls keep their keys and values
(:mod:`widgets.url_state`), so switching loses nothing.

"Copy link for the class" copies the page's link, every setting in it, with ``present=1``.
It runs in the browser: the link is the one in the address bar, whatever host the class
reached the server by. The same component, on every page, keeps chart toolbars out of the
keyboard's tab order.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from .url_state import Scope, Setting

PRESENT_SETTINGS = {"present": Setting(False)}

_SLIDE_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1.25rem 1rem; max-width: 100%; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
</style>"""

_LABEL = "Copy link for the class"
_HTML = f'<button type="button" class="copy" aria-live="polite">{_LABEL}</button>'

_CSS = """
:host { display: block; }
.copy { font: inherit; font-family: var(--st-font); color: var(--st-text-color); background: transparent;
        min-height: 2.5rem; width: 100%; padding: .25rem .75rem; cursor: pointer; white-space: nowrap;
        border: 1px solid var(--st-border-color); border-radius: var(--st-base-radius); }
.copy:hover, .copy:focus-visible { border-color: var(--st-primary-color); color: var(--st-primary-color);
                                    outline: none; }
"""

# A school server is often reached over plain http, where the Clipboard API is missing: then
# the older copy command, and failing that the link itself in a prompt, selected, to copy by hand.
_JS = """
export default function ({ parentElement, data }) {
  const button = parentElement.querySelector(".copy");
  const said = (text) => { button.textContent = text; setTimeout(() => { button.textContent = data.label; }, 2000); };
  button.onclick = async () => {
    const url = new URL(window.location.href);
    url.searchParams.set("present", "1");
    const link = url.toString();
    try {
      await navigator.clipboard.writeText(link);
      return said("Copied ✓");
    } catch (e) { /* fall through */ }
    const box = document.createElement("textarea");
    box.value = link;
    document.body.appendChild(box);
    box.select();
    const copied = document.execCommand && document.execCommand("copy");
    box.remove();
    if (copied) said("Copied ✓"); else window.prompt("The link for the class:", link);
  };
  // Chart toolbars are for the mouse: keep their eight buttons per chart out of the tab order.
  if (!window.convvizToolbars) {
    const quiet = () => {
      for (const b of document.querySelectorAll(".modebar-btn:not([tabindex='-1'])")) b.setAttribute("tabindex", "-1");
    };
    window.convvizToolbars = new MutationObserver(quiet);
    window.convvizToolbars.observe(document.body, { childList: true, subtree: true });
    quiet();
  }
}
"""

_copy_link = st.components.v2.component("convviz_copy_link", html=_HTML, css=_CSS, js=_JS)


def presenting(scope: Scope) -> bool:
    """Whether the page is in presenter mode (its setting ``present``)."""
    return bool(scope.value("present"))


def control_bar(scope: Scope, labels: Sequence[str], parent: DeltaGenerator | None = None) -> list[DeltaGenerator]:
    """Containers for a page's groups of controls, and the presenter switch.

    Out of presenter mode: tabs named `labels` in `parent` (the main area if ``None``), and
    the switch and the copy button in the sidebar. In presenter mode: the page styled as a
    slide, and one pop-over per label in a bar across the top, the switch and the copy
    button at its end.
    """
    if not presenting(scope):
        with st.sidebar:
            _switch(scope)
        return list((parent or st).tabs(list(labels))) if labels else []
    st.html(_SLIDE_CSS)
    widths = [max(1.0, len(label) / 15) for label in labels] or [4.6]    # long labels whole, not cut
    cells = st.columns(widths + [1.3, 1.6], vertical_alignment="center")
    groups = [cell.popover(label, use_container_width=True) for cell, label in zip(cells, labels)]
    with cells[-2]:
        _switch(scope)
    with cells[-1]:
        _copy(scope)
    return groups


def _switch(scope: Scope) -> None:
    st.toggle("Presenter mode", **scope.bind("present"),
              help="A slide for a projector: controls fold into a bar above large figures. "
                   "Keys on the step-by-step figures: Space play/pause, ← → one step, Home/End, + − speed.")
    if not presenting(scope):
        _copy(scope)


def _copy(scope: Scope) -> None:
    _copy_link(key=scope.key("copy"), data={"label": _LABEL})
