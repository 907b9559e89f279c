#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine with Python 3.11: a virtual environment in .venv with
# the pinned dependencies from settings.ini (miniai installed editable, with its dev tools), and the
# Fashion-MNIST IDX files when no copy can be found. Sourced by scripts/fmnist.sh and scripts/test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"

if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "setup: installing python3-venv" >&2
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv python3-pip >/dev/null
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# Reinstall only when the pins (settings.ini/setup.py) change: a stamp holds their hash.
stamp=.venv/.miniai-deps; want="$(cat settings.ini setup.py | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log=.venv/setup.log
  echo "setup: installing miniai and its pinned dependencies into .venv (a few minutes the first time; log: $log)" >&2
  if ! { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e ".[dev]"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2; echo "setup: installing failed (the whole log: $log)" >&2; exit 1
  fi
  echo "$want" > "$stamp"; echo "setup: done" >&2
fi

# Fashion-MNIST: miniai looks in $MINIAI_DATA, ~/.cache/miniai/fashion-mnist, then the Debian package's folder.
have_data() {
  for d in "${MINIAI_DATA:-}" "$HOME/.cache/miniai/fashion-mnist" /usr/share/datasets/fashion-mnist; do
    [ -n "$d" ] && [ -f "$d/train-images-idx3-ubyte.gz" ] && return 0
  done; return 1
}
if ! have_data; then
  echo "setup: installing the Fashion-MNIST files (Debian package dataset-fashion-mnist)" >&2
  $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 || \
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null; } || \
    echo "setup: could not install dataset-fashion-mnist; miniai will try the Hugging Face hub" >&2
fi
export PATH="$ROOT/.venv/bin:$PATH"
