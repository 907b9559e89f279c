#!/usr/bin/env bash
# README.md must be exactly what `python scripts/readme.py` generates from nbs/index.ipynb.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
python scripts/readme.py --check
