
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * /predict requests: a strict pre-scan, cJSON parsing and validation of
 * every row against the model; the JSON replies and error bodies, and the
 * shortest round-trip formatting of doubles they use.
 */


#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mlclf.h"


/*
 * Named features are marked in a bitmap, one bit per model feature: on
 * the stack up to 4096 features (512 bytes), else in one malloc()ed
 * block per request (8 KB at 65535), shared by the rows of a batch.
 */
#define MLCLF_JSON_SEEN_WORDS    64
#define MLCLF_JSON_SEEN_MAX      (MLCLF_JSON_SEEN_WORDS * 64)

/* Feature names quoted in messages are cut to this many bytes. */
#define MLCLF_JSON_NAME_MAX      64

#define MLCLF_NUM_MAX            24

#define mlclf_json_type(item)    ((item)->type & 0xff)
#define mlclf_json_digit(c)      ((c) >= '0' && (c) <= '9')
#define mlclf_json_space(c)                                                  \
    ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')

#define mlclf_json_cpy(p, s)                                                 \
    ((char *) memcpy(p, s, sizeof(s) - 1) + sizeof(s) - 1)


typedef struct {
    const mlclf_model_t      *model;
    const double             *impute;
    uint32_t                  n_features;
    mlclf_request_t          *req;
    mlclf_err_t              *err;
    uint64_t                 *seen;         /* wide models, or NULL */
    size_t                    row;          /* named in batch messages */
    unsigned                  batch:1;
} mlclf_json_ctx_t;


static int mlclf_json_reject(mlclf_json_ctx_t *ctx, const char *reason,
    int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static int mlclf_json_scan(mlclf_json_ctx_t *ctx, const unsigned char *p,
    size_t len, size_t max_depth);
static size_t mlclf_json_scan_escape(const unsigned char *p, size_t i,
    size_t len, unsigned *nul);
static int mlclf_json_scan_hex4(const unsigned char *p, size_t i, size_t len,
    uint32_t *u);
static size_t mlclf_json_scan_number(const unsigned char *p, size_t i,
    size_t len);
static size_t mlclf_json_scan_utf8(const unsigned char *p, size_t i,
    size_t len);
static int mlclf_json_check_rows(mlclf_json_ctx_t *ctx,
    const cJSON *features, const cJSON *instances, size_t max_rows);
static int mlclf_json_check_row(mlclf_json_ctx_t *ctx, cJSON *row);
static int mlclf_json_check_array(mlclf_json_ctx_t *ctx, const cJSON *row);
static int mlclf_json_check_object(mlclf_json_ctx_t *ctx, cJSON *row);
static int mlclf_json_check_missing(mlclf_json_ctx_t *ctx,
    const uint64_t *seen);
static const char *mlclf_json_name(char *buf, const char *name);
static void mlclf_json_fill(const cJSON *row, const mlclf_model_t *m,
    double *x);
static size_t mlclf_json_escaped_len(const char *s);
static char *mlclf_json_escape(char *p, const char *s);
static char *mlclf_json_row(char *p, const mlclf_model_t *m,
    const double *proba, uint32_t k, unsigned probabilities);
static int mlclf_format_fast(double d, uint64_t *digits, int *exp10);
static void mlclf_format_slow(double d, uint64_t *digits, int *exp10);
static int mlclf_json_fast(mlclf_request_t *req, uint32_t nf,
    const unsigned char *p, size_t len, size_t max_rows, size_t max_depth);
static const unsigned char *mlclf_json_fast_row(const unsigned char *p,
    const unsigned char *end, uint32_t nf, double *x);
static const unsigned char *mlclf_json_fast_number(const unsigned char *p,
    const unsigned char *end, double *d);


static const uint64_t  mlclf_pow10[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL,
    10000000000000000000ULL
};

/* the powers of ten a double holds exactly */
static const double  mlclf_pow10d[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};


int
mlclf_request_parse(mlclf_request_t *req, const mlclf_model_t *m,
    const char *body, size_t len, const mlclf_limits_t *limits,
    mlclf_err_t *err)
{
    int                  rc;
    cJSON               *root, *item, *features, *instances, *probs;
    size_t               max_rows, max_depth, i;
    const char          *end;
    mlclf_json_ctx_t     ctx;
    char                 name[MLCLF_JSON_NAME_MAX + 8];

    req->root = NULL;
    req->rows = NULL;
    req->n_rows = 0;
    req->batch = 0;
    req->probabilities = 0;
    req->dense = 0;
    req->reason = NULL;
    req->status = 0;

    if (m == NULL || (body == NULL && len != 0)) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "no model or no body to parse");
    }

    max_rows = MLCLF_DEFAULT_MAX_ROWS;
    max_depth = MLCLF_DEFAULT_MAX_DEPTH;

    if (limits != NULL) {
        if (limits->max_rows != 0) {
            max_rows = limits->max_rows;
        }

        if (limits->max_depth != 0) {
            max_depth = limits->max_depth;
        }
    }

    ctx.model = m;
    ctx.impute = mlclf_model_impute(m);
    ctx.n_features = mlclf_model_n_features(m);
    ctx.req = req;
    ctx.err = err;
    ctx.seen = NULL;
    ctx.row = 0;
    ctx.batch = 0;

    /*
     * The common shapes first, without cJSON: a valid body of numbers in
     * arrays is read in one pass.  Anything else, including every body
     * that is to be rejected, goes through the full path below, which
     * alone decides and words errors.
     */

    if (mlclf_json_fast(req, ctx.n_features, (const unsigned char *) body,
                        len, max_rows, max_depth)
        == MLCLF_OK)
    {
        return MLCLF_OK;
    }

    /*
     * The scan rejects what cJSON would accept but JSON does not (numbers
     * such as "01" or "-.5", raw control characters, bad UTF-8, \u
     * escapes with bad hex digits, which cJSON reads as U+0000) and what
     * it would misread (lone surrogates, member names with a \u0000),
     * and bounds the nesting, so that cJSON's recursion stays shallow.
     */

    rc = mlclf_json_scan(&ctx, (const unsigned char *) body, len, max_depth);
    if (rc != MLCLF_OK) {
        return rc;
    }

    end = NULL;
    root = cJSON_ParseWithLengthOpts(body, len, &end, 0);

    if (root == NULL) {
        i = (end != NULL && end >= body && end <= body + len)
            ? (size_t) (end - body) : len;
        return mlclf_json_reject(&ctx, "bad_json", 400,
                                 "invalid JSON at byte %zu", i);
    }

    req->root = root;

    for (i = (size_t) (end - body); i < len; i++) {
        if (!mlclf_json_space(body[i])) {
            return mlclf_json_reject(&ctx, "bad_json", 400,
                                     "invalid JSON at byte %zu", i);
        }
    }

    if (mlclf_json_type(root) != cJSON_Object) {
        return mlclf_json_reject(&ctx, "bad_shape", 400,
                                 "the body is not a JSON object");
    }

    features = NULL;
    instances = NULL;
    probs = NULL;

    for (item = root->child; item != NULL; item = item->next) {

        if (strcmp(item->string, "features") == 0) {
            if (features != NULL) {
                goto duplicate;
            }

            features = item;

        } else if (strcmp(item->string, "instances") == 0) {
            if (instances != NULL) {
                goto duplicate;
            }

            instances = item;

        } else if (strcmp(item->string, "probabilities") == 0) {
            if (probs != NULL) {
                goto duplicate;
            }

            probs = item;

        } else {
            return mlclf_json_reject(&ctx, "bad_shape", 400,
                                     "unknown member \"%s\"",
                                     mlclf_json_name(name, item->string));
        }
    }

    if (probs != NULL) {
        if (mlclf_json_type(probs) == cJSON_True) {
            req->probabilities = 1;

        } else if (mlclf_json_type(probs) != cJSON_False) {
            return mlclf_json_reject(&ctx, "bad_shape", 400,
                                     "\"probabilities\" must be true or "
                                     "false");
        }
    }

    rc = mlclf_json_check_rows(&ctx, features, instances, max_rows);

    free(ctx.seen);

    return rc;

duplicate:

    return mlclf_json_reject(&ctx, "bad_shape", 400,
                             "member \"%s\" appears twice", item->string);
}


static int
mlclf_json_check_rows(mlclf_json_ctx_t *ctx, const cJSON *features,
    const cJSON *instances, size_t max_rows)
{
    int               rc;
    size_t            n;
    cJSON            *row;
    mlclf_request_t  *req;

    req = ctx->req;

    if (features != NULL && instances != NULL) {
        return mlclf_json_reject(ctx, "bad_shape", 400,
                                 "\"features\" and \"instances\" cannot be "
                                 "used together");
    }

    if (features != NULL) {
        if (mlclf_json_type(features) != cJSON_Array
            && mlclf_json_type(features) != cJSON_Object)
        {
            return mlclf_json_reject(ctx, "bad_shape", 400,
                                     "\"features\" must be an array or an "
                                     "object");
        }

        rc = mlclf_json_check_row(ctx, (cJSON *) features);
        if (rc != MLCLF_OK) {
            return rc;
        }

        req->rows = (void *) features;
        req->n_rows = 1;

        return MLCLF_OK;
    }

    if (instances == NULL) {
        return mlclf_json_reject(ctx, "bad_shape", 400,
                                 "expected a \"features\" or an "
                                 "\"instances\" member");
    }

    if (mlclf_json_type(instances) != cJSON_Array) {
        return mlclf_json_reject(ctx, "bad_shape", 400,
                                 "\"instances\" must be an array");
    }

    n = 0;

    for (row = instances->child; row != NULL; row = row->next) {
        n++;
    }

    if (n == 0) {
        return mlclf_json_reject(ctx, "empty_batch", 400,
                                 "\"instances\" is empty");
    }

    if (n > max_rows) {
        return mlclf_json_reject(ctx, "too_many_rows", 413,
                                 "batch of %zu rows exceeds the limit of %zu",
                                 n, max_rows);
    }

    ctx->batch = 1;
    ctx->row = 0;

    for (row = instances->child; row != NULL; row = row->next) {

        if (mlclf_json_type(row) != cJSON_Array
            && mlclf_json_type(row) != cJSON_Object)
        {
            return mlclf_json_reject(ctx, "bad_shape", 400,
                                     "expected an array or an object");
        }

        rc = mlclf_json_check_row(ctx, row);
        if (rc != MLCLF_OK) {
            return rc;
        }

        ctx->row++;
    }

    req->rows = (void *) instances;
    req->n_rows = n;
    req->batch = 1;

    return MLCLF_OK;
}


static int
mlclf_json_check_row(mlclf_json_ctx_t *ctx, cJSON *row)
{
    if (mlclf_json_type(row) == cJSON_Array) {
        return mlclf_json_check_array(ctx, row);
    }

    return mlclf_json_check_object(ctx, row);
}


static int
mlclf_json_check_array(mlclf_json_ctx_t *ctx, const cJSON *row)
{
    int           type;
    size_t        n, bad;
    const char   *reason;
    const cJSON  *v;

    n = 0;
    bad = 0;
    reason = NULL;

    for (v = row->child; v != NULL; v = v->next) {

        if (reason == NULL) {
            type = mlclf_json_type(v);

            if (type == cJSON_Number) {
                if (!isfinite(v->valuedouble)) {
                    reason = "non_finite";
                    bad = n;
                }

            } else if (type == cJSON_NULL) {
                if (ctx->impute == NULL) {
                    reason = "missing_value";
                    bad = n;
                }

            } else {
                reason = "not_a_number";
                bad = n;
            }
        }

        n++;
    }

    if (n != ctx->n_features) {
        return mlclf_json_reject(ctx, "bad_shape", 400,
                                 "expected %u features, got %zu",
                                 (unsigned) ctx->n_features, n);
    }

    if (reason == NULL) {
        return MLCLF_OK;
    }

    if (reason[0] == 'n' && reason[1] == 'o' && reason[2] == 'n') {
        return mlclf_json_reject(ctx, reason, 400,
                                 "feature %zu is not finite", bad);
    }

    if (reason[0] == 'n') {
        return mlclf_json_reject(ctx, reason, 400,
                                 "feature %zu is not a number", bad);
    }

    return mlclf_json_reject(ctx, reason, 400,
                             "feature %zu is null and the model has no "
                             "value to impute", bad);
}


static int
mlclf_json_check_object(mlclf_json_ctx_t *ctx, cJSON *row)
{
    int           type;
    cJSON        *v;
    size_t        n, words;
    int32_t       idx;
    uint32_t      w;
    uint64_t     *seen, local[MLCLF_JSON_SEEN_WORDS];
    char          name[MLCLF_JSON_NAME_MAX + 8];

    n = ctx->n_features;
    words = (n + 63) / 64;

    if (n <= MLCLF_JSON_SEEN_MAX) {
        seen = local;

    } else {
        if (ctx->seen == NULL) {
            ctx->seen = malloc(words * sizeof(uint64_t));
            if (ctx->seen == NULL) {
                return mlclf_err_set(ctx->err, MLCLF_ENOMEM,
                                     "cannot allocate a bitmap of %zu "
                                     "features", n);
            }
        }

        seen = ctx->seen;
    }

    memset(seen, 0, words * sizeof(uint64_t));

    for (v = row->child; v != NULL; v = v->next) {

        idx = mlclf_model_feature_index(ctx->model, v->string,
                                        strlen(v->string));

        if (idx < 0 || (uint32_t) idx >= n) {
            return mlclf_json_reject(ctx, "unknown_feature", 400,
                                     "unknown feature \"%s\"",
                                     mlclf_json_name(name, v->string));
        }

        w = (uint32_t) idx;

        if (seen[w / 64] & (1ULL << (w % 64))) {
            return mlclf_json_reject(ctx, "duplicate_feature", 400,
                                     "feature \"%s\" appears twice",
                                     mlclf_json_name(name, v->string));
        }

        seen[w / 64] |= 1ULL << (w % 64);

        /* the row filler reads the index back instead of looking it up */
        v->valueint = idx;

        type = mlclf_json_type(v);

        if (type == cJSON_Number) {
            if (!isfinite(v->valuedouble)) {
                return mlclf_json_reject(ctx, "non_finite", 400,
                                         "feature \"%s\" is not finite",
                                         mlclf_json_name(name, v->string));
            }

        } else if (type == cJSON_NULL) {
            if (ctx->impute == NULL) {
                return mlclf_json_reject(ctx, "missing_value", 400,
                                         "feature \"%s\" is null and the "
                                         "model has no value to impute",
                                         mlclf_json_name(name, v->string));
            }

        } else {
            return mlclf_json_reject(ctx, "not_a_number", 400,
                                     "feature \"%s\" is not a number",
                                     mlclf_json_name(name, v->string));
        }
    }

    if (ctx->impute != NULL) {
        return MLCLF_OK;
    }

    return mlclf_json_check_missing(ctx, seen);
}


/* The first feature of the model whose bit is clear in seen, by name. */

static int
mlclf_json_check_missing(mlclf_json_ctx_t *ctx, const uint64_t *seen)
{
    size_t  n, i;
    char    name[MLCLF_JSON_NAME_MAX + 8];

    n = ctx->n_features;

    /* whole words first: at 65535 features, 1024 of them */

    for (i = 0; i + 64 <= n && seen[i / 64] == ~0ULL; i += 64) {
        /* void */
    }

    while (i < n && (seen[i / 64] & (1ULL << (i % 64)))) {
        i++;
    }

    if (i == n) {
        return MLCLF_OK;
    }

    return mlclf_json_reject(ctx, "missing_feature", 400,
                             "feature \"%s\" is missing",
                             mlclf_json_name(name,
                                 mlclf_model_feature_name(ctx->model,
                                                          (uint32_t) i)));
}


static int
mlclf_json_reject(mlclf_json_ctx_t *ctx, const char *reason, int status,
    const char *fmt, ...)
{
    int      n;
    va_list  ap;
    char     msg[MLCLF_ERR_MSG_LEN];

    ctx->req->reason = reason;
    ctx->req->status = status;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    if (n < 0) {
        msg[0] = '\0';
    }

    if (ctx->batch) {
        return mlclf_err_set(ctx->err, MLCLF_EREQUEST, "row %zu: %s",
                             ctx->row, msg);
    }

    return mlclf_err_set(ctx->err, MLCLF_EREQUEST, "%s", msg);
}


/*
 * A client's string made safe to quote in a message: printable ASCII only,
 * at most MLCLF_JSON_NAME_MAX bytes.
 */

static const char *
mlclf_json_name(char *buf, const char *name)
{
    size_t          i;
    unsigned char   c;

    if (name == NULL) {
        return "";
    }

    for (i = 0; i < MLCLF_JSON_NAME_MAX && name[i] != '\0'; i++) {
        c = (unsigned char) name[i];
        buf[i] = (c >= 0x20 && c < 0x7f) ? (char) c : '?';
    }

    if (name[i] != '\0') {
        memcpy(&buf[i], "...", 3);
        i += 3;
    }

    buf[i] = '\0';

    return buf;
}


static int
mlclf_json_scan(mlclf_json_ctx_t *ctx, const unsigned char *p, size_t len,
    size_t max_depth)
{
    size_t          i, j, depth, nul;
    unsigned        z;
    unsigned char   c;

    for (i = 0; i < len && mlclf_json_space(p[i]); i++) {
        /* void */
    }

    if (i == len) {
        return mlclf_json_reject(ctx, "empty_body", 400, "body is empty");
    }

    depth = 0;

    while (i < len) {
        c = p[i];

        switch (c) {

        case '"':
            nul = 0;

            for (i++; i < len; i++) {
                c = p[i];

                if (c == '"') {
                    break;
                }

                if (c == '\\') {
                    z = 0;

                    j = mlclf_json_scan_escape(p, i, len, &z);
                    if (j == 0) {
                        return mlclf_json_reject(ctx, "bad_json", 400,
                                                 "invalid JSON: bad escape "
                                                 "at byte %zu", i);
                    }

                    if (j > len) {
                        i = len;
                        goto bad;
                    }

                    if (z && nul == 0) {
                        nul = i;
                    }

                    i = j - 1;
                    continue;
                }

                if (c < 0x20) {
                    goto bad;
                }

                if (c >= 0x80) {
                    j = mlclf_json_scan_utf8(p, i, len);
                    if (j == 0) {
                        goto bad;
                    }

                    i = j - 1;
                }
            }

            if (i >= len) {
                goto bad;
            }

            i++;

            /*
             * cJSON keeps names as C strings: one with a NUL in it would
             * be read as its part before the NUL ("a\u0000b" as "a"), so
             * it is refused rather than matched.  In a string value a NUL
             * does no harm: no member takes a string, so the value is
             * refused later anyway (not a number, bad shape).
             */

            if (nul != 0) {
                for (j = i; j < len && mlclf_json_space(p[j]); j++) {
                    /* void */
                }

                if (j < len && p[j] == ':') {
                    return mlclf_json_reject(ctx, "bad_json", 400,
                                             "\\u0000 in a member name, at "
                                             "byte %zu", nul);
                }
            }

            break;

        case '[':
        case '{':
            if (++depth > max_depth) {
                return mlclf_json_reject(ctx, "too_deep", 400,
                                         "JSON nesting deeper than %zu",
                                         max_depth);
            }

            i++;
            break;

        case ']':
        case '}':
            if (depth == 0) {
                goto bad;
            }

            depth--;
            i++;
            break;

        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            j = mlclf_json_scan_number(p, i, len);
            if (j == 0) {
                /* i is reported as the number's start */
                goto bad;
            }

            i = j;
            break;

        default:
            if (c < 0x20 && !mlclf_json_space(c)) {
                goto bad;
            }

            i++;
        }
    }

    if (depth != 0) {
        goto bad;
    }

    return MLCLF_OK;

bad:

    if (i >= len) {
        return mlclf_json_reject(ctx, "bad_json", 400,
                                 "invalid JSON: it ends early, at byte %zu",
                                 len);
    }

    return mlclf_json_reject(ctx, "bad_json", 400,
                             "invalid JSON at byte %zu", i);
}


/*
 * Checks the escape whose backslash is at p[i] (RFC 8259, section 7):
 * one of \" \\ \/ \b \f \n \r \t, or \u and four hex digits.  A \u that
 * is a UTF-16 surrogate must be a high one (D800-DBFF) followed at once by
 * a \u low one (DC00-DFFF): a lone surrogate stands for no character and
 * has no UTF-8 form, as the raw UTF-8 surrogates refused above.  Sets *nul
 * on \u0000.  Returns the index just past the escape, 0 if it is invalid,
 * or len + 1 if the body ends inside an escape that is valid so far.
 */

static size_t
mlclf_json_scan_escape(const unsigned char *p, size_t i, size_t len,
    unsigned *nul)
{
    int       rc;
    uint32_t  u, lo;

    if (len - i < 2) {
        return len + 1;
    }

    switch (p[i + 1]) {

    case '"': case '\\': case '/':
    case 'b': case 'f': case 'n': case 'r': case 't':
        return i + 2;

    case 'u':
        break;

    default:
        return 0;
    }

    rc = mlclf_json_scan_hex4(p, i + 2, len, &u);
    if (rc <= 0) {
        return rc ? len + 1 : 0;
    }

    if (u == 0) {
        *nul = 1;
    }

    if (u < 0xd800 || u > 0xdfff) {
        return i + 6;
    }

    if (u >= 0xdc00) {
        return 0;
    }

    i += 6;

    if (i < len && p[i] != '\\') {
        return 0;
    }

    if (i + 1 < len && p[i + 1] != 'u') {
        return 0;
    }

    rc = mlclf_json_scan_hex4(p, i + 2, len, &lo);
    if (rc <= 0) {
        return rc ? len + 1 : 0;
    }

    if (lo < 0xdc00 || lo > 0xdfff) {
        return 0;
    }

    return i + 6;
}


/*
 * Reads four hex digits at p[i] into *u: returns 1, 0 if one of them is
 * not a hex digit, or -1 if the body ends first (or before p[i]).
 */

static int
mlclf_json_scan_hex4(const unsigned char *p, size_t i, size_t len,
    uint32_t *u)
{
    size_t         k;
    uint32_t       v;
    unsigned char  c;

    v = 0;

    for (k = i; k < i + 4; k++) {
        if (k >= len) {
            return -1;
        }

        c = p[k];

        if (c >= '0' && c <= '9') {
            v = (v << 4) | (uint32_t) (c - '0');

        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            v = (v << 4) | (uint32_t) ((c | 0x20) - 'a' + 10);

        } else {
            return 0;
        }
    }

    *u = v;

    return 1;
}


/*
 * Checks the JSON number grammar at p[i]; returns the index just past it,
 * or 0 if it is not a JSON number.
 */

static size_t
mlclf_json_scan_number(const unsigned char *p, size_t i, size_t len)
{
    unsigned char  c;

    if (p[i] == '-') {
        i++;
    }

    if (i == len) {
        return 0;
    }

    if (p[i] == '0') {
        i++;

    } else if (p[i] >= '1' && p[i] <= '9') {
        while (i < len && mlclf_json_digit(p[i])) {
            i++;
        }

    } else {
        return 0;
    }

    if (i < len && p[i] == '.') {
        i++;

        if (i == len || !mlclf_json_digit(p[i])) {
            return 0;
        }

        while (i < len && mlclf_json_digit(p[i])) {
            i++;
        }
    }

    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        i++;

        if (i < len && (p[i] == '+' || p[i] == '-')) {
            i++;
        }

        if (i == len || !mlclf_json_digit(p[i])) {
            return 0;
        }

        while (i < len && mlclf_json_digit(p[i])) {
            i++;
        }
    }

    if (i < len) {
        c = p[i];

        if (mlclf_json_digit(c) || c == '.' || c == '-' || c == '+'
            || c == 'e' || c == 'E')
        {
            return 0;
        }
    }

    return i;
}


/*
 * Checks one UTF-8 sequence at p[i] (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF); returns the index past it or 0.
 */

static size_t
mlclf_json_scan_utf8(const unsigned char *p, size_t i, size_t len)
{
    size_t         n, k;
    unsigned char  c, lo, hi;

    c = p[i];
    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;

        if (c == 0xe0) {
            lo = 0xa0;

        } else if (c == 0xed) {
            hi = 0x9f;
        }

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;

        if (c == 0xf0) {
            lo = 0x90;

        } else if (c == 0xf4) {
            hi = 0x8f;
        }

    } else {
        return 0;
    }

    if (len - i <= n) {
        return 0;
    }

    for (k = 1; k <= n; k++) {
        c = p[i + k];

        if (c < lo || c > hi) {
            return 0;
        }

        lo = 0x80;
        hi = 0xbf;
    }

    return i + n + 1;
}


/*
 * The fast path of mlclf_request_parse(): {"features": [numbers]} and
 * {"instances": [[numbers], ...]}, with an optional "probabilities":
 * true|false, nothing else: its member names are lowercase letters, so
 * no escape (nor any string value) is ever read here.  Returns MLCLF_OK
 * with the rows in req->rows (dense), or MLCLF_EREQUEST for "not this
 * shape", with nothing allocated and req untouched but for local[].
 */

#define mlclf_json_skip(p, end)                                              \
    while ((p) < (end) && mlclf_json_space(*(p))) { (p)++; }

static int
mlclf_json_fast(mlclf_request_t *req, uint32_t nf, const unsigned char *p,
    size_t len, size_t max_rows, size_t max_depth)
{
    size_t                n, cap, klen;
    double               *v, *nv;
    unsigned              seen_f, seen_i, seen_p, probs;
    const unsigned char  *end, *k;

    if (nf == 0 || p == NULL || max_depth < 2) {
        return MLCLF_EREQUEST;
    }

    end = p + len;
    v = req->local;
    cap = MLCLF_REQUEST_LOCAL;
    n = 0;
    seen_f = 0;
    seen_i = 0;
    seen_p = 0;
    probs = 0;

    mlclf_json_skip(p, end);

    if (p == end || *p++ != '{') {
        goto fail;
    }

    for ( ;; ) {
        mlclf_json_skip(p, end);

        if (p == end || *p++ != '"') {
            goto fail;
        }

        for (k = p; p < end && *p >= 'a' && *p <= 'z'; p++) {
            /* void */
        }

        klen = p - k;

        if (p == end || *p++ != '"') {
            goto fail;
        }

        mlclf_json_skip(p, end);

        if (p == end || *p++ != ':') {
            goto fail;
        }

        mlclf_json_skip(p, end);

        if (klen == 8 && memcmp(k, "features", 8) == 0
            && !seen_f && !seen_i)
        {
            seen_f = 1;

            if (nf > cap) {
                v = malloc(nf * sizeof(double));
                if (v == NULL) {
                    v = req->local;
                    goto fail;
                }

                cap = nf;
            }

            p = mlclf_json_fast_row(p, end, nf, v);
            if (p == NULL) {
                goto fail;
            }

            n = 1;

        } else if (klen == 9 && memcmp(k, "instances", 9) == 0
                   && !seen_f && !seen_i && max_depth >= 3)
        {
            seen_i = 1;

            if (p == end || *p++ != '[') {
                goto fail;
            }

            for ( ;; ) {
                mlclf_json_skip(p, end);

                if (n == max_rows) {
                    goto fail;
                }

                if ((n + 1) * nf > cap) {
                    cap = (cap * 2 > (n + 1) * nf) ? cap * 2
                                                   : (n + 1) * nf * 2;
                    nv = malloc(cap * sizeof(double));
                    if (nv == NULL) {
                        goto fail;
                    }

                    memcpy(nv, v, n * nf * sizeof(double));

                    if (v != req->local) {
                        free(v);
                    }

                    v = nv;
                }

                p = mlclf_json_fast_row(p, end, nf, v + n * nf);
                if (p == NULL) {
                    goto fail;
                }

                n++;

                mlclf_json_skip(p, end);

                if (p == end) {
                    goto fail;
                }

                if (*p == ',') {
                    p++;
                    continue;
                }

                if (*p++ != ']') {
                    goto fail;
                }

                break;
            }

        } else if (klen == 13 && memcmp(k, "probabilities", 13) == 0
                   && !seen_p)
        {
            seen_p = 1;

            if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
                probs = 1;
                p += 4;

            } else if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
                p += 5;

            } else {
                goto fail;
            }

        } else {
            goto fail;
        }

        mlclf_json_skip(p, end);

        if (p == end) {
            goto fail;
        }

        if (*p == ',') {
            p++;
            continue;
        }

        if (*p++ != '}') {
            goto fail;
        }

        break;
    }

    mlclf_json_skip(p, end);

    if (p != end || n == 0) {
        goto fail;
    }

    req->root = v;
    req->rows = v;
    req->n_rows = n;
    req->batch = seen_i;
    req->probabilities = probs;
    req->dense = 1;

    return MLCLF_OK;

fail:

    if (v != req->local) {
        free(v);
    }

    return MLCLF_EREQUEST;
}


/* [n1, ..., n_nf] into x; returns the byte after "]" or NULL. */

static const unsigned char *
mlclf_json_fast_row(const unsigned char *p, const unsigned char *end,
    uint32_t nf, double *x)
{
    uint32_t  i;

    if (p == end || *p++ != '[') {
        return NULL;
    }

    for (i = 0; /* void */ ; /* void */ ) {
        mlclf_json_skip(p, end);

        p = mlclf_json_fast_number(p, end, &x[i]);
        if (p == NULL) {
            return NULL;
        }

        i++;

        mlclf_json_skip(p, end);

        if (p == end) {
            return NULL;
        }

        if (*p == ']') {
            return (i == nf) ? p + 1 : NULL;
        }

        if (*p++ != ',' || i == nf) {
            return NULL;
        }
    }
}


/*
 * A JSON number whose value is exactly m * 10^e with m < 2^53 and
 * |e| <= 22: one correctly rounded multiplication or division gives the
 * same double as strtod() (Clinger's fast path).  Anything longer,
 * larger or finer returns NULL and is left to the full path.
 */

static const unsigned char *
mlclf_json_fast_number(const unsigned char *p, const unsigned char *end,
    double *d)
{
    int                   neg, eneg, e, x, nd;
    double                r;
    uint64_t              m;
    const unsigned char  *start;

    start = p;
    neg = 0;

    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }

    if (p == end) {
        return NULL;
    }

    m = 0;
    nd = 0;
    e = 0;

    if (*p == '0') {
        p++;

    } else if (mlclf_json_digit(*p)) {
        while (p < end && mlclf_json_digit(*p)) {
            if (++nd > 19) {
                return NULL;
            }

            m = m * 10 + (*p++ - '0');
        }

    } else {
        return NULL;
    }

    if (p < end && *p == '.') {
        p++;

        if (p == end || !mlclf_json_digit(*p)) {
            return NULL;
        }

        while (p < end && mlclf_json_digit(*p)) {
            if (m != 0 || *p != '0') {
                if (++nd > 19) {
                    return NULL;
                }
            }

            m = m * 10 + (*p++ - '0');
            e--;
        }
    }

    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        eneg = 0;

        if (p < end && (*p == '+' || *p == '-')) {
            eneg = (*p++ == '-');
        }

        if (p == end || !mlclf_json_digit(*p)) {
            return NULL;
        }

        x = 0;

        while (p < end && mlclf_json_digit(*p)) {
            if (x < 10000) {
                x = x * 10 + (*p - '0');
            }

            p++;
        }

        e += eneg ? -x : x;
    }

    /* cJSON reads at most 63 bytes of a number: stay well below */
    if (p - start > 40) {
        return NULL;
    }

    if (m == 0) {
        *d = neg ? -0.0 : 0.0;
        return p;
    }

    if (m > (1ULL << 53) || e < -22 || e > 22) {
        return NULL;
    }

    r = (double) m;
    r = (e < 0) ? r / mlclf_pow10d[-e] : r * mlclf_pow10d[e];

    *d = neg ? -r : r;

    return p;
}


void
mlclf_request_row(const mlclf_request_t *req, const mlclf_model_t *m,
    size_t i, double *x)
{
    const cJSON  *row;

    row = req->rows;

    if (row == NULL || i >= req->n_rows) {
        return;
    }

    if (req->dense) {
        memcpy(x, (const double *) req->rows
                  + i * mlclf_model_n_features(m),
               mlclf_model_n_features(m) * sizeof(double));
        return;
    }

    if (req->batch) {
        for (row = row->child; i != 0 && row != NULL; i--) {
            row = row->next;
        }

        if (row == NULL) {
            return;
        }
    }

    mlclf_json_fill(row, m, x);
}


static void
mlclf_json_fill(const cJSON *row, const mlclf_model_t *m, double *x)
{
    uint32_t       n, i;
    const cJSON   *v;
    const double  *impute;

    n = mlclf_model_n_features(m);
    impute = mlclf_model_impute(m);

    if (mlclf_json_type(row) == cJSON_Array) {
        for (v = row->child, i = 0; v != NULL && i < n; v = v->next, i++) {
            if (mlclf_json_type(v) == cJSON_Number) {
                x[i] = v->valuedouble;

            } else {
                x[i] = impute ? impute[i] : 0.0;
            }
        }

        return;
    }

    /* an object: validated members carry their index in valueint */

    if (impute != NULL) {
        memcpy(x, impute, n * sizeof(double));
    }

    for (v = row->child; v != NULL; v = v->next) {
        i = (uint32_t) v->valueint;

        if (i >= n) {
            continue;
        }

        if (mlclf_json_type(v) == cJSON_Number) {
            x[i] = v->valuedouble;

        } else {
            x[i] = impute ? impute[i] : 0.0;
        }
    }
}


void
mlclf_request_free(mlclf_request_t *req)
{
    if (req == NULL) {
        return;
    }

    if (req->dense) {
        if (req->root != req->local) {
            free(req->root);
        }

    } else if (req->root != NULL) {
        cJSON_Delete(req->root);
    }

    req->root = NULL;
    req->rows = NULL;
    req->n_rows = 0;
    req->dense = 0;
}


size_t
mlclf_reply_scratch(const mlclf_model_t *m)
{
    return (size_t) mlclf_model_n_features(m) + mlclf_model_n_classes(m);
}


size_t
mlclf_reply_bound(const mlclf_model_t *m, const mlclf_request_t *req,
    const char *version)
{
    size_t    row, size, len, max, sum;
    uint32_t  n, k;

    n = mlclf_model_n_classes(m);

    max = 0;
    sum = 0;

    for (k = 0; k < n; k++) {
        len = mlclf_json_escaped_len(mlclf_model_class_label(m, k));
        sum += len;

        if (len > max) {
            max = len;
        }
    }

    row = sizeof("{\"prediction\":\"\",\"confidence\":},") - 1
          + max + MLCLF_NUM_MAX;

    if (req->probabilities) {
        row += sizeof(",\"probabilities\":{}") - 1
               + sum + n * (sizeof("\"\":,") - 1 + MLCLF_NUM_MAX);
    }

    size = sizeof("{\"model_version\":\"\",\"predictions\":[]}")
           + (version ? mlclf_json_escaped_len(version) : 0);

    return size + row * (req->n_rows ? req->n_rows : 1);
}


int
mlclf_reply_write(mlclf_reply_t *rep, const mlclf_model_t *m,
    const mlclf_request_t *req, mlclf_err_t *err)
{
    char          *p;
    double        *x, *proba;
    size_t         bound, i;
    uint32_t       k, nf;
    const char    *version;
    const cJSON   *row;

    if (req->rows == NULL || req->n_rows == 0 || rep->scratch == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "no parsed request or no scratch buffer");
    }

    version = rep->version ? rep->version : "";

    bound = mlclf_reply_bound(m, req, version);

    if (rep->buf == NULL || rep->size < bound) {
        return mlclf_err_set(err, MLCLF_ESPACE,
                             "reply needs up to %zu bytes, buffer has %zu",
                             bound, rep->size);
    }

    x = rep->scratch;
    proba = x + mlclf_model_n_features(m);
    p = rep->buf;

    if (!req->batch) {
        if (req->dense) {
            x = req->rows;

        } else {
            mlclf_json_fill(req->rows, m, x);
        }

        k = mlclf_predict_proba(m, x, proba);

        rep->first_class = k;
        rep->first_confidence = proba[k];

        if (rep->class_counts != NULL) {
            rep->class_counts[k]++;
        }

        *p++ = '{';
        p = mlclf_json_row(p, m, proba, k, req->probabilities);
        p = mlclf_json_cpy(p, ",\"model_version\":\"");
        p = mlclf_json_escape(p, version);
        p = mlclf_json_cpy(p, "\"}");

        *p = '\0';
        rep->len = p - rep->buf;

        return MLCLF_OK;
    }

    p = mlclf_json_cpy(p, "{\"model_version\":\"");
    p = mlclf_json_escape(p, version);
    p = mlclf_json_cpy(p, "\",\"predictions\":[");

    row = req->dense ? NULL : ((const cJSON *) req->rows)->child;
    nf = mlclf_model_n_features(m);

    for (i = 0; i < req->n_rows; i++) {
        if (req->dense) {
            x = (double *) req->rows + i * nf;

        } else {
            if (row == NULL) {
                break;
            }

            mlclf_json_fill(row, m, x);
            row = row->next;
        }

        k = mlclf_predict_proba(m, x, proba);

        if (i == 0) {
            rep->first_class = k;
            rep->first_confidence = proba[k];

        } else {
            *p++ = ',';
        }

        if (rep->class_counts != NULL) {
            rep->class_counts[k]++;
        }

        *p++ = '{';
        p = mlclf_json_row(p, m, proba, k, req->probabilities);
        *p++ = '}';
    }

    p = mlclf_json_cpy(p, "]}");

    *p = '\0';
    rep->len = p - rep->buf;

    return MLCLF_OK;
}


static char *
mlclf_json_row(char *p, const mlclf_model_t *m, const double *proba,
    uint32_t k, unsigned probabilities)
{
    uint32_t  n, c;

    p = mlclf_json_cpy(p, "\"prediction\":\"");
    p = mlclf_json_escape(p, mlclf_model_class_label(m, k));
    p = mlclf_json_cpy(p, "\",\"confidence\":");
    p += mlclf_format_double(p, proba[k]);

    if (!probabilities) {
        return p;
    }

    p = mlclf_json_cpy(p, ",\"probabilities\":{");

    n = mlclf_model_n_classes(m);

    for (c = 0; c < n; c++) {
        if (c != 0) {
            *p++ = ',';
        }

        *p++ = '"';
        p = mlclf_json_escape(p, mlclf_model_class_label(m, c));
        *p++ = '"';
        *p++ = ':';
        p += mlclf_format_double(p, proba[c]);
    }

    *p++ = '}';

    return p;
}


static size_t
mlclf_json_escaped_len(const char *s)
{
    size_t          n;
    unsigned char   c;

    for (n = 0; *s != '\0'; s++) {
        c = (unsigned char) *s;

        if (c == '"' || c == '\\') {
            n += 2;

        } else if (c < 0x20) {
            n += (c == '\n' || c == '\r' || c == '\t' || c == '\b'
                  || c == '\f') ? 2 : 6;

        } else {
            n++;
        }
    }

    return n;
}


static char *
mlclf_json_escape(char *p, const char *s)
{
    unsigned char        c;
    static const char    hex[] = "0123456789abcdef";

    for ( /* void */ ; *s != '\0'; s++) {
        c = (unsigned char) *s;

        if (c >= 0x20 && c != '"' && c != '\\') {
            *p++ = (char) c;
            continue;
        }

        *p++ = '\\';

        switch (c) {
        case '"':
        case '\\':
            *p++ = (char) c;
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        default:
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xf];
        }
    }

    return p;
}


size_t
mlclf_error_json(char *buf, size_t size, const char *msg, const char *reason)
{
    char    *p;
    size_t   len;

    if (msg == NULL) {
        msg = "";
    }

    if (reason == NULL) {
        reason = "";
    }

    len = sizeof("{\"error\":\"\",\"reason\":\"\"}") - 1
          + mlclf_json_escaped_len(msg) + mlclf_json_escaped_len(reason);

    if (buf == NULL || len > size) {
        return len;
    }

    p = mlclf_json_cpy(buf, "{\"error\":\"");
    p = mlclf_json_escape(p, msg);
    p = mlclf_json_cpy(p, "\",\"reason\":\"");
    p = mlclf_json_escape(p, reason);
    p = mlclf_json_cpy(p, "\"}");

    if (len < size) {
        *p = '\0';
    }

    return len;
}


/*
 * The shortest decimal that reads back as d: digits * 10^exp10 with the
 * fewest digits, and of those the nearest to d.  Doubles from 1e-5 to
 * 2^54 (every probability worth printing) take an exact integer path;
 * the rest asks snprintf for 15, 16 and then 17 digits and keeps the
 * first that strtod reads back (1 digit up for subnormals, whose
 * precision is lower).  JSON has no NaN or infinities: they print "null".
 */

size_t
mlclf_format_double(char *buf, double d)
{
    int        exp10, pos, n, i;
    char      *p;
    uint64_t   bits, digits;
    char       tmp[24];

    memcpy(&bits, &d, sizeof(double));

    if (((bits >> 52) & 0x7ff) == 0x7ff) {
        memcpy(buf, "null", 5);
        return 4;
    }

    p = buf;

    if (bits >> 63) {
        *p++ = '-';
        d = -d;
    }

    if (d == 0.0) {
        *p++ = '0';
        *p = '\0';
        return p - buf;
    }

    if (!mlclf_format_fast(d, &digits, &exp10)) {
        mlclf_format_slow(d, &digits, &exp10);
    }

    n = 0;

    while (digits != 0) {
        tmp[n++] = (char) ('0' + digits % 10);
        digits /= 10;
    }

    /* tmp holds the n digits reversed; d = 0.<digits> * 10^pos */

    pos = n + exp10;

    if (pos > -5 && pos <= 0) {
        *p++ = '0';
        *p++ = '.';

        for (i = pos; i < 0; i++) {
            *p++ = '0';
        }

        while (n) {
            *p++ = tmp[--n];
        }

    } else if (pos > 0 && pos <= 21) {
        for (i = 0; i < pos; i++) {
            *p++ = n ? tmp[--n] : '0';
        }

        if (n) {
            *p++ = '.';

            while (n) {
                *p++ = tmp[--n];
            }
        }

    } else {
        *p++ = tmp[--n];

        if (n) {
            *p++ = '.';

            while (n) {
                *p++ = tmp[--n];
            }
        }

        *p++ = 'e';

        pos--;

        if (pos < 0) {
            *p++ = '-';
            pos = -pos;

        } else {
            *p++ = '+';
        }

        if (pos >= 100) {
            *p++ = (char) ('0' + pos / 100);
        }

        if (pos >= 10) {
            *p++ = (char) ('0' + pos / 10 % 10);
        }

        *p++ = (char) ('0' + pos % 10);
    }

    *p = '\0';

    return p - buf;
}


#if defined(__SIZEOF_INT128__)

/*
 * d = m * 2^e exactly.  Its rounding interval, the reals strtod maps to d,
 * is [lo, hi] * 2^(e - 2) (open if m is odd: ties go to even).  Scaled by
 * 10^k so that d gets 17 digits before the point, the interval is wider
 * than 1, and everything fits 128 bits; the answer is the multiple of the
 * largest power of ten inside it, nearest to d.
 */

static int
mlclf_format_fast(double d, uint64_t *digits, int *exp10)
{
    int                  e, k, sh, j, best, up;
    uint64_t             bits, m, q, lq, hq, lo, hi, p, c, cmin, cmax, r;
    unsigned __int128    pk, v, l, h, mask, f;

    memcpy(&bits, &d, sizeof(double));

    e = (int) ((bits >> 52) & 0x7ff);

    if (e == 0) {
        return 0;
    }

    m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
    e -= 1075;

    /* from 1e-5 (2^-17 * 2^52 ...) to below 2^54 */

    if (e > 1 || e < -70) {
        return 0;
    }

    sh = 2 - e;

    /* 16 - floor(log10(d)), from floor(log2(d)) * log10(2); +-1 below */

    j = e + 52;
    k = 16 - (j >= 0 ? (j * 78913) >> 18 : -((-j * 78913 + 262143) >> 18));

    for ( ;; ) {
        if (k < 0 || k > 21) {
            return 0;
        }

        pk = k > 19 ? (unsigned __int128) mlclf_pow10[19] * mlclf_pow10[k - 19]
                    : mlclf_pow10[k];

        v = (unsigned __int128) (m << 2) * pk;
        q = (uint64_t) (v >> sh);

        if (q >= mlclf_pow10[17]) {
            k--;
            continue;
        }

        if (q < mlclf_pow10[16]) {
            k++;
            continue;
        }

        break;
    }

    mask = ((unsigned __int128) 1 << sh) - 1;

    l = (unsigned __int128) ((m << 2) - (m == (1ULL << 52) ? 1 : 2)) * pk;
    h = (unsigned __int128) ((m << 2) + 2) * pk;

    lq = (uint64_t) (l >> sh);
    hq = (uint64_t) (h >> sh);

    /* the integers inside the interval: [lo, hi] */

    if ((l & mask) == 0 && (m & 1) == 0) {
        lo = lq;

    } else {
        lo = lq + 1;
    }

    if ((h & mask) == 0 && (m & 1) != 0) {
        hi = hq - 1;

    } else {
        hi = hq;
    }

    best = 0;

    for (j = 1; j <= 18; j++) {
        p = mlclf_pow10[j];
        c = (lo + p - 1) / p;

        if (c > hi / p) {
            break;
        }

        best = j;
    }

    p = mlclf_pow10[best];
    cmin = (lo + p - 1) / p;
    cmax = hi / p;

    /* nearest multiple of p to v / 2^sh = q + f / 2^sh */

    c = q / p;
    r = q % p;
    f = v & mask;

    if (2 * r > p) {
        up = 1;

    } else if (2 * r + 1 < p) {
        up = 0;

    } else if (2 * r == p) {
        up = (f != 0) || (c & 1);

    } else {
        /* 2r + 1 == p: compare f with half of 2^sh */
        f <<= 1;
        up = f > ((unsigned __int128) 1 << sh)
             || (f == ((unsigned __int128) 1 << sh) && (c & 1));
    }

    c += up;

    if (c < cmin) {
        c = cmin;

    } else if (c > cmax) {
        c = cmax;
    }

    *exp10 = best - k;

    while (c % 10 == 0) {
        c /= 10;
        (*exp10)++;
    }

    *digits = c;

    return 1;
}

#else

static int
mlclf_format_fast(double d, uint64_t *digits, int *exp10)
{
    (void) d;
    (void) digits;
    (void) exp10;

    return 0;
}

#endif


static void
mlclf_format_slow(double d, uint64_t *digits, int *exp10)
{
    int        prec, exp;
    char      *s;
    uint64_t   c;
    char       tmp[40];

    prec = (d < 2.2250738585072014e-308) ? 1 : 15;

    for ( /* void */ ; prec < 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);

        if (strtod(tmp, NULL) == d) {
            break;
        }
    }

    if (prec == 17) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
    }

    c = 0;

    for (s = tmp; *s != 'e'; s++) {
        if (*s != '.') {
            c = c * 10 + (uint64_t) (*s - '0');
        }
    }

    exp = atoi(s + 1) - (prec - 1);

    while (c % 10 == 0) {
        c /= 10;
        exp++;
    }

    *digits = c;
    *exp10 = exp;
}
