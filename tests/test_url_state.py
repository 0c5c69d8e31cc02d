"""What the URL state does on a page's every run, through AppTest (the settings' parsing is in its doctests)."""

from __future__ import annotations

import pytest
from apptest import ROOT, open_page
from fuzz_harness import nodes

PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


def set_by_the_script(at) -> list[str]:
    """The keys of the widgets a run sent with a value of its own (``set_value``), disabled ones aside.

    A disabled widget sends the browser nothing back, so its key is filled again each run.
    """
    protos = [(node, getattr(node, "proto", None)) for node in nodes(at)]
    return [node.key for node, proto in protos
            if getattr(proto, "set_value", False) and not getattr(proto, "disabled", False)]


@pytest.mark.parametrize("page", PAGES)
def test_a_run_that_no_link_started_sends_no_widget_a_value(page):
    """Each widget the script gives a value is drawn again by the browser (about 40 ms a change on the
    Playground's 22): a run that only follows a control must leave the widgets' own values alone."""
    at = open_page(page)
    assert set_by_the_script(at), "a first run fills the widgets from the settings"
    assert set_by_the_script(at.run()) == []
