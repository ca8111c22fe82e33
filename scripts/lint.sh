#!/bin/sh
# make lint: whitespace, tabs, 80 columns in C sources, file and
# function sizes, cppcheck.  Fails, never skips, when git or cppcheck
# is missing or there is no C file to check.
set -u

status=0

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "lint: not a git work tree (lint checks the files git knows)" >&2
    exit 1
fi
if ! command -v cppcheck >/dev/null 2>&1; then
    echo "lint: cppcheck not found (apt-get install cppcheck, or" \
         "scripts/install-deps.sh)" >&2
    exit 1
fi

if ! git diff --check HEAD -- . >/dev/null 2>&1; then
    git diff --check HEAD -- .
    status=1
fi

files=$(git ls-files -co --exclude-standard -- '*.c' '*.h' \
        | grep -v '^build/')
if [ -z "$files" ]; then
    echo "lint: git lists no C file to check" >&2
    exit 1
fi

for f in $files; do
    [ -f "$f" ] || continue

    if grep -n "$(printf '\t')" "$f" /dev/null | head -n 5 | grep .; then
        echo "lint: $f: tab characters"
        status=1
    fi

    if grep -n ' $' "$f" /dev/null | head -n 5 | grep .; then
        echo "lint: $f: trailing spaces"
        status=1
    fi

    long=$(awk 'length($0) > 80 { printf "%s:%d: %d columns\n",
                FILENAME, FNR, length($0) }' "$f")
    if [ -n "$long" ]; then
        echo "$long" | head -n 5
        echo "lint: $f: lines over 80 columns"
        status=1
    fi
done

# shellcheck disable=SC2086
if ! awk -v max_file=1000 -v max_func=150 \
         -f scripts/sizes.awk $files
then
    echo "lint: files or functions above the sizes of STYLE.md"
    status=1
fi

# one release: MLCLF_RELEASE (mlclf.h, the CLIs' --version) and the
# newest entry of debian/changelog
rel=$(sed -n 's/^#define MLCLF_RELEASE *"\(.*\)"$/\1/p' libmlclf/mlclf.h)
deb=$(sed -n '1s/^mlclf (\([^)-]*\).*/\1/p' debian/changelog)
if [ -z "$rel" ] || [ "$rel" != "$deb" ]; then
    echo "lint: MLCLF_RELEASE \"$rel\" (libmlclf/mlclf.h) is not the" \
         "version of debian/changelog, \"$deb\""
    status=1
fi

# cppcheck is most of lint's time (about 50 s): its results are kept
# in build/cppcheck, so that a file unchanged since the last run is not
# analysed again (and its findings are reported again)
mkdir -p build/cppcheck

# shellcheck disable=SC2086
if ! cppcheck -q --error-exitcode=1 --inline-suppr \
     --cppcheck-build-dir=build/cppcheck \
     --enable=warning,portability --std=c11 \
     --suppress=missingIncludeSystem \
     -Ilibmlclf -Itrainer -Iregistry \
     $(echo "$files" | grep -v '^ngx_http_mlclf_module/' \
       | grep -v '^tests/tap.h$')
then
    echo "lint: cppcheck found problems"
    status=1
fi

exit $status
