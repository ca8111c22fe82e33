
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: what mlclf_reply.c takes from mlclf_request.c,
 * and the fast path that mlclf_request_parse() tries first.
 */


#ifndef _MLCLF_REQUEST_H_INCLUDED_
#define _MLCLF_REQUEST_H_INCLUDED_


#include <cjson/cJSON.h>

#include "mlclf.h"


/*
 * x[n_features] from one validated row of the cJSON tree (an array, or
 * an object whose members carry their feature index in valueint), the
 * model's impute values (NaN for a model that routes missing values
 * itself) standing in for nulls and absent features.
 */
void mlclf_request_fill(const cJSON *row, const mlclf_model_t *m,
    double *x);



/*
 * {"features": [numbers]} or {"instances": [[numbers], ...]} of nf
 * numbers a row, with an optional "probabilities": true|false, read into
 * req (rows dense).  MLCLF_EREQUEST: not this shape; nothing allocated,
 * req untouched but for local[]; the full path then reads the body.
 */
int mlclf_request_fast(mlclf_request_t *req, uint32_t nf, const char *body,
    size_t len, size_t max_rows, size_t max_depth);


#endif /* _MLCLF_REQUEST_H_INCLUDED_ */
