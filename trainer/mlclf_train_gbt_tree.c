
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Gradient-boosted trees: the growing of one tree by every member of the
 * team (mlclf_train_team.h).
 *
 * A node's histogram holds, for each of the tree's features and each
 * bin, the sums of the gradients and hessians of the node's rows in that
 * bin.  When a node is split, the histogram of the child with fewer rows
 * is built from its rows and the other child's is the parent's minus
 * it.  Each member owns a region of the tree's row positions, and every
 * node has a segment of its rows in each region: a member partitions its
 * segments in place, without waiting for the others, sums its segment
 * of a large node into a histogram of its own (then the members add the
 * histograms up, a share of the features each), and updates its rows'
 * margins.  A small node's histogram is shared by features, as are the
 * subtraction and the split search.  The order of rows inside a segment
 * changes nothing: the sums are exact integers (mlclf_train_gbt.h), and
 * every choice breaks ties the same way (the first feature, then the
 * first bin), so the tree is the same for any number of members.
 *
 * Growth: depth-wise (the candidates in the order they were made, which
 * is level by level) unless max_leaves is set: then best-first, the
 * candidate with the largest gain, up to max_leaves leaves.  max_depth,
 * when set, bounds both.
 *
 * A split after bin b sends a row left when its bin is <= b; a missing
 * value goes where the split search found it best (with no missing value
 * in the node: to the child with the larger hessian sum).
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_format.h>
#include <mlclf_train.h>
#include <mlclf_train_gbt.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif


#define MLCLF_GBT_MIN_GAIN    1e-12
#define MLCLF_GBT_MIN_HESS    1e-12

/* rows a member needs to build a share of them (else: of the features) */
#define MLCLF_GBT_ROWS_SHARE  4096



static mlclf_train_gbt_bin_t *mlclf_gbt_hist_get(mlclf_train_gbt_ctx_t *ctx);
static void mlclf_gbt_hist_put(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_gbt_bin_t *h);
static int mlclf_gbt_node_add(mlclf_train_gbt_ctx_t *ctx, uint32_t depth,
    int64_t g, int64_t h);
static void mlclf_gbt_sum(const mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_gbt_bin_t *hist, size_t j0, size_t j1, unsigned set,
    size_t from, size_t to);
static int mlclf_gbt_splittable(const mlclf_train_gbt_ctx_t *ctx,
    const mlclf_train_gbt_node_t *nd);
static void mlclf_gbt_build(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id, uint32_t q);
static void mlclf_gbt_subtract(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id, mlclf_train_gbt_bin_t *dst,
    const mlclf_train_gbt_bin_t *sub);
static void mlclf_gbt_find(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id, const mlclf_train_gbt_node_t *nd,
    mlclf_train_gbt_split_t *best);
static void mlclf_gbt_pick(mlclf_train_gbt_ctx_t *ctx, size_t n_members,
    mlclf_train_gbt_node_t *nd, size_t slot);
static void mlclf_gbt_choose(mlclf_train_gbt_ctx_t *ctx);
static void mlclf_gbt_children(mlclf_train_gbt_ctx_t *ctx,
    size_t n_members);
static void mlclf_gbt_leaves(mlclf_train_gbt_ctx_t *ctx);
static void mlclf_gbt_root_sums(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id);
static void mlclf_gbt_root(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team);
static int mlclf_gbt_keep(mlclf_train_gbt_ctx_t *ctx);


/* a histogram of p x 256 bins from the pool, or NULL (rc set) */
static mlclf_train_gbt_bin_t *
mlclf_gbt_hist_get(mlclf_train_gbt_ctx_t *ctx)
{
    mlclf_train_gbt_bin_t  *h;

    if (ctx->n_pool > 0) {
        return ctx->pool[--ctx->n_pool];
    }

    h = malloc(ctx->p * 256 * sizeof(mlclf_train_gbt_bin_t));
    if (h == NULL) {
        ctx->rc = MLCLF_ENOMEM;
    }

    return h;
}


static void
mlclf_gbt_hist_put(mlclf_train_gbt_ctx_t *ctx, mlclf_train_gbt_bin_t *h)
{
    mlclf_train_gbt_bin_t  **pool;

    if (h == NULL) {
        return;
    }

    if (ctx->n_pool == ctx->cap_pool) {
        pool = realloc(ctx->pool, (ctx->cap_pool * 2 + 8)
                                  * sizeof(mlclf_train_gbt_bin_t *));
        if (pool == NULL) {
            free(h);
            return;
        }

        ctx->pool = pool;
        ctx->cap_pool = ctx->cap_pool * 2 + 8;
    }

    ctx->pool[ctx->n_pool++] = h;
}


/*
 * A new node's id, or -1 (rc set); its segments (mlclf_train_gbt_seg()) are
 * the caller's to fill.
 */
static int
mlclf_gbt_node_add(mlclf_train_gbt_ctx_t *ctx, uint32_t depth, int64_t g,
    int64_t h)
{
    uint32_t                 cap, *seg;
    mlclf_train_gbt_node_t  *nd;

    if (ctx->n_nodes == ctx->cap_nodes) {
        cap = ctx->cap_nodes * 2 + 64;
        nd = realloc(ctx->node, cap * sizeof(mlclf_train_gbt_node_t));
        if (nd == NULL) {
            ctx->rc = MLCLF_ENOMEM;
            return -1;
        }

        ctx->node = nd;

        seg = realloc(ctx->seg, (size_t) cap * ctx->n_members * 2
                                * sizeof(uint32_t));
        if (seg == NULL) {
            ctx->rc = MLCLF_ENOMEM;
            return -1;
        }

        ctx->seg = seg;
        ctx->cap_nodes = cap;
    }

    nd = &ctx->node[ctx->n_nodes];
    memset(nd, 0, sizeof(mlclf_train_gbt_node_t));

    nd->feature = -1;
    nd->depth = depth;
    nd->g = g;
    nd->h = h;

    return (int) ctx->n_nodes++;
}




/* may the node be split at all (before its histogram is looked at)? */
static int
mlclf_gbt_splittable(const mlclf_train_gbt_ctx_t *ctx,
    const mlclf_train_gbt_node_t *nd)
{
    double  mcw;

    mcw = ctx->cf->min_child_weight;
    if (mcw < MLCLF_GBT_MIN_HESS) {
        mcw = MLCLF_GBT_MIN_HESS;
    }

    return nd->rows >= 2
           && (ctx->max_depth == 0 || nd->depth < ctx->max_depth)
           && (ctx->max_leaves == 0 || ctx->max_leaves >= 2)
           && (double) nd->h / MLCLF_GBT_UNIT >= 2 * mcw;
}


#if defined(__SSE2__)

/*
 * The bins b0 .. b3 of features j .. j + 3 gain v (a bin's two sums in
 * one add; the bins are 16-byte aligned).  The four are loaded before
 * any is stored: they lie in different features' histograms, so the
 * loads need not wait behind the stores (a fifth fewer cycles a row).
 */
static inline void
mlclf_gbt_add4(mlclf_train_gbt_bin_t *hist, size_t j, unsigned b0,
    unsigned b1, unsigned b2, unsigned b3, __m128i v)
{
    __m128i  *p0, *p1, *p2, *p3, x0, x1, x2, x3;

    p0 = (__m128i *) (hist + j * 256 + b0);
    p1 = (__m128i *) (hist + (j + 1) * 256 + b1);
    p2 = (__m128i *) (hist + (j + 2) * 256 + b2);
    p3 = (__m128i *) (hist + (j + 3) * 256 + b3);

    x0 = _mm_load_si128(p0);
    x1 = _mm_load_si128(p1);
    x2 = _mm_load_si128(p2);
    x3 = _mm_load_si128(p3);

    _mm_store_si128(p0, _mm_add_epi64(x0, v));
    _mm_store_si128(p1, _mm_add_epi64(x1, v));
    _mm_store_si128(p2, _mm_add_epi64(x2, v));
    _mm_store_si128(p3, _mm_add_epi64(x3, v));
}


/*
 * hist's features [j0, j1) gain the rows at positions [from, to) of set:
 * their gradients and hessians added to each bin.
 */
static void
mlclf_gbt_sum(const mlclf_train_gbt_ctx_t *ctx, mlclf_train_gbt_bin_t *hist,
    size_t j0, size_t j1, unsigned set, size_t from, size_t to)
{
    size_t                         i, j, stride;
    __m128i                        v, *b;
    const uint8_t                 *row;
    const uint32_t                *f;
    const mlclf_train_gbt_rows_t  *rs;

    rs = &ctx->rows[set];
    stride = rs->stride;
    f = ctx->feat;
    row = rs->bins + from * stride;

    for (i = from; i < to; i++, row += stride) {
        v = _mm_set_epi64x(rs->og[i].h, rs->og[i].g);
        j = j0;

        if (ctx->nf == ctx->p) {
            /* every feature: position j is feature j, one load fewer */
            for ( /* void */ ; j + 4 <= j1; j += 4) {
                mlclf_gbt_add4(hist, j, row[j], row[j + 1], row[j + 2],
                               row[j + 3], v);
            }

        } else {
            for ( /* void */ ; j + 4 <= j1; j += 4) {
                mlclf_gbt_add4(hist, j, row[f[j]], row[f[j + 1]],
                               row[f[j + 2]], row[f[j + 3]], v);
            }
        }

        for ( /* void */ ; j < j1; j++) {
            b = (__m128i *) (hist + j * 256 + row[f[j]]);
            _mm_store_si128(b, _mm_add_epi64(_mm_load_si128(b), v));
        }
    }
}

#else

/*
 * hist's features [j0, j1) gain the rows at positions [from, to) of set:
 * their gradients and hessians added to each bin.
 */
static void
mlclf_gbt_sum(const mlclf_train_gbt_ctx_t *ctx, mlclf_train_gbt_bin_t *hist,
    size_t j0, size_t j1, unsigned set, size_t from, size_t to)
{
    size_t                         i, j, stride;
    int64_t                        g, h;
    mlclf_train_gbt_bin_t         *b;
    const uint8_t                 *row;
    const mlclf_train_gbt_rows_t  *rs;

    rs = &ctx->rows[set];
    stride = rs->stride;
    row = rs->bins + from * stride;

    for (i = from; i < to; i++, row += stride) {
        g = rs->og[i].g;
        h = rs->og[i].h;

        for (j = j0; j < j1; j++) {
            b = hist + j * 256 + row[ctx->feat[j]];
            b->g += g;
            b->h += h;
        }
    }
}

#endif


/*
 * Node q's histogram.  A large node: each member sums its segment into
 * its own histogram, then adds up the members' histograms for a share
 * of the features.  A small one: each member sums every segment for a
 * share of the features.  Exact sums: the same either way.
 */
static void
mlclf_gbt_build(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id, uint32_t q)
{
    size_t                        i, k, n, j0, j1;
    uint32_t                     *seg;
    mlclf_train_gbt_bin_t        *dst;
    const mlclf_train_gbt_bin_t  *src;
    const mlclf_train_gbt_node_t *nd;

    nd = &ctx->node[q];
    n = mlclf_train_team_size(team);
    mlclf_train_team_share(team, id, ctx->nf, &j0, &j1);

    if (n == 1 || nd->rows < MLCLF_GBT_ROWS_SHARE * n) {
        if (j0 == j1) {
            return;
        }

        memset(nd->hist + j0 * 256, 0, (j1 - j0) * 256 * sizeof(*dst));

        for (k = 0; k < n; k++) {
            seg = mlclf_train_gbt_seg(ctx, q, k);
            mlclf_gbt_sum(ctx, nd->hist, j0, j1, nd->set, seg[0], seg[1]);
        }

        return;
    }

    seg = mlclf_train_gbt_seg(ctx, q, id);
    memset(ctx->own[id], 0, ctx->nf * 256 * sizeof(*dst));
    mlclf_gbt_sum(ctx, ctx->own[id], 0, ctx->nf, nd->set, seg[0], seg[1]);

    mlclf_train_team_sync(team);

    dst = nd->hist;
    memcpy(dst + j0 * 256, ctx->own[0] + j0 * 256,
           (j1 - j0) * 256 * sizeof(*dst));

    for (k = 1; k < n; k++) {
        src = ctx->own[k];

        for (i = j0 * 256; i < j1 * 256; i++) {
            dst[i].g += src[i].g;
            dst[i].h += src[i].h;
        }
    }
}


/* dst -= sub over this member's features */
static void
mlclf_gbt_subtract(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id, mlclf_train_gbt_bin_t *dst, const mlclf_train_gbt_bin_t *sub)
{
    size_t  i, j0, j1;

    mlclf_train_team_share(team, id, ctx->nf, &j0, &j1);

    for (i = j0 * 256; i < j1 * 256; i++) {
        dst[i].g -= sub[i].g;
        dst[i].h -= sub[i].h;
    }
}


/*
 * The best split of nd over this member's features, into *best (gain 0
 * when none).  The gain of sending sums (gl, hl) left and the rest right
 * is gl^2 / (hl + l2) + gr^2 / (hr + l2) - g^2 / (h + l2); each child
 * needs a hessian sum of min_child_weight.
 */
static void
mlclf_gbt_find(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id, const mlclf_train_gbt_node_t *nd,
    mlclf_train_gbt_split_t *best)
{
    int                           lm, has_missing;
    size_t                        j, j0, j1, b, nb;
    double                        l2, mcw, g, h, gr, hr, parent, gain,
                                  cg, ch;
    int64_t                       gl, hl, gm, hm, cgl, chl;
    const mlclf_train_gbt_bin_t  *hist;

    memset(best, 0, sizeof(mlclf_train_gbt_split_t));

    mlclf_train_team_share(team, id, ctx->nf, &j0, &j1);

    l2 = ctx->cf->l2;
    mcw = ctx->cf->min_child_weight;
    if (mcw < MLCLF_GBT_MIN_HESS) {
        mcw = MLCLF_GBT_MIN_HESS;
    }

    g = (double) nd->g / MLCLF_GBT_UNIT;
    h = (double) nd->h / MLCLF_GBT_UNIT;
    parent = g * g / (h + l2);

    for (j = j0; j < j1; j++) {
        hist = nd->hist + j * 256;
        nb = ctx->qb.n_edges[ctx->feat[j]] + 1;
        gm = hist[MLCLF_TRAIN_BIN_MISSING].g;
        hm = hist[MLCLF_TRAIN_BIN_MISSING].h;
        has_missing = hm > 0;

        gl = 0;
        hl = 0;

        for (b = 0; b + 1 < nb; b++) {
            gl += hist[b].g;
            hl += hist[b].h;

            /* missing values right, then (if any) left */
            for (lm = 0; lm <= has_missing; lm++) {
                cgl = lm ? gl + gm : gl;
                chl = lm ? hl + hm : hl;
                cg = (double) cgl / MLCLF_GBT_UNIT;
                ch = (double) chl / MLCLF_GBT_UNIT;
                gr = (double) (nd->g - cgl) / MLCLF_GBT_UNIT;
                hr = (double) (nd->h - chl) / MLCLF_GBT_UNIT;

                if (ch < mcw || hr < mcw) {
                    continue;
                }

                gain = cg * cg / (ch + l2) + gr * gr / (hr + l2) - parent;

                if (gain > best->gain) {
                    best->gain = gain;
                    best->gl = cgl;
                    best->hl = chl;
                    best->feature = ctx->feat[j];
                    best->bin = (uint32_t) b;
                    best->left_missing = has_missing ? lm : ch >= hr;
                }
            }
        }
    }
}


/*
 * nd's split: the members' best ones taken in member order, the first
 * of equal gains kept, so the first feature wins as in a serial search.
 */
static void
mlclf_gbt_pick(mlclf_train_gbt_ctx_t *ctx, size_t n_members,
    mlclf_train_gbt_node_t *nd, size_t slot)
{
    size_t                    i;
    mlclf_train_gbt_split_t  *best;

    best = &ctx->best[0][slot];

    for (i = 1; i < n_members; i++) {
        if (ctx->best[i][slot].gain > best->gain) {
            best = &ctx->best[i][slot];
        }
    }

    nd->best = *best;
    nd->candidate = best->gain > MLCLF_GBT_MIN_GAIN
                    && best->gain > ctx->cf->min_split_gain;

    if (!nd->candidate) {
        mlclf_gbt_hist_put(ctx, nd->hist);
        nd->hist = NULL;
    }
}










/* member 0: the candidate to split next into ctx->cur, or ctx->done */
static void
mlclf_gbt_choose(mlclf_train_gbt_ctx_t *ctx)
{
    uint32_t                 i, pick;
    mlclf_train_gbt_node_t  *nd;

    ctx->done = 1;

    if (ctx->max_leaves && ctx->n_leaves >= ctx->max_leaves) {
        return;
    }

    pick = 0;

    for (i = 0; i < ctx->n_nodes; i++) {
        nd = &ctx->node[i];

        if (!nd->candidate) {
            continue;
        }

        if (ctx->done) {
            pick = i;
            ctx->done = 0;

            if (ctx->max_leaves == 0) {
                break;          /* depth-wise: the oldest candidate */
            }

        } else if (nd->best.gain > ctx->node[pick].best.gain) {
            pick = i;
        }
    }

    ctx->cur = pick;
}


/*
 * Member 0, after the partition: the two children of ctx->cur, which of
 * them get a histogram, and from where.  The smaller child's is built
 * into a histogram of the pool; the larger one's, if it is a candidate,
 * is the parent's histogram minus it.
 */
static void
mlclf_gbt_children(mlclf_train_gbt_ctx_t *ctx, size_t n_members)
{
    int                      l, r;
    size_t                   k;
    uint32_t                 depth, left, *ps, *ls, *rs;
    mlclf_train_gbt_node_t  *nd, *small, *large;

    nd = &ctx->node[ctx->cur];
    depth = nd->depth + 1;

    l = mlclf_gbt_node_add(ctx, depth, nd->best.gl, nd->best.hl);
    r = l < 0 ? -1
              : mlclf_gbt_node_add(ctx, depth,
                                   ctx->node[ctx->cur].g
                                   - ctx->node[ctx->cur].best.gl,
                                   ctx->node[ctx->cur].h
                                   - ctx->node[ctx->cur].best.hl);
    if (r < 0) {
        return;
    }

    /* each member's segment: its left rows, then its right ones */
    left = 0;

    for (k = 0; k < n_members; k++) {
        ps = mlclf_train_gbt_seg(ctx, ctx->cur, k);
        ls = mlclf_train_gbt_seg(ctx, (uint32_t) l, k);
        rs = mlclf_train_gbt_seg(ctx, (uint32_t) r, k);

        ls[0] = ps[0];
        ls[1] = ps[0] + (uint32_t) ctx->count[k];
        rs[0] = ls[1];
        rs[1] = ps[1];
        left += (uint32_t) ctx->count[k];
    }

    nd = &ctx->node[ctx->cur];          /* the array may have moved */
    ctx->node[l].set = MLCLF_GBT_SET_WORK;
    ctx->node[r].set = MLCLF_GBT_SET_WORK;
    ctx->node[l].rows = left;
    ctx->node[r].rows = nd->rows - left;
    nd->feature = (int32_t) nd->best.feature;
    nd->bin = nd->best.bin;
    nd->left_missing = nd->best.left_missing;
    nd->left = (uint32_t) l;
    nd->right = (uint32_t) r;
    nd->candidate = 0;
    ctx->n_leaves++;

    small = &ctx->node[l];
    large = &ctx->node[r];

    if (large->rows < small->rows) {
        small = &ctx->node[r];
        large = &ctx->node[l];
    }

    if (!mlclf_gbt_splittable(ctx, small)
        && !mlclf_gbt_splittable(ctx, large))
    {
        mlclf_gbt_hist_put(ctx, nd->hist);
        nd->hist = NULL;
        return;
    }

    small->hist = mlclf_gbt_hist_get(ctx);

    if (mlclf_gbt_splittable(ctx, large)) {
        large->hist = nd->hist;

    } else {
        mlclf_gbt_hist_put(ctx, nd->hist);
    }

    nd->hist = NULL;
}


/* member 0: every leaf's score; the candidates' histograms back */
static void
mlclf_gbt_leaves(mlclf_train_gbt_ctx_t *ctx)
{
    uint32_t                 i;
    mlclf_train_gbt_node_t  *nd;

    for (i = 0; i < ctx->n_nodes; i++) {
        nd = &ctx->node[i];

        mlclf_gbt_hist_put(ctx, nd->hist);
        nd->hist = NULL;
        nd->candidate = 0;

        /* a root without rows (subsample) with l2 0 scores 0 */
        if (nd->feature < 0 && nd->h + ctx->cf->l2 > 0) {
            nd->value = -((double) nd->g / MLCLF_GBT_UNIT)
                        / ((double) nd->h / MLCLF_GBT_UNIT + ctx->cf->l2)
                        * ctx->cf->learning_rate;
        }
    }
}




/* member 0: the tree appended to the grown ones; MLCLF_ENOMEM or OK */
static int
mlclf_gbt_keep(mlclf_train_gbt_ctx_t *ctx)
{
    size_t                         i, at, cap;
    void                          *q[8];
    uint32_t                      *off;
    const mlclf_train_gbt_node_t  *nd;

    if (ctx->t_nodes + ctx->n_nodes > ctx->t_cap) {
        cap = (ctx->t_nodes + ctx->n_nodes) * 2;

        q[0] = realloc(ctx->t_feature, cap * sizeof(int32_t));
        if (q[0] != NULL) {
            ctx->t_feature = q[0];
        }

        q[1] = realloc(ctx->t_threshold, cap * sizeof(double));
        if (q[1] != NULL) {
            ctx->t_threshold = q[1];
        }

        q[2] = realloc(ctx->t_left, cap * sizeof(uint32_t));
        if (q[2] != NULL) {
            ctx->t_left = q[2];
        }

        q[3] = realloc(ctx->t_right, cap * sizeof(uint32_t));
        if (q[3] != NULL) {
            ctx->t_right = q[3];
        }

        q[4] = realloc(ctx->t_decision, cap);
        if (q[4] != NULL) {
            ctx->t_decision = q[4];
        }

        q[5] = realloc(ctx->t_value, cap * sizeof(double));
        if (q[5] != NULL) {
            ctx->t_value = q[5];
        }

        q[6] = realloc(ctx->t_gain, cap * sizeof(double));
        if (q[6] != NULL) {
            ctx->t_gain = q[6];
        }

        q[7] = realloc(ctx->t_cover, cap * sizeof(double));
        if (q[7] != NULL) {
            ctx->t_cover = q[7];
        }

        for (i = 0; i < 8; i++) {
            if (q[i] == NULL) {
                return MLCLF_ENOMEM;
            }
        }

        ctx->t_cap = cap;
    }

    off = realloc(ctx->t_offset, (ctx->n_trees + 2) * sizeof(uint32_t));
    if (off == NULL) {
        return MLCLF_ENOMEM;
    }

    ctx->t_offset = off;
    off[ctx->n_trees] = (uint32_t) ctx->t_nodes;

    for (i = 0; i < ctx->n_nodes; i++) {
        nd = &ctx->node[i];
        at = ctx->t_nodes + i;

        ctx->t_feature[at] = nd->feature;
        ctx->t_cover[at] = (double) nd->h / MLCLF_GBT_UNIT;
        ctx->t_left[at] = nd->left;
        ctx->t_right[at] = nd->right;

        if (nd->feature >= 0) {
            ctx->t_threshold[at] = ctx->qb.edges[(size_t) nd->feature * 256
                                                 + nd->bin];
            ctx->t_decision[at] = MLCLF_CMP_LE | MLCLF_MISSING_NAN
                                  | (nd->left_missing ? MLCLF_DEFAULT_LEFT
                                                      : 0);
            ctx->t_value[at] = 0;
            ctx->t_gain[at] = nd->best.gain;

        } else {
            ctx->t_threshold[at] = 0;
            ctx->t_decision[at] = 0;
            ctx->t_value[at] = nd->value;
            ctx->t_gain[at] = 0;
        }
    }

    ctx->t_nodes += ctx->n_nodes;
    ctx->n_trees++;
    off[ctx->n_trees] = (uint32_t) ctx->t_nodes;

    return MLCLF_OK;
}




/* the sums of member id's share of the root's rows, into ctx->sums[id] */
static void
mlclf_gbt_root_sums(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id)
{
    size_t                       i, lo, hi;
    int64_t                      g, h;
    const mlclf_train_gbt_gh_t  *og;

    og = ctx->rows[ctx->m == ctx->n_fit ? MLCLF_GBT_SET_BINS
                                        : MLCLF_GBT_SET_WORK].og;
    mlclf_train_team_share(team, id, ctx->m, &lo, &hi);
    g = 0;
    h = 0;

    for (i = lo; i < hi; i++) {
        g += og[i].g;
        h += og[i].h;
    }

    ctx->sums[id].g = g;
    ctx->sums[id].h = h;
}


/*
 * Member 0: the root, its segments (the members' regions, the shares
 * mlclf_train_gbt_load() used), its sums (the members' ones added up:
 * a root too small to split needs them), and its histogram if it may be
 * split.
 */
static void
mlclf_gbt_root(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team)
{
    size_t                   k, lo, hi;
    uint32_t                *seg;
    mlclf_train_gbt_node_t  *root;

    ctx->n_nodes = 0;
    ctx->n_leaves = 1;

    if (mlclf_gbt_node_add(ctx, 0, 0, 0) != 0) {
        return;
    }

    root = &ctx->node[0];
    root->set = ctx->m == ctx->n_fit ? MLCLF_GBT_SET_BINS
                                     : MLCLF_GBT_SET_WORK;
    root->rows = ctx->m;

    for (k = 0; k < mlclf_train_team_size(team); k++) {
        seg = mlclf_train_gbt_seg(ctx, 0, k);
        mlclf_train_team_share(team, k, ctx->m, &lo, &hi);
        seg[0] = (uint32_t) lo;
        seg[1] = (uint32_t) hi;
        root->g += ctx->sums[k].g;
        root->h += ctx->sums[k].h;
    }

    if (mlclf_gbt_splittable(ctx, root)) {
        root->hist = mlclf_gbt_hist_get(ctx);
    }
}


void
mlclf_train_gbt_tree(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id)
{
    size_t                   n;
    uint32_t                 qa, qb;
    mlclf_train_gbt_node_t  *a, *b;

    n = mlclf_train_team_size(team);

    mlclf_train_gbt_load(ctx, team, id);
    mlclf_train_team_sync(team);

    mlclf_gbt_root_sums(ctx, team, id);
    mlclf_train_team_sync(team);

    if (id == 0) {
        mlclf_gbt_root(ctx, team);
    }

    mlclf_train_team_sync(team);

    if (ctx->rc != MLCLF_OK) {
        return;
    }

    mlclf_train_gbt_clock(ctx, id, MLCLF_GBT_T_UPDATE);

    if (ctx->node[0].hist != NULL) {
        mlclf_gbt_build(ctx, team, id, 0);
        mlclf_train_team_sync(team);
        mlclf_train_gbt_clock(ctx, id, MLCLF_GBT_T_HIST);

        mlclf_gbt_find(ctx, team, id, &ctx->node[0], &ctx->best[id][0]);
        mlclf_train_team_sync(team);

        if (id == 0) {
            mlclf_gbt_pick(ctx, n, &ctx->node[0], 0);
        }

        mlclf_train_gbt_clock(ctx, id, MLCLF_GBT_T_SPLIT);
    }

    for ( ;; ) {
        if (id == 0) {
            mlclf_gbt_choose(ctx);
        }

        mlclf_train_team_sync(team);

        if (ctx->done) {
            break;
        }

        mlclf_train_gbt_clock(ctx, id, MLCLF_GBT_T_SPLIT);

        mlclf_train_gbt_partition(ctx, id, ctx->cur);
        mlclf_train_team_sync(team);

        if (id == 0) {
            mlclf_gbt_children(ctx, n);
        }

        mlclf_train_team_sync(team);
        mlclf_train_gbt_clock(ctx, id, MLCLF_GBT_T_PARTITION);

        if (ctx->rc != MLCLF_OK) {
            return;
        }

        qa = ctx->n_nodes - 2;
        qb = ctx->n_nodes - 1;

        if (ctx->node[qb].rows < ctx->node[qa].rows) {
            qa = ctx->n_nodes - 1;
            qb = ctx->n_nodes - 2;
        }

        /* a: the smaller child, b: the larger */
        a = &ctx->node[qa];
        b = &ctx->node[qb];

        if (a->hist == NULL) {
            continue;
        }

        mlclf_gbt_build(ctx, team, id, qa);
        mlclf_train_team_sync(team);

        if (b->hist != NULL) {
            mlclf_gbt_subtract(ctx, team, id, b->hist, a->hist);
            mlclf_train_team_sync(team);
        }

        mlclf_train_gbt_clock(ctx, id, MLCLF_GBT_T_HIST);

        if (mlclf_gbt_splittable(ctx, a)) {
            mlclf_gbt_find(ctx, team, id, a, &ctx->best[id][0]);
        }

        if (b->hist != NULL) {
            mlclf_gbt_find(ctx, team, id, b, &ctx->best[id][1]);
        }

        mlclf_train_team_sync(team);

        if (id == 0) {
            if (mlclf_gbt_splittable(ctx, a)) {
                mlclf_gbt_pick(ctx, n, a, 0);

            } else {
                mlclf_gbt_hist_put(ctx, a->hist);
                a->hist = NULL;
            }

            if (b->hist != NULL) {
                mlclf_gbt_pick(ctx, n, b, 1);
            }
        }
    }

    mlclf_train_gbt_clock(ctx, id, MLCLF_GBT_T_SPLIT);

    if (id == 0) {
        mlclf_gbt_leaves(ctx);
    }

    mlclf_train_team_sync(team);

    mlclf_train_gbt_update(ctx, team, id);

    if (id == 0) {
        ctx->rc = mlclf_gbt_keep(ctx);
    }

    mlclf_train_team_sync(team);
    mlclf_train_gbt_clock(ctx, id, MLCLF_GBT_T_UPDATE);
}
