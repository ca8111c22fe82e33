
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Random forest: bootstrap samples, Gini impurity, histogram split
 * finding over per-feature quantile bins, trees grown in parallel.
 *
 * Each feature is quantised once into at most n_bins bins by edges
 * e_0 < e_1 < ... taken from the train rows: bin(x) is the number of
 * edges below x, so "bin <= b" and "x <= e_b" are the same test on any
 * x, and the model stores e_b as the threshold of a split after bin b.
 * Training and serving therefore agree on every row.
 *
 * A tree's randomness (bootstrap draws, features tried per node) comes
 * from its own generator seeded from (seed, tree number), and the trees
 * are assembled in tree order, so the model is the same bytes for any
 * number of threads.  Bootstrap draws become per-row weights, as in
 * scikit-learn: a node holds the distinct drawn rows, its class counts
 * are the weighted counts, and min_samples_leaf counts distinct rows.
 */


#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>
#include <mlclf_fanout.h>
#include <mlclf_train_rf.h>


static void mlclf_train_rf_init(mlclf_train_rf_ctx_t *ctx,
    const mlclf_train_config_t *cf, const mlclf_train_data_t *d,
    const size_t *rows, size_t n);
static int mlclf_train_rf_run(mlclf_train_rf_ctx_t *ctx, size_t n_threads,
    void *(*fn)(void *));
static int mlclf_train_rf_spec(mlclf_train_model_t *out,
    const mlclf_train_rf_ctx_t *ctx, const mlclf_train_config_t *cf,
    mlclf_err_t *err);
static void mlclf_train_rf_free(mlclf_train_rf_ctx_t *ctx);


size_t
mlclf_train_rf_take(mlclf_train_rf_ctx_t *ctx)
{
    size_t  t;

    pthread_mutex_lock(&ctx->lock);
    t = ctx->rc == MLCLF_OK ? ctx->next++ : (size_t) -1;
    pthread_mutex_unlock(&ctx->lock);

    return t;
}


/* Runs fn on n_threads workers (mlclf_fanout(): this thread is 0). */
static int
mlclf_train_rf_run(mlclf_train_rf_ctx_t *ctx, size_t n_threads,
    void *(*fn)(void *))
{
    size_t                    t;
    mlclf_train_rf_worker_t  *wk;

    wk = malloc(n_threads * sizeof(mlclf_train_rf_worker_t));
    if (wk == NULL) {
        return MLCLF_ENOMEM;
    }

    ctx->next = 0;

    for (t = 0; t < n_threads; t++) {
        wk[t].ctx = ctx;
        wk[t].id = t;
        wk[t].n_threads = n_threads;
    }

    mlclf_fanout(fn, wk, sizeof(mlclf_train_rf_worker_t), n_threads);

    free(wk);

    return ctx->rc;
}


/* the parameters of a run, from the configuration and the data */
static void
mlclf_train_rf_init(mlclf_train_rf_ctx_t *ctx, const mlclf_train_config_t *cf,
    const mlclf_train_data_t *d, const size_t *rows, size_t n)
{
    size_t    p;
    uint32_t  n_bins;

    p = d->n_features;

    n_bins = cf->n_bins;
    if (n_bins == 0 || n_bins > 256) {
        n_bins = 256;
    }

    if (n_bins < 2) {
        n_bins = 2;
    }

    ctx->d = d;
    ctx->rows = rows;
    ctx->n = n;
    ctx->p = p;
    ctx->nc = d->n_classes;
    ctx->n_trees = cf->n_trees;
    ctx->cf = cf;
    ctx->max_depth = cf->max_depth;
    ctx->min_leaf = cf->min_samples_leaf ? cf->min_samples_leaf : 1;
    ctx->seed = cf->seed;
    ctx->n_bins = n_bins;

    ctx->mtry = cf->max_features;
    if (ctx->mtry == 0) {
        ctx->mtry = (uint32_t) floor(sqrt((double) p));
    }

    if (ctx->mtry < 1) {
        ctx->mtry = 1;
    }

    if (ctx->mtry > p) {
        ctx->mtry = (uint32_t) p;
    }
}


/* out->spec: the trees assembled in tree order, local indices shifted */
static int
mlclf_train_rf_spec(mlclf_train_model_t *out, const mlclf_train_rf_ctx_t *ctx,
    const mlclf_train_config_t *cf, mlclf_err_t *err)
{
    size_t                        t, p, nn, nl, base, lbase, j;
    double                       *thr, *leaf, *cov;
    int32_t                      *feat;
    uint32_t                     *off, *left, *right;
    const char                  **names;
    const mlclf_train_rf_tree_t  *tr;

    p = ctx->p;
    nn = 0;
    nl = 0;

    for (t = 0; t < ctx->n_trees; t++) {
        nn += ctx->trees[t].n_nodes;
        nl += ctx->trees[t].n_leaves;
    }

    if (nn >= UINT32_MAX || nl >= UINT32_MAX) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "random forest: %zu nodes do not fit the model "
                             "format; limit max_depth", nn);
    }

    off = malloc((ctx->n_trees + 1) * sizeof(uint32_t));
    feat = malloc(nn * sizeof(int32_t));
    thr = malloc(nn * sizeof(double));
    left = malloc(nn * sizeof(uint32_t));
    right = malloc(nn * sizeof(uint32_t));
    leaf = malloc(nl * ctx->nc * sizeof(double));
    names = calloc(p, sizeof(char *));
    cov = malloc(nn * sizeof(double));

    out->mem[0] = off;
    out->mem[1] = feat;
    out->mem[2] = thr;
    out->mem[3] = left;
    out->mem[4] = right;
    out->mem[5] = leaf;
    out->mem[6] = names;
    out->mem[7] = cov;

    if (off == NULL || feat == NULL || thr == NULL || left == NULL
        || right == NULL || leaf == NULL || names == NULL || cov == NULL)
    {
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "random forest: out of memory");
    }

    base = 0;
    lbase = 0;

    for (t = 0; t < ctx->n_trees; t++) {
        tr = &ctx->trees[t];
        off[t] = (uint32_t) base;

        for (j = 0; j < tr->n_nodes; j++) {
            feat[base + j] = tr->feature[j];
            thr[base + j] = tr->threshold[j];
            cov[base + j] = tr->cover[j];

            if (tr->feature[j] < 0) {
                left[base + j] = (uint32_t) (lbase + tr->left[j]);
                right[base + j] = 0;

            } else {
                left[base + j] = (uint32_t) (base + tr->left[j]);
                right[base + j] = (uint32_t) (base + tr->right[j]);
            }
        }

        memcpy(leaf + lbase * ctx->nc, tr->leaf,
               tr->n_leaves * ctx->nc * sizeof(double));

        base += tr->n_nodes;
        lbase += tr->n_leaves;
    }

    off[ctx->n_trees] = (uint32_t) base;

    mlclf_train_model_names(out, cf, names, p);

    out->spec.kind = MLCLF_KIND_FOREST;
    out->spec.n_features = (uint32_t) p;
    out->spec.n_classes = (uint32_t) ctx->d->n_classes;
    out->spec.class_labels = (const char *const *) ctx->d->classes;
    out->spec.n_trees = (uint32_t) ctx->n_trees;
    out->spec.n_nodes = (uint32_t) nn;
    out->spec.n_leaves = (uint32_t) nl;
    out->spec.tree_offsets = off;
    out->spec.node_feature = feat;
    out->spec.node_threshold = thr;
    out->spec.node_left = left;
    out->spec.node_right = right;
    out->spec.leaf_values = leaf;
    out->spec.node_cover = cov;

    return MLCLF_OK;
}


/* the trees and the arrays of a run (not the lock) */
static void
mlclf_train_rf_free(mlclf_train_rf_ctx_t *ctx)
{
    size_t  t;

    if (ctx->trees != NULL) {
        for (t = 0; t < ctx->n_trees; t++) {
            free(ctx->trees[t].feature);
            free(ctx->trees[t].threshold);
            free(ctx->trees[t].left);
            free(ctx->trees[t].right);
            free(ctx->trees[t].cover);
            free(ctx->trees[t].leaf);
        }
    }

    free(ctx->trees);
    free(ctx->y);
    mlclf_train_bins_free(&ctx->qb);
}


int
mlclf_train_rf(mlclf_train_model_t *out, const mlclf_train_config_t *cf,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err)
{
    int                   rc, mutex;
    size_t                i, p, nt;
    double                t0;
    mlclf_train_rf_ctx_t  ctx;

    memset(out, 0, sizeof(mlclf_train_model_t));
    memset(&ctx, 0, sizeof(mlclf_train_rf_ctx_t));
    t0 = mlclf_train_now();
    mutex = 0;

    p = d->n_features;

    if (n == 0 || p == 0 || d->n_classes < 1 || cf->n_trees == 0) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "random forest needs rows, features, classes "
                             "and trees (got %zu rows, %zu features, %zu "
                             "classes, %u trees)", n, p, d->n_classes,
                             cf->n_trees);
    }

    if (n >= UINT32_MAX / 2) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "random forest: too many rows (%zu)", n);
    }

    mlclf_train_rf_init(&ctx, cf, d, rows, n);

    nt = cf->n_threads ? cf->n_threads : mlclf_train_ncpu();

    ctx.y = malloc(n * sizeof(uint32_t));
    ctx.trees = calloc(cf->n_trees, sizeof(mlclf_train_rf_tree_t));

    if (ctx.y == NULL || ctx.trees == NULL) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto failed;
    }

    if (pthread_mutex_init(&ctx.lock, NULL) != 0) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "pthread_mutex_init failed");
        goto failed;
    }

    mutex = 1;

    rc = mlclf_train_bins_build(&ctx.qb, d, rows, n, n, ctx.n_bins,
                                ctx.seed, nt);
    if (rc != MLCLF_OK) {
        goto nomem;
    }

    ctx.bins = ctx.qb.bins;
    ctx.edges = ctx.qb.edges;
    ctx.n_edges = ctx.qb.n_edges;

    for (i = 0; i < n; i++) {
        ctx.y[i] = d->y[rows[i]];
    }

    /* a thread without a tree would only hold memory */
    rc = mlclf_train_rf_run(&ctx, nt < ctx.n_trees ? nt : ctx.n_trees,
                            mlclf_train_rf_tree_work);
    if (rc != MLCLF_OK) {
        goto nomem;
    }

    rc = mlclf_train_rf_spec(out, &ctx, cf, err);
    goto failed;

nomem:

    rc = mlclf_err_set(err, MLCLF_ENOMEM, "random forest: out of memory");

failed:

    if (mutex) {
        pthread_mutex_destroy(&ctx.lock);
    }

    mlclf_train_rf_free(&ctx);

    if (rc != MLCLF_OK) {
        mlclf_train_model_free(out);
        return rc;
    }

    out->fit_seconds = mlclf_train_now() - t0;

    return MLCLF_OK;
}
