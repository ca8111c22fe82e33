
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the importer fuzz targets share: one input through a parser, a
 * refusal's code and message checked, and an accepted model taken the
 * whole way mlclf-import takes it (default names, spec, writer, the
 * reader's full check) and served a few fixed rows.  Each target adds
 * its format's own checks of an accepted import.
 */


#ifndef _FUZZ_IMPORT_H_INCLUDED_
#define _FUZZ_IMPORT_H_INCLUDED_


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_import.h>
#include "fuzz.h"


typedef int (*fuzz_import_parse_pt)(mlclf_import_t *im, const char *buf,
    size_t len, mlclf_err_t *err);
typedef void (*fuzz_import_check_pt)(const mlclf_import_t *im);

typedef struct {
    const char               *path;         /* in every message */
    mlclf_import_format_e     format;
    fuzz_import_parse_pt      parse;
    fuzz_import_check_pt      check;        /* an accepted import */
    const double             *values;       /* the rows' values */
    size_t                    n_values;
} fuzz_import_t;


/*
 * Rows of one value each, then rows that mix them; NaN only for a model
 * that routes missing values.  Probabilities in [0, 1], the top one
 * returned, and a sum of 1 but for per-class sigmoids.
 */
static void
fuzz_import_predict(const fuzz_import_t *fi, const mlclf_import_t *im,
    const mlclf_model_t *m)
{
    int        missing, normalised;
    double     p[64], *x, *proba, sum, v;
    size_t     r, nv;
    uint32_t   j, k, nf, nc, top;

    nf = mlclf_model_n_features(m);
    nc = mlclf_model_n_classes(m);
    nv = fi->n_values;
    missing = mlclf_model_routes_missing(m);
    normalised = !(im->kind == MLCLF_KIND_GBT && im->n_outputs > 1
                   && im->link == MLCLF_LINK_SIGMOID);

    x = malloc(nf * sizeof(double));
    proba = nc <= 64 ? p : malloc(nc * sizeof(double));

    if (x == NULL || proba == NULL) {
        free(x);
        if (proba != p) {
            free(proba);
        }
        return;
    }

    for (r = 0; r < 2 * nv; r++) {
        for (j = 0; j < nf; j++) {
            v = fi->values[(r < nv ? r : r + j) % nv];
            x[j] = (isnan(v) && !missing) ? 0.0 : v;
        }

        top = mlclf_predict_proba(m, x, proba);
        FUZZ_CHECK(top < nc);

        sum = 0.0;

        for (k = 0; k < nc; k++) {
            FUZZ_CHECK(proba[k] >= 0.0 && proba[k] <= 1.0);
            FUZZ_CHECK(proba[k] <= proba[top]);
            sum += proba[k];
        }

        FUZZ_CHECK(!normalised || fabs(sum - 1.0) < 1e-9);
    }

    free(x);
    if (proba != p) {
        free(proba);
    }
}


/* An accepted import: names, spec, written, read back, served. */
static void
fuzz_import_serve(const fuzz_import_t *fi, mlclf_import_t *im)
{
    int             rc;
    void           *out;
    size_t          len;
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    FUZZ_CHECK(im->n_features >= 1 && im->n_features <= MLCLF_MAX_FEATURES);
    FUZZ_CHECK(im->n_classes >= 2);
    FUZZ_CHECK(im->kind == MLCLF_KIND_LOGREG || im->n_trees >= 1);

    fi->check(im);

    /* names from the source can be refused (not printable, repeated) */
    rc = mlclf_import_names(im, NULL, NULL, &err);
    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);
    if (rc != MLCLF_OK) {
        return;
    }

    rc = mlclf_import_spec(im, &spec, &err);
    FUZZ_CHECK(rc == MLCLF_OK);

    out = NULL;
    rc = mlclf_write_buffer(&spec, &out, &len, &err);

    if (rc != MLCLF_OK && getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "write: %d %s\n", rc, err.msg);
    }

    /* the importer may not accept what the model format refuses */
    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_ENOMEM);
    if (rc != MLCLF_OK) {
        return;
    }

    m = NULL;
    rc = mlclf_model_load(&m, out, len, &err);

    if (rc != MLCLF_OK && getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "load: %d %s\n", rc, err.msg);
    }

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_ENOMEM);

    if (m != NULL) {
        FUZZ_CHECK(mlclf_model_n_features(m) == im->n_features);
        FUZZ_CHECK(mlclf_model_n_classes(m) == im->n_classes);
        fuzz_import_predict(fi, im, m);
        mlclf_model_close(&m);
    }

    free(out);
}


/*
 * One input: exactly size bytes and the NUL the parsers are promised,
 * so that ASan sees any read past them.  A refusal is MLCLF_EINVAL or
 * MLCLF_ENOMEM, with a message that starts with the file's name.
 */
static int
fuzz_import_one(const fuzz_import_t *fi, const uint8_t *data, size_t size)
{
    int             rc;
    char           *buf;
    mlclf_err_t     err;
    mlclf_import_t  im;

    buf = malloc(size + 1);
    if (buf == NULL) {
        return 0;
    }

    memcpy(buf, data, size);
    buf[size] = '\0';

    memset(&err, 0, sizeof(err));
    mlclf_import_init(&im, fi->path, fi->format);

    rc = fi->parse(&im, buf, size, &err);

    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "%s: %d %s\n", fi->path, rc, rc ? err.msg : "");
    }

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);

    if (rc != MLCLF_OK) {
        FUZZ_CHECK(err.code == rc);
        FUZZ_CHECK(strncmp(err.msg, fi->path, strlen(fi->path)) == 0
                   && err.msg[strlen(fi->path)] == ':');

    } else {
        fuzz_import_serve(fi, &im);
    }

    mlclf_import_free(&im);
    free(buf);

    return 0;
}


#endif /* _FUZZ_IMPORT_H_INCLUDED_ */
