
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * One "Tree=" block of a LightGBM model.txt into mlclf_import_add_tree().
 *
 * A tree of num_leaves = L leaves has L - 1 split nodes, numbered 0..L-2
 * (node 0 the root), and L leaves; a child value c >= 0 is split node
 * c, c < 0 is leaf ~c (Tree::GetLeaf returns ~node).  Every array line
 * holds L - 1 values (split_feature, threshold, decision_type,
 * left_child, right_child) or L (leaf_value).  A split node sends a
 * value x left when x <= threshold, in double; decision_type holds the
 * categorical bit (0), the default-left bit (1) and the missing type in
 * bits 2-3: 0 None, 1 Zero, 2 NaN (include/LightGBM/tree.h,
 * NumericalDecision; MissingType in include/LightGBM/bin.h).
 *
 * The source nodes given to mlclf_import_add_tree() are the split nodes
 * 0..L-2 then the leaves, leaf j at L - 1 + j.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf_import_lightgbm.h"


/* The keys of a tree block that the reader uses. */
enum {
    LGBM_NUM_LEAVES = 0,
    LGBM_NUM_CAT,
    LGBM_SPLIT_FEATURE,
    LGBM_THRESHOLD,
    LGBM_DECISION_TYPE,
    LGBM_LEFT_CHILD,
    LGBM_RIGHT_CHILD,
    LGBM_LEAF_VALUE,
    LGBM_IS_LINEAR,
    LGBM_INTERNAL_COUNT,
    LGBM_LEAF_COUNT,
    LGBM_TREE_KEYS
};

/* LightGBM's decision_type bits (tree.h) */
#define LGBM_CATEGORICAL   0x01
#define LGBM_DEFAULT_LEFT  0x02
#define LGBM_MISSING(d)    (((d) >> 2) & 3)
#define LGBM_MISSING_NONE  0
#define LGBM_MISSING_ZERO  1
#define LGBM_MISSING_NAN   2


/* The split nodes, leaves and their values of the tree being read. */
typedef struct {
    uint32_t                  t;            /* tree number */
    size_t                    head;         /* line of "Tree=" */
    size_t                    splits;       /* L - 1 */
    size_t                    leaves;       /* L */
    mlclf_import_node_t      *nodes;        /* splits + leaves */
    double                   *values;       /* leaves */
    uint8_t                  *seen;         /* a parent points at it */
    mlclf_lgbm_kv_t           kv[LGBM_TREE_KEYS];
} mlclf_lgbm_tree_t;


static int mlclf_lgbm_tree_read(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr);
static int mlclf_lgbm_tree_shape(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr);
static int mlclf_lgbm_tree_count(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr,
    int key, size_t want);
static int mlclf_lgbm_tree_splits(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr);
static int mlclf_lgbm_tree_decisions(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr);
static int mlclf_lgbm_tree_children(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr,
    int key);
static int mlclf_lgbm_tree_leaves(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr);
static int mlclf_lgbm_tree_covers(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr);
static double mlclf_lgbm_cut(double t);


static const char *const  mlclf_lgbm_tree_keys[LGBM_TREE_KEYS] = {
    "num_leaves", "num_cat", "split_feature", "threshold", "decision_type",
    "left_child", "right_child", "leaf_value", "is_linear",
    "internal_count", "leaf_count"
};


int
mlclf_lgbm_tree(mlclf_lgbm_t *r, uint32_t t, uint32_t out)
{
    int                 rc;
    size_t              n;
    mlclf_lgbm_tree_t   tr;

    memset(&tr, 0, sizeof(tr));
    tr.t = t;
    tr.head = r->line;

    rc = mlclf_lgbm_tree_read(r, &tr);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_lgbm_tree_shape(r, &tr);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* sizes from the values counted on the lines, never from num_leaves */
    n = tr.splits + tr.leaves;
    tr.nodes = calloc(n, sizeof(mlclf_import_node_t));
    tr.values = calloc(tr.leaves, sizeof(double));
    tr.seen = calloc(n, 1);

    if (tr.nodes == NULL || tr.values == NULL || tr.seen == NULL) {
        rc = mlclf_err_set(r->err, MLCLF_ENOMEM,
                           "%s: out of memory for tree %u (%zu leaves)",
                           r->im->path, t, tr.leaves);
        goto done;
    }

    rc = mlclf_lgbm_tree_leaves(r, &tr);

    if (rc == MLCLF_OK && tr.splits > 0) {
        rc = mlclf_lgbm_tree_splits(r, &tr);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_lgbm_tree_covers(r, &tr);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_import_add_tree(r->im, tr.nodes, n, out, r->err);
    }

done:

    free(tr.nodes);
    free(tr.values);
    free(tr.seen);

    return rc;
}


/* The key=value lines up to the empty line that ends the block. */
static int
mlclf_lgbm_tree_read(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr)
{
    int     rc;
    char    where[32];

    (void) snprintf(where, sizeof(where), "tree %u", tr->t);

    for ( ;; ) {
        rc = mlclf_lgbm_next(r);
        if (rc < 0) {
            return rc;
        }

        if (rc == 0) {
            return mlclf_lgbm_fail(r, r->line, r->n + 1,
                                   "the file ends inside tree %u, before "
                                   "the empty line that closes it and "
                                   "\"end of trees\" (truncated?)", tr->t);
        }

        if (r->n == 0) {
            return MLCLF_OK;
        }

        if (memchr(r->p, '=', r->n) == NULL) {
            return mlclf_lgbm_fail(r, r->line, 1,
                                   "tree %u: a line without '=' (trees "
                                   "end with an empty line)", tr->t);
        }

        rc = mlclf_lgbm_kv(r, mlclf_lgbm_tree_keys, tr->kv, LGBM_TREE_KEYS,
                           where);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }
}


/*
 * num_leaves, num_cat and is_linear, and that every array has as many
 * values as they ask for.
 */
static int
mlclf_lgbm_tree_shape(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr)
{
    int                     rc, k;
    size_t                  tn, i;
    long long               v;
    const char             *tok, *why;
    mlclf_lgbm_kv_t        *kv;
    static const int        need[] = {
        LGBM_NUM_LEAVES, LGBM_NUM_CAT, LGBM_LEAF_VALUE
    };
    static const int        ints[] = {
        LGBM_NUM_LEAVES, LGBM_NUM_CAT, LGBM_IS_LINEAR
    };
    static const long long  max[] = {
        (MLCLF_IMPORT_MAX_TREE_NODES + 1) / 2, INT32_MAX, 1
    };

    for (k = 0; k < (int) (sizeof(need) / sizeof(need[0])); k++) {
        if (tr->kv[need[k]].line == 0) {
            return mlclf_lgbm_fail(r, tr->head, 1,
                                   "tree %u has no %s line", tr->t,
                                   mlclf_lgbm_tree_keys[need[k]]);
        }
    }

    /* num_leaves, num_cat, is_linear: one integer each */
    for (k = 0; k < (int) (sizeof(ints) / sizeof(ints[0])); k++) {
        kv = &tr->kv[ints[k]];

        if (kv->line == 0) {
            continue;
        }

        i = 0;
        tok = mlclf_lgbm_token(kv, &i, &tn);

        if (tok == NULL || mlclf_lgbm_token(kv, &i, &tn) != NULL) {
            return mlclf_lgbm_fail(r, kv->line, kv->col,
                                   "tree %u: %s needs one integer", tr->t,
                                   mlclf_lgbm_tree_keys[ints[k]]);
        }

        why = mlclf_lgbm_int(tok, tn, ints[k] == LGBM_NUM_LEAVES ? 1 : 0,
                             max[k], &v);
        if (why != NULL) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u: %s %s %s", tr->t,
                                   mlclf_lgbm_tree_keys[ints[k]],
                                   mlclf_lgbm_q(r, tok, tn), why);
        }

        if (ints[k] == LGBM_NUM_LEAVES) {
            tr->leaves = (size_t) v;
            tr->splits = tr->leaves - 1;
        }

        if (ints[k] == LGBM_IS_LINEAR && v == 1) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u is a linear tree (is_linear=1): "
                                   "linear trees are not supported", tr->t);
        }
    }

    rc = mlclf_lgbm_tree_count(r, tr, LGBM_LEAF_VALUE, tr->leaves);

    for (k = LGBM_SPLIT_FEATURE; rc == MLCLF_OK && k <= LGBM_RIGHT_CHILD;
         k++)
    {
        if (tr->kv[k].line == 0) {
            /* LightGBM needs them, but for decision_type (all 0) */
            if (tr->splits == 0 || k == LGBM_DECISION_TYPE) {
                continue;
            }

            return mlclf_lgbm_fail(r, tr->head, 1,
                                   "tree %u has no %s line", tr->t,
                                   mlclf_lgbm_tree_keys[k]);
        }

        rc = mlclf_lgbm_tree_count(r, tr, k, tr->splits);
    }

    return rc;
}


/* The number of values on the line is the truth: it must be want. */
static int
mlclf_lgbm_tree_count(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr, int key,
    size_t want)
{
    size_t            got;
    mlclf_lgbm_kv_t  *kv;

    kv = &tr->kv[key];
    got = mlclf_lgbm_count(kv);

    if (got == want) {
        return MLCLF_OK;
    }

    return mlclf_lgbm_fail(r, kv->line, kv->col,
                           "tree %u: %s has %zu values, but num_leaves=%zu "
                           "needs %zu", tr->t, mlclf_lgbm_tree_keys[key],
                           got, tr->leaves, want);
}


static int
mlclf_lgbm_tree_leaves(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr)
{
    size_t            i, j, tn;
    const char       *tok, *why;
    mlclf_lgbm_kv_t  *kv;

    kv = &tr->kv[LGBM_LEAF_VALUE];
    i = 0;

    for (j = 0; j < tr->leaves; j++) {
        tok = mlclf_lgbm_token(kv, &i, &tn);

        why = mlclf_lgbm_double(tok, tn, &tr->values[j]);
        if (why != NULL) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u leaf %zu: leaf_value %s %s",
                                   tr->t, j, mlclf_lgbm_q(r, tok, tn), why);
        }

        tr->nodes[tr->splits + j].feature = -1;
        tr->nodes[tr->splits + j].value = &tr->values[j];
    }

    return MLCLF_OK;
}


/*
 * internal_count and leaf_count, the rows that reached each node, are
 * the covers: what LightGBM's own pred_contrib (Tree::TreeSHAP, through
 * data_count()) weighs paths by; internal_weight and leaf_weight (the
 * hessian sums) are not.  A tree without them imports without covers;
 * a tree of one leaf, whose leaf_count LightGBM leaves empty, needs none
 * (its one leaf is its value wherever a row goes) and gets 0.
 */
static int
mlclf_lgbm_tree_covers(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr)
{
    int               rc, k;
    size_t            i, j, n, tn;
    double            v;
    const char       *tok, *why;
    mlclf_lgbm_kv_t  *kv;

    if (tr->splits == 0) {
        tr->nodes[0].cover = 0.0;
        tr->nodes[0].has_cover = 1;
        return MLCLF_OK;
    }

    if (tr->kv[LGBM_LEAF_COUNT].line == 0
        || tr->kv[LGBM_INTERNAL_COUNT].line == 0)
    {
        return MLCLF_OK;
    }

    for (k = LGBM_INTERNAL_COUNT; k <= LGBM_LEAF_COUNT; k++) {
        n = k == LGBM_LEAF_COUNT ? tr->leaves : tr->splits;

        rc = mlclf_lgbm_tree_count(r, tr, k, n);
        if (rc != MLCLF_OK) {
            return rc;
        }

        kv = &tr->kv[k];
        i = 0;

        for (j = 0; j < n; j++) {
            tok = mlclf_lgbm_token(kv, &i, &tn);

            why = mlclf_lgbm_double(tok, tn, &v);
            if (why == NULL && !(v >= 0.0)) {
                why = "is negative";
            }

            if (why != NULL) {
                return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                       "tree %u node %zu: %s %s %s", tr->t,
                                       j, mlclf_lgbm_tree_keys[k],
                                       mlclf_lgbm_q(r, tok, tn), why);
            }

            tr->nodes[k == LGBM_LEAF_COUNT ? tr->splits + j : j].cover = v;
            tr->nodes[k == LGBM_LEAF_COUNT ? tr->splits + j : j].has_cover = 1;
        }
    }

    return MLCLF_OK;
}


/* split_feature, threshold, then decision_type and the children. */
static int
mlclf_lgbm_tree_splits(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr)
{
    int                   rc;
    size_t                i, j, tn;
    double                th;
    long long             f;
    const char           *tok, *why;
    mlclf_lgbm_kv_t      *kv;
    mlclf_import_node_t  *s;

    kv = &tr->kv[LGBM_SPLIT_FEATURE];
    i = 0;

    for (j = 0; j < tr->splits; j++) {
        tok = mlclf_lgbm_token(kv, &i, &tn);

        why = mlclf_lgbm_int(tok, tn, 0, INT32_MAX, &f);
        if (why == NULL && f > (long long) r->max_feature) {
            why = "is past the last feature";
        }

        if (why != NULL) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u node %zu: split_feature %s "
                                   "%s (max_feature_idx=%u)", tr->t, j,
                                   mlclf_lgbm_q(r, tok, tn), why,
                                   r->max_feature);
        }

        tr->nodes[j].feature = (int32_t) f;
    }

    kv = &tr->kv[LGBM_THRESHOLD];
    i = 0;

    for (j = 0; j < tr->splits; j++) {
        tok = mlclf_lgbm_token(kv, &i, &tn);

        why = mlclf_lgbm_double(tok, tn, &th);
        if (why != NULL) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u node %zu: threshold %s %s",
                                   tr->t, j, mlclf_lgbm_q(r, tok, tn),
                                   why);
        }

        s = &tr->nodes[j];
        s->threshold = mlclf_lgbm_cut(th);
    }

    rc = mlclf_lgbm_tree_decisions(r, tr);

    if (rc == MLCLF_OK) {
        rc = mlclf_lgbm_tree_children(r, tr, LGBM_LEFT_CHILD);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_lgbm_tree_children(r, tr, LGBM_RIGHT_CHILD);
    }

    return rc;
}


/*
 * decision_type into the node's decision byte: x <= t in double, the
 * default direction, and the missing type: NaN -> MLCLF_MISSING_NAN,
 * Zero -> MLCLF_MISSING_ZERO (NaN and |x| <= kZeroThreshold), None ->
 * MLCLF_MISSING_AS_ZERO (NaN read as 0.0).  Without the line every
 * node is 0: numerical, default right, None (Tree(const char *)).
 */
static int
mlclf_lgbm_tree_decisions(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr)
{
    size_t            i, j, tn;
    uint8_t           d;
    long long         v;
    const char       *tok, *why;
    mlclf_lgbm_kv_t  *kv;

    kv = &tr->kv[LGBM_DECISION_TYPE];
    i = 0;

    for (j = 0; j < tr->splits; j++) {
        v = 0;
        tok = NULL;
        tn = 0;

        if (kv->line != 0) {
            tok = mlclf_lgbm_token(kv, &i, &tn);

            why = mlclf_lgbm_int(tok, tn, -128, 127, &v);
            if (why == NULL && (v & ~0x0f) != 0) {
                why = "has bits LightGBM does not define";
            }

            if (why == NULL && LGBM_MISSING(v) == 3) {
                why = "has missing type 3, which LightGBM does not define";
            }

            if (why != NULL) {
                return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                       "tree %u node %zu: decision_type "
                                       "%s %s", tr->t, j,
                                       mlclf_lgbm_q(r, tok, tn), why);
            }

            if (v & LGBM_CATEGORICAL) {
                return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                       "tree %u node %zu: a categorical "
                                       "split (decision_type=%lld): "
                                       "categorical splits are not "
                                       "supported", tr->t, j, v);
            }
        }

        d = MLCLF_CMP_LE;
        d |= (v & LGBM_DEFAULT_LEFT) ? MLCLF_DEFAULT_LEFT : 0;

        switch (LGBM_MISSING(v)) {

        case LGBM_MISSING_NAN:
            d |= MLCLF_MISSING_NAN;
            break;

        case LGBM_MISSING_ZERO:
            d |= MLCLF_MISSING_ZERO;
            break;

        default:
            d |= MLCLF_MISSING_AS_ZERO;
            break;
        }

        tr->nodes[j].decision = d;
    }

    return MLCLF_OK;
}


/*
 * left_child or right_child.  LightGBM numbers a split node after its
 * parent (Tree::Split gives the new node num_leaves - 1), so a child
 * split node is past its parent: one that is not points back up.  With
 * that, and every node reached at most once, the L - 1 splits' 2L - 2
 * children are exactly the other L - 2 splits and the L leaves: a tree.
 */
static int
mlclf_lgbm_tree_children(mlclf_lgbm_t *r, mlclf_lgbm_tree_t *tr, int key)
{
    size_t            i, j, tn, k;
    long long         c;
    const char       *tok, *why, *name;
    mlclf_lgbm_kv_t  *kv;

    kv = &tr->kv[key];
    name = mlclf_lgbm_tree_keys[key];
    i = 0;

    for (j = 0; j < tr->splits; j++) {
        tok = mlclf_lgbm_token(kv, &i, &tn);

        why = mlclf_lgbm_int(tok, tn, INT32_MIN, INT32_MAX, &c);
        if (why != NULL) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u node %zu: %s %s %s", tr->t, j,
                                   name, mlclf_lgbm_q(r, tok, tn), why);
        }

        if (c >= 0 && (size_t) c >= tr->splits) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u node %zu: %s %lld is outside "
                                   "the tree (split nodes 0..%zu)", tr->t,
                                   j, name, c, tr->splits - 1);
        }

        if (c >= 0 && (size_t) c <= j) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u node %zu: %s %lld points back "
                                   "up (a child comes after its parent)",
                                   tr->t, j, name, c);
        }

        if (c < 0 && (size_t) ~c >= tr->leaves) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u node %zu: %s %lld is leaf %lld, "
                                   "outside the tree (leaves 0..%zu)", tr->t,
                                   j, name, c, ~c, tr->leaves - 1);
        }

        k = c >= 0 ? (size_t) c : tr->splits + (size_t) ~c;

        if (tr->seen[k]) {
            return mlclf_lgbm_fail(r, kv->line, mlclf_lgbm_col(kv, tok),
                                   "tree %u node %zu: %s %lld is reached "
                                   "twice (a node with two parents)", tr->t,
                                   j, name, c);
        }

        tr->seen[k] = 1;

        if (key == LGBM_LEFT_CHILD) {
            tr->nodes[j].left = (int64_t) k;

        } else {
            tr->nodes[j].right = (int64_t) k;
        }
    }

    return MLCLF_OK;
}


/*
 * The routing threshold for LightGBM's threshold t.  Every LightGBM
 * prediction path reads a feature value with |x| <= kZeroThreshold
 * (1e-35f) as absent, that is 0.0: the rows of the C API
 * (src/c_api.cpp, RowFunctionFromDenseMatrix and the CSR readers:
 * "std::fabs(val) > kZeroThreshold || std::isnan(val)"), and the text
 * parser of the CLI (src/io/parser.hpp).  A node then sends x left when
 * x' <= t, x' being x or 0.0.  That is x <= t' for one t':
 *   t in [-eps, 0): every x in [-eps, eps] goes right (0 > t), every
 *     x < -eps left: t' is the double below -eps;
 *   t in [0, eps): every x in [-eps, eps] goes left, so t' = eps;
 *   otherwise t' = t.
 * For the Zero missing type the values in [-eps, eps] are missing
 * anyway, and the others route as before; for None, NaN read as 0.0
 * still goes where 0.0 did.  LightGBM's own bin edges include exactly
 * -kZeroThreshold and kZeroThreshold (src/io/bin.cpp), so this matters
 * for real models: x = -1e-35f at a threshold of -1e-35f goes right.
 */
static double
mlclf_lgbm_cut(double t)
{
    if (t >= -MLCLF_ZERO_EPS && t < 0.0) {
        return nextafter(-MLCLF_ZERO_EPS, -INFINITY);
    }

    if (t >= 0.0 && t < MLCLF_ZERO_EPS) {
        return MLCLF_ZERO_EPS;
    }

    return t;
}
