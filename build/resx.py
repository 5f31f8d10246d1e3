#!/usr/bin/env python3
"""Developer helper: add or update entries in a .resx file.  usage: resx.py FILE NAME=VALUE ..."""
import sys, os
from xml.sax.saxutils import escape
HEAD = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''
import xml.etree.ElementTree as ET
path = sys.argv[1]
entries = {}
order = []
if os.path.exists(path):
    for d in ET.parse(path).getroot().findall('data'):
        n = d.get('name'); entries[n] = d.find('value').text or ''; order.append(n)
for arg in sys.argv[2:]:
    n, v = arg.split('=', 1)
    if n not in entries: order.append(n)
    entries[n] = v
with open(path, 'w', encoding='utf-8') as f:
    f.write(HEAD)
    for n in sorted(order):
        f.write(f'  <data name="{n}" xml:space="preserve"><value>{escape(entries[n])}</value></data>\n')
    f.write('</root>\n')
