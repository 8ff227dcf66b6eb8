#!/usr/bin/env python3
"""The cells of `findmnt -J` (or `lsns -J`) output as input for scols-table.

usage: json-to-table.py WIDTH KEY 'NAME:HINT:FLAGS,...' [N] < JSON
KEY is the top-level JSON key (filesystems); each column is its header, its
width hint and its flags joined by '+' (tree+noextremes); N: no headings."""
import json
import sys

width = sys.argv[1]
key = sys.argv[2]
cols = [c.rsplit(":", 2) for c in sys.argv[3].split(",")]
noh = len(sys.argv) > 4 and sys.argv[4] == "N"
data = json.load(sys.stdin)
out = [f"W {width}"]
if noh:
    out.append("N")
for name, hint, flags in cols:
    out.append(f"C {name}\t{hint}\t{flags.replace('+', ',')}")


def esc(v):
    if v is None:
        return ""
    if isinstance(v, list):
        v = "\n".join(v)
    v = str(v)
    if isinstance(v, bool):
        v = "true" if v else "false"
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\x09")


n = [0]


def walk(items, parent):
    for it in items:
        idx = n[0]
        n[0] += 1
        cells = [esc(it.get(name.lower())) for name, _, _ in cols]
        out.append("L " + str(parent) + "\t" + "\t".join(cells))
        walk(it.get("children", []), idx)


walk(data[key], -1)
print("\n".join(out))
