#!/usr/bin/env bash
# Set up (when needed), then run the whole test suite: the notebooks check that the package is what they
# export, then run as tests. Extra arguments go to nbdev_test (e.g. --flags slow for full-data runs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export MPLBACKEND=Agg
echo "== nbdev_export must change nothing"
snap() { find miniai -name '*.py' -type f | sort | xargs sha256sum; }
before="$(snap)"; nbdev_export
if [ "$before" != "$(snap)" ]; then echo "miniai/ differed from what the notebooks export (now re-exported): commit it" >&2; exit 1; fi
echo "== nbdev_test"
nbdev_test --n_workers "${MINIAI_TEST_WORKERS:-2}" --timing "$@"
for t in scripts/test_*.sh; do [ -e "$t" ] || continue; echo "== $t"; bash "$t"; done
