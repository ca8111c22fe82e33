
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The tree kernels: forest (mean of leaf distributions) and gbt (sums of
 * leaf scores), on the serving hot path.  No allocation, no stdio, no
 * error path.
 *
 * They trust nothing they read from the model's memory, at next to no
 * cost to the walk: node numbers are 32-bit, and mlclf_model_open()
 * reserves readable memory after the model for any of them
 * (MLCLF_NODE_REACH); leaf rows are masked with the model's leaf_mask,
 * which a verified model never exceeds; a feature out of range stops a
 * walk as a leaf does; and no walk takes more steps than the deepest
 * verified tree.  A model damaged in memory after verification can give
 * a wrong number, never a read outside its reservation or an endless
 * loop.
 *
 * A row with no missing value (the common case) takes the branch-free
 * walk, where every node is "x <= threshold": the thresholds already
 * stand for their source's comparison (mlclf_format.h).  A row with one
 * takes mlclf_predict_walk_missing(), which applies each node's rule.
 */


#include <float.h>
#include <math.h>

#include "mlclf.h"
#include "mlclf_model.h"
#include "mlclf_predict.h"


/* Trees walked side by side (see mlclf_predict_walk8()). */
#define MLCLF_LANES  8


typedef struct {
    const int32_t            *feat;
    const double             *thr;
    const uint32_t           *left;
    const uint32_t           *right;
    uint32_t                  nf;
    int32_t                   depth;
} mlclf_walk_t;


static int mlclf_predict_row_missing(const mlclf_model_t *m,
    const double *x);
static uint32_t mlclf_predict_walk_missing(const mlclf_model_t *m,
    const double *x, uint32_t n);
static inline void mlclf_predict_walk8(const mlclf_walk_t *w,
    const double *x, const uint32_t *root, uint32_t *n);
static uint32_t mlclf_predict_walk1(const mlclf_walk_t *w, const double *x,
    uint32_t n);
static void mlclf_predict_walk_init(mlclf_walk_t *w, const mlclf_model_t *m);


/*
 * One level down tree walk n (feature f, -1 at a leaf), branch-free: a
 * walk at its leaf stays there.  The child is selected without a
 * branch: which way a row goes is data, and a mispredicted branch per
 * level costs more than loading both children.
 */
#define mlclf_predict_step(n, f)                                             \
    if ((uint32_t) (f) < w->nf) {                                            \
        l = w->left[n];                                                      \
        r = w->right[n];                                                     \
        go = -(uint32_t) !(x[f] <= w->thr[n]);                               \
        n = l ^ ((l ^ r) & go);                                              \
        f = w->feat[n];                                                      \
    }


static void
mlclf_predict_walk_init(mlclf_walk_t *w, const mlclf_model_t *m)
{
    w->feat = m->node_feature;
    w->thr = m->node_threshold;
    w->left = m->node_left;
    w->right = m->node_right;
    w->nf = m->n_features;
    w->depth = (int32_t) m->max_depth;
}


/*
 * Eight trees from root[0..7] to their leaves n[0..7]: their walks are
 * independent, so the loads of one overlap the compares of the others
 * instead of waiting for each other, level after level.  Eight rather
 * than four: 390 -> 350 ns for the 100-tree iris forest (bench/micro.c);
 * more would no longer fit in the registers.  The depth bound and the
 * "every walk at a leaf" test are one sign test of their OR.
 */
static inline __attribute__((always_inline)) void
mlclf_predict_walk8(const mlclf_walk_t *w, const double *x,
    const uint32_t *root, uint32_t *n)
{
    int32_t   f0, f1, f2, f3, f4, f5, f6, f7, dd;
    uint32_t  n0, n1, n2, n3, n4, n5, n6, n7, l, r, go;

    n0 = root[0];
    n1 = root[1];
    n2 = root[2];
    n3 = root[3];
    n4 = root[4];
    n5 = root[5];
    n6 = root[6];
    n7 = root[7];
    f0 = w->feat[n0];
    f1 = w->feat[n1];
    f2 = w->feat[n2];
    f3 = w->feat[n3];
    f4 = w->feat[n4];
    f5 = w->feat[n5];
    f6 = w->feat[n6];
    f7 = w->feat[n7];

    /* the AND of the features is negative once every walk is at a leaf */
    for (dd = w->depth - 1;
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

    n[0] = n0;
    n[1] = n1;
    n[2] = n2;
    n[3] = n3;
    n[4] = n4;
    n[5] = n5;
    n[6] = n6;
    n[7] = n7;
}


/* One tree from node n to its leaf, the same steps. */
static uint32_t
mlclf_predict_walk1(const mlclf_walk_t *w, const double *x, uint32_t n)
{
    int32_t   f, dd;
    uint32_t  l, r, go;

    f = w->feat[n];

    for (dd = w->depth - 1; (dd | f) >= 0; dd--) {
        mlclf_predict_step(n, f);
    }

    return n;
}


/*
 * 1 if row x has a value that some node treats as missing: NaN, or
 * with a MLCLF_MISSING_ZERO node, a value within MLCLF_ZERO_EPS of 0.
 */
static int
mlclf_predict_row_missing(const mlclf_model_t *m, const double *x)
{
    uint32_t  j;

    if (!m->routes_missing) {
        return 0;
    }

    for (j = 0; j < m->n_features; j++) {
        if (isnan(x[j])
            || (m->missing_zero && fabs(x[j]) <= MLCLF_ZERO_EPS))
        {
            return 1;
        }
    }

    return 0;
}


/* One tree from node n to its leaf, each node with its missing rule. */
static uint32_t
mlclf_predict_walk_missing(const mlclf_model_t *m, const double *x,
    uint32_t n)
{
    double    v;
    int32_t   f;
    uint32_t  d, rule;
    uint8_t   dec;

    for (d = m->max_depth;
         d != 0 && (uint32_t) (f = m->node_feature[n]) < m->n_features;
         d--)
    {
        v = x[f];
        dec = m->node_decision[n];
        rule = dec & MLCLF_MISSING_MASK;

        if (isnan(v) && rule == MLCLF_MISSING_AS_ZERO) {
            v = 0.0;

        } else if (isnan(v)
                   || (rule == MLCLF_MISSING_ZERO
                       && fabs(v) <= MLCLF_ZERO_EPS))
        {
            n = (dec & MLCLF_DEFAULT_LEFT) ? m->node_left[n]
                                           : m->node_right[n];
            continue;
        }

        n = v <= m->node_threshold[n] ? m->node_left[n] : m->node_right[n];
    }

    return n;
}


#define mlclf_row(n)    ((size_t) (m->node_left[n] & m->leaf_mask) * nc)


void
mlclf_predict_forest(const mlclf_model_t *m, const double *x, double *proba)
{
    int           missing;
    double        inv;
    uint32_t      t, k, i, nc, n[MLCLF_LANES];
    const double  *lv;
    mlclf_walk_t  w;

    nc = m->n_classes;
    lv = m->leaf_values;
    missing = mlclf_predict_row_missing(m, x);
    mlclf_predict_walk_init(&w, m);

    for (k = 0; k < nc; k++) {
        proba[k] = 0.0;
    }

    for (t = 0; !missing && t + MLCLF_LANES <= m->n_trees; t += MLCLF_LANES)
    {
        mlclf_predict_walk8(&w, x, m->tree_offsets + t, n);

        /* added in tree order: the same sums, bit for bit, as one by one */
        for (k = 0; k < nc; k++) {
            for (i = 0; i < MLCLF_LANES; i++) {
                proba[k] += lv[mlclf_row(n[i]) + k];
            }
        }
    }

    for ( /* void */ ; t < m->n_trees; t++) {
        n[0] = missing ? mlclf_predict_walk_missing(m, x, m->tree_offsets[t])
                       : mlclf_predict_walk1(&w, x, m->tree_offsets[t]);

        for (k = 0; k < nc; k++) {
            proba[k] += lv[mlclf_row(n[0]) + k];
        }
    }

    inv = 1.0 / m->n_trees;

    for (k = 0; k < nc; k++) {
        proba[k] *= inv;
    }
}


/*
 * Adds leaf n's score to output c, in float32 when the model sums as
 * XGBoost does: a float result of a double sum of two floats is the
 * float sum, rounded once.
 */
#define mlclf_gbt_add(c, n)                                                  \
    if (f32) {                                                               \
        z[c] = (float) (z[c] + lv[m->node_left[n] & m->leaf_mask]);          \
    } else {                                                                 \
        z[c] += lv[m->node_left[n] & m->leaf_mask];                          \
    }


void
mlclf_predict_gbt(const mlclf_model_t *m, const double *x, double *z)
{
    int            missing, f32;
    uint32_t       t, k, i, no, n[MLCLF_LANES];
    const double   *lv;
    const uint32_t *cls;
    mlclf_walk_t   w;

    no = m->n_outputs;
    lv = m->leaf_values;
    cls = m->tree_class;
    f32 = (m->gbt_flags & MLCLF_GBT_FLOAT32) != 0;
    missing = mlclf_predict_row_missing(m, x);
    mlclf_predict_walk_init(&w, m);

    for (k = 0; k < no; k++) {
        z[k] = m->gbt_base[k];
    }

    for (t = 0; !missing && t + MLCLF_LANES <= m->n_trees; t += MLCLF_LANES)
    {
        mlclf_predict_walk8(&w, x, m->tree_offsets + t, n);

        for (i = 0; i < MLCLF_LANES; i++) {
            k = cls[t + i] < no ? cls[t + i] : 0;
            mlclf_gbt_add(k, n[i]);
        }
    }

    for ( /* void */ ; t < m->n_trees; t++) {
        n[0] = missing ? mlclf_predict_walk_missing(m, x, m->tree_offsets[t])
                       : mlclf_predict_walk1(&w, x, m->tree_offsets[t]);
        k = cls[t] < no ? cls[t] : 0;
        mlclf_gbt_add(k, n[0]);
    }

    for (k = 0; k < no; k++) {
        if (m->divisor != 1.0) {
            z[k] /= m->divisor;
        }

        /* finite leaves can still sum past DBL_MAX: keep the link sane */
        if (isnan(z[k])) {
            z[k] = 0.0;

        } else if (isinf(z[k])) {
            z[k] = z[k] > 0.0 ? DBL_MAX : -DBL_MAX;
        }
    }
}
