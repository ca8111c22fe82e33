
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: the request tree builder (mlclf_json_tree.c)
 * against cJSON_Parse().  Whatever the input, a tree the tokens build
 * must be one cJSON builds from the same bytes too, the same field by
 * field (json_tree_check.h); where the builder gives up, the strict
 * pass leaves the body to cJSON, so nothing is asked of it there.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "json_tree_check.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char   *body;
    cJSON  *ours, *theirs;

    /* a buffer of exactly the body's size: a read past it is caught */

    body = malloc(size ? size : 1);
    FUZZ_CHECK(body != NULL);
    memcpy(body, data, size);

    ours = json_tree_build(body, size);

    if (ours != NULL) {
        theirs = json_tree_cjson(body, size);

        FUZZ_CHECK(theirs != NULL);
        FUZZ_CHECK(json_tree_same(ours, theirs));

        cJSON_Delete(theirs);
        cJSON_Delete(ours);
    }

    free(body);

    return 0;
}
