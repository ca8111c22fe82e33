
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Inference on a verified model: the serving hot path.  No allocation,
 * no stdio, no error path: verification already ruled out everything
 * that could go wrong, and the forest walk stays in bounds even if the
 * model's memory were damaged afterwards.
 */


#include <math.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_model.h"
#include "mlclf_predict.h"


/* A row for the linear kernel: dense x, or the terms of a sparse row. */
typedef struct {
    const double             *x;
    const mlclf_text_term_t  *terms;
    size_t                    n;
} mlclf_row_t;


static void mlclf_predict_linear(const mlclf_model_t *m,
    const mlclf_row_t *row, double *z);
static void mlclf_predict_linear_scaled(const mlclf_model_t *m,
    const mlclf_row_t *row, double *z);
static double mlclf_predict_dot_scaled(const mlclf_row_t *row,
    const double *w, double scale, double s);
static uint32_t mlclf_predict_sigmoid2(double z, double *proba);
static void mlclf_predict_softmax(const mlclf_model_t *m,
    const mlclf_row_t *row, double *proba, uint32_t nc);
static void mlclf_predict_gbt_link(const mlclf_model_t *m, double *proba);
static uint32_t mlclf_predict_argmax(const double *proba, uint32_t nc);
static uint32_t mlclf_predict_linear_proba(const mlclf_model_t *m,
    const mlclf_row_t *row, double *proba);


/*
 * z[k] = w_k . x + b_k for every output k; for a sparse row the sum
 * runs over its terms in column order.
 */
static void
mlclf_predict_linear(const mlclf_model_t *m, const mlclf_row_t *row,
    double *z)
{
    double                    s;
    size_t                    t;
    uint32_t                  j, k, nf;
    const double             *w, *x;
    const mlclf_text_term_t  *terms;

    nf = m->n_features;
    w = m->weights;
    x = row->x;

    if (x == NULL) {
        terms = row->terms;

        for (k = 0; k < m->n_outputs; k++) {
            s = m->bias[k];

            for (t = 0; t < row->n; t++) {
                s += w[terms[t].column] * terms[t].value;
            }

            z[k] = s;
            w += nf;
        }

        return;
    }

    for (k = 0; k < m->n_outputs; k++) {
        s = m->bias[k];

        for (j = 0; j < nf; j++) {
            s += w[j] * x[j];
        }

        z[k] = s;
        w += nf;
    }
}


/*
 * The same scores when a plain dot product overflowed (huge inputs can
 * give inf - inf = NaN): computed on x / scale, then multiplied back, so
 * a score is at worst +-inf and never NaN.  For softmax only differences
 * matter, and those come out as (z'_k - z'_max) * scale: 0 or finite or
 * -inf.
 */
static void
mlclf_predict_linear_scaled(const mlclf_model_t *m, const mlclf_row_t *row,
    double *z)
{
    double         scale, a;
    size_t         t;
    uint32_t       j, k, nf;
    const double  *w;

    nf = m->n_features;
    scale = 0.0;

    if (row->x != NULL) {
        for (j = 0; j < nf; j++) {
            a = fabs(row->x[j]);

            if (a > scale) {
                scale = a;
            }
        }

    } else {
        for (t = 0; t < row->n; t++) {
            a = fabs(row->terms[t].value);

            if (a > scale) {
                scale = a;
            }
        }
    }

    for (k = 0, w = m->weights; k < m->n_outputs; k++, w += nf) {
        z[k] = mlclf_predict_dot_scaled(row, w, scale, m->bias[k] / scale);
    }

    if (m->n_outputs == 1) {
        z[0] *= scale;
        return;
    }

    /* keep the largest exact so that its difference is 0, not NaN */
    a = z[0];

    for (k = 1; k < m->n_outputs; k++) {
        if (z[k] > a) {
            a = z[k];
        }
    }

    for (k = 0; k < m->n_outputs; k++) {
        z[k] = (z[k] - a) * scale;
    }
}


/* s + w . (x / scale), dense or over the terms, in column order. */
static double
mlclf_predict_dot_scaled(const mlclf_row_t *row, const double *w,
    double scale, double s)
{
    size_t    t;
    uint32_t  j;

    if (row->x != NULL) {
        for (j = 0; j < row->n; j++) {
            s += w[j] * (row->x[j] / scale);
        }

        return s;
    }

    for (t = 0; t < row->n; t++) {
        s += w[row->terms[t].column] * (row->terms[t].value / scale);
    }

    return s;
}


/*
 * P(class 1) = sigmoid(z) and P(class 0) into proba[0..1]; the class.
 * exp() of a non-positive number only: no overflow; the smaller
 * probability is computed directly, not as 1 - p, so that it keeps its
 * relative precision.
 */
static uint32_t
mlclf_predict_sigmoid2(double z, double *proba)
{
    double  e;

    if (z >= 0.0) {
        e = exp(-z);
        proba[1] = 1.0 / (1.0 + e);
        proba[0] = e * proba[1];
        return proba[1] > proba[0] ? 1 : 0;
    }

    e = exp(z);
    proba[0] = 1.0 / (1.0 + e);
    proba[1] = e * proba[0];

    return proba[1] > proba[0] ? 1 : 0;
}


/*
 * Softmax of the scores in proba[0..nc) in place.  row is the row the
 * scores came from, for a logreg model whose scores overflowed; tree
 * models give finite scores and no row (NULL).
 */
static void
mlclf_predict_softmax(const mlclf_model_t *m, const mlclf_row_t *row,
    double *proba, uint32_t nc)
{
    int       bad;
    double    mx, sum;
    uint32_t  k;

    mx = proba[0];
    bad = !isfinite(mx);

    for (k = 1; k < nc; k++) {
        bad |= !isfinite(proba[k]);

        if (proba[k] > mx) {
            mx = proba[k];
        }
    }

    if (bad && row != NULL) {
        /* a score overflowed (or is inf - inf): redo on scaled inputs */
        mlclf_predict_linear_scaled(m, row, proba);
        mx = 0.0;

        for (k = 0; k < nc; k++) {
            if (isnan(proba[k])) {
                proba[k] = -INFINITY;
            }
        }
    }

    sum = 0.0;

    for (k = 0; k < nc; k++) {
        proba[k] = exp(proba[k] - mx);
        sum += proba[k];
    }

    if (!(sum > 0.0)) {
        /* only with weights near DBL_MAX: no information, be uniform */
        for (k = 0; k < nc; k++) {
            proba[k] = 1.0;
        }

        sum = nc;
    }

    /* one division, not n_classes of them */
    sum = 1.0 / sum;

    for (k = 0; k < nc; k++) {
        proba[k] *= sum;
    }
}


/*
 * A gbt model's link over its scores in proba[0..n_outputs)
 * (mlclf_format.h, GBT_LINK): a sigmoid per output, or a softmax.
 */
static void
mlclf_predict_gbt_link(const mlclf_model_t *m, double *proba)
{
    double    s, e;
    uint32_t  k;

    s = m->link_scale;

    if (m->link == MLCLF_LINK_SOFTMAX) {
        if (s != 1.0) {
            for (k = 0; k < m->n_outputs; k++) {
                proba[k] *= s;
            }
        }

        mlclf_predict_softmax(m, NULL, proba, m->n_outputs);
        return;
    }

    if (m->n_outputs == 1) {
        (void) mlclf_predict_sigmoid2(s * proba[0], proba);
        return;
    }

    /* one sigmoid per class, not normalised (LightGBM multiclassova) */
    for (k = 0; k < m->n_outputs; k++) {
        e = s * proba[k];
        proba[k] = e >= 0.0 ? 1.0 / (1.0 + exp(-e))
                            : exp(e) / (1.0 + exp(e));
    }
}


uint32_t
mlclf_predict_proba(const mlclf_model_t *m, const double *x, double *proba)
{
    uint32_t     nc;
    mlclf_row_t  row;

    nc = m->n_classes;

    switch (m->kind) {

    case MLCLF_KIND_FOREST:
        mlclf_predict_forest(m, x, proba);
        break;

    case MLCLF_KIND_GBT:
        mlclf_predict_gbt(m, x, proba);
        mlclf_predict_gbt_link(m, proba);
        break;

    default:
        row.x = x;
        row.terms = NULL;
        row.n = m->n_features;

        return mlclf_predict_linear_proba(m, &row, proba);
    }

    return mlclf_predict_argmax(proba, nc);
}


/* The most probable class, the lowest index on ties. */
static uint32_t
mlclf_predict_argmax(const double *proba, uint32_t nc)
{
    uint32_t  k, best;

    best = 0;

    for (k = 1; k < nc; k++) {
        if (proba[k] > proba[best]) {
            best = k;
        }
    }

    return best;
}


/* logreg: scores, then softmax or sigmoid; proba doubles as scratch. */
static uint32_t
mlclf_predict_linear_proba(const mlclf_model_t *m, const mlclf_row_t *row,
    double *proba)
{
    double    z;
    uint32_t  nc;

    nc = m->n_classes;

    mlclf_predict_linear(m, row, proba);

    if (m->n_outputs == 1) {
        z = proba[0];

        if (isnan(z)) {
            mlclf_predict_linear_scaled(m, row, proba);
            z = isnan(proba[0]) ? 0.0 : proba[0];
        }

        return mlclf_predict_sigmoid2(z, proba);
    }

    mlclf_predict_softmax(m, row, proba, nc);

    return mlclf_predict_argmax(proba, nc);
}


uint32_t
mlclf_predict_terms(const mlclf_model_t *m, const mlclf_text_term_t *terms,
    size_t n, double *x, double *proba)
{
    size_t       t;
    uint32_t     k;
    mlclf_row_t  row;

    if (m->kind == MLCLF_KIND_LOGREG) {
        row.x = NULL;
        row.terms = terms;
        row.n = n;

        return mlclf_predict_linear_proba(m, &row, proba);
    }

    for (t = 0; t < n; t++) {
        x[terms[t].column] = terms[t].value;
    }

    k = mlclf_predict_proba(m, x, proba);

    for (t = 0; t < n; t++) {
        x[terms[t].column] = 0.0;
    }

    return k;
}
