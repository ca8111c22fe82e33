
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Gradient-boosted trees: Newton boosting of histogram trees
 * (mlclf_train_gbt_tree.c) on the binary logistic or the multiclass
 * softmax loss.
 *
 * The features are binned once (mlclf_train_bins.c).  Each round
 * computes every row's gradient and hessian from its margins, grows one
 * tree per output on a sample of the rows (subsample) and of the
 * features (colsample), each leaf scoring -G / (H + l2) times the
 * learning rate, and adds the tree's scores to the margins.  The margins
 * start at the classes' log odds in the fit rows (log priors for
 * softmax).
 *
 * With early stopping, a share of the train rows is held out (the
 * stratified split of mlclf_train_split_rows()), scored after each round
 * and never fit; training stops when the validation metric has not
 * improved for `rounds` rounds, and the model keeps the trees up to the
 * best round.  The margins are summed in double in tree order, as the
 * serving kernel sums a gbt without MLCLF_GBT_FLOAT32, so the losses
 * seen here are the served model's.
 *
 * Every draw comes from a generator seeded from (seed, round, output),
 * and every sum is made in a fixed order: the model and the metrics are
 * the same bytes for any n_threads.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <mlclf_format.h>
#include <mlclf_train.h>
#include <mlclf_train_gbt.h>
#include <mlclf_train_rng.h>


#define MLCLF_GBT_PRIOR_MIN   1e-6      /* of a class, for its base */
#define MLCLF_GBT_ROWS_MEMBER 20000     /* rows that make a member worth it */


static int mlclf_gbt_init(mlclf_train_gbt_ctx_t *ctx,
    const mlclf_train_config_t *cf, const mlclf_train_data_t *d,
    const size_t *rows, size_t n, size_t n_threads, mlclf_err_t *err);
static void mlclf_gbt_base(mlclf_train_gbt_ctx_t *ctx);
static void mlclf_gbt_sample(mlclf_train_gbt_ctx_t *ctx);
static void mlclf_gbt_features(mlclf_train_gbt_ctx_t *ctx, size_t out);
static void mlclf_gbt_gradients(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id);
static void mlclf_gbt_unit(mlclf_train_gbt_gh_t *gh, double g, double h);
static void mlclf_gbt_losses(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id, size_t from, size_t to,
    mlclf_train_metric_e metric);
static double mlclf_gbt_mean(const mlclf_train_gbt_ctx_t *ctx, size_t from,
    size_t to);
static void mlclf_gbt_round_end(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id);
static void mlclf_gbt_work(mlclf_train_team_t *team, size_t id, void *arg);
static int mlclf_gbt_spec(mlclf_train_model_t *out,
    const mlclf_train_gbt_ctx_t *ctx, mlclf_err_t *err);
static void mlclf_gbt_free(mlclf_train_gbt_ctx_t *ctx);


/* the rows to fit and to validate on, binned; labels, margins */
static int
mlclf_gbt_init(mlclf_train_gbt_ctx_t *ctx, const mlclf_train_config_t *cf,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    size_t n_threads, mlclf_err_t *err)
{
    int      rc;
    size_t   i, n_fit, n_valid, *fit, *valid, *all;
    uint32_t n_bins;

    ctx->cf = cf;
    ctx->d = d;
    ctx->p = d->n_features;
    ctx->k = d->n_classes == 2 && cf->loss != MLCLF_TRAIN_LOSS_SOFTMAX
             ? 1 : d->n_classes;
    ctx->max_leaves = cf->max_leaves;
    ctx->max_depth = cf->max_depth_set ? cf->max_depth : 0;

    fit = NULL;
    valid = NULL;
    n_fit = n;
    n_valid = 0;

    if (cf->es_fraction > 0) {
        rc = mlclf_train_split_rows(d, rows, n, cf->es_fraction,
                                    cf->gbt_seed ^ 0x243f6a8885a308d3ULL, 1,
                                    &fit, &n_fit, &valid, &n_valid, err);
        if (rc != MLCLF_OK) {
            return rc == MLCLF_ENOMEM
                   ? rc
                   : mlclf_err_set(err, rc, "early_stopping: %zu train rows "
                                   "cannot give a validation share of %g",
                                   n, cf->es_fraction);
        }
    }

    all = malloc(n * sizeof(size_t));
    if (all == NULL) {
        free(fit);
        free(valid);
        return mlclf_err_set(err, MLCLF_ENOMEM, "gbt: out of memory");
    }

    if (fit != NULL) {
        memcpy(all, fit, n_fit * sizeof(size_t));
        memcpy(all + n_fit, valid, n_valid * sizeof(size_t));

    } else {
        memcpy(all, rows, n * sizeof(size_t));
    }

    free(fit);
    free(valid);

    ctx->n_fit = n_fit;
    ctx->n_all = n_fit + n_valid;

    /* bin 255 is the missing values' own */
    n_bins = cf->n_bins < 255 ? cf->n_bins : 255;

    rc = mlclf_train_bins_build(&ctx->qb, d, all, n_fit, ctx->n_all, n_bins,
                                cf->gbt_seed, n_threads);

    ctx->y = malloc(ctx->n_all * sizeof(uint32_t));
    ctx->margin = mlclf_train_alloc_large(ctx->n_all * ctx->k
                                          * sizeof(double));
    ctx->base = malloc(ctx->k * sizeof(double));
    ctx->gh = mlclf_train_alloc_large(ctx->n_fit * ctx->k
                                      * sizeof(mlclf_train_gbt_gh_t));
    ctx->loss = malloc(ctx->n_all * sizeof(double));
    ctx->ps = (ctx->p + 7) & ~(size_t) 7;
    ctx->sample = malloc(ctx->n_fit * sizeof(uint32_t));
    ctx->rows[MLCLF_GBT_SET_WORK].bins = mlclf_train_alloc_large(ctx->n_fit
                                                                 * ctx->ps);
    ctx->rows[MLCLF_GBT_SET_WORK].stride = ctx->ps;
    ctx->rows[MLCLF_GBT_SET_WORK].idx = malloc(ctx->n_fit
                                               * sizeof(uint32_t));
    ctx->rows[MLCLF_GBT_SET_WORK].og =
        mlclf_train_alloc_large(ctx->n_fit * sizeof(mlclf_train_gbt_gh_t));
    ctx->feat = malloc(ctx->p * sizeof(uint32_t));

    if (rc != MLCLF_OK || ctx->y == NULL || ctx->margin == NULL
        || ctx->base == NULL || ctx->gh == NULL || ctx->loss == NULL
        || ctx->feat == NULL || ctx->sample == NULL
        || ctx->rows[0].bins == NULL || ctx->rows[0].idx == NULL
        || ctx->rows[0].og == NULL)
    {
        free(all);
        return mlclf_err_set(err, MLCLF_ENOMEM, "gbt: out of memory");
    }

    for (i = 0; i < ctx->n_all; i++) {
        ctx->y[i] = d->y[all[i]];
    }

    free(all);

    mlclf_gbt_base(ctx);

    return MLCLF_OK;
}


/* the margins' start: log odds (binary) or log priors of the fit rows */
static void
mlclf_gbt_base(mlclf_train_gbt_ctx_t *ctx)
{
    size_t   i, c, nc;
    double   q, *count;

    nc = ctx->d->n_classes;
    count = calloc(nc, sizeof(double));
    if (count == NULL) {
        memset(ctx->base, 0, ctx->k * sizeof(double));

    } else {
        for (i = 0; i < ctx->n_fit; i++) {
            count[ctx->y[i]] += 1;
        }

        for (c = 0; c < ctx->k; c++) {
            q = count[ctx->k == 1 ? 1 : c] / (double) ctx->n_fit;
            q = q < MLCLF_GBT_PRIOR_MIN ? MLCLF_GBT_PRIOR_MIN
                : q > 1 - MLCLF_GBT_PRIOR_MIN ? 1 - MLCLF_GBT_PRIOR_MIN : q;

            ctx->base[c] = ctx->k == 1 ? log(q / (1 - q)) : log(q);
        }

        free(count);
    }

    for (i = 0; i < ctx->n_all; i++) {
        memcpy(ctx->margin + i * ctx->k, ctx->base, ctx->k * sizeof(double));
    }
}


/* member 0: this round's rows, each kept with probability subsample */
static void
mlclf_gbt_sample(mlclf_train_gbt_ctx_t *ctx)
{
    size_t              i;
    uint32_t            m;
    uint64_t            cut;
    mlclf_train_rng_t   rng;

    m = 0;

    if (ctx->cf->subsample >= 1.0) {
        for (i = 0; i < ctx->n_fit; i++) {
            ctx->sample[i] = (uint32_t) i;
        }

        ctx->m = (uint32_t) ctx->n_fit;
        return;
    }

    mlclf_train_rng_seed(&rng, ctx->cf->gbt_seed
                               + 0x9e3779b97f4a7c15ULL * (ctx->round + 1));
    cut = (uint64_t) (ctx->cf->subsample * 18446744073709551616.0);

    for (i = 0; i < ctx->n_fit; i++) {
        if (mlclf_train_rng_next(&rng) < cut) {
            ctx->sample[m++] = (uint32_t) i;
        }
    }

    ctx->m = m;
}


/* member 0: the features of the tree for output out, ascending */
static void
mlclf_gbt_features(mlclf_train_gbt_ctx_t *ctx, size_t out)
{
    size_t              i, j, nf, p;
    uint32_t            t, *a;
    mlclf_train_rng_t   rng;

    p = ctx->p;
    a = ctx->feat;

    for (i = 0; i < p; i++) {
        a[i] = (uint32_t) i;
    }

    ctx->nf = p;

    if (ctx->cf->colsample >= 1.0) {
        return;
    }

    nf = (size_t) floor(ctx->cf->colsample * (double) p + 0.5);
    nf = nf < 1 ? 1 : nf;

    mlclf_train_rng_seed(&rng, (ctx->cf->gbt_seed ^ 0x13198a2e03707344ULL)
                               + 0x9e3779b97f4a7c15ULL
                                 * (ctx->round * ctx->k + out + 1));

    for (i = 0; i < nf; i++) {
        j = i + (size_t) mlclf_train_rng_range(&rng, p - i);
        t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /* insertion sort: nf is at most the feature count */
    for (i = 1; i < nf; i++) {
        t = a[i];

        for (j = i; j > 0 && a[j - 1] > t; j--) {
            a[j] = a[j - 1];
        }

        a[j] = t;
    }

    ctx->nf = nf;
}


/*
 * Each fit row's gradient and hessian per output, from its margins:
 * logistic g = p - y, h = p (1 - p); softmax g_k = p_k - [y = k],
 * h_k = 2 p_k (1 - p_k); in units (mlclf_train_gbt.h), h at least one.
 */
static void
mlclf_gbt_gradients(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id)
{
    size_t          i, c, k, lo, hi, n;
    double          q, mx, sum, e[256], *mg;
    double         *ex;

    mlclf_train_team_share(team, id, ctx->n_fit, &lo, &hi);

    k = ctx->k;
    n = ctx->n_fit;

    ex = k <= 256 ? e : NULL;

    for (i = lo; i < hi; i++) {
        mg = ctx->margin + i * k;

        if (k == 1) {
            q = 1 / (1 + exp(-mg[0]));
            mlclf_gbt_unit(&ctx->gh[i], q - (ctx->y[i] == 1), q * (1 - q));
            continue;
        }

        mx = mg[0];
        for (c = 1; c < k; c++) {
            mx = mg[c] > mx ? mg[c] : mx;
        }

        sum = 0;
        for (c = 0; c < k; c++) {
            q = exp(mg[c] - mx);
            if (ex != NULL) {
                ex[c] = q;
            }

            sum += q;
        }

        for (c = 0; c < k; c++) {
            q = (ex != NULL ? ex[c] : exp(mg[c] - mx)) / sum;
            mlclf_gbt_unit(&ctx->gh[c * n + i], q - (ctx->y[i] == c),
                           2 * q * (1 - q));
        }
    }
}


/*
 * x rounded to the nearest integer, ties to even: lrint() in the default
 * rounding mode, one instruction where libm's is a call (x is small)
 */
static inline int32_t
mlclf_gbt_round(double x)
{
#if defined(__SSE2__)
    return (int32_t) _mm_cvtsd_si32(_mm_set_sd(x));
#else
    return (int32_t) lrint(x);
#endif
}


/* g in [-1, 1] and h in [0, 0.5] into units, h at least one */
static void
mlclf_gbt_unit(mlclf_train_gbt_gh_t *gh, double g, double h)
{
    int32_t  u;

    gh->g = mlclf_gbt_round(g * MLCLF_GBT_UNIT);
    u = mlclf_gbt_round(h * MLCLF_GBT_UNIT);
    gh->h = u < 1 ? 1 : u;
}


/* ctx->loss[i] for rows [from, to): the metric of row i's margins */
static void
mlclf_gbt_losses(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id, size_t from, size_t to, mlclf_train_metric_e metric)
{
    size_t          i, c, k, lo, hi, top;
    double          m, mx, sum;
    const double   *mg;

    mlclf_train_team_share(team, id, to - from, &lo, &hi);

    k = ctx->k;

    for (i = from + lo; i < from + hi; i++) {
        mg = ctx->margin + i * k;

        if (k == 1) {
            m = ctx->y[i] == 1 ? -mg[0] : mg[0];

            if (metric == MLCLF_TRAIN_METRIC_ERROR) {
                ctx->loss[i] = (mg[0] > 0) != (ctx->y[i] == 1);

            } else {
                /* -log sigmoid(-m) = log(1 + e^m), without overflow */
                ctx->loss[i] = m > 0 ? m + log1p(exp(-m)) : log1p(exp(m));
            }

            continue;
        }

        mx = mg[0];
        top = 0;

        for (c = 1; c < k; c++) {
            if (mg[c] > mx) {
                mx = mg[c];
                top = c;
            }
        }

        if (metric == MLCLF_TRAIN_METRIC_ERROR) {
            ctx->loss[i] = top != ctx->y[i];
            continue;
        }

        /* the top class adds e^0: the sum is at least 1 */
        sum = 1;
        for (c = 0; c < k; c++) {
            sum += c != top ? exp(mg[c] - mx) : 0;
        }

        ctx->loss[i] = mx + log(sum) - mg[ctx->y[i]];
    }
}


/* the mean of ctx->loss[from, to), summed in row order */
static double
mlclf_gbt_mean(const mlclf_train_gbt_ctx_t *ctx, size_t from, size_t to)
{
    size_t  i;
    double  sum;

    sum = 0;
    for (i = from; i < to; i++) {
        sum += ctx->loss[i];
    }

    return to > from ? sum / (double) (to - from) : NAN;
}


/*
 * After a round: the validation metric and early stopping, then the
 * progress line when one is due.
 */
static void
mlclf_gbt_round_end(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id)
{
    double                       valid, train;
    const mlclf_train_config_t  *cf;

    cf = ctx->cf;

    if (ctx->n_all > ctx->n_fit) {
        mlclf_gbt_losses(ctx, team, id, ctx->n_fit, ctx->n_all,
                         cf->es_metric);
        mlclf_train_team_sync(team);
    }

    /*
     * Member 0 decides, the others read its decisions after the next
     * barrier: ctx->round changes before they would all have read it.
     */
    if (id == 0) {
        if (ctx->n_all > ctx->n_fit) {
            valid = mlclf_gbt_mean(ctx, ctx->n_fit, ctx->n_all);

            if (ctx->best_round == 0 || valid < ctx->best_valid) {
                ctx->best_valid = valid;
                ctx->best_round = ctx->round + 1;
            }

            if (ctx->round + 1 - ctx->best_round >= cf->es_rounds) {
                ctx->stop = 1;
            }

        } else {
            ctx->best_round = ctx->round + 1;
        }

        if (ctx->round + 1 == cf->n_estimators) {
            ctx->stop = 1;
        }

        ctx->due = cf->progress_loss != NULL
                   && (ctx->stop
                       || (ctx->round + 1) % (cf->log_every ? cf->log_every
                                                            : 1) == 0);
        ctx->round++;
    }

    mlclf_train_team_sync(team);

    if (!ctx->due) {
        return;
    }

    mlclf_gbt_losses(ctx, team, id, 0, ctx->n_fit,
                     MLCLF_TRAIN_METRIC_LOGLOSS);
    if (ctx->n_all > ctx->n_fit) {
        mlclf_gbt_losses(ctx, team, id, ctx->n_fit, ctx->n_all,
                         MLCLF_TRAIN_METRIC_LOGLOSS);
    }

    mlclf_train_team_sync(team);

    if (id == 0) {
        train = mlclf_gbt_mean(ctx, 0, ctx->n_fit);
        valid = mlclf_gbt_mean(ctx, ctx->n_fit, ctx->n_all);
        cf->progress_loss(cf->progress_ctx, ctx->round, cf->n_estimators,
                          train, valid);
    }

    mlclf_train_team_sync(team);
}


void
mlclf_train_gbt_clock(mlclf_train_gbt_ctx_t *ctx, size_t id, int step)
{
    double  now;

    if (id == 0) {
        now = mlclf_train_now();
        ctx->t[step] += now - ctx->t_mark;
        ctx->t_mark = now;
    }
}


/* a member's part of the whole training */
static void
mlclf_gbt_work(mlclf_train_team_t *team, size_t id, void *arg)
{
    mlclf_train_gbt_ctx_t  *ctx = arg;

    size_t                  i, out;

    if (id == 0) {
        ctx->n_members = mlclf_train_team_size(team);
    }

    /* with company, a histogram of its own for a share of the rows */
    if (mlclf_train_team_size(team) > 1) {
        ctx->own[id] = malloc(ctx->p * 256 * sizeof(mlclf_train_gbt_bin_t));
    }

    mlclf_train_team_sync(team);

    if (id == 0 && mlclf_train_team_size(team) > 1) {
        for (i = 0; i < mlclf_train_team_size(team); i++) {
            if (ctx->own[i] == NULL) {
                ctx->rc = MLCLF_ENOMEM;
            }
        }
    }

    mlclf_train_team_sync(team);

    while (!ctx->stop && ctx->rc == MLCLF_OK) {
        if (id == 0) {
            mlclf_gbt_sample(ctx);
        }

        mlclf_gbt_gradients(ctx, team, id);

        for (out = 0; out < ctx->k; out++) {
            if (id == 0) {
                mlclf_gbt_features(ctx, out);
                ctx->out = out;
            }

            mlclf_train_team_sync(team);

            mlclf_train_gbt_tree(ctx, team, id);

            if (ctx->rc != MLCLF_OK) {
                return;
            }
        }

        mlclf_gbt_round_end(ctx, team, id);
    }
}


/*
 * out->spec: the trees of the best round's rounds, node ids made
 * absolute, leaves numbered in order; the split gains per feature.
 */
static int
mlclf_gbt_spec(mlclf_train_model_t *out, const mlclf_train_gbt_ctx_t *ctx,
    mlclf_err_t *err)
{
    int             covered;
    size_t          t, i, nt, nn, nl, base, at;
    double         *thr, *leaf, *imp, *b, *cov;
    int32_t        *feat;
    uint8_t        *dec;
    uint32_t       *off, *left, *right, *cls, *lrow;
    const char    **names;
    const mlclf_train_config_t  *cf;

    cf = ctx->cf;
    nt = (size_t) ctx->best_round * ctx->k;
    nn = ctx->t_offset[nt];

    nl = 0;
    for (i = 0; i < nn; i++) {
        nl += ctx->t_feature[i] < 0;
    }

    off = malloc((nt + 1) * sizeof(uint32_t));
    feat = malloc(nn * sizeof(int32_t));
    thr = malloc(nn * sizeof(double));
    left = malloc(nn * sizeof(uint32_t));
    right = malloc(nn * sizeof(uint32_t));
    leaf = malloc(nl * sizeof(double));
    names = calloc(ctx->p, sizeof(char *));
    cls = malloc(nt * sizeof(uint32_t));
    b = malloc(ctx->k * sizeof(double));
    dec = malloc(nn);
    lrow = malloc(nn * sizeof(uint32_t));
    imp = calloc(ctx->p ? ctx->p : 1, sizeof(double));
    cov = malloc(nn * sizeof(double));

    out->mem[0] = off;
    out->mem[1] = feat;
    out->mem[2] = thr;
    out->mem[3] = left;
    out->mem[4] = right;
    out->mem[5] = leaf;
    out->mem[6] = names;
    out->mem[7] = cls;
    out->mem[8] = b;
    out->mem[9] = dec;
    out->mem[10] = cov;
    out->importance = imp;

    if (off == NULL || feat == NULL || thr == NULL || left == NULL
        || right == NULL || leaf == NULL || names == NULL || cls == NULL
        || b == NULL || dec == NULL || lrow == NULL || imp == NULL
        || cov == NULL)
    {
        free(lrow);
        return mlclf_err_set(err, MLCLF_ENOMEM, "gbt: out of memory");
    }

    covered = 1;
    nl = 0;
    for (i = 0; i < nn; i++) {
        lrow[i] = (uint32_t) nl;
        nl += ctx->t_feature[i] < 0;
    }

    for (t = 0; t < nt; t++) {
        base = ctx->t_offset[t];
        off[t] = (uint32_t) base;
        cls[t] = (uint32_t) (t % ctx->k);

        for (i = base; i < ctx->t_offset[t + 1]; i++) {
            feat[i] = ctx->t_feature[i];
            thr[i] = ctx->t_threshold[i];
            dec[i] = ctx->t_decision[i];
            cov[i] = ctx->t_cover[i];

            /* a split no hessian reached cannot weigh paths: no covers */
            covered &= feat[i] < 0 || cov[i] > 0.0;

            if (feat[i] < 0) {
                at = lrow[i];
                leaf[at] = ctx->t_value[i];
                left[i] = (uint32_t) at;
                right[i] = 0;

            } else {
                left[i] = (uint32_t) (base + ctx->t_left[i]);
                right[i] = (uint32_t) (base + ctx->t_right[i]);
                imp[feat[i]] += ctx->t_gain[i];
            }
        }
    }

    off[nt] = (uint32_t) nn;
    free(lrow);

    memcpy(b, ctx->base, ctx->k * sizeof(double));

    mlclf_train_model_names(out, cf, names, ctx->p);

    out->spec.kind = MLCLF_KIND_GBT;
    out->spec.n_features = (uint32_t) ctx->p;
    out->spec.n_classes = (uint32_t) ctx->d->n_classes;
    out->spec.class_labels = (const char *const *) ctx->d->classes;
    out->spec.n_outputs = (uint32_t) ctx->k;
    out->spec.n_trees = (uint32_t) nt;
    out->spec.n_nodes = (uint32_t) nn;
    out->spec.n_leaves = (uint32_t) nl;
    out->spec.tree_offsets = off;
    out->spec.node_feature = feat;
    out->spec.node_threshold = thr;
    out->spec.node_left = left;
    out->spec.node_right = right;
    out->spec.leaf_values = leaf;
    out->spec.node_decision = cf->missing == MLCLF_TRAIN_MISSING_ALLOW
                              ? dec : NULL;
    out->spec.node_cover = covered ? cov : NULL;
    out->spec.tree_class = cls;
    out->spec.base = b;
    out->spec.link = ctx->k == 1 ? MLCLF_LINK_SIGMOID : MLCLF_LINK_SOFTMAX;
    out->spec.link_scale = 1.0;
    out->spec.divisor = 1.0;

    memcpy(out->seconds, ctx->t, sizeof(out->seconds));
    out->iterations = ctx->round;
    out->best_round = ctx->best_round;
    out->best_valid = ctx->n_all > ctx->n_fit ? ctx->best_valid : NAN;

    return MLCLF_OK;
}


static void
mlclf_gbt_free(mlclf_train_gbt_ctx_t *ctx)
{
    size_t  i;

    for (i = 0; i < ctx->n_pool; i++) {
        free(ctx->pool[i]);
    }

    for (i = 0; i < MLCLF_TRAIN_TEAM_MAX; i++) {
        free(ctx->own[i]);
    }

    for (i = 0; i < ctx->n_nodes; i++) {
        free(ctx->node[i].hist);
    }

    free(ctx->pool);
    free(ctx->node);
    mlclf_train_bins_free(&ctx->qb);
    free(ctx->y);
    free(ctx->margin);
    free(ctx->base);
    free(ctx->gh);
    free(ctx->loss);
    free(ctx->sample);
    free(ctx->rows[MLCLF_GBT_SET_WORK].bins);
    free(ctx->rows[MLCLF_GBT_SET_WORK].idx);
    free(ctx->rows[MLCLF_GBT_SET_WORK].og);
    free(ctx->seg);
    free(ctx->feat);
    free(ctx->t_feature);
    free(ctx->t_threshold);
    free(ctx->t_left);
    free(ctx->t_right);
    free(ctx->t_decision);
    free(ctx->t_value);
    free(ctx->t_gain);
    free(ctx->t_cover);
    free(ctx->t_offset);
}


int
mlclf_train_gbt(mlclf_train_model_t *out, const mlclf_train_config_t *cf,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err)
{
    int                     rc;
    size_t                  nt;
    double                  t0;
    mlclf_train_gbt_ctx_t  *ctx;

    memset(out, 0, sizeof(mlclf_train_model_t));
    t0 = mlclf_train_now();

    if (n == 0 || d->n_features == 0 || d->n_classes < 2
        || cf->n_estimators == 0)
    {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "gbt needs rows, features, two classes and "
                             "trees (got %zu rows, %zu features, %zu "
                             "classes, %u trees)", n, d->n_features,
                             d->n_classes, cf->n_estimators);
    }

    if (n >= UINT32_MAX / 2) {
        return mlclf_err_set(err, MLCLF_EINVAL, "gbt: too many rows (%zu)",
                             n);
    }

    if (cf->loss == MLCLF_TRAIN_LOSS_LOGISTIC && d->n_classes != 2) {
        return mlclf_err_set(err, MLCLF_EINVAL, "gbt: the logistic loss "
                             "needs 2 classes, the data has %zu",
                             d->n_classes);
    }

    if (!cf->max_depth_set && cf->max_leaves == 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "gbt: needs max_depth, "
                             "max_leaves or both");
    }

    ctx = calloc(1, sizeof(mlclf_train_gbt_ctx_t));
    if (ctx == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "gbt: out of memory");
    }

    /*
     * A member per MLCLF_GBT_ROWS_MEMBER rows at most: on fewer rows the
     * barriers cost more than the work they share.
     */
    nt = cf->n_threads ? cf->n_threads : mlclf_train_ncpu();
    nt = nt < MLCLF_TRAIN_TEAM_MAX ? nt : MLCLF_TRAIN_TEAM_MAX;
    nt = nt < n / MLCLF_GBT_ROWS_MEMBER + 1 ? nt
                                             : n / MLCLF_GBT_ROWS_MEMBER + 1;

    rc = mlclf_gbt_init(ctx, cf, d, rows, n, nt, err);

    ctx->t_mark = mlclf_train_now();
    ctx->t[MLCLF_GBT_T_BINS] = ctx->t_mark - t0;

    if (rc == MLCLF_OK) {
        mlclf_train_team_run(nt, mlclf_gbt_work, ctx);

        rc = ctx->rc;
        if (rc != MLCLF_OK) {
            mlclf_err_set(err, rc, "gbt: out of memory");
        }
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_gbt_spec(out, ctx, err);
    }

    mlclf_gbt_free(ctx);
    free(ctx);

    if (rc != MLCLF_OK) {
        mlclf_train_model_free(out);
        return rc;
    }

    out->fit_seconds = mlclf_train_now() - t0;

    return MLCLF_OK;
}
