"""The Playground's input and feature-map panels, built once per setting for every session.

Figures are kept as data (a Figure object breaks ``/_stcore/metrics``' sizing): colouring and
encoding a 512-pixel panel takes about 2 ms, and a class keeps coming back to the same
settings. Images are sent at twice the size they are drawn at (2× screens). The input has no
window drawn on it: the same figure every run, so the browser keeps it (the inspector's
thumbnail shows the window).

A kept figure is a dict already as Plotly's validation writes it (see
:func:`~convviz.figures.playground.image_spec`). Handed to ``st.plotly_chart`` as a dict it
would be validated again, as a Figure copied trace by trace (1.0 ms a panel, four panels a run):
:class:`Drawn` hands it over as it is (0.03 ms). Nothing changes the kept dict, so sessions
drawing it at once share it safely.

Examples
--------
>>> shared = {"data": [{"type": "image", "source": "data:,"}], "layout": {}}
>>> Drawn(shared).to_dict() is shared
True
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from convviz.figures.playground import colour_map, image_spec, jpeg_uri, screen_side


class Drawn(go.Figure):
    """A figure dict that needs no validation, as the Figure ``st.plotly_chart`` takes.

    ``st.plotly_chart`` sends what a Figure's ``to_dict()`` returns; this one returns the dict
    itself. It is no Figure to work on: ``BaseFigure.__init__``, which would copy and wrap every
    trace, never runs.
    """

    def __init__(self, spec: dict) -> None:
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


@st.cache_resource(max_entries=16, ttl=600, show_spinner=False)
def _input_figure(image_key: str, colour: str, _shown: np.ndarray, title: str, width: int) -> dict:
    uri = jpeg_uri(_shown, 2 * screen_side(_shown.shape[:2], width))
    return image_spec(uri, _shown.shape[:2], title, width=width)


def input_figure(image_key: str, colour: str, shown: np.ndarray, title: str, width: int) -> Drawn:
    """The input panel of the image `image_key` names."""
    return Drawn(_input_figure(image_key=image_key, colour=colour, _shown=shown, title=title, width=width))


@st.cache_resource(max_entries=64, ttl=600, show_spinner=False)
def _map_figure(run: tuple, _fmap: np.ndarray, display: str, title: str, marker: tuple | None, width: int) -> dict:
    rgb, bar = coloured(_fmap, display)
    uri = jpeg_uri(rgb, 2 * screen_side(_fmap.shape[1:], width))
    return image_spec(uri, _fmap.shape[1:], title, bar, marker, width)


def map_figure(run: tuple, fmap: np.ndarray, display: str, title: str, marker: tuple | None, width: int) -> Drawn:
    """The panel of the feature map `run` names (the layer's key and the map's number)."""
    return Drawn(_map_figure(run=run, _fmap=fmap, display=display, title=title, marker=marker, width=width))


def coloured(fmap: np.ndarray, display: str) -> tuple[np.ndarray, dict | None]:
    """A map's colours for `display`, and its colour bar."""
    return colour_map(fmap if fmap.shape[0] == 3 else fmap[0], display)
