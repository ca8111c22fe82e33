
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Unit tests of the registry store (registry/mlclf_registry_store.c) and
 * of the mlclf-registry CLI, which they run from $MLCLF_BIN (default
 * build/bin).  Everything happens in a mkdtemp() directory.
 */


#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>

#include <mlclf.h>
#include <mlclf_train.h>
#include <mlclf_registry_store.h>
#include "tap.h"
#include <mlclf_sha256.h>


#define T_PATH  4096


/* 1 if mlclf_model_name_check() takes the NUL-terminated name */
static int
name_valid(const char *name)
{
    return mlclf_model_name_check(name, name ? strlen(name) : 0)
           == MLCLF_OK;
}


static char  t_tmp[T_PATH];
static char  t_root[T_PATH];
static char  t_bin[T_PATH];


static void
t_path(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));


static void
t_path(char *buf, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    (void) vsnprintf(buf, T_PATH, fmt, ap);
    va_end(ap);
}


static int
t_write(const char *path, const void *data, size_t len)
{
    int      fd;
    ssize_t  n;

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd == -1) {
        return -1;
    }

    n = write(fd, data, len);

    if (close(fd) == -1 || n != (ssize_t) len) {
        return -1;
    }

    return 0;
}


static char *
t_read(const char *path, size_t *len)
{
    int          fd;
    char        *p;
    ssize_t      n;
    struct stat  st;

    fd = open(path, O_RDONLY);
    if (fd == -1) {
        return NULL;
    }

    if (fstat(fd, &st) == -1) {
        (void) close(fd);
        return NULL;
    }

    p = malloc((size_t) st.st_size + 1);
    if (p == NULL) {
        (void) close(fd);
        return NULL;
    }

    n = read(fd, p, (size_t) st.st_size);
    (void) close(fd);

    if (n != st.st_size) {
        free(p);
        return NULL;
    }

    p[n] = '\0';

    if (len != NULL) {
        *len = (size_t) n;
    }

    return p;
}


static int
t_exists(const char *path)
{
    struct stat  st;

    return lstat(path, &st) == 0;
}


/* A tiny binary logistic regression model, numbered version. */
static int
t_model(uint32_t version, void **buf, size_t *len)
{
    mlclf_err_t          err;
    mlclf_spec_t         spec;
    static const char   *features[2] = { "x0", "x1" };
    static const char   *labels[2] = { "no", "yes" };
    static const double  w[2] = { 0.5, -1.25 };
    static const double  b[1] = { 0.125 };

    memset(&spec, 0, sizeof(spec));
    spec.kind = MLCLF_KIND_LOGREG;
    spec.n_features = 2;
    spec.n_classes = 2;
    spec.version = version;
    spec.feature_names = features;
    spec.class_labels = labels;
    spec.metadata = "{\"name\":\"t\"}";
    spec.n_outputs = 1;
    spec.weights = w;
    spec.bias = b;

    return mlclf_write_buffer(&spec, buf, len, &err);
}


/*
 * Writes a complete version into the staging directory of pub:
 * model.mlclf and a meta.json as mlclf-train writes them.  0 or -1.
 */
static int
t_fill(const mlclf_registry_pub_t *pub, const char *name, double accuracy)
{
    int      rc;
    char     path[T_PATH], hex[65], meta[1024];
    void    *buf;
    size_t   len;
    uint8_t  digest[32];

    if (t_model(pub->version, &buf, &len) != MLCLF_OK) {
        return -1;
    }

    mlclf_sha256(buf, len, digest);
    mlclf_sha256_hex(digest, hex);

    t_path(path, "%s/model.mlclf", pub->dir);
    rc = t_write(path, buf, len);
    free(buf);

    (void) snprintf(meta, sizeof(meta),
                    "{\"name\":\"%s\",\"version\":\"v%u\","
                    "\"created_at\":\"2026-11-24T13:00:0%uZ\","
                    "\"algorithm\":\"logreg\","
                    "\"dataset_sha256\":\"%064d\","
                    "\"metrics\":{\"accuracy\":%.17g,\"macro_f1\":0.5},"
                    "\"config\":{\"seed\":42},"
                    "\"model_sha256\":\"%s\"}",
                    name, pub->version, pub->version % 10, 0, accuracy, hex);

    t_path(path, "%s/meta.json", pub->dir);

    if (rc != 0 || t_write(path, meta, strlen(meta)) != 0) {
        return -1;
    }

    return 0;
}


/* Publishes a complete version through stage/commit; the version or 0. */
static uint32_t
t_publish(const char *root, const char *name, double accuracy)
{
    int                    rc;
    mlclf_err_t            err;
    mlclf_registry_pub_t   pub;

    rc = mlclf_registry_stage(&pub, root, name, &err);
    if (rc != MLCLF_OK) {
        tap_diag("stage: %s", err.msg);
        return 0;
    }

    if (t_fill(&pub, name, accuracy) != 0) {
        mlclf_registry_abort(&pub);
        return 0;
    }

    rc = mlclf_registry_commit(&pub, &err);
    if (rc != MLCLF_OK) {
        tap_diag("commit: %s", err.msg);
        mlclf_registry_abort(&pub);
        return 0;
    }

    return pub.version;
}


static size_t
t_count_staging(const char *root, const char *name)
{
    int      c;
    char     cmd[T_PATH + 64], path[T_PATH];
    FILE    *f;
    size_t   n;

    t_path(path, "%s/%s/versions", root, name);
    (void) snprintf(cmd, sizeof(cmd), "ls -a '%s' | grep -c '^\\.staging-'",
                    path);

    f = popen(cmd, "r");
    if (f == NULL) {
        return (size_t) -1;
    }

    n = 0;

    while ((c = fgetc(f)) != EOF) {
        if (c >= '0' && c <= '9') {
            n = n * 10 + (size_t) (c - '0');
        }
    }

    (void) pclose(f);

    return n;
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
    is_int(mlclf_registry_promote(t_root, "../x", 1, NULL, &err), MLCLF_EINVAL,
           "promote refuses ../x");
    ok(strstr(err.msg, "invalid model name") != NULL, "message: %s",
       err.msg);
    is_int(mlclf_registry_exit_code(err.code), MLCLF_REGISTRY_EXIT_USAGE,
           "bad name is a usage error");
    is_int(mlclf_registry_promote(t_root, "a\nb", 1, NULL, &err), MLCLF_EINVAL,
           "promote refuses a newline");
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
    char                       path[T_PATH];
    size_t                     n;
    uint32_t                   v;
    mlclf_err_t                err;
    mlclf_registry_pub_t       pub;
    mlclf_registry_event_t    *ev;
    mlclf_registry_version_t  *vs;

    is_int(mlclf_registry_list(t_root, "iris", &vs, &n, &err),
           MLCLF_REGISTRY_ENOENT, "list of an unknown model");

    is_int(t_publish(t_root, "iris", 0.9), 1, "first version is v1");
    is_int(t_publish(t_root, "iris", 0.925), 2, "then v2");
    is_int(t_publish(t_root, "iris", 0.95), 3, "then v3");

    t_path(path, "%s/iris/versions/v3/model.mlclf", t_root);
    ok(t_exists(path), "v3/model.mlclf exists");
    is_int(t_count_staging(t_root, "iris"), 0, "no staging dir left");

    v = 99;
    is_int(mlclf_registry_active(t_root, "iris", &v, &err), MLCLF_OK,
           "active without a link");
    is_int(v, 0, "no active version yet");

    /* abort leaves nothing */
    rc = mlclf_registry_stage(&pub, t_root, "iris", &err);
    is_int(rc, MLCLF_OK, "stage v4");
    is_int(pub.version, 4, "staged as v4");
    ok(strstr(pub.dir, "/versions/.staging-v4-") != NULL, "staging dir %s",
       pub.dir);
    t_path(path, "%s/model.mlclf", pub.dir);
    ok(t_write(path, "junk", 4) == 0, "write into staging");
    mlclf_registry_abort(&pub);
    is_int(pub.lock_fd, -1, "abort drops the lock");
    ok(!t_exists(pub.dir), "abort removed the staging dir");
    t_path(path, "%s/iris/versions/v4", t_root);
    ok(!t_exists(path), "no v4 after abort");
    mlclf_registry_abort(&pub);
    ok(1, "second abort is harmless");

    /* commit refuses an incomplete version */
    rc = mlclf_registry_stage(&pub, t_root, "iris", &err);
    is_int(rc, MLCLF_OK, "stage again");
    is_int(pub.version, 4, "aborted number given out again");
    rc = mlclf_registry_commit(&pub, &err);
    is_int(rc, MLCLF_REGISTRY_EINCOMPLETE, "commit of an empty dir fails");
    ok(strstr(err.msg, "meta.json: missing") != NULL, "message: %s",
       err.msg);
    is_int(pub.lock_fd, -1, "failed commit drops the lock");
    is_int(t_count_staging(t_root, "iris"), 0, "and the staging dir");
    mlclf_registry_abort(&pub);
    ok(!t_exists(path), "still no v4");

    /* a killed publisher's staging dir: ignored, then cleaned */
    t_path(path, "%s/iris/versions/.staging-v9-999999", t_root);
    ok(mkdir(path, 0755) == 0, "fake stale staging dir");
    t_path(path, "%s/iris/versions/.staging-v9-999999/model.mlclf", t_root);
    ok(t_write(path, "half", 4) == 0, "with a half file");
    t_path(path, "%s/iris/active.tmp.999999", t_root);
    ok(symlink("versions/v1", path) == 0, "and a stale active.tmp");

    rc = mlclf_registry_list(t_root, "iris", &vs, &n, &err);
    is_int(rc, MLCLF_OK, "list");
    is_int(n, 3, "list ignores the staging dir");

    if (n == 3) {
        is_int(vs[0].version, 1, "v1 first");
        is_int(vs[2].version, 3, "v3 last");
        ok(vs[0].complete && vs[2].complete, "complete");
        ok(!vs[0].active, "not active");
        is_double(vs[2].accuracy, 0.95, 0, "accuracy from meta.json");
        is_double(vs[2].macro_f1, 0.5, 0, "macro_f1 from meta.json");
        is_str(vs[2].created_at, "2026-11-24T13:00:03Z", "created_at");
    }

    free(vs);

    is_int(t_publish(t_root, "iris", 0.5), 4, "v4 despite the stale dir");
    is_int(t_count_staging(t_root, "iris"), 0, "stale staging dir cleaned");
    ok(!t_exists(path), "stale active.tmp removed");

    rc = mlclf_registry_history(t_root, "iris", &ev, &n, &err);
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
    t_path(path, "%s/iris/versions/v5", t_root);
    ok(mkdir(path, 0755) == 0, "hand-made v5");
    t_path(path, "%s/iris/versions/v5/model.mlclf", t_root);
    ok(t_write(path, "x", 1) == 0, "with only model.mlclf");

    rc = mlclf_registry_list(t_root, "iris", &vs, &n, &err);
    is_int(n, 5, "v5 listed");

    if (n == 5) {
        ok(!vs[4].complete, "v5 incomplete");
    }

    free(vs);

    rc = mlclf_registry_verify(t_root, "iris", 5, &err);
    is_int(rc, MLCLF_REGISTRY_EINCOMPLETE, "v5 does not verify");
    is_int(mlclf_registry_promote(t_root, "iris", 5, NULL, &err),
           MLCLF_REGISTRY_EINCOMPLETE, "v5 cannot be promoted");
    is_int(mlclf_registry_promote(t_root, "iris", 77, NULL, &err),
           MLCLF_REGISTRY_ENOENT, "v77 does not exist");
    is_int(mlclf_registry_promote(t_root, "nope", 1, NULL, &err),
           MLCLF_REGISTRY_ENOENT, "no model nope");

    /* bad JSON is incomplete too */
    t_path(path, "%s/iris/versions/v5/meta.json", t_root);
    ok(t_write(path, "{\"name\":", 8) == 0, "truncated meta.json");
    is_int(mlclf_registry_verify(t_root, "iris", 5, &err),
           MLCLF_REGISTRY_EINCOMPLETE, "bad meta.json: %s", err.msg);

    rc = mlclf_registry_stage(&pub, t_root, "iris", &err);
    is_int(pub.version, 6, "a hand-made v5 still counts for numbering");
    mlclf_registry_abort(&pub);
}


static void
t_promote(void)
{
    int                      fd;
    char                     path[T_PATH], link[64];
    size_t                   n;
    ssize_t                  len;
    uint32_t                 v, from, to;
    mlclf_err_t              err;
    struct stat              st;
    mlclf_registry_event_t  *ev;

    t_path(path, "%s/iris/active", t_root);

    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_REGISTRY_ENOHISTORY, "rollback with nothing active");

    from = 99;
    is_int(mlclf_registry_promote(t_root, "iris", 1, &from, &err), MLCLF_OK,
           "promote v1");
    is_int(from, 0, "replacing none");
    is_int(mlclf_registry_promote(t_root, "iris", 2, &from, &err), MLCLF_OK,
           "promote v2");
    is_int(from, 1, "replacing v1");
    is_int(mlclf_registry_promote(t_root, "iris", 3, NULL, &err), MLCLF_OK,
           "promote v3");

    ok(lstat(path, &st) == 0 && S_ISLNK(st.st_mode), "active is a link");
    len = readlink(path, link, sizeof(link) - 1);
    link[len > 0 ? len : 0] = '\0';
    is_str(link, "versions/v3", "relative link to versions/v3");
    mlclf_registry_active(t_root, "iris", &v, &err);
    is_int(v, 3, "active v3");

    is_int(mlclf_registry_promote(t_root, "iris", 3, &from, &err), MLCLF_OK,
           "promote v3 again is a no-op");
    is_int(from, 3, "which replaces nothing but v3");

    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback");
    is_int(from, 3, "from v3");
    is_int(to, 2, "to v2");
    mlclf_registry_active(t_root, "iris", &v, &err);
    is_int(v, 2, "active v2");

    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback again");
    is_int(to, 1, "to v1");

    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_REGISTRY_ENOHISTORY, "no third rollback");
    ok(strstr(err.msg, "roll back") != NULL, "message: %s", err.msg);
    mlclf_registry_active(t_root, "iris", &v, &err);
    is_int(v, 1, "still v1");

    is_int(mlclf_registry_promote(t_root, "iris", 4, NULL, &err), MLCLF_OK,
           "promote v4");
    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback after a new promote");
    is_int(to, 1, "back to v1");

    is_int(mlclf_registry_promote(t_root, "iris", 2, NULL, &err), MLCLF_OK,
           "promote v2");
    is_int(mlclf_registry_promote(t_root, "iris", 3, NULL, &err), MLCLF_OK,
           "promote v3");
    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback");
    is_int(to, 2, "to v2");
    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback");
    is_int(to, 1, "to v1");

    /* the link moved behind the log's back (a crash before logging) */
    (void) unlink(path);
    ok(symlink("versions/v4", path) == 0, "active set to v4 by hand");
    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback from an unlogged active");
    is_int(from, 4, "from v4");
    is_int(to, 1, "to the last logged active");

    is_int(mlclf_registry_history(t_root, "iris", &ev, &n, &err), MLCLF_OK,
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
    t_path(path, "%s/iris/history.log", t_root);
    fd = open(path, O_WRONLY | O_APPEND);
    ok(fd >= 0 && write(fd, "\n\n2026-11-24T13:00:00Z promote v1 v1", 36)
       == 36, "blank lines and a torn line");
    (void) close(fd);

    is_int(mlclf_registry_history(t_root, "iris", &ev, &n, &err), MLCLF_OK,
           "history with a torn line");
    is_int(n, 16, "torn line skipped");
    free(ev);

    /* the next event starts on a line of its own */
    is_int(mlclf_registry_promote(t_root, "iris", 2, NULL, &err), MLCLF_OK,
           "promote v2 after the torn line");
    is_int(mlclf_registry_history(t_root, "iris", &ev, &n, &err), MLCLF_OK,
           "history");
    is_int(n, 17, "the new event is read");

    if (n == 17) {
        is_int(ev[16].to, 2, "to v2");
    }

    free(ev);
    /* v4 was never logged as active: the stack is v1, v2 */
    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_OK, "rollback");
    is_int(to, 1, "to v1");
    is_int(mlclf_registry_rollback(t_root, "iris", &from, &to, &err),
           MLCLF_REGISTRY_ENOHISTORY, "and no further");
}


static void
t_verify(void)
{
    int          rc;
    char        *p, *q;
    char         path[T_PATH], mpath[T_PATH];
    size_t       len;
    mlclf_err_t  err;

    is_int(t_publish(t_root, "wine", 0.8), 1, "wine v1");
    is_int(t_publish(t_root, "wine", 0.8), 2, "wine v2");
    is_int(t_publish(t_root, "wine", 0.8), 3, "wine v3");

    is_int(mlclf_registry_verify(t_root, "wine", 1, &err), MLCLF_OK,
           "v1 verifies");
    is_int(mlclf_registry_verify(t_root, "wine", 9, &err),
           MLCLF_REGISTRY_ENOENT, "v9 not found");

    /* flip one byte near the end of the payload */
    t_path(path, "%s/wine/versions/v2/model.mlclf", t_root);
    p = t_read(path, &len);
    ok(p != NULL && len > 16, "read v2 model");

    if (p != NULL && len > 16) {
        p[len - 9] ^= 0x01;
        ok(t_write(path, p, len) == 0, "flip a byte");
    }

    free(p);

    rc = mlclf_registry_verify(t_root, "wine", 2, &err);
    is_int(mlclf_registry_exit_code(rc), MLCLF_REGISTRY_EXIT_INVALID,
           "flipped byte found (%d)", rc);
    ok(strncmp(err.msg, path, strlen(path)) == 0,
       "message names the file: %s", err.msg);
    is_int(mlclf_registry_promote(t_root, "wine", 2, NULL, &err), rc,
           "damaged v2 is not promoted");

    /* meta.json with another sha256 */
    t_path(mpath, "%s/wine/versions/v3/meta.json", t_root);
    p = t_read(mpath, &len);
    q = p ? strstr(p, "\"model_sha256\":\"") : NULL;
    ok(q != NULL, "meta.json has model_sha256");

    if (q != NULL) {
        q += 16;
        q[0] = q[0] == '0' ? '1' : '0';
        ok(t_write(mpath, p, len) == 0, "change the sha256");
    }

    free(p);

    rc = mlclf_registry_verify(t_root, "wine", 3, &err);
    is_int(rc, MLCLF_REGISTRY_ECHECKSUM, "sha256 mismatch found");
    ok(strstr(err.msg, "does not match") != NULL, "message: %s", err.msg);
}


/* Bytes of a file outside the registry that no command may change. */
#define T_VICTIM  "not the registry's: never written by it\n"


static int
t_same(const char *path, const char *want)
{
    int    same;
    char  *p;

    p = t_read(path, NULL);
    same = p != NULL && strcmp(p, want) == 0;
    free(p);

    return same;
}


static uint32_t
t_active(const char *name)
{
    uint32_t     v;
    mlclf_err_t  err;

    if (mlclf_registry_active(t_root, name, &v, &err) != MLCLF_OK) {
        return (uint32_t) -1;
    }

    return v;
}


/* A version of name to promote: not the active one, so there is a swap. */
static uint32_t
t_other(const char *name)
{
    return t_active(name) == 1 ? 2 : 1;
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


#define T_LINK  "is a symbolic link, refused"


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
    int                      rc;
    char                     dir[T_PATH], path[T_PATH], saved[T_PATH];
    char                     victim[T_PATH], ghost[T_PATH], out[T_PATH];
    char                     tmp[T_PATH];
    size_t                   n;
    uint32_t                 from, to;
    mlclf_err_t              err;
    mlclf_registry_pub_t     pub;
    mlclf_registry_event_t  *ev;

    t_path(victim, "%s/victim", t_tmp);
    t_path(ghost, "%s/ghost", t_tmp);
    t_path(dir, "%s/sym", t_root);

    ok(t_write(victim, T_VICTIM, strlen(T_VICTIM)) == 0,
       "a file outside the registry");

    is_int(t_publish(t_root, "sym", 0.7), 1, "sym v1");
    is_int(t_publish(t_root, "sym", 0.7), 2, "sym v2");
    is_int(mlclf_registry_promote(t_root, "sym", 1, NULL, &err), MLCLF_OK,
           "promote sym v1");
    is_int(mlclf_registry_promote(t_root, "sym", 2, NULL, &err), MLCLF_OK,
           "promote sym v2");

    /* history.log -> a file outside */
    t_path(path, "%s/history.log", dir);
    t_path(saved, "%s/history.saved", t_tmp);
    ok(rename(path, saved) == 0 && symlink(victim, path) == 0,
       "history.log is a link to a file outside");

    rc = mlclf_registry_promote(t_root, "sym", t_other("sym"), NULL, &err);
    t_refused(rc, &err, path, T_LINK, "promote, history.log a link");
    rc = mlclf_registry_rollback(t_root, "sym", &from, &to, &err);
    t_refused(rc, &err, path, T_LINK, "rollback, history.log a link");
    rc = mlclf_registry_stage(&pub, t_root, "sym", &err);
    t_refused(rc, &err, path, T_LINK, "stage, history.log a link");
    mlclf_registry_abort(&pub);
    is_int(t_count_staging(t_root, "sym"), 0, "no staging dir left");
    rc = mlclf_registry_history(t_root, "sym", &ev, &n, &err);
    t_refused(rc, &err, path, T_LINK, "history, history.log a link");
    free(ev);
    ok(t_same(victim, T_VICTIM), "the link's target is unchanged");
    is_int(t_active("sym"), 2, "active unchanged");

    /* ... and to a file that does not exist */
    ok(unlink(path) == 0 && symlink(ghost, path) == 0,
       "history.log is a dangling link");
    rc = mlclf_registry_promote(t_root, "sym", t_other("sym"), NULL, &err);
    t_refused(rc, &err, path, T_LINK, "promote, history.log dangling");
    ok(!t_exists(ghost), "the link's target is not created");
    is_int(t_active("sym"), 2, "active unchanged");

    ok(unlink(path) == 0 && rename(saved, path) == 0, "history.log back");

    /* .lock -> a file that does not exist, or a file outside */
    t_path(path, "%s/.lock", dir);
    ok(unlink(path) == 0 && symlink(ghost, path) == 0,
       ".lock is a dangling link");
    rc = mlclf_registry_promote(t_root, "sym", t_other("sym"), NULL, &err);
    t_refused(rc, &err, path, T_LINK, "promote, .lock dangling");
    rc = mlclf_registry_rollback(t_root, "sym", &from, &to, &err);
    t_refused(rc, &err, path, T_LINK, "rollback, .lock dangling");
    rc = mlclf_registry_stage(&pub, t_root, "sym", &err);
    t_refused(rc, &err, path, T_LINK, "stage, .lock dangling");
    mlclf_registry_abort(&pub);
    ok(!t_exists(ghost), "the link's target is not created");

    ok(unlink(path) == 0 && symlink(victim, path) == 0,
       ".lock is a link to a file outside");
    rc = mlclf_registry_promote(t_root, "sym", t_other("sym"), NULL, &err);
    t_refused(rc, &err, path, T_LINK, "promote, .lock a link");
    ok(t_same(victim, T_VICTIM), "the link's target is unchanged");
    is_int(t_active("sym"), 2, "active unchanged");
    ok(unlink(path) == 0, ".lock link removed");

    /* what promote names active.tmp.<pid> is in the way, not ours */
    t_path(path, "%s/active.tmp.%ld", dir, (long) getpid());
    ok(mkdir(path, 0755) == 0, "a directory named active.tmp.<pid>");
    rc = mlclf_registry_promote(t_root, "sym", t_other("sym"), NULL, &err);
    t_refused(rc, &err, path, "refused", "promote, active.tmp in the way");
    ok(t_exists(path), "it is left alone");
    is_int(t_active("sym"), 2, "active unchanged");
    ok(rmdir(path) == 0, "removed");

    /* a stale staging link: removed, its target left alone */
    t_path(out, "%s/outside", t_tmp);
    t_path(tmp, "%s/outside/keep", t_tmp);
    ok(mkdir(out, 0755) == 0 && t_write(tmp, "k", 1) == 0,
       "a directory outside with a file");
    t_path(path, "%s/versions/.staging-v9-1", dir);
    ok(symlink(out, path) == 0, "a staging name linked to it");
    t_path(path, "%s/versions/.staging-v9-2", dir);
    ok(mkdir(path, 0755) == 0, "a stale staging dir");
    t_path(path, "%s/versions/.staging-v9-2/model.mlclf", dir);
    ok(symlink(victim, path) == 0, "holding a link to the victim");

    is_int(mlclf_registry_stage(&pub, t_root, "sym", &err), MLCLF_OK,
           "stage cleans them up");
    is_int(t_count_staging(t_root, "sym"), 1, "only our staging dir");
    ok(t_exists(tmp), "the linked directory's file is still there");
    ok(t_same(victim, T_VICTIM), "the victim is still there");

    /* the staging dir replaced by a link while the files are written */
    ok(t_fill(&pub, "sym", 0.7) == 0, "fill the staging dir");
    t_path(tmp, "%s/moved", t_tmp);
    ok(rename(pub.dir, tmp) == 0 && symlink(tmp, pub.dir) == 0,
       "staging dir moved out, a link in its place");
    (void) snprintf(path, sizeof(path), "%s", pub.dir);
    rc = mlclf_registry_commit(&pub, &err);
    t_refused(rc, &err, path, T_LINK, "commit, staging dir a link");
    mlclf_registry_abort(&pub);
    t_path(path, "%s/versions/v3", dir);
    ok(!t_exists(path), "no v3");
    t_path(path, "%s/moved/model.mlclf", t_tmp);
    ok(t_exists(path), "the link's target is left alone");

    /* the name v<N> of the next version taken by something else */
    t_path(path, "%s/versions/v3", dir);
    ok(symlink(tmp, path) == 0, "versions/v3 is a link");
    rc = mlclf_registry_stage(&pub, t_root, "sym", &err);
    t_refused(rc, &err, path, "refused", "stage, v3 taken by a link");
    mlclf_registry_abort(&pub);
    is_int(t_count_staging(t_root, "sym"), 0, "no staging dir left");
    ok(unlink(path) == 0, "link removed");

    /* versions/ a link */
    t_path(path, "%s/symv", t_root);
    ok(mkdir(path, 0755) == 0, "model dir symv");
    t_path(path, "%s/symv/versions", t_root);
    ok(symlink(out, path) == 0, "symv/versions is a link");
    rc = mlclf_registry_stage(&pub, t_root, "symv", &err);
    t_refused(rc, &err, path, T_LINK, "stage, versions a link");
    mlclf_registry_abort(&pub);
    t_path(tmp, "%s/.staging-v1-%ld", out, (long) getpid());
    ok(!t_exists(tmp), "nothing staged through it");

    /* the model directory a link */
    t_path(path, "%s/symm", t_root);
    ok(symlink(out, path) == 0, "model dir symm is a link");
    rc = mlclf_registry_stage(&pub, t_root, "symm", &err);
    t_refused(rc, &err, path, T_LINK, "stage, model dir a link");
    mlclf_registry_abort(&pub);
    rc = mlclf_registry_promote(t_root, "symm", 1, NULL, &err);
    t_refused(rc, &err, path, T_LINK, "promote, model dir a link");
    t_path(tmp, "%s/.lock", out);
    ok(!t_exists(tmp), "no .lock through it");
    t_path(tmp, "%s/versions", out);
    ok(!t_exists(tmp), "no versions through it");

    /* with the links gone, all works again */
    is_int(mlclf_registry_promote(t_root, "sym", 1, NULL, &err), MLCLF_OK,
           "promote sym v1");
    is_int(t_publish(t_root, "sym", 0.7), 3, "publish sym v3");
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
    char                       path[T_PATH];
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
                to = t_publish(t_root, "crash", 0.75);
                (void) mlclf_registry_promote(t_root, "crash", to, NULL,
                                              NULL);
                (void) mlclf_registry_rollback(t_root, "crash", NULL, NULL,
                                               NULL);
            }
        }

        seed = seed * 1103515245 + 12345;
        (void) usleep((seed >> 8) % 4000);
        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);

        if (mlclf_registry_list(t_root, "crash", &vs, &n, &err)
            != MLCLF_OK)
        {
            /* killed before even the model directory existed */
            continue;
        }

        active = 0;

        for (k = 0; k < n; k++) {
            if (mlclf_registry_verify(t_root, "crash", vs[k].version, &err)
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

        if (mlclf_registry_active(t_root, "crash", &to, &err) != MLCLF_OK
            || to != active)
        {
            tap_diag("round %d: active v%u is not a listed version", i, to);
            bad++;
        }

        if (mlclf_registry_history(t_root, "crash", &ev, &nev, &err)
            != MLCLF_OK)
        {
            tap_diag("round %d: history: %s", i, err.msg);
            bad++;

        } else {
            free(ev);
        }
    }

    is_int(bad, 0, "SIGKILL never leaves a bad version or active link");

    is_int(mlclf_registry_stage(&pub, t_root, "crash", &err), MLCLF_OK,
           "stage after the kills");
    is_int(t_count_staging(t_root, "crash"), 1, "only our staging dir");
    t_path(path, "%s/crash/versions/v%u", t_root, pub.version);
    ok(!t_exists(path), "a fresh number");
    mlclf_registry_abort(&pub);

    (void) mlclf_registry_list(t_root, "crash", &vs, &n, &err);
    tap_diag("%zu versions published between kills", n);
    free(vs);
}


/*
 * Starts mlclf-registry with args, its stdout and stderr going to the
 * files opath and epath.  Returns its pid, or -1.
 */
static pid_t
t_spawn(const char *opath, const char *epath, const char *const *args)
{
    char    bin[T_PATH];
    char   *argv[32];
    pid_t   pid;
    size_t  i;

    t_path(bin, "%s/mlclf-registry", t_bin);

    argv[0] = bin;

    for (i = 0; i < 30 && args[i] != NULL; i++) {
        argv[i + 1] = (char *) args[i];
    }

    argv[i + 1] = NULL;

    fflush(stdout);

    pid = fork();

    if (pid == 0) {
        if (freopen(opath, "w", stdout) == NULL
            || freopen(epath, "w", stderr) == NULL)
        {
            _exit(126);
        }

        execv(bin, argv);
        _exit(127);
    }

    return pid;
}


/*
 * Runs mlclf-registry with args; stdout and stderr go to *out, *errout
 * (malloc()ed).  Returns the exit status, or -1.
 */
static int
t_run(char **out, char **errout, const char *const *args)
{
    int    status;
    char   opath[T_PATH], epath[T_PATH];
    pid_t  pid;

    t_path(opath, "%s/stdout", t_tmp);
    t_path(epath, "%s/stderr", t_tmp);

    pid = t_spawn(opath, epath, args);
    if (pid == -1) {
        return -1;
    }

    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }

    *out = t_read(opath, NULL);
    *errout = t_read(epath, NULL);

    if (*out == NULL) {
        *out = strdup("");
    }

    if (*errout == NULL) {
        *errout = strdup("");
    }

    return WEXITSTATUS(status);
}


#define T_RUN(...)                                                           \
    t_run(&out, &errout, (const char *const []) { __VA_ARGS__, NULL })

#define T_FREE()                                                             \
    do { free(out); free(errout); out = NULL; errout = NULL; } while (0)


static volatile sig_atomic_t  t_child_fd = -1;


static void
t_child_put(char c)
{
    if (write(t_child_fd, &c, 1) != 1) {
        _exit(2);
    }
}


/*
 * Each handler runs with the other signal blocked (sa_mask), so neither
 * can interrupt the other.  Without that, when SIGHUP and SIGUSR1 are
 * both pending (the master was not scheduled in between, e.g. on a
 * loaded machine), Linux sets up the SIGHUP frame and then, SIGUSR1 not
 * being blocked, the SIGUSR1 frame on top of it: the SIGUSR1 handler
 * runs first and exits before the SIGHUP handler ever writes its 'H'.
 * The SIGUSR1 handler also reports a SIGHUP still pending, so the
 * result does not depend on the order the kernel picks either.
 */
static void
t_child_handler(int signo)
{
    sigset_t  pending;

    if (signo == SIGHUP) {
        t_child_put('H');
        return;
    }

    if (sigpending(&pending) == 0 && sigismember(&pending, SIGHUP) == 1) {
        t_child_put('H');
    }

    t_child_put('U');
    _exit(0);
}


/*
 * Forks a child that stands in for the nginx master: it writes 'H' to a
 * pipe for each SIGHUP, 'U' for SIGUSR1 and exits on SIGUSR1.  Returns
 * its pid; *rfd is the pipe's read end.
 */
static pid_t
t_fake_master(int *rfd)
{
    int               fds[2];
    char              c;
    pid_t             pid;
    sigset_t          set;
    struct sigaction  sa;

    if (pipe(fds) == -1) {
        return -1;
    }

    /* block both until the handlers are in place */
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);

    fflush(stdout);

    pid = fork();

    if (pid == 0) {
        (void) close(fds[0]);
        t_child_fd = fds[1];

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = t_child_handler;
        sa.sa_mask = set;
        sigaction(SIGHUP, &sa, NULL);
        sigaction(SIGUSR1, &sa, NULL);

        c = 'R';

        if (write(fds[1], &c, 1) != 1) {
            _exit(2);
        }

        sigprocmask(SIG_UNBLOCK, &set, NULL);

        for ( ;; ) {
            pause();
        }
    }

    sigprocmask(SIG_UNBLOCK, &set, NULL);
    (void) close(fds[1]);

    if (pid == -1 || read(fds[0], &c, 1) != 1 || c != 'R') {
        (void) close(fds[0]);
        return -1;
    }

    *rfd = fds[0];

    return pid;
}


/*
 * Ends the fake master and returns what it received: mlclf-registry has
 * exited, so a SIGHUP it sent is handled or still pending when SIGUSR1
 * arrives, and the SIGUSR1 handler reports a pending one before its 'U'
 * (t_child_handler()): the pipe reads "HU" if and only if mlclf-registry
 * sent SIGHUP, however the master was scheduled.
 */
static void
t_fake_master_end(pid_t pid, int rfd, char *got, size_t size)
{
    size_t   n;
    ssize_t  r;

    (void) kill(pid, SIGUSR1);
    (void) waitpid(pid, NULL, 0);

    n = 0;

    while (n < size - 1 && (r = read(rfd, got + n, size - 1 - n)) > 0) {
        n += (size_t) r;
    }

    got[n] = '\0';
    (void) close(rfd);
}


static void
t_cli(void)
{
    int     rc, rfd;
    char   *out, *errout, got[16], pidfile[T_PATH], buf[64], badpid[T_PATH];
    pid_t   pid;
    cJSON  *j, *a, *e;

    out = NULL;
    errout = NULL;

    rc = T_RUN("--help");
    is_int(rc, 0, "--help exits 0");
    ok(out && strstr(out, "Exit codes") && strstr(out, "rollback"),
       "--help prints usage with the exit codes");
    T_FREE();

    rc = T_RUN("--root", t_root);
    is_int(rc, 2, "no command: usage error");
    ok(errout && strstr(errout, "mlclf-registry: "), "stderr message");
    T_FREE();

    rc = T_RUN("--root", t_root, "frobnicate", "iris");
    is_int(rc, 2, "unknown command");
    T_FREE();

    rc = T_RUN("--root", t_root, "list", "../x");
    is_int(rc, 2, "list ../x refused");
    ok(errout && strstr(errout, "invalid model name"), "stderr message");
    T_FREE();

    rc = T_RUN("--root", t_root, "list", "A");
    is_int(rc, 2, "list A refused");
    T_FREE();

    rc = T_RUN("--root", t_root, "list", "nope");
    is_int(rc, 3, "list of an unknown model: not found");
    T_FREE();

    rc = T_RUN("list", "wine", "--root", t_root);
    is_int(rc, 0, "list wine, --root after the command");
    ok(out && strstr(out, "v1") && strstr(out, "0.8000"), "list text");
    T_FREE();

    rc = T_RUN("--root", t_root, "--json", "list", "iris");
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

    rc = T_RUN("--root", t_root, "show", "iris", "--json");
    is_int(rc, 0, "show --json (active)");
    j = cJSON_Parse(out);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "version")), "v1",
           "shows the active v1");
    ok(cJSON_IsObject(cJSON_GetObjectItem(j, "metrics")), "with metrics");
    cJSON_Delete(j);
    T_FREE();

    rc = T_RUN("--root", t_root, "show", "iris", "3");
    is_int(rc, 0, "show iris 3");
    ok(out && strstr(out, "v3") && strstr(out, "0.9500"), "show text");
    T_FREE();

    rc = T_RUN("--root", t_root, "show", "iris", "v9");
    is_int(rc, 3, "show v9: not found");
    T_FREE();

    rc = T_RUN("--root", t_root, "show", "iris", "v0");
    is_int(rc, 2, "show v0: usage");
    T_FREE();

    rc = T_RUN("--root", t_root, "verify", "iris", "v1");
    is_int(rc, 0, "verify v1");
    T_FREE();

    rc = T_RUN("--root", t_root, "verify", "iris");
    is_int(rc, 4, "verify all: v5 is incomplete");
    ok(errout && strstr(errout, "mlclf-registry: verify: ")
       && strstr(errout, "/iris/versions/v5/meta.json"), "stderr message");
    T_FREE();

    rc = T_RUN("--root", t_root, "verify", "wine", "--json");
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

    rc = T_RUN("--root", t_root, "promote", "wine", "v2");
    is_int(rc, 4, "promote of a damaged version refused");
    T_FREE();

    rc = T_RUN("--root", t_root, "promote", "wine", "1");
    is_int(rc, 0, "promote wine 1");
    T_FREE();

    rc = T_RUN("--root", t_root, "rollback", "wine");
    is_int(rc, 6, "rollback without history");
    ok(errout && strstr(errout, "mlclf-registry: rollback: "),
       "stderr message");
    T_FREE();

    rc = T_RUN("--root", t_root, "promote", "iris", "v4");
    is_int(rc, 0, "promote iris v4");
    T_FREE();

    rc = T_RUN("--root", t_root, "history", "iris", "--json");
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

    rc = T_RUN("--root", t_root, "history", "iris");
    is_int(rc, 0, "history");
    ok(out && strstr(out, " promote v1 v4\n"), "history text");
    T_FREE();

    /* --reload sends SIGHUP to the pid in the pid file */
    pid = t_fake_master(&rfd);
    ok(pid > 0, "fake nginx master");

    if (pid > 0) {
        t_path(pidfile, "%s/nginx.pid", t_tmp);
        (void) snprintf(buf, sizeof(buf), "%ld\n", (long) pid);
        ok(t_write(pidfile, buf, strlen(buf)) == 0, "pid file");
        t_path(badpid, "--reload=%s", pidfile);

        rc = T_RUN("--root", t_root, "promote", "iris", "v2", badpid);
        is_int(rc, 0, "promote --reload");
        T_FREE();

        t_fake_master_end(pid, rfd, got, sizeof(got));
        is_str(got, "HU", "the master got SIGHUP");
    }

    pid = t_fake_master(&rfd);

    if (pid > 0) {
        (void) snprintf(buf, sizeof(buf), "%ld\n", (long) pid);
        ok(t_write(pidfile, buf, strlen(buf)) == 0, "pid file");

        rc = T_RUN("--root", t_root, "rollback", "iris", badpid);
        is_int(rc, 0, "rollback --reload");
        T_FREE();

        t_fake_master_end(pid, rfd, got, sizeof(got));
        is_str(got, "HU", "the master got SIGHUP");
    }

    t_path(badpid, "--reload=%s/no-such.pid", t_tmp);
    rc = T_RUN("--root", t_root, "promote", "iris", "v2", badpid);
    is_int(rc, 7, "--reload without a pid file: exit 7");
    ok(errout && strstr(errout, "no-such.pid") && strstr(errout, "v2"),
       "stderr message");
    T_FREE();

    rc = T_RUN("--root", t_root, "--json", "list", "iris");
    j = cJSON_Parse(out);
    is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "active")), "v2",
           "the swap stays done");
    cJSON_Delete(j);
    T_FREE();

    t_path(pidfile, "%s/bad.pid", t_tmp);
    ok(t_write(pidfile, "abc\n", 4) == 0, "garbage pid file");
    t_path(badpid, "--reload=%s", pidfile);
    rc = T_RUN("--root", t_root, "promote", "iris", "v3", badpid);
    is_int(rc, 7, "--reload with a garbage pid file: exit 7");
    T_FREE();
}


/* The CLI side of t_symlinks(): exit 4 and the file named on stderr. */
static void
t_cli_symlinks(void)
{
    int    rc;
    char  *out, *errout;
    char   path[T_PATH], saved[T_PATH], victim[T_PATH], ghost[T_PATH];
    char   want[T_PATH + 64];

    out = NULL;
    errout = NULL;

    t_path(victim, "%s/victim", t_tmp);
    t_path(ghost, "%s/ghost", t_tmp);
    t_path(path, "%s/sym/history.log", t_root);
    t_path(saved, "%s/history.saved", t_tmp);

    ok(rename(path, saved) == 0 && symlink(victim, path) == 0,
       "history.log is a link to a file outside");

    rc = T_RUN("--root", t_root, "promote", "sym", "v2");
    is_int(rc, 4, "promote, history.log a link: exit 4");
    (void) snprintf(want, sizeof(want),
                    "mlclf-registry: promote: %s: " T_LINK "\n", path);
    is_str(errout, want, "stderr names the file");
    T_FREE();

    rc = T_RUN("--root", t_root, "rollback", "sym");
    is_int(rc, 4, "rollback, history.log a link: exit 4");
    ok(errout && strstr(errout, T_LINK), "stderr: %s", errout);
    T_FREE();

    rc = T_RUN("--root", t_root, "history", "sym");
    is_int(rc, 4, "history, history.log a link: exit 4");
    T_FREE();

    ok(t_same(victim, T_VICTIM), "the link's target is unchanged");
    is_int(t_active("sym"), 1, "active unchanged");
    ok(unlink(path) == 0 && rename(saved, path) == 0, "history.log back");

    t_path(path, "%s/sym/.lock", t_root);
    ok(unlink(path) == 0 && symlink(ghost, path) == 0,
       ".lock is a dangling link");

    rc = T_RUN("--root", t_root, "promote", "sym", "v2");
    is_int(rc, 4, "promote, .lock a link: exit 4");
    (void) snprintf(want, sizeof(want),
                    "mlclf-registry: promote: %s: " T_LINK "\n", path);
    is_str(errout, want, "stderr names the file");
    T_FREE();

    ok(!t_exists(ghost), "the link's target is not created");
    is_int(t_active("sym"), 1, "active unchanged");
    ok(unlink(path) == 0, ".lock link removed");

    rc = T_RUN("--root", t_root, "promote", "sym", "v2");
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
    char                     path[T_PATH], epath[T_PATH], ver[16];
    char                     was[16];
    pid_t                    pid[T_RACE];
    size_t                   n, n0, k;
    uint32_t                 from[T_RACE], to[T_RACE], v;
    mlclf_err_t              err;
    mlclf_registry_event_t  *ev;

    for (i = 1; i <= 3 + T_RACE; i++) {
        if (t_publish(t_root, "race", 0.6) != (uint32_t) i) {
            break;
        }
    }

    is_int(i, 4 + T_RACE, "race v1..v%d", 3 + T_RACE);
    is_int(mlclf_registry_promote(t_root, "race", 1, NULL, &err), MLCLF_OK,
           "promote race v1");
    is_int(mlclf_registry_promote(t_root, "race", 2, NULL, &err), MLCLF_OK,
           "promote race v2");
    is_int(mlclf_registry_promote(t_root, "race", 3, NULL, &err), MLCLF_OK,
           "promote race v3");

    ev = NULL;
    is_int(mlclf_registry_history(t_root, "race", &ev, &n0, &err), MLCLF_OK,
           "history before");
    free(ev);

    t_path(path, "%s/race/.lock", t_root);
    fd = open(path, O_RDWR | O_CLOEXEC);
    ok(fd >= 0 && flock(fd, LOCK_EX) == 0, "hold the model's lock");

    /* two rollbacks among promotes of v4..: each has a step to undo */
    for (i = 0; i < T_RACE; i++) {
        t_path(path, "%s/race.%d.out", t_tmp, i);
        t_path(epath, "%s/race.%d.err", t_tmp, i);
        (void) snprintf(ver, sizeof(ver), "v%d", 4 + i);

        if (i % 4 == 3) {
            pid[i] = t_spawn(path, epath,
                             (const char *const []) { "--root", t_root,
                                 "rollback", "race", NULL });

        } else {
            pid[i] = t_spawn(path, epath,
                             (const char *const []) { "--root", t_root,
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

        t_path(path, "%s/race.%d.out", t_tmp, i);
        out = t_read(path, NULL);

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

    is_int(mlclf_registry_history(t_root, "race", &ev, &n, &err), MLCLF_OK,
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
    is_int(t_active("race"), v, "active is the last line's to");

    free(ev);
}


int
main(void)
{
    char        *bin;
    const char  *base;

    base = getenv("TMPDIR");
    t_path(t_tmp, "%s/test_registry.XXXXXX", base ? base : "/tmp");

    if (mkdtemp(t_tmp) == NULL) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }

    /* a root that does not exist yet: stage() creates it */
    t_path(t_root, "%s/reg/istry", t_tmp);

    bin = getenv("MLCLF_BIN");
    t_path(t_bin, "%s", bin ? bin : "build/bin");

    t_names();
    t_versions();
    t_exit_codes();
    t_publishing();
    t_promote();
    t_verify();
    t_symlinks();
    t_crash();
    t_cli();
    t_cli_symlinks();
    t_race();

    if (tap_failed == 0) {
        char  cmd[T_PATH + 16];

        (void) snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_tmp);
        (void) system(cmd);

    } else {
        tap_diag("left %s for inspection", t_tmp);
    }

    return tap_done();
}
