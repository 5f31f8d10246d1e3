#!/usr/bin/env python3
"""Developer helper for merges: a three-way merge, entry by entry, of a conflicted .resx (base :1, ours :2,
theirs :3). An entry changed on one side only takes that side; changed on both sides to different values
is reported and keeps ours (fix it by hand); entries added on either side are kept."""
import subprocess, sys, os
import xml.etree.ElementTree as ET


def entries(stage, path):
    run = subprocess.run(['git', 'show', f':{stage}:{path}'], capture_output=True, text=True)
    if run.returncode != 0:
        return {}
    return {d.get('name'): (d.find('value').text or '') for d in ET.fromstring(run.stdout).findall('data')}


for path in sys.argv[1:]:
    base, ours, theirs = entries('1', path), entries('2', path), entries('3', path)
    merged = []
    for name in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(name), ours.get(name), theirs.get(name)
        if o == t or t == b:
            value = o
        elif o == b:
            value = t
        else:
            print(f'{path}: {name} changed on both sides; kept ours', file=sys.stderr)
            value = o if o is not None else t
        if value is not None:
            merged.append(f'{name}={value}')
    os.remove(path)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), 'resx.py'), path] + merged, check=True)
