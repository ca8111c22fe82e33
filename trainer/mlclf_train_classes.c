
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The classes of the training data: the configured ones in their order,
 * or the sorted distinct labels that the chunks of the CSV body saw,
 * each chunk's label ids then mapped onto them.
 */


#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>
#include <mlclf_train_chunk.h>
#include <mlclf_train_classes.h>
#include <mlclf_train_labels.h>


static int mlclf_dl_names_configured(mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, mlclf_err_t *err);
static int mlclf_dl_names_seen(mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, const mlclf_train_chunk_t *ch,
    size_t nt, mlclf_err_t *err);
static int mlclf_dl_cmp_names(const void *a, const void *b);


int
mlclf_train_classes_table(mlclf_train_labels_t *classes,
    const mlclf_train_config_t *cf, mlclf_err_t *err)
{
    size_t  c;

    if (mlclf_train_labels_init(classes, cf->n_classes) != MLCLF_OK) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (c = 0; c < cf->n_classes; c++) {
        if (mlclf_train_labels_add(classes, cf->classes[c],
                                   strlen(cf->classes[c])) < 0)
        {
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }
    }

    return MLCLF_OK;
}


int
mlclf_train_classes_list(mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, const mlclf_train_chunk_t *ch,
    size_t nt, mlclf_err_t *err)
{
    if (cf->classes) {
        return mlclf_dl_names_configured(d, cf, err);
    }

    return mlclf_dl_names_seen(d, cf, ch, nt, err);
}


/* class ids in the configured order */
static int
mlclf_dl_names_configured(mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, mlclf_err_t *err)
{
    char   **names;
    size_t   c;

    d->n_classes = cf->n_classes;

    names = calloc(cf->n_classes, sizeof(char *));
    if (names == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    d->classes = names;

    for (c = 0; c < cf->n_classes; c++) {
        names[c] = strdup(cf->classes[c]);
        if (names[c] == NULL) {
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }
    }

    return MLCLF_OK;
}


/* class ids in the sorted order of the distinct labels of every chunk */
static int
mlclf_dl_names_seen(mlclf_train_data_t *d, const mlclf_train_config_t *cf,
    const mlclf_train_chunk_t *ch, size_t nt, mlclf_err_t *err)
{
    char    **names;
    size_t    c, i, k, n, dst;

    n = 0;
    for (c = 0; c < nt; c++) {
        n += mlclf_train_labels_count(&ch[c].labels);
    }

    names = calloc(n + 1, sizeof(char *));
    if (names == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    d->classes = names;
    k = 0;

    for (c = 0; c < nt; c++) {
        for (i = 0; i < mlclf_train_labels_count(&ch[c].labels); i++) {
            names[k++] = mlclf_train_labels_name(&ch[c].labels, i);
        }
    }

    qsort(names, n, sizeof(char *), mlclf_dl_cmp_names);

    /* drop duplicates; the strings stay owned by the chunk tables */
    dst = 0;
    for (k = 0; k < n; k++) {
        if (dst == 0 || strcmp(names[dst - 1], names[k]) != 0) {
            names[dst++] = names[k];
        }
    }

    n = dst;

    if (n > MLCLF_TRAIN_CHUNK_MAX_CLASSES) {
        d->classes = NULL;
        free(names);
        return mlclf_err_set(err, MLCLF_EINVAL, "%s: %s: more than %d "
                             "distinct labels", cf->data, cf->label,
                             MLCLF_TRAIN_CHUNK_MAX_CLASSES);
    }

    for (k = 0; k < n; k++) {
        names[k] = strdup(names[k]);
        if (names[k] == NULL) {
            while (k--) {
                free(names[k]);
            }

            d->classes = NULL;
            free(names);
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }
    }

    d->n_classes = n;

    return MLCLF_OK;
}


int
mlclf_train_classes_remap(mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, const mlclf_train_chunk_t *ch,
    size_t nt, mlclf_err_t *err)
{
    char     **hit, *name;
    size_t     c, k, n;
    int32_t   *map;

    if (cf->classes) {
        return MLCLF_OK;
    }

    for (c = 0; c < nt; c++) {
        n = mlclf_train_labels_count(&ch[c].labels);

        if (ch[c].n_rows == 0) {
            continue;
        }

        map = malloc(n * sizeof(int32_t));
        if (map == NULL) {
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }

        for (k = 0; k < n; k++) {
            name = mlclf_train_labels_name(&ch[c].labels, k);
            hit = bsearch(&name, d->classes, d->n_classes, sizeof(char *),
                          mlclf_dl_cmp_names);
            map[k] = hit ? (int32_t) (hit - d->classes) : 0;
        }

        for (k = ch[c].row0; k < ch[c].row0 + ch[c].n_rows; k++) {
            d->y[k] = (uint32_t) map[d->y[k]];
        }

        free(map);
    }

    return MLCLF_OK;
}


static int
mlclf_dl_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}
