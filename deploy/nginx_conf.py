"""deploy/nginx.conf with its placeholders filled in: `python deploy/nginx_conf.py LISTEN PORT [PORT …]`.

Prints the config for nginx listening on LISTEN (e.g. 0.0.0.0:8080) in front of one Streamlit
process per PORT on 127.0.0.1, naming the Plotly chunk of the Streamlit this Python imports.
deploy/serve_school.sh and benchmarks/processes.py both write their config with it.

>>> "server 127.0.0.1:8501;" in render("0.0.0.0:8080", [8501])
True
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import streamlit

TEMPLATE = Path(__file__).with_name("nginx.conf")
CHUNKS = Path(streamlit.__file__).parent / "static" / "static" / "js"


def plotly_chunk() -> str:
    """The file name of Streamlit's Plotly chunk, e.g. 'PlotlyChart.D9Z0_fxz.js'."""
    names = sorted(p.name for p in CHUNKS.glob("PlotlyChart.*.js"))
    if len(names) != 1:
        raise RuntimeError(f"expected one PlotlyChart.*.js in {CHUNKS}, found {names or 'none'}")
    return names[0]


def render(listen: str, ports: list[int]) -> str:
    """The config for nginx on `listen` in front of Streamlit on 127.0.0.1 at each of `ports`."""
    values = {"@LISTEN@": listen, "@BACKENDS@": " ".join(f"server 127.0.0.1:{port};" for port in ports),
              "@PLOTLY@": plotly_chunk()}
    lines = TEMPLATE.read_text().splitlines(keepends=True)
    # Comments keep their placeholders: they describe the template.
    return "".join(line if line.lstrip().startswith("#") else re.sub("@[A-Z]+@", lambda m: values[m[0]], line)
                   for line in lines)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__.splitlines()[0])
    print(render(sys.argv[1], [int(port) for port in sys.argv[2:]]), end="")
