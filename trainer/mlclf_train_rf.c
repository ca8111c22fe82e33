
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
#include <mlclf_train_rng.h>


#define MLCLF_TRAIN_RF_SAMPLE   200000  /* rows used for quantiles */
#define MLCLF_TRAIN_RF_TILE     256     /* rows binned together */
#define MLCLF_TRAIN_RF_AHEAD    16      /* prefetch distance, rows */
#define MLCLF_TRAIN_RF_SMALL    64      /* rows: sort, not histogram */



/* One grown tree, node indices local to the tree. */
typedef struct {
    uint32_t                  n_nodes;
    uint32_t                  n_leaves;
    uint32_t                  cap_nodes;
    uint32_t                  cap_leaves;
    int32_t                  *feature;
    double                   *threshold;
    uint32_t                 *left;
    uint32_t                 *right;
    double                   *leaf;         /* n_leaves x n_classes */
} mlclf_train_rf_tree_t;


typedef struct {
    double                    score;        /* sum c^2 / w over children */
    uint32_t                  feature;
    uint32_t                  bin;          /* left: bins <= bin */
    int                       found;
} mlclf_train_rf_split_t;


typedef struct {
    uint32_t                  lo;           /* rows idx[lo, hi) */
    uint32_t                  hi;
    uint32_t                  depth;
    uint32_t                  node;
} mlclf_train_rf_item_t;


typedef struct {
    size_t                    n;            /* train rows */
    size_t                    p;
    size_t                    nc;
    size_t                    n_trees;
    uint32_t                  max_depth;    /* 0: none */
    uint32_t                  min_leaf;
    uint32_t                  mtry;
    uint32_t                  n_bins;
    uint64_t                  seed;

    uint8_t                  *bins;         /* n x p, row-major */
    uint32_t                 *y;            /* n */
    double                   *edges;        /* p x 256 */
    uint32_t                 *n_edges;      /* p */

    const mlclf_train_data_t *d;
    const size_t             *rows;
    double                   *sample;       /* p x ns, quantile sample */
    size_t                    ns;

    mlclf_train_rf_tree_t    *trees;

    pthread_mutex_t           lock;
    size_t                    next;         /* next tree / feature */
    size_t                    done;         /* trees grown */
    int                       rc;

    const mlclf_train_config_t  *cf;
} mlclf_train_rf_ctx_t;


typedef struct {
    mlclf_train_rf_ctx_t     *ctx;
    size_t                    id;
    size_t                    n_threads;
} mlclf_train_rf_worker_t;


static uint64_t mlclf_train_rf_rng_below(mlclf_train_rng_t *r,
    uint64_t n);
static void mlclf_train_rf_sort(double *v, uint64_t *k, uint64_t *tmp,
    size_t n);
static void mlclf_train_rf_edges(mlclf_train_rf_ctx_t *ctx, size_t f,
    uint64_t *keys);
static void *mlclf_train_rf_quantile_work(void *arg);
static void *mlclf_train_rf_bin_work(void *arg);
static void *mlclf_train_rf_tree_work(void *arg);
static int mlclf_train_rf_grow(mlclf_train_rf_ctx_t *ctx, size_t t,
    uint32_t *w, uint32_t *idx, uint32_t *tmp, uint32_t *perm,
    uint32_t *hist, double *cw, mlclf_train_rf_item_t *stack);
static int mlclf_train_rf_node(mlclf_train_rf_tree_t *tr, size_t nc);
static int mlclf_train_rf_scan(const mlclf_train_rf_ctx_t *ctx,
    const uint32_t *hist, uint32_t f, uint32_t nu, double tw, double *cw,
    mlclf_train_rf_split_t *best);
static int mlclf_train_rf_scan_small(const mlclf_train_rf_ctx_t *ctx,
    const uint32_t *idx, const uint32_t *ny, const uint32_t *nw,
    uint32_t nu, uint32_t f, double tw, double *cw, uint32_t *keys,
    mlclf_train_rf_split_t *best);
static int mlclf_train_rf_run(mlclf_train_rf_ctx_t *ctx, size_t n_threads,
    void *(*fn)(void *));
static size_t mlclf_train_rf_take(mlclf_train_rf_ctx_t *ctx);


/* uniform in [0, n), n >= 1: multiply-shift with rejection (Lemire) */
static uint64_t
mlclf_train_rf_rng_below(mlclf_train_rng_t *r, uint64_t n)
{
    uint64_t            x, lo, t;
    unsigned __int128   m;

    x = mlclf_train_rng_next(r);
    m = (unsigned __int128) x * n;
    lo = (uint64_t) m;

    if (lo < n) {
        t = ((uint64_t) 0 - n) % n;

        while (lo < t) {
            x = mlclf_train_rng_next(r);
            m = (unsigned __int128) x * n;
            lo = (uint64_t) m;
        }
    }

    return (uint64_t) (m >> 64);
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


static size_t
mlclf_train_rf_take(mlclf_train_rf_ctx_t *ctx)
{
    size_t  t;

    pthread_mutex_lock(&ctx->lock);
    t = ctx->rc == MLCLF_OK ? ctx->next++ : (size_t) -1;
    pthread_mutex_unlock(&ctx->lock);

    return t;
}


static void *
mlclf_train_rf_quantile_work(void *arg)
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
static void *
mlclf_train_rf_bin_work(void *arg)
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


static int
mlclf_train_rf_node(mlclf_train_rf_tree_t *tr, size_t nc)
{
    void      *q;
    uint32_t   cap;

    if (tr->n_nodes + 2 > tr->cap_nodes) {
        cap = tr->cap_nodes ? tr->cap_nodes * 2 : 64;

        q = realloc(tr->feature, cap * sizeof(int32_t));
        if (q == NULL) {
            return MLCLF_ENOMEM;
        }

        tr->feature = q;

        q = realloc(tr->threshold, cap * sizeof(double));
        if (q == NULL) {
            return MLCLF_ENOMEM;
        }

        tr->threshold = q;

        q = realloc(tr->left, cap * sizeof(uint32_t));
        if (q == NULL) {
            return MLCLF_ENOMEM;
        }

        tr->left = q;

        q = realloc(tr->right, cap * sizeof(uint32_t));
        if (q == NULL) {
            return MLCLF_ENOMEM;
        }

        tr->right = q;
        tr->cap_nodes = cap;
    }

    if (tr->n_leaves + 1 > tr->cap_leaves) {
        cap = tr->cap_leaves ? tr->cap_leaves * 2 : 32;

        q = realloc(tr->leaf, cap * nc * sizeof(double));
        if (q == NULL) {
            return MLCLF_ENOMEM;
        }

        tr->leaf = q;
        tr->cap_leaves = cap;
    }

    return MLCLF_OK;
}


/*
 * Scores every split of feature f from its node histogram (per bin:
 * class weights, then the count of distinct rows).  Maximising
 * sum_c l_c^2 / w_l + sum_c r_c^2 / w_r is minimising the weighted Gini
 * impurity of the children.  cw[0, nc) holds the node's class weights,
 * cw[nc, 2 nc) is scratch.  Returns 0 if f is constant in the node.
 */
static int
mlclf_train_rf_scan(const mlclf_train_rf_ctx_t *ctx, const uint32_t *hist,
    uint32_t f, uint32_t nu, double tw, double *cw,
    mlclf_train_rf_split_t *best)
{
    size_t           c, nc, stride;
    double           wl, wr, sl, sr, v, score, *cl;
    uint32_t         b, nb, nl, used;
    const uint32_t  *h;

    nc = ctx->nc;
    stride = nc + 1;
    nb = ctx->n_edges[f] + 1;
    cl = cw + nc;

    used = 0;
    for (b = 0; b < nb && used < 2; b++) {
        used += hist[b * stride + nc] != 0;
    }

    if (used < 2) {
        return 0;
    }

    for (c = 0; c < nc; c++) {
        cl[c] = 0.0;
    }

    wl = 0.0;
    nl = 0;

    for (b = 0; b + 1 < nb; b++) {
        h = hist + b * stride;

        if (h[nc] == 0) {
            continue;
        }

        nl += h[nc];

        for (c = 0; c < nc; c++) {
            cl[c] += h[c];
            wl += h[c];
        }

        if (nl < ctx->min_leaf) {
            continue;
        }

        if (nu - nl < ctx->min_leaf || nl == nu) {
            break;
        }

        wr = tw - wl;
        sl = 0.0;
        sr = 0.0;

        for (c = 0; c < nc; c++) {
            v = cl[c];
            sl += v * v;
            v = cw[c] - v;
            sr += v * v;
        }

        score = sl / wl + sr / wr;

        if (score > best->score) {
            best->score = score;
            best->feature = f;
            best->bin = b;
            best->found = 1;
        }
    }

    return 1;
}


/*
 * The same scores as mlclf_train_rf_scan() for a node of at most
 * MLCLF_TRAIN_RF_SMALL rows, from its rows sorted by bin: clearing and
 * walking 256 bins would cost more than the rows themselves, and deep
 * trees are mostly such nodes.  Splits are tried at the same bins in the
 * same order, on the same integer sums, so the choice is the same.
 */
static int
mlclf_train_rf_scan_small(const mlclf_train_rf_ctx_t *ctx,
    const uint32_t *idx, const uint32_t *ny, const uint32_t *nw,
    uint32_t nu, uint32_t f, double tw, double *cw, uint32_t *keys,
    mlclf_train_rf_split_t *best)
{
    size_t    c, nc;
    double    wl, wr, sl, sr, v, score, *cl;
    uint32_t  i, j, r, b, nl, key;

    nc = ctx->nc;
    cl = cw + nc;

    /* key: bin << 8 | position in the node; insertion sort */

    for (i = 0; i < nu; i++) {
        key = (uint32_t) ctx->bins[(size_t) idx[i] * ctx->p + f] << 8 | i;

        for (j = i; j > 0 && keys[j - 1] > key; j--) {
            keys[j] = keys[j - 1];
        }

        keys[j] = key;
    }

    if ((keys[0] >> 8) == (keys[nu - 1] >> 8)) {
        return 0;
    }

    for (c = 0; c < nc; c++) {
        cl[c] = 0.0;
    }

    wl = 0.0;
    nl = 0;

    for (i = 0; i + 1 < nu; i++) {
        r = keys[i] & 0xff;
        b = keys[i] >> 8;

        cl[ny[r]] += nw[r];
        wl += nw[r];
        nl++;

        if ((keys[i + 1] >> 8) == b || nl < ctx->min_leaf) {
            continue;
        }

        if (nu - nl < ctx->min_leaf) {
            break;
        }

        wr = tw - wl;
        sl = 0.0;
        sr = 0.0;

        for (c = 0; c < nc; c++) {
            v = cl[c];
            sl += v * v;
            v = cw[c] - v;
            sr += v * v;
        }

        score = sl / wl + sr / wr;

        if (score > best->score) {
            best->score = score;
            best->feature = f;
            best->bin = b;
            best->found = 1;
        }
    }

    return 1;
}


/*
 * Grows tree t depth-first: a split node at index q gets its children
 * at the next two free indices, so children always follow the parent.
 *
 * idx[] holds the node's rows; their labels and weights travel with them
 * in ny[] and nw[], so only the bin column is read at random.  w, idx and
 * tmp hold n, 3n and 3n entries.
 */
static int
mlclf_train_rf_grow(mlclf_train_rf_ctx_t *ctx, size_t t, uint32_t *w,
    uint32_t *idx, uint32_t *tmp, uint32_t *perm, uint32_t *hist,
    double *cw, mlclf_train_rf_item_t *stack)
{
    size_t                  i, j, k, c, n, p, nc, sp, n_valid, nsel,
                            stride;
    double                  tw;
    uint32_t                lo, hi, r, b, nu, nl, bf, bbin, m, *h, q,
                            leaf, yi, wi, *ny, *nw, *sel;
    const uint8_t          *row;
    mlclf_train_rng_t       rng;
    mlclf_train_rf_split_t  best;
    mlclf_train_rf_tree_t  *tr;
    mlclf_train_rf_item_t   it;

    n = ctx->n;
    p = ctx->p;
    nc = ctx->nc;
    stride = nc + 1;
    tr = &ctx->trees[t];

    mlclf_train_rng_seed(&rng, ctx->seed
                               ^ (0xd1b54a32d192ed03ULL * (t + 1)));

    /* bootstrap: n draws with replacement become weights */

    memset(w, 0, n * sizeof(uint32_t));

    for (i = 0; i < n; i++) {
        w[mlclf_train_rf_rng_below(&rng, n)]++;
    }

    ny = idx + n;
    nw = idx + 2 * n;
    m = 0;

    for (i = 0; i < n; i++) {
        if (w[i]) {
            idx[m] = (uint32_t) i;
            ny[m] = ctx->y[i];
            nw[m] = w[i];
            m++;
        }
    }

    for (j = 0; j < p; j++) {
        perm[j] = (uint32_t) j;
    }

    if (mlclf_train_rf_node(tr, nc) != MLCLF_OK) {
        return MLCLF_ENOMEM;
    }

    tr->n_nodes = 1;
    sp = 0;
    stack[sp].lo = 0;
    stack[sp].hi = m;
    stack[sp].depth = 0;
    stack[sp].node = 0;
    sp++;

    while (sp > 0) {
        it = stack[--sp];
        lo = it.lo;
        hi = it.hi;
        nu = hi - lo;

        for (c = 0; c < nc; c++) {
            cw[c] = 0.0;
        }

        for (i = lo; i < hi; i++) {
            cw[ny[i]] += nw[i];
        }

        tw = 0.0;
        nl = 0;

        for (c = 0; c < nc; c++) {
            tw += cw[c];
            nl += cw[c] > 0;
        }

        best.found = 0;
        best.feature = 0;
        best.bin = 0;
        best.score = -HUGE_VAL;

        if ((ctx->max_depth == 0 || it.depth < ctx->max_depth)
            && nl > 1 && nu >= 2 && nu >= 2 * (uint64_t) ctx->min_leaf)
        {
            n_valid = 0;
            j = 0;

            /*
             * Draw the features still missing, build all their
             * histograms in one pass over the rows (a row's bins share
             * a cache line), score them; features constant in the node
             * do not count, as in scikit-learn.
             */

            while (n_valid < ctx->mtry && j < p) {
                sel = perm + j;
                nsel = 0;

                while (n_valid + nsel < ctx->mtry && j < p) {
                    q = (uint32_t) (j + mlclf_train_rf_rng_below(&rng,
                                                                 p - j));
                    b = perm[j];
                    perm[j] = perm[q];
                    perm[q] = b;
                    j++;
                    nsel++;
                }

                if (nu <= MLCLF_TRAIN_RF_SMALL) {
                    for (k = 0; k < nsel; k++) {
                        n_valid += mlclf_train_rf_scan_small(ctx, idx + lo,
                                                             ny + lo,
                                                             nw + lo, nu,
                                                             sel[k], tw, cw,
                                                             tmp, &best);
                    }

                    continue;
                }

                for (k = 0; k < nsel; k++) {
                    memset(hist + k * 256 * stride, 0,
                           (ctx->n_edges[sel[k]] + 1) * stride
                           * sizeof(uint32_t));
                }

                for (i = lo; i < hi; i++) {
                    /* rows are scattered: ask for one a few rows ahead */
                    if (i + MLCLF_TRAIN_RF_AHEAD < hi) {
                        __builtin_prefetch(ctx->bins + (size_t)
                                           idx[i + MLCLF_TRAIN_RF_AHEAD] * p);
                    }

                    row = ctx->bins + (size_t) idx[i] * p;
                    yi = ny[i];
                    wi = nw[i];

                    for (k = 0; k < nsel; k++) {
                        h = hist + (k * 256 + row[sel[k]]) * stride;
                        h[yi] += wi;
                        h[nc]++;
                    }
                }

                for (k = 0; k < nsel; k++) {
                    n_valid += mlclf_train_rf_scan(ctx, hist + k * 256
                                                        * stride,
                                                   sel[k], nu, tw, cw,
                                                   &best);
                }
            }
        }

        if (mlclf_train_rf_node(tr, nc) != MLCLF_OK) {
            return MLCLF_ENOMEM;
        }

        if (!best.found) {
            leaf = tr->n_leaves++;
            tr->feature[it.node] = -1;
            tr->threshold[it.node] = 0.0;
            tr->left[it.node] = leaf;
            tr->right[it.node] = 0;

            for (c = 0; c < nc; c++) {
                tr->leaf[leaf * nc + c] = cw[c] / tw;
            }

            continue;
        }

        /* stable partition of idx[lo, hi) on bin <= bbin */

        bf = best.feature;
        bbin = best.bin;
        nl = 0;
        m = 0;

        for (i = lo; i < hi; i++) {
            r = idx[i];

            if (i + MLCLF_TRAIN_RF_AHEAD < hi) {
                __builtin_prefetch(ctx->bins + (size_t)
                                   idx[i + MLCLF_TRAIN_RF_AHEAD] * p + bf);
            }

            if (ctx->bins[(size_t) r * p + bf] <= bbin) {
                idx[lo + nl] = r;
                ny[lo + nl] = ny[i];
                nw[lo + nl] = nw[i];
                nl++;

            } else {
                tmp[m] = r;
                tmp[n + m] = ny[i];
                tmp[2 * n + m] = nw[i];
                m++;
            }
        }

        memcpy(idx + lo + nl, tmp, m * sizeof(uint32_t));
        memcpy(ny + lo + nl, tmp + n, m * sizeof(uint32_t));
        memcpy(nw + lo + nl, tmp + 2 * n, m * sizeof(uint32_t));

        tr->feature[it.node] = (int32_t) bf;
        tr->threshold[it.node] = ctx->edges[(size_t) bf * 256 + bbin];
        tr->left[it.node] = tr->n_nodes;
        tr->right[it.node] = tr->n_nodes + 1;

        /* right below left on the stack: the left subtree goes first */

        stack[sp].lo = lo + nl;
        stack[sp].hi = hi;
        stack[sp].depth = it.depth + 1;
        stack[sp].node = tr->n_nodes + 1;
        sp++;

        stack[sp].lo = lo;
        stack[sp].hi = lo + nl;
        stack[sp].depth = it.depth + 1;
        stack[sp].node = tr->n_nodes;
        sp++;

        tr->n_nodes += 2;
    }

    return MLCLF_OK;
}


static void *
mlclf_train_rf_tree_work(void *arg)
{
    mlclf_train_rf_worker_t  *wk = arg;

    int                       rc;
    size_t                    t, n;
    double                   *cw;
    uint32_t                 *w, *idx, *tmp, *perm, *hist;
    mlclf_train_rf_ctx_t     *ctx;
    mlclf_train_rf_item_t    *stack;

    ctx = wk->ctx;
    n = ctx->n;

    w = malloc(n * sizeof(uint32_t));
    idx = malloc(3 * n * sizeof(uint32_t));
    tmp = malloc(3 * n * sizeof(uint32_t));
    perm = malloc(ctx->p * sizeof(uint32_t));
    hist = malloc(ctx->mtry * 256 * (ctx->nc + 1) * sizeof(uint32_t));
    cw = malloc(2 * ctx->nc * sizeof(double));

    /*
     * depth-first: at most one pending right sibling per level, and a
     * split removes at least one row, so the depth stays below n
     */
    stack = malloc(((ctx->max_depth && ctx->max_depth < n ? ctx->max_depth
                                                           : n) + 2)
                   * sizeof(mlclf_train_rf_item_t));

    rc = MLCLF_OK;

    if (w == NULL || idx == NULL || tmp == NULL || perm == NULL
        || hist == NULL || cw == NULL || stack == NULL)
    {
        rc = MLCLF_ENOMEM;
        goto done;
    }

    for ( ;; ) {
        t = mlclf_train_rf_take(ctx);
        if (t >= ctx->n_trees) {
            break;
        }

        rc = mlclf_train_rf_grow(ctx, t, w, idx, tmp, perm, hist, cw,
                                 stack);
        if (rc != MLCLF_OK) {
            break;
        }

        if (ctx->cf->progress != NULL) {
            pthread_mutex_lock(&ctx->lock);
            ctx->done++;
            ctx->cf->progress(ctx->cf->progress_ctx, ctx->done,
                              ctx->n_trees);
            pthread_mutex_unlock(&ctx->lock);
        }
    }

done:

    if (rc != MLCLF_OK) {
        pthread_mutex_lock(&ctx->lock);
        ctx->rc = rc;
        pthread_mutex_unlock(&ctx->lock);
    }

    free(w);
    free(idx);
    free(tmp);
    free(perm);
    free(hist);
    free(cw);
    free(stack);

    return NULL;
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


int
mlclf_train_rf(mlclf_train_model_t *out, const mlclf_train_config_t *cf,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err)
{
    int                     rc, mutex;
    size_t                  i, f, t, s, p, nt, nn, nl, base, lbase, j;
    double                  t0, *thr, *leaf;
    int32_t                *feat;
    uint32_t                n_bins, *off, *left, *right;
    const char            **names;
    mlclf_train_rf_ctx_t    ctx;
    mlclf_train_rng_t       rng;
    mlclf_train_rf_tree_t  *tr;

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

    n_bins = cf->n_bins;
    if (n_bins == 0 || n_bins > 256) {
        n_bins = 256;
    }

    if (n_bins < 2) {
        n_bins = 2;
    }

    ctx.d = d;
    ctx.rows = rows;
    ctx.n = n;
    ctx.p = p;
    ctx.nc = d->n_classes;
    ctx.n_trees = cf->n_trees;
    ctx.cf = cf;
    ctx.max_depth = cf->max_depth;
    ctx.min_leaf = cf->min_samples_leaf ? cf->min_samples_leaf : 1;
    ctx.seed = cf->seed;
    ctx.n_bins = n_bins;

    ctx.mtry = cf->max_features;
    if (ctx.mtry == 0) {
        ctx.mtry = (uint32_t) floor(sqrt((double) p));
    }

    if (ctx.mtry < 1) {
        ctx.mtry = 1;
    }

    if (ctx.mtry > p) {
        ctx.mtry = (uint32_t) p;
    }

    nt = cf->n_threads ? cf->n_threads : mlclf_train_ncpu();

    ctx.ns = n < MLCLF_TRAIN_RF_SAMPLE ? n : MLCLF_TRAIN_RF_SAMPLE;

    ctx.bins = malloc(n * p);
    ctx.y = malloc(n * sizeof(uint32_t));
    ctx.edges = malloc(p * 256 * sizeof(double));
    ctx.n_edges = malloc(p * sizeof(uint32_t));
    ctx.sample = malloc(p * ctx.ns * sizeof(double));
    ctx.trees = calloc(cf->n_trees, sizeof(mlclf_train_rf_tree_t));

    if (ctx.bins == NULL || ctx.y == NULL || ctx.edges == NULL
        || ctx.n_edges == NULL || ctx.sample == NULL || ctx.trees == NULL)
    {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto failed;
    }

    if (pthread_mutex_init(&ctx.lock, NULL) != 0) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "pthread_mutex_init failed");
        goto failed;
    }

    mutex = 1;

    /* quantile sample: every row, or a seeded draw with replacement */

    mlclf_train_rng_seed(&rng, cf->seed ^ 0x6a09e667f3bcc909ULL);

    for (s = 0; s < ctx.ns; s++) {
        i = ctx.ns == n ? s : (size_t) mlclf_train_rf_rng_below(&rng, n);

        for (f = 0; f < p; f++) {
            ctx.sample[f * ctx.ns + s] = d->x[rows[i] * p + f];
        }
    }

    rc = mlclf_train_rf_run(&ctx, nt, mlclf_train_rf_quantile_work);
    if (rc != MLCLF_OK) {
        goto nomem;
    }

    free(ctx.sample);
    ctx.sample = NULL;

    rc = mlclf_train_rf_run(&ctx, nt, mlclf_train_rf_bin_work);
    if (rc != MLCLF_OK) {
        goto nomem;
    }

    /* a thread without a tree would only hold memory */
    rc = mlclf_train_rf_run(&ctx, nt < ctx.n_trees ? nt : ctx.n_trees,
                            mlclf_train_rf_tree_work);
    if (rc != MLCLF_OK) {
        goto nomem;
    }

    /* assemble in tree order, shifting local indices */

    nn = 0;
    nl = 0;

    for (t = 0; t < ctx.n_trees; t++) {
        nn += ctx.trees[t].n_nodes;
        nl += ctx.trees[t].n_leaves;
    }

    if (nn >= UINT32_MAX || nl >= UINT32_MAX) {
        rc = mlclf_err_set(err, MLCLF_EINVAL,
                           "random forest: %zu nodes do not fit the model "
                           "format; limit max_depth", nn);
        goto failed;
    }

    off = malloc((ctx.n_trees + 1) * sizeof(uint32_t));
    feat = malloc(nn * sizeof(int32_t));
    thr = malloc(nn * sizeof(double));
    left = malloc(nn * sizeof(uint32_t));
    right = malloc(nn * sizeof(uint32_t));
    leaf = malloc(nl * ctx.nc * sizeof(double));
    names = calloc(p, sizeof(char *));

    out->mem[0] = off;
    out->mem[1] = feat;
    out->mem[2] = thr;
    out->mem[3] = left;
    out->mem[4] = right;
    out->mem[5] = leaf;
    out->mem[6] = names;

    if (off == NULL || feat == NULL || thr == NULL || left == NULL
        || right == NULL || leaf == NULL || names == NULL)
    {
        goto nomem;
    }

    base = 0;
    lbase = 0;

    for (t = 0; t < ctx.n_trees; t++) {
        tr = &ctx.trees[t];
        off[t] = (uint32_t) base;

        for (j = 0; j < tr->n_nodes; j++) {
            feat[base + j] = tr->feature[j];
            thr[base + j] = tr->threshold[j];

            if (tr->feature[j] < 0) {
                left[base + j] = (uint32_t) (lbase + tr->left[j]);
                right[base + j] = 0;

            } else {
                left[base + j] = (uint32_t) (base + tr->left[j]);
                right[base + j] = (uint32_t) (base + tr->right[j]);
            }
        }

        memcpy(leaf + lbase * ctx.nc, tr->leaf,
               tr->n_leaves * ctx.nc * sizeof(double));

        base += tr->n_nodes;
        lbase += tr->n_leaves;
    }

    off[ctx.n_trees] = (uint32_t) base;

    if (cf->features != NULL && cf->n_features == p) {
        for (f = 0; f < p; f++) {
            names[f] = cf->features[f].name;
        }

        out->spec.feature_names = names;
    }

    out->spec.kind = MLCLF_KIND_FOREST;
    out->spec.n_features = (uint32_t) p;
    out->spec.n_classes = (uint32_t) d->n_classes;
    out->spec.class_labels = (const char *const *) d->classes;
    out->spec.n_trees = (uint32_t) ctx.n_trees;
    out->spec.n_nodes = (uint32_t) nn;
    out->spec.n_leaves = (uint32_t) nl;
    out->spec.tree_offsets = off;
    out->spec.node_feature = feat;
    out->spec.node_threshold = thr;
    out->spec.node_left = left;
    out->spec.node_right = right;
    out->spec.leaf_values = leaf;

    rc = MLCLF_OK;
    goto failed;

nomem:

    rc = mlclf_err_set(err, MLCLF_ENOMEM, "random forest: out of memory");

failed:

    if (mutex) {
        pthread_mutex_destroy(&ctx.lock);
    }

    if (ctx.trees != NULL) {
        for (t = 0; t < ctx.n_trees; t++) {
            free(ctx.trees[t].feature);
            free(ctx.trees[t].threshold);
            free(ctx.trees[t].left);
            free(ctx.trees[t].right);
            free(ctx.trees[t].leaf);
        }
    }

    free(ctx.trees);
    free(ctx.bins);
    free(ctx.y);
    free(ctx.edges);
    free(ctx.n_edges);
    free(ctx.sample);

    if (rc != MLCLF_OK) {
        mlclf_train_model_free(out);
        return rc;
    }

    out->fit_seconds = mlclf_train_now() - t0;

    return MLCLF_OK;
}
