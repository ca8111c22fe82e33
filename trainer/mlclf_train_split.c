
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Train/test split: the same rows for the same data and seed on every
 * machine.  The generator is xoshiro256** seeded through splitmix64, and
 * bounded draws use rejection, so no libc rand() or floating point takes
 * part in choosing rows.
 */


#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <mlclf_train.h>
#include <mlclf_train_rng.h>


static uint64_t mlclf_train_rng_below(mlclf_train_rng_t *r, uint64_t n);
static void mlclf_train_shuffle(mlclf_train_rng_t *r, size_t *a, size_t n);
static size_t mlclf_train_test_count(double fraction, size_t n);


/* uniform in [0, n), n >= 1, without modulo bias */
static uint64_t
mlclf_train_rng_below(mlclf_train_rng_t *r, uint64_t n)
{
    uint64_t  x, limit;

    limit = (uint64_t) 0 - ((uint64_t) 0 - n) % n;   /* multiple of n */

    do {
        x = mlclf_train_rng_next(r);
    } while (limit != 0 && x >= limit);

    return x % n;
}


static void
mlclf_train_shuffle(mlclf_train_rng_t *r, size_t *a, size_t n)
{
    size_t  i, j, t;

    for (i = n; i > 1; i--) {
        j = (size_t) mlclf_train_rng_below(r, i);
        t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}


/*
 * round(fraction * n), but at least one test row and one train row when
 * there are two rows or more.
 */
static size_t
mlclf_train_test_count(double fraction, size_t n)
{
    size_t  k;

    if (n < 2) {
        return 0;
    }

    k = (size_t) floor(fraction * (double) n + 0.5);

    if (k < 1) {
        k = 1;
    }

    if (k > n - 1) {
        k = n - 1;
    }

    return k;
}


int
mlclf_train_split(const mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, size_t **train, size_t *n_train,
    size_t **test, size_t *n_test, mlclf_err_t *err)
{
    *train = NULL;
    *test = NULL;
    *n_train = 0;
    *n_test = 0;

    if (d->n_rows < 2) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "cannot split %zu row(s) into train and test",
                             d->n_rows);
    }

    if (!(cf->test_fraction > 0.0 && cf->test_fraction < 1.0)) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "test_fraction %g is not in (0, 1)",
                             cf->test_fraction);
    }

    return mlclf_train_split_rows(d, NULL, d->n_rows, cf->test_fraction,
                                  cf->seed, cf->stratify, train, n_train,
                                  test, n_test, err);
}


int
mlclf_train_split_rows(const mlclf_train_data_t *d, const size_t *rows,
    size_t n, double fraction, uint64_t seed, int stratify, size_t **keep,
    size_t *n_keep, size_t **held, size_t *n_held, mlclf_err_t *err)
{
    size_t             *idx, *start, *fill, *tr, *te, i, c, k, nc, ntr, nte;
    uint8_t            *in_test;
    mlclf_train_rng_t   rng;

    *keep = NULL;
    *held = NULL;
    *n_keep = 0;
    *n_held = 0;

    idx = malloc((n ? n : 1) * sizeof(size_t));
    in_test = calloc(n ? n : 1, 1);
    nc = d->n_classes ? d->n_classes : 1;
    start = calloc(nc + 1, sizeof(size_t));
    fill = calloc(nc, sizeof(size_t));

    if (idx == NULL || in_test == NULL || start == NULL || fill == NULL) {
        free(idx);
        free(in_test);
        free(start);
        free(fill);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    mlclf_train_rng_seed(&rng, seed);

    if (stratify && d->n_classes > 0) {

        /* counting sort of the positions by class, ascending inside */

        for (i = 0; i < n; i++) {
            start[d->y[rows ? rows[i] : i] + 1]++;
        }

        for (c = 0; c < nc; c++) {
            start[c + 1] += start[c];
        }

        for (i = 0; i < n; i++) {
            c = d->y[rows ? rows[i] : i];
            idx[start[c] + fill[c]++] = i;
        }

        for (c = 0; c < nc; c++) {
            k = start[c + 1] - start[c];
            mlclf_train_shuffle(&rng, idx + start[c], k);
            k = mlclf_train_test_count(fraction, k);

            for (i = 0; i < k; i++) {
                in_test[idx[start[c] + i]] = 1;
            }
        }

    } else {
        for (i = 0; i < n; i++) {
            idx[i] = i;
        }

        mlclf_train_shuffle(&rng, idx, n);
        k = mlclf_train_test_count(fraction, n);

        for (i = 0; i < k; i++) {
            in_test[idx[i]] = 1;
        }
    }

    free(start);
    free(fill);

    nte = 0;
    for (i = 0; i < n; i++) {
        nte += in_test[i];
    }

    ntr = n - nte;

    if (nte == 0 || ntr == 0) {
        free(idx);
        free(in_test);
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "the split leaves %zu train and %zu test rows; "
                             "every class has a single row", ntr, nte);
    }

    tr = malloc(ntr * sizeof(size_t));
    te = malloc(nte * sizeof(size_t));

    if (tr == NULL || te == NULL) {
        free(tr);
        free(te);
        free(idx);
        free(in_test);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    ntr = 0;
    nte = 0;

    for (i = 0; i < n; i++) {
        if (in_test[i]) {
            te[nte++] = rows ? rows[i] : i;

        } else {
            tr[ntr++] = rows ? rows[i] : i;
        }
    }

    free(idx);
    free(in_test);

    *keep = tr;
    *n_keep = ntr;
    *held = te;
    *n_held = nte;

    return MLCLF_OK;
}
