
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Raw inputs (format version 3): a model with a number, two categories
 * and two texts is written, read and featurized; its sparse rows give
 * the same bits as their dense expansion, for logreg and for a forest;
 * and every rule of the INPUTS block has a damaged file that the
 * verifier refuses with MLCLF_EINPUT (or the section code).
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_input.h>

#include "tap.h"
#include "rnd.h"
#include "model_damage.h"
#include "model_spec.h"


#define NF   MODEL_SPEC_INPUTS_COLUMNS
#define MAXT 256                        /* terms of a test row */


static void test_read(void);
static void test_categories(const mlclf_model_t *m);
static void test_texts(const mlclf_model_t *m);
static void test_same_bits(mlclf_kind_e kind);
static void test_damage(void);
static void test_writer(void);
static void test_requests(void);
static void refused(const mlclf_model_t *m, const char *body,
    const mlclf_limits_t *limits, int status, const char *reason,
    const char *msg);
static void served(const mlclf_model_t *m, const char *body, size_t rows,
    const char *first);
static size_t row_terms(const mlclf_model_t *m, const char *subject,
    const char *body, const char *domain, double n_links,
    mlclf_text_term_t *t);


static void
test_read(void)
{
    void           *buf;
    mlclf_spec_t    s;
    mlclf_model_t  *m;

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    m = model_spec_load(&s, &buf);

    is_int(((const mlclf_file_header_t *) buf)->format_version,
           MLCLF_FORMAT_VERSION_INPUTS, "a model with inputs is version 3");
    is_int(mlclf_model_n_features(m), NF, "17 columns");
    is_int(mlclf_model_n_inputs(m), 5, "5 inputs");
    ok(mlclf_model_has_inputs(m), "the model has inputs");
    is_int(mlclf_model_input_type(m, 0), MLCLF_INPUT_NUMBER, "a number");
    is_int(mlclf_model_input_type(m, 1), MLCLF_INPUT_CATEGORY, "a category");
    is_int(mlclf_model_input_type(m, 2), MLCLF_INPUT_TEXT, "a text");
    is_int(mlclf_model_feature_index(m, "subject", 7), 2, "inputs by name");
    is_str(mlclf_model_feature_name(m, 4), "body", "input 4's name");
    ok(mlclf_model_feature_name(m, 5) == NULL, "no input 5");
    ok(mlclf_model_input_text(m, 1) == NULL, "a category has no text");
    is_int(mlclf_model_input_text(m, 4)->n_features, 3, "body has 3 terms");
    is_int(mlclf_input_column(m, 3), 12, "tag starts at column 12");

    test_categories(m);
    test_texts(m);

    mlclf_model_close(&m);
    free(buf);
}


static void
test_categories(const mlclf_model_t *m)
{
    mlclf_text_term_t  t;

    is_int(mlclf_input_category(m, 1, "a.com", 5, &t), 1, "a.com known");
    is_int(t.column, 2, "a.com sets column 2");
    ok(t.value == 1.0, "to 1");
    is_int(mlclf_input_category(m, 1, "", 0, &t), 1, "the empty category");
    is_int(t.column, 1, "sets column 1");
    is_int(mlclf_input_category(m, 1, "z.org", 5, &t), 1, "z.org known");
    is_int(t.column, 3, "z.org sets the shared column 3");
    is_int(mlclf_input_category(m, 1, "a.co", 4, &t), 1, "a prefix: unknown");
    is_int(t.column, 3, "unknown strings set column 3");
    is_int(mlclf_input_category(m, 1, "zz", 2, &t), 1, "past the last");
    is_int(t.column, 3, "unknown: column 3");
    is_int(mlclf_input_category(m, 3, "y", 1, &t), 1, "tag y");
    is_int(t.column, 13, "sets column 13");
    is_int(mlclf_input_category(m, 3, "w", 1, &t), -1, "tag w is refused");
    is_int(mlclf_input_category(m, 3, "", 0, &t), -1, "and so is \"\"");
}


static void
test_texts(const mlclf_model_t *m)
{
    double             sum;
    size_t             k, cap;
    uint64_t           scratch[512];
    ptrdiff_t          n;
    const char        *subject, *body;
    mlclf_text_term_t  t[MAXT];

    subject = "Win a FREE cruise, win big";
    cap = mlclf_input_text_terms(m, 2, strlen(subject));
    ok(cap <= MAXT && mlclf_input_text_scratch(m, 2, strlen(subject))
                      <= sizeof(scratch), "the bounds fit the test");

    n = mlclf_input_text(m, 2, subject, strlen(subject), scratch, t);
    ok(n > 0 && (size_t) n <= cap, "subject: %td terms", n);

    sum = 0.0;

    for (k = 0; k < (size_t) n; k++) {
        ok(t[k].column >= 4 && t[k].column < 12
           && (k == 0 || t[k].column > t[k - 1].column),
           "subject term %zu in columns 4..11, sorted", k);
        sum += t[k].value * t[k].value;
    }

    ok(fabs(sum - 1.0) < 1e-12, "l2 norm 1 (%.17g)", sum);

    body = "FREE money!  Free, free MONEY; nothing else";
    n = mlclf_input_text(m, 4, body, strlen(body), scratch, t);
    is_int(n, 2, "body: free and money");
    is_int(t[0].column, 14, "free is column 14");
    is_int(t[1].column, 15, "money is column 15");
    ok(fabs(t[0].value - 3.0 / sqrt(13.0)) < 1e-15
       && fabs(t[1].value - 2.0 / sqrt(13.0)) < 1e-15,
       "counts 3 and 2, l2-normed");

    n = mlclf_input_text(m, 4, "\xc3\x28", 2, scratch, t);
    is_int(n, -1, "invalid UTF-8 is refused");

    n = mlclf_input_text(m, 4, "", 0, scratch, t);
    is_int(n, 0, "an empty text has no terms");
}


/* The terms of one row, in column order, as the parser will build it. */
static size_t
row_terms(const mlclf_model_t *m, const char *subject, const char *body,
    const char *domain, double n_links, mlclf_text_term_t *t)
{
    size_t     n;
    uint64_t   scratch[512];
    ptrdiff_t  k;

    n = 0;
    t[n].column = 0;
    t[n++].value = n_links;

    if (domain != NULL) {
        n += mlclf_input_category(m, 1, domain, strlen(domain), &t[n]);
    }

    k = mlclf_input_text(m, 2, subject, strlen(subject), scratch, &t[n]);
    n += (size_t) k;

    n += mlclf_input_category(m, 3, "x", 1, &t[n]);

    k = mlclf_input_text(m, 4, body, strlen(body), scratch, &t[n]);
    n += (size_t) k;

    return n;
}


/* Sparse rows give the bits of their dense expansion. */
static void
test_same_bits(mlclf_kind_e kind)
{
    int                 i, same, zero;
    void               *buf;
    size_t              n, k;
    uint32_t            c1, c2;
    mlclf_spec_t        s;
    mlclf_model_t      *m;
    double              x[NF], dense[NF], p1[2], p2[2];
    mlclf_text_term_t   t[MAXT];

    static const char  *subjects[] = {
        "Win money now", "meeting at noon", "", "FREE FREE FREE",
        "\xce\x9f\xce\xa3 \xce\xa3\xce\x9f\xce\xa3 greek"
    };
    static const char  *bodies[] = {
        "free money", "see you", "win win win", "", "Money? FREE."
    };
    static const char  *domains[] = { "a.com", NULL, "q.io", "", "b.net" };

    model_spec_inputs(&s, kind);
    m = model_spec_load(&s, &buf);

    memset(x, 0, sizeof(x));
    same = 1;
    zero = 1;

    for (i = 0; i < 25; i++) {
        n = row_terms(m, subjects[i % 5], bodies[(i / 5) % 5],
                      domains[(i + i / 5) % 5], (double) (i % 4), t);

        memset(dense, 0, sizeof(dense));

        for (k = 0; k < n; k++) {
            dense[t[k].column] = t[k].value;
        }

        c1 = mlclf_predict_terms(m, t, n, x, p1);
        c2 = mlclf_predict_proba(m, dense, p2);

        same &= c1 == c2 && memcmp(p1, p2, sizeof(p1)) == 0;

        for (k = 0; k < NF; k++) {
            zero &= x[k] == 0.0;
        }
    }

    ok(same, "%s: 25 sparse rows, the dense rows' bits",
       mlclf_model_kind_name(m));
    ok(zero, "%s: the scratch row is all 0 again",
       mlclf_model_kind_name(m));

    mlclf_model_close(&m);
    free(buf);
}


/* Each rule of the INPUTS block, broken in a written file. */
static const model_damage_t  input_cases[] = {
    { "input type 4", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 0, SET, 4) } },
    { "reserved input field", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 7, SET, 1) } },
    { "unknown input flag", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 9, SET, 0x10) } },
    { "a gap between inputs' columns", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 10, SET, 2) } },
    { "a number two columns wide", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 3, SET, 2), DMG_U32(INPUTS, 10, SET, 2) } },
    { "a number with flags", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 1, SET, MLCLF_INPUT_MISSING_EMPTY) } },
    { "columns past n_features", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 35, SET, 4) } },
    { "unknown rule 3", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 9, SET, 3) } },
    { "unknown column past the width", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 14, SET, 3) } },
    { "a param for an error rule", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 30, SET, 1) } },
    { "a category value past the width", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(VALUE_COLUMNS, 0, SET, 3) } },
    { "a category column no value sets", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(VALUE_COLUMNS, 1, SET, 0) } },
    { "categories out of order", MLCLF_EINPUT, DMG_CRC,
      { DMG_BYTE(VALUE_BYTES, 0, SET, 'c') } },
    { "a category twice", MLCLF_EINPUT, DMG_CRC,
      { DMG_BYTE(VALUE_BYTES, 15, SET, 'y') } },
    { "a category that is not UTF-8", MLCLF_EINPUT, DMG_CRC,
      { DMG_BYTE(VALUE_BYTES, 10, SET, 0xff) } },
    { "value offsets going down", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(VALUE_OFFSETS, 2, SET, 11) } },
    { "value offsets short of the bytes", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(VALUE_OFFSETS, 9, SET, 28) } },
    { "values not in input order", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 28, SET, 5) } },
    { "a text wider than its features", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(TEXT_PARAMS, 1, SET, 16) } },
    { "a text's parameters out of order", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(INPUTS, 22, SET, 1) } },
    { "a vocabulary term for another column", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(VALUE_COLUMNS, 8, SET, 1) } },
    { "a vocabulary out of order", MLCLF_EINPUT, DMG_CRC,
      { DMG_BYTE(VALUE_BYTES, 21, SET, 'z') } },
    { "ngram_min 0", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(TEXT_PARAMS, 2, SET, 0) } },
    { "unknown vectorizer", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(TEXT_PARAMS, 0, SET, 3) } },
    { "an idf weight below 1", MLCLF_EINPUT, DMG_CRC,
      { DMG_F64(TEXT_IDF, 3, SET, 0.5) } },
    { "a NaN idf weight", MLCLF_EINPUT, DMG_CRC,
      { DMG_F64(TEXT_IDF, 7, SET, NAN) } },
    { "idf weights left over", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(TEXT_PARAMS, 7, SET, MLCLF_NO_IDF) } },
    { "idf weights that are not there", MLCLF_EINPUT, DMG_CRC,
      { DMG_U32(TEXT_PARAMS, 15, SET, 0) } },
    { "INPUTS in a version-2 file", MLCLF_ESECTION, DMG_CRC,
      { DMG_HDR(format_version, SET, 2) } },
    { "no inputs", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(INPUTS, count, SET, 0),
        DMG_ENTRY(INPUTS, length, SET, 0) } },
};


static void
test_damage(void)
{
    int             rc;
    size_t          i, len, good;
    uint8_t        *p, *copy;
    mlclf_err_t     err;
    mlclf_spec_t    s;

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    p = model_spec_write(&s, &good);
    copy = malloc(good + 64);

    for (i = 0; i < sizeof(input_cases) / sizeof(input_cases[0]); i++) {
        memcpy(copy, p, good + 64);
        len = good;
        model_damage_apply(copy, &len, &input_cases[i]);

        memset(&err, 0, sizeof(err));
        rc = mlclf_model_verify(copy, len, &err);

        if (!tap_ok(rc == input_cases[i].code, __FILE__, __LINE__, "%s",
                    input_cases[i].what))
        {
            printf("#   got %d (%s), want %d\n", rc, mlclf_strerror(rc),
                   input_cases[i].code);
        }

        tap_diag("  %s", err.msg);
        ok(mlclf_err_is_damage(rc), "%s: counted as damage",
           input_cases[i].what);
    }

    free(copy);
    free(p);
}


/* The writer refuses what the reader would, with the reader's code. */
static void
test_writer(void)
{
    int                  rc;
    void                *buf;
    size_t               len;
    mlclf_err_t          err;
    mlclf_spec_t         s;
    double               impute[NF];
    mlclf_file_input_t   in[5];

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    memcpy(in, s.inputs, sizeof(in));
    in[3].width = 3;
    s.inputs = in;

    rc = mlclf_write_buffer(&s, &buf, &len, &err);
    is_int(rc, MLCLF_EINPUT, "the writer refuses a bad input");
    ok(strstr(err.msg, "input 3 (tag)") != NULL, "naming it: %s", err.msg);

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    memset(impute, 0, sizeof(impute));
    impute[0] = 2.0;
    impute[5] = 1.0;
    s.impute = impute;

    rc = mlclf_write_buffer(&s, &buf, &len, &err);
    is_int(rc, MLCLF_EINPUT, "an imputed text column is refused");
    ok(strstr(err.msg, "input 2 (subject)") != NULL, "naming it: %s",
       err.msg);

    impute[5] = 0.0;
    rc = mlclf_write_buffer(&s, &buf, &len, &err);
    is_int(rc, MLCLF_OK, "an imputed number is fine");
    free(buf);

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    s.n_inputs = 0;
    s.n_features = 5;
    rc = mlclf_write_buffer(&s, &buf, &len, &err);
    is_int(rc, MLCLF_EINVAL, "values without inputs are refused");
}


/* body is refused with status, reason and exactly msg */
static void
refused(const mlclf_model_t *m, const char *body,
    const mlclf_limits_t *limits, int status, const char *reason,
    const char *msg)
{
    int               rc;
    char             *copy;
    size_t            len;
    mlclf_err_t       err;
    mlclf_request_t   req;

    len = strlen(body);
    copy = malloc(len);
    memcpy(copy, body, len);

    memset(&err, 0, sizeof(err));
    rc = mlclf_request_parse(&req, m, copy, len, limits, &err);
    free(copy);

    is_int(rc, MLCLF_EREQUEST, "%s: refused", msg);
    is_int(req.status, status, "%s: status", msg);
    is_str(mlclf_reason_name(req.reason), reason, "%s: reason", msg);
    is_str(err.msg, msg, "the message");

    mlclf_request_free(&req);
}


/*
 * body is served: rows predictions, the first of them the probability
 * mlclf_predict_terms() gives the row first (subject, body, domain,
 * n_links as row_terms() reads them, separated by '|').
 */
static void
served(const mlclf_model_t *m, const char *body, size_t rows,
    const char *first)
{
    int               rc;
    char             *copy, *f[4], buf[256], *p;
    double           *scratch, x[NF], proba[2];
    size_t            len, n;
    uint32_t          k;
    mlclf_err_t       err;
    mlclf_reply_t     rep;
    mlclf_request_t   req;
    mlclf_text_term_t t[MAXT];

    len = strlen(body);
    copy = malloc(len);
    memcpy(copy, body, len);

    memset(&err, 0, sizeof(err));
    rc = mlclf_request_parse(&req, m, copy, len, NULL, &err);
    is_int(rc, MLCLF_OK, "served: %s", err.msg);

    memset(&rep, 0, sizeof(rep));
    rep.size = mlclf_reply_bound(m, &req, "v1");
    rep.buf = malloc(rep.size);
    rep.version = "v1";
    scratch = malloc(mlclf_reply_scratch_for(m, &req) * sizeof(double));
    rep.scratch = scratch;

    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_int(rc, MLCLF_OK, "reply written: %s", err.msg);

    for (n = 0, p = rep.buf; (p = strstr(p, "\"prediction\"")) != NULL; p++)
    {
        n++;
    }

    is_int(n, rows, "%zu predictions", rows);

    snprintf(buf, sizeof(buf), "%s", first);
    f[0] = strtok(buf, "|");
    f[1] = strtok(NULL, "|");
    f[2] = strtok(NULL, "|");
    f[3] = strtok(NULL, "|");

    n = row_terms(m, f[0], f[1], strcmp(f[2], "-") == 0 ? NULL : f[2],
                  strtod(f[3], NULL), t);
    memset(x, 0, sizeof(x));
    k = mlclf_predict_terms(m, t, n, x, proba);

    ok(rep.first_class == k && rep.first_confidence == proba[k],
       "row 0: class %u, %.17g", k, proba[k]);

    free(scratch);
    free(rep.buf);
    free(copy);
    mlclf_request_free(&req);
}


static void
test_requests(void)
{
    void            *buf;
    mlclf_spec_t     s;
    mlclf_limits_t   limits;
    mlclf_model_t   *m;

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    m = model_spec_load(&s, &buf);

    served(m, "{\"features\":{\"n_links\":3,\"domain\":\"a.com\","
              "\"subject\":\"Win money\",\"tag\":\"x\","
              "\"body\":\"free money\"}}", 1,
           "Win money|free money|a.com|3");
    served(m, "{\"features\":[2,\"q.io\",\"meeting at noon\",\"x\","
              "\"see you\"]}", 1, "meeting at noon|see you|q.io|2");
    served(m, "{\"instances\":[{\"body\":\"win\",\"tag\":\"x\","
              "\"n_links\":0,\"subject\":null},"
              "[1,\"b.net\",\"Free FREE\",\"y\",\"money\"]]}", 2,
           " |win|-|0");

    refused(m, "{\"features\":{\"n_links\":1,\"subject\":5,\"tag\":\"x\","
               "\"body\":\"\"}}", NULL, 400, "not_a_string",
            "feature \"subject\" is not a string");
    refused(m, "{\"features\":[\"1\",\"a.com\",\"s\",\"x\",\"b\"]}", NULL,
            400, "not_a_number", "feature 0 is not a number");
    refused(m, "{\"features\":[1,[\"a.com\"],\"s\",\"x\",\"b\"]}", NULL,
            400, "not_a_string", "feature 1 is not a string");
    refused(m, "{\"features\":{\"n_links\":1,\"tag\":\"w\",\"body\":\"\"}}",
            NULL, 400, "unknown_category",
            "feature \"tag\" is not a known category");
    refused(m, "{\"features\":{\"n_links\":1,\"tag\":null,\"body\":\"\"}}",
            NULL, 400, "missing_value", "feature \"tag\" is null and the "
            "model refuses a missing category");
    refused(m, "{\"features\":{\"n_links\":1,\"body\":\"\"}}", NULL, 400,
            "missing_feature", "feature \"tag\" is missing");
    refused(m, "{\"features\":{\"n_links\":1,\"tag\":\"x\",\"body\":null}}",
            NULL, 400, "missing_value", "feature \"body\" is null and the "
            "model refuses a missing text");
    refused(m, "{\"features\":{\"n_links\":null,\"tag\":\"x\","
               "\"body\":\"\"}}", NULL, 400, "missing_value",
            "feature \"n_links\" is null and the model has no value to "
            "impute");
    refused(m, "{\"features\":{\"tag\":\"x\",\"body\":\"\"}}", NULL, 400,
            "missing_feature", "feature \"n_links\" is missing");
    refused(m, "{\"features\":{\"n_links\":1,\"tag\":\"x\","
               "\"body\":\"a\\u0000b\"}}", NULL, 400, "bad_text",
            "\\u0000 in a string value, at byte 44");
    refused(m, "{\"features\":{\"n_links\":1,\"tag\":\"x\","
               "\"body\":\"a\xff\"}}", NULL, 400, "bad_json",
            "invalid JSON at byte 44");

    memset(&limits, 0, sizeof(limits));
    limits.max_text = 8;

    refused(m, "{\"features\":{\"n_links\":1,\"tag\":\"x\","
               "\"body\":\"123456789\"}}", &limits, 413, "text_too_long",
            "feature \"body\" is 9 bytes, more than the limit of 8");
    refused(m, "{\"instances\":[{\"n_links\":1,\"tag\":\"x\",\"body\":\"\"},"
               "{\"n_links\":1,\"tag\":\"x\",\"body\":\"\",\"x\":1}]}",
            NULL, 400, "unknown_feature", "row 1: unknown feature \"x\"");

    mlclf_model_close(&m);
    free(buf);
}


int
main(void)
{
    test_read();
    test_same_bits(MLCLF_KIND_LOGREG);
    test_same_bits(MLCLF_KIND_FOREST);
    test_damage();
    test_writer();
    test_requests();

    return tap_done();
}
