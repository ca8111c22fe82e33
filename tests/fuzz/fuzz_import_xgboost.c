
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


#include "fuzz_import.h"


static void fuzz_check(const mlclf_import_t *im);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const double  fuzz_values[] = {
    0.0, 0.5, -0.25, 1.0000001e-1, 0.49999999999999994, 1e300, -1e300,
    -0.0, 3.0, 1e-40, NAN
};

static const fuzz_import_t  fuzz_xgboost = {
    "fuzz.json", MLCLF_IMPORT_XGBOOST, mlclf_import_xgboost, fuzz_check,
    fuzz_values, sizeof(fuzz_values) / sizeof(fuzz_values[0])
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_import_one(&fuzz_xgboost, data, size);
}


/* XGBoost's own: float32 sums of float32 scores, sigmoid or softmax. */
static void
fuzz_check(const mlclf_import_t *im)
{
    uint32_t  k;

    FUZZ_CHECK(im->kind == MLCLF_KIND_GBT);
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
}
