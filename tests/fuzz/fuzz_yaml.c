
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: the trainer's YAML configuration reader.  Each input
 * is written to one temporary file per process (its base name is a valid
 * model name) and read by mlclf_train_config_load().  A configuration
 * that loads is checked against the documented ranges, then its "data"
 * is pointed at a fixed iris CSV (never at the path the input names) and
 * read with mlclf_train_data_load(), so that the two readers meet.
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
static void fuzz_data(mlclf_train_config_t *cf);

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
               || cf->missing == MLCLF_TRAIN_MISSING_IMPUTE);
    FUZZ_CHECK(cf->test_fraction > 0.0 && cf->test_fraction < 1.0);
    FUZZ_CHECK(cf->kind == MLCLF_KIND_LOGREG
               || cf->kind == MLCLF_KIND_FOREST);
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

    } else {
        FUZZ_CHECK(err.code == rc && err.msg[0] != '\0');
    }

    mlclf_train_data_free(&d);

    cf->data = data;
}
