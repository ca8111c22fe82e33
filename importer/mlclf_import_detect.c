
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Which source format a file is, from its first bytes, for mlclf-import
 * without --format.
 */


#include <string.h>

#include "mlclf_import.h"


/* The head of a file that detection looks at. */
#define MLCLF_IMPORT_HEAD  4096


mlclf_import_format_e
mlclf_import_detect(const char *buf, size_t len)
{
    size_t  i, n;

    n = len < MLCLF_IMPORT_HEAD ? len : MLCLF_IMPORT_HEAD;

    /*
     * UBJSON: an object whose first key's length has a type marker
     * (XGBoost writes "learner" first)
     */
    if (n > 2 && buf[0] == '{' && strchr("iUIlL", buf[1]) != NULL
        && memmem(buf, n < 32 ? n : 32, "learner", 7) != NULL)
    {
        return MLCLF_IMPORT_XGBOOST;
    }

    for (i = 0; i < n && strchr(" \t\r\n", buf[i]) != NULL; i++) {
        /* void */
    }

    if (i < n && buf[i] == '{') {
        /* the exporter writes its format name first */
        if (memmem(buf + i, n - i, "\"mlclf-sklearn-export\"", 22) != NULL) {
            return MLCLF_IMPORT_SKLEARN;
        }

        if (memmem(buf + i, n - i, "\"learner\"", 9) != NULL) {
            return MLCLF_IMPORT_XGBOOST;
        }

        return MLCLF_IMPORT_UNKNOWN;
    }

    /* model.txt starts with the line "tree", then "version=v3" or v4 */
    if (n >= 5 && memcmp(buf, "tree", 4) == 0
        && (buf[4] == '\n' || buf[4] == '\r'))
    {
        return MLCLF_IMPORT_LIGHTGBM;
    }

    return MLCLF_IMPORT_UNKNOWN;
}
