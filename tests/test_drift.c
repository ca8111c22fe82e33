
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Drift monitoring's core (mlclf_drift.c): reference distributions read
 * back as written, every kind of input binned from /predict and V2
 * rows as the client sent them (before imputation), the PSI, and the
 * verifier's rules, one damage each.  The fixture models with their
 * reference are also the seeds tests/fuzz/corpus/model/drift-*.mlclf:
 *
 *     make build/tests/test_drift && MLCLF_REGEN=1 build/tests/test_drift
 */


#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "mlclf.h"
#include "mlclf_format.h"
#include "files.h"
#include "model_damage.h"
#include "model_spec.h"


#define T_MAX_INPUTS  5


static void t_bins(const mlclf_model_t *m, const char *body, size_t row,
    const uint8_t *want, int dense, const char *what);
static void t_bins_v2(const mlclf_model_t *m, const char *body, size_t row,
    const uint8_t *want, int dense, const char *what);
static void t_same(const mlclf_model_t *m, const mlclf_request_t *req,
    size_t row, const uint8_t *want, const char *what);
static void t_counts(const mlclf_model_t *m, const mlclf_request_t *req,
    const char *what);


static void
t_same(const mlclf_model_t *m, const mlclf_request_t *req, size_t row,
    const uint8_t *want, const char *what)
{
    int          same;
    size_t       i, rows;
    uint8_t      bins[T_MAX_INPUTS];
    uint32_t     j, n;
    const void  *node, *r;

    n = mlclf_drift_n_inputs(m);
    memset(bins, 0xee, sizeof(bins));

    /* the row's node, and every row reached once by the cursor */

    node = NULL;
    rows = 0;

    for (r = mlclf_request_next_row(req, NULL), i = 0;
         r != NULL;
         r = mlclf_request_next_row(req, r), i++)
    {
        if (i == row) {
            node = r;
        }

        rows++;
    }

    ok(rows == (req->dense ? 0 : req->n_rows),
       "%s: the cursor reaches %zu rows", what, rows);

    mlclf_drift_row_bins(m, req, row, node, bins);

    same = 1;

    for (j = 0; j < n; j++) {
        same = same && bins[j] == want[j];
    }

    if (!ok(same, "%s: row %zu's bins", what, row)) {
        for (j = 0; j < n; j++) {
            printf("#   input %u: got %u, want %u\n", j, bins[j], want[j]);
        }
    }

    t_counts(m, req, what);
}


/*
 * mlclf_drift_count_rows() adds, for every input and bin, what
 * mlclf_drift_row_bins() gives row by row: dense rows take their own
 * path through it.
 */
static void
t_counts(const mlclf_model_t *m, const mlclf_request_t *req,
    const char *what)
{
    size_t       i;
    uint8_t      bins[T_MAX_INPUTS];
    uint32_t     j, n, total, off[T_MAX_INPUTS];
    uint32_t     want[T_MAX_INPUTS * MLCLF_DRIFT_MAX_BINS];
    uint32_t     got[T_MAX_INPUTS * MLCLF_DRIFT_MAX_BINS];
    const void  *node;

    n = mlclf_drift_n_inputs(m);
    total = 0;

    for (j = 0; j < n; j++) {
        off[j] = total;
        total += mlclf_drift_n_bins(m, j);
    }

    memset(want, 0, sizeof(want));
    memset(got, 0, sizeof(got));
    node = NULL;

    for (i = 0; i < req->n_rows; i++) {
        node = mlclf_request_next_row(req, node);
        mlclf_drift_row_bins(m, req, i, node, bins);

        for (j = 0; j < n; j++) {
            want[off[j] + bins[j]]++;
        }
    }

    mlclf_drift_count_rows(m, req, off, got, bins);

    ok(memcmp(want, got, total * sizeof(uint32_t)) == 0,
       "%s: the batch's counts are its rows' bins (%zu rows, dense %d)",
       what, req->n_rows, req->dense);
}


/* The bins of row "row" of a /predict body, and the path it took. */
static void
t_bins(const mlclf_model_t *m, const char *body, size_t row,
    const uint8_t *want, int dense, const char *what)
{
    int              rc;
    mlclf_err_t      err;
    mlclf_request_t  req;

    rc = mlclf_request_parse(&req, m, body, strlen(body), NULL, &err);

    if (!ok(rc == MLCLF_OK, "%s: parsed", what)) {
        printf("#   %s\n", err.msg);
        mlclf_request_free(&req);
        return;
    }

    is_int(req.dense, dense, "%s: dense %d", what, dense);
    t_same(m, &req, row, want, what);

    mlclf_request_free(&req);
}


static void
t_bins_v2(const mlclf_model_t *m, const char *body, size_t row,
    const uint8_t *want, int dense, const char *what)
{
    int                  rc;
    mlclf_err_t          err;
    mlclf_v2_request_t   v2;

    rc = mlclf_v2_request_parse(&v2, m, body, strlen(body), strlen(body),
                                NULL, &err);

    if (!ok(rc == MLCLF_OK, "%s: V2 parsed", what)) {
        printf("#   %s\n", err.msg);
        mlclf_v2_request_free(&v2);
        return;
    }

    is_int(v2.req.dense, dense, "%s: V2 dense %d", what, dense);
    t_same(m, &v2.req, row, want, what);

    mlclf_v2_request_free(&v2);
}


/* Written, read back; files without the sections have no reference. */
static void
t_read(void)
{
    void           *buf;
    uint32_t        n;
    mlclf_spec_t    spec;
    const double   *e, *q;
    mlclf_model_t  *m;
    size_t          len;
    const char     *v;

    static const mlclf_file_drift_t  none[2] = {
        { MLCLF_DRIFT_NUMBER, 2, 0, 0 }, { MLCLF_DRIFT_NUMBER, 2, 0, 2 }
    };
    static const double              half[4] = { 0.5, 0.5, 1.0, 0.0 };

    model_spec_logreg(&spec);
    m = model_spec_load(&spec, &buf);
    is_int(mlclf_drift_ready(m), MLCLF_ENODRIFT, "no sections: ENODRIFT");
    ok(!mlclf_err_is_damage(MLCLF_ENODRIFT), "ENODRIFT is no damage");
    ok(mlclf_drift_class_shares(m) == NULL
       && mlclf_drift_class_prior(m) == NULL
       && mlclf_drift_shares(m, 0) == NULL && mlclf_drift_n_bins(m, 0) == 0,
       "no sections: no shares");
    is_int(((const mlclf_file_header_t *) buf)->format_version, 1,
           "stamped as before without them");
    mlclf_model_close(&m);
    free(buf);

    model_spec_drift(&spec);
    m = model_spec_load(&spec, &buf);
    is_int(((const mlclf_file_header_t *) buf)->format_version,
           MLCLF_FORMAT_VERSION_DRIFT, "stamped version 5 with them");
    is_int(mlclf_drift_ready(m), MLCLF_OK, "ready");
    is_int(mlclf_drift_n_inputs(m), 2, "two inputs");
    is_int(mlclf_drift_n_bins(m, 0), 4, "x: 4 bins");
    is_int(mlclf_drift_n_bins(m, 1), 3, "y: 3 bins");
    q = mlclf_drift_shares(m, 1);
    ok(q[0] == 0.5 && q[1] == 0.4 && q[2] == 0.1, "y's shares");
    q = mlclf_drift_class_shares(m);
    ok(q[0] == 0.5 && q[1] == 0.25 && q[2] == 0.25, "class shares");
    q = mlclf_drift_class_prior(m);
    ok(q != NULL && q[0] == 0.4 && q[2] == 0.3, "label prior");
    e = mlclf_drift_edges(m, 0, &n);
    ok(n == 2 && e[0] == 0.5 && e[1] == 2.0, "x's cut points");
    is_int(mlclf_drift_kind(m, 1), MLCLF_DRIFT_NUMBER, "y is a number");
    mlclf_model_close(&m);
    free(buf);

    model_spec_inputs(&spec, MLCLF_KIND_FOREST);
    model_spec_drift(&spec);
    m = model_spec_load(&spec, &buf);
    is_int(mlclf_drift_n_inputs(m), 5, "five inputs");
    ok(mlclf_drift_class_prior(m) == NULL, "no label prior");
    is_int(mlclf_drift_kind(m, 1), MLCLF_DRIFT_CATEGORY, "domain");
    is_int(mlclf_drift_kind(m, 2), MLCLF_DRIFT_TEXT, "subject");
    v = mlclf_drift_value(m, 1, 0, &len);
    ok(v != NULL && len == 5 && memcmp(v, "b.net", 5) == 0,
       "domain's bin 0 is b.net");
    v = mlclf_drift_value(m, 1, 1, &len);
    ok(v != NULL && len == 5 && memcmp(v, "a.com", 5) == 0,
       "domain's bin 1 is a.com");
    ok(mlclf_drift_value(m, 1, 2, &len) == NULL && len == 0,
       "the other bin has no value");
    ok(mlclf_drift_edges(m, 1, &n) == NULL && n == 0,
       "a category has no cut points");
    e = mlclf_drift_edges(m, 4, &n);
    is_int(n, 0, "body: no cut point");
    mlclf_model_close(&m);
    free(buf);

    /* no input with a cut point: no DRIFT_EDGES (the fuzzer's find) */
    model_spec_forest(&spec);
    model_spec_drift(&spec);
    spec.drift = none;
    spec.n_drift_edges = 0;
    spec.drift_edges = NULL;
    spec.n_drift_shares = 4;
    spec.drift_shares = half;
    m = model_spec_load(&spec, &buf);
    e = mlclf_drift_edges(m, 1, &n);
    ok(n == 0 && mlclf_drift_bin_number(m, 1, 1e300) == 0
       && mlclf_drift_bin_number(m, 1, NAN) == 1,
       "no cut points anywhere: one value bin and the missing one");
    mlclf_model_close(&m);
    free(buf);
}


/* Numbers: /predict's fast path, cJSON arrays and objects, V2 tensors. */
static void
t_numbers(mlclf_kind_e kind)
{
    void           *buf;
    const char     *what;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    static const uint8_t  b00[2] = { 0, 0 }, b12[2] = { 1, 2 };
    static const uint8_t  b20[2] = { 2, 0 }, b31[2] = { 3, 1 };
    static const uint8_t  b01[2] = { 0, 1 }, b32[2] = { 3, 2 };
    static const uint8_t  b21[2] = { 2, 1 }, b02[2] = { 0, 2 };
    static const uint8_t  b22[2] = { 2, 2 }, b11[2] = { 1, 1 };

    if (kind == MLCLF_KIND_LOGREG) {
        model_spec_logreg(&spec);       /* imputes missing values */
        what = "logreg";

    } else {
        model_spec_gbt(&spec);          /* routes them as NaN */
        what = "gbt";
    }

    model_spec_drift(&spec);
    m = model_spec_load(&spec, &buf);

    /* a value at a cut point is in the bin below it */
    t_bins(m, "{\"features\":[0.5,-1.25]}", 0, b00, 1, what);
    t_bins(m, "{\"features\":[2,-1.2]}", 0, b11, 1, what);
    t_bins(m, "{\"instances\":[[0.4,-2],[2.0000001,7]]}", 1, b21, 1, what);
    t_bins(m, "{\"instances\":[[0.4,-2],[-1e300,1e300]]}", 1, b01, 1, what);

    /* missing: null, or left out by name; the reference's last bin */
    t_bins(m, "{\"features\":[1,null]}", 0, b12, 0, what);
    t_bins(m, "{\"features\":{\"y\":-3,\"x\":3}}", 0, b20, 0, what);
    t_bins(m, "{\"features\":{\"x\":0.1}}", 0, b02, 0, what);
    t_bins(m, "{\"features\":{}}", 0, b32, 0, what);
    t_bins(m, "{\"instances\":[[1,2],{\"y\":0}]}", 1, b31, 0, what);
    t_bins(m, "{\"instances\":[[1,2],[null,0]]}", 1, b31, 0, what);

    /* V2: dense rows, the imputed values marked missing */
    t_bins_v2(m, "{\"inputs\":[{\"name\":\"features\",\"shape\":[2,2],"
              "\"datatype\":\"FP64\",\"data\":[0.5,-1.25,1,null]}]}", 0,
              b00, 1, what);
    t_bins_v2(m, "{\"inputs\":[{\"name\":\"features\",\"shape\":[2,2],"
              "\"datatype\":\"FP64\",\"data\":[0.5,-1.25,1,null]}]}", 1,
              b12, 1, what);
    t_bins_v2(m, "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],"
              "\"datatype\":\"FP64\",\"data\":[3,null]}]}", 0, b22, 1,
              what);
    t_bins_v2(m, "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],"
              "\"datatype\":\"FP64\",\"data\":[3,null]}]}", 1, b32, 1,
              what);

    mlclf_model_close(&m);
    free(buf);
}


/* Categories and texts, by /predict's arrays and objects and by V2. */
static void
t_inputs(void)
{
    void           *buf;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    static const uint8_t  all[5] = { 2, 0, 1, 0, 0 };
    static const uint8_t  other[5] = { 0, 2, 0, 1, 0 };
    static const uint8_t  known[5] = { 0, 2, 0, 0, 0 };
    static const uint8_t  missing[5] = { 3, 3, 3, 0, 0 };
    static const uint8_t  nulls[5] = { 3, 3, 3, 1, 0 };
    static const uint8_t  longs[5] = { 3, 1, 2, 0, 0 };
    static const double   impute[MODEL_SPEC_INPUTS_COLUMNS] = { 1.5 };

    /* n_links imputed as 1.5: binned as missing all the same */
    model_spec_inputs(&spec, MLCLF_KIND_FOREST);
    model_spec_drift(&spec);
    spec.impute = impute;
    m = model_spec_load(&spec, &buf);

    /* 3 > 2.5; b.net is bin 0; 11 bytes > 10; x is bin 0; no cut */
    t_bins(m, "{\"features\":{\"n_links\":3,\"domain\":\"b.net\","
           "\"subject\":\"hello world\",\"tag\":\"x\","
           "\"body\":\"free money\"}}", 0, all, 0, "by name");
    t_bins(m, "{\"features\":[3,\"b.net\",\"hello world\",\"x\","
           "\"free money\"]}", 0, all, 0, "an array row");

    /* unknown and known-but-rare categories are "other"; "" is length 0 */
    t_bins(m, "{\"features\":[0,\"q.org\",\"\",\"y\",\"\"]}", 0, other,
           0, "unknown category");
    t_bins(m, "{\"instances\":[[0,\"q.org\",\"\",\"y\",\"\"],"
           "[1,\"z.org\",\"0123456789\",\"x\",\"win\"]]}", 1, known, 0,
           "a known category in no bin of its own");
    t_bins(m, "{\"features\":[1,\"\",\"\",\"y\",\"\"]}", 0, other, 0,
           "the empty category is a value");

    /* left out, and null (the model empties missing domain, subject) */
    t_bins(m, "{\"features\":{\"tag\":\"x\",\"body\":\"w\"}}", 0,
           missing, 0, "left out");
    t_bins(m, "{\"features\":[null,null,null,\"y\",\"a\"]}", 0, nulls, 0,
           "nulls");
    t_bins(m, "{\"features\":{\"domain\":\"a.com\",\"tag\":\"x\","
           "\"subject\":\"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
           "\u00e9\u00e9\u00e9z\",\"body\":\"\"}}", 0, longs, 0,
           "a text's length is in bytes");

    t_bins_v2(m, "{\"inputs\":["
              "{\"name\":\"domain\",\"shape\":[2],\"datatype\":\"BYTES\","
              "\"data\":[\"b.net\",\"q.org\"]},"
              "{\"name\":\"subject\",\"shape\":[2],\"datatype\":\"BYTES\","
              "\"data\":[\"hello world\",\"\"]},"
              "{\"name\":\"tag\",\"shape\":[2],\"datatype\":\"BYTES\","
              "\"data\":[\"x\",\"y\"]},"
              "{\"name\":\"body\",\"shape\":[2],\"datatype\":\"BYTES\","
              "\"data\":[\"free money\",\"\"]},"
              "{\"name\":\"n_links\",\"shape\":[2],\"datatype\":\"FP64\","
              "\"data\":[3,0]}]}", 1, other, 0, "V2 by name");
    t_bins_v2(m, "{\"inputs\":["
              "{\"name\":\"tag\",\"shape\":[1],\"datatype\":\"BYTES\","
              "\"data\":[\"x\"]},"
              "{\"name\":\"body\",\"shape\":[1],\"datatype\":\"BYTES\","
              "\"data\":[\"w\"]}]}", 0, missing, 0, "V2 left out");

    mlclf_model_close(&m);
    free(buf);
}


/* The PSI, worked by hand. */
static void
t_psi(void)
{
    double  want;

    static const double    half[2] = { 0.5, 0.5 };
    static const double    third[3] = { 0.5, 0.5, 0.0 };
    static const uint64_t  c13[2] = { 1, 3 }, c22[2] = { 2, 2 };
    static const uint64_t  c00[2] = { 0, 0 }, c220[3] = { 2, 2, 0 };
    static const uint64_t  c112[3] = { 1, 1, 2 };

    is_double(mlclf_psi(half, c22, 2), 0.0, 0.0, "the same shares: 0");
    is_double(mlclf_psi(half, c00, 2), 0.0, 0.0, "an empty window: 0");
    is_double(mlclf_psi(third, c220, 3), 0.0, 0.0,
              "an empty bin both sides: 0");

    /* p = (0.25, 0.75), q = (0.5, 0.5) */
    want = (0.25 - 0.5) * log(0.25 / 0.5) + (0.75 - 0.5) * log(0.75 / 0.5);
    is_double(mlclf_psi(half, c13, 2), want, 1e-15, "two bins");
    is_double(want, 0.27465307216702745, 1e-15, "two bins: 0.2747");

    /* q = 0 is floored at 1e-4: finite */
    want = 2 * (0.25 - 0.5) * log(0.25 / 0.5)
           + (0.5 - 1e-4) * log(0.5 / 1e-4);
    is_double(mlclf_psi(third, c112, 3), want, 1e-12,
              "a reference bin of 0: epsilon");
    ok(isfinite(mlclf_psi(third, c112, 3)), "finite");

    /* p = 0 too */
    want = (1e-4 - 0.5) * log(1e-4 / 0.5) + (1 - 0.5) * log(1 / 0.5);
    is_double(mlclf_psi(half, (const uint64_t[]) { 0, 5 }, 2), want, 1e-12,
              "a window bin of 0: epsilon");
}


/* On the forest over x and y with its reference (model_spec.h). */
static const model_damage_t  t_cases[] = {
    { "DRIFT_INPUTS in a version 4 file", MLCLF_ESECTION, DMG_CRC,
      { DMG_HDR(format_version, SET, 4) } },
    { "a number's kind says text", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_INPUTS, 0, SET, MLCLF_DRIFT_TEXT) } },
    { "an unknown kind", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_INPUTS, 4, SET, 9) } },
    { "one bin", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_INPUTS, 1, SET, 1) } },
    { "17 bins", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_INPUTS, 1, SET, 17) } },
    { "a gap between the inputs' cut points", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_INPUTS, 6, ADD, 1) } },
    { "the inputs' shares overlap", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_INPUTS, 7, SET, 3) } },
    { "a bin more than the cut points", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_INPUTS, 5, ADD, 1) } },
    { "cut points equal", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(DRIFT_EDGES, 1, SET, 0.5) } },
    { "cut points decreasing", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(DRIFT_EDGES, 0, SET, 3.0) } },
    { "a NaN cut point", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(DRIFT_EDGES, 2, SET, NAN) } },
    { "an infinite cut point", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(DRIFT_EDGES, 1, SET, INFINITY) } },
    { "a share above 1", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(DRIFT_SHARES, 0, SET, 1.5) } },
    { "a negative share", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(DRIFT_SHARES, 3, SET, -0.0625),
        DMG_F64(DRIFT_SHARES, 2, ADD, 0.0625) } },
    { "a NaN share", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(DRIFT_SHARES, 6, SET, NAN) } },
    { "shares summing to 1 + 1e-8", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(DRIFT_SHARES, 4, ADD, 1e-8) } },
    { "shares summing to 1 + 1e-12 (rounding)", MLCLF_OK, DMG_CRC,
      { DMG_F64(DRIFT_SHARES, 4, ADD, 1e-12) } },
    { "class shares summing to 1.1", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(CLASS_SHARES, 0, ADD, 0.1) } },
    { "a label prior summing to 0.9", MLCLF_EDRIFT, DMG_CRC,
      { DMG_F64(CLASS_SHARES, 5, ADD, -0.1) } },
    { "a share count one short", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(DRIFT_SHARES, count, ADD, -1) } },
    { "cut points but no DRIFT_EDGES", MLCLF_EDRIFT, DMG_CRC,
      { DMG_ENTRY(DRIFT_EDGES, count, SET, 6),
        DMG_ENTRY(DRIFT_EDGES, type, SET, MLCLF_SECTION_DRIFT_VALUES) } },
    { "no CLASS_SHARES", MLCLF_EDRIFT, DMG_CRC,
      { DMG_ENTRY(CLASS_SHARES, count, SET, 12),
        DMG_ENTRY(CLASS_SHARES, type, SET, MLCLF_SECTION_DRIFT_VALUES) } },
};

/* On the model with raw inputs and its reference. */
static const model_damage_t  t_in_cases[] = {
    { "a category bin of another input's value", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_VALUES, 0, SET, 4) } },
    { "a category bin past the value table", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_VALUES, 2, SET, 9) } },
    { "a value in two bins", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_VALUES, 1, SET, 2) } },
    { "a text's kind says number", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_INPUTS, 8, SET, MLCLF_DRIFT_NUMBER) } },
    { "a category's kind says text", MLCLF_EDRIFT, DMG_CRC,
      { DMG_U32(DRIFT_INPUTS, 4, SET, MLCLF_DRIFT_TEXT) } },
    { "DRIFT_SHARES in a version 4 file", MLCLF_ESECTION, DMG_CRC,
      { DMG_HDR(format_version, SET, 4) } },
};


static void
t_damage(void)
{
    int                    k;
    size_t                 i, n, len;
    uint8_t               *p;
    mlclf_err_t            err;
    mlclf_spec_t           s;
    const model_damage_t  *c;

    for (k = 0; k < 2; k++) {
        n = k ? sizeof(t_in_cases) / sizeof(t_in_cases[0])
              : sizeof(t_cases) / sizeof(t_cases[0]);

        for (i = 0; i < n; i++) {
            c = k ? &t_in_cases[i] : &t_cases[i];

            if (k) {
                model_spec_inputs(&s, MLCLF_KIND_LOGREG);

            } else {
                model_spec_forest(&s);
            }

            model_spec_drift(&s);
            p = model_spec_write(&s, &len);
            model_damage_apply(p, &len, c);

            memset(&err, 0, sizeof(err));
            is_int(mlclf_model_verify(p, len, &err), c->code, "%s: %s",
                   c->what, mlclf_strerror(c->code));

            if (c->code != MLCLF_OK) {
                tap_diag("%s", err.msg);
            }

            free(p);
        }
    }
}


/* With MLCLF_REGEN set, the fuzzer's seeds. */
static void
t_seeds(void)
{
    int           i;
    char          path[256];
    size_t        len;
    uint8_t      *p;
    mlclf_spec_t  s;

    static const char  *names[3] = { "forest", "gbt", "inputs" };

    if (getenv("MLCLF_REGEN") == NULL) {
        return;
    }

    for (i = 0; i < 3; i++) {
        if (i == 0) {
            model_spec_forest(&s);

        } else if (i == 1) {
            model_spec_gbt(&s);

        } else {
            model_spec_inputs(&s, MLCLF_KIND_LOGREG);
        }

        model_spec_drift(&s);

        (void) snprintf(path, sizeof(path),
                        "tests/fuzz/corpus/model/drift-%s.mlclf", names[i]);

        p = model_spec_write(&s, &len);
        ok(files_write(path, p, len) == 0, "regenerated %s", path);
        free(p);
    }
}


int
main(void)
{
    t_read();
    t_numbers(MLCLF_KIND_LOGREG);
    t_numbers(MLCLF_KIND_GBT);
    t_inputs();
    t_psi();
    t_damage();
    t_seeds();

    return tap_done();
}
