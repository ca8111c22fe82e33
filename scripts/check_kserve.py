# Copyright (C) 2026 The mlclf authors
#
# The conf/k8s/kserve part of make check-k8s (scripts/check-k8s.py calls
# run_checks() with itself as `k`, for its renderer, its OpenAPI
# validation of the built-in kinds and its facts about the image):
#
#   kserve-schema   the ClusterServingRuntime and the InferenceServices
#                   (conf/k8s/kserve, and the yaml blocks of
#                   docs/kserve-runtime.md) against the fields of
#                   KServe's CRDs, written below from its Go types
#                   (serving.kserve.io/v1alpha1 ServingRuntimeSpec,
#                   v1beta1 PredictorSpec): the CRDs are not packaged
#   kserve-runtime  the runtime agrees with the image and with itself:
#                   command, args KServe fills, port, probes, user, work
#                   volume, model formats; each example InferenceService
#                   selects it
#   kserve-serve    the container's command and args run here, as KServe
#                   would start them, for each example InferenceService,
#                   on a model of its format at the place of /mnt/models:
#                   both probes answer 200 and V2 infer answers
"""check-k8s: conf/k8s/kserve."""

import json
import os
import re
import shutil
import signal
import subprocess
import time

KSERVE = 'kserve'
CSR = ('serving.kserve.io/v1alpha1', 'ClusterServingRuntime')
ISVC = ('serving.kserve.io/v1beta1', 'InferenceService')
PROTOCOLS = ('v1', 'v2', 'grpc-v1', 'grpc-v2')
# the container KServe merges an InferenceService's predictor into
CONTAINER = 'kserve-container'

# Schemas: a dict is an object with these fields only, [x] a list of x,
# MAP a map of strings, a str the name of a python3-kubernetes model.
MAP = 'map'
FORMAT = {'name': str, 'version': str, 'autoSelect': bool, 'priority': int}
CSR_SCHEMA = {
    'apiVersion': str, 'kind': str, 'metadata': 'V1ObjectMeta',
    'spec': {
        'supportedModelFormats': [FORMAT],
        'multiModel': bool, 'disabled': bool, 'protocolVersions': [str],
        'containers': ['V1Container'], 'volumes': ['V1Volume'],
        'nodeSelector': MAP, 'affinity': 'V1Affinity',
        'tolerations': ['V1Toleration'], 'labels': MAP,
        'annotations': MAP,
        'imagePullSecrets': ['V1LocalObjectReference'], 'hostIPC': bool,
        'replicas': int, 'storageHelper': {'disabled': bool},
        'grpcEndpoint': str, 'grpcDataEndpoint': str,
        'httpDataEndpoint': str}}
MODEL = {
    'modelFormat': {'name': str, 'version': str}, 'runtime': str,
    'storageUri': str, 'runtimeVersion': str, 'protocolVersion': str,
    'args': [str], 'env': ['V1EnvVar'], 'resources':
    'V1ResourceRequirements', 'volumeMounts': ['V1VolumeMount']}
ISVC_SCHEMA = {
    'apiVersion': str, 'kind': str, 'metadata': 'V1ObjectMeta',
    'spec': {'predictor': {
        'model': MODEL, 'minReplicas': int, 'maxReplicas': int,
        'scaleTarget': int, 'scaleMetric': str,
        'containerConcurrency': int, 'timeout': int,
        'canaryTrafficPercent': int, 'serviceAccountName': str,
        'nodeSelector': MAP, 'tolerations': ['V1Toleration'],
        'labels': MAP, 'annotations': MAP, 'volumes': ['V1Volume']}}}
REQUIRED = {
    CSR: {'spec': ('containers',), 'supportedModelFormats': ('name',)},
    ISVC: {'spec': ('predictor',), 'model': ('modelFormat',),
           'modelFormat': ('name',)}}


def validate(k, value, schema, path, errs, required):
    if schema == MAP:
        if not isinstance(value, dict) or not all(
                isinstance(v, str) for v in value.values()):
            errs.append('%s: %r is not a map of strings' % (path, value))
    elif isinstance(schema, str):
        k.validate_model(value, getattr(k.kc, schema), path, errs)
    elif isinstance(schema, dict):
        if not isinstance(value, dict):
            errs.append('%s: %r is not an object' % (path, value))
            return
        for key, v in value.items():
            if key not in schema:
                errs.append('%s: unknown field "%s"' % (path, key))
            else:
                validate(k, v, schema[key], '%s.%s' % (path, key), errs,
                         required)
        field = re.sub(r'\[\d+\]$', '', path.rsplit('.', 1)[-1])
        for key in required.get(field, ()):
            if key not in value:
                errs.append('%s: missing required field "%s"' % (path, key))
    elif isinstance(schema, list):
        if not isinstance(value, list):
            errs.append('%s: %r is not a list' % (path, value))
            return
        for i, v in enumerate(value):
            validate(k, v, schema[0], '%s[%d]' % (path, i), errs, required)
    elif not isinstance(value, schema) or (
            schema is not bool and isinstance(value, bool)):
        errs.append('%s: %r is not %s' % (path, value, schema.__name__))


def schema_errors(k, objs):
    errs = []
    for o in objs:
        key = (o.get('apiVersion'), o.get('kind'))
        where = '%s %s' % (o.get('kind'), (o.get('metadata') or {}).get(
            'name'))
        if key in (CSR, ISVC):
            validate(k, o, CSR_SCHEMA if key == CSR else ISVC_SCHEMA,
                     where, errs, REQUIRED[key])
        else:
            errs += k.schema_errors([o])
    for o in objs:
        key = (o.get('apiVersion'), o.get('kind'))
        spec = o.get('spec') or {}
        if key == CSR:
            for p in spec.get('protocolVersions') or []:
                if p not in PROTOCOLS:
                    errs.append('%s: protocolVersions: %r is not one of %s'
                                % (k.name_of(o), p, ', '.join(PROTOCOLS)))
            for f in spec.get('supportedModelFormats') or []:
                prio = f.get('priority')
                if prio is not None and (not f.get('autoSelect') or
                                         not isinstance(prio, int) or
                                         prio < 1):
                    errs.append('%s: format %s: a priority counts only with '
                                'autoSelect, and from 1 up'
                                % (k.name_of(o), f.get('name')))
        if key == ISVC:
            p = ((spec.get('predictor') or {}).get('model') or {}).get(
                'protocolVersion')
            if p is not None and p not in PROTOCOLS:
                errs.append('%s: protocolVersion %r is not one of %s'
                            % (k.name_of(o), p, ', '.join(PROTOCOLS)))
    return errs


# ------------------------------------------------------------ facts

def serve_facts(k):
    """What tools/mlclf-serve and the Dockerfile say about the mode."""
    with open(os.path.join(k.ROOT, 'tools', 'mlclf-serve')) as f:
        text = f.read()
    with open(os.path.join(k.ROOT, 'Dockerfile')) as f:
        docker = f.read()
    with open(os.path.join(k.ROOT, 'libmlclf', 'mlclf_format.h')) as f:
        fmt = re.search(r'#define MLCLF_FORMAT_VERSION\s+(\d+)', f.read())
    m = re.search(r'^work=(\S+)$', text, re.M)
    opts = set(re.findall(r'^    (--[a-z_]+)\)', text, re.M))
    installed = re.search(r'^COPY tools/mlclf-serve (\S+)$', docker, re.M)
    return {'work': m.group(1) if m else None, 'options': opts,
            'installed': installed.group(1) if installed else None,
            'format': fmt.group(1) if fmt else None}


def args_of(c):
    """--opt=VALUE and --opt VALUE of a container's args, as a dict."""
    out, args = {}, list(c.get('args') or [])
    while args:
        a = args.pop(0)
        if '=' in a:
            out[a.split('=', 1)[0]] = a.split('=', 1)[1]
        elif args and not args[0].startswith('--'):
            out[a] = args.pop(0)
        else:
            out[a] = None
    return out


def runtime_errors(k, d, objs, facts, uid, images, release):
    p = []
    rts = [o for o in objs if (o.get('apiVersion'), o.get('kind')) == CSR]
    if len(rts) != 1:
        return ['conf/k8s/kserve renders %d ClusterServingRuntimes, not 1'
                % len(rts)]
    rt = rts[0]
    spec = rt.get('spec') or {}
    cs = spec.get('containers') or []
    if [c.get('name') for c in cs] != [CONTAINER]:
        return ['%s: one container, named %s (KServe merges the predictor '
                'into it), not %s' % (k.name_of(rt), CONTAINER,
                                      [c.get('name') for c in cs])]
    c = cs[0]
    want = '%s:%s' % (images[0].get('newName'), images[0].get('newTag')) \
        if len(images) == 1 else None
    if len(images) != 1 or str(images[0].get('newTag')) != release:
        p.append('kserve/kustomization.yaml: images must name the image '
                 'once with the release tag %s' % release)
    if c.get('image') != want:
        p.append('%s: image %s is not %s' % (CONTAINER, c.get('image'),
                                             want))
    cmd = c.get('command') or []
    if cmd != ['mlclf-serve'] or facts['installed'] is None or \
            os.path.dirname(facts['installed']) != '/usr/local/bin':
        p.append('%s: command %s: the image installs tools/mlclf-serve as '
                 '%s (in PATH: /usr/local/bin); the command must be '
                 '["mlclf-serve"]' % (CONTAINER, cmd, facts['installed']))
    a = args_of(c)
    for opt in a:
        if opt not in facts['options']:
            p.append('%s: argument %s: mlclf-serve has no such option'
                     % (CONTAINER, opt))
    if a.get('--model_name') != '{{.Name}}':
        p.append('%s: args must pass --model_name={{.Name}} (KServe puts '
                 'the InferenceService name there)' % CONTAINER)
    if a.get('--model_dir', '/mnt/models') != '/mnt/models':
        p.append('%s: --model_dir must be /mnt/models, where the storage '
                 'initializer puts the model' % CONTAINER)
    port = a.get('--http_port', '8080')
    ports = [str(x.get('containerPort')) for x in c.get('ports') or []]
    if ports != [port]:
        p.append('%s: containerPort %s is not --http_port %s'
                 % (CONTAINER, ports, port))
    for probe, path in (('readinessProbe', '/v2/health/ready'),
                        ('livenessProbe', '/v2/health/live')):
        g = (c.get(probe) or {}).get('httpGet') or {}
        if g.get('path') != path or str(g.get('port')) != port:
            p.append('%s: %s must be GET %s on %s, not %s on %s'
                     % (CONTAINER, probe, path, port, g.get('path'),
                        g.get('port')))
    sc = c.get('securityContext') or {}
    if sc.get('runAsUser') not in (None, uid):
        p.append('%s: runAsUser %s is not the image\'s user %s'
                 % (CONTAINER, sc.get('runAsUser'), uid))
    work = a.get('--work_dir', facts['work'])
    if sc.get('readOnlyRootFilesystem'):
        m = k.mount_of(c, work or '/')
        vols = [v.get('name') for v in spec.get('volumes') or []]
        if m is None or m.get('name') not in vols:
            p.append('%s: readOnlyRootFilesystem, and no volume mounted at '
                     'mlclf-serve\'s work directory %s' % (CONTAINER, work))
    fmts = spec.get('supportedModelFormats') or []
    names = {f.get('name') for f in fmts}
    for n in ('mlclf', 'xgboost', 'lightgbm', 'sklearn'):
        if n not in names:
            p.append('%s: supportedModelFormats lacks %s'
                     % (k.name_of(rt), n))
    for f in fmts:
        if f.get('name') == 'mlclf' and not (f.get('autoSelect') and
                                             f.get('priority')):
            p.append('%s: format mlclf must be autoSelect with a priority'
                     % k.name_of(rt))
        if f.get('name') == 'mlclf' and f.get('version') not in (
                None, facts['format']):
            p.append('%s: format mlclf version %s is not the model file '
                     'format %s (MLCLF_FORMAT_VERSION)'
                     % (k.name_of(rt), f.get('version'), facts['format']))
    if not {'v1', 'v2'} <= set(spec.get('protocolVersions') or []):
        p.append('%s: protocolVersions must have v1 and v2'
                 % k.name_of(rt))
    return p + [x for i in examples(k, d) for x in selects(k, rt, i)]


def examples(k, d):
    """The example InferenceServices of the kserve directory d."""
    return [o for o in k.load_yaml_docs(os.path.join(
        d, 'inferenceservice.yaml')) if o]


def selects(k, rt, isvc):
    """Why KServe would not place isvc on rt (serving.kserve.io rules)."""
    m = ((isvc.get('spec') or {}).get('predictor') or {}).get('model') or {}
    fmt = m.get('modelFormat') or {}
    named = m.get('runtime')
    spec = rt.get('spec') or {}
    if named is not None and named != k.name_of(rt):
        return ['InferenceService %s names runtime %s, not %s'
                % (k.name_of(isvc), named, k.name_of(rt))]
    labels = set()
    for f in spec.get('supportedModelFormats') or []:
        if named is not None or f.get('autoSelect'):
            labels.add(f.get('name'))
            if f.get('version') is not None:
                labels.add('%s:%s' % (f.get('name'), f.get('version')))
    want = fmt.get('name') if fmt.get('version') is None else \
        '%s:%s' % (fmt.get('name'), fmt.get('version'))
    p = []
    if want not in labels:
        p.append('InferenceService %s: model format %s is not one %s '
                 'selects%s' % (k.name_of(isvc), want, k.name_of(rt),
                                '' if named else ' by itself (autoSelect)'))
    proto = m.get('protocolVersion', 'v1')
    if spec.get('protocolVersions') and \
            proto not in spec['protocolVersions']:
        p.append('InferenceService %s: protocol %s is not one of %s'
                 % (k.name_of(isvc), proto, k.name_of(rt)))
    return p


# ------------------------------------------------------------ serving

def model_for(k, tmp, isvc):
    """A directory as the storage initializer would leave it for isvc."""
    fmt = (((isvc.get('spec') or {}).get('predictor') or {}).get('model')
           or {}).get('modelFormat', {}).get('name')
    fix = os.path.join(k.ROOT, 'tests', 'fixtures')
    d = os.path.join(tmp, 'mnt-models-' + k.name_of(isvc))
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    src = {'mlclf': 'golden-logreg.mlclf', 'xgboost': 'xgboost/tiny.json',
           'lightgbm': 'lightgbm/binary-v4.txt'}.get(fmt)
    if src is None:
        raise k.RenderError('no model of format %s to serve' % fmt)
    dst = os.path.join(d, 'model.txt' if fmt == 'lightgbm' else
                       os.path.basename(src))
    shutil.copyfile(os.path.join(fix, src), dst)
    return d, 4 if fmt == 'mlclf' else 2


def serve_errors(k, ctx, d, objs, tmp):
    rt = [o for o in objs if (o.get('apiVersion'), o.get('kind')) == CSR][0]
    c = rt['spec']['containers'][0]
    p = []
    for isvc in examples(k, d):
        name = k.name_of(isvc)
        models, n = model_for(k, tmp, isvc)
        work = os.path.join(tmp, 'work-' + name)
        probes = {}
        for probe in ('readinessProbe', 'livenessProbe'):
            g = (c.get(probe) or {}).get('httpGet') or {}
            probes[g.get('path')] = str(g.get('port'))
        cmd = ['/bin/sh', os.path.join(k.ROOT, 'tools', 'mlclf-serve')]
        for a in c.get('args') or []:
            a = a.replace('{{.Name}}', name).replace('/mnt/models', models)
            if a.startswith('--http_port'):
                a = '--http_port=%d' % ctx.port
            cmd.append(a)
        cmd += ['--http_address=127.0.0.1', '--work_dir=' + work]
        env = dict(os.environ, MLCLF_MODULE=ctx.module,
                   MLCLF_IMPORT=os.path.join(ctx.bindir, 'mlclf-import'),
                   MLCLF_NGINX='/usr/sbin/nginx',
                   MLCLF_SERVE_USER='mlclf-check-k8s-no-such-user')
        if not k.port_free(ctx.port):
            raise k.RenderError('port %d is in use: set K8S_CHECK_PORT'
                                % ctx.port)
        log = os.path.join(tmp, 'serve-%s.log' % name)
        with open(log, 'w') as out:
            proc = subprocess.Popen(cmd, env=env, stdout=out,
                                    stderr=subprocess.STDOUT)
        base = 'http://127.0.0.1:%d' % ctx.port
        got = {}
        try:
            first = next(iter(probes))
            while proc.poll() is None:
                got[first] = k.fetch(base + first)
                if got[first] is not None:
                    break
                time.sleep(0.05)
            for path in probes:
                got[path] = k.fetch(base + path)
            got['infer'] = k.fetch(
                base + '/v2/models/%s/infer' % name, json.dumps({
                    'inputs': [{'name': 'features', 'shape': [1, n],
                                'datatype': 'FP64',
                                'data': [0.5] * n}]}).encode())
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGQUIT)
            proc.wait()
        with open(log) as f:
            said = ' | '.join(f.read().splitlines()[-6:])
        for path in probes:
            if (got.get(path) or (0,))[0] != 200:
                p.append('%s: GET %s (the runtime\'s probe) gave %s: %s'
                         % (name, path, got.get(path), said))
        if (got.get('infer') or (0,))[0] != 200 or \
                '"model_name":"%s"' % name not in got['infer'][1]:
            p.append('%s: V2 infer gave %s: %s' % (name, got.get('infer'),
                                                    said))
    return p


# ------------------------------------------------------------ driver

def docs_errors(k):
    path = os.path.join(k.ROOT, 'docs', 'kserve-runtime.md')
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        return ['docs/kserve-runtime.md: %s' % e]
    p = []
    for cmd in ('kubectl apply -k conf/k8s/kserve\n',
                'kubectl apply -f conf/k8s/kserve/inferenceservice.yaml\n'):
        if cmd not in text:
            p.append('docs/kserve-runtime.md does not say %r' % cmd.strip())
    for block in re.findall(r'(?ms)^```yaml\n(.*?)^```', text):
        try:
            doc = k.yaml.safe_load(block)
        except k.yaml.YAMLError as e:
            p.append('docs/kserve-runtime.md: a yaml block does not parse: '
                     '%s' % e)
            continue
        if isinstance(doc, dict) and 'apiVersion' in doc:
            p += ['docs/kserve-runtime.md: %s' % x
                  for x in schema_errors(k, [doc])]
    return p


def run_checks(k, ctx, rep, want):
    d = os.path.join(ctx.k8s, KSERVE)
    try:
        objs = k.render(d)
        diff = k.compare_renders(objs, k.kubectl_render(ctx.kubectl, d)) \
            if ctx.kubectl else []
    except k.RenderError as e:
        rep.bad('render', 'kserve: %s' % e)
        return
    if ctx.out:
        with open(os.path.join(ctx.out, KSERVE + '.yaml'), 'w') as f:
            k.yaml.safe_dump_all(objs, f, sort_keys=False)
    if want('render'):
        rep.check('render', diff, 'kserve: %d objects%s' % (
            len(objs), ', the same as kubectl kustomize' if ctx.kubectl
            else ''))
    isvcs = examples(k, d)
    if want('kserve-schema'):
        k.guarded(rep, 'kserve-schema',
                  lambda: schema_errors(k, objs + isvcs) + docs_errors(k),
                  'the ClusterServingRuntime, the InferenceServices and the '
                  'yaml of docs/kserve-runtime.md against KServe\'s CRD '
                  'fields')
    with open(os.path.join(d, 'kustomization.yaml')) as f:
        images = (k.yaml.safe_load(f) or {}).get('images') or []
    if want('kserve-runtime'):
        k.guarded(rep, 'kserve-runtime', lambda: runtime_errors(
            k, d, objs, serve_facts(k), ctx.facts['uid'], images, k.release()),
            'command, args, port, probes, user, work volume and formats '
            'agree with the image; each InferenceService selects it')
    if want('kserve-serve'):
        tmp = os.path.join(ctx.tmp, 'kserve')
        os.makedirs(tmp, exist_ok=True)
        k.guarded(rep, 'kserve-serve',
                  lambda: serve_errors(k, ctx, d, objs, tmp),
                  'the runtime\'s command and args serve each example '
                  'InferenceService\'s model: probes 200, V2 infer 200')
