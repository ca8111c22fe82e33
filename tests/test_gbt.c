
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The gbt kind and node decisions (format version 2): the float32 cuts,
 * every missing rule and link against hand computations and against an
 * independent node-by-node evaluator, the verifier's new refusals, the
 * version rules, and requests with missing values.
 */


#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_format.h>

#include "tap.h"
#include "rnd.h"
#include "model_spec.h"


#define NT  21                          /* trees of the random model */


static void test_cuts(void);
static void test_spec_model(void);
static void test_random_model(int f32, uint32_t link, uint32_t nc);
static void test_refusals(void);
static void test_versions(void);
static void test_requests(void);
static double ref_walk(const mlclf_spec_t *s, const double *x, uint32_t n);


/* x <= cut exactly when the source's float comparison holds. */
static void
test_cuts(void)
{
    int       i, j, bad_lt, bad_le, edges;
    float     t;
    double    c, x, td;
    uint32_t  bits;

    bad_lt = 0;
    bad_le = 0;
    edges = 0;

    for (i = 0; i < 20000; i++) {
        do {
            bits = (uint32_t) rnd();
            memcpy(&t, &bits, sizeof(t));
        } while (!isfinite(t));

        if (i < 6) {
            t = (float[]) { 0.0f, -0.0f, FLT_MAX, -FLT_MAX, FLT_MIN,
                            1.5f }[i];
        }

        c = mlclf_cut_f32_lt(t);
        edges += mlclf_cut_is_f32_edge(c);

        /* the cut, its neighbours, and doubles around t */
        for (j = 0; j < 8; j++) {
            x = j == 0 ? c : j == 1 ? nextafter(c, INFINITY)
                : j == 2 ? nextafter(c, -INFINITY)
                : (double) t * (1.0 + (rnd_unit() - 0.5) * 1e-6);

            bad_lt += ((float) x < t) != (x <= c);
        }

        td = (double) t * (1.0 + (rnd_unit() - 0.5) * 1e-7);
        c = mlclf_cut_f32_le(td);
        edges += mlclf_cut_is_f32_edge(c);

        for (j = 0; j < 8; j++) {
            x = j == 0 ? c : j == 1 ? nextafter(c, INFINITY)
                : j == 2 ? nextafter(c, -INFINITY)
                : td * (1.0 + (rnd_unit() - 0.5) * 1e-6);

            bad_le += ((float) x <= td) != (x <= c);
        }
    }

    is_int(bad_lt, 0, "(float) x < t  <=>  x <= mlclf_cut_f32_lt(t)");
    is_int(bad_le, 0, "(float) x <= t  <=>  x <= mlclf_cut_f32_le(t)");
    is_int(edges, 40000, "every cut is a float32 edge");
    ok(!mlclf_cut_is_f32_edge(1.0), "1.0 is not an edge");
    ok(mlclf_cut_f32_lt(-FLT_MAX) < -FLT_MAX,
       "below -FLT_MAX only what rounds to -inf goes left");
    ok((float) nextafter(mlclf_cut_f32_le(DBL_MAX), INFINITY) == INFINITY,
       "x <= DBL_MAX in float: everything that stays finite");
}


/* The hand-made model of model_spec_gbt(), rule by rule. */
static void
test_spec_model(void)
{
    int             i;
    void           *buf;
    double          p[3], z[3], e[3], sum, *x;
    uint32_t        k, c;
    mlclf_spec_t    s;
    mlclf_model_t  *m;

    static double  rows[][2] = {
        { 0.5, -1.25 },         /* both thresholds exactly: left, left */
        { 0.6, 1.5 },           /* 1.5f is not < 1.5f: right */
        { NAN, 1.0 },           /* missing x: tree 0 left */
        { 3.0, NAN },           /* missing y: tree 1 right, tree 2 left */
        { NAN, 0.0 },           /* y zero: tree 1 default (right); x NaN
                                   read as 0 in tree 1's second node */
        { 1.0, 1e-36 },         /* |y| <= 1e-35: tree 1 right */
        { 2.5, -1e-30 },        /* beyond the zero band: compared */
        { 0.0, 1.49999999 }     /* (float) rounds to 1.5f: right */
    };

    model_spec_gbt(&s);
    m = model_spec_load(&s, &buf);

    ok(mlclf_model_kind(m) == MLCLF_KIND_GBT, "kind gbt");
    is_str(mlclf_model_kind_name(m), "gbt", "kind name");
    is_int(mlclf_model_n_trees(m), 3, "three trees");
    ok(mlclf_model_routes_missing(m), "routes missing values");
    ok(mlclf_model_impute(m) == NULL, "no impute");

    for (i = 0; i < (int) (sizeof(rows) / sizeof(rows[0])); i++) {
        x = rows[i];

        z[0] = 0.1 + (isnan(x[0]) || x[0] <= 0.5 ? 1.0 : -0.5);

        if (isnan(x[1]) || fabs(x[1]) <= (double) 1e-35f) {
            z[1] = -0.2 + ((isnan(x[0]) ? 0.0 : x[0]) <= 2.0 ? 0.75 : -1.0);

        } else {
            z[1] = -0.2 + (x[1] <= -1.25 ? 0.25
                           : (isnan(x[0]) ? 0.0 : x[0]) <= 2.0 ? 0.75
                           : -1.0);
        }

        z[2] = 0.3 + (isnan(x[1]) || (float) x[1] < 1.5f ? 0.5 : -0.25);

        sum = 0.0;

        for (k = 0; k < 3; k++) {
            e[k] = exp(z[k]);
            sum += e[k];
        }

        c = mlclf_predict_proba(m, x, p);

        for (k = 0; k < 3; k++) {
            is_double(p[k], e[k] / sum, 1e-15, "row %d class %u", i, k);
        }

        ok(c == (uint32_t) (p[1] > p[c] ? 1 : c), "row %d argmax", i);
    }

    mlclf_model_close(&m);
    free(buf);
}


/* Reference walk: every node's rule, written from the format's text. */
static double
ref_walk(const mlclf_spec_t *s, const double *x, uint32_t n)
{
    double   v;
    uint8_t  d;

    while (s->node_feature[n] != -1) {
        v = x[s->node_feature[n]];
        d = s->node_decision[n];

        if (isnan(v) && (d & MLCLF_MISSING_MASK) == MLCLF_MISSING_AS_ZERO) {
            v = 0.0;
        }

        if (isnan(v) || ((d & MLCLF_MISSING_MASK) == MLCLF_MISSING_ZERO
                         && v >= -(double) 1e-35f && v <= (double) 1e-35f))
        {
            n = (d & MLCLF_DEFAULT_LEFT) ? s->node_left[n]
                                         : s->node_right[n];

        } else {
            n = v <= s->node_threshold[n] ? s->node_left[n]
                                          : s->node_right[n];
        }
    }

    return s->leaf_values[s->node_left[n]];
}


/*
 * NT random depth-2 trees over 3 features, as many walks side by side as
 * the kernel takes, rows with and without missing values, against
 * ref_walk() and the link written here.
 */
static void
test_random_model(int f32, uint32_t link, uint32_t nc)
{
    int             bad;
    void           *buf;
    float           acc32[3];
    double          x[3], p[3], z[3], want[3], v, sum;
    uint32_t        t, i, k, r, no, leaf;
    uint32_t        off[NT + 1], left[NT * 7], right[NT * 7], cls[NT];
    int32_t         feat[NT * 7];
    double          thr[NT * 7], leaves[NT * 4], base[3];
    uint8_t         dec[NT * 7];
    mlclf_spec_t    s;
    mlclf_model_t  *m;

    static const char *const  names[] = { "a", "b", "c" };

    no = (link == MLCLF_LINK_SIGMOID && nc == 2) ? 1 : nc;
    leaf = 0;

    for (t = 0; t < NT; t++) {
        off[t] = t * 7;
        cls[t] = t % no;

        /* node 0 -> 1, 2; node 1 -> leaves 3, 4; node 2 -> 5, 6 */
        for (i = 0; i < 7; i++) {
            r = t * 7 + i;

            if (i < 3) {
                feat[r] = (int32_t) (rnd() % 3);
                dec[r] = (uint8_t) ((rnd() % 3) | (rnd() & 1 ? 4 : 0)
                                    | ((rnd() % 3) << 3));
                thr[r] = (rnd_unit() - 0.5) * 4.0;

                if (dec[r] & MLCLF_CMP_MASK) {
                    thr[r] = (dec[r] & MLCLF_CMP_MASK) == MLCLF_CMP_F32_LT
                             ? mlclf_cut_f32_lt((float) thr[r])
                             : mlclf_cut_f32_le(thr[r]);
                }

                left[r] = t * 7 + 2 * i + 1;
                right[r] = t * 7 + 2 * i + 2;

            } else {
                feat[r] = -1;
                dec[r] = 0;
                thr[r] = 0.0;
                left[r] = leaf;
                right[r] = 0;
                v = (rnd_unit() - 0.5) * 2.0;
                leaves[leaf++] = f32 ? (double) (float) v : v;
            }
        }
    }

    off[NT] = NT * 7;

    for (k = 0; k < no; k++) {
        base[k] = f32 ? (double) (float) (0.1 * k - 0.05) : 0.1 * k - 0.05;
    }

    memset(&s, 0, sizeof(s));
    s.kind = MLCLF_KIND_GBT;
    s.n_features = 3;
    s.n_classes = nc;
    s.feature_names = names;
    s.class_labels = names;
    s.n_trees = NT;
    s.n_nodes = NT * 7;
    s.n_leaves = leaf;
    s.tree_offsets = off;
    s.node_feature = feat;
    s.node_threshold = thr;
    s.node_left = left;
    s.node_right = right;
    s.node_decision = dec;
    s.leaf_values = leaves;
    s.n_outputs = no;
    s.tree_class = cls;
    s.base = base;
    s.link = link;
    s.gbt_flags = f32 ? MLCLF_GBT_FLOAT32 : 0;
    s.link_scale = 0.5;
    s.divisor = 3.0;

    m = model_spec_load(&s, &buf);
    bad = 0;

    for (r = 0; r < 4000; r++) {
        for (i = 0; i < 3; i++) {
            v = (rnd_unit() - 0.5) * 4.0;
            x[i] = rnd() % 10 == 0 ? NAN : rnd() % 10 == 0 ? 0.0 : v;
        }

        for (k = 0; k < no; k++) {
            z[k] = base[k];
            acc32[k] = (float) base[k];
        }

        for (t = 0; t < NT; t++) {
            v = ref_walk(&s, x, off[t]);
            z[cls[t]] += v;
            acc32[cls[t]] += (float) v;
        }

        for (k = 0; k < no; k++) {
            z[k] = 0.5 * ((f32 ? (double) acc32[k] : z[k]) / 3.0);
        }

        if (link == MLCLF_LINK_SOFTMAX) {
            for (sum = 0.0, k = 0; k < no; k++) {
                sum += exp(z[k]);
            }

            for (k = 0; k < no; k++) {
                want[k] = exp(z[k]) / sum;
            }

        } else if (no == 1) {
            want[1] = 1.0 / (1.0 + exp(-z[0]));
            want[0] = 1.0 - want[1];

        } else {
            for (k = 0; k < no; k++) {
                want[k] = 1.0 / (1.0 + exp(-z[k]));
            }
        }

        (void) mlclf_predict_proba(m, x, p);

        for (k = 0; k < nc; k++) {
            bad += !(fabs(p[k] - want[k]) <= 1e-14);
        }
    }

    is_int(bad, 0, "%d trees, %s, %u classes, %s sums: kernel = reference",
           NT, link == MLCLF_LINK_SOFTMAX ? "softmax" : "sigmoid", nc,
           f32 ? "float32" : "double");

    mlclf_model_close(&m);
    free(buf);
}


/* The verifier's new refusals, each with its own code. */
static void
test_refusals(void)
{
    int           rc;
    void         *buf;
    size_t        len;
    double        leaves[7], base[3], thr[11];
    uint8_t       dec[11];
    uint32_t      cls[3];
    mlclf_err_t   err;
    mlclf_spec_t  s;

    static const double  impute[] = { 0.0, 0.0 };

#define REFUSED(code, what)                                                  \
    rc = mlclf_write_buffer(&s, &buf, &len, &err);                           \
    is_int(rc, code, "%s: %s", what, err.msg);                               \
    if (rc == MLCLF_OK) {                                                    \
        free(buf);                                                           \
    }                                                                        \
    model_spec_gbt(&s)

    model_spec_gbt(&s);

    s.link = 7;
    REFUSED(MLCLF_ELINK, "unknown link");

    s.link = MLCLF_LINK_SOFTMAX;
    s.n_classes = 2;
    s.n_outputs = 1;
    cls[0] = cls[1] = cls[2] = 0;
    s.tree_class = cls;
    REFUSED(MLCLF_ELINK, "softmax over one output");

    s.gbt_flags = 2;
    REFUSED(MLCLF_ELINK, "unknown flags");

    s.gbt_flags = MLCLF_GBT_FLOAT32;
    REFUSED(MLCLF_ELINK, "float32 sums of a non-float32 base");

    s.link_scale = -1.0;
    s.divisor = 1.0;
    REFUSED(MLCLF_ELINK, "negative scale");

    s.link_scale = 1.0;
    s.divisor = 0.5;
    REFUSED(MLCLF_ELINK, "divisor below 1");

    memcpy(cls, s.tree_class, sizeof(cls));
    cls[2] = 3;
    s.tree_class = cls;
    REFUSED(MLCLF_EOUTPUT, "tree adds to output 3 of 3");

    memcpy(leaves, s.leaf_values, sizeof(leaves));
    leaves[4] = NAN;
    s.leaf_values = leaves;
    REFUSED(MLCLF_ENONFINITE, "NaN leaf");

    memcpy(base, s.base, sizeof(base));
    base[1] = INFINITY;
    s.base = base;
    REFUSED(MLCLF_ENONFINITE, "infinite base");

    memcpy(dec, s.node_decision, sizeof(dec));
    dec[0] |= 0x20;
    s.node_decision = dec;
    REFUSED(MLCLF_EDECISION, "unknown decision bit");

    memcpy(dec, s.node_decision, sizeof(dec));
    dec[0] = (dec[0] & ~MLCLF_CMP_MASK) | MLCLF_CMP_MASK;
    s.node_decision = dec;
    REFUSED(MLCLF_EDECISION, "unknown comparison");

    memcpy(dec, s.node_decision, sizeof(dec));
    dec[1] = MLCLF_DEFAULT_LEFT;
    s.node_decision = dec;
    REFUSED(MLCLF_EDECISION, "a leaf with a decision");

    memcpy(thr, s.node_threshold, sizeof(thr));
    thr[8] = 1.5;
    s.node_threshold = thr;
    REFUSED(MLCLF_EDECISION, "float32 comparison, threshold not an edge");

    memcpy(dec, s.node_decision, sizeof(dec));
    dec[0] = MLCLF_MISSING_REFUSE;
    s.node_decision = dec;
    REFUSED(MLCLF_EDECISION, "one node of three refuses missing values");

    s.impute = impute;
    REFUSED(MLCLF_ESECTION, "impute in a model that routes missing values");

    s.kind = MLCLF_KIND_LOGREG;
    s.weights = impute;
    s.bias = impute;
    s.n_classes = 2;
    s.n_outputs = 1;
    REFUSED(MLCLF_EINVAL, "node decisions in a logreg spec");

#undef REFUSED
}


/* Writers stamp the lowest version; a version-1 file has no gbt. */
static void
test_versions(void)
{
    int                   rc;
    uint8_t              *p;
    size_t                len;
    mlclf_err_t           err;
    mlclf_spec_t          s;
    mlclf_file_header_t   h;

    p = model_spec_good(MLCLF_KIND_FOREST, &len);
    memcpy(&h, p, sizeof(h));
    is_int(h.format_version, 1, "a forest without decisions stays v1");
    free(p);

    p = model_spec_good(MLCLF_KIND_GBT, &len);
    memcpy(&h, p, sizeof(h));
    is_int(h.format_version, 2, "gbt is v2");

    /* claim version 1, with a valid header CRC */
    h.format_version = 1;
    h.header_crc32 = 0;
    h.header_crc32 = mlclf_crc32(0, &h, sizeof(h));
    memcpy(p, &h, sizeof(h));
    rc = mlclf_model_verify(p, len, &err);
    is_int(rc, MLCLF_EKIND, "gbt in a v1 file: %s", err.msg);
    free(p);

    /* a forest with decisions is v2; as v1 its section is refused */
    model_spec_forest(&s);
    s.node_decision = (const uint8_t[]) { 0, 0, 0, 0, 0, 0, 0, 0 };
    p = model_spec_write(&s, &len);
    memcpy(&h, p, sizeof(h));
    is_int(h.format_version, 2, "a forest with decisions is v2");

    h.format_version = 1;
    h.header_crc32 = 0;
    h.header_crc32 = mlclf_crc32(0, &h, sizeof(h));
    memcpy(p, &h, sizeof(h));
    rc = mlclf_model_verify(p, len, &err);
    is_int(rc, MLCLF_ESECTION, "NODE_DECISION in a v1 file: %s", err.msg);
    free(p);

    h.format_version = MLCLF_FORMAT_VERSION + 1;
    ok(MLCLF_FORMAT_VERSION == 5, "this reader reads version 5");
}


/* null and absent features become NaN for a model that routes them. */
static void
test_requests(void)
{
    int              rc;
    void            *buf;
    size_t           i;
    double           x[2], p[3], q[3];
    mlclf_err_t      err;
    mlclf_spec_t     s;
    mlclf_model_t   *m;
    mlclf_request_t  req;

    static const char  *bodies[] = {
        "{\"features\": [null, 1.0]}",
        "{\"features\": {\"y\": 1.0}}",
        "{\"features\": {\"x\": null, \"y\": 1.0}}",
        "{\"instances\": [[null, 1.0]]}"
    };

    model_spec_gbt(&s);
    m = model_spec_load(&s, &buf);

    x[0] = NAN;
    x[1] = 1.0;
    (void) mlclf_predict_proba(m, x, q);

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        memset(&req, 0, sizeof(req));
        rc = mlclf_request_parse(&req, m, bodies[i], strlen(bodies[i]), NULL,
                                 &err);
        is_int(rc, MLCLF_OK, "%s is accepted", bodies[i]);

        if (rc == MLCLF_OK) {
            mlclf_request_row(&req, m, 0, x);
            ok(isnan(x[0]) && x[1] == 1.0, "%s: x is NaN", bodies[i]);
            (void) mlclf_predict_proba(m, x, p);
            ok(memcmp(p, q, sizeof(p)) == 0, "%s: as a missing x",
               bodies[i]);
        }

        mlclf_request_free(&req);
    }

    mlclf_model_close(&m);
    free(buf);

    /* a forest without decisions still refuses them */
    model_spec_forest(&s);
    m = model_spec_load(&s, &buf);
    memset(&req, 0, sizeof(req));
    rc = mlclf_request_parse(&req, m, bodies[0], strlen(bodies[0]), NULL,
                             &err);
    ok(rc == MLCLF_EREQUEST && req.reason == MLCLF_REASON_MISSING_VALUE,
       "a forest without decisions refuses null");
    mlclf_request_free(&req);
    mlclf_model_close(&m);
    free(buf);
}


int
main(void)
{
    test_cuts();
    test_spec_model();
    test_random_model(0, MLCLF_LINK_SIGMOID, 2);
    test_random_model(1, MLCLF_LINK_SIGMOID, 2);
    test_random_model(0, MLCLF_LINK_SOFTMAX, 3);
    test_random_model(1, MLCLF_LINK_SOFTMAX, 3);
    test_random_model(0, MLCLF_LINK_SIGMOID, 3);
    test_refusals();
    test_versions();
    test_requests();

    return tap_done();
}
