
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Small in-memory data sets and configurations for the learners' unit
 * tests (test_train_lr.c, test_train_rf.c): up to MAXF
 * features named f0.., classes a, b, c.
 */


#ifndef _MLCLF_TRAIN_FIXTURES_H_INCLUDED_
#define _MLCLF_TRAIN_FIXTURES_H_INCLUDED_


#include <stdlib.h>
#include <string.h>

#include <mlclf_train.h>


#define MAXF  8


static const char  *test_names[MAXF] = {
    "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"
};

static char  *test_labels[3] = { "a", "b", "c" };


/* n rows of p features in x, classes in y (nc classes) */
static inline void
test_data(mlclf_train_data_t *d, double *x, uint32_t *y, size_t n,
    size_t p, size_t nc)
{
    memset(d, 0, sizeof(mlclf_train_data_t));
    d->x = x;
    d->y = y;
    d->n_rows = n;
    d->n_features = p;
    d->n_classes = nc;
    d->classes = test_labels;
}


/* p named features, one thread; the caller sets the learner's fields */
static inline void
test_config_base(mlclf_train_config_t *cf, mlclf_train_feature_t *ft,
    size_t p, mlclf_kind_e kind)
{
    size_t  f;

    memset(cf, 0, sizeof(mlclf_train_config_t));
    memset(ft, 0, MAXF * sizeof(mlclf_train_feature_t));

    for (f = 0; f < p; f++) {
        ft[f].name = (char *) test_names[f];
    }

    cf->features = ft;
    cf->n_features = p;
    cf->kind = kind;
    cf->n_threads = 1;
}


/* rows[i] = i, i < n (malloc()ed) */
static inline size_t *
test_rows(size_t n)
{
    size_t   i, *rows;

    rows = malloc(n * sizeof(size_t));

    for (i = 0; i < n; i++) {
        rows[i] = i;
    }

    return rows;
}


#endif /* _MLCLF_TRAIN_FIXTURES_H_INCLUDED_ */
