
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * One XGBoost tree (an item of learner.gradient_booster.model.trees)
 * into the tree builder.
 *
 * A tree is a struct of arrays over tree_param.num_nodes nodes
 * (src/tree/tree_model.cc, RegTree::SaveModel): left_children,
 * right_children, split_indices, split_conditions, default_left and,
 * from 1.6 on, split_type.  A node whose left child is -1 is a leaf and
 * its split_condition is its value (RegTree::Node::LeafValue shares
 * the field); sum_hessian, when there (XGBoost always writes it), is
 * each node's cover (NODE_COVER, what its pred_contribs weighs paths
 * by); base_weights, loss_changes and parents are training statistics
 * and are not read.  Other nodes send x left when
 * (float) x < split_condition, else to left + 1: XGBoost's predictor
 * takes the right child to be the left one's neighbour
 * (src/predictor/predict_fn.h, GetNextNode), so a tree that says
 * otherwise is refused rather than served differently.  A missing value
 * (NaN) goes to the default child.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf_import_xgboost.h"


/* The per-node arrays of a tree, walked together, one item a node. */
typedef struct {
    const cJSON              *left;
    const cJSON              *right;
    const cJSON              *index;
    const cJSON              *cond;
    const cJSON              *dleft;
    const cJSON              *stype;       /* NULL before 1.6 */
    const cJSON              *hess;        /* NULL: no sum_hessian */
} mlclf_xgb_arrays_t;


static int mlclf_xgb_arrays(mlclf_import_t *im, const cJSON *tree,
    const char *where, size_t n, mlclf_xgb_arrays_t *a, mlclf_err_t *err);
static int mlclf_xgb_node(mlclf_import_t *im, const mlclf_xgb_arrays_t *a,
    const char *where, uint32_t t, size_t i, mlclf_import_node_t *node,
    double *value, mlclf_err_t *err);
static int mlclf_xgb_int(const cJSON *item, int64_t *v);
static double mlclf_xgb_f32(double v);


int
mlclf_import_xgboost_tree(mlclf_import_t *im, const cJSON *tree, uint32_t t,
    uint32_t out, mlclf_err_t *err)
{
    int                   rc;
    char                  where[80];
    double               *values;
    size_t                i;
    int64_t               n, id, leaf_size;
    const cJSON          *param, *item;
    mlclf_xgb_arrays_t    a;
    mlclf_import_node_t  *nodes;

    (void) snprintf(where, sizeof(where), MLCLF_XGB_MODEL ".trees[%u]", t);

    if (!cJSON_IsObject(tree)) {
        return mlclf_import_xgboost_fail(im, err, "%s: not an object",
                                         where);
    }

    /* XGBoost puts a tree where its id says; the ids are 0, 1, ... */
    item = cJSON_GetObjectItemCaseSensitive(tree, "id");
    if (item != NULL && (!mlclf_xgb_int(item, &id) || id != t)) {
        return mlclf_import_xgboost_fail(im, err, "%s.id: not %u, the "
                                         "tree's place in trees", where, t);
    }

    param = mlclf_import_xgboost_get(im, tree, where, "tree_param",
                                     cJSON_Object, err);
    if (param == NULL) {
        return MLCLF_EINVAL;
    }

    (void) snprintf(where, sizeof(where), MLCLF_XGB_MODEL
                    ".trees[%u].tree_param", t);

    rc = mlclf_import_xgboost_count(im, param, where, "num_nodes", 1,
                                    MLCLF_IMPORT_MAX_TREE_NODES, &n, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* "0" (1.x) or "1" (2.x) for one value a leaf */
    if (cJSON_GetObjectItemCaseSensitive(param, "size_leaf_vector") != NULL) {
        rc = mlclf_import_xgboost_count(im, param, where, "size_leaf_vector",
                                        0, INT32_MAX, &leaf_size, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

        if (leaf_size > 1) {
            return mlclf_import_xgboost_fail(im, err, "%s.size_leaf_vector: "
                                             "%lld: multi-target trees are "
                                             "not supported", where,
                                             (long long) leaf_size);
        }
    }

    (void) snprintf(where, sizeof(where), MLCLF_XGB_MODEL ".trees[%u]", t);

    /* each array holds num_nodes items before any is read */
    memset(&a, 0, sizeof(a));

    rc = mlclf_xgb_arrays(im, tree, where, (size_t) n, &a, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    nodes = malloc((size_t) n * sizeof(mlclf_import_node_t));
    values = malloc((size_t) n * sizeof(double));

    if (nodes == NULL || values == NULL) {
        free(nodes);
        free(values);
        return mlclf_import_fail(err, MLCLF_ENOMEM, im, 0, 0,
                                 "out of memory for tree %u", t);
    }

    rc = MLCLF_OK;

    for (i = 0; i < (size_t) n; i++) {
        rc = mlclf_xgb_node(im, &a, where, t, i, &nodes[i], &values[i], err);
        if (rc != MLCLF_OK) {
            break;
        }

        a.left = a.left->next;
        a.right = a.right->next;
        a.index = a.index->next;
        a.cond = a.cond->next;
        a.dleft = a.dleft->next;
        a.stype = a.stype != NULL ? a.stype->next : NULL;
        a.hess = a.hess != NULL ? a.hess->next : NULL;
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_import_add_tree(im, nodes, (size_t) n, out, err);
    }

    free(nodes);
    free(values);

    return rc;
}


/* The first item of each array, every array n items long. */
static int
mlclf_xgb_arrays(mlclf_import_t *im, const cJSON *tree, const char *where,
    size_t n, mlclf_xgb_arrays_t *a, mlclf_err_t *err)
{
    int            k, size;
    const cJSON   *arr[7] = { NULL };
    const char    *names[7] = {
        "left_children", "right_children", "split_indices",
        "split_conditions", "default_left", "split_type", "sum_hessian"
    };

    for (k = 0; k < 7; k++) {
        if (k >= 5
            && cJSON_GetObjectItemCaseSensitive(tree, names[k]) == NULL)
        {
            arr[k] = NULL;
            continue;
        }

        arr[k] = mlclf_import_xgboost_get(im, tree, where, names[k],
                                          cJSON_Array, err);
        if (arr[k] == NULL) {
            return MLCLF_EINVAL;
        }

        size = cJSON_GetArraySize(arr[k]);

        if (size < 0 || (size_t) size != n) {
            return mlclf_import_xgboost_fail(im, err, "%s.%s: %d items, but "
                                             "tree_param.num_nodes is %zu",
                                             where, names[k], size, n);
        }
    }

    a->left = arr[0]->child;
    a->right = arr[1]->child;
    a->index = arr[2]->child;
    a->cond = arr[3]->child;
    a->dleft = arr[4]->child;
    a->stype = arr[5] != NULL ? arr[5]->child : NULL;
    a->hess = arr[6] != NULL ? arr[6]->child : NULL;

    return MLCLF_OK;
}


/* Node i from the current items of a. */
static int
mlclf_xgb_node(mlclf_import_t *im, const mlclf_xgb_arrays_t *a,
    const char *where, uint32_t t, size_t i, mlclf_import_node_t *node,
    double *value, mlclf_err_t *err)
{
    double       c;
    int64_t      left, right, feature, dleft, stype;
    const char  *bad, *want;

    want = "an integer";
    bad = !mlclf_xgb_int(a->left, &left) ? "left_children"
          : !mlclf_xgb_int(a->right, &right) ? "right_children"
          : !mlclf_xgb_int(a->index, &feature) ? "split_indices"
          : NULL;

    if (bad == NULL && !cJSON_IsNumber(a->cond)) {
        bad = "split_conditions";
        want = "a number";
    }

    if (bad != NULL) {
        return mlclf_import_xgboost_fail(im, err, "%s.%s[%zu]: not %s", where,
                                         bad, i, want);
    }

    if (cJSON_IsBool(a->dleft)) {
        dleft = cJSON_IsTrue(a->dleft);

    } else if (!mlclf_xgb_int(a->dleft, &dleft) || dleft < 0 || dleft > 1) {
        return mlclf_import_xgboost_fail(im, err, "%s.default_left[%zu]: not "
                                         "0, 1, true or false", where, i);
    }

    stype = 0;
    if (a->stype != NULL && !mlclf_xgb_int(a->stype, &stype)) {
        return mlclf_import_xgboost_fail(im, err, "%s.split_type[%zu]: not "
                                         "an integer", where, i);
    }

    memset(node, 0, sizeof(*node));

    if (a->hess != NULL) {
        if (!cJSON_IsNumber(a->hess)) {
            return mlclf_import_xgboost_fail(im, err, "%s.sum_hessian[%zu]: "
                                             "not a number", where, i);
        }

        node->cover = a->hess->valuedouble;
        node->has_cover = 1;
    }

    c = mlclf_xgb_f32(a->cond->valuedouble);

    if (!isfinite(c)) {
        return mlclf_import_xgboost_fail(im, err, "%s.split_conditions[%zu]:"
                                         " %s %s", where, i,
                                         left == -1 ? "leaf value"
                                                    : "split condition",
                                         isnan(c) ? "is NaN"
                                                  : "is infinite as a "
                                                    "float32");
    }

    if (left == -1) {
        *value = c;
        node->feature = -1;
        node->value = value;
        return MLCLF_OK;
    }

    if (stype != 0) {
        return mlclf_import_xgboost_fail(im, err, "%s.split_type[%zu]: tree "
                                         "%u node %zu is a categorical split,"
                                         " which is not supported", where,
                                         i, t, i);
    }

    if (right != left + 1) {
        return mlclf_import_xgboost_fail(im, err, "%s.right_children[%zu]: "
                                         "%lld, not left child + 1 (%lld), "
                                         "which XGBoost's predictor goes to",
                                         where, i, (long long) right,
                                         (long long) left + 1);
    }

    if (feature < 0 || feature >= im->n_features) {
        return mlclf_import_xgboost_fail(im, err, "%s.split_indices[%zu]: "
                                         "feature %lld, but num_feature is "
                                         "%u", where, i, (long long) feature,
                                         im->n_features);
    }

    node->feature = (int32_t) feature;
    node->left = left;
    node->right = right;
    node->threshold = c;
    node->decision = MLCLF_CMP_F32_LT | MLCLF_MISSING_NAN
                     | (dleft ? MLCLF_DEFAULT_LEFT : 0);

    return MLCLF_OK;
}


/* A number that is a whole number a double holds exactly. */
static int
mlclf_xgb_int(const cJSON *item, int64_t *v)
{
    double  d;

    if (!cJSON_IsNumber(item)) {
        return 0;
    }

    d = item->valuedouble;

    if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0)
        || d != floor(d))
    {
        return 0;
    }

    *v = (int64_t) d;

    return 1;
}


/*
 * v as XGBoost holds it, a float32 (round to nearest), widened back:
 * infinite past the float range, which C leaves undefined.
 */
static double
mlclf_xgb_f32(double v)
{
    /* FLT_MAX + half its ulp: from there on v rounds to infinity */
    if (fabs(v) >= 0x1.ffffffp127) {
        return v > 0 ? INFINITY : -INFINITY;
    }

    return (double) (float) v;
}
