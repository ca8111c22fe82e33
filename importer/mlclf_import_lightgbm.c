
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * LightGBM's text model (model.txt, "version=v3" and "v4") into a gbt
 * model: the header, the objective, then the trees in order.
 *
 * What LightGBM writes (GBDT::SaveModelToString in
 * src/boosting/gbdt_model_text.cpp): the line "tree", then key=value
 * lines (version, num_class, num_tree_per_iteration, label_index,
 * max_feature_idx, objective, an "average_output" line alone,
 * feature_names, feature_infos, tree_sizes), an empty line, one block
 * per tree ("Tree=<i>", its key=value lines, two empty lines; tree_sizes
 * holds each block's bytes), the line "end of trees", then feature
 * importances and parameters, which are not read.
 *
 * How LightGBM predicts (src/boosting/gbdt_prediction.cpp, GBDT::Predict):
 * output k is the sum of the leaf values of trees k, k + K, k + 2K, ...
 * (K = num_tree_per_iteration), divided by the number of iterations
 * with average_output, then the objective's ConvertOutput.  There is no
 * base score: training adds the initial score to the first trees' leaves
 * (GBDT::TrainOneIter, Tree::AddBias), and the leaf values already carry
 * the shrinkage (Tree::Shrinkage), so "shrinkage=" is not read.
 *
 * The objectives served (src/objective/):
 *   "binary sigmoid:<s>"   P(1) = 1 / (1 + exp(-s z)) (BinaryLogloss)
 *   "multiclass num_class:<K>"   softmax (MulticlassSoftmax)
 *   "multiclassova num_class:<K> sigmoid:<s>"   each P(k) = 1 / (1 +
 *       exp(-s z_k)) on its own, not normalised (MulticlassOVA::
 *       ConvertOutput), which is what LightGBM's predict returns.
 * Any other objective, a model without one (a custom objective: raw
 * scores), categorical splits and linear trees are refused.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf_import_lightgbm.h"


enum {
    LGBM_VERSION = 0,
    LGBM_NUM_CLASS,
    LGBM_PER_ITER,
    LGBM_LABEL_INDEX,
    LGBM_MAX_FEATURE,
    LGBM_OBJECTIVE,
    LGBM_AVERAGE,
    LGBM_FEATURE_NAMES,
    LGBM_FEATURE_INFOS,
    LGBM_TREE_SIZES,
    LGBM_HEADER_KEYS
};


static int mlclf_lgbm_header(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv);
static int mlclf_lgbm_one_int(mlclf_lgbm_t *r, const mlclf_lgbm_kv_t *kv,
    const char *name, long long min, long long max, long long *out);
static int mlclf_lgbm_counts(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv,
    uint32_t *num_class);
static int mlclf_lgbm_objective(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv,
    uint32_t num_class);
static int mlclf_lgbm_names(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv);
static int mlclf_lgbm_trees(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv);
static int mlclf_lgbm_tree_size(mlclf_lgbm_t *r, const mlclf_lgbm_kv_t *kv,
    size_t *si, size_t count, uint32_t t, size_t start, size_t line);


static const char *const  mlclf_lgbm_header_keys[LGBM_HEADER_KEYS] = {
    "version", "num_class", "num_tree_per_iteration", "label_index",
    "max_feature_idx", "objective", "average_output", "feature_names",
    "feature_infos", "tree_sizes"
};


int
mlclf_import_lightgbm(mlclf_import_t *im, const char *buf, size_t len,
    mlclf_err_t *err)
{
    int              rc;
    uint32_t         num_class;
    mlclf_lgbm_t     r;
    mlclf_lgbm_kv_t  kv[LGBM_HEADER_KEYS];

    memset(&r, 0, sizeof(r));
    memset(kv, 0, sizeof(kv));
    num_class = 0;
    r.im = im;
    r.err = err;
    r.buf = buf;
    r.len = len;

    rc = mlclf_lgbm_next(&r);
    if (rc < 0) {
        return rc;
    }

    /* SubModelName() of GBDT */
    if (rc == 0 || !mlclf_lgbm_is(&r, "tree")) {
        return mlclf_lgbm_fail(&r, 1, 1, "not a LightGBM model.txt: the "
                               "first line is not \"tree\"");
    }

    rc = mlclf_lgbm_header(&r, kv);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_lgbm_counts(&r, kv, &num_class);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_lgbm_objective(&r, kv, num_class);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_lgbm_names(&r, kv);
    if (rc != MLCLF_OK) {
        return rc;
    }

    (void) snprintf(im->library, sizeof(im->library), "lightgbm");
    (void) snprintf(im->library_version, sizeof(im->library_version),
                    "%.*s", (int) kv[LGBM_VERSION].n, kv[LGBM_VERSION].v);
    (void) snprintf(im->source_kind, sizeof(im->source_kind), "%.*s",
                    (int) kv[LGBM_OBJECTIVE].n, kv[LGBM_OBJECTIVE].v);

    return mlclf_lgbm_trees(&r, kv);
}


/* The header's lines up to the first "Tree=" (or "end of trees"). */
static int
mlclf_lgbm_header(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv)
{
    int  rc;

    for ( ;; ) {
        rc = mlclf_lgbm_next(r);
        if (rc < 0) {
            return rc;
        }

        if (rc == 0) {
            return mlclf_lgbm_fail(r, r->line, r->n + 1,
                                   "the file ends in the header, before "
                                   "any \"Tree=\" or \"end of trees\" "
                                   "(truncated?)");
        }

        if ((r->n >= 5 && memcmp(r->p, "Tree=", 5) == 0)
            || mlclf_lgbm_is(r, "end of trees"))
        {
            return MLCLF_OK;
        }

        if (r->n == 0) {
            continue;
        }

        rc = mlclf_lgbm_kv(r, mlclf_lgbm_header_keys, kv, LGBM_HEADER_KEYS,
                           "header");
        if (rc != MLCLF_OK) {
            return rc;
        }
    }
}


/* A header value of exactly one integer in [min, max]. */
static int
mlclf_lgbm_one_int(mlclf_lgbm_t *r, const mlclf_lgbm_kv_t *kv,
    const char *name, long long min, long long max, long long *out)
{
    size_t       i, tn;
    const char  *tok, *why;

    if (kv->line == 0) {
        return mlclf_lgbm_fail(r, r->line, 1, "the header has no %s line "
                               "(it ends here)", name);
    }

    i = 0;
    tok = mlclf_lgbm_token(kv, &i, &tn);

    if (tok == NULL || mlclf_lgbm_token(kv, &i, &tn) != NULL) {
        return mlclf_lgbm_fail(r, kv->line, kv->col, "%s needs one integer",
                               name);
    }

    why = mlclf_lgbm_int(tok, tn, min, max, out);
    if (why != NULL) {
        return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                               "%s %s %s (%lld..%lld)", name,
                               mlclf_lgbm_q(r, tok, tn), why, min, max);
    }

    return MLCLF_OK;
}


/*
 * version, num_class, num_tree_per_iteration, label_index,
 * max_feature_idx and feature_infos: LightGBM refuses a model without
 * any of them but num_tree_per_iteration (then num_class), and so do we.
 */
static int
mlclf_lgbm_counts(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv, uint32_t *num_class)
{
    int               rc;
    size_t            n;
    long long         v;
    mlclf_lgbm_kv_t  *x;

    x = &kv[LGBM_VERSION];

    if (x->line == 0) {
        return mlclf_lgbm_fail(r, r->line, 1, "the header has no version "
                               "line (it ends here)");
    }

    if (!(x->n == 2 && (memcmp(x->v, "v3", 2) == 0
                        || memcmp(x->v, "v4", 2) == 0)))
    {
        return mlclf_lgbm_fail(r, x->line, x->col, "version %s is not "
                               "supported (v3, v4)",
                               mlclf_lgbm_q(r, x->v, x->n));
    }

    rc = mlclf_lgbm_one_int(r, &kv[LGBM_NUM_CLASS], "num_class", 1,
                            MLCLF_MAX_CLASSES, &v);
    if (rc != MLCLF_OK) {
        return rc;
    }

    *num_class = (uint32_t) v;
    r->per_iter = (uint32_t) v;

    if (kv[LGBM_PER_ITER].line != 0) {
        rc = mlclf_lgbm_one_int(r, &kv[LGBM_PER_ITER],
                                "num_tree_per_iteration", 1,
                                MLCLF_MAX_CLASSES, &v);
        if (rc != MLCLF_OK) {
            return rc;
        }

        r->per_iter = (uint32_t) v;
    }

    rc = mlclf_lgbm_one_int(r, &kv[LGBM_LABEL_INDEX], "label_index", 0,
                            INT32_MAX, &v);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_lgbm_one_int(r, &kv[LGBM_MAX_FEATURE], "max_feature_idx", 0,
                            MLCLF_MAX_FEATURES - 1, &v);
    if (rc != MLCLF_OK) {
        return rc;
    }

    r->max_feature = (uint32_t) v;
    r->im->n_features = r->max_feature + 1;

    x = &kv[LGBM_FEATURE_INFOS];

    if (x->line == 0) {
        return mlclf_lgbm_fail(r, r->line, 1, "the header has no "
                               "feature_infos line (it ends here)");
    }

    n = mlclf_lgbm_count(x);

    if (n != r->im->n_features) {
        return mlclf_lgbm_fail(r, x->line, x->col, "feature_infos has %zu "
                               "values, but max_feature_idx=%u needs %u", n,
                               r->max_feature, r->im->n_features);
    }

    return MLCLF_OK;
}


/*
 * The objective line: its name, then "key:value" tokens, as the
 * objectives' constructors read them (ObjectiveFunction::
 * CreateObjectiveFunction).  num_class must agree with the header's,
 * and num_tree_per_iteration with the objective (NumModelPerIteration:
 * 1 for binary, num_class for the other two).
 */
static int
mlclf_lgbm_objective(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv,
    uint32_t num_class)
{
    int               binary, ova;
    size_t            i, tn, nn, kcol, scol;
    double            sigmoid;
    long long         k;
    const char       *tok, *name, *why, *colon;
    mlclf_lgbm_kv_t  *x;
    mlclf_import_t   *im;

    im = r->im;
    x = &kv[LGBM_OBJECTIVE];

    if (x->line == 0) {
        return mlclf_lgbm_fail(r, r->line, 1, "the header has no objective "
                               "line (it ends here): a custom objective "
                               "gives raw scores, not probabilities");
    }

    /* it becomes the model's source kind, shown and kept in meta.json */
    for (i = 0; i < x->n; i++) {
        if ((unsigned char) x->v[i] < 0x20 || (unsigned char) x->v[i] > 0x7e) {
            return mlclf_lgbm_fail(r, x->line, x->col + i, "objective: byte "
                                   "0x%02x is not printable ASCII",
                                   (unsigned char) x->v[i]);
        }
    }

    i = 0;
    name = mlclf_lgbm_token(x, &i, &nn);

    if (name == NULL) {
        return mlclf_lgbm_fail(r, x->line, x->col, "the objective is empty");
    }

    binary = (nn == 6 && memcmp(name, "binary", 6) == 0);
    ova = (nn == 13 && memcmp(name, "multiclassova", 13) == 0);

    if (!binary && !ova && !(nn == 10 && memcmp(name, "multiclass", 10) == 0))
    {
        return mlclf_lgbm_fail(r, x->line, mlclf_lgbm_col(x, name),
                               "objective %s is not supported "
                               "(binary, multiclass, multiclassova)",
                               mlclf_lgbm_q(r, name, nn));
    }

    k = -1;
    sigmoid = -1.0;
    kcol = 0;
    scol = 0;

    while ((tok = mlclf_lgbm_token(x, &i, &tn)) != NULL) {
        colon = memchr(tok, ':', tn);
        if (colon == NULL) {
            continue;
        }

        if (colon - tok == 9 && memcmp(tok, "num_class", 9) == 0) {
            why = kcol ? "is a second num_class"
                  : mlclf_lgbm_int(colon + 1, tn - 10, 1, MLCLF_MAX_CLASSES,
                                   &k);
            kcol = mlclf_lgbm_col(x, tok);

        } else if (colon - tok == 7 && memcmp(tok, "sigmoid", 7) == 0) {
            why = scol ? "is a second sigmoid"
                  : mlclf_lgbm_double(colon + 1, tn - 8, &sigmoid);
            scol = mlclf_lgbm_col(x, tok);

        } else {
            continue;
        }

        if (why != NULL) {
            return mlclf_lgbm_fail(r, x->line, mlclf_lgbm_col(x, tok),
                                   "objective: %s %s",
                                   mlclf_lgbm_q(r, tok, tn), why);
        }
    }

    if ((binary || ova) && !(sigmoid > 0.0)) {
        return mlclf_lgbm_fail(r, x->line, scol ? scol : x->col,
                               "objective %s needs sigmoid:<s> with "
                               "s > 0", mlclf_lgbm_q(r, name, nn));
    }

    if (binary) {
        if (num_class != 1 || r->per_iter != 1) {
            return mlclf_lgbm_fail(r, kv[LGBM_NUM_CLASS].line,
                                   kv[LGBM_NUM_CLASS].col,
                                   "objective binary needs num_class=1 and "
                                   "num_tree_per_iteration=1, not %u and %u",
                                   num_class, r->per_iter);
        }

        im->n_classes = 2;
        im->n_outputs = 1;

    } else {
        if (kcol == 0) {
            return mlclf_lgbm_fail(r, x->line, x->col, "objective %s "
                                   "needs num_class:<K>",
                                   mlclf_lgbm_q(r, name, nn));
        }

        if ((uint32_t) k != num_class || k < 2
            || r->per_iter != num_class)
        {
            return mlclf_lgbm_fail(r, x->line, kcol, "objective num_class:"
                                   "%lld, but the header has num_class=%u "
                                   "and num_tree_per_iteration=%u (all "
                                   "three the same, at least 2)", k,
                                   num_class, r->per_iter);
        }

        im->n_classes = num_class;
        im->n_outputs = num_class;
    }

    im->kind = MLCLF_KIND_GBT;
    im->link = ova || binary ? MLCLF_LINK_SIGMOID : MLCLF_LINK_SOFTMAX;
    im->link_scale = ova || binary ? sigmoid : 1.0;
    im->divisor = 1.0;

    im->base = calloc(im->n_outputs, sizeof(double));
    if (im->base == NULL) {
        return mlclf_err_set(r->err, MLCLF_ENOMEM, "%s: out of memory",
                             im->path);
    }

    return MLCLF_OK;
}


/*
 * feature_names, one per feature, separated by spaces.  The names are
 * checked by mlclf_import_names(), which --features may replace them
 * with first.
 */
static int
mlclf_lgbm_names(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv)
{
    size_t            i, j, tn, n;
    const char       *tok;
    mlclf_lgbm_kv_t  *x;
    mlclf_import_t   *im;

    im = r->im;
    x = &kv[LGBM_FEATURE_NAMES];

    if (x->line == 0) {
        return mlclf_lgbm_fail(r, r->line, 1, "the header has no "
                               "feature_names line (it ends here)");
    }

    n = mlclf_lgbm_count(x);

    if (n != im->n_features) {
        return mlclf_lgbm_fail(r, x->line, x->col, "feature_names has %zu "
                               "names, but max_feature_idx=%u needs %u", n,
                               r->max_feature, im->n_features);
    }

    im->feature_names = calloc(n, sizeof(char *));
    if (im->feature_names == NULL) {
        goto nomem;
    }

    i = 0;

    for (j = 0; j < n; j++) {
        tok = mlclf_lgbm_token(x, &i, &tn);

        im->feature_names[j] = strndup(tok, tn);
        if (im->feature_names[j] == NULL) {
            goto nomem;
        }
    }

    return MLCLF_OK;

nomem:

    return mlclf_err_set(r->err, MLCLF_ENOMEM, "%s: out of memory for %zu "
                         "feature names", im->path, n);
}


/*
 * The "Tree=<t>" blocks, t = 0, 1, ... in order, then "end of trees".
 * Tree t adds to output t % num_tree_per_iteration
 * (GBDT::PredictRaw).  LightGBM finds each tree at the offset that
 * tree_sizes gives, so a block of another size would be read elsewhere
 * by LightGBM: each must be exactly its size.
 */
static int
mlclf_lgbm_trees(mlclf_lgbm_t *r, mlclf_lgbm_kv_t *kv)
{
    int                     rc;
    size_t                  si, count, start, line;
    uint32_t                t;
    long long               v;
    const char             *why;
    const mlclf_lgbm_kv_t  *sizes;

    sizes = &kv[LGBM_TREE_SIZES];
    count = sizes->line ? mlclf_lgbm_count(sizes) : 0;
    si = 0;

    if (count > MLCLF_IMPORT_MAX_TREES) {
        return mlclf_lgbm_fail(r, sizes->line, sizes->col, "tree_sizes "
                               "lists %zu trees, more than %u", count,
                               MLCLF_IMPORT_MAX_TREES);
    }

    for (t = 0; r->n >= 5 && memcmp(r->p, "Tree=", 5) == 0; t++) {
        if (t >= MLCLF_IMPORT_MAX_TREES) {
            return mlclf_lgbm_fail(r, r->line, 1, "more than %u trees",
                                   MLCLF_IMPORT_MAX_TREES);
        }

        why = mlclf_lgbm_int(r->p + 5, r->n - 5, 0, UINT32_MAX, &v);
        if (why != NULL || v != t) {
            return mlclf_lgbm_fail(r, r->line, 6, "%s where tree %u "
                                   "comes", mlclf_lgbm_q(r, r->p, r->n), t);
        }

        start = r->start;
        line = r->line;

        rc = mlclf_lgbm_tree(r, t, t % r->per_iter);
        if (rc != MLCLF_OK) {
            return rc;
        }

        /* the empty lines after it */
        do {
            rc = mlclf_lgbm_next(r);
            if (rc < 0) {
                return rc;
            }

            if (rc == 0) {
                return mlclf_lgbm_fail(r, r->line, r->n + 1, "the file ends "
                                       "after tree %u, without \"end of "
                                       "trees\" (truncated?)", t);
            }
        } while (r->n == 0);

        if (sizes->line != 0) {
            rc = mlclf_lgbm_tree_size(r, sizes, &si, count, t, start, line);
            if (rc != MLCLF_OK) {
                return rc;
            }
        }
    }

    if (!mlclf_lgbm_is(r, "end of trees")) {
        return mlclf_lgbm_fail(r, r->line, 1, "\"Tree=%u\" or \"end of "
                               "trees\" expected", t);
    }

    if (t == 0) {
        return mlclf_lgbm_fail(r, r->line, 1, "the model has no trees");
    }

    if (sizes->line != 0 && count != t) {
        return mlclf_lgbm_fail(r, sizes->line, sizes->col, "tree_sizes lists "
                               "%zu trees, but the file has %u", count, t);
    }

    if (t % r->per_iter != 0) {
        return mlclf_lgbm_fail(r, r->line, 1, "%u trees are not whole "
                               "iterations of num_tree_per_iteration=%u", t,
                               r->per_iter);
    }

    /* GBDT::Predict divides by num_iteration_for_pred_ */
    if (kv[LGBM_AVERAGE].line != 0) {
        if (kv[LGBM_AVERAGE].n != 0) {
            return mlclf_lgbm_fail(r, kv[LGBM_AVERAGE].line,
                                   kv[LGBM_AVERAGE].col, "average_output "
                                   "takes no value");
        }

        r->im->divisor = (double) (t / r->per_iter);
    }

    return MLCLF_OK;
}


/* Tree t's block, from start to the line read, against tree_sizes. */
static int
mlclf_lgbm_tree_size(mlclf_lgbm_t *r, const mlclf_lgbm_kv_t *kv, size_t *si,
    size_t count, uint32_t t, size_t start, size_t line)
{
    size_t       tn;
    long long    v;
    const char  *tok, *why;

    tok = mlclf_lgbm_token(kv, si, &tn);

    if (tok == NULL) {
        return mlclf_lgbm_fail(r, kv->line, kv->col, "tree_sizes lists %zu "
                               "trees, but the file has more (tree %u on "
                               "line %zu)", count, t, line);
    }

    why = mlclf_lgbm_int(tok, tn, 0, INT64_MAX, &v);
    if (why == NULL && (size_t) v != r->start - start) {
        why = "is not the size of the tree";
    }

    if (why != NULL) {
        return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                               "tree_sizes: tree %u's size %s %s (%zu "
                               "bytes from line %zu)", t,
                               mlclf_lgbm_q(r, tok, tn), why,
                               r->start - start, line);
    }

    return MLCLF_OK;
}
