/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The fast path of V2 infer bodies: the common body of JSON clients, one
 * "features" tensor of FP64 or FP32 numbers, read straight from the
 * tokens of mlclf_json.c into dense rows, as /predict's fast path reads
 * its rows.  Anything else is left to the full parser of
 * mlclf_v2_request.c, which alone decides and words errors.
 */


#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_json.h"
#include "mlclf_request.h"
#include "mlclf_v2.h"


/* an "id" longer than this is left to the full path */
#define MLCLF_V2_FAST_ID_MAX      256


/* What the fast path read of the tensor. */
typedef struct {
    size_t                    dims[2];
    size_t                    rank;
    unsigned                  name:1;
    unsigned                  fp32:1;
    unsigned                  dtype:1;
    unsigned                  data:1;
    unsigned                  params:1;
} mlclf_v2_fast_t;


static int mlclf_v2_fast_inputs(mlclf_json_lex_t *lex, mlclf_request_t *req,
    mlclf_request_dense_t *d, mlclf_v2_fast_t *f, uint32_t nf,
    size_t max_rows);
static int mlclf_v2_fast_member(mlclf_json_lex_t *lex, mlclf_request_t *req,
    mlclf_request_dense_t *d, mlclf_v2_fast_t *f, uint32_t nf,
    size_t max_rows);
static int mlclf_v2_fast_params(mlclf_json_lex_t *lex, unsigned *binary);
static int mlclf_v2_fast_shape(mlclf_json_lex_t *lex, mlclf_v2_fast_t *f);
static int mlclf_v2_fast_data(mlclf_json_lex_t *lex, mlclf_request_t *req,
    mlclf_request_dense_t *d, uint32_t nf, size_t max_rows);
static int mlclf_v2_fast_grow(mlclf_request_t *req, mlclf_request_dense_t *d,
    size_t need);


/*
 * {"inputs": [{"name": "features", "shape": [N, n] or [n], "datatype":
 * "FP64" or "FP32", "data": [flat or [rows]]}]} with an optional "id"
 * string without escapes, flat "parameters" (binary_data_output read,
 * the rest ignored) and the clients' "model_name" and "model_version"
 * strings, nothing else.  Returns MLCLF_OK with the rows
 * dense in v2->req, or MLCLF_EREQUEST for "not this body", with nothing
 * allocated and v2 untouched but for req.local[].
 */

int
mlclf_v2_request_fast(mlclf_v2_request_t *v2, const mlclf_model_t *m,
    const char *body, size_t len, size_t max_rows, size_t max_depth)
{
    size_t                  i, id_len, klen;
    uint32_t                nf;
    unsigned                seen_in, seen_params, binary;
    cJSON                  *id;
    mlclf_json_lex_t        lex;
    mlclf_json_token_e      t;
    mlclf_v2_fast_t         f;
    const unsigned char    *id_at, *k;
    mlclf_request_dense_t   d;
    char                    buf[MLCLF_V2_FAST_ID_MAX + 1];

    nf = mlclf_model_n_features(m);

    if (body == NULL || max_depth < 5 || mlclf_model_has_inputs(m)
        || mlclf_model_feature_index(m, "features", 8) >= 0)
    {
        return MLCLF_EREQUEST;
    }

    mlclf_json_lex_init(&lex, body, len, 1);

    memset(&f, 0, sizeof(f));
    d.v = v2->req.local;
    d.cap = MLCLF_REQUEST_LOCAL;
    d.n = 0;
    seen_in = 0;
    seen_params = 0;
    binary = 0;
    id_at = NULL;
    id_len = 0;

    if (mlclf_json_next(&lex) != MLCLF_JSON_OPEN || lex.tok[0] != '{') {
        goto fail;
    }

    do {
        if (mlclf_json_next(&lex) != MLCLF_JSON_STRING || lex.escaped) {
            goto fail;
        }

        k = lex.tok;
        klen = lex.len;

        if (mlclf_json_next(&lex) != MLCLF_JSON_COLON) {
            goto fail;
        }

        if (klen == 6 && memcmp(k, "inputs", 6) == 0) {
            if (seen_in++
                || mlclf_v2_fast_inputs(&lex, &v2->req, &d, &f, nf, max_rows)
                   != MLCLF_OK)
            {
                goto fail;
            }

        } else if (klen == 2 && memcmp(k, "id", 2) == 0) {
            if (id_at != NULL || mlclf_json_next(&lex) != MLCLF_JSON_STRING
                || lex.escaped || lex.len > MLCLF_V2_FAST_ID_MAX)
            {
                goto fail;
            }

            id_at = lex.tok;
            id_len = lex.len;

        } else if (klen == 10 && memcmp(k, "parameters", 10) == 0) {
            if (seen_params++
                || mlclf_v2_fast_params(&lex, &binary) != MLCLF_OK)
            {
                goto fail;
            }

        } else if ((klen == 10 && memcmp(k, "model_name", 10) == 0)
                   || (klen == 13 && memcmp(k, "model_version", 13) == 0))
        {
            if (mlclf_json_next(&lex) != MLCLF_JSON_STRING) {
                goto fail;
            }

        } else {
            goto fail;
        }

        t = mlclf_json_next(&lex);

    } while (t == MLCLF_JSON_COMMA);

    if (t != MLCLF_JSON_CLOSE || lex.tok[0] != '}'
        || mlclf_json_next(&lex) != MLCLF_JSON_END || !seen_in)
    {
        goto fail;
    }

    /* the shape: [N, nf] or [nf], and exactly its values */

    if (!f.name || !f.dtype || !f.data || f.rank == 0
        || f.dims[f.rank - 1] != nf
        || (f.rank == 2 ? f.dims[0] : 1) != d.n
        || d.n == 0 || d.n > max_rows)
    {
        goto fail;
    }

    for (i = 0; f.fp32 && i < d.n * nf; i++) {
        if (d.v[i] < -FLT_MAX || d.v[i] > FLT_MAX) {
            goto fail;
        }
    }

    if (id_at != NULL) {
        if (memchr(id_at, '\0', id_len) != NULL) {
            goto fail;
        }

        memcpy(buf, id_at, id_len);
        buf[id_len] = '\0';

        id = cJSON_CreateString(buf);
        if (id == NULL) {
            goto fail;
        }

        v2->json = id;
        v2->id = id->valuestring;
    }

    v2->req.root = d.v;
    v2->req.rows = d.v;
    v2->req.n_rows = d.n;
    v2->req.batch = 1;
    v2->req.dense = 1;

    for (i = 0; i <= MLCLF_V2_OUT_LABEL; i++) {
        v2->outputs[i].wanted = 1;
        v2->outputs[i].binary = binary;
    }

    return MLCLF_OK;

fail:

    if (d.v != v2->req.local) {
        free(d.v);
    }

    return MLCLF_EREQUEST;
}


/* [{...}]: one tensor object. */
static int
mlclf_v2_fast_inputs(mlclf_json_lex_t *lex, mlclf_request_t *req,
    mlclf_request_dense_t *d, mlclf_v2_fast_t *f, uint32_t nf,
    size_t max_rows)
{
    mlclf_json_token_e  t;

    if (mlclf_json_next(lex) != MLCLF_JSON_OPEN || lex->tok[0] != '['
        || mlclf_json_next(lex) != MLCLF_JSON_OPEN || lex->tok[0] != '{')
    {
        return MLCLF_EREQUEST;
    }

    do {
        if (mlclf_v2_fast_member(lex, req, d, f, nf, max_rows) != MLCLF_OK) {
            return MLCLF_EREQUEST;
        }

        t = mlclf_json_next(lex);

    } while (t == MLCLF_JSON_COMMA);

    if (t != MLCLF_JSON_CLOSE || lex->tok[0] != '}'
        || mlclf_json_next(lex) != MLCLF_JSON_CLOSE || lex->tok[0] != ']')
    {
        return MLCLF_EREQUEST;
    }

    return MLCLF_OK;
}


static int
mlclf_v2_fast_member(mlclf_json_lex_t *lex, mlclf_request_t *req,
    mlclf_request_dense_t *d, mlclf_v2_fast_t *f, uint32_t nf,
    size_t max_rows)
{
    if (mlclf_json_next(lex) != MLCLF_JSON_STRING || lex->escaped) {
        return MLCLF_EREQUEST;
    }

    if (lex->len == 4 && memcmp(lex->tok, "name", 4) == 0 && !f->name) {
        f->name = 1;

        if (mlclf_json_next(lex) != MLCLF_JSON_COLON
            || mlclf_json_next(lex) != MLCLF_JSON_STRING || lex->escaped
            || lex->len != 8 || memcmp(lex->tok, "features", 8) != 0)
        {
            return MLCLF_EREQUEST;
        }

        return MLCLF_OK;
    }

    if (lex->len == 8 && memcmp(lex->tok, "datatype", 8) == 0 && !f->dtype) {
        f->dtype = 1;

        if (mlclf_json_next(lex) != MLCLF_JSON_COLON
            || mlclf_json_next(lex) != MLCLF_JSON_STRING || lex->escaped
            || lex->len != 4)
        {
            return MLCLF_EREQUEST;
        }

        if (memcmp(lex->tok, "FP32", 4) == 0) {
            f->fp32 = 1;
            return MLCLF_OK;
        }

        return memcmp(lex->tok, "FP64", 4) == 0 ? MLCLF_OK : MLCLF_EREQUEST;
    }

    if (lex->len == 5 && memcmp(lex->tok, "shape", 5) == 0 && !f->rank) {
        return mlclf_json_next(lex) == MLCLF_JSON_COLON
               ? mlclf_v2_fast_shape(lex, f) : MLCLF_EREQUEST;
    }

    if (lex->len == 10 && memcmp(lex->tok, "parameters", 10) == 0
        && !f->params)
    {
        f->params = 1;

        /* binary_data_size, or binary_data_output in a tensor: left */
        return mlclf_json_next(lex) == MLCLF_JSON_COLON
               ? mlclf_v2_fast_params(lex, NULL) : MLCLF_EREQUEST;
    }

    if (lex->len == 4 && memcmp(lex->tok, "data", 4) == 0 && !f->data) {
        f->data = 1;

        return mlclf_json_next(lex) == MLCLF_JSON_COLON
               ? mlclf_v2_fast_data(lex, req, d, nf, max_rows)
               : MLCLF_EREQUEST;
    }

    return MLCLF_EREQUEST;
}


/*
 * {"name": scalar, ...}: the parameters clients add (content_type,
 * priority, ...), ignored as the full parser ignores them, and with
 * binary NULL or else binary_data_output, a boolean, into *binary.
 * binary_data_size, a nested value or a name with an escape: left to
 * the full parser.
 */
static int
mlclf_v2_fast_params(mlclf_json_lex_t *lex, unsigned *binary)
{
    size_t               klen;
    unsigned             out, flag;
    mlclf_json_token_e   t;
    const unsigned char *k;

    if (mlclf_json_next(lex) != MLCLF_JSON_OPEN || lex->tok[0] != '{') {
        return MLCLF_EREQUEST;
    }

    out = 0;
    t = mlclf_json_next(lex);

    if (t == MLCLF_JSON_CLOSE) {
        return lex->tok[0] == '}' ? MLCLF_OK : MLCLF_EREQUEST;
    }

    for ( ;; ) {
        if (t != MLCLF_JSON_STRING || lex->escaped) {
            return MLCLF_EREQUEST;
        }

        k = lex->tok;
        klen = lex->len;

        if (mlclf_json_next(lex) != MLCLF_JSON_COLON) {
            return MLCLF_EREQUEST;
        }

        t = mlclf_json_next(lex);
        flag = 2;

        if (t == MLCLF_JSON_WORD) {
            if (lex->len == 4 && memcmp(lex->tok, "true", 4) == 0) {
                flag = 1;

            } else if (lex->len == 5 && memcmp(lex->tok, "false", 5) == 0) {
                flag = 0;

            } else if (lex->len != 4 || memcmp(lex->tok, "null", 4) != 0) {
                return MLCLF_EREQUEST;
            }

        } else if (t != MLCLF_JSON_STRING && t != MLCLF_JSON_NUMBER) {
            return MLCLF_EREQUEST;
        }

        if (klen == 16 && memcmp(k, "binary_data_size", 16) == 0) {
            return MLCLF_EREQUEST;
        }

        /* the request's explain: the full parser's */
        if (binary != NULL && klen == 7 && memcmp(k, "explain", 7) == 0) {
            return MLCLF_EREQUEST;
        }

        if (klen == 18 && memcmp(k, "binary_data_output", 18) == 0) {
            if (binary == NULL || flag == 2 || out++) {
                return MLCLF_EREQUEST;
            }

            *binary = flag;
        }

        t = mlclf_json_next(lex);

        if (t == MLCLF_JSON_CLOSE) {
            return lex->tok[0] == '}' ? MLCLF_OK : MLCLF_EREQUEST;
        }

        if (t != MLCLF_JSON_COMMA) {
            return MLCLF_EREQUEST;
        }

        t = mlclf_json_next(lex);
    }
}


/* [N, n] or [n]: whole numbers below 2^32. */
static int
mlclf_v2_fast_shape(mlclf_json_lex_t *lex, mlclf_v2_fast_t *f)
{
    double              x;
    mlclf_json_token_e  t;

    if (mlclf_json_next(lex) != MLCLF_JSON_OPEN || lex->tok[0] != '[') {
        return MLCLF_EREQUEST;
    }

    do {
        if (mlclf_json_next(lex) != MLCLF_JSON_NUMBER || f->rank == 2
            || lex->len > MLCLF_JSON_NUM_MAX)
        {
            return MLCLF_EREQUEST;
        }

        x = lex->number;

        if (!(x >= 0.0 && x < 4294967296.0 && x == floor(x))) {
            return MLCLF_EREQUEST;
        }

        f->dims[f->rank++] = (size_t) x;

        t = mlclf_json_next(lex);

    } while (t == MLCLF_JSON_COMMA);

    return (t == MLCLF_JSON_CLOSE && lex->tok[0] == ']') ? MLCLF_OK
                                                         : MLCLF_EREQUEST;
}


/*
 * [[row], ...] through /predict's own reader of rows, or the flat
 * [n1, n2, ...] in rows of nf: finite numbers as cJSON reads them.
 */
static int
mlclf_v2_fast_data(mlclf_json_lex_t *lex, mlclf_request_t *req,
    mlclf_request_dense_t *d, uint32_t nf, size_t max_rows)
{
    size_t                n;
    const unsigned char  *p, *q, *end;

    p = lex->p;
    end = lex->end;

    while (p < end && mlclf_json_space(*p)) {
        p++;
    }

    if (p == end || *p != '[') {
        return MLCLF_EREQUEST;
    }

    for (q = p + 1; q < end && mlclf_json_space(*q); q++) {
        /* void */
    }

    if (q < end && *q == '[') {
        return mlclf_request_fast_rows(lex, req, d, nf, max_rows);
    }

    p++;
    n = 0;

    for ( ;; ) {
        if (n == max_rows * nf || mlclf_v2_fast_grow(req, d, n + 1) != 0) {
            return MLCLF_EREQUEST;
        }

        while (p < end && mlclf_json_space(*p)) {
            p++;
        }

        q = mlclf_json_number_at(p, end, &d->v[n]);

        if (q == NULL || q - p > MLCLF_JSON_NUM_MAX || !isfinite(d->v[n]))
        {
            return MLCLF_EREQUEST;
        }

        n++;

        for (p = q; p < end && mlclf_json_space(*p); p++) {
            /* void */
        }

        if (p < end && *p == ']') {
            break;
        }

        if (p == end || *p != ',') {
            return MLCLF_EREQUEST;
        }

        p++;
    }

    lex->p = p + 1;

    if (n % nf != 0) {
        return MLCLF_EREQUEST;
    }

    d->n = n / nf;

    return MLCLF_OK;
}


/* room in d for need doubles */
static int
mlclf_v2_fast_grow(mlclf_request_t *req, mlclf_request_dense_t *d,
    size_t need)
{
    size_t   cap;
    double  *nv;

    if (need <= d->cap) {
        return 0;
    }

    cap = d->cap * 2 > need ? d->cap * 2 : need * 2;

    nv = malloc(cap * sizeof(double));
    if (nv == NULL) {
        return -1;
    }

    memcpy(nv, d->v, d->cap * sizeof(double));

    if (d->v != req->local) {
        free(d->v);
    }

    d->v = nv;
    d->cap = cap;

    return 0;
}
