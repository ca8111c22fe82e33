
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-train internals: configuration, data set, split, learners,
 * evaluation, publishing, and the run that joins them.  Each part lives
 * in trainer/mlclf_train_<part>.c.
 */


#ifndef _MLCLF_TRAIN_H_INCLUDED_
#define _MLCLF_TRAIN_H_INCLUDED_


#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <mlclf.h>
#include <mlclf_text.h>


/*
 * Exit codes of mlclf-train: documented in --help and docs/cli.md; also what
 * mlclf_train_run() returns.
 */
typedef enum {
    MLCLF_TRAIN_EXIT_OK = 0,
    MLCLF_TRAIN_EXIT_INTERNAL = 1,      /* out of memory, a bug */
    MLCLF_TRAIN_EXIT_USAGE = 2,         /* bad command line */
    MLCLF_TRAIN_EXIT_CONFIG = 3,        /* bad YAML configuration */
    MLCLF_TRAIN_EXIT_DATA = 4,          /* bad CSV / schema violation */
    MLCLF_TRAIN_EXIT_TRAIN = 5,         /* learner failed */
    MLCLF_TRAIN_EXIT_GATE = 6,          /* a quality gate failed */
    MLCLF_TRAIN_EXIT_REGISTRY = 7,      /* cannot publish / promote */
    MLCLF_TRAIN_EXIT_IO = 8             /* other file system error */
} mlclf_train_exit_e;


typedef enum {
    MLCLF_TRAIN_MISSING_FAIL = 0,       /* a missing value is an error */
    MLCLF_TRAIN_MISSING_DROP,           /* rows with one are dropped */
    MLCLF_TRAIN_MISSING_IMPUTE,         /* replaced by the train mean */
    MLCLF_TRAIN_MISSING_ALLOW           /* kept (NaN): gbt learns where
                                           each split sends it */
} mlclf_train_missing_e;


/* gbt: the loss; AUTO is logistic for 2 classes, softmax above */
typedef enum {
    MLCLF_TRAIN_LOSS_AUTO = 0,
    MLCLF_TRAIN_LOSS_LOGISTIC,
    MLCLF_TRAIN_LOSS_SOFTMAX
} mlclf_train_loss_e;


/* gbt early stopping: what the validation share is scored on */
typedef enum {
    MLCLF_TRAIN_METRIC_LOGLOSS = 0,
    MLCLF_TRAIN_METRIC_ERROR            /* 1 - accuracy */
} mlclf_train_metric_e;


/*
 * A feature's type: the YAML's features[i].type.  float and integer
 * columns are numbers (an integer's values must be whole); a category
 * column is one-hot encoded (mlclf_train_category.h), a text column
 * turned into hashed or counted terms weighted by tf-idf.
 */
typedef enum {
    MLCLF_TRAIN_TYPE_FLOAT = 0,
    MLCLF_TRAIN_TYPE_INTEGER,
    MLCLF_TRAIN_TYPE_CATEGORY,
    MLCLF_TRAIN_TYPE_TEXT
} mlclf_train_type_e;

#define MLCLF_TRAIN_N_TYPES  4


/*
 * A count of rows (documents) or a share of them: min_df, max_df and
 * min_frequency take either, and the YAML scalar's form says which, as
 * a Python int or float does for scikit-learn: "2" is a count, "2.0"
 * and "0.5" are shares.
 */
typedef enum {
    MLCLF_TRAIN_FREQ_NONE = 0,          /* not given: no limit */
    MLCLF_TRAIN_FREQ_COUNT,             /* count holds it */
    MLCLF_TRAIN_FREQ_SHARE              /* share holds it, of the rows */
} mlclf_train_freq_e;

typedef struct {
    mlclf_train_freq_e        kind;
    uint64_t                  count;
    double                    share;
} mlclf_train_freq_t;


/* a text feature's vectorizer, norms and flags: mlclf_train_text_core_t */
#define MLCLF_TRAIN_TEXT_HASHING        1
#define MLCLF_TRAIN_TEXT_VOCABULARY     2

#define MLCLF_TRAIN_TEXT_LOWERCASE      0x01
#define MLCLF_TRAIN_TEXT_ALTERNATE_SIGN 0x02
#define MLCLF_TRAIN_TEXT_BINARY         0x04
#define MLCLF_TRAIN_TEXT_SUBLINEAR_TF   0x08

#define MLCLF_TRAIN_TEXT_NORM_NONE      0
#define MLCLF_TRAIN_TEXT_NORM_L1        1
#define MLCLF_TRAIN_TEXT_NORM_L2        2


/*
 * What a text feature's serving side needs, field for field the core's
 * text configuration (libmlclf/mlclf_text.h): scikit-learn 1.2.1's
 * HashingVectorizer or TfidfVectorizer, then TfidfTransformer.
 */
typedef struct {
    uint32_t                  vectorizer;   /* MLCLF_TRAIN_TEXT_HASHING,
                                               _VOCABULARY */
    uint32_t                  n_features;   /* hashing: 2 .. 2^24, a power
                                               of two; vocabulary: 0 until
                                               the terms are learned */
    uint32_t                  ngram_min;    /* 1 <= min <= max <= 8 */
    uint32_t                  ngram_max;
    uint32_t                  flags;        /* MLCLF_TRAIN_TEXT_LOWERCASE
                                               ... _SUBLINEAR_TF */
    uint32_t                  hash_norm;    /* hashing's own norm, before
                                               tf-idf: MLCLF_TRAIN_TEXT_
                                               NORM_*; vocabulary: NONE */
    uint32_t                  norm;         /* of the tf-idf row */
} mlclf_train_text_core_t;


/* a text feature: the core's part and what only training uses */
typedef struct {
    mlclf_train_text_core_t   core;
    unsigned                  use_idf:1;    /* idf: smoothed idf weights */
    uint32_t                  max_features; /* vocabulary: the most
                                               frequent terms, 0: all */
    mlclf_train_freq_t        min_df;       /* vocabulary: default count
                                               1; hashing: NONE */
    mlclf_train_freq_t        max_df;       /* vocabulary: default share
                                               1.0; hashing: NONE */
} mlclf_train_text_t;


/* a category feature: a value not seen in training is... */
typedef enum {
    MLCLF_TRAIN_UNKNOWN_ERROR = 0,      /* refused */
    MLCLF_TRAIN_UNKNOWN_IGNORE,         /* encoded as no column */
    MLCLF_TRAIN_UNKNOWN_INFREQUENT      /* the infrequent column, if
                                           there is one, else ignored */
} mlclf_train_unknown_e;

/*
 * scikit-learn 1.2.1 OneHotEncoder's min_frequency, max_categories and
 * handle_unknown (infrequent is its "infrequent_if_exist")
 */
typedef struct {
    mlclf_train_freq_t        min_frequency;    /* NONE: not given */
    uint32_t                  max_categories;   /* 0: no limit; counts
                                                   the infrequent column */
    mlclf_train_unknown_e     unknown;
} mlclf_train_category_conf_t;


typedef struct {
    char                     *name;
    mlclf_train_type_e        type;
    unsigned                  has_min:1;    /* float and integer only */
    unsigned                  has_max:1;
    double                    min;
    double                    max;

    /* where type: is written (1-based), 0 in the short form */
    uint32_t                  type_line;
    uint32_t                  type_col;

    union {
        mlclf_train_text_t           text;      /* type text */
        mlclf_train_category_conf_t  category;  /* type category */
    };
} mlclf_train_feature_t;


typedef struct {
    char                     *path;         /* the YAML file */
    char                     *name;         /* model name in the registry */
    char                     *data;         /* CSV path, relative to cwd */
    char                     *label;        /* label column */

    mlclf_train_feature_t    *features;
    size_t                    n_features;
    char                    **classes;      /* allowed labels, or NULL: */
    size_t                    n_classes;    /* then the sorted seen ones */

    mlclf_train_missing_e     missing;

    double                    test_fraction;    /* default 0.2 */
    uint64_t                  seed;             /* default 42 */
    unsigned                  stratify:1;       /* default on */

    mlclf_kind_e              kind;

    /* logreg */
    double                    l2;           /* penalty, default 1.0 */
    uint32_t                  max_iter;     /* default 200 */
    double                    tol;          /* default 1e-6 */

    /* forest; max_features 0 = sqrt(n_features) */
    uint32_t                  n_trees;      /* default 100 */
    uint32_t                  max_depth;    /* default 12, 0 = none */
    uint32_t                  min_samples_leaf;    /* default 1 */
    uint32_t                  max_features;
    uint32_t                  n_bins;       /* histogram bins, <= 256 */
    uint32_t                  n_threads;    /* 0 = every core */

    /*
     * gbt; shares max_depth, n_bins, n_threads with the forest and l2
     * (lambda) with logreg.  max_depth_set says max_depth was given:
     * a gbt needs max_depth, max_leaves, or both.
     */
    uint32_t                  n_estimators; /* default 100 */
    double                    learning_rate;    /* (0, 1], default 0.3 */
    uint32_t                  max_leaves;   /* 0: depth-wise growth */
    double                    min_child_weight; /* >= 0, default 1 */
    double                    min_split_gain;   /* >= 0, default 0 */
    double                    subsample;    /* (0, 1], default 1 */
    double                    colsample;    /* (0, 1], default 1 */
    mlclf_train_loss_e        loss;
    uint32_t                  loss_line;    /* where loss was given */
    uint32_t                  loss_col;     /* (1-based), 0 if not */
    double                    es_fraction;  /* 0: no early stopping */
    uint32_t                  es_rounds;
    mlclf_train_metric_e      es_metric;
    uint32_t                  log_every;    /* rounds a loss line */
    uint64_t                  gbt_seed;     /* model.seed, else seed */
    unsigned                  max_depth_set:1;

    double                    min_accuracy; /* gates, default 0 */
    double                    min_macro_f1;

    /*
     * Optional, set by the CLI: called after each forest tree, from any
     * training thread, never concurrently (under the learner's lock).
     */
    void                    (*progress)(void *ctx, size_t done,
                                        size_t total);
    /*
     * Optional, set by the CLI: called by the gbt every log_every rounds
     * and after the last, from the training thread; valid is NaN
     * without a validation share.
     */
    void                    (*progress_loss)(void *ctx, size_t round,
                                             size_t total, double train,
                                             double valid);
    void                     *progress_ctx;
} mlclf_train_config_t;


/*
 * The validated data set.  x is row-major n_rows x n_features; a missing
 * value is NaN until mlclf_train_data_impute().  rec_off / rec_len locate
 * each row's original CSV record in text, so train.csv and test.csv are
 * the source bytes themselves.
 */
typedef struct {
    size_t                    n_rows;
    size_t                    n_features;
    size_t                    n_classes;
    double                   *x;
    uint32_t                 *y;
    char                    **classes;
    char                     *text;         /* the whole file */
    size_t                    text_len;
    const char               *header;       /* header record, in text */
    size_t                    header_len;
    size_t                   *rec_off;
    uint32_t                 *rec_len;
    uint8_t                   sha256[32];   /* of the raw file */
    size_t                    n_dropped;    /* rows dropped as missing */
    unsigned                  text_mapped:1;    /* text is mmap()ed */

    /*
     * a model with raw inputs (mlclf_train_inputs.c): row r's nonzero
     * columns are terms[ptr[r] .. ptr[r + 1]), sorted; n_features
     * counts the columns and x, when not NULL, is their dense expansion
     * (for the trees)
     */
    const size_t             *sp_ptr;       /* n_rows + 1, or NULL */
    const mlclf_text_term_t  *sp_terms;

    /*
     * each CSV column's feature index (or MLCLF_TRAIN_CHUNK_LABEL,
     * _IGNORE): a category's or a text's values are validated when the
     * file is read, and read again from the records when they are
     * featurized
     */
    int32_t                  *roles;
    size_t                    n_cols;
} mlclf_train_data_t;


/* A trained model: owns the arrays that spec points at. */
typedef struct {
    mlclf_spec_t              spec;
    void                     *mem[12];      /* freed by ..._model_free */
    double                   *impute;
    double                    fit_seconds;
    uint32_t                  iterations;   /* logreg solver; gbt: rounds
                                               grown */

    /* gbt: split gain per feature over the kept trees, or NULL */
    double                   *importance;   /* n_features */
    uint32_t                  best_round;   /* rounds kept (1-based) */
    double                    best_valid;   /* its validation metric */

    /*
     * gbt: wall seconds in binning, histograms, split search, partition,
     * and updates (gradients, margins, losses)
     */
    double                    seconds[5];
} mlclf_train_model_t;


typedef struct {
    size_t                    n;
    double                    accuracy;
    double                    macro_precision;
    double                    macro_recall;
    double                    macro_f1;
    double                    log_loss;
    double                   *precision;    /* n_classes each */
    double                   *recall;
    double                   *f1;
    uint64_t                 *support;
    uint64_t                 *confusion;    /* n_classes x n_classes,
                                               row = true, col = pred */
} mlclf_train_metrics_t;


/* mlclf_train_config.c: YAML; errors read "<file>:<line>:<col>: ..." */
int mlclf_train_config_load(mlclf_train_config_t *cf, const char *path,
    mlclf_err_t *err);

/*
 * For the run, once the data's class count is known (without classes:
 * in the YAML, mlclf_train_config_load() cannot check it): a gbt with
 * loss: logistic needs 2 classes.  MLCLF_OK, or MLCLF_EINVAL with
 * "<file>:<line>:<col>: model.loss: ..." at the loss value.
 */
int mlclf_train_config_check_classes(const mlclf_train_config_t *cf,
    size_t n_classes, mlclf_err_t *err);
void mlclf_train_config_free(mlclf_train_config_t *cf);

/* "float", "integer", "category", "text"; "unknown" for another value */
const char *mlclf_train_type_name(mlclf_train_type_e type);

/* mlclf_train_data.c: CSV; errors read "<file>:<line>:<col>: <reason>" */
int mlclf_train_data_load(mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, mlclf_err_t *err);
void mlclf_train_data_free(mlclf_train_data_t *d);

/* Means over the train rows only, written into impute[n_features]. */
void mlclf_train_data_impute(mlclf_train_data_t *d, const size_t *train,
    size_t n_train, double *impute);

/* mlclf_train_split.c: deterministic (stratified) split */
int mlclf_train_split(const mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, size_t **train, size_t *n_train,
    size_t **test, size_t *n_test, mlclf_err_t *err);

/*
 * The same split of the n rows listed in rows (NULL: rows 0..n-1), the
 * share fraction of them held out: keep and held list row indices in
 * the order of rows.  The gbt's validation share comes from here.
 */
int mlclf_train_split_rows(const mlclf_train_data_t *d, const size_t *rows,
    size_t n, double fraction, uint64_t seed, int stratify, size_t **keep,
    size_t *n_keep, size_t **held, size_t *n_held, mlclf_err_t *err);

/* mlclf_train_lr.c, mlclf_train_rf.c: fill out->spec (no metadata) */
int mlclf_train_lr(mlclf_train_model_t *out, const mlclf_train_config_t *cf,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err);
int mlclf_train_rf(mlclf_train_model_t *out, const mlclf_train_config_t *cf,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err);
int mlclf_train_gbt(mlclf_train_model_t *out, const mlclf_train_config_t *cf,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err);
void mlclf_train_model_free(mlclf_train_model_t *tm);

/*
 * names[p] (owned by the caller, in out->mem) gets the configuration's
 * feature names and becomes out->spec.feature_names, when the
 * configuration names the p features; else nothing changes.
 */
void mlclf_train_model_names(mlclf_train_model_t *out,
    const mlclf_train_config_t *cf, const char **names, size_t p);

/*
 * mlclf_train_eval.c: scores rows through mlclf_predict_proba() on m,
 * the serving kernel itself.
 */
int mlclf_train_eval(mlclf_train_metrics_t *mt, const mlclf_model_t *m,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err);
void mlclf_train_metrics_free(mlclf_train_metrics_t *mt);

/* Monotonic seconds, for progress and fit times. */
double mlclf_train_now(void);

/* Number of online cores (>= 1). */
uint32_t mlclf_train_ncpu(void);

/*
 * For the readers of a mapped CSV (mlclf_train_data_t.text_mapped, and
 * never for other memory): the pages of [from, to) are read in at once,
 * or given back (whole pages inside it only; a page read again comes
 * back from the page cache, the file's bytes), so that a pass over the
 * file holds a window of MLCLF_TRAIN_TEXT_WINDOW bytes, not all of it.
 */
#define MLCLF_TRAIN_TEXT_WINDOW  (8 * 1024 * 1024)

void mlclf_train_text_fetch(const char *from, const char *to);
void mlclf_train_text_release(const char *from, const char *to);

/*
 * malloc() for the arrays of a data set's size (the parsed values, the
 * bins, the gbt's rows and margins): from 8 MB on, aligned on and
 * advised to the kernel's 2 MB pages, so that filling 400 MB takes 200
 * page faults, not 100,000 (each a trip through the hypervisor on a
 * virtual machine).  Freed with free().  NULL if out of memory.
 */
void *mlclf_train_alloc_large(size_t size);


/*
 * mlclf_train_meta.c: the metadata JSON of a trained model.  With only
 * the fields that depend on config + data + created_at it is what goes
 * into model.mlclf (byte-reproducible); meta.json and the --json output
 * add the optional fields below.  Keys in a fixed order, written in
 * the CLIs' one JSON style (common/mlclf_jsonout.h: compact, shortest
 * round-trip doubles, non-finite numbers as null).
 */
typedef struct {
    const char                   *name;
    uint32_t                      version;      /* registry N, 0 if none */
    int64_t                       created_at;   /* Unix seconds, UTC */
    const mlclf_train_config_t   *cf;
    const mlclf_train_data_t     *d;
    const mlclf_train_model_t    *tm;
    const double                 *importance;   /* gbt: by feature, or
                                                   NULL */
    size_t                        n_train;
    size_t                        n_test;
    const mlclf_train_metrics_t  *test;         /* required */
    const mlclf_train_metrics_t  *train;        /* or NULL */

    /* optional: meta.json and --json only */
    const char                   *model_sha256; /* hex, or NULL */

    /*
     * the format version in model.mlclf's header; with it come "tool"
     * and "tool_version" (mlclf-train, MLCLF_RELEASE); 0: all left out
     */
    uint32_t                      format_version;

    const char                   *path;         /* version dir, or NULL */
    double                        fit_seconds;  /* < 0: left out */
    const double                 *fit_phases;   /* gbt: 5, or NULL */
    int                           promoted;     /* < 0: left out */
} mlclf_train_meta_t;

/* Builds the JSON object into a malloc()ed NUL-terminated *out. */
int mlclf_train_meta_json(const mlclf_train_meta_t *mi, char **out,
    size_t *len, mlclf_err_t *err);



/*
 * mlclf_train_publish.c: the files of a version (model.mlclf included),
 * written into the staging directory dir (each fsync'd; the directory
 * itself is renamed into place by mlclf_registry_commit()).
 */

/*
 * dir/file: the CSV header then the source record of each of rows[n]
 * in ascending row order, every line ending in LF.
 */
int mlclf_train_publish_rows(const char *dir, const char *file,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err);


/*
 * mlclf_train_run.c: the whole of mlclf-train as one library call.
 * mlclf-train's main() parses the command line into the options, calls
 * mlclf_train_run() and prints the result; a test calls it in-process.
 */
typedef struct {
    const char               *config;       /* the YAML file */
    const char               *registry;     /* root, created if missing */
    const char               *name;         /* NULL: the configuration's */
    int64_t                   created_at;   /* Unix seconds, UTC */
    FILE                     *progress;     /* NULL: no progress lines */
    unsigned                  promote:1;    /* make the version active */
} mlclf_train_run_opts_t;


/*
 * What a run leaves for its caller.  On failure status, step and msg say
 * why ("mlclf-train: <step>: <msg>" is the CLI's stderr line) and the
 * fields below hold what the run got to; on success all of them.
 */
typedef struct {
    int                       status;       /* mlclf_train_exit_e */
    const char               *step;         /* the failing step, or NULL */
    char                      msg[MLCLF_ERR_MSG_LEN + 128];

    mlclf_train_config_t      cf;           /* name as published */
    mlclf_train_data_t        d;
    mlclf_train_metrics_t     test;
    mlclf_train_metrics_t     train;
    size_t                    n_train;
    size_t                    n_test;
    int64_t                   created_at;
    double                    fit_seconds;

    /* gbt: rounds grown and kept, split gain per feature (or NULL) */
    uint32_t                  rounds;
    uint32_t                  best_round;
    double                   *importance;

    uint32_t                  version;      /* v<N> published, 0: none */
    char                      model_sha256[65];     /* of model.mlclf */
    char                      path[PATH_MAX + 32];  /* versions/v<N> */
    char                     *json;         /* mlclf-train --json, no LF */
    size_t                    json_len;
    unsigned                  promoted:1;
} mlclf_train_run_result_t;


/*
 * Loads the configuration o->config, loads and splits its data set,
 * trains, evaluates through the serving kernel, checks the quality gates
 * and publishes version N into o->registry: the serialised model, whose
 * bytes the core's loader has verified, is written once into the
 * registry's staging directory next to meta.json, train.csv and
 * test.csv, and the directory is renamed into place as versions/v<N>;
 * with o->promote, v<N> is then made active.  Nothing is published when
 * any step before the rename fails.
 *
 * res is filled in whatever the outcome (it need not be initialised);
 * the caller owns it and releases it with mlclf_train_run_result_free().
 * The options are only read, and o's strings only during the call.
 *
 * Returns the exit code of mlclf-train, also left in res->status:
 * MLCLF_TRAIN_EXIT_OK, or _CONFIG, _DATA, _TRAIN, _GATE (nothing
 * published), _REGISTRY, _IO, _INTERNAL (out of memory, a bug), _USAGE
 * (o->config or o->registry NULL).  A failure is not printed: its step
 * and message are in res (see above), for the caller to show.
 */
int mlclf_train_run(const mlclf_train_run_opts_t *o,
    mlclf_train_run_result_t *res);

/* Releases what res holds; res may be freed or reused afterwards. */
void mlclf_train_run_result_free(mlclf_train_run_result_t *res);


#endif /* _MLCLF_TRAIN_H_INCLUDED_ */
