
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A configuration with category or text features as a model with raw
 * inputs: the strings are read again from the CSV records (the reader
 * validated them), each input is fitted on the train rows, and every
 * row is featurized by the core through a model that holds the inputs.
 */


#include <stdlib.h>
#include <string.h>
#include <mlclf_input.h>
#include <mlclf_strtab.h>
#include <mlclf_train.h>
#include <mlclf_train_category.h>
#include <mlclf_train_chunk.h>
#include <mlclf_train_csv.h>
#include <mlclf_train_inputs.h>


static int mlclf_ti_strings(mlclf_ti_t *t);
static int mlclf_ti_record(mlclf_ti_t *t, size_t r, char **scratch,
    size_t *size);
static int mlclf_ti_layout(mlclf_ti_t *t);
static int mlclf_ti_category(mlclf_ti_t *t, size_t k,
    mlclf_file_input_t *fi);
static int mlclf_ti_rows(mlclf_ti_t *t, const mlclf_model_t *m);
static int mlclf_ti_dense(mlclf_ti_t *t);
static int mlclf_ti_drift(mlclf_ti_t *t, const mlclf_model_t *m,
    mlclf_train_drift_t *dr);
static int mlclf_ti_value_cmp(const void *a, const void *b);
static size_t mlclf_ti_line(const mlclf_train_data_t *d, size_t r);


int
mlclf_train_inputs_wanted(const mlclf_train_config_t *cf)
{
    size_t  k;

    for (k = 0; k < cf->n_features; k++) {
        if (cf->features[k].type > MLCLF_TRAIN_TYPE_INTEGER) {
            return 1;
        }
    }

    return 0;
}


int
mlclf_train_inputs_build(mlclf_train_inputs_t *in,
    const mlclf_train_config_t *cf, mlclf_train_data_t *d,
    const size_t *train, size_t n_train, const double *impute,
    mlclf_train_drift_t *dr, mlclf_err_t *err)
{
    int             rc;
    void           *buf;
    size_t          len, k;
    mlclf_ti_t      t;
    double         *w, *b;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    memset(in, 0, sizeof(*in));
    memset(&t, 0, sizeof(t));
    t.cf = cf;
    t.d = d;
    t.train = train;
    t.n_train = n_train;
    t.in = in;
    t.err = err;

    buf = NULL;
    m = NULL;
    w = NULL;
    b = NULL;

    rc = mlclf_ti_strings(&t);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_ti_layout(&t);
    if (rc != MLCLF_OK) {
        goto done;
    }

    if (impute != NULL) {
        in->impute = calloc(in->n_columns, sizeof(double));
        if (in->impute == NULL) {
            rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            goto done;
        }

        for (k = 0; k < cf->n_features; k++) {
            if (in->inputs[k].type == MLCLF_INPUT_NUMBER) {
                in->impute[in->inputs[k].column] = impute[k];
            }
        }
    }

    /* a model of the inputs alone, to featurize with the core's code */

    w = calloc((size_t) d->n_classes * in->n_columns, sizeof(double));
    b = calloc(d->n_classes, sizeof(double));
    if (w == NULL || b == NULL) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        goto done;
    }

    memset(&spec, 0, sizeof(spec));
    spec.kind = MLCLF_KIND_LOGREG;
    spec.n_features = in->n_columns;
    spec.n_classes = (uint32_t) d->n_classes;
    spec.class_labels = (const char *const *) d->classes;
    spec.n_outputs = (uint32_t) d->n_classes;
    spec.weights = w;
    spec.bias = b;
    mlclf_train_inputs_spec(in, &spec);

    rc = mlclf_write_buffer(&spec, &buf, &len, err);
    if (rc == MLCLF_OK) {
        rc = mlclf_model_load(&m, buf, len, err);
    }

    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_ti_rows(&t, m);
    if (rc != MLCLF_OK) {
        goto done;
    }

    if (dr != NULL) {
        rc = mlclf_ti_drift(&t, m, dr);
        if (rc != MLCLF_OK) {
            goto done;
        }
    }

    free(d->x);
    d->x = NULL;
    d->n_features = in->n_columns;
    d->sp_ptr = in->ptr;
    d->sp_terms = in->terms;

    if (cf->kind != MLCLF_KIND_LOGREG) {
        rc = mlclf_ti_dense(&t);
    }

done:

    mlclf_model_close(&m);
    free(buf);
    free(w);
    free(b);
    free(t.slot);
    free(t.arena);
    free(t.soff);
    free(t.slen);

    if (rc != MLCLF_OK) {
        mlclf_train_inputs_free(in);
    }

    return rc;
}


/* Every string feature's value in every row, unescaped, in one arena. */
static int
mlclf_ti_strings(mlclf_ti_t *t)
{
    int      rc;
    char    *scratch;
    size_t   k, size, n;

    t->slot = malloc(t->cf->n_features * sizeof(size_t));
    if (t->slot == NULL) {
        return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
    }

    for (k = 0; k < t->cf->n_features; k++) {
        t->slot[k] = t->cf->features[k].type > MLCLF_TRAIN_TYPE_INTEGER
                     ? t->n_str++ : (size_t) -1;
    }

    n = t->n_str * (t->d->n_rows ? t->d->n_rows : 1);
    t->soff = calloc(n, sizeof(size_t));
    t->slen = calloc(n, sizeof(size_t));

    /* never NULL: an empty string is a pointer into it too */
    t->arena_cap = 64;
    t->arena = malloc(t->arena_cap);

    if (t->soff == NULL || t->slen == NULL || t->arena == NULL) {
        return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
    }

    scratch = NULL;
    size = 0;
    rc = MLCLF_OK;

    for (k = 0; k < t->d->n_rows && rc == MLCLF_OK; k++) {
        rc = mlclf_ti_record(t, k, &scratch, &size);
    }

    free(scratch);

    return rc;
}


/* Row r's string fields, from its CSV record, into the arena. */
static int
mlclf_ti_record(mlclf_ti_t *t, size_t r, char **scratch, size_t *size)
{
    char                     *na;
    size_t                    col, line, len, cap, k;
    int32_t                   role;
    const char               *p, *end, *s;
    mlclf_train_csv_field_t   f;

    p = t->d->text + t->d->rec_off[r];
    end = p + t->d->rec_len[r];
    line = 0;

    for (col = 0; col < t->d->n_cols; col++) {
        if (mlclf_train_csv_scan(&p, end, &f, &line) != 0) {
            break;
        }

        if (p < end && *p == ',') {
            p++;
        }

        role = t->d->roles[col];

        if (role < 0 || t->slot[role] == (size_t) -1) {
            continue;
        }

        k = (size_t) role;

        if (mlclf_train_csv_unescape(&f, scratch, size, &s, &len)
            != MLCLF_OK)
        {
            return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
        }

        if (t->arena_len + len + 1 > t->arena_cap) {
            cap = 2 * (t->arena_len + len + 1);
            na = realloc(t->arena, cap);
            if (na == NULL) {
                return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
            }

            t->arena = na;
            t->arena_cap = cap;
        }

        memcpy(t->arena + t->arena_len, s, len);
        t->arena[t->arena_len + len] = '\0';

        t->soff[t->slot[k] * t->d->n_rows + r] = t->arena_len;
        t->slen[t->slot[k] * t->d->n_rows + r] = len;
        t->arena_len += len + 1;
    }

    return MLCLF_OK;
}


/* Each feature in turn becomes an input over its run of columns. */
static int
mlclf_ti_layout(mlclf_ti_t *t)
{
    int                   rc;
    size_t                k, nf;
    uint64_t              col;
    mlclf_file_input_t   *fi;
    mlclf_train_inputs_t *in;

    in = t->in;
    nf = t->cf->n_features;

    in->inputs = calloc(nf, sizeof(mlclf_file_input_t));
    in->names = calloc(nf, sizeof(char *));
    in->texts = calloc(nf, sizeof(mlclf_file_text_t));
    if (in->inputs == NULL || in->names == NULL || in->texts == NULL) {
        return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
    }

    in->n_inputs = (uint32_t) nf;
    col = 0;

    for (k = 0; k < nf; k++) {
        fi = &in->inputs[k];
        in->names[k] = t->cf->features[k].name;
        fi->column = (uint32_t) col;

        switch (t->cf->features[k].type) {

        case MLCLF_TRAIN_TYPE_CATEGORY:
            rc = mlclf_ti_category(t, k, fi);
            break;

        case MLCLF_TRAIN_TYPE_TEXT:
            rc = mlclf_ti_text(t, k, fi);
            break;

        default:
            fi->type = MLCLF_INPUT_NUMBER;
            fi->width = 1;
            rc = MLCLF_OK;
        }

        if (rc != MLCLF_OK) {
            return rc;
        }

        col += fi->width;

        if (col > MLCLF_MAX_COLUMNS) {
            return mlclf_err_set(t->err, MLCLF_EINVAL, "%s: the features "
                                 "make more than %u columns", t->cf->path,
                                 MLCLF_MAX_COLUMNS);
        }
    }

    in->n_columns = (uint32_t) col;

    return MLCLF_OK;
}


/*
 * OneHotEncoder's categories (mlclf_train_category.h) on the train
 * rows: the kept ones a column each in their order, the infrequent ones
 * sharing one more; all in one sorted slice of the value table.
 */
static int
mlclf_ti_category(mlclf_ti_t *t, size_t k, mlclf_file_input_t *fi)
{
    int                      rc;
    size_t                   i, n;
    size_t                  *lens;
    const char             **vals;
    mlclf_ti_value_t        *v;
    mlclf_train_category_t   cat;

    vals = malloc((t->n_train ? t->n_train : 1) * sizeof(char *));
    lens = malloc((t->n_train ? t->n_train : 1) * sizeof(size_t));
    v = NULL;
    memset(&cat, 0, sizeof(cat));

    if (vals == NULL || lens == NULL) {
        rc = mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
        goto done;
    }

    for (i = 0; i < t->n_train; i++) {
        vals[i] = mlclf_ti_str(t, k, t->train[i]);
        lens[i] = mlclf_ti_len(t, k, t->train[i]);
    }

    rc = mlclf_train_category_fit(&cat, &t->cf->features[k].category,
                                  vals, lens, t->n_train, t->err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    n = cat.n_kept + cat.n_infrequent;
    v = malloc(n * sizeof(mlclf_ti_value_t));
    if (v == NULL) {
        rc = mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
        goto done;
    }

    for (i = 0; i < cat.n_kept; i++) {
        v[i].s = cat.kept[i].value;
        v[i].len = cat.kept[i].len;
        v[i].column = (uint32_t) i;
    }

    for (i = 0; i < cat.n_infrequent; i++) {
        v[cat.n_kept + i].s = cat.infrequent[i].value;
        v[cat.n_kept + i].len = cat.infrequent[i].len;
        v[cat.n_kept + i].column = (uint32_t) cat.n_kept;
    }

    fi->type = MLCLF_INPUT_CATEGORY;
    fi->width = (uint32_t) cat.n_columns;
    fi->first = t->in->n_values;
    fi->count = (uint32_t) n;

    switch (cat.unknown) {

    case MLCLF_TRAIN_UNKNOWN_IGNORE:
        fi->flags = MLCLF_UNKNOWN_IGNORE;
        break;

    case MLCLF_TRAIN_UNKNOWN_INFREQUENT:
        fi->flags = cat.n_infrequent ? MLCLF_UNKNOWN_COLUMN
                                     : MLCLF_UNKNOWN_IGNORE;
        fi->param = cat.n_infrequent ? (uint32_t) cat.n_kept : 0;
        break;

    default:
        fi->flags = MLCLF_UNKNOWN_ERROR;
    }

    rc = mlclf_ti_values(t, v, n, 1);

done:

    free(vals);
    free(lens);
    free(v);
    mlclf_train_category_free(&cat);

    return rc;
}


/* n values appended to the value table, sorted first if asked. */
int
mlclf_ti_values(mlclf_ti_t *t, mlclf_ti_value_t *v, size_t n, int sort)
{
    void                  *p;
    size_t                 i, need, bytes;
    mlclf_train_inputs_t  *in;

    in = t->in;

    if (sort) {
        qsort(v, n, sizeof(mlclf_ti_value_t), mlclf_ti_value_cmp);
    }

    need = (size_t) in->n_values + n;

    if (need + 1 > t->values_cap) {
        t->values_cap = 2 * (need + 1);

        p = realloc(in->value_offsets, t->values_cap * sizeof(uint32_t));
        if (p == NULL) {
            return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
        }

        in->value_offsets = p;

        p = realloc(in->value_columns, t->values_cap * sizeof(uint32_t));
        if (p == NULL) {
            return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
        }

        in->value_columns = p;
    }

    bytes = t->bytes_len;

    for (i = 0; i < n; i++) {
        bytes += v[i].len;
    }

    if (bytes > UINT32_MAX - 1) {
        return mlclf_err_set(t->err, MLCLF_EINVAL, "%s: the categories and "
                             "terms hold more than 4 GiB", t->cf->path);
    }

    if (bytes + 1 > t->bytes_cap) {
        t->bytes_cap = 2 * (bytes + 1);

        p = realloc(in->value_bytes, t->bytes_cap);
        if (p == NULL) {
            return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
        }

        in->value_bytes = p;
    }

    in->value_offsets[in->n_values] = t->bytes_len;

    for (i = 0; i < n; i++) {
        memcpy(in->value_bytes + t->bytes_len, v[i].s, v[i].len);
        t->bytes_len += (uint32_t) v[i].len;
        in->value_columns[in->n_values] = v[i].column;
        in->n_values++;
        in->value_offsets[in->n_values] = t->bytes_len;
    }

    return MLCLF_OK;
}


/* Room for n more idf weights at the end of TEXT_IDF. */
double *
mlclf_ti_idf_room(mlclf_ti_t *t, uint32_t n)
{
    void                  *p;
    size_t                 need;
    mlclf_train_inputs_t  *in;

    in = t->in;
    need = (size_t) in->n_idf + n;

    if (need > t->idf_cap) {
        t->idf_cap = 2 * need;

        p = realloc(in->idf, t->idf_cap * sizeof(double));
        if (p == NULL) {
            return NULL;
        }

        in->idf = p;
    }

    in->n_idf += n;

    return in->idf + in->n_idf - n;
}


/* Every row's terms, by the core's featurizer, into in->ptr, terms. */
static int
mlclf_ti_rows(mlclf_ti_t *t, const mlclf_model_t *m)
{
    void                  *p;
    size_t                 r, k, n, cap, need, scratch_size, len, nf;
    ptrdiff_t              got;
    void                  *scratch;
    const char            *s;
    mlclf_train_inputs_t  *in;

    in = t->in;
    nf = t->cf->n_features;

    in->ptr = malloc((t->d->n_rows + 1) * sizeof(size_t));
    if (in->ptr == NULL) {
        return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
    }

    /* never NULL, even for rows of empty texts alone */
    n = 0;
    cap = 1024;
    scratch_size = 64;
    scratch = malloc(scratch_size);
    in->terms = malloc(cap * sizeof(mlclf_text_term_t));

    if (scratch == NULL || in->terms == NULL) {
        goto nomem;
    }

    for (r = 0; r < t->d->n_rows; r++) {
        in->ptr[r] = n;

        for (k = 0; k < nf; k++) {
            need = n + 1;
            len = 0;

            if (in->inputs[k].type == MLCLF_INPUT_TEXT) {
                len = mlclf_ti_len(t, k, r);
                need = n + mlclf_input_text_terms(m, (uint32_t) k, len);

                if (mlclf_input_text_scratch(m, (uint32_t) k, len)
                    > scratch_size)
                {
                    scratch_size = mlclf_input_text_scratch(m, (uint32_t) k,
                                                            len);
                    free(scratch);
                    scratch = malloc(scratch_size);
                    if (scratch == NULL) {
                        goto nomem;
                    }
                }
            }

            if (need > cap) {
                cap = 2 * need + 1024;
                p = realloc(in->terms, cap * sizeof(mlclf_text_term_t));
                if (p == NULL) {
                    goto nomem;
                }

                in->terms = p;
            }

            if (in->inputs[k].type == MLCLF_INPUT_NUMBER) {
                in->terms[n].column = in->inputs[k].column;
                in->terms[n++].value = t->d->x[r * nf + k];
                continue;
            }

            s = mlclf_ti_str(t, k, r);
            len = mlclf_ti_len(t, k, r);

            if (in->inputs[k].type == MLCLF_INPUT_CATEGORY) {
                got = mlclf_input_category(m, (uint32_t) k, s, len,
                                           &in->terms[n]);

            } else {
                got = mlclf_input_text(m, (uint32_t) k, s, len, scratch,
                                       &in->terms[n]);
            }

            if (got < 0) {
                free(scratch);
                return mlclf_err_set(t->err, MLCLF_EINVAL, "%s:%zu:%zu: %s: "
                                     "a category the train rows do not "
                                     "have, and unknown: error refuses it "
                                     "(unknown: ignore or infrequent "
                                     "would take it)", t->cf->data,
                                     mlclf_ti_line(t->d, r),
                                     mlclf_ti_column(t, k),
                                     t->cf->features[k].name);
            }

            n += (size_t) got;
        }
    }

    in->ptr[t->d->n_rows] = n;
    free(scratch);

    return MLCLF_OK;

nomem:

    free(scratch);

    return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
}


/* The reference of each category and text input, from the train rows. */
static int
mlclf_ti_drift(mlclf_ti_t *t, const mlclf_model_t *m, mlclf_train_drift_t *dr)
{
    int           rc;
    size_t        i, k, *len;
    const char  **s;

    s = malloc((t->n_train ? t->n_train : 1) * sizeof(char *));
    len = malloc((t->n_train ? t->n_train : 1) * sizeof(size_t));

    rc = s == NULL || len == NULL
         ? mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory") : MLCLF_OK;

    for (k = 0; rc == MLCLF_OK && k < t->cf->n_features; k++) {
        if (t->in->inputs[k].type == MLCLF_INPUT_NUMBER) {
            continue;
        }

        for (i = 0; i < t->n_train; i++) {
            s[i] = mlclf_ti_str(t, k, t->train[i]);
            len[i] = mlclf_ti_len(t, k, t->train[i]);
        }

        rc = mlclf_train_drift_string(dr, m, (uint32_t) k, s, len,
                                      t->n_train, t->err);
    }

    free(s);
    free(len);

    return rc;
}


/* The dense rows a forest or a gbt is fitted on. */
static int
mlclf_ti_dense(mlclf_ti_t *t)
{
    size_t               r, j, nc;
    double              *x;
    mlclf_train_data_t  *d;

    d = t->d;
    nc = t->in->n_columns;

    if (d->n_rows != 0 && nc > MLCLF_TRAIN_INPUTS_MAX_CELLS / d->n_rows) {
        return mlclf_err_set(t->err, MLCLF_EINVAL, "%s: %zu rows of %zu "
                             "columns are more than a forest or a gbt is "
                             "fitted on here (%zu cells): give the texts "
                             "fewer n_features or max_features",
                             t->cf->path, d->n_rows, nc,
                             MLCLF_TRAIN_INPUTS_MAX_CELLS);
    }

    if (t->cf->kind == MLCLF_KIND_FOREST && t->cf->max_features > nc) {
        return mlclf_err_set(t->err, MLCLF_EINVAL, "%s: model.max_features: "
                             "%u is more than the %zu columns the features "
                             "make", t->cf->path, t->cf->max_features, nc);
    }

    x = calloc(d->n_rows * nc + 1, sizeof(double));
    if (x == NULL) {
        return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
    }

    for (r = 0; r < d->n_rows; r++) {
        for (j = d->sp_ptr[r]; j < d->sp_ptr[r + 1]; j++) {
            x[r * nc + d->sp_terms[j].column] = d->sp_terms[j].value;
        }
    }

    d->x = x;

    return MLCLF_OK;
}


static int
mlclf_ti_value_cmp(const void *a, const void *b)
{
    const mlclf_ti_value_t  *x = a, *y = b;

    return mlclf_str_cmp(x->s, x->len, y->s, y->len);
}


/* The CSV column (from 1) of feature k. */
size_t
mlclf_ti_column(const mlclf_ti_t *t, size_t k)
{
    size_t  col;

    for (col = 0; col < t->d->n_cols; col++) {
        if (t->d->roles[col] == (int32_t) k) {
            return col + 1;
        }
    }

    return 0;
}


/* The file line where row r's record starts (the header is line 1). */
static size_t
mlclf_ti_line(const mlclf_train_data_t *d, size_t r)
{
    size_t       line;
    const char  *p, *end;

    line = 1;
    end = d->text + d->rec_off[r];

    for (p = d->text; p < end; p++) {
        line += *p == '\n';
    }

    return line;
}


void
mlclf_train_inputs_spec(const mlclf_train_inputs_t *in, mlclf_spec_t *spec)
{
    spec->n_features = in->n_columns;
    spec->feature_names = in->names;
    spec->n_inputs = in->n_inputs;
    spec->inputs = in->inputs;
    spec->n_values = in->n_values;
    spec->value_bytes = in->value_bytes;
    spec->value_offsets = in->value_offsets;
    spec->value_columns = in->value_columns;
    spec->n_texts = in->n_texts;
    spec->texts = in->texts;
    spec->n_idf = in->n_idf;
    spec->idf = in->idf;
    spec->impute = in->impute;
}


void
mlclf_train_inputs_importance(const mlclf_train_inputs_t *in,
    const double *column, double *feature)
{
    uint32_t  i, c;

    for (i = 0; i < in->n_inputs; i++) {
        feature[i] = 0.0;

        for (c = 0; c < in->inputs[i].width; c++) {
            feature[i] += column[in->inputs[i].column + c];
        }
    }
}


void
mlclf_train_inputs_free(mlclf_train_inputs_t *in)
{
    free(in->inputs);
    free(in->names);
    free(in->value_bytes);
    free(in->value_offsets);
    free(in->value_columns);
    free(in->texts);
    free(in->idf);
    free(in->impute);
    free(in->ptr);
    free(in->terms);
    memset(in, 0, sizeof(*in));
}
