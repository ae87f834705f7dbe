#!/usr/bin/env bash
# layers.sh - the layers of docs/STYLE ("The shape of the tree"), read from
# the `#include "..."` lines of the sources: protocol/ includes nothing of
# ours outside protocol/, common/ nothing of node/ or hub/, node/ and hub/
# never each other, and no module (a .c/.h pair) of any of the four folders
# takes part in an include cycle inside its folder.  Fails with the offending
# includes or every cycle found.
set -u
ROOT="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
exec python3 - "$ROOT" <<'PY'
import os, re, sys
root = sys.argv[1]
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
dirs = ["protocol", "common", "node", "hub"]
allowed = {"protocol": {"protocol"}, "common": {"protocol", "common"},
           "node": {"protocol", "common", "node"}, "hub": {"protocol", "common", "hub"}}
bad, edges = [], {}
for d in dirs:
    for name in sorted(os.listdir(os.path.join(root, d))):
        if not name.endswith((".c", ".h")):
            continue
        path = os.path.join(root, d, name)
        mod = d + "/" + name[:-2]
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for target in inc.findall(text):
            full = os.path.normpath(os.path.join(root, d, target))
            rel = os.path.relpath(full, root)
            top = rel.split(os.sep)[0]
            if top not in dirs or not os.path.exists(full):
                continue
            if top not in allowed[d]:
                bad.append("%s includes %s" % (os.path.join(d, name), rel))
            tmod = top + "/" + os.path.basename(rel)[:-2]
            if top == d and tmod != mod:
                edges.setdefault(mod, set()).add(tmod)
for b in bad:
    print("layers: " + b)
# Cycles between modules of one folder (depth-first search, colours).
colour, stack, cycles = {}, [], []
def visit(m):
    colour[m] = 1
    stack.append(m)
    for t in sorted(edges.get(m, ())):
        if colour.get(t) == 1:
            cycles.append(stack[stack.index(t):] + [t])
        elif not colour.get(t):
            visit(t)
    stack.pop()
    colour[m] = 2
sys.setrecursionlimit(10000)
for m in sorted(edges):
    if not colour.get(m):
        visit(m)
for c in cycles:
    print("layers: include cycle: " + " -> ".join(c))
if bad or cycles:
    sys.exit(1)
print("layers: ok (%d modules)" % len(edges))
PY
