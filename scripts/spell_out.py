"""Spell out the settings a recorded run's command relied on, after a default changed (the drift test in nbs/12b_report).

For each results/runs/*.json whose command no longer gives its recorded settings, the flags it now needs are added
after `miniai-fmnist`; `recorded_command` keeps the command as it was run, and `check` says why it changed.
Usage: python scripts/spell_out.py --why "when the speedrun recipe became the default at every budget" [--dry-run]
"""
import argparse, datetime, json, shlex
from pathlib import Path
from miniai.settings import SETTINGS
from miniai.report import drift

def flag(k, v) -> list:
    o = '--' + k.replace('_', '-')
    if isinstance(v, bool): return [o] if v else ['--no-' + k.replace('_', '-')]
    return [o, f'{v:g}' if isinstance(v, float) else str(v)]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--why', required=True, help='what changed, for the record')
    p.add_argument('--folder', default='results/runs')
    p.add_argument('--dry-run', action='store_true')
    a = p.parse_args()
    note = f"spelled out ({datetime.date.today()}) {a.why}: the command above gives this run's settings under today's defaults"
    for f in sorted(Path(a.folder).glob('*.json')):
        text = f.read_text(); r = json.loads(text)
        if not (d := drift(r)): continue
        words = shlex.split(r['command'])
        r.setdefault('recorded_command', r['command'])
        r['command'] = shlex.join(words[:1] + [x for k in SETTINGS if k in d for x in flag(k, d[k][0])] + words[1:])
        r['check'] = (r['check'] + '; ' if r.get('check') else '') + note
        assert not drift(r), (f.name, drift(r))
        print(f"{f.name}: {r['command']}")
        if a.dry_run: continue
        line = text.split('\n')[1]
        f.write_text(json.dumps(r, indent=len(line) - len(line.lstrip(' ')), ensure_ascii=False) + '\n' * text.endswith('\n'))

if __name__ == '__main__': main()
