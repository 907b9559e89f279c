"""Shared helpers for the benchmark scripts: output recording, machine description, model choice."""
import datetime, os, platform, statistics, time
import torch
from miniai.files import atomic_write, machine_info

class Report:
    "Print lines as they come and keep them, to write to a file (atomically) at the end."
    def __init__(self): self.lines = []
    def __call__(self, s=''):
        print(s, flush=True); self.lines.append(str(s))
    def write(self, path):
        if path: atomic_write(path, lambda f: f.write(('\n'.join(self.lines) + '\n').encode()), mkdir=True)

def machine() -> str:
    "One line describing the machine and software."
    from miniai.accel import cpu_bf16_fast
    return (f"{machine_info()}, {os.cpu_count()} CPUs (torch threads {torch.get_num_threads()}, native bf16 {cpu_bf16_fast()}); "
            f"python {platform.python_version()}, torch {torch.__version__}")

def header(say, title, extra=''):
    say(f"# {title}")
    say(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {machine()}")
    if extra: say(f"# {extra}")
    say(f"# load average at start (other processes share the CPUs): {' '.join(f'{l:.2f}' for l in os.getloadavg())}")

def summarise(say, res, base, unit='images/s'):
    "Best and median of each variant's rounds, and each one's ratio to `base` (best/best and median of per-round ratios)."
    say()
    say("(best = fastest round, the least disturbed by other processes; ratios: median of the per-round ratios, "
        "which compare runs made seconds apart)")
    w = max(map(len, res))
    for k, v in res.items():
        ratios = [a / b for a, b in zip(v, res[base])]
        say(f"{k:{w}s}  best {max(v):9,.0f} {unit}  median {statistics.median(v):9,.0f} {unit}"
            + ('' if k == base else f"   ratio to {base}: {statistics.median(ratios):.3f} (best/best {max(v)/max(res[base]):.3f})"))

def time_rounds(say, learns, rounds, n_items):
    "Warm each learner up with one fit, then time `rounds` alternating rounds of `fit(1)`; images/s per round, per learner."
    w = max(map(len, learns))
    for k, learn in learns.items():          # warm up: oneDNN primitives, allocator, compilation
        t0 = time.perf_counter(); learn.fit(1, valid=False)
        say(f"warm-up {k:{w}s} {time.perf_counter() - t0:7.1f} s")
    res = {k: [] for k in learns}
    for r in range(rounds):
        for k in (list(learns) if r % 2 == 0 else list(learns)[::-1]):
            t0 = time.perf_counter(); learns[k].fit(1, valid=False); secs = time.perf_counter() - t0
            res[k].append(n_items / secs)
            say(f"round {r+1}  {k:{w}s} {secs:7.2f} s  {n_items/secs:8,.0f} images/s")
    return res
