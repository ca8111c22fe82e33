
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Verifies what format version 2 added (mlclf_format.h): the node
 * decisions of tree models, and the outputs, base scores and link of
 * gbt models.
 */


#include <math.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"


static int mlclf_model_check_decision(mlclf_model_t *m,
    const mlclf_sections_t *s, uint32_t i, uint32_t *refuse, mlclf_err_t *err);
static int mlclf_model_check_float32(const double *v, size_t n,
    const mlclf_sections_t *s, uint32_t type, mlclf_err_t *err);


/* One internal node's decision byte; counts the nodes that refuse. */
static int
mlclf_model_check_decision(mlclf_model_t *m, const mlclf_sections_t *s,
    uint32_t i, uint32_t *refuse, mlclf_err_t *err)
{
    uint8_t   d;
    uint32_t  idx;

    d = m->node_decision[i];
    idx = s->index[MLCLF_SECTION_NODE_DECISION];

    if ((d & ~MLCLF_DECISION_BITS) != 0
        || (d & MLCLF_CMP_MASK) > MLCLF_CMP_F32_LE)
    {
        return mlclf_err_set(err, MLCLF_EDECISION,
                             "section %u (NODE_DECISION) node %u: unknown "
                             "decision 0x%02x", idx, i, d);
    }

    if ((d & MLCLF_CMP_MASK) != MLCLF_CMP_LE
        && !mlclf_cut_is_f32_edge(m->node_threshold[i]))
    {
        return mlclf_err_set(err, MLCLF_EDECISION,
                             "section %u (NODE_DECISION) node %u: a float32 "
                             "comparison, but threshold %.17g is not the "
                             "edge of a float32", idx, i,
                             m->node_threshold[i]);
    }

    switch (d & MLCLF_MISSING_MASK) {

    case MLCLF_MISSING_REFUSE:
        (*refuse)++;
        break;

    case MLCLF_MISSING_ZERO:
        m->missing_zero = 1;
        break;

    default:
        break;
    }

    return MLCLF_OK;
}


int
mlclf_model_check_decisions(mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    int       rc;
    uint32_t  i, internal, refuse;

    if (m->node_decision == NULL) {
        return MLCLF_OK;
    }

    internal = 0;
    refuse = 0;

    for (i = 0; i < m->n_nodes; i++) {
        if (m->node_feature[i] == -1) {
            if (m->node_decision[i] != 0) {
                return mlclf_err_set(err, MLCLF_EDECISION,
                                     "section %u (NODE_DECISION) node %u: "
                                     "a leaf with decision 0x%02x, not 0",
                                     s->index[MLCLF_SECTION_NODE_DECISION],
                                     i, m->node_decision[i]);
            }

            continue;
        }

        internal++;

        rc = mlclf_model_check_decision(m, s, i, &refuse, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (refuse != 0 && refuse != internal) {
        return mlclf_err_set(err, MLCLF_EDECISION,
                             "section %u (NODE_DECISION): %u of %u nodes "
                             "refuse missing values: all or none may",
                             s->index[MLCLF_SECTION_NODE_DECISION], refuse,
                             internal);
    }

    m->routes_missing = internal != 0 && refuse == 0;

    if (m->routes_missing && m->impute != NULL) {
        return mlclf_err_set(err, MLCLF_ESECTION,
                             "section %u (IMPUTE) in a model whose trees "
                             "route missing values themselves",
                             s->index[MLCLF_SECTION_IMPUTE]);
    }

    return MLCLF_OK;
}


/* With MLCLF_GBT_FLOAT32 every score must be a float32 value. */
static int
mlclf_model_check_float32(const double *v, size_t n,
    const mlclf_sections_t *s, uint32_t type, mlclf_err_t *err)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if ((double) (float) v[i] != v[i]) {
            return mlclf_err_set(err, MLCLF_ELINK,
                                 "section %u (%s): element %zu, %.17g, is "
                                 "not a float32 value, but the scores are "
                                 "summed in float32", s->index[type],
                                 mlclf_model_section_name(type), i, v[i]);
        }
    }

    return MLCLF_OK;
}


int
mlclf_model_check_gbt(const mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    int       rc;
    uint32_t  t, idx;

    idx = s->index[MLCLF_SECTION_TREE_CLASS];

    for (t = 0; t < m->n_trees; t++) {
        if (m->tree_class[t] >= m->n_outputs) {
            return mlclf_err_set(err, MLCLF_EOUTPUT,
                                 "section %u (TREE_CLASS) tree %u: output "
                                 "%u, but there are %u", idx, t,
                                 m->tree_class[t], m->n_outputs);
        }
    }

    idx = s->index[MLCLF_SECTION_GBT_LINK];

    if (m->link != MLCLF_LINK_SIGMOID && m->link != MLCLF_LINK_SOFTMAX) {
        return mlclf_err_set(err, MLCLF_ELINK,
                             "section %u (GBT_LINK): unknown link %u", idx,
                             m->link);
    }

    if (m->link == MLCLF_LINK_SOFTMAX && m->n_outputs != m->n_classes) {
        return mlclf_err_set(err, MLCLF_ELINK,
                             "section %u (GBT_LINK): softmax over %u "
                             "outputs for %u classes", idx, m->n_outputs,
                             m->n_classes);
    }

    if ((m->gbt_flags & ~(uint32_t) MLCLF_GBT_FLOAT32) != 0) {
        return mlclf_err_set(err, MLCLF_ELINK,
                             "section %u (GBT_LINK): unknown flags 0x%08x",
                             idx, m->gbt_flags);
    }

    if (!(isfinite(m->link_scale) && m->link_scale > 0.0
          && isfinite(m->divisor) && m->divisor >= 1.0))
    {
        return mlclf_err_set(err, MLCLF_ELINK,
                             "section %u (GBT_SCALE): scale %.17g and "
                             "divisor %.17g, expected a finite scale > 0 "
                             "and a finite divisor >= 1",
                             s->index[MLCLF_SECTION_GBT_SCALE],
                             m->link_scale, m->divisor);
    }

    if (!(m->gbt_flags & MLCLF_GBT_FLOAT32)) {
        return MLCLF_OK;
    }

    rc = mlclf_model_check_float32(m->gbt_base, m->n_outputs, s,
                                   MLCLF_SECTION_GBT_BASE, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_model_check_float32(m->leaf_values, m->n_leaves, s,
                                     MLCLF_SECTION_LEAF_VALUES, err);
}
