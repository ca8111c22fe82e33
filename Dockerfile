# mlclf: Debian's NGINX serving a classifier with ngx_http_mlclf_module.
#
#   docker build -t mlclf .
#   docker run --rm -p 8080:8080 mlclf
#   curl -s localhost:8080/predict -H 'Content-Type: application/json' \
#        -d '{"features": [5.1, 3.5, 1.4, 0.2]}'
#
# Verified without a Docker engine by `make docker-check` (podman build
# --isolation=chroot on a debootstrapped bookworm-slim that it names
# localhost/mlclf-base:bookworm-slim and passes as BASE, then a smoke
# test with buildah run).
#
# Layout of the runtime image (the prefix is /opt/mlclf, as the
# repository root is for `make run`):
#   /opt/mlclf/conf/nginx.conf    conf/nginx.conf, module from
#                                 /usr/lib/nginx/modules, listen *:8080
#   /opt/mlclf/var/registry       the registry (VOLUME), with the sample
#                                 iris model trained and promoted
#   /opt/mlclf/var/{run,tmp}      pid file and temp files
#   /opt/mlclf/conf/iris.yaml, /opt/mlclf/data/raw/iris.csv
#                                 the sample's training config and data
#   /usr/local/bin/mlclf-train, /usr/local/bin/mlclf-registry,
#   /usr/local/bin/mlclf-import
#   /usr/local/bin/mlclf-serve    the KServe entrypoint mode
#                                 (tools/mlclf-serve): serves the model
#                                 under /mnt/models, its work directory
#                                 /opt/mlclf/var/kserve
# tools/mlclf-sklearn-export is not in the image: it runs where the
# scikit-learn model is trained (it needs Python and scikit-learn, which
# serving never does); copy or mount the JSON file it writes and publish
# it with mlclf-import.
# As a KServe serving runtime (conf/k8s/kserve, docs/kserve-runtime.md)
# the container runs
#   mlclf-serve --model_name=NAME --model_dir=/mnt/models --http_port=8080
# instead of the CMD below, which stays the sample iris server.
# NGINX runs as the unprivileged user mlclf (uid 10001); promote a new
# version and reload from inside the container with:
#   mlclf-train --config conf/iris.yaml --registry var/registry
#   mlclf-registry --registry var/registry promote iris v2 \
#       --reload=var/run/nginx.pid

# Both stages start from BASE: the official image by default; `make
# docker-check` passes its own debootstrapped copy (--build-arg BASE=...).
ARG BASE=debian:bookworm-slim

############################################################ builder
FROM ${BASE} AS builder

ENV DEBIAN_FRONTEND=noninteractive LC_ALL=C

# What `make bins module` needs (a subset of scripts/install-deps.sh,
# which also installs the test and benchmark tools).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        build-essential pkg-config \
        libcjson-dev libssl-dev libyaml-dev libopenblas-dev nginx-dev \
        libunistring-dev libmurmurhash-dev libxxhash-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

# -o deps: the packages are installed above, skip install-deps.sh.
RUN make -o deps -j"$(nproc)" bins module

# The sample model, through the same gates as `make run`.
RUN build/bin/mlclf-train --config conf/iris.yaml \
        --registry /out/registry --promote \
    && build/bin/mlclf-registry --registry /out/registry verify iris

# The image's nginx.conf: the module from Debian's module directory and
# every address, not only 127.0.0.1 (/health and /metrics stay limited
# to the loopback and private networks).
RUN sed -e 's|^load_module build/modules/|load_module /usr/lib/nginx/modules/|' \
        -e 's|^\( *listen *\)127\.0\.0\.1:8080;|\18080;|' \
        -e 's|^\( *\)allow  127\.0\.0\.1;|&\n\1allow  10.0.0.0/8;\n\1allow  172.16.0.0/12;\n\1allow  192.168.0.0/16;|' \
        conf/nginx.conf > /out/nginx.conf \
    && grep -q '^load_module /usr/lib/nginx/modules/' /out/nginx.conf \
    && grep -q '^ *listen *8080;' /out/nginx.conf

############################################################ runtime
FROM ${BASE}

ENV DEBIAN_FRONTEND=noninteractive LC_ALL=C

# Debian's nginx (the same version the builder's nginx-dev matched),
# the CLIs' libraries and curl for the HEALTHCHECK.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        nginx libcjson1 libunistring2 libmurmurhash2 zlib1g libssl3 libyaml-0-2 \
        libopenblas0 curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /opt/mlclf \
        --shell /usr/sbin/nologin mlclf \
    && mkdir -p /opt/mlclf/conf /opt/mlclf/var/run /opt/mlclf/var/tmp \
        /opt/mlclf/var/log /opt/mlclf/var/registry \
        /opt/mlclf/var/kserve \
    && chown -R mlclf:mlclf /opt/mlclf/var

COPY --from=builder /src/build/modules/ngx_http_mlclf_module.so \
     /usr/lib/nginx/modules/
COPY --from=builder /src/build/bin/mlclf-train \
     /src/build/bin/mlclf-registry /src/build/bin/mlclf-import \
     /usr/local/bin/
COPY --from=builder /out/nginx.conf /opt/mlclf/conf/nginx.conf
COPY tools/mlclf-serve /usr/local/bin/mlclf-serve
# The sample's training configuration and data, so that train -> promote
# -> reload works inside the container as it does in the repository.
COPY conf/iris.yaml /opt/mlclf/conf/iris.yaml
COPY data/raw/iris.csv /opt/mlclf/data/raw/iris.csv
COPY --from=builder --chown=mlclf:mlclf /out/registry /opt/mlclf/var/registry
# A small LightGBM model for the check below, which removes it.
COPY --from=builder --chown=mlclf:mlclf \
     /src/tests/fixtures/lightgbm/binary-v4.txt \
     /opt/mlclf/var/tmp/import-check.txt

USER mlclf
WORKDIR /opt/mlclf

# Fails the build if the module does not load into this nginx (ABI), the
# model does not verify, or mlclf-import cannot publish a LightGBM model
# into a scratch registry that verifies.  (stdout to a file: access_log
# /dev/stdout reopens fd 1, which a build step may have as a pipe owned
# by root; Docker's and Kubernetes' runtimes hand the container's stdio
# to its user, so at run time the access log goes to `docker logs`.)
RUN nginx -p /opt/mlclf -c conf/nginx.conf -e stderr -t \
        > /tmp/nginx-t.log 2>&1 \
        || { cat /tmp/nginx-t.log; exit 1; } \
    && rm -f /tmp/nginx-t.log \
    && mlclf-registry --registry var/registry verify iris \
    && mlclf-import --registry var/tmp/import-check --name lgbm \
        var/tmp/import-check.txt \
    && mlclf-registry --registry var/tmp/import-check verify lgbm \
    && rm -rf var/tmp/import-check var/tmp/import-check.txt

VOLUME ["/opt/mlclf/var/registry"]
EXPOSE 8080
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health || exit 1

CMD ["nginx", "-p", "/opt/mlclf", "-c", "conf/nginx.conf", "-e", "stderr", \
     "-g", "daemon off;"]
