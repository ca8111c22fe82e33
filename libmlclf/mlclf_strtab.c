
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The string table of mlclf_strtab.h.  At most half the slots are used,
 * so a probe ends at an empty slot after a few steps.
 */


#include <stdlib.h>

#include "mlclf.h"
#include "mlclf_strtab.h"


static size_t mlclf_strtab_slots(size_t n);
static void mlclf_strtab_place(mlclf_strtab_slot_t *slots, size_t mask,
    const mlclf_strtab_slot_t *s);
static int mlclf_strtab_grow(mlclf_strtab_t *t);


/* The power of 2 that keeps n names at most half the slots. */
static size_t
mlclf_strtab_slots(size_t n)
{
    size_t  cap;

    for (cap = 16; cap < 2 * n; cap *= 2) {
        /* void */
    }

    return cap;
}


int
mlclf_strtab_init(mlclf_strtab_t *t, size_t n)
{
    size_t  cap;

    cap = mlclf_strtab_slots(n);

    t->slots = calloc(cap, sizeof(mlclf_strtab_slot_t));
    if (t->slots == NULL) {
        t->mask = 0;
        t->n = 0;
        return MLCLF_ENOMEM;
    }

    t->mask = cap - 1;
    t->n = 0;

    return MLCLF_OK;
}


void
mlclf_strtab_free(mlclf_strtab_t *t)
{
    free(t->slots);
    t->slots = NULL;
    t->mask = 0;
    t->n = 0;
}


static void
mlclf_strtab_place(mlclf_strtab_slot_t *slots, size_t mask,
    const mlclf_strtab_slot_t *s)
{
    size_t  i;

    i = (size_t) mlclf_hash(s->name, s->len) & mask;

    while (slots[i].name != NULL) {
        i = (i + 1) & mask;
    }

    slots[i] = *s;
}


static int
mlclf_strtab_grow(mlclf_strtab_t *t)
{
    size_t                i, cap;
    mlclf_strtab_slot_t  *slots;

    cap = (t->mask + 1) * 2;

    slots = calloc(cap, sizeof(mlclf_strtab_slot_t));
    if (slots == NULL) {
        return MLCLF_ENOMEM;
    }

    for (i = 0; i <= t->mask; i++) {
        if (t->slots[i].name != NULL) {
            mlclf_strtab_place(slots, cap - 1, &t->slots[i]);
        }
    }

    free(t->slots);
    t->slots = slots;
    t->mask = cap - 1;

    return MLCLF_OK;
}


int
mlclf_strtab_add(mlclf_strtab_t *t, const char *name, size_t len,
    uint32_t value, uint32_t *have)
{
    uint32_t             v;
    mlclf_strtab_slot_t  s;

    if (len > UINT32_MAX) {
        return MLCLF_EINVAL;
    }

    v = mlclf_strtab_find(t, name, len);
    if (v != MLCLF_STRTAB_NONE) {
        *have = v;
        return MLCLF_STRTAB_EXISTS;
    }

    if (t->slots == NULL) {
        if (mlclf_strtab_init(t, 1) != MLCLF_OK) {
            return MLCLF_ENOMEM;
        }

    } else if ((t->n + 1) * 2 > t->mask + 1) {
        if (mlclf_strtab_grow(t) != MLCLF_OK) {
            return MLCLF_ENOMEM;
        }
    }

    s.name = name;
    s.len = (uint32_t) len;
    s.value = value;

    mlclf_strtab_place(t->slots, t->mask, &s);
    t->n++;

    return MLCLF_OK;
}
