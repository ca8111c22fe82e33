
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-registry: list, show, verify, promote, roll back and read the
 * history of the models in a registry (DESIGN.md §4, §6).  The work is
 * done by the registry store (mlclf_registry_store.h); this file parses
 * the command line and runs the commands that change the registry, the
 * others are in mlclf_registry_cli_list.c (mlclf_registry_cli.h).
 */


#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_cli.h>
#include <mlclf_version.h>
#include "mlclf_registry_store.h"
#include "mlclf_registry_reload.h"
#include "mlclf_registry_cli.h"


#define MLCLF_REGISTRY_PID_FILE  "/run/nginx.pid"


typedef int (*mlclf_registry_cmd_pt)(mlclf_registry_opts_t *o);


typedef struct {
    const char               *name;
    mlclf_registry_cmd_pt     handler;
    size_t                    min_args;
    size_t                    max_args;
    const char               *usage;
} mlclf_registry_cmd_t;


static void mlclf_registry_usage(void);
static int mlclf_registry_reload_check(mlclf_registry_opts_t *o);
static int mlclf_registry_swapped(mlclf_registry_opts_t *o,
    const char *what, uint32_t from, uint32_t to);
static int mlclf_registry_show_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_promote_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_rollback_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_history_cmd(mlclf_registry_opts_t *o);
static int mlclf_registry_options(int argc, char **argv,
    mlclf_registry_opts_t *o);
static int mlclf_registry_option_root(int argc, char **argv, int *i,
    const char **value);
static int mlclf_registry_option_value(int argc, char **argv, int *i,
    const char *name, const char **value);


static const mlclf_registry_cmd_t  mlclf_registry_cmds[] = {
    { "list", mlclf_registry_list_cmd, 0, 1, "list [--verify] [NAME]" },
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
"Usage: mlclf-registry [--registry DIR] [--json] COMMAND ARGS...\n"
"\n"
"Manages the versions of the models in a registry directory:\n"
"  DIR/NAME/versions/v<N>/{model.mlclf,meta.json,train.csv,test.csv}\n"
"  DIR/NAME/active -> versions/v<N>     the version NGINX serves\n"
"  DIR/NAME/history.log                 publish/promote/rollback events\n"
"\n"
"Commands:\n"
"  list                   every model: its active version, how many\n"
"                         versions it has, the active version's status\n"
"  list NAME              versions with created_at, accuracy, macro F1,\n"
"                         status and the active one (*)\n"
"  show NAME [VERSION]    meta.json of a version (default: the active one)\n"
"                         and its model's reference distributions\n"
"  verify NAME [VERSION]  sha256 and full model file check of a version\n"
"                         (default: every version and the active link)\n"
"  promote NAME VERSION   make VERSION active (it must verify)\n"
"  rollback NAME          make the version active before the current one\n"
"                         active again; repeated rollbacks keep walking\n"
"                         back through the promotions in history.log\n"
"  history NAME           the history.log events, oldest first\n"
"\n"
"Status of a version (list):\n"
"  complete    files there, meta.json and the model's header sane; the\n"
"              payload is not read (list's default: cheap)\n"
"  verified    the full check of verify passed (list --verify)\n"
"  incomplete  a file missing, or meta.json unusable\n"
"  invalid     the model file is damaged or refused\n"
"\n"
"Options (before or after the command):\n"
"  --registry DIR         the registry directory; default $MLCLF_REGISTRY,\n"
"                         one of the two is required\n"
"  --root DIR             deprecated name of --registry\n"
"  --json                 print JSON on stdout\n"
"  --verify               list: check every version fully (reads and\n"
"                         checksums every model file)\n"
"  --reload[=PIDFILE]     with promote / rollback: check that PIDFILE\n"
"                         (default " MLCLF_REGISTRY_PID_FILE ") names a\n"
"                         running NGINX master, make the switch, then\n"
"                         send it SIGHUP; nothing is changed if it does\n"
"                         not\n"
"  -h, --help             print this help and exit\n"
"  -V, --version          print the release and the model format version\n"
"\n"
"NAME matches [a-z0-9_-]{1,64}; VERSION is v<N> or <N>.\n"
"\n"
"Exit codes:\n"
"  %d  success (list: whatever the statuses)\n"
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
"  %d  reload refused: PIDFILE names no running NGINX master (nothing\n"
"     changed); or the master went away before the signal (the switch\n"
"     is done, NGINX was not signalled)\n",
        MLCLF_REGISTRY_EXIT_OK, MLCLF_REGISTRY_EXIT_INTERNAL,
        MLCLF_REGISTRY_EXIT_USAGE, MLCLF_REGISTRY_EXIT_NOT_FOUND,
        MLCLF_REGISTRY_EXIT_INVALID, MLCLF_REGISTRY_EXIT_IO,
        MLCLF_REGISTRY_EXIT_NO_HISTORY, MLCLF_REGISTRY_EXIT_RELOAD);
}


/*
 * Before a promote or rollback with --reload: the pid file must name a
 * running NGINX master, or nothing is changed.
 */
static int
mlclf_registry_reload_check(mlclf_registry_opts_t *o)
{
    int                    rc;
    mlclf_err_t            err;
    mlclf_registry_proc_t  p;

    if (o->reload == NULL) {
        return MLCLF_REGISTRY_EXIT_OK;
    }

    rc = mlclf_registry_nginx_master(o->reload, &p, &err);
    if (rc != MLCLF_OK) {
        return mlclf_registry_fail("reload", MLCLF_REGISTRY_EXIT_RELOAD,
                                   "%s; nothing signalled, nothing changed",
                                   err.msg);
    }

    return MLCLF_REGISTRY_EXIT_OK;
}


/*
 * After a promote or rollback: SIGHUP to the NGINX master if asked
 * (checked again, the master may have gone since), then report what
 * was done, the signal and its pid included.
 */
static int
mlclf_registry_swapped(mlclf_registry_opts_t *o, const char *what,
    uint32_t from, uint32_t to)
{
    int                    rc;
    char                   f[16];
    cJSON                 *j;
    mlclf_err_t            err;
    mlclf_registry_proc_t  p;

    rc = MLCLF_REGISTRY_EXIT_OK;
    p.pid = 0;

    if (o->reload != NULL) {
        rc = mlclf_registry_nginx_reload(o->reload, &p, &err);

        if (rc != MLCLF_OK) {
            rc = mlclf_registry_fail("reload", MLCLF_REGISTRY_EXIT_RELOAD,
                                     "%s; model \"%s\" v%u is active, but "
                                     "NGINX was not reloaded", err.msg,
                                     o->args[0], to);
        }
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
            cJSON_AddStringToObject(j, "pid_file", o->reload);

            if (rc == MLCLF_REGISTRY_EXIT_OK) {
                cJSON_AddNumberToObject(j, "nginx_master_pid", p.pid);

            } else {
                cJSON_AddNullToObject(j, "nginx_master_pid");
            }
        }

        (void) mlclf_registry_print_json(j);
        return rc;
    }

    mlclf_registry_vstr(f, sizeof(f), from);
    printf("%s: active v%u (was %s)", o->args[0], to, f);

    if (o->reload == NULL) {
        printf("\n");

    } else if (rc == MLCLF_REGISTRY_EXIT_OK) {
        printf("; sent SIGHUP to nginx master %ld (pid file %s)\n",
               (long) p.pid, o->reload);

    } else {
        printf("; NGINX NOT reloaded\n");
    }

    return rc;
}


static int
mlclf_registry_show_cmd(mlclf_registry_opts_t *o)
{
    int                        rc;
    char                      *text, num[32];
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

    mlclf_registry_show_drift(o->root, o->args[0], v, j);

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
            /* as in JSON: the shortest form that reads back the same */
            (void) mlclf_double_format(num, it->valuedouble);
            mlclf_registry_kv(it->string, "%s", num);

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

    mlclf_registry_print_drift(j);

    cJSON_Delete(j);

    return MLCLF_REGISTRY_EXIT_OK;
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

    rc = mlclf_registry_reload_check(o);
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

    rc = mlclf_registry_reload_check(o);
    if (rc != MLCLF_REGISTRY_EXIT_OK) {
        return rc;
    }

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


/*
 * --registry DIR, --registry=DIR, or the deprecated --root of the same
 * two forms, at argv[*i] into *value: 1 if it is one of them (*i moved
 * past it), 0 if not, -1 if DIR is missing.
 */
static int
mlclf_registry_option_root(int argc, char **argv, int *i,
    const char **value)
{
    int  rc;

    rc = mlclf_registry_option_value(argc, argv, i, "--registry", value);

    if (rc == 0) {
        rc = mlclf_registry_option_value(argc, argv, i, "--root", value);
    }

    return rc;
}


/* --NAME VALUE or --NAME=VALUE, as mlclf_registry_option_root(). */
static int
mlclf_registry_option_value(int argc, char **argv, int *i, const char *name,
    const char **value)
{
    size_t       len;
    const char  *a;

    a = argv[*i];
    len = strlen(name);

    if (strncmp(a, name, len) != 0) {
        return 0;
    }

    if (a[len] == '=') {
        *value = a + len + 1;
        return 1;
    }

    if (a[len] != '\0') {
        return 0;
    }

    if (*i + 1 == argc) {
        return -1;
    }

    *value = argv[++*i];

    return 1;
}


/*
 * The command line into o.  Returns MLCLF_REGISTRY_EXIT_OK to go on, -1
 * when --help or --version has printed its text, else the exit code of
 * the error it has printed.
 */
static int
mlclf_registry_options(int argc, char **argv, mlclf_registry_opts_t *o)
{
    int          i, opts, rc;
    const char  *a;

    opts = 1;

    for (i = 1; i < argc; i++) {
        a = argv[i];

        if (opts && strcmp(a, "--") == 0) {
            opts = 0;

        } else if (opts && (strcmp(a, "--help") == 0
                            || strcmp(a, "-h") == 0))
        {
            mlclf_registry_usage();
            return -1;

        } else if (opts && (strcmp(a, "--version") == 0
                            || strcmp(a, "-V") == 0))
        {
            mlclf_version_print(stdout, "mlclf-registry");
            return -1;

        } else if (opts && strcmp(a, "--json") == 0) {
            o->json = 1;

        } else if (opts && strcmp(a, "--verify") == 0) {
            o->verify = 1;

        } else if (opts && (rc = mlclf_registry_option_root(argc, argv, &i,
                                                            &o->root)))
        {
            if (rc == -1) {
                return mlclf_registry_fail(a, MLCLF_REGISTRY_EXIT_USAGE,
                                           "needs a directory");
            }

        } else if (opts && strcmp(a, "--reload") == 0) {
            o->reload = MLCLF_REGISTRY_PID_FILE;

        } else if (opts && strncmp(a, "--reload=", 9) == 0) {
            o->reload = a + 9;

        } else if (opts && a[0] == '-' && a[1] != '\0') {
            return mlclf_registry_fail("usage", MLCLF_REGISTRY_EXIT_USAGE,
                                       "unknown option \"%.64s\" (try "
                                       "--help)", a);

        } else if (o->cmd == NULL) {
            o->cmd = a;

        } else if (o->nargs < MLCLF_REGISTRY_ARGS_MAX) {
            o->args[o->nargs++] = a;

        } else {
            return mlclf_registry_fail(o->cmd, MLCLF_REGISTRY_EXIT_USAGE,
                                       "too many arguments (try --help)");
        }
    }

    /* the option wins over the environment */
    o->root = mlclf_cli_registry(o->root);

    return MLCLF_REGISTRY_EXIT_OK;
}


int
main(int argc, char **argv)
{
    int                          rc;
    mlclf_registry_opts_t        o;
    const mlclf_registry_cmd_t  *c;

    memset(&o, 0, sizeof(o));

    rc = mlclf_registry_options(argc, argv, &o);
    if (rc != MLCLF_REGISTRY_EXIT_OK) {
        return rc == -1 ? MLCLF_REGISTRY_EXIT_OK : rc;
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
                                   "usage: mlclf-registry --registry DIR %s",
                                   c->usage);
    }

    if (o.root == NULL || o.root[0] == '\0') {
        return mlclf_registry_fail(c->name, MLCLF_REGISTRY_EXIT_USAGE,
                                   "no registry: give --registry DIR or "
                                   "set " MLCLF_CLI_REGISTRY_ENV);
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

    if (o.verify && c->handler != mlclf_registry_list_cmd) {
        return mlclf_registry_fail(c->name, MLCLF_REGISTRY_EXIT_USAGE,
                                   "--verify goes with list only (verify "
                                   "always checks fully)");
    }

    return c->handler(&o);
}
