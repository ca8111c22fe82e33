
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The registry tests' fixture (reg.h).
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf.h>
#include <mlclf_registry_store.h>
#include <mlclf_sha256.h>
#include "files.h"
#include "reg.h"
#include "run_cmd.h"


char  reg_tmp[REG_PATH];
char  reg_root[REG_PATH];
char  reg_bin[REG_PATH];


static int reg_model(uint32_t version, void **buf, size_t *len);


void
reg_setup(const char *name, const char *root)
{
    char  *bin;

    files_tmpdir(reg_tmp, sizeof(reg_tmp), name);
    reg_path(reg_root, "%s/%s", reg_tmp, root);

    bin = getenv("MLCLF_BIN");
    reg_path(reg_bin, "%s", bin ? bin : "build/bin");
}


void
reg_done(int failed)
{
    files_tmpdir_done(reg_tmp, failed);
}


void
reg_path(char *buf, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    (void) vsnprintf(buf, REG_PATH, fmt, ap);
    va_end(ap);
}


/* A tiny binary logistic regression model, numbered version. */
static int
reg_model(uint32_t version, void **buf, size_t *len)
{
    mlclf_err_t          err;
    mlclf_spec_t         spec;
    static const char   *features[2] = { "x0", "x1" };
    static const char   *labels[2] = { "no", "yes" };
    static const double  w[2] = { 0.5, -1.25 };
    static const double  b[1] = { 0.125 };

    memset(&spec, 0, sizeof(spec));
    spec.kind = MLCLF_KIND_LOGREG;
    spec.n_features = 2;
    spec.n_classes = 2;
    spec.version = version;
    spec.feature_names = features;
    spec.class_labels = labels;
    spec.metadata = "{\"name\":\"t\"}";
    spec.n_outputs = 1;
    spec.weights = w;
    spec.bias = b;

    return mlclf_write_buffer(&spec, buf, len, &err);
}


int
reg_fill(const mlclf_registry_pub_t *pub, const char *name, double accuracy)
{
    int      rc;
    char     path[REG_PATH], hex[65], meta[1024];
    void    *buf;
    size_t   len;
    uint8_t  digest[32];

    if (reg_model(pub->version, &buf, &len) != MLCLF_OK) {
        return -1;
    }

    mlclf_sha256(buf, len, digest);
    mlclf_sha256_hex(digest, hex);

    reg_path(path, "%s/model.mlclf", pub->dir);
    rc = files_write(path, buf, len);
    free(buf);

    (void) snprintf(meta, sizeof(meta),
                    "{\"name\":\"%s\",\"version\":\"v%u\","
                    "\"created_at\":\"2026-11-24T13:00:0%uZ\","
                    "\"algorithm\":\"logreg\","
                    "\"dataset_sha256\":\"%064d\","
                    "\"metrics\":{\"accuracy\":%.17g,\"macro_f1\":0.5},"
                    "\"config\":{\"seed\":42},"
                    "\"model_sha256\":\"%s\"}",
                    name, pub->version, pub->version % 10, 0, accuracy, hex);

    reg_path(path, "%s/meta.json", pub->dir);

    if (rc != 0 || files_write(path, meta, strlen(meta)) != 0) {
        return -1;
    }

    return 0;
}


uint32_t
reg_publish(const char *root, const char *name, double accuracy)
{
    int                    rc;
    mlclf_err_t            err;
    mlclf_registry_pub_t   pub;

    rc = mlclf_registry_stage(&pub, root, name, &err);
    if (rc != MLCLF_OK) {
        printf("# stage: %s\n", err.msg);
        return 0;
    }

    if (reg_fill(&pub, name, accuracy) != 0) {
        mlclf_registry_abort(&pub);
        return 0;
    }

    rc = mlclf_registry_commit(&pub, &err);
    if (rc != MLCLF_OK) {
        printf("# commit: %s\n", err.msg);
        mlclf_registry_abort(&pub);
        return 0;
    }

    return pub.version;
}


size_t
reg_staging(const char *root, const char *name)
{
    int   n;
    char  path[REG_PATH];

    reg_path(path, "%s/%s/versions", root, name);
    n = files_count(path, ".staging-");

    return n < 0 ? 0 : (size_t) n;
}


uint32_t
reg_active(const char *name)
{
    uint32_t     v;
    mlclf_err_t  err;

    if (mlclf_registry_active(reg_root, name, &v, &err) != MLCLF_OK) {
        return (uint32_t) -1;
    }

    return v;
}


int
reg_same(const char *path, const char *want)
{
    int    same;
    char  *p;

    p = files_read(path, NULL);
    same = p != NULL && strcmp(p, want) == 0;
    free(p);

    return same;
}


/* what the caller's environment must not add: MLCLF_REGISTRY unset */
static const char *const  reg_env[] = { "MLCLF_REGISTRY", NULL };


int
reg_run(char **out, char **errout, const char *const *args)
{
    return reg_run_env(out, errout, reg_env, args);
}


int
reg_run_env(char **out, char **errout, const char *const *env,
    const char *const *args)
{
    int             rc;
    char            bin[REG_PATH + 32];
    run_cmd_t       r;
    run_cmd_opts_t  o;

    (void) snprintf(bin, sizeof(bin), "%s/mlclf-registry", reg_bin);

    memset(&o, 0, sizeof(o));
    o.env = env;

    rc = run_cmd(&r, bin, args, reg_tmp, &o);

    *out = r.out;
    *errout = r.err;

    return rc;
}


pid_t
reg_spawn(const char *opath, const char *epath, const char *const *args)
{
    char            bin[REG_PATH + 32];
    run_cmd_opts_t  o;

    (void) snprintf(bin, sizeof(bin), "%s/mlclf-registry", reg_bin);

    memset(&o, 0, sizeof(o));
    o.env = reg_env;

    return run_cmd_spawn(bin, args, opath, epath, &o);
}
