
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: the decimal reader behind mlclf_double_parse(),
 * inline so that the request tokenizer reads numbers without a call.
 */


#ifndef _MLCLF_DOUBLE_H_INCLUDED_
#define _MLCLF_DOUBLE_H_INCLUDED_


#include "mlclf.h"


#define mlclf_double_digit(c)    ((c) >= '0' && (c) <= '9')


/* 1e0 .. 1e22: the powers of ten a double holds exactly */
extern const double  mlclf_pow10d[23];

/* strtod() of the len bytes at p, through a NUL-ended copy */
double mlclf_double_strtod(const char *p, size_t len);


/*
 * A run of digits into m (the first 19 significant ones; many is set
 * when there are more), counting the digits after the point into e.
 */

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline const char *
mlclf_double_digits(const char *p, const char *end, int fraction,
    uint64_t *m, int *nd, int *many, int *e)
{
    while (p < end && mlclf_double_digit(*p)) {
        if (*m != 0 || *p != '0') {
            if (*nd == 19) {
                *many = 1;
                p++;
                continue;
            }

            *m = *m * 10 + (uint64_t) (*p - '0');
            (*nd)++;
        }

        *e -= fraction;
        p++;
    }

    return p;
}


/*
 * One pass over the grammar that also gathers the first 19 significant
 * digits into m and the decimal exponent that goes with them.  A number
 * whose value is exactly m * 10^e with m <= 2^53 and |e| <= 22 takes one
 * correctly rounded multiplication or division, which gives the double
 * strtod() gives (Clinger's fast path); the rest is strtod() itself.
 */

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline const char *
mlclf_double_scan(const char *p, const char *end, unsigned flags,
    double *d)
{
    int          neg, eneg, e, x, nd, many, lenient;
    double       r;
    uint64_t     m;
    const char  *start, *digits;

    start = p;
    lenient = (flags & MLCLF_DOUBLE_DECIMAL) != 0;
    neg = 0;

    if (p < end && (*p == '-' || (*p == '+' && lenient))) {
        neg = (*p++ == '-');
    }

    m = 0;
    nd = 0;
    e = 0;
    many = 0;
    digits = p;

    if (!lenient && p < end && *p == '0') {
        p++;

    } else {
        p = mlclf_double_digits(p, end, 0, &m, &nd, &many, &e);
    }

    if (p == digits && !lenient) {
        return NULL;
    }

    if (p < end && *p == '.') {
        p++;

        if (!lenient && (p == end || !mlclf_double_digit(*p))) {
            return NULL;
        }

        p = mlclf_double_digits(p, end, 1, &m, &nd, &many, &e);

        if (p - digits == 1) {
            /* a lone "." */
            return NULL;
        }

    } else if (p == digits) {
        return NULL;
    }

    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        eneg = 0;

        if (p < end && (*p == '+' || *p == '-')) {
            eneg = (*p++ == '-');
        }

        if (p == end || !mlclf_double_digit(*p)) {
            return NULL;
        }

        x = 0;

        while (p < end && mlclf_double_digit(*p)) {
            if (x < 10000) {
                x = x * 10 + (*p - '0');
            }

            p++;
        }

        e += eneg ? -x : x;
    }

    if (d == NULL) {
        return p;
    }

    if (m == 0) {
        *d = neg ? -0.0 : 0.0;
        return p;
    }

    if (many || m > (1ULL << 53) || e < -22 || e > 22) {
        *d = mlclf_double_strtod(start, (size_t) (p - start));
        return p;
    }

    r = (double) m;
    r = (e < 0) ? r / mlclf_pow10d[-e] : r * mlclf_pow10d[e];

    *d = neg ? -r : r;

    return p;
}


#endif /* _MLCLF_DOUBLE_H_INCLUDED_ */
