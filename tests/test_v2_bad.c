/*
 * Copyright (C) 2026 The mlclf authors
 *
 * KServe's Open Inference Protocol (V2): every malformed infer body is
 * refused with its status (400, 413) and reason, never accepted and
 * never a crash: JSON, shapes, datatypes, data that is not the shape's,
 * binary sizes that overrun or underrun the body, values out of their
 * datatype's range, unknown and duplicate names, outputs.
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "mlclf.h"
#include "model_spec.h"
#include "request_helpers.h"
#include "v2_helpers.h"


static void test_refused(void);
static void test_refused_text(void);
static void test_refused_binary(const mlclf_model_t *m);
static void test_limits(void);


static void
test_refused(void)
{
    void           *buf;
    mlclf_model_t  *m;
    unsigned        i;
    static const struct {
        int          status;
        const char  *reason;
        const char  *body;
    } cases[] = {
        { 400, "empty_body", "" },
        { 400, "bad_json", "{\"inputs\":[" },
        { 400, "bad_shape", "[]" },
        { 400, "bad_shape", "{}" },
        { 400, "bad_shape", "{\"inputs\":{}}" },
        { 400, "bad_shape", "{\"inputs\":[]}" },
        { 400, "bad_shape", "{\"inputs\":[1]}" },
        { 400, "bad_shape", "{\"inputs\":[{\"shape\":[4],\"datatype\":"
                            "\"FP64\",\"data\":[1,2,3,4]}]}" },
        { 400, "bad_shape", "{\"id\":5,\"inputs\":[]}" },
        { 400, "bad_shape", "{\"parameters\":[],\"inputs\":[]}" },
        { 400, "bad_shape", "{\"parameters\":{\"binary_data_output\":1}}" },
        { 400, "bad_tensor", FEATURES("[4]", "FP16", "[1,2,3,4]") },
        { 400, "bad_tensor", FEATURES("[4]", "DOUBLE", "[1,2,3,4]") },
        { 400, "bad_tensor", "{\"inputs\":[{\"name\":\"features\","
                             "\"shape\":[4],\"data\":[1,2,3,4]}]}" },
        { 400, "bad_tensor", "{\"inputs\":[{\"name\":\"features\","
                             "\"datatype\":\"FP64\",\"data\":[1,2,3,4]}]}" },
        { 400, "bad_tensor", "{\"inputs\":[{\"name\":\"features\","
                             "\"datatype\":\"FP64\",\"shape\":[4]}]}" },
        { 400, "bad_tensor", FEATURES("[2,4]", "FP64", "[1,2,3,4]") },
        { 400, "bad_tensor", FEATURES("[1,4]", "FP64", "[1,2,3,4,5]") },
        { 400, "bad_tensor", FEATURES("[-1,4]", "FP64", "[1,2,3,4]") },
        { 400, "bad_tensor", FEATURES("[1.5,4]", "FP64", "[1,2,3,4]") },
        { 400, "bad_tensor", FEATURES("[\"1\",4]", "FP64", "[1,2,3,4]") },
        { 400, "bad_tensor", FEATURES("[1e300,4]", "FP64", "[1,2,3,4]") },
        { 400, "bad_tensor", FEATURES("[4294967296,4294967296,4]", "FP64",
                                      "[1]") },
        { 400, "bad_tensor", FEATURES("[]", "FP64", "[1]") },
        { 400, "bad_tensor", FEATURES("[1,1,4]", "FP64", "[1,2,3,4]") },
        { 400, "bad_tensor", FEATURES("[4]", "FP64", "{}") },
        { 400, "bad_tensor", FEATURES("[4]", "FP64", "5") },
        { 400, "bad_tensor", FEATURES("[4]", "INT8", "[1,2,3,128]") },
        { 400, "bad_tensor", FEATURES("[4]", "UINT8", "[1,2,3,-1]") },
        { 400, "bad_tensor", FEATURES("[4]", "INT32", "[1,2,3,0.5]") },
        { 400, "bad_tensor", FEATURES("[4]", "INT64",
                                      "[1,2,3,9223372036854775808]") },
        { 400, "bad_tensor", FEATURES("[4]", "UINT64",
                                      "[1,2,3,18446744073709551616]") },
        { 400, "bad_tensor", FEATURES("[4]", "FP32", "[1,2,3,1e39]") },
        { 400, "bad_tensor", FEATURES("[4]", "BOOL", "[1,0,1,0]") },
        { 400, "bad_tensor", "{\"inputs\":[{\"name\":\"sepal_length\","
                             "\"shape\":[2],\"datatype\":\"FP64\","
                             "\"data\":[1,2]},{\"name\":\"sepal_width\","
                             "\"shape\":[3],\"datatype\":\"FP64\","
                             "\"data\":[1,2,3]}]}" },
        { 400, "bad_tensor", "{\"inputs\":[{\"name\":\"sepal_length\","
                             "\"shape\":[2,2],\"datatype\":\"FP64\","
                             "\"data\":[1,2,3,4]}]}" },
        { 400, "too_deep", FEATURES("[4]", "FP64", "[[[[[[[1]]]]]],2,3,4]") },
        { 400, "bad_shape", FEATURES("[1,3]", "FP64", "[1,2,3]") },
        { 400, "bad_shape", FEATURES("[1,0]", "FP64", "[]") },
        { 400, "empty_batch", FEATURES("[0,4]", "FP64", "[]") },
        { 400, "non_finite", FEATURES("[4]", "FP64", "[1,2,3,1e999]") },
        { 400, "non_finite", FEATURES("[4]", "INT64", "[1,2,3,-1e999]") },
        { 400, "not_a_number", FEATURES("[4]", "FP64", "[1,2,\"3\",4]") },
        { 400, "not_a_number", FEATURES("[4]", "FP64", "[1,2,true,4]") },
        { 400, "not_a_number", FEATURES("[4]", "BYTES", "[\"1\",\"2\","
                                        "\"3\",\"4\"]") },
        { 400, "missing_value", FEATURES("[4]", "FP64", "[1,2,null,4]") },
        { 400, "unknown_feature", "{\"inputs\":[{\"name\":\"petal\","
                                  "\"shape\":[1],\"datatype\":\"FP64\","
                                  "\"data\":[1]}]}" },
        { 400, "duplicate_feature", "{\"inputs\":[{\"name\":\"sepal_length\","
                                    "\"shape\":[1],\"datatype\":\"FP64\","
                                    "\"data\":[1]},{\"name\":"
                                    "\"sepal_length\",\"shape\":[1],"
                                    "\"datatype\":\"FP64\",\"data\":[1]}]}" },
        { 400, "missing_feature", "{\"inputs\":[{\"name\":\"sepal_length\","
                                  "\"shape\":[1],\"datatype\":\"FP64\","
                                  "\"data\":[1]}]}" },
        { 400, "bad_shape", "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                            "[4],\"datatype\":\"FP64\",\"data\":[1,2,3,4]},"
                            "{\"name\":\"sepal_length\",\"shape\":[1],"
                            "\"datatype\":\"FP64\",\"data\":[1]}]}" },
        { 400, "bad_shape", "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                            "[4],\"datatype\":\"FP64\",\"data\":[1,2,3,4]}],"
                            "\"outputs\":[{\"name\":\"scores\"}]}" },
        { 400, "bad_shape", "{\"inputs\":[],\"outputs\":[{\"name\":"
                            "\"label\"},{\"name\":\"label\"}]}" },
        { 400, "bad_shape", "{\"inputs\":[],\"outputs\":[{}]}" },
        { 400, "bad_shape", "{\"inputs\":[],\"outputs\":{}}" },
        { 400, "bad_shape", "{\"inputs\":[],\"outputs\":[{\"name\":"
                            "\"label\",\"parameters\":{\"classification\":"
                            "4}}]}" },
        { 400, "bad_shape", "{\"inputs\":[],\"outputs\":[{\"name\":"
                            "\"label\",\"parameters\":{\"classification\":"
                            "0}}]}" },
        { 400, "bad_shape", "{\"inputs\":[],\"outputs\":[{\"name\":"
                            "\"label\",\"parameters\":{\"classification\":"
                            "1.5}}]}" },
        { 400, "bad_shape", "{\"inputs\":[],\"outputs\":[{\"name\":"
                            "\"label\",\"parameters\":{\"binary_data\":"
                            "\"yes\"}}]}" },
        { 400, "bad_tensor", "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                             "[4],\"datatype\":\"FP64\",\"data\":[1,2,3,4],"
                             "\"parameters\":{\"binary_data_size\":32}}]}" },
        { 400, "bad_tensor", "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                             "[4],\"datatype\":\"FP64\","
                             "\"parameters\":{\"binary_data_size\":32}}]}" },
        { 400, "bad_tensor", "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                             "[4],\"datatype\":\"FP64\","
                             "\"parameters\":{\"binary_data_size\":-1}}]}" },
        { 400, "bad_tensor", FEATURES("[1001,4]", "FP64", "[[1,2,3,4]]") }
    };

    m = forest_model(iris_classes, NULL, &buf);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        refused(m, cases[i].body, strlen(cases[i].body),
                strlen(cases[i].body), cases[i].status, cases[i].reason);
    }

    test_refused_binary(m);

    mlclf_model_close(&m);
    free(buf);
}


static void
test_refused_text(void)
{
    void           *buf;
    size_t          len, jl;
    mlclf_spec_t    s;
    mlclf_model_t  *m;
    unsigned char   bin[16];
    char            body[512];

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    m = model_spec_load(&s, &buf);

    refused(m, LIT("{\"inputs\":[{\"name\":\"body\",\"shape\":[1],"
                   "\"datatype\":\"FP64\",\"data\":[1]}]}"),
            sizeof("{\"inputs\":[{\"name\":\"body\",\"shape\":[1],"
                   "\"datatype\":\"FP64\",\"data\":[1]}]}") - 1,
            400, "not_a_string");
    refused(m, LIT("{\"inputs\":[{\"name\":\"features\",\"shape\":[5],"
                   "\"datatype\":\"FP64\",\"data\":[1,2,3,4,5]}]}"),
            sizeof("{\"inputs\":[{\"name\":\"features\",\"shape\":[5],"
                   "\"datatype\":\"FP64\",\"data\":[1,2,3,4,5]}]}") - 1,
            400, "unknown_feature");
    refused(m, LIT("{\"inputs\":[{\"name\":\"body\",\"shape\":[1],"
                   "\"datatype\":\"BYTES\",\"data\":[5]},{\"name\":\"tag\","
                   "\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]},"
                   "{\"name\":\"n_links\",\"shape\":[1],\"datatype\":"
                   "\"FP64\",\"data\":[1]}]}"),
            sizeof("{\"inputs\":[{\"name\":\"body\",\"shape\":[1],"
                   "\"datatype\":\"BYTES\",\"data\":[5]},{\"name\":\"tag\","
                   "\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]},"
                   "{\"name\":\"n_links\",\"shape\":[1],\"datatype\":"
                   "\"FP64\",\"data\":[1]}]}") - 1,
            400, "not_a_string");
    refused(m, LIT("{\"inputs\":[{\"name\":\"body\",\"shape\":[1],"
                   "\"datatype\":\"BYTES\",\"data\":[\"a\"]},{\"name\":"
                   "\"tag\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":"
                   "[\"zz\"]},{\"name\":\"n_links\",\"shape\":[1],"
                   "\"datatype\":\"FP64\",\"data\":[1]}]}"),
            sizeof("{\"inputs\":[{\"name\":\"body\",\"shape\":[1],"
                   "\"datatype\":\"BYTES\",\"data\":[\"a\"]},{\"name\":"
                   "\"tag\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":"
                   "[\"zz\"]},{\"name\":\"n_links\",\"shape\":[1],"
                   "\"datatype\":\"FP64\",\"data\":[1]}]}") - 1,
            400, "unknown_category");
    refused(m, LIT("{\"inputs\":[{\"name\":\"tag\",\"shape\":[1],"
                   "\"datatype\":\"BYTES\",\"data\":[\"x\"]},{\"name\":"
                   "\"n_links\",\"shape\":[1],\"datatype\":\"FP64\","
                   "\"data\":[1]}]}"),
            sizeof("{\"inputs\":[{\"name\":\"tag\",\"shape\":[1],"
                   "\"datatype\":\"BYTES\",\"data\":[\"x\"]},{\"name\":"
                   "\"n_links\",\"shape\":[1],\"datatype\":\"FP64\","
                   "\"data\":[1]}]}") - 1,
            400, "missing_feature");
    refused(m, LIT("{\"inputs\":[{\"name\":\"body\",\"shape\":[1],"
                   "\"datatype\":\"BYTES\",\"data\":[\"a\\u0000b\"]}]}"),
            sizeof("{\"inputs\":[{\"name\":\"body\",\"shape\":[1],"
                   "\"datatype\":\"BYTES\",\"data\":[\"a\\u0000b\"]}]}")
            - 1, 400, "bad_text");

    /* binary BYTES: a NUL, bad UTF-8, a length past the data */
    le(bin, 3, 4);
    memcpy(bin + 4, "a\0b", 3);
    len = with_binary(body, "{\"inputs\":[{\"name\":\"body\",\"shape\":"
                      "[1],\"datatype\":\"BYTES\",\"parameters\":"
                      "{\"binary_data_size\":7}}]}", bin, 7, &jl);
    refused(m, body, len, jl, 400, "bad_text");
    memcpy(bin + 4, "a\xc3(", 3);
    len = with_binary(body, "{\"inputs\":[{\"name\":\"body\",\"shape\":"
                      "[1],\"datatype\":\"BYTES\",\"parameters\":"
                      "{\"binary_data_size\":7}}]}", bin, 7, &jl);
    refused(m, body, len, jl, 400, "bad_text");
    le(bin, 4, 4);
    len = with_binary(body, "{\"inputs\":[{\"name\":\"body\",\"shape\":"
                      "[1],\"datatype\":\"BYTES\",\"parameters\":"
                      "{\"binary_data_size\":7}}]}", bin, 7, &jl);
    refused(m, body, len, jl, 400, "bad_tensor");
    le(bin, 1, 4);
    len = with_binary(body, "{\"inputs\":[{\"name\":\"body\",\"shape\":"
                      "[1],\"datatype\":\"BYTES\",\"parameters\":"
                      "{\"binary_data_size\":7}}]}", bin, 7, &jl);
    refused(m, body, len, jl, 400, "bad_tensor");

    mlclf_model_close(&m);
    free(buf);
}


/* the limits of /predict: rows, nesting, text length */
static void
test_limits(void)
{
    void                *buf;
    char                *body, *p;
    size_t               i;
    mlclf_err_t          err;
    mlclf_spec_t         s;
    mlclf_model_t       *m;
    mlclf_limits_t       limits;
    mlclf_v2_request_t   v2;

    m = forest_model(iris_classes, NULL, &buf);

    body = malloc(1001 * 10 + 256);
    p = body + sprintf(body, "{\"inputs\":[{\"name\":\"features\","
                             "\"shape\":[1001,4],\"datatype\":\"FP64\","
                             "\"data\":[");

    for (i = 0; i < 1001; i++) {
        p += sprintf(p, "%s1,2,3,4", i ? "," : "");
    }

    p += sprintf(p, "]}]}");

    refused(m, body, p - body, p - body, 413, "too_many_rows");

    memset(&limits, 0, sizeof(limits));
    limits.max_rows = 2;

    is_int(mlclf_v2_request_parse(&v2, m, LIT(FEATURES("[3,4]", "FP64",
                                  "[1,2,3,4,1,2,3,4,1,2,3,4]")),
                                  sizeof(FEATURES("[3,4]", "FP64",
                                  "[1,2,3,4,1,2,3,4,1,2,3,4]")) - 1,
                                  &limits, &err),
           MLCLF_EREQUEST, "3 rows over a limit of 2");
    is_int(v2.req.status, 413, "413");
    is_str(mlclf_reason_name(v2.req.reason), "too_many_rows", "too_many_rows");
    mlclf_v2_request_free(&v2);

    free(body);
    mlclf_model_close(&m);
    free(buf);

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    m = model_spec_load(&s, &buf);

    limits.max_rows = 0;
    limits.max_text = 4;

    is_int(mlclf_v2_request_parse(&v2, m, LIT("{\"inputs\":[{\"name\":"
                                  "\"body\",\"shape\":[1],\"datatype\":"
                                  "\"BYTES\",\"data\":[\"money\"]}]}"),
                                  sizeof("{\"inputs\":[{\"name\":"
                                  "\"body\",\"shape\":[1],\"datatype\":"
                                  "\"BYTES\",\"data\":[\"money\"]}]}") - 1,
                                  &limits, &err),
           MLCLF_EREQUEST, "a text over max_text");
    is_int(v2.req.status, 413, "413");
    is_str(mlclf_reason_name(v2.req.reason), "text_too_long",
           "text_too_long");
    mlclf_v2_request_free(&v2);

    mlclf_model_close(&m);
    free(buf);
}


static void
test_refused_binary(const mlclf_model_t *m)
{
    size_t          len, jl;
    unsigned char   bin[64];
    char            body[512];
    const char     *fp64;

    memset(bin, 0, sizeof(bin));

    fp64 = "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,4],"
           "\"datatype\":\"FP64\",\"parameters\":{\"binary_data_size\":32}}]}";

    /* overruns, underruns, sizes that are not the shape's */
    len = with_binary(body, fp64, bin, 31, &jl);
    refused(m, body, len, jl, 400, "bad_tensor");
    len = with_binary(body, fp64, bin, 33, &jl);
    refused(m, body, len, jl, 400, "bad_tensor");
    refused(m, body, len, len + 1, 400, "bad_tensor");
    refused(m, body, len, 0, 400, "empty_body");
    refused(m, body, len, 10, 400, "bad_json");

    len = with_binary(body, "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                      "[1,4],\"datatype\":\"FP32\",\"parameters\":"
                      "{\"binary_data_size\":32}}]}", bin, 32, &jl);
    refused(m, body, len, jl, 400, "bad_tensor");

    /* a NaN and an infinity */
    le(bin + 8, 0x7ff8000000000000ULL, 8);
    len = with_binary(body, fp64, bin, 32, &jl);
    refused(m, body, len, jl, 400, "non_finite");
    le(bin + 8, 0x7f800000, 4);
    len = with_binary(body, "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                      "[1,4],\"datatype\":\"FP32\",\"parameters\":"
                      "{\"binary_data_size\":16}}]}", bin, 16, &jl);
    refused(m, body, len, jl, 400, "non_finite");

    memset(bin, 2, 4);
    len = with_binary(body, "{\"inputs\":[{\"name\":\"features\",\"shape\":"
                      "[1,4],\"datatype\":\"BOOL\",\"parameters\":"
                      "{\"binary_data_size\":4}}]}", bin, 4, &jl);
    refused(m, body, len, jl, 400, "bad_tensor");
}


int
main(void)
{
    test_refused();
    test_refused_text();
    test_limits();

    return tap_done();
}
