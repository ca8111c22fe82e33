
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Verifies a model's raw inputs (mlclf_format.h, version 3): the
 * INPUTS entries and the columns they fill, the value table of
 * categories and vocabularies, the text parameters and their idf
 * weights; and builds the text parameters the featurizer reads.
 */


#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"
#include "mlclf_strtab.h"
#include "mlclf_text_vocab.h"


/* What the walk over the inputs has used up so far. */
typedef struct {
    uint64_t                  column;
    uint32_t                  value;
    uint32_t                  text;
    uint64_t                  idf;
    uint64_t                  n_idf;
    const double             *idf_data;
    const mlclf_file_text_t  *texts;
} mlclf_inputs_walk_t;


static int mlclf_model_inputs_bare(const mlclf_sections_t *s,
    mlclf_err_t *err);
static int mlclf_model_inputs_values(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, mlclf_err_t *err);
static int mlclf_model_inputs_one(mlclf_model_t *m, uint32_t i,
    mlclf_inputs_walk_t *w, mlclf_err_t *err);
static int mlclf_model_inputs_number(const mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_err_t *err);
static int mlclf_model_inputs_category(const mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_err_t *err);
static int mlclf_model_inputs_text(mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_inputs_walk_t *w, mlclf_err_t *err);
static int mlclf_model_inputs_slice(const mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_err_t *err);
static int mlclf_model_inputs_impute(const mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_err_t *err);
static int mlclf_model_inputs_index(mlclf_model_t *m, mlclf_err_t *err);


#define MLCLF_INPUT_ERR(m, i, ...)                                           \
    mlclf_inputs_err(err, m, i, __VA_ARGS__)


/* "input 2 (subject): <reason>" */
static int
mlclf_inputs_err(mlclf_err_t *err, const mlclf_model_t *m, uint32_t i,
    const char *fmt, ...)
{
    va_list      ap;
    mlclf_err_t  why;

    va_start(ap, fmt);
    (void) vsnprintf(why.msg, sizeof(why.msg), fmt, ap);
    va_end(ap);

    return mlclf_err_set(err, MLCLF_EINPUT, "input %u (%s): %s", i,
                         m->feature_names[i], why.msg);
}


int
mlclf_model_check_inputs(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, mlclf_err_t *err)
{
    int                   rc;
    uint32_t              i, n_texts;
    mlclf_inputs_walk_t   w;

    if (m->inputs == NULL) {
        return mlclf_model_inputs_bare(s, err);
    }

    rc = mlclf_model_inputs_values(m, p, s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    memset(&w, 0, sizeof(w));

    if (s->index[MLCLF_SECTION_TEXT_IDF] != MLCLF_NONE) {
        w.n_idf = s->sec[MLCLF_SECTION_TEXT_IDF].count;
        w.idf_data = (const void *) (p + s->sec[MLCLF_SECTION_TEXT_IDF].offset);
    }

    n_texts = 0;

    if (s->index[MLCLF_SECTION_TEXT_PARAMS] != MLCLF_NONE) {
        if (s->sec[MLCLF_SECTION_TEXT_PARAMS].count > m->n_inputs) {
            return mlclf_err_set(err, MLCLF_EINPUT,
                                 "%llu text parameters for %u inputs",
                                 (mlclf_ull_t)
                                 s->sec[MLCLF_SECTION_TEXT_PARAMS].count,
                                 m->n_inputs);
        }

        n_texts = (uint32_t) s->sec[MLCLF_SECTION_TEXT_PARAMS].count;
        m->texts = calloc(n_texts, sizeof(mlclf_text_params_t));

        /* room for each vocabulary's offsets, one more than its terms */
        m->vocab_offsets = malloc(((size_t) m->n_values + n_texts)
                                  * sizeof(uint32_t));

        if (m->texts == NULL || m->vocab_offsets == NULL) {
            return mlclf_err_set(err, MLCLF_ENOMEM,
                                 "cannot allocate %u text parameters",
                                 n_texts);
        }

        w.texts = (const void *)
            (p + s->sec[MLCLF_SECTION_TEXT_PARAMS].offset);
    }

    m->n_texts = n_texts;

    for (i = 0; i < m->n_inputs; i++) {
        rc = mlclf_model_inputs_one(m, i, &w, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (w.column != m->n_features) {
        return mlclf_err_set(err, MLCLF_EINPUT,
                             "the inputs fill %llu columns, the header "
                             "says %u", (mlclf_ull_t) w.column,
                             m->n_features);
    }

    if (w.value != m->n_values || w.text != n_texts || w.idf != w.n_idf) {
        return mlclf_err_set(err, MLCLF_EINPUT,
                             "the inputs use %u of %u values, %u of %u "
                             "text parameters, %llu of %llu idf weights",
                             w.value, m->n_values, w.text, n_texts,
                             (mlclf_ull_t) w.idf, (mlclf_ull_t) w.n_idf);
    }

    return mlclf_model_inputs_index(m, err);
}


/*
 * The lookup indexes of the vocabularies (mlclf_text_vocab_index()), in
 * one allocation, which the model frees.
 */
static int
mlclf_model_inputs_index(mlclf_model_t *m, mlclf_err_t *err)
{
    size_t              slots;
    uint32_t            i;
    mlclf_text_slot_t  *index;

    slots = 0;

    for (i = 0; i < m->n_texts; i++) {
        slots += mlclf_text_vocab_slots(&m->texts[i]);
    }

    if (slots == 0) {
        return MLCLF_OK;
    }

    m->vocab_index = malloc(slots * sizeof(mlclf_text_slot_t));
    if (m->vocab_index == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "cannot allocate the "
                             "vocabularies' index of %zu slots", slots);
    }

    index = m->vocab_index;

    for (i = 0; i < m->n_texts; i++) {
        if (m->texts[i].vectorizer == MLCLF_TEXT_VOCABULARY) {
            mlclf_text_vocab_index(&m->texts[i], index);
            index += mlclf_text_vocab_slots(&m->texts[i]);
        }
    }

    return MLCLF_OK;
}


/* A model without INPUTS has none of the sections that serve them. */
static int
mlclf_model_inputs_bare(const mlclf_sections_t *s, mlclf_err_t *err)
{
    uint32_t  t;

    for (t = MLCLF_SECTION_VALUE_BYTES; t <= MLCLF_SECTION_TEXT_IDF; t++) {
        if (s->index[t] != MLCLF_NONE) {
            return mlclf_err_set(err, MLCLF_EINPUT,
                                 "section %u (%s) in a model without "
                                 "INPUTS", s->index[t],
                                 mlclf_model_section_name(t));
        }
    }

    return MLCLF_OK;
}


/* The value table: all three sections or none, offsets in order. */
static int
mlclf_model_inputs_values(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, mlclf_err_t *err)
{
    uint32_t                     j, have;
    const mlclf_file_section_t  *off;

    have = (s->index[MLCLF_SECTION_VALUE_BYTES] != MLCLF_NONE)
           + (s->index[MLCLF_SECTION_VALUE_OFFSETS] != MLCLF_NONE)
           + (s->index[MLCLF_SECTION_VALUE_COLUMNS] != MLCLF_NONE);

    if (have == 0) {
        return MLCLF_OK;
    }

    if (have != 3) {
        return mlclf_err_set(err, MLCLF_EINPUT,
                             "VALUE_BYTES, VALUE_OFFSETS and VALUE_COLUMNS "
                             "go together: %u of them", have);
    }

    off = &s->sec[MLCLF_SECTION_VALUE_OFFSETS];

    if (off->count < 2 || off->count - 1 > UINT32_MAX - 1
        || s->sec[MLCLF_SECTION_VALUE_COLUMNS].count != off->count - 1
        || s->sec[MLCLF_SECTION_VALUE_BYTES].length > UINT32_MAX)
    {
        return mlclf_err_set(err, MLCLF_EINPUT,
                             "value table of %llu offsets, %llu columns "
                             "and %llu bytes",
                             (mlclf_ull_t) off->count,
                             (mlclf_ull_t)
                             s->sec[MLCLF_SECTION_VALUE_COLUMNS].count,
                             (mlclf_ull_t)
                             s->sec[MLCLF_SECTION_VALUE_BYTES].length);
    }

    m->n_values = (uint32_t) (off->count - 1);
    m->value_bytes = p + s->sec[MLCLF_SECTION_VALUE_BYTES].offset;
    m->value_offsets = (const void *) (p + off->offset);
    m->value_columns = (const void *)
        (p + s->sec[MLCLF_SECTION_VALUE_COLUMNS].offset);

    if (m->value_offsets[0] != 0
        || m->value_offsets[m->n_values]
           != s->sec[MLCLF_SECTION_VALUE_BYTES].length)
    {
        return mlclf_err_set(err, MLCLF_EINPUT,
                             "value offsets run from %u to %u, not from 0 "
                             "to VALUE_BYTES's %llu", m->value_offsets[0],
                             m->value_offsets[m->n_values],
                             (mlclf_ull_t)
                             s->sec[MLCLF_SECTION_VALUE_BYTES].length);
    }

    for (j = 0; j < m->n_values; j++) {
        if (m->value_offsets[j + 1] < m->value_offsets[j]) {
            return mlclf_err_set(err, MLCLF_EINPUT,
                                 "value offset %u (%u) is below offset %u "
                                 "(%u)", j + 1, m->value_offsets[j + 1], j,
                                 m->value_offsets[j]);
        }
    }

    return MLCLF_OK;
}


/* One INPUTS entry: where it sits, then what its type asks. */
static int
mlclf_model_inputs_one(mlclf_model_t *m, uint32_t i, mlclf_inputs_walk_t *w,
    mlclf_err_t *err)
{
    int                        rc;
    const mlclf_file_input_t  *in;

    in = &m->inputs[i];

    if (in->reserved != 0 || (in->flags & ~MLCLF_INPUT_FLAG_BITS) != 0) {
        return MLCLF_INPUT_ERR(m, i, "flags 0x%x, reserved %u", in->flags,
                               in->reserved);
    }

    if (in->column != w->column || in->width == 0
        || (uint64_t) in->column + in->width > m->n_features)
    {
        return MLCLF_INPUT_ERR(m, i, "columns %u..+%u, expected from %llu "
                               "within %u", in->column, in->width,
                               (mlclf_ull_t) w->column, m->n_features);
    }

    w->column += in->width;

    if (in->first != (in->count != 0 ? w->value : 0)
        || in->count > m->n_values - w->value)
    {
        return MLCLF_INPUT_ERR(m, i, "values %u..+%u, expected from %u "
                               "within %u", in->first, in->count, w->value,
                               m->n_values);
    }

    w->value += in->count;

    switch (in->type) {

    case MLCLF_INPUT_NUMBER:
        return mlclf_model_inputs_number(m, i, in, err);

    case MLCLF_INPUT_CATEGORY:
        rc = mlclf_model_inputs_category(m, i, in, err);
        break;

    case MLCLF_INPUT_TEXT:
        rc = mlclf_model_inputs_text(m, i, in, w, err);
        break;

    default:
        return MLCLF_INPUT_ERR(m, i, "unknown type %u", in->type);
    }

    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_model_inputs_impute(m, i, in, err);
}


static int
mlclf_model_inputs_number(const mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_err_t *err)
{
    if (in->width != 1 || in->flags != 0 || in->count != 0
        || in->param != 0)
    {
        return MLCLF_INPUT_ERR(m, i, "a number with width %u, flags 0x%x, "
                               "%u values, param %u", in->width, in->flags,
                               in->count, in->param);
    }

    return MLCLF_OK;
}


/* Known categories sorted, each column set by one of them at least. */
static int
mlclf_model_inputs_category(const mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_err_t *err)
{
    int        rc;
    uint8_t   *seen;
    uint32_t   j, c, unknown;

    unknown = in->flags & MLCLF_UNKNOWN_MASK;

    if (in->count == 0 || in->width > in->count
        || unknown > MLCLF_UNKNOWN_COLUMN
        || (unknown == MLCLF_UNKNOWN_COLUMN ? in->param >= in->width
                                            : in->param != 0))
    {
        return MLCLF_INPUT_ERR(m, i, "a category with %u values, width %u, "
                               "unknown rule %u, param %u", in->count,
                               in->width, unknown, in->param);
    }

    rc = mlclf_model_inputs_slice(m, i, in, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    seen = calloc(in->width, 1);
    if (seen == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "cannot allocate %u bytes",
                             in->width);
    }

    for (j = in->first; j < in->first + in->count; j++) {
        c = m->value_columns[j];

        if (c >= in->width) {
            free(seen);
            return MLCLF_INPUT_ERR(m, i, "value %u sets column %u of %u", j,
                                   c, in->width);
        }

        seen[c] = 1;
    }

    for (c = 0; c < in->width; c++) {
        if (!seen[c]) {
            free(seen);
            return MLCLF_INPUT_ERR(m, i, "no value sets column %u", c);
        }
    }

    free(seen);

    return MLCLF_OK;
}


/* A text's parameters, idf weights and vocabulary. */
static int
mlclf_model_inputs_text(mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_inputs_walk_t *w, mlclf_err_t *err)
{
    int                       rc;
    uint32_t                  j;
    uint64_t                  k;
    mlclf_err_t               why;
    uint32_t                 *rel;
    mlclf_file_text_t         t;
    mlclf_text_params_t      *tp;

    if ((in->flags & MLCLF_UNKNOWN_MASK) != 0 || in->param != w->text
        || w->text >= m->n_texts)
    {
        return MLCLF_INPUT_ERR(m, i, "a text with flags 0x%x and text "
                               "parameters %u, expected %u of %u",
                               in->flags, in->param, w->text, m->n_texts);
    }

    t = w->texts[w->text];
    tp = &m->texts[w->text];
    w->text++;

    tp->vectorizer = t.vectorizer;
    tp->n_features = t.n_features;
    tp->ngram_min = t.ngram_min;
    tp->ngram_max = t.ngram_max;
    tp->flags = t.flags;
    tp->hash_norm = t.hash_norm;
    tp->norm = t.norm;

    if (t.n_features != in->width) {
        return MLCLF_INPUT_ERR(m, i, "width %u, its text has %u features",
                               in->width, t.n_features);
    }

    if (t.idf != MLCLF_NO_IDF) {
        if (t.idf != w->idf || t.n_features > w->n_idf - w->idf) {
            return MLCLF_INPUT_ERR(m, i, "idf weights %u..+%u, expected "
                                   "from %llu within %llu", t.idf,
                                   t.n_features, (mlclf_ull_t) w->idf,
                                   (mlclf_ull_t) w->n_idf);
        }

        tp->idf = w->idf_data + w->idf;
        w->idf += t.n_features;

        for (k = 0; k < t.n_features; k++) {
            if (!isfinite(tp->idf[k]) || tp->idf[k] < 1.0) {
                return MLCLF_INPUT_ERR(m, i, "idf weight %llu is %g, not "
                                       "a finite number >= 1",
                                       (mlclf_ull_t) k, tp->idf[k]);
            }
        }
    }

    if (t.vectorizer == MLCLF_TEXT_VOCABULARY) {
        if (in->count != t.n_features) {
            return MLCLF_INPUT_ERR(m, i, "%u vocabulary terms for %u "
                                   "features", in->count, t.n_features);
        }

        rc = mlclf_model_inputs_slice(m, i, in, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

        for (j = 0; j < in->count; j++) {
            if (m->value_columns[in->first + j] != j
                || m->value_offsets[in->first + j + 1]
                   == m->value_offsets[in->first + j])
            {
                return MLCLF_INPUT_ERR(m, i, "vocabulary term %u is empty "
                                       "or sets column %u", j,
                                       m->value_columns[in->first + j]);
            }
        }

        /* the featurizer reads offsets from its vocabulary's start */
        rel = m->vocab_offsets + in->first + w->text - 1;
        tp->vocab = (const char *) m->value_bytes
                    + m->value_offsets[in->first];
        tp->vocab_offsets = rel;

        for (j = 0; j <= in->count; j++) {
            rel[j] = m->value_offsets[in->first + j]
                     - m->value_offsets[in->first];
        }

    } else if (in->count != 0) {
        return MLCLF_INPUT_ERR(m, i, "a hashing text with %u values",
                               in->count);
    }

    if (mlclf_text_params_check(tp, &why) != MLCLF_OK) {
        return MLCLF_INPUT_ERR(m, i, "%s", why.msg);
    }

    return MLCLF_OK;
}


/* An input's slice of the value table: valid UTF-8, strictly sorted. */
static int
mlclf_model_inputs_slice(const mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_err_t *err)
{
    size_t          len, prev_len;
    uint32_t        j;
    const uint8_t  *s, *prev;

    prev = NULL;
    prev_len = 0;

    for (j = in->first; j < in->first + in->count; j++) {
        s = m->value_bytes + m->value_offsets[j];
        len = m->value_offsets[j + 1] - m->value_offsets[j];

        if (u8_check(s, len) != NULL) {
            return MLCLF_INPUT_ERR(m, i, "value %u is not valid UTF-8", j);
        }

        if (prev != NULL && mlclf_str_cmp(prev, prev_len, s, len) >= 0) {
            return MLCLF_INPUT_ERR(m, i, "value %u does not sort after "
                                   "value %u", j, j - 1);
        }

        prev = s;
        prev_len = len;
    }

    return MLCLF_OK;
}


/* IMPUTE holds 0 for the columns that are not numbers. */
static int
mlclf_model_inputs_impute(const mlclf_model_t *m, uint32_t i,
    const mlclf_file_input_t *in, mlclf_err_t *err)
{
    uint32_t  c;

    if (m->impute == NULL) {
        return MLCLF_OK;
    }

    for (c = in->column; c < in->column + in->width; c++) {
        if (m->impute[c] != 0.0) {
            return MLCLF_INPUT_ERR(m, i, "imputes %g for column %u, which "
                                   "is not a number", m->impute[c], c);
        }
    }

    return MLCLF_OK;
}
