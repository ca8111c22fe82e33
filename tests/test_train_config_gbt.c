
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Training YAML, kind: gbt: a full and a minimal configuration, the
 * defaults, the ends of each range, and every mistake in a gbt's keys
 * (and in missing: allow), each of which must fail with
 * "<file>:<line>:<col>:" and its own reason; the run's class check,
 * mlclf_train_config_check_classes(); and every configuration in conf/
 * loads (run from the repository root).  The files are written into a
 * mkdtemp() directory.
 */


#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tap.h>
#include <mlclf_train.h>
#include "train_config_cases.h"
#include "files.h"


/* a gbt configuration to add a line 7 to: its max_depth is line 6 */
#define GBT  "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: gbt\n" \
             "  max_depth: 3\n"


static char  dir[64];


static const bad_case_t  bad[] = {

    { GBT "  n_estimators: 0\n",
      "7:17: model.n_estimators: expected an integer in [1, 100000], "
      "got \"0\"" },

    { GBT "  n_estimators: 100001\n",
      "7:17: model.n_estimators: expected an integer in [1, 100000], "
      "got \"100001\"" },

    { GBT "  learning_rate: 0\n",
      "7:18: model.learning_rate: expected a number in (0, 1], got \"0\"" },

    { GBT "  learning_rate: -0.1\n",
      "7:18: model.learning_rate: expected a number in (0, 1], "
      "got \"-0.1\"" },

    { GBT "  learning_rate: 1.5\n",
      "7:18: model.learning_rate: expected a number in (0, 1], "
      "got \"1.5\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: gbt\n"
      "  n_estimators: 10\n",
      "5:3: model: a gbt needs max_depth, max_leaves or both" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: gbt}\n",
      "4:8: model: a gbt needs max_depth, max_leaves or both" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: gbt\n"
      "  max_depth: 0\n",
      "6:14: model.max_depth: expected an integer in [1, 64], got \"0\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: gbt\n"
      "  max_leaves: 1\n",
      "6:15: model.max_leaves: expected an integer in [2, 65536], "
      "got \"1\"" },

    { GBT "  max_leaves: 65537\n",
      "7:15: model.max_leaves: expected an integer in [2, 65536], "
      "got \"65537\"" },

    { GBT "  min_child_weight: -1\n",
      "7:21: model.min_child_weight: expected a number >= 0, got \"-1\"" },

    { GBT "  min_split_gain: -0.5\n",
      "7:19: model.min_split_gain: expected a number >= 0, got \"-0.5\"" },

    { GBT "  l2: -1\n",
      "7:7: model.l2: expected a number >= 0, got \"-1\"" },

    { GBT "  subsample: 0\n",
      "7:14: model.subsample: expected a number in (0, 1], got \"0\"" },

    { GBT "  subsample: 1.5\n",
      "7:14: model.subsample: expected a number in (0, 1], got \"1.5\"" },

    { GBT "  colsample: 0\n",
      "7:14: model.colsample: expected a number in (0, 1], got \"0\"" },

    { GBT "  n_bins: 1\n",
      "7:11: model.n_bins: expected an integer in [2, 256], got \"1\"" },

    { GBT "  n_threads: 1025\n",
      "7:14: model.n_threads: expected an integer in [0, 1024], "
      "got \"1025\"" },

    { GBT "  seed: -1\n",
      "7:9: model.seed: expected an integer >= 0, got \"-1\"" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nclasses: [p, q, r]\n"
      "model:\n  kind: gbt\n  max_depth: 3\n  loss: logistic\n",
      "8:9: model.loss: logistic needs 2 classes, the classes list has 3" },

    { GBT "  loss: hinge\n",
      "7:9: model.loss: expected logistic or softmax, got \"hinge\"" },

    { GBT "  early_stopping:\n    rounds: 5\n",
      "8:5: model.early_stopping: needs validation_fraction" },

    { GBT "  early_stopping: {}\n",
      "7:19: model.early_stopping: needs validation_fraction" },

    { GBT "  early_stopping: true\n",
      "7:19: model.early_stopping: expected a mapping, got \"true\"" },

    { GBT "  early_stopping: {validation_fraction: 1}\n",
      "7:41: model.early_stopping.validation_fraction: expected a number "
      "in (0, 1), got \"1\"" },

    { GBT "  early_stopping: {validation_fraction: 0}\n",
      "7:41: model.early_stopping.validation_fraction: expected a number "
      "in (0, 1), got \"0\"" },

    { GBT "  early_stopping:\n    validation_fraction: 0.1\n"
      "    patience: 5\n",
      "9:5: unknown key \"patience\" in model.early_stopping" },

    { GBT "  early_stopping:\n    validation_fraction: 0.1\n"
      "    rounds: 0\n",
      "9:13: model.early_stopping.rounds: expected an integer in "
      "[1, 100000], got \"0\"" },

    { GBT "  early_stopping:\n    validation_fraction: 0.1\n"
      "    metric: auc\n",
      "9:13: model.early_stopping.metric: expected logloss or error, "
      "got \"auc\"" },

    { GBT "  log_every: 0\n",
      "7:14: model.log_every: expected an integer in [1, 1000000], "
      "got \"0\"" },

    /* keys of another kind */
    { GBT "  n_trees: 10\n",
      "7:3: model.n_trees: not a parameter of kind gbt" },

    { GBT "  max_iter: 10\n",
      "7:3: model.max_iter: not a parameter of kind gbt" },

    { GBT "  tol: 0.1\n",
      "7:3: model.tol: not a parameter of kind gbt" },

    { GBT "  min_samples_leaf: 2\n",
      "7:3: model.min_samples_leaf: not a parameter of kind gbt" },

    { GBT "  max_features: sqrt\n",
      "7:3: model.max_features: not a parameter of kind gbt" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: forest\n"
      "  n_estimators: 10\n",
      "6:3: model.n_estimators: not a parameter of kind forest" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: forest\n"
      "  seed: 7\n",
      "6:3: model.seed: not a parameter of kind forest" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  learning_rate: 0.1\n",
      "6:3: model.learning_rate: not a parameter of kind logreg" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel:\n  kind: logreg\n"
      "  early_stopping: {validation_fraction: 0.1}\n",
      "6:3: model.early_stopping: not a parameter of kind logreg" },

    /* missing: allow is the gbt's only */
    { "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: forest}\n"
      "missing: allow\n",
      "5:10: missing: allow needs model.kind gbt" },

    { "data: d.csv\nlabel: y\nfeatures: [a]\nmissing: allow\n"
      "model: {kind: logreg}\n",
      "4:10: missing: allow needs model.kind gbt" },
};


/* every gbt key given, and missing: allow */
static void
test_full(void)
{
    int                   rc;
    char                 *path;
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    path = test_config_file(dir, "gbt.yaml",
        "data: d.csv\n"
        "label: y\n"
        "features: [a, b]\n"
        "classes: [no, yes]\n"
        "missing: allow\n"
        "model:\n"
        "  kind: gbt\n"
        "  n_estimators: 500\n"
        "  learning_rate: 0.05\n"
        "  max_depth: 6\n"
        "  max_leaves: 63\n"
        "  min_child_weight: 0.5\n"
        "  min_split_gain: 0.25\n"
        "  l2: 2.5\n"
        "  subsample: 0.8\n"
        "  colsample: 0.7\n"
        "  n_bins: 64\n"
        "  n_threads: 4\n"
        "  seed: 18446744073709551615\n"
        "  loss: logistic\n"
        "  early_stopping:\n"
        "    validation_fraction: 0.15\n"
        "    rounds: 25\n"
        "    metric: error\n"
        "  log_every: 50\n"
        "split: {seed: 7}\n");

    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "full gbt configuration loads");
    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        free(path);
        return;
    }

    is_int(cf.kind, MLCLF_KIND_GBT, "kind gbt");
    is_int(cf.missing, MLCLF_TRAIN_MISSING_ALLOW, "missing: allow");
    is_int(cf.n_estimators, 500, "n_estimators");
    is_double(cf.learning_rate, 0.05, 0, "learning_rate");
    is_int(cf.max_depth, 6, "max_depth");
    is_int(cf.max_depth_set, 1, "max_depth_set");
    is_int(cf.max_leaves, 63, "max_leaves");
    is_double(cf.min_child_weight, 0.5, 0, "min_child_weight");
    is_double(cf.min_split_gain, 0.25, 0, "min_split_gain");
    is_double(cf.l2, 2.5, 0, "l2");
    is_double(cf.subsample, 0.8, 0, "subsample");
    is_double(cf.colsample, 0.7, 0, "colsample");
    is_int(cf.n_bins, 64, "n_bins");
    is_int(cf.n_threads, 4, "n_threads");
    ok(cf.gbt_seed == UINT64_MAX, "model.seed 2^64-1");
    ok(cf.seed == 7, "split.seed apart from model.seed");
    is_int(cf.loss, MLCLF_TRAIN_LOSS_LOGISTIC, "loss logistic");
    ok(cf.loss_line == 20 && cf.loss_col == 9, "loss at 20:9");
    is_double(cf.es_fraction, 0.15, 0, "validation_fraction");
    is_int(cf.es_rounds, 25, "rounds");
    is_int(cf.es_metric, MLCLF_TRAIN_METRIC_ERROR, "metric error");
    is_int(cf.log_every, 50, "log_every");
    mlclf_train_config_free(&cf);
    free(path);

    /* flow style; softmax takes 2 classes as well */
    path = test_config_file(dir, "gbt2.yaml",
        "data: d.csv\nlabel: y\nfeatures: [a]\nclasses: [no, yes]\n"
        "model: {kind: gbt, max_depth: 64, max_leaves: 65536, "
        "loss: softmax, min_child_weight: 0, learning_rate: 1, "
        "subsample: 1, colsample: 0.001, n_estimators: 100000, "
        "early_stopping: {validation_fraction: 0.5, metric: logloss}}\n");

    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "gbt: the ends of the ranges load");
    if (rc == MLCLF_OK) {
        ok(cf.max_depth == 64 && cf.max_leaves == 65536
           && cf.min_child_weight == 0 && cf.learning_rate == 1
           && cf.subsample == 1 && cf.colsample == 0.001
           && cf.n_estimators == 100000, "gbt: the ends, kept");
        is_int(cf.loss, MLCLF_TRAIN_LOSS_SOFTMAX, "softmax, 2 classes");
        ok(cf.loss_line == 5 && cf.loss_col == 60, "softmax at 5:60");
        ok(cf.es_fraction == 0.5 && cf.es_rounds == 10
           && cf.es_metric == MLCLF_TRAIN_METRIC_LOGLOSS,
           "early_stopping: rounds and metric default");
        mlclf_train_config_free(&cf);

    } else {
        tap_diag("%s", err.msg);
    }

    free(path);
}


/* a minimal gbt: the defaults; model.seed from split.seed */
static void
test_defaults(void)
{
    int                   rc;
    char                 *path;
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    path = test_config_file(dir, "gbt.yaml",
        "data: d.csv\nlabel: y\nfeatures: [a]\n"
        "model:\n  kind: gbt\n  max_depth: 4\n");

    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "minimal gbt configuration loads");
    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        free(path);
        return;
    }

    is_int(cf.kind, MLCLF_KIND_GBT, "kind gbt");
    is_int(cf.max_depth, 4, "max_depth");
    is_int(cf.max_depth_set, 1, "max_depth_set");
    is_int(cf.max_leaves, 0, "default max_leaves: none");
    is_int(cf.n_estimators, 100, "default n_estimators");
    is_double(cf.learning_rate, 0.3, 0, "default learning_rate");
    is_double(cf.min_child_weight, 1, 0, "default min_child_weight");
    is_double(cf.min_split_gain, 0, 0, "default min_split_gain");
    is_double(cf.l2, 1, 0, "default l2");
    is_double(cf.subsample, 1, 0, "default subsample");
    is_double(cf.colsample, 1, 0, "default colsample");
    is_int(cf.n_bins, 256, "default n_bins");
    is_int(cf.n_threads, 0, "default n_threads");
    is_int(cf.loss, MLCLF_TRAIN_LOSS_AUTO, "default loss: auto");
    ok(cf.loss_line == 0 && cf.loss_col == 0, "no loss, no place");
    is_double(cf.es_fraction, 0, 0, "no early stopping");
    is_int(cf.es_rounds, 10, "default rounds");
    is_int(cf.es_metric, MLCLF_TRAIN_METRIC_LOGLOSS, "default metric");
    is_int(cf.log_every, 10, "default log_every");
    ok(cf.gbt_seed == 42, "default model.seed: the default split.seed");
    is_int(cf.missing, MLCLF_TRAIN_MISSING_FAIL, "default missing");
    mlclf_train_config_free(&cf);
    free(path);

    /* split: after model: still seeds it; max_leaves alone */
    path = test_config_file(dir, "gbt.yaml",
        "data: d.csv\nlabel: y\nfeatures: [a]\n"
        "model:\n  kind: gbt\n  max_leaves: 31\n  loss: logistic\n"
        "split:\n  seed: 1234\n");

    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "gbt with max_leaves only loads");
    if (rc == MLCLF_OK) {
        ok(cf.gbt_seed == 1234, "model.seed from a later split.seed");
        is_int(cf.max_leaves, 31, "max_leaves");
        is_int(cf.max_depth_set, 0, "max_depth not set");
        is_int(cf.max_depth, 0, "max_depth 0: no depth limit");
        is_int(cf.loss, MLCLF_TRAIN_LOSS_LOGISTIC,
               "logistic without classes: left to the run");
        ok(cf.loss_line == 7 && cf.loss_col == 9, "loss at 7:9");
        mlclf_train_config_free(&cf);

    } else {
        tap_diag("%s", err.msg);
    }

    free(path);

    /* the forest: max_depth_set only when given */
    path = test_config_file(dir, "rf.yaml",
        "data: d.csv\nlabel: y\nfeatures: [a]\nmodel: {kind: forest}\n");
    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "minimal forest loads");
    ok(cf.max_depth == 12 && !cf.max_depth_set,
       "forest: default max_depth, not set");
    mlclf_train_config_free(&cf);
    free(path);
}


/* the run's check once the data's classes are counted */
static void
test_check_classes(void)
{
    int                   rc;
    char                 *path, want[1024];
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    path = test_config_file(dir, "logistic.yaml",
        "data: d.csv\nlabel: y\nfeatures: [a]\n"
        "model:\n  kind: gbt\n  max_depth: 2\n  loss:   logistic\n");

    rc = mlclf_train_config_load(&cf, path, &err);
    is_int(rc, MLCLF_OK, "logistic without classes loads");
    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        free(path);
        return;
    }

    memset(&err, 0, sizeof(err));
    rc = mlclf_train_config_check_classes(&cf, 2, &err);
    is_int(rc, MLCLF_OK, "logistic, 2 classes: OK");
    is_str(err.msg, "", "logistic, 2 classes: no message");

    rc = mlclf_train_config_check_classes(&cf, 3, &err);
    is_int(rc, MLCLF_EINVAL, "logistic, 3 classes: EINVAL");
    snprintf(want, sizeof(want), "%s:7:11: model.loss: logistic needs 2 "
             "classes, the data has 3", path);
    is_str(err.msg, want, "logistic, 3 classes: at the loss value");

    rc = mlclf_train_config_check_classes(&cf, 1000, NULL);
    is_int(rc, MLCLF_EINVAL, "logistic, 1000 classes, no err: EINVAL");

    cf.loss = MLCLF_TRAIN_LOSS_SOFTMAX;
    is_int(mlclf_train_config_check_classes(&cf, 3, &err), MLCLF_OK,
           "softmax, 3 classes: OK");
    is_int(mlclf_train_config_check_classes(&cf, 2, &err), MLCLF_OK,
           "softmax, 2 classes: OK");

    cf.loss = MLCLF_TRAIN_LOSS_AUTO;
    is_int(mlclf_train_config_check_classes(&cf, 5, &err), MLCLF_OK,
           "auto, 5 classes: OK");

    cf.loss = MLCLF_TRAIN_LOSS_LOGISTIC;
    cf.kind = MLCLF_KIND_FOREST;
    is_int(mlclf_train_config_check_classes(&cf, 3, &err), MLCLF_OK,
           "not a gbt: OK");

    mlclf_train_config_free(&cf);
    free(path);
}


/*
 * Every configuration of conf/ loads (run from the repository root);
 * the gbt ones of the three sample sets hold the values they document
 * (spam-gbt.yaml, tuned for text, documents its own).
 */
static void
test_conf_files(void)
{
    int                   rc;
    size_t                i, n_gbt;
    glob_t                g;
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    if (!ok(glob("conf/*.yaml", 0, NULL, &g) == 0 && g.gl_pathc > 0,
            "conf/*.yaml found"))
    {
        return;
    }

    n_gbt = 0;

    for (i = 0; i < g.gl_pathc; i++) {
        rc = mlclf_train_config_load(&cf, g.gl_pathv[i], &err);
        is_int(rc, MLCLF_OK, "%s loads", g.gl_pathv[i]);
        if (rc != MLCLF_OK) {
            tap_diag("%s", err.msg);
            continue;
        }

        if (strstr(g.gl_pathv[i], "-gbt.yaml") != NULL
            && strstr(g.gl_pathv[i], "conf/spam-") == NULL)
        {
            n_gbt++;
            ok(cf.kind == MLCLF_KIND_GBT && cf.n_estimators == 100
               && cf.learning_rate == 0.1 && cf.max_depth == 4
               && cf.max_depth_set && cf.max_leaves == 0
               && cf.min_child_weight == 1 && cf.l2 == 1
               && cf.n_bins == 256 && cf.n_threads == 0
               && cf.gbt_seed == cf.seed, "%s: the gbt's values",
               g.gl_pathv[i]);
        }

        mlclf_train_config_free(&cf);
    }

    is_int(n_gbt, 3, "three gbt configurations");
    globfree(&g);
}


int
main(void)
{
    files_tmpdir(dir, sizeof(dir), "test_train_config_gbt");

    test_full();
    test_defaults();
    test_check_classes();
    test_conf_files();
    test_config_bad(dir, bad, sizeof(bad) / sizeof(bad[0]));

    files_tmpdir_done(dir, tap_failed);

    return tap_done();
}
