"""Reproduce the lessons' accuracy table with `miniai-fmnist`'s own functions, one recipe at a time or all.

Each recipe is a `miniai-fmnist` command line; its results go to `results/recipes/NAME.json`, and the Markdown table
in `results/recipes.md` is rebuilt from every JSON file there (date, machine, command, accuracy, time), so recipes
can be run one by one, on different days or machines (the long ones suit a GPU).
Usage:
  python bench/recipes.py --list
  flock /tmp/miniai-cpu.lock python bench/recipes.py --only resnet-5            # one recipe (or a comma-separated list)
  python bench/recipes.py --all                                                 # everything (many CPU hours)
  python bench/recipes.py --report                                              # just rebuild results/recipes.md
Extra `miniai-fmnist` options for every recipe go after `--`, e.g. `-- --device cuda` or `-- --n-train 2048`
(runs with --n-train/--n-valid are marked as subsets in the table).
"""
import argparse, json, shlex, sys
from pathlib import Path
from miniai.datasets import atomic_write
from miniai.fmnist import parse_args, run, summary, save_json

# name: (miniai-fmnist arguments, the lesson's figure for this recipe)
RECIPES = {
    'default':         ([], 'the command with no options'),
    'cnn-5':           (['--model', 'cnn', '--epochs', '5'], 'lesson CNN, 5 epochs: 90.6%'),
    'resnet-5':        (['--model', 'resnet', '--epochs', '5'], 'ResNet, 5 epochs: 92.2%'),
    'timm-5':          (['--model', 'timm-resnet18d', '--epochs', '5'], 'timm resnet18d, 5 epochs: 92.0%'),
    'wide-5':          (['--model', 'wide', '--epochs', '5'], 'wider ResNet, 5 epochs: 92.7%'),
    'pooled-5':        (['--model', 'pooled', '--epochs', '5'], 'global-pooling ResNet, 5 epochs: 92.6%'),
    'resnet-20-tta':   (['--model', 'resnet', '--epochs', '20'], 'crop + flip, 20 epochs: 93.8%; with TTA 94.2%'),
    'resnet-50-erase': (['--model', 'resnet', '--epochs', '50'], 'crop + flip + erase, 50 epochs: 94.6%'),
    'copy-25-ens2':    (['--model', 'resnet', '--epochs', '25', '--aug', 'copy', '--lr', '2e-2', '--ensemble', '2', '--no-tta'],
                        'crop + flip + copy, 25 epochs: 94.0% and 94.1%, ensemble 94.4%'),
}

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT/'results'

def run_recipe(name, extra, seed=42):
    argv, _ = RECIPES[name]
    argv = [*argv, '--seed', str(seed), *extra]        # not --quiet: the per-epoch table shows how a long run goes
    args = parse_args(argv)
    res, _ = run(args, log=print)
    res['recipe'], res['command'] = name, 'miniai-fmnist ' + shlex.join(argv)
    save_json(res, OUT/'recipes'/f'{name}.json')
    print(f"{name}: {summary(res)}", flush=True)
    return res

def _pct(x): return f'{x:.2%}'

# The lesson's 5-epoch figures for the models of `results/resnet_table.py`
LESSON_5EP = {'cnn_deeper': '91.7%', 'resnet': '92.2%', 'wide': '92.7%', 'pooled': 'about 92.6%', 'pooled_512': '92.6%',
              'pooled_conv_stem': 'about 92.6%', 'timm_resnet18d': '92.0%'}

def other_runs() -> list:
    "Rows for the full-data runs made by the notebooks' own scripts (`results/resnet_table.py`, `results/augment_runs.py`)."
    rows = []
    f = OUT/'resnet.json'
    for name, r in (json.loads(f.read_text()) if f.exists() else {}).items():
        rows.append(f"| {r['desc']}, {r['epochs']} epochs, lr {r['max_lr']:g}, no augmentation (lesson: {LESSON_5EP.get(name, '?')}) | **{_pct(r['accuracy'])}** | "
                    f"{r['sec_per_epoch'] * r['epochs'] / 60:.1f} min | {r['finished'][:10]} | `python results/resnet_table.py {name}` |")
    for f in sorted(OUT.glob('augment_*.json')):
        r = json.loads(f.read_text())
        acc = ' / '.join(_pct(a) for a in r['accuracies'])
        if r.get('tta_accuracy') is not None: acc += f"; flip TTA {_pct(r['tta_accuracy'])}"
        if r.get('ensemble_accuracy') is not None: acc += f"; ensemble {_pct(r['ensemble_accuracy'])}"
        rows.append(f"| {r['arch']}, {r['epochs']} epochs, lr {r['lr']:g}, {r['desc']} (lesson: {r['lesson']}) | **{acc}** | "
                    f"{r['minutes']:.0f} min | {r['finished'][:10]} | `{r['command']}` |")
    return rows

def report():
    "Rebuild `results/recipes.md` from every `results/recipes/*.json`, plus the notebooks' other full-data runs."
    rows = []
    for name in RECIPES:
        f = OUT/'recipes'/f'{name}.json'
        if not f.exists(): continue
        r = json.loads(f.read_text())
        members = ', '.join(_pct(m.get('tta_accuracy', m['accuracy'])) for m in r['members']) if r['ensemble'] > 1 else ''
        no_tta = _pct(r['members'][0]['accuracy']) if r['tta'] and r['ensemble'] == 1 else ''
        subset = '' if r['n_train'] == 60000 and r['n_test'] == 10000 else f" (subset: {r['n_train']} train / {r['n_test']} test)"
        mins = r['seconds'] / 60
        rows.append(f"| {name} | {r['model']} | {r['epochs']} | {r['aug']} | {'yes' if r['tta'] else 'no'} | {r['ensemble']} | "
                    f"**{_pct(r['accuracy'])}**{subset} | {no_tta} | {members} | {RECIPES[name][1]} | {mins:.1f} min, {r['device']}, "
                    f"{r['precision']} | {r['date'][:10]} | `{r['command']}` |")
        mach = f"{r.get('machine', '')}, {r.get('cpus', '?')} CPUs, torch {r.get('torch', '?')}"
        rows[-1] = rows[-1][:-1] + f" {mach} |"
    lines = ["# Fashion-MNIST recipes, reproduced", "",
             "Produced by `python bench/recipes.py` (each row from `results/recipes/NAME.json`, written by the run itself).",
             "Test accuracy on the 10,000 Fashion-MNIST test images unless marked as a subset; the lesson's figures (GPU runs",
             "from the lesson) are quoted for comparison. Recipes not listed have not been run yet: "
             f"{', '.join(n for n in RECIPES if not (OUT/'recipes'/f'{n}.json').exists()) or 'none'}.", "",
             "| recipe | model | epochs | augmentation | TTA | ensemble | accuracy | without TTA | members | lesson | time | date | command, machine |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|", *rows]
    if (other := other_runs()):
        lines += ["", "### The notebooks' other full-data runs", "",
                  "Made with the library directly by the scripts that fill the notebooks' results tables (`nbs/07_resnet.ipynb`,",
                  "`nbs/08_augment.ipynb`); same machine, bf16 autocast + channels-last, AdamW with one-cycle, batch size 1024.", "",
                  "| run | test accuracy | time | date | command |", "|---|---|---|---|---|", *other]
    atomic_write(OUT/'recipes.md', lambda f: f.write(('\n'.join(lines) + '\n').encode()), mkdir=True)
    print('\n'.join(lines))

def main():
    argv = sys.argv[1:]
    extra = argv[argv.index('--') + 1:] if '--' in argv else []
    if '--' in argv: argv = argv[:argv.index('--')]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog='\n'.join(__doc__.splitlines()[1:]))
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument('--only', help='comma-separated recipe names to run')
    g.add_argument('--all', action='store_true', help='run every recipe (hours on a CPU)')
    g.add_argument('--list', action='store_true', help='list the recipes and their commands')
    g.add_argument('--report', action='store_true', help='only rebuild results/recipes.md')
    p.add_argument('--seed', type=int, default=42)
    a = p.parse_args(argv)
    if a.list:
        for n, (args, lesson) in RECIPES.items(): print(f"{n:16s} miniai-fmnist {shlex.join(args):55s} # lesson: {lesson}")
        return
    names = list(RECIPES) if a.all else [] if a.report else a.only.split(',')
    bad = [n for n in names if n not in RECIPES]
    if bad: p.error(f"unknown recipe(s) {', '.join(bad)}: choose from {', '.join(RECIPES)}")
    for n in names: run_recipe(n, extra, a.seed)
    report()

if __name__ == '__main__': main()
