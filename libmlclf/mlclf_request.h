
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: what mlclf_reply.c takes from mlclf_request.c.
 */


#ifndef _MLCLF_REQUEST_H_INCLUDED_
#define _MLCLF_REQUEST_H_INCLUDED_


#include <cjson/cJSON.h>

#include "mlclf.h"


/*
 * x[n_features] from one validated row of the cJSON tree (an array, or
 * an object whose members carry their feature index in valueint), the
 * model's impute values standing in for nulls and absent features.
 */
void mlclf_request_fill(const cJSON *row, const mlclf_model_t *m,
    double *x);


#endif /* _MLCLF_REQUEST_H_INCLUDED_ */
