
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The full check of a registry version (mlclf-registry verify, and
 * before commit, promote and rollback): meta.json, the model file as
 * the core verifies it, its sha256 and the version numbers.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_sha256.h>
#include "mlclf_registry_int.h"


static int mlclf_registry_meta_version(const cJSON *v, uint32_t *n);


static int
mlclf_registry_meta_version(const cJSON *v, uint32_t *n)
{
    double  d;

    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;

        if (d >= 1 && d <= UINT32_MAX && d == floor(d)) {
            *n = (uint32_t) d;
            return 1;
        }

        return 0;
    }

    if (cJSON_IsString(v)) {
        return mlclf_registry_version_arg(v->valuestring, n);
    }

    return 0;
}


/* The full check of the version directory dir, numbered version. */
int
mlclf_registry_verify_dir(const char *dir, uint32_t version,
    mlclf_err_t *err)
{
    int             rc, i;
    char           *meta, *model;
    char            path[MLCLF_REGISTRY_PATH_MAX];
    char            mpath[MLCLF_REGISTRY_PATH_MAX];
    char            hex[65];
    cJSON          *root, *sha, *ver;
    size_t          meta_len, model_len;
    uint8_t         digest[32];
    uint32_t        n;
    mlclf_err_t     e;
    mlclf_model_t  *m;

    meta = NULL;
    model = NULL;
    root = NULL;
    m = NULL;

    rc = mlclf_registry_path(mpath, err, "%s/meta.json", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_path(path, err, "%s/model.mlclf", dir);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_registry_read_file(mpath, 0, &meta, &meta_len, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    root = cJSON_ParseWithLength(meta, meta_len);

    if (!cJSON_IsObject(root)) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                           "%s: not a JSON object", mpath);
        goto done;
    }

    ver = cJSON_GetObjectItemCaseSensitive(root, "version");

    if (ver != NULL
        && (!mlclf_registry_meta_version(ver, &n) || n != version))
    {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                           "%s: \"version\" is not v%u", mpath, version);
        goto done;
    }

    sha = cJSON_GetObjectItemCaseSensitive(root, "model_sha256");

    if (!cJSON_IsString(sha) || strlen(sha->valuestring) != 64) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                           "%s: no \"model_sha256\" of 64 hex digits",
                           mpath);
        goto done;
    }

    rc = mlclf_registry_read_file(path, 0, &model, &model_len, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_model_load(&m, model, model_len, &e);
    if (rc != MLCLF_OK) {
        rc = mlclf_err_set(err, rc, "%s: %s", path, e.msg);
        goto done;
    }

    if (mlclf_model_version(m) != 0 && mlclf_model_version(m) != version) {
        rc = mlclf_err_set(err, MLCLF_REGISTRY_EINCOMPLETE,
                           "%s: the model says it is v%u, not v%u", path,
                           mlclf_model_version(m), version);
        goto done;
    }

    if (mlclf_sha256(model, model_len, digest) != MLCLF_OK) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto done;
    }

    mlclf_sha256_hex(digest, hex);

    for (i = 0; i < 64; i++) {
        if (hex[i] != (sha->valuestring[i] | 0x20)) {
            rc = mlclf_err_set(err, MLCLF_REGISTRY_ECHECKSUM,
                               "%s: sha256 %s does not match meta.json "
                               "model_sha256 %.64s", path, hex,
                               sha->valuestring);
            goto done;
        }
    }

    rc = MLCLF_OK;

done:

    mlclf_model_close(&m);
    cJSON_Delete(root);
    free(model);
    free(meta);

    return rc;
}


int
mlclf_registry_verify(const char *root, const char *name, uint32_t version,
    mlclf_err_t *err)
{
    int   rc;
    char  dir[MLCLF_REGISTRY_PATH_MAX];

    rc = mlclf_registry_version_dir(root, name, version, dir, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_registry_verify_dir(dir, version, err);
}
