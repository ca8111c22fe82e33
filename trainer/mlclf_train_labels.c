
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The CSV loader's label table: FNV-1a hashing, open addressing with
 * linear probing, kept at most half full.
 */


#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_train_labels.h>


static uint64_t mlclf_train_labels_hash(const char *s, size_t len);


static uint64_t
mlclf_train_labels_hash(const char *s, size_t len)
{
    size_t    i;
    uint64_t  h;

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < len; i++) {
        h = (h ^ (uint8_t) s[i]) * 0x100000001b3ULL;
    }

    return h ^ (h >> 29);
}


int
mlclf_train_labels_init(mlclf_train_labels_t *t, size_t cap)
{
    size_t  n;

    memset(t, 0, sizeof(*t));

    for (n = 16; n < cap * 2; n *= 2) { /* void */ }

    t->slots = calloc(n, sizeof(uint32_t));
    if (t->slots == NULL) {
        return MLCLF_ENOMEM;
    }

    t->mask = n - 1;

    return MLCLF_OK;
}


void
mlclf_train_labels_free(mlclf_train_labels_t *t)
{
    size_t  i;

    if (t->names) {
        for (i = 0; i < t->n; i++) {
            free(t->names[i]);
        }
    }

    free(t->names);
    free(t->lens);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}


int32_t
mlclf_train_labels_find(const mlclf_train_labels_t *t, const char *s,
    size_t len)
{
    size_t    i;
    uint32_t  v;

    i = (size_t) mlclf_train_labels_hash(s, len) & t->mask;

    while ((v = t->slots[i]) != 0) {
        if (t->lens[v - 1] == len && memcmp(t->names[v - 1], s, len) == 0) {
            return (int32_t) (v - 1);
        }

        i = (i + 1) & t->mask;
    }

    return -1;
}


int32_t
mlclf_train_labels_add(mlclf_train_labels_t *t, const char *s, size_t len)
{
    char     **names;
    size_t     i, cap, *lens;
    uint32_t   v, *slots;

    if ((t->n + 1) * 2 > t->mask + 1) {
        cap = (t->mask + 1) * 2;
        slots = calloc(cap, sizeof(uint32_t));
        if (slots == NULL) {
            return -1;
        }

        for (v = 0; v < t->n; v++) {
            i = (size_t) mlclf_train_labels_hash(t->names[v], t->lens[v])
                & (cap - 1);
            while (slots[i] != 0) {
                i = (i + 1) & (cap - 1);
            }

            slots[i] = v + 1;
        }

        free(t->slots);
        t->slots = slots;
        t->mask = cap - 1;
    }

    if (t->n == t->names_cap) {
        cap = t->names_cap ? t->names_cap * 2 : 16;

        names = realloc(t->names, cap * sizeof(char *));
        if (names == NULL) {
            return -1;
        }

        t->names = names;

        lens = realloc(t->lens, cap * sizeof(size_t));
        if (lens == NULL) {
            return -1;
        }

        t->lens = lens;
        t->names_cap = cap;
    }

    t->names[t->n] = strndup(s, len);
    if (t->names[t->n] == NULL) {
        return -1;
    }

    t->lens[t->n] = len;

    i = (size_t) mlclf_train_labels_hash(s, len) & t->mask;
    while (t->slots[i] != 0) {
        i = (i + 1) & t->mask;
    }

    t->slots[i] = (uint32_t) ++t->n;

    return (int32_t) (t->n - 1);
}


size_t
mlclf_train_labels_count(const mlclf_train_labels_t *t)
{
    return t->n;
}


char *
mlclf_train_labels_name(const mlclf_train_labels_t *t, size_t id)
{
    return t->names[id];
}
