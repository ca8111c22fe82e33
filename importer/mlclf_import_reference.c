
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf-import --reference FILE.csv: the reference distributions of an
 * imported model (docs/monitoring.md) from a sample of its training
 * data.  The CSV's header names the columns; the model's features must
 * all be there (other columns are ignored), each field a number or
 * empty (missing); --reference-label names the column of the true
 * labels, the label prior.  Fields are separated by commas, lines by LF
 * or CRLF; quotes are refused (names and numbers need none).  The rows
 * are scored by the imported model itself for the predicted-class
 * shares.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf_file.h>

#include "mlclf_import.h"
#include "mlclf_import_run.h"


/* One CSV line being read: its fields' starts and ends. */
typedef struct {
    const char               *path;
    size_t                    line;
    size_t                    n;            /* fields */
    size_t                    cap;
    const char              **s;
    const char              **e;
} mlclf_import_line_t;


/* The sample, read: values row-major, the labels, the predictions. */
typedef struct {
    const mlclf_model_t      *m;
    uint32_t                  ni;
    size_t                   *col;          /* input -> CSV column */
    size_t                    label;        /* CSV column, or SIZE_MAX */
    size_t                    n_rows;
    size_t                    cap;
    double                   *x;            /* n_rows x ni */
    uint64_t                 *pred;         /* n_classes */
    uint64_t                 *prior;        /* n_classes */
    double                   *proba;
    double                   *row;
} mlclf_import_sample_t;


static int mlclf_import_ref_line(mlclf_import_line_t *l, const char **pp,
    const char *end, mlclf_err_t *err);
static int mlclf_import_ref_header(mlclf_import_sample_t *t,
    mlclf_import_line_t *l, const char *label, mlclf_err_t *err);
static int mlclf_import_ref_row(mlclf_import_sample_t *t,
    mlclf_import_line_t *l, mlclf_err_t *err);
static int mlclf_import_ref_make(mlclf_import_ref_t *ref,
    mlclf_import_sample_t *t, mlclf_spec_t *spec, mlclf_err_t *err);


int
mlclf_import_reference(mlclf_import_ref_t *ref, const char *path,
    const char *label, mlclf_spec_t *spec, mlclf_err_t *err)
{
    int                     rc;
    char                   *buf;
    void                   *model;
    size_t                  len, model_len, nc;
    const char             *p, *end;
    mlclf_model_t          *m;
    mlclf_import_line_t     l;
    mlclf_import_sample_t   t;

    memset(ref, 0, sizeof(*ref));
    memset(&l, 0, sizeof(l));
    memset(&t, 0, sizeof(t));
    l.path = path;
    model = NULL;
    m = NULL;

    rc = mlclf_file_read(path, MLCLF_IMPORT_MAX_FILE, &buf, &len, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* the imported model as it will be served, to read and score with */

    rc = mlclf_write_buffer(spec, &model, &model_len, err);
    if (rc == MLCLF_OK) {
        rc = mlclf_model_load(&m, model, model_len, err);
    }

    if (rc != MLCLF_OK) {
        goto done;
    }

    if (mlclf_drift_n_inputs(m) != mlclf_model_n_features(m)) {
        rc = mlclf_err_set(err, MLCLF_EINVAL, "%s: a model with category "
                           "or text inputs takes no --reference", path);
        goto done;
    }

    nc = mlclf_model_n_classes(m);
    t.m = m;
    t.ni = mlclf_drift_n_inputs(m);
    t.col = calloc(t.ni, sizeof(size_t));
    t.pred = calloc(nc, sizeof(uint64_t));
    t.prior = calloc(nc, sizeof(uint64_t));
    t.proba = malloc(nc * sizeof(double));
    t.row = malloc(mlclf_model_n_features(m) * sizeof(double));

    if (t.col == NULL || t.pred == NULL || t.prior == NULL
        || t.proba == NULL || t.row == NULL)
    {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto done;
    }

    p = buf;
    end = buf + len;

    rc = mlclf_import_ref_line(&l, &p, end, err);
    if (rc == MLCLF_OK) {
        rc = mlclf_import_ref_header(&t, &l, label, err);
    }

    while (rc == MLCLF_OK && p < end) {
        rc = mlclf_import_ref_line(&l, &p, end, err);

        if (rc == MLCLF_OK && !(l.n == 1 && l.s[0] == l.e[0])) {
            rc = mlclf_import_ref_row(&t, &l, err);
        }
    }

    if (rc == MLCLF_OK && t.n_rows == 0) {
        rc = mlclf_err_set(err, MLCLF_EINVAL, "%s:2:1: no rows after the "
                           "header: the reference needs at least one",
                           path);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_import_ref_make(ref, &t, spec, err);
    }

done:

    if (rc != MLCLF_OK) {
        mlclf_import_ref_free(ref);
    }

    mlclf_model_close(&m);
    free(model);
    free(buf);
    free(l.s);
    free(l.e);
    free(t.col);
    free(t.x);
    free(t.pred);
    free(t.prior);
    free(t.proba);
    free(t.row);

    return rc;
}


/* The fields of the line at *pp; *pp moves past its end. */
static int
mlclf_import_ref_line(mlclf_import_line_t *l, const char **pp,
    const char *end, mlclf_err_t *err)
{
    void        *ns, *ne;
    const char  *p, *q;

    p = *pp;
    q = memchr(p, '\n', (size_t) (end - p));
    q = q != NULL ? q : end;
    *pp = q < end ? q + 1 : end;

    if (q > p && q[-1] == '\r') {
        q--;
    }

    l->line++;
    l->n = 0;

    for ( ;; ) {
        if (l->n == l->cap) {
            l->cap = 2 * l->cap + 16;
            ns = realloc(l->s, l->cap * sizeof(char *));
            ne = realloc(l->e, l->cap * sizeof(char *));

            if (ns != NULL) {
                l->s = ns;
            }

            if (ne != NULL) {
                l->e = ne;
            }

            if (ns == NULL || ne == NULL) {
                return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            }
        }

        l->s[l->n] = p;

        while (p < q && *p != ',') {
            if (*p == '"') {
                return mlclf_err_set(err, MLCLF_EINVAL, "%s:%zu:%zu: a "
                                     "quote: reference fields are names "
                                     "and numbers, unquoted", l->path,
                                     l->line, (size_t) (p - l->s[0]) + 1);
            }

            p++;
        }

        l->e[l->n++] = p;

        if (p == q) {
            return MLCLF_OK;
        }

        p++;
    }
}


/* Each input's column, and the label's. */
static int
mlclf_import_ref_header(mlclf_import_sample_t *t, mlclf_import_line_t *l,
    const char *label, mlclf_err_t *err)
{
    size_t       k, n;
    int32_t      i;
    uint32_t     j;
    const char  *name;

    for (j = 0; j < t->ni; j++) {
        t->col[j] = SIZE_MAX;
    }

    t->label = SIZE_MAX;

    for (k = 0; k < l->n; k++) {
        n = (size_t) (l->e[k] - l->s[k]);
        i = mlclf_model_feature_index(t->m, l->s[k], n);

        if (i >= 0 && t->col[i] == SIZE_MAX) {
            t->col[i] = k;
        }

        if (label != NULL && t->label == SIZE_MAX && strlen(label) == n
            && memcmp(label, l->s[k], n) == 0)
        {
            t->label = k;
        }
    }

    for (j = 0; j < t->ni; j++) {
        if (t->col[j] == SIZE_MAX) {
            name = mlclf_model_feature_name(t->m, j);
            return mlclf_err_set(err, MLCLF_EINVAL, "%s:1:1: no column "
                                 "\"%s\", a feature of the model", l->path,
                                 name);
        }
    }

    if (label != NULL && t->label == SIZE_MAX) {
        return mlclf_err_set(err, MLCLF_EINVAL, "%s:1:1: no column \"%.64s\" "
                             "(--reference-label)", l->path, label);
    }

    return MLCLF_OK;
}


/* One row: its numbers kept, its label counted, its prediction made. */
static int
mlclf_import_ref_row(mlclf_import_sample_t *t, mlclf_import_line_t *l,
    mlclf_err_t *err)
{
    void           *p;
    double          d;
    size_t          k, n, at;
    uint32_t        j, c, cls;
    const char     *s, *e, *stop;
    const double   *impute;

    if (t->label != SIZE_MAX && t->label >= l->n) {
        return mlclf_err_set(err, MLCLF_EINVAL, "%s:%zu:%zu: no field for "
                             "the label: the row ends first", l->path,
                             l->line,
                             (size_t) (l->e[l->n - 1] - l->s[0]) + 1);
    }

    if (t->n_rows == t->cap) {
        t->cap = 2 * t->cap + 64;
        p = realloc(t->x, t->cap * t->ni * sizeof(double));
        if (p == NULL) {
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }

        t->x = p;
    }

    impute = mlclf_model_impute(t->m);

    for (j = 0; j < t->ni; j++) {
        k = t->col[j];

        if (k >= l->n) {
            return mlclf_err_set(err, MLCLF_EINVAL, "%s:%zu:%zu: no field "
                                 "for \"%s\": the row ends first", l->path,
                                 l->line, (size_t) (l->e[l->n - 1] - l->s[0])
                                 + 1, mlclf_model_feature_name(t->m, j));
        }

        s = l->s[k];
        e = l->e[k];
        at = (size_t) (s - l->s[0]) + 1;
        d = NAN;

        if (s != e) {
            stop = mlclf_double_parse(s, e, MLCLF_DOUBLE_DECIMAL, &d);

            if (stop != e || !isfinite(d)) {
                n = (size_t) (e - s);
                return mlclf_err_set(err, MLCLF_EINVAL, "%s:%zu:%zu: \"%.*s\" "
                                     "(%s) is not a finite number", l->path,
                                     l->line, at, (int) (n < 64 ? n : 64), s,
                                     mlclf_model_feature_name(t->m, j));
            }

        } else if (impute == NULL && !mlclf_model_routes_missing(t->m)) {
            return mlclf_err_set(err, MLCLF_EINVAL, "%s:%zu:%zu: \"%s\" is "
                                 "empty, and the model takes no missing "
                                 "value", l->path, l->line, at,
                                 mlclf_model_feature_name(t->m, j));
        }

        t->x[t->n_rows * t->ni + j] = d;
        t->row[j] = isnan(d) && impute != NULL ? impute[j] : d;
    }

    if (t->label != SIZE_MAX) {
        s = l->s[t->label];
        n = (size_t) (l->e[t->label] - s);

        for (c = 0; c < mlclf_model_n_classes(t->m); c++) {
            if (strlen(mlclf_model_class_label(t->m, c)) == n
                && memcmp(mlclf_model_class_label(t->m, c), s, n) == 0)
            {
                break;
            }
        }

        if (c == mlclf_model_n_classes(t->m)) {
            return mlclf_err_set(err, MLCLF_EINVAL, "%s:%zu:%zu: label "
                                 "\"%.*s\" is not a class of the model",
                                 l->path, l->line,
                                 (size_t) (s - l->s[0]) + 1,
                                 (int) (n < 64 ? n : 64), s);
        }

        t->prior[c]++;
    }

    cls = mlclf_predict_proba(t->m, t->row, t->proba);
    t->pred[cls]++;
    t->n_rows++;

    return MLCLF_OK;
}


/* Each input's cut points and shares, packed in input order. */
static int
mlclf_import_ref_make(mlclf_import_ref_t *ref, mlclf_import_sample_t *t,
    mlclf_spec_t *spec, mlclf_err_t *err)
{
    double    *v;
    size_t     r, n, nc, c;
    uint32_t   j, k;

    nc = mlclf_model_n_classes(t->m);

    ref->drift = calloc(t->ni, sizeof(mlclf_file_drift_t));
    ref->edges = malloc(((size_t) t->ni * MLCLF_DRIFT_MAX_CUTS + 1)
                        * sizeof(double));
    ref->shares = malloc((size_t) t->ni * MLCLF_DRIFT_MAX_BINS
                         * sizeof(double));
    ref->classes = malloc(2 * nc * sizeof(double));
    v = malloc(t->n_rows * sizeof(double));

    if (ref->drift == NULL || ref->edges == NULL || ref->shares == NULL
        || ref->classes == NULL || v == NULL)
    {
        free(v);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (j = 0; j < t->ni; j++) {
        n = 0;

        for (r = 0; r < t->n_rows; r++) {
            if (!isnan(t->x[r * t->ni + j])) {
                v[n++] = t->x[r * t->ni + j];
            }
        }

        k = mlclf_drift_make_cuts(v, n, t->n_rows,
                                  ref->edges + ref->n_edges,
                                  ref->shares + ref->n_shares);

        ref->drift[j].kind = MLCLF_DRIFT_NUMBER;
        ref->drift[j].n_bins = k + 2;
        ref->drift[j].first = ref->n_edges;
        ref->drift[j].share = ref->n_shares;
        ref->n_edges += k;
        ref->n_shares += k + 2;
    }

    free(v);

    for (c = 0; c < nc; c++) {
        ref->classes[c] = (double) t->pred[c] / (double) t->n_rows;
        ref->classes[nc + c] = (double) t->prior[c] / (double) t->n_rows;
    }

    spec->drift = ref->drift;
    spec->n_drift_edges = ref->n_edges;
    spec->drift_edges = ref->edges;
    spec->n_drift_shares = ref->n_shares;
    spec->drift_shares = ref->shares;
    spec->class_shares = ref->classes;
    spec->class_prior = t->label != SIZE_MAX;

    return MLCLF_OK;
}


void
mlclf_import_ref_free(mlclf_import_ref_t *ref)
{
    free(ref->drift);
    free(ref->edges);
    free(ref->shares);
    free(ref->classes);
    memset(ref, 0, sizeof(*ref));
}
