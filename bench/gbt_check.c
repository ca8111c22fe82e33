
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The answers bench/gbt.py compares with XGBoost's before it times
 * anything:
 *
 *   gbt_check MODEL ROWS.csv
 *
 * ROWS.csv holds a header line and n_features numbers per line; prints
 * P(class 1) of each row, one per line, in shortest round-trip form.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf.h"


int
main(int argc, char **argv)
{
    FILE           *f;
    char           *p, *end, line[1 << 16];
    double         *x, proba[2];
    uint32_t        j, nf;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    if (argc != 3) {
        fprintf(stderr, "usage: gbt_check MODEL ROWS.csv\n");
        return 2;
    }

    if (mlclf_model_open(&m, argv[1], 0, &err) != MLCLF_OK) {
        fprintf(stderr, "gbt_check: %s\n", err.msg);
        return 1;
    }

    nf = mlclf_model_n_features(m);
    x = malloc(nf * sizeof(double));
    f = fopen(argv[2], "r");

    if (x == NULL || f == NULL || mlclf_model_n_classes(m) != 2
        || fgets(line, sizeof(line), f) == NULL)
    {
        fprintf(stderr, "gbt_check: cannot read %s, or not 2 classes\n",
                argv[2]);
        return 1;
    }

    while (fgets(line, sizeof(line), f) != NULL) {
        p = line;

        for (j = 0; j < nf; j++) {
            x[j] = strtod(p, &end);

            if (end == p) {
                fprintf(stderr, "gbt_check: %s: bad number\n", argv[2]);
                return 1;
            }

            p = (*end == ',') ? end + 1 : end;
        }

        (void) mlclf_predict_proba(m, x, proba);
        printf("%.17g\n", proba[1]);
    }

    fclose(f);
    free(x);
    mlclf_model_close(&m);

    return 0;
}
