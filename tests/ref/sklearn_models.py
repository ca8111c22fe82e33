#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# The scikit-learn side of tests/test_import_sklearn.c:
#
#   /usr/bin/python3 tests/ref/sklearn_models.py OUTDIR
#
# trains each estimator that tools/mlclf-sklearn-export supports on
# synthetic data (fixed seeds), exports it, and writes into OUTDIR:
#
#   <model>.json           the interchange file (export(), or the
#                          exporter's command line for rf_bin and gb_bin)
#   rows.csv               10,000 rows without missing values: 6,000 drawn
#                          like the training data, 4,000 whose values sit
#                          on and next to the models' split thresholds
#                          (the double, its neighbours, the float32 values
#                          around it and the midpoints between those)
#   rows_missing.csv       the same for HistGradientBoosting, ~10% empty
#                          (NaN), missingness of feature 2 informative
#   expected_<model>.csv   predict_proba of the model on its rows
#   models.txt             "<model> <rows file> <n_classes>" per model
#   numbers.json           doubles of every kind as json writes them, with
#                          their bits, to check that cJSON reads them back
#   bad_svc.pkl, bad_rf_two_outputs.pkl
#                          models the exporter must refuse (exit 1)
#   refusals.txt           "<case> <message>" of export() refusals
#
# Every number is written with repr(), which reads back as the same
# double.  Only Debian's python3-sklearn (1.2) and python3-numpy.

import json
import os
import pickle
import struct
import subprocess
import sys
import warnings

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import (ExtraTreesClassifier,
                              GradientBoostingClassifier,
                              HistGradientBoostingClassifier,
                              RandomForestClassifier)
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "..", "tools")
sys.path.insert(0, TOOLS)
import mlclf_sklearn_export as exporter  # noqa: E402

SEED = 12
N_TRAIN = 3000
N_ROWS = 10000
N_EDGE = 4000
NF = 6
LABELS3 = np.array(["low", "mid", "high"])


def make_x(rng, n):
    x = rng.normal(size=(n, NF))
    x[:, 3] = np.round(x[:, 3] * 4) / 4         # ties: midpoint splits
    x[:, 4] = rng.integers(0, 5, size=n)        # small integers
    x[:, 5] = rng.uniform(-1000.0, 1000.0, n)   # a wide range
    return x


def labels(rng, x, classes):
    score = (x[:, 0] + 0.5 * x[:, 1] ** 2 - x[:, 3] + 0.3 * x[:, 4]
             + 0.001 * x[:, 5] + rng.normal(scale=0.5, size=len(x)))
    if classes == 2:
        return (score > 0.5).astype(int)
    return LABELS3[np.digitize(score, [0.0, 1.2])]


def add_missing(rng, x, y):
    """~10% NaN; feature 2 goes missing more often for the first class,
    so that some splits are on missingness alone (num_threshold +inf)."""
    x = x.copy()
    first = (y == np.unique(y)[0])
    x[rng.random(x.shape) < 0.08] = np.nan
    x[first & (rng.random(len(x)) < 0.25), 2] = np.nan
    return x


def f32_next(f, direction):
    return float(np.nextafter(np.float32(f), np.float32(direction)))


def edge_values(t, f32):
    """Values on and around threshold t.  f32: the model reads float32."""
    v = [t, float(np.nextafter(t, np.inf)), float(np.nextafter(t, -np.inf))]
    if f32:
        f = float(np.float32(t))
        up, dn = f32_next(f, np.inf), f32_next(f, -np.inf)
        v += [f, up, dn]
        for m in ((f + up) / 2, (f + dn) / 2):
            v += [m, float(np.nextafter(m, np.inf)),
                  float(np.nextafter(m, -np.inf))]
    return [x for x in v if np.isfinite(x)]


def tree_thresholds(est):
    """{feature: [thresholds]} of a fitted tree ensemble."""
    out = {}
    name = type(est).__name__
    if name == "HistGradientBoostingClassifier":
        for predictors in est._predictors:
            for p in predictors:
                for node in p.nodes:
                    if not node["is_leaf"]:
                        out.setdefault(int(node["feature_idx"]), []).append(
                            float(node["num_threshold"]))
        return out
    trees = (est.estimators_.ravel() if name == "GradientBoostingClassifier"
             else est.estimators_)
    for tree in trees:
        t = tree.tree_
        for i in range(t.node_count):
            if t.children_left[i] != -1:
                out.setdefault(int(t.feature[i]), []).append(
                    float(t.threshold[i]))
    return out


def make_rows(rng, thresholds, f32):
    x = make_x(rng, N_ROWS)
    for r in range(N_ROWS - N_EDGE, N_ROWS):
        for j in range(NF):
            cuts = thresholds.get(j)
            if cuts and rng.random() < 0.7:
                t = cuts[rng.integers(len(cuts))]
                vals = edge_values(t, f32)
                if vals:
                    x[r, j] = vals[rng.integers(len(vals))]
    return x


def fmt(v):
    return "" if np.isnan(v) else repr(float(v))


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(fmt(v) for v in row) + "\n")


def write_numbers(path, rng):
    """Doubles from every binade, subnormals and limits, with bits."""
    bits = rng.integers(0, 2 ** 63, size=20000, dtype=np.uint64)
    bits |= (rng.integers(0, 2, size=20000, dtype=np.uint64)
             << np.uint64(63))
    vals = bits.view(np.float64)
    vals = [float(v) for v in vals if np.isfinite(v)]
    vals += [0.0, -0.0, 5e-324, 2.2250738585072009e-308,
             2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3,
             9007199254740993.0, 1e23, 8.98846567431158e307]
    vals += [float(np.float32(v)) for v in rng.normal(size=2000)]
    with open(path, "w") as f:
        json.dump({"values": vals,
                   "bits": ["%016x" % struct.unpack("<Q",
                                                    struct.pack("<d", v))[0]
                            for v in vals]}, f)


def refusals(out, x2, y2, x3, y3):
    """export() must refuse these, with these words in the message."""
    cases = [
        ("ovr", LogisticRegression(multi_class="ovr", max_iter=200),
         x3, y3),
        ("init", GradientBoostingClassifier(
            n_estimators=2, init=DummyClassifier(strategy="prior")),
         x2, y2),
        ("categorical", HistGradientBoostingClassifier(
            max_iter=3, categorical_features=[4]), x2, y2),
        ("svc", SVC(), x2[:200], y2[:200]),
    ]
    lines = []
    for name, est, x, y in cases:
        est.fit(x, y)
        try:
            exporter.export(est, os.path.join(out, "refused.json"))
        except exporter.ExportError as e:
            lines.append("%s %s\n" % (name, e))
        else:
            lines.append("%s EXPORTED\n" % name)
    with open(os.path.join(out, "refusals.txt"), "w") as f:
        f.writelines(lines)

    with open(os.path.join(out, "bad_svc.pkl"), "wb") as f:
        pickle.dump(cases[3][1], f)
    rf2 = RandomForestClassifier(n_estimators=2, random_state=SEED)
    rf2.fit(x2[:200], np.c_[y2[:200], 1 - y2[:200]])
    with open(os.path.join(out, "bad_rf_two_outputs.pkl"), "wb") as f:
        pickle.dump(rf2, f)


def main():
    if len(sys.argv) != 2:
        print("usage: sklearn_models.py OUTDIR", file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(SEED)

    x2 = make_x(rng, N_TRAIN)
    y2 = labels(rng, x2, 2)
    x3 = make_x(rng, N_TRAIN)
    y3 = labels(rng, x3, 3)
    xm2 = add_missing(rng, x2, y2)
    xm3 = add_missing(rng, x3, y3)

    models = [
        ("logreg_bin", LogisticRegression(max_iter=2000), x2, y2),
        ("logreg_bin_mn", LogisticRegression(multi_class="multinomial",
                                             max_iter=2000), x2, y2),
        ("logreg_3", LogisticRegression(max_iter=2000), x3, y3),
        ("rf_bin", RandomForestClassifier(n_estimators=30, max_depth=9,
                                          random_state=SEED), x2, y2),
        ("rf_3", RandomForestClassifier(n_estimators=20, min_samples_leaf=2,
                                        random_state=SEED), x3, y3),
        ("et_bin", ExtraTreesClassifier(n_estimators=30, max_depth=10,
                                        random_state=SEED), x2, y2),
        ("et_3", ExtraTreesClassifier(n_estimators=20, random_state=SEED),
         x3, y3),
        ("gb_bin", GradientBoostingClassifier(n_estimators=60,
                                              random_state=SEED), x2, y2),
        ("gb_3", GradientBoostingClassifier(n_estimators=40, subsample=0.8,
                                            random_state=SEED), x3, y3),
        ("gb_bin_exp", GradientBoostingClassifier(loss="exponential",
                                                  n_estimators=50,
                                                  random_state=SEED),
         x2, y2),
        ("gb_3_zero", GradientBoostingClassifier(init="zero",
                                                 n_estimators=30,
                                                 random_state=SEED), x3, y3),
        ("hgb_bin", HistGradientBoostingClassifier(max_iter=60,
                                                   random_state=SEED),
         xm2, y2),
        ("hgb_3", HistGradientBoostingClassifier(max_iter=40,
                                                 random_state=SEED),
         xm3, y3),
    ]

    for _, est, x, y in models:
        est.fit(x, y)

    cuts, hcuts = {}, {}
    for name, est, _, _ in models:
        if name.startswith(("rf", "et", "gb")):
            for j, t in tree_thresholds(est).items():
                cuts.setdefault(j, []).extend(t)
        elif name.startswith("hgb"):
            for j, t in tree_thresholds(est).items():
                hcuts.setdefault(j, []).extend(
                    v for v in t if np.isfinite(v))

    rows = make_rows(rng, cuts, True)
    rows_missing = make_rows(rng, hcuts, False)
    rows_missing = add_missing(rng, rows_missing,
                               rng.integers(0, 2, size=N_ROWS))
    header = ["f%d" % j for j in range(NF)]
    write_csv(os.path.join(out, "rows.csv"), header, rows)
    write_csv(os.path.join(out, "rows_missing.csv"), header, rows_missing)

    listing = []
    for name, est, _, _ in models:
        r, rname = ((rows_missing, "rows_missing.csv")
                    if name.startswith("hgb") else (rows, "rows.csv"))
        path = os.path.join(out, name + ".json")

        if name in ("rf_bin", "gb_bin"):
            # through the command line: joblib and pickle, --features
            src = os.path.join(out, name + (".joblib" if name == "rf_bin"
                                            else ".pkl"))
            if name == "rf_bin":
                import joblib
                joblib.dump(est, src)
            else:
                with open(src, "wb") as f:
                    pickle.dump(est, f)
            cmd = [sys.executable, os.path.join(TOOLS, "mlclf-sklearn-export"),
                   src, path]
            if name == "rf_bin":
                cmd += ["--features", ",".join("x_%d" % j
                                               for j in range(NF))]
            subprocess.run(cmd, check=True)
        else:
            exporter.export(est, path)

        proba = est.predict_proba(r)
        write_csv(os.path.join(out, "expected_%s.csv" % name),
                  ["p_%s" % c for c in est.classes_], proba)
        listing.append("%s %s %d\n" % (name, rname, len(est.classes_)))

    with open(os.path.join(out, "models.txt"), "w") as f:
        f.writelines(listing)

    write_numbers(os.path.join(out, "numbers.json"), rng)
    refusals(out, x2, y2, x3, y3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
