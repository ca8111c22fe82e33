
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Tests of the mlclf-registry CLI, run from $MLCLF_BIN (default
 * build/bin) on a registry published here through the store (reg.h):
 * usage and exit codes, list (its statuses, cheap and --verify), show,
 * verify, promote, rollback, history, --reload refused without a pid
 * (test_registry_reload.c signals real processes), links refused, and
 * concurrent promotes and rollbacks.
 * Everything happens in a mkdtemp() directory.
 */


#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_registry_store.h>
#include "files.h"
#include "model_spec.h"
#include "reg.h"
#include "tap.h"


#define T_RUN(...)                                                           \
    reg_run(&out, &errout, (const char *const []) { __VA_ARGS__, NULL })

#define T_FREE()                                                             \
    do { free(out); free(errout); out = NULL; errout = NULL; } while (0)


/*
 * iris v1..v4 (accuracy 0.9, 0.925, 0.95, 0.5), v1 active, and a
 * hand-made v5: only model.mlclf and a truncated meta.json.
 */
static void
t_setup_iris(void)
{
    int                   i;
    char                  path[REG_PATH];
    mlclf_err_t           err;
    static const double   accuracy[] = { 0.9, 0.925, 0.95, 0.5 };

    for (i = 0; i < 4; i++) {
        is_int(reg_publish(reg_root, "iris", accuracy[i]), i + 1,
               "iris v%d", i + 1);
    }

    is_int(mlclf_registry_promote(reg_root, "iris", 1, NULL, &err),
           MLCLF_OK, "iris v1 active");

    reg_path(path, "%s/iris/versions/v5", reg_root);
    ok(mkdir(path, 0755) == 0, "hand-made iris v5");
    reg_path(path, "%s/iris/versions/v5/model.mlclf", reg_root);
    ok(files_write(path, "x", 1) == 0, "with a model.mlclf");
    reg_path(path, "%s/iris/versions/v5/meta.json", reg_root);
    ok(files_write(path, "{\"name\":", 8) == 0, "and a truncated meta.json");
}


/*
 * wine v1..v3, none active: v2's model with a flipped byte near the
 * end of the payload, v3's meta.json naming another sha256.
 */
static void
t_setup_wine(void)
{
    int      i, done;
    char    *p, *q, path[REG_PATH];
    size_t   len;

    for (i = 1; i <= 3; i++) {
        is_int(reg_publish(reg_root, "wine", 0.8), i, "wine v%d", i);
    }

    reg_path(path, "%s/wine/versions/v2/model.mlclf", reg_root);
    p = files_read(path, &len);
    done = 0;

    if (p != NULL && len > 16) {
        p[len - 9] ^= 0x01;
        done = files_write(path, p, len) == 0;
    }

    ok(done, "wine v2: a byte flipped");
    free(p);

    reg_path(path, "%s/wine/versions/v3/meta.json", reg_root);
    p = files_read(path, &len);
    q = p ? strstr(p, "\"model_sha256\":\"") : NULL;
    done = 0;

    if (q != NULL) {
        q += 16;
        q[0] = q[0] == '0' ? '1' : '0';
        done = files_write(path, p, len) == 0;
    }

    ok(done, "wine v3: another sha256 in meta.json");
    free(p);
}


/*
 * The registry the CLI reads, as the store tests of test_registry.c
 * leave theirs: iris and wine above, sym v1 and v2 with v1 active, and
 * a file outside the registry that no command may change.
 */
static void
t_setup(void)
{
    char         path[REG_PATH];
    mlclf_err_t  err;

    t_setup_iris();
    t_setup_wine();

    is_int(reg_publish(reg_root, "sym", 0.7), 1, "sym v1");
    is_int(reg_publish(reg_root, "sym", 0.7), 2, "sym v2");
    is_int(mlclf_registry_promote(reg_root, "sym", 1, NULL, &err), MLCLF_OK,
           "sym v1 active");

    reg_path(path, "%s/victim", reg_tmp);
    ok(files_write(path, REG_VICTIM, strlen(REG_VICTIM)) == 0,
       "a file outside the registry");
}


/* Usage errors and names refused: exit 2; no such model: exit 3. */
/* show of a version whose model carries reference distributions */
static void
t_cli_show_drift(void)
{
    int            rc;
    char          *out, *errout, path[REG_PATH];
    size_t         len;
    cJSON         *j, *in;
    uint8_t       *p;
    mlclf_spec_t   spec;

    is_int(reg_publish(reg_root, "drifty", 0.5), 1, "drifty v1");

    model_spec_forest(&spec);
    model_spec_drift(&spec);
    spec.version = 1;
    p = model_spec_write(&spec, &len);
    reg_path(path, "%s/drifty/versions/v1/model.mlclf", reg_root);
    ok(files_write(path, p, len) == 0, "drifty v1 with a reference");
    free(p);

    rc = T_RUN("--registry", reg_root, "--json", "show", "drifty", "1");
    is_int(rc, 0, "show --json drifty 1");
    j = cJSON_Parse(out);
    in = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j,
             "reference"), "inputs"), 0);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(in, "name")), "x",
           "reference: input x");
    is_int(cJSON_GetArraySize(cJSON_GetObjectItem(in, "edges")), 2,
           "x: two cut points");
    is_double(cJSON_GetNumberValue(cJSON_GetArrayItem(
                  cJSON_GetObjectItem(in, "shares"), 2)), 0.5, 0,
              "x: its shares");
    is_int(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j,
               "reference"), "label_prior")), 3, "the label prior");
    cJSON_Delete(j);
    T_FREE();

    rc = T_RUN("--registry", reg_root, "show", "drifty", "1");
    is_int(rc, 0, "show drifty 1");
    ok(out && strstr(out, "x:               number [0.5, 2]; shares "
                     "[0.25, 0.25, 0.5, 0], missing last"),
       "show text: x's cut points and shares");
    T_FREE();
}


static void
t_cli_usage(void)
{
    int    rc;
    char  *out, *errout;

    out = NULL;
    errout = NULL;

    rc = T_RUN("--help");
    is_int(rc, 0, "--help exits 0");
    ok(out && strstr(out, "Exit codes") && strstr(out, "rollback"),
       "--help prints usage with the exit codes");
    T_FREE();

    rc = T_RUN("--version");
    is_int(rc, 0, "--version exits 0");
    is_str(out, "mlclf-registry " MLCLF_RELEASE " (model format 5)\n",
           "--version names the release and the model format");
    T_FREE();

    rc = T_RUN("-V", "list");
    is_int(rc, 0, "-V before a command: the version, nothing else");
    is_str(out, "mlclf-registry " MLCLF_RELEASE " (model format 5)\n",
           "-V prints the same line");
    T_FREE();

    rc = T_RUN("--registry", reg_root);
    is_int(rc, 2, "no command: usage error");
    ok(errout && strstr(errout, "mlclf-registry: "), "stderr message");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "frobnicate", "iris");
    is_int(rc, 2, "unknown command");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "list", "../x");
    is_int(rc, 2, "list ../x refused");
    ok(errout && strstr(errout, "invalid model name"), "stderr message");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "list", "A");
    is_int(rc, 2, "list A refused");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "list", "nope");
    is_int(rc, 3, "list of an unknown model: not found");
    T_FREE();
}


/* list and show, as text and JSON. */
static void
t_cli_list(void)
{
    int     rc;
    char   *out, *errout;
    cJSON  *j, *a, *e;

    out = NULL;
    errout = NULL;

    rc = T_RUN("list", "wine", "--registry", reg_root);
    is_int(rc, 0, "list wine, --registry after the command");
    ok(out && strstr(out, "v1") && strstr(out, "0.8000"), "list text");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "--json", "list", "iris");
    is_int(rc, 0, "list --json");
    j = cJSON_Parse(out);
    ok(cJSON_IsObject(j), "list --json parses");
    a = cJSON_GetObjectItem(j, "versions");
    is_int(cJSON_GetArraySize(a), 5, "five versions");
    e = cJSON_GetArrayItem(a, 4);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "status")),
           "incomplete", "v5 incomplete");
    e = cJSON_GetArrayItem(a, 0);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "version")), "v1",
           "v1 first");
    ok(cJSON_IsTrue(cJSON_GetObjectItem(e, "active")), "v1 active");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "active")), "v1",
           "active v1");
    is_double(cJSON_GetNumberValue(cJSON_GetObjectItem(e, "accuracy")), 0.9,
              0, "accuracy exact");
    cJSON_Delete(j);
    T_FREE();

    rc = T_RUN("--registry", reg_root, "show", "iris", "--json");
    is_int(rc, 0, "show --json (active)");
    j = cJSON_Parse(out);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "version")), "v1",
           "shows the active v1");
    ok(cJSON_IsObject(cJSON_GetObjectItem(j, "metrics")), "with metrics");
    cJSON_Delete(j);
    T_FREE();

    rc = T_RUN("--registry", reg_root, "show", "iris", "3");
    is_int(rc, 0, "show iris 3");
    ok(out && strstr(out, "v3") && strstr(out, "0.9500"), "show text");
    ok(out && strstr(out, "reference:       none"),
       "show: a model without a reference says so");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "show", "iris", "v9");
    is_int(rc, 3, "show v9: not found");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "show", "iris", "v0");
    is_int(rc, 2, "show v0: usage");
    T_FREE();
}


/*
 * list without NAME: every model with its active version and how many
 * versions; what is not a model (a file, a bad name, no versions/, a
 * link to a model) is left out.
 */
static void
t_cli_models(void)
{
    int     rc;
    char   *out, *errout, path[REG_PATH];
    cJSON  *j, *a, *e;

    out = NULL;
    errout = NULL;

    reg_path(path, "%s/stray.txt", reg_root);
    ok(files_write(path, "x", 1) == 0, "a stray file in the root");
    reg_path(path, "%s/Bad_Name", reg_root);
    ok(mkdir(path, 0755) == 0, "a directory with an invalid name");
    reg_path(path, "%s/noversions", reg_root);
    ok(mkdir(path, 0755) == 0, "a directory without versions/");
    reg_path(path, "%s/linked", reg_root);
    ok(symlink("iris", path) == 0, "a link to a model");

    rc = T_RUN("--registry", reg_root, "list");
    is_int(rc, 0, "list without NAME");
    ok(out && strstr(out, "NAME") && strstr(out, "ACTIVE")
       && strstr(out, "VERSIONS"), "a header");
    ok(out && strstr(out, "\niris ") && strstr(out, " v1 "),
       "iris and its active v1");
    ok(out && strstr(out, "\nwine ") && strstr(out, "\nsym "),
       "wine and sym");
    ok(out && !strstr(out, "stray") && !strstr(out, "Bad_Name")
       && !strstr(out, "noversions") && !strstr(out, "linked"),
       "nothing that is not a model");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "--json", "list");
    is_int(rc, 0, "list --json without NAME");
    j = cJSON_Parse(out);
    a = cJSON_GetObjectItem(j, "models");
    is_int(cJSON_GetArraySize(a), 3, "three models");
    e = cJSON_GetArrayItem(a, 0);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")), "iris",
           "sorted: iris first");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "active")), "v1",
           "iris active v1");
    is_int(cJSON_GetNumberValue(cJSON_GetObjectItem(e, "versions")), 5,
           "iris has five versions");
    e = cJSON_GetArrayItem(a, 2);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")), "wine",
           "wine last");
    cJSON_Delete(j);
    T_FREE();

    reg_path(path, "%s/nope", reg_root);
    rc = T_RUN("--registry", path, "list");
    is_int(rc, 5, "list in a root that does not exist: I/O error");
    ok(errout && strstr(errout, "opendir"), "stderr names it");
    T_FREE();

    reg_path(path, "%s/stray.txt", reg_root);
    ok(unlink(path) == 0, "stray file removed");
    reg_path(path, "%s/Bad_Name", reg_root);
    ok(rmdir(path) == 0, "bad name removed");
    reg_path(path, "%s/noversions", reg_root);
    ok(rmdir(path) == 0, "directory removed");
    reg_path(path, "%s/linked", reg_root);
    ok(unlink(path) == 0, "link removed");
}


/* The status of the version v of model in a list --json output j. */
static const char *
t_status(cJSON *j, uint32_t v, const char *key)
{
    cJSON  *e;

    e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "versions"), (int) v - 1);

    return cJSON_GetStringValue(cJSON_GetObjectItem(e, key));
}


/* Flips the byte at off of model.mlclf of model v (from the end if < 0). */
static int
t_flip(const char *model, uint32_t v, long off)
{
    int      done;
    char    *p, path[REG_PATH];
    size_t   len;

    reg_path(path, "%s/%s/versions/v%u/model.mlclf", reg_root, model, v);
    p = files_read(path, &len);
    done = 0;

    if (p != NULL && len > 200) {
        p[off < 0 ? (long) len + off : off] ^= 0x01;
        done = files_write(path, p, len) == 0;
    }

    free(p);

    return done;
}


/*
 * list's statuses: complete (cheap: meta.json and the model's header,
 * payload not read) or, with --verify, verified; a damaged payload is
 * complete cheaply and invalid fully, never verified; a damaged header
 * or a truncated file is invalid either way.
 */
static void
t_cli_status(void)
{
    int           rc, i;
    char         *out, *errout, *p, path[REG_PATH], link[REG_PATH];
    cJSON        *j, *e;
    size_t        len;
    const char   *s;
    mlclf_err_t   err;

    out = NULL;
    errout = NULL;

    for (i = 1; i <= 4; i++) {
        is_int(reg_publish(reg_root, "cheap", 0.75), i, "cheap v%d", i);
    }

    is_int(mlclf_registry_promote(reg_root, "cheap", 1, NULL, &err),
           MLCLF_OK, "cheap v1 active");

    reg_path(path, "%s/cheap/versions/v2/model.mlclf", reg_root);
    p = files_read(path, &len);
    ok(p != NULL && files_write(path, p, len - 8) == 0, "v2 truncated");
    free(p);
    ok(t_flip("cheap", 3, 30), "v3: a header byte flipped (n_classes)");
    ok(t_flip("cheap", 4, -9), "v4: a payload byte flipped");

    rc = T_RUN("--registry", reg_root, "--json", "list", "cheap");
    is_int(rc, 0, "list: exit 0 whatever it finds");
    j = cJSON_Parse(out);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "check")), "quick",
           "check quick");
    is_str(t_status(j, 1, "status"), "complete", "v1 complete");
    ok(cJSON_IsNull(cJSON_GetObjectItem(
           cJSON_GetArrayItem(cJSON_GetObjectItem(j, "versions"), 0),
           "reason")), "v1: reason null");
    is_str(t_status(j, 2, "status"), "invalid", "truncated v2 invalid");
    s = t_status(j, 2, "reason");
    ok(s && strstr(s, "/cheap/versions/v2/model.mlclf: the header says"),
       "the reason names the file and the sizes: %s", s);
    is_str(t_status(j, 3, "status"), "invalid", "v3's header: invalid");
    s = t_status(j, 3, "reason");
    ok(s && strstr(s, "header CRC-32"), "the reason: %s", s);
    is_str(t_status(j, 4, "status"), "complete",
           "v4's payload is not read: complete, not verified");
    cJSON_Delete(j);
    T_FREE();

    rc = T_RUN("--registry", reg_root, "list", "cheap", "--verify",
               "--json");
    is_int(rc, 0, "list --verify: exit 0 whatever it finds");
    j = cJSON_Parse(out);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "check")), "full",
           "check full");
    is_str(t_status(j, 1, "status"), "verified", "v1 verified");
    is_str(t_status(j, 2, "status"), "invalid", "v2 invalid");
    is_str(t_status(j, 3, "status"), "invalid", "v3 invalid");
    is_str(t_status(j, 4, "status"), "invalid",
           "v4's broken payload CRC: invalid");
    s = t_status(j, 4, "reason");
    ok(s && strstr(s, "payload CRC-32"), "the reason: %s", s);
    cJSON_Delete(j);
    T_FREE();

    rc = T_RUN("--registry", reg_root, "list", "cheap");
    is_int(rc, 0, "list as text");
    ok(out && strstr(out, "STATUS") && strstr(out, " complete    *\n")
       && strstr(out, "\nv2 invalid: ") && !strstr(out, "verified"),
       "complete, invalid with its reason, nothing verified");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "list", "--verify", "cheap");
    ok(rc == 0 && out && strstr(out, " verified    *\n")
       && strstr(out, "\nv4 invalid: ") && strstr(out, "payload CRC-32"),
       "--verify as text: v1 verified, v4 invalid and why");
    T_FREE();

    /* wine v2: a flipped payload byte; v3: another sha256 in meta.json */
    rc = T_RUN("--registry", reg_root, "--verify", "--json", "list",
               "wine");
    j = cJSON_Parse(out);
    is_str(t_status(j, 2, "status"), "invalid", "wine v2 invalid");
    is_str(t_status(j, 3, "status"), "invalid", "wine v3 invalid");
    s = t_status(j, 3, "reason");
    ok(s && strstr(s, "sha256"), "the reason: %s", s);
    cJSON_Delete(j);
    T_FREE();

    rc = T_RUN("--registry", reg_root, "--json", "list");
    j = cJSON_Parse(out);
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "models"), 0);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "name")), "cheap",
           "the models: cheap first");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "status")),
           "complete", "the active version's status");
    cJSON_Delete(j);
    T_FREE();

    ok(t_flip("cheap", 1, -9), "v1, the active one: a payload byte flipped");

    rc = T_RUN("--registry", reg_root, "list", "--verify");
    is_int(rc, 0, "list --verify without NAME");
    ok(out && strstr(out, "\ncheap ") && strstr(out, " invalid\n"),
       "the active version of cheap: invalid");
    ok(out && strstr(out, "\niris ") && strstr(out, " verified\n"),
       "iris's: verified");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "verify", "cheap", "--verify");
    is_int(rc, 2, "--verify with verify: usage");
    T_FREE();

    /* an active link to a version that is not there: on stdout too */
    reg_path(path, "%s/cheap/active.hand", reg_root);
    ok(symlink("versions/v9", path) == 0, "a hand-made link to v9");
    reg_path(link, "%s/cheap/active", reg_root);
    ok(rename(path, link) == 0, "made active");

    rc = T_RUN("--registry", reg_root, "verify", "cheap");
    is_int(rc, 4, "verify: exit 4");
    ok(out && strstr(out, "cheap active: invalid: ")
       && strstr(out, "versions/v9, which does not exist"),
       "the table says what is wrong with active");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "verify", "cheap", "--json");
    j = cJSON_Parse(out);
    s = cJSON_GetStringValue(cJSON_GetObjectItem(j, "active_error"));
    ok(s && strstr(s, "which does not exist"), "--json: active_error");
    ok(cJSON_IsFalse(cJSON_GetObjectItem(j, "ok")), "--json: ok false");
    cJSON_Delete(j);
    T_FREE();
}


/* verify, and promote or rollback refused: exits 4 and 6. */
static void
t_cli_verify(void)
{
    int     rc;
    char   *out, *errout;
    cJSON  *j, *a;

    out = NULL;
    errout = NULL;

    rc = T_RUN("--registry", reg_root, "verify", "iris", "v1");
    is_int(rc, 0, "verify v1");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "verify", "iris");
    is_int(rc, 4, "verify all: v5 is incomplete");
    ok(errout && strstr(errout, "mlclf-registry: verify: ")
       && strstr(errout, "/iris/versions/v5/meta.json"), "stderr message");
    ok(out && strstr(out, "iris v1: ok\n")
       && strstr(out, "iris v5: incomplete: ")
       && strstr(out, "/iris/versions/v5/meta.json"),
       "the table on stdout names the failed version too");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "verify", "wine");
    is_int(rc, 4, "verify wine as text");
    ok(out && strstr(out, "wine v1: ok\n")
       && strstr(out, "wine v2: invalid: ")
       && strstr(out, "wine v3: invalid: "),
       "each damaged version on stdout, with its reason");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "verify", "wine", "--json");
    is_int(rc, 4, "verify wine: v2 and v3 damaged");
    ok(errout && strstr(errout, "/wine/versions/v2/model.mlclf: "),
       "names the file");
    j = cJSON_Parse(out);
    a = cJSON_GetObjectItem(j, "versions");
    is_int(cJSON_GetArraySize(a), 3, "three versions checked");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0),
                                                    "status")),
           "ok", "v1 ok");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1),
                                                    "status")),
           "invalid", "v2 invalid");
    ok(cJSON_IsFalse(cJSON_GetObjectItem(j, "ok")), "ok false");
    cJSON_Delete(j);
    T_FREE();

    rc = T_RUN("--registry", reg_root, "promote", "wine", "v2");
    is_int(rc, 4, "promote of a damaged version refused");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "promote", "wine", "1");
    is_int(rc, 0, "promote wine 1");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "rollback", "wine");
    is_int(rc, 6, "rollback without history");
    ok(errout && strstr(errout, "mlclf-registry: rollback: "),
       "stderr message");
    T_FREE();
}


/* history, as JSON and text. */
static void
t_cli_history(void)
{
    int     rc;
    char   *out, *errout;
    cJSON  *j, *e;

    out = NULL;
    errout = NULL;

    rc = T_RUN("--registry", reg_root, "promote", "iris", "v4");
    is_int(rc, 0, "promote iris v4");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "history", "iris", "--json");
    is_int(rc, 0, "history --json");
    j = cJSON_Parse(out);
    ok(cJSON_IsArray(j), "history is an array");
    e = cJSON_GetArrayItem(j, cJSON_GetArraySize(j) - 1);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "action")),
           "promote", "last action promote");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "from")), "v1",
           "from v1");
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "to")), "v4",
           "to v4");
    e = cJSON_GetArrayItem(j, 0);
    ok(cJSON_IsNull(cJSON_GetObjectItem(e, "from")), "publish from null");
    cJSON_Delete(j);
    T_FREE();

    rc = T_RUN("--registry", reg_root, "history", "iris");
    is_int(rc, 0, "history");
    ok(out && strstr(out, " promote v1 v4\n"), "history text");
    T_FREE();
}


/*
 * --reload without a pid file, or with no pid in it: exit 7 and nothing
 * changed (test_registry_reload.c signals real processes).
 */
static void
t_cli_reload(void)
{
    int     rc;
    char   *out, *errout, pidfile[REG_PATH], opt[REG_PATH];
    cJSON  *j;

    out = NULL;
    errout = NULL;

    rc = T_RUN("--registry", reg_root, "promote", "iris", "v2");
    is_int(rc, 0, "promote iris v2");
    T_FREE();

    reg_path(opt, "--reload=%s/no-such.pid", reg_tmp);
    rc = T_RUN("--registry", reg_root, "promote", "iris", "v3", opt);
    is_int(rc, 7, "--reload without a pid file: exit 7");
    ok(errout && strstr(errout, "no-such.pid")
       && strstr(errout, "nothing changed"), "stderr says so: %s", errout);
    is_str(out, "", "nothing on stdout");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "rollback", "iris", opt);
    is_int(rc, 7, "rollback --reload without a pid file: exit 7");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "--json", "list", "iris");
    j = cJSON_Parse(out);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "active")), "v2",
           "active still v2: nothing changed");
    cJSON_Delete(j);
    T_FREE();

    reg_path(pidfile, "%s/bad.pid", reg_tmp);
    ok(files_write(pidfile, "abc\n", 4) == 0, "garbage pid file");
    reg_path(opt, "--reload=%s", pidfile);
    rc = T_RUN("--registry", reg_root, "promote", "iris", "v3", opt);
    is_int(rc, 7, "--reload with a garbage pid file: exit 7");
    ok(errout && strstr(errout, "no pid in it"), "stderr says why");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "list", "iris", "--reload");
    is_int(rc, 2, "--reload with list: usage");
    T_FREE();

    is_int(reg_active("iris"), 2, "active still v2");
}


/* The CLI side of t_symlinks(): exit 4 and the file named on stderr. */
static void
t_cli_symlinks(void)
{
    int    rc;
    char  *out, *errout;
    char   path[REG_PATH], saved[REG_PATH], victim[REG_PATH], ghost[REG_PATH];
    char   want[REG_PATH + 64];

    out = NULL;
    errout = NULL;

    reg_path(victim, "%s/victim", reg_tmp);
    reg_path(ghost, "%s/ghost", reg_tmp);
    reg_path(path, "%s/sym/history.log", reg_root);
    reg_path(saved, "%s/history.saved", reg_tmp);

    ok(rename(path, saved) == 0 && symlink(victim, path) == 0,
       "history.log is a link to a file outside");

    rc = T_RUN("--registry", reg_root, "promote", "sym", "v2");
    is_int(rc, 4, "promote, history.log a link: exit 4");
    (void) snprintf(want, sizeof(want),
                    "mlclf-registry: promote: %s: " REG_LINK "\n", path);
    is_str(errout, want, "stderr names the file");
    T_FREE();

    rc = T_RUN("--registry", reg_root, "rollback", "sym");
    is_int(rc, 4, "rollback, history.log a link: exit 4");
    ok(errout && strstr(errout, REG_LINK), "stderr: %s", errout);
    T_FREE();

    rc = T_RUN("--registry", reg_root, "history", "sym");
    is_int(rc, 4, "history, history.log a link: exit 4");
    T_FREE();

    ok(reg_same(victim, REG_VICTIM), "the link's target is unchanged");
    is_int(reg_active("sym"), 1, "active unchanged");
    ok(unlink(path) == 0 && rename(saved, path) == 0, "history.log back");

    reg_path(path, "%s/sym/.lock", reg_root);
    ok(unlink(path) == 0 && symlink(ghost, path) == 0,
       ".lock is a dangling link");

    rc = T_RUN("--registry", reg_root, "promote", "sym", "v2");
    is_int(rc, 4, "promote, .lock a link: exit 4");
    (void) snprintf(want, sizeof(want),
                    "mlclf-registry: promote: %s: " REG_LINK "\n", path);
    is_str(errout, want, "stderr names the file");
    T_FREE();

    ok(!files_exists(ghost), "the link's target is not created");
    is_int(reg_active("sym"), 1, "active unchanged");
    ok(unlink(path) == 0, ".lock link removed");

    rc = T_RUN("--registry", reg_root, "promote", "sym", "v2");
    is_int(rc, 0, "promote works again");
    is_str(out, "sym: active v2 (was v1)\n", "and says so");
    T_FREE();
}


#define T_RACE  8


/*
 * Issue 11, finding 11b: concurrent promotes and rollbacks.  Each run
 * prints "active vT (was F)"; F must be the version it really replaced,
 * as its history.log line says, and the lines must chain (each "from"
 * is the "to" before it).  The test holds the model's lock while the
 * runs start, so they all queue for it: a run that read active before
 * taking the lock would report the version active when it started.
 */
static void
t_race(void)
{
    int                      i, fd, status, bad, used[T_RACE];
    char                    *out;
    char                     path[REG_PATH], epath[REG_PATH], ver[16];
    char                     was[16];
    pid_t                    pid[T_RACE];
    size_t                   n, n0, k;
    uint32_t                 from[T_RACE], to[T_RACE], v;
    mlclf_err_t              err;
    mlclf_registry_event_t  *ev;

    for (i = 1; i <= 3 + T_RACE; i++) {
        if (reg_publish(reg_root, "race", 0.6) != (uint32_t) i) {
            break;
        }
    }

    is_int(i, 4 + T_RACE, "race v1..v%d", 3 + T_RACE);
    is_int(mlclf_registry_promote(reg_root, "race", 1, NULL, &err), MLCLF_OK,
           "promote race v1");
    is_int(mlclf_registry_promote(reg_root, "race", 2, NULL, &err), MLCLF_OK,
           "promote race v2");
    is_int(mlclf_registry_promote(reg_root, "race", 3, NULL, &err), MLCLF_OK,
           "promote race v3");

    ev = NULL;
    is_int(mlclf_registry_history(reg_root, "race", &ev, &n0, &err), MLCLF_OK,
           "history before");
    free(ev);

    reg_path(path, "%s/race/.lock", reg_root);
    fd = open(path, O_RDWR | O_CLOEXEC);
    ok(fd >= 0 && flock(fd, LOCK_EX) == 0, "hold the model's lock");

    /* two rollbacks among promotes of v4..: each has a step to undo */
    for (i = 0; i < T_RACE; i++) {
        reg_path(path, "%s/race.%d.out", reg_tmp, i);
        reg_path(epath, "%s/race.%d.err", reg_tmp, i);
        (void) snprintf(ver, sizeof(ver), "v%d", 4 + i);

        if (i % 4 == 3) {
            pid[i] = reg_spawn(path, epath,
                              (const char *const []) { "--registry", reg_root,
                                  "rollback", "race", NULL });

        } else {
            pid[i] = reg_spawn(path, epath,
                              (const char *const []) { "--registry", reg_root,
                                  "promote", "race", ver, NULL });
        }
    }

    /* let them all reach the lock, then let them go */
    (void) usleep(500000);
    (void) close(fd);

    bad = 0;

    for (i = 0; i < T_RACE; i++) {
        from[i] = 0;
        to[i] = 0;
        used[i] = 0;

        if (pid[i] == -1 || waitpid(pid[i], &status, 0) != pid[i]
            || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        {
            tap_diag("run %d failed", i);
            bad++;
            continue;
        }

        reg_path(path, "%s/race.%d.out", reg_tmp, i);
        out = files_read(path, NULL);

        if (out == NULL
            || sscanf(out, "race: active v%u (was %15[^)])", &to[i], was)
               != 2
            || (strcmp(was, "-") != 0
                && !mlclf_registry_version_parse(was, &from[i])))
        {
            tap_diag("run %d printed \"%s\"", i, out ? out : "");
            bad++;
        }

        free(out);
    }

    is_int(bad, 0, "%d runs, each exits 0 and says what it replaced",
           T_RACE);

    is_int(mlclf_registry_history(reg_root, "race", &ev, &n, &err), MLCLF_OK,
           "history after");
    is_int(n - n0, T_RACE, "one line per run");

    bad = 0;

    for (k = n0; k < n; k++) {
        if (ev[k].from != ev[k - 1].to) {
            tap_diag("line %zu: %s v%u -> v%u after -> v%u", k, ev[k].action,
                     ev[k].from, ev[k].to, ev[k - 1].to);
            bad++;
        }
    }

    is_int(bad, 0, "history.log is a chain: each from is the to before");

    bad = 0;

    for (i = 0; i < T_RACE; i++) {
        for (k = n0; k < n; k++) {
            if (!used[k - n0] && ev[k].from == from[i] && ev[k].to == to[i]
                && strcmp(ev[k].action, i % 4 == 3 ? "rollback"
                                                   : "promote") == 0)
            {
                used[k - n0] = 1;
                break;
            }
        }

        if (k == n) {
            tap_diag("run %d said v%u (was v%u): not in history.log", i,
                     to[i], from[i]);
            bad++;
        }
    }

    is_int(bad, 0, "each run's \"was\" is what history.log says it "
           "replaced");

    v = n > n0 ? ev[n - 1].to : 0;
    is_int(reg_active("race"), v, "active is the last line's to");

    free(ev);
}


int
main(void)
{
    /* a root that does not exist yet: stage() creates it */
    reg_setup("test_registry_cli", "reg/istry");

    t_setup();
    t_cli_usage();
    t_cli_list();
    t_cli_models();
    t_cli_verify();
    t_cli_status();
    t_cli_history();
    t_cli_reload();
    t_cli_symlinks();
    t_cli_show_drift();
    t_race();

    reg_done(tap_failed != 0);

    return tap_done();
}
