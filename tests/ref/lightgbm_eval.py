#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# Reference scorer of a LightGBM model.txt, for tests/test_import_lightgbm.c.
#
# No LightGBM is packaged on this machine (Debian has no python3-lightgbm),
# so the expected probabilities come from this script, written apart from
# the C importer from LightGBM's published rules (LightGBM v4 sources):
#
#   - Input: the predict paths keep a feature value only when
#     |x| > kZeroThreshold or x is NaN; the others are read as 0.0
#     (src/c_api.cpp RowFunctionFromDenseMatrix, src/io/parser.hpp;
#     kZeroThreshold = 1e-35f in include/LightGBM/meta.h).
#   - A split node (include/LightGBM/tree.h, NumericalDecision): missing
#     type = (decision_type >> 2) & 3 (0 None, 1 Zero, 2 NaN); a NaN is
#     read as 0.0 unless the type is NaN; if (type Zero and |x| <=
#     kZeroThreshold) or (type NaN and x is NaN) the node sends x to the
#     default side (decision_type & 2: left); else left when x <= threshold.
#     A child c >= 0 is a split node, c < 0 is leaf ~c.  A tree of one
#     leaf gives leaf_value[0].
#   - Output k sums trees k, k + K, ... (K = num_tree_per_iteration), in
#     file order, divided by the iterations with average_output
#     (src/boosting/gbdt_prediction.cpp), then the objective's
#     ConvertOutput: binary 1 / (1 + exp(-sigmoid z)) (reported as
#     [1 - p, p], as predict_proba does); multiclass softmax; multiclassova
#     each class's own sigmoid.
#
# Usage: lightgbm_eval.py MODEL.txt ROWS.csv OUT.csv
# ROWS.csv has a header line; an empty field is NaN.  OUT.csv gets a header
# line and one row of class probabilities per input row, as %.17g.

import math
import struct
import sys

K_ZERO = struct.unpack("<f", struct.pack("<f", 1e-35))[0]


def read_model(path):
    with open(path, "rb") as f:
        lines = f.read().decode("ascii").splitlines()

    header = {}
    trees = []
    i = 0
    assert lines[0] == "tree", "first line"
    i = 1
    while not lines[i].startswith("Tree=") and lines[i] != "end of trees":
        if lines[i]:
            key, _, value = lines[i].partition("=")
            header[key] = value
        i += 1

    while lines[i].startswith("Tree="):
        i += 1
        tree = {}
        while lines[i] != "":
            key, _, value = lines[i].partition("=")
            tree[key] = value
            i += 1
        trees.append(tree)
        while lines[i] == "":
            i += 1

    assert lines[i] == "end of trees", "end of trees"
    return header, trees


def numbers(text, kind):
    return [kind(v) for v in text.split()]


class Tree:
    def __init__(self, t):
        self.leaves = int(t["num_leaves"])
        self.leaf_value = numbers(t["leaf_value"], float)
        assert len(self.leaf_value) == self.leaves
        if self.leaves == 1:
            return
        n = self.leaves - 1
        self.feature = numbers(t["split_feature"], int)
        self.threshold = numbers(t["threshold"], float)
        self.decision = numbers(t.get("decision_type", " ".join(["0"] * n)),
                                int)
        self.left = numbers(t["left_child"], int)
        self.right = numbers(t["right_child"], int)
        for a in (self.feature, self.threshold, self.decision, self.left,
                  self.right):
            assert len(a) == n
        assert all(d & 1 == 0 for d in self.decision), "categorical"
        assert t.get("is_linear", "0") == "0", "linear"

    def score(self, x):
        if self.leaves == 1:
            return self.leaf_value[0]
        node = 0
        while node >= 0:
            d = self.decision[node]
            missing = (d >> 2) & 3
            v = x[self.feature[node]]
            if math.isnan(v) and missing != 2:
                v = 0.0
            if (missing == 1 and -K_ZERO <= v <= K_ZERO) or \
               (missing == 2 and math.isnan(v)):
                node = self.left[node] if d & 2 else self.right[node]
            elif v <= self.threshold[node]:
                node = self.left[node]
            else:
                node = self.right[node]
        return self.leaf_value[~node]


def sigmoid(s, z):
    return 1.0 / (1.0 + math.exp(-s * z))


def probabilities(header, trees, x):
    per_iter = int(header.get("num_tree_per_iteration", header["num_class"]))
    words = header["objective"].split()
    params = dict(w.split(":", 1) for w in words[1:] if ":" in w)
    x = [0.0 if not math.isnan(v) and abs(v) <= K_ZERO else v for v in x]

    z = [0.0] * per_iter
    for t, tree in enumerate(trees):
        z[t % per_iter] += tree.score(x)

    if "average_output" in header:
        z = [v / (len(trees) // per_iter) for v in z]

    if words[0] == "binary":
        p = sigmoid(float(params["sigmoid"]), z[0])
        return [1.0 - p, p]
    if words[0] == "multiclassova":
        return [sigmoid(float(params["sigmoid"]), v) for v in z]
    assert words[0] == "multiclass", words[0]
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


def main():
    model, rows, out = sys.argv[1:4]
    header, blocks = read_model(model)
    trees = [Tree(b) for b in blocks]

    with open(rows) as f:
        lines = f.read().splitlines()[1:]

    result = []
    for line in lines:
        x = [float(v) if v != "" else math.nan for v in line.split(",")]
        result.append(probabilities(header, trees, x))

    with open(out, "w") as f:
        f.write(",".join("p%d" % k for k in range(len(result[0]))) + "\n")
        for p in result:
            f.write(",".join("%.17g" % v for v in p) + "\n")


if __name__ == "__main__":
    main()
