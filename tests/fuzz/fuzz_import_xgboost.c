
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: arbitrary bytes as an XGBoost model file, JSON or
 * UBJSON, through mlclf_import_xgboost().  A refusal is MLCLF_EINVAL
 * (or MLCLF_ENOMEM) with a message that names the file.  What the
 * importer accepts must be a model the core serves: default names,
 * mlclf_import_spec(), mlclf_write_buffer() and mlclf_model_load() all
 * succeed, and a few fixed rows, some with missing values, give finite
 * probabilities in [0, 1] that sum to 1.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_import.h>
#include "fuzz.h"


#define FUZZ_PATH  "fuzz.json"


static void fuzz_accepted(mlclf_import_t *im);
static void fuzz_predict(const mlclf_model_t *m);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const double  fuzz_values[] = {
    0.0, 0.5, -0.25, 1.0000001e-1, 0.49999999999999994, 1e300, -1e300,
    -0.0, 3.0, 1e-40, NAN
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             rc;
    char           *buf;
    mlclf_err_t     err;
    mlclf_import_t  im;

    /* exact size and a NUL after it, so ASan sees any overread */
    buf = malloc(size + 1);
    if (buf == NULL) {
        return 0;
    }

    memcpy(buf, data, size);
    buf[size] = '\0';

    memset(&err, 0, sizeof(err));
    mlclf_import_init(&im, FUZZ_PATH, MLCLF_IMPORT_XGBOOST);

    rc = mlclf_import_xgboost(&im, buf, size, &err);

    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "%d %s\n", rc, rc ? err.msg : "");
    }

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);

    if (rc != MLCLF_OK) {
        FUZZ_CHECK(err.code == rc);
        FUZZ_CHECK(strncmp(err.msg, FUZZ_PATH ":", 10) == 0);

    } else {
        fuzz_accepted(&im);
    }

    mlclf_import_free(&im);
    free(buf);

    return 0;
}


/* An accepted model is one the core writes, verifies and serves. */
static void
fuzz_accepted(mlclf_import_t *im)
{
    int             rc, named;
    void           *out;
    size_t          len;
    uint32_t        k;
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    FUZZ_CHECK(im->kind == MLCLF_KIND_GBT);
    FUZZ_CHECK(im->n_trees >= 1);
    FUZZ_CHECK(im->n_features >= 1 && im->n_features <= MLCLF_MAX_FEATURES);
    FUZZ_CHECK(im->n_classes >= 2);
    FUZZ_CHECK(im->link == MLCLF_LINK_SIGMOID
               ? im->n_outputs == 1 && im->n_classes == 2
               : im->link == MLCLF_LINK_SOFTMAX
                 && im->n_outputs == im->n_classes);
    FUZZ_CHECK(im->gbt_flags == MLCLF_GBT_FLOAT32);
    FUZZ_CHECK(strcmp(im->library, "xgboost") == 0);

    for (k = 0; k < im->n_outputs; k++) {
        FUZZ_CHECK(isfinite(im->base[k])
                   && (double) (float) im->base[k] == im->base[k]);
    }

    memset(&err, 0, sizeof(err));

    /* names from the source can be refused (not printable, repeated) */
    named = im->feature_names != NULL;
    rc = mlclf_import_names(im, NULL, NULL, &err);
    FUZZ_CHECK(rc == MLCLF_OK || (rc == MLCLF_EINVAL && named));
    if (rc != MLCLF_OK) {
        return;
    }

    rc = mlclf_import_spec(im, &spec, &err);
    FUZZ_CHECK(rc == MLCLF_OK);

    rc = mlclf_write_buffer(&spec, &out, &len, &err);
    if (rc == MLCLF_ENOMEM) {
        return;
    }

    if (rc != MLCLF_OK) {
        fprintf(stderr, "write: %s\n", err.msg);
    }

    FUZZ_CHECK(rc == MLCLF_OK);

    rc = mlclf_model_load(&m, out, len, &err);

    if (rc != MLCLF_OK) {
        fprintf(stderr, "load: %s\n", err.msg);
    }

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_ENOMEM);

    if (rc == MLCLF_OK) {
        FUZZ_CHECK(mlclf_model_routes_missing(m));
        fuzz_predict(m);
        mlclf_model_close(&m);
    }

    free(out);
}


static void
fuzz_predict(const mlclf_model_t *m)
{
    double     p[64], *x, *proba, sum;
    size_t     r, j, nv;
    uint32_t   nf, nc, k, top;

    nf = mlclf_model_n_features(m);
    nc = mlclf_model_n_classes(m);
    nv = sizeof(fuzz_values) / sizeof(fuzz_values[0]);

    x = malloc(nf * sizeof(double));
    proba = nc <= 64 ? p : malloc(nc * sizeof(double));

    if (x == NULL || proba == NULL) {
        free(x);
        if (proba != p) {
            free(proba);
        }
        return;
    }

    for (r = 0; r < 2 * nv; r++) {
        for (j = 0; j < nf; j++) {
            x[j] = fuzz_values[(r < nv ? r : r + j) % nv];
        }

        top = mlclf_predict_proba(m, x, proba);
        FUZZ_CHECK(top < nc);

        sum = 0.0;

        for (k = 0; k < nc; k++) {
            FUZZ_CHECK(proba[k] >= 0.0 && proba[k] <= 1.0);
            FUZZ_CHECK(proba[k] <= proba[top]);
            sum += proba[k];
        }

        FUZZ_CHECK(fabs(sum - 1.0) < 1e-9);
    }

    free(x);
    if (proba != p) {
        free(proba);
    }
}
