
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
#include "mlclf_text.h"


/*
 * A tree node as the kernels walk it (mlclf_model_pack.c): one 16-byte
 * record, so that a level of a walk reads one cache line, not four.
 * Nodes are numbered in 8-byte units (node k is at 2k), the unit an
 * x86 address can scale by: the children of an internal node are next
 * and next + 2 (left, right).  A leaf goes nowhere: its next is itself
 * and its threshold +inf, so that a walk may take more steps than the
 * leaf is deep.
 */
typedef struct {
    double                    thr;          /* routing threshold */
    int32_t                   feat;         /* feature; at a leaf 0, or
                                               -1 for walk_early */
    uint32_t                  next;         /* left child (2k); at a
                                               leaf, its own place, or
                                               for walk_early a
                                               forest's leaf row */
} mlclf_node_t;

/*
 * The dense layout's limits (mlclf_model_dense.c): a node word holds
 * the feature in its low 6 bits and the threshold's rank above them;
 * MLCLF_DENSE_LEFT is a word no row's bin exceeds, as no feature has
 * more than MLCLF_DENSE_RANKS distinct thresholds there.
 */
#define MLCLF_DENSE_DEPTH         6
#define MLCLF_DENSE_FEATURES      64
#define MLCLF_DENSE_FEATURE_BITS  6
#define MLCLF_DENSE_RANKS         1022
#define MLCLF_DENSE_LEFT          0xffff

/*
 * A line of the dense layout's last levels: the words of a subtree of
 * MLCLF_DENSE_LOW levels (of MLCLF_DENSE_LOW64 when its scores are
 * doubles) in its first MLCLF_DENSE_LINE_WORDS bytes, then its leaves'
 * scores: one line a tree and row.
 */
#define MLCLF_DENSE_LINE          64
#define MLCLF_DENSE_LINE_WORDS    16
#define MLCLF_DENSE_LOW           3
#define MLCLF_DENSE_LOW64         2

/*
 * The bytes of dleafof: one for each value of a line's first 7
 * comparison bits, which hold every word of MLCLF_DENSE_LOW levels.
 */
#define MLCLF_DENSE_LEAF_OF       128

/*
 * Trees less deep than this keep every level as words and their scores
 * 2^ddepth a tree (dlow 0): at depth 4 the lines were slower.
 */
#define MLCLF_DENSE_LINES_DEPTH   5

/*
 * The words a row with a missing value walks (dmword) hold ranks up to
 * MLCLF_DENSE_MISSING_RANKS, so that the top bit is free for
 * MLCLF_DENSE_MISSING_LEFT: a missing value goes left at this node.
 * A missing value's bin is MLCLF_DENSE_MISSING, above every word's rank.
 */
#define MLCLF_DENSE_MISSING_RANKS 511
#define MLCLF_DENSE_MISSING_LEFT  0x8000
#define MLCLF_DENSE_MISSING       0xffff

/* Node n, numbered in 8-byte units, of the array at base. */
#define mlclf_node_at(base, n)                                               \
    ((const mlclf_node_t *) ((const double *) (base) + (n)))


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
    const double             *linear_mean;  /* NULL: none (version 4) */
    double                   *explain_base; /* logreg with linear_mean:
                                               n_outputs x (n_inputs + 1),
                                               each input's sum of
                                               w * mean, then the bias
                                               plus all (allocated) */
    double                   *explain_gl;   /* trees with node_cover: the
                                               Gauss-Legendre points and
                                               weights of n points at
                                               n (n - 1) (allocated) */

    /* forest and gbt */
    uint32_t                  n_trees;
    uint32_t                  n_nodes;
    uint32_t                  n_leaves;
    const uint32_t           *tree_offsets;
    const int32_t            *node_feature;
    const double             *node_threshold;
    const uint32_t           *node_left;
    const uint32_t           *node_right;
    const double             *leaf_values;
    const uint8_t            *node_decision;    /* NULL: none */
    const double             *node_cover;   /* NULL: none (version 4) */
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
     * twice tree_offsets[t]) on; per node k, the leaf's score (gbt) or
     * leaf row (forest) and the decision (or NULL); per tree, the steps
     * to its deepest leaf, and per eight trees the most of theirs
     */
    const mlclf_node_t       *nodes;
    const uint32_t           *proots;       /* n_trees + 1, 2k units */
    const double             *pscore;
    const uint32_t           *prow;
    const uint8_t            *pdecision;
    const uint32_t           *tdepth;
    const uint32_t           *gdepth;       /* of trees 8g .. 8g+7 */
    unsigned                  walk_early:1; /* leaves mostly shallow */
    size_t                    node_map;

    /*
     * the dense layout of a shallow gbt model (mlclf_model_dense.c), or
     * dword NULL: trees ddepth levels deep, the first dtop of them as
     * node words, dwidth per 32 trees; the last dlow (2 or 3) in
     * lines of MLCLF_DENSE_LINE bytes, 2^dtop a tree, each the words
     * of one subtree and then its leaf scores, dlines lines in all;
     * or, dlow 0 (trees under MLCLF_DENSE_LINES_DEPTH), no lines but
     * 2^ddepth scores a tree, dlines of them.  Lines or scores as
     * float32 in dleaf32 when the model sums in float32, else in
     * dleaf, both naming the same bytes as scores.  Per feature
     * dfan fences and dfan segments of dfan thresholds (its distinct
     * ones, sorted, then +inf); dmword, the same words for a row with
     * a missing value, or NULL: such a row walks the packed nodes (its
     * lines are the dlines after the first); dzero, the features whose
     * nodes read NaN as 0 (MLCLF_MISSING_AS_ZERO), a bit each; dleafof,
     * where the CPU permutes bytes (mlclf_predict_dense_vbmi()) and
     * the model has lines, the place of the leaf each line's comparison
     * bits lead to (MLCLF_DENSE_LEAF_OF bytes, bit i of the index set:
     * node i goes right), twice, as the kernel counts scores; else NULL
     */
    const uint16_t           *dword;
    const uint16_t           *dmword;
    uint64_t                  dzero;
    const uint8_t            *dleafof;
    const double             *dleaf;
    const float              *dleaf32;
    const double             *dfence;
    const double             *dseg;
    uint32_t                  ddepth;
    uint32_t                  dtop;
    uint32_t                  dlow;
    uint32_t                  dwidth;
    uint32_t                  dfan;
    uint32_t                  dlines;
    size_t                    dense_map;

    /*
     * raw inputs (mlclf_format.h, version 3), inputs NULL without them
     * (n_inputs is then n_features); texts is allocated, one per text
     * input in input order, pointing into the file but for
     * vocab_offsets and vocab_index, also allocated
     */
    uint32_t                  n_inputs;
    const mlclf_file_input_t *inputs;
    uint32_t                  n_values;
    const uint8_t            *value_bytes;
    const uint32_t           *value_offsets;
    const uint32_t           *value_columns;
    uint32_t                  n_texts;
    mlclf_text_params_t      *texts;
    uint32_t                 *vocab_offsets;    /* from each vocabulary's
                                                   start: the texts' */
    mlclf_text_slot_t        *vocab_index;      /* the vocabularies'
                                                   lookup indexes */

    /*
     * reference distributions (mlclf_format.h, version 5), drift NULL
     * without them; class_prior NULL without the label prior
     */
    const mlclf_file_drift_t *drift;
    const double             *drift_edges;
    const uint32_t           *drift_values;
    const double             *drift_shares;
    const double             *class_shares;
    const double             *class_prior;

    const double             *impute;       /* NULL: reject missing */
    const char               *metadata;     /* NULL: no section */
    size_t                    metadata_len;

    const char              **feature_names;
    const char              **class_labels;
    size_t                    labels_json_max;  /* escaped, the longest */
    size_t                    labels_json_sum;  /* escaped, all */
    mlclf_strtab_t            features;     /* feature name -> index */
};


#endif /* _MLCLF_MODEL_H_INCLUDED_ */
