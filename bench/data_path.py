"""Images/s of one full Fashion-MNIST training epoch through the two data paths of `miniai.datasets`.

(a) the lesson's path: `load_fashion_mnist().with_transform(transformi)` + `DataLoaders.from_dd`
    (PNG decode + `to_tensor` per item, `collate_dict`), then normalising each batch;
(b) `fmnist_dls`: `TensorDL` over one uint8 tensor, normalised per batch.
Both end in a normalised float32 batch of shape bs×1×28×28. The two alternate for several rounds in one run.
Usage: flock /tmp/miniai-cpu.lock python bench/data_path.py [--rounds 3] [--bs 1024] [--num-workers 0] [--out FILE]
"""
import argparse, os, platform, statistics, time
import torch
import torchvision.transforms.functional as TF
from miniai.datasets import DataLoaders, fmnist_dls, inplace, load_fashion_mnist
from _common import Report

MEAN, STD = 0.28, 0.35

@inplace
def transformi(b): b['image'] = [TF.to_tensor(o) for o in b['image']]

def epoch(dl, norm):
    "Seconds and items for one pass over `dl`, each batch normalised if `norm`."
    n, t0 = 0, time.perf_counter()
    for xb, yb in dl:
        if norm: xb = (xb - MEAN) / STD
        assert xb.dtype == torch.float32 and xb.shape[1:] == (1, 28, 28)
        n += len(xb)
    return time.perf_counter() - t0, n

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--bs', type=int, default=1024)
    p.add_argument('--num-workers', type=int, default=0)
    p.add_argument('--out', default=None, help='also write the output to this file')
    a = p.parse_args()
    say = Report()

    tds = load_fashion_mnist().with_transform(transformi)
    slow = DataLoaders.from_dd(tds, a.bs, num_workers=a.num_workers).train
    fast = fmnist_dls(a.bs).train
    say(f"# data path benchmark: one training epoch of Fashion-MNIST (60,000 images), batch size {a.bs}")
    say(f"# python {platform.python_version()}, torch {torch.__version__}, {os.cpu_count()} CPUs, "
        f"torch threads {torch.get_num_threads()}, from_dd num_workers={a.num_workers}, {a.rounds} alternating rounds")
    say(f"# load average at start (other processes share the CPUs): {' '.join(f'{l:.2f}' for l in os.getloadavg())}")
    epoch(fast, False)                                          # warm up (first-touch allocation)
    res = {'from_dd + with_transform': [], 'TensorDL': []}
    for r in range(a.rounds):
        for name, dl, norm in (('from_dd + with_transform', slow, True), ('TensorDL', fast, False)):
            secs, n = epoch(dl, norm)
            res[name].append(n / secs)
            say(f"round {r+1}  {name:26s} {secs:8.3f} s  {n/secs:12,.0f} images/s")
    say()
    say("(best = fastest round, the least disturbed by other processes on the machine; median over rounds)")
    best = {k: max(v) for k, v in res.items()}
    med = {k: statistics.median(v) for k, v in res.items()}
    for k in res: say(f"{k:26s} best {best[k]:12,.0f} images/s   median {med[k]:12,.0f} images/s")
    slow_k, fast_k = res
    say(f"ratio TensorDL / from_dd: best {best[fast_k] / best[slow_k]:.0f}x, median {med[fast_k] / med[slow_k]:.0f}x")
    say.write(a.out)

if __name__ == '__main__': main()
