#!/bin/sh
# make run-check: `make run` starts, serves, stops on Ctrl-C and starts
# again.  Runs `make run` twice in its own session (setsid), as a
# terminal would: waits for /health, POSTs /predict, sends SIGINT to the
# whole process group (what Ctrl-C does) and then checks that make
# exited, that no process of the session is left, that the pid file is
# gone and that the port is free.  The second start must reuse the
# model the first one trained.  Uses ./var of the repository.
#
# Two more runs, which need root: from a copy of the tree below a
# mode-0700 directory (the workers run as nobody and can read nothing
# there: the master reads the model for them), and from a copy owned by
# nobody, run as nobody (an ordinary user).  Last, nginx -t must pass
# under an 8 GB `ulimit -v`: a model reserves no address space beyond
# its own.
#
# Port: MLCLF_PORT (make run-check PORT=N), default 8080, as `make run`;
# every run is `make run PORT=<that port>`.  Fails, never skips, when it
# is not root or a tool it needs is missing.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

log=${B:-build}/run-check
PORT=${MLCLF_PORT:-8080}
url=http://127.0.0.1:$PORT
fails=0

say() { printf '%s\n' "run-check: $*"; }
bad() { say "FAIL: $*"; fails=$((fails + 1)); }

if [ "$(id -u)" -ne 0 ]; then
    say "needs root: runs 3 and 4 copy the tree below a mode-0700" \
        "directory and run as nobody" >&2
    exit 1
fi
# ss (iproute2): without it the port checks would pass unchecked.
for t in ss:iproute2 pgrep:procps curl:curl setsid:util-linux \
         runuser:util-linux make:make
do
    if ! command -v "${t%%:*}" >/dev/null 2>&1; then
        say "${t%%:*} not found (apt-get install ${t#*:}, or" \
            "scripts/install-deps.sh)" >&2
        exit 1
    fi
done

port_busy() {
    listening=$(ss -ltnH "sport = :$PORT") || {
        say "ss -ltnH failed" >&2
        exit 1
    }
    [ -n "$listening" ]
}

if port_busy; then
    say "port $PORT is in use; stop what listens there first, or" \
        "choose another: make run-check PORT=N" >&2
    exit 1
fi
mkdir -p "$log"

one_run() {
    n=$1
    out=$log/run$n.log
    # NGINX opens /dev/stdout again: the log must be the user's own
    : >"$out"
    [ -z "${RUNAS:-}" ] || chown "$RUNAS" "$out"
    setsid ${RUNAS:+runuser -u "$RUNAS" --} make --no-print-directory run \
        PORT="$PORT" >"$out" 2>&1 </dev/null &
    pgid=$!

    up=
    i=0
    while [ $i -lt 600 ]; do
        if curl -fsS -o /dev/null "$url/health" 2>/dev/null
        then
            up=1
            break
        fi
        if ! kill -0 "$pgid" 2>/dev/null; then
            break
        fi
        sleep 0.5
        i=$((i + 1))
    done
    if [ -z "$up" ]; then
        bad "run $n: /health never answered; log $out"
        tail -n 20 "$out"
        kill -TERM "-$pgid" 2>/dev/null
        wait "$pgid"
        return
    fi
    say "run $n: up"

    reply=$(curl -sS "$url/predict" \
            -H 'Content-Type: application/json' \
            -d '{"features": [5.1, 3.5, 1.4, 0.2]}')
    case $reply in
    *'"prediction":"setosa"'*) say "run $n: predict ok: $reply" ;;
    *) bad "run $n: predict replied: $reply" ;;
    esac

    # A body over nginx's default client_body_buffer_size (16k): kept in
    # memory by conf/nginx.conf, as a worker may not write under ./var.
    big=$(printf '{"instances": [%s[5.1, 3.5, 1.4, 0.2]]}' \
          "$(printf '[5.1, 3.5, 1.4, 0.2], %.0s' $(seq 900))")
    code=$(printf '%s' "$big" | curl -sS -o /dev/null -w '%{http_code}' \
           "$url/predict" \
           -H 'Content-Type: application/json' --data-binary @-)
    if [ "$code" = 200 ]; then
        say "run $n: ${#big}-byte batch ok"
    else
        bad "run $n: ${#big}-byte batch answered $code"
    fi

    # The curl lines that make run printed must work as pasted.
    line=$(grep -m1 "curl -s $url/predict" "$out")
    reply=$(sh -c "$line")
    case $reply in
    *'"prediction":'*) say "run $n: printed curl line ok" ;;
    *) bad "run $n: printed line '$line' replied: $reply" ;;
    esac

    if grep -q '^[^#]*mlclf_metrics' conf/nginx.conf; then
        m=$(curl -fsS "$url/metrics")
        if printf '%s\n' "$m" | grep -q '^mlclf_requests_total{model="iris"'
        then
            say "run $n: /metrics ok"
        else
            bad "run $n: /metrics has no mlclf_requests_total for iris"
        fi
    fi

    if [ -s var/run/nginx.pid ]; then
        say "run $n: pid file var/run/nginx.pid ok"
    else
        bad "run $n: no var/run/nginx.pid"
    fi

    # Ctrl-C: SIGINT to the foreground process group.
    kill -INT "-$pgid"
    wait "$pgid"
    rc=$?
    # make reports the interrupt (130) or, if NGINX exited first, 0/2.
    case $rc in
    0|2|130) say "run $n: make exited ($rc) after SIGINT" ;;
    *) bad "run $n: make exited with $rc" ;;
    esac

    sleep 0.5
    left=$(pgrep -s "$pgid" 2>/dev/null | tr '\n' ' ')
    if [ -n "$left" ]; then
        bad "run $n: processes left in the session: $left"
        kill -KILL "-$pgid" 2>/dev/null
    else
        say "run $n: no process left"
    fi

    if [ -e var/run/nginx.pid ]; then
        bad "run $n: var/run/nginx.pid left behind"
    fi
    if port_busy; then
        bad "run $n: port $PORT still in use"
    else
        say "run $n: port $PORT free"
    fi
    if grep -E '\[(alert|emerg|crit)\]' "$out"; then
        bad "run $n: alerts in the log $out"
    fi
}

one_run 1
one_run 2

if grep -q 'run: training' "$log/run2.log"; then
    bad "run 2 trained again instead of serving the existing version"
fi

# A copy of the tree with its build (same mtimes: nothing is rebuilt)
# and no ./var, in directory $1, owned by $2.
copy_tree() {
    mkdir -p "$1"
    tar -C "$root" --exclude=./var --exclude=./build/fuzz \
        --exclude=./build/bench -cf - . | tar -C "$1" -xf -
    chown -R "$2" "$1"
}

tmp=$(mktemp -d /tmp/run-check.XXXXXX)
chmod 0700 "$tmp"

copy_tree "$tmp/repo" root
(fails=0; cd "$tmp/repo" && one_run 3; exit $fails) \
    || fails=$((fails + 1))

chmod 0755 "$tmp"
copy_tree "$tmp/user" nobody
(fails=0; cd "$tmp/user" && RUNAS=nobody one_run 4; exit $fails) \
    || fails=$((fails + 1))

rm -rf "$tmp"

# A model takes the address space of its own bytes and its kernel
# layout, no reservation (docs/reliability.md): nginx -t passes under a
# `ulimit -v` of 8 GB.
as_out=$log/ulimit-v.log
if ! (ulimit -v 8000000 && exec "${NGINX:-/usr/sbin/nginx}" -p "$root" \
        -c conf/nginx.conf -e stderr -q -t) >"$as_out" 2>&1
then
    bad "nginx -t under ulimit -v 8000000: $(head -c 300 "$as_out")"
fi

if [ $fails -ne 0 ]; then
    say "$fails failure(s)"
    exit 1
fi
say "ok"
