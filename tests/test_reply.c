
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * /predict replies (mlclf_reply_*): bounds of large batches, class
 * counts, escaped labels and version, no reply after a failed parse;
 * and the JSON error bodies with the reason names they carry.
 */


#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "mlclf.h"
#include "request_helpers.h"


static void
test_reply(const mlclf_model_t *m, const mlclf_model_t *me)
{
    int               rc;
    char             *body, *buf;
    double           *scratch;
    size_t            len, bound;
    uint64_t          counts[3];
    mlclf_err_t       err;
    mlclf_reply_t     rep;
    mlclf_request_t   req;
    const char       *want;

    scratch = malloc(mlclf_reply_scratch(m) * sizeof(double));
    is_int(mlclf_reply_scratch(m), 7, "scratch is features + classes");

    /* large batches: the bound holds, with probabilities */

    body = batch_body(1000, "[6.0,2.9,4.5,1.5]", &len);
    memcpy(body + len - 2, "],\"probabilities\":true}", 24);
    len += 21;

    rc = parse(&req, m, body, len, NULL, &err);
    is_int(rc, MLCLF_OK, "1000 rows with probabilities accepted");

    bound = reply_prepare(&rep, m, &req, scratch);
    buf = rep.buf;

    memset(counts, 0, sizeof(counts));
    rep.class_counts = counts;

    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_int(rc, MLCLF_OK, "1000-row reply written");
    ok(rep.len < bound, "1000 rows: len %zu < bound %zu", rep.len, bound);
    is_int(strlen(buf), rep.len, "reply is NUL-terminated after len");
    is_int(counts[1], 1000, "class counts: 1000 versicolor");
    ok(counts[0] == 0 && counts[2] == 0, "class counts: no others");
    is_int(rep.first_class, 1, "first class");
    is_double(rep.first_confidence, 0.9, 0, "first confidence");

    rep.size = bound - 1;
    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_int(rc, MLCLF_ESPACE, "one byte short of the bound: ESPACE");

    free(buf);
    mlclf_request_free(&req);
    free(body);

    /* escaped labels and version */

    if (me != NULL) {
        body = batch_body(1000, ROW, &len);
        memcpy(body + len - 2, "],\"probabilities\":true}", 24);
        len += 21;

        rc = parse(&req, me, body, len, NULL, &err);
        bound = mlclf_reply_bound(me, &req, "v\"1\\\x01");
        buf = malloc(bound);

        rep.buf = buf;
        rep.size = bound;
        rep.version = "v\"1\\\x01";
        rep.class_counts = NULL;

        rc = mlclf_reply_write(&rep, me, &req, &err);
        is_int(rc, MLCLF_OK, "escaped 1000-row reply written");
        ok(rep.len < bound, "escaped: len %zu < bound %zu", rep.len, bound);

        want = "{\"model_version\":\"v\\\"1\\\\\\u0001\",\"predictions\":["
               "{\"prediction\":\"se\\\"to\\\\sa\",\"confidence\":0.97,"
               "\"probabilities\":{\"se\\\"to\\\\sa\":0.97,"
               "\"versi/color\":0.02,\"vir<ginica>\":0.01}},";

        ok(strncmp(buf, want, strlen(want)) == 0, "escaped reply bytes");
        if (strncmp(buf, want, strlen(want)) != 0) {
            tap_diag("got  %.200s", buf);
            tap_diag("want %s", want);
        }

        free(buf);
        mlclf_request_free(&req);
        free(body);
    }

    /* a failed parse writes no reply */

    parse(&req, m, "{}", 2, NULL, &err);
    buf = malloc(256);
    rep.buf = buf;
    rep.size = 256;
    rep.version = "v3";
    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_int(rc, MLCLF_EINVAL, "reply after a failed parse: EINVAL");
    mlclf_request_free(&req);
    free(buf);

    free(scratch);
}


static void
test_error_json(void)
{
    char    buf[256];
    size_t  n;

    n = mlclf_error_json(buf, sizeof(buf), "expected 4 features, got 3",
                         "bad_shape");
    is_str(buf, "{\"error\":\"expected 4 features, got 3\","
           "\"reason\":\"bad_shape\"}", "error body");
    is_int(n, strlen(buf), "error body length");

    n = mlclf_error_json(buf, sizeof(buf),
                         "q\"b\\s/\n\r\t\b\f\x01\x1f\x7f\xc3\xa9", "r\"");
    is_str(buf, "{\"error\":\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f"
           "\x7f\xc3\xa9\",\"reason\":\"r\\\"\"}", "escaped error body");
    is_int(n, strlen(buf), "escaped error body length");

    memset(buf, 'x', sizeof(buf));
    n = mlclf_error_json(buf, 10, "a long message", "bad_json");
    is_int(n, strlen("{\"error\":\"a long message\",\"reason\":\"bad_json\"}"),
           "short buffer: length needed");
    ok(buf[0] == 'x', "short buffer: nothing written");

    n = mlclf_error_json(buf, n, "a long message", "bad_json");
    ok(n == 46 && memcmp(buf, "{\"error\":\"a long message\","
                         "\"reason\":\"bad_json\"}", 46) == 0
       && buf[46] == 'x', "exact buffer: written, no NUL");

    n = mlclf_error_json(NULL, 0, NULL, NULL);
    is_int(n, strlen("{\"error\":\"\",\"reason\":\"\"}"), "NULL strings");
}


static void
test_reason_names(void)
{
    int          i, j, distinct;
    const char  *name;

    is_str(mlclf_reason_name(MLCLF_REASON_NONE), "", "no reason: no name");
    is_str(mlclf_reason_name(MLCLF_REASON_N), "", "past the end: no name");
    is_str(mlclf_reason_name(MLCLF_REASON_BAD_JSON), "bad_json",
           "first reason");
    is_str(mlclf_reason_name(MLCLF_REASON_OTHER), "other", "last reason");

    distinct = 1;

    for (i = MLCLF_REASON_NONE + 1; i < MLCLF_REASON_N; i++) {
        name = mlclf_reason_name(i);

        if (name[0] == '\0') {
            distinct = 0;
        }

        for (j = MLCLF_REASON_NONE + 1; j < i; j++) {
            if (strcmp(name, mlclf_reason_name(j)) == 0) {
                distinct = 0;
            }
        }
    }

    ok(distinct, "every reason has its own name");
}


int
main(void)
{
    void                     *buf, *ebuf;
    mlclf_model_t            *m, *me;
    static const char *const  odd_classes[] = {
        "se\"to\\sa", "versi/color", "vir<ginica>"
    };

    test_error_json();
    test_reason_names();

    m = forest_model(iris_classes, NULL, &buf);
    ok(m != NULL, "iris forest model");

    me = forest_model(odd_classes, NULL, &ebuf);
    ok(me != NULL, "model with a quote and a backslash in a label");

    if (m != NULL) {
        test_reply(m, me);
    }

    mlclf_model_close(&m);
    mlclf_model_close(&me);
    free(buf);
    free(ebuf);

    return tap_done();
}
