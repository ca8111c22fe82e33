
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Raw inputs: accessors, and one input's value turned into terms.
 */


#include <string.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_model.h"
#include "mlclf_strtab.h"


uint32_t
mlclf_model_n_inputs(const mlclf_model_t *m)
{
    return m->n_inputs;
}


uint32_t
mlclf_model_input_type(const mlclf_model_t *m, uint32_t i)
{
    return m->inputs != NULL ? m->inputs[i].type : MLCLF_INPUT_NUMBER;
}


uint32_t
mlclf_model_input_flags(const mlclf_model_t *m, uint32_t i)
{
    return m->inputs != NULL ? m->inputs[i].flags : 0;
}


const mlclf_text_params_t *
mlclf_model_input_text(const mlclf_model_t *m, uint32_t i)
{
    if (m->inputs == NULL || m->inputs[i].type != MLCLF_INPUT_TEXT) {
        return NULL;
    }

    return &m->texts[m->inputs[i].param];
}


int
mlclf_model_has_inputs(const mlclf_model_t *m)
{
    return m->inputs != NULL;
}


uint32_t
mlclf_input_column(const mlclf_model_t *m, uint32_t i)
{
    return m->inputs != NULL ? m->inputs[i].column : i;
}


/* Binary search of the input's sorted slice of the value table. */
int64_t
mlclf_input_value(const mlclf_model_t *m, uint32_t i, const char *s,
    size_t len)
{
    int                        cmp;
    size_t                     vlen;
    uint32_t                   lo, hi, mid;
    const uint8_t             *v;
    const mlclf_file_input_t  *in;

    in = &m->inputs[i];
    lo = in->first;
    hi = in->first + in->count;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        v = m->value_bytes + m->value_offsets[mid];
        vlen = m->value_offsets[mid + 1] - m->value_offsets[mid];

        cmp = mlclf_str_cmp(v, vlen, s, len);

        if (cmp == 0) {
            return mid;
        }

        if (cmp < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return -1;
}


int
mlclf_input_category(const mlclf_model_t *m, uint32_t i, const char *s,
    size_t len, mlclf_text_term_t *t)
{
    int64_t                    j;
    const mlclf_file_input_t  *in;

    in = &m->inputs[i];
    j = mlclf_input_value(m, i, s, len);

    if (j >= 0) {
        t->column = in->column + m->value_columns[j];
        t->value = 1.0;
        return 1;
    }

    switch (in->flags & MLCLF_UNKNOWN_MASK) {

    case MLCLF_UNKNOWN_IGNORE:
        return 0;

    case MLCLF_UNKNOWN_COLUMN:
        t->column = in->column + in->param;
        t->value = 1.0;
        return 1;

    default:
        return -1;
    }
}


ptrdiff_t
mlclf_input_text(const mlclf_model_t *m, uint32_t i, const char *s,
    size_t len, void *scratch, mlclf_text_term_t *terms)
{
    size_t                      k;
    uint32_t                    col;
    ptrdiff_t                   n;
    const mlclf_text_params_t  *tp;

    tp = &m->texts[m->inputs[i].param];

    n = mlclf_text_count(tp, s, len, scratch, terms);
    if (n < 0) {
        return n;
    }

    mlclf_text_weigh(tp, terms, (size_t) n);

    col = m->inputs[i].column;

    for (k = 0; k < (size_t) n; k++) {
        terms[k].column += col;
    }

    return n;
}


size_t
mlclf_input_text_terms(const mlclf_model_t *m, uint32_t i, size_t len)
{
    return mlclf_text_max_terms(&m->texts[m->inputs[i].param], len);
}


size_t
mlclf_input_text_scratch(const mlclf_model_t *m, uint32_t i, size_t len)
{
    return mlclf_text_scratch_size(&m->texts[m->inputs[i].param], len);
}
