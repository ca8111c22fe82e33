
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Shadow models (mlclf_shadow_*): which models can score the rows of
 * another's request, and that a shadow scores each row of a request
 * parsed for another model to the same bits as it scores the row from
 * its own parse of the same body, with its own missing-value and
 * category rules (the rows it would refuse are skipped, with the
 * reason).
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "mlclf.h"
#include "mlclf_format.h"
#include "mlclf_reply.h"
#include "mlclf_shadow.h"
#include "model_spec.h"
#include "request_helpers.h"


/*
 * s scores the n rows of body parsed for m as it scores them from its
 * own parse of own (body without the rows it refuses, or NULL: body),
 * and refuses row i for the reason skip[i] when that is not 0.
 */
static void
shadow_same(const mlclf_model_t *m, const mlclf_model_t *s,
    const char *body, const char *own, size_t n, const int *skip,
    const char *what)
{
    int                  rc;
    double              *scratch, *own_scratch;
    size_t               i, j, len;
    uint32_t             k;
    mlclf_err_t          err;
    mlclf_shadow_t       sh;
    mlclf_request_t      req, mine;
    mlclf_reply_rows_t   it;

    len = strlen(body);

    rc = parse(&req, m, body, len, NULL, &err);
    is_int(rc, MLCLF_OK, "%s: the model parses the body", what);
    is_int(req.n_rows, n, "%s: %zu rows", what, n);

    scratch = malloc(mlclf_shadow_scratch(&sh, s, &req) * sizeof(double));
    mlclf_shadow_init(&sh, scratch);

    /* the shadow's own parse, of the rows it takes */

    memset(&mine, 0, sizeof(mine));
    own_scratch = NULL;
    j = 0;

    if (own == NULL) {
        own = body;
    }

    for (i = 0; i < n; i++) {
        rc = mlclf_shadow_next(&sh, &k);

        if (skip[i]) {
            is_int(rc, MLCLF_EREQUEST, "%s: row %zu skipped", what, i);
            is_int(sh.reason, skip[i], "%s: row %zu's reason", what, i);
            continue;
        }

        is_int(rc, MLCLF_OK, "%s: row %zu scored", what, i);

        if (own_scratch == NULL) {
            rc = parse(&mine, s, own, strlen(own), NULL, &err);
            is_int(rc, MLCLF_OK, "%s: the shadow parses the body", what);

            if (rc != MLCLF_OK) {
                break;
            }

            own_scratch = malloc(mlclf_reply_scratch_for(s, &mine)
                                 * sizeof(double));
            mlclf_reply_rows_init(&it, s, &mine, own_scratch);
        }

        while (it.i < j) {
            (void) mlclf_reply_rows_next(&it);
        }

        is_int(mlclf_reply_rows_next(&it), k,
               "%s: row %zu's class is the shadow's own", what, i);
        j++;
        ok(memcmp(sh.proba, it.proba,
                  mlclf_model_n_classes(s) * sizeof(double)) == 0,
           "%s: row %zu's probabilities are the shadow's own bits",
           what, i);
    }

    mlclf_request_free(&req);
    mlclf_request_free(&mine);
    free(scratch);
    free(own_scratch);
}


static void
test_check(const mlclf_model_t *lr, const mlclf_model_t *rf,
    const mlclf_model_t *in, const mlclf_model_t *renamed)
{
    mlclf_err_t  err;

    is_int(mlclf_shadow_check(lr, rf, &err), MLCLF_OK,
           "logreg and forest over x, y");
    is_int(mlclf_shadow_check(rf, lr, &err), MLCLF_OK, "and back");
    is_int(mlclf_shadow_check(lr, lr, &err), MLCLF_OK, "a model itself");

    is_int(mlclf_shadow_check(lr, in, &err), MLCLF_EINVAL,
           "other input count refused");
    is_str(err.msg, "5 inputs, not 2", "the counts named");

    is_int(mlclf_shadow_check(lr, renamed, &err), MLCLF_EINVAL,
           "a renamed input refused");
    is_str(err.msg, "input 1 is \"z\", not \"y\"", "the names given");
}


int
main(void)
{
    void                        *b[7];
    mlclf_spec_t                 spec;
    mlclf_model_t               *lr, *rf, *gbt, *in, *in_rf, *renamed;
    size_t                       i;
    mlclf_model_t               *in_lax;
    mlclf_file_input_t           lax[5];
    static const int             none[4];
    static const int             rf_skip[4] = {
        MLCLF_REASON_MISSING_VALUE, MLCLF_REASON_MISSING_VALUE, 0, 0
    };
    static const int             tag_skip[3] = {
        0, MLCLF_REASON_UNKNOWN_CATEGORY, 0
    };
    static const char *const     xz[2] = { "x", "z" };

    model_spec_logreg(&spec);
    lr = model_spec_load(&spec, &b[0]);

    spec.feature_names = xz;
    renamed = model_spec_load(&spec, &b[1]);

    model_spec_forest(&spec);
    rf = model_spec_load(&spec, &b[2]);

    model_spec_gbt(&spec);
    gbt = model_spec_load(&spec, &b[3]);

    model_spec_inputs(&spec, MLCLF_KIND_LOGREG);
    in = model_spec_load(&spec, &b[4]);

    /* the same inputs, but unknown tags ignored */

    memcpy(lax, spec.inputs, sizeof(lax));
    lax[3].flags = MLCLF_UNKNOWN_IGNORE;
    spec.inputs = lax;
    in_lax = model_spec_load(&spec, &b[5]);

    model_spec_inputs(&spec, MLCLF_KIND_FOREST);
    in_rf = model_spec_load(&spec, &b[6]);

    test_check(lr, rf, in, renamed);

    /* dense rows (the fast path) and object rows */

    shadow_same(lr, rf, "{\"instances\": [[0.2, -2], [1, 0], [3, 1.5],"
                " [0.5, -1.25]]}", NULL, 4, none, "forest, dense");
    shadow_same(lr, gbt, "{\"instances\": [[0.2, -2], [1, 0], [3, 1.5],"
                " [0.5, -1.25]]}", NULL, 4, none, "gbt, dense");
    shadow_same(lr, lr, "{\"features\": {\"y\": 1.5, \"x\": 0.25}}",
                NULL, 1, none, "itself, by name");

    /*
     * the logreg imputes; the gbt routes missing values itself; the
     * forest has no rule for them
     */

    shadow_same(lr, gbt, "{\"instances\": [{\"x\": 0.2, \"y\": null},"
                " {\"y\": -2}, [1, 0], {\"x\": 3, \"y\": 1.5}]}", NULL, 4,
                none, "gbt, missing values");
    shadow_same(lr, rf, "{\"instances\": [{\"x\": 0.2, \"y\": null},"
                " {\"y\": -2}, [1, 0], {\"x\": 3, \"y\": 1.5}]}",
                "{\"instances\": [[1, 0], {\"x\": 3, \"y\": 1.5}]}", 4,
                rf_skip, "forest, missing values skipped");

    /* raw inputs: numbers, categories, texts, through each featurizer */

    shadow_same(in, in_rf, "{\"instances\": [{\"n_links\": 3, \"domain\":"
                " \"b.net\", \"subject\": \"Win money now\", \"tag\": \"x\","
                " \"body\": \"free money win\"}, [1, null, null, \"y\","
                " \"nothing here\"], {\"n_links\": 0, \"domain\": \"q.io\","
                " \"tag\": \"y\", \"body\": \"MONEY money\"}]}", NULL, 3,
                none, "inputs forest");
    shadow_same(in_lax, in, "{\"instances\": [[1, \"a.com\", \"hi\","
                " \"x\", \"win\"], [2, \"a.com\", \"hi\", \"w\", \"win\"],"
                " [0, \"z.org\", \"\", \"y\", \"money\"]]}",
                "{\"instances\": [[1, \"a.com\", \"hi\", \"x\", \"win\"],"
                " [0, \"z.org\", \"\", \"y\", \"money\"]]}", 3, tag_skip,
                "an unknown category the shadow refuses");

    mlclf_model_close(&lr);
    mlclf_model_close(&renamed);
    mlclf_model_close(&rf);
    mlclf_model_close(&gbt);
    mlclf_model_close(&in);
    mlclf_model_close(&in_lax);
    mlclf_model_close(&in_rf);

    for (i = 0; i < 7; i++) {
        free(b[i]);
    }

    return tap_done();
}
