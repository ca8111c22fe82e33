
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Verifies a model file's header and section table against
 * mlclf_format.h, which sections a kind has and their counts, and the
 * metadata section.
 */


#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"


static size_t mlclf_model_section_elem(uint32_t type);
static uint32_t mlclf_model_section_since(uint32_t type);
static int mlclf_model_parse_allowed(const mlclf_model_t *m,
    const mlclf_sections_t *s, mlclf_err_t *err);
static int mlclf_model_parse_gbt(mlclf_model_t *m, const uint8_t *p,
    mlclf_sections_t *s, mlclf_err_t *err);


const char *
mlclf_model_section_name(uint32_t type)
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
    case MLCLF_SECTION_INPUTS:
        return "INPUTS";
    case MLCLF_SECTION_VALUE_BYTES:
        return "VALUE_BYTES";
    case MLCLF_SECTION_VALUE_OFFSETS:
        return "VALUE_OFFSETS";
    case MLCLF_SECTION_VALUE_COLUMNS:
        return "VALUE_COLUMNS";
    case MLCLF_SECTION_TEXT_PARAMS:
        return "TEXT_PARAMS";
    case MLCLF_SECTION_TEXT_IDF:
        return "TEXT_IDF";
    case MLCLF_SECTION_DRIFT_INPUTS:
        return "DRIFT_INPUTS";
    case MLCLF_SECTION_DRIFT_EDGES:
        return "DRIFT_EDGES";
    case MLCLF_SECTION_DRIFT_VALUES:
        return "DRIFT_VALUES";
    case MLCLF_SECTION_DRIFT_SHARES:
        return "DRIFT_SHARES";
    case MLCLF_SECTION_CLASS_SHARES:
        return "CLASS_SHARES";
    case MLCLF_SECTION_LINEAR_WEIGHTS:
        return "LINEAR_WEIGHTS";
    case MLCLF_SECTION_LINEAR_BIAS:
        return "LINEAR_BIAS";
    case MLCLF_SECTION_LINEAR_MEAN:
        return "LINEAR_MEAN";
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
    case MLCLF_SECTION_NODE_DECISION:
        return "NODE_DECISION";
    case MLCLF_SECTION_NODE_COVER:
        return "NODE_COVER";
    case MLCLF_SECTION_TREE_CLASS:
        return "TREE_CLASS";
    case MLCLF_SECTION_GBT_BASE:
        return "GBT_BASE";
    case MLCLF_SECTION_GBT_LINK:
        return "GBT_LINK";
    case MLCLF_SECTION_GBT_SCALE:
        return "GBT_SCALE";
    default:
        return NULL;
    }
}


/* Element size of a fixed-width section, 0 for the text sections. */
static size_t
mlclf_model_section_elem(uint32_t type)
{
    switch (type) {

    case MLCLF_SECTION_IMPUTE:
    case MLCLF_SECTION_LINEAR_WEIGHTS:
    case MLCLF_SECTION_LINEAR_BIAS:
    case MLCLF_SECTION_LINEAR_MEAN:
    case MLCLF_SECTION_NODE_THRESHOLD:
    case MLCLF_SECTION_NODE_COVER:
    case MLCLF_SECTION_LEAF_VALUES:
    case MLCLF_SECTION_GBT_BASE:
    case MLCLF_SECTION_GBT_SCALE:
    case MLCLF_SECTION_TEXT_IDF:
    case MLCLF_SECTION_DRIFT_EDGES:
    case MLCLF_SECTION_DRIFT_SHARES:
    case MLCLF_SECTION_CLASS_SHARES:
        return sizeof(double);

    case MLCLF_SECTION_DRIFT_INPUTS:
        return sizeof(mlclf_file_drift_t);

    case MLCLF_SECTION_INPUTS:
        return sizeof(mlclf_file_input_t);

    case MLCLF_SECTION_TEXT_PARAMS:
        return sizeof(mlclf_file_text_t);

    case MLCLF_SECTION_VALUE_BYTES:
        return sizeof(uint8_t);

    case MLCLF_SECTION_TREE_OFFSETS:
    case MLCLF_SECTION_NODE_FEATURE:
    case MLCLF_SECTION_NODE_LEFT:
    case MLCLF_SECTION_NODE_RIGHT:
    case MLCLF_SECTION_TREE_CLASS:
    case MLCLF_SECTION_GBT_LINK:
    case MLCLF_SECTION_VALUE_OFFSETS:
    case MLCLF_SECTION_VALUE_COLUMNS:
    case MLCLF_SECTION_DRIFT_VALUES:
        return sizeof(uint32_t);

    case MLCLF_SECTION_NODE_DECISION:
        return sizeof(uint8_t);

    default:
        return 0;
    }
}


/* The format version that a section type came with. */
static uint32_t
mlclf_model_section_since(uint32_t type)
{
    if (type >= MLCLF_SECTION_DRIFT_INPUTS
        && type <= MLCLF_SECTION_CLASS_SHARES)
    {
        return MLCLF_FORMAT_VERSION_DRIFT;
    }

    if (type == MLCLF_SECTION_LINEAR_MEAN || type == MLCLF_SECTION_NODE_COVER)
    {
        return MLCLF_FORMAT_VERSION_EXPLAIN;
    }

    if (type >= MLCLF_SECTION_INPUTS && type <= MLCLF_SECTION_TEXT_IDF) {
        return MLCLF_FORMAT_VERSION_INPUTS;
    }

    if (type == MLCLF_SECTION_NODE_DECISION
        || type >= MLCLF_SECTION_TREE_CLASS)
    {
        return MLCLF_FORMAT_VERSION_GBT;
    }

    return 1;
}


int
mlclf_model_parse_header(const uint8_t *p, size_t len, mlclf_file_header_t *h,
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

    /* without INPUTS, at most MLCLF_MAX_FEATURES: mlclf_model_parse_counts */

    if (h->n_features < 1
        || h->n_features > (h->format_version < MLCLF_FORMAT_VERSION_INPUTS
                            ? MLCLF_MAX_FEATURES : MLCLF_MAX_COLUMNS))
    {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "n_features %u is out of range 1..%u",
                             h->n_features,
                             h->format_version < MLCLF_FORMAT_VERSION_INPUTS
                             ? MLCLF_MAX_FEATURES : MLCLF_MAX_COLUMNS);
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

    if (h->model_kind == MLCLF_FILE_KIND_GBT
        && h->format_version < MLCLF_FORMAT_VERSION_GBT)
    {
        return mlclf_err_set(err, MLCLF_EKIND,
                             "model kind %u (gbt) in a version %u file: "
                             "gbt came with version %d", h->model_kind,
                             h->format_version, MLCLF_FORMAT_VERSION_GBT);
    }

    if (h->model_kind != MLCLF_FILE_KIND_LOGREG
        && h->model_kind != MLCLF_FILE_KIND_FOREST
        && h->model_kind != MLCLF_FILE_KIND_GBT)
    {
        return mlclf_err_set(err, MLCLF_EKIND, "unknown model kind %u",
                             h->model_kind);
    }

    return MLCLF_OK;
}


int
mlclf_model_parse_table(const uint8_t *p, const mlclf_file_header_t *h,
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

        name = mlclf_model_section_name(e.type);

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

        if (h->format_version < mlclf_model_section_since(e.type)) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (%s) in a version %u file: it "
                                 "came with version %u", i, name,
                                 h->format_version,
                                 mlclf_model_section_since(e.type));
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

        if (mlclf_model_section_elem(e.type) != 0
            && (e.length % mlclf_model_section_elem(e.type) != 0
                || e.length / mlclf_model_section_elem(e.type) != e.count))
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


/* Which sections a kind requires and allows. */
static int
mlclf_model_parse_allowed(const mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err)
{
    uint32_t     t, kind_bit;
    const char  *kind_name;

    static const struct {
        uint32_t  type;
        uint32_t  kinds;        /* bit 0 logreg, bit 1 forest, bit 2 gbt */
        uint32_t  required;
    } rules[] = {
        { MLCLF_SECTION_FEATURE_NAMES, 7, 7 },
        { MLCLF_SECTION_CLASS_LABELS, 7, 7 },
        { MLCLF_SECTION_IMPUTE, 7, 0 },
        { MLCLF_SECTION_METADATA, 7, 0 },
        { MLCLF_SECTION_INPUTS, 7, 0 },
        { MLCLF_SECTION_VALUE_BYTES, 7, 0 },
        { MLCLF_SECTION_VALUE_OFFSETS, 7, 0 },
        { MLCLF_SECTION_VALUE_COLUMNS, 7, 0 },
        { MLCLF_SECTION_TEXT_PARAMS, 7, 0 },
        { MLCLF_SECTION_TEXT_IDF, 7, 0 },
        { MLCLF_SECTION_DRIFT_INPUTS, 7, 0 },
        { MLCLF_SECTION_DRIFT_EDGES, 7, 0 },
        { MLCLF_SECTION_DRIFT_VALUES, 7, 0 },
        { MLCLF_SECTION_DRIFT_SHARES, 7, 0 },
        { MLCLF_SECTION_CLASS_SHARES, 7, 0 },
        { MLCLF_SECTION_LINEAR_WEIGHTS, 1, 1 },
        { MLCLF_SECTION_LINEAR_BIAS, 1, 1 },
        { MLCLF_SECTION_LINEAR_MEAN, 1, 0 },
        { MLCLF_SECTION_TREE_OFFSETS, 6, 6 },
        { MLCLF_SECTION_NODE_FEATURE, 6, 6 },
        { MLCLF_SECTION_NODE_THRESHOLD, 6, 6 },
        { MLCLF_SECTION_NODE_LEFT, 6, 6 },
        { MLCLF_SECTION_NODE_RIGHT, 6, 6 },
        { MLCLF_SECTION_LEAF_VALUES, 6, 6 },
        { MLCLF_SECTION_NODE_DECISION, 6, 0 },
        { MLCLF_SECTION_NODE_COVER, 6, 0 },
        { MLCLF_SECTION_TREE_CLASS, 4, 4 },
        { MLCLF_SECTION_GBT_BASE, 4, 4 },
        { MLCLF_SECTION_GBT_LINK, 4, 4 },
        { MLCLF_SECTION_GBT_SCALE, 4, 0 }
    };

    kind_name = mlclf_model_kind_name(m);
    kind_bit = m->kind == MLCLF_KIND_LOGREG ? 1
               : m->kind == MLCLF_KIND_FOREST ? 2 : 4;

    for (t = 0; t < sizeof(rules) / sizeof(rules[0]); t++) {
        if (s->index[rules[t].type] == MLCLF_NONE) {
            if (rules[t].required & kind_bit) {
                return mlclf_err_set(err, MLCLF_ESECTION,
                                     "required section %s is missing",
                                     mlclf_model_section_name(rules[t].type));
            }

            continue;
        }

        if (!(rules[t].kinds & kind_bit)) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (%s) is not allowed in a %s "
                                 "model", s->index[rules[t].type],
                                 mlclf_model_section_name(rules[t].type),
                                 kind_name);
        }
    }

    return MLCLF_OK;
}


#define MLCLF_COUNT(type, n)                                                 \
    e = &s->sec[type];                                                       \
    if (e->count != (uint64_t) (n)) {                                        \
        return mlclf_err_set(err, MLCLF_ESECTION,                            \
                             "section %u (%s): count %llu, expected %llu",   \
                             s->index[type],                                 \
                             mlclf_model_section_name(type),                 \
                             (mlclf_ull_t) e->count,                         \
                             (mlclf_ull_t) (n));                             \
    }


/* The counts of the sections, and the arrays they hold. */
int
mlclf_model_parse_counts(mlclf_model_t *m, const uint8_t *p,
    mlclf_sections_t *s, mlclf_err_t *err)
{
    int                    rc;
    uint32_t               vals;
    uint64_t               count, want;
    mlclf_file_section_t  *e;

    rc = mlclf_model_parse_allowed(m, s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    m->n_inputs = m->n_features;

    if (s->index[MLCLF_SECTION_INPUTS] != MLCLF_NONE) {
        e = &s->sec[MLCLF_SECTION_INPUTS];

        if (e->count < 1 || e->count > MLCLF_MAX_FEATURES) {
            return mlclf_err_set(err, MLCLF_ESECTION,
                                 "section %u (INPUTS): count %llu, "
                                 "expected 1..%d",
                                 s->index[MLCLF_SECTION_INPUTS],
                                 (mlclf_ull_t) e->count, MLCLF_MAX_FEATURES);
        }

        m->n_inputs = (uint32_t) e->count;
        m->inputs = (const void *) (p + e->offset);

    } else if (m->n_features > MLCLF_MAX_FEATURES) {
        return mlclf_err_set(err, MLCLF_EHEADER,
                             "n_features %u is out of range 1..%d in a "
                             "model without INPUTS", m->n_features,
                             MLCLF_MAX_FEATURES);
    }

    MLCLF_COUNT(MLCLF_SECTION_FEATURE_NAMES, m->n_inputs);
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

        if (s->index[MLCLF_SECTION_LINEAR_MEAN] != MLCLF_NONE) {
            MLCLF_COUNT(MLCLF_SECTION_LINEAR_MEAN, m->n_features);
            m->linear_mean = (const void *) (p + e->offset);
        }

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

    if (s->index[MLCLF_SECTION_NODE_DECISION] != MLCLF_NONE) {
        MLCLF_COUNT(MLCLF_SECTION_NODE_DECISION, m->n_nodes);
        m->node_decision = p + s->sec[MLCLF_SECTION_NODE_DECISION].offset;
    }

    if (s->index[MLCLF_SECTION_NODE_COVER] != MLCLF_NONE) {
        MLCLF_COUNT(MLCLF_SECTION_NODE_COVER, m->n_nodes);
        m->node_cover = (const void *)
            (p + s->sec[MLCLF_SECTION_NODE_COVER].offset);
    }

    vals = m->kind == MLCLF_KIND_GBT ? 1 : m->n_classes;
    e = &s->sec[MLCLF_SECTION_LEAF_VALUES];

    if (e->count == 0 || e->count % vals != 0
        || e->count / vals > UINT32_MAX)
    {
        return mlclf_err_set(err, MLCLF_ESECTION,
                             "section %u (LEAF_VALUES): count %llu is not "
                             "a positive multiple of %u",
                             s->index[MLCLF_SECTION_LEAF_VALUES],
                             (mlclf_ull_t) e->count, vals);
    }

    m->n_leaves = (uint32_t) (e->count / vals);

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

    if (m->kind != MLCLF_KIND_GBT) {
        return MLCLF_OK;
    }

    return mlclf_model_parse_gbt(m, p, s, err);
}


/* The gbt sections: tree outputs, base scores, link and scale. */
static int
mlclf_model_parse_gbt(mlclf_model_t *m, const uint8_t *p,
    mlclf_sections_t *s, mlclf_err_t *err)
{
    uint64_t               count;
    mlclf_file_section_t  *e;

    MLCLF_COUNT(MLCLF_SECTION_TREE_CLASS, m->n_trees);
    m->tree_class = (const void *)
        (p + s->sec[MLCLF_SECTION_TREE_CLASS].offset);

    e = &s->sec[MLCLF_SECTION_GBT_BASE];
    count = e->count;

    if (count != m->n_classes && !(count == 1 && m->n_classes == 2)) {
        return mlclf_err_set(err, MLCLF_ESECTION,
                             "section %u (GBT_BASE): %llu outputs, "
                             "expected %u%s",
                             s->index[MLCLF_SECTION_GBT_BASE],
                             (mlclf_ull_t) count, m->n_classes,
                             m->n_classes == 2 ? " or 1" : "");
    }

    m->n_outputs = (uint32_t) count;
    m->gbt_base = (const void *) (p + e->offset);

    MLCLF_COUNT(MLCLF_SECTION_GBT_LINK, 2);
    memcpy(&m->link, p + s->sec[MLCLF_SECTION_GBT_LINK].offset,
           sizeof(uint32_t));
    memcpy(&m->gbt_flags,
           p + s->sec[MLCLF_SECTION_GBT_LINK].offset + sizeof(uint32_t),
           sizeof(uint32_t));

    m->link_scale = 1.0;
    m->divisor = 1.0;

    if (s->index[MLCLF_SECTION_GBT_SCALE] != MLCLF_NONE) {
        MLCLF_COUNT(MLCLF_SECTION_GBT_SCALE, 2);
        memcpy(&m->link_scale, p + s->sec[MLCLF_SECTION_GBT_SCALE].offset,
               sizeof(double));
        memcpy(&m->divisor,
               p + s->sec[MLCLF_SECTION_GBT_SCALE].offset + sizeof(double),
               sizeof(double));
    }

#undef MLCLF_COUNT

    return MLCLF_OK;
}


int
mlclf_model_parse_metadata(mlclf_model_t *m, const uint8_t *p,
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
