
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: the trainer's CSV reader.  Each input is written to
 * one temporary file per process and read by mlclf_train_data_load()
 * under three fixed configurations (free labels and missing = fail;
 * fixed classes, a minimum and missing = drop; a numeric label column,
 * an integer feature, ranges and missing = impute; a text, a category
 * and a number, missing = fail).  A data set that loads is checked: row
 * records lie in the text, labels index the classes, values are finite
 * or, only where allowed, missing, and in their configured range; with
 * a text and a category, the inputs are fitted on every row and each
 * row's terms are in range and sorted.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mlclf_train.h>
#include <mlclf_train_inputs.h>
#include "fuzz.h"


#define FUZZ_NCONF  4


static int fuzz_init(void);
static void fuzz_cleanup(void);
static void fuzz_one(const mlclf_train_config_t *cf);
static void fuzz_check(const mlclf_train_config_t *cf,
    mlclf_train_data_t *d);
static void fuzz_inputs(const mlclf_train_config_t *cf,
    mlclf_train_data_t *d);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static char                   fuzz_path[256];
static mlclf_train_config_t   fuzz_conf[FUZZ_NCONF];
static mlclf_train_feature_t  fuzz_feat[FUZZ_NCONF][4];

static char  *fuzz_names[] = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
};

static char  *fuzz_classes[] = { "setosa", "versicolor", "virginica" };


static int
fuzz_init(void)
{
    size_t                  c, i;
    mlclf_train_config_t   *cf;

    if (fuzz_path[0] != '\0') {
        return 0;
    }

    fuzz_file_path(fuzz_path, sizeof(fuzz_path), "csv", "csv");

    atexit(fuzz_cleanup);

    for (c = 0; c < FUZZ_NCONF; c++) {
        cf = &fuzz_conf[c];
        memset(cf, 0, sizeof(*cf));

        for (i = 0; i < 4; i++) {
            memset(&fuzz_feat[c][i], 0, sizeof(mlclf_train_feature_t));
            fuzz_feat[c][i].name = fuzz_names[i];
        }

        cf->path = "fuzz.yaml";
        cf->name = "fuzz";
        cf->data = fuzz_path;
        cf->label = "species";
        cf->features = fuzz_feat[c];
        cf->n_features = 4;
        cf->test_fraction = 0.2;
        cf->seed = 42;
        cf->stratify = 1;
        cf->kind = MLCLF_KIND_LOGREG;
        cf->l2 = 1.0;
        cf->max_iter = 200;
        cf->tol = 1e-6;
        cf->n_trees = 10;
        cf->max_depth = 12;
        cf->min_samples_leaf = 1;
        cf->n_bins = 256;
        cf->n_threads = 1;
    }

    cf = &fuzz_conf[0];
    cf->missing = MLCLF_TRAIN_MISSING_FAIL;

    cf = &fuzz_conf[1];
    cf->missing = MLCLF_TRAIN_MISSING_DROP;
    cf->classes = fuzz_classes;
    cf->n_classes = 3;
    fuzz_feat[1][1].has_min = 1;
    fuzz_feat[1][1].min = -5;

    /* the label is a numeric column here: its values are the classes */

    cf = &fuzz_conf[2];
    cf->missing = MLCLF_TRAIN_MISSING_IMPUTE;
    cf->n_features = 3;
    cf->label = "petal_width";
    fuzz_feat[2][0].type = MLCLF_TRAIN_TYPE_INTEGER;
    fuzz_feat[2][0].has_min = 1;
    fuzz_feat[2][0].min = 0.0;
    fuzz_feat[2][0].has_max = 1;
    fuzz_feat[2][0].max = 10.0;
    fuzz_feat[2][2].has_max = 1;
    fuzz_feat[2][2].max = 1e6;

    /* a hashing text, a category that ignores unknown values, a number */

    cf = &fuzz_conf[3];
    cf->missing = MLCLF_TRAIN_MISSING_FAIL;
    cf->n_features = 3;
    fuzz_feat[3][0].type = MLCLF_TRAIN_TYPE_TEXT;
    fuzz_feat[3][0].text.core.vectorizer = MLCLF_TRAIN_TEXT_HASHING;
    fuzz_feat[3][0].text.core.n_features = 64;
    fuzz_feat[3][0].text.core.ngram_min = 1;
    fuzz_feat[3][0].text.core.ngram_max = 2;
    fuzz_feat[3][0].text.core.flags = MLCLF_TRAIN_TEXT_LOWERCASE
                                      | MLCLF_TRAIN_TEXT_ALTERNATE_SIGN;
    fuzz_feat[3][0].text.core.norm = MLCLF_TRAIN_TEXT_NORM_L2;
    fuzz_feat[3][0].text.use_idf = 1;
    fuzz_feat[3][1].type = MLCLF_TRAIN_TYPE_CATEGORY;
    fuzz_feat[3][1].category.unknown = MLCLF_TRAIN_UNKNOWN_IGNORE;

    return 0;
}


static void
fuzz_cleanup(void)
{
    if (fuzz_path[0] != '\0') {
        unlink(fuzz_path);
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
    size_t  c;

    fuzz_init();

    if (fuzz_file_write(fuzz_path, data, size) != 0) {
        abort();
    }

    for (c = 0; c < FUZZ_NCONF; c++) {
        fuzz_one(&fuzz_conf[c]);
    }

    return 0;
}


static void
fuzz_one(const mlclf_train_config_t *cf)
{
    int                  rc;
    mlclf_err_t          err;
    mlclf_train_data_t   d;

    memset(&err, 0, sizeof(err));

    rc = mlclf_train_data_load(&d, cf, &err);

    FUZZ_CHECK(rc <= 0);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);

    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "missing %d: %d %s (%zu rows)\n", (int) cf->missing,
                rc, rc ? err.msg : "", rc ? (size_t) 0 : d.n_rows);
    }

    if (rc == MLCLF_OK) {
        fuzz_check(cf, &d);

    } else {
        FUZZ_CHECK(err.code == rc && err.msg[0] != '\0');
    }

    mlclf_train_data_free(&d);
}


static void
fuzz_check(const mlclf_train_config_t *cf, mlclf_train_data_t *d)
{
    size_t   i, j, nf, *rows;
    double   v, *impute;

    nf = cf->n_features;

    FUZZ_CHECK(d->n_features == nf);
    FUZZ_CHECK(d->text != NULL || d->text_len == 0);
    FUZZ_CHECK(d->header != NULL);
    FUZZ_CHECK(d->header >= d->text
               && d->header + d->header_len <= d->text + d->text_len);

    if (cf->classes != NULL) {
        FUZZ_CHECK(d->n_classes == cf->n_classes);
    }

    for (i = 0; i < d->n_classes; i++) {
        FUZZ_CHECK(d->classes != NULL && d->classes[i] != NULL);

        /* every label can go into a model */
        FUZZ_CHECK(mlclf_name_check(d->classes[i], strlen(d->classes[i]),
                                    NULL)
                   == MLCLF_OK);

        if (cf->classes != NULL) {
            FUZZ_CHECK(strcmp(d->classes[i], cf->classes[i]) == 0);
        }

        /* the default class order is bytewise sorted, distinct */
        if (cf->classes == NULL && i > 0) {
            FUZZ_CHECK(strcmp(d->classes[i - 1], d->classes[i]) < 0);
        }
    }

    for (i = 0; i < d->n_rows; i++) {
        FUZZ_CHECK(d->y[i] < d->n_classes);
        FUZZ_CHECK(d->rec_off[i] <= d->text_len
                   && d->rec_len[i] <= d->text_len - d->rec_off[i]);

        for (j = 0; j < nf; j++) {
            v = d->x[i * nf + j];

            if (cf->features[j].type > MLCLF_TRAIN_TYPE_INTEGER) {
                FUZZ_CHECK(v == 0.0);
                continue;
            }

            if (isnan(v)) {
                FUZZ_CHECK(cf->missing == MLCLF_TRAIN_MISSING_IMPUTE);
                continue;
            }

            FUZZ_CHECK(isfinite(v));
            FUZZ_CHECK(!cf->features[j].has_min || v >= cf->features[j].min);
            FUZZ_CHECK(!cf->features[j].has_max || v <= cf->features[j].max);
            FUZZ_CHECK(cf->features[j].type != MLCLF_TRAIN_TYPE_INTEGER
                       || v == floor(v));
        }
    }

    if (cf->features[0].type == MLCLF_TRAIN_TYPE_TEXT) {
        fuzz_inputs(cf, d);
        return;
    }

    if (cf->missing != MLCLF_TRAIN_MISSING_IMPUTE || d->n_rows == 0) {
        return;
    }

    rows = malloc(d->n_rows * sizeof(size_t));
    impute = malloc(nf * sizeof(double));
    FUZZ_CHECK(rows != NULL && impute != NULL);

    for (i = 0; i < d->n_rows; i++) {
        rows[i] = i;
    }

    mlclf_train_data_impute(d, rows, d->n_rows, impute);

    for (i = 0; i < d->n_rows * nf; i++) {
        FUZZ_CHECK(!isnan(d->x[i]));
    }

    free(rows);
    free(impute);
}


/*
 * Every row as a train row: the inputs fit, or refuse an all-empty
 * text; each row's terms lie in the columns, sorted, finite.
 */
static void
fuzz_inputs(const mlclf_train_config_t *cf, mlclf_train_data_t *d)
{
    int                    rc;
    size_t                 i, t, *rows;
    mlclf_err_t            err;
    mlclf_train_inputs_t   in;

    if (d->n_rows == 0) {
        return;
    }

    rows = malloc(d->n_rows * sizeof(size_t));
    FUZZ_CHECK(rows != NULL);

    for (i = 0; i < d->n_rows; i++) {
        rows[i] = i;
    }

    memset(&err, 0, sizeof(err));

    rc = mlclf_train_inputs_build(&in, cf, d, rows, d->n_rows, NULL, NULL,
                                  &err);

    if (rc != MLCLF_OK) {
        FUZZ_CHECK(rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);
        FUZZ_CHECK(err.msg[0] != '\0');
        free(rows);
        return;
    }

    FUZZ_CHECK(in.n_inputs == 3 && d->n_features == in.n_columns);
    FUZZ_CHECK(d->x == NULL && d->sp_ptr == in.ptr);

    for (i = 0; i < d->n_rows; i++) {
        for (t = in.ptr[i]; t < in.ptr[i + 1]; t++) {
            FUZZ_CHECK(in.terms[t].column < in.n_columns);
            FUZZ_CHECK(isfinite(in.terms[t].value));
            FUZZ_CHECK(t == in.ptr[i]
                       || in.terms[t].column > in.terms[t - 1].column);
        }
    }

    d->sp_ptr = NULL;
    d->sp_terms = NULL;
    mlclf_train_inputs_free(&in);
    free(rows);
}
