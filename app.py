"""convviz: see how the convolution in a CNN works, step by step, with every number visible."""

import streamlit as st

st.set_page_config(page_title="convviz: convolution, visualised", page_icon="🧮", layout="wide")

# A file in pages/ whose name matches a URL would be run on its own, without this script, when a
# freshly started server's first visitor follows a link to it (Streamlit's older pages/ folder
# convention). So no page file is named like a URL: /shapes is shape_arithmetic.py, and so on.
pages = [
    st.Page("pages/feature_maps.py", title="Playground", icon=":material/tune:", url_path="playground", default=True),
    st.Page("pages/step_by_step.py", title="Step by step", icon=":material/footprint:", url_path="step-by-step"),
    st.Page("pages/shape_arithmetic.py", title="Shape arithmetic", icon=":material/straighten:", url_path="shapes"),
]
page = st.navigation(pages)
with st.sidebar:
    st.markdown(
        "**convviz** shows what a convolution layer does: a small window slides over the image, "
        "multiplies, adds, and writes one number per position."
    )
    st.caption("Every setting is in the page's link: copy it to share exactly what you see.")
page.run()
