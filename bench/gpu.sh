#!/usr/bin/env bash
# The GPU check, one short prepared script (run it on a machine with a CUDA GPU, from the repository root):
#   1. the notebooks whose tests have CUDA paths (fp16 with its gradient scaler, bf16, channels-last, --compile);
#   2. the same paths end to end through the command: 1 epoch on 4,096 images each way;
#   3. `miniai-fmnist --recipe speedrun` on the full data, seeds 42, 1, 2, then `--epochs 5`, timed.
# Everything it measures goes to bench/results/gpu.txt (and the runs' JSON to bench/results/gpu/).
# Needs: torch with CUDA and this repo's dependencies (bash scripts/setup.sh), Fashion-MNIST ($MINIAI_DATA or the
# Debian package dataset-fashion-mnist). Not yet run: no GPU has been lent to this project so far.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d .venv ] && source .venv/bin/activate
out=bench/results/gpu.txt; runs=bench/results/gpu; mkdir -p "$runs"
python -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'bench/gpu.sh: no CUDA GPU here (torch.cuda.is_available() is False)')"
export MPLBACKEND=Agg
{
  echo "# bench/gpu.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  python -c "import torch; print('torch', torch.__version__, '|', torch.cuda.get_device_name(), '| CUDA', torch.version.cuda)"
  echo "## 1. notebooks with CUDA paths"
  for nb in 03_learner 09_accel 12_fmnist; do
    t0=$SECONDS; nbdev_test --path "nbs/$nb.ipynb" >/dev/null 2>&1 && r=passed || r=FAILED
    echo "$nb: $r ($((SECONDS - t0)) s)"
  done
  echo "## 2. the command's CUDA paths (1 epoch, 4,096 images)"
  for opts in "--precision fp16" "--precision bf16" "--precision fp32 --no-channels-last" "--precision bf16 --compile"; do
    line=$(miniai-fmnist --device cuda $opts --epochs 1 --n-train 4096 --n-valid 1024 --seed 0 --quiet 2>&1 | tail -1) || line="FAILED: $line"
    echo "$opts: $line"
  done
  echo "## 3. timed runs, full data"
  for seed in 42 1 2; do
    miniai-fmnist --recipe speedrun --device cuda --seed $seed --quiet --json "$runs/speedrun-seed$seed.json" | tail -1
  done
  miniai-fmnist --epochs 5 --device cuda --seed 42 --quiet --json "$runs/epochs5.json" | tail -1
  python - "$runs" <<'PY'
import json, sys, statistics as st
from pathlib import Path
rs = [json.loads(p.read_text()) for p in sorted(Path(sys.argv[1]).glob('speedrun-seed*.json'))]
acc, secs = [r['accuracy'] for r in rs], [r['seconds'] for r in rs]
print(f"--recipe speedrun over {len(rs)} seeds: test accuracy {st.mean(acc):.2%} ± {st.stdev(acc):.2%}, "
      f"{st.mean(secs):.1f} s of training each (aim: 94% in 10 s)")
PY
} 2>&1 | tee "$out"
