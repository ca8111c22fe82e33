
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Unit tests for the string table (libmlclf/mlclf_strtab.c) and the
 * hash it places names by (mlclf_hash(), libmlclf/mlclf_hash.c).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_strtab.h"
#include "tap.h"


#define N_NAMES  100000


static void
t_empty(void)
{
    mlclf_strtab_t  t;

    memset(&t, 0, sizeof(t));

    is_int(mlclf_strtab_find(&t, "a", 1), MLCLF_STRTAB_NONE,
           "a zeroed table finds nothing");

    mlclf_strtab_free(&t);

    is_int(mlclf_strtab_init(&t, 0), MLCLF_OK, "an empty table");
    is_int(mlclf_strtab_find(&t, "", 0), MLCLF_STRTAB_NONE,
           "the empty name is not in it");

    mlclf_strtab_free(&t);
}


static void
t_add_find(void)
{
    uint32_t        have;
    mlclf_strtab_t  t;

    memset(&t, 0, sizeof(t));

    is_int(mlclf_strtab_add(&t, "sepal_length", 12, 7, &have), MLCLF_OK,
           "added to a zeroed table");
    is_int(mlclf_strtab_add(&t, "sepal", 5, 8, &have), MLCLF_OK,
           "a prefix is another name");
    is_int(mlclf_strtab_add(&t, "", 0, 9, &have), MLCLF_OK,
           "the empty name is a name");

    is_int(mlclf_strtab_find(&t, "sepal_length", 12), 7, "found");
    is_int(mlclf_strtab_find(&t, "sepal_length", 5), 8,
           "the length, not a NUL, ends a name");
    is_int(mlclf_strtab_find(&t, "", 0), 9, "the empty name found");
    is_int(mlclf_strtab_find(&t, "sepal_lengtH", 12), MLCLF_STRTAB_NONE,
           "case matters");

    have = 0;
    is_int(mlclf_strtab_add(&t, "sepal", 5, 10, &have),
           MLCLF_STRTAB_EXISTS, "a second add of a name is refused");
    is_int(have, 8, "and says which value it has");
    is_int(mlclf_strtab_find(&t, "sepal", 5), 8, "the first value stays");
    is_int(t.n, 3, "three names");

    mlclf_strtab_free(&t);
    ok(t.slots == NULL && t.n == 0, "freed");
    mlclf_strtab_free(&t);
}


/* many names, from a small initial size: every one found after growing */
static void
t_grow(void)
{
    int             bad;
    char           *names;
    size_t          i;
    uint32_t        have;
    mlclf_strtab_t  t;

    names = malloc((size_t) N_NAMES * 16);
    if (names == NULL) {
        ok(0, "out of memory");
        return;
    }

    is_int(mlclf_strtab_init(&t, 1), MLCLF_OK, "a table for one name");

    bad = 0;

    for (i = 0; i < N_NAMES; i++) {
        snprintf(names + i * 16, 16, "class_%zu", i);

        if (mlclf_strtab_add(&t, names + i * 16, strlen(names + i * 16),
                             (uint32_t) i, &have)
            != MLCLF_OK)
        {
            bad++;
        }
    }

    is_int(bad, 0, "%d names added", N_NAMES);
    ok(t.n == N_NAMES && t.mask + 1 >= 2 * t.n, "at most half full");

    bad = 0;

    for (i = 0; i < N_NAMES; i++) {
        if (mlclf_strtab_find(&t, names + i * 16, strlen(names + i * 16))
            != i)
        {
            bad++;
        }
    }

    is_int(bad, 0, "each found with its value");
    is_int(mlclf_strtab_find(&t, "class_", 6), MLCLF_STRTAB_NONE,
           "a name never added is not found");

    mlclf_strtab_free(&t);
    free(names);
}


/*
 * mlclf_hash() is xxHash's XXH3, 64 bits, and not a hash of our own:
 * the values that libxxhash 0.8.1's XXH3_64bits() gives, for keys of
 * 0, 11 (at most 16) and 30 bytes, which take different paths in it.
 */
static void
t_hash(void)
{
    ok(mlclf_hash("", 0) == 0x2d06800538d394c2ull, "hash: XXH3 of nothing");
    ok(mlclf_hash("from_domain", 11) == 0xfb2d9116ea94fa8full,
       "hash: XXH3 of a feature name");
    ok(mlclf_hash("the quick brown fox jumps over", 30)
       == 0x03f833898877b13dull, "hash: XXH3 of 30 bytes");
}


/*
 * mlclf_mem_eq() against memcmp() for every length from 0 to 40 (each
 * way it compares: a byte, two 16-, 32- and 64-bit loads, memcmp) and
 * a difference at each position, one bit at a time, the two keys at
 * every alignment.
 */
static void
t_mem_eq(void)
{
    int            bad, diff;
    size_t         len, pos, off, bit;
    unsigned char  a[48], b[48];

    bad = 0;

    for (len = 0; len <= 40; len++) {
        for (off = 0; off < 8; off++) {
            for (pos = 0; pos < len; pos++) {
                memset(a, 0xa5, sizeof(a));
                memset(b, 0x5a, sizeof(b));
                memset(a + off, 'x', len);
                memcpy(b, a + off, len);

                bad += mlclf_mem_eq(a + off, b, len) != 1;

                for (bit = 0; bit < 8; bit++) {
                    b[pos] ^= (unsigned char) (1u << bit);
                    diff = memcmp(a + off, b, len) != 0;
                    bad += mlclf_mem_eq(a + off, b, len) != !diff;
                    b[pos] ^= (unsigned char) (1u << bit);
                }
            }

            /* bytes around the keys are never compared */
            bad += mlclf_mem_eq(a + off, b, len) != 1;
            bad += mlclf_mem_eq(a + off, b, 0) != 1;
        }
    }

    is_int(bad, 0, "mem_eq: as memcmp() == 0, lengths 0 to 40, a "
           "difference at each byte and bit");
}


int
main(void)
{
    t_hash();
    t_mem_eq();
    t_empty();
    t_add_find();
    t_grow();

    return tap_done();
}
