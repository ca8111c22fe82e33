
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The features: list of the training YAML: each feature's name, its
 * type and the keys that type takes, each checked; a key of another
 * type (or of the other text vectorizer) is refused, naming the type.
 * The schema, with every default, is in mlclf_train_config.c, the
 * meaning of each key in docs/cli.md ("Feature types").
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include <mlclf_train.h>
#include <mlclf_train_yaml.h>
#include <mlclf_train_config.h>


/* the types that take a feature key, a bit per mlclf_train_type_e */
#define MLCLF_CF_FLOAT      (1u << MLCLF_TRAIN_TYPE_FLOAT)
#define MLCLF_CF_INTEGER    (1u << MLCLF_TRAIN_TYPE_INTEGER)
#define MLCLF_CF_CATEGORY   (1u << MLCLF_TRAIN_TYPE_CATEGORY)
#define MLCLF_CF_TEXT       (1u << MLCLF_TRAIN_TYPE_TEXT)
#define MLCLF_CF_NUMBER     (MLCLF_CF_FLOAT | MLCLF_CF_INTEGER)
#define MLCLF_CF_ANY        (MLCLF_CF_NUMBER | MLCLF_CF_CATEGORY \
                             | MLCLF_CF_TEXT)

/* the vectorizers that take a text key, a bit per MLCLF_TRAIN_TEXT_* */
#define MLCLF_CF_HASHING    (1u << MLCLF_TRAIN_TEXT_HASHING)
#define MLCLF_CF_VOCABULARY (1u << MLCLF_TRAIN_TEXT_VOCABULARY)
#define MLCLF_CF_BOTH       (MLCLF_CF_HASHING | MLCLF_CF_VOCABULARY)

#define MLCLF_CF_NGRAM_MAX  8
#define MLCLF_CF_HASH_MAX   (1u << 24)
#define MLCLF_CF_HASH_DFLT  (1u << 20)

#define MLCLF_CF_KEY_LEN    80


/* a feature's keys: their index in mlclf_cf_feature_keys[] and vals[] */
enum {
    MLCLF_CF_F_NAME = 0,
    MLCLF_CF_F_TYPE,
    MLCLF_CF_F_MIN,
    MLCLF_CF_F_MAX,
    MLCLF_CF_F_MIN_FREQUENCY,
    MLCLF_CF_F_MAX_CATEGORIES,
    MLCLF_CF_F_UNKNOWN,
    MLCLF_CF_F_VECTORIZER,
    MLCLF_CF_F_N_FEATURES,
    MLCLF_CF_F_ALTERNATE_SIGN,
    MLCLF_CF_F_HASH_NORM,
    MLCLF_CF_F_MAX_FEATURES,
    MLCLF_CF_F_MIN_DF,
    MLCLF_CF_F_MAX_DF,
    MLCLF_CF_F_NGRAM_RANGE,
    MLCLF_CF_F_LOWERCASE,
    MLCLF_CF_F_BINARY,
    MLCLF_CF_F_SUBLINEAR_TF,
    MLCLF_CF_F_IDF,
    MLCLF_CF_F_NORM,
    MLCLF_CF_F_N_KEYS
};


/* what the keys of one feature are read with */
typedef struct {
    mlclf_train_yaml_t       *ctx;
    mlclf_train_feature_t    *f;
    size_t                    i;            /* features[i] */
    yaml_node_t              *vals[MLCLF_CF_F_N_KEYS];
    yaml_node_t              *knodes[MLCLF_CF_F_N_KEYS];
    char                      key[MLCLF_CF_KEY_LEN];
} mlclf_cf_feature_t;


static int mlclf_cf_feature(mlclf_train_yaml_t *ctx,
    mlclf_train_config_t *cf, size_t i, yaml_node_t *item);
static int mlclf_cf_feature_map(mlclf_cf_feature_t *fc, yaml_node_t *item);
static int mlclf_cf_feature_type(mlclf_cf_feature_t *fc);
static int mlclf_cf_number(mlclf_cf_feature_t *fc);
static int mlclf_cf_category(mlclf_cf_feature_t *fc);
static int mlclf_cf_text(mlclf_cf_feature_t *fc);
static int mlclf_cf_text_terms(mlclf_cf_feature_t *fc);
static int mlclf_cf_text_weights(mlclf_cf_feature_t *fc);
static const char *mlclf_cf_key(mlclf_cf_feature_t *fc, size_t k);
static const char *mlclf_cf_types(unsigned mask, char *buf, size_t size);
static int mlclf_cf_freq(mlclf_cf_feature_t *fc, size_t k,
    uint64_t min_count, int share_open, mlclf_train_freq_t *out);
static int mlclf_cf_flag(mlclf_cf_feature_t *fc, size_t k, uint32_t bit);
static int mlclf_cf_norm(mlclf_cf_feature_t *fc, size_t k, uint32_t *out);
static int mlclf_cf_ngram(mlclf_cf_feature_t *fc);


static const char *const  mlclf_cf_feature_keys[MLCLF_CF_F_N_KEYS + 1] = {
    [MLCLF_CF_F_NAME] = "name",
    [MLCLF_CF_F_TYPE] = "type",
    [MLCLF_CF_F_MIN] = "min",
    [MLCLF_CF_F_MAX] = "max",
    [MLCLF_CF_F_MIN_FREQUENCY] = "min_frequency",
    [MLCLF_CF_F_MAX_CATEGORIES] = "max_categories",
    [MLCLF_CF_F_UNKNOWN] = "unknown",
    [MLCLF_CF_F_VECTORIZER] = "vectorizer",
    [MLCLF_CF_F_N_FEATURES] = "n_features",
    [MLCLF_CF_F_ALTERNATE_SIGN] = "alternate_sign",
    [MLCLF_CF_F_HASH_NORM] = "hash_norm",
    [MLCLF_CF_F_MAX_FEATURES] = "max_features",
    [MLCLF_CF_F_MIN_DF] = "min_df",
    [MLCLF_CF_F_MAX_DF] = "max_df",
    [MLCLF_CF_F_NGRAM_RANGE] = "ngram_range",
    [MLCLF_CF_F_LOWERCASE] = "lowercase",
    [MLCLF_CF_F_BINARY] = "binary",
    [MLCLF_CF_F_SUBLINEAR_TF] = "sublinear_tf",
    [MLCLF_CF_F_IDF] = "idf",
    [MLCLF_CF_F_NORM] = "norm",
    [MLCLF_CF_F_N_KEYS] = NULL
};

/* which types take each key; another type's key is an error */
static const unsigned  mlclf_cf_feature_types[MLCLF_CF_F_N_KEYS] = {
    [MLCLF_CF_F_NAME] = MLCLF_CF_ANY,
    [MLCLF_CF_F_TYPE] = MLCLF_CF_ANY,
    [MLCLF_CF_F_MIN] = MLCLF_CF_NUMBER,
    [MLCLF_CF_F_MAX] = MLCLF_CF_NUMBER,
    [MLCLF_CF_F_MIN_FREQUENCY] = MLCLF_CF_CATEGORY,
    [MLCLF_CF_F_MAX_CATEGORIES] = MLCLF_CF_CATEGORY,
    [MLCLF_CF_F_UNKNOWN] = MLCLF_CF_CATEGORY,
    [MLCLF_CF_F_VECTORIZER] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_N_FEATURES] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_ALTERNATE_SIGN] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_HASH_NORM] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_MAX_FEATURES] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_MIN_DF] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_MAX_DF] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_NGRAM_RANGE] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_LOWERCASE] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_BINARY] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_SUBLINEAR_TF] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_IDF] = MLCLF_CF_TEXT,
    [MLCLF_CF_F_NORM] = MLCLF_CF_TEXT
};

/*
 * Which vectorizers take each text key: HashingVectorizer has no
 * vocabulary to prune, TfidfVectorizer neither hashes nor signs.
 */
static const unsigned  mlclf_cf_text_vectorizers[MLCLF_CF_F_N_KEYS] = {
    [MLCLF_CF_F_VECTORIZER] = MLCLF_CF_BOTH,
    [MLCLF_CF_F_N_FEATURES] = MLCLF_CF_HASHING,
    [MLCLF_CF_F_ALTERNATE_SIGN] = MLCLF_CF_HASHING,
    [MLCLF_CF_F_HASH_NORM] = MLCLF_CF_HASHING,
    [MLCLF_CF_F_MAX_FEATURES] = MLCLF_CF_VOCABULARY,
    [MLCLF_CF_F_MIN_DF] = MLCLF_CF_VOCABULARY,
    [MLCLF_CF_F_MAX_DF] = MLCLF_CF_VOCABULARY,
    [MLCLF_CF_F_NGRAM_RANGE] = MLCLF_CF_BOTH,
    [MLCLF_CF_F_LOWERCASE] = MLCLF_CF_BOTH,
    [MLCLF_CF_F_BINARY] = MLCLF_CF_BOTH,
    [MLCLF_CF_F_SUBLINEAR_TF] = MLCLF_CF_BOTH,
    [MLCLF_CF_F_IDF] = MLCLF_CF_BOTH,
    [MLCLF_CF_F_NORM] = MLCLF_CF_BOTH
};

static const char *const  mlclf_cf_type_names[MLCLF_TRAIN_N_TYPES] = {
    [MLCLF_TRAIN_TYPE_FLOAT] = "float",
    [MLCLF_TRAIN_TYPE_INTEGER] = "integer",
    [MLCLF_TRAIN_TYPE_CATEGORY] = "category",
    [MLCLF_TRAIN_TYPE_TEXT] = "text"
};

static const char *const  mlclf_cf_vectorizer_names[] = {
    NULL, "hashing", "vocabulary"
};


const char *
mlclf_train_type_name(mlclf_train_type_e type)
{
    if ((unsigned) type >= MLCLF_TRAIN_N_TYPES) {
        return "unknown";
    }

    return mlclf_cf_type_names[type];
}


int
mlclf_train_config_features(mlclf_train_yaml_t *ctx,
    mlclf_train_config_t *cf, yaml_node_t *node)
{
    int                rc;
    size_t             n, i, j;
    yaml_node_t       *item;
    yaml_node_item_t  *it;

    if (node->type != YAML_SEQUENCE_NODE) {
        return mlclf_train_yaml_expected(ctx, node, "features", "a list");
    }

    n = (size_t) (node->data.sequence.items.top
                  - node->data.sequence.items.start);

    if (n == 0) {
        return mlclf_train_yaml_error(ctx, node, "features: the list is empty");
    }

    if (n > 1000000) {
        return mlclf_train_yaml_error(ctx, node, "features: more than 1000000");
    }

    cf->features = calloc(n, sizeof(mlclf_train_feature_t));
    if (cf->features == NULL) {
        return mlclf_err_set(ctx->err, MLCLF_ENOMEM, "out of memory");
    }

    for (i = 0, it = node->data.sequence.items.start; i < n; i++, it++) {
        item = yaml_document_get_node(ctx->doc, *it);
        cf->n_features = i + 1;

        if (item == NULL) {
            return mlclf_train_yaml_error(ctx, node, "features[%zu]: broken "
                                          "list", i);
        }

        rc = mlclf_cf_feature(ctx, cf, i, item);
        if (rc != MLCLF_OK) {
            return rc;
        }

        for (j = 0; j < i; j++) {
            if (strcmp(cf->features[j].name, cf->features[i].name) == 0) {
                return mlclf_train_yaml_error(ctx, item, "features: duplicate "
                                              "feature \"%s\" (features[%zu] "
                                              "and features[%zu])",
                                              cf->features[i].name, j, i);
            }
        }
    }

    return MLCLF_OK;
}


/* features[i]: a name alone (a float), or a mapping */
static int
mlclf_cf_feature(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    size_t i, yaml_node_t *item)
{
    int                  rc;
    mlclf_cf_feature_t   fc;

    fc.ctx = ctx;
    fc.f = &cf->features[i];
    fc.i = i;

    snprintf(fc.key, sizeof(fc.key), "features[%zu]", i);

    if (item->type == YAML_SCALAR_NODE) {
        rc = mlclf_train_yaml_string(ctx, item, fc.key, &fc.f->name);
        if (rc != MLCLF_OK) {
            return rc;
        }

        return mlclf_train_config_name(ctx, item, fc.key, fc.f->name,
                                       "feature name");
    }

    if (item->type != YAML_MAPPING_NODE) {
        return mlclf_train_yaml_expected(ctx, item, fc.key,
                                         "a name or a mapping");
    }

    return mlclf_cf_feature_map(&fc, item);
}


static int
mlclf_cf_feature_map(mlclf_cf_feature_t *fc, yaml_node_t *item)
{
    int                     rc;
    char                    types[64];
    size_t                  k;
    mlclf_train_feature_t  *f;

    f = fc->f;

    rc = mlclf_train_yaml_mapping(fc->ctx, item, fc->key,
                                  mlclf_cf_feature_keys, fc->vals,
                                  fc->knodes);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (fc->vals[MLCLF_CF_F_NAME] == NULL) {
        return mlclf_train_yaml_error(fc->ctx, item, "missing required key "
                                      "\"name\" in %s", fc->key);
    }

    rc = mlclf_train_yaml_string(fc->ctx, fc->vals[MLCLF_CF_F_NAME],
                                 mlclf_cf_key(fc, MLCLF_CF_F_NAME), &f->name);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_train_config_name(fc->ctx, fc->vals[MLCLF_CF_F_NAME], fc->key,
                                 f->name, "feature name");
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_cf_feature_type(fc);
    if (rc != MLCLF_OK) {
        return rc;
    }

    for (k = MLCLF_CF_F_TYPE + 1; k < MLCLF_CF_F_N_KEYS; k++) {
        if (fc->vals[k] != NULL
            && (mlclf_cf_feature_types[k] & (1u << f->type)) == 0)
        {
            return mlclf_train_yaml_error(fc->ctx, fc->knodes[k],
                                          "%s: applies to %s features, not "
                                          "%s", mlclf_cf_key(fc, k),
                                          mlclf_cf_types(
                                              mlclf_cf_feature_types[k],
                                              types, sizeof(types)),
                                          mlclf_train_type_name(f->type));
        }
    }

    switch (f->type) {

    case MLCLF_TRAIN_TYPE_CATEGORY:
        return mlclf_cf_category(fc);

    case MLCLF_TRAIN_TYPE_TEXT:
        return mlclf_cf_text(fc);

    default:
        return mlclf_cf_number(fc);
    }
}


static int
mlclf_cf_feature_type(mlclf_cf_feature_t *fc)
{
    size_t        t;
    const char   *s;
    yaml_node_t  *v;

    v = fc->vals[MLCLF_CF_F_TYPE];

    fc->f->type = MLCLF_TRAIN_TYPE_FLOAT;

    if (v == NULL) {
        return MLCLF_OK;
    }

    s = v->type == YAML_SCALAR_NODE ? mlclf_train_yaml_text(v) : "";

    for (t = 0; t < MLCLF_TRAIN_N_TYPES; t++) {
        if (strcmp(s, mlclf_cf_type_names[t]) == 0) {
            fc->f->type = (mlclf_train_type_e) t;
            fc->f->type_line = (uint32_t) v->start_mark.line + 1;
            fc->f->type_col = (uint32_t) v->start_mark.column + 1;

            return MLCLF_OK;
        }
    }

    return mlclf_train_yaml_expected(fc->ctx, v,
                                     mlclf_cf_key(fc, MLCLF_CF_F_TYPE),
                                     "float, integer, category or text");
}


/* float and integer: an optional inclusive range */
static int
mlclf_cf_number(mlclf_cf_feature_t *fc)
{
    int                     rc;
    mlclf_train_feature_t  *f;

    f = fc->f;

    if (fc->vals[MLCLF_CF_F_MIN] != NULL) {
        rc = mlclf_train_yaml_number(fc->ctx, fc->vals[MLCLF_CF_F_MIN],
                                     mlclf_cf_key(fc, MLCLF_CF_F_MIN),
                                     &f->min);
        if (rc != MLCLF_OK) {
            return rc;
        }

        f->has_min = 1;
    }

    if (fc->vals[MLCLF_CF_F_MAX] != NULL) {
        rc = mlclf_train_yaml_number(fc->ctx, fc->vals[MLCLF_CF_F_MAX],
                                     mlclf_cf_key(fc, MLCLF_CF_F_MAX),
                                     &f->max);
        if (rc != MLCLF_OK) {
            return rc;
        }

        f->has_max = 1;

        if (f->has_min && f->max < f->min) {
            return mlclf_train_yaml_error(fc->ctx, fc->vals[MLCLF_CF_F_MAX],
                                          "%s: %g is less than min %g",
                                          fc->key, f->max, f->min);
        }
    }

    return MLCLF_OK;
}


/* OneHotEncoder's min_frequency, max_categories and handle_unknown */
static int
mlclf_cf_category(mlclf_cf_feature_t *fc)
{
    int                           rc;
    const char                   *s;
    yaml_node_t                  *v;
    mlclf_train_category_conf_t  *c;

    c = &fc->f->category;

    c->min_frequency.kind = MLCLF_TRAIN_FREQ_NONE;
    c->max_categories = 0;
    c->unknown = MLCLF_TRAIN_UNKNOWN_ERROR;

    /* a share of 1 is refused as scikit-learn does: (0, 1) */

    if (fc->vals[MLCLF_CF_F_MIN_FREQUENCY] != NULL) {
        rc = mlclf_cf_freq(fc, MLCLF_CF_F_MIN_FREQUENCY, 1, 1,
                           &c->min_frequency);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (fc->vals[MLCLF_CF_F_MAX_CATEGORIES] != NULL) {
        rc = mlclf_train_yaml_u32(fc->ctx, fc->vals[MLCLF_CF_F_MAX_CATEGORIES],
                                  mlclf_cf_key(fc, MLCLF_CF_F_MAX_CATEGORIES),
                                  2, UINT32_MAX, &c->max_categories);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    v = fc->vals[MLCLF_CF_F_UNKNOWN];

    if (v == NULL) {
        return MLCLF_OK;
    }

    s = v->type == YAML_SCALAR_NODE ? mlclf_train_yaml_text(v) : "";

    if (strcmp(s, "error") == 0) {
        c->unknown = MLCLF_TRAIN_UNKNOWN_ERROR;

    } else if (strcmp(s, "ignore") == 0) {
        c->unknown = MLCLF_TRAIN_UNKNOWN_IGNORE;

    } else if (strcmp(s, "infrequent") == 0) {
        c->unknown = MLCLF_TRAIN_UNKNOWN_INFREQUENT;

    } else {
        return mlclf_train_yaml_expected(fc->ctx, v,
                                         mlclf_cf_key(fc, MLCLF_CF_F_UNKNOWN),
                                         "error, ignore or infrequent");
    }

    /* without either there is never an infrequent column to send it to */

    if (c->unknown == MLCLF_TRAIN_UNKNOWN_INFREQUENT
        && c->min_frequency.kind == MLCLF_TRAIN_FREQ_NONE
        && c->max_categories == 0)
    {
        return mlclf_train_yaml_error(fc->ctx, v, "%s: infrequent needs "
                                      "min_frequency or max_categories",
                                      mlclf_cf_key(fc, MLCLF_CF_F_UNKNOWN));
    }

    return MLCLF_OK;
}


/*
 * text: the vectorizer first, which decides the defaults and which of
 * the other keys apply; then the terms, then their weights.
 */
static int
mlclf_cf_text(mlclf_cf_feature_t *fc)
{
    size_t               k;
    unsigned             vec;
    const char          *s;
    yaml_node_t         *v;
    mlclf_train_text_t  *t;

    t = &fc->f->text;
    v = fc->vals[MLCLF_CF_F_VECTORIZER];

    vec = MLCLF_TRAIN_TEXT_HASHING;

    if (v != NULL) {
        s = v->type == YAML_SCALAR_NODE ? mlclf_train_yaml_text(v) : "";

        if (strcmp(s, "hashing") == 0) {
            vec = MLCLF_TRAIN_TEXT_HASHING;

        } else if (strcmp(s, "vocabulary") == 0) {
            vec = MLCLF_TRAIN_TEXT_VOCABULARY;

        } else {
            return mlclf_train_yaml_expected(fc->ctx, v,
                                             mlclf_cf_key(fc,
                                                 MLCLF_CF_F_VECTORIZER),
                                             "hashing or vocabulary");
        }
    }

    for (k = MLCLF_CF_F_VECTORIZER + 1; k < MLCLF_CF_F_N_KEYS; k++) {
        if (fc->vals[k] != NULL
            && (mlclf_cf_text_vectorizers[k] & (1u << vec)) == 0)
        {
            return mlclf_train_yaml_error(fc->ctx, fc->knodes[k],
                                          "%s: applies to vectorizer %s, "
                                          "not %s", mlclf_cf_key(fc, k),
                                          mlclf_cf_vectorizer_names[
                                              vec == MLCLF_TRAIN_TEXT_HASHING
                                              ? MLCLF_TRAIN_TEXT_VOCABULARY
                                              : MLCLF_TRAIN_TEXT_HASHING],
                                          mlclf_cf_vectorizer_names[vec]);
        }
    }

    /* the defaults: scikit-learn's, but for hash_norm (docs/cli.md) */

    memset(t, 0, sizeof(mlclf_train_text_t));

    t->core.vectorizer = vec;
    t->core.ngram_min = 1;
    t->core.ngram_max = 1;
    t->core.flags = MLCLF_TRAIN_TEXT_LOWERCASE;
    t->core.hash_norm = MLCLF_TRAIN_TEXT_NORM_NONE;
    t->core.norm = MLCLF_TRAIN_TEXT_NORM_L2;
    t->use_idf = 1;

    if (vec == MLCLF_TRAIN_TEXT_HASHING) {
        t->core.n_features = MLCLF_CF_HASH_DFLT;
        t->core.flags |= MLCLF_TRAIN_TEXT_ALTERNATE_SIGN;
        t->min_df.kind = MLCLF_TRAIN_FREQ_NONE;
        t->max_df.kind = MLCLF_TRAIN_FREQ_NONE;

    } else {
        t->core.n_features = 0;
        t->min_df.kind = MLCLF_TRAIN_FREQ_COUNT;
        t->min_df.count = 1;
        t->max_df.kind = MLCLF_TRAIN_FREQ_SHARE;
        t->max_df.share = 1.0;
    }

    if (mlclf_cf_text_terms(fc) != MLCLF_OK) {
        return MLCLF_EINVAL;
    }

    return mlclf_cf_text_weights(fc);
}


/* which terms: hashing's or the vocabulary's keys, n-grams, case */
static int
mlclf_cf_text_terms(mlclf_cf_feature_t *fc)
{
    int                  rc;
    uint64_t             n;
    yaml_node_t         *v;
    mlclf_train_text_t  *t;

    t = &fc->f->text;
    v = fc->vals[MLCLF_CF_F_N_FEATURES];

    if (v != NULL) {
        rc = mlclf_train_yaml_uint(fc->ctx, v,
                                   mlclf_cf_key(fc, MLCLF_CF_F_N_FEATURES),
                                   2, MLCLF_CF_HASH_MAX, &n);

        if (rc != MLCLF_OK || (n & (n - 1)) != 0) {
            return mlclf_train_yaml_expected(fc->ctx, v, fc->key,
                                             "a power of two in [2, "
                                             "16777216]");
        }

        t->core.n_features = (uint32_t) n;
    }

    if (mlclf_cf_flag(fc, MLCLF_CF_F_ALTERNATE_SIGN,
                      MLCLF_TRAIN_TEXT_ALTERNATE_SIGN)
        != MLCLF_OK)
    {
        return MLCLF_EINVAL;
    }

    if (fc->vals[MLCLF_CF_F_MAX_FEATURES] != NULL) {
        rc = mlclf_train_yaml_u32(fc->ctx, fc->vals[MLCLF_CF_F_MAX_FEATURES],
                                  mlclf_cf_key(fc, MLCLF_CF_F_MAX_FEATURES),
                                  1, UINT32_MAX, &t->max_features);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    /* as TfidfVectorizer: a count >= 1 or a share in [0, 1] */

    if (fc->vals[MLCLF_CF_F_MIN_DF] != NULL
        && mlclf_cf_freq(fc, MLCLF_CF_F_MIN_DF, 1, 0, &t->min_df) != MLCLF_OK)
    {
        return MLCLF_EINVAL;
    }

    if (fc->vals[MLCLF_CF_F_MAX_DF] != NULL) {
        if (mlclf_cf_freq(fc, MLCLF_CF_F_MAX_DF, 1, 0, &t->max_df)
            != MLCLF_OK)
        {
            return MLCLF_EINVAL;
        }

        /* of two kinds, only the number of documents can compare them */

        v = fc->vals[MLCLF_CF_F_MAX_DF];

        if (t->min_df.kind == MLCLF_TRAIN_FREQ_COUNT
            && t->max_df.kind == MLCLF_TRAIN_FREQ_COUNT
            && t->max_df.count < t->min_df.count)
        {
            return mlclf_train_yaml_error(fc->ctx, v, "%s: %llu is less than "
                                          "min_df %llu", fc->key,
                                          (unsigned long long)
                                              t->max_df.count,
                                          (unsigned long long)
                                              t->min_df.count);
        }

        if (t->min_df.kind == MLCLF_TRAIN_FREQ_SHARE
            && t->max_df.kind == MLCLF_TRAIN_FREQ_SHARE
            && t->max_df.share < t->min_df.share)
        {
            return mlclf_train_yaml_error(fc->ctx, v, "%s: %g is less than "
                                          "min_df %g", fc->key,
                                          t->max_df.share, t->min_df.share);
        }
    }

    if (fc->vals[MLCLF_CF_F_NGRAM_RANGE] != NULL
        && mlclf_cf_ngram(fc) != MLCLF_OK)
    {
        return MLCLF_EINVAL;
    }

    return mlclf_cf_flag(fc, MLCLF_CF_F_LOWERCASE, MLCLF_TRAIN_TEXT_LOWERCASE);
}


/* how the terms are weighted: binary, sublinear_tf, idf, the norms */
static int
mlclf_cf_text_weights(mlclf_cf_feature_t *fc)
{
    unsigned             b;
    yaml_node_t         *v;
    mlclf_train_text_t  *t;

    t = &fc->f->text;

    if (mlclf_cf_flag(fc, MLCLF_CF_F_BINARY, MLCLF_TRAIN_TEXT_BINARY)
        != MLCLF_OK
        || mlclf_cf_flag(fc, MLCLF_CF_F_SUBLINEAR_TF,
                         MLCLF_TRAIN_TEXT_SUBLINEAR_TF)
           != MLCLF_OK)
    {
        return MLCLF_EINVAL;
    }

    v = fc->vals[MLCLF_CF_F_IDF];

    if (v != NULL) {
        if (mlclf_train_yaml_bool(fc->ctx, v, mlclf_cf_key(fc, MLCLF_CF_F_IDF),
                                  &b)
            != MLCLF_OK)
        {
            return MLCLF_EINVAL;
        }

        t->use_idf = b;
    }

    if ((fc->vals[MLCLF_CF_F_NORM] != NULL
         && mlclf_cf_norm(fc, MLCLF_CF_F_NORM, &t->core.norm) != MLCLF_OK)
        || (fc->vals[MLCLF_CF_F_HASH_NORM] != NULL
            && mlclf_cf_norm(fc, MLCLF_CF_F_HASH_NORM, &t->core.hash_norm)
               != MLCLF_OK))
    {
        return MLCLF_EINVAL;
    }

    /*
     * sublinear_tf replaces a term's count c by 1 + log(c): a signed
     * hash count may be negative, and a normalised one below 1/e gives
     * a negative weight to a term that is there.
     */

    if ((t->core.flags & MLCLF_TRAIN_TEXT_SUBLINEAR_TF) == 0) {
        return MLCLF_OK;
    }

    v = fc->vals[MLCLF_CF_F_SUBLINEAR_TF];

    if (t->core.flags & MLCLF_TRAIN_TEXT_ALTERNATE_SIGN) {
        return mlclf_train_yaml_error(fc->ctx, v, "%s: needs alternate_sign "
                                      "false: a signed count can be "
                                      "negative, and its log is undefined",
                                      mlclf_cf_key(fc,
                                                   MLCLF_CF_F_SUBLINEAR_TF));
    }

    if (t->core.hash_norm != MLCLF_TRAIN_TEXT_NORM_NONE) {
        return mlclf_train_yaml_error(fc->ctx, v, "%s: needs hash_norm none: "
                                      "the log of a normalised count can be "
                                      "negative",
                                      mlclf_cf_key(fc,
                                                   MLCLF_CF_F_SUBLINEAR_TF));
    }

    return MLCLF_OK;
}


/* "features[i].<key k>", in fc->key */
static const char *
mlclf_cf_key(mlclf_cf_feature_t *fc, size_t k)
{
    snprintf(fc->key, sizeof(fc->key), "features[%zu].%s", fc->i,
             mlclf_cf_feature_keys[k]);

    return fc->key;
}


/* the types of mask: "text", "float and integer" */
static const char *
mlclf_cf_types(unsigned mask, char *buf, size_t size)
{
    size_t  t, n, seen;

    n = 0;

    for (t = 0; t < MLCLF_TRAIN_N_TYPES; t++) {
        n += (mask >> t) & 1;
    }

    buf[0] = '\0';
    seen = 0;

    for (t = 0; t < MLCLF_TRAIN_N_TYPES; t++) {
        if (((mask >> t) & 1) == 0) {
            continue;
        }

        seen++;

        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
                 seen == 1 ? "" : seen == n ? " and " : ", ",
                 mlclf_cf_type_names[t]);
    }

    return buf;
}


/*
 * A count (an integer scalar: [+-]digits) of at least min_count, or a
 * share (any other number) in [0, 1], or in (0, 1) with share_open.
 */
static int
mlclf_cf_freq(mlclf_cf_feature_t *fc, size_t k, uint64_t min_count,
    int share_open, mlclf_train_freq_t *out)
{
    char          what[80];
    double        v;
    uint64_t      n, d;
    const char   *s, *p;
    yaml_node_t  *node;

    node = fc->vals[k];

    snprintf(what, sizeof(what), "an integer >= %llu or a number in %s",
             (unsigned long long) min_count,
             share_open ? "(0, 1)" : "[0, 1]");

    mlclf_cf_key(fc, k);

    if (node->type != YAML_SCALAR_NODE
        || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    {
        return mlclf_train_yaml_expected(fc->ctx, node, fc->key, what);
    }

    s = mlclf_train_yaml_text(node);
    p = (*s == '+' || *s == '-') ? s + 1 : s;

    if (*p != '\0' && strspn(p, "0123456789") == strlen(p)) {
        n = 0;

        for ( /* void */ ; *p; p++) {
            d = (uint64_t) (*p - '0');

            if (n > (UINT64_MAX - d) / 10) {
                return mlclf_train_yaml_expected(fc->ctx, node, fc->key,
                                                 what);
            }

            n = n * 10 + d;
        }

        if ((*s == '-' && n != 0) || n < min_count) {
            return mlclf_train_yaml_expected(fc->ctx, node, fc->key, what);
        }

        out->kind = MLCLF_TRAIN_FREQ_COUNT;
        out->count = n;
        out->share = 0;

        return MLCLF_OK;
    }

    /* the number reader's own message is replaced by the range's */

    if (mlclf_train_yaml_number(fc->ctx, node, fc->key, &v) != MLCLF_OK
        || (share_open ? v <= 0 || v >= 1 : v < 0 || v > 1))
    {
        return mlclf_train_yaml_expected(fc->ctx, node, fc->key, what);
    }

    out->kind = MLCLF_TRAIN_FREQ_SHARE;
    out->count = 0;
    out->share = v;

    return MLCLF_OK;
}


/* a true/false key: bit set or cleared in the text's flags */
static int
mlclf_cf_flag(mlclf_cf_feature_t *fc, size_t k, uint32_t bit)
{
    unsigned  b;

    if (fc->vals[k] == NULL) {
        return MLCLF_OK;
    }

    if (mlclf_train_yaml_bool(fc->ctx, fc->vals[k], mlclf_cf_key(fc, k), &b)
        != MLCLF_OK)
    {
        return MLCLF_EINVAL;
    }

    if (b) {
        fc->f->text.core.flags |= bit;

    } else {
        fc->f->text.core.flags &= ~bit;
    }

    return MLCLF_OK;
}


static int
mlclf_cf_norm(mlclf_cf_feature_t *fc, size_t k, uint32_t *out)
{
    const char   *s;
    yaml_node_t  *v;

    v = fc->vals[k];
    s = v->type == YAML_SCALAR_NODE ? mlclf_train_yaml_text(v) : "";

    if (strcmp(s, "l2") == 0) {
        *out = MLCLF_TRAIN_TEXT_NORM_L2;

    } else if (strcmp(s, "l1") == 0) {
        *out = MLCLF_TRAIN_TEXT_NORM_L1;

    } else if (strcmp(s, "none") == 0) {
        *out = MLCLF_TRAIN_TEXT_NORM_NONE;

    } else {
        return mlclf_train_yaml_expected(fc->ctx, v, mlclf_cf_key(fc, k),
                                         "l2, l1 or none");
    }

    return MLCLF_OK;
}


/* ngram_range: [min, max], 1 <= min <= max <= 8 */
static int
mlclf_cf_ngram(mlclf_cf_feature_t *fc)
{
    char                 key[MLCLF_CF_KEY_LEN + 8];
    size_t               j;
    uint32_t             v[2];
    yaml_node_t         *node, *item;
    mlclf_train_text_t  *t;

    t = &fc->f->text;
    node = fc->vals[MLCLF_CF_F_NGRAM_RANGE];

    mlclf_cf_key(fc, MLCLF_CF_F_NGRAM_RANGE);

    if (node->type != YAML_SEQUENCE_NODE
        || node->data.sequence.items.top - node->data.sequence.items.start
           != 2)
    {
        return mlclf_train_yaml_expected(fc->ctx, node, fc->key,
                                         "a list [min, max]");
    }

    for (j = 0; j < 2; j++) {
        item = yaml_document_get_node(fc->ctx->doc,
                                      node->data.sequence.items.start[j]);

        if (item == NULL) {
            return mlclf_train_yaml_error(fc->ctx, node, "%s: broken list",
                                          fc->key);
        }

        snprintf(key, sizeof(key), "%s[%zu]", fc->key, j);

        if (mlclf_train_yaml_u32(fc->ctx, item, key, 1, MLCLF_CF_NGRAM_MAX,
                                 &v[j])
            != MLCLF_OK)
        {
            return MLCLF_EINVAL;
        }
    }

    if (v[0] > v[1]) {
        return mlclf_train_yaml_error(fc->ctx, node, "%s: min %u is more "
                                      "than max %u", fc->key, v[0], v[1]);
    }

    t->core.ngram_min = v[0];
    t->core.ngram_max = v[1];

    return MLCLF_OK;
}
