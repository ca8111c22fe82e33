#!/bin/sh
# Debian packages the benchmarks need (make bench, make bench-smoke), on
# top of scripts/install-deps.sh, which installs them (only what is
# missing).
#   bench/install-deps.sh          install what is missing
#   bench/install-deps.sh --check  exit 1 if anything is missing
set -eu

PACKAGES="
wrk
gnuplot-nox
util-linux
time
python3
python3-numpy
python3-pandas
python3-sklearn
python3-xgboost
python3-fastapi
python3-uvicorn
"

# shellcheck disable=SC2086
exec "$(dirname "$0")/../scripts/install-deps.sh" "$@" $PACKAGES
