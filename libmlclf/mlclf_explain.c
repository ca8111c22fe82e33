
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Explanations: per-column contributions to a row's margin, and the
 * base value they start from (mlclf_explain() in mlclf.h).
 *
 * logreg: column j of output k gives w_kj * (x_j - mean_j), the base is
 * b_k + w_k . mean (LINEAR_MEAN).
 *
 * forest and gbt: path-dependent TreeSHAP (Lundberg, Erion and Lee,
 * "Consistent individualized feature attribution for tree ensembles",
 * 2018, Algorithm 2), with each node's cover (NODE_COVER) as the
 * weight of the rows that reach it.  The walk keeps, for the path from
 * the root to the node at hand, one element per distinct feature on it
 * (plus a first one that stands for none): the fraction z of the
 * cover that the path's splits on that feature keep, whether the row
 * itself follows them (o, 1 or 0), and the weights w of the subsets of
 * path features by size, times the Shapley factor.  At a leaf, each
 * feature on the path gets (o - z) times the sum of the weights with
 * that feature taken out (unwound) times the leaf's value.  The
 * recursion of the paper is a loop here, over one frame per depth, so
 * that a deep tree needs scratch, not stack.
 *
 * A tree's base value is the cover-weighted mean of its leaves, with the
 * weights the walk uses (a child's share is its cover over its
 * parent's), so that a tree's contributions plus its base are its
 * value at x exactly, up to rounding, whatever the covers' own
 * rounding.
 */


#include <math.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_model.h"


/* One element of a path (4 doubles of scratch). */
typedef struct {
    double                    z;            /* cover fraction kept */
    double                    o;            /* 1: the row goes there */
    double                    w;            /* subset weight */
    int32_t                   d;            /* feature, -1 for none */
    uint32_t                  pad;
} mlclf_xp_elem_t;

/* One depth of the walk (5 doubles of scratch). */
typedef struct {
    double                    iz;           /* z and o of the feature */
    double                    io;           /* before this node */
    double                    share;        /* product of cover shares */
    uint32_t                  node;
    uint32_t                  len;          /* path elements */
    uint32_t                  phase;        /* 0 hot next, 1 cold, 2 up */
    uint32_t                  hot;
} mlclf_xp_frame_t;


#define MLCLF_XP_ELEM   (sizeof(mlclf_xp_elem_t) / sizeof(double))
#define MLCLF_XP_FRAME  (sizeof(mlclf_xp_frame_t) / sizeof(double))

_Static_assert(sizeof(mlclf_xp_elem_t) == 4 * sizeof(double), "elem size");
_Static_assert(sizeof(mlclf_xp_frame_t) == 5 * sizeof(double),
               "frame size");


typedef struct {
    const mlclf_model_t      *m;
    const double             *x;
    double                   *phi;          /* n_outputs x (cols + 1) */
    uint32_t                  out;          /* gbt: the tree's output */
    uint32_t                  width;        /* elements per depth */
    mlclf_xp_elem_t          *paths;        /* width per depth */
    mlclf_xp_frame_t         *frames;
    double                   *rcp;          /* rcp[k] = 1 / k, k <= width */
} mlclf_xp_t;


static uint32_t mlclf_explain_depth(const mlclf_model_t *m);
static int mlclf_explain_goes_left(const mlclf_model_t *m, uint32_t n,
    double v);
static void mlclf_explain_extend(mlclf_xp_elem_t *p, uint32_t len, double z,
    double o, int32_t d, const double *rcp);
static void mlclf_explain_unwind(mlclf_xp_elem_t *p, uint32_t len,
    uint32_t i, const double *rcp);
static double mlclf_explain_unwound_sum(const mlclf_xp_elem_t *p,
    uint32_t len, uint32_t i, const double *rcp);
static void mlclf_explain_leaf(mlclf_xp_t *xp, const mlclf_xp_elem_t *p,
    uint32_t len, uint32_t node, double share);
static void mlclf_explain_tree(mlclf_xp_t *xp, uint32_t t);
static void mlclf_explain_linear(const mlclf_model_t *m, const double *x,
    double *phi);


int
mlclf_explain_ready(const mlclf_model_t *m)
{
    if (m->kind == MLCLF_KIND_LOGREG) {
        return m->linear_mean != NULL ? MLCLF_OK : MLCLF_ENOEXPLAIN;
    }

    return m->node_cover != NULL ? MLCLF_OK : MLCLF_ENOEXPLAIN;
}


uint32_t
mlclf_explain_n_outputs(const mlclf_model_t *m)
{
    return m->kind == MLCLF_KIND_FOREST ? m->n_classes : m->n_outputs;
}


/* The deepest leaf of the model's trees, in edges from the root. */
static uint32_t
mlclf_explain_depth(const mlclf_model_t *m)
{
    uint32_t  t, depth;

    depth = 0;

    for (t = 0; t < m->n_trees; t++) {
        depth = m->tdepth[t] > depth ? m->tdepth[t] : depth;
    }

    return depth;
}


size_t
mlclf_explain_scratch(const mlclf_model_t *m)
{
    size_t  depth, width;

    if (m->kind == MLCLF_KIND_LOGREG) {
        return 0;
    }

    depth = mlclf_explain_depth(m);

    /* distinct features on a path, the element for none, one to grow */
    width = (depth < m->n_features ? depth : m->n_features) + 2;

    return (depth + 1) * (width * MLCLF_XP_ELEM + MLCLF_XP_FRAME) + width + 1;
}


/* The predict kernel's routing (mlclf_predict_trees.c), one node. */
static int
mlclf_explain_goes_left(const mlclf_model_t *m, uint32_t n, double v)
{
    uint8_t   dec;
    uint32_t  rule;

    dec = m->node_decision != NULL ? m->node_decision[n] : 0;
    rule = dec & MLCLF_MISSING_MASK;

    if (isnan(v) && rule == MLCLF_MISSING_AS_ZERO) {
        v = 0.0;

    } else if (isnan(v)
               || (rule == MLCLF_MISSING_ZERO && fabs(v) <= MLCLF_ZERO_EPS))
    {
        return (dec & MLCLF_DEFAULT_LEFT) != 0;
    }

    return v <= m->node_threshold[n];
}


/* Adds (z, o, d) to a path of len elements (EXTEND of the paper). */
static void
mlclf_explain_extend(mlclf_xp_elem_t *p, uint32_t len, double z, double o,
    int32_t d, const double *rcp)
{
    double    r;
    uint32_t  i;

    p[len].z = z;
    p[len].o = o;
    p[len].d = d;
    p[len].pad = 0;
    p[len].w = len == 0 ? 1.0 : 0.0;

    r = rcp[len + 1];

    for (i = len; i-- > 0; /* void */) {
        p[i + 1].w += o * p[i].w * (i + 1) * r;
        p[i].w = z * p[i].w * (len - i) * r;
    }
}


/*
 * Takes element i out of a path of len elements (UNWIND of the paper):
 * the weights as if it had never been added, the elements after it
 * one place down.
 */
static void
mlclf_explain_unwind(mlclf_xp_elem_t *p, uint32_t len, uint32_t i,
    const double *rcp)
{
    double    n, t, z, o, r;
    uint32_t  j, l;

    l = len - 1;
    n = p[l].w;
    z = p[i].z;
    o = p[i].o;
    r = rcp[l + 1];

    for (j = l; j-- > 0; /* void */) {
        if (o != 0.0) {
            t = p[j].w;
            p[j].w = n * (l + 1) * rcp[j + 1] / o;
            n = t - p[j].w * z * (l - j) * r;

        } else {
            p[j].w = p[j].w * (l + 1) * rcp[l - j] / z;
        }
    }

    for (j = i; j < l; j++) {
        p[j].z = p[j + 1].z;
        p[j].o = p[j + 1].o;
        p[j].d = p[j + 1].d;
    }
}


/*
 * The sum of the weights unwind(p, len, i) would leave, p unchanged.
 * o is 1 or 0 (the row follows the feature's splits or not), and z is
 * not 0 when o is (mlclf_explain_tree() enters no such child): the
 * divisions are by small integers, read from rcp, and by z once.
 */
static double
mlclf_explain_unwound_sum(const mlclf_xp_elem_t *p, uint32_t len, uint32_t i,
    const double *rcp)
{
    double    n, t, a, zr, sum;
    uint32_t  j, l;

    l = len - 1;
    n = p[l].w;
    a = (double) (l + 1);
    sum = 0.0;

    if (p[i].o != 0.0) {
        /* the factors apart, so that n waits on one multiply and add */
        zr = p[i].z * rcp[l + 1];

        for (j = l; j-- > 0; /* void */) {
            t = n * (a * rcp[j + 1]);
            sum += t;
            n = p[j].w - t * (zr * (l - j));
        }

        return sum;
    }

    for (j = l; j-- > 0; /* void */) {
        sum += p[j].w * rcp[l - j];
    }

    return sum * a / p[i].z;
}


/* A leaf: each path feature's share of its value, and the base's. */
static void
mlclf_explain_leaf(mlclf_xp_t *xp, const mlclf_xp_elem_t *p, uint32_t len,
    uint32_t node, double share)
{
    double               s, *row;
    uint32_t             i, k, nc, stride;
    const double        *v;
    const mlclf_model_t  *m;

    m = xp->m;
    stride = m->n_features + 1;

    if (m->kind == MLCLF_KIND_GBT) {
        nc = 1;
        v = m->leaf_values + m->node_left[node];
        row = xp->phi + (size_t) xp->out * stride;

    } else {
        nc = m->n_classes;
        v = m->leaf_values + (size_t) m->node_left[node] * nc;
        row = xp->phi;
    }

    for (k = 0; k < nc; k++) {
        row[(size_t) k * stride + m->n_features] += share * v[k];
    }

    for (i = 1; i < len; i++) {
        s = mlclf_explain_unwound_sum(p, len, i, xp->rcp)
            * (p[i].o - p[i].z);

        for (k = 0; k < nc; k++) {
            row[(size_t) k * stride + p[i].d] += s * v[k];
        }
    }
}


/*
 * One tree, depth first.  Frame d holds the node at depth d and, in
 * paths[d], its path once the node is added and its own feature taken
 * out again: what its children extend.
 */
static void
mlclf_explain_tree(mlclf_xp_t *xp, uint32_t t)
{
    int                   left;
    double                z, o, zc, rn;
    int32_t               f, pf;
    uint32_t              d, k, n, len, child, cold;
    mlclf_xp_elem_t      *p;
    mlclf_xp_frame_t     *fr;
    const double         *cover;
    const mlclf_model_t  *m;

    m = xp->m;
    cover = m->node_cover;

    /* enter the root: no path yet, all of the cover */
    d = 0;
    n = m->tree_offsets[t];
    z = 1.0;
    o = 1.0;
    pf = -1;
    len = 0;
    zc = 1.0;

    for ( ;; ) {

        /* enter node n at depth d from the path of depth d - 1 */
        p = xp->paths + (size_t) d * xp->width;

        if (d != 0) {
            memcpy(p, p - xp->width, len * sizeof(mlclf_xp_elem_t));
        }

        mlclf_explain_extend(p, len, z, o, pf, xp->rcp);
        len++;

        fr = xp->frames + d;
        fr->node = n;
        fr->share = zc;
        f = m->node_feature[n];

        if (f == -1) {
            mlclf_explain_leaf(xp, p, len, n, zc);
            fr->phase = 2;

        } else {
            fr->iz = 1.0;
            fr->io = 1.0;

            for (k = 1; k < len; k++) {
                if (p[k].d == f) {
                    fr->iz = p[k].z;
                    fr->io = p[k].o;
                    mlclf_explain_unwind(p, len, k, xp->rcp);
                    len--;
                    break;
                }
            }

            left = mlclf_explain_goes_left(m, n, xp->x[f]);
            fr->hot = left ? m->node_left[n] : m->node_right[n];
            fr->phase = 0;
        }

        fr->len = len;

        /*
         * the next node to enter: a child of the deepest open frame; one
         * the row cannot reach (o 0) that has no cover (z 0) adds
         * nothing, nor does anything below it
         */
        for ( ;; ) {
            fr = xp->frames + d;

            if (fr->phase < 2) {
                cold = fr->hot == m->node_left[fr->node]
                       ? m->node_right[fr->node] : m->node_left[fr->node];
                child = fr->phase == 0 ? fr->hot : cold;
                o = fr->phase == 0 ? fr->io : 0.0;
                fr->phase++;

                rn = cover[child] / cover[fr->node];
                z = fr->iz * rn;

                if (z == 0.0 && o == 0.0) {
                    continue;
                }

                break;
            }

            if (d == 0) {
                return;
            }

            d--;
        }

        zc = fr->share * rn;
        pf = m->node_feature[fr->node];
        len = fr->len;
        n = child;
        d++;
    }
}


static void
mlclf_explain_linear(const mlclf_model_t *m, const double *x, double *phi)
{
    double         base, *row;
    uint32_t       k, j, nf;
    const double  *w, *mean;

    nf = m->n_features;
    mean = m->linear_mean;

    for (k = 0; k < m->n_outputs; k++) {
        w = m->weights + (size_t) k * nf;
        row = phi + (size_t) k * (nf + 1);
        base = m->bias[k];

        for (j = 0; j < nf; j++) {
            row[j] = w[j] * (x[j] - mean[j]);
            base += w[j] * mean[j];
        }

        row[nf] = base;
    }
}


void
mlclf_explain(const mlclf_model_t *m, const double *x, double *phi,
    double *scratch)
{
    size_t       i, n;
    uint32_t     t, k, no, depth, stride;
    mlclf_xp_t   xp;

    if (m->kind == MLCLF_KIND_LOGREG) {
        mlclf_explain_linear(m, x, phi);
        return;
    }

    no = mlclf_explain_n_outputs(m);
    stride = m->n_features + 1;
    n = (size_t) no * stride;

    for (i = 0; i < n; i++) {
        phi[i] = 0.0;
    }

    xp.m = m;
    xp.x = x;
    xp.phi = phi;
    xp.out = 0;
    depth = mlclf_explain_depth(m);
    xp.width = (depth < m->n_features ? depth : m->n_features) + 2;
    xp.paths = (mlclf_xp_elem_t *) scratch;
    depth = mlclf_explain_depth(m);
    xp.frames = (mlclf_xp_frame_t *)
        (scratch + (size_t) (depth + 1) * xp.width * MLCLF_XP_ELEM);
    xp.rcp = (double *) (xp.frames + depth + 1);

    for (k = 1; k <= xp.width; k++) {
        xp.rcp[k] = 1.0 / k;
    }

    for (t = 0; t < m->n_trees; t++) {
        if (m->kind == MLCLF_KIND_GBT) {
            xp.out = m->tree_class[t];
        }

        mlclf_explain_tree(&xp, t);
    }

    if (m->kind == MLCLF_KIND_FOREST) {
        for (i = 0; i < n; i++) {
            phi[i] /= m->n_trees;
        }

        return;
    }

    for (k = 0; k < no; k++) {
        phi[(size_t) k * stride + m->n_features] += m->gbt_base[k];
    }

    if (m->divisor != 1.0) {
        for (i = 0; i < n; i++) {
            phi[i] /= m->divisor;
        }
    }
}


void
mlclf_explain_inputs(const mlclf_model_t *m, const double *phi, double *out)
{
    double         s;
    uint32_t       k, i, j, no, nf, ni;
    const double  *row;

    no = mlclf_explain_n_outputs(m);
    nf = m->n_features;
    ni = m->n_inputs;

    for (k = 0; k < no; k++) {
        row = phi + (size_t) k * (nf + 1);

        for (i = 0; i < ni; i++) {
            if (m->inputs == NULL) {
                out[(size_t) k * (ni + 1) + i] = row[i];
                continue;
            }

            s = 0.0;

            for (j = 0; j < m->inputs[i].width; j++) {
                s += row[m->inputs[i].column + j];
            }

            out[(size_t) k * (ni + 1) + i] = s;
        }

        out[(size_t) k * (ni + 1) + ni] = row[nf];
    }
}
