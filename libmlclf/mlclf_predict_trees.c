
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
 * A gbt model with the dense layout takes neither when its rules fit
 * there (mlclf_model_dense.c): rows with and without a missing value
 * go through mlclf_predict_dense.c.
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
    const uint32_t           *gdepth;       /* per eight trees */
} mlclf_walk_t;


static int mlclf_predict_row_missing(const mlclf_model_t *m,
    const double *x);
static uint32_t mlclf_predict_walk_missing(const mlclf_model_t *m,
    const double *x, uint32_t t);
static void mlclf_predict_walk8_missing(const mlclf_model_t *m,
    const double *x, uint32_t t, uint32_t *n);
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
 * (mlclf_model_pack.c): a walk at its leaf (f < 0) stays there, and all
 * keeps the AND of the features of the nodes the walks are at, negative
 * once every walk is at its leaf.  The feature of the node reached is
 * loaded again at the next level rather than kept: eight more live
 * registers would spill the node numbers, on the walk's path.
 */
#define mlclf_predict_step_f(n, all)                                         \
    nd = mlclf_node_at(w->node, n);                                          \
    f = nd->feat;                                                            \
    if (f >= 0) {                                                            \
        n = nd->next + 2 * (size_t) (x[f] > nd->thr);                        \
        f = mlclf_node_at(w->node, n)->feat;                                 \
    }                                                                        \
    all &= f


/* The eight walks' node numbers e0 .. e7 from r[], and into n[]. */
#define mlclf_predict_lanes_from(e, r)                                       \
    e##0 = (r)[0]; e##1 = (r)[1]; e##2 = (r)[2]; e##3 = (r)[3];             \
    e##4 = (r)[4]; e##5 = (r)[5]; e##6 = (r)[6]; e##7 = (r)[7]

#define mlclf_predict_lanes_to(n, e)                                         \
    (n)[0] = (uint32_t) e##0; (n)[1] = (uint32_t) e##1;                      \
    (n)[2] = (uint32_t) e##2; (n)[3] = (uint32_t) e##3;                      \
    (n)[4] = (uint32_t) e##4; (n)[5] = (uint32_t) e##5;                      \
    (n)[6] = (uint32_t) e##6; (n)[7] = (uint32_t) e##7


static void
mlclf_predict_walk_init(mlclf_walk_t *w, const mlclf_model_t *m)
{
    w->node = m->nodes;
    w->gdepth = m->gdepth;
}


/*
 * Trees t .. t+7 (t a multiple of 8), from root[0..7] to their leaves
 * n[0..7]: as many levels as the deepest of the eight trees has, or
 * (early, for trees whose leaves are mostly much shallower than their
 * deepest) until every walk is at its leaf, a walk at its leaf left
 * there.  The eight walks are independent, so the loads of one overlap
 * the compares of the others instead of waiting for each other, level
 * after level.  Eight rather than four: more overlap; more would no
 * longer fit in the registers.  The walks keep their node numbers in
 * size_t, the width they index with: with 32-bit ones gcc kept both
 * widths, and spilled.
 */
static inline __attribute__((always_inline)) void
mlclf_predict_walk8(const mlclf_walk_t *w, const double *x,
    const uint32_t *root, uint32_t t, uint32_t *n, int early)
{
    size_t               e0, e1, e2, e3, e4, e5, e6, e7;
    int32_t              f, all;
    uint32_t             d;
    const mlclf_node_t  *nd;

    d = w->gdepth[t / 8];
    mlclf_predict_lanes_from(e, root);

    if (!early) {
        for ( /* void */ ; d != 0; d--) {
            mlclf_predict_step(e0);
            mlclf_predict_step(e1);
            mlclf_predict_step(e2);
            mlclf_predict_step(e3);
            mlclf_predict_step(e4);
            mlclf_predict_step(e5);
            mlclf_predict_step(e6);
            mlclf_predict_step(e7);
        }

    } else {
        /* at most d levels; fewer once every walk is at its leaf */
        for ( /* void */ ; d != 0; d--) {
            all = -1;
            mlclf_predict_step_f(e0, all);
            mlclf_predict_step_f(e1, all);
            mlclf_predict_step_f(e2, all);
            mlclf_predict_step_f(e3, all);
            mlclf_predict_step_f(e4, all);
            mlclf_predict_step_f(e5, all);
            mlclf_predict_step_f(e6, all);
            mlclf_predict_step_f(e7, all);

            if (all < 0) {
                break;
            }
        }
    }

    mlclf_predict_lanes_to(n, e);
}


/*
 * Trees t .. t+15 (t a multiple of 8), walked as many levels as the
 * deepest of them has: for trees whose nodes no longer fit in the
 * caches, a level waits for memory, and sixteen walks wait side by side
 * where eight did.  Their node numbers do not all fit in the registers;
 * a spilled one costs a store and a load from L1, next to a miss.
 */
static inline __attribute__((always_inline)) void
mlclf_predict_walk16(const mlclf_walk_t *w, const double *x,
    const uint32_t *root, uint32_t t, uint32_t *n)
{
    uint32_t  i, d, d2;

    d = w->gdepth[t / 8];
    d2 = w->gdepth[t / 8 + 1];
    d = d > d2 ? d : d2;

    for (i = 0; i < 2 * MLCLF_LANES; i++) {
        n[i] = root[i];
    }

    for ( /* void */ ; d != 0; d--) {
#pragma GCC unroll 16
        for (i = 0; i < 2 * MLCLF_LANES; i++) {
            mlclf_predict_step(n[i]);
        }
    }
}


/* Trees t .. t+7 as the model's shape wants (mlclf_model_pack.c). */
#define mlclf_predict_walk8_any(w, x, root, t, n)                            \
    if (m->walk_early) {                                                     \
        mlclf_predict_walk8(w, x, root, t, n, 1);                            \
    } else {                                                                 \
        mlclf_predict_walk8(w, x, root, t, n, 0);                            \
    }


/*
 * The leaves n[] of trees t, t+1, ...: sixteen for walks of fixed
 * levels while sixteen are left, else eight or the rest, walked side by
 * side, the last tree standing in for missing lanes; for a row with a
 * missing value, eight side by side, the rest one by one.  Returns how
 * many trees.
 */
static inline __attribute__((always_inline)) uint32_t
mlclf_predict_leaves(const mlclf_model_t *m, const mlclf_walk_t *w,
    const double *x, uint32_t t, int missing, uint32_t *n)
{
    uint32_t  i, left, root[MLCLF_LANES];

    left = m->n_trees - t < MLCLF_LANES ? m->n_trees - t : MLCLF_LANES;

    if (missing) {
        if (left == MLCLF_LANES) {
            mlclf_predict_walk8_missing(m, x, t, n);
            return left;
        }

        for (i = 0; i < left; i++) {
            n[i] = mlclf_predict_walk_missing(m, x, t + i);
        }

        return left;
    }

    if (!m->walk_early && m->n_trees - t >= 2 * MLCLF_LANES) {
        mlclf_predict_walk16(w, x, m->proots + t, t, n);
        return 2 * MLCLF_LANES;
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


/*
 * The child of internal node n (nd) for value v, by the node's missing
 * rule (mlclf_format.h): the routing of a row with a missing value.
 */
static inline __attribute__((always_inline)) size_t
mlclf_predict_child(const mlclf_model_t *m, const mlclf_node_t *nd,
    size_t n, double v)
{
    uint32_t  rule;
    uint8_t   dec;

    dec = m->pdecision[n / 2];
    rule = dec & MLCLF_MISSING_MASK;

    if (isnan(v) && rule == MLCLF_MISSING_AS_ZERO) {
        v = 0.0;

    } else if (isnan(v)
               || (rule == MLCLF_MISSING_ZERO && fabs(v) <= MLCLF_ZERO_EPS))
    {
        return nd->next + 2 * (size_t) !(dec & MLCLF_DEFAULT_LEFT);
    }

    return nd->next + 2 * (size_t) !(v <= nd->thr);
}


/*
 * One level down walk n of a row with a missing value: a leaf (feature
 * -1, or a node that is its own next) stays; any other node goes to
 * its child, and moved is set.
 */
#define mlclf_predict_step_missing(n, moved)                                 \
    nd = mlclf_node_at(m->nodes, n);                                         \
    if (nd->feat >= 0 && nd->next != n) {                                    \
        n = mlclf_predict_child(m, nd, n, x[nd->feat]);                      \
        moved = 1;                                                           \
    }


/* Tree t from its root to its leaf, each node with its missing rule. */
static uint32_t
mlclf_predict_walk_missing(const mlclf_model_t *m, const double *x,
    uint32_t t)
{
    int                  moved;
    size_t               n;
    uint32_t             d;
    const mlclf_node_t  *nd;

    n = m->proots[t];
    moved = 1;

    for (d = m->tdepth[t]; d != 0 && moved; d--) {
        moved = 0;
        mlclf_predict_step_missing(n, moved);
    }

    return (uint32_t) n;
}


/*
 * Trees t .. t+7 of a row with a missing value, side by side as
 * mlclf_predict_walk8() walks them, until none moves: a node's rule
 * takes a few branches, and eight walks keep the CPU busy while each
 * waits on its own.  (Without the branches, each walk taking all the
 * levels of the deepest tree, it was slower.)
 */
static void
mlclf_predict_walk8_missing(const mlclf_model_t *m, const double *x,
    uint32_t t, uint32_t *n)
{
    int                  moved;
    size_t               e0, e1, e2, e3, e4, e5, e6, e7;
    uint32_t             d;
    const mlclf_node_t  *nd;

    mlclf_predict_lanes_from(e, m->proots + t);
    moved = 1;

    for (d = m->gdepth[t / 8]; d != 0 && moved; d--) {
        moved = 0;
        mlclf_predict_step_missing(e0, moved);
        mlclf_predict_step_missing(e1, moved);
        mlclf_predict_step_missing(e2, moved);
        mlclf_predict_step_missing(e3, moved);
        mlclf_predict_step_missing(e4, moved);
        mlclf_predict_step_missing(e5, moved);
        mlclf_predict_step_missing(e6, moved);
        mlclf_predict_step_missing(e7, moved);
    }

    mlclf_predict_lanes_to(n, e);
}


#define mlclf_row(n)                                                         \
    ((size_t) (m->walk_early ? mlclf_node_at(m->nodes, n)->next              \
                             : m->prow[(n) / 2]) * nc)


/*
 * The leaf distributions of the c trees whose leaves are n[] added to
 * proba[], in tree order: the same sums, bit for bit, as one tree at a
 * time.  Each sum stays in a register (proba[] could alias lv[] for all
 * gcc knows).
 */
static void
mlclf_predict_forest_add(const mlclf_model_t *m, const double *lv,
    const uint32_t *n, uint32_t c, double *proba)
{
    double    sum;
    uint32_t  i, k, nc, r[2 * MLCLF_LANES];

    nc = m->n_classes;

    for (i = 0; i < c; i++) {
        r[i] = (uint32_t) mlclf_row(n[i]);
    }

    for (k = 0; k < nc; k++) {
        sum = proba[k];

        for (i = 0; i < c; i++) {
            sum += lv[r[i] + k];
        }

        proba[k] = sum;
    }
}


/*
 * The same for eight trees, unrolled: the common case.  (The loops above
 * unrolled by a pragma kept the leaves' pointers in memory: 3.5 % more
 * instructions for the iris forest.)
 */
static inline __attribute__((always_inline)) void
mlclf_predict_forest_add8(const mlclf_model_t *m, const double *lv,
    const uint32_t *n, double *proba)
{
    double        sum;
    uint32_t      k, nc;
    const double  *l0, *l1, *l2, *l3, *l4, *l5, *l6, *l7;

    nc = m->n_classes;
    l0 = lv + mlclf_row(n[0]);
    l1 = lv + mlclf_row(n[1]);
    l2 = lv + mlclf_row(n[2]);
    l3 = lv + mlclf_row(n[3]);
    l4 = lv + mlclf_row(n[4]);
    l5 = lv + mlclf_row(n[5]);
    l6 = lv + mlclf_row(n[6]);
    l7 = lv + mlclf_row(n[7]);

    for (k = 0; k < nc; k++) {
        sum = proba[k];
        sum += l0[k];
        sum += l1[k];
        sum += l2[k];
        sum += l3[k];
        sum += l4[k];
        sum += l5[k];
        sum += l6[k];
        sum += l7[k];
        proba[k] = sum;
    }
}


void
mlclf_predict_forest(const mlclf_model_t *m, const double *x, double *proba)
{
    int           missing;
    double        inv;
    uint32_t      t, k, c, nc, n[2 * MLCLF_LANES];
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

        if (c == MLCLF_LANES) {
            mlclf_predict_forest_add8(m, lv, n, proba);

        } else {
            mlclf_predict_forest_add(m, lv, n, c, proba);
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
        mlclf_predict_sum_next(s, n, c);

        return c;
    }

    c = m->n_trees - t < MLCLF_DENSE_CHUNK ? m->n_trees - t
                                           : MLCLF_DENSE_CHUNK;
    mlclf_predict_dense_leaves(m, bin, t, c, missing, n, s);

    return c;
}


/*
 * The row's bins in bin[] and, in s (its sum empty), the scores the
 * leaves index, for a model with the dense layout and a row with no
 * missing value, or with one and the words for it (dmword); else NULL
 * (the walk) and the packed scores.
 */
static const uint16_t *
mlclf_predict_gbt_bins(const mlclf_model_t *m, const double *x,
    int missing, uint16_t *bin, mlclf_gbt_sum_t *s)
{
    s->f32 = (m->gbt_flags & MLCLF_GBT_FLOAT32) != 0;
    s->n = NULL;
    s->left = 0;
    s->sums = 0;

    if (m->dword == NULL || (missing && m->dmword == NULL)) {
        s->lv = m->pscore;
        s->lvf = NULL;
        return NULL;
    }

    mlclf_predict_dense_bins(m, x, missing, bin);
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
    s.sums = 1;
    s.zd = m->gbt_base[0];
    s.zf = (float) s.zd;
    n = nb[0];
    later = nb[1];

    /* s left with the last of each turn's leaves, n[] kept till added */
    for (t = 0; t < m->n_trees; t += c) {
        c = mlclf_predict_gbt_leaves(m, &w, x, bin, t, missing, n, &s);
        found = n;
        n = later;
        later = found;
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
