
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Rows of a model with raw inputs (mlclf_format.h, version 3): each
 * value checked against its input's type and rules while the request
 * is parsed, and a validated row turned into its terms, through the
 * featurizer that the trainer uses (mlclf_input.h).
 */


#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_request.h"


static int mlclf_request_input_number(mlclf_request_ctx_t *ctx,
    const cJSON *v, mlclf_request_label_t *label);
static int mlclf_request_input_string(mlclf_request_ctx_t *ctx,
    uint32_t idx, const cJSON *v, mlclf_request_label_t *label);
static int mlclf_request_input_missing(mlclf_request_ctx_t *ctx,
    uint32_t idx, mlclf_request_label_t *label, int absent);


const char *
mlclf_request_label(mlclf_request_label_t *label)
{
    char  name[MLCLF_REQUEST_NAME_MAX + 8];

    if (label->text[0] != '\0') {
        return label->text;
    }

    if (label->name == NULL) {
        (void) snprintf(label->text, sizeof(label->text), "feature %u",
                        (unsigned) label->pos);

    } else {
        (void) snprintf(label->text, sizeof(label->text), "feature \"%s\"",
                        mlclf_request_name(name, label->name));
    }

    return label->text;
}


int
mlclf_request_input_value(mlclf_request_ctx_t *ctx, uint32_t idx,
    const cJSON *v, mlclf_request_label_t *label)
{
    if (mlclf_request_type(v) == cJSON_NULL) {
        return mlclf_request_input_missing(ctx, idx, label, 0);
    }

    if (mlclf_model_input_type(ctx->model, idx) == MLCLF_INPUT_NUMBER) {
        ctx->row_terms++;
        return mlclf_request_input_number(ctx, v, label);
    }

    return mlclf_request_input_string(ctx, idx, v, label);
}


static int
mlclf_request_input_number(mlclf_request_ctx_t *ctx, const cJSON *v,
    mlclf_request_label_t *label)
{
    if (mlclf_request_type(v) != cJSON_Number) {
        return mlclf_request_reject(ctx, MLCLF_REASON_NOT_A_NUMBER, 400,
                                    "%s is not a number",
                                    mlclf_request_label(label));
    }

    if (!isfinite(v->valuedouble)) {
        return mlclf_request_reject(ctx, MLCLF_REASON_NON_FINITE, 400,
                                    "%s is not finite",
                                    mlclf_request_label(label));
    }

    return MLCLF_OK;
}


/*
 * A category or a text: a string, a text no longer than the limit, a
 * category the model knows or may ignore.  The scan before cJSON has
 * refused invalid UTF-8, and U+0000 in a string value.
 */
static int
mlclf_request_input_string(mlclf_request_ctx_t *ctx, uint32_t idx,
    const cJSON *v, mlclf_request_label_t *label)
{
    size_t             len, scratch;
    mlclf_text_term_t  t;

    if (mlclf_request_type(v) != cJSON_String) {
        return mlclf_request_reject(ctx, MLCLF_REASON_NOT_A_STRING, 400,
                                    "%s is not a string",
                                    mlclf_request_label(label));
    }

    /* whole: the scan refused string values with \u0000 in them */
    len = strlen(v->valuestring);

    if (mlclf_model_input_type(ctx->model, idx) == MLCLF_INPUT_CATEGORY) {
        if (mlclf_input_category(ctx->model, idx, v->valuestring, len, &t)
            < 0)
        {
            return mlclf_request_reject(ctx, MLCLF_REASON_UNKNOWN_CATEGORY,
                                        400, "%s is not a known category",
                                        mlclf_request_label(label));
        }

        ctx->row_terms++;
        return MLCLF_OK;
    }

    if (len > ctx->max_text) {
        return mlclf_request_reject(ctx, MLCLF_REASON_TEXT_TOO_LONG, 413,
                                    "%s is %zu bytes, more than the limit "
                                    "of %zu", mlclf_request_label(label),
                                    len, ctx->max_text);
    }

    ctx->row_terms += mlclf_input_text_terms(ctx->model, idx, len);

    scratch = mlclf_input_text_scratch(ctx->model, idx, len);

    if (scratch > ctx->req->max_scratch) {
        ctx->req->max_scratch = scratch;
    }

    return MLCLF_OK;
}


/* null, or left out of an object row: the input's missing rule. */
static int
mlclf_request_input_missing(mlclf_request_ctx_t *ctx, uint32_t idx,
    mlclf_request_label_t *label, int absent)
{
    uint32_t  type;

    type = mlclf_model_input_type(ctx->model, idx);

    if (type == MLCLF_INPUT_NUMBER) {
        if (ctx->missing_ok) {
            ctx->row_terms++;
            return MLCLF_OK;
        }

        if (absent) {
            return mlclf_request_reject(ctx, MLCLF_REASON_MISSING_FEATURE,
                                        400, "%s is missing",
                                        mlclf_request_label(label));
        }

        return mlclf_request_reject(ctx, MLCLF_REASON_MISSING_VALUE, 400,
                                    "%s is null and the model has no value "
                                    "to impute", mlclf_request_label(label));
    }

    if (mlclf_model_input_flags(ctx->model, idx) & MLCLF_INPUT_MISSING_EMPTY)
    {
        return MLCLF_OK;
    }

    if (absent) {
        return mlclf_request_reject(ctx, MLCLF_REASON_MISSING_FEATURE, 400,
                                    "%s is missing",
                                    mlclf_request_label(label));
    }

    return mlclf_request_reject(ctx, MLCLF_REASON_MISSING_VALUE, 400,
                                "%s is null and the model refuses a "
                                "missing %s", mlclf_request_label(label),
                                type == MLCLF_INPUT_TEXT ? "text"
                                                         : "category");
}


int
mlclf_request_input_absent(mlclf_request_ctx_t *ctx, const uint64_t *seen)
{
    int                    rc;
    uint32_t               i;
    mlclf_request_label_t  label;

    for (i = 0; i < ctx->n_features; i++) {
        if (seen[i / 64] & (1ULL << (i % 64))) {
            continue;
        }

        label.name = mlclf_model_feature_name(ctx->model, i);
        label.text[0] = '\0';

        rc = mlclf_request_input_missing(ctx, i, &label, 1);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    return MLCLF_OK;
}


void
mlclf_request_input_row_end(mlclf_request_ctx_t *ctx)
{
    if (ctx->row_terms > ctx->req->max_terms) {
        ctx->req->max_terms = ctx->row_terms;
    }

    ctx->row_terms = 0;
}


size_t
mlclf_request_input_terms(const cJSON *row, const mlclf_model_t *m,
    const cJSON **slot, void *scratch, mlclf_text_term_t *terms)
{
    size_t         n, len;
    uint32_t       i, ni, type, col;
    ptrdiff_t      k;
    const cJSON   *v;
    const double  *impute;

    ni = mlclf_model_n_inputs(m);
    impute = mlclf_model_impute(m);

    memset(slot, 0, ni * sizeof(*slot));

    if (mlclf_request_type(row) == cJSON_Array) {
        for (v = row->child, i = 0; v != NULL && i < ni; v = v->next, i++) {
            slot[i] = v;
        }

    } else {
        for (v = row->child; v != NULL; v = v->next) {
            if ((uint32_t) v->valueint < ni) {
                slot[v->valueint] = v;
            }
        }
    }

    n = 0;

    for (i = 0; i < ni; i++) {
        v = slot[i];
        type = mlclf_model_input_type(m, i);
        col = mlclf_input_column(m, i);

        if (type == MLCLF_INPUT_NUMBER) {
            terms[n].column = col;

            if (v != NULL && mlclf_request_type(v) == cJSON_Number) {
                terms[n++].value = v->valuedouble;

            } else {
                /* a model that routes missing values is given NaN */
                terms[n++].value = impute != NULL ? impute[col] : NAN;
            }

            continue;
        }

        if (v == NULL || mlclf_request_type(v) != cJSON_String) {
            continue;
        }

        len = strlen(v->valuestring);

        if (type == MLCLF_INPUT_CATEGORY) {
            k = mlclf_input_category(m, i, v->valuestring, len, &terms[n]);

        } else {
            k = mlclf_input_text(m, i, v->valuestring, len, scratch,
                                 &terms[n]);
        }

        n += k > 0 ? (size_t) k : 0;
    }

    return n;
}
