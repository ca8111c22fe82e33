#!/usr/bin/python3
# Copyright (C) 2026 The mlclf authors
#
# make check-k8s (scripts/check-k8s.sh runs this): renders conf/k8s as
# kustomize does, validates what it renders, and runs the pods' init
# script and NGINX as the pods would.  docs/kubernetes.md says what is
# and is not validated; every check below has a broken copy of the
# manifests in self_test() that must make it fail.
"""check-k8s: render, validate and exercise conf/k8s."""

import copy
import difflib
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

import kubernetes.client as kc

import check_kserve


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ME = 'check-k8s'


class RenderError(Exception):
    pass


class Report:
    """Counts checks; a failure names its check and says why."""

    def __init__(self, quiet=False):
        self.passed = 0
        self.failed = []
        self.quiet = quiet

    def ok(self, check, msg):
        self.passed += 1
        if not self.quiet:
            print('%s: ok %s: %s' % (ME, check, msg))

    def bad(self, check, msg):
        self.failed.append((check, msg))
        if not self.quiet:
            print('%s: FAIL %s: %s' % (ME, check, msg))

    def check(self, check, problems, msg):
        if problems:
            for p in problems:
                self.bad(check, p)
        else:
            self.ok(check, msg)


# ------------------------------------------------------------ rendering
#
# The subset of kustomize that conf/k8s uses, done as kustomize v5 does
# it (api/krusty): resources, components, configMapGenerator with the
# content hash in the name, strategic-merge patches, labels, images,
# then hash suffixes and the references to the renamed ConfigMaps.  Any
# other field is an error, never ignored.  With kubectl installed, its
# `kubectl kustomize` must give the same objects.

KUST_FIELDS = {'apiVersion', 'kind', 'resources', 'components',
               'configMapGenerator', 'generatorOptions', 'patches',
               'labels', 'images'}
HASH_MARK = '__needs_hash__'
# strategic merge keys of the lists conf/k8s patches (k8s.io/api tags)
MERGE_KEYS = {'containers': 'name', 'initContainers': 'name',
              'env': 'name', 'volumes': 'name', 'volumeMounts': 'mountPath'}


def load_yaml_docs(path):
    try:
        with open(path) as f:
            return [d for d in yaml.safe_load_all(f) if d is not None]
    except (OSError, yaml.YAMLError) as e:
        raise RenderError('%s: %s' % (path, e))


def obj_id(o):
    m = o.get('metadata') or {}
    return (o.get('kind'), m.get('name'))


def kust_file(d):
    for n in ('kustomization.yaml', 'kustomization.yml', 'Kustomization'):
        if os.path.isfile(os.path.join(d, n)):
            return os.path.join(d, n)
    raise RenderError('%s: no kustomization.yaml' % d)


def inside(path, root):
    return os.path.realpath(path).startswith(os.path.realpath(root) + '/')


def accumulate(d, objs, want_kind):
    """Adds what kustomization d makes to objs (kustomize's order)."""
    path = kust_file(d)
    docs = load_yaml_docs(path)
    k = docs[0] if docs else {}
    kind = k.get('kind', 'Kustomization')
    if kind != want_kind:
        raise RenderError('%s: kind %s, expected %s' % (path, kind, want_kind))
    unknown = sorted(set(k) - KUST_FIELDS)
    if unknown:
        raise RenderError('%s: %s not supported by this renderer'
                          % (path, ', '.join(unknown)))
    for r in k.get('resources') or []:
        p = os.path.normpath(os.path.join(d, r))
        if os.path.isdir(p):
            add_objs(objs, accumulate(p, [], 'Kustomization'), path)
        elif os.path.isfile(p):
            if not inside(p, d):
                raise RenderError('%s: %s is outside the kustomization'
                                  % (path, r))
            add_objs(objs, load_yaml_docs(p), path)
        else:
            raise RenderError('%s: resource %s does not exist' % (path, r))
    for c in k.get('components') or []:
        p = os.path.normpath(os.path.join(d, c))
        if not os.path.isdir(p):
            raise RenderError('%s: component %s does not exist' % (path, c))
        objs = accumulate(p, objs, 'Component')
    generate(d, path, k, objs)
    for p in k.get('patches') or []:
        objs = patch(d, path, p, objs)
    for lab in k.get('labels') or []:
        add_labels(path, lab, objs)
    for img in k.get('images') or []:
        set_images(path, img, objs)
    return objs


def add_objs(objs, new, where):
    have = {obj_id(o) for o in objs}
    for o in new:
        if not isinstance(o, dict) or 'kind' not in o:
            raise RenderError('%s: a resource without kind' % where)
        if obj_id(o) in have:
            raise RenderError('%s: %s %s twice' % ((where,) + obj_id(o)))
        have.add(obj_id(o))
        objs.append(o)


def generate(d, path, k, objs):
    opts = k.get('generatorOptions') or {}
    for key in opts:
        if key != 'disableNameSuffixHash':
            raise RenderError('%s: generatorOptions.%s not supported'
                              % (path, key))
    for g in k.get('configMapGenerator') or []:
        extra = sorted(set(g) - {'name', 'files', 'options'})
        if extra:
            raise RenderError('%s: configMapGenerator %s not supported'
                              % (path, ', '.join(extra)))
        gopts = dict(opts, **(g.get('options') or {}))
        data = {}
        for f in g.get('files') or []:
            key, _, rel = f.rpartition('=')
            p = os.path.normpath(os.path.join(d, rel))
            if not inside(p, d) or not os.path.isfile(p):
                raise RenderError('%s: generator file %s: not a file in %s'
                                  % (path, rel, d))
            with open(p) as fh:
                data[key or os.path.basename(rel)] = fh.read()
        cm = {'apiVersion': 'v1', 'kind': 'ConfigMap',
              'metadata': {'name': g['name']}, 'data': data}
        if not gopts.get('disableNameSuffixHash'):
            cm[HASH_MARK] = True
        add_objs(objs, [cm], path)


def smp(dst, p):
    """Strategic merge of patch p into dst (a dict), in place."""
    for key, val in p.items():
        if key.startswith('$'):
            raise RenderError('patch directive %s not supported' % key)
        if val is None:
            dst.pop(key, None)
        elif isinstance(val, dict) and isinstance(dst.get(key), dict):
            smp(dst[key], val)
        elif (isinstance(val, list) and key in MERGE_KEYS
              and isinstance(dst.get(key), list)):
            dst[key] = smp_list(dst[key], val, MERGE_KEYS[key])
        else:
            dst[key] = copy.deepcopy(val)


def smp_list(dst, p, mk):
    """kyaml's order: the patch's elements first, then the others."""
    old = {e.get(mk): e for e in dst}
    out, done = [], set()
    for e in p:
        k = e.get(mk)
        done.add(k)
        if e.get('$patch') == 'delete':
            continue
        if '$patch' in e:
            raise RenderError('patch directive $patch: %s not supported'
                              % e['$patch'])
        if k in old:
            m = copy.deepcopy(old[k])
            smp(m, e)
            out.append(m)
        else:
            out.append(copy.deepcopy(e))
    return out + [e for e in dst if e.get(mk) not in done]


def patch(d, path, p, objs):
    extra = sorted(set(p) - {'path', 'patch', 'target'})
    if extra:
        raise RenderError('%s: patches %s not supported'
                          % (path, ', '.join(extra)))
    if 'path' in p:
        f = os.path.normpath(os.path.join(d, p['path']))
        if not inside(f, d):
            raise RenderError('%s: patch %s outside' % (path, p['path']))
        docs = load_yaml_docs(f)
    else:
        docs = [x for x in yaml.safe_load_all(p.get('patch', ''))
                if x is not None]
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise RenderError('%s: a patch must be one strategic-merge '
                          'document (JSON 6902 is not supported)' % path)
    doc = docs[0]
    target = p.get('target')
    if target is not None:
        extra = sorted(set(target) - {'kind', 'name'})
        if extra:
            raise RenderError('%s: patch target %s not supported'
                              % (path, ', '.join(extra)))
        hit = [o for o in objs
               if all(o.get('kind') == target['kind']
                      if t == 'kind' else obj_id(o)[1] == target['name']
                      for t in target)]
    else:
        hit = [o for o in objs if obj_id(o) == obj_id(doc)]
    if not hit:
        raise RenderError('%s: patch matches nothing' % path)
    if doc.get('$patch') == 'delete':
        return [o for o in objs if all(o is not h for h in hit)]
    body = {k: v for k, v in doc.items()
            if k not in ('apiVersion', 'kind', 'metadata')}
    meta = {k: v for k, v in (doc.get('metadata') or {}).items()
            if k not in ('name', 'namespace')}
    for o in hit:
        smp(o, dict(body, metadata=meta) if meta else body)
    return objs


def add_labels(path, lab, objs):
    extra = sorted(set(lab) - {'pairs', 'includeSelectors',
                               'includeTemplates'})
    if extra or lab.get('includeSelectors') or lab.get('includeTemplates'):
        raise RenderError('%s: labels: only pairs are supported' % path)
    for o in objs:
        o.setdefault('metadata', {}).setdefault('labels', {}).update(
            {k: str(v) for k, v in lab['pairs'].items()})


def split_image(ref):
    name, digest = (ref.split('@', 1) + [None])[:2]
    tag = None
    slash = name.rfind('/')
    colon = name.rfind(':')
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
    return name, tag, digest


def set_images(path, img, objs):
    extra = sorted(set(img) - {'name', 'newName', 'newTag', 'digest'})
    if extra:
        raise RenderError('%s: images %s not supported'
                          % (path, ', '.join(extra)))

    def walk(node):
        if isinstance(node, dict):
            for key, val in node.items():
                if key in ('containers', 'initContainers') and \
                        isinstance(val, list):
                    for c in val:
                        fix(c)
                walk(val)
        elif isinstance(node, list):
            for val in node:
                walk(val)

    def fix(c):
        if not isinstance(c, dict) or 'image' not in c:
            return
        name, tag, digest = split_image(str(c['image']))
        if name != img['name']:
            return
        name = img.get('newName', name)
        if 'digest' in img:
            c['image'] = '%s@%s' % (name, img['digest'])
            return
        tag = str(img['newTag']) if 'newTag' in img else tag
        c['image'] = name + (':' + tag if tag else '') + (
            '@' + digest if digest and 'newTag' not in img else '')

    walk(objs)


def go_json(v):
    """encoding/json.Marshal of a map: sorted, compact, HTML-escaped."""
    s = json.dumps(v, sort_keys=True, separators=(',', ':'),
                   ensure_ascii=False)
    for a, b in (('<', '\\u003c'), ('>', '\\u003e'), ('&', '\\u0026'),
                 ('\u2028', '\\u2028'), ('\u2029', '\\u2029')):
        s = s.replace(a, b)
    if re.search(r'\\[bf]|\\u00[01]', s):
        raise RenderError('ConfigMap data with control characters')
    return s


def cm_hash(cm):
    """kustomize's api/hasher: sha256 of kind, name and data, 10 chars.

    The name hashed is "": kustomize 5 looks the name up as one field
    called "metadata/name", which no object has.
    """
    h = hashlib.sha256(go_json({'kind': 'ConfigMap', 'name': '',
                                'data': cm.get('data') or {}}).encode())
    return h.hexdigest()[:10].translate(str.maketrans('013ae', 'ghkmt'))


def fix_names(objs):
    renamed = {}
    for o in objs:
        if o.pop(HASH_MARK, False):
            old = o['metadata']['name']
            new = old + '-' + cm_hash(o)
            o['metadata']['name'] = new
            renamed[old] = new

    def walk(node):
        if isinstance(node, dict):
            for key in ('configMap', 'configMapRef', 'configMapKeyRef'):
                ref = node.get(key)
                if isinstance(ref, dict) and ref.get('name') in renamed:
                    ref['name'] = renamed[ref['name']]
            for val in node.values():
                walk(val)
        elif isinstance(node, list):
            for val in node:
                walk(val)

    for o in objs:
        if o.get('kind') != 'ConfigMap':
            walk(o.get('spec'))


def render(d):
    objs = accumulate(os.path.abspath(d), [], 'Kustomization')
    fix_names(objs)
    return objs


def kubectl_render(kubectl, d):
    r = subprocess.run([kubectl, 'kustomize', d], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode:
        raise RenderError('kubectl kustomize %s: %s (the manifests need '
                          'kubectl 1.22 or later)' % (d, r.stderr.strip()))
    return [o for o in yaml.safe_load_all(r.stdout) if o is not None]


def compare_renders(mine, theirs):
    a = {obj_id(o): o for o in mine}
    b = {obj_id(o): o for o in theirs}
    out = []
    for i in sorted(set(a) | set(b), key=str):
        if i not in a:
            out.append('%s %s: only in kubectl kustomize' % i)
        elif i not in b:
            out.append('%s %s: not in kubectl kustomize' % i)
        elif a[i] != b[i]:
            diff = list(difflib.unified_diff(
                yaml.safe_dump(b[i]).splitlines(),
                yaml.safe_dump(a[i]).splitlines(), 'kubectl kustomize',
                'check-k8s', lineterm='', n=1))
            out.append('%s %s differs from kubectl kustomize:\n%s'
                       % (i + ('\n'.join(diff[:40]),)))
    return out


# ------------------------------------------------------------ schema
#
# No validator of manifests against the Kubernetes OpenAPI schemas is
# packaged in Debian 12 (no kubeconform, no kubeval).  python3-kubernetes
# is: its model classes are generated from the OpenAPI spec of its
# release (22.6: Kubernetes 1.22) and carry every field's name, type and
# whether it is required.  autoscaling/v2 is newer than 1.22: its
# HorizontalPodAutoscaler has the fields of v2beta2, checked against it.

def api_class(api_version, kind):
    group, _, ver = api_version.rpartition('/')
    group = group.split('.')[0]
    api = ''.join(w.capitalize() for w in (group or 'core').split('-'))
    method = 'create_namespaced_' + re.sub(r'(?<!^)(?=[A-Z])', '_',
                                           kind).lower()
    for v in ([ver, 'v2beta2'] if api_version == 'autoscaling/v2'
              else [ver]):
        cls = getattr(kc, '%s%sApi' % (api, v.capitalize()), None)
        model = getattr(kc, v.capitalize() + kind, None)
        if cls is not None and model is not None and hasattr(cls, method):
            return model
    return None


def validate(value, typ, path, errs):
    if typ.startswith('list['):
        if not isinstance(value, list):
            errs.append('%s: %r is not a list' % (path, value))
            return
        for i, v in enumerate(value):
            validate(v, typ[5:-1], '%s[%d]' % (path, i), errs)
    elif typ.startswith('dict('):
        if not isinstance(value, dict):
            errs.append('%s: %r is not a map' % (path, value))
            return
        vt = typ[5:-1].split(', ', 1)[1]
        for k, v in value.items():
            if re.search(r'\.(limits|requests)$', path) and \
                    isinstance(v, (int, float)) and not isinstance(v, bool):
                continue                     # a quantity may be a number
            validate(v, vt, '%s.%s' % (path, k), errs)
    elif typ in ('str', 'datetime', 'date'):
        if not isinstance(value, str):
            errs.append('%s: %r is not a string' % (path, value))
    elif typ == 'int':
        if not isinstance(value, int) or isinstance(value, bool):
            errs.append('%s: %r is not an integer' % (path, value))
    elif typ == 'float':
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errs.append('%s: %r is not a number' % (path, value))
    elif typ == 'bool':
        if not isinstance(value, bool):
            errs.append('%s: %r is not a boolean' % (path, value))
    elif typ == 'object':
        if path.endswith(('port', 'Port', 'maxSurge', 'maxUnavailable',
                          'minAvailable')) and \
                not isinstance(value, (int, str)):
            errs.append('%s: %r is not an integer or string' % (path, value))
    else:
        validate_model(value, getattr(kc, typ), path, errs)


def validate_model(value, model, path, errs):
    if not isinstance(value, dict):
        errs.append('%s: %r is not an object' % (path, value))
        return
    fields = {j: a for a, j in model.attribute_map.items()}
    present = {}
    for key, v in value.items():
        if key not in fields:
            errs.append('%s: unknown field "%s" (%s)'
                        % (path, key, model.__name__))
            continue
        present[fields[key]] = v
        validate(v, model.openapi_types[fields[key]],
                 '%s.%s' % (path, key), errs)
    try:
        model(**present)
    except ValueError as e:
        m = re.search(r'`(\w+)`, must not be `None`', str(e))
        what = ('missing required field "%s"'
                % model.attribute_map.get(m.group(1), m.group(1))
                if m else str(e))
        errs.append('%s: %s (%s)' % (path, what, model.__name__))


# Written from the Prometheus Operator's monitoring.coreos.com/v1 CRD,
# only the fields a ServiceMonitor for mlclf may use; the CRD itself is
# not packaged.
SM_SCHEMA = {
    'apiVersion': str, 'kind': str, 'metadata': 'V1ObjectMeta',
    'spec': {
        'jobLabel': str, 'targetLabels': [str], 'podTargetLabels': [str],
        'selector': 'V1LabelSelector',
        'namespaceSelector': {'any': bool, 'matchNames': [str]},
        'endpoints': [{
            'port': str, 'targetPort': (int, str), 'path': str,
            'scheme': str, 'interval': str, 'scrapeTimeout': str,
            'honorLabels': bool,
            'relabelings': [{
                'sourceLabels': [str], 'separator': str, 'targetLabel': str,
                'regex': str, 'modulus': int, 'replacement': str,
                'action': str}],
            'metricRelabelings': [{
                'sourceLabels': [str], 'separator': str, 'targetLabel': str,
                'regex': str, 'modulus': int, 'replacement': str,
                'action': str}]}]}}
SM_REQUIRED = {'spec': ('selector', 'endpoints')}


def validate_sm(value, schema, path, errs):
    if isinstance(schema, str):
        validate_model(value, getattr(kc, schema), path, errs)
    elif isinstance(schema, dict):
        if not isinstance(value, dict):
            errs.append('%s: %r is not an object' % (path, value))
            return
        for key, v in value.items():
            if key not in schema:
                errs.append('%s: unknown field "%s" (ServiceMonitor)'
                            % (path, key))
            else:
                validate_sm(v, schema[key], '%s.%s' % (path, key), errs)
        for key in SM_REQUIRED.get(path.rsplit('.', 1)[-1], ()):
            if key not in value:
                errs.append('%s: missing required field "%s"' % (path, key))
    elif isinstance(schema, list):
        if not isinstance(value, list):
            errs.append('%s: %r is not a list' % (path, value))
            return
        for i, v in enumerate(value):
            validate_sm(v, schema[0], '%s[%d]' % (path, i), errs)
    elif not isinstance(value, schema) or (
            schema is not bool and isinstance(value, bool)):
        errs.append('%s: %r is not %s' % (path, value, schema))


def schema_errors(objs, crds=()):
    errs = []
    for o in objs:
        where = '%s %s' % obj_id(o)
        av, kind = o.get('apiVersion', ''), o.get('kind', '')
        if (av, kind) in crds:
            validate_sm(o, SM_SCHEMA, where, errs)
            continue
        model = api_class(av, kind)
        if model is None:
            errs.append('%s: %s %s is not a built-in Kubernetes kind: '
                        'applying it needs a CRD' % (where, av, kind))
            continue
        validate_model(o, model, where, errs)
    return errs


# ------------------------------------------------------------ facts

def dockerfile_facts():
    """What the manifests must agree with in the image."""
    with open(os.path.join(ROOT, 'Dockerfile')) as f:
        text = f.read().replace('\\\n', ' ')
    facts = {}
    for key, pat in (('uid', r'useradd .*?--uid (\d+)'),
                     ('sample', r'^VOLUME \["([^"]+)"\]'),
                     ('prefix', r'^CMD \["nginx", "-p", "([^"]+)"'),
                     ('sample_config', r'mlclf-train --config (\S+)')):
        m = re.search(pat, text, re.M)
        if not m:
            raise RenderError('Dockerfile: cannot find the %s (%s)'
                              % (key, pat))
        facts[key] = m.group(1)
    facts['uid'] = int(facts['uid'])
    return facts


def release():
    with open(os.path.join(ROOT, 'libmlclf', 'mlclf.h')) as f:
        m = re.search(r'#define MLCLF_RELEASE\s+"([^"]+)"', f.read())
    return m.group(1) if m else None


def nginx_conf_facts(text):
    """listen ports, mlclf_model, and the locations of each handler."""
    toks = re.findall(r'"[^"]*"|\'[^\']*\'|[{};]|[^\s{};]+',
                      re.sub(r'#[^\n]*', '', text))
    facts = {'listen': [], 'models': {}, 'health': [], 'metrics': [],
             'predict': [], 'load_module': []}
    stack, stmt, loc = [], [], None
    for t in toks:
        if t == '{':
            stack.append((stmt, loc))
            if stmt[:1] == ['location']:
                loc = stmt[-1]
            stmt = []
        elif t == '}':
            stmt, loc = stack.pop() if stack else ([], None)
            stmt = []
        elif t == ';':
            if stmt[:1] == ['listen'] and len(stmt) > 1:
                facts['listen'].append(stmt[1].rsplit(':', 1)[-1])
            elif stmt[:1] == ['mlclf_model'] and len(stmt) == 3:
                facts['models'][stmt[1]] = stmt[2]
            elif stmt[:1] == ['load_module'] and len(stmt) == 2:
                facts['load_module'].append(stmt[1])
            elif stmt and stmt[0] in ('mlclf_health', 'mlclf_metrics',
                                      'mlclf_predict') and loc:
                facts[stmt[0][6:]].append(loc)
            stmt = []
        else:
            stmt.append(t)
    return facts


def script_vars(text):
    """Upper-case variables the script reads and does not set itself."""
    code = re.sub(r'(?m)^\s*#.*$', '', text)
    read = set(re.findall(r'\$\{?([A-Z][A-Z0-9_]*)', code))
    set_ = set(re.findall(r'(?m)(?:^|[;&|]\s*|\s)([A-Z][A-Z0-9_]*)=', code))
    return read - set_ - {'PATH', 'HOME', 'IFS'}


# ------------------------------------------------------------ objects

def kinds(objs, kind):
    return [o for o in objs if o.get('kind') == kind]


def name_of(o):
    return (o.get('metadata') or {}).get('name', '')


def pod_spec(dep):
    return ((dep.get('spec') or {}).get('template') or {}).get('spec') or {}


def pod_labels(dep):
    t = (dep.get('spec') or {}).get('template') or {}
    return (t.get('metadata') or {}).get('labels') or {}


def matches(selector, labels):
    sel = (selector or {}).get('matchLabels', selector) or {}
    return bool(sel) and all(labels.get(k) == v for k, v in sel.items())


def main_container(spec):
    cs = spec.get('containers') or [{}]
    return cs[0]


def init_container(spec):
    cs = spec.get('initContainers') or [{}]
    return cs[0]


def env_of(c):
    return {e.get('name'): e.get('value', '') for e in c.get('env') or []}


def mount_of(c, path):
    """The volumeMount of container c that holds path, or None."""
    best = None
    for m in c.get('volumeMounts') or []:
        mp = m.get('mountPath', '').rstrip('/')
        if (path == mp or path.startswith(mp + '/')) and \
                (best is None or len(mp) > len(best['mountPath'])):
            best = m
    return best


def volume(spec, name):
    for v in spec.get('volumes') or []:
        if v.get('name') == name:
            return v
    return {}


def configmap_data(objs, name):
    for o in kinds(objs, 'ConfigMap'):
        if name_of(o) == name:
            return o.get('data') or {}
    return None


def replicas(dep):
    return (dep.get('spec') or {}).get('replicas')


# ------------------------------------------------------------ checks

def check_image(objs, kust_images, want):
    p = []
    if len(kust_images) != 1:
        p.append('base/kustomization.yaml: images must name the image '
                 'once, it has %d entries' % len(kust_images))
    for img in kust_images:
        ref = '%s:%s' % (img.get('newName', ''), img.get('newTag', ''))
        if img.get('name') != 'mlclf':
            p.append('images: %s is not the name the containers use '
                     '(mlclf)' % img.get('name'))
        if re.search(r'[A-Z]|OWNER|REPO|example', ref):
            p.append('images: %s is a placeholder' % ref)
        if str(img.get('newTag')) != want:
            p.append('images: tag %s is not the release %s '
                     '(libmlclf/mlclf.h MLCLF_RELEASE)'
                     % (img.get('newTag'), want))
    ref = ['%s:%s' % (i.get('newName', ''), i.get('newTag', ''))
           for i in kust_images][:1]
    for dep in kinds(objs, 'Deployment'):
        spec = pod_spec(dep)
        for c in (spec.get('initContainers') or []) + \
                (spec.get('containers') or []):
            if [c.get('image')] != ref:
                p.append('%s/%s: image %s is not %s, the image of '
                         'kustomization images'
                         % (name_of(dep), c.get('name'), c.get('image'),
                            ref[0] if ref else '?'))
    return p


def check_selectors(objs):
    p = []
    deps = kinds(objs, 'Deployment')
    for d in deps:
        sel = (d.get('spec') or {}).get('selector')
        if not matches(sel, pod_labels(d)):
            p.append('Deployment %s: its selector %s does not select its '
                     'own pods %s' % (name_of(d), sel, pod_labels(d)))
        for o in deps:
            if o is not d and matches(sel, pod_labels(o)):
                p.append('Deployment %s: its selector also selects the '
                         'pods of %s' % (name_of(d), name_of(o)))
    for s in kinds(objs, 'Service'):
        sel = (s.get('spec') or {}).get('selector')
        hit = [d for d in deps if matches(sel, pod_labels(d))]
        if not hit:
            p.append('Service %s selects no pods' % name_of(s))
        for d in hit:
            c = main_container(pod_spec(d))
            names = {x.get('name') for x in c.get('ports') or []}
            nums = {x.get('containerPort') for x in c.get('ports') or []}
            for port in (s.get('spec') or {}).get('ports') or []:
                t = port.get('targetPort', port.get('port'))
                if t not in names | nums:
                    p.append('Service %s: targetPort %s is no port of %s'
                             % (name_of(s), t, name_of(d)))
    for b in kinds(objs, 'PodDisruptionBudget'):
        if not any(matches((b.get('spec') or {}).get('selector'),
                           pod_labels(d)) for d in deps):
            p.append('PodDisruptionBudget %s selects no pods' % name_of(b))
    for h in kinds(objs, 'HorizontalPodAutoscaler'):
        ref = (h.get('spec') or {}).get('scaleTargetRef') or {}
        t = [d for d in deps if ref.get('kind') == 'Deployment'
             and name_of(d) == ref.get('name')]
        if not t:
            p.append('HorizontalPodAutoscaler %s: no Deployment %s'
                     % (name_of(h), ref.get('name')))
        for d in t:
            if replicas(d) is not None:
                p.append('Deployment %s: replicas %s beside the '
                         'HorizontalPodAutoscaler %s, which owns the count'
                         % (name_of(d), replicas(d), name_of(h)))
    for m in kinds(objs, 'ServiceMonitor'):
        svcs = [s for s in kinds(objs, 'Service')
                if matches((m.get('spec') or {}).get('selector'),
                           (s.get('metadata') or {}).get('labels') or {})]
        if not svcs:
            p.append('ServiceMonitor %s selects no Service' % name_of(m))
        for ep in (m.get('spec') or {}).get('endpoints') or []:
            for s in svcs:
                if ep.get('port') not in {x.get('name') for x in
                                          s['spec'].get('ports') or []}:
                    p.append('ServiceMonitor %s: port %s is not a port of '
                             'Service %s' % (name_of(m), ep.get('port'),
                                             name_of(s)))
    return p


def check_volumes(objs):
    p = []
    for d in kinds(objs, 'Deployment'):
        spec = pod_spec(d)
        names = [v.get('name') for v in spec.get('volumes') or []]
        if len(names) != len(set(names)):
            p.append('%s: a volume name twice' % name_of(d))
        used = set()
        for c in (spec.get('initContainers') or []) + \
                (spec.get('containers') or []):
            for m in c.get('volumeMounts') or []:
                used.add(m.get('name'))
                if m.get('name') not in names:
                    p.append('%s/%s: mounts %s, which is no volume'
                             % (name_of(d), c.get('name'), m.get('name')))
                if m.get('subPath'):
                    p.append('%s/%s: subPath mounts do not see ConfigMap '
                             'updates' % (name_of(d), c.get('name')))
            for probe in ('readinessProbe', 'livenessProbe'):
                pr = (c.get(probe) or {}).get('httpGet')
                if c in (spec.get('containers') or []) and not pr:
                    p.append('%s/%s: no httpGet %s'
                             % (name_of(d), c.get('name'), probe))
                ports = c.get('ports') or []
                if pr and pr.get('port') not in (
                        {x.get('name') for x in ports}
                        | {x.get('containerPort') for x in ports}):
                    p.append('%s/%s: %s port %s is no port of the '
                             'container' % (name_of(d), c.get('name'),
                                            probe, pr.get('port')))
        for v in spec.get('volumes') or []:
            if v.get('name') not in used:
                p.append('%s: volume %s is not mounted'
                         % (name_of(d), v.get('name')))
            cm = (v.get('configMap') or {}).get('name')
            if cm is not None and configmap_data(objs, cm) is None:
                p.append('%s: volume %s: no ConfigMap %s'
                         % (name_of(d), v.get('name'), cm))
            pvc = (v.get('persistentVolumeClaim') or {}).get('claimName')
            if pvc is not None and pvc not in [
                    name_of(o) for o in kinds(objs,
                                              'PersistentVolumeClaim')]:
                p.append('%s: volume %s: no PersistentVolumeClaim %s'
                         % (name_of(d), v.get('name'), pvc))
    return p


def nginx_layout(d, objs):
    """Facts of the NGINX container of Deployment d, or a problem."""
    spec = pod_spec(d)
    c = main_container(spec)
    cmd = (c.get('command') or []) + (c.get('args') or [])
    if cmd[:1] != ['nginx'] or '-p' not in cmd or '-c' not in cmd:
        return None, 'the container %s does not run nginx -p PREFIX -c ' \
                     'CONF' % c.get('name')
    prefix = cmd[cmd.index('-p') + 1].rstrip('/')
    conf = os.path.normpath(os.path.join(prefix, cmd[cmd.index('-c') + 1]))
    m = mount_of(c, conf)
    cm = (volume(spec, m['name']).get('configMap') or {}).get('name') \
        if m else None
    data = configmap_data(objs, cm) if cm else None
    key = os.path.relpath(conf, m['mountPath']) if m else None
    if data is None or key not in data:
        return None, '%s is not a file of a ConfigMap volume of %s' \
                     % (conf, c.get('name'))
    return {'container': c, 'prefix': prefix, 'conf': conf,
            'text': data[key], 'facts': nginx_conf_facts(data[key])}, None


def check_pod_layout(setup, objs, facts, script):
    p = []
    for d in kinds(objs, 'Deployment'):
        n = name_of(d)
        spec = pod_spec(d)
        ngx, err = nginx_layout(d, objs)
        if err:
            p.append('%s: %s' % (n, err))
            continue
        c, nf = ngx['container'], ngx['facts']
        ports = {x.get('containerPort') for x in c.get('ports') or []}
        if not nf['listen'] or {int(x) for x in nf['listen']
                                if x.isdigit()} != ports:
            p.append('%s: nginx.conf listens on %s, the container port is '
                     '%s' % (n, nf['listen'], sorted(ports)))
        for probe in ('readinessProbe', 'livenessProbe'):
            path = ((c.get(probe) or {}).get('httpGet') or {}).get('path')
            if path not in nf['health']:
                p.append('%s: %s GET %s is not an mlclf_health location '
                         'of nginx.conf (%s)' % (n, probe, path,
                                                 nf['health']))
        for m in kinds(objs, 'ServiceMonitor'):
            for ep in (m.get('spec') or {}).get('endpoints') or []:
                if ep.get('path') not in nf['metrics']:
                    p.append('ServiceMonitor %s: %s is not an '
                             'mlclf_metrics location' % (name_of(m),
                                                          ep.get('path')))
        if len(nf['models']) != 1:
            p.append('%s: nginx.conf has %d mlclf_model, expected one'
                     % (n, len(nf['models'])))
            continue
        (model, mpath), = nf['models'].items()
        served = os.path.normpath(os.path.join(
            os.path.dirname(ngx['conf']), mpath))
        mm = mount_of(c, served)
        init = init_container(spec)
        env = env_of(init)
        if env.get('MODEL') != model:
            p.append('%s: init MODEL=%s, nginx.conf serves mlclf_model %s'
                     % (n, env.get('MODEL'), model))
        if served == facts['sample'] or served.startswith(
                facts['sample'] + '/'):
            p.append('%s: nginx.conf serves %s, the image\'s sample '
                     'registry (Dockerfile VOLUME)' % (n, served))
        if mm is None or 'emptyDir' not in volume(spec, mm['name']):
            p.append('%s: nginx.conf serves %s, which is not on an '
                     'emptyDir volume of %s' % (n, served, c.get('name')))
        else:
            im = mount_of(init, env.get('REGISTRY_DIR') or '')
            if im is None or im['name'] != mm['name'] or \
                    served != os.path.join(mm['mountPath'], model) or \
                    env['REGISTRY_DIR'].rstrip('/') != im['mountPath']:
                p.append('%s: the init container\'s REGISTRY_DIR=%s is not '
                         'the mount of the volume %s that NGINX serves %s '
                         'from' % (n, env.get('REGISTRY_DIR'), mm['name'],
                                   served))
            if not mm.get('readOnly'):
                p.append('%s: NGINX mounts its model volume read-write'
                         % n)
        p += check_init_layout(setup, d, objs, facts, script)
        sc = spec.get('securityContext') or {}
        if sc.get('runAsUser') != facts['uid'] or not sc.get('runAsNonRoot'):
            p.append('%s: not run as the image\'s user %d (runAsNonRoot)'
                     % (n, facts['uid']))
        for x in (spec.get('initContainers') or []) + \
                (spec.get('containers') or []):
            if not (x.get('securityContext') or {}).get(
                    'readOnlyRootFilesystem'):
                p.append('%s/%s: root file system not read-only'
                         % (n, x.get('name')))
    return p


def check_init_layout(setup, d, objs, facts, script):
    p = []
    n = name_of(d)
    spec = pod_spec(d)
    inits = spec.get('initContainers') or []
    if len(inits) != 1:
        return ['%s: %d init containers, expected fetch-model'
                % (n, len(inits))]
    init = inits[0]
    cmd = (init.get('command') or []) + (init.get('args') or [])
    m = mount_of(init, cmd[1]) if len(cmd) == 2 else None
    cm = (volume(spec, m['name']).get('configMap') or {}).get('name') \
        if m else None
    data = configmap_data(objs, cm) if cm else None
    key = os.path.relpath(cmd[1], m['mountPath']) if m else None
    if cmd[:1] != ['/bin/sh'] or data is None or data.get(key) != script:
        p.append('%s: the init container does not run fetch-model.sh from '
                 'its ConfigMap (/bin/sh PATH): %s' % (n, cmd))
    env = env_of(init)
    for e in init.get('env') or []:
        if 'valueFrom' in e:
            p.append('%s: init env %s: valueFrom is not checked'
                     % (n, e.get('name')))
    want = script_vars(script)
    for v in sorted(want - set(env)):
        p.append('%s: fetch-model.sh reads %s, the init container does '
                 'not set it' % (n, v))
    for v in sorted(set(env) - want):
        p.append('%s: the init container sets %s, fetch-model.sh does not '
                 'read it' % (n, v))
    store = (env.get('STORE_DIR') or '').rstrip('/')
    sm = mount_of(init, store) if store else None
    if setup == 'sample':
        if store != facts['sample'] or sm is not None:
            p.append('%s: the sample setup\'s STORE_DIR=%s is not the '
                     'image\'s registry %s' % (n, store, facts['sample']))
    elif sm is None or sm['mountPath'] != store or 'persistentVolumeClaim' \
            not in volume(spec, sm['name']) or not sm.get('readOnly'):
        p.append('%s: STORE_DIR=%s is not where the init container mounts '
                 'the registry store (a PersistentVolumeClaim, read-only)'
                 % (n, store))
    return p


def check_hashes(objs):
    p = []
    for o in kinds(objs, 'ConfigMap'):
        name = name_of(o)
        base, _, suffix = name.rpartition('-')
        if not base or suffix != cm_hash(dict(o, metadata={'name': base})):
            p.append('ConfigMap %s: no hash of its content in its name '
                     '(configMapGenerator without disableNameSuffixHash): '
                     'editing it would not roll the pods' % name)
    return p


def check_rollout(k8s, tmp):
    """Edits of the generated files must change every pod template."""
    p = []
    try:
        before = render(k8s)
    except RenderError as e:
        return [str(e)]
    p += check_hashes(before)
    if not kinds(before, 'ConfigMap'):
        p.append('no ConfigMap rendered')
    copy_dir = os.path.join(tmp, 'rollout')
    shutil.rmtree(copy_dir, ignore_errors=True)
    shutil.copytree(k8s, copy_dir, symlinks=True)
    for f in ('base/nginx.conf', 'base/fetch-model.sh'):
        with open(os.path.join(copy_dir, f), 'a') as fh:
            fh.write('# edited\n')
        after = render(copy_dir)
        for d in kinds(before, 'Deployment'):
            a = [x for x in kinds(after, 'Deployment')
                 if name_of(x) == name_of(d)]
            if a and a[0]['spec']['template'] == d['spec']['template']:
                p.append('%s: an edit of %s leaves the pod template as it '
                         'was: apply would not roll the pods'
                         % (name_of(d), f))
        before = after
    return p


# ------------------------------------------------------------ pods
#
# A pod, emulated on this machine: the image's /opt/mlclf (the sample
# registry trained as the Dockerfile trains it, var/run, var/tmp) is a
# directory tree; each volume is a directory (a ConfigMap's holds its
# files, a PersistentVolumeClaim is the scenario's store); the init
# container runs fetch-model.sh from its ConfigMap with the Deployment's
# environment, the paths of its values mapped to where their volumes
# are; the NGINX container runs /usr/sbin/nginx with the Deployment's
# command line and the ConfigMap's nginx.conf, two lines changed: the
# load_module path (the module built here) and listen (127.0.0.1:PORT).

class Stores:
    """Registries made once: stores of a cluster, the image's sample."""

    def __init__(self, tmp, bindir, model, facts):
        self.dir = os.path.join(tmp, 'stores')
        self.bindir = bindir
        os.makedirs(self.dir)
        forest = os.path.join(ROOT, 'conf', 'iris-forest.yaml')
        self.path = {}
        self.make('empty')
        self.train('first', forest, model, True)
        self.copy('first', 'two')
        self.train('two', forest, model, False)
        self.train('other', forest, 'other', True)
        self.copy('first', 'damaged')
        f = os.path.join(self.path['damaged'], model, 'versions', 'v1',
                         'model.mlclf')
        with open(f, 'r+b') as fh:
            fh.seek(os.path.getsize(f) // 2)
            b = fh.read(1)
            fh.seek(-1, 1)
            fh.write(bytes([b[0] ^ 0xff]))
        self.image = os.path.join(self.dir, 'image')
        opt = self.image + facts['prefix']
        for sub in ('conf', 'var/run', 'var/tmp', 'var/log'):
            os.makedirs(os.path.join(opt, sub))
        self.run(['mlclf-train', '--config', facts['sample_config'],
                  '--registry', self.image + facts['sample'], '--promote',
                  '--quiet'])

    def run(self, cmd):
        r = subprocess.run([os.path.join(self.bindir, cmd[0])] + cmd[1:],
                           cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode:
            raise RenderError('%s: %s' % (' '.join(cmd), r.stdout))

    def make(self, name):
        self.path[name] = os.path.join(self.dir, name)
        os.makedirs(self.path[name])

    def copy(self, src, dst):
        self.path[dst] = os.path.join(self.dir, dst)
        shutil.copytree(self.path[src], self.path[dst], symlinks=True)

    def train(self, name, config, model, promote):
        if name not in self.path:
            self.make(name)
        self.run(['mlclf-train', '--config', config, '--registry',
                  self.path[name], '--name', model, '--quiet']
                 + (['--promote'] if promote else []))


def tree_digest(d):
    h = hashlib.sha256()
    for top, dirs, files in sorted(os.walk(d)):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(top, f)
            h.update(os.path.relpath(p, d).encode())
            if os.path.islink(p):
                h.update(os.readlink(p).encode())
            else:
                with open(p, 'rb') as fh:
                    h.update(fh.read())
    return h.hexdigest()


class Pod:
    def __init__(self, ctx, objs, dep, store, work):
        self.ctx = ctx
        self.dep = dep
        self.spec = pod_spec(dep)
        self.main = main_container(self.spec)
        self.work = work
        self.root = os.path.join(work, 'nginx-root')
        shutil.copytree(ctx.stores.image, self.root, symlinks=True)
        self.vols = {}
        for v in self.spec.get('volumes') or []:
            mp = [m['mountPath'] for m in self.main.get('volumeMounts') or []
                  if m.get('name') == v.get('name')]
            if 'persistentVolumeClaim' in v:
                if mp:
                    raise RenderError('NGINX mounts the store: not emulated')
                self.vols[v['name']] = store
                continue
            real = self.root + mp[0] if mp else \
                os.path.join(work, 'vol', v['name'])
            shutil.rmtree(real, ignore_errors=True)
            os.makedirs(real)
            self.vols[v['name']] = real
            if 'configMap' in v:
                data = configmap_data(objs, v['configMap'].get('name'))
                for key, text in (data or {}).items():
                    with open(os.path.join(real, key), 'w') as fh:
                        fh.write(text)

    def host(self, c, path):
        """Where path of container c is on this machine."""
        m = mount_of(c, path)
        if m is not None:
            return self.vols[m['name']] + path[len(m['mountPath'].rstrip(
                '/')):]
        return (self.root if c is self.main else self.ctx.stores.image) \
            + path

    def env(self, c, override):
        env = {'PATH': self.ctx.bindir + ':/usr/sbin:/usr/bin:/sbin:/bin',
               'LC_ALL': 'C'}
        for e in c.get('env') or []:
            v = override.get(e['name'], e.get('value', ''))
            env[e['name']] = self.host(c, v) if v.startswith('/') else v
        return env

    def run_init(self, override=None):
        c = init_container(self.spec)
        cmd = (c.get('command') or []) + (c.get('args') or [])
        cmd = [a if mount_of(c, a) is None else self.host(c, a)
               for a in cmd]
        return subprocess.run(cmd, env=self.env(c, override or {}),
                              stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)

    def model_dir(self):
        env = env_of(init_container(self.spec))
        return self.host(init_container(self.spec),
                         env.get('REGISTRY_DIR', '/nonexistent'))

    def nginx_cmd(self):
        cmd = (self.main.get('command') or []) + (self.main.get('args') or [])
        prefix = cmd[cmd.index('-p') + 1]
        conf = self.host(self.main, os.path.normpath(os.path.join(
            prefix, cmd[cmd.index('-c') + 1])))
        cmd = ['/usr/sbin/nginx'] + cmd[1:]
        cmd[cmd.index('-p') + 1] = self.host(self.main, prefix)
        with open(conf) as fh:
            text = fh.read()
        text = re.sub(r'(?m)^load_module\s+\S*/ngx_http_mlclf_module\.so;',
                      'load_module %s;' % self.ctx.module, text)
        text = re.sub(r'(?m)^(\s*listen\s+)\S+;',
                      r'\g<1>127.0.0.1:%d;' % self.ctx.port, text)
        with open(conf, 'w') as fh:
            fh.write(text)
        return cmd

    def nginx_t(self):
        return subprocess.run(self.nginx_cmd() + ['-t'],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)

    def serve(self):
        """Starts NGINX, probes it as the kubelet would, stops it.

        Returns (None, log) if it never answered (it exited), else
        ({path: (status, body)}, log) for the probes and a /predict.
        """
        if not port_free(self.ctx.port):
            raise RenderError('port %d is in use: set K8S_CHECK_PORT'
                              % self.ctx.port)
        log = os.path.join(self.work, 'nginx.log')
        with open(log, 'w') as out:
            proc = subprocess.Popen(self.nginx_cmd(), stdout=out,
                                    stderr=subprocess.STDOUT)
        try:
            res = self.probe(proc)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGQUIT)
            proc.wait()
        with open(log) as fh:
            return res, fh.read()

    def probe(self, proc):
        base = 'http://127.0.0.1:%d' % self.ctx.port
        probe = ((self.main.get('readinessProbe') or {}).get('httpGet')
                 or {}).get('path', '/')
        got = None
        while got is None and proc.poll() is None:
            got = fetch(base + probe)
            if got is None:
                time.sleep(0.05)
        if got is None:
            return None
        res = {probe: got}
        live = ((self.main.get('livenessProbe') or {}).get('httpGet')
                or {}).get('path', '/')
        res[live] = fetch(base + live) or (0, 'no answer')
        res['/predict'] = fetch(base + '/predict', json.dumps(
            {'features': [5.1, 3.5, 1.4, 0.2]}).encode()) or (0, 'no answer')
        return res


def port_free(port):
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('127.0.0.1', port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def fetch(url, body=None):
    """(status, body), or None while nothing listens."""
    req = urllib.request.Request(url, data=body)
    if body is not None:
        req.add_header('Content-Type', 'application/json')
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return None
    except http.client.HTTPException as e:
        return 0, 'not HTTP: %r' % e


# ------------------------------------------------------------ scenarios

def refused(r, *what):
    """A refusal a person can act on: fetch-model: ... naming what."""
    lines = [x for x in r.stderr.splitlines() if x.startswith('fetch-model:')]
    return r.returncode != 0 and lines and all(
        any(w in x for x in lines) for w in what)


def says(r):
    return (r.stderr + r.stdout).strip().replace('\n', ' | ')


class Scenarios:
    """The pods of one rendered setup against the stores."""

    def __init__(self, ctx, setup, objs):
        self.ctx = ctx
        self.setup = setup
        self.objs = objs
        self.n = 0
        self.init, self.nginx_t, self.readiness = [], [], []
        self.facts = ctx.facts

    def pod(self, dep, store):
        self.n += 1
        work = os.path.join(self.ctx.tmp, 'pods', '%s-%d' % (self.setup,
                                                            self.n))
        return Pod(self.ctx, self.objs, dep, store, work)

    def store_dir(self, pod, override=None):
        c = init_container(pod.spec)
        v = dict(env_of(c), **(override or {})).get('STORE_DIR', '')
        return pod.host(c, v)

    def run(self, dep, store, override=None):
        """Runs the init container; returns (pod, result)."""
        pod = self.pod(dep, store)
        sdir = self.store_dir(pod, override)
        before = tree_digest(sdir) if os.path.isdir(sdir) else None
        r = pod.run_init(override)
        if os.path.isdir(sdir) and tree_digest(sdir) != before:
            self.init.append('%s: the init container changed the store'
                             % name_of(dep))
        return pod, r

    def copied(self, pod, r, dep, version, what):
        """The pod's registry holds version, two files, nothing else."""
        n = name_of(dep)
        if r.returncode:
            self.init.append('%s (%s): init failed: %s' % (n, what, says(r)))
            return False
        model = env_of(init_container(pod.spec))['MODEL']
        reg = pod.model_dir()
        src = os.path.join(self.store_dir(pod), model, 'versions', version)
        want = {model + '/versions/%s/%s' % (version, f)
                for f in ('model.mlclf', 'meta.json')}
        extra = {model + '/' + f for f in ('active', 'history.log',
                                            '.lock')}
        have = set()
        for top, dirs, files in os.walk(reg):
            for f in files + [x for x in dirs
                              if os.path.islink(os.path.join(top, x))]:
                have.add(os.path.relpath(os.path.join(top, f), reg))
        ok = True
        for f in sorted(have - want - extra):
            self.init.append('%s (%s): copied %s: only the version\'s '
                             'model.mlclf and meta.json belong in the pod'
                             % (n, what, f))
            ok = False
        for f in sorted(want - have):
            self.init.append('%s (%s): %s not copied' % (n, what, f))
            ok = False
        for f in sorted(want & have):
            with open(os.path.join(reg, f), 'rb') as a, \
                    open(os.path.join(src, os.path.basename(f)), 'rb') as b:
                if a.read() != b.read():
                    self.init.append('%s (%s): %s is not the store\'s'
                                     % (n, what, f))
                    ok = False
        link = os.path.join(reg, model, 'active')
        if not os.path.islink(link) or \
                os.readlink(link) != 'versions/' + version:
            self.init.append('%s (%s): %s/active is not versions/%s'
                             % (n, what, model, version))
            ok = False
        return ok

    def ready(self, pod, dep, version, what):
        """nginx -t, then the probes answer 200 for that version."""
        n = name_of(dep)
        init = init_container(pod.spec)
        model = env_of(init)['MODEL']
        with open(os.path.join(self.store_dir(pod), model, 'versions',
                               version, 'meta.json')) as fh:
            algorithm = json.load(fh).get('algorithm')
        t = pod.nginx_t()
        if t.returncode:
            self.nginx_t.append('%s (%s): nginx -t: %s'
                                % (n, what, t.stdout.strip()))
        res, log = pod.serve()
        if res is None:
            self.ready_fail('%s (%s): NGINX exited: %s' % (n, what, log))
            return
        for path, (status, body) in sorted(res.items()):
            if status != 200:
                self.ready_fail('%s (%s): %s answered %d: %s'
                                % (n, what, path, status, body))
        probe = ((pod.main.get('readinessProbe') or {}).get('httpGet')
                 or {}).get('path')
        try:
            got = json.loads(res[probe][1])['models'][0]
            got = (got['name'], got['version'], got['algorithm'])
        except (ValueError, KeyError, IndexError, TypeError):
            got = res[probe][1]
        if got != (model, version, algorithm):
            self.ready_fail('%s (%s): %s reports %s, expected %s %s %s '
                            'from the store%s'
                            % (n, what, probe, got, model, version,
                               algorithm,
                               ' (the image\'s sample is served)'
                               if isinstance(got, tuple)
                               and got[2] != algorithm else ''))

    def ready_fail(self, msg):
        self.readiness.append(msg)

    def never_ready(self, pod, dep, what):
        """NGINX on this pod's volumes must not come up."""
        res, log = pod.serve()
        if res is not None:
            self.ready_fail('%s (%s): NGINX answered %s without a model '
                            'from the store' % (name_of(dep), what, res))

    def production(self):
        """A fresh cluster, its first model, the canary's start steps."""
        st = self.ctx.stores.path
        deps = kinds(self.objs, 'Deployment')
        for d in deps:
            n = name_of(d)
            env = env_of(init_container(pod_spec(d)))
            model = env.get('MODEL')
            pod, r = self.run(d, st['empty'])
            if r.returncode == 0:
                self.init.append('%s (empty store): init accepted a store '
                                 'without the model' % n)
            elif not refused(r):
                self.init.append('%s (empty store): refused without a '
                                 '"fetch-model: ..." line: %s' % (n, says(r)))
            if replicas(d) != 0:
                self.never_ready(pod, d, 'empty store')
            pod, r = self.run(d, st['first'])
            if replicas(d) == 0:
                if r.returncode and not refused(r):
                    self.init.append('%s (scaled to 0, as shipped): '
                                     'refused without a "fetch-model: ..." '
                                     'line: %s' % (n, says(r)))
                # the steps docs/kubernetes.md gives to start it
                pod, r = self.run(d, st['two'], {'MODEL_VERSION': 'v2'})
                if self.copied(pod, r, d, 'v2', 'MODEL_VERSION=v2, scaled '
                               'up'):
                    self.ready(pod, d, 'v2', 'MODEL_VERSION=v2')
                continue
            v = env.get('MODEL_VERSION', '')
            v = 'v1' if v == 'active' else v if v.startswith('v') else \
                'v' + v
            if self.copied(pod, r, d, v, 'first model published'):
                self.ready(pod, d, v, 'first model published')
        run = [d for d in deps if replicas(d) != 0]
        if not run:
            self.init.append('no Deployment runs on a fresh apply')
            return
        d = run[0]
        n = name_of(d)
        pod, r = self.run(d, st['other'])
        if not refused(r, 'no model "%s"' % model):
            self.init.append('%s (a store of another model): %s'
                             % (n, says(r) or 'accepted'))
        pod, r = self.run(d, st['two'], {'MODEL_VERSION': 'v9'})
        if not refused(r, 'no version v9', 'v1 v2'):
            self.init.append('%s (MODEL_VERSION=v9, store v1 v2): %s'
                             % (n, says(r) or 'accepted'))
        pod, r = self.run(d, st['damaged'], {'MODEL_VERSION': 'v1'})
        if not refused(r, 'does not verify'):
            self.init.append('%s (damaged model.mlclf): %s'
                             % (n, says(r) or 'accepted'))
        pod, r = self.run(d, st['two'], {'MODEL_VERSION': 'active'})
        if self.copied(pod, r, d, 'v1', 'MODEL_VERSION=active'):
            r = pod.run_init({'MODEL_VERSION': 'active'})
            self.copied(pod, r, d, 'v1', 'init container restarted')

    def sample(self):
        """The demo: the image's sample, no store."""
        for d in kinds(self.objs, 'Deployment'):
            pod, r = self.run(d, None)
            if replicas(d) == 0:
                if r.returncode and not refused(r):
                    self.init.append('%s (scaled to 0): refused without a '
                                     '"fetch-model: ..." line: %s'
                                     % (name_of(d), says(r)))
                continue
            v = env_of(init_container(pod_spec(d))).get('MODEL_VERSION')
            v = 'v1' if v == 'active' else v
            if self.copied(pod, r, d, v, 'the image\'s sample'):
                self.ready(pod, d, v, 'the image\'s sample')


# ------------------------------------------------------------ driver

class Ctx:
    def __init__(self, k8s, tmp, args):
        self.k8s = k8s
        self.tmp = tmp
        self.bindir = args['bindir']
        self.module = args['module']
        self.port = args['port']
        self.kubectl = args['kubectl']
        self.out = args.get('out')
        self.facts = args['facts']
        self.stores = args.get('stores')
        self.args = args

    def setups(self):
        mon = os.path.join(self.tmp, 'monitoring')
        os.makedirs(mon, exist_ok=True)
        with open(os.path.join(mon, 'kustomization.yaml'), 'w') as f:
            yaml.safe_dump({
                'apiVersion': 'kustomize.config.k8s.io/v1beta1',
                'kind': 'Kustomization',
                'resources': [os.path.relpath(self.k8s, mon)],
                'components': [os.path.relpath(os.path.join(
                    self.k8s, 'components', 'servicemonitor'), mon)]}, f)
        return [('production', self.k8s),
                ('sample', os.path.join(self.k8s, 'sample')),
                ('monitoring', mon)]


def guarded(rep, check, fn, msg):
    """A check that breaks on odd manifests fails, with the reason."""
    try:
        problems = fn()
    except Exception as e:
        problems = ['the check broke on these manifests: %r' % e]
    rep.check(check, problems, msg)


def run_checks(ctx, rep, only=None):
    def want(c):
        return only is None or c in only

    rendered = {}
    for name, d in ctx.setups():
        try:
            objs = render(d)
            p = []
            if ctx.kubectl:
                p = compare_renders(objs, kubectl_render(ctx.kubectl, d))
        except RenderError as e:
            rep.bad('render', '%s: %s' % (name, e))
            continue
        rep.check('render', p, '%s: %d objects%s' % (
            name, len(objs), ', the same as kubectl kustomize'
            if ctx.kubectl else ''))
        rendered[name] = objs
        if ctx.out:
            with open(os.path.join(ctx.out, name + '.yaml'), 'w') as f:
                yaml.safe_dump_all(objs, f, sort_keys=False)
    if 'production' not in rendered:
        return
    prod = rendered['production']
    with open(os.path.join(ctx.k8s, 'base', 'kustomization.yaml')) as f:
        images = (yaml.safe_load(f) or {}).get('images') or []
    with open(os.path.join(ctx.k8s, 'base', 'fetch-model.sh')) as f:
        script = f.read()
    sm = ('monitoring.coreos.com/v1', 'ServiceMonitor')
    for name, objs in rendered.items():
        crds = (sm,) if name == 'monitoring' else ()
        if want('schema'):
            guarded(rep, 'schema', lambda: schema_errors(objs, crds),
                    '%s: every object against the Kubernetes 1.22 OpenAPI '
                    'models%s' % (name, ' and the ServiceMonitor subset'
                                  if crds else ''))
        if want('image'):
            guarded(rep, 'image',
                    lambda: check_image(objs, images, release()),
                    '%s: every container runs %s' % (name, ', '.join(
                        '%s:%s' % (i.get('newName'), i.get('newTag'))
                        for i in images)))
        if want('wiring'):
            guarded(rep, 'wiring',
                    lambda: check_selectors(objs) + check_volumes(objs),
                    '%s: selectors, Service and probe ports, HPA, PDB, '
                    'volumes' % name)
        if want('pod-layout'):
            guarded(rep, 'pod-layout',
                    lambda: check_pod_layout(name, objs, ctx.facts, script),
                    '%s: nginx.conf, model volume, init script and its '
                    'environment, user' % name)
    if want('optional-crds'):
        p = ['%s: %s %s needs a CRD' % ((name,) + obj_id(o))
             for name in ('production', 'sample')
             for o in rendered.get(name, [])
             if api_class(o.get('apiVersion', ''), o.get('kind', ''))
             is None]
        mon = [o for o in rendered.get('monitoring', []) if
               (o.get('apiVersion'), o.get('kind')) != sm]
        if len(mon) != len(rendered.get('monitoring', [])) - 1 or \
                sorted(map(str, mon)) != sorted(map(str, prod)):
            p.append('monitoring: the component must add one ServiceMonitor '
                     'and change nothing else')
        rep.check('optional-crds', p, 'production and sample apply without '
                  'CRDs; components/servicemonitor adds the ServiceMonitor')
    if want('rollout'):
        guarded(rep, 'rollout', lambda: check_rollout(ctx.k8s, ctx.tmp) + [
            '%s: %s' % (name, x) for name, objs in rendered.items()
            for x in check_hashes(objs)], 'generated ConfigMaps: an edit '
            'of nginx.conf or fetch-model.sh rolls every Deployment')
    if want('docs'):
        guarded(rep, 'docs', lambda: check_docs(prod),
                'docs/kubernetes.md gives the commands to start what ships '
                'scaled to 0; its manifests pass the schema')
    # conf/k8s/kserve: KServe's CRDs, so a setup of its own
    check_kserve.run_checks(sys.modules[__name__], ctx, rep, want)
    if not ({'init', 'nginx-t', 'readiness'} & (only or {'init'})):
        return
    for name in ('production', 'sample'):
        if name not in rendered:
            continue
        sc = Scenarios(ctx, name, rendered[name])
        try:
            getattr(sc, name)()
        except Exception as e:
            sc.init.append('%s: cannot emulate the pods: %r' % (name, e))
        rep.check('init', sc.init, '%s: fetch-model.sh copies the chosen '
                  'version\'s model.mlclf and meta.json, refuses what is '
                  'missing, leaves the store alone' % name)
        rep.check('nginx-t', sc.nginx_t, '%s: nginx -t of the pods\' '
                  'nginx.conf with the module and their model' % name)
        rep.check('readiness', sc.readiness, '%s: the probes answer 200 '
                  'with the expected version; no model, no NGINX' % name)


def check_docs(objs):
    try:
        with open(os.path.join(ROOT, 'docs', 'kubernetes.md')) as f:
            text = f.read()
    except OSError as e:
        return ['docs/kubernetes.md: %s' % e]
    p = []
    for cmd in ('kubectl apply -k conf/k8s\n', 'kubectl apply -k '
                'conf/k8s/sample'):
        if cmd not in text:
            p.append('docs/kubernetes.md does not say %r' % cmd.strip())
    for block in re.findall(r'(?ms)^```yaml\n(.*?)^```', text):
        try:
            doc = yaml.safe_load(block)
        except yaml.YAMLError as e:
            p.append('docs/kubernetes.md: a yaml block does not parse: %s'
                     % e)
            continue
        if isinstance(doc, dict) and 'apiVersion' in doc and \
                doc.get('kind') not in ('Kustomization', 'Component'):
            p += ['docs/kubernetes.md: %s' % x for x in schema_errors([doc])]
    for d in kinds(objs, 'Deployment'):
        if replicas(d) == 0:
            for cmd in ('kubectl set env deployment/%s -c fetch-model '
                        'MODEL_VERSION=' % name_of(d),
                        'kubectl scale deployment/%s --replicas=1'
                        % name_of(d)):
                if cmd not in text:
                    p.append('%s ships scaled to 0; docs/kubernetes.md does '
                             'not say how to start it: %s' % (name_of(d),
                                                               cmd))
    return p


# ------------------------------------------------------------ self-test
#
# Each check must be able to fail: a broken copy of conf/k8s per case,
# and the named check must report it.

def edit_text(rel, old, new):
    def f(k8s):
        p = os.path.join(k8s, rel)
        with open(p) as fh:
            text = fh.read()
        if old not in text:
            raise RenderError('self-test: %r not in %s' % (old, rel))
        with open(p, 'w') as fh:
            fh.write(text.replace(old, new, 1))
    return f


def edit_yaml(rel, fn, which=0):
    def f(k8s):
        p = os.path.join(k8s, rel)
        docs = load_yaml_docs(p)
        fn(docs[which])
        with open(p, 'w') as fh:
            yaml.safe_dump_all(docs, fh, sort_keys=False)
    return f


def tmpl(d):
    return d['spec']['template']['spec']


def init_env(d, name, value):
    env = tmpl(d)['initContainers'][0]['env']
    for e in env:
        if e['name'] == name:
            e['value'] = value
            return
    env.append({'name': name, 'value': value})


def drop_env(d, name):
    c = tmpl(d)['initContainers'][0]
    c['env'] = [e for e in c['env'] if e['name'] != name]


def drop_mount(d, c, name):
    c = tmpl(d)[c][0]
    c['volumeMounts'] = [m for m in c['volumeMounts'] if m['name'] != name]


DEP = 'base/deployment.yaml'
CANARY = 'base/deployment-canary.yaml'
KUST = 'base/kustomization.yaml'
SCRIPT = 'base/fetch-model.sh'
KS_RT = 'kserve/servingruntime.yaml'
KS_ISVC = 'kserve/inferenceservice.yaml'
CASES = [
    ('kserve-schema', 'a misspelt ClusterServingRuntime field',
     edit_text(KS_RT, 'protocolVersions:', 'protocolVersion:')),
    ('kserve-schema', 'a protocol KServe does not know',
     edit_text(KS_RT, '    - v2\n', '    - v3\n')),
    ('kserve-schema', 'a priority that is not a number',
     edit_text(KS_RT, 'priority: 1', 'priority: high')),
    ('kserve-schema', 'a misspelt InferenceService field',
     edit_text(KS_ISVC, 'storageUri: pvc', 'storageURI: pvc')),
    ('kserve-runtime', 'a readiness probe on a path mlclf-serve lacks',
     edit_text(KS_RT, 'path: /v2/health/ready', 'path: /health/ready')),
    ('kserve-runtime', 'args without the name KServe fills in',
     edit_text(KS_RT, '--model_name={{.Name}}', '--model_name=iris')),
    ('kserve-runtime', 'a containerPort other than --http_port',
     edit_text(KS_RT, 'containerPort: 8080', 'containerPort: 9000')),
    ('kserve-runtime', 'an option mlclf-serve does not have',
     edit_text(KS_RT, '--http_port=8080\n', '--http_port=8080\n'
               '        - --nthread=1\n')),
    ('kserve-runtime', 'a read-only root without the work volume',
     edit_text(KS_RT, 'mountPath: /opt/mlclf/var/kserve',
               'mountPath: /opt/mlclf/var/tmp')),
    ('kserve-runtime', 'an InferenceService of a format it lacks',
     edit_text(KS_ISVC, 'name: xgboost', 'name: onnx')),
    ('kserve-runtime', 'mlclf models not selected automatically',
     edit_text(KS_RT, '      autoSelect: true\n      priority: 1\n', '')),
    ('kserve-serve', 'args mlclf-serve refuses',
     edit_text(KS_RT, '--http_port=8080\n', '--http_port=8080\n'
               '        - --workers=0\n')),
    ('render', 'a resource that does not exist',
     edit_text(KUST, '  - pdb.yaml\n', '  - pdb.yaml\n  - gone.yaml\n')),
    ('render', 'a kustomize field the renderer does not know',
     edit_text(KUST, 'resources:\n', 'namePrefix: x-\nresources:\n')),
    ('schema', 'a misspelt field (replica)',
     edit_yaml(CANARY, lambda d: d['spec'].update(replica=1))),
    ('schema', 'a port that is not a number',
     edit_yaml(DEP, lambda d: tmpl(d)['containers'][0]['ports'][0].update(
         containerPort='eighty'))),
    ('schema', 'a Service port without its required port',
     edit_yaml('base/service.yaml',
               lambda d: d['spec']['ports'][0].pop('port'))),
    ('schema', 'a misspelt ServiceMonitor field',
     edit_text('components/servicemonitor/servicemonitor.yaml',
               'path: /metrics', 'paths: /metrics')),
    ('optional-crds', 'the ServiceMonitor enabled in production',
     edit_text('kustomization.yaml', '# components:\n#   - components/',
               'components:\n  - components/')),
    ('image', 'a placeholder image name',
     edit_text(KUST, 'newName: mlclf', 'newName: ghcr.io/OWNER/mlclf')),
    ('image', 'a container with another image',
     edit_text(DEP, '          image: mlclf\n          imagePullPolicy: '
               'IfNotPresent\n          command: ["nginx"',
               '          image: nginx:1.25\n          imagePullPolicy: '
               'IfNotPresent\n          command: ["nginx"')),
    ('wiring', 'a selector that misses its pods',
     edit_yaml(DEP, lambda d: d['spec']['template']['metadata']['labels']
               .update(track='stabel'))),
    ('wiring', 'a Service targetPort no container has',
     edit_yaml('base/service.yaml',
               lambda d: d['spec']['ports'][0].update(targetPort='web'))),
    ('wiring', 'a mount of a volume that does not exist',
     edit_yaml(DEP, lambda d: tmpl(d)['containers'][0]['volumeMounts']
               .append({'name': 'cache', 'mountPath': '/cache'}))),
    ('wiring', 'replicas beside the HPA',
     edit_yaml(DEP, lambda d: d['spec'].update(replicas=3))),
    ('wiring', 'a ServiceMonitor port the Service does not have',
     edit_text('components/servicemonitor/servicemonitor.yaml',
               'port: http', 'port: metrics')),
    ('pod-layout', 'a probe on a path NGINX does not serve',
     edit_yaml(DEP, lambda d: tmpl(d)['containers'][0]['readinessProbe']
               ['httpGet'].update(path='/healthz'))),
    ('pod-layout', 'nginx.conf serving the image\'s sample registry',
     edit_text('base/nginx.conf', '../var/model/iris', '../var/registry/'
               'iris')),
    ('pod-layout', 'an environment variable the script reads, unset',
     edit_yaml(DEP, lambda d: drop_env(d, 'REGISTRY_DIR'))),
    ('pod-layout', 'STORE_DIR not where the store is mounted',
     edit_yaml(DEP, lambda d: init_env(d, 'STORE_DIR', '/data'))),
    ('pod-layout', 'NGINX without its model volume',
     edit_yaml(DEP, lambda d: drop_mount(d, 'containers', 'model'))),
    ('rollout', 'ConfigMaps without the hash in their names',
     edit_text(KUST, 'configMapGenerator:', 'generatorOptions:\n'
               '  disableNameSuffixHash: true\nconfigMapGenerator:')),
    ('docs', 'a Deployment at 0 whose start the docs do not give',
     edit_text(CANARY, 'name: mlclf-canary', 'name: mlclf-candidate')),
    ('init', 'a script that copies the whole version',
     edit_text(SCRIPT, 'cp "$src/versions/$v/model.mlclf" '
               '"$src/versions/$v/meta.json" \\\n',
               'cp -R "$src/versions/$v/." \\\n')),
    ('init', 'a script that lets a pod start without a model',
     edit_text(SCRIPT, 'src=$STORE_DIR/$MODEL\n',
               'src=$STORE_DIR/$MODEL\n[ -d "$src/versions" ] || exit 0\n')),
    ('init', 'refusals without a message',
     edit_text(SCRIPT, '    echo "$me: $*" >&2\n', '')),
    ('init', 'the canary shipped running a version the store lacks',
     edit_yaml(CANARY, lambda d: (d['spec'].update(replicas=1),
                                  init_env(d, 'MODEL_VERSION', 'v2')))),
    ('nginx-t', 'an nginx.conf that does not parse',
     edit_text('base/nginx.conf', 'worker_processes  2;',
               'worker_processes  2')),
    ('readiness', 'NGINX serving the image\'s sample',
     edit_text('base/nginx.conf', '../var/model/iris', '../var/registry/'
               'iris')),
    ('readiness', 'NGINX without its model volume',
     edit_yaml(DEP, lambda d: drop_mount(d, 'containers', 'model'))),
]


def self_test(ctx, rep):
    for i, (check, what, mutate) in enumerate(CASES):
        tmp = os.path.join(ctx.tmp, 'self-test', str(i))
        k8s = os.path.join(tmp, 'conf', 'k8s')
        shutil.copytree(ctx.k8s, k8s, symlinks=True)
        try:
            mutate(k8s)
        except RenderError as e:
            rep.bad('self-test', str(e))
            continue
        sub = Ctx(k8s, tmp, dict(ctx.args, out=None, kubectl=(
            ctx.kubectl if check == 'render' else None)))
        r = Report(quiet=True)
        run_checks(sub, r, only={check})
        hits = [m for c, m in r.failed if c == check]
        if hits:
            rep.ok('self-test', '%s fails on %s: %s'
                   % (check, what, hits[0].split('\n')[0][:160]))
        else:
            rep.bad('self-test', '%s did not fail on %s (failures: %s)'
                    % (check, what, r.failed or 'none'))


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--build', default='build')
    ap.add_argument('--port', type=int, default=18091)
    a = ap.parse_args()
    build = os.path.join(ROOT, a.build)
    args = {'bindir': os.path.join(build, 'bin'),
            'module': os.path.join(build, 'modules',
                                   'ngx_http_mlclf_module.so'),
            'port': a.port,
            'kubectl': os.environ.get('KUBECTL', shutil.which('kubectl')),
            'out': os.path.join(build, 'k8s')}
    rep = Report()
    if not args['kubectl']:
        print('%s: kubectl is not installed: the renders are this '
              'script\'s own, not compared with kubectl kustomize'
              % ME)
    tmp = tempfile.mkdtemp(prefix='mlclf-k8s.')
    try:
        args['facts'] = dockerfile_facts()
        os.makedirs(args['out'], exist_ok=True)
        model = 'iris'
        args['stores'] = Stores(tmp, args['bindir'], model, args['facts'])
        ctx = Ctx(os.path.join(ROOT, 'conf', 'k8s'), tmp, args)
        run_checks(ctx, rep)
        self_test(ctx, rep)
    except RenderError as e:
        rep.bad('setup', str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('%s: rendered manifests in %s' % (ME, args['out']))
    print('%s: %d passed, %d failed' % (ME, rep.passed, len(rep.failed)))
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
