#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# Reference explanations for tests/test_explain_ref.c, made with Debian's
# python3-xgboost (1.7.4):
#
#   /usr/bin/python3 tests/ref/xgboost_explain.py OUTDIR
#
# writes into OUTDIR
#   binary.{json,ubj}     binary:logistic, 100 trees of depth 6 (hist)
#   softprob.{json,ubj}   multi:softprob, 3 classes, 100 rounds of depth 6
#                         (hist)
#   rows.csv              1,200 rows to explain: a header line, then the
#                         features, an empty field for a missing value
#                         (about 10% of them, in every column)
#   contribs_<model>.csv  Booster.predict(..., pred_contribs=True) for
#                         each row: per output k (one for binary), the
#                         features' contributions to its margin then the
#                         bias, %.17g; output k's columns follow k - 1's
#
# pred_contribs is XGBoost's path-dependent TreeSHAP over each node's
# sum_hessian; its bias column holds the base margin plus each tree's
# cover-weighted mean leaf.  The script also checks XGBoost's own
# promise that each row's contributions sum to its output_margin.

import os
import sys

import numpy as np
import xgboost as xgb

ROWS = 1200
TRAIN = 5000
FEATURES = 10


def features(rng, n):
    x = rng.normal(size=(n, FEATURES))
    x[:, 2] = np.round(x[:, 2], 1)
    x[:, 3] = rng.integers(0, 6, size=n)
    x[rng.random(size=x.shape) < 0.10] = np.nan
    return x


def labels(x, n_classes, rng):
    z = np.nan_to_num(x, nan=0.0)
    s = np.stack([z[:, 0] + 0.5 * z[:, 1] * z[:, 2] - z[:, 9],
                  z[:, 3] - z[:, 4] + 0.3 * z[:, 5] * z[:, 8],
                  np.sin(z[:, 6]) + z[:, 7]], axis=1)
    s += rng.normal(scale=0.5, size=s.shape)
    if n_classes == 2:
        return (s[:, 0] > 0.1).astype(int)
    return np.argmax(s[:, :n_classes], axis=1)


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join("" if np.isnan(v) else "%.17g" % v
                             for v in r) + "\n")


def one(out, name, params, x_train, y, x):
    dtrain = xgb.DMatrix(x_train, label=y)
    bst = xgb.train(dict(params, max_depth=6, tree_method="hist", eta=0.1,
                         nthread=1, seed=5),
                    dtrain, num_boost_round=100)
    bst.save_model(os.path.join(out, name + ".json"))
    bst.save_model(os.path.join(out, name + ".ubj"))

    dx = xgb.DMatrix(x)
    c = bst.predict(dx, pred_contribs=True).astype(np.float64)
    margin = bst.predict(dx, output_margin=True).astype(np.float64)
    if c.ndim == 2:
        c = c[:, np.newaxis, :]
        margin = margin[:, np.newaxis]
    if np.max(np.abs(c.sum(axis=2) - margin)) > 1e-4:
        sys.stderr.write("%s: contributions do not sum to the margin\n"
                         % name)
        return 1

    k = c.shape[1]
    header = ["o%d_%s" % (o, "bias" if j == FEATURES else "f%d" % j)
              for o in range(k) for j in range(FEATURES + 1)]
    write_csv(os.path.join(out, "contribs_%s.csv" % name), header,
              c.reshape(len(x), k * (FEATURES + 1)))
    return 0


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: xgboost_explain.py OUTDIR\n")
        return 2

    out = sys.argv[1]
    rng = np.random.default_rng(20261202)
    x_train = features(rng, TRAIN)
    x = features(rng, ROWS)

    write_csv(os.path.join(out, "rows.csv"),
              ["f%d" % j for j in range(FEATURES)], x)

    rc = one(out, "binary", {"objective": "binary:logistic"}, x_train,
             labels(x_train, 2, rng), x)
    if rc == 0:
        rc = one(out, "softprob", {"objective": "multi:softprob",
                                   "num_class": 3},
                 x_train, labels(x_train, 3, rng), x)
    return rc


if __name__ == "__main__":
    sys.exit(main())
