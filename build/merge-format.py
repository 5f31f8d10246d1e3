#!/usr/bin/env python3
"""Developer helper for merges: the union of the <View> elements of ours (:2) and theirs (:3) of a
conflicted format.ps1xml, by view name, kept in order (ours first). usage: merge-format.py FILE"""
import re, subprocess, sys
path = sys.argv[1]
ours = subprocess.run(['git', 'show', f':2:{path}'], capture_output=True, text=True, check=True).stdout
theirs = subprocess.run(['git', 'show', f':3:{path}'], capture_output=True, text=True, check=True).stdout
view = re.compile(r'[ \t]*<View>.*?</View>\n', re.S)
seen, views = set(), []
for text in (ours, theirs):
    for v in view.findall(text):
        name = re.search(r'<Name>(.*?)</Name>', v).group(1)
        if name not in seen:
            seen.add(name); views.append(v)
head = ours[:ours.index('<ViewDefinitions>') + len('<ViewDefinitions>')] + '\n'
tail = '  </ViewDefinitions>' + ours[ours.index('</ViewDefinitions>') + len('</ViewDefinitions>'):]
open(path, 'w', encoding='utf-8').write(head + ''.join(views) + tail)
