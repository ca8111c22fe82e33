#!/bin/sh
# Runs inside the mlclf image (scripts/docker-check.sh copies it in, with
# the model directories KServe's storage initializer would leave, and
# starts it with buildah run, as the image's user, host network): the
# KServe entrypoint mode, mlclf-serve, as conf/k8s/kserve runs it.
#
#   /mnt/models      golden-logreg.mlclf (iris, 4 features, 3 classes)
#   /mnt/models-xgb  model.json, an XGBoost model (2 features, binary),
#                    imported when mlclf-serve starts
#   /mnt/models-bad  a pickle, which mlclf-serve must refuse
#
# For each good directory: mlclf-serve starts NGINX in the foreground on
# $MLCLF_PORT (127.0.0.1: the host network is shared), the readiness
# and liveness probes of the runtime answer 200, GET /v2/models/{name},
# POST /v2/models/{name}/infer and /v1/models/{name}:predict answer for
# the model, /metrics counts them; then SIGQUIT stops it.  An empty and
# a bad directory exit non-zero with a message, before NGINX.
set -eu

say() { printf 'smoke-kserve: %s\n' "$*"; }
# to stderr: a failure inside $(...) must show too
fail() {
    {
        say "FAIL: $*"
        [ -f /tmp/serve.log ] && tail -n 20 /tmp/serve.log
    } >&2
    exit 1
}

PORT=${MLCLF_PORT:-18080}
url=http://127.0.0.1:$PORT
json='Content-Type: application/json'

[ "$(id -u)" -ne 0 ] || fail "running as root"
command -v mlclf-serve >/dev/null || fail "mlclf-serve is not in PATH"

job=
pidfile=/opt/mlclf/var/kserve/run/nginx.pid
trap '[ -z "$job" ] || kill -QUIT "$(cat "$pidfile")" 2>/dev/null || :' EXIT

# serve NAME DIR: mlclf-serve in the background, as KServe starts it (its
# exit status into /tmp/serve.rc); waits until the readiness probe
# answers 200, and fails if mlclf-serve exits first.
serve() {
    : >/tmp/serve.log
    rm -f /tmp/serve.rc
    (
        rc=0
        mlclf-serve --model_name="$1" --model_dir="$2" \
            --http_port="$PORT" --http_address=127.0.0.1 \
            >/tmp/serve.log 2>&1 || rc=$?
        echo "$rc" >/tmp/serve.rc
    ) &
    job=$!
    until curl -fsS -o /dev/null "$url/v2/health/ready" 2>/dev/null; do
        if [ -s /tmp/serve.rc ]; then
            job=
            fail "mlclf-serve $1 $2 exited ($(cat /tmp/serve.rc))"
        fi
        sleep 0.1
    done
    say "$(grep '^mlclf-serve: model' /tmp/serve.log)"
}

# stop: SIGQUIT to NGINX (a graceful stop), then its exit
stop() {
    kill -QUIT "$(cat "$pidfile")"
    wait "$job"
    job=
    [ "$(cat /tmp/serve.rc)" = 0 ] \
        || fail "NGINX exited with $(cat /tmp/serve.rc) on SIGQUIT"
    if grep -E '\[(alert|emerg|crit)\]' /tmp/serve.log; then
        fail "alerts in the error log"
    fi
}

# get PATH: the body; fails unless 200, with the answer
get() {
    curl -fsS "$url$1" || fail "GET $1: $(curl -sS "$url$1")"
}

# post PATH BODY: the body; fails unless 200, with the answer
post() {
    curl -fsS "$url$1" -H "$json" -d "$2" \
        || fail "POST $1 $2: $(curl -sS "$url$1" -H "$json" -d "$2")"
}

# has WHAT TEXT PATTERN...: every shell pattern matches TEXT
has() {
    what=$1
    text=$2
    shift 2
    for p in "$@"; do
        case $text in
        *$p*) ;;
        *) fail "$what: no $p in $text" ;;
        esac
    done
}

# probes and routes of one running model
check_model() {
    name=$1
    row=$2
    label=$3
    has "/v2/health/live" "$(get /v2/health/live)" '"live":true'
    has "/v2/health/ready" "$(get /v2/health/ready)" '"ready":true'
    has "/v2/models/$name" "$(get "/v2/models/$name")" \
        "\"name\":\"$name\"" '"versions":["v'
    has "/v2/models/$name/ready" "$(get "/v2/models/$name/ready")" \
        '"ready":true'
    n=$(($(printf '%s' "$row" | tr -cd ',' | wc -c) + 1))
    r=$(post "/v2/models/$name/infer" "{\"id\": \"smoke-1\", \"inputs\":
        [{\"name\": \"features\", \"shape\": [1, $n], \"datatype\": \"FP64\",
          \"data\": [$row]}]}")
    has "V2 infer" "$r" "\"model_name\":\"$name\"" '"id":"smoke-1"' \
        '"outputs":[' "\"$label\""
    say "V2 infer: $r"
    r=$(post "/v1/models/$name:predict" "{\"instances\": [[$row]]}")
    has "V1 predict" "$r" '"predictions":[' "\"prediction\":\"$label\""
    has "/v1/models/$name" "$(get "/v1/models/$name")" \
        "\"name\":\"$name\"" '"ready":true'
    say "V1 predict: $r"
    has "/predict" "$(post /predict "{\"features\": [$row]}")" \
        "\"prediction\":\"$label\""
    code=$(curl -sS -o /dev/null -w '%{http_code}' \
        "$url/v2/models/$name/infer" -H "$json" -d '{"inputs": 1}')
    [ "$code" = 400 ] || fail "a bad V2 body gave $code"
    code=$(curl -sS -o /dev/null -w '%{http_code}' \
        "$url/v2/models/nope/ready")
    [ "$code" = 404 ] || fail "an unknown model gave $code"
    get /metrics >/tmp/metrics
    grep -q "^mlclf_requests_total{model=\"$name\",.*code=\"200\"} [1-9]" \
        /tmp/metrics || fail "/metrics counts no request of $name"
}

say "user $(id -un) ($(id -u))"

# 1. a .mlclf file under /mnt/models, the default --model_dir
serve iris /mnt/models
check_model iris '5.1, 3.5, 1.4, 0.2' setosa
stop
say "/mnt/models: a .mlclf file: ok"

# 2. an XGBoost JSON model, imported at start-up into the work directory
serve spam-xgb /mnt/models-xgb
case $(cat /tmp/serve.log) in
*"importing /mnt/models-xgb/model.json"*) ;;
*) fail "no import said for the XGBoost model" ;;
esac
check_model spam-xgb '0.3, 0.7' 1
stop
say "/mnt/models-xgb: an XGBoost JSON model: ok"

# 3. refusals: exit status and message, NGINX never started
mkdir -p /opt/mlclf/var/tmp/empty
for c in "/opt/mlclf/var/tmp/empty:3:is empty" \
         "/mnt/models-bad:3:a pickle is not served"
do
    d=${c%%:*}
    rest=${c#*:}
    want=${rest%%:*}
    msg=${rest#*:}
    rc=0
    mlclf-serve --model_name=bad --model_dir="$d" \
        --http_port="$PORT" >/tmp/serve.log 2>&1 || rc=$?
    [ "$rc" = "$want" ] || fail "$d: exit $rc, not $want"
    grep -q "$msg" /tmp/serve.log || fail "$d: no \"$msg\" said"
    say "$d refused (exit $rc): $(cat /tmp/serve.log)"
done

say "ok"
