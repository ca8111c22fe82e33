
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The trees of a scikit-learn interchange file: RandomForestClassifier
 * and ExtraTreesClassifier (forest), GradientBoostingClassifier and
 * HistGradientBoostingClassifier (gbt).  docs/sklearn-interchange.md
 * gives the semantics and where scikit-learn 1.2 defines each.
 */


#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf_import_sklearn.h"


/* the integers a double holds exactly: wider node indices are refused */
#define MLCLF_IMPORT_SKL_INT_MAX  9007199254740992.0


static int mlclf_import_skl_trees(mlclf_import_skl_t *ctx, uint32_t per);
static int mlclf_import_skl_tree(mlclf_import_skl_t *ctx, const cJSON *tree,
    uint32_t t, uint32_t out);
static int mlclf_import_skl_arrays(mlclf_import_skl_t *ctx,
    const cJSON *tree, uint32_t t, size_t n, const cJSON **a);
static int mlclf_import_skl_node(mlclf_import_skl_t *ctx, const cJSON **a,
    uint32_t t, size_t i);
static int mlclf_import_skl_leaf(mlclf_import_skl_t *ctx, const cJSON **a,
    uint32_t t, size_t i);
static int mlclf_import_skl_reserve(mlclf_import_skl_t *ctx, size_t n);


/* The per-node arrays of a tree, in this order (a[] below). */
enum {
    SKL_LEFT = 0,
    SKL_RIGHT,
    SKL_FEATURE,
    SKL_THRESHOLD,
    SKL_VALUE,
    SKL_MISSING,                        /* HistGradientBoosting only */
    SKL_COVER,                          /* optional, format_version 2 */
    SKL_ARRAYS
};

static const char *const  mlclf_import_skl_array_names[] = {
    "children_left", "children_right", "feature", "threshold", "value",
    "missing_go_to_left", "cover"
};

static const char *const  mlclf_import_skl_tree_keys[] = {
    "node_count", "children_left", "children_right", "feature",
    "threshold", "value", "cover", NULL
};

static const char *const  mlclf_import_skl_hgb_tree_keys[] = {
    "node_count", "children_left", "children_right", "feature",
    "threshold", "value", "missing_go_to_left", "cover", NULL
};


/*
 * RandomForestClassifier, ExtraTreesClassifier: predict_proba is the
 * mean over the trees of each leaf's class distribution
 * (sklearn/ensemble/_forest.py, ForestClassifier.predict_proba), which
 * the exporter writes already normalised.
 */
int
mlclf_import_skl_forest(mlclf_import_skl_t *ctx)
{
    ctx->im->kind = MLCLF_KIND_FOREST;

    return mlclf_import_skl_trees(ctx, 1);
}


/*
 * GradientBoostingClassifier (sklearn/ensemble/_gb.py, _raw_predict and
 * _gb_losses.py) and HistGradientBoostingClassifier
 * (_hist_gradient_boosting/gradient_boosting.py, _raw_predict, and
 * sklearn/_loss/loss.py): output k starts at base[k] (the init
 * estimator's raw prediction, or _baseline_prediction), adds the leaf
 * values of the trees of class k stage by stage, then expit (one output)
 * or softmax.  GradientBoosting's exponential loss is expit(2 z).
 */
int
mlclf_import_skl_boosting(mlclf_import_skl_t *ctx)
{
    int              exponential, hgb;
    double           v;
    uint32_t         k, per;
    const cJSON     *j, *e;
    mlclf_import_t  *im;

    im = ctx->im;
    hgb = (ctx->estimator == MLCLF_IMPORT_SKL_HGB);

    j = mlclf_import_skl_member(ctx, ctx->root, "", "loss");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (cJSON_IsString(j) && strcmp(j->valuestring, "log_loss") == 0) {
        exponential = 0;

    } else if (!hgb && cJSON_IsString(j)
               && strcmp(j->valuestring, "exponential") == 0)
    {
        exponential = 1;

    } else {
        return mlclf_import_skl_fail(ctx, "loss %s is not supported (%s)",
                                     mlclf_import_skl_show(ctx, j),
                                     hgb ? "\"log_loss\""
                                     : "\"log_loss\", \"exponential\"");
    }

    if (exponential && im->n_classes != 2) {
        return mlclf_import_skl_fail(ctx, "loss \"exponential\" with %u "
                                     "classes: it is binary only",
                                     im->n_classes);
    }

    j = mlclf_import_skl_member(ctx, ctx->root, "", "learning_rate");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (mlclf_import_skl_num(j, &v) != MLCLF_OK || v <= 0.0) {
        return mlclf_import_skl_fail(ctx, "learning_rate: %s, not a "
                                     "positive number",
                                     mlclf_import_skl_show(ctx, j));
    }

    if (!hgb) {
        j = mlclf_import_skl_member(ctx, ctx->root, "", "init");
        if (j == NULL) {
            return MLCLF_EINVAL;
        }

        if (!cJSON_IsString(j)
            || (strcmp(j->valuestring, "prior") != 0
                && strcmp(j->valuestring, "zero") != 0))
        {
            return mlclf_import_skl_fail(ctx, "init %s is not supported "
                                         "(\"prior\", \"zero\")",
                                         mlclf_import_skl_show(ctx, j));
        }
    }

    per = im->n_classes == 2 ? 1 : im->n_classes;

    j = mlclf_import_skl_member(ctx, ctx->root, "", "trees_per_stage");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (mlclf_import_skl_int(j, per, per, &v) != MLCLF_OK) {
        return mlclf_import_skl_fail(ctx, "trees_per_stage: %s, but %u "
                                     "classes take %u",
                                     mlclf_import_skl_show(ctx, j),
                                     im->n_classes, per);
    }

    j = mlclf_import_skl_member(ctx, ctx->root, "", "base");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (!cJSON_IsArray(j) || (uint32_t) cJSON_GetArraySize(j) != per) {
        return mlclf_import_skl_fail(ctx, "base: %s, not an array of %u "
                                     "numbers", mlclf_import_skl_show(ctx, j),
                                     per);
    }

    im->kind = MLCLF_KIND_GBT;
    im->n_outputs = per;
    im->link = per == 1 ? MLCLF_LINK_SIGMOID : MLCLF_LINK_SOFTMAX;
    im->link_scale = exponential ? 2.0 : 0.0;
    im->divisor = exponential ? 1.0 : 0.0;

    im->base = malloc(per * sizeof(double));
    if (im->base == NULL) {
        return mlclf_err_set(ctx->err, MLCLF_ENOMEM, "%s: out of memory",
                             im->path);
    }

    k = 0;

    cJSON_ArrayForEach(e, j) {
        if (mlclf_import_skl_num(e, &v) != MLCLF_OK) {
            return mlclf_import_skl_fail(ctx, "base[%u]: %s, not a finite "
                                         "number", k,
                                         mlclf_import_skl_show(ctx, e));
        }

        im->base[k++] = v;
    }

    return mlclf_import_skl_trees(ctx, per);
}


/* n_trees, then each tree of trees[], tree t adding to output t % per. */
static int
mlclf_import_skl_trees(mlclf_import_skl_t *ctx, uint32_t per)
{
    int           rc;
    double        v;
    uint32_t      t, n;
    const cJSON  *j, *trees;

    j = mlclf_import_skl_member(ctx, ctx->root, "", "n_trees");
    trees = mlclf_import_skl_member(ctx, ctx->root, "", "trees");
    if (j == NULL || trees == NULL) {
        return MLCLF_EINVAL;
    }

    if (mlclf_import_skl_int(j, 1, MLCLF_IMPORT_MAX_TREES, &v) != MLCLF_OK
        || fmod(v, per) != 0.0)
    {
        return mlclf_import_skl_fail(ctx, "n_trees: %s, not a number of "
                                     "trees (1..%u, a multiple of %u)",
                                     mlclf_import_skl_show(ctx, j),
                                     MLCLF_IMPORT_MAX_TREES, per);
    }

    n = (uint32_t) v;

    /* the claim is checked against the file before anything is built */
    if (!cJSON_IsArray(trees) || (uint32_t) cJSON_GetArraySize(trees) != n)
    {
        return mlclf_import_skl_fail(ctx, "trees: %s, but n_trees is %u",
                                     mlclf_import_skl_show(ctx, trees), n);
    }

    t = 0;

    cJSON_ArrayForEach(j, trees) {
        rc = mlclf_import_skl_tree(ctx, j, t, t % per);
        if (rc != MLCLF_OK) {
            return rc;
        }

        t++;
    }

    return MLCLF_OK;
}


static int
mlclf_import_skl_tree(mlclf_import_skl_t *ctx, const cJSON *tree, uint32_t t,
    uint32_t out)
{
    int                  rc, k;
    char                 where[32];
    double               v;
    size_t               n, i;
    const cJSON         *j, *a[SKL_ARRAYS];
    const char *const   *keys;

    (void) snprintf(where, sizeof(where), "trees[%u]", t);

    if (!cJSON_IsObject(tree)) {
        return mlclf_import_skl_fail(ctx, "%s: %s, not an object", where,
                                     mlclf_import_skl_show(ctx, tree));
    }

    keys = ctx->estimator == MLCLF_IMPORT_SKL_HGB
           ? mlclf_import_skl_hgb_tree_keys : mlclf_import_skl_tree_keys;

    rc = mlclf_import_skl_members(ctx, tree, where, keys);
    if (rc != MLCLF_OK) {
        return rc;
    }

    j = mlclf_import_skl_member(ctx, tree, where, "node_count");
    if (j == NULL) {
        return MLCLF_EINVAL;
    }

    if (mlclf_import_skl_int(j, 1, MLCLF_IMPORT_MAX_TREE_NODES, &v)
        != MLCLF_OK)
    {
        return mlclf_import_skl_fail(ctx, "%s.node_count: %s, not a number "
                                     "of nodes (1..%u)", where,
                                     mlclf_import_skl_show(ctx, j),
                                     MLCLF_IMPORT_MAX_TREE_NODES);
    }

    n = (size_t) v;

    rc = mlclf_import_skl_arrays(ctx, tree, t, n, a);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_import_skl_reserve(ctx, n);
    if (rc != MLCLF_OK) {
        return rc;
    }

    for (i = 0; i < n; i++) {
        rc = mlclf_import_skl_node(ctx, a, t, i);
        if (rc != MLCLF_OK) {
            return rc;
        }

        ctx->nodes[i].has_cover = 0;

        if (a[SKL_COVER] != NULL) {
            if (!cJSON_IsNumber(a[SKL_COVER])
                || !(a[SKL_COVER]->valuedouble >= 0.0))
            {
                return mlclf_import_skl_fail(ctx, "trees[%u].cover[%zu]: %s, "
                                             "not a number >= 0", t, i,
                                             mlclf_import_skl_show(ctx,
                                                            a[SKL_COVER]));
            }

            ctx->nodes[i].cover = a[SKL_COVER]->valuedouble;
            ctx->nodes[i].has_cover = 1;
        }

        for (k = 0; k < SKL_ARRAYS; k++) {
            if (a[k] != NULL) {
                a[k] = a[k]->next;
            }
        }
    }

    return mlclf_import_add_tree(ctx->im, ctx->nodes, n, out, ctx->err);
}


/*
 * a[k]: the first item of each per-node array of tree t, each holding
 * exactly n items (node_count); a[SKL_MISSING] is NULL but for
 * HistGradientBoosting.
 */
static int
mlclf_import_skl_arrays(mlclf_import_skl_t *ctx, const cJSON *tree,
    uint32_t t, size_t n, const cJSON **a)
{
    int           k;
    char          where[32];
    const cJSON  *j;

    (void) snprintf(where, sizeof(where), "trees[%u]", t);

    for (k = 0; k < SKL_ARRAYS; k++) {
        a[k] = NULL;

        if (k == SKL_MISSING && ctx->estimator != MLCLF_IMPORT_SKL_HGB) {
            continue;
        }

        /* each node's training weight, NODE_COVER; without it, none */
        if (k == SKL_COVER
            && cJSON_GetObjectItemCaseSensitive(tree, "cover") == NULL)
        {
            continue;
        }

        j = mlclf_import_skl_member(ctx, tree, where,
                                    mlclf_import_skl_array_names[k]);
        if (j == NULL) {
            return MLCLF_EINVAL;
        }

        if (!cJSON_IsArray(j) || (size_t) cJSON_GetArraySize(j) != n) {
            return mlclf_import_skl_fail(ctx, "%s.%s: %s, but node_count is "
                                         "%zu", where,
                                         mlclf_import_skl_array_names[k],
                                         mlclf_import_skl_show(ctx, j), n);
        }

        a[k] = j->child;
    }

    return MLCLF_OK;
}


/*
 * Node i of tree t into ctx->nodes[i].  A leaf has children_left -1
 * (scikit-learn's TREE_LEAF, sklearn/tree/_tree.pyx); the exporter
 * writes HistGradientBoosting's is_leaf nodes the same way.
 */
static int
mlclf_import_skl_node(mlclf_import_skl_t *ctx, const cJSON **a, uint32_t t,
    size_t i)
{
    int                   k;
    double                c[2], f, m;
    mlclf_import_node_t  *s;

    for (k = 0; k < 2; k++) {
        if (mlclf_import_skl_int(a[SKL_LEFT + k], -MLCLF_IMPORT_SKL_INT_MAX,
                                 MLCLF_IMPORT_SKL_INT_MAX, &c[k])
            != MLCLF_OK)
        {
            return mlclf_import_skl_fail(ctx, "trees[%u].%s[%zu]: %s, not a "
                                         "node index", t,
                                         mlclf_import_skl_array_names[k], i,
                                         mlclf_import_skl_show(ctx,
                                                           a[SKL_LEFT + k]));
        }
    }

    if (!cJSON_IsNumber(a[SKL_FEATURE]) || !cJSON_IsNumber(a[SKL_THRESHOLD]))
    {
        k = cJSON_IsNumber(a[SKL_FEATURE]) ? SKL_THRESHOLD : SKL_FEATURE;
        return mlclf_import_skl_fail(ctx, "trees[%u].%s[%zu]: %s, not a "
                                     "number", t,
                                     mlclf_import_skl_array_names[k], i,
                                     mlclf_import_skl_show(ctx, a[k]));
    }

    if (c[0] == -1.0) {
        if (c[1] != -1.0) {
            return mlclf_import_skl_fail(ctx, "trees[%u].children_right[%zu]"
                                         ": %.17g, but children_left is -1 "
                                         "(a leaf)", t, i, c[1]);
        }

        return mlclf_import_skl_leaf(ctx, a, t, i);
    }

    if (!cJSON_IsNull(a[SKL_VALUE])) {
        return mlclf_import_skl_fail(ctx, "trees[%u].value[%zu]: %s, not null"
                                     " (node %zu is not a leaf)", t, i,
                                     mlclf_import_skl_show(ctx,
                                                           a[SKL_VALUE]),
                                     i);
    }

    if (mlclf_import_skl_int(a[SKL_FEATURE], 0, INT32_MAX, &f) != MLCLF_OK) {
        return mlclf_import_skl_fail(ctx, "trees[%u].feature[%zu]: %s, not a "
                                     "feature index", t, i,
                                     mlclf_import_skl_show(ctx,
                                                         a[SKL_FEATURE]));
    }

    s = &ctx->nodes[i];
    s->feature = (int32_t) f;
    s->left = (int64_t) c[0];
    s->right = (int64_t) c[1];
    s->threshold = a[SKL_THRESHOLD]->valuedouble;
    s->value = NULL;

    if (ctx->estimator != MLCLF_IMPORT_SKL_HGB) {
        /* float32(x) <= threshold (tree/_tree.pyx, Tree.apply); NaN is
           refused by scikit-learn 1.2's input check */
        s->decision = MLCLF_CMP_F32_LE | MLCLF_MISSING_REFUSE;
        return MLCLF_OK;
    }

    /* _predictor.pyx: NaN goes the missing_go_to_left way, else x <= t */
    if (mlclf_import_skl_int(a[SKL_MISSING], 0, 1, &m) != MLCLF_OK) {
        return mlclf_import_skl_fail(ctx, "trees[%u].missing_go_to_left[%zu]"
                                     ": %s, not 0 or 1", t, i,
                                     mlclf_import_skl_show(ctx,
                                                         a[SKL_MISSING]));
    }

    s->decision = MLCLF_CMP_LE | MLCLF_MISSING_NAN
                  | (m == 1.0 ? MLCLF_DEFAULT_LEFT : 0);

    return MLCLF_OK;
}


/* A leaf: one number (boosting) or n_classes numbers (forest). */
static int
mlclf_import_skl_leaf(mlclf_import_skl_t *ctx, const cJSON **a, uint32_t t,
    size_t i)
{
    double               *row;
    uint32_t              k, vals;
    const cJSON          *v, *e;
    mlclf_import_node_t  *s;

    vals = ctx->estimator == MLCLF_IMPORT_SKL_FOREST ? ctx->im->n_classes : 1;
    row = ctx->values + i * vals;
    v = a[SKL_VALUE];

    s = &ctx->nodes[i];
    s->feature = -1;
    s->decision = 0;
    s->left = -1;
    s->right = -1;
    s->threshold = 0.0;
    s->value = row;

    if (ctx->estimator != MLCLF_IMPORT_SKL_FOREST) {
        if (!cJSON_IsNumber(v)) {
            return mlclf_import_skl_fail(ctx, "trees[%u].value[%zu]: %s, not "
                                         "a number", t, i,
                                         mlclf_import_skl_show(ctx, v));
        }

        /* not finite: mlclf_import_add_tree() says so */
        row[0] = v->valuedouble;
        return MLCLF_OK;
    }

    if (!cJSON_IsArray(v) || (uint32_t) cJSON_GetArraySize(v) != vals) {
        return mlclf_import_skl_fail(ctx, "trees[%u].value[%zu]: %s, not an "
                                     "array of %u class shares", t, i,
                                     mlclf_import_skl_show(ctx, v), vals);
    }

    k = 0;

    cJSON_ArrayForEach(e, v) {
        if (!cJSON_IsNumber(e)) {
            return mlclf_import_skl_fail(ctx, "trees[%u].value[%zu][%u]: %s, "
                                         "not a number", t, i, k,
                                         mlclf_import_skl_show(ctx, e));
        }

        row[k++] = e->valuedouble;
    }

    return MLCLF_OK;
}


/* Room for a tree of n nodes: n is the length of arrays in the file. */
static int
mlclf_import_skl_reserve(mlclf_import_skl_t *ctx, size_t n)
{
    void    *p;
    size_t   vals;

    vals = ctx->estimator == MLCLF_IMPORT_SKL_FOREST ? ctx->im->n_classes : 1;

    if (n > ctx->cap_nodes) {
        p = realloc(ctx->nodes, n * sizeof(mlclf_import_node_t));
        if (p == NULL) {
            goto nomem;
        }

        ctx->nodes = p;
        ctx->cap_nodes = n;
    }

    if (n * vals > ctx->cap_values) {
        p = realloc(ctx->values, n * vals * sizeof(double));
        if (p == NULL) {
            goto nomem;
        }

        ctx->values = p;
        ctx->cap_values = n * vals;
    }

    return MLCLF_OK;

nomem:

    return mlclf_err_set(ctx->err, MLCLF_ENOMEM, "%s: out of memory for a "
                         "tree of %zu nodes", ctx->im->path, n);
}
