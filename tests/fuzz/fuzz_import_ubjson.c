
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: arbitrary bytes through the UBJSON reader
 * (mlclf_import_ubjson(), importer/mlclf_import_ubjson.c), then the
 * tree it gives through the XGBoost model reader.  A refusal is
 * MLCLF_EINVAL (or MLCLF_ENOMEM) with "<path>: byte N: ..." and no
 * tree.  An accepted document is bounded by its bytes: no more values
 * than bytes (every value takes one byte at least), containers no
 * deeper than MLCLF_UBJSON_MAX_DEPTH, and printing it as JSON and
 * parsing that back gives the same tree.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <mlclf.h>
#include <mlclf_import.h>
#include <mlclf_import_xgboost.h>
#include "fuzz.h"


#define FUZZ_PATH  "fuzz.ubj"


static size_t fuzz_count(const cJSON *item, unsigned depth);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             rc;
    char           *buf, *text;
    cJSON          *root, *back;
    mlclf_err_t     err;
    mlclf_import_t  im;

    buf = malloc(size + 1);
    if (buf == NULL) {
        return 0;
    }

    memcpy(buf, data, size);
    buf[size] = '\0';

    memset(&err, 0, sizeof(err));
    mlclf_import_init(&im, FUZZ_PATH, MLCLF_IMPORT_XGBOOST);
    root = (cJSON *) 1;

    rc = mlclf_import_ubjson(&im, buf, size, &root, &err);

    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "%d %s\n", rc, rc ? err.msg : "");
    }

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);
    FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);

    if (rc != MLCLF_OK) {
        FUZZ_CHECK(root == NULL);
        FUZZ_CHECK(err.code == rc);
        FUZZ_CHECK(strncmp(err.msg, FUZZ_PATH ": byte ", 15) == 0);
        free(buf);
        return 0;
    }

    FUZZ_CHECK(root != NULL);
    FUZZ_CHECK(fuzz_count(root, 0) <= size);

    /* the same tree through JSON text (NaN and inf print as null) */
    text = cJSON_PrintUnformatted(root);
    if (text != NULL) {
        back = cJSON_Parse(text);
        FUZZ_CHECK(back != NULL);
        FUZZ_CHECK(fuzz_count(back, 0) == fuzz_count(root, 0));
        cJSON_Delete(back);
        free(text);
    }

    /* and the model reader over it: refused or accepted, never worse */
    rc = mlclf_import_xgboost_model(&im, root, &err);
    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);

    cJSON_Delete(root);
    mlclf_import_free(&im);
    free(buf);

    return 0;
}


/* Values in the tree; a container deeper than the limit traps. */
static size_t
fuzz_count(const cJSON *item, unsigned depth)
{
    size_t        n;
    const cJSON  *c;

    n = 1;

    if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
        FUZZ_CHECK(depth < MLCLF_UBJSON_MAX_DEPTH);

        for (c = item->child; c != NULL; c = c->next) {
            n += fuzz_count(c, depth + 1);
        }
    }

    return n;
}
