
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the three CLIs (mlclf-train, mlclf-import, mlclf-registry from
 * $MLCLF_BIN, default build/bin) must do alike:
 *
 * - -V, --version, -h and --help, on stdout, exit 0;
 * - the registry root: --registry DIR on each, $MLCLF_REGISTRY when the
 *   option is absent, the option winning over the variable, a usage
 *   error (exit 2) naming both when neither is given; mlclf-registry
 *   also takes the deprecated --root DIR;
 * - one JSON style (json_style.h: compact, shortest round-trip numbers)
 *   in every --json output and every meta.json;
 * - meta.json names the tool, its release and the format version of
 *   model.mlclf's header, for trained and imported models.
 *
 * Runs from the repository root (conf/iris.yaml and a LightGBM fixture);
 * everything is written in a mkdtemp() directory.
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_format.h>
#include "files.h"
#include "json_style.h"
#include "reg.h"
#include "run_cmd.h"
#include "tap.h"


#define T_CONF      "conf/iris.yaml"
#define T_FIXTURE   "tests/fixtures/lightgbm/binary-v4.txt"
#define T_VERSION   MLCLF_RELEASE " (model format %d)\n"

#define T_ARGS(...)  ((const char *const []) { __VA_ARGS__, NULL })


static int t_run(run_cmd_t *r, const char *tool, const char *env_reg,
    const char *const *args);
static void t_style(const char *what, const char *text);
static int t_has(const char *root, const char *name, int v);
static void t_help(void);
static void t_root_train(void);
static void t_root_import(void);
static void t_root_registry(void);
static void t_meta(const char *what, const char *tool, const char *dir);
static void t_json(void);


static char  t_a[REG_PATH], t_b[REG_PATH];


/*
 * Runs tool with args under LC_ALL=C, a fixed SOURCE_DATE_EPOCH and
 * MLCLF_REGISTRY=env_reg (unset if NULL).
 */
static int
t_run(run_cmd_t *r, const char *tool, const char *env_reg,
    const char *const *args)
{
    char             prog[REG_PATH + 32], var[REG_PATH + 32];
    const char      *env[4];
    run_cmd_opts_t   o;

    (void) snprintf(prog, sizeof(prog), "%s/%s", reg_bin, tool);
    (void) snprintf(var, sizeof(var), "MLCLF_REGISTRY=%s",
                    env_reg ? env_reg : "");

    env[0] = "LC_ALL=C";
    env[1] = "SOURCE_DATE_EPOCH=1700000000";
    env[2] = env_reg ? var : "MLCLF_REGISTRY";
    env[3] = NULL;

    memset(&o, 0, sizeof(o));
    o.env = env;

    return run_cmd(r, prog, args, reg_tmp, &o);
}


static void
t_style(const char *what, const char *text)
{
    int   good;
    char  why[256];

    why[0] = '\0';
    good = json_style_ok(text, why, sizeof(why));

    ok(good, "%s: one line of compact JSON, shortest numbers%s%s", what,
       good ? "" : ": ", why);

    if (!good) {
        tap_diag("%.300s", text ? text : "");
    }
}


/* 1 if root/name/versions/v<v> exists. */
static int
t_has(const char *root, const char *name, int v)
{
    char  path[REG_PATH];

    reg_path(path, "%s/%s/versions/v%d", root, name, v);

    return files_exists(path);
}


static void
t_help(void)
{
    char          want[128], *help;
    size_t        i;
    run_cmd_t     r;
    const char   *tool;

    static const char *const  tools[] = {
        "mlclf-train", "mlclf-import", "mlclf-registry"
    };

    for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
        tool = tools[i];
        (void) snprintf(want, sizeof(want), "%s " T_VERSION, tool,
                        MLCLF_FORMAT_VERSION);

        is_int(t_run(&r, tool, NULL, T_ARGS("--version")), 0,
               "%s --version: exit 0", tool);
        is_str(r.out, want, "%s --version: the release and format", tool);
        is_str(r.err, "", "%s --version: nothing on stderr", tool);
        run_cmd_free(&r);

        is_int(t_run(&r, tool, NULL, T_ARGS("-V")), 0, "%s -V: exit 0",
               tool);
        is_str(r.out, want, "%s -V: the same line", tool);
        run_cmd_free(&r);

        is_int(t_run(&r, tool, NULL, T_ARGS("--help")), 0,
               "%s --help: exit 0", tool);
        ok(strstr(r.out, "--registry DIR") && strstr(r.out, "MLCLF_REGISTRY")
           && (strstr(r.out, "Exit codes:") || strstr(r.out, "exit codes:"))
           && strstr(r.out, "--version"),
           "%s --help: --registry, MLCLF_REGISTRY, --version, the exit "
           "codes", tool);
        is_str(r.err, "", "%s --help: nothing on stderr", tool);
        help = r.out;
        r.out = NULL;
        run_cmd_free(&r);

        is_int(t_run(&r, tool, NULL, T_ARGS("-h")), 0, "%s -h: exit 0",
               tool);
        is_str(r.out, help, "%s -h: the same text as --help", tool);
        run_cmd_free(&r);
        free(help);
    }
}


static void
t_root_train(void)
{
    run_cmd_t  r;

    is_int(t_run(&r, "mlclf-train", t_a, T_ARGS("--config", T_CONF,
                                               "--quiet")),
           0, "mlclf-train: MLCLF_REGISTRY alone");
    ok(t_has(t_a, "iris", 1), "mlclf-train: published into $MLCLF_REGISTRY");
    run_cmd_free(&r);

    is_int(t_run(&r, "mlclf-train", t_a, T_ARGS("--config", T_CONF,
                                               "--registry", t_b,
                                               "--quiet")),
           0, "mlclf-train: --registry and MLCLF_REGISTRY");
    ok(t_has(t_b, "iris", 1) && !t_has(t_a, "iris", 2),
       "mlclf-train: the option wins");
    run_cmd_free(&r);

    is_int(t_run(&r, "mlclf-train", NULL, T_ARGS("--config", T_CONF)),
           2, "mlclf-train: no registry at all: exit 2");
    ok(strstr(r.err, "mlclf-train: usage: no registry: give --registry "
              "DIR or set MLCLF_REGISTRY"), "mlclf-train: says so: %s",
       r.err);
    run_cmd_free(&r);

    is_int(t_run(&r, "mlclf-train", "", T_ARGS("--config", T_CONF)),
           2, "mlclf-train: MLCLF_REGISTRY empty: exit 2");
    run_cmd_free(&r);
}


static void
t_root_import(void)
{
    run_cmd_t  r;

    is_int(t_run(&r, "mlclf-import", t_a, T_ARGS("--name", "churn",
                                                T_FIXTURE)),
           0, "mlclf-import: MLCLF_REGISTRY alone");
    ok(t_has(t_a, "churn", 1), "mlclf-import: into $MLCLF_REGISTRY");
    run_cmd_free(&r);

    is_int(t_run(&r, "mlclf-import", t_a, T_ARGS("--registry", t_b,
                                                "--name", "churn",
                                                T_FIXTURE)),
           0, "mlclf-import: --registry and MLCLF_REGISTRY");
    ok(t_has(t_b, "churn", 1) && !t_has(t_a, "churn", 2),
       "mlclf-import: the option wins");
    run_cmd_free(&r);

    is_int(t_run(&r, "mlclf-import", NULL, T_ARGS("--name", "churn",
                                                 T_FIXTURE)),
           2, "mlclf-import: no registry at all: exit 2");
    ok(strstr(r.err, "mlclf-import: no registry: give --registry DIR or "
              "set MLCLF_REGISTRY"), "mlclf-import: says so");
    run_cmd_free(&r);
}


/*
 * t_a holds iris v1 and churn v1, t_b the same: t_b's churn is told
 * apart by a second version, v2.
 */
static void
t_root_registry(void)
{
    size_t       i;
    run_cmd_t    r;
    const char  *a;
    char         eq[REG_PATH + 16];

    is_int(t_run(&r, "mlclf-import", NULL, T_ARGS("--registry", t_b,
                                                 "--name", "churn",
                                                 T_FIXTURE)),
           0, "t_b's churn v2");
    run_cmd_free(&r);

    is_int(t_run(&r, "mlclf-registry", t_a, T_ARGS("list", "churn")), 0,
           "mlclf-registry: MLCLF_REGISTRY alone");
    ok(strstr(r.out, "\nv1 ") && !strstr(r.out, "\nv2 "),
       "mlclf-registry: reads $MLCLF_REGISTRY");
    run_cmd_free(&r);

    for (i = 0; i < 4; i++) {
        a = i == 0 ? "--registry" : i == 1 ? "--root" : NULL;
        (void) snprintf(eq, sizeof(eq), "%s=%s", i == 2 ? "--registry"
                        : "--root", t_b);

        if (a != NULL) {
            (void) t_run(&r, "mlclf-registry", t_a,
                         T_ARGS(a, t_b, "list", "churn"));

        } else {
            (void) t_run(&r, "mlclf-registry", t_a,
                         T_ARGS("list", eq, "churn"));
        }

        is_int(r.status, 0, "mlclf-registry %s: exit 0", a ? a : eq);
        ok(strstr(r.out, "\nv2 ") != NULL, "mlclf-registry %s: wins over "
           "MLCLF_REGISTRY", a ? a : "--...=DIR");
        is_str(r.err, "", "mlclf-registry %s: no warning", a ? a : eq);
        run_cmd_free(&r);
    }

    is_int(t_run(&r, "mlclf-registry", NULL, T_ARGS("list")), 2,
           "mlclf-registry: no registry at all: exit 2");
    ok(strstr(r.err, "mlclf-registry: list: no registry: give --registry "
              "DIR or set MLCLF_REGISTRY"), "mlclf-registry: says so");
    run_cmd_free(&r);

    is_int(t_run(&r, "mlclf-registry", "", T_ARGS("list")), 2,
           "mlclf-registry: MLCLF_REGISTRY empty: exit 2");
    run_cmd_free(&r);

    is_int(t_run(&r, "mlclf-registry", NULL, T_ARGS("list", "--registry")),
           2, "mlclf-registry: --registry without DIR: exit 2");
    run_cmd_free(&r);
}


/*
 * dir's meta.json: the style, the tool and its release, and the format
 * version of its model.mlclf's header.
 */
static void
t_meta(const char *what, const char *tool, const char *dir)
{
    char       path[REG_PATH], *text, *model;
    cJSON     *j;
    size_t     len;
    uint32_t   fv;

    reg_path(path, "%s/meta.json", dir);
    text = files_read(path, NULL);
    t_style(what, text);

    j = text ? cJSON_Parse(text) : NULL;
    free(text);

    reg_path(path, "%s/model.mlclf", dir);
    model = files_read(path, &len);
    fv = 0;

    if (model != NULL && len >= MLCLF_HEADER_SIZE) {
        memcpy(&fv, model + 8, sizeof(fv));     /* format_version */
    }

    free(model);

    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "tool")), tool,
           "%s: tool", what);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "tool_version")),
           MLCLF_RELEASE, "%s: tool_version", what);
    ok(fv >= 1 && fv <= MLCLF_FORMAT_VERSION, "%s: model.mlclf says "
       "format %u", what, fv);
    is_int(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "format_version")),
           fv, "%s: format_version is the header's", what);

    cJSON_Delete(j);
}


/* Every --json output of the three tools, and both kinds of meta.json. */
static void
t_json(void)
{
    char        dir[REG_PATH];
    size_t      i;
    run_cmd_t   r;

    static const char *const  reads[][4] = {
        { "list", NULL }, { "list", "churn", NULL },
        { "list", "--verify", "iris", NULL }, { "show", "iris", NULL },
        { "show", "third", "v1", NULL }, { "verify", "iris", NULL },
        { "verify", "churn", NULL }, { "history", "iris", NULL },
        { "promote", "churn", "v1", NULL }, { "promote", "iris", "v1", NULL },
        { "rollback", "iris", NULL }
    };

    is_int(t_run(&r, "mlclf-train", NULL, T_ARGS("--config", T_CONF,
                                                "--registry", t_a,
                                                "--promote", "--json")),
           0, "mlclf-train --json");
    t_style("mlclf-train --json", r.out);
    ok(strstr(r.out, "\"test_fraction\":0.2,") != NULL,
       "mlclf-train --json: 0.2, not 0.20000000000000001");
    ok(strstr(r.out, "\"tool\":\"mlclf-train\"") != NULL
       && strstr(r.out, "\"format_version\":") != NULL,
       "mlclf-train --json: the tool and the format version");
    run_cmd_free(&r);

    reg_path(dir, "%s/iris/versions/v2", t_a);
    t_meta("trained meta.json", "mlclf-train", dir);

    is_int(t_run(&r, "mlclf-import", NULL, T_ARGS("--registry", t_a,
                                                 "--name", "churn",
                                                 "--json", T_FIXTURE)),
           0, "mlclf-import --json");
    t_style("mlclf-import --json", r.out);
    run_cmd_free(&r);

    reg_path(dir, "%s/churn/versions/v2", t_a);
    t_meta("imported meta.json", "mlclf-import", dir);

    /* a number that takes 16 digits, and 17 as cJSON would print it */
    reg_path(dir, "%s", t_a);
    is_int(reg_publish(dir, "third", 1.0 / 3), 1, "third v1, accuracy 1/3");
    is_int(t_run(&r, "mlclf-registry", NULL, T_ARGS("--registry", t_a,
                                                   "--json", "list",
                                                   "third")),
           0, "mlclf-registry --json list third");
    t_style("mlclf-registry --json list third", r.out);
    ok(strstr(r.out, "\"accuracy\":0.3333333333333333,") != NULL,
       "1/3 in its 16 digits");
    run_cmd_free(&r);

    for (i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
        (void) t_run(&r, "mlclf-registry", t_a,
                     T_ARGS("--json", reads[i][0], reads[i][1],
                            reads[i][2], reads[i][3]));
        ok(r.status == 0, "mlclf-registry --json %s %s: exit 0",
           reads[i][0], reads[i][1] ? reads[i][1] : "");
        t_style(reads[i][0], r.out);
        run_cmd_free(&r);
    }
}


int
main(void)
{
    reg_setup("test_cli_common", "reg");
    reg_path(t_a, "%s/a", reg_tmp);
    reg_path(t_b, "%s/b", reg_tmp);

    t_help();
    t_root_train();
    t_root_import();
    t_root_registry();
    t_json();

    reg_done(tap_failed != 0);

    return tap_done();
}
