
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Reading a registry model without changing it: its versions as listed
 * (cheap checks only) and the meta.json of one version.
 */


#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include "mlclf_registry_int.h"


static double mlclf_registry_metric(const cJSON *meta, const char *key);


static double
mlclf_registry_metric(const cJSON *meta, const char *key)
{
    cJSON  *metrics, *v;

    metrics = cJSON_GetObjectItemCaseSensitive(meta, "metrics");

    /* accept {"metrics": {"test": {...}}} as well as a flat object */
    v = cJSON_GetObjectItemCaseSensitive(metrics, key);

    if (v == NULL) {
        v = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(metrics, "test"), key);
    }

    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}


int
mlclf_registry_list(const char *root, const char *name,
    mlclf_registry_version_t **vs, size_t *n, mlclf_err_t *err)
{
    int                        rc;
    char                      *text;
    char                       dir[MLCLF_REGISTRY_PATH_MAX];
    char                       path[MLCLF_REGISTRY_PATH_MAX];
    cJSON                     *meta, *c;
    size_t                     i, len;
    uint32_t                  *ids, active;
    struct stat                st;
    mlclf_registry_version_t  *a;

    *vs = NULL;
    *n = 0;

    rc = mlclf_registry_model_dir(root, name, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* a broken active link is verify's business; list shows none */
    if (mlclf_registry_active_dir(dir, &active, NULL) != MLCLF_OK) {
        active = 0;
    }

    rc = mlclf_registry_scan(dir, &ids, n, err);
    if (rc != MLCLF_OK || *n == 0) {
        return rc;
    }

    a = calloc(*n, sizeof(mlclf_registry_version_t));
    if (a == NULL) {
        free(ids);
        *n = 0;
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (i = 0; i < *n; i++) {
        a[i].version = ids[i];
        a[i].active = ids[i] == active;
        a[i].accuracy = NAN;
        a[i].macro_f1 = NAN;

        if (mlclf_registry_path(path, NULL, "%s/versions/v%u/meta.json",
                                dir, ids[i]) != MLCLF_OK
            || mlclf_registry_read_file(path, 0, &text, &len, NULL)
               != MLCLF_OK)
        {
            continue;
        }

        meta = cJSON_ParseWithLength(text, len);
        free(text);

        if (!cJSON_IsObject(meta)) {
            cJSON_Delete(meta);
            continue;
        }

        c = cJSON_GetObjectItemCaseSensitive(meta, "created_at");

        if (cJSON_IsString(c)) {
            (void) snprintf(a[i].created_at, sizeof(a[i].created_at), "%s",
                            c->valuestring);
        }

        a[i].accuracy = mlclf_registry_metric(meta, "accuracy");
        a[i].macro_f1 = mlclf_registry_metric(meta, "macro_f1");

        cJSON_Delete(meta);

        a[i].complete =
            mlclf_registry_path(path, NULL, "%s/versions/v%u/model.mlclf",
                                dir, ids[i]) == MLCLF_OK
            && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    }

    free(ids);
    *vs = a;

    return MLCLF_OK;
}


int
mlclf_registry_meta_read(const char *root, const char *name,
    uint32_t version, char **text, size_t *len, mlclf_err_t *err)
{
    int   rc;
    char  dir[MLCLF_REGISTRY_PATH_MAX], path[MLCLF_REGISTRY_PATH_MAX];

    *text = NULL;
    *len = 0;

    rc = mlclf_registry_version_dir(root, name, version, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(path, err, "%s/meta.json", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_read_file(path, 0, text, len, err);
}


static int
mlclf_registry_models_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


/* name is a model of the registry open at dfd: a real versions/ dir */
static int
mlclf_registry_models_is(int dfd, const char *name)
{
    char         path[MLCLF_REGISTRY_PATH_MAX];
    struct stat  st;

    if (mlclf_model_name_check(name, strlen(name)) != MLCLF_OK
        || mlclf_registry_path(path, NULL, "%s/versions", name) != MLCLF_OK)
    {
        return 0;
    }

    /* the entry itself first: a link to a model is not a model */
    return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
           && S_ISDIR(st.st_mode)
           && fstatat(dfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0
           && S_ISDIR(st.st_mode);
}


int
mlclf_registry_models(const char *root, char ***names, size_t *n,
    mlclf_err_t *err)
{
    DIR            *d;
    char          **a, **grown;
    size_t          count, cap;
    struct dirent  *e;

    *names = NULL;
    *n = 0;

    d = opendir(root);
    if (d == NULL) {
        return mlclf_err_set(err, MLCLF_EIO, "%s: opendir: %s", root,
                             strerror(errno));
    }

    a = NULL;
    count = 0;
    cap = 0;

    while ((e = readdir(d)) != NULL) {
        if (!mlclf_registry_models_is(dirfd(d), e->d_name)) {
            continue;
        }

        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            grown = realloc(a, cap * sizeof(char *));
            if (grown == NULL) {
                goto nomem;
            }

            a = grown;
        }

        a[count] = strdup(e->d_name);
        if (a[count] == NULL) {
            goto nomem;
        }

        count++;
    }

    closedir(d);

    if (count > 1) {
        qsort(a, count, sizeof(char *), mlclf_registry_models_cmp);
    }

    *names = a;
    *n = count;

    return MLCLF_OK;

nomem:

    closedir(d);
    mlclf_registry_models_free(a, count);

    return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
}


void
mlclf_registry_models_free(char **names, size_t n)
{
    size_t  i;

    for (i = 0; names != NULL && i < n; i++) {
        free(names[i]);
    }

    free(names);
}
