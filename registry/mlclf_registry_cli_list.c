
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-registry list and verify.  list reads cheaply by default (the
 * status says "complete": files there, header sane, payload not read)
 * and fully with --verify ("verified"); it exits 0 whatever it finds.
 * verify always checks fully and fails (exit 4) on anything wrong; both
 * report every version on stdout, failed ones with the reason.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include "mlclf_registry_cli.h"


static int mlclf_registry_list_model_cmd(mlclf_registry_opts_t *o);
static void mlclf_registry_list_metric(char *buf, size_t size, double d);
static void mlclf_registry_list_text(const mlclf_registry_version_t *vs,
    size_t n);
static int mlclf_registry_list_models_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_list_read(mlclf_registry_opts_t *o,
    const char *name, mlclf_registry_version_t **vs, size_t *n,
    uint32_t *active, mlclf_err_t *err);
static void mlclf_registry_verify_json(cJSON *a, const char *v, int rc,
    const mlclf_err_t *err);
static int mlclf_registry_verify_active(mlclf_registry_opts_t *o,
    const mlclf_registry_version_t *vs, size_t n, cJSON *j);


int
mlclf_registry_list_cmd(mlclf_registry_opts_t *o)
{
    if (o->nargs == 0) {
        return mlclf_registry_list_models_cmd(o);
    }

    return mlclf_registry_list_model_cmd(o);
}


/* The versions of name, checked as o asks; *active: 0 if none. */
static int
mlclf_registry_list_read(mlclf_registry_opts_t *o, const char *name,
    mlclf_registry_version_t **vs, size_t *n, uint32_t *active,
    mlclf_err_t *err)
{
    int     rc;
    size_t  i;

    *active = 0;

    rc = mlclf_registry_list(o->root, name, vs, n, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (o->verify) {
        mlclf_registry_list_verify(o->root, name, *vs, *n);
    }

    for (i = 0; i < *n; i++) {
        if ((*vs)[i].active) {
            *active = (*vs)[i].version;
        }
    }

    return MLCLF_OK;
}


static int
mlclf_registry_list_model_cmd(mlclf_registry_opts_t *o)
{
    int                        rc;
    cJSON                     *j, *a, *e;
    size_t                     n, i;
    uint32_t                   active;
    mlclf_err_t                err;
    mlclf_registry_version_t  *vs;

    rc = mlclf_registry_list_read(o, o->args[0], &vs, &n, &active, &err);
    if (rc != MLCLF_OK) {
        return mlclf_registry_err("list", rc, &err);
    }

    if (!o->json) {
        mlclf_registry_list_text(vs, n);
        free(vs);

        return MLCLF_REGISTRY_EXIT_OK;
    }

    j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", o->args[0]);
    cJSON_AddItemToObject(j, "active", mlclf_registry_json_version(active));
    cJSON_AddStringToObject(j, "check", o->verify ? "full" : "quick");
    a = cJSON_AddArrayToObject(j, "versions");

    for (i = 0; i < n; i++) {
        e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "version",
                              mlclf_registry_json_version(vs[i].version));
        mlclf_registry_json_string(e, "created_at", vs[i].created_at);
        mlclf_registry_json_number(e, "accuracy", vs[i].accuracy);
        mlclf_registry_json_number(e, "macro_f1", vs[i].macro_f1);
        cJSON_AddStringToObject(e, "status",
                                mlclf_registry_status_name(vs[i].status));
        mlclf_registry_json_string(e, "reason", vs[i].reason);
        cJSON_AddBoolToObject(e, "active", vs[i].active);
        cJSON_AddItemToArray(a, e);
    }

    free(vs);

    return mlclf_registry_print_json(j);
}


/* A metric as the table shows it: 4 decimals, "-" if unknown. */
static void
mlclf_registry_list_metric(char *buf, size_t size, double d)
{
    if (isnan(d)) {
        (void) snprintf(buf, size, "-");

    } else {
        (void) snprintf(buf, size, "%.4f", d);
    }
}


/* The table, then the reason of each version that is not whole. */
static void
mlclf_registry_list_text(const mlclf_registry_version_t *vs, size_t n)
{
    char    v[16], acc[32], f1[32];
    size_t  i;

    printf("%-8s %-22s %-9s %-9s %-11s %s\n", "VERSION", "CREATED_AT",
           "ACCURACY", "MACRO_F1", "STATUS", "ACTIVE");

    for (i = 0; i < n; i++) {
        mlclf_registry_vstr(v, sizeof(v), vs[i].version);

        mlclf_registry_list_metric(acc, sizeof(acc), vs[i].accuracy);
        mlclf_registry_list_metric(f1, sizeof(f1), vs[i].macro_f1);

        printf("%-8s %-22s %-9s %-9s ", v,
               vs[i].created_at[0] ? vs[i].created_at : "-", acc, f1);

        if (vs[i].active) {
            printf("%-11s *\n", mlclf_registry_status_name(vs[i].status));

        } else {
            printf("%s\n", mlclf_registry_status_name(vs[i].status));
        }
    }

    for (i = 0; i < n; i++) {
        if (vs[i].reason[0] != '\0') {
            mlclf_registry_vstr(v, sizeof(v), vs[i].version);
            printf("%s %s: %s\n", v,
                   mlclf_registry_status_name(vs[i].status), vs[i].reason);
        }
    }
}


/*
 * list without NAME: each model with its active version (or "-"), the
 * number of its versions and the status of the active one; a model
 * that cannot be read is shown with "?" and makes the exit code its
 * error's.
 */
static int
mlclf_registry_list_models_cmd(mlclf_registry_opts_t *o)
{
    int                        rc, worst;
    char                     **names, v[16];
    cJSON                     *j, *a, *e;
    size_t                     n, i, k, nv;
    uint32_t                   active;
    const char                *status;
    mlclf_err_t                err;
    mlclf_registry_version_t  *vs;

    rc = mlclf_registry_models(o->root, &names, &n, &err);
    if (rc != MLCLF_OK) {
        return mlclf_registry_err("list", rc, &err);
    }

    j = NULL;
    a = NULL;
    worst = MLCLF_REGISTRY_EXIT_OK;

    if (o->json) {
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "check", o->verify ? "full" : "quick");
        a = cJSON_AddArrayToObject(j, "models");

    } else {
        printf("%-32s %-8s %-8s %s\n", "NAME", "ACTIVE", "VERSIONS",
               "STATUS");
    }

    for (i = 0; i < n; i++) {
        rc = mlclf_registry_list_read(o, names[i], &vs, &nv, &active, &err);

        if (rc != MLCLF_OK) {
            worst = mlclf_registry_err("list", rc, &err);
        }

        status = NULL;

        for (k = 0; rc == MLCLF_OK && k < nv; k++) {
            if (vs[k].active) {
                status = mlclf_registry_status_name(vs[k].status);
            }
        }

        free(vs);

        if (o->json) {
            e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "name", names[i]);
            cJSON_AddItemToObject(e, "active",
                                  mlclf_registry_json_version(active));

            if (rc == MLCLF_OK) {
                cJSON_AddNumberToObject(e, "versions", (double) nv);

            } else {
                cJSON_AddNullToObject(e, "versions");
            }

            mlclf_registry_json_string(e, "status", status);
            cJSON_AddItemToArray(a, e);
            continue;
        }

        mlclf_registry_vstr(v, sizeof(v), active);

        if (rc == MLCLF_OK) {
            printf("%-32s %-8s %-8zu %s\n", names[i], v, nv,
                   status ? status : "-");

        } else {
            printf("%-32s %-8s %-8s ?\n", names[i], "?", "?");
        }
    }

    mlclf_registry_models_free(names, n);

    if (o->json) {
        rc = mlclf_registry_print_json(j);
        return (worst != MLCLF_REGISTRY_EXIT_OK) ? worst : rc;
    }

    return worst;
}


static void
mlclf_registry_verify_json(cJSON *a, const char *v, int rc,
    const mlclf_err_t *err)
{
    cJSON  *e;

    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "version", v);
    cJSON_AddStringToObject(e, "status",
                            rc == MLCLF_OK ? "ok"
                            : err->code == MLCLF_REGISTRY_EINCOMPLETE
                              ? "incomplete" : "invalid");

    if (rc == MLCLF_OK) {
        cJSON_AddNullToObject(e, "error");

    } else {
        cJSON_AddStringToObject(e, "error", err->msg);
    }

    cJSON_AddItemToArray(a, e);
}


/*
 * The whole model: active must name a version that is there.  Its line
 * on stdout ("NAME active: vN", or the failure), in j "active" or
 * "active_error".  Returns the exit code.
 */
static int
mlclf_registry_verify_active(mlclf_registry_opts_t *o,
    const mlclf_registry_version_t *vs, size_t n, cJSON *j)
{
    int          rc;
    size_t       i;
    uint32_t     active;
    mlclf_err_t  err;

    rc = mlclf_registry_active(o->root, o->args[0], &active, &err);

    if (rc == MLCLF_OK && active != 0) {
        for (i = 0; i < n && vs[i].version != active; i++) {
            /* void */
        }

        if (i == n) {
            rc = mlclf_err_set(&err, MLCLF_REGISTRY_EACTIVE,
                               "%s/%s/active: points to versions/v%u, "
                               "which does not exist", o->root,
                               o->args[0], active);
        }
    }

    if (rc != MLCLF_OK) {
        if (j != NULL) {
            cJSON_AddStringToObject(j, "active_error", err.msg);

        } else {
            printf("%s active: invalid: %s\n", o->args[0], err.msg);
        }

        return mlclf_registry_err("verify", rc, &err);
    }

    if (j != NULL) {
        cJSON_AddItemToObject(j, "active",
                              mlclf_registry_json_version(active));

    } else if (active != 0) {
        printf("%s active: v%u\n", o->args[0], active);
    }

    return MLCLF_REGISTRY_EXIT_OK;
}


int
mlclf_registry_verify_cmd(mlclf_registry_opts_t *o)
{
    int                        rc, ex, first;
    char                       v[16];
    cJSON                     *j, *a;
    size_t                     n, i;
    uint32_t                   one;
    mlclf_err_t                err;
    mlclf_registry_version_t  *vs, single;

    if (o->nargs > 1) {
        rc = mlclf_registry_version(o, 1, &one);
        if (rc != MLCLF_REGISTRY_EXIT_OK) {
            return rc;
        }

        memset(&single, 0, sizeof(single));
        single.version = one;
        vs = &single;
        n = 1;

    } else {
        rc = mlclf_registry_list(o->root, o->args[0], &vs, &n, &err);
        if (rc != MLCLF_OK) {
            return mlclf_registry_err("verify", rc, &err);
        }
    }

    ex = MLCLF_REGISTRY_EXIT_OK;
    first = MLCLF_REGISTRY_EXIT_OK;

    j = o->json ? cJSON_CreateObject() : NULL;
    a = NULL;

    if (j != NULL) {
        cJSON_AddStringToObject(j, "name", o->args[0]);
        a = cJSON_AddArrayToObject(j, "versions");
    }

    for (i = 0; i < n; i++) {
        rc = mlclf_registry_verify(o->root, o->args[0], vs[i].version, &err);
        mlclf_registry_vstr(v, sizeof(v), vs[i].version);

        if (j != NULL) {
            mlclf_registry_verify_json(a, v, rc, &err);
        }

        if (rc == MLCLF_OK) {
            if (j == NULL) {
                printf("%s %s: ok\n", o->args[0], v);
            }

            continue;
        }

        /* the table names every version, failed ones too */
        if (j == NULL) {
            printf("%s %s: %s: %s\n", o->args[0], v,
                   err.code == MLCLF_REGISTRY_EINCOMPLETE
                   ? "incomplete" : "invalid", err.msg);
        }

        rc = mlclf_registry_err("verify", rc, &err);

        if (first == MLCLF_REGISTRY_EXIT_OK) {
            first = rc;
        }

        if (rc == MLCLF_REGISTRY_EXIT_INVALID) {
            ex = rc;
        }
    }

    if (o->nargs == 1) {
        rc = mlclf_registry_verify_active(o, vs, n, j);
        first = first ? first : rc;
        ex = rc == MLCLF_REGISTRY_EXIT_INVALID ? rc : ex;
        free(vs);
    }

    if (ex == MLCLF_REGISTRY_EXIT_OK) {
        ex = first;
    }

    if (j != NULL) {
        cJSON_AddBoolToObject(j, "ok", ex == MLCLF_REGISTRY_EXIT_OK);

        rc = mlclf_registry_print_json(j);
        if (rc != MLCLF_REGISTRY_EXIT_OK) {
            return rc;
        }
    }

    return ex;
}
