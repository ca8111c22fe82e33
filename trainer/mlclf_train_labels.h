
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: the CSV loader's label table, label text to a
 * dense id in the order of first appearance, over the core's string
 * table.
 */


#ifndef _MLCLF_TRAIN_LABELS_H_INCLUDED_
#define _MLCLF_TRAIN_LABELS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf_strtab.h>


/* label text -> dense id; a zeroed one may be freed */
typedef struct {
    mlclf_strtab_t            index;        /* names[id] -> id */
    char                    **names;
    size_t                    n;
    size_t                    names_cap;
} mlclf_train_labels_t;


/* An empty table sized for cap labels (it grows past them). */
int mlclf_train_labels_init(mlclf_train_labels_t *t, size_t cap);
void mlclf_train_labels_free(mlclf_train_labels_t *t);

/* The id of the len bytes at s, or -1. */
int32_t mlclf_train_labels_find(const mlclf_train_labels_t *t,
    const char *s, size_t len);

/* Adds a label not in the table: its new id; -1 out of memory or a
 * label already there (callers find before they add). */
int32_t mlclf_train_labels_add(mlclf_train_labels_t *t, const char *s,
    size_t len);

/* The number of labels; ids are 0 .. count - 1. */
size_t mlclf_train_labels_count(const mlclf_train_labels_t *t);

/* The NUL-terminated text of label id, owned by the table. */
char *mlclf_train_labels_name(const mlclf_train_labels_t *t, size_t id);


#endif /* _MLCLF_TRAIN_LABELS_H_INCLUDED_ */
