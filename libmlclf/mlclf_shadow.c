
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Shadow models: the rows a request's own model parsed and validated,
 * scored again by another model with the same inputs, through that
 * model's imputation and featurizer, as if it had parsed them itself.
 */


#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_request.h"
#include "mlclf_shadow.h"


static const char *mlclf_shadow_type_name(uint32_t type);
static void mlclf_shadow_slots(const cJSON *row, uint32_t n,
    const cJSON **slot);
static int mlclf_shadow_refuses(mlclf_shadow_t *sh);
static uint32_t mlclf_shadow_dense(mlclf_shadow_t *sh, const double *x);


int
mlclf_shadow_check(const mlclf_model_t *m, const mlclf_model_t *s,
    mlclf_err_t *err)
{
    uint32_t     i, n, tm, ts;
    const char  *nm, *ns;

    n = mlclf_model_n_inputs(m);

    if (mlclf_model_n_inputs(s) != n) {
        return mlclf_err_set(err, MLCLF_EINVAL, "%u inputs, not %u",
                             mlclf_model_n_inputs(s), n);
    }

    for (i = 0; i < n; i++) {
        nm = mlclf_model_feature_name(m, i);
        ns = mlclf_model_feature_name(s, i);

        if (strcmp(nm, ns) != 0) {
            return mlclf_err_set(err, MLCLF_EINVAL,
                                 "input %u is \"%.64s\", not \"%.64s\"",
                                 i, ns, nm);
        }

        tm = mlclf_model_input_type(m, i);
        ts = mlclf_model_input_type(s, i);

        if (tm != ts) {
            return mlclf_err_set(err, MLCLF_EINVAL,
                                 "input %u \"%.64s\" is a %s, not a %s",
                                 i, ns, mlclf_shadow_type_name(ts),
                                 mlclf_shadow_type_name(tm));
        }
    }

    return MLCLF_OK;
}


static const char *
mlclf_shadow_type_name(uint32_t type)
{
    switch (type) {
    case MLCLF_INPUT_NUMBER:
        return "number";
    case MLCLF_INPUT_CATEGORY:
        return "category";
    default:
        return "text";
    }
}


/*
 * x, proba, the slots, then for a model with inputs the most terms a
 * row gives with s's featurizer and the bytes of its longest text's
 * scratch.
 */
size_t
mlclf_shadow_scratch(mlclf_shadow_t *sh, const mlclf_model_t *s,
    const mlclf_request_t *req)
{
    size_t        n, terms, max_terms, text, max_text, len;
    uint32_t      i, ni, base, type;
    const cJSON  *row, *v;

    ni = mlclf_model_n_inputs(s);
    n = (size_t) mlclf_model_n_features(s) + mlclf_model_n_classes(s) + ni;

    sh->model = s;
    sh->req = req;
    sh->max_terms = 0;

    if (!mlclf_model_has_inputs(s)) {
        return n;
    }

    _Static_assert(sizeof(mlclf_text_term_t) == 2 * sizeof(double), "term");

    base = 0;

    for (i = 0; i < ni; i++) {
        base += mlclf_model_input_type(s, i) == MLCLF_INPUT_NUMBER;
    }

    if (req->dense) {
        sh->max_terms = ni;
        return n + 2 * (size_t) ni;
    }

    max_terms = base;
    max_text = 0;

    for (row = mlclf_request_next_row(req, NULL);
         row != NULL;
         row = mlclf_request_next_row(req, row))
    {
        terms = base;

        for (v = row->child, i = 0; v != NULL; v = v->next, i++) {
            if (mlclf_request_type(row) == cJSON_Object) {
                i = (uint32_t) v->valueint;
            }

            if (i >= ni || mlclf_request_type(v) != cJSON_String) {
                continue;
            }

            type = mlclf_model_input_type(s, i);

            if (type == MLCLF_INPUT_CATEGORY) {
                terms++;
                continue;
            }

            if (type != MLCLF_INPUT_TEXT) {
                continue;
            }

            len = strlen(v->valuestring);
            terms += mlclf_input_text_terms(s, i, len);
            text = mlclf_input_text_scratch(s, i, len);

            if (text > max_text) {
                max_text = text;
            }
        }

        if (terms > max_terms) {
            max_terms = terms;
        }
    }

    sh->max_terms = max_terms;

    return n + 2 * max_terms + (max_text + 7) / 8;
}


void
mlclf_shadow_init(mlclf_shadow_t *sh, double *scratch)
{
    uint32_t                nf, nc, ni;
    const mlclf_model_t    *s;
    const mlclf_request_t  *req;

    s = sh->model;
    req = sh->req;

    nf = mlclf_model_n_features(s);
    nc = mlclf_model_n_classes(s);
    ni = mlclf_model_n_inputs(s);

    _Static_assert(sizeof(const cJSON *) <= sizeof(double), "a slot");

    sh->i = 0;
    sh->reason = MLCLF_REASON_NONE;
    sh->row = mlclf_request_next_row(req, NULL);

    /* mlclf_predict_terms() wants x all 0 for trees, and leaves it so */

    sh->x = scratch;
    memset(sh->x, 0, nf * sizeof(double));

    sh->proba = scratch + nf;
    sh->slot = (const void **) (sh->proba + nc);
    sh->terms = sh->proba + nc + ni;
    sh->text = (mlclf_text_term_t *) sh->terms + sh->max_terms;
}


int
mlclf_shadow_next(mlclf_shadow_t *sh, uint32_t *k)
{
    size_t                  n;
    const cJSON            *row;
    const mlclf_model_t    *s;
    const mlclf_request_t  *req;

    s = sh->model;
    req = sh->req;

    if (req->dense) {
        *k = mlclf_shadow_dense(sh, (const double *) req->rows
                                    + sh->i++ * mlclf_model_n_inputs(s));
        return MLCLF_OK;
    }

    row = sh->row;
    sh->row = mlclf_request_next_row(req, row);
    sh->i++;

    mlclf_shadow_slots(row, mlclf_model_n_inputs(s),
                       (const cJSON **) sh->slot);

    if (mlclf_shadow_refuses(sh)) {
        return MLCLF_EREQUEST;
    }

    if (!mlclf_model_has_inputs(s)) {
        mlclf_request_fill(row, s, sh->x);
        *k = mlclf_predict_proba(s, sh->x, sh->proba);
        return MLCLF_OK;
    }

    n = mlclf_request_input_terms(row, s, (const cJSON **) sh->slot,
                                  sh->text, sh->terms);

    *k = mlclf_predict_terms(s, sh->terms, n, sh->x, sh->proba);

    return MLCLF_OK;
}


/* The values of a validated row by input: NULL for an absent one. */
static void
mlclf_shadow_slots(const cJSON *row, uint32_t n, const cJSON **slot)
{
    uint32_t      i;
    const cJSON  *v;

    memset(slot, 0, n * sizeof(*slot));

    if (mlclf_request_type(row) == cJSON_Array) {
        for (v = row->child, i = 0; v != NULL && i < n; v = v->next, i++) {
            slot[i] = v;
        }

        return;
    }

    for (v = row->child; v != NULL; v = v->next) {
        if ((uint32_t) v->valueint < n) {
            slot[v->valueint] = v;
        }
    }
}


/*
 * 1 if s would refuse the row its own request parser took: the rules
 * of mlclf_request_input.c, by s's missing-value and category rules.
 */
static int
mlclf_shadow_refuses(mlclf_shadow_t *sh)
{
    uint32_t              i, n, type;
    unsigned              missing_ok;
    const cJSON          *v, **slot;
    mlclf_text_term_t     t;
    const mlclf_model_t  *s;

    s = sh->model;
    slot = (const cJSON **) sh->slot;
    n = mlclf_model_n_inputs(s);

    missing_ok = mlclf_model_impute(s) != NULL
                 || mlclf_model_routes_missing(s);

    for (i = 0; i < n; i++) {
        v = slot[i];
        type = mlclf_model_input_type(s, i);

        if (v == NULL || mlclf_request_type(v) == cJSON_NULL) {
            if (type == MLCLF_INPUT_NUMBER ? missing_ok
                : (mlclf_model_input_flags(s, i) & MLCLF_INPUT_MISSING_EMPTY)
                  != 0)
            {
                continue;
            }

            sh->reason = MLCLF_REASON_MISSING_VALUE;
            return 1;
        }

        if (type == MLCLF_INPUT_CATEGORY
            && mlclf_request_type(v) == cJSON_String
            && mlclf_input_category(s, i, v->valuestring,
                                    strlen(v->valuestring), &t)
               < 0)
        {
            sh->reason = MLCLF_REASON_UNKNOWN_CATEGORY;
            return 1;
        }
    }

    return 0;
}


/*
 * A row the fast path read: numbers only, none missing.  A shadow with
 * INPUTS (numbers, as the check found) gets one term per input.
 */
static uint32_t
mlclf_shadow_dense(mlclf_shadow_t *sh, const double *x)
{
    uint32_t              i, n;
    mlclf_text_term_t    *terms;
    const mlclf_model_t  *s;

    s = sh->model;

    if (!mlclf_model_has_inputs(s)) {
        return mlclf_predict_proba(s, x, sh->proba);
    }

    n = mlclf_model_n_inputs(s);
    terms = sh->terms;

    for (i = 0; i < n; i++) {
        terms[i].column = mlclf_input_column(s, i);
        terms[i].value = x[i];
    }

    return mlclf_predict_terms(s, terms, n, sh->x, sh->proba);
}
