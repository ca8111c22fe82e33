#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# Reference models for tests/test_import_xgboost.c, made with Debian's
# python3-xgboost (1.7.4):
#
#   /usr/bin/python3 tests/ref/xgboost_models.py OUTDIR
#
# writes into OUTDIR
#   binary.{json,ubj}     binary:logistic, 50 trees of depth 4 (hist),
#                         base_score 0.3, so the base margin is a logit
#   softprob.{json,ubj}   multi:softprob, 3 classes, 30 rounds of depth 5
#                         (exact: thresholds between data values)
#   softmax.{json,ubj}    multi:softmax, 4 classes, 20 rounds of depth 6
#                         (hist), trained through xgb.train with feature
#                         names, which the model keeps
#   early.json            binary:logistic trained with early stopping: its
#                         rounds after the best one make XGBoost answer
#                         two ways, and the importer refuses it
#   early_best.json       the same model's best rounds (booster[:best+1]),
#                         which predict_proba uses
#   rows.csv              10,000 rows to predict: a header line, then the
#                         features, an empty field for a missing value
#                         (about 10% of them)
#   expected_<model>.csv  XGBoost's probabilities for each row, one
#                         column per class, %.17g
#
# The probabilities are XGBClassifier.predict_proba for binary and
# softprob.  multi:softmax has no predict_proba (it predicts a class), so
# for it the same model is loaded with its objective renamed to
# multi:softprob -- the same trees and base margin, with XGBoost's own
# softmax on top -- and its inplace_predict gives the probabilities; the
# script checks that their arg max is the class the softmax model
# predicts.
#
# The data has features rounded to one decimal and small integers, so
# that many values fall exactly on hist's split thresholds (XGBoost
# sends x left when x < threshold, in float32), and NaN in every column.

import json
import os
import sys

import numpy as np
import xgboost as xgb

ROWS = 10000
TRAIN = 4000
FEATURES = 8
NAMES = ["age", "income", "score.1", "clicks", "ratio", "level", "x_6",
         "big"]


def features(rng, n):
    x = rng.normal(size=(n, FEATURES))
    x[:, 2] = np.round(x[:, 2], 1)
    x[:, 3] = np.round(x[:, 3] * 3.0)
    x[:, 5] = rng.integers(0, 5, size=n)
    x[:, 7] = x[:, 7] * 1e4 + 1e5
    x[rng.random(size=x.shape) < 0.10] = np.nan
    return x


def labels(x, n_classes, rng):
    z = np.nan_to_num(x, nan=0.0)
    s = np.stack([z[:, 0] + 0.5 * z[:, 1] * z[:, 2],
                  z[:, 3] - z[:, 4] + 0.3 * z[:, 5],
                  np.sin(z[:, 6]) + (z[:, 7] - 1e5) / 1e4,
                  z[:, 2] * z[:, 5] - z[:, 0]], axis=1)
    s += rng.normal(scale=0.5, size=s.shape)
    if n_classes == 2:
        return (s[:, 0] > 0.2).astype(int)
    return np.argmax(s[:, :n_classes], axis=1)


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join("" if np.isnan(v) else "%.17g" % v
                             for v in r) + "\n")


def save(model, out, name):
    model.save_model(os.path.join(out, name + ".json"))
    model.save_model(os.path.join(out, name + ".ubj"))


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: xgboost_models.py OUTDIR\n")
        return 2

    out = sys.argv[1]
    rng = np.random.default_rng(20260412)
    x_train = features(rng, TRAIN)
    x = features(rng, ROWS)

    write_csv(os.path.join(out, "rows.csv"), NAMES, x)

    # binary:logistic
    y = labels(x_train, 2, rng)
    clf = xgb.XGBClassifier(n_estimators=50, max_depth=4,
                            tree_method="hist", base_score=0.3,
                            learning_rate=0.3, n_jobs=1, random_state=1)
    clf.fit(x_train, y)
    save(clf, out, "binary")
    write_csv(os.path.join(out, "expected_binary.csv"), ["p0", "p1"],
              clf.predict_proba(x).astype(np.float64))

    # early stopping: predict_proba uses the best rounds only
    y = labels(x_train, 2, rng)
    y_eval = labels(x_train[:1000], 2, rng)
    clf = xgb.XGBClassifier(n_estimators=300, max_depth=5,
                            tree_method="hist", learning_rate=0.5,
                            early_stopping_rounds=3, n_jobs=1,
                            random_state=4)
    clf.fit(x_train[1000:], y[1000:], eval_set=[(x_train[:1000], y_eval)],
            verbose=False)
    best = clf.best_iteration
    if best + 1 >= clf.get_booster().num_boosted_rounds():
        sys.stderr.write("early: training did not stop early\n")
        return 1
    clf.save_model(os.path.join(out, "early.json"))
    clf.get_booster()[:best + 1].save_model(
        os.path.join(out, "early_best.json"))
    write_csv(os.path.join(out, "expected_early.csv"), ["p0", "p1"],
              clf.predict_proba(x).astype(np.float64))

    # multi:softprob, 3 classes
    y = labels(x_train, 3, rng)
    clf = xgb.XGBClassifier(n_estimators=30, max_depth=5,
                            tree_method="exact", objective="multi:softprob",
                            n_jobs=1, random_state=2)
    clf.fit(x_train, y)
    save(clf, out, "softprob")
    write_csv(os.path.join(out, "expected_softprob.csv"),
              ["p0", "p1", "p2"], clf.predict_proba(x).astype(np.float64))

    # multi:softmax, 4 classes, with feature names
    y = labels(x_train, 4, rng)
    dtrain = xgb.DMatrix(x_train, label=y, feature_names=NAMES)
    bst = xgb.train({"objective": "multi:softmax", "num_class": 4,
                     "max_depth": 6, "tree_method": "hist", "eta": 0.5,
                     "nthread": 1, "seed": 3}, dtrain, num_boost_round=20)
    save(bst, out, "softmax")

    doc = json.loads(bytes(bst.save_raw("json")))
    doc["learner"]["objective"]["name"] = "multi:softprob"
    prob = xgb.Booster(params={"nthread": 1})
    prob.load_model(bytearray(json.dumps(doc).encode()))
    p = prob.inplace_predict(x).astype(np.float64)

    cls = bst.inplace_predict(x)
    top = np.sort(p, axis=1)
    clear = top[:, -1] - top[:, -2] > 1e-6
    if not np.array_equal(np.argmax(p, axis=1)[clear], cls[clear]):
        sys.stderr.write("softmax: softprob's arg max is not the class\n")
        return 1

    write_csv(os.path.join(out, "expected_softmax.csv"),
              ["p%d" % k for k in range(4)], p)

    return 0


if __name__ == "__main__":
    sys.exit(main())
