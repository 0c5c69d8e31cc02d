"""Plotly figure builders: pure functions from data and options to a ``go.Figure``."""
