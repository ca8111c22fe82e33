
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The reader against damaged bytes, each file built here from a good one
 * written by mlclf_write_buffer (model_spec.h): every kind of damage (a
 * table of model_damage.h cases per part of the file) must come back
 * with its own error code and a message, from verify and load alike.
 * Damage past the checksums is followed by recomputing them, so that the
 * later checks are reached.  Also every single-byte change, what the
 * writer refuses and the one rule for names.  Files (mlclf_model_open,
 * mlclf_write) are in test_model_open.c.
 */


#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mlclf.h"
#include "mlclf_format.h"
#include "model_bytes.h"
#include "model_damage.h"
#include "model_spec.h"
#include "tap.h"


#define DAMAGE(kind, cases)                                                  \
    damage(kind, cases, sizeof(cases) / sizeof(cases[0]))


static const model_damage_t  header_cases[] = {
    { "bad magic", MLCLF_EMAGIC, DMG_RAW, { DMG_FILE(0, SET, 'X') } },

    /* CR LF -> LF LF, as a text-mode copy might do */
    { "damaged CR LF in the magic", MLCLF_EMAGIC, DMG_RAW,
      { DMG_FILE(6, SET, '\n') } },

    { "reset", MLCLF_OK, DMG_RAW, { { 0 } } },
    { "future format version", MLCLF_EVERSION, DMG_CRC,
      { DMG_HDR(format_version, SET, MLCLF_FORMAT_VERSION + 1) } },
    { "future version, CRC not fixed", MLCLF_EVERSION, DMG_RAW,
      { DMG_HDR(format_version, SET, MLCLF_FORMAT_VERSION + 1) } },
    { "format version 0", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(format_version, SET, 0) } },
    { "header size 64", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(header_size, SET, 64) } },
    { "byte-swapped endianness probe", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(endian, SET, 0x04030201) } },
    { "unknown header flag", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(flags, SET, 1) } },
    { "nonzero reserved byte", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(reserved[59], SET, 1) } },
    { "0 features", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(n_features, SET, 0) } },
    { "65536 features", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(n_features, SET, 65536) } },
    { "1 class", MLCLF_EHEADER, DMG_CRC, { DMG_HDR(n_classes, SET, 1) } },
    { "0 sections", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(section_count, SET, 0) } },
    { "misaligned section table", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(section_offset, SET, 132) } },
    { "file size smaller than the header", MLCLF_EHEADER, DMG_CRC,
      { DMG_HDR(file_size, SET, 64) } },
    { "flipped byte in the header", MLCLF_EHEADERCRC, DMG_RAW,
      { DMG_HDR(model_version, XOR, 0x10) } },
    { "flipped byte in the header CRC", MLCLF_EHEADERCRC, DMG_RAW,
      { DMG_HDR(header_crc32, XOR, 0x01) } },
    { "flipped byte in the payload CRC", MLCLF_EHEADERCRC, DMG_RAW,
      { DMG_HDR(payload_crc32, XOR, 0x01) } },
    { "flipped byte in the weights", MLCLF_EPAYLOADCRC, DMG_RAW,
      { DMG_BYTE(LINEAR_WEIGHTS, 3, XOR, 0x40) } },
    { "flipped last byte", MLCLF_EPAYLOADCRC, DMG_RAW,
      { DMG_FILE(-1, XOR, 0x01) } },
    { "gbt (reserved) kind", MLCLF_EKIND, DMG_CRC,
      { DMG_HDR(model_kind, SET, MLCLF_FILE_KIND_GBT) } },
    { "kind 0", MLCLF_EKIND, DMG_CRC, { DMG_HDR(model_kind, SET, 0) } },
    { "unknown kind 77", MLCLF_EKIND, DMG_CRC,
      { DMG_HDR(model_kind, SET, 77) } },
    { "logreg sections in a forest", MLCLF_ESECTION, DMG_CRC,
      { DMG_HDR(model_kind, SET, MLCLF_FILE_KIND_FOREST) } },
};


static const model_damage_t  section_cases[] = {
    { "section offset past EOF", MLCLF_EBOUNDS, DMG_CRC,
      { DMG_ENTRY(LINEAR_BIAS, offset, PAST, 8) } },
    { "section offset near 2^64", MLCLF_EBOUNDS, DMG_CRC,
      { DMG_ENTRY(LINEAR_BIAS, offset, SET, UINT64_MAX - 7) } },
    { "offset + length wraps around", MLCLF_EBOUNDS, DMG_CRC,
      { DMG_ENTRY(LINEAR_BIAS, length, SET, UINT64_MAX - 15) } },
    { "last section 8 bytes too long", MLCLF_EBOUNDS, DMG_CRC,
      { DMG_ENTRY(LINEAR_BIAS, length, ADD, 8),
        DMG_ENTRY(LINEAR_BIAS, count, ADD, 1) } },
    { "section table past EOF", MLCLF_EBOUNDS, DMG_CRC,
      { DMG_HDR(section_offset, PAST, 0) } },
    { "section table longer than the file", MLCLF_EBOUNDS, DMG_CRC,
      { DMG_HDR(section_count, SET, MLCLF_MAX_SECTIONS) } },
    { "misaligned section", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(FEATURE_NAMES, offset, ADD, 4) } },
    { "weights length does not match count", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(LINEAR_WEIGHTS, count, ADD, -1) } },
    { "weights count wrong for n_outputs", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(LINEAR_WEIGHTS, count, ADD, -1),
        DMG_ENTRY(LINEAR_WEIGHTS, length, ADD, -8) } },
    { "2 outputs for 3 classes", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(LINEAR_BIAS, count, SET, 2),
        DMG_ENTRY(LINEAR_BIAS, length, SET, 16) } },
    { "feature name count != n_features", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(FEATURE_NAMES, count, SET, 3) } },
    { "unknown section type", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(IMPUTE, type, SET, 99) } },
    { "duplicate section", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(IMPUTE, type, SET, MLCLF_SECTION_FEATURE_NAMES) } },
    { "unknown section flag", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(IMPUTE, flags, SET, 1) } },
    { "forest section in a logreg", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(IMPUTE, type, SET, MLCLF_SECTION_NODE_THRESHOLD) } },

    /* feature names "x\0y\0" are followed by 4 bytes of padding */
    { "nonzero padding after a section", MLCLF_ESECTION, DMG_CRC,
      { DMG_BYTE(FEATURE_NAMES, 4, SET, 1) } },

    /* the last bias double ends at len - 8 */
    { "nonzero byte after the last section", MLCLF_ESECTION, DMG_CRC,
      { DMG_FILE(-1, SET, 1),
        DMG_ENTRY(LINEAR_BIAS, length, ADD, -8),
        DMG_ENTRY(LINEAR_BIAS, count, ADD, -1) } },
};


/* feature names are "x\0y\0", class labels "a\0b\0c\0" */
static const model_damage_t  string_cases[] = {
    { "duplicate feature name", MLCLF_ESTRINGS, DMG_CRC,
      { DMG_BYTE(FEATURE_NAMES, 2, SET, 'x') } },
    { "control byte in a feature name", MLCLF_ESTRINGS, DMG_CRC,
      { DMG_BYTE(FEATURE_NAMES, 0, SET, '\t') } },
    { "non-ASCII byte in a feature name", MLCLF_ESTRINGS, DMG_CRC,
      { DMG_BYTE(FEATURE_NAMES, 0, SET, 0xc3) } },
    { "last feature name not terminated", MLCLF_ESTRINGS, DMG_CRC,
      { DMG_BYTE(FEATURE_NAMES, 3, SET, 'z') } },
    { "empty feature name", MLCLF_ESTRINGS, DMG_CRC,
      { DMG_BYTE(FEATURE_NAMES, 0, SET, '\0') } },
    { "one name plus stray bytes", MLCLF_ESTRINGS, DMG_CRC,
      { DMG_BYTE(FEATURE_NAMES, 1, SET, 'x'),
        DMG_BYTE(FEATURE_NAMES, 2, SET, '\0') } },
    { "duplicate class label", MLCLF_ESTRINGS, DMG_CRC,
      { DMG_BYTE(CLASS_LABELS, 4, SET, 'a') } },
    { "metadata is not a JSON object", MLCLF_EMETADATA, DMG_CRC,
      { DMG_BYTE(METADATA, 0, SET, '[') } },
    { "NUL inside the metadata", MLCLF_EMETADATA, DMG_CRC,
      { DMG_BYTE(METADATA, 1, SET, '\0') } },
    { "metadata not NUL-terminated", MLCLF_EMETADATA, DMG_CRC,
      { DMG_BYTE(METADATA, -1, SET, ' ') } },
};


static const model_damage_t  lr_number_cases[] = {
    { "NaN weight", MLCLF_ENONFINITE, DMG_CRC,
      { DMG_F64(LINEAR_WEIGHTS, 4, SET, NAN) } },
    { "infinite bias", MLCLF_ENONFINITE, DMG_CRC,
      { DMG_F64(LINEAR_BIAS, 2, SET, -INFINITY) } },
    { "NaN impute value", MLCLF_ENONFINITE, DMG_CRC,
      { DMG_F64(IMPUTE, 1, SET, NAN) } },
};


static const model_damage_t  rf_number_cases[] = {
    { "NaN threshold", MLCLF_ENONFINITE, DMG_CRC,
      { DMG_F64(NODE_THRESHOLD, 5, SET, NAN) } },
    { "infinite leaf value", MLCLF_ENONFINITE, DMG_CRC,
      { DMG_F64(LEAF_VALUES, 14, SET, INFINITY) } },
    { "leaf row summing to more than 1", MLCLF_ELEAF, DMG_CRC,
      { DMG_F64(LEAF_VALUES, 0, ADD, 0.0033) } },
    { "negative leaf probability", MLCLF_ELEAF, DMG_CRC,
      { DMG_F64(LEAF_VALUES, 0, SET, -0.5),
        DMG_F64(LEAF_VALUES, 1, ADD, 1.5) } },
};


/* the forest of model_spec_forest() */
static const model_damage_t  tree_cases[] = {
    { "node 0 is its own left child", MLCLF_ETREECYCLE, DMG_CRC,
      { DMG_U32(NODE_LEFT, 0, SET, 0) } },
    { "right child before its parent", MLCLF_ETREECYCLE, DMG_CRC,
      { DMG_U32(NODE_RIGHT, 5, SET, 4) } },
    { "child in the next tree", MLCLF_ETREE, DMG_CRC,
      { DMG_U32(NODE_RIGHT, 0, SET, 3) } },
    { "child past the last node", MLCLF_ETREE, DMG_CRC,
      { DMG_U32(NODE_LEFT, 5, SET, 8) } },
    { "leaf row out of range", MLCLF_ETREE, DMG_CRC,
      { DMG_U32(NODE_LEFT, 1, SET, 5) } },
    { "leaf with a right child", MLCLF_ETREE, DMG_CRC,
      { DMG_U32(NODE_RIGHT, 1, SET, 2) } },
    { "empty tree", MLCLF_ETREE, DMG_CRC,
      { DMG_U32(TREE_OFFSETS, 1, SET, 0) } },
    { "first tree not at node 0", MLCLF_ETREE, DMG_CRC,
      { DMG_U32(TREE_OFFSETS, 0, SET, 1) } },
    { "trees do not cover every node", MLCLF_ETREE, DMG_CRC,
      { DMG_U32(TREE_OFFSETS, 2, SET, 7) } },
    { "feature index = n_features", MLCLF_EFEATURE, DMG_CRC,
      { DMG_U32(NODE_FEATURE, 0, SET, 2) } },
    { "negative feature index", MLCLF_EFEATURE, DMG_CRC,
      { DMG_U32(NODE_FEATURE, 3, SET, -7) } },
    { "feature index INT32_MAX", MLCLF_EFEATURE, DMG_CRC,
      { DMG_U32(NODE_FEATURE, 3, SET, INT32_MAX) } },
    { "leaf values not a multiple of classes", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(LEAF_VALUES, count, ADD, -1),
        DMG_ENTRY(LEAF_VALUES, length, ADD, -8) } },
};


/* the gbt model of model_spec_gbt(): what format version 2 added */
static const model_damage_t  gbt_cases[] = {
    { "unknown link 7", MLCLF_ELINK, DMG_CRC,
      { DMG_U32(GBT_LINK, 0, SET, 7) } },
    { "unknown gbt flag", MLCLF_ELINK, DMG_CRC,
      { DMG_U32(GBT_LINK, 1, SET, 2) } },
    { "tree adds to output 3 of 3", MLCLF_EOUTPUT, DMG_CRC,
      { DMG_U32(TREE_CLASS, 2, SET, 3) } },
    { "unknown decision bit", MLCLF_EDECISION, DMG_CRC,
      { DMG_BYTE(NODE_DECISION, 0, SET, 0x24) } },
    { "leaf with a decision", MLCLF_EDECISION, DMG_CRC,
      { DMG_BYTE(NODE_DECISION, 1, SET, 4) } },
    { "float32 comparison, threshold not an edge", MLCLF_EDECISION,
      DMG_CRC, { DMG_F64(NODE_THRESHOLD, 8, SET, 1.5) } },
    { "NaN base score", MLCLF_ENONFINITE, DMG_CRC,
      { DMG_F64(GBT_BASE, 1, SET, NAN) } },
    { "infinite leaf", MLCLF_ENONFINITE, DMG_CRC,
      { DMG_F64(LEAF_VALUES, 3, SET, INFINITY) } },
    { "gbt in a version-1 file", MLCLF_EKIND, DMG_CRC,
      { DMG_HDR(format_version, SET, 1) } },
    { "two base scores for three classes", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(GBT_BASE, count, ADD, -1),
        DMG_ENTRY(GBT_BASE, length, ADD, -8) } },
    { "a decision short", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(NODE_DECISION, count, ADD, -1),
        DMG_ENTRY(NODE_DECISION, length, ADD, -1) } },
    { "tree child past its tree", MLCLF_ETREE, DMG_CRC,
      { DMG_U32(NODE_RIGHT, 0, SET, 3) } },
};


/* Checks p with both verify and load, expecting code. */
static void
expect(uint8_t *p, size_t len, int code, const char *what)
{
    int             rc, rc2;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    memset(&err, 0, sizeof(err));
    rc = mlclf_model_verify(p, len, &err);

    if (!tap_ok(rc == code, __FILE__, __LINE__, "%s: %s", what,
                mlclf_strerror(code)))
    {
        printf("#   got %d (%s), want %d\n", rc, mlclf_strerror(rc), code);
    }

    tap_diag("  %s", err.msg);

    if (code != MLCLF_OK) {
        ok(err.code == code && err.msg[0] != '\0', "%s: message set", what);
    }

    m = (mlclf_model_t *) 1;
    rc2 = mlclf_model_load(&m, p, len, NULL);
    ok(rc2 == rc && (rc == MLCLF_OK ? m != NULL : m == NULL),
       "%s: load agrees", what);
    mlclf_model_close(&m);
}


/* Each case on a fresh copy of the good file of kind. */
static void
damage(mlclf_kind_e kind, const model_damage_t *cases, size_t n)
{
    size_t    len, dlen, i;
    uint8_t  *p, *q;

    p = model_spec_good(kind, &len);
    q = malloc(len + 64);

    for (i = 0; i < n; i++) {
        memcpy(q, p, len + 64);
        dlen = len;
        model_damage_apply(q, &dlen, &cases[i]);
        expect(q, dlen, cases[i].code, cases[i].what);
    }

    free(q);
    free(p);
}


static void
test_good(void)
{
    size_t    len;
    uint8_t  *p;

    p = model_spec_good(MLCLF_KIND_LOGREG, &len);
    expect(p, len, MLCLF_OK, "good logreg");
    free(p);

    p = model_spec_good(MLCLF_KIND_FOREST, &len);
    expect(p, len, MLCLF_OK, "good forest");
    free(p);
}


static void
test_truncated(void)
{
    char                   what[64];
    size_t                 len;
    uint8_t               *p;
    uint32_t               i;
    mlclf_file_section_t  *e;

    p = model_spec_good(MLCLF_KIND_FOREST, &len);

    expect(p, 0, MLCLF_ETRUNCATED, "empty");
    expect(p, 1, MLCLF_ETRUNCATED, "1 byte");
    expect(p, 50, MLCLF_ETRUNCATED, "inside the header");
    expect(p, MLCLF_HEADER_SIZE - 1, MLCLF_ETRUNCATED, "header minus 1");
    expect(p, MLCLF_HEADER_SIZE, MLCLF_ETRUNCATED, "header only");
    expect(p, MLCLF_HEADER_SIZE + 40, MLCLF_ETRUNCATED, "inside the table");

    for (i = 0; i < hdr(p)->section_count; i++) {
        e = sec_at(p, i);

        snprintf(what, sizeof(what), "cut at the start of section %u", i);
        expect(p, e->offset, MLCLF_ETRUNCATED, what);

        snprintf(what, sizeof(what), "cut inside section %u", i);
        expect(p, e->offset + e->length / 2, MLCLF_ETRUNCATED, what);
    }

    expect(p, len - 1, MLCLF_ETRUNCATED, "last byte missing");

    expect(p, len + 8, MLCLF_EHEADER, "8 bytes of trailing garbage");

    free(p);
}


static void
test_header(void)
{
    DAMAGE(MLCLF_KIND_LOGREG, header_cases);
}


/* The cases of section_cases, then those no edit of a field can make. */
static void
test_sections(void)
{
    size_t                 len;
    uint8_t               *p, *q;
    uint32_t               n;
    mlclf_file_section_t  *e;

    DAMAGE(MLCLF_KIND_LOGREG, section_cases);

    p = model_spec_good(MLCLF_KIND_LOGREG, &len);
    q = malloc(len + 64);

#define RESET()  memcpy(q, p, len + 64)

    RESET();
    sec(q, MLCLF_SECTION_CLASS_LABELS)->offset =
        sec(q, MLCLF_SECTION_FEATURE_NAMES)->offset;
    fix_crc(q, len);
    expect(q, len, MLCLF_ESECTION, "overlapping sections");

    /* drop the last table entry (LINEAR_BIAS) and zero its bytes */
    RESET();
    n = hdr(q)->section_count - 1;
    e = sec_at(q, n);
    ok(e->type == MLCLF_SECTION_LINEAR_BIAS, "bias is the last section");
    memset(q + e->offset, 0, e->length);
    memset(e, 0, sizeof(*e));
    hdr(q)->section_count = n;
    fix_crc(q, len);
    expect(q, len, MLCLF_ESECTION, "missing section");

    RESET();
    hdr(q)->section_offset += 8;
    memmove(q + MLCLF_HEADER_SIZE + 8, q + MLCLF_HEADER_SIZE,
            hdr(q)->section_count * 32);
    memset(q + MLCLF_HEADER_SIZE, 0, 8);
    fix_crc(q, len);
    expect(q, len, MLCLF_ESECTION, "table moved onto the first section");

#undef RESET

    free(q);
    free(p);
}


static void
test_strings(void)
{
    DAMAGE(MLCLF_KIND_LOGREG, string_cases);
}


static void
test_nonfinite(void)
{
    DAMAGE(MLCLF_KIND_LOGREG, lr_number_cases);
    DAMAGE(MLCLF_KIND_FOREST, rf_number_cases);
}


static void
test_trees(void)
{
    DAMAGE(MLCLF_KIND_FOREST, tree_cases);
    DAMAGE(MLCLF_KIND_GBT, gbt_cases);
}


static void
test_writer_rejects(void)
{
    int            rc;
    void          *buf;
    size_t         len;
    mlclf_err_t    err;
    mlclf_spec_t   spec;
    uint32_t       left[8];

    static const char *const  dup[] = { "x", "x" };
    static const char *const  bad[] = { "x", "new\nline" };

    model_spec_logreg(&spec);
    spec.metadata = "[1, 2]";
    rc = mlclf_write_buffer(&spec, &buf, &len, &err);
    is_int(rc, MLCLF_EMETADATA, "writer: metadata must be an object");
    ok(buf == NULL && len == 0, "writer: nothing returned on failure");

    model_spec_logreg(&spec);
    spec.feature_names = dup;
    is_int(mlclf_write_buffer(&spec, &buf, &len, &err), MLCLF_ESTRINGS,
           "writer: duplicate feature names");

    model_spec_logreg(&spec);
    spec.feature_names = bad;
    is_int(mlclf_write_buffer(&spec, &buf, &len, &err), MLCLF_ESTRINGS,
           "writer: newline in a feature name");

    model_spec_logreg(&spec);
    spec.n_outputs = 1;
    is_int(mlclf_write_buffer(&spec, &buf, &len, &err), MLCLF_EINVAL,
           "writer: 1 output for 3 classes");

    model_spec_logreg(&spec);
    spec.n_classes = 1;
    is_int(mlclf_write_buffer(&spec, &buf, &len, &err), MLCLF_EINVAL,
           "writer: 1 class");

    model_spec_logreg(&spec);
    spec.kind = MLCLF_KIND_GBT;
    is_int(mlclf_write_buffer(&spec, &buf, &len, &err), MLCLF_EINVAL,
           "writer: gbt without trees");

    model_spec_forest(&spec);
    memcpy(left, spec.node_left, sizeof(left));
    left[3] = 3;
    spec.node_left = left;
    is_int(mlclf_write_buffer(&spec, &buf, &len, &err), MLCLF_ETREECYCLE,
           "writer: tree cycle");
    tap_diag("  %s", err.msg);

    is_int(mlclf_write_buffer(NULL, &buf, &len, &err), MLCLF_EINVAL,
           "writer: NULL spec");
}


/*
 * The one rule for names and labels: lengths 1..255, printable ASCII
 * only, the length judged before any byte is read (the 100 MB "name"
 * below is never touched past its first page), and the writer says
 * which name broke it.
 */
static void
test_name_check(void)
{
    int            rc;
    char           name[300], *huge;
    void          *buf;
    size_t         len, i, pg;
    const char    *labels[3];
    mlclf_err_t    err;
    mlclf_spec_t   spec;

    static const struct {
        const char           *name;
        size_t                len;
        int                   rc;
        const char           *msg;
    } cases[] = {
        { "x", 1, MLCLF_OK, "" },
        { " ~", 2, MLCLF_OK, "" },
        { "", 0, MLCLF_ESTRINGS, "empty" },
        { "caf\xc3\xa9", 5, MLCLF_ESTRINGS,
          "byte 4 is 0xc3, not printable ASCII" },
        { "a\nb", 3, MLCLF_ESTRINGS, "byte 2 is 0x0a, not printable ASCII" },
        { "a\x7f", 2, MLCLF_ESTRINGS, "byte 2 is 0x7f, not printable ASCII" },
        { "\x1f", 1, MLCLF_ESTRINGS, "byte 1 is 0x1f, not printable ASCII" },
        { "a\0b", 3, MLCLF_ESTRINGS, "byte 2 is 0x00, not printable ASCII" },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&err, 0, sizeof(err));
        rc = mlclf_name_check(cases[i].name, cases[i].len, &err);
        is_int(rc, cases[i].rc, "name check %zu: code", i);

        if (cases[i].rc != MLCLF_OK) {
            is_str(err.msg, cases[i].msg, "name check %zu: reason", i);
        }
    }

    memset(name, 'n', sizeof(name));
    is_int(mlclf_name_check(name, 255, NULL), MLCLF_OK, "255 bytes pass");

    is_int(mlclf_name_check(NULL, 255, NULL), MLCLF_OK,
           "no bytes: 255 is a good length");
    is_int(mlclf_name_check(NULL, 0, NULL), MLCLF_ESTRINGS,
           "no bytes: 0 is not");
    is_int(mlclf_name_check(NULL, 256, NULL), MLCLF_ESTRINGS,
           "no bytes: 256 is not");

    rc = mlclf_name_check(name, 256, &err);
    is_int(rc, MLCLF_ESTRINGS, "256 bytes fail");
    is_str(err.msg, "256 bytes, more than 255", "256 bytes: reason");

    /* one readable byte, then a guard page: reading on would fault */
    pg = (size_t) sysconf(_SC_PAGESIZE);
    huge = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (ok(huge != MAP_FAILED && mprotect(huge + pg, pg, PROT_NONE) == 0,
           "a page with a guard page"))
    {
        huge[pg - 1] = 'x';
        rc = mlclf_name_check(huge + pg - 1, 100 * 1024 * 1024, &err);
        is_int(rc, MLCLF_ESTRINGS, "100 MB: refused on its length");
        is_str(err.msg, "104857600 bytes, more than 255",
               "100 MB: reason");
        munmap(huge, 2 * pg);
    }

    model_spec_logreg(&spec);
    labels[0] = "a";
    labels[1] = "b\tc";
    labels[2] = "c";
    spec.class_labels = labels;
    rc = mlclf_write_buffer(&spec, &buf, &len, &err);
    is_int(rc, MLCLF_ESTRINGS, "writer: tab in a class label");
    is_str(err.msg, "class label 1: byte 2 is 0x09, not printable ASCII",
           "writer: names the label and the byte");

    name[256] = '\0';
    labels[1] = name;
    rc = mlclf_write_buffer(&spec, &buf, &len, &err);
    is_int(rc, MLCLF_ESTRINGS, "writer: 256-byte class label");
    is_str(err.msg, "class label 1: 256 bytes, more than 255",
           "writer: 256-byte label: reason");
}


static void
test_misc(void)
{
    size_t    len;
    uint8_t  *p;

    p = model_spec_good(MLCLF_KIND_LOGREG, &len);
    memmove(p + 4, p, len);
    expect(p + 4, len, MLCLF_EINVAL, "misaligned buffer");
    free(p);

    expect(NULL, 10, MLCLF_EINVAL, "NULL buffer");
    expect(NULL, 0, MLCLF_ETRUNCATED, "NULL empty buffer");
}


/*
 * Every single-byte change anywhere after the header CRC check (CRCs
 * recomputed) must be either refused or give a model that predicts
 * probabilities; under ASan this shows no read goes out of bounds.
 */
static void
test_every_byte(mlclf_kind_e kind)
{
    int             rc, bad, accepted, refused;
    size_t          len, i, k;
    double          x[2], p[3], sum;
    uint8_t        *g, *q;
    mlclf_model_t  *m;

    static const uint8_t  values[] = { 0x00, 0x01, 0x07, 0x80, 0xff };

    g = model_spec_good(kind, &len);
    q = malloc(len + 64);
    bad = 0;
    accepted = 0;
    refused = 0;

    for (i = MLCLF_HEADER_SIZE; i < len; i++) {
        for (k = 0; k < sizeof(values); k++) {
            if (g[i] == values[k]) {
                continue;
            }

            memcpy(q, g, len);
            q[i] = values[k];
            fix_crc(q, len);

            rc = mlclf_model_load(&m, q, len, NULL);

            if (rc != MLCLF_OK) {
                bad |= m != NULL || rc >= 0;
                refused++;
                continue;
            }

            accepted++;

            x[0] = 0.3;
            x[1] = -7.0;
            (void) mlclf_predict_proba(m, x, p);
            sum = p[0] + p[1] + p[2];
            bad |= !isfinite(sum);

            mlclf_model_close(&m);
        }
    }

    ok(!bad, "%s: %d damaged files refused, %d accepted and usable",
       kind == MLCLF_KIND_LOGREG ? "logreg" : "forest", refused, accepted);

    free(q);
    free(g);
}


int
main(void)
{
    test_good();
    test_truncated();
    test_header();
    test_sections();
    test_strings();
    test_nonfinite();
    test_trees();
    test_writer_rejects();
    test_name_check();
    test_misc();
    test_every_byte(MLCLF_KIND_LOGREG);
    test_every_byte(MLCLF_KIND_FOREST);

    return tap_done();
}
