
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-train: validate a data set, split, train, evaluate through the
 * serving kernel, gate, and publish a version into the registry.
 */


#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mlclf.h>
#include <mlclf_train.h>
#include <mlclf_quote.h>
#include <mlclf_sha256.h>
#include <mlclf_registry_store.h>


typedef struct {
    const char               *config;
    const char               *registry;
    const char               *name;
    unsigned                  promote:1;
    unsigned                  json:1;
    unsigned                  quiet:1;
    unsigned                  progress:1;
} mlclf_train_opts_t;


/* Everything one run owns, released by mlclf_train_run_free(). */
typedef struct {
    mlclf_train_config_t      cf;
    mlclf_train_data_t        d;
    mlclf_train_model_t       tm;
    mlclf_train_metrics_t     test;
    mlclf_train_metrics_t     train;
    mlclf_registry_pub_t      pub;
    size_t                   *train_rows;
    size_t                    n_train;
    size_t                   *test_rows;
    size_t                    n_test;
    double                   *impute;
    void                     *buf;          /* serialised model */
    size_t                    len;
    mlclf_model_t            *m;
    char                     *meta;         /* model metadata JSON */
    char                     *info;         /* meta.json */
    size_t                    info_len;
    char                     *out;          /* --json output */
    size_t                    out_len;
    int64_t                   created_at;
    char                      model_sha[65];
    char                      path[PATH_MAX + 32];
    unsigned                  cf_loaded:1;
    unsigned                  d_loaded:1;
    unsigned                  tm_trained:1;
    unsigned                  test_done:1;
    unsigned                  train_done:1;
    unsigned                  staged:1;
    unsigned                  promoted:1;
} mlclf_train_run_t;


static void mlclf_train_usage(FILE *f);
static void mlclf_train_error(const char *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void mlclf_train_trees(void *ctx, size_t done, size_t total);
static void mlclf_train_progress(const mlclf_train_opts_t *o,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int mlclf_train_exit(int rc, int dflt);
static int mlclf_train_main(mlclf_train_run_t *r,
    const mlclf_train_opts_t *o);
static int mlclf_train_fit(mlclf_train_run_t *r, const mlclf_train_opts_t *o);
static int mlclf_train_serialise(mlclf_train_run_t *r, uint32_t version,
    const char *metadata);
static int mlclf_train_publish(mlclf_train_run_t *r,
    const mlclf_train_opts_t *o);
static void mlclf_train_meta_init(mlclf_train_run_t *r,
    mlclf_train_meta_t *mi, uint32_t version);
static void mlclf_train_summary(mlclf_train_run_t *r);
static void mlclf_train_run_free(mlclf_train_run_t *r);


static const struct option  mlclf_train_options[] = {
    { "config",   required_argument, NULL, 'c' },
    { "registry", required_argument, NULL, 'r' },
    { "name",     required_argument, NULL, 'n' },
    { "promote",  no_argument,       NULL, 'p' },
    { "json",     no_argument,       NULL, 'j' },
    { "quiet",    no_argument,       NULL, 'q' },
    { "help",     no_argument,       NULL, 'h' },
    { NULL, 0, NULL, 0 }
};


static void
mlclf_train_usage(FILE *f)
{
    fprintf(f,
        "usage: mlclf-train --config FILE --registry DIR [--name NAME]\n"
        "                   [--promote] [--json] [--quiet]\n"
        "\n"
        "Validates the data set named in the YAML configuration, splits it,\n"
        "trains the model, evaluates it through the serving kernel, checks\n"
        "the quality gates and publishes a new version:\n"
        "  DIR/NAME/versions/vN/{model.mlclf,meta.json,train.csv,test.csv}\n"
        "\n"
        "  -c, --config FILE    training configuration (YAML)\n"
        "  -r, --registry DIR   registry root (created if missing)\n"
        "  -n, --name NAME      model name, overrides the configuration's\n"
        "  -p, --promote        make the new version active\n"
        "  -j, --json           print the result as one JSON object\n"
        "  -q, --quiet          no summary (errors still go to stderr)\n"
        "  -h, --help           this text\n"
        "\n"
        "SOURCE_DATE_EPOCH, if set, is the created_at time: the same\n"
        "configuration, data and SOURCE_DATE_EPOCH give a byte-identical\n"
        "model.mlclf.\n"
        "\n"
        "exit codes:\n"
        "  %d  ok\n"
        "  %d  internal error (out of memory, a bug)\n"
        "  %d  bad command line\n"
        "  %d  bad configuration (file:line:column on stderr)\n"
        "  %d  bad data (file:line:column on stderr)\n"
        "  %d  training failed\n"
        "  %d  a quality gate failed (nothing published)\n"
        "  %d  registry error (cannot publish or promote)\n"
        "  %d  other file system error\n",
        MLCLF_TRAIN_EXIT_OK, MLCLF_TRAIN_EXIT_INTERNAL,
        MLCLF_TRAIN_EXIT_USAGE, MLCLF_TRAIN_EXIT_CONFIG,
        MLCLF_TRAIN_EXIT_DATA, MLCLF_TRAIN_EXIT_TRAIN,
        MLCLF_TRAIN_EXIT_GATE, MLCLF_TRAIN_EXIT_REGISTRY,
        MLCLF_TRAIN_EXIT_IO);
}


/* "mlclf-train: <ctx>: <reason>" on stderr */
static void
mlclf_train_error(const char *ctx, const char *fmt, ...)
{
    va_list  ap;

    fprintf(stderr, "mlclf-train: %s: ", ctx);

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);

    fputc('\n', stderr);
}


static void
mlclf_train_progress(const mlclf_train_opts_t *o, const char *fmt, ...)
{
    va_list  ap;

    if (!o->progress) {
        return;
    }

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);

    fputc('\n', stderr);
}


/* Forest progress on a terminal: one line, rewritten per tree. */
static void
mlclf_train_trees(void *ctx, size_t done, size_t total)
{
    (void) ctx;

    fprintf(stderr, "\rtree %zu/%zu", done, total);

    if (done == total) {
        fputc('\n', stderr);
    }
}


/* Out of memory is internal whatever step it hit. */
static int
mlclf_train_exit(int rc, int dflt)
{
    return rc == MLCLF_ENOMEM ? MLCLF_TRAIN_EXIT_INTERNAL : dflt;
}


int
main(int argc, char **argv)
{
    int                  c, rc;
    char                 shown[MLCLF_QUOTE_LEN];
    mlclf_train_run_t   *r;
    mlclf_train_opts_t   o;

    memset(&o, 0, sizeof(o));

    opterr = 0;

    while ((c = getopt_long(argc, argv, ":c:r:n:pjqh", mlclf_train_options,
                            NULL))
           != -1)
    {
        switch (c) {
        case 'c':
            o.config = optarg;
            break;
        case 'r':
            o.registry = optarg;
            break;
        case 'n':
            o.name = optarg;
            break;
        case 'p':
            o.promote = 1;
            break;
        case 'j':
            o.json = 1;
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'h':
            mlclf_train_usage(stdout);
            return MLCLF_TRAIN_EXIT_OK;
        case ':':
            mlclf_train_error("usage", "%s needs an argument "
                              "(see --help)", argv[optind - 1]);
            return MLCLF_TRAIN_EXIT_USAGE;
        default:
            mlclf_train_error("usage", "unknown option \"%s\" (see --help)",
                              argv[optind - 1]);
            return MLCLF_TRAIN_EXIT_USAGE;
        }
    }

    if (optind < argc) {
        mlclf_train_error("usage", "unexpected argument \"%s\" "
                          "(see --help)", argv[optind]);
        return MLCLF_TRAIN_EXIT_USAGE;
    }

    if (o.config == NULL || o.registry == NULL) {
        mlclf_train_error("usage", "--config and --registry are required "
                          "(see --help)");
        return MLCLF_TRAIN_EXIT_USAGE;
    }

    if (o.name
        && mlclf_model_name_check(o.name, strlen(o.name)) != MLCLF_OK)
    {
        mlclf_train_error("usage", "--name %s: not [a-z0-9_-]{1,64}",
                          mlclf_quote(o.name, strlen(o.name), shown));
        return MLCLF_TRAIN_EXIT_USAGE;
    }

    o.progress = !o.quiet && isatty(STDERR_FILENO);

    r = calloc(1, sizeof(mlclf_train_run_t));
    if (r == NULL) {
        mlclf_train_error("init", "out of memory");
        return MLCLF_TRAIN_EXIT_INTERNAL;
    }

    rc = mlclf_train_main(r, &o);

    if (rc == MLCLF_TRAIN_EXIT_OK) {
        if (o.json) {
            fwrite(r->out, 1, r->out_len, stdout);
            fputc('\n', stdout);

        } else if (!o.quiet) {
            mlclf_train_summary(r);
        }

        if (fflush(stdout) != 0 || ferror(stdout)) {
            mlclf_train_error("stdout", "%s", strerror(errno));
            rc = MLCLF_TRAIN_EXIT_IO;
        }
    }

    mlclf_train_run_free(r);
    free(r);

    return rc;
}


static int
mlclf_train_main(mlclf_train_run_t *r, const mlclf_train_opts_t *o)
{
    int          rc;
    char         shown[MLCLF_QUOTE_LEN];
    const char  *name;
    mlclf_err_t  err;

    memset(&err, 0, sizeof(err));

    rc = mlclf_train_meta_epoch(&r->created_at, &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("environment", "%s", err.msg);
        return MLCLF_TRAIN_EXIT_USAGE;
    }

    rc = mlclf_train_config_load(&r->cf, o->config, &err);
    r->cf_loaded = 1;

    if (rc != MLCLF_OK) {
        mlclf_train_error("config", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_CONFIG);
    }

    if (o->progress) {
        r->cf.progress = mlclf_train_trees;
    }

    if (o->name) {
        free(r->cf.name);
        r->cf.name = strdup(o->name);

        if (r->cf.name == NULL) {
            mlclf_train_error("config", "out of memory");
            return MLCLF_TRAIN_EXIT_INTERNAL;
        }
    }

    name = r->cf.name ? r->cf.name : "";

    if (mlclf_model_name_check(name, strlen(name)) != MLCLF_OK) {
        mlclf_train_error("config", "%s: name %s: not [a-z0-9_-]{1,64}",
                          o->config, mlclf_quote(name, strlen(name), shown));
        return MLCLF_TRAIN_EXIT_CONFIG;
    }

    rc = mlclf_train_fit(r, o);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    /* the gates: a model below them is never published */

    if (r->test.accuracy < r->cf.min_accuracy) {
        mlclf_train_error("gate", "test accuracy %.4f is below min_accuracy "
                          "%.4f: nothing published",
                          r->test.accuracy, r->cf.min_accuracy);
        return MLCLF_TRAIN_EXIT_GATE;
    }

    if (r->test.macro_f1 < r->cf.min_macro_f1) {
        mlclf_train_error("gate", "test macro F1 %.4f is below min_macro_f1 "
                          "%.4f: nothing published",
                          r->test.macro_f1, r->cf.min_macro_f1);
        return MLCLF_TRAIN_EXIT_GATE;
    }

    mlclf_train_progress(o, "publishing into %s...", o->registry);

    /* stage() creates the registry root and the model's directory */

    rc = mlclf_registry_stage(&r->pub, o->registry, r->cf.name, &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("registry", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_REGISTRY);
    }

    r->staged = 1;

    rc = mlclf_train_publish(r, o);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    return MLCLF_TRAIN_EXIT_OK;
}


/*
 * Load, split, impute, train, and evaluate the model as the server will
 * see it: serialised without metadata, loaded back, scored by the
 * serving kernel.
 */
static int
mlclf_train_fit(mlclf_train_run_t *r, const mlclf_train_opts_t *o)
{
    int          rc;
    double       t0;
    mlclf_err_t  err;

    memset(&err, 0, sizeof(err));

    mlclf_train_progress(o, "loading data %s...", r->cf.data);

    rc = mlclf_train_data_load(&r->d, &r->cf, &err);
    r->d_loaded = 1;

    if (rc != MLCLF_OK) {
        mlclf_train_error("data", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_DATA);
    }

    rc = mlclf_train_split(&r->d, &r->cf, &r->train_rows, &r->n_train,
                           &r->test_rows, &r->n_test, &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("split", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_DATA);
    }

    if (r->n_train == 0 || r->n_test == 0) {
        mlclf_train_error("split", "%s: %zu train and %zu test rows: both "
                          "sets need at least one", r->cf.data,
                          r->n_train, r->n_test);
        return MLCLF_TRAIN_EXIT_DATA;
    }

    mlclf_train_progress(o, "%zu rows: %zu train, %zu test",
                         r->d.n_rows, r->n_train, r->n_test);

    if (r->cf.missing == MLCLF_TRAIN_MISSING_IMPUTE) {
        r->impute = calloc(r->d.n_features ? r->d.n_features : 1,
                           sizeof(double));
        if (r->impute == NULL) {
            mlclf_train_error("impute", "out of memory");
            return MLCLF_TRAIN_EXIT_INTERNAL;
        }

        mlclf_train_data_impute(&r->d, r->train_rows, r->n_train,
                                r->impute);
    }

    mlclf_train_progress(o, "training %s...",
                         r->cf.kind == MLCLF_KIND_FOREST
                         ? "forest" : "logistic regression");

    t0 = mlclf_train_now();

    if (r->cf.kind == MLCLF_KIND_FOREST) {
        rc = mlclf_train_rf(&r->tm, &r->cf, &r->d, r->train_rows,
                            r->n_train, &err);

    } else if (r->cf.kind == MLCLF_KIND_LOGREG) {
        rc = mlclf_train_lr(&r->tm, &r->cf, &r->d, r->train_rows,
                            r->n_train, &err);

    } else {
        rc = mlclf_err_set(&err, MLCLF_EKIND, "%s: model kind not supported "
                           "by this trainer", o->config);
    }

    r->tm_trained = 1;

    if (rc != MLCLF_OK) {
        mlclf_train_error("train", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_TRAIN);
    }

    if (r->tm.fit_seconds <= 0) {
        r->tm.fit_seconds = mlclf_train_now() - t0;
    }

    if (r->impute) {
        r->tm.spec.impute = r->impute;
    }

    mlclf_train_progress(o, "trained in %.3f s; evaluating...",
                         r->tm.fit_seconds);

    rc = mlclf_train_serialise(r, 0, NULL);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    rc = mlclf_train_eval(&r->test, r->m, &r->d, r->test_rows, r->n_test,
                          &err);
    r->test_done = 1;

    if (rc == MLCLF_OK) {
        rc = mlclf_train_eval(&r->train, r->m, &r->d, r->train_rows,
                              r->n_train, &err);
        r->train_done = 1;
    }

    if (rc != MLCLF_OK) {
        mlclf_train_error("evaluate", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_INTERNAL);
    }

    mlclf_train_progress(o, "test accuracy %.4f, macro F1 %.4f",
                         r->test.accuracy, r->test.macro_f1);

    return MLCLF_TRAIN_EXIT_OK;
}


/*
 * (Re)builds r->buf from the trained spec with the given version and
 * metadata and loads it into r->m through the core's full verification.
 */
static int
mlclf_train_serialise(mlclf_train_run_t *r, uint32_t version,
    const char *metadata)
{
    int          rc;
    mlclf_err_t  err;

    memset(&err, 0, sizeof(err));

    mlclf_model_close(&r->m);
    free(r->buf);
    r->buf = NULL;

    r->tm.spec.version = version;
    r->tm.spec.metadata = metadata;

    rc = mlclf_write_buffer(&r->tm.spec, &r->buf, &r->len, &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("serialise", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_INTERNAL);
    }

    rc = mlclf_model_load(&r->m, r->buf, r->len, &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("serialise", "the trained model does not load: "
                          "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_INTERNAL);
    }

    return MLCLF_TRAIN_EXIT_OK;
}


static void
mlclf_train_meta_init(mlclf_train_run_t *r, mlclf_train_meta_t *mi,
    uint32_t version)
{
    memset(mi, 0, sizeof(mlclf_train_meta_t));

    mi->name = r->cf.name;
    mi->version = version;
    mi->created_at = r->created_at;
    mi->cf = &r->cf;
    mi->d = &r->d;
    mi->tm = &r->tm;
    mi->n_train = r->n_train;
    mi->n_test = r->n_test;
    mi->test = &r->test;
    mi->train = &r->train;
    mi->fit_seconds = -1;
    mi->promoted = -1;
}


/*
 * The version number is known once staged: the final model carries it
 * and the metadata with the metrics just measured (the parameters are
 * the evaluated ones, so are the predictions).
 */
static int
mlclf_train_publish(mlclf_train_run_t *r, const mlclf_train_opts_t *o)
{
    int                    rc;
    char                   path[PATH_MAX + 32], *p;
    size_t                 len;
    uint8_t                digest[32];
    uint32_t               n;
    mlclf_err_t            err;
    mlclf_train_meta_t     mi;
    mlclf_train_metrics_t  check;

    memset(&err, 0, sizeof(err));

    n = r->pub.version;

    mlclf_train_meta_init(r, &mi, n);

    rc = mlclf_train_meta_json(&mi, &r->meta, &len, &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("metadata", "%s", err.msg);
        return MLCLF_TRAIN_EXIT_INTERNAL;
    }

    rc = mlclf_train_serialise(r, n, r->meta);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    /* the published bytes must score exactly as the evaluated ones */

    memset(&check, 0, sizeof(check));

    rc = mlclf_train_eval(&check, r->m, &r->d, r->test_rows, r->n_test,
                          &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("evaluate", "%s", err.msg);
        mlclf_train_metrics_free(&check);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_INTERNAL);
    }

    if (check.accuracy != r->test.accuracy
        || check.log_loss != r->test.log_loss)
    {
        mlclf_train_metrics_free(&check);
        mlclf_train_error("evaluate", "the final model scores differently "
                          "from the evaluated one (a bug)");
        return MLCLF_TRAIN_EXIT_INTERNAL;
    }

    mlclf_train_metrics_free(&check);

    /*
     * model.mlclf is r->buf itself, the bytes the core's loader verified
     * and the check above scored, written once: the staging directory is
     * renamed into place by commit(), so the file needs no temporary
     * name of its own, and its digest is taken from the same bytes.
     */

    if (mlclf_sha256(r->buf, r->len, digest) != MLCLF_OK) {
        mlclf_train_error("publish", "out of memory");
        return MLCLF_TRAIN_EXIT_INTERNAL;
    }

    mlclf_sha256_hex(digest, r->model_sha);

    rc = mlclf_train_publish_file(r->pub.dir, "model.mlclf", r->buf, r->len,
                                  &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("publish", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_IO);
    }

    mi.model_sha256 = r->model_sha;
    mi.fit_seconds = r->tm.fit_seconds;

    rc = mlclf_train_meta_json(&mi, &r->info, &r->info_len, &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("metadata", "%s", err.msg);
        return MLCLF_TRAIN_EXIT_INTERNAL;
    }

    /* meta.json ends in a newline, as text files do */

    p = realloc(r->info, r->info_len + 2);
    if (p == NULL) {
        mlclf_train_error("metadata", "out of memory");
        return MLCLF_TRAIN_EXIT_INTERNAL;
    }

    r->info = p;
    r->info[r->info_len++] = '\n';
    r->info[r->info_len] = '\0';

    rc = mlclf_train_publish_file(r->pub.dir, "meta.json", r->info,
                                  r->info_len, &err);
    if (rc == MLCLF_OK) {
        rc = mlclf_train_publish_rows(r->pub.dir, "train.csv", &r->d,
                                      r->train_rows, r->n_train, &err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_train_publish_rows(r->pub.dir, "test.csv", &r->d,
                                      r->test_rows, r->n_test, &err);
    }

    if (rc != MLCLF_OK) {
        mlclf_train_error("publish", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_IO);
    }

    rc = mlclf_registry_commit(&r->pub, &err);
    r->staged = 0;

    if (rc != MLCLF_OK) {
        mlclf_train_error("registry", "%s", err.msg);
        return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_REGISTRY);
    }

    if (snprintf(path, sizeof(path), "%s/%s/versions/v%" PRIu32,
                 o->registry, r->cf.name, n)
        >= (int) sizeof(path))
    {
        mlclf_train_error("publish", "%s: path too long", o->registry);
        return MLCLF_TRAIN_EXIT_IO;
    }

    if (realpath(path, r->path) == NULL) {
        snprintf(r->path, sizeof(r->path), "%s", path);
    }

    if (o->promote) {
        rc = mlclf_registry_promote(o->registry, r->cf.name, n, NULL,
                                    &err);
        if (rc != MLCLF_OK) {
            mlclf_train_error("promote", "v%" PRIu32 " is published but "
                              "not active: %s", n, err.msg);
            return mlclf_train_exit(rc, MLCLF_TRAIN_EXIT_REGISTRY);
        }

        r->promoted = 1;
    }

    mi.path = r->path;
    mi.promoted = r->promoted;

    rc = mlclf_train_meta_json(&mi, &r->out, &r->out_len, &err);
    if (rc != MLCLF_OK) {
        mlclf_train_error("output", "%s", err.msg);
        return MLCLF_TRAIN_EXIT_INTERNAL;
    }

    return MLCLF_TRAIN_EXIT_OK;
}


static void
mlclf_train_summary(mlclf_train_run_t *r)
{
    int                     w, cw;
    char                    hex[65], created[21];
    size_t                  i, j, k, len;
    const char             *lab;
    mlclf_train_metrics_t  *t;

    t = &r->test;
    k = r->d.n_classes;

    mlclf_sha256_hex(r->d.sha256, hex);
    mlclf_train_meta_time(r->created_at, created);

    printf("model      %s v%" PRIu32 " (%s)\n", r->cf.name, r->pub.version,
           r->cf.kind == MLCLF_KIND_FOREST ? "forest" : "logreg");
    printf("created    %s\n", created);
    printf("data       %s (sha256 %.16s...)\n", r->cf.data, hex);
    printf("rows       %zu: %zu train, %zu test", r->d.n_rows, r->n_train,
           r->n_test);

    if (r->d.n_dropped) {
        printf(" (%zu dropped: missing values)", r->d.n_dropped);
    }

    printf("\naccuracy   %.4f test, %.4f train\n", t->accuracy,
           r->train.accuracy);
    printf("macro F1   %.4f test, %.4f train\n", t->macro_f1,
           r->train.macro_f1);
    printf("log loss   %.4f test\n", t->log_loss);
    printf("fit time   %.3f s\n\n", r->tm.fit_seconds);

    w = 5;

    for (i = 0; i < k; i++) {
        len = strlen(r->d.classes[i]);
        if (len > (size_t) w) {
            w = len > 32 ? 32 : (int) len;
        }
    }

    printf("%-*s  precision  recall      f1  support\n", w, "class");

    for (i = 0; i < k; i++) {
        printf("%-*.*s  %9.4f  %6.4f  %6.4f  %7" PRIu64 "\n", w, w,
               r->d.classes[i], t->precision[i], t->recall[i], t->f1[i],
               t->support[i]);
    }

    printf("\nconfusion matrix (test; rows true, columns predicted)\n");

    cw = 6;

    for (i = 0; i < k; i++) {
        len = strlen(r->d.classes[i]);
        if (len > (size_t) cw) {
            cw = len > 16 ? 16 : (int) len;
        }
    }

    printf("%-*s", w, "");

    for (j = 0; j < k; j++) {
        printf("  %*.*s", cw, cw, r->d.classes[j]);
    }

    printf("\n");

    for (i = 0; i < k; i++) {
        lab = r->d.classes[i];
        printf("%-*.*s", w, w, lab);

        for (j = 0; j < k; j++) {
            printf("  %*" PRIu64, cw, t->confusion[i * k + j]);
        }

        printf("\n");
    }

    printf("\npublished  %s%s\n", r->path, r->promoted ? " (active)" : "");
    printf("sha256     %s\n", r->model_sha);
}


static void
mlclf_train_run_free(mlclf_train_run_t *r)
{
    if (r->staged) {
        mlclf_registry_abort(&r->pub);
        r->staged = 0;
    }

    mlclf_model_close(&r->m);

    free(r->buf);
    free(r->meta);
    free(r->info);
    free(r->out);
    free(r->impute);
    free(r->train_rows);
    free(r->test_rows);

    if (r->train_done) {
        mlclf_train_metrics_free(&r->train);
    }

    if (r->test_done) {
        mlclf_train_metrics_free(&r->test);
    }

    if (r->tm_trained) {
        if (r->tm.spec.impute == r->impute) {
            r->tm.spec.impute = NULL;
        }

        r->tm.spec.metadata = NULL;

        mlclf_train_model_free(&r->tm);
    }

    if (r->d_loaded) {
        mlclf_train_data_free(&r->d);
    }

    if (r->cf_loaded) {
        mlclf_train_config_free(&r->cf);
    }
}
