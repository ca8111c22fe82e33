
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * KServe's Open Inference Protocol (V2): what an infer request asks of
 * its reply, its "parameters" (binary_data_output, explain) and its
 * "outputs" (docs/kserve.md), for mlclf_v2_request.c.
 */


#include <math.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_request.h"
#include "mlclf_v2.h"


static int mlclf_v2_output(mlclf_request_ctx_t *rq, mlclf_v2_request_t *v2,
    const cJSON *out, unsigned binary);
static void mlclf_v2_explanation(mlclf_v2_request_t *v2, unsigned binary);


/*
 * The request's "parameters": binary_data_output and explain, booleans;
 * the rest is ignored.
 */
int
mlclf_v2_parameters(mlclf_request_ctx_t *rq, mlclf_v2_request_t *v2,
    const cJSON *params, unsigned *binary)
{
    int           type;
    const cJSON  *v;

    *binary = 0;

    if (params == NULL || mlclf_request_type(params) == cJSON_NULL) {
        return MLCLF_OK;
    }

    if (mlclf_request_type(params) != cJSON_Object) {
        return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "\"parameters\" must be an object");
    }

    v = mlclf_v2_member(params, "explain");

    if (v != NULL) {
        type = mlclf_request_type(v);

        if (type != cJSON_True && type != cJSON_False) {
            return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE, 400,
                                        "\"explain\" must be true or false");
        }

        v2->req.explain = type == cJSON_True;
    }

    v = mlclf_v2_member(params, "binary_data_output");

    if (v == NULL) {
        return MLCLF_OK;
    }

    type = mlclf_request_type(v);

    if (type != cJSON_True && type != cJSON_False) {
        return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "\"binary_data_output\" must be true or "
                                    "false");
    }

    *binary = type == cJSON_True;

    return MLCLF_OK;
}


int
mlclf_v2_outputs(mlclf_request_ctx_t *rq, mlclf_v2_request_t *v2,
    const cJSON *outputs, unsigned binary)
{
    int                  rc;
    size_t               i;
    const cJSON         *out;
    mlclf_v2_output_t   *o;

    if (outputs != NULL && mlclf_request_type(outputs) != cJSON_NULL) {
        if (mlclf_request_type(outputs) != cJSON_Array) {
            return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE,
                                        400, "\"outputs\" must be an array");
        }

        for (out = outputs->child; out != NULL; out = out->next) {
            rc = mlclf_v2_output(rq, v2, out, binary);
            if (rc != MLCLF_OK) {
                return rc;
            }
        }

        if (outputs->child != NULL) {
            mlclf_v2_explanation(v2, binary);
            return MLCLF_OK;
        }
    }

    /* no outputs named: probabilities and label */

    for (i = 0; i <= MLCLF_V2_OUT_LABEL; i++) {
        o = &v2->outputs[i];
        o->wanted = 1;
        o->binary = binary;
        o->classification = 0;
    }

    mlclf_v2_explanation(v2, binary);

    return MLCLF_OK;
}


/* "explain": true adds the explanation output, unless it was named. */
static void
mlclf_v2_explanation(mlclf_v2_request_t *v2, unsigned binary)
{
    mlclf_v2_output_t  *o;

    o = &v2->outputs[MLCLF_V2_OUT_EXPLANATION];

    if (v2->req.explain && !o->wanted) {
        o->wanted = 1;
        o->binary = binary;
        o->classification = 0;
    }
}


static int
mlclf_v2_output(mlclf_request_ctx_t *rq, mlclf_v2_request_t *v2,
    const cJSON *out, unsigned binary)
{
    int                  type;
    double               k;
    uint32_t             n;
    const cJSON         *name, *params, *v;
    mlclf_v2_output_t   *o;
    char                 shown[MLCLF_REQUEST_NAME_MAX + 8];

    name = mlclf_request_type(out) == cJSON_Object
           ? mlclf_v2_member(out, "name") : NULL;

    if (name == NULL || mlclf_request_type(name) != cJSON_String) {
        return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "each output must be an object with a "
                                    "\"name\" string");
    }

    if (strcmp(name->valuestring, "probabilities") == 0) {
        o = &v2->outputs[MLCLF_V2_OUT_PROBABILITIES];

    } else if (strcmp(name->valuestring, "label") == 0) {
        o = &v2->outputs[MLCLF_V2_OUT_LABEL];

    } else if (strcmp(name->valuestring, "explanation") == 0) {
        o = &v2->outputs[MLCLF_V2_OUT_EXPLANATION];
        v2->req.explain = 1;

    } else {
        return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "unknown output \"%s\" (the outputs are "
                                    "\"probabilities\", \"label\" and "
                                    "\"explanation\")",
                                    mlclf_request_name(shown,
                                                       name->valuestring));
    }

    if (o->wanted) {
        return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "output \"%s\" is asked for twice",
                                    name->valuestring);
    }

    o->wanted = 1;
    o->binary = binary;
    o->classification = 0;

    params = mlclf_v2_member(out, "parameters");

    if (params == NULL || mlclf_request_type(params) == cJSON_NULL) {
        return MLCLF_OK;
    }

    if (mlclf_request_type(params) != cJSON_Object) {
        return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "output \"%s\": \"parameters\" must be "
                                    "an object", name->valuestring);
    }

    v = mlclf_v2_member(params, "binary_data");

    if (v != NULL) {
        type = mlclf_request_type(v);

        if (type != cJSON_True && type != cJSON_False) {
            return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE,
                                        400, "output \"%s\": \"binary_data\" "
                                        "must be true or false",
                                        name->valuestring);
        }

        o->binary = type == cJSON_True;
    }

    v = mlclf_v2_member(params, "classification");

    if (v == NULL) {
        return MLCLF_OK;
    }

    if (o == &v2->outputs[MLCLF_V2_OUT_EXPLANATION]) {
        return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "output \"explanation\" takes no "
                                    "\"classification\"");
    }

    n = mlclf_model_n_classes(rq->model);
    k = mlclf_request_type(v) == cJSON_Number ? v->valuedouble : 0.0;

    if (!(k >= 1.0 && k <= (double) n && k == floor(k))) {
        return mlclf_request_reject(rq, MLCLF_REASON_BAD_SHAPE, 400,
                                    "output \"%s\": \"classification\" must "
                                    "be a whole number from 1 to %u",
                                    name->valuestring, (unsigned) n);
    }

    o->classification = (uint32_t) k;

    return MLCLF_OK;
}
