
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: mlclf-import's --reference CSV reader
 * (importer/mlclf_import_reference.c).  Each input is written to one
 * temporary file per process and read as the reference of two fixed
 * models over the features alpha, beta, gamma and the classes stay,
 * leave: a logreg that imputes missing values (label column y) and one
 * that takes none (no label).  MLCLF_OK, MLCLF_EINVAL or MLCLF_ENOMEM
 * only; a reference that is made must be one the writer and the reader
 * accept, its shares those of the sample's rows.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_import_run.h>
#include "fuzz.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static char  fuzz_path[256];

static const char *const  fuzz_names[] = { "alpha", "beta", "gamma" };
static const char *const  fuzz_labels[] = { "stay", "leave" };
static const double       fuzz_weights[] = { 0.5, -1.0, 0.25 };
static const double       fuzz_bias[] = { 0.125 };
static const double       fuzz_impute[] = { 1.0, 2.0, 3.0 };


static void
fuzz_one(int impute)
{
    int                  rc;
    void                *buf;
    size_t               len;
    uint32_t             i;
    mlclf_err_t          err;
    mlclf_spec_t         spec;
    mlclf_model_t       *m;
    mlclf_import_ref_t   ref;

    memset(&spec, 0, sizeof(spec));
    spec.kind = MLCLF_KIND_LOGREG;
    spec.n_features = 3;
    spec.n_classes = 2;
    spec.feature_names = fuzz_names;
    spec.class_labels = fuzz_labels;
    spec.n_outputs = 1;
    spec.weights = fuzz_weights;
    spec.bias = fuzz_bias;
    spec.impute = impute ? fuzz_impute : NULL;

    rc = mlclf_import_reference(&ref, fuzz_path, impute ? "y" : NULL, &spec,
                                &err);

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);

    if (rc != MLCLF_OK) {
        FUZZ_CHECK(ref.drift == NULL);
        return;
    }

    rc = mlclf_write_buffer(&spec, &buf, &len, &err);
    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_ENOMEM);

    if (rc == MLCLF_OK) {
        rc = mlclf_model_load(&m, buf, len, &err);
        FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_ENOMEM);

        if (rc == MLCLF_OK) {
            FUZZ_CHECK(mlclf_drift_ready(m) == MLCLF_OK);
            FUZZ_CHECK((mlclf_drift_class_prior(m) != NULL) == impute);

            for (i = 0; i < 3; i++) {
                FUZZ_CHECK(mlclf_drift_n_bins(m, i) >= 2
                           && mlclf_drift_n_bins(m, i)
                              <= MLCLF_DRIFT_MAX_CUTS + 2);
            }

            /* without impute, nothing can be missing */
            FUZZ_CHECK(impute
                       || mlclf_drift_shares(m, 0)
                              [mlclf_drift_n_bins(m, 0) - 1] == 0.0);
        }

        mlclf_model_close(&m);
        free(buf);
    }

    mlclf_import_ref_free(&ref);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_path[0] == '\0') {
        fuzz_file_path(fuzz_path, sizeof(fuzz_path), "import_reference",
                       "csv");
    }

    if (fuzz_file_write(fuzz_path, data, size) != 0) {
        return 0;
    }

    fuzz_one(1);
    fuzz_one(0);

    (void) unlink(fuzz_path);

    return 0;
}
