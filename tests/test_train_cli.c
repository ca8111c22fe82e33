
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * End-to-end tests of mlclf-train ($MLCLF_BIN/mlclf-train, default
 * build/bin): the six sample configurations reach their accuracy floors
 * on the stratified 80/20 split with seed 42, the published version is
 * complete and consistent, model.mlclf is byte-reproducible under
 * SOURCE_DATE_EPOCH, and gate, data, config and usage failures exit with
 * their codes and publish nothing.  Runs from the repository root (the
 * configurations name data/raw/... relative to it); every registry is a
 * fresh mkdtemp directory, removed at the end.
 */


#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <mlclf.h>
#include <mlclf_train.h>
#include "tap.h"
#include <mlclf_sha256.h>


#define EPOCH  "1700000000"


typedef struct {
    const char               *set;
    const char               *kind;         /* logreg | forest */
    const char               *name;         /* registry name */
    const char               *data;
    double                    floor;        /* test accuracy required */
} test_case_t;


typedef struct {
    int                       status;       /* exit code, -1 if killed */
    char                     *out;
    size_t                    out_len;
    char                     *err;
    size_t                    err_len;
} test_run_t;


static const test_case_t  cases[] = {
    { "iris", "logreg", "iris", "data/raw/iris.csv", 0.93 },
    { "wine", "logreg", "wine", "data/raw/wine.csv", 0.95 },
    { "breast_cancer", "logreg", "breast_cancer",
      "data/raw/breast_cancer.csv", 0.96 },
    { "iris", "forest", "iris_forest", "data/raw/iris.csv", 0.90 },
    { "wine", "forest", "wine_forest", "data/raw/wine.csv", 0.94 },
    { "breast_cancer", "forest", "breast_cancer_forest",
      "data/raw/breast_cancer.csv", 0.93 }
};


static char      bin[4096];
static char      tmp[64];
static unsigned  test_alarm;    /* seconds a run may take, 0: no limit */


static char *
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


static int
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


static void
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
static void
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


static void
test_run_free(test_run_t *r)
{
    free(r->out);
    free(r->err);
    r->out = NULL;
    r->err = NULL;
}


static int
test_rm_cb(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;

    return remove(path);
}


static void
test_rmtree(const char *path)
{
    (void) nftw(path, test_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}


/* Number of versions/v* directories (staging leftovers don't count). */
static int
test_versions(const char *reg, const char *name)
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
        if (de->d_name[0] == 'v') {
            n++;
        }
    }

    closedir(dir);

    return n;
}


/* Anything at all under reg/name/versions, staging dirs included. */
static int
test_entries(const char *reg, const char *name)
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
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            n++;
        }
    }

    closedir(dir);

    return n;
}


static void
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


static double
test_num(const cJSON *obj, const char *k1, const char *k2)
{
    const cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(obj, k1);

    if (k2) {
        v = cJSON_GetObjectItemCaseSensitive(v, k2);
    }

    return cJSON_IsNumber(v) ? v->valuedouble : -1.0;
}


static const char *
test_str(const cJSON *obj, const char *k)
{
    const cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(obj, k);

    return cJSON_IsString(v) ? v->valuestring : "";
}


static int
test_line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


/*
 * Splits text into lines (LF-terminated, each line NUL-terminated in
 * place); returns the count, *lines malloc()ed.
 */
static size_t
test_lines(char *text, size_t len, char ***lines)
{
    char    *p, *end, *nl;
    size_t   n, cap;

    n = 0;
    cap = 64;
    *lines = malloc(cap * sizeof(char *));

    p = text;
    end = text + len;

    while (p < end) {
        nl = memchr(p, '\n', (size_t) (end - p));

        if (n == cap) {
            cap *= 2;
            *lines = realloc(*lines, cap * sizeof(char *));
        }

        (*lines)[n++] = p;

        if (nl == NULL) {
            break;
        }

        *nl = '\0';
        p = nl + 1;
    }

    return n;
}


/*
 * train.csv and test.csv: header first, n_train + 1 and n_test + 1
 * lines, every line LF-terminated, and together every record of the
 * source exactly once.
 */
static void
test_splits(const char *dir, const char *data, double n_train,
    double n_test, const char *what)
{
    int      same;
    char     path[512];
    char    *src, *tr, *te, **sl, **tl, **el, **all;
    size_t   src_len, tr_len, te_len, ns, nt, ne, i;

    src = test_read(data, &src_len);
    test_path(path, sizeof(path), "%s/train.csv", dir);
    tr = test_read(path, &tr_len);
    test_path(path, sizeof(path), "%s/test.csv", dir);
    te = test_read(path, &te_len);

    if (!ok(src && tr && te, "%s: train.csv and test.csv exist", what)) {
        free(src);
        free(tr);
        free(te);
        return;
    }

    ok(tr_len > 0 && tr[tr_len - 1] == '\n' && te_len > 0
       && te[te_len - 1] == '\n' && memchr(tr, '\r', tr_len) == NULL
       && memchr(te, '\r', te_len) == NULL,
       "%s: train.csv and test.csv end lines with LF only", what);

    ns = test_lines(src, src_len, &sl);
    nt = test_lines(tr, tr_len, &tl);
    ne = test_lines(te, te_len, &el);

    is_int(nt, (size_t) n_train + 1, "%s: train.csv has n_train + 1 lines",
           what);
    is_int(ne, (size_t) n_test + 1, "%s: test.csv has n_test + 1 lines",
           what);
    ok(nt > 0 && ne > 0 && strcmp(tl[0], sl[0]) == 0
       && strcmp(el[0], sl[0]) == 0,
       "%s: both start with the source header", what);

    same = 0;

    if (nt > 0 && ne > 0 && nt - 1 + ne - 1 == ns - 1) {
        all = malloc((ns - 1) * sizeof(char *));
        memcpy(all, tl + 1, (nt - 1) * sizeof(char *));
        memcpy(all + nt - 1, el + 1, (ne - 1) * sizeof(char *));

        qsort(all, ns - 1, sizeof(char *), test_line_cmp);
        qsort(sl + 1, ns - 1, sizeof(char *), test_line_cmp);

        same = 1;

        for (i = 0; i < ns - 1; i++) {
            if (strcmp(all[i], sl[i + 1]) != 0) {
                same = 0;
                break;
            }
        }

        free(all);
    }

    ok(same, "%s: train + test hold every source record exactly once",
       what);

    free(sl);
    free(tl);
    free(el);
    free(src);
    free(tr);
    free(te);
}


/*
 * One sample configuration: trains into reg with --json, checks the
 * floor, the published files and their consistency.  Returns the
 * parsed --json output (or NULL).
 */
static cJSON *
test_case(const test_case_t *tc, const char *reg)
{
    char             conf[256], what[64], path[600], hex[65];
    char            *text;
    size_t           len, mlen;
    cJSON           *js, *meta, *md;
    test_run_t       r;
    const char      *dir, *mtext;
    mlclf_err_t      err;
    mlclf_model_t   *m;
    const char      *args[8];

    test_path(conf, sizeof(conf), "conf/%s-%s.yaml", tc->set, tc->kind);
    test_path(what, sizeof(what), "%s %s", tc->set, tc->kind);

    args[0] = "--config";
    args[1] = conf;
    args[2] = "--registry";
    args[3] = reg;
    args[4] = "--json";
    args[5] = NULL;

    test_exec(&r, EPOCH, args);

    is_int(r.status, 0, "%s: mlclf-train exits 0", what);

    if (r.status != 0) {
        tap_diag("stderr: %s", r.err);
    }

    js = cJSON_Parse(r.out);

    if (!ok(cJSON_IsObject(js), "%s: --json prints one JSON object", what)) {
        tap_diag("stdout: %s", r.out);
        test_run_free(&r);
        cJSON_Delete(js);
        return NULL;
    }

    test_run_free(&r);

    is_str(test_str(js, "name"), tc->name, "%s: name", what);
    is_str(test_str(js, "version"), "v1", "%s: first version is v1", what);

    ok(test_num(js, "metrics", "accuracy") >= tc->floor,
       "%s: test accuracy %.4f >= %.2f", what,
       test_num(js, "metrics", "accuracy"), tc->floor);
    tap_diag("%s: test accuracy %.4f, macro F1 %.4f", what,
             test_num(js, "metrics", "accuracy"),
             test_num(js, "metrics", "macro_f1"));

    ok(test_num(js, "metrics", "macro_f1") > 0, "%s: macro_f1 present",
       what);
    is_int((long long) (test_num(js, "n_train", NULL)
                        + test_num(js, "n_test", NULL)),
           tc->set[0] == 'i' ? 150 : tc->set[0] == 'w' ? 178 : 569,
           "%s: n_train + n_test = every row", what);

    test_sha_file(tc->data, hex);
    is_str(test_str(js, "dataset_sha256"), hex, "%s: dataset_sha256", what);

    dir = test_str(js, "path");
    test_path(path, sizeof(path), "%s/%s/versions/v1", reg, tc->name);
    {
        char  a[4096], b[4096];

        ok(realpath(dir, a) && realpath(path, b) && strcmp(a, b) == 0,
           "%s: path is the version directory", what);
    }

    /* the model file: its sha256, its own metadata */

    test_path(path, sizeof(path), "%s/model.mlclf", dir);
    test_sha_file(path, hex);
    is_str(test_str(js, "model_sha256"), hex, "%s: model_sha256 of "
           "model.mlclf", what);

    m = NULL;
    memset(&err, 0, sizeof(err));

    is_int(mlclf_model_open(&m, path, 0, &err), MLCLF_OK,
           "%s: model.mlclf opens and verifies", what);

    if (m) {
        is_int(mlclf_model_version(m), 1, "%s: model says version 1", what);

        mtext = mlclf_model_metadata(m, &mlen);
        md = mtext ? cJSON_ParseWithLength(mtext, mlen) : NULL;

        ok(cJSON_IsObject(md), "%s: model metadata is JSON", what);
        is_str(test_str(md, "name"), tc->name, "%s: metadata name", what);
        is_str(test_str(md, "version"), "v1", "%s: metadata version", what);
        is_str(test_str(md, "created_at"), "2023-11-14T22:13:20Z",
               "%s: created_at from SOURCE_DATE_EPOCH", what);
        is_str(test_str(md, "algorithm"), tc->kind, "%s: algorithm", what);
        is_double(test_num(md, "metrics", "accuracy"),
                  test_num(js, "metrics", "accuracy"), 0,
                  "%s: the model carries its test accuracy", what);
        ok(cJSON_GetObjectItemCaseSensitive(md, "fit_seconds") == NULL
           && cJSON_GetObjectItemCaseSensitive(md, "model_sha256") == NULL,
           "%s: no fit time or self digest inside the model", what);

        cJSON_Delete(md);
        mlclf_model_close(&m);
    }

    /* meta.json */

    test_path(path, sizeof(path), "%s/meta.json", dir);
    text = test_read(path, &len);
    meta = text ? cJSON_Parse(text) : NULL;

    ok(cJSON_IsObject(meta), "%s: meta.json parses", what);
    is_str(test_str(meta, "model_sha256"), hex,
           "%s: meta.json model_sha256 matches model.mlclf", what);
    is_str(test_str(meta, "version"), "v1", "%s: meta.json version", what);
    is_double(test_num(meta, "metrics", "accuracy"),
              test_num(js, "metrics", "accuracy"), 0,
              "%s: meta.json accuracy", what);
    ok(test_num(meta, "fit_seconds", NULL) >= 0,
       "%s: meta.json has fit_seconds", what);

    cJSON_Delete(meta);
    free(text);

    test_splits(dir, tc->data, test_num(js, "n_train", NULL),
                test_num(js, "n_test", NULL), what);

    return js;
}


static void
test_reproducible(const test_case_t *tc, const char *reg1,
    const char *reg2)
{
    char         conf[256], p1[512], p2[512];
    char        *a, *b;
    size_t       alen, blen;
    test_run_t   r;
    const char  *args[8];

    test_path(conf, sizeof(conf), "conf/%s-%s.yaml", tc->set, tc->kind);

    args[0] = "--config";
    args[1] = conf;
    args[2] = "--registry";
    args[3] = reg2;
    args[4] = "--quiet";
    args[5] = NULL;

    test_exec(&r, EPOCH, args);
    is_int(r.status, 0, "%s %s: second run exits 0", tc->set, tc->kind);
    is_int(r.out_len, 0, "%s %s: --quiet prints nothing", tc->set,
           tc->kind);
    test_run_free(&r);

    test_path(p1, sizeof(p1), "%s/%s/versions/v1/model.mlclf", reg1,
              tc->name);
    test_path(p2, sizeof(p2), "%s/%s/versions/v1/model.mlclf", reg2,
              tc->name);

    a = test_read(p1, &alen);
    b = test_read(p2, &blen);

    ok(a && b && alen == blen && memcmp(a, b, alen) == 0,
       "%s %s: same config, data and SOURCE_DATE_EPOCH give identical "
       "model.mlclf bytes", tc->set, tc->kind);

    free(a);
    free(b);
}


/*
 * The forest's bytes do not depend on how many threads grew it, so a
 * model is reproducible across machines with different core counts.
 */
static void
test_threads(void)
{
    int          i;
    char         src[128], conf[2][128], reg[2][128], path[2][256];
    char        *text, *a, *b, *p;
    size_t       len, alen, blen;
    test_run_t   r;
    const char  *args[8];

    test_path(src, sizeof(src), "conf/wine-forest.yaml");
    text = test_read(src, &len);
    p = text ? strstr(text, "n_threads: 0") : NULL;

    if (!ok(p != NULL,
            "wine-forest.yaml sets n_threads"))
    {
        free(text);
        return;
    }

    for (i = 0; i < 2; i++) {
        p[11] = i ? '3' : '1';

        test_path(conf[i], sizeof(conf[i]), "%s/threads%d.yaml", tmp, i);
        test_path(reg[i], sizeof(reg[i]), "%s/threads%d", tmp, i);
        test_path(path[i], sizeof(path[i]),
                  "%s/wine_forest/versions/v1/model.mlclf", reg[i]);
        test_write(conf[i], text);

        args[0] = "--config";
        args[1] = conf[i];
        args[2] = "--registry";
        args[3] = reg[i];
        args[4] = "--quiet";
        args[5] = NULL;

        test_exec(&r, EPOCH, args);
        is_int(r.status, 0, "wine forest with n_threads %d exits 0",
               i ? 3 : 1);
        test_run_free(&r);
    }

    free(text);

    a = test_read(path[0], &alen);
    b = test_read(path[1], &blen);

    ok(a && b && alen == blen && memcmp(a, b, alen) == 0,
       "1 and 3 threads grow byte-identical forests");

    free(a);
    free(b);
}


/*
 * Missing values: every 10th row lacks "a".  impute publishes a model
 * that imputes, drop leaves those rows out of both splits, fail exits 4.
 */
static void
test_missing(const char *reg)
{
    int             i;
    char            data[128], conf[128], text[4096], *p;
    char            path[600];
    cJSON          *js;
    test_run_t      r;
    mlclf_err_t     err;
    const char     *args[8];
    mlclf_model_t  *m;

    test_path(data, sizeof(data), "%s/missing.csv", tmp);
    p = text;
    p += sprintf(p, "a,b,y\n");

    for (i = 0; i < 60; i++) {
        if (i % 10 == 3) {
            p += sprintf(p, ",%d,%s\n", i % 5, i % 2 ? "dog" : "cat");

        } else {
            p += sprintf(p, "%d.5,%d,%s\n", i % 7, i % 5,
                         i % 2 ? "dog" : "cat");
        }
    }

    test_write(data, text);
    test_path(conf, sizeof(conf), "%s/missing.yaml", tmp);

    args[0] = "--config";
    args[1] = conf;
    args[2] = "--registry";
    args[3] = reg;
    args[4] = "--json";
    args[5] = NULL;

    /* impute */

    test_path(text, sizeof(text),
              "name: miss_impute\ndata: %s\nlabel: y\nfeatures: [a, b]\n"
              "missing: impute\nmodel: {kind: logreg}\n", data);
    test_write(conf, text);

    test_exec(&r, EPOCH, args);
    is_int(r.status, 0, "missing: impute exits 0");
    js = cJSON_Parse(r.out);
    test_run_free(&r);

    test_path(path, sizeof(path), "%s/model.mlclf", test_str(js, "path"));
    m = NULL;
    memset(&err, 0, sizeof(err));

    if (mlclf_model_open(&m, path, 0, &err) == MLCLF_OK) {
        ok(mlclf_model_impute(m) != NULL, "impute: the model imputes");
        mlclf_model_close(&m);

    } else {
        ok(0, "impute: model opens: %s", err.msg);
    }

    test_splits(test_str(js, "path"), data, test_num(js, "n_train", NULL),
                test_num(js, "n_test", NULL), "impute");
    cJSON_Delete(js);

    /* drop */

    test_path(text, sizeof(text),
              "name: miss_drop\ndata: %s\nlabel: y\nfeatures: [a, b]\n"
              "missing: drop\nmodel: {kind: forest, n_trees: 5}\n", data);
    test_write(conf, text);

    test_exec(&r, EPOCH, args);
    is_int(r.status, 0, "missing: drop exits 0");
    js = cJSON_Parse(r.out);
    test_run_free(&r);

    is_int((long long) test_num(js, "n_dropped", NULL), 6,
           "drop: 6 rows dropped");
    is_int((long long) (test_num(js, "n_train", NULL)
                        + test_num(js, "n_test", NULL)), 54,
           "drop: the other 54 are split");
    cJSON_Delete(js);

    /* fail */

    test_path(text, sizeof(text),
              "name: miss_fail\ndata: %s\nlabel: y\nfeatures: [a, b]\n"
              "model: {kind: logreg}\n", data);
    test_write(conf, text);

    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_DATA, "missing: fail exits 4");
    test_path(text, sizeof(text), "%s:5:1:", data);
    ok(strstr(r.err, text) != NULL, "... naming the first missing field");
    is_int(test_entries(reg, "miss_fail"), 0, "... and publishes nothing");
    test_run_free(&r);
}


/* A config for a data file in tmp, with the given model and gate. */
static void
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


static void
test_failures(const char *reg)
{
    int          i;
    char         data[128], conf[128], text[8192], *p;
    size_t       len;
    test_run_t   r;
    const char  *args[8];

    args[0] = "--config";
    args[1] = conf;
    args[2] = "--registry";
    args[3] = reg;
    args[4] = NULL;

    /* a gate that a coin-flip data set cannot pass */

    test_path(data, sizeof(data), "%s/noise.csv", tmp);
    p = text;
    p += sprintf(p, "a,b,y\n");

    for (i = 0; i < 80; i++) {
        p += sprintf(p, "%d.5,%d,%s\n", (i * 37) % 11, (i * 53) % 13,
                     ((i * 7919) % 17) % 2 ? "dog" : "cat");
    }

    test_write(data, text);

    test_path(conf, sizeof(conf), "%s/gate.yaml", tmp);
    test_small_config(conf, "noise", data, "gates: {min_accuracy: 0.999}\n");

    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_GATE, "failing gate exits 6");
    ok(strstr(r.err, "mlclf-train: gate: ") != NULL,
       "gate failure is explained on stderr");
    tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
    is_int(test_entries(reg, "noise"), 0, "failing gate publishes nothing");
    test_run_free(&r);

    test_small_config(conf, "noise", data, "gates: {min_macro_f1: 0.999}\n");
    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_GATE, "failing F1 gate exits 6");
    is_int(test_entries(reg, "noise"), 0, "... and publishes nothing");
    test_run_free(&r);

    /* the same data without gates publishes v1, then v2 */

    test_small_config(conf, "noise", data, "");
    test_exec(&r, EPOCH, args);
    is_int(r.status, 0, "no gate: exits 0");
    ok(strstr(r.out, "accuracy") && strstr(r.out, "published"),
       "the summary names accuracy and where it was published");
    test_run_free(&r);

    /* bad data: line 6 (header is 1), column of b */

    p = test_read("data/raw/iris.csv", &len);

    if (p) {
        char  *q;
        int    line;

        q = p;

        for (line = 1; line < 6; line++) {
            q = strchr(q, '\n') + 1;
        }

        /* "5.0,3.6,1.4,0.2,setosa": damage the second value */
        q = strchr(q, ',') + 1;
        q[0] = 'x';

        test_path(data, sizeof(data), "%s/bad.csv", tmp);
        test_write(data, p);
        free(p);
    }

    test_path(conf, sizeof(conf), "%s/bad.yaml", tmp);
    test_path(text, sizeof(text),
              "name: bad\n"
              "data: %s\n"
              "label: species\n"
              "features: [sepal_length, sepal_width, petal_length, "
              "petal_width]\n"
              "model: {kind: logreg}\n", data);
    test_write(conf, text);

    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_DATA, "bad value exits 4");
    test_path(text, sizeof(text), "%s:6:", data);
    ok(strstr(r.err, text) != NULL && strncmp(r.err, "mlclf-train: ", 13)
       == 0, "stderr names file:line:column");
    tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
    is_int(test_entries(reg, "bad"), 0, "bad data publishes nothing");
    test_run_free(&r);

    /* bad configuration */

    test_path(text, sizeof(text),
              "name: bad\n"
              "data: data/raw/iris.csv\n"
              "label: species\n"
              "features: [sepal_length, sepal_width, petal_length, "
              "petal_width]\n"
              "model: {kind: logreg, l3: 1}\n");
    test_write(conf, text);

    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_CONFIG, "unknown key exits 3");
    ok(strstr(r.err, "mlclf-train: config: ") != NULL,
       "config error on stderr");
    tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
    is_int(test_entries(reg, "bad"), 0, "bad config publishes nothing");
    test_run_free(&r);

    test_path(conf, sizeof(conf), "%s/missing.yaml", tmp);
    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_CONFIG, "missing config exits 3");
    test_run_free(&r);

    test_path(conf, sizeof(conf), "conf/iris.yaml");
    test_exec(&r, "yesterday", args);
    ok(r.status != 0, "malformed SOURCE_DATE_EPOCH is refused");
    test_run_free(&r);

    /* usage */

    args[2] = NULL;
    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_USAGE, "no --registry exits 2");
    test_run_free(&r);

    args[0] = "--bogus";
    args[1] = NULL;
    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_USAGE, "unknown option exits 2");
    test_run_free(&r);

    args[0] = "--help";
    test_exec(&r, NULL, args);
    is_int(r.status, 0, "--help exits 0");
    ok(strstr(r.out, "usage: mlclf-train") && strstr(r.out, "exit codes")
       && strstr(r.out, "6  a quality gate failed"),
       "--help prints usage and the exit codes on stdout");
    test_run_free(&r);
}


/*
 * Bad inputs through the whole command: each exits with its code, names
 * the file, line and column (0: none) on stderr, and msg if set, and
 * leaves the registry without a trace.  A CSV case is the data of a
 * good config (with classes: [cat, dog], or none if free_labels); a
 * YAML case is the config.
 */
typedef struct {
    unsigned                  yaml:1;
    int                       line;
    int                       col;
    const char               *text;
    const char               *why;
    const char               *msg;
    unsigned                  free_labels:1;
} test_bad_t;


static const test_bad_t  bad_inputs[] = {
    { 0, 3, 2, "a,b,y\n1,2,cat\n1,x,dog\n", "not a number", NULL, 0 },
    { 0, 2, 3, "a,b,y\n1,2,cow\n", "unknown label", NULL, 0 },
    { 0, 3, 3, "a,b,y\n1,2,cat\n1,2\n", "too few fields", NULL, 0 },
    { 0, 2, 4, "a,b,y\n1,2,cat,9\n", "too many fields", NULL, 0 },
    { 0, 2, 2, "a,b,y\n1,,cat\n", "missing value, policy fail", NULL, 0 },
    { 0, 2, 2, "a,b,y\n1,nan,dog\n", "NaN text", NULL, 0 },
    { 0, 2, 2, "a,b,y\n1,inf,dog\n", "infinite text", NULL, 0 },
    { 0, 2, 1, "a,b,y\n\"1,2,cat\n", "unterminated quote", NULL, 0 },
    { 0, 2, 3, "a,b,y\n1,2,\n", "empty label", NULL, 0 },
    { 0, 1, 0, "a,c,y\n1,2,cat\n", "missing column b", NULL, 0 },
    { 1, 3, 8, "name: bad\ndata: D\nlabel: [y]\nfeatures: [a, b]\n"
               "model: {kind: logreg}\n", "label not a string", NULL, 0 },
    { 1, 2, 1, "name: bad\ndta: D\n", "unknown key", NULL, 0 },
    { 1, 6, 24, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "model: {kind: logreg}\nsplit: {test_fraction: 1.5}\n",
      "test_fraction out of range", NULL, 0 },
    { 1, 5, 15, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "model: {kind: tree}\n", "unknown model kind", NULL, 0 },
    { 1, 5, 23, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "model: {kind: logreg, n_trees: 3}\n",
      "forest key for logreg", NULL, 0 },
    { 1, 4, 15, "name: bad\ndata: D\nlabel: y\nfeatures: [a, a]\n"
                "model: {kind: logreg}\n", "duplicate feature", NULL, 0 },
    { 1, 5, 27, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "model: {kind: logreg, l2: abc}\n", "l2 not a number",
      NULL, 0 },

    /* labels and names that a model cannot hold: refused on reading */
    { 0, 3, 3, "a,b,y\n1,2,cat\n3,4,caf\xc3\xa9\n5,6,dog\n",
      "non-ASCII label", "cannot be a class label: byte 4 is 0xc3", 1 },
    { 0, 3, 3, "a,b,y\n1,2,cat\n3,4,\"do\ng\"\n5,6,dog\n",
      "label with a line break", "cannot be a class label: byte 3 is 0x0a",
      1 },
    { 1, 4, 15, "name: bad\ndata: D\nlabel: y\n"
                "features: [a, \"b\\u00e9\"]\nmodel: {kind: logreg}\n",
      "non-ASCII feature name",
      "cannot be a feature name: byte 2 is 0xc3", 0 },
    { 1, 5, 11, "name: bad\ndata: D\nlabel: y\nfeatures: [a, b]\n"
                "classes: [\"c\\nat\", dog]\nmodel: {kind: logreg}\n",
      "class with a line break",
      "cannot be a class label: byte 2 is 0x0a", 0 },
};


static void
test_bad_inputs(const char *reg)
{
    char         data[128], conf[128], good[128], text[4096], want[256];
    const char  *d;
    size_t       i;
    test_run_t   r;
    const char  *args[8], *file, *expect;

    args[0] = "--config";
    args[1] = conf;
    args[2] = "--registry";
    args[3] = reg;
    args[4] = NULL;

    test_path(good, sizeof(good), "%s/good.csv", tmp);
    test_write(good, "a,b,y\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n");

    for (i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
        test_path(conf, sizeof(conf), "%s/bad-%zu.yaml", tmp, i);
        test_path(data, sizeof(data), "%s/bad-%zu.csv", tmp, i);

        if (bad_inputs[i].yaml) {
            /* the config's "D" stands for a good data file */
            d = strstr(bad_inputs[i].text, "data: D");
            if (d != NULL) {
                test_path(text, sizeof(text), "%.*sdata: %s%s",
                          (int) (d - bad_inputs[i].text),
                          bad_inputs[i].text, good, d + 7);

            } else {
                test_path(text, sizeof(text), "%s", bad_inputs[i].text);
            }

            test_write(conf, text);
            file = conf;
            expect = "config";

        } else if (bad_inputs[i].free_labels) {
            test_write(data, bad_inputs[i].text);
            test_path(text, sizeof(text), "name: bad\ndata: %s\nlabel: y\n"
                      "features: [a, b]\nmodel: {kind: logreg}\n", data);
            test_write(conf, text);
            file = data;
            expect = "data";

        } else {
            test_write(data, bad_inputs[i].text);
            test_small_config(conf, "bad", data, "");
            file = data;
            expect = "data";
        }

        test_exec(&r, EPOCH, args);

        is_int(r.status, bad_inputs[i].yaml ? MLCLF_TRAIN_EXIT_CONFIG
                                            : MLCLF_TRAIN_EXIT_DATA,
               "%s: %s exits %d", expect, bad_inputs[i].why,
               bad_inputs[i].yaml ? 3 : 4);

        if (bad_inputs[i].col) {
            test_path(want, sizeof(want), "%s:%d:%d: ", file,
                      bad_inputs[i].line, bad_inputs[i].col);

        } else {
            test_path(want, sizeof(want), "%s:%d: ", file,
                      bad_inputs[i].line);
        }

        ok(strstr(r.err, want) != NULL, "%s: %s: stderr names %s",
           expect, bad_inputs[i].why, want);
        tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);

        if (bad_inputs[i].msg) {
            ok(strstr(r.err, bad_inputs[i].msg) != NULL, "%s: %s: says %s",
               expect, bad_inputs[i].why, bad_inputs[i].msg);
        }

        test_path(want, sizeof(want), "%s/bad", reg);
        ok(access(want, F_OK) != 0 && test_entries(reg, "bad") == 0,
           "%s: %s: nothing published", expect, bad_inputs[i].why);

        test_run_free(&r);
    }
}


/*
 * A FIFO, a directory or a device as the data or the configuration is
 * refused at once (a FIFO used to block the trainer forever), with the
 * data or config exit code; nothing is published.
 */
static void
test_not_regular(const char *reg)
{
    int          i;
    char         fifo[128], conf[128], text[512], want[256];
    test_run_t   r;
    const char  *args[8];

    static const struct {
        const char           *config;       /* NULL: conf */
        const char           *data;         /* NULL: the FIFO */
        int                   status;
        const char           *what;
        const char           *msg;
    } cases[] = {
        { NULL, NULL, MLCLF_TRAIN_EXIT_DATA, "FIFO as data",
          "a FIFO, not a regular file" },
        { NULL, "/dev/zero", MLCLF_TRAIN_EXIT_DATA, "/dev/zero as data",
          "/dev/zero: a character device, not a regular file" },
        { NULL, "/tmp", MLCLF_TRAIN_EXIT_DATA, "directory as data",
          "/tmp: a directory, not a regular file" },
        { "", NULL, MLCLF_TRAIN_EXIT_CONFIG, "FIFO as --config",
          "a FIFO, not a regular file" },
    };

    test_path(fifo, sizeof(fifo), "%s/input.fifo", tmp);
    test_path(conf, sizeof(conf), "%s/not-regular.yaml", tmp);

    if (!ok(mkfifo(fifo, 0600) == 0, "mkfifo %s", fifo)) {
        return;
    }

    args[0] = "--config";
    args[2] = "--registry";
    args[3] = reg;
    args[4] = NULL;

    test_alarm = 30;

    for (i = 0; i < (int) (sizeof(cases) / sizeof(cases[0])); i++) {
        test_path(text, sizeof(text), "name: not_regular\ndata: %s\n"
                  "label: y\nfeatures: [a, b]\nmodel: {kind: logreg}\n",
                  cases[i].data ? cases[i].data : fifo);
        test_write(conf, text);

        args[1] = cases[i].config ? fifo : conf;

        test_exec(&r, EPOCH, args);
        is_int(r.status, cases[i].status, "%s: exits %d", cases[i].what,
               cases[i].status);
        test_path(want, sizeof(want), "mlclf-train: %s: ",
                  cases[i].config ? "config" : "data");
        ok(strncmp(r.err, want, strlen(want)) == 0
           && strstr(r.err, cases[i].msg) != NULL, "%s: says %s",
           cases[i].what, cases[i].msg);
        tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
        test_path(want, sizeof(want), "%s/not_regular", reg);
        ok(access(want, F_OK) != 0, "%s: nothing published", cases[i].what);
        test_run_free(&r);
    }

    test_alarm = 0;
    unlink(fifo);
}


/*
 * A configuration nested 100,000 deep is refused at its 65th level, at
 * once (it took half a minute before nesting was bounded).
 */
static void
test_deep_yaml(const char *reg)
{
    char         conf[128], want[256], *yaml, *p;
    size_t       n;
    test_run_t   r;
    const char  *args[8];

    n = 100000;
    yaml = malloc(2 * n + 64);
    p = yaml + sprintf(yaml, "name: deep\nx: ");
    memset(p, '[', n);
    memset(p + n, ']', n);
    strcpy(p + 2 * n, "\n");

    test_path(conf, sizeof(conf), "%s/deep.yaml", tmp);
    test_write(conf, yaml);
    free(yaml);

    args[0] = "--config";
    args[1] = conf;
    args[2] = "--registry";
    args[3] = reg;
    args[4] = NULL;

    test_alarm = 30;
    test_exec(&r, EPOCH, args);
    test_alarm = 0;

    is_int(r.status, MLCLF_TRAIN_EXIT_CONFIG, "100,000 levels exit 3");
    test_path(want, sizeof(want), "mlclf-train: config: %s:2:67: lists and "
              "mappings nested more than 64 deep\n", conf);
    is_str(r.err, want, "100,000 levels: file:line:col on stderr");
    test_path(want, sizeof(want), "%s/deep", reg);
    ok(access(want, F_OK) != 0, "100,000 levels: nothing published");
    test_run_free(&r);
}


/*
 * A label longer than a model can hold is refused where it stands in
 * the CSV, by its length, as data (exit 4): never trained on.
 */
static void
test_long_label(const char *reg)
{
    char         data[128], conf[128], text[512], want[256], *csv, *p;
    size_t       n;
    test_run_t   r;
    const char  *args[8];

    n = 1024 * 1024;
    csv = malloc(n + 64);
    p = csv + sprintf(csv, "a,b,y\n1,2,cat\n3,4,");
    memset(p, 'x', n);
    strcpy(p + n, "\n5,6,dog\n7,8,cat\n");

    test_path(data, sizeof(data), "%s/long-label.csv", tmp);
    test_path(conf, sizeof(conf), "%s/long-label.yaml", tmp);
    test_write(data, csv);
    free(csv);

    test_path(text, sizeof(text), "name: long_label\ndata: %s\nlabel: y\n"
              "features: [a, b]\nmodel: {kind: logreg}\n", data);
    test_write(conf, text);

    args[0] = "--config";
    args[1] = conf;
    args[2] = "--registry";
    args[3] = reg;
    args[4] = NULL;

    test_exec(&r, EPOCH, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_DATA, "1 MB label exits 4");
    test_path(want, sizeof(want), "mlclf-train: data: %s:3:3: y: ", data);
    ok(strncmp(r.err, want, strlen(want)) == 0
       && strstr(r.err, "cannot be a class label: 1048576 bytes, more "
                 "than 255\n") != NULL,
       "1 MB label: file:line:col and its length on stderr");
    tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
    test_path(want, sizeof(want), "%s/long_label", reg);
    ok(access(want, F_OK) != 0, "1 MB label: nothing published");
    test_run_free(&r);
}


static void
test_versions_promote(const char *reg)
{
    char         link[512], target[512], name[128];
    ssize_t      n;
    cJSON       *js;
    test_run_t   r;
    const char  *args[8];

    test_path(link, sizeof(link), "%s/iris/active", reg);
    ok(access(link, F_OK) != 0, "without --promote nothing is active");

    args[0] = "--config";
    args[1] = "conf/iris.yaml";
    args[2] = "--registry";
    args[3] = reg;
    args[4] = "--json";
    args[5] = NULL;

    test_exec(&r, NULL, args);
    is_int(r.status, 0, "iris again: exits 0");
    js = cJSON_Parse(r.out);
    is_str(test_str(js, "version"), "v2", "repeated run publishes v2");
    cJSON_Delete(js);
    test_run_free(&r);

    args[5] = "--promote";
    args[6] = NULL;
    test_exec(&r, NULL, args);
    is_int(r.status, 0, "--promote: exits 0");
    js = cJSON_Parse(r.out);
    is_str(test_str(js, "version"), "v3", "third run publishes v3");
    ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "promoted")),
       "--json says promoted");
    cJSON_Delete(js);
    test_run_free(&r);

    n = readlink(link, target, sizeof(target) - 1);
    target[n > 0 ? n : 0] = '\0';
    is_str(target, "versions/v3", "--promote points active at v3");

    is_int(test_versions(reg, "iris"), 3, "three versions of iris");

    /* --name overrides the configuration's */

    args[5] = "--name";
    args[6] = "iris_renamed";
    args[7] = NULL;
    test_exec(&r, NULL, args);
    is_int(r.status, 0, "--name: exits 0");
    js = cJSON_Parse(r.out);
    is_str(test_str(js, "name"), "iris_renamed", "--name is the name");
    cJSON_Delete(js);
    test_run_free(&r);
    is_int(test_versions(reg, "iris_renamed"), 1, "--name publishes there");

    args[6] = "../evil";
    test_exec(&r, NULL, args);
    is_int(r.status, MLCLF_TRAIN_EXIT_USAGE, "--name ../evil exits 2");
    test_run_free(&r);

    test_path(name, sizeof(name), "%s/../evil", reg);
    ok(access(name, F_OK) != 0, "... and writes nothing outside");
}


int
main(void)
{
    char        *env, reg1[128], reg2[128], reg3[128];
    cJSON       *js;
    size_t       i;

    env = getenv("MLCLF_BIN");
    snprintf(bin, sizeof(bin), "%s", env ? env : "build/bin");

    snprintf(tmp, sizeof(tmp), "/tmp/mlclf-train-cli.XXXXXX");

    if (mkdtemp(tmp) == NULL) {
        printf("Bail out! mkdtemp: %s\n", strerror(errno));
        return 1;
    }

    test_path(reg1, sizeof(reg1), "%s/reg1", tmp);
    test_path(reg2, sizeof(reg2), "%s/reg2", tmp);
    test_path(reg3, sizeof(reg3), "%s/reg3", tmp);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        js = test_case(&cases[i], reg1);
        cJSON_Delete(js);

        test_reproducible(&cases[i], reg1, reg2);
    }

    test_threads();
    test_versions_promote(reg1);
    test_failures(reg3);
    test_bad_inputs(reg3);
    test_long_label(reg3);
    test_not_regular(reg3);
    test_deep_yaml(reg3);
    test_missing(reg3);

    test_rmtree(tmp);

    return tap_done();
}
