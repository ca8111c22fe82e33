
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * In-process predict time of libmlclf, the figure bench/micro.py sets
 * against scikit-learn and XGBoost:
 *
 *   micro MODEL ROWS.csv [REPEATS [BODY]]
 *
 * ROWS.csv holds a header line and n_features numbers per line.  Prints
 * one JSON object: nanoseconds per call of mlclf_predict_proba() on one
 * row (rows taken in turn from the file, so that branches and caches see
 * varied input), and for the whole file as one batch with 1 and 2
 * threads.  With BODY (a /predict request), also the time of the
 * module's core path for it: mlclf_request_parse(), mlclf_reply_bound()
 * and mlclf_reply_write().  Every figure is the median of REPEATS runs.
 *
 *   micro --wide [N_FEATURES [REPEATS]]
 *
 * Builds a logreg with N_FEATURES (default and most 65535) features
 * f0, f1, ... in memory and prints the time of mlclf_request_parse() on
 * one row of them sent by name, {"features": {"f0": ..., ...}}, against
 * the same row as an array: the cost of names on the widest models.
 */


#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mlclf.h"


#define MICRO_ONE_ROW_CALLS  2000000
#define MICRO_MAX_REPEATS    31
#define MICRO_WIDE_MAX       65535


typedef struct {
    const mlclf_model_t      *model;
    const double             *x;
    double                   *proba;
    size_t                    from;
    size_t                    to;
    uint32_t                  nf;
    uint32_t                  nc;
    uint64_t                  sink;
} micro_part_t;


static double micro_now(void);
static int micro_cmp(const void *a, const void *b);
static double micro_median(double *v, int n);
static double *micro_read_rows(const char *path, uint32_t nf, size_t *n);
static void *micro_batch_part(void *arg);
static double micro_batch(micro_part_t *parts, int n_threads);
static double micro_parse_ms(const mlclf_model_t *m, const char *body,
    size_t len, int repeats);
static int micro_wide(int argc, char **argv);
static uint64_t micro_one_row(const mlclf_model_t *m, const double *x,
    size_t n, int repeats, double *one);
static int micro_request(const mlclf_model_t *m, const char *body,
    int repeats, double *req_ns, uint64_t *sink);
static uint64_t micro_batches(const mlclf_model_t *m, const double *x,
    double *proba, size_t n, int repeats, double *b1, double *b2);


static double
micro_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec * 1e-9;
}


static int
micro_cmp(const void *a, const void *b)
{
    double  x, y;

    x = *(const double *) a;
    y = *(const double *) b;

    return (x > y) - (x < y);
}


static double
micro_median(double *v, int n)
{
    qsort(v, n, sizeof(double), micro_cmp);

    return (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}


static double *
micro_read_rows(const char *path, uint32_t nf, size_t *n)
{
    char     line[4096], *p, *end;
    FILE    *f;
    size_t   cap, rows;
    double  *x, *nx;
    uint32_t j;

    f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "micro: %s: %s\n", path, strerror(errno));
        return NULL;
    }

    cap = 1024;
    rows = 0;
    x = malloc(cap * nf * sizeof(double));

    if (x == NULL || fgets(line, sizeof(line), f) == NULL) {
        goto failed;
    }

    while (fgets(line, sizeof(line), f) != NULL) {
        if (rows == cap) {
            cap *= 2;
            nx = realloc(x, cap * nf * sizeof(double));
            if (nx == NULL) {
                goto failed;
            }

            x = nx;
        }

        p = line;

        for (j = 0; j < nf; j++) {
            x[rows * nf + j] = strtod(p, &end);

            if (end == p) {
                fprintf(stderr, "micro: %s: line %zu: bad number\n",
                        path, rows + 2);
                goto failed;
            }

            p = (*end == ',') ? end + 1 : end;
        }

        rows++;
    }

    fclose(f);

    if (rows == 0) {
        free(x);
        fprintf(stderr, "micro: %s: no rows\n", path);
        return NULL;
    }

    *n = rows;

    return x;

failed:

    fclose(f);
    free(x);

    return NULL;
}


static void *
micro_batch_part(void *arg)
{
    micro_part_t  *p = arg;
    size_t         i;
    uint64_t       sink;

    /*
     * A local sum, stored once: the parts sit next to each other, and
     * adding to p->sink on every row made the two threads fight for one
     * cache line (logistic regression with 2 threads was no faster than
     * with 1: 29.9 against 28.6 ns/row).
     */
    sink = 0;

    for (i = p->from; i < p->to; i++) {
        sink += mlclf_predict_proba(p->model, p->x + i * p->nf,
                                    p->proba + i * p->nc);
    }

    p->sink += sink;

    return NULL;
}


/* Seconds to predict parts[0 .. n_threads - 1], one thread each. */

static double
micro_batch(micro_part_t *parts, int n_threads)
{
    int        t;
    double     start;
    pthread_t  tid[2];

    start = micro_now();

    for (t = 1; t < n_threads; t++) {
        if (pthread_create(&tid[t], NULL, micro_batch_part, &parts[t]) != 0)
        {
            fprintf(stderr, "micro: pthread_create failed\n");
            exit(1);
        }
    }

    micro_batch_part(&parts[0]);

    for (t = 1; t < n_threads; t++) {
        pthread_join(tid[t], NULL);
    }

    return micro_now() - start;
}


/* Median milliseconds of one mlclf_request_parse() of body. */

static double
micro_parse_ms(const mlclf_model_t *m, const char *body, size_t len,
    int repeats)
{
    int              r, rc;
    double           start, ms[MICRO_MAX_REPEATS];
    mlclf_err_t      err;
    mlclf_request_t  req;

    memset(ms, 0, sizeof(ms));

    for (r = 0; r < repeats; r++) {
        start = micro_now();

        rc = mlclf_request_parse(&req, m, body, len, NULL, &err);

        ms[r] = (micro_now() - start) * 1e3;

        mlclf_request_free(&req);

        if (rc != MLCLF_OK) {
            fprintf(stderr, "micro: %s\n", err.msg);
            exit(1);
        }
    }

    return micro_median(ms, repeats);
}


static int
micro_wide(int argc, char **argv)
{
    int              repeats;
    char           **names, *named, *array, *p, *q;
    void            *buf;
    double          *w, named_ms, array_ms;
    size_t           len;
    uint32_t         n, i;
    mlclf_err_t      err;
    mlclf_spec_t     spec;
    mlclf_model_t   *m;
    static const char *const  classes[] = { "no", "yes" };
    static const double       bias[] = { 0.0 };

    n = (argc > 2) ? (uint32_t) strtoul(argv[2], NULL, 10) : MICRO_WIDE_MAX;
    repeats = (argc > 3) ? atoi(argv[3]) : 7;

    if (n == 0 || n > MICRO_WIDE_MAX) {
        n = MICRO_WIDE_MAX;
    }

    if (repeats < 1 || repeats > MICRO_MAX_REPEATS) {
        repeats = 7;
    }

    names = calloc(n, sizeof(char *));
    w = calloc(n, sizeof(double));
    named = malloc((size_t) n * 24 + 32);
    array = malloc((size_t) n * 8 + 32);

    if (names == NULL || w == NULL || named == NULL || array == NULL) {
        fprintf(stderr, "micro: out of memory\n");
        return 1;
    }

    p = named + sprintf(named, "{\"features\":{");
    q = array + sprintf(array, "{\"features\":[");

    for (i = 0; i < n; i++) {
        names[i] = malloc(8);
        if (names[i] == NULL) {
            fprintf(stderr, "micro: out of memory\n");
            return 1;
        }

        snprintf(names[i], 8, "f%u", i);

        p += sprintf(p, "%s\"f%u\":%u.%u", i ? "," : "", i, i % 100,
                     i % 10);
        q += sprintf(q, "%s%u.%u", i ? "," : "", i % 100, i % 10);
    }

    p += sprintf(p, "}}");
    q += sprintf(q, "]}");

    memset(&spec, 0, sizeof(spec));
    spec.kind = MLCLF_KIND_LOGREG;
    spec.n_features = n;
    spec.n_classes = 2;
    spec.feature_names = (const char *const *) names;
    spec.class_labels = classes;
    spec.n_outputs = 1;
    spec.weights = w;
    spec.bias = bias;

    m = NULL;

    if (mlclf_write_buffer(&spec, &buf, &len, &err) != MLCLF_OK
        || mlclf_model_load(&m, buf, len, &err) != MLCLF_OK)
    {
        fprintf(stderr, "micro: %s\n", err.msg);
        return 1;
    }

    named_ms = micro_parse_ms(m, named, p - named, repeats);
    array_ms = micro_parse_ms(m, array, q - array, repeats);

    printf("{\"wide_n_features\":%u,\"named_bytes\":%zu,"
           "\"array_bytes\":%zu,\"named_parse_ms\":%.3f,"
           "\"array_parse_ms\":%.3f,\"named_vs_array\":%.2f}\n",
           n, (size_t) (p - named), (size_t) (q - array), named_ms,
           array_ms, named_ms / array_ms);

    mlclf_model_close(&m);
    free(buf);

    for (i = 0; i < n; i++) {
        free(names[i]);
    }

    free(names);
    free(w);
    free(named);
    free(array);

    return 0;
}


/* Nanoseconds per call on one row, as the module does it, into one[]. */

static uint64_t
micro_one_row(const mlclf_model_t *m, const double *x, size_t n,
    int repeats, double *one)
{
    int        r;
    double     start, p1[64];
    size_t     i, calls;
    uint32_t   nf;
    uint64_t   sink;

    nf = mlclf_model_n_features(m);
    sink = 0;

    calls = MICRO_ONE_ROW_CALLS;

    if (mlclf_model_kind(m) == MLCLF_KIND_FOREST) {
        calls /= 10 * (mlclf_model_n_trees(m) / 100 + 1);
    }

    for (r = 0; r < repeats; r++) {
        start = micro_now();

        for (i = 0; i < calls; i++) {
            sink += mlclf_predict_proba(m, x + (i & 1023) % n * nf, p1);
        }

        one[r] = (micro_now() - start) / calls * 1e9;
    }

    return sink;
}


/*
 * Nanoseconds per request of the module's core path for body, into
 * req_ns[]: mlclf_request_parse(), mlclf_reply_bound() and
 * mlclf_reply_write().  -1 if the body is refused or a reply fails.
 */

static int
micro_request(const mlclf_model_t *m, const char *body, int repeats,
    double *req_ns, uint64_t *sink)
{
    int              r;
    char            *out;
    double           start, *scratch;
    size_t           i, calls, size, body_len;
    mlclf_err_t      err;
    mlclf_reply_t    rep;
    mlclf_request_t  req;

    body_len = strlen(body);
    scratch = malloc(mlclf_reply_scratch(m) * sizeof(double));
    size = 0;
    out = NULL;

    for (r = 0; r < repeats; r++) {
        calls = 200000;
        start = micro_now();

        for (i = 0; i < calls; i++) {
            if (mlclf_request_parse(&req, m, body, body_len, NULL, &err)
                != MLCLF_OK)
            {
                fprintf(stderr, "micro: %s\n", err.msg);
                mlclf_request_free(&req);
                goto failed;
            }

            if (mlclf_reply_bound(m, &req, "v1") > size) {
                size = mlclf_reply_bound(m, &req, "v1");
                free(out);
                out = malloc(size);
            }

            memset(&rep, 0, sizeof(rep));
            rep.buf = out;
            rep.size = size;
            rep.scratch = scratch;
            rep.version = "v1";

            if (out == NULL || scratch == NULL
                || mlclf_reply_write(&rep, m, &req, &err) != MLCLF_OK)
            {
                fprintf(stderr, "micro: reply failed\n");
                mlclf_request_free(&req);
                goto failed;
            }

            *sink += rep.len;
            mlclf_request_free(&req);
        }

        req_ns[r] = (micro_now() - start) / calls * 1e9;
    }

    free(scratch);
    free(out);

    return 0;

failed:

    free(scratch);
    free(out);

    return -1;
}


/* The whole file as one batch, 1 and 2 threads: ns per row. */

static uint64_t
micro_batches(const mlclf_model_t *m, const double *x, double *proba,
    size_t n, int repeats, double *b1, double *b2)
{
    int            r, t, nt;
    uint32_t       nf, nc;
    uint64_t       sink;
    micro_part_t   parts[2];

    nf = mlclf_model_n_features(m);
    nc = mlclf_model_n_classes(m);
    sink = 0;

    for (nt = 1; nt <= 2; nt++) {
        memset(parts, 0, sizeof(parts));

        for (t = 0; t < nt; t++) {
            parts[t].model = m;
            parts[t].x = x;
            parts[t].proba = proba;
            parts[t].nf = nf;
            parts[t].nc = nc;
            parts[t].from = n * t / nt;
            parts[t].to = n * (t + 1) / nt;
        }

        for (r = 0; r < repeats; r++) {
            if (nt == 1) {
                b1[r] = micro_batch(parts, 1) / n * 1e9;

            } else {
                b2[r] = micro_batch(parts, 2) / n * 1e9;
            }
        }

        sink += parts[0].sink + parts[1].sink;
    }

    return sink;
}


int
main(int argc, char **argv)
{
    int              repeats;
    double          *x, *proba, one[MICRO_MAX_REPEATS];
    double           b1[MICRO_MAX_REPEATS], b2[MICRO_MAX_REPEATS];
    double           req_ns[MICRO_MAX_REPEATS];
    size_t           n;
    uint32_t         nf, nc;
    uint64_t         sink;
    const char      *body;
    mlclf_err_t      err;
    mlclf_model_t   *m;

    if (argc > 1 && strcmp(argv[1], "--wide") == 0) {
        return micro_wide(argc, argv);
    }

    if (argc < 3) {
        fprintf(stderr, "usage: micro MODEL ROWS.csv [REPEATS [BODY]]\n"
                        "       micro --wide [N_FEATURES [REPEATS]]\n");
        return 2;
    }

    repeats = (argc > 3) ? atoi(argv[3]) : 7;

    if (repeats < 1 || repeats > MICRO_MAX_REPEATS) {
        repeats = 7;
    }

    if (mlclf_model_open(&m, argv[1], 0, &err) != MLCLF_OK) {
        fprintf(stderr, "micro: %s\n", err.msg);
        return 1;
    }

    nf = mlclf_model_n_features(m);
    nc = mlclf_model_n_classes(m);

    if (nc > 64) {
        fprintf(stderr, "micro: more than 64 classes\n");
        return 1;
    }

    x = micro_read_rows(argv[2], nf, &n);
    proba = malloc(n * nc * sizeof(double));

    if (x == NULL || proba == NULL) {
        return 1;
    }

    sink = micro_one_row(m, x, n, repeats, one);

    body = (argc > 4) ? argv[4] : NULL;

    if (body != NULL
        && micro_request(m, body, repeats, req_ns, &sink) != 0)
    {
        free(x);
        free(proba);
        mlclf_model_close(&m);
        return 1;
    }

    sink += micro_batches(m, x, proba, n, repeats, b1, b2);

    printf("{\"kind\":\"%s\",\"n_features\":%u,\"n_classes\":%u,"
           "\"n_trees\":%u,\"batch_rows\":%zu,\"one_row_ns\":%.2f,"
           "\"batch_1t_ns_per_row\":%.2f,\"batch_2t_ns_per_row\":%.2f,"
           "\"request_ns\":%.2f,\"sink\":%llu}\n",
           mlclf_model_kind_name(m), nf, nc, mlclf_model_n_trees(m), n,
           micro_median(one, repeats), micro_median(b1, repeats),
           micro_median(b2, repeats),
           body ? micro_median(req_ns, repeats) : 0.0,
           (unsigned long long) sink);

    free(x);
    free(proba);
    mlclf_model_close(&m);

    return 0;
}
