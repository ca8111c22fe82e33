
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_train_lr(): optimality (the gradient of the documented objective
 * vanishes at the returned weights), standardisation folding, the served
 * model agreeing with the learner, thread-count invariance, errors.
 */


#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <mlclf_train.h>

#include "train_fixtures.h"


/* binary, not separable: rows 8 and 9 sit on the wrong side */
static double  bin_x[] = {
    0.5, 1.0,   1.0, 2.0,   1.5, 0.5,   2.0, 1.5,   2.5, 3.0,
    3.0, 2.5,   3.5, 1.0,   4.0, 3.5,   1.2, 2.2,   3.2, 0.8,
    0.8, 0.3,   2.8, 2.9
};

static uint32_t  bin_y[] = { 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0, 1 };


/* binary, separable on a feature with a large offset and scale */
static double  sep_x[] = {
    1000, 7,   1010, 3,   1020, 5,   1030, 1,
    1050, 2,   1060, 6,   1070, 4,   1080, 8
};

static uint32_t  sep_y[] = { 0, 0, 0, 0, 1, 1, 1, 1 };


/* three classes, two features, overlapping */
static double  tri_x[] = {
    1.0, 1.0,   1.5, 2.0,   2.0, 1.2,   1.2, 0.4,   2.6, 1.9,
    4.0, 4.2,   4.5, 3.5,   5.0, 4.8,   3.6, 4.1,   2.2, 1.6,
    7.0, 1.0,   6.5, 0.5,   7.5, 1.5,   6.0, 2.0,   4.4, 3.9
};

static uint32_t  tri_y[] = { 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2 };


/*
 * scikit-learn 1.2.1: StandardScaler, then LogisticRegression(C=1.0,
 * tol=1e-12), coefficients folded back to the raw scale.
 */
static const double  tri_ref_w[6] = {
    -0.47703014, -0.42879188,
    -0.07718142, 0.59544594,
    0.55421157, -0.16665406
};
static const double  tri_ref_b[3] = { 2.67895750, -0.91959841, -1.75935909 };
static const double  bin_ref_w[2] = { 0.62315474, 0.60573652 };
static const double  bin_ref_b[1] = { -2.40782460 };


static void
test_config(mlclf_train_config_t *cf, mlclf_train_feature_t *ft, size_t p)
{
    test_config_base(cf, ft, p, MLCLF_KIND_LOGREG);

    cf->l2 = 1.0;
    cf->max_iter = 1000;
    cf->tol = 1e-9;
}


/* Probabilities of k scores: the logistic of one, or the softmax. */
static void
test_softmax(const double *z, size_t k, size_t nc, double *pr)
{
    size_t  c;
    double  mx, sum;

    if (k == 1) {
        pr[1] = 1.0 / (1.0 + exp(-z[0]));
        pr[0] = 1.0 - pr[1];
        return;
    }

    mx = z[0];
    for (c = 1; c < nc; c++) {
        mx = z[c] > mx ? z[c] : mx;
    }

    sum = 0.0;
    for (c = 0; c < nc; c++) {
        pr[c] = exp(z[c] - mx);
        sum += pr[c];
    }

    for (c = 0; c < nc; c++) {
        pr[c] /= sum;
    }
}


/*
 * Raw-scale probabilities from the stored (folded) weights.
 */
static void
test_proba_raw(const mlclf_spec_t *s, const double *x, double *pr)
{
    size_t  c, f, k, nc;
    double  z[MAXF];

    k = s->n_outputs;
    nc = s->n_classes;
    z[0] = 0.0;

    for (c = 0; c < k; c++) {
        z[c] = s->bias[c];
        for (f = 0; f < s->n_features; f++) {
            z[c] += s->weights[c * s->n_features + f] * x[f];
        }
    }

    test_softmax(z, k, nc, pr);
}


/*
 * Unfolds the stored weights back to the standardised scale (mean and
 * population std over the rows), then returns max |dF| of
 *     F = (1/n) (sum_i -log P(y_i | s_i) + l2/2 ||W||^2)
 * and checks that standardised-scale probabilities equal the raw-scale
 * ones (folding correctness) in *fold_err.
 */
static double
test_grad(const mlclf_spec_t *s, const mlclf_train_data_t *d,
    const size_t *rows, size_t n, double l2, double *fold_err)
{
    size_t   i, c, f, k, p, nc;
    double   mean[MAXF], sd[MAXF], ws[MAXF * MAXF], bs[MAXF],
             g[MAXF * MAXF + MAXF], sx[MAXF], z[MAXF], pr[MAXF], pr2[MAXF],
             v, gmax;
    const double  *x;

    p = s->n_features;
    k = s->n_outputs;
    nc = s->n_classes;

    for (f = 0; f < p; f++) {
        mean[f] = 0.0;
        sd[f] = 0.0;

        for (i = 0; i < n; i++) {
            mean[f] += d->x[rows[i] * p + f];
        }

        mean[f] /= (double) n;

        for (i = 0; i < n; i++) {
            v = d->x[rows[i] * p + f] - mean[f];
            sd[f] += v * v;
        }

        sd[f] = sqrt(sd[f] / (double) n);
        if (sd[f] == 0.0) {
            sd[f] = 1.0;
        }
    }

    for (c = 0; c < k; c++) {
        bs[c] = s->bias[c];
        for (f = 0; f < p; f++) {
            ws[c * p + f] = s->weights[c * p + f] * sd[f];
            bs[c] += s->weights[c * p + f] * mean[f];
        }
    }

    memset(g, 0, sizeof(g));
    *fold_err = 0.0;

    for (i = 0; i < n; i++) {
        x = d->x + rows[i] * p;

        for (f = 0; f < p; f++) {
            sx[f] = (x[f] - mean[f]) / sd[f];
        }

        for (c = 0; c < k; c++) {
            z[c] = bs[c];
            for (f = 0; f < p; f++) {
                z[c] += ws[c * p + f] * sx[f];
            }
        }

        test_softmax(z, k, nc, pr);

        test_proba_raw(s, x, pr2);

        for (c = 0; c < nc; c++) {
            if (fabs(pr[c] - pr2[c]) > *fold_err) {
                *fold_err = fabs(pr[c] - pr2[c]);
            }
        }

        for (c = 0; c < k; c++) {
            /* dL/dz_c = P(c) - [y == c]; binary: output is class 1 */
            v = (k == 1) ? pr[1] - (d->y[rows[i]] == 1)
                         : pr[c] - (d->y[rows[i]] == c);

            for (f = 0; f < p; f++) {
                g[c * p + f] += v * sx[f];
            }

            g[k * p + c] += v;
        }
    }

    gmax = 0.0;

    for (c = 0; c < k; c++) {
        for (f = 0; f < p; f++) {
            g[c * p + f] += l2 * ws[c * p + f];
        }
    }

    for (i = 0; i < k * p + k; i++) {
        v = fabs(g[i]) / (double) n;
        gmax = v > gmax ? v : gmax;
    }

    return gmax;
}


static double
test_accuracy(const mlclf_spec_t *s, const mlclf_train_data_t *d,
    const size_t *rows, size_t n)
{
    size_t   i, c, best, ok_rows;
    double   pr[MAXF];

    ok_rows = 0;

    for (i = 0; i < n; i++) {
        test_proba_raw(s, d->x + rows[i] * d->n_features, pr);

        best = 0;
        for (c = 1; c < s->n_classes; c++) {
            if (pr[c] > pr[best]) {
                best = c;
            }
        }

        ok_rows += best == d->y[rows[i]];
    }

    return (double) ok_rows / (double) n;
}


/* The served model (write, load, mlclf_predict_proba) equals ours. */
static void
test_served(const mlclf_spec_t *s, const mlclf_train_data_t *d,
    const char *what)
{
    int             rc;
    void           *buf;
    size_t          i, c, len;
    double          pr[MAXF], pr2[MAXF], diff;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    buf = NULL;
    m = NULL;

    rc = mlclf_write_buffer(s, &buf, &len, &err);
    is_int(rc, MLCLF_OK, "%s: mlclf_write_buffer", what);

    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        return;
    }

    rc = mlclf_model_load(&m, buf, len, &err);
    is_int(rc, MLCLF_OK, "%s: mlclf_model_load", what);

    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        free(buf);
        return;
    }

    diff = 0.0;

    for (i = 0; i < d->n_rows; i++) {
        mlclf_predict_proba(m, d->x + i * d->n_features, pr);
        test_proba_raw(s, d->x + i * d->n_features, pr2);

        for (c = 0; c < d->n_classes; c++) {
            if (fabs(pr[c] - pr2[c]) > diff) {
                diff = fabs(pr[c] - pr2[c]);
            }
        }
    }

    is_double(diff, 0.0, 1e-12, "%s: served probabilities match", what);

    mlclf_model_close(&m);
    free(buf);
}


static void
test_fit(const char *what, double *x, uint32_t *y, size_t n, size_t p,
    size_t nc, double l2, double min_acc, const double *ref_w,
    const double *ref_b)
{
    int                     rc;
    size_t                  i, rows[64];
    double                  gmax, ferr, acc;
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    test_data(&d, x, y, n, p, nc);
    test_config(&cf, ft, p);
    cf.l2 = l2;

    for (i = 0; i < n; i++) {
        rows[i] = i;
    }

    rc = mlclf_train_lr(&tm, &cf, &d, rows, n, &err);
    is_int(rc, MLCLF_OK, "%s: trains", what);

    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        return;
    }

    is_int(tm.spec.kind, MLCLF_KIND_LOGREG, "%s: kind", what);
    is_int(tm.spec.n_outputs, nc == 2 ? 1 : nc, "%s: outputs", what);
    ok(tm.iterations > 0 && tm.iterations < cf.max_iter,
       "%s: converged in %u iterations", what, tm.iterations);

    gmax = test_grad(&tm.spec, &d, rows, n, l2, &ferr);
    ok(gmax <= 1e-7, "%s: gradient at the solution %.3g", what, gmax);
    is_double(ferr, 0.0, 1e-12, "%s: folding keeps probabilities", what);

    acc = test_accuracy(&tm.spec, &d, rows, n);
    ok(acc >= min_acc, "%s: train accuracy %.3f >= %.3f", what, acc,
       min_acc);

    test_served(&tm.spec, &d, what);

    if (ref_w != NULL) {
        ferr = 0.0;

        for (i = 0; i < tm.spec.n_outputs; i++) {
            ferr = fmax(ferr, fabs(tm.spec.bias[i] - ref_b[i]));
            ferr = fmax(ferr, fabs(tm.spec.weights[i * p] - ref_w[i * p]));
            ferr = fmax(ferr, fabs(tm.spec.weights[i * p + 1]
                                   - ref_w[i * p + 1]));
        }

        is_double(ferr, 0.0, 1e-4, "%s: scikit-learn's weights", what);
    }

    mlclf_train_model_free(&tm);
}


/* A subset of rows: the learner must only see rows[]. */
static void
test_subset(void)
{
    int                     rc;
    size_t                  rows[] = { 0, 1, 2, 3, 5, 6, 7, 10, 11 };
    double                  gmax, ferr;
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    test_data(&d, bin_x, bin_y, 12, 2, 2);
    test_config(&cf, ft, 2);

    rc = mlclf_train_lr(&tm, &cf, &d, rows, 9, &err);
    is_int(rc, MLCLF_OK, "subset: trains");

    gmax = test_grad(&tm.spec, &d, rows, 9, 1.0, &ferr);
    ok(gmax <= 1e-7, "subset: optimal on the given rows (%.3g)", gmax);

    mlclf_train_model_free(&tm);
}


/* More rows than one block: 1 and 3 threads give the same bytes. */
static void
test_threads(void)
{
    int                     rc1, rc2;
    size_t                  i, f, n, p, *rows;
    double                 *x, gmax, ferr;
    uint32_t               *y;
    uint64_t                s;
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     a, b;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    n = 5000;
    p = 4;
    x = malloc(n * p * sizeof(double));
    y = malloc(n * sizeof(uint32_t));
    rows = malloc(n * sizeof(size_t));

    s = 12345;

    for (i = 0; i < n; i++) {
        y[i] = (uint32_t) (i % 3);
        rows[i] = i;

        for (f = 0; f < p; f++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            x[i * p + f] = (double) (s >> 11) / 9007199254740992.0
                           + (f == y[i] ? 0.6 : 0.0) + 3.0 * (double) f;
        }
    }

    test_data(&d, x, y, n, p, 3);
    test_config(&cf, ft, p);
    cf.tol = 1e-8;

    cf.n_threads = 1;
    rc1 = mlclf_train_lr(&a, &cf, &d, rows, n, &err);
    cf.n_threads = 3;
    rc2 = mlclf_train_lr(&b, &cf, &d, rows, n, &err);

    ok(rc1 == MLCLF_OK && rc2 == MLCLF_OK, "threads: both train");

    if (rc1 == MLCLF_OK && rc2 == MLCLF_OK) {
        ok(memcmp(a.spec.weights, b.spec.weights,
                  3 * p * sizeof(double)) == 0
           && memcmp(a.spec.bias, b.spec.bias, 3 * sizeof(double)) == 0,
           "threads: 1 and 3 threads give identical weights");
        is_int(a.iterations, b.iterations, "threads: same iterations");

        gmax = test_grad(&a.spec, &d, rows, n, 1.0, &ferr);
        ok(gmax <= 1e-7, "threads: gradient %.3g", gmax);
        is_double(ferr, 0.0, 1e-12, "threads: folding");
        ok(test_accuracy(&a.spec, &d, rows, n) > 0.6, "threads: accuracy");
    }

    mlclf_train_model_free(&a);
    mlclf_train_model_free(&b);

    /* max_iter caps the solver */
    cf.max_iter = 2;
    rc1 = mlclf_train_lr(&a, &cf, &d, rows, n, &err);
    ok(rc1 == MLCLF_OK && a.iterations <= 2, "max_iter 2: %u iterations",
       a.iterations);
    mlclf_train_model_free(&a);

    free(x);
    free(y);
    free(rows);
}


static void
test_errors(void)
{
    int                     rc;
    size_t                  rows[] = { 0, 1, 2 };
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    test_data(&d, bin_x, bin_y, 12, 2, 1);
    test_config(&cf, ft, 2);

    rc = mlclf_train_lr(&tm, &cf, &d, rows, 3, &err);
    is_int(rc, MLCLF_EINVAL, "one class: EINVAL");
    ok(tm.spec.weights == NULL, "one class: no model");

    d.n_classes = 2;
    rc = mlclf_train_lr(&tm, &cf, &d, rows, 0, &err);
    is_int(rc, MLCLF_EINVAL, "no rows: EINVAL");

    mlclf_train_model_free(&tm);
    mlclf_train_model_free(NULL);
}


int
main(void)
{
    test_fit("binary", bin_x, bin_y, 12, 2, 2, 1.0, 0.66, bin_ref_w,
             bin_ref_b);
    test_fit("binary l2=0.01", bin_x, bin_y, 12, 2, 2, 0.01, 0.66, NULL,
             NULL);
    test_fit("separable", sep_x, sep_y, 8, 2, 2, 1.0, 1.0, NULL, NULL);
    test_fit("3 classes", tri_x, tri_y, 15, 2, 3, 1.0, 0.86, tri_ref_w,
             tri_ref_b);
    test_fit("3 classes l2=0.1", tri_x, tri_y, 15, 2, 3, 0.1, 0.86, NULL,
             NULL);
    test_subset();
    test_threads();
    test_errors();

    return tap_done();
}
