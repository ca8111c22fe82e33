#!/bin/sh
# Runs inside the mlclf image (scripts/docker-check.sh copies it in and
# starts it with buildah run, as the image's user, host network).
# $MLCLF_PORT: where the smoke NGINX listens (the image listens on 8080;
# the host network is shared, so the test uses a copy of the config).
set -eu

say() { printf 'smoke: %s\n' "$*"; }
fail() { say "FAIL: $*"; [ -f var/log/smoke.log ] && tail -n 20 var/log/smoke.log; exit 1; }

cd /opt/mlclf
PORT=${MLCLF_PORT:-18080}
url=http://127.0.0.1:$PORT
json='Content-Type: application/json'

[ "$(id -u)" -ne 0 ] || fail "running as root"
say "user $(id -un) ($(id -u)), nginx $(nginx -v 2>&1 | sed 's|.*/||')"

# The image's own configuration.  NGINX's stdout goes to a file: the
# access log is /dev/stdout, which NGINX reopens, and buildah run's
# stdout is a pipe owned by root (runc hands it to the user in Docker).
nginx -p /opt/mlclf -c conf/nginx.conf -e stderr -t > var/log/nginx-t.out \
    || { cat var/log/nginx-t.out; fail "nginx -t"; }
mlclf-registry --registry var/registry verify iris >/dev/null \
    || fail "registry verify"

# The same configuration on $PORT, registry by absolute path.
sed -e "s|listen *8080;|listen  127.0.0.1:$PORT;|" \
    -e "s|^error_log .*|error_log  var/log/smoke.log notice;|" \
    -e "s|\.\./var/registry|/opt/mlclf/var/registry|" \
    conf/nginx.conf > var/tmp/smoke.conf
: > var/log/smoke.log
nginx -p /opt/mlclf -c var/tmp/smoke.conf -e var/log/smoke.log \
    > var/log/access.log
trap 'nginx -p /opt/mlclf -c var/tmp/smoke.conf -e var/log/smoke.log \
      -s stop 2>/dev/null || true' EXIT

wait_version() {
    i=0
    until curl -fsS "$url/health" 2>/dev/null | grep -q "\"version\":\"$1\""
    do
        i=$((i + 1))
        [ $i -lt 100 ] || fail "/health never showed $1"
        sleep 0.1
    done
}

predict() {
    curl -sS "$url/predict" -H "$json" -d '{"features": [5.1, 3.5, 1.4, 0.2]}'
}

wait_version v1
say "health: $(curl -fsS "$url/health")"

r=$(predict)
say "predict: $r"
case $r in
*'"prediction":"setosa"'*'"model_version":"v1"'*) ;;
*) fail "predict" ;;
esac

r=$(curl -sS -o /dev/null -w '%{http_code}' "$url/predict" -H "$json" \
    -d '{"features": [1, 2]}')
[ "$r" = 400 ] || fail "bad shape gave $r"

curl -fsS "$url/metrics" > var/tmp/metrics || fail "GET /metrics"
grep -q '^mlclf_requests_total{model="iris",version="v1",code="200"} ' \
    var/tmp/metrics || fail "no mlclf_requests_total in /metrics"
grep -q '^nginx_connections_active ' var/tmp/metrics \
    || fail "no nginx_connections_active in /metrics"
say "metrics: $(grep -c '^mlclf_' var/tmp/metrics) mlclf_ series"

# train -> promote -> reload -> rollback, as the non-root user.
mlclf-train --config conf/iris.yaml --registry var/registry --quiet
mlclf-registry --registry var/registry promote iris v2 \
    --reload=var/run/nginx.pid
wait_version v2
case $(predict) in *'"model_version":"v2"'*) ;; *) fail "v2" ;; esac
mlclf-registry --registry var/registry rollback iris --reload=var/run/nginx.pid
wait_version v1
say "promote v2 + reload, rollback to v1 + reload: ok"

# The image's HEALTHCHECK command, against the smoke port.
curl -fsS -o /dev/null "$url/health" || fail "healthcheck"

nginx -p /opt/mlclf -c var/tmp/smoke.conf -e var/log/smoke.log -s quit
i=0
while [ -e var/run/nginx.pid ]; do
    i=$((i + 1))
    [ $i -lt 100 ] || fail "NGINX did not quit"
    sleep 0.1
done
trap - EXIT
if grep -E '\[(alert|emerg|crit)\]' var/log/smoke.log; then
    fail "alerts in the error log"
fi
say "ok"
