#!/usr/bin/env python
"""Execute notebooks in place to refresh their saved outputs, skipping cells marked `#| slow` (or other flags).

`jupyter nbconvert --execute` runs every cell, including full-data training marked `#| slow` (an hour on a CPU).
This runs what `nbdev_test` runs, in the notebook's folder, and writes the new outputs into the notebook; the
skipped cells keep the outputs they had. Run `nbdev_clean` afterwards, as before any commit.
Usage: python scripts/run_nb.py nbs/08_augment.ipynb [more notebooks] [--run-flags slow] [--timeout 1800]
"""
import argparse, copy, os, re, tempfile
from pathlib import Path
import nbformat
from nbclient import NotebookClient

FLAG = re.compile(r'^\s*#\s*\|\s*(\w+)\s*$', re.M)
NO_EVAL = re.compile(r'^\s*#\s*\|\s*eval\s*:\s*false\s*$', re.M)

def cell_flags(src) -> set:
    "The nbdev test flags (`#| slow`, ...) at the top of a code cell."
    return {f for f in FLAG.findall(src) if f not in ('export', 'exporti', 'hide', 'default_exp', 'eval')}

def run(path, skip=('slow',), timeout=1800):
    "Execute `path` without the cells flagged with any of `skip`; put the new outputs into it, atomically."
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    todo = copy.deepcopy(nb)
    keep = [c.cell_type == 'code' and not (cell_flags(c.source) & set(skip)) and not NO_EVAL.search(c.source) for c in nb.cells]
    todo.cells = [c for c, k in zip(todo.cells, keep) if k]
    os.environ.pop('MPLBACKEND', None)       # a non-interactive backend (Agg) would drop every plot from the outputs
    NotebookClient(todo, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
    done = iter(todo.cells)
    for c, k in zip(nb.cells, keep):
        if k:
            new = next(done)
            c.outputs, c.execution_count = new.outputs, new.execution_count
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix='.ipynb.tmp')
    with os.fdopen(fd, 'w') as f: nbformat.write(nb, f)
    os.replace(tmp, path)
    print(f"{path}: ran {sum(keep)} code cells, skipped {sum(c.cell_type == 'code' for c in nb.cells) - sum(keep)}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('notebooks', nargs='+')
    p.add_argument('--run-flags', default='', help="comma-separated flags whose cells to run too, e.g. 'slow'")
    p.add_argument('--timeout', type=int, default=1800, help='seconds per cell')
    a = p.parse_args()
    skip = {'slow'} - set(filter(None, a.run_flags.split(',')))
    for nbp in a.notebooks: run(nbp, skip, a.timeout)
