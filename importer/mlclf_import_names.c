
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Feature names and class labels of an imported model: the source's,
 * replaced by --features / --classes, or f0, f1, ... and 0, 1, ...
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlclf_strtab.h>

#include "mlclf_import.h"


static int mlclf_import_list(const char *list, uint32_t n, const char *what,
    const char *option, char ***out, mlclf_err_t *err);
static int mlclf_import_numbered(const char *prefix, uint32_t n,
    char ***out, mlclf_err_t *err);
static int mlclf_import_check(char **names, uint32_t n, const char *what,
    mlclf_err_t *err);
static void mlclf_import_drop(char **names, uint32_t n);


static void
mlclf_import_drop(char **names, uint32_t n)
{
    uint32_t  i;

    if (names == NULL) {
        return;
    }

    for (i = 0; i < n; i++) {
        free(names[i]);
    }

    free(names);
}


/* A comma-separated list of exactly n names into *out. */
static int
mlclf_import_list(const char *list, uint32_t n, const char *what,
    const char *option, char ***out, mlclf_err_t *err)
{
    size_t       len;
    uint32_t     i;
    const char  *p, *comma;

    *out = calloc(n ? n : 1, sizeof(char *));
    if (*out == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    p = list;

    for (i = 0; ; i++) {
        comma = strchr(p, ',');
        len = comma ? (size_t) (comma - p) : strlen(p);

        if (i < n) {
            (*out)[i] = strndup(p, len);
            if ((*out)[i] == NULL) {
                return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            }
        }

        if (comma == NULL) {
            break;
        }

        p = comma + 1;
    }

    if (i + 1 != n) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "%s lists %u %ss, but the model has %u", option,
                             i + 1, what, n);
    }

    return MLCLF_OK;
}


/* prefix0, prefix1, ... into *out. */
static int
mlclf_import_numbered(const char *prefix, uint32_t n, char ***out,
    mlclf_err_t *err)
{
    uint32_t  i;

    *out = calloc(n ? n : 1, sizeof(char *));
    if (*out == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (i = 0; i < n; i++) {
        if (asprintf(&(*out)[i], "%s%u", prefix, i) < 0) {
            (*out)[i] = NULL;
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }
    }

    return MLCLF_OK;
}


/* Each name is one the model format accepts, and none repeats. */
static int
mlclf_import_check(char **names, uint32_t n, const char *what,
    mlclf_err_t *err)
{
    int             rc;
    uint32_t        i, j;
    mlclf_err_t     why;
    mlclf_strtab_t  t;

    for (i = 0; i < n; i++) {
        if (mlclf_name_check(names[i], strlen(names[i]), &why) != MLCLF_OK) {
            return mlclf_err_set(err, MLCLF_EINVAL, "%s %u \"%.64s\": %s",
                                 what, i, names[i], why.msg);
        }
    }

    rc = mlclf_strtab_init(&t, n);
    if (rc != MLCLF_OK) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    for (i = 0; i < n; i++) {
        rc = mlclf_strtab_add(&t, names[i], strlen(names[i]), i, &j);

        if (rc == MLCLF_STRTAB_EXISTS) {
            mlclf_strtab_free(&t);
            return mlclf_err_set(err, MLCLF_EINVAL,
                                 "%s %u \"%.64s\" repeats %s %u", what, i,
                                 names[i], what, j);
        }

        if (rc != MLCLF_OK) {
            mlclf_strtab_free(&t);
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }
    }

    mlclf_strtab_free(&t);

    return MLCLF_OK;
}


int
mlclf_import_names(mlclf_import_t *im, const char *features,
    const char *classes, mlclf_err_t *err)
{
    int     rc;
    char  **names;

    if (features != NULL) {
        rc = mlclf_import_list(features, im->n_features, "feature",
                               "--features", &names, err);
        if (rc != MLCLF_OK) {
            mlclf_import_drop(names, im->n_features);
            return rc;
        }

        mlclf_import_drop(im->feature_names, im->n_features);
        im->feature_names = names;

    } else if (im->feature_names == NULL) {
        rc = mlclf_import_numbered("f", im->n_features, &im->feature_names,
                                   err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    if (classes != NULL) {
        rc = mlclf_import_list(classes, im->n_classes, "class", "--classes",
                               &names, err);
        if (rc != MLCLF_OK) {
            mlclf_import_drop(names, im->n_classes);
            return rc;
        }

        mlclf_import_drop(im->class_labels, im->n_classes);
        im->class_labels = names;

    } else if (im->class_labels == NULL) {
        rc = mlclf_import_numbered("", im->n_classes, &im->class_labels, err);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    rc = mlclf_import_check(im->feature_names, im->n_features, "feature",
                            err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    return mlclf_import_check(im->class_labels, im->n_classes, "class", err);
}
