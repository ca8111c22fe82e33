
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: the in-memory view of a verified model file,
 * filled by mlclf_model.c and the files of mlclf_model_parse.h, read by
 * mlclf_predict.c.
 */


#ifndef _MLCLF_MODEL_H_INCLUDED_
#define _MLCLF_MODEL_H_INCLUDED_


#include "mlclf.h"
#include "mlclf_format.h"
#include "mlclf_strtab.h"


/*
 * A tree node as the kernels walk it (mlclf_model_pack.c): one 16-byte
 * record, so that a level of a walk reads one cache line, not four.
 * The children of an internal node are next and next + 1 (left,
 * right).  A leaf goes nowhere: its next is itself and its threshold
 * +inf, so that a walk may take more steps than the leaf is deep.
 */
typedef struct {
    double                    thr;          /* routing threshold */
    int32_t                   feat;         /* feature; 0 at a leaf */
    uint32_t                  next;         /* left child; at a leaf,
                                               its own place */
} mlclf_node_t;


/*
 * Every array pointer points into the file's bytes (read in place, never
 * written); only the name tables and the feature table are allocated.
 */
struct mlclf_model_s {
    const uint8_t            *base;
    size_t                    size;
    size_t                    map_size;     /* 0, or munmap(base, map_size) */

    mlclf_kind_e              kind;
    uint32_t                  n_features;
    uint32_t                  n_classes;
    uint32_t                  version;

    /* logreg and gbt */
    uint32_t                  n_outputs;
    const double             *weights;
    const double             *bias;

    /* forest and gbt */
    uint32_t                  n_trees;
    uint32_t                  n_nodes;
    uint32_t                  n_leaves;
    uint32_t                  max_depth;    /* longest walk, in steps */
    uint32_t                  leaf_mask;    /* 2^k - 1 >= n_leaves - 1 */
    const uint32_t           *tree_offsets;
    const int32_t            *node_feature;
    const double             *node_threshold;
    const uint32_t           *node_left;
    const uint32_t           *node_right;
    const double             *leaf_values;
    const uint8_t            *node_decision;    /* NULL: none */
    unsigned                  routes_missing:1;
    unsigned                  missing_zero:1;   /* a MLCLF_MISSING_ZERO
                                                   node */

    /* gbt */
    const uint32_t           *tree_class;
    const double             *gbt_base;
    uint32_t                  link;
    uint32_t                  gbt_flags;
    double                    link_scale;
    double                    divisor;

    /*
     * the trees as the kernels walk them, made from the verified arrays
     * above when the model is loaded, then read-only (node_map bytes
     * mapped at nodes): the nodes of tree t from proots[t] (its root,
     * a copy of tree_offsets[t]) on; per node, the leaf's score (gbt)
     * or leaf row (forest) and the decision (or NULL); per tree, the
     * steps to its deepest leaf
     */
    const mlclf_node_t       *nodes;
    const uint32_t           *proots;       /* n_trees + 1 */
    const double             *pscore;
    const uint32_t           *prow;
    const uint8_t            *pdecision;
    const uint32_t           *tdepth;
    size_t                    node_map;

    const double             *impute;       /* NULL: reject missing */
    const char               *metadata;     /* NULL: no section */
    size_t                    metadata_len;

    const char              **feature_names;
    const char              **class_labels;
    size_t                    labels_json_max;  /* escaped, the longest */
    size_t                    labels_json_sum;  /* escaped, all */
    mlclf_strtab_t            features;     /* feature name -> index */
};


/*
 * The kernels index node arrays with 32-bit node numbers, so a damaged
 * number reads at most MLCLF_NODE_REACH bytes (2^32 doubles, 32 GiB)
 * past the start of a node array: that much readable memory, never
 * backed, follows every model mlclf_model_open() reads.  A mask would
 * bound the reach to less at the cost of one instruction a level on the
 * serving hot path; address space is the cheaper of the two.
 */
#define MLCLF_NODE_REACH  (((size_t) 1 << 32) * sizeof(double))


#endif /* _MLCLF_MODEL_H_INCLUDED_ */
