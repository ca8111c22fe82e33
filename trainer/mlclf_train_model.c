
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the learners share about a trained model: its feature names, and
 * the release of what a learner allocated for it.
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


void
mlclf_train_model_names(mlclf_train_model_t *out,
    const mlclf_train_config_t *cf, const char **names, size_t p)
{
    size_t  f;

    if (cf->features == NULL || cf->n_features != p) {
        return;
    }

    for (f = 0; f < p; f++) {
        names[f] = cf->features[f].name;
    }

    out->spec.feature_names = names;
}
