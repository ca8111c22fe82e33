
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * One training run, the pipeline of mlclf-train: validate a data set,
 * split, train, evaluate through the serving kernel, gate, and publish
 * a version into the registry.
 *
 * A failing step does not print: it leaves its name and message in the
 * result and returns its exit code, which the caller (mlclf-train's
 * main()) prints as "mlclf-train: <step>: <msg>".  Every failure ends the
 * run at once, so the line comes out where it always did, after any
 * progress lines; and a test calling the library gets the code and the
 * text without scraping stderr.
 */


#include <math.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_train.h>
#include <mlclf_train_inputs.h>
#include <mlclf_train_drift.h>
#include <mlclf_time.h>
#include <mlclf_quote.h>
#include <mlclf_sha256.h>
#include <mlclf_header.h>
#include <mlclf_registry_store.h>


/* What one run owns besides its result, released by ..._cleanup(). */
typedef struct {
    const mlclf_train_run_opts_t  *o;
    mlclf_train_run_result_t      *res;
    mlclf_train_model_t            tm;
    mlclf_registry_pub_t           pub;
    size_t                        *train_rows;
    size_t                        *test_rows;
    double                        *impute;
    mlclf_train_inputs_t           inputs;  /* category and text */
    mlclf_train_drift_t            drift;   /* the reference */
    void                          *buf;     /* serialised model */
    size_t                         len;
    mlclf_model_t                 *m;       /* loaded from buf */
    char                          *meta;    /* model metadata JSON */
    char                          *info;    /* meta.json */
    size_t                         info_len;
    unsigned                       staged:1;
} mlclf_train_run_t;


static int mlclf_train_run_fail(mlclf_train_run_t *r, int status,
    const char *step, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void mlclf_train_run_progress(mlclf_train_run_t *r,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mlclf_train_run_trees(void *ctx, size_t done, size_t total);
static void mlclf_train_run_loss(void *ctx, size_t round, size_t total,
    double train, double valid);
static int mlclf_train_run_exit(int rc, int dflt);
static int mlclf_train_run_steps(mlclf_train_run_t *r);
static int mlclf_train_run_config(mlclf_train_run_t *r);
static int mlclf_train_run_gates(mlclf_train_run_t *r);
static int mlclf_train_run_inputs(mlclf_train_run_t *r);
static int mlclf_train_run_importance(mlclf_train_run_t *r);
static int mlclf_train_run_fit(mlclf_train_run_t *r);
static int mlclf_train_run_serialise(mlclf_train_run_t *r,
    uint32_t version, const char *metadata);
static void mlclf_train_run_meta_init(mlclf_train_run_t *r,
    mlclf_train_meta_t *mi, uint32_t version);
static int mlclf_train_run_publish(mlclf_train_run_t *r);
static int mlclf_train_run_check(mlclf_train_run_t *r);
static int mlclf_train_run_files(mlclf_train_run_t *r,
    mlclf_train_meta_t *mi);
static int mlclf_train_run_info(mlclf_train_run_t *r,
    const mlclf_train_meta_t *mi);
static int mlclf_train_run_commit(mlclf_train_run_t *r);
static void mlclf_train_run_cleanup(mlclf_train_run_t *r);


int
mlclf_train_run(const mlclf_train_run_opts_t *o,
    mlclf_train_run_result_t *res)
{
    int                 rc;
    mlclf_train_run_t   r;

    memset(res, 0, sizeof(mlclf_train_run_result_t));
    memset(&r, 0, sizeof(mlclf_train_run_t));

    r.o = o;
    r.res = res;

    res->created_at = o->created_at;

    if (o->config == NULL || o->registry == NULL) {
        rc = mlclf_train_run_fail(&r, MLCLF_TRAIN_EXIT_USAGE, "usage",
                                  "a configuration and a registry are "
                                  "required");

    } else {
        rc = mlclf_train_run_steps(&r);
    }

    mlclf_train_run_cleanup(&r);

    res->status = rc;

    return rc;
}


void
mlclf_train_run_result_free(mlclf_train_run_result_t *res)
{
    /* each of these takes a zeroed or partly filled part as well */

    mlclf_train_metrics_free(&res->train);
    mlclf_train_metrics_free(&res->test);
    free(res->importance);
    mlclf_train_data_free(&res->d);
    mlclf_train_config_free(&res->cf);

    free(res->json);
    res->json = NULL;
}


/* Records why the run stops, for the caller to show; returns status. */
static int
mlclf_train_run_fail(mlclf_train_run_t *r, int status, const char *step,
    const char *fmt, ...)
{
    va_list  ap;

    r->res->step = step;

    va_start(ap, fmt);
    vsnprintf(r->res->msg, sizeof(r->res->msg), fmt, ap);
    va_end(ap);

    return status;
}


static void
mlclf_train_run_progress(mlclf_train_run_t *r, const char *fmt, ...)
{
    va_list  ap;

    if (r->o->progress == NULL) {
        return;
    }

    va_start(ap, fmt);
    vfprintf(r->o->progress, fmt, ap);
    va_end(ap);

    fputc('\n', r->o->progress);
}


/* Forest progress on a terminal: one line, rewritten per tree. */
static void
mlclf_train_run_trees(void *ctx, size_t done, size_t total)
{
    FILE  *f = ctx;

    fprintf(f, "\rtree %zu/%zu", done, total);

    if (done == total) {
        fputc('\n', f);
    }
}


/* Boosting progress: a line every log_every rounds and at the end. */
static void
mlclf_train_run_loss(void *ctx, size_t round, size_t total, double train,
    double valid)
{
    FILE  *f = ctx;

    if (isnan(valid)) {
        fprintf(f, "round %zu/%zu: train loss %.6f\n", round, total, train);

    } else {
        fprintf(f, "round %zu/%zu: train loss %.6f, validation loss %.6f\n",
                round, total, train, valid);
    }
}


/* Out of memory is internal whatever step it hit. */
static int
mlclf_train_run_exit(int rc, int dflt)
{
    return rc == MLCLF_ENOMEM ? MLCLF_TRAIN_EXIT_INTERNAL : dflt;
}


static int
mlclf_train_run_steps(mlclf_train_run_t *r)
{
    int          rc;
    mlclf_err_t  err;

    memset(&err, 0, sizeof(err));

    rc = mlclf_train_run_config(r);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    rc = mlclf_train_run_fit(r);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    rc = mlclf_train_run_gates(r);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    mlclf_train_run_progress(r, "publishing into %s...", r->o->registry);

    /* stage() creates the registry root and the model's directory */

    rc = mlclf_registry_stage(&r->pub, r->o->registry, r->res->cf.name,
                              &err);
    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_REGISTRY);
        return mlclf_train_run_fail(r, rc, "registry", "%s", err.msg);
    }

    r->staged = 1;

    return mlclf_train_run_publish(r);
}


/* The configuration, with the name given in the options if any. */
static int
mlclf_train_run_config(mlclf_train_run_t *r)
{
    int                        rc;
    char                       shown[MLCLF_QUOTE_LEN];
    const char                *name;
    mlclf_err_t                err;
    mlclf_train_run_result_t  *res;

    res = r->res;
    memset(&err, 0, sizeof(err));

    rc = mlclf_train_config_load(&res->cf, r->o->config, &err);
    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_CONFIG);
        return mlclf_train_run_fail(r, rc, "config", "%s", err.msg);
    }

    if (r->o->progress) {
        res->cf.progress = mlclf_train_run_trees;
        res->cf.progress_loss = mlclf_train_run_loss;
        res->cf.progress_ctx = r->o->progress;
    }

    if (r->o->name) {
        free(res->cf.name);
        res->cf.name = strdup(r->o->name);

        if (res->cf.name == NULL) {
            return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL,
                                        "config", "out of memory");
        }
    }

    name = res->cf.name ? res->cf.name : "";

    if (mlclf_model_name_check(name, strlen(name)) != MLCLF_OK) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_CONFIG, "config",
                                    "%s: name %s: not [a-z0-9_-]{1,64}",
                                    r->o->config,
                                    mlclf_quote(name, strlen(name), shown));
    }

    return MLCLF_TRAIN_EXIT_OK;
}


/* The gates: a model below them is never published. */
static int
mlclf_train_run_gates(mlclf_train_run_t *r)
{
    mlclf_train_run_result_t  *res;

    res = r->res;

    if (res->test.accuracy < res->cf.min_accuracy) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_GATE, "gate",
                                    "test accuracy %.4f is below "
                                    "min_accuracy %.4f: nothing published",
                                    res->test.accuracy,
                                    res->cf.min_accuracy);
    }

    if (res->test.macro_f1 < res->cf.min_macro_f1) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_GATE, "gate",
                                    "test macro F1 %.4f is below "
                                    "min_macro_f1 %.4f: nothing published",
                                    res->test.macro_f1,
                                    res->cf.min_macro_f1);
    }

    return MLCLF_TRAIN_EXIT_OK;
}


/*
 * The numbers' reference, from the train rows' values as read; the
 * imputed values (missing: impute); then categories and texts: each
 * input fitted on the train rows, its reference made, every row
 * featurized into the columns the model is trained on
 * (mlclf_train_inputs.h).
 */
static int
mlclf_train_run_inputs(mlclf_train_run_t *r)
{
    int                        rc;
    mlclf_err_t                err;
    mlclf_train_run_result_t  *res;

    res = r->res;
    memset(&err, 0, sizeof(err));

    rc = mlclf_train_drift_numbers(&r->drift, &res->cf, &res->d,
                                   r->train_rows, res->n_train, &err);
    if (rc != MLCLF_OK) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL, "drift",
                                    "%s", err.msg);
    }

    if (res->cf.missing == MLCLF_TRAIN_MISSING_IMPUTE) {
        r->impute = calloc(res->d.n_features ? res->d.n_features : 1,
                           sizeof(double));
        if (r->impute == NULL) {
            return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL,
                                        "impute", "out of memory");
        }

        mlclf_train_data_impute(&res->d, r->train_rows, res->n_train,
                                r->impute);
    }

    if (!mlclf_train_inputs_wanted(&res->cf)) {
        return MLCLF_TRAIN_EXIT_OK;
    }

    rc = mlclf_train_inputs_build(&r->inputs, &res->cf, &res->d,
                                  r->train_rows, res->n_train, r->impute,
                                  &r->drift, &err);
    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_DATA);
        return mlclf_train_run_fail(r, rc, "inputs", "%s", err.msg);
    }

    mlclf_train_run_progress(r, "%u inputs: %u columns, %zu terms",
                             r->inputs.n_inputs, r->inputs.n_columns,
                             r->inputs.ptr[res->d.n_rows]);

    return MLCLF_TRAIN_EXIT_OK;
}


/* The gbt's split gain per feature: a feature's columns summed. */
static int
mlclf_train_run_importance(mlclf_train_run_t *r)
{
    mlclf_train_run_result_t  *res;

    res = r->res;

    if (r->tm.importance == NULL) {
        return MLCLF_TRAIN_EXIT_OK;
    }

    res->importance = malloc((res->cf.n_features + res->d.n_features)
                             * sizeof(double));
    if (res->importance == NULL) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL, "train",
                                    "out of memory");
    }

    if (r->inputs.n_inputs != 0) {
        mlclf_train_inputs_importance(&r->inputs, r->tm.importance,
                                      res->importance);

    } else {
        memcpy(res->importance, r->tm.importance,
               res->d.n_features * sizeof(double));
    }

    return MLCLF_TRAIN_EXIT_OK;
}


/*
 * Load, split, impute, train, and evaluate the model as the server will
 * see it: serialised without metadata, loaded back, scored by the
 * serving kernel.
 */
static int
mlclf_train_run_fit(mlclf_train_run_t *r)
{
    int                        rc;
    double                     t0;
    mlclf_err_t                err;
    mlclf_train_run_result_t  *res;

    res = r->res;
    memset(&err, 0, sizeof(err));

    mlclf_train_run_progress(r, "loading data %s...", res->cf.data);

    rc = mlclf_train_data_load(&res->d, &res->cf, &err);
    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_DATA);
        return mlclf_train_run_fail(r, rc, "data", "%s", err.msg);
    }

    /* a gbt's loss against the classes the data has */
    rc = mlclf_train_config_check_classes(&res->cf, res->d.n_classes, &err);
    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_CONFIG);
        return mlclf_train_run_fail(r, rc, "config", "%s", err.msg);
    }

    rc = mlclf_train_split(&res->d, &res->cf, &r->train_rows,
                           &res->n_train, &r->test_rows, &res->n_test,
                           &err);
    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_DATA);
        return mlclf_train_run_fail(r, rc, "split", "%s", err.msg);
    }

    if (res->n_train == 0 || res->n_test == 0) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_DATA, "split",
                                    "%s: %zu train and %zu test rows: "
                                    "both sets need at least one",
                                    res->cf.data, res->n_train,
                                    res->n_test);
    }

    mlclf_train_run_progress(r, "%zu rows: %zu train, %zu test",
                             res->d.n_rows, res->n_train, res->n_test);

    rc = mlclf_train_run_inputs(r);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    mlclf_train_run_progress(r, "training %s...",
                             res->cf.kind == MLCLF_KIND_FOREST ? "forest"
                             : res->cf.kind == MLCLF_KIND_GBT
                             ? "gradient-boosted trees"
                             : "logistic regression");

    t0 = mlclf_train_now();

    if (res->cf.kind == MLCLF_KIND_FOREST) {
        rc = mlclf_train_rf(&r->tm, &res->cf, &res->d, r->train_rows,
                            res->n_train, &err);

    } else if (res->cf.kind == MLCLF_KIND_GBT) {
        rc = mlclf_train_gbt(&r->tm, &res->cf, &res->d, r->train_rows,
                             res->n_train, &err);

    } else if (res->cf.kind == MLCLF_KIND_LOGREG) {
        rc = mlclf_train_lr(&r->tm, &res->cf, &res->d, r->train_rows,
                            res->n_train, &err);

    } else {
        rc = mlclf_err_set(&err, MLCLF_EKIND, "%s: model kind not supported "
                           "by this trainer", r->o->config);
    }

    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_TRAIN);
        return mlclf_train_run_fail(r, rc, "train", "%s", err.msg);
    }

    if (r->tm.fit_seconds <= 0) {
        r->tm.fit_seconds = mlclf_train_now() - t0;
    }

    res->fit_seconds = r->tm.fit_seconds;
    res->rounds = r->tm.iterations;
    res->best_round = r->tm.best_round;

    rc = mlclf_train_run_importance(r);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    if (r->impute) {
        r->tm.spec.impute = r->impute;
    }

    if (r->inputs.n_inputs != 0) {
        mlclf_train_inputs_spec(&r->inputs, &r->tm.spec);
    }

    if (res->cf.kind == MLCLF_KIND_GBT) {
        mlclf_train_run_progress(r, "gbt: binning %.3f s, histograms %.3f s, "
                                 "split search %.3f s, partition %.3f s, "
                                 "updates %.3f s", r->tm.seconds[0],
                                 r->tm.seconds[1], r->tm.seconds[2],
                                 r->tm.seconds[3], r->tm.seconds[4]);
    }

    mlclf_train_run_progress(r, "trained in %.3f s; evaluating...",
                             r->tm.fit_seconds);

    rc = mlclf_train_run_serialise(r, 0, NULL);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    rc = mlclf_train_eval(&res->test, r->m, &res->d, r->test_rows,
                          res->n_test, &err);
    if (rc == MLCLF_OK) {
        rc = mlclf_train_eval(&res->train, r->m, &res->d, r->train_rows,
                              res->n_train, &err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_train_drift_spec(&r->drift, &res->train, &r->tm.spec,
                                    &err);
    }

    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_INTERNAL);
        return mlclf_train_run_fail(r, rc, "evaluate", "%s", err.msg);
    }

    mlclf_train_run_progress(r, "test accuracy %.4f, macro F1 %.4f",
                             res->test.accuracy, res->test.macro_f1);

    return MLCLF_TRAIN_EXIT_OK;
}


/*
 * (Re)builds r->buf from the trained spec with the given version and
 * metadata and loads it into r->m through the core's full verification.
 */
static int
mlclf_train_run_serialise(mlclf_train_run_t *r, uint32_t version,
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
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_INTERNAL);
        return mlclf_train_run_fail(r, rc, "serialise", "%s", err.msg);
    }

    rc = mlclf_model_load(&r->m, r->buf, r->len, &err);
    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_INTERNAL);
        return mlclf_train_run_fail(r, rc, "serialise", "the trained "
                                    "model does not load: %s", err.msg);
    }

    return MLCLF_TRAIN_EXIT_OK;
}


static void
mlclf_train_run_meta_init(mlclf_train_run_t *r, mlclf_train_meta_t *mi,
    uint32_t version)
{
    mlclf_train_run_result_t  *res;

    res = r->res;

    memset(mi, 0, sizeof(mlclf_train_meta_t));

    mi->name = res->cf.name;
    mi->version = version;
    mi->created_at = res->created_at;
    mi->cf = &res->cf;
    mi->d = &res->d;
    mi->tm = &r->tm;
    mi->importance = res->importance;
    mi->n_train = res->n_train;
    mi->n_test = res->n_test;
    mi->test = &res->test;
    mi->train = &res->train;
    mi->fit_seconds = -1;
    mi->promoted = -1;
}


/*
 * The version number is known once staged: the final model carries it
 * and the metadata with the metrics just measured (the parameters are
 * the evaluated ones, so are the predictions).
 */
static int
mlclf_train_run_publish(mlclf_train_run_t *r)
{
    int                  rc;
    size_t               len;
    mlclf_err_t          err;
    mlclf_train_meta_t   mi;

    memset(&err, 0, sizeof(err));

    mlclf_train_run_meta_init(r, &mi, r->pub.version);

    rc = mlclf_train_meta_json(&mi, &r->meta, &len, &err);
    if (rc != MLCLF_OK) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL,
                                    "metadata", "%s", err.msg);
    }

    rc = mlclf_train_run_serialise(r, r->pub.version, r->meta);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    rc = mlclf_train_run_check(r);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    rc = mlclf_train_run_files(r, &mi);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    rc = mlclf_train_run_commit(r);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    mi.path = r->res->path;
    mi.promoted = r->res->promoted;

    rc = mlclf_train_meta_json(&mi, &r->res->json, &r->res->json_len,
                               &err);
    if (rc != MLCLF_OK) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL,
                                    "output", "%s", err.msg);
    }

    return MLCLF_TRAIN_EXIT_OK;
}


/* The published bytes must score exactly as the evaluated ones. */
static int
mlclf_train_run_check(mlclf_train_run_t *r)
{
    int                    rc;
    mlclf_err_t            err;
    mlclf_train_metrics_t  check;

    memset(&err, 0, sizeof(err));
    memset(&check, 0, sizeof(check));

    rc = mlclf_train_eval(&check, r->m, &r->res->d, r->test_rows,
                          r->res->n_test, &err);
    if (rc != MLCLF_OK) {
        mlclf_train_metrics_free(&check);
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_INTERNAL);
        return mlclf_train_run_fail(r, rc, "evaluate", "%s", err.msg);
    }

    if (check.accuracy != r->res->test.accuracy
        || check.log_loss != r->res->test.log_loss)
    {
        mlclf_train_metrics_free(&check);
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL,
                                    "evaluate", "the final model scores "
                                    "differently from the evaluated one "
                                    "(a bug)");
    }

    mlclf_train_metrics_free(&check);

    return MLCLF_TRAIN_EXIT_OK;
}


/*
 * The files of the version, into the staging directory.  model.mlclf
 * is r->buf itself, the bytes the core's loader verified and the check
 * scored, written once: the directory is renamed into place by commit(),
 * so the file needs no temporary name of its own, and its digest is
 * taken from the same bytes.
 */
static int
mlclf_train_run_files(mlclf_train_run_t *r, mlclf_train_meta_t *mi)
{
    int                        rc;
    uint8_t                    digest[32];
    mlclf_err_t                err;
    mlclf_header_t             h;
    mlclf_train_run_result_t  *res;

    res = r->res;
    memset(&err, 0, sizeof(err));

    if (mlclf_sha256(r->buf, r->len, digest) != MLCLF_OK) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL,
                                    "publish", "out of memory");
    }

    mlclf_sha256_hex(digest, res->model_sha256);

    rc = mlclf_registry_write_file(r->pub.dir, "model.mlclf", r->buf,
                                  r->len, &err);
    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_IO);
        return mlclf_train_run_fail(r, rc, "publish", "%s", err.msg);
    }

    /* r->buf passed the core's full check: its header is sane */
    rc = mlclf_header_parse(r->buf, r->len, &h, &err);
    if (rc != MLCLF_OK) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL,
                                    "publish", "%s", err.msg);
    }

    mi->model_sha256 = res->model_sha256;
    mi->format_version = h.format_version;
    mi->fit_seconds = r->tm.fit_seconds;
    mi->fit_phases = res->cf.kind == MLCLF_KIND_GBT ? r->tm.seconds : NULL;

    rc = mlclf_train_run_info(r, mi);
    if (rc != MLCLF_TRAIN_EXIT_OK) {
        return rc;
    }

    rc = mlclf_registry_write_file(r->pub.dir, "meta.json", r->info,
                                  r->info_len, &err);
    if (rc == MLCLF_OK) {
        rc = mlclf_train_publish_rows(r->pub.dir, "train.csv", &res->d,
                                      r->train_rows, res->n_train, &err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_train_publish_rows(r->pub.dir, "test.csv", &res->d,
                                      r->test_rows, res->n_test, &err);
    }

    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_IO);
        return mlclf_train_run_fail(r, rc, "publish", "%s", err.msg);
    }

    return MLCLF_TRAIN_EXIT_OK;
}


/* meta.json into r->info: the metadata, ending in a newline. */
static int
mlclf_train_run_info(mlclf_train_run_t *r, const mlclf_train_meta_t *mi)
{
    int          rc;
    char        *p;
    mlclf_err_t  err;

    memset(&err, 0, sizeof(err));

    rc = mlclf_train_meta_json(mi, &r->info, &r->info_len, &err);
    if (rc != MLCLF_OK) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL,
                                    "metadata", "%s", err.msg);
    }

    /* meta.json ends in a newline, as text files do */

    p = realloc(r->info, r->info_len + 2);
    if (p == NULL) {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_INTERNAL,
                                    "metadata", "out of memory");
    }

    r->info = p;
    r->info[r->info_len++] = '\n';
    r->info[r->info_len] = '\0';

    return MLCLF_TRAIN_EXIT_OK;
}


/* The staging directory becomes versions/v<N>; then --promote. */
static int
mlclf_train_run_commit(mlclf_train_run_t *r)
{
    int                        rc;
    char                       path[PATH_MAX + 32];
    uint32_t                   n;
    mlclf_err_t                err;
    mlclf_train_run_result_t  *res;

    res = r->res;
    n = r->pub.version;
    memset(&err, 0, sizeof(err));

    rc = mlclf_registry_commit(&r->pub, &err);
    r->staged = 0;

    if (rc != MLCLF_OK) {
        rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_REGISTRY);
        return mlclf_train_run_fail(r, rc, "registry", "%s", err.msg);
    }

    res->version = n;

    if (snprintf(path, sizeof(path), "%s/%s/versions/v%" PRIu32,
                 r->o->registry, res->cf.name, n)
        >= (int) sizeof(path))
    {
        return mlclf_train_run_fail(r, MLCLF_TRAIN_EXIT_IO, "publish",
                                    "%s: path too long", r->o->registry);
    }

    if (realpath(path, res->path) == NULL) {
        snprintf(res->path, sizeof(res->path), "%s", path);
    }

    if (r->o->promote) {
        rc = mlclf_registry_promote(r->o->registry, res->cf.name, n, NULL,
                                    &err);
        if (rc != MLCLF_OK) {
            rc = mlclf_train_run_exit(rc, MLCLF_TRAIN_EXIT_REGISTRY);
            return mlclf_train_run_fail(r, rc, "promote", "v%" PRIu32
                                        " is published but not active: %s",
                                        n, err.msg);
        }

        res->promoted = 1;
    }

    return MLCLF_TRAIN_EXIT_OK;
}


static void
mlclf_train_run_cleanup(mlclf_train_run_t *r)
{
    if (r->staged) {
        mlclf_registry_abort(&r->pub);
        r->staged = 0;
    }

    mlclf_model_close(&r->m);

    free(r->buf);
    free(r->meta);
    free(r->info);
    free(r->train_rows);
    free(r->test_rows);

    /* spec.impute and spec.metadata point at r's own buffers */

    r->tm.spec.impute = NULL;
    r->tm.spec.metadata = NULL;

    mlclf_train_model_free(&r->tm);

    free(r->impute);

    mlclf_train_drift_free(&r->drift);

    /* the data's sparse rows were the inputs' */
    mlclf_train_inputs_free(&r->inputs);
    r->res->d.sp_ptr = NULL;
    r->res->d.sp_terms = NULL;

    /* the forest's progress callback wrote to the caller's stream */
    r->res->cf.progress = NULL;
    r->res->cf.progress_ctx = NULL;
}
