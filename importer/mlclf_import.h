
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-import: the model being built from a source file, the tree
 * builder every source format shares, and the source parsers.
 *
 * A parser reads the whole source file (buf, len, NUL-terminated) and
 * fills an mlclf_import_t: names, labels, kind, link, and its trees one
 * at a time through mlclf_import_add_tree(), which renumbers the
 * source's nodes into the model format's layout and checks them.
 * mlclf_import_spec() then checks the whole and gives the mlclf_spec_t
 * that the CLI writes into the registry.  Every message names the
 * source file and the place in it (mlclf_import_fail()).
 */


#ifndef _MLCLF_IMPORT_H_INCLUDED_
#define _MLCLF_IMPORT_H_INCLUDED_


#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>
#include <mlclf_format.h>


/*
 * Exit codes of mlclf-import: documented in --help, the man page and
 * docs/cli.md.
 */
typedef enum {
    MLCLF_IMPORT_EXIT_OK = 0,
    MLCLF_IMPORT_EXIT_INTERNAL = 1,     /* out of memory, a bug */
    MLCLF_IMPORT_EXIT_USAGE = 2,        /* bad command line, names */
    MLCLF_IMPORT_EXIT_SOURCE = 3,       /* the source model is malformed
                                           or asks for what we do not
                                           support */
    MLCLF_IMPORT_EXIT_REGISTRY = 4,     /* cannot publish or promote */
    MLCLF_IMPORT_EXIT_IO = 5            /* cannot read the source file */
} mlclf_import_exit_e;


/* Source formats, as --format names them. */
typedef enum {
    MLCLF_IMPORT_UNKNOWN = 0,
    MLCLF_IMPORT_XGBOOST,               /* save_model JSON or UBJSON */
    MLCLF_IMPORT_LIGHTGBM,              /* model.txt */
    MLCLF_IMPORT_SKLEARN                /* tools/mlclf-sklearn-export */
} mlclf_import_format_e;


/*
 * Limits of what a source may claim before anything is allocated for
 * it: a file that claims more is refused with a message, so a small file
 * cannot make the importer allocate for 10^6 trees.
 */
#define MLCLF_IMPORT_MAX_TREES     (1u << 20)
#define MLCLF_IMPORT_MAX_TREE_NODES  (1u << 24)   /* nodes of one tree */


/*
 * One node of a source tree, in the source's own numbering (index in
 * the array given to mlclf_import_add_tree()).
 */
typedef struct {
    int32_t                   feature;      /* -1: a leaf */
    uint8_t                   decision;     /* MLCLF_CMP_* |
                                               MLCLF_DEFAULT_LEFT |
                                               MLCLF_MISSING_* */
    int64_t                   left;         /* children, source indices */
    int64_t                   right;
    double                    threshold;    /* the source's own t */
    const double             *value;        /* leaf: n_classes values
                                               (forest) or 1 (gbt) */
    double                    cover;        /* training weight here */
    unsigned                  has_cover:1;  /* 0: the source has none */
} mlclf_import_node_t;


/*
 * The model being built.  It owns every array and string; the spec that
 * mlclf_import_spec() gives points into it.
 */
typedef struct {
    const char               *path;         /* source file, in messages */
    mlclf_import_format_e     format;
    mlclf_kind_e              kind;         /* set by the parser */
    uint32_t                  n_features;
    uint32_t                  n_classes;
    uint32_t                  n_outputs;    /* logreg and gbt */

    /*
     * Names from the source, each malloc()ed, or NULL: the CLI fills
     * them from --features / --classes, or f0.. / 0, 1, ...
     */
    char                    **feature_names;    /* n_features or NULL */
    char                    **class_labels;     /* n_classes or NULL */

    /* logreg, malloc()ed by the parser */
    double                   *weights;      /* n_outputs x n_features */
    double                   *bias;         /* n_outputs */

    /* gbt, the parser sets these (base malloc()ed, n_outputs) */
    double                   *base;
    uint32_t                  link;         /* MLCLF_LINK_* */
    uint32_t                  gbt_flags;    /* MLCLF_GBT_FLOAT32 */
    double                    link_scale;   /* 0 or 1: none */
    double                    divisor;      /* 0 or 1: none */

    /* trees, grown by mlclf_import_add_tree() */
    uint32_t                  n_trees;
    uint32_t                  n_nodes;
    uint32_t                  n_leaves;
    uint32_t                 *tree_offsets;
    uint32_t                 *tree_class;
    int32_t                  *node_feature;
    double                   *node_threshold;
    uint32_t                 *node_left;
    uint32_t                 *node_right;
    uint8_t                  *node_decision;
    double                   *node_cover;
    unsigned                  cover_missing:1;  /* a node had none */
    double                   *leaf_values;
    uint32_t                  cap_trees;
    uint32_t                  cap_nodes;
    uint32_t                  cap_leaves;

    /* provenance, for meta.json (the parser fills them, "" if unknown) */
    char                      library[32];      /* "xgboost" */
    char                      library_version[32];  /* "1.7.4" */
    char                      source_kind[96];  /* "binary:logistic" */
} mlclf_import_t;


void mlclf_import_init(mlclf_import_t *im, const char *path,
    mlclf_import_format_e format);
void mlclf_import_free(mlclf_import_t *im);

/*
 * Adds one tree whose root is nodes[0], adding to output out (gbt; 0 for
 * forest).  Walks it from the root: a child index outside [0, n), a
 * node reached twice (a cycle, or a child shared by two parents), a
 * feature index >= n_features or a non-finite threshold or leaf value
 * is refused as "<path>: tree T node N: <what>" with MLCLF_EINVAL.
 * Nodes no walk reaches are dropped.  Covers (NODE_COVER) are kept
 * when every node of every tree has one (has_cover), each finite and
 * >= 0 (else refused the same way).  A source that refuses missing
 * values (scikit-learn's trees) gives every node MLCLF_MISSING_REFUSE.
 * Thresholds are translated from
 * the decision's comparison (mlclf_cut_f32_lt/le), the layout is the
 * format's (children after parents, leaf rows in walk order).
 * n_features, n_classes, kind (and for gbt n_outputs) must be set
 * before the first tree.
 */
int mlclf_import_add_tree(mlclf_import_t *im, const mlclf_import_node_t *nodes,
    size_t n, uint32_t out, mlclf_err_t *err);

/*
 * Checks the whole (a tree at least, names distinct, link known) and
 * fills spec to point into im.  names and labels must be set.
 */
int mlclf_import_spec(mlclf_import_t *im, mlclf_spec_t *spec,
    mlclf_err_t *err);


/*
 * Fills the names the source did not give: feature names from features
 * (a comma-separated list, "--features"), else f0, f1, ...; class labels
 * from classes ("--classes"), else 0, 1, ...  A list given when the
 * source has names replaces them (its length must match).  Checks every
 * name with mlclf_name_check() and that none repeats.  MLCLF_OK, or
 * MLCLF_EINVAL with a message naming the list and the name.
 */
int mlclf_import_names(mlclf_import_t *im, const char *features,
    const char *classes, mlclf_err_t *err);


/*
 * "<path>:<line>:<col>: <message>" (mlclf_file_error()); line 0 leaves
 * out line and column ("<path>: <message>"), for binary formats and
 * whole-file facts.  Returns code.
 */
int mlclf_import_fail(mlclf_err_t *err, int code, const mlclf_import_t *im,
    size_t line, size_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;


/*
 * The parsers.  Each returns MLCLF_OK, or MLCLF_EINVAL (the file is bad
 * or asks for something not supported: err names file, place and what),
 * or MLCLF_ENOMEM.  buf holds len bytes followed by a NUL.
 */
int mlclf_import_xgboost(mlclf_import_t *im, const char *buf, size_t len,
    mlclf_err_t *err);
int mlclf_import_lightgbm(mlclf_import_t *im, const char *buf, size_t len,
    mlclf_err_t *err);
int mlclf_import_sklearn(mlclf_import_t *im, const char *buf, size_t len,
    mlclf_err_t *err);

/* The format a file's first bytes show, or MLCLF_IMPORT_UNKNOWN. */
mlclf_import_format_e mlclf_import_detect(const char *buf, size_t len);

/* "xgboost", "lightgbm", "sklearn"; NULL for UNKNOWN. */
const char *mlclf_import_format_name(mlclf_import_format_e format);


#endif /* _MLCLF_IMPORT_H_INCLUDED_ */
