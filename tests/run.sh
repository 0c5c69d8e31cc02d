#!/usr/bin/env bash
# Runs every test in a fresh virtual environment (.venv-tests/, deleted and made anew each run, so
# nothing installed by hand can hide a missing requirement): installs requirements-dev.txt into
# it, a Chromium for the browser tests and (as root) Debian's nginx, then runs pytest. Extra
# arguments go to pytest, e.g. `bash tests/run.sh -k conv`.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-tests
rm -rf "$venv"
python3 -m venv "$venv"
python="$venv/bin/python"
# --no-compile: Python compiles what the tests import as they import it, not all of PyTorch up front,
# and keeps it: where the environment forbids writing bytecode, every process (each test's app server)
# would compile Streamlit, SciPy and PyTorch again, about 8 s of CPU per process on 2 cores.
"$python" -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt
unset PYTHONDONTWRITEBYTECODE

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Installing Playwright's own Chromium for the browser tests…"
    "$python" -m playwright install chromium
  fi
fi
# tests/browser/test_school_browser.py runs deploy/serve_school.sh, which needs nginx (skipped without it).
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's nginx for the school-server test…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi

export KERAS_BACKEND=torch   # Keras 3 runs the exported code on PyTorch; no TensorFlow
status=0
# Two workers, one per core; a file's tests stay together (the fuzz walks share state, a browser file its app).
"$python" -m pytest -n 2 --dist loadfile "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here." >&2
  exit 1
fi
exit "$status"
