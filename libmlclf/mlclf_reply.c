
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * /predict replies: every row predicted and written as JSON, and the
 * JSON error bodies.
 */


#include <string.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_model.h"
#include "mlclf_reply.h"
#include "mlclf_request.h"


/* bytes of one number in a reply: mlclf_double_format() writes <= 24 */
#define MLCLF_REPLY_NUM_MAX      24

#define mlclf_reply_cpy(p, s)                                                \
    ((char *) memcpy(p, s, sizeof(s) - 1) + sizeof(s) - 1)


static char *mlclf_reply_row(char *p, const mlclf_model_t *m,
    const double *proba, uint32_t k, unsigned probabilities);
static double *mlclf_reply_inputs(mlclf_reply_inputs_t *in,
    const mlclf_model_t *m, const mlclf_request_t *req, double *scratch);


size_t
mlclf_reply_scratch(const mlclf_model_t *m)
{
    return (size_t) mlclf_model_n_features(m) + mlclf_model_n_classes(m);
}


size_t
mlclf_reply_scratch_for(const mlclf_model_t *m, const mlclf_request_t *req)
{
    return mlclf_reply_rows_scratch(m, req)
           + (req->explain ? mlclf_reply_explain_scratch(m) : 0);
}


/*
 * A model with inputs: x for trees, the probabilities, a slot per
 * input, the row's terms and its texts' scratch, all in doubles.
 */
size_t
mlclf_reply_rows_scratch(const mlclf_model_t *m, const mlclf_request_t *req)
{
    size_t  nx;

    if (!mlclf_model_has_inputs(m)) {
        return mlclf_reply_scratch(m);
    }

    nx = mlclf_model_kind(m) == MLCLF_KIND_LOGREG ? 0
         : mlclf_model_n_features(m);

    _Static_assert(sizeof(const cJSON *) <= sizeof(double), "a slot");
    _Static_assert(sizeof(mlclf_text_term_t) == 2 * sizeof(double), "term");

    return nx + mlclf_model_n_classes(m) + mlclf_model_n_inputs(m)
           + 2 * req->max_terms + (req->max_scratch + 7) / 8;
}


static double *
mlclf_reply_inputs(mlclf_reply_inputs_t *in, const mlclf_model_t *m,
    const mlclf_request_t *req, double *scratch)
{
    size_t   nx;
    double  *proba;

    nx = m->kind == MLCLF_KIND_LOGREG ? 0 : m->n_features;

    in->x = scratch;
    memset(in->x, 0, nx * sizeof(double));

    proba = scratch + nx;
    in->slot = (const cJSON **) (proba + m->n_classes);
    in->terms = (mlclf_text_term_t *) (proba + m->n_classes + m->n_inputs);
    in->text = in->terms + req->max_terms;

    return proba;
}


void
mlclf_reply_rows_init(mlclf_reply_rows_t *it, const mlclf_model_t *m,
    const mlclf_request_t *req, double *scratch)
{
    it->model = m;
    it->req = req;
    it->x = scratch;
    it->proba = scratch + m->n_features;
    it->i = 0;
    it->in = NULL;
    it->xrow = NULL;
    it->n_terms = 0;

    if (mlclf_model_has_inputs(m)) {
        it->in = &it->inputs;
        it->proba = mlclf_reply_inputs(it->in, m, req, scratch);
    }

    it->row = mlclf_request_next_row(req, NULL);
}


/* Dense x, or the terms of a model with inputs. */
uint32_t
mlclf_reply_rows_next(mlclf_reply_rows_t *it)
{
    size_t                  n;
    double                 *x;
    const cJSON            *row;
    const mlclf_model_t    *m;
    const mlclf_request_t  *req;

    m = it->model;
    req = it->req;
    x = it->x;

    if (req->dense) {
        x = (double *) req->rows + it->i++ * m->n_features;
        it->xrow = x;
        return mlclf_predict_proba(m, x, it->proba);
    }

    row = it->row;
    it->row = mlclf_request_next_row(req, row);
    it->i++;

    if (it->in == NULL) {
        mlclf_request_fill(row, m, x);
        it->xrow = x;
        return mlclf_predict_proba(m, x, it->proba);
    }

    n = mlclf_request_input_terms(row, m, it->in->slot, it->in->text,
                                  it->in->terms);
    it->n_terms = n;

    return mlclf_predict_terms(m, it->in->terms, n, it->in->x, it->proba);
}


size_t
mlclf_reply_bound(const mlclf_model_t *m, const mlclf_request_t *req,
    const char *version)
{
    size_t    row, size;
    uint32_t  n;

    n = m->n_classes;

    row = sizeof("{\"prediction\":\"\",\"confidence\":},") - 1
          + m->labels_json_max + MLCLF_REPLY_NUM_MAX;

    if (req->probabilities) {
        row += sizeof(",\"probabilities\":{}") - 1 + m->labels_json_sum
               + n * (sizeof("\"\":,") - 1 + MLCLF_REPLY_NUM_MAX);
    }

    if (req->explain) {
        row += mlclf_reply_explain_bound(m);
    }

    size = sizeof("{\"model_version\":\"\",\"predictions\":[]}")
           + (version ? mlclf_reply_escaped_len(version) : 0);

    return size + row * (req->n_rows ? req->n_rows : 1);
}


int
mlclf_reply_write(mlclf_reply_t *rep, const mlclf_model_t *m,
    const mlclf_request_t *req, mlclf_err_t *err)
{
    char                *p;
    size_t               bound, i;
    double              *xs;
    uint32_t             k;
    const char          *version;
    mlclf_reply_rows_t   it;

    if (req->rows == NULL || req->n_rows == 0 || rep->scratch == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "no parsed request or no scratch buffer");
    }

    version = rep->version ? rep->version : "";

    bound = mlclf_reply_bound(m, req, version);

    if (rep->buf == NULL || rep->size < bound) {
        return mlclf_err_set(err, MLCLF_ESPACE,
                             "reply needs up to %zu bytes, buffer has %zu",
                             bound, rep->size);
    }

    mlclf_reply_rows_init(&it, m, req, rep->scratch);
    xs = rep->scratch + mlclf_reply_rows_scratch(m, req);

    p = rep->buf;

    if (!req->batch) {
        k = mlclf_reply_rows_next(&it);

        rep->first_class = k;
        rep->first_confidence = it.proba[k];

        mlclf_reply_count(rep, 0, k, it.proba[k]);

        *p++ = '{';
        p = mlclf_reply_row(p, m, it.proba, k, req->probabilities);

        if (req->explain) {
            p = mlclf_reply_explain(p, &it, xs);
        }

        p = mlclf_reply_cpy(p, ",\"model_version\":\"");
        p = mlclf_reply_escape(p, version);
        p = mlclf_reply_cpy(p, "\"}");

        *p = '\0';
        rep->len = p - rep->buf;

        return MLCLF_OK;
    }

    p = mlclf_reply_cpy(p, "{\"model_version\":\"");
    p = mlclf_reply_escape(p, version);
    p = mlclf_reply_cpy(p, "\",\"predictions\":[");

    for (i = 0; i < req->n_rows; i++) {
        if (!req->dense && it.row == NULL) {
            break;
        }

        k = mlclf_reply_rows_next(&it);

        if (i == 0) {
            rep->first_class = k;
            rep->first_confidence = it.proba[k];

        } else {
            *p++ = ',';
        }

        mlclf_reply_count(rep, i, k, it.proba[k]);

        *p++ = '{';
        p = mlclf_reply_row(p, m, it.proba, k, req->probabilities);

        if (req->explain) {
            p = mlclf_reply_explain(p, &it, xs);
        }

        *p++ = '}';
    }

    p = mlclf_reply_cpy(p, "]}");

    *p = '\0';
    rep->len = p - rep->buf;

    return MLCLF_OK;
}


static char *
mlclf_reply_row(char *p, const mlclf_model_t *m, const double *proba,
    uint32_t k, unsigned probabilities)
{
    uint32_t  n, c;

    p = mlclf_reply_cpy(p, "\"prediction\":\"");
    p = mlclf_reply_escape(p, mlclf_model_class_label(m, k));
    p = mlclf_reply_cpy(p, "\",\"confidence\":");
    p += mlclf_double_format(p, proba[k]);

    if (!probabilities) {
        return p;
    }

    p = mlclf_reply_cpy(p, ",\"probabilities\":{");

    n = mlclf_model_n_classes(m);

    for (c = 0; c < n; c++) {
        if (c != 0) {
            *p++ = ',';
        }

        *p++ = '"';
        p = mlclf_reply_escape(p, mlclf_model_class_label(m, c));
        *p++ = '"';
        *p++ = ':';
        p += mlclf_double_format(p, proba[c]);
    }

    *p++ = '}';

    return p;
}


/* The optional per-class and per-row outputs of row i, of class k. */
void
mlclf_reply_count(mlclf_reply_t *rep, size_t i, uint32_t k, double conf)
{
    if (rep->class_counts != NULL) {
        rep->class_counts[k]++;
    }

    if (rep->classes != NULL) {
        rep->classes[i] = k;
        rep->confidences[i] = conf;
    }
}


size_t
mlclf_reply_escaped_len(const char *s)
{
    size_t          n;
    unsigned char   c;

    for (n = 0; *s != '\0'; s++) {
        c = (unsigned char) *s;

        if (c == '"' || c == '\\') {
            n += 2;

        } else if (c < 0x20) {
            n += (c == '\n' || c == '\r' || c == '\t' || c == '\b'
                  || c == '\f') ? 2 : 6;

        } else {
            n++;
        }
    }

    return n;
}


char *
mlclf_reply_escape(char *p, const char *s)
{
    unsigned char        c;
    static const char    hex[] = "0123456789abcdef";

    for ( /* void */ ; *s != '\0'; s++) {
        c = (unsigned char) *s;

        if (c >= 0x20 && c != '"' && c != '\\') {
            *p++ = (char) c;
            continue;
        }

        *p++ = '\\';

        switch (c) {
        case '"':
        case '\\':
            *p++ = (char) c;
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        default:
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xf];
        }
    }

    return p;
}


size_t
mlclf_error_json(char *buf, size_t size, const char *msg, const char *reason)
{
    char    *p;
    size_t   len;

    if (msg == NULL) {
        msg = "";
    }

    if (reason == NULL) {
        reason = "";
    }

    len = sizeof("{\"error\":\"\",\"reason\":\"\"}") - 1
          + mlclf_reply_escaped_len(msg) + mlclf_reply_escaped_len(reason);

    if (buf == NULL || len > size) {
        return len;
    }

    p = mlclf_reply_cpy(buf, "{\"error\":\"");
    p = mlclf_reply_escape(p, msg);
    p = mlclf_reply_cpy(p, "\",\"reason\":\"");
    p = mlclf_reply_escape(p, reason);
    p = mlclf_reply_cpy(p, "\"}");

    if (len < size) {
        *p = '\0';
    }

    return len;
}
