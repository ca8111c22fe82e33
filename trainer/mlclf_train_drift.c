
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The reference distributions of a trained model (mlclf_train_drift.h):
 * cut points at the train rows' deciles, a category's most frequent
 * values, and the shares of the train rows in each bin, binned by the
 * core's own mlclf_drift_bin_*() rules (docs/monitoring.md).
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_input.h>
#include <mlclf_train_drift.h>


static int mlclf_train_drift_alloc(mlclf_train_drift_t *dr, uint32_t n,
    mlclf_err_t *err);
static void mlclf_train_drift_cuts(mlclf_train_drift_t *dr, uint32_t k,
    uint32_t kind, double *v, size_t n, size_t n_train);
static int mlclf_train_drift_index_cmp(const void *a, const void *b);


static int
mlclf_train_drift_alloc(mlclf_train_drift_t *dr, uint32_t n,
    mlclf_err_t *err)
{
    memset(dr, 0, sizeof(*dr));

    dr->n_inputs = n;
    dr->drift = calloc(n, sizeof(mlclf_file_drift_t));
    dr->cuts = calloc((size_t) n * MLCLF_TRAIN_DRIFT_CUTS, sizeof(double));
    dr->values = calloc((size_t) n * MLCLF_TRAIN_DRIFT_CATEGORIES,
                        sizeof(uint32_t));
    dr->slot_shares = calloc((size_t) n * MLCLF_DRIFT_MAX_BINS,
                             sizeof(double));

    if (dr->drift == NULL || dr->cuts == NULL || dr->values == NULL
        || dr->slot_shares == NULL)
    {
        mlclf_train_drift_free(dr);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    return MLCLF_OK;
}


int
mlclf_train_drift_numbers(mlclf_train_drift_t *dr,
    const mlclf_train_config_t *cf, const mlclf_train_data_t *d,
    const size_t *train, size_t n_train, mlclf_err_t *err)
{
    int       rc;
    double   *v, x;
    size_t    i, n, nf, k;

    nf = d->n_features;

    rc = mlclf_train_drift_alloc(dr, (uint32_t) nf, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    v = malloc((n_train ? n_train : 1) * sizeof(double));
    if (v == NULL) {
        mlclf_train_drift_free(dr);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (k = 0; k < nf; k++) {
        if (cf->features[k].type == MLCLF_TRAIN_TYPE_CATEGORY
            || cf->features[k].type == MLCLF_TRAIN_TYPE_TEXT)
        {
            continue;
        }

        n = 0;

        for (i = 0; i < n_train; i++) {
            x = d->x[train[i] * nf + k];

            if (!isnan(x)) {
                v[n++] = x;
            }
        }

        mlclf_train_drift_cuts(dr, (uint32_t) k, MLCLF_DRIFT_NUMBER, v, n,
                               n_train);
    }

    free(v);

    return MLCLF_OK;
}


/* Input k's cut points and shares (mlclf_drift_make_cuts()). */
static void
mlclf_train_drift_cuts(mlclf_train_drift_t *dr, uint32_t k, uint32_t kind,
    double *v, size_t n, size_t n_train)
{
    uint32_t  nc;

    nc = mlclf_drift_make_cuts(v, n, n_train,
                               dr->cuts + (size_t) k * MLCLF_TRAIN_DRIFT_CUTS,
                               dr->slot_shares
                               + (size_t) k * MLCLF_DRIFT_MAX_BINS);

    dr->drift[k].kind = kind;
    dr->drift[k].n_bins = nc + 2;
}


int
mlclf_train_drift_string(mlclf_train_drift_t *dr, const mlclf_model_t *m,
    uint32_t k, const char *const *s, const size_t *len, size_t n_train,
    mlclf_err_t *err)
{
    double    *q, *v;
    size_t     i, j, n, run, best;
    int64_t   *idx;
    uint32_t   c, b, *vals;

    q = dr->slot_shares + (size_t) k * MLCLF_DRIFT_MAX_BINS;

    if (mlclf_model_input_type(m, k) == MLCLF_INPUT_TEXT) {
        v = malloc((n_train ? n_train : 1) * sizeof(double));
        if (v == NULL) {
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }

        n = 0;

        for (i = 0; i < n_train; i++) {
            if (s[i] != NULL) {
                v[n++] = (double) len[i];
            }
        }

        mlclf_train_drift_cuts(dr, k, MLCLF_DRIFT_TEXT, v, n, n_train);
        free(v);

        return MLCLF_OK;
    }

    idx = malloc((n_train ? n_train : 1) * sizeof(int64_t));
    if (idx == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    /* a category: each row's value, then the most frequent ones */

    n = 0;

    for (i = 0; i < n_train; i++) {
        if (s[i] != NULL) {
            idx[n++] = mlclf_input_value(m, k, s[i], len[i]);
        }
    }

    qsort(idx, n, sizeof(int64_t), mlclf_train_drift_index_cmp);

    vals = dr->values + (size_t) k * MLCLF_TRAIN_DRIFT_CATEGORIES;

    for (c = 0; c < MLCLF_TRAIN_DRIFT_CATEGORIES; c++) {

        /* the longest run of a value not taken yet; ties: the first */

        best = 0;
        run = 0;

        for (i = 0; i < n; i += run) {
            for (run = 1; i + run < n && idx[i + run] == idx[i]; run++) {
                /* void */
            }

            for (b = 0; b < c && (int64_t) vals[b] != idx[i]; b++) {
                /* void */
            }

            if (idx[i] >= 0 && b == c && run > best) {
                best = run;
                vals[c] = (uint32_t) idx[i];
            }
        }

        if (best == 0) {
            break;
        }

        q[c] = (double) best;
    }

    /* other: every value in no bin of its own, and none unknown */

    for (j = 0; j < n; j++) {
        for (b = 0; b < c && (int64_t) vals[b] != idx[j]; b++) {
            /* void */
        }

        if (b == c) {
            q[c] += 1.0;
        }
    }

    q[c + 1] = (double) (n_train - n);

    for (b = 0; b < c + 2; b++) {
        q[b] /= (double) n_train;
    }

    dr->drift[k].kind = MLCLF_DRIFT_CATEGORY;
    dr->drift[k].n_bins = c + 2;

    free(idx);

    return MLCLF_OK;
}


int
mlclf_train_drift_spec(mlclf_train_drift_t *dr,
    const mlclf_train_metrics_t *train, mlclf_spec_t *spec, mlclf_err_t *err)
{
    size_t               nc, i, j;
    uint32_t             k, nb, cut;
    mlclf_file_drift_t  *e;

    nc = spec->n_classes;

    dr->edges = malloc((size_t) dr->n_inputs * MLCLF_TRAIN_DRIFT_CUTS
                       * sizeof(double) + 1);
    dr->packed_values = malloc((size_t) dr->n_inputs
                               * MLCLF_TRAIN_DRIFT_CATEGORIES
                               * sizeof(uint32_t) + 1);
    dr->shares = malloc((size_t) dr->n_inputs * MLCLF_DRIFT_MAX_BINS
                        * sizeof(double));
    dr->class_shares = calloc(2 * nc, sizeof(double));

    if (dr->edges == NULL || dr->packed_values == NULL || dr->shares == NULL
        || dr->class_shares == NULL)
    {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (k = 0; k < dr->n_inputs; k++) {
        e = &dr->drift[k];
        nb = e->n_bins;
        cut = nb - 2;

        e->share = dr->n_shares;
        memcpy(dr->shares + dr->n_shares,
               dr->slot_shares + (size_t) k * MLCLF_DRIFT_MAX_BINS,
               nb * sizeof(double));
        dr->n_shares += nb;

        if (e->kind == MLCLF_DRIFT_CATEGORY) {
            e->first = dr->n_values;
            memcpy(dr->packed_values + dr->n_values,
                   dr->values + (size_t) k * MLCLF_TRAIN_DRIFT_CATEGORIES,
                   cut * sizeof(uint32_t));
            dr->n_values += cut;

        } else {
            e->first = dr->n_edges;
            memcpy(dr->edges + dr->n_edges,
                   dr->cuts + (size_t) k * MLCLF_TRAIN_DRIFT_CUTS,
                   cut * sizeof(double));
            dr->n_edges += cut;
        }
    }

    /* the confusion matrix: row the label, column the prediction */

    for (i = 0; i < nc; i++) {
        for (j = 0; j < nc; j++) {
            dr->class_shares[j] += (double) train->confusion[i * nc + j];
            dr->class_shares[nc + i] += (double) train->confusion[i * nc + j];
        }
    }

    for (i = 0; i < 2 * nc; i++) {
        dr->class_shares[i] /= (double) train->n;
    }

    spec->drift = dr->drift;
    spec->n_drift_edges = dr->n_edges;
    spec->drift_edges = dr->edges;
    spec->n_drift_values = dr->n_values;
    spec->drift_values = dr->packed_values;
    spec->n_drift_shares = dr->n_shares;
    spec->drift_shares = dr->shares;
    spec->class_shares = dr->class_shares;
    spec->class_prior = 1;

    return MLCLF_OK;
}


void
mlclf_train_drift_free(mlclf_train_drift_t *dr)
{
    free(dr->drift);
    free(dr->cuts);
    free(dr->values);
    free(dr->slot_shares);
    free(dr->edges);
    free(dr->packed_values);
    free(dr->shares);
    free(dr->class_shares);
    memset(dr, 0, sizeof(*dr));
}


static int
mlclf_train_drift_index_cmp(const void *a, const void *b)
{
    int64_t  x, y;

    x = *(const int64_t *) a;
    y = *(const int64_t *) b;

    return (x > y) - (x < y);
}
