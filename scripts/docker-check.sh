#!/bin/sh
# make docker-check: builds the Dockerfile for real without a Docker
# engine and smoke-tests the image.
#
#   1. debian:bookworm-slim, made here: debootstrap --variant=minbase
#      from the mirror apt uses, trimmed like the official slim image,
#      cached as build/docker/bookworm-slim.tar, `podman import`ed as
#      docker.io/library/debian:bookworm-slim;
#   2. podman build --isolation=chroot --format docker (keeps HEALTHCHECK);
#   3. the image's configuration (user, port, volume, healthcheck);
#   4. buildah run --isolation chroot --network host inside the image, as
#      its non-root user: nginx -t, start NGINX, POST /predict,
#      GET /health and /metrics, train + promote + reload to v2, rollback,
#      the HEALTHCHECK command, stop.
# (`podman run` does not work on these machines; buildah run does.)
#
# Needs root (debootstrap, podman).  Installs debootstrap, podman and
# buildah from Debian if missing.  Environment: IMAGE (default
# localhost/mlclf:check), SMOKE_PORT (default 18080, host network).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

B=${B:-build}
dir=$B/docker
IMAGE=${IMAGE:-localhost/mlclf:check}
BASE=docker.io/library/debian:bookworm-slim
PORT=${SMOKE_PORT:-18080}
tarball=$dir/bookworm-slim.tar

say() { printf '%s\n' "docker-check: $*"; }
t0=$(date +%s)
step() { say "[$(( $(date +%s) - t0 ))s] $*"; }

if [ "$(id -u)" -ne 0 ]; then
    say "needs root (debootstrap, podman storage)" >&2
    exit 1
fi

scripts/install-deps.sh debootstrap podman buildah

# The Debian mirror apt uses here (deb822 URIs: or a one-line deb).
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
             /etc/apt/sources.list.d/*.sources 2>/dev/null \
         | awk '/^URIs:/ { print $2 } /^deb / { print $2 }' \
         | grep -E '/debian/?$' | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
security=$(printf '%s' "$mirror" | sed -e 's|/debian/*$|/debian-security|')

mkdir -p "$dir"

# 1. The base image.
if [ ! -s "$tarball" ]; then
    step "debootstrap bookworm (minbase) from $mirror"
    rootfs=$dir/rootfs
    rm -rf "$rootfs" "$tarball.tmp"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" \
        >"$dir/debootstrap.log" 2>&1 || {
        tail -n 30 "$dir/debootstrap.log" >&2
        exit 1
    }
    rm -f "$rootfs/etc/apt/sources.list"
    cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<END
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
END
    # As the official slim image: no docs, man pages or locales, no
    # apt caches.
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<END
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
END
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<END
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
END
    printf 'APT::Install-Recommends "false";\n' \
        >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
           "$rootfs"/var/cache/apt/archives/*.deb \
           "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
           "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log
    tar --numeric-owner -C "$rootfs" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
fi

if ! podman image exists "$BASE" \
   || [ "$tarball" -nt "$dir/base.imported" ]
then
    step "podman import $tarball as $BASE"
    podman import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' \
        "$tarball" "$BASE" >/dev/null
    touch "$dir/base.imported"
fi

# 2. The image.
step "podman build --isolation=chroot -t $IMAGE"
if ! podman build --isolation=chroot --pull=never --format docker \
        -t "$IMAGE" -f Dockerfile . >"$dir/build.log" 2>&1
then
    tail -n 40 "$dir/build.log" >&2
    say "FAIL: podman build, log $dir/build.log" >&2
    exit 1
fi

# 3. The image configuration.
step "image configuration"
cfg=$(podman image inspect --format \
      'user={{.Config.User}} ports={{range $p, $v := .Config.ExposedPorts}}{{$p}} {{end}}volumes={{range $p, $v := .Config.Volumes}}{{$p}} {{end}}health={{.Config.Healthcheck}}' \
      "$IMAGE")
say "$cfg"
fails=0
for want in 'user=mlclf' 'ports=8080/tcp' \
            'volumes=/opt/mlclf/var/registry' 'curl -fsS'
do
    case $cfg in
    *"$want"*) ;;
    *) say "FAIL: image configuration lacks '$want'"; fails=1 ;;
    esac
done
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
say "image size $((size / 1024 / 1024)) MiB"

# 4. The smoke test inside the image.
if ss -ltnH "sport = :$PORT" 2>/dev/null | grep -q .; then
    say "port $PORT is in use; set SMOKE_PORT" >&2
    exit 1
fi

step "smoke test: buildah run --isolation chroot --network host"
ctr=$(buildah from --pull-never "$IMAGE")
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT

buildah copy --quiet "$ctr" scripts/docker-smoke.sh /tmp/docker-smoke.sh \
    >/dev/null
if ! buildah run --isolation chroot --network host \
        --env "PORT=$PORT" "$ctr" -- sh /tmp/docker-smoke.sh
then
    fails=1
fi

step "done"
if [ $fails -ne 0 ]; then
    say "FAIL"
    exit 1
fi
say "ok: $IMAGE"
