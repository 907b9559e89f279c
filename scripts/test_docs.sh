#!/usr/bin/env bash
# Docs test (run by scripts/test.sh after nbdev_test): build the local docs site (scripts/docs.py), serve it
# on localhost and check every page in headless Chromium (scripts/test_docs.py). Installs Debian's chromium
# when it is missing (sudo only when not root); Playwright drives that browser and downloads none.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export MPLBACKEND=Agg PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! command -v chromium >/dev/null 2>&1; then
  echo "test_docs: installing chromium (Debian package)" >&2
  $SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || \
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null; }
fi
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"
python -c 'import playwright' 2>/dev/null || python -m pip install -q "$(grep -o 'playwright==[^ ]*' settings.ini)"
python scripts/docs.py
python scripts/test_docs.py
