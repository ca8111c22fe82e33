#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# Rewrites the tree_sizes line of hand-written LightGBM model.txt fixtures
# (tests/fixtures/lightgbm/) after an edit: LightGBM finds tree i at the
# sum of the sizes before it, in bytes from the first "Tree=" line
# (GBDT::LoadModelFromString), a block running up to the next "Tree=" or
# "end of trees" line.  Files without a tree_sizes line are left alone.
#
# Usage: lightgbm_sizes.py FILE...

import sys


def fix(path):
    with open(path, "rb") as f:
        data = f.read()

    lines = data.splitlines(keepends=True)
    starts = []
    pos = 0
    for line in lines:
        if line.startswith(b"Tree=") or line.rstrip(b"\r\n") == b"end of trees":
            starts.append(pos)
        if line.rstrip(b"\r\n") == b"end of trees":
            break
        pos += len(line)

    sizes = [b - a for a, b in zip(starts, starts[1:])]
    new = b"tree_sizes=" + b" ".join(b"%d" % s for s in sizes)
    out = []
    for line in lines:
        if line.startswith(b"tree_sizes="):
            end = line[len(line.rstrip(b"\r\n")):]
            line = new + end
        out.append(line)

    with open(path, "wb") as f:
        f.write(b"".join(out))


for p in sys.argv[1:]:
    fix(p)
