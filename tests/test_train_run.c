
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_train_run(), the pipeline of mlclf-train, called in-process on
 * a small CSV and configuration written into a mkdtemp directory: a run
 * publishes v1 (model.mlclf opens with the core's loader and its SHA-256
 * is the one in the result and in meta.json), the next one v2; a bad
 * configuration, bad data and a failing gate return their exit codes,
 * say why in the result, and publish nothing.
 */


#include <dirent.h>

#include <mlclf.h>
#include <mlclf_train.h>
#include "tap.h"
#include "train_cli.h"


static char  reg[128];


/* 60 rows, two classes that a straight line splits, and a config. */
static void
test_files(const char *data, const char *conf, const char *name,
    const char *extra)
{
    int   i;
    char  text[2048], *p;

    p = text;
    p += sprintf(p, "a,b,y\n");

    for (i = 0; i < 60; i++) {
        p += sprintf(p, "%d.25,%d,%s\n", (i % 2) * 10 + i % 3, i % 7,
                     i % 2 ? "dog" : "cat");
    }

    files_write(data, text, strlen(text));
    test_small_config(conf, name, data, extra);
}


static void
test_opts(mlclf_train_run_opts_t *o, const char *conf)
{
    memset(o, 0, sizeof(mlclf_train_run_opts_t));

    o->config = conf;
    o->registry = reg;
    o->created_at = 1700000000;
}


/* v<N> of name: the result, the files, the model, meta.json agree. */
static void
test_published(const mlclf_train_run_result_t *res, const char *name,
    uint32_t n)
{
    int              files;
    char             dir[512], path[600], real[4096], hex[65];
    char            *text;
    DIR             *dh;
    size_t           len;
    cJSON           *js;
    mlclf_err_t      err;
    mlclf_model_t   *m;
    struct dirent   *de;

    snprintf(dir, sizeof(dir), "%s/%s/versions/v%u", reg, name,
             (unsigned) n);

    is_int(res->version, n, "v%u: result version", (unsigned) n);
    ok(realpath(dir, real) != NULL && strcmp(real, res->path) == 0,
       "v%u: result path is %s", (unsigned) n, dir);
    is_int(test_versions(reg, name), n, "v%u: %u version(s) in the "
           "registry", (unsigned) n, (unsigned) n);

    /* the four files and nothing else: no temporary left behind */

    files = 0;
    dh = opendir(dir);

    while (dh && (de = readdir(dh)) != NULL) {
        if (strcmp(de->d_name, "model.mlclf") == 0
            || strcmp(de->d_name, "meta.json") == 0
            || strcmp(de->d_name, "train.csv") == 0
            || strcmp(de->d_name, "test.csv") == 0)
        {
            files++;

        } else if (de->d_name[0] != '.') {
            files += 100;
        }
    }

    if (dh) {
        closedir(dh);
    }

    is_int(files, 4, "v%u: model.mlclf, meta.json, train.csv, test.csv",
           (unsigned) n);

    snprintf(path, sizeof(path), "%s/model.mlclf", dir);
    test_sha_file(path, hex);
    is_str(hex, res->model_sha256, "v%u: model.mlclf has the result's "
           "SHA-256", (unsigned) n);

    m = NULL;
    memset(&err, 0, sizeof(err));

    is_int(mlclf_model_open(&m, path, 0, &err), MLCLF_OK,
           "v%u: model.mlclf opens with the core's loader", (unsigned) n);

    if (m) {
        is_int(mlclf_model_version(m), n, "v%u: the model says so",
               (unsigned) n);
        mlclf_model_close(&m);
    }

    snprintf(path, sizeof(path), "%s/meta.json", dir);
    text = files_read(path, &len);
    js = text ? cJSON_Parse(text) : NULL;

    is_str(test_str(js, "model_sha256"), hex, "v%u: meta.json has the "
           "same SHA-256", (unsigned) n);

    cJSON_Delete(js);
    free(text);

    js = res->json ? cJSON_ParseWithLength(res->json, res->json_len) : NULL;
    is_str(test_str(js, "model_sha256"), hex, "v%u: so has the --json "
           "object", (unsigned) n);
    cJSON_Delete(js);
}


static void
test_publish(void)
{
    int                        rc;
    char                       data[128], conf[128];
    mlclf_train_run_opts_t     o;
    mlclf_train_run_result_t   res;

    snprintf(data, sizeof(data), "%s/good.csv", tmp);
    snprintf(conf, sizeof(conf), "%s/good.yaml", tmp);
    test_files(data, conf, "good", "");
    test_opts(&o, conf);

    rc = mlclf_train_run(&o, &res);
    is_int(rc, MLCLF_TRAIN_EXIT_OK, "first run: exit code OK");
    is_int(res.status, rc, "... in the result too");
    ok(res.step == NULL, "... and no failing step");

    if (rc != MLCLF_TRAIN_EXIT_OK) {
        tap_diag("%s: %s", res.step, res.msg);
    }

    ok(res.test.accuracy > 0.9, "test accuracy %.4f", res.test.accuracy);
    is_int(res.n_train + res.n_test, 60, "every row is split");
    ok(!res.promoted, "not promoted without o->promote");

    test_published(&res, "good", 1);
    mlclf_train_run_result_free(&res);

    rc = mlclf_train_run(&o, &res);
    is_int(rc, MLCLF_TRAIN_EXIT_OK, "second run: exit code OK");
    test_published(&res, "good", 2);
    mlclf_train_run_result_free(&res);

    o.name = "renamed";
    o.promote = 1;

    rc = mlclf_train_run(&o, &res);
    is_int(rc, MLCLF_TRAIN_EXIT_OK, "o->name: exit code OK");
    is_str(res.cf.name, "renamed", "o->name is the name");
    ok(res.promoted, "o->promote: promoted");
    test_published(&res, "renamed", 1);
    mlclf_train_run_result_free(&res);
}


/* A failed run: its code and step in the result, nothing of name. */
static void
test_refused(const mlclf_train_run_opts_t *o, const char *name, int want,
    const char *step, const char *say, const char *what)
{
    int                        rc;
    char                       path[256];
    mlclf_train_run_result_t   res;

    rc = mlclf_train_run(o, &res);

    is_int(rc, want, "%s: exit code %d", what, want);
    is_int(res.status, want, "%s: in the result too", what);
    is_str(res.step, step, "%s: the step is %s", what, step);
    ok(strstr(res.msg, say) != NULL, "%s: the message says \"%s\"", what,
       say);
    tap_diag("%s: %s: %s", what, res.step ? res.step : "-", res.msg);
    is_int(res.version, 0, "%s: no version in the result", what);

    snprintf(path, sizeof(path), "%s/%s", reg, name);
    ok(test_entries(reg, name) == 0, "%s: nothing under %s", what, path);

    mlclf_train_run_result_free(&res);
}


static void
test_failures(void)
{
    char                     data[128], conf[128], noise[128];
    mlclf_train_run_opts_t   o;

    static const char  bad_csv[] = "a,b,y\n1,2,cat\n3,x,dog\n";

    snprintf(data, sizeof(data), "%s/bad.csv", tmp);
    snprintf(conf, sizeof(conf), "%s/bad.yaml", tmp);
    test_opts(&o, conf);

    /* an unknown key */

    test_files(data, conf, "bad", "gates: {min_acuracy: 0.5}\n");
    test_refused(&o, "bad", MLCLF_TRAIN_EXIT_CONFIG, "config",
                 "bad.yaml:8:", "bad config");

    /* a value that is not a number */

    test_files(data, conf, "bad", "");
    files_write(data, bad_csv, sizeof(bad_csv) - 1);
    test_refused(&o, "bad", MLCLF_TRAIN_EXIT_DATA, "data", "bad.csv:3:2:",
                 "bad data");

    /* a gate that a coin-flip data set cannot pass */

    snprintf(noise, sizeof(noise), "%s/noise.csv", tmp);
    test_noise_csv(noise);

    test_small_config(conf, "noise", noise,
                      "gates: {min_accuracy: 0.999}\n");
    test_refused(&o, "noise", MLCLF_TRAIN_EXIT_GATE, "gate",
                 "nothing published", "failing gate");

    /* no registry */

    o.registry = NULL;
    test_refused(&o, "noise", MLCLF_TRAIN_EXIT_USAGE, "usage", "required",
                 "no registry");
}


int
main(void)
{
    test_setup("mlclf-train-run");

    snprintf(reg, sizeof(reg), "%s/reg", tmp);

    test_publish();
    test_failures();

    files_tmpdir_done(tmp, tap_failed);

    return tap_done();
}
