#!/usr/bin/env python3
"""Developer helper for merges: union of the entries of ours (:2) and theirs (:3) of a conflicted .resx."""
import subprocess, sys, os
for path in sys.argv[1:]:
    entries = []
    for stage in ('2', '3'):
        xml = subprocess.run(['git', 'show', f':{stage}:{path}'], capture_output=True, text=True, check=True).stdout
        tmp = f'/tmp/resx-{stage}.resx'
        open(tmp, 'w').write(xml)
        import xml.etree.ElementTree as ET
        for d in ET.parse(tmp).getroot().findall('data'):
            entries.append(f"{d.get('name')}={d.find('value').text or ''}")
    os.remove(path)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), 'resx.py'), path] + entries, check=True)
