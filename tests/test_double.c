
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Doubles in replies (mlclf_double_format): fixed cases, then random
 * doubles that must read back bit for bit in the shortest form.
 */


#include <float.h>
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "mlclf.h"
#include "request_helpers.h"


/* significant digits of a formatted number */

static int
sig_digits(const char *s, char *digits)
{
    int  n, zeros, started;

    n = 0;
    zeros = 0;
    started = 0;

    for ( /* void */ ; *s != '\0' && *s != 'e'; s++) {
        if (*s == '0' && started) {
            zeros++;

        } else if (*s >= '1' && *s <= '9') {
            while (zeros) {
                digits[n++] = '0';
                zeros--;
            }

            digits[n++] = *s;
            started = 1;
        }
    }

    digits[n] = '\0';

    return n;
}


static void
test_format_double(void)
{
    int         i, k, bad, longer, far, checked, nd, rd;
    char        buf[32], ref[40], d1[32], d2[32];
    double      d, back;
    size_t      n;
    uint64_t    r;
    static const struct {
        double      d;
        const char *s;
    } fixed[] = {
        { 0.0, "0" },
        { -0.0, "-0" },
        { 1.0, "1" },
        { -2.5, "-2.5" },
        { 0.97, "0.97" },
        { 0.1, "0.1" },
        { 1.0 / 3, "0.3333333333333333" },
        { 2.0 / 3, "0.6666666666666666" },
        { 1e-5, "0.00001" },
        { 1.5e-6, "1.5e-6" },
        { 1e-300, "1e-300" },
        { 5e-324, "5e-324" },
        { 2.2250738585072014e-308, "2.2250738585072014e-308" },
        { DBL_MAX, "1.7976931348623157e+308" },
        { -DBL_MAX, "-1.7976931348623157e+308" },
        { 1e21, "1e+21" },
        { 1e20, "100000000000000000000" },
        { 123456789012345678.0, "123456789012345680" },
        { 9007199254740993.0, "9007199254740992" },
        { 0.30000000000000004, "0.30000000000000004" },
        { 100, "100" },
    };

    for (i = 0; i < (int) (sizeof(fixed) / sizeof(fixed[0])); i++) {
        n = mlclf_double_format(buf, fixed[i].d);
        is_str(buf, fixed[i].s, "format %.17g", fixed[i].d);
        is_int(n, strlen(fixed[i].s), "format %.17g: length", fixed[i].d);
    }

    n = mlclf_double_format(buf, INFINITY);
    is_str(buf, "null", "infinity prints null");
    n = mlclf_double_format(buf, NAN);
    is_str(buf, "null", "NaN prints null");

    /*
     * 100k random doubles: raw bit patterns (every exponent, subnormals)
     * and values in the ranges probabilities take.  Each must read back
     * bit for bit, fit 24 bytes, and (checked against snprintf for a
     * share) have no more digits than the shortest %.Ne that round-trips,
     * and the same digits when as long.
     */

    bad = 0;
    longer = 0;
    far = 0;
    checked = 0;

    for (i = 0; i < 100000; i++) {
        r = xorshift();

        switch (i % 5) {
        case 0:
            memcpy(&d, &r, sizeof(double));
            break;
        case 1:
            d = (double) (r >> 11) / 9007199254740992.0;
            break;
        case 2:
            d = ldexp((double) (r >> 11), (int) (r % 160) - 120);
            break;
        case 3:
            r &= 0x000fffffffffffffULL | (r & 0x8000000000000000ULL);
            memcpy(&d, &r, sizeof(double));
            break;
        default:
            d = (double) (r % 1000000) / 1000.0;
        }

        if (!isfinite(d)) {
            continue;
        }

        n = mlclf_double_format(buf, d);
        back = strtod(buf, NULL);

        if (memcmp(&back, &d, sizeof(double)) != 0 || n > 24
            || n != strlen(buf))
        {
            if (bad++ < 5) {
                tap_diag("%a printed %s", d, buf);
            }

            continue;
        }

        if (i % 4 != 0) {
            continue;
        }

        checked++;

        for (k = 1; k <= 17; k++) {
            snprintf(ref, sizeof(ref), "%.*e", k - 1, d);

            if (strtod(ref, NULL) == d) {
                break;
            }
        }

        nd = sig_digits(buf, d1);
        rd = sig_digits(ref, d2);

        if (nd > rd) {
            if (longer++ < 5) {
                tap_diag("%a printed %s, %s is shorter", d, buf, ref);
            }

        } else if (nd == rd && strcmp(d1, d2) != 0) {
            if (far++ < 5) {
                tap_diag("%a printed %s, %s is nearer", d, buf, ref);
            }
        }
    }

    is_int(bad, 0, "100000 random doubles read back exactly");
    is_int(longer, 0, "none longer than needed (%d checked)", checked);
    is_int(far, 0, "same digits as the correctly rounded form");
}


int
main(void)
{
    test_format_double();

    return tap_done();
}
