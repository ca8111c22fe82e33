
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Explanations over KServe's V2 infer (docs/kserve.md): the request
 * parameter "explain": true adds the output "explanation", FP64 of
 * shape [N, n_outputs, n_inputs + 1], whose values are mlclf_explain()'s
 * (or mlclf_explain_terms()'s) for each row, bit for bit, in JSON and
 * as binary data; naming the output asks for it too.  Then what is
 * refused: explain not a boolean (400 bad_shape), more rows than
 * max_explain_rows (413 too_many_rows), a model without covers (400
 * cannot_explain), a classification asked of the explanation.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "model_spec.h"
#include "tap.h"
#include "v2_helpers.h"


#define T_BODY(params)                                                       \
    "{\"inputs\":[{\"name\":\"features\",\"shape\":[3,2],\"datatype\":"       \
    "\"FP64\",\"data\":[1,2,3,-2,0.25,null]}]" params "}"


static const double  t_rows[3][2] = {
    { 1.0, 2.0 }, { 3.0, -2.0 }, { 0.25, NAN }
};


static char *t_write(const mlclf_model_t *m, const char *body,
    const mlclf_limits_t *limits, size_t *json_len, size_t *len);
static const cJSON *t_output(const cJSON *root, const char *name);
static int t_same(const mlclf_model_t *m, const cJSON *out,
    const unsigned char *bin);
static void t_gbt(void);
static void t_refused(void);
static void t_inputs(void);


/* The reply to body, malloc()ed, or NULL (a diagnostic said why). */
static char *
t_write(const mlclf_model_t *m, const char *body,
    const mlclf_limits_t *limits, size_t *json_len, size_t *len)
{
    int                  rc;
    char                *buf;
    double              *scratch;
    size_t               bound;
    mlclf_err_t          err;
    mlclf_reply_t        rep;
    mlclf_v2_request_t   v2;

    rc = mlclf_v2_request_parse(&v2, m, body, strlen(body), strlen(body),
                                limits, &err);
    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        mlclf_v2_request_free(&v2);
        return NULL;
    }

    scratch = calloc(mlclf_reply_scratch_for(m, &v2.req), sizeof(double));
    bound = mlclf_v2_reply_bound(m, &v2, "m", "v1");
    buf = malloc(bound);

    memset(&rep, 0, sizeof(rep));
    rep.buf = buf;
    rep.size = bound;
    rep.scratch = scratch;
    rep.version = "v1";

    rc = mlclf_v2_reply_write(&rep, m, &v2, "m", json_len, &err);
    *len = rep.len;

    free(scratch);
    mlclf_v2_request_free(&v2);

    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        free(buf);
        return NULL;
    }

    return buf;
}


static const cJSON *
t_output(const cJSON *root, const char *name)
{
    const cJSON  *o;

    o = cJSON_GetObjectItem(root, "outputs");

    for (o = o != NULL ? o->child : NULL; o != NULL; o = o->next) {
        if (strcmp(cJSON_GetObjectItem(o, "name")->valuestring, name) == 0) {
            return o;
        }
    }

    return NULL;
}


/*
 * The explanation output is FP64 [3, n_outputs, n_features + 1], its
 * values mlclf_explain()'s of t_rows, from "data" or from bin.
 */
static int
t_same(const mlclf_model_t *m, const cJSON *out, const unsigned char *bin)
{
    int            same;
    double         phi[64], scratch[512], v;
    size_t         r, j, n, b;
    uint64_t       u;
    const cJSON   *shape, *data;

    n = (size_t) mlclf_explain_n_outputs(m) * (mlclf_model_n_features(m) + 1);
    shape = cJSON_GetObjectItem(out, "shape");
    data = cJSON_GetObjectItem(out, "data");

    same = out != NULL
           && strcmp(cJSON_GetObjectItem(out, "datatype")->valuestring,
                     "FP64") == 0
           && cJSON_GetArraySize(shape) == 3
           && cJSON_GetArrayItem(shape, 0)->valuedouble == 3
           && cJSON_GetArrayItem(shape, 1)->valuedouble
              == mlclf_explain_n_outputs(m)
           && cJSON_GetArrayItem(shape, 2)->valuedouble
              == mlclf_model_n_features(m) + 1
           && (bin != NULL || cJSON_GetArraySize(data) == (int) (3 * n));

    for (r = 0; same && r < 3; r++) {
        mlclf_explain(m, t_rows[r], phi, scratch);

        for (j = 0; same && j < n; j++) {
            if (bin != NULL) {
                for (b = 0, u = 0; b < 8; b++) {
                    u |= (uint64_t) bin[(r * n + j) * 8 + b] << (8 * b);
                }

                memcpy(&v, &u, sizeof(v));

            } else {
                v = cJSON_GetArrayItem(data, (int) (r * n + j))->valuedouble;
            }

            same = v == phi[j];
        }
    }

    return same;
}


static void
t_gbt(void)
{
    char           *out, meta[1024];
    void           *buf;
    cJSON          *root;
    size_t          jl, len, off;
    const cJSON    *o, *p;
    mlclf_spec_t    s;
    mlclf_model_t  *m;

    model_spec_gbt(&s);
    model_spec_explain(&s);
    m = model_spec_load(&s, &buf);

    out = t_write(m, T_BODY(",\"parameters\":{\"explain\":true}"), NULL,
                  &jl, &len);
    root = out != NULL ? cJSON_ParseWithLength(out, jl) : NULL;

    ok(t_output(root, "probabilities") != NULL
       && t_output(root, "label") != NULL,
       "explain: probabilities and label as without it");
    ok(t_same(m, t_output(root, "explanation"), NULL),
       "explain: explanation FP64 [3, 3, 3], mlclf_explain()'s values");
    cJSON_Delete(root);
    free(out);

    out = t_write(m, T_BODY(",\"parameters\":{\"explain\":true,"
                            "\"binary_data_output\":true}"), NULL,
                  &jl, &len);
    root = out != NULL ? cJSON_ParseWithLength(out, jl) : NULL;

    /* the binary outputs follow the JSON part in its order */
    off = jl;

    for (o = root ? cJSON_GetObjectItem(root, "outputs")->child : NULL;
         o != NULL && strcmp(cJSON_GetObjectItem(o, "name")->valuestring,
                             "explanation") != 0;
         o = o->next)
    {
        p = cJSON_GetObjectItem(o, "parameters");
        off += (size_t) cJSON_GetObjectItem(p, "binary_data_size")
                   ->valuedouble;
    }

    p = o != NULL ? cJSON_GetObjectItem(o, "parameters") : NULL;

    ok(o != NULL && cJSON_GetObjectItem(o, "data") == NULL
       && cJSON_GetObjectItem(p, "binary_data_size")->valuedouble == 3 * 9 * 8
       && off + 3 * 9 * 8 == len,
       "binary: explanation's binary_data_size is 216, the last bytes");
    ok(o != NULL && t_same(m, o, (const unsigned char *) out + off),
       "binary: little-endian doubles, mlclf_explain()'s");
    cJSON_Delete(root);
    free(out);

    out = t_write(m, T_BODY(",\"outputs\":[{\"name\":\"explanation\"}]"),
                  NULL, &jl, &len);
    root = out != NULL ? cJSON_ParseWithLength(out, jl) : NULL;
    ok(t_output(root, "probabilities") == NULL
       && t_output(root, "label") == NULL
       && t_same(m, t_output(root, "explanation"), NULL),
       "the output named: it alone, without the parameter");
    cJSON_Delete(root);
    free(out);

    len = mlclf_v2_metadata(meta, sizeof(meta), m, "m", "v1");
    ok(len < sizeof(meta)
       && strstr(meta, ",{\"name\":\"explanation\",\"datatype\":\"FP64\","
                       "\"shape\":[-1,3,3]}]}") != NULL,
       "metadata lists the explanation output");

    out = t_write(m, T_BODY(",\"parameters\":{\"explain\":false}"), NULL,
                  &jl, &len);
    root = out != NULL ? cJSON_ParseWithLength(out, jl) : NULL;
    ok(root != NULL && t_output(root, "explanation") == NULL
       && t_output(root, "label") != NULL, "explain false: no explanation");
    cJSON_Delete(root);
    free(out);

    mlclf_model_close(&m);
    free(buf);
}


static void
t_refused(void)
{
    int                  rc;
    char                 meta[1024];
    void                *buf;
    const char          *b;
    mlclf_err_t          err;
    mlclf_spec_t         s;
    mlclf_limits_t       limits;
    mlclf_model_t       *m;
    mlclf_v2_request_t   v2;

    model_spec_gbt(&s);
    model_spec_explain(&s);
    m = model_spec_load(&s, &buf);

    b = T_BODY(",\"parameters\":{\"explain\":\"yes\"}");
    refused(m, b, strlen(b), strlen(b), 400, "bad_shape");
    b = T_BODY(",\"parameters\":{\"explain\":1}");
    refused(m, b, strlen(b), strlen(b), 400, "bad_shape");
    b = T_BODY(",\"parameters\":{\"explain\":null}");
    refused(m, b, strlen(b), strlen(b), 400, "bad_shape");
    b = T_BODY(",\"outputs\":[{\"name\":\"explanation\",\"parameters\":"
               "{\"classification\":1}}]");
    refused(m, b, strlen(b), strlen(b), 400, "bad_shape");

    memset(&limits, 0, sizeof(limits));
    limits.max_explain_rows = 2;

    b = T_BODY(",\"parameters\":{\"explain\":true}");
    rc = mlclf_v2_request_parse(&v2, m, b, strlen(b), strlen(b), &limits,
                                &err);
    is_int(rc, MLCLF_EREQUEST, "3 rows to explain, limit 2: refused");
    is_int(v2.req.status, 413, "413");
    is_str(mlclf_reason_name(v2.req.reason), "too_many_rows",
           "too_many_rows");
    is_str(err.msg, "3 rows to explain, more than the limit of 2",
           "the message /predict gives");
    mlclf_v2_request_free(&v2);

    b = T_BODY(",\"parameters\":{\"explain\":false}");
    rc = mlclf_v2_request_parse(&v2, m, b, strlen(b), strlen(b), &limits,
                                &err);
    is_int(rc, MLCLF_OK, "3 rows, explain false: no limit");
    mlclf_v2_request_free(&v2);

    mlclf_model_close(&m);
    free(buf);

    model_spec_gbt(&s);
    m = model_spec_load(&s, &buf);

    b = T_BODY(",\"parameters\":{\"explain\":true}");
    refused(m, b, strlen(b), strlen(b), 400, "cannot_explain");

    (void) mlclf_v2_metadata(meta, sizeof(meta), m, "m", "v1");
    ok(strstr(meta, "explanation") == NULL,
       "without covers, metadata lists no explanation");

    mlclf_model_close(&m);
    free(buf);
}


/* A model with inputs explains by input, as /predict does. */
static void
t_inputs(void)
{
    char             *out;
    void             *buf;
    cJSON            *root;
    double            mean[MODEL_SPEC_INPUTS_COLUMNS], z, proba;
    size_t            jl, len, i;
    uint32_t          j;
    const cJSON      *o, *data, *pr;
    mlclf_spec_t      s;
    mlclf_model_t    *m;

    for (j = 0; j < MODEL_SPEC_INPUTS_COLUMNS; j++) {
        mean[j] = 0.25 - 0.0625 * j;
    }

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    s.linear_mean = mean;
    m = model_spec_load(&s, &buf);

    out = t_write(m, "{\"inputs\":["
                  "{\"name\":\"n_links\",\"shape\":[2],\"datatype\":\"INT32\","
                  "\"data\":[1,4]},"
                  "{\"name\":\"domain\",\"shape\":[2],\"datatype\":\"BYTES\","
                  "\"data\":[\"a.com\",\"q.org\"]},"
                  "{\"name\":\"subject\",\"shape\":[2],\"datatype\":"
                  "\"BYTES\",\"data\":[\"free money now\",\"hello\"]},"
                  "{\"name\":\"tag\",\"shape\":[2],\"datatype\":\"BYTES\","
                  "\"data\":[\"x\",\"y\"]},"
                  "{\"name\":\"body\",\"shape\":[2],\"datatype\":\"BYTES\","
                  "\"data\":[\"win free money\",\"money\"]}],"
                  "\"parameters\":{\"explain\":true}}", NULL, &jl, &len);
    root = out != NULL ? cJSON_ParseWithLength(out, jl) : NULL;

    o = t_output(root, "explanation");
    data = cJSON_GetObjectItem(o, "data");
    pr = cJSON_GetObjectItem(t_output(root, "probabilities"), "data");

    ok(o != NULL && cJSON_GetArraySize(data) == 12
       && cJSON_GetArrayItem(cJSON_GetObjectItem(o, "shape"), 2)
              ->valuedouble == 6,
       "inputs: [2, 1, 6], five inputs and the base");

    for (i = 0; o != NULL && i < 2; i++) {
        z = 0.0;

        for (j = 0; j < 6; j++) {
            z += cJSON_GetArrayItem(data, (int) (i * 6 + j))->valuedouble;
        }

        proba = cJSON_GetArrayItem(pr, (int) (i * 2 + 1))->valuedouble;
        ok(fabs(1.0 / (1.0 + exp(-z)) - proba) <= 1e-12,
           "inputs: row %zu adds up to its log-odds", i);
    }

    cJSON_Delete(root);
    free(out);
    mlclf_model_close(&m);
    free(buf);
}


int
main(void)
{
    t_gbt();
    t_refused();
    t_inputs();

    return tap_done();
}
