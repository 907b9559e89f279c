"""Training throughput of `Learner.fit` against a hand-written PyTorch loop: same model, data, precision, batch size.

Both train the same model, starting each timed run from the same weights, on the same in-memory Fashion-MNIST
batches in the same order (`fmnist_dls`, unshuffled) with AdamW, for `--batches` batches a run, so both compute
exactly the same numbers and any difference is the Learner's own cost (or noise); the hand-written loop does by hand
what the Learner's callbacks do (autocast around forward + loss, channels-last batches for the fast path).
Two settings: naive fp32, and the fast path (`accel_cbs`: bf16 autocast where the CPU has it + channels-last).
Two Learner set-ups: `bare` (TrainCB, DeviceCB and the speed callbacks) against a bare loop, and `full` (adds the
one-cycle schedule, MetricsCB with accuracy and loss) against a loop that also steps a one-cycle scheduler and
tracks accuracy and loss. Loop and Learner alternate within each round (order reversed every other round); both
wall-clock and process CPU time are measured (CPU time is less disturbed by other processes sharing the machine).
Usage: flock /tmp/miniai-cpu.lock python bench/learner_vs_loop.py [--rounds 10] [--batches 4] [--out bench/results/learner_vs_loop.txt]
"""
import argparse, copy, statistics, sys, time
from functools import partial
import torch, torch.nn.functional as F
from torch import optim
from miniai.datasets import fmnist_dls
from miniai.learner import Learner, TrainCB, DeviceCB
from torcheval.metrics import MulticlassAccuracy, Mean    # after miniai.learner, which silences its import warnings
import miniai.sgd  # noqa: F401  (adds Learner.fit_one_cycle)
from miniai.accel import accel_cbs, std_cbs, auto_dtype
from miniai.resnet import create_model, MODELS
from _common import Report, header

def loop_fit(model, dl, lr, dtype, cl, full):
    "A plain PyTorch training loop over `dl`; `full` adds a one-cycle schedule and accuracy/loss tracking."
    opt = optim.AdamW(model.parameters(), lr)
    sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=len(dl)) if full else None
    if full: acc, mean = MulticlassAccuracy(), Mean()
    if cl: model.to(memory_format=torch.channels_last)
    model.train()
    for xb, yb in dl:
        if cl: xb = xb.contiguous(memory_format=torch.channels_last)
        with torch.autocast('cpu', dtype=dtype, enabled=dtype != torch.float32):
            preds = model(xb)
            loss = F.cross_entropy(preds, yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
        if full:
            sched.step()
            acc.update(preds.detach().float(), yb); mean.update(loss.detach(), weight=len(xb))
    if full: acc.compute(), mean.compute()

def learner_fit(learn, full, lr):
    "The bare Learner fits plainly; the full one as every training run does: `std_cbs` and `fit_one_cycle`."
    if full: learn.fit_one_cycle(1, lr, valid=False)
    else: learn.fit(1, valid=False)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model', choices=list(MODELS), default='resnet')
    p.add_argument('--rounds', type=int, default=10)
    p.add_argument('--batches', type=int, default=4, help='training batches per timed run')
    p.add_argument('--bs', type=int, default=1024)
    p.add_argument('--lr', type=float, default=2e-2)
    p.add_argument('--out', default=None, help='also write the output to this file')
    a = p.parse_args()
    say = Report()
    fast_dtype = auto_dtype('cpu')
    header(say, f"Learner.fit vs a hand-written loop: {a.model}, batch size {a.bs}, {a.batches} batches a run, "
                f"{a.rounds} alternating rounds",
           f"command: python bench/learner_vs_loop.py {' '.join(sys.argv[1:])}; fast path = {str(fast_dtype)[6:]} autocast + channels-last")
    dls = fmnist_dls(a.bs, n_train=a.bs * a.batches, n_valid=a.bs, seed=0)
    dls.train.shuffle = False                  # the same batches in the same order for every run
    n = a.bs * a.batches
    torch.manual_seed(0)
    model0 = create_model(a.model)
    variants, models = {}, {}
    state0 = copy.deepcopy(model0.state_dict())
    for prec, dtype, cl in (('fp32', torch.float32, False), ('fast', fast_dtype, True)):
        for full in (False, True):
            tag = f"{prec} {'full' if full else 'bare'}"
            m_loop, m_learn = copy.deepcopy(model0), copy.deepcopy(model0)
            p = 'fp32' if prec == 'fp32' else 'auto'
            cbs = std_cbs('cpu', p, cl, progress=False) if full else [TrainCB(), DeviceCB('cpu'), *accel_cbs(p, cl)]
            learn = Learner(m_learn, dls, F.cross_entropy, lr=a.lr, opt_func=optim.AdamW, cbs=cbs)
            variants[f'{tag} loop'] = partial(loop_fit, m_loop, dls.train, a.lr, dtype, cl, full)
            variants[f'{tag} Learner'] = partial(learner_fit, learn, full, a.lr)
            models[f'{tag} loop'], models[f'{tag} Learner'] = m_loop, m_learn
    for f in variants.values(): f()          # warm up: oneDNN primitives, allocator
    res, cpu = {k: [] for k in variants}, {k: [] for k in variants}
    for r in range(a.rounds):
        names = list(variants)
        # pairs (loop, Learner) stay adjacent; within a pair the order flips every other round
        pairs = [names[i:i+2] for i in range(0, len(names), 2)]
        for pair in pairs:
            for k in (pair if r % 2 == 0 else pair[::-1]):
                models[k].load_state_dict(state0)   # same starting weights: the same computation every run
                t0, c0 = time.perf_counter(), time.process_time()
                variants[k]()
                secs, csecs = time.perf_counter() - t0, time.process_time() - c0
                res[k].append(n / secs); cpu[k].append(n / csecs)
                say(f"round {r+1:2d}  {k:20s} {secs:7.2f} s  {n/secs:8,.0f} images/s   CPU {csecs:7.2f} s  {n/csecs:6,.0f} images/CPU-s")
    say()
    say("(ratio = Learner throughput ÷ loop throughput in the same round; median over rounds [quartiles]; wall = images/s, "
        "CPU = images per CPU-second of this process; best/best = ratio of the fastest runs)")
    for pair in pairs:
        for unit, d in (('wall', res), ('CPU ', cpu)):
            lo, le = d[pair[0]], d[pair[1]]
            ratios = sorted(b / a_ for a_, b in zip(lo, le))
            q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
            say(f"{pair[1]:20s} vs loop, {unit}: median ratio {statistics.median(ratios):.3f} [{q[0]:.3f}, {q[2]:.3f}]; "
                f"best/best {max(le)/max(lo):.3f} (loop best {max(lo):,.0f}, Learner best {max(le):,.0f})")
    say.write(a.out)

if __name__ == '__main__': main()
