
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The quantisation of each feature into at most n_bins bins
 * (mlclf_train_bins.h says why the edges are what they are), from a
 * sample of the rows it is fit on, and the binning of every row.
 * Workers take features, then stripes of rows: the result is the same
 * for any number of them.
 */


#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>
#include <mlclf_fanout.h>
#include <mlclf_train_bins.h>
#include <mlclf_train_rng.h>


#define MLCLF_TRAIN_BINS_SAMPLE  200000  /* rows used for quantiles */
#define MLCLF_TRAIN_BINS_TILE    256     /* rows binned together */


typedef struct {
    mlclf_train_bins_t       *b;
    const mlclf_train_data_t *d;
    const size_t             *rows;
    double                   *sample;       /* p x ns */
    size_t                    ns;
    pthread_mutex_t           lock;
    size_t                    next;         /* next feature */
    int                       rc;
} mlclf_train_bins_ctx_t;


typedef struct {
    mlclf_train_bins_ctx_t   *ctx;
    size_t                    id;
    size_t                    n_threads;
} mlclf_train_bins_worker_t;


static void mlclf_train_bins_sample(mlclf_train_bins_ctx_t *ctx,
    size_t n_fit, uint64_t seed);
static void mlclf_train_bins_sort(double *v, uint64_t *k, uint64_t *tmp,
    size_t n);
static void mlclf_train_bins_edges(mlclf_train_bins_ctx_t *ctx, size_t f,
    uint64_t *keys);
static void *mlclf_train_bins_quantile_work(void *arg);
static void *mlclf_train_bins_row_work(void *arg);
static void mlclf_train_bins_run(mlclf_train_bins_ctx_t *ctx,
    size_t n_threads, void *(*fn)(void *));


/* quantile sample: every fit row, or a seeded draw with replacement */
static void
mlclf_train_bins_sample(mlclf_train_bins_ctx_t *ctx, size_t n_fit,
    uint64_t seed)
{
    size_t              i, f, s, p, ns;
    mlclf_train_rng_t   rng;

    p = ctx->b->p;
    ns = ctx->ns;

    mlclf_train_rng_seed(&rng, seed ^ 0x6a09e667f3bcc909ULL);

    for (s = 0; s < ns; s++) {
        i = ns == n_fit ? s : (size_t) mlclf_train_rng_range(&rng, n_fit);

        for (f = 0; f < p; f++) {
            ctx->sample[f * ns + s] = ctx->d->x[ctx->rows[i] * p + f];
        }
    }
}


/*
 * Sorts v[n] ascending (numbers, not NaN) with an LSD radix sort on keys
 * that order like the doubles: sign bit flipped for positives, every bit
 * flipped for negatives.  k and tmp hold n keys each.
 */
static void
mlclf_train_bins_sort(double *v, uint64_t *k, uint64_t *tmp, size_t n)
{
    size_t     i, b, shift, count[256], sum, c;
    uint64_t   u, *src, *dst, *sw;

    for (i = 0; i < n; i++) {
        memcpy(&u, &v[i], sizeof(uint64_t));
        k[i] = (u >> 63) ? ~u : u | 0x8000000000000000ULL;
    }

    src = k;
    dst = tmp;

    for (shift = 0; shift < 64; shift += 8) {
        memset(count, 0, sizeof(count));

        for (i = 0; i < n; i++) {
            count[(src[i] >> shift) & 0xff]++;
        }

        if (count[(src[0] >> shift) & 0xff] == n) {
            continue;           /* every key has this digit */
        }

        sum = 0;
        for (b = 0; b < 256; b++) {
            c = count[b];
            count[b] = sum;
            sum += c;
        }

        for (i = 0; i < n; i++) {
            dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        }

        sw = src;
        src = dst;
        dst = sw;
    }

    for (i = 0; i < n; i++) {
        u = src[i];
        u = (u >> 63) ? u & 0x7fffffffffffffffULL : ~u;
        memcpy(&v[i], &u, sizeof(double));
    }
}


/*
 * Edges of feature f from its sorted sample: between every pair of
 * adjacent distinct values if there are at most n_bins of them, else at
 * the n_bins-quantiles.  An edge is the midpoint of the two values it
 * separates (or the lower one when the midpoint rounds up to the upper).
 */
static void
mlclf_train_bins_edges(mlclf_train_bins_ctx_t *ctx, size_t f, uint64_t *keys)
{
    size_t    i, j, q, ns, ne, n_distinct;
    double    a, b, mid, *v, *e;
    uint32_t  n_bins;

    v = ctx->sample + f * ctx->ns;
    e = ctx->b->edges + f * 256;
    n_bins = ctx->b->n_bins;

    /* missing values have a bin of their own: no edge comes from them */
    ns = 0;
    for (i = 0; i < ctx->ns; i++) {
        if (!isnan(v[i])) {
            v[ns++] = v[i];
        }
    }

    ne = 0;

    if (ns == 0) {
        goto pad;
    }

    mlclf_train_bins_sort(v, keys, keys + ns, ns);

    n_distinct = 1;
    for (i = 1; i < ns; i++) {
        n_distinct += v[i] != v[i - 1];
    }

    q = 0;

    for (j = 1; j < n_bins; j++) {

        if (n_distinct <= n_bins) {
            /* the j-th boundary between distinct values */
            if (j >= n_distinct) {
                break;
            }

            while (q + 1 < ns && v[q + 1] == v[q]) {
                q++;
            }

            q++;

        } else {
            q = j * ns / n_bins;
            if (q == 0) {
                continue;
            }
        }

        a = v[q - 1];
        b = v[q];

        mid = a / 2 + b / 2;
        if (!(mid < b) || mid < a) {
            mid = a;
        }

        if (ne > 0 && !(mid > e[ne - 1])) {
            continue;
        }

        e[ne++] = mid;
    }

pad:

    ctx->b->n_edges[f] = (uint32_t) ne;

    /* pad to 256 for the branch-free search in the binner */
    for (i = ne; i < 256; i++) {
        e[i] = HUGE_VAL;
    }
}



static void *
mlclf_train_bins_quantile_work(void *arg)
{
    mlclf_train_bins_worker_t  *wk = arg;

    size_t                      f;
    uint64_t                   *keys;
    mlclf_train_bins_ctx_t     *ctx;

    ctx = wk->ctx;

    keys = malloc(2 * ctx->ns * sizeof(uint64_t));

    pthread_mutex_lock(&ctx->lock);
    if (keys == NULL) {
        ctx->rc = MLCLF_ENOMEM;
    }
    pthread_mutex_unlock(&ctx->lock);

    for ( ;; ) {
        pthread_mutex_lock(&ctx->lock);
        f = ctx->rc == MLCLF_OK ? ctx->next++ : ctx->b->p;
        pthread_mutex_unlock(&ctx->lock);

        if (f >= ctx->b->p) {
            break;
        }

        mlclf_train_bins_edges(ctx, f, keys);
    }

    free(keys);

    return NULL;
}


/*
 * Bins of a stripe of rows.  Rows go in tiles small enough to stay in
 * cache, feature by feature, so that one feature's edges stay in L1 and
 * the searches of a tile's rows run side by side.
 */
static void *
mlclf_train_bins_row_work(void *arg)
{
    mlclf_train_bins_worker_t  *wk = arg;

    size_t                      i, f, lo, hi, n, p, t, te;
    double                      x;
    uint8_t                    *out;
    uint32_t                    pos;
    const double               *e;
    const size_t               *rows;
    mlclf_train_bins_t         *b;

    b = wk->ctx->b;
    n = b->n;
    p = b->p;
    rows = wk->ctx->rows;

    lo = n * wk->id / wk->n_threads;
    hi = n * (wk->id + 1) / wk->n_threads;

    for (t = lo; t < hi; t = te) {
        te = t + MLCLF_TRAIN_BINS_TILE < hi ? t + MLCLF_TRAIN_BINS_TILE : hi;

        for (f = 0; f < p; f++) {
            e = b->edges + f * 256;
            out = b->bins + f;

            for (i = t; i < te; i++) {
                x = wk->ctx->d->x[rows[i] * p + f];
                /*
                 * number of edges < x (e[255] is +inf), without branches:
                 * the outcomes are random, mispredictions would dominate
                 */
                pos = (uint32_t) (e[127] < x) << 7;
                pos += (uint32_t) (e[pos + 63] < x) << 6;
                pos += (uint32_t) (e[pos + 31] < x) << 5;
                pos += (uint32_t) (e[pos + 15] < x) << 4;
                pos += (uint32_t) (e[pos + 7] < x) << 3;
                pos += (uint32_t) (e[pos + 3] < x) << 2;
                pos += (uint32_t) (e[pos + 1] < x) << 1;
                pos += (uint32_t) (e[pos] < x);

                out[i * p] = x == x ? (uint8_t) pos : MLCLF_TRAIN_BIN_MISSING;
            }
        }
    }

    return NULL;
}


static void
mlclf_train_bins_run(mlclf_train_bins_ctx_t *ctx, size_t n_threads,
    void *(*fn)(void *))
{
    size_t                      t;
    mlclf_train_bins_worker_t   wk[64];

    if (n_threads > 64) {
        n_threads = 64;
    }

    ctx->next = 0;

    for (t = 0; t < n_threads; t++) {
        wk[t].ctx = ctx;
        wk[t].id = t;
        wk[t].n_threads = n_threads;
    }

    mlclf_fanout(fn, wk, sizeof(mlclf_train_bins_worker_t), n_threads);
}


int
mlclf_train_bins_build(mlclf_train_bins_t *b, const mlclf_train_data_t *d,
    const size_t *rows, size_t n_fit, size_t n, uint32_t n_bins,
    uint64_t seed, size_t n_threads)
{
    size_t                   p;
    mlclf_train_bins_ctx_t   ctx;

    memset(b, 0, sizeof(mlclf_train_bins_t));
    memset(&ctx, 0, sizeof(mlclf_train_bins_ctx_t));

    p = d->n_features;

    b->n = n;
    b->p = p;
    b->n_bins = n_bins < 2 ? 2 : n_bins > 256 ? 256 : n_bins;

    ctx.b = b;
    ctx.d = d;
    ctx.rows = rows;
    ctx.ns = n_fit < MLCLF_TRAIN_BINS_SAMPLE ? n_fit : MLCLF_TRAIN_BINS_SAMPLE;

    /* 8 bytes of room: a reader may take a row's bins in 8-byte words */
    b->bins = mlclf_train_alloc_large(n * p + 8);
    b->edges = malloc(p * 256 * sizeof(double));
    b->n_edges = malloc(p * sizeof(uint32_t));
    ctx.sample = mlclf_train_alloc_large(p * ctx.ns * sizeof(double));

    if (b->bins == NULL || b->edges == NULL || b->n_edges == NULL
        || ctx.sample == NULL || pthread_mutex_init(&ctx.lock, NULL) != 0)
    {
        free(ctx.sample);
        mlclf_train_bins_free(b);
        return MLCLF_ENOMEM;
    }

    if (n_threads < 1) {
        n_threads = 1;
    }

    mlclf_train_bins_sample(&ctx, n_fit, seed);
    mlclf_train_bins_run(&ctx, n_threads, mlclf_train_bins_quantile_work);

    free(ctx.sample);
    pthread_mutex_destroy(&ctx.lock);

    if (ctx.rc != MLCLF_OK) {
        mlclf_train_bins_free(b);
        return ctx.rc;
    }

    mlclf_train_bins_run(&ctx, n_threads, mlclf_train_bins_row_work);

    return MLCLF_OK;
}


void
mlclf_train_bins_free(mlclf_train_bins_t *b)
{
    free(b->bins);
    free(b->edges);
    free(b->n_edges);
    memset(b, 0, sizeof(mlclf_train_bins_t));
}
