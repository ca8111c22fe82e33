
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * /predict request validation (mlclf_request_parse): the reason and
 * message of each rejection and the limits, row values by position and
 * by name, imputation, and named rows of wide models.
 */


#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "tap.h"
#include "mlclf.h"
#include "request_helpers.h"


/* A logreg with n features f0..f<n-1>, zero weights, two classes. */

static mlclf_model_t *
wide_model(uint32_t n, void **buf, char ***names)
{
    double         *w;
    uint32_t        i;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;
    static const char *const  classes[] = { "no", "yes" };
    static const double       bias[] = { 0.0 };

    *names = calloc(n, sizeof(char *));
    w = calloc(n, sizeof(double));

    for (i = 0; i < n; i++) {
        (*names)[i] = malloc(16);
        snprintf((*names)[i], 16, "f%u", i);
    }

    memset(&spec, 0, sizeof(spec));

    spec.kind = MLCLF_KIND_LOGREG;
    spec.n_features = n;
    spec.n_classes = 2;
    spec.feature_names = (const char *const *) *names;
    spec.class_labels = classes;
    spec.n_outputs = 1;
    spec.weights = w;
    spec.bias = bias;

    m = model_spec_load(&spec, buf);

    free(w);

    return m;
}


static void
test_messages(const mlclf_model_t *m)
{
    char             *big, name[100], body[200], msg[200];
    size_t            len;
    mlclf_err_t       err;
    mlclf_limits_t    limits;
    mlclf_request_t   req;

    check_message(m, "{\"features\":[1,2,3]}", NULL, "bad_shape",
                  "expected 4 features, got 3");
    check_message(m, "{\"instances\":[" ROW ",[1,2,3,4,5]]}", NULL,
                  "bad_shape", "row 1: expected 4 features, got 5");
    check_message(m, "{\"features\":{\"petal_lenght\":1}}", NULL,
                  "unknown_feature", "unknown feature \"petal_lenght\"");
    check_message(m, "{\"features\":{\"sepal_length\":1,\"petal_length\":1,"
                  "\"petal_width\":1}}", NULL,
                  "missing_feature", "feature \"sepal_width\" is missing");
    check_message(m, "{\"features\":{\"sepal_length\":1,\"sepal_length\":1}}",
                  NULL, "duplicate_feature",
                  "feature \"sepal_length\" appears twice");
    check_message(m, "{\"features\":[1,2,\"3\",4]}", NULL, "not_a_number",
                  "feature 2 is not a number");
    check_message(m, "{\"instances\":[" ROW "," ROW "," ROW
                  ",[1,2,true,4]]}", NULL, "not_a_number",
                  "row 3: feature 2 is not a number");
    check_message(m, "{\"features\":{\"sepal_length\":1,\"sepal_width\":\"\","
                  "\"petal_length\":1,\"petal_width\":1}}", NULL,
                  "not_a_number", "feature \"sepal_width\" is not a number");
    check_message(m, "{\"features\":[1,-1e999,3,4]}", NULL, "non_finite",
                  "feature 1 is not finite");
    check_message(m, "{\"features\":[1,null,3,4]}", NULL, "missing_value",
                  "feature 1 is null and the model has no value to impute");
    check_message(m, "{\"instances\":[]}", NULL, "empty_batch",
                  "\"instances\" is empty");
    check_message(m, "  \n", NULL, "empty_body", "body is empty");
    check_message(m, "[[[[[[[[[1]]]]]]]]]", NULL, "too_deep",
                  "JSON nesting deeper than 8");
    check_message(m, "{\"features\":[1,2,3,4]} x", NULL, "bad_json",
                  "invalid JSON at byte 23");
    check_message(m, "{\"features\":[01,2,3,4]}", NULL, "bad_json",
                  "invalid JSON at byte 13");
    check_message(m, "{\"features\":[1,2,3,4],\"extra\":1}", NULL,
                  "bad_shape", "unknown member \"extra\"");
    check_message(m, "{\"features\":[1,2,3,4],\"instances\":[]}", NULL,
                  "bad_shape",
                  "\"features\" and \"instances\" cannot be used together");
    check_message(m, "[1,2,3,4]", NULL, "bad_shape",
                  "the body is not a JSON object");
    check_message(m, "{\"features\":[1,2,3,4],\"probabilities\":1}", NULL,
                  "bad_shape", "\"probabilities\" must be true or false");

    /* a client's name is quoted printable and cut short */
    check_message(m, "{\"features\":{\"caf\xc3\xa9\\n\":1}}", NULL,
                  "unknown_feature", "unknown feature \"caf??\?\"");
    memset(name, 'a', 90);
    name[90] = '\0';
    snprintf(body, sizeof(body), "{\"features\":{\"%s\":1}}", name);
    name[64] = '\0';
    snprintf(msg, sizeof(msg), "unknown feature \"%s...\"", name);
    check_message(m, body, NULL, "unknown_feature", msg);

    /* limits */
    memset(&limits, 0, sizeof(limits));
    limits.max_rows = 2;
    limits.max_depth = 8;
    check_message(m, "{\"instances\":[" ROW "," ROW "," ROW "]}", &limits,
                  "too_many_rows", "batch of 3 rows exceeds the limit of 2");

    limits.max_rows = 0;
    limits.max_depth = 2;
    check_message(m, "{\"instances\":[" ROW "]}", &limits, "too_deep",
                  "JSON nesting deeper than 2");

    big = batch_body(1500, ROW, &len);
    parse(&req, m, big, len, NULL, &err);
    is_str(err.msg, "batch of 1500 rows exceeds the limit of 1000",
           "1500 rows: message");
    is_int(req.status, 413, "1500 rows: 413");
    mlclf_request_free(&req);

    is_int(parse(&req, m, big, len, &limits, &err), MLCLF_EREQUEST,
           "1500 rows 3 deep, max_depth 2: rejected");
    is_str(REQ_REASON, "too_deep", "depth is checked before rows");
    mlclf_request_free(&req);

    limits.max_rows = 1500;
    limits.max_depth = 3;
    is_int(parse(&req, m, big, len, &limits, &err), MLCLF_OK,
           "1500 rows accepted with max_rows 1500");
    is_int(req.n_rows, 1500, "1500 rows counted");
    ok(req.batch, "batch flag set");
    mlclf_request_free(&req);

    free(big);

    /* bytes the catalogue cannot hold */
    is_int(parse(&req, m, LIT("{\"features\":[1,2,3,4]}\0"), NULL, &err),
           MLCLF_EREQUEST, "NUL after the object: rejected");
    is_str(REQ_REASON, "bad_json", "NUL after the object: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"features\":[1,2,3,4],\"\001\":1}"), NULL,
                 &err),
           MLCLF_EREQUEST, "control character in a string: rejected");
    is_str(REQ_REASON, "bad_json", "control character: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"features\":[1,\f2,3,4]}"), NULL, &err),
           MLCLF_EREQUEST, "form feed outside strings: rejected");
    is_str(REQ_REASON, "bad_json", "form feed: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"\xff\":1}"), NULL, &err),
           MLCLF_EREQUEST, "invalid UTF-8: rejected");
    is_str(REQ_REASON, "bad_json", "invalid UTF-8: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"\xed\xa0\x80\":1}"), NULL, &err),
           MLCLF_EREQUEST, "UTF-8 surrogate: rejected");
    is_str(REQ_REASON, "bad_json", "UTF-8 surrogate: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"\xc3"), NULL, &err),
           MLCLF_EREQUEST, "UTF-8 cut at the end: rejected");
    is_str(REQ_REASON, "bad_json", "UTF-8 cut: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m,
                 LIT("{\"features\":[1,2,3,4],\"\xf0\x9f\x98\x80\":1}"),
                 NULL, &err),
           MLCLF_EREQUEST, "valid 4-byte UTF-8 member: rejected");
    is_str(REQ_REASON, "bad_shape", "valid UTF-8 member: bad_shape");
    mlclf_request_free(&req);

    /* a free after a failed parse, twice, and of NULL is safe */
    parse(&req, m, "{", 1, NULL, &err);
    mlclf_request_free(&req);
    mlclf_request_free(&req);
    mlclf_request_free(NULL);
    ok(req.root == NULL, "free clears the request");
}


static void
test_rows(const mlclf_model_t *m, const mlclf_model_t *mi)
{
    int               rc;
    double            x[4];
    size_t            i;
    mlclf_err_t       err;
    mlclf_request_t   req;
    const char       *body;

    body = "{\"instances\":[[1,2,3,4],{\"petal_width\":8,\"sepal_length\":5,"
           "\"petal_length\":7,\"sepal_width\":6},[-0,1e-999,0.1,"
           "1.7976931348623157e308]]}";

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_OK, "batch of three accepted");
    is_int(req.n_rows, 3, "three rows");

    mlclf_request_row(&req, m, 0, x);
    ok(x[0] == 1 && x[1] == 2 && x[2] == 3 && x[3] == 4, "row 0 values");

    mlclf_request_row(&req, m, 1, x);
    ok(x[0] == 5 && x[1] == 6 && x[2] == 7 && x[3] == 8,
       "row 1 by name, any order");

    mlclf_request_row(&req, m, 2, x);
    ok(x[0] == 0 && signbit(x[0]) && x[1] == 0 && x[2] == 0.1
       && x[3] == DBL_MAX, "row 2: -0, underflow to 0, 0.1, DBL_MAX");

    for (i = 0; i < 4; i++) {
        x[i] = 42;
    }

    mlclf_request_row(&req, m, 3, x);
    ok(x[0] == 42, "row past the end leaves x alone");

    mlclf_request_free(&req);

    /* imputation: nulls and absent names take the model's values */

    body = "{\"instances\":[[null,2,null,4],{\"sepal_width\":6},{},"
           "{\"petal_width\":null,\"sepal_length\":1}]}";

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_EREQUEST, "nulls rejected without impute");
    is_str(REQ_REASON, "missing_value", "missing_value without impute");
    mlclf_request_free(&req);

    rc = parse(&req, mi, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_OK, "nulls and absent names accepted with impute");

    mlclf_request_row(&req, mi, 0, x);
    ok(x[0] == 5.8 && x[1] == 2 && x[2] == 4.35 && x[3] == 4,
       "positional nulls imputed");

    mlclf_request_row(&req, mi, 1, x);
    ok(x[0] == 5.8 && x[1] == 6 && x[2] == 4.35 && x[3] == 1.3,
       "absent names imputed");

    mlclf_request_row(&req, mi, 2, x);
    ok(x[0] == 5.8 && x[1] == 3.0 && x[2] == 4.35 && x[3] == 1.3,
       "empty object: all imputed");

    mlclf_request_row(&req, mi, 3, x);
    ok(x[0] == 1 && x[1] == 3.0 && x[2] == 4.35 && x[3] == 1.3,
       "named null imputed");

    mlclf_request_free(&req);

    body = "{\"features\":{\"sepal_length\":1,\"bogus\":null}}";
    rc = parse(&req, mi, body, strlen(body), NULL, &err);
    is_str(REQ_REASON, "unknown_feature", "impute does not excuse names");
    mlclf_request_free(&req);

    body = "{\"features\":[1,2,3]}";
    rc = parse(&req, mi, body, strlen(body), NULL, &err);
    is_str(REQ_REASON, "bad_shape", "impute does not excuse short arrays");
    mlclf_request_free(&req);

    body = "{\"features\":[null,null,null,null]}";
    rc = parse(&req, mi, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_OK, "all-null row accepted with impute");
    is_int(req.batch, 0, "single row is not a batch");
    mlclf_request_row(&req, mi, 0, x);
    ok(x[0] == 5.8 && x[3] == 1.3, "all-null row imputed");
    mlclf_request_free(&req);
}


/*
 * {"f0":0,"f1":1,...} of a wide model's n features, without feature skip
 * (n: none), then the member extra if not NULL; returns the end.
 */

static char *
wide_row(char *p, size_t n, size_t skip, const char *extra)
{
    size_t  i;

    *p++ = '{';

    for (i = 0; i < n; i++) {
        if (i != skip) {
            p += sprintf(p, "%s\"f%zu\":%zu", p[-1] == '{' ? "" : ",", i, i);
        }
    }

    if (extra != NULL) {
        p += sprintf(p, "%s%s", p[-1] == '{' ? "" : ",", extra);
    }

    *p++ = '}';
    *p = '\0';

    return p;
}


/*
 * Named rows of a model of n features, on both sides of the stack bitmap
 * (4096) and at the widest (65535): duplicates, the last one missing, a
 * batch whose second row reuses the bitmap.  Finding a duplicate took
 * time quadratic in n above 4096 (4.5 s of CPU at 65535 in this ASan
 * build, against 0.07 s now).  The CPU time is printed, not asserted:
 * tests check behaviour, bench/micro.c --wide measures speed.
 */

static void
test_wide(uint32_t n)
{
    int               rc;
    char             *body, *p, **names, extra[64], msg[128];
    void             *buf;
    double           *x, cpu;
    size_t            i, size;
    clock_t           start;
    mlclf_err_t       err;
    mlclf_model_t    *m;
    mlclf_request_t   req;

    m = wide_model(n, &buf, &names);
    ok(m != NULL, "wide model with %u features", n);

    if (m == NULL) {
        return;
    }

    size = (size_t) n * 2 * 24 + 256;
    body = malloc(size);
    x = malloc(n * sizeof(double));

    /* all names, in order */

    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, n, NULL);
    strcpy(p, "}");

    start = clock();
    rc = parse(&req, m, body, strlen(body), NULL, &err);
    cpu = (double) (clock() - start) / CLOCKS_PER_SEC;

    is_int(rc, MLCLF_OK, "%u names accepted (%s)", n, rc ? err.msg : "");

    if (rc == MLCLF_OK) {
        mlclf_request_row(&req, m, 0, x);

        for (i = 0; i < n && x[i] == (double) i; i++) {
            /* void */
        }

        is_int(i, n, "%u named values in place", n);
    }

    mlclf_request_free(&req);

    tap_diag("%u names parsed in %.3f s of CPU", n, cpu);

    /* a duplicate of the last feature after all of them */

    snprintf(extra, sizeof(extra), "\"f%u\":1", n - 1);
    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, n, extra);
    strcpy(p, "}");

    start = clock();
    rc = parse(&req, m, body, strlen(body), NULL, &err);
    cpu = (double) (clock() - start) / CLOCKS_PER_SEC;

    snprintf(msg, sizeof(msg), "feature \"f%u\" appears twice", n - 1);
    is_str(REQ_REASON, "duplicate_feature", "%u: duplicate at the end", n);
    is_str(err.msg, msg, "%u: duplicate named", n);
    mlclf_request_free(&req);

    tap_diag("%u names and a duplicate in %.3f s of CPU", n, cpu);

    /* the last member names f0 again instead of f<n-1> */

    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, n - 1, "\"f0\":0");
    strcpy(p, "}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_str(REQ_REASON, "duplicate_feature",
           "%u: duplicate before missing", n);
    mlclf_request_free(&req);

    /* the last feature missing, then the first */

    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, n - 1, NULL);
    strcpy(p, "}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    snprintf(msg, sizeof(msg), "feature \"f%u\" is missing", n - 1);
    is_str(REQ_REASON, "missing_feature", "%u: last missing", n);
    is_str(err.msg, msg, "%u: last missing named", n);
    mlclf_request_free(&req);

    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, 0, NULL);
    strcpy(p, "}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_str(err.msg, "feature \"f0\" is missing", "%u: first missing", n);
    mlclf_request_free(&req);

    /* a batch: row 1 starts from a clear bitmap, then finds its dup */

    p = body + sprintf(body, "{\"instances\":[");
    p = wide_row(p, n, n, NULL);
    *p++ = ',';
    p = wide_row(p, n, n, NULL);
    strcpy(p, "]}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_OK, "%u: batch of two full rows (%s)", n,
           rc ? err.msg : "");

    if (rc == MLCLF_OK) {
        mlclf_request_row(&req, m, 1, x);
        ok(x[0] == 0 && x[n - 1] == n - 1, "%u: row 1 values", n);
    }

    mlclf_request_free(&req);

    p = body + sprintf(body, "{\"instances\":[");
    p = wide_row(p, n, n, NULL);
    *p++ = ',';
    p = wide_row(p, n, n, extra);
    strcpy(p, "]}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    snprintf(msg, sizeof(msg), "row 1: feature \"f%u\" appears twice",
             n - 1);
    is_str(err.msg, msg, "%u: batch row 1 duplicate", n);
    mlclf_request_free(&req);

    free(body);
    free(x);
    mlclf_model_close(&m);
    free(buf);

    for (i = 0; i < n; i++) {
        free(names[i]);
    }

    free(names);
}


int
main(void)
{
    void           *buf, *ibuf;
    mlclf_model_t  *m, *mi;

    m = forest_model(iris_classes, NULL, &buf);
    ok(m != NULL, "iris forest model");

    mi = forest_model(iris_classes, iris_impute, &ibuf);
    ok(mi != NULL, "iris forest model with impute");

    if (m != NULL) {
        test_messages(m);
    }

    if (m != NULL && mi != NULL) {
        test_rows(m, mi);
    }

    test_wide(4096);
    test_wide(4097);
    test_wide(65535);

    mlclf_model_close(&m);
    mlclf_model_close(&mi);
    free(buf);
    free(ibuf);

    return tap_done();
}
