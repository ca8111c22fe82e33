
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The metadata JSON of a trained model: what model.mlclf carries (name,
 * version, created_at, algorithm, data set digest, metrics, effective
 * configuration) and what meta.json and --json add to it.
 */


#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mlclf_train.h>
#include <mlclf_sha256.h>
#include <mlclf_time.h>
#include <mlclf_jsonout.h>


static void mlclf_train_meta_kdbl(mlclf_jsonout_t *b, const char *k,
    double v);
static void mlclf_train_meta_kuint(mlclf_jsonout_t *b, const char *k,
    uint64_t v);
static void mlclf_train_meta_kstr(mlclf_jsonout_t *b, const char *k,
    const char *v);
static void mlclf_train_meta_metrics(mlclf_jsonout_t *b,
    const mlclf_train_metrics_t *mt, const mlclf_train_data_t *d,
    int full);
static void mlclf_train_meta_config(mlclf_jsonout_t *b,
    const mlclf_train_config_t *cf);
static void mlclf_train_meta_gbt(mlclf_jsonout_t *b,
    const mlclf_train_config_t *cf);
static void mlclf_train_meta_boosting(mlclf_jsonout_t *b,
    const mlclf_train_meta_t *mi);
static const char *mlclf_train_meta_kind(mlclf_kind_e kind);
static const char *mlclf_train_meta_missing(mlclf_train_missing_e m);


static void
mlclf_train_meta_kdbl(mlclf_jsonout_t *b, const char *k, double v)
{
    mlclf_jsonout_key(b, k);
    mlclf_jsonout_number(b, v);
}


static void
mlclf_train_meta_kuint(mlclf_jsonout_t *b, const char *k, uint64_t v)
{
    mlclf_jsonout_key(b, k);
    mlclf_jsonout_uint(b, v);
}


static void
mlclf_train_meta_kstr(mlclf_jsonout_t *b, const char *k,
    const char *v)
{
    mlclf_jsonout_key(b, k);
    mlclf_jsonout_string(b, v);
}


static const char *
mlclf_train_meta_kind(mlclf_kind_e kind)
{
    switch (kind) {
    case MLCLF_KIND_LOGREG:
        return "logreg";
    case MLCLF_KIND_FOREST:
        return "forest";
    case MLCLF_KIND_GBT:
        return "gbt";
    }

    return "unknown";
}


static const char *
mlclf_train_meta_missing(mlclf_train_missing_e m)
{
    switch (m) {
    case MLCLF_TRAIN_MISSING_FAIL:
        return "fail";
    case MLCLF_TRAIN_MISSING_DROP:
        return "drop";
    case MLCLF_TRAIN_MISSING_IMPUTE:
        return "impute";
    case MLCLF_TRAIN_MISSING_ALLOW:
        return "allow";
    }

    return "unknown";
}


static void
mlclf_train_meta_metrics(mlclf_jsonout_t *b,
    const mlclf_train_metrics_t *mt, const mlclf_train_data_t *d, int full)
{
    size_t  i, j, k;

    k = d->n_classes;

    mlclf_jsonout_put(b, "{");
    mlclf_train_meta_kuint(b, "n", mt->n);
    mlclf_train_meta_kdbl(b, "accuracy", mt->accuracy);
    mlclf_train_meta_kdbl(b, "macro_precision", mt->macro_precision);
    mlclf_train_meta_kdbl(b, "macro_recall", mt->macro_recall);
    mlclf_train_meta_kdbl(b, "macro_f1", mt->macro_f1);
    mlclf_train_meta_kdbl(b, "log_loss", mt->log_loss);

    if (!full) {
        mlclf_jsonout_put(b, "}");
        return;
    }

    mlclf_jsonout_key(b, "per_class");
    mlclf_jsonout_put(b, "{");

    for (i = 0; i < k; i++) {
        mlclf_jsonout_key(b, d->classes[i]);
        mlclf_jsonout_put(b, "{");
        mlclf_train_meta_kdbl(b, "precision", mt->precision[i]);
        mlclf_train_meta_kdbl(b, "recall", mt->recall[i]);
        mlclf_train_meta_kdbl(b, "f1", mt->f1[i]);
        mlclf_train_meta_kuint(b, "support", mt->support[i]);
        mlclf_jsonout_put(b, "}");
    }

    mlclf_jsonout_put(b, "}");

    /* rows = true class, columns = predicted, in class order */
    mlclf_jsonout_key(b, "confusion");
    mlclf_jsonout_put(b, "[");

    for (i = 0; i < k; i++) {
        mlclf_jsonout_put(b, i ? ",[" : "[");

        for (j = 0; j < k; j++) {
            if (j) {
                mlclf_jsonout_put(b, ",");
            }

            mlclf_jsonout_uint(b, mt->confusion[i * k + j]);
        }

        mlclf_jsonout_put(b, "]");
    }

    mlclf_jsonout_put(b, "]}");
}


/* the gbt's parameters, after defaults (max_depth, max_leaves if set) */
static void
mlclf_train_meta_gbt(mlclf_jsonout_t *b, const mlclf_train_config_t *cf)
{
    mlclf_train_meta_kuint(b, "n_estimators", cf->n_estimators);
    mlclf_train_meta_kdbl(b, "learning_rate", cf->learning_rate);

    if (cf->max_depth_set) {
        mlclf_train_meta_kuint(b, "max_depth", cf->max_depth);
    }

    if (cf->max_leaves) {
        mlclf_train_meta_kuint(b, "max_leaves", cf->max_leaves);
    }

    mlclf_train_meta_kdbl(b, "min_child_weight", cf->min_child_weight);
    mlclf_train_meta_kdbl(b, "min_split_gain", cf->min_split_gain);
    mlclf_train_meta_kdbl(b, "l2", cf->l2);
    mlclf_train_meta_kdbl(b, "subsample", cf->subsample);
    mlclf_train_meta_kdbl(b, "colsample", cf->colsample);
    mlclf_train_meta_kuint(b, "n_bins", cf->n_bins);
    mlclf_train_meta_kuint(b, "seed", cf->gbt_seed);
    mlclf_train_meta_kstr(b, "loss",
                          cf->loss == MLCLF_TRAIN_LOSS_LOGISTIC ? "logistic"
                          : cf->loss == MLCLF_TRAIN_LOSS_SOFTMAX ? "softmax"
                          : "auto");

    if (cf->es_fraction > 0) {
        mlclf_jsonout_key(b, "early_stopping");
        mlclf_jsonout_put(b, "{");
        mlclf_train_meta_kdbl(b, "validation_fraction", cf->es_fraction);
        mlclf_train_meta_kuint(b, "rounds", cf->es_rounds);
        mlclf_train_meta_kstr(b, "metric",
                              cf->es_metric == MLCLF_TRAIN_METRIC_ERROR
                              ? "error" : "logloss");
        mlclf_jsonout_put(b, "}");
    }
}


/*
 * The gbt's rounds and the split gain of each feature over the kept
 * trees, in feature order.
 */
static void
mlclf_train_meta_boosting(mlclf_jsonout_t *b, const mlclf_train_meta_t *mi)
{
    size_t                        f;
    const mlclf_train_model_t    *tm;

    tm = mi->tm;

    mlclf_train_meta_kuint(b, "rounds", tm->iterations);
    mlclf_train_meta_kuint(b, "best_round", tm->best_round);

    if (!isnan(tm->best_valid)) {
        mlclf_train_meta_kdbl(b, "best_validation", tm->best_valid);
    }

    if (mi->importance == NULL) {
        return;
    }

    mlclf_jsonout_key(b, "feature_importance");
    mlclf_jsonout_put(b, "{");

    for (f = 0; f < mi->cf->n_features; f++) {
        mlclf_train_meta_kdbl(b, mi->cf->features[f].name, mi->importance[f]);
    }

    mlclf_jsonout_put(b, "}");
}


/*
 * The effective configuration: every value after defaults.  n_threads
 * is left out: it changes how fast, never what is trained, and the
 * model bytes must not depend on the machine.
 */
static void
mlclf_train_meta_config(mlclf_jsonout_t *b,
    const mlclf_train_config_t *cf)
{
    size_t  i;

    mlclf_jsonout_put(b, "{");
    mlclf_train_meta_kstr(b, "data", cf->data ? cf->data : "");
    mlclf_train_meta_kstr(b, "label", cf->label ? cf->label : "");

    mlclf_jsonout_key(b, "features");
    mlclf_jsonout_put(b, "[");

    for (i = 0; i < cf->n_features; i++) {
        mlclf_jsonout_put(b, i ? ",{" : "{");
        mlclf_train_meta_kstr(b, "name", cf->features[i].name);
        mlclf_train_meta_kstr(b, "type",
                              mlclf_train_type_name(cf->features[i].type));
        if (cf->features[i].has_min) {
            mlclf_train_meta_kdbl(b, "min", cf->features[i].min);
        }

        if (cf->features[i].has_max) {
            mlclf_train_meta_kdbl(b, "max", cf->features[i].max);
        }

        mlclf_jsonout_put(b, "}");
    }

    mlclf_jsonout_put(b, "]");

    mlclf_train_meta_kstr(b, "missing", mlclf_train_meta_missing(cf->missing));

    mlclf_jsonout_key(b, "split");
    mlclf_jsonout_put(b, "{");
    mlclf_train_meta_kdbl(b, "test_fraction", cf->test_fraction);
    mlclf_train_meta_kuint(b, "seed", cf->seed);
    mlclf_jsonout_key(b, "stratify");
    mlclf_jsonout_put(b, cf->stratify ? "true" : "false");
    mlclf_jsonout_put(b, "}");

    mlclf_jsonout_key(b, "model");
    mlclf_jsonout_put(b, "{");
    mlclf_train_meta_kstr(b, "kind", mlclf_train_meta_kind(cf->kind));

    if (cf->kind == MLCLF_KIND_LOGREG) {
        mlclf_train_meta_kdbl(b, "l2", cf->l2);
        mlclf_train_meta_kuint(b, "max_iter", cf->max_iter);
        mlclf_train_meta_kdbl(b, "tol", cf->tol);

    } else if (cf->kind == MLCLF_KIND_GBT) {
        mlclf_train_meta_gbt(b, cf);

    } else {
        mlclf_train_meta_kuint(b, "n_trees", cf->n_trees);
        mlclf_train_meta_kuint(b, "max_depth", cf->max_depth);
        mlclf_train_meta_kuint(b, "min_samples_leaf", cf->min_samples_leaf);
        if (cf->max_features == 0) {
            mlclf_train_meta_kstr(b, "max_features", "sqrt");

        } else {
            mlclf_train_meta_kuint(b, "max_features", cf->max_features);
        }

        mlclf_train_meta_kuint(b, "n_bins", cf->n_bins);
    }

    mlclf_jsonout_put(b, "}");

    mlclf_jsonout_key(b, "gates");
    mlclf_jsonout_put(b, "{");
    mlclf_train_meta_kdbl(b, "min_accuracy", cf->min_accuracy);
    mlclf_train_meta_kdbl(b, "min_macro_f1", cf->min_macro_f1);
    mlclf_jsonout_put(b, "}}");
}


int
mlclf_train_meta_json(const mlclf_train_meta_t *mi, char **out, size_t *len,
    mlclf_err_t *err)
{
    char             vbuf[16], tbuf[21], hex[65];
    mlclf_jsonout_t  b;

    *out = NULL;
    *len = 0;

    memset(&b, 0, sizeof(b));

    mlclf_jsonout_put(&b, "{");
    mlclf_train_meta_kstr(&b, "name", mi->name);

    snprintf(vbuf, sizeof(vbuf), "v%" PRIu32, mi->version);
    mlclf_train_meta_kstr(&b, "version", vbuf);

    mlclf_time_iso(mi->created_at, tbuf);
    mlclf_train_meta_kstr(&b, "created_at", tbuf);

    mlclf_train_meta_kstr(&b, "algorithm", mlclf_train_meta_kind(mi->cf->kind));

    mlclf_sha256_hex(mi->d->sha256, hex);
    mlclf_train_meta_kstr(&b, "dataset_sha256", hex);

    mlclf_train_meta_kuint(&b, "n_rows", mi->d->n_rows);
    mlclf_train_meta_kuint(&b, "n_dropped", mi->d->n_dropped);
    mlclf_train_meta_kuint(&b, "n_train", mi->n_train);
    mlclf_train_meta_kuint(&b, "n_test", mi->n_test);

    mlclf_jsonout_key(&b, "metrics");
    mlclf_train_meta_metrics(&b, mi->test, mi->d, 1);

    if (mi->train) {
        mlclf_jsonout_key(&b, "train_metrics");
        mlclf_train_meta_metrics(&b, mi->train, mi->d, 0);
    }

    if (mi->tm && mi->cf->kind == MLCLF_KIND_LOGREG) {
        mlclf_train_meta_kuint(&b, "iterations", mi->tm->iterations);
    }

    if (mi->tm && mi->cf->kind == MLCLF_KIND_GBT) {
        mlclf_train_meta_boosting(&b, mi);
    }

    mlclf_jsonout_key(&b, "config");
    mlclf_train_meta_config(&b, mi->cf);

    if (mi->model_sha256) {
        mlclf_train_meta_kstr(&b, "model_sha256", mi->model_sha256);
    }

    if (mi->format_version != 0) {
        mlclf_train_meta_kstr(&b, "tool", "mlclf-train");
        mlclf_train_meta_kstr(&b, "tool_version", MLCLF_RELEASE);
        mlclf_train_meta_kuint(&b, "format_version", mi->format_version);
    }

    if (mi->fit_seconds >= 0) {
        mlclf_train_meta_kdbl(&b, "fit_seconds", mi->fit_seconds);
    }

    if (mi->fit_phases != NULL) {
        mlclf_jsonout_key(&b, "fit_phases");
        mlclf_jsonout_put(&b, "{");
        mlclf_train_meta_kdbl(&b, "binning", mi->fit_phases[0]);
        mlclf_train_meta_kdbl(&b, "histograms", mi->fit_phases[1]);
        mlclf_train_meta_kdbl(&b, "split_search", mi->fit_phases[2]);
        mlclf_train_meta_kdbl(&b, "partition", mi->fit_phases[3]);
        mlclf_train_meta_kdbl(&b, "updates", mi->fit_phases[4]);
        mlclf_jsonout_put(&b, "}");
    }

    if (mi->path) {
        mlclf_train_meta_kstr(&b, "path", mi->path);
    }

    if (mi->promoted >= 0) {
        mlclf_jsonout_key(&b, "promoted");
        mlclf_jsonout_put(&b, mi->promoted ? "true" : "false");
    }

    mlclf_jsonout_put(&b, "}");

    if (b.nomem) {
        mlclf_jsonout_free(&b);
        return mlclf_err_set(err, MLCLF_ENOMEM, "metadata: out of memory");
    }

    *out = b.p;
    *len = b.len;

    return MLCLF_OK;
}
