#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz/ with clang into build/fuzz/,
# replays tests/fuzz/regressions/<target>/ once, then fuzzes each target.
#
#   scripts/fuzz.sh [SECONDS]    SECONDS per target (default $FUZZ_SECONDS,
#                                else 60); 0 builds and replays only
#   FUZZ_TARGETS="request csv"   only these targets (default: every
#                                tests/fuzz/fuzz_*.c)
#   FUZZ_CC=clang-14             the compiler (default: clang)
#   FUZZ_JOBS=2                  compiles and targets at once (default 1;
#                                make fuzz passes its JOBS, 2)
#
# Exits non-zero if anything failed: a build, a regression input, or a
# crash, leak, timeout or out-of-memory while fuzzing.  The crashing input
# is left in build/fuzz/artifacts-<target>/ and the log in
# build/fuzz/<target>.log.  Each target's corpus grows in
# build/fuzz/corpus-<target>/, seeded from tests/fuzz/corpus/<target>/.
set -eu

cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-${FUZZ_SECONDS:-60}}
TARGETS=${FUZZ_TARGETS:-$(ls tests/fuzz/fuzz_*.c \
                          | sed 's|.*/fuzz_||; s|\.c$||' | tr '\n' ' ')}
CC=${FUZZ_CC:-clang}
JOBS=${FUZZ_JOBS:-1}
OUT=build/fuzz

case "$SECONDS_PER_TARGET" in
    ''|*[!0-9]*)
        echo "fuzz: seconds must be a whole number, got '$SECONDS_PER_TARGET'"
        exit 2
        ;;
esac

case "$JOBS" in
    ''|0|*[!0-9]*)
        echo "fuzz: FUZZ_JOBS must be a whole number above 0, got '$JOBS'"
        exit 2
        ;;
esac

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzz: $CC not found (scripts/install-deps.sh installs clang)"
    exit 2
fi

SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
BASE="-std=gnu11 -g -O1 $SAN -fno-omit-frame-pointer -D_GNU_SOURCE"
# As the Makefile: trainer -> registry -> common -> libmlclf, importer ->
# registry; the fuzzers' own sources see them all.
CORE_INCS="-Ilibmlclf"
COM_INCS="-Icommon $CORE_INCS"
TRAIN_INCS="-Itrainer -Iregistry $COM_INCS"
IMP_INCS="-Iimporter -Iregistry $COM_INCS"
INCS="$TRAIN_INCS -Iimporter -Itests/fuzz"
PKG_CFLAGS=$(pkg-config --cflags libcjson yaml-0.1 2>/dev/null || true)
LIBS="-lcjson -lcrypto -lyaml -lunistring -lmurmurhash -lz -lm -lpthread"

CORE_SRCS=$(ls libmlclf/*.c)
TRAIN_SRCS="common/mlclf_fanout.c common/mlclf_file.c common/mlclf_quote.c
common/mlclf_sha256.c trainer/mlclf_train_config.c trainer/mlclf_train_yaml.c
trainer/mlclf_train_config_model.c trainer/mlclf_train_config_feature.c
trainer/mlclf_train_data.c trainer/mlclf_train_csv.c trainer/mlclf_train_chunk.c
trainer/mlclf_train_labels.c trainer/mlclf_train_classes.c
trainer/mlclf_train_util.c trainer/mlclf_train_split.c
trainer/mlclf_train_bins.c trainer/mlclf_train_team.c
trainer/mlclf_train_drift.c
trainer/mlclf_train_gbt.c trainer/mlclf_train_gbt_tree.c
trainer/mlclf_train_gbt_rows.c
trainer/mlclf_train_model.c trainer/mlclf_train_text.c
trainer/mlclf_train_inputs.c trainer/mlclf_train_inputs_text.c
trainer/mlclf_train_category.c"
# the importers publish through the registry
REG_SRCS="$(ls registry/*.c | grep -v 'registry/mlclf_registry\.c$')
common/mlclf_time.c common/mlclf_version.c common/mlclf_jsonout.c
common/mlclf_header.c common/mlclf_cli.c"
IMP_SRCS=$(ls importer/*.c | grep -v mlclf_import_main.c)

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LC_ALL=C

mkdir -p "$OUT/obj"

# Library objects: built once, instrumented for coverage; their warnings
# are the Makefile's business, the fuzzers' own sources use -Werror.
# Those out of date are compiled JOBS at a time.

objects=""
: >"$OUT/obj/todo"
for src in $CORE_SRCS $TRAIN_SRCS $REG_SRCS $IMP_SRCS; do
    obj="$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
    case "$src" in
        libmlclf/*) src_incs=$CORE_INCS ;;
        common/*) src_incs=$COM_INCS ;;
        importer/*) src_incs=$IMP_INCS ;;
        registry/*) src_incs="-Iregistry $COM_INCS" ;;
        *) src_incs=$TRAIN_INCS ;;
    esac
    # shellcheck disable=SC2086
    if [ ! -f "$obj" ] \
       || [ -n "$(find "$src" libmlclf common trainer importer \
                  -newer "$obj" \
                  \( -path "$src" -o -name '*.h' \) | head -n 1)" ]
    then
        echo "$BASE -Wall -Wextra $src_incs $PKG_CFLAGS -c $src -o $obj" \
            >>"$OUT/obj/todo"
    fi
    objects="$objects $obj"
done

# each line the arguments of one compile (no quotes in them), printed
# as it starts (-t); xargs exits non-zero if any of them failed
if ! xargs -P "$JOBS" -L 1 -t "$CC" <"$OUT/obj/todo"; then
    echo "fuzz: compiling the library objects failed (above)"
    exit 1
fi

core_objs=""
train_objs=""
imp_objs=""
for obj in $objects; do
    case "$obj" in
        */obj/libmlclf_*) core_objs="$core_objs $obj" ;;
        */obj/importer_*|*/obj/registry_*|*/obj/common_mlclf_time.o)
            imp_objs="$imp_objs $obj" ;;
        *) train_objs="$train_objs $obj" ;;
    esac
done

max_len() {
    case "$1" in
        model) echo 16384 ;;
        *) echo 4096 ;;
    esac
}

# fuzz_target T: builds target T, replays its regression inputs, fuzzes
# it; its line of the summary in $OUT/T.summary, the end of a failing
# log in $OUT/T.tail.  Exits non-zero if anything failed.
fuzz_target() {
    t=$1
    src="tests/fuzz/fuzz_$t.c"
    bin="$OUT/fuzz_$t"
    log="$OUT/$t.log"
    sum="$OUT/$t.summary"
    tail="$OUT/$t.tail"

    rm -f "$tail" "$sum"

    if [ ! -f "$src" ]; then
        echo "fuzz: no target '$t' ($src)" >"$sum"
        return 1
    fi

    case "$t" in
        csv|yaml|text) objs="$core_objs $train_objs" ;;
        import_*) objs="$core_objs $imp_objs $train_objs" ;;
        *) objs="$core_objs" ;;
    esac

    echo "fuzz: building $bin"
    # shellcheck disable=SC2086
    if ! $CC $BASE -Wall -Wextra -Werror $INCS $PKG_CFLAGS -o "$bin" \
             "$src" $objs $LIBS >"$OUT/$t-build.log" 2>&1
    then
        cp "$OUT/$t-build.log" "$tail"
        echo "fuzz: $t: BUILD FAILED" >"$sum"
        return 1
    fi

    # regression inputs: each crasher found so far, run once

    reg="tests/fuzz/regressions/$t"
    if [ -n "$(find "$reg" -type f 2>/dev/null | head -n 1)" ]; then
        echo "fuzz: $t: replaying $(find "$reg" -type f | wc -l) regression inputs"
        if ! "$bin" -runs=1 "$reg"/* >"$OUT/$t-regressions.log" 2>&1; then
            tail -n 40 "$OUT/$t-regressions.log" >"$tail"
            echo "fuzz: $t: REGRESSION FAILED (see $OUT/$t-regressions.log)" \
                >"$sum"
            return 1
        fi
    fi

    if [ "$SECONDS_PER_TARGET" -eq 0 ]; then
        echo "fuzz: $t: built, regressions ok (no fuzzing: 0 seconds)" \
            >"$sum"
        return 0
    fi

    corpus="$OUT/corpus-$t"
    artifacts="$OUT/artifacts-$t/"
    mkdir -p "$corpus" "$artifacts"
    cp tests/fuzz/corpus/"$t"/* "$corpus"/

    echo "fuzz: $t: fuzzing for $SECONDS_PER_TARGET s (log: $log)"

    rc=0
    "$bin" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$t")" \
        -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$artifacts" \
        "$corpus" >"$log" 2>&1 || rc=$?

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
    files=$(find "$corpus" -type f | wc -l)

    if [ "$rc" -ne 0 ]; then
        tail -n 60 "$log" >"$tail"
        echo "fuzz: $t: FAILED (exit $rc) after ${execs:-?} executions; input in $artifacts" \
            >"$sum"
        return 1
    fi

    echo "fuzz: $t: ok, ${execs:-?} executions in $SECONDS_PER_TARGET s, coverage ${cov:-?}, corpus $files files" \
        >"$sum"
}

# JOBS targets at a time, each in a subshell of its own; then each
# failing log's end, and the summary in the order of TARGETS

failed=0
pids=""
for t in $TARGETS; do
    fuzz_target "$t" &
    pids="$pids $!"
    # shellcheck disable=SC2086
    set -- $pids
    if [ "$#" -ge "$JOBS" ]; then
        wait "$1" || failed=1
        shift
        pids="$*"
    fi
done
for pid in $pids; do
    wait "$pid" || failed=1
done

for t in $TARGETS; do
    if [ -f "$OUT/$t.tail" ]; then
        echo "fuzz: $t: the end of its log:"
        cat "$OUT/$t.tail"
    fi
done
for t in $TARGETS; do
    cat "$OUT/$t.summary" 2>/dev/null || echo "fuzz: $t: NO RESULT"
done

exit $failed
