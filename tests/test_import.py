"""The engine must import without the app: no streamlit behind `import convviz`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_importing_the_engine_does_not_import_streamlit():
    check = "import convviz, sys; assert 'streamlit' not in sys.modules, 'convviz imported streamlit'"
    root = Path(__file__).parents[1]
    result = subprocess.run([sys.executable, "-c", check], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_walkthrough_model_knows_no_renderer():
    """convviz.walkthrough is data: Plotly, Pillow and the figures' colours stay in the renderers."""
    import ast

    root = Path(__file__).parents[1] / "convviz" / "walkthrough"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
        names += [("." * node.level) + (node.module or "") for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom)]
        assert not [n for n in names if n.split(".")[0] in ("plotly", "PIL") or "figures" in n or n == "..gif"], \
            (path.name, names)
