
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: arbitrary bytes as a scikit-learn interchange file
 * through mlclf_import_sklearn() (docs/sklearn-interchange.md).  A
 * refusal must be MLCLF_EINVAL (or MLCLF_ENOMEM) with a message that
 * names the file; nothing may leak.  A file that imports must go the
 * whole way mlclf-import takes: default names, spec, the writer, and
 * the reader's full check of the bytes, which must all accept it (the
 * importer may not accept what the model format refuses).  The loaded
 * model then predicts a few fixed rows (with NaN where it routes missing
 * values): finite probabilities in [0, 1] that sum to 1.  Seeds in
 * corpus/import_sklearn/ are small files written by
 * tools/mlclf-sklearn-export, one per estimator and link.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_import.h>
#include "fuzz.h"


#define FUZZ_PATH  "fuzz.json"


static void fuzz_model(mlclf_import_t *im);
static void fuzz_predict(const mlclf_model_t *m);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const double  fuzz_values[] = {
    0.0, 0.5, -0.25, 1.0, 3.0, -1e300, 1e300, 1e-300, -0.0, 2.5
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int              rc;
    char            *buf;
    mlclf_err_t      err;
    mlclf_import_t   im;

    buf = malloc(size + 1);
    if (buf == NULL) {
        return 0;
    }

    memcpy(buf, data, size);
    buf[size] = '\0';

    memset(&err, 0, sizeof(err));
    mlclf_import_init(&im, FUZZ_PATH, MLCLF_IMPORT_SKLEARN);

    rc = mlclf_import_sklearn(&im, buf, size, &err);

    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "import: %d %s\n", rc, rc ? err.msg : "");
    }

    if (rc == MLCLF_OK) {
        fuzz_model(&im);

    } else {
        FUZZ_CHECK(rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);
        FUZZ_CHECK(err.code == rc);
        FUZZ_CHECK(strncmp(err.msg, FUZZ_PATH ":",
                           sizeof(FUZZ_PATH)) == 0);
    }

    mlclf_import_free(&im);
    free(buf);

    return 0;
}


/* An accepted file: names, spec, written, read back, served. */
static void
fuzz_model(mlclf_import_t *im)
{
    int             rc;
    void           *bytes;
    size_t          len;
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    FUZZ_CHECK(im->n_features >= 1 && im->n_classes >= 2);
    FUZZ_CHECK(strcmp(im->library, "scikit-learn") == 0);

    rc = mlclf_import_names(im, NULL, NULL, &err);
    if (rc != MLCLF_OK) {
        /* labels from the file that are no valid names, or repeat */
        FUZZ_CHECK(rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);
        return;
    }

    rc = mlclf_import_spec(im, &spec, &err);
    FUZZ_CHECK(rc == MLCLF_OK);

    bytes = NULL;
    rc = mlclf_write_buffer(&spec, &bytes, &len, &err);
    if (rc == MLCLF_ENOMEM) {
        return;
    }

    if (rc != MLCLF_OK && getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "write: %d %s\n", rc, err.msg);
    }

    FUZZ_CHECK(rc == MLCLF_OK);

    m = NULL;
    rc = mlclf_model_load(&m, bytes, len, &err);

    if (rc != MLCLF_OK && getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "load: %d %s\n", rc, err.msg);
    }

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_ENOMEM);

    if (m != NULL) {
        FUZZ_CHECK(mlclf_model_n_features(m) == im->n_features);
        FUZZ_CHECK(mlclf_model_n_classes(m) == im->n_classes);
        fuzz_predict(m);
        mlclf_model_close(&m);
    }

    free(bytes);
}


static void
fuzz_predict(const mlclf_model_t *m)
{
    int       missing;
    double   *x, *p, sum;
    uint32_t  nf, nc, r, j, c, best;

    nf = mlclf_model_n_features(m);
    nc = mlclf_model_n_classes(m);
    missing = mlclf_model_routes_missing(m);

    x = malloc(nf * sizeof(double));
    p = malloc(nc * sizeof(double));

    if (x == NULL || p == NULL) {
        free(x);
        free(p);
        return;
    }

    for (r = 0; r < 12; r++) {
        for (j = 0; j < nf; j++) {
            x[j] = fuzz_values[(r * 7 + j * 3) % (sizeof(fuzz_values)
                                                  / sizeof(fuzz_values[0]))];
            if (missing && (r + j) % 4 == 0) {
                x[j] = NAN;
            }
        }

        best = mlclf_predict_proba(m, x, p);
        FUZZ_CHECK(best < nc);
        sum = 0.0;

        for (c = 0; c < nc; c++) {
            FUZZ_CHECK(isfinite(p[c]) && p[c] >= 0.0 && p[c] <= 1.0);
            sum += p[c];
        }

        FUZZ_CHECK(fabs(sum - 1.0) <= 1e-9);
    }

    free(x);
    free(p);
}
