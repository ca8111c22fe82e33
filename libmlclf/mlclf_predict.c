
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
#include "mlclf_model.h"


static void mlclf_predict_linear(const mlclf_model_t *m, const double *x,
    double *z);
static void mlclf_predict_linear_scaled(const mlclf_model_t *m,
    const double *x, double *z);
static void mlclf_predict_forest(const mlclf_model_t *m, const double *x,
    double *proba);


/* z[k] = w_k . x + b_k for every output k. */
static void
mlclf_predict_linear(const mlclf_model_t *m, const double *x, double *z)
{
    double         s;
    uint32_t       j, k, nf;
    const double  *w;

    nf = m->n_features;
    w = m->weights;

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
mlclf_predict_linear_scaled(const mlclf_model_t *m, const double *x,
    double *z)
{
    double         s, scale, a;
    uint32_t       j, k, nf;
    const double  *w;

    nf = m->n_features;
    scale = 0.0;

    for (j = 0; j < nf; j++) {
        a = fabs(x[j]);

        if (a > scale) {
            scale = a;
        }
    }

    for (k = 0, w = m->weights; k < m->n_outputs; k++, w += nf) {
        s = m->bias[k] / scale;

        for (j = 0; j < nf; j++) {
            s += w[j] * (x[j] / scale);
        }

        z[k] = s;
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


/*
 * The forest kernel trusts nothing it reads from the model's memory, at
 * next to no cost to the walk: node numbers are 32-bit, and
 * mlclf_model_open() reserves readable memory after the model for any
 * of them (MLCLF_NODE_REACH); leaf rows are masked with the model's
 * leaf_mask, which a verified model never exceeds; a feature out of
 * range stops a walk as a leaf does; and no walk takes more steps than
 * the deepest verified tree.  A model damaged in memory after
 * verification can give a wrong number, never a read outside its
 * reservation or an endless loop.
 */
#define mlclf_row(n)    ((size_t) (left[n] & lmask) * nc)


/*
 * One level down tree walk n (feature f, -1 at a leaf), branch-free: a
 * walk at its leaf stays there.
 */
#define mlclf_predict_step(n, f)                                             \
    if ((uint32_t) (f) < nf) {                                               \
        l = left[n];                                                         \
        r = right[n];                                                        \
        go = -(uint32_t) !(x[f] <= thr[n]);                                  \
        n = l ^ ((l ^ r) & go);                                              \
        f = feat[n];                                                         \
    }


static void
mlclf_predict_forest(const mlclf_model_t *m, const double *x, double *proba)
{
    double           inv;
    int32_t          f, f0, f1, f2, f3, f4, f5, f6, f7, dd;
    uint32_t         t, k, n, l, r, d, go, nc, nf, lmask;
    uint32_t         n0, n1, n2, n3, n4, n5, n6, n7;
    const double    *leaf, *thr, *lv;
    const int32_t   *feat;
    const uint32_t  *off, *left, *right;

    nc = m->n_classes;
    nf = m->n_features;
    lmask = m->leaf_mask;
    off = m->tree_offsets;
    feat = m->node_feature;
    thr = m->node_threshold;
    left = m->node_left;
    right = m->node_right;
    lv = m->leaf_values;

    for (k = 0; k < nc; k++) {
        proba[k] = 0.0;
    }

    /*
     * Eight trees at a time (then four): their walks are independent, so
     * the loads of one overlap the compares of the others instead of
     * waiting for each other, level after level.  Eight rather than four:
     * 390 -> 350 ns for the 100-tree iris forest (bench/micro.c); more
     * would no longer fit in the registers.  The depth bound and the
     * "every walk at a leaf" test are one sign test of their OR.
     */
    for (t = 0; t + 8 <= m->n_trees; t += 8) {
        n0 = off[t];
        n1 = off[t + 1];
        n2 = off[t + 2];
        n3 = off[t + 3];
        n4 = off[t + 4];
        n5 = off[t + 5];
        n6 = off[t + 6];
        n7 = off[t + 7];
        f0 = feat[n0];
        f1 = feat[n1];
        f2 = feat[n2];
        f3 = feat[n3];
        f4 = feat[n4];
        f5 = feat[n5];
        f6 = feat[n6];
        f7 = feat[n7];

        /* the AND of the features is negative once every walk is at a leaf */
        for (dd = (int32_t) m->max_depth - 1;
             (dd | (f0 & f1 & f2 & f3 & f4 & f5 & f6 & f7)) >= 0;
             dd--)
        {
            mlclf_predict_step(n0, f0);
            mlclf_predict_step(n1, f1);
            mlclf_predict_step(n2, f2);
            mlclf_predict_step(n3, f3);
            mlclf_predict_step(n4, f4);
            mlclf_predict_step(n5, f5);
            mlclf_predict_step(n6, f6);
            mlclf_predict_step(n7, f7);
        }

        /* added in tree order: the same sums, bit for bit, as one by one */
        for (k = 0; k < nc; k++) {
            proba[k] += lv[mlclf_row(n0) + k];
            proba[k] += lv[mlclf_row(n1) + k];
            proba[k] += lv[mlclf_row(n2) + k];
            proba[k] += lv[mlclf_row(n3) + k];
            proba[k] += lv[mlclf_row(n4) + k];
            proba[k] += lv[mlclf_row(n5) + k];
            proba[k] += lv[mlclf_row(n6) + k];
            proba[k] += lv[mlclf_row(n7) + k];
        }
    }

    /* four of the trees left, if there are: the same overlap */
    if (t + 4 <= m->n_trees) {
        n0 = off[t];
        n1 = off[t + 1];
        n2 = off[t + 2];
        n3 = off[t + 3];
        f0 = feat[n0];
        f1 = feat[n1];
        f2 = feat[n2];
        f3 = feat[n3];

        for (dd = (int32_t) m->max_depth - 1;
             (dd | (f0 & f1 & f2 & f3)) >= 0;
             dd--)
        {
            mlclf_predict_step(n0, f0);
            mlclf_predict_step(n1, f1);
            mlclf_predict_step(n2, f2);
            mlclf_predict_step(n3, f3);
        }

        for (k = 0; k < nc; k++) {
            proba[k] += lv[mlclf_row(n0) + k];
            proba[k] += lv[mlclf_row(n1) + k];
            proba[k] += lv[mlclf_row(n2) + k];
            proba[k] += lv[mlclf_row(n3) + k];
        }

        t += 4;
    }

    for ( /* void */ ; t < m->n_trees; t++) {
        n = off[t];

        /*
         * The child is selected without a branch: which way a row goes
         * is data, and a mispredicted branch per level costs more than
         * loading both children.
         */
        for (d = m->max_depth; d != 0 && (uint32_t) (f = feat[n]) < nf; d--) {
            l = left[n];
            r = right[n];
            go = -(uint32_t) !(x[f] <= thr[n]);
            n = l ^ ((l ^ r) & go);
        }

        leaf = lv + mlclf_row(n);

        for (k = 0; k < nc; k++) {
            proba[k] += leaf[k];
        }
    }

    inv = 1.0 / m->n_trees;

    for (k = 0; k < nc; k++) {
        proba[k] *= inv;
    }
}


uint32_t
mlclf_predict_proba(const mlclf_model_t *m, const double *x, double *proba)
{
    int       bad;
    double    z, e, mx, sum;
    uint32_t  k, nc, best;

    nc = m->n_classes;

    if (m->kind == MLCLF_KIND_FOREST) {
        mlclf_predict_forest(m, x, proba);
        goto argmax;
    }

    /* proba[] doubles as the scratch for the scores */
    mlclf_predict_linear(m, x, proba);

    if (m->n_outputs == 1) {
        z = proba[0];

        if (isnan(z)) {
            mlclf_predict_linear_scaled(m, x, proba);
            z = isnan(proba[0]) ? 0.0 : proba[0];
        }

        /*
         * exp() of a non-positive number only: no overflow; the smaller
         * probability is computed directly, not as 1 - p, so that it
         * keeps its relative precision
         */
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

    mx = proba[0];
    bad = !isfinite(mx);

    for (k = 1; k < nc; k++) {
        bad |= !isfinite(proba[k]);

        if (proba[k] > mx) {
            mx = proba[k];
        }
    }

    if (bad) {
        /* a score overflowed (or is inf - inf): redo on scaled inputs */
        mlclf_predict_linear_scaled(m, x, proba);
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

argmax:

    best = 0;

    for (k = 1; k < nc; k++) {
        if (proba[k] > proba[best]) {
            best = k;
        }
    }

    return best;
}
