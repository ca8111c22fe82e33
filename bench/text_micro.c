
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * In-process cost of the text featurizer, the figure
 * bench/text_micro.py sets against scikit-learn's transform:
 *
 *   text_micro MODEL INPUT DOCS [REPEATS [REQUEST]]
 *   text_micro --calls N MODEL INPUT TEXT REQUEST
 *
 * MODEL is a model with raw inputs and INPUT the name of one of its
 * text inputs; DOCS holds the documents, each ended by a NUL byte.
 * Every document goes through mlclf_text_count() and
 * mlclf_text_weigh() with the input's parameters, what the module does
 * to that field of a request.  Prints one JSON object: the median of
 * REPEATS passes over all documents, as nanoseconds per KB (1,024
 * bytes) of text and per document, and the median time of the median
 * document by length (the lower one), each repeated until 20 ms have
 * passed.  With REQUEST (a file holding a /predict body) also the time
 * of the module's core path for it: mlclf_request_parse(),
 * mlclf_reply_bound() and mlclf_reply_write().  --calls runs a text
 * and a request a fixed number of times for callgrind, untimed
 * (text_micro_calls()).
 */


#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mlclf.h"
#include "mlclf_input.h"


#define TEXT_MICRO_MAX_REPEATS  31
#define TEXT_MICRO_ONE_SECONDS  0.02


typedef struct {
    const char               *s;
    size_t                    len;
} text_micro_doc_t;


typedef struct {
    char                     *out;
    double                   *scratch;
    size_t                    size;
    size_t                    need;
} text_micro_reply_t;


static double text_micro_now(void);
static const mlclf_text_params_t *text_micro_open(const char *path,
    const char *name, mlclf_model_t **m);
static int text_micro_cmp(const void *a, const void *b);
static int text_micro_doc_cmp(const void *a, const void *b);
static double text_micro_median(double *v, int n);
static char *text_micro_read(const char *path, size_t *len);
static text_micro_doc_t *text_micro_docs(char *buf, size_t len, size_t *n,
    size_t *bytes, size_t *max_len);
static ptrdiff_t text_micro_one(const mlclf_text_params_t *p,
    const text_micro_doc_t *d, void *scratch, mlclf_text_term_t *terms);
static int text_micro_passes(const mlclf_text_params_t *p,
    const text_micro_doc_t *docs, size_t n, int repeats, void *scratch,
    mlclf_text_term_t *terms, double *pass, size_t *terms_n);
static double text_micro_alone(const mlclf_text_params_t *p,
    const text_micro_doc_t *d, void *scratch, mlclf_text_term_t *terms,
    size_t *sink);
static int text_micro_request_one(const mlclf_model_t *m, const char *body,
    size_t len, text_micro_reply_t *st, size_t *sink);
static int text_micro_request(const mlclf_model_t *m, const char *body,
    size_t len, int repeats, double *ns, size_t *sink);
static int text_micro_calls_text(const mlclf_text_params_t *p,
    const text_micro_doc_t *d, long calls, void *scratch,
    mlclf_text_term_t *terms, size_t *sink);
static int text_micro_calls_request(const mlclf_model_t *m, const char *body,
    size_t len, long calls, text_micro_reply_t *st, size_t *sink);
static int text_micro_calls(int argc, char **argv);


static double
text_micro_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec * 1e-9;
}


/* The model at path and its text input name's parameters, or NULL. */
static const mlclf_text_params_t *
text_micro_open(const char *path, const char *name, mlclf_model_t **m)
{
    int32_t                     input;
    mlclf_err_t                 err;
    const mlclf_text_params_t  *tp;

    *m = NULL;

    if (mlclf_model_open(m, path, 0, &err) != MLCLF_OK) {
        fprintf(stderr, "text_micro: %s\n", err.msg);
        return NULL;
    }

    input = mlclf_model_feature_index(*m, name, strlen(name));
    tp = input < 0 ? NULL : mlclf_model_input_text(*m, (uint32_t) input);
    if (tp == NULL) {
        fprintf(stderr, "text_micro: %s: no text input \"%s\"\n", path,
                name);
    }

    return tp;
}


static int
text_micro_cmp(const void *a, const void *b)
{
    double  x, y;

    x = *(const double *) a;
    y = *(const double *) b;

    return (x > y) - (x < y);
}


static int
text_micro_doc_cmp(const void *a, const void *b)
{
    const text_micro_doc_t  *x = a, *y = b;

    if (x->len != y->len) {
        return x->len < y->len ? -1 : 1;
    }

    /* documents of one length: the earlier in the file first */
    return (x->s > y->s) - (x->s < y->s);
}


static double
text_micro_median(double *v, int n)
{
    qsort(v, n, sizeof(double), text_micro_cmp);

    return (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}


static char *
text_micro_read(const char *path, size_t *len)
{
    char    *buf;
    long     size;
    FILE    *f;

    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "text_micro: %s: %s\n", path, strerror(errno));
        return NULL;
    }

    buf = NULL;

    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fprintf(stderr, "text_micro: %s: cannot seek\n", path);
        goto done;
    }

    buf = malloc((size_t) size + 1);
    if (buf == NULL) {
        fprintf(stderr, "text_micro: out of memory\n");
        goto done;
    }

    if (fread(buf, 1, (size_t) size, f) != (size_t) size) {
        fprintf(stderr, "text_micro: %s: short read\n", path);
        free(buf);
        buf = NULL;
        goto done;
    }

    buf[size] = '\0';
    *len = (size_t) size;

done:

    fclose(f);

    return buf;
}


/* The documents of buf, each ended by a NUL; NULL if none. */
static text_micro_doc_t *
text_micro_docs(char *buf, size_t len, size_t *n, size_t *bytes,
    size_t *max_len)
{
    char              *p, *end;
    size_t             i, k;
    text_micro_doc_t  *docs;

    *n = 0;
    for (i = 0; i < len; i++) {
        *n += buf[i] == '\0';
    }

    if (*n == 0) {
        return NULL;
    }

    docs = calloc(*n, sizeof(text_micro_doc_t));
    if (docs == NULL) {
        return NULL;
    }

    p = buf;
    *bytes = 0;
    *max_len = 0;

    for (k = 0; k < *n; k++) {
        end = memchr(p, '\0', buf + len - p);
        docs[k].s = p;
        docs[k].len = end - p;
        *bytes += docs[k].len;
        *max_len = docs[k].len > *max_len ? docs[k].len : *max_len;
        p = end + 1;
    }

    return docs;
}


/* One document through the featurizer, as the module runs it. */
static ptrdiff_t
text_micro_one(const mlclf_text_params_t *p, const text_micro_doc_t *d,
    void *scratch, mlclf_text_term_t *terms)
{
    ptrdiff_t  n;

    n = mlclf_text_count(p, d->s, d->len, scratch, terms);
    if (n > 0) {
        mlclf_text_weigh(p, terms, (size_t) n);
    }

    return n;
}


/*
 * Every document once a pass, in the file's order: pass[r] is the time
 * of pass r in seconds; *terms_n the terms of the first pass.
 */
static int
text_micro_passes(const mlclf_text_params_t *p, const text_micro_doc_t *docs,
    size_t n, int repeats, void *scratch, mlclf_text_term_t *terms,
    double *pass, size_t *terms_n)
{
    int        r;
    double     start;
    size_t     k;
    ptrdiff_t  got;

    *terms_n = 0;

    for (r = 0; r < repeats; r++) {
        start = text_micro_now();

        for (k = 0; k < n; k++) {
            got = text_micro_one(p, &docs[k], scratch, terms);
            if (got < 0) {
                fprintf(stderr, "text_micro: document %zu: not UTF-8\n",
                        k + 1);
                return -1;
            }

            *terms_n += r == 0 ? (size_t) got : 0;
        }

        pass[r] = text_micro_now() - start;
    }

    return 0;
}


/* One document over and over for TEXT_MICRO_ONE_SECONDS: ns a call. */
static double
text_micro_alone(const mlclf_text_params_t *p, const text_micro_doc_t *d,
    void *scratch, mlclf_text_term_t *terms, size_t *sink)
{
    double  start, elapsed;
    size_t  calls;

    calls = 0;
    start = text_micro_now();

    do {
        *sink += (size_t) text_micro_one(p, d, scratch, terms);
        calls++;
        elapsed = text_micro_now() - start;

    } while (elapsed < TEXT_MICRO_ONE_SECONDS);

    return elapsed / calls * 1e9;
}


/*
 * The module's core path for one request body, once: parse, reply
 * bound, scratch, reply.  st keeps the reply buffers from call to call.
 */
static int
text_micro_request_one(const mlclf_model_t *m, const char *body, size_t len,
    text_micro_reply_t *st, size_t *sink)
{
    mlclf_err_t      err;
    mlclf_reply_t    rep;
    mlclf_request_t  req;

    if (mlclf_request_parse(&req, m, body, len, NULL, &err) != MLCLF_OK) {
        fprintf(stderr, "text_micro: request: %s\n", err.msg);
        mlclf_request_free(&req);
        return -1;
    }

    if (mlclf_reply_bound(m, &req, "v1") > st->size) {
        st->size = mlclf_reply_bound(m, &req, "v1");
        free(st->out);
        st->out = malloc(st->size);
    }

    if (mlclf_reply_scratch_for(m, &req) > st->need) {
        st->need = mlclf_reply_scratch_for(m, &req);
        free(st->scratch);
        st->scratch = malloc(st->need * sizeof(double));
    }

    memset(&rep, 0, sizeof(rep));
    rep.buf = st->out;
    rep.size = st->size;
    rep.scratch = st->scratch;
    rep.version = "v1";

    if (st->out == NULL || st->scratch == NULL
        || mlclf_reply_write(&rep, m, &req, &err) != MLCLF_OK)
    {
        fprintf(stderr, "text_micro: reply failed\n");
        mlclf_request_free(&req);
        return -1;
    }

    *sink += rep.len;
    mlclf_request_free(&req);

    return 0;
}


/* The module's core path for one request body: ns per request. */
static int
text_micro_request(const mlclf_model_t *m, const char *body, size_t len,
    int repeats, double *ns, size_t *sink)
{
    int                 r, rc;
    double              start, elapsed;
    size_t              calls;
    text_micro_reply_t  st;

    memset(&st, 0, sizeof(st));
    rc = 0;

    for (r = 0; r < repeats && rc == 0; r++) {
        calls = 0;
        start = text_micro_now();

        do {
            rc = text_micro_request_one(m, body, len, &st, sink);
            calls++;
            elapsed = text_micro_now() - start;

        } while (rc == 0 && elapsed < TEXT_MICRO_ONE_SECONDS);

        ns[r] = elapsed / calls * 1e9;
    }

    free(st.scratch);
    free(st.out);

    return rc;
}


/*
 * The text alone through the featurizer, calls times: the function
 * whose instructions bench/text.py --only callgrind counts.
 */
static __attribute__((noinline)) int
text_micro_calls_text(const mlclf_text_params_t *p,
    const text_micro_doc_t *d, long calls, void *scratch,
    mlclf_text_term_t *terms, size_t *sink)
{
    long       i;
    ptrdiff_t  n;

    for (i = 0; i < calls; i++) {
        n = text_micro_one(p, d, scratch, terms);
        if (n < 0) {
            return -1;
        }

        *sink += (size_t) n;
    }

    return 0;
}


/* The request through the module's core path, calls times: as above. */
static __attribute__((noinline)) int
text_micro_calls_request(const mlclf_model_t *m, const char *body,
    size_t len, long calls, text_micro_reply_t *st, size_t *sink)
{
    long  i;

    for (i = 0; i < calls; i++) {
        if (text_micro_request_one(m, body, len, st, sink) != 0) {
            return -1;
        }
    }

    return 0;
}


/*
 * text_micro --calls N MODEL INPUT TEXT REQUEST: the text of file TEXT
 * through INPUT's featurizer and the /predict body of file REQUEST
 * through the core path, once each to warm up, then N times each in
 * text_micro_calls_text() and text_micro_calls_request(), untimed, for
 * callgrind's instruction counts (bench/text.py --only callgrind).
 */
static int
text_micro_calls(int argc, char **argv)
{
    int                         rc;
    long                        calls;
    char                       *text, *body;
    void                       *scratch;
    size_t                      text_len, body_len, sink;
    mlclf_model_t              *m;
    text_micro_doc_t            d;
    mlclf_text_term_t          *terms;
    text_micro_reply_t          st;
    const mlclf_text_params_t  *tp;

    if (argc != 7 || (calls = atol(argv[2])) < 1) {
        fprintf(stderr, "usage: text_micro --calls N MODEL INPUT TEXT "
                "REQUEST\n");
        return 2;
    }

    rc = 1;
    text = NULL;
    body = NULL;
    scratch = NULL;
    terms = NULL;
    sink = 0;
    memset(&st, 0, sizeof(st));

    tp = text_micro_open(argv[3], argv[4], &m);
    if (tp == NULL) {
        mlclf_model_close(&m);
        return 1;
    }

    text = text_micro_read(argv[5], &text_len);
    body = text_micro_read(argv[6], &body_len);
    if (text == NULL || body == NULL) {
        goto done;
    }

    d.s = text;
    d.len = text_len;

    terms = malloc((mlclf_text_max_terms(tp, text_len) + 1)
                   * sizeof(mlclf_text_term_t));
    scratch = aligned_alloc(8, mlclf_text_scratch_size(tp, text_len) + 8);
    if (terms == NULL || scratch == NULL) {
        fprintf(stderr, "text_micro: out of memory\n");
        goto done;
    }

    if (text_micro_one(tp, &d, scratch, terms) < 0
        || text_micro_request_one(m, body, body_len, &st, &sink) != 0
        || text_micro_calls_text(tp, &d, calls, scratch, terms, &sink) != 0
        || text_micro_calls_request(m, body, body_len, calls, &st, &sink)
           != 0)
    {
        fprintf(stderr, "text_micro: %s: failed\n", argv[5]);
        goto done;
    }

    printf("{\"input\": \"%s\", \"calls\": %ld, \"text_bytes\": %zu, "
           "\"request_bytes\": %zu, \"sink\": %zu}\n", argv[4], calls,
           text_len, body_len, sink);

    rc = 0;

done:

    free(st.scratch);
    free(st.out);
    free(scratch);
    free(terms);
    free(body);
    free(text);
    mlclf_model_close(&m);

    return rc;
}


int
main(int argc, char **argv)
{
    int                         r, repeats, rc;
    char                       *buf, *body;
    void                       *scratch;
    double                      pass[TEXT_MICRO_MAX_REPEATS];
    double                      one[TEXT_MICRO_MAX_REPEATS];
    double                      req[TEXT_MICRO_MAX_REPEATS];
    size_t                      len, body_len, n, bytes, max_len, sink;
    size_t                      terms_n;
    mlclf_model_t              *m;
    text_micro_doc_t           *docs, mid;
    mlclf_text_term_t          *terms;
    const mlclf_text_params_t  *tp;

    if (argc > 1 && strcmp(argv[1], "--calls") == 0) {
        return text_micro_calls(argc, argv);
    }

    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: text_micro MODEL INPUT DOCS "
                "[REPEATS [REQUEST]]\n");
        return 2;
    }

    repeats = argc > 4 ? atoi(argv[4]) : 5;
    if (repeats < 1 || repeats > TEXT_MICRO_MAX_REPEATS) {
        fprintf(stderr, "text_micro: REPEATS: 1 to %d\n",
                TEXT_MICRO_MAX_REPEATS);
        return 2;
    }

    rc = 1;
    m = NULL;
    buf = NULL;
    body = NULL;
    docs = NULL;
    scratch = NULL;
    terms = NULL;
    sink = 0;

    tp = text_micro_open(argv[1], argv[2], &m);
    if (tp == NULL) {
        mlclf_model_close(&m);
        return 1;
    }

    buf = text_micro_read(argv[3], &len);
    if (buf == NULL) {
        goto done;
    }

    docs = text_micro_docs(buf, len, &n, &bytes, &max_len);
    if (docs == NULL) {
        fprintf(stderr, "text_micro: %s: no documents\n", argv[3]);
        goto done;
    }

    terms = malloc((mlclf_text_max_terms(tp, max_len) + 1)
                   * sizeof(mlclf_text_term_t));
    scratch = aligned_alloc(8, mlclf_text_scratch_size(tp, max_len) + 8);
    if (terms == NULL || scratch == NULL) {
        fprintf(stderr, "text_micro: out of memory\n");
        goto done;
    }

    if (text_micro_passes(tp, docs, n, repeats, scratch, terms, pass,
                          &terms_n)
        != 0)
    {
        goto done;
    }

    /* the median document by length, alone */

    qsort(docs, n, sizeof(text_micro_doc_t), text_micro_doc_cmp);
    mid = docs[(n - 1) / 2];

    for (r = 0; r < repeats; r++) {
        one[r] = text_micro_alone(tp, &mid, scratch, terms, &sink);
    }

    if (argc > 5) {
        body = text_micro_read(argv[5], &body_len);
        if (body == NULL
            || text_micro_request(m, body, body_len, repeats, req, &sink)
               != 0)
        {
            goto done;
        }
    }

    printf("{\"input\": \"%s\", \"documents\": %zu, \"bytes\": %zu, "
           "\"terms_per_document\": %.1f, \"repeats\": %d, "
           "\"ns_per_kb\": %.1f, \"ns_per_document\": %.1f, "
           "\"median_document_bytes\": %zu, "
           "\"median_document_ns\": %.1f",
           argv[2], n, bytes, (double) terms_n / n, repeats,
           text_micro_median(pass, repeats) * 1e9 / bytes * 1024,
           text_micro_median(pass, repeats) * 1e9 / n, mid.len,
           text_micro_median(one, repeats));

    if (body != NULL) {
        printf(", \"request_bytes\": %zu, \"request_ns\": %.1f", body_len,
               text_micro_median(req, repeats));
    }

    printf(", \"sink\": %zu}\n", sink);

    rc = 0;

done:

    free(body);
    free(scratch);
    free(terms);
    free(docs);
    free(buf);
    mlclf_model_close(&m);

    return rc;
}
