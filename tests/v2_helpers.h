/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Shared by the V2 tests (test_v2.c, test_v2_bad.c, test_json.c): a
 * parse from an exact-size copy, the check of a refused body, bodies
 * with binary tensor data.
 */


#ifndef _MLCLF_V2_HELPERS_H_INCLUDED_
#define _MLCLF_V2_HELPERS_H_INCLUDED_


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "mlclf.h"
#include "request_helpers.h"


#define IRIS_ROWS  "[[5.1,3.5,1.4,0.2],[6.2,2.9,4.3,1.3],[7.7,3.0,6.1,2.3]]"
#define IRIS_FLAT  "[5.1,3.5,1.4,0.2,6.2,2.9,4.3,1.3,7.7,3.0,6.1,2.3]"
#define FEATURES(shape, dtype, data)                                         \
    "{\"inputs\":[{\"name\":\"features\",\"shape\":" shape                    \
    ",\"datatype\":\"" dtype "\",\"data\":" data "}]}"


static inline int
v2_parse(mlclf_v2_request_t *v2, const mlclf_model_t *m, const char *body,
    size_t len, size_t json_len, mlclf_err_t *err)
{
    int    rc;
    char  *copy;

    /* an exact-size copy: ASan catches a read past len */
    copy = malloc(len ? len : 1);
    memcpy(copy, body, len);

    memset(v2, 0xa5, sizeof(*v2));
    err->code = 0;
    err->msg[0] = '\0';

    rc = mlclf_v2_request_parse(v2, m, copy, len, json_len, NULL, err);

    free(copy);

    return rc;
}


static inline void
refused(const mlclf_model_t *m, const char *body, size_t len,
    size_t json_len, int status, const char *reason)
{
    int                  rc;
    mlclf_err_t          err;
    mlclf_v2_request_t   v2;

    rc = v2_parse(&v2, m, body, len, json_len, &err);

    body = show(body, len);

    is_int(rc, MLCLF_EREQUEST, "%s: refused", body);
    is_int(v2.req.status, status, "%s: status %d", body, status);
    is_str(mlclf_reason_name(v2.req.reason), reason, "%s: %s (%s)", body,
           reason, err.msg);
    ok(err.msg[0] != '\0', "%s: a message", body);

    mlclf_v2_request_free(&v2);
}


/* json then bin_len bytes of bin into buf; returns the body's length. */
static inline size_t
with_binary(char *buf, const char *json, const void *bin, size_t bin_len,
    size_t *json_len)
{
    *json_len = strlen(json);
    memcpy(buf, json, *json_len);
    memcpy(buf + *json_len, bin, bin_len);

    return *json_len + bin_len;
}


static inline void
le(unsigned char *p, uint64_t u, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        p[i] = (unsigned char) (u >> (8 * i));
    }
}


#endif /* _MLCLF_V2_HELPERS_H_INCLUDED_ */
