#!/usr/bin/env python3
#
# Copyright (C) 2026 The mlclf authors
#
# One-time converter of the three sample data sets that Debian's
# python3-sklearn ships (iris, wine, breast cancer) into data/raw/*.csv:
# a header row with snake_case feature names and a label column, labels
# as words instead of integer codes, every value's text copied verbatim.
#
#   scripts/make-datasets.py [SRC_DIR [OUT_DIR]]
#
# SRC_DIR defaults to /usr/lib/python3/dist-packages/sklearn/datasets/data
# and OUT_DIR to data/raw next to this script's parent.  The output does
# not depend on the sklearn version beyond the source files themselves,
# uses LF line endings and is byte-for-byte reproducible.  It needs only
# the standard library (no sklearn import).

import csv
import os
import sys


SRC_DEFAULT = "/usr/lib/python3/dist-packages/sklearn/datasets/data"

IRIS_FEATURES = [
    "sepal_length", "sepal_width", "petal_length", "petal_width",
]

# sklearn's load_wine() names, with "od280/od315" made snake_case.
WINE_FEATURES = [
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium",
    "total_phenols", "flavanoids", "nonflavanoid_phenols",
    "proanthocyanins", "color_intensity", "hue",
    "od280_od315_of_diluted_wines", "proline",
]

# load_breast_cancer(): 10 measurements as mean, standard error ("error")
# and worst, in that order (field 0 mean radius, 10 radius error,
# 20 worst radius).
_BC_BASE = [
    "radius", "texture", "perimeter", "area", "smoothness", "compactness",
    "concavity", "concave_points", "symmetry", "fractal_dimension",
]
BC_FEATURES = (["mean_" + b for b in _BC_BASE]
               + [b + "_error" for b in _BC_BASE]
               + ["worst_" + b for b in _BC_BASE])

# (source file, output file, feature names, label column)
DATASETS = [
    ("iris.csv", "iris.csv", IRIS_FEATURES, "species"),
    ("wine_data.csv", "wine.csv", WINE_FEATURES, "cultivar"),
    ("breast_cancer.csv", "breast_cancer.csv", BC_FEATURES, "diagnosis"),
]


def convert(src, dst, features, label):
    """
    sklearn's layout: the first row is "n_samples,n_features,name_0,
    name_1,...", the target names in code order (so breast cancer's
    0 = malignant, 1 = benign); then one row per sample, the features
    followed by the integer class code.
    """
    with open(src, newline="") as f:
        rows = list(csv.reader(f))

    head = rows[0]
    n_samples, n_features = int(head[0]), int(head[1])
    names = head[2:]
    body = [r for r in rows[1:] if r]

    if n_features != len(features):
        sys.exit("%s: %d features, expected %d"
                 % (src, n_features, len(features)))
    if n_samples != len(body):
        sys.exit("%s: %d rows, header says %d" % (src, len(body), n_samples))

    out = [",".join(features + [label])]
    for i, r in enumerate(body):
        if len(r) != n_features + 1:
            sys.exit("%s: row %d has %d fields" % (src, i + 2, len(r)))
        code = int(r[-1])
        if not 0 <= code < len(names):
            sys.exit("%s: row %d: class code %d" % (src, i + 2, code))
        out.append(",".join(r[:-1] + [names[code]]))

    tmp = dst + ".tmp"
    with open(tmp, "w", newline="\n") as f:
        f.write("\n".join(out) + "\n")
    os.replace(tmp, dst)

    counts = {}
    for r in body:
        counts[names[int(r[-1])]] = counts.get(names[int(r[-1])], 0) + 1
    print("%s: %d rows, %d features, %s"
          % (dst, len(body), n_features,
             ", ".join("%s %d" % (n, counts.get(n, 0)) for n in names)))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src_dir = sys.argv[1] if len(sys.argv) > 1 else SRC_DEFAULT
    out_dir = (sys.argv[2] if len(sys.argv) > 2
               else os.path.join(os.path.dirname(here), "data", "raw"))

    os.makedirs(out_dir, exist_ok=True)
    for src, dst, features, label in DATASETS:
        convert(os.path.join(src_dir, src), os.path.join(out_dir, dst),
                features, label)


if __name__ == "__main__":
    main()
