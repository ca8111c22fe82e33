
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The LightGBM importer (importer/mlclf_import_lightgbm*.c): good models
 * and their answers.  The bad ones are in test_import_lightgbm_bad.c.
 *
 * No LightGBM is packaged on this machine (Debian has no python3-lightgbm),
 * so nothing here comes from LightGBM itself.  The fixtures of
 * tests/fixtures/lightgbm/ are written by hand from the format's rules
 * (LightGBM's Tree::ToString and GBDT::SaveModelToString; their
 * tree_sizes lines by tests/ref/lightgbm_sizes.py), the larger models by
 * tests/ref/lightgbm_gen.py, and the expected probabilities by
 * tests/ref/lightgbm_eval.py, a scorer written apart from the importer
 * from LightGBM's published prediction rules (its comment lists them).
 * A few rows are also worked out by hand below, so that the reference
 * script is checked too.
 *
 * Rows: every combination of hand-picked values for the fixtures of at
 * most three features (zeros, -0, NaN, 1e-36, +-kZeroThreshold and its
 * neighbours, each fixture's thresholds exactly and their neighbours),
 * plus a few thousand random rows from a fixed seed.  The imported
 * model must give the reference's probabilities within 1e-12.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf.h>
#include <mlclf_import.h>
#include "files.h"
#include "import_check.h"
#include "run_cmd.h"
#include "tap.h"


#define T_FIXTURES   "tests/fixtures/lightgbm/"
#define T_PYTHON     "/usr/bin/python3"
#define T_EVAL       "tests/ref/lightgbm_eval.py"
#define T_GEN        "tests/ref/lightgbm_gen.py"
#define T_RANDOM     4000
#define T_TOL        1e-12
#define T_PATH       4096
#define T_DIR        1024        /* shorter, so paths in it fit */

/* LightGBM's kZeroThreshold, 1e-35f as a double */
#define T_EPS        ((double) 1e-35f)


static void t_shapes(void);
static void t_decisions(void);
static void t_by_hand(void);
static double t_sigmoid(double s, double z);
static void t_fixtures(const char *dir);
static void t_generated(const char *dir);
static void t_answers(const char *dir, const char *model, const char *name);
static double *t_rows(uint32_t nf, size_t *rows);
static double t_random(uint64_t *s);
static int t_rows_write(const char *path, const double *x, size_t rows,
    uint32_t nf);
static int t_python(const char *dir, const char *const *args);
static int t_parse(mlclf_import_t *im, const char *path);


int
main(void)
{
    char  dir[T_DIR];

    files_tmpdir(dir, sizeof(dir), "test_import_lightgbm");

    t_shapes();
    t_decisions();
    t_by_hand();
    t_fixtures(dir);
    t_generated(dir);

    files_tmpdir_done(dir, tap_failed);

    return tap_done();
}


/* Reads and parses path into im (initialised here); MLCLF_OK or not. */
static int
t_parse(mlclf_import_t *im, const char *path)
{
    int          rc;
    char        *buf;
    size_t       len;
    mlclf_err_t  err;

    mlclf_import_init(im, path, MLCLF_IMPORT_LIGHTGBM);

    buf = files_read(path, &len);
    if (buf == NULL) {
        printf("# cannot read %s\n", path);
        return MLCLF_EIO;
    }

    rc = mlclf_import_lightgbm(im, buf, len, &err);
    if (rc != MLCLF_OK) {
        printf("# %s\n", err.msg);
    }

    free(buf);

    return rc;
}


/* What each fixture's header and objective become. */
static void
t_shapes(void)
{
    uint32_t        t;
    mlclf_import_t  im;

    ok(t_parse(&im, T_FIXTURES "binary-v4.txt") == MLCLF_OK,
       "binary-v4.txt imports");
    is_int(im.kind, MLCLF_KIND_GBT, "binary: gbt");
    is_int(im.n_features, 3, "binary: max_feature_idx=2 is 3 features");
    is_int(im.n_classes, 2, "binary: 2 classes");
    is_int(im.n_outputs, 1, "binary: 1 output");
    is_int(im.link, MLCLF_LINK_SIGMOID, "binary: sigmoid");
    is_double(im.link_scale, 1.0, 0.0, "binary: sigmoid:1");
    is_double(im.divisor, 1.0, 0.0, "binary: no average_output");
    is_double(im.base[0], 0.0, 0.0, "binary: base 0");
    is_int(im.n_trees, 4, "binary: 4 trees");
    is_int(im.n_nodes, 7 + 9 + 1 + 5, "binary: every node kept");
    is_str(im.library, "lightgbm", "binary: library");
    is_str(im.library_version, "v4", "binary: version=v4");
    is_str(im.source_kind, "binary sigmoid:1", "binary: source kind");
    ok(im.feature_names != NULL
       && strcmp(im.feature_names[0], "alpha") == 0
       && strcmp(im.feature_names[2], "gamma") == 0,
       "binary: feature_names");
    ok(im.class_labels == NULL, "binary: no class labels");
    mlclf_import_free(&im);

    ok(t_parse(&im, T_FIXTURES "binary-v3.txt") == MLCLF_OK,
       "binary-v3.txt (no tree_sizes, no is_linear) imports");
    is_str(im.library_version, "v3", "v3: version");
    is_double(im.link_scale, 0.7, 0.0, "v3: sigmoid:0.7");
    is_int(im.n_trees, 3, "v3: 3 trees");
    mlclf_import_free(&im);

    ok(t_parse(&im, T_FIXTURES "multiclass.txt") == MLCLF_OK,
       "multiclass.txt imports");
    is_int(im.n_classes, 3, "multiclass: 3 classes");
    is_int(im.n_outputs, 3, "multiclass: 3 outputs");
    is_int(im.link, MLCLF_LINK_SOFTMAX, "multiclass: softmax");
    is_int(im.n_trees, 6, "multiclass: 6 trees");

    for (t = 0; t < 6 && im.n_trees == 6; t++) {
        is_int(im.tree_class[t], t % 3, "multiclass: tree %u adds to "
               "class %u", t, t % 3);
    }

    mlclf_import_free(&im);

    ok(t_parse(&im, T_FIXTURES "multiclassova.txt") == MLCLF_OK,
       "multiclassova.txt imports");
    is_int(im.n_outputs, 3, "ova: 3 outputs");
    is_int(im.link, MLCLF_LINK_SIGMOID, "ova: per-class sigmoid");
    is_double(im.link_scale, 1.5, 0.0, "ova: sigmoid:1.5");
    is_str(im.source_kind, "multiclassova num_class:3 sigmoid:1.5",
           "ova: source kind");
    mlclf_import_free(&im);

    ok(t_parse(&im, T_FIXTURES "average-output.txt") == MLCLF_OK,
       "average-output.txt imports");
    is_double(im.divisor, 3.0, 0.0, "average_output: divided by the 3 "
              "iterations");
    mlclf_import_free(&im);
}


/*
 * Node by node, the first tree of binary-v4.txt: its decision bytes,
 * and the thresholds at -kZeroThreshold moved below it (every LightGBM
 * prediction path reads |x| <= kZeroThreshold as 0.0).
 */
static void
t_decisions(void)
{
    mlclf_import_t  im;

    if (t_parse(&im, T_FIXTURES "binary-v4.txt") != MLCLF_OK
        || im.n_nodes < 22)
    {
        ok(0, "binary-v4.txt imports");
        mlclf_import_free(&im);
        return;
    }

    /* tree 0, breadth first: node 0, node 1, node 2, leaves 0..3 */
    is_int(im.node_feature[0], 0, "root tests feature 0");
    is_double(im.node_threshold[0], 0.5, 0.0, "root threshold 0.5");
    is_int(im.node_decision[0],
           MLCLF_CMP_LE | MLCLF_DEFAULT_LEFT | MLCLF_MISSING_NAN,
           "decision_type=10: NaN type, default left");
    is_int(im.node_decision[1], MLCLF_CMP_LE | MLCLF_MISSING_AS_ZERO,
           "decision_type=0: None type, default right");
    is_double(im.node_threshold[1], nextafter(-T_EPS, -INFINITY), 0.0,
              "threshold -kZeroThreshold: the double below it");
    is_int(im.node_decision[2],
           MLCLF_CMP_LE | MLCLF_DEFAULT_LEFT | MLCLF_MISSING_ZERO,
           "decision_type=6: Zero type, default left");
    is_double(im.node_threshold[2], 1.5, 0.0, "threshold 1.5 as is");
    is_int(im.node_feature[3], -1, "then the leaves");
    is_double(im.leaf_values[im.node_left[3]], -0.40000000000000002, 0.0,
              "leaf 0's value");
    is_double(im.leaf_values[im.node_left[6]], 0.75, 0.0, "leaf 3's value");

    /* tree 1 starts at 7: threshold +kZeroThreshold stays */
    is_double(im.node_threshold[7], T_EPS, 0.0,
              "threshold +kZeroThreshold as is");
    is_int(im.node_decision[7], MLCLF_CMP_LE | MLCLF_MISSING_NAN,
           "decision_type=8: NaN type, default right");

    /* tree 2 is one leaf, tree 3's root is "gamma <= 0" */
    is_int(im.node_feature[16], -1, "a tree of one leaf");
    is_double(im.leaf_values[im.node_left[16]], 0.050000000000000003, 0.0,
              "its value");
    is_double(im.node_threshold[17], T_EPS, 0.0,
              "threshold 0: +kZeroThreshold (0.0 and 1e-36 go left)");

    mlclf_import_free(&im);
}


static double
t_sigmoid(double s, double z)
{
    return 1.0 / (1.0 + exp(-s * z));
}


/*
 * Rows worked out by hand from the fixtures and the rules of
 * NumericalDecision, through the whole import: tests the reference
 * script's rules as much as the importer.
 */
static void
t_by_hand(void)
{
    void           *buf;
    double          p[2], z;
    mlclf_model_t  *m;
    const double    zeros[3] = { 0.0, 0.0, 0.0 };
    const double    nans[3] = { NAN, NAN, NAN };
    const double    tiny[3] = { -T_EPS, -T_EPS, -T_EPS };
    const double    tiny2[2] = { -T_EPS, -1e-36 };

    m = import_load(T_FIXTURES "binary-v4.txt", MLCLF_IMPORT_LIGHTGBM, &buf);
    ok(m != NULL, "binary-v4.txt loads");

    if (m != NULL) {
        /*
         * zeros: tree 0 node 0 (0 <= 0.5) left, node 1 (0 <= -eps no)
         * right: leaf 1, 0.25; tree 1 node 0 (0 <= eps) left, node 1:
         * Zero type, 0 is missing, default right, node 2 (0 <= 0) left:
         * leaf 3, 0.2; tree 2: 0.05; tree 3 (0 <= 0) left: leaf 0.
         */
        z = 0.25 + 0.20000000000000001 + 0.050000000000000003
            + 0.012345678901234568;
        mlclf_predict_proba(m, zeros, p);
        is_double(p[1], t_sigmoid(1.0, z), 1e-15, "zeros, by hand");
        is_double(p[0], 1.0 - t_sigmoid(1.0, z), 1e-15, "P(0) = 1 - P(1)");

        /* -kZeroThreshold everywhere is read as 0.0: the same answer */
        mlclf_predict_proba(m, tiny, p);
        is_double(p[1], t_sigmoid(1.0, z), 1e-15,
                  "-kZeroThreshold is zero, as LightGBM reads it");

        /*
         * NaN: tree 0 node 0 NaN type default left, node 1 None: 0.0,
         * right: 0.25; tree 1 node 0 NaN type default right, node 3 NaN
         * type default left: leaf 1, -0.11; tree 2 0.05; tree 3 None,
         * 0.0 <= 0: leaf 0.
         */
        z = 0.25 - 0.11 + 0.050000000000000003 + 0.012345678901234568;
        mlclf_predict_proba(m, nans, p);
        is_double(p[1], t_sigmoid(1.0, z), 1e-15, "NaN, by hand");

        mlclf_model_close(&m);
    }

    free(buf);

    m = import_load(T_FIXTURES "binary-v3.txt", MLCLF_IMPORT_LIGHTGBM, &buf);
    ok(m != NULL, "binary-v3.txt loads");

    if (m != NULL) {
        /*
         * (-eps, -1e-36) is (0, 0): tree 0 (0 <= -eps no) right, node 1
         * (0 <= 3.0000000000000004) left: leaf 1; tree 1 Zero type,
         * missing, default right: leaf 1; tree 2 (0 <= eps) left: leaf 0
         */
        z = -0.69999999999999996 + 0.125 + 0.0625;
        mlclf_predict_proba(m, tiny2, p);
        is_double(p[1], t_sigmoid(0.7, z), 1e-15,
                  "v3: tiny values, sigmoid:0.7, by hand");
        mlclf_model_close(&m);
    }

    free(buf);
}


/* Each fixture against the reference script. */
static void
t_fixtures(const char *dir)
{
    size_t              i;
    char                path[T_PATH];
    static const char  *names[] = {
        "binary-v4", "binary-v3", "multiclass", "multiclassova",
        "average-output"
    };

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        (void) snprintf(path, sizeof(path), T_FIXTURES "%s.txt", names[i]);
        t_answers(dir, path, names[i]);
    }
}


/* Random models of each objective, 30 iterations of up to 31 leaves. */
static void
t_generated(const char *dir)
{
    size_t              i;
    char                path[T_PATH], seed[16];
    const char         *args[5];
    static const char  *objectives[] = {
        "binary", "average", "multiclass", "multiclassova"
    };

    for (i = 0; i < sizeof(objectives) / sizeof(objectives[0]); i++) {
        (void) snprintf(path, sizeof(path), "%s/gen-%s.txt", dir,
                        objectives[i]);
        (void) snprintf(seed, sizeof(seed), "%zu", 12 + i);

        args[0] = T_GEN;
        args[1] = seed;
        args[2] = objectives[i];
        args[3] = path;
        args[4] = NULL;

        if (!ok(t_python(dir, args) == 0, "%s writes a %s model", T_GEN,
                objectives[i]))
        {
            continue;
        }

        t_answers(dir, path, objectives[i]);
    }
}


/* model's answers on t_rows() against the reference script's. */
static void
t_answers(const char *dir, const char *model, const char *name)
{
    void           *buf;
    double         *x, *want, max_diff;
    size_t          rows, wrows, wcols, bad;
    uint32_t        nf, nc;
    mlclf_model_t  *m;
    char            rpath[T_PATH], wpath[T_PATH];
    const char     *args[5];

    m = import_load(model, MLCLF_IMPORT_LIGHTGBM, &buf);
    if (!ok(m != NULL, "%s: imports and loads", name)) {
        free(buf);
        return;
    }

    nf = mlclf_model_n_features(m);
    nc = mlclf_model_n_classes(m);
    x = t_rows(nf, &rows);
    want = NULL;

    (void) snprintf(rpath, sizeof(rpath), "%s/%s-rows.csv", dir, name);
    (void) snprintf(wpath, sizeof(wpath), "%s/%s-want.csv", dir, name);

    args[0] = T_EVAL;
    args[1] = model;
    args[2] = rpath;
    args[3] = wpath;
    args[4] = NULL;

    if (!ok(x != NULL && t_rows_write(rpath, x, rows, nf) == 0
            && t_python(dir, args) == 0
            && import_csv_read(wpath, &want, &wrows, &wcols) == 0,
            "%s: the reference scores %zu rows", name, rows))
    {
        goto done;
    }

    if (!ok(wrows == rows && wcols == nc, "%s: %zu x %u probabilities",
            name, rows, nc))
    {
        goto done;
    }

    bad = import_compare(m, x, want, rows, T_TOL, &max_diff);
    is_int(bad, 0, "%s: %zu rows within %g of the reference (max "
           "difference %.3g)", name, rows, T_TOL, max_diff);

done:

    mlclf_model_close(&m);
    free(buf);
    free(x);
    free(want);
}


/*
 * Every combination of the hand-picked values when nf <= 3, then
 * T_RANDOM random rows.  The picked values hold every threshold of the
 * fixtures and the edges around zero.
 */
static double *
t_rows(uint32_t nf, size_t *rows)
{
    double           v[32], *x;
    size_t           n, nv, combos, r, c, k;
    uint64_t         s;
    static const double  picked[] = {
        0.0, -0.0, 1e-36, -1e-36, T_EPS, -T_EPS, 0.5, 1.5, -2.25, 2.0,
        -0.5, -0.25, -1.5, 3.0, 3.0000000000000004, 2.4500000000000006,
        4.75, 6.1500000000000004, 4.8500000000000005, 5.5
    };

    nv = 0;
    v[nv++] = NAN;

    for (k = 0; k < sizeof(picked) / sizeof(picked[0]); k++) {
        v[nv++] = picked[k];
    }

    v[nv++] = nextafter(T_EPS, INFINITY);
    v[nv++] = nextafter(-T_EPS, -INFINITY);
    v[nv++] = nextafter(0.5, 1.0);
    v[nv++] = nextafter(1.5, 0.0);

    combos = 0;

    if (nf <= 3) {
        for (combos = 1, c = 0; c < nf; c++) {
            combos *= nv;
        }
    }

    n = combos + T_RANDOM;
    x = malloc(n * nf * sizeof(double));
    if (x == NULL) {
        return NULL;
    }

    for (r = 0; r < combos; r++) {
        for (k = r, c = 0; c < nf; c++, k /= nv) {
            x[r * nf + c] = v[k % nv];
        }
    }

    s = 0x9e3779b97f4a7c15ull;

    for (r = combos; r < n; r++) {
        for (c = 0; c < nf; c++) {
            x[r * nf + c] = t_random(&s);
        }
    }

    *rows = n;

    return x;
}


/*
 * A value for a random row: NaN, a quarter in [-4, 4] (the generated
 * models' thresholds), one of the edges around zero, or uniform in
 * [-5, 5].
 */
static double
t_random(uint64_t *s)
{
    double    u;
    uint64_t  k;

    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;

    k = *s >> 40;
    u = (double) (*s >> 11) / 9007199254740992.0;

    switch (k % 10) {

    case 0:
        return NAN;

    case 1:
    case 2:
    case 3:
        return (double) ((int) (k / 10 % 33) - 16) / 4.0;

    case 4:
        return ((k / 10) & 1 ? 1.0 : -1.0)
               * ((k / 20) & 1 ? T_EPS : 1e-36);

    default:
        return u * 10.0 - 5.0;
    }
}


static int
t_rows_write(const char *path, const double *x, size_t rows, uint32_t nf)
{
    int       rc;
    FILE     *f;
    size_t    r;
    uint32_t  c;

    f = fopen(path, "w");
    if (f == NULL) {
        return -1;
    }

    for (c = 0; c < nf; c++) {
        fprintf(f, "%sf%u", c ? "," : "", c);
    }

    fputc('\n', f);

    for (r = 0; r < rows; r++) {
        for (c = 0; c < nf; c++) {
            if (c) {
                fputc(',', f);
            }

            if (!isnan(x[r * nf + c])) {
                fprintf(f, "%.17g", x[r * nf + c]);
            }
        }

        fputc('\n', f);
    }

    rc = ferror(f) ? -1 : 0;

    return fclose(f) == 0 ? rc : -1;
}


/* /usr/bin/python3 args: its exit status, stderr shown on failure. */
static int
t_python(const char *dir, const char *const *args)
{
    int        rc;
    run_cmd_t  r;

    rc = run_cmd(&r, T_PYTHON, args, dir, NULL);

    if (rc != 0) {
        printf("# %s %s exited %d: %s\n", T_PYTHON, args[0], rc,
               r.err ? r.err : "");
    }

    run_cmd_free(&r);

    return rc;
}
