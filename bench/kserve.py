#!/usr/bin/python3
"""KServe's V2 infer and V1 predict against /predict (issue 15, point 6):
`make bench-kserve`.

    bench/kserve.py [--duration S] [--rounds N]

The breast_cancer logreg and gbt (conf/breast_cancer-*.yaml, 30
features) trained by mlclf-train, served by one NGINX worker with
/predict, `location /v2 { mlclf_v2; }` and `location /v1 { mlclf_v1; }`.
The rows are the first rows of the logreg's test.csv: one row, and a
batch of 100.  For each model and size, side by side in one run, in
turn within each round (bench/run.py's servers, pinning and wrk
settings): /predict with {"features": [...]} or {"instances": [...]},
V2 infer with one FP64 tensor "features" [N, 30] in JSON, and V1
predict with {"instances": [...]}.  V2's default reply holds every
class's probability and the label, so /predict and V1 are asked for the
same ("probabilities": true): the three replies carry the same
numbers.  Keep-alive, then 8 requests
pipelined per write (the server's core full).  Before measuring, the
script checks that the three routes give the same probabilities for
every row.

Writes build/bench/kserve.md and build/bench/kserve.json; RESULTS.md's
"Issue 15" section is pasted from them.
"""

import argparse
import csv
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (chdir to the repository root)
from run import CONNS, PIPE, SERVER_CPU, LOAD_CPU, Nginx, log, post  # noqa
from text import measure  # noqa: E402

OUT = "build/bench"
REG = os.path.join(OUT, "kserve-registry")
KINDS = ("logreg", "gbt")
BATCH = 100


def train():
    return run.train_confs(REG, [(kind, f"conf/breast_cancer-{kind}.yaml")
                                 for kind in KINDS])


def rows(path, n):
    """The first n rows of a test.csv, features only, as written."""
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        label = header.index("diagnosis") if "diagnosis" in header else -1
        out = []
        for rec in r:
            out.append([float(v) for i, v in enumerate(rec) if i != label])
            if len(out) == n:
                break
    if len(out) < n:
        # a test split smaller than n: cycle through it
        out = [out[i % len(out)] for i in range(n)]
    return out


def bodies(rs):
    """The same rows for the three routes, each asking for what V2's
    default reply carries: every class's probability and the label."""
    one = len(rs) == 1
    predict = (json.dumps({"features": rs[0], "probabilities": True})
               if one else
               json.dumps({"instances": rs, "probabilities": True}))
    v2 = json.dumps({"inputs": [{"name": "features", "datatype": "FP64",
                                 "shape": [len(rs), len(rs[0])],
                                 "data": rs}]})
    v1 = json.dumps({"instances": rs, "probabilities": True})
    return predict, v2, v1


def same_answers(port, name, rs, predict, v2, v1):
    """The three routes' probabilities for the rows, bit for bit."""
    p = json.loads(post(port, "/predict_" + name, predict)[1])
    preds = [p] if "predictions" not in p else p["predictions"]
    v2r = json.loads(post(port, f"/v2/models/{name}/infer", v2)[1])
    proba = next(o for o in v2r["outputs"] if o["name"] == "probabilities")
    k = proba["shape"][1]
    flat = proba["data"]
    for i, pr in enumerate(preds):
        want = list(pr["probabilities"].values())
        got = flat[i * k:(i + 1) * k]
        if want != got:
            raise RuntimeError(f"{name} row {i}: /predict {want}, V2 {got}")
    v1r = json.loads(post(port, f"/v1/models/{name}:predict", v1)[1])
    for i, pr in enumerate(preds):
        if v1r["predictions"][i]["probabilities"] != pr["probabilities"]:
            raise RuntimeError(f"{name} row {i}: V1 differs from /predict")
    return len(rs)


def part_serving(models, seconds, rounds):
    http = "".join(f"    mlclf_model {k} {m['file']};\n"
                   for k, m in models.items())
    server = (f"    server {{\n        listen 127.0.0.1:{run.P_SERVE};\n"
              + "".join(f"        location = /predict_{k} "
                        f"{{ mlclf_predict {k}; }}\n" for k in models)
              + "        location /v2 { mlclf_v2; }\n"
              "        location /v1 { mlclf_v1; }\n    }\n")
    ngx = Nginx("kserve", run.P_SERVE, http + server).start()
    res = {"checked": {}}
    try:
        sets = []
        for k, m in models.items():
            for n in (1, BATCH):
                rs = rows(m["test"], n)
                predict, v2, v1 = bodies(rs)
                res["checked"][f"{k} x{n}"] = same_answers(
                    run.P_SERVE, k, rs, predict, v2, v1)
                sets.append((f"{k}, {n} row{'s' if n > 1 else ''}", [
                    ("/predict", ngx, run.P_SERVE, f"/predict_{k}",
                     predict),
                    ("V2 infer", ngx, run.P_SERVE,
                     f"/v2/models/{k}/infer", v2),
                    ("V1 predict", ngx, run.P_SERVE,
                     f"/v1/models/{k}:predict", v1)]))
        for depth, key in ((1, "keepalive"), (PIPE, "pipelined")):
            res[key] = []
            for title, sides in sets:
                log(f"{key}: {title}")
                res[key].append(measure(title, sides, rounds, seconds,
                                        depth))
    finally:
        ngx.stop()
    return res


def report(res):
    L = [f"breast_cancer models (30 features), server on CPU {SERVER_CPU} "
         f"(1 NGINX worker), wrk -t1 -c{CONNS} on CPU {LOAD_CPU}, "
         f"{res['seconds']} s a run, {res['rounds']} rounds, the sides in "
         f"turn within each round; {res['time']}, commit {res['commit']}."
         "  Same probabilities on all three routes: "
         + ", ".join(f"{k} ({v} rows)" for k, v in res["checked"].items())
         + ".\n"]
    for key in ("keepalive", "pipelined"):
        L.append(f"| {key} | /predict req/s | V2 req/s | V2 / /predict | "
                 "V1 req/s | V1 / /predict | others |")
        L.append("|---|---|---|---|---|---|---|")
        for c in res[key]:
            p, v2, v1 = c["sides"]
            L.append(f"| {c['title']} | {p['rps']:,.0f} | {v2['rps']:,.0f} "
                     f"| {v2['rps'] / p['rps']:.3f}x | {v1['rps']:,.0f} | "
                     f"{v1['rps'] / p['rps']:.3f}x | "
                     f"{max(s['other_cpu'] for s in c['sides']):.2f} |")
        L.append("")
    text = "\n".join(L)
    with open(os.path.join(OUT, "kserve.md"), "w") as f:
        f.write(text)
    print(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    os.makedirs(os.path.join(OUT, "modules"), exist_ok=True)
    shutil.copy2("build/modules/ngx_http_mlclf_module.so",
                 run.MODULE + ".new")
    os.replace(run.MODULE + ".new", run.MODULE)
    run.check_ports((run.P_SERVE,), "bench/kserve.py")
    models = train()
    res = {"seconds": args.duration, "rounds": args.rounds,
           "time": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "commit": run.first_line(["git", "rev-parse", "--short",
                                     "HEAD"])}
    res.update(part_serving(models, args.duration, args.rounds))
    with open(os.path.join(OUT, "kserve.json"), "w") as f:
        json.dump(res, f, indent=1)
    report(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
