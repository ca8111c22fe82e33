#!/usr/bin/python3
"""The benchmark suite of mlclf (DESIGN.md section 9): `make bench`.

    bench/run.py [--smoke] [--skip-train] [--duration S] [--rounds N]
                 [--only PART[,PART]] [--report-only]

Serving figures come from wrk on loopback, bounded in time, wrk pinned
to CPU 1 and the server under test (NGINX master and its one worker, or
Uvicorn's one process) pinned to CPU 0.  Each comparison runs its two
sides alternately (A, B, A, B, ...) in the same run and reports the
medians and their ratio.  Writes bench/RESULTS.md and bench/results.png
(--smoke: build/bench/smoke/ instead; no target is checked).
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PY = "/usr/bin/python3"
NGINX = "/usr/sbin/nginx"
SERVER_CPU = "0"
LOAD_CPU = "1"
CONNS = 16
PIPE = 8
OTHERS_IDLE = 0.10      # cores used by other processes: not idle above
IRIS_ROW = [5.9, 3.0, 5.1, 1.8]
IRIS_LABEL = "species"
GBT_TREES, GBT_DEPTH = 500, 6   # the imported model of issue 12, point 6
GBT_NAME = "gbt500"

# the ports the benchmark listens on (docs/checks.md): MLCLF_PORT (make
# PORT=N) moves them together, from it to it + 9; 8181 to 8190 without
PORT_BASE = int(os.environ.get("MLCLF_PORT") or 8181)
P_SERVE, P_ZONE, P_UVICORN, P_MEM, P_PROBE = (PORT_BASE + i
                                              for i in (0, 1, 2, 3, 9))

os.chdir(ROOT)


def log(*a):
    print(*a, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True,
                          stdout=subprocess.PIPE, **kw).stdout


def first_line(cmd):
    try:
        out = subprocess.run(cmd, text=True, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT).stdout
        return out.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def wait_port(port, timeout=30.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def post(port, path, body, timeout=10):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body.encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read().decode(), dict(r.headers)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def cpu_busy():
    """Jiffies all CPUs spent busy, steal (the hypervisor's) included."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    # user nice system idle iowait irq softirq steal
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def smaps_rollup(pid):
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            m = re.match(r"(\w+):\s+(\d+) kB", line)
            if m:
                out[m.group(1)] = int(m.group(2))
    return out


# ---------------------------------------------------------------- servers

class Nginx:
    """One /usr/sbin/nginx, its own prefix, master + workers on CPU 0."""

    def __init__(self, name, port, http_body, workers=1):
        self.name, self.port, self.workers = name, port, workers
        self.prefix = os.path.join(ROOT, "build/bench/nginx", name)
        shutil.rmtree(self.prefix, ignore_errors=True)
        os.makedirs(os.path.join(self.prefix, "logs"))
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = (
            f"load_module {MODULE};\n{user}"
            f"worker_processes {workers};\n"
            "daemon off;\nmaster_process on;\n"
            "pid logs/nginx.pid;\nerror_log logs/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "    access_log off;\n"
            "    keepalive_timeout 65;\n"
            "    keepalive_requests 1000000;\n"
            "    client_body_buffer_size 64k;\n"
            "    client_header_buffer_size 4k;\n"
            + http_body +
            "}\n")
        self.conf = os.path.join(self.prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.proc = None

    def test(self):
        r = subprocess.run([NGINX, "-t", "-q", "-p", self.prefix,
                            "-c", self.conf], text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return r.returncode == 0, r.stdout.strip()

    def start(self):
        ok, msg = self.test()
        if not ok:
            raise RuntimeError(f"nginx {self.name}: {msg}")
        self.proc = subprocess.Popen(
            ["taskset", "-c", SERVER_CPU, NGINX, "-p", self.prefix,
             "-c", self.conf])
        wait_port(self.port)
        end = time.time() + 20
        while len(children(self.proc.pid)) < self.workers:
            if time.time() > end:
                raise RuntimeError(f"nginx {self.name}: workers missing")
            time.sleep(0.05)
        return self

    def load_pids(self):
        return children(self.proc.pid)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Uvicorn:
    """The seed stacks: one Uvicorn process on CPU 0, serving
    bench/serve_fastapi.py: kind logreg or forest fits scikit-learn on
    train (a train.csv); kind xgboost loads model (a saved XGBoost
    model) and answers with classes.  probe: a request body it answers
    once started."""

    def __init__(self, name, port, kind, probe, train="", model="",
                 classes=()):
        self.name, self.port, self.probe = name, port, probe
        self.env = dict(os.environ, MLCLF_BENCH_TRAIN=train,
                        MLCLF_BENCH_MODEL=model,
                        MLCLF_BENCH_CLASSES=",".join(classes),
                        MLCLF_BENCH_KIND=kind, MLCLF_BENCH_LABEL=IRIS_LABEL,
                        MLCLF_BENCH_VERSION="v1", OMP_NUM_THREADS="1",
                        OPENBLAS_NUM_THREADS="1")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["taskset", "-c", SERVER_CPU, PY, "-m", "uvicorn",
             "serve_fastapi:app", "--app-dir", "bench",
             "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", "1", "--no-access-log", "--log-level", "warning"],
            env=self.env)
        end = time.time() + 60
        while True:
            try:
                post(self.port, "/predict", self.probe, timeout=2)
                return self
            except OSError:
                if time.time() > end or self.proc.poll() is not None:
                    raise RuntimeError(f"uvicorn {self.name} did not start")
                time.sleep(0.2)

    def load_pids(self):
        return [self.proc.pid]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


# ---------------------------------------------------------------- load

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def lat_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)$", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def wrk(port, path, body, seconds, server_pids, depth=1):
    script = os.path.join(ROOT, "build/bench",
                          f"post-{abs(hash(body)) % 10**8}-{depth}.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\n'
                f"wrk.body = {json.dumps(body)}\n"
                'wrk.headers["Content-Type"] = "application/json"\n')
        if depth > 1:
            # HTTP/1.1 pipelining: depth requests per write
            f.write("init = function(args)\n"
                    "  local r = {}\n"
                    f"  for i = 1, {depth} do r[i] = wrk.format(nil, "
                    f"{json.dumps(path)}) end\n"
                    "  req = table.concat(r)\n"
                    "end\n"
                    "request = function() return req end\n")
    t0 = [cpu_ticks(p) for p in server_pids]
    b0 = cpu_busy()
    w0 = os.times()
    c0 = time.monotonic()
    out = sh(["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{CONNS}",
              f"-d{seconds}s", "--timeout", "5s", "--latency", "-s", script,
              f"http://127.0.0.1:{port}{path}"])
    t1 = [cpu_ticks(p) for p in server_pids]
    b1 = cpu_busy()
    w1 = os.times()
    # wrk runs a little longer than -d (connecting, the last replies):
    # shares of a core are taken over the time it really ran
    wall = time.monotonic() - c0
    res = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)
                        .group(1))}
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        # wrk 4.1 keeps one start time per connection: with several
        # requests per write its percentiles are wrong (90th and 99th
        # print as 0.00us), so pipelined runs report none
        res[f"p{pct}_ms"] = lat_ms(m.group(1)) if depth == 1 else None
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non2xx"] = int(bad.group(1)) if bad else 0
    serr = re.search(r"Socket errors: (.*)", out)
    res["socket_errors"] = serr.group(1) if serr else ""
    hz = os.sysconf("SC_CLK_TCK")
    res["server_cpu"] = sum(b - a for a, b in zip(t0, t1)) / hz / wall
    # everything busy that was neither the server nor wrk, in cores:
    # the measure of a machine that is not idle (the load average also
    # counts the benchmark itself)
    load = (w1.children_user + w1.children_system
            - w0.children_user - w0.children_system)
    res["other_cpu"] = ((b1 - b0) / hz - res["server_cpu"] * wall
                        - load) / wall
    return res


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_ms(v):
    return "n/a" if v is None else f"{fmt_cell(v)} ms"


def compare(title, sides, rounds, seconds, depth=1):
    """sides: [(label, server, port, path, body, rows_per_request)]"""
    runs = {s[0]: [] for s in sides}
    for _ in range(rounds):
        for label, server, port, path, body, _rows in sides:
            runs[label].append(wrk(port, path, body, seconds,
                                   server.load_pids(), depth))
    out = {"title": title, "sides": [], "depth": depth}
    for label, server, port, path, body, rows in sides:
        rs = runs[label]
        side = {"label": label, "runs": rs, "rows": rows,
                "rps": statistics.median(r["rps"] for r in rs),
                "p50_ms": median_or_none(r["p50_ms"] for r in rs),
                "p99_ms": median_or_none(r["p99_ms"] for r in rs),
                "cpu": statistics.median(r["server_cpu"] for r in rs),
                "other_cpu": max(r["other_cpu"] for r in rs),
                "non2xx": sum(r["non2xx"] for r in rs)}
        side["rows_per_s"] = side["rps"] * rows
        out["sides"].append(side)
    a, b = out["sides"][0], out["sides"][1]
    out["ratio"] = a["rows_per_s"] / b["rows_per_s"]
    out["p99_ratio"] = (a["p99_ms"] / max(b["p99_ms"], 1e-9)
                        if depth == 1 else None)
    out["other_cpu"] = max(a["other_cpu"], b["other_cpu"])
    log(f"  {title}: {a['label']} {a['rps']:.0f} req/s "
        f"p99 {fmt_ms(a['p99_ms'])} | {b['label']} {b['rps']:.0f} req/s "
        f"p99 {fmt_ms(b['p99_ms'])} | ratio {out['ratio']:.3f}x | "
        f"others used up to {out['other_cpu']:.2f} cores")
    for s in out["sides"]:
        if s["non2xx"]:
            raise RuntimeError(f"{title}: {s['label']}: {s['non2xx']} "
                               "non-2xx replies")
    return out


# ---------------------------------------------------------------- setup

MODULE = os.path.join(ROOT, "build/bench/modules/ngx_http_mlclf_module.so")


def build_tools():
    os.makedirs("build/bench/modules", exist_ok=True)
    # a new file under the name, never a rewrite in place: an NGINX
    # left running from an earlier run has the old one mapped
    shutil.copy2("build/modules/ngx_http_mlclf_module.so", MODULE + ".new")
    os.replace(MODULE + ".new", MODULE)
    libs = sh(["pkg-config", "--libs", "libcjson"]).split()
    for prog in ("micro", "bigforest"):
        sh(["cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2",
            "-D_GNU_SOURCE", "-Ilibmlclf", "-o", f"build/bench/{prog}",
            f"bench/{prog}.c", "build/lib/libmlclf_all.a", *libs,
            "-lunistring", "-lmurmurhash", "-lz", "-lm", "-lpthread"])


def check_ports(ports, who):
    """Nothing else may listen on our ports: wrk would measure it."""
    for port in ports:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                sys.exit(f"{who}: port {port} is in use (MLCLF_PORT moves "
                         "the benchmark's ports)")


TRAIN_ENV = dict(os.environ, LC_ALL="C", SOURCE_DATE_EPOCH="1700000000")


def train_confs(reg, confs):
    """Trains each (name, config) into a fresh registry reg, reproducibly:
    {name: {"dir", "file", "train", "test", "metrics"}}."""
    shutil.rmtree(reg, ignore_errors=True)
    models = {}
    for name, conf in confs:
        out = json.loads(sh(["build/bin/mlclf-train", "--config", conf,
                             "--registry", reg, "--json", "--quiet"],
                            env=TRAIN_ENV))
        models[name] = {"conf": conf, "dir": out["path"],
                        "file": os.path.join(out["path"], "model.mlclf"),
                        "train": os.path.join(out["path"], "train.csv"),
                        "test": os.path.join(out["path"], "test.csv"),
                        "metrics": out["metrics"]}
    return models


def train_models(smoke):
    reg = os.path.join(ROOT, "build/bench/serve-registry")
    models = train_confs(reg, [(kind, f"conf/iris-{kind}.yaml")
                               for kind in ("logreg", "forest")])
    for m in models.values():
        m["accuracy"] = m["metrics"]["accuracy"]
    models["gbt"] = train_gbt(reg, TRAIN_ENV, smoke)
    return models


def train_gbt(reg, env, smoke):
    """An XGBoost binary:logistic model of GBT_TREES trees of depth
    GBT_DEPTH, trained on bench/gbt.py's synthetic data (20 features),
    saved as JSON and published in reg with mlclf-import; and one row of
    the same data for the requests.  The same seed, rows and parameters
    as bench/gbt.py: the full run serves the model of its 500 x 6 row
    (the smoke run, one trained on fewer rows)."""
    import numpy as np
    import xgboost as xgb
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from gbt import data

    log(f"gbt: XGBoost binary:logistic, {GBT_TREES} trees of depth "
        f"{GBT_DEPTH}, imported with mlclf-import")
    rng = np.random.default_rng(12)
    x, y = data(rng, 2000 if smoke else 20000)
    row, _ = data(rng, 1)
    bst = xgb.train({"objective": "binary:logistic",
                     "max_depth": GBT_DEPTH, "eta": 0.1,
                     "tree_method": "hist", "nthread": 2, "seed": 1},
                    xgb.DMatrix(x, label=y), num_boost_round=GBT_TREES)
    src = os.path.join(ROOT, "build/bench", f"xgboost-{GBT_NAME}.json")
    bst.save_model(src)
    meta = json.loads(sh(["build/bin/mlclf-import", "--registry", reg,
                          "--name", GBT_NAME, "--json", src], env=env))
    d = os.path.join(reg, GBT_NAME, "versions", meta["version"])
    return {"dir": d, "file": os.path.join(d, "model.mlclf"),
            "source": src, "classes": meta["classes"],
            "trees": meta["n_trees"], "xgboost": xgb.__version__,
            "row": [round(float(v), 3) for v in row[0]]}


def write_rows(models, n):
    """n rows near the iris training rows (fixed seed), features only."""
    import numpy as np
    import pandas as pd
    train = pd.read_csv(models["logreg"]["train"])
    x = train.drop(columns=[IRIS_LABEL]).values
    rng = np.random.default_rng(1)
    rows = x[rng.integers(0, len(x), n)] + rng.normal(0, 0.1, (n, x.shape[1]))
    rows = np.round(np.abs(rows), 2)
    path = os.path.join(ROOT, f"build/bench/rows-{n}.csv")
    pd.DataFrame(rows, columns=train.columns[:-1]).to_csv(path, index=False)
    return path, rows


# ---------------------------------------------------------------- parts

def part_micro(models, rows_csv, repeats):
    log("micro: libmlclf against scikit-learn and XGBoost in-process")
    ours = {}
    for kind in ("logreg", "forest"):
        ours[kind] = json.loads(sh(["build/bench/micro",
                                    models[kind]["file"], rows_csv,
                                    str(repeats),
                                    json.dumps({"features": IRIS_ROW})]))
    ref = json.loads(sh([PY, "bench/micro.py", models["logreg"]["train"],
                         IRIS_LABEL, rows_csv, str(repeats)],
                        env=dict(os.environ, OMP_NUM_THREADS="2")))
    log(f"  logreg one row {ours['logreg']['one_row_ns']:.1f} ns, "
        f"forest one row {ours['forest']['one_row_ns']:.1f} ns")
    return {"ours": ours, "ref": ref}


def serving_configs(models, zone):
    z = "    mlclf_zone mlclf:1m;\n" if zone else ""
    # iris_twin: the same file as iris, its shadow in --shadow runs
    t = (f"    mlclf_model iris_twin {models['logreg']['file']};\n"
         if zone else "")
    return (z + t +
            f"    mlclf_model iris {models['logreg']['file']};\n"
            f"    mlclf_model iris_forest {models['forest']['file']};\n"
            f"    mlclf_model {GBT_NAME} {models['gbt']['file']};\n")


def part_serving(models, rows, seconds, rounds, zone_rounds, shadow):
    one = json.dumps({"features": IRIS_ROW})
    gbt_one = json.dumps({"features": models["gbt"]["row"]})
    gbt_label = f"mlclf /predict gbt-{GBT_TREES}"
    batch = json.dumps({"instances": [list(r) for r in rows[:100]]})

    # the replies the ceiling must repeat, byte for byte
    probe = Nginx("probe", P_PROBE, serving_configs(models, False) +
                  f"    server {{\n        listen 127.0.0.1:{P_PROBE};\n"
                  "        location = /lr { mlclf_predict iris; }\n"
                  "        location = /rf { mlclf_predict iris_forest; }\n"
                  f"        location = /gbt "
                  f"{{ mlclf_predict {GBT_NAME}; }}\n"
                  "    }\n").start()
    try:
        replies = {k: post(P_PROBE, p, b)[1] for k, p, b in
                   (("lr", "/lr", one), ("rf", "/rf", one),
                    ("gbt", "/gbt", gbt_one))}
    finally:
        probe.stop()

    def ceiling(path, reply):
        assert "'" not in reply
        return (f"        location = {path} {{\n"
                "            default_type application/json;\n"
                "            add_header X-Model-Version v1;\n"
                f"            return 200 '{reply}';\n"
                "        }\n")

    server = (f"    server {{\n        listen 127.0.0.1:{P_SERVE};\n"
              "        location = /predict { mlclf_predict iris; }\n"
              "        location = /predict_forest "
              "{ mlclf_predict iris_forest; }\n"
              + f"        location = /predict_gbt {{ mlclf_predict "
              f"{GBT_NAME}; }}\n"
              + ceiling("/ceiling_lr", replies["lr"])
              + ceiling("/ceiling_forest", replies["rf"])
              + ceiling("/ceiling_gbt", replies["gbt"]) +
              "    }\n")
    ngx = Nginx("serve", P_SERVE, serving_configs(models, False) + server)

    # --shadow: the same model with and without a shadow of itself, on
    # the same NGINX, so that the difference is the shadow's work alone
    zone_server = server.replace(f":{P_SERVE};", f":{P_ZONE};")
    if shadow:
        zone_server = zone_server[:-len("    }\n")] + (
            "        location = /predict_shadow "
            "{ mlclf_predict iris; mlclf_shadow iris_twin; }\n    }\n")
    zone_ngx = Nginx("zone", P_ZONE, serving_configs(models, True) +
                     zone_server)
    zone_ok, zone_msg = zone_ngx.test()

    res = {"replies": replies, "one_body": one, "gbt_body": gbt_one,
           "batch_bytes": len(batch), "zone": None, "shadow": None,
           "zone_msg": "" if zone_ok else zone_msg}
    ngx.start()
    try:
        log("serving: /predict against NGINX's own return 200")
        res["ceiling_lr"] = compare(
            "logreg vs return 200",
            [("mlclf /predict logreg", ngx, P_SERVE, "/predict", one, 1),
             ("nginx return 200", ngx, P_SERVE, "/ceiling_lr", one, 1)],
            rounds, seconds)
        res["ceiling_rf"] = compare(
            "forest vs return 200",
            [("mlclf /predict forest", ngx, P_SERVE, "/predict_forest", one, 1),
             ("nginx return 200", ngx, P_SERVE, "/ceiling_forest", one, 1)],
            rounds, seconds)
        res["ceiling_gbt"] = compare(
            f"imported {GBT_TREES}-tree GBT vs return 200",
            [(gbt_label, ngx, P_SERVE, "/predict_gbt", gbt_one, 1),
             ("nginx return 200", ngx, P_SERVE, "/ceiling_gbt", gbt_one, 1)],
            rounds, seconds)

        log(f"serving: the same, {PIPE} requests pipelined per write "
            "(wrk then saturates the server)")
        res["ceiling_lr_pipe"] = compare(
            f"logreg vs return 200, pipelined x{PIPE}",
            [("mlclf /predict logreg", ngx, P_SERVE, "/predict", one, 1),
             ("nginx return 200", ngx, P_SERVE, "/ceiling_lr", one, 1)],
            rounds, seconds, PIPE)
        res["ceiling_rf_pipe"] = compare(
            f"forest vs return 200, pipelined x{PIPE}",
            [("mlclf /predict forest", ngx, P_SERVE, "/predict_forest", one, 1),
             ("nginx return 200", ngx, P_SERVE, "/ceiling_forest", one, 1)],
            rounds, seconds, PIPE)
        res["ceiling_gbt_pipe"] = compare(
            f"imported {GBT_TREES}-tree GBT vs return 200, pipelined "
            f"x{PIPE}",
            [(gbt_label, ngx, P_SERVE, "/predict_gbt", gbt_one, 1),
             ("nginx return 200", ngx, P_SERVE, "/ceiling_gbt", gbt_one, 1)],
            rounds, seconds, PIPE)

        log("serving: against FastAPI + Uvicorn + scikit-learn")
        for kind, key, path in (("logreg", "fastapi_lr", "/predict"),
                                ("forest", "fastapi_rf", "/predict_forest")):
            uv = Uvicorn(kind, P_UVICORN, kind, one,
                         train=models[kind]["train"]).start()
            try:
                res[key] = compare(
                    f"{kind} vs FastAPI",
                    [(f"mlclf /predict {kind}", ngx, P_SERVE, path, one, 1),
                     ("FastAPI+Uvicorn+sklearn", uv, P_UVICORN, "/predict",
                      one, 1)],
                    rounds, seconds)
            finally:
                uv.stop()

        log("serving: against FastAPI + Uvicorn + XGBoost inplace_predict "
            "(Triton-style Python serving)")
        g = models["gbt"]
        uv = Uvicorn("xgboost", P_UVICORN, "xgboost", gbt_one, model=g["source"],
                     classes=g["classes"]).start()
        try:
            same_answer(replies["gbt"], post(P_UVICORN, "/predict", gbt_one)[1])
            res["fastapi_gbt"] = compare(
                f"imported {GBT_TREES}-tree GBT vs FastAPI + XGBoost",
                [(gbt_label, ngx, P_SERVE, "/predict_gbt", gbt_one, 1),
                 ("FastAPI+Uvicorn+xgboost", uv, P_UVICORN, "/predict",
                  gbt_one, 1)],
                rounds, seconds)
        finally:
            uv.stop()

        log("serving: 100-row batches against one-row requests")
        for kind, key, path in (("logreg", "batch_lr", "/predict"),
                                ("forest", "batch_rf", "/predict_forest")):
            res[key] = compare(
                f"{kind} 100-row batch vs one row (rows/s)",
                [(f"{kind} 100 rows/request", ngx, P_SERVE, path, batch, 100),
                 (f"{kind} 1 row/request", ngx, P_SERVE, path, one, 1)],
                rounds, seconds)
    finally:
        ngx.stop()

    if zone_ok:
        log("serving: /predict with and without mlclf_zone")
        ngx.start()
        zone_ngx.start()
        try:
            res["zone"] = compare(
                "logreg with mlclf_zone vs without",
                [("mlclf_zone on", zone_ngx, P_ZONE, "/predict", one, 1),
                 ("mlclf_zone off", ngx, P_SERVE, "/predict", one, 1)],
                zone_rounds, seconds)
            if shadow:
                log("serving: /predict with and without mlclf_shadow")
                part_shadow(res, zone_ngx, one, batch, zone_rounds, seconds)
        finally:
            zone_ngx.stop()
            ngx.stop()
    else:
        log(f"serving: mlclf_zone not available, skipped ({zone_msg})")
    return res


def part_shadow(res, ngx, one, batch, rounds, seconds):
    """The cost of a shadow (the model itself as its own shadow, so
    that the shadow costs one more prediction per row): one row and
    100-row batches, each side interleaved round by round."""
    for key, body, rows in (("shadow", one, 1), ("shadow_batch", batch, 100)):
        what = "one row" if rows == 1 else f"{rows}-row batch"
        res[key] = compare(
            f"logreg with mlclf_shadow vs without, {what}",
            [("mlclf_shadow on", ngx, P_ZONE, "/predict_shadow", body, rows),
             ("mlclf_shadow off", ngx, P_ZONE, "/predict", body, rows)],
            rounds, seconds)


def same_answer(ours, theirs):
    """The FastAPI + XGBoost reply has the fields of /predict's, the same
    prediction and the same confidence (within XGBoost's float32)."""
    a, b = json.loads(ours), json.loads(theirs)
    if (list(a) != list(b) or a["prediction"] != b["prediction"]
            or abs(a["confidence"] - b["confidence"]) > 1e-6):
        raise RuntimeError(f"FastAPI + XGBoost answered {theirs}, "
                           f"/predict {ours}")


def part_memory(models, megabytes):
    log(f"memory: 4 workers, a forest of {megabytes} MB against none")
    big = os.path.join(ROOT, f"build/bench/big-{megabytes}.mlclf")
    if not os.path.exists(big):
        sh(["build/bench/bigforest", big, str(megabytes)])
    size = os.path.getsize(big)
    out = {"model_bytes": size}
    row = json.dumps({"features": [0.5] * 20})
    for name in ("small", "big"):
        http = serving_configs(models, False)
        locs = "        location = /predict { mlclf_predict iris; }\n"
        if name == "big":
            http += f"    mlclf_model big {big};\n"
            locs += "        location = /big { mlclf_predict big; }\n"
        ngx = Nginx(f"mem-{name}", P_MEM, http +
                    f"    server {{\n        listen 127.0.0.1:{P_MEM};\n"
                    + locs + "    }\n", workers=4).start()
        try:
            if name == "big":
                for _ in range(40):
                    st, body, _h = post(P_MEM, "/big", row)
                    assert st == 200, body
            time.sleep(1.0)
            out[name] = [dict(pid=p, **smaps_rollup(p))
                         for p in ngx.load_pids()]
            out[name + "_master"] = smaps_rollup(ngx.proc.pid)
        finally:
            ngx.stop()
    # the master holds the sealed model too: its share counts
    out["pss_small_kb"] = (sum(w["Pss"] for w in out["small"])
                           + out["small_master"]["Pss"])
    out["pss_big_kb"] = (sum(w["Pss"] for w in out["big"])
                         + out["big_master"]["Pss"])
    # the model as the master holds it: the verified file and the
    # layouts made from it at load (packed nodes), all of it touched
    out["master_rss_growth_kb"] = (out["big_master"]["Rss"]
                                   - out["small_master"]["Rss"])
    growth = out["pss_big_kb"] - out["pss_small_kb"]
    out["growth_copies"] = growth / out["master_rss_growth_kb"]
    out["growth_files"] = growth * 1024 / size
    log(f"  PSS of the master and 4 workers grows by "
        f"{out['growth_copies']:.2f} copies of the model as the master "
        f"holds it ({out['growth_files']:.2f} times the file)")
    return out


def part_training(smoke):
    if smoke:
        return {}
    log("training: bench/train.sh and bench/accuracy.sh")
    out = {}
    for name, script in (("train", "bench/train.sh"),
                         ("accuracy", "bench/accuracy.sh")):
        subprocess.run([script], check=True, stdout=subprocess.DEVNULL)
        with open(f"build/bench/{name}.md") as f:
            out[name] = f.read().strip()
    return out


# ---------------------------------------------------------------- report

def fmt_cell(v):
    return "n/a" if v is None else f"{v:.3f}"


def fmt_cores(v):
    return "?" if v is None else f"{max(v, 0.0):.2f}"


def fmt_rps(v):
    return f"{v:,.0f}"


def check(rows, what, measured, target, ok):
    rows.append(f"| {what} | {measured} | {target} | "
                f"{'yes' if ok else '**NO**'} |")
    return ok


def report(args, res, outdir):
    micro, srv, mem = res["micro"], res["serving"], res["memory"]
    ours, ref = micro["ours"], micro["ref"]
    L = []
    L.append("# mlclf benchmark results\n")
    L.append(f"Written by `{'make bench-smoke' if args.smoke else 'make bench'}`"
             f" (bench/run.py) on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."
             " Every comparison is measured in the same run, its two sides"
             " alternating, and reported as the median of the rounds.\n")
    if args.smoke:
        L.append("**Smoke run: durations far too short for real figures; "
                 "no target is checked.**\n")
    others = [c.get("other_cpu") for c in srv.values()
              if isinstance(c, dict) and "sides" in c]
    others = [v for v in others if v is not None]
    busy = max(others) if others else None
    if busy is not None and busy > OTHERS_IDLE:
        L.append(f"**The machine was not idle: processes other than the "
                 f"server and wrk used up to {busy:.2f} cores during a "
                 "serving run (column \"others\" below), so those figures "
                 "measure the contention more than the servers; run `make "
                 "bench` again on an idle machine.**\n")

    L.append("## Machine and settings\n")
    L.append("| | |\n|---|---|")
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_total = "?"
    with open("/proc/meminfo") as f:
        mem_total = f.readline().split(":")[1].strip()
    for k, v in (
            ("CPU", f"{cpu}, {os.cpu_count()} cores"),
            ("memory", mem_total),
            ("kernel", platform.release()),
            ("OS", first_line(["sh", "-c", ". /etc/os-release && "
                               "echo $PRETTY_NAME"])),
            ("nginx", first_line([NGINX, "-v"])),
            ("wrk", first_line(["wrk", "--version"])),
            ("compiler", first_line(["cc", "--version"])),
            ("python", first_line([PY, "--version"])),
            ("scikit-learn / numpy / xgboost",
             f"{ref['sklearn']} / {ref['numpy']} / {ref['xgboost']}"),
            ("fastapi / uvicorn", first_line(
                [PY, "-c", "import fastapi, uvicorn; "
                 "print(fastapi.__version__, '/', uvicorn.__version__)"])),
            ("load average (start / end)",
             f"{res['loadavg_start']} / {res['loadavg_end']} (the "
             "benchmark's own load counts here too)"),
            ("other processes", "the CPU used during each serving run by "
             "anything but the server and wrk (/proc/stat busy time minus "
             "theirs): "
             + (f"at most {busy:.2f} cores" if busy is not None else "?")
             + f"; above {OTHERS_IDLE} the run is flagged as not idle"),
            ("mlclf commit", res.get("commit") or first_line(
                ["git", "rev-parse", "--short", "HEAD"])),
            *[("re-measured (--only)", f"{', '.join(r['parts'])} on "
               f"{r['time']} at commit {r['commit']}")
              for r in res.get("remeasured", [])],
            ("pinning", f"server (nginx master + 1 worker, or uvicorn "
             f"--workers 1) on CPU {SERVER_CPU}; wrk on CPU {LOAD_CPU}"),
            ("load", f"wrk -t1 -c{CONNS} -d{args.duration}s --latency, "
             f"keep-alive, loopback; {args.rounds} rounds A,B,A,B...; "
             f"mlclf_zone: {args.zone_rounds} rounds"),
            ("nginx settings", "same for every side: access_log off, "
             "keepalive_requests 1000000, client_body_buffer_size 64k, "
             "client_header_buffer_size 4k (conf/nginx.conf's)"),
            ("ceiling", "`return 200 '<the /predict reply>'` in a location "
             "of the same server, `default_type application/json`, "
             "`add_header X-Model-Version v1`: the same reply bytes"),
            ("request", f"`{srv['one_body']}` (batch: 100 rows, "
             f"{srv['batch_bytes']} bytes)"
             + (f"; GBT: `{srv['gbt_body']}`" if "gbt_body" in srv
                else "")),
            ("models", "conf/iris-logreg.yaml and conf/iris-forest.yaml "
             "(100 trees, max_depth 12) trained by mlclf-train; FastAPI and "
             "micro.py fit scikit-learn on the same train.csv"),
            ("imported GBT", f"XGBoost binary:logistic, {GBT_TREES} trees "
             f"of max_depth {GBT_DEPTH}, eta 0.1, hist, 20 synthetic "
             "features (bench/gbt.py's data and seed), saved as JSON and "
             "published with mlclf-import; FastAPI loads the same file "
             "into an xgboost Booster (nthread 1) and answers with "
             "`inplace_predict` on the request's row"),
    ):
        L.append(f"| {k} | {v} |")
    L.append("")

    T = ["| target | measured | required | met |", "|---|---|---|---|"]
    for sfx, note in (("", ""), ("_pipe", f", pipelined x{PIPE}")):
        c = srv["ceiling_lr" + sfx]
        check(T, f"logreg /predict vs nginx return 200{note}",
              f"{c['ratio']:.3f}x", ">= 0.85x", c["ratio"] >= 0.85)
        c = srv["ceiling_rf" + sfx]
        check(T, f"100-tree forest /predict vs nginx return 200{note}",
              f"{c['ratio']:.3f}x", ">= 0.70x", c["ratio"] >= 0.70)
    for sfx, note in (("", ""), ("_pipe", f", pipelined x{PIPE}")):
        what = (f"imported {GBT_TREES}-tree GBT (depth {GBT_DEPTH}) "
                f"/predict vs nginx return 200{note}")
        c = srv.get("ceiling_gbt" + sfx)
        if c:
            check(T, what, f"{c['ratio']:.3f}x", ">= 0.85x",
                  c["ratio"] >= 0.85)
        else:
            T.append(f"| {what} | not measured in this run | >= 0.85x "
                     "| n/a |")
    for key, kind, need in (("fastapi_lr", "logreg", 30),
                            ("fastapi_rf", "forest", 300)):
        c = srv[key]
        if c:
            check(T, f"{kind} req/s vs FastAPI", f"{c['ratio']:.1f}x",
                  f">= {need}x", c["ratio"] >= need)
            check(T, f"{kind} p99 vs FastAPI",
                  f"{fmt_ms(c['sides'][0]['p99_ms'])} vs "
                  f"{fmt_ms(c['sides'][1]['p99_ms'])}", "lower",
                  c["p99_ratio"] < 1)
    c = srv.get("fastapi_gbt")
    if c:
        a, b = c["sides"]
        T.append(f"| imported {GBT_TREES}-tree GBT vs FastAPI + XGBoost "
                 f"inplace_predict: req/s, p99 | {c['ratio']:.1f}x "
                 f"({fmt_rps(a['rps'])} vs {fmt_rps(b['rps'])}); "
                 f"{fmt_ms(a['p99_ms'])} vs {fmt_ms(b['p99_ms'])} | "
                 "side by side | |")
    v = ours["logreg"]["one_row_ns"]
    check(T, "logreg (4 features) one row in-process", f"{v:.1f} ns",
          "<= 50 ns", v <= 50)
    v = ours["forest"]["one_row_ns"]
    check(T, "100-tree forest one row in-process", f"{v:.0f} ns",
          "<= 2000 ns", v <= 2000)
    for kind, rk in (("logreg", "sklearn_logreg_batch_ns"),
                     ("forest", "sklearn_forest_batch_2t_ns")):
        a, b = 1e9 / ours[kind]["batch_2t_ns_per_row"], 1e9 / ref[rk]
        check(T, f"{kind} batch rows/s, 2 threads, vs scikit-learn",
              f"{a:,.0f} vs {b:,.0f} ({a / b:.1f}x)", "above", a > b)
    if srv["zone"]:
        cost = 1 - srv["zone"]["ratio"]
        check(T, "cost of mlclf_zone on /predict req/s",
              f"{cost * 100:+.2f}%", "<= 2%", cost <= 0.02)
    else:
        T.append("| cost of mlclf_zone | not measured: mlclf_zone not in "
                 "this build | <= 2% | n/a |")
    g = mem["growth_copies"]
    check(T, "PSS growth of the master and 4 workers, in copies of the "
          "model as the master holds it",
          f"{g:.2f}", "about 1 (not 4)", g < 1.5)
    L.append("## Targets\n")
    L.extend(T)
    L.append("")

    L.append("## Serving (wrk, medians of the rounds)\n")
    L.append("| comparison | side | req/s | rows/s | p50 ms | p99 ms | "
             "server CPU | others | ratio (rows/s) |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for key in ("ceiling_lr", "ceiling_rf", "ceiling_gbt",
                "ceiling_lr_pipe", "ceiling_rf_pipe", "ceiling_gbt_pipe",
                "fastapi_lr",
                "fastapi_rf", "fastapi_gbt", "batch_lr", "batch_rf",
                "zone", "shadow", "shadow_batch"):
        c = srv.get(key)
        if not c:
            continue
        for i, s in enumerate(c["sides"]):
            L.append(f"| {c['title'] if i == 0 else ''} | {s['label']} | "
                     f"{fmt_rps(s['rps'])} | {fmt_rps(s['rows_per_s'])} | "
                     f"{fmt_cell(s['p50_ms'])} | {fmt_cell(s['p99_ms'])} | "
                     f"{s['cpu'] * 100:.0f}% | "
                     f"{fmt_cores(s.get('other_cpu'))} | "
                     f"{'%.3fx' % c['ratio'] if i == 0 else ''} |")
    L.append("")
    L.append(f"Pipelined: wrk writes {PIPE} requests at once on each "
             "connection (HTTP/1.1 pipelining); one wrk thread on one core "
             "then produces enough load to keep the server's core busy, "
             "which plain keep-alive cannot when the server is fast.  "
             "wrk's latency percentiles are wrong for pipelined requests "
             "(its 90th and 99th print as 0.00us), so those rows show "
             "none.\n")
    L.append("Server CPU is the share of one core the server process(es) "
             "used during the run (utime + stime from /proc); near 100% "
             "means the server, not wrk, was the limit.  Others: the "
             "cores used by every other process during the run (the most "
             "of the rounds), near 0 on an idle machine.  Every run, "
             "round by round, is in `build/bench/results.json`.\n")
    if not srv["zone"]:
        L.append(f"mlclf_zone: not measured, `nginx -t` refused it: "
                 f"`{srv['zone_msg'][:200]}`\n")

    L.append("## Predict in-process (ns per row, median)\n")
    L.append(f"Rows: {ref['batch_rows']:,} near the iris training rows "
             "(`build/bench/rows-*.csv`); one-row figures call the "
             "predictor once per row, batch figures pass all rows at once. "
             "XGBoost: 100 trees, max_depth 6, `inplace_predict`.\n")
    L.append("| model | library | one row | batch, 1 thread | "
             "batch, 2 threads |")
    L.append("|---|---|---|---|---|")
    for kind in ("logreg", "forest"):
        o = ours[kind]
        L.append(f"| {kind} | libmlclf | {o['one_row_ns']:.1f} | "
                 f"{o['batch_1t_ns_per_row']:.1f} | "
                 f"{o['batch_2t_ns_per_row']:.1f} |")
    L.append(f"| logreg | scikit-learn predict_proba | "
             f"{ref['sklearn_logreg_one_ns']:.0f} | | "
             f"{ref['sklearn_logreg_batch_ns']:.1f} (BLAS) |")
    L.append(f"| forest | scikit-learn predict_proba | "
             f"{ref['sklearn_forest_one_ns']:.0f} | | "
             f"{ref['sklearn_forest_batch_2t_ns']:.1f} (n_jobs=2) |")
    L.append(f"| xgboost 100 trees | XGBoost inplace_predict | "
             f"{ref['xgboost_one_ns']:.0f} | | "
             f"{ref['xgboost_batch_2t_ns']:.1f} (nthread=2) |")
    L.append("")
    L.append("The module's core path for the one-row request (parse, "
             "predict, reply JSON; no HTTP): "
             f"logreg {ours['logreg']['request_ns']:.0f} ns, "
             f"forest {ours['forest']['request_ns']:.0f} ns.\n")

    L.append("## Memory: 4 workers\n")
    L.append(f"A forest of {mem['model_bytes'] / 1048576:.1f} MB "
             "(bench/bigforest.c: full trees of depth 15) served by 4 "
             "workers next to the iris models, against the same server "
             "without it.  The master reads and verifies the file into "
             "sealed memory and lays the trees out for the kernels "
             "(packed nodes, read-only), which the workers inherit: one "
             "copy of the pages, shared by all (PSS); a worker's RSS "
             "counts the pages it has touched.  From "
             "`/proc/<pid>/smaps_rollup`, after 40 /predict requests.\n")
    L.append("| server | worker | RSS MB | PSS MB |")
    L.append("|---|---|---|---|")
    for name in ("small", "big"):
        for i, w in enumerate(mem[name]):
            L.append(f"| {'with' if name == 'big' else 'without'} big "
                     f"model | {i + 1} | {w['Rss'] / 1024:.1f} | "
                     f"{w['Pss'] / 1024:.1f} |")
    L.append(f"| | **sum of PSS, master included** | | without "
             f"{mem['pss_small_kb'] / 1024:.1f}"
             f" / with {mem['pss_big_kb'] / 1024:.1f} |")
    L.append("")
    growth = (mem["pss_big_kb"] - mem["pss_small_kb"]) / 1024
    if "master_rss_growth_kb" in mem:
        L.append(f"Growth of the total PSS of the master and the workers: "
                 f"{growth:.1f} MB = **{mem['growth_copies']:.2f} "
                 f"copies** of the model as the master holds it (its RSS "
                 f"grows by {mem['master_rss_growth_kb'] / 1024:.1f} MB: "
                 f"the verified file and the kernels' layout of its "
                 f"trees), {mem['growth_files']:.2f} times the file "
                 f"({mem['model_bytes'] / 1048576:.1f} MB).\n")
    else:
        L.append(f"Growth of the total PSS of the master and the workers: "
                 f"{growth:.1f} MB = **{mem['growth_copies']:.2f} "
                 f"copies** of the model "
                 f"({mem['model_bytes'] / 1048576:.1f} MB).\n")

    if res["training"]:
        L.append("## Training against scikit-learn (bench/train.sh)\n")
        L.append(res["training"]["train"] + "\n")
        L.append("## Accuracy against scikit-learn (bench/accuracy.sh)\n")
        L.append(res["training"]["accuracy"] + "\n")

    L.extend(kept_sections(os.path.join(outdir, "RESULTS.md"), L))
    L.append("## Chart\n")
    L.append("![throughput and p99 per server](results.png)\n")
    with open(os.path.join(outdir, "RESULTS.md"), "w") as f:
        f.write("\n".join(L))


def kept_sections(path, written):
    """The sections of the old RESULTS.md that this report does not write
    (figures measured by hand, e.g. bench/ab.sh, bench/sha256.c): kept,
    in their order, before the chart."""
    ours = {l.split("\n", 1)[0] for l in written if l.startswith("## ")}
    ours.add("## Chart")
    try:
        text = open(path).read()
    except OSError:
        return []
    kept = []
    for part in text.split("\n## ")[1:]:
        head = "## " + part.split("\n", 1)[0]
        if head not in ours:
            kept.append("## " + part.rstrip("\n") + "\n")
    return kept


def chart(res, outdir):
    srv = res["serving"]
    dat = os.path.join(ROOT, "build/bench/serving.dat")
    lat = os.path.join(ROOT, "build/bench/latency.dat")
    with open(dat, "w") as f, open(lat, "w") as g:
        f.write("# label rps\n")
        g.write("# label p99_ms (wrk gives none when pipelined)\n")
        for key, names in (("ceiling_lr", ("mlclf LR", "return 200 (LR)")),
                           ("ceiling_rf", ("mlclf RF", "return 200 (RF)")),
                           ("ceiling_gbt", (f"mlclf GBT-{GBT_TREES}",
                                            "return 200 (GBT)")),
                           ("fastapi_lr", (None, "FastAPI LR")),
                           ("fastapi_rf", (None, "FastAPI RF")),
                           ("fastapi_gbt", (None, "FastAPI XGBoost")),
                           ("ceiling_lr_pipe", ("mlclf LR pipel.",
                                                "return 200 pipel.")),
                           ("ceiling_rf_pipe", ("mlclf RF pipel.", None)),
                           ("ceiling_gbt_pipe", (f"mlclf GBT-{GBT_TREES} "
                                                 "pipel.", None))):
            if not srv.get(key):
                continue
            for s, n in zip(srv[key]["sides"], names):
                if n:
                    f.write(f'"{n}" {s["rps"]:.1f}\n')
                if n and s["p99_ms"] is not None:
                    g.write(f'"{n}" {s["p99_ms"]:.4f}\n')
    png = os.path.join(outdir, "results.png")
    gp = f"""
set terminal pngcairo size 1200,520 font "DejaVu Sans,10"
set output "{png}"
set multiplot layout 1,2 title "/predict on 1 core, one row (iris; GBT: {GBT_TREES} trees, 20 features): wrk -c{CONNS} keep-alive on the other core ('pipel.': {PIPE} requests per write)"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set logscale y
set grid ytics
set xtics rotate by -30 scale 0
unset key
set title "throughput, requests/s (log scale)"
plot "{dat}" using 2:xtic(1) lc rgb "#2c7fb8"
set title "p99 latency, ms (log scale; not measurable when pipelined)"
set yrange [0.01:*]
plot "{lat}" using 2:xtic(1) lc rgb "#d95f0e"
unset multiplot
"""
    subprocess.run(["gnuplot"], input=gp, text=True, check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--skip-train", action="store_true")
    ap.add_argument("--duration", type=int)
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--zone-rounds", type=int)
    ap.add_argument("--shadow", action="store_true",
                    help="serving also measures /predict with and without "
                         "mlclf_shadow (the model as its own shadow), "
                         "with --zone-rounds rounds")
    ap.add_argument("--only", metavar="PART[,PART]",
                    help="measure only these parts (micro, serving, "
                         "memory, training) and keep the others' figures "
                         "from build/bench/results.json")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite RESULTS.md and the chart from "
                         "build/bench/results.json")
    args = ap.parse_args()
    if args.duration is None:
        args.duration = 1 if args.smoke else 6
    if args.rounds is None:
        args.rounds = 1 if args.smoke else 3
    if args.zone_rounds is None:
        args.zone_rounds = 1 if args.smoke else 6
    outdir = (os.path.join(ROOT, "build/bench/smoke") if args.smoke
              else os.path.join(ROOT, "bench"))
    os.makedirs(outdir, exist_ok=True)
    os.makedirs("build/bench", exist_ok=True)
    # a smoke run must not replace the raw figures of the last full run,
    # which --only and --report-only read back
    raw = ("build/bench/smoke/results.json" if args.smoke
           else "build/bench/results.json")

    res = {"loadavg_start": open("/proc/loadavg").read().strip()}
    if args.report_only:
        with open(raw) as f:
            res = json.load(f)
        report(args, res, outdir)
        chart(res, outdir)
        return 0

    parts = ("micro", "serving", "memory", "training")
    only = parts
    if args.only:
        only = args.only.split(",")
        if not set(only) <= set(parts) or args.smoke:
            ap.error(f"--only takes parts among {', '.join(parts)}, "
                     "without --smoke")
        with open(raw) as f:
            res = dict(json.load(f), loadavg_start=res["loadavg_start"])

    build_tools()
    models = train_models(args.smoke)
    n_rows = 10000 if args.smoke else 100000
    rows_csv, rows = write_rows(models, n_rows)

    if "micro" in only:
        res["micro"] = part_micro(models, rows_csv, 1 if args.smoke else 7)
    if "serving" in only:
        res["serving"] = part_serving(models, rows, args.duration,
                                      args.rounds, args.zone_rounds,
                                      args.shadow)
    if "memory" in only:
        res["memory"] = part_memory(models, 8 if args.smoke else 110)
    if "training" in only:
        res["training"] = ({} if args.skip_train
                           else part_training(args.smoke))

    res["loadavg_end"] = open("/proc/loadavg").read().strip()
    commit = first_line(["git", "rev-parse", "--short", "HEAD"])
    if args.only:
        res.setdefault("remeasured", []).append(
            {"parts": only, "commit": commit,
             "time": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
    else:
        res["commit"] = commit
    with open(raw, "w") as f:
        json.dump(res, f, indent=1, default=str)
    report(args, res, outdir)
    chart(res, outdir)
    log(f"wrote {outdir}/RESULTS.md and {outdir}/results.png")


if __name__ == "__main__":
    sys.exit(main())
