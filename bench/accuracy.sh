#!/usr/bin/env bash
# Accuracy against scikit-learn (logreg, forest) and XGBoost (gbt) on the
# sample data sets: the reference is fitted on mlclf-train's own
# train.csv and scored on its test.csv.  Then the spam set (issue 14):
# conf/spam-{logreg,forest,gbt}.yaml and bench/spam-logreg-tfidf.yaml
# against scikit-learn's TfidfVectorizer + LogisticRegression and each
# configuration done in scikit-learn (bench/spam_accuracy.py), spam F1
# and accuracy; it needs data/raw/spam.csv (make datasets).
# Prints markdown tables and writes build/bench/accuracy.md.
set -euo pipefail

cd "$(dirname "$0")/.."

OUT=build/bench
PY=/usr/bin/python3
REG="$OUT/acc-registry"
mkdir -p "$OUT"
rm -rf "$REG"

if [ ! -f data/raw/spam.csv ]; then
    echo "accuracy.sh: data/raw/spam.csv is missing: make datasets" >&2
    exit 1
fi

export LC_ALL=C SOURCE_DATE_EPOCH=1700000000

{
    echo "| data set | model | test rows | mlclf acc | reference acc" \
         "| allowed gap | within |"
    echo "|---|---|---|---|---|---|---|"
    for set in iris:species wine:cultivar breast_cancer:diagnosis; do
        name=${set%%:*}
        label=${set#*:}
        for kind in logreg forest gbt; do
            json=$(build/bin/mlclf-train --config "conf/$name-$kind.yaml" \
                   --registry "$REG" --json --quiet)
            reg=$(echo "$json" | $PY -c \
                  'import json,sys; print(json.load(sys.stdin)["name"])')
            vdir="$REG/$reg/versions/v1"
            if [ "$kind" = gbt ]; then
                # the reference is XGBoost (hist), same hyperparameters
                sk=$($PY tests/ref/xgboost_gbt_accuracy.py \
                     "conf/$name-$kind.yaml" "$vdir")
            else
                sk=$($PY bench/sklearn_train.py "$kind" \
                     "data/raw/$name.csv" "$vdir" "$label" 2)
            fi
            $PY - "$name" "$kind" "$json" "$sk" <<'PYEOF'
import json, sys
name, kind, ours, sk = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), \
    json.loads(sys.argv[4])
acc, ska, n = ours["metrics"]["accuracy"], sk["accuracy"], sk["rows_test"]
gap = max(0.01, 1.0 / n)
ok = "yes" if ska - acc <= gap + 1e-12 else "NO"
print(f"| {name} | {kind} | {n} | {acc:.4f} | {ska:.4f} | {gap:.4f} | {ok} |")
PYEOF
        done
    done
} | tee "$OUT/accuracy.md"

# The spam set: every configuration has the same split (stratified 20%,
# seed 42), which spam_accuracy.py checks on the published files.
args=()
for cfg in conf/spam-logreg.yaml bench/spam-logreg-tfidf.yaml \
           conf/spam-forest.yaml conf/spam-gbt.yaml; do
    json="$OUT/acc-$(basename "$cfg" .yaml).json"
    build/bin/mlclf-train --config "$cfg" --registry "$REG" --json \
        --quiet > "$json"
    args+=("$cfg" "$json")
done
{
    echo
    $PY bench/spam_accuracy.py "${args[@]}"
} | tee -a "$OUT/accuracy.md"
