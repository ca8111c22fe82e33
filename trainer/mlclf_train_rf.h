
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: what the random forest's files share.  The
 * driver is mlclf_train_rf.c, the growing of trees mlclf_train_rf_tree.c;
 * the features are quantised by mlclf_train_bins.c.
 */


#ifndef _MLCLF_TRAIN_RF_H_INCLUDED_
#define _MLCLF_TRAIN_RF_H_INCLUDED_


#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <mlclf_train.h>
#include <mlclf_train_bins.h>
#include <mlclf_train_rng.h>


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
    double                   *cover;        /* the bootstrap weight */
    double                   *leaf;         /* n_leaves x n_classes */
} mlclf_train_rf_tree_t;


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

    mlclf_train_bins_t        qb;           /* the binned train rows */
    uint8_t                  *bins;         /* qb's, n x p, row-major */
    uint32_t                 *y;            /* n */
    double                   *edges;        /* qb's, p x 256 */
    uint32_t                 *n_edges;      /* qb's, p */

    const mlclf_train_data_t *d;
    const size_t             *rows;

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


/*
 * The next tree or feature for a worker, or (size_t) -1 once a worker
 * has failed (mlclf_train_rf.c).
 */
size_t mlclf_train_rf_take(mlclf_train_rf_ctx_t *ctx);

/* mlclf_train_rf_tree.c: a worker that grows trees until none is left */
void *mlclf_train_rf_tree_work(void *arg);


#endif /* _MLCLF_TRAIN_RF_H_INCLUDED_ */
