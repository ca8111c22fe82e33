
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The trees of a verified model laid out for the kernels: each node one
 * 16-byte record (mlclf_node_t), siblings side by side, each tree
 * breadth first from its root.  A walk then reads one cache line a
 * level instead of one per array (feature, threshold, left, right),
 * chooses a child by adding 0 or 1, and needs no test for the end: a
 * leaf keeps a walk where it is.  Made once, in the process that loads
 * the model (NGINX's master: the workers inherit it with the model),
 * from the arrays the verifier passed, then made read-only.
 */


#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"


typedef struct {
    mlclf_node_t             *nodes;
    double                   *score;
    uint32_t                 *row;
    uint8_t                  *dec;
    uint32_t                 *depth;
    uint32_t                 *roots;
    uint32_t                 *gdepth;
    uint32_t                 *order;        /* packed place -> file node */
    uint64_t                  leaf_depths;  /* summed over every leaf */
    uint64_t                  leaves;
    uint32_t                 *level;        /* packed place -> its depth */
} mlclf_pack_t;


static void mlclf_model_pack_tree(const mlclf_model_t *m, mlclf_pack_t *pk,
    uint32_t t);
static size_t mlclf_model_pack_align(size_t n);
static int mlclf_model_pack_groups(const mlclf_model_t *m, mlclf_pack_t *pk);


static size_t
mlclf_model_pack_align(size_t n)
{
    return (n + 15) & ~(size_t) 15;
}


/*
 * Tree t breadth first: order[k] is the file's node at packed place k;
 * an internal node's children get the next two free places.  The
 * verifier has made sure that each node but the root has one parent
 * in its own tree, so the places fill the tree's range exactly.
 */
static void
mlclf_model_pack_tree(const mlclf_model_t *m, mlclf_pack_t *pk, uint32_t t)
{
    uint32_t       k, o, end, free_at, deepest;
    mlclf_node_t  *nd;

    k = m->tree_offsets[t];
    end = m->tree_offsets[t + 1];
    pk->order[k] = k;
    pk->level[k] = 0;
    free_at = k + 1;
    deepest = 0;

    for ( /* void */ ; k < end; k++) {
        o = pk->order[k];
        nd = &pk->nodes[k];

        if (pk->dec != NULL) {
            pk->dec[k] = m->node_decision[o];
        }

        if (m->node_feature[o] == -1) {
            nd->thr = INFINITY;
            nd->feat = 0;
            nd->next = 2 * k;

            if (pk->score != NULL) {
                pk->score[k] = m->leaf_values[m->node_left[o]];

            } else {
                pk->row[k] = m->node_left[o];
            }

            if (pk->level[k] > deepest) {
                deepest = pk->level[k];
            }

            pk->leaf_depths += pk->level[k];
            pk->leaves++;

            continue;
        }

        nd->thr = m->node_threshold[o];
        nd->feat = m->node_feature[o];
        nd->next = 2 * free_at;

        pk->level[free_at] = pk->level[k] + 1;
        pk->order[free_at++] = m->node_left[o];
        pk->level[free_at] = pk->level[k] + 1;
        pk->order[free_at++] = m->node_right[o];
    }

    pk->depth[t] = deepest;
}


/*
 * The depth of each eight trees, and whether walks should stop once all
 * eight are at their leaves (a test a level) rather than take the
 * deepest tree's levels: when leaves are on average under 3/4 of that
 * deep (forests of deep, uneven trees; not XGBoost's level-wise ones).
 */
static int
mlclf_model_pack_groups(const mlclf_model_t *m, mlclf_pack_t *pk)
{
    uint32_t  t, groups;
    uint64_t  deepest;

    for (t = 0; t < m->n_trees; t++) {
        if (t % 8 == 0 || pk->depth[t] > pk->gdepth[t / 8]) {
            pk->gdepth[t / 8] = pk->depth[t];
        }
    }

    groups = (m->n_trees + 7) / 8;
    deepest = 0;

    for (t = 0; t < groups; t++) {
        deepest += pk->gdepth[t];
    }

    return 4 * pk->leaf_depths * groups < 3 * deepest * pk->leaves;
}


int
mlclf_model_pack(mlclf_model_t *m, mlclf_err_t *err)
{
    void          *p;
    size_t         n, size, at_leaf, at_dec, at_depth;
    uint32_t       t;
    mlclf_pack_t   pk;

    if (m->kind == MLCLF_KIND_LOGREG) {
        return MLCLF_OK;
    }

    n = m->n_nodes;
    at_leaf = mlclf_model_pack_align(n * sizeof(mlclf_node_t));
    at_dec = mlclf_model_pack_align(at_leaf + n * sizeof(double));
    at_depth = mlclf_model_pack_align(at_dec
                                      + (m->node_decision ? n : 0));
    size = at_depth + ((size_t) m->n_trees * 2 + 1 + m->n_trees / 8 + 1)
                      * sizeof(uint32_t);

    pk.order = malloc(n * sizeof(uint32_t));
    pk.level = malloc(n * sizeof(uint32_t));
    p = mmap(NULL, size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (pk.order == NULL || pk.level == NULL || p == MAP_FAILED) {
        free(pk.order);
        free(pk.level);

        if (p != MAP_FAILED) {
            (void) munmap(p, size);
        }

        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "cannot allocate %zu bytes for %u tree nodes",
                             size, m->n_nodes);
    }

    /* one mapping, each part 16-byte aligned in it */
    pk.nodes = p;
    pk.score = m->kind == MLCLF_KIND_GBT
               ? (void *) ((char *) p + at_leaf) : NULL;
    pk.row = m->kind == MLCLF_KIND_GBT
             ? NULL : (void *) ((char *) p + at_leaf);
    pk.dec = m->node_decision ? (uint8_t *) p + at_dec : NULL;
    pk.depth = (void *) ((char *) p + at_depth);
    pk.roots = pk.depth + m->n_trees;

    pk.leaf_depths = 0;
    pk.leaves = 0;

    for (t = 0; t < m->n_trees; t++) {
        mlclf_model_pack_tree(m, &pk, t);
        pk.roots[t] = 2 * m->tree_offsets[t];
    }

    pk.roots[m->n_trees] = 2 * m->n_nodes;
    pk.gdepth = pk.roots + m->n_trees + 1;
    m->walk_early = mlclf_model_pack_groups(m, &pk);

    /*
     * early walks stop at a leaf by its feature, -1, and need no self
     * loop there: a forest's leaf keeps its row in next, one load less
     */
    for (t = 0; m->walk_early && t < m->n_nodes; t++) {
        if (pk.nodes[t].next == 2 * t) {
            pk.nodes[t].feat = -1;

            if (pk.row != NULL) {
                pk.nodes[t].next = pk.row[t];
            }
        }
    }

    free(pk.order);
    free(pk.level);

    m->nodes = pk.nodes;
    m->pscore = pk.score;
    m->prow = pk.row;
    m->pdecision = pk.dec;
    m->tdepth = pk.depth;
    m->proots = pk.roots;
    m->gdepth = pk.gdepth;

    m->node_map = size;

    if (mprotect(p, size, PROT_READ) != 0) {
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "cannot make the tree nodes read-only");
    }

    return MLCLF_OK;
}


void
mlclf_model_unpack(mlclf_model_t *m)
{
    if (m->node_map != 0) {
        (void) munmap((void *) m->nodes, m->node_map);
        m->nodes = NULL;
        m->node_map = 0;
    }
}
