
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Explanations by input (mlclf_explain_terms() in mlclf_input.h) on the
 * model with raw inputs of model_spec.h (a number, two categories, two
 * texts over 17 columns): each input's contribution is the sum of its
 * columns' from mlclf_explain() on the same row made dense, and base
 * plus contributions is the margin (the logit of the sigmoid for the
 * logreg, the probability for the forest), to 1e-9.  The forest's tree
 * splits twice on one category's columns on a path, and on both
 * texts, so that an input's bucket takes several columns' shares.
 * Then a /predict reply with "explain" on that model names its five
 * inputs and adds up to the margin.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_format.h"
#include "mlclf_input.h"
#include "model_spec.h"
#include "tap.h"


#define T_COLS   MODEL_SPEC_INPUTS_COLUMNS
#define T_TOL    1e-9


/*
 * a full tree of depth 3, preorder: money? domain b.net? subject 6? ...
 * (columns 15, 1, 6 / 2; 2, 14 / 0)
 */
static const uint32_t  t_offsets[2] = { 0, 15 };
static const int32_t   t_feature[15] = {
    15, 1, 6, -1, -1, 2, -1, -1, 2, 14, -1, -1, 0, -1, -1
};
static const double    t_threshold[15] = {
    0.0, 0.0, 0.1, 0, 0, 0.0, 0, 0, 0.0, 0.2, 0, 0, 2.5, 0, 0
};
static const uint32_t  t_left[15] = {
    1, 2, 3, 0, 1, 6, 2, 3, 9, 10, 4, 5, 13, 6, 7
};
static const uint32_t  t_right[15] = {
    8, 5, 4, 0, 0, 7, 0, 0, 12, 11, 0, 0, 14, 0, 0
};
static const double    t_cover[15] = {
    24, 10, 5, 3, 2, 5, 4, 1, 14, 7, 5, 2, 7, 3, 4
};
static const double    t_leaves[16] = {
    0.9, 0.1, 0.6, 0.4, 0.7, 0.3, 0.2, 0.8,
    0.5, 0.5, 0.1, 0.9, 0.35, 0.65, 0.05, 0.95
};

/* a row's terms, sorted by column, and the same row dense */
static const mlclf_text_term_t  t_terms[3][6] = {
    { { 0, 3.0 }, { 2, 1.0 }, { 5, 0.5 }, { 9, -0.25 }, { 12, 1.0 },
      { 15, 0.7 } },
    { { 0, 1.0 }, { 1, 1.0 }, { 6, 0.3 }, { 13, 1.0 }, { 14, 0.6 },
      { 16, 0.8 } },
    { { 0, 2.0 }, { 3, 1.0 }, { 7, 0.4 }, { 12, 1.0 }, { 14, 0.5 },
      { 15, 0.5 } },
};

/* each input's columns, from model_spec.c's picture */
static const uint32_t  t_runs[6] = { 0, 1, 4, 12, 14, 17 };


static double t_by_input(const mlclf_model_t *m, const double *x,
    const mlclf_text_term_t *terms, size_t n, double *scratch,
    const double *margin);
static void t_core(mlclf_kind_e kind);
static void t_reply(void);


/*
 * The largest difference between mlclf_explain_terms() and the columns'
 * sums, and between base plus contributions and each output's margin.
 */
static double
t_by_input(const mlclf_model_t *m, const double *x,
    const mlclf_text_term_t *terms, size_t n, double *scratch,
    const double *margin)
{
    double    phi[2][T_COLS + 1], by[2][6], zero[T_COLS];
    double    sum, worst, total;
    size_t    i, j;
    uint32_t  k;

    memset(zero, 0, sizeof(zero));
    mlclf_explain(m, x, phi[0], scratch);
    mlclf_explain_terms(m, terms, n, zero, by[0], scratch);

    worst = 0.0;

    for (k = 0; k < mlclf_explain_n_outputs(m); k++) {
        total = by[k][5];

        for (i = 0; i < 5; i++) {
            sum = 0.0;

            for (j = t_runs[i]; j < t_runs[i + 1]; j++) {
                sum += phi[k][j];
            }

            worst = fmax(worst, fabs(by[k][i] - sum));
            total += by[k][i];
        }

        worst = fmax(worst, fabs(by[k][5] - phi[k][T_COLS]));
        worst = fmax(worst, fabs(total - margin[k]));
    }

    for (j = 0; j < T_COLS; j++) {
        worst = zero[j] != 0.0 ? INFINITY : worst;
    }

    return worst;
}


static void
t_core(mlclf_kind_e kind)
{
    void           *buf;
    double          x[T_COLS], mean[T_COLS], proba[2], *scratch;
    double          worst, margin[2];
    size_t          r, t;
    uint32_t        j;
    const char     *what;
    mlclf_spec_t    s;
    mlclf_model_t  *m;

    what = kind == MLCLF_KIND_LOGREG ? "logreg" : "forest";

    model_spec_inputs(&s, kind);

    if (kind == MLCLF_KIND_LOGREG) {
        for (j = 0; j < T_COLS; j++) {
            mean[j] = 0.125 * j - 0.5;
        }

        s.linear_mean = mean;

    } else {
        s.n_trees = 1;
        s.n_nodes = 15;
        s.n_leaves = 8;
        s.tree_offsets = t_offsets;
        s.node_feature = t_feature;
        s.node_threshold = t_threshold;
        s.node_left = t_left;
        s.node_right = t_right;
        s.node_cover = t_cover;
        s.leaf_values = t_leaves;
    }

    m = model_spec_load(&s, &buf);

    is_int(mlclf_explain_ready(m), MLCLF_OK, "%s with inputs: ready", what);

    scratch = calloc(mlclf_explain_scratch(m) + 1, sizeof(double));
    worst = 0.0;

    for (r = 0; r < 3; r++) {
        memset(x, 0, sizeof(x));

        for (t = 0; t < 6; t++) {
            x[t_terms[r][t].column] = t_terms[r][t].value;
        }

        (void) mlclf_predict_proba(m, x, proba);

        /* a forest's margins are its probabilities */
        margin[0] = kind == MLCLF_KIND_LOGREG ? log(proba[1] / proba[0])
                                              : proba[0];
        margin[1] = proba[1];

        worst = fmax(worst, t_by_input(m, x, t_terms[r], 6, scratch,
                                       margin));
    }

    ok(worst <= T_TOL, "%s: each input's contribution is its columns' "
       "sum, and base plus contributions the margin, within %g",
       what, T_TOL);
    tap_diag("%s: largest error %.3g", what, worst);

    free(scratch);
    mlclf_model_close(&m);
    free(buf);
}


/* A /predict reply with "explain" names the inputs, sums to the margin. */
static void
t_reply(void)
{
    int               rc, good;
    char             *out;
    void             *buf;
    cJSON            *root, *row, *ex, *con, *c;
    double            mean[T_COLS], *scratch, z, p;
    size_t            size;
    uint32_t          j;
    mlclf_err_t       err;
    mlclf_spec_t      s;
    mlclf_reply_t     rep;
    mlclf_model_t    *m;
    mlclf_request_t   req;
    const char       *body;

    static const char  *names[5] = {
        "n_links", "domain", "subject", "tag", "body"
    };

    for (j = 0; j < T_COLS; j++) {
        mean[j] = 0.0625 * j;
    }

    model_spec_inputs(&s, MLCLF_KIND_LOGREG);
    s.linear_mean = mean;
    m = model_spec_load(&s, &buf);

    body = "{\"instances\":[[3,\"b.net\",\"Free money now\",\"x\","
           "\"win money\"],{\"n_links\":0,\"domain\":\"q.org\","
           "\"subject\":\"hi\",\"tag\":\"y\",\"body\":\"free\"}],"
           "\"explain\":true,\"probabilities\":true}";

    rc = mlclf_request_parse(&req, m, body, strlen(body), NULL, &err);
    if (!ok(rc == MLCLF_OK && req.explain, "text model: explain parsed")) {
        tap_diag("%s", err.msg);
    }

    size = mlclf_reply_bound(m, &req, "v1");
    out = malloc(size);
    scratch = calloc(mlclf_reply_scratch_for(m, &req), sizeof(double));

    memset(&rep, 0, sizeof(rep));
    rep.buf = out;
    rep.size = size;
    rep.scratch = scratch;
    rep.version = "v1";

    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_int(rc, MLCLF_OK, "text model: reply written");

    root = rc == MLCLF_OK ? cJSON_Parse(out) : NULL;
    row = cJSON_GetObjectItem(root, "predictions");
    row = row != NULL ? row->child : NULL;
    good = row != NULL;

    for ( /* void */ ; good && row != NULL; row = row->next) {
        ex = cJSON_GetObjectItem(row, "explanation");
        con = cJSON_GetObjectItem(ex, "contributions");
        z = cJSON_GetArrayItem(cJSON_GetObjectItem(ex, "base"), 0)
            ->valuedouble;
        good = cJSON_GetArraySize(con) == 5;

        for (j = 0, c = con ? con->child : NULL; good && j < 5;
             j++, c = c->next)
        {
            good = c != NULL && strcmp(c->string, names[j]) == 0
                   && cJSON_GetArraySize(c) == 1;
            z += good ? cJSON_GetArrayItem(c, 0)->valuedouble : 0.0;
        }

        p = cJSON_GetObjectItem(cJSON_GetObjectItem(row, "probabilities"),
                                "spam")->valuedouble;
        good = good && fabs(1.0 / (1.0 + exp(-z)) - p) <= 1e-12;
    }

    ok(good, "text model: each row explains its five inputs, and they "
       "add up to its log-odds");

    if (!good) {
        tap_diag("%s", out);
    }

    cJSON_Delete(root);
    free(out);
    free(scratch);
    mlclf_request_free(&req);
    mlclf_model_close(&m);
    free(buf);
}


int
main(void)
{
    t_core(MLCLF_KIND_LOGREG);
    t_core(MLCLF_KIND_FOREST);
    t_reply();

    return tap_done();
}
