
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The XGBoost importer (importer/mlclf_import_xgboost*.c and the UBJSON
 * reader importer/mlclf_import_ubjson.c).
 *
 * Reference: tests/ref/xgboost_models.py trains binary:logistic,
 * multi:softprob and multi:softmax models with Debian's python3-xgboost
 * on data with missing values, saves each as JSON and UBJSON, and writes
 * 10,000 rows with XGBoost's probabilities for them.  Each model, from
 * either file, must give the same probabilities within 1e-6 and the
 * same class wherever XGBoost's top two are more than 1e-6 apart, and
 * the two files the same model.
 *
 * The small model tests/fixtures/xgboost/tiny.json (hand-made; tiny.ubj
 * is XGBoost 1.7.4's save_model of it) checks the import node by node
 * and rows at the float32 edges of its thresholds, whose XGBoost
 * answers are below.  The bad-*.json fixtures beside it, and damaged
 * copies of tiny.ubj made here, must each be refused with MLCLF_EINVAL
 * and a message naming the file and the place.
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


#define T_FIXTURES   "tests/fixtures/xgboost/"
#define T_PYTHON     "/usr/bin/python3"
#define T_SCRIPT     "tests/ref/xgboost_models.py"
#define T_ROWS       10000
#define T_TOL        1e-6


/* A bad fixture and what its message must say. */
typedef struct {
    const char               *file;
    const char               *want;
} t_bad_t;


static int t_import(mlclf_import_t *im, const char *path, const char *buf,
    size_t len, mlclf_err_t *err);
static void t_refused(const char *path, const char *buf, size_t len,
    const char *want);
static int t_same(const mlclf_import_t *a, const mlclf_import_t *b);
static void t_tiny(void);
static void t_base_vector(void);
static void t_replace(char **buf, size_t *len, const char *old,
    const char *new);
static void t_bad_fixtures(void);
static void t_truncated(const char *path);
static void t_ubjson_damage(void);
static void t_reference(void);
static void t_reference_model(const char *dir, const char *name,
    uint32_t n_classes, const double *x);
static void t_reference_early(const char *dir, const double *x);


static const t_bad_t  t_bad[] = {
    { "bad-truncated.json", ":19:34: the JSON text ends early" },
    { "bad-leaf-nan.json", ":11:30: a NaN or infinite number" },
    { "bad-no-learner.json", ": learner: missing" },
    { "bad-version.json", ": version: XGBoost 4.0 wrote the model" },
    { "bad-objective.json", ": learner.objective.name: objective "
      "\"reg:squarederror\" is not supported" },
    { "bad-objective-logitraw.json", ": learner.objective.name: objective "
      "\"binary:logitraw\" is not supported" },
    { "bad-num-feature.json", ": learner.learner_model_param.num_feature: "
      "\"two\" is not a whole number" },
    { "bad-num-class.json", ": learner.learner_model_param.num_class: 3, "
      "but binary:logistic has 2 classes" },
    { "bad-base-score.json", ": learner.learner_model_param.base_score: "
      "\"1.5\" is not a probability in (0, 1)" },
    { "bad-feature-names.json", ": learner.feature_names: 1 names, but "
      "num_feature is 2" },
    { "bad-dart.json", ": learner.gradient_booster.name: booster \"dart\" "
      "is not supported" },
    { "bad-early-stopping.json", ": learner.attributes.best_iteration: 0 "
      "of 2 rounds (early stopping)" },
    { "bad-many-trees.json", ": learner.gradient_booster.model: num_trees "
      "is 1000000, but there are 2 trees" },
    { "bad-tree-info.json", ": learner.gradient_booster.model.tree_info[1]:"
      " not an output of the model" },
    { "bad-tree-id.json", ": learner.gradient_booster.model.trees[1].id: "
      "not 1" },
    { "bad-num-nodes.json", ": learner.gradient_booster.model.trees[1]."
      "left_children: 5 items, but tree_param.num_nodes is 1000000" },
    { "bad-length.json", ": learner.gradient_booster.model.trees[1]."
      "left_children: 4 items, but tree_param.num_nodes is 5" },
    { "bad-multi-target.json", ": learner.gradient_booster.model.trees[1]."
      "tree_param.size_leaf_vector: 2: multi-target trees" },
    { "bad-split-indices-string.json", ": learner.gradient_booster.model."
      "trees[0].split_indices[0]: not an integer" },
    { "bad-split-indices-float.json", ": learner.gradient_booster.model."
      "trees[1].split_indices[1]: not an integer" },
    { "bad-split-indices-object.json", ": learner.gradient_booster.model."
      "trees[1].split_indices: not an array" },
    { "bad-default-left.json", ": learner.gradient_booster.model.trees[1]."
      "default_left[1]: not 0, 1, true or false" },
    { "bad-feature.json", ": learner.gradient_booster.model.trees[1]."
      "split_indices[1]: feature 2, but num_feature is 2" },
    { "bad-feature-negative.json", ": learner.gradient_booster.model."
      "trees[0].split_indices[0]: feature -1, but num_feature is 2" },
    { "bad-leaf-inf.json", ": learner.gradient_booster.model.trees[0]."
      "split_conditions[2]: leaf value is infinite as a float32" },
    { "bad-categorical.json", ": learner.gradient_booster.model.trees[1]."
      "split_type[1]: tree 1 node 1 is a categorical split" },
    { "bad-right-child.json", ": learner.gradient_booster.model.trees[1]."
      "right_children[0]: 4, not left child + 1 (2)" },
    { "bad-child-outside.json", ": tree 1 node 1: right child 5 is outside "
      "the tree (5 nodes)" },
    { "bad-child-up.json", ": tree 1 node 1: left child 0 is reached "
      "twice" },
    { NULL, NULL }
};


int
main(void)
{
    t_tiny();
    t_base_vector();
    t_bad_fixtures();
    t_truncated(T_FIXTURES "tiny.json");
    t_truncated(T_FIXTURES "tiny.ubj");
    t_ubjson_damage();
    t_reference();

    return tap_done();
}


static int
t_import(mlclf_import_t *im, const char *path, const char *buf, size_t len,
    mlclf_err_t *err)
{
    mlclf_import_init(im, path, MLCLF_IMPORT_XGBOOST);
    memset(err, 0, sizeof(*err));

    return mlclf_import_xgboost(im, buf, len, err);
}


/* buf is refused: MLCLF_EINVAL, "<path>" then ':' and want in it. */
static void
t_refused(const char *path, const char *buf, size_t len, const char *want)
{
    int             rc;
    size_t          n;
    mlclf_err_t     err;
    mlclf_import_t  im;

    rc = t_import(&im, path, buf, len, &err);
    n = strlen(path);

    if (!ok(rc == MLCLF_EINVAL && strncmp(err.msg, path, n) == 0
            && err.msg[n] == ':' && strstr(err.msg, want) != NULL,
            "%s refused: ...%s", path, want))
    {
        tap_diag("rc %d: %s", rc, err.msg);
    }

    mlclf_import_free(&im);
}


/* The same model, array by array. */
static int
t_same(const mlclf_import_t *a, const mlclf_import_t *b)
{
    uint32_t  i;

    if (a->n_trees != b->n_trees || a->n_nodes != b->n_nodes
        || a->n_leaves != b->n_leaves || a->n_features != b->n_features
        || a->n_classes != b->n_classes || a->n_outputs != b->n_outputs
        || a->link != b->link || a->gbt_flags != b->gbt_flags
        || (a->feature_names == NULL) != (b->feature_names == NULL))
    {
        return 0;
    }

    for (i = 0; a->feature_names != NULL && i < a->n_features; i++) {
        if (strcmp(a->feature_names[i], b->feature_names[i]) != 0) {
            return 0;
        }
    }

#define T_SAME(f, n)  (memcmp(a->f, b->f, (n) * sizeof(*a->f)) == 0)

    return T_SAME(base, a->n_outputs)
           && T_SAME(tree_offsets, a->n_trees + 1)
           && T_SAME(tree_class, a->n_trees)
           && T_SAME(node_feature, a->n_nodes)
           && T_SAME(node_threshold, a->n_nodes)
           && T_SAME(node_left, a->n_nodes)
           && T_SAME(node_right, a->n_nodes)
           && T_SAME(node_decision, a->n_nodes)
           && T_SAME(leaf_values, a->n_leaves);

#undef T_SAME
}


/*
 * tiny.json: two trees over features a and b, base_score 0.3.  The rows
 * sit on the float32 edges of the thresholds 0.5 and 1.0000001E-1
 * (0.10000000894069672 as a float): 0.49999999999999994 rounds to 0.5
 * and goes right, 0.10000001 rounds to the threshold and goes right.
 * The probabilities are XGBoost 1.7.4's inplace_predict.
 */
static void
t_tiny(void)
{
    int             rc, f;
    char           *buf;
    void           *mbuf;
    size_t          len, r;
    uint32_t        k;
    double          p[2];
    mlclf_err_t     err;
    mlclf_model_t  *m;
    mlclf_import_t  im[2];

    static const char    *files[2] = {
        T_FIXTURES "tiny.json", T_FIXTURES "tiny.ubj"
    };
    static const double   rows[][2] = {
        { 0.1, 0.5 }, { NAN, 0.4 }, { 0.1000000015, NAN },
        { 0.10000001, -3.0 }, { 0.2, -3.5 }, { 0.3, 0.49999999999999994 },
        { 0.3, 0.4999999701976776 }
    };
    static const double   want[] = {
        0.49130141735076904, 0.27442270517349243, 0.16835960745811462,
        0.27442270517349243, 0.27442270517349243, 0.50692510604858398,
        0.27442270517349243
    };

    for (f = 0; f < 2; f++) {
        buf = files_read(files[f], &len);
        ok(buf != NULL, "read %s", files[f]);
        if (buf == NULL) {
            return;
        }

        rc = t_import(&im[f], files[f], buf, len, &err);
        free(buf);

        if (!ok(rc == MLCLF_OK, "%s imports", files[f])) {
            tap_diag("%s", err.msg);
            return;
        }
    }

    is_int(im[0].kind, MLCLF_KIND_GBT, "kind gbt");
    is_int(im[0].n_features, 2, "2 features");
    is_int(im[0].n_classes, 2, "2 classes");
    is_int(im[0].n_outputs, 1, "1 output");
    is_int(im[0].link, MLCLF_LINK_SIGMOID, "sigmoid");
    is_int(im[0].gbt_flags, MLCLF_GBT_FLOAT32, "float32 sums");
    is_int(im[0].n_trees, 2, "2 trees");
    is_int(im[0].n_nodes, 8, "8 nodes");
    is_int(im[0].n_leaves, 5, "5 leaves");
    ok(im[0].base[0] == (double) -logf(1.0f / 0.3f - 1.0f),
       "base margin: logit(0.3) in float32, %.17g", im[0].base[0]);
    is_str(im[0].library, "xgboost", "library");
    is_str(im[0].library_version, "1.7.4", "library version");
    is_str(im[0].source_kind, "binary:logistic", "source kind");
    ok(im[0].feature_names != NULL
       && strcmp(im[0].feature_names[0], "a") == 0
       && strcmp(im[0].feature_names[1], "b") == 0, "feature names a, b");
    ok(im[0].class_labels == NULL, "labels left to the CLI");

    is_int(im[0].node_feature[0], 1, "root tests b");
    ok(im[0].node_threshold[0] == mlclf_cut_f32_lt(0.5),
       "root threshold: the float32 cut of 0.5");
    is_int(im[0].node_decision[0],
           MLCLF_CMP_F32_LT | MLCLF_DEFAULT_LEFT | MLCLF_MISSING_NAN,
           "root: float32 <, missing left");
    k = im[0].tree_offsets[1];
    ok(im[0].node_threshold[k] == mlclf_cut_f32_lt((float) 1.0000001E-1),
       "tree 1 root threshold: the cut of 1.0000001E-1 as a float32");
    is_int(im[0].node_decision[k], MLCLF_CMP_F32_LT | MLCLF_MISSING_NAN,
           "tree 1 root: float32 <, missing right");
    ok(im[0].leaf_values[0] == -0.25 && im[0].leaf_values[1] == 0.75,
       "tree 0 leaves -0.25, 0.75");

    ok(t_same(&im[0], &im[1]), "tiny.ubj is the same model as tiny.json");

    for (f = 0; f < 2; f++) {
        m = import_load(files[f], MLCLF_IMPORT_UNKNOWN, &mbuf);
        if (!ok(m != NULL, "%s loads as a model", files[f])) {
            continue;
        }

        ok(mlclf_model_routes_missing(m), "%s routes missing values",
           files[f]);

        for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
            (void) mlclf_predict_proba(m, rows[r], p);
            is_double(p[1], want[r], T_TOL, "%s row %zu: XGBoost's P(1)",
                      files[f], r);
        }

        mlclf_model_close(&m);
        free(mbuf);
    }

    mlclf_import_free(&im[0]);
    mlclf_import_free(&im[1]);
}


/*
 * base_score as 3.1 and later write it, "[b]" or one per class, and as
 * a softmax model, where it is the margin itself.
 */
static void
t_base_vector(void)
{
    int             rc;
    char           *buf;
    size_t          len;
    mlclf_err_t     err;
    mlclf_import_t  im;

    buf = files_read(T_FIXTURES "tiny.json", &len);
    if (!ok(buf != NULL, "read tiny.json")) {
        return;
    }

    t_replace(&buf, &len, "\"3E-1\"", "\"[3E-1]\"");
    t_replace(&buf, &len, "[1,7,4]", "[3,1,0]");

    rc = t_import(&im, "v3.json", buf, len, &err);
    ok(rc == MLCLF_OK && im.base[0] == (double) -logf(1.0f / 0.3f - 1.0f),
       "base_score \"[3E-1]\" (3.1): logit(0.3)");
    is_str(im.library_version, "3.1.0", "library version 3.1.0");
    mlclf_import_free(&im);

    /* the same trees as a 2-class softprob, one tree a class */
    t_replace(&buf, &len, "\"[3E-1]\"", "\"[2E-1,7E-1]\"");
    t_replace(&buf, &len, "\"tree_info\":[0,0]", "\"tree_info\":[0,1]");
    t_replace(&buf, &len, "\"binary:logistic\"", "\"multi:softprob\"");
    t_replace(&buf, &len, "\"num_class\":\"0\"", "\"num_class\":\"2\"");

    rc = t_import(&im, "softprob.json", buf, len, &err);
    if (!ok(rc == MLCLF_OK, "2-class softprob imports")) {
        tap_diag("%s", err.msg);
    }

    ok(rc == MLCLF_OK && im.n_outputs == 2 && im.link == MLCLF_LINK_SOFTMAX
       && im.base[0] == (double) 0.2f && im.base[1] == (double) 0.7f
       && im.tree_class[0] == 0 && im.tree_class[1] == 1,
       "softprob: 2 outputs, softmax, base margins 0.2f and 0.7f as given");
    mlclf_import_free(&im);

    t_replace(&buf, &len, "[2E-1,7E-1]", "[2E-1;7E-1]");
    t_refused("semicolon.json", buf, len, ": learner.learner_model_param."
              "base_score: \"[2E-1;7E-1]\" is not one number or 2");

    t_replace(&buf, &len, "[2E-1;7E-1]", "[2E-1,7E-1,1E-1]");
    t_refused("three.json", buf, len, ": learner.learner_model_param."
              "base_score: \"[2E-1,7E-1,1E-1]\" is not one number or 2");

    t_replace(&buf, &len, "\"num_class\":\"2\"", "\"num_class\":\"1\"");
    t_refused("one-class.json", buf, len, ": learner.learner_model_param."
              "num_class: 1, but multi:softprob needs 2 classes at least");

    free(buf);
}


/* Replaces the first old in *buf with new, growing it as needed. */
static void
t_replace(char **buf, size_t *len, const char *old, const char *new)
{
    char    *p, *q;
    size_t   o, n, at;

    p = strstr(*buf, old);
    if (p == NULL) {
        printf("Bail out! \"%s\" not in the fixture\n", old);
        exit(1);
    }

    o = strlen(old);
    n = strlen(new);
    at = (size_t) (p - *buf);

    q = malloc(*len - o + n + 1);
    if (q == NULL) {
        printf("Bail out! out of memory\n");
        exit(1);
    }

    memcpy(q, *buf, at);
    memcpy(q + at, new, n);
    memcpy(q + at + n, *buf + at + o, *len - at - o + 1);

    free(*buf);
    *buf = q;
    *len = *len - o + n;
}


static void
t_bad_fixtures(void)
{
    char           *buf;
    size_t          len;
    const t_bad_t  *b;
    char            path[256];

    for (b = t_bad; b->file != NULL; b++) {
        (void) snprintf(path, sizeof(path), T_FIXTURES "%s", b->file);

        buf = files_read(path, &len);
        if (!ok(buf != NULL, "read %s", path)) {
            continue;
        }

        t_refused(path, buf, len, b->want);
        free(buf);
    }
}


/* Every proper prefix of the file is refused, and never crashes. */
static void
t_truncated(const char *path)
{
    int             rc, refused;
    char           *buf, *cut;
    size_t          len, n, end;
    mlclf_err_t     err;
    mlclf_import_t  im;

    buf = files_read(path, &len);
    if (!ok(buf != NULL, "read %s", path)) {
        return;
    }

    /* a JSON text is whole at its last '}', white space after it */
    end = len;
    while (end > 0 && buf[end - 1] != '}') {
        end--;
    }

    cut = malloc(len + 1);
    refused = 0;

    for (n = 0; cut != NULL && n < end; n++) {
        memcpy(cut, buf, n);
        cut[n] = '\0';

        rc = t_import(&im, path, cut, n, &err);
        refused += rc == MLCLF_EINVAL && strstr(err.msg, path) == err.msg;
        mlclf_import_free(&im);
    }

    is_int(refused, end, "%s: each of its %zu proper prefixes refused",
           path, end);

    free(cut);
    free(buf);
}


/* tiny.ubj with damage: each refused with the byte offset or path. */
static void
t_ubjson_damage(void)
{
    char     *buf, *d, *p;
    size_t    len, i;
    char      deep[80];

    buf = files_read(T_FIXTURES "tiny.ubj", &len);
    if (!ok(buf != NULL, "read tiny.ubj")) {
        return;
    }

    d = malloc(len + 2);
    if (d == NULL) {
        free(buf);
        return;
    }

    /* "trees" [#L <count>: claim 10^6 trees in a 2 KB file */
    memcpy(d, buf, len + 1);
    p = memmem(d, len, "trees[#L", 8);
    ok(p != NULL, "tiny.ubj has a counted trees array");
    if (p != NULL) {
        memcpy(p + 8, "\0\0\0\0\0\x0f\x42\x40", 8);
        t_refused("ubj-trees", d, len, ": byte 377: a count of 1000000 "
                  "items, but");
    }

    /* a leaf value (tree 0, node 1) as a float32 NaN */
    memcpy(d, buf, len + 1);
    p = memmem(d, len, "split_conditions[$d#L", 21);
    if (p != NULL) {
        memcpy(p + 21 + 8 + 4, "\x7f\xc0\0\0", 4);
        t_refused("ubj-nan", d, len, ": learner.gradient_booster.model."
                  "trees[0].split_conditions[1]: leaf value is NaN");
    }

    /* split_indices typed as float32: not integers */
    memcpy(d, buf, len + 1);
    p = memmem(d, len, "split_indices[$l", 16);
    if (p != NULL) {
        p[15] = 'd';
        t_refused("ubj-type", d, len, ": learner.gradient_booster.model."
                  "trees[0].split_indices[0]: not an integer");

        p[15] = 'Z';
        t_refused("ubj-typed-null", d, len, ": containers typed 0x5a are "
                  "not supported");

        p[15] = 'H';
        t_refused("ubj-typed-h", d, len, ": containers typed 0x48 are "
                  "not supported");
    }

    /* a key whose length runs past the end */
    memcpy(d, buf, len + 1);
    memcpy(d + 2, "\0\0\0\x10\0\0\0\0", 8);
    t_refused("ubj-key", d, len, ": byte 1: a key of 68719476736 bytes, "
              "but");

    /* a negative length */
    d[2] = '\xff';
    t_refused("ubj-negative", d, len, ": byte 1: a key is negative");

    memcpy(d, buf, len + 1);
    d[1] = 'S';
    t_refused("ubj-key-type", d, len, ": byte 1: a key has no integer "
              "type (marker 0x53)");

    /* one byte after the document */
    memcpy(d, buf, len);
    d[len] = 'x';
    d[len + 1] = '\0';
    t_refused("ubj-trailing", d, len + 1, ": byte 2339: 1 bytes after the "
              "end of the document");

    /* an unknown marker where a value should be */
    t_refused("ubj-marker", "{L\0\0\0\0\0\0\0\x01" "aQ}", 13,
              ": byte 11: unknown type marker 0x51");
    t_refused("ubj-high", "{L\0\0\0\0\0\0\0\x01" "aH}", 13,
              ": byte 11: high-precision numbers");
    t_refused("ubj-nul-key", "{U\x02" "a\0" "Z}", 7,
              ": byte 1: a key holds a NUL byte");
    t_refused("ubj-typed-no-count", "{U\x01" "a[$iU}", 9,
              ": byte 5: a typed container without a count");
    t_refused("ubj-array-end", "{U\x01" "a[ii", 7,
              ": byte 7: the file ends inside an array");
    t_refused("ubj-float-end", "{U\x01" "ad\x3f\x80", 7,
              ": byte 5: the file ends inside a float");
    t_refused("not-object.json", "[1]", 3,
              ": the document is not an object");
    t_refused("ubj-empty", "{#U\x00", 4, ": version: missing");

    /* containers nested deeper than the limit */
    memcpy(deep, "{U\x01" "a", 4);
    for (i = 4; i < 4 + 40; i++) {
        deep[i] = '[';
    }
    memset(deep + 44, ']', 30);
    deep[74] = '\0';
    t_refused("ubj-deep", deep, 74, ": byte 35: containers nested deeper "
              "than 32");

    free(d);
    free(buf);
}


/* The models of tests/ref/xgboost_models.py against XGBoost's answers. */
static void
t_reference(void)
{
    int        rc;
    double    *x;
    size_t     rows, cols;
    char       dir[256], path[512];
    run_cmd_t  r;

    files_tmpdir(dir, sizeof(dir), "mlclf_xgb");

    rc = run_cmd(&r, T_PYTHON, (const char *const []) {
                     T_SCRIPT, dir, NULL
                 }, dir, NULL);

    if (!ok(rc == 0, "%s %s runs", T_PYTHON, T_SCRIPT)) {
        tap_diag("exit %d: %s", rc, r.err);
        run_cmd_free(&r);
        files_tmpdir_done(dir, 1);
        return;
    }

    run_cmd_free(&r);

    (void) snprintf(path, sizeof(path), "%s/rows.csv", dir);
    x = NULL;

    rc = import_csv_read(path, &x, &rows, &cols);
    ok(rc == 0 && rows == T_ROWS && cols == 8, "rows.csv: %d rows of 8",
       T_ROWS);

    if (rc == 0 && rows == T_ROWS && cols == 8) {
        t_reference_model(dir, "binary", 2, x);
        t_reference_model(dir, "softprob", 3, x);
        t_reference_model(dir, "softmax", 4, x);
        t_reference_early(dir, x);
    }

    free(x);
    files_tmpdir_done(dir, tap_failed);
}


static void
t_reference_model(const char *dir, const char *name, uint32_t n_classes,
    const double *x)
{
    int             f, rc;
    char           *buf, path[512];
    void           *mbuf;
    double         *want, diff;
    size_t          len, rows, cols, bad;
    mlclf_err_t     err;
    mlclf_model_t  *m;
    mlclf_import_t  im[2];

    static const char  *ext[2] = { "json", "ubj" };

    (void) snprintf(path, sizeof(path), "%s/expected_%s.csv", dir, name);
    want = NULL;

    rc = import_csv_read(path, &want, &rows, &cols);
    if (!ok(rc == 0 && rows == T_ROWS && cols == n_classes,
            "expected_%s.csv: %d rows of %u", name, T_ROWS, n_classes))
    {
        free(want);
        return;
    }

    mlclf_import_init(&im[0], "", MLCLF_IMPORT_XGBOOST);
    mlclf_import_init(&im[1], "", MLCLF_IMPORT_XGBOOST);

    for (f = 0; f < 2; f++) {
        (void) snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext[f]);

        buf = files_read(path, &len);
        rc = buf != NULL ? t_import(&im[f], path, buf, len, &err) : -1;

        if (!ok(rc == MLCLF_OK, "%s.%s imports", name, ext[f])) {
            tap_diag("%s", rc == -1 ? "cannot read it" : err.msg);
            mlclf_import_free(&im[f]);
            free(buf);
            continue;
        }

        is_int(im[f].n_classes, n_classes, "%s.%s: %u classes", name,
               ext[f], n_classes);
        is_str(im[f].library_version, "1.7.4", "%s.%s: written by 1.7.4",
               name, ext[f]);

        m = import_load(path, MLCLF_IMPORT_UNKNOWN, &mbuf);
        ok(m != NULL, "%s.%s loads as a model", name, ext[f]);

        if (m != NULL) {
            bad = import_compare(m, x, want, rows, T_TOL, &diff);
            is_int(bad, 0, "%s.%s: %d rows as XGBoost's predict_proba "
                   "within %g, same class", name, ext[f], T_ROWS, T_TOL);
            tap_diag("%s.%s: max abs difference %.3g", name, ext[f], diff);
            mlclf_model_close(&m);
            free(mbuf);
        }

        /* the first half of the file is refused */
        buf[len / 2] = '\0';
        t_refused(path, buf, len / 2, "");
        free(buf);
    }

    ok(t_same(&im[0], &im[1]), "%s.ubj is the same model as %s.json",
       name, name);

    if (strcmp(name, "softmax") == 0) {
        ok(im[0].feature_names != NULL
           && strcmp(im[0].feature_names[2], "score.1") == 0,
           "softmax: the feature names of the DMatrix");
    }

    mlclf_import_free(&im[0]);
    mlclf_import_free(&im[1]);
    free(want);
}


/*
 * A model trained with early stopping is refused; its best rounds,
 * saved alone, answer as predict_proba does.
 */
static void
t_reference_early(const char *dir, const double *x)
{
    int             rc;
    char           *buf, path[512];
    void           *mbuf;
    double         *want, diff;
    size_t          len, rows, cols;
    mlclf_model_t  *m;

    (void) snprintf(path, sizeof(path), "%s/early.json", dir);

    buf = files_read(path, &len);
    if (ok(buf != NULL, "read early.json")) {
        t_refused(path, buf, len, ": learner.attributes.best_iteration: ");
        t_refused(path, buf, len, " rounds (early stopping): XGBoost's "
                  "scikit-learn predict uses the first ");
        free(buf);
    }

    (void) snprintf(path, sizeof(path), "%s/expected_early.csv", dir);
    want = NULL;

    rc = import_csv_read(path, &want, &rows, &cols);
    if (!ok(rc == 0 && rows == T_ROWS && cols == 2,
            "expected_early.csv: %d rows of 2", T_ROWS))
    {
        free(want);
        return;
    }

    (void) snprintf(path, sizeof(path), "%s/early_best.json", dir);

    m = import_load(path, MLCLF_IMPORT_UNKNOWN, &mbuf);
    if (ok(m != NULL, "early_best.json loads as a model")) {
        is_int(import_compare(m, x, want, rows, T_TOL, &diff), 0,
               "early_best.json: %d rows as predict_proba within %g, "
               "same class", T_ROWS, T_TOL);
        tap_diag("early_best.json: max abs difference %.3g", diff);
        mlclf_model_close(&m);
        free(mbuf);
    }

    free(want);
}
