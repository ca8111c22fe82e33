#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# XGBoost's test accuracy with the hyperparameters of a gbt training
# configuration, on the split mlclf-train published (Debian's
# python3-xgboost 1.7.4, tree_method hist): the reference behind the
# gbt accuracy floors of tests/test_train_cli.c and bench/accuracy.sh.
#
#   /usr/bin/python3 tests/ref/xgboost_gbt_accuracy.py CONFIG.yaml VERSION_DIR
#
# VERSION_DIR is the version mlclf-train published from CONFIG.yaml
# (its train.csv and test.csv).  The same number of trees, depth (or
# leaves), learning rate, lambda, min_child_weight, gamma, subsample,
# colsample and bins; one thread.  Prints one JSON line: {"accuracy":
# ..., "rows_test": ..., "floor": ...}, the floor being the accuracy
# less one test row, which mlclf's must reach (issue 13, point 4).

import json
import sys

import numpy as np
import pandas as pd
import xgboost as xgb
import yaml


def params(model, n_classes):
    p = {
        "tree_method": "hist",
        "eta": model.get("learning_rate", 0.3),
        "lambda": model.get("l2", 1.0),
        "min_child_weight": model.get("min_child_weight", 1.0),
        "gamma": model.get("min_split_gain", 0.0),
        "subsample": model.get("subsample", 1.0),
        "colsample_bytree": model.get("colsample", 1.0),
        "max_bin": model.get("n_bins", 256),
        "nthread": 1,
        "seed": 0,
    }

    if "max_leaves" in model:
        p["grow_policy"] = "lossguide"
        p["max_leaves"] = model["max_leaves"]
        p["max_depth"] = model.get("max_depth", 0)
    else:
        p["max_depth"] = model["max_depth"]

    if n_classes == 2:
        p["objective"] = "binary:logistic"
    else:
        p["objective"] = "multi:softprob"
        p["num_class"] = n_classes

    return p


def main():
    cfg_path, vdir = sys.argv[1:3]

    with open(cfg_path) as f:
        cfg = yaml.safe_load(f)

    label = cfg["label"]
    train = pd.read_csv(vdir + "/train.csv")
    test = pd.read_csv(vdir + "/test.csv")
    classes = cfg.get("classes") or sorted(set(train[label].astype(str)))
    code = {c: i for i, c in enumerate(classes)}

    xtr = train.drop(columns=[label]).values.astype(np.float64)
    ytr = np.array([code[str(v)] for v in train[label]])
    xte = test.drop(columns=[label]).values.astype(np.float64)
    yte = np.array([code[str(v)] for v in test[label]])

    model = cfg["model"]
    dtrain = xgb.DMatrix(xtr, label=ytr)
    booster = xgb.train(params(model, len(classes)), dtrain,
                        num_boost_round=model.get("n_estimators", 100))

    prob = booster.predict(xgb.DMatrix(xte))
    if len(classes) == 2:
        pred = (prob > 0.5).astype(int)
    else:
        pred = prob.argmax(axis=1)

    acc = float((pred == yte).mean())
    print(json.dumps({"accuracy": acc, "rows_test": len(yte),
                      "floor": acc - 1.0 / len(yte)}))


if __name__ == "__main__":
    main()
