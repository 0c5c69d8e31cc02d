"""How the server process collects garbage: cheaply, after every run, for a whole class.

Streamlit can run a full garbage collection after every script run
(``runner.postScriptGC``), to free the figures a run leaves behind (Plotly's objects point
at each other, so only the collector frees them). A full collection walks every object in
the process: the ~115,000 that importing Streamlit, NumPy, pandas and Plotly makes, and all
that thirty sessions and the shared caches hold; under a class's load it was most of the
server's time. So `.streamlit/config.toml` turns it off, and instead:

* the imports are made here, then frozen (:func:`gc.freeze`), so no collection walks them;
  app.py imports this module before anything else, so only the imports are frozen;
* :func:`after_run` collects the young generations, where what a run leaves behind is.

Measured with ``benchmarks/load.py`` (30 students, 60 s, one process): full collections,
p95 11.8 s at 0.242 CPU s per rerun; frozen imports and full collections, p95 5.8 s at 0.164;
frozen imports and young collections, p95 0.39 s at 0.067, peak RSS 569 MB.
"""

import gc

import pandas  # noqa: F401  (the pages' imports, so that they are among the frozen objects)
import plotly.graph_objects  # noqa: F401
import streamlit  # noqa: F401

import convviz
import convviz.figures.animation
import convviz.figures.playground
import convviz.figures.shapes  # noqa: F401

gc.collect()
gc.freeze()


def after_run() -> None:
    """Free what the run just made and left behind, without walking the long-lived objects."""
    gc.collect(1)
