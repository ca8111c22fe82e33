
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-train writes each model's reference distributions (format
 * version 5, docs/monitoring.md) from its train split: for every kind,
 * the shares stored are those of the rows of the version's train.csv,
 * binned by the core's own rules, with the values as the CSV has them
 * (a missing number in the missing bin, whether the model imputes it,
 * routes it or never sees one); the class shares are the predictions
 * of the published model on those rows and the label prior theirs.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "train_cli.h"


#define T_ROWS      120
#define T_COLS      3


/*
 * 120 rows of a, b, c and the label y: a is a number with a fifth of it
 * missing, b a whole number 0..4, c a number; y follows a + c.
 */
static void
t_csv(const char *path)
{
    int       i;
    char     *p, text[16384];
    uint32_t  s;

    p = text;
    p += sprintf(p, "a,b,c,y\n");
    s = 5;

    for (i = 0; i < T_ROWS; i++) {
        s = s * 1103515245u + 12345u;

        if (i % 5 == 2) {
            p += sprintf(p, ",");

        } else {
            p += sprintf(p, "%.3f,", (double) ((s >> 8) % 1000) / 100.0);
        }

        p += sprintf(p, "%d,%.2f,%s\n", i % 5,
                     (double) ((s >> 4) % 500) / 50.0,
                     ((s >> 8) % 1000) / 100 + ((s >> 4) % 500) / 50 > 9
                     ? "hi" : "lo");
    }

    (void) files_write(path, text, (size_t) (p - text));
}


/*
 * The stored shares against the rows of train.csv, binned here through
 * mlclf_drift_bin_number(), and the class shares against the model's
 * own predictions of them.
 */
static void
t_check(const char *reg, const char *name, const char *what)
{
    int             rc;
    char            path[512], *csv, *line, *next, *end;
    double          x[T_COLS], proba[2], ref;
    size_t          len, n, k;
    uint32_t        i, b, cls;
    uint64_t        counts[T_COLS][MLCLF_DRIFT_MAX_BINS], pred[2], lab[2];
    mlclf_err_t     err;
    mlclf_model_t  *m;
    const double   *q;

    snprintf(path, sizeof(path), "%s/%s/versions/v1/model.mlclf", reg,
             name);

    rc = mlclf_model_open(&m, path, 0, &err);
    if (!ok(rc == MLCLF_OK, "%s: opens", what)) {
        tap_diag("%s", err.msg);
        return;
    }

    is_int(mlclf_drift_ready(m), MLCLF_OK, "%s: has a reference", what);
    is_int(mlclf_drift_n_inputs(m), T_COLS, "%s: three inputs", what);

    snprintf(path, sizeof(path), "%s/%s/versions/v1/train.csv", reg, name);
    csv = files_read(path, &len);

    if (!ok(csv != NULL && mlclf_drift_ready(m) == MLCLF_OK,
            "%s: train.csv", what))
    {
        free(csv);
        mlclf_model_close(&m);
        return;
    }

    memset(counts, 0, sizeof(counts));
    memset(pred, 0, sizeof(pred));
    memset(lab, 0, sizeof(lab));
    n = 0;

    /* after the header: "a,b,c,y" rows, a possibly empty */

    for (line = strchr(csv, '\n') + 1; *line != '\0'; line = next) {
        next = strchr(line, '\n') + 1;

        for (k = 0; k < T_COLS; k++) {
            x[k] = *line == ',' ? NAN : strtod(line, &end);
            line = strchr(line, ',') + 1;
            counts[k][mlclf_drift_bin_number(m, (uint32_t) k, x[k])]++;
        }

        lab[strncmp(line, "hi", 2) == 0 ? 0 : 1]++;

        /* the served row: the model's impute value, or NaN routed */
        if (mlclf_model_impute(m) != NULL && isnan(x[0])) {
            x[0] = mlclf_model_impute(m)[0];
        }

        cls = mlclf_predict_proba(m, x, proba);
        pred[cls]++;
        n++;
    }

    is_int(n, T_ROWS - T_ROWS / 4, "%s: %d train rows", what,
           T_ROWS - T_ROWS / 4);

    for (i = 0; i < T_COLS; i++) {
        q = mlclf_drift_shares(m, i);
        rc = 1;

        for (b = 0; b < mlclf_drift_n_bins(m, i); b++) {
            ref = (double) counts[i][b] / (double) n;
            rc = rc && fabs(q[b] - ref) < 1e-12;
        }

        ok(rc, "%s: input %u's %u shares are train.csv's", what, i,
           mlclf_drift_n_bins(m, i));
    }

    q = mlclf_drift_shares(m, 0);
    ok(q[mlclf_drift_n_bins(m, 0) - 1] > 0.1,
       "%s: a's missing bin holds its empty fields, not imputed: %g", what,
       q[mlclf_drift_n_bins(m, 0) - 1]);
    is_int(mlclf_drift_n_bins(m, 1), 7,
           "%s: b, a whole number 0..4: 5 cut points, 7 bins", what);

    q = mlclf_drift_class_shares(m);
    ok(q[0] == (double) pred[0] / (double) n
       && q[1] == (double) pred[1] / (double) n,
       "%s: class shares are the model's predictions on train.csv", what);

    q = mlclf_drift_class_prior(m);
    ok(q != NULL && q[0] == (double) lab[0] / (double) n
       && q[1] == (double) lab[1] / (double) n,
       "%s: the label prior is train.csv's", what);

    free(csv);
    mlclf_model_close(&m);
}


int
main(void)
{
    char        reg[128], data[128], conf[128], text[1024];
    size_t      i;
    run_cmd_t   r;

    static const struct {
        const char  *name;
        const char  *model;
        const char  *missing;
    } cases[] = {
        { "d_lr", "{kind: logreg}", "impute" },
        { "d_rf", "{kind: forest, n_trees: 5}", "impute" },
        { "d_gbt", "{kind: gbt, n_estimators: 5, max_depth: 2}", "allow" },
    };

    test_setup("test_train_drift");
    snprintf(reg, sizeof(reg), "%s/reg", tmp);
    snprintf(data, sizeof(data), "%s/d.csv", tmp);
    t_csv(data);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(conf, sizeof(conf), "%s/%s.yaml", tmp, cases[i].name);
        snprintf(text, sizeof(text),
                 "name: %s\ndata: %s\nlabel: y\nclasses: [hi, lo]\n"
                 "features: [{name: a, type: float}, {name: b, type: "
                 "integer}, {name: c, type: float}]\n"
                 "missing: %s\n"
                 "split: {test_fraction: 0.25, seed: 3, stratify: false}\n"
                 "model: %s\n", cases[i].name, data, cases[i].missing,
                 cases[i].model);
        (void) files_write(conf, text, strlen(text));

        TEST_TRAIN(&r, EPOCH, conf, reg, NULL);
        is_int(r.status, 0, "%s: trains", cases[i].name);
        tap_diag("%.*s", (int) strcspn(r.err, "\n"), r.err);
        run_cmd_free(&r);

        t_check(reg, cases[i].name, cases[i].name);
    }

    files_tmpdir_done(tmp, tap_failed != 0);

    return tap_done();
}
