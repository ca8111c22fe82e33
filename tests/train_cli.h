
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Helpers of the mlclf-train tests: small data sets and configurations
 * in a scratch directory (files.h), what a registry holds, the JSON
 * fields the trainer writes, and running $MLCLF_BIN/mlclf-train
 * (default build/bin) through run_cmd.h with its output captured.
 * Shared by tests/test_train_cli*.c and tests/test_train_run.c.
 */


#ifndef _MLCLF_TRAIN_CLI_H_INCLUDED_
#define _MLCLF_TRAIN_CLI_H_INCLUDED_


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <mlclf.h>
#include <mlclf_sha256.h>
#include "files.h"
#include "run_cmd.h"


#define EPOCH  "1700000000"


static char      bin[4096];
static char      tmp[64];
static unsigned  test_alarm;    /* seconds a run may take, 0: no limit */


/* bin from $MLCLF_BIN, and a fresh temp directory tmp named after name. */
static inline void
test_setup(const char *name)
{
    char  *env;

    env = getenv("MLCLF_BIN");
    snprintf(bin, sizeof(bin), "%s", env ? env : "build/bin");

    files_tmpdir(tmp, sizeof(tmp), name);
}


/*
 * Runs mlclf-train with args (NULL-terminated, without argv[0]) under
 * LC_ALL=C, SOURCE_DATE_EPOCH = epoch (unset if NULL) and MLCLF_REGISTRY
 * unset, for at most test_alarm seconds; its output passes through
 * files in tmp into r.
 */
static inline void
test_exec(run_cmd_t *r, const char *epoch, const char *const *args)
{
    char             prog[4200], sde[64];
    const char      *env[4];
    run_cmd_opts_t   opts;

    snprintf(prog, sizeof(prog), "%s/mlclf-train", bin);

    env[0] = "LC_ALL=C";
    env[1] = "SOURCE_DATE_EPOCH";
    env[2] = "MLCLF_REGISTRY";          /* the tests name it */
    env[3] = NULL;

    if (epoch) {
        snprintf(sde, sizeof(sde), "SOURCE_DATE_EPOCH=%s", epoch);
        env[1] = sde;
    }

    opts.env = env;
    opts.alarm = test_alarm;

    (void) run_cmd(r, prog, args, tmp, &opts);
}


/*
 * test_exec() of mlclf-train --config conf --registry reg and the
 * options that follow, up to a NULL.
 */
#define TEST_TRAIN(r, epoch, conf, reg, ...)                                 \
    test_exec(r, epoch, (const char *const []) {                             \
                  "--config", conf, "--registry", reg, __VA_ARGS__ })


/*
 * Entries of reg/name/versions: the v* directories only, or with all
 * set anything at all, staging directories included.
 */
static inline int
test_count(const char *reg, const char *name, int all)
{
    int   n;
    char  path[512];

    snprintf(path, sizeof(path), "%s/%s/versions", reg, name);
    n = files_count(path, all ? "" : "v");

    return n < 0 ? 0 : n;
}


/* Number of versions/v* directories (staging leftovers don't count). */
static inline int
test_versions(const char *reg, const char *name)
{
    return test_count(reg, name, 0);
}


/* Anything at all under reg/name/versions, staging dirs included. */
static inline int
test_entries(const char *reg, const char *name)
{
    return test_count(reg, name, 1);
}


static inline void
test_sha_file(const char *path, char hex[65])
{
    char     *p;
    size_t    len;
    uint8_t   digest[32];

    hex[0] = '\0';

    p = files_read(path, &len);
    if (p == NULL) {
        return;
    }

    mlclf_sha256(p, len, digest);
    mlclf_sha256_hex(digest, hex);

    free(p);
}


static inline double
test_num(const cJSON *obj, const char *k1, const char *k2)
{
    const cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(obj, k1);

    if (k2) {
        v = cJSON_GetObjectItemCaseSensitive(v, k2);
    }

    return cJSON_IsNumber(v) ? v->valuedouble : -1.0;
}


static inline const char *
test_str(const cJSON *obj, const char *k)
{
    const cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(obj, k);

    return cJSON_IsString(v) ? v->valuestring : "";
}


/*
 * A config for a data file in tmp: features a and b, classes cat and
 * dog, the model: mapping model (flow style), then extra (a gate).
 */
static inline void
test_small_model_config(const char *path, const char *name,
    const char *data, const char *model, const char *extra)
{
    char  text[2048];

    snprintf(text, sizeof(text),
             "name: %s\n"
             "data: %s\n"
             "label: y\n"
             "features: [a, b]\n"
             "classes: [cat, dog]\n"
             "split: {test_fraction: 0.25, seed: 7, stratify: true}\n"
             "model: %s\n"
             "%s",
             name, data, model, extra);

    (void) files_write(path, text, strlen(text));
}


/* the same with a logreg */
static inline void
test_small_config(const char *path, const char *name, const char *data,
    const char *extra)
{
    test_small_model_config(path, name, data, "{kind: logreg}", extra);
}


/* 80 rows of coin flips: a gate of 0.999 fails on them. */
static inline void
test_noise_csv(const char *path)
{
    int    i;
    char   text[2048], *p;

    p = text;
    p += sprintf(p, "a,b,y\n");

    for (i = 0; i < 80; i++) {
        p += sprintf(p, "%d.5,%d,%s\n", (i * 37) % 11, (i * 53) % 13,
                     ((i * 7919) % 17) % 2 ? "dog" : "cat");
    }

    (void) files_write(path, text, strlen(text));
}


#endif /* _MLCLF_TRAIN_CLI_H_INCLUDED_ */
