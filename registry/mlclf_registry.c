
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-registry: list, show, verify, promote, roll back and read the
 * history of the models in a registry (DESIGN.md §4, §6).  The work is
 * done by the registry store (mlclf_registry_store.h); this file parses
 * the command line and prints.
 */


#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_version.h>
#include "mlclf_registry_store.h"


#define MLCLF_REGISTRY_PID_FILE  "/run/nginx.pid"
#define MLCLF_REGISTRY_ARGS_MAX  3


typedef struct {
    const char               *root;
    const char               *reload;       /* pid file, NULL: no reload */
    const char               *cmd;
    const char               *args[MLCLF_REGISTRY_ARGS_MAX];
    size_t                    nargs;
    unsigned                  json:1;
} mlclf_registry_opts_t;


typedef int (*mlclf_registry_cmd_pt)(mlclf_registry_opts_t *o);


typedef struct {
    const char               *name;
    mlclf_registry_cmd_pt     handler;
    size_t                    min_args;
    size_t                    max_args;
    const char               *usage;
} mlclf_registry_cmd_t;


static void mlclf_registry_usage(void);
static int mlclf_registry_fail(const char *ctx, int code, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
static int mlclf_registry_err(const char *ctx, int rc,
    const mlclf_err_t *err);
static int mlclf_registry_version(mlclf_registry_opts_t *o, size_t i,
    uint32_t *v);
static int mlclf_registry_print_json(cJSON *j);
static cJSON *mlclf_registry_json_version(uint32_t v);
static void mlclf_registry_json_number(cJSON *obj, const char *key,
    double d);
static void mlclf_registry_kv(const char *key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int mlclf_registry_reload(const char *pid_file, const char *name,
    uint32_t active);
static int mlclf_registry_swapped(mlclf_registry_opts_t *o,
    const char *what, uint32_t from, uint32_t to);
static int mlclf_registry_list_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_models_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_show_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_verify_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_promote_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_rollback_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_history_cmd(mlclf_registry_opts_t *o);


static const mlclf_registry_cmd_t  mlclf_registry_cmds[] = {
    { "list", mlclf_registry_list_cmd, 0, 1, "list [NAME]" },
    { "show", mlclf_registry_show_cmd, 1, 2, "show NAME [VERSION]" },
    { "verify", mlclf_registry_verify_cmd, 1, 2, "verify NAME [VERSION]" },
    { "promote", mlclf_registry_promote_cmd, 2, 2, "promote NAME VERSION" },
    { "rollback", mlclf_registry_rollback_cmd, 1, 1, "rollback NAME" },
    { "history", mlclf_registry_history_cmd, 1, 1, "history NAME" },
    { NULL, NULL, 0, 0, NULL }
};


static void
mlclf_registry_usage(void)
{
    printf(
"Usage: mlclf-registry --root DIR [--json] COMMAND ARGS...\n"
"\n"
"Manages the versions of the models in a registry directory:\n"
"  DIR/NAME/versions/v<N>/{model.mlclf,meta.json,train.csv,test.csv}\n"
"  DIR/NAME/active -> versions/v<N>     the version NGINX serves\n"
"  DIR/NAME/history.log                 publish/promote/rollback events\n"
"\n"
"Commands:\n"
"  list                   every model: its active version and how many\n"
"                         versions it has\n"
"  list NAME              versions with created_at, accuracy, macro F1,\n"
"                         status (ok | incomplete) and the active one (*)\n"
"  show NAME [VERSION]    meta.json of a version (default: the active one)\n"
"  verify NAME [VERSION]  sha256 and full model file check of a version\n"
"                         (default: every version and the active link)\n"
"  promote NAME VERSION   make VERSION active (it must verify)\n"
"  rollback NAME          make the version active before the current one\n"
"                         active again; repeated rollbacks keep walking\n"
"                         back through the promotions in history.log\n"
"  history NAME           the history.log events, oldest first\n"
"\n"
"Options (before or after the command):\n"
"  --root DIR             the registry directory (required)\n"
"  --json                 print JSON on stdout\n"
"  --reload[=PIDFILE]     after promote / rollback, send SIGHUP to the\n"
"                         NGINX master whose pid is in PIDFILE\n"
"                         (default " MLCLF_REGISTRY_PID_FILE ")\n"
"  -h, --help             print this help and exit\n"
"  -V, --version          print the release and the model format version\n"
"\n"
"NAME matches [a-z0-9_-]{1,64}; VERSION is v<N> or <N>.\n"
"\n"
"Exit codes:\n"
"  %d  success\n"
"  %d  internal error (out of memory, a bug)\n"
"  %d  usage: bad command line, invalid name or version\n"
"  %d  no such model or version\n"
"  %d  invalid (verify, promote, rollback): the version's model file\n"
"     is damaged or not a model we accept (any failure of the model\n"
"     check), its sha256 is not meta.json's, or the version is\n"
"     incomplete; or refused: a registry file or directory is a\n"
"     symbolic link (or something unexpected is in the way), nothing\n"
"     was changed\n"
"  %d  I/O error\n"
"  %d  no earlier version to roll back to\n"
"  %d  reload failed: the switch is done, but NGINX was not signalled\n",
        MLCLF_REGISTRY_EXIT_OK, MLCLF_REGISTRY_EXIT_INTERNAL,
        MLCLF_REGISTRY_EXIT_USAGE, MLCLF_REGISTRY_EXIT_NOT_FOUND,
        MLCLF_REGISTRY_EXIT_INVALID, MLCLF_REGISTRY_EXIT_IO,
        MLCLF_REGISTRY_EXIT_NO_HISTORY, MLCLF_REGISTRY_EXIT_RELOAD);
}


/* "mlclf-registry: <ctx>: <reason>" on stderr; returns code. */
static int
mlclf_registry_fail(const char *ctx, int code, const char *fmt, ...)
{
    va_list  ap;

    fflush(stdout);
    fprintf(stderr, "mlclf-registry: %s: ", ctx);

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);

    fprintf(stderr, "\n");

    return code;
}


static int
mlclf_registry_err(const char *ctx, int rc, const mlclf_err_t *err)
{
    return mlclf_registry_fail(ctx, mlclf_registry_exit_code(rc), "%s",
                               err->msg);
}


static int
mlclf_registry_version(mlclf_registry_opts_t *o, size_t i, uint32_t *v)
{
    if (!mlclf_registry_version_arg(o->args[i], v)) {
        return mlclf_registry_fail(o->cmd, MLCLF_REGISTRY_EXIT_USAGE,
                                   "invalid version \"%.64s\": expected "
                                   "v<N> or <N>, N >= 1", o->args[i]);
    }

    return MLCLF_REGISTRY_EXIT_OK;
}


static int
mlclf_registry_print_json(cJSON *j)
{
    char  *s;

    if (j == NULL) {
        return mlclf_registry_fail("json", MLCLF_REGISTRY_EXIT_INTERNAL,
                                   "out of memory");
    }

    s = cJSON_Print(j);
    cJSON_Delete(j);

    if (s == NULL) {
        return mlclf_registry_fail("json", MLCLF_REGISTRY_EXIT_INTERNAL,
                                   "out of memory");
    }

    printf("%s\n", s);
    cJSON_free(s);

    return MLCLF_REGISTRY_EXIT_OK;
}


/* "key:" padded to a column, then the value. */
static void
mlclf_registry_kv(const char *key, const char *fmt, ...)
{
    int      pad;
    va_list  ap;

    pad = 16 - (int) strlen(key);

    printf("%s:%*s", key, pad > 1 ? pad : 1, "");

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);

    printf("\n");
}


/* "v<N>", or null for 0. */
static cJSON *
mlclf_registry_json_version(uint32_t v)
{
    char  buf[16];

    if (v == 0) {
        return cJSON_CreateNull();
    }

    mlclf_registry_vstr(buf, sizeof(buf), v);

    return cJSON_CreateString(buf);
}


/* NaN (unknown) becomes null. */
static void
mlclf_registry_json_number(cJSON *obj, const char *key, double d)
{
    if (isnan(d)) {
        cJSON_AddNullToObject(obj, key);

    } else {
        cJSON_AddNumberToObject(obj, key, d);
    }
}


static int
mlclf_registry_list_cmd(mlclf_registry_opts_t *o)
{
    int                        rc;
    char                       v[16], acc[32], f1[32];
    cJSON                     *j, *a, *e;
    size_t                     n, i;
    uint32_t                   active;
    mlclf_err_t                err;
    mlclf_registry_version_t  *vs;

    if (o->nargs == 0) {
        return mlclf_registry_models_cmd(o);
    }

    rc = mlclf_registry_list(o->root, o->args[0], &vs, &n, &err);
    if (rc != MLCLF_OK) {
        return mlclf_registry_err("list", rc, &err);
    }

    active = 0;

    for (i = 0; i < n; i++) {
        if (vs[i].active) {
            active = vs[i].version;
        }
    }

    if (o->json) {
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", o->args[0]);
        cJSON_AddItemToObject(j, "active",
                              mlclf_registry_json_version(active));
        a = cJSON_AddArrayToObject(j, "versions");

        for (i = 0; i < n; i++) {
            e = cJSON_CreateObject();
            cJSON_AddItemToObject(e, "version",
                                  mlclf_registry_json_version(vs[i].version));

            if (vs[i].created_at[0] != '\0') {
                cJSON_AddStringToObject(e, "created_at", vs[i].created_at);

            } else {
                cJSON_AddNullToObject(e, "created_at");
            }

            mlclf_registry_json_number(e, "accuracy", vs[i].accuracy);
            mlclf_registry_json_number(e, "macro_f1", vs[i].macro_f1);
            cJSON_AddStringToObject(e, "status",
                                    vs[i].complete ? "ok" : "incomplete");
            cJSON_AddBoolToObject(e, "active", vs[i].active);
            cJSON_AddItemToArray(a, e);
        }

        free(vs);

        return mlclf_registry_print_json(j);
    }

    printf("%-8s %-22s %-9s %-9s %-11s %s\n", "VERSION", "CREATED_AT",
           "ACCURACY", "MACRO_F1", "STATUS", "ACTIVE");

    for (i = 0; i < n; i++) {
        mlclf_registry_vstr(v, sizeof(v), vs[i].version);

        if (isnan(vs[i].accuracy)) {
            (void) snprintf(acc, sizeof(acc), "-");

        } else {
            (void) snprintf(acc, sizeof(acc), "%.4f", vs[i].accuracy);
        }

        if (isnan(vs[i].macro_f1)) {
            (void) snprintf(f1, sizeof(f1), "-");

        } else {
            (void) snprintf(f1, sizeof(f1), "%.4f", vs[i].macro_f1);
        }

        printf("%-8s %-22s %-9s %-9s ", v,
               vs[i].created_at[0] ? vs[i].created_at : "-", acc, f1);

        if (vs[i].active) {
            printf("%-11s *\n", vs[i].complete ? "ok" : "incomplete");

        } else {
            printf("%s\n", vs[i].complete ? "ok" : "incomplete");
        }
    }

    free(vs);

    return MLCLF_REGISTRY_EXIT_OK;
}


/*
 * list without NAME: each model with its active version (or "-") and
 * the number of its versions; a model that cannot be read is shown with
 * "?" and makes the exit code its error's.
 */
static int
mlclf_registry_models_cmd(mlclf_registry_opts_t *o)
{
    int                        rc, worst;
    char                     **names, v[16];
    cJSON                     *j, *a, *e;
    size_t                     n, i, k, nv;
    uint32_t                   active;
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
        a = cJSON_AddArrayToObject(j, "models");

    } else {
        printf("%-32s %-8s %s\n", "NAME", "ACTIVE", "VERSIONS");
    }

    for (i = 0; i < n; i++) {
        rc = mlclf_registry_list(o->root, names[i], &vs, &nv, &err);

        if (rc != MLCLF_OK) {
            worst = mlclf_registry_err("list", rc, &err);
        }

        active = 0;

        for (k = 0; rc == MLCLF_OK && k < nv; k++) {
            if (vs[k].active) {
                active = vs[k].version;
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

            cJSON_AddItemToArray(a, e);
            continue;
        }

        mlclf_registry_vstr(v, sizeof(v), active);

        if (rc == MLCLF_OK) {
            printf("%-32s %-8s %zu\n", names[i], active ? v : "-", nv);

        } else {
            printf("%-32s %-8s ?\n", names[i], "?");
        }
    }

    mlclf_registry_models_free(names, n);

    if (o->json) {
        rc = mlclf_registry_print_json(j);
        return (worst != MLCLF_REGISTRY_EXIT_OK) ? worst : rc;
    }

    return worst;
}


static int
mlclf_registry_show_cmd(mlclf_registry_opts_t *o)
{
    int                        rc;
    char                      *text;
    cJSON                     *j, *it, *m;
    size_t                     len, n;
    uint32_t                   v, active;
    mlclf_err_t                err;
    mlclf_registry_version_t  *vs;

    rc = mlclf_registry_active(o->root, o->args[0], &active, &err);
    if (rc != MLCLF_OK && rc != MLCLF_REGISTRY_EACTIVE) {
        return mlclf_registry_err("show", rc, &err);
    }

    if (o->nargs > 1) {
        rc = mlclf_registry_version(o, 1, &v);
        if (rc != MLCLF_REGISTRY_EXIT_OK) {
            return rc;
        }

    } else if (active == 0) {
        /* tell "no such model" from "nothing active" */
        rc = mlclf_registry_list(o->root, o->args[0], &vs, &n, &err);
        if (rc != MLCLF_OK) {
            return mlclf_registry_err("show", rc, &err);
        }

        free(vs);

        return mlclf_registry_fail("show", MLCLF_REGISTRY_EXIT_NOT_FOUND,
                                   "model \"%s\" has no active version "
                                   "(name one)", o->args[0]);

    } else {
        v = active;
    }

    rc = mlclf_registry_meta_read(o->root, o->args[0], v, &text, &len,
                                  &err);
    if (rc != MLCLF_OK) {
        return mlclf_registry_err("show", rc, &err);
    }

    j = cJSON_ParseWithLength(text, len);
    free(text);

    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return mlclf_registry_fail("show", MLCLF_REGISTRY_EXIT_INVALID,
                                   "%s/%s/versions/v%u/meta.json: not a "
                                   "JSON object", o->root, o->args[0], v);
    }

    if (o->json) {
        cJSON_DeleteItemFromObjectCaseSensitive(j, "active");
        cJSON_AddBoolToObject(j, "active", v == active);

        return mlclf_registry_print_json(j);
    }

    mlclf_registry_kv("model", "%s", o->args[0]);
    mlclf_registry_kv("version", "v%u%s", v, v == active ? " (active)" : "");

    /* scalars as they are, numbers of metrics rounded for reading */
    cJSON_ArrayForEach(it, j) {
        if (strcmp(it->string, "name") == 0
            || strcmp(it->string, "version") == 0)
        {
            continue;
        }

        if (cJSON_IsString(it)) {
            mlclf_registry_kv(it->string, "%s", it->valuestring);

        } else if (cJSON_IsNumber(it)) {
            mlclf_registry_kv(it->string, "%.17g", it->valuedouble);

        } else if (cJSON_IsBool(it)) {
            mlclf_registry_kv(it->string, "%s",
                              cJSON_IsTrue(it) ? "true" : "false");
        }
    }

    m = cJSON_GetObjectItemCaseSensitive(j, "metrics");

    cJSON_ArrayForEach(it, m) {
        if (cJSON_IsNumber(it) && it->valuedouble == floor(it->valuedouble)
            && fabs(it->valuedouble) < 1e15)
        {
            mlclf_registry_kv(it->string, "%.0f", it->valuedouble);

        } else if (cJSON_IsNumber(it)) {
            mlclf_registry_kv(it->string, "%.4f", it->valuedouble);
        }
    }

    cJSON_Delete(j);

    return MLCLF_REGISTRY_EXIT_OK;
}


static int
mlclf_registry_verify_cmd(mlclf_registry_opts_t *o)
{
    int                        rc, ex, first;
    char                       v[16];
    cJSON                     *j, *a, *e;
    size_t                     n, i;
    uint32_t                   one, active;
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

        if (rc == MLCLF_OK) {
            if (!o->json) {
                printf("%s %s: ok\n", o->args[0], v);
            }

        } else {
            rc = mlclf_registry_err("verify", rc, &err);

            /* the table names every version, failed ones too */
            if (!o->json) {
                printf("%s %s: %s: %s\n", o->args[0], v,
                       err.code == MLCLF_REGISTRY_EINCOMPLETE
                       ? "incomplete" : "invalid", err.msg);
            }

            if (first == MLCLF_REGISTRY_EXIT_OK) {
                first = rc;
            }

            if (rc == MLCLF_REGISTRY_EXIT_INVALID) {
                ex = rc;
            }
        }

        if (j != NULL) {
            e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "version", v);
            cJSON_AddStringToObject(e, "status",
                                    rc == MLCLF_OK ? "ok"
                                    : err.code == MLCLF_REGISTRY_EINCOMPLETE
                                      ? "incomplete" : "invalid");

            if (rc == MLCLF_OK) {
                cJSON_AddNullToObject(e, "error");

            } else {
                cJSON_AddStringToObject(e, "error", err.msg);
            }

            cJSON_AddItemToArray(a, e);
        }
    }

    /* the whole model: active must name a version that is there */
    if (o->nargs == 1) {
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
            rc = mlclf_registry_err("verify", rc, &err);
            first = first ? first : rc;
            ex = rc == MLCLF_REGISTRY_EXIT_INVALID ? rc : ex;

        } else if (!o->json && active != 0) {
            printf("%s active: v%u\n", o->args[0], active);
        }

        if (j != NULL) {
            if (rc == MLCLF_OK) {
                cJSON_AddItemToObject(j, "active",
                                      mlclf_registry_json_version(active));

            } else {
                cJSON_AddStringToObject(j, "active_error", err.msg);
            }
        }

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


/*
 * Tells the NGINX master to reload: SIGHUP to the pid in pid_file.  The
 * switch is already done, so a failure says so.
 */
static int
mlclf_registry_reload(const char *pid_file, const char *name,
    uint32_t active)
{
    long     pid;
    char     buf[64], *end;
    FILE    *f;
    size_t   n;

    f = fopen(pid_file, "r");
    if (f == NULL) {
        return mlclf_registry_fail("reload", MLCLF_REGISTRY_EXIT_RELOAD,
                                   "%s: %s; model \"%s\" v%u is active, "
                                   "but NGINX was not reloaded",
                                   pid_file, strerror(errno), name, active);
    }

    n = fread(buf, 1, sizeof(buf) - 1, f);
    (void) fclose(f);
    buf[n] = '\0';

    errno = 0;
    pid = strtol(buf, &end, 10);

    while (*end == '\n' || *end == ' ' || *end == '\r' || *end == '\t') {
        end++;
    }

    if (end == buf || *end != '\0' || errno != 0 || pid <= 1
        || pid != (long) (pid_t) pid)
    {
        return mlclf_registry_fail("reload", MLCLF_REGISTRY_EXIT_RELOAD,
                                   "%s: no pid in the file; model \"%s\" "
                                   "v%u is active, but NGINX was not "
                                   "reloaded", pid_file, name, active);
    }

    if (kill((pid_t) pid, SIGHUP) == -1) {
        return mlclf_registry_fail("reload", MLCLF_REGISTRY_EXIT_RELOAD,
                                   "kill(%ld, SIGHUP) from %s: %s; model "
                                   "\"%s\" v%u is active, but NGINX was "
                                   "not reloaded", pid, pid_file,
                                   strerror(errno), name, active);
    }

    return MLCLF_REGISTRY_EXIT_OK;
}


/* After a promote or rollback: reload if asked, then report. */
static int
mlclf_registry_swapped(mlclf_registry_opts_t *o, const char *what,
    uint32_t from, uint32_t to)
{
    int     rc;
    char    f[16];
    cJSON  *j;

    rc = MLCLF_REGISTRY_EXIT_OK;

    if (o->reload != NULL) {
        rc = mlclf_registry_reload(o->reload, o->args[0], to);
    }

    if (o->json) {
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", o->args[0]);
        cJSON_AddStringToObject(j, "action", what);
        cJSON_AddItemToObject(j, "from", mlclf_registry_json_version(from));
        cJSON_AddItemToObject(j, "to", mlclf_registry_json_version(to));

        if (o->reload != NULL) {
            cJSON_AddBoolToObject(j, "reloaded",
                                  rc == MLCLF_REGISTRY_EXIT_OK);
        }

        (void) mlclf_registry_print_json(j);

    } else {
        mlclf_registry_vstr(f, sizeof(f), from);
        printf("%s: active v%u (was %s)%s\n", o->args[0], to, f,
               o->reload == NULL ? ""
               : rc == MLCLF_REGISTRY_EXIT_OK ? ", nginx reloading"
               : ", nginx NOT reloaded");
    }

    return rc;
}


static int
mlclf_registry_promote_cmd(mlclf_registry_opts_t *o)
{
    int          rc;
    uint32_t     v, from;
    mlclf_err_t  err;

    rc = mlclf_registry_version(o, 1, &v);
    if (rc != MLCLF_REGISTRY_EXIT_OK) {
        return rc;
    }

    /* from is read under the lock: another promote may run first */
    rc = mlclf_registry_promote(o->root, o->args[0], v, &from, &err);
    if (rc != MLCLF_OK) {
        return mlclf_registry_err("promote", rc, &err);
    }

    return mlclf_registry_swapped(o, "promote", from, v);
}


static int
mlclf_registry_rollback_cmd(mlclf_registry_opts_t *o)
{
    int          rc;
    uint32_t     from, to;
    mlclf_err_t  err;

    rc = mlclf_registry_rollback(o->root, o->args[0], &from, &to, &err);
    if (rc != MLCLF_OK) {
        return mlclf_registry_err("rollback", rc, &err);
    }

    return mlclf_registry_swapped(o, "rollback", from, to);
}


static int
mlclf_registry_history_cmd(mlclf_registry_opts_t *o)
{
    int                      rc;
    char                     f[16], t[16];
    cJSON                   *j, *e;
    size_t                   n, i;
    mlclf_err_t              err;
    mlclf_registry_event_t  *ev;

    rc = mlclf_registry_history(o->root, o->args[0], &ev, &n, &err);
    if (rc != MLCLF_OK) {
        return mlclf_registry_err("history", rc, &err);
    }

    if (o->json) {
        j = cJSON_CreateArray();

        for (i = 0; i < n; i++) {
            e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "time", ev[i].time);
            cJSON_AddStringToObject(e, "action", ev[i].action);
            cJSON_AddItemToObject(e, "from",
                                  mlclf_registry_json_version(ev[i].from));
            cJSON_AddItemToObject(e, "to",
                                  mlclf_registry_json_version(ev[i].to));
            cJSON_AddItemToArray(j, e);
        }

        free(ev);

        return mlclf_registry_print_json(j);
    }

    for (i = 0; i < n; i++) {
        mlclf_registry_vstr(f, sizeof(f), ev[i].from);
        mlclf_registry_vstr(t, sizeof(t), ev[i].to);
        printf("%s %s %s %s\n", ev[i].time, ev[i].action, f, t);
    }

    free(ev);

    return MLCLF_REGISTRY_EXIT_OK;
}


int
main(int argc, char **argv)
{
    int                          i, opts;
    const char                  *a;
    mlclf_registry_opts_t        o;
    const mlclf_registry_cmd_t  *c;

    memset(&o, 0, sizeof(o));
    opts = 1;

    for (i = 1; i < argc; i++) {
        a = argv[i];

        if (opts && strcmp(a, "--") == 0) {
            opts = 0;

        } else if (opts && (strcmp(a, "--help") == 0
                            || strcmp(a, "-h") == 0))
        {
            mlclf_registry_usage();
            return MLCLF_REGISTRY_EXIT_OK;

        } else if (opts && (strcmp(a, "--version") == 0
                            || strcmp(a, "-V") == 0))
        {
            mlclf_version_print(stdout, "mlclf-registry");
            return MLCLF_REGISTRY_EXIT_OK;

        } else if (opts && strcmp(a, "--json") == 0) {
            o.json = 1;

        } else if (opts && strcmp(a, "--root") == 0) {
            if (++i == argc) {
                return mlclf_registry_fail("--root",
                                           MLCLF_REGISTRY_EXIT_USAGE,
                                           "needs a directory");
            }

            o.root = argv[i];

        } else if (opts && strncmp(a, "--root=", 7) == 0) {
            o.root = a + 7;

        } else if (opts && strcmp(a, "--reload") == 0) {
            o.reload = MLCLF_REGISTRY_PID_FILE;

        } else if (opts && strncmp(a, "--reload=", 9) == 0) {
            o.reload = a + 9;

        } else if (opts && a[0] == '-' && a[1] != '\0') {
            return mlclf_registry_fail("usage", MLCLF_REGISTRY_EXIT_USAGE,
                                       "unknown option \"%.64s\" (try "
                                       "--help)", a);

        } else if (o.cmd == NULL) {
            o.cmd = a;

        } else if (o.nargs < MLCLF_REGISTRY_ARGS_MAX) {
            o.args[o.nargs++] = a;

        } else {
            return mlclf_registry_fail(o.cmd, MLCLF_REGISTRY_EXIT_USAGE,
                                       "too many arguments (try --help)");
        }
    }

    if (o.cmd == NULL) {
        return mlclf_registry_fail("usage", MLCLF_REGISTRY_EXIT_USAGE,
                                   "no command (try --help)");
    }

    for (c = mlclf_registry_cmds; c->name != NULL; c++) {
        if (strcmp(c->name, o.cmd) == 0) {
            break;
        }
    }

    if (c->name == NULL) {
        return mlclf_registry_fail("usage", MLCLF_REGISTRY_EXIT_USAGE,
                                   "unknown command \"%.64s\" (try --help)",
                                   o.cmd);
    }

    if (o.nargs < c->min_args || o.nargs > c->max_args) {
        return mlclf_registry_fail(c->name, MLCLF_REGISTRY_EXIT_USAGE,
                                   "usage: mlclf-registry --root DIR %s",
                                   c->usage);
    }

    if (o.root == NULL || o.root[0] == '\0') {
        return mlclf_registry_fail(c->name, MLCLF_REGISTRY_EXIT_USAGE,
                                   "no registry: give --root DIR");
    }

    if (o.reload != NULL
        && c->handler != mlclf_registry_promote_cmd
        && c->handler != mlclf_registry_rollback_cmd)
    {
        return mlclf_registry_fail(c->name, MLCLF_REGISTRY_EXIT_USAGE,
                                   "--reload goes with promote and "
                                   "rollback only");
    }

    if (o.reload != NULL && o.reload[0] == '\0') {
        return mlclf_registry_fail(c->name, MLCLF_REGISTRY_EXIT_USAGE,
                                   "--reload= needs a pid file");
    }

    return c->handler(&o);
}
