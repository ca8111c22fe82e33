#!/bin/sh
# make deb: builds the Debian packages libnginx-mod-http-mlclf and
# mlclf-tools into build/deb/ (binary only, unsigned).
#
# The tree (tracked and untracked, not ignored files) is copied to
# build/deb/mlclf-<version>/ and dpkg-buildpackage runs there, so the
# working tree's build/ is not touched.  DEB_VERSION=X.Y.Z (e.g. from a
# release tag) adds a changelog entry with that version to the copy.
# Needs dpkg-dev, debhelper and the Build-Depends of debian/control
# (apt-get build-dep is not needed: scripts/install-deps.sh has them all
# except dpkg-dev and debhelper, which are installed here if missing).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

B=${B:-build}
out=$B/deb

scripts/install-deps.sh dpkg-dev debhelper nginx-dev

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
if [ -n "${DEB_VERSION:-}" ]; then
    version=$DEB_VERSION
fi
src=$out/mlclf-$version

rm -rf "$out"
mkdir -p "$src"
git ls-files -co --exclude-standard -z \
    | grep -zv -e '^build/' -e '^var/' \
    | xargs -0 cp --parents -t "$src" 2>/dev/null || true
# Files deleted in the work tree but still tracked make cp fail above;
# what matters is that the build inputs are there.
for f in Makefile config debian/rules debian/control conf/iris.yaml; do
    [ -f "$src/$f" ] || { echo "deb: $f missing from the copy" >&2; exit 1; }
done

if [ -n "${DEB_VERSION:-}" ]; then
    date=$(date -R -u ${SOURCE_DATE_EPOCH:+-d @$SOURCE_DATE_EPOCH})
    {
        printf 'mlclf (%s) bookworm; urgency=medium\n\n' "$version"
        printf '  * Release %s.\n\n' "$version"
        printf ' -- The mlclf authors <maintainers@users.noreply.github.com>'
        printf '  %s\n\n' "$date"
        cat debian/changelog
    } > "$src/debian/changelog"
fi

echo "deb: dpkg-buildpackage in $src (log $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc -j"$(nproc)") \
        >"$out/build.log" 2>&1
then
    tail -n 40 "$out/build.log" >&2
    echo "deb: dpkg-buildpackage failed, log $out/build.log" >&2
    exit 1
fi

for deb in "$out"/*.deb; do
    echo "deb: $deb"
    dpkg-deb -f "$deb" Package Version Depends | sed 's/^/     /'
done
