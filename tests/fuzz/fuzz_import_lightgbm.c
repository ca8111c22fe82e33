
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


#include "fuzz_import.h"


static void fuzz_check(const mlclf_import_t *im);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const double  fuzz_values[] = {
    0.0, NAN, 1e-36, -1e-35, 0.5, -2.25, 1e300, -1e300, 3.0, -0.0
};

static const fuzz_import_t  fuzz_lightgbm = {
    "fuzz.txt", MLCLF_IMPORT_LIGHTGBM, mlclf_import_lightgbm, fuzz_check,
    fuzz_values, sizeof(fuzz_values) / sizeof(fuzz_values[0])
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_import_one(&fuzz_lightgbm, data, size);
}


/* LightGBM's own: a gbt model that sums in double. */
static void
fuzz_check(const mlclf_import_t *im)
{
    FUZZ_CHECK(im->kind == MLCLF_KIND_GBT && im->n_trees >= 1);
    FUZZ_CHECK(im->gbt_flags == 0);
    FUZZ_CHECK(strcmp(im->library, "lightgbm") == 0);
}
