
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Making a reference distribution (docs/monitoring.md), for the
 * producers of model files (mlclf-train, mlclf-import): a number's or
 * a text length's cut points at the deciles of its values, and the
 * shares of the rows in the bins they make.
 */


#include <stdlib.h>

#include "mlclf.h"


static int mlclf_drift_make_cmp(const void *a, const void *b);


uint32_t
mlclf_drift_make_cuts(double *v, size_t n, size_t n_rows, double *cuts,
    double *shares)
{
    size_t    i, at, b;
    uint32_t  q, k;

    qsort(v, n, sizeof(double), mlclf_drift_make_cmp);

    /* decile q: the smallest value with q tenths of them at or below */

    k = 0;

    for (q = 1; n != 0 && q <= MLCLF_DRIFT_MAX_CUTS; q++) {
        at = (q * n + 9) / 10 - 1;

        if (k == 0 || v[at] > cuts[k - 1]) {
            cuts[k++] = v[at];
        }
    }

    for (b = 0; b < (size_t) k + 2; b++) {
        shares[b] = 0.0;
    }

    /* value bin of x: the cut points strictly below it */

    b = 0;

    for (i = 0; i < n; i++) {
        while (b < k && cuts[b] < v[i]) {
            b++;
        }

        shares[b] += 1.0;
    }

    shares[k + 1] = (double) (n_rows - n);

    for (b = 0; b < (size_t) k + 2; b++) {
        shares[b] /= (double) n_rows;
    }

    return k;
}


static int
mlclf_drift_make_cmp(const void *a, const void *b)
{
    double  x, y;

    x = *(const double *) a;
    y = *(const double *) b;

    return (x > y) - (x < y);
}
