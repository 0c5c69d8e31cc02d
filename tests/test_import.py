"""What importing loads: no streamlit behind `import convviz`, no pandas or SciPy before a page
needs them, and never Keras or torch, whose code the app writes but does not run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def in_a_new_process(check: str, unloaded: tuple[str, ...] = ()) -> None:
    """Run `check` in a fresh Python at the repository's root (what it imports is all it loaded),
    then assert that none of the packages `unloaded` was imported."""
    if unloaded:
        check += (f"\nlate = sorted({{m.split('.')[0] for m in sys.modules}} & {set(unloaded)!r}); "
                  "assert not late, late")
    root = Path(__file__).parents[1]
    result = subprocess.run([sys.executable, "-c", check], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_importing_the_engine_does_not_import_streamlit():
    in_a_new_process("import convviz, sys; assert 'streamlit' not in sys.modules, 'convviz imported streamlit'")


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


def test_scipy_loads_with_the_fft_or_the_matrix_and_not_before():
    check = ("import convviz, sys; assert 'scipy' not in sys.modules, 'import convviz loaded scipy'; "
             "from convviz import conv_matrix, fft_conv2d; from convviz.fft import fft_conv2d as f; "
             "from convviz.matrix import conv_matrix as m; assert (f, m) == (fft_conv2d, conv_matrix); "
             "assert 'scipy.fft' in sys.modules and 'scipy.sparse' in sys.modules; "
             "[getattr(convviz, name) for name in convviz.__all__]")   # every public name still resolves
    in_a_new_process(check)


def test_a_cold_start_on_the_playground_imports_neither_pandas_nor_scipy():
    """Together 0.66 s of the first run in a new server: left to the pages that use them."""
    check = ("import sys; from streamlit.testing.v1 import AppTest; "
             "at = AppTest.from_file('app.py', default_timeout=60).run(); assert not at.exception, at.exception; "
             "assert at.title[0].value == 'Playground'")
    in_a_new_process(check, unloaded=("pandas", "scipy"))


def test_no_page_imports_keras_or_torch():
    """The app writes PyTorch and Keras code but never runs either: once `keras` is imported,
    Streamlit clears its session after every script run, a full garbage collection each time."""
    check = "\n".join([
        "import sys; from pathlib import Path; from streamlit.testing.v1 import AppTest",
        "at = AppTest.from_file('app.py', default_timeout=60).run()",
        "for page in sorted(Path('pages').glob('*.py')):",
        "    at.switch_page(str(page)); assert not at.run().exception, (page, at.exception)"])
    in_a_new_process(check, unloaded=("keras", "torch"))
