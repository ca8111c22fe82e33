# shellcheck shell=bash
# Sourced by the training benchmarks (bench/train.sh, bench/train_gbt.sh):
# the generated data set they share, and its features as a YAML list.

# bench_data DIR ROWS FEATURES: prints the path of bench/gen_data.c's
# ROWS x FEATURES 3-class CSV in DIR, generating it (seed 7) if missing.
bench_data() {
    local dir=$1 rows=$2 n=$3 data
    data="$dir/big-${rows}x${n}.csv"
    cc -O2 -o "$dir/gen_data" bench/gen_data.c -lm
    if [ ! -s "$data" ]; then
        "$dir/gen_data" "$rows" "$n" 7 > "$data.tmp"
        mv "$data.tmp" "$data"
    fi
    echo "$data"
}

# bench_features FEATURES: the YAML list f0 .. f<FEATURES-1>, floats.
bench_features() {
    local j
    for ((j = 0; j < $1; j++)); do
        printf '  - {name: f%d, type: float}\n' "$j"
    done
}
