"""Training speed of the lesson-18 architectures side by side: images/s, seconds per epoch, and the ratio to the ResNet.

The accuracy runs of the models (`results/runs/`) each took their own time on a shared machine, so their seconds per
epoch are disturbed by whatever else ran then. Here every model of that table trains `--batches` batches of
`--bs` Fashion-MNIST images a run with the Learner (TrainCB, AdamW, bf16 autocast where the CPU has it +
channels-last, as in the table), the models alternating within each round (order reversed every other round), so
the ratios compare runs made under the same conditions. Seconds per epoch = 60,000 / images/s.
Usage: flock /tmp/miniai-cpu.lock python bench/model_speed.py [--rounds 3] [--batches 4] [--models pooled speedrun] [--out bench/results/model_speed.txt]
"""
import argparse, statistics, sys
import torch, torch.nn.functional as F
from torch import optim
from miniai.datasets import fmnist_dls
from miniai.learner import Learner, TrainCB, DeviceCB
from miniai.accel import accel_cbs
from _common import Report, header, time_rounds
from miniai.resnet import MODELS, create_model
import miniai.speedrun                       # adds the speedrun networks to MODELS

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--batches', type=int, default=4, help='training batches per timed run')
    p.add_argument('--bs', type=int, default=1024)
    p.add_argument('--models', nargs='+', default=None, help='only these MODELS (default: all), resnet always among them')
    p.add_argument('--out', default=None, help='also write the output to this file')
    a = p.parse_args()
    say = Report()
    header(say, f"training speed of the registry's models (miniai.resnet.MODELS) with the Learner: batch size {a.bs}, {a.batches} batches a run, "
                f"{a.rounds} alternating rounds, bf16 autocast (where native) + channels-last",
           f"command: python bench/model_speed.py {' '.join(sys.argv[1:])}")
    dls = fmnist_dls(a.bs, n_train=a.bs * a.batches, n_valid=a.bs, seed=0)
    n = a.bs * a.batches
    torch.manual_seed(0)
    learns = {k: Learner(create_model(k), dls, F.cross_entropy, lr=1e-3, opt_func=optim.AdamW, cbs=[TrainCB(), DeviceCB(), *accel_cbs()])
              for k in MODELS if a.models is None or k in a.models or k == 'resnet'}
    res = time_rounds(say, learns, a.rounds, n)
    say()
    say("(median over rounds; ratio to resnet: median of the per-round ratios of seconds, i.e. > 1 is slower)")
    for k, v in res.items():
        rel = statistics.median(b / x for x, b in zip(v, res['resnet']))
        say(f"{k:18s} {statistics.median(v):8,.0f} images/s  {60000/statistics.median(v):6.1f} s/epoch (train)  "
            f"time ratio to resnet {rel:5.2f}")
    say.write(a.out)

if __name__ == '__main__': main()
