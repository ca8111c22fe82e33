#!/usr/bin/python3
"""The cost of drift counting (issue 16, point 2): `make bench-drift`.

    bench/drift.py [--smoke] [--duration S] [--rounds N]

Two NGINX servers with mlclf_zone serve the same iris logreg (trained
by mlclf-train, so it carries reference distributions): one counts
drift (mlclf_drift_window 15m), the other has mlclf_drift_window off.
wrk drives /predict with one row, then with 100-row batches, on each
side in turn (A, B, A, B, ...: bench/run.py's compare(), the same
pinning and ports), and the medians and their ratio are printed.  The
target: counting costs at most 3% of /predict requests/s.  Timed, so
run it on an idle machine; --smoke runs one 1 s round of each.
"""

import argparse
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # noqa: E402  (bench/run.py: servers, wrk, compare)

P_ON, P_OFF = run.P_SERVE, run.P_ZONE


def train():
    reg = os.path.join(run.ROOT, "build/bench/drift-registry")
    m = run.train_confs(reg, [("iris", "conf/iris-logreg.yaml")])["iris"]
    return m["file"], m["test"]


def server(name, port, model, window):
    return run.Nginx(name, port,
                     "    mlclf_zone mlclf:1m;\n"
                     f"    mlclf_drift_window {window};\n"
                     f"    mlclf_model iris {model};\n"
                     f"    server {{\n        listen 127.0.0.1:{port};\n"
                     "        location = /predict { mlclf_predict iris; }\n"
                     "        location = /metrics { mlclf_metrics; }\n"
                     "    }\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help="one round of 1 s per side: checks it runs")
    ap.add_argument("--duration", type=int, default=10,
                    help="seconds of one wrk run (default 10)")
    ap.add_argument("--rounds", type=int, default=6,
                    help="runs of each side, interleaved (default 6)")
    args = ap.parse_args()
    if args.smoke:
        args.duration, args.rounds = 1, 1

    # the module as bench/run.py uses it
    run.MODULE = os.path.join(run.ROOT, "build/modules",
                              "ngx_http_mlclf_module.so")
    os.makedirs(os.path.join(run.ROOT, "build/bench"), exist_ok=True)

    model, test = train()
    with open(test) as f:
        rows = [[float(v) for v in line.split(",")[:4]]
                for line in f.read().splitlines()[1:]]
    one = json.dumps({"features": rows[0]})
    batch = json.dumps({"instances": (rows * 4)[:100]})

    on = server("drift-on", P_ON, model, "15m")
    off = server("drift-off", P_OFF, model, "off")
    on.start()
    off.start()
    try:
        res = [run.compare("one row: drift window on vs off",
                           [("window on", on, P_ON, "/predict", one, 1),
                            ("window off", off, P_OFF, "/predict", one, 1)],
                           args.rounds, args.duration),
               run.compare("100-row batch: drift window on vs off",
                           [("window on", on, P_ON, "/predict", batch, 100),
                            ("window off", off, P_OFF, "/predict", batch,
                             100)],
                           args.rounds, args.duration)]
        # the window counted what was sent: the feature drift series
        with urllib.request.urlopen(f"http://127.0.0.1:{P_ON}/metrics",
                                    timeout=10) as r:
            m = r.read().decode()
        rows_line = [line for line in m.splitlines()
                     if line.startswith("mlclf_prediction_drift_rows{")]
    finally:
        on.stop()
        off.stop()

    for r in res:
        print(f"{r['title']}: {r['sides'][0]['rps']:.0f} vs "
              f"{r['sides'][1]['rps']:.0f} req/s, cost "
              f"{100 * (1 - r['ratio']):.1f}% (target <= 3%)")
    print("window on:", rows_line[0] if rows_line else "no drift series")
    if not rows_line:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
