/*
 * Copyright (C) 2026 The mlclf authors
 *
 * KServe's Open Inference Protocol (V2): infer request bodies, their JSON
 * part and their binary tensor data, read into the rows of a /predict
 * request and checked by the same rules (docs/kserve.md): dense rows of
 * doubles for a model of numbers, as /predict's fast path leaves them,
 * or a cJSON tree of rows for a model with inputs, checked by the
 * /predict parser itself.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_request.h"
#include "mlclf_v2.h"


/* the most elements a tensor's shape may hold, far above any body */
#define MLCLF_V2_MAX_COUNT        ((size_t) 1 << 40)

#define MLCLF_V2_LOCAL_TENSORS    16


typedef struct {
    mlclf_request_ctx_t       rq;
    mlclf_v2_request_t       *v2;
    const mlclf_model_t      *model;
    const unsigned char      *bin;          /* the binary part */
    size_t                    bin_len;
    size_t                    bin_used;
    mlclf_v2_tensor_t        *tensors;
    size_t                    n_tensors;
    uint8_t                  *given;        /* per input, or NULL */
    size_t                    n_rows;
} mlclf_v2_ctx_t;


static int mlclf_v2_inputs(mlclf_v2_ctx_t *ctx, const cJSON *inputs);
static int mlclf_v2_tensor(mlclf_v2_ctx_t *ctx, const cJSON *in,
    mlclf_v2_tensor_t *t);
static int mlclf_v2_tensor_input(mlclf_v2_ctx_t *ctx, mlclf_v2_tensor_t *t);
static int mlclf_v2_shape(mlclf_v2_ctx_t *ctx, const cJSON *shape,
    mlclf_v2_tensor_t *t);
static int mlclf_v2_tensor_data(mlclf_v2_ctx_t *ctx, const cJSON *data,
    const cJSON *params, mlclf_v2_tensor_t *t);
static int mlclf_v2_dense(mlclf_v2_ctx_t *ctx);
static int mlclf_v2_dense_absent(mlclf_v2_ctx_t *ctx, double *x);
static int mlclf_v2_tree(mlclf_v2_ctx_t *ctx);
static int mlclf_v2_tree_tensor(mlclf_v2_ctx_t *ctx,
    const mlclf_v2_tensor_t *t, cJSON **rows);


int
mlclf_v2_request_parse(mlclf_v2_request_t *v2, const mlclf_model_t *m,
    const char *body, size_t len, size_t json_len,
    const mlclf_limits_t *limits, mlclf_err_t *err)
{
    int                rc;
    cJSON             *root;
    unsigned           binary;
    const cJSON       *id, *inputs;
    mlclf_v2_ctx_t     ctx;
    mlclf_v2_tensor_t  local[MLCLF_V2_LOCAL_TENSORS];

    memset(v2, 0, sizeof(mlclf_v2_request_t));

    if (m == NULL || (body == NULL && len != 0)) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "no model or no body to parse");
    }

    memset(&ctx, 0, sizeof(mlclf_v2_ctx_t));

    mlclf_request_ctx_init(&ctx.rq, &v2->req, m, limits, err);

    ctx.v2 = v2;
    ctx.model = m;

    if (json_len > len) {
        return mlclf_request_reject(&ctx.rq, MLCLF_REASON_BAD_TENSOR, 400,
                                    "Inference-Header-Content-Length %zu "
                                    "is more than the body's %zu bytes",
                                    json_len, len);
    }

    /* the common body of JSON clients first, as /predict does */

    if (json_len == len && !ctx.rq.inputs
        && mlclf_v2_request_fast(v2, m, body, len, ctx.rq.max_rows,
                                 ctx.rq.max_depth)
           == MLCLF_OK)
    {
        return MLCLF_OK;
    }

    ctx.bin = body != NULL ? (const unsigned char *) body + json_len : NULL;
    ctx.bin_len = len - json_len;

    rc = mlclf_request_json(&ctx.rq, body, json_len, &root);
    if (rc != MLCLF_OK) {
        return rc;
    }

    v2->json = root;

    if (mlclf_request_type(root) != cJSON_Object) {
        return mlclf_request_reject(&ctx.rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "the body is not a JSON object");
    }

    id = mlclf_v2_member(root, "id");

    if (id != NULL && mlclf_request_type(id) != cJSON_NULL) {
        if (mlclf_request_type(id) != cJSON_String) {
            return mlclf_request_reject(&ctx.rq, MLCLF_REASON_BAD_SHAPE, 400,
                                        "\"id\" must be a string");
        }

        v2->id = id->valuestring;
    }

    rc = mlclf_v2_parameters(&ctx.rq, v2,
                             mlclf_v2_member(root, "parameters"), &binary);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_v2_outputs(&ctx.rq, v2, mlclf_v2_member(root, "outputs"),
                          binary);
    if (rc != MLCLF_OK) {
        return rc;
    }

    inputs = mlclf_v2_member(root, "inputs");

    if (inputs == NULL || mlclf_request_type(inputs) != cJSON_Array) {
        return mlclf_request_reject(&ctx.rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "expected an \"inputs\" array");
    }

    ctx.n_tensors = (size_t) cJSON_GetArraySize(inputs);

    if (ctx.n_tensors == 0) {
        return mlclf_request_reject(&ctx.rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "\"inputs\" is empty");
    }

    ctx.tensors = local;

    if (ctx.n_tensors > MLCLF_V2_LOCAL_TENSORS) {
        ctx.tensors = malloc(ctx.n_tensors * sizeof(mlclf_v2_tensor_t));
    }

    ctx.given = calloc(mlclf_model_n_inputs(m), 1);

    if (ctx.tensors == NULL || ctx.given == NULL) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM,
                           "cannot allocate %zu tensors", ctx.n_tensors);

    } else {
        rc = mlclf_v2_inputs(&ctx, inputs);
    }

    if (rc == MLCLF_OK) {
        rc = ctx.rq.inputs ? mlclf_v2_tree(&ctx) : mlclf_v2_dense(&ctx);
    }

    if (rc == MLCLF_OK && v2->req.explain) {
        rc = mlclf_request_check_explain(&ctx.rq);
    }

    if (ctx.tensors != local) {
        free(ctx.tensors);
    }

    free(ctx.given);
    free(ctx.rq.seen);

    return rc;
}


const cJSON *
mlclf_v2_member(const cJSON *obj, const char *name)
{
    const cJSON  *v;

    for (v = obj->child; v != NULL; v = v->next) {
        if (strcmp(v->string, name) == 0) {
            return v;
        }
    }

    return NULL;
}


/*
 * Every tensor's name, datatype, shape and data, then the rows they
 * agree on, all before a value is read.
 */
static int
mlclf_v2_inputs(mlclf_v2_ctx_t *ctx, const cJSON *inputs)
{
    int                 rc;
    size_t              i;
    const cJSON        *in;
    mlclf_v2_tensor_t  *t;
    char                a[MLCLF_REQUEST_NAME_MAX + 8];
    char                b[MLCLF_REQUEST_NAME_MAX + 8];

    for (in = inputs->child, i = 0; in != NULL; in = in->next, i++) {
        t = &ctx->tensors[i];

        rc = mlclf_v2_tensor(ctx, in, t);
        if (rc != MLCLF_OK) {
            return rc;
        }

        if (t->input == MLCLF_V2_WHOLE && ctx->n_tensors > 1) {
            return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_SHAPE, 400,
                                        "tensor \"features\" holds every "
                                        "feature: it comes alone");
        }

        if (i > 0 && t->rows != ctx->tensors[0].rows) {
            return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR,
                                        400, "tensor \"%s\" has %zu rows, "
                                        "tensor \"%s\" %zu",
                                        mlclf_request_name(a, t->name),
                                        t->rows,
                                        mlclf_request_name(b,
                                            ctx->tensors[0].name),
                                        ctx->tensors[0].rows);
        }
    }

    if (ctx->bin_used != ctx->bin_len) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR, 400,
                                    "the binary data after the JSON is %zu "
                                    "bytes, the tensors' binary_data_size "
                                    "add up to %zu",
                                    ctx->bin_len, ctx->bin_used);
    }

    ctx->n_rows = ctx->tensors[0].rows;

    if (ctx->n_rows == 0) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_EMPTY_BATCH, 400,
                                    "the tensors have no rows");
    }

    if (ctx->n_rows > ctx->rq.max_rows) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_TOO_MANY_ROWS, 413,
                                    "batch of %zu rows exceeds the limit "
                                    "of %zu", ctx->n_rows, ctx->rq.max_rows);
    }

    return MLCLF_OK;
}


static int
mlclf_v2_tensor(mlclf_v2_ctx_t *ctx, const cJSON *in, mlclf_v2_tensor_t *t)
{
    int           rc;
    const cJSON  *name, *dtype, *shape;
    char          shown[MLCLF_REQUEST_NAME_MAX + 8];

    memset(t, 0, sizeof(mlclf_v2_tensor_t));

    if (mlclf_request_type(in) != cJSON_Object) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "each input must be an object");
    }

    name = mlclf_v2_member(in, "name");

    if (name == NULL || mlclf_request_type(name) != cJSON_String) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "each input needs a \"name\" string");
    }

    t->name = name->valuestring;

    dtype = mlclf_v2_member(in, "datatype");

    if (dtype == NULL || mlclf_request_type(dtype) != cJSON_String) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR, 400,
                                    "tensor \"%s\" needs a \"datatype\" "
                                    "string",
                                    mlclf_request_name(shown, t->name));
    }

    t->dtype = mlclf_v2_dtype(dtype->valuestring);

    if (t->dtype == MLCLF_V2_N_DTYPES) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR, 400,
                                    "tensor \"%s\": unknown or unsupported "
                                    "datatype \"%s\"",
                                    mlclf_request_name(shown, t->name),
                                    dtype->valuestring);
    }

    rc = mlclf_v2_tensor_input(ctx, t);
    if (rc != MLCLF_OK) {
        return rc;
    }

    shape = mlclf_v2_member(in, "shape");

    rc = mlclf_v2_shape(ctx, shape, t);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_v2_tensor_data(ctx, mlclf_v2_member(in, "data"),
                                mlclf_v2_member(in, "parameters"), t);
}


/*
 * The model input a tensor names: "features" for all of them at once
 * (a model whose inputs are all numbers, with no input of that name),
 * else one input, each at most once, whose type the datatype fits.
 */
static int
mlclf_v2_tensor_input(mlclf_v2_ctx_t *ctx, mlclf_v2_tensor_t *t)
{
    int32_t              idx;
    uint32_t             i, n;
    const mlclf_model_t  *m;
    char                 shown[MLCLF_REQUEST_NAME_MAX + 8];

    m = ctx->model;
    n = mlclf_model_n_inputs(m);

    idx = mlclf_model_feature_index(m, t->name, strlen(t->name));

    if (idx < 0 && strcmp(t->name, "features") == 0) {
        for (i = 0; i < n; i++) {
            if (mlclf_model_input_type(m, i) != MLCLF_INPUT_NUMBER) {
                break;
            }
        }

        if (i == n) {
            t->input = MLCLF_V2_WHOLE;
            goto numbers;
        }
    }

    if (idx < 0 || (uint32_t) idx >= n) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_UNKNOWN_FEATURE,
                                    400, "unknown input \"%s\"",
                                    mlclf_request_name(shown, t->name));
    }

    if (ctx->given[idx]) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_DUPLICATE_FEATURE,
                                    400, "input \"%s\" appears twice",
                                    mlclf_request_name(shown, t->name));
    }

    ctx->given[idx] = 1;
    t->input = idx;

    if (mlclf_model_input_type(m, (uint32_t) idx) != MLCLF_INPUT_NUMBER) {
        if (t->dtype != MLCLF_V2_BYTES) {
            return mlclf_request_reject(&ctx->rq, MLCLF_REASON_NOT_A_STRING,
                                        400, "tensor \"%s\" is %s: the "
                                        "input takes BYTES",
                                        mlclf_request_name(shown, t->name),
                                        mlclf_v2_dtype_name(t->dtype));
        }

        return MLCLF_OK;
    }

numbers:

    if (t->dtype == MLCLF_V2_BYTES) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_NOT_A_NUMBER, 400,
                                    "tensor \"%s\" is BYTES: the input "
                                    "takes numbers",
                                    mlclf_request_name(shown, t->name));
    }

    return MLCLF_OK;
}


/*
 * [n] or [N, n] for "features" (n the model's inputs), [N] or [N, 1]
 * for one input: whole numbers, their product bounded.
 */
static int
mlclf_v2_shape(mlclf_v2_ctx_t *ctx, const cJSON *shape, mlclf_v2_tensor_t *t)
{
    double        d;
    size_t        dims[2], rank, count;
    const cJSON  *v;
    char          shown[MLCLF_REQUEST_NAME_MAX + 8];

    if (shape == NULL || mlclf_request_type(shape) != cJSON_Array) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR, 400,
                                    "tensor \"%s\" needs a \"shape\" array",
                                    mlclf_request_name(shown, t->name));
    }

    rank = 0;
    count = 1;

    for (v = shape->child; v != NULL; v = v->next) {
        d = mlclf_request_type(v) == cJSON_Number ? v->valuedouble : -1.0;

        if (!(d >= 0.0 && d == floor(d))) {
            return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR,
                                        400, "tensor \"%s\": the shape's "
                                        "dimensions must be whole numbers, "
                                        "0 or more",
                                        mlclf_request_name(shown, t->name));
        }

        if (rank == 2) {
            goto rank;
        }

        if (d > (double) MLCLF_V2_MAX_COUNT
            || (d > 0.0 && count > MLCLF_V2_MAX_COUNT / (size_t) d))
        {
            return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR,
                                        400, "tensor \"%s\": the shape holds "
                                        "too many values",
                                        mlclf_request_name(shown, t->name));
        }

        dims[rank++] = (size_t) d;
        count *= (size_t) d;
    }

    if (rank == 0) {
        goto rank;
    }

    t->count = count;

    if (t->input == MLCLF_V2_WHOLE) {
        t->rows = rank == 2 ? dims[0] : 1;
        t->cols = dims[rank - 1];

        if (t->cols != mlclf_model_n_inputs(ctx->model)) {
            return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_SHAPE, 400,
                                        "expected %u features, got %zu",
                                        mlclf_model_n_inputs(ctx->model),
                                        t->cols);
        }

        return MLCLF_OK;
    }

    t->rows = dims[0];
    t->cols = 1;

    if (rank == 1 || dims[1] == 1) {
        return MLCLF_OK;
    }

rank:

    return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR, 400,
                                "tensor \"%s\": expected the shape %s",
                                mlclf_request_name(shown, t->name),
                                t->input == MLCLF_V2_WHOLE
                                ? "[N, n_features] or [n_features]"
                                : "[N] or [N, 1]");
}


/* JSON "data", or "binary_data_size" bytes of the binary part. */
static int
mlclf_v2_tensor_data(mlclf_v2_ctx_t *ctx, const cJSON *data,
    const cJSON *params, mlclf_v2_tensor_t *t)
{
    int           rc;
    double        d;
    size_t        count;
    const cJSON  *size;
    char          shown[MLCLF_REQUEST_NAME_MAX + 8];

    size = NULL;

    if (params != NULL && mlclf_request_type(params) == cJSON_Object) {
        size = mlclf_v2_member(params, "binary_data_size");

    } else if (params != NULL && mlclf_request_type(params) != cJSON_NULL) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "tensor \"%s\": \"parameters\" must be "
                                    "an object",
                                    mlclf_request_name(shown, t->name));
    }

    if (size != NULL && data != NULL) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR, 400,
                                    "tensor \"%s\" has both \"data\" and "
                                    "binary_data_size",
                                    mlclf_request_name(shown, t->name));
    }

    if (data != NULL) {
        t->data = data;

        rc = mlclf_v2_data_count(&ctx->rq, t, &count);
        if (rc != MLCLF_OK) {
            return rc;
        }

        if (count != t->count) {
            return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR,
                                        400, "tensor \"%s\": its shape holds "
                                        "%zu values, its data %zu",
                                        mlclf_request_name(shown, t->name),
                                        t->count, count);
        }

        return MLCLF_OK;
    }

    if (size == NULL) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR, 400,
                                    "tensor \"%s\" has no \"data\" and no "
                                    "binary_data_size",
                                    mlclf_request_name(shown, t->name));
    }

    d = mlclf_request_type(size) == cJSON_Number ? size->valuedouble : -1.0;

    if (!(d >= 0.0 && d == floor(d))) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR, 400,
                                    "tensor \"%s\": binary_data_size must be "
                                    "a whole number, 0 or more",
                                    mlclf_request_name(shown, t->name));
    }

    if (d > (double) (ctx->bin_len - ctx->bin_used)) {
        return mlclf_request_reject(&ctx->rq, MLCLF_REASON_BAD_TENSOR, 400,
                                    "tensor \"%s\": binary_data_size %.0f "
                                    "overruns the binary data (%zu bytes "
                                    "left of %zu)",
                                    mlclf_request_name(shown, t->name), d,
                                    ctx->bin_len - ctx->bin_used,
                                    ctx->bin_len);
    }

    t->bin = ctx->bin + ctx->bin_used;
    t->bin_size = (size_t) d;
    ctx->bin_used += t->bin_size;

    return mlclf_v2_binary_check(&ctx->rq, t);
}


/*
 * A model of numbers: rows of doubles, as /predict's fast path leaves
 * them, each value checked as its array or object row would be.
 */
static int
mlclf_v2_dense(mlclf_v2_ctx_t *ctx)
{
    int                  rc;
    double              *x;
    size_t               nf, i, r, c, col;
    mlclf_request_t     *req;
    mlclf_v2_value_t     v;
    mlclf_v2_cursor_t    cur;
    mlclf_v2_tensor_t   *t;
    char                 label[MLCLF_REQUEST_NAME_MAX + 32];

    req = &ctx->v2->req;
    nf = mlclf_model_n_features(ctx->model);

    if (ctx->n_rows * nf <= MLCLF_REQUEST_LOCAL) {
        x = req->local;

    } else {
        x = malloc(ctx->n_rows * nf * sizeof(double));
        if (x == NULL) {
            return mlclf_err_set(ctx->rq.err, MLCLF_ENOMEM,
                                 "cannot allocate %zu rows", ctx->n_rows);
        }
    }

    req->root = x;
    req->rows = x;
    req->dense = 1;

    rc = mlclf_v2_dense_absent(ctx, x);
    if (rc != MLCLF_OK) {
        return rc;
    }

    ctx->rq.batch = 1;

    for (i = 0; i < ctx->n_tensors; i++) {
        t = &ctx->tensors[i];

        mlclf_v2_cursor_init(&cur, t);

        for (r = 0; r < t->rows; r++) {
            ctx->rq.row = r;

            for (c = 0; c < t->cols; c++) {
                rc = mlclf_v2_cursor_next(&ctx->rq, &cur, c, &v);
                if (rc != MLCLF_OK) {
                    return rc;
                }

                col = t->input == MLCLF_V2_WHOLE ? c : (size_t) t->input;

                if (v.kind == MLCLF_V2_NUMBER) {
                    x[r * nf + col] = v.num;
                    continue;
                }

                if (!ctx->rq.missing_ok) {
                    return mlclf_request_reject(&ctx->rq,
                                                MLCLF_REASON_MISSING_VALUE,
                                                400, "%s is null and the "
                                                "model has no value to "
                                                "impute",
                                                mlclf_v2_label(label,
                                                    sizeof(label), t, c));
                }

                /* as mlclf_request_fill() fills a null, and marked */
                x[r * nf + col] = ctx->rq.impute ? ctx->rq.impute[col] : NAN;

                rc = mlclf_request_set_missing(req, r * nf + col,
                                               ctx->n_rows * nf, ctx->rq.err);
                if (rc != MLCLF_OK) {
                    return rc;
                }
            }
        }
    }

    req->n_rows = ctx->n_rows;
    req->batch = 1;

    return MLCLF_OK;
}


/*
 * The features no tensor gives: imputed (NaN for a model that routes
 * missing values) in every row, or the request is refused as /predict
 * refuses an object row without them.
 */
static int
mlclf_v2_dense_absent(mlclf_v2_ctx_t *ctx, double *x)
{
    int      rc;
    size_t   nf, i, r;
    double   none;
    char     name[MLCLF_REQUEST_NAME_MAX + 8];

    if (ctx->tensors[0].input == MLCLF_V2_WHOLE) {
        return MLCLF_OK;
    }

    nf = mlclf_model_n_features(ctx->model);
    none = mlclf_model_routes_missing(ctx->model) ? NAN : 0.0;

    for (i = 0; i < nf; i++) {
        if (ctx->given[i]) {
            continue;
        }

        if (!ctx->rq.missing_ok) {
            return mlclf_request_reject(&ctx->rq,
                                        MLCLF_REASON_MISSING_FEATURE, 400,
                                        "feature \"%s\" is missing",
                                        mlclf_request_name(name,
                                            mlclf_model_feature_name(
                                                ctx->model, (uint32_t) i)));
        }

        for (r = 0; r < ctx->n_rows; r++) {
            x[r * nf + i] = ctx->rq.impute ? ctx->rq.impute[i] : none;

            rc = mlclf_request_set_missing(&ctx->v2->req, r * nf + i,
                                           ctx->n_rows * nf, ctx->rq.err);
            if (rc != MLCLF_OK) {
                return rc;
            }
        }
    }

    return MLCLF_OK;
}


/*
 * A model with inputs: {"instances": [...]}'s tree, array rows for
 * "features", else object rows named by the tensors, checked and
 * scored by /predict's own code.
 */
static int
mlclf_v2_tree(mlclf_v2_ctx_t *ctx)
{
    int               rc;
    size_t            i, r;
    cJSON            *rows, **row;
    mlclf_request_t  *req;

    req = &ctx->v2->req;

    rows = cJSON_CreateArray();
    row = malloc(ctx->n_rows * sizeof(cJSON *));

    if (rows == NULL || row == NULL) {
        cJSON_Delete(rows);
        free(row);
        return mlclf_err_set(ctx->rq.err, MLCLF_ENOMEM,
                             "cannot allocate %zu rows", ctx->n_rows);
    }

    req->root = rows;

    rc = MLCLF_OK;

    for (r = 0; r < ctx->n_rows; r++) {
        row[r] = ctx->tensors[0].input == MLCLF_V2_WHOLE
                 ? cJSON_CreateArray() : cJSON_CreateObject();

        if (row[r] == NULL || !cJSON_AddItemToArray(rows, row[r])) {
            cJSON_Delete(row[r]);
            rc = mlclf_err_set(ctx->rq.err, MLCLF_ENOMEM,
                               "cannot allocate %zu rows", ctx->n_rows);
            break;
        }
    }

    for (i = 0; rc == MLCLF_OK && i < ctx->n_tensors; i++) {
        rc = mlclf_v2_tree_tensor(ctx, &ctx->tensors[i], row);
    }

    free(row);

    if (rc != MLCLF_OK) {
        return rc;
    }

    ctx->rq.batch = 0;
    ctx->rq.row = 0;

    return mlclf_request_check_rows(&ctx->rq, NULL, rows);
}


static int
mlclf_v2_tree_tensor(mlclf_v2_ctx_t *ctx, const mlclf_v2_tensor_t *t,
    cJSON **rows)
{
    int                 rc;
    size_t              r, c;
    cJSON              *node;
    mlclf_v2_value_t    v;
    mlclf_v2_cursor_t   cur;

    mlclf_v2_cursor_init(&cur, t);

    ctx->rq.batch = 1;

    for (r = 0; r < t->rows; r++) {
        ctx->rq.row = r;

        for (c = 0; c < t->cols; c++) {
            rc = mlclf_v2_cursor_next(&ctx->rq, &cur, c, &v);
            if (rc != MLCLF_OK) {
                return rc;
            }

            node = mlclf_v2_value_node(&v);

            if (node == NULL) {
                return mlclf_err_set(ctx->rq.err, MLCLF_ENOMEM,
                                     "cannot allocate a value of %zu bytes",
                                     v.len);
            }

            if (t->input == MLCLF_V2_WHOLE) {
                (void) cJSON_AddItemToArray(rows[r], node);

            } else {
                /* the name stays in v2->json, freed after the rows */
                (void) cJSON_AddItemToObjectCS(rows[r], t->name, node);
            }
        }
    }

    return MLCLF_OK;
}


void
mlclf_v2_request_free(mlclf_v2_request_t *v2)
{
    if (v2 == NULL) {
        return;
    }

    mlclf_request_free(&v2->req);

    if (v2->json != NULL) {
        cJSON_Delete(v2->json);
        v2->json = NULL;
    }

    v2->id = NULL;
}
