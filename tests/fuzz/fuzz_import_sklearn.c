
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


#include "fuzz_import.h"


static void fuzz_check(const mlclf_import_t *im);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const double  fuzz_values[] = {
    0.0, 0.5, -0.25, 1.0, 3.0, -1e300, 1e300, 1e-300, -0.0, 2.5, NAN
};

static const fuzz_import_t  fuzz_sklearn = {
    "fuzz.json", MLCLF_IMPORT_SKLEARN, mlclf_import_sklearn, fuzz_check,
    fuzz_values, sizeof(fuzz_values) / sizeof(fuzz_values[0])
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_import_one(&fuzz_sklearn, data, size);
}


/* scikit-learn's own: any of the three kinds, summed in double. */
static void
fuzz_check(const mlclf_import_t *im)
{
    FUZZ_CHECK(strcmp(im->library, "scikit-learn") == 0);
    FUZZ_CHECK(im->gbt_flags == 0);
}
