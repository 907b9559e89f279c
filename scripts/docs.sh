#!/usr/bin/env bash
# Build the docs site locally, without Quarto, into _site/ (open _site/index.html). Same notebooks, same
# nbdev processing as `nbdev_docs`; see scripts/docs.py. Arguments go to scripts/docs.py (--force, --out DIR).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export MPLBACKEND=Agg
python scripts/docs.py "$@"
