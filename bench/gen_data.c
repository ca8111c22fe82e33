
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Writes a synthetic 3-class CSV for the training benchmark:
 *
 *     gen_data ROWS FEATURES SEED > big.csv
 *
 * Ten informative features carry a class-dependent mean and a few
 * products of pairs (so trees have something linear models miss), the
 * rest are noise.  Same arguments, same bytes.
 */


#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>


#define GEN_CLASSES      3
#define GEN_INFORMATIVE  10


static uint64_t gen_state;


static uint64_t
gen_next(void)
{
    uint64_t  z;

    /* splitmix64 */
    gen_state += 0x9e3779b97f4a7c15ULL;
    z = gen_state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;

    return z ^ (z >> 31);
}


static double
gen_uniform(void)
{
    return ((gen_next() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}


static double
gen_normal(void)
{
    double  u, v;

    u = gen_uniform();
    v = gen_uniform();

    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}


int
main(int argc, char **argv)
{
    long      rows, features, seed, i, j, k, c;
    double    mean[GEN_CLASSES][GEN_INFORMATIVE], v;
    char      buf[1 << 16];

    if (argc != 4) {
        fprintf(stderr, "usage: gen_data ROWS FEATURES SEED\n");
        return 2;
    }

    rows = atol(argv[1]);
    features = atol(argv[2]);
    seed = atol(argv[3]);

    if (rows < 1 || features < GEN_INFORMATIVE) {
        fprintf(stderr, "gen_data: need ROWS >= 1 and FEATURES >= %d\n",
                GEN_INFORMATIVE);
        return 2;
    }

    setvbuf(stdout, buf, _IOFBF, sizeof(buf));
    gen_state = (uint64_t) seed;

    for (c = 0; c < GEN_CLASSES; c++) {
        for (j = 0; j < GEN_INFORMATIVE; j++) {
            mean[c][j] = (gen_uniform() - 0.5) * 1.6;
        }
    }

    for (j = 0; j < features; j++) {
        printf("f%ld,", j);
    }

    printf("label\n");

    for (i = 0; i < rows; i++) {
        c = (long) (gen_next() % GEN_CLASSES);

        for (j = 0; j < features; j++) {
            v = gen_normal();

            if (j < GEN_INFORMATIVE) {
                v += mean[c][j];

            } else if (j < GEN_INFORMATIVE + 4) {
                k = j - GEN_INFORMATIVE;
                v = 0.5 * v + (c == 2 ? 1.0 : 0.0) * (k % 2 ? 1.0 : -1.0)
                    * (gen_uniform() < 0.5 ? 1.0 : -1.0);
            }

            printf("%.6f,", v);
        }

        printf("c%ld\n", c);
    }

    return fflush(stdout) == 0 ? 0 : 1;
}
