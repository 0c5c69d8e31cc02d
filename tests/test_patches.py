"""Patches of a large input: the patch around an output holds it, at the step the link opens on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from convviz.patches import patch_around, patch_outputs


@given(st.integers(4, 40), st.integers(1, 5), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2),
       st.integers(0, 10**6))
def test_the_patch_around_an_output_holds_it_at_its_step(n, k, s, p, d, seed):
    span = d * (k - 1) + 1
    if n + 2 * p < span:
        return
    out = (n + 2 * p - span) // s + 1
    output = (seed % out, (seed // out) % out)
    extent = max(12, span)
    geometry = ((n, n), (k, k), (s, s), ((p, p), (p, p)), (d, d))
    top, step = patch_around(*geometry, output, extent)
    rows, cols = patch_outputs(*geometry, top, extent)
    assert output[0] in rows and output[1] in cols
    assert step == (output[0] - rows.start) * len(cols) + output[1] - cols.start + 1
