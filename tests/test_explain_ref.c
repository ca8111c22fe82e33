
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
 * Models of mlclf-train (conf/iris-logreg.yaml, -forest, -gbt) carry
 * their column means or node covers: each explains 500 rows spread over
 * the iris ranges, whose sums give back the probabilities the model
 * predicts within 1e-12 (the softmax of the margins; a forest's margins
 * are its probabilities).
 *
 * A scikit-learn forest (tests/ref/sklearn_explain.py: 10 trees, 3
 * classes, exported by tools/mlclf-sklearn-export with its covers)
 * explains 60 rows as the script's brute-force Shapley values over
 * every subset of its 5 features do, within 1e-9.
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
static void t_trained(const char *dir);
static void t_sklearn(const char *dir);


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


static void
t_trained(const char *dir)
{
    int             k, rc;
    char            conf[128], reg[512], path[768], bin[4200];
    double         *x, *phi, *scratch, p[3], z[3], mx, s, worst;
    size_t          rows, cols, r, j;
    uint32_t        c, no, nf;
    const char     *env;
    run_cmd_t       run;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    static const char  *kinds[3] = { "logreg", "forest", "gbt" };

    env = getenv("MLCLF_BIN");
    (void) snprintf(bin, sizeof(bin), "%s/mlclf-train",
                    env != NULL ? env : "build/bin");
    (void) snprintf(reg, sizeof(reg), "%s/reg", dir);

    for (k = 0; k < 3; k++) {
        (void) snprintf(conf, sizeof(conf), "conf/iris-%s.yaml", kinds[k]);

        rc = run_cmd(&run, bin, (const char *const []) {
                         "--config", conf, "--registry", reg, "--name",
                         kinds[k], "--quiet", NULL
                     }, dir, NULL);

        if (!ok(rc == 0, "mlclf-train %s", conf)) {
            tap_diag("%s", run.err);
            run_cmd_free(&run);
            continue;
        }

        run_cmd_free(&run);

        (void) snprintf(path, sizeof(path), "%s/%s/versions/v1/model.mlclf",
                        reg, kinds[k]);

        if (!ok(mlclf_model_open(&m, path, 0, &err) == MLCLF_OK,
                "%s: opens", kinds[k]))
        {
            tap_diag("%s", err.msg);
            continue;
        }

        is_int(mlclf_explain_ready(m), MLCLF_OK, "%s: trained with what "
               "explanations need", kinds[k]);

        nf = mlclf_model_n_features(m);
        no = mlclf_explain_n_outputs(m);
        rows = 500;
        cols = nf;
        x = malloc(rows * cols * sizeof(double));
        phi = calloc((size_t) no * (nf + 1), sizeof(double));
        scratch = calloc(mlclf_explain_scratch(m) + 1, sizeof(double));
        worst = x != NULL && no == 3 && phi != NULL && scratch != NULL
                ? 0.0 : INFINITY;

        /* 0.1 .. 7.9 in steps of 0.1, a different walk per feature */
        for (r = 0; worst != INFINITY && r < rows * cols; r++) {
            x[r] = 0.1 * (double) ((r * 37 + r / cols * 11) % 79 + 1);
        }

        for (r = 0; worst != INFINITY && r < rows; r++) {
            mlclf_predict_proba(m, x + r * cols, p);
            mlclf_explain(m, x + r * cols, phi, scratch);

            for (c = 0; c < 3; c++) {
                z[c] = 0.0;

                for (j = 0; j <= nf; j++) {
                    z[c] += phi[c * (nf + 1) + j];
                }
            }

            if (mlclf_model_kind(m) != MLCLF_KIND_FOREST) {
                mx = fmax(z[0], fmax(z[1], z[2]));
                s = exp(z[0] - mx) + exp(z[1] - mx) + exp(z[2] - mx);

                for (c = 0; c < 3; c++) {
                    z[c] = exp(z[c] - mx) / s;
                }
            }

            for (c = 0; c < 3; c++) {
                worst = fmax(worst, fabs(z[c] - p[c]));
            }
        }

        ok(worst <= 1e-12, "%s: %zu rows explained, their sums the "
           "predicted probabilities", kinds[k], rows);
        tap_diag("%s: largest difference %.3g", kinds[k], worst);

        free(x);
        free(phi);
        free(scratch);
        mlclf_model_close(&m);
    }
}


static void
t_sklearn(const char *dir)
{
    int             rc;
    char            path[512];
    void           *buf;
    double         *x, *want, *phi, *scratch, worst;
    size_t          rows, cols, wrows, wcols, r, j;
    run_cmd_t       run;
    mlclf_model_t  *m;

    rc = run_cmd(&run, T_PYTHON, (const char *const []) {
                     "tests/ref/sklearn_explain.py", dir, NULL
                 }, dir, NULL);

    if (!ok(rc == 0, "tests/ref/sklearn_explain.py runs")) {
        tap_diag("exit %d: %s", rc, run.err);
        run_cmd_free(&run);
        return;
    }

    run_cmd_free(&run);

    x = NULL;
    want = NULL;
    (void) snprintf(path, sizeof(path), "%s/rows.csv", dir);
    rc = import_csv_read(path, &x, &rows, &cols);
    (void) snprintf(path, sizeof(path), "%s/shap_rf.csv", dir);
    rc |= import_csv_read(path, &want, &wrows, &wcols);

    (void) snprintf(path, sizeof(path), "%s/rf.json", dir);
    m = rc == 0 ? import_load(path, MLCLF_IMPORT_SKLEARN, &buf) : NULL;

    if (!ok(m != NULL && rows == 60 && wrows == 60 && cols == 5
            && wcols == 18, "the forest imports, 60 rows of 5, 18 values"))
    {
        if (m != NULL) {
            mlclf_model_close(&m);
            free(buf);
        }

        free(x);
        free(want);
        return;
    }

    phi = calloc(18, sizeof(double));
    scratch = calloc(mlclf_explain_scratch(m) + 1, sizeof(double));
    worst = phi != NULL && scratch != NULL ? 0.0 : INFINITY;

    for (r = 0; worst != INFINITY && r < rows; r++) {
        mlclf_explain(m, x + r * 5, phi, scratch);

        for (j = 0; j < 18; j++) {
            worst = fmax(worst, fabs(phi[j] - want[r * 18 + j]));
        }
    }

    ok(worst <= 1e-9, "rf: 60 rows explained as the brute-force Shapley "
       "values within 1e-9");
    tap_diag("rf: largest difference %.3g", worst);

    free(phi);
    free(scratch);
    free(x);
    free(want);
    mlclf_model_close(&m);
    free(buf);
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

    t_trained(dir);
    t_sklearn(dir);

    free(x);
    files_tmpdir_done(dir, tap_failed);

    return tap_done();
}
