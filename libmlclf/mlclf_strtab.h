
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A string table: names to 32-bit values, open addressing with linear
 * probing.  The table keeps pointers to the names, never copies: the
 * caller keeps each name's bytes alive and unchanged while the table
 * holds it.  Used for a model's feature names (looked up per request),
 * duplicate checks of a model's labels, the trainer's labels and its
 * count of a category's values.  And the one order of strings,
 * mlclf_str_cmp(), which sorted categories and vocabularies follow.
 */


#ifndef _MLCLF_STRTAB_H_INCLUDED_
#define _MLCLF_STRTAB_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_hash.h"


#define MLCLF_STRTAB_NONE    UINT32_MAX
#define MLCLF_STRTAB_EXISTS  1          /* mlclf_strtab_add(): not added */


typedef struct {
    const char               *name;         /* NULL: empty slot */
    uint32_t                  len;
    uint32_t                  value;
} mlclf_strtab_slot_t;


typedef struct {
    mlclf_strtab_slot_t      *slots;
    size_t                    mask;         /* slots - 1, a power of 2 */
    size_t                    n;
} mlclf_strtab_t;


/*
 * Sets up an empty table with room for n names before it grows.
 * Returns MLCLF_OK or MLCLF_ENOMEM.  mlclf_strtab_free() releases it;
 * a zeroed table may be freed too.
 */
int mlclf_strtab_init(mlclf_strtab_t *t, size_t n);
void mlclf_strtab_free(mlclf_strtab_t *t);

/*
 * Adds name -> value, growing as needed.  Returns MLCLF_OK when added;
 * MLCLF_STRTAB_EXISTS, with the value already there in *have, when the
 * name is in the table (the table is unchanged); MLCLF_ENOMEM; or
 * MLCLF_EINVAL for a name over UINT32_MAX bytes.
 */
int mlclf_strtab_add(mlclf_strtab_t *t, const char *name, size_t len,
    uint32_t value, uint32_t *have);

/*
 * The order of two strings: bytewise, a prefix first.  On UTF-8 it is
 * Python's order of str (UTF-8 keeps code point order in its bytes),
 * which scikit-learn sorts categories and vocabularies by.  Returns
 * < 0, 0 or > 0.
 */

static inline int
mlclf_str_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
    int  c;

    c = memcmp(a, b, alen < blen ? alen : blen);

    if (c != 0) {
        return c;
    }

    return (alen > blen) - (alen < blen);
}


/*
 * 1 if the len bytes at a and at b are the same, else 0.  Up to 16
 * bytes (most names and words) by two loads of each side that may
 * overlap and never leave the len bytes, which costs fewer
 * instructions than a call to memcmp(); longer ones by memcmp().
 */

static inline int
mlclf_mem_eq(const void *a, const void *b, size_t len)
{
    uint16_t        a2, b2, c2, d2;
    uint32_t        a4, b4, c4, d4;
    uint64_t        a8, b8, c8, d8;
    const uint8_t  *p, *q;

    p = a;
    q = b;

    if (len > 16) {
        return memcmp(p, q, len) == 0;
    }

    if (len >= 8) {
        memcpy(&a8, p, 8);
        memcpy(&b8, q, 8);
        memcpy(&c8, p + len - 8, 8);
        memcpy(&d8, q + len - 8, 8);
        return ((a8 ^ b8) | (c8 ^ d8)) == 0;
    }

    if (len >= 4) {
        memcpy(&a4, p, 4);
        memcpy(&b4, q, 4);
        memcpy(&c4, p + len - 4, 4);
        memcpy(&d4, q + len - 4, 4);
        return ((a4 ^ b4) | (c4 ^ d4)) == 0;
    }

    if (len >= 2) {
        memcpy(&a2, p, 2);
        memcpy(&b2, q, 2);
        memcpy(&c2, p + len - 2, 2);
        memcpy(&d2, q + len - 2, 2);
        return ((a2 ^ b2) | (c2 ^ d2)) == 0;
    }

    return len == 0 || p[0] == q[0];
}


/* The value of name, or MLCLF_STRTAB_NONE. */

static inline uint32_t
mlclf_strtab_find(const mlclf_strtab_t *t, const char *name, size_t len)
{
    size_t                      i;
    const mlclf_strtab_slot_t  *s;

    if (t->slots == NULL) {
        return MLCLF_STRTAB_NONE;
    }

    i = (size_t) mlclf_hash(name, len) & t->mask;

    for ( ;; ) {
        s = &t->slots[i];

        if (s->name == NULL) {
            return MLCLF_STRTAB_NONE;
        }

        if (s->len == len && mlclf_mem_eq(s->name, name, len)) {
            return s->value;
        }

        i = (i + 1) & t->mask;
    }
}


#endif /* _MLCLF_STRTAB_H_INCLUDED_ */
