
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: what the gradient-boosted trees' files share.
 * The driver (rounds, gradients, losses, early stopping, the model) is
 * mlclf_train_gbt.c; the growing of one tree (histograms, split search)
 * mlclf_train_gbt_tree.c; where a tree's rows are (load, partition,
 * margin updates) mlclf_train_gbt_rows.c.
 */


#ifndef _MLCLF_TRAIN_GBT_H_INCLUDED_
#define _MLCLF_TRAIN_GBT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf_train.h>
#include <mlclf_train_bins.h>
#include <mlclf_train_team.h>


/* where the time goes: the steps member 0 times */
enum {
    MLCLF_GBT_T_BINS = 0,
    MLCLF_GBT_T_HIST,           /* building and subtracting histograms */
    MLCLF_GBT_T_SPLIT,          /* split search */
    MLCLF_GBT_T_PARTITION,
    MLCLF_GBT_T_UPDATE,         /* gradients, margins, losses */
    MLCLF_GBT_T_N
};


/*
 * Gradients and hessians are fixed-point numbers: units of 2^-30
 * (MLCLF_GBT_UNIT), a gradient in [-1, 1] and a hessian in (0, 0.5]
 * fitting an int32.  Their sums are int64 and exact, so they are the
 * same in any order: the members can share a histogram's rows, each
 * summing a part, and the subtraction of a child's histogram from its
 * parent's is exact.  A unit is finer than a float32 gradient's
 * rounding near 1.
 */
#define MLCLF_GBT_UNIT    1073741824.0


/* a row's gradient and hessian for one output, in units */
typedef struct {
    int32_t                   g;
    int32_t                   h;            /* >= 1 */
} mlclf_train_gbt_gh_t;


/*
 * a histogram bin: the sums over the node's rows in that bin, units;
 * g first, as _mm_set_epi64x(h, g) puts them
 */
typedef struct {
    int64_t                   g;
    int64_t                   h;
} __attribute__((aligned(16))) mlclf_train_gbt_bin_t;


#define MLCLF_GBT_SET_WORK  0
#define MLCLF_GBT_SET_BINS  1


/* where a node's rows are (mlclf_train_gbt_ctx_t) */
typedef struct {
    uint8_t                  *bins;
    size_t                    stride;
    uint32_t                 *idx;          /* NULL: position is row */
    mlclf_train_gbt_gh_t     *og;
} mlclf_train_gbt_rows_t;


/* a split: feature, the last bin on the left, where missing values go */
typedef struct {
    double                    gain;         /* 0: none */
    int64_t                   gl;           /* left child's sums, units */
    int64_t                   hl;
    uint32_t                  feature;
    uint32_t                  bin;
    unsigned                  left_missing:1;
} mlclf_train_gbt_split_t;


typedef struct {
    int32_t                   feature;      /* -1: leaf */
    uint32_t                  bin;          /* left: bins <= bin */
    uint32_t                  left;         /* node ids, after this one */
    uint32_t                  right;
    uint32_t                  rows;         /* in all its segments */
    uint32_t                  depth;
    unsigned                  left_missing:1;
    unsigned                  candidate:1;  /* best holds its split */
    unsigned                  set:1;        /* MLCLF_GBT_SET_* */
    int64_t                   g;            /* sums over its rows, units */
    int64_t                   h;
    double                    value;        /* leaf: the score it adds */
    mlclf_train_gbt_split_t   best;
    mlclf_train_gbt_bin_t    *hist;         /* a candidate's histogram */
} mlclf_train_gbt_node_t;


typedef struct {
    const mlclf_train_config_t  *cf;
    const mlclf_train_data_t    *d;

    size_t                    p;
    size_t                    k;            /* outputs: 1 or n_classes */
    size_t                    n_fit;        /* rows the trees are fit on */
    size_t                    n_all;        /* fit rows, then validation */
    mlclf_train_bins_t        qb;           /* n_all binned rows */
    uint32_t                 *y;            /* n_all labels */
    double                   *margin;       /* n_all x k */
    double                   *base;         /* k */
    mlclf_train_gbt_gh_t     *gh;           /* k x n_fit */
    double                   *loss;         /* n_all, per-row scratch */

    /*
     * The tree being grown.  Its rows are moved as its nodes split, so
     * that each node's rows lie together, in segments, one in each
     * member's region of positions (seg: node x member, [begin, end)):
     * the bins of position i are rows[s].bins[i * stride ..], its fit row
     * rows[s].idx[i], its gradient rows[s].og[i].  The root's rows are
     * the binned rows themselves (set MLCLF_GBT_SET_BINS, idx NULL:
     * position i is row i) when the round has every fit row; a split
     * writes its children into the work set, and splits them there in
     * place.  A histogram then reads memory in order, and a partition
     * too.
     */
    uint32_t                 *sample;       /* the round's fit rows */
    uint32_t                  m;            /* how many */
    size_t                    ps;           /* the work set's stride */
    mlclf_train_gbt_rows_t    rows[2];
    uint32_t                 *seg;
    size_t                    n_members;
    uint32_t                 *feat;         /* its features, ascending */
    size_t                    nf;
    size_t                    out;          /* the output it adds to */
    mlclf_train_gbt_node_t   *node;
    uint32_t                  n_nodes;
    uint32_t                  cap_nodes;
    uint32_t                  n_leaves;
    uint32_t                  max_leaves;   /* 0: none */
    uint32_t                  max_depth;    /* 0: none */
    uint32_t                  cur;          /* node being split */
    int                       done;

    /* histograms of p x 256 bins, kept between trees */
    mlclf_train_gbt_bin_t   **pool;
    size_t                    n_pool;
    size_t                    cap_pool;

    /* one slot per member; a member's own histogram of p x 256 bins */
    mlclf_train_gbt_split_t   best[MLCLF_TRAIN_TEAM_MAX][2];
    mlclf_train_gbt_bin_t    *own[MLCLF_TRAIN_TEAM_MAX];
    size_t                    count[MLCLF_TRAIN_TEAM_MAX];
    mlclf_train_gbt_bin_t     sums[MLCLF_TRAIN_TEAM_MAX];   /* root's */

    /* the grown trees, in order, local node ids */
    int32_t                  *t_feature;
    double                   *t_threshold;
    uint32_t                 *t_left;
    uint32_t                 *t_right;
    uint8_t                  *t_decision;
    double                   *t_value;      /* a leaf's score, else 0 */
    double                   *t_gain;       /* a split's gain, else 0 */
    double                   *t_cover;      /* the hessian sum of its
                                               rows (NODE_COVER) */
    uint32_t                 *t_offset;     /* n_trees + 1 */
    size_t                    t_nodes;
    size_t                    t_cap;
    size_t                    n_trees;

    /* member 0's wall seconds in each step (MLCLF_GBT_T_*) */
    double                    t[MLCLF_GBT_T_N];
    double                    t_mark;

    uint32_t                  round;
    uint32_t                  best_round;   /* 1-based, rounds kept */
    double                    best_valid;
    int                       stop;
    int                       due;          /* a loss line this round */
    int                       rc;
} mlclf_train_gbt_ctx_t;


/*
 * mlclf_train_gbt_tree.c: every member grows the tree for output
 * ctx->out on the rows ctx->idx[0..m) with the features ctx->feat, and
 * adds its scores to every row's margin.  0, or MLCLF_ENOMEM in
 * ctx->rc (for every member alike).
 */
void mlclf_train_gbt_tree(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id);

/*
 * mlclf_train_gbt_rows.c, each member on its region of positions: the
 * root's rows in place; node q split by its best split (the left count
 * into ctx->count[id]); every row's margin gaining the tree's score.
 */
void mlclf_train_gbt_load(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id);
void mlclf_train_gbt_partition(mlclf_train_gbt_ctx_t *ctx, size_t id,
    uint32_t q);
void mlclf_train_gbt_update(mlclf_train_gbt_ctx_t *ctx,
    mlclf_train_team_t *team, size_t id);


/* node's segment in member's region: [seg[0], seg[1]) */
static inline uint32_t *
mlclf_train_gbt_seg(const mlclf_train_gbt_ctx_t *ctx, uint32_t node,
    size_t member)
{
    return ctx->seg + ((size_t) node * ctx->n_members + member) * 2;
}


/* member 0: the time since the last call goes to step (MLCLF_GBT_T_*) */
void mlclf_train_gbt_clock(mlclf_train_gbt_ctx_t *ctx, size_t id,
    int step);


#endif /* _MLCLF_TRAIN_GBT_H_INCLUDED_ */
