
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The request tree builder (mlclf_json.h, mlclf_json_tree_t) against
 * cJSON_Parse(), shared by tests/test_json_tree.c and fuzz_json.c: the
 * tree the tokens build, cJSON's tree of the same body, and a
 * comparison of the two field by field (types and flags, valueint, the
 * bits of valuedouble, both strings, the order of the children, and
 * cJSON's link from the first child to the last).
 */


#ifndef _JSON_TREE_CHECK_H_INCLUDED_
#define _JSON_TREE_CHECK_H_INCLUDED_


#include <string.h>
#include <cjson/cJSON.h>
#include <mlclf_json.h>


/* the tree that the tokens of body build, as the strict pass feeds them */
static inline cJSON *
json_tree_build(const char *body, size_t len)
{
    mlclf_json_lex_t     lex;
    mlclf_json_tree_t    tree;
    mlclf_json_token_e   t;

    mlclf_json_lex_init(&lex, body, len, 1);
    mlclf_json_tree_init(&tree);

    do {
        t = mlclf_json_next(&lex);
        mlclf_json_tree_add(&tree, &lex, t);
    } while (t != MLCLF_JSON_END && t != MLCLF_JSON_ERROR);

    if (t == MLCLF_JSON_ERROR) {
        mlclf_json_tree_free(&tree);
        return NULL;
    }

    return mlclf_json_tree_take(&tree);
}


/* cJSON's tree of body, or NULL: only whitespace may follow the value */
static inline cJSON *
json_tree_cjson(const char *body, size_t len)
{
    cJSON       *root;
    const char  *end, *p;

    end = NULL;
    root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (root == NULL) {
        return NULL;
    }

    for (p = end; p < body + len; p++) {
        if (!mlclf_json_space(*p)) {
            cJSON_Delete(root);
            return NULL;
        }
    }

    return root;
}


static inline int
json_tree_same_string(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }

    return strcmp(a, b) == 0;
}


/* 1 if the siblings from a and from b are the same, recursively */
static inline int
json_tree_same(const cJSON *a, const cJSON *b)
{
    const cJSON  *last_a, *last_b;

    for ( /* void */ ; a != NULL && b != NULL; a = a->next, b = b->next) {
        if (a->type != b->type || a->valueint != b->valueint
            || memcmp(&a->valuedouble, &b->valuedouble, sizeof(double)) != 0
            || !json_tree_same_string(a->valuestring, b->valuestring)
            || !json_tree_same_string(a->string, b->string)
            || !json_tree_same(a->child, b->child))
        {
            return 0;
        }

        if (a->child != NULL) {
            for (last_a = a->child; last_a->next; last_a = last_a->next) {
                /* void */
            }

            for (last_b = b->child; last_b->next; last_b = last_b->next) {
                /* void */
            }

            if (a->child->prev != last_a || b->child->prev != last_b) {
                return 0;
            }
        }
    }

    return a == NULL && b == NULL;
}


#endif /* _JSON_TREE_CHECK_H_INCLUDED_ */
