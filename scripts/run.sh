#!/bin/sh
# `make run`: serve the sample iris model with the freshly built module.
#
#   scripts/run.sh          (make run builds first: make bins module)
#
# MODEL=spam (make run MODEL=spam, or MLCLF_RUN_MODEL=spam) serves the
# spam filter instead: conf/spam-logreg.yaml trained on
# data/raw/spam.csv (fetched by `make datasets` first if it is
# missing), from var/nginx.conf, conf/nginx.conf with spam for iris.
#
# Trains conf/iris.yaml into ./var/registry and promotes it when
# var/registry/iris has no active version yet (an existing one is kept:
# delete var/registry to start over), checks the configuration, prints
# curl lines and then runs NGINX in the foreground (daemon off, master
# on) on 127.0.0.1:8080 with conf/nginx.conf.  The shell execs NGINX, so
# Ctrl-C reaches the master directly: it stops the workers, removes its
# pid file and exits.  Everything it writes is under ./var.
#
# Another port (make run PORT=N, or MLCLF_PORT=N): NGINX runs
# var/nginx.conf, a copy of conf/nginx.conf with that port, written anew
# at each start.  It lies one directory below the root as conf/ does, so
# that its relative mlclf_model path, ../var/registry/iris, names the
# same registry.
#
# Environment: MLCLF_PORT (default 8080), NGINX (default
# /usr/sbin/nginx), B (build dir, "build").
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

NGINX=${NGINX:-/usr/sbin/nginx}
B=${B:-build}
bin=$B/bin
reg=var/registry
model=${MLCLF_RUN_MODEL:-iris}
PORT=${MLCLF_PORT:-8080}
conf=conf/nginx.conf

case $model in
iris) train=conf/iris.yaml ;;
spam) train=conf/spam-logreg.yaml ;;
*)
    echo "run: MODEL '$model' is not iris or spam" >&2
    exit 1
    ;;
esac

case $PORT in
''|*[!0-9]*|0*) port_ok= ;;
*) [ "$PORT" -le 65535 ] && port_ok=1 || port_ok= ;;
esac
if [ -z "$port_ok" ]; then
    echo "run: port '$PORT' is not a number from 1 to 65535" >&2
    exit 1
fi

for f in "$bin/mlclf-train" "$bin/mlclf-registry" \
         "$B/modules/ngx_http_mlclf_module.so" "$NGINX"
do
    if [ ! -x "$f" ] && [ ! -f "$f" ]; then
        echo "run: $f is missing: run 'make run' (it builds first)" >&2
        exit 1
    fi
done

# NGINX creates neither: the pid file's directory and the parent of the
# *_temp_path directories must exist.
mkdir -p var/run var/log var/tmp

if [ "$PORT" != 8080 ] || [ "$model" != iris ]; then
    conf=var/nginx.conf
    sed -e "s|^\( *listen  *\)127\.0\.0\.1:8080;|\1127.0.0.1:$PORT;|" \
        -e "s|^\( *mlclf_model  *\)iris  *\.\./var/registry/iris;|\1$model  ../var/registry/$model;|" \
        -e "s|^\( *mlclf_predict  *\)iris;|\1$model;|" \
        conf/nginx.conf >"$conf.tmp"
    if ! grep -q "^ *listen  *127\.0\.0\.1:$PORT;" "$conf.tmp" \
       || ! grep -q "^ *mlclf_predict  *$model;" "$conf.tmp"
    then
        rm -f "$conf.tmp"
        echo "run: conf/nginx.conf has no 'listen 127.0.0.1:8080;' or" \
             "'mlclf_predict iris;' line to change" >&2
        exit 1
    fi
    mv "$conf.tmp" "$conf"
fi

# An NGINX from an earlier run that is still alive holds the port.
if [ -s var/run/nginx.pid ]; then
    old=$(cat var/run/nginx.pid)
    if kill -0 "$old" 2>/dev/null; then
        echo "run: NGINX is already running (pid $old);" \
             "stop it with: kill -QUIT $old" >&2
        exit 1
    fi
    rm -f var/run/nginx.pid
fi

if [ -L "$reg/$model/active" ] \
   && "$bin/mlclf-registry" --registry "$reg" verify "$model" >/dev/null 2>&1
then
    echo "run: serving the active version of $reg/$model" \
         "(rm -rf $reg to retrain)"
else
    if [ "$model" = spam ] && [ ! -f data/raw/spam.csv ]; then
        scripts/datasets.sh
    fi
    echo "run: training $train into $reg"
    "$bin/mlclf-train" --config "$train" --registry "$reg" --promote
fi
"$bin/mlclf-registry" --registry "$reg" list "$model"

# Config check first: a bad model or config is reported before the banner.
"$NGINX" -p "$root" -c "$conf" -e stderr -q -t

cat <<END

NGINX with ngx_http_mlclf_module on http://127.0.0.1:$PORT  (Ctrl-C stops)
configuration: $conf$(
    [ "$conf" = conf/nginx.conf ] || echo " (conf/nginx.conf on port $PORT)")

END
if [ "$model" = spam ]; then
    cat <<END
  curl -s http://127.0.0.1:$PORT/predict -H 'Content-Type: application/json' -d '{"features": {"subject": "You WON a FREE prize!!!", "body": "Click here to claim it now", "from_domain": "example.com", "n_links": 3, "html_share": 1, "n_parts": 1}, "probabilities": true}'
  curl -s http://127.0.0.1:$PORT/predict -H 'Content-Type: application/json' -d '{"features": {"subject": "Re: the build", "body": "The tests pass on my machine now, thanks.", "from_domain": "example.org", "n_links": 0, "html_share": 0, "n_parts": 1}}'
END
else
    cat <<END
  curl -s http://127.0.0.1:$PORT/predict -H 'Content-Type: application/json' -d '{"features": [5.1, 3.5, 1.4, 0.2]}'
  curl -s http://127.0.0.1:$PORT/predict -H 'Content-Type: application/json' -d '{"features": {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}}'
  curl -s http://127.0.0.1:$PORT/predict -H 'Content-Type: application/json' -d '{"instances": [[5.1, 3.5, 1.4, 0.2], [6.0, 2.7, 5.1, 1.6]]}'
END
fi
echo "  curl -s http://127.0.0.1:$PORT/health"
if grep -q '^[^#]*mlclf_metrics' conf/nginx.conf; then
    echo "  curl -s http://127.0.0.1:$PORT/metrics"
fi
cat <<END

  new version:  $bin/mlclf-train --config $train --registry $reg
                $bin/mlclf-registry --registry $reg promote $model v2 --reload=var/run/nginx.pid
  roll back:    $bin/mlclf-registry --registry $reg rollback $model --reload=var/run/nginx.pid

END

exec "$NGINX" -p "$root" -c "$conf" -e stderr -g 'daemon off;'
