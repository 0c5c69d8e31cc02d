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
