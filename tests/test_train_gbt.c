
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_train_gbt(): a stump whose thresholds and leaf scores are worked
 * out by hand; the same model bytes for 1, 2 and 3 threads (with missing
 * values, subsample, colsample and early stopping all on); missing
 * values sent where they belong, by training and by the served model;
 * max_depth and max_leaves; early stopping keeping the best round; the
 * served model's probabilities equal to the margins' link.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <mlclf_train.h>

#include "train_fixtures.h"


static void
test_config(mlclf_train_config_t *cf, mlclf_train_feature_t *ft, size_t p)
{
    test_config_base(cf, ft, p, MLCLF_KIND_GBT);

    cf->n_estimators = 20;
    cf->learning_rate = 0.3;
    cf->max_depth = 4;
    cf->max_depth_set = 1;
    cf->min_child_weight = 1;
    cf->l2 = 1;
    cf->subsample = 1;
    cf->colsample = 1;
    cf->n_bins = 256;
    cf->gbt_seed = 7;
    cf->log_every = 10;
}


/*
 * nc classes, informative features 0..nc-1, noise elsewhere; with
 * holes, every 7th value of feature 1 is missing, and a missing
 * feature 0 marks class 0.
 */
static void
test_gen(size_t n, size_t p, size_t nc, int holes, double **xp,
    uint32_t **yp)
{
    size_t     i, f;
    double    *x;
    uint32_t  *y;
    uint64_t   s;

    x = malloc(n * p * sizeof(double));
    y = malloc(n * sizeof(uint32_t));
    s = 123456789;

    for (i = 0; i < n; i++) {
        y[i] = (uint32_t) (i % nc);

        for (f = 0; f < p; f++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            x[i * p + f] = (double) (s >> 11) / 9007199254740992.0
                           + (f == y[i] ? 0.6 : 0.0);
        }

        if (holes && i % 7 == 3) {
            x[i * p + 1] = NAN;
        }

        if (holes && y[i] == 0 && i % 5 == 0) {
            x[i * p] = NAN;
        }
    }

    *xp = x;
    *yp = y;
}


/* the deepest leaf and the most leaves of a tree, by walking the spec */
static void
test_shape(const mlclf_spec_t *s, uint32_t *depth, uint32_t *leaves)
{
    uint32_t  t, q, lo, hi, nl, *dep;

    dep = calloc(s->n_nodes, sizeof(uint32_t));
    *depth = 0;
    *leaves = 0;

    for (t = 0; t < s->n_trees; t++) {
        lo = s->tree_offsets[t];
        hi = s->tree_offsets[t + 1];
        nl = 0;

        for (q = lo; q < hi; q++) {
            if (s->node_feature[q] < 0) {
                nl++;
                *depth = dep[q] > *depth ? dep[q] : *depth;
                continue;
            }

            dep[s->node_left[q]] = dep[q] + 1;
            dep[s->node_right[q]] = dep[q] + 1;
        }

        *leaves = nl > *leaves ? nl : *leaves;
    }

    free(dep);
}


/*
 * x = 1, 2, 3, 4, labels 0, 0, 1, 1; l2 0, learning rate 1, one stump.
 * The base margin is log(0.5 / 0.5) = 0, so every p is 0.5: gradients
 * 0.5, 0.5, -0.5, -0.5, hessians 0.25.  The split falls between 2 and
 * 3 (threshold 2.5); the left leaf scores -G/H = -1 / 0.5 = -2, the
 * right one 2.
 */
static void
test_stump(void)
{
    int                     rc;
    size_t                 *rows;
    double                  x[4] = { 1, 2, 3, 4 };
    uint32_t                y[4] = { 0, 0, 1, 1 };
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];
    const mlclf_spec_t     *s;

    test_data(&d, x, y, 4, 1, 2);
    test_config(&cf, ft, 1);
    cf.n_estimators = 1;
    cf.learning_rate = 1;
    cf.l2 = 0;
    cf.min_child_weight = 0;
    cf.max_depth = 1;
    rows = test_rows(4);

    rc = mlclf_train_gbt(&tm, &cf, &d, rows, 4, &err);
    is_int(rc, MLCLF_OK, "stump: trains");

    if (rc == MLCLF_OK) {
        s = &tm.spec;
        is_int(s->kind, MLCLF_KIND_GBT, "stump: kind gbt");
        is_int(s->n_trees, 1, "stump: one tree");
        is_int(s->n_nodes, 3, "stump: three nodes");
        is_int(s->n_outputs, 1, "stump: one output (sigmoid)");
        ok(s->base[0] == 0, "stump: base margin 0 (%g)", s->base[0]);
        is_int(s->node_feature[0], 0, "stump: splits feature 0");
        ok(s->node_threshold[0] == 2.5, "stump: threshold 2.5 (%.17g)",
           s->node_threshold[0]);
        ok(s->leaf_values[s->node_left[s->node_left[0]]] == -2
           && s->leaf_values[s->node_left[s->node_right[0]]] == 2,
           "stump: leaves -2 and 2");
        ok(s->node_decision == NULL, "stump: no missing rule (fail)");
        ok(tm.importance != NULL && tm.importance[0] > 0,
           "stump: feature 0 has the gain (%g)",
           tm.importance ? tm.importance[0] : 0);
    }

    mlclf_train_model_free(&tm);
    free(rows);
}


typedef struct {
    size_t                    calls;
    size_t                    last;         /* the last round reported */
    int                       in_order;
} test_progress_t;


static void
test_progress(void *ctx, size_t round, size_t total, double train,
    double valid)
{
    test_progress_t  *tp = ctx;

    tp->in_order &= round > tp->last && round <= total && train > 0
                    && valid > 0;
    tp->last = round;
    tp->calls++;
}


/*
 * Same spec and bytes for 1, 2 and 3 threads, everything switched on,
 * progress lines too: one every log_every rounds and one at the last.
 */
static void
test_threads(void)
{
    int                     rc[3], same;
    void                   *buf[3];
    size_t                  n, p, len[3], *rows, want;
    test_progress_t         tp[3];
    double                 *x;
    uint32_t               *y, nt;
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm[3];
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    /* enough rows for three members (a member per 20,000 rows) */
    n = 60000;
    p = 6;
    test_gen(n, p, 3, 1, &x, &y);
    test_data(&d, x, y, n, p, 3);
    test_config(&cf, ft, p);
    cf.missing = MLCLF_TRAIN_MISSING_ALLOW;
    cf.subsample = 0.8;
    cf.colsample = 0.7;
    cf.es_fraction = 0.2;
    cf.es_rounds = 5;
    cf.n_estimators = 30;
    cf.max_leaves = 12;
    cf.max_depth = 6;
    cf.log_every = 4;
    cf.progress_loss = test_progress;
    rows = test_rows(n);

    for (nt = 0; nt < 3; nt++) {
        memset(&tp[nt], 0, sizeof(test_progress_t));
        tp[nt].in_order = 1;
        cf.progress_ctx = &tp[nt];
        cf.n_threads = nt + 1;
        rc[nt] = mlclf_train_gbt(&tm[nt], &cf, &d, rows, n, &err);
        buf[nt] = NULL;
        len[nt] = 0;

        if (rc[nt] == MLCLF_OK) {
            rc[nt] = mlclf_write_buffer(&tm[nt].spec, &buf[nt], &len[nt],
                                        &err);
        }

        is_int(rc[nt], MLCLF_OK, "%u threads: trains and serialises",
               nt + 1);
    }

    if (rc[0] == MLCLF_OK && rc[1] == MLCLF_OK && rc[2] == MLCLF_OK) {
        same = 1;

        for (nt = 1; nt < 3; nt++) {
            same &= len[nt] == len[0] && memcmp(buf[nt], buf[0], len[0]) == 0
                    && memcmp(tm[nt].importance, tm[0].importance,
                              p * sizeof(double)) == 0
                    && tm[nt].best_round == tm[0].best_round;
        }

        ok(same, "1, 2 and 3 threads: the same model bytes, importances "
           "and best round");

        want = tm[0].iterations / 4 + (tm[0].iterations % 4 != 0);

        for (nt = 0; nt < 3; nt++) {
            ok(tp[nt].calls == want && tp[nt].last == tm[0].iterations
               && tp[nt].in_order, "%u threads: %zu loss lines for %u "
               "rounds, the last at %zu", nt + 1, tp[nt].calls,
               tm[0].iterations, tp[nt].last);
        }
        ok(tm[0].spec.node_decision != NULL,
           "missing: allow: the nodes carry their missing rule");
    }

    for (nt = 0; nt < 3; nt++) {
        free(buf[nt]);
        mlclf_train_model_free(&tm[nt]);
    }

    free(rows);
    free(x);
    free(y);
}


/*
 * Missing values: a missing feature 0 marks class 0 in the data, and
 * the served model (loaded from bytes, a missing value given as NaN)
 * must say class 0 for rows whose feature 0 is missing.  Its
 * probabilities are the softmax of the trees' sums.
 */
static void
test_missing(void)
{
    int                     rc;
    void                   *buf;
    size_t                  i, n, p, len, *rows, hits, tried;
    double                 *x, pr[3], row[6];
    uint32_t               *y;
    mlclf_err_t             err;
    mlclf_model_t          *m;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    n = 3000;
    p = 6;
    test_gen(n, p, 3, 1, &x, &y);
    test_data(&d, x, y, n, p, 3);
    test_config(&cf, ft, p);
    cf.missing = MLCLF_TRAIN_MISSING_ALLOW;
    rows = test_rows(n);
    buf = NULL;
    m = NULL;

    rc = mlclf_train_gbt(&tm, &cf, &d, rows, n, &err);
    if (rc == MLCLF_OK) {
        rc = mlclf_write_buffer(&tm.spec, &buf, &len, &err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_model_load(&m, buf, len, &err);
    }

    is_int(rc, MLCLF_OK, "missing: trains, writes and loads (%s)",
           rc == MLCLF_OK ? "" : err.msg);

    if (rc == MLCLF_OK) {
        ok(mlclf_model_routes_missing(m), "missing: the model routes them");

        hits = 0;
        tried = 0;

        for (i = 0; i < n; i++) {
            if (!isnan(x[i * p])) {
                continue;
            }

            tried++;
            hits += mlclf_predict_proba(m, x + i * p, pr) == 0;
        }

        ok(tried > 100 && hits == tried, "missing: %zu of %zu rows with "
           "feature 0 missing served as class 0", hits, tried);

        /* a row with every feature missing still gets probabilities */
        for (i = 0; i < p; i++) {
            row[i] = NAN;
        }

        mlclf_predict_proba(m, row, pr);
        ok(fabs(pr[0] + pr[1] + pr[2] - 1) < 1e-12,
           "missing: all missing, probabilities sum to 1");

        hits = 0;
        for (i = 0; i < n; i++) {
            hits += mlclf_predict_proba(m, x + i * p, pr) == y[i];
        }

        ok(hits > n * 9 / 10, "missing: train accuracy %zu / %zu", hits, n);
    }

    mlclf_model_close(&m);
    free(buf);
    mlclf_train_model_free(&tm);
    free(rows);
    free(x);
    free(y);
}


/* max_depth bounds depth-wise trees; max_leaves best-first ones */
static void
test_growth(void)
{
    int                     rc;
    size_t                  n, p, *rows;
    double                 *x;
    uint32_t               *y, depth, leaves;
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    n = 2000;
    p = 6;
    test_gen(n, p, 2, 0, &x, &y);
    test_data(&d, x, y, n, p, 2);
    test_config(&cf, ft, p);
    cf.min_child_weight = 0;
    rows = test_rows(n);

    cf.max_depth = 3;
    rc = mlclf_train_gbt(&tm, &cf, &d, rows, n, &err);
    is_int(rc, MLCLF_OK, "max_depth 3: trains");

    if (rc == MLCLF_OK) {
        test_shape(&tm.spec, &depth, &leaves);
        ok(depth == 3 && leaves == 8, "max_depth 3: deepest leaf %u, at "
           "most %u leaves", depth, leaves);
    }

    mlclf_train_model_free(&tm);

    cf.max_depth_set = 0;
    cf.max_depth = 0;
    cf.max_leaves = 5;
    rc = mlclf_train_gbt(&tm, &cf, &d, rows, n, &err);
    is_int(rc, MLCLF_OK, "max_leaves 5: trains");

    if (rc == MLCLF_OK) {
        test_shape(&tm.spec, &depth, &leaves);
        ok(leaves == 5, "max_leaves 5: at most %u leaves", leaves);
        ok(depth > 2, "max_leaves 5: best-first goes deeper than a "
           "balanced tree (%u)", depth);
    }

    mlclf_train_model_free(&tm);

    cf.max_depth_set = 1;
    cf.max_depth = 2;
    rc = mlclf_train_gbt(&tm, &cf, &d, rows, n, &err);
    is_int(rc, MLCLF_OK, "max_leaves 5, max_depth 2: trains");

    if (rc == MLCLF_OK) {
        test_shape(&tm.spec, &depth, &leaves);
        ok(depth <= 2 && leaves <= 4, "max_leaves 5, max_depth 2: depth "
           "%u, %u leaves", depth, leaves);
    }

    mlclf_train_model_free(&tm);

    cf.max_depth_set = 0;
    cf.max_leaves = 0;
    rc = mlclf_train_gbt(&tm, &cf, &d, rows, n, &err);
    ok(rc == MLCLF_EINVAL, "neither max_depth nor max_leaves: refused");

    free(rows);
    free(x);
    free(y);
}


/*
 * Early stopping on labels that are noise: the validation loss stops
 * improving early, and the model keeps the best round's trees.
 */
static void
test_early_stopping(void)
{
    int                     rc;
    size_t                  i, n, p, *rows;
    double                 *x;
    uint32_t               *y;
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    n = 1000;
    p = 4;
    test_gen(n, p, 2, 0, &x, &y);

    for (i = 0; i < n; i++) {
        y[i] = (uint32_t) ((i * 2654435761u) >> 7) & 1;
    }

    test_data(&d, x, y, n, p, 2);
    test_config(&cf, ft, p);
    cf.n_estimators = 200;
    cf.max_depth = 6;
    cf.es_fraction = 0.25;
    cf.es_rounds = 5;
    rows = test_rows(n);

    rc = mlclf_train_gbt(&tm, &cf, &d, rows, n, &err);
    is_int(rc, MLCLF_OK, "early stopping: trains");

    if (rc == MLCLF_OK) {
        ok(tm.iterations < 200 && tm.iterations == tm.best_round + 5,
           "early stopping: stopped after %u rounds, 5 past the best, %u",
           tm.iterations, tm.best_round);
        is_int(tm.spec.n_trees, tm.best_round,
               "early stopping: the best round's trees kept");
        ok(!isnan(tm.best_valid), "early stopping: validation loss %g",
           tm.best_valid);
    }

    mlclf_train_model_free(&tm);
    free(rows);
    free(x);
    free(y);
}


int
main(void)
{
    test_stump();
    test_threads();
    test_missing();
    test_growth();
    test_early_stopping();

    return tap_done();
}
