#!/usr/bin/python3
"""The cost of a shadow model (issue 16, point 3): `make bench-shadow`.

    bench/shadow.py [--rounds N] [--duration S]

One NGINX with mlclf_zone serves the iris logreg (trained by
mlclf-train) at /predict and, at /predict_shadow, the same model with
a second declaration of the same file as its shadow, so the difference
is the shadow's work alone: one more prediction a row and its
counting.  wrk drives both locations in turn, one row and 100-row
batches (bench/run.py's part_shadow and compare(): the same pinning and
ports), and prints the medians and their ratio.  `bench/run.py --shadow`
runs the same comparison inside the whole serving part.  Timed, so run
it on an idle machine.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # noqa: E402  (bench/run.py: servers, wrk, compare)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=10)
    args = ap.parse_args()

    run.check_ports((run.P_ZONE,), "bench/shadow.py")
    reg = os.path.join(run.ROOT, "build/bench/shadow-registry")
    m = run.train_confs(reg, [("iris", "conf/iris-logreg.yaml")])["iris"]
    with open(m["test"]) as f:
        rows = [[float(v) for v in line.split(",")[:4]]
                for line in f.read().split("\n")[1:] if line]
    one = json.dumps({"features": rows[0]})
    batch = json.dumps({"instances": (rows * 4)[:100]})

    conf = ("    mlclf_zone mlclf:1m;\n"
            f"    mlclf_model iris {m['file']};\n"
            f"    mlclf_model iris_twin {m['file']};\n"
            f"    server {{\n        listen 127.0.0.1:{run.P_ZONE};\n"
            "        location = /predict { mlclf_predict iris; }\n"
            "        location = /predict_shadow "
            "{ mlclf_predict iris; mlclf_shadow iris_twin; }\n    }\n")
    ngx = run.Nginx("shadow", run.P_ZONE, conf).start()
    res = {}
    try:
        run.part_shadow(res, ngx, one, batch, args.rounds, args.duration)
    finally:
        ngx.stop()


if __name__ == "__main__":
    main()
