
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Public API of libmlclf: open and verify a model file, predict, parse
 * /predict requests and write their replies, serialise models.
 */


#ifndef _MLCLF_H_INCLUDED_
#define _MLCLF_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/* The release, as debian/changelog names it (make lint checks both). */
#define MLCLF_RELEASE             "0.1.0"


/*
 * Error codes.  MLCLF_OK is 0, every failure is negative and distinct, so
 * a caller (and a test) can tell each kind of damage apart.
 */
#define MLCLF_OK                  0
#define MLCLF_ENOMEM             -1   /* allocation failed */
#define MLCLF_EIO                -2   /* open, stat, read, mmap, write */
#define MLCLF_EINVAL             -3   /* bad argument from the caller */
#define MLCLF_ETRUNCATED         -4   /* shorter than its header says */
#define MLCLF_EMAGIC             -5   /* not an .mlclf file */
#define MLCLF_EVERSION           -6   /* format version newer than ours */
#define MLCLF_EHEADER            -7   /* header field out of range */
#define MLCLF_EHEADERCRC         -8   /* header CRC-32 mismatch */
#define MLCLF_EPAYLOADCRC        -9   /* payload CRC-32 mismatch */
#define MLCLF_ESECTION          -10   /* section table: bad type, size,
                                         alignment, duplicate, missing */
#define MLCLF_EBOUNDS           -11   /* offset + length past the end */
#define MLCLF_ESTRINGS          -12   /* bad name / label string table */
#define MLCLF_ENONFINITE        -13   /* NaN or infinite parameter */
#define MLCLF_EFEATURE          -14   /* feature index >= n_features */
#define MLCLF_ETREE             -15   /* child or leaf index out of range */
#define MLCLF_ETREECYCLE        -16   /* child does not follow its parent */
#define MLCLF_EKIND             -17   /* model kind unknown or unsupported */
#define MLCLF_EMETADATA         -18   /* metadata is not a JSON object */
#define MLCLF_EREQUEST          -19   /* /predict request rejected */
#define MLCLF_ESPACE            -20   /* output buffer too small */
#define MLCLF_ELEAF             -21   /* leaf row is not a distribution */
#define MLCLF_ETOOBIG           -22   /* file larger than the caller's limit */
#define MLCLF_ELINK             -23   /* gbt link, flags or scale unknown
                                         or out of range */
#define MLCLF_EDECISION         -24   /* bad node decision byte, or a
                                         threshold that is not the edge
                                         its comparison needs */
#define MLCLF_EOUTPUT           -25   /* a tree adds to no output */
#define MLCLF_EINPUT            -26   /* bad input, value table or text
                                         parameters (format version 3) */
#define MLCLF_ECOVER            -27   /* bad node cover (format version 4) */
#define MLCLF_ENOEXPLAIN        -28   /* the model cannot explain: no
                                         LINEAR_MEAN or NODE_COVER */
#define MLCLF_EDRIFT            -29   /* bad reference distributions
                                         (format version 5) */
#define MLCLF_ENODRIFT          -30   /* the model has no reference
                                         distributions */

/* The lowest code, for loops over every code: keep it the last one. */
#define MLCLF_ELAST             MLCLF_ENODRIFT


#define MLCLF_ERR_MSG_LEN       512


/*
 * Optional caller-owned error report: the code plus a one-line message
 * naming what was wrong (and where, e.g. "section 3 offset 4096 ...").
 */
typedef struct {
    int                       code;
    char                      msg[MLCLF_ERR_MSG_LEN];
} mlclf_err_t;


/* In-memory model kinds; the on-disk values live in mlclf_format.h. */
typedef enum {
    MLCLF_KIND_LOGREG = 1,
    MLCLF_KIND_FOREST,
    MLCLF_KIND_GBT
} mlclf_kind_e;


typedef struct mlclf_model_s  mlclf_model_t;

struct mlclf_file_input_s;          /* mlclf_format.h */
struct mlclf_file_text_s;
struct mlclf_file_drift_s;


/*
 * Short static text for an error code ("truncated file", ...); never NULL.
 */
const char *mlclf_strerror(int code);

/*
 * 1 if code says the model file itself is refused: damaged, or not a
 * model this reader accepts (truncated, magic, version, header, CRCs,
 * section table, bounds, strings, non-finite values, feature and tree
 * indices, tree cycle, kind, metadata, leaf rows, too big for the
 * caller's limit).  Another reading of the same bytes fails the same
 * way, so a caller reports it as the file's fault ("invalid"), never
 * as its own.  0 for everything else: MLCLF_OK, the caller's or the
 * system's errors (MLCLF_ENOMEM, MLCLF_EIO, MLCLF_EINVAL), errors that
 * are not about a model file (MLCLF_EREQUEST, MLCLF_ESPACE), and
 * codes this library does not define.  Callers classify model errors
 * with this function, never with a range of codes: a new damage code
 * is added here, next to its text in mlclf_strerror().
 */
int mlclf_err_is_damage(int code);

/*
 * Fills err (if not NULL) with code and a printf-style message and
 * returns code, so that callers can write "return mlclf_err_set(...)".
 */
int mlclf_err_set(mlclf_err_t *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;


/*
 * CRC-32 (IEEE 802.3, reflected: zlib's crc32_z()) of len bytes,
 * continuing from crc (pass 0 to start).
 */
uint32_t mlclf_crc32(uint32_t crc, const void *data, size_t len);


/*
 * The model format's rule for one feature name or class label
 * (mlclf_format.h): 1 to MLCLF_MAX_NAME_LEN (255) bytes, each printable
 * ASCII (0x20..0x7e).  name holds len bytes and needs no NUL.  The
 * length is checked before any byte is read, so a huge string is
 * refused at once; with name NULL only the length is checked (for a
 * producer that knows a length before it holds the bytes, such as a
 * quoted CSV field before unescaping).  Returns MLCLF_OK, or
 * MLCLF_ESTRINGS with err->msg a reason to put after the caller's own
 * context: "empty", "300 bytes, more than 255", "byte 4 is 0xc3, not
 * printable ASCII" (bytes count from 1).  Names being distinct is the
 * caller's check.  The reader and the writer check with this function;
 * so do producers of names, such as the trainer, to refuse them before
 * any work is done.
 */
int mlclf_name_check(const char *name, size_t len, mlclf_err_t *err);


/*
 * A model's name as the registry, the trainer and mlclf_model use it:
 * [a-z0-9_-]{1,64}, so that it is safe as a path component, a metric
 * label and a log token.  name holds len bytes and needs no NUL; NULL
 * is refused.  Returns MLCLF_OK or MLCLF_EINVAL; the callers word their
 * own messages.
 */
#define MLCLF_MODEL_NAME_MAX  64

int mlclf_model_name_check(const char *name, size_t len);


/*
 * Reads path into memory that nothing can change afterwards and verifies
 * every byte of that copy: magic, version, sizes, section bounds, both
 * CRCs, finite parameters, feature and tree indices.  The copy is a
 * memfd sealed against writes, shrinking and growing (F_SEAL_*), mapped
 * read-only and shared: processes forked later share its pages, and
 * whatever happens to the file afterwards changes nothing that was read.
 *
 * The file must be a regular file of at most max_size bytes (0: no limit
 * but the address space), and exactly as long as its header says; both
 * are checked before the file is read (MLCLF_ETOOBIG, MLCLF_ETRUNCATED,
 * MLCLF_EHEADER).  On success *mp owns the mapping and must be released
 * with mlclf_model_close().  On failure *mp is NULL, nothing stays
 * mapped, and err names the file and the reason.
 */
int mlclf_model_open(mlclf_model_t **mp, const char *path, size_t max_size,
    mlclf_err_t *err);

/*
 * Same checks for a model already in memory.  The buffer is borrowed: it
 * must stay valid and unchanged until mlclf_model_close().  It must be
 * 8-byte aligned (malloc and mmap memory is).
 */
int mlclf_model_load(mlclf_model_t **mp, const void *buf, size_t len,
    mlclf_err_t *err);

/*
 * Verifies a buffer without keeping anything: the check used by
 * mlclf-registry verify and by the fuzzers.
 */
int mlclf_model_verify(const void *buf, size_t len, mlclf_err_t *err);

/* Unmaps / frees and sets *mp to NULL; accepts NULL and *mp == NULL. */
void mlclf_model_close(mlclf_model_t **mp);


/* Accessors: cheap, no allocation, valid until close. */
mlclf_kind_e mlclf_model_kind(const mlclf_model_t *m);
const char *mlclf_model_kind_name(const mlclf_model_t *m);  /* "logreg" */
uint32_t mlclf_model_n_features(const mlclf_model_t *m);
uint32_t mlclf_model_n_classes(const mlclf_model_t *m);
uint32_t mlclf_model_n_trees(const mlclf_model_t *m);      /* 0 if linear */
uint32_t mlclf_model_version(const mlclf_model_t *m);      /* registry N */
const char *mlclf_model_feature_name(const mlclf_model_t *m, uint32_t i);
const char *mlclf_model_class_label(const mlclf_model_t *m, uint32_t i);

/*
 * Index of the feature called name (len bytes, not NUL-terminated), or
 * -1 if the model has no such feature.
 */
int32_t mlclf_model_feature_index(const mlclf_model_t *m, const char *name,
    size_t len);

/*
 * Value used for a missing feature i, or NULL if the model rejects
 * missing values or routes them itself (no impute section).
 */
const double *mlclf_model_impute(const mlclf_model_t *m);

/*
 * 1 if the model routes missing values itself (a tree model with node
 * decisions, mlclf_format.h): a missing value is given to
 * mlclf_predict_proba() as NaN.  0 otherwise.
 */
int mlclf_model_routes_missing(const mlclf_model_t *m);

/* Metadata JSON text (NUL-terminated) and its length without the NUL. */
const char *mlclf_model_metadata(const mlclf_model_t *m, size_t *len);

/* Bytes of the file / buffer behind the model. */
size_t mlclf_model_size(const mlclf_model_t *m);



/*
 * Class probabilities for one row x[n_features] into proba[n_classes].
 * Allocates nothing, never fails on a verified model; x must hold finite
 * numbers, or NaN for a missing value when mlclf_model_routes_missing()
 * (the request parser guarantees it).  Returns the index of the most
 * probable class (the lowest index on ties).
 */
uint32_t mlclf_predict_proba(const mlclf_model_t *m, const double *x,
    double *proba);


/*
 * Explanations: per-column contributions to a row's margin, and the base
 * value they start from (docs/api.md shows them in a reply).  The margin
 * of output k is what the model turns into probabilities:
 *   logreg  w_k . x + b_k (the log-odds of class 1 with one output);
 *   gbt     base_k + the leaf values of output k's trees, over the
 *           divisor (GBT_SCALE): the score before the link, summed in
 *           double (a MLCLF_GBT_FLOAT32 model's kernel sums in float32,
 *           within that rounding of it);
 *   forest  the forest's probability of class k itself, the mean of its
 *           trees' leaf rows: a forest has no other margin, so its
 *           contributions are in probability, one row per class.
 * mlclf_explain_n_outputs() rows: n_outputs for logreg and gbt (1 for
 * a binary sigmoid: class 1's), n_classes for a forest.
 *
 * mlclf_explain_ready() is MLCLF_OK when the model carries what its
 * kind needs (format version 4: LINEAR_MEAN for logreg, NODE_COVER for
 * trees), else MLCLF_ENOEXPLAIN.  Call the others only when it is.
 *
 * mlclf_explain() fills phi[n_outputs][n_features + 1] for the row
 * x[n_features] (as mlclf_predict_proba() takes it; NaN, missing, goes
 * where the predict kernel sends it): phi[k][j] is column j's
 * contribution to output k's margin and phi[k][n_features] the base
 * value, the margin of a row with no column known; each row of phi
 * sums to the margin (within rounding, 1e-9 relative in the tests).
 * logreg: phi[k][j] = w_kj (x_j - mean_j).  Trees: path-dependent
 * TreeSHAP over the node covers.  scratch holds mlclf_explain_scratch(m)
 * doubles (8-aligned, the caller's; nothing is allocated); its size
 * grows with the square of the deepest tree's depth (or depth times
 * n_features, the smaller).
 *
 * mlclf_explain_terms() (mlclf_input.h) explains by input instead, what
 * a request names.
 */
int mlclf_explain_ready(const mlclf_model_t *m);
uint32_t mlclf_explain_n_outputs(const mlclf_model_t *m);
size_t mlclf_explain_scratch(const mlclf_model_t *m);
void mlclf_explain(const mlclf_model_t *m, const double *x, double *phi,
    double *scratch);


/*
 * The routing threshold (mlclf_format.h, NODE_THRESHOLD) that stands for
 * a source library's float32 comparison: the largest double c such that
 * x <= c exactly when (float) x < t (mlclf_cut_f32_lt, XGBoost; t must
 * be a float32 value), or when (float) x <= t (mlclf_cut_f32_le,
 * scikit-learn's trees), for every double x.  The float is the
 * round-to-nearest-even conversion of C and of numpy.
 */
double mlclf_cut_f32_lt(double t);
double mlclf_cut_f32_le(double t);

/* 1 if c is such a threshold: the next double up rounds higher. */
int mlclf_cut_is_f32_edge(double c);


/*
 * Model serialisation (trainer and tests; not compiled into the module).
 * The spec points at caller-owned arrays; nothing is copied before write.
 */
typedef struct {
    mlclf_kind_e              kind;
    uint32_t                  n_features;
    uint32_t                  n_classes;
    uint32_t                  version;          /* registry N, 0 if none */
    const char *const        *feature_names;    /* n_features */
    const char *const        *class_labels;     /* n_classes */
    const double             *impute;           /* n_features or NULL */
    const char               *metadata;         /* JSON object or NULL */

    /*
     * raw inputs (mlclf_format.h, version 3): with n_inputs 0, each
     * feature is a number input and feature_names has n_features
     * names; else feature_names has n_inputs names, one per input, and
     * n_features counts the columns the inputs fill
     */
    uint32_t                  n_inputs;
    const struct mlclf_file_input_s  *inputs;   /* n_inputs */
    uint32_t                  n_values;
    const uint8_t            *value_bytes;      /* value_offsets[n_values] */
    const uint32_t           *value_offsets;    /* n_values + 1 */
    const uint32_t           *value_columns;    /* n_values */
    uint32_t                  n_texts;
    const struct mlclf_file_text_s  *texts;     /* n_texts */
    uint64_t                  n_idf;
    const double             *idf;              /* n_idf */

    /* logreg: n_outputs is 1 (binary sigmoid) or n_classes (softmax) */
    uint32_t                  n_outputs;
    const double             *weights;          /* n_outputs x n_features */
    const double             *bias;             /* n_outputs */
    const double             *linear_mean;      /* n_features or NULL:
                                                   column means (v4) */

    /*
     * forest and gbt: tree t owns nodes [tree_offsets[t],
     * tree_offsets[t + 1]), its root is the first.  An internal node
     * sends x to left when x[feature] <= threshold; children are
     * absolute node indices greater than the node's own.  A leaf has
     * feature -1 and left = its row in leaf_values (forest: n_leaves x
     * n_classes, each row a distribution; gbt: n_leaves scores).
     * node_decision (n_nodes, or NULL) is each node's missing rule and
     * source comparison (mlclf_format.h, MLCLF_CMP_* | ...).
     */
    uint32_t                  n_trees;
    uint32_t                  n_nodes;
    uint32_t                  n_leaves;
    const uint32_t           *tree_offsets;     /* n_trees + 1 */
    const int32_t            *node_feature;     /* n_nodes */
    const double             *node_threshold;   /* n_nodes */
    const uint32_t           *node_left;        /* n_nodes */
    const uint32_t           *node_right;       /* n_nodes */
    const double             *leaf_values;      /* see above */
    const uint8_t            *node_decision;    /* n_nodes or NULL */
    const double             *node_cover;       /* n_nodes or NULL: the
                                                   training weight at
                                                   each node (v4) */

    /*
     * gbt (mlclf_format.h): output k starts at base[k], adds the leaf
     * values of the trees with tree_class[t] == k in tree order, is
     * divided by divisor, and link (MLCLF_LINK_*, scaled by
     * link_scale) turns the scores into probabilities.  n_outputs (as
     * for logreg) is n_classes, or 1 for a binary sigmoid.
     * link_scale and divisor 0 mean 1.
     */
    const uint32_t           *tree_class;       /* n_trees */
    const double             *base;             /* n_outputs */
    uint32_t                  link;             /* MLCLF_LINK_* */
    uint32_t                  gbt_flags;        /* MLCLF_GBT_FLOAT32 */
    double                    link_scale;
    double                    divisor;

    /*
     * reference distributions (mlclf_format.h, version 5), drift NULL
     * for none: one entry per input (n_inputs, or n_features without
     * inputs); the cut points, category values and shares they point
     * into; class_shares is n_classes predicted-class shares, then
     * with class_prior set n_classes label-prior shares
     */
    const struct mlclf_file_drift_s  *drift;
    uint32_t                  n_drift_edges;
    uint32_t                  n_drift_values;
    uint32_t                  n_drift_shares;
    unsigned                  class_prior:1;
    const double             *drift_edges;      /* n_drift_edges */
    const uint32_t           *drift_values;     /* n_drift_values */
    const double             *drift_shares;     /* n_drift_shares */
    const double             *class_shares;     /* see above */
} mlclf_spec_t;

/*
 * Serialises spec into a malloc()ed buffer (*buf, *len); the caller frees
 * it.  The bytes depend only on the spec: same spec, same bytes.
 */
int mlclf_write_buffer(const mlclf_spec_t *spec, void **buf, size_t *len,
    mlclf_err_t *err);

/*
 * Publishes spec at path atomically: writes "path.tmp.<pid>" in the same
 * directory, fflush, fsync, checked fclose, rename over path, fsync of
 * the directory.  On failure nothing exists at path that was not there.
 */
int mlclf_write(const char *path, const mlclf_spec_t *spec, mlclf_err_t *err);


/*
 * /predict requests.  Three shapes (DESIGN.md §5):
 *   {"features": [5.1, 3.5, 1.4, 0.2]}
 *   {"features": {"sepal_length": 5.1, ...}}
 *   {"instances": [[...], {...}, ...]}
 * plus the optional members "probabilities": true|false and "explain":
 * true|false (docs/api.md): explain asks for each row's contributions
 * (mlclf_explain()), refused (400, cannot_explain) when the model cannot
 * give them, and (413, too_many_rows) for more than max_explain_rows
 * rows.
 */
typedef struct {
    size_t                    max_rows;     /* rows in one batch */
    size_t                    max_depth;    /* JSON nesting */
    size_t                    max_text;     /* bytes of one text value */
    size_t                    max_explain_rows; /* rows with "explain" */
} mlclf_limits_t;

#define MLCLF_DEFAULT_MAX_ROWS   1000
#define MLCLF_DEFAULT_MAX_DEPTH  8
#define MLCLF_DEFAULT_MAX_TEXT   65536
#define MLCLF_DEFAULT_MAX_EXPLAIN_ROWS  100

#define MLCLF_REQUEST_LOCAL      16

/*
 * Why a /predict request was refused: the reason="..." label of
 * mlclf_errors_total, the "reason" of error bodies and $mlclf_reason.
 * The parsers set the first seventeen; the server sets its own (from
 * METHOD_NOT_ALLOWED on).  Values are in-memory only, never stored:
 * they index the server's counters, so a new reason goes before
 * MLCLF_REASON_N and gets a name in mlclf_reason_name().
 */
typedef enum {
    MLCLF_REASON_NONE = 0,                  /* not refused */
    MLCLF_REASON_BAD_JSON,
    MLCLF_REASON_BAD_SHAPE,
    MLCLF_REASON_UNKNOWN_FEATURE,
    MLCLF_REASON_MISSING_FEATURE,
    MLCLF_REASON_DUPLICATE_FEATURE,
    MLCLF_REASON_MISSING_VALUE,
    MLCLF_REASON_NOT_A_NUMBER,
    MLCLF_REASON_NON_FINITE,
    MLCLF_REASON_TOO_MANY_ROWS,
    MLCLF_REASON_EMPTY_BATCH,
    MLCLF_REASON_EMPTY_BODY,
    MLCLF_REASON_TOO_DEEP,
    MLCLF_REASON_NOT_A_STRING,
    MLCLF_REASON_BAD_TEXT,
    MLCLF_REASON_TEXT_TOO_LONG,
    MLCLF_REASON_UNKNOWN_CATEGORY,
    MLCLF_REASON_BAD_TENSOR,                /* V2: datatype, shape, binary */
    MLCLF_REASON_CANNOT_EXPLAIN,            /* "explain" on a model that
                                               cannot */
    MLCLF_REASON_METHOD_NOT_ALLOWED,
    MLCLF_REASON_UNSUPPORTED_MEDIA_TYPE,
    MLCLF_REASON_NO_MODEL,
    MLCLF_REASON_BODY_TOO_LARGE,
    MLCLF_REASON_INTERNAL,
    MLCLF_REASON_OTHER,
    MLCLF_REASON_N
} mlclf_reason_e;

/*
 * The reason's name, as clients and metrics see it: "bad_json", ...;
 * "" for MLCLF_REASON_NONE and for values outside the enum.  Static
 * text, never NULL.
 */
const char *mlclf_reason_name(mlclf_reason_e reason);


typedef struct {
    void                     *root;         /* cJSON tree, owned */
    void                     *rows;         /* cJSON node(s) of the rows */
    size_t                    n_rows;
    unsigned                  batch:1;
    unsigned                  probabilities:1;
    unsigned                  explain:1;    /* "explain": true */
    /*
     * dense: the common shapes (numbers only, in arrays) were read
     * without cJSON; rows then points to n_rows x n_features doubles,
     * in local[] or in a malloc()ed block that root owns
     */
    unsigned                  dense:1;
    double                    local[MLCLF_REQUEST_LOCAL];
    /*
     * dense rows: the values the parser imputed (a V2 tensor's nulls and
     * the features no tensor gives, for a model with IMPUTE), bit
     * r * n_features + c of a malloc()ed bitmap, so that drift
     * monitoring sees them missing; NULL when there are none
     */
    uint64_t                 *missing;
    /*
     * a model with inputs: the most terms one row can give, and the
     * bytes of text scratch its longest text needs
     */
    size_t                    max_terms;
    size_t                    max_scratch;
    mlclf_reason_e            reason;       /* on rejection */
    int                       status;       /* on rejection: 400 or 413 */
} mlclf_request_t;

/*
 * Parses and validates the whole body against m.  On MLCLF_EREQUEST,
 * req->reason is one of the parser's reasons (MLCLF_REASON_BAD_JSON to
 * MLCLF_REASON_UNKNOWN_CATEGORY), req->status the HTTP status and
 * err->msg a
 * sentence for the client.  Always call mlclf_request_free(), whatever
 * the result.
 */
int mlclf_request_parse(mlclf_request_t *req, const mlclf_model_t *m,
    const char *body, size_t len, const mlclf_limits_t *limits,
    mlclf_err_t *err);

/* Fills x[n_features] with row i of a parsed request (imputing). */
void mlclf_request_row(const mlclf_request_t *req, const mlclf_model_t *m,
    size_t i, double *x);

/*
 * The rows of a parsed request that are not dense, in order, without
 * walking from the first each time: the first with prev NULL, then the
 * one after prev; NULL after the last, and always for dense rows.
 * The row readers below take what it returns.
 */
const void *mlclf_request_next_row(const mlclf_request_t *req,
    const void *prev);

void mlclf_request_free(mlclf_request_t *req);


/*
 * Reply writing.  The caller sizes buf with mlclf_reply_bound(), gives
 * scratch of mlclf_reply_scratch_for(m, req) doubles (8-aligned), and
 * optionally class_counts
 * (n_classes counters, incremented per row, for metrics) and classes
 * with confidences (n_rows each: what a shadow model is compared with).
 */
typedef struct {
    char                     *buf;
    size_t                    size;
    size_t                    len;              /* out: bytes written */
    double                   *scratch;
    uint64_t                 *class_counts;     /* optional */
    uint32_t                 *classes;          /* optional: n_rows, out:
                                                   each row's class */
    double                   *confidences;      /* with classes, out:
                                                   each row's prob. */
    const char               *version;          /* e.g. "v3" */
    uint32_t                  first_class;      /* out: row 0's class */
    double                    first_confidence; /* out: row 0's prob. */
} mlclf_reply_t;

size_t mlclf_reply_bound(const mlclf_model_t *m, const mlclf_request_t *req,
    const char *version);
size_t mlclf_reply_scratch(const mlclf_model_t *m);

/*
 * The scratch doubles for this request: mlclf_reply_scratch(m) for a
 * model without INPUTS; for one with them, what its rows' texts need
 * too (mlclf_request_parse() measured them).  Callers that serve such
 * models size the scratch with this function.
 */
size_t mlclf_reply_scratch_for(const mlclf_model_t *m,
    const mlclf_request_t *req);

/*
 * Predicts every row and writes the JSON reply.  Numbers are written so
 * that they parse back to the same double (shortest round-trip form).
 */
int mlclf_reply_write(mlclf_reply_t *rep, const mlclf_model_t *m,
    const mlclf_request_t *req, mlclf_err_t *err);

/*
 * Writes {"error":"<msg>","reason":"<reason>"} (escaped) into buf and
 * returns its length, or the length it would need if size is too small.
 */
size_t mlclf_error_json(char *buf, size_t size, const char *msg,
    const char *reason);

/*
 * KServe's Open Inference Protocol (V2, docs/kserve.md): infer requests
 * and replies, and model metadata.
 */

/* the outputs a reply can carry */
#define MLCLF_V2_OUT_PROBABILITIES  0   /* FP64 [N, n_classes] */
#define MLCLF_V2_OUT_LABEL          1   /* BYTES [N], or [N, k] classified */
#define MLCLF_V2_OUT_EXPLANATION    2   /* FP64 [N, n_outputs, n_inputs + 1],
                                           with "explain": true */
#define MLCLF_V2_N_OUTPUTS          3

typedef struct {
    unsigned                  wanted:1;
    unsigned                  binary:1;         /* binary_data: true */
    uint32_t                  classification;   /* k > 0: top-k strings */
} mlclf_v2_output_t;

typedef struct {
    mlclf_request_t           req;      /* rows, as mlclf_request_parse()
                                           leaves them; reason/status set
                                           on MLCLF_EREQUEST */
    const char               *id;       /* the body's "id", or NULL */
    mlclf_v2_output_t         outputs[MLCLF_V2_N_OUTPUTS];
    void                     *json;     /* the parsed JSON part, owned */
} mlclf_v2_request_t;

/*
 * Parses a V2 infer body against m: the JSON header is body[0, json_len)
 * (json_len == len unless the client sent Inference-Header-Content-Length),
 * binary tensor data follows it.  Same contract as mlclf_request_parse():
 * MLCLF_EREQUEST with v2->req.reason, v2->req.status (400/413) and
 * err->msg; always call mlclf_v2_request_free().
 */
int mlclf_v2_request_parse(mlclf_v2_request_t *v2, const mlclf_model_t *m,
    const char *body, size_t len, size_t json_len,
    const mlclf_limits_t *limits, mlclf_err_t *err);
void mlclf_v2_request_free(mlclf_v2_request_t *v2);

/* Bytes the reply can take (JSON + binary outputs). */
size_t mlclf_v2_reply_bound(const mlclf_model_t *m,
    const mlclf_v2_request_t *v2, const char *name, const char *version);

/*
 * Scores every row with the same kernels as mlclf_reply_write() (bit for
 * bit the same probabilities) and writes the V2 reply: rep as for
 * mlclf_reply_write() (buf/size/scratch of mlclf_reply_scratch_for(m,
 * &v2->req) doubles/class_counts/version in; len, first_class,
 * first_confidence out).  *json_len gets the JSON part's bytes: equal to
 * rep->len when no output is binary; else the server sends
 * Inference-Header-Content-Length: *json_len and
 * Content-Type: application/octet-stream.
 */
int mlclf_v2_reply_write(mlclf_reply_t *rep, const mlclf_model_t *m,
    const mlclf_v2_request_t *v2, const char *name, size_t *json_len,
    mlclf_err_t *err);

/*
 * The model metadata object of GET /v2/models/{name}: name, versions
 * ([version]), platform ("mlclf"), inputs, outputs.  Returns the length,
 * or the length it needs if size is too small (like mlclf_error_json).
 */
size_t mlclf_v2_metadata(char *buf, size_t size, const mlclf_model_t *m,
    const char *name, const char *version);


/*
 * Drift monitoring (docs/monitoring.md): the training split's reference
 * distributions that a model of format version 5 carries, and the
 * binning of served rows that compares with them.
 *
 * Inputs are what a request names (mlclf_model_feature_name()), in
 * order.  Each input's bins are its value bins, then one missing bin,
 * always the last (a null, or the input left out by name): a number's
 * between cut points, a category's for its most frequent training
 * values and then one "other" bin, a text's by its length in bytes.
 */
#define MLCLF_DRIFT_MAX_BINS   16
#define MLCLF_PSI_EPSILON      1e-4

/*
 * MLCLF_OK when the model carries reference distributions, else
 * MLCLF_ENODRIFT (not damage: files of versions 1-4, imported models
 * without a reference).  Call the others only when it is.
 */
int mlclf_drift_ready(const mlclf_model_t *m);

/* The request's inputs (== the number of names a row can give). */
uint32_t mlclf_drift_n_inputs(const mlclf_model_t *m);

/* Bins of input i, the missing bin (the last) included: 2..16. */
uint32_t mlclf_drift_n_bins(const mlclf_model_t *m, uint32_t i);

/* Training shares of input i's bins (n_bins doubles, sum 1). */
const double *mlclf_drift_shares(const mlclf_model_t *m, uint32_t i);

/* Predicted-class shares on the training split (n_classes, sum 1). */
const double *mlclf_drift_class_shares(const mlclf_model_t *m);

/* Label prior on the training split (n_classes), or NULL. */
const double *mlclf_drift_class_prior(const mlclf_model_t *m);

/*
 * What input i's value bins are, for display (mlclf-registry show):
 * its kind (MLCLF_DRIFT_NUMBER, _CATEGORY or _TEXT, mlclf_format.h),
 * and either its *n cut points (number, text: n_bins - 2 of them) or
 * its *n categories' value strings (category: the value bins, in bin
 * order; mlclf_drift_value() gives each one's bytes).
 */
uint32_t mlclf_drift_kind(const mlclf_model_t *m, uint32_t i);
const double *mlclf_drift_edges(const mlclf_model_t *m, uint32_t i,
    uint32_t *n);
const char *mlclf_drift_value(const mlclf_model_t *m, uint32_t i,
    uint32_t bin, size_t *len);

/*
 * Each input's bin for row i of a parsed request (mlclf_request_parse()
 * or the req of a parsed V2 request): bins[mlclf_drift_n_inputs(m)].
 * node is row i as mlclf_request_next_row() gave it (NULL for dense
 * rows, which are found by i), so that a batch is binned in one pass.
 * Reads the values as the client sent them (before imputation: a
 * missing value is the missing bin).  Allocates nothing.
 */
void mlclf_drift_row_bins(const mlclf_model_t *m,
    const mlclf_request_t *req, size_t i, const void *node, uint8_t *bins);

/*
 * Every row of req binned as mlclf_drift_row_bins() bins it, each bin
 * added to counts[off[j] + bin] for input j; bins is scratch of
 * mlclf_drift_n_inputs(m) bytes.  Dense rows are binned an input at a
 * time against its cut points held in registers, the cost of a batch
 * of a cheap model.  Allocates nothing.
 */
void mlclf_drift_count_rows(const mlclf_model_t *m,
    const mlclf_request_t *req, const uint32_t *off, uint32_t *counts,
    uint8_t *bins);

/*
 * Input i's bin for a number (NaN: missing), a category or text value
 * (s of len bytes; NULL: missing), as mlclf_drift_row_bins() bins
 * them; the trainer and the importer bin their rows with these.
 */
uint32_t mlclf_drift_bin_number(const mlclf_model_t *m, uint32_t i,
    double x);
uint32_t mlclf_drift_bin_string(const mlclf_model_t *m, uint32_t i,
    const char *s, size_t len);

/*
 * For producers of model files (mlclf-train, mlclf-import): the cut
 * points of a number (or a text's length) from its n non-missing
 * values v, which are sorted in place, among n_rows rows (n_rows > 0):
 * the deciles, each once, into cuts[MLCLF_DRIFT_MAX_CUTS]; the shares
 * of the rows in its value bins, then the missing bin (the n_rows - n
 * rows without a value), into shares[k + 2].  Returns k, the number of
 * cut points.
 */
#define MLCLF_DRIFT_MAX_CUTS   9

uint32_t mlclf_drift_make_cuts(double *v, size_t n, size_t n_rows,
    double *cuts, double *shares);

/*
 * PSI of counts[n] (the window) against ref[n] (shares): the sum over
 * bins of (p - q) ln(p / q), p the window's share, q the reference's,
 * each floored at MLCLF_PSI_EPSILON first; 0 for an empty window.
 */
double mlclf_psi(const double *ref, const uint64_t *counts, uint32_t n);


/*
 * Writes d in the shortest form that parses back to the same double;
 * returns the length (at most 24 bytes, buf needs 32).
 */
size_t mlclf_double_format(char *buf, double d);


/* grammars of mlclf_double_parse() */
#define MLCLF_DOUBLE_JSON        0  /* RFC 8259: -?(0|[1-9]d*)(.d+)?(e..)? */
#define MLCLF_DOUBLE_DECIMAL     1  /* also '+', leading zeros, ".5", "5." */

/*
 * The one decimal reader of the core, the trainer and the request
 * parser: reads the number that starts at p (bytes before end, no NUL
 * needed) in the grammar flags names, and returns the byte just after
 * it, or NULL if p does not start such a number.  What follows the
 * number is the caller's to check.  With d not NULL, *d is the double
 * strtod() gives for the same text (round to nearest, ties to even, no
 * locale): exact numbers of at most 19 significant digits with powers
 * of ten up to 1e22 take one IEEE multiplication or division (Clinger's
 * fast path), the rest strtod() on a copy.  Out of range, *d is +-HUGE_VAL
 * or a zero, as strtod() makes them; NaN if a copy of a number over 63
 * bytes cannot be allocated.
 */
const char *mlclf_double_parse(const char *p, const char *end,
    unsigned flags, double *d);


#endif /* _MLCLF_H_INCLUDED_ */
