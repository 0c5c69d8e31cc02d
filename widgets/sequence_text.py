"""The Text section of the Sequences page: a sentence, its embedding, n-gram filters, max pooling over time."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from convviz.figures.sequences import feature_maps_figure, sentence_figure
from convviz.ngrams import FILTERS, detect
from convviz.text import MAX_CHARS, MAX_WORDS, Sentence, embed, load_embeddings
from widgets.url_state import Scope, Setting, quoted

PLAIN = {"displayModeBar": False}
# On a phone the word columns would shrink until their numbers overlap: there the two grids keep
# this width and pan sideways inside their own boxes, and the page never scrolls sideways.
_NARROWEST_PX = 640
_NARROW_CSS = """<style>
@media (max-width: {px}px) {{
  {boxes} {{ overflow-x: auto; }}
  {frames} {{ min-width: {px}px; }}
}}
</style>"""
EXAMPLE = "The acting was not very good but the music was really great"


def _short(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise ValueError(f"longer than {MAX_CHARS} characters")


TEXT_SETTINGS = {"sentence": Setting(EXAMPLE, check=_short),
                 "filters": Setting(tuple(FILTERS), choices=tuple(FILTERS))}


def filter_name(key: str) -> str:
    """How a shipped filter is named in menus: what it detects, and an example."""
    return f"{FILTERS[key].title} (“{FILTERS[key].example}”)"


def sentence(scope: Scope) -> Sentence:
    """The sentence the text box holds, embedded; a ValueError that says why when it cannot be."""
    try:
        return embed(scope.value("sentence"))
    except ValueError as exc:
        raise ValueError(f"No sentence to show: {exc}.") from None


def _keep_width(scope: Scope, *names: str) -> None:
    boxes = [f".st-key-{scope.key(n).replace('.', '-')}" for n in names]
    st.html(_NARROW_CSS.format(px=_NARROWEST_PX, boxes=", ".join(boxes),
                               frames=", ".join(f"{b} > [data-testid='stFullScreenFrame']" for b in boxes)))


def text_section(scope: Scope, controls: Callable[[], DeltaGenerator]) -> None:
    """The section; its widgets go where `controls()` says (in the page, or a presenter's pop-over)."""
    _keep_width(scope, "matrix", "maps")
    controls().text_input(f"Sentence (up to {MAX_WORDS} words)", max_chars=MAX_CHARS, **scope.bind("sentence"),
                          help=f"Words are runs of letters and apostrophes; punctuation is ignored. At most "
                               f"{MAX_WORDS} words and {MAX_CHARS} characters.")
    try:
        s = sentence(scope)
    except ValueError as exc:
        st.error(str(exc))
        return
    table = load_embeddings()
    st.markdown(f"#### The sentence as a {len(s.dimensions)} × {len(s.words)} matrix")
    st.caption(f"Each word is a column of {len(s.dimensions)} numbers from a small hand-made table of {len(table)} "
               f"words (illustrative values, not learnt; see convviz/data/README.md). Blank cells are 0.")
    if s.unknown:
        st.info(f"Not in the table, so shown as zero columns marked *unknown*: "
                f"{', '.join(quoted(w) for w in s.unknown)}.")
    st.plotly_chart(sentence_figure(s), key=scope.key("matrix"), config=PLAIN)

    st.markdown("#### N-gram filters slide along the words")
    controls().multiselect("Filters", tuple(FILTERS), format_func=filter_name, **scope.bind("filters"))
    chosen = [FILTERS[k] for k in scope.value("filters")]
    if not chosen:
        st.info("Choose at least one filter.")
        return
    found = detect(s, chosen)
    st.caption("Each filter is a matrix: a weight for every dimension at each of its 2–4 positions, and a bias. "
               "Its value on a window is Σ weight·value + bias, then ReLU (negatives become 0). Green: each "
               "filter's largest value.")
    st.plotly_chart(feature_maps_figure(found, s.words), key=scope.key("maps"), config=PLAIN)
    st.markdown("#### Max pooling over time: one number per filter")
    rows = [{"filter": f"{d.filter.title} (“{d.filter.example}”)", "width": d.filter.width,
             "max after ReLU": round(d.score, 3),
             "n-gram that fired most": " ".join(d.words) if d.fired else
             ("sentence shorter than the filter" if d.activations is None else "nothing fired"),
             "at word": "" if d.start is None else str(d.start + 1)} for d in found]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption("Kim (2014) sentence classification: many such filters, each max-pooled over the whole sentence, "
               "give a fixed-length vector whatever the sentence's length; a linear layer reads it. Here the "
               "filters are written by hand; a network learns its own.")
    with st.expander("The filters' weights"):
        for f in chosen:
            st.markdown(f"**{f.title}** (“{f.example}”), bias {f.bias:g}")
            frame = pd.DataFrame(f.weights, index=list(s.dimensions),
                                 columns=[f"word {i + 1}" for i in range(f.width)])
            st.dataframe(frame, width="content")
