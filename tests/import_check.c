
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The importer tests' shared steps (import_check.h).
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf_import_run.h>

#include "files.h"
#include "import_check.h"


static int import_build(const char *path, mlclf_import_format_e format,
    void **buf, size_t *len, mlclf_err_t *err);
static uint32_t import_top(const double *p, uint32_t n, double *gap);


int
import_csv_read(const char *path, double **v, size_t *rows, size_t *cols)
{
    char    *text, *p, *end;
    size_t   len, n, c, cap;
    double  *out, *more;

    text = files_read(path, &len);
    if (text == NULL) {
        printf("# cannot read %s\n", path);
        return -1;
    }

    /* the header gives the column count */
    p = strchr(text, '\n');
    if (p == NULL) {
        printf("# %s: no header line\n", path);
        free(text);
        return -1;
    }

    *cols = 1;

    for (end = text; end < p; end++) {
        *cols += *end == ',';
    }

    p++;
    cap = 1024;
    out = malloc(cap * *cols * sizeof(double));
    n = 0;

    while (out != NULL && *p != '\0') {
        if (n == cap) {
            cap *= 2;
            more = realloc(out, cap * *cols * sizeof(double));
            if (more == NULL) {
                free(out);
                out = NULL;
                break;
            }

            out = more;
        }

        for (c = 0; c < *cols; c++) {
            if (*p == ',' || *p == '\n' || *p == '\0') {
                out[n * *cols + c] = NAN;
                end = p;

            } else {
                out[n * *cols + c] = strtod(p, &end);
            }

            if (*end != (c + 1 == *cols ? '\n' : ',')) {
                printf("# %s: row %zu column %zu is malformed\n", path,
                       n + 1, c + 1);
                free(out);
                free(text);
                return -1;
            }

            p = end + 1;
        }

        n++;
    }

    free(text);

    if (out == NULL) {
        printf("# %s: out of memory\n", path);
        return -1;
    }

    *v = out;
    *rows = n;

    return 0;
}


static int
import_build(const char *path, mlclf_import_format_e format, void **buf,
    size_t *len, mlclf_err_t *err)
{
    int             rc;
    char           *src;
    size_t          src_len;
    mlclf_spec_t    spec;
    mlclf_import_t  im;

    src = files_read(path, &src_len);
    if (src == NULL) {
        return mlclf_err_set(err, MLCLF_EIO, "cannot read %s", path);
    }

    mlclf_import_init(&im, path, format);

    rc = mlclf_import_parse(&im, src, src_len, err);

    if (rc == MLCLF_OK) {
        rc = mlclf_import_names(&im, NULL, NULL, err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_import_spec(&im, &spec, err);
    }

    if (rc == MLCLF_OK && buf != NULL) {
        rc = mlclf_write_buffer(&spec, buf, len, err);
    }

    mlclf_import_free(&im);
    free(src);

    return rc;
}


mlclf_model_t *
import_load(const char *path, mlclf_import_format_e format, void **buf)
{
    int             rc;
    size_t          len;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    *buf = NULL;

    rc = import_build(path, format, buf, &len, &err);
    if (rc != MLCLF_OK) {
        printf("# import %s: %s\n", path, err.msg);
        return NULL;
    }

    rc = mlclf_model_load(&m, *buf, len, &err);
    if (rc != MLCLF_OK) {
        printf("# load %s: %s\n", path, err.msg);
        free(*buf);
        *buf = NULL;
        return NULL;
    }

    return m;
}


int
import_refuse(const char *path, mlclf_import_format_e format,
    mlclf_err_t *err)
{
    err->code = MLCLF_OK;
    err->msg[0] = '\0';

    return import_build(path, format, NULL, NULL, err);
}


/* The most probable class, and its lead over the second. */
static uint32_t
import_top(const double *p, uint32_t n, double *gap)
{
    uint32_t  k, best, second;

    best = p[1] > p[0] ? 1 : 0;
    second = 1 - best;

    for (k = 2; k < n; k++) {
        if (p[k] > p[best]) {
            second = best;
            best = k;

        } else if (p[k] > p[second]) {
            second = k;
        }
    }

    *gap = p[best] - p[second];

    return best;
}


size_t
import_compare(const mlclf_model_t *m, const double *x, const double *want,
    size_t rows, double tol, double *max_diff)
{
    int            row_bad;
    double        *proba, d, gap;
    size_t         r, bad;
    uint32_t       k, nc, nf, got;
    const double  *w;

    nc = mlclf_model_n_classes(m);
    nf = mlclf_model_n_features(m);
    proba = malloc(nc * sizeof(double));
    bad = 0;
    *max_diff = 0.0;

    for (r = 0; proba != NULL && r < rows; r++) {
        w = want + r * nc;
        row_bad = 0;
        got = mlclf_predict_proba(m, x + r * nf, proba);

        for (k = 0; k < nc; k++) {
            d = fabs(proba[k] - w[k]);

            if (!(d <= *max_diff)) {
                *max_diff = isnan(d) ? INFINITY : d;
            }

            row_bad |= !(d <= tol);
        }

        if (import_top(w, nc, &gap) != got && gap > tol) {
            row_bad = 1;
        }

        if (row_bad && bad++ < 5) {
            printf("# row %zu: class %u, P = %.17g; want P = %.17g\n", r,
                   got, proba[got], w[got]);
        }
    }

    free(proba);

    return bad;
}
