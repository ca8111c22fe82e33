
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Routing thresholds for the float32 comparisons of other libraries
 * (mlclf_format.h, NODE_DECISION): a source compares (float) x with t;
 * the kernels compare the double x with one threshold c.  Rounding a
 * double to a float is monotone, so "(float) x <= F" holds exactly for
 * the doubles up to some c: the midpoint between F and the next float
 * up, or the double just below it when that midpoint itself rounds up
 * (round to nearest, ties to the float with an even last bit).
 */


#include <float.h>
#include <math.h>
#include <string.h>

#include "mlclf.h"


static double mlclf_cut_f32_at_most(float f);


/*
 * The largest double x with (float) x <= f, for f a float or -inf (not
 * +inf: then every double would qualify).
 */
static double
mlclf_cut_f32_at_most(float f)
{
    float     g;
    double    mid;
    uint32_t  bits;

    /* FLT_MAX + half its ulp (2^103): the doubles from there round up */
    static const double  edge = (double) FLT_MAX + 0x1p103;

    if (f == -INFINITY) {
        /* the tie -edge rounds to -inf, whose last bit counts as even */
        return -edge;
    }

    if (f == FLT_MAX) {
        /* the tie edge rounds to +inf: stop just below it */
        return nextafter(edge, -INFINITY);
    }

    g = nextafterf(f, INFINITY);

    /* exact: adjacent floats need 25 bits, a double has 53 */
    mid = ((double) f + (double) g) / 2.0;

    memcpy(&bits, &f, sizeof(bits));

    /*
     * the tie goes to the float with the even last bit: f's own when it
     * is even (-0.0 and 0.0 are), else g's, and then mid is too far
     */
    return (bits & 1) == 0 ? mid : nextafter(mid, -INFINITY);
}


double
mlclf_cut_f32_lt(double t)
{
    /* (float) x < t  <=>  (float) x <= the float below t */
    return mlclf_cut_f32_at_most(nextafterf((float) t, -INFINITY));
}


double
mlclf_cut_f32_le(double t)
{
    float  f;

    /* the largest float at most t (a float at most t rounds to one) */
    f = (float) t;

    if ((double) f > t) {
        f = nextafterf(f, -INFINITY);
    }

    return mlclf_cut_f32_at_most(f);
}


int
mlclf_cut_is_f32_edge(double c)
{
    if (!isfinite(c)) {
        return 0;
    }

    return (float) nextafter(c, INFINITY) > (float) c;
}
