#!/usr/bin/env bash
# Training benchmark (issue: core/trainer): mlclf-train against Debian's
# scikit-learn + pandas on the same machine, in the same run.
#
#   bench/train.sh [ROWS] [FEATURES]      default 1000000 x 50
#   KINDS=logreg bench/train.sh           one learner only
#
# Prints a markdown table and writes it to build/bench/train.md.
# Needs python3-sklearn and python3-pandas (bench/install-deps.sh).
set -euo pipefail

cd "$(dirname "$0")/.."

ROWS=${1:-1000000}
FEATURES=${2:-50}
OUT=build/bench
PY=/usr/bin/python3
TRAIN=build/bin/mlclf-train

mkdir -p "$OUT"
export LC_ALL=C SOURCE_DATE_EPOCH=1700000000

. bench/train_data.sh
DATA=$(bench_data "$OUT" "$ROWS" "$FEATURES")

# One YAML per learner, the same split for both sides.
features=$(bench_features "$FEATURES")
for kind in ${KINDS:-logreg forest}; do
    {
        echo "name: big_$kind"
        echo "data: $DATA"
        echo "label: label"
        echo "features:"
        echo "$features"
        echo "classes: [c0, c1, c2]"
        echo "missing: fail"
        echo "split: {test_fraction: 0.2, seed: 42, stratify: true}"
        echo "model:"
        echo "  kind: $kind"
        if [ "$kind" = forest ]; then
            echo "  n_trees: 100"
            echo "  max_depth: 12"
            echo "  n_threads: 2"
        fi
    } > "$OUT/big-$kind.yaml"
done

REG="$OUT/registry"
rm -rf "$REG"

# field N of "Maximum resident set size (kbytes): N" from GNU time
peak_kb() { awk -F': ' '/Maximum resident/ { print $2 }' "$1"; }
jget() { $PY -c "import json,sys; d=json.load(open('$1')); print($2)"; }

rows_md=""
for kind in ${KINDS:-logreg forest}; do
    /usr/bin/time -v -o "$OUT/time-$kind.txt" \
        "$TRAIN" --config "$OUT/big-$kind.yaml" --registry "$REG" --json \
        > "$OUT/mlclf-$kind.json"
    ours_wall=$(awk -F': ' '/Elapsed \(wall/ { print $2 }' \
                "$OUT/time-$kind.txt")
    ours_kb=$(peak_kb "$OUT/time-$kind.txt")
    vdir="$REG/big_$kind/versions/v1"
    ours_fit=$(jget "$vdir/meta.json" "d['fit_seconds']")
    ours_acc=$(jget "$OUT/mlclf-$kind.json" "d['metrics']['accuracy']")

    /usr/bin/time -v -o "$OUT/time-sk-$kind.txt" \
        $PY bench/sklearn_train.py "$kind" "$DATA" "$vdir" label 2 \
        > "$OUT/sklearn-$kind.json"
    sk_kb=$(peak_kb "$OUT/time-sk-$kind.txt")
    sk_read=$(jget "$OUT/sklearn-$kind.json" "d['read_s']")
    sk_fit=$(jget "$OUT/sklearn-$kind.json" "d['fit_s']")
    sk_acc=$(jget "$OUT/sklearn-$kind.json" "d['accuracy']")

    rows_md+=$($PY - "$kind" "$ours_wall" "$ours_fit" "$ours_acc" \
        "$ours_kb" "$sk_read" "$sk_fit" "$sk_acc" "$sk_kb" <<'PYEOF'
import sys
k, wall, fit, acc, kb, skr, skf, ska, skkb = sys.argv[1:]
def secs(s):
    p = [float(x) for x in s.split(':')]
    return sum(v * 60 ** i for i, v in enumerate(reversed(p)))
wall, fit, acc, kb = secs(wall), float(fit), float(acc), int(kb)
skr, skf, ska, skkb = float(skr), float(skf), float(ska), int(skkb)
if k == "logreg":
    ratio = (skr + skf) / wall
    what = "whole run vs read_csv+fit"
else:
    ratio = skf / fit
    what = "fit vs fit"
print(f"| {k} | {wall:.2f} | {fit:.2f} | {acc:.4f} | {kb/1024:.0f} "
      f"| {skr:.2f} | {skf:.2f} | {ska:.4f} | {skkb/1024:.0f} "
      f"| {ratio:.1f}x ({what}) | {(acc-ska)*100:+.2f} |")
PYEOF
)$'\n'
done

{
    echo "Training, ${ROWS} x ${FEATURES}, 3 classes, 80/20 stratified" \
         "split (seed 42), $(nproc) cores, $(date -u +%F)"
    echo
    echo "| model | mlclf run s | mlclf fit s | mlclf acc | mlclf peak MiB" \
         "| pandas read s | sklearn fit s | sklearn acc | sklearn peak MiB" \
         "| speed-up | acc diff (pts) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$rows_md"
} | tee "$OUT/train.md"
