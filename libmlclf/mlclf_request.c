
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * /predict requests: the fast path for rows of numbers first
 * (mlclf_request_fast.c), then the strict pass and cJSON for everything
 * else, both over the tokenizer of mlclf_json.c, and the validation of
 * every row against the model.
 */


#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_json.h"
#include "mlclf_request.h"


/*
 * Named features are marked in a bitmap, one bit per model feature: on
 * the stack up to 4096 features (512 bytes), else in one malloc()ed
 * block per request (8 KB at 65535), shared by the rows of a batch.
 */
#define MLCLF_REQUEST_SEEN_WORDS  64
#define MLCLF_REQUEST_SEEN_MAX    (MLCLF_REQUEST_SEEN_WORDS * 64)





static int mlclf_request_scan(mlclf_request_ctx_t *ctx, const char *body,
    size_t len, size_t max_depth, mlclf_json_tree_t *tree);
static int mlclf_request_check_row(mlclf_request_ctx_t *ctx, cJSON *row);
static int mlclf_request_check_array(mlclf_request_ctx_t *ctx,
    const cJSON *row);
static int mlclf_request_check_object(mlclf_request_ctx_t *ctx, cJSON *row);
static int mlclf_request_check_inputs(mlclf_request_ctx_t *ctx,
    const cJSON *row);
static int mlclf_request_check_missing(mlclf_request_ctx_t *ctx,
    const uint64_t *seen);


int
mlclf_request_parse(mlclf_request_t *req, const mlclf_model_t *m,
    const char *body, size_t len, const mlclf_limits_t *limits,
    mlclf_err_t *err)
{
    int                  rc;
    cJSON               *root, *item, *features, *instances, *probs;
    cJSON               *explain;
    mlclf_request_ctx_t     ctx;
    char                 name[MLCLF_REQUEST_NAME_MAX + 8];

    if (m == NULL || (body == NULL && len != 0)) {
        req->root = NULL;
        req->rows = NULL;
        req->n_rows = 0;
        req->dense = 0;
        req->missing = NULL;
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "no model or no body to parse");
    }

    mlclf_request_ctx_init(&ctx, req, m, limits, err);

    /*
     * The common shapes first, without cJSON: a valid body of numbers in
     * arrays is read in one pass.  Anything else, including every body
     * that is to be rejected, goes through the full path below, which
     * alone decides and words errors.
     */

    if (!ctx.inputs
        && mlclf_request_fast(req, ctx.n_features, body, len, ctx.max_rows,
                              ctx.max_depth)
           == MLCLF_OK)
    {
        return MLCLF_OK;
    }

    rc = mlclf_request_json(&ctx, body, len, &root);
    if (rc != MLCLF_OK) {
        return rc;
    }

    req->root = root;

    if (mlclf_request_type(root) != cJSON_Object) {
        return mlclf_request_reject(&ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                    "the body is not a JSON object");
    }

    features = NULL;
    instances = NULL;
    probs = NULL;
    explain = NULL;

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

        } else if (strcmp(item->string, "explain") == 0) {
            if (explain != NULL) {
                goto duplicate;
            }

            explain = item;

        } else {
            return mlclf_request_reject(&ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                        "unknown member \"%s\"",
                                        mlclf_request_name(name, item->string));
        }
    }

    if (probs != NULL) {
        if (mlclf_request_type(probs) == cJSON_True) {
            req->probabilities = 1;

        } else if (mlclf_request_type(probs) != cJSON_False) {
            return mlclf_request_reject(&ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                        "\"probabilities\" must be true or "
                                        "false");
        }
    }

    if (explain != NULL) {
        if (mlclf_request_type(explain) == cJSON_True) {
            req->explain = 1;

        } else if (mlclf_request_type(explain) != cJSON_False) {
            return mlclf_request_reject(&ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                        "\"explain\" must be true or false");
        }
    }

    rc = mlclf_request_check_rows(&ctx, features, instances);

    free(ctx.seen);
    ctx.seen = NULL;

    if (rc == MLCLF_OK && req->explain) {
        rc = mlclf_request_check_explain(&ctx);
    }

    return rc;

duplicate:

    return mlclf_request_reject(&ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                "member \"%s\" appears twice", item->string);
}


void
mlclf_request_ctx_init(mlclf_request_ctx_t *ctx, mlclf_request_t *req,
    const mlclf_model_t *m, const mlclf_limits_t *limits, mlclf_err_t *err)
{
    req->root = NULL;
    req->rows = NULL;
    req->n_rows = 0;
    req->batch = 0;
    req->probabilities = 0;
    req->explain = 0;
    req->dense = 0;
    req->missing = NULL;
    req->reason = MLCLF_REASON_NONE;
    req->status = 0;
    req->max_terms = 0;
    req->max_scratch = 0;

    ctx->model = m;
    ctx->impute = mlclf_model_impute(m);
    ctx->missing_ok = ctx->impute != NULL || mlclf_model_routes_missing(m);
    ctx->inputs = mlclf_model_has_inputs(m);
    ctx->n_features = mlclf_model_n_inputs(m);
    ctx->req = req;
    ctx->err = err;
    ctx->seen = NULL;
    ctx->row = 0;
    ctx->batch = 0;
    ctx->max_rows = MLCLF_DEFAULT_MAX_ROWS;
    ctx->max_depth = MLCLF_DEFAULT_MAX_DEPTH;
    ctx->max_text = MLCLF_DEFAULT_MAX_TEXT;
    ctx->max_explain_rows = MLCLF_DEFAULT_MAX_EXPLAIN_ROWS;
    ctx->row_terms = 0;

    if (limits == NULL) {
        return;
    }

    if (limits->max_rows != 0) {
        ctx->max_rows = limits->max_rows;
    }

    if (limits->max_depth != 0) {
        ctx->max_depth = limits->max_depth;
    }

    if (limits->max_text != 0) {
        ctx->max_text = limits->max_text;
    }

    if (limits->max_explain_rows != 0) {
        ctx->max_explain_rows = limits->max_explain_rows;
    }
}


int
mlclf_request_json(mlclf_request_ctx_t *ctx, const char *body, size_t len,
    cJSON **rootp)
{
    int                 rc;
    size_t              i;
    cJSON              *root;
    const char         *end;
    mlclf_json_tree_t   tree;

    *rootp = NULL;

    mlclf_json_tree_init(&tree);

    rc = mlclf_request_scan(ctx, body, len, ctx->max_depth, &tree);
    if (rc != MLCLF_OK) {
        mlclf_json_tree_free(&tree);
        return rc;
    }

    *rootp = mlclf_json_tree_take(&tree);
    if (*rootp != NULL) {
        return MLCLF_OK;
    }

    end = NULL;
    root = cJSON_ParseWithLengthOpts(body, len, &end, 0);

    if (root == NULL) {
        i = (end != NULL && end >= body && end <= body + len)
            ? (size_t) (end - body) : len;
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_JSON, 400,
                                    "invalid JSON at byte %zu", i);
    }

    for (i = (size_t) (end - body); i < len; i++) {
        if (!mlclf_json_space(body[i])) {
            cJSON_Delete(root);
            return mlclf_request_reject(ctx, MLCLF_REASON_BAD_JSON, 400,
                                        "invalid JSON at byte %zu", i);
        }
    }

    *rootp = root;

    return MLCLF_OK;
}


int
mlclf_request_check_rows(mlclf_request_ctx_t *ctx, const cJSON *features,
    const cJSON *instances)
{
    int               rc;
    size_t            n;
    cJSON            *row;
    mlclf_request_t  *req;

    req = ctx->req;

    if (features != NULL && instances != NULL) {
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                    "\"features\" and \"instances\" cannot be "
                                    "used together");
    }

    if (features != NULL) {
        if (mlclf_request_type(features) != cJSON_Array
            && mlclf_request_type(features) != cJSON_Object)
        {
            return mlclf_request_reject(ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                        "\"features\" must be an array or an "
                                        "object");
        }

        rc = mlclf_request_check_row(ctx, (cJSON *) features);
        if (rc != MLCLF_OK) {
            return rc;
        }

        req->rows = (void *) features;
        req->n_rows = 1;

        return MLCLF_OK;
    }

    if (instances == NULL) {
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                    "expected a \"features\" or an "
                                    "\"instances\" member");
    }

    if (mlclf_request_type(instances) != cJSON_Array) {
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                    "\"instances\" must be an array");
    }

    n = 0;

    for (row = instances->child; row != NULL; row = row->next) {
        n++;
    }

    if (n == 0) {
        return mlclf_request_reject(ctx, MLCLF_REASON_EMPTY_BATCH, 400,
                                    "\"instances\" is empty");
    }

    if (n > ctx->max_rows) {
        return mlclf_request_reject(ctx, MLCLF_REASON_TOO_MANY_ROWS, 413,
                                    "batch of %zu rows exceeds the limit "
                                    "of %zu", n, ctx->max_rows);
    }

    ctx->batch = 1;
    ctx->row = 0;

    for (row = instances->child; row != NULL; row = row->next) {

        if (mlclf_request_type(row) != cJSON_Array
            && mlclf_request_type(row) != cJSON_Object)
        {
            return mlclf_request_reject(ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                        "expected an array or an object");
        }

        rc = mlclf_request_check_row(ctx, row);
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
mlclf_request_check_row(mlclf_request_ctx_t *ctx, cJSON *row)
{
    int  rc;

    if (mlclf_request_type(row) == cJSON_Array) {
        rc = ctx->inputs ? mlclf_request_check_inputs(ctx, row)
                         : mlclf_request_check_array(ctx, row);

    } else {
        rc = mlclf_request_check_object(ctx, row);
    }

    mlclf_request_input_row_end(ctx);

    return rc;
}


/* An array row of a model with inputs: one value per input, in order. */
static int
mlclf_request_check_inputs(mlclf_request_ctx_t *ctx, const cJSON *row)
{
    int                    rc;
    size_t                 n;
    uint32_t               i;
    const cJSON           *v;
    mlclf_request_label_t  label;

    n = 0;

    for (v = row->child; v != NULL; v = v->next) {
        n++;
    }

    if (n != ctx->n_features) {
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                    "expected %u features, got %zu",
                                    (unsigned) ctx->n_features, n);
    }

    label.name = NULL;

    for (v = row->child, i = 0; v != NULL; v = v->next, i++) {
        label.pos = i;
        label.text[0] = '\0';

        rc = mlclf_request_input_value(ctx, i, v, &label);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    return MLCLF_OK;
}


static int
mlclf_request_check_array(mlclf_request_ctx_t *ctx, const cJSON *row)
{
    int              type;
    size_t           n, bad;
    const cJSON     *v;
    mlclf_reason_e   reason;

    n = 0;
    bad = 0;
    reason = MLCLF_REASON_NONE;

    for (v = row->child; v != NULL; v = v->next) {

        if (reason == MLCLF_REASON_NONE) {
            type = mlclf_request_type(v);

            if (type == cJSON_Number) {
                if (!isfinite(v->valuedouble)) {
                    reason = MLCLF_REASON_NON_FINITE;
                    bad = n;
                }

            } else if (type == cJSON_NULL) {
                if (!ctx->missing_ok) {
                    reason = MLCLF_REASON_MISSING_VALUE;
                    bad = n;
                }

            } else {
                reason = MLCLF_REASON_NOT_A_NUMBER;
                bad = n;
            }
        }

        n++;
    }

    if (n != ctx->n_features) {
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_SHAPE, 400,
                                    "expected %u features, got %zu",
                                    (unsigned) ctx->n_features, n);
    }

    if (reason == MLCLF_REASON_NONE) {
        return MLCLF_OK;
    }

    if (reason == MLCLF_REASON_NON_FINITE) {
        return mlclf_request_reject(ctx, reason, 400,
                                    "feature %zu is not finite", bad);
    }

    if (reason == MLCLF_REASON_NOT_A_NUMBER) {
        return mlclf_request_reject(ctx, reason, 400,
                                    "feature %zu is not a number", bad);
    }

    return mlclf_request_reject(ctx, reason, 400,
                                "feature %zu is null and the model has no "
                                "value to impute", bad);
}


static int
mlclf_request_check_object(mlclf_request_ctx_t *ctx, cJSON *row)
{
    int                    type, rc;
    cJSON                 *v;
    size_t                 n, words;
    int32_t                idx;
    uint32_t               w;
    uint64_t              *seen, local[MLCLF_REQUEST_SEEN_WORDS];
    char                   name[MLCLF_REQUEST_NAME_MAX + 8];
    mlclf_request_label_t  label;

    n = ctx->n_features;
    words = (n + 63) / 64;

    if (n <= MLCLF_REQUEST_SEEN_MAX) {
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
            return mlclf_request_reject(ctx, MLCLF_REASON_UNKNOWN_FEATURE, 400,
                                        "unknown feature \"%s\"",
                                        mlclf_request_name(name, v->string));
        }

        w = (uint32_t) idx;

        if (seen[w / 64] & (1ULL << (w % 64))) {
            return mlclf_request_reject(ctx,
                                        MLCLF_REASON_DUPLICATE_FEATURE, 400,
                                        "feature \"%s\" appears twice",
                                        mlclf_request_name(name, v->string));
        }

        seen[w / 64] |= 1ULL << (w % 64);

        /* the row filler reads the index back instead of looking it up */
        v->valueint = idx;

        if (ctx->inputs) {
            label.name = v->string;
            label.text[0] = '\0';

            rc = mlclf_request_input_value(ctx, w, v, &label);
            if (rc != MLCLF_OK) {
                return rc;
            }

            continue;
        }

        type = mlclf_request_type(v);

        if (type == cJSON_Number) {
            if (!isfinite(v->valuedouble)) {
                return mlclf_request_reject(ctx, MLCLF_REASON_NON_FINITE, 400,
                                            "feature \"%s\" is not finite",
                                            mlclf_request_name(name,
                                                               v->string));
            }

        } else if (type == cJSON_NULL) {
            if (!ctx->missing_ok) {
                return mlclf_request_reject(ctx,
                                            MLCLF_REASON_MISSING_VALUE, 400,
                                            "feature \"%s\" is null and the "
                                            "model has no value to impute",
                                            mlclf_request_name(name,
                                                               v->string));
            }

        } else {
            return mlclf_request_reject(ctx, MLCLF_REASON_NOT_A_NUMBER, 400,
                                        "feature \"%s\" is not a number",
                                        mlclf_request_name(name, v->string));
        }
    }

    if (ctx->inputs) {
        return mlclf_request_input_absent(ctx, seen);
    }

    if (ctx->missing_ok) {
        return MLCLF_OK;
    }

    return mlclf_request_check_missing(ctx, seen);
}


/* The first feature of the model whose bit is clear in seen, by name. */

static int
mlclf_request_check_missing(mlclf_request_ctx_t *ctx, const uint64_t *seen)
{
    size_t  n, i;
    char    name[MLCLF_REQUEST_NAME_MAX + 8];

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

    return mlclf_request_reject(ctx, MLCLF_REASON_MISSING_FEATURE, 400,
                                "feature \"%s\" is missing",
                                mlclf_request_name(name,
                                    mlclf_model_feature_name(ctx->model,
                                                             (uint32_t) i)));
}


/*
 * "explain": true: the model must carry what explanations need, and the
 * rows must be few enough.
 */
int
mlclf_request_check_explain(mlclf_request_ctx_t *ctx)
{
    ctx->batch = 0;

    if (mlclf_explain_ready(ctx->model) != MLCLF_OK) {
        return mlclf_request_reject(ctx, MLCLF_REASON_CANNOT_EXPLAIN, 400,
                                    "this model cannot explain: its file "
                                    "has no %s (model format 4)",
                                    mlclf_model_kind(ctx->model)
                                    == MLCLF_KIND_LOGREG
                                    ? "column means" : "node covers");
    }

    if (ctx->req->n_rows > ctx->max_explain_rows) {
        return mlclf_request_reject(ctx, MLCLF_REASON_TOO_MANY_ROWS, 413,
                                    "%zu rows to explain, more than the "
                                    "limit of %zu", ctx->req->n_rows,
                                    ctx->max_explain_rows);
    }

    return MLCLF_OK;
}


int
mlclf_request_reject(mlclf_request_ctx_t *ctx, mlclf_reason_e reason,
    int status, const char *fmt, ...)
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
 * at most MLCLF_REQUEST_NAME_MAX bytes.
 */

const char *
mlclf_request_name(char *buf, const char *name)
{
    size_t          i;
    unsigned char   c;

    if (name == NULL) {
        return "";
    }

    for (i = 0; i < MLCLF_REQUEST_NAME_MAX && name[i] != '\0'; i++) {
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


/*
 * The strict pass before cJSON.  It rejects what cJSON would accept but
 * JSON does not (numbers such as "01" or "-.5", raw control characters,
 * bad UTF-8, \u escapes with bad hex digits, which cJSON reads as U+0000)
 * and what it would misread (lone surrogates, member names with a
 * \u0000), and bounds the nesting, so that cJSON's recursion stays
 * shallow.  The rest of the structure is cJSON's to check.  Its
 * tokens build the tree on the way (mlclf_json_tree_add()), which
 * spares cJSON the body unless the tree could not be built.
 */

static int
mlclf_request_scan(mlclf_request_ctx_t *ctx, const char *body, size_t len,
    size_t max_depth, mlclf_json_tree_t *tree)
{
    size_t               depth, nul;
    mlclf_json_lex_t     lex;
    mlclf_json_token_e   t;

    mlclf_json_lex_init(&lex, body, len, 1);

    t = mlclf_json_next(&lex);

    if (t == MLCLF_JSON_END) {
        return mlclf_request_reject(ctx, MLCLF_REASON_EMPTY_BODY, 400,
                                    "body is empty");
    }

    depth = 0;
    nul = 0;

    for ( /* void */ ; /* void */ ; t = mlclf_json_next(&lex)) {

        mlclf_json_tree_add(tree, &lex, t);

        /*
         * cJSON ends a string at its first NUL: a text or a category
         * with \u0000 in it would be read cut short, so it is refused
         */

        if (nul != 0 && t != MLCLF_JSON_COLON && ctx->inputs) {
            return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TEXT, 400,
                                        "\\u0000 in a string value, at "
                                        "byte %zu", nul - 1);
        }

        switch (t) {

        case MLCLF_JSON_END:
            if (depth != 0) {
                return mlclf_request_reject(ctx, MLCLF_REASON_BAD_JSON, 400,
                                            "invalid JSON: it ends early, "
                                            "at byte %zu", len);
            }

            return MLCLF_OK;

        case MLCLF_JSON_ERROR:
            goto bad;

        case MLCLF_JSON_OPEN:
            if (++depth > max_depth) {
                return mlclf_request_reject(ctx, MLCLF_REASON_TOO_DEEP, 400,
                                            "JSON nesting deeper than %zu",
                                            max_depth);
            }

            break;

        case MLCLF_JSON_CLOSE:
            if (depth == 0) {
                return mlclf_request_reject(ctx, MLCLF_REASON_BAD_JSON, 400,
                                            "invalid JSON at byte %zu",
                                            (size_t) (lex.tok - lex.start));
            }

            depth--;
            break;

        case MLCLF_JSON_STRING:
            nul = lex.nul;
            continue;

        case MLCLF_JSON_COLON:

            /*
             * cJSON keeps names as C strings: one with a NUL in it would
             * be read as its part before the NUL ("a\u0000b" as "a"), so
             * it is refused rather than matched.  In a string value a NUL
             * is refused above for a model with inputs; for the others
             * no member takes a string, so the value is refused later
             * anyway (not a number, bad shape).
             */

            if (nul != 0) {
                return mlclf_request_reject(ctx, MLCLF_REASON_BAD_JSON, 400,
                                            "\\u0000 in a member name, at "
                                            "byte %zu", nul - 1);
            }

            break;

        default:
            break;
        }

        nul = 0;
    }

bad:

    if (lex.error == MLCLF_JSON_EESCAPE) {
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_JSON, 400,
                                    "invalid JSON: bad escape at byte %zu",
                                    lex.error_at);
    }

    if (lex.error_at >= len) {
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_JSON, 400,
                                    "invalid JSON: it ends early, at byte "
                                    "%zu", len);
    }

    return mlclf_request_reject(ctx, MLCLF_REASON_BAD_JSON, 400,
                                "invalid JSON at byte %zu", lex.error_at);
}


const void *
mlclf_request_next_row(const mlclf_request_t *req, const void *prev)
{
    const cJSON  *row;

    if (req->dense || req->rows == NULL) {
        return NULL;
    }

    row = req->rows;

    if (prev == NULL) {
        /* one row: rows is the row itself */
        return req->batch ? row->child : row;
    }

    return req->batch ? ((const cJSON *) prev)->next : NULL;
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

    mlclf_request_fill(row, m, x);
}


void
mlclf_request_fill(const cJSON *row, const mlclf_model_t *m, double *x)
{
    double         none;
    uint32_t       n, i;
    const cJSON   *v;
    const double  *impute;

    n = mlclf_model_n_features(m);
    impute = mlclf_model_impute(m);

    /* a model that routes missing values is given NaN for them */
    none = mlclf_model_routes_missing(m) ? NAN : 0.0;

    if (mlclf_request_type(row) == cJSON_Array) {
        for (v = row->child, i = 0; v != NULL && i < n; v = v->next, i++) {
            if (mlclf_request_type(v) == cJSON_Number) {
                x[i] = v->valuedouble;

            } else {
                x[i] = impute ? impute[i] : none;
            }
        }

        return;
    }

    /* an object: validated members carry their index in valueint */

    if (impute != NULL) {
        memcpy(x, impute, n * sizeof(double));

    } else {
        for (i = 0; i < n; i++) {
            x[i] = none;
        }
    }

    for (v = row->child; v != NULL; v = v->next) {
        i = (uint32_t) v->valueint;

        if (i >= n) {
            continue;
        }

        if (mlclf_request_type(v) == cJSON_Number) {
            x[i] = v->valuedouble;

        } else {
            x[i] = impute ? impute[i] : none;
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

    free(req->missing);

    req->root = NULL;
    req->rows = NULL;
    req->n_rows = 0;
    req->dense = 0;
    req->missing = NULL;
}
