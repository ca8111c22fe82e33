
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The fast path of mlclf_request_parse() (numbers in arrays, read
 * without cJSON) against the full path (the same numbers by feature
 * name, read by cJSON and strtod): the same doubles, bit for bit, for
 * numbers of every form; and the same replies for batches.
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf.h"
#include "model_spec.h"
#include "tap.h"


static const char  *names[4] = { "a", "b", "c", "d" };
static const char  *labels[3] = { "x", "y", "z" };


static mlclf_model_t *
model(void **buf)
{
    mlclf_spec_t   spec;
    static const double  w[12] = { 1, -2, 0.5, 3, -1, 2, 0.25, -3,
                                   0.1, 0.2, -0.3, 0.4 };
    static const double  b[3] = { 0.1, -0.2, 0.3 };

    memset(&spec, 0, sizeof(spec));
    spec.kind = MLCLF_KIND_LOGREG;
    spec.n_features = 4;
    spec.n_classes = 3;
    spec.version = 2;
    spec.feature_names = names;
    spec.class_labels = labels;
    spec.n_outputs = 3;
    spec.weights = w;
    spec.bias = b;

    return model_spec_load(&spec, buf);
}


/* xorshift64: the same numbers on every run */
static uint64_t  state = 88172645463325252ULL;

static uint64_t
next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}


/* a JSON number of a random form */
static void
number(char *buf)
{
    int       form, i, n;
    char     *p;
    uint64_t  r;

    r = next();
    form = r % 8;
    p = buf;

    if ((r >> 8) & 1) {
        *p++ = '-';
    }

    switch (form) {

    case 0:     /* integer */
        p += sprintf(p, "%llu", (unsigned long long) (next() >> (next() % 64)));
        break;

    case 1:     /* short decimal, as people write them */
        p += sprintf(p, "%u.%u", (unsigned) (next() % 100),
                     (unsigned) (next() % 1000));
        break;

    case 2:     /* %.17g of a random double */
        p += sprintf(p, "%.17g", (double) (next() >> 11) / (1ULL << 53)
                                 * 1000.0);
        break;

    case 3:     /* many digits */
        n = 1 + next() % 25;
        *p++ = '0' + 1 + next() % 9;
        for (i = 0; i < n; i++) {
            *p++ = '0' + next() % 10;
        }
        if (next() & 1) {
            *p++ = '.';
            n = 1 + next() % 25;
            for (i = 0; i < n; i++) {
                *p++ = '0' + next() % 10;
            }
        }
        break;

    case 4:     /* exponents */
        p += sprintf(p, "%u.%ue%d", (unsigned) (next() % 10),
                     (unsigned) (next() % 100000),
                     (int) (next() % 61) - 30);
        break;

    case 5:     /* zeros */
        p += sprintf(p, "%s", (next() & 1) ? "0" : "0.000e5");
        break;

    case 6:     /* leading fraction zeros */
        p += sprintf(p, "0.%0*u", 1 + (int) (next() % 30),
                     (unsigned) (next() % 1000));
        break;

    default:    /* capital E, plus sign */
        p += sprintf(p, "%uE+%u", (unsigned) (next() % 100000),
                     (unsigned) (next() % 25));
    }

    *p = '\0';
}


int
main(void)
{
    int               i, j, same, fast;
    char              body[1024], named[1024], num[4][128];
    void             *buf;
    double            x[4], y[4];
    mlclf_err_t       err;
    mlclf_model_t    *m;
    mlclf_request_t   req, ref;

    m = model(&buf);
    ok(m != NULL, "model");
    if (m == NULL) {
        return tap_done();
    }

    same = 1;
    fast = 0;

    for (i = 0; i < 20000; i++) {
        for (j = 0; j < 4; j++) {
            number(num[j]);
        }

        snprintf(body, sizeof(body), "{\"features\": [%s, %s,%s , %s]}",
                 num[0], num[1], num[2], num[3]);
        snprintf(named, sizeof(named),
                 "{\"features\":{\"a\":%s,\"b\":%s,\"c\":%s,\"d\":%s}}",
                 num[0], num[1], num[2], num[3]);

        if (mlclf_request_parse(&req, m, body, strlen(body), NULL, &err)
            != MLCLF_OK
            || mlclf_request_parse(&ref, m, named, strlen(named), NULL, &err)
               != MLCLF_OK)
        {
            /* non-finite: both must refuse */
            same &= (req.reason != MLCLF_REASON_NONE
                     && req.reason == ref.reason);
            mlclf_request_free(&req);
            mlclf_request_free(&ref);
            continue;
        }

        fast += req.dense;

        mlclf_request_row(&req, m, 0, x);
        mlclf_request_row(&ref, m, 0, y);

        if (memcmp(x, y, sizeof(x)) != 0) {
            if (same) {
                tap_diag("differs: %s", body);
            }

            same = 0;
        }

        mlclf_request_free(&req);
        mlclf_request_free(&ref);
    }

    ok(same, "20000 random rows: fast and full path read the same doubles");
    ok(fast > 3000, "most of them took the fast path (%d)", fast);

    /* shapes the fast path must leave to the full path */
    {
        static const char  *full[] = {
            "{\"features\":[1,2,3]}",
            "{\"features\":[1,2,3,4,5]}",
            "{\"features\":[1,2,null,4]}",
            "{\"features\":[01,2,3,4]}",
            "{\"features\":[1,2,3,4],\"features\":[1,2,3,4]}",
            "{\"features\":[1,2,3,4]} x",
            "{\"features\":[1,2,3,4],\"instances\":[[1,2,3,4]]}",
            "{\"instances\":[]}",
            "{\"instances\":[[1,2,3,4]],\"probabilities\":1}",
            "{\"features\":[1e400,2,3,4]}",
            "{\"features\":[1,2,3,4],\"x\":1}",
            "{\"features\":[1,2,3,4]",
            "{\"features\":[1,2,3,-]}",
            "{\"features\":[1.,2,3,4]}",
            NULL
        };

        for (i = 0; full[i] != NULL; i++) {
            mlclf_request_parse(&req, m, full[i], strlen(full[i]), NULL,
                                &err);
            ok(!req.dense, "full path: %s", full[i]);
            mlclf_request_free(&req);
        }
    }

    /* a batch over the local buffer, with probabilities */
    {
        char           out[8192], out2[8192];
        double         scratch[7];
        mlclf_reply_t  rep;

        strcpy(body, "{\"probabilities\":true, \"instances\":[");
        strcpy(named, "{\"probabilities\":true, \"instances\":[");

        for (i = 0; i < 9; i++) {
            sprintf(body + strlen(body), "%s[%d.5,-%d,0.%d,%de-2]",
                    i ? "," : "", i, i, i, i);
            sprintf(named + strlen(named),
                    "%s{\"a\":%d.5,\"b\":-%d,\"c\":0.%d,\"d\":%de-2}",
                    i ? "," : "", i, i, i, i);
        }

        strcat(body, "]}");
        strcat(named, "]}");

        is_int(mlclf_request_parse(&req, m, body, strlen(body), NULL, &err),
               MLCLF_OK, "batch of 9: parsed");
        ok(req.dense && req.batch && req.n_rows == 9 && req.probabilities,
           "batch of 9: fast path");
        is_int(mlclf_request_parse(&ref, m, named, strlen(named), NULL,
                                   &err),
               MLCLF_OK, "the same batch by name: parsed");

        memset(&rep, 0, sizeof(rep));
        rep.buf = out;
        rep.size = sizeof(out);
        rep.scratch = scratch;
        rep.version = "v2";
        is_int(mlclf_reply_write(&rep, m, &req, &err), MLCLF_OK,
               "batch reply");

        rep.buf = out2;
        is_int(mlclf_reply_write(&rep, m, &ref, &err), MLCLF_OK,
               "reference reply");
        is_str(out, out2, "the same reply bytes");

        mlclf_request_free(&req);
        mlclf_request_free(&ref);
        ok(req.root == NULL && !req.dense, "free clears the request");
    }

    mlclf_model_close(&m);
    free(buf);

    return tap_done();
}
