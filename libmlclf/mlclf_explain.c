
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
 * 2018), with each node's cover (NODE_COVER) as the weight of the rows
 * that reach it.  The walk keeps, for the path from the root to the
 * node at hand, one element per distinct feature on it: the fraction z
 * of the cover that the path's splits on that feature keep, and
 * whether the row itself follows them (o, 1 or 0).  A leaf of value v
 * whose path has the M features F is the game f(S) = v prod_{e in S}
 * o_e prod_{e not in S} z_e, whose Shapley value for feature i is
 *
 *   v (o_i - z_i) sum_{S in F - i} |S|! (M - 1 - |S|)! / M!
 *                 prod_{e in S} o_e prod_{e in F - S - i} z_e
 *   = v (o_i - z_i) integral_0^1 prod_{e != i} (z_e + (o_e - z_e) t) dt
 *
 * (the Shapley weight is the Beta integral of t^|S| (1 - t)^(M-1-|S|)).
 * The integrand is a polynomial of degree M - 1, which Gauss-Legendre
 * quadrature of ceil(M / 2) points integrates exactly; each factor is
 * in [0, 1] on [0, 1], so that the products lose nothing however deep
 * the path, where the extend and unwind recurrences of the paper's
 * Algorithm 2 cancel (1e-4 of a probability on fully grown forests).
 * The products without factor i come from a prefix and a suffix
 * product, no division.  The points and weights for every count up to
 * the deepest path are made at load (mlclf_explain_prepare()).  The
 * recursion of the paper is a loop here, over one frame per depth, so
 * that a deep tree needs scratch, not stack.
 *
 * By input, an element carries its column's bucket (its input), and the
 * leaf adds into it: Shapley values are additive, so an input's value
 * is its columns' sum, and no per-column array is needed however wide
 * the model.
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


/* One element of a path (3 doubles of scratch). */
typedef struct {
    double                    z;            /* cover fraction kept */
    double                    dz;           /* o - z, o 1: the row goes
                                               there */
    int32_t                   d;            /* feature */
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

/* Newton steps for a Gauss-Legendre point, far more than it takes */
#define MLCLF_XP_NEWTON  100

_Static_assert(sizeof(mlclf_xp_elem_t) == 3 * sizeof(double), "elem size");
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
    double                   *acc;          /* width: each integral */
    double                   *g;            /* width: the factors at t */
    double                   *suf;          /* width: their suffixes */
} mlclf_xp_t;


static uint32_t mlclf_explain_depth(const mlclf_model_t *m);
static uint32_t mlclf_explain_width(const mlclf_model_t *m, uint32_t depth);
static void mlclf_explain_gauss(double *gl, uint32_t n);
static uint32_t mlclf_explain_bucket(const mlclf_xp_t *xp, int32_t f);
static int mlclf_explain_goes_left(const mlclf_model_t *m, uint32_t n,
    double v);
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


/* Elements of a path: its distinct features, and one to spare. */
static uint32_t
mlclf_explain_width(const mlclf_model_t *m, uint32_t depth)
{
    return (depth < m->n_features ? depth : m->n_features) + 1;
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
           + 3 * width;
}


/*
 * logreg: per output k, the sum of w_kj * mean_j over each input's
 * columns, then b_k plus all of them (the base).  Trees: the
 * Gauss-Legendre points of every count n up to half the widest path,
 * at explain_gl + n (n - 1).
 */
int
mlclf_explain_prepare(mlclf_model_t *m, mlclf_err_t *err)
{
    double         *row;
    uint32_t        k, i, j, end, ni, nf, q;
    const double   *w;

    if (m->kind != MLCLF_KIND_LOGREG) {
        if (m->node_cover == NULL) {
            return MLCLF_OK;
        }

        q = (mlclf_explain_width(m, mlclf_explain_depth(m)) + 1) / 2;

        m->explain_gl = malloc((size_t) q * (q + 1) * sizeof(double));
        if (m->explain_gl == NULL) {
            return mlclf_err_set(err, MLCLF_ENOMEM,
                                 "cannot allocate %u quadrature rules", q);
        }

        for (k = 1; k <= q; k++) {
            mlclf_explain_gauss(m->explain_gl + (size_t) k * (k - 1), k);
        }

        return MLCLF_OK;
    }

    if (m->linear_mean == NULL) {
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


/*
 * The n points of Gauss-Legendre quadrature on [0, 1] in gl[0, n) and
 * their weights in gl[n, 2n): the roots of the Legendre polynomial P_n
 * by Newton's method from the usual cosine guesses, the weights
 * 2 / ((1 - x^2) P_n'(x)^2), both mapped from [-1, 1].
 */
static void
mlclf_explain_gauss(double *gl, uint32_t n)
{
    double    x, p0, p1, p2, dp, dx;
    uint32_t  i, k, it;

    for (i = 0; i < n; i++) {
        x = cos(M_PI * (i + 0.75) / (n + 0.5));
        dp = 1.0;

        for (it = 0; it <= MLCLF_XP_NEWTON; it++) {
            p0 = 1.0;
            p1 = x;

            for (k = 2; k <= n; k++) {
                p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }

            dp = n * (x * p1 - p0) / (x * x - 1.0);

            if (it == MLCLF_XP_NEWTON) {
                break;
            }

            dx = p1 / dp;
            x -= dx;

            if (fabs(dx) <= 1e-16) {
                /* once more at the root, for dp */
                it = MLCLF_XP_NEWTON - 1;
            }
        }

        gl[i] = (1.0 - x) / 2.0;
        gl[n + i] = 1.0 / ((1.0 - x * x) * dp * dp);
    }
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
 * A leaf: the base's share of its value, and each path feature's, the
 * integral of the product of the others' factors z + (o - z) t by
 * Gauss-Legendre quadrature of ceil(len / 2) points (exact for the
 * degree len - 1); the weight rides in the suffix product.
 */
static void
mlclf_explain_leaf(mlclf_xp_t *xp, const mlclf_xp_elem_t *p, uint32_t len,
    uint32_t node, double share)
{
    double               s, t, run, pre, *row, *acc, *g, *suf;
    uint32_t             e, i, k, q, nc, stride;
    const double        *v, *gl;
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

    if (len == 0) {
        return;
    }

    acc = xp->acc;
    g = xp->g;
    suf = xp->suf;
    q = (len + 1) / 2;
    gl = m->explain_gl + (size_t) q * (q - 1);

    for (e = 0; e < len; e++) {
        acc[e] = 0.0;
    }

    for (i = 0; i < q; i++) {
        t = gl[i];
        run = gl[q + i];

        for (e = len; e-- > 0; /* void */) {
            g[e] = p[e].z + p[e].dz * t;
            suf[e] = run;
            run *= g[e];
        }

        pre = 1.0;

        for (e = 0; e < len; e++) {
            acc[e] += pre * suf[e];
            pre *= g[e];
        }
    }

    for (e = 0; e < len; e++) {
        s = acc[e] * p[e].dz;

        if (nc == 1) {
            row[p[e].b] += s * v[0];
            continue;
        }

        for (k = 0; k < nc; k++) {
            row[(size_t) k * stride + p[e].b] += s * v[k];
        }
    }
}


/*
 * One tree, depth first.  Frame d holds the node at depth d and, in
 * paths[d], its path once its own feature is taken out again: what its
 * children add to.
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

        if (d != 0) {
            q = p - xp->width;

            for (k = 0; k < len; k++) {
                p[k] = q[k];
            }
        }

        if (pf >= 0) {
            p[len].z = z;
            p[len].dz = o - z;
            p[len].d = pf;
            p[len].b = pb;
            len++;
        }

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

            for (k = 0; k < len; k++) {
                if (p[k].d == f) {
                    fr->iz = p[k].z;
                    fr->io = p[k].z + p[k].dz > 0.5 ? 1.0 : 0.0;
                    len--;
                    memmove(p + k, p + k + 1,
                            (len - k) * sizeof(mlclf_xp_elem_t));
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
    uint32_t     t, k, no, depth, stride;
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
    xp.acc = (double *) (xp.frames + depth + 1);
    xp.g = xp.acc + xp.width;
    xp.suf = xp.g + xp.width;

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
