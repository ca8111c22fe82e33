#!/bin/sh
# make check-workflows: every .github/workflows/*.yml parses as YAML, has
# the structure GitHub expects (on, jobs, runs-on, steps), pins every
# action to a full version tag (vX.Y.Z) or a commit SHA, and every
# `make TARGET` it runs is a target of the Makefile.  Needs python3-yaml.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

targets=$(make -pRrq -f Makefile : 2>/dev/null \
          | awk -F: '/^[a-zA-Z0-9][a-zA-Z0-9_.-]*:/ { print $1 }' \
          | sort -u | tr '\n' ' ')

exec /usr/bin/python3 - "$targets" .github/workflows/*.yml <<'PY'
import re
import sys

import yaml

targets = set(sys.argv[1].split())
pin = re.compile(r'^[^@\s]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$')
# `make ...` where a command starts: line start, after && || ; ( or env
# assignments; the words up to the next shell operator.
make = re.compile(r'(?:^|&&|\|\||;|\()\s*(?:[A-Z_]+=\S*\s+)*make\s+'
                  r'([^;&|)]*)')
fails = 0


def bad(path, msg):
    global fails
    print('check-workflows: %s: %s' % (path, msg))
    fails += 1


for path in sys.argv[2:]:
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except yaml.YAMLError as e:
        bad(path, 'not YAML: %s' % e)
        continue
    if not isinstance(doc, dict):
        bad(path, 'not a mapping')
        continue
    # YAML 1.1 reads the key "on" as true
    if 'on' not in doc and True not in doc:
        bad(path, 'no "on" trigger')
    if not doc.get('name'):
        bad(path, 'no name')
    jobs = doc.get('jobs')
    if not isinstance(jobs, dict) or not jobs:
        bad(path, 'no jobs')
        continue
    n_uses = n_make = 0
    before = fails
    for jid, job in jobs.items():
        where = '%s: job %s' % (path, jid)
        if 'runs-on' not in job:
            bad(where, 'no runs-on')
        for need in job.get('needs', []) if isinstance(
                job.get('needs'), list) else [job.get('needs')] if \
                job.get('needs') else []:
            if need not in jobs:
                bad(where, 'needs unknown job %s' % need)
        steps = job.get('steps')
        if not isinstance(steps, list) or not steps:
            bad(where, 'no steps')
            continue
        for i, step in enumerate(steps):
            if 'uses' in step:
                n_uses += 1
                if not pin.match(step['uses']):
                    bad(where, 'step %d: %s is not pinned to vX.Y.Z or a '
                        'commit SHA' % (i + 1, step['uses']))
            elif 'run' not in step:
                bad(where, 'step %d has neither uses nor run' % (i + 1))
            for line in str(step.get('run', '')).splitlines():
                for m in make.finditer(line):
                    for word in m.group(1).split():
                        if word.startswith('-') or '=' in word:
                            continue
                        n_make += 1
                        if word not in targets:
                            bad(where, 'make %s: no such Makefile target'
                                % word)
    if fails == before:
        print('check-workflows: %s: ok (%d jobs, %d pinned actions, '
              '%d make targets)' % (path, len(jobs), n_uses, n_make))

sys.exit(1 if fails else 0)
PY
