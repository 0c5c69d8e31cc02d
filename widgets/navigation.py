"""The app's pages, listed once for app.py's navigation, and the check every page starts with.

Each page's URL is its file name (``/shapes`` is ``pages/shapes.py``): the URL Streamlit
itself gives a file in ``pages/``, so a link means the same page however Streamlit
reads it (see :func:`require_app`).
"""

from __future__ import annotations

import streamlit as st

APP_RAN = "app.ran"
PAGE_CONFIG = {"page_title": "convviz: convolution, visualised", "page_icon": "🧮", "layout": "wide"}


def pages() -> list[st.Page]:
    """Every page, the Playground first: it opens at the app's root URL."""
    return [
        st.Page("pages/playground.py", title="Playground", icon=":material/tune:", default=True),
        st.Page("pages/step_by_step.py", title="Step by step", icon=":material/footprint:"),
        st.Page("pages/shapes.py", title="Shape arithmetic", icon=":material/straighten:"),
        st.Page("pages/sequences.py", title="Sequences (1-D)", icon=":material/graphic_eq:"),
        st.Page("pages/volumes.py", title="Volumes (3-D)", icon=":material/view_in_ar:"),
        st.Page("pages/practice.py", title="Practice", icon=":material/school:"),
        st.Page("pages/matrix_view.py", title="Matrix view", icon=":material/grid_on:"),
    ]


def app_ran() -> None:
    """Record that app.py ran in this session (its page config and navigation are in place)."""
    st.session_state[APP_RAN] = True


def require_app() -> None:
    """Rerun through app.py when Streamlit has started this page on its own.

    A freshly started server whose first visitor follows a link to a page runs that
    page's file from ``pages/`` by itself (Streamlit's convention for that folder from
    before ``st.navigation``), without app.py's page config and navigation. Declaring
    the navigation once switches the server to app.py for good; the rerun then goes
    through app.py and lands on the same page, since the URL names the same file.
    """
    if not st.session_state.get(APP_RAN):
        st.set_page_config(**PAGE_CONFIG)   # else the page's own icon is the tab's, fetched from the web
        st.navigation(pages())
        st.rerun()
