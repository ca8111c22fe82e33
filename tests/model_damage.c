
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Damage to a model file as data (model_damage.h).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf.h>
#include <mlclf_format.h>
#include "model_bytes.h"
#include "model_damage.h"


static void model_damage_edit(uint8_t *p, size_t *len,
    const model_damage_edit_t *e);
static uint64_t model_damage_int(uint64_t n, size_t len,
    const model_damage_edit_t *e);
static uint8_t *model_damage_bytes(uint8_t *p, size_t len,
    const model_damage_edit_t *e, size_t width);


void
model_damage_apply(uint8_t *p, size_t *len, const model_damage_t *d)
{
    size_t  i;

    for (i = 0; i < 3 && d->edit[i].op != MODEL_DAMAGE_NONE; i++) {
        model_damage_edit(p, len, &d->edit[i]);
    }

    if (!d->raw) {
        fix_crc(p, *len);
    }
}


static void
model_damage_edit(uint8_t *p, size_t *len, const model_damage_edit_t *e)
{
    double     v;
    size_t     width;
    uint8_t   *b;
    uint64_t   n;

    if (e->at == MODEL_DAMAGE_LENGTH) {
        *len = (size_t) model_damage_int(*len, *len, e);
        return;
    }

    width = e->width ? e->width : sizeof(double);
    b = model_damage_bytes(p, *len, e, width);

    if (e->width == 0) {
        memcpy(&v, b, sizeof(double));
        v = e->op == MODEL_DAMAGE_ADD ? v + e->d : e->d;
        memcpy(b, &v, sizeof(double));
        return;
    }

    n = 0;
    memcpy(&n, b, width);
    n = model_damage_int(n, *len, e);
    memcpy(b, &n, width);
}


/* n after the edit's operation; len is the file's length. */
static uint64_t
model_damage_int(uint64_t n, size_t len, const model_damage_edit_t *e)
{
    switch (e->op) {

    case MODEL_DAMAGE_ADD:
        return n + e->n;

    case MODEL_DAMAGE_XOR:
        return n ^ e->n;

    case MODEL_DAMAGE_PAST:
        return len + e->n;

    default:
        return e->n;
    }
}


/* The width bytes an edit names; bails out if the file has none there. */
static uint8_t *
model_damage_bytes(uint8_t *p, size_t len, const model_damage_edit_t *e,
    size_t width)
{
    size_t                 size, scale, off;
    uint8_t               *base;
    mlclf_file_section_t  *s;

    base = p;
    size = len;
    scale = 1;

    switch (e->at) {

    case MODEL_DAMAGE_HEADER:
        size = MLCLF_HEADER_SIZE;
        break;

    case MODEL_DAMAGE_ENTRY:
        base = (uint8_t *) sec(p, e->section);
        size = sizeof(mlclf_file_section_t);
        break;

    case MODEL_DAMAGE_DATA:
        s = sec(p, e->section);

        if (s->offset > len || s->length > len - s->offset) {
            printf("Bail out! damage in section %u: not in the file\n",
                   e->section);
            exit(1);
        }

        /* its padding too; from the end: from the end of the data */
        base = p + s->offset;
        size = s->length;
        scale = width;

        if (e->pos >= 0) {
            size = (size + MLCLF_ALIGN - 1) & ~((size_t) MLCLF_ALIGN - 1);
            size = size < len - s->offset ? size : len - s->offset;
        }

        break;

    default:
        break;
    }

    off = e->pos >= 0 ? (size_t) e->pos * scale
                      : size - (size_t) -e->pos * scale;

    if (off > size || width > size - off) {
        printf("Bail out! damage at %ld of %zu bytes: no such bytes\n",
               e->pos, size);
        exit(1);
    }

    return base + off;
}
