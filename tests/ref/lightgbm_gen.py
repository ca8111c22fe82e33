#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# Writes a random LightGBM model.txt for tests/test_import_lightgbm.c, in
# the layout LightGBM writes (GBDT::SaveModelToString, Tree::ToString):
# no LightGBM is packaged on this machine, so the larger test models are
# made here from the format's rules rather than by training.
#
# Trees grow as LightGBM grows them (Tree::Split): splitting leaf l makes
# split node s = num_leaves - 1, whose left child is leaf l (~l) and whose
# right child is the new leaf num_leaves (~num_leaves); the parent that
# pointed at ~l now points at s.  Thresholds come from a pool of quarters
# in [-4, 4] plus 0 and +-kZeroThreshold, so that rows drawn from the
# same pool land on them exactly; decision types are every numerical
# combination of default-left and the None, Zero and NaN missing types.
#
# Usage: lightgbm_gen.py SEED OBJECTIVE OUT
#   OBJECTIVE: binary, multiclass, multiclassova or average (binary with
#   average_output)

import random
import struct
import sys

K_ZERO = struct.unpack("<f", struct.pack("<f", 1e-35))[0]
FEATURES = 6
DECISIONS = [0, 2, 4, 6, 8, 10]
POOL = [k / 4.0 for k in range(-16, 17)] + [K_ZERO, -K_ZERO]


def grow(rng, leaves):
    feature, threshold, decision, left, right = [], [], [], [], []
    parent = {0: None}      # leaf -> (node, side) that points at it
    for s in range(leaves - 1):
        leaf = rng.randrange(s + 1)
        where = parent[leaf]
        if where is not None:
            (left if where[1] == 0 else right)[where[0]] = s
        feature.append(rng.randrange(FEATURES))
        threshold.append(rng.choice(POOL))
        decision.append(rng.choice(DECISIONS))
        left.append(~leaf)
        right.append(~(s + 1))
        parent[leaf] = (s, 0)
        parent[s + 1] = (s, 1)
    return feature, threshold, decision, left, right


def counts(rng, left, right, leaves):
    """Rows per leaf, and per split the sum of its children's: the
    internal_count and leaf_count LightGBM writes, consistent as
    mlclf's NODE_COVER check wants them."""
    leaf = [rng.randrange(1, 50) for _ in range(leaves)]
    internal = [0] * (leaves - 1)

    def rows(child):
        return leaf[~child] if child < 0 else total(child)

    def total(s):
        internal[s] = rows(left[s]) + rows(right[s])
        return internal[s]

    if leaves > 1:
        total(0)
    return internal, leaf


def join(values):
    return " ".join(repr(v) if isinstance(v, float) else str(v)
                    for v in values)


def tree_text(rng, index):
    leaves = rng.choice([1, 2, 3, 5, 8, 13, 21, 31])
    feature, threshold, decision, left, right = grow(rng, leaves)
    values = [rng.gauss(0.0, 0.5) for _ in range(leaves)]
    internal, leaf = counts(rng, left, right, leaves)
    n = leaves - 1
    lines = [
        "Tree=%d" % index,
        "num_leaves=%d" % leaves,
        "num_cat=0",
        "split_feature=" + join(feature),
        "split_gain=" + join([1] * n),
        "threshold=" + join(threshold),
        "decision_type=" + join(decision),
        "left_child=" + join(left),
        "right_child=" + join(right),
        "leaf_value=" + join(values),
        "leaf_weight=" + join([1] * leaves),
        "leaf_count=" + join(leaf),
        "internal_value=" + join([0] * n),
        "internal_weight=" + join([1] * n),
        "internal_count=" + join(internal),
        "is_linear=0",
        "shrinkage=0.1",
    ]
    return "\n".join(lines) + "\n\n\n"


def main():
    seed, objective, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rng = random.Random(seed)
    classes = 4 if objective.startswith("multiclass") else 1
    iterations = 30
    objectives = {
        "binary": "binary sigmoid:1",
        "average": "binary sigmoid:1",
        "multiclass": "multiclass num_class:4",
        "multiclassova": "multiclassova num_class:4 sigmoid:1",
    }

    trees = [tree_text(rng, i) for i in range(iterations * classes)]
    header = [
        "tree",
        "version=v4",
        "num_class=%d" % classes,
        "num_tree_per_iteration=%d" % classes,
        "label_index=0",
        "max_feature_idx=%d" % (FEATURES - 1),
        "objective=" + objectives[objective],
    ]
    if objective == "average":
        header.append("average_output")
    header += [
        "feature_names=" + " ".join("f_%d" % j for j in range(FEATURES)),
        "feature_infos=" + " ".join(["[-4:4]"] * FEATURES),
        "tree_sizes=" + " ".join(str(len(t)) for t in trees),
        "",
    ]

    with open(out, "w") as f:
        f.write("\n".join(header) + "\n")
        f.write("".join(trees))
        f.write("end of trees\n\nfeature_importances:\n\nparameters:\n"
                "[boosting: gbdt]\n\nend of parameters\n\n"
                "pandas_categorical:null\n")


if __name__ == "__main__":
    main()
