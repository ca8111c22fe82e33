#!/usr/bin/python3
"""Reference side of the gbt training benchmark (Debian's python3-xgboost).

    xgb_train.py VERSION_DIR LABEL CLASSES MODEL_OUT [N_THREADS]
                 [--plain] [--monitor]

Reads the trainer's own train.csv and test.csv with pandas.read_csv
(together the same bytes as the raw CSV: the trainer copies its rows
verbatim), builds a QuantileDMatrix (--plain: a DMatrix, which leaves
the binning to train()), trains 100 rounds of xgboost.train with
tree_method=hist, depth 6, eta 0.1, 256 bins, lambda 1,
min_child_weight 1, scores on test.csv and saves the model to
MODEL_OUT.  CLASSES is the trainer's class list, comma separated
("c0,c1,c2", or "c0,rest": binary:logistic); class i is label i.

Prints one JSON line, last on stdout: {"read_s":..., "dmatrix_s":...,
"fit_s":..., "predict_s":..., "save_s":..., "whole_s":...,
"accuracy":..., ...}.  whole_s is read_csv to saved model, inside the
process (the interpreter's start and the imports are not in it).
--monitor: verbosity 3, and XGBoost's own timers (printed by each
Monitor when the Booster goes) in "monitor", name to seconds.
"""

import contextlib
import io
import json
import re
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb


def params(n_classes, n_threads, monitor):
    p = {"tree_method": "hist", "max_depth": 6, "eta": 0.1,
         "max_bin": 256, "lambda": 1.0, "min_child_weight": 1.0,
         "nthread": n_threads, "verbosity": 3 if monitor else 1}
    if n_classes == 2:
        p["objective"] = "binary:logistic"
    else:
        p["objective"] = "multi:softprob"
        p["num_class"] = n_classes
    return p


def xy(frame, label, classes):
    """Features and class numbers.  The label column is popped, so the
    features are a view of the frame's float block, not a copy (drop()
    would copy them: the peak RSS would be XGBoost's worse than it
    needs to be)."""
    code = {c: i for i, c in enumerate(classes)}
    y = frame.pop(label).map(code)
    if y.isna().any():
        sys.exit(f"xgb_train.py: a label not in {classes}")
    return frame.values, y.values.astype(np.int32)


def monitor_times(text):
    """Seconds per timer from lines like '[..] BuildHist: 1.2s, 7 calls'.

    Several Monitors may use a name (Learner's and GBTree's); their
    sections come first in the key, "GBTree/BoostNewTrees"."""
    out, section = {}, ""
    for line in text.splitlines():
        m = re.search(r"Monitor \(\d+\): (.*?) =", line)
        if m:
            section = m.group(1).strip()
            continue
        m = re.search(r"\] (\w+): ([0-9.e+-]+)s, (\d+) calls", line)
        if m:
            key = f"{section}/{m.group(1)}" if section else m.group(1)
            out[key] = out.get(key, 0.0) + float(m.group(2))
    return out


def main():
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    vdir, label, classes, model_out = args[:4]
    n_threads = int(args[4]) if len(args) > 4 else 2
    classes = classes.split(",")
    plain, monitor = "--plain" in flags, "--monitor" in flags

    t_start = time.perf_counter()
    train = pd.read_csv(vdir + "/train.csv")
    test = pd.read_csv(vdir + "/test.csv")
    read_s = time.perf_counter() - t_start
    xtr, ytr = xy(train, label, classes)
    xte, yte = xy(test, label, classes)
    del train, test

    t0 = time.perf_counter()
    if plain:
        dtrain = xgb.DMatrix(xtr, label=ytr, nthread=n_threads)
    else:
        dtrain = xgb.QuantileDMatrix(xtr, label=ytr, max_bin=256,
                                     nthread=n_threads)
    dmatrix_s = time.perf_counter() - t0

    # the Monitors print through XGBoost's log callback, Python's print:
    # keep them off stdout, where the JSON line goes
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        t0 = time.perf_counter()
        bst = xgb.train(params(len(classes), n_threads, monitor), dtrain,
                        num_boost_round=100)
        fit_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        prob = bst.inplace_predict(xte)
        pred = (prob > 0.5).astype(np.int32) if prob.ndim == 1 \
            else prob.argmax(axis=1)
        predict_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        bst.save_model(model_out)
        save_s = time.perf_counter() - t0
        whole_s = time.perf_counter() - t_start

        del bst, dtrain

    out = {"dmatrix": "DMatrix" if plain else "QuantileDMatrix",
           "read_s": read_s, "dmatrix_s": dmatrix_s, "fit_s": fit_s,
           "predict_s": predict_s, "save_s": save_s, "whole_s": whole_s,
           "accuracy": float((pred == yte).mean()),
           "rows_train": len(ytr), "rows_test": len(yte),
           "xgboost": xgb.__version__}
    if monitor:
        out["monitor"] = monitor_times(log.getvalue())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
