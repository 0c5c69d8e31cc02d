"""deploy/serve_school.sh, as a school runs it: Streamlit behind nginx, opened in a browser.

Needs nginx (tests/run.sh installs Debian's when it runs as root); skipped without it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import LOOPBACK, ROOT, assert_no_exception, free_port, healthy, wait_for_app

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                                reason="nginx is not installed")
PROBE = re.compile(r"/[a-z_]+/_stcore/(health|host-config)$")


@pytest.fixture(scope="module")
def school():
    """`deploy/serve_school.sh 1 PORT` with this Python's Streamlit: its URL; stopped as Ctrl-C would."""
    port, backend = free_port(), free_port()
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", ""), "/usr/sbin"])
    proc = subprocess.Popen(["bash", "deploy/serve_school.sh", "1", str(port)], cwd=ROOT, start_new_session=True,
                            env=dict(os.environ, PATH=path, FIRST_BACKEND=str(backend)),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    if not healthy(url, proc, 90):
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"serve_school.sh did not serve:\n{proc.communicate()[0]}")
    yield url, proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(20)


def test_the_page_names_plotlys_chunk_and_nginx_serves_it_compressed(school):
    url, _ = school
    with LOOPBACK.open(f"{url}/step_by_step") as response:
        html = response.read().decode()
    chunk = re.search(r'<link rel="modulepreload" crossorigin href="\./(static/js/PlotlyChart\.[^"]+\.js)">', html)
    assert chunk, html[:500]
    request = urllib.request.Request(f"{url}/{chunk[1]}", headers={"Accept-Encoding": "gzip"})
    with LOOPBACK.open(request) as response:
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert len(response.read()) < 2_000_000          # 4.7 MB as Streamlit sends it


def test_students_get_the_playground_and_a_deep_link(school, page):
    url, _ = school
    failed = []     # but the base-path probe, a 404 on a deep link by design (test_console_browser.py)
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and not PROBE.search(r.url) else None)
    page.goto(url + "/")
    wait_for_app(page)
    assert_no_exception(page)
    assert page.locator(".js-plotly-plot image").count() >= 2     # the input and the feature map
    page.goto(url + "/step_by_step?pad=1&padding=amount")
    wait_for_app(page)
    assert_no_exception(page)
    assert page.locator("h1").first.inner_text() == "Step by step"
    assert failed == []


def test_stopping_the_script_stops_streamlit_and_nginx(school):
    _, proc = school
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 130                      # the script's trap: exit 130, after stopping the rest
    time.sleep(1)
    left = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert left == []
