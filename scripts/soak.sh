#!/bin/sh
# Soak: mixed load on two workers, then memory, log and counter checks.
#
#   scripts/soak.sh [SECONDS]          default 120 (make soak)
#
# Trains iris (conf/iris-logreg.yaml) into a temporary registry, starts
# /usr/sbin/nginx with build/modules/ngx_http_mlclf_module.so (2 workers,
# mlclf_zone) and runs wrk -t1 -c8 with scripts/soak-mixed.lua: good
# rows, bad rows (400 bad_shape), batches of 10, /metrics, /health, on
# 127.0.0.1:$MLCLF_PORT (default: a free port the kernel picks).
# Checks:
#
# - the RSS of each worker grows by less than 1 MB (1024 kB) between
#   t = 20 s (after the warm-up) and the end of the load;
# - error.log has no line at [error] or above;
# - wrk saw no socket error and only the replies it expected;
# - /metrics agrees with what wrk sent: for each kind, replies received
#   <= counted <= requests sent (the difference: requests in flight when
#   wrk stopped).
#
# Prints the figures; exits 1 if a check failed.
set -eu

cd "$(dirname "$0")/.."

DURATION=${1:-${SOAK_SECONDS:-120}}
WARMUP=20
NGINX=${TEST_NGINX_BINARY:-/usr/sbin/nginx}
MODULE=${TEST_NGINX_LOAD_MODULES:-$(pwd)/build/modules/ngx_http_mlclf_module.so}
BIN=${MLCLF_BIN:-$(pwd)/build/bin}
WRK=${MLCLF_WRK:-/usr/bin/wrk}

export LC_ALL=C

if [ "$DURATION" -le "$WARMUP" ]; then
    echo "soak: the duration must exceed the $WARMUP s warm-up" >&2
    exit 2
fi

for f in "$NGINX" "$WRK" "$BIN/mlclf-train"; do
    if [ ! -x "$f" ]; then
        echo "soak: $f not found (make bins; scripts/install-deps.sh" \
             "installs nginx and wrk)" >&2
        exit 2
    fi
done
for t in curl perl; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "soak: $t not found (scripts/install-deps.sh)" >&2
        exit 2
    fi
done

work=$(mktemp -d /tmp/mlclf-soak-XXXXXX)
chmod 755 "$work"

cleanup() {
    if [ -s "$work/logs/nginx.pid" ]; then
        kill -QUIT "$(cat "$work/logs/nginx.pid")" 2>/dev/null || true
        sleep 1
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$BIN/mlclf-train" --config conf/iris-logreg.yaml --registry "$work/reg" \
    --quiet --promote

# MLCLF_PORT (make soak PORT=N), else a port the kernel finds free.
port=${MLCLF_PORT:-$(perl -MIO::Socket::INET -e '
    print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1",
                                LocalPort => 0)->sockport')}

mkdir -p "$work/conf" "$work/logs" "$work/tmp"

user=""
if [ "$(id -u)" -eq 0 ]; then
    user="user root;"
fi

cat > "$work/conf/nginx.conf" <<EOF
load_module $MODULE;
$user
worker_processes 2;
error_log $work/logs/error.log info;
pid $work/logs/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    mlclf_zone mlclf:1m;
    mlclf_model iris $work/reg/iris;
    server {
        listen 127.0.0.1:$port;
        location = /predict { mlclf_predict iris; }
        location = /health { mlclf_health; }
        location = /metrics { mlclf_metrics; }
    }
}
EOF

"$NGINX" -p "$work" -c "$work/conf/nginx.conf" -e "$work/logs/error.log"

for _ in $(seq 1 100); do
    [ -s "$work/logs/nginx.pid" ] && break
    sleep 0.05
done
master=$(cat "$work/logs/nginx.pid")
sleep 0.5

workers=$(ps -o pid= --ppid "$master" | tr -s ' \n' ' ')

# kB of VmRSS of each worker: "pid:kB pid:kB"
rss() {
    for w in $workers; do
        printf '%s:%s ' "$w" \
            "$(awk '/^VmRSS:/ { print $2 }' "/proc/$w/status")"
    done
}

rss_start=$(rss)

"$WRK" -t1 -c8 -d"${DURATION}s" --timeout 10s -s scripts/soak-mixed.lua \
    "http://127.0.0.1:$port" > "$work/wrk.out" 2>&1 &
wrk=$!

sleep "$WARMUP"
rss_warm=$(rss)
echo "soak: t=${WARMUP}s worker RSS (pid:kB): $rss_warm"

elapsed=$WARMUP
while [ $((elapsed + 10)) -lt "$DURATION" ]; do
    sleep 10
    elapsed=$((elapsed + 10))
    echo "soak: t=${elapsed}s worker RSS (pid:kB): $(rss)"
done

sleep $((DURATION - elapsed - 1))
rss_end=$(rss)
echo "soak: t=$((DURATION - 1))s worker RSS (pid:kB): $rss_end"

wait "$wrk"

summary=$(grep '^SOAK ' "$work/wrk.out" || true)
echo "soak: wrk: $summary"

curl -s "http://127.0.0.1:$port/metrics" > "$work/metrics.txt"

failed=0

fail() {
    echo "soak: FAIL: $*"
    failed=1
}

if [ -z "$summary" ]; then
    cat "$work/wrk.out"
    fail "wrk printed no summary"
fi

# workers: same pids, RSS growth under 1 MB
now=$(ps -o pid= --ppid "$master" | tr -s ' \n' ' ')
if [ "$now" != "$workers" ]; then
    fail "workers changed: $workers -> $now"
fi

for w in $workers; do
    before=$(echo "$rss_warm" | tr ' ' '\n' | awk -F: -v w="$w" '$1 == w { print $2 }')
    after=$(echo "$rss_end" | tr ' ' '\n' | awk -F: -v w="$w" '$1 == w { print $2 }')
    growth=$((after - before))
    echo "soak: worker $w RSS ${before} kB at t=${WARMUP}s, ${after} kB at" \
         "the end: ${growth} kB"
    if [ "$growth" -ge 1024 ]; then
        fail "worker $w grew by $growth kB"
    fi
done

# error.log: nothing at [error] or above
if grep -E '\[(error|crit|alert|emerg)\]' "$work/logs/error.log" \
       > "$work/errors.txt"
then
    head -n 20 "$work/errors.txt"
    fail "$(wc -l < "$work/errors.txt") error.log lines at [error] or above"
fi

# counters against what wrk sent and received
perl -e '
    my ($summary, $file) = @ARGV;
    my %w = $summary =~ /(\w+)=(\d+)/g;
    my %m;
    open my $fh, "<", $file or die "$file: $!";
    while (<$fh>) {
        next if /^#/;
        my ($s, $v) = /^(\S+) (\S+)$/ or next;
        $m{$s} = $v;
    }
    my $series = sub { $m{$_[0]} // 0 };
    my $sum = sub {
        my ($re) = @_;
        my $t = 0;
        $t += $m{$_} for grep { /$re/ } keys %m;
        return $t;
    };

    my $c200 = $series->(q{mlclf_requests_total{model="iris",version="v1",code="200"}});
    my $c400 = $series->(q{mlclf_requests_total{model="iris",version="v1",code="400"}});
    my $shape = $series->(q{mlclf_errors_total{model="iris",version="v1",reason="bad_shape"}});
    my $errs = $sum->(qr/^mlclf_errors_total\{/);
    my $preds = $sum->(qr/^mlclf_predictions_total\{/);
    my $codes = $sum->(qr/^mlclf_requests_total\{/);

    my @checks = (
        ["200s (good + batch)", $c200, $w{got_good} + $w{got_batch},
         $w{sent_good} + $w{sent_batch}],
        ["400s (bad)", $c400, $w{got_bad}, $w{sent_bad}],
        ["bad_shape errors", $shape, $w{got_bad}, $w{sent_bad}],
        ["every error reason", $errs, $w{got_bad}, $w{sent_bad}],
        ["every code", $codes, $w{got_good} + $w{got_batch} + $w{got_bad},
         $w{sent_good} + $w{sent_batch} + $w{sent_bad}],
        ["predictions (rows)", $preds, $w{got_good} + 10 * $w{got_batch},
         $w{sent_good} + 10 * $w{sent_batch}],
    );

    my $bad = 0;
    for (@checks) {
        my ($what, $n, $lo, $hi) = @$_;
        my $ok = $n >= $lo && $n <= $hi;
        printf "soak: /metrics %s: %d (wrk received %d, sent %d) %s\n",
               $what, $n, $lo, $hi, $ok ? "ok" : "MISMATCH";
        $bad++ unless $ok;
    }
    for (qw(other connect read write timeout)) {
        my $k = $_ eq "other" ? "got_other" : $_;
        if ($w{$k}) {
            print "soak: wrk $k: $w{$k}\n";
            $bad++;
        }
    }
    exit($bad ? 1 : 0);' "$summary" "$work/metrics.txt" \
    || fail "counters or wrk errors (above)"

if [ "$failed" -ne 0 ]; then
    echo "soak: FAILED"
    exit 1
fi

echo "soak: ok"
