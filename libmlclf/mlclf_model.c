
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Loads a model from bytes (every step of verification, in order)
 * and answers questions about a verified model.
 */


#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"


/* Every step of verification, in order; m keeps what they find. */
int
mlclf_model_parse(mlclf_model_t *m, const uint8_t *p, size_t len,
    mlclf_err_t *err)
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

    rc = mlclf_model_parse_header(p, len, &h, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_parse_table(p, &h, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    m->base = p;
    m->size = len;
    m->kind = h.model_kind == MLCLF_FILE_KIND_LOGREG ? MLCLF_KIND_LOGREG
              : h.model_kind == MLCLF_FILE_KIND_FOREST ? MLCLF_KIND_FOREST
              : MLCLF_KIND_GBT;
    m->n_features = h.n_features;
    m->n_classes = h.n_classes;
    m->version = h.model_version;

    rc = mlclf_model_parse_counts(m, p, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_names_alloc(m, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_names_parse(m, p, &s, MLCLF_SECTION_FEATURE_NAMES, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_names_parse(m, p, &s, MLCLF_SECTION_CLASS_LABELS, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_parse_metadata(m, p, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_check_inputs(m, p, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_check_drift(m, p, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_check_params(m, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (m->kind == MLCLF_KIND_LOGREG) {
        rc = mlclf_model_check_cover(m, &s, err);
        if (rc != MLCLF_OK) {
            return rc;
        }

        return mlclf_explain_prepare(m, err);
    }

    if (m->kind == MLCLF_KIND_FOREST) {
        rc = mlclf_model_check_leaves(m, &s, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    rc = mlclf_model_check_trees(m, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_check_decisions(m, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_check_cover(m, &s, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (m->kind == MLCLF_KIND_GBT) {
        rc = mlclf_model_check_gbt(m, &s, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    rc = mlclf_model_pack(m, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_model_dense(m, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_explain_prepare(m, err);
}


void
mlclf_model_free(mlclf_model_t *m)
{
    if (m->map_size != 0) {
        (void) munmap((void *) m->base, m->map_size);
    }

    mlclf_model_unpack(m);
    mlclf_model_undense(m);
    free(m->feature_names);
    free(m->texts);
    free(m->vocab_offsets);
    free(m->explain_base);
    free(m->explain_gl);
    free(m->vocab_index);
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

    rc = mlclf_model_parse(m, buf, len, err);
    if (rc != MLCLF_OK) {
        mlclf_model_free(m);
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


void
mlclf_model_close(mlclf_model_t **mp)
{
    if (mp == NULL || *mp == NULL) {
        return;
    }

    mlclf_model_free(*mp);
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
    return i < m->n_inputs ? m->feature_names[i] : NULL;
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


int
mlclf_model_routes_missing(const mlclf_model_t *m)
{
    return m->routes_missing;
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
