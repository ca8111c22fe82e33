
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * scikit-learn models through tools/mlclf-sklearn-export and
 * mlclf_import_sklearn(): tests/ref/sklearn_models.py (Debian's
 * /usr/bin/python3 with python3-sklearn 1.2.1) trains the five supported
 * estimators, binary and 3-class, exports them and writes predict_proba
 * on 10,000 rows; each import must serve within 1e-12 of it and give the
 * same class wherever the top two are further apart.  Then the
 * exporter's refusals, and bad interchange files, each refused with its
 * message.  Runs from the repository root; the files go to a mkdtemp
 * directory, removed when every test passed.
 */


#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <mlclf.h>
#include <mlclf_import.h>
#include "files.h"
#include "import_check.h"
#include "run_cmd.h"
#include "tap.h"


#define TEST_PYTHON   "/usr/bin/python3"
#define TEST_TOL      1e-12


typedef struct {
    const char               *name;         /* what the test shows */
    const char               *text;         /* the file */
    const char               *msg;          /* err.msg, exactly */
} test_bad_t;


static void test_numbers(const char *dir);
static void test_models(const char *dir);
static void test_model(const char *dir, const char *name, const char *rows,
    uint32_t n_classes);
static void test_model_facts(const char *name, const mlclf_import_t *im);
static void test_refusals(const char *dir);
static void test_exporter_cli(const char *dir, const char *pkl,
    const char *want);
static void test_import_cli(const char *dir);
static void test_bad(void);
static void test_prefixes(void);
static int test_parse(const char *text, mlclf_import_t *im, mlclf_err_t *err);


int
main(void)
{
    char                dir[256];
    run_cmd_t           r;
    const char *const   args[] = { "tests/ref/sklearn_models.py", NULL, NULL };

    files_tmpdir(dir, sizeof(dir), "test_import_sklearn");

    ((const char **) args)[1] = dir;

    if (run_cmd(&r, TEST_PYTHON, args, dir, NULL) != 0) {
        ok(0, "tests/ref/sklearn_models.py trains and exports the models");
        tap_diag("exit %d: %s", r.status, r.err);
        run_cmd_free(&r);
        files_tmpdir_done(dir, 1);
        return tap_done();
    }

    ok(1, "tests/ref/sklearn_models.py trains and exports the models");
    run_cmd_free(&r);

    test_numbers(dir);
    test_models(dir);
    test_refusals(dir);
    test_import_cli(dir);
    test_bad();
    test_prefixes();

    files_tmpdir_done(dir, tap_failed);

    return tap_done();
}


/*
 * The exporter writes floats with repr(); cJSON reads them with strtod,
 * which glibc rounds correctly: every double must come back bit for bit.
 */
static void
test_numbers(const char *dir)
{
    char          path[512], *text;
    size_t        n, bad;
    double        d;
    uint64_t      bits, want;
    cJSON        *root;
    const cJSON  *v, *b;

    (void) snprintf(path, sizeof(path), "%s/numbers.json", dir);

    text = files_read(path, NULL);
    root = text ? cJSON_Parse(text) : NULL;

    if (!ok(root != NULL, "numbers.json parses")) {
        free(text);
        return;
    }

    v = cJSON_GetObjectItemCaseSensitive(root, "values")->child;
    b = cJSON_GetObjectItemCaseSensitive(root, "bits")->child;
    n = 0;
    bad = 0;

    for ( /* void */ ; v != NULL && b != NULL; v = v->next, b = b->next) {
        d = v->valuedouble;
        memcpy(&bits, &d, sizeof(bits));
        want = strtoull(b->valuestring, NULL, 16);

        if (bits != want && bad++ < 5) {
            tap_diag("%s read as %016llx", b->valuestring,
                     (unsigned long long) bits);
        }

        n++;
    }

    ok(n > 20000 && bad == 0, "cJSON reads %zu doubles written by repr() "
       "exactly (%zu differ)", n, bad);

    cJSON_Delete(root);
    free(text);
}


static void
test_models(const char *dir)
{
    char          path[512], *text, *line, *save;
    char          name[64], rows[64];
    unsigned      k;

    (void) snprintf(path, sizeof(path), "%s/models.txt", dir);

    text = files_read(path, NULL);
    if (!ok(text != NULL, "models.txt written")) {
        return;
    }

    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save))
    {
        if (sscanf(line, "%63s %63s %u", name, rows, &k) == 3) {
            test_model(dir, name, rows, k);
        }
    }

    free(text);
}


/* One model: imported, loaded, served within TEST_TOL of predict_proba. */
static void
test_model(const char *dir, const char *name, const char *rows,
    uint32_t n_classes)
{
    int              rc;
    char             path[512], *text;
    void            *buf;
    double          *x, *want, diff;
    size_t           len, n, cols, wn, wcols, bad;
    mlclf_err_t      err;
    mlclf_model_t   *m;
    mlclf_import_t   im;

    (void) snprintf(path, sizeof(path), "%s/%s.json", dir, name);

    /* the parser's view first: names, kinds, what the exporter wrote */
    text = files_read(path, &len);
    mlclf_import_init(&im, path, MLCLF_IMPORT_SKLEARN);
    rc = text ? mlclf_import_sklearn(&im, text, len, &err) : MLCLF_EIO;

    if (!ok(rc == MLCLF_OK, "%s: the interchange file imports", name)) {
        tap_diag("%s", err.msg);

    } else {
        test_model_facts(name, &im);
    }

    mlclf_import_free(&im);
    free(text);

    m = import_load(path, MLCLF_IMPORT_SKLEARN, &buf);
    if (!ok(m != NULL, "%s: the imported model loads", name)) {
        free(buf);
        return;
    }

    /* format_version 2: trees carry covers, a logreg no means */
    is_int(mlclf_explain_ready(m),
           mlclf_model_kind(m) == MLCLF_KIND_LOGREG
           ? MLCLF_ENOEXPLAIN : MLCLF_OK,
           "%s: %s", name, mlclf_model_kind(m) == MLCLF_KIND_LOGREG
                           ? "no means, cannot explain"
                           : "covers imported, can explain");

    ok(mlclf_model_routes_missing(m) == (strncmp(name, "hgb", 3) == 0),
       "%s: routes missing values %s", name,
       strncmp(name, "hgb", 3) == 0 ? "itself" : "never");

    x = NULL;
    want = NULL;
    (void) snprintf(path, sizeof(path), "%s/%s", dir, rows);
    rc = import_csv_read(path, &x, &n, &cols);
    (void) snprintf(path, sizeof(path), "%s/expected_%s.csv", dir, name);
    rc |= import_csv_read(path, &want, &wn, &wcols);

    if (ok(rc == 0 && n == 10000 && wn == n && cols == 6
           && wcols == n_classes, "%s: %zu rows and their probabilities",
           name, n))
    {
        bad = import_compare(m, x, want, n, TEST_TOL, &diff);
        ok(bad == 0, "%s: predict_proba within %g and the same class on "
           "every row (%zu differ; max abs difference %.3g)", name,
           TEST_TOL, bad, diff);
        tap_diag("%s: max abs difference %.3g over %zu rows", name, diff, n);
    }

    free(x);
    free(want);
    mlclf_model_close(&m);
    free(buf);
}


/* What the parser made of a model, beyond its answers. */
static void
test_model_facts(const char *name, const mlclf_import_t *im)
{
    uint32_t  i, edges;

    is_str(im->library, "scikit-learn", "%s: library", name);
    is_str(im->library_version, "1.2.1", "%s: library version", name);

    if (strcmp(name, "rf_bin") == 0) {
        is_str(im->source_kind, "RandomForestClassifier", "%s: kind", name);
        ok(im->kind == MLCLF_KIND_FOREST && im->n_trees == 30,
           "%s: a forest of 30 trees", name);
        ok(im->feature_names != NULL
           && strcmp(im->feature_names[0], "x_0") == 0
           && strcmp(im->feature_names[5], "x_5") == 0,
           "%s: feature names from the exporter's --features", name);
        is_str(im->class_labels[1], "1", "%s: class labels", name);
    }

    if (strcmp(name, "logreg_bin") == 0) {
        ok(im->kind == MLCLF_KIND_LOGREG && im->n_outputs == 1
           && im->feature_names == NULL,
           "%s: one-vs-rest binary is a sigmoid, no feature names", name);
    }

    if (strcmp(name, "logreg_bin_mn") == 0) {
        ok(im->n_outputs == 2 && im->weights[0] == -im->weights[6]
           && im->bias[0] == -im->bias[1],
           "%s: binary multinomial is a softmax over -d, d", name);
    }

    if (strcmp(name, "gb_3") == 0) {
        ok(im->kind == MLCLF_KIND_GBT && im->n_outputs == 3
           && im->n_trees == 120 && im->link == MLCLF_LINK_SOFTMAX
           && im->tree_class[4] == 1,
           "%s: 40 stages of 3 trees, tree t adds to class t %% 3", name);
        is_str(im->class_labels[0], "high", "%s: string labels, sorted",
               name);
    }

    if (strcmp(name, "gb_bin_exp") == 0) {
        ok(im->n_outputs == 1 && im->link == MLCLF_LINK_SIGMOID
           && im->link_scale == 2.0, "%s: expit(2 z)", name);
    }

    if (strcmp(name, "gb_3_zero") == 0) {
        ok(im->base[0] == 0.0 && im->base[1] == 0.0 && im->base[2] == 0.0,
           "%s: init 'zero' starts at 0", name);
    }

    if (strncmp(name, "hgb", 3) == 0) {
        edges = 0;
        for (i = 0; i < im->n_nodes; i++) {
            edges += im->node_feature[i] != -1
                     && im->node_threshold[i] == DBL_MAX;
        }

        ok(edges > 0, "%s: %u splits on missing values alone (threshold "
           "+inf, written as the largest double)", name, edges);
    }
}


/* export() refusals (refusals.txt) and the command line's. */
static void
test_refusals(const char *dir)
{
    char         path[512], *text;
    size_t       i;

    static const char *const  want[][2] = {
        { "ovr ", "LogisticRegression with 3 classes predicts one-vs-rest "
          "(multi_class='ovr', solver='lbfgs'): its normalised sigmoids are "
          "not supported; fit it with multi_class='multinomial'" },
        { "init ", "GradientBoostingClassifier with init=DummyClassifier is "
          "not supported" },
        { "categorical ", "tree 0 (iteration 0, class 0) node " },
        { "svc ", "estimator SVC is not supported (supported: "
          "LogisticRegression, RandomForestClassifier, "
          "ExtraTreesClassifier, GradientBoostingClassifier, "
          "HistGradientBoostingClassifier)" }
    };

    (void) snprintf(path, sizeof(path), "%s/refusals.txt", dir);

    text = files_read(path, NULL);
    if (!ok(text != NULL, "refusals.txt written")) {
        return;
    }

    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        ok(strstr(text, want[i][0]) != NULL
           && strstr(strstr(text, want[i][0]), want[i][1]) != NULL,
           "export() refuses %s: %s", want[i][0], want[i][1]);
    }

    ok(strstr(text, "categorical splits are not supported") != NULL,
       "export() names a categorical split's tree and node");

    free(text);

    test_exporter_cli(dir, "bad_svc.pkl", "estimator SVC is not supported");
    test_exporter_cli(dir, "bad_rf_two_outputs.pkl",
                      "RandomForestClassifier with 2 outputs is not "
                      "supported");
}


static void
test_exporter_cli(const char *dir, const char *pkl, const char *want)
{
    char                in[512], out[512];
    run_cmd_t           r;
    const char *const   args[] = { "tools/mlclf-sklearn-export", in, out,
                                   NULL };

    (void) snprintf(in, sizeof(in), "%s/%s", dir, pkl);
    (void) snprintf(out, sizeof(out), "%s/%s.json", dir, pkl);

    (void) run_cmd(&r, TEST_PYTHON, args, dir, NULL);

    ok(r.status == 1 && strstr(r.err, want) != NULL
       && strncmp(r.err, "mlclf-sklearn-export: ", 22) == 0
       && !files_exists(out),
       "mlclf-sklearn-export %s: exit 1, \"%s\", nothing written", pkl,
       want);

    if (r.status != 1) {
        tap_diag("exit %d: %s", r.status, r.err);
    }

    run_cmd_free(&r);
}


/* mlclf-import detects the file and publishes it; a bad one is refused. */
static void
test_import_cli(const char *dir)
{
    char                bin[512], reg[512], src[512], bad[512];
    run_cmd_t           r;
    const char         *base, *text;
    const char *const   good[] = { "--registry", reg, "--name", "hgb",
                                   src, NULL };
    const char *const   args[] = { "--format", "sklearn", "--registry", reg,
                                   "--name", "bad", bad, NULL };

    base = getenv("MLCLF_BIN");
    (void) snprintf(bin, sizeof(bin), "%s/mlclf-import",
                    base ? base : "build/bin");
    (void) snprintf(reg, sizeof(reg), "%s/registry", dir);
    (void) snprintf(src, sizeof(src), "%s/hgb_3.json", dir);
    (void) snprintf(bad, sizeof(bad), "%s/bad.json", dir);

    (void) run_cmd(&r, bin, good, dir, NULL);
    ok(r.status == MLCLF_IMPORT_EXIT_OK,
       "mlclf-import detects and publishes hgb_3.json");
    if (r.status != MLCLF_IMPORT_EXIT_OK) {
        tap_diag("exit %d: %s", r.status, r.err);
    }
    run_cmd_free(&r);

    text = "{\"format\":\"mlclf-sklearn-export\",\"format_version\":3}";
    (void) files_write(bad, text, strlen(text));

    (void) run_cmd(&r, bin, args, dir, NULL);
    ok(r.status == MLCLF_IMPORT_EXIT_SOURCE
       && strstr(r.err, "bad.json: format_version 3: written by a newer "
                 "exporter") != NULL,
       "mlclf-import refuses a file of a newer exporter, exit %d",
       MLCLF_IMPORT_EXIT_SOURCE);
    if (r.status != MLCLF_IMPORT_EXIT_SOURCE) {
        tap_diag("exit %d: %s", r.status, r.err);
    }
    run_cmd_free(&r);
}


/*
 * A small valid file to damage: a 2-class GradientBoosting of one
 * 3-node tree, and the pieces the bad files below replace.
 */
#define TEST_HEAD(est, nf)                                                   \
    "{\"format\":\"mlclf-sklearn-export\",\n\"format_version\":1,\n"         \
    "\"sklearn_version\":\"1.2.1\",\n\"estimator\":\"" est "\",\n"           \
    "\"n_features\":" nf ",\n\"feature_names\":null,\n"                      \
    "\"classes\":[\"a\",\"b\"],\n"

#define TEST_GB(params, tree)                                                \
    TEST_HEAD("GradientBoostingClassifier", "2")                             \
    "\"loss\":\"log_loss\",\n\"learning_rate\":0.1,\n\"init\":\"prior\",\n"  \
    "\"base\":[0.25],\n" params "\"n_trees\":1,\n\"trees\":[\n" tree "\n]}\n"

#define TEST_TREE(left, right, feature, threshold, value)                   \
    "{\"node_count\":3,\"children_left\":[" left "],"                        \
    "\"children_right\":[" right "],\"feature\":[" feature "],"              \
    "\"threshold\":[" threshold "],\"value\":[" value "]}"

#define TEST_OK_TREE                                                         \
    TEST_TREE("1,-1,-1", "2,-1,-1", "0,-2,-2", "0.5,-2.0,-2.0",             \
              "null,-0.1,0.2")

#define TEST_PER  "\"trees_per_stage\":1,\n"


static const test_bad_t  test_bads[] = {
    { "the valid file", TEST_GB(TEST_PER, TEST_OK_TREE), NULL },

    { "not an object", "[1, 2]",
      "bad.json: the file is an array of 2, not a JSON object" },

    { "text after the value", "{\"format\":1}\n}",
      "bad.json:2:1: text after the JSON value" },

    { "truncated", "{\"format\":\"mlclf-sklearn-export\",\n\"n_trees\":1",
      "bad.json:2:12: not valid JSON: the file ends inside it "
      "(truncated?)" },

    { "a NaN leaf",
      TEST_GB(TEST_PER, TEST_TREE("1,-1,-1", "2,-1,-1", "0,-2,-2",
                                  "0.5,-2.0,-2.0", "null,NaN,0.2")),
      "bad.json:15:132: not valid JSON: NaN and Infinity are not JSON "
      "numbers" },

    { "an infinite leaf",
      TEST_GB(TEST_PER, TEST_TREE("1,-1,-1", "2,-1,-1", "0,-2,-2",
                                  "0.5,-2.0,-2.0", "null,1e999,0.2")),
      "bad.json: tree 0 node 1: leaf value is infinite" },

    { "an infinite threshold",
      TEST_GB(TEST_PER, TEST_TREE("1,-1,-1", "2,-1,-1", "0,-2,-2",
                                  "-1e999,-2.0,-2.0", "null,0.1,0.2")),
      "bad.json: tree 0 node 0: threshold is infinite" },

    { "another format", "{\"format\":\"xgboost\"}",
      "bad.json: format: \"xgboost\", not \"mlclf-sklearn-export\"" },

    { "format_version 3",
      "{\"format\":\"mlclf-sklearn-export\",\"format_version\":3,"
      "\"estimator\":\"Anything\"}",
      "bad.json: format_version 3: written by a newer exporter (this "
      "mlclf-import reads format_version 2)" },

    { "format_version 1.5",
      "{\"format\":\"mlclf-sklearn-export\",\"format_version\":1.5}",
      "bad.json: format_version: 1.5 is not a version number" },

    { "an unknown estimator", TEST_HEAD("SVC", "2") "\"n_trees\":1}",
      "bad.json: estimator \"SVC\" is not supported (LogisticRegression, "
      "RandomForestClassifier, ExtraTreesClassifier, "
      "GradientBoostingClassifier, HistGradientBoostingClassifier)" },

    { "n_features a string", TEST_HEAD("LogisticRegression", "\"2\"")
      "\"multi_class\":\"ovr\",\"coef\":[[1,2]],\"intercept\":[0]}",
      "bad.json: n_features: \"2\" is not a number of features "
      "(1..65535)" },

    { "a threshold a string",
      TEST_GB(TEST_PER, TEST_TREE("1,-1,-1", "2,-1,-1", "0,-2,-2",
                                  "\"0.5\",-2.0,-2.0", "null,0.1,0.2")),
      "bad.json: trees[0].threshold[0]: \"0.5\", not a number" },

    { "a coefficient a string", TEST_HEAD("LogisticRegression", "2")
      "\"multi_class\":\"ovr\",\"coef\":[[1,true]],\"intercept\":[0]}",
      "bad.json: coef[0][1]: true, not a finite number" },

    { "a left child outside the tree",
      TEST_GB(TEST_PER, TEST_TREE("5,-1,-1", "2,-1,-1", "0,-2,-2",
                                  "0.5,-2.0,-2.0", "null,0.1,0.2")),
      "bad.json: tree 0 node 0: left child 5 is outside the tree "
      "(3 nodes)" },

    { "a child pointing back up",
      TEST_GB(TEST_PER, TEST_TREE("1,0,-1", "2,2,-1", "0,1,-2",
                                  "0.5,0.5,-2.0", "null,null,0.2")),
      "bad.json: tree 0 node 1: left child 0 is reached twice (a cycle, "
      "or a node with two parents)" },

    { "a feature past n_features",
      TEST_GB(TEST_PER, TEST_TREE("1,-1,-1", "2,-1,-1", "9,-2,-2",
                                  "0.5,-2.0,-2.0", "null,0.1,0.2")),
      "bad.json: tree 0 node 0: feature 9, but the model has 2 features" },

    { "a leaf with a right child",
      TEST_GB(TEST_PER, TEST_TREE("1,-1,-1", "2,2,-1", "0,-2,-2",
                                  "0.5,-2.0,-2.0", "null,0.1,0.2")),
      "bad.json: trees[0].children_right[1]: 2, but children_left is -1 "
      "(a leaf)" },

    { "10^6 trees claimed",
      TEST_HEAD("GradientBoostingClassifier", "2")
      "\"loss\":\"log_loss\",\"learning_rate\":0.1,\"init\":\"prior\","
      "\"base\":[0.25]," TEST_PER "\"n_trees\":1000000,\"trees\":["
      TEST_OK_TREE "]}",
      "bad.json: trees: an array of 1, but n_trees is 1000000" },

    { "10^6 nodes claimed",
      TEST_GB(TEST_PER, "{\"node_count\":1000000,\"children_left\":[-1],"
              "\"children_right\":[-1],\"feature\":[-2],"
              "\"threshold\":[-2.0],\"value\":[0.5]}"),
      "bad.json: trees[0].children_left: an array of 1, but node_count is "
      "1000000" },

    { "an unknown member",
      TEST_GB(TEST_PER "\"max_depth\":3,\n", TEST_OK_TREE),
      "bad.json: unknown member \"max_depth\" for "
      "GradientBoostingClassifier" },

    { "a member twice",
      TEST_GB(TEST_PER "\"n_features\":2,\n", TEST_OK_TREE),
      "bad.json: member \"n_features\" given twice" },

    { "a missing member",
      TEST_HEAD("GradientBoostingClassifier", "2")
      "\"loss\":\"log_loss\",\"learning_rate\":0.1,\"init\":\"prior\","
      TEST_PER "\"n_trees\":1,\"trees\":[" TEST_OK_TREE "]}",
      "bad.json: missing member \"base\"" },

    { "an unknown loss", TEST_HEAD("GradientBoostingClassifier", "2")
      "\"loss\":\"huber\"}",
      "bad.json: loss \"huber\" is not supported (\"log_loss\", "
      "\"exponential\")" },

    { "trees_per_stage wrong",
      TEST_GB("\"trees_per_stage\":2,\n", TEST_OK_TREE),
      "bad.json: trees_per_stage: 2, but 2 classes take 1" },

    { "one-vs-rest with 3 classes",
      "{\"format\":\"mlclf-sklearn-export\",\"format_version\":1,"
      "\"sklearn_version\":\"1.2.1\",\"estimator\":\"LogisticRegression\","
      "\"n_features\":1,\"feature_names\":null,\"classes\":[\"a\",\"b\","
      "\"c\"],\"multi_class\":\"ovr\",\"coef\":[[1],[2],[3]],"
      "\"intercept\":[0,0,0]}",
      "bad.json: multi_class \"ovr\" with 3 classes is not supported "
      "(one-vs-rest normalises sigmoids): fit with "
      "multi_class=\"multinomial\"" },

    { "a forest leaf that is no distribution",
      TEST_HEAD("RandomForestClassifier", "2") "\"n_trees\":1,\"trees\":["
      TEST_TREE("1,-1,-1", "2,-1,-1", "0,-2,-2", "0.5,-2.0,-2.0",
                "null,[0.5,0.6],[1.0,0.0]") "]}",
      "bad.json: tree 0 node 1: class shares sum to 1.1000000000000001, "
      "not 1" },

    { "missing_go_to_left 2",
      TEST_HEAD("HistGradientBoostingClassifier", "2")
      "\"loss\":\"log_loss\",\"learning_rate\":0.1,\"base\":[0.25],"
      TEST_PER "\"n_trees\":1,\"trees\":[{\"node_count\":3,"
      "\"children_left\":[1,-1,-1],\"children_right\":[2,-1,-1],"
      "\"feature\":[0,-2,-2],\"threshold\":[0.5,-2.0,-2.0],"
      "\"missing_go_to_left\":[2,0,0],\"value\":[null,0.1,0.2]}]}",
      "bad.json: trees[0].missing_go_to_left[0]: 2, not 0 or 1" },

    { "a HistGradientBoosting tree without missing_go_to_left",
      TEST_HEAD("HistGradientBoostingClassifier", "2")
      "\"loss\":\"log_loss\",\"learning_rate\":0.1,\"base\":[0.25],"
      TEST_PER "\"n_trees\":1,\"trees\":[" TEST_OK_TREE "]}",
      "bad.json: trees[0]: missing member \"missing_go_to_left\"" }
};


static void
test_bad(void)
{
    int             rc;
    size_t          i;
    mlclf_err_t     err;
    mlclf_import_t  im;

    for (i = 0; i < sizeof(test_bads) / sizeof(test_bads[0]); i++) {
        memset(&err, 0, sizeof(err));
        rc = test_parse(test_bads[i].text, &im, &err);

        if (test_bads[i].msg == NULL) {
            ok(rc == MLCLF_OK && im.n_trees == 1 && im.n_leaves == 2,
               "%s imports", test_bads[i].name);
            if (rc != MLCLF_OK) {
                tap_diag("%s", err.msg);
            }

        } else {
            is_int(rc, MLCLF_EINVAL, "%s: refused", test_bads[i].name);
            is_str(err.msg, test_bads[i].msg, "%s: the message",
                   test_bads[i].name);
        }

        mlclf_import_free(&im);
    }
}


/* Every strict prefix of a valid file is refused, and names the file. */
static void
test_prefixes(void)
{
    int             rc, good;
    char           *cut;
    size_t          len, n;
    mlclf_err_t     err;
    mlclf_import_t  im;

    static const char  text[] = TEST_GB(TEST_PER, TEST_OK_TREE);

    len = sizeof(text) - 1;
    good = 1;

    /* the last byte is the newline after the value: that cut is valid */
    for (n = 0; n < len - 1 && good; n++) {
        cut = malloc(n + 1);
        memcpy(cut, text, n);
        cut[n] = '\0';

        mlclf_import_init(&im, "bad.json", MLCLF_IMPORT_SKLEARN);
        rc = mlclf_import_sklearn(&im, cut, n, &err);
        good = rc == MLCLF_EINVAL && strncmp(err.msg, "bad.json:", 9) == 0;

        if (!good) {
            tap_diag("cut at %zu: %d %s", n, rc, err.msg);
        }

        mlclf_import_free(&im);
        free(cut);
    }

    ok(good, "each of the %zu cuts of a valid file is refused", len - 1);
}


static int
test_parse(const char *text, mlclf_import_t *im, mlclf_err_t *err)
{
    mlclf_import_init(im, "bad.json", MLCLF_IMPORT_SKLEARN);

    return mlclf_import_sklearn(im, text, strlen(text), err);
}
