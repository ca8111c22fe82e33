#!/bin/sh
# Copyright (C) 2026 The mlclf authors
#
# fetch-model: the init container of the mlclf pods (conf/k8s).  Copies
# one version of one model, its model.mlclf and meta.json and nothing
# else, from the registry store into the pod's own registry (an
# emptyDir), makes it the active version there with `mlclf-registry
# promote`, which verifies it, and lists it.  NGINX serves that registry
# and nothing else, so a pod serves the version its spec names for its
# whole life.
#
# It refuses, exit 1 with a line saying what is missing, when a variable
# is unset or the store has no such model or version: the pod then stays
# in Init and never becomes ready.  It never falls back to the image's
# sample model; only conf/k8s/sample serves it, by pointing STORE_DIR at
# the image's registry.
#
# Environment (every one required; conf/k8s/deployment*.yaml set them):
#   MODEL          the model to serve: its name in the store, the one
#                  nginx.conf's mlclf_model serves
#   MODEL_VERSION  vN (or N): that version; "active": the version the
#                  store's active link names when the pod starts
#   STORE_DIR      where the registry store is mounted
#   REGISTRY_DIR   where the pod's own registry is mounted
#
# kustomization.yaml generates the ConfigMap mlclf-fetch-model-<hash>
# from this file: an edit rolls the pods.  make check-k8s runs it against
# scratch stores (docs/kubernetes.md).
set -eu

me=fetch-model

die() {
    echo "$me: $*" >&2
    exit 1
}

[ -n "${MODEL:-}" ] || die "MODEL is empty: set the name of the model to serve"
[ -n "${STORE_DIR:-}" ] || die "STORE_DIR is empty: set where the store is mounted"
[ -n "${REGISTRY_DIR:-}" ] \
    || die "REGISTRY_DIR is empty: set where the pod's registry is mounted"
[ -n "${MODEL_VERSION:-}" ] \
    || die "MODEL_VERSION is empty: set the version to serve" \
           "(vN, or \"active\" for the store's active version)"

case $MODEL in
    *[!a-z0-9_-]*)
        die "MODEL \"$MODEL\" is not a model name ([a-z0-9_-], 1 to 64)" ;;
esac
[ "${#MODEL}" -le 64 ] \
    || die "MODEL \"$MODEL\" is not a model name ([a-z0-9_-], 1 to 64)"

command -v mlclf-registry >/dev/null \
    || die "mlclf-registry is not in PATH: is this the mlclf image?"

src=$STORE_DIR/$MODEL
[ -d "$src/versions" ] \
    || die "the store $STORE_DIR has no model \"$MODEL\" ($src/versions" \
           "does not exist): publish a version into the store first" \
           "(docs/kubernetes.md, \"Publishing a model\")"

# The store's versions, numerically: "v1 v2 v10", or "none".
have=$(for d in "$src"/versions/v*; do
           [ -d "$d" ] && echo "${d##*/}"
       done | sort -V | tr '\n' ' ')
have=${have% }

case $MODEL_VERSION in
    active)
        link=$(readlink "$src/active") \
            || die "the store's model \"$MODEL\" has no active version:" \
                   "promote one there, or set MODEL_VERSION to one of:" \
                   "${have:-none}"
        v=${link#versions/}
        [ "$v" != "$link" ] \
            || die "the store's $src/active link is \"$link\"," \
                   "not versions/vN"
        ;;
    v*) v=$MODEL_VERSION ;;
    *) v=v$MODEL_VERSION ;;
esac

case $v in
    v | v*[!0-9]* | v0*)
        die "MODEL_VERSION \"$MODEL_VERSION\" is not a version" \
            "(vN, N, or \"active\")" ;;
esac

[ -d "$src/versions/$v" ] \
    || die "the store has no version $v of \"$MODEL\" (it has:" \
           "${have:-none}): publish it first, or set MODEL_VERSION" \
           "to one it has"

for f in model.mlclf meta.json; do
    [ -f "$src/versions/$v/$f" ] \
        || die "version $v of \"$MODEL\" in the store is incomplete:" \
               "$src/versions/$v/$f does not exist"
done

# An init container that is restarted finds the emptyDir as it left it.
dst=$REGISTRY_DIR/$MODEL
rm -rf "$dst"
mkdir -p "$dst/versions/$v"
cp "$src/versions/$v/model.mlclf" "$src/versions/$v/meta.json" \
    "$dst/versions/$v/"

# promote verifies the copy (model file check, sha256 against meta.json)
mlclf-registry --registry "$REGISTRY_DIR" promote "$MODEL" "$v" \
    || die "version $v of \"$MODEL\" in the store does not verify"
mlclf-registry --registry "$REGISTRY_DIR" list "$MODEL"
echo "$me: serving \"$MODEL\" $v, copied from $STORE_DIR"
