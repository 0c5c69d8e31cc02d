"""The Playground's shared panels (widgets.panels): safe to draw from many sessions at once."""

from __future__ import annotations

import threading

import numpy as np
import plotly.io
import plotly.tools

from convviz.figures.playground import colour_map, image_figure, jpeg_uri
from widgets.panels import drawable


def test_a_cached_figure_can_be_drawn_by_many_sessions_at_once():
    """What st.plotly_chart does with the figure a panel hands it, from eight threads at once. Handed
    the shared dict itself, about one call in five failed ("Invalid property 'source' for Scatter")."""
    shared = image_figure(jpeg_uri(np.zeros((64, 64), np.uint8)), (64, 64), "Input").to_dict()
    errors: list[str] = []

    def draw() -> None:
        for _ in range(200):
            try:
                figure = plotly.tools.return_figure_from_figure_or_data(drawable(shared), validate_figure=True)
                plotly.io.to_json(figure, validate=False)
            except ValueError as exc:
                errors.append(str(exc)[:80])

    threads = [threading.Thread(target=draw) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert shared["data"][0]["type"] == "image"


def test_a_panel_not_validated_again_sends_what_a_validated_one_sends():
    """drawable skips Plotly's second validation, never anything the browser is sent."""
    rgb, bar = colour_map(np.linspace(-3, 5, 24 * 32).reshape(24, 32), "raw")
    shared = image_figure(jpeg_uri(rgb), (24, 32), "Sobel x 1×24×32", bar, (2, 3, 4, 5), width=310).to_dict()
    validated = plotly.tools.return_figure_from_figure_or_data(shared, validate_figure=True)
    assert plotly.io.to_json(drawable(shared), validate=False) == plotly.io.to_json(validated, validate=False)
