
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Random forest: growing one tree on the binned train rows, from its
 * bootstrap sample, by histogram (or, for small nodes, sorted) split
 * search over the features drawn at each node.
 */


#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>
#include <mlclf_train_rf.h>
#include <mlclf_train_rng.h>


#define MLCLF_TRAIN_RF_AHEAD    16      /* prefetch distance, rows */
#define MLCLF_TRAIN_RF_SMALL    64      /* rows: sort, not histogram */


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


/*
 * A worker's buffers.  idx[] holds a node's rows; their labels and
 * weights travel with them in ny[] and nw[], so only the bin column is
 * read at random.
 */
typedef struct {
    uint32_t                 *w;            /* n: bootstrap weights */
    uint32_t                 *idx;          /* 3n: idx, ny, nw */
    uint32_t                 *ny;           /* idx + n */
    uint32_t                 *nw;           /* idx + 2n */
    uint32_t                 *tmp;          /* 3n: partition, sort keys */
    uint32_t                 *perm;         /* p: features, drawn first */
    uint32_t                 *hist;         /* mtry x 256 x (nc + 1) */
    double                   *cw;           /* 2 nc: class weights */
    mlclf_train_rf_item_t    *stack;
} mlclf_train_rf_bufs_t;


static int mlclf_train_rf_node(mlclf_train_rf_tree_t *tr, size_t nc);
static inline void mlclf_train_rf_offer(size_t nc, const double *cw,
    const double *cl, double tw, double wl, uint32_t f, uint32_t b,
    mlclf_train_rf_split_t *best);
static int mlclf_train_rf_scan(const mlclf_train_rf_ctx_t *ctx,
    const uint32_t *hist, uint32_t f, uint32_t nu, double tw, double *cw,
    mlclf_train_rf_split_t *best);
static int mlclf_train_rf_scan_small(const mlclf_train_rf_ctx_t *ctx,
    const uint32_t *idx, const uint32_t *ny, const uint32_t *nw,
    uint32_t nu, uint32_t f, double tw, double *cw, uint32_t *keys,
    mlclf_train_rf_split_t *best);
static uint32_t mlclf_train_rf_bootstrap(const mlclf_train_rf_ctx_t *ctx,
    mlclf_train_rng_t *rng, mlclf_train_rf_bufs_t *b);
static uint32_t mlclf_train_rf_weigh(const mlclf_train_rf_ctx_t *ctx,
    const mlclf_train_rf_bufs_t *b, uint32_t lo, uint32_t hi, double *tw);
static void mlclf_train_rf_histogram(const mlclf_train_rf_ctx_t *ctx,
    mlclf_train_rf_bufs_t *b, uint32_t lo, uint32_t hi,
    const uint32_t *sel, size_t nsel);
static void mlclf_train_rf_search(const mlclf_train_rf_ctx_t *ctx,
    mlclf_train_rng_t *rng, mlclf_train_rf_bufs_t *b, uint32_t lo,
    uint32_t hi, double tw, mlclf_train_rf_split_t *best);
static void mlclf_train_rf_leaf(mlclf_train_rf_tree_t *tr, uint32_t node,
    size_t nc, const double *cw, double tw);
static uint32_t mlclf_train_rf_partition(const mlclf_train_rf_ctx_t *ctx,
    mlclf_train_rf_bufs_t *b, uint32_t lo, uint32_t hi, uint32_t bf,
    uint32_t bbin);
static int mlclf_train_rf_grow(mlclf_train_rf_ctx_t *ctx, size_t t,
    mlclf_train_rf_bufs_t *b);


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

        q = realloc(tr->cover, cap * sizeof(double));
        if (q == NULL) {
            return MLCLF_ENOMEM;
        }

        tr->cover = q;
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
 * Offers best the split of feature f after bin b: cl[0, nc) are the
 * class weights of the left child and wl their sum, cw[0, nc) and tw
 * the node's.
 */
static inline void
mlclf_train_rf_offer(size_t nc, const double *cw, const double *cl,
    double tw, double wl, uint32_t f, uint32_t b,
    mlclf_train_rf_split_t *best)
{
    size_t  c;
    double  wr, sl, sr, v, score;

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
    double           wl, *cl;
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

        mlclf_train_rf_offer(nc, cw, cl, tw, wl, f, b, best);
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
    double    wl, *cl;
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

        mlclf_train_rf_offer(nc, cw, cl, tw, wl, f, b, best);
    }

    return 1;
}


/* bootstrap: n draws with replacement become weights; returns m rows */
static uint32_t
mlclf_train_rf_bootstrap(const mlclf_train_rf_ctx_t *ctx,
    mlclf_train_rng_t *rng, mlclf_train_rf_bufs_t *b)
{
    size_t     i, n;
    uint32_t   m, *w, *idx, *ny, *nw;

    n = ctx->n;
    w = b->w;
    idx = b->idx;
    ny = b->ny;
    nw = b->nw;

    memset(w, 0, n * sizeof(uint32_t));

    for (i = 0; i < n; i++) {
        w[mlclf_train_rng_range(rng, n)]++;
    }

    m = 0;

    for (i = 0; i < n; i++) {
        if (w[i]) {
            idx[m] = (uint32_t) i;
            ny[m] = ctx->y[i];
            nw[m] = w[i];
            m++;
        }
    }

    return m;
}


/*
 * The class weights of the node's rows idx[lo, hi) into b->cw[0, nc),
 * their sum into *tw; returns how many classes the node holds.
 */
static uint32_t
mlclf_train_rf_weigh(const mlclf_train_rf_ctx_t *ctx,
    const mlclf_train_rf_bufs_t *b, uint32_t lo, uint32_t hi, double *tw)
{
    size_t     i, c, nc;
    double    *cw;
    uint32_t   nl;

    nc = ctx->nc;
    cw = b->cw;

    for (c = 0; c < nc; c++) {
        cw[c] = 0.0;
    }

    for (i = lo; i < hi; i++) {
        cw[b->ny[i]] += b->nw[i];
    }

    *tw = 0.0;
    nl = 0;

    for (c = 0; c < nc; c++) {
        *tw += cw[c];
        nl += cw[c] > 0;
    }

    return nl;
}


/*
 * The histograms of the nsel features sel[] over the node's rows in one
 * pass (a row's bins share a cache line): per bin, class weights, then
 * the count of distinct rows.  Not inlined: inside the tree loop the
 * row loop had to keep its pointers on the stack (about 4% more
 * instructions for a forest); in a frame of its own they stay in
 * registers.
 */
static __attribute__((noinline)) void
mlclf_train_rf_histogram(const mlclf_train_rf_ctx_t *ctx,
    mlclf_train_rf_bufs_t *b, uint32_t lo, uint32_t hi,
    const uint32_t *sel, size_t nsel)
{
    size_t          i, k, p, nc, stride;
    uint32_t        yi, wi, *h, *idx, *hist;
    const uint8_t  *row;

    p = ctx->p;
    nc = ctx->nc;
    stride = nc + 1;
    idx = b->idx;
    hist = b->hist;

    for (k = 0; k < nsel; k++) {
        memset(hist + k * 256 * stride, 0,
               (ctx->n_edges[sel[k]] + 1) * stride * sizeof(uint32_t));
    }

    for (i = lo; i < hi; i++) {
        /* rows are scattered: ask for one a few rows ahead */
        if (i + MLCLF_TRAIN_RF_AHEAD < hi) {
            __builtin_prefetch(ctx->bins + (size_t)
                               idx[i + MLCLF_TRAIN_RF_AHEAD] * p);
        }

        row = ctx->bins + (size_t) idx[i] * p;
        yi = b->ny[i];
        wi = b->nw[i];

        for (k = 0; k < nsel; k++) {
            h = hist + (k * 256 + row[sel[k]]) * stride;
            h[yi] += wi;
            h[nc]++;
        }
    }
}


/*
 * The best split of the node's rows idx[lo, hi) into *best.  Draws the
 * features still missing, builds all their histograms, scores them;
 * features constant in the node do not count, as in scikit-learn.
 */
static void
mlclf_train_rf_search(const mlclf_train_rf_ctx_t *ctx,
    mlclf_train_rng_t *rng, mlclf_train_rf_bufs_t *b, uint32_t lo,
    uint32_t hi, double tw, mlclf_train_rf_split_t *best)
{
    size_t     j, k, p, nsel, n_valid, stride;
    uint32_t   q, t, nu, *perm, *sel;

    p = ctx->p;
    stride = ctx->nc + 1;
    perm = b->perm;
    nu = hi - lo;
    n_valid = 0;
    j = 0;

    while (n_valid < ctx->mtry && j < p) {
        sel = perm + j;
        nsel = 0;

        while (n_valid + nsel < ctx->mtry && j < p) {
            q = (uint32_t) (j + mlclf_train_rng_range(rng, p - j));
            t = perm[j];
            perm[j] = perm[q];
            perm[q] = t;
            j++;
            nsel++;
        }

        if (nu <= MLCLF_TRAIN_RF_SMALL) {
            for (k = 0; k < nsel; k++) {
                n_valid += mlclf_train_rf_scan_small(ctx, b->idx + lo,
                                                     b->ny + lo, b->nw + lo,
                                                     nu, sel[k], tw, b->cw,
                                                     b->tmp, best);
            }

            continue;
        }

        mlclf_train_rf_histogram(ctx, b, lo, hi, sel, nsel);

        for (k = 0; k < nsel; k++) {
            n_valid += mlclf_train_rf_scan(ctx, b->hist + k * 256 * stride,
                                           sel[k], nu, tw, b->cw, best);
        }
    }
}


static void
mlclf_train_rf_leaf(mlclf_train_rf_tree_t *tr, uint32_t node, size_t nc,
    const double *cw, double tw)
{
    size_t    c;
    uint32_t  leaf;

    leaf = tr->n_leaves++;
    tr->feature[node] = -1;
    tr->threshold[node] = 0.0;
    tr->left[node] = leaf;
    tr->right[node] = 0;

    for (c = 0; c < nc; c++) {
        tr->leaf[leaf * nc + c] = cw[c] / tw;
    }
}


/* stable partition of idx[lo, hi) on bin <= bbin; returns the left size */
static uint32_t
mlclf_train_rf_partition(const mlclf_train_rf_ctx_t *ctx,
    mlclf_train_rf_bufs_t *b, uint32_t lo, uint32_t hi, uint32_t bf,
    uint32_t bbin)
{
    size_t     i, n, p;
    uint32_t   r, m, nl, *idx, *ny, *nw, *tmp;

    n = ctx->n;
    p = ctx->p;
    idx = b->idx;
    ny = b->ny;
    nw = b->nw;
    tmp = b->tmp;
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

    return nl;
}


/*
 * Grows tree t depth-first: a split node at index q gets its children
 * at the next two free indices, so children always follow the parent.
 */
static int
mlclf_train_rf_grow(mlclf_train_rf_ctx_t *ctx, size_t t,
    mlclf_train_rf_bufs_t *b)
{
    size_t                  j, sp;
    double                  tw;
    uint32_t                lo, hi, nu, nl, m, bf, bbin;
    mlclf_train_rng_t       rng;
    mlclf_train_rf_split_t  best;
    mlclf_train_rf_tree_t  *tr;
    mlclf_train_rf_item_t   it, *stack;

    tr = &ctx->trees[t];
    stack = b->stack;

    mlclf_train_rng_seed(&rng, ctx->seed
                               ^ (0xd1b54a32d192ed03ULL * (t + 1)));

    m = mlclf_train_rf_bootstrap(ctx, &rng, b);

    for (j = 0; j < ctx->p; j++) {
        b->perm[j] = (uint32_t) j;
    }

    if (mlclf_train_rf_node(tr, ctx->nc) != MLCLF_OK) {
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

        nl = mlclf_train_rf_weigh(ctx, b, lo, hi, &tw);

        best.found = 0;
        best.feature = 0;
        best.bin = 0;
        best.score = -HUGE_VAL;

        if ((ctx->max_depth == 0 || it.depth < ctx->max_depth)
            && nl > 1 && nu >= 2 && nu >= 2 * (uint64_t) ctx->min_leaf)
        {
            mlclf_train_rf_search(ctx, &rng, b, lo, hi, tw, &best);
        }

        if (mlclf_train_rf_node(tr, ctx->nc) != MLCLF_OK) {
            return MLCLF_ENOMEM;
        }

        /* the node's cover: the bootstrap weight of its rows, exact */
        tr->cover[it.node] = tw;

        if (!best.found) {
            mlclf_train_rf_leaf(tr, it.node, ctx->nc, b->cw, tw);
            continue;
        }

        bf = best.feature;
        bbin = best.bin;
        nl = mlclf_train_rf_partition(ctx, b, lo, hi, bf, bbin);

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


void *
mlclf_train_rf_tree_work(void *arg)
{
    mlclf_train_rf_worker_t  *wk = arg;

    int                       rc;
    size_t                    t, n;
    mlclf_train_rf_ctx_t     *ctx;
    mlclf_train_rf_bufs_t     b;

    ctx = wk->ctx;
    n = ctx->n;

    b.w = malloc(n * sizeof(uint32_t));
    b.idx = malloc(3 * n * sizeof(uint32_t));
    b.tmp = malloc(3 * n * sizeof(uint32_t));
    b.perm = malloc(ctx->p * sizeof(uint32_t));
    b.hist = malloc(ctx->mtry * 256 * (ctx->nc + 1) * sizeof(uint32_t));
    b.cw = malloc(2 * ctx->nc * sizeof(double));

    /*
     * depth-first: at most one pending right sibling per level, and a
     * split removes at least one row, so the depth stays below n
     */
    b.stack = malloc(((ctx->max_depth && ctx->max_depth < n ? ctx->max_depth
                                                             : n) + 2)
                     * sizeof(mlclf_train_rf_item_t));

    rc = MLCLF_OK;

    if (b.w == NULL || b.idx == NULL || b.tmp == NULL || b.perm == NULL
        || b.hist == NULL || b.cw == NULL || b.stack == NULL)
    {
        rc = MLCLF_ENOMEM;
        goto done;
    }

    b.ny = b.idx + n;
    b.nw = b.idx + 2 * n;

    for ( ;; ) {
        t = mlclf_train_rf_take(ctx);
        if (t >= ctx->n_trees) {
            break;
        }

        rc = mlclf_train_rf_grow(ctx, t, &b);
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

    free(b.w);
    free(b.idx);
    free(b.tmp);
    free(b.perm);
    free(b.hist);
    free(b.cw);
    free(b.stack);

    return NULL;
}
