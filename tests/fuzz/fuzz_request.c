
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: a /predict body through mlclf_request_parse() and,
 * when accepted, mlclf_reply_bound() + mlclf_reply_write() on fixed
 * models, with the reply checked as JSON, and the accepted rows scored
 * by every model with the same inputs as a shadow (mlclf_shadow.h).
 * Every broken invariant ends in __builtin_trap(), so that libFuzzer
 * keeps the input.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <mlclf.h>
#include <mlclf_input.h>
#include <mlclf_shadow.h>
#include "fuzz.h"
#include "fuzz_models.h"


typedef struct {
    mlclf_model_t            *model;
    void                     *buf;
    const char               *version;
    mlclf_limits_t            limits;
} fuzz_case_t;


static int fuzz_init(void);
static void fuzz_one(const fuzz_case_t *fc, const char *body, size_t len);
static void fuzz_reply(const fuzz_case_t *fc, const mlclf_request_t *req);
static void fuzz_shadow(const mlclf_model_t *m, const mlclf_model_t *s,
    const mlclf_request_t *req);
static void fuzz_check_row(const mlclf_model_t *m, const cJSON *row,
    unsigned probabilities, unsigned explain);
static void fuzz_reject(const mlclf_request_t *req, const mlclf_err_t *err);
static void fuzz_number(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static fuzz_case_t  fuzz_cases[6];
static int          fuzz_ready;
static int          fuzz_verbose;

static const char  *fuzz_reasons[] = {
    "bad_json", "bad_shape", "unknown_feature", "missing_feature",
    "duplicate_feature", "missing_value", "not_a_number", "non_finite",
    "too_many_rows", "empty_batch", "empty_body", "too_deep",
    "not_a_string", "bad_text", "text_too_long", "unknown_category",
    "cannot_explain", NULL
};


static int
fuzz_init(void)
{
    size_t        i;
    mlclf_spec_t  spec;

    if (fuzz_ready) {
        return 0;
    }

    memset(fuzz_cases, 0, sizeof(fuzz_cases));

    fuzz_verbose = (getenv("FUZZ_VERBOSE") != NULL);

    fuzz_spec_lr3(&spec);
    fuzz_cases[0].model = fuzz_model_build(&spec, &fuzz_cases[0].buf);
    fuzz_cases[0].version = "v3";

    fuzz_spec_lr2(&spec);
    fuzz_cases[1].model = fuzz_model_build(&spec, &fuzz_cases[1].buf);
    fuzz_cases[1].version = "";
    fuzz_cases[1].limits.max_rows = 3;
    fuzz_cases[1].limits.max_depth = 3;

    fuzz_spec_rf(&spec);
    fuzz_cases[2].model = fuzz_model_build(&spec, &fuzz_cases[2].buf);
    fuzz_cases[2].version = "v\"7\\";

    fuzz_cases[3].model = fuzz_model_build(&spec, &fuzz_cases[3].buf);
    fuzz_cases[3].version = "v7";
    fuzz_cases[3].limits.max_rows = 2;
    fuzz_cases[3].limits.max_depth = 4;

    fuzz_spec_gbt(&spec);
    fuzz_cases[4].model = fuzz_model_build(&spec, &fuzz_cases[4].buf);
    fuzz_cases[4].version = "v1";
    fuzz_cases[4].limits.max_explain_rows = 2;

    fuzz_spec_inputs(&spec);
    fuzz_cases[5].model = fuzz_model_build(&spec, &fuzz_cases[5].buf);
    fuzz_cases[5].version = "v2";
    fuzz_cases[5].limits.max_text = 64;

    for (i = 0; i < sizeof(fuzz_cases) / sizeof(fuzz_cases[0]); i++) {
        if (fuzz_cases[i].model == NULL) {
            fprintf(stderr, "fuzz_request: cannot build model %zu\n", i);
            return -1;
        }
    }

    fuzz_ready = 1;

    return 0;
}


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;

    if (fuzz_init() != 0) {
        abort();
    }

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char    *body;
    size_t   i;

    if (fuzz_init() != 0) {
        abort();
    }

    /* an exact-size copy: reading past the body is an ASan report */

    body = malloc(size ? size : 1);
    if (body == NULL) {
        return 0;
    }

    memcpy(body, data, size);

    for (i = 0; i < sizeof(fuzz_cases) / sizeof(fuzz_cases[0]); i++) {
        fuzz_one(&fuzz_cases[i], body, size);
    }

    free(body);

    fuzz_number(data, size);

    return 0;
}


static void
fuzz_one(const fuzz_case_t *fc, const char *body, size_t len)
{
    int              rc;
    size_t           max_rows, i;
    mlclf_err_t      err;
    mlclf_request_t  req;

    memset(&err, 0, sizeof(err));

    rc = mlclf_request_parse(&req, fc->model, body, len, &fc->limits, &err);

    if (fuzz_verbose) {
        fprintf(stderr, "%s: %d %s %s\n", fc->version, rc,
                rc ? mlclf_reason_name(req.reason) : "-", rc ? err.msg : "");
    }

    if (rc == MLCLF_OK) {
        max_rows = fc->limits.max_rows ? fc->limits.max_rows
                                       : MLCLF_DEFAULT_MAX_ROWS;

        FUZZ_CHECK(req.n_rows >= 1 && req.n_rows <= max_rows);
        FUZZ_CHECK(req.rows != NULL && req.root != NULL);
        FUZZ_CHECK(req.batch || req.n_rows == 1);

        fuzz_reply(fc, &req);

        for (i = 0; i < sizeof(fuzz_cases) / sizeof(fuzz_cases[0]); i++) {
            if (mlclf_shadow_check(fc->model, fuzz_cases[i].model, &err)
                == MLCLF_OK)
            {
                fuzz_shadow(fc->model, fuzz_cases[i].model, &req);
            }
        }

    } else if (rc == MLCLF_EREQUEST) {
        fuzz_reject(&req, &err);

    } else {
        FUZZ_CHECK(rc == MLCLF_ENOMEM);
    }

    mlclf_request_free(&req);

    /* a second free is harmless */
    mlclf_request_free(&req);
}


/*
 * Every row scored by the shadow s, or refused for one of the two
 * reasons a shadow has; a model never refuses its own rows.
 */
static void
fuzz_shadow(const mlclf_model_t *m, const mlclf_model_t *s,
    const mlclf_request_t *req)
{
    int             rc;
    size_t          i, n;
    double         *scratch, sum;
    uint32_t        k, c, nc;
    mlclf_shadow_t  sh;

    nc = mlclf_model_n_classes(s);

    scratch = malloc(mlclf_shadow_scratch(&sh, s, req) * sizeof(double));
    FUZZ_CHECK(scratch != NULL);

    mlclf_shadow_init(&sh, scratch);

    for (i = 0, n = 0; i < req->n_rows; i++) {
        rc = mlclf_shadow_next(&sh, &k);

        if (rc != MLCLF_OK) {
            FUZZ_CHECK(rc == MLCLF_EREQUEST && m != s);
            FUZZ_CHECK(sh.reason == MLCLF_REASON_MISSING_VALUE
                       || sh.reason == MLCLF_REASON_UNKNOWN_CATEGORY);
            continue;
        }

        FUZZ_CHECK(k < nc);

        sum = 0;

        for (c = 0; c < nc; c++) {
            FUZZ_CHECK(sh.proba[c] >= 0.0 && sh.proba[c] <= 1.0);
            sum += sh.proba[c];
        }

        FUZZ_CHECK(fabs(sum - 1.0) < 1e-9);
        n++;
    }

    FUZZ_CHECK(sh.i == req->n_rows);
    FUZZ_CHECK(m != s || n == req->n_rows);

    free(scratch);
}


static void
fuzz_reply(const fuzz_case_t *fc, const mlclf_request_t *req)
{
    int             rc;
    size_t          bound, i, nf, nc, n, sum;
    cJSON          *root, *item, *row;
    double         *scratch, *x;
    uint64_t       *counts;
    mlclf_err_t     err;
    mlclf_reply_t   rep;
    const char     *label;

    nf = mlclf_model_n_features(fc->model);
    nc = mlclf_model_n_classes(fc->model);
    n = mlclf_reply_scratch_for(fc->model, req);

    FUZZ_CHECK(n >= nc);
    FUZZ_CHECK(mlclf_model_has_inputs(fc->model) || n >= nf + nc);

    scratch = malloc(n * sizeof(double));
    counts = calloc(nc, sizeof(uint64_t));
    x = malloc(nf * sizeof(double));

    FUZZ_CHECK(scratch != NULL && counts != NULL && x != NULL);

    /*
     * every row the parser accepted is finite after imputing, or NaN
     * where a model that routes missing values has none
     */

    for (i = 0; i < req->n_rows && !mlclf_model_has_inputs(fc->model); i++)
    {
        mlclf_request_row(req, fc->model, i, x);

        for (n = 0; n < nf; n++) {
            FUZZ_CHECK(isfinite(x[n])
                       || (isnan(x[n])
                           && mlclf_model_routes_missing(fc->model)));
        }
    }

    bound = mlclf_reply_bound(fc->model, req, fc->version);
    FUZZ_CHECK(bound > 0);

    memset(&rep, 0, sizeof(rep));
    rep.buf = malloc(bound);
    rep.size = bound;
    rep.scratch = scratch;
    rep.class_counts = counts;
    rep.version = fc->version;

    FUZZ_CHECK(rep.buf != NULL);

    memset(&err, 0, sizeof(err));

    rc = mlclf_reply_write(&rep, fc->model, req, &err);

    FUZZ_CHECK(rc == MLCLF_OK);
    FUZZ_CHECK(rep.len < bound);
    FUZZ_CHECK(rep.buf[rep.len] == '\0');
    FUZZ_CHECK(strlen(rep.buf) == rep.len);
    FUZZ_CHECK(rep.first_class < nc);
    FUZZ_CHECK(rep.first_confidence >= 0.0 && rep.first_confidence <= 1.0);

    sum = 0;
    for (i = 0; i < nc; i++) {
        sum += counts[i];
    }

    FUZZ_CHECK(sum == req->n_rows);

    root = cJSON_ParseWithLength(rep.buf, rep.len);
    FUZZ_CHECK(root != NULL && cJSON_IsObject(root));

    item = cJSON_GetObjectItemCaseSensitive(root, "model_version");
    FUZZ_CHECK(cJSON_IsString(item));
    FUZZ_CHECK(strcmp(item->valuestring, fc->version) == 0);

    if (req->batch) {
        item = cJSON_GetObjectItemCaseSensitive(root, "predictions");
        FUZZ_CHECK(cJSON_IsArray(item));
        FUZZ_CHECK((size_t) cJSON_GetArraySize(item) == req->n_rows);

        row = item->child;

        for (i = 0; row != NULL; i++, row = row->next) {
            fuzz_check_row(fc->model, row, req->probabilities,
                           req->explain);
        }

        row = item->child;

    } else {
        fuzz_check_row(fc->model, root, req->probabilities, req->explain);
        row = root;
    }

    /* row 0's label is the one first_class names */

    label = mlclf_model_class_label(fc->model, rep.first_class);
    item = cJSON_GetObjectItemCaseSensitive(row, "prediction");
    FUZZ_CHECK(strcmp(item->valuestring, label) == 0);

    cJSON_Delete(root);
    free(rep.buf);
    free(scratch);
    free(counts);
    free(x);
}


static void
fuzz_check_row(const mlclf_model_t *m, const cJSON *row,
    unsigned probabilities, unsigned explain)
{
    double        sum, best;
    uint32_t      k, nc;
    const cJSON  *item, *p;
    const char   *label;

    FUZZ_CHECK(cJSON_IsObject(row));

    item = cJSON_GetObjectItemCaseSensitive(row, "prediction");
    FUZZ_CHECK(cJSON_IsString(item));

    nc = mlclf_model_n_classes(m);

    for (k = 0; k < nc; k++) {
        if (strcmp(item->valuestring, mlclf_model_class_label(m, k)) == 0) {
            break;
        }
    }

    FUZZ_CHECK(k < nc);

    item = cJSON_GetObjectItemCaseSensitive(row, "confidence");
    FUZZ_CHECK(cJSON_IsNumber(item));
    FUZZ_CHECK(item->valuedouble >= 0.0 && item->valuedouble <= 1.0);

    best = item->valuedouble;

    /* an explanation: one base per output, one contribution per input */
    item = cJSON_GetObjectItemCaseSensitive(row, "explanation");
    FUZZ_CHECK((item != NULL) == (explain != 0));

    if (item != NULL) {
        p = cJSON_GetObjectItemCaseSensitive(item, "base");
        FUZZ_CHECK((uint32_t) cJSON_GetArraySize(p)
                   == mlclf_explain_n_outputs(m));
        p = cJSON_GetObjectItemCaseSensitive(item, "contributions");
        FUZZ_CHECK((uint32_t) cJSON_GetArraySize(p)
                   == mlclf_model_n_inputs(m));
    }

    item = cJSON_GetObjectItemCaseSensitive(row, "probabilities");

    if (!probabilities) {
        FUZZ_CHECK(item == NULL);
        return;
    }

    FUZZ_CHECK(cJSON_IsObject(item));
    FUZZ_CHECK((uint32_t) cJSON_GetArraySize(item) == nc);

    sum = 0.0;

    for (k = 0; k < nc; k++) {
        label = mlclf_model_class_label(m, k);
        p = cJSON_GetObjectItemCaseSensitive(item, label);

        FUZZ_CHECK(cJSON_IsNumber(p));
        FUZZ_CHECK(p->valuedouble >= 0.0 && p->valuedouble <= 1.0);
        FUZZ_CHECK(p->valuedouble <= best);

        sum += p->valuedouble;
    }

    FUZZ_CHECK(fabs(sum - 1.0) < 1e-9);
}


static void
fuzz_reject(const mlclf_request_t *req, const mlclf_err_t *err)
{
    char         small[8], *buf;
    size_t       i, n, m;
    cJSON       *root, *item;
    const char  *reason;

    reason = mlclf_reason_name(req->reason);

    FUZZ_CHECK(req->reason != MLCLF_REASON_NONE);
    FUZZ_CHECK(req->status == 400 || req->status == 413);
    FUZZ_CHECK(err->code == MLCLF_EREQUEST);
    FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
    FUZZ_CHECK(err->msg[0] != '\0');

    for (i = 0; fuzz_reasons[i] != NULL; i++) {
        if (strcmp(reason, fuzz_reasons[i]) == 0) {
            break;
        }
    }

    FUZZ_CHECK(fuzz_reasons[i] != NULL);

    /* the error body: its length first, then the exact-size buffer */

    n = mlclf_error_json(small, sizeof(small), err->msg, reason);
    FUZZ_CHECK(n >= sizeof("{\"error\":\"\",\"reason\":\"\"}") - 1);

    buf = malloc(n + 1);
    FUZZ_CHECK(buf != NULL);

    m = mlclf_error_json(buf, n + 1, err->msg, reason);
    FUZZ_CHECK(m == n);
    FUZZ_CHECK(strlen(buf) == n);

    root = cJSON_ParseWithLength(buf, n);
    FUZZ_CHECK(root != NULL && cJSON_IsObject(root));

    item = cJSON_GetObjectItemCaseSensitive(root, "reason");
    FUZZ_CHECK(cJSON_IsString(item));
    FUZZ_CHECK(strcmp(item->valuestring, reason) == 0);

    item = cJSON_GetObjectItemCaseSensitive(root, "error");
    FUZZ_CHECK(cJSON_IsString(item));

    cJSON_Delete(root);
    free(buf);
}


/*
 * mlclf_double_format() on the first eight input bytes read as a double:
 * the text must be a plain number that strtod() reads back exactly.
 */
static void
fuzz_number(const uint8_t *data, size_t size)
{
    char    buf[32], *end;
    double  d, back;
    size_t  n;

    if (size < sizeof(double)) {
        return;
    }

    memcpy(&d, data, sizeof(double));

    if (!isfinite(d)) {
        return;
    }

    memset(buf, 0, sizeof(buf));

    n = mlclf_double_format(buf, d);
    FUZZ_CHECK(n > 0 && n <= 24);

    buf[n] = '\0';

    back = strtod(buf, &end);
    FUZZ_CHECK(end == buf + n);
    FUZZ_CHECK(back == d);
}
