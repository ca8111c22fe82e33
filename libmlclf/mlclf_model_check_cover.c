
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Verifies what format version 4 added (mlclf_format.h): a logreg's
 * column means and a tree model's node covers, the numbers
 * explanations (mlclf_explain.c) are made of.
 */


#include <math.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"


/*
 * Each cover finite and >= 0, an internal node's > 0 (TreeSHAP divides
 * by it), and equal to its children's sum within MLCLF_COVER_TOLERANCE
 * of the larger of the two: the weight that reaches a node is the
 * weight that leaves it, in every source we read, up to float32.
 */
int
mlclf_model_check_cover(const mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    double        c, sum;
    uint32_t      i, idx;
    const double *cover;

    if (m->kind == MLCLF_KIND_LOGREG) {
        if (m->linear_mean == NULL) {
            return MLCLF_OK;
        }

        for (i = 0; i < m->n_features; i++) {
            if (!isfinite(m->linear_mean[i])) {
                return mlclf_err_set(err, MLCLF_ENONFINITE,
                                     "section %u (LINEAR_MEAN): element %u "
                                     "is %s",
                                     s->index[MLCLF_SECTION_LINEAR_MEAN], i,
                                     isnan(m->linear_mean[i])
                                     ? "NaN" : "infinite");
            }
        }

        return MLCLF_OK;
    }

    cover = m->node_cover;

    if (cover == NULL) {
        return MLCLF_OK;
    }

    idx = s->index[MLCLF_SECTION_NODE_COVER];

    for (i = 0; i < m->n_nodes; i++) {
        c = cover[i];

        if (!isfinite(c) || c < 0.0) {
            return mlclf_err_set(err, MLCLF_ECOVER,
                                 "section %u (NODE_COVER) node %u: cover "
                                 "%.17g is not a finite number >= 0",
                                 idx, i, c);
        }
    }

    for (i = 0; i < m->n_nodes; i++) {
        if (m->node_feature[i] == -1) {
            continue;
        }

        c = cover[i];
        sum = cover[m->node_left[i]] + cover[m->node_right[i]];

        if (c == 0.0) {
            return mlclf_err_set(err, MLCLF_ECOVER,
                                 "section %u (NODE_COVER) node %u: an "
                                 "internal node with cover 0", idx, i);
        }

        if (fabs(c - sum) > MLCLF_COVER_TOLERANCE * (c > sum ? c : sum)) {
            return mlclf_err_set(err, MLCLF_ECOVER,
                                 "section %u (NODE_COVER) node %u: cover "
                                 "%.17g, but its children's sum to %.17g",
                                 idx, i, c, sum);
        }
    }

    return MLCLF_OK;
}
