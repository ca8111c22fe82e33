
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-import as an operator runs it: help, version and usage errors,
 * detection, a publish that mlclf-registry verifies and promotes, the
 * provenance in meta.json, and every refusal publishing nothing.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_import.h>
#include "files.h"
#include "reg.h"
#include "run_cmd.h"
#include "tap.h"


#define T_NAME     "churn"
#define T_FIXTURE  "tests/fixtures/lightgbm/binary-v4.txt"


static int t_import(run_cmd_t *r, const char *const *args,
    const char *const *env);
static size_t t_versions(void);
static void t_usage(void);
static void t_refusals(void);
static void t_publish(void);
static void t_reference(void);
static int t_ref_import(run_cmd_t *r, const char *csv, const char *label);


static char  t_prog[REG_PATH];


/*
 * mlclf-import with args (NULL-terminated); env as run_cmd_opts_t, NULL
 * for MLCLF_REGISTRY unset.
 */
static int
t_import(run_cmd_t *r, const char *const *args, const char *const *env)
{
    run_cmd_opts_t             o;
    static const char *const   unset[] = { "MLCLF_REGISTRY", NULL };

    memset(&o, 0, sizeof(o));
    o.env = env ? env : unset;

    return run_cmd(r, t_prog, args, reg_tmp, &o);
}


/* Versions of T_NAME in the registry. */
static size_t
t_versions(void)
{
    char  dir[REG_PATH];

    reg_path(dir, "%s/" T_NAME "/versions", reg_root);

    return (size_t) (files_exists(dir) ? files_count(dir, "v") : 0);
}


static void
t_usage(void)
{
    run_cmd_t  r;

    is_int(t_import(&r, (const char *const []) { "--help", NULL }, NULL),
           MLCLF_IMPORT_EXIT_OK, "--help exits 0");
    ok(strstr(r.out, "Exit codes:") && strstr(r.out, "--features"),
       "--help documents the options and exit codes");
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "-V", NULL }, NULL),
           MLCLF_IMPORT_EXIT_OK, "-V exits 0");
    is_str(r.out, "mlclf-import " MLCLF_RELEASE " (model format 5)\n",
           "-V names the release and the model format");
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "--name", T_NAME,
                                                 T_FIXTURE, NULL }, NULL),
           MLCLF_IMPORT_EXIT_USAGE, "no --registry: exit 2");
    ok(strstr(r.err, "no registry: give --registry DIR or set "
              "MLCLF_REGISTRY") != NULL, "it says what is missing");
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", "Bad/Name",
                                                 T_FIXTURE, NULL }, NULL),
           MLCLF_IMPORT_EXIT_USAGE, "a bad name: exit 2");
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME,
                                                 "--format", "onnx",
                                                 T_FIXTURE, NULL }, NULL),
           MLCLF_IMPORT_EXIT_USAGE, "an unknown --format: exit 2");
    ok(strstr(r.err, "xgboost, lightgbm or sklearn") != NULL,
       "it names the formats");
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME,
                                                 T_FIXTURE, T_FIXTURE,
                                                 NULL }, NULL),
           MLCLF_IMPORT_EXIT_USAGE, "two files: exit 2");
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME,
                                                 T_FIXTURE, NULL },
                    (const char *const []) { "SOURCE_DATE_EPOCH=soon",
                                             NULL }),
           MLCLF_IMPORT_EXIT_USAGE, "a bad SOURCE_DATE_EPOCH: exit 2");
    run_cmd_free(&r);

    is_int(t_versions(), 0, "nothing published by a usage error");
}


static void
t_refusals(void)
{
    char       path[REG_PATH], *text;
    size_t     len;
    run_cmd_t  r;

    reg_path(path, "%s/none.json", reg_tmp);
    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME, path,
                                                 NULL }, NULL),
           MLCLF_IMPORT_EXIT_IO, "a missing file: exit 5");
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME, reg_tmp,
                                                 NULL }, NULL),
           MLCLF_IMPORT_EXIT_IO, "a directory: exit 5");
    run_cmd_free(&r);

    reg_path(path, "%s/model.onnx", reg_tmp);
    ok(files_write(path, "\x08\x07\x12\x04onnx", 9) == 0, "an ONNX file");
    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME, path,
                                                 NULL }, NULL),
           MLCLF_IMPORT_EXIT_SOURCE, "an unknown format: exit 3");
    ok(strstr(r.err, "not a model this tool reads") != NULL,
       "it says which formats it reads: %s", r.err);
    run_cmd_free(&r);

    /* the fixture cut in the middle of a tree */
    text = files_read(T_FIXTURE, &len);
    reg_path(path, "%s/cut.txt", reg_tmp);
    ok(text != NULL && files_write(path, text, len / 2) == 0,
       "a truncated model.txt");
    free(text);
    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME, path,
                                                 NULL }, NULL),
           MLCLF_IMPORT_EXIT_SOURCE, "a truncated model: exit 3");
    ok(strncmp(r.err, "mlclf-import: ", 14) == 0
       && strstr(r.err, "cut.txt:") != NULL,
       "the message names the file and place: %s", r.err);
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME,
                                                 "--format", "xgboost",
                                                 T_FIXTURE, NULL }, NULL),
           MLCLF_IMPORT_EXIT_SOURCE, "model.txt as --format xgboost: exit 3");
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME,
                                                 "--features", "a,b",
                                                 T_FIXTURE, NULL }, NULL),
           MLCLF_IMPORT_EXIT_USAGE, "--features of the wrong length: exit 2");
    ok(strstr(r.err, "--features lists 2 features") != NULL,
       "it counts them: %s", r.err);
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME,
                                                 "--classes", "ham,ham",
                                                 T_FIXTURE, NULL }, NULL),
           MLCLF_IMPORT_EXIT_USAGE, "a repeated class: exit 2");
    ok(strstr(r.err, "repeats") != NULL, "it names the repeat: %s", r.err);
    run_cmd_free(&r);

    is_int(t_versions(), 0, "nothing published by a refusal");
    is_int(reg_staging(reg_root, T_NAME), 0, "no staging left behind");
}


static void
t_publish(void)
{
    char        path[REG_PATH], *text, *out, *errout;
    cJSON      *meta, *src;
    run_cmd_t   r, s;
    const char  *sha;

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME,
                                                 "--classes", "stay,leave",
                                                 T_FIXTURE, NULL },
                    (const char *const []) {
                        "SOURCE_DATE_EPOCH=1700000000", NULL }),
           MLCLF_IMPORT_EXIT_OK, "a LightGBM model is imported");
    ok(strstr(r.out, "imported lightgbm") && strstr(r.out, "as " T_NAME
                                                    " v1"),
       "it says what it made: %s", r.out);
    run_cmd_free(&r);

    is_int(reg_run(&out, &errout, (const char *const []) {
               "--registry", reg_root, "verify", T_NAME, "v1", NULL }),
           0, "mlclf-registry verifies it");
    free(out);
    free(errout);

    reg_path(path, "%s/" T_NAME "/versions/v1/meta.json", reg_root);
    text = files_read(path, NULL);
    meta = text ? cJSON_Parse(text) : NULL;
    free(text);
    src = cJSON_GetObjectItemCaseSensitive(meta, "source");
    ok(src != NULL, "meta.json has the source");

    is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(src,
                                                                 "format")),
           "lightgbm", "source format");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
               src, "library_version")), "v4", "library version");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
               meta, "created_at")), "2023-11-14T22:13:20Z",
           "created_at from SOURCE_DATE_EPOCH");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta,
                                                                 "kind")),
           "gbt", "kind gbt");
    ok(strstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                  src, "command")) ?: "", "--classes stay,leave") != NULL,
       "the command is recorded");

    /* the source's SHA-256, by coreutils: an implementation apart */
    memset(&s, 0, sizeof(s));
    (void) run_cmd(&s, "/usr/bin/sha256sum",
                   (const char *const []) { T_FIXTURE, NULL }, reg_tmp,
                   NULL);
    sha = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(src,
                                                                "sha256"));
    ok(sha != NULL && s.out != NULL && strncmp(s.out, sha, 64) == 0,
       "the source's SHA-256 is sha256sum's");
    run_cmd_free(&s);
    cJSON_Delete(meta);

    is_int(t_import(&r, (const char *const []) { "--registry", reg_root,
                                                 "--name", T_NAME,
                                                 "--promote", "--json",
                                                 "--format", "lightgbm",
                                                 T_FIXTURE, NULL }, NULL),
           MLCLF_IMPORT_EXIT_OK, "imported again, promoted, --json");
    meta = cJSON_Parse(r.out);
    ok(meta != NULL && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                                        meta, "promoted")),
       "--json prints meta.json, promoted");
    ok(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
           meta, "model_sha256")) != NULL, "with the model's SHA-256");
    cJSON_Delete(meta);
    run_cmd_free(&r);

    is_int(reg_active(T_NAME), 2, "v2 is active");
    is_int(t_versions(), 2, "two versions");
}


/* Imports T_FIXTURE as "withref" with --reference csv (a file name). */
static int
t_ref_import(run_cmd_t *r, const char *csv, const char *label)
{
    char  path[REG_PATH];

    reg_path(path, "%s/%s", reg_tmp, csv);

    return t_import(r, label != NULL
                       ? (const char *const []) {
                             "--registry", reg_root, "--name", "withref",
                             "--classes", "stay,leave", "--reference", path,
                             "--reference-label", label, T_FIXTURE, NULL }
                       : (const char *const []) {
                             "--registry", reg_root, "--name", "withref",
                             "--classes", "stay,leave", "--reference", path,
                             T_FIXTURE, NULL },
                    NULL);
}


/*
 * --reference: the model gets the sample's reference; without it an
 * imported model has none; a bad CSV is refused at its place, exit 3,
 * and publishes nothing.
 */
static void
t_reference(void)
{
    int             i, rc;
    char            path[REG_PATH], text[4096], *p, want[64];
    size_t          k;
    run_cmd_t       r;
    mlclf_err_t     err;
    const double   *q;
    mlclf_model_t  *m;

    static const struct {
        const char  *file;
        const char  *body;
        const char  *label;
        const char  *where;
    } bad[] = {
        { "nobeta.csv", "alpha,gamma\n1,2\n", NULL, ":1:1: no column "
          "\"beta\"" },
        { "word.csv", "alpha,beta,gamma\n1,2,3\n4,x5,6\n", NULL,
          ":3:3: \"x5\" (beta) is not a finite number" },
        { "empty.csv", "alpha,beta,gamma\n", NULL, ":2:1: no rows" },
        { "label.csv", "alpha,beta,gamma,y\n1,2,3,stay\n1,2,3,maybe\n",
          "y", ":3:7: label \"maybe\" is not a class" },
        { "nolabel.csv", "alpha,beta,gamma\n1,2,3\n", "y",
          ":1:1: no column \"y\" (--reference-label)" },
        { "quote.csv", "alpha,beta,gamma\n1,\"2\",3\n", NULL,
          ":2:3: a quote" },
        { "short.csv", "alpha,beta,gamma\n1,2\n", NULL,
          ":2:4: no field for \"gamma\"" },
    };

    /* without --reference: no reference */
    reg_path(path, "%s/" T_NAME "/versions/v1/model.mlclf", reg_root);
    rc = mlclf_model_open(&m, path, 0, &err);
    ok(rc == MLCLF_OK && mlclf_drift_ready(m) == MLCLF_ENODRIFT,
       "imported without --reference: no reference (ENODRIFT)");
    mlclf_model_close(&m);

    for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        reg_path(path, "%s/%s", reg_tmp, bad[k].file);
        (void) files_write(path, bad[k].body, strlen(bad[k].body));

        is_int(t_ref_import(&r, bad[k].file, bad[k].label),
               MLCLF_IMPORT_EXIT_SOURCE, "%s: exit 3", bad[k].file);
        snprintf(want, sizeof(want), "%s%s", bad[k].file, bad[k].where);
        ok(strstr(r.err, want) != NULL, "%s: says %s", bad[k].file, want);
        tap_diag("%s", r.err);
        run_cmd_free(&r);
    }

    is_int(t_ref_import(&r, "none.csv", NULL), MLCLF_IMPORT_EXIT_IO,
           "an unreadable --reference: exit 5");
    run_cmd_free(&r);

    is_int(t_import(&r, (const char *const []) {
                        "--registry", reg_root, "--name", "withref",
                        "--reference-label", "y", T_FIXTURE, NULL }, NULL),
           MLCLF_IMPORT_EXIT_USAGE, "--reference-label alone: exit 2");
    run_cmd_free(&r);

    reg_path(path, "%s/withref", reg_root);
    ok(!files_exists(path), "no refused reference published anything");

    /* 40 rows, alpha empty in every fourth, beta 0..9, the label */
    p = text;
    p += sprintf(p, "gamma,alpha,extra,beta,y\n");

    for (i = 0; i < 40; i++) {
        if (i % 4 == 0) {
            p += sprintf(p, "%d.5,,z,%d,%s\r\n", i % 3, i % 10,
                         i % 5 ? "stay" : "leave");

        } else {
            p += sprintf(p, "%d.5,%d,z,%d,%s\n", i % 3, i, i % 10,
                         i % 5 ? "stay" : "leave");
        }
    }

    reg_path(path, "%s/good.csv", reg_tmp);
    (void) files_write(path, text, (size_t) (p - text));

    is_int(t_ref_import(&r, "good.csv", "y"), MLCLF_IMPORT_EXIT_OK,
           "a good --reference is imported");
    tap_diag("%s", r.err);
    run_cmd_free(&r);

    reg_path(path, "%s/withref/versions/v1/model.mlclf", reg_root);
    rc = mlclf_model_open(&m, path, 0, &err);

    if (!ok(rc == MLCLF_OK && mlclf_drift_ready(m) == MLCLF_OK,
            "it has a reference"))
    {
        mlclf_model_close(&m);
        return;
    }

    q = mlclf_drift_shares(m, 0);
    is_double(q[mlclf_drift_n_bins(m, 0) - 1], 0.25, 1e-12,
              "alpha: the empty fields are the missing bin");
    is_int(mlclf_drift_n_bins(m, 1), 11, "beta 0..9: 9 cut points");
    is_double(mlclf_drift_shares(m, 1)[0], 0.1, 1e-12,
              "beta: the 0s at the first cut point, 0");
    q = mlclf_drift_class_prior(m);
    ok(q != NULL && q[0] == 0.8 && q[1] == 0.2, "the label prior");
    q = mlclf_drift_class_shares(m);
    ok(q != NULL && fabs(q[0] + q[1] - 1.0) < 1e-12,
       "the predicted-class shares");

    mlclf_model_close(&m);
}


int
main(void)
{
    const char  *bin;

    reg_setup("test_import_cli", "registry");

    bin = getenv("MLCLF_BIN");
    reg_path(t_prog, "%s/mlclf-import", bin ? bin : "build/bin");

    t_usage();
    t_refusals();
    t_publish();
    t_reference();

    reg_done(tap_failed != 0);

    return tap_done();
}
