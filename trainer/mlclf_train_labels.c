
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The CSV loader's label table: the labels' text, owned here, indexed by
 * the core's string table (mlclf_strtab.h).
 */


#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_train_labels.h>


int
mlclf_train_labels_init(mlclf_train_labels_t *t, size_t cap)
{
    memset(t, 0, sizeof(*t));

    return mlclf_strtab_init(&t->index, cap);
}


void
mlclf_train_labels_free(mlclf_train_labels_t *t)
{
    size_t  i;

    for (i = 0; i < t->n; i++) {
        free(t->names[i]);
    }

    free(t->names);
    mlclf_strtab_free(&t->index);
    memset(t, 0, sizeof(*t));
}


int32_t
mlclf_train_labels_find(const mlclf_train_labels_t *t, const char *s,
    size_t len)
{
    uint32_t  id;

    id = mlclf_strtab_find(&t->index, s, len);

    return (id == MLCLF_STRTAB_NONE) ? -1 : (int32_t) id;
}


int32_t
mlclf_train_labels_add(mlclf_train_labels_t *t, const char *s, size_t len)
{
    char      **names, *name;
    size_t      cap;
    uint32_t    have;

    if (t->n == t->names_cap) {
        cap = t->names_cap ? t->names_cap * 2 : 16;

        names = realloc(t->names, cap * sizeof(char *));
        if (names == NULL) {
            return -1;
        }

        t->names = names;
        t->names_cap = cap;
    }

    name = strndup(s, len);
    if (name == NULL) {
        return -1;
    }

    if (mlclf_strtab_add(&t->index, name, len, (uint32_t) t->n, &have)
        != MLCLF_OK)
    {
        free(name);
        return -1;
    }

    t->names[t->n] = name;

    return (int32_t) t->n++;
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
