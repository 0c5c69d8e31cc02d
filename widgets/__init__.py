"""Streamlit glue shared by the pages: URL state, the image picker, the kernel picker and
the layer controls. The engine (`convviz`) never imports this."""
