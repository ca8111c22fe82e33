
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Shared by the /predict request and reply tests (test_json.c,
 * test_request.c, test_reply.c, test_double.c): the iris forest the
 * bodies are parsed against, body builders, a parse from an exact-size
 * copy, a reply buffer of the bound, the check of one rejection's reason
 * and message, and the random numbers of the randomized tests.
 */


#ifndef _MLCLF_REQUEST_HELPERS_H_INCLUDED_
#define _MLCLF_REQUEST_HELPERS_H_INCLUDED_


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "mlclf.h"
#include "model_spec.h"


#define ROW            "[5.1,3.5,1.4,0.2]"

/* a literal with its exact length, NULs included */
#define LIT(s)         s, sizeof(s) - 1

/* the name of the reason of the local request req */
#define REQ_REASON     mlclf_reason_name(req.reason)


static const char *const  iris_features[] = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
};

static const char *const  iris_classes[] = {
    "setosa", "versicolor", "virginica"
};

static const double       iris_impute[] = { 5.8, 3.0, 4.35, 1.3 };

/* one tree: petal_length <= 2.5, else petal_width <= 1.75 */
static const uint32_t     tree_offsets[] = { 0, 5 };
static const int32_t      node_feature[] = { 2, -1, 3, -1, -1 };
static const double       node_threshold[] = { 2.5, 0, 1.75, 0, 0 };
static const uint32_t     node_left[] = { 1, 0, 3, 1, 2 };
static const uint32_t     node_right[] = { 2, 0, 4, 0, 0 };
static const double       leaf_values[] = {
    0.97, 0.02, 0.01,
    0.01, 0.90, 0.09,
    0.00, 0.25, 0.75
};


static inline void
forest_spec(mlclf_spec_t *spec, const char *const *classes,
    const double *impute)
{
    memset(spec, 0, sizeof(*spec));

    spec->kind = MLCLF_KIND_FOREST;
    spec->n_features = 4;
    spec->n_classes = 3;
    spec->version = 3;
    spec->feature_names = iris_features;
    spec->class_labels = classes;
    spec->impute = impute;
    spec->n_trees = 1;
    spec->n_nodes = 5;
    spec->n_leaves = 3;
    spec->tree_offsets = tree_offsets;
    spec->node_feature = node_feature;
    spec->node_threshold = node_threshold;
    spec->node_left = node_left;
    spec->node_right = node_right;
    spec->leaf_values = leaf_values;
}


static inline mlclf_model_t *
forest_model(const char *const *classes, const double *impute, void **buf)
{
    mlclf_spec_t  spec;

    forest_spec(&spec, classes, impute);

    return model_spec_load(&spec, buf);
}


/* "{"instances":[ROW,ROW,...]}", n rows */

static inline char *
batch_body(size_t n, const char *row, size_t *len)
{
    char    *buf, *p;
    size_t   i, rl;

    rl = strlen(row);
    buf = malloc(64 + n * (rl + 1));
    p = buf;

    p += sprintf(p, "{\"instances\":[");

    for (i = 0; i < n; i++) {
        if (i) {
            *p++ = ',';
        }

        memcpy(p, row, rl);
        p += rl;
    }

    p += sprintf(p, "]}");
    *len = p - buf;

    return buf;
}


/* body made printable for a TAP line: at most 60 bytes, \xNN escapes */

static inline const char *
show(const char *body, size_t len)
{
    size_t          i, n;
    unsigned char   c;
    static char     buf[256];

    n = 0;

    for (i = 0; i < len && n < 60; i++) {
        c = (unsigned char) body[i];

        if (c >= 0x20 && c < 0x7f && c != '#') {
            buf[n++] = (char) c;

        } else {
            n += sprintf(&buf[n], "\\x%02x", c);
        }
    }

    if (i < len) {
        memcpy(&buf[n], "...", 3);
        n += 3;
    }

    if (len == 0) {
        memcpy(&buf[n], "(empty)", 7);
        n += 7;
    }

    buf[n] = '\0';

    return buf;
}


/*
 * Parses body from an exact-size heap copy (no NUL after it, so that
 * ASan catches any read past len).
 */

static inline int
parse(mlclf_request_t *req, const mlclf_model_t *m, const char *body,
    size_t len, const mlclf_limits_t *limits, mlclf_err_t *err)
{
    int    rc;
    char  *copy;

    copy = malloc(len ? len : 1);
    memcpy(copy, body, len);

    memset(req, 0xa5, sizeof(*req));
    err->code = 0;
    err->msg[0] = '\0';

    rc = mlclf_request_parse(req, m, copy, len, limits, err);

    free(copy);

    return rc;
}


/*
 * rep set to write the reply to req, version "v3", into a malloc()ed
 * rep->buf of the bound (returned), which the caller frees
 */

static inline size_t
reply_prepare(mlclf_reply_t *rep, const mlclf_model_t *m,
    const mlclf_request_t *req, double *scratch)
{
    size_t  bound;

    bound = mlclf_reply_bound(m, req, "v3");

    memset(rep, 0, sizeof(*rep));
    rep->buf = malloc(bound);
    rep->size = bound;
    rep->scratch = scratch;
    rep->version = "v3";

    return bound;
}


/* body must be rejected with reason and exactly the message msg */

static inline void
check_message(const mlclf_model_t *m, const char *body,
    const mlclf_limits_t *limits, const char *reason, const char *msg)
{
    int               rc;
    mlclf_err_t       err;
    mlclf_request_t   req;

    rc = parse(&req, m, body, strlen(body), limits, &err);

    body = show(body, strlen(body));

    is_int(rc, MLCLF_EREQUEST, "%s: rejected", body);
    is_str(REQ_REASON, reason, "%s: reason", body);
    is_str(err.msg, msg, "%s: message", body);

    mlclf_request_free(&req);
}


/* xorshift64: the same numbers on every run */
static uint64_t  rng = 0x9e3779b97f4a7c15ULL;

static inline uint64_t
xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;

    return rng;
}


#endif /* _MLCLF_REQUEST_HELPERS_H_INCLUDED_ */
