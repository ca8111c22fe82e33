
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The tree kernels: forest (mean of leaf distributions) and gbt (sums of
 * leaf scores), on the serving hot path.  No allocation, no stdio, no
 * error path.
 *
 * They walk the model's packed nodes (mlclf_model_pack.c): made from
 * the verified file by the process that loaded it and read-only since,
 * so every child, feature and leaf row in them is in range, and a walk
 * takes as many steps as its tree is deep, no more.
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
    const mlclf_node_t       *node;
    const uint32_t           *depth;        /* per tree */
    const uint32_t           *gdepth;       /* per eight trees */
    uint32_t                  nf;
} mlclf_walk_t;


static int mlclf_predict_row_missing(const mlclf_model_t *m,
    const double *x);
static uint32_t mlclf_predict_walk_missing(const mlclf_model_t *m,
    const double *x, uint32_t t);
static inline void mlclf_predict_walk8(const mlclf_walk_t *w,
    const double *x, const uint32_t *root, uint32_t t, uint32_t *n,
    int early);
static void mlclf_predict_walk_init(mlclf_walk_t *w, const mlclf_model_t *m);
static void mlclf_predict_gbt_one(const mlclf_model_t *m, const double *x,
    double *z, int missing);


/*
 * One level down from node n, without a branch: the comparison chooses
 * the left child (next) or the right one (next + 2, in the 8-byte units
 * nodes are numbered in).  Which way a row goes is data, and a
 * mispredicted branch per level costs more.  A leaf is its own next,
 * with a threshold no value exceeds.
 */
#define mlclf_predict_step(n)                                                \
    n = mlclf_node_at(w->node, n)->next                                      \
        + 2 * (x[mlclf_node_at(w->node, n)->feat]                            \
               > mlclf_node_at(w->node, n)->thr)

/*
 * The same for the trees of a model whose leaves have feature -1
 * (mlclf_model_pack.c): a walk at its leaf (f < 0) stays there, and f
 * becomes the feature of the node the walk goes to.
 */
#define mlclf_predict_step_f(n, f)                                           \
    if ((uint32_t) (f) < w->nf) {                                            \
        n = mlclf_node_at(w->node, n)->next                                  \
            + 2 * (x[f] > mlclf_node_at(w->node, n)->thr);                   \
        f = mlclf_node_at(w->node, n)->feat;                                 \
    }


static void
mlclf_predict_walk_init(mlclf_walk_t *w, const mlclf_model_t *m)
{
    w->node = m->nodes;
    w->depth = m->tdepth;
    w->gdepth = m->gdepth;
    w->nf = m->n_features;
}


/*
 * Trees t .. t+7 (t a multiple of 8), from root[0..7] to their leaves
 * n[0..7], as many levels as the deepest of the eight needs, or (early,
 * for trees whose leaves are mostly much shallower than their deepest)
 * until every walk is at its leaf, a lane at its leaf skipped: their
 * walks
 * are independent, so the loads of one overlap the compares of the
 * others instead of waiting for each other, level after level, each
 * lane as many levels as the deepest of the eight needs.  Eight rather
 * than four: more overlap; more would no longer fit in the registers.
 */
static inline __attribute__((always_inline)) void
mlclf_predict_walk8(const mlclf_walk_t *w, const double *x,
    const uint32_t *root, uint32_t t, uint32_t *n, int early)
{
    int32_t   f0, f1, f2, f3, f4, f5, f6, f7, dd;
    uint32_t  n0, n1, n2, n3, n4, n5, n6, n7, d;

    d = w->gdepth[t / 8];

    n0 = root[0];
    n1 = root[1];
    n2 = root[2];
    n3 = root[3];
    n4 = root[4];
    n5 = root[5];
    n6 = root[6];
    n7 = root[7];

    if (!early) {
        for ( /* void */ ; d != 0; d--) {
            mlclf_predict_step(n0);
            mlclf_predict_step(n1);
            mlclf_predict_step(n2);
            mlclf_predict_step(n3);
            mlclf_predict_step(n4);
            mlclf_predict_step(n5);
            mlclf_predict_step(n6);
            mlclf_predict_step(n7);
        }

    } else {
        f0 = mlclf_node_at(w->node, n0)->feat;
        f1 = mlclf_node_at(w->node, n1)->feat;
        f2 = mlclf_node_at(w->node, n2)->feat;
        f3 = mlclf_node_at(w->node, n3)->feat;
        f4 = mlclf_node_at(w->node, n4)->feat;
        f5 = mlclf_node_at(w->node, n5)->feat;
        f6 = mlclf_node_at(w->node, n6)->feat;
        f7 = mlclf_node_at(w->node, n7)->feat;

        /* the AND of the features is negative once all are at leaves */
        for (dd = (int32_t) d - 1;
             (dd | (f0 & f1 & f2 & f3 & f4 & f5 & f6 & f7)) >= 0;
             dd--)
        {
            mlclf_predict_step_f(n0, f0);
            mlclf_predict_step_f(n1, f1);
            mlclf_predict_step_f(n2, f2);
            mlclf_predict_step_f(n3, f3);
            mlclf_predict_step_f(n4, f4);
            mlclf_predict_step_f(n5, f5);
            mlclf_predict_step_f(n6, f6);
            mlclf_predict_step_f(n7, f7);
        }
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


/* Trees t .. t+7 as the model's shape wants (mlclf_model_pack.c). */
#define mlclf_predict_walk8_any(w, x, root, t, n)                            \
    if (m->walk_early) {                                                     \
        mlclf_predict_walk8(w, x, root, t, n, 1);                            \
    } else {                                                                 \
        mlclf_predict_walk8(w, x, root, t, n, 0);                            \
    }


/*
 * The leaves n[] of trees t, t+1, ... (eight, or the rest): walked side
 * by side, the last tree standing in for missing lanes; or, for a row
 * with a missing value, node by node.  Returns how many trees.
 */
static inline __attribute__((always_inline)) uint32_t
mlclf_predict_leaves(const mlclf_model_t *m, const mlclf_walk_t *w,
    const double *x, uint32_t t, int missing, uint32_t *n)
{
    uint32_t  i, left, root[MLCLF_LANES];

    left = m->n_trees - t < MLCLF_LANES ? m->n_trees - t : MLCLF_LANES;

    if (missing) {
        for (i = 0; i < left; i++) {
            n[i] = mlclf_predict_walk_missing(m, x, t + i);
        }

        return left;
    }

    if (left == MLCLF_LANES) {
        mlclf_predict_walk8_any(w, x, m->proots + t, t, n);
        return left;
    }

    for (i = 0; i < MLCLF_LANES; i++) {
        root[i] = m->proots[t + (i < left ? i : left - 1)];
    }

    mlclf_predict_walk8_any(w, x, root, t, n);

    return left;
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


/* Tree t from its root to its leaf, each node with its missing rule. */
static uint32_t
mlclf_predict_walk_missing(const mlclf_model_t *m, const double *x,
    uint32_t t)
{
    double               v;
    uint32_t             d, n, rule;
    uint8_t              dec;
    const mlclf_node_t  *nd;

    n = m->proots[t];

    for (d = m->tdepth[t]; d != 0; d--) {
        nd = mlclf_node_at(m->nodes, n);

        if (nd->feat < 0 || nd->next == n) {
            break;
        }

        v = x[nd->feat];
        dec = m->pdecision[n / 2];
        rule = dec & MLCLF_MISSING_MASK;

        if (isnan(v) && rule == MLCLF_MISSING_AS_ZERO) {
            v = 0.0;

        } else if (isnan(v)
                   || (rule == MLCLF_MISSING_ZERO
                       && fabs(v) <= MLCLF_ZERO_EPS))
        {
            n = nd->next + 2 * !(dec & MLCLF_DEFAULT_LEFT);
            continue;
        }

        n = nd->next + 2 * !(v <= nd->thr);
    }

    return n;
}


#define mlclf_row(n)                                                         \
    ((size_t) (m->walk_early ? mlclf_node_at(m->nodes, n)->next              \
                             : m->prow[(n) / 2]) * nc)


void
mlclf_predict_forest(const mlclf_model_t *m, const double *x, double *proba)
{
    int           missing;
    double        inv;
    uint32_t      t, k, i, c, nc, n[MLCLF_LANES];
    const double  *lv;
    mlclf_walk_t  w;

    nc = m->n_classes;
    lv = m->leaf_values;
    missing = mlclf_predict_row_missing(m, x);
    mlclf_predict_walk_init(&w, m);

    for (k = 0; k < nc; k++) {
        proba[k] = 0.0;
    }

    for (t = 0; t < m->n_trees; t += c) {
        c = mlclf_predict_leaves(m, &w, x, t, missing, n);

        /* added in tree order: the same sums, bit for bit, as one by one */
        for (i = 0; i < c; i++) {
            n[i] = (uint32_t) mlclf_row(n[i]);
        }

        for (k = 0; k < nc; k++) {
            for (i = 0; i < c; i++) {
                proba[k] += lv[n[i] + k];
            }
        }
    }

    inv = 1.0 / m->n_trees;

    for (k = 0; k < nc; k++) {
        proba[k] *= inv;
    }
}


/*
 * The leaves n[] of trees t, t+1, ... of a gbt model, and how many:
 * from the dense layout when the row has its bins (bin not NULL:
 * mlclf_predict_gbt_bins()), else by mlclf_predict_leaves(); and then
 * s's leaves (of the trees before) added, by the dense search on its
 * way.
 */
static inline __attribute__((always_inline)) uint32_t
mlclf_predict_gbt_leaves(const mlclf_model_t *m, const mlclf_walk_t *w,
    const double *x, const uint16_t *bin, uint32_t t, int missing,
    uint32_t *n, mlclf_gbt_sum_t *s)
{
    uint32_t  c;

    if (bin == NULL) {
        c = mlclf_predict_leaves(m, w, x, t, missing, n);
        mlclf_predict_sum_add(s, s->left);
        return c;
    }

    c = m->n_trees - t < MLCLF_DENSE_CHUNK ? m->n_trees - t
                                           : MLCLF_DENSE_CHUNK;
    mlclf_predict_dense_leaves(m, bin, t, c, n, s);

    return c;
}


/*
 * The row's bins in bin[] and, in s (its sum empty), the scores the
 * leaves index, for a model with the dense layout and a row with no
 * missing value; else NULL (the walk) and the packed scores.
 */
static const uint16_t *
mlclf_predict_gbt_bins(const mlclf_model_t *m, const double *x,
    int missing, uint16_t *bin, mlclf_gbt_sum_t *s)
{
    s->f32 = (m->gbt_flags & MLCLF_GBT_FLOAT32) != 0;
    s->n = NULL;
    s->left = 0;

    if (m->dword == NULL || missing) {
        s->lv = m->pscore;
        s->lvf = NULL;
        return NULL;
    }

    mlclf_predict_dense_bins(m, x, bin);
    s->lv = m->dleaf;
    s->lvf = m->dleaf32;

    return bin;
}


/*
 * The score of a model with one output (binary): leaf scores added in
 * tree order, as every source library does (mlclf_predict_sum_add()),
 * while the next trees' leaves are found.
 */
static void
mlclf_predict_gbt_one(const mlclf_model_t *m, const double *x, double *z,
    int missing)
{
    uint16_t         binbuf[MLCLF_DENSE_FEATURES];
    uint32_t         t, c, *n, *later, *found, nb[2][MLCLF_DENSE_CHUNK];
    const uint16_t  *bin;
    mlclf_walk_t     w;
    mlclf_gbt_sum_t  s;

    mlclf_predict_walk_init(&w, m);
    bin = mlclf_predict_gbt_bins(m, x, missing, binbuf, &s);
    s.zd = m->gbt_base[0];
    s.zf = (float) s.zd;
    n = nb[0];
    later = nb[1];

    for (t = 0; t < m->n_trees; t += c) {
        c = mlclf_predict_gbt_leaves(m, &w, x, bin, t, missing, n, &s);
        found = n;
        n = later;
        later = found;
        s.n = found;
        s.left = c;
    }

    mlclf_predict_sum_add(&s, s.left);
    z[0] = s.f32 ? (double) s.zf : s.zd;
}


/*
 * Adds leaf n's score to output c, in float32 when the model sums as
 * XGBoost does: the float of a double sum of two floats is their float
 * sum, rounded once.
 */
#define mlclf_gbt_add(c, n)                                                  \
    if (s.lvf != NULL) {                                                     \
        z[c] = (float) (z[c] + s.lvf[(n) / 2]);                              \
    } else if (s.f32) {                                                      \
        z[c] = (float) (z[c] + s.lv[(n) / 2]);                               \
    } else {                                                                 \
        z[c] += s.lv[(n) / 2];                                               \
    }


void
mlclf_predict_gbt(const mlclf_model_t *m, const double *x, double *z)
{
    int              missing;
    uint16_t         binbuf[MLCLF_DENSE_FEATURES];
    uint32_t         t, k, i, c, no, n[MLCLF_DENSE_CHUNK];
    const uint16_t  *bin;
    const uint32_t  *cls;
    mlclf_walk_t     w;
    mlclf_gbt_sum_t  s;

    no = m->n_outputs;
    cls = m->tree_class;
    missing = mlclf_predict_row_missing(m, x);
    mlclf_predict_walk_init(&w, m);

    if (no == 1) {
        mlclf_predict_gbt_one(m, x, z, missing);
        goto done;
    }

    /* s only names the scores: the sums are z[], added here */
    bin = mlclf_predict_gbt_bins(m, x, missing, binbuf, &s);

    for (k = 0; k < no; k++) {
        z[k] = m->gbt_base[k];
    }

    for (t = 0; t < m->n_trees; t += c) {
        c = mlclf_predict_gbt_leaves(m, &w, x, bin, t, missing, n, &s);

        for (i = 0; i < c; i++) {
            k = cls[t + i] < no ? cls[t + i] : 0;
            mlclf_gbt_add(k, n[i]);
        }
    }

done:

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
