#!/bin/sh
# make check-prometheus: the Prometheus kit of conf/prometheus/
# (docs/observability.md).  t/010-metrics-rules.t: promtool check config
# and check rules, promtool test rules for the alerts and the recording
# rules, the series every rule and dashboard query names, the job
# filter of every panel.  t/010-metrics-prometheus.t: a real Prometheus
# runs the kit against NGINX with the module and every panel, recording
# rule and alert is checked on what it scraped.  Installs Debian's
# prometheus package (promtool, prometheus) when it is missing, and
# fails, never skips, when it still is.  Needs `make bins module`
# (the Makefile target builds them first).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/install-deps.sh prometheus

for bin in /usr/bin/promtool /usr/bin/prometheus; do
    if [ ! -x "$bin" ]; then
        echo "check-prometheus: $bin not found after installing the" \
             "Debian package prometheus" >&2
        exit 1
    fi
done

module=$root/build/modules/ngx_http_mlclf_module.so
if [ ! -f "$module" ] || [ ! -x "$root/build/bin/mlclf-train" ]; then
    echo "check-prometheus: $module or build/bin missing:" \
         "run make check-prometheus (it builds them) or make bins module" >&2
    exit 1
fi

export LC_ALL=C
export TEST_NGINX_BINARY="${TEST_NGINX_BINARY:-/usr/sbin/nginx}"
export TEST_NGINX_LOAD_MODULES="$module"
export MLCLF_BIN="$root/build/bin"

exec prove -I t/lib t/010-metrics-rules.t t/010-metrics-prometheus.t
