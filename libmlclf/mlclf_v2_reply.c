/*
 * Copyright (C) 2026 The mlclf authors
 *
 * KServe's Open Inference Protocol (V2): infer replies, scored row by row
 * with /predict's kernels (mlclf_reply.c), and model metadata
 * (docs/kserve.md).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_model.h"
#include "mlclf_reply.h"


/* bytes of a number: mlclf_double_format() writes <= 24, needs 32 */
#define MLCLF_V2_NUM_MAX          24
#define MLCLF_V2_NUM_BUF          32

/* bytes of a size_t or uint32_t in decimal */
#define MLCLF_V2_INT_MAX          20

#define mlclf_v2_cpy(p, s)                                                   \
    ((char *) memcpy(p, s, sizeof(s) - 1) + sizeof(s) - 1)


/* A class and its probability, for the classification extension. */
typedef struct {
    double                    proba;
    uint32_t                  index;
} mlclf_v2_class_t;

/* The scores of every row, kept at the end of the reply buffer. */
typedef struct {
    const mlclf_model_t      *model;
    const mlclf_v2_request_t *v2;
    size_t                    n_rows;
    uint32_t                  n_classes;
    double                   *proba;        /* n_rows x n_classes */
    uint32_t                 *cls;          /* n_rows */
    mlclf_v2_class_t         *top;          /* n_classes */
    double                   *expl;         /* n_rows x n_expl, or NULL */
    size_t                    n_expl;       /* n_outputs x (n_inputs + 1) */
} mlclf_v2_scores_t;

/* A bounded writer: counts every byte, writes those that fit. */
typedef struct {
    char                     *p;
    char                     *end;
    size_t                    len;
} mlclf_v2_out_t;


static size_t mlclf_v2_text_bound(const mlclf_model_t *m,
    const mlclf_v2_request_t *v2, const char *name, const char *version);
static size_t mlclf_v2_tail(const mlclf_model_t *m,
    const mlclf_v2_request_t *v2);
static char *mlclf_v2_output(char *p, const mlclf_v2_scores_t *s,
    unsigned o, size_t *bin_size);
static char *mlclf_v2_output_json(char *p, const mlclf_v2_scores_t *s,
    unsigned o);
static char *mlclf_v2_output_binary(char *p, const mlclf_v2_scores_t *s,
    unsigned o);
static size_t mlclf_v2_output_size(const mlclf_v2_scores_t *s, unsigned o);
static const double *mlclf_v2_fp64(const mlclf_v2_scores_t *s, unsigned o,
    size_t *n);
static size_t mlclf_v2_expl_size(const mlclf_model_t *m,
    const mlclf_v2_request_t *v2);
static void mlclf_v2_top(const mlclf_v2_scores_t *s, size_t row);
static int mlclf_v2_top_cmp(const void *a, const void *b);
static size_t mlclf_v2_class_str(char *p, const mlclf_v2_scores_t *s,
    uint32_t j);
static char *mlclf_v2_str(char *p, const char *s);
static char *mlclf_v2_size(char *p, size_t n);
static void mlclf_v2_put(mlclf_v2_out_t *out, const char *s, size_t n);
static void mlclf_v2_put_str(mlclf_v2_out_t *out, const char *s);
static void mlclf_v2_put_esc(mlclf_v2_out_t *out, const char *s);


static const char  *mlclf_v2_out_names[MLCLF_V2_N_OUTPUTS] = {
    "probabilities", "label", "explanation"
};


size_t
mlclf_v2_reply_bound(const mlclf_model_t *m, const mlclf_v2_request_t *v2,
    const char *name, const char *version)
{
    return mlclf_v2_text_bound(m, v2, name, version) + 8
           + mlclf_v2_tail(m, v2);
}


/* The JSON part and the binary outputs, with a number's slack. */
static size_t
mlclf_v2_text_bound(const mlclf_model_t *m, const mlclf_v2_request_t *v2,
    const char *name, const char *version)
{
    size_t                    n, c, k, size, elt, label;
    unsigned                  o;
    const mlclf_v2_output_t  *out;

    n = v2->req.n_rows;
    c = m->n_classes;
    label = m->labels_json_max;

    size = sizeof("{\"model_name\":\"\",\"model_version\":\"\",\"id\":\"\","
                  "\"outputs\":[]}")
           + (name ? mlclf_reply_escaped_len(name) : 0)
           + (version ? mlclf_reply_escaped_len(version) : 0)
           + (v2->id ? mlclf_reply_escaped_len(v2->id) : 0)
           + MLCLF_V2_NUM_BUF;

    for (o = 0; o < MLCLF_V2_N_OUTPUTS; o++) {
        out = &v2->outputs[o];

        if (!out->wanted) {
            continue;
        }

        size += sizeof("{\"name\":\"probabilities\",\"datatype\":\"BYTES\","
                       "\"shape\":[,],\"parameters\":{\"binary_data_size\":"
                       "},\"data\":[]},")
                + 3 * MLCLF_V2_INT_MAX;

        k = out->classification;

        if (o == MLCLF_V2_OUT_EXPLANATION) {
            /* a third dimension */
            size += MLCLF_V2_INT_MAX + 1;
            k = mlclf_v2_expl_size(m, v2);
            elt = MLCLF_V2_NUM_MAX + 8;

        } else if (k != 0) {
            /* "<probability>:<index>:<label>", or 4 bytes + it */
            elt = MLCLF_V2_NUM_MAX + 2 + MLCLF_V2_INT_MAX + label + 4;

        } else if (o == MLCLF_V2_OUT_LABEL) {
            k = 1;
            elt = label + 4;

        } else {
            k = c;
            elt = MLCLF_V2_NUM_MAX + 8;
        }

        size += n * k * elt;
    }

    return size;
}


/* The scores kept while the reply is written: probabilities, classes. */
static size_t
mlclf_v2_tail(const mlclf_model_t *m, const mlclf_v2_request_t *v2)
{
    size_t  n;

    n = v2->req.n_rows;

    return n * m->n_classes * sizeof(double) + n * sizeof(uint32_t)
           + m->n_classes * sizeof(mlclf_v2_class_t) + 8
           + n * mlclf_v2_expl_size(m, v2) * sizeof(double);
}


/* The doubles of one row's explanation, 0 without one. */
static size_t
mlclf_v2_expl_size(const mlclf_model_t *m, const mlclf_v2_request_t *v2)
{
    if (!v2->outputs[MLCLF_V2_OUT_EXPLANATION].wanted) {
        return 0;
    }

    return (size_t) mlclf_explain_n_outputs(m) * (m->n_inputs + 1);
}


int
mlclf_v2_reply_write(mlclf_reply_t *rep, const mlclf_model_t *m,
    const mlclf_v2_request_t *v2, const char *name, size_t *json_len,
    mlclf_err_t *err)
{
    char                *p, *tail;
    double              *xs;
    size_t               bound, text, i, bin[MLCLF_V2_N_OUTPUTS];
    uint32_t             k, c;
    unsigned             o;
    const char          *version;
    mlclf_reply_rows_t   it;
    mlclf_v2_scores_t    s;

    if (v2->req.rows == NULL || v2->req.n_rows == 0 || rep->scratch == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "no parsed request or no scratch buffer");
    }

    version = rep->version ? rep->version : "";
    name = name ? name : "";

    bound = mlclf_v2_reply_bound(m, v2, name, version);

    if (rep->buf == NULL || rep->size < bound) {
        return mlclf_err_set(err, MLCLF_ESPACE,
                             "reply needs up to %zu bytes, buffer has %zu",
                             bound, rep->size);
    }

    text = mlclf_v2_text_bound(m, v2, name, version);
    tail = rep->buf + text;
    tail += (8 - (uintptr_t) tail % 8) % 8;

    c = m->n_classes;

    s.model = m;
    s.v2 = v2;
    s.n_rows = v2->req.n_rows;
    s.n_classes = c;
    s.proba = (void *) tail;
    s.cls = (void *) (tail + s.n_rows * c * sizeof(double));
    s.top = (void *) (tail + s.n_rows * c * sizeof(double)
                      + ((s.n_rows * sizeof(uint32_t) + 7) & ~(size_t) 7));
    s.n_expl = mlclf_v2_expl_size(m, v2);
    s.expl = s.n_expl ? (double *) (s.top + c) : NULL;
    xs = rep->scratch + mlclf_reply_rows_scratch(m, &v2->req);

    /* every row scored once, as /predict scores it */

    mlclf_reply_rows_init(&it, m, &v2->req, rep->scratch);

    for (i = 0; i < s.n_rows; i++) {
        k = mlclf_reply_rows_next(&it);

        memcpy(s.proba + i * c, it.proba, c * sizeof(double));
        s.cls[i] = k;

        if (s.expl != NULL) {
            memcpy(s.expl + i * s.n_expl, mlclf_reply_explain_row(&it, xs),
                   s.n_expl * sizeof(double));
        }

        if (i == 0) {
            rep->first_class = k;
            rep->first_confidence = it.proba[k];
        }

        mlclf_reply_count(rep, i, k, it.proba[k]);
    }

    p = mlclf_v2_cpy(rep->buf, "{\"model_name\":\"");
    p = mlclf_reply_escape(p, name);
    p = mlclf_v2_cpy(p, "\",\"model_version\":\"");
    p = mlclf_reply_escape(p, version);

    if (v2->id != NULL) {
        p = mlclf_v2_cpy(p, "\",\"id\":\"");
        p = mlclf_reply_escape(p, v2->id);
    }

    p = mlclf_v2_cpy(p, "\",\"outputs\":[");

    i = 0;

    for (o = 0; o < MLCLF_V2_N_OUTPUTS; o++) {
        bin[o] = 0;

        if (!v2->outputs[o].wanted) {
            continue;
        }

        if (i++ != 0) {
            *p++ = ',';
        }

        p = mlclf_v2_output(p, &s, o, &bin[o]);
    }

    p = mlclf_v2_cpy(p, "]}");

    *json_len = p - rep->buf;

    for (o = 0; o < MLCLF_V2_N_OUTPUTS; o++) {
        if (bin[o] != 0) {
            p = mlclf_v2_output_binary(p, &s, o);
        }
    }

    rep->len = p - rep->buf;

    if (rep->len == *json_len) {
        *p = '\0';
    }

    return MLCLF_OK;
}


/* One output's JSON object; *bin_size its binary bytes, if binary. */
static char *
mlclf_v2_output(char *p, const mlclf_v2_scores_t *s, unsigned o,
    size_t *bin_size)
{
    uint32_t                  k;
    const mlclf_v2_output_t  *out;

    out = &s->v2->outputs[o];
    k = out->classification;

    p = mlclf_v2_cpy(p, "{\"name\":\"");
    p = mlclf_v2_str(p, mlclf_v2_out_names[o]);

    if (o == MLCLF_V2_OUT_EXPLANATION) {
        p = mlclf_v2_cpy(p, "\",\"datatype\":\"FP64\",\"shape\":[");
        p = mlclf_v2_size(p, s->n_rows);
        *p++ = ',';
        p = mlclf_v2_size(p, mlclf_explain_n_outputs(s->model));
        *p++ = ',';
        p = mlclf_v2_size(p, s->model->n_inputs + 1);

    } else if (k == 0 && o == MLCLF_V2_OUT_PROBABILITIES) {
        p = mlclf_v2_cpy(p, "\",\"datatype\":\"FP64\",\"shape\":[");
        p = mlclf_v2_size(p, s->n_rows);
        *p++ = ',';
        p = mlclf_v2_size(p, s->n_classes);

    } else {
        p = mlclf_v2_cpy(p, "\",\"datatype\":\"BYTES\",\"shape\":[");
        p = mlclf_v2_size(p, s->n_rows);

        if (k != 0) {
            *p++ = ',';
            p = mlclf_v2_size(p, k);
        }
    }

    *p++ = ']';

    if (out->binary) {
        *bin_size = mlclf_v2_output_size(s, o);

        p = mlclf_v2_cpy(p, ",\"parameters\":{\"binary_data_size\":");
        p = mlclf_v2_size(p, *bin_size);
        p = mlclf_v2_cpy(p, "}}");

        /* an output of no bytes has nothing to send */
        return p;
    }

    p = mlclf_v2_cpy(p, ",\"data\":[");
    p = mlclf_v2_output_json(p, s, o);
    p = mlclf_v2_cpy(p, "]}");

    return p;
}


static char *
mlclf_v2_output_json(char *p, const mlclf_v2_scores_t *s, unsigned o)
{
    char           *q;
    size_t          i, n;
    uint32_t        j, k;
    const double   *proba;

    k = s->v2->outputs[o].classification;
    proba = mlclf_v2_fp64(s, o, &n);

    if (proba != NULL) {
        for (i = 0; i < n; i++) {
            if (i != 0) {
                *p++ = ',';
            }

            p += mlclf_double_format(p, proba[i]);
        }

        return p;
    }

    for (i = 0; i < s->n_rows; i++) {
        if (i != 0) {
            *p++ = ',';
        }

        if (k == 0) {
            *p++ = '"';
            p = mlclf_reply_escape(p,
                                   mlclf_model_class_label(s->model,
                                                           s->cls[i]));
            *p++ = '"';
            continue;
        }

        mlclf_v2_top(s, i);

        for (j = 0; j < k; j++) {
            if (j != 0) {
                *p++ = ',';
            }

            *p++ = '"';
            p += mlclf_double_format(p, s->top[j].proba);
            *p++ = ':';
            q = mlclf_v2_size(p, s->top[j].index);
            *q++ = ':';
            p = mlclf_reply_escape(q,
                                   mlclf_model_class_label(s->model,
                                                           s->top[j].index));
            *p++ = '"';
        }
    }

    return p;
}


/* An output's binary bytes: FP64 little-endian, BYTES length-prefixed. */
static char *
mlclf_v2_output_binary(char *p, const mlclf_v2_scores_t *s, unsigned o)
{
    size_t          i, n, len, b;
    uint32_t        j, k;
    uint64_t        u;
    const char     *label;
    const double   *v;

    k = s->v2->outputs[o].classification;
    v = mlclf_v2_fp64(s, o, &n);

    if (v != NULL) {
        for (i = 0; i < n; i++) {
            memcpy(&u, &v[i], sizeof(u));

            for (b = 0; b < 8; b++) {
                *p++ = (char) (u >> (8 * b));
            }
        }

        return p;
    }

    for (i = 0; i < s->n_rows; i++) {
        if (k != 0) {
            mlclf_v2_top(s, i);
        }

        for (j = 0; j < (k ? k : 1); j++) {
            if (k == 0) {
                label = mlclf_model_class_label(s->model, s->cls[i]);
                len = strlen(label);
                memcpy(p + 4, label, len);

            } else {
                len = mlclf_v2_class_str(p + 4, s, j);
            }

            for (b = 0; b < 4; b++) {
                p[b] = (char) (len >> (8 * b));
            }

            p += 4 + len;
        }
    }

    return p;
}


/* The bytes mlclf_v2_output_binary() writes, before the JSON names them. */
static size_t
mlclf_v2_output_size(const mlclf_v2_scores_t *s, unsigned o)
{
    char      buf[MLCLF_V2_NUM_BUF + MLCLF_V2_INT_MAX + MLCLF_MAX_NAME_LEN];
    size_t    i, size;
    uint32_t  j, k;

    k = s->v2->outputs[o].classification;

    if (mlclf_v2_fp64(s, o, &size) != NULL) {
        return size * sizeof(double);
    }

    size = 0;

    for (i = 0; i < s->n_rows; i++) {
        if (k == 0) {
            size += 4 + strlen(mlclf_model_class_label(s->model, s->cls[i]));
            continue;
        }

        mlclf_v2_top(s, i);

        for (j = 0; j < k; j++) {
            size += 4 + mlclf_v2_class_str(buf, s, j);
        }
    }

    return size;
}


/* An FP64 output's values and their number *n, or NULL for BYTES. */
static const double *
mlclf_v2_fp64(const mlclf_v2_scores_t *s, unsigned o, size_t *n)
{
    if (o == MLCLF_V2_OUT_EXPLANATION) {
        *n = s->n_rows * s->n_expl;
        return s->expl;
    }

    if (o == MLCLF_V2_OUT_PROBABILITIES
        && s->v2->outputs[o].classification == 0)
    {
        *n = s->n_rows * s->n_classes;
        return s->proba;
    }

    return NULL;
}


/* "<probability>:<index>:<label>" of the j-th class in s->top, raw. */
static size_t
mlclf_v2_class_str(char *p, const mlclf_v2_scores_t *s, uint32_t j)
{
    char        *q;
    const char  *label;

    q = p + mlclf_double_format(p, s->top[j].proba);
    *q++ = ':';
    q = mlclf_v2_size(q, s->top[j].index);
    *q++ = ':';

    label = mlclf_model_class_label(s->model, s->top[j].index);
    q = mlclf_v2_str(q, label);

    return q - p;
}


/* The classes of a row, most probable first, the lower index on ties. */
static void
mlclf_v2_top(const mlclf_v2_scores_t *s, size_t row)
{
    uint32_t       c;
    const double  *proba;

    proba = s->proba + row * s->n_classes;

    for (c = 0; c < s->n_classes; c++) {
        s->top[c].proba = proba[c];
        s->top[c].index = c;
    }

    qsort(s->top, s->n_classes, sizeof(mlclf_v2_class_t), mlclf_v2_top_cmp);
}


static int
mlclf_v2_top_cmp(const void *a, const void *b)
{
    const mlclf_v2_class_t  *x, *y;

    x = a;
    y = b;

    if (x->proba != y->proba) {
        return x->proba > y->proba ? -1 : 1;
    }

    return x->index < y->index ? -1 : (x->index > y->index);
}


static char *
mlclf_v2_str(char *p, const char *s)
{
    size_t  n;

    n = strlen(s);

    return (char *) memcpy(p, s, n) + n;
}


static char *
mlclf_v2_size(char *p, size_t n)
{
    char    digits[MLCLF_V2_INT_MAX];
    size_t  i;

    i = 0;

    do {
        digits[i++] = (char) ('0' + n % 10);
        n /= 10;
    } while (n != 0);

    while (i > 0) {
        *p++ = digits[--i];
    }

    return p;
}


size_t
mlclf_v2_metadata(char *buf, size_t size, const mlclf_model_t *m,
    const char *name, const char *version)
{
    char             num[MLCLF_V2_INT_MAX + 1];
    uint32_t         i, n, type, whole;
    mlclf_v2_out_t   out;

    out.p = buf;
    out.end = buf != NULL ? buf + size : NULL;
    out.len = 0;

    mlclf_v2_put_str(&out, "{\"name\":\"");
    mlclf_v2_put_esc(&out, name ? name : "");

    if (version != NULL && version[0] != '\0') {
        mlclf_v2_put_str(&out, "\",\"versions\":[\"");
        mlclf_v2_put_esc(&out, version);
        mlclf_v2_put_str(&out, "\"]");

    } else {
        mlclf_v2_put_str(&out, "\"");
    }

    mlclf_v2_put_str(&out, ",\"platform\":\"mlclf\",\"inputs\":[");

    n = mlclf_model_n_inputs(m);
    whole = mlclf_model_feature_index(m, "features", 8) < 0;

    for (i = 0; i < n; i++) {
        if (mlclf_model_input_type(m, i) != MLCLF_INPUT_NUMBER) {
            whole = 0;
        }
    }

    if (whole) {
        mlclf_v2_put_str(&out, "{\"name\":\"features\",\"datatype\":\"FP64\","
                               "\"shape\":[-1,");
        mlclf_v2_put(&out, num, mlclf_v2_size(num, n) - num);
        mlclf_v2_put_str(&out, "]},");
    }

    for (i = 0; i < n; i++) {
        type = mlclf_model_input_type(m, i);

        mlclf_v2_put_str(&out, i == 0 ? "{\"name\":\"" : ",{\"name\":\"");
        mlclf_v2_put_esc(&out, mlclf_model_feature_name(m, i));
        mlclf_v2_put_str(&out, type == MLCLF_INPUT_NUMBER
                               ? "\",\"datatype\":\"FP64\",\"shape\":[-1]}"
                               : "\",\"datatype\":\"BYTES\",\"shape\":[-1]}");
    }

    mlclf_v2_put_str(&out, "],\"outputs\":[{\"name\":\"probabilities\","
                           "\"datatype\":\"FP64\",\"shape\":[-1,");
    mlclf_v2_put(&out, num, mlclf_v2_size(num, m->n_classes) - num);
    mlclf_v2_put_str(&out, "]},{\"name\":\"label\",\"datatype\":\"BYTES\","
                           "\"shape\":[-1]}");

    /* with "explain": true, for a model that can */
    if (mlclf_explain_ready(m) == MLCLF_OK) {
        mlclf_v2_put_str(&out, ",{\"name\":\"explanation\",\"datatype\":"
                               "\"FP64\",\"shape\":[-1,");
        mlclf_v2_put(&out, num,
                     mlclf_v2_size(num, mlclf_explain_n_outputs(m)) - num);
        mlclf_v2_put_str(&out, ",");
        mlclf_v2_put(&out, num, mlclf_v2_size(num, n + 1) - num);
        mlclf_v2_put_str(&out, "]}");
    }

    mlclf_v2_put_str(&out, "]}");

    if (buf != NULL && out.len < size) {
        buf[out.len] = '\0';
    }

    return out.len;
}


static void
mlclf_v2_put(mlclf_v2_out_t *out, const char *s, size_t n)
{
    if (out->p != NULL && (size_t) (out->end - out->p) >= n) {
        memcpy(out->p, s, n);
        out->p += n;

    } else {
        out->p = NULL;
    }

    out->len += n;
}


static void
mlclf_v2_put_str(mlclf_v2_out_t *out, const char *s)
{
    mlclf_v2_put(out, s, strlen(s));
}


static void
mlclf_v2_put_esc(mlclf_v2_out_t *out, const char *s)
{
    size_t  n;

    n = mlclf_reply_escaped_len(s);

    if (out->p != NULL && (size_t) (out->end - out->p) >= n) {
        out->p = mlclf_reply_escape(out->p, s);

    } else {
        out->p = NULL;
    }

    out->len += n;
}
