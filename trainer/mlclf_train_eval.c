
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Evaluation: every row goes through mlclf_predict_proba() on the loaded
 * model (a model with raw inputs: its terms through mlclf_predict_terms()),
 * the kernel NGINX serves with, so the shipped metrics are the serving
 * path's own.  Definitions follow scikit-learn: precision of a
 * class never predicted is 0 (zero_division=0), macro averages are plain
 * means over the classes that occur as truth or prediction in these rows
 * (scikit-learn's default label set), log loss clips probabilities to
 * [1e-15, 1 - 1e-15] and averages the natural log over rows.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_input.h>
#include <mlclf_train.h>
#include <mlclf_fanout.h>


#define MLCLF_TRAIN_EVAL_EPS     1e-15
#define MLCLF_TRAIN_EVAL_CHUNKS  64     /* log loss partial sums */


typedef struct mlclf_train_eval_ctx_s  mlclf_train_eval_ctx_t;

typedef struct {
    mlclf_train_eval_ctx_t   *ctx;
    size_t                    id;
    uint64_t                 *confusion;    /* this thread's counts */
    double                   *proba;
    double                   *x;            /* sparse rows of trees: a
                                               zeroed row, or NULL */
} mlclf_train_eval_worker_t;


struct mlclf_train_eval_ctx_s {
    const mlclf_model_t      *m;
    const mlclf_train_data_t *d;
    const size_t             *rows;
    size_t                    n;
    size_t                    nc;
    size_t                    n_chunks;
    size_t                    n_threads;
    double                   *loss;         /* n_chunks */
};


static void *mlclf_train_eval_work(void *arg);


/*
 * Rows go in fixed chunks, each with its own log-loss sum, added in
 * chunk order afterwards: the same number for any thread count.
 */
static void *
mlclf_train_eval_work(void *arg)
{
    mlclf_train_eval_worker_t  *w = arg;

    size_t                      c, i, hi, nc, y, r;
    double                      pr, ll;
    uint32_t                    pred;
    const double               *x;
    mlclf_train_eval_ctx_t     *ctx;

    ctx = w->ctx;
    nc = ctx->nc;

    for (c = w->id; c < ctx->n_chunks; c += ctx->n_threads) {
        hi = ctx->n * (c + 1) / ctx->n_chunks;
        ll = 0.0;

        for (i = ctx->n * c / ctx->n_chunks; i < hi; i++) {
            r = ctx->rows[i];
            y = ctx->d->y[r];

            if (ctx->d->sp_ptr != NULL) {
                pred = mlclf_predict_terms(ctx->m,
                                           ctx->d->sp_terms + ctx->d->sp_ptr[r],
                                           ctx->d->sp_ptr[r + 1]
                                           - ctx->d->sp_ptr[r],
                                           w->x, w->proba);

            } else {
                x = ctx->d->x + r * ctx->d->n_features;
                pred = mlclf_predict_proba(ctx->m, x, w->proba);
            }

            w->confusion[y * nc + pred]++;

            pr = w->proba[y];
            if (pr < MLCLF_TRAIN_EVAL_EPS) {
                pr = MLCLF_TRAIN_EVAL_EPS;
            }

            if (pr > 1.0 - MLCLF_TRAIN_EVAL_EPS) {
                pr = 1.0 - MLCLF_TRAIN_EVAL_EPS;
            }

            ll -= log(pr);
        }

        ctx->loss[c] = ll;
    }

    return NULL;
}


int
mlclf_train_eval(mlclf_train_metrics_t *mt, const mlclf_model_t *m,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err)
{
    size_t                      i, t, c, nc, p, nt, tp, pred_c, correct,
                                n_seen;
    double                      ll, *proba, *xs;
    uint64_t                   *conf;
    mlclf_train_eval_ctx_t      ctx;
    mlclf_train_eval_worker_t  *wk;

    memset(mt, 0, sizeof(mlclf_train_metrics_t));

    nc = mlclf_model_n_classes(m);
    p = mlclf_model_n_features(m);

    if (nc != d->n_classes || p != d->n_features) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "model has %zu features and %zu classes, the "
                             "data %zu and %zu", p, nc, d->n_features,
                             d->n_classes);
    }

    if (n == 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "no rows to evaluate");
    }

    memset(&ctx, 0, sizeof(mlclf_train_eval_ctx_t));
    ctx.m = m;
    ctx.d = d;
    ctx.rows = rows;
    ctx.n = n;
    ctx.nc = nc;
    ctx.n_chunks = n < MLCLF_TRAIN_EVAL_CHUNKS ? n : MLCLF_TRAIN_EVAL_CHUNKS;

    nt = mlclf_train_ncpu();
    if (nt > ctx.n_chunks) {
        nt = ctx.n_chunks;
    }

    ctx.n_threads = nt;

    mt->precision = calloc(nc, sizeof(double));
    mt->recall = calloc(nc, sizeof(double));
    mt->f1 = calloc(nc, sizeof(double));
    mt->support = calloc(nc, sizeof(uint64_t));
    mt->confusion = calloc(nc * nc, sizeof(uint64_t));
    ctx.loss = calloc(ctx.n_chunks, sizeof(double));
    conf = calloc(nt * nc * nc, sizeof(uint64_t));
    proba = calloc(nt * nc, sizeof(double));
    wk = calloc(nt, sizeof(mlclf_train_eval_worker_t));
    xs = NULL;

    if (d->sp_ptr != NULL && mlclf_model_kind(m) != MLCLF_KIND_LOGREG) {
        xs = calloc(nt * p, sizeof(double));
        if (xs == NULL) {
            free(proba);
            proba = NULL;
        }
    }

    if (mt->precision == NULL || mt->recall == NULL || mt->f1 == NULL
        || mt->support == NULL || mt->confusion == NULL || ctx.loss == NULL
        || conf == NULL || proba == NULL || wk == NULL)
    {
        free(ctx.loss);
        free(conf);
        free(proba);
        free(wk);
        free(xs);
        mlclf_train_metrics_free(mt);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (t = 0; t < nt; t++) {
        wk[t].ctx = &ctx;
        wk[t].id = t;
        wk[t].confusion = conf + t * nc * nc;
        wk[t].proba = proba + t * nc;
        wk[t].x = xs != NULL ? xs + t * p : NULL;
    }

    mlclf_fanout(mlclf_train_eval_work, wk, sizeof(mlclf_train_eval_worker_t),
                 nt);

    ll = 0.0;
    for (c = 0; c < ctx.n_chunks; c++) {
        ll += ctx.loss[c];
    }

    correct = 0;

    for (t = 0; t < nt; t++) {
        for (i = 0; i < nc * nc; i++) {
            mt->confusion[i] += wk[t].confusion[i];
        }
    }

    for (c = 0; c < nc; c++) {
        correct += mt->confusion[c * nc + c];

        for (i = 0; i < nc; i++) {
            mt->support[c] += mt->confusion[c * nc + i];
        }
    }

    free(ctx.loss);
    free(conf);
    free(proba);
    free(wk);
    free(xs);

    mt->n = n;
    mt->accuracy = (double) correct / (double) n;
    mt->log_loss = ll / (double) n;

    n_seen = 0;

    for (c = 0; c < nc; c++) {
        tp = mt->confusion[c * nc + c];

        pred_c = 0;
        for (i = 0; i < nc; i++) {
            pred_c += mt->confusion[i * nc + c];
        }

        mt->precision[c] = pred_c ? (double) tp / (double) pred_c : 0.0;
        mt->recall[c] = mt->support[c] ? (double) tp / (double) mt->support[c]
                                       : 0.0;
        mt->f1[c] = mt->precision[c] + mt->recall[c] > 0.0
                    ? 2.0 * mt->precision[c] * mt->recall[c]
                      / (mt->precision[c] + mt->recall[c])
                    : 0.0;

        if (pred_c == 0 && mt->support[c] == 0) {
            continue;
        }

        n_seen++;
        mt->macro_precision += mt->precision[c];
        mt->macro_recall += mt->recall[c];
        mt->macro_f1 += mt->f1[c];
    }

    mt->macro_precision /= (double) n_seen;
    mt->macro_recall /= (double) n_seen;
    mt->macro_f1 /= (double) n_seen;

    return MLCLF_OK;
}


/* Frees the per-class arrays and zeroes *mt; accepts NULL. */
void
mlclf_train_metrics_free(mlclf_train_metrics_t *mt)
{
    if (mt == NULL) {
        return;
    }

    free(mt->precision);
    free(mt->recall);
    free(mt->f1);
    free(mt->support);
    free(mt->confusion);

    memset(mt, 0, sizeof(mlclf_train_metrics_t));
}
