
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the configuration reader's tests (test_train_config.c,
 * test_train_config_gbt.c, test_train_config_feature.c) share: a YAML
 * file written into their temporary directory, and the table of
 * configurations that must be refused, each with its message.
 */


#ifndef _TRAIN_CONFIG_CASES_H_INCLUDED_
#define _TRAIN_CONFIG_CASES_H_INCLUDED_


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tap.h>
#include <files.h>
#include <mlclf_train.h>


typedef struct {
    const char  *yaml;
    const char  *want;      /* message after "<path>:" */
} bad_case_t;


/* dir/name holding text; the path, malloc()ed */
static inline char *
test_config_file(const char *dir, const char *name, const char *text)
{
    char  *path;

    path = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", dir, name);

    if (files_write(path, text, strlen(text)) != 0) {
        tap_diag("cannot write %s", path);
    }

    return path;
}


/* each case refused: EINVAL, "<path>:<want>", nothing left allocated */
static inline void
test_config_bad(const char *dir, const bad_case_t *bad, size_t n)
{
    int                   rc;
    char                 *path, want[1024], name[32];
    size_t                i;
    mlclf_err_t           err;
    mlclf_train_config_t  cf;

    for (i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "bad%zu.yaml", i);
        path = test_config_file(dir, name, bad[i].yaml);

        memset(&err, 0, sizeof(err));
        rc = mlclf_train_config_load(&cf, path, &err);

        snprintf(want, sizeof(want), "%s:%s", path, bad[i].want);
        is_int(rc, MLCLF_EINVAL, "bad case %zu: EINVAL", i);
        is_str(err.msg, want, "bad case %zu: message", i);
        ok(cf.features == NULL && cf.path == NULL,
           "bad case %zu: nothing left allocated", i);

        unlink(path);
        free(path);
    }
}


#endif /* _TRAIN_CONFIG_CASES_H_INCLUDED_ */
