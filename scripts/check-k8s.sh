#!/bin/sh
# make check-k8s: renders conf/k8s (production, the sample demo, and the
# ServiceMonitor component) as kustomize does and compares the result
# with `kubectl kustomize` where kubectl is installed; validates every
# object against the Kubernetes OpenAPI models of python3-kubernetes and
# the wiring between them; runs the init script fetch-model.sh and NGINX
# as the pods do, against scratch registry stores (empty, first model,
# two versions, another model, a damaged model, the image's sample), with
# the Deployments' own environment; then breaks a copy of the manifests
# once per check to see each check fail.  docs/kubernetes.md says what
# is and is not validated.
#
# Needs: python3-yaml, python3-kubernetes, nginx, and `make bins module`
# (the Makefile's check-k8s target builds them).  Fails, never skips,
# when any is missing.  K8S_CHECK_PORT (default 18091): where the pods'
# NGINX listens on 127.0.0.1 while it is probed.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

B=${B:-build}
missing=

[ -x /usr/bin/python3 ] || missing="$missing python3"
/usr/bin/python3 -c 'import yaml' 2>/dev/null \
    || missing="$missing python3-yaml"
/usr/bin/python3 -c 'import kubernetes.client' 2>/dev/null \
    || missing="$missing python3-kubernetes"
[ -x /usr/sbin/nginx ] || missing="$missing nginx"

if [ -n "$missing" ]; then
    echo "check-k8s: FAIL: missing packages:$missing" \
         "(apt-get install$missing)" >&2
    exit 1
fi

for f in "$B/bin/mlclf-train" "$B/bin/mlclf-registry" \
         "$B/modules/ngx_http_mlclf_module.so"; do
    if [ ! -f "$f" ]; then
        echo "check-k8s: FAIL: $f is missing: run make check-k8s" \
             "(it builds bins and module first)" >&2
        exit 1
    fi
done

exec /usr/bin/python3 scripts/check-k8s.py --build "$B" \
    --port "${K8S_CHECK_PORT:-18091}"
