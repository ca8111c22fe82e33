
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The random numbers of the model tests: xorshift64, the same on every
 * run, its state the including test's own (RND_SEED before the include
 * picks where it starts).
 */


#ifndef _RND_H_INCLUDED_
#define _RND_H_INCLUDED_


#include <stdint.h>


#ifndef RND_SEED
#define RND_SEED  0x9e3779b97f4a7c15ULL
#endif


static uint64_t  rnd_state = RND_SEED;


static inline uint64_t
rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;

    return rnd_state;
}


/* Uniform in [0, 1), 53 bits. */
static inline double
rnd_unit(void)
{
    return (double) (rnd() >> 11) / 9007199254740992.0;
}


#endif /* _RND_H_INCLUDED_ */
