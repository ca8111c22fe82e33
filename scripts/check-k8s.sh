#!/bin/sh
# make check-k8s: the Kubernetes manifests in conf/k8s parse as YAML and
# hang together (kustomization resources, selectors, ports, volumes,
# HPA target), reference only the image the Dockerfile builds ("mlclf"),
# the ConfigMap's nginx.conf passes `nginx -t` with the built module and
# a registry laid out as the pods have it, and the init container's
# script fills a registry from a store (with MODEL_VERSION) and falls
# back to the image's sample model.  Needs python3-yaml; the nginx -t
# and init script parts need `make bins module` (skipped otherwise).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

exec /usr/bin/python3 - "${B:-build}" <<'PY'
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

B = sys.argv[1]
K = 'conf/k8s'
fails = 0


def bad(msg):
    global fails
    print('check-k8s: FAIL: %s' % msg)
    fails += 1


def ok(msg):
    print('check-k8s: %s' % msg)


docs = {}
for path in sorted(glob.glob(K + '/*.yaml')):
    try:
        with open(path) as f:
            for d in yaml.safe_load_all(f):
                if d is None:
                    continue
                for key in ('apiVersion', 'kind'):
                    if key not in d:
                        bad('%s: no %s' % (path, key))
                name = d.get('metadata', {}).get('name', '')
                docs[(d.get('kind'), name)] = (path, d)
    except yaml.YAMLError as e:
        bad('%s: not YAML: %s' % (path, e))
ok('%d documents parse: %s' % (len(docs), ', '.join(
    sorted('%s/%s' % (k or '', n or '') for k, n in docs))))

kust = docs.get(('Kustomization', ''))
if not kust:
    bad('no kustomization.yaml')
    sys.exit(1)
kust = kust[1]
listed = set(kust.get('resources', []))
present = {os.path.basename(p) for p in glob.glob(K + '/*.yaml')}
present.discard('kustomization.yaml')
for r in sorted(listed - present):
    bad('kustomization lists missing %s' % r)
for r in sorted(present - listed):
    bad('%s is not in kustomization resources' % r)
for img in kust.get('images', []):
    if img.get('name') != 'mlclf' or not str(
            img.get('newName', 'mlclf')).endswith('/mlclf'):
        bad('kustomization image %s is not the mlclf image' % img)


def get(kind, name):
    d = docs.get((kind, name))
    if d is None:
        bad('no %s %s' % (kind, name))
        return {}
    return d[1]


svc = get('Service', 'mlclf')
cm = get('ConfigMap', 'mlclf-nginx')
deps = [d for (k, n), (p, d) in docs.items() if k == 'Deployment']
if len(deps) < 2:
    bad('expected a stable and a canary Deployment')

for dep in deps:
    name = dep['metadata']['name']
    spec = dep['spec']
    tmpl = spec['template']
    labels = tmpl['metadata']['labels']
    for k, v in spec['selector']['matchLabels'].items():
        if labels.get(k) != v:
            bad('%s: selector %s=%s does not match the pod' % (name, k, v))
    for k, v in svc.get('spec', {}).get('selector', {}).items():
        if labels.get(k) != v:
            bad('%s: pods not selected by the Service' % name)
    pod = tmpl['spec']
    vols = {v['name']: v for v in pod.get('volumes', [])}
    for c in pod.get('initContainers', []) + pod['containers']:
        image = c['image']
        if not re.match(r'^mlclf(:[\w.-]+)?$', image):
            bad('%s/%s: image %s is not the Dockerfile\'s mlclf'
                % (name, c['name'], image))
        for m in c.get('volumeMounts', []):
            if m['name'] not in vols:
                bad('%s/%s: mounts unknown volume %s'
                    % (name, c['name'], m['name']))
    for v in vols.values():
        if 'configMap' in v:
            get('ConfigMap', v['configMap']['name'])
        if 'persistentVolumeClaim' in v:
            get('PersistentVolumeClaim',
                v['persistentVolumeClaim']['claimName'])
    ports = {p['name'] for c in pod['containers']
             for p in c.get('ports', [])}
    for p in svc.get('spec', {}).get('ports', []):
        if p.get('targetPort') not in ports:
            bad('%s: no container port %s' % (name, p.get('targetPort')))
    for c in pod['containers']:
        if pod.get('securityContext', {}).get('runAsUser') != 10001:
            bad('%s: not running as the image user 10001' % name)
        for probe in ('readinessProbe', 'livenessProbe'):
            if c.get(probe, {}).get('httpGet', {}).get('path') != '/health':
                bad('%s/%s: %s is not GET /health'
                    % (name, c['name'], probe))
    ok('Deployment %s: selectors, image, volumes, ports, probes' % name)

hpa = get('HorizontalPodAutoscaler', 'mlclf')
ref = hpa.get('spec', {}).get('scaleTargetRef', {})
get(ref.get('kind'), ref.get('name'))
sm = get('ServiceMonitor', 'mlclf')
svc_ports = {p['name'] for p in svc.get('spec', {}).get('ports', [])}
for ep in sm.get('spec', {}).get('endpoints', []):
    if ep.get('port') not in svc_ports or ep.get('path') != '/metrics':
        bad('ServiceMonitor endpoint %s' % ep)
for k, v in sm.get('spec', {}).get('selector', {}).get(
        'matchLabels', {}).items():
    if svc.get('metadata', {}).get('labels', {}).get(k) != v:
        bad('ServiceMonitor does not select the Service')
ok('Service, ServiceMonitor, HPA, PDB refer to each other')

# nginx -t of the ConfigMap's nginx.conf, laid out as in the pod.
mod = os.path.abspath(B + '/modules/ngx_http_mlclf_module.so')
train = os.path.abspath(B + '/bin/mlclf-train')
registry = os.path.abspath(B + '/bin/mlclf-registry')
if not (os.path.exists(mod) and os.path.exists(train)):
    ok('skipping nginx -t and the init script: make bins module first')
    sys.exit(1 if fails else 0)

tmp = tempfile.mkdtemp(prefix='mlclf-k8s.')
try:
    conf = cm['data']['nginx.conf']
    if 'load_module /usr/lib/nginx/modules/ngx_http_mlclf_module.so;' \
            not in conf:
        bad('ConfigMap: module not loaded from /usr/lib/nginx/modules')
    conf = conf.replace('/usr/lib/nginx/modules/ngx_http_mlclf_module.so',
                        mod)
    for d in ('conf', 'var/run', 'var/tmp', 'var/registry', 'store'):
        os.makedirs(os.path.join(tmp, d))
    with open(tmp + '/conf/nginx.conf', 'w') as f:
        f.write(conf)

    def run(cmd, **kw):
        return subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, **kw)

    # the store: v1 and v2; the image's sample: v1
    for reg in (tmp + '/store', tmp + '/store', tmp + '/sample'):
        r = run([train, '--config', 'conf/iris.yaml', '--registry', reg,
                 '--promote', '--quiet'])
        if r.returncode:
            bad('training: ' + r.stdout)

    # The init container's script, its paths mapped into tmp.
    for dep in deps:
        name = dep['metadata']['name']
        init = dep['spec']['template']['spec']['initContainers'][0]
        env = {e['name']: e['value'] for e in init.get('env', [])}
        script = init['args'][0]
        script = script.replace('/opt/mlclf/var/registry', tmp + '/sample')
        script = script.replace('/store', tmp + '/store')
        script = script.replace('/registry', tmp + '/var/registry')
        for case, hide in (('store', False), ('fallback', True)):
            if hide:
                os.rename(tmp + '/store', tmp + '/store.off')
                os.makedirs(tmp + '/store')
                env_case = dict(env, MODEL_VERSION='')
            else:
                env_case = env
            e = dict(os.environ, PATH=os.path.dirname(registry) + ':'
                     + os.environ['PATH'], **env_case)
            r = run(['sh', '-euc', script], env=e)
            want = env_case.get('MODEL_VERSION') or 'v' + (
                '1' if hide else '2')
            active = os.readlink(tmp + '/var/registry/iris/active')
            if r.returncode or not active.endswith('/' + want):
                bad('%s init script (%s): exit %d, active %s, want %s\n%s'
                    % (name, case, r.returncode, active, want, r.stdout))
            else:
                ok('%s init script (%s): registry active %s'
                   % (name, case, want))
            r = run(['/usr/sbin/nginx', '-p', tmp, '-c', 'conf/nginx.conf',
                     '-e', 'stderr', '-t', '-q'])
            if r.returncode:
                bad('ConfigMap nginx.conf: nginx -t: ' + r.stdout)
            if hide:
                shutil.rmtree(tmp + '/store')
                os.rename(tmp + '/store.off', tmp + '/store')
    ok('ConfigMap nginx.conf passes nginx -t with the module and model')
finally:
    shutil.rmtree(tmp)

if fails:
    print('check-k8s: %d failure(s)' % fails)
sys.exit(1 if fails else 0)
PY
