"""The Playground's shared panels (widgets.panels): safe to draw from many sessions at once."""

from __future__ import annotations

import threading

import numpy as np
import plotly.tools

from convviz.figures.playground import image_figure, jpeg_uri
from widgets.panels import own


def test_a_cached_figure_can_be_drawn_by_many_sessions_at_once():
    """What st.plotly_chart does with a figure dict, from eight threads at once. Handed the shared
    dict itself, about one call in five failed ("Invalid property 'source' for Scatter")."""
    shared = image_figure(jpeg_uri(np.zeros((64, 64), np.uint8)), (64, 64), "Input").to_dict()
    errors: list[str] = []

    def draw() -> None:
        for _ in range(200):
            try:
                plotly.tools.return_figure_from_figure_or_data(own(shared), validate_figure=True)
            except ValueError as exc:
                errors.append(str(exc)[:80])

    threads = [threading.Thread(target=draw) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert shared["data"][0]["type"] == "image"
