
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The model being imported: its tree builder, shared by every source
 * format, and the final check that turns it into an mlclf_spec_t.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf_file.h>

#include "mlclf_import.h"


static int mlclf_import_grow(void **p, size_t n, size_t elem);
static int mlclf_import_reserve(mlclf_import_t *im, uint32_t nodes,
    mlclf_err_t *err);
static int mlclf_import_node_check(mlclf_import_t *im,
    const mlclf_import_node_t *s, uint32_t t, size_t i, mlclf_err_t *err);
static int mlclf_import_leaf(mlclf_import_t *im, const mlclf_import_node_t *s,
    uint32_t t, size_t i, mlclf_err_t *err);
static double mlclf_import_cut(const mlclf_import_node_t *s);
static int mlclf_import_covers(mlclf_import_t *im,
    const mlclf_import_node_t *nodes, const uint32_t *queue, size_t tail,
    uint32_t t, mlclf_err_t *err);


void
mlclf_import_init(mlclf_import_t *im, const char *path,
    mlclf_import_format_e format)
{
    memset(im, 0, sizeof(*im));
    im->path = path;
    im->format = format;
}


void
mlclf_import_free(mlclf_import_t *im)
{
    uint32_t  i;

    if (im->feature_names != NULL) {
        for (i = 0; i < im->n_features; i++) {
            free(im->feature_names[i]);
        }
    }

    if (im->class_labels != NULL) {
        for (i = 0; i < im->n_classes; i++) {
            free(im->class_labels[i]);
        }
    }

    free(im->feature_names);
    free(im->class_labels);
    free(im->weights);
    free(im->bias);
    free(im->base);
    free(im->tree_offsets);
    free(im->tree_class);
    free(im->node_feature);
    free(im->node_threshold);
    free(im->node_left);
    free(im->node_right);
    free(im->node_decision);
    free(im->node_cover);
    free(im->leaf_values);
    memset(im, 0, sizeof(*im));
}


int
mlclf_import_fail(mlclf_err_t *err, int code, const mlclf_import_t *im,
    size_t line, size_t col, const char *fmt, ...)
{
    va_list  ap;
    char     msg[MLCLF_ERR_MSG_LEN];

    va_start(ap, fmt);

    if (line != 0) {
        (void) mlclf_file_error(err, code, im->path, line, col, fmt, ap);
        va_end(ap);
        return code;
    }

    (void) vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    return mlclf_err_set(err, code, "%s: %s", im->path, msg);
}


const char *
mlclf_import_format_name(mlclf_import_format_e format)
{
    switch (format) {

    case MLCLF_IMPORT_XGBOOST:
        return "xgboost";
    case MLCLF_IMPORT_LIGHTGBM:
        return "lightgbm";
    case MLCLF_IMPORT_SKLEARN:
        return "sklearn";
    default:
        return NULL;
    }
}


/* realloc() that keeps *p on failure. */
static int
mlclf_import_grow(void **p, size_t n, size_t elem)
{
    void  *q;

    q = realloc(*p, n * elem);
    if (q == NULL) {
        return MLCLF_ENOMEM;
    }

    *p = q;

    return MLCLF_OK;
}


/* Room for one more tree of nodes nodes, at most as many leaves. */
static int
mlclf_import_reserve(mlclf_import_t *im, uint32_t nodes, mlclf_err_t *err)
{
    int       rc;
    size_t    vals;
    uint32_t  cap;

    if (nodes > MLCLF_MAX_NODES - im->n_nodes) {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "more than %u tree nodes in all",
                                 MLCLF_MAX_NODES);
    }

    rc = MLCLF_OK;

    if (im->n_trees + 2 > im->cap_trees) {
        cap = im->cap_trees < 32 ? 64 : im->cap_trees * 2;
        rc |= mlclf_import_grow((void **) &im->tree_offsets, cap,
                                sizeof(uint32_t));
        rc |= mlclf_import_grow((void **) &im->tree_class, cap,
                                sizeof(uint32_t));
        if (rc == MLCLF_OK) {
            im->cap_trees = cap;
        }
    }

    if (rc == MLCLF_OK && im->n_nodes + nodes > im->cap_nodes) {
        cap = im->n_nodes + nodes;
        cap = cap < im->cap_nodes * 2 ? im->cap_nodes * 2 : cap;
        rc |= mlclf_import_grow((void **) &im->node_feature, cap,
                                sizeof(int32_t));
        rc |= mlclf_import_grow((void **) &im->node_threshold, cap,
                                sizeof(double));
        rc |= mlclf_import_grow((void **) &im->node_left, cap,
                                sizeof(uint32_t));
        rc |= mlclf_import_grow((void **) &im->node_right, cap,
                                sizeof(uint32_t));
        rc |= mlclf_import_grow((void **) &im->node_decision, cap,
                                sizeof(uint8_t));
        rc |= mlclf_import_grow((void **) &im->node_cover, cap,
                                sizeof(double));
        if (rc == MLCLF_OK) {
            im->cap_nodes = cap;
        }
    }

    vals = im->kind == MLCLF_KIND_FOREST ? im->n_classes : 1;

    if (rc == MLCLF_OK && im->n_leaves + nodes > im->cap_leaves) {
        cap = im->n_leaves + nodes;
        cap = cap < im->cap_leaves * 2 ? im->cap_leaves * 2 : cap;
        rc |= mlclf_import_grow((void **) &im->leaf_values, cap * vals,
                                sizeof(double));
        if (rc == MLCLF_OK) {
            im->cap_leaves = cap;
        }
    }

    if (rc != MLCLF_OK) {
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "%s: out of memory for %u tree nodes",
                             im->path, im->n_nodes + nodes);
    }

    return MLCLF_OK;
}


/* The routing threshold for the source's threshold and comparison. */
static double
mlclf_import_cut(const mlclf_import_node_t *s)
{
    switch (s->decision & MLCLF_CMP_MASK) {

    case MLCLF_CMP_F32_LT:
        return mlclf_cut_f32_lt(s->threshold);
    case MLCLF_CMP_F32_LE:
        return mlclf_cut_f32_le(s->threshold);
    default:
        return s->threshold;
    }
}


static int
mlclf_import_node_check(mlclf_import_t *im, const mlclf_import_node_t *s,
    uint32_t t, size_t i, mlclf_err_t *err)
{
    uint8_t  d;

    d = s->decision;

    if (s->feature < 0 || (uint32_t) s->feature >= im->n_features) {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "tree %u node %zu: feature %d, but the "
                                 "model has %u features", t, i,
                                 (int) s->feature, im->n_features);
    }

    if ((d & ~MLCLF_DECISION_BITS) != 0
        || (d & MLCLF_CMP_MASK) > MLCLF_CMP_F32_LE)
    {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "tree %u node %zu: unknown decision 0x%02x",
                                 t, i, d);
    }

    if (!isfinite(s->threshold)) {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "tree %u node %zu: threshold is %s", t, i,
                                 isnan(s->threshold) ? "NaN" : "infinite");
    }

    if ((d & MLCLF_CMP_MASK) == MLCLF_CMP_F32_LT
        && (double) (float) s->threshold != s->threshold)
    {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "tree %u node %zu: threshold %.17g is not "
                                 "a float32 value", t, i, s->threshold);
    }

    return MLCLF_OK;
}


static int
mlclf_import_leaf(mlclf_import_t *im, const mlclf_import_node_t *s,
    uint32_t t, size_t i, mlclf_err_t *err)
{
    double    v, sum, *row;
    uint32_t  c, vals;

    vals = im->kind == MLCLF_KIND_FOREST ? im->n_classes : 1;
    row = im->leaf_values + (size_t) im->n_leaves * vals;
    sum = 0.0;

    if (s->value == NULL) {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "tree %u node %zu: leaf without a value",
                                 t, i);
    }

    for (c = 0; c < vals; c++) {
        v = s->value[c];

        if (!isfinite(v)) {
            return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                     "tree %u node %zu: leaf value is %s",
                                     t, i, isnan(v) ? "NaN" : "infinite");
        }

        if (im->kind == MLCLF_KIND_FOREST && (v < 0.0 || v > 1.0)) {
            return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                     "tree %u node %zu: class %u share "
                                     "%.17g is not a probability", t, i,
                                     c, v);
        }

        if ((im->gbt_flags & MLCLF_GBT_FLOAT32)
            && (double) (float) v != v)
        {
            return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                     "tree %u node %zu: leaf value %.17g "
                                     "is not a float32 value", t, i, v);
        }

        row[c] = v;
        sum += v;
    }

    if (im->kind == MLCLF_KIND_FOREST
        && fabs(sum - 1.0) > MLCLF_LEAF_SUM_TOLERANCE)
    {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "tree %u node %zu: class shares sum to "
                                 "%.17g, not 1", t, i, sum);
    }

    return MLCLF_OK;
}


int
mlclf_import_add_tree(mlclf_import_t *im, const mlclf_import_node_t *nodes,
    size_t n, uint32_t out, mlclf_err_t *err)
{
    int                         rc, j;
    size_t                      head, tail, i;
    int64_t                     c[2];
    uint32_t                    t, first, k, leaves, *pos, *queue;
    const mlclf_import_node_t  *s;

    t = im->n_trees;

    if (t >= MLCLF_IMPORT_MAX_TREES) {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "more than %u trees",
                                 MLCLF_IMPORT_MAX_TREES);
    }

    if (n == 0 || n > MLCLF_IMPORT_MAX_TREE_NODES) {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "tree %u has %zu nodes, not 1..%u", t, n,
                                 MLCLF_IMPORT_MAX_TREE_NODES);
    }

    if (im->kind == MLCLF_KIND_GBT ? out >= im->n_outputs : out != 0) {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "tree %u adds to output %u, but the model "
                                 "has %u", t, out,
                                 im->kind == MLCLF_KIND_GBT
                                 ? im->n_outputs : 1);
    }

    rc = mlclf_import_reserve(im, (uint32_t) n, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* pos[i]: where source node i went (UINT32_MAX: not yet reached) */
    pos = malloc(n * sizeof(uint32_t));
    queue = malloc(n * sizeof(uint32_t));

    if (pos == NULL || queue == NULL) {
        free(pos);
        free(queue);
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "%s: out of memory for tree %u", im->path, t);
    }

    memset(pos, 0xff, n * sizeof(uint32_t));

    /*
     * Breadth first from the root: a node's children are queued when it
     * is placed, so they land after it and next to each other.
     */
    first = im->n_nodes;
    leaves = im->n_leaves;
    queue[0] = 0;
    pos[0] = first;
    tail = 1;
    rc = MLCLF_OK;

    for (head = 0; head < tail; head++) {
        i = queue[head];
        s = &nodes[i];
        k = first + (uint32_t) head;

        if (!s->has_cover) {
            im->cover_missing = 1;

        } else if (!isfinite(s->cover) || s->cover < 0.0) {
            rc = mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                   "tree %u node %zu: cover %g is not a "
                                   "finite number >= 0", t, i, s->cover);
            break;
        }

        im->node_cover[k] = s->has_cover ? s->cover : 0.0;

        if (s->feature == -1) {
            rc = mlclf_import_leaf(im, s, t, i, err);
            if (rc != MLCLF_OK) {
                break;
            }

            im->node_feature[k] = -1;
            im->node_threshold[k] = 0.0;
            im->node_left[k] = im->n_leaves++;
            im->node_right[k] = 0;
            im->node_decision[k] = 0;
            continue;
        }

        rc = mlclf_import_node_check(im, s, t, i, err);
        if (rc != MLCLF_OK) {
            break;
        }

        c[0] = s->left;
        c[1] = s->right;

        for (j = 0; j < 2; j++) {
            if (c[j] < 0 || (uint64_t) c[j] >= n) {
                rc = mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                       "tree %u node %zu: %s child %lld is "
                                       "outside the tree (%zu nodes)", t, i,
                                       j ? "right" : "left",
                                       (long long) c[j], n);
                break;
            }

            if (pos[c[j]] != UINT32_MAX) {
                rc = mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                       "tree %u node %zu: %s child %lld is "
                                       "reached twice (a cycle, or a node "
                                       "with two parents)", t, i,
                                       j ? "right" : "left",
                                       (long long) c[j]);
                break;
            }

            pos[c[j]] = first + (uint32_t) tail;
            queue[tail++] = (uint32_t) c[j];
        }

        if (rc != MLCLF_OK) {
            break;
        }

        im->node_feature[k] = s->feature;
        im->node_threshold[k] = mlclf_import_cut(s);
        im->node_left[k] = pos[s->left];
        im->node_right[k] = pos[s->right];
        im->node_decision[k] = s->decision;
    }

    rc = rc != MLCLF_OK ? rc : mlclf_import_covers(im, nodes, queue, tail,
                                                     t, err);
    free(pos);
    free(queue);

    if (rc != MLCLF_OK) {
        /* nothing of this tree stays: the leaves it added go too */
        im->n_leaves = leaves;
        return rc;
    }

    im->tree_offsets[t] = first;
    im->tree_class[t] = out;
    im->n_nodes = first + (uint32_t) tail;
    im->tree_offsets[t + 1] = im->n_nodes;
    im->n_trees = t + 1;

    return MLCLF_OK;
}


/*
 * The covers of a placed tree (queue: its source nodes, parents first)
 * by the model format's rule (mlclf_model_check_cover.c): an internal
 * node's cover is not 0 and is its children's sum, up to
 * MLCLF_COVER_TOLERANCE of the larger.  A file that breaks it is
 * damaged: it is refused here, naming the node, rather than by the
 * writer's verification.
 */
static int
mlclf_import_covers(mlclf_import_t *im, const mlclf_import_node_t *nodes,
    const uint32_t *queue, size_t tail, uint32_t t, mlclf_err_t *err)
{
    double                      c, sum;
    size_t                      h;
    const mlclf_import_node_t  *s, *l, *r;

    for (h = 0; h < tail; h++) {
        s = &nodes[queue[h]];

        if (s->feature == -1 || !s->has_cover) {
            continue;
        }

        l = &nodes[s->left];
        r = &nodes[s->right];

        if (!l->has_cover || !r->has_cover) {
            continue;
        }

        c = s->cover;
        sum = l->cover + r->cover;

        if (c == 0.0 || fabs(c - sum) > MLCLF_COVER_TOLERANCE
                                        * (c > sum ? c : sum))
        {
            return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                     "tree %u node %u: cover %.17g, but "
                                     "its children's covers sum to %.17g",
                                     t, queue[h], c, sum);
        }
    }

    return MLCLF_OK;
}


int
mlclf_import_spec(mlclf_import_t *im, mlclf_spec_t *spec, mlclf_err_t *err)
{
    uint32_t  i, refuse;

    memset(spec, 0, sizeof(*spec));

    if (im->feature_names == NULL || im->class_labels == NULL) {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "feature names or class labels not set");
    }

    spec->kind = im->kind;
    spec->n_features = im->n_features;
    spec->n_classes = im->n_classes;
    spec->feature_names = (const char *const *) im->feature_names;
    spec->class_labels = (const char *const *) im->class_labels;

    if (im->kind == MLCLF_KIND_LOGREG) {
        spec->n_outputs = im->n_outputs;
        spec->weights = im->weights;
        spec->bias = im->bias;
        return MLCLF_OK;
    }

    if (im->n_trees == 0) {
        return mlclf_import_fail(err, MLCLF_EINVAL, im, 0, 0,
                                 "the model has no trees");
    }

    /*
     * the decisions stay unless every node says only "x <= t in double,
     * no missing values", which is what a model without them means
     */
    refuse = 1;

    for (i = 0; i < im->n_nodes; i++) {
        if (im->node_feature[i] != -1
            && im->node_decision[i] != (MLCLF_CMP_LE | MLCLF_MISSING_REFUSE))
        {
            refuse = 0;
            break;
        }
    }

    spec->n_trees = im->n_trees;
    spec->n_nodes = im->n_nodes;
    spec->n_leaves = im->n_leaves;
    spec->tree_offsets = im->tree_offsets;
    spec->node_feature = im->node_feature;
    spec->node_threshold = im->node_threshold;
    spec->node_left = im->node_left;
    spec->node_right = im->node_right;
    spec->leaf_values = im->leaf_values;
    spec->node_decision = refuse ? NULL : im->node_decision;
    spec->node_cover = im->cover_missing ? NULL : im->node_cover;

    if (im->kind == MLCLF_KIND_GBT) {
        spec->n_outputs = im->n_outputs;
        spec->tree_class = im->tree_class;
        spec->base = im->base;
        spec->link = im->link;
        spec->gbt_flags = im->gbt_flags;
        spec->link_scale = im->link_scale;
        spec->divisor = im->divisor;
    }

    return MLCLF_OK;
}
