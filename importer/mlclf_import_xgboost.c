
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * XGBoost models as Booster.save_model() writes them, JSON or UBJSON
 * (versions 1.x to 3.x): the learner's parameters, objective and trees
 * into an mlclf_import_t of kind gbt.
 *
 * What the model means is XGBoost's own (src/learner.cc,
 * src/gbm/gbtree_model.cc, src/tree/tree_model.cc,
 * src/predictor/predict_fn.h):
 *   - output k starts at the base margin, the objective's
 *     ProbToMargin(base_score) in float32: -logf(1 / b - 1) for
 *     binary:logistic, b itself for the softmax objectives;
 *   - tree t adds its leaf value to output tree_info[t], in tree order,
 *     summed in float32 (MLCLF_GBT_FLOAT32);
 *   - a node sends x left when (float) x < split_condition, a missing
 *     (NaN) x to its default child;
 *   - binary:logistic is a sigmoid of one output; multi:softprob and
 *     multi:softmax a softmax of num_class outputs (served as
 *     probabilities, what softprob gives).
 * Everything else (other objectives, dart and gblinear boosters,
 * categorical splits, multi-target trees, models kept past their early
 * stopping round) is refused by name.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf_import_xgboost.h"


/* What an objective asks of the model. */
typedef struct {
    const char               *name;
    unsigned                  multi;        /* softmax over num_class */
} mlclf_xgb_objective_t;


static int mlclf_import_xgboost_json(mlclf_import_t *im, const char *buf,
    size_t len, cJSON **root, mlclf_err_t *err);
static int mlclf_xgb_json_open(const char *buf, size_t len);
static int mlclf_xgb_version(mlclf_import_t *im, const cJSON *root,
    mlclf_err_t *err);
static int mlclf_xgb_params(mlclf_import_t *im, const cJSON *learner,
    const mlclf_xgb_objective_t *obj, mlclf_err_t *err);
static int mlclf_xgb_base(mlclf_import_t *im, const char *s,
    const mlclf_xgb_objective_t *obj, mlclf_err_t *err);
static int mlclf_xgb_names(mlclf_import_t *im, const cJSON *learner,
    mlclf_err_t *err);
static int mlclf_xgb_trees(mlclf_import_t *im, const cJSON *learner,
    mlclf_err_t *err);
static int mlclf_xgb_best(mlclf_import_t *im, const cJSON *learner,
    const cJSON *param, int64_t n_trees, mlclf_err_t *err);


static const mlclf_xgb_objective_t  mlclf_xgb_objectives[] = {
    { "binary:logistic", 0 },
    { "multi:softprob", 1 },
    { "multi:softmax", 1 },
    { NULL, 0 }
};


int
mlclf_import_xgboost(mlclf_import_t *im, const char *buf, size_t len,
    mlclf_err_t *err)
{
    int     rc;
    cJSON  *root;

    /*
     * UBJSON starts with '{' and the type marker of the first key's
     * length ('L' from XGBoost); JSON with '{' and white space, '"' or
     * '}'
     */
    if (len >= 2 && buf[0] == '{' && buf[1] != '\0'
        && strchr(" \t\r\n\"}", buf[1]) == NULL)
    {
        rc = mlclf_import_ubjson(im, buf, len, &root, err);

    } else {
        rc = mlclf_import_xgboost_json(im, buf, len, &root, err);
    }

    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_import_xgboost_model(im, root, err);

    cJSON_Delete(root);

    return rc;
}


/* The JSON text, with the line and column of a syntax error. */
static int
mlclf_import_xgboost_json(mlclf_import_t *im, const char *buf, size_t len,
    cJSON **root, mlclf_err_t *err)
{
    size_t       i, line, col;
    const char  *end, *nul, *what;

    end = NULL;
    nul = memchr(buf, '\0', len);

    if (nul == NULL) {
        *root = cJSON_ParseWithOpts(buf, &end, 1);
        if (*root != NULL) {
            return MLCLF_OK;
        }

        if (end == NULL || end < buf || end > buf + len) {
            return mlclf_import_fail(err, MLCLF_ENOMEM, im, 0, 0,
                                     "out of memory for the JSON tree");
        }

    } else {
        end = nul;
    }

    line = 1;
    col = 1;

    for (i = 0; i < (size_t) (end - buf); i++) {
        if (buf[i] == '\n') {
            line++;
            col = 1;

        } else {
            col++;
        }
    }

    if (end == nul) {
        what = "a NUL byte in the JSON text";

    } else if (*end == '\0' || mlclf_xgb_json_open(buf, len)) {
        what = "the JSON text ends early, inside an object, array or "
               "string (a truncated file?)";

    } else if (strncmp(end, "NaN", 3) == 0
               || strncmp(end, "Infinity", 8) == 0
               || strncmp(end, "-Infinity", 9) == 0)
    {
        what = "a NaN or infinite number (XGBoost writes them so): "
               "the model cannot be served";

    } else {
        what = "invalid JSON";
    }

    return mlclf_import_fail(err, MLCLF_EINVAL, im, line, col, "%s", what);
}


/*
 * 1 if the JSON text ends inside a string or with an object or array
 * left open: a truncated file rather than a wrong one.
 */
static int
mlclf_xgb_json_open(const char *buf, size_t len)
{
    size_t  i, depth;
    int     in_string;

    depth = 0;
    in_string = 0;

    for (i = 0; i < len; i++) {
        if (in_string) {
            if (buf[i] == '\\') {
                i++;

            } else if (buf[i] == '"') {
                in_string = 0;
            }

            continue;
        }

        switch (buf[i]) {

        case '"':
            in_string = 1;
            break;

        case '{':
        case '[':
            depth++;
            break;

        case '}':
        case ']':
            depth -= depth > 0;
            break;
        }
    }

    return in_string || depth > 0;
}


int
mlclf_import_xgboost_model(mlclf_import_t *im, const cJSON *root,
    mlclf_err_t *err)
{
    int                           rc;
    const char                   *name;
    const cJSON                  *learner, *item;
    const mlclf_xgb_objective_t  *obj;

    if (!cJSON_IsObject(root)) {
        return mlclf_import_xgboost_fail(im, err, "the document is not "
                                         "an object");
    }

    rc = mlclf_xgb_version(im, root, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    learner = mlclf_import_xgboost_get(im, root, "", "learner",
                                       cJSON_Object, err);
    if (learner == NULL) {
        return MLCLF_EINVAL;
    }

    item = mlclf_import_xgboost_get(im, learner, "learner", "objective",
                                    cJSON_Object, err);
    if (item == NULL) {
        return MLCLF_EINVAL;
    }

    item = mlclf_import_xgboost_get(im, item, "learner.objective", "name",
                                    cJSON_String, err);
    if (item == NULL) {
        return MLCLF_EINVAL;
    }

    name = item->valuestring;

    for (obj = mlclf_xgb_objectives; obj->name != NULL; obj++) {
        if (strcmp(obj->name, name) == 0) {
            break;
        }
    }

    if (obj->name == NULL) {
        return mlclf_import_xgboost_fail(im, err,
                                         "learner.objective.name: objective "
                                         "\"%.64s\" is not supported (only "
                                         "binary:logistic, multi:softprob "
                                         "and multi:softmax are)", name);
    }

    (void) snprintf(im->library, sizeof(im->library), "xgboost");
    (void) snprintf(im->source_kind, sizeof(im->source_kind), "%s",
                    obj->name);

    rc = mlclf_xgb_params(im, learner, obj, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_xgb_names(im, learner, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_xgb_trees(im, learner, err);
}


/* "version": [major, minor, patch], as library_version "1.7.4". */
static int
mlclf_xgb_version(mlclf_import_t *im, const cJSON *root, mlclf_err_t *err)
{
    int           i;
    double        v[3];
    const cJSON  *arr, *item;

    arr = mlclf_import_xgboost_get(im, root, "", "version", cJSON_Array,
                                   err);
    if (arr == NULL) {
        return MLCLF_EINVAL;
    }

    i = 0;

    cJSON_ArrayForEach(item, arr) {
        if (i == 3 || !cJSON_IsNumber(item) || item->valuedouble < 0
            || item->valuedouble > 9999
            || item->valuedouble != floor(item->valuedouble))
        {
            return mlclf_import_xgboost_fail(im, err, "version: not three "
                                             "version numbers");
        }

        v[i++] = item->valuedouble;
    }

    if (i != 3) {
        return mlclf_import_xgboost_fail(im, err, "version: not three "
                                         "version numbers");
    }

    if (v[0] < 1 || v[0] > 3) {
        return mlclf_import_xgboost_fail(im, err, "version: XGBoost %.0f.%.0f "
                                         "wrote the model, this importer "
                                         "knows 1.x to 3.x", v[0], v[1]);
    }

    (void) snprintf(im->library_version, sizeof(im->library_version),
                    "%.0f.%.0f.%.0f", v[0], v[1], v[2]);

    return MLCLF_OK;
}


/*
 * learner_model_param: the shape of the model and its base margin.
 * XGBoost writes each as a string.
 */
static int
mlclf_xgb_params(mlclf_import_t *im, const cJSON *learner,
    const mlclf_xgb_objective_t *obj, mlclf_err_t *err)
{
    int           rc;
    int64_t       n_features, n_classes, n_targets;
    const char   *where;
    const cJSON  *param, *item;

    where = "learner.learner_model_param";

    param = mlclf_import_xgboost_get(im, learner, "learner",
                                     "learner_model_param", cJSON_Object,
                                     err);
    if (param == NULL) {
        return MLCLF_EINVAL;
    }

    rc = mlclf_import_xgboost_count(im, param, where, "num_feature", 1,
                                    MLCLF_MAX_FEATURES, &n_features, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_import_xgboost_count(im, param, where, "num_class", 0,
                                    MLCLF_MAX_CLASSES, &n_classes, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    n_targets = 1;

    if (cJSON_GetObjectItemCaseSensitive(param, "num_target") != NULL) {
        rc = mlclf_import_xgboost_count(im, param, where, "num_target", 0,
                                        INT32_MAX, &n_targets, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (n_targets > 1) {
        return mlclf_import_xgboost_fail(im, err, "%s.num_target: %lld "
                                         "targets: multi-target models are "
                                         "not supported", where,
                                         (long long) n_targets);
    }

    if (obj->multi && n_classes < MLCLF_MIN_CLASSES) {
        return mlclf_import_xgboost_fail(im, err, "%s.num_class: %lld, but "
                                         "%s needs 2 classes at least",
                                         where, (long long) n_classes,
                                         obj->name);
    }

    if (!obj->multi && n_classes > 1) {
        return mlclf_import_xgboost_fail(im, err, "%s.num_class: %lld, but "
                                         "%s has 2 classes", where,
                                         (long long) n_classes, obj->name);
    }

    im->kind = MLCLF_KIND_GBT;
    im->n_features = (uint32_t) n_features;
    im->n_classes = obj->multi ? (uint32_t) n_classes : 2;
    im->n_outputs = obj->multi ? (uint32_t) n_classes : 1;
    im->link = obj->multi ? MLCLF_LINK_SOFTMAX : MLCLF_LINK_SIGMOID;
    im->gbt_flags = MLCLF_GBT_FLOAT32;
    im->link_scale = 1.0;
    im->divisor = 1.0;

    item = mlclf_import_xgboost_get(im, param, where, "base_score",
                                    cJSON_String, err);
    if (item == NULL) {
        return MLCLF_EINVAL;
    }

    return mlclf_xgb_base(im, item->valuestring, obj, err);
}


/*
 * base_score: one number ("5E-1"; 1.x and 2.x, and 2.x estimates it
 * from the labels, so it need not be 0.5) or, from 3.1 on, a vector
 * "[5E-1]" or "[a,b,c]", one per output.  It is a probability for
 * binary:logistic, whose margin XGBoost computes in float32 as
 * -logf(1 / b - 1) (regression_loss.h, LogisticRegression::ProbToMargin);
 * the softmax objectives use it as it is.
 */
static int
mlclf_xgb_base(mlclf_import_t *im, const char *s,
    const mlclf_xgb_objective_t *obj, mlclf_err_t *err)
{
    char         *end;
    float         b, m;
    size_t        n;
    uint32_t      k;
    const char   *p;

    im->base = calloc(im->n_outputs, sizeof(double));
    if (im->base == NULL) {
        return mlclf_import_fail(err, MLCLF_ENOMEM, im, 0, 0,
                                 "out of memory");
    }

    p = s;
    if (*p == '[' || *p == '(') {
        p++;
    }

    for (n = 0; ; n++) {
        b = strtof(p, &end);

        if (end == p || !isfinite(b)
            || (obj->multi == 0 && !(b > 0.0f && b < 1.0f)))
        {
            return mlclf_import_xgboost_fail(im, err,
                                             "learner.learner_model_param."
                                             "base_score: \"%.64s\" is not "
                                             "%s", s, obj->multi
                                             ? "a finite number"
                                             : "a probability in (0, 1)");
        }

        m = obj->multi ? b : -logf(1.0f / b - 1.0f);

        if (!isfinite(m)) {
            return mlclf_import_xgboost_fail(im, err,
                                             "learner.learner_model_param."
                                             "base_score: \"%.64s\" gives "
                                             "an infinite margin", s);
        }

        if (n < im->n_outputs) {
            im->base[n] = (double) m;
        }

        p = end;
        if (*p != ',') {
            break;
        }

        p++;
    }

    n++;

    if ((s[0] == '[' && strcmp(p, "]") != 0)
        || (s[0] == '(' && strcmp(p, ")") != 0)
        || (s[0] != '[' && s[0] != '(' && *p != '\0')
        || (n != 1 && n != im->n_outputs))
    {
        return mlclf_import_xgboost_fail(im, err,
                                         "learner.learner_model_param."
                                         "base_score: \"%.64s\" is not one "
                                         "number or %u", s, im->n_outputs);
    }

    for (k = 1; n == 1 && k < im->n_outputs; k++) {
        im->base[k] = im->base[0];
    }

    return MLCLF_OK;
}


/* feature_names (1.4 on), when the model was trained with names. */
static int
mlclf_xgb_names(mlclf_import_t *im, const cJSON *learner, mlclf_err_t *err)
{
    int           n;
    uint32_t      i;
    const cJSON  *arr, *item;

    arr = cJSON_GetObjectItemCaseSensitive(learner, "feature_names");
    if (arr == NULL) {
        return MLCLF_OK;
    }

    if (!cJSON_IsArray(arr)) {
        return mlclf_import_xgboost_fail(im, err, "learner.feature_names: "
                                         "not an array");
    }

    n = cJSON_GetArraySize(arr);
    if (n == 0) {
        return MLCLF_OK;
    }

    if ((uint32_t) n != im->n_features) {
        return mlclf_import_xgboost_fail(im, err, "learner.feature_names: "
                                         "%d names, but num_feature is %u",
                                         n, im->n_features);
    }

    im->feature_names = calloc(im->n_features, sizeof(char *));
    if (im->feature_names == NULL) {
        return mlclf_import_fail(err, MLCLF_ENOMEM, im, 0, 0,
                                 "out of memory");
    }

    i = 0;

    cJSON_ArrayForEach(item, arr) {
        if (!cJSON_IsString(item)) {
            return mlclf_import_xgboost_fail(im, err, "learner.feature_names"
                                             "[%u]: not a string", i);
        }

        im->feature_names[i] = strdup(item->valuestring);
        if (im->feature_names[i] == NULL) {
            return mlclf_import_fail(err, MLCLF_ENOMEM, im, 0, 0,
                                     "out of memory");
        }

        i++;
    }

    return MLCLF_OK;
}


/*
 * gradient_booster: a gbtree, whose model has num_trees trees and as
 * many tree_info entries, each the output its tree adds to.
 */
static int
mlclf_xgb_trees(mlclf_import_t *im, const cJSON *learner, mlclf_err_t *err)
{
    int           rc;
    double        out;
    int64_t       n_trees;
    uint32_t      t;
    const cJSON  *gb, *model, *trees, *info, *tree, *cls;

    gb = mlclf_import_xgboost_get(im, learner, "learner",
                                  "gradient_booster", cJSON_Object, err);
    if (gb == NULL) {
        return MLCLF_EINVAL;
    }

    cls = mlclf_import_xgboost_get(im, gb, "learner.gradient_booster",
                                   "name", cJSON_String, err);
    if (cls == NULL) {
        return MLCLF_EINVAL;
    }

    if (strcmp(cls->valuestring, "gbtree") != 0) {
        return mlclf_import_xgboost_fail(im, err,
                                         "learner.gradient_booster.name: "
                                         "booster \"%.32s\" is not supported "
                                         "(only gbtree is)",
                                         cls->valuestring);
    }

    model = mlclf_import_xgboost_get(im, gb, "learner.gradient_booster",
                                     "model", cJSON_Object, err);
    if (model == NULL) {
        return MLCLF_EINVAL;
    }

    gb = mlclf_import_xgboost_get(im, model, MLCLF_XGB_MODEL,
                                  "gbtree_model_param", cJSON_Object, err);
    if (gb == NULL) {
        return MLCLF_EINVAL;
    }

    rc = mlclf_import_xgboost_count(im, gb,
                                    MLCLF_XGB_MODEL ".gbtree_model_param",
                                    "num_trees", 1, MLCLF_IMPORT_MAX_TREES,
                                    &n_trees, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    trees = mlclf_import_xgboost_get(im, model, MLCLF_XGB_MODEL, "trees",
                                     cJSON_Array, err);
    info = mlclf_import_xgboost_get(im, model, MLCLF_XGB_MODEL, "tree_info",
                                    cJSON_Array, err);
    if (trees == NULL || info == NULL) {
        return MLCLF_EINVAL;
    }

    /* the claim against what is there, before anything is built */
    if (cJSON_GetArraySize(trees) != n_trees
        || cJSON_GetArraySize(info) != n_trees)
    {
        return mlclf_import_xgboost_fail(im, err, MLCLF_XGB_MODEL ": "
                                         "num_trees is %lld, but there are "
                                         "%d trees and %d tree_info items",
                                         (long long) n_trees,
                                         cJSON_GetArraySize(trees),
                                         cJSON_GetArraySize(info));
    }

    rc = mlclf_xgb_best(im, learner, gb, n_trees, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    t = 0;
    cls = info->child;

    cJSON_ArrayForEach(tree, trees) {
        out = cJSON_IsNumber(cls) ? cls->valuedouble : -1.0;

        if (out < 0 || out >= im->n_outputs || out != floor(out)) {
            return mlclf_import_xgboost_fail(im, err, MLCLF_XGB_MODEL
                                             ".tree_info[%u]: not an output "
                                             "of the model (0..%u)", t,
                                             im->n_outputs - 1);
        }

        rc = mlclf_import_xgboost_tree(im, tree, t, (uint32_t) out, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

        cls = cls->next;
        t++;
    }

    return MLCLF_OK;
}


/*
 * A model trained with early stopping keeps the rounds after the best
 * one, and records it as the attribute best_iteration.  XGBoost then
 * answers two ways: the scikit-learn wrapper's predict_proba uses the
 * first best_iteration + 1 rounds (sklearn.py, _get_iteration_range),
 * Booster.predict all of them.  Rather than pick one in silence, such a
 * model is refused with the way out.  Python's xgb.train of 1.x sets
 * the attribute to the last round without early stopping: that passes.
 */
static int
mlclf_xgb_best(mlclf_import_t *im, const cJSON *learner,
    const cJSON *param, int64_t n_trees, mlclf_err_t *err)
{
    int           rc;
    int64_t       best, parallel, rounds;
    const cJSON  *attrs;

    attrs = cJSON_GetObjectItemCaseSensitive(learner, "attributes");

    if (!cJSON_IsObject(attrs)
        || cJSON_GetObjectItemCaseSensitive(attrs, "best_iteration") == NULL)
    {
        return MLCLF_OK;
    }

    rc = mlclf_import_xgboost_count(im, attrs, "learner.attributes",
                                    "best_iteration", 0, INT32_MAX, &best,
                                    err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    parallel = 1;

    if (cJSON_GetObjectItemCaseSensitive(param, "num_parallel_tree") != NULL)
    {
        rc = mlclf_import_xgboost_count(im, param, MLCLF_XGB_MODEL
                                        ".gbtree_model_param",
                                        "num_parallel_tree", 1,
                                        MLCLF_IMPORT_MAX_TREES, &parallel,
                                        err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    rounds = n_trees / (parallel * im->n_outputs);

    if (best + 1 < rounds) {
        return mlclf_import_xgboost_fail(im, err, "learner.attributes."
                                         "best_iteration: %lld of %lld "
                                         "rounds (early stopping): "
                                         "XGBoost's scikit-learn predict "
                                         "uses the first %lld, "
                                         "Booster.predict all; save "
                                         "booster[:%lld] to import the "
                                         "best rounds", (long long) best,
                                         (long long) rounds,
                                         (long long) best + 1,
                                         (long long) best + 1);
    }

    return MLCLF_OK;
}


int
mlclf_import_xgboost_fail(const mlclf_import_t *im, mlclf_err_t *err,
    const char *fmt, ...)
{
    va_list  ap;
    char     msg[MLCLF_ERR_MSG_LEN];

    va_start(ap, fmt);
    (void) vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0, "%s", msg);
}


const cJSON *
mlclf_import_xgboost_get(const mlclf_import_t *im, const cJSON *parent,
    const char *where, const char *key, int type, mlclf_err_t *err)
{
    const char   *dot, *what;
    const cJSON  *item;

    dot = where[0] != '\0' ? "." : "";
    item = cJSON_GetObjectItemCaseSensitive(parent, key);

    if (item == NULL) {
        (void) mlclf_import_xgboost_fail(im, err, "%s%s%s: missing", where,
                                         dot, key);
        return NULL;
    }

    if ((item->type & 0xff) == type) {
        return item;
    }

    what = type == cJSON_Object ? "an object"
           : type == cJSON_Array ? "an array" : "a string";

    (void) mlclf_import_xgboost_fail(im, err, "%s%s%s: not %s", where, dot,
                                     key, what);
    return NULL;
}


int
mlclf_import_xgboost_count(const mlclf_import_t *im, const cJSON *parent,
    const char *where, const char *key, int64_t lo, int64_t hi, int64_t *v,
    mlclf_err_t *err)
{
    char          *end;
    long long      n;
    const cJSON   *item;

    item = mlclf_import_xgboost_get(im, parent, where, key, cJSON_String,
                                    err);
    if (item == NULL) {
        return MLCLF_EINVAL;
    }

    end = NULL;
    n = 0;

    if (item->valuestring[0] >= '0' && item->valuestring[0] <= '9') {
        n = strtoll(item->valuestring, &end, 10);
    }

    if (end == NULL || *end != '\0' || n < lo || n > hi) {
        return mlclf_import_xgboost_fail(im, err, "%s.%s: \"%.32s\" is not "
                                         "a whole number in [%lld, %lld]",
                                         where, key, item->valuestring,
                                         (long long) lo, (long long) hi);
    }

    *v = n;

    return MLCLF_OK;
}
