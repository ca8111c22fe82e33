/*
 * Copyright (C) 2026 The mlclf authors
 *
 * KServe's Open Inference Protocol (V2): infer bodies of every layout
 * (one "features" tensor flat or nested, a tensor per input, every
 * datatype, binary tensor data) give bit for bit the probabilities and
 * labels of /predict for the same rows, for a forest, a logreg, a gbt
 * and models with text and category inputs; binary outputs, the
 * classification extension, "id" and outputs selection; model
 * metadata.  Malformed bodies: test_v2_bad.c.
 */


#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tap.h"
#include "mlclf.h"
#include "model_spec.h"
#include "request_helpers.h"
#include "v2_helpers.h"


#define MAXROWS   128
#define MAXC      4


/* What a client reads back from a reply. */
typedef struct {
    size_t        n;
    double        proba[MAXROWS * MAXC];
    char          label[MAXROWS][32];
} rows_t;


static void predict_row(const mlclf_model_t *m, const cJSON *row,
    rows_t *out, size_t i);
static int predict(const mlclf_model_t *m, const char *body, rows_t *out);
static int infer(const mlclf_model_t *m, const char *body, size_t len,
    size_t json_len, rows_t *out, cJSON **reply);
static void same(const mlclf_model_t *m, const char *predict_body,
    const char *body, size_t len, size_t json_len, const char *what);
static void same_json(const mlclf_model_t *m, const char *predict_body,
    const char *v2_json, const char *what);
static void test_numbers(void);
static void test_numbers_xy(const char *what, mlclf_model_t *m);
static void test_big_batch(const mlclf_model_t *m);
static void test_datatypes(void);
static void test_binary(void);
static void test_outputs(void);
static void test_classification(const mlclf_model_t *m);
static void test_inputs_model(mlclf_kind_e kind);
static void test_metadata(void);


/* Row i of a /predict reply ("probabilities": true) into out. */
static void
predict_row(const mlclf_model_t *m, const cJSON *row, rows_t *out, size_t i)
{
    uint32_t      c, nc;
    const cJSON  *probs;

    nc = mlclf_model_n_classes(m);

    snprintf(out->label[i], sizeof(out->label[0]), "%s",
             cJSON_GetObjectItem(row, "prediction")->valuestring);

    probs = cJSON_GetObjectItem(row, "probabilities");

    for (c = 0; c < nc; c++) {
        out->proba[i * nc + c] =
            cJSON_GetObjectItem(probs, mlclf_model_class_label(m, c))
                ->valuedouble;
    }
}


/* /predict's probabilities and labels for a body, through its reply. */
static int
predict(const mlclf_model_t *m, const char *body, rows_t *out)
{
    int               rc;
    cJSON            *root, *preds, *row;
    double           *scratch;
    mlclf_err_t       err;
    mlclf_reply_t     rep;
    mlclf_request_t   req;

    memset(out, 0, sizeof(*out));

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    if (rc != MLCLF_OK) {
        tap_diag("predict: %s", err.msg);
        mlclf_request_free(&req);
        return rc;
    }

    req.probabilities = 1;

    scratch = calloc(mlclf_reply_scratch_for(m, &req), sizeof(double));
    (void) reply_prepare(&rep, m, &req, scratch);

    rc = mlclf_reply_write(&rep, m, &req, &err);

    root = rc == MLCLF_OK ? cJSON_Parse(rep.buf) : NULL;
    preds = root ? cJSON_GetObjectItem(root, "predictions") : NULL;

    if (preds == NULL && root != NULL) {
        predict_row(m, root, out, out->n++);
    }

    for (row = preds ? preds->child : NULL; row != NULL; row = row->next) {
        if (out->n < MAXROWS) {
            predict_row(m, row, out, out->n++);
        }
    }

    cJSON_Delete(root);
    free(rep.buf);
    free(scratch);
    mlclf_request_free(&req);

    return rc;
}


/* A V2 reply read back as a client would, binary outputs decoded. */
static int
infer(const mlclf_model_t *m, const char *body, size_t len, size_t json_len,
    rows_t *out, cJSON **reply)
{
    int                  rc;
    char                *buf;
    cJSON               *root, *o, *data, *v, *params;
    double              *scratch;
    size_t               bound, jl, i, k, bsize;
    uint32_t             nc;
    mlclf_err_t          err;
    mlclf_reply_t        rep;
    mlclf_v2_request_t   v2;
    const unsigned char *bin;

    memset(out, 0, sizeof(*out));
    *reply = NULL;

    rc = v2_parse(&v2, m, body, len, json_len, &err);
    if (rc != MLCLF_OK) {
        tap_diag("v2: %s (%s)", err.msg, mlclf_reason_name(v2.req.reason));
        mlclf_v2_request_free(&v2);
        return rc;
    }

    scratch = calloc(mlclf_reply_scratch_for(m, &v2.req), sizeof(double));
    bound = mlclf_v2_reply_bound(m, &v2, "m", "v3");
    buf = malloc(bound);

    memset(&rep, 0, sizeof(rep));
    rep.buf = buf;
    rep.size = bound - 1;
    rep.scratch = scratch;
    rep.version = "v3";

    is_int(mlclf_v2_reply_write(&rep, m, &v2, "m", &jl, &err), MLCLF_ESPACE,
           "a buffer a byte short of the bound is refused");

    rep.size = bound;
    rc = mlclf_v2_reply_write(&rep, m, &v2, "m", &jl, &err);

    root = rc == MLCLF_OK ? cJSON_ParseWithLength(buf, jl) : NULL;
    ok(root != NULL, "the reply's JSON part parses");

    nc = mlclf_model_n_classes(m);
    bin = (const unsigned char *) buf + jl;

    o = root ? cJSON_GetObjectItem(root, "outputs")->child : NULL;

    for ( /* void */ ; o != NULL; o = o->next) {
        data = cJSON_GetObjectItem(o, "data");
        params = cJSON_GetObjectItem(o, "parameters");
        bsize = params ? (size_t) cJSON_GetObjectItem(params,
                                       "binary_data_size")->valuedouble : 0;
        k = 0;

        if (strcmp(cJSON_GetObjectItem(o, "name")->valuestring,
                   "probabilities") == 0
            && cJSON_GetObjectItem(params ? params : o, "classification")
               == NULL
            && strcmp(cJSON_GetObjectItem(o, "datatype")->valuestring,
                      "FP64") == 0)
        {
            out->n = (size_t) cJSON_GetArrayItem(
                         cJSON_GetObjectItem(o, "shape"), 0)->valuedouble;

            if (data != NULL) {
                for (v = data->child; v != NULL && k < MAXROWS * MAXC;
                     v = v->next)
                {
                    out->proba[k++] = v->valuedouble;
                }

            } else {
                for (i = 0; i < bsize / 8 && i < MAXROWS * MAXC; i++) {
                    uint64_t  u = 0;
                    int       b;

                    for (b = 7; b >= 0; b--) {
                        u = (u << 8) | bin[i * 8 + b];
                    }

                    memcpy(&out->proba[i], &u, 8);
                }

                bin += bsize;
            }

            continue;
        }

        if (strcmp(cJSON_GetObjectItem(o, "name")->valuestring, "label") == 0
            && cJSON_GetArraySize(cJSON_GetObjectItem(o, "shape")) == 1)
        {
            if (data != NULL) {
                for (v = data->child; v != NULL && k < MAXROWS; v = v->next) {
                    snprintf(out->label[k++], 32, "%s", v->valuestring);
                }

            } else {
                const unsigned char  *p = bin;

                while (p < bin + bsize && k < MAXROWS) {
                    size_t  l = p[0] | p[1] << 8 | p[2] << 16
                                | (size_t) p[3] << 24;

                    snprintf(out->label[k++], 32, "%.*s", (int) l, p + 4);
                    p += 4 + l;
                }

                bin += bsize;
            }

            continue;
        }

        bin += bsize;
    }

    is_int(rep.len, (size_t) (bin - (const unsigned char *) buf),
           "the binary outputs fill the reply");
    ok(rep.first_class < nc, "first class set");

    *reply = root;

    free(buf);
    free(scratch);
    mlclf_v2_request_free(&v2);

    return rc;
}


static void
same(const mlclf_model_t *m, const char *predict_body, const char *body,
    size_t len, size_t json_len, const char *what)
{
    size_t   i, nc;
    cJSON   *reply;
    rows_t   want, got;

    nc = mlclf_model_n_classes(m);

    is_int(predict(m, predict_body, &want), MLCLF_OK, "%s: /predict", what);
    is_int(infer(m, body, len, json_len, &got, &reply), MLCLF_OK,
           "%s: infer", what);

    is_int(got.n, want.n, "%s: %zu rows", what, want.n);
    ok(memcmp(got.proba, want.proba, want.n * nc * sizeof(double)) == 0,
       "%s: the probabilities of /predict, bit for bit", what);

    for (i = 0; i < want.n; i++) {
        is_str(got.label[i], want.label[i], "%s: row %zu's label", what, i);
    }

    cJSON_Delete(reply);
}


static void
same_json(const mlclf_model_t *m, const char *predict_body,
    const char *v2_json, const char *what)
{
    same(m, predict_body, v2_json, strlen(v2_json), strlen(v2_json), what);
}




static void
test_numbers(void)
{
    void           *buf;
    mlclf_spec_t    s;
    mlclf_model_t  *m;

    m = forest_model(iris_classes, NULL, &buf);

    same_json(m, "{\"instances\":" IRIS_ROWS "}",
              FEATURES("[3,4]", "FP64", IRIS_FLAT), "iris, flat");
    same_json(m, "{\"instances\":" IRIS_ROWS "}",
              FEATURES("[3,4]", "FP64", IRIS_ROWS), "iris, nested");
    same_json(m, "{\"features\":[5.1,3.5,1.4,0.2]}",
              FEATURES("[4]", "FP64", "[5.1,3.5,1.4,0.2]"), "iris, [4]");
    same_json(m, "{\"features\":[5.1,3.5,1.4,0.2]}",
              FEATURES("[1,4]", "FP64", "[[5.1,3.5,1.4,0.2]]"),
              "iris, [1,4]");
    same_json(m, "{\"instances\":" IRIS_ROWS "}",
              "{\"id\":\"r1\",\"model_name\":\"iris\",\"inputs\":["
              "{\"name\":\"petal_width\",\"shape\":[3],\"datatype\":\"FP64\","
              "\"data\":[0.2,1.3,2.3]},"
              "{\"name\":\"sepal_length\",\"shape\":[3,1],\"datatype\":"
              "\"FP64\",\"data\":[[5.1],[6.2],[7.7]]},"
              "{\"name\":\"sepal_width\",\"shape\":[3],\"datatype\":\"FP64\","
              "\"data\":[3.5,2.9,3.0],\"parameters\":{\"x\":1}},"
              "{\"name\":\"petal_length\",\"shape\":[3],\"datatype\":\"FP64\","
              "\"data\":[1.4,4.3,6.1]}],\"parameters\":{\"content_type\":"
              "\"np\"}}", "iris, a tensor per feature, any order");

    test_big_batch(m);
    test_classification(m);

    mlclf_model_close(&m);
    free(buf);

    m = forest_model(iris_classes, iris_impute, &buf);

    same_json(m, "{\"instances\":[{\"sepal_length\":5.1,\"petal_length\":1.4},"
              "{\"sepal_length\":6.2,\"petal_length\":4.9}]}",
              "{\"inputs\":[{\"name\":\"sepal_length\",\"shape\":[2],"
              "\"datatype\":\"FP64\",\"data\":[5.1,6.2]},"
              "{\"name\":\"petal_length\",\"shape\":[2],\"datatype\":\"FP64\","
              "\"data\":[1.4,4.9]}]}", "imputed: absent tensors");
    same_json(m, "{\"instances\":[[5.1,null,1.4,null],[null,3,4.9,2]]}",
              FEATURES("[2,4]", "FP64", "[5.1,null,1.4,null,null,3,4.9,2]"),
              "imputed: nulls");

    mlclf_model_close(&m);
    free(buf);

    model_spec_logreg(&s);
    m = model_spec_load(&s, &buf);
    test_numbers_xy("logreg", m);
    mlclf_model_close(&m);
    free(buf);

    model_spec_gbt(&s);
    m = model_spec_load(&s, &buf);
    test_numbers_xy("gbt", m);
    same_json(m, "{\"instances\":[[null,1],[0.25,null]]}",
              FEATURES("[2,2]", "FP64", "[null,1,0.25,null]"),
              "gbt: nulls routed");
    same_json(m, "{\"instances\":[{\"y\":1},{\"y\":-3}]}",
              "{\"inputs\":[{\"name\":\"y\",\"shape\":[2],\"datatype\":"
              "\"FP32\",\"data\":[1,-3]}]}", "gbt: an absent tensor routed");
    mlclf_model_close(&m);
    free(buf);
}


static void
test_numbers_xy(const char *what, mlclf_model_t *m)
{
    char  name[64];

    snprintf(name, sizeof(name), "%s, flat", what);
    same_json(m, "{\"instances\":[[0.25,-2],[1,0.5],[3,1.5],[0.5,-1.25]]}",
              FEATURES("[4,2]", "FP64", "[0.25,-2,1,0.5,3,1.5,0.5,-1.25]"),
              name);

    snprintf(name, sizeof(name), "%s, per feature", what);
    same_json(m, "{\"instances\":[{\"y\":-2},{\"y\":5}]}",
              "{\"inputs\":[{\"name\":\"y\",\"shape\":[2,1],\"datatype\":"
              "\"INT32\",\"data\":[-2,5e0]}]}", name);
}


/* 100 rows, the speed target's batch: the same bits */
static void
test_big_batch(const mlclf_model_t *m)
{
    char    *p, *q, *pb, *vb;
    size_t   i, j;
    double   d;

    pb = malloc(100 * 4 * 32 + 64);
    vb = malloc(100 * 4 * 32 + 256);

    p = pb + sprintf(pb, "{\"instances\":[");
    q = vb + sprintf(vb, "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                         "[100,4],\"datatype\":\"FP64\",\"data\":[");

    for (i = 0; i < 100; i++) {
        p += sprintf(p, "%s[", i ? "," : "");
        q += sprintf(q, "%s[", i ? "," : "");

        for (j = 0; j < 4; j++) {
            d = (double) (xorshift() % 80000) / 10000.0;
            p += sprintf(p, "%s%.17g", j ? "," : "", d);
            q += sprintf(q, "%s%.17g", j ? "," : "", d);
        }

        *p++ = ']';
        *q++ = ']';
    }

    strcpy(p, "]}");
    strcpy(q, "]}]}");

    same_json(m, pb, vb, "iris, 100 rows");

    free(pb);
    free(vb);
}


static void
test_datatypes(void)
{
    void           *buf;
    mlclf_model_t  *m;
    unsigned        i;
    char            body[512];
    static const char *const  ints[] = {
        "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32",
        "UINT64", "FP32", "FP64"
    };

    m = forest_model(iris_classes, NULL, &buf);

    for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        snprintf(body, sizeof(body),
                 FEATURES("[2,4]", "%s", "[[5,3,1,0],[6,3,5,2]]"), ints[i]);
        same_json(m, "{\"instances\":[[5,3,1,0],[6,3,5,2]]}", body, ints[i]);
    }

    same_json(m, "{\"instances\":[[5.5,3.25,1.5,0.125]]}",
              FEATURES("[1,4]", "FP32", "[5.5,3.25,1.5,0.125]"),
              "FP32 fractions");
    same_json(m, "{\"instances\":[[1,0,1,1],[0,0,0,0]]}",
              FEATURES("[2,4]", "BOOL", "[true,false,true,true,false,false,"
                       "false,false]"), "BOOL");
    same_json(m, "{\"instances\":[[5,3,1,0]]}",
              FEATURES("[1,4]", "INT64", "[5e0,3.0,1,-0]"),
              "whole numbers written as decimals");

    mlclf_model_close(&m);
    free(buf);
}


static void
test_binary(void)
{
    void           *buf;
    size_t          len, jl, i;
    float           f;
    double          d[8];
    uint32_t        u32;
    uint64_t        u64;
    mlclf_model_t  *m;
    unsigned char   bin[256];
    char            body[1024], pbody[256];
    static const double  rows[8] = { 5.1, 3.5, 1.4, 0.2, 6.2, 2.9, 4.3, 1.3 };

    m = forest_model(iris_classes, NULL, &buf);

    for (i = 0; i < 8; i++) {
        memcpy(&d[i], &rows[i], 8);
        memcpy(&u64, &d[i], 8);
        le(bin + 8 * i, u64, 8);
    }

    len = with_binary(body, "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                      "[2,4],\"datatype\":\"FP64\",\"parameters\":"
                      "{\"binary_data_size\":64}}]}", bin, 64, &jl);
    same(m, "{\"instances\":[[5.1,3.5,1.4,0.2],[6.2,2.9,4.3,1.3]]}",
         body, len, jl, "binary FP64");

    /* FP32: the float's exact value, as a double */
    for (i = 0; i < 4; i++) {
        f = (float) rows[i];
        memcpy(&u32, &f, 4);
        le(bin + 4 * i, u32, 4);
    }

    snprintf(pbody, sizeof(pbody), "{\"features\":[%.17g,%.17g,%.17g,%.17g]}",
             (double) (float) rows[0], (double) (float) rows[1],
             (double) (float) rows[2], (double) (float) rows[3]);
    len = with_binary(body, "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                      "[1,4],\"datatype\":\"FP32\",\"parameters\":"
                      "{\"binary_data_size\":16}}]}", bin, 16, &jl);
    same(m, pbody, body, len, jl, "binary FP32");

    /* per feature, each its own datatype, one of them JSON */
    le(bin, 5, 1);                      /* UINT8 sepal_length */
    le(bin + 1, 7, 1);
    le(bin + 2, (uint64_t) -3, 2);      /* INT16 sepal_width */
    le(bin + 4, 3, 2);
    le(bin + 6, 1, 1);                  /* BOOL petal_width */
    le(bin + 7, 0, 1);
    le(bin + 8, (uint64_t) -1, 8);      /* INT64 petal_length */
    le(bin + 16, 6, 8);

    len = with_binary(body, "{\"inputs\":["
                      "{\"name\":\"sepal_length\",\"shape\":[2],\"datatype\":"
                      "\"UINT8\",\"parameters\":{\"binary_data_size\":2}},"
                      "{\"name\":\"sepal_width\",\"shape\":[2],\"datatype\":"
                      "\"INT16\",\"parameters\":{\"binary_data_size\":4}},"
                      "{\"name\":\"petal_width\",\"shape\":[2],\"datatype\":"
                      "\"BOOL\",\"parameters\":{\"binary_data_size\":2}},"
                      "{\"name\":\"petal_length\",\"shape\":[2,1],\"datatype\":"
                      "\"INT64\",\"parameters\":{\"binary_data_size\":16}}]}",
                      bin, 24, &jl);
    same(m, "{\"instances\":[[5,-3,-1,1],[7,3,6,0]]}", body, len, jl,
         "binary tensors of each their datatype");

    len = with_binary(body, "{\"inputs\":["
                      "{\"name\":\"sepal_length\",\"shape\":[2],\"datatype\":"
                      "\"UINT8\",\"parameters\":{\"binary_data_size\":2}},"
                      "{\"name\":\"sepal_width\",\"shape\":[2],\"datatype\":"
                      "\"FP64\",\"data\":[-3,3]},"
                      "{\"name\":\"petal_width\",\"shape\":[2],\"datatype\":"
                      "\"BOOL\",\"data\":[true,false]},"
                      "{\"name\":\"petal_length\",\"shape\":[2,1],\"datatype\":"
                      "\"INT64\",\"parameters\":{\"binary_data_size\":16}}]}",
                      bin, 2, &jl);
    memcpy(body + len, bin + 8, 16);
    same(m, "{\"instances\":[[5,-3,-1,1],[7,3,6,0]]}", body, len + 16, jl,
         "binary and JSON tensors mixed");

    mlclf_model_close(&m);
    free(buf);
}


static void
test_outputs(void)
{
    void           *buf;
    cJSON          *reply, *outs;
    rows_t          got, want;
    mlclf_model_t  *m;
    const char     *b;

    m = forest_model(iris_classes, NULL, &buf);

    b = "{\"id\":\"q\\\"1\",\"inputs\":[{\"name\":\"features\",\"shape\":"
        "[3,4],\"datatype\":\"FP64\",\"data\":" IRIS_FLAT "}],"
        "\"parameters\":{\"binary_data_output\":true}}";
    same_json(m, "{\"instances\":" IRIS_ROWS "}", b, "binary_data_output");

    is_int(infer(m, b, strlen(b), strlen(b), &got, &reply), MLCLF_OK,
           "binary outputs");
    is_str(cJSON_GetObjectItem(reply, "id")->valuestring, "q\"1",
           "the id is echoed");
    is_str(cJSON_GetObjectItem(reply, "model_name")->valuestring, "m",
           "model_name");
    is_str(cJSON_GetObjectItem(reply, "model_version")->valuestring, "v3",
           "model_version");
    outs = cJSON_GetObjectItem(reply, "outputs");
    ok(cJSON_GetObjectItem(outs->child, "data") == NULL,
       "a binary output has no data");
    cJSON_Delete(reply);

    b = "{\"inputs\":[{\"name\":\"features\",\"shape\":[3,4],\"datatype\":"
        "\"FP64\",\"data\":" IRIS_FLAT "}],\"outputs\":[{\"name\":\"label\","
        "\"parameters\":{\"binary_data\":true}},{\"name\":\"probabilities\"}]}";
    same_json(m, "{\"instances\":" IRIS_ROWS "}", b, "one binary output");

    b = "{\"inputs\":[{\"name\":\"features\",\"shape\":[3,4],\"datatype\":"
        "\"FP64\",\"data\":" IRIS_FLAT "}],\"outputs\":[{\"name\":\"label\"}]}";
    is_int(infer(m, b, strlen(b), strlen(b), &got, &reply), MLCLF_OK,
           "outputs: label only");
    is_int(predict(m, "{\"instances\":" IRIS_ROWS "}", &want), MLCLF_OK,
           "/predict");
    is_int(cJSON_GetArraySize(cJSON_GetObjectItem(reply, "outputs")), 1,
           "one output");
    ok(cJSON_GetObjectItem(reply, "id") == NULL, "no id, none echoed");
    is_str(got.label[2], want.label[2], "the label");
    cJSON_Delete(reply);

    mlclf_model_close(&m);
    free(buf);
}


/* top-k strings: "<probability>:<index>:<label>", highest first */
static void
test_classification(const mlclf_model_t *m)
{
    char         want[64];
    cJSON       *reply, *o, *v;
    rows_t       got, pred;
    size_t       len, jl, i;
    const char  *b;
    const unsigned char  *p;
    char         buf[1024];

    b = "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,4],\"datatype\":"
        "\"FP64\",\"data\":[6.2,2.9,4.3,1.3]}],\"outputs\":[{\"name\":"
        "\"label\",\"parameters\":{\"classification\":3}}]}";

    is_int(predict(m, "{\"features\":[6.2,2.9,4.3,1.3]}", &pred), MLCLF_OK,
           "/predict");
    is_int(infer(m, b, strlen(b), strlen(b), &got, &reply), MLCLF_OK,
           "classification 3");

    o = cJSON_GetObjectItem(reply, "outputs")->child;
    is_str(cJSON_GetObjectItem(o, "datatype")->valuestring, "BYTES",
           "BYTES");
    is_int(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "shape"), 1)->valueint,
           3, "shape [1, 3]");

    /* the forest's leaf (0.01, 0.90, 0.09) */
    v = cJSON_GetObjectItem(o, "data")->child;
    is_str(v->valuestring, "0.9:1:versicolor", "first");
    is_str(v->next->valuestring, "0.09:2:virginica", "second");
    is_str(v->next->next->valuestring, "0.01:0:setosa", "third");
    cJSON_Delete(reply);

    len = with_binary(buf, "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                      "[1,4],\"datatype\":\"FP64\",\"data\":[6.2,2.9,4.3,1.3]}"
                      "],\"outputs\":[{\"name\":\"probabilities\","
                      "\"parameters\":{\"classification\":2,\"binary_data\":"
                      "true}}]}", "", 0, &jl);
    is_int(infer(m, buf, len, jl, &got, &reply), MLCLF_OK,
           "binary classification");
    cJSON_Delete(reply);

    /* read the binary strings back through a parse of our own */
    {
        mlclf_v2_request_t  v2;
        mlclf_reply_t       rep;
        mlclf_err_t         err;
        double              scratch[16];
        char                out[2048];

        is_int(v2_parse(&v2, m, buf, len, jl, &err), MLCLF_OK, "parse");
        memset(&rep, 0, sizeof(rep));
        rep.buf = out;
        rep.size = sizeof(out);
        rep.scratch = scratch;
        is_int(mlclf_v2_reply_write(&rep, m, &v2, "iris", &jl, &err),
               MLCLF_OK, "write");
        ok(strstr(out, "\"binary_data_size\":40") != NULL,
           "binary_data_size 40: %.*s", (int) jl, out);

        p = (const unsigned char *) out + jl;
        i = p[0];
        is_int(i, 16, "first length");
        snprintf(want, sizeof(want), "%.*s", (int) i, p + 4);
        is_str(want, "0.9:1:versicolor", "first string");
        p += 4 + i;
        snprintf(want, sizeof(want), "%.*s", (int) p[0], p + 4);
        is_str(want, "0.09:2:virginica", "second string");
        is_int(rep.len, jl + 40, "reply length");

        mlclf_v2_request_free(&v2);
    }
}


static void
test_inputs_model(mlclf_kind_e kind)
{
    void           *buf;
    size_t          len, jl;
    mlclf_spec_t    s;
    mlclf_model_t  *m;
    unsigned char   bin[128], *p;
    char            body[1024];

    model_spec_inputs(&s, kind);
    m = model_spec_load(&s, &buf);

    same_json(m, "{\"instances\":[{\"n_links\":1,\"domain\":\"a.com\","
              "\"subject\":\"free money now\",\"tag\":\"x\",\"body\":\"win "
              "free money\"},{\"n_links\":4,\"domain\":\"q.org\","
              "\"subject\":\"hello\",\"tag\":\"y\",\"body\":\"money\"}]}",
              "{\"inputs\":["
              "{\"name\":\"n_links\",\"shape\":[2],\"datatype\":\"INT32\","
              "\"data\":[1,4]},"
              "{\"name\":\"domain\",\"shape\":[2],\"datatype\":\"BYTES\","
              "\"data\":[\"a.com\",\"q.org\"]},"
              "{\"name\":\"subject\",\"shape\":[2,1],\"datatype\":\"BYTES\","
              "\"data\":[[\"free money now\"],[\"hello\"]]},"
              "{\"name\":\"tag\",\"shape\":[2],\"datatype\":\"BYTES\","
              "\"data\":[\"x\",\"y\"]},"
              "{\"name\":\"body\",\"shape\":[2],\"datatype\":\"BYTES\","
              "\"data\":[\"win free money\",\"money\"]}]}",
              kind == MLCLF_KIND_LOGREG ? "text logreg" : "text forest");

    same_json(m, "{\"instances\":[{\"n_links\":3,\"tag\":\"x\",\"body\":"
              "\"money money\",\"subject\":null}]}",
              "{\"inputs\":["
              "{\"name\":\"body\",\"shape\":[1],\"datatype\":\"BYTES\","
              "\"data\":[\"money money\"]},"
              "{\"name\":\"subject\",\"shape\":[1],\"datatype\":\"BYTES\","
              "\"data\":[null]},"
              "{\"name\":\"tag\",\"shape\":[1],\"datatype\":\"BYTES\","
              "\"data\":[\"x\"]},"
              "{\"name\":\"n_links\",\"shape\":[1],\"datatype\":\"FP64\","
              "\"data\":[3]}]}", "absent and null inputs");

    /* BYTES in binary: 4-byte length, then the bytes */
    p = bin;
    le(p, 5, 4);
    memcpy(p + 4, "money", 5);
    p += 9;
    le(p, 9, 4);
    memcpy(p + 4, "win \xc3\xa9t\xc3\xa9", 9);
    p += 13;

    len = with_binary(body, "{\"inputs\":["
                      "{\"name\":\"body\",\"shape\":[2],\"datatype\":\"BYTES\","
                      "\"parameters\":{\"binary_data_size\":22}},"
                      "{\"name\":\"tag\",\"shape\":[2],\"datatype\":\"BYTES\","
                      "\"data\":[\"x\",\"y\"]},"
                      "{\"name\":\"n_links\",\"shape\":[2],\"datatype\":"
                      "\"FP64\",\"data\":[0,9]}]}", bin, 22, &jl);
    same(m, "{\"instances\":[{\"body\":\"money\",\"tag\":\"x\",\"n_links\":0},"
         "{\"body\":\"win \\u00e9t\\u00e9\",\"tag\":\"y\",\"n_links\":9}]}",
         body, len, jl, "binary BYTES");

    mlclf_model_close(&m);
    free(buf);
}


static void
test_metadata(void)
{
    void           *buf;
    char            out[2048];
    size_t          n;
    cJSON          *root, *in;
    mlclf_spec_t    s;
    mlclf_model_t  *m;

    m = forest_model(iris_classes, NULL, &buf);

    n = mlclf_v2_metadata(out, sizeof(out), m, "iris", "v3");
    ok(n < sizeof(out), "metadata fits");
    is_int(mlclf_v2_metadata(NULL, 0, m, "iris", "v3"), n, "measured");
    is_int(mlclf_v2_metadata(out, n - 1, m, "iris", "v3"), n,
           "too small: the length needed");

    n = mlclf_v2_metadata(out, sizeof(out), m, "iris", "v3");
    is_str(out, "{\"name\":\"iris\",\"versions\":[\"v3\"],\"platform\":"
           "\"mlclf\",\"inputs\":[{\"name\":\"features\",\"datatype\":"
           "\"FP64\",\"shape\":[-1,4]},{\"name\":\"sepal_length\","
           "\"datatype\":\"FP64\",\"shape\":[-1]},{\"name\":\"sepal_width\","
           "\"datatype\":\"FP64\",\"shape\":[-1]},{\"name\":\"petal_length\","
           "\"datatype\":\"FP64\",\"shape\":[-1]},{\"name\":\"petal_width\","
           "\"datatype\":\"FP64\",\"shape\":[-1]}],\"outputs\":[{\"name\":"
           "\"probabilities\",\"datatype\":\"FP64\",\"shape\":[-1,3]},"
           "{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[-1]}]}",
           "iris metadata");

    n = mlclf_v2_metadata(out, sizeof(out), m, "iris", NULL);
    ok(strstr(out, "versions") == NULL, "no version, no versions");

    mlclf_model_close(&m);
    free(buf);

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    m = model_spec_load(&s, &buf);

    n = mlclf_v2_metadata(out, sizeof(out), m, "spam", "v1");
    root = cJSON_ParseWithLength(out, n);
    ok(root != NULL, "text metadata parses");
    in = cJSON_GetObjectItem(root, "inputs");
    is_int(cJSON_GetArraySize(in), 5, "one input each, no \"features\"");
    is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(in, 2), "datatype")
               ->valuestring, "BYTES", "a text is BYTES");
    is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(in, 0), "datatype")
               ->valuestring, "FP64", "a number is FP64");
    cJSON_Delete(root);

    mlclf_model_close(&m);
    free(buf);
}


int
main(void)
{
    test_numbers();
    test_datatypes();
    test_binary();
    test_outputs();
    test_inputs_model(MLCLF_KIND_LOGREG);
    test_inputs_model(MLCLF_KIND_FOREST);
    test_metadata();

    return tap_done();
}
