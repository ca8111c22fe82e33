#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# Reference explanations of a scikit-learn forest for
# tests/test_explain_ref.c, with Debian's python3-sklearn (1.2):
#
#   /usr/bin/python3 tests/ref/sklearn_explain.py OUTDIR
#
# writes into OUTDIR
#   rf.json      a RandomForestClassifier (3 classes, 10 trees of depth
#                5, 5 features) exported by tools/mlclf-sklearn-export
#   rows.csv     60 rows: a header line, then the features
#   shap_rf.csv  per row, per class: each feature's Shapley value then
#                the base value, %.17g
#
# The Shapley values are computed here by brute force, independently of
# TreeSHAP: for every subset S of the features, the value of S at x is
# the forest's mean over its trees of each tree's expectation, where a
# split on a feature of S follows x (float32(x) <= threshold, as
# scikit-learn's trees compare) and any other split averages its
# children weighted by weighted_n_node_samples; a leaf gives its class
# distribution.  phi_j is the Shapley average of S + j against S, the
# base the value of the empty set.

import itertools
import math
import os
import sys

import numpy as np
from sklearn.ensemble import RandomForestClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import mlclf_sklearn_export as exporter  # noqa: E402

FEATURES = 5
ROWS = 60


def tree_value(t, node, x, known):
    left = t.children_left[node]
    if left == -1:
        v = t.value[node][0]
        return v / v.sum()
    f = t.feature[node]
    right = t.children_right[node]
    if f in known:
        goes_left = np.float32(x[f]) <= t.threshold[node]
        return tree_value(t, left if goes_left else right, x, known)
    w = t.weighted_n_node_samples
    return (w[left] * tree_value(t, left, x, known)
            + w[right] * tree_value(t, right, x, known)) / w[node]


def game(est, x, known):
    return np.mean([tree_value(e.tree_, 0, x, known)
                    for e in est.estimators_], axis=0)


def shapley(est, x):
    value = {}
    for r in range(FEATURES + 1):
        for s in itertools.combinations(range(FEATURES), r):
            value[s] = game(est, x, set(s))
    phi = np.zeros((3, FEATURES + 1))
    n = math.factorial(FEATURES)
    for j in range(FEATURES):
        for s, v in value.items():
            if j in s:
                continue
            w = math.factorial(len(s)) * math.factorial(FEATURES - len(s) - 1)
            phi[:, j] += w / n * (value[tuple(sorted(s + (j,)))] - v)
    phi[:, FEATURES] = value[()]
    return phi


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: sklearn_explain.py OUTDIR\n")
        return 2
    out = sys.argv[1]
    rng = np.random.default_rng(16)
    x = np.round(rng.normal(size=(2000, FEATURES)), 1)
    y = np.argmax(np.stack([x[:, 0] + x[:, 1] * x[:, 2],
                            x[:, 3] - x[:, 4],
                            0.5 * x[:, 0] * x[:, 4]], axis=1)
                  + rng.normal(scale=0.5, size=(2000, 3)), axis=1)
    est = RandomForestClassifier(n_estimators=10, max_depth=5,
                                 random_state=3, n_jobs=1).fit(x, y)
    exporter.export(est, os.path.join(out, "rf.json"))

    rows = np.round(rng.normal(size=(ROWS, FEATURES)), 1)
    with open(os.path.join(out, "rows.csv"), "w") as f:
        f.write(",".join("f%d" % j for j in range(FEATURES)) + "\n")
        for r in rows:
            f.write(",".join("%.17g" % v for v in r) + "\n")
    with open(os.path.join(out, "shap_rf.csv"), "w") as f:
        f.write(",".join("c%d_%d" % (k, j) for k in range(3)
                         for j in range(FEATURES + 1)) + "\n")
        for r in rows:
            phi = shapley(est, r)
            f.write(",".join("%.17g" % v for v in phi.reshape(-1)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
