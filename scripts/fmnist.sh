#!/usr/bin/env bash
# Set up (when needed), then train on Fashion-MNIST with `miniai-fmnist`; arguments are passed through.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec miniai-fmnist "$@"
