
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Verifies a model's parameters: finite numbers, leaf rows that are
 * distributions, and trees whose children follow their parents, each
 * node but a root with exactly one.
 */


#include <math.h>
#include <stdlib.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"


static int mlclf_model_check_finite(const double *v, size_t n,
    const mlclf_sections_t *s, uint32_t type, mlclf_err_t *err);
static int mlclf_model_check_parents(const mlclf_model_t *m,
    const mlclf_sections_t *s, mlclf_err_t *err);


/* Every parameter a kind has is a finite number. */
int
mlclf_model_check_params(const mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    int  rc;

    if (m->impute != NULL) {
        rc = mlclf_model_check_finite(m->impute, m->n_features, s,
                                      MLCLF_SECTION_IMPUTE, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (m->kind == MLCLF_KIND_LOGREG) {
        rc = mlclf_model_check_finite(m->weights,
                                      (size_t) m->n_outputs * m->n_features,
                                      s, MLCLF_SECTION_LINEAR_WEIGHTS, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

        return mlclf_model_check_finite(m->bias, m->n_outputs, s,
                                        MLCLF_SECTION_LINEAR_BIAS, err);
    }

    rc = mlclf_model_check_finite(m->node_threshold, m->n_nodes, s,
                                  MLCLF_SECTION_NODE_THRESHOLD, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (m->kind == MLCLF_KIND_GBT) {
        rc = mlclf_model_check_finite(m->gbt_base, m->n_outputs, s,
                                      MLCLF_SECTION_GBT_BASE, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    return mlclf_model_check_finite(m->leaf_values,
                                    (size_t) m->n_leaves
                                    * (m->kind == MLCLF_KIND_GBT
                                       ? 1 : m->n_classes),
                                    s, MLCLF_SECTION_LEAF_VALUES, err);
}


static int
mlclf_model_check_finite(const double *v, size_t n, const mlclf_sections_t *s,
    uint32_t type, mlclf_err_t *err)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            return mlclf_err_set(err, MLCLF_ENONFINITE,
                                 "section %u (%s): element %zu is %s",
                                 s->index[type], mlclf_model_section_name(type),
                                 i, isnan(v[i]) ? "NaN" : "infinite");
        }
    }

    return MLCLF_OK;
}


/*
 * A forest's probabilities are means of leaf rows, so each row must be a
 * class distribution: values in [0, 1] summing to 1 (within rounding of
 * the trainer's normalisation), or confidences could leave [0, 1].
 */
int
mlclf_model_check_leaves(const mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    double        v, sum;
    uint32_t      i, c;
    const double  *row;

    for (i = 0; i < m->n_leaves; i++) {
        row = m->leaf_values + (size_t) i * m->n_classes;
        sum = 0.0;

        for (c = 0; c < m->n_classes; c++) {
            v = row[c];

            if (v < 0.0 || v > 1.0) {
                return mlclf_err_set(err, MLCLF_ELEAF,
                                     "section %u (%s): leaf %u class %u: "
                                     "%.17g is not a probability",
                                     s->index[MLCLF_SECTION_LEAF_VALUES],
                                     "LEAF_VALUES", i, c, v);
            }

            sum += v;
        }

        if (fabs(sum - 1.0) > MLCLF_LEAF_SUM_TOLERANCE) {
            return mlclf_err_set(err, MLCLF_ELEAF,
                                 "section %u (%s): leaf %u sums to %.17g, "
                                 "not 1", s->index[MLCLF_SECTION_LEAF_VALUES],
                                 "LEAF_VALUES", i, sum);
        }
    }

    return MLCLF_OK;
}


int
mlclf_model_check_trees(mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    int32_t          f;
    uint32_t         t, i, lo, hi, l, r;
    const uint32_t  *off;

    off = m->tree_offsets;

    if (m->n_nodes > MLCLF_MAX_NODES) {
        return mlclf_err_set(err, MLCLF_ETREE,
                             "section %u (NODE_FEATURE): %u nodes, more "
                             "than %u", s->index[MLCLF_SECTION_NODE_FEATURE],
                             m->n_nodes, MLCLF_MAX_NODES);
    }

    if (off[0] != 0) {
        return mlclf_err_set(err, MLCLF_ETREE,
                             "section %u (TREE_OFFSETS): tree 0 starts at "
                             "node %u, not 0",
                             s->index[MLCLF_SECTION_TREE_OFFSETS], off[0]);
    }

    for (t = 0; t < m->n_trees; t++) {
        if (off[t + 1] <= off[t] || off[t + 1] > m->n_nodes) {
            return mlclf_err_set(err, MLCLF_ETREE,
                                 "section %u (TREE_OFFSETS): tree %u ends "
                                 "at node %u, outside %u..%u",
                                 s->index[MLCLF_SECTION_TREE_OFFSETS], t,
                                 off[t + 1], off[t] + 1, m->n_nodes);
        }
    }

    if (off[m->n_trees] != m->n_nodes) {
        return mlclf_err_set(err, MLCLF_ETREE,
                             "section %u (TREE_OFFSETS): trees end at node "
                             "%u, but there are %u nodes",
                             s->index[MLCLF_SECTION_TREE_OFFSETS],
                             off[m->n_trees], m->n_nodes);
    }

    for (t = 0; t < m->n_trees; t++) {
        lo = off[t];
        hi = off[t + 1];

        for (i = lo; i < hi; i++) {
            f = m->node_feature[i];
            l = m->node_left[i];
            r = m->node_right[i];

            if (f == -1) {
                if (l >= m->n_leaves) {
                    return mlclf_err_set(err, MLCLF_ETREE,
                                         "section %u (NODE_LEFT) tree %u "
                                         "node %u: leaf row %u, but there "
                                         "are %u leaves",
                                         s->index[MLCLF_SECTION_NODE_LEFT],
                                         t, i, l, m->n_leaves);
                }

                if (r != 0) {
                    return mlclf_err_set(err, MLCLF_ETREE,
                                         "section %u (NODE_RIGHT) tree %u "
                                         "node %u: leaf has right child %u",
                                         s->index[MLCLF_SECTION_NODE_RIGHT],
                                         t, i, r);
                }

                continue;
            }

            if (f < 0 || (uint32_t) f >= m->n_features) {
                return mlclf_err_set(err, MLCLF_EFEATURE,
                                     "section %u (NODE_FEATURE) tree %u "
                                     "node %u: feature %d, but there are "
                                     "%u features",
                                     s->index[MLCLF_SECTION_NODE_FEATURE],
                                     t, i, (int) f, m->n_features);
            }

            if (l <= i || r <= i) {
                return mlclf_err_set(err, MLCLF_ETREECYCLE,
                                     "section %u (%s) tree %u node %u: "
                                     "child %u does not follow its parent",
                                     s->index[l <= i
                                              ? MLCLF_SECTION_NODE_LEFT
                                              : MLCLF_SECTION_NODE_RIGHT],
                                     l <= i ? "NODE_LEFT" : "NODE_RIGHT",
                                     t, i, l <= i ? l : r);
            }

            if (l >= hi || r >= hi) {
                return mlclf_err_set(err, MLCLF_ETREE,
                                     "section %u (%s) tree %u node %u: "
                                     "child %u is outside the tree (nodes "
                                     "%u..%u)",
                                     s->index[l >= hi
                                              ? MLCLF_SECTION_NODE_LEFT
                                              : MLCLF_SECTION_NODE_RIGHT],
                                     l >= hi ? "NODE_LEFT" : "NODE_RIGHT",
                                     t, i, l >= hi ? l : r, lo, hi - 1);
            }
        }
    }

    return mlclf_model_check_parents(m, s, err);
}


/*
 * Each tree is a tree: every node but its root has exactly one parent.
 * A node shared by two parents, or one no walk reaches, is refused,
 * so that the kernels' layout (mlclf_model_pack.c) holds every node of
 * a tree once, in the tree's own range.
 */
static int
mlclf_model_check_parents(const mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    int        rc;
    uint8_t   *parents;
    uint32_t   t, i, c, k;

    parents = calloc(m->n_nodes, 1);
    if (parents == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "cannot allocate %u parent counts", m->n_nodes);
    }

    rc = MLCLF_OK;

    for (i = 0; i < m->n_nodes && rc == MLCLF_OK; i++) {
        for (k = 0; k < 2 && m->node_feature[i] != -1; k++) {
            c = k ? m->node_right[i] : m->node_left[i];

            if (parents[c]++ != 0) {
                rc = mlclf_err_set(err, MLCLF_ETREE,
                                   "section %u (%s) node %u: child %u has "
                                   "another parent",
                                   s->index[k ? MLCLF_SECTION_NODE_RIGHT
                                              : MLCLF_SECTION_NODE_LEFT],
                                   k ? "NODE_RIGHT" : "NODE_LEFT", i, c);
                break;
            }
        }
    }

    for (t = 0; t < m->n_trees && rc == MLCLF_OK; t++) {
        for (i = m->tree_offsets[t] + 1; i < m->tree_offsets[t + 1]; i++) {
            if (parents[i] == 0) {
                rc = mlclf_err_set(err, MLCLF_ETREE,
                                   "section %u (NODE_LEFT) tree %u: node %u "
                                   "is not reached from the root",
                                   s->index[MLCLF_SECTION_NODE_LEFT], t, i);
                break;
            }
        }
    }

    free(parents);

    return rc;
}
