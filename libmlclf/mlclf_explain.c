
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Explanations: per-column or per-input contributions to a row's
 * margin, and the base value they start from (mlclf_explain() and
 * mlclf_explain_terms() in mlclf.h).
 *
 * logreg: column j of output k gives w_kj * (x_j - mean_j), the base is
 * b_k + w_k . mean (LINEAR_MEAN).  By input, the sums of w_kj * mean_j
 * over each input's columns are made once, at load
 * (mlclf_explain_prepare()), so that a row costs its terms.
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
 * What makes it cheap: the factors (i + 1) / (n + 1) and their
 * inverses come from two tables made once per call, so that no inner
 * loop divides or converts an integer; and the unwound sum of an
 * element the row does not follow (o = 0) times (0 - z) is the same
 * for every such element of a leaf, -sum_j w_j (l + 1) / (l - j), made
 * once per leaf, so that only the elements the row follows cost a pass
 * over the path each.  By input, an element carries its column's
 * bucket (its input), and the leaf adds into it: Shapley values are
 * additive, so an input's value is its columns' sum, and no per-column
 * array is needed however wide the model.
 *
 * A tree's base value is the cover-weighted mean of its leaves, with the
 * weights the walk uses (a child's share is its cover over its
 * parent's), so that a tree's contributions plus its base are its
 * value at x exactly, up to rounding, whatever the covers' own
 * rounding.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_model.h"
#include "mlclf_model_parse.h"


/* One element of a path (4 doubles of scratch). */
typedef struct {
    double                    z;            /* cover fraction kept */
    double                    o;            /* 1: the row goes there */
    double                    w;            /* subset weight */
    int32_t                   d;            /* feature, -1 for none */
    uint32_t                  b;            /* its bucket: column, input */
} mlclf_xp_elem_t;

/* One depth of the walk (6 doubles of scratch). */
typedef struct {
    double                    iz;           /* z and o of the feature */
    double                    io;           /* before this node */
    double                    share;        /* product of cover shares */
    uint32_t                  node;
    uint32_t                  len;          /* path elements */
    uint32_t                  phase;        /* 0 hot next, 1 cold, 2 up */
    uint32_t                  hot;
    uint32_t                  bucket;       /* of the node's feature */
    uint32_t                  pad;
} mlclf_xp_frame_t;


#define MLCLF_XP_ELEM   (sizeof(mlclf_xp_elem_t) / sizeof(double))
#define MLCLF_XP_FRAME  (sizeof(mlclf_xp_frame_t) / sizeof(double))

_Static_assert(sizeof(mlclf_xp_elem_t) == 4 * sizeof(double), "elem size");
_Static_assert(sizeof(mlclf_xp_frame_t) == 6 * sizeof(double),
               "frame size");


typedef struct {
    const mlclf_model_t      *m;
    const double             *x;
    double                   *phi;          /* n_outputs x (nb + 1) */
    uint32_t                  nb;           /* buckets: columns, inputs */
    uint32_t                  by_input;     /* buckets are inputs */
    uint32_t                  out;          /* gbt: the tree's output */
    uint32_t                  width;        /* elements per depth */
    mlclf_xp_elem_t          *paths;        /* width per depth */
    mlclf_xp_frame_t         *frames;
    double                   *kt;           /* kt[n width + i] =
                                               (i + 1) / (n + 1) */
    double                   *rt;           /* rt = 1 / kt */
} mlclf_xp_t;


static uint32_t mlclf_explain_depth(const mlclf_model_t *m);
static uint32_t mlclf_explain_width(const mlclf_model_t *m, uint32_t depth);
static uint32_t mlclf_explain_bucket(const mlclf_xp_t *xp, int32_t f);
static int mlclf_explain_goes_left(const mlclf_model_t *m, uint32_t n,
    double v);
static void mlclf_explain_extend(mlclf_xp_elem_t *p,
    const mlclf_xp_elem_t *q, uint32_t len, double z, double o,
    const double *kn);
static void mlclf_explain_unwind(const mlclf_xp_t *xp, mlclf_xp_elem_t *p,
    uint32_t len, uint32_t i);
static void mlclf_explain_leaf(mlclf_xp_t *xp, const mlclf_xp_elem_t *p,
    uint32_t len, uint32_t node, double share);
static void mlclf_explain_tree(mlclf_xp_t *xp, uint32_t t);
static void mlclf_explain_trees(const mlclf_model_t *m, const double *x,
    double *phi, uint32_t by_input, double *scratch);
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


/* Elements of a path: distinct features, the one for none, one to grow. */
static uint32_t
mlclf_explain_width(const mlclf_model_t *m, uint32_t depth)
{
    return (depth < m->n_features ? depth : m->n_features) + 2;
}


size_t
mlclf_explain_scratch(const mlclf_model_t *m)
{
    size_t  depth, width;

    if (m->kind == MLCLF_KIND_LOGREG) {
        return 0;
    }

    depth = mlclf_explain_depth(m);
    width = mlclf_explain_width(m, depth);

    return (depth + 1) * (width * MLCLF_XP_ELEM + MLCLF_XP_FRAME)
           + 2 * width * width;
}


/*
 * logreg: per output k, the sum of w_kj * mean_j over each input's
 * columns, then b_k plus all of them (the base).
 */
int
mlclf_explain_prepare(mlclf_model_t *m, mlclf_err_t *err)
{
    double         *row;
    uint32_t        k, i, j, end, ni, nf;
    const double   *w;

    if (m->kind != MLCLF_KIND_LOGREG || m->linear_mean == NULL) {
        return MLCLF_OK;
    }

    ni = m->n_inputs;
    nf = m->n_features;

    m->explain_base = calloc((size_t) m->n_outputs * (ni + 1),
                             sizeof(double));
    if (m->explain_base == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "cannot allocate the sums of %u inputs' "
                             "column means", ni);
    }

    for (k = 0; k < m->n_outputs; k++) {
        w = m->weights + (size_t) k * nf;
        row = m->explain_base + (size_t) k * (ni + 1);
        j = 0;

        for (i = 0; i < ni; i++) {
            end = m->inputs != NULL ? m->inputs[i].column + m->inputs[i].width
                                    : i + 1;

            for ( /* void */ ; j < end; j++) {
                row[i] += w[j] * m->linear_mean[j];
            }

            row[ni] += row[i];
        }

        row[ni] += m->bias[k];
    }

    return MLCLF_OK;
}


/* The bucket of column f: f itself, or the input whose run holds it. */
static uint32_t
mlclf_explain_bucket(const mlclf_xp_t *xp, int32_t f)
{
    uint32_t                   lo, hi, mid;
    const mlclf_file_input_t  *in;

    if (!xp->by_input || f < 0) {
        return (uint32_t) f;
    }

    in = xp->m->inputs;
    lo = 0;
    hi = xp->m->n_inputs;

    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;

        if (in[mid].column <= (uint32_t) f) {
            lo = mid;

        } else {
            hi = mid;
        }
    }

    return lo;
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


/*
 * The path q of len elements with (z, o) added, written to p (EXTEND of
 * the paper; p may be q; the caller sets the new element's feature and
 * bucket): one pass, the copy and the weights' update together.
 * kn[i] = (i + 1) / (len + 1); o is 1 or 0.
 */
static void
mlclf_explain_extend(mlclf_xp_elem_t *p, const mlclf_xp_elem_t *q,
    uint32_t len, double z, double o, const double *kn)
{
    double    w;
    uint32_t  i;

    p[len].z = z;
    p[len].o = o;
    p[len].w = len == 0 ? 1.0 : 0.0;

    if (o != 0.0) {
        for (i = len; i-- > 0; /* void */) {
            p[i] = q[i];
            w = p[i].w;
            p[i + 1].w += w * kn[i];
            p[i].w = z * w * kn[len - 1 - i];
        }

        return;
    }

    for (i = len; i-- > 0; /* void */) {
        p[i] = q[i];
        p[i].w = z * p[i].w * kn[len - 1 - i];
    }
}


/*
 * Takes element i out of a path of len elements (UNWIND of the paper):
 * the weights as if it had never been added, the elements after it
 * one place down.
 */
static void
mlclf_explain_unwind(const mlclf_xp_t *xp, mlclf_xp_elem_t *p, uint32_t len,
    uint32_t i)
{
    double         n, t, z, zr;
    uint32_t       j, l;
    const double  *kl, *rl;

    l = len - 1;
    kl = xp->kt + (size_t) l * xp->width;
    rl = xp->rt + (size_t) l * xp->width;
    n = p[l].w;
    z = p[i].z;

    if (p[i].o != 0.0) {
        for (j = l; j-- > 0; /* void */) {
            t = p[j].w;
            p[j].w = n * rl[j];
            n = t - p[j].w * z * kl[l - 1 - j];
        }

    } else {
        zr = 1.0 / z;

        for (j = l; j-- > 0; /* void */) {
            p[j].w *= rl[l - 1 - j] * zr;
        }
    }

    /* the weights stay: they are by subset size, not by element */
    for (j = i; j < l; j++) {
        p[j].z = p[j + 1].z;
        p[j].o = p[j + 1].o;
        p[j].d = p[j + 1].d;
        p[j].b = p[j + 1].b;
    }
}


/*
 * A leaf: each path feature's share of its value, and the base's.  For
 * an element the row follows (o 1), (1 - z) times the sum of the
 * weights unwind would leave, without unwinding; for one it does not
 * (o 0, z not 0: mlclf_explain_tree() enters no such child), that sum
 * is (l + 1) / z sum_j w_j / (l - j), so its share is minus the sum.
 */
static void
mlclf_explain_leaf(mlclf_xp_t *xp, const mlclf_xp_elem_t *p, uint32_t len,
    uint32_t node, double share)
{
    int                   cold;
    double                s, n, t, z, sum, off, *row;
    uint32_t              i, j, k, l, nc, stride;
    const double         *v, *kl, *rl;
    const mlclf_model_t  *m;

    m = xp->m;
    stride = xp->nb + 1;

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
        row[(size_t) k * stride + xp->nb] += share * v[k];
    }

    l = len - 1;
    kl = xp->kt + (size_t) l * xp->width;
    rl = xp->rt + (size_t) l * xp->width;
    cold = 0;
    off = 0.0;

    for (i = 1; i < len; i++) {
        if (p[i].o == 0.0) {
            if (!cold) {
                for (j = 0; j < l; j++) {
                    off -= p[j].w * rl[l - 1 - j];
                }

                cold = 1;
            }

            s = off;

        } else {
            z = p[i].z;
            n = p[l].w;
            sum = 0.0;

            for (j = l; j-- > 0; /* void */) {
                t = n * rl[j];
                sum += t;
                n = p[j].w - t * z * kl[l - 1 - j];
            }

            s = sum * (1.0 - z);
        }

        if (nc == 1) {
            row[p[i].b] += s * v[0];
            continue;
        }

        for (k = 0; k < nc; k++) {
            row[(size_t) k * stride + p[i].b] += s * v[k];
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
    uint32_t              d, k, n, len, child, cold, pb;
    mlclf_xp_elem_t      *p, *q;
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
    pb = 0;
    len = 0;
    zc = 1.0;

    for ( ;; ) {

        /* enter node n at depth d from the path of depth d - 1 */
        p = xp->paths + (size_t) d * xp->width;
        q = d != 0 ? p - xp->width : p;

        mlclf_explain_extend(p, q, len, z, o,
                             xp->kt + (size_t) len * xp->width);
        p[len].d = pf;
        p[len].b = pb;
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
            fr->bucket = mlclf_explain_bucket(xp, f);

            for (k = 1; k < len; k++) {
                if (p[k].d == f) {
                    fr->iz = p[k].z;
                    fr->io = p[k].o;
                    mlclf_explain_unwind(xp, p, len, k);
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
        pb = fr->bucket;
        len = fr->len;
        n = child;
        d++;
    }
}


/* TreeSHAP over every tree into phi[n_outputs][nb + 1]. */
static void
mlclf_explain_trees(const mlclf_model_t *m, const double *x, double *phi,
    uint32_t by_input, double *scratch)
{
    size_t       i, n;
    uint32_t     t, k, j, no, depth, stride;
    mlclf_xp_t   xp;

    no = mlclf_explain_n_outputs(m);
    xp.nb = by_input ? m->n_inputs : m->n_features;
    xp.by_input = by_input && m->inputs != NULL;
    stride = xp.nb + 1;
    n = (size_t) no * stride;

    for (i = 0; i < n; i++) {
        phi[i] = 0.0;
    }

    xp.m = m;
    xp.x = x;
    xp.phi = phi;
    xp.out = 0;
    depth = mlclf_explain_depth(m);
    xp.width = mlclf_explain_width(m, depth);
    xp.paths = (mlclf_xp_elem_t *) scratch;
    xp.frames = (mlclf_xp_frame_t *)
        (scratch + (size_t) (depth + 1) * xp.width * MLCLF_XP_ELEM);
    xp.kt = (double *) (xp.frames + depth + 1);
    xp.rt = xp.kt + (size_t) xp.width * xp.width;

    for (k = 0; k < xp.width; k++) {
        for (j = 0; j < k; j++) {
            xp.kt[(size_t) k * xp.width + j] = (j + 1.0) / (k + 1.0);
            xp.rt[(size_t) k * xp.width + j] = (k + 1.0) / (j + 1.0);
        }
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
        phi[(size_t) k * stride + xp.nb] += m->gbt_base[k];
    }

    if (m->divisor != 1.0) {
        for (i = 0; i < n; i++) {
            phi[i] /= m->divisor;
        }
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
    if (m->kind == MLCLF_KIND_LOGREG) {
        mlclf_explain_linear(m, x, phi);
        return;
    }

    mlclf_explain_trees(m, x, phi, 0, scratch);
}


void
mlclf_explain_terms(const mlclf_model_t *m, const mlclf_text_term_t *terms,
    size_t n, double *x, double *phi, double *scratch)
{
    size_t         t;
    double        *row;
    uint32_t       k, i, ni, nf, col;
    const double  *w, *base;

    ni = m->n_inputs;
    nf = m->n_features;

    if (m->kind != MLCLF_KIND_LOGREG) {
        for (t = 0; t < n; t++) {
            x[terms[t].column] = terms[t].value;
        }

        mlclf_explain_trees(m, x, phi, 1, scratch);

        for (t = 0; t < n; t++) {
            x[terms[t].column] = 0.0;
        }

        return;
    }

    /* input i: its terms' w x, less its columns' w mean */
    for (k = 0; k < m->n_outputs; k++) {
        w = m->weights + (size_t) k * nf;
        row = phi + (size_t) k * (ni + 1);
        base = m->explain_base + (size_t) k * (ni + 1);

        for (i = 0; i < ni; i++) {
            row[i] = -base[i];
        }

        row[ni] = base[ni];
        i = 0;

        for (t = 0; t < n; t++) {
            col = terms[t].column;

            if (m->inputs == NULL) {
                i = col;

            } else {
                while (i + 1 < ni && m->inputs[i + 1].column <= col) {
                    i++;
                }
            }

            row[i] += w[col] * terms[t].value;
        }
    }
}
