#!/bin/sh
# make docker-check-dry: runs scripts/docker-check.sh with fake podman,
# buildah, debootstrap, ss, id and dpkg-query (first in PATH) and checks
# what it does, in seconds and without root or a network:
#
# - the base is imported as localhost/mlclf-base:bookworm-slim, passed
#   to both builds as --build-arg BASE=..., and docker.io/library/debian
#   is never named;
# - the builder stage is built and tagged apart, and removed at the end,
#   when the check passes and when it fails;
# - buildah's known flake ("Close_Fd sealing memfd copy: Device or
#   resource busy") is retried once, in a build, in the smoke test and
#   in the KServe mode's test, and only that message: a second flake,
#   or any other error, fails;
# - the KServe mode's test runs in a container of its own with the
#   model directories copied to /mnt/models*, and its failure fails;
# - a busy port fails before anything is built; the image that $IMAGE
#   named before is removed once a new one replaces it.
#
# Each scenario runs in its own build directory under a temporary
# directory.  Prints one line per scenario; exits 1 if any failed.
# DOCKER_CHECK=FILE tests another copy of the script (e.g. a broken
# one, which must fail here).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

work=$(mktemp -d /tmp/mlclf-docker-dry.XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0
FLAKE='Close_Fd sealing memfd copy: Device or resource busy'

say() { printf '%s\n' "docker-check-dry: $*"; }

# --- the fakes; their state and a log of their calls are in $FAKE ------

mkdir -p "$work/bin"

cat >"$work/bin/id" <<'END'
#!/bin/sh
echo 0
END

cat >"$work/bin/dpkg-query" <<'END'
#!/bin/sh
printf 'install ok installed'
END

cat >"$work/bin/ss" <<'END'
#!/bin/sh
cat "$FAKE/ss" 2>/dev/null || :
END

cat >"$work/bin/debootstrap" <<'END'
#!/bin/sh
echo "debootstrap $*" >>"$FAKE/calls"
rootfs=$3
mkdir -p "$rootfs/etc/apt/sources.list.d" "$rootfs/etc/apt/apt.conf.d" \
    "$rootfs/etc/dpkg/dpkg.cfg.d" "$rootfs/usr/bin"
echo fake >"$rootfs/usr/bin/sh"
END

# next PLAN: the first line of $FAKE/PLAN, removed from it ("ok" when
# the plan is empty)
cat >"$work/bin/fake-next" <<'END'
#!/bin/sh
f=$FAKE/$1
if [ -s "$f" ]; then
    head -n 1 "$f"
    sed -i 1d "$f"
else
    echo ok
fi
END

cat >"$work/bin/podman" <<'END'
#!/bin/sh
echo "podman $*" >>"$FAKE/calls"
img() { printf '%s/images/%s' "$FAKE" "$(printf '%s' "$1" | tr '/:' '__')"; }
# a new image tagged $1; the one the tag named before stays, untagged
new_image() {
    n=$(($(cat "$FAKE/ids" 2>/dev/null || echo 0) + 1))
    echo "$n" >"$FAKE/ids"
    if [ -f "$(img "$1")" ]; then
        old=$(cat "$(img "$1")")
        echo "$old" >"$FAKE/images/untagged-$old"
    fi
    echo "id-$n" >"$(img "$1")"
}
last() { for a in "$@"; do :; done; printf '%s' "$a"; }
case "$1 $2" in
"image exists")
    [ -f "$(img "$3")" ] && exit 0
    grep -qx "$3" "$FAKE"/images/* 2>/dev/null
    ;;
"image inspect")
    name=$(last "$@")
    [ -f "$(img "$name")" ] || { echo "Error: $name: image not known" >&2
                                 exit 125; }
    case $4 in
    *.Id*) cat "$(img "$name")" ;;
    *.Size*) echo 150000000 ;;
    *) echo 'user=mlclf ports=8080/tcp volumes=/opt/mlclf/var/registry' \
            'health=&{[CMD-SHELL curl -fsS -o /dev/null' \
            'http://127.0.0.1:8080/health || exit 1]}' ;;
    esac
    ;;
"import "*)
    new_image "$(last "$@")"
    ;;
"build "*)
    case $(fake-next build-plan) in
    flake) echo "error running container: $FLAKE"; exit 1 ;;
    error) echo "Error: building at STEP \"RUN make\": exit status 2"
           exit 1 ;;
    esac
    tag=
    prev=
    for a in "$@"; do
        [ "$prev" = -t ] && tag=$a
        prev=$a
    done
    new_image "$tag"
    ;;
"rmi "*)
    for f in "$FAKE"/images/*; do
        if [ "$f" = "$(img "$2")" ] || [ "$(cat "$f")" = "$2" ]; then
            rm -f "$f"
            exit 0
        fi
    done
    echo "Error: $2: image not known" >&2
    exit 1
    ;;
*)
    echo "fake podman: unexpected: $*" >&2
    exit 99
    ;;
esac
END

cat >"$work/bin/buildah" <<'END'
#!/bin/sh
echo "buildah $*" >>"$FAKE/calls"
case $1 in
from)
    n=$(($(cat "$FAKE/ctrs" 2>/dev/null || echo 0) + 1))
    echo "$n" >"$FAKE/ctrs"
    echo "ctr-$n"
    ;;
copy|rm)
    ;;
run)
    case $(fake-next run-plan) in
    flake) echo "error running container: $FLAKE"; exit 1 ;;
    error) echo "smoke: FAIL: predict"; exit 1 ;;
    esac
    echo "smoke: ok"
    ;;
*)
    echo "fake buildah: unexpected: $*" >&2
    exit 99
    ;;
esac
END

sed -i "s|\$FLAKE|$FLAKE|" "$work/bin/podman" "$work/bin/buildah"
chmod +x "$work/bin"/*

# --- scenarios -----------------------------------------------------------

# run NAME BUILD_PLAN RUN_PLAN: docker-check.sh with the fakes; its exit
# status in $rc, its output in $out, the fakes' calls in $calls
run() {
    name=$1
    FAKE=$work/$name
    mkdir -p "$FAKE/images"
    printf '%s\n' $2 >"$FAKE/build-plan"
    printf '%s\n' $3 >"$FAKE/run-plan"
    : >"$FAKE/calls"
    rc=0
    out=$(FAKE=$FAKE PATH="$work/bin:$PATH" B=$FAKE/build \
          IMAGE=localhost/mlclf:dry MLCLF_PORT=19999 \
          sh "${DOCKER_CHECK:-scripts/docker-check.sh}" 2>&1) || rc=$?
    calls=$(cat "$FAKE/calls")
    errs=
}

# expect DESCRIPTION SHELL-TEST: records a failed expectation
expect() {
    if ! eval "$2"; then
        errs="$errs
    expected: $1"
    fi
}

count() {
    printf '%s\n' "$calls" | grep -c -- "$1" || :
}

done_scenario() {
    if [ -n "$errs" ]; then
        say "FAIL: $name:$errs"
        printf '%s\n' "$out" | sed 's/^/    | /' | tail -n 30
        printf '%s\n' "$calls" | sed 's/^/    calls: /'
        fails=$((fails + 1))
    else
        say "$name: ok"
    fi
}

base_arg='--build-arg BASE=localhost/mlclf-base:bookworm-slim'

run clean "ok ok" "ok"
expect "exit 0" '[ $rc -eq 0 ]'
expect "debootstrap once" '[ "$(count "^debootstrap ")" -eq 1 ]'
expect "base imported as localhost/mlclf-base:bookworm-slim" \
    'printf "%s\n" "$calls" | grep -q "^podman import .* localhost/mlclf-base:bookworm-slim$"'
expect "docker.io/library/debian never named" \
    '! printf "%s\n" "$calls" | grep -q "docker.io/library/debian"'
expect "both builds given BASE" \
    '[ "$(count "^podman build .*$base_arg")" -eq 2 ]'
expect "the builder stage built and tagged apart" \
    'printf "%s\n" "$calls" | grep -q -- "^podman build .*--target builder -t localhost/mlclf:dry-builder"'
expect "the builder image removed" \
    'printf "%s\n" "$calls" | grep -qx "podman rmi localhost/mlclf:dry-builder"'
expect "the builder image gone" \
    '[ ! -f "$FAKE/images/localhost_mlclf_dry-builder" ]'
expect "the image kept" '[ -f "$FAKE/images/localhost_mlclf_dry" ]'
expect "the smoke container removed" \
    'printf "%s\n" "$calls" | grep -qx "buildah rm ctr-1"'
expect "the smoke port passed in" \
    'printf "%s\n" "$calls" | grep -q -- "^buildah run .*--env MLCLF_PORT=19999"'
expect "no retry" '! printf "%s\n" "$out" | grep -q retrying'
expect "the KServe test run once, with the port" \
    '[ "$(count "^buildah run .*--env MLCLF_PORT=19999 ctr-2 -- sh /tmp/docker-smoke-kserve.sh$")" -eq 1 ]'
expect "a .mlclf file copied to /mnt/models" \
    'printf "%s\n" "$calls" | grep -q -- "^buildah copy --quiet ctr-2 tests/fixtures/golden-logreg.mlclf /mnt/models/golden-logreg.mlclf$"'
expect "an XGBoost model copied to /mnt/models-xgb" \
    'printf "%s\n" "$calls" | grep -q -- "^buildah copy --quiet ctr-2 tests/fixtures/xgboost/tiny.json /mnt/models-xgb/model.json$"'
expect "the KServe container removed" \
    'printf "%s\n" "$calls" | grep -qx "buildah rm ctr-2"'
done_scenario

run build-flake-once "flake ok ok" "ok"
expect "exit 0" '[ $rc -eq 0 ]'
expect "3 builds" '[ "$(count "^podman build ")" -eq 3 ]'
expect "the retry said" \
    'printf "%s\n" "$out" | grep -q "known buildah flake.*retrying once"'
expect "the builder image removed" \
    'printf "%s\n" "$calls" | grep -qx "podman rmi localhost/mlclf:dry-builder"'
done_scenario

run build-flake-twice "flake flake ok" "ok"
expect "failure" '[ $rc -ne 0 ]'
expect "2 builds, no third" '[ "$(count "^podman build ")" -eq 2 ]'
expect "no smoke test" '[ "$(count "^buildah run ")" -eq 0 ]'
done_scenario

run build-error "error ok" "ok"
expect "failure" '[ $rc -ne 0 ]'
expect "1 build: other errors are not retried" \
    '[ "$(count "^podman build ")" -eq 1 ]'
expect "the log shown" \
    'printf "%s\n" "$out" | grep -q "exit status 2"'
done_scenario

run image-flake-then-error "ok flake error" "ok"
expect "failure" '[ $rc -ne 0 ]'
expect "3 builds" '[ "$(count "^podman build ")" -eq 3 ]'
expect "the builder image removed on failure" \
    'printf "%s\n" "$calls" | grep -qx "podman rmi localhost/mlclf:dry-builder"'
done_scenario

run smoke-flake-once "ok ok" "flake ok ok"
expect "exit 0" '[ $rc -eq 0 ]'
expect "2 smoke runs and 1 KServe run in 3 containers" \
    '[ "$(count "^buildah run .*/tmp/docker-smoke.sh$")" -eq 2 ] && [ "$(count "^buildah run .*/tmp/docker-smoke-kserve.sh$")" -eq 1 ] && [ "$(count "^buildah from ")" -eq 3 ]'
expect "every container removed" \
    '[ "$(count "^buildah rm ctr-")" -eq 3 ]'
done_scenario

run smoke-error "ok ok" "error ok"
expect "failure" '[ $rc -ne 0 ]'
expect "1 smoke run: other errors are not retried" \
    '[ "$(count "^buildah run .*/tmp/docker-smoke.sh$")" -eq 1 ]'
expect "the smoke output shown" \
    'printf "%s\n" "$out" | grep -q "smoke: FAIL: predict"'
expect "the builder image removed on failure" \
    'printf "%s\n" "$calls" | grep -qx "podman rmi localhost/mlclf:dry-builder"'
done_scenario

run kserve-flake-once "ok ok" "ok flake ok"
expect "exit 0" '[ $rc -eq 0 ]'
expect "2 KServe runs in 2 containers" \
    '[ "$(count "^buildah run .*/tmp/docker-smoke-kserve.sh$")" -eq 2 ] && [ "$(count "^buildah from ")" -eq 3 ]'
expect "the retry said" \
    'printf "%s\n" "$out" | grep -q "known buildah flake.*retrying once"'
done_scenario

run kserve-error "ok ok" "ok error ok"
expect "failure" '[ $rc -ne 0 ]'
expect "1 KServe run: other errors are not retried" \
    '[ "$(count "^buildah run .*/tmp/docker-smoke-kserve.sh$")" -eq 1 ]'
expect "its output shown" \
    'printf "%s\n" "$out" | grep -q "smoke: FAIL: predict"'
expect "the builder image removed on failure" \
    'printf "%s\n" "$calls" | grep -qx "podman rmi localhost/mlclf:dry-builder"'
done_scenario

# A busy port: the fake ss lists a listener before the run.
FAKE=$work/port-busy
mkdir -p "$FAKE"
echo 'LISTEN 0 511 127.0.0.1:19999 0.0.0.0:*' >"$FAKE/ss"
run port-busy "ok ok" "ok"
expect "failure" '[ $rc -ne 0 ]'
expect "the port named" \
    'printf "%s\n" "$out" | grep -q "port 19999 is in use"'
expect "nothing built" '[ "$(count "^podman build ")" -eq 0 ]'
done_scenario

# An image from an earlier run: replaced, then removed.
FAKE=$work/replace
mkdir -p "$FAKE/images"
echo old-1 >"$FAKE/images/localhost_mlclf_dry"
run replace "ok ok" "ok"
expect "exit 0" '[ $rc -eq 0 ]'
expect "the former image removed" \
    'printf "%s\n" "$calls" | grep -qx "podman rmi old-1"'
done_scenario

if [ $fails -ne 0 ]; then
    say "$fails scenario(s) failed"
    exit 1
fi
say "ok"
