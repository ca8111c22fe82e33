
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Gradient-boosted trees: where a tree's rows are (mlclf_train_gbt.h).
 * The root's rows loaded, a node's rows split between its children, and
 * the margins of the rows updated from the leaves they reached; each
 * member works on its own region of the positions.
 */


#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>
#include <mlclf_train_gbt.h>


static size_t mlclf_gbt_split_copy(mlclf_train_gbt_ctx_t *ctx,
    const mlclf_train_gbt_node_t *nd, int moves, uint32_t a, uint32_t b);
static size_t mlclf_gbt_split_swap(mlclf_train_gbt_ctx_t *ctx,
    const mlclf_train_gbt_node_t *nd, int moves, uint32_t a, uint32_t b);


/*
 * Node q's split, for member id's segment of it: the left rows first,
 * then the right ones, their bins, fit rows and gradients moved together
 * (only the fit rows when the children are at the last level: their bins
 * are not read again).  From the binned rows (the root) into the work
 * set, else in place.  The left count goes to ctx->count[id].
 */
void
mlclf_train_gbt_partition(mlclf_train_gbt_ctx_t *ctx, size_t id, uint32_t q)
{
    int                            moves;
    uint32_t                      *seg;
    const mlclf_train_gbt_node_t  *nd;

    nd = &ctx->node[q];
    seg = mlclf_train_gbt_seg(ctx, q, id);
    moves = ctx->max_depth == 0 || nd->depth + 1 < ctx->max_depth;

    ctx->count[id] = nd->set == MLCLF_GBT_SET_BINS
                     ? mlclf_gbt_split_copy(ctx, nd, moves, seg[0], seg[1])
                     : mlclf_gbt_split_swap(ctx, nd, moves, seg[0], seg[1]);
}


/* does the row at position i of rs go left at nd's split? */
static inline int
mlclf_gbt_left(const mlclf_train_gbt_rows_t *rs,
    const mlclf_train_gbt_node_t *nd, size_t i)
{
    uint8_t  v;

    v = rs->bins[i * rs->stride + nd->best.feature];

    return v == MLCLF_TRAIN_BIN_MISSING ? (int) nd->best.left_missing
                                        : v <= nd->best.bin;
}


/*
 * Positions [a, b) of the binned rows (position i is row i) into the
 * same positions of the work set: left rows from a up, right rows from
 * b down.  Returns the left count.
 */
static size_t
mlclf_gbt_split_copy(mlclf_train_gbt_ctx_t *ctx,
    const mlclf_train_gbt_node_t *nd, int moves, uint32_t a, uint32_t b)
{
    size_t                         i, w, at, l, r, ps;
    uint64_t                       word;
    const uint8_t                 *row;
    mlclf_train_gbt_rows_t        *dst;
    const mlclf_train_gbt_rows_t  *src;

    src = &ctx->rows[MLCLF_GBT_SET_BINS];
    dst = &ctx->rows[MLCLF_GBT_SET_WORK];
    ps = ctx->ps;
    l = a;
    r = b;

    for (i = a; i < b; i++) {
        at = mlclf_gbt_left(src, nd, i) ? l++ : --r;

        dst->idx[at] = (uint32_t) i;

        if (!moves) {
            continue;
        }

        /*
         * a row's bins as ps / 8 words (the binned rows are p apart: their
         * buffer has room for the last row's words)
         */
        row = src->bins + i * src->stride;

        for (w = 0; w < ps; w += 8) {
            memcpy(&word, row + w, 8);
            memcpy(dst->bins + at * ps + w, &word, 8);
        }

        dst->og[at] = src->og[i];
    }

    return l - a;
}


/*
 * Positions [a, b) of the work set in place: a right row found from the
 * start and a left row found from the end trade places.  Returns the
 * left count.
 */
static size_t
mlclf_gbt_split_swap(mlclf_train_gbt_ctx_t *ctx,
    const mlclf_train_gbt_node_t *nd, int moves, uint32_t a, uint32_t b)
{
    size_t                   i, j, w, ps;
    uint32_t                 t;
    uint64_t                 x, y, *wi, *wj;
    mlclf_train_gbt_gh_t     g;
    mlclf_train_gbt_rows_t  *rs;

    rs = &ctx->rows[MLCLF_GBT_SET_WORK];
    ps = ctx->ps;
    i = a;
    j = b;

    for ( ;; ) {
        while (i < j && mlclf_gbt_left(rs, nd, i)) {
            i++;
        }

        while (i < j && !mlclf_gbt_left(rs, nd, j - 1)) {
            j--;
        }

        if (i >= j) {
            break;
        }

        /* i goes right, j - 1 left; neither is looked at again */
        j--;

        t = rs->idx[i];
        rs->idx[i] = rs->idx[j];
        rs->idx[j] = t;

        if (moves) {
            g = rs->og[i];
            rs->og[i] = rs->og[j];
            rs->og[j] = g;

            wi = (uint64_t *) (rs->bins + i * ps);
            wj = (uint64_t *) (rs->bins + j * ps);

            for (w = 0; w < ps / 8; w++) {
                x = wi[w];
                y = wj[w];
                wi[w] = y;
                wj[w] = x;
            }
        }

        i++;
    }

    return i - a;
}


/*
 * Every row's margin of output ctx->out gains the tree's score.  The
 * rows the tree was grown on lie in their leaves' segments, each member
 * updating its own; the others (validation rows, rows left out by
 * subsample) walk the tree on their bins.
 */
void
mlclf_train_gbt_update(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id)
{
    size_t                         i, lo, hi, p, k, from;
    uint8_t                        v;
    uint32_t                       q, *seg;
    const uint8_t                 *row;
    const uint32_t                *idx;
    const mlclf_train_gbt_node_t  *nd;

    p = ctx->p;
    k = ctx->k;
    from = 0;

    if (ctx->m == ctx->n_fit) {
        for (q = 0; q < ctx->n_nodes; q++) {
            nd = &ctx->node[q];

            if (nd->feature >= 0) {
                continue;
            }

            seg = mlclf_train_gbt_seg(ctx, q, id);
            idx = ctx->rows[nd->set].idx;

            for (i = seg[0]; i < seg[1]; i++) {
                ctx->margin[(idx != NULL ? idx[i] : i) * k + ctx->out]
                    += nd->value;
            }
        }

        from = ctx->n_fit;
    }

    mlclf_train_team_share(team, id, ctx->n_all - from, &lo, &hi);

    for (i = from + lo; i < from + hi; i++) {
        row = ctx->qb.bins + i * p;
        nd = &ctx->node[0];

        while (nd->feature >= 0) {
            v = row[nd->feature];
            nd = &ctx->node[(v == MLCLF_TRAIN_BIN_MISSING ? nd->left_missing
                                                          : v <= nd->bin)
                             ? nd->left : nd->right];
        }

        ctx->margin[i * k + ctx->out] += nd->value;
    }
}


/*
 * The root's rows: the binned rows themselves when the round has every
 * fit row, else the round's rows copied into the work set, each member
 * its region.
 */
void
mlclf_train_gbt_load(mlclf_train_gbt_ctx_t *ctx, mlclf_train_team_t *team,
    size_t id)
{
    size_t                   i, lo, hi, p, ps;
    uint32_t                 r;
    mlclf_train_gbt_gh_t    *gh;
    mlclf_train_gbt_rows_t  *rs;

    gh = ctx->gh + ctx->out * ctx->n_fit;

    if (ctx->m == ctx->n_fit) {
        if (id == 0) {
            rs = &ctx->rows[MLCLF_GBT_SET_BINS];
            rs->bins = ctx->qb.bins;
            rs->stride = ctx->p;
            rs->idx = NULL;
            rs->og = gh;
        }

        return;
    }

    mlclf_train_team_share(team, id, ctx->m, &lo, &hi);

    p = ctx->p;
    ps = ctx->ps;
    rs = &ctx->rows[MLCLF_GBT_SET_WORK];

    for (i = lo; i < hi; i++) {
        r = ctx->sample[i];
        rs->idx[i] = r;
        rs->og[i] = gh[r];
        memcpy(rs->bins + i * ps, ctx->qb.bins + (size_t) r * p, p);
    }
}
