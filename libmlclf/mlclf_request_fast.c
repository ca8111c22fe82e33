
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The fast path of /predict requests: rows of numbers read straight
 * from the tokens of mlclf_json.c into doubles, no tree built.  Anything
 * else is left to the full path of mlclf_request.c, which reads the same
 * tokens.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_json.h"
#include "mlclf_request.h"


static int mlclf_request_fast_row(mlclf_json_lex_t *lex, uint32_t nf,
    double *x);


/*
 * The fast path of mlclf_request_parse(): {"features": [numbers]} and
 * {"instances": [[numbers], ...]}, with an optional "probabilities":
 * true|false, nothing else; member names with an escape are left to the
 * full path.  Returns MLCLF_OK with the rows in req->rows (dense), or
 * MLCLF_EREQUEST for "not this shape", with nothing allocated and req
 * untouched but for local[].
 */

int
mlclf_request_fast(mlclf_request_t *req, uint32_t nf, const char *body,
    size_t len, size_t max_rows, size_t max_depth)
{
    size_t                  klen;
    unsigned                seen_f, seen_i, seen_p, probs;
    mlclf_json_lex_t        lex;
    mlclf_json_token_e      t;
    const unsigned char    *k;
    mlclf_request_dense_t   d;

    if (nf == 0 || body == NULL || max_depth < 2) {
        return MLCLF_EREQUEST;
    }

    mlclf_json_lex_init(&lex, body, len, 1);

    d.v = req->local;
    d.cap = MLCLF_REQUEST_LOCAL;
    d.n = 0;
    seen_f = 0;
    seen_i = 0;
    seen_p = 0;
    probs = 0;

    if (mlclf_json_next(&lex) != MLCLF_JSON_OPEN || lex.tok[0] != '{') {
        goto fail;
    }

    for ( ;; ) {
        if (mlclf_json_next(&lex) != MLCLF_JSON_STRING || lex.escaped) {
            goto fail;
        }

        k = lex.tok;
        klen = lex.len;

        if (mlclf_json_next(&lex) != MLCLF_JSON_COLON) {
            goto fail;
        }

        if (klen == 8 && memcmp(k, "features", 8) == 0
            && !seen_f && !seen_i)
        {
            seen_f = 1;

            if (nf > d.cap) {
                d.v = malloc(nf * sizeof(double));
                if (d.v == NULL) {
                    d.v = req->local;
                    goto fail;
                }

                d.cap = nf;
            }

            if (mlclf_request_fast_row(&lex, nf, d.v) != MLCLF_OK) {
                goto fail;
            }

            d.n = 1;

        } else if (klen == 9 && memcmp(k, "instances", 9) == 0
                   && !seen_f && !seen_i && max_depth >= 3)
        {
            seen_i = 1;

            if (mlclf_request_fast_rows(&lex, req, &d, nf, max_rows)
                != MLCLF_OK)
            {
                goto fail;
            }

        } else if (klen == 13 && memcmp(k, "probabilities", 13) == 0
                   && !seen_p)
        {
            seen_p = 1;

            if (mlclf_json_next(&lex) != MLCLF_JSON_WORD) {
                goto fail;
            }

            if (lex.len == 4 && memcmp(lex.tok, "true", 4) == 0) {
                probs = 1;

            } else if (lex.len != 5 || memcmp(lex.tok, "false", 5) != 0) {
                goto fail;
            }

        } else {
            goto fail;
        }

        t = mlclf_json_next(&lex);

        if (t == MLCLF_JSON_COMMA) {
            continue;
        }

        if (t != MLCLF_JSON_CLOSE || lex.tok[0] != '}') {
            goto fail;
        }

        break;
    }

    if (mlclf_json_next(&lex) != MLCLF_JSON_END || d.n == 0) {
        goto fail;
    }

    req->root = d.v;
    req->rows = d.v;
    req->n_rows = d.n;
    req->batch = seen_i;
    req->probabilities = probs;
    req->dense = 1;

    return MLCLF_OK;

fail:

    if (d.v != req->local) {
        free(d.v);
    }

    return MLCLF_EREQUEST;
}


/* [[n1, ..., n_nf], ...] appended to d, growing d->v as it fills. */

int
mlclf_request_fast_rows(mlclf_json_lex_t *lex, mlclf_request_t *req,
    mlclf_request_dense_t *d, uint32_t nf, size_t max_rows)
{
    size_t               cap;
    double              *nv;
    mlclf_json_token_e   t;

    if (mlclf_json_next(lex) != MLCLF_JSON_OPEN || lex->tok[0] != '[') {
        return MLCLF_EREQUEST;
    }

    for ( ;; ) {
        if (d->n == max_rows) {
            return MLCLF_EREQUEST;
        }

        if ((d->n + 1) * nf > d->cap) {
            cap = (d->cap * 2 > (d->n + 1) * nf) ? d->cap * 2
                                                 : (d->n + 1) * nf * 2;
            nv = malloc(cap * sizeof(double));
            if (nv == NULL) {
                return MLCLF_EREQUEST;
            }

            memcpy(nv, d->v, d->n * nf * sizeof(double));

            if (d->v != req->local) {
                free(d->v);
            }

            d->v = nv;
            d->cap = cap;
        }

        if (mlclf_request_fast_row(lex, nf, d->v + d->n * nf) != MLCLF_OK) {
            return MLCLF_EREQUEST;
        }

        d->n++;

        t = mlclf_json_next(lex);

        if (t == MLCLF_JSON_COMMA) {
            continue;
        }

        if (t != MLCLF_JSON_CLOSE || lex->tok[0] != ']') {
            return MLCLF_EREQUEST;
        }

        return MLCLF_OK;
    }
}


/*
 * [n1, ..., n_nf] into x.  Numbers are the tokenizer's, read as strtod()
 * reads them, so as cJSON does; a number that is not finite, or too long
 * for cJSON to read whole, is left to the full path, which words it.
 * The tokens between numbers can only be "," and "]": the row is read
 * with local pointers and the tokenizer's own number reader, then lex
 * goes on after the "]".
 */

static int
mlclf_request_fast_row(mlclf_json_lex_t *lex, uint32_t nf, double *x)
{
    uint32_t              i;
    const unsigned char  *p, *q, *end;

    if (mlclf_json_next(lex) != MLCLF_JSON_OPEN || lex->tok[0] != '[') {
        return MLCLF_EREQUEST;
    }

    p = lex->p;
    end = lex->end;

    for (i = 0; /* void */ ; /* void */ ) {
        while (p < end && mlclf_json_space(*p)) {
            p++;
        }

        q = mlclf_json_number_at(p, end, &x[i]);

        if (q == NULL || q - p > MLCLF_JSON_NUM_MAX || !isfinite(x[i])) {
            return MLCLF_EREQUEST;
        }

        i++;

        for (p = q; p < end && mlclf_json_space(*p); p++) {
            /* void */
        }

        if (p == end) {
            return MLCLF_EREQUEST;
        }

        if (*p == ']') {
            lex->p = p + 1;
            return (i == nf) ? MLCLF_OK : MLCLF_EREQUEST;
        }

        if (*p != ',' || i == nf) {
            return MLCLF_EREQUEST;
        }

        p++;
    }
}
