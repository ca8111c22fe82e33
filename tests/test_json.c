
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * /predict request parsing and replies: the bad-input catalogue
 * (fixtures/bad-requests.txt), the valid corpus with exact reply bytes
 * (fixtures/requests/), row values, imputation, reply bounds, error
 * bodies and the shortest round-trip formatting of doubles.
 */


#include <dirent.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tap.h"
#include "mlclf.h"


#define BAD_REQUESTS   "tests/fixtures/bad-requests.txt"
#define REQUESTS_DIR   "tests/fixtures/requests"
#define ROW            "[5.1,3.5,1.4,0.2]"

/* a literal with its exact length, NULs included */
#define LIT(s)         s, sizeof(s) - 1

/* the name of the reason of the local request req */
#define REQ_REASON     mlclf_reason_name(req.reason)


static const char *const  iris_features[] = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
};

static const char *const  iris_classes[] = {
    "setosa", "versicolor", "virginica"
};

static const double       iris_impute[] = { 5.8, 3.0, 4.35, 1.3 };

/* one tree: petal_length <= 2.5, else petal_width <= 1.75 */
static const uint32_t     tree_offsets[] = { 0, 5 };
static const int32_t      node_feature[] = { 2, -1, 3, -1, -1 };
static const double       node_threshold[] = { 2.5, 0, 1.75, 0, 0 };
static const uint32_t     node_left[] = { 1, 0, 3, 1, 2 };
static const uint32_t     node_right[] = { 2, 0, 4, 0, 0 };
static const double       leaf_values[] = {
    0.97, 0.02, 0.01,
    0.01, 0.90, 0.09,
    0.00, 0.25, 0.75
};


static void
forest_spec(mlclf_spec_t *spec, const char *const *classes,
    const double *impute)
{
    memset(spec, 0, sizeof(*spec));

    spec->kind = MLCLF_KIND_FOREST;
    spec->n_features = 4;
    spec->n_classes = 3;
    spec->version = 3;
    spec->feature_names = iris_features;
    spec->class_labels = classes;
    spec->impute = impute;
    spec->n_trees = 1;
    spec->n_nodes = 5;
    spec->n_leaves = 3;
    spec->tree_offsets = tree_offsets;
    spec->node_feature = node_feature;
    spec->node_threshold = node_threshold;
    spec->node_left = node_left;
    spec->node_right = node_right;
    spec->leaf_values = leaf_values;
}


static mlclf_model_t *
forest_model(const char *const *classes, const double *impute, void **buf)
{
    int             rc;
    size_t          len;
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    forest_spec(&spec, classes, impute);

    rc = mlclf_write_buffer(&spec, buf, &len, &err);
    if (rc != MLCLF_OK) {
        tap_diag("mlclf_write_buffer: %s", err.msg);
        return NULL;
    }

    m = NULL;

    rc = mlclf_model_load(&m, *buf, len, &err);
    if (rc != MLCLF_OK) {
        tap_diag("mlclf_model_load: %s", err.msg);
        return NULL;
    }

    return m;
}


/* A logreg with n features f0..f<n-1>, zero weights, two classes. */

static mlclf_model_t *
wide_model(uint32_t n, void **buf, char ***names)
{
    int             rc;
    size_t          len;
    double         *w;
    uint32_t        i;
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;
    static const char *const  classes[] = { "no", "yes" };
    static const double       bias[] = { 0.0 };

    *names = calloc(n, sizeof(char *));
    w = calloc(n, sizeof(double));

    for (i = 0; i < n; i++) {
        (*names)[i] = malloc(16);
        snprintf((*names)[i], 16, "f%u", i);
    }

    memset(&spec, 0, sizeof(spec));

    spec.kind = MLCLF_KIND_LOGREG;
    spec.n_features = n;
    spec.n_classes = 2;
    spec.feature_names = (const char *const *) *names;
    spec.class_labels = classes;
    spec.n_outputs = 1;
    spec.weights = w;
    spec.bias = bias;

    rc = mlclf_write_buffer(&spec, buf, &len, &err);

    free(w);

    if (rc != MLCLF_OK) {
        tap_diag("mlclf_write_buffer: %s", err.msg);
        return NULL;
    }

    m = NULL;

    rc = mlclf_model_load(&m, *buf, len, &err);
    if (rc != MLCLF_OK) {
        tap_diag("mlclf_model_load: %s", err.msg);
        return NULL;
    }

    return m;
}


static char *
read_file(const char *path, size_t *len)
{
    long    n;
    FILE   *f;
    char   *buf;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);

    buf = malloc(n + 1);
    *len = fread(buf, 1, n, f);
    buf[*len] = '\0';

    fclose(f);

    return buf;
}


/* "{"instances":[ROW,ROW,...]}", n rows */

static char *
batch_body(size_t n, const char *row, size_t *len)
{
    char    *buf, *p;
    size_t   i, rl;

    rl = strlen(row);
    buf = malloc(64 + n * (rl + 1));
    p = buf;

    p += sprintf(p, "{\"instances\":[");

    for (i = 0; i < n; i++) {
        if (i) {
            *p++ = ',';
        }

        memcpy(p, row, rl);
        p += rl;
    }

    p += sprintf(p, "]}");
    *len = p - buf;

    return buf;
}


/* body made printable for a TAP line: at most 60 bytes, \xNN escapes */

static const char *
show(const char *body, size_t len)
{
    size_t          i, n;
    unsigned char   c;
    static char     buf[256];

    n = 0;

    for (i = 0; i < len && n < 60; i++) {
        c = (unsigned char) body[i];

        if (c >= 0x20 && c < 0x7f && c != '#') {
            buf[n++] = (char) c;

        } else {
            n += sprintf(&buf[n], "\\x%02x", c);
        }
    }

    if (i < len) {
        memcpy(&buf[n], "...", 3);
        n += 3;
    }

    if (len == 0) {
        memcpy(&buf[n], "(empty)", 7);
        n += 7;
    }

    buf[n] = '\0';

    return buf;
}


/*
 * Parses body from an exact-size heap copy (no NUL after it, so that
 * ASan catches any read past len).
 */

static int
parse(mlclf_request_t *req, const mlclf_model_t *m, const char *body,
    size_t len, const mlclf_limits_t *limits, mlclf_err_t *err)
{
    int    rc;
    char  *copy;

    copy = malloc(len ? len : 1);
    memcpy(copy, body, len);

    memset(req, 0xa5, sizeof(*req));
    err->code = 0;
    err->msg[0] = '\0';

    rc = mlclf_request_parse(req, m, copy, len, limits, err);

    free(copy);

    return rc;
}


static void
test_catalogue(const mlclf_model_t *m)
{
    int               rc, status, n, counts[16];
    char             *text, *line, *next, *reason, *body, *big;
    char              shown[256];
    size_t            len, blen;
    mlclf_err_t       err;
    mlclf_request_t   req;
    static const char *const  reasons[] = {
        "bad_json", "bad_shape", "unknown_feature", "missing_feature",
        "duplicate_feature", "missing_value", "not_a_number", "non_finite",
        "too_many_rows", "empty_batch", "empty_body", "too_deep"
    };
    size_t            i;

    text = read_file(BAD_REQUESTS, &len);
    ok(text != NULL, "read %s", BAD_REQUESTS);

    if (text == NULL) {
        return;
    }

    memset(counts, 0, sizeof(counts));
    n = 0;

    for (line = text; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }

        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }

        status = atoi(line);
        reason = strchr(line, ' ');
        body = reason ? strchr(reason + 1, ' ') : NULL;

        if (reason == NULL || body == NULL) {
            ok(0, "catalogue line \"%s\" has status, reason, body", line);
            continue;
        }

        *reason++ = '\0';
        *body++ = '\0';

        big = NULL;

        if (strcmp(body, "@empty") == 0) {
            blen = 0;

        } else if (strcmp(body, "@ws") == 0) {
            body = " \t\r\n ";
            blen = 5;

        } else if (strncmp(body, "@rows:", 6) == 0) {
            big = batch_body(strtoul(body + 6, NULL, 10), ROW, &blen);

        } else {
            blen = strlen(body);
        }

        rc = parse(&req, m, big ? big : body, blen, NULL, &err);

        n++;

        snprintf(shown, sizeof(shown), "%s", show(big ? big : body, blen));
        body = shown;

        is_int(rc, MLCLF_EREQUEST, "%s: rejected", body);
        is_int(req.status, status, "%s: status %d", body, status);
        is_str(REQ_REASON, reason, "%s: reason %s", body, reason);
        ok(err.code == MLCLF_EREQUEST && err.msg[0] != '\0',
           "%s: message \"%s\"", body, show(err.msg, strlen(err.msg)));

        mlclf_request_free(&req);
        free(big);

        for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
            if (strcmp(reason, reasons[i]) == 0) {
                counts[i]++;
            }
        }
    }

    ok(n >= 60, "catalogue has %d cases", n);

    for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        ok(counts[i] > 0, "catalogue covers %s (%d)", reasons[i], counts[i]);
    }

    free(text);
}


static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


static void
test_corpus(const mlclf_model_t *m)
{
    int               rc;
    DIR              *dir;
    char             *body, *want, *names[256], path[512], *buf;
    double           *scratch;
    size_t            blen, wlen, n, i, l, bound;
    mlclf_err_t       err;
    mlclf_reply_t     rep;
    struct dirent    *de;
    mlclf_request_t   req;

    dir = opendir(REQUESTS_DIR);
    ok(dir != NULL, "open %s", REQUESTS_DIR);

    if (dir == NULL) {
        return;
    }

    n = 0;

    while ((de = readdir(dir)) != NULL && n < 256) {
        l = strlen(de->d_name);

        if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
            names[n++] = strndup(de->d_name, l - 5);
        }
    }

    closedir(dir);

    qsort(names, n, sizeof(char *), cmp_names);

    ok(n >= 15, "corpus has %zu requests", n);

    scratch = malloc(mlclf_reply_scratch(m) * sizeof(double));

    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s.json", REQUESTS_DIR, names[i]);
        body = read_file(path, &blen);

        snprintf(path, sizeof(path), "%s/%s.reply", REQUESTS_DIR, names[i]);
        want = read_file(path, &wlen);

        if (body == NULL || want == NULL) {
            ok(0, "%s: read .json and .reply", names[i]);
            free(body);
            free(want);
            continue;
        }

        if (wlen && want[wlen - 1] == '\n') {
            want[--wlen] = '\0';
        }

        rc = parse(&req, m, body, blen, NULL, &err);
        is_int(rc, MLCLF_OK, "%s: accepted (%s)", names[i],
               rc ? err.msg : "");

        if (rc == MLCLF_OK) {
            bound = mlclf_reply_bound(m, &req, "v3");
            buf = malloc(bound);

            memset(&rep, 0, sizeof(rep));
            rep.buf = buf;
            rep.size = bound;
            rep.scratch = scratch;
            rep.version = "v3";

            rc = mlclf_reply_write(&rep, m, &req, &err);
            is_int(rc, MLCLF_OK, "%s: reply written", names[i]);

            if (rc == MLCLF_OK) {
                ok(rep.len < bound, "%s: len %zu < bound %zu", names[i],
                   rep.len, bound);
                is_str(buf, want, "%s: reply bytes", names[i]);
                is_int(rep.len, wlen, "%s: reply length", names[i]);
            }

            free(buf);
        }

        mlclf_request_free(&req);

        free(body);
        free(want);
        free(names[i]);
    }

    free(scratch);
}


static void
check_message(const mlclf_model_t *m, const char *body,
    const mlclf_limits_t *limits, const char *reason, const char *msg)
{
    int               rc;
    mlclf_err_t       err;
    mlclf_request_t   req;

    rc = parse(&req, m, body, strlen(body), limits, &err);

    body = show(body, strlen(body));

    is_int(rc, MLCLF_EREQUEST, "%s: rejected", body);
    is_str(REQ_REASON, reason, "%s: reason", body);
    is_str(err.msg, msg, "%s: message", body);

    mlclf_request_free(&req);
}


static void
test_messages(const mlclf_model_t *m)
{
    char             *big, name[100], body[200], msg[200];
    size_t            len;
    mlclf_err_t       err;
    mlclf_limits_t    limits;
    mlclf_request_t   req;

    check_message(m, "{\"features\":[1,2,3]}", NULL, "bad_shape",
                  "expected 4 features, got 3");
    check_message(m, "{\"instances\":[" ROW ",[1,2,3,4,5]]}", NULL,
                  "bad_shape", "row 1: expected 4 features, got 5");
    check_message(m, "{\"features\":{\"petal_lenght\":1}}", NULL,
                  "unknown_feature", "unknown feature \"petal_lenght\"");
    check_message(m, "{\"features\":{\"sepal_length\":1,\"petal_length\":1,"
                  "\"petal_width\":1}}", NULL,
                  "missing_feature", "feature \"sepal_width\" is missing");
    check_message(m, "{\"features\":{\"sepal_length\":1,\"sepal_length\":1}}",
                  NULL, "duplicate_feature",
                  "feature \"sepal_length\" appears twice");
    check_message(m, "{\"features\":[1,2,\"3\",4]}", NULL, "not_a_number",
                  "feature 2 is not a number");
    check_message(m, "{\"instances\":[" ROW "," ROW "," ROW
                  ",[1,2,true,4]]}", NULL, "not_a_number",
                  "row 3: feature 2 is not a number");
    check_message(m, "{\"features\":{\"sepal_length\":1,\"sepal_width\":\"\","
                  "\"petal_length\":1,\"petal_width\":1}}", NULL,
                  "not_a_number", "feature \"sepal_width\" is not a number");
    check_message(m, "{\"features\":[1,-1e999,3,4]}", NULL, "non_finite",
                  "feature 1 is not finite");
    check_message(m, "{\"features\":[1,null,3,4]}", NULL, "missing_value",
                  "feature 1 is null and the model has no value to impute");
    check_message(m, "{\"instances\":[]}", NULL, "empty_batch",
                  "\"instances\" is empty");
    check_message(m, "  \n", NULL, "empty_body", "body is empty");
    check_message(m, "[[[[[[[[[1]]]]]]]]]", NULL, "too_deep",
                  "JSON nesting deeper than 8");
    check_message(m, "{\"features\":[1,2,3,4]} x", NULL, "bad_json",
                  "invalid JSON at byte 23");
    check_message(m, "{\"features\":[01,2,3,4]}", NULL, "bad_json",
                  "invalid JSON at byte 13");
    check_message(m, "{\"features\":[1,2,3,4],\"extra\":1}", NULL,
                  "bad_shape", "unknown member \"extra\"");
    check_message(m, "{\"features\":[1,2,3,4],\"instances\":[]}", NULL,
                  "bad_shape",
                  "\"features\" and \"instances\" cannot be used together");
    check_message(m, "[1,2,3,4]", NULL, "bad_shape",
                  "the body is not a JSON object");
    check_message(m, "{\"features\":[1,2,3,4],\"probabilities\":1}", NULL,
                  "bad_shape", "\"probabilities\" must be true or false");

    /* a client's name is quoted printable and cut short */
    check_message(m, "{\"features\":{\"caf\xc3\xa9\\n\":1}}", NULL,
                  "unknown_feature", "unknown feature \"caf??\?\"");
    memset(name, 'a', 90);
    name[90] = '\0';
    snprintf(body, sizeof(body), "{\"features\":{\"%s\":1}}", name);
    name[64] = '\0';
    snprintf(msg, sizeof(msg), "unknown feature \"%s...\"", name);
    check_message(m, body, NULL, "unknown_feature", msg);

    /* limits */
    limits.max_rows = 2;
    limits.max_depth = 8;
    check_message(m, "{\"instances\":[" ROW "," ROW "," ROW "]}", &limits,
                  "too_many_rows", "batch of 3 rows exceeds the limit of 2");

    limits.max_rows = 0;
    limits.max_depth = 2;
    check_message(m, "{\"instances\":[" ROW "]}", &limits, "too_deep",
                  "JSON nesting deeper than 2");

    big = batch_body(1500, ROW, &len);
    parse(&req, m, big, len, NULL, &err);
    is_str(err.msg, "batch of 1500 rows exceeds the limit of 1000",
           "1500 rows: message");
    is_int(req.status, 413, "1500 rows: 413");
    mlclf_request_free(&req);

    is_int(parse(&req, m, big, len, &limits, &err), MLCLF_EREQUEST,
           "1500 rows 3 deep, max_depth 2: rejected");
    is_str(REQ_REASON, "too_deep", "depth is checked before rows");
    mlclf_request_free(&req);

    limits.max_rows = 1500;
    limits.max_depth = 3;
    is_int(parse(&req, m, big, len, &limits, &err), MLCLF_OK,
           "1500 rows accepted with max_rows 1500");
    is_int(req.n_rows, 1500, "1500 rows counted");
    ok(req.batch, "batch flag set");
    mlclf_request_free(&req);

    free(big);

    /* bytes the catalogue cannot hold */
    is_int(parse(&req, m, LIT("{\"features\":[1,2,3,4]}\0"), NULL, &err),
           MLCLF_EREQUEST, "NUL after the object: rejected");
    is_str(REQ_REASON, "bad_json", "NUL after the object: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"features\":[1,2,3,4],\"\001\":1}"), NULL,
                 &err),
           MLCLF_EREQUEST, "control character in a string: rejected");
    is_str(REQ_REASON, "bad_json", "control character: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"features\":[1,\f2,3,4]}"), NULL, &err),
           MLCLF_EREQUEST, "form feed outside strings: rejected");
    is_str(REQ_REASON, "bad_json", "form feed: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"\xff\":1}"), NULL, &err),
           MLCLF_EREQUEST, "invalid UTF-8: rejected");
    is_str(REQ_REASON, "bad_json", "invalid UTF-8: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"\xed\xa0\x80\":1}"), NULL, &err),
           MLCLF_EREQUEST, "UTF-8 surrogate: rejected");
    is_str(REQ_REASON, "bad_json", "UTF-8 surrogate: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m, LIT("{\"\xc3"), NULL, &err),
           MLCLF_EREQUEST, "UTF-8 cut at the end: rejected");
    is_str(REQ_REASON, "bad_json", "UTF-8 cut: bad_json");
    mlclf_request_free(&req);

    is_int(parse(&req, m,
                 LIT("{\"features\":[1,2,3,4],\"\xf0\x9f\x98\x80\":1}"),
                 NULL, &err),
           MLCLF_EREQUEST, "valid 4-byte UTF-8 member: rejected");
    is_str(REQ_REASON, "bad_shape", "valid UTF-8 member: bad_shape");
    mlclf_request_free(&req);

    /* a free after a failed parse, twice, and of NULL is safe */
    parse(&req, m, "{", 1, NULL, &err);
    mlclf_request_free(&req);
    mlclf_request_free(&req);
    mlclf_request_free(NULL);
    ok(req.root == NULL, "free clears the request");
}


/*
 * Escapes, one byte and one code unit at a time: after a backslash only
 * the nine of RFC 8259; \u with four hex digits of either case; every
 * code unit but U+0000 and the surrogates names a (here unknown) member,
 * a surrogate only as a high + low pair.  Then \u0000: refused in a name
 * at any depth, not in a value; and decoded escapes still name features.
 */

static void
test_escapes(const mlclf_model_t *m)
{
    int               rc, c, bad;
    char              body[160];
    double            x[4];
    uint32_t          u;
    mlclf_err_t       err;
    mlclf_request_t   req;
    const char       *want;

#define ESC_HEAD  "{\"features\":{\"sepal_length\":1,\"sepal_width\":2," \
                  "\"petal_length\":3,\"petal_width\":4,\"x"

    bad = 0;

    for (c = 0; c < 256; c++) {
        snprintf(body, sizeof(body), ESC_HEAD "\\%c\":1}}", c);
        body[sizeof(ESC_HEAD)] = (char) c;

        rc = parse(&req, m, body, sizeof(ESC_HEAD) + 6, NULL, &err);
        want = (c != 0 && strchr("\"\\/bfnrt", c) != NULL)
               ? "unknown_feature" : "bad_json";

        if (rc != MLCLF_EREQUEST || strcmp(REQ_REASON, want) != 0) {
            if (bad++ < 5) {
                tap_diag("\\x%02x: %s, want %s", c, REQ_REASON, want);
            }
        }

        mlclf_request_free(&req);
    }

    is_int(bad, 0, "256 bytes after a backslash: only \" \\ / b f n r t");

    bad = 0;

    for (c = 0; c < 256; c++) {
        snprintf(body, sizeof(body), ESC_HEAD "\\u00%c1\":1}}", c);
        body[sizeof(ESC_HEAD) + 3] = (char) c;

        rc = parse(&req, m, body, sizeof(ESC_HEAD) + 10, NULL, &err);
        want = (c != 0 && strchr("0123456789abcdefABCDEF", c) != NULL)
               ? "unknown_feature" : "bad_json";

        if (rc != MLCLF_EREQUEST || strcmp(REQ_REASON, want) != 0) {
            if (bad++ < 5) {
                tap_diag("\\u00?1 with \\x%02x: %s, want %s", c, REQ_REASON,
                         want);
            }
        }

        mlclf_request_free(&req);
    }

    is_int(bad, 0, "256 bytes as a hex digit: only 0-9 a-f A-F");

    bad = 0;

    for (u = 0; u <= 0xffff; u++) {
        snprintf(body, sizeof(body), ESC_HEAD "\\u%04X\":1}}", (unsigned) u);

        rc = parse(&req, m, body, strlen(body), NULL, &err);
        want = (u == 0 || (u >= 0xd800 && u <= 0xdfff))
               ? "bad_json" : "unknown_feature";

        if (rc != MLCLF_EREQUEST || strcmp(REQ_REASON, want) != 0) {
            if (bad++ < 5) {
                tap_diag("\\u%04X: %s, want %s", (unsigned) u, REQ_REASON,
                         want);
            }
        }

        mlclf_request_free(&req);
    }

    is_int(bad, 0, "65536 \\u code units: all but 0000 and D800-DFFF");

    bad = 0;

    for (u = 0xd800; u <= 0xdbff; u += 0x3f) {
        snprintf(body, sizeof(body), ESC_HEAD "\\u%04x\\u%04x\":1}}",
                 (unsigned) u, (unsigned) (0xdc00 + (u & 0x3ff)));

        rc = parse(&req, m, body, strlen(body), NULL, &err);

        if (rc != MLCLF_EREQUEST || strcmp(REQ_REASON, "unknown_feature")) {
            if (bad++ < 5) {
                tap_diag("%s: %s", body, REQ_REASON);
            }
        }

        mlclf_request_free(&req);
    }

    is_int(bad, 0, "surrogate pairs name a member");

#undef ESC_HEAD

    check_message(m, "{\"features\\uZZZZ\":[1,2,3,4]}", NULL, "bad_json",
                  "invalid JSON: bad escape at byte 10");
    check_message(m, "{\"features\":[1,2,3,4],\"x\\ud800\\u0041\":1}", NULL,
                  "bad_json", "invalid JSON: bad escape at byte 24");
    check_message(m, "{\"features\":[1,2,3,4],\"x\\udc00\":1}", NULL,
                  "bad_json", "invalid JSON: bad escape at byte 24");
    check_message(m, "{\"features\":[\"\\u12\",2,3,4]}", NULL,
                  "bad_json", "invalid JSON: bad escape at byte 14");
    check_message(m, "{\"a\\ud800\\uDC0", NULL, "bad_json",
                  "invalid JSON: it ends early, at byte 14");
    check_message(m, "{\"a\\ud800", NULL, "bad_json",
                  "invalid JSON: it ends early, at byte 9");
    check_message(m, "{\"a\\", NULL, "bad_json",
                  "invalid JSON: it ends early, at byte 4");
    check_message(m, "{\"features\":{\"sepal_length\\u0000junk\":1,"
                  "\"sepal_width\":1,\"petal_length\":1,\"petal_width\":1}}",
                  NULL, "bad_json",
                  "\\u0000 in a member name, at byte 26");
    check_message(m, "{\"features\":[1,2,3,4],\"x\":{\"y\\u0000\" \n:1}}",
                  NULL, "bad_json", "\\u0000 in a member name, at byte 29");
    check_message(m, "{\"features\":[\"\\u0000\",2,3,4]}", NULL,
                  "not_a_number", "feature 0 is not a number");

    /* escapes that decode to a feature's name are that feature */

    rc = parse(&req, m, LIT("{\"feature\\u0073\":{\"\\u0073epal_length\":1,"
                            "\"sepal\\u005Fwidth\":2,\"petal_length\\/\":3,"
                            "\"petal_width\":4}}"), NULL, &err);
    ok(rc == MLCLF_EREQUEST && strcmp(REQ_REASON, "unknown_feature") == 0,
       "\\/ is a slash: \"petal_length/\" is unknown");
    mlclf_request_free(&req);

    rc = parse(&req, m, LIT("{\"feature\\u0073\":{\"\\u0073epal_length\":1,"
                            "\"sepal\\u005Fwidth\":2,\"petal_lengt\\u0068\":3,"
                            "\"petal_width\":4}}"), NULL, &err);
    is_int(rc, MLCLF_OK, "escaped member and feature names accepted (%s)",
           rc ? err.msg : "");

    if (rc == MLCLF_OK) {
        mlclf_request_row(&req, m, 0, x);
        ok(x[0] == 1 && x[1] == 2 && x[2] == 3 && x[3] == 4,
           "escaped names: values in place");
    }

    mlclf_request_free(&req);
}


static void
test_rows(const mlclf_model_t *m, const mlclf_model_t *mi)
{
    int               rc;
    double            x[4];
    size_t            i;
    mlclf_err_t       err;
    mlclf_request_t   req;
    const char       *body;

    body = "{\"instances\":[[1,2,3,4],{\"petal_width\":8,\"sepal_length\":5,"
           "\"petal_length\":7,\"sepal_width\":6},[-0,1e-999,0.1,"
           "1.7976931348623157e308]]}";

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_OK, "batch of three accepted");
    is_int(req.n_rows, 3, "three rows");

    mlclf_request_row(&req, m, 0, x);
    ok(x[0] == 1 && x[1] == 2 && x[2] == 3 && x[3] == 4, "row 0 values");

    mlclf_request_row(&req, m, 1, x);
    ok(x[0] == 5 && x[1] == 6 && x[2] == 7 && x[3] == 8,
       "row 1 by name, any order");

    mlclf_request_row(&req, m, 2, x);
    ok(x[0] == 0 && signbit(x[0]) && x[1] == 0 && x[2] == 0.1
       && x[3] == DBL_MAX, "row 2: -0, underflow to 0, 0.1, DBL_MAX");

    for (i = 0; i < 4; i++) {
        x[i] = 42;
    }

    mlclf_request_row(&req, m, 3, x);
    ok(x[0] == 42, "row past the end leaves x alone");

    mlclf_request_free(&req);

    /* imputation: nulls and absent names take the model's values */

    body = "{\"instances\":[[null,2,null,4],{\"sepal_width\":6},{},"
           "{\"petal_width\":null,\"sepal_length\":1}]}";

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_EREQUEST, "nulls rejected without impute");
    is_str(REQ_REASON, "missing_value", "missing_value without impute");
    mlclf_request_free(&req);

    rc = parse(&req, mi, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_OK, "nulls and absent names accepted with impute");

    mlclf_request_row(&req, mi, 0, x);
    ok(x[0] == 5.8 && x[1] == 2 && x[2] == 4.35 && x[3] == 4,
       "positional nulls imputed");

    mlclf_request_row(&req, mi, 1, x);
    ok(x[0] == 5.8 && x[1] == 6 && x[2] == 4.35 && x[3] == 1.3,
       "absent names imputed");

    mlclf_request_row(&req, mi, 2, x);
    ok(x[0] == 5.8 && x[1] == 3.0 && x[2] == 4.35 && x[3] == 1.3,
       "empty object: all imputed");

    mlclf_request_row(&req, mi, 3, x);
    ok(x[0] == 1 && x[1] == 3.0 && x[2] == 4.35 && x[3] == 1.3,
       "named null imputed");

    mlclf_request_free(&req);

    body = "{\"features\":{\"sepal_length\":1,\"bogus\":null}}";
    rc = parse(&req, mi, body, strlen(body), NULL, &err);
    is_str(REQ_REASON, "unknown_feature", "impute does not excuse names");
    mlclf_request_free(&req);

    body = "{\"features\":[1,2,3]}";
    rc = parse(&req, mi, body, strlen(body), NULL, &err);
    is_str(REQ_REASON, "bad_shape", "impute does not excuse short arrays");
    mlclf_request_free(&req);

    body = "{\"features\":[null,null,null,null]}";
    rc = parse(&req, mi, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_OK, "all-null row accepted with impute");
    is_int(req.batch, 0, "single row is not a batch");
    mlclf_request_row(&req, mi, 0, x);
    ok(x[0] == 5.8 && x[3] == 1.3, "all-null row imputed");
    mlclf_request_free(&req);
}


/*
 * {"f0":0,"f1":1,...} of a wide model's n features, without feature skip
 * (n: none), then the member extra if not NULL; returns the end.
 */

static char *
wide_row(char *p, size_t n, size_t skip, const char *extra)
{
    size_t  i;

    *p++ = '{';

    for (i = 0; i < n; i++) {
        if (i != skip) {
            p += sprintf(p, "%s\"f%zu\":%zu", p[-1] == '{' ? "" : ",", i, i);
        }
    }

    if (extra != NULL) {
        p += sprintf(p, "%s%s", p[-1] == '{' ? "" : ",", extra);
    }

    *p++ = '}';
    *p = '\0';

    return p;
}


/*
 * Named rows of a model of n features, on both sides of the stack bitmap
 * (4096) and at the widest (65535): duplicates, the last one missing, a
 * batch whose second row reuses the bitmap.  Finding a duplicate took
 * time quadratic in n above 4096 (4.5 s of CPU at 65535 in this ASan
 * build, against 0.07 s now).  The CPU time is printed, not asserted:
 * tests check behaviour, bench/micro.c --wide measures speed.
 */

static void
test_wide(uint32_t n)
{
    int               rc;
    char             *body, *p, **names, extra[64], msg[128];
    void             *buf;
    double           *x, cpu;
    size_t            i, size;
    clock_t           start;
    mlclf_err_t       err;
    mlclf_model_t    *m;
    mlclf_request_t   req;

    m = wide_model(n, &buf, &names);
    ok(m != NULL, "wide model with %u features", n);

    if (m == NULL) {
        return;
    }

    size = (size_t) n * 2 * 24 + 256;
    body = malloc(size);
    x = malloc(n * sizeof(double));

    /* all names, in order */

    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, n, NULL);
    strcpy(p, "}");

    start = clock();
    rc = parse(&req, m, body, strlen(body), NULL, &err);
    cpu = (double) (clock() - start) / CLOCKS_PER_SEC;

    is_int(rc, MLCLF_OK, "%u names accepted (%s)", n, rc ? err.msg : "");

    if (rc == MLCLF_OK) {
        mlclf_request_row(&req, m, 0, x);

        for (i = 0; i < n && x[i] == (double) i; i++) {
            /* void */
        }

        is_int(i, n, "%u named values in place", n);
    }

    mlclf_request_free(&req);

    tap_diag("%u names parsed in %.3f s of CPU", n, cpu);

    /* a duplicate of the last feature after all of them */

    snprintf(extra, sizeof(extra), "\"f%u\":1", n - 1);
    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, n, extra);
    strcpy(p, "}");

    start = clock();
    rc = parse(&req, m, body, strlen(body), NULL, &err);
    cpu = (double) (clock() - start) / CLOCKS_PER_SEC;

    snprintf(msg, sizeof(msg), "feature \"f%u\" appears twice", n - 1);
    is_str(REQ_REASON, "duplicate_feature", "%u: duplicate at the end", n);
    is_str(err.msg, msg, "%u: duplicate named", n);
    mlclf_request_free(&req);

    tap_diag("%u names and a duplicate in %.3f s of CPU", n, cpu);

    /* the last member names f0 again instead of f<n-1> */

    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, n - 1, "\"f0\":0");
    strcpy(p, "}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_str(REQ_REASON, "duplicate_feature",
           "%u: duplicate before missing", n);
    mlclf_request_free(&req);

    /* the last feature missing, then the first */

    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, n - 1, NULL);
    strcpy(p, "}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    snprintf(msg, sizeof(msg), "feature \"f%u\" is missing", n - 1);
    is_str(REQ_REASON, "missing_feature", "%u: last missing", n);
    is_str(err.msg, msg, "%u: last missing named", n);
    mlclf_request_free(&req);

    p = body + sprintf(body, "{\"features\":");
    p = wide_row(p, n, 0, NULL);
    strcpy(p, "}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_str(err.msg, "feature \"f0\" is missing", "%u: first missing", n);
    mlclf_request_free(&req);

    /* a batch: row 1 starts from a clear bitmap, then finds its dup */

    p = body + sprintf(body, "{\"instances\":[");
    p = wide_row(p, n, n, NULL);
    *p++ = ',';
    p = wide_row(p, n, n, NULL);
    strcpy(p, "]}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    is_int(rc, MLCLF_OK, "%u: batch of two full rows (%s)", n,
           rc ? err.msg : "");

    if (rc == MLCLF_OK) {
        mlclf_request_row(&req, m, 1, x);
        ok(x[0] == 0 && x[n - 1] == n - 1, "%u: row 1 values", n);
    }

    mlclf_request_free(&req);

    p = body + sprintf(body, "{\"instances\":[");
    p = wide_row(p, n, n, NULL);
    *p++ = ',';
    p = wide_row(p, n, n, extra);
    strcpy(p, "]}");

    rc = parse(&req, m, body, strlen(body), NULL, &err);
    snprintf(msg, sizeof(msg), "row 1: feature \"f%u\" appears twice",
             n - 1);
    is_str(err.msg, msg, "%u: batch row 1 duplicate", n);
    mlclf_request_free(&req);

    free(body);
    free(x);
    mlclf_model_close(&m);
    free(buf);

    for (i = 0; i < n; i++) {
        free(names[i]);
    }

    free(names);
}


static void
test_reply(const mlclf_model_t *m, const mlclf_model_t *me)
{
    int               rc;
    char             *body, *buf;
    double           *scratch;
    size_t            len, bound;
    uint64_t          counts[3];
    mlclf_err_t       err;
    mlclf_reply_t     rep;
    mlclf_request_t   req;
    const char       *want;

    scratch = malloc(mlclf_reply_scratch(m) * sizeof(double));
    is_int(mlclf_reply_scratch(m), 7, "scratch is features + classes");

    /* large batches: the bound holds, with probabilities */

    body = batch_body(1000, "[6.0,2.9,4.5,1.5]", &len);
    memcpy(body + len - 2, "],\"probabilities\":true}", 24);
    len += 21;

    rc = parse(&req, m, body, len, NULL, &err);
    is_int(rc, MLCLF_OK, "1000 rows with probabilities accepted");

    bound = mlclf_reply_bound(m, &req, "v3");
    buf = malloc(bound);

    memset(&rep, 0, sizeof(rep));
    memset(counts, 0, sizeof(counts));
    rep.buf = buf;
    rep.size = bound;
    rep.scratch = scratch;
    rep.version = "v3";
    rep.class_counts = counts;

    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_int(rc, MLCLF_OK, "1000-row reply written");
    ok(rep.len < bound, "1000 rows: len %zu < bound %zu", rep.len, bound);
    is_int(strlen(buf), rep.len, "reply is NUL-terminated after len");
    is_int(counts[1], 1000, "class counts: 1000 versicolor");
    ok(counts[0] == 0 && counts[2] == 0, "class counts: no others");
    is_int(rep.first_class, 1, "first class");
    is_double(rep.first_confidence, 0.9, 0, "first confidence");

    rep.size = bound - 1;
    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_int(rc, MLCLF_ESPACE, "one byte short of the bound: ESPACE");

    free(buf);
    mlclf_request_free(&req);
    free(body);

    /* escaped labels and version */

    if (me != NULL) {
        body = batch_body(1000, ROW, &len);
        memcpy(body + len - 2, "],\"probabilities\":true}", 24);
        len += 21;

        rc = parse(&req, me, body, len, NULL, &err);
        bound = mlclf_reply_bound(me, &req, "v\"1\\\x01");
        buf = malloc(bound);

        rep.buf = buf;
        rep.size = bound;
        rep.version = "v\"1\\\x01";
        rep.class_counts = NULL;

        rc = mlclf_reply_write(&rep, me, &req, &err);
        is_int(rc, MLCLF_OK, "escaped 1000-row reply written");
        ok(rep.len < bound, "escaped: len %zu < bound %zu", rep.len, bound);

        want = "{\"model_version\":\"v\\\"1\\\\\\u0001\",\"predictions\":["
               "{\"prediction\":\"se\\\"to\\\\sa\",\"confidence\":0.97,"
               "\"probabilities\":{\"se\\\"to\\\\sa\":0.97,"
               "\"versi/color\":0.02,\"vir<ginica>\":0.01}},";

        ok(strncmp(buf, want, strlen(want)) == 0, "escaped reply bytes");
        if (strncmp(buf, want, strlen(want)) != 0) {
            tap_diag("got  %.200s", buf);
            tap_diag("want %s", want);
        }

        free(buf);
        mlclf_request_free(&req);
        free(body);
    }

    /* a failed parse writes no reply */

    parse(&req, m, "{}", 2, NULL, &err);
    buf = malloc(256);
    rep.buf = buf;
    rep.size = 256;
    rep.version = "v3";
    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_int(rc, MLCLF_EINVAL, "reply after a failed parse: EINVAL");
    mlclf_request_free(&req);
    free(buf);

    free(scratch);
}


static void
test_error_json(void)
{
    char    buf[256];
    size_t  n;

    n = mlclf_error_json(buf, sizeof(buf), "expected 4 features, got 3",
                         "bad_shape");
    is_str(buf, "{\"error\":\"expected 4 features, got 3\","
           "\"reason\":\"bad_shape\"}", "error body");
    is_int(n, strlen(buf), "error body length");

    n = mlclf_error_json(buf, sizeof(buf),
                         "q\"b\\s/\n\r\t\b\f\x01\x1f\x7f\xc3\xa9", "r\"");
    is_str(buf, "{\"error\":\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f"
           "\x7f\xc3\xa9\",\"reason\":\"r\\\"\"}", "escaped error body");
    is_int(n, strlen(buf), "escaped error body length");

    memset(buf, 'x', sizeof(buf));
    n = mlclf_error_json(buf, 10, "a long message", "bad_json");
    is_int(n, strlen("{\"error\":\"a long message\",\"reason\":\"bad_json\"}"),
           "short buffer: length needed");
    ok(buf[0] == 'x', "short buffer: nothing written");

    n = mlclf_error_json(buf, n, "a long message", "bad_json");
    ok(n == 46 && memcmp(buf, "{\"error\":\"a long message\","
                         "\"reason\":\"bad_json\"}", 46) == 0
       && buf[46] == 'x', "exact buffer: written, no NUL");

    n = mlclf_error_json(NULL, 0, NULL, NULL);
    is_int(n, strlen("{\"error\":\"\",\"reason\":\"\"}"), "NULL strings");
}


static uint64_t  rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;

    return rng;
}


/* significant digits of a formatted number */

static int
sig_digits(const char *s, char *digits)
{
    int  n, zeros, started;

    n = 0;
    zeros = 0;
    started = 0;

    for ( /* void */ ; *s != '\0' && *s != 'e'; s++) {
        if (*s == '0' && started) {
            zeros++;

        } else if (*s >= '1' && *s <= '9') {
            while (zeros) {
                digits[n++] = '0';
                zeros--;
            }

            digits[n++] = *s;
            started = 1;
        }
    }

    digits[n] = '\0';

    return n;
}


static void
test_reason_names(void)
{
    int          i, j, distinct;
    const char  *name;

    is_str(mlclf_reason_name(MLCLF_REASON_NONE), "", "no reason: no name");
    is_str(mlclf_reason_name(MLCLF_REASON_N), "", "past the end: no name");
    is_str(mlclf_reason_name(MLCLF_REASON_BAD_JSON), "bad_json",
           "first reason");
    is_str(mlclf_reason_name(MLCLF_REASON_OTHER), "other", "last reason");

    distinct = 1;

    for (i = MLCLF_REASON_NONE + 1; i < MLCLF_REASON_N; i++) {
        name = mlclf_reason_name(i);

        if (name[0] == '\0') {
            distinct = 0;
        }

        for (j = MLCLF_REASON_NONE + 1; j < i; j++) {
            if (strcmp(name, mlclf_reason_name(j)) == 0) {
                distinct = 0;
            }
        }
    }

    ok(distinct, "every reason has its own name");
}


static void
test_format_double(void)
{
    int         i, k, bad, longer, far, checked, nd, rd;
    char        buf[32], ref[40], d1[32], d2[32];
    double      d, back;
    size_t      n;
    uint64_t    r;
    static const struct {
        double      d;
        const char *s;
    } fixed[] = {
        { 0.0, "0" },
        { -0.0, "-0" },
        { 1.0, "1" },
        { -2.5, "-2.5" },
        { 0.97, "0.97" },
        { 0.1, "0.1" },
        { 1.0 / 3, "0.3333333333333333" },
        { 2.0 / 3, "0.6666666666666666" },
        { 1e-5, "0.00001" },
        { 1.5e-6, "1.5e-6" },
        { 1e-300, "1e-300" },
        { 5e-324, "5e-324" },
        { 2.2250738585072014e-308, "2.2250738585072014e-308" },
        { DBL_MAX, "1.7976931348623157e+308" },
        { -DBL_MAX, "-1.7976931348623157e+308" },
        { 1e21, "1e+21" },
        { 1e20, "100000000000000000000" },
        { 123456789012345678.0, "123456789012345680" },
        { 9007199254740993.0, "9007199254740992" },
        { 0.30000000000000004, "0.30000000000000004" },
        { 100, "100" },
    };

    for (i = 0; i < (int) (sizeof(fixed) / sizeof(fixed[0])); i++) {
        n = mlclf_double_format(buf, fixed[i].d);
        is_str(buf, fixed[i].s, "format %.17g", fixed[i].d);
        is_int(n, strlen(fixed[i].s), "format %.17g: length", fixed[i].d);
    }

    n = mlclf_double_format(buf, INFINITY);
    is_str(buf, "null", "infinity prints null");
    n = mlclf_double_format(buf, NAN);
    is_str(buf, "null", "NaN prints null");

    /*
     * 100k random doubles: raw bit patterns (every exponent, subnormals)
     * and values in the ranges probabilities take.  Each must read back
     * bit for bit, fit 24 bytes, and (checked against snprintf for a
     * share) have no more digits than the shortest %.Ne that round-trips,
     * and the same digits when as long.
     */

    bad = 0;
    longer = 0;
    far = 0;
    checked = 0;

    for (i = 0; i < 100000; i++) {
        r = xorshift();

        switch (i % 5) {
        case 0:
            memcpy(&d, &r, sizeof(double));
            break;
        case 1:
            d = (double) (r >> 11) / 9007199254740992.0;
            break;
        case 2:
            d = ldexp((double) (r >> 11), (int) (r % 160) - 120);
            break;
        case 3:
            r &= 0x000fffffffffffffULL | (r & 0x8000000000000000ULL);
            memcpy(&d, &r, sizeof(double));
            break;
        default:
            d = (double) (r % 1000000) / 1000.0;
        }

        if (!isfinite(d)) {
            continue;
        }

        n = mlclf_double_format(buf, d);
        back = strtod(buf, NULL);

        if (memcmp(&back, &d, sizeof(double)) != 0 || n > 24
            || n != strlen(buf))
        {
            if (bad++ < 5) {
                tap_diag("%a printed %s", d, buf);
            }

            continue;
        }

        if (i % 4 != 0) {
            continue;
        }

        checked++;

        for (k = 1; k <= 17; k++) {
            snprintf(ref, sizeof(ref), "%.*e", k - 1, d);

            if (strtod(ref, NULL) == d) {
                break;
            }
        }

        nd = sig_digits(buf, d1);
        rd = sig_digits(ref, d2);

        if (nd > rd) {
            if (longer++ < 5) {
                tap_diag("%a printed %s, %s is shorter", d, buf, ref);
            }

        } else if (nd == rd && strcmp(d1, d2) != 0) {
            if (far++ < 5) {
                tap_diag("%a printed %s, %s is nearer", d, buf, ref);
            }
        }
    }

    is_int(bad, 0, "100000 random doubles read back exactly");
    is_int(longer, 0, "none longer than needed (%d checked)", checked);
    is_int(far, 0, "same digits as the correctly rounded form");
}

/*
 * Random edits of valid bodies: every result is either accepted, with a
 * reply that is valid JSON within its bound, or rejected with a known
 * status, a reason and a message.  ASan watches the reads.
 */

static void
test_mutations(const mlclf_model_t *m)
{
    int               rc, i, k, edits, bad, accepted;
    char             *body, *buf;
    cJSON            *json;
    double           *scratch;
    size_t            len, bound, pos;
    uint64_t          r;
    mlclf_err_t       err;
    mlclf_reply_t     rep;
    mlclf_request_t   req;
    static const char  alphabet[] = "{}[]\",:-+.eE0123456789 \\tfnul\x01\xc3";
    static const char *const  seeds[] = {
        "{\"features\": [5.1, 3.5, 1.4, 0.2]}",
        "{\"features\":{\"sepal_length\":5.1,\"sepal_width\":3.5,"
        "\"petal_length\":1.4,\"petal_width\":0.2},\"probabilities\":true}",
        "{\"instances\":[[5.1,3.5,1.4,0.2],{\"petal_length\":4.5,"
        "\"petal_width\":1.5,\"sepal_length\":6.0,\"sepal_width\":2.9},"
        "[6.5,3.0,5.5,2.0]],\"probabilities\":false}",
        "{\"instances\":[[1e-3,-0,2E+1,0.5e1]],\"probabilities\":true}",
    };

    scratch = malloc(mlclf_reply_scratch(m) * sizeof(double));
    body = malloc(512);

    bad = 0;
    accepted = 0;

    for (i = 0; i < 30000; i++) {
        r = xorshift();
        len = strlen(seeds[r % 4]);
        memcpy(body, seeds[r % 4], len);

        edits = 1 + (int) ((r >> 8) % 3);

        for (k = 0; k < edits; k++) {
            if (len == 0) {
                break;
            }

            r = xorshift();
            pos = (size_t) ((r >> 16) % len);

            switch (r % 4) {
            case 0:
                body[pos] = alphabet[(r >> 40) % (sizeof(alphabet) - 1)];
                break;
            case 1:
                memmove(body + pos, body + pos + 1, len - pos - 1);
                len--;
                break;
            case 2:
                if (len < 500) {
                    memmove(body + pos + 1, body + pos, len - pos);
                    body[pos] = alphabet[(r >> 40) % (sizeof(alphabet) - 1)];
                    len++;
                }
                break;
            default:
                len = pos;
            }
        }

        rc = parse(&req, m, body, len, NULL, &err);

        if (rc == MLCLF_EREQUEST) {
            if (req.reason == MLCLF_REASON_NONE || err.msg[0] == '\0'
                || (req.status != 400 && req.status != 413))
            {
                if (bad++ < 5) {
                    tap_diag("%s: no reason or status", show(body, len));
                }
            }

            mlclf_request_free(&req);
            continue;
        }

        if (rc != MLCLF_OK) {
            if (bad++ < 5) {
                tap_diag("%s: rc %d", show(body, len), rc);
            }

            mlclf_request_free(&req);
            continue;
        }

        accepted++;

        bound = mlclf_reply_bound(m, &req, "v3");
        buf = malloc(bound);

        memset(&rep, 0, sizeof(rep));
        rep.buf = buf;
        rep.size = bound;
        rep.scratch = scratch;
        rep.version = "v3";

        rc = mlclf_reply_write(&rep, m, &req, &err);
        json = (rc == MLCLF_OK) ? cJSON_Parse(buf) : NULL;

        if (json == NULL || rep.len >= bound) {
            if (bad++ < 5) {
                tap_diag("%s: reply %s", show(body, len),
                         rc == MLCLF_OK ? buf : err.msg);
            }
        }

        cJSON_Delete(json);
        free(buf);
        mlclf_request_free(&req);
    }

    is_int(bad, 0, "30000 edited bodies: %d accepted, the rest rejected "
           "with a reason", accepted);

    free(body);
    free(scratch);
}



/* the file --write-model makes serves the corpus replies too */

static void
test_model_file(void)
{
    int               rc;
    char              path[64], out[512];
    double            scratch[7];
    mlclf_err_t       err;
    mlclf_spec_t      spec;
    mlclf_reply_t     rep;
    mlclf_model_t    *m;
    mlclf_request_t   req;
    const char       *body;

    snprintf(path, sizeof(path), "/tmp/test_json.%d.mlclf", (int) getpid());

    forest_spec(&spec, iris_classes, NULL);

    rc = mlclf_write(path, &spec, &err);
    is_int(rc, MLCLF_OK, "corpus model written to a file");

    m = NULL;
    rc = mlclf_model_open(&m, path, 0, &err);
    is_int(rc, MLCLF_OK, "corpus model file opens");

    unlink(path);

    if (rc != MLCLF_OK) {
        return;
    }

    body = "{\"features\":[6.5,3.0,5.5,2.0],\"probabilities\":true}";
    rc = parse(&req, m, body, strlen(body), NULL, &err);

    memset(&rep, 0, sizeof(rep));
    rep.buf = out;
    rep.size = sizeof(out);
    rep.scratch = scratch;
    rep.version = "v3";

    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_str(out, "{\"prediction\":\"virginica\",\"confidence\":0.75,"
           "\"probabilities\":{\"setosa\":0,\"versicolor\":0.25,"
           "\"virginica\":0.75},\"model_version\":\"v3\"}",
           "reply from the model file");

    mlclf_request_free(&req);
    mlclf_model_close(&m);
}


/*
 * "test_json --write-model PATH" writes the corpus model (see
 * fixtures/requests/README) so that the Test::Nginx suite can serve it
 * and compare its replies with the .reply files.
 */

int
main(int argc, char **argv)
{
    void                     *buf, *ibuf, *ebuf;
    mlclf_err_t               err;
    mlclf_spec_t              spec;
    mlclf_model_t            *m, *mi, *me;
    static const char *const  odd_classes[] = {
        "se\"to\\sa", "versi/color", "vir<ginica>"
    };

    if (argc == 3 && strcmp(argv[1], "--write-model") == 0) {
        forest_spec(&spec, iris_classes, NULL);

        if (mlclf_write(argv[2], &spec, &err) != MLCLF_OK) {
            fprintf(stderr, "test_json: %s\n", err.msg);
            return 1;
        }

        return 0;
    }

    test_error_json();
    test_reason_names();
    test_format_double();

    m = forest_model(iris_classes, NULL, &buf);
    ok(m != NULL, "iris forest model");

    mi = forest_model(iris_classes, iris_impute, &ibuf);
    ok(mi != NULL, "iris forest model with impute");

    me = forest_model(odd_classes, NULL, &ebuf);
    ok(me != NULL, "model with a quote and a backslash in a label");

    if (m != NULL) {
        test_catalogue(m);
        test_corpus(m);
        test_messages(m);
        test_escapes(m);
        test_reply(m, me);
        test_mutations(m);
    }

    if (m != NULL && mi != NULL) {
        test_rows(m, mi);
    }

    test_wide(4096);
    test_wide(4097);
    test_wide(65535);
    test_model_file();

    mlclf_model_close(&m);
    mlclf_model_close(&mi);
    mlclf_model_close(&me);
    free(buf);
    free(ibuf);
    free(ebuf);

    return tap_done();
}
