
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The CSV lexer of the training data.
 *
 * CSV dialect: the first record is the header; fields are separated by
 * commas; a field may be quoted with '"' ("" inside is one quote) and may
 * then hold commas and line breaks; records end in LF or CRLF; a UTF-8
 * byte order mark, a last record without a line break and blank lines
 * are accepted.  Columns are found by header name, other columns are
 * ignored.  An empty feature field is a missing value (handled by the
 * "missing" policy); "NA", "nan" and the like are errors.  Numbers are
 * decimal, with optional sign, fraction and exponent, and surrounding
 * blanks; they convert exactly as strtod() would.
 */


#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>
#include <mlclf.h>
#include <mlclf_train_csv.h>


int
mlclf_train_csv_scan(const char **pp, const char *end,
    mlclf_train_csv_field_t *f, size_t *line)
{
    const char  *p, *q;

    p = *pp;
    f->quoted = 0;
    f->escaped = 0;

    if (p < end && *p == '"') {
        f->quoted = 1;
        f->s = ++p;

        for ( ;; ) {
            q = memchr(p, '"', (size_t) (end - p));

            while (p < (q ? q : end)) {
                p = memchr(p, '\n', (size_t) ((q ? q : end) - p));
                if (p == NULL) {
                    break;
                }

                (*line)++;
                p++;
            }

            if (q == NULL) {
                return 1;
            }

            if (q + 1 < end && q[1] == '"') {
                f->escaped = 1;
                p = q + 2;
                continue;
            }

            f->e = q;
            p = q + 1;
            break;
        }

        if (p < end && *p == '\r' && (p + 1 == end || p[1] == '\n')) {
            p++;
        }

        *pp = p;

        if (p < end && *p != ',' && *p != '\n') {
            return 2;
        }

        return 0;
    }

    f->s = p;

    while (p < end && *p != ',' && *p != '\n') {
        p++;
    }

    f->e = p;

    if (p > f->s && p[-1] == '\r' && (p == end || *p == '\n')) {
        f->e--;
    }

    *pp = p;

    return 0;
}


int
mlclf_train_csv_unescape(const mlclf_train_csv_field_t *f,
    char **scratch, size_t *size, const char **s, size_t *len)
{
    char        *b;
    size_t       n, need;
    const char  *p;

    if (!f->escaped) {
        *s = f->s;
        *len = (size_t) (f->e - f->s);
        return MLCLF_OK;
    }

    need = (size_t) (f->e - f->s);

    if (need > *size) {
        b = realloc(*scratch, need);
        if (b == NULL) {
            return MLCLF_ENOMEM;
        }

        *scratch = b;
        *size = need;
    }

    n = 0;

    for (p = f->s; p < f->e; p++) {
        (*scratch)[n++] = *p;
        if (*p == '"') {
            p++;
        }
    }

    *s = *scratch;
    *len = n;

    return MLCLF_OK;
}


size_t
mlclf_train_csv_field_len(const mlclf_train_csv_field_t *f)
{
    size_t       n;
    const char  *p;

    n = (size_t) (f->e - f->s);

    if (!f->escaped) {
        return n;
    }

    /* inside a quoted field every '"' is the first of a pair */
    for (p = f->s; p < f->e; p += 2) {
        p = memchr(p, '"', (size_t) (f->e - p));
        if (p == NULL) {
            break;
        }

        n--;
    }

    return n;
}


int
mlclf_train_csv_number(const char *s, size_t len, double *out)
{
    double       v;
    size_t       i;
    const char  *p, *t;

    p = s;
    t = s + len;

    if (p < t && (*p == '+' || *p == '-')) {
        p++;
    }

    if ((size_t) (t - p) >= 3
        && (strncasecmp(p, "nan", 3) == 0 || strncasecmp(p, "inf", 3) == 0))
    {
        i = (size_t) (t - p);
        if (i == 3 || (i == 8 && strncasecmp(p, "infinity", 8) == 0)) {
            return 2;
        }
    }

    if (mlclf_double_parse(s, t, MLCLF_DOUBLE_DECIMAL, &v) != t
        || isnan(v))
    {
        return 1;
    }

    if (!isfinite(v)) {
        return 3;
    }

    *out = v;

    return 0;
}
