
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: arbitrary bytes through mlclf_import_lightgbm(), the
 * LightGBM model.txt reader.  A refusal is MLCLF_EINVAL (or ENOMEM)
 * with a message that starts with the file's name.  A model it accepts
 * must go all the way, as mlclf-import takes it: default names (these
 * may still be refused: LightGBM allows names mlclf does not),
 * mlclf_import_spec(), mlclf_write_buffer() and mlclf_model_load() with
 * no error, and then answer a few fixed rows (zeros, NaN, values around
 * kZeroThreshold, +-1e300) with probabilities in [0, 1] that sum to 1
 * (but for multiclassova, whose per-class sigmoids need not).
 *
 * The seeds in corpus/import_lightgbm/ are the hand-written fixtures of
 * tests/fixtures/lightgbm/ and a small model without tree_sizes.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_import.h>
#include "fuzz.h"


#define FUZZ_PATH  "fuzz.txt"


static void fuzz_model(const mlclf_import_t *im);
static void fuzz_predict(const mlclf_model_t *m, uint32_t link);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const double  fuzz_values[] = {
    0.0, NAN, 1e-36, -1e-35, 0.5, -2.25, 1e300, -1e300, 3.0, -0.0
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             rc;
    char           *buf;
    mlclf_err_t     err;
    mlclf_import_t  im;

    /* exact size plus the NUL the parsers are promised */
    buf = malloc(size + 1);
    if (buf == NULL) {
        return 0;
    }

    memcpy(buf, data, size);
    buf[size] = '\0';

    memset(&err, 0, sizeof(err));
    mlclf_import_init(&im, FUZZ_PATH, MLCLF_IMPORT_LIGHTGBM);

    rc = mlclf_import_lightgbm(&im, buf, size, &err);

    if (getenv("FUZZ_VERBOSE") != NULL) {
        printf("lightgbm: %d %s\n", rc, rc ? err.msg : "");
    }

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);

    if (rc == MLCLF_EINVAL) {
        FUZZ_CHECK(strncmp(err.msg, FUZZ_PATH ":", sizeof(FUZZ_PATH)) == 0);
    }

    if (rc == MLCLF_OK) {
        FUZZ_CHECK(im.kind == MLCLF_KIND_GBT && im.n_trees >= 1);
        fuzz_model(&im);
    }

    mlclf_import_free(&im);
    free(buf);

    return 0;
}


static void
fuzz_model(const mlclf_import_t *im)
{
    int             rc;
    void           *out;
    size_t          len;
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    rc = mlclf_import_names((mlclf_import_t *) im, NULL, NULL, &err);
    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL);

    if (rc != MLCLF_OK) {
        return;
    }

    rc = mlclf_import_spec((mlclf_import_t *) im, &spec, &err);
    FUZZ_CHECK(rc == MLCLF_OK);

    out = NULL;
    rc = mlclf_write_buffer(&spec, &out, &len, &err);

    if (rc != MLCLF_OK && getenv("FUZZ_VERBOSE") != NULL) {
        printf("write: %s\n", err.msg);
    }

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_ENOMEM);

    if (rc != MLCLF_OK) {
        return;
    }

    rc = mlclf_model_load(&m, out, len, &err);

    if (rc != MLCLF_OK && getenv("FUZZ_VERBOSE") != NULL) {
        printf("load: %s\n", err.msg);
    }

    FUZZ_CHECK(rc == MLCLF_OK);

    fuzz_predict(m, im->n_outputs > 1 ? im->link : 0);

    mlclf_model_close(&m);
    free(out);
}


/* Rows of one value each, and rows that mix them. */
static void
fuzz_predict(const mlclf_model_t *m, uint32_t link)
{
    double    *x, *proba, sum, p[64];
    size_t     v, nv;
    uint32_t   j, k, nf, nc, cls;

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

    for (v = 0; v < 2 * nv; v++) {
        for (j = 0; j < nf; j++) {
            x[j] = v < nv ? fuzz_values[v] : fuzz_values[(v + j) % nv];
        }

        cls = mlclf_predict_proba(m, x, proba);
        FUZZ_CHECK(cls < nc);

        sum = 0.0;

        for (k = 0; k < nc; k++) {
            FUZZ_CHECK(proba[k] >= 0.0 && proba[k] <= 1.0);
            sum += proba[k];
        }

        /* a per-class sigmoid (multiclassova) need not sum to 1 */
        if (link != MLCLF_LINK_SIGMOID) {
            FUZZ_CHECK(fabs(sum - 1.0) < 1e-9);
        }
    }

    free(x);

    if (proba != p) {
        free(proba);
    }
}
