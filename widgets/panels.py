"""The Playground's input and feature-map panels, built once per setting for every session.

Figures are kept as data (a Figure object breaks ``/_stcore/metrics``' sizing): colouring and
encoding a 512-pixel panel takes about 2 ms, and a class keeps coming back to the same
settings. Images are sent at twice the size they are drawn at (2× screens). The input has no
window drawn on it: the same figure every run, so the browser keeps it (the inspector's
thumbnail shows the window).

A figure was validated once, when it was built: each run hands ``st.plotly_chart`` a Figure
made from the cached dict without validating it again, which ``st.plotly_chart`` does to a dict
(1.4 ms a panel, three panels a run). Every session gets its own copy of each trace: making a
Figure takes a trace's ``"type"`` out of its dict and puts it back, and two sessions drawing the
same cached dict at once would see it missing ("Invalid property 'source' for Scatter").

Examples
--------
>>> shared = {"data": [{"type": "image", "source": "data:,"}], "layout": {}}
>>> drawable(shared).data[0].source, shared["data"][0]["type"]
('data:,', 'image')
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from convviz.figures.playground import colour_map, image_figure, jpeg_uri, screen_side


def drawable(figure: dict) -> go.Figure:
    """A `figure` that was validated when it was built, as this session's Figure (made from trace
    dicts of its own), not validated again."""
    return go.Figure({**figure, "data": [dict(trace) for trace in figure["data"]]}, _validate=False)


@st.cache_resource(max_entries=16, ttl=600, show_spinner=False)
def _input_figure(image_key: str, colour: str, _shown: np.ndarray, title: str, width: int) -> dict:
    uri = jpeg_uri(_shown, 2 * screen_side(_shown.shape[:2], width))
    return image_figure(uri, _shown.shape[:2], title, width=width).to_dict()


def input_figure(image_key: str, colour: str, shown: np.ndarray, title: str, width: int) -> go.Figure:
    """The input panel of the image `image_key` names, as this session's copy."""
    return drawable(_input_figure(image_key, colour, shown, title, width))


@st.cache_resource(max_entries=64, ttl=600, show_spinner=False)
def _map_figure(run: tuple, _fmap: np.ndarray, display: str, title: str, marker: tuple | None, width: int) -> dict:
    rgb, bar = coloured(_fmap, display)
    uri = jpeg_uri(rgb, 2 * screen_side(_fmap.shape[1:], width))
    return image_figure(uri, _fmap.shape[1:], title, bar, marker, width).to_dict()


def map_figure(run: tuple, fmap: np.ndarray, display: str, title: str, marker: tuple | None,
               width: int) -> go.Figure:
    """The panel of the feature map `run` names (run_layer's arguments and the map's number), as this
    session's copy."""
    return drawable(_map_figure(run, fmap, display, title, marker, width))


def coloured(fmap: np.ndarray, display: str) -> tuple[np.ndarray, dict | None]:
    """A map's colours for `display`, and its colour bar."""
    return colour_map(fmap if fmap.shape[0] == 3 else fmap[0], display)
