
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The features: list of the training YAML: each feature's name, its
 * type and the keys that type takes, each checked; a key of another
 * type is refused, naming the types it applies to.  The schema, with
 * every default, is in mlclf_train_config.c.
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
#define MLCLF_CF_NUMBER     (MLCLF_CF_FLOAT | MLCLF_CF_INTEGER)
#define MLCLF_CF_ANY        MLCLF_CF_NUMBER

#define MLCLF_CF_KEY_LEN    80


/* a feature's keys: their index in mlclf_cf_feature_keys[] and vals[] */
enum {
    MLCLF_CF_F_NAME = 0,
    MLCLF_CF_F_TYPE,
    MLCLF_CF_F_MIN,
    MLCLF_CF_F_MAX,
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
static const char *mlclf_cf_key(mlclf_cf_feature_t *fc, size_t k);
static const char *mlclf_cf_types(unsigned mask, char *buf, size_t size);


static const char *const  mlclf_cf_feature_keys[MLCLF_CF_F_N_KEYS + 1] = {
    [MLCLF_CF_F_NAME] = "name",
    [MLCLF_CF_F_TYPE] = "type",
    [MLCLF_CF_F_MIN] = "min",
    [MLCLF_CF_F_MAX] = "max",
    [MLCLF_CF_F_N_KEYS] = NULL
};

/* which types take each key; another type's key is an error */
static const unsigned  mlclf_cf_feature_types[MLCLF_CF_F_N_KEYS] = {
    [MLCLF_CF_F_NAME] = MLCLF_CF_ANY,
    [MLCLF_CF_F_TYPE] = MLCLF_CF_ANY,
    [MLCLF_CF_F_MIN] = MLCLF_CF_NUMBER,
    [MLCLF_CF_F_MAX] = MLCLF_CF_NUMBER
};

static const char *const  mlclf_cf_type_names[MLCLF_TRAIN_N_TYPES] = {
    [MLCLF_TRAIN_TYPE_FLOAT] = "float",
    [MLCLF_TRAIN_TYPE_INTEGER] = "integer"
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

    return mlclf_cf_number(fc);
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

            return MLCLF_OK;
        }
    }

    return mlclf_train_yaml_expected(fc->ctx, v,
                                     mlclf_cf_key(fc, MLCLF_CF_F_TYPE),
                                     "float or integer");
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
