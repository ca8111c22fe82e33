
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * In-process cost of explanations (issue 16), against predicting the
 * same rows:
 *
 *   explain [TREES [DEPTH [FEATURES [ROWS]]]]
 *
 * Builds in memory a binary gbt of TREES (default 100) full trees of
 * DEPTH (default 6) over FEATURES (default 20) columns, random
 * features, thresholds and covers, and ROWS (default 2000) random rows,
 * a tenth of the values missing.  Prints one JSON object: nanoseconds
 * per row of mlclf_explain() and of mlclf_predict_proba(), each the
 * median of 5 passes over the rows.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mlclf.h"
#include "mlclf_format.h"


#define EXPLAIN_PASSES  5


typedef struct {
    uint32_t                 *offsets;
    uint32_t                 *tree_class;
    int32_t                  *feature;
    double                   *threshold;
    uint32_t                 *left;
    uint32_t                 *right;
    uint8_t                  *decision;
    double                   *cover;
    double                   *leaves;
    uint32_t                  n_nodes;
    uint32_t                  n_leaves;
    uint32_t                  n_features;
    uint64_t                  rnd;
} explain_trees_t;


static double explain_now(void);
static double explain_unit(explain_trees_t *b);
static uint32_t explain_grow(explain_trees_t *b, uint32_t depth);
static int explain_cmp(const void *a, const void *b);


static double
explain_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec * 1e9 + ts.tv_nsec;
}


/* xorshift64, uniform in [0, 1) */
static double
explain_unit(explain_trees_t *b)
{
    b->rnd ^= b->rnd << 13;
    b->rnd ^= b->rnd >> 7;
    b->rnd ^= b->rnd << 17;

    return (double) (b->rnd >> 11) / 9007199254740992.0;
}


/* A full tree of depth, preorder; returns its root. */
static uint32_t
explain_grow(explain_trees_t *b, uint32_t depth)
{
    uint32_t  n, l, r;

    n = b->n_nodes++;

    if (depth == 0) {
        b->feature[n] = -1;
        b->threshold[n] = 0.0;
        b->left[n] = b->n_leaves;
        b->right[n] = 0;
        b->decision[n] = 0;
        b->cover[n] = 1.0 + floor(explain_unit(b) * 100.0);
        b->leaves[b->n_leaves++] = explain_unit(b) - 0.5;
        return n;
    }

    b->feature[n] = (int32_t) (explain_unit(b) * b->n_features);
    b->threshold[n] = explain_unit(b) * 2.0 - 1.0;
    b->decision[n] = MLCLF_CMP_LE | MLCLF_MISSING_NAN
                     | (explain_unit(b) < 0.5 ? MLCLF_DEFAULT_LEFT : 0);

    l = explain_grow(b, depth - 1);
    r = explain_grow(b, depth - 1);

    b->left[n] = l;
    b->right[n] = r;
    b->cover[n] = b->cover[l] + b->cover[r];

    return n;
}


static int
explain_cmp(const void *a, const void *b)
{
    double  x, y;

    x = *(const double *) a;
    y = *(const double *) b;

    return x < y ? -1 : x > y;
}


int
main(int argc, char **argv)
{
    int              rc;
    void            *buf;
    size_t           len, i, rows, nodes, j;
    double          *x, *phi, *scratch, t0, ns[2][EXPLAIN_PASSES];
    double           proba[2], sink;
    uint32_t         t, trees, depth, nf, p;
    char           **names;
    mlclf_err_t      err;
    mlclf_spec_t     s;
    mlclf_model_t   *m;
    explain_trees_t  b;

    static const char *const  labels[2] = { "0", "1" };
    static const double       base[1] = { 0.0 };

    trees = argc > 1 ? (uint32_t) atoi(argv[1]) : 100;
    depth = argc > 2 ? (uint32_t) atoi(argv[2]) : 6;
    nf = argc > 3 ? (uint32_t) atoi(argv[3]) : 20;
    rows = argc > 4 ? (size_t) atol(argv[4]) : 2000;

    if (trees < 1 || depth < 1 || depth > 20 || nf < 1 || nf > 65535
        || rows < 1)
    {
        fprintf(stderr, "usage: explain [TREES [DEPTH [FEATURES [ROWS]]]]\n");
        return 2;
    }

    nodes = (size_t) trees * ((2u << depth) - 1);

    memset(&b, 0, sizeof(b));
    b.n_features = nf;
    b.rnd = 0x9e3779b97f4a7c15ULL;
    b.offsets = calloc(trees + 1, sizeof(uint32_t));
    b.tree_class = calloc(trees, sizeof(uint32_t));
    b.feature = calloc(nodes, sizeof(int32_t));
    b.threshold = calloc(nodes, sizeof(double));
    b.left = calloc(nodes, sizeof(uint32_t));
    b.right = calloc(nodes, sizeof(uint32_t));
    b.decision = calloc(nodes, 1);
    b.cover = calloc(nodes, sizeof(double));
    b.leaves = calloc(nodes, sizeof(double));
    names = calloc(nf, sizeof(char *));
    x = calloc(rows * nf, sizeof(double));

    if (b.offsets == NULL || b.tree_class == NULL || b.feature == NULL
        || b.threshold == NULL || b.left == NULL || b.right == NULL
        || b.decision == NULL || b.cover == NULL || b.leaves == NULL
        || names == NULL || x == NULL)
    {
        fprintf(stderr, "explain: out of memory\n");
        return 1;
    }

    for (t = 0; t < trees; t++) {
        b.offsets[t] = b.n_nodes;
        (void) explain_grow(&b, depth);
    }

    b.offsets[trees] = b.n_nodes;

    for (j = 0; j < nf; j++) {
        names[j] = malloc(16);
        if (names[j] == NULL) {
            return 1;
        }

        snprintf(names[j], 16, "f%zu", j);
    }

    memset(&s, 0, sizeof(s));
    s.kind = MLCLF_KIND_GBT;
    s.n_features = nf;
    s.n_classes = 2;
    s.feature_names = (const char *const *) names;
    s.class_labels = labels;
    s.n_outputs = 1;
    s.n_trees = trees;
    s.n_nodes = b.n_nodes;
    s.n_leaves = b.n_leaves;
    s.tree_offsets = b.offsets;
    s.node_feature = b.feature;
    s.node_threshold = b.threshold;
    s.node_left = b.left;
    s.node_right = b.right;
    s.node_decision = b.decision;
    s.node_cover = b.cover;
    s.leaf_values = b.leaves;
    s.tree_class = b.tree_class;
    s.base = base;
    s.link = MLCLF_LINK_SIGMOID;

    rc = mlclf_write_buffer(&s, &buf, &len, &err);
    if (rc == MLCLF_OK) {
        rc = mlclf_model_load(&m, buf, len, &err);
    }

    if (rc != MLCLF_OK) {
        fprintf(stderr, "explain: %s\n", err.msg);
        return 1;
    }

    for (i = 0; i < rows * nf; i++) {
        x[i] = explain_unit(&b) < 0.1 ? NAN : explain_unit(&b) * 2.0 - 1.0;
    }

    phi = calloc(nf + 1, sizeof(double));
    scratch = calloc(mlclf_explain_scratch(m) + 1, sizeof(double));

    if (phi == NULL || scratch == NULL) {
        return 1;
    }

    sink = 0.0;

    for (p = 0; p < EXPLAIN_PASSES; p++) {
        t0 = explain_now();

        for (i = 0; i < rows; i++) {
            mlclf_explain(m, x + i * nf, phi, scratch);
            sink += phi[nf];
        }

        ns[0][p] = (explain_now() - t0) / rows;
        t0 = explain_now();

        for (i = 0; i < rows; i++) {
            sink += mlclf_predict_proba(m, x + i * nf, proba);
        }

        ns[1][p] = (explain_now() - t0) / rows;
    }

    qsort(ns[0], EXPLAIN_PASSES, sizeof(double), explain_cmp);
    qsort(ns[1], EXPLAIN_PASSES, sizeof(double), explain_cmp);

    printf("{\"trees\":%u,\"depth\":%u,\"features\":%u,\"rows\":%zu,"
           "\"explain_ns\":%.0f,\"predict_ns\":%.0f,\"sink\":%g}\n",
           trees, depth, nf, rows, ns[0][EXPLAIN_PASSES / 2],
           ns[1][EXPLAIN_PASSES / 2], sink);

    mlclf_model_close(&m);
    free(buf);

    return 0;
}
