#!/usr/bin/env python
"""Full-data runs of the augmentation notebook's recipes (nbs/08_augment.ipynb), one recipe per call.

    python results/augment_runs.py --recipe dropout5 > results/augment_dropout5_wide.log 2>&1

writes results/augment_<recipe>_<arch>.json (accuracies, per-epoch history, command, timings, machine).
Training holds the shared CPU lock (/tmp/miniai-cpu.lock, the same lock `flock` takes) and releases it
between epochs once it has held it for `--max-hold` minutes, so other jobs get a turn.
"""
from __future__ import annotations
import argparse, fcntl, os, platform, time
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import optim
from torch.optim import lr_scheduler
from torcheval.metrics import MulticlassAccuracy

from miniai.datasets import fmnist_dls
from miniai.fmnist import save_json
from miniai.activations import set_seed
from miniai.learner import Callback, TrainLearner, DeviceCB, MetricsCB, ProgressCB
from miniai.sgd import BatchSchedCB
from miniai.resnet import get_resnet, get_wide_resnet, get_pooled_resnet
from miniai.augment import (aug_tfms, aug_cb, get_dropout_resnet, save_model, ensemble_preds, accuracy)
from miniai.accel import accel_cbs

HERE = Path(__file__).resolve().parent

# name: epochs, max lr, augmentation (aug_tfms kwargs or None), dropout p, models, TTA, the lesson's figure
RECIPES = {
    'dropout5': dict(epochs=5,  lr=1e-2, aug=None, drop=0.1, n_models=1, tta=False, lesson='93.2%'),
    # the lesson's dropout model also had nn.Dropout2d(0.1) after its first block
    'dropout5stem': dict(epochs=5, lr=1e-2, aug=None, drop=0.1, drop_stem=0.1, n_models=1, tta=False, lesson='93.2%'),
    # the same 5 epochs without dropout: what dropout adds, seed for seed
    'plain5':   dict(epochs=5, lr=1e-2, aug=None, drop=None, n_models=1, tta=False, lesson='93.2% with dropout'),
    'crop20':   dict(epochs=20, lr=1e-2, aug=dict(padding=1), drop=None, n_models=1, tta=True, lesson='93.8%, TTA 94.2%'),
    'copy25x2': dict(epochs=25, lr=2e-2, aug=dict(padding=1, copy=0.2), drop=None, n_models=2, tta=False,
                     lesson='94.0% and 94.1%, ensemble 94.4%'),
    'erase50':  dict(epochs=50, lr=2e-2, aug=dict(padding=1, erase=0.2), drop=None, n_models=1, tta=True, lesson='94.6%'),
}

class CPULockCB(Callback):
    "Hold the shared CPU lock from the first fit to `release()`; between epochs, hand it over once held `max_hold` s."
    order = -10
    def __init__(self, path='/tmp/miniai-cpu.lock', max_hold=24*60): self.path, self.max_hold, self.f = path, max_hold, None
    def _acquire(self):
        t0 = time.time()
        fcntl.flock(self.f, fcntl.LOCK_EX)
        self.t_lock = time.time()
        if self.t_lock - t0 > 1: print(f"[lock] waited {self.t_lock - t0:.0f}s for {self.path}", flush=True)
    def before_fit(self, learn):
        if self.f is None:
            self.f = open(self.path, 'a')
            self._acquire()
    def after_epoch(self, learn):
        if learn.training or time.time() - self.t_lock < self.max_hold: return
        fcntl.flock(self.f, fcntl.LOCK_UN)
        time.sleep(3)                      # let a waiting job take it
        self._acquire()
    def release(self):
        if self.f is not None: self.f.close(); self.f = None    # closing releases the lock

ARCHS = {'wide': get_wide_resnet, 'resnet': get_resnet, 'pooled': partial(get_pooled_resnet, extra=False)}

def get_arch(name): return ARCHS[name]

def describe(r) -> str:
    "A recipe's augmentation and dropout in words; stored as `desc` so every table says it the same way."
    aug = 'no augmentation' if r['aug'] is None else ' + '.join(
        [f"crop (padding {r['aug']['padding']}) + flip"] + [k for k in ('erase', 'copy') if r['aug'].get(k)])
    if r['drop']: aug += f", dropout {r['drop']}" + (f" (and Dropout2d {r['drop_stem']} after the first block)" if r.get('drop_stem') else '')
    elif r['aug'] is None: aug += ', no dropout'
    if r['precision'] != 'auto': aug += f", {r['precision']}"
    return aug

def train_one(r, seed, dls, lock):
    set_seed(seed)
    arch = get_arch(r['arch'])
    model = get_dropout_resnet(r['drop'], arch=arch, p_stem=r.get('drop_stem', 0.)) if r['drop'] else arch()
    sched = partial(lr_scheduler.OneCycleLR, max_lr=r['lr'], total_steps=r['epochs']*len(dls.train))
    metrics = MetricsCB(accuracy=MulticlassAccuracy())
    cbs = [lock, DeviceCB(), metrics, ProgressCB(), BatchSchedCB(sched), *accel_cbs(r['precision'])]
    if r['aug'] is not None: cbs.append(aug_cb(aug_tfms(**r['aug'])))
    learn = TrainLearner(model, dls, F.cross_entropy, lr=r['lr'], cbs=cbs, opt_func=optim.AdamW)
    t0 = time.time()
    learn.fit(r['epochs'])
    return learn, metrics.history, time.time() - t0

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--recipe', required=True, choices=list(RECIPES))
    p.add_argument('--seed', type=int, default=42)
    p.add_argument('--max-hold', type=float, default=24, help="minutes to hold the CPU lock before handing it over")
    p.add_argument('--lock', default='/tmp/miniai-cpu.lock')
    p.add_argument('--out', default=str(HERE))
    p.add_argument('--arch', default='wide', choices=list(ARCHS),
                   help="'wide': the lesson's augmentation model (get_wide_resnet); 'resnet': get_resnet; "
                        "'pooled': get_pooled_resnet(extra=False), global pooling and no 512 block")
    p.add_argument('--precision', default='auto', choices=['auto', 'bf16', 'fp16', 'fp32'],
                   help="'auto': bf16 autocast on CPU, fp16 on CUDA; 'fp32' trains as the lesson did")
    p.add_argument('--smoke', action='store_true', help="a tiny run (1 epoch, 2048 items) to check the script; writes under /tmp")
    return p

def main(argv=None):
    args = parser().parse_args(argv)
    r, out = dict(RECIPES[args.recipe]), Path(args.out)
    r['arch'], r['precision'] = args.arch, args.precision
    n_train = n_valid = None
    if args.smoke: r['epochs'], n_train, n_valid, out = 1, 2048, 1024, Path('/tmp/augment_smoke')
    started = datetime.now(timezone.utc)
    print(f"{args.recipe}: {r}  torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    dls = fmnist_dls(bs=1024, seed=args.seed, n_train=n_train, n_valid=n_valid)
    lock = CPULockCB(args.lock, args.max_hold*60)
    try: run(r, args, dls, lock, out, started)
    finally: lock.release()

def non_defaults(args, keys=('seed', 'precision')) -> dict:
    "Those of `keys` whose value in `args` differs from the command line's default: they name the run and appear in its command."
    p = parser()
    return {k: getattr(args, k) for k in keys if getattr(args, k) != p.get_default(k)}

def run_name(args) -> str:
    "`RECIPE_ARCH`, plus `_seedN` and `_PRECISION` where they differ from the defaults, so runs never overwrite each other."
    return f"{args.recipe}_{args.arch}" + ''.join(f"_seed{v}" if k == 'seed' else f"_{v}" for k, v in non_defaults(args).items())

def command(args) -> str:
    "The command line that reproduces this run, naming only the options that differ from their defaults."
    return f"python results/augment_runs.py --recipe {args.recipe}" + ''.join(
        f" --{k} {v}" for k, v in non_defaults(args, ('arch', 'seed', 'precision')).items())

def run(r, args, dls, lock, out, started):
    learners, histories, accs, tta_accs, secs = [], [], [], [], 0.
    for i in range(r['n_models']):
        learn, hist, s = train_one(r, args.seed + i, dls, lock)
        learners.append(learn); histories.append(hist); secs += s
        save_model(learn.model, out/'models'/f'augment_{run_name(args)}_{i}.pth')
        preds, targs = learn.capture_preds()
        accs.append(accuracy(preds, targs))
        if r['tta']: tta_accs.append(accuracy(*learn.tta()))
        print(f"model {i}: accuracy {accs[-1]:.4f}" + (f", with flip TTA {tta_accs[-1]:.4f}" if r['tta'] else ''), flush=True)
    ens = accuracy(*ensemble_preds(learners)) if len(learners) > 1 else None
    if ens is not None: print(f"ensemble of {len(learners)}: {ens:.4f}", flush=True)
    res = dict(recipe=args.recipe, **r, desc=describe(r), seed=args.seed, accuracies=accs,
               tta_accuracy=tta_accs[0] if tta_accs else None, tta_accuracies=tta_accs, ensemble_accuracy=ens,
               minutes=secs/60, command=command(args),
               started=started.isoformat(timespec='seconds'), finished=datetime.now(timezone.utc).isoformat(timespec='seconds'),
               machine=f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}",
               history=histories)
    out.mkdir(parents=True, exist_ok=True)
    fname = out/f'augment_{run_name(args)}.json'
    save_json(res, fname)
    print(f"wrote {fname}", flush=True)

if __name__ == '__main__': main()
