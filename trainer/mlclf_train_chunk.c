
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The CSV body of the training data, one chunk of whole records at a
 * time: fields to doubles and class ids, checked against the schema.
 *
 * Speed: numbers are read in place by the core's mlclf_double_parse(),
 * whose exact fast path takes the common ones; fields it cannot take
 * whole (quoted, blanks, not finite) are unquoted and trimmed first.
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <math.h>
#include <mlclf_train.h>
#include <mlclf_file.h>
#include <mlclf_quote.h>
#include <mlclf_train_chunk.h>
#include <mlclf_train_csv.h>


static void mlclf_dl_fail(mlclf_train_chunk_t *ch, size_t line, size_t col,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int mlclf_dl_check(mlclf_train_chunk_t *ch, size_t k, double v,
    const char *s, size_t len, size_t line, size_t col);
static int mlclf_dl_value(mlclf_train_chunk_t *ch,
    mlclf_train_csv_field_t *f, size_t k, size_t line, size_t col,
    double *out, int *missing);
static int mlclf_dl_utf8(mlclf_train_chunk_t *ch, size_t k, const char *s,
    size_t len, size_t line, size_t col);
static int mlclf_dl_label(mlclf_train_chunk_t *ch,
    mlclf_train_csv_field_t *f, size_t line, size_t col, uint32_t *id);
static int mlclf_dl_field(mlclf_train_chunk_t *ch, const char **pp,
    size_t *line, size_t col, int32_t role, double *xr, uint32_t *id,
    int *missing);
static void mlclf_dl_extra(mlclf_train_chunk_t *ch, const char *p,
    size_t line, size_t rec_line);
static int mlclf_dl_record(mlclf_train_chunk_t *ch, const char **pp,
    size_t *line, double *xr, uint32_t *id, int *missing);


static void
mlclf_dl_fail(mlclf_train_chunk_t *ch, size_t line, size_t col,
    const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    ch->rc = mlclf_file_error(&ch->err, MLCLF_EINVAL, ch->ctx->path, line,
                              col + 1, fmt, ap);
    va_end(ap);
}


static int
mlclf_dl_check(mlclf_train_chunk_t *ch, size_t k, double v, const char *s,
    size_t len, size_t line, size_t col)
{
    char                          show[MLCLF_QUOTE_LEN];
    const mlclf_train_feature_t  *f;

    f = &ch->ctx->cf->features[k];

    if (f->has_min && v < f->min) {
        mlclf_dl_fail(ch, line, col, "%s: %s is below min %g", f->name,
                      mlclf_quote(s, len, show), f->min);
        return MLCLF_EINVAL;
    }

    if (f->has_max && v > f->max) {
        mlclf_dl_fail(ch, line, col, "%s: %s is above max %g", f->name,
                      mlclf_quote(s, len, show), f->max);
        return MLCLF_EINVAL;
    }

    if (f->type == MLCLF_TRAIN_TYPE_INTEGER && v != floor(v)) {
        mlclf_dl_fail(ch, line, col, "%s: %s is not an integer", f->name,
                      mlclf_quote(s, len, show));
        return MLCLF_EINVAL;
    }

    return MLCLF_OK;
}


/*
 * A category's or a text's field must be UTF-8: the server's JSON is,
 * and a model must not learn from bytes no request can send.  The
 * message names the byte of the field that is wrong (from 1).
 */
static int
mlclf_dl_utf8(mlclf_train_chunk_t *ch, size_t k, const char *s, size_t len,
    size_t line, size_t col)
{
    const uint8_t  *bad;

    bad = u8_check((const uint8_t *) s, len);

    if (bad == NULL) {
        return MLCLF_OK;
    }

    mlclf_dl_fail(ch, line, col, "%s: invalid UTF-8 at byte %zu of the "
                  "%s", ch->ctx->cf->features[k].name,
                  (size_t) (bad - (const uint8_t *) s) + 1,
                  mlclf_train_type_name(ch->ctx->cf->features[k].type));

    return MLCLF_EINVAL;
}


/* a feature field that did not take the fast path */
static int
mlclf_dl_value(mlclf_train_chunk_t *ch, mlclf_train_csv_field_t *f, size_t k,
    size_t line, size_t col, double *out, int *missing)
{
    int          rc;
    char         show[MLCLF_QUOTE_LEN];
    size_t       len;
    const char  *s, *name;

    name = ch->ctx->cf->features[k].name;

    if (mlclf_train_csv_unescape(f, &ch->scratch, &ch->scratch_size, &s,
                                 &len)
        != MLCLF_OK)
    {
        mlclf_dl_fail(ch, line, col, "out of memory");
        return MLCLF_ENOMEM;
    }

    if (ch->ctx->cf->features[k].type > MLCLF_TRAIN_TYPE_INTEGER) {
        /* a string: valid UTF-8, read again when it is featurized */
        *out = 0.0;
        return mlclf_dl_utf8(ch, k, s, len, line, col);
    }

    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }

    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }

    if (len == 0) {
        if (ch->ctx->cf->missing == MLCLF_TRAIN_MISSING_FAIL) {
            mlclf_dl_fail(ch, line, col, "%s: missing value (missing: "
                          "fail)", name);
            return MLCLF_EINVAL;
        }

        *missing = 1;
        *out = NAN;
        return MLCLF_OK;
    }

    rc = mlclf_train_csv_number(s, len, out);

    switch (rc) {

    case 0:
        return mlclf_dl_check(ch, k, *out, s, len, line, col);

    case 2:
        mlclf_dl_fail(ch, line, col, "%s: %s is not a finite number", name,
                      mlclf_quote(s, len, show));
        break;

    case 3:
        mlclf_dl_fail(ch, line, col, "%s: %s is out of the range of a "
                      "double", name,
                      mlclf_quote(s, len, show));
        break;

    default:
        mlclf_dl_fail(ch, line, col, "%s: %s is not a number", name,
                      mlclf_quote(s, len, show));
    }

    return MLCLF_EINVAL;
}


/*
 * A label becomes a class label of the model: one the format cannot
 * hold fails here, where it is, and one too long fails on its length
 * alone, before anything is copied (a 100 MB field costs no more than
 * its scan).
 */
static int
mlclf_dl_label(mlclf_train_chunk_t *ch, mlclf_train_csv_field_t *f,
    size_t line, size_t col, uint32_t *id)
{
    char         show[MLCLF_QUOTE_LEN];
    size_t       len;
    int32_t      i;
    const char  *s, *name;
    mlclf_err_t  why;

    name = ch->ctx->cf->label;
    len = mlclf_train_csv_field_len(f);

    if (len == 0) {
        mlclf_dl_fail(ch, line, col, "%s: empty label", name);
        return MLCLF_EINVAL;
    }

    if (mlclf_name_check(NULL, len, &why) != MLCLF_OK) {
        mlclf_dl_fail(ch, line, col, "%s: %s cannot be a class label: %s",
                      name,
                      mlclf_quote(f->s, (size_t) (f->e - f->s), show),
                      why.msg);
        return MLCLF_EINVAL;
    }

    if (mlclf_train_csv_unescape(f, &ch->scratch, &ch->scratch_size, &s,
                                 &len)
        != MLCLF_OK)
    {
        mlclf_dl_fail(ch, line, col, "out of memory");
        return MLCLF_ENOMEM;
    }

    if (ch->ctx->classes) {
        i = mlclf_train_labels_find(ch->ctx->classes, s, len);

        if (i < 0) {
            mlclf_dl_fail(ch, line, col, "%s: %s is not one of the "
                          "configured classes", name,
                          mlclf_quote(s, len, show));
            return MLCLF_EINVAL;
        }

        *id = (uint32_t) i;
        return MLCLF_OK;
    }

    i = mlclf_train_labels_find(&ch->labels, s, len);

    if (i < 0) {
        if (mlclf_name_check(s, len, &why) != MLCLF_OK) {
            mlclf_dl_fail(ch, line, col, "%s: %s cannot be a class label: "
                          "%s", name, mlclf_quote(s, len, show),
                          why.msg);
            return MLCLF_EINVAL;
        }

        if (mlclf_train_labels_count(&ch->labels)
            >= MLCLF_TRAIN_CHUNK_MAX_CLASSES)
        {
            mlclf_dl_fail(ch, line, col, "%s: more than %d distinct labels",
                          name, MLCLF_TRAIN_CHUNK_MAX_CLASSES);
            return MLCLF_EINVAL;
        }

        i = mlclf_train_labels_add(&ch->labels, s, len);
        if (i < 0) {
            mlclf_dl_fail(ch, line, col, "out of memory");
            return MLCLF_ENOMEM;
        }
    }

    *id = (uint32_t) i;

    return MLCLF_OK;
}


/* a field the fast path did not take: a feature value or the label */
static int
mlclf_dl_field(mlclf_train_chunk_t *ch, const char **pp, size_t *line,
    size_t col, int32_t role, double *xr, uint32_t *id, int *missing)
{
    int                       rc;
    size_t                    fline;
    mlclf_train_csv_field_t   f;

    fline = *line;
    rc = mlclf_train_csv_scan(pp, ch->end, &f, line);

    if (rc == 1) {
        mlclf_dl_fail(ch, fline, col, "unterminated quoted field");
        return MLCLF_EINVAL;
    }

    if (rc == 2) {
        mlclf_dl_fail(ch, *line, col, "unexpected character after the "
                      "closing quote");
        return MLCLF_EINVAL;
    }

    if (role >= 0) {
        return mlclf_dl_value(ch, &f, (size_t) role, fline, col, &xr[role],
                              missing);
    }

    if (role == MLCLF_TRAIN_CHUNK_LABEL) {
        return mlclf_dl_label(ch, &f, fline, col, id);
    }

    return MLCLF_OK;
}


/* a record with more than n_cols fields: counts them for the message */
static void
mlclf_dl_extra(mlclf_train_chunk_t *ch, const char *p, size_t line,
    size_t rec_line)
{
    size_t                    got, n_cols;
    mlclf_train_csv_field_t   f;

    n_cols = ch->ctx->n_cols;
    got = n_cols;

    for ( ;; ) {
        got++;

        if (mlclf_train_csv_scan(&p, ch->end, &f, &line) != 0
            || p >= ch->end || *p != ',')
        {
            break;
        }

        p++;
    }

    mlclf_dl_fail(ch, rec_line, n_cols, "expected %zu fields, got %zu",
                  n_cols, got);
}


/*
 * The fields of the record at *pp into xr[] and *id; *pp ends at its
 * '\n' (or end), *line counts the line breaks inside quotes.
 */
static int
mlclf_dl_record(mlclf_train_chunk_t *ch, const char **pp, size_t *line,
    double *xr, uint32_t *id, int *missing)
{
    double                          v;
    size_t                          col, n_cols, rec_line;
    int32_t                         role;
    const char                     *p, *end, *s;
    const mlclf_train_feature_t    *ft;
    const mlclf_train_chunk_ctx_t  *ctx;

    ctx = ch->ctx;
    p = *pp;
    end = ch->end;
    n_cols = ctx->n_cols;
    rec_line = *line;

    for (col = 0; /* void */; col++) {

        if (col == n_cols) {
            mlclf_dl_extra(ch, p, *line, rec_line);
            return MLCLF_EINVAL;
        }

        role = ctx->roles[col];

        /*
         * The fast path: a plain finite number read in place.  At the
         * end of the text *s is read: the loader keeps a byte there
         * readable.
         */

        if (role >= 0
            && ctx->cf->features[role].type <= MLCLF_TRAIN_TYPE_INTEGER
            && (s = mlclf_double_parse(p, end, MLCLF_DOUBLE_DECIMAL, &v))
               != NULL
            && isfinite(v)
            && (s == end || *s == ',' || *s == '\n'
                || (*s == '\r' && (s + 1 == end || s[1] == '\n'))))
        {
            if (*s == '\r') {
                s++;
            }

            xr[role] = v;
            ft = &ctx->cf->features[role];

            if (ft->has_min || ft->has_max
                || ft->type == MLCLF_TRAIN_TYPE_INTEGER)
            {
                if (mlclf_dl_check(ch, (size_t) role, v, p,
                                   (size_t) (s - p) - (s[-1] == '\r'),
                                   *line, col)
                    != MLCLF_OK)
                {
                    return MLCLF_EINVAL;
                }
            }

            p = s;

        } else if (mlclf_dl_field(ch, &p, line, col, role, xr, id, missing)
                   != MLCLF_OK)
        {
            return MLCLF_EINVAL;
        }

        if (p < end && *p == ',') {
            p++;
            continue;
        }

        break;
    }

    if (col + 1 < n_cols) {
        mlclf_dl_fail(ch, rec_line, col + 1, "expected %zu fields, got "
                      "%zu", n_cols, col + 1);
        return MLCLF_EINVAL;
    }

    *pp = p;

    return MLCLF_OK;
}


void *
mlclf_train_chunk_parse(void *arg)
{
    mlclf_train_chunk_t  *ch = arg;

    int                             missing;
    size_t                          line, rec_line, row, nf;
    uint32_t                        id;
    const char                     *p, *end, *rec, *rec_end, *done, *mark;
    const mlclf_train_chunk_ctx_t  *ctx;

    ctx = ch->ctx;
    p = ch->start;
    end = ch->end;
    line = ch->line;
    row = ch->row0;
    nf = ctx->cf->n_features;
    id = 0;
    done = p;
    mark = p;

    while (p < end) {

        /* a mapped file: the next window in, the records before it out */
        if (ctx->mapped && p >= mark) {
            mlclf_train_text_release(done, p);
            done = p;
            mark = (size_t) (end - p) > MLCLF_TRAIN_TEXT_WINDOW
                   ? p + MLCLF_TRAIN_TEXT_WINDOW : end;
            mlclf_train_text_fetch(p, mark);
        }

        /* blank lines are skipped */

        if (*p == '\n') {
            p++;
            line++;
            continue;
        }

        if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
            p += (p + 1 == end) ? 1 : 2;
            line++;
            continue;
        }

        rec = p;
        rec_line = line;
        missing = 0;

        if (mlclf_dl_record(ch, &p, &line, ctx->x + row * nf, &id, &missing)
            != MLCLF_OK)
        {
            return NULL;
        }

        rec_end = p;
        if (rec_end > rec && rec_end[-1] == '\r') {
            rec_end--;
        }

        if (p < end) {
            p++;        /* '\n' */
        }

        line++;

        if (missing && ctx->cf->missing == MLCLF_TRAIN_MISSING_DROP) {
            ch->n_dropped++;
            continue;
        }

        if ((size_t) (rec_end - rec) > UINT32_MAX) {
            mlclf_dl_fail(ch, rec_line, 0, "record longer than 4 GiB");
            return NULL;
        }

        ctx->y[row] = id;
        ctx->rec_off[row] = (size_t) (rec - ctx->text);
        ctx->rec_len[row] = (uint32_t) (rec_end - rec);
        row++;
    }

    ch->n_rows = row - ch->row0;

    if (ctx->mapped) {
        mlclf_train_text_release(done, end);
    }

    return NULL;
}


void *
mlclf_train_chunk_count(void *arg)
{
    mlclf_train_chunk_t  *ch = arg;

    size_t       n;
    const char  *p, *q, *w;

    n = 0;

    /* a mapped file a window at a time, each given back once counted */
    for (w = ch->start; w < ch->end; w = q) {
        q = (size_t) (ch->end - w) > MLCLF_TRAIN_TEXT_WINDOW
            ? w + MLCLF_TRAIN_TEXT_WINDOW : ch->end;

        if (ch->ctx->mapped) {
            mlclf_train_text_fetch(w, q);
        }

        for (p = w; p < q; p++) {
            p = memchr(p, '\n', (size_t) (q - p));
            if (p == NULL) {
                break;
            }

            n++;
        }

        if (ch->ctx->mapped) {
            mlclf_train_text_release(w, q);
        }
    }

    ch->n_nl = n;

    return NULL;
}
