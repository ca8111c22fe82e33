
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Shadow models: whether a second model can score the rows parsed for a
 * first one, and the scoring of those rows with the second model's own
 * imputation and featurization (docs/monitoring.md, "Shadow models").
 */


#ifndef _MLCLF_SHADOW_H_INCLUDED_
#define _MLCLF_SHADOW_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "mlclf.h"


/*
 * MLCLF_OK if the rows of a request parsed for m can be scored by s:
 * the same inputs (a model without INPUTS has its features as number
 * inputs), as many, with the same names and types, in the same order.
 * Otherwise MLCLF_EINVAL and err->msg says what differs, naming inputs
 * by s's words ("4 inputs, not 5"; "input 2 is \"b\", not \"a\"").
 * Classes may differ: agreement compares class labels.
 */
int mlclf_shadow_check(const mlclf_model_t *m, const mlclf_model_t *s,
    mlclf_err_t *err);


/*
 * The rows of a request parsed for another model (one that
 * mlclf_shadow_check() accepts), scored one after the other by the
 * shadow s.
 */
typedef struct {
    const mlclf_model_t      *model;        /* the shadow */
    const mlclf_request_t    *req;
    const void               *row;          /* the next cJSON row */
    size_t                    i;            /* the next row */
    double                   *x;            /* n_features */
    double                   *proba;        /* out: n_classes, the row's */
    const void              **slot;         /* n_inputs */
    void                     *terms;        /* mlclf_text_term_t */
    size_t                    max_terms;    /* in terms */
    void                     *text;         /* text scratch, bytes */
    mlclf_reason_e            reason;       /* out: a skipped row's */
} mlclf_shadow_t;

/*
 * Starts sh over the parsed request req for the shadow s and returns
 * the scratch doubles (8-aligned) that mlclf_shadow_init() then takes:
 * the rows' texts are measured with s's own featurizer, so a request
 * with texts is walked once more.
 */
size_t mlclf_shadow_scratch(mlclf_shadow_t *sh, const mlclf_model_t *s,
    const mlclf_request_t *req);

void mlclf_shadow_init(mlclf_shadow_t *sh, double *scratch);

/*
 * Scores the next row (sh->i < req->n_rows) as s would score it from
 * the same raw values: MLCLF_OK, its class in *k, its probabilities in
 * sh->proba, the same bits as s's own reply to the row.  MLCLF_EREQUEST
 * when s would have refused the row, which the request's own model
 * took: sh->reason is MLCLF_REASON_MISSING_VALUE (a null or absent
 * value s has no rule for) or MLCLF_REASON_UNKNOWN_CATEGORY.  Allocates
 * nothing.
 */
int mlclf_shadow_next(mlclf_shadow_t *sh, uint32_t *k);


#endif /* _MLCLF_SHADOW_H_INCLUDED_ */
