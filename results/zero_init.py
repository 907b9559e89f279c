#!/usr/bin/env python
"""Zero-initialising the last BatchNorm weight of every ResBlock vs only of the blocks that can start as the identity.

`miniai.resnet.ResBlock` zeroes the weight of its last BatchNorm only when `ni == nf` and `stride == 1` (then a fresh
block computes `act(x)`). This trains the lesson's ResNet (`get_resnet`) with the same recipe as
`results/resnet_table.py` (5 epochs, one-cycle AdamW max lr 2e-2, bs 1024, bf16 autocast + channels-last, seed 42)
in both variants and records them in results/zero_init.json and .md. One variant per call, under the CPU lock:
    flock /tmp/miniai-cpu.lock python results/zero_init.py identity
    flock /tmp/miniai-cpu.lock python results/zero_init.py every
"""
import sys
from pathlib import Path
from torch import nn
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import resnet_table as rt
from miniai.resnet import get_resnet, ResBlock

def get_resnet_zero_every():
    "`get_resnet` with the last BatchNorm weight of every `ResBlock` zeroed (what ResBlock did before 2026-11-29)."
    m = get_resnet()
    for b in m.modules():
        if isinstance(b, ResBlock): nn.init.zeros_(b.convs[-1][1].weight)
    return m

HEAD = """# Zero-init of the last BatchNorm in every ResBlock, or only in identity blocks

The lesson's ResNet (`get_resnet`), 5 epochs, one-cycle AdamW max lr 2e-2, bs 1024, bf16 autocast + channels-last, seed 42,
full Fashion-MNIST (test set after each epoch). Reproduce with `flock /tmp/miniai-cpu.lock python results/zero_init.py identity|every`.

|variant|test accuracy after epochs 1…5|final|finished|how it was measured|
|--|--|--:|--|--|
"""

def md_table(res) -> str:
    "The comparison table of zero_init.md: accuracy after each epoch of both variants (replaces resnet_table's)."
    rows = [f"|{r['desc']}|{' → '.join(f'{a:.1%}' for a in r['accuracy_per_epoch'])}|{r['accuracy']:.2%}|{r['finished']}|"
            f"{r.get('note', f'`python results/zero_init.py {k}`')}|" for k, r in sorted(res.items(), key=lambda kv: kv[0] != 'every')]
    return HEAD + '\n'.join(rows) + '\n'

rt.JSON, rt.MD, rt.md_table = HERE/'zero_init.json', HERE/'zero_init.md', md_table
rt.MODELS.clear()
rt.MODELS.update({'identity': ('ResNet, last BN zeroed in identity blocks only (the default)', get_resnet, 2e-2),
                  'every': ('ResNet, last BN zeroed in every block', get_resnet_zero_every, 2e-2)})

if __name__ == '__main__':
    if len(sys.argv) != 2 or sys.argv[1] not in rt.MODELS: sys.exit(f"usage: python results/zero_init.py {{{','.join(rt.MODELS)}}}")
    rt.run(sys.argv[1])
