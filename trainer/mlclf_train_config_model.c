
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The model: section of the training YAML: the kind, and the keys that
 * kind takes, each checked; a key of another kind is refused.  The
 * schema, with every default, is in mlclf_train_config.c.
 */


#include <stdint.h>
#include <string.h>
#include <math.h>
#include <yaml.h>
#include <mlclf_train.h>
#include <mlclf_train_yaml.h>
#include <mlclf_train_config.h>
#include <mlclf_train_inputs.h>


/* the model kinds that take a model key, a bit per mlclf_kind_e */
#define MLCLF_CF_LOGREG     (1u << MLCLF_KIND_LOGREG)
#define MLCLF_CF_FOREST     (1u << MLCLF_KIND_FOREST)
#define MLCLF_CF_GBT        (1u << MLCLF_KIND_GBT)


/* the model's keys: their index in mlclf_cf_model_keys[] and vals[] */
enum {
    MLCLF_CF_KIND = 0,
    MLCLF_CF_L2,
    MLCLF_CF_MAX_ITER,
    MLCLF_CF_TOL,
    MLCLF_CF_N_TREES,
    MLCLF_CF_MAX_DEPTH,
    MLCLF_CF_MIN_SAMPLES_LEAF,
    MLCLF_CF_MAX_FEATURES,
    MLCLF_CF_N_BINS,
    MLCLF_CF_N_THREADS,
    MLCLF_CF_N_ESTIMATORS,
    MLCLF_CF_LEARNING_RATE,
    MLCLF_CF_MAX_LEAVES,
    MLCLF_CF_MIN_CHILD_WEIGHT,
    MLCLF_CF_MIN_SPLIT_GAIN,
    MLCLF_CF_SUBSAMPLE,
    MLCLF_CF_COLSAMPLE,
    MLCLF_CF_SEED,
    MLCLF_CF_LOSS,
    MLCLF_CF_EARLY_STOPPING,
    MLCLF_CF_LOG_EVERY,
    MLCLF_CF_N_MODEL_KEYS
};


static int mlclf_cf_logreg(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t **vals);
static int mlclf_cf_forest(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t **vals);
static int mlclf_cf_gbt(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node, yaml_node_t **vals);
static int mlclf_cf_loss(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node);
static int mlclf_cf_early_stopping(mlclf_train_yaml_t *ctx,
    mlclf_train_config_t *cf, yaml_node_t *node);


static const char *const  mlclf_cf_model_keys[MLCLF_CF_N_MODEL_KEYS + 1] = {
    [MLCLF_CF_KIND] = "kind",
    [MLCLF_CF_L2] = "l2",
    [MLCLF_CF_MAX_ITER] = "max_iter",
    [MLCLF_CF_TOL] = "tol",
    [MLCLF_CF_N_TREES] = "n_trees",
    [MLCLF_CF_MAX_DEPTH] = "max_depth",
    [MLCLF_CF_MIN_SAMPLES_LEAF] = "min_samples_leaf",
    [MLCLF_CF_MAX_FEATURES] = "max_features",
    [MLCLF_CF_N_BINS] = "n_bins",
    [MLCLF_CF_N_THREADS] = "n_threads",
    [MLCLF_CF_N_ESTIMATORS] = "n_estimators",
    [MLCLF_CF_LEARNING_RATE] = "learning_rate",
    [MLCLF_CF_MAX_LEAVES] = "max_leaves",
    [MLCLF_CF_MIN_CHILD_WEIGHT] = "min_child_weight",
    [MLCLF_CF_MIN_SPLIT_GAIN] = "min_split_gain",
    [MLCLF_CF_SUBSAMPLE] = "subsample",
    [MLCLF_CF_COLSAMPLE] = "colsample",
    [MLCLF_CF_SEED] = "seed",
    [MLCLF_CF_LOSS] = "loss",
    [MLCLF_CF_EARLY_STOPPING] = "early_stopping",
    [MLCLF_CF_LOG_EVERY] = "log_every",
    [MLCLF_CF_N_MODEL_KEYS] = NULL
};

/* which kinds take each model key; another kind's key is an error */
static const unsigned  mlclf_cf_model_kinds[MLCLF_CF_N_MODEL_KEYS] = {
    [MLCLF_CF_KIND] = MLCLF_CF_LOGREG | MLCLF_CF_FOREST | MLCLF_CF_GBT,
    [MLCLF_CF_L2] = MLCLF_CF_LOGREG | MLCLF_CF_GBT,
    [MLCLF_CF_MAX_ITER] = MLCLF_CF_LOGREG,
    [MLCLF_CF_TOL] = MLCLF_CF_LOGREG,
    [MLCLF_CF_N_TREES] = MLCLF_CF_FOREST,
    [MLCLF_CF_MAX_DEPTH] = MLCLF_CF_FOREST | MLCLF_CF_GBT,
    [MLCLF_CF_MIN_SAMPLES_LEAF] = MLCLF_CF_FOREST,
    [MLCLF_CF_MAX_FEATURES] = MLCLF_CF_FOREST,
    [MLCLF_CF_N_BINS] = MLCLF_CF_FOREST | MLCLF_CF_GBT,
    [MLCLF_CF_N_THREADS] = MLCLF_CF_FOREST | MLCLF_CF_GBT,
    [MLCLF_CF_N_ESTIMATORS] = MLCLF_CF_GBT,
    [MLCLF_CF_LEARNING_RATE] = MLCLF_CF_GBT,
    [MLCLF_CF_MAX_LEAVES] = MLCLF_CF_GBT,
    [MLCLF_CF_MIN_CHILD_WEIGHT] = MLCLF_CF_GBT,
    [MLCLF_CF_MIN_SPLIT_GAIN] = MLCLF_CF_GBT,
    [MLCLF_CF_SUBSAMPLE] = MLCLF_CF_GBT,
    [MLCLF_CF_COLSAMPLE] = MLCLF_CF_GBT,
    [MLCLF_CF_SEED] = MLCLF_CF_GBT,
    [MLCLF_CF_LOSS] = MLCLF_CF_GBT,
    [MLCLF_CF_EARLY_STOPPING] = MLCLF_CF_GBT,
    [MLCLF_CF_LOG_EVERY] = MLCLF_CF_GBT
};

static const char *const  mlclf_cf_early_stopping_keys[] = {
    "validation_fraction", "rounds", "metric", NULL
};


int
mlclf_train_config_model(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node)
{
    int           rc;
    size_t        i;
    const char   *kind;
    yaml_node_t  *vals[MLCLF_CF_N_MODEL_KEYS], *knodes[MLCLF_CF_N_MODEL_KEYS];

    rc = mlclf_train_yaml_mapping(ctx, node, "model", mlclf_cf_model_keys, vals,
                                  knodes);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (vals[MLCLF_CF_KIND] == NULL) {
        return mlclf_train_yaml_error(ctx, node, "missing required key "
                                      "\"kind\" in model");
    }

    kind = vals[MLCLF_CF_KIND]->type == YAML_SCALAR_NODE
           ? mlclf_train_yaml_text(vals[MLCLF_CF_KIND]) : "";

    if (strcmp(kind, "logreg") == 0) {
        cf->kind = MLCLF_KIND_LOGREG;

    } else if (strcmp(kind, "forest") == 0) {
        cf->kind = MLCLF_KIND_FOREST;

    } else if (strcmp(kind, "gbt") == 0) {
        cf->kind = MLCLF_KIND_GBT;

    } else {
        return mlclf_train_yaml_expected(ctx, vals[MLCLF_CF_KIND], "model.kind",
                                         "logreg, forest or gbt");
    }

    for (i = MLCLF_CF_KIND + 1; i < MLCLF_CF_N_MODEL_KEYS; i++) {
        if (vals[i] != NULL
            && (mlclf_cf_model_kinds[i] & (1u << cf->kind)) == 0)
        {
            return mlclf_train_yaml_error(ctx, knodes[i], "model.%s: not a "
                                          "parameter of kind %s",
                                          mlclf_cf_model_keys[i], kind);
        }
    }

    /* every key left is one of this kind's: read in the table's order */

    rc = mlclf_cf_logreg(ctx, cf, vals);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_cf_forest(ctx, cf, vals);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (cf->kind == MLCLF_KIND_GBT) {
        return mlclf_cf_gbt(ctx, cf, node, vals);
    }

    return MLCLF_OK;
}


/* l2 (the gbt's too), max_iter, tol */
static int
mlclf_cf_logreg(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t **vals)
{
    int  rc;

    if (vals[MLCLF_CF_L2]) {
        rc = mlclf_train_yaml_range(ctx, vals[MLCLF_CF_L2], "model.l2", 0,
                                    INFINITY, 0, 0, &cf->l2);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_MAX_ITER]) {
        rc = mlclf_train_yaml_u32(ctx, vals[MLCLF_CF_MAX_ITER],
                                  "model.max_iter", 1, 1000000,
                                  &cf->max_iter);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_TOL]) {
        rc = mlclf_train_yaml_range(ctx, vals[MLCLF_CF_TOL], "model.tol", 0,
                                    INFINITY, 1, 0, &cf->tol);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    return MLCLF_OK;
}


/* the forest's keys; max_depth, n_bins and n_threads are the gbt's too */
static int
mlclf_cf_forest(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t **vals)
{
    int           rc;
    const char   *s;
    yaml_node_t  *v;

    if (vals[MLCLF_CF_N_TREES]) {
        rc = mlclf_train_yaml_u32(ctx, vals[MLCLF_CF_N_TREES], "model.n_trees",
                                  1, 100000, &cf->n_trees);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    /* a gbt's depth 0 is no limit only when max_leaves bounds the tree */

    if (vals[MLCLF_CF_MAX_DEPTH]) {
        rc = mlclf_train_yaml_u32(ctx, vals[MLCLF_CF_MAX_DEPTH],
                                  "model.max_depth",
                                  cf->kind == MLCLF_KIND_GBT ? 1 : 0, 64,
                                  &cf->max_depth);
        if (rc != MLCLF_OK) {
            return rc;
        }

        cf->max_depth_set = 1;
    }

    if (vals[MLCLF_CF_MIN_SAMPLES_LEAF]) {
        rc = mlclf_train_yaml_u32(ctx, vals[MLCLF_CF_MIN_SAMPLES_LEAF],
                                  "model.min_samples_leaf", 1, UINT32_MAX,
                                  &cf->min_samples_leaf);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    v = vals[MLCLF_CF_MAX_FEATURES];

    if (v) {
        s = v->type == YAML_SCALAR_NODE ? mlclf_train_yaml_text(v) : "";

        if (strcmp(s, "sqrt") == 0) {
            cf->max_features = 0;

        } else {
            if (v->type != YAML_SCALAR_NODE
                || v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE
                || !(*s >= '0' && *s <= '9'))
            {
                return mlclf_train_yaml_expected(ctx, v, "model.max_features",
                                                 "sqrt or an integer");
            }

            rc = mlclf_train_yaml_u32(ctx, v, "model.max_features", 1,
                                      UINT32_MAX, &cf->max_features);
            if (rc != MLCLF_OK) {
                return rc;
            }

            /*
             * texts and categories make more columns than features: how
             * many is known once they are fitted (mlclf_train_inputs.c)
             */

            if (!mlclf_train_inputs_wanted(cf)
                && cf->max_features > cf->n_features)
            {
                return mlclf_train_yaml_error(ctx, v,
                                              "model.max_features: %u is "
                                              "more than the %zu features",
                                              cf->max_features,
                                              cf->n_features);
            }
        }
    }

    if (vals[MLCLF_CF_N_BINS]) {
        rc = mlclf_train_yaml_u32(ctx, vals[MLCLF_CF_N_BINS], "model.n_bins",
                                  2, 256, &cf->n_bins);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_N_THREADS]) {
        rc = mlclf_train_yaml_u32(ctx, vals[MLCLF_CF_N_THREADS],
                                  "model.n_threads", 0, 1024, &cf->n_threads);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    return MLCLF_OK;
}


/*
 * The gbt's own keys, after the shared ones.  split: is read before
 * model: whatever their order in the file, so cf->seed is final here.
 */
static int
mlclf_cf_gbt(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node, yaml_node_t **vals)
{
    int  rc;

    if (!cf->max_depth_set && vals[MLCLF_CF_MAX_LEAVES] == NULL) {
        return mlclf_train_yaml_error(ctx, node, "model: a gbt needs "
                                      "max_depth, max_leaves or both");
    }

    if (!cf->max_depth_set) {
        cf->max_depth = 0;          /* max_leaves alone bounds a tree */
    }

    if (vals[MLCLF_CF_N_ESTIMATORS]) {
        rc = mlclf_train_yaml_u32(ctx, vals[MLCLF_CF_N_ESTIMATORS],
                                  "model.n_estimators", 1, 100000,
                                  &cf->n_estimators);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_LEARNING_RATE]) {
        rc = mlclf_train_yaml_range(ctx, vals[MLCLF_CF_LEARNING_RATE],
                                    "model.learning_rate", 0, 1, 1, 0,
                                    &cf->learning_rate);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_MAX_LEAVES]) {
        rc = mlclf_train_yaml_u32(ctx, vals[MLCLF_CF_MAX_LEAVES],
                                  "model.max_leaves", 2, 65536,
                                  &cf->max_leaves);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_MIN_CHILD_WEIGHT]) {
        rc = mlclf_train_yaml_range(ctx, vals[MLCLF_CF_MIN_CHILD_WEIGHT],
                                    "model.min_child_weight", 0, INFINITY, 0,
                                    0, &cf->min_child_weight);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_MIN_SPLIT_GAIN]) {
        rc = mlclf_train_yaml_range(ctx, vals[MLCLF_CF_MIN_SPLIT_GAIN],
                                    "model.min_split_gain", 0, INFINITY, 0, 0,
                                    &cf->min_split_gain);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_SUBSAMPLE]) {
        rc = mlclf_train_yaml_range(ctx, vals[MLCLF_CF_SUBSAMPLE],
                                    "model.subsample", 0, 1, 1, 0,
                                    &cf->subsample);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_COLSAMPLE]) {
        rc = mlclf_train_yaml_range(ctx, vals[MLCLF_CF_COLSAMPLE],
                                    "model.colsample", 0, 1, 1, 0,
                                    &cf->colsample);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_SEED]) {
        rc = mlclf_train_yaml_uint(ctx, vals[MLCLF_CF_SEED], "model.seed", 0,
                                   UINT64_MAX, &cf->gbt_seed);
        if (rc != MLCLF_OK) {
            return rc;
        }

    } else {
        cf->gbt_seed = cf->seed;
    }

    if (vals[MLCLF_CF_LOSS]) {
        rc = mlclf_cf_loss(ctx, cf, vals[MLCLF_CF_LOSS]);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_EARLY_STOPPING]) {
        rc = mlclf_cf_early_stopping(ctx, cf, vals[MLCLF_CF_EARLY_STOPPING]);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[MLCLF_CF_LOG_EVERY]) {
        rc = mlclf_train_yaml_u32(ctx, vals[MLCLF_CF_LOG_EVERY],
                                  "model.log_every", 1, 1000000,
                                  &cf->log_every);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    return MLCLF_OK;
}


/*
 * Where loss is written is kept for mlclf_train_config_check_classes():
 * without classes: the class count is known only once the data is read.
 */
static int
mlclf_cf_loss(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node)
{
    const char  *s;

    s = node->type == YAML_SCALAR_NODE ? mlclf_train_yaml_text(node) : "";

    if (strcmp(s, "logistic") == 0) {
        cf->loss = MLCLF_TRAIN_LOSS_LOGISTIC;

    } else if (strcmp(s, "softmax") == 0) {
        cf->loss = MLCLF_TRAIN_LOSS_SOFTMAX;

    } else {
        return mlclf_train_yaml_expected(ctx, node, "model.loss",
                                         "logistic or softmax");
    }

    cf->loss_line = (uint32_t) node->start_mark.line + 1;
    cf->loss_col = (uint32_t) node->start_mark.column + 1;

    if (cf->loss == MLCLF_TRAIN_LOSS_LOGISTIC && cf->n_classes != 0
        && cf->n_classes != 2)
    {
        return mlclf_train_yaml_error(ctx, node, "model.loss: logistic needs "
                                      "2 classes, the classes list has %zu",
                                      cf->n_classes);
    }

    return MLCLF_OK;
}


static int
mlclf_cf_early_stopping(mlclf_train_yaml_t *ctx, mlclf_train_config_t *cf,
    yaml_node_t *node)
{
    int           rc;
    const char   *s;
    yaml_node_t  *vals[4], *knodes[4];

    rc = mlclf_train_yaml_mapping(ctx, node, "model.early_stopping",
                                  mlclf_cf_early_stopping_keys, vals, knodes);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* early stopping scores a validation share: there is no default */

    if (vals[0] == NULL) {
        return mlclf_train_yaml_error(ctx, node, "model.early_stopping: "
                                      "needs validation_fraction");
    }

    rc = mlclf_train_yaml_range(ctx, vals[0],
                                "model.early_stopping.validation_fraction",
                                0, 1, 1, 1, &cf->es_fraction);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (vals[1]) {
        rc = mlclf_train_yaml_u32(ctx, vals[1], "model.early_stopping.rounds",
                                  1, 100000, &cf->es_rounds);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (vals[2]) {
        s = vals[2]->type == YAML_SCALAR_NODE ? mlclf_train_yaml_text(vals[2])
                                              : "";

        if (strcmp(s, "logloss") == 0) {
            cf->es_metric = MLCLF_TRAIN_METRIC_LOGLOSS;

        } else if (strcmp(s, "error") == 0) {
            cf->es_metric = MLCLF_TRAIN_METRIC_ERROR;

        } else {
            return mlclf_train_yaml_expected(ctx, vals[2],
                                             "model.early_stopping.metric",
                                             "logloss or error");
        }
    }

    return MLCLF_OK;
}
