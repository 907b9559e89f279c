"""Training images/s with the Learner: naive fp32 against the fast path (bf16 autocast + channels-last [+ torch.compile]).

Each variant trains its own copy of the same model (kept across rounds, so `torch.compile` compiles once, in the
warm-up) on the same in-memory Fashion-MNIST batches (`fmnist_dls`) with AdamW, `--batches` batches a round, with
`Learner.fit(1, valid=False)` and the callbacks of `miniai.accel`. Variants alternate within each round (order
reversed every other round), so every ratio compares runs made under the same machine conditions.
Usage: flock /tmp/miniai-cpu.lock python bench/precision.py [--rounds 3] [--batches 8] [--no-compile] [--out bench/results/precision.txt]
"""
import argparse, copy, sys
import torch, torch.nn.functional as F
from torch import optim
from miniai.datasets import fmnist_dls
from miniai.learner import Learner, TrainCB, DeviceCB
from miniai.accel import accel_cbs, auto_dtype
from miniai.resnet import create_model, MODELS
from _common import Report, header, summarise, time_rounds

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model', choices=list(MODELS), default='resnet')
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--batches', type=int, default=8, help='training batches per timed run')
    p.add_argument('--bs', type=int, default=1024)
    p.add_argument('--compile', action=argparse.BooleanOptionalAction, default=True, help='include the compiled variant')
    p.add_argument('--device', default='cpu')
    p.add_argument('--out', default=None, help='also write the output to this file')
    a = p.parse_args()
    say = Report()
    fast = str(auto_dtype(a.device)).replace('torch.', '')
    header(say, f"precision/memory format/compile with the Learner: {a.model}, batch size {a.bs}, {a.batches} batches "
                f"a run, {a.rounds} alternating rounds, device {a.device}",
           f"command: python bench/precision.py {' '.join(sys.argv[1:])}; auto precision here = {fast}")
    dls = fmnist_dls(a.bs, n_train=a.bs * a.batches, n_valid=a.bs, seed=0, device=a.device)
    n = a.bs * a.batches
    torch.manual_seed(0)
    model0 = create_model(a.model)
    configs = {'fp32 (naive)': ('fp32', False, False), 'fp32 + channels-last': ('fp32', True, False),
               f'{fast}': ('auto', False, False), f'{fast} + channels-last': ('auto', True, False)}
    if a.compile: configs[f'{fast} + channels-last + compile'] = ('auto', True, True)
    learns = {k: Learner(copy.deepcopy(model0), dls, F.cross_entropy, lr=1e-2, opt_func=optim.AdamW,
                         cbs=[TrainCB(), DeviceCB(a.device), *accel_cbs(prec, cl, comp, device=a.device)])
              for k, (prec, cl, comp) in configs.items()}
    res = time_rounds(say, learns, a.rounds, n)
    summarise(say, res, 'fp32 (naive)')
    say.write(a.out)

if __name__ == '__main__': main()
