
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Explanations of imported XGBoost models against XGBoost's own.
 *
 * Reference: tests/ref/xgboost_explain.py trains binary:logistic and
 * multi:softprob (3 classes) models, 100 trees of depth 6 each round,
 * with Debian's python3-xgboost on data with missing values, saves each
 * as JSON and UBJSON, and writes 1,200 rows with
 * Booster.predict(..., pred_contribs=True) for them.  Each model, from
 * either file, imported as mlclf-import does (its covers from
 * sum_hessian), must explain every row as XGBoost does within 1e-5:
 * each feature's contribution and the base value of every output.
 *
 * LightGBM is not packaged here: its fixtures (tests/fixtures/lightgbm/)
 * must import with their internal_count and leaf_count as covers, and
 * explain.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf.h>
#include <mlclf_import.h>
#include "files.h"
#include "import_check.h"
#include "run_cmd.h"
#include "tap.h"


#define T_PYTHON     "/usr/bin/python3"
#define T_SCRIPT     "tests/ref/xgboost_explain.py"
#define T_ROWS       1200
#define T_FEATURES   10
#define T_TOL        1e-5


static void t_model(const char *dir, const char *name, const char *ext,
    uint32_t n_outputs, const double *x);
static void t_lightgbm(void);


static void
t_model(const char *dir, const char *name, const char *ext,
    uint32_t n_outputs, const double *x)
{
    int             rc;
    char            path[512];
    void           *buf;
    double         *want, *phi, *scratch, d, worst;
    size_t          rows, cols, r, j, bad, width;
    mlclf_model_t  *m;

    width = (size_t) n_outputs * (T_FEATURES + 1);

    (void) snprintf(path, sizeof(path), "%s/contribs_%s.csv", dir, name);
    want = NULL;

    rc = import_csv_read(path, &want, &rows, &cols);
    if (!ok(rc == 0 && rows == T_ROWS && cols == width,
            "contribs_%s.csv: %d rows of %zu", name, T_ROWS, width))
    {
        free(want);
        return;
    }

    (void) snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);

    m = import_load(path, MLCLF_IMPORT_UNKNOWN, &buf);
    if (!ok(m != NULL, "%s.%s imports and loads", name, ext)) {
        free(want);
        return;
    }

    is_int(mlclf_explain_ready(m), MLCLF_OK, "%s.%s: covers imported",
           name, ext);
    is_int(mlclf_explain_n_outputs(m), n_outputs, "%s.%s: %u outputs",
           name, ext, n_outputs);

    phi = calloc(width, sizeof(double));
    scratch = calloc(mlclf_explain_scratch(m) + 1, sizeof(double));

    bad = 0;
    worst = 0.0;

    for (r = 0; phi != NULL && scratch != NULL && r < rows; r++) {
        mlclf_explain(m, x + r * T_FEATURES, phi, scratch);

        for (j = 0; j < width; j++) {
            d = fabs(phi[j] - want[r * width + j]);
            worst = d > worst || isnan(d) ? d : worst;

            if (!(d <= T_TOL) && bad++ < 5) {
                tap_diag("%s.%s row %zu column %zu: %.17g, XGBoost "
                         "%.17g", name, ext, r, j, phi[j],
                         want[r * width + j]);
            }
        }
    }

    ok(phi != NULL && scratch != NULL && bad == 0,
       "%s.%s: %d rows explained as XGBoost's pred_contribs within %g",
       name, ext, T_ROWS, T_TOL);
    tap_diag("%s.%s: largest difference %.3g", name, ext, worst);

    free(phi);
    free(scratch);
    mlclf_model_close(&m);
    free(buf);
    free(want);
}


static void
t_lightgbm(void)
{
    int             i;
    void           *buf;
    mlclf_model_t  *m;

    static const char  *files[] = {
        "tests/fixtures/lightgbm/binary-v4.txt",
        "tests/fixtures/lightgbm/multiclass.txt",
        "tests/fixtures/lightgbm/multiclassova.txt"
    };

    for (i = 0; i < 3; i++) {
        m = import_load(files[i], MLCLF_IMPORT_UNKNOWN, &buf);

        if (ok(m != NULL, "%s imports", files[i])) {
            is_int(mlclf_explain_ready(m), MLCLF_OK, "%s: covers from the "
                   "counts", files[i]);
            mlclf_model_close(&m);
            free(buf);
        }
    }
}


int
main(void)
{
    int        rc;
    char       dir[256], path[512];
    double    *x;
    size_t     rows, cols;
    run_cmd_t  r;

    t_lightgbm();

    files_tmpdir(dir, sizeof(dir), "mlclf_explain");

    rc = run_cmd(&r, T_PYTHON, (const char *const []) {
                     T_SCRIPT, dir, NULL
                 }, dir, NULL);

    if (!ok(rc == 0, "%s %s runs", T_PYTHON, T_SCRIPT)) {
        tap_diag("exit %d: %s", rc, r.err);
        run_cmd_free(&r);
        files_tmpdir_done(dir, 1);
        return tap_done();
    }

    run_cmd_free(&r);

    (void) snprintf(path, sizeof(path), "%s/rows.csv", dir);
    x = NULL;

    rc = import_csv_read(path, &x, &rows, &cols);
    ok(rc == 0 && rows == T_ROWS && cols == T_FEATURES,
       "rows.csv: %d rows of %d", T_ROWS, T_FEATURES);

    if (rc == 0 && rows == T_ROWS && cols == T_FEATURES) {
        t_model(dir, "binary", "json", 1, x);
        t_model(dir, "binary", "ubj", 1, x);
        t_model(dir, "softprob", "json", 3, x);
        t_model(dir, "softprob", "ubj", 3, x);
    }

    free(x);
    files_tmpdir_done(dir, tap_failed);

    return tap_done();
}
