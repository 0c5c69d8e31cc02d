"""convviz: see how the convolution in a CNN works, step by step, with every number visible."""

import streamlit as st

from widgets.process import after_run  # first: it freezes the imports' objects, once per process
from widgets.navigation import PAGE_CONFIG, app_ran, pages

st.set_page_config(**PAGE_CONFIG)
page = st.navigation(pages())
with st.sidebar:
    st.markdown(
        "**convviz** shows what a convolution layer does: a small window slides over the image, "
        "multiplies, adds, and writes one number per position."
    )
    st.caption("Every setting is in the page's link: copy it to share exactly what you see.")
app_ran()
try:
    page.run()
finally:
    after_run()
