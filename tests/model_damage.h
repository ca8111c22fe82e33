
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Damage to a model file as data, for the tests that feed the reader
 * damaged files (test_model.c, test_registry_damage.c): a case is up to
 * three edits of a good file's bytes, then both CRC-32s recomputed so
 * that the later checks are reached (or left as the edits made them),
 * and the code the reader must return.
 *
 * An edit names its bytes by where they are, in the table shorthand
 * DMG_*: a header field, a field of a section's table entry (by type),
 * an element of a section's data or of the padding after it, a byte of
 * the file, or the file's length.  Positions below 0 count from the end
 * (of a section's data: before its padding).  The host is little-endian,
 * as the format: an integer edit works on the low bytes.
 */


#ifndef _MODEL_DAMAGE_H_INCLUDED_
#define _MODEL_DAMAGE_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include <mlclf_format.h>


typedef enum {
    MODEL_DAMAGE_FILE = 0,          /* byte pos of the file */
    MODEL_DAMAGE_HEADER,            /* the field at byte pos of the header */
    MODEL_DAMAGE_ENTRY,             /* the field at byte pos of an entry */
    MODEL_DAMAGE_DATA,              /* element pos of a section's data */
    MODEL_DAMAGE_LENGTH             /* the length of the file */
} model_damage_at_e;

typedef enum {
    MODEL_DAMAGE_NONE = 0,          /* no edit: the end of the list */
    MODEL_DAMAGE_SET,               /* = n (d) */
    MODEL_DAMAGE_ADD,               /* += n (d), modulo the width */
    MODEL_DAMAGE_XOR,               /* ^= n */
    MODEL_DAMAGE_PAST               /* = the file's length + n */
} model_damage_op_e;

typedef struct {
    model_damage_at_e         at;
    uint32_t                  section;      /* ENTRY, DATA: its type */
    long                      pos;
    unsigned                  width;        /* bytes; 0: a double */
    model_damage_op_e         op;
    uint64_t                  n;
    double                    d;            /* for a double */
} model_damage_edit_t;

typedef struct {
    const char               *what;
    int                       code;         /* what the reader says */
    unsigned                  raw;          /* DMG_CRC or DMG_RAW */
    model_damage_edit_t       edit[3];
} model_damage_t;


#define DMG_CRC  0                  /* recompute the CRCs after the edits */
#define DMG_RAW  1                  /* leave them as the edits left them */

#define DMG_HDR(field, op, v)                                                \
    { MODEL_DAMAGE_HEADER, 0, offsetof(mlclf_file_header_t, field),          \
      sizeof(((mlclf_file_header_t *) 0)->field), MODEL_DAMAGE_##op,         \
      (uint64_t) (v), 0 }

#define DMG_ENTRY(type, field, op, v)                                        \
    { MODEL_DAMAGE_ENTRY, MLCLF_SECTION_##type,                              \
      offsetof(mlclf_file_section_t, field),                                 \
      sizeof(((mlclf_file_section_t *) 0)->field), MODEL_DAMAGE_##op,        \
      (uint64_t) (v), 0 }

/* byte, 32-bit integer or double number i of a section's data */
#define DMG_BYTE(type, i, op, v)                                             \
    { MODEL_DAMAGE_DATA, MLCLF_SECTION_##type, i, 1, MODEL_DAMAGE_##op,      \
      (uint64_t) (v), 0 }

#define DMG_U32(type, i, op, v)                                              \
    { MODEL_DAMAGE_DATA, MLCLF_SECTION_##type, i, 4, MODEL_DAMAGE_##op,      \
      (uint64_t) (v), 0 }

#define DMG_F64(type, i, op, v)                                              \
    { MODEL_DAMAGE_DATA, MLCLF_SECTION_##type, i, 0, MODEL_DAMAGE_##op, 0,   \
      v }

#define DMG_FILE(pos, op, v)                                                 \
    { MODEL_DAMAGE_FILE, 0, pos, 1, MODEL_DAMAGE_##op, (uint64_t) (v), 0 }

#define DMG_LEN(op, v)                                                       \
    { MODEL_DAMAGE_LENGTH, 0, 0, 0, MODEL_DAMAGE_##op, (uint64_t) (v), 0 }


/*
 * Applies the edits of d to the file p of *len bytes (which may change:
 * DMG_LEN), then recomputes its CRCs unless d->raw.  Bails out of the
 * test if an edit names bytes the file does not have.
 */
void model_damage_apply(uint8_t *p, size_t *len, const model_damage_t *d);


#endif /* _MODEL_DAMAGE_H_INCLUDED_ */
