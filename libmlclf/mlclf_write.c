
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Serialises an mlclf_spec_t into the .mlclf format and publishes model
 * files atomically.  Used by the trainer and the tests, not the module.
 */


#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlclf.h"
#include "mlclf_format.h"


#define MLCLF_W_MAX  28             /* sections a writer may emit */


typedef struct {
    uint32_t                  type;
    uint64_t                  count;
    uint64_t                  length;
    const void               *data;     /* NULL: a string table */
    const char *const        *strings;
} mlclf_w_section_t;


static int mlclf_w_strings(const char *const *s, uint32_t n,
    const char *what, uint64_t *length, mlclf_err_t *err);
static void mlclf_w_add(mlclf_w_section_t *w, uint32_t *n, uint32_t type,
    uint64_t count, uint64_t length, const void *data,
    const char *const *strings);
static int mlclf_w_sections(const mlclf_spec_t *spec, mlclf_w_section_t *w,
    uint32_t *n, mlclf_err_t *err);
static int mlclf_w_inputs(const mlclf_spec_t *spec, mlclf_w_section_t *w,
    uint32_t *n, mlclf_err_t *err);
static int mlclf_w_drift(const mlclf_spec_t *spec, mlclf_w_section_t *w,
    uint32_t *n, mlclf_err_t *err);
static int mlclf_w_trees(const mlclf_spec_t *spec, mlclf_w_section_t *w,
    uint32_t *n, mlclf_err_t *err);
static int mlclf_w_gbt(const mlclf_spec_t *spec, mlclf_w_section_t *w,
    uint32_t *n, mlclf_err_t *err);
static uint32_t mlclf_w_version(const mlclf_spec_t *spec);
static uint32_t mlclf_w_kind(mlclf_kind_e kind);


/*
 * Total bytes of a string table, each string with its NUL; each string
 * must pass mlclf_name_check().
 */
static int
mlclf_w_strings(const char *const *s, uint32_t n, const char *what,
    uint64_t *length, mlclf_err_t *err)
{
    size_t       len;
    uint32_t     i;
    mlclf_err_t  why;

    if (s == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL, "no %ss", what);
    }

    *length = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == NULL) {
            return mlclf_err_set(err, MLCLF_EINVAL, "%s %u is NULL", what, i);
        }

        len = strlen(s[i]);

        if (mlclf_name_check(s[i], len, &why) != MLCLF_OK) {
            return mlclf_err_set(err, MLCLF_ESTRINGS, "%s %u: %s", what, i,
                                 why.msg);
        }

        *length += len + 1;
    }

    return MLCLF_OK;
}


static void
mlclf_w_add(mlclf_w_section_t *w, uint32_t *n, uint32_t type,
    uint64_t count, uint64_t length, const void *data,
    const char *const *strings)
{
    w[*n].type = type;
    w[*n].count = count;
    w[*n].length = length;
    w[*n].data = data;
    w[*n].strings = strings;
    (*n)++;
}


/* The sections of spec in their fixed order: the file's table order. */
static int
mlclf_w_sections(const mlclf_spec_t *spec, mlclf_w_section_t *w,
    uint32_t *n, mlclf_err_t *err)
{
    int       rc;
    uint64_t  len, nf, nc, ni, k;

    *n = 0;
    nf = spec->n_features;
    nc = spec->n_classes;

    ni = spec->n_inputs != 0 ? spec->n_inputs : spec->n_features;

    rc = mlclf_w_strings(spec->feature_names, ni, "feature name", &len, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    mlclf_w_add(w, n, MLCLF_SECTION_FEATURE_NAMES, ni, len, NULL,
                spec->feature_names);

    rc = mlclf_w_strings(spec->class_labels, spec->n_classes, "class label",
                         &len, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    mlclf_w_add(w, n, MLCLF_SECTION_CLASS_LABELS, nc, len, NULL,
                spec->class_labels);

    if (spec->impute != NULL) {
        mlclf_w_add(w, n, MLCLF_SECTION_IMPUTE, nf, nf * sizeof(double),
                    spec->impute, NULL);
    }

    if (spec->metadata != NULL) {
        len = strlen(spec->metadata) + 1;
        mlclf_w_add(w, n, MLCLF_SECTION_METADATA, len, len, spec->metadata,
                    NULL);
    }

    rc = mlclf_w_inputs(spec, w, n, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_w_drift(spec, w, n, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    switch (spec->kind) {

    case MLCLF_KIND_LOGREG:
        k = spec->n_outputs;

        if (k != nc && !(k == 1 && nc == 2)) {
            return mlclf_err_set(err, MLCLF_EINVAL,
                                 "n_outputs %u, expected n_classes %u%s",
                                 spec->n_outputs, spec->n_classes,
                                 nc == 2 ? " or 1" : "");
        }

        if (spec->weights == NULL || spec->bias == NULL
            || spec->node_decision != NULL)
        {
            return mlclf_err_set(err, MLCLF_EINVAL,
                                 "logreg spec without weights or bias, or "
                                 "with node decisions");
        }

        mlclf_w_add(w, n, MLCLF_SECTION_LINEAR_WEIGHTS, k * nf,
                    k * nf * sizeof(double), spec->weights, NULL);
        mlclf_w_add(w, n, MLCLF_SECTION_LINEAR_BIAS, k, k * sizeof(double),
                    spec->bias, NULL);

        if (spec->linear_mean != NULL) {
            mlclf_w_add(w, n, MLCLF_SECTION_LINEAR_MEAN, nf,
                        nf * sizeof(double), spec->linear_mean, NULL);
        }
        break;

    case MLCLF_KIND_FOREST:
        return mlclf_w_trees(spec, w, n, err);

    case MLCLF_KIND_GBT:
        rc = mlclf_w_trees(spec, w, n, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

        return mlclf_w_gbt(spec, w, n, err);

    default:
        return mlclf_err_set(err, MLCLF_EKIND, "unknown model kind %d",
                             (int) spec->kind);
    }

    return MLCLF_OK;
}


/*
 * The input sections (mlclf_format.h, version 3): the value table only
 * when an input has values, TEXT_IDF only when a text has idf.  The
 * verifier that mlclf_write_buffer() runs checks what they hold.
 */
static int
mlclf_w_inputs(const mlclf_spec_t *spec, mlclf_w_section_t *w, uint32_t *n,
    mlclf_err_t *err)
{
    uint64_t  nv, nt;

    if (spec->n_inputs == 0) {
        if (spec->n_values != 0 || spec->n_texts != 0 || spec->n_idf != 0) {
            return mlclf_err_set(err, MLCLF_EINVAL,
                                 "values or texts without inputs");
        }

        return MLCLF_OK;
    }

    nv = spec->n_values;
    nt = spec->n_texts;

    if (spec->inputs == NULL
        || (nv != 0 && (spec->value_bytes == NULL
                        || spec->value_offsets == NULL
                        || spec->value_columns == NULL))
        || (nt != 0 && spec->texts == NULL)
        || (spec->n_idf != 0 && spec->idf == NULL))
    {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "input spec with a NULL array");
    }

    mlclf_w_add(w, n, MLCLF_SECTION_INPUTS, spec->n_inputs,
                (uint64_t) spec->n_inputs * sizeof(mlclf_file_input_t),
                spec->inputs, NULL);

    if (nv != 0) {
        mlclf_w_add(w, n, MLCLF_SECTION_VALUE_BYTES,
                    spec->value_offsets[nv], spec->value_offsets[nv],
                    spec->value_bytes, NULL);
        mlclf_w_add(w, n, MLCLF_SECTION_VALUE_OFFSETS, nv + 1,
                    (nv + 1) * sizeof(uint32_t), spec->value_offsets, NULL);
        mlclf_w_add(w, n, MLCLF_SECTION_VALUE_COLUMNS, nv,
                    nv * sizeof(uint32_t), spec->value_columns, NULL);
    }

    if (nt != 0) {
        mlclf_w_add(w, n, MLCLF_SECTION_TEXT_PARAMS, nt,
                    nt * sizeof(mlclf_file_text_t), spec->texts, NULL);
    }

    if (spec->n_idf != 0) {
        mlclf_w_add(w, n, MLCLF_SECTION_TEXT_IDF, spec->n_idf,
                    spec->n_idf * sizeof(double), spec->idf, NULL);
    }

    return MLCLF_OK;
}


/*
 * The reference distributions (mlclf_format.h, version 5): edges and
 * values only when there are some.  The verifier checks the rest.
 */
static int
mlclf_w_drift(const mlclf_spec_t *spec, mlclf_w_section_t *w, uint32_t *n,
    mlclf_err_t *err)
{
    uint64_t  ni, nc;

    if (spec->drift == NULL) {
        return MLCLF_OK;
    }

    ni = spec->n_inputs != 0 ? spec->n_inputs : spec->n_features;
    nc = spec->class_prior ? 2 * (uint64_t) spec->n_classes
                           : spec->n_classes;

    if (spec->drift_shares == NULL || spec->class_shares == NULL
        || (spec->n_drift_edges != 0 && spec->drift_edges == NULL)
        || (spec->n_drift_values != 0 && spec->drift_values == NULL))
    {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "drift spec with a NULL array");
    }

    mlclf_w_add(w, n, MLCLF_SECTION_DRIFT_INPUTS, ni,
                ni * sizeof(mlclf_file_drift_t), spec->drift, NULL);

    if (spec->n_drift_edges != 0) {
        mlclf_w_add(w, n, MLCLF_SECTION_DRIFT_EDGES, spec->n_drift_edges,
                    (uint64_t) spec->n_drift_edges * sizeof(double),
                    spec->drift_edges, NULL);
    }

    if (spec->n_drift_values != 0) {
        mlclf_w_add(w, n, MLCLF_SECTION_DRIFT_VALUES, spec->n_drift_values,
                    (uint64_t) spec->n_drift_values * sizeof(uint32_t),
                    spec->drift_values, NULL);
    }

    mlclf_w_add(w, n, MLCLF_SECTION_DRIFT_SHARES, spec->n_drift_shares,
                (uint64_t) spec->n_drift_shares * sizeof(double),
                spec->drift_shares, NULL);
    mlclf_w_add(w, n, MLCLF_SECTION_CLASS_SHARES, nc, nc * sizeof(double),
                spec->class_shares, NULL);

    return MLCLF_OK;
}


/* The tree sections of forest and gbt. */
static int
mlclf_w_trees(const mlclf_spec_t *spec, mlclf_w_section_t *w, uint32_t *n,
    mlclf_err_t *err)
{
    uint64_t  k, vals;

    if (spec->n_trees == 0 || spec->n_nodes == 0 || spec->n_leaves == 0
        || spec->n_trees == UINT32_MAX || spec->n_nodes > MLCLF_MAX_NODES)
    {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "tree spec with %u trees, %u nodes, %u leaves",
                             spec->n_trees, spec->n_nodes, spec->n_leaves);
    }

    if (spec->tree_offsets == NULL || spec->node_feature == NULL
        || spec->node_threshold == NULL || spec->node_left == NULL
        || spec->node_right == NULL || spec->leaf_values == NULL)
    {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "tree spec with a NULL array");
    }

    k = spec->n_nodes;
    vals = spec->kind == MLCLF_KIND_GBT ? 1 : spec->n_classes;

    mlclf_w_add(w, n, MLCLF_SECTION_TREE_OFFSETS,
                (uint64_t) spec->n_trees + 1,
                ((uint64_t) spec->n_trees + 1) * sizeof(uint32_t),
                spec->tree_offsets, NULL);
    mlclf_w_add(w, n, MLCLF_SECTION_NODE_FEATURE, k, k * sizeof(int32_t),
                spec->node_feature, NULL);
    mlclf_w_add(w, n, MLCLF_SECTION_NODE_THRESHOLD, k, k * sizeof(double),
                spec->node_threshold, NULL);
    mlclf_w_add(w, n, MLCLF_SECTION_NODE_LEFT, k, k * sizeof(uint32_t),
                spec->node_left, NULL);
    mlclf_w_add(w, n, MLCLF_SECTION_NODE_RIGHT, k, k * sizeof(uint32_t),
                spec->node_right, NULL);
    mlclf_w_add(w, n, MLCLF_SECTION_LEAF_VALUES, spec->n_leaves * vals,
                spec->n_leaves * vals * sizeof(double), spec->leaf_values,
                NULL);

    if (spec->node_decision != NULL) {
        mlclf_w_add(w, n, MLCLF_SECTION_NODE_DECISION, k, k,
                    spec->node_decision, NULL);
    }

    if (spec->node_cover != NULL) {
        mlclf_w_add(w, n, MLCLF_SECTION_NODE_COVER, k, k * sizeof(double),
                    spec->node_cover, NULL);
    }

    return MLCLF_OK;
}


/* The gbt sections; the scale only when it is not { 1, 1 }. */
static int
mlclf_w_gbt(const mlclf_spec_t *spec, mlclf_w_section_t *w, uint32_t *n,
    mlclf_err_t *err)
{
    uint64_t  k, nc;

    k = spec->n_outputs;
    nc = spec->n_classes;

    if (k != nc && !(k == 1 && nc == 2)) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "n_outputs %u, expected n_classes %u%s",
                             spec->n_outputs, spec->n_classes,
                             nc == 2 ? " or 1" : "");
    }

    if (spec->tree_class == NULL || spec->base == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "gbt spec without tree classes or base");
    }

    mlclf_w_add(w, n, MLCLF_SECTION_TREE_CLASS, spec->n_trees,
                (uint64_t) spec->n_trees * sizeof(uint32_t),
                spec->tree_class, NULL);
    mlclf_w_add(w, n, MLCLF_SECTION_GBT_BASE, k, k * sizeof(double),
                spec->base, NULL);
    mlclf_w_add(w, n, MLCLF_SECTION_GBT_LINK, 2, 2 * sizeof(uint32_t),
                &spec->link, NULL);

    _Static_assert(offsetof(mlclf_spec_t, gbt_flags)
                   == offsetof(mlclf_spec_t, link) + sizeof(uint32_t),
                   "link and flags are one uint32_t[2]");

    if ((spec->link_scale != 0.0 && spec->link_scale != 1.0)
        || (spec->divisor != 0.0 && spec->divisor != 1.0))
    {
        _Static_assert(offsetof(mlclf_spec_t, divisor)
                       == offsetof(mlclf_spec_t, link_scale) + sizeof(double),
                       "scale and divisor are one double[2]");

        if (spec->link_scale == 0.0 || spec->divisor == 0.0) {
            return mlclf_err_set(err, MLCLF_EINVAL,
                                 "gbt spec with a scale of %g and a divisor "
                                 "of %g: set both or neither",
                                 spec->link_scale, spec->divisor);
        }

        mlclf_w_add(w, n, MLCLF_SECTION_GBT_SCALE, 2, 2 * sizeof(double),
                    &spec->link_scale, NULL);
    }

    return MLCLF_OK;
}


/* The lowest format version that describes the file (mlclf_format.h). */
static uint32_t
mlclf_w_version(const mlclf_spec_t *spec)
{
    if (spec->drift != NULL) {
        return MLCLF_FORMAT_VERSION_DRIFT;
    }

    if ((spec->kind == MLCLF_KIND_LOGREG && spec->linear_mean != NULL)
        || (spec->kind != MLCLF_KIND_LOGREG && spec->node_cover != NULL))
    {
        return MLCLF_FORMAT_VERSION_EXPLAIN;
    }

    if (spec->n_inputs != 0) {
        return MLCLF_FORMAT_VERSION_INPUTS;
    }

    if (spec->kind == MLCLF_KIND_GBT || spec->node_decision != NULL) {
        return MLCLF_FORMAT_VERSION_GBT;
    }

    return 1;
}


static uint32_t
mlclf_w_kind(mlclf_kind_e kind)
{
    switch (kind) {

    case MLCLF_KIND_LOGREG:
        return MLCLF_FILE_KIND_LOGREG;
    case MLCLF_KIND_FOREST:
        return MLCLF_FILE_KIND_FOREST;
    default:
        return MLCLF_FILE_KIND_GBT;
    }
}


int
mlclf_write_buffer(const mlclf_spec_t *spec, void **buf, size_t *len,
    mlclf_err_t *err)
{
    int                   rc;
    size_t                slen;
    uint8_t              *p, *d;
    uint32_t              i, j, n;
    uint64_t              off, size;
    mlclf_w_section_t     w[MLCLF_W_MAX];
    mlclf_file_header_t   h;
    mlclf_file_section_t  e;

    if (spec == NULL || buf == NULL || len == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL, "NULL argument");
    }

    *buf = NULL;
    *len = 0;

    if (spec->n_features < 1
        || spec->n_features > (spec->n_inputs != 0 ? MLCLF_MAX_COLUMNS
                                                   : MLCLF_MAX_FEATURES)
        || spec->n_inputs > MLCLF_MAX_FEATURES
        || spec->n_classes < MLCLF_MIN_CLASSES
        || spec->n_classes > MLCLF_MAX_CLASSES)
    {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "%u features, %u classes: out of range",
                             spec->n_features, spec->n_classes);
    }

    rc = mlclf_w_sections(spec, w, &n, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    /* header, table, then each section 8-byte aligned */
    off = MLCLF_HEADER_SIZE + (uint64_t) n * sizeof(e);

    for (i = 0; i < n; i++) {
        off = (off + MLCLF_ALIGN - 1) & ~(uint64_t) (MLCLF_ALIGN - 1);
        off += w[i].length;
    }

    size = off;

    if (size > SIZE_MAX / 2) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "model of %llu bytes is too large",
                             (unsigned long long) size);
    }

    p = calloc(1, (size_t) size);
    if (p == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "cannot allocate %llu bytes",
                             (unsigned long long) size);
    }

    off = MLCLF_HEADER_SIZE + (uint64_t) n * sizeof(e);

    for (i = 0; i < n; i++) {
        off = (off + MLCLF_ALIGN - 1) & ~(uint64_t) (MLCLF_ALIGN - 1);

        memset(&e, 0, sizeof(e));
        e.type = w[i].type;
        e.offset = off;
        e.length = w[i].length;
        e.count = w[i].count;
        memcpy(p + MLCLF_HEADER_SIZE + (size_t) i * sizeof(e), &e,
               sizeof(e));

        d = p + off;

        if (w[i].strings != NULL) {
            for (j = 0; j < w[i].count; j++) {
                slen = strlen(w[i].strings[j]) + 1;
                memcpy(d, w[i].strings[j], slen);
                d += slen;
            }

        } else {
            memcpy(d, w[i].data, (size_t) w[i].length);
        }

        off += w[i].length;
    }

    memset(&h, 0, sizeof(h));
    memcpy(h.magic, MLCLF_MAGIC, MLCLF_MAGIC_LEN);
    h.format_version = mlclf_w_version(spec);
    h.header_size = MLCLF_HEADER_SIZE;
    h.endian = MLCLF_ENDIAN_PROBE;
    h.model_kind = mlclf_w_kind(spec->kind);
    h.n_features = spec->n_features;
    h.n_classes = spec->n_classes;
    h.model_version = spec->version;
    h.file_size = size;
    h.section_offset = MLCLF_HEADER_SIZE;
    h.section_count = n;
    h.payload_crc32 = mlclf_crc32(0, p + MLCLF_HEADER_SIZE,
                                  (size_t) size - MLCLF_HEADER_SIZE);
    h.header_crc32 = mlclf_crc32(0, &h, sizeof(h));
    memcpy(p, &h, sizeof(h));

    /* never hand out a file that the reader would refuse */
    rc = mlclf_model_verify(p, (size_t) size, err);
    if (rc != MLCLF_OK) {
        free(p);
        return rc;
    }

    *buf = p;
    *len = (size_t) size;

    return MLCLF_OK;
}


int
mlclf_write(const char *path, const mlclf_spec_t *spec, mlclf_err_t *err)
{
    int          rc, fd, saved;
    FILE        *f;
    void        *buf;
    size_t       len, dlen;
    char        *tmp, *dir;
    const char  *slash;

    if (path == NULL || *path == '\0') {
        return mlclf_err_set(err, MLCLF_EINVAL, "empty path");
    }

    rc = mlclf_write_buffer(spec, &buf, &len, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    f = NULL;
    dir = NULL;

    tmp = malloc(strlen(path) + 32);
    if (tmp == NULL) {
        free(buf);
        return mlclf_err_set(err, MLCLF_ENOMEM, "cannot allocate a path");
    }

    (void) sprintf(tmp, "%s.tmp.%ld", path, (long) getpid());

    /* O_EXCL: never write through a file or link someone left there */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0644);
    if (fd == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "open \"%s\": %s", tmp,
                           strerror(errno));
        goto done;
    }

    f = fdopen(fd, "wb");
    if (f == NULL) {
        rc = mlclf_err_set(err, MLCLF_EIO, "fdopen \"%s\": %s", tmp,
                           strerror(errno));
        (void) close(fd);
        goto failed;
    }

    if (fwrite(buf, 1, len, f) != len) {
        rc = mlclf_err_set(err, MLCLF_EIO, "write \"%s\": %s", tmp,
                           strerror(errno));
        goto failed;
    }

    if (fflush(f) != 0) {
        rc = mlclf_err_set(err, MLCLF_EIO, "fflush \"%s\": %s", tmp,
                           strerror(errno));
        goto failed;
    }

    if (fsync(fileno(f)) != 0) {
        rc = mlclf_err_set(err, MLCLF_EIO, "fsync \"%s\": %s", tmp,
                           strerror(errno));
        goto failed;
    }

    saved = fclose(f);
    f = NULL;

    if (saved != 0) {
        rc = mlclf_err_set(err, MLCLF_EIO, "fclose \"%s\": %s", tmp,
                           strerror(errno));
        goto failed;
    }

    if (rename(tmp, path) != 0) {
        rc = mlclf_err_set(err, MLCLF_EIO, "rename \"%s\" to \"%s\": %s",
                           tmp, path, strerror(errno));
        goto failed;
    }

    /* the rename itself must reach the disk: fsync the directory */
    slash = strrchr(path, '/');
    dlen = slash == NULL ? 1 : (slash == path ? 1 : (size_t) (slash - path));

    dir = malloc(dlen + 1);
    if (dir == NULL) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM, "cannot allocate a path");
        goto done;
    }

    if (slash == NULL) {
        dir[0] = '.';

    } else {
        memcpy(dir, path, dlen);
    }

    dir[dlen] = '\0';

    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd == -1) {
        rc = mlclf_err_set(err, MLCLF_EIO, "open \"%s\": %s", dir,
                           strerror(errno));
        goto done;
    }

    if (fsync(fd) != 0) {
        rc = mlclf_err_set(err, MLCLF_EIO, "fsync \"%s\": %s", dir,
                           strerror(errno));
        (void) close(fd);
        goto done;
    }

    (void) close(fd);

    rc = MLCLF_OK;
    goto done;

failed:

    saved = errno;

    if (f != NULL) {
        (void) fclose(f);
    }

    (void) unlink(tmp);
    errno = saved;

done:

    free(dir);
    free(tmp);
    free(buf);

    return rc;
}
