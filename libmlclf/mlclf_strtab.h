
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

        if (s->len == len && memcmp(s->name, name, len) == 0) {
            return s->value;
        }

        i = (i + 1) & t->mask;
    }
}


#endif /* _MLCLF_STRTAB_H_INCLUDED_ */
