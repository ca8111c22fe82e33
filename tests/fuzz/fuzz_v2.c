/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: a V2 infer body (KServe's Open Inference Protocol)
 * through mlclf_v2_request_parse() and, when accepted,
 * mlclf_v2_reply_bound() + mlclf_v2_reply_write() on the fixed models
 * of fuzz_models.h.  The input's first two bytes are the JSON part's
 * length (Inference-Header-Content-Length, little-endian; 0xffff: the
 * whole body), the rest the body.  Every broken invariant ends in
 * __builtin_trap(), so that libFuzzer keeps the input.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <mlclf.h>
#include <mlclf_input.h>
#include <mlclf_v2.h>
#include "fuzz.h"
#include "fuzz_models.h"


typedef struct {
    mlclf_model_t            *model;
    void                     *buf;
    const char               *version;
    mlclf_limits_t            limits;
} fuzz_case_t;


static int fuzz_init(void);
static void fuzz_one(const fuzz_case_t *fc, const char *body, size_t len,
    size_t json_len);
static void fuzz_reply(const fuzz_case_t *fc, const mlclf_v2_request_t *v2);
static void fuzz_outputs(const fuzz_case_t *fc, const mlclf_v2_request_t *v2,
    const cJSON *root, size_t bin_len);
static void fuzz_same_proba(const fuzz_case_t *fc,
    const mlclf_v2_request_t *v2, const cJSON *data);
static void fuzz_reject(const mlclf_v2_request_t *v2,
    const mlclf_err_t *err);
static void fuzz_fast(const fuzz_case_t *fc, const char *body, size_t len);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static fuzz_case_t  fuzz_cases[5];
static int          fuzz_ready;
static int          fuzz_verbose;

static const char  *fuzz_reasons[] = {
    "bad_json", "bad_shape", "unknown_feature", "missing_feature",
    "duplicate_feature", "missing_value", "not_a_number", "non_finite",
    "too_many_rows", "empty_batch", "empty_body", "too_deep",
    "not_a_string", "bad_text", "text_too_long", "unknown_category",
    "bad_tensor", "cannot_explain", NULL
};


static int
fuzz_init(void)
{
    size_t        i, n;
    char          meta[4096];
    cJSON        *root;
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
    fuzz_cases[1].limits.max_depth = 4;

    fuzz_spec_rf(&spec);
    fuzz_cases[2].model = fuzz_model_build(&spec, &fuzz_cases[2].buf);
    fuzz_cases[2].version = "v\"7\\";

    fuzz_spec_gbt(&spec);
    fuzz_cases[3].model = fuzz_model_build(&spec, &fuzz_cases[3].buf);
    fuzz_cases[3].version = "v1";
    fuzz_cases[3].limits.max_explain_rows = 2;

    fuzz_spec_inputs(&spec);
    fuzz_cases[4].model = fuzz_model_build(&spec, &fuzz_cases[4].buf);
    fuzz_cases[4].version = "v2";
    fuzz_cases[4].limits.max_text = 64;

    for (i = 0; i < sizeof(fuzz_cases) / sizeof(fuzz_cases[0]); i++) {
        if (fuzz_cases[i].model == NULL) {
            fprintf(stderr, "fuzz_v2: cannot build model %zu\n", i);
            return -1;
        }

        /* the metadata: measured, then written, valid JSON */

        n = mlclf_v2_metadata(NULL, 0, fuzz_cases[i].model, "m\"x",
                              fuzz_cases[i].version);
        FUZZ_CHECK(n < sizeof(meta));
        FUZZ_CHECK(mlclf_v2_metadata(meta, sizeof(meta), fuzz_cases[i].model,
                                     "m\"x", fuzz_cases[i].version) == n);

        root = cJSON_ParseWithLength(meta, n);
        FUZZ_CHECK(root != NULL);
        cJSON_Delete(root);
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
    size_t   i, len, json_len;

    if (fuzz_init() != 0) {
        abort();
    }

    if (size < 2) {
        return 0;
    }

    json_len = data[0] | (size_t) data[1] << 8;
    len = size - 2;

    if (json_len == 0xffff) {
        json_len = len;
    }

    /* an exact-size copy: reading past the body is an ASan report */

    body = malloc(len ? len : 1);
    if (body == NULL) {
        return 0;
    }

    memcpy(body, data + 2, len);

    for (i = 0; i < sizeof(fuzz_cases) / sizeof(fuzz_cases[0]); i++) {
        fuzz_one(&fuzz_cases[i], body, len, json_len);

        if (json_len == len) {
            fuzz_fast(&fuzz_cases[i], body, len);
        }
    }

    free(body);

    return 0;
}


static void
fuzz_one(const fuzz_case_t *fc, const char *body, size_t len,
    size_t json_len)
{
    int                  rc;
    size_t               max_rows;
    mlclf_err_t          err;
    mlclf_v2_request_t   v2;

    memset(&err, 0, sizeof(err));

    rc = mlclf_v2_request_parse(&v2, fc->model, body, len, json_len,
                                &fc->limits, &err);

    if (fuzz_verbose) {
        fprintf(stderr, "%s: %d %s %s\n", fc->version, rc,
                rc ? mlclf_reason_name(v2.req.reason) : "-",
                rc ? err.msg : "");
    }

    if (rc == MLCLF_OK) {
        max_rows = fc->limits.max_rows ? fc->limits.max_rows
                                       : MLCLF_DEFAULT_MAX_ROWS;

        FUZZ_CHECK(json_len <= len);
        FUZZ_CHECK(v2.req.n_rows >= 1 && v2.req.n_rows <= max_rows);
        FUZZ_CHECK(v2.req.rows != NULL && v2.req.root != NULL);
        FUZZ_CHECK(v2.req.batch);
        FUZZ_CHECK(v2.outputs[0].wanted || v2.outputs[1].wanted);

        fuzz_reply(fc, &v2);

    } else if (rc == MLCLF_EREQUEST) {
        fuzz_reject(&v2, &err);

    } else {
        FUZZ_CHECK(rc == MLCLF_ENOMEM);
    }

    mlclf_v2_request_free(&v2);

    /* a second free is harmless */
    mlclf_v2_request_free(&v2);
}


static void
fuzz_reply(const fuzz_case_t *fc, const mlclf_v2_request_t *v2)
{
    int             rc;
    size_t          bound, n, nc, json_len;
    cJSON          *root;
    double         *scratch;
    uint64_t       *counts;
    mlclf_err_t     err;
    mlclf_reply_t   rep;

    nc = mlclf_model_n_classes(fc->model);
    n = mlclf_reply_scratch_for(fc->model, &v2->req);

    scratch = malloc(n * sizeof(double));
    counts = calloc(nc, sizeof(uint64_t));

    FUZZ_CHECK(scratch != NULL && counts != NULL);

    bound = mlclf_v2_reply_bound(fc->model, v2, "m\"x", fc->version);
    FUZZ_CHECK(bound > 0);

    memset(&rep, 0, sizeof(rep));
    rep.buf = malloc(bound);
    rep.size = bound;
    rep.scratch = scratch;
    rep.class_counts = counts;
    rep.version = fc->version;

    FUZZ_CHECK(rep.buf != NULL);

    memset(&err, 0, sizeof(err));

    rc = mlclf_v2_reply_write(&rep, fc->model, v2, "m\"x", &json_len, &err);

    FUZZ_CHECK(rc == MLCLF_OK);
    FUZZ_CHECK(rep.len <= bound && json_len <= rep.len);
    FUZZ_CHECK(rep.first_class < nc);
    FUZZ_CHECK(rep.first_confidence >= 0.0 && rep.first_confidence <= 1.0);

    for (n = 0, rc = 0; n < nc; n++) {
        rc += (int) counts[n];
    }

    FUZZ_CHECK((size_t) rc == v2->req.n_rows);

    root = cJSON_ParseWithLength(rep.buf, json_len);
    FUZZ_CHECK(root != NULL);

    FUZZ_CHECK(strcmp(cJSON_GetObjectItem(root, "model_name")->valuestring,
                      "m\"x") == 0);
    FUZZ_CHECK(strcmp(cJSON_GetObjectItem(root, "model_version")
                      ->valuestring, fc->version) == 0);
    FUZZ_CHECK((v2->id != NULL)
               == (cJSON_GetObjectItem(root, "id") != NULL));

    fuzz_outputs(fc, v2, root, rep.len - json_len);

    cJSON_Delete(root);
    free(rep.buf);
    free(scratch);
    free(counts);
}


/*
 * Each output as asked: its datatype, its shape, its data or binary
 * size; the binary sizes add up to the bytes after the JSON.
 */
static void
fuzz_outputs(const fuzz_case_t *fc, const mlclf_v2_request_t *v2,
    const cJSON *root, size_t bin_len)
{
    size_t                    n, count, bin;
    uint32_t                  k, nc;
    unsigned                  o;
    const cJSON              *out, *shape, *data, *params;
    const mlclf_v2_output_t  *want;

    nc = mlclf_model_n_classes(fc->model);
    n = v2->req.n_rows;
    bin = 0;

    out = cJSON_GetObjectItem(root, "outputs")->child;

    for (o = 0; o < MLCLF_V2_N_OUTPUTS; o++) {
        want = &v2->outputs[o];

        if (!want->wanted) {
            continue;
        }

        FUZZ_CHECK(out != NULL);

        k = want->classification;
        shape = cJSON_GetObjectItem(out, "shape");
        data = cJSON_GetObjectItem(out, "data");
        params = cJSON_GetObjectItem(out, "parameters");

        FUZZ_CHECK((size_t) cJSON_GetArrayItem(shape, 0)->valuedouble == n);

        count = n * (k ? k : (o == MLCLF_V2_OUT_LABEL ? 1 : nc));

        if (o == MLCLF_V2_OUT_EXPLANATION) {
            count = n * mlclf_explain_n_outputs(fc->model)
                    * (mlclf_model_n_inputs(fc->model) + 1);
        }

        if (want->binary) {
            FUZZ_CHECK(data == NULL && params != NULL);
            bin += (size_t) cJSON_GetObjectItem(params, "binary_data_size")
                       ->valuedouble;

        } else {
            FUZZ_CHECK((size_t) cJSON_GetArraySize(data) == count);

            if (k == 0 && o == MLCLF_V2_OUT_PROBABILITIES) {
                fuzz_same_proba(fc, v2, data);
            }
        }

        out = out->next;
    }

    FUZZ_CHECK(out == NULL);
    FUZZ_CHECK(bin == bin_len);
}


/* the probabilities of each row as mlclf_predict_proba() gives them */
static void
fuzz_same_proba(const fuzz_case_t *fc, const mlclf_v2_request_t *v2,
    const cJSON *data)
{
    double        x[64], p[8];
    size_t        i;
    uint32_t      c, nc;
    const cJSON  *v;

    if (mlclf_model_has_inputs(fc->model)) {
        return;
    }

    nc = mlclf_model_n_classes(fc->model);
    v = data->child;

    FUZZ_CHECK(mlclf_model_n_features(fc->model) <= 64 && nc <= 8);

    for (i = 0; i < v2->req.n_rows; i++) {
        mlclf_request_row(&v2->req, fc->model, i, x);
        (void) mlclf_predict_proba(fc->model, x, p);

        for (c = 0; c < nc; c++, v = v->next) {
            FUZZ_CHECK(v != NULL && v->valuedouble == p[c]);
            FUZZ_CHECK(p[c] >= 0.0 && p[c] <= 1.0);
        }
    }
}


static void
fuzz_reject(const mlclf_v2_request_t *v2, const mlclf_err_t *err)
{
    size_t       i, n;
    char         body[2048];
    cJSON       *root;
    const char  *reason;

    FUZZ_CHECK(err->code == MLCLF_EREQUEST);
    FUZZ_CHECK(err->msg[0] != '\0');
    FUZZ_CHECK(v2->req.status == 400 || v2->req.status == 413);

    reason = mlclf_reason_name(v2->req.reason);

    for (i = 0; fuzz_reasons[i] != NULL; i++) {
        if (strcmp(reason, fuzz_reasons[i]) == 0) {
            break;
        }
    }

    FUZZ_CHECK(fuzz_reasons[i] != NULL);
    FUZZ_CHECK((v2->req.status == 413)
               == (strcmp(reason, "too_many_rows") == 0
                   || strcmp(reason, "text_too_long") == 0));

    n = mlclf_error_json(body, sizeof(body), err->msg, reason);
    FUZZ_CHECK(n < sizeof(body));

    root = cJSON_ParseWithLength(body, n);
    FUZZ_CHECK(root != NULL);
    cJSON_Delete(root);
}


/*
 * A body the fast path takes reads the same through the full parser:
 * the body with an empty "outputs" (all of them, as without it) added,
 * which the fast path leaves to it, gives the same rows, bit for bit,
 * the same outputs and the same id.
 */
static void
fuzz_fast(const fuzz_case_t *fc, const char *body, size_t len)
{
    int                  rc;
    char                *full;
    size_t               i, nf, flen;
    mlclf_err_t          err;
    mlclf_v2_request_t   fast, v2;

    memset(&fast, 0, sizeof(fast));

    rc = mlclf_v2_request_fast(&fast, fc->model, body, len,
                               fc->limits.max_rows ? fc->limits.max_rows
                               : MLCLF_DEFAULT_MAX_ROWS,
                               fc->limits.max_depth ? fc->limits.max_depth
                               : MLCLF_DEFAULT_MAX_DEPTH);

    if (rc != MLCLF_OK) {
        FUZZ_CHECK(rc == MLCLF_EREQUEST);
        return;
    }

    for (i = 0; i < len && body[i] != '{'; i++) {
        /* void */
    }

    FUZZ_CHECK(i < len);

    full = malloc(len + 32);
    FUZZ_CHECK(full != NULL);

    memcpy(full, body, i + 1);
    flen = i + 1;
    memcpy(full + flen, "\"outputs\":[],", 13);
    flen += 13;
    memcpy(full + flen, body + i + 1, len - i - 1);
    flen += len - i - 1;

    rc = mlclf_v2_request_parse(&v2, fc->model, full, flen, flen,
                                &fc->limits, &err);

    FUZZ_CHECK(rc == MLCLF_OK);
    FUZZ_CHECK(v2.req.n_rows == fast.req.n_rows && v2.req.dense);

    nf = mlclf_model_n_features(fc->model);

    FUZZ_CHECK(memcmp(v2.req.rows, fast.req.rows,
                      fast.req.n_rows * nf * sizeof(double)) == 0);
    FUZZ_CHECK(memcmp(v2.outputs, fast.outputs, sizeof(v2.outputs)) == 0);
    FUZZ_CHECK((v2.id == NULL && fast.id == NULL)
               || (v2.id != NULL && fast.id != NULL
                   && strcmp(v2.id, fast.id) == 0));

    mlclf_v2_request_free(&v2);
    mlclf_v2_request_free(&fast);
    free(full);
}
