
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Logistic regression: L2-penalised, binary sigmoid or multinomial
 * softmax, fitted by L-BFGS on standardised features; the standardisation
 * is folded into the stored weights so the served model takes raw rows.
 *
 * Objective, on standardised features s_i = (x_i - mean) / std (std over
 * the train rows, population form; a constant feature keeps std 1):
 *
 *     F(W, b) = (1/n) * ( sum_i -log P(y_i | s_i) + (l2 / 2) * ||W||^2 )
 *
 * with P = sigmoid(w.s + b) for two classes (one output, P(class 1)) and
 * P = softmax(W s + b) over n_classes outputs otherwise; the bias is not
 * penalised.  The minimiser is that of scikit-learn's LogisticRegression
 * (C = 1 / l2) fitted on StandardScaler output; dividing by n only makes
 * the stopping rule (max |dF| <= tol) independent of the data set size.
 *
 * Rows are processed in blocks that fit in cache, gathered and
 * standardised into a per-thread buffer (no copy of X is kept).  A
 * model with raw inputs has sparse rows (text columns, one-hot
 * categories): they are only scaled, by 1 / max |x| of each column
 * (centring would fill them in), and each score and gradient runs
 * over a row's terms.  The
 * blocks form at most MLCLF_TRAIN_LR_CHUNKS fixed chunks, each summing
 * into its own slot, and the slots are added in chunk order: the result
 * does not depend on the number of threads.
 */


#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>
#include <mlclf_fanout.h>
#include <mlclf_train_blas.h>


#define MLCLF_TRAIN_LR_BLOCK    1024    /* rows per block, at most */
#define MLCLF_TRAIN_LR_CELLS    262144  /* block rows x features */
#define MLCLF_TRAIN_LR_CHUNKS   64      /* gradient partial sums */
#define MLCLF_TRAIN_LR_SPARSE_CHUNKS  8 /* of a sparse model's wide ones */
#define MLCLF_TRAIN_LR_HISTORY  10      /* L-BFGS correction pairs */
#define MLCLF_TRAIN_LR_SEARCH   30      /* line search trials */


typedef struct mlclf_train_lr_ctx_s  mlclf_train_lr_ctx_t;

typedef struct {
    mlclf_train_lr_ctx_t     *ctx;
    size_t                    id;
    double                   *xb;           /* block x p, standardised */
    double                   *zb;           /* block x k: scores, then G */
} mlclf_train_lr_worker_t;


/*
 * The L-BFGS correction pairs: a ring of the last n of at most
 * MLCLF_TRAIN_LR_HISTORY (s, y) pairs, head the slot of the next one.
 */
typedef struct {
    size_t                    m;            /* parameters */
    size_t                    n;
    size_t                    head;
    double                   *s;            /* HISTORY x m: steps */
    double                   *y;            /* HISTORY x m: dF changes */
    double                   *rho;          /* HISTORY: 1 / s.y */
    double                   *al;           /* HISTORY: recursion scratch */
} mlclf_train_lr_hist_t;


struct mlclf_train_lr_ctx_s {
    const mlclf_train_data_t *d;
    const size_t             *rows;
    size_t                    n;
    size_t                    p;            /* features */
    size_t                    k;            /* outputs */
    size_t                    m;            /* parameters: k * p + k */
    size_t                    block;        /* rows per block */
    size_t                    n_blocks;
    size_t                    n_chunks;
    size_t                    n_threads;
    double                    l2;
    const double             *mean;
    const double             *scale;        /* 1 / std */
    const double             *theta;        /* W (k x p), then b (k) */
    double                   *chunk_loss;   /* n_chunks */
    double                   *chunk_grad;   /* n_chunks x m */
    mlclf_train_lr_worker_t  *workers;
};


static void *mlclf_train_lr_work(void *arg);
static void mlclf_train_lr_block(mlclf_train_lr_worker_t *w, size_t j,
    double *g, double *loss);
static void mlclf_train_lr_scores(mlclf_train_lr_worker_t *w, size_t r0,
    size_t nr);
static void mlclf_train_lr_sparse_grad(mlclf_train_lr_worker_t *w,
    size_t r0, size_t nr, double *g);
static void mlclf_train_lr_sparse_mean(const mlclf_train_data_t *d,
    const size_t *rows, size_t n, double *mean);
static void mlclf_train_lr_maxabs_scale(const mlclf_train_data_t *d,
    const size_t *rows, size_t n, double *scale);
static int mlclf_train_lr_eval(mlclf_train_lr_ctx_t *ctx,
    const double *theta, double *f, double *g);
static double mlclf_train_lr_maxabs(const double *v, size_t m);
static void mlclf_train_lr_direction(mlclf_train_lr_hist_t *hs,
    const double *g, double *dir);
static void mlclf_train_lr_remember(mlclf_train_lr_hist_t *hs,
    const double *theta, const double *xn, const double *g,
    const double *gn);
static int mlclf_train_lr_lbfgs(mlclf_train_lr_ctx_t *ctx, double *theta,
    uint32_t max_iter, double tol, uint32_t *iterations, mlclf_err_t *err);
static int mlclf_train_lr_moments(const mlclf_train_data_t *d,
    const size_t *rows, size_t n, double *mean, double *scale);
static void mlclf_train_lr_plan(mlclf_train_lr_ctx_t *ctx,
    const mlclf_train_config_t *cf);
static void mlclf_train_lr_priors(const mlclf_train_lr_ctx_t *ctx,
    size_t *count, double *theta);
static void mlclf_train_lr_fold(const mlclf_train_lr_ctx_t *ctx,
    double *theta, double *w, double *b);


static void *
mlclf_train_lr_work(void *arg)
{
    mlclf_train_lr_worker_t  *w = arg;

    size_t                    c, j, hi;
    double                   *g, *loss;
    mlclf_train_lr_ctx_t     *ctx;

    ctx = w->ctx;

    for (c = w->id; c < ctx->n_chunks; c += ctx->n_threads) {
        g = ctx->chunk_grad + c * ctx->m;
        loss = &ctx->chunk_loss[c];

        memset(g, 0, ctx->m * sizeof(double));
        *loss = 0.0;

        hi = ctx->n_blocks * (c + 1) / ctx->n_chunks;

        for (j = ctx->n_blocks * c / ctx->n_chunks; j < hi; j++) {
            mlclf_train_lr_block(w, j, g, loss);
        }
    }

    return NULL;
}


/* Adds loss and gradient (sums, unpenalised) of block j to *loss, g. */
static void
mlclf_train_lr_block(mlclf_train_lr_worker_t *w, size_t j, double *g,
    double *lossp)
{
    size_t                 i, c, f, r0, nr, p, k, y;
    double                 loss, z, mx, lse, *xb, *zb, *row;
    const double          *src;
    mlclf_train_lr_ctx_t  *ctx;

    ctx = w->ctx;
    p = ctx->p;
    k = ctx->k;
    xb = w->xb;
    zb = w->zb;

    r0 = j * ctx->block;
    nr = ctx->n - r0;
    if (nr > ctx->block) {
        nr = ctx->block;
    }

    if (ctx->d->sp_ptr != NULL) {
        mlclf_train_lr_scores(w, r0, nr);

    } else {
        for (i = 0; i < nr; i++) {
            src = ctx->d->x + ctx->rows[r0 + i] * p;
            row = xb + i * p;

            for (f = 0; f < p; f++) {
                row[f] = (src[f] - ctx->mean[f]) * ctx->scale[f];
            }
        }

        /* Z = S W^T */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int) nr,
                    (int) k, (int) p, 1.0, xb, (int) p, ctx->theta, (int) p,
                    0.0, zb, (int) k);
    }

    loss = 0.0;

    for (i = 0; i < nr; i++) {
        y = ctx->d->y[ctx->rows[r0 + i]];
        row = zb + i * k;

        if (k == 1) {
            z = row[0] + ctx->theta[p];

            /* log(1 + e^z) - y z, and dL/dz = sigmoid(z) - y */
            if (z > 0) {
                loss += z + log1p(exp(-z)) - (y ? z : 0.0);
                row[0] = 1.0 / (1.0 + exp(-z)) - (double) y;

            } else {
                loss += log1p(exp(z)) - (y ? z : 0.0);
                mx = exp(z);
                row[0] = mx / (1.0 + mx) - (double) y;
            }

            g[p] += row[0];
            continue;
        }

        mx = -HUGE_VAL;
        for (c = 0; c < k; c++) {
            row[c] += ctx->theta[k * p + c];
            if (row[c] > mx) {
                mx = row[c];
            }
        }

        lse = exp(row[0] - mx);
        for (c = 1; c < k; c++) {
            lse += exp(row[c] - mx);
        }

        lse = mx + log(lse);
        loss += lse - row[y];

        for (c = 0; c < k; c++) {
            row[c] = exp(row[c] - lse) - (c == y ? 1.0 : 0.0);
            g[k * p + c] += row[c];
        }
    }

    if (ctx->d->sp_ptr != NULL) {
        mlclf_train_lr_sparse_grad(w, r0, nr, g);

    } else {
        /* dW += G^T S */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int) k,
                    (int) p, (int) nr, 1.0, zb, (int) k, xb, (int) p, 1.0, g,
                    (int) p);
    }

    *lossp += loss;
}


/* Z = S W^T for sparse rows r0 .. r0 + nr: over each row's terms. */
static void
mlclf_train_lr_scores(mlclf_train_lr_worker_t *w, size_t r0, size_t nr)
{
    size_t                     i, c, t, r, p, k;
    double                     z;
    const double              *theta;
    mlclf_train_lr_ctx_t      *ctx;
    const mlclf_text_term_t   *terms;

    ctx = w->ctx;
    p = ctx->p;
    k = ctx->k;
    theta = ctx->theta;
    terms = ctx->d->sp_terms;

    for (i = 0; i < nr; i++) {
        r = ctx->rows[r0 + i];

        for (c = 0; c < k; c++) {
            z = 0.0;

            for (t = ctx->d->sp_ptr[r]; t < ctx->d->sp_ptr[r + 1]; t++) {
                z += theta[c * p + terms[t].column]
                     * (terms[t].value * ctx->scale[terms[t].column]);
            }

            w->zb[i * k + c] = z;
        }
    }
}


/* dW += G^T S for sparse rows: each term adds to its column only. */
static void
mlclf_train_lr_sparse_grad(mlclf_train_lr_worker_t *w, size_t r0,
    size_t nr, double *g)
{
    size_t                     i, c, t, r, p, k;
    double                     gi;
    mlclf_train_lr_ctx_t      *ctx;
    const mlclf_text_term_t   *terms;

    ctx = w->ctx;
    p = ctx->p;
    k = ctx->k;
    terms = ctx->d->sp_terms;

    for (i = 0; i < nr; i++) {
        r = ctx->rows[r0 + i];

        for (c = 0; c < k; c++) {
            gi = w->zb[i * k + c];

            for (t = ctx->d->sp_ptr[r]; t < ctx->d->sp_ptr[r + 1]; t++) {
                g[c * p + terms[t].column] +=
                    gi * (terms[t].value * ctx->scale[terms[t].column]);
            }
        }
    }
}


/* F and dF at theta (see the file comment). */
static int
mlclf_train_lr_eval(mlclf_train_lr_ctx_t *ctx, const double *theta,
    double *f, double *g)
{
    size_t      j, kp;
    double      loss, inv;

    ctx->theta = theta;

    mlclf_fanout(mlclf_train_lr_work, ctx->workers,
                 sizeof(ctx->workers[0]), ctx->n_threads);

    kp = ctx->k * ctx->p;
    loss = 0.0;
    memset(g, 0, ctx->m * sizeof(double));

    for (j = 0; j < ctx->n_chunks; j++) {
        loss += ctx->chunk_loss[j];
        cblas_daxpy((int) ctx->m, 1.0, ctx->chunk_grad + j * ctx->m, 1, g,
                    1);
    }

    loss += 0.5 * ctx->l2 * cblas_ddot((int) kp, theta, 1, theta, 1);
    cblas_daxpy((int) kp, ctx->l2, theta, 1, g, 1);

    inv = 1.0 / (double) ctx->n;
    cblas_dscal((int) ctx->m, inv, g, 1);
    *f = loss * inv;

    return MLCLF_OK;
}


static double
mlclf_train_lr_maxabs(const double *v, size_t m)
{
    size_t  i;
    double  a;

    a = 0.0;

    for (i = 0; i < m; i++) {
        if (fabs(v[i]) > a) {
            a = fabs(v[i]);
        }
    }

    return a;
}


/* dir = -H g, H the inverse Hessian estimate: the two-loop recursion. */
static void
mlclf_train_lr_direction(mlclf_train_lr_hist_t *hs, const double *g,
    double *dir)
{
    int      mi;
    size_t   m, h, q;
    double   a, yy, gamma;

    m = hs->m;
    mi = (int) m;

    cblas_dcopy(mi, g, 1, dir, 1);

    for (h = 0; h < hs->n; h++) {
        q = (hs->head + MLCLF_TRAIN_LR_HISTORY - 1 - h)
            % MLCLF_TRAIN_LR_HISTORY;

        hs->al[q] = hs->rho[q] * cblas_ddot(mi, hs->s + q * m, 1, dir, 1);
        cblas_daxpy(mi, -hs->al[q], hs->y + q * m, 1, dir, 1);
    }

    if (hs->n > 0) {
        h = (hs->head + MLCLF_TRAIN_LR_HISTORY - 1) % MLCLF_TRAIN_LR_HISTORY;
        yy = cblas_ddot(mi, hs->y + h * m, 1, hs->y + h * m, 1);
        gamma = 1.0 / (hs->rho[h] * yy);
        cblas_dscal(mi, gamma, dir, 1);
    }

    for (h = hs->n; h > 0; h--) {
        q = (hs->head + MLCLF_TRAIN_LR_HISTORY - h)
            % MLCLF_TRAIN_LR_HISTORY;

        a = hs->rho[q] * cblas_ddot(mi, hs->y + q * m, 1, dir, 1);
        cblas_daxpy(mi, hs->al[q] - a, hs->s + q * m, 1, dir, 1);
    }

    cblas_dscal(mi, -1.0, dir, 1);
}


/*
 * The pair of the step from theta to xn: s = xn - theta, y = gn - g,
 * kept only if the curvature s.y is safely positive.
 */
static void
mlclf_train_lr_remember(mlclf_train_lr_hist_t *hs, const double *theta,
    const double *xn, const double *g, const double *gn)
{
    int      mi;
    size_t   m, h;
    double   sy, yy;

    m = hs->m;
    mi = (int) m;
    h = hs->head;

    cblas_dcopy(mi, xn, 1, hs->s + h * m, 1);
    cblas_daxpy(mi, -1.0, theta, 1, hs->s + h * m, 1);
    cblas_dcopy(mi, gn, 1, hs->y + h * m, 1);
    cblas_daxpy(mi, -1.0, g, 1, hs->y + h * m, 1);

    sy = cblas_ddot(mi, hs->s + h * m, 1, hs->y + h * m, 1);
    yy = cblas_ddot(mi, hs->y + h * m, 1, hs->y + h * m, 1);

    if (sy > 1e-10 * yy && sy > 0.0) {
        hs->rho[h] = 1.0 / sy;
        hs->head = (hs->head + 1) % MLCLF_TRAIN_LR_HISTORY;
        if (hs->n < MLCLF_TRAIN_LR_HISTORY) {
            hs->n++;
        }
    }
}


/*
 * L-BFGS with a backtracking (Armijo, safeguarded quadratic
 * interpolation) line search.  Stops when max |dF| <= tol, when F stops
 * decreasing (relative change below 64 eps, as scikit-learn asks of
 * scipy), when no step decreases F, or after max_iter iterations.
 */
static int
mlclf_train_lr_lbfgs(mlclf_train_lr_ctx_t *ctx, double *theta,
    uint32_t max_iter, double tol, uint32_t *iterations, mlclf_err_t *err)
{
    int                     rc, mi;
    size_t                  m, h, tries;
    double                  f, fn, gd, alpha, a, denom, *buf, *g, *gn,
                           *xn, *dir;
    uint32_t                it;
    mlclf_train_lr_hist_t   hs;

    m = ctx->m;
    mi = (int) m;
    h = MLCLF_TRAIN_LR_HISTORY;

    buf = malloc((4 * m + 2 * h * m + 2 * h) * sizeof(double));
    if (buf == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    g = buf;
    gn = g + m;
    xn = gn + m;
    dir = xn + m;

    hs.m = m;
    hs.n = 0;
    hs.head = 0;
    hs.s = dir + m;
    hs.y = hs.s + h * m;
    hs.rho = hs.y + h * m;
    hs.al = hs.rho + h;

    it = 0;

    rc = mlclf_train_lr_eval(ctx, theta, &f, g);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    while (it < max_iter && mlclf_train_lr_maxabs(g, m) > tol) {

        mlclf_train_lr_direction(&hs, g, dir);

        gd = cblas_ddot(mi, g, 1, dir, 1);

        if (!(gd < 0.0)) {
            /* not a descent direction: forget the history */
            hs.n = 0;
            cblas_dcopy(mi, g, 1, dir, 1);
            cblas_dscal(mi, -1.0, dir, 1);
            gd = -cblas_ddot(mi, g, 1, g, 1);
        }

        alpha = 1.0;
        if (hs.n == 0) {
            a = sqrt(-gd);
            alpha = a > 1.0 ? 1.0 / a : 1.0;
        }

        for (tries = 0; tries < MLCLF_TRAIN_LR_SEARCH; tries++) {
            cblas_dcopy(mi, theta, 1, xn, 1);
            cblas_daxpy(mi, alpha, dir, 1, xn, 1);

            rc = mlclf_train_lr_eval(ctx, xn, &fn, gn);
            if (rc != MLCLF_OK) {
                goto failed;
            }

            if (isfinite(fn) && fn <= f + 1e-4 * alpha * gd) {
                break;
            }

            /* minimiser of the quadratic through f, gd and fn */
            denom = 2.0 * (fn - f - gd * alpha);
            a = isfinite(fn) && denom > 0 ? -gd * alpha * alpha / denom
                                          : 0.1 * alpha;
            if (a < 0.1 * alpha) {
                a = 0.1 * alpha;
            }

            if (a > 0.5 * alpha) {
                a = 0.5 * alpha;
            }

            alpha = a;
        }

        if (tries == MLCLF_TRAIN_LR_SEARCH) {
            break;
        }

        it++;

        mlclf_train_lr_remember(&hs, theta, xn, g, gn);

        cblas_dcopy(mi, xn, 1, theta, 1);
        cblas_dcopy(mi, gn, 1, g, 1);

        a = fabs(f) > fabs(fn) ? fabs(f) : fabs(fn);
        if (a < 1.0) {
            a = 1.0;
        }

        denom = f - fn;
        f = fn;

        if (denom <= 64 * DBL_EPSILON * a) {
            break;
        }
    }

    *iterations = it;
    free(buf);

    return MLCLF_OK;

failed:

    free(buf);

    return mlclf_err_set(err, rc, "logistic regression: out of memory");
}


/*
 * Sparse rows: mean 0 and 1 / max |x| of each column over the train
 * rows (1 for a column that is 0 there), as scikit-learn's MaxAbsScaler.
 */
static void
mlclf_train_lr_maxabs_scale(const mlclf_train_data_t *d, const size_t *rows,
    size_t n, double *scale)
{
    size_t    i, t, f;
    double    a;

    for (f = 0; f < d->n_features; f++) {
        scale[f] = 0.0;
    }

    for (i = 0; i < n; i++) {
        for (t = d->sp_ptr[rows[i]]; t < d->sp_ptr[rows[i] + 1]; t++) {
            a = fabs(d->sp_terms[t].value);
            f = d->sp_terms[t].column;

            if (a > scale[f]) {
                scale[f] = a;
            }
        }
    }

    for (f = 0; f < d->n_features; f++) {
        scale[f] = scale[f] > 0.0 ? 1.0 / scale[f] : 1.0;
    }
}


/*
 * Sparse rows: each column's mean over the train rows, which the model
 * keeps for explanations (LINEAR_MEAN), not for scaling.
 */
static void
mlclf_train_lr_sparse_mean(const mlclf_train_data_t *d, const size_t *rows,
    size_t n, double *mean)
{
    size_t  i, t, f;

    for (i = 0; i < n; i++) {
        for (t = d->sp_ptr[rows[i]]; t < d->sp_ptr[rows[i] + 1]; t++) {
            if (!isnan(d->sp_terms[t].value)) {
                mean[d->sp_terms[t].column] += d->sp_terms[t].value;
            }
        }
    }

    for (f = 0; f < d->n_features; f++) {
        mean[f] /= (double) n;
    }
}


/* Means and 1/std of the train rows, two passes for accuracy. */
static int
mlclf_train_lr_moments(const mlclf_train_data_t *d, const size_t *rows,
    size_t n, double *mean, double *scale)
{
    size_t         i, f, p;
    double         v, *acc;
    const double  *x;

    p = d->n_features;

    if (d->sp_ptr != NULL) {
        mlclf_train_lr_maxabs_scale(d, rows, n, scale);
        return MLCLF_OK;
    }

    acc = calloc(p, sizeof(double));
    if (acc == NULL) {
        return MLCLF_ENOMEM;
    }

    for (i = 0; i < n; i++) {
        x = d->x + rows[i] * p;
        for (f = 0; f < p; f++) {
            acc[f] += x[f];
        }
    }

    for (f = 0; f < p; f++) {
        mean[f] = acc[f] / (double) n;
        acc[f] = 0.0;
    }

    for (i = 0; i < n; i++) {
        x = d->x + rows[i] * p;
        for (f = 0; f < p; f++) {
            v = x[f] - mean[f];
            acc[f] += v * v;
        }
    }

    for (f = 0; f < p; f++) {
        v = sqrt(acc[f] / (double) n);

        /* constant up to rounding of the mean: leave it unscaled */
        scale[f] = v > 10 * DBL_EPSILON * (fabs(mean[f]) > 1 ? fabs(mean[f])
                                                             : 1.0)
                   ? 1.0 / v : 1.0;
    }

    free(acc);

    return MLCLF_OK;
}


/*
 * Blocks, chunks and threads for ctx->n rows of ctx->p features: a
 * block of many features gets fewer rows, so that its buffer stays
 * small; there are never more threads than chunks.
 */
static void
mlclf_train_lr_plan(mlclf_train_lr_ctx_t *ctx,
    const mlclf_train_config_t *cf)
{
    size_t  nt, chunks;

    chunks = MLCLF_TRAIN_LR_CHUNKS;
    ctx->block = MLCLF_TRAIN_LR_CELLS / ctx->p;
    if (ctx->block > MLCLF_TRAIN_LR_BLOCK) {
        ctx->block = MLCLF_TRAIN_LR_BLOCK;
    }

    if (ctx->block < 16) {
        ctx->block = 16;
    }

    if (ctx->d->sp_ptr != NULL) {
        /* no block buffer of p columns; fewer, wide gradient sums */
        ctx->block = MLCLF_TRAIN_LR_BLOCK;
        chunks = MLCLF_TRAIN_LR_SPARSE_CHUNKS;
    }

    ctx->n_blocks = (ctx->n + ctx->block - 1) / ctx->block;
    ctx->n_chunks = ctx->n_blocks < chunks ? ctx->n_blocks : chunks;

    nt = cf->n_threads ? cf->n_threads : mlclf_train_ncpu();
    if (nt > ctx->n_chunks) {
        nt = ctx->n_chunks;
    }

    ctx->n_threads = nt;
}


/*
 * The starting point, the class priors: W = 0 (theta is zeroed), b the
 * log-odds (two classes) or the log-priors; count[n_classes] is zeroed
 * scratch.
 */
static void
mlclf_train_lr_priors(const mlclf_train_lr_ctx_t *ctx, size_t *count,
    double *theta)
{
    size_t                     i, c, p, k;
    double                     prior;
    const mlclf_train_data_t  *d;

    d = ctx->d;
    p = ctx->p;
    k = ctx->k;

    for (i = 0; i < ctx->n; i++) {
        count[d->y[ctx->rows[i]]]++;
    }

    for (c = 0; c < d->n_classes; c++) {
        prior = ((double) count[c] + 0.5) / ((double) ctx->n + 1.0);

        if (k == 1) {
            if (c == 1) {
                theta[p] = log(prior) - log(1.0 - prior);
            }

        } else {
            theta[k * p + c] = log(prior);
        }
    }
}


/*
 * The fitted theta into the stored weights w (k x p) and biases b (k),
 * which take raw rows.
 */
static void
mlclf_train_lr_fold(const mlclf_train_lr_ctx_t *ctx, double *theta,
    double *w, double *b)
{
    size_t  c, f, p, k;
    double  shift;

    p = ctx->p;
    k = ctx->k;

    /*
     * Softmax ignores a shift common to every bias and the bias is not
     * penalised: centre them (as scikit-learn's solution is) so equal
     * data give equal numbers.
     */

    if (k > 1) {
        shift = 0.0;
        for (c = 0; c < k; c++) {
            shift += theta[k * p + c];
        }

        shift /= (double) k;
        for (c = 0; c < k; c++) {
            theta[k * p + c] -= shift;
        }
    }

    /* fold: w' = w / std, b' = b - sum w mean / std */

    for (c = 0; c < k; c++) {
        b[c] = theta[k * p + c];

        for (f = 0; f < p; f++) {
            w[c * p + f] = theta[c * p + f] * ctx->scale[f];
            b[c] -= theta[c * p + f] * ctx->scale[f] * ctx->mean[f];
        }
    }
}


int
mlclf_train_lr(mlclf_train_model_t *out, const mlclf_train_config_t *cf,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err)
{
    int                    rc, saved;
    size_t                 i, p, k, nt, xw, *count;
    double                 t0, *theta, *mean, *scale, *w, *b, *work;
    const char           **names;
    mlclf_train_lr_ctx_t   ctx;

    memset(out, 0, sizeof(mlclf_train_model_t));
    t0 = mlclf_train_now();

    p = d->n_features;

    if (n == 0 || p == 0 || d->n_classes < 2) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "logistic regression needs rows, features and "
                             "two classes or more (got %zu rows, %zu "
                             "features, %zu classes)", n, p, d->n_classes);
    }

    k = d->n_classes == 2 ? 1 : d->n_classes;

    memset(&ctx, 0, sizeof(mlclf_train_lr_ctx_t));
    ctx.d = d;
    ctx.rows = rows;
    ctx.n = n;
    ctx.p = p;
    ctx.k = k;
    ctx.m = k * p + k;
    ctx.l2 = cf->l2;

    mlclf_train_lr_plan(&ctx, cf);
    nt = ctx.n_threads;

    theta = calloc(ctx.m, sizeof(double));
    mean = calloc(p, sizeof(double));
    scale = calloc(p, sizeof(double));
    w = calloc(k * p, sizeof(double));
    b = calloc(k, sizeof(double));
    names = calloc(p, sizeof(char *));
    count = calloc(d->n_classes, sizeof(size_t));
    ctx.chunk_loss = calloc(ctx.n_chunks, sizeof(double));
    ctx.chunk_grad = calloc(ctx.n_chunks * ctx.m, sizeof(double));
    ctx.workers = calloc(nt, sizeof(mlclf_train_lr_worker_t));
    xw = d->sp_ptr != NULL ? 0 : p;
    work = calloc(nt * ctx.block * (xw + k), sizeof(double));

    out->mem[0] = w;
    out->mem[1] = b;
    out->mem[2] = names;
    out->mem[3] = mean;

    if (theta == NULL || mean == NULL || scale == NULL || w == NULL
        || b == NULL || names == NULL || count == NULL
        || ctx.chunk_loss == NULL || ctx.chunk_grad == NULL
        || ctx.workers == NULL || work == NULL)
    {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto failed;
    }

    for (i = 0; i < nt; i++) {
        ctx.workers[i].ctx = &ctx;
        ctx.workers[i].id = i;
        ctx.workers[i].xb = work + i * ctx.block * (xw + k);
        ctx.workers[i].zb = ctx.workers[i].xb + ctx.block * xw;
    }

    rc = mlclf_train_lr_moments(d, rows, n, mean, scale);
    if (rc != MLCLF_OK) {
        rc = mlclf_err_set(err, rc, "out of memory");
        goto failed;
    }

    ctx.mean = mean;
    ctx.scale = scale;

    mlclf_train_lr_priors(&ctx, count, theta);

    /* our threads split the rows; each BLAS call stays single-threaded */
    saved = mlclf_train_blas_threads();
    mlclf_train_blas_set_threads(1);

    rc = mlclf_train_lr_lbfgs(&ctx, theta, cf->max_iter, cf->tol,
                              &out->iterations, err);

    mlclf_train_blas_set_threads(saved);

    if (rc != MLCLF_OK) {
        goto failed;
    }

    mlclf_train_lr_fold(&ctx, theta, w, b);

    mlclf_train_model_names(out, cf, names, p);

    out->spec.kind = MLCLF_KIND_LOGREG;
    out->spec.n_features = (uint32_t) p;
    out->spec.n_classes = (uint32_t) d->n_classes;
    out->spec.class_labels = (const char *const *) d->classes;
    out->spec.n_outputs = (uint32_t) k;
    out->spec.weights = w;
    out->spec.bias = b;

    /*
     * the training mean of each column, for explanations (LINEAR_MEAN):
     * sparse rows were not centred, so their means are made here
     */
    if (d->sp_ptr != NULL) {
        memset(mean, 0, p * sizeof(double));
        mlclf_train_lr_sparse_mean(d, rows, n, mean);
    }

    out->spec.linear_mean = mean;

    rc = MLCLF_OK;

failed:

    free(theta);
    free(scale);
    free(count);
    free(ctx.chunk_loss);
    free(ctx.chunk_grad);
    free(ctx.workers);
    free(work);

    if (rc != MLCLF_OK) {
        mlclf_train_model_free(out);
        return rc;
    }

    out->fit_seconds = mlclf_train_now() - t0;

    return MLCLF_OK;
}
