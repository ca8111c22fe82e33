/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: the tensors of a V2 infer request (KServe's Open
 * Inference Protocol, docs/kserve.md), shared by the request parser
 * (mlclf_v2_request.c) and the readers of tensor values
 * (mlclf_v2_tensor.c).
 */


#ifndef _MLCLF_V2_H_INCLUDED_
#define _MLCLF_V2_H_INCLUDED_


#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_request.h"


/* the datatypes of the protocol that the parser takes, in its table */
typedef enum {
    MLCLF_V2_BOOL = 0,
    MLCLF_V2_UINT8,
    MLCLF_V2_UINT16,
    MLCLF_V2_UINT32,
    MLCLF_V2_UINT64,
    MLCLF_V2_INT8,
    MLCLF_V2_INT16,
    MLCLF_V2_INT32,
    MLCLF_V2_INT64,
    MLCLF_V2_FP32,
    MLCLF_V2_FP64,
    MLCLF_V2_BYTES,
    MLCLF_V2_N_DTYPES
} mlclf_v2_dtype_e;

/* nesting of a tensor's JSON "data" the reader follows */
#define MLCLF_V2_DATA_DEPTH       32

/* bytes of a value's name in messages: "feature \"<name>\"" */
#define MLCLF_V2_LABEL_LEN        (MLCLF_REQUEST_NAME_MAX + 32)

/* input index of the one tensor of every feature, "features" */
#define MLCLF_V2_WHOLE            -1


typedef struct {
    const char               *name;         /* the request's, in json */
    const cJSON              *data;         /* JSON data, or NULL */
    const unsigned char      *bin;          /* binary data, or NULL */
    size_t                    bin_size;
    size_t                    count;        /* elements: the shape's
                                               product */
    size_t                    rows;         /* N */
    size_t                    cols;         /* values of one row */
    int32_t                   input;        /* or MLCLF_V2_WHOLE */
    mlclf_v2_dtype_e          dtype;
} mlclf_v2_tensor_t;


/* One value of a tensor, as the row builders take it. */
typedef enum {
    MLCLF_V2_NUMBER = 0,
    MLCLF_V2_NULL,
    MLCLF_V2_STRING
} mlclf_v2_kind_e;

typedef struct {
    mlclf_v2_kind_e           kind;
    double                    num;
    const char               *str;          /* len bytes, no NUL in them */
    size_t                    len;
    const cJSON              *item;         /* a JSON string, or NULL */
} mlclf_v2_value_t;


/* Reads a tensor's values in row-major order. */
typedef struct {
    const mlclf_v2_tensor_t  *tensor;
    const cJSON              *stack[MLCLF_V2_DATA_DEPTH + 1];
    size_t                    depth;
    const unsigned char      *p;            /* binary: the next value */
    const unsigned char      *end;
} mlclf_v2_cursor_t;


/*
 * The fast path of mlclf_v2_request_parse() (mlclf_v2_fast.c): one
 * "features" tensor of FP64 or FP32 JSON numbers, read into dense rows;
 * MLCLF_EREQUEST for any other body, which the full parser then reads,
 * with v2 untouched but for req.local[].
 */
int mlclf_v2_request_fast(mlclf_v2_request_t *v2, const mlclf_model_t *m,
    const char *body, size_t len, size_t max_rows, size_t max_depth);

/* The datatype called name, or MLCLF_V2_N_DTYPES. */
mlclf_v2_dtype_e mlclf_v2_dtype(const char *name);

/* Its name: "FP64", ... */
const char *mlclf_v2_dtype_name(mlclf_v2_dtype_e dtype);

/*
 * The leaves of a tensor's JSON "data" (arrays nested at most
 * MLCLF_V2_DATA_DEPTH deep) in *count; MLCLF_EREQUEST (bad_tensor) past
 * that depth or for a "data" that is not an array.
 */
int mlclf_v2_data_count(mlclf_request_ctx_t *ctx, const mlclf_v2_tensor_t *t,
    size_t *count);

/*
 * Checks a tensor's binary data against its shape: the size of count
 * fixed-size values, or for BYTES count length-prefixed strings that
 * fill it exactly.  MLCLF_EREQUEST (bad_tensor) otherwise.
 */
int mlclf_v2_binary_check(mlclf_request_ctx_t *ctx,
    const mlclf_v2_tensor_t *t);

void mlclf_v2_cursor_init(mlclf_v2_cursor_t *cur, const mlclf_v2_tensor_t *t);

/*
 * The next value of a tensor whose count, shape and binary size were
 * checked, converted by its datatype and checked as /predict checks a
 * number (non_finite) plus the datatype's range (bad_tensor); strings
 * are checked for NUL bytes and UTF-8 (bad_text).  Messages name the
 * value by its column col in the row ctx->row.
 */
int mlclf_v2_cursor_next(mlclf_request_ctx_t *ctx, mlclf_v2_cursor_t *cur,
    size_t col, mlclf_v2_value_t *v);

/*
 * The name of column col of t in messages, as /predict names values:
 * "feature 3" in "features", else "feature \"<name>\"".  buf has
 * MLCLF_V2_LABEL_LEN bytes.
 */
const char *mlclf_v2_label(char *buf, size_t size,
    const mlclf_v2_tensor_t *t, size_t col);

/*
 * A value as the node a /predict row would hold: a number, null, or a
 * string (a reference to a JSON string, a copy of a binary one); NULL
 * if it cannot be allocated.
 */
cJSON *mlclf_v2_value_node(const mlclf_v2_value_t *v);


/* The member called name of an object (the first one), or NULL. */
const cJSON *mlclf_v2_member(const cJSON *obj, const char *name);

/*
 * mlclf_v2_outputs.c: the request's "parameters" (binary_data_output
 * into *binary, explain into v2->req.explain), then its "outputs" into
 * v2->outputs (none named: probabilities and label), the explanation
 * output added when explain is true; 400 bad_shape for what is not as
 * docs/kserve.md has it.
 */
int mlclf_v2_parameters(mlclf_request_ctx_t *rq, mlclf_v2_request_t *v2,
    const cJSON *params, unsigned *binary);
int mlclf_v2_outputs(mlclf_request_ctx_t *rq, mlclf_v2_request_t *v2,
    const cJSON *outputs, unsigned binary);


#endif /* _MLCLF_V2_H_INCLUDED_ */
