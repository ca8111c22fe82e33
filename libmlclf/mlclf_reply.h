
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: what the model reader and the V2 writer take from
 * mlclf_reply.c.
 */


#ifndef _MLCLF_REPLY_H_INCLUDED_
#define _MLCLF_REPLY_H_INCLUDED_


#include <stddef.h>

#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_text.h"


/* Where a model with inputs keeps a row's parts in the scratch. */
typedef struct {
    double                   *x;            /* trees: n_features, all 0 */
    const cJSON             **slot;         /* n_inputs */
    mlclf_text_term_t        *terms;        /* req->max_terms */
    void                     *text;         /* req->max_scratch bytes */
} mlclf_reply_inputs_t;

/*
 * The rows of a parsed request scored one after the other, in the
 * scratch of mlclf_reply_scratch_for(): mlclf_reply_write()'s loop,
 * shared with the V2 writer so that both give the same bits.
 */
typedef struct {
    const mlclf_model_t      *model;
    const mlclf_request_t    *req;
    double                   *x;
    double                   *proba;        /* out: the last row's */
    const double             *xrow;         /* out: its columns (no
                                               inputs) */
    const cJSON              *row;
    size_t                    i;            /* the next row */
    size_t                    n_terms;      /* out: the last row's, with
                                               inputs */
    mlclf_reply_inputs_t      inputs;
    mlclf_reply_inputs_t     *in;           /* NULL: no inputs */
} mlclf_reply_rows_t;

void mlclf_reply_rows_init(mlclf_reply_rows_t *it, const mlclf_model_t *m,
    const mlclf_request_t *req, double *scratch);

/*
 * Scores the next row (it->i < req->n_rows): its probabilities in
 * it->proba; returns its class, as mlclf_predict_proba() does.
 */
uint32_t mlclf_reply_rows_next(mlclf_reply_rows_t *it);


/*
 * Row i of class k, its confidence conf: rep's class_counts, classes
 * and confidences, those it has.
 */
void mlclf_reply_count(mlclf_reply_t *rep, size_t i, uint32_t k,
    double conf);


/* The bytes of s (NUL-terminated) escaped as a JSON string's contents. */
size_t mlclf_reply_escaped_len(const char *s);

/* Writes s escaped at p; returns the byte after it. */
char *mlclf_reply_escape(char *p, const char *s);


/*
 * The doubles of scratch mlclf_reply_rows_next() uses, from the start
 * of mlclf_reply_scratch_for()'s; explanations use what follows.
 */
size_t mlclf_reply_rows_scratch(const mlclf_model_t *m,
    const mlclf_request_t *req);

/*
 * mlclf_reply_explain.c, for a request with "explain" (a model that can
 * explain): the doubles of scratch one row needs, the bytes of its
 * "explanation" member at most, and the member itself, from
 * ",\"explanation\":" to its closing brace, for the row it scored
 * last, by input.  mlclf_reply_explain_row() only fills phi
 * (n_outputs x (n_inputs + 1), mlclf_explain_terms()) from the start
 * of scratch, for the V2 writer.
 */
size_t mlclf_reply_explain_scratch(const mlclf_model_t *m);
size_t mlclf_reply_explain_bound(const mlclf_model_t *m);
char *mlclf_reply_explain(char *p, const mlclf_reply_rows_t *it,
    double *scratch);
const double *mlclf_reply_explain_row(const mlclf_reply_rows_t *it,
    double *scratch);


#endif /* _MLCLF_REPLY_H_INCLUDED_ */
