
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * LightGBM model.txt as text: its lines, key=value pairs, tokens and
 * numbers, each refusal naming the line and column.
 */


#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf_import_lightgbm.h"


int
mlclf_lgbm_next(mlclf_lgbm_t *r)
{
    size_t       i;
    const char  *nul;

    if (r->pos >= r->len) {
        return 0;
    }

    r->start = r->pos;
    r->p = r->buf + r->pos;
    r->line++;

    for (i = r->pos; i < r->len; i++) {
        if (r->buf[i] == '\n' || r->buf[i] == '\r') {
            break;
        }
    }

    r->n = i - r->pos;

    nul = memchr(r->p, '\0', r->n);
    if (nul != NULL) {
        return mlclf_lgbm_fail(r, r->line, (size_t) (nul - r->p) + 1,
                               "a NUL byte");
    }

    if (i < r->len && r->buf[i] == '\r') {
        i++;
    }

    if (i < r->len && r->buf[i] == '\n') {
        i++;
    }

    r->pos = i;

    return 1;
}


int
mlclf_lgbm_is(const mlclf_lgbm_t *r, const char *s)
{
    size_t  n;

    n = strlen(s);

    return r->n == n && memcmp(r->p, s, n) == 0;
}


int
mlclf_lgbm_kv(mlclf_lgbm_t *r, const char *const *keys, mlclf_lgbm_kv_t *kv,
    size_t nkeys, const char *where)
{
    size_t       k, kn;
    const char  *eq;

    eq = memchr(r->p, '=', r->n);
    kn = eq != NULL ? (size_t) (eq - r->p) : r->n;

    for (k = 0; k < nkeys; k++) {
        if (strlen(keys[k]) == kn && memcmp(r->p, keys[k], kn) == 0) {
            break;
        }
    }

    if (k == nkeys) {
        return MLCLF_OK;
    }

    if (kv[k].line != 0) {
        return mlclf_lgbm_fail(r, r->line, 1,
                               "%s: a second \"%s\" (the first is on "
                               "line %zu)", where, keys[k], kv[k].line);
    }

    kv[k].line = r->line;
    kv[k].v = eq != NULL ? eq + 1 : r->p + r->n;
    kv[k].n = eq != NULL ? r->n - kn - 1 : 0;
    kv[k].col = kn + 2;

    return MLCLF_OK;
}


const char *
mlclf_lgbm_token(const mlclf_lgbm_kv_t *kv, size_t *i, size_t *tn)
{
    size_t  j, s;

    for (j = *i; j < kv->n && kv->v[j] == ' '; j++) {
        /* void */
    }

    if (j == kv->n) {
        *i = j;
        return NULL;
    }

    for (s = j; j < kv->n && kv->v[j] != ' '; j++) {
        /* void */
    }

    *i = j;
    *tn = j - s;

    return kv->v + s;
}


size_t
mlclf_lgbm_count(const mlclf_lgbm_kv_t *kv)
{
    size_t  i, tn, n;

    i = 0;

    for (n = 0; mlclf_lgbm_token(kv, &i, &tn) != NULL; n++) {
        /* void */
    }

    return n;
}


const char *
mlclf_lgbm_int(const char *tok, size_t tn, long long min, long long max,
    long long *out)
{
    int        neg;
    size_t     i;
    long long  v;

    i = (tn > 0 && (tok[0] == '-' || tok[0] == '+'));
    neg = (i == 1 && tok[0] == '-');

    if (i == tn) {
        return "is not an integer";
    }

    v = 0;

    for ( /* void */ ; i < tn; i++) {
        if (tok[i] < '0' || tok[i] > '9') {
            return "is not an integer";
        }

        /* past any bound that matters here: the digits go on unread */
        if (v < 1000000000000000LL) {
            v = v * 10 + (tok[i] - '0');
        }
    }

    v = neg ? -v : v;

    if (v < min || v > max) {
        return "is out of range";
    }

    *out = v;

    return NULL;
}


const char *
mlclf_lgbm_double(const char *tok, size_t tn, double *out)
{
    char     tmp[MLCLF_LGBM_NUM_MAX + 1], *end;
    size_t   i, digits;
    double   v;

    if (tn == 0 || tn > MLCLF_LGBM_NUM_MAX) {
        return "is not a number";
    }

    memcpy(tmp, tok, tn);
    tmp[tn] = '\0';

    i = (tmp[0] == '-' || tmp[0] == '+');

    if (strcasecmp(tmp + i, "nan") == 0) {
        return "is NaN";
    }

    if (strcasecmp(tmp + i, "inf") == 0
        || strcasecmp(tmp + i, "infinity") == 0)
    {
        return "is infinite";
    }

    /* [+-] digits [. digits] [e [+-] digits], or [+-] . digits ... */
    for (digits = 0; tmp[i] >= '0' && tmp[i] <= '9'; i++) {
        digits++;
    }

    if (tmp[i] == '.') {
        for (i++; tmp[i] >= '0' && tmp[i] <= '9'; i++) {
            digits++;
        }
    }

    if (digits == 0) {
        return "is not a number";
    }

    if (tmp[i] == 'e' || tmp[i] == 'E') {
        i++;
        i += (tmp[i] == '-' || tmp[i] == '+');

        if (tmp[i] < '0' || tmp[i] > '9') {
            return "is not a number";
        }

        while (tmp[i] >= '0' && tmp[i] <= '9') {
            i++;
        }
    }

    if (i != tn) {
        return "is not a number";
    }

    v = strtod(tmp, &end);

    if (end != tmp + tn) {
        return "is not a number";
    }

    if (!isfinite(v)) {
        return "is infinite";
    }

    *out = v;

    return NULL;
}


const char *
mlclf_lgbm_q(mlclf_lgbm_t *r, const char *s, size_t n)
{
    return mlclf_quote(s, n, r->q);
}


int
mlclf_lgbm_fail(mlclf_lgbm_t *r, size_t line, size_t col, const char *fmt,
    ...)
{
    va_list  ap;
    char     msg[MLCLF_ERR_MSG_LEN];

    va_start(ap, fmt);
    (void) vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    return mlclf_import_fail(r->err, MLCLF_EINVAL, r->im, line, col, "%s",
                             msg);
}
