
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Verifies what format version 5 added (mlclf_format.h): the training
 * split's reference distributions, one per input, and the class shares
 * that drift monitoring (mlclf_drift.c) compares served rows with.
 */


#include <math.h>
#include <stdio.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"


/* what an absent DRIFT_EDGES or DRIFT_VALUES is read as: no element */
static const double    mlclf_model_drift_no_edges[1];
static const uint32_t  mlclf_model_drift_no_values[1];


static int mlclf_model_drift_group(const mlclf_sections_t *s,
    mlclf_err_t *err);
static const void *mlclf_model_drift_at(const uint8_t *p,
    const mlclf_sections_t *s, uint32_t type);
static int mlclf_model_drift_input(const mlclf_model_t *m, uint32_t i,
    uint64_t *edges, uint64_t *values, uint64_t *shares, mlclf_err_t *err);
static int mlclf_model_drift_values(const mlclf_model_t *m, uint32_t i,
    mlclf_err_t *err);
static int mlclf_model_drift_shares(const double *q, uint32_t n,
    const char *what, mlclf_err_t *err);
static int mlclf_model_drift_count(const mlclf_sections_t *s, uint32_t type,
    uint64_t want, mlclf_err_t *err);


int
mlclf_model_check_drift(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, mlclf_err_t *err)
{
    int                        rc;
    uint32_t                   i, nc;
    uint64_t                   edges, values, shares, count;
    const double              *e;
    const mlclf_file_drift_t  *d;
    char                       what[32];

    rc = mlclf_model_drift_group(s, err);
    if (rc != MLCLF_OK || s->index[MLCLF_SECTION_DRIFT_INPUTS] == MLCLF_NONE) {
        return rc;
    }

    rc = mlclf_model_drift_count(s, MLCLF_SECTION_DRIFT_INPUTS, m->n_inputs,
                                 err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    m->drift = mlclf_model_drift_at(p, s, MLCLF_SECTION_DRIFT_INPUTS);
    m->drift_edges = mlclf_model_drift_at(p, s, MLCLF_SECTION_DRIFT_EDGES);
    m->drift_values = mlclf_model_drift_at(p, s, MLCLF_SECTION_DRIFT_VALUES);

    /* without cut points or categories: a run of 0 starts somewhere */

    if (m->drift_edges == NULL) {
        m->drift_edges = mlclf_model_drift_no_edges;
    }

    if (m->drift_values == NULL) {
        m->drift_values = mlclf_model_drift_no_values;
    }
    m->drift_shares = mlclf_model_drift_at(p, s, MLCLF_SECTION_DRIFT_SHARES);
    m->class_shares = mlclf_model_drift_at(p, s, MLCLF_SECTION_CLASS_SHARES);

    /* the runs of every input first: the arrays are read through them */

    edges = 0;
    values = 0;
    shares = 0;

    for (i = 0; i < m->n_inputs; i++) {
        rc = mlclf_model_drift_input(m, i, &edges, &values, &shares, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    rc = mlclf_model_drift_count(s, MLCLF_SECTION_DRIFT_EDGES, edges, err);
    if (rc == MLCLF_OK) {
        rc = mlclf_model_drift_count(s, MLCLF_SECTION_DRIFT_VALUES, values,
                                     err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_model_drift_count(s, MLCLF_SECTION_DRIFT_SHARES, shares,
                                     err);
    }

    if (rc != MLCLF_OK) {
        return rc;
    }

    for (i = 0; i < m->n_inputs; i++) {
        d = &m->drift[i];

        if (d->kind == MLCLF_DRIFT_CATEGORY) {
            rc = mlclf_model_drift_values(m, i, err);

        } else {
            e = m->drift_edges + d->first;
            rc = MLCLF_OK;

            for (count = 0; count + 2 < d->n_bins; count++) {
                if (!isfinite(e[count])
                    || (count > 0 && !(e[count] > e[count - 1])))
                {
                    rc = mlclf_err_set(err, MLCLF_EDRIFT,
                                       "input %u: cut point %llu (%.17g) "
                                       "is not a finite number above the "
                                       "one before", i, (mlclf_ull_t) count,
                                       e[count]);
                    break;
                }
            }
        }

        if (rc == MLCLF_OK) {
            (void) snprintf(what, sizeof(what), "input %u", i);
            rc = mlclf_model_drift_shares(m->drift_shares + d->share,
                                          d->n_bins, what, err);
        }

        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    nc = m->n_classes;
    count = s->sec[MLCLF_SECTION_CLASS_SHARES].count;

    if (count != nc && count != 2 * (uint64_t) nc) {
        return mlclf_err_set(err, MLCLF_EDRIFT,
                             "section %u (CLASS_SHARES): count %llu, "
                             "expected %u or %llu",
                             s->index[MLCLF_SECTION_CLASS_SHARES],
                             (mlclf_ull_t) count, nc,
                             (mlclf_ull_t) 2 * nc);
    }

    rc = mlclf_model_drift_shares(m->class_shares, nc,
                                  "CLASS_SHARES, predicted classes", err);

    if (rc == MLCLF_OK && count != nc) {
        m->class_prior = m->class_shares + nc;
        rc = mlclf_model_drift_shares(m->class_prior, nc,
                                      "CLASS_SHARES, label prior", err);
    }

    return rc;
}


/* The three main sections all or none; edges and values only with them. */
static int
mlclf_model_drift_group(const mlclf_sections_t *s, mlclf_err_t *err)
{
    uint32_t  t, have;

    have = 0;

    for (t = MLCLF_SECTION_DRIFT_INPUTS; t <= MLCLF_SECTION_CLASS_SHARES;
         t++)
    {
        have += s->index[t] != MLCLF_NONE;
    }

    if (have == 0) {
        return MLCLF_OK;
    }

    if (s->index[MLCLF_SECTION_DRIFT_INPUTS] != MLCLF_NONE
        && s->index[MLCLF_SECTION_DRIFT_SHARES] != MLCLF_NONE
        && s->index[MLCLF_SECTION_CLASS_SHARES] != MLCLF_NONE)
    {
        return MLCLF_OK;
    }

    return mlclf_err_set(err, MLCLF_EDRIFT,
                         "reference distributions without all of "
                         "DRIFT_INPUTS, DRIFT_SHARES and CLASS_SHARES");
}


/* A section's data, or NULL when the file has no such section. */
static const void *
mlclf_model_drift_at(const uint8_t *p, const mlclf_sections_t *s,
    uint32_t type)
{
    return s->index[type] == MLCLF_NONE ? NULL : p + s->sec[type].offset;
}


/*
 * Input i's entry: its kind matches its type, its bins are in range,
 * and its runs start where the previous input's ended.
 */
static int
mlclf_model_drift_input(const mlclf_model_t *m, uint32_t i, uint64_t *edges,
    uint64_t *values, uint64_t *shares, mlclf_err_t *err)
{
    uint32_t                   type, want;
    uint64_t                  *run;
    const mlclf_file_drift_t  *d;

    d = &m->drift[i];
    type = m->inputs != NULL ? m->inputs[i].type : MLCLF_INPUT_NUMBER;

    want = type == MLCLF_INPUT_NUMBER ? MLCLF_DRIFT_NUMBER
           : type == MLCLF_INPUT_CATEGORY ? MLCLF_DRIFT_CATEGORY
           : MLCLF_DRIFT_TEXT;

    if (d->kind != want) {
        return mlclf_err_set(err, MLCLF_EDRIFT,
                             "input %u: kind %u, expected %u for its type",
                             i, d->kind, want);
    }

    if (d->n_bins < 2 || d->n_bins > MLCLF_DRIFT_MAX_BINS) {
        return mlclf_err_set(err, MLCLF_EDRIFT,
                             "input %u: %u bins, expected 2..%d", i,
                             d->n_bins, MLCLF_DRIFT_MAX_BINS);
    }

    run = d->kind == MLCLF_DRIFT_CATEGORY ? values : edges;

    if (d->first != *run || d->share != *shares) {
        return mlclf_err_set(err, MLCLF_EDRIFT,
                             "input %u: first %u and share %u, expected "
                             "%llu and %llu (the previous input's end)", i,
                             d->first, d->share, (mlclf_ull_t) *run,
                             (mlclf_ull_t) *shares);
    }

    *run += d->n_bins - 2;
    *shares += d->n_bins;

    return MLCLF_OK;
}


/* A category's bins: values of its own slice, none twice. */
static int
mlclf_model_drift_values(const mlclf_model_t *m, uint32_t i,
    mlclf_err_t *err)
{
    uint32_t                   j, k, v, lo, hi;
    const uint32_t            *vals;
    const mlclf_file_drift_t  *d;

    d = &m->drift[i];
    vals = m->drift_values + d->first;
    lo = m->inputs[i].first;
    hi = lo + m->inputs[i].count;

    for (j = 0; j + 2 < d->n_bins; j++) {
        v = vals[j];

        if (v < lo || v >= hi) {
            return mlclf_err_set(err, MLCLF_EDRIFT,
                                 "input %u: bin %u is value %u, not one of "
                                 "the input's values %u..%u", i, j, v, lo,
                                 hi - 1);
        }

        for (k = 0; k < j; k++) {
            if (vals[k] == v) {
                return mlclf_err_set(err, MLCLF_EDRIFT,
                                     "input %u: value %u is bins %u and %u",
                                     i, v, k, j);
            }
        }
    }

    return MLCLF_OK;
}


/* n shares, each finite and in [0, 1], summing to 1. */
static int
mlclf_model_drift_shares(const double *q, uint32_t n, const char *what,
    mlclf_err_t *err)
{
    double    sum;
    uint32_t  j;

    sum = 0.0;

    for (j = 0; j < n; j++) {
        if (!isfinite(q[j]) || q[j] < 0.0 || q[j] > 1.0) {
            return mlclf_err_set(err, MLCLF_EDRIFT,
                                 "%s: share %u is %.17g, not in [0, 1]",
                                 what, j, q[j]);
        }

        sum += q[j];
    }

    if (fabs(sum - 1.0) > MLCLF_DRIFT_SUM_TOLERANCE) {
        return mlclf_err_set(err, MLCLF_EDRIFT,
                             "%s: shares sum to %.17g, not 1", what, sum);
    }

    return MLCLF_OK;
}


/* A section holds want elements: absent (and want 0) or exactly so. */
static int
mlclf_model_drift_count(const mlclf_sections_t *s, uint32_t type,
    uint64_t want, mlclf_err_t *err)
{
    uint64_t  count;

    count = s->index[type] == MLCLF_NONE ? 0 : s->sec[type].count;

    if (count == want && (want != 0 || s->index[type] == MLCLF_NONE)) {
        return MLCLF_OK;
    }

    if (s->index[type] == MLCLF_NONE) {
        return mlclf_err_set(err, MLCLF_EDRIFT,
                             "section %s is missing: the inputs need %llu",
                             mlclf_model_section_name(type),
                             (mlclf_ull_t) want);
    }

    return mlclf_err_set(err, MLCLF_EDRIFT,
                         "section %u (%s): count %llu, the inputs need "
                         "%llu%s", s->index[type],
                         mlclf_model_section_name(type), (mlclf_ull_t) count,
                         (mlclf_ull_t) want,
                         want == 0 ? " (none: no section)" : "");
}
