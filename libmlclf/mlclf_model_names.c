
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The rules for names: a model's name (shared by the module, the
 * registry and the trainer), and a model's feature names and class
 * labels: the string tables split into names, each checked, duplicates
 * refused, and the feature table that mlclf_model_feature_index() reads.
 */


#include <stdlib.h>
#include <string.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"
#include "mlclf_reply.h"


static void mlclf_model_names_json(mlclf_model_t *m);


int
mlclf_model_names_alloc(mlclf_model_t *m, mlclf_err_t *err)
{
    size_t  n;

    n = ((size_t) m->n_inputs + m->n_classes) * sizeof(char *);

    m->feature_names = malloc(n);
    if (m->feature_names == NULL
        || mlclf_strtab_init(&m->features, m->n_inputs) != MLCLF_OK)
    {
        return mlclf_err_set(err, MLCLF_ENOMEM,
                             "cannot allocate the name tables");
    }

    m->class_labels = m->feature_names + m->n_inputs;

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
int
mlclf_model_names_parse(mlclf_model_t *m, const uint8_t *p,
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
        n = m->n_inputs;
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
                               mlclf_model_section_name(type), what, i);
            goto done;
        }

        len = (size_t) (nul - (d + pos));

        if (mlclf_name_check((const char *) d + pos, len, &why) != MLCLF_OK)
        {
            rc = mlclf_err_set(err, MLCLF_ESTRINGS,
                               "section %u (%s): %s %u: %s", s->index[type],
                               mlclf_model_section_name(type), what, i,
                               why.msg);
            goto done;
        }

        names[i] = (const char *) d + pos;

        rc = mlclf_strtab_add(tab, names[i], len, i, &j);

        if (rc == MLCLF_STRTAB_EXISTS) {
            rc = mlclf_err_set(err, MLCLF_ESTRINGS,
                               "section %u (%s): %ss %u and %u are "
                               "both \"%s\"", s->index[type],
                               mlclf_model_section_name(type), what, j, i,
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

    if (type == MLCLF_SECTION_CLASS_LABELS) {
        mlclf_model_names_json(m);
    }

    if (pos != e->length) {
        rc = mlclf_err_set(err, MLCLF_ESTRINGS,
                           "section %u (%s): %llu bytes after the last %s",
                           s->index[type], mlclf_model_section_name(type),
                           (mlclf_ull_t) (e->length - pos), what);
    }

done:

    if (type != MLCLF_SECTION_FEATURE_NAMES) {
        mlclf_strtab_free(tab);
    }

    return rc;
}


int
mlclf_model_name_check(const char *name, size_t len)
{
    size_t  i;

    if (name == NULL || len == 0 || len > MLCLF_MODEL_NAME_MAX) {
        return MLCLF_EINVAL;
    }

    for (i = 0; i < len; i++) {
        if (!((name[i] >= 'a' && name[i] <= 'z')
              || (name[i] >= '0' && name[i] <= '9')
              || name[i] == '_' || name[i] == '-'))
        {
            return MLCLF_EINVAL;
        }
    }

    return MLCLF_OK;
}


/* The labels' escaped lengths, for the reply bound of every request. */
static void
mlclf_model_names_json(mlclf_model_t *m)
{
    size_t    len;
    uint32_t  k;

    m->labels_json_max = 0;
    m->labels_json_sum = 0;

    for (k = 0; k < m->n_classes; k++) {
        len = mlclf_reply_escaped_len(m->class_labels[k]);
        m->labels_json_sum += len;

        if (len > m->labels_json_max) {
            m->labels_json_max = len;
        }
    }
}
