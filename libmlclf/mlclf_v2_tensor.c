/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The values of V2 tensors (KServe's Open Inference Protocol): the
 * datatypes, JSON "data" flat or nested in row-major order, and binary
 * tensor data (little-endian numbers, length-prefixed BYTES), each value
 * converted to a double or a string and checked.
 */


#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_json.h"
#include "mlclf_request.h"
#include "mlclf_v2.h"


/*
 * A datatype: the bytes of one binary value (0: BYTES), and for the
 * integers their range [lo, hi), hi exclusive so that the 64-bit ones
 * are exact doubles.
 */
typedef struct {
    const char               *name;
    size_t                    size;
    unsigned                  integer:1;
    unsigned                  sign:1;
    double                    lo;
    double                    hi;
} mlclf_v2_dtype_t;


static int mlclf_v2_count(const cJSON *a, size_t depth, size_t *count);
static int mlclf_v2_json_value(mlclf_request_ctx_t *ctx,
    mlclf_v2_cursor_t *cur, size_t col, mlclf_v2_value_t *v);
static int mlclf_v2_binary_value(mlclf_request_ctx_t *ctx,
    mlclf_v2_cursor_t *cur, size_t col, mlclf_v2_value_t *v);
static int mlclf_v2_number(mlclf_request_ctx_t *ctx, mlclf_v2_cursor_t *cur,
    size_t col, double d);
static uint64_t mlclf_v2_le(const unsigned char *p, size_t n);


static const mlclf_v2_dtype_t  mlclf_v2_dtypes[MLCLF_V2_N_DTYPES] = {
    { "BOOL", 1, 1, 0, 0.0, 2.0 },
    { "UINT8", 1, 1, 0, 0.0, 256.0 },
    { "UINT16", 2, 1, 0, 0.0, 65536.0 },
    { "UINT32", 4, 1, 0, 0.0, 4294967296.0 },
    { "UINT64", 8, 1, 0, 0.0, 18446744073709551616.0 },
    { "INT8", 1, 1, 1, -128.0, 128.0 },
    { "INT16", 2, 1, 1, -32768.0, 32768.0 },
    { "INT32", 4, 1, 1, -2147483648.0, 2147483648.0 },
    { "INT64", 8, 1, 1, -9223372036854775808.0, 9223372036854775808.0 },
    { "FP32", 4, 0, 1, -FLT_MAX, FLT_MAX },
    { "FP64", 8, 0, 1, -DBL_MAX, DBL_MAX },
    { "BYTES", 0, 0, 0, 0.0, 0.0 }
};


mlclf_v2_dtype_e
mlclf_v2_dtype(const char *name)
{
    unsigned  i;

    for (i = 0; i < MLCLF_V2_N_DTYPES; i++) {
        if (strcmp(name, mlclf_v2_dtypes[i].name) == 0) {
            return (mlclf_v2_dtype_e) i;
        }
    }

    return MLCLF_V2_N_DTYPES;
}


const char *
mlclf_v2_dtype_name(mlclf_v2_dtype_e dtype)
{
    return dtype < MLCLF_V2_N_DTYPES ? mlclf_v2_dtypes[dtype].name : "";
}


int
mlclf_v2_data_count(mlclf_request_ctx_t *ctx, const mlclf_v2_tensor_t *t,
    size_t *count)
{
    char  name[MLCLF_REQUEST_NAME_MAX + 8];

    *count = 0;

    if (mlclf_request_type(t->data) != cJSON_Array) {
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TENSOR, 400,
                                    "tensor \"%s\": \"data\" must be an "
                                    "array",
                                    mlclf_request_name(name, t->name));
    }

    if (mlclf_v2_count(t->data, 1, count) != MLCLF_OK) {
        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TENSOR, 400,
                                    "tensor \"%s\": \"data\" is nested "
                                    "deeper than %d",
                                    mlclf_request_name(name, t->name),
                                    MLCLF_V2_DATA_DEPTH);
    }

    return MLCLF_OK;
}


static int
mlclf_v2_count(const cJSON *a, size_t depth, size_t *count)
{
    const cJSON  *v;

    if (depth > MLCLF_V2_DATA_DEPTH) {
        return MLCLF_EREQUEST;
    }

    for (v = a->child; v != NULL; v = v->next) {
        if (mlclf_request_type(v) != cJSON_Array) {
            (*count)++;
            continue;
        }

        if (mlclf_v2_count(v, depth + 1, count) != MLCLF_OK) {
            return MLCLF_EREQUEST;
        }
    }

    return MLCLF_OK;
}


int
mlclf_v2_binary_check(mlclf_request_ctx_t *ctx, const mlclf_v2_tensor_t *t)
{
    size_t                size, n, k;
    const unsigned char  *p, *end;
    char                  name[MLCLF_REQUEST_NAME_MAX + 8];

    size = mlclf_v2_dtypes[t->dtype].size;

    if (size != 0) {
        if (t->bin_size / size != t->count || t->bin_size % size != 0) {
            return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TENSOR, 400,
                                        "tensor \"%s\": binary_data_size "
                                        "%zu is not %zu %s values",
                                        mlclf_request_name(name, t->name),
                                        t->bin_size, t->count,
                                        mlclf_v2_dtypes[t->dtype].name);
        }

        return MLCLF_OK;
    }

    p = t->bin;
    end = p + t->bin_size;

    for (n = 0; p < end; n++) {
        if (end - p < 4) {
            goto bad;
        }

        k = (size_t) mlclf_v2_le(p, 4);
        p += 4;

        if ((size_t) (end - p) < k) {
            goto bad;
        }

        p += k;
    }

    if (n == t->count) {
        return MLCLF_OK;
    }

    return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TENSOR, 400,
                                "tensor \"%s\": binary data holds %zu "
                                "BYTES values, the shape %zu",
                                mlclf_request_name(name, t->name), n,
                                t->count);

bad:

    return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TENSOR, 400,
                                "tensor \"%s\": BYTES value %zu overruns "
                                "its binary_data_size of %zu",
                                mlclf_request_name(name, t->name), n,
                                t->bin_size);
}


void
mlclf_v2_cursor_init(mlclf_v2_cursor_t *cur, const mlclf_v2_tensor_t *t)
{
    cur->tensor = t;
    cur->depth = 0;
    cur->p = t->bin;
    cur->end = t->bin + t->bin_size;

    if (t->data != NULL) {
        cur->stack[0] = t->data->child;
        cur->depth = 1;
    }
}


int
mlclf_v2_cursor_next(mlclf_request_ctx_t *ctx, mlclf_v2_cursor_t *cur,
    size_t col, mlclf_v2_value_t *v)
{
    v->kind = MLCLF_V2_NUMBER;
    v->num = 0.0;
    v->str = NULL;
    v->len = 0;
    v->item = NULL;

    if (cur->tensor->bin != NULL) {
        return mlclf_v2_binary_value(ctx, cur, col, v);
    }

    return mlclf_v2_json_value(ctx, cur, col, v);
}


static int
mlclf_v2_json_value(mlclf_request_ctx_t *ctx, mlclf_v2_cursor_t *cur,
    size_t col, mlclf_v2_value_t *v)
{
    int                type;
    const cJSON       *item;
    mlclf_v2_dtype_e   dtype;
    char               label[MLCLF_V2_LABEL_LEN];

    dtype = cur->tensor->dtype;
    item = NULL;

    /* the next leaf, depth first: the count bounded the nesting */

    while (cur->depth > 0) {
        item = cur->stack[cur->depth - 1];

        if (item == NULL) {
            cur->depth--;
            continue;
        }

        cur->stack[cur->depth - 1] = item->next;

        if (mlclf_request_type(item) != cJSON_Array) {
            break;
        }

        if (cur->depth > MLCLF_V2_DATA_DEPTH) {
            return mlclf_err_set(ctx->err, MLCLF_EINVAL,
                                 "tensor data deeper than counted");
        }

        cur->stack[cur->depth++] = item->child;
        item = NULL;
    }

    if (item == NULL) {
        return mlclf_err_set(ctx->err, MLCLF_EINVAL,
                             "tensor data shorter than counted");
    }

    type = mlclf_request_type(item);

    if (type == cJSON_NULL) {
        v->kind = MLCLF_V2_NULL;
        return MLCLF_OK;
    }

    if (dtype == MLCLF_V2_BYTES) {
        if (type != cJSON_String) {
            return mlclf_request_reject(ctx, MLCLF_REASON_NOT_A_STRING, 400,
                                        "%s is not a string",
                                        mlclf_v2_label(label, sizeof(label),
                                                       cur->tensor, col));
        }

        v->kind = MLCLF_V2_STRING;
        v->item = item;
        v->str = item->valuestring;
        v->len = strlen(item->valuestring);

        return MLCLF_OK;
    }

    if (dtype == MLCLF_V2_BOOL) {
        if (type != cJSON_True && type != cJSON_False) {
            return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TENSOR, 400,
                                        "%s is not true or false, as BOOL "
                                        "data must be",
                                        mlclf_v2_label(label, sizeof(label),
                                                       cur->tensor, col));
        }

        v->num = type == cJSON_True ? 1.0 : 0.0;

        return MLCLF_OK;
    }

    if (type != cJSON_Number) {
        return mlclf_request_reject(ctx, MLCLF_REASON_NOT_A_NUMBER, 400,
                                    "%s is not a number",
                                    mlclf_v2_label(label, sizeof(label),
                                                   cur->tensor, col));
    }

    v->num = item->valuedouble;

    return mlclf_v2_number(ctx, cur, col, v->num);
}


/* A JSON number against its datatype: finite, integral, in range. */
static int
mlclf_v2_number(mlclf_request_ctx_t *ctx, mlclf_v2_cursor_t *cur, size_t col,
    double d)
{
    const char              *label;
    const mlclf_v2_dtype_t  *dt;
    char                     num[32], buf[MLCLF_V2_LABEL_LEN];

    dt = &mlclf_v2_dtypes[cur->tensor->dtype];

    if (isfinite(d) && (dt->integer ? d == floor(d) && d >= dt->lo
                                      && d < dt->hi
                                    : d >= dt->lo && d <= dt->hi))
    {
        return MLCLF_OK;
    }

    label = mlclf_v2_label(buf, sizeof(buf), cur->tensor, col);

    if (!isfinite(d)) {
        return mlclf_request_reject(ctx, MLCLF_REASON_NON_FINITE, 400,
                                    "%s is not finite", label);
    }

    if (dt->integer && (d != floor(d) || d < dt->lo || d >= dt->hi)) {
        num[mlclf_double_format(num, d)] = '\0';

        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TENSOR, 400,
                                    "%s: %s is not a value of %s", label, num,
                                    dt->name);
    }

    if (!dt->integer && (d < dt->lo || d > dt->hi)) {
        num[mlclf_double_format(num, d)] = '\0';

        return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TENSOR, 400,
                                    "%s: %s is out of the range of %s",
                                    label, num, dt->name);
    }

    return MLCLF_OK;
}


static int
mlclf_v2_binary_value(mlclf_request_ctx_t *ctx, mlclf_v2_cursor_t *cur,
    size_t col, mlclf_v2_value_t *v)
{
    float                    f;
    double                   d;
    size_t                   size;
    uint64_t                 u;
    uint32_t                 u32;
    const mlclf_v2_dtype_t  *dt;
    char                     label[MLCLF_V2_LABEL_LEN];

    dt = &mlclf_v2_dtypes[cur->tensor->dtype];
    size = dt->size;

    if (size == 0) {
        size = (size_t) mlclf_v2_le(cur->p, 4);

        v->kind = MLCLF_V2_STRING;
        v->str = (const char *) cur->p + 4;
        v->len = size;
        cur->p += 4 + size;

        if (memchr(v->str, '\0', size) != NULL) {
            return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TEXT, 400,
                                        "%s has a NUL byte",
                                        mlclf_v2_label(label, sizeof(label),
                                                       cur->tensor, col));
        }

        if (!mlclf_json_utf8(v->str, size)) {
            return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TEXT, 400,
                                        "%s is not valid UTF-8",
                                        mlclf_v2_label(label, sizeof(label),
                                                       cur->tensor, col));
        }

        return MLCLF_OK;
    }

    u = mlclf_v2_le(cur->p, size);
    cur->p += size;

    switch (cur->tensor->dtype) {

    case MLCLF_V2_BOOL:
        if (u > 1) {
            return mlclf_request_reject(ctx, MLCLF_REASON_BAD_TENSOR, 400,
                                        "%s: BOOL byte %u is not 0 or 1",
                                        mlclf_v2_label(label, sizeof(label),
                                                       cur->tensor, col),
                                        (unsigned) u);
        }

        d = (double) u;
        break;

    case MLCLF_V2_INT8:
    case MLCLF_V2_INT16:
    case MLCLF_V2_INT32:
    case MLCLF_V2_INT64:
        /* sign-extend from the value's width */
        if (size < 8 && (u >> (size * 8 - 1)) != 0) {
            u |= ~(uint64_t) 0 << (size * 8);
        }

        d = (double) (int64_t) u;
        break;

    case MLCLF_V2_FP32:
        u32 = (uint32_t) u;
        memcpy(&f, &u32, sizeof(f));
        d = f;
        break;

    case MLCLF_V2_FP64:
        memcpy(&d, &u, sizeof(d));
        break;

    default:
        d = (double) u;
        break;
    }

    if (!isfinite(d)) {
        return mlclf_request_reject(ctx, MLCLF_REASON_NON_FINITE, 400,
                                    "%s is not finite",
                                    mlclf_v2_label(label, sizeof(label),
                                                   cur->tensor, col));
    }

    v->num = d;

    return MLCLF_OK;
}


const char *
mlclf_v2_label(char *buf, size_t size, const mlclf_v2_tensor_t *t,
    size_t col)
{
    char  name[MLCLF_REQUEST_NAME_MAX + 8];

    if (t->input == MLCLF_V2_WHOLE) {
        (void) snprintf(buf, size, "feature %zu", col);

    } else {
        (void) snprintf(buf, size, "feature \"%s\"",
                        mlclf_request_name(name, t->name));
    }

    return buf;
}


/* A value as the node a /predict row would hold. */
cJSON *
mlclf_v2_value_node(const mlclf_v2_value_t *v)
{
    char   *s;
    cJSON  *node;

    if (v->kind == MLCLF_V2_NUMBER) {
        return cJSON_CreateNumber(v->num);
    }

    if (v->kind == MLCLF_V2_NULL) {
        return cJSON_CreateNull();
    }

    if (v->item != NULL) {
        return cJSON_CreateStringReference(v->item->valuestring);
    }

    /* binary BYTES: their own NUL-terminated copy */

    s = malloc(v->len + 1);
    if (s == NULL) {
        return NULL;
    }

    memcpy(s, v->str, v->len);
    s[v->len] = '\0';

    node = cJSON_CreateString(s);

    free(s);

    return node;
}


/* n little-endian bytes at p, whatever the host's order. */
static uint64_t
mlclf_v2_le(const unsigned char *p, size_t n)
{
    size_t    i;
    uint64_t  u;

    u = 0;

    for (i = n; i > 0; i--) {
        u = (u << 8) | p[i - 1];
    }

    return u;
}
