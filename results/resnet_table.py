"""Train the lesson-18 architectures on full Fashion-MNIST (5 epochs, one-cycle AdamW, bs 1024, bf16 autocast +
channels-last) and record params, MFLOPs, test accuracy and seconds per epoch in results/resnet.json and .md.

Run ONE model per process under the CPU lock, e.g.:
    flock /tmp/miniai-cpu.lock python results/resnet_table.py resnet >> results/resnet_runs.log 2>&1
`python results/resnet_table.py --list` shows the model names; `--table` only rewrites resnet.md."""
import argparse, json, sys, time, platform
from functools import partial
from pathlib import Path
import torch, torch.nn.functional as F
from torch import optim
from torch.optim import lr_scheduler
from torcheval.metrics import MulticlassAccuracy

from miniai.datasets import fmnist_dls, atomic_write
from miniai.learner import Learner, TrainCB, DeviceCB, MetricsCB, ProgressCB, Callback
from miniai.activations import set_seed
from miniai.sgd import BatchSchedCB
from miniai.resnet import *
from miniai.accel import MixedPrecisionCB, ChannelsLastCB

HERE = Path(__file__).parent
JSON, MD = HERE/'resnet.json', HERE/'resnet.md'

# name: (description, builder, max lr). Learning rates are the lesson's (13_resnet): 6e-2 for the plain CNN, 2e-2 for the ResNets.
MODELS = {
    'cnn_deeper':         ('Deeper CNN (1→8 stride 1, 8…128)', get_cnn_deeper, 6e-2),
    'resnet':             ('ResNet (8…256)', get_resnet, 2e-2),
    'pooled':             ('Pooled ResNet (16…256, global avg pool)', partial(get_pooled_resnet, extra=False), 2e-2),
    'wide':               ('Wider ResNet (5×5 first block, 16…512)', get_wide_resnet, 2e-2),
    'timm_resnet18d':     ("timm resnet18d", get_timm_resnet18d, 2e-2),
    'pooled_512':         ('Pooled ResNet + stride-1 256→512 block', partial(get_pooled_resnet, extra=True), 2e-2),
    'pooled_conv_stem':   ('Pooled ResNet, conv stem (no first ResBlock)', get_pooled_resnet_conv_stem, 2e-2),
}

class EpochTimerCB(Callback):
    "Wall-clock seconds of every training and validation epoch."
    def before_fit(self, learn): self.train, self.valid = [], []
    def before_epoch(self, learn): self.t0 = time.perf_counter()
    def after_epoch(self, learn): (self.train if learn.training else self.valid).append(time.perf_counter() - self.t0)

def _write_atomic(path, text): atomic_write(path, lambda f: f.write(text.encode()))

def load_results():
    return json.loads(JSON.read_text()) if JSON.exists() else {}

def md_table(res):
    rows = ['|Model|Params|MFLOPs|Test accuracy|s / epoch|', '|--|--:|--:|--:|--:|']
    for k in MODELS:
        if k not in res: continue
        r = res[k]
        rows.append(f"|{r['desc']}|{r['params']:,}|{r['mflops']:.1f}|{r['accuracy']*100:.1f}%|{r['sec_per_epoch']:.0f}|")
    return '\n'.join(rows) + '\n'

def run(name, epochs=5, bs=1024, seed=42):
    desc, builder, lr = MODELS[name]
    set_seed(seed)
    dls = fmnist_dls(bs=bs, seed=seed)
    model = builder()
    s = Learner(model, dls, F.cross_entropy, cbs=[TrainCB(), DeviceCB()]).summary(show=False)
    metrics, timer = MetricsCB(accuracy=MulticlassAccuracy()), EpochTimerCB()
    sched = partial(lr_scheduler.OneCycleLR, max_lr=lr, total_steps=epochs*len(dls.train))
    cbs = [TrainCB(), DeviceCB(), metrics, ProgressCB(), BatchSchedCB(sched), MixedPrecisionCB(), ChannelsLastCB(), timer]
    learn = Learner(model, dls, F.cross_entropy, lr=lr, cbs=cbs, opt_func=optim.AdamW)
    t0 = time.perf_counter()
    learn.fit(epochs)
    total = time.perf_counter() - t0
    valid = [h for h in metrics.history if not h['train']]
    rec = dict(desc=desc, params=s.params, mflops=s.mflops, accuracy=valid[-1]['accuracy'], valid_loss=valid[-1]['loss'],
               accuracy_per_epoch=[h['accuracy'] for h in valid], sec_per_epoch=total/epochs,
               train_sec_per_epoch=sum(timer.train)/len(timer.train), valid_sec_per_epoch=sum(timer.valid)/len(timer.valid),
               epochs=epochs, bs=bs, max_lr=lr, seed=seed, opt='AdamW', sched='OneCycleLR', precision='bf16 autocast + channels_last',
               torch=torch.__version__, threads=torch.get_num_threads(), cpu=platform.processor() or platform.machine(),
               finished=time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()))
    res = load_results(); res[name] = rec
    _write_atomic(JSON, json.dumps(res, indent=1) + '\n')
    _write_atomic(MD, md_table(res))
    print(json.dumps(rec, indent=1))
    return rec

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('models', nargs='*', help=f"one or more of: {', '.join(MODELS)}")
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--list', action='store_true'); p.add_argument('--table', action='store_true')
    a = p.parse_args()
    if a.list: print('\n'.join(f'{k:18} {v[0]} (lr {v[2]})' for k, v in MODELS.items())); sys.exit()
    if a.table: _write_atomic(MD, md_table(load_results())); print(MD.read_text()); sys.exit()
    bad = [m for m in a.models if m not in MODELS]
    if bad or not a.models: p.error(f"unknown model(s) {bad}: choose from {', '.join(MODELS)}")
    for m in a.models: run(m, epochs=a.epochs)
