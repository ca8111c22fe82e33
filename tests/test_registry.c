
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Unit tests of the registry store (registry/mlclf_registry_*.c):
 * names and version numbers, publishing, promote and rollback, verify,
 * symbolic links refused, and SIGKILL at random points.  The CLI's
 * tests are in test_registry_cli.c.  Everything happens in a mkdtemp()
 * directory (reg.h).
 */


#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <mlclf.h>
#include <mlclf_registry_store.h>
#include "files.h"
#include "reg.h"
#include "tap.h"


/* 1 if mlclf_model_name_check() takes the NUL-terminated name */
static int
name_valid(const char *name)
{
    return mlclf_model_name_check(name, name ? strlen(name) : 0)
           == MLCLF_OK;
}


static void
t_names(void)
{
    char         long64[65], long65[66];
    size_t       i;
    mlclf_err_t  err;

    static const struct {
        const char  *name;
        int          valid;
    } tab[] = {
        { "iris", 1 },
        { "a", 1 },
        { "wine_v2-canary", 1 },
        { "0", 1 },
        { "", 0 },
        { "A", 0 },
        { "Iris", 0 },
        { "a/b", 0 },
        { "../x", 0 },
        { "..", 0 },
        { ".", 0 },
        { "a b", 0 },
        { "\n", 0 },
        { "a\tb", 0 },
        { "\x7f", 0 },
        { "caf\xc3\xa9", 0 },
        { "a.b", 0 },
    };

    for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        is_int(name_valid(tab[i].name), tab[i].valid,
               "name %zu valid=%d", i, tab[i].valid);
    }

    memset(long64, 'a', 64);
    long64[64] = '\0';
    memset(long65, 'a', 65);
    long65[65] = '\0';

    is_int(name_valid(long64), 1, "64 characters valid");
    is_int(name_valid(long65), 0, "65 characters invalid");
    is_int(name_valid(NULL), 0, "NULL invalid");

    memset(&err, 0, sizeof(err));
    is_int(mlclf_registry_promote(reg_root, "../x", 1, NULL, &err),
           MLCLF_EINVAL, "promote refuses ../x");
    ok(strstr(err.msg, "invalid model name") != NULL, "message: %s",
       err.msg);
    is_int(mlclf_registry_exit_code(err.code), MLCLF_REGISTRY_EXIT_USAGE,
           "bad name is a usage error");
    is_int(mlclf_registry_promote(reg_root, "a\nb", 1, NULL, &err),
           MLCLF_EINVAL, "promote refuses a newline");
    ok(strstr(err.msg, "\\x0a") != NULL, "control character escaped: %s",
       err.msg);
}


static void
t_versions(void)
{
    uint32_t  n;

    n = 0;
    ok(mlclf_registry_version_parse("v1", &n) && n == 1, "v1");
    ok(mlclf_registry_version_parse("v42", &n) && n == 42, "v42");
    ok(mlclf_registry_version_parse("v4294967295", &n) && n == 4294967295u,
       "v4294967295");
    ok(!mlclf_registry_version_parse("v4294967296", &n), "v2^32 refused");
    ok(!mlclf_registry_version_parse("v0", &n), "v0 refused");
    ok(!mlclf_registry_version_parse("v01", &n), "v01 refused");
    ok(!mlclf_registry_version_parse("v", &n), "v refused");
    ok(!mlclf_registry_version_parse("", &n), "empty refused");
    ok(!mlclf_registry_version_parse("3", &n), "bare 3 is no directory");
    ok(!mlclf_registry_version_parse("v3a", &n), "v3a refused");
    ok(!mlclf_registry_version_parse("v-3", &n), "v-3 refused");
    ok(!mlclf_registry_version_parse("V3", &n), "V3 refused");
    ok(!mlclf_registry_version_parse(NULL, &n), "NULL refused");
    ok(mlclf_registry_version_arg("3", &n) && n == 3, "arg 3");
    ok(mlclf_registry_version_arg("v7", &n) && n == 7, "arg v7");
    ok(!mlclf_registry_version_arg("03", &n), "arg 03 refused");
    ok(!mlclf_registry_version_arg("x", &n), "arg x refused");
    ok(!mlclf_registry_version_arg("99999999999", &n), "arg too big");
}


static void
t_exit_codes(void)
{
    is_int(mlclf_registry_exit_code(MLCLF_OK), 0, "OK -> 0");
    is_int(mlclf_registry_exit_code(MLCLF_REGISTRY_ENOENT), 3,
           "ENOENT -> 3");
    is_int(mlclf_registry_exit_code(MLCLF_EPAYLOADCRC), 4, "CRC -> 4");
    is_int(mlclf_registry_exit_code(MLCLF_REGISTRY_ECHECKSUM), 4,
           "sha -> 4");
    is_int(mlclf_registry_exit_code(MLCLF_REGISTRY_EINCOMPLETE), 4,
           "incomplete -> 4");
    is_int(mlclf_registry_exit_code(MLCLF_EIO), 5, "EIO -> 5");
    is_int(mlclf_registry_exit_code(MLCLF_REGISTRY_ENOHISTORY), 6,
           "no history -> 6");
    is_int(mlclf_registry_exit_code(MLCLF_REGISTRY_EUNSAFE), 4,
           "refused link -> 4");
    is_int(mlclf_registry_exit_code(MLCLF_ENOMEM), 1, "ENOMEM -> 1");
}


static void
t_publishing(void)
{
    int                        rc;
    char                       path[REG_PATH];
    size_t                     n;
    uint32_t                   v;
    mlclf_err_t                err;
    mlclf_registry_pub_t       pub;
    mlclf_registry_event_t    *ev;
    mlclf_registry_version_t  *vs;

    is_int(mlclf_registry_list(reg_root, "iris", &vs, &n, &err),
           MLCLF_REGISTRY_ENOENT, "list of an unknown model");

    is_int(reg_publish(reg_root, "iris", 0.9), 1, "first version is v1");
    is_int(reg_publish(reg_root, "iris", 0.925), 2, "then v2");
    is_int(reg_publish(reg_root, "iris", 0.95), 3, "then v3");

    reg_path(path, "%s/iris/versions/v3/model.mlclf", reg_root);
    ok(files_exists(path), "v3/model.mlclf exists");
    is_int(reg_staging(reg_root, "iris"), 0, "no staging dir left");

    v = 99;
    is_int(mlclf_registry_active(reg_root, "iris", &v, &err), MLCLF_OK,
           "active without a link");
    is_int(v, 0, "no active version yet");

    /* abort leaves nothing */
    rc = mlclf_registry_stage(&pub, reg_root, "iris", &err);
    is_int(rc, MLCLF_OK, "stage v4");
    is_int(pub.version, 4, "staged as v4");
    ok(strstr(pub.dir, "/versions/.staging-v4-") != NULL, "staging dir %s",
       pub.dir);
    reg_path(path, "%s/model.mlclf", pub.dir);
    ok(files_write(path, "junk", 4) == 0, "write into staging");
    mlclf_registry_abort(&pub);
    is_int(pub.lock_fd, -1, "abort drops the lock");
    ok(!files_exists(pub.dir), "abort removed the staging dir");
    reg_path(path, "%s/iris/versions/v4", reg_root);
    ok(!files_exists(path), "no v4 after abort");
    mlclf_registry_abort(&pub);
    ok(1, "second abort is harmless");

    /* commit refuses an incomplete version */
    rc = mlclf_registry_stage(&pub, reg_root, "iris", &err);
    is_int(rc, MLCLF_OK, "stage again");
    is_int(pub.version, 4, "aborted number given out again");
    rc = mlclf_registry_commit(&pub, &err);
    is_int(rc, MLCLF_REGISTRY_EINCOMPLETE, "commit of an empty dir fails");
    ok(strstr(err.msg, "meta.json: missing") != NULL, "message: %s",
       err.msg);
    is_int(pub.lock_fd, -1, "failed commit drops the lock");
    is_int(reg_staging(reg_root, "iris"), 0, "and the staging dir");
    mlclf_registry_abort(&pub);
    ok(!files_exists(path), "still no v4");

    /* a killed publisher's staging dir: ignored, then cleaned */
    reg_path(path, "%s/iris/versions/.staging-v9-999999", reg_root);
    ok(mkdir(path, 0755) == 0, "fake stale staging dir");
    reg_path(path, "%s/iris/versions/.staging-v9-999999/model.mlclf", reg_root);
    ok(files_write(path, "half", 4) == 0, "with a half file");
    reg_path(path, "%s/iris/active.tmp.999999", reg_root);
    ok(symlink("versions/v1", path) == 0, "and a stale active.tmp");

    rc = mlclf_registry_list(reg_root, "iris", &vs, &n, &err);
    is_int(rc, MLCLF_OK, "list");
    is_int(n, 3, "list ignores the staging dir");

    if (n == 3) {
        is_int(vs[0].version, 1, "v1 first");
        is_int(vs[2].version, 3, "v3 last");
        ok(vs[0].status == MLCLF_REGISTRY_COMPLETE
           && vs[2].status == MLCLF_REGISTRY_COMPLETE, "complete");
        is_str(vs[0].reason, "", "no reason");
        ok(!vs[0].active, "not active");
        is_double(vs[2].accuracy, 0.95, 0, "accuracy from meta.json");
        is_double(vs[2].macro_f1, 0.5, 0, "macro_f1 from meta.json");
        is_str(vs[2].created_at, "2026-11-24T13:00:03Z", "created_at");
    }

    free(vs);

    is_int(reg_publish(reg_root, "iris", 0.5), 4, "v4 despite the stale dir");
    is_int(reg_staging(reg_root, "iris"), 0, "stale staging dir cleaned");
    ok(!files_exists(path), "stale active.tmp removed");

    rc = mlclf_registry_history(reg_root, "iris", &ev, &n, &err);
    is_int(rc, MLCLF_OK, "history");
    is_int(n, 4, "four publish events");

    if (n == 4) {
        is_str(ev[3].action, "publish", "action publish");
        is_int(ev[3].from, 0, "from -");
        is_int(ev[3].to, 4, "to v4");
        is_int(strlen(ev[3].time), 20, "time %s", ev[3].time);
    }

    free(ev);

    /* an incomplete version dir (no meta.json) */
    reg_path(path, "%s/iris/versions/v5", reg_root);
    ok(mkdir(path, 0755) == 0, "hand-made v5");
    reg_path(path, "%s/iris/versions/v5/model.mlclf", reg_root);
    ok(files_write(path, "x", 1) == 0, "with only model.mlclf");

    rc = mlclf_registry_list(reg_root, "iris", &vs, &n, &err);
    is_int(n, 5, "v5 listed");

    if (n == 5) {
        is_int(vs[4].status, MLCLF_REGISTRY_INCOMPLETE, "v5 incomplete");
        ok(strstr(vs[4].reason, "/iris/versions/v5/meta.json: missing")
           != NULL, "the reason names the file: %s", vs[4].reason);
    }

    free(vs);

    rc = mlclf_registry_verify(reg_root, "iris", 5, &err);
    is_int(rc, MLCLF_REGISTRY_EINCOMPLETE, "v5 does not verify");
    is_int(mlclf_registry_promote(reg_root, "iris", 5, NULL, &err),
           MLCLF_REGISTRY_EINCOMPLETE, "v5 cannot be promoted");
    is_int(mlclf_registry_promote(reg_root, "iris", 77, NULL, &err),
           MLCLF_REGISTRY_ENOENT, "v77 does not exist");
    is_int(mlclf_registry_promote(reg_root, "nope", 1, NULL, &err),
           MLCLF_REGISTRY_ENOENT, "no model nope");

    /* bad JSON is incomplete too */
    reg_path(path, "%s/iris/versions/v5/meta.json", reg_root);
    ok(files_write(path, "{\"name\":", 8) == 0, "truncated meta.json");
    is_int(mlclf_registry_verify(reg_root, "iris", 5, &err),
           MLCLF_REGISTRY_EINCOMPLETE, "bad meta.json: %s", err.msg);

    rc = mlclf_registry_stage(&pub, reg_root, "iris", &err);
    is_int(pub.version, 6, "a hand-made v5 still counts for numbering");
    mlclf_registry_abort(&pub);
}


static void
t_promote(void)
{
    int                      fd;
    char                     path[REG_PATH], link[64];
    size_t                   n;
    ssize_t                  len;
    uint32_t                 v, from, to;
    mlclf_err_t              err;
    struct stat              st;
    mlclf_registry_event_t  *ev;

    reg_path(path, "%s/iris/active", reg_root);

    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_REGISTRY_ENOHISTORY, "rollback with nothing active");

    from = 99;
    is_int(mlclf_registry_promote(reg_root, "iris", 1, &from, &err), MLCLF_OK,
           "promote v1");
    is_int(from, 0, "replacing none");
    is_int(mlclf_registry_promote(reg_root, "iris", 2, &from, &err), MLCLF_OK,
           "promote v2");
    is_int(from, 1, "replacing v1");
    is_int(mlclf_registry_promote(reg_root, "iris", 3, NULL, &err), MLCLF_OK,
           "promote v3");

    ok(lstat(path, &st) == 0 && S_ISLNK(st.st_mode), "active is a link");
    len = readlink(path, link, sizeof(link) - 1);
    link[len > 0 ? len : 0] = '\0';
    is_str(link, "versions/v3", "relative link to versions/v3");
    mlclf_registry_active(reg_root, "iris", &v, &err);
    is_int(v, 3, "active v3");

    is_int(mlclf_registry_promote(reg_root, "iris", 3, &from, &err), MLCLF_OK,
           "promote v3 again is a no-op");
    is_int(from, 3, "which replaces nothing but v3");

    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback");
    is_int(from, 3, "from v3");
    is_int(to, 2, "to v2");
    mlclf_registry_active(reg_root, "iris", &v, &err);
    is_int(v, 2, "active v2");

    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback again");
    is_int(to, 1, "to v1");

    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_REGISTRY_ENOHISTORY, "no third rollback");
    ok(strstr(err.msg, "roll back") != NULL, "message: %s", err.msg);
    mlclf_registry_active(reg_root, "iris", &v, &err);
    is_int(v, 1, "still v1");

    is_int(mlclf_registry_promote(reg_root, "iris", 4, NULL, &err), MLCLF_OK,
           "promote v4");
    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback after a new promote");
    is_int(to, 1, "back to v1");

    is_int(mlclf_registry_promote(reg_root, "iris", 2, NULL, &err), MLCLF_OK,
           "promote v2");
    is_int(mlclf_registry_promote(reg_root, "iris", 3, NULL, &err), MLCLF_OK,
           "promote v3");
    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback");
    is_int(to, 2, "to v2");
    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback");
    is_int(to, 1, "to v1");

    /* the link moved behind the log's back (a crash before logging) */
    (void) unlink(path);
    ok(symlink("versions/v4", path) == 0, "active set to v4 by hand");
    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback from an unlogged active");
    is_int(from, 4, "from v4");
    is_int(to, 1, "to the last logged active");

    is_int(mlclf_registry_history(reg_root, "iris", &ev, &n, &err), MLCLF_OK,
           "history");
    is_int(n, 4 + 12, "4 publishes, 12 swaps");

    if (n == 16) {
        is_str(ev[4].action, "promote", "first promote");
        is_int(ev[4].from, 0, "from -");
        is_int(ev[4].to, 1, "to v1");
        is_str(ev[7].action, "rollback", "first rollback");
        is_int(ev[7].from, 3, "from v3");
        is_int(ev[7].to, 2, "to v2");
    }

    free(ev);

    /* a torn last line is skipped */
    reg_path(path, "%s/iris/history.log", reg_root);
    fd = open(path, O_WRONLY | O_APPEND);
    ok(fd >= 0 && write(fd, "\n\n2026-11-24T13:00:00Z promote v1 v1", 36)
       == 36, "blank lines and a torn line");
    (void) close(fd);

    is_int(mlclf_registry_history(reg_root, "iris", &ev, &n, &err), MLCLF_OK,
           "history with a torn line");
    is_int(n, 16, "torn line skipped");
    free(ev);

    /* the next event starts on a line of its own */
    is_int(mlclf_registry_promote(reg_root, "iris", 2, NULL, &err), MLCLF_OK,
           "promote v2 after the torn line");
    is_int(mlclf_registry_history(reg_root, "iris", &ev, &n, &err), MLCLF_OK,
           "history");
    is_int(n, 17, "the new event is read");

    if (n == 17) {
        is_int(ev[16].to, 2, "to v2");
    }

    free(ev);
    /* v4 was never logged as active: the stack is v1, v2 */
    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback");
    is_int(to, 1, "to v1");
    is_int(mlclf_registry_rollback(reg_root, "iris", &from, &to, &err),
           MLCLF_REGISTRY_ENOHISTORY, "and no further");
}


static void
t_verify(void)
{
    int          rc;
    char        *p, *q;
    char         path[REG_PATH], mpath[REG_PATH];
    size_t       len;
    mlclf_err_t  err;

    is_int(reg_publish(reg_root, "wine", 0.8), 1, "wine v1");
    is_int(reg_publish(reg_root, "wine", 0.8), 2, "wine v2");
    is_int(reg_publish(reg_root, "wine", 0.8), 3, "wine v3");

    is_int(mlclf_registry_verify(reg_root, "wine", 1, &err), MLCLF_OK,
           "v1 verifies");
    is_int(mlclf_registry_verify(reg_root, "wine", 9, &err),
           MLCLF_REGISTRY_ENOENT, "v9 not found");

    /* flip one byte near the end of the payload */
    reg_path(path, "%s/wine/versions/v2/model.mlclf", reg_root);
    p = files_read(path, &len);
    ok(p != NULL && len > 16, "read v2 model");

    if (p != NULL && len > 16) {
        p[len - 9] ^= 0x01;
        ok(files_write(path, p, len) == 0, "flip a byte");
    }

    free(p);

    rc = mlclf_registry_verify(reg_root, "wine", 2, &err);
    is_int(mlclf_registry_exit_code(rc), MLCLF_REGISTRY_EXIT_INVALID,
           "flipped byte found (%d)", rc);
    ok(strncmp(err.msg, path, strlen(path)) == 0,
       "message names the file: %s", err.msg);
    is_int(mlclf_registry_promote(reg_root, "wine", 2, NULL, &err), rc,
           "damaged v2 is not promoted");

    /* meta.json with another sha256 */
    reg_path(mpath, "%s/wine/versions/v3/meta.json", reg_root);
    p = files_read(mpath, &len);
    q = p ? strstr(p, "\"model_sha256\":\"") : NULL;
    ok(q != NULL, "meta.json has model_sha256");

    if (q != NULL) {
        q += 16;
        q[0] = q[0] == '0' ? '1' : '0';
        ok(files_write(mpath, p, len) == 0, "change the sha256");
    }

    free(p);

    rc = mlclf_registry_verify(reg_root, "wine", 3, &err);
    is_int(rc, MLCLF_REGISTRY_ECHECKSUM, "sha256 mismatch found");
    ok(strstr(err.msg, "does not match") != NULL, "message: %s", err.msg);
}


/* A version of name to promote: not the active one, so there is a swap. */
static uint32_t
t_other(const char *name)
{
    return reg_active(name) == 1 ? 2 : 1;
}


/* rc is a refusal: exit 4, err->msg is "<path>: <reason>". */
static void
t_refused(int rc, const mlclf_err_t *err, const char *path,
    const char *reason, const char *what)
{
    size_t  len;

    len = strlen(path);

    is_int(mlclf_registry_exit_code(rc), MLCLF_REGISTRY_EXIT_INVALID,
           "%s: refused, exit 4", what);
    ok(rc != MLCLF_OK && strncmp(err->msg, path, len) == 0
       && strncmp(err->msg + len, ": ", 2) == 0
       && strstr(err->msg + len, reason) != NULL,
       "%s: \"%s\"", what, rc != MLCLF_OK ? err->msg : "(succeeded)");
}


/* promote, rollback and stage of "sym": refused, path being a link. */
static void
t_writers_refused(const char *path, const char *what)
{
    int                    rc;
    char                   name[256];
    uint32_t               from, to;
    mlclf_err_t            err;
    mlclf_registry_pub_t   pub;

    (void) snprintf(name, sizeof(name), "promote, %s", what);
    rc = mlclf_registry_promote(reg_root, "sym", t_other("sym"), NULL, &err);
    t_refused(rc, &err, path, REG_LINK, name);

    (void) snprintf(name, sizeof(name), "rollback, %s", what);
    rc = mlclf_registry_rollback(reg_root, "sym", &from, &to, &err);
    t_refused(rc, &err, path, REG_LINK, name);

    (void) snprintf(name, sizeof(name), "stage, %s", what);
    rc = mlclf_registry_stage(&pub, reg_root, "sym", &err);
    t_refused(rc, &err, path, REG_LINK, name);
    mlclf_registry_abort(&pub);
}


/* history.log a link, to a file outside or to none: refused. */
static void
t_symlinks_log(const char *dir, const char *victim, const char *ghost)
{
    int                      rc;
    char                     path[REG_PATH], saved[REG_PATH];
    size_t                   n;
    mlclf_err_t              err;
    mlclf_registry_event_t  *ev;

    /* history.log -> a file outside */
    reg_path(path, "%s/history.log", dir);
    reg_path(saved, "%s/history.saved", reg_tmp);
    ok(rename(path, saved) == 0 && symlink(victim, path) == 0,
       "history.log is a link to a file outside");

    t_writers_refused(path, "history.log a link");
    is_int(reg_staging(reg_root, "sym"), 0, "no staging dir left");
    rc = mlclf_registry_history(reg_root, "sym", &ev, &n, &err);
    t_refused(rc, &err, path, REG_LINK, "history, history.log a link");
    free(ev);
    ok(reg_same(victim, REG_VICTIM), "the link's target is unchanged");
    is_int(reg_active("sym"), 2, "active unchanged");

    /* ... and to a file that does not exist */
    ok(unlink(path) == 0 && symlink(ghost, path) == 0,
       "history.log is a dangling link");
    rc = mlclf_registry_promote(reg_root, "sym", t_other("sym"), NULL, &err);
    t_refused(rc, &err, path, REG_LINK, "promote, history.log dangling");
    ok(!files_exists(ghost), "the link's target is not created");
    is_int(reg_active("sym"), 2, "active unchanged");

    ok(unlink(path) == 0 && rename(saved, path) == 0, "history.log back");
}


/* .lock a link, and active.tmp.<pid> taken: refused. */
static void
t_symlinks_lock(const char *dir, const char *victim, const char *ghost)
{
    int            rc;
    char           path[REG_PATH];
    mlclf_err_t    err;

    /* .lock -> a file that does not exist, or a file outside */
    reg_path(path, "%s/.lock", dir);
    ok(unlink(path) == 0 && symlink(ghost, path) == 0,
       ".lock is a dangling link");
    t_writers_refused(path, ".lock dangling");
    ok(!files_exists(ghost), "the link's target is not created");

    ok(unlink(path) == 0 && symlink(victim, path) == 0,
       ".lock is a link to a file outside");
    rc = mlclf_registry_promote(reg_root, "sym", t_other("sym"), NULL, &err);
    t_refused(rc, &err, path, REG_LINK, "promote, .lock a link");
    ok(reg_same(victim, REG_VICTIM), "the link's target is unchanged");
    is_int(reg_active("sym"), 2, "active unchanged");
    ok(unlink(path) == 0, ".lock link removed");

    /* what promote names active.tmp.<pid> is in the way, not ours */
    reg_path(path, "%s/active.tmp.%ld", dir, (long) getpid());
    ok(mkdir(path, 0755) == 0, "a directory named active.tmp.<pid>");
    rc = mlclf_registry_promote(reg_root, "sym", t_other("sym"), NULL, &err);
    t_refused(rc, &err, path, "refused", "promote, active.tmp in the way");
    ok(files_exists(path), "it is left alone");
    is_int(reg_active("sym"), 2, "active unchanged");
    ok(rmdir(path) == 0, "removed");
}


/*
 * Staging: stale links cleaned without being followed, a staging
 * directory replaced by a link refused, v<N> taken refused.  out is a
 * directory outside the registry, made here.
 */
static void
t_symlinks_staging(const char *dir, const char *victim, const char *out)
{
    int                    rc;
    char                   path[REG_PATH], tmp[REG_PATH];
    mlclf_err_t            err;
    mlclf_registry_pub_t   pub;

    /* a stale staging link: removed, its target left alone */
    reg_path(tmp, "%s/keep", out);
    ok(mkdir(out, 0755) == 0 && files_write(tmp, "k", 1) == 0,
       "a directory outside with a file");
    reg_path(path, "%s/versions/.staging-v9-1", dir);
    ok(symlink(out, path) == 0, "a staging name linked to it");
    reg_path(path, "%s/versions/.staging-v9-2", dir);
    ok(mkdir(path, 0755) == 0, "a stale staging dir");
    reg_path(path, "%s/versions/.staging-v9-2/model.mlclf", dir);
    ok(symlink(victim, path) == 0, "holding a link to the victim");

    is_int(mlclf_registry_stage(&pub, reg_root, "sym", &err), MLCLF_OK,
           "stage cleans them up");
    is_int(reg_staging(reg_root, "sym"), 1, "only our staging dir");
    ok(files_exists(tmp), "the linked directory's file is still there");
    ok(reg_same(victim, REG_VICTIM), "the victim is still there");

    /* the staging dir replaced by a link while the files are written */
    ok(reg_fill(&pub, "sym", 0.7) == 0, "fill the staging dir");
    reg_path(tmp, "%s/moved", reg_tmp);
    ok(rename(pub.dir, tmp) == 0 && symlink(tmp, pub.dir) == 0,
       "staging dir moved out, a link in its place");
    (void) snprintf(path, sizeof(path), "%s", pub.dir);
    rc = mlclf_registry_commit(&pub, &err);
    t_refused(rc, &err, path, REG_LINK, "commit, staging dir a link");
    mlclf_registry_abort(&pub);
    reg_path(path, "%s/versions/v3", dir);
    ok(!files_exists(path), "no v3");
    reg_path(path, "%s/moved/model.mlclf", reg_tmp);
    ok(files_exists(path), "the link's target is left alone");

    /* the name v<N> of the next version taken by something else */
    reg_path(path, "%s/versions/v3", dir);
    ok(symlink(tmp, path) == 0, "versions/v3 is a link");
    rc = mlclf_registry_stage(&pub, reg_root, "sym", &err);
    t_refused(rc, &err, path, "refused", "stage, v3 taken by a link");
    mlclf_registry_abort(&pub);
    is_int(reg_staging(reg_root, "sym"), 0, "no staging dir left");
    ok(unlink(path) == 0, "link removed");
}


/* versions/ or the model directory a link to out: nothing through it. */
static void
t_symlinks_dirs(const char *out)
{
    int                    rc;
    char                   path[REG_PATH], tmp[REG_PATH];
    mlclf_err_t            err;
    mlclf_registry_pub_t   pub;

    /* versions/ a link */
    reg_path(path, "%s/symv", reg_root);
    ok(mkdir(path, 0755) == 0, "model dir symv");
    reg_path(path, "%s/symv/versions", reg_root);
    ok(symlink(out, path) == 0, "symv/versions is a link");
    rc = mlclf_registry_stage(&pub, reg_root, "symv", &err);
    t_refused(rc, &err, path, REG_LINK, "stage, versions a link");
    mlclf_registry_abort(&pub);
    reg_path(tmp, "%s/.staging-v1-%ld", out, (long) getpid());
    ok(!files_exists(tmp), "nothing staged through it");

    /* the model directory a link */
    reg_path(path, "%s/symm", reg_root);
    ok(symlink(out, path) == 0, "model dir symm is a link");
    rc = mlclf_registry_stage(&pub, reg_root, "symm", &err);
    t_refused(rc, &err, path, REG_LINK, "stage, model dir a link");
    mlclf_registry_abort(&pub);
    rc = mlclf_registry_promote(reg_root, "symm", 1, NULL, &err);
    t_refused(rc, &err, path, REG_LINK, "promote, model dir a link");
    reg_path(tmp, "%s/.lock", out);
    ok(!files_exists(tmp), "no .lock through it");
    reg_path(tmp, "%s/versions", out);
    ok(!files_exists(tmp), "no versions through it");
}


/*
 * Issue 11, finding 5: the registry never writes through a symbolic
 * link.  Run by root on a registry others can write, a link planted as
 * history.log or .lock would have root append to, or create, any file.
 * Each refusal names the file, exits 4 and changes nothing: neither the
 * link's target nor active.
 */
static void
t_symlinks(void)
{
    char         dir[REG_PATH], victim[REG_PATH], ghost[REG_PATH];
    char         out[REG_PATH];
    mlclf_err_t  err;

    reg_path(victim, "%s/victim", reg_tmp);
    reg_path(ghost, "%s/ghost", reg_tmp);
    reg_path(out, "%s/outside", reg_tmp);
    reg_path(dir, "%s/sym", reg_root);

    ok(files_write(victim, REG_VICTIM, strlen(REG_VICTIM)) == 0,
       "a file outside the registry");

    is_int(reg_publish(reg_root, "sym", 0.7), 1, "sym v1");
    is_int(reg_publish(reg_root, "sym", 0.7), 2, "sym v2");
    is_int(mlclf_registry_promote(reg_root, "sym", 1, NULL, &err), MLCLF_OK,
           "promote sym v1");
    is_int(mlclf_registry_promote(reg_root, "sym", 2, NULL, &err), MLCLF_OK,
           "promote sym v2");

    t_symlinks_log(dir, victim, ghost);
    t_symlinks_lock(dir, victim, ghost);
    t_symlinks_staging(dir, victim, out);
    t_symlinks_dirs(out);

    /* with the links gone, all works again */
    is_int(mlclf_registry_promote(reg_root, "sym", 1, NULL, &err), MLCLF_OK,
           "promote sym v1");
    is_int(reg_publish(reg_root, "sym", 0.7), 3, "publish sym v3");
}


/*
 * SIGKILL a publisher / promoter at pseudo-random points (fixed seed):
 * whenever it dies, every v<N> must verify, active must name one of
 * them, and the next stage() must clean up and number on.
 */
static void
t_crash(void)
{
    int                        i, bad, fd;
    char                       path[REG_PATH];
    pid_t                      pid;
    size_t                     n, k, nev;
    uint32_t                   active, seed, to;
    mlclf_err_t                err;
    mlclf_registry_pub_t       pub;
    mlclf_registry_event_t    *ev;
    mlclf_registry_version_t  *vs;

    seed = 12345;
    bad = 0;

    for (i = 0; i < 60; i++) {
        fflush(stdout);

        pid = fork();

        if (pid == 0) {
            fd = open("/dev/null", O_WRONLY);
            (void) dup2(fd, 1);
            (void) dup2(fd, 2);

            for ( ;; ) {
                to = reg_publish(reg_root, "crash", 0.75);
                (void) mlclf_registry_promote(reg_root, "crash", to, NULL,
                                              NULL);
                (void) mlclf_registry_rollback(reg_root, "crash", NULL, NULL,
                                               NULL);
            }
        }

        seed = seed * 1103515245 + 12345;
        (void) usleep((seed >> 8) % 4000);
        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);

        if (mlclf_registry_list(reg_root, "crash", &vs, &n, &err)
            != MLCLF_OK)
        {
            /* killed before even the model directory existed */
            continue;
        }

        active = 0;

        for (k = 0; k < n; k++) {
            if (mlclf_registry_verify(reg_root, "crash", vs[k].version, &err)
                != MLCLF_OK)
            {
                tap_diag("round %d: %s", i, err.msg);
                bad++;
            }

            if (vs[k].active) {
                active = vs[k].version;
            }
        }

        free(vs);

        if (mlclf_registry_active(reg_root, "crash", &to, &err) != MLCLF_OK
            || to != active)
        {
            tap_diag("round %d: active v%u is not a listed version", i, to);
            bad++;
        }

        if (mlclf_registry_history(reg_root, "crash", &ev, &nev, &err)
            != MLCLF_OK)
        {
            tap_diag("round %d: history: %s", i, err.msg);
            bad++;

        } else {
            free(ev);
        }
    }

    is_int(bad, 0, "SIGKILL never leaves a bad version or active link");

    is_int(mlclf_registry_stage(&pub, reg_root, "crash", &err), MLCLF_OK,
           "stage after the kills");
    is_int(reg_staging(reg_root, "crash"), 1, "only our staging dir");
    reg_path(path, "%s/crash/versions/v%u", reg_root, pub.version);
    ok(!files_exists(path), "a fresh number");
    mlclf_registry_abort(&pub);

    (void) mlclf_registry_list(reg_root, "crash", &vs, &n, &err);
    tap_diag("%zu versions published between kills", n);
    free(vs);
}


int
main(void)
{
    /* a root that does not exist yet: stage() creates it */
    reg_setup("test_registry", "reg/istry");

    t_names();
    t_versions();
    t_exit_codes();
    t_publishing();
    t_promote();
    t_verify();
    t_symlinks();
    t_crash();

    reg_done(tap_failed != 0);

    return tap_done();
}
