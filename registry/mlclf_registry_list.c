
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Reading a registry model without changing it: its versions as listed
 * (the cheap check: meta.json and the model's header, not its payload;
 * the full check on request), the models of a registry and the
 * meta.json of one version.
 */


#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_header.h>
#include "mlclf_registry_int.h"


static double mlclf_registry_metric(const cJSON *meta, const char *key);
static int mlclf_registry_list_meta(const char *dir,
    mlclf_registry_version_t *v, mlclf_err_t *err);
static int mlclf_registry_list_model(const char *dir,
    mlclf_registry_version_t *v, mlclf_err_t *err);
static void mlclf_registry_list_one(const char *dir,
    mlclf_registry_version_t *v);


const char *
mlclf_registry_status_name(mlclf_registry_status_e status)
{
    switch (status) {
    case MLCLF_REGISTRY_INCOMPLETE:
        return "incomplete";
    case MLCLF_REGISTRY_INVALID:
        return "invalid";
    case MLCLF_REGISTRY_COMPLETE:
        return "complete";
    case MLCLF_REGISTRY_VERIFIED:
        return "verified";
    }

    return "unknown";
}


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


/*
 * meta.json of the version directory dir: what list shows of it, and
 * that it is an object with a model_sha256 of 64 hex digits, as the
 * full check wants it (mlclf_registry_verify_dir()).
 */
static int
mlclf_registry_list_meta(const char *dir, mlclf_registry_version_t *v,
    mlclf_err_t *err)
{
    int     rc;
    char   *text;
    char    path[MLCLF_REGISTRY_PATH_MAX];
    cJSON  *meta, *c;
    size_t  len;

    rc = mlclf_registry_path(path, err, "%s/meta.json", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_read_file(path, 0, &text, &len, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    meta = cJSON_ParseWithLength(text, len);
    free(text);

    if (!cJSON_IsObject(meta)) {
        cJSON_Delete(meta);
        return mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                             "%s: not a JSON object", path);
    }

    c = cJSON_GetObjectItemCaseSensitive(meta, "created_at");

    if (cJSON_IsString(c)) {
        (void) snprintf(v->created_at, sizeof(v->created_at), "%s",
                        c->valuestring);
    }

    v->accuracy = mlclf_registry_metric(meta, "accuracy");
    v->macro_f1 = mlclf_registry_metric(meta, "macro_f1");

    c = cJSON_GetObjectItemCaseSensitive(meta, "model_sha256");
    rc = MLCLF_OK;

    if (!cJSON_IsString(c) || strlen(c->valuestring) != 64) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                           "%s: no \"model_sha256\" of 64 hex digits",
                           path);
    }

    cJSON_Delete(meta);

    return rc;
}


/*
 * model.mlclf of the version directory dir without its payload: a
 * regular file whose header is sane (mlclf_header_read_fd()), sized as
 * the header says, numbered as its directory.
 */
static int
mlclf_registry_list_model(const char *dir, mlclf_registry_version_t *v,
    mlclf_err_t *err)
{
    int             rc, fd, e;
    char            path[MLCLF_REGISTRY_PATH_MAX];
    struct stat     st;
    mlclf_err_t     he;
    mlclf_header_t  h;

    rc = mlclf_registry_path(path, err, "%s/model.mlclf", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_open(path, O_RDONLY, &fd, err);
    if (rc != MLCLF_OK) {
        return errno == ENOENT
               ? mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                               "%s: missing", path)
               : rc;
    }

    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        e = errno;
        (void) close(fd);
        return mlclf_err_set(err, MLCLF_EIO, "%s: %s", path,
                             e ? strerror(e) : "not a regular file");
    }

    rc = mlclf_header_read_fd(fd, &h, &he);
    (void) close(fd);

    if (rc != MLCLF_OK) {
        return mlclf_err_set(err, rc, "%s: %s", path, he.msg);
    }

    if (h.model_version != 0 && h.model_version != v->version) {
        return mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                             "%s: the model says it is v%u, not v%u", path,
                             h.model_version, v->version);
    }

    return MLCLF_OK;
}


/* The cheap check of version v->version of the model directory mdir. */
static void
mlclf_registry_list_one(const char *mdir, mlclf_registry_version_t *v)
{
    int          rc;
    char         dir[MLCLF_REGISTRY_PATH_MAX];
    mlclf_err_t  err;

    v->accuracy = NAN;
    v->macro_f1 = NAN;

    rc = mlclf_registry_path(dir, &err, "%s/versions/v%u", mdir,
                             v->version);

    if (rc == MLCLF_OK) {
        rc = mlclf_registry_list_meta(dir, v, &err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_registry_list_model(dir, v, &err);
    }

    v->status = rc == MLCLF_OK ? MLCLF_REGISTRY_COMPLETE
                : rc == MLCLF_REGISTRY_EINCOMPLETE
                  ? MLCLF_REGISTRY_INCOMPLETE : MLCLF_REGISTRY_INVALID;

    (void) snprintf(v->reason, sizeof(v->reason), "%s",
                    rc == MLCLF_OK ? "" : err.msg);
}


int
mlclf_registry_list(const char *root, const char *name,
    mlclf_registry_version_t **vs, size_t *n, mlclf_err_t *err)
{
    int                        rc;
    char                       dir[MLCLF_REGISTRY_PATH_MAX];
    size_t                     i;
    uint32_t                  *ids, active;
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
        mlclf_registry_list_one(dir, &a[i]);
    }

    free(ids);
    *vs = a;

    return MLCLF_OK;
}


void
mlclf_registry_list_verify(const char *root, const char *name,
    mlclf_registry_version_t *vs, size_t n)
{
    int          rc;
    size_t       i;
    mlclf_err_t  err;

    for (i = 0; i < n; i++) {
        rc = mlclf_registry_verify(root, name, vs[i].version, &err);

        vs[i].status = rc == MLCLF_OK ? MLCLF_REGISTRY_VERIFIED
                       : rc == MLCLF_REGISTRY_EINCOMPLETE
                         ? MLCLF_REGISTRY_INCOMPLETE
                         : MLCLF_REGISTRY_INVALID;

        (void) snprintf(vs[i].reason, sizeof(vs[i].reason), "%s",
                        rc == MLCLF_OK ? "" : err.msg);
    }
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
