
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The training configuration: a YAML file read with libyaml's document
 * API and checked strictly, so that a typo fails the run with the file
 * and line instead of silently training with a default.
 *
 * Schema (every key, with its default; "required" keys have none; the
 * features: list is read in mlclf_train_config_feature.c, the model:
 * mapping in mlclf_train_config_model.c):
 *
 *   name: iris                # [a-z0-9_-]{1,64}; default: the file's
 *                             # base name without .yaml / .yml
 *   data: data/raw/iris.csv   # required; relative to the current dir
 *   label: species            # required; the label column
 *   features:                 # required, >= 1; order = model order
 *     - sepal_length          # short form: float, no range
 *     - name: sepal_width     # long form; name required
 *       type: float           # float (default) | integer | category
 *                             # | text
 *       min: 0                # float, integer: optional inclusive
 *       max: 100              # range, min <= max
 *     - name: color
 *       type: category        # one-hot, scikit-learn's OneHotEncoder
 *       min_frequency: 5      # count >= 1 | share in (0, 1); default:
 *                             # none
 *       max_categories: 10    # >= 2, the infrequent column included;
 *                             # default: none
 *       unknown: error        # error (default) | ignore | infrequent
 *                             # (infrequent: min_frequency or
 *                             # max_categories needed)
 *     - name: review
 *       type: text            # terms weighted by tf-idf
 *       vectorizer: hashing   # hashing (default) | vocabulary
 *       n_features: 1048576   # hashing: a power of two, 2 .. 2^24
 *       alternate_sign: true  # hashing: default true
 *       hash_norm: none       # hashing: l2 | l1 | none (default)
 *       max_features: 1000    # vocabulary: >= 1; default: none
 *       min_df: 1             # vocabulary: count >= 1 | share in
 *       max_df: 1.0           # [0, 1]; min_df <= max_df if both are
 *                             # counts or both shares; default 1, 1.0
 *       ngram_range: [1, 1]   # 1 <= min <= max <= 8
 *       lowercase: true       # default true
 *       binary: false         # default false
 *       sublinear_tf: false   # default false; true needs
 *                             # alternate_sign false, hash_norm none
 *       idf: true             # default true (smoothed)
 *       norm: l2              # l2 (default) | l1 | none
 *   classes: [setosa, versicolor, virginica]
 *                             # optional, >= 2, distinct: allowed labels
 *                             # in class order; default: the sorted
 *                             # distinct labels of the data (bytewise)
 *   missing: fail             # fail (default) | drop | impute | allow
 *                             # (allow: kept as NaN; kind gbt only)
 *   split:
 *     test_fraction: 0.2      # in (0, 1)
 *     seed: 42                # 0 .. 2^64-1; also seeds the forest,
 *                             # and the gbt without model.seed
 *     stratify: true          # true | false
 *   model:
 *     kind: logreg            # required: logreg | forest | gbt
 *     # logreg and gbt
 *     l2: 1.0                 # >= 0 (the gbt's lambda)
 *     # logreg only
 *     max_iter: 200           # 1 .. 1000000
 *     tol: 1.0e-6             # > 0
 *     # forest and gbt
 *     max_depth: 12           # forest: 0 (unlimited) .. 64, default 12;
 *                             # gbt: 1 .. 64, no default
 *     n_bins: 256             # 2 .. 256
 *     n_threads: 0            # 0 (every core) .. 1024
 *     # forest only
 *     n_trees: 100            # 1 .. 100000
 *     min_samples_leaf: 1     # >= 1
 *     max_features: sqrt      # sqrt | 1 .. columns
 *     # gbt only; max_depth, max_leaves or both are required
 *     n_estimators: 100       # 1 .. 100000 boosting rounds
 *     learning_rate: 0.3      # in (0, 1]
 *     max_leaves: 31          # 2 .. 65536; absent: depth-wise growth
 *     min_child_weight: 1     # >= 0, hessian sum of a leaf
 *     min_split_gain: 0       # >= 0
 *     subsample: 1            # in (0, 1], rows per tree
 *     colsample: 1            # in (0, 1], features per tree
 *     seed: 42                # 0 .. 2^64-1; default: split.seed
 *     loss: logistic          # logistic (2 classes) | softmax; default:
 *                             # logistic for 2 classes, softmax above
 *     early_stopping:         # optional; absent: no early stopping
 *       validation_fraction: 0.1  # required, in (0, 1) of the train rows
 *       rounds: 10            # 1 .. 100000 rounds without improvement
 *       metric: logloss       # logloss | error
 *     log_every: 10           # 1 .. 1000000 rounds a progress line
 *   gates:
 *     min_accuracy: 0         # in [0, 1], on the test split
 *     min_macro_f1: 0         # in [0, 1]
 *
 * Lists and mappings nest at most 64 deep (the top-level mapping is the
 * first level).  Feature names and classes go into the model, whose
 * format takes 1 to 255 bytes of printable ASCII (mlclf_name_check()):
 * others are refused here.  Labels and class names are compared as
 * text.  Numbers must be plain (unquoted) YAML scalars; strings may be
 * quoted.  Unknown keys, duplicate keys, keys of another model kind,
 * feature type or text vectorizer, values of the wrong type or out of
 * range are errors:
 * "<file>:<line>:<col>: <key>: <reason>", at the offending key or value.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <yaml.h>
#include <mlclf_train.h>
#include <mlclf_quote.h>
#include <mlclf_train_yaml.h>
#include <mlclf_train_config.h>


#define MLCLF_CF_MAX_FILE   (16 * 1024 * 1024)


static int mlclf_cf_classes(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node);
static int mlclf_cf_split(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node);
static int mlclf_cf_gates(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node);
static int mlclf_cf_root(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *root);
static int mlclf_cf_default_name(mlclf_train_config_t *cf, mlclf_err_t *err);


static const char *const  mlclf_cf_root_keys[] = {
    "name", "data", "label", "features", "classes", "missing", "split",
    "model", "gates", NULL
};

static const char *const  mlclf_cf_split_keys[] = {
    "test_fraction", "seed", "stratify", NULL
};

static const char *const  mlclf_cf_gates_keys[] = {
    "min_accuracy", "min_macro_f1", NULL
};


/*
 * A feature name or class label goes into the model as it is: refused
 * here, where it is written, if the model format cannot hold it.
 */
int
mlclf_train_config_name(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, const char *s, const char *what)
{
    char         show[MLCLF_QUOTE_LEN];
    size_t       len;
    mlclf_err_t  why;

    len = strlen(s);

    if (mlclf_name_check(s, len, &why) == MLCLF_OK) {
        return MLCLF_OK;
    }

    return mlclf_train_yaml_error(ctx, node, "%s: %s cannot be a %s: %s", key,
                                  mlclf_quote(s, len, show), what, why.msg);
}


static int
mlclf_cf_classes(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node)
{
    int                rc;
    char               key[64];
    size_t             n, i, j;
    yaml_node_t       *item;
    yaml_node_item_t  *it;

    if (node->type != YAML_SEQUENCE_NODE) {
        return mlclf_train_yaml_expected(ctx, node, "classes", "a list");
    }

    n = (size_t) (node->data.sequence.items.top
                  - node->data.sequence.items.start);

    if (n < 2) {
        return mlclf_train_yaml_error(ctx, node, "classes: expected at least 2 "
                                      "classes, got %zu", n);
    }

    if (n > 65536) {
        return mlclf_train_yaml_error(ctx, node, "classes: more than 65536");
    }

    cf->classes = calloc(n, sizeof(char *));
    if (cf->classes == NULL) {
        return mlclf_err_set(ctx->err, MLCLF_ENOMEM, "out of memory");
    }

    cf->n_classes = n;

    for (i = 0, it = node->data.sequence.items.start; i < n; i++, it++) {
        item = yaml_document_get_node(ctx->doc, *it);

        snprintf(key, sizeof(key), "classes[%zu]", i);

        if (item == NULL) {
            return mlclf_train_yaml_error(ctx, node, "%s: broken list", key);
        }

        rc = mlclf_train_yaml_string(ctx, item, key, &cf->classes[i]);
        if (rc != MLCLF_OK) {
            return rc;
        }

        rc = mlclf_train_config_name(ctx, item, key, cf->classes[i],
                                     "class label");
        if (rc != MLCLF_OK) {
            return rc;
        }

        for (j = 0; j < i; j++) {
            if (strcmp(cf->classes[j], cf->classes[i]) == 0) {
                return mlclf_train_yaml_error(ctx, item, "classes: duplicate "
                                              "class \"%s\"", cf->classes[i]);
            }
        }
    }

    return MLCLF_OK;
}


static int
mlclf_cf_split(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node)
{
    int           rc;
    unsigned      b;
    yaml_node_t  *vals[4], *knodes[4];

    rc = mlclf_train_yaml_mapping(ctx, node, "split", mlclf_cf_split_keys, vals,
                                  knodes);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (vals[0]) {
        rc = mlclf_train_yaml_range(ctx, vals[0], "split.test_fraction", 0, 1,
                                    1, 1, &cf->test_fraction);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[1]) {
        rc = mlclf_train_yaml_uint(ctx, vals[1], "split.seed", 0, UINT64_MAX,
                                   &cf->seed);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[2]) {
        b = 1;
        rc = mlclf_train_yaml_bool(ctx, vals[2], "split.stratify", &b);
        if (rc != MLCLF_OK) {
            return rc;
        }

        cf->stratify = b;
    }

    return MLCLF_OK;
}


static int
mlclf_cf_gates(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node)
{
    int           rc;
    yaml_node_t  *vals[3], *knodes[3];

    rc = mlclf_train_yaml_mapping(ctx, node, "gates", mlclf_cf_gates_keys, vals,
                                  knodes);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (vals[0]) {
        rc = mlclf_train_yaml_range(ctx, vals[0], "gates.min_accuracy", 0, 1,
                                    0, 0, &cf->min_accuracy);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[1]) {
        rc = mlclf_train_yaml_range(ctx, vals[1], "gates.min_macro_f1", 0, 1,
                                    0, 0, &cf->min_macro_f1);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    return MLCLF_OK;
}


static int
mlclf_cf_root(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *root)
{
    int           rc;
    size_t        i;
    const char   *s;
    yaml_node_t  *vals[10], *knodes[10];

    if (root->type != YAML_MAPPING_NODE) {
        return mlclf_train_yaml_expected(ctx, root, "configuration",
                                         "a mapping");
    }

    rc = mlclf_train_yaml_mapping(ctx, root, "", mlclf_cf_root_keys, vals,
                                  knodes);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (vals[1] == NULL) {
        return mlclf_train_yaml_error(ctx, root,
                                      "missing required key \"data\"");
    }

    if (vals[2] == NULL) {
        return mlclf_train_yaml_error(ctx, root,
                                      "missing required key \"label\"");
    }

    if (vals[3] == NULL) {
        return mlclf_train_yaml_error(ctx, root,
                                      "missing required key \"features\"");
    }

    if (vals[7] == NULL) {
        return mlclf_train_yaml_error(ctx, root,
                                      "missing required key \"model\"");
    }

    if (vals[0]) {
        rc = mlclf_train_yaml_string(ctx, vals[0], "name", &cf->name);
        if (rc != MLCLF_OK) {
            return rc;
        }

        if (mlclf_model_name_check(cf->name, strlen(cf->name)) != MLCLF_OK) {
            return mlclf_train_yaml_expected(ctx, vals[0], "name",
                                             "[a-z0-9_-]{1,64}");
        }
    }

    rc = mlclf_train_yaml_string(ctx, vals[1], "data", &cf->data);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_train_yaml_string(ctx, vals[2], "label", &cf->label);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_train_config_features(ctx, cf, vals[3]);
    if (rc != MLCLF_OK) {
        return rc;
    }

    for (i = 0; i < cf->n_features; i++) {
        if (strcmp(cf->features[i].name, cf->label) == 0) {
            return mlclf_train_yaml_error(ctx, vals[2], "label: \"%s\" is also "
                                          "listed as features[%zu]", cf->label,
                                          i);
        }
    }

    if (vals[4]) {
        rc = mlclf_cf_classes(ctx, cf, vals[4]);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[5]) {
        s = vals[5]->type == YAML_SCALAR_NODE ? mlclf_train_yaml_text(vals[5])
                                              : "";

        if (strcmp(s, "fail") == 0) {
            cf->missing = MLCLF_TRAIN_MISSING_FAIL;

        } else if (strcmp(s, "drop") == 0) {
            cf->missing = MLCLF_TRAIN_MISSING_DROP;

        } else if (strcmp(s, "impute") == 0) {
            cf->missing = MLCLF_TRAIN_MISSING_IMPUTE;

        } else if (strcmp(s, "allow") == 0) {
            cf->missing = MLCLF_TRAIN_MISSING_ALLOW;

        } else {
            return mlclf_train_yaml_expected(ctx, vals[5], "missing",
                                             "fail, drop, impute or allow");
        }
    }

    if (vals[6]) {
        rc = mlclf_cf_split(ctx, cf, vals[6]);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    rc = mlclf_train_config_model(ctx, cf, vals[7]);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* only the gbt's trees choose a side for a missing value */

    if (cf->missing == MLCLF_TRAIN_MISSING_ALLOW
        && cf->kind != MLCLF_KIND_GBT)
    {
        return mlclf_train_yaml_error(ctx, vals[5], "missing: allow needs "
                                      "model.kind gbt");
    }

    if (vals[8]) {
        rc = mlclf_cf_gates(ctx, cf, vals[8]);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    return MLCLF_OK;
}


/* "conf/iris.yaml" -> "iris" */
static int
mlclf_cf_default_name(mlclf_train_config_t *cf, mlclf_err_t *err)
{
    char         show[MLCLF_QUOTE_LEN];
    size_t       len;
    const char  *base;

    base = strrchr(cf->path, '/');
    base = base ? base + 1 : cf->path;
    len = strlen(base);

    if (len > 5 && strcmp(base + len - 5, ".yaml") == 0) {
        len -= 5;

    } else if (len > 4 && strcmp(base + len - 4, ".yml") == 0) {
        len -= 4;
    }

    cf->name = strndup(base, len);
    if (cf->name == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    if (mlclf_model_name_check(cf->name, len) != MLCLF_OK) {
        return mlclf_err_set(err, MLCLF_EINVAL, "%s:1: no \"name\" given "
                             "and the file name %s is not a valid model "
                             "name ([a-z0-9_-]{1,64})", cf->path,
                             mlclf_quote(cf->name, len, show));
    }

    return MLCLF_OK;
}


int
mlclf_train_config_load(mlclf_train_config_t *cf, const char *path,
    mlclf_err_t *err)
{
    int                      rc;
    yaml_document_t          doc;
    mlclf_train_yaml_t   ctx;

    memset(cf, 0, sizeof(*cf));

    cf->test_fraction = 0.2;
    cf->seed = 42;
    cf->stratify = 1;
    cf->missing = MLCLF_TRAIN_MISSING_FAIL;
    cf->l2 = 1.0;
    cf->max_iter = 200;
    cf->tol = 1e-6;
    cf->n_trees = 100;
    cf->max_depth = 12;
    cf->min_samples_leaf = 1;
    cf->max_features = 0;
    cf->n_bins = 256;
    cf->n_threads = 0;
    cf->n_estimators = 100;
    cf->learning_rate = 0.3;
    cf->max_leaves = 0;
    cf->min_child_weight = 1.0;
    cf->min_split_gain = 0.0;
    cf->subsample = 1.0;
    cf->colsample = 1.0;
    cf->loss = MLCLF_TRAIN_LOSS_AUTO;
    cf->es_fraction = 0.0;
    cf->es_rounds = 10;
    cf->es_metric = MLCLF_TRAIN_METRIC_LOGLOSS;
    cf->log_every = 10;
    cf->gbt_seed = 42;
    cf->max_depth_set = 0;

    cf->path = strdup(path);
    if (cf->path == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    rc = mlclf_train_yaml_load(path, MLCLF_CF_MAX_FILE, &doc, err);
    if (rc != MLCLF_OK) {
        mlclf_train_config_free(cf);
        return rc;
    }

    ctx.path = path;
    ctx.doc = &doc;
    ctx.err = err;

    rc = mlclf_cf_root(&ctx, cf, yaml_document_get_root_node(&doc));

    if (rc == MLCLF_OK && cf->name == NULL) {
        rc = mlclf_cf_default_name(cf, err);
    }

    yaml_document_delete(&doc);

    if (rc != MLCLF_OK) {
        mlclf_train_config_free(cf);
    }

    return rc;
}


int
mlclf_train_config_check_classes(const mlclf_train_config_t *cf,
    size_t n_classes, mlclf_err_t *err)
{
    if (cf->kind != MLCLF_KIND_GBT || cf->loss != MLCLF_TRAIN_LOSS_LOGISTIC
        || n_classes == 2)
    {
        return MLCLF_OK;
    }

    return mlclf_err_set(err, MLCLF_EINVAL, "%s:%u:%u: model.loss: logistic "
                         "needs 2 classes, the data has %zu", cf->path,
                         (unsigned) cf->loss_line, (unsigned) cf->loss_col,
                         n_classes);
}


void
mlclf_train_config_free(mlclf_train_config_t *cf)
{
    size_t  i;

    if (cf == NULL) {
        return;
    }

    if (cf->features) {
        for (i = 0; i < cf->n_features; i++) {
            free(cf->features[i].name);
        }
    }

    if (cf->classes) {
        for (i = 0; i < cf->n_classes; i++) {
            free(cf->classes[i]);
        }
    }

    free(cf->features);
    free(cf->classes);
    free(cf->path);
    free(cf->name);
    free(cf->data);
    free(cf->label);

    memset(cf, 0, sizeof(*cf));
}
