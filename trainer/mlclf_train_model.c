
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Releases what a learner allocated for a trained model.
 */


#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>


/*
 * Frees every array in tm->mem[] (the spec's weights, trees, name
 * tables) and tm->impute, then zeroes *tm.  Accepts NULL and a model
 * that was zeroed but never trained.
 */
void
mlclf_train_model_free(mlclf_train_model_t *tm)
{
    size_t  i;

    if (tm == NULL) {
        return;
    }

    for (i = 0; i < sizeof(tm->mem) / sizeof(tm->mem[0]); i++) {
        free(tm->mem[i]);
    }

    free(tm->impute);
    free(tm->importance);

    memset(tm, 0, sizeof(mlclf_train_model_t));
}
