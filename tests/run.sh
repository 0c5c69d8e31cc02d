#!/usr/bin/env bash
# Installs what the tests need (Python packages and a Chromium for the browser tests),
# then runs every test. Extra arguments go to pytest, e.g. `bash tests/run.sh -k conv`.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Installing Playwright's own Chromium for the browser tests…"
    python -m playwright install chromium
  fi
fi

status=0
python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here." >&2
  exit 1
fi
exit "$status"
