
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Drift monitoring (docs/monitoring.md): a model's reference
 * distributions (mlclf_format.h, version 5), each request row's values
 * put into the same bins as the client sent them, before imputation,
 * and the population stability index of a window of counts.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_model.h"
#include "mlclf_request.h"


static uint32_t mlclf_drift_cut(const double *e, uint32_t k, double x);
static void mlclf_drift_count_dense(const mlclf_model_t *m,
    const mlclf_request_t *req, const uint32_t *off, uint32_t *counts);
static uint32_t mlclf_drift_item(const mlclf_model_t *m, uint32_t i,
    const cJSON *v);


int
mlclf_drift_ready(const mlclf_model_t *m)
{
    return m->drift != NULL ? MLCLF_OK : MLCLF_ENODRIFT;
}


uint32_t
mlclf_drift_n_inputs(const mlclf_model_t *m)
{
    return m->n_inputs;
}


uint32_t
mlclf_drift_n_bins(const mlclf_model_t *m, uint32_t i)
{
    return m->drift != NULL ? m->drift[i].n_bins : 0;
}


const double *
mlclf_drift_shares(const mlclf_model_t *m, uint32_t i)
{
    return m->drift != NULL ? m->drift_shares + m->drift[i].share : NULL;
}


const double *
mlclf_drift_class_shares(const mlclf_model_t *m)
{
    return m->class_shares;
}


const double *
mlclf_drift_class_prior(const mlclf_model_t *m)
{
    return m->class_prior;
}


uint32_t
mlclf_drift_kind(const mlclf_model_t *m, uint32_t i)
{
    return m->drift != NULL ? m->drift[i].kind : 0;
}


const double *
mlclf_drift_edges(const mlclf_model_t *m, uint32_t i, uint32_t *n)
{
    *n = 0;

    if (m->drift == NULL || m->drift[i].kind == MLCLF_DRIFT_CATEGORY) {
        return NULL;
    }

    *n = m->drift[i].n_bins - 2;

    return m->drift_edges + m->drift[i].first;
}


/* The bytes of the category that value bin "bin" of input i counts. */
const char *
mlclf_drift_value(const mlclf_model_t *m, uint32_t i, uint32_t bin,
    size_t *len)
{
    uint32_t  v;

    *len = 0;

    if (m->drift == NULL || m->drift[i].kind != MLCLF_DRIFT_CATEGORY
        || bin + 2 >= m->drift[i].n_bins)
    {
        return NULL;
    }

    v = m->drift_values[m->drift[i].first + bin];
    *len = m->value_offsets[v + 1] - m->value_offsets[v];

    return (const char *) m->value_bytes + m->value_offsets[v];
}


/*
 * The value bin of x over k sorted cut points: those strictly below x.
 * Every cut is compared (k <= 14), without a branch on the values: a
 * served row's bins are not predictable, a mispredicted exit from a
 * scan cost more than the comparisons.
 */
static uint32_t
mlclf_drift_cut(const double *e, uint32_t k, double x)
{
    uint32_t  b, j;

    b = 0;

    for (j = 0; j < k; j++) {
        b += e[j] < x;
    }

    return b;
}


uint32_t
mlclf_drift_bin_number(const mlclf_model_t *m, uint32_t i, double x)
{
    const mlclf_file_drift_t  *d;

    d = &m->drift[i];

    if (isnan(x) || d->kind != MLCLF_DRIFT_NUMBER) {
        return d->n_bins - 1;
    }

    return mlclf_drift_cut(m->drift_edges + d->first, d->n_bins - 2, x);
}


uint32_t
mlclf_drift_bin_string(const mlclf_model_t *m, uint32_t i, const char *s,
    size_t len)
{
    int64_t                    v;
    uint32_t                   b, c;
    const uint32_t            *vals;
    const mlclf_file_drift_t  *d;

    d = &m->drift[i];

    if (s == NULL || d->kind == MLCLF_DRIFT_NUMBER) {
        return d->n_bins - 1;
    }

    c = d->n_bins - 2;

    if (d->kind == MLCLF_DRIFT_TEXT) {
        return mlclf_drift_cut(m->drift_edges + d->first, c, (double) len);
    }

    /* a category: its value bin, else "other" (the bin before missing) */

    v = mlclf_input_value(m, i, s, len);
    vals = m->drift_values + d->first;

    for (b = 0; b < c && (int64_t) vals[b] != v; b++) {
        /* void */
    }

    return b;
}


/* Input i's bin for one validated value of a cJSON row. */
static uint32_t
mlclf_drift_item(const mlclf_model_t *m, uint32_t i, const cJSON *v)
{
    int  type;

    type = mlclf_request_type(v);

    if (type == cJSON_Number) {
        return mlclf_drift_bin_number(m, i, v->valuedouble);
    }

    if (type == cJSON_String) {
        return mlclf_drift_bin_string(m, i, v->valuestring,
                                      strlen(v->valuestring));
    }

    return m->drift[i].n_bins - 1;
}


void
mlclf_drift_row_bins(const mlclf_model_t *m, const mlclf_request_t *req,
    size_t i, const void *node, uint8_t *bins)
{
    size_t         k;
    uint32_t       j, n;
    const cJSON   *row, *v;
    const double  *x;

    if (m->drift == NULL) {
        return;
    }

    n = m->n_inputs;

    for (j = 0; j < n; j++) {
        bins[j] = (uint8_t) (m->drift[j].n_bins - 1);
    }

    if (req->rows == NULL || i >= req->n_rows) {
        return;
    }

    if (req->dense) {
        /* a model of numbers: input j is column j */
        x = (const double *) req->rows + i * n;

        for (j = 0; j < n; j++) {
            k = i * n + j;

            if (req->missing == NULL
                || !(req->missing[k / 64] & (1ULL << (k % 64))))
            {
                bins[j] = (uint8_t) mlclf_drift_bin_number(m, j, x[j]);
            }
        }

        return;
    }

    row = node;

    if (row == NULL) {
        return;
    }

    if (mlclf_request_type(row) == cJSON_Array) {
        for (v = row->child, j = 0; v != NULL && j < n; v = v->next, j++) {
            bins[j] = (uint8_t) mlclf_drift_item(m, j, v);
        }

        return;
    }

    /* an object: validated members carry their input in valueint */

    for (v = row->child; v != NULL; v = v->next) {
        if ((uint32_t) v->valueint < n) {
            bins[v->valueint] = (uint8_t) mlclf_drift_item(m, v->valueint, v);
        }
    }
}



void
mlclf_drift_count_rows(const mlclf_model_t *m, const mlclf_request_t *req,
    const uint32_t *off, uint32_t *counts, uint8_t *bins)
{
    size_t       i;
    uint32_t     j;
    const void  *row;

    if (m->drift == NULL || req->rows == NULL) {
        return;
    }

    if (req->dense) {
        mlclf_drift_count_dense(m, req, off, counts);
        return;
    }

    row = NULL;

    for (i = 0; i < req->n_rows; i++) {
        row = mlclf_request_next_row(req, row);
        mlclf_drift_row_bins(m, req, i, row, bins);

        for (j = 0; j < m->n_inputs; j++) {
            counts[off[j] + bins[j]]++;
        }
    }
}


/*
 * Dense rows, an input at a time: its cut points (at most
 * MLCLF_DRIFT_MAX_CUTS, as the trainer and the importer make them)
 * padded with +inf, which no value is below, so that the count of cut
 * points below a value is a loop of fixed length, unrolled, its cut
 * points in registers.  A model file may hold more (up to
 * MLCLF_DRIFT_MAX_BINS - 2): those go through mlclf_drift_cut().
 */
static void
mlclf_drift_count_dense(const mlclf_model_t *m, const mlclf_request_t *req,
    const uint32_t *off, uint32_t *counts)
{
    size_t                     i, t, n, rows;
    double                     v, cuts[MLCLF_DRIFT_MAX_CUTS];
    uint32_t                   j, q, k, b, miss, *c;
    const double              *x;
    const mlclf_file_drift_t  *d;

    n = m->n_inputs;
    rows = req->n_rows;
    x = req->rows;

    for (j = 0; j < n; j++) {
        d = &m->drift[j];
        c = counts + off[j];
        miss = d->n_bins - 1;

        if (d->kind != MLCLF_DRIFT_NUMBER) {
            c[miss] += (uint32_t) rows;
            continue;
        }

        k = d->n_bins - 2;

        for (q = 0; q < MLCLF_DRIFT_MAX_CUTS; q++) {
            cuts[q] = (q < k) ? m->drift_edges[d->first + q] : INFINITY;
        }

        for (i = 0; i < rows; i++) {
            t = i * n + j;
            v = x[t];

            if (isnan(v)
                || (req->missing != NULL
                    && (req->missing[t / 64] & (1ULL << (t % 64)))))
            {
                c[miss]++;
                continue;
            }

            if (k > MLCLF_DRIFT_MAX_CUTS) {
                c[mlclf_drift_cut(m->drift_edges + d->first, k, v)]++;
                continue;
            }

            b = 0;

#pragma GCC unroll 9
            for (q = 0; q < MLCLF_DRIFT_MAX_CUTS; q++) {
                b += cuts[q] < v;
            }

            c[b]++;
        }
    }
}

double
mlclf_psi(const double *ref, const uint64_t *counts, uint32_t n)
{
    double    total, p, q, psi;
    uint32_t  b;

    total = 0.0;

    for (b = 0; b < n; b++) {
        total += (double) counts[b];
    }

    if (total == 0.0) {
        return 0.0;
    }

    psi = 0.0;

    for (b = 0; b < n; b++) {
        p = (double) counts[b] / total;
        q = ref[b];

        p = p > MLCLF_PSI_EPSILON ? p : MLCLF_PSI_EPSILON;
        q = q > MLCLF_PSI_EPSILON ? q : MLCLF_PSI_EPSILON;

        psi += (p - q) * log(p / q);
    }

    return psi;
}


int
mlclf_request_set_missing(mlclf_request_t *req, size_t k, size_t n,
    mlclf_err_t *err)
{
    if (req->missing == NULL) {
        req->missing = calloc((n + 63) / 64, sizeof(uint64_t));
        if (req->missing == NULL) {
            return mlclf_err_set(err, MLCLF_ENOMEM,
                                 "cannot allocate a bitmap of %zu values",
                                 n);
        }
    }

    req->missing[k / 64] |= 1ULL << (k % 64);

    return MLCLF_OK;
}
