
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Training YAML: a full and a minimal configuration, the defaults, and
 * every kind of mistake, each of which must fail with
 * "<file>:<line>:<col>:" and its own reason.  The files are written
 * into a mkdtemp() directory.  The gbt's keys are tested in
 * test_train_config_gbt.c.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tap.h>
#include <mlclf_train.h>
#include "train_config_cases.h"


static char  dir[] = "/tmp/test_train_config.XXXXXX";


static const bad_case_t  bad[] = {

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "color: red\n",
      "5:1: unknown key \"color\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "split:\n  seed: 1\n  tset_fraction: 0.3\n",
      "7:3: unknown key \"tset_fraction\" in split" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  l2: abc\n",
      "6:7: model.l2: expected a number, got \"abc\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  l2: -1\n",
      "6:7: model.l2: expected a number >= 0, got \"-1\"" },

    { "label: y\nfeatures: [a]\nmodel: {kind: logreg}\n",
      "1:1: missing required key \"data\"" },

    { "data: d.csv\nfeatures: [a]\nmodel: {kind: logreg}\n",
      "1:1: missing required key \"label\"" },

    { "data: d.csv\nlabel: y\nmodel: {kind: logreg}\n",
      "1:1: missing required key \"features\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\n\nmodel:\n  l2: 1\n",
      "6:3: missing required key \"kind\" in model" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "label: z\n",
      "5:1: duplicate key \"label\" (first on line 2)" },

    { "data: d.csv\nlabel: y\nfeatures:\n  - a\n  - b\n  - name: a\n"
      "model: {kind: logreg}\n",
      "6:5: features: duplicate feature \"a\" (features[0] and features[2])" },

    { "data: d.csv\nlabel: y\nfeatures: [a, y]\nmodel: {kind: logreg}\n",
      "2:8: label: \"y\" is also listed as features[1]" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "split: {test_fraction: 1.5}\n",
      "5:24: split.test_fraction: expected a number in (0, 1), got \"1.5\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: forest\n"
      "  n_bins: 300\n",
      "6:11: model.n_bins: expected an integer in [2, 256], got \"300\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  n_trees: 10\n",
      "6:3: model.n_trees: not a parameter of kind logreg" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: forest\n"
      "  tol: 0.1\n",
      "6:3: model.tol: not a parameter of kind forest" },

    { "data: d.csv\nlabel: y\nfeatures: [a\nmodel: {kind: logreg}\n",
      "4:6: did not find expected ',' or ']' (while parsing a flow sequence "
      "at line 3)" },

    { "data: d.csv\n  label: y\n",
      "2:8: mapping values are not allowed in this context" },

    { "name: Iris\ndata: d.csv\nlabel: y\nfeatures: [a]\n"
      "model: {kind: logreg}\n",
      "1:7: name: expected [a-z0-9_-]{1,64}, got \"Iris\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "missing: maybe\n",
      "5:10: missing: expected fail, drop, impute or allow, got \"maybe\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "classes: [x, y, x]\n",
      "5:17: classes: duplicate class \"x\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "classes: [x]\n",
      "5:10: classes: expected at least 2 classes, got 1" },

    { "data: d.csv\nlabel: y\nfeatures:\n  - name: a\n    type: double\n"
      "model: {kind: logreg}\n",
      "5:11: features[0].type: expected float, integer, category or text, "
      "got \"double\"" },

    { "data: d.csv\nlabel: y\nfeatures:\n  - {name: a, min: 10, max: 5}\n"
      "model: {kind: logreg}\n",
      "4:29: features[0].max: 5 is less than min 10" },

    { "data: d.csv\nlabel: y\nfeatures:\n  - {name: a, size: 5}\n"
      "model: {kind: logreg}\n",
      "4:15: unknown key \"size\" in features[0]" },

    { "data: d.csv\nlabel: y\nfeatures:\n  - {type: float}\n"
      "model: {kind: logreg}\n",
      "4:5: missing required key \"name\" in features[0]" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "split: {stratify: yes}\n",
      "5:19: split.stratify: expected true or false, got \"yes\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "split: {seed: -1}\n",
      "5:15: split.seed: expected an integer >= 0, got \"-1\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a, b]\nmodel:\n  kind: forest\n"
      "  max_features: 3\n",
      "6:17: model.max_features: 3 is more than the 2 features" },

    { "data: d.csv\nlabel: y\nfeatures: [a, b]\nmodel:\n  kind: forest\n"
      "  max_features: log2\n",
      "6:17: model.max_features: expected sqrt or an integer, got \"log2\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  l2: \"1.0\"\n",
      "6:7: model.l2: expected a number, got a quoted string \"1.0\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  max_iter: 1.5\n",
      "6:13: model.max_iter: expected an integer in [1, 1000000], "
      "got \"1.5\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  tol: 0\n",
      "6:8: model.tol: expected a number > 0, got \"0\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  l2: \"\\e[2J\\t\"\n",
      "6:7: model.l2: expected a number, got a quoted string "
      "\"\\x1b[2J\\x09\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  l2: .nan\n",
      "6:7: model.l2: expected a number, got \".nan\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: tree}\n",
      "4:15: model.kind: expected logreg, forest or gbt, got \"tree\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "gates: {min_accuracy: 2}\n",
      "5:23: gates.min_accuracy: expected a number in [0, 1], got \"2\"" },

    { "data: d.csv\nlabel: y\nfeatures: []\nmodel: {kind: logreg}\n",
      "3:11: features: the list is empty" },

    { "data:\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n",
      "1:6: data: expected a string, got nothing" },

    { "data: d.csv\nlabel: y\nfeatures: {a: 1}\nmodel: {kind: logreg}\n",
      "3:11: features: expected a list, got a mapping" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: logreg\n",
      "4:8: model: expected a mapping, got \"logreg\"" },

    { "- a\n- b\n",
      "1:1: configuration: expected a mapping, got a list" },

    { "",
      "1: the file holds no configuration" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "---\ndata: e.csv\n",
      "5:1: more than one YAML document" },

    /* names and classes the model format cannot hold */
    { "data: d.csv\nlabel: y\nfeatures: [a, \"caf\\u00e9\"]\n"
      "model: {kind: logreg}\n",
      "3:15: features[1]: \"caf\\xc3\\xa9\" cannot be a feature name: "
      "byte 4 is 0xc3, not printable ASCII" },

    { "data: d.csv\nlabel: y\nfeatures:\n  - name: \"a\\nb\"\n"
      "model: {kind: logreg}\n",
      "4:11: features[0].name: \"a\\x0ab\" cannot be a feature name: "
      "byte 2 is 0x0a, not printable ASCII" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "classes: [cat, \"d\\xf6g\"]\n",
      "5:16: classes[1]: \"d\\xc3\\xb6g\" cannot be a class label: "
      "byte 2 is 0xc3, not printable ASCII" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n"
      "classes:\n  - \"\\tcat\"\n  - dog\n",
      "6:5: classes[0]: \"\\x09cat\" cannot be a class label: "
      "byte 1 is 0x09, not printable ASCII" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: forest\n"
      "  max_depth: 65\n",
      "6:14: model.max_depth: expected an integer in [0, 64], got \"65\"" },
};


/* a full configuration */
static void
test_full(void)
{
    int                   rc;
    char                 *path;
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    path = test_config_file(dir, "iris.yaml",
        "# the iris data set\n"
        "name: iris-v2_x\n"
        "data: data/raw/iris.csv\n"
        "label: species\n"
        "features:\n"
        "  - {name: sepal_length, type: float, min: 0, max: 100}\n"
        "  - name: sepal_width\n"
        "    type: integer\n"
        "    min: -1.5e1\n"
        "  - petal_length\n"
        "  - \"petal width\"\n"
        "classes: [setosa, versicolor, \"virginica\"]\n"
        "missing: impute\n"
        "split: {test_fraction: 0.25, seed: 18446744073709551615,"
        " stratify: false}\n"
        "model:\n"
        "  kind: logreg\n"
        "  l2: 0.5\n"
        "  max_iter: 300\n"
        "  tol: 1.0e-8\n"
        "gates: {min_accuracy: 0.9, min_macro_f1: 0.85}\n");

    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "full configuration loads");
    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
    }

    is_str(cf.path, path, "path");
    is_str(cf.name, "iris-v2_x", "name");
    is_str(cf.data, "data/raw/iris.csv", "data");
    is_str(cf.label, "species", "label");
    is_int(cf.n_features, 4, "4 features");
    is_str(cf.features[0].name, "sepal_length", "feature 0 name");
    ok(cf.features[0].has_min && cf.features[0].has_max
       && cf.features[0].min == 0 && cf.features[0].max == 100
       && cf.features[0].type == MLCLF_TRAIN_TYPE_FLOAT,
       "feature 0 range and type");
    ok(cf.features[1].type == MLCLF_TRAIN_TYPE_INTEGER
       && cf.features[1].has_min
       && !cf.features[1].has_max && cf.features[1].min == -15,
       "feature 1: integer, min only");
    ok(!cf.features[2].has_min
       && cf.features[2].type == MLCLF_TRAIN_TYPE_FLOAT,
       "feature 2: short form");
    is_str(cf.features[3].name, "petal width", "quoted feature name");
    is_int(cf.n_classes, 3, "3 classes");
    is_str(cf.classes[2], "virginica", "class order kept");
    is_int(cf.missing, MLCLF_TRAIN_MISSING_IMPUTE, "missing: impute");
    is_double(cf.test_fraction, 0.25, 0, "test_fraction");
    ok(cf.seed == UINT64_MAX, "seed 2^64-1");
    is_int(cf.stratify, 0, "stratify false");
    is_int(cf.kind, MLCLF_KIND_LOGREG, "kind logreg");
    is_double(cf.l2, 0.5, 0, "l2");
    is_int(cf.max_iter, 300, "max_iter");
    is_double(cf.tol, 1e-8, 0, "tol");
    is_double(cf.min_accuracy, 0.9, 0, "min_accuracy");
    is_double(cf.min_macro_f1, 0.85, 0, "min_macro_f1");

    mlclf_train_config_free(&cf);
    ok(cf.features == NULL && cf.name == NULL, "free clears");
    mlclf_train_config_free(&cf);
    free(path);
}


/* minimal configurations: the defaults, and the name from the file */
static void
test_defaults(void)
{
    int                   rc;
    char                 *path, want[1024];
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    path = test_config_file(dir, "my_forest.yml",
        "data: d.csv\nlabel: y\nfeatures: [a, b, c]\n"
        "model:\n  kind: forest\n  n_trees: 10\n  max_features: 2\n");

    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "minimal forest configuration loads");
    is_str(cf.name, "my_forest", "name from the file name");
    is_int(cf.kind, MLCLF_KIND_FOREST, "kind forest");
    is_int(cf.n_trees, 10, "n_trees");
    is_int(cf.max_features, 2, "max_features");
    is_int(cf.max_depth, 12, "default max_depth");
    is_int(cf.min_samples_leaf, 1, "default min_samples_leaf");
    is_int(cf.n_bins, 256, "default n_bins");
    is_int(cf.n_threads, 0, "default n_threads");
    is_int(cf.missing, MLCLF_TRAIN_MISSING_FAIL, "default missing");
    is_double(cf.test_fraction, 0.2, 0, "default test_fraction");
    ok(cf.seed == 42, "default seed");
    is_int(cf.stratify, 1, "default stratify");
    ok(cf.classes == NULL && cf.n_classes == 0, "no classes");
    is_double(cf.min_accuracy, 0, 0, "default gate");
    mlclf_train_config_free(&cf);
    free(path);

    path = test_config_file(dir, "lr.yaml",
        "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n");
    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "minimal logreg configuration loads");
    ok(cf.l2 == 1.0 && cf.max_iter == 200 && cf.tol == 1e-6,
       "logreg defaults");
    mlclf_train_config_free(&cf);
    free(path);

    path = test_config_file(dir, "Bad Name.yaml",
        "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: logreg}\n");
    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_EINVAL, "no name and a bad file name");
    snprintf(want, sizeof(want), "%s:1: no \"name\" given and the file "
             "name \"Bad Name\" is not a valid model name "
             "([a-z0-9_-]{1,64})", path);
    is_str(err.msg, want, "no name: message");
    free(path);
}


/*
 * Nesting: 64 levels (the top-level mapping is one) reach the usual
 * checks, 65 are refused where the 65th opens, in flow and in block
 * style; 100,000 levels are refused as fast (the alarm ends the
 * test if they take the quadratic time they once did).
 */
static void
test_nesting(void)
{
    int                   rc;
    char                 *path, *yaml, *p, want[1024];
    size_t                n, k;
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    static const struct {
        size_t        levels;
        const char   *want;
    } flow[] = {
        { 63, "1:1: unknown key \"x\"" },
        { 64, "1:67: lists and mappings nested more than 64 deep" },
        { 100000, "1:67: lists and mappings nested more than 64 deep" },
    };

    for (k = 0; k < sizeof(flow) / sizeof(flow[0]); k++) {
        n = flow[k].levels;
        yaml = malloc(2 * n + 16);
        p = yaml + sprintf(yaml, "x: ");
        memset(p, '[', n);
        memset(p + n, ']', n);
        strcpy(p + 2 * n, "\n");

        path = test_config_file(dir, "deep.yaml", yaml);
        free(yaml);

        alarm(20);
        rc = mlclf_train_config_load(&cf, path, &err);
        alarm(0);

        snprintf(want, sizeof(want), "%s:%s", path, flow[k].want);
        is_int(rc, MLCLF_EINVAL, "%zu nested lists: EINVAL", n);
        is_str(err.msg, want, "%zu nested lists: message", n);
        free(path);
    }

    /* k1: {k2: {k3: ...}} in block style, one level per line */
    yaml = malloc(70 * 160);
    p = yaml;

    for (k = 0; k < 70; k++) {
        p += sprintf(p, "%*sk%zu:\n", (int) (2 * k), "", k + 1);
    }

    path = test_config_file(dir, "deep.yaml", yaml);
    free(yaml);

    rc = mlclf_train_config_load(&cf, path, &err);
    snprintf(want, sizeof(want), "%s:65:129: lists and mappings nested "
             "more than 64 deep", path);
    is_int(rc, MLCLF_EINVAL, "70 nested mappings: EINVAL");
    is_str(err.msg, want, "70 nested mappings: message");
    free(path);
}


/* names of 255 bytes are the limit; 256 are refused */
static void
test_long_names(void)
{
    int                   rc;
    char                 *path, want[1024], yaml[1024], name[300];
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    memset(name, 'n', 256);
    name[255] = '\0';
    snprintf(yaml, sizeof(yaml), "data: d.csv\nlabel: y\n"
             "features: [a, %s]\nclasses: [x, %s]\n"
             "model: {kind: logreg}\n", name, name);
    path = test_config_file(dir, "long.yaml", yaml);
    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "255-byte feature name and class load");
    if (rc == MLCLF_OK) {
        is_int(strlen(cf.features[1].name), 255,
               "255-byte feature name kept");
        mlclf_train_config_free(&cf);
    }

    free(path);

    name[255] = 'n';
    name[256] = '\0';
    snprintf(yaml, sizeof(yaml), "data: d.csv\nlabel: y\n"
             "features: [a, %s]\nmodel: {kind: logreg}\n", name);
    path = test_config_file(dir, "long.yaml", yaml);
    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_EINVAL, "256-byte feature name: EINVAL");
    mlclf_train_config_free(&cf);
    snprintf(want, sizeof(want), "%s:3:15: features[1]: \"%.37s...\" "
             "cannot be a feature name: 256 bytes, more than 255", path,
             name);
    is_str(err.msg, want, "256-byte feature name: message");
    free(path);
}


/* a missing file, and files that are not regular ones */
static void
test_not_files(void)
{
    int                   rc;
    char                  want[1024];
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    rc = mlclf_train_config_load(&cf, "/nonexistent/x.yaml", &err);
    is_int(rc, MLCLF_EIO, "missing file: EIO");
    is_str(err.msg, "/nonexistent/x.yaml: No such file or directory",
           "missing file: message");

    /*
     * Not regular files: refused without waiting for a writer (the
     * alarm ends the test if opening the FIFO blocks).
     */
    snprintf(want, sizeof(want), "%s/fifo.yaml", dir);
    if (mkfifo(want, 0600) == 0) {
        alarm(20);
        rc = mlclf_train_config_load(&cf, want, &err);
        alarm(0);
        is_int(rc, MLCLF_EIO, "FIFO: EIO");
        ok(strstr(err.msg, "/fifo.yaml: a FIFO, not a regular file")
           != NULL, "FIFO: message");
        unlink(want);

    } else {
        ok(0, "mkfifo %s", want);
    }

    rc = mlclf_train_config_load(&cf, dir, &err);
    is_int(rc, MLCLF_EIO, "directory: EIO");
    snprintf(want, sizeof(want), "%s: a directory, not a regular file",
             dir);
    is_str(err.msg, want, "directory: message");

    rc = mlclf_train_config_load(&cf, "/dev/null", &err);
    is_int(rc, MLCLF_EIO, "character device: EIO");
    is_str(err.msg, "/dev/null: a character device, not a regular file",
           "character device: message");
}


int
main(void)
{
    char  cmd[1024];

    if (mkdtemp(dir) == NULL) {
        printf("Bail out! mkdtemp\n");
        return 1;
    }

    test_full();
    test_defaults();
    test_nesting();
    test_long_names();
    test_config_bad(dir, bad, sizeof(bad) / sizeof(bad[0]));
    test_not_files();

    unlink(dir);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0) {
        tap_diag("cannot remove %s", dir);
    }

    return tap_done();
}
