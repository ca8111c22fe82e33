#!/bin/sh
# Runs the CLI test scenarios with every mlclf-train and mlclf-registry
# run under valgrind (memcheck, --leak-check=full).
#
#   scripts/valgrind-cli.sh [TEST...]   default: tests/test_train_cli.c
#                                       and tests/test_registry_cli.c
#
# The unit tests drive the CLIs through $MLCLF_BIN; here MLCLF_BIN is a
# directory of wrappers that exec valgrind on the real build/bin
# binaries, each run logging to its own file.  Passes when the tests
# pass and no log reports an error or a definite/indirect leak.  The
# tests' own SIGKILL rounds kill some runs mid-way: a killed run writes
# no summary and is counted apart, not as a failure.
set -eu

cd "$(dirname "$0")/.."

REAL=$(pwd)/build/bin
TESTS=${*:-"build/tests/test_train_cli build/tests/test_train_cli_errors
           build/tests/test_registry_cli"}

for b in "$REAL/mlclf-train" "$REAL/mlclf-registry" $TESTS; do
    if [ ! -x "$b" ]; then
        echo "valgrind-cli: $b not found (make bins check)" >&2
        exit 2
    fi
done
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind-cli: valgrind not found (apt-get install valgrind, or" \
         "scripts/install-deps.sh)" >&2
    exit 2
fi

work=$(mktemp -d /tmp/mlclf-valgrind-XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bin" "$work/logs"

for b in mlclf-train mlclf-registry; do
    cat > "$work/bin/$b" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect --track-origins=yes \\
    --log-file="$work/logs/$b.%p" "$REAL/$b" "\$@"
EOF
    chmod +x "$work/bin/$b"
done

export LC_ALL=C MLCLF_BIN="$work/bin"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0

# VALGRIND_JOBS test files at a time (make soak passes its JOBS, 2)
# shellcheck disable=SC2086
prove -j"${VALGRIND_JOBS:-1}" -e '' $TESTS || status=1

runs=$(find "$work/logs" -type f | wc -l)
errors=0

for log in "$work/logs"/*; do
    [ -f "$log" ] || continue
    if [ -s "$log" ]; then
        # -q: a clean run logs nothing; a run killed by the tests' own
        # SIGKILL rounds logs nothing either
        echo "valgrind-cli: $log:"
        cat "$log"
        errors=$((errors + 1))
    fi
done

echo "valgrind-cli: $runs CLI runs under valgrind, $errors with findings"

if [ "$errors" -ne 0 ]; then
    status=1
fi

exit $status
