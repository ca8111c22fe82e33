#!/bin/sh
# make check-workflows: the GitHub workflows in .github/workflows/ are
# what docs/checks.md (What CI runs) says they are.
#
# - every file parses and has the structure GitHub expects (name, on,
#   jobs, runs-on, steps, needs naming jobs), and every `make TARGET` it
#   runs is a target of the Makefile;
# - every action is pinned by a full commit SHA with its tag in a
#   trailing comment (`uses: owner/repo@<40 hex> # vX.Y.Z`), and one
#   action has one SHA and one tag across the files;
# - every job that installs packages keeps what apt downloads (removes
#   the image's docker-clean hook) before its first apt-get, and
#   restores an actions/cache of /var/cache/apt/archives, keyed on the
#   package lists, before its first install-deps.sh or make;
# - release: the script of the step with id "version" is run on sample
#   tags: vX.Y.Z is final (tags X.Y.Z, X.Y, latest), vX.Y.Z-SUFFIX is a
#   pre-release (its own tag only, never latest; Debian version with ~),
#   anything else fails; the image is pushed with those tags only, no
#   other step names latest, and the GitHub release of a pre-release is
#   marked as one;
# - model: the paths that trigger a retraining (push and pull_request,
#   the same list) match the data, every training configuration
#   conf/*.yaml and the trainer's sources, and none of conf/k8s/,
#   conf/prometheus/, conf/nginx.conf, the docs, the tests or the NGINX
#   module.
#
# Then a self-test: broken copies of the files (a tag pin, a pin
# without its tag, a second SHA, no apt cache, the docker-clean hook
# kept, latest on a pre-release, a pre-release taken as final, a
# malformed tag accepted, the push's tags replaced, conf/** as a
# trigger, the trainer's sources dropped, different push and
# pull_request lists, an unknown make target) must each fail with the
# expected message.
#
# Needs python3-yaml, bash and git (scripts/install-deps.sh installs
# them); fails if one is missing.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
    echo "check-workflows: python3-yaml is missing (apt-get install" \
         "python3-yaml, or scripts/install-deps.sh)" >&2
    exit 1
fi
for t in bash git make; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "check-workflows: $t not found" >&2
        exit 1
    fi
done
if ! files=$(git ls-files -co --exclude-standard); then
    echo "check-workflows: git ls-files failed (a git work tree?)" >&2
    exit 1
fi

targets=$(make -pRrq -f Makefile : 2>/dev/null \
          | awk -F: '/^[a-zA-Z0-9][a-zA-Z0-9_.-]*:/ { print $1 }' \
          | sort -u | tr '\n' ' ')
if [ -z "$targets" ]; then
    echo "check-workflows: no Makefile targets found (make -p)" >&2
    exit 1
fi

set -- .github/workflows/*.yml
if [ ! -f "$1" ]; then
    echo "check-workflows: no .github/workflows/*.yml" >&2
    exit 1
fi

printf '%s\n' "$files" >"${TMPDIR:-/tmp}/check-workflows.$$"
trap 'rm -f "${TMPDIR:-/tmp}/check-workflows.$$"' EXIT

/usr/bin/python3 - "$targets" "${TMPDIR:-/tmp}/check-workflows.$$" "$@" \
    <<'PY'
import os
import re
import subprocess
import sys
import tempfile

import yaml

TARGETS = set(sys.argv[1].split())
with open(sys.argv[2]) as f:
    TREE = [line.strip() for line in f if line.strip()]
PATHS = sys.argv[3:]

SHA_PIN = re.compile(r'^\s*-?\s*uses:\s*(?P<action>[^@\s#]+)@(?P<ref>\S+)'
                     r'(?:\s+#\s*(?P<tag>\S+))?.*$')
TAG = re.compile(r'^v\d+(\.\d+){0,2}$')
# `make ...` where a command starts: line start, after && || ; ( or env
# assignments; the words up to the next shell operator.
MAKE = re.compile(r'(?:^|&&|\|\||;|\()\s*(?:[A-Z_]+=\S*\s+)*make\s+'
                  r'([^;&|)#]*)')
INSTALLS = re.compile(r'apt-get\s+install|install-deps\.sh|(?:^|[;&|(]\s*)'
                      r'make\b', re.M)
BIG_INSTALLS = re.compile(r'install-deps\.sh|(?:^|[;&|(]\s*)make\b', re.M)
APT_CACHE = '/var/cache/apt/archives'
DOCKER_CLEAN = re.compile(r'rm\s+-f\s+/etc/apt/apt\.conf\.d/docker-clean')


def steps_of(job):
    steps = job.get('steps')
    return steps if isinstance(steps, list) else []


def check_structure(path, doc, bad):
    # YAML 1.1 reads the key "on" as true
    if 'on' not in doc and True not in doc:
        bad(path, 'no "on" trigger')
    if not doc.get('name'):
        bad(path, 'no name')
    jobs = doc.get('jobs')
    if not isinstance(jobs, dict) or not jobs:
        bad(path, 'no jobs')
        return {}
    for jid, job in jobs.items():
        where = '%s: job %s' % (path, jid)
        if 'runs-on' not in job:
            bad(where, 'no runs-on')
        needs = job.get('needs', [])
        for need in [needs] if isinstance(needs, str) else needs:
            if need not in jobs:
                bad(where, 'needs unknown job %s' % need)
        if not steps_of(job):
            bad(where, 'no steps')
        for i, step in enumerate(steps_of(job)):
            if 'uses' not in step and 'run' not in step:
                bad(where, 'step %d has neither uses nor run' % (i + 1))
            for line in str(step.get('run', '')).splitlines():
                for m in MAKE.finditer(line):
                    for word in m.group(1).split():
                        if word.startswith('-') or '=' in word:
                            continue
                        if word not in TARGETS:
                            bad(where, 'make %s: no such Makefile target'
                                % word)
    return jobs


def check_pins(path, text, doc_uses, bad, pins):
    n = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        m = SHA_PIN.match(line)
        if not m:
            continue
        n += 1
        where = '%s:%d' % (path, lineno)
        action, ref, tag = m.group('action', 'ref', 'tag')
        if action.startswith('./'):
            continue
        if not re.match(r'^[0-9a-f]{40}$', ref):
            bad(where, '%s@%s is not pinned to a commit SHA (40 hex '
                'digits, the tag in a comment)' % (action, ref))
            continue
        if not tag or not TAG.match(tag):
            bad(where, '%s@%s has no tag comment ("# vX.Y.Z")'
                % (action, ref))
            continue
        pins.setdefault(action, {}).setdefault((ref, tag), []).append(where)
    if n != doc_uses:
        bad(path, '%d "uses:" lines for %d actions: write each as '
            '"uses: owner/repo@SHA # vX.Y.Z" on its own line'
            % (n, doc_uses))


def check_apt_cache(path, jobs, bad):
    for jid, job in jobs.items():
        where = '%s: job %s' % (path, jid)
        steps = steps_of(job)
        runs = [str(s.get('run', '')) for s in steps]
        first_apt = next((i for i, r in enumerate(runs)
                          if INSTALLS.search(r)), None)
        if first_apt is None:
            continue
        # the hook goes before the first apt-get install of the job
        clean = next((i for i, r in enumerate(runs)
                      if DOCKER_CLEAN.search(r)), None)
        if clean is None or clean > first_apt or (
                clean == first_apt and 'apt-get' in runs[clean]
                and DOCKER_CLEAN.search(runs[clean]).start()
                > runs[clean].index('apt-get')):
            bad(where, 'installs packages without first removing '
                '/etc/apt/apt.conf.d/docker-clean (apt would delete what '
                'the cache keeps)')
        cache = None
        for i, s in enumerate(steps):
            if str(s.get('uses', '')).startswith('actions/cache@') \
                    and APT_CACHE in str(s.get('with', {}).get('path', '')):
                cache = i
                break
        big = next((i for i, r in enumerate(runs)
                    if BIG_INSTALLS.search(r)), None)
        if cache is None:
            bad(where, 'installs packages with no actions/cache of %s'
                % APT_CACHE)
            continue
        if big is not None and cache > big:
            bad(where, 'the cache of %s is restored after step %d, which '
                'installs packages' % (APT_CACHE, big + 1))
        key = str(steps[cache].get('with', {}).get('key', ''))
        if 'hashFiles(' not in key or 'install-deps.sh' not in key:
            bad(where, 'the apt cache key does not hash the package lists '
                '(install-deps.sh)')


def version_step(jobs):
    for jid, job in jobs.items():
        for s in steps_of(job):
            if s.get('id') == 'version' and 'run' in s:
                return jid, s
    return None, None


VERSION_RUNS = {}


def run_version(script, tag):
    if (script, tag) not in VERSION_RUNS:
        VERSION_RUNS[script, tag] = run_version_now(script, tag)
    return VERSION_RUNS[script, tag]


def run_version_now(script, tag):
    with tempfile.NamedTemporaryFile('r') as out:
        env = dict(os.environ, GITHUB_REF_NAME=tag,
                   GITHUB_REPOSITORY='Some-Owner/Mlclf',
                   GITHUB_OUTPUT=out.name)
        r = subprocess.run(['bash', '-eo', 'pipefail', '-c', script],
                           env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        outputs = dict(line.rstrip('\n').split('=', 1)
                       for line in out if '=' in line)
    return r.returncode, outputs


def check_release(path, jobs, bad):
    jid, step = version_step(jobs)
    if step is None:
        bad(path, 'a tag workflow without a step "id: version" that '
            'decides final or pre-release')
        return
    img = 'ghcr.io/some-owner/mlclf'
    final = {'v1.2.3': '1.2.3', 'v10.0.12': '10.0.12'}
    pre = {'v1.2.3-rc.1': '1.2.3~rc.1', 'v2.0.0-beta2': '2.0.0~beta2',
           'v1.0.0-alpha-1': '1.0.0~alpha~1'}
    for tag, deb in sorted(final.items()) + sorted(pre.items()):
        rc, o = run_version(step['run'], tag)
        ver = tag[1:]
        tags = set(o.get('tags', '').split(','))
        is_final = tag in final
        want = {'%s:%s' % (img, ver)}
        if is_final:
            want |= {'%s:%s' % (img, ver.rsplit('.', 1)[0]),
                     '%s:latest' % img}
        where = '%s: job %s, tag %s' % (path, jid, tag)
        if rc != 0:
            bad(where, 'the version step failed (exit %d)' % rc)
            continue
        if o.get('final') != ('true' if is_final else 'false'):
            bad(where, 'final=%s' % o.get('final'))
        if tags != want:
            bad(where, 'image tags %s, want %s'
                % (','.join(sorted(tags)), ','.join(sorted(want))))
        if o.get('version') != ver or o.get('deb_version') != deb:
            bad(where, 'version %s, Debian version %s, want %s and %s'
                % (o.get('version'), o.get('deb_version'), ver, deb))
    for tag in ('v1.2', 'vnext', 'v1.2.3.4', 'v1.2.3-', 'v1.2.3+build'):
        rc, o = run_version(step['run'], tag)
        if rc == 0:
            bad('%s: job %s, tag %s' % (path, jid, tag),
                'a malformed tag passes the version step')
    want_tags = '${{ needs.%s.outputs.tags }}' % jid
    pushes = 0
    for oid, job in jobs.items():
        for s in steps_of(job):
            uses = str(s.get('uses', ''))
            where = '%s: job %s' % (path, oid)
            if s is not step and 'latest' in yaml.safe_dump(s.get('with')):
                bad(where, '%s names "latest": only the version step '
                    'decides it' % (uses or 'a step'))
            if uses.startswith('docker/build-push-action@'):
                pushes += 1
                needs = job.get('needs', [])
                needs = [needs] if isinstance(needs, str) else needs
                if str(s.get('with', {}).get('tags', '')).strip() \
                        != want_tags or jid not in needs:
                    bad(where, 'build-push-action tags are not %s'
                        % want_tags)
            run = str(s.get('run', ''))
            if 'gh release create' in run and (
                    '--prerelease' not in run
                    or 'outputs.final' not in yaml.safe_dump(s.get('env'))):
                bad(where, 'gh release create does not mark a '
                    'pre-release as one (--prerelease unless final)')
    if pushes == 0:
        bad(path, 'no docker/build-push-action step')


def glob_re(pattern):
    out = ''
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith('**', i):
            out += '.*'
            i += 2
            continue
        out += {'*': '[^/]*', '?': '[^/]'}.get(c, re.escape(c))
        i += 1
    return re.compile(out + r'\Z')


def triggers(patterns, path):
    hit = False
    for p in patterns:
        neg = p.startswith('!')
        if glob_re(p[1:] if neg else p).match(path):
            hit = not neg
    return hit


def check_model(path, doc, bad):
    on = doc.get('on', doc.get(True, {}))
    lists = {}
    for event in ('push', 'pull_request'):
        ev = on.get(event) if isinstance(on, dict) else None
        if not isinstance(ev, dict) or not ev.get('paths'):
            bad(path, 'on.%s has no paths: every change would retrain'
                % event)
            return
        if 'paths-ignore' in ev:
            bad(path, 'on.%s: paths-ignore beside paths' % event)
        lists[event] = ev['paths']
    if lists['push'] != lists['pull_request']:
        bad(path, 'on.push.paths and on.pull_request.paths differ')
    pats = lists['push']
    configs = []
    for f in TREE:
        if re.match(r'^conf/[^/]+\.yaml$', f) and os.path.exists(f):
            with open(f) as fh:
                if re.search(r'^model:', fh.read(), re.M):
                    configs.append(f)
    must = (configs + [f for f in TREE if re.match(
        r'^(data|trainer|registry|common|libmlclf)/', f)]
        + ['trainer/mlclf_train_new.c', 'conf/new-model.yaml',
           'data/raw/new.csv', 'scripts/train-models.sh', 'Makefile'])
    if not configs:
        bad(path, 'no training configuration conf/*.yaml in the tree')
    for f in must:
        if not triggers(pats, f):
            bad(path, '%s does not trigger a retraining' % f)
    never = ([f for f in TREE if re.match(
        r'^(conf/(k8s|prometheus)/|conf/nginx\.conf$|docs/|t/|tests/|'
        r'ngx_http_mlclf_module/|debian/|bench/|README)', f)]
        + ['conf/k8s/deployment.yaml', 'conf/k8s/components/x.yaml',
           'conf/prometheus/mlclf-alerts.rules.yml', 'conf/nginx.conf',
           'README.md', 'docs/checks.md'])
    for f in never:
        if triggers(pats, f):
            bad(path, '%s triggers a retraining: it trains nothing' % f)


def check(texts):
    """The failures of the workflow files texts ({path: text})."""
    fails = []

    def bad(where, msg):
        fails.append('%s: %s' % (where, msg))

    pins = {}
    for path in sorted(texts):
        try:
            doc = yaml.safe_load(texts[path])
        except yaml.YAMLError as e:
            bad(path, 'not YAML: %s' % e)
            continue
        if not isinstance(doc, dict):
            bad(path, 'not a mapping')
            continue
        jobs = check_structure(path, doc, bad)
        n_uses = sum(1 for j in jobs.values() for s in steps_of(j)
                     if 'uses' in s)
        check_pins(path, texts[path], n_uses, bad, pins)
        check_apt_cache(path, jobs, bad)
        on = doc.get('on', doc.get(True, {}))
        if isinstance(on, dict) and isinstance(on.get('push'), dict) \
                and on['push'].get('tags'):
            check_release(path, jobs, bad)
        if os.path.basename(path) == 'model.yml':
            check_model(path, doc, bad)
    for action, refs in sorted(pins.items()):
        if len(refs) > 1:
            bad(action, 'pinned %d ways: %s' % (len(refs), '; '.join(
                '%s # %s at %s' % (r, t, ', '.join(w))
                for (r, t), w in sorted(refs.items()))))
    return fails, pins


# Broken copies for the self-test: (file, old, new, count, expected
# failure).  count: how many occurrences to replace (0: all).
CHECKOUT = ('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683'
            ' # v4.2.2')
BROKEN = [
    ('ci.yml', CHECKOUT, 'actions/checkout@v4.2.2', 1,
     'is not pinned to a commit SHA'),
    ('ci.yml', CHECKOUT, CHECKOUT.split(' ')[0], 1, 'has no tag comment'),
    ('ci.yml', CHECKOUT, 'actions/checkout@'
     '0123456789abcdef0123456789abcdef01234567 # v4.2.2', 1,
     'actions/checkout: pinned 2 ways'),
    ('ci.yml', 'path: /var/cache/apt/archives/*.deb', 'path: /tmp/x', 1,
     'no actions/cache of /var/cache/apt/archives'),
    ('ci.yml', 'rm -f /etc/apt/apt.conf.d/docker-clean', 'true', 1,
     'without first removing /etc/apt/apt.conf.d/docker-clean'),
    ('ci.yml', 'run: make lint\n', 'run: make lint-all\n', 1,
     'make lint-all: no such Makefile target'),
    ('release.yml', '            final=false\n',
     '            final=false\n            tags=$tags,$image:latest\n', 1,
     'tag v1.2.3-rc.1: image tags'),
    ('release.yml', '          *-*)\n', '          *-never-*)\n', 1,
     'tag v1.2.3-rc.1: final=true'),
    ('release.yml', "grep -Eqx '", "grep -Eq '", 1,
     'tag v1.2.3.4: a malformed tag passes'),
    ('release.yml', 'tags: ${{ needs.version.outputs.tags }}',
     'tags: ghcr.io/o/mlclf:latest', 1, 'names "latest"'),
    ('release.yml', '[ "$FINAL" = true ] || set -- --prerelease', ':', 1,
     'does not mark a pre-release'),
    ('model.yml', '"conf/*.yaml"', '"conf/**"', 0,
     'conf/k8s/deployment.yaml triggers a retraining'),
    ('model.yml', '      - "trainer/**"\n', '', 0,
     'trainer/mlclf_train_new.c does not trigger'),
    ('model.yml', '      - "trainer/**"\n', '', 1,
     'on.push.paths and on.pull_request.paths differ'),
]


def self_test(texts):
    by_name = {os.path.basename(p): p for p in texts}
    fails = []
    for name, old, new, count, want in BROKEN:
        path = by_name.get(name)
        label = '%s: %r -> %r' % (name, old.strip(), new.strip())
        if path is None or old not in texts[path]:
            fails.append('self-test: %s: the text to break is gone '
                         '(update BROKEN)' % label)
            continue
        copy = dict(texts)
        copy[path] = texts[path].replace(old, new, count or -1)
        got, _ = check(copy)
        if not any(want in g for g in got):
            fails.append('self-test: the broken copy %s passed, or failed '
                         'otherwise than "%s": %s'
                         % (label, want, '; '.join(got) or 'no failure'))
    return fails


texts = {}
for p in PATHS:
    with open(p) as f:
        texts[p] = f.read()

fails, pins = check(texts)
for f in fails:
    print('check-workflows: %s' % f)
if not fails:
    for p in PATHS:
        print('check-workflows: %s: ok' % p)
    print('check-workflows: %d actions pinned by SHA: %s' % (
        len(pins), ', '.join('%s %s' % (a, t) for a, refs in
                             sorted(pins.items()) for (r, t) in refs)))
st = self_test(texts)
for f in st:
    print('check-workflows: %s' % f)
if not st:
    print('check-workflows: self-test: %d broken copies, each fails as '
          'it should' % len(BROKEN))
sys.exit(1 if fails or st else 0)
PY
