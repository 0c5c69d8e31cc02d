"""Once per server process: keep the long-lived heap out of Streamlit's garbage collections.

Streamlit runs a full garbage collection after every script run (``runner.postScriptGC``),
which frees the arrays and figures a run leaves behind. Each one walks every object in the
process: about 115,000 from importing Streamlit, NumPy, pandas and Plotly alone, 40–80 ms a
run, most of the server's time under a class's load. Those objects live as long as the
process, so they are imported here first and then frozen (:func:`gc.freeze`): later
collections skip them and still free everything a run makes. Imported by app.py before
anything else runs, so only the imports are frozen, never a session's data.
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
