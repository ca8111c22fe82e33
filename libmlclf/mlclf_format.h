
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The .mlclf model file format.  This header is the only definition of
 * the format; its comments are the specification.
 */


#ifndef _MLCLF_FORMAT_H_INCLUDED_
#define _MLCLF_FORMAT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/*
 * Layout
 *
 *   [0, 128)                  header (mlclf_file_header_t)
 *   [section_offset, +32*n)   section table (mlclf_file_section_t[n])
 *   ...                       section data, each 8-byte aligned
 *
 * Every integer and double is little-endian; doubles are IEEE 754
 * binary64.  All offsets are byte offsets from the start of the file.
 * Gaps between the table and the sections, between sections and after
 * the last one are zero bytes (the writer leaves only the alignment
 * padding, and ends the file with the last section).  Sections appear
 * in the table in increasing offset order and never overlap each other or
 * the table.  A file is read in place from a read-only mapping: nothing
 * in it is a pointer and nothing is relocated.
 *
 * A file is written once (mlclf_write) and never modified.  The same
 * mlclf_spec_t always gives the same bytes.
 *
 * Compatibility: an incompatible change bumps MLCLF_FORMAT_VERSION and
 * readers reject files whose version is newer than their own
 * (MLCLF_EVERSION).  On-disk enum values below are never reused.
 *
 * Version 2 adds the gbt kind and the NODE_DECISION, TREE_CLASS,
 * GBT_BASE, GBT_LINK and GBT_SCALE sections.  A writer stamps the lowest
 * version that describes its file (logreg and forest models without
 * NODE_DECISION stay version 1, readable by version-1 readers), and a
 * reader refuses a version-1 file that uses any of them (MLCLF_EKIND for
 * the kind, MLCLF_ESECTION for a section).
 */


/* "MLCLF", a NUL, then CR LF: text-mode transfers damage the CR LF. */
#define MLCLF_MAGIC               "MLCLF\0\r\n"
#define MLCLF_MAGIC_LEN           8

#define MLCLF_FORMAT_VERSION      2
#define MLCLF_FORMAT_VERSION_GBT  2       /* the first with gbt */
#define MLCLF_HEADER_SIZE         128

/* Written as a native uint32; reads back as 0x04030201 on big-endian. */
#define MLCLF_ENDIAN_PROBE        0x01020304u

/* Alignment of the section table and of every section, in bytes. */
#define MLCLF_ALIGN               8

/* Limits checked by the reader (and the writer). */
#define MLCLF_MAX_FEATURES        65535
#define MLCLF_MIN_CLASSES         2
#define MLCLF_MAX_CLASSES         65535
#define MLCLF_MAX_SECTIONS        64
#define MLCLF_MAX_NAME_LEN        255     /* bytes, without the NUL */
#define MLCLF_MAX_NODES           (1u << 28)  /* tree nodes of a model */


/* On-disk model kinds (mlclf_file_header_t.model_kind). */
#define MLCLF_FILE_KIND_LOGREG    1       /* logistic regression */
#define MLCLF_FILE_KIND_FOREST    2       /* random forest (averaging) */
#define MLCLF_FILE_KIND_GBT       3       /* gradient-boosted trees (v2) */


/*
 * On-disk section types (mlclf_file_section_t.type).  "count" is the
 * section's element count; length must equal count * element size,
 * except for the string tables and METADATA.  Unknown types are an
 * error (MLCLF_ESECTION): a reader that cannot understand a section
 * cannot serve the model.
 */

/*
 * Feature names, n_features NUL-terminated strings back to back, in
 * feature order; count = n_features, length = total bytes with NULs.
 * Each name is 1..255 bytes of printable ASCII (0x20..0x7e), the rule
 * that mlclf_name_check() (mlclf.h) applies; no two are equal.
 * Required.
 */
#define MLCLF_SECTION_FEATURE_NAMES   1

/* Class labels, the same encoding; count = n_classes.  Required. */
#define MLCLF_SECTION_CLASS_LABELS    2

/*
 * double[n_features]: the value used for a missing feature; count =
 * n_features.  Optional: without it the model rejects missing values.
 */
#define MLCLF_SECTION_IMPUTE          3

/*
 * Metadata: a JSON object (UTF-8 text) followed by one NUL and no other
 * NUL; count = length (bytes including the NUL).  Optional.  Carries
 * name, version, created_at, dataset sha256, metrics, trainer config;
 * the reader only checks that it is a JSON object.
 */
#define MLCLF_SECTION_METADATA        4

/*
 * logreg.  n_outputs is n_classes (softmax over w_k . x + b_k) or, only
 * when n_classes == 2, 1 (sigmoid of w . x + b is P(class 1)).
 *
 * LINEAR_WEIGHTS: double[n_outputs * n_features], row-major (output k's
 * weights are elements [k * n_features, (k + 1) * n_features)); count =
 * n_outputs * n_features.  Weights apply to the raw feature values
 * (any standardisation is folded in by the trainer).
 * LINEAR_BIAS: double[n_outputs]; count = n_outputs.  Both required for
 * logreg, forbidden otherwise.
 */
#define MLCLF_SECTION_LINEAR_WEIGHTS  16
#define MLCLF_SECTION_LINEAR_BIAS     17

/*
 * forest and gbt: trees as a struct of arrays over n_nodes nodes.
 *
 * TREE_OFFSETS: uint32[n_trees + 1], count = n_trees + 1 (n_trees >= 1);
 *   tree t owns nodes [offsets[t], offsets[t + 1]), its root is the first
 *   of them; offsets[0] = 0, strictly increasing, offsets[n_trees] =
 *   n_nodes.
 * NODE_FEATURE: int32[n_nodes]: the feature an internal node tests
 *   (0..n_features-1), or -1 for a leaf.
 * NODE_THRESHOLD: double[n_nodes]: an internal node sends a value x
 *   that is not missing (see NODE_DECISION) to its left child when
 *   x <= threshold, else to its right child; finite (the writer stores 0
 *   for leaves, readers ignore it).  This is the routing threshold, the
 *   one comparison the kernels make: a source library's own comparison
 *   is translated into it exactly (NODE_DECISION says from what).
 * NODE_LEFT, NODE_RIGHT: uint32[n_nodes]: children as absolute node
 *   indices.  A child must be greater than its parent's index (so every
 *   walk ends; else MLCLF_ETREECYCLE) and less than the end of the
 *   parent's tree (else MLCLF_ETREE).  Every node of a tree but its
 *   root is the child of exactly one node (else MLCLF_ETREE: no node is
 *   shared, none is out of reach).  For a leaf, NODE_LEFT is its row
 *   in LEAF_VALUES (< n_leaves) and NODE_RIGHT is 0.
 * LEAF_VALUES: forest: double[n_leaves * n_classes], count = n_leaves *
 *   n_classes: row r is a class distribution (probabilities, one per
 *   class): each value in [0, 1], the row summing to 1 within
 *   MLCLF_LEAF_SUM_TOLERANCE (else MLCLF_ELEAF).  The forest's output is
 *   the mean of the rows its trees reach.  gbt: double[n_leaves], count
 *   = n_leaves: one finite score per leaf (MLCLF_ENONFINITE).
 *
 * All six are required for forest and for gbt, forbidden otherwise.
 *
 * NODE_DECISION (version 2): uint8[n_nodes], count = n_nodes: how each
 *   internal node treats missing values, and which comparison of the
 *   source library its threshold stands for.  0 for leaves.  Optional
 *   for forest and gbt, forbidden for logreg.  Without it (and for
 *   logreg, and when every internal node's rule is MLCLF_MISSING_REFUSE)
 *   a model has no missing values: a request that leaves one out is
 *   refused, or filled from IMPUTE.  Otherwise the model routes them
 *   itself and IMPUTE is forbidden: a missing value (null, or a feature
 *   left out) is NaN, and the node's missing rule decides:
 *
 *   bits 0-1, the source comparison (for the record, and checked):
 *     MLCLF_CMP_LE       x <= t in double: LightGBM, scikit-learn's
 *                        HistGradientBoosting, mlclf-train; threshold
 *                        is t.
 *     MLCLF_CMP_F32_LT   (float) x < t, t a float32 value: XGBoost.
 *     MLCLF_CMP_F32_LE   (float) x <= t, t a double: scikit-learn's
 *                        trees, which read their input as float32.
 *     For both F32 kinds the threshold is the largest double that still
 *     goes left (mlclf_cut_f32_lt() and mlclf_cut_f32_le() in mlclf.h),
 *     so it must be such an edge: the next double up rounds to a larger
 *     float32 than the threshold itself does (else MLCLF_EDECISION).
 *   bit 2, MLCLF_DEFAULT_LEFT: a missing value goes left, else right.
 *   bits 3-4, the missing rule:
 *     MLCLF_MISSING_NAN   NaN is missing (XGBoost, scikit-learn,
 *                         LightGBM's NaN type).
 *     MLCLF_MISSING_ZERO  NaN and every x with |x| <= MLCLF_ZERO_EPS are
 *                         missing (LightGBM's Zero type).
 *     MLCLF_MISSING_AS_ZERO
 *                         NaN is read as 0.0 and compared (LightGBM's
 *                         None type); the default bit is unused.
 *     MLCLF_MISSING_REFUSE
 *                         the source refuses missing values (the trees
 *                         of scikit-learn 1.2): so does the model.  All
 *                         internal nodes or none have this rule.
 *   bits 5-7: 0.  Anything else is MLCLF_EDECISION.
 */
#define MLCLF_LEAF_SUM_TOLERANCE      1e-9

#define MLCLF_SECTION_TREE_OFFSETS    32
#define MLCLF_SECTION_NODE_FEATURE    33
#define MLCLF_SECTION_NODE_THRESHOLD  34
#define MLCLF_SECTION_NODE_LEFT       35
#define MLCLF_SECTION_NODE_RIGHT      36
#define MLCLF_SECTION_LEAF_VALUES     37

#define MLCLF_SECTION_NODE_DECISION  38

#define MLCLF_CMP_MASK                0x03
#define MLCLF_CMP_LE                  0x00
#define MLCLF_CMP_F32_LT              0x01
#define MLCLF_CMP_F32_LE              0x02
#define MLCLF_DEFAULT_LEFT            0x04
#define MLCLF_MISSING_MASK            0x18
#define MLCLF_MISSING_NAN             0x00
#define MLCLF_MISSING_ZERO            0x08
#define MLCLF_MISSING_AS_ZERO         0x10
#define MLCLF_MISSING_REFUSE          0x18
#define MLCLF_DECISION_BITS           0x1f

/* LightGBM's kZeroThreshold, the float 1e-35f read as a double */
#define MLCLF_ZERO_EPS                ((double) 1e-35f)


/*
 * gbt (version 2): a sum of tree scores per output, then a link.
 *
 * TREE_CLASS: uint32[n_trees], count = n_trees: the output each tree
 *   adds to, < n_outputs (else MLCLF_EOUTPUT).  Required.
 * GBT_BASE: double[n_outputs], count = n_outputs: the starting score of
 *   each output, finite.  n_outputs is n_classes, or 1 when n_classes
 *   is 2 and the link is MLCLF_LINK_SIGMOID (then the one output is the
 *   score of class 1).  Required.
 * GBT_LINK: uint32[2], count = 2: { link, flags }.  Required.
 *   link MLCLF_LINK_SIGMOID: P(class 1) = 1 / (1 + exp(-s * z)) with
 *     one output, P(class 0) = 1 - P(class 1); with n_classes outputs,
 *     each P(k) = sigmoid(s * z_k) on its own, not normalised (LightGBM
 *     multiclassova: the "probabilities" need not sum to 1).
 *   link MLCLF_LINK_SOFTMAX: P(k) = exp(s * z_k) / sum_j exp(s * z_j);
 *     n_outputs = n_classes.
 *   flags bit 0, MLCLF_GBT_FLOAT32: the scores are summed in float32,
 *     as XGBoost does (base and every leaf value must then be float32
 *     values); else in double.  Other bits 0.
 *   Anything else is MLCLF_ELINK.
 * GBT_SCALE: double[2], count = 2: { s, d }: the link's scale s (LightGBM's
 *   "sigmoid", finite, > 0) and the divisor d of the tree sums (LightGBM's
 *   average_output: the number of iterations; finite, >= 1).  Optional:
 *   without it s = 1, d = 1.  Else MLCLF_ELINK.
 *
 * Output k's score: z_k = base_k, plus each tree's leaf value in tree
 * order (in float32 with MLCLF_GBT_FLOAT32), then z_k = z_k / d when
 * d != 1.  All five are forbidden for logreg and forest.
 */
#define MLCLF_SECTION_TREE_CLASS      48
#define MLCLF_SECTION_GBT_BASE        49
#define MLCLF_SECTION_GBT_LINK        50
#define MLCLF_SECTION_GBT_SCALE       51

#define MLCLF_LINK_SIGMOID            1
#define MLCLF_LINK_SOFTMAX            2

#define MLCLF_GBT_FLOAT32             0x01

/* 52..63 reserved for later tree sections. */


/* The 128-byte file header at offset 0. */
typedef struct {
    /* MLCLF_MAGIC */
    uint8_t                   magic[8];

    /* MLCLF_FORMAT_VERSION of the writer; 1..ours, 0 is invalid */
    uint32_t                  format_version;

    /* bytes, MLCLF_HEADER_SIZE (128) */
    uint32_t                  header_size;

    /* MLCLF_ENDIAN_PROBE */
    uint32_t                  endian;

    /* MLCLF_FILE_KIND_* */
    uint32_t                  model_kind;

    /* input features per row, 1..MLCLF_MAX_FEATURES */
    uint32_t                  n_features;

    /* classes, MLCLF_MIN_CLASSES..MLCLF_MAX_CLASSES */
    uint32_t                  n_classes;

    /* no flags are defined yet: must be 0 */
    uint32_t                  flags;

    /* registry version N (the file is "vN"), 0 if not from a registry */
    uint32_t                  model_version;

    /* bytes in the whole file, header included */
    uint64_t                  file_size;

    /* byte offset of the section table, MLCLF_ALIGN-aligned */
    uint64_t                  section_offset;

    /* entries in the section table, 1..MLCLF_MAX_SECTIONS */
    uint32_t                  section_count;

    /* CRC-32 (mlclf_crc32) of bytes [header_size, file_size) */
    uint32_t                  payload_crc32;

    /*
     * CRC-32 of the header_size header bytes with this field set to 0;
     * checked after the fields above are in range
     */
    uint32_t                  header_crc32;

    /* must be zero: room for later fields */
    uint8_t                   reserved[60];
} mlclf_file_header_t;


/* One 32-byte entry of the section table. */
typedef struct {
    /* MLCLF_SECTION_*; each type at most once per file */
    uint32_t                  type;

    /* no flags are defined yet: must be 0 */
    uint32_t                  flags;

    /* byte offset of the data, MLCLF_ALIGN-aligned */
    uint64_t                  offset;

    /* bytes of data, without the alignment padding after it */
    uint64_t                  length;

    /* elements (see each type), used to check length */
    uint64_t                  count;
} mlclf_file_section_t;


#define MLCLF_OFFSET_ASSERT(t, f, o)                                         \
    _Static_assert(offsetof(t, f) == (o), #t "." #f " offset")

_Static_assert(sizeof(mlclf_file_header_t) == MLCLF_HEADER_SIZE,
               "header size");
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, magic, 0);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, format_version, 8);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, header_size, 12);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, endian, 16);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, model_kind, 20);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, n_features, 24);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, n_classes, 28);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, flags, 32);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, model_version, 36);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, file_size, 40);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, section_offset, 48);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, section_count, 56);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, payload_crc32, 60);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, header_crc32, 64);
MLCLF_OFFSET_ASSERT(mlclf_file_header_t, reserved, 68);

_Static_assert(sizeof(mlclf_file_section_t) == 32, "section entry size");
MLCLF_OFFSET_ASSERT(mlclf_file_section_t, type, 0);
MLCLF_OFFSET_ASSERT(mlclf_file_section_t, flags, 4);
MLCLF_OFFSET_ASSERT(mlclf_file_section_t, offset, 8);
MLCLF_OFFSET_ASSERT(mlclf_file_section_t, length, 16);
MLCLF_OFFSET_ASSERT(mlclf_file_section_t, count, 24);

_Static_assert(sizeof(double) == 8, "binary64 doubles");


#endif /* _MLCLF_FORMAT_H_INCLUDED_ */
