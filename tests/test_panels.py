"""The Playground's shared panels (widgets.panels): sent as built, safe to draw from many sessions at once."""

from __future__ import annotations

import json
import threading

import numpy as np
import plotly.graph_objects as go
import plotly.io
import plotly.tools
import pytest

from convviz.figures.playground import colour_map, image_spec, jpeg_uri
from widgets.panels import Drawn


def sent(figure: object) -> str:
    """The JSON st.plotly_chart sends for `figure` (Streamlit 1.67's own two calls)."""
    return plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True),
                             validate=False)


@pytest.mark.parametrize("display", ["raw", "clipped", "stretched"])
@pytest.mark.parametrize("box", [None, (2, 3, 4, 5)])
@pytest.mark.parametrize("shape", [(24, 32), (3, 24, 32)])
def test_a_spec_is_what_validation_writes_so_it_is_sent_as_a_validated_figure_would_be(display, box, shape):
    """Drawn skips Plotly's validation, never anything the browser is sent: colour scales and the
    template are spelled out as validation would, and numbers keep their types."""
    fmap = np.linspace(-3, 5, np.prod(shape)).reshape(shape)
    rgb, bar = colour_map(fmap, display)
    spec = image_spec(jpeg_uri(rgb), shape[-2:], "Sobel x 1×24×32", bar, box, width=310)
    assert go.Figure(spec).to_dict() == spec
    assert json.loads(sent(Drawn(spec))) == json.loads(sent(spec))   # keys may come in another order


def test_a_cached_figure_can_be_drawn_by_many_sessions_at_once():
    """What st.plotly_chart does with the figure a panel hands it, from eight threads at once. A Figure
    made from the shared dict once failed one call in five ("Invalid property 'source' for Scatter")."""
    shared = image_spec(jpeg_uri(np.zeros((64, 64), np.uint8)), (64, 64), "Input")
    before = plotly.io.to_json(shared, validate=False)
    errors: list[str] = []

    def draw() -> None:
        for _ in range(200):
            try:
                assert sent(Drawn(shared)) == before
            except (ValueError, AssertionError) as exc:
                errors.append(str(exc)[:80])

    threads = [threading.Thread(target=draw) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert plotly.io.to_json(shared, validate=False) == before
