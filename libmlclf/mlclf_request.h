
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: what mlclf_reply.c takes from mlclf_request.c,
 * and the fast path that mlclf_request_parse() tries first.
 */


#ifndef _MLCLF_REQUEST_H_INCLUDED_
#define _MLCLF_REQUEST_H_INCLUDED_


#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_json.h"
#include "mlclf_text.h"


/* Feature names quoted in messages are cut to this many bytes. */
#define MLCLF_REQUEST_NAME_MAX    64

#define mlclf_request_type(item)  ((item)->type & 0xff)


/*
 * The parser's state over one request.  n_features counts the inputs a
 * row names (the features of a model without INPUTS); for a model with
 * them, the row being checked adds up row_terms and the largest text's
 * scratch, and each row end keeps the most in req.
 */
typedef struct {
    const mlclf_model_t      *model;
    const double             *impute;
    unsigned                  missing_ok:1;     /* impute or routed */
    unsigned                  inputs:1;         /* the model has INPUTS */
    uint32_t                  n_features;
    mlclf_request_t          *req;
    mlclf_err_t              *err;
    uint64_t                 *seen;         /* wide models, or NULL */
    size_t                    row;          /* named in batch messages */
    unsigned                  batch:1;
    size_t                    max_rows;
    size_t                    max_depth;
    size_t                    max_text;
    size_t                    max_explain_rows;
    size_t                    row_terms;
} mlclf_request_ctx_t;


/*
 * Starts a parse of req against m: req emptied, the limits (defaults
 * for 0 or a NULL limits) in ctx.
 */
void mlclf_request_ctx_init(mlclf_request_ctx_t *ctx, mlclf_request_t *req,
    const mlclf_model_t *m, const mlclf_limits_t *limits, mlclf_err_t *err);

/*
 * The body (len bytes) as a cJSON tree in *root, after the strict scan
 * (JSON grammar, nesting under ctx->max_depth): nothing but whitespace
 * may follow the value.  The scan's tokens build the tree; cJSON_Parse()
 * reads the body only when they could not (mlclf_json_tree_t).  *root
 * is the caller's to delete; NULL on error.
 */
int mlclf_request_json(mlclf_request_ctx_t *ctx, const char *body,
    size_t len, cJSON **root);

/*
 * Checks the row of "features" or the rows of "instances" (one of them
 * NULL) and points req at them: the shapes of DESIGN.md §5, ctx->max_rows.
 */
int mlclf_request_check_rows(mlclf_request_ctx_t *ctx, const cJSON *features,
    const cJSON *instances);

/*
 * "explain": true, once the rows are counted: 400 cannot_explain for a
 * model without what explanations need, 413 too_many_rows for more
 * rows than max_explain_rows.  Shared by /predict and V2.
 */
int mlclf_request_check_explain(mlclf_request_ctx_t *ctx);

/*
 * Refuses the request: req->reason and status, err->msg the sentence
 * (prefixed with the row in a batch); returns MLCLF_EREQUEST.
 */
int mlclf_request_reject(mlclf_request_ctx_t *ctx, mlclf_reason_e reason,
    int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/*
 * A client's string made safe to quote in a message: printable ASCII
 * only, at most MLCLF_REQUEST_NAME_MAX bytes (buf has 8 more).
 */
const char *mlclf_request_name(char *buf, const char *name);


/* mlclf_request_input.c: rows of a model with INPUTS */

/*
 * How messages name an input: 'feature "name"' for a member of an
 * object row (or an input left out of one), "feature 3" for an array
 * row's.  Written only when a message needs it: a row that passes
 * formats nothing.
 */
typedef struct {
    const char               *name;         /* NULL: by position */
    uint32_t                  pos;
    char                      text[MLCLF_REQUEST_NAME_MAX + 32];
} mlclf_request_label_t;

/* the label's text, formatted on the first call */
const char *mlclf_request_label(mlclf_request_label_t *label);

/*
 * Checks the value v of input idx (named by label in messages) and adds
 * its terms to the row's.
 */
int mlclf_request_input_value(mlclf_request_ctx_t *ctx, uint32_t idx,
    const cJSON *v, mlclf_request_label_t *label);

/* Inputs an object row left out, by their missing rules; seen by idx. */
int mlclf_request_input_absent(mlclf_request_ctx_t *ctx,
    const uint64_t *seen);

/* Ends a row's check: the request's bounds grow to cover it. */
void mlclf_request_input_row_end(mlclf_request_ctx_t *ctx);

/*
 * The terms of one validated row, sorted by column.  slot has room for
 * n_inputs pointers, scratch for req->max_scratch bytes, terms for
 * req->max_terms terms.  Returns the number of terms.
 */
size_t mlclf_request_input_terms(const cJSON *row, const mlclf_model_t *m,
    const cJSON **slot, void *scratch, mlclf_text_term_t *terms);


/*
 * x[n_features] from one validated row of the cJSON tree (an array, or
 * an object whose members carry their feature index in valueint), the
 * model's impute values (NaN for a model that routes missing values
 * itself) standing in for nulls and absent features.
 */
void mlclf_request_fill(const cJSON *row, const mlclf_model_t *m,
    double *x);



/*
 * {"features": [numbers]} or {"instances": [[numbers], ...]} of nf
 * numbers a row, with an optional "probabilities": true|false, read into
 * req (rows dense).  MLCLF_EREQUEST: not this shape; nothing allocated,
 * req untouched but for local[]; the full path then reads the body.
 */
int mlclf_request_fast(mlclf_request_t *req, uint32_t nf, const char *body,
    size_t len, size_t max_rows, size_t max_depth);

/* the rows of the fast paths (this one and the V2 body's) */
typedef struct {
    double                   *v;            /* req->local or malloc()ed */
    size_t                    cap;          /* doubles in v */
    size_t                    n;            /* rows in v */
} mlclf_request_dense_t;

/*
 * The fast path's reader of [[n1, ..., n_nf], ...] (at most max_rows
 * rows of nf finite numbers, each as cJSON would read it), appended to
 * d, growing d->v as it fills; MLCLF_EREQUEST for anything else.
 */
int mlclf_request_fast_rows(mlclf_json_lex_t *lex,
    mlclf_request_t *req, mlclf_request_dense_t *d, uint32_t nf,
    size_t max_rows);


/*
 * mlclf_drift.c: marks value k (r * n_features + c) of a dense request
 * as one the parser imputed, allocating req->missing (n bits, all the
 * request's values) the first time.  MLCLF_OK, or MLCLF_ENOMEM with err
 * set.
 */
int mlclf_request_set_missing(mlclf_request_t *req, size_t k, size_t n,
    mlclf_err_t *err);


#endif /* _MLCLF_REQUEST_H_INCLUDED_ */
