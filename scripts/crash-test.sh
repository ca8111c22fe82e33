#!/bin/sh
# Crash-safe publishing: SIGKILL at random points.
#
#   scripts/crash-test.sh [TRIALS]       (default 20 of each kind)
#
# 1. mlclf-train --promote on a generated data set (bench/gen_data.c,
#    200000 rows x 20 features: some hundreds of ms of reading, training
#    and publishing) is killed with SIGKILL after a random delay in
#    [0, 1.2 x its uninterrupted run time] (TRIALS times), and at a random
#    point of its publishing (from the moment its staging directory appears
#    to that plus twice the time publishing takes uninterrupted)
#    (TRIALS times more).
# 2. A loop of mlclf-registry promote between existing versions is killed
#    (the loop and the promote running at that moment) after a random
#    delay in [0, 300 ms].
#
# After every kill: "mlclf-registry verify NAME" exits 0 (every version
# listed is complete and verifies, and so does the version "active"
# points at), "list --json --verify" shows only status "verified",
# "active" points at a version directory, and "history --json" parses.
# The delays come from a fixed seed.  Prints one line per trial and a
# summary; exits 1 if any check failed.  MLCLF_BIN (default build/bin)
# holds the binaries.
set -eu

cd "$(dirname "$0")/.."

TRIALS=${1:-20}
BIN=${MLCLF_BIN:-build/bin}
TRAIN=$BIN/mlclf-train
REGISTRY=$BIN/mlclf-registry

export LC_ALL=C

for b in "$TRAIN" "$REGISTRY"; do
    if [ ! -x "$b" ]; then
        echo "crash-test: $b not found (make bins)" >&2
        exit 2
    fi
done
for t in cc perl setsid; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "crash-test: $t not found (scripts/install-deps.sh)" >&2
        exit 2
    fi
done

work=$(mktemp -d /tmp/mlclf-crash-XXXXXX)
trap 'rm -rf "$work"' EXIT

failures=0

# rand SEED MAX_MS: a deterministic delay in seconds
rand() {
    awk -v s="$1" -v m="$2" 'BEGIN { srand(s); printf "%.3f", rand() * m / 1000 }'
}

now_ms() {
    date +%s%3N
}

# check REG NAME LABEL: the registry invariants after a kill
check() {
    reg=$1
    name=$2
    label=$3
    bad=""

    if [ ! -d "$reg/$name" ]; then
        # killed before anything existed: nothing to check
        return 0
    fi

    if ! out=$("$REGISTRY" --registry "$reg" verify "$name" 2>&1); then
        bad="$bad verify:$(echo "$out" | tr '\n' ' ')"
    fi

    if ! "$REGISTRY" --registry "$reg" --json --verify list "$name" \
             > "$work/list.json" 2>&1
    then
        bad="$bad list-failed"
    elif ! perl -MJSON::PP -e '
            local $/; my $l = JSON::PP->new->decode(<STDIN>);
            for (@{$l->{versions}}) {
                die "$_->{version} $_->{status}\n"
                    if $_->{status} ne "verified";
            }' < "$work/list.json" 2>"$work/err"
    then
        bad="$bad list:$(cat "$work/err")"
    fi

    if [ -L "$reg/$name/active" ]; then
        target=$(readlink "$reg/$name/active")
        case "$target" in
            versions/v[0-9]*) ;;
            *) bad="$bad active->$target" ;;
        esac
        if [ ! -f "$reg/$name/$target/model.mlclf" ]; then
            bad="$bad active-dangling:$target"
        fi
    elif [ -e "$reg/$name/active" ]; then
        bad="$bad active-not-a-link"
    fi

    if [ -e "$reg/$name/history.log" ]; then
        if ! "$REGISTRY" --registry "$reg" --json history "$name" \
                 > "$work/history.json" 2>&1 \
           || ! perl -MJSON::PP -e 'local $/;
                    JSON::PP->new->decode(<STDIN>)' \
                    < "$work/history.json" 2>/dev/null
        then
            bad="$bad history-unparseable"
        fi
    fi

    if [ -n "$bad" ]; then
        echo "$label: FAIL$bad"
        failures=$((failures + 1))
        return 1
    fi

    return 0
}

versions() {
    ls "$1/$2/versions" 2>/dev/null | tr '\n' ' '
}

active() {
    readlink "$1/$2/active" 2>/dev/null || echo none
}

# --- 1. mlclf-train ------------------------------------------------------

cc -O2 -o "$work/gen" bench/gen_data.c -lm
"$work/gen" 200000 20 7 > "$work/big.csv"

{
    echo "name: big"
    echo "data: $work/big.csv"
    echo "label: label"
    echo "features:"
    j=0
    while [ $j -lt 20 ]; do
        echo "  - {name: f$j, type: float}"
        j=$((j + 1))
    done
    echo "classes: [c0, c1, c2]"
    echo "missing: fail"
    echo "split: {test_fraction: 0.2, seed: 42, stratify: true}"
    echo "model:"
    echo "  kind: logreg"
} > "$work/big.yaml"

reg=$work/train-reg

t0=$(now_ms)
"$TRAIN" --config "$work/big.yaml" --registry "$work/timing-reg" --quiet \
    --promote
t1=$(now_ms)
run_ms=$((t1 - t0))
max_ms=$((run_ms * 12 / 10))

# twice the time publishing takes, from the staging directory to the end
pub_ms=$(perl -MTime::HiRes=time,sleep -e '
    my ($dir, @cmd) = @ARGV;
    my $pid = fork // die;
    if (!$pid) { exec @cmd; exit 127; }
    my $t0;
    while (waitpid($pid, 1) == 0) {
        $t0 //= time if glob("$dir/.staging-*");
        sleep 0.0002;
    }
    printf "%d\n", 1000 * (time - ($t0 // time));' \
    "$work/timing-reg/big/versions" "$TRAIN" --config "$work/big.yaml" \
    --registry "$work/timing-reg" --quiet --promote)
pub_ms=$((2 * pub_ms + 1))

echo "mlclf-train: an uninterrupted run takes $run_ms ms, publishing x 2" \
     "$pub_ms ms; kills in [0, $max_ms] ms, then in publishing"

published=0
promoted=0
untouched=0
finished=0

# Trials 1..TRIALS: a uniform delay.  Trials TRIALS+1..2*TRIALS aim at
# the publishing window: the kill comes 0..pub_ms after the staging
# directory versions/.staging-* appears (polled every 0.2 ms).
i=1
while [ $i -le $((2 * TRIALS)) ]; do
    before=$(versions "$reg" big)
    before_active=$(active "$reg" big)

    "$TRAIN" --config "$work/big.yaml" --registry "$reg" --quiet --promote \
        > /dev/null 2>&1 &
    pid=$!

    if [ $i -le "$TRIALS" ]; then
        delay=$(rand "$i" "$max_ms")
        sleep "$delay"
        delay="${delay}s"
    else
        delay=$(rand "$i" "$pub_ms")
        perl -MTime::HiRes=sleep -e '
            my ($dir, $pid, $d) = @ARGV;
            for (1 .. 50000) {
                last if glob("$dir/.staging-*") || !kill(0, $pid);
                sleep 0.0002;
            }
            sleep $d;' "$reg/big/versions" "$pid" "$delay"
        delay="${delay}s after staging began"
    fi

    if kill -KILL "$pid" 2>/dev/null; then
        how=killed
    else
        how=finished
    fi
    wait "$pid" 2>/dev/null || true

    after=$(versions "$reg" big)
    after_active=$(active "$reg" big)

    if [ "$how" = finished ]; then
        finished=$((finished + 1))
        outcome="ran to completion"
    elif [ "$before" = "$after" ]; then
        untouched=$((untouched + 1))
        outcome="nothing published"
    elif [ "$before_active" = "$after_active" ]; then
        published=$((published + 1))
        outcome="published, not promoted"
    else
        promoted=$((promoted + 1))
        outcome="published and promoted"
    fi

    if check "$reg" big "train trial $i"; then
        echo "train trial $i: SIGKILL $delay: $outcome;" \
             "versions: ${after:-none}; active: $after_active; ok"
    fi

    i=$((i + 1))
done

train_summary="mlclf-train: $((2 * TRIALS)) trials: $untouched killed before" \
train_summary="$train_summary publishing, $published killed after"
train_summary="$train_summary publishing, $promoted killed after promoting,"
train_summary="$train_summary $finished ran to completion"

# --- 2. mlclf-registry promote -------------------------------------------

reg=$work/promote-reg

for _ in 1 2 3; do
    "$TRAIN" --config conf/iris-logreg.yaml --registry "$reg" --quiet
done
"$REGISTRY" --registry "$reg" promote iris v1 > /dev/null

changed=0
same=0

i=1
while [ $i -le "$TRIALS" ]; do
    before_active=$(active "$reg" iris)
    delay=$(rand "$((1000 + i))" 300)

    setsid sh -c '
        while :; do
            for v in v1 v2 v3; do
                "$0" --registry "$1" promote iris $v > /dev/null 2>&1
            done
        done' "$REGISTRY" "$reg" &
    pid=$!
    sleep "$delay"

    # the loop and the promote it runs now, whatever point it is at
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true

    after_active=$(active "$reg" iris)

    if [ "$before_active" = "$after_active" ]; then
        same=$((same + 1))
    else
        changed=$((changed + 1))
    fi

    events=$(grep -c . "$reg/iris/history.log" || true)

    if check "$reg" iris "promote trial $i"; then
        echo "promote trial $i: SIGKILL after ${delay}s: active" \
             "$before_active -> $after_active; $events history events; ok"
    fi

    i=$((i + 1))
done

echo "$train_summary"
echo "mlclf-registry promote: $TRIALS trials: $changed changed the active" \
     "version, $same left it as it was"
echo "crash-test: $((3 * TRIALS)) trials, $failures failed"

[ "$failures" -eq 0 ]
