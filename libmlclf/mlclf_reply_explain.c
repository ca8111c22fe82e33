
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The "explanation" member of a /predict row (docs/api.md):
 *
 *   "explanation":{"outputs":["<label>",...],"base":[b,...],
 *                  "contributions":{"<feature>":[c,...],...}}
 *
 * one array element per output of mlclf_explain() (mlclf.h): the label
 * of class 1 for a binary model with one output, else every class
 * label in order; base[k] plus every feature's [k] is output k's
 * margin.  The features are the inputs a request names, a category
 * or a text one contribution each (mlclf_explain_terms()).
 */


#include <string.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_model.h"
#include "mlclf_reply.h"


#define mlclf_reply_cpy(p, s)                                                \
    ((char *) memcpy(p, s, sizeof(s) - 1) + sizeof(s) - 1)

/* bytes of one number: mlclf_double_format() writes <= 24, and a comma */
#define MLCLF_REPLY_EXPLAIN_NUM  25


static char *mlclf_reply_explain_array(char *p, const double *phi,
    uint32_t no, size_t stride, size_t j);


size_t
mlclf_reply_explain_scratch(const mlclf_model_t *m)
{
    return (size_t) mlclf_explain_n_outputs(m) * (m->n_inputs + 1)
           + mlclf_explain_scratch(m);
}


size_t
mlclf_reply_explain_bound(const mlclf_model_t *m)
{
    size_t    size, no;
    uint32_t  j;

    no = mlclf_explain_n_outputs(m);

    size = sizeof(",\"explanation\":{\"outputs\":[],\"base\":[],"
                  "\"contributions\":{}}") - 1
           + m->labels_json_sum + 3 * m->n_classes
           + no * MLCLF_REPLY_EXPLAIN_NUM;

    for (j = 0; j < m->n_inputs; j++) {
        size += mlclf_reply_escaped_len(mlclf_model_feature_name(m, j))
                + sizeof("\"\":[],") - 1 + no * MLCLF_REPLY_EXPLAIN_NUM;
    }

    return size;
}


/* [phi[0][j], phi[1][j], ...] */
static char *
mlclf_reply_explain_array(char *p, const double *phi, uint32_t no,
    size_t stride, size_t j)
{
    uint32_t  k;

    *p++ = '[';

    for (k = 0; k < no; k++) {
        if (k != 0) {
            *p++ = ',';
        }

        p += mlclf_double_format(p, phi[k * stride + j]);
    }

    *p++ = ']';

    return p;
}


const double *
mlclf_reply_explain_row(const mlclf_reply_rows_t *it, double *scratch)
{
    size_t                n;
    const mlclf_model_t  *m;

    m = it->model;
    n = (size_t) mlclf_explain_n_outputs(m) * (m->n_inputs + 1);

    if (it->in != NULL) {
        mlclf_explain_terms(m, it->in->terms, it->n_terms, it->in->x,
                            scratch, scratch + n);

    } else {
        mlclf_explain(m, it->xrow, scratch, scratch + n);
    }

    return scratch;
}


char *
mlclf_reply_explain(char *p, const mlclf_reply_rows_t *it, double *scratch)
{
    size_t                stride;
    uint32_t              no, k, j, first;
    const double         *phi;
    const mlclf_model_t  *m;

    m = it->model;
    no = mlclf_explain_n_outputs(m);
    stride = (size_t) m->n_inputs + 1;
    phi = mlclf_reply_explain_row(it, scratch);

    p = mlclf_reply_cpy(p, ",\"explanation\":{\"outputs\":[");

    /* one output of two classes: class 1's margin */
    first = no == 1 ? 1 : 0;

    for (k = 0; k < no; k++) {
        if (k != 0) {
            *p++ = ',';
        }

        *p++ = '"';
        p = mlclf_reply_escape(p, mlclf_model_class_label(m, first + k));
        *p++ = '"';
    }

    p = mlclf_reply_cpy(p, "],\"base\":");
    p = mlclf_reply_explain_array(p, phi, no, stride, m->n_inputs);
    p = mlclf_reply_cpy(p, ",\"contributions\":{");

    for (j = 0; j < m->n_inputs; j++) {
        if (j != 0) {
            *p++ = ',';
        }

        *p++ = '"';
        p = mlclf_reply_escape(p, mlclf_model_feature_name(m, j));
        *p++ = '"';
        *p++ = ':';
        p = mlclf_reply_explain_array(p, phi, no, stride, j);
    }

    p = mlclf_reply_cpy(p, "}}");

    return p;
}
