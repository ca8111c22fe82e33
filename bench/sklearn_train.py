#!/usr/bin/python3
"""Reference side of the training benchmark (Debian's python3-sklearn).

    sklearn_train.py logreg|forest RAW_CSV VERSION_DIR LABEL [N_JOBS]

Times pandas.read_csv of the raw file plus the fit on the trainer's own
train.csv rows, scores on its test.csv, and prints one JSON line:
{"read_s":..., "fit_s":..., "accuracy":..., "rows_train":..., ...}.
"""

import json
import sys
import time

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline


def main():
    kind, raw, vdir, label = sys.argv[1:5]
    n_jobs = int(sys.argv[5]) if len(sys.argv) > 5 else 2

    t0 = time.perf_counter()
    pd.read_csv(raw)
    read_s = time.perf_counter() - t0

    train = pd.read_csv(vdir + "/train.csv")
    test = pd.read_csv(vdir + "/test.csv")
    xtr, ytr = train.drop(columns=[label]).values, train[label].values
    xte, yte = test.drop(columns=[label]).values, test[label].values

    if kind == "logreg":
        model = make_pipeline(StandardScaler(),
                              LogisticRegression(C=1.0, max_iter=1000))
    else:
        model = RandomForestClassifier(n_estimators=100, max_depth=12,
                                       n_jobs=n_jobs, random_state=42)

    t0 = time.perf_counter()
    model.fit(xtr, ytr)
    fit_s = time.perf_counter() - t0

    acc = float((model.predict(xte) == yte).mean())
    print(json.dumps({"kind": kind, "read_s": read_s, "fit_s": fit_s,
                      "accuracy": acc, "rows_train": len(ytr),
                      "rows_test": len(yte)}))


if __name__ == "__main__":
    main()
