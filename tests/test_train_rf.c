
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_train_rf(): node layout (children follow their parent inside the
 * tree), a stump on a hand data set, min_samples_leaf, max_depth, n_bins,
 * byte-identical models for any thread count, and the served model
 * (write, load, mlclf_predict_proba) agreeing with a walk of the spec.
 */


#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <mlclf_train.h>

#include "train_fixtures.h"


static void
test_config(mlclf_train_config_t *cf, mlclf_train_feature_t *ft, size_t p)
{
    test_config_base(cf, ft, p, MLCLF_KIND_FOREST);

    cf->seed = 42;
    cf->n_trees = 10;
    cf->max_depth = 0;
    cf->min_samples_leaf = 1;
    cf->n_bins = 256;
}


/* 3 classes, informative features 0..2, noise elsewhere */
static void
test_gen(size_t n, size_t p, double **xp, uint32_t **yp)
{
    size_t     i, f;
    double    *x;
    uint32_t  *y;
    uint64_t   s;

    x = malloc(n * p * sizeof(double));
    y = malloc(n * sizeof(uint32_t));
    s = 987654321;

    for (i = 0; i < n; i++) {
        y[i] = (uint32_t) (i % 3);

        for (f = 0; f < p; f++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            x[i * p + f] = (double) (s >> 11) / 9007199254740992.0
                           + (f == y[i] ? 0.8 : 0.0);
        }
    }

    *xp = x;
    *yp = y;
}


/* Walks every tree; returns argmax; leaf_of[t] gets the leaf node. */
static uint32_t
test_walk(const mlclf_spec_t *s, const double *x, double *pr,
    uint32_t *leaf_of)
{
    uint32_t  t, q, c, best;

    for (c = 0; c < s->n_classes; c++) {
        pr[c] = 0.0;
    }

    for (t = 0; t < s->n_trees; t++) {
        q = s->tree_offsets[t];

        while (s->node_feature[q] >= 0) {
            q = x[s->node_feature[q]] <= s->node_threshold[q]
                ? s->node_left[q] : s->node_right[q];
        }

        if (leaf_of != NULL) {
            leaf_of[t] = q;
        }

        for (c = 0; c < s->n_classes; c++) {
            pr[c] += s->leaf_values[s->node_left[q] * s->n_classes + c];
        }
    }

    best = 0;

    for (c = 0; c < s->n_classes; c++) {
        pr[c] /= s->n_trees;
        if (pr[c] > pr[best]) {
            best = c;
        }
    }

    return best;
}


/* The layout rules of mlclf.h; returns the deepest leaf's depth. */
static uint32_t
test_layout(const mlclf_spec_t *s, const char *what)
{
    int        good;
    double     sum;
    uint32_t   t, q, lo, hi, c, maxd, *depth, *seen;

    good = s->tree_offsets[0] == 0
           && s->tree_offsets[s->n_trees] == s->n_nodes;
    depth = calloc(s->n_nodes, sizeof(uint32_t));
    seen = calloc(s->n_leaves, sizeof(uint32_t));
    maxd = 0;

    for (t = 0; t < s->n_trees; t++) {
        lo = s->tree_offsets[t];
        hi = s->tree_offsets[t + 1];
        good &= lo < hi;

        for (q = lo; q < hi; q++) {
            if (s->node_feature[q] < 0) {
                good &= s->node_feature[q] == -1
                        && s->node_left[q] < s->n_leaves
                        && s->node_right[q] == 0;

                if (s->node_left[q] < s->n_leaves) {
                    seen[s->node_left[q]]++;
                }

                maxd = depth[q] > maxd ? depth[q] : maxd;
                continue;
            }

            good &= (uint32_t) s->node_feature[q] < s->n_features
                    && s->node_left[q] > q && s->node_left[q] < hi
                    && s->node_right[q] > q && s->node_right[q] < hi
                    && s->node_left[q] != s->node_right[q];

            if (good) {
                depth[s->node_left[q]] = depth[q] + 1;
                depth[s->node_right[q]] = depth[q] + 1;
            }
        }
    }

    for (q = 0; q < s->n_leaves; q++) {
        good &= seen[q] == 1;
        sum = 0.0;

        for (c = 0; c < s->n_classes; c++) {
            good &= s->leaf_values[q * s->n_classes + c] >= 0.0;
            sum += s->leaf_values[q * s->n_classes + c];
        }

        good &= fabs(sum - 1.0) < 1e-12;
    }

    ok(good, "%s: node layout valid (%u trees, %u nodes, %u leaves)",
       what, s->n_trees, s->n_nodes, s->n_leaves);

    free(depth);
    free(seen);

    return maxd;
}


static void
test_stump(void)
{
    int                     rc;
    size_t                  i, *rows;
    double                  x[120];
    uint32_t                y[60];
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];
    static const double     v[6] = { 1, 2, 3, 5, 6, 7 };

    /* feature 1 separates at 4 (between 3 and 5); feature 0 is noise */
    for (i = 0; i < 60; i++) {
        x[i * 2] = (double) (i % 7);
        x[i * 2 + 1] = v[i % 6];
        y[i] = i % 6 >= 3;
    }

    test_data(&d, x, y, 60, 2, 2);
    test_config(&cf, ft, 2);
    cf.n_trees = 1;
    cf.max_depth = 1;
    cf.max_features = 2;
    rows = test_rows(60);

    rc = mlclf_train_rf(&tm, &cf, &d, rows, 60, &err);
    is_int(rc, MLCLF_OK, "stump: trains");

    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
    }

    if (rc == MLCLF_OK) {
        is_int(tm.spec.kind, MLCLF_KIND_FOREST, "stump: kind");
        is_int(tm.spec.n_nodes, 3, "stump: three nodes");
        is_int(tm.spec.n_leaves, 2, "stump: two leaves");
        is_int(tm.spec.node_feature[0], 1, "stump: splits on feature 1");
        is_double(tm.spec.node_threshold[0], 4.0, 0.0, "stump: at 4");
        is_double(tm.spec.leaf_values[tm.spec.node_left[1] * 2], 1.0, 0.0,
                  "stump: left leaf is class 0");
        is_double(tm.spec.leaf_values[tm.spec.node_left[2] * 2 + 1], 1.0,
                  0.0, "stump: right leaf is class 1");
        test_layout(&tm.spec, "stump");
    }

    mlclf_train_model_free(&tm);
    free(rows);
}


/* Leaves with few rows unless min_samples_leaf forbids them. */
static void
test_min_leaf(void)
{
    int                     rc;
    size_t                  i, *rows, min_rows;
    double                  x[80], pr[3];
    uint32_t                y[80], t, leaf[16], *hits, msl;
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    for (i = 0; i < 80; i++) {
        x[i] = (double) i;
        y[i] = (i * 7) % 11 < 4;
    }

    test_data(&d, x, y, 80, 1, 2);
    test_config(&cf, ft, 1);
    cf.n_trees = 16;
    rows = test_rows(80);

    for (msl = 1; msl <= 5; msl += 4) {
        cf.min_samples_leaf = msl;

        rc = mlclf_train_rf(&tm, &cf, &d, rows, 80, &err);
        is_int(rc, MLCLF_OK, "min_samples_leaf %u: trains", msl);

        if (rc != MLCLF_OK) {
            continue;
        }

        test_layout(&tm.spec, "min_samples_leaf");

        /*
         * Each leaf holds >= msl distinct bootstrap rows, all train rows,
         * so at least msl train rows reach it.
         */
        hits = calloc(tm.spec.n_nodes, sizeof(uint32_t));

        for (i = 0; i < 80; i++) {
            test_walk(&tm.spec, &x[i], pr, leaf);

            for (t = 0; t < tm.spec.n_trees; t++) {
                hits[leaf[t]]++;
            }
        }

        min_rows = 80;

        for (i = 0; i < tm.spec.n_nodes; i++) {
            if (tm.spec.node_feature[i] < 0 && hits[i] < min_rows) {
                min_rows = hits[i];
            }
        }

        if (msl == 1) {
            ok(min_rows < 5, "min_samples_leaf 1: a leaf with %zu rows",
               min_rows);

        } else {
            ok(min_rows >= msl, "min_samples_leaf %u: smallest leaf %zu",
               msl, min_rows);
        }

        free(hits);
        mlclf_train_model_free(&tm);
    }

    free(rows);
}


/* Same model bytes for 1, 2 and 3 threads; served model agrees. */
static void
test_threads(void)
{
    int                     rc[3], same;
    void                   *buf[3];
    size_t                  i, c, n, p, len[3], *rows, hits;
    double                 *x, pr[3], pr2[3], diff;
    uint32_t               *y, nt, maxd;
    mlclf_err_t             err;
    mlclf_model_t          *m;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm[3];
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    n = 1500;
    p = 6;
    test_gen(n, p, &x, &y);
    test_data(&d, x, y, n, p, 3);
    test_config(&cf, ft, p);
    cf.n_trees = 9;
    cf.max_depth = 6;
    rows = test_rows(n);

    for (nt = 0; nt < 3; nt++) {
        cf.n_threads = nt + 1;
        rc[nt] = mlclf_train_rf(&tm[nt], &cf, &d, rows, n, &err);
        buf[nt] = NULL;
        len[nt] = 0;

        if (rc[nt] == MLCLF_OK) {
            rc[nt] = mlclf_write_buffer(&tm[nt].spec, &buf[nt], &len[nt],
                                        &err);
        }

        is_int(rc[nt], MLCLF_OK, "%u threads: trains and serialises",
               nt + 1);
    }

    if (rc[0] != MLCLF_OK || rc[1] != MLCLF_OK || rc[2] != MLCLF_OK) {
        goto done;
    }

    same = 1;

    for (nt = 1; nt < 3; nt++) {
        same &= tm[nt].spec.n_nodes == tm[0].spec.n_nodes
                && tm[nt].spec.n_leaves == tm[0].spec.n_leaves;

        if (!same) {
            break;
        }

        same &= memcmp(tm[nt].spec.tree_offsets, tm[0].spec.tree_offsets,
                       (cf.n_trees + 1) * sizeof(uint32_t)) == 0
                && memcmp(tm[nt].spec.node_feature, tm[0].spec.node_feature,
                          tm[0].spec.n_nodes * sizeof(int32_t)) == 0
                && memcmp(tm[nt].spec.node_threshold,
                          tm[0].spec.node_threshold,
                          tm[0].spec.n_nodes * sizeof(double)) == 0
                && memcmp(tm[nt].spec.node_left, tm[0].spec.node_left,
                          tm[0].spec.n_nodes * sizeof(uint32_t)) == 0
                && memcmp(tm[nt].spec.node_right, tm[0].spec.node_right,
                          tm[0].spec.n_nodes * sizeof(uint32_t)) == 0
                && memcmp(tm[nt].spec.leaf_values, tm[0].spec.leaf_values,
                          tm[0].spec.n_leaves * 3 * sizeof(double)) == 0;

        same &= len[nt] == len[0] && memcmp(buf[nt], buf[0], len[0]) == 0;
    }

    ok(same, "1, 2 and 3 threads: identical spec arrays and file bytes");

    maxd = test_layout(&tm[0].spec, "threads");
    ok(maxd <= 6, "max_depth 6: deepest leaf at %u", maxd);

    rc[0] = mlclf_model_load(&m, buf[0], len[0], &err);
    is_int(rc[0], MLCLF_OK, "loads with mlclf_model_load");

    if (rc[0] == MLCLF_OK) {
        diff = 0.0;
        hits = 0;

        for (i = 0; i < n; i++) {
            hits += mlclf_predict_proba(m, x + i * p, pr) == y[i];
            test_walk(&tm[0].spec, x + i * p, pr2, NULL);

            for (c = 0; c < 3; c++) {
                diff = fabs(pr[c] - pr2[c]) > diff ? fabs(pr[c] - pr2[c])
                                                   : diff;
            }
        }

        is_double(diff, 0.0, 1e-12, "served probabilities = spec walk");
        ok(hits >= n * 95 / 100, "train accuracy %.3f",
           (double) hits / (double) n);

        mlclf_model_close(&m);
    }

done:

    for (nt = 0; nt < 3; nt++) {
        free(buf[nt]);
        mlclf_train_model_free(&tm[nt]);
    }

    free(rows);
    free(x);
    free(y);
}


/* Few bins: at most n_bins - 1 distinct thresholds per feature. */
static void
test_bins(void)
{
    int                     rc, good;
    size_t                  n, p, f, q, j, k, *rows;
    double                 *x, thr[64];
    uint32_t               *y;
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    n = 600;
    p = 3;
    test_gen(n, p, &x, &y);
    test_data(&d, x, y, n, p, 3);
    test_config(&cf, ft, p);
    cf.n_bins = 4;
    cf.n_trees = 5;
    rows = test_rows(n);

    rc = mlclf_train_rf(&tm, &cf, &d, rows, n, &err);
    is_int(rc, MLCLF_OK, "n_bins 4: trains");

    if (rc == MLCLF_OK) {
        good = 1;

        for (f = 0; f < p; f++) {
            k = 0;

            for (q = 0; q < tm.spec.n_nodes; q++) {
                if (tm.spec.node_feature[q] != (int32_t) f) {
                    continue;
                }

                for (j = 0; j < k; j++) {
                    if (thr[j] == tm.spec.node_threshold[q]) {
                        break;
                    }
                }

                if (j == k && k < 64) {
                    thr[k++] = tm.spec.node_threshold[q];
                }
            }

            good &= k <= 3;
        }

        ok(good, "n_bins 4: at most 3 thresholds per feature");
        test_layout(&tm.spec, "n_bins 4");
    }

    mlclf_train_model_free(&tm);

    cf.n_trees = 0;
    rc = mlclf_train_rf(&tm, &cf, &d, rows, n, &err);
    is_int(rc, MLCLF_EINVAL, "no trees: EINVAL");

    cf.n_trees = 1;
    rc = mlclf_train_rf(&tm, &cf, &d, rows, 0, &err);
    is_int(rc, MLCLF_EINVAL, "no rows: EINVAL");

    free(rows);
    free(x);
    free(y);
}


/* Nothing to split on: every tree is one leaf, the bootstrap mix. */
static void
test_constant(void)
{
    int                     rc, good;
    size_t                  i, *rows;
    double                  x[20];
    uint32_t                y[10], t, q;
    mlclf_err_t             err;
    mlclf_train_data_t      d;
    mlclf_train_model_t     tm;
    mlclf_train_config_t    cf;
    mlclf_train_feature_t   ft[MAXF];

    for (i = 0; i < 10; i++) {
        x[i * 2] = 3.0;
        x[i * 2 + 1] = -1.0;
        y[i] = i % 3 == 0;
    }

    test_data(&d, x, y, 10, 2, 2);
    test_config(&cf, ft, 2);
    cf.n_trees = 4;
    rows = test_rows(10);

    rc = mlclf_train_rf(&tm, &cf, &d, rows, 10, &err);
    is_int(rc, MLCLF_OK, "constant features: trains");

    if (rc == MLCLF_OK) {
        is_int(tm.spec.n_nodes, 4, "constant features: one node a tree");
        test_layout(&tm.spec, "constant features");

        good = 1;
        for (t = 0; t < 4; t++) {
            q = tm.spec.tree_offsets[t];
            good &= tm.spec.node_feature[q] == -1;
        }

        ok(good, "constant features: roots are leaves");
    }

    mlclf_train_model_free(&tm);

    /* a single row */
    rc = mlclf_train_rf(&tm, &cf, &d, rows, 1, &err);
    is_int(rc, MLCLF_OK, "one row: trains");

    if (rc == MLCLF_OK) {
        is_int(tm.spec.n_leaves, 4, "one row: four leaves");
        is_double(tm.spec.leaf_values[1], 1.0, 0.0, "one row: its class");
    }

    mlclf_train_model_free(&tm);
    free(rows);
}


int
main(void)
{
    test_stump();
    test_min_leaf();
    test_threads();
    test_bins();
    test_constant();

    return tap_done();
}
