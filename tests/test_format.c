
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The file format: pinned sizes and offsets, the writer's bytes against
 * the committed golden fixtures, and round trips through the reader.
 *
 * The fixtures tests/fixtures/golden-{logreg,forest}.mlclf are written by
 * this test, never by hand: after an intended format or writer change,
 * regenerate them with
 *
 *     make build/tests/test_format && MLCLF_REGEN=1 build/tests/test_format
 *
 * from the repository root, and commit them with the change.
 */


#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mlclf.h"
#include "mlclf_format.h"
#include "files.h"
#include "model_spec.h"
#include "tap.h"


#define GOLDEN_LOGREG  "tests/fixtures/golden-logreg.mlclf"
#define GOLDEN_FOREST  "tests/fixtures/golden-forest.mlclf"


static const char *const  iris_features[] = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
};

static const char *const  iris_classes[] = {
    "setosa", "versicolor", "virginica"
};

static const double  lr_weights[] = {
    -0.42, 0.97, -2.31, -1.05,
    0.53, -0.31, -0.2, -0.8,
    -0.11, -0.66, 2.51, 1.85
};

static const double  lr_bias[] = { 9.8, 2.2, -12.0 };
static const double  lr_impute[] = { 5.843, 3.057, 3.758, 1.199 };


static void
logreg_spec(mlclf_spec_t *s)
{
    memset(s, 0, sizeof(*s));
    s->kind = MLCLF_KIND_LOGREG;
    s->n_features = 4;
    s->n_classes = 3;
    s->version = 7;
    s->feature_names = iris_features;
    s->class_labels = iris_classes;
    s->impute = lr_impute;
    s->metadata = "{\"name\":\"iris\",\"version\":\"v7\"}";
    s->n_outputs = 3;
    s->weights = lr_weights;
    s->bias = lr_bias;
}


/* model_spec_forest(), numbered v2 */
static void
forest_spec(mlclf_spec_t *s)
{
    model_spec_forest(s);
    s->version = 2;
}


static void
test_layout(void)
{
    is_int(sizeof(mlclf_file_header_t), 128, "header is 128 bytes");
    is_int(offsetof(mlclf_file_header_t, format_version), 8,
           "format_version at 8");
    is_int(offsetof(mlclf_file_header_t, header_size), 12,
           "header_size at 12");
    is_int(offsetof(mlclf_file_header_t, endian), 16, "endian at 16");
    is_int(offsetof(mlclf_file_header_t, model_kind), 20,
           "model_kind at 20");
    is_int(offsetof(mlclf_file_header_t, n_features), 24,
           "n_features at 24");
    is_int(offsetof(mlclf_file_header_t, n_classes), 28, "n_classes at 28");
    is_int(offsetof(mlclf_file_header_t, flags), 32, "flags at 32");
    is_int(offsetof(mlclf_file_header_t, model_version), 36,
           "model_version at 36");
    is_int(offsetof(mlclf_file_header_t, file_size), 40, "file_size at 40");
    is_int(offsetof(mlclf_file_header_t, section_offset), 48,
           "section_offset at 48");
    is_int(offsetof(mlclf_file_header_t, section_count), 56,
           "section_count at 56");
    is_int(offsetof(mlclf_file_header_t, payload_crc32), 60,
           "payload_crc32 at 60");
    is_int(offsetof(mlclf_file_header_t, header_crc32), 64,
           "header_crc32 at 64");
    is_int(offsetof(mlclf_file_header_t, reserved), 68, "reserved at 68");

    is_int(sizeof(mlclf_file_section_t), 32, "section entry is 32 bytes");
    is_int(offsetof(mlclf_file_section_t, flags), 4, "section flags at 4");
    is_int(offsetof(mlclf_file_section_t, offset), 8, "section offset at 8");
    is_int(offsetof(mlclf_file_section_t, length), 16,
           "section length at 16");
    is_int(offsetof(mlclf_file_section_t, count), 24, "section count at 24");

    ok(memcmp(MLCLF_MAGIC, "MLCLF\0\r\n", 8) == 0, "magic bytes");

    /* on-disk values are part of the format: never change them */
    is_int(MLCLF_FILE_KIND_LOGREG, 1, "kind logreg = 1");
    is_int(MLCLF_FILE_KIND_FOREST, 2, "kind forest = 2");
    is_int(MLCLF_FILE_KIND_GBT, 3, "kind gbt = 3");
    is_int(MLCLF_SECTION_FEATURE_NAMES, 1, "FEATURE_NAMES = 1");
    is_int(MLCLF_SECTION_CLASS_LABELS, 2, "CLASS_LABELS = 2");
    is_int(MLCLF_SECTION_IMPUTE, 3, "IMPUTE = 3");
    is_int(MLCLF_SECTION_METADATA, 4, "METADATA = 4");
    is_int(MLCLF_SECTION_LINEAR_WEIGHTS, 16, "LINEAR_WEIGHTS = 16");
    is_int(MLCLF_SECTION_LINEAR_BIAS, 17, "LINEAR_BIAS = 17");
    is_int(MLCLF_SECTION_TREE_OFFSETS, 32, "TREE_OFFSETS = 32");
    is_int(MLCLF_SECTION_NODE_FEATURE, 33, "NODE_FEATURE = 33");
    is_int(MLCLF_SECTION_NODE_THRESHOLD, 34, "NODE_THRESHOLD = 34");
    is_int(MLCLF_SECTION_NODE_LEFT, 35, "NODE_LEFT = 35");
    is_int(MLCLF_SECTION_NODE_RIGHT, 36, "NODE_RIGHT = 36");
    is_int(MLCLF_SECTION_LEAF_VALUES, 37, "LEAF_VALUES = 37");
}


static void
test_crc32(void)
{
    uint32_t  c;

    /* the standard check value of CRC-32/ISO-HDLC */
    is_int(mlclf_crc32(0, "123456789", 9), 0xcbf43926u, "crc32 check value");
    is_int(mlclf_crc32(0, "", 0), 0, "crc32 of nothing");

    c = mlclf_crc32(0, "12345", 5);
    is_int(mlclf_crc32(c, "6789", 4), 0xcbf43926u, "crc32 continues");
}


static void
test_strerror(void)
{
    int          code, damage;
    size_t       i;
    mlclf_err_t  err;

    /* everything else the reader returns is about the file */
    static const int  not_damage[] = {
        MLCLF_OK, MLCLF_ENOMEM, MLCLF_EIO, MLCLF_EINVAL, MLCLF_EREQUEST,
        MLCLF_ESPACE, MLCLF_ENOEXPLAIN, MLCLF_ENODRIFT
    };

    for (code = MLCLF_OK; code >= MLCLF_ELAST; code--) {
        ok(mlclf_strerror(code) != NULL && mlclf_strerror(code)[0] != '\0'
           && strcmp(mlclf_strerror(code), "unknown error") != 0,
           "strerror(%d) = \"%s\"", code, mlclf_strerror(code));

        damage = 1;

        for (i = 0; i < sizeof(not_damage) / sizeof(int); i++) {
            damage = damage && code != not_damage[i];
        }

        is_int(mlclf_err_is_damage(code), damage, "is_damage(%d) is %d",
               code, damage);
    }

    ok(mlclf_strerror(-1000) != NULL, "strerror of an unknown code");
    is_int(mlclf_err_is_damage(-1000), 0, "an unknown code is no damage");

    is_int(mlclf_err_set(&err, MLCLF_EBOUNDS, "section %d", 3),
           MLCLF_EBOUNDS, "err_set returns the code");
    is_int(err.code, MLCLF_EBOUNDS, "err_set stores the code");
    is_str(err.msg, "section 3", "err_set formats");
    is_int(mlclf_err_set(NULL, MLCLF_EIO, "x"), MLCLF_EIO,
           "err_set accepts NULL");
}


/* The writer's bytes for spec equal the golden file (or become it). */
static void
golden(const mlclf_spec_t *spec, const char *path)
{
    int          rc;
    void        *buf, *buf2, *gold;
    size_t       len, len2, glen;
    mlclf_err_t  err;

    rc = mlclf_write_buffer(spec, &buf, &len, &err);
    is_int(rc, MLCLF_OK, "write_buffer %s", path);

    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        return;
    }

    rc = mlclf_write_buffer(spec, &buf2, &len2, &err);
    ok(rc == MLCLF_OK && len2 == len && memcmp(buf, buf2, len) == 0,
       "same spec, same bytes (%s)", path);
    free(buf2);

    ok(len % 8 == 0, "file length %zu is a multiple of 8", len);

    if (getenv("MLCLF_REGEN") != NULL) {
        ok(files_write(path, buf, len) == 0, "regenerated %s", path);
    }

    gold = files_read(path, &glen);
    ok(gold != NULL, "read %s", path);
    ok(gold != NULL && glen == len && memcmp(gold, buf, len) == 0,
       "writer output equals %s (%zu bytes)", path, len);

    free(gold);
    free(buf);
}


static void
test_roundtrip_logreg(void)
{
    int             rc;
    void           *buf;
    size_t          len, mlen;
    const char     *meta;
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    logreg_spec(&spec);

    rc = mlclf_model_open(&m, GOLDEN_LOGREG, 0, &err);
    is_int(rc, MLCLF_OK, "open golden logreg");

    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        return;
    }

    is_int(mlclf_model_kind(m), MLCLF_KIND_LOGREG, "kind logreg");
    is_str(mlclf_model_kind_name(m), "logreg", "kind name logreg");
    is_int(mlclf_model_n_features(m), 4, "4 features");
    is_int(mlclf_model_n_classes(m), 3, "3 classes");
    is_int(mlclf_model_n_trees(m), 0, "no trees");
    is_int(mlclf_model_version(m), 7, "version 7");
    is_str(mlclf_model_feature_name(m, 2), "petal_length", "feature 2");
    ok(mlclf_model_feature_name(m, 4) == NULL, "feature 4 is NULL");
    is_str(mlclf_model_class_label(m, 0), "setosa", "class 0");
    is_str(mlclf_model_class_label(m, 2), "virginica", "class 2");
    ok(mlclf_model_class_label(m, 3) == NULL, "class 3 is NULL");
    is_int(mlclf_model_feature_index(m, "petal_width", 11), 3,
           "index of petal_width");
    is_int(mlclf_model_feature_index(m, "petal_widthX", 11), 3,
           "index by length, not NUL");
    is_int(mlclf_model_feature_index(m, "petal", 5), -1, "prefix: -1");
    is_int(mlclf_model_feature_index(m, "nope", 4), -1, "unknown: -1");
    is_int(mlclf_model_feature_index(m, "", 0), -1, "empty: -1");
    ok(mlclf_model_impute(m) != NULL
       && mlclf_model_impute(m)[1] == 3.057, "impute values");

    meta = mlclf_model_metadata(m, &mlen);
    is_str(meta, "{\"name\":\"iris\",\"version\":\"v7\"}", "metadata");
    is_int(mlen, strlen(spec.metadata), "metadata length");

    rc = mlclf_write_buffer(&spec, &buf, &len, &err);
    is_int(mlclf_model_size(m), len, "model size");
    free(buf);

    mlclf_model_close(&m);
    ok(m == NULL, "close NULLs the pointer");
    mlclf_model_close(&m);
    mlclf_model_close(NULL);
    ok(1, "close accepts NULL");
}


static void
test_roundtrip_forest(void)
{
    int             rc;
    void           *buf;
    size_t          len, mlen;
    mlclf_err_t     err;
    mlclf_spec_t    spec;
    mlclf_model_t  *m;

    forest_spec(&spec);

    rc = mlclf_write_buffer(&spec, &buf, &len, &err);
    is_int(rc, MLCLF_OK, "write forest");

    rc = mlclf_model_load(&m, buf, len, &err);
    is_int(rc, MLCLF_OK, "load forest buffer");

    if (rc != MLCLF_OK) {
        tap_diag("%s", err.msg);
        free(buf);
        return;
    }

    is_int(mlclf_model_kind(m), MLCLF_KIND_FOREST, "kind forest");
    is_str(mlclf_model_kind_name(m), "forest", "kind name forest");
    is_int(mlclf_model_n_features(m), 2, "2 features");
    is_int(mlclf_model_n_classes(m), 3, "3 classes");
    is_int(mlclf_model_n_trees(m), 2, "2 trees");
    is_int(mlclf_model_version(m), 2, "version 2");
    is_str(mlclf_model_feature_name(m, 1), "y", "feature 1");
    is_str(mlclf_model_class_label(m, 1), "b", "class 1");
    is_int(mlclf_model_feature_index(m, "y", 1), 1, "index of y");
    ok(mlclf_model_impute(m) == NULL, "no impute section");
    is_str(mlclf_model_metadata(m, &mlen), "{}", "no metadata: {}");
    is_int(mlen, 2, "no metadata: length 2");
    is_int(mlclf_model_size(m), len, "size");
    is_int(mlclf_model_verify(buf, len, &err), MLCLF_OK, "verify forest");

    mlclf_model_close(&m);
    free(buf);
}


static void
test_write_file(void)
{
    int             rc;
    char            dir[64], path[96];
    void           *buf, *file;
    size_t          len, flen;
    mlclf_err_t     err;
    mlclf_spec_t    spec;

    forest_spec(&spec);

    files_tmpdir(dir, sizeof(dir), "mlclf-format");
    ok(files_exists(dir), "temp dir");
    snprintf(path, sizeof(path), "%s/m.mlclf", dir);

    rc = mlclf_write(path, &spec, &err);
    is_int(rc, MLCLF_OK, "mlclf_write");

    rc = mlclf_write_buffer(&spec, &buf, &len, &err);
    file = files_read(path, &flen);
    ok(file != NULL && flen == len && memcmp(file, buf, len) == 0,
       "file bytes equal the buffer");

    free(file);
    free(buf);
    unlink(path);
    rmdir(dir);
}


int
main(void)
{
    mlclf_spec_t  spec;

    test_layout();
    test_crc32();
    test_strerror();

    logreg_spec(&spec);
    golden(&spec, GOLDEN_LOGREG);
    forest_spec(&spec);
    golden(&spec, GOLDEN_FOREST);

    test_roundtrip_logreg();
    test_roundtrip_forest();
    test_write_file();

    return tap_done();
}
