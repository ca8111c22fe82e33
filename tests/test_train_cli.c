
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * End-to-end tests of mlclf-train ($MLCLF_BIN/mlclf-train, default
 * build/bin), the runs that publish: the nine sample configurations
 * reach their accuracy floors on the stratified 80/20 split with seed
 * 42, the published version is complete and consistent, model.mlclf is
 * byte-reproducible under SOURCE_DATE_EPOCH and whatever the thread
 * count, versions count up and --promote / --name do what they say,
 * and the missing-value policies.  The failures are in
 * test_train_cli_errors.c.  Runs from the repository root (the
 * configurations name data/raw/... relative to it); every registry is
 * a fresh mkdtemp directory, removed at the end.
 */


#include <mlclf.h>
#include <mlclf_train.h>
#include "tap.h"
#include "train_cli.h"


typedef struct {
    const char               *set;
    const char               *kind;         /* logreg | forest | gbt */
    const char               *name;         /* registry name */
    const char               *data;
    double                    floor;        /* test accuracy required */
} test_case_t;


static const test_case_t  cases[] = {
    { "iris", "logreg", "iris", "data/raw/iris.csv", 0.93 },
    { "wine", "logreg", "wine", "data/raw/wine.csv", 0.95 },
    { "breast_cancer", "logreg", "breast_cancer",
      "data/raw/breast_cancer.csv", 0.96 },
    { "iris", "forest", "iris_forest", "data/raw/iris.csv", 0.90 },
    { "wine", "forest", "wine_forest", "data/raw/wine.csv", 0.94 },
    { "breast_cancer", "forest", "breast_cancer_forest",
      "data/raw/breast_cancer.csv", 0.93 },

    /*
     * gbt: XGBoost's test accuracy with the same hyperparameters on the
     * same split, less one test row (tests/ref/xgboost_gbt_accuracy.py:
     * 30/30, 36/36 and 110/113 on 2026-12-02)
     */
    { "iris", "gbt", "iris_gbt", "data/raw/iris.csv", 0.9666 },
    { "wine", "gbt", "wine_gbt", "data/raw/wine.csv", 0.9722 },
    { "breast_cancer", "gbt", "breast_cancer_gbt",
      "data/raw/breast_cancer.csv", 0.9646 }
};


static int
test_line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


/*
 * Splits text into lines (LF-terminated, each line NUL-terminated in
 * place); returns the count, *lines malloc()ed.
 */
static size_t
test_lines(char *text, size_t len, char ***lines)
{
    char    *p, *end, *nl;
    size_t   n, cap;

    n = 0;
    cap = 64;
    *lines = malloc(cap * sizeof(char *));

    p = text;
    end = text + len;

    while (p < end) {
        nl = memchr(p, '\n', (size_t) (end - p));

        if (n == cap) {
            cap *= 2;
            *lines = realloc(*lines, cap * sizeof(char *));
        }

        (*lines)[n++] = p;

        if (nl == NULL) {
            break;
        }

        *nl = '\0';
        p = nl + 1;
    }

    return n;
}


/*
 * train.csv and test.csv: header first, n_train + 1 and n_test + 1
 * lines, every line LF-terminated, and together every record of the
 * source exactly once.
 */
static void
test_splits(const char *dir, const char *data, double n_train,
    double n_test, const char *what)
{
    int      same;
    char     path[512];
    char    *src, *tr, *te, **sl, **tl, **el, **all;
    size_t   src_len, tr_len, te_len, ns, nt, ne, i;

    src = files_read(data, &src_len);
    snprintf(path, sizeof(path), "%s/train.csv", dir);
    tr = files_read(path, &tr_len);
    snprintf(path, sizeof(path), "%s/test.csv", dir);
    te = files_read(path, &te_len);

    if (!ok(src && tr && te, "%s: train.csv and test.csv exist", what)) {
        free(src);
        free(tr);
        free(te);
        return;
    }

    ok(tr_len > 0 && tr[tr_len - 1] == '\n' && te_len > 0
       && te[te_len - 1] == '\n' && memchr(tr, '\r', tr_len) == NULL
       && memchr(te, '\r', te_len) == NULL,
       "%s: train.csv and test.csv end lines with LF only", what);

    ns = test_lines(src, src_len, &sl);
    nt = test_lines(tr, tr_len, &tl);
    ne = test_lines(te, te_len, &el);

    is_int(nt, (size_t) n_train + 1, "%s: train.csv has n_train + 1 lines",
           what);
    is_int(ne, (size_t) n_test + 1, "%s: test.csv has n_test + 1 lines",
           what);
    ok(nt > 0 && ne > 0 && strcmp(tl[0], sl[0]) == 0
       && strcmp(el[0], sl[0]) == 0,
       "%s: both start with the source header", what);

    same = 0;

    if (nt > 0 && ne > 0 && nt - 1 + ne - 1 == ns - 1) {
        all = malloc((ns - 1) * sizeof(char *));
        memcpy(all, tl + 1, (nt - 1) * sizeof(char *));
        memcpy(all + nt - 1, el + 1, (ne - 1) * sizeof(char *));

        qsort(all, ns - 1, sizeof(char *), test_line_cmp);
        qsort(sl + 1, ns - 1, sizeof(char *), test_line_cmp);

        same = 1;

        for (i = 0; i < ns - 1; i++) {
            if (strcmp(all[i], sl[i + 1]) != 0) {
                same = 0;
                break;
            }
        }

        free(all);
    }

    ok(same, "%s: train + test hold every source record exactly once",
       what);

    free(sl);
    free(tl);
    free(el);
    free(src);
    free(tr);
    free(te);
}


/*
 * One sample configuration: trains into reg with --json, checks the
 * floor, the published files and their consistency.  Returns the
 * parsed --json output (or NULL).
 */
static cJSON *
test_case(const test_case_t *tc, const char *reg)
{
    char             conf[256], what[64], path[600], hex[65];
    char            *text;
    size_t           len, mlen;
    cJSON           *js, *meta, *md;
    run_cmd_t        r;
    const char      *dir, *mtext;
    mlclf_err_t      err;
    mlclf_model_t   *m;

    snprintf(conf, sizeof(conf), "conf/%s-%s.yaml", tc->set, tc->kind);
    snprintf(what, sizeof(what), "%s %s", tc->set, tc->kind);

    TEST_TRAIN(&r, EPOCH, conf, reg, "--json", NULL);

    is_int(r.status, 0, "%s: mlclf-train exits 0", what);

    if (r.status != 0) {
        tap_diag("stderr: %s", r.err);
    }

    js = cJSON_Parse(r.out);

    if (!ok(cJSON_IsObject(js), "%s: --json prints one JSON object", what)) {
        tap_diag("stdout: %s", r.out);
        run_cmd_free(&r);
        cJSON_Delete(js);
        return NULL;
    }

    run_cmd_free(&r);

    is_str(test_str(js, "name"), tc->name, "%s: name", what);
    is_str(test_str(js, "version"), "v1", "%s: first version is v1", what);

    ok(test_num(js, "metrics", "accuracy") >= tc->floor,
       "%s: test accuracy %.4f >= %.2f", what,
       test_num(js, "metrics", "accuracy"), tc->floor);
    tap_diag("%s: test accuracy %.4f, macro F1 %.4f", what,
             test_num(js, "metrics", "accuracy"),
             test_num(js, "metrics", "macro_f1"));

    ok(test_num(js, "metrics", "macro_f1") > 0, "%s: macro_f1 present",
       what);
    is_int((long long) (test_num(js, "n_train", NULL)
                        + test_num(js, "n_test", NULL)),
           tc->set[0] == 'i' ? 150 : tc->set[0] == 'w' ? 178 : 569,
           "%s: n_train + n_test = every row", what);

    test_sha_file(tc->data, hex);
    is_str(test_str(js, "dataset_sha256"), hex, "%s: dataset_sha256", what);

    dir = test_str(js, "path");
    snprintf(path, sizeof(path), "%s/%s/versions/v1", reg, tc->name);
    {
        char  a[4096], b[4096];

        ok(realpath(dir, a) && realpath(path, b) && strcmp(a, b) == 0,
           "%s: path is the version directory", what);
    }

    /* the model file: its sha256, its own metadata */

    snprintf(path, sizeof(path), "%s/model.mlclf", dir);
    test_sha_file(path, hex);
    is_str(test_str(js, "model_sha256"), hex, "%s: model_sha256 of "
           "model.mlclf", what);

    m = NULL;
    memset(&err, 0, sizeof(err));

    is_int(mlclf_model_open(&m, path, 0, &err), MLCLF_OK,
           "%s: model.mlclf opens and verifies", what);

    if (m) {
        is_int(mlclf_model_version(m), 1, "%s: model says version 1", what);

        mtext = mlclf_model_metadata(m, &mlen);
        md = mtext ? cJSON_ParseWithLength(mtext, mlen) : NULL;

        ok(cJSON_IsObject(md), "%s: model metadata is JSON", what);
        is_str(test_str(md, "name"), tc->name, "%s: metadata name", what);
        is_str(test_str(md, "version"), "v1", "%s: metadata version", what);
        is_str(test_str(md, "created_at"), "2023-11-14T22:13:20Z",
               "%s: created_at from SOURCE_DATE_EPOCH", what);
        is_str(test_str(md, "algorithm"), tc->kind, "%s: algorithm", what);
        is_double(test_num(md, "metrics", "accuracy"),
                  test_num(js, "metrics", "accuracy"), 0,
                  "%s: the model carries its test accuracy", what);
        ok(cJSON_GetObjectItemCaseSensitive(md, "fit_seconds") == NULL
           && cJSON_GetObjectItemCaseSensitive(md, "model_sha256") == NULL,
           "%s: no fit time or self digest inside the model", what);

        cJSON_Delete(md);
        mlclf_model_close(&m);
    }

    /* meta.json */

    snprintf(path, sizeof(path), "%s/meta.json", dir);
    text = files_read(path, &len);
    meta = text ? cJSON_Parse(text) : NULL;

    ok(cJSON_IsObject(meta), "%s: meta.json parses", what);
    is_str(test_str(meta, "model_sha256"), hex,
           "%s: meta.json model_sha256 matches model.mlclf", what);
    is_str(test_str(meta, "version"), "v1", "%s: meta.json version", what);
    is_double(test_num(meta, "metrics", "accuracy"),
              test_num(js, "metrics", "accuracy"), 0,
              "%s: meta.json accuracy", what);
    ok(test_num(meta, "fit_seconds", NULL) >= 0,
       "%s: meta.json has fit_seconds", what);

    cJSON_Delete(meta);
    free(text);

    test_splits(dir, tc->data, test_num(js, "n_train", NULL),
                test_num(js, "n_test", NULL), what);

    return js;
}


static void
test_reproducible(const test_case_t *tc, const char *reg1,
    const char *reg2)
{
    char         conf[256], p1[512], p2[512];
    char        *a, *b;
    size_t       alen, blen;
    run_cmd_t    r;

    snprintf(conf, sizeof(conf), "conf/%s-%s.yaml", tc->set, tc->kind);

    TEST_TRAIN(&r, EPOCH, conf, reg2, "--quiet", NULL);
    is_int(r.status, 0, "%s %s: second run exits 0", tc->set, tc->kind);
    is_int(r.out_len, 0, "%s %s: --quiet prints nothing", tc->set,
           tc->kind);
    run_cmd_free(&r);

    snprintf(p1, sizeof(p1), "%s/%s/versions/v1/model.mlclf", reg1,
             tc->name);
    snprintf(p2, sizeof(p2), "%s/%s/versions/v1/model.mlclf", reg2,
             tc->name);

    a = files_read(p1, &alen);
    b = files_read(p2, &blen);

    ok(a && b && alen == blen && memcmp(a, b, alen) == 0,
       "%s %s: same config, data and SOURCE_DATE_EPOCH give identical "
       "model.mlclf bytes", tc->set, tc->kind);

    free(a);
    free(b);
}


/*
 * The forest's bytes do not depend on how many threads grew it, so a
 * model is reproducible across machines with different core counts.
 */
static void
test_threads(void)
{
    int          i;
    char         conf[2][128], reg[2][128], path[2][256];
    char        *text, *a, *b, *p;
    size_t       len, alen, blen;
    run_cmd_t    r;

    text = files_read("conf/wine-forest.yaml", &len);
    p = text ? strstr(text, "n_threads: 0") : NULL;

    if (!ok(p != NULL,
            "wine-forest.yaml sets n_threads"))
    {
        free(text);
        return;
    }

    for (i = 0; i < 2; i++) {
        p[11] = i ? '3' : '1';

        snprintf(conf[i], sizeof(conf[i]), "%s/threads%d.yaml", tmp, i);
        snprintf(reg[i], sizeof(reg[i]), "%s/threads%d", tmp, i);
        snprintf(path[i], sizeof(path[i]),
                 "%s/wine_forest/versions/v1/model.mlclf", reg[i]);
        files_write(conf[i], text, strlen(text));

        TEST_TRAIN(&r, EPOCH, conf[i], reg[i], "--quiet", NULL);
        is_int(r.status, 0, "wine forest with n_threads %d exits 0",
               i ? 3 : 1);
        run_cmd_free(&r);
    }

    free(text);

    a = files_read(path[0], &alen);
    b = files_read(path[1], &blen);

    ok(a && b && alen == blen && memcmp(a, b, alen) == 0,
       "1 and 3 threads grow byte-identical forests");

    free(a);
    free(b);
}


/*
 * mlclf-train --json on data (features a, b, label y) with the
 * configuration name, the policy line missing ("" for the default) and
 * the model kind and options.
 */
static void
test_missing_run(run_cmd_t *r, const char *reg, const char *data,
    const char *name, const char *missing, const char *model)
{
    char  conf[128], text[1024];

    snprintf(conf, sizeof(conf), "%s/missing.yaml", tmp);
    snprintf(text, sizeof(text),
             "name: %s\ndata: %s\nlabel: y\nfeatures: [a, b]\n"
             "%smodel: {kind: %s}\n", name, data, missing, model);
    files_write(conf, text, strlen(text));

    TEST_TRAIN(r, EPOCH, conf, reg, "--json", NULL);
}


/*
 * Missing values: every 10th row lacks "a".  impute publishes a model
 * that imputes, drop leaves those rows out of both splits, fail exits 4.
 */
static void
test_missing(const char *reg)
{
    int             i;
    char            data[128], text[4096], *p;
    char            path[600];
    cJSON          *js;
    run_cmd_t       r;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    snprintf(data, sizeof(data), "%s/missing.csv", tmp);
    p = text;
    p += sprintf(p, "a,b,y\n");

    for (i = 0; i < 60; i++) {
        if (i % 10 == 3) {
            p += sprintf(p, ",%d,%s\n", i % 5, i % 2 ? "dog" : "cat");

        } else {
            p += sprintf(p, "%d.5,%d,%s\n", i % 7, i % 5,
                         i % 2 ? "dog" : "cat");
        }
    }

    files_write(data, text, strlen(text));

    /* impute */

    test_missing_run(&r, reg, data, "miss_impute", "missing: impute\n",
                     "logreg");
    is_int(r.status, 0, "missing: impute exits 0");
    js = cJSON_Parse(r.out);
    run_cmd_free(&r);

    snprintf(path, sizeof(path), "%s/model.mlclf", test_str(js, "path"));
    m = NULL;
    memset(&err, 0, sizeof(err));

    if (mlclf_model_open(&m, path, 0, &err) == MLCLF_OK) {
        ok(mlclf_model_impute(m) != NULL, "impute: the model imputes");
        mlclf_model_close(&m);

    } else {
        ok(0, "impute: model opens: %s", err.msg);
    }

    test_splits(test_str(js, "path"), data, test_num(js, "n_train", NULL),
                test_num(js, "n_test", NULL), "impute");
    cJSON_Delete(js);

    /* drop */

    test_missing_run(&r, reg, data, "miss_drop", "missing: drop\n",
                     "forest, n_trees: 5");
    is_int(r.status, 0, "missing: drop exits 0");
    js = cJSON_Parse(r.out);
    run_cmd_free(&r);

    is_int((long long) test_num(js, "n_dropped", NULL), 6,
           "drop: 6 rows dropped");
    is_int((long long) (test_num(js, "n_train", NULL)
                        + test_num(js, "n_test", NULL)), 54,
           "drop: the other 54 are split");
    cJSON_Delete(js);

    /* fail */

    test_missing_run(&r, reg, data, "miss_fail", "", "logreg");
    is_int(r.status, MLCLF_TRAIN_EXIT_DATA, "missing: fail exits 4");
    snprintf(text, sizeof(text), "%s:5:1:", data);
    ok(strstr(r.err, text) != NULL, "... naming the first missing field");
    is_int(test_entries(reg, "miss_fail"), 0, "... and publishes nothing");
    run_cmd_free(&r);
}


static void
test_versions_promote(const char *reg)
{
    char         link[512], target[512], name[256];
    ssize_t      n;
    cJSON       *js;
    run_cmd_t    r;

    snprintf(link, sizeof(link), "%s/iris/active", reg);
    ok(access(link, F_OK) != 0, "without --promote nothing is active");

    TEST_TRAIN(&r, NULL, "conf/iris.yaml", reg, "--json", NULL);
    is_int(r.status, 0, "iris again: exits 0");
    js = cJSON_Parse(r.out);
    is_str(test_str(js, "version"), "v2", "repeated run publishes v2");
    cJSON_Delete(js);
    run_cmd_free(&r);

    TEST_TRAIN(&r, NULL, "conf/iris.yaml", reg, "--json", "--promote",
               NULL);
    is_int(r.status, 0, "--promote: exits 0");
    js = cJSON_Parse(r.out);
    is_str(test_str(js, "version"), "v3", "third run publishes v3");
    ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "promoted")),
       "--json says promoted");
    cJSON_Delete(js);
    run_cmd_free(&r);

    n = readlink(link, target, sizeof(target) - 1);
    target[n > 0 ? n : 0] = '\0';
    is_str(target, "versions/v3", "--promote points active at v3");

    is_int(test_versions(reg, "iris"), 3, "three versions of iris");

    /* --name overrides the configuration's */

    TEST_TRAIN(&r, NULL, "conf/iris.yaml", reg, "--json", "--name",
               "iris_renamed", NULL);
    is_int(r.status, 0, "--name: exits 0");
    js = cJSON_Parse(r.out);
    is_str(test_str(js, "name"), "iris_renamed", "--name is the name");
    cJSON_Delete(js);
    run_cmd_free(&r);
    is_int(test_versions(reg, "iris_renamed"), 1, "--name publishes there");

    TEST_TRAIN(&r, NULL, "conf/iris.yaml", reg, "--json", "--name",
               "../evil", NULL);
    is_int(r.status, MLCLF_TRAIN_EXIT_USAGE, "--name ../evil exits 2");
    run_cmd_free(&r);

    snprintf(name, sizeof(name), "%s/../evil", reg);
    ok(access(name, F_OK) != 0, "... and writes nothing outside");
}


int
main(void)
{
    char        reg1[128], reg2[128], reg3[128];
    cJSON      *js;
    size_t      i;

    test_setup("mlclf-train-cli");

    snprintf(reg1, sizeof(reg1), "%s/reg1", tmp);
    snprintf(reg2, sizeof(reg2), "%s/reg2", tmp);
    snprintf(reg3, sizeof(reg3), "%s/reg3", tmp);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        js = test_case(&cases[i], reg1);
        cJSON_Delete(js);

        test_reproducible(&cases[i], reg1, reg2);
    }

    test_threads();
    test_versions_promote(reg1);
    test_missing(reg3);

    files_tmpdir_done(tmp, tap_failed);

    return tap_done();
}
