#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# make check-kserve-runtime: tools/mlclf-serve, the image's KServe
# entrypoint mode, outside the container, with the CLIs and the module
# of the build: every kind of model directory it accepts (nginx -t through
# --check), every one it refuses (exit status and message), the command
# line, a real start serving the V2 and V1 routes, /predict and
# /metrics, and the switch to an unprivileged user when started as root.
# make docker-check runs it inside the image (scripts/docker-smoke-
# kserve.sh).  Needs `make bins module` (the Makefile target builds
# them); MLCLF_PORT: where the started NGINX listens on 127.0.0.1
# (default 18093).
"""check-kserve-runtime: mlclf-serve outside the container."""

import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ME = 'check-kserve-runtime'
SERVE = os.path.join(ROOT, 'tools', 'mlclf-serve')
FIX = os.path.join(ROOT, 'tests', 'fixtures')
IRIS = os.path.join(FIX, 'golden-logreg.mlclf')
IRIS_ROW = [5.1, 3.5, 1.4, 0.2]


class Check:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, what):
        self.passed += 1
        print('%s: ok %s' % (ME, what))

    def bad(self, what, why):
        self.failed += 1
        print('%s: FAIL %s: %s' % (ME, what, why))

    def expect(self, cond, what, why):
        if cond:
            self.ok(what)
        else:
            self.bad(what, why)
        return cond


def serve_env(build, user=None):
    env = dict(os.environ)
    env.update(MLCLF_MODULE=os.path.join(build, 'modules',
                                         'ngx_http_mlclf_module.so'),
               MLCLF_IMPORT=os.path.join(build, 'bin', 'mlclf-import'),
               MLCLF_NGINX='/usr/sbin/nginx',
               # no switch of user unless a case asks for one
               MLCLF_SERVE_USER=user or 'mlclf-kserve-check-no-such-user')
    env.pop('MLCLF_SERVE_AS', None)
    return env


def run_serve(env, args):
    p = subprocess.run(['/bin/sh', SERVE] + args, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode('utf-8', 'replace')


def put(path, src=None, text=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if src:
        shutil.copyfile(src, path)
    else:
        with open(path, 'w') as f:
            f.write(text)


def import_registry(build, reg, name, src):
    subprocess.run([os.path.join(build, 'bin', 'mlclf-import'),
                    '--registry', reg, '--name', name, '--promote', src],
                   check=True, stdout=subprocess.DEVNULL)


# a scikit-learn model as a data scientist saves it (python3-sklearn)
SKLEARN_FIT = """
import sys, joblib
from sklearn.linear_model import LogisticRegression
X = [[0, 0], [1, 1], [0, 1], [1, 0], [2, 1]] * 4
joblib.dump(LogisticRegression().fit(X, [0, 1, 1, 0, 1] * 4), sys.argv[1])
"""


def sklearn_json(tmp):
    """The interchange file of mlclf-sklearn-export for a small model."""
    pkl = os.path.join(tmp, 'lr.joblib')
    out = os.path.join(tmp, 'lr.json')
    subprocess.run(['/usr/bin/python3', '-c', SKLEARN_FIT, pkl], check=True)
    subprocess.run([os.path.join(ROOT, 'tools', 'mlclf-sklearn-export'),
                    pkl, out], check=True, stdout=subprocess.DEVNULL)
    return out


def layouts(build, tmp):
    """Model directories: (name, dir, kind it must be found as)."""
    m = os.path.join(tmp, 'models')
    xgb = os.path.join(FIX, 'xgboost', 'tiny.json')
    reg = os.path.join(tmp, 'store')
    import_registry(build, reg, 'iris', os.path.join(FIX, 'lightgbm',
                                                     'multiclass.txt'))
    good = [
        ('a .mlclf file', 'mlclf', {'golden.mlclf': IRIS}),
        ('an XGBoost JSON model', 'source', {'model.json': xgb}),
        ('an XGBoost UBJSON model', 'source',
         {'model.ubj': os.path.join(FIX, 'xgboost', 'tiny.ubj')}),
        ('a LightGBM model.txt', 'source',
         {'model.txt': os.path.join(FIX, 'lightgbm', 'binary-v4.txt')}),
        ('a LightGBM model saved as model.bst', 'source',
         {'model.bst': os.path.join(FIX, 'lightgbm', 'binary-v3.txt')}),
        ('hidden files and lost+found beside the model', 'mlclf',
         {'golden.mlclf': IRIS, '.keep': None, 'lost+found/': None}),
        ('a model one directory down (an extracted archive)', 'source',
         {'spam/model.json': xgb}),
        ('the scikit-learn interchange file of mlclf-sklearn-export',
         'source', {'fraud.json': sklearn_json(tmp)}),
    ]
    out = []
    for i, (what, kind, files) in enumerate(good):
        d = os.path.join(m, 'good%d' % i)
        os.makedirs(d)
        for rel, src in files.items():
            if rel.endswith('/'):
                os.makedirs(os.path.join(d, rel))
            else:
                put(os.path.join(d, rel), src=src, text='')
        out.append((what, d, kind))
    # the registry layouts, as a PVC or a copied directory holds them
    out.append(('a registry model directory (active, versions/)',
                os.path.join(reg, 'iris'), 'registry'))
    out.append(('a registry version directory (model.mlclf, meta.json)',
                os.path.join(reg, 'iris', 'versions', 'v1'), 'version'))
    out.append(('a registry with one model (its root)', reg, 'registry'))
    # pvc://: the storage initializer links each entry into /mnt/models
    linked = os.path.join(m, 'linked')
    os.makedirs(linked)
    for e in os.listdir(os.path.join(reg, 'iris')):
        if not e.startswith('.'):
            os.symlink(os.path.join(reg, 'iris', e), os.path.join(linked, e))
    out.append(('a registry model directory linked entry by entry (pvc://)',
                linked, 'registry'))
    # an object store upload that followed the active link
    copied = os.path.join(m, 'copied')
    shutil.copytree(os.path.join(reg, 'iris'), copied, symlinks=False)
    out.append(('a registry model directory whose active is a copy',
                copied, 'version'))
    return out


def refusals(tmp):
    """(what, files, exit status, message) of directories refused."""
    xgb = os.path.join(FIX, 'xgboost', 'tiny.json')
    return [
        ('an empty directory', {}, 3, 'is empty'),
        ('only hidden files and lost+found', {'.keep': None,
                                              'lost+found/': None},
         3, 'is empty'),
        ('two models', {'a.mlclf': IRIS, 'b.json': xgb}, 3,
         'holds more than one model (a.mlclf b.json)'),
        ('an unknown file', {'model.onnx': xgb}, 3,
         'holds a file that is not a model (model.onnx)'),
        ('a model beside an unknown file', {'model.json': xgb,
                                            'README.md': xgb}, 3,
         'not a model (README.md)'),
        ('a pickle', {'model.joblib': xgb}, 3, 'a pickle is not served'),
        ('a model.pkl', {'model.pkl': xgb}, 3, 'mlclf-sklearn-export'),
        ('a model and a directory', {'model.json': xgb, 'sub/x.json': xgb},
         3, 'and a directory (sub/)'),
        ('two directories', {'a/x.json': xgb, 'b/y.json': xgb}, 3,
         'no model file and 2 directories'),
        ('a model 5 directories down', {'a/b/c/d/e.json': xgb}, 3,
         'no model within 4 directory levels'),
        ('an XGBoost model the importer refuses',
         {'model.json': os.path.join(FIX, 'xgboost', 'bad-dart.json')}, 4,
         'mlclf-import could not import'),
        ('a .json that is no model', {'model.json': None}, 4,
         'mlclf-import could not import'),
        ('a truncated .mlclf file', {'model.mlclf': 'TRUNCATE'}, 1,
         'nginx -t failed'),
        ('an active directory without a model',
         {'active/meta.json': xgb, 'versions/v1/meta.json': xgb}, 3,
         'is a directory without model.mlclf'),
    ]


def make_dir(d, files):
    os.makedirs(d)
    for rel, src in files.items():
        p = os.path.join(d, rel)
        if rel.endswith('/'):
            os.makedirs(p)
        elif src == 'TRUNCATE':
            with open(IRIS, 'rb') as f:
                data = f.read()
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, 'wb') as f:
                f.write(data[:len(data) // 2])
        else:
            put(p, src=src, text='{"not": "a model"}\n')


def check_dirs(c, env, build, tmp, port):
    base = ['--model_name=m1', '--http_port=%d' % port, '--check']
    for i, (what, d, kind) in enumerate(layouts(build, tmp)):
        work = os.path.join(tmp, 'work-good%d' % i)
        rc, out = run_serve(env, base + ['--model_dir=' + d,
                                         '--work_dir=' + work])
        c.expect(rc == 0 and ('model "m1": %s ' % kind) in out,
                 'accepts %s (%s)' % (what, kind),
                 'exit %d: %s' % (rc, out.strip()))
    for i, (what, files, want, msg) in enumerate(refusals(tmp)):
        d = os.path.join(tmp, 'models', 'bad%d' % i)
        make_dir(d, files)
        work = os.path.join(tmp, 'work-bad%d' % i)
        rc, out = run_serve(env, base + ['--model_dir=' + d,
                                         '--work_dir=' + work])
        c.expect(rc == want and msg in out and
                 not os.path.exists(os.path.join(work, 'run', 'nginx.pid')),
                 'refuses %s: exit %d, "%s"' % (what, want, msg),
                 'exit %d: %s' % (rc, out.strip()))
    rc, out = run_serve(env, base + ['--model_dir=' + os.path.join(
        tmp, 'models', 'none'), '--work_dir=' + os.path.join(tmp, 'w')])
    c.expect(rc == 3 and 'does not exist' in out,
             'refuses a model directory that does not exist',
             'exit %d: %s' % (rc, out.strip()))


def check_args(c, env, tmp):
    d = os.path.join(tmp, 'models', 'good0')
    w = '--work_dir=' + os.path.join(tmp, 'work-args')
    cases = [
        ([], 2, '--model_name is required'),
        (['--model_name=Iris'], 2, 'is not a model name'),
        (['--model_name=' + 'a' * 65], 2, 'is not a model name'),
        (['--model_name=m', '--http_port=80a'], 2, 'not a port number'),
        (['--model_name=m', '--http_port=70000'], 2, 'not a port number'),
        (['--model_name=m', '--http_port=0'], 2, 'not a port number'),
        (['--model_name=m', '--workers=0'], 2, 'not between 1 and 999'),
        (['--model_name=m', '--http_address=a b'], 2, 'not an IP address'),
        (['--model_name=m', '--work_dir=rel'], 2, 'not an absolute path'),
        (['--model_name=m', '--grpc_port=9000'], 2,
         'unknown argument "--grpc_port"'),
        (['--model_name'], 2, '--model_name needs a value'),
        (['--model_name=m', '--model_dir=' + d,
          '--work_dir=/dev/null/work'], 1, 'cannot write the work directory'),
    ]
    for args, want, msg in cases:
        rc, out = run_serve(env, ([] if any(
            a.startswith('--work_dir') for a in args) else [w]) + args)
        c.expect(rc == want and msg in out,
                 'command line %s: exit %d, "%s"' % (' '.join(args) or
                                                     '(none)', want, msg),
                 'exit %d: %s' % (rc, out.strip()))
    # both spellings KServe and people use
    rc, out = run_serve(env, ['--model_name', 'm2', '--model_dir', d,
                              '--http_port', '18094', '--workers', '3',
                              '--work_dir', os.path.join(tmp, 'work-sp'),
                              '--check'])
    conf = read(os.path.join(tmp, 'work-sp', 'nginx.conf'))
    c.expect(rc == 0 and 'worker_processes  3;' in conf and
             'listen  18094;' in conf and 'mlclf_model  m2  "' in conf,
             '--opt VALUE as well as --opt=VALUE',
             'exit %d: %s' % (rc, out.strip()))


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ''


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection('127.0.0.1', port)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def port_free(port):
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def check_serving(c, env, tmp, port):
    """mlclf-serve started for real: the routes KServe and clients use."""
    d = os.path.join(tmp, 'models', 'good0')
    work = os.path.join(tmp, 'work-serve')
    log = open(os.path.join(tmp, 'serve.log'), 'w+')
    p = subprocess.Popen(['/bin/sh', SERVE, '--model_name=iris',
                          '--model_dir=' + d, '--http_port=%d' % port,
                          '--http_address=127.0.0.1', '--work_dir=' + work],
                         env=env, stdout=log, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    try:
        ready = None
        while p.poll() is None:
            try:
                ready = request(port, 'GET', '/v2/health/ready')
                if ready[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        if not c.expect(p.poll() is None, 'mlclf-serve starts NGINX and '
                        'the readiness probe answers 200',
                        'it exited %s: %s' % (p.poll(), tail(log))):
            return
        c.expect(json.loads(ready[1]) == {'ready': True},
                 'GET /v2/health/ready is {"ready": true}', ready)
        st, body = request(port, 'GET', '/v2/health/live')
        c.expect(st == 200 and json.loads(body) == {'live': True},
                 'GET /v2/health/live is {"live": true}', (st, body))
        st, body = request(port, 'GET', '/v2/models/iris')
        meta = json.loads(body) if st == 200 else {}
        c.expect(meta.get('name') == 'iris' and meta.get('versions'),
                 'GET /v2/models/iris names the model and its version',
                 (st, body))
        check_infer(c, port)
        st, body = request(port, 'GET', '/metrics')
        c.expect(st == 200 and b'mlclf_requests_total{model="iris"' in body,
                 '/metrics counts the model', (st, body[:200]))
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGQUIT)
        rc = p.wait()
        log.close()
    c.expect(rc == 0, 'SIGQUIT stops NGINX, exit 0', 'exit %d' % rc)


def check_infer(c, port):
    """V2 infer and V1 predict answer what /predict answers."""
    hdr = {'Content-Type': 'application/json'}
    st, body = request(port, 'POST', '/predict', json.dumps(
        {'features': IRIS_ROW, 'probabilities': True}), hdr)
    want = json.loads(body)['probabilities'] if st == 200 else {}
    # as tritonclient.http sends it, JSON data, both outputs asked for
    req = {'id': 'check-1', 'inputs': [{
        'name': 'features', 'shape': [1, 4], 'datatype': 'FP64',
        'data': IRIS_ROW}], 'outputs': [
        {'name': 'probabilities', 'parameters': {'binary_data': False}},
        {'name': 'label', 'parameters': {'binary_data': False}}]}
    st, body = request(port, 'POST', '/v2/models/iris/infer',
                       json.dumps(req), hdr)
    r = json.loads(body) if st == 200 else {}
    outs = {o.get('name'): o for o in r.get('outputs', [])}
    probs = (outs.get('probabilities') or {}).get('data')
    c.expect(r.get('model_name') == 'iris' and r.get('id') == 'check-1' and
             probs == [want[k] for k in ('setosa', 'versicolor',
                                         'virginica')] and
             (outs.get('label') or {}).get('data') == ['setosa'],
             'POST /v2/models/iris/infer: the probabilities of /predict, '
             'bit for bit, and the label', (st, body, want))
    st, body = request(port, 'POST', '/v2/models/iris/infer',
                       '{"inputs": 1}', hdr)
    c.expect(st == 400 and 'error' in json.loads(body),
             'a bad V2 body: 400 {"error": ...}', (st, body))
    st, body = request(port, 'GET', '/v2/models/other')
    c.expect(st == 404, 'an unknown model: 404', (st, body))
    st, body = request(port, 'POST', '/v1/models/iris:predict',
                       json.dumps({'instances': [IRIS_ROW]}), hdr)
    r = json.loads(body) if st == 200 else {}
    c.expect([p.get('prediction') for p in r.get('predictions', [])] ==
             ['setosa'], 'POST /v1/models/iris:predict: one prediction, '
             'the label', (st, body))
    st, body = request(port, 'GET', '/v1/models/iris')
    c.expect(st == 200 and json.loads(body) == {'name': 'iris',
                                                 'ready': True},
             'GET /v1/models/iris: {"name": "iris", "ready": true}',
             (st, body))


def tail(f):
    f.flush()
    f.seek(0)
    return ' | '.join(f.read().splitlines()[-8:])


def check_root(c, env, tmp):
    """Started as root, it serves as the user MLCLF_SERVE_USER names."""
    if os.geteuid() != 0:
        c.bad('root switches to the unprivileged user',
              'needs root (CI runs as root)')
        return
    nobody = pwd.getpwnam('nobody')
    os.chmod(tmp, 0o755)
    d = os.path.join(tmp, 'models', 'good0')
    work = os.path.join(tmp, 'work-root')
    os.makedirs(work)
    os.chown(work, nobody.pw_uid, nobody.pw_gid)
    rc, out = run_serve(dict(env, MLCLF_SERVE_USER='nobody'), [
        '--model_name=m', '--model_dir=' + d, '--work_dir=' + work,
        '--check'])
    conf = os.path.join(work, 'nginx.conf')
    owner = os.stat(conf).st_uid if os.path.exists(conf) else None
    c.expect(rc == 0 and owner == nobody.pw_uid,
             'started as root, it runs as the unprivileged user (setpriv)',
             'exit %d, nginx.conf owned by %s: %s' % (rc, owner, out))
    rc, out = run_serve(dict(env, MLCLF_SERVE_USER='nobody'), [
        '--model_name=m', '--model_dir=' + d,
        '--work_dir=' + os.path.join(tmp, 'work-root-2'), '--check'])
    c.expect(rc == 1 and 'cannot write the work directory' in out and
             'as nobody' in out,
             'as that user, a work directory it cannot create: exit 1',
             'exit %d: %s' % (rc, out))


def main():
    build = os.path.join(ROOT, os.environ.get('B', 'build'))
    port = int(os.environ.get('MLCLF_PORT') or 18093)
    for f in (os.path.join(build, 'bin', 'mlclf-import'),
              os.path.join(build, 'modules', 'ngx_http_mlclf_module.so'),
              '/usr/sbin/nginx', '/usr/bin/setpriv'):
        if not os.path.exists(f):
            print('%s: FAIL: %s is missing (make check-kserve-runtime '
                  'builds the CLIs and the module; scripts/install-deps.sh '
                  'installs nginx, util-linux has setpriv)' % (ME, f))
            return 1
    if not port_free(port):
        print('%s: FAIL: port %d is in use; choose another: make '
              'check-kserve-runtime PORT=N' % (ME, port))
        return 1
    c = Check()
    tmp = tempfile.mkdtemp(prefix='mlclf-kserve.')
    try:
        env = serve_env(build)
        check_dirs(c, env, build, tmp, port)
        check_args(c, env, tmp)
        check_serving(c, env, tmp, port)
        check_root(c, env, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('%s: %d passed, %d failed' % (ME, c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == '__main__':
    sys.exit(main())
