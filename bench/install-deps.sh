#!/bin/sh
# Debian packages the benchmarks need (make bench, make bench-smoke), on
# top of scripts/install-deps.sh.  Installs only what is missing.
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

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
         | grep -q 'install ok installed'
    then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "${1:-}" = "--check" ]; then
    echo "missing packages:$missing"
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

echo "bench/install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
