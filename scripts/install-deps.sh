#!/bin/sh
# Installs every Debian 12 package that building, testing and running
# mlclf need, the checks' tools included (docs/checks.md), so that no
# check finds a tool missing.  The Python packages are the importer
# tests' references (and the scikit-learn exporter's), never a runtime
# dependency.  Idempotent: installs only what is missing.
#   scripts/install-deps.sh          install what is missing
#   scripts/install-deps.sh --check  exit 1 if anything is missing
# Packages named after the option replace the list below: the other
# scripts install what only they need through here (make deb, make
# docker-check, bench/install-deps.sh).
set -eu

check=
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi

PACKAGES="
build-essential
pkg-config
clang
libclang-rt-14-dev
libcjson-dev
libunistring-dev
libmurmurhash-dev
libxxhash-dev
zlib1g-dev
libssl-dev
libyaml-dev
libopenblas-dev
libopenblas0-serial
nginx
nginx-dev
perl
libipc-run-perl
libwww-perl
liburi-perl
libtest-base-perl
libtext-diff-perl
libtest-longstring-perl
liblist-moreutils-perl
cppcheck
prometheus
wrk
curl
iproute2
procps
valgrind
python3-yaml
python3-kubernetes
python3-numpy
python3-sklearn
python3-xgboost
"

if [ $# -gt 0 ]; then
    PACKAGES="$*"
fi

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

if [ -n "$check" ]; then
    echo "missing packages:$missing"
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
