#!/bin/sh
# bench/ab.sh REV [ROUNDS]: the in-process figures of bench/micro.c for
# libmlclf at REV (e.g. the commit bench/RESULTS.md was measured at)
# and for the working tree, side by side in one run: each round runs
# both, alternating, on CPU 1, for the iris logreg and forest models of
# the last `make bench` (build/bench/serve-registry) and the rows it
# wrote (build/bench/rows-100000.csv).  Prints the median of the rounds
# of every figure for both sides and their ratio.  The figures move with
# the host (a shared 2-core VM: 10-20 % between runs), so only the two
# sides of one run compare.  Pinned to one CPU, so no 2-thread figure.
# AB_REGISTRY=DIR takes the models from DIR instead: a REV older than the
# format the working tree writes needs models its own trainer wrote.
set -eu

rev=$1
rounds=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/bench/ab
reg=${AB_REGISTRY:-$root/build/bench/serve-registry}
rows=$root/build/bench/rows-100000.csv
body='{"features": [5.9, 3.0, 5.1, 1.8]}'

if [ ! -f "$rows" ] || [ ! -d "$reg/iris" ]; then
    echo "ab.sh: run make bench (or bench-smoke) first for models and rows" >&2
    exit 1
fi

mkdir -p "$out"
rm -rf "$out/old"
git -C "$root" worktree add -q --detach "$out/old" "$rev"
trap 'git -C "$root" worktree remove --force "$out/old"' EXIT

libs="$(pkg-config --libs libcjson) -lunistring -lmurmurhash -lz -lm -lpthread"
for side in old new; do
    src=$root
    [ "$side" = new ] || src=$out/old
    (cd "$src" && make -s build/lib/libmlclf_all.a >/dev/null)
    # shellcheck disable=SC2086
    cc -std=gnu11 -O2 -D_GNU_SOURCE -I"$src/libmlclf" \
       -o "$out/micro-$side" "$src/bench/micro.c" \
       "$src/build/lib/libmlclf_all.a" $libs
done

: >"$out/runs.txt"
r=0
while [ $r -lt "$rounds" ]; do
    for side in old new; do
        for model in iris iris_forest; do
            printf '%s %s ' "$side" "$model" >>"$out/runs.txt"
            taskset -c 1 "$out/micro-$side" \
                "$reg/$model/versions/v1/model.mlclf" "$rows" 7 "$body" \
                >>"$out/runs.txt"
        done
    done
    r=$((r + 1))
done

python3 - "$out/runs.txt" "$rev" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    side, model, js = line.split(" ", 2)
    for k, v in json.loads(js).items():
        # pinned to one CPU: the 2-thread batch says nothing here
        if (k.endswith("ns") or k.endswith("ns_per_row")) and "2t" not in k:
            runs.setdefault((model, k, side), []).append(v)
print(f"| model | figure (ns) | {sys.argv[2]} | working tree | ratio |")
print("|---|---|---|---|---|")
for (model, k, side) in sorted(runs):
    if side != "old":
        continue
    a = statistics.median(runs[(model, k, "old")])
    b = statistics.median(runs[(model, k, "new")])
    print(f"| {model} | {k} | {a:.1f} | {b:.1f} | {b / a:.3f} |")
PY
