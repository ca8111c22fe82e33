#!/bin/sh
# Builds ngx_http_mlclf_module.so against Debian's nginx-dev tree.
#
#   scripts/build-module.sh <repo> <builddir>
#
# Copies /usr/share/nginx/src (headers + auto/, no .c) to
# <builddir>/nginx-src, configures it with Debian's own flags
# (conf_flags, which include --with-compat, plus the --with-cc-opt and
# --with-ld-opt of `nginx -V`) and --add-dynamic-module=<repo>, builds
# only the modules and installs <builddir>/modules/ngx_http_mlclf_module.so.
# Configure runs again only when <repo>/config or the flags change; make
# rebuilds what changed.  Quiet on success, the log on failure.
#
# Elsewhere (upstream nginx source tree of the same version as the
# binary):  ./configure --with-compat --add-dynamic-module=<repo>
#           make modules
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 <repo> <builddir>" >&2
    exit 2
fi

repo=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)

NGX_DEV=${NGX_DEV:-/usr/share/nginx/src}
src=$build/nginx-src
log=$build/module-build.log
mod=ngx_http_mlclf_module.so

CC_OPT=${MLCLF_NGX_CC_OPT:-"-g -O2 -fstack-protector-strong -Wformat \
-Werror=format-security -fPIC -Wdate-time -D_FORTIFY_SOURCE=2"}
LD_OPT=${MLCLF_NGX_LD_OPT:-"-Wl,-z,relro -Wl,-z,now -fPIC"}

if [ ! -f "$NGX_DEV/conf_flags" ]; then
    echo "$0: $NGX_DEV/conf_flags not found (apt-get install nginx-dev)" >&2
    exit 1
fi

fail() {
    echo "$0: $1 failed, log: $log" >&2
    tail -n 40 "$log" >&2
    exit 1
}

if [ ! -f "$src/.mlclf-copied" ] \
   || [ "$NGX_DEV/src/core/nginx.h" -nt "$src/.mlclf-copied" ]
then
    rm -rf "$src"
    mkdir -p "$src"
    cp -a "$NGX_DEV/." "$src/"
    touch "$src/.mlclf-copied"
fi

# conf_flags is a bash array assignment: NGX_CONF_FLAGS=( ... ).
flags=$(bash -c '. "$1"; printf "%s\n" "${NGX_CONF_FLAGS[@]}"' _ \
        "$NGX_DEV/conf_flags")

stamp=$build/nginx-src/.mlclf-configure
# config builds every core source it finds: a file added or removed
# there must configure again, as an edit of config does
srcs=$(cd "$repo" && ls libmlclf/*.c ngx_http_mlclf_module/*.c)
want=$(printf '%s\n%s\n%s\n%s\n%s\n' "$flags" "$CC_OPT" "$LD_OPT" "$repo" \
       "$srcs")

if [ ! -f "$src/objs/Makefile" ] || [ ! -f "$stamp" ] \
   || [ "$repo/config" -nt "$stamp" ] \
   || [ "$(cat "$stamp")" != "$want" ]
then
    (
        cd "$src"
        # word splitting of $flags is wanted: one flag per line, no spaces
        # shellcheck disable=SC2086
        IFS='
'
        ./configure $flags \
            "--with-cc-opt=$CC_OPT" "--with-ld-opt=$LD_OPT" \
            "--add-dynamic-module=$repo"
    ) >"$log" 2>&1 || fail configure
    printf '%s\n' "$want" >"$stamp"
fi

(cd "$src" && make -f objs/Makefile modules) >>"$log" 2>&1 || fail make

mkdir -p "$build/modules"
if ! cmp -s "$src/objs/$mod" "$build/modules/$mod"; then
    cp "$src/objs/$mod" "$build/modules/$mod.tmp"
    mv "$build/modules/$mod.tmp" "$build/modules/$mod"
fi
