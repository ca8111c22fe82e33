#!/usr/bin/python3
"""Reference side of the in-process predict benchmark.

    micro.py TRAIN.csv LABEL ROWS.csv [REPEATS]

Fits scikit-learn's LogisticRegression and RandomForestClassifier (100
trees) and XGBoost (100 trees) on the trainer's train.csv and prints one
JSON object: nanoseconds per row of predict_proba / inplace_predict for
one row per call and for ROWS.csv as one batch (2 threads where the
library can use them).  Every figure is the median of REPEATS runs.
"""

import json
import statistics
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def per_call_ns(fn, rows, calls, repeats):
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for i in range(calls):
            fn(rows[i % len(rows)])
        out.append((time.perf_counter() - t0) / calls * 1e9)
    return statistics.median(out)


def batch_ns(fn, batch, repeats):
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(batch)
        out.append((time.perf_counter() - t0) / len(batch) * 1e9)
    return statistics.median(out)


def main():
    train_csv, label, rows_csv = sys.argv[1:4]
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    train = pd.read_csv(train_csv)
    x, y = train.drop(columns=[label]).values, train[label].values
    codes = {c: i for i, c in enumerate(sorted(set(y)))}
    batch = np.ascontiguousarray(pd.read_csv(rows_csv).values,
                                 dtype=np.float64)
    ones = [batch[i:i + 1] for i in range(1024)]

    lr = make_pipeline(StandardScaler(),
                       LogisticRegression(C=1.0, max_iter=1000)).fit(x, y)
    rf = RandomForestClassifier(n_estimators=100, max_depth=12,
                                random_state=42).fit(x, y)
    xg = xgb.XGBClassifier(n_estimators=100, max_depth=6, nthread=2,
                           random_state=42)
    xg.fit(x, np.array([codes[c] for c in y]))
    booster = xg.get_booster()

    res = {"sklearn": sklearn_version(), "xgboost": xgb.__version__,
           "numpy": np.__version__, "batch_rows": len(batch)}

    res["sklearn_logreg_one_ns"] = per_call_ns(lr.predict_proba, ones,
                                               2000, repeats)
    res["sklearn_logreg_batch_ns"] = batch_ns(lr.predict_proba, batch,
                                              repeats)
    rf.set_params(n_jobs=None)
    res["sklearn_forest_one_ns"] = per_call_ns(rf.predict_proba, ones,
                                               100, repeats)
    rf.set_params(n_jobs=2)
    res["sklearn_forest_batch_2t_ns"] = batch_ns(rf.predict_proba, batch,
                                                 repeats)
    booster.set_param({"nthread": 1})
    res["xgboost_one_ns"] = per_call_ns(
        lambda r: booster.inplace_predict(r), ones, 2000, repeats)
    booster.set_param({"nthread": 2})
    res["xgboost_batch_2t_ns"] = batch_ns(
        lambda b: booster.inplace_predict(b), batch, repeats)
    print(json.dumps(res))


def sklearn_version():
    import sklearn
    return sklearn.__version__


if __name__ == "__main__":
    main()
