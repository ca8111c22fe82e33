
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: the trainer's YAML configuration reader.  Each input
 * is written to one temporary file per process (its base name is a valid
 * model name) and read by mlclf_train_config_load().  A configuration
 * that loads is checked against the documented ranges (each feature
 * type's keys too), then its "data" is pointed at a fixed iris CSV
 * (never at the path the input names) and read with
 * mlclf_train_data_load(), so that the two readers meet; the reader
 * refuses any feature that is not a number.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mlclf_train.h>
#include "fuzz.h"



static int fuzz_init(void);
static void fuzz_cleanup(void);
static void fuzz_check(const mlclf_train_config_t *cf);
static void fuzz_freq(const mlclf_train_freq_t *q, int open);
static void fuzz_category(const mlclf_train_category_conf_t *c);
static void fuzz_text(const mlclf_train_text_t *t);
static void fuzz_data(mlclf_train_config_t *cf);
static void fuzz_gbt(mlclf_train_config_t *cf, const mlclf_train_data_t *d);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static char  fuzz_path[256];
static char  fuzz_csv[256];

static const char  fuzz_iris[] =
    "sepal_length,sepal_width,petal_length,petal_width,species\n"
    "5.1,3.5,1.4,0.2,setosa\n"
    "4.9,3.0,1.4,0.2,setosa\n"
    "7.0,3.2,4.7,1.4,versicolor\n"
    "6.4,3.2,4.5,1.5,versicolor\n"
    "6.3,3.3,6.0,2.5,virginica\n"
    "5.8,,5.1,1.9,virginica\n";


static int
fuzz_init(void)
{
    if (fuzz_path[0] != '\0') {
        return 0;
    }

    fuzz_file_path(fuzz_path, sizeof(fuzz_path), "yaml", "yaml");
    fuzz_file_path(fuzz_csv, sizeof(fuzz_csv), "yaml", "csv");

    atexit(fuzz_cleanup);

    if (fuzz_file_write(fuzz_csv, fuzz_iris, sizeof(fuzz_iris) - 1) != 0) {
        abort();
    }

    return 0;
}


static void
fuzz_cleanup(void)
{
    if (fuzz_path[0] != '\0') {
        unlink(fuzz_path);
        unlink(fuzz_csv);
    }
}


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;

    return fuzz_init();
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                    rc;
    mlclf_err_t            err;
    mlclf_train_config_t   cf;

    fuzz_init();

    if (fuzz_file_write(fuzz_path, data, size) != 0) {
        abort();
    }

    memset(&err, 0, sizeof(err));

    rc = mlclf_train_config_load(&cf, fuzz_path, &err);

    FUZZ_CHECK(rc <= 0);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);

    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "config: %d %s\n", rc, rc ? err.msg : "");
    }

    if (rc == MLCLF_OK) {
        fuzz_check(&cf);
        fuzz_data(&cf);

    } else {
        FUZZ_CHECK(err.code == rc && err.msg[0] != '\0');
    }

    mlclf_train_config_free(&cf);

    /* a second free is harmless */
    mlclf_train_config_free(&cf);

    return 0;
}


static void
fuzz_check(const mlclf_train_config_t *cf)
{
    size_t                        i, j, len;
    const mlclf_train_feature_t  *f;

    FUZZ_CHECK(cf->path != NULL && strcmp(cf->path, fuzz_path) == 0);
    FUZZ_CHECK(cf->name != NULL);

    len = strlen(cf->name);
    FUZZ_CHECK(len >= 1 && len <= 64);
    FUZZ_CHECK(strspn(cf->name, "abcdefghijklmnopqrstuvwxyz0123456789_-")
               == len);

    FUZZ_CHECK(cf->data != NULL && cf->label != NULL);
    FUZZ_CHECK(cf->n_features >= 1 && cf->features != NULL);

    for (i = 0; i < cf->n_features; i++) {
        f = &cf->features[i];

        FUZZ_CHECK(f->name != NULL);
        FUZZ_CHECK(mlclf_name_check(f->name, strlen(f->name), NULL)
                   == MLCLF_OK);
        FUZZ_CHECK(!f->has_min || !f->has_max || f->min <= f->max);
        FUZZ_CHECK(!f->has_min || !isnan(f->min));
        FUZZ_CHECK(!f->has_max || !isnan(f->max));

        switch (f->type) {

        case MLCLF_TRAIN_TYPE_FLOAT:
        case MLCLF_TRAIN_TYPE_INTEGER:
            break;

        case MLCLF_TRAIN_TYPE_CATEGORY:
            FUZZ_CHECK(!f->has_min && !f->has_max);
            FUZZ_CHECK(f->type_line >= 1 && f->type_col >= 1);
            fuzz_category(&f->category);
            break;

        case MLCLF_TRAIN_TYPE_TEXT:
            FUZZ_CHECK(!f->has_min && !f->has_max);
            FUZZ_CHECK(f->type_line >= 1 && f->type_col >= 1);
            fuzz_text(&f->text);
            break;

        default:
            FUZZ_CHECK(0);
        }
    }

    if (cf->classes != NULL) {
        FUZZ_CHECK(cf->n_classes >= 2);

        for (i = 0; i < cf->n_classes; i++) {
            FUZZ_CHECK(cf->classes[i] != NULL);
            FUZZ_CHECK(mlclf_name_check(cf->classes[i],
                                        strlen(cf->classes[i]), NULL)
                       == MLCLF_OK);

            for (j = 0; j < i; j++) {
                FUZZ_CHECK(strcmp(cf->classes[i], cf->classes[j]) != 0);
            }
        }
    }

    FUZZ_CHECK(cf->missing == MLCLF_TRAIN_MISSING_FAIL
               || cf->missing == MLCLF_TRAIN_MISSING_DROP
               || cf->missing == MLCLF_TRAIN_MISSING_IMPUTE
               || (cf->missing == MLCLF_TRAIN_MISSING_ALLOW
                   && cf->kind == MLCLF_KIND_GBT));
    FUZZ_CHECK(cf->test_fraction > 0.0 && cf->test_fraction < 1.0);
    FUZZ_CHECK(cf->kind == MLCLF_KIND_LOGREG
               || cf->kind == MLCLF_KIND_FOREST
               || cf->kind == MLCLF_KIND_GBT);

    if (cf->kind == MLCLF_KIND_GBT) {
        FUZZ_CHECK(cf->n_estimators >= 1 && cf->n_estimators <= 100000);
        FUZZ_CHECK(cf->learning_rate > 0.0 && cf->learning_rate <= 1.0);
        FUZZ_CHECK(cf->max_depth_set || cf->max_leaves != 0);
        FUZZ_CHECK(!cf->max_depth_set
                   || (cf->max_depth >= 1 && cf->max_depth <= 64));
        FUZZ_CHECK(cf->max_leaves == 0
                   || (cf->max_leaves >= 2 && cf->max_leaves <= 65536));
        FUZZ_CHECK(cf->min_child_weight >= 0.0
                   && isfinite(cf->min_child_weight));
        FUZZ_CHECK(cf->min_split_gain >= 0.0
                   && isfinite(cf->min_split_gain));
        FUZZ_CHECK(cf->subsample > 0.0 && cf->subsample <= 1.0);
        FUZZ_CHECK(cf->colsample > 0.0 && cf->colsample <= 1.0);
        FUZZ_CHECK(cf->es_fraction >= 0.0 && cf->es_fraction < 1.0);
        FUZZ_CHECK(cf->es_fraction == 0.0 || cf->es_rounds >= 1);
        FUZZ_CHECK(cf->log_every >= 1);
        FUZZ_CHECK(cf->loss != MLCLF_TRAIN_LOSS_LOGISTIC
                   || cf->classes == NULL || cf->n_classes == 2);
    }
    FUZZ_CHECK(cf->l2 >= 0.0 && isfinite(cf->l2));
    FUZZ_CHECK(cf->max_iter >= 1 && cf->max_iter <= 1000000);
    FUZZ_CHECK(cf->tol > 0.0 && isfinite(cf->tol));
    FUZZ_CHECK(cf->n_trees >= 1 && cf->n_trees <= 100000);
    FUZZ_CHECK(cf->max_depth <= 64);
    FUZZ_CHECK(cf->min_samples_leaf >= 1);
    FUZZ_CHECK(cf->max_features <= cf->n_features);
    FUZZ_CHECK(cf->n_bins >= 2 && cf->n_bins <= 256);
    FUZZ_CHECK(cf->n_threads <= 1024);
    FUZZ_CHECK(cf->min_accuracy >= 0.0 && cf->min_accuracy <= 1.0);
    FUZZ_CHECK(cf->min_macro_f1 >= 0.0 && cf->min_macro_f1 <= 1.0);
}


/* a count >= 1 or a share in [0, 1] ((0, 1) with open) */
static void
fuzz_freq(const mlclf_train_freq_t *q, int open)
{
    switch (q->kind) {

    case MLCLF_TRAIN_FREQ_COUNT:
        FUZZ_CHECK(q->count >= 1);
        break;

    case MLCLF_TRAIN_FREQ_SHARE:
        FUZZ_CHECK(open ? q->share > 0 && q->share < 1
                        : q->share >= 0 && q->share <= 1);
        break;

    default:
        FUZZ_CHECK(q->kind == MLCLF_TRAIN_FREQ_NONE);
    }
}


static void
fuzz_category(const mlclf_train_category_conf_t *c)
{
    fuzz_freq(&c->min_frequency, 1);
    FUZZ_CHECK(c->max_categories == 0 || c->max_categories >= 2);
    FUZZ_CHECK(c->unknown == MLCLF_TRAIN_UNKNOWN_ERROR
               || c->unknown == MLCLF_TRAIN_UNKNOWN_IGNORE
               || (c->unknown == MLCLF_TRAIN_UNKNOWN_INFREQUENT
                   && (c->min_frequency.kind != MLCLF_TRAIN_FREQ_NONE
                       || c->max_categories != 0)));
}


static void
fuzz_text(const mlclf_train_text_t *t)
{
    const mlclf_train_text_core_t  *c;

    c = &t->core;

    FUZZ_CHECK(c->ngram_min >= 1 && c->ngram_min <= c->ngram_max
               && c->ngram_max <= 8);
    FUZZ_CHECK((c->flags & ~0x0fu) == 0);
    FUZZ_CHECK(c->norm <= MLCLF_TRAIN_TEXT_NORM_L2);
    FUZZ_CHECK(c->hash_norm <= MLCLF_TRAIN_TEXT_NORM_L2);
    FUZZ_CHECK(!(c->flags & MLCLF_TRAIN_TEXT_SUBLINEAR_TF)
               || (!(c->flags & MLCLF_TRAIN_TEXT_ALTERNATE_SIGN)
                   && c->hash_norm == MLCLF_TRAIN_TEXT_NORM_NONE));
    FUZZ_CHECK(t->use_idf <= 1);

    if (c->vectorizer == MLCLF_TRAIN_TEXT_HASHING) {
        FUZZ_CHECK(c->n_features >= 2 && c->n_features <= (1u << 24)
                   && (c->n_features & (c->n_features - 1)) == 0);
        FUZZ_CHECK(t->max_features == 0);
        FUZZ_CHECK(t->min_df.kind == MLCLF_TRAIN_FREQ_NONE
                   && t->max_df.kind == MLCLF_TRAIN_FREQ_NONE);
        return;
    }

    FUZZ_CHECK(c->vectorizer == MLCLF_TRAIN_TEXT_VOCABULARY);
    FUZZ_CHECK(c->n_features == 0);
    FUZZ_CHECK(!(c->flags & MLCLF_TRAIN_TEXT_ALTERNATE_SIGN));
    FUZZ_CHECK(c->hash_norm == MLCLF_TRAIN_TEXT_NORM_NONE);
    FUZZ_CHECK(t->min_df.kind != MLCLF_TRAIN_FREQ_NONE
               && t->max_df.kind != MLCLF_TRAIN_FREQ_NONE);
    fuzz_freq(&t->min_df, 0);
    fuzz_freq(&t->max_df, 0);
    FUZZ_CHECK(t->min_df.kind != t->max_df.kind
               || (t->min_df.kind == MLCLF_TRAIN_FREQ_COUNT
                   ? t->min_df.count <= t->max_df.count
                   : t->min_df.share <= t->max_df.share));
}


/*
 * A gbt configuration that reads the CSV trains on it (a few rounds, one
 * thread), and the model it gives writes, loads and serves every row:
 * probabilities that are numbers summing to 1.
 */
static void
fuzz_gbt(mlclf_train_config_t *cf, const mlclf_train_data_t *d)
{
    int                    rc;
    void                  *buf;
    size_t                 i, c, len, rows[6];
    double                 pr[8], sum;
    uint32_t               n_est, nt;
    mlclf_err_t            err;
    mlclf_model_t         *m;
    mlclf_train_model_t    tm;

    if (d->n_classes < 2 || d->n_classes > 8 || d->n_rows < 2
        || mlclf_train_config_check_classes(cf, d->n_classes, &err)
           != MLCLF_OK)
    {
        return;
    }

    for (i = 0; i < d->n_rows; i++) {
        rows[i] = i;
    }

    n_est = cf->n_estimators;
    nt = cf->n_threads;
    cf->n_estimators = n_est < 5 ? n_est : 5;
    cf->n_threads = 1;

    rc = mlclf_train_gbt(&tm, cf, d, rows, d->n_rows, &err);

    cf->n_estimators = n_est;
    cf->n_threads = nt;

    if (rc != MLCLF_OK) {
        /* only a validation share too small for the rows may fail */
        FUZZ_CHECK(rc == MLCLF_EINVAL && cf->es_fraction > 0);
        return;
    }

    buf = NULL;
    m = NULL;

    FUZZ_CHECK(mlclf_write_buffer(&tm.spec, &buf, &len, &err) == MLCLF_OK);
    FUZZ_CHECK(mlclf_model_load(&m, buf, len, &err) == MLCLF_OK);

    for (i = 0; i < d->n_rows; i++) {
        if (!mlclf_model_routes_missing(m)) {
            for (c = 0; c < d->n_features; c++) {
                if (isnan(d->x[i * d->n_features + c])) {
                    break;
                }
            }

            if (c < d->n_features) {
                continue;   /* the request parser would refuse it */
            }
        }

        FUZZ_CHECK(mlclf_predict_proba(m, d->x + i * d->n_features, pr)
                   < d->n_classes);

        sum = 0;
        for (c = 0; c < d->n_classes; c++) {
            FUZZ_CHECK(pr[c] >= 0 && pr[c] <= 1);
            sum += pr[c];
        }

        FUZZ_CHECK(fabs(sum - 1) < 1e-9);
    }

    mlclf_model_close(&m);
    free(buf);
    mlclf_train_model_free(&tm);
}


/* The configuration against the fixed CSV, whatever "data" said. */
static void
fuzz_data(mlclf_train_config_t *cf)
{
    int                  rc;
    char                *data;
    mlclf_err_t          err;
    mlclf_train_data_t   d;

    data = cf->data;
    cf->data = fuzz_csv;

    memset(&err, 0, sizeof(err));

    rc = mlclf_train_data_load(&d, cf, &err);

    FUZZ_CHECK(rc <= 0);

    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "data: %d %s\n", rc, rc ? err.msg : "");
    }

    if (rc == MLCLF_OK) {
        FUZZ_CHECK(d.n_features == cf->n_features);
        FUZZ_CHECK(d.n_rows <= 6);

        if (cf->kind == MLCLF_KIND_GBT) {
            fuzz_gbt(cf, &d);
        }

    } else {
        FUZZ_CHECK(err.code == rc && err.msg[0] != '\0');
    }

    mlclf_train_data_free(&d);

    cf->data = data;
}
