
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Helpers of the mlclf-train tests: files and small data sets and
 * configurations in a temp directory, what a registry holds, the JSON
 * fields the trainer writes, and running $MLCLF_BIN/mlclf-train
 * (default build/bin) with its output captured.
 * Shared by tests/test_train_cli*.c and tests/test_train_run.c.
 */


#ifndef _MLCLF_TRAIN_CLI_H_INCLUDED_
#define _MLCLF_TRAIN_CLI_H_INCLUDED_


#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <mlclf.h>
#include <mlclf_sha256.h>


#define EPOCH  "1700000000"


typedef struct {
    int                       status;       /* exit code, -1 if killed */
    char                     *out;
    size_t                    out_len;
    char                     *err;
    size_t                    err_len;
} test_run_t;


static char      bin[4096];
static char      tmp[64];
static unsigned  test_alarm;    /* seconds a run may take, 0: no limit */


/*
 * bin from $MLCLF_BIN, and a fresh temp directory tmp named after the
 * test; 0, or -1 after a TAP "Bail out!".
 */
static inline int
test_setup(const char *name)
{
    char  *env;

    env = getenv("MLCLF_BIN");
    snprintf(bin, sizeof(bin), "%s", env ? env : "build/bin");

    snprintf(tmp, sizeof(tmp), "/tmp/%s.XXXXXX", name);

    if (mkdtemp(tmp) == NULL) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return -1;
    }

    return 0;
}


static inline char *
test_read(const char *path, size_t *len)
{
    char    *p;
    FILE    *f;
    long     n;
    size_t   got;

    *len = 0;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fclose(f);
        return NULL;
    }

    p = malloc((size_t) n + 1);
    if (p == NULL) {
        fclose(f);
        return NULL;
    }

    got = fread(p, 1, (size_t) n, f);
    fclose(f);

    p[got] = '\0';
    *len = got;

    return p;
}


static inline int
test_write(const char *path, const char *text)
{
    FILE  *f;
    int    rc;

    f = fopen(path, "wb");
    if (f == NULL) {
        return -1;
    }

    rc = fputs(text, f) < 0 ? -1 : 0;

    if (fclose(f) != 0) {
        rc = -1;
    }

    return rc;
}


static inline void
test_path(char *buf, size_t size, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}


/*
 * Runs mlclf-train with argv (NULL-terminated, without argv[0]) and
 * SOURCE_DATE_EPOCH = epoch (unset if NULL); stdout and stderr go to
 * files in tmp, read back into r.
 */
static inline void
test_exec(test_run_t *r, const char *epoch, const char *const *args)
{
    int          status, fd;
    char         prog[4200], out[128], err[128];
    char        *argv[32];
    pid_t        pid;
    size_t       i;

    memset(r, 0, sizeof(test_run_t));
    r->status = -1;

    test_path(prog, sizeof(prog), "%s/mlclf-train", bin);
    test_path(out, sizeof(out), "%s/stdout", tmp);
    test_path(err, sizeof(err), "%s/stderr", tmp);

    argv[0] = prog;

    for (i = 0; i < 30 && args[i]; i++) {
        argv[i + 1] = (char *) args[i];
    }

    argv[i + 1] = NULL;

    fflush(stdout);

    pid = fork();

    if (pid == 0) {
        fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd == -1 || dup2(fd, 1) == -1) {
            _exit(127);
        }

        close(fd);

        fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd == -1 || dup2(fd, 2) == -1) {
            _exit(127);
        }

        close(fd);

        setenv("LC_ALL", "C", 1);

        /* kept across execv(): a run that hangs is killed, not waited */
        if (test_alarm) {
            alarm(test_alarm);
        }

        if (epoch) {
            setenv("SOURCE_DATE_EPOCH", epoch, 1);

        } else {
            unsetenv("SOURCE_DATE_EPOCH");
        }

        execv(prog, argv);
        _exit(127);
    }

    if (pid == -1 || waitpid(pid, &status, 0) != pid) {
        return;
    }

    if (WIFEXITED(status)) {
        r->status = WEXITSTATUS(status);
    }

    r->out = test_read(out, &r->out_len);
    r->err = test_read(err, &r->err_len);

    if (r->out == NULL) {
        r->out = strdup("");
    }

    if (r->err == NULL) {
        r->err = strdup("");
    }
}


static inline void
test_run_free(test_run_t *r)
{
    free(r->out);
    free(r->err);
    r->out = NULL;
    r->err = NULL;
}


static inline int
test_rm_cb(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;

    return remove(path);
}


static inline void
test_rmtree(const char *path)
{
    (void) nftw(path, test_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}


/*
 * Entries of reg/name/versions: the v* directories only, or with all
 * set anything at all, staging directories included.
 */
static inline int
test_count(const char *reg, const char *name, int all)
{
    int             n;
    DIR            *dir;
    char            path[512];
    struct dirent  *de;

    test_path(path, sizeof(path), "%s/%s/versions", reg, name);

    dir = opendir(path);
    if (dir == NULL) {
        return 0;
    }

    n = 0;

    while ((de = readdir(dir)) != NULL) {
        if (all ? strcmp(de->d_name, ".") != 0
                  && strcmp(de->d_name, "..") != 0
                : de->d_name[0] == 'v')
        {
            n++;
        }
    }

    closedir(dir);

    return n;
}


/* Number of versions/v* directories (staging leftovers don't count). */
static inline int
test_versions(const char *reg, const char *name)
{
    return test_count(reg, name, 0);
}


/* Anything at all under reg/name/versions, staging dirs included. */
static inline int
test_entries(const char *reg, const char *name)
{
    return test_count(reg, name, 1);
}


static inline void
test_sha_file(const char *path, char hex[65])
{
    char     *p;
    size_t    len;
    uint8_t   digest[32];

    hex[0] = '\0';

    p = test_read(path, &len);
    if (p == NULL) {
        return;
    }

    mlclf_sha256(p, len, digest);
    mlclf_sha256_hex(digest, hex);

    free(p);
}


static inline double
test_num(const cJSON *obj, const char *k1, const char *k2)
{
    const cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(obj, k1);

    if (k2) {
        v = cJSON_GetObjectItemCaseSensitive(v, k2);
    }

    return cJSON_IsNumber(v) ? v->valuedouble : -1.0;
}


static inline const char *
test_str(const cJSON *obj, const char *k)
{
    const cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(obj, k);

    return cJSON_IsString(v) ? v->valuestring : "";
}



/* A config for a data file in tmp, with the given model and gate. */
static inline void
test_small_config(const char *path, const char *name, const char *data,
    const char *extra)
{
    char  text[2048];

    test_path(text, sizeof(text),
              "name: %s\n"
              "data: %s\n"
              "label: y\n"
              "features: [a, b]\n"
              "classes: [cat, dog]\n"
              "split: {test_fraction: 0.25, seed: 7, stratify: true}\n"
              "model: {kind: logreg}\n"
              "%s",
              name, data, extra);

    test_write(path, text);
}


/* 80 rows of coin flips: a gate of 0.999 fails on them. */
static inline void
test_noise_csv(const char *path)
{
    int    i;
    char   text[2048], *p;

    p = text;
    p += sprintf(p, "a,b,y\n");

    for (i = 0; i < 80; i++) {
        p += sprintf(p, "%d.5,%d,%s\n", (i * 37) % 11, (i * 53) % 13,
                     ((i * 7919) % 17) % 2 ? "dog" : "cat");
    }

    test_write(path, text);
}


#endif /* _MLCLF_TRAIN_CLI_H_INCLUDED_ */
