
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_predict_proba on hand-built models against hand-computed values
 * (reference numbers from exact formulas, compared with a stated
 * tolerance), ties, extreme inputs and bit-for-bit determinism.
 */


#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mlclf.h"
#include "mlclf_model.h"
#include "mlclf_train_rng.h"
#include "model_spec.h"
#include "tap.h"


/* absolute tolerance for probabilities computed with exp() */
#define TOL  1e-12


static const char *const  xy_features[] = { "x", "y" };
static const char *const  ab_classes[] = { "a", "b" };
static const char *const  abc_classes[] = { "a", "b", "c" };


/* A logistic regression over "x", "y": 2 classes (one output) or 3. */
static mlclf_model_t *
logreg(uint32_t n_classes, const double *w, const double *b, void **buf)
{
    mlclf_spec_t  spec;

    memset(&spec, 0, sizeof(spec));
    spec.kind = MLCLF_KIND_LOGREG;
    spec.n_features = 2;
    spec.n_classes = n_classes;
    spec.feature_names = xy_features;
    spec.class_labels = n_classes == 2 ? ab_classes : abc_classes;
    spec.n_outputs = n_classes == 2 ? 1 : n_classes;
    spec.weights = w;
    spec.bias = b;

    return model_spec_load(&spec, buf);
}


/* Predicts x, checks the class and that proba is a distribution. */
static uint32_t
predict(const mlclf_model_t *m, double x0, double x1, double *p,
    uint32_t want, const char *what)
{
    double    x[2], sum;
    uint32_t  k, c;

    x[0] = x0;
    x[1] = x1;

    c = mlclf_predict_proba(m, x, p);
    is_int(c, want, "%s: class %u", what, want);

    sum = 0.0;

    for (k = 0; k < mlclf_model_n_classes(m); k++) {
        if (!isfinite(p[k]) || p[k] < 0.0 || p[k] > 1.0) {
            ok(0, "%s: proba[%u] = %g is not a probability", what, k, p[k]);
            return c;
        }

        sum += p[k];
    }

    is_double(sum, 1.0, TOL, "%s: probabilities sum to 1", what);

    return c;
}


static void
test_binary(void)
{
    void           *buf;
    double          p[2];
    mlclf_model_t  *m;

    static const double  w[] = { 1.0, -2.0 };
    static const double  b[] = { 0.5 };
    static const double  w2[] = { 2.0, -2.0 };

    m = logreg(2, w, b, &buf);

    /* z = 1 - 2 + 0.5 = -0.5, P(b) = 1 / (1 + e^0.5) */
    predict(m, 1.0, 1.0, p, 0, "sigmoid z = -0.5");
    is_double(p[1], 0.37754066879814541, TOL, "P(b) = 1/(1+e^0.5)");
    is_double(p[0], 0.62245933120185459, TOL, "P(a) = 1 - P(b)");

    /* z = 3.5 */
    predict(m, 3.0, 0.0, p, 1, "sigmoid z = 3.5");
    is_double(p[1], 0.97068776924864364, TOL, "P(b) = 1/(1+e^-3.5)");

    predict(m, 0.5, 0.5, p, 0, "sigmoid z = 0: tie goes to class 0");
    ok(p[0] == 0.5 && p[1] == 0.5, "z = 0: exactly 0.5 each");

    predict(m, -400.0, 0.0, p, 0, "sigmoid z = -399.5");
    ok(p[1] > 0.0 && p[1] < 1e-170, "tiny P(b) = %g is not flushed", p[1]);

    predict(m, 1e300, 1e300, p, 0, "features 1e300");
    ok(p[0] == 1.0 && p[1] == 0.0, "z = -1e300: P(a) = 1");

    predict(m, -1e300, -1e300, p, 1, "features -1e300");
    ok(p[1] == 1.0, "z = 1e300: P(b) = 1");

    mlclf_model_close(&m);
    free(buf);

    /* 2e308 - 2e308 overflows to inf - inf: the scaled path */
    m = logreg(2, w2, b, &buf);

    predict(m, 1e308, 1e308, p, 0, "inf - inf");
    ok(p[0] == 0.5 && p[1] == 0.5, "inf - inf: the scores cancel");

    predict(m, 1e308, -1e308, p, 1, "inf + inf");
    ok(p[1] == 1.0, "inf + inf: P(b) = 1");

    predict(m, -1.7e308, 1.7e308, p, 0, "-inf");
    ok(p[0] == 1.0, "-inf: P(a) = 1");

    mlclf_model_close(&m);
    free(buf);
}


static void
test_multinomial(void)
{
    void           *buf;
    double          p[3];
    mlclf_model_t  *m;

    static const double  w[] = { 2.0, 0.0, 0.0, 2.0, -2.0, -2.0 };
    static const double  b[] = { 0.0, 0.0, 0.0 };

    m = logreg(3, w, b, &buf);

    /* z = (1, 2, -3): softmax by hand */
    predict(m, 0.5, 1.0, p, 1, "softmax z = (1, 2, -3)");
    is_double(p[0], 0.26762315414986232, TOL, "P(a) = e/(e+e^2+e^-3)");
    is_double(p[1], 0.72747515680046471, TOL, "P(b) = e^2/(...)");
    is_double(p[2], 0.004901689049672921, TOL, "P(c) = e^-3/(...)");

    predict(m, 1.0, 1.0, p, 0, "softmax tie a = b");
    ok(p[0] == p[1], "tie: equal probabilities");

    predict(m, 0.0, 0.0, p, 0, "softmax all zero");
    is_double(p[2], 1.0 / 3.0, TOL, "all zero: uniform");

    predict(m, 400.0, 0.0, p, 0, "softmax z = (800, 0, -800)");
    ok(p[0] == 1.0 && p[2] == 0.0, "large scores do not overflow");

    predict(m, 1e300, -1e300, p, 0, "softmax features 1e300");
    ok(p[0] == 1.0, "1e300: P(a) = 1");

    predict(m, 1e308, 1e308, p, 0, "softmax scores +inf, +inf, -inf");
    ok(p[0] == 0.5 && p[1] == 0.5 && p[2] == 0.0,
       "overflowed scores: %g %g %g", p[0], p[1], p[2]);

    predict(m, -1e308, 1e308, p, 1, "softmax scores -inf, +inf, -inf+inf");
    ok(p[1] == 1.0, "P(b) = 1");

    mlclf_model_close(&m);
    free(buf);
}


/* tests/fixtures/golden-logreg.mlclf, or NULL after a failed test */
static mlclf_model_t *
golden_logreg(void)
{
    mlclf_err_t     err;
    mlclf_model_t  *m;

    if (mlclf_model_open(&m, "tests/fixtures/golden-logreg.mlclf", 0, &err)
        != MLCLF_OK)
    {
        ok(0, "open golden logreg: %s", err.msg);
        return NULL;
    }

    return m;
}


static void
test_iris_logreg(void)
{
    double          x[4], p[3];
    uint32_t        c;
    mlclf_model_t  *m;

    m = golden_logreg();
    if (m == NULL) {
        return;
    }

    x[0] = 5.1;
    x[1] = 3.5;
    x[2] = 1.4;
    x[3] = 0.2;

    /* z = (7.609, 3.378, -10.987) with the fixture's weights */
    c = mlclf_predict_proba(m, x, p);
    is_int(c, 0, "golden logreg: setosa");
    is_double(p[0], 0.98567046683498361, TOL, "golden logreg: P(setosa)");
    is_double(p[1], 0.014329524893377642, TOL,
              "golden logreg: P(versicolor)");
    is_double(p[2], 8.2716387432164004e-09, TOL,
              "golden logreg: P(virginica)");

    mlclf_model_close(&m);
}


/* The forest of model_spec.h: its trees and rows are drawn there. */
static void
test_forest(void)
{
    int             i, same;
    void           *buf;
    double          p[3], q[3], x[2];
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    model_spec_forest(&spec);

    m = model_spec_load(&spec, &buf);

    /* rows 0 and 3: (1,0,0) + (0,0,1) = (0.5, 0, 0.5), a tie */
    predict(m, 0.0, 0.0, p, 0, "forest (0, 0): tie a = c");
    ok(p[0] == 0.5 && p[1] == 0.0 && p[2] == 0.5, "forest (0, 0) proba");

    /* rows 1 and 2: (0.25, 0.625, 0.125) */
    predict(m, 1.0, -2.0, p, 1, "forest (1, -2)");
    ok(p[0] == 0.25 && p[1] == 0.625 && p[2] == 0.125,
       "forest (1, -2) proba");

    /* rows 1 and 4: (0.1, 0.525, 0.375) */
    predict(m, 3.0, 5.0, p, 1, "forest (3, 5)");
    is_double(p[0], 0.1, 1e-15, "forest (3, 5) P(a)");
    is_double(p[1], 0.525, 1e-15, "forest (3, 5) P(b)");
    is_double(p[2], 0.375, 1e-15, "forest (3, 5) P(c)");

    /* on the thresholds: x <= t goes left; rows 0 and 2 */
    predict(m, 0.5, -1.25, p, 0, "forest on the thresholds");
    ok(p[0] == 0.75 && p[1] == 0.25 && p[2] == 0.0,
       "x == threshold goes left");

    predict(m, 1e300, 1e300, p, 1, "forest features 1e300");
    predict(m, -1e300, -1e300, p, 0, "forest features -1e300");

    /* the same input gives the same bits, every time */
    same = 1;
    x[0] = 1.0;
    x[1] = -2.0;
    (void) mlclf_predict_proba(m, x, p);

    for (i = 0; i < 1000; i++) {
        x[0] = 1.0 + i * 1e-3;
        (void) mlclf_predict_proba(m, x, q);
        x[0] = 1.0;
        (void) mlclf_predict_proba(m, x, q);
        same &= memcmp(p, q, sizeof(p)) == 0;
    }

    ok(same, "forest: bit-identical repeats");

    mlclf_model_close(&m);
    free(buf);
}


/*
 * Random forests of 1..19 trees of uneven depths against a walk of one
 * tree at a time written here: the kernel walks trees eight at a time
 * (a walk at its leaf waiting for the others), then the rest one by one;
 * both must add the leaves in tree order and give the same bits.
 */

#define RW_TREES   19
#define RW_NODES   (RW_TREES * 63)
#define RW_FEAT    3


typedef struct {
    uint32_t            n_nodes;
    uint32_t            n_leaves;
    mlclf_train_rng_t   rng;
    int32_t             feature[RW_NODES];
    double              threshold[RW_NODES];
    uint32_t            left[RW_NODES];
    uint32_t            right[RW_NODES];
    double              leaves[RW_NODES * 3];
} rw_forest_t;


/* the trainer's generator; the slight modulo bias does not matter here */
static uint32_t
rw_rand(rw_forest_t *f, uint32_t n)
{
    return (uint32_t) (mlclf_train_rng_next(&f->rng) % n);
}


/* Appends a subtree of at most depth levels in preorder; returns its root. */
static uint32_t
rw_grow(rw_forest_t *f, uint32_t depth)
{
    double    a, b;
    uint32_t  n;

    n = f->n_nodes++;

    if (depth == 0 || rw_rand(f, 4) == 0) {
        a = rw_rand(f, 1000) / 1000.0;
        b = (1.0 - a) * (rw_rand(f, 1000) / 1000.0);
        f->feature[n] = -1;
        f->threshold[n] = 0.0;
        f->left[n] = f->n_leaves;
        f->right[n] = 0;
        f->leaves[f->n_leaves * 3] = a;
        f->leaves[f->n_leaves * 3 + 1] = b;
        f->leaves[f->n_leaves * 3 + 2] = 1.0 - a - b;
        f->n_leaves++;
        return n;
    }

    f->feature[n] = (int32_t) rw_rand(f, RW_FEAT);
    f->threshold[n] = rw_rand(f, 200) / 100.0 - 1.0;
    f->left[n] = rw_grow(f, depth - 1);
    f->right[n] = rw_grow(f, depth - 1);

    return n;
}


/* an empty forest whose generator starts from seed */
static rw_forest_t *
rw_new(uint64_t seed)
{
    rw_forest_t  *f;

    f = calloc(1, sizeof(rw_forest_t));
    if (f == NULL) {
        printf("Bail out! out of memory\n");
        exit(1);
    }

    mlclf_train_rng_seed(&f->rng, seed);

    return f;
}


/* spec of the trees of f over RW_FEAT features, n_trees of them */
static void
rw_spec(rw_forest_t *f, mlclf_spec_t *spec, uint32_t n_trees,
    const uint32_t *offsets)
{
    static const char  *const  names[] = { "x", "y", "z" };

    memset(spec, 0, sizeof(mlclf_spec_t));
    spec->kind = MLCLF_KIND_FOREST;
    spec->n_features = RW_FEAT;
    spec->n_classes = 3;
    spec->feature_names = names;
    spec->class_labels = abc_classes;
    spec->n_trees = n_trees;
    spec->n_nodes = f->n_nodes;
    spec->n_leaves = f->n_leaves;
    spec->tree_offsets = offsets;
    spec->node_feature = f->feature;
    spec->node_threshold = f->threshold;
    spec->node_left = f->left;
    spec->node_right = f->right;
    spec->leaf_values = f->leaves;
}


static void
test_forest_walks(void)
{
    int                 bad;
    void               *buf;
    double              p[3], q[3], x[RW_FEAT], inv;
    uint32_t            t, k, n, i, offsets[RW_TREES + 1];
    rw_forest_t        *f;
    mlclf_spec_t        spec;
    mlclf_model_t      *m;

    f = rw_new(42);

    for (t = 1; t <= RW_TREES; t++) {
        f->n_nodes = 0;
        f->n_leaves = 0;

        for (i = 0; i < t; i++) {
            offsets[i] = f->n_nodes;
            (void) rw_grow(f, 1 + rw_rand(f, 5));
        }

        offsets[t] = f->n_nodes;

        rw_spec(f, &spec, t, offsets);

        m = model_spec_load(&spec, &buf);
        bad = 0;

        for (i = 0; i < 2000; i++) {
            for (k = 0; k < RW_FEAT; k++) {
                x[k] = rw_rand(f, 240) / 100.0 - 1.2;
            }

            q[0] = q[1] = q[2] = 0.0;

            for (k = 0; k < t; k++) {
                n = offsets[k];

                while (f->feature[n] >= 0) {
                    n = x[f->feature[n]] <= f->threshold[n] ? f->left[n]
                                                             : f->right[n];
                }

                q[0] += f->leaves[f->left[n] * 3];
                q[1] += f->leaves[f->left[n] * 3 + 1];
                q[2] += f->leaves[f->left[n] * 3 + 2];
            }

            inv = 1.0 / t;
            q[0] *= inv;
            q[1] *= inv;
            q[2] *= inv;

            (void) mlclf_predict_proba(m, x, p);
            bad += memcmp(p, q, sizeof(p)) != 0;
        }

        ok(bad == 0, "forest of %u trees (%u nodes): 2000 rows equal a "
           "one-tree-at-a-time walk bit for bit (%d differ)",
           t, f->n_nodes, bad);

        mlclf_model_close(&m);
        free(buf);
    }

    free(f);
}


static void
test_logreg_determinism(void)
{
    int             i, same;
    double          x[4], p[3], q[3];
    mlclf_model_t  *m;

    m = golden_logreg();
    if (m == NULL) {
        return;
    }

    x[0] = 6.3;
    x[1] = 2.9;
    x[2] = 5.6;
    x[3] = 1.8;

    (void) mlclf_predict_proba(m, x, p);
    same = 1;

    for (i = 0; i < 1000; i++) {
        (void) mlclf_predict_proba(m, x, q);
        same &= memcmp(p, q, sizeof(p)) == 0;
    }

    ok(same, "logreg: bit-identical repeats");
    is_int(mlclf_predict_proba(m, x, q), 2, "6.3,2.9,5.6,1.8 is virginica");

    mlclf_model_close(&m);
}


/*
 * A forest damaged in memory after it was verified: children pointing
 * back at themselves or far out of range, features and leaf rows out of
 * range, tree starts out of range.  The kernels walk the layout made at
 * load (mlclf_model_pack.c), not these arrays: each walk must end, read
 * nothing outside the model's own pages (the model fills its mapping
 * here: a read past it faults) and still return a class.
 */
static void
test_forest_damaged(void)
{
    int                 ended;
    void               *buf;
    double              p[3], x[RW_FEAT];
    size_t              len, size, i;
    uint8_t            *room;
    int32_t            *feat;
    uint32_t            t, k, n, c, *left, *right, *off, offsets[14];
    mlclf_err_t         err;
    rw_forest_t        *f;
    mlclf_spec_t        spec;
    mlclf_model_t      *m;

    f = rw_new(7);

    /* thirteen trees: the eight-way, four-way and one-by-one loops */
    for (t = 0; t < 13; t++) {
        offsets[t] = f->n_nodes;
        (void) rw_grow(f, 5);
    }

    offsets[13] = f->n_nodes;

    rw_spec(f, &spec, 13, offsets);

    if (mlclf_write_buffer(&spec, &buf, &len, &err) != MLCLF_OK) {
        printf("Bail out! %s\n", err.msg);
        exit(1);
    }

    for (k = 0; k < 6; k++) {
        /* the model's own pages, which the damage below writes */
        size = len;
        room = mmap(NULL, size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (room == MAP_FAILED) {
            printf("Bail out! mmap: %s\n", strerror(errno));
            exit(1);
        }

        memcpy(room, buf, len);

        if (mlclf_model_load(&m, room, len, &err) != MLCLF_OK) {
            printf("Bail out! %s\n", err.msg);
            exit(1);
        }

        /* the model's arrays point into room: damage them there */
        feat = (int32_t *) (room + ((const uint8_t *) m->node_feature
                                    - m->base));
        left = (uint32_t *) (room + ((const uint8_t *) m->node_left
                                     - m->base));
        right = (uint32_t *) (room + ((const uint8_t *) m->node_right
                                      - m->base));
        off = (uint32_t *) (room + ((const uint8_t *) m->tree_offsets
                                    - m->base));

        for (i = 0; i < m->n_nodes; i++) {
            switch (k) {
            case 0:     /* every child is the node itself */
                left[i] = (uint32_t) i;
                right[i] = (uint32_t) i;
                break;
            case 1:     /* every child is the root of tree 0 */
                left[i] = 0;
                right[i] = 0;
                break;
            case 2:     /* children far out of range */
                left[i] = UINT32_MAX - (uint32_t) i;
                right[i] = 0x80000000u + (uint32_t) i;
                break;
            case 3:     /* features out of range, negative and positive */
                feat[i] = (i % 2) ? INT32_MAX : -7;
                break;
            case 4:     /* leaf rows out of range */
                if (feat[i] == -1) {
                    left[i] = UINT32_MAX;
                }
                break;
            default:    /* tree starts out of range */
                if (i <= m->n_trees) {
                    off[i] = UINT32_MAX - (uint32_t) i;
                }
                break;
            }
        }

        ended = 0;

        for (i = 0; i < 100; i++) {
            for (n = 0; n < RW_FEAT; n++) {
                x[n] = rw_rand(f, 240) / 100.0 - 1.2;
            }

            c = mlclf_predict_proba(m, x, p);
            ended += c < 3;
        }

        is_int(ended, 100, "damage %u: every walk ended with a class", k);

        mlclf_model_close(&m);
        (void) munmap(room, size);
    }

    free(buf);
    free(f);
}


int
main(void)
{
    tap_diag("tolerance %g for probabilities computed with exp()", TOL);

    test_binary();
    test_multinomial();
    test_iris_logreg();
    test_forest();
    test_forest_walks();
    test_forest_damaged();
    test_logreg_determinism();

    return tap_done();
}
