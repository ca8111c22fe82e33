
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Verifies a model file's bytes against mlclf_format.h, reads model files
 * into sealed read-only memory, and answers questions about a verified
 * model.
 */


/* memfd_create() and the F_SEAL_* fcntl()s */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_format.h"
#include "mlclf_model.h"


#define MLCLF_SLOTS  64             /* section types 0..63 */
#define MLCLF_NONE   UINT32_MAX


typedef unsigned long long  mlclf_ull_t;


/* Where each section type sits in the table, during verification. */
typedef struct {
    uint32_t                  index[MLCLF_SLOTS];   /* table entry or NONE */
    mlclf_file_section_t      sec[MLCLF_SLOTS];
} mlclf_sections_t;


static const char *mlclf_section_name(uint32_t type);
static size_t mlclf_section_elem(uint32_t type);
static int mlclf_parse(mlclf_model_t *m, const uint8_t *p, size_t len,
    mlclf_err_t *err);
static int mlclf_parse_header(const uint8_t *p, size_t len,
    mlclf_file_header_t *h, mlclf_err_t *err);
static int mlclf_parse_table(const uint8_t *p, const mlclf_file_header_t *h,
    mlclf_sections_t *s, mlclf_err_t *err);
static int mlclf_parse_counts(mlclf_model_t *m, const uint8_t *p,
    mlclf_sections_t *s, mlclf_err_t *err);
static int mlclf_parse_names(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, uint32_t type, mlclf_err_t *err);
static int mlclf_parse_metadata(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, mlclf_err_t *err);
static int mlclf_check_finite(const double *v, size_t n,
    const mlclf_sections_t *s, uint32_t type, mlclf_err_t *err);
static int mlclf_check_leaves(const mlclf_model_t *m,
    const mlclf_sections_t *s, mlclf_err_t *err);
static size_t mlclf_page_align(size_t size);
static int mlclf_check_size(int fd, const char *path, size_t size,
    mlclf_err_t *err);
static int mlclf_read_sealed(int fd, const char *path, size_t size,
    void **map, size_t *map_size, mlclf_err_t *err);
static int mlclf_tree_depth(mlclf_model_t *m, mlclf_err_t *err);
static int mlclf_check_trees(mlclf_model_t *m,
    const mlclf_sections_t *s, mlclf_err_t *err);
static int mlclf_alloc_names(mlclf_model_t *m, mlclf_err_t *err);
static void mlclf_free(mlclf_model_t *m);


static const char *
mlclf_section_name(uint32_t type)
{
    switch (type) {

    case MLCLF_SECTION_FEATURE_NAMES:
        return "FEATURE_NAMES";
    case MLCLF_SECTION_CLASS_LABELS:
        return "CLASS_LABELS";
    case MLCLF_SECTION_IMPUTE:
        return "IMPUTE";
    case MLCLF_SECTION_METADATA:
        return "METADATA";
    case MLCLF_SECTION_LINEAR_WEIGHTS:
        return "LINEAR_WEIGHTS";
    case MLCLF_SECTION_LINEAR_BIAS:
        return "LINEAR_BIAS";
    case MLCLF_SECTION_TREE_OFFSETS:
        return "TREE_OFFSETS";
    case MLCLF_SECTION_NODE_FEATURE:
        return "NODE_FEATURE";
    case MLCLF_SECTION_NODE_THRESHOLD:
        return "NODE_THRESHOLD";
    case MLCLF_SECTION_NODE_LEFT:
        return "NODE_LEFT";
    case MLCLF_SECTION_NODE_RIGHT:
        return "NODE_RIGHT";
    case MLCLF_SECTION_LEAF_VALUES:
        return "LEAF_VALUES";
    default:
        return NULL;
    }
}


/* Element size of a fixed-width section, 0 for the text sections. */
static size_t
mlclf_section_elem(uint32_t type)
{
    switch (type) {

    case MLCLF_SECTION_IMPUTE:
    case MLCLF_SECTION_LINEAR_WEIGHTS:
    case MLCLF_SECTION_LINEAR_BIAS:
    case MLCLF_SECTION_NODE_THRESHOLD:
    case MLCLF_SECTION_LEAF_VALUES:
        return sizeof(double);

    case MLCLF_SECTION_TREE_OFFSETS:
    case MLCLF_SECTION_NODE_FEATURE:
    case MLCLF_SECTION_NODE_LEFT:
    case MLCLF_SECTION_NODE_RIGHT:
        return sizeof(uint32_t);

    default:
        return 0;
    }
}


static int
mlclf_parse_header(const uint8_t *p, size_t len, mlclf_file_header_t *h,
    mlclf_err_t *err)
{
    size_t    i;
    uint32_t  crc;

    if (len < MLCLF_HEADER_SIZE) {
        if (len == 0) {
            return mlclf_err_set(err, MLCLF_ETRUNCATED, "file is empty");
        }

        return mlclf_err_set(err, MLCLF_ETRUNCATED,
                             "file is %zu bytes, shorter than the %d-byte "
                             "header", len, MLCLF_HEADER_SIZE);
    }

    memcpy(h, p, sizeof(*h));

    if (memcmp(h->magic, MLCLF_MAGIC, MLCLF_MAGIC_LEN) != 0) {
        return mlclf_err_set(err, MLCLF_EMAGIC,
                             "bad magic: not an .mlclf model file");
    }

    if (h->format_version == 0) {
        return mlclf_err_set(err, MLCLF_EHEADER, "format version 0");
    }

    if (h->format_version > MLCLF_FORMAT_VERSION) {
        return mlclf_err_set(err, MLCLF_EVERSION,
                             "format version %u is newer than the "
                             "supported version %d", h->format_version,
                             MLCLF_FORMAT_VERSION);
    }

    if (h->header_size != MLCLF_HEADER_SIZE) {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "header size %u, expected %d", h->header_size,
                             MLCLF_HEADER_SIZE);
    }

    if (h->endian != MLCLF_ENDIAN_PROBE) {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "endianness probe 0x%08x, expected 0x%08x",
                             h->endian, MLCLF_ENDIAN_PROBE);
    }

    if (h->flags != 0) {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "unknown header flags 0x%08x", h->flags);
    }

    for (i = 0; i < sizeof(h->reserved); i++) {
        if (h->reserved[i] != 0) {
            return mlclf_err_set(err, MLCLF_EHEADER,
                                 "reserved header byte %zu is not zero",
                                 offsetof(mlclf_file_header_t, reserved) + i);
        }
    }

    if (h->n_features < 1 || h->n_features > MLCLF_MAX_FEATURES) {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "n_features %u is out of range 1..%d",
                             h->n_features, MLCLF_MAX_FEATURES);
    }

    if (h->n_classes < MLCLF_MIN_CLASSES || h->n_classes > MLCLF_MAX_CLASSES)
    {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "n_classes %u is out of range %d..%d",
                             h->n_classes, MLCLF_MIN_CLASSES,
                             MLCLF_MAX_CLASSES);
    }

    if (h->file_size < MLCLF_HEADER_SIZE) {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "file size %llu is smaller than the header",
                             (mlclf_ull_t) h->file_size);
    }

    if (h->section_count < 1 || h->section_count > MLCLF_MAX_SECTIONS) {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "section count %u is out of range 1..%d",
                             h->section_count, MLCLF_MAX_SECTIONS);
    }

    if (h->section_offset < MLCLF_HEADER_SIZE
        || h->section_offset % MLCLF_ALIGN != 0)
    {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "section table offset %llu is inside the "
                             "header or not %d-byte aligned",
                             (mlclf_ull_t) h->section_offset, MLCLF_ALIGN);
    }

    crc = mlclf_crc32(0, p, offsetof(mlclf_file_header_t, header_crc32));
    crc = mlclf_crc32(crc, "\0\0\0\0", 4);
    crc = mlclf_crc32(crc, p + offsetof(mlclf_file_header_t, reserved),
                      sizeof(h->reserved));

    if (crc != h->header_crc32) {
        return mlclf_err_set(err, MLCLF_EHEADERCRC,
                             "header CRC-32 is 0x%08x, header says 0x%08x",
                             crc, h->header_crc32);
    }

    if (len < h->file_size) {
        return mlclf_err_set(err, MLCLF_ETRUNCATED,
                             "file is %zu bytes, its header says %llu",
                             len, (mlclf_ull_t) h->file_size);
    }

    if (len > h->file_size) {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "%llu bytes of trailing garbage after the "
                             "declared file size %llu",
                             (mlclf_ull_t) (len - h->file_size),
                             (mlclf_ull_t) h->file_size);
    }

    crc = mlclf_crc32(0, p + MLCLF_HEADER_SIZE, len - MLCLF_HEADER_SIZE);

    if (crc != h->payload_crc32) {
        return mlclf_err_set(err, MLCLF_EPAYLOADCRC,
                             "payload CRC-32 is 0x%08x, header says 0x%08x",
                             crc, h->payload_crc32);
    }

    if (h->model_kind == MLCLF_FILE_KIND_GBT) {
        return mlclf_err_set(err, MLCLF_EKIND,
                             "model kind %u (gbt) is not supported by this "
                             "reader", h->model_kind);
    }

    if (h->model_kind != MLCLF_FILE_KIND_LOGREG
        && h->model_kind != MLCLF_FILE_KIND_FOREST)
    {
        return mlclf_err_set(err, MLCLF_EKIND, "unknown model kind %u",
                             h->model_kind);
    }

    return MLCLF_OK;
}


static int
mlclf_parse_table(const uint8_t *p, const mlclf_file_header_t *h,
    mlclf_sections_t *s, mlclf_err_t *err)
{
    uint32_t               i;
    uint64_t               end, k, size;
    const char            *name;
    mlclf_file_section_t   e;

    size = h->file_size;

    for (i = 0; i < MLCLF_SLOTS; i++) {
        s->index[i] = MLCLF_NONE;
    }

    if (h->section_offset > size
        || (uint64_t) h->section_count * sizeof(e) > size - h->section_offset)
    {
        return mlclf_err_set(err, MLCLF_EBOUNDS,
                             "section table (offset %llu, %u entries) is "
                             "past the end of the file (%llu bytes)",
                             (mlclf_ull_t) h->section_offset,
                             h->section_count, (mlclf_ull_t) size);
    }

    end = h->section_offset + (uint64_t) h->section_count * sizeof(e);

    for (k = MLCLF_HEADER_SIZE; k < h->section_offset; k++) {
        if (p[k] != 0) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "nonzero byte at offset %llu before the "
                                 "section table", (mlclf_ull_t) k);
        }
    }

    for (i = 0; i < h->section_count; i++) {
        memcpy(&e, p + h->section_offset + (uint64_t) i * sizeof(e),
               sizeof(e));

        name = mlclf_section_name(e.type);

        if (name == NULL) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u: unknown type %u", i, e.type);
        }

        if (e.flags != 0) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (%s): unknown flags 0x%08x",
                                 i, name, e.flags);
        }

        if (s->index[e.type] != MLCLF_NONE) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (%s): duplicate of section %u",
                                 i, name, s->index[e.type]);
        }

        if (e.offset > size || e.length > size - e.offset) {
            return mlclf_err_set(err, MLCLF_EBOUNDS,
                                 "section %u (%s): offset %llu + length "
                                 "%llu is past the end of the file "
                                 "(%llu bytes)", i, name,
                                 (mlclf_ull_t) e.offset,
                                 (mlclf_ull_t) e.length, (mlclf_ull_t) size);
        }

        if (e.offset % MLCLF_ALIGN != 0) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (%s): offset %llu is not "
                                 "%d-byte aligned", i, name,
                                 (mlclf_ull_t) e.offset, MLCLF_ALIGN);
        }

        if (e.offset < end) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (%s): offset %llu overlaps "
                                 "the section table or the previous "
                                 "section (which end at %llu)", i, name,
                                 (mlclf_ull_t) e.offset, (mlclf_ull_t) end);
        }

        for (k = end; k < e.offset; k++) {
            if (p[k] != 0) {
                return mlclf_err_set(err, MLCLF_ESECTION,
                                     "section %u (%s): nonzero padding at "
                                     "offset %llu", i, name, (mlclf_ull_t) k);
            }
        }

        if (mlclf_section_elem(e.type) != 0
            && (e.length % mlclf_section_elem(e.type) != 0
                || e.length / mlclf_section_elem(e.type) != e.count))
        {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (%s): length %llu does not "
                                 "match count %llu", i, name,
                                 (mlclf_ull_t) e.length,
                                 (mlclf_ull_t) e.count);
        }

        s->index[e.type] = i;
        s->sec[e.type] = e;
        end = e.offset + e.length;
    }

    for (k = end; k < size; k++) {
        if (p[k] != 0) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "nonzero byte at offset %llu after the "
                                 "last section", (mlclf_ull_t) k);
        }
    }

    return MLCLF_OK;
}


/* Checks which sections a kind requires and allows, and their counts. */
static int
mlclf_parse_counts(mlclf_model_t *m, const uint8_t *p, mlclf_sections_t *s,
    mlclf_err_t *err)
{
    uint32_t               t, kind_bit;
    uint64_t               count, want;
    const char            *kind_name;
    mlclf_file_section_t  *e;

    static const struct {
        uint32_t  type;
        uint32_t  kinds;        /* bit 0 logreg, bit 1 forest */
        uint32_t  required;
    } rules[] = {
        { MLCLF_SECTION_FEATURE_NAMES, 3, 3 },
        { MLCLF_SECTION_CLASS_LABELS, 3, 3 },
        { MLCLF_SECTION_IMPUTE, 3, 0 },
        { MLCLF_SECTION_METADATA, 3, 0 },
        { MLCLF_SECTION_LINEAR_WEIGHTS, 1, 1 },
        { MLCLF_SECTION_LINEAR_BIAS, 1, 1 },
        { MLCLF_SECTION_TREE_OFFSETS, 2, 2 },
        { MLCLF_SECTION_NODE_FEATURE, 2, 2 },
        { MLCLF_SECTION_NODE_THRESHOLD, 2, 2 },
        { MLCLF_SECTION_NODE_LEFT, 2, 2 },
        { MLCLF_SECTION_NODE_RIGHT, 2, 2 },
        { MLCLF_SECTION_LEAF_VALUES, 2, 2 }
    };

    if (m->kind == MLCLF_KIND_LOGREG) {
        kind_bit = 1;
        kind_name = "logreg";

    } else {
        kind_bit = 2;
        kind_name = "forest";
    }

    for (t = 0; t < sizeof(rules) / sizeof(rules[0]); t++) {
        if (s->index[rules[t].type] == MLCLF_NONE) {
            if (rules[t].required & kind_bit) {
                return mlclf_err_set(err, MLCLF_ESECTION,
                                     "required section %s is missing",
                                     mlclf_section_name(rules[t].type));
            }

            continue;
        }

        if (!(rules[t].kinds & kind_bit)) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (%s) is not allowed in a %s "
                                 "model", s->index[rules[t].type],
                                 mlclf_section_name(rules[t].type),
                                 kind_name);
        }
    }

#define MLCLF_COUNT(type, n)                                                 \
    e = &s->sec[type];                                                       \
    if (e->count != (uint64_t) (n)) {                                        \
        return mlclf_err_set(err, MLCLF_ESECTION,                            \
                             "section %u (%s): count %llu, expected %llu",   \
                             s->index[type], mlclf_section_name(type),       \
                             (mlclf_ull_t) e->count,                         \
                             (mlclf_ull_t) (n));                             \
    }

    MLCLF_COUNT(MLCLF_SECTION_FEATURE_NAMES, m->n_features);
    MLCLF_COUNT(MLCLF_SECTION_CLASS_LABELS, m->n_classes);

    if (s->index[MLCLF_SECTION_IMPUTE] != MLCLF_NONE) {
        MLCLF_COUNT(MLCLF_SECTION_IMPUTE, m->n_features);
        m->impute = (const void *) (p + s->sec[MLCLF_SECTION_IMPUTE].offset);
    }

    if (m->kind == MLCLF_KIND_LOGREG) {
        e = &s->sec[MLCLF_SECTION_LINEAR_BIAS];
        count = e->count;

        if (count != m->n_classes && !(count == 1 && m->n_classes == 2)) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (LINEAR_BIAS): %llu outputs, "
                                 "expected %u%s",
                                 s->index[MLCLF_SECTION_LINEAR_BIAS],
                                 (mlclf_ull_t) count, m->n_classes,
                                 m->n_classes == 2 ? " or 1" : "");
        }

        m->n_outputs = (uint32_t) count;
        m->bias = (const void *) (p + e->offset);

        want = (uint64_t) m->n_outputs * m->n_features;
        MLCLF_COUNT(MLCLF_SECTION_LINEAR_WEIGHTS, want);

        m->weights = (const void *) (p + e->offset);

        return MLCLF_OK;
    }

    e = &s->sec[MLCLF_SECTION_TREE_OFFSETS];

    if (e->count < 2 || e->count - 1 > UINT32_MAX) {
        return mlclf_err_set(err, MLCLF_ESECTION,
                             "section %u (TREE_OFFSETS): count %llu, "
                             "expected 2..%llu (n_trees + 1)",
                             s->index[MLCLF_SECTION_TREE_OFFSETS],
                             (mlclf_ull_t) e->count,
                             (mlclf_ull_t) UINT32_MAX + 1);
    }

    m->n_trees = (uint32_t) (e->count - 1);

    e = &s->sec[MLCLF_SECTION_NODE_FEATURE];

    if (e->count < 1 || e->count > UINT32_MAX) {
        return mlclf_err_set(err, MLCLF_ESECTION,
                             "section %u (NODE_FEATURE): count %llu, "
                             "expected 1..%llu",
                             s->index[MLCLF_SECTION_NODE_FEATURE],
                             (mlclf_ull_t) e->count,
                             (mlclf_ull_t) UINT32_MAX);
    }

    m->n_nodes = (uint32_t) e->count;

    MLCLF_COUNT(MLCLF_SECTION_NODE_THRESHOLD, m->n_nodes);
    MLCLF_COUNT(MLCLF_SECTION_NODE_LEFT, m->n_nodes);
    MLCLF_COUNT(MLCLF_SECTION_NODE_RIGHT, m->n_nodes);

#undef MLCLF_COUNT

    e = &s->sec[MLCLF_SECTION_LEAF_VALUES];

    if (e->count == 0 || e->count % m->n_classes != 0
        || e->count / m->n_classes > UINT32_MAX)
    {
        return mlclf_err_set(err, MLCLF_ESECTION,
                             "section %u (LEAF_VALUES): count %llu is not "
                             "a positive multiple of n_classes %u",
                             s->index[MLCLF_SECTION_LEAF_VALUES],
                             (mlclf_ull_t) e->count, m->n_classes);
    }

    m->n_leaves = (uint32_t) (e->count / m->n_classes);

    m->tree_offsets = (const void *)
        (p + s->sec[MLCLF_SECTION_TREE_OFFSETS].offset);
    m->node_feature = (const void *)
        (p + s->sec[MLCLF_SECTION_NODE_FEATURE].offset);
    m->node_threshold = (const void *)
        (p + s->sec[MLCLF_SECTION_NODE_THRESHOLD].offset);
    m->node_left = (const void *) (p + s->sec[MLCLF_SECTION_NODE_LEFT].offset);
    m->node_right = (const void *)
        (p + s->sec[MLCLF_SECTION_NODE_RIGHT].offset);
    m->leaf_values = (const void *) (p + e->offset);

    return MLCLF_OK;
}


static int
mlclf_alloc_names(mlclf_model_t *m, mlclf_err_t *err)
{
    size_t  n;

    n = (m->n_features + m->n_classes) * sizeof(char *);

    m->feature_names = malloc(n);
    if (m->feature_names == NULL
        || mlclf_strtab_init(&m->features, m->n_features) != MLCLF_OK)
    {
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "cannot allocate the name tables");
    }

    m->class_labels = m->feature_names + m->n_features;

    return MLCLF_OK;
}


int
mlclf_name_check(const char *name, size_t len, mlclf_err_t *err)
{
    size_t  i;

    /* the length first: a huge string is refused without reading it */

    if (len == 0) {
        return mlclf_err_set(err, MLCLF_ESTRINGS, "empty");
    }

    if (len > MLCLF_MAX_NAME_LEN) {
        return mlclf_err_set(err, MLCLF_ESTRINGS, "%zu bytes, more than %d",
                             len, MLCLF_MAX_NAME_LEN);
    }

    for (i = 0; name != NULL && i < len; i++) {
        if ((unsigned char) name[i] < 0x20 || (unsigned char) name[i] > 0x7e)
        {
            return mlclf_err_set(err, MLCLF_ESTRINGS, "byte %zu is 0x%02x, "
                                 "not printable ASCII", i + 1,
                                 (unsigned char) name[i]);
        }
    }

    return MLCLF_OK;
}


/*
 * Splits a string table into names[] and checks each name.  Duplicates
 * are found with a string table: the feature table, kept for
 * mlclf_model_feature_index(), or a temporary one for class labels (up
 * to 65535 of them, too many to compare pairwise).
 */
static int
mlclf_parse_names(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, uint32_t type, mlclf_err_t *err)
{
    int                          rc;
    size_t                       len, pos;
    uint32_t                     i, n, j;
    const char                  *what, **names;
    mlclf_err_t                  why;
    const uint8_t               *d, *nul;
    mlclf_strtab_t               labels, *tab;
    const mlclf_file_section_t  *e;

    e = &s->sec[type];
    d = p + e->offset;

    if (type == MLCLF_SECTION_FEATURE_NAMES) {
        n = m->n_features;
        names = m->feature_names;
        tab = &m->features;
        what = "feature name";

    } else {
        n = m->n_classes;
        names = m->class_labels;
        tab = &labels;
        what = "class label";

        if (mlclf_strtab_init(tab, n) != MLCLF_OK) {
            return mlclf_err_set(err, MLCLF_ENOMEM,
                                 "cannot allocate a label table");
        }
    }

    rc = MLCLF_OK;
    pos = 0;

    for (i = 0; i < n; i++) {
        nul = memchr(d + pos, '\0', (size_t) (e->length - pos));

        if (nul == NULL) {
            rc = mlclf_err_set(err, MLCLF_ESTRINGS,
                               "section %u (%s): %s %u is not "
                               "NUL-terminated", s->index[type],
                               mlclf_section_name(type), what, i);
            goto done;
        }

        len = (size_t) (nul - (d + pos));

        if (mlclf_name_check((const char *) d + pos, len, &why) != MLCLF_OK)
        {
            rc = mlclf_err_set(err, MLCLF_ESTRINGS,
                               "section %u (%s): %s %u: %s", s->index[type],
                               mlclf_section_name(type), what, i, why.msg);
            goto done;
        }

        names[i] = (const char *) d + pos;

        rc = mlclf_strtab_add(tab, names[i], len, i, &j);

        if (rc == MLCLF_STRTAB_EXISTS) {
            rc = mlclf_err_set(err, MLCLF_ESTRINGS,
                               "section %u (%s): %ss %u and %u are "
                               "both \"%s\"", s->index[type],
                               mlclf_section_name(type), what, j, i,
                               names[i]);
            goto done;
        }

        if (rc != MLCLF_OK) {
            rc = mlclf_err_set(err, MLCLF_ENOMEM,
                               "cannot allocate a name table");
            goto done;
        }

        pos += len + 1;
    }

    if (pos != e->length) {
        rc = mlclf_err_set(err, MLCLF_ESTRINGS,
                           "section %u (%s): %llu bytes after the last %s",
                           s->index[type], mlclf_section_name(type),
                           (mlclf_ull_t) (e->length - pos), what);
    }

done:

    if (type != MLCLF_SECTION_FEATURE_NAMES) {
        mlclf_strtab_free(tab);
    }

    return rc;
}


static int
mlclf_parse_metadata(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, mlclf_err_t *err)
{
    size_t                       len;
    cJSON                       *root;
    uint32_t                     idx;
    const char                  *text;
    const mlclf_file_section_t  *e;

    idx = s->index[MLCLF_SECTION_METADATA];

    if (idx == MLCLF_NONE) {
        return MLCLF_OK;
    }

    e = &s->sec[MLCLF_SECTION_METADATA];
    text = (const char *) p + e->offset;

    if (e->count != e->length) {
        return mlclf_err_set(err, MLCLF_ESECTION,
                             "section %u (METADATA): count %llu differs "
                             "from length %llu", idx,
                             (mlclf_ull_t) e->count, (mlclf_ull_t) e->length);
    }

    if (e->length == 0 || text[e->length - 1] != '\0') {
        return mlclf_err_set(err, MLCLF_EMETADATA,
                             "section %u (METADATA): not NUL-terminated",
                             idx);
    }

    len = strlen(text);

    if (len != e->length - 1) {
        return mlclf_err_set(err, MLCLF_EMETADATA,
                             "section %u (METADATA): NUL byte at offset %zu",
                             idx, len);
    }

    root = cJSON_ParseWithLength(text, len);

    if (root == NULL || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return mlclf_err_set(err, MLCLF_EMETADATA,
                             "section %u (METADATA): not a JSON object",
                             idx);
    }

    cJSON_Delete(root);

    m->metadata = text;
    m->metadata_len = len;

    return MLCLF_OK;
}


static int
mlclf_check_finite(const double *v, size_t n, const mlclf_sections_t *s,
    uint32_t type, mlclf_err_t *err)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            return mlclf_err_set(err, MLCLF_ENONFINITE,
                                 "section %u (%s): element %zu is %s",
                                 s->index[type], mlclf_section_name(type),
                                 i, isnan(v[i]) ? "NaN" : "infinite");
        }
    }

    return MLCLF_OK;
}


/*
 * A forest's probabilities are means of leaf rows, so each row must be a
 * class distribution: values in [0, 1] summing to 1 (within rounding of
 * the trainer's normalisation), or confidences could leave [0, 1].
 */
static int
mlclf_check_leaves(const mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    double        v, sum;
    uint32_t      i, c;
    const double  *row;

    for (i = 0; i < m->n_leaves; i++) {
        row = m->leaf_values + (size_t) i * m->n_classes;
        sum = 0.0;

        for (c = 0; c < m->n_classes; c++) {
            v = row[c];

            if (v < 0.0 || v > 1.0) {
                return mlclf_err_set(err, MLCLF_ELEAF,
                                     "section %u (%s): leaf %u class %u: "
                                     "%.17g is not a probability",
                                     s->index[MLCLF_SECTION_LEAF_VALUES],
                                     "LEAF_VALUES", i, c, v);
            }

            sum += v;
        }

        if (fabs(sum - 1.0) > MLCLF_LEAF_SUM_TOLERANCE) {
            return mlclf_err_set(err, MLCLF_ELEAF,
                                 "section %u (%s): leaf %u sums to %.17g, "
                                 "not 1", s->index[MLCLF_SECTION_LEAF_VALUES],
                                 "LEAF_VALUES", i, sum);
        }
    }

    return MLCLF_OK;
}


static int
mlclf_check_trees(mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    int32_t          f;
    uint32_t         t, i, lo, hi, l, r;
    const uint32_t  *off;

    off = m->tree_offsets;

    if (m->n_nodes > MLCLF_MAX_NODES) {
        return mlclf_err_set(err, MLCLF_ETREE,
                             "section %u (NODE_FEATURE): %u nodes, more "
                             "than %u", s->index[MLCLF_SECTION_NODE_FEATURE],
                             m->n_nodes, MLCLF_MAX_NODES);
    }

    if (off[0] != 0) {
        return mlclf_err_set(err, MLCLF_ETREE,
                             "section %u (TREE_OFFSETS): tree 0 starts at "
                             "node %u, not 0",
                             s->index[MLCLF_SECTION_TREE_OFFSETS], off[0]);
    }

    for (t = 0; t < m->n_trees; t++) {
        if (off[t + 1] <= off[t] || off[t + 1] > m->n_nodes) {
            return mlclf_err_set(err, MLCLF_ETREE,
                                 "section %u (TREE_OFFSETS): tree %u ends "
                                 "at node %u, outside %u..%u",
                                 s->index[MLCLF_SECTION_TREE_OFFSETS], t,
                                 off[t + 1], off[t] + 1, m->n_nodes);
        }
    }

    if (off[m->n_trees] != m->n_nodes) {
        return mlclf_err_set(err, MLCLF_ETREE,
                             "section %u (TREE_OFFSETS): trees end at node "
                             "%u, but there are %u nodes",
                             s->index[MLCLF_SECTION_TREE_OFFSETS],
                             off[m->n_trees], m->n_nodes);
    }

    for (t = 0; t < m->n_trees; t++) {
        lo = off[t];
        hi = off[t + 1];

        for (i = lo; i < hi; i++) {
            f = m->node_feature[i];
            l = m->node_left[i];
            r = m->node_right[i];

            if (f == -1) {
                if (l >= m->n_leaves) {
                    return mlclf_err_set(err, MLCLF_ETREE,
                                         "section %u (NODE_LEFT) tree %u "
                                         "node %u: leaf row %u, but there "
                                         "are %u leaves",
                                         s->index[MLCLF_SECTION_NODE_LEFT],
                                         t, i, l, m->n_leaves);
                }

                if (r != 0) {
                    return mlclf_err_set(err, MLCLF_ETREE,
                                         "section %u (NODE_RIGHT) tree %u "
                                         "node %u: leaf has right child %u",
                                         s->index[MLCLF_SECTION_NODE_RIGHT],
                                         t, i, r);
                }

                continue;
            }

            if (f < 0 || (uint32_t) f >= m->n_features) {
                return mlclf_err_set(err, MLCLF_EFEATURE,
                                     "section %u (NODE_FEATURE) tree %u "
                                     "node %u: feature %d, but there are "
                                     "%u features",
                                     s->index[MLCLF_SECTION_NODE_FEATURE],
                                     t, i, (int) f, m->n_features);
            }

            if (l <= i || r <= i) {
                return mlclf_err_set(err, MLCLF_ETREECYCLE,
                                     "section %u (%s) tree %u node %u: "
                                     "child %u does not follow its parent",
                                     s->index[l <= i
                                              ? MLCLF_SECTION_NODE_LEFT
                                              : MLCLF_SECTION_NODE_RIGHT],
                                     l <= i ? "NODE_LEFT" : "NODE_RIGHT",
                                     t, i, l <= i ? l : r);
            }

            if (l >= hi || r >= hi) {
                return mlclf_err_set(err, MLCLF_ETREE,
                                     "section %u (%s) tree %u node %u: "
                                     "child %u is outside the tree (nodes "
                                     "%u..%u)",
                                     s->index[l >= hi
                                              ? MLCLF_SECTION_NODE_LEFT
                                              : MLCLF_SECTION_NODE_RIGHT],
                                     l >= hi ? "NODE_LEFT" : "NODE_RIGHT",
                                     t, i, l >= hi ? l : r, lo, hi - 1);
            }
        }
    }

    return mlclf_tree_depth(m, err);
}


/*
 * The longest root-to-leaf path of any tree, in steps, and the mask of
 * leaf rows: the kernels walk and index no further, so that even a model
 * damaged in memory after this check cannot loop or read outside its
 * reservation.  Children follow their parents, so one forward pass finds
 * every node's depth.
 */

static int
mlclf_tree_depth(mlclf_model_t *m, mlclf_err_t *err)
{
    uint32_t        t, i, d, *depth;
    const int32_t  *f;

    depth = calloc(m->n_nodes, sizeof(uint32_t));
    if (depth == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "cannot allocate %u tree depths", m->n_nodes);
    }

    f = m->node_feature;
    m->max_depth = 0;

    for (t = 0; t < m->n_trees; t++) {
        for (i = m->tree_offsets[t]; i < m->tree_offsets[t + 1]; i++) {
            d = depth[i];

            if (f[i] == -1) {
                if (d > m->max_depth) {
                    m->max_depth = d;
                }

                continue;
            }

            if (depth[m->node_left[i]] < d + 1) {
                depth[m->node_left[i]] = d + 1;
            }

            if (depth[m->node_right[i]] < d + 1) {
                depth[m->node_right[i]] = d + 1;
            }
        }
    }

    /* the smallest 2^k - 1 that holds every leaf row */

    for (m->leaf_mask = 0; m->leaf_mask < m->n_leaves - 1;
         m->leaf_mask = (m->leaf_mask << 1) | 1)
    {
        /* void */
    }

    free(depth);

    return MLCLF_OK;
}


static int
mlclf_parse(mlclf_model_t *m, const uint8_t *p, size_t len, mlclf_err_t *err)
{
    int                  rc;
    mlclf_sections_t     s;
    mlclf_file_header_t  h;

    if (p == NULL && len != 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "NULL buffer");
    }

    if ((uintptr_t) p % MLCLF_ALIGN != 0) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "buffer is not %d-byte aligned", MLCLF_ALIGN);
    }

    rc = mlclf_parse_header(p, len, &h, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_parse_table(p, &h, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    m->base = p;
    m->size = len;
    m->kind = h.model_kind == MLCLF_FILE_KIND_LOGREG ? MLCLF_KIND_LOGREG
                                                      : MLCLF_KIND_FOREST;
    m->n_features = h.n_features;
    m->n_classes = h.n_classes;
    m->version = h.model_version;

    rc = mlclf_parse_counts(m, p, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_alloc_names(m, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_parse_names(m, p, &s, MLCLF_SECTION_FEATURE_NAMES, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_parse_names(m, p, &s, MLCLF_SECTION_CLASS_LABELS, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_parse_metadata(m, p, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (m->impute != NULL) {
        rc = mlclf_check_finite(m->impute, m->n_features, &s,
                                MLCLF_SECTION_IMPUTE, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (m->kind == MLCLF_KIND_LOGREG) {
        rc = mlclf_check_finite(m->weights,
                                (size_t) m->n_outputs * m->n_features, &s,
                                MLCLF_SECTION_LINEAR_WEIGHTS, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

        return mlclf_check_finite(m->bias, m->n_outputs, &s,
                                  MLCLF_SECTION_LINEAR_BIAS, err);
    }

    rc = mlclf_check_finite(m->node_threshold, m->n_nodes, &s,
                            MLCLF_SECTION_NODE_THRESHOLD, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_check_finite(m->leaf_values,
                            (size_t) m->n_leaves * m->n_classes, &s,
                            MLCLF_SECTION_LEAF_VALUES, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_check_leaves(m, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_check_trees(m, &s, err);
}


static void
mlclf_free(mlclf_model_t *m)
{
    if (m->map_size != 0) {
        (void) munmap((void *) m->base, m->map_size);
    }

    free(m->feature_names);
    mlclf_strtab_free(&m->features);
    free(m);
}


int
mlclf_model_load(mlclf_model_t **mp, const void *buf, size_t len,
    mlclf_err_t *err)
{
    int             rc;
    mlclf_model_t  *m;

    if (mp == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL, "NULL model pointer");
    }

    *mp = NULL;

    m = calloc(1, sizeof(mlclf_model_t));
    if (m == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "cannot allocate a model");
    }

    rc = mlclf_parse(m, buf, len, err);
    if (rc != MLCLF_OK) {
        mlclf_free(m);
        return rc;
    }

    *mp = m;

    return MLCLF_OK;
}


int
mlclf_model_verify(const void *buf, size_t len, mlclf_err_t *err)
{
    int             rc;
    mlclf_model_t  *m;

    rc = mlclf_model_load(&m, buf, len, err);

    mlclf_model_close(&m);

    return rc;
}


/*
 * Reads the first header's worth of fd and checks the size it declares
 * against the file's, before anything else is read: a header that lies
 * about a huge file costs one pread, not the whole read.
 */

static int
mlclf_check_size(int fd, const char *path, size_t size, mlclf_err_t *err)
{
    ssize_t              n;
    mlclf_file_header_t  h;

    if (size < MLCLF_HEADER_SIZE) {
        return MLCLF_OK;    /* mlclf_parse_header() says what is wrong */
    }

    n = pread(fd, &h, sizeof(h), 0);

    if (n != (ssize_t) sizeof(h)) {
        return mlclf_err_set(err, MLCLF_EIO, "read \"%s\": %s", path,
                             n == -1 ? strerror(errno) : "short read");
    }

    if (memcmp(h.magic, MLCLF_MAGIC, MLCLF_MAGIC_LEN) != 0
        || h.file_size == size)
    {
        return MLCLF_OK;
    }

    if (h.file_size > size) {
        return mlclf_err_set(err, MLCLF_ETRUNCATED,
                             "file is %zu bytes, its header says %llu",
                             size, (mlclf_ull_t) h.file_size);
    }

    return mlclf_err_set(err, MLCLF_EHEADER,
                         "%llu bytes of trailing garbage after the "
                         "declared file size %llu",
                         (mlclf_ull_t) (size - h.file_size),
                         (mlclf_ull_t) h.file_size);
}


static size_t
mlclf_page_align(size_t size)
{
    size_t  page;

    page = (size_t) sysconf(_SC_PAGESIZE);

    return (size + page - 1) / page * page;
}


/*
 * Copies size bytes of fd into a new memfd, seals it against any change
 * and maps it read-only.  The memfd itself is closed: the mapping keeps
 * the pages, and a fork() shares them.
 */

static int
mlclf_read_sealed(int fd, const char *path, size_t size, void **map,
    size_t *map_size, mlclf_err_t *err)
{
    int       mfd, rc;
    char     *w;
    size_t    done;
    ssize_t   n;

    *map = NULL;
    *map_size = 0;

    mfd = memfd_create("mlclf-model", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (mfd == -1) {
        return mlclf_err_set(err, MLCLF_EIO, "memfd_create: %s",
                             strerror(errno));
    }

    w = MAP_FAILED;

    if (ftruncate(mfd, (off_t) size) == -1) {
        rc = mlclf_err_set(err, errno == ENOMEM || errno == ENOSPC
                                ? MLCLF_ENOMEM : MLCLF_EIO,
                           "ftruncate(memfd, %zu): %s", size,
                           strerror(errno));
        goto failed;
    }

    w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    if (w == MAP_FAILED) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "mmap(memfd, %zu): %s", size,
                           strerror(errno));
        goto failed;
    }

    for (done = 0; done < size; done += (size_t) n) {
        n = pread(fd, w + done, size - done, (off_t) done);

        if (n == -1 && errno == EINTR) {
            n = 0;
            continue;
        }

        if (n == -1) {
            rc = mlclf_err_set(err, MLCLF_EIO, "read \"%s\": %s", path,
                               strerror(errno));
            goto failed;
        }

        if (n == 0) {
            rc = mlclf_err_set(err, MLCLF_ETRUNCATED,
                               "\"%s\" shrank to %zu bytes while it was read",
                               path, done);
            goto failed;
        }
    }

    /* F_SEAL_WRITE needs the writable mapping gone first */

    (void) munmap(w, size);
    w = MAP_FAILED;

    if (fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW
                                | F_SEAL_SEAL)
        == -1)
    {
        rc = mlclf_err_set(err, MLCLF_EIO, "fcntl(memfd, F_ADD_SEALS): %s",
                           strerror(errno));
        goto failed;
    }

    /*
     * The model is followed by readable zero pages that a verified model
     * never touches: MLCLF_NODE_REACH for a masked node index, and as
     * many as the model is long for a masked leaf row (mlclf_predict.c),
     * so that a damaged model reads inside this reservation.  Read-only
     * anonymous memory costs address space, no memory and no commit.
     */

    *map_size = mlclf_page_align(size) * 2 + MLCLF_NODE_REACH;

    *map = mmap(NULL, *map_size, PROT_READ,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (*map == MAP_FAILED) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "mmap(%zu): %s", *map_size,
                           strerror(errno));
        goto failed;
    }

    if (mmap(*map, size, PROT_READ, MAP_SHARED | MAP_FIXED, mfd, 0)
        == MAP_FAILED)
    {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "mmap(memfd, %zu): %s", size,
                           strerror(errno));
        (void) munmap(*map, *map_size);
        goto failed;
    }

    (void) close(mfd);

    return MLCLF_OK;

failed:

    if (w != MAP_FAILED) {
        (void) munmap(w, size);
    }

    (void) close(mfd);

    return rc;
}


int
mlclf_model_open(mlclf_model_t **mp, const char *path, size_t max_size,
    mlclf_err_t *err)
{
    int             fd, rc;
    void           *map;
    size_t          size, map_size;
    struct stat     st;
    mlclf_model_t  *m;

    if (mp == NULL || path == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL, "NULL argument");
    }

    *mp = NULL;

    /* O_NONBLOCK: opening a FIFO must not wait for a writer */

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd == -1) {
        return mlclf_err_set(err, MLCLF_EIO, "open \"%s\": %s", path,
                             strerror(errno));
    }

    if (fstat(fd, &st) == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "fstat \"%s\": %s", path,
                           strerror(errno));
        goto done;
    }

    if (!S_ISREG(st.st_mode)) {
        rc = mlclf_err_set(err, MLCLF_EIO, "\"%s\" is not a regular file",
                           path);
        goto done;
    }

    if (st.st_size == 0) {
        rc = mlclf_err_set(err, MLCLF_ETRUNCATED, "file is empty");
        goto done;
    }

    if ((max_size != 0 && (uint64_t) st.st_size > max_size)
        || (uint64_t) st.st_size > SIZE_MAX)
    {
        rc = mlclf_err_set(err, MLCLF_ETOOBIG,
                           "\"%s\" is %llu bytes, more than the limit of %zu",
                           path, (mlclf_ull_t) st.st_size,
                           max_size ? max_size : SIZE_MAX);
        goto done;
    }

    size = (size_t) st.st_size;

    rc = mlclf_check_size(fd, path, size, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    rc = mlclf_read_sealed(fd, path, size, &map, &map_size, err);
    if (rc != MLCLF_OK) {
        goto done;
    }

    m = calloc(1, sizeof(mlclf_model_t));
    if (m == NULL) {
        (void) munmap(map, map_size);
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "cannot allocate a model");
        goto done;
    }

    /* what is verified is the sealed copy: exactly what will be read */

    rc = mlclf_parse(m, map, size, err);

    m->base = map;
    m->size = size;
    m->map_size = map_size;

    if (rc != MLCLF_OK) {
        mlclf_free(m);
        goto done;
    }

    *mp = m;

done:

    (void) close(fd);

    return rc;
}


void
mlclf_model_close(mlclf_model_t **mp)
{
    if (mp == NULL || *mp == NULL) {
        return;
    }

    mlclf_free(*mp);
    *mp = NULL;
}


mlclf_kind_e
mlclf_model_kind(const mlclf_model_t *m)
{
    return m->kind;
}


const char *
mlclf_model_kind_name(const mlclf_model_t *m)
{
    switch (m->kind) {

    case MLCLF_KIND_LOGREG:
        return "logreg";
    case MLCLF_KIND_FOREST:
        return "forest";
    default:
        return "gbt";
    }
}


uint32_t
mlclf_model_n_features(const mlclf_model_t *m)
{
    return m->n_features;
}


uint32_t
mlclf_model_n_classes(const mlclf_model_t *m)
{
    return m->n_classes;
}


uint32_t
mlclf_model_n_trees(const mlclf_model_t *m)
{
    return m->n_trees;
}


uint32_t
mlclf_model_version(const mlclf_model_t *m)
{
    return m->version;
}


const char *
mlclf_model_feature_name(const mlclf_model_t *m, uint32_t i)
{
    return i < m->n_features ? m->feature_names[i] : NULL;
}


const char *
mlclf_model_class_label(const mlclf_model_t *m, uint32_t i)
{
    return i < m->n_classes ? m->class_labels[i] : NULL;
}


int32_t
mlclf_model_feature_index(const mlclf_model_t *m, const char *name,
    size_t len)
{
    uint32_t  i;

    if (len == 0 || len > MLCLF_MAX_NAME_LEN) {
        return -1;
    }

    i = mlclf_strtab_find(&m->features, name, len);

    return i == MLCLF_STRTAB_NONE ? -1 : (int32_t) i;
}


const double *
mlclf_model_impute(const mlclf_model_t *m)
{
    return m->impute;
}


const char *
mlclf_model_metadata(const mlclf_model_t *m, size_t *len)
{
    if (m->metadata == NULL) {
        if (len != NULL) {
            *len = 2;
        }

        return "{}";
    }

    if (len != NULL) {
        *len = m->metadata_len;
    }

    return m->metadata;
}


size_t
mlclf_model_size(const mlclf_model_t *m)
{
    return m->size;
}
