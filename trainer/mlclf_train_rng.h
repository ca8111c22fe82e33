
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


#endif /* _MLCLF_TRAIN_RNG_H_INCLUDED_ */
