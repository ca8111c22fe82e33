
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
 *
 * Version 3 adds raw inputs: the INPUTS, VALUE_BYTES, VALUE_OFFSETS,
 * VALUE_COLUMNS, TEXT_PARAMS and TEXT_IDF sections, which turn a
 * request's named values (numbers, categories, texts) into the columns
 * the kernels read.  A file without INPUTS is stamped as before; a
 * reader refuses these sections in an older file (MLCLF_ESECTION).
 *
 * Version 4 adds what explanations need (mlclf_explain() in mlclf.h):
 * the LINEAR_MEAN and NODE_COVER sections, both optional.  A file
 * without them is stamped as before; a reader refuses them in an older
 * file (MLCLF_ESECTION).
 *
 * Version 5 adds the training data's reference distributions, what
 * drift monitoring compares served requests with (mlclf_drift_*() in
 * mlclf.h, docs/monitoring.md): the DRIFT_INPUTS, DRIFT_EDGES,
 * DRIFT_VALUES, DRIFT_SHARES and CLASS_SHARES sections, optional as a
 * group.  A file without them is stamped as before; a reader refuses
 * them in an older file (MLCLF_ESECTION).
 */


/* "MLCLF", a NUL, then CR LF: text-mode transfers damage the CR LF. */
#define MLCLF_MAGIC               "MLCLF\0\r\n"
#define MLCLF_MAGIC_LEN           8

#define MLCLF_FORMAT_VERSION      5
#define MLCLF_FORMAT_VERSION_GBT  2       /* the first with gbt */
#define MLCLF_FORMAT_VERSION_INPUTS  3    /* the first with INPUTS */
#define MLCLF_FORMAT_VERSION_EXPLAIN  4   /* LINEAR_MEAN, NODE_COVER */
#define MLCLF_FORMAT_VERSION_DRIFT  5     /* DRIFT_*, CLASS_SHARES */
#define MLCLF_HEADER_SIZE         128

/* Written as a native uint32; reads back as 0x04030201 on big-endian. */
#define MLCLF_ENDIAN_PROBE        0x01020304u

/* Alignment of the section table and of every section, in bytes. */
#define MLCLF_ALIGN               8

/* Limits checked by the reader (and the writer). */
#define MLCLF_MAX_FEATURES        65535   /* inputs, and columns
                                             without INPUTS */
#define MLCLF_MAX_COLUMNS         (1u << 25)  /* columns with INPUTS */
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
 * Feature names: the names a request gives its values by, n_inputs
 * NUL-terminated strings back to back, in input order; count = n_inputs
 * (the count of INPUTS, or without it n_features: each input is then
 * a number read into the column of its index), length = total bytes
 * with NULs.  Each name is 1..255 bytes of printable ASCII
 * (0x20..0x7e), the rule that mlclf_name_check() (mlclf.h) applies; no
 * two are equal.  Required.
 */
#define MLCLF_SECTION_FEATURE_NAMES   1

/* Class labels, the same encoding; count = n_classes.  Required. */
#define MLCLF_SECTION_CLASS_LABELS    2

/*
 * double[n_features]: the value used for a missing number, by column;
 * count = n_features.  Optional: without it the model rejects missing
 * numbers.  The values of the columns of category and text inputs are
 * not read, and must be 0.
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
 * Inputs (version 3).  Each input of a request is one named value that
 * fills a run of columns [column, column + width): the runs of input 0,
 * 1, ... follow each other from column 0 and end at n_features (else
 * MLCLF_EINPUT).  A row's columns that no value sets are 0.
 *
 * INPUTS: mlclf_file_input_t[n_inputs], count = n_inputs (1 ..
 *   MLCLF_MAX_FEATURES).  Optional; with it, n_features may be up to
 *   MLCLF_MAX_COLUMNS.
 *   type MLCLF_INPUT_NUMBER: width 1; the number is the column's value.
 *     A missing number follows the model's rule (IMPUTE, NODE_DECISION,
 *     or refused).  first, count, param and flags are 0.
 *   type MLCLF_INPUT_CATEGORY: a string; values [first, first + count)
 *     of the value table (count >= 1) are its known categories, sorted;
 *     value j sets column VALUE_COLUMNS[j] (< width) of the input to 1.
 *     Every column of the input is set by at least one value (several
 *     values may share one: scikit-learn's infrequent categories).
 *     flags bits 0-1, what a string that is none of them does:
 *       MLCLF_UNKNOWN_ERROR    the request is refused;
 *       MLCLF_UNKNOWN_IGNORE   it sets no column;
 *       MLCLF_UNKNOWN_COLUMN   it sets column param (< width).
 *     param is 0 unless MLCLF_UNKNOWN_COLUMN.
 *   type MLCLF_INPUT_TEXT: a string; TEXT_PARAMS entry param says how
 *     it becomes width = that entry's n_features columns (mlclf_text.h).
 *     A vocabulary's terms are values [first, first + count) of the
 *     value table, count = n_features, term i sets column i (so
 *     VALUE_COLUMNS[first + i] = i); a hashing text has count 0 and
 *     first 0.
 *   flags bit 2, MLCLF_INPUT_MISSING_EMPTY (category and text): a
 *   missing value (null, or the input left out) sets no column; else
 *   the request is refused.  Other flag bits, reserved: 0.
 *
 * VALUE_BYTES: uint8[], count = length: the strings of the value table
 *   back to back, no separators.  Each is valid UTF-8 (a category may
 *   be the empty string, a vocabulary term may not).
 * VALUE_OFFSETS: uint32[n_values + 1], count = n_values + 1: string j
 *   is bytes [offsets[j], offsets[j + 1]); offsets[0] = 0, they never
 *   decrease, and the last is VALUE_BYTES's length.
 * VALUE_COLUMNS: uint32[n_values], count = n_values.
 *   Each input's slice of the value table is sorted strictly by bytes
 *   (memcmp, a prefix first), so no string is there twice.  Slices do
 *   not overlap, and every value belongs to one.  The three sections
 *   are required when an input has values, forbidden otherwise.
 *
 * TEXT_PARAMS: mlclf_file_text_t[n_texts], count = n_texts: one per
 *   text input, in input order; the fields are mlclf_text_params_t's
 *   (mlclf_text.h, which gives their ranges), and idf is the first of
 *   n_features idf weights in TEXT_IDF, or MLCLF_NO_IDF.
 * TEXT_IDF: double[], each finite and >= 1 (a smoothed idf); each text
 *   with idf owns its n_features of them, in text order, and none is
 *   left over.  Required when a text has idf, forbidden otherwise.
 *
 * Any broken rule of this block is MLCLF_EINPUT.
 */
#define MLCLF_SECTION_INPUTS          5
#define MLCLF_SECTION_VALUE_BYTES     6
#define MLCLF_SECTION_VALUE_OFFSETS   7
#define MLCLF_SECTION_VALUE_COLUMNS   8
#define MLCLF_SECTION_TEXT_PARAMS     9
#define MLCLF_SECTION_TEXT_IDF        10

#define MLCLF_INPUT_NUMBER            1
#define MLCLF_INPUT_CATEGORY          2
#define MLCLF_INPUT_TEXT              3

#define MLCLF_UNKNOWN_MASK            0x03
#define MLCLF_UNKNOWN_ERROR           0x00
#define MLCLF_UNKNOWN_IGNORE          0x01
#define MLCLF_UNKNOWN_COLUMN          0x02
#define MLCLF_INPUT_MISSING_EMPTY     0x04
#define MLCLF_INPUT_FLAG_BITS         0x07

#define MLCLF_NO_IDF                  UINT32_MAX


/*
 * Reference distributions (version 5): how the training split's values
 * of each input, and the model's predictions on it, are distributed.
 * Each input's values fall into bins: its value bins, then one missing
 * bin, always the last (a null, or the input left out of a request).
 *
 * DRIFT_INPUTS: mlclf_file_drift_t[n_inputs], count = n_inputs (the
 *   count of INPUTS, or n_features without it), in input order:
 *   kind, what the bins count; it matches the input's type:
 *     MLCLF_DRIFT_NUMBER (a number input): value bins (-inf, e0],
 *       (e0, e1], ..., (e_{k-1}, +inf) over k = n_bins - 2 cut points
 *       e of DRIFT_EDGES; a value x is in bin "the number of cut
 *       points strictly less than x".
 *     MLCLF_DRIFT_CATEGORY (a category input): c = n_bins - 2 value
 *       bins, one per value of DRIFT_VALUES (each a value of the
 *       input's slice of the value table, none twice), then one
 *       "other" bin: every other string, known to the model or not.
 *     MLCLF_DRIFT_TEXT (a text input): the text's length in bytes,
 *       binned as a number over k = n_bins - 2 cut points.
 *   n_bins: 2..MLCLF_DRIFT_MAX_BINS, the missing bin included.
 *   first: the input's first cut point in DRIFT_EDGES (number, text)
 *     or first value in DRIFT_VALUES (category); the inputs' runs
 *     follow each other from 0, in input order, with no gap.
 *   share: the input's first share in DRIFT_SHARES; its n_bins shares
 *     follow each other in the same way.
 * DRIFT_EDGES: double[], count = the cut points of all number and text
 *   inputs: each input's finite and strictly increasing.  Required when
 *   there are cut points, forbidden otherwise.
 * DRIFT_VALUES: uint32[], count = the value bins of all category
 *   inputs: indices into the value table.  Required when there are
 *   such bins, forbidden otherwise.
 * DRIFT_SHARES: double[], count = the bins of all inputs: the share of
 *   the training split's rows in each bin, each finite and in [0, 1],
 *   each input's summing to 1 within MLCLF_DRIFT_SUM_TOLERANCE.
 * CLASS_SHARES: double[n_classes], or double[2 * n_classes], count =
 *   either: the share of the training split's rows the model predicts
 *   as each class (its most probable one, the lowest index on ties),
 *   then, in the longer form, the share of the rows labelled with each
 *   class (the label prior).  Each block as the shares of an input.
 *
 * DRIFT_INPUTS, DRIFT_SHARES and CLASS_SHARES are all there or none
 * is; the other two then too as above.  Any broken rule of this block
 * is MLCLF_EDRIFT.
 */
#define MLCLF_SECTION_DRIFT_INPUTS    11
#define MLCLF_SECTION_DRIFT_EDGES     12
#define MLCLF_SECTION_DRIFT_VALUES    13
#define MLCLF_SECTION_DRIFT_SHARES    14
#define MLCLF_SECTION_CLASS_SHARES    15

#define MLCLF_DRIFT_NUMBER            1
#define MLCLF_DRIFT_CATEGORY          2
#define MLCLF_DRIFT_TEXT              3

#define MLCLF_DRIFT_SUM_TOLERANCE     1e-9


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
 * LINEAR_MEAN (version 4): double[n_features], count = n_features: the
 * mean of each column over the training rows (after imputation, as the
 * weights see them), each finite (else MLCLF_ENONFINITE).  Optional
 * for logreg, forbidden otherwise.  An explanation of a row x gives
 * column j of output k the contribution w_kj * (x_j - mean_j) and the
 * base value b_k + w_k . mean.
 */
#define MLCLF_SECTION_LINEAR_MEAN    18

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

/*
 * NODE_COVER (version 4): double[n_nodes], count = n_nodes: the
 * training weight that reached each node (XGBoost's sum_hessian,
 * LightGBM's internal_count and leaf_count, scikit-learn's
 * weighted_n_node_samples, mlclf-train's row counts or hessian sums),
 * the weights of path-dependent TreeSHAP.  Optional for forest and
 * gbt, forbidden for logreg.  Checked (else MLCLF_ECOVER): each cover
 * finite and >= 0, an internal node's > 0, and an internal node's
 * cover equal to the sum of its children's within MLCLF_COVER_TOLERANCE
 * of the larger (every source above keeps this, up to its rounding to
 * float32).
 */
#define MLCLF_SECTION_NODE_COVER     39

#define MLCLF_COVER_TOLERANCE         1e-4

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

    /*
     * columns: the values per row the kernels read, 1..MLCLF_MAX_FEATURES
     * (1..MLCLF_MAX_COLUMNS with INPUTS)
     */
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


/* One 32-byte entry of INPUTS. */
typedef struct mlclf_file_input_s {
    uint32_t                  type;         /* MLCLF_INPUT_* */
    uint32_t                  flags;
    uint32_t                  column;
    uint32_t                  width;
    uint32_t                  first;        /* in the value table */
    uint32_t                  count;
    uint32_t                  param;
    uint32_t                  reserved;     /* 0 */
} mlclf_file_input_t;


/* One 32-byte entry of TEXT_PARAMS (mlclf_text.h has the meanings). */
typedef struct mlclf_file_text_s {
    uint32_t                  vectorizer;
    uint32_t                  n_features;
    uint32_t                  ngram_min;
    uint32_t                  ngram_max;
    uint32_t                  flags;
    uint32_t                  hash_norm;
    uint32_t                  norm;
    uint32_t                  idf;          /* in TEXT_IDF, MLCLF_NO_IDF */
} mlclf_file_text_t;


/* One 16-byte entry of DRIFT_INPUTS. */
typedef struct mlclf_file_drift_s {
    uint32_t                  kind;         /* MLCLF_DRIFT_* */
    uint32_t                  n_bins;       /* the missing bin included */
    uint32_t                  first;        /* in DRIFT_EDGES or _VALUES */
    uint32_t                  share;        /* in DRIFT_SHARES */
} mlclf_file_drift_t;


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

_Static_assert(sizeof(mlclf_file_input_t) == 32, "input entry size");
_Static_assert(sizeof(mlclf_file_text_t) == 32, "text entry size");
_Static_assert(sizeof(mlclf_file_drift_t) == 16, "drift entry size");

_Static_assert(sizeof(double) == 8, "binary64 doubles");


#endif /* _MLCLF_FORMAT_H_INCLUDED_ */
