
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Doubles to and from decimal text: the shortest round-trip form of the
 * replies, and the one decimal reader of requests and training data.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_double.h"


/* numbers this long are read by strtod() from a copy on the stack */
#define MLCLF_DOUBLE_COPY        64


static int mlclf_double_fast(double d, uint64_t *digits, int *exp10);
static void mlclf_double_slow(double d, uint64_t *digits, int *exp10);


/* the powers of ten a double holds exactly */
const double  mlclf_pow10d[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static const uint64_t  mlclf_pow10u[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL,
    10000000000000000000ULL
};



const char *
mlclf_double_parse(const char *p, const char *end, unsigned flags,
    double *d)
{
    return mlclf_double_scan(p, end, flags, d);
}


/* The slow path of mlclf_double_scan(): strtod() on a NUL-ended copy. */

double
mlclf_double_strtod(const char *p, size_t len)
{
    char    *b;
    double   d;
    char     small[MLCLF_DOUBLE_COPY];

    b = small;

    if (len >= sizeof(small)) {
        b = malloc(len + 1);
        if (b == NULL) {
            return NAN;
        }
    }

    memcpy(b, p, len);
    b[len] = '\0';

    d = strtod(b, NULL);

    if (b != small) {
        free(b);
    }

    return d;
}


/*
 * The shortest decimal that reads back as d: digits * 10^exp10 with the
 * fewest digits, and of those the nearest to d.  Doubles from 1e-5 to
 * 2^54 (every probability worth printing) take an exact integer path;
 * the rest asks snprintf for 15, 16 and then 17 digits and keeps the
 * first that strtod reads back (1 digit up for subnormals, whose
 * precision is lower).  JSON has no NaN or infinities: they print "null".
 */

size_t
mlclf_double_format(char *buf, double d)
{
    int        exp10, pos, n, i;
    char      *p;
    uint64_t   bits, digits;
    char       tmp[24];

    memcpy(&bits, &d, sizeof(double));

    if (((bits >> 52) & 0x7ff) == 0x7ff) {
        memcpy(buf, "null", 5);
        return 4;
    }

    p = buf;

    if (bits >> 63) {
        *p++ = '-';
        d = -d;
    }

    if (d == 0.0) {
        *p++ = '0';
        *p = '\0';
        return p - buf;
    }

    if (!mlclf_double_fast(d, &digits, &exp10)) {
        mlclf_double_slow(d, &digits, &exp10);
    }

    n = 0;

    while (digits != 0) {
        tmp[n++] = (char) ('0' + digits % 10);
        digits /= 10;
    }

    /* tmp holds the n digits reversed; d = 0.<digits> * 10^pos */

    pos = n + exp10;

    if (pos > -5 && pos <= 0) {
        *p++ = '0';
        *p++ = '.';

        for (i = pos; i < 0; i++) {
            *p++ = '0';
        }

        while (n) {
            *p++ = tmp[--n];
        }

    } else if (pos > 0 && pos <= 21) {
        for (i = 0; i < pos; i++) {
            *p++ = n ? tmp[--n] : '0';
        }

        if (n) {
            *p++ = '.';

            while (n) {
                *p++ = tmp[--n];
            }
        }

    } else {
        *p++ = tmp[--n];

        if (n) {
            *p++ = '.';

            while (n) {
                *p++ = tmp[--n];
            }
        }

        *p++ = 'e';

        pos--;

        if (pos < 0) {
            *p++ = '-';
            pos = -pos;

        } else {
            *p++ = '+';
        }

        if (pos >= 100) {
            *p++ = (char) ('0' + pos / 100);
        }

        if (pos >= 10) {
            *p++ = (char) ('0' + pos / 10 % 10);
        }

        *p++ = (char) ('0' + pos % 10);
    }

    *p = '\0';

    return p - buf;
}


#if defined(__SIZEOF_INT128__)

/*
 * d = m * 2^e exactly.  Its rounding interval, the reals strtod maps to d,
 * is [lo, hi] * 2^(e - 2) (open if m is odd: ties go to even).  Scaled by
 * 10^k so that d gets 17 digits before the point, the interval is wider
 * than 1, and everything fits 128 bits; the answer is the multiple of the
 * largest power of ten inside it, nearest to d.
 */

static int
mlclf_double_fast(double d, uint64_t *digits, int *exp10)
{
    int                  e, k, sh, j, best, up;
    uint64_t             bits, m, q, lq, hq, lo, hi, p, c, cmin, cmax, r;
    unsigned __int128    pk, v, l, h, mask, f;

    memcpy(&bits, &d, sizeof(double));

    e = (int) ((bits >> 52) & 0x7ff);

    if (e == 0) {
        return 0;
    }

    m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
    e -= 1075;

    /* from 1e-5 (2^-17 * 2^52 ...) to below 2^54 */

    if (e > 1 || e < -70) {
        return 0;
    }

    sh = 2 - e;

    /* 16 - floor(log10(d)), from floor(log2(d)) * log10(2); +-1 below */

    j = e + 52;
    k = 16 - (j >= 0 ? (j * 78913) >> 18 : -((-j * 78913 + 262143) >> 18));

    for ( ;; ) {
        if (k < 0 || k > 21) {
            return 0;
        }

        pk = k > 19 ? (unsigned __int128) mlclf_pow10u[19]
                      * mlclf_pow10u[k - 19]
                    : mlclf_pow10u[k];

        v = (unsigned __int128) (m << 2) * pk;
        q = (uint64_t) (v >> sh);

        if (q >= mlclf_pow10u[17]) {
            k--;
            continue;
        }

        if (q < mlclf_pow10u[16]) {
            k++;
            continue;
        }

        break;
    }

    mask = ((unsigned __int128) 1 << sh) - 1;

    l = (unsigned __int128) ((m << 2) - (m == (1ULL << 52) ? 1 : 2)) * pk;
    h = (unsigned __int128) ((m << 2) + 2) * pk;

    lq = (uint64_t) (l >> sh);
    hq = (uint64_t) (h >> sh);

    /* the integers inside the interval: [lo, hi] */

    if ((l & mask) == 0 && (m & 1) == 0) {
        lo = lq;

    } else {
        lo = lq + 1;
    }

    if ((h & mask) == 0 && (m & 1) != 0) {
        hi = hq - 1;

    } else {
        hi = hq;
    }

    best = 0;

    for (j = 1; j <= 18; j++) {
        p = mlclf_pow10u[j];
        c = (lo + p - 1) / p;

        if (c > hi / p) {
            break;
        }

        best = j;
    }

    p = mlclf_pow10u[best];
    cmin = (lo + p - 1) / p;
    cmax = hi / p;

    /* nearest multiple of p to v / 2^sh = q + f / 2^sh */

    c = q / p;
    r = q % p;
    f = v & mask;

    if (2 * r > p) {
        up = 1;

    } else if (2 * r + 1 < p) {
        up = 0;

    } else if (2 * r == p) {
        up = (f != 0) || (c & 1);

    } else {
        /* 2r + 1 == p: compare f with half of 2^sh */
        f <<= 1;
        up = f > ((unsigned __int128) 1 << sh)
             || (f == ((unsigned __int128) 1 << sh) && (c & 1));
    }

    c += up;

    if (c < cmin) {
        c = cmin;

    } else if (c > cmax) {
        c = cmax;
    }

    *exp10 = best - k;

    while (c % 10 == 0) {
        c /= 10;
        (*exp10)++;
    }

    *digits = c;

    return 1;
}

#else

static int
mlclf_double_fast(double d, uint64_t *digits, int *exp10)
{
    (void) d;
    (void) digits;
    (void) exp10;

    return 0;
}

#endif


static void
mlclf_double_slow(double d, uint64_t *digits, int *exp10)
{
    int        prec, exp;
    char      *s;
    uint64_t   c;
    char       tmp[40];

    prec = (d < 2.2250738585072014e-308) ? 1 : 15;

    for ( /* void */ ; prec < 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);

        if (strtod(tmp, NULL) == d) {
            break;
        }
    }

    if (prec == 17) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
    }

    c = 0;

    for (s = tmp; *s != 'e'; s++) {
        if (*s != '.') {
            c = c * 10 + (uint64_t) (*s - '0');
        }
    }

    exp = atoi(s + 1) - (prec - 1);

    while (c % 10 == 0) {
        c /= 10;
        exp++;
    }

    *digits = c;
    *exp10 = exp;
}
