
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The trainer's random numbers: xoshiro256** seeded through splitmix64.
 * Inline, because the forest draws in its innermost loops.  The same
 * seed gives the same sequence on every machine; no libc rand() and no
 * floating point take part.
 */


#ifndef _MLCLF_TRAIN_RNG_H_INCLUDED_
#define _MLCLF_TRAIN_RNG_H_INCLUDED_


#include <stdint.h>


typedef struct {
    uint64_t                  s[4];
} mlclf_train_rng_t;


static inline void
mlclf_train_rng_seed(mlclf_train_rng_t *r, uint64_t seed)
{
    int       i;
    uint64_t  z;

    for (i = 0; i < 4; i++) {
        seed += 0x9e3779b97f4a7c15ULL;
        z = seed;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        r->s[i] = z ^ (z >> 31);
    }
}


static inline uint64_t
mlclf_train_rng_next(mlclf_train_rng_t *r)
{
    uint64_t  x, t;

    x = r->s[1] * 5;
    x = ((x << 7) | (x >> 57)) * 9;

    t = r->s[1] << 17;
    r->s[2] ^= r->s[0];
    r->s[3] ^= r->s[1];
    r->s[1] ^= r->s[2];
    r->s[0] ^= r->s[3];
    r->s[2] ^= t;
    r->s[3] = (r->s[3] << 45) | (r->s[3] >> 19);

    return x;
}


/*
 * Uniform in [0, n), n >= 1: multiply-shift with rejection (Lemire).
 * Inline: the bootstrap and the feature draws call it in their loops.
 */
static inline uint64_t
mlclf_train_rng_range(mlclf_train_rng_t *r, uint64_t n)
{
    uint64_t            x, lo, t;
    unsigned __int128   m;

    x = mlclf_train_rng_next(r);
    m = (unsigned __int128) x * n;
    lo = (uint64_t) m;

    if (lo < n) {
        t = ((uint64_t) 0 - n) % n;

        while (lo < t) {
            x = mlclf_train_rng_next(r);
            m = (unsigned __int128) x * n;
            lo = (uint64_t) m;
        }
    }

    return (uint64_t) (m >> 64);
}


#endif /* _MLCLF_TRAIN_RNG_H_INCLUDED_ */
