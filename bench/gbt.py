#!/usr/bin/python3
# The gbt kernel against XGBoost's own predictor, on the same models.
#
#   /usr/bin/python3 bench/gbt.py [--smoke] [--sizes 500x6,...]
#                                 [--out FILE.json]
#
# For 100, 500 and 1000 trees of depth 4, 6 and 8 (--smoke: one tiny
# model): trains an XGBoost binary:logistic model on 20 synthetic
# features (Debian's python3-xgboost), saves it as JSON, imports it with
# build/bin/mlclf-import, and times on the same 10,000 held-out rows:
#   - XGBoost Booster.inplace_predict(), one thread: one row per call
#     (2,000 calls), and all rows in one call;
#   - libmlclf's mlclf_predict_proba() through build/bench/micro: one
#     row per call, and all rows back to back (one thread);
#   - and the same rows with one value each made missing (NaN, a
#     feature at random): libmlclf one row per call;
#   - and for the models the dense kernel takes on this CPU, where one
#     complete row's time goes (build/bench/gbt_parts): the row's
#     bins, the search of the leaves, their sum, each alone.
# Prints a Markdown table of ns per tree per row and writes the figures
# as JSON.  Before timing, it checks that both give the same
# probabilities (within 1e-6) on every row, with and without the
# missing values.  Run it alone: the machine has two cores.
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import xgboost as xgb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "bin")
MICRO = os.path.join(ROOT, "build", "bench", "micro")
PARTS = os.path.join(ROOT, "build", "bench", "gbt_parts")

N_FEATURES = 20


def data(rng, n):
    x = rng.normal(size=(n, N_FEATURES))
    logit = x[:, 0] + x[:, 1] * x[:, 2] - np.abs(x[:, 3]) + 0.5 * x[:, 4]
    y = (logit + 0.5 * rng.normal(size=n) > 0).astype(np.float64)
    return x, y


def best_of(f, repeats):
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        f()
        dt = time.perf_counter_ns() - t0
        best = dt if best is None or dt < best else best
    return best


def xgb_times(bst, rows, calls, repeats):
    bst.set_param({"nthread": 1})
    one = [rows[i:i + 1] for i in range(calls)]

    def single():
        for r in one:
            bst.inplace_predict(r)

    def batch():
        bst.inplace_predict(rows)

    single()
    batch()
    return (best_of(single, repeats) / calls,
            best_of(batch, repeats) / len(rows))


def save_rows(path, rows):
    np.savetxt(path, rows, delimiter=",", header=",".join(
        "f%d" % i for i in range(N_FEATURES)), comments="", fmt="%.17g")


def with_nulls(rng, rows):
    # one value a row made missing, a feature at random
    out = rows.copy()
    out[np.arange(len(out)), rng.integers(0, N_FEATURES, len(out))] = np.nan
    return out


def ours(model, rows_csv, repeats):
    out = subprocess.run([MICRO, model, rows_csv, str(repeats)],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    return j["one_row_ns"], j["batch_1t_ns_per_row"]


def parts(model, rows_csv, repeats):
    # where one row's time goes (bench/gbt_parts.c); None if not dense
    out = subprocess.run([PARTS, model, rows_csv, str(repeats)],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    return j if j["dense"] else None


def check_same(bst, model_dir, rows, tmp):
    # the imported model's answers, by the C kernel, against XGBoost's
    want = bst.inplace_predict(rows)
    path = os.path.join(tmp, "rows_check.csv")
    save_rows(path, rows)
    got = subprocess.run([os.path.join(ROOT, "build", "bench", "gbt_check"),
                          model_dir, path],
                         check=True, capture_output=True, text=True).stdout
    got = np.array([float(v) for v in got.split()])
    return float(np.max(np.abs(got - want)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--sizes", help="TREESxDEPTH,... (default: 100, 500 "
                    "and 1000 trees by depth 4, 6 and 8)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench",
                                                  "gbt.json"))
    a = ap.parse_args()

    sizes = [(10, 3)] if a.smoke else [(t, d) for t in (100, 500, 1000)
                                       for d in (4, 6, 8)]
    if a.sizes:
        sizes = [tuple(int(v) for v in s.split("x"))
                 for s in a.sizes.split(",")]
    calls, repeats = (50, 1) if a.smoke else (2000, 5)
    rng = np.random.default_rng(12)
    x, y = data(rng, 2000 if a.smoke else 20000)
    rows, _ = data(rng, 200 if a.smoke else 10000)
    nulls = with_nulls(rng, rows)

    res = []
    with tempfile.TemporaryDirectory() as tmp:
        rows_csv = os.path.join(tmp, "rows.csv")
        save_rows(rows_csv, rows)
        nulls_csv = os.path.join(tmp, "nulls.csv")
        save_rows(nulls_csv, nulls)
        dtrain = xgb.DMatrix(x, label=y)

        for trees, depth in sizes:
            bst = xgb.train({"objective": "binary:logistic",
                             "max_depth": depth, "eta": 0.1,
                             "tree_method": "hist", "nthread": 2,
                             "seed": 1}, dtrain, num_boost_round=trees)
            src = os.path.join(tmp, "xgb_%d_%d.json" % (trees, depth))
            bst.save_model(src)
            name = "g%d-%d" % (trees, depth)
            subprocess.run([os.path.join(BIN, "mlclf-import"),
                            "--registry", os.path.join(tmp, "reg"),
                            "--name", name, src], check=True,
                           capture_output=True)
            model = os.path.join(tmp, "reg", name, "versions", "v1",
                                 "model.mlclf")
            diff = max(check_same(bst, model, rows[:2000], tmp),
                       check_same(bst, model, nulls[:2000], tmp))
            if diff > 1e-6:
                sys.exit("gbt: %s answers differ from XGBoost by %g"
                         % (name, diff))
            leaves = sum(t.count("leaf") for t in bst.get_dump()) / trees
            x_one, x_batch = xgb_times(bst, rows, calls, repeats)
            o_one, o_batch = ours(model, rows_csv, repeats)
            o_null, _ = ours(model, nulls_csv, repeats)
            r = {"trees": trees, "depth": depth, "leaves_per_tree": leaves,
                 "parts": parts(model, rows_csv, repeats),
                 "max_abs_diff": diff,
                 "xgb_one_row_ns": x_one, "xgb_batch_ns_per_row": x_batch,
                 "ours_one_row_ns": o_one, "ours_batch_ns_per_row": o_batch,
                 "ours_one_null_ns": o_null}
            res.append(r)
            print("gbt: %4d trees depth %d: ours %.0f ns/row (%.2f ns/tree),"
                  " XGBoost %.0f ns/row one by one, %.0f in a batch"
                  % (trees, depth, o_one, o_one / trees, x_one, x_batch),
                  file=sys.stderr)

    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump({"xgboost": xgb.__version__, "rows": len(rows),
                   "results": res}, f, indent=1)

    print("| trees | depth | leaves/tree | ours, 1 row | ours, batch "
          "| ours, 1 row with a null "
          "| XGBoost, 1 row | XGBoost, batch | 1 row: XGBoost / ours |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in res:
        t = r["trees"]
        print("| %d | %d | %.1f | %.0f ns (%.2f/tree) | %.0f ns (%.2f/tree)"
              " | %.0f ns (%.2f/tree)"
              " | %.0f ns (%.2f/tree) | %.0f ns (%.2f/tree) | %.1fx |"
              % (t, r["depth"], r["leaves_per_tree"],
                 r["ours_one_row_ns"], r["ours_one_row_ns"] / t,
                 r["ours_batch_ns_per_row"], r["ours_batch_ns_per_row"] / t,
                 r["ours_one_null_ns"], r["ours_one_null_ns"] / t,
                 r["xgb_one_row_ns"], r["xgb_one_row_ns"] / t,
                 r["xgb_batch_ns_per_row"], r["xgb_batch_ns_per_row"] / t,
                 r["xgb_one_row_ns"] / r["ours_one_row_ns"]))

    dense = [r for r in res if r["parts"] is not None]
    if not dense:
        return
    print()
    print("| trees | depth | one row | bins | search | sum | the three "
          "one after the other | the sum's adds alone |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in dense:
        p = r["parts"]
        print("| %d | %d | %.0f ns | %.0f ns | %.0f ns | %.0f ns | %.0f ns "
              "| %.0f ns |"
              % (r["trees"], r["depth"], p["row_ns"], p["bins_ns"],
                 p["search_ns"], p["sum_ns"],
                 p["bins_ns"] + p["search_ns"] + p["sum_ns"],
                 p["chain_ns"]))


if __name__ == "__main__":
    main()
