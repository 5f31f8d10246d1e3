#!/usr/bin/env python3
"""Developer helper for merges: resolve conflict blocks by keeping both sides (ours, then theirs lines
not already present). Good for append-only lists: manifest cmdlet lists, format views. usage: merge-union.py FILE..."""
import sys, re
for path in sys.argv[1:]:
    text = open(path, encoding='utf-8-sig').read()
    out, i = [], 0
    pat = re.compile(r'<<<<<<< [^\n]*\n(.*?)=======\n(.*?)>>>>>>> [^\n]*\n', re.S)
    def rep(m):
        ours, theirs = m.group(1), m.group(2)
        return ours + theirs
    new = pat.sub(rep, text)
    open(path, 'w', encoding='utf-8').write(new)
