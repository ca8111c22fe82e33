
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Random forest: the quantisation of each feature into at most n_bins
 * bins (mlclf_train_rf.c says why the edges are what they are), from a
 * sample of the train rows, and the binning of every train row.
 */


#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>
#include <mlclf_train_rf.h>
#include <mlclf_train_rng.h>


#define MLCLF_TRAIN_RF_TILE     256     /* rows binned together */


static void mlclf_train_rf_sort(double *v, uint64_t *k, uint64_t *tmp,
    size_t n);
static void mlclf_train_rf_edges(mlclf_train_rf_ctx_t *ctx, size_t f,
    uint64_t *keys);


/* quantile sample: every row, or a seeded draw with replacement */
void
mlclf_train_rf_bins_sample(mlclf_train_rf_ctx_t *ctx)
{
    size_t              i, f, s, n, p, ns;
    mlclf_train_rng_t   rng;

    n = ctx->n;
    p = ctx->p;
    ns = ctx->ns;

    mlclf_train_rng_seed(&rng, ctx->seed ^ 0x6a09e667f3bcc909ULL);

    for (s = 0; s < ns; s++) {
        i = ns == n ? s : (size_t) mlclf_train_rf_rng_below(&rng, n);

        for (f = 0; f < p; f++) {
            ctx->sample[f * ns + s] = ctx->d->x[ctx->rows[i] * p + f];
        }
    }
}


/*
 * Sorts v[n] ascending (finite values) with an LSD radix sort on keys
 * that order like the doubles: sign bit flipped for positives, every bit
 * flipped for negatives.  k and tmp hold n keys each.
 */
static void
mlclf_train_rf_sort(double *v, uint64_t *k, uint64_t *tmp, size_t n)
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
mlclf_train_rf_edges(mlclf_train_rf_ctx_t *ctx, size_t f, uint64_t *keys)
{
    size_t    i, j, q, ns, ne, n_distinct;
    double    a, b, mid, *v, *e;
    uint32_t  n_bins;

    ns = ctx->ns;
    v = ctx->sample + f * ns;
    e = ctx->edges + f * 256;

    n_bins = ctx->n_bins;
    mlclf_train_rf_sort(v, keys, keys + ns, ns);

    n_distinct = 1;
    for (i = 1; i < ns; i++) {
        n_distinct += v[i] != v[i - 1];
    }

    ne = 0;
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

    ctx->n_edges[f] = (uint32_t) ne;

    /* pad to 256 for the branch-free search in the binner */
    for (i = ne; i < 256; i++) {
        e[i] = HUGE_VAL;
    }
}


void *
mlclf_train_rf_bins_quantile_work(void *arg)
{
    mlclf_train_rf_worker_t  *wk = arg;

    size_t                    f;
    uint64_t                 *keys;
    mlclf_train_rf_ctx_t     *ctx;

    ctx = wk->ctx;

    keys = malloc(2 * ctx->ns * sizeof(uint64_t));
    if (keys == NULL) {
        pthread_mutex_lock(&ctx->lock);
        ctx->rc = MLCLF_ENOMEM;
        pthread_mutex_unlock(&ctx->lock);
        return NULL;
    }

    for ( ;; ) {
        f = mlclf_train_rf_take(ctx);
        if (f >= ctx->p) {
            break;
        }

        mlclf_train_rf_edges(ctx, f, keys);
    }

    free(keys);

    return NULL;
}


/*
 * Bins of a contiguous range of rows.  Rows go in tiles small enough to
 * stay in cache, feature by feature, so that one feature's edges stay in
 * L1 and the searches of a tile's rows run side by side.
 */
void *
mlclf_train_rf_bins_work(void *arg)
{
    mlclf_train_rf_worker_t  *wk = arg;

    size_t                    i, f, lo, hi, n, p, t, te;
    double                    x;
    uint8_t                  *out;
    uint32_t                  pos;
    const double             *e;
    const size_t             *rows;
    mlclf_train_rf_ctx_t     *ctx;

    ctx = wk->ctx;
    n = ctx->n;
    p = ctx->p;
    rows = ctx->rows;

    lo = n * wk->id / wk->n_threads;
    hi = n * (wk->id + 1) / wk->n_threads;

    for (i = lo; i < hi; i++) {
        ctx->y[i] = ctx->d->y[rows[i]];
    }

    for (t = lo; t < hi; t = te) {
        te = t + MLCLF_TRAIN_RF_TILE < hi ? t + MLCLF_TRAIN_RF_TILE : hi;

        for (f = 0; f < p; f++) {
            e = ctx->edges + f * 256;
            out = ctx->bins + f;

            for (i = t; i < te; i++) {
                x = ctx->d->x[rows[i] * p + f];
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

                out[i * p] = (uint8_t) pos;
            }
        }
    }

    return NULL;
}
