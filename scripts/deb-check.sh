#!/bin/sh
# make deb-check: installs the packages of `make deb` with dpkg -i on
# this machine and has the stock NGINX serve /predict through
# /etc/nginx/modules-enabled, then removes them again (dpkg --purge) and
# checks that /etc/nginx is as it was.
#
# The stock binary (/usr/sbin/nginx) runs the stock /etc/nginx/nginx.conf
# (which includes modules-enabled/*.conf) for `nginx -t`, and for serving
# a copy of it whose http block includes only the packaged example
# site (/usr/share/doc/libnginx-mod-http-mlclf/examples/mlclf.conf) on
# 127.0.0.1:$MLCLF_PORT (make deb-check PORT=N; default 18090), so that
# neither port 80 nor /run/nginx.pid of a running system NGINX are
# touched.  The model is trained with the installed mlclf-train into a
# temporary registry.  The CLIs' --version and man pages are checked, a
# LightGBM fixture of the tree is published with the installed
# mlclf-import and verified, and the installed mlclf-sklearn-export runs.
#
# Needs root; installs the tools it uses (iproute2, curl, python3) if
# missing.  Refuses to run if either package is already installed.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

B=${B:-build}
PORT=${MLCLF_PORT:-18090}
fails=0
installed=

say() { printf '%s\n' "deb-check: $*"; }
bad() { say "FAIL: $*"; fails=$((fails + 1)); }

if [ "$(id -u)" -ne 0 ]; then
    say "needs root (dpkg -i)" >&2
    exit 1
fi

# ss: without it the port check would pass unchecked; python3: the
# exporter's check.
scripts/install-deps.sh iproute2 curl python3 || exit 1
for t in ss curl /usr/bin/python3; do
    if ! command -v "$t" >/dev/null 2>&1; then
        say "$t not found after scripts/install-deps.sh" >&2
        exit 1
    fi
done

tmp=$(mktemp -d /tmp/mlclf-deb-check.XXXXXX)
chmod 755 "$tmp"

mod_deb=$(ls "$B"/deb/libnginx-mod-http-mlclf_*.deb 2>/dev/null | head -n 1)
tools_deb=$(ls "$B"/deb/mlclf-tools_*.deb 2>/dev/null | head -n 1)
if [ -z "$mod_deb" ] || [ -z "$tools_deb" ]; then
    say "no packages in $B/deb: run make deb" >&2
    exit 1
fi

for p in libnginx-mod-http-mlclf mlclf-tools; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
       | grep -q 'install ok installed'
    then
        say "$p is already installed; remove it first" >&2
        exit 1
    fi
done

state() {
    (cd /etc/nginx && find . -print0 | sort -z | xargs -0 ls -ld \
        --time-style=+ 2>/dev/null)
}
state > "$tmp/etc-before"

cleanup() {
    if [ -f "$tmp/nginx.pid" ]; then
        /usr/sbin/nginx -c "$tmp/nginx.conf" -s stop 2>/dev/null
        sleep 0.5
    fi
    if [ -n "$installed" ]; then
        dpkg --purge libnginx-mod-http-mlclf mlclf-tools \
            >"$tmp/purge.log" 2>&1 || cat "$tmp/purge.log"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

say "dpkg -i $mod_deb $tools_deb"
installed=1
if ! dpkg -i "$mod_deb" "$tools_deb" >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    bad "dpkg -i"
    exit 1
fi

link=/etc/nginx/modules-enabled/50-mod-http-mlclf.conf
if [ "$(readlink "$link")" = \
     /usr/share/nginx/modules-available/mod-http-mlclf.conf ]
then
    say "$link -> $(cat "$link")"
else
    bad "$link is not the enabled module"
fi
for f in /usr/lib/nginx/modules/ngx_http_mlclf_module.so \
         /usr/bin/mlclf-train /usr/bin/mlclf-registry /usr/bin/mlclf-import
do
    [ -f "$f" ] || bad "$f not installed"
done
[ -x /usr/bin/mlclf-sklearn-export ] \
    || bad "/usr/bin/mlclf-sklearn-export not installed (executable)"
for c in mlclf-train mlclf-registry mlclf-import; do
    v=$("$c" --version 2>&1)
    case $v in
    "$c "*"(model format "*")") say "$v" ;;
    *) bad "$c --version: $v" ;;
    esac
done
for m in mlclf-train mlclf-registry mlclf-import; do
    if man -w "$m" >/dev/null 2>&1 \
       || [ -f "/usr/share/man/man1/$m.1.gz" ]
    then
        :
    else
        bad "no man page $m(1)"
    fi
done

# The stock configuration loads the module through modules-enabled.
if /usr/sbin/nginx -t -q 2>"$tmp/t.log"; then
    say "stock /etc/nginx/nginx.conf with the module: nginx -t ok"
else
    cat "$tmp/t.log"
    bad "nginx -t of the stock configuration"
fi

# A model, trained with the installed tools.
(
    cd "$tmp" \
    && mkdir -p data/raw \
    && cp /usr/share/doc/mlclf-tools/examples/iris.yaml . \
    && { zcat -f /usr/share/doc/mlclf-tools/examples/iris.csv* \
         > data/raw/iris.csv; } \
    && mlclf-train --config iris.yaml --registry "$tmp/registry" \
           --promote --quiet \
    && mlclf-registry --registry "$tmp/registry" verify iris >/dev/null
) || bad "mlclf-train / mlclf-registry from the package"

# A LightGBM model from the tree's fixtures, published with the installed
# importer into a temporary registry, which the installed registry CLI
# verifies; and the installed exporter runs (python3 is not a dependency
# of mlclf-tools, but this check installs it above).
(
    mlclf-import --registry "$tmp/imported" --name lgbm --promote \
        tests/fixtures/lightgbm/binary-v4.txt >/dev/null \
    && mlclf-registry --registry "$tmp/imported" verify lgbm >/dev/null \
    && mlclf-registry --registry "$tmp/imported" --json show lgbm \
       | grep -q '"kind":[[:space:]]*"gbt"'
) && say "mlclf-import binary-v4.txt, mlclf-registry verify: ok" \
  || bad "mlclf-import / mlclf-registry verify of an imported model"
mlclf-sklearn-export --help >/dev/null 2>&1 \
    || bad "mlclf-sklearn-export --help"

# The stock nginx.conf, with its http includes replaced by the packaged
# example site (registry path and port adapted) and private pid/logs.
ex=/usr/share/doc/libnginx-mod-http-mlclf/examples/mlclf.conf
sed -e "s|/var/lib/mlclf/iris|$tmp/registry/iris|" \
    -e "s|listen  127.0.0.1:8080;|listen  127.0.0.1:$PORT;|" \
    "$ex" > "$tmp/mlclf-site.conf"
sed -e "s|^pid .*|pid $tmp/nginx.pid;|" \
    -e "s|^error_log .*|error_log $tmp/error.log notice;|" \
    -e "s|^\([[:space:]]*access_log\) .*|\1 $tmp/access.log;|" \
    -e "s|^\([[:space:]]*include /etc/nginx/conf.d/\*.conf;\)|\1\n\tinclude $tmp/mlclf-site.conf;|" \
    -e "s|^\([[:space:]]*include /etc/nginx/\(conf.d\|sites-enabled\)/\*.*\)|#\1|" \
    /etc/nginx/nginx.conf > "$tmp/nginx.conf"
grep -q 'include /etc/nginx/modules-enabled/\*.conf;' "$tmp/nginx.conf" \
    || bad "the stock nginx.conf does not include modules-enabled"

if ! listening=$(ss -ltnH "sport = :$PORT"); then
    bad "ss -ltnH failed: the port cannot be checked"
elif [ -n "$listening" ]; then
    bad "port $PORT in use (make deb-check PORT=N)"
elif /usr/sbin/nginx -c "$tmp/nginx.conf" 2>"$tmp/start.log"; then
    i=0
    until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null
    do
        i=$((i + 1))
        [ $i -lt 100 ] || break
        sleep 0.1
    done
    r=$(curl -sS "http://127.0.0.1:$PORT/predict" \
        -H 'Content-Type: application/json' \
        -d '{"features": [5.1, 3.5, 1.4, 0.2]}')
    case $r in
    *'"prediction":"setosa"'*) say "stock nginx /predict: $r" ;;
    *) bad "/predict replied: $r"; cat "$tmp/error.log" ;;
    esac
    m=$(curl -fsS "http://127.0.0.1:$PORT/metrics")
    if printf '%s\n' "$m" | grep -q '^mlclf_requests_total{model="iris"'
    then
        say "stock nginx /metrics ok"
    else
        bad "/metrics"
    fi
    # promote + reload through the packaged CLI, against this master
    (cd "$tmp" && mlclf-train --config iris.yaml \
        --registry "$tmp/registry" --quiet) \
    && mlclf-registry --registry "$tmp/registry" promote iris v2 \
        --reload="$tmp/nginx.pid" >/dev/null \
    || bad "promote --reload"
    i=0
    until curl -fsS "http://127.0.0.1:$PORT/health" 2>/dev/null \
          | grep -q '"version":"v2"'
    do
        i=$((i + 1))
        [ $i -lt 100 ] || { bad "v2 not served after reload"; break; }
        sleep 0.1
    done
    [ $i -lt 100 ] && say "promote v2 --reload: served"
    /usr/sbin/nginx -c "$tmp/nginx.conf" -s quit 2>/dev/null
    i=0
    while [ -f "$tmp/nginx.pid" ] && [ $i -lt 100 ]; do
        i=$((i + 1))
        sleep 0.1
    done
    if grep -E '\[(alert|emerg|crit)\]' "$tmp/error.log"; then
        bad "alerts in the error log"
    fi
else
    cat "$tmp/start.log"
    bad "the stock nginx did not start"
fi

# Remove, and check that /etc/nginx is as before.
if dpkg --purge libnginx-mod-http-mlclf mlclf-tools >"$tmp/purge.log" 2>&1
then
    installed=
    say "dpkg --purge: ok"
else
    cat "$tmp/purge.log"
    bad "dpkg --purge"
fi
state > "$tmp/etc-after"
if ! diff -u "$tmp/etc-before" "$tmp/etc-after"; then
    bad "/etc/nginx differs after the purge"
fi
[ -e /usr/lib/nginx/modules/ngx_http_mlclf_module.so ] \
    && bad "the module is still installed"

if [ $fails -ne 0 ]; then
    say "$fails failure(s)"
    exit 1
fi
say "ok"
