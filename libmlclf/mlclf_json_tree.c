
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The cJSON tree of a request body, built from the tokenizer's tokens
 * while the strict pass reads them (mlclf_json.h): cJSON_Parse() would
 * read the body a second time, every string twice, a byte at a time.
 * The nodes are cJSON's own, made the way cJSON_Parse() makes them, so
 * that everything after the parse sees the same tree.
 */


#include <string.h>

#include "mlclf_json.h"


/* what the next token may be */
enum {
    MLCLF_JSON_TREE_VALUE = 0,      /* a value */
    MLCLF_JSON_TREE_FIRST_VALUE,    /* a value or "]" */
    MLCLF_JSON_TREE_NAME,           /* a member name */
    MLCLF_JSON_TREE_FIRST_NAME,     /* a member name or "}" */
    MLCLF_JSON_TREE_COLON,
    MLCLF_JSON_TREE_NEXT,           /* "," or the container's close */
    MLCLF_JSON_TREE_DONE,           /* the end of the body */
    MLCLF_JSON_TREE_FAILED          /* cJSON_Parse() decides */
};


static void mlclf_json_tree_value(mlclf_json_tree_t *tree,
    const mlclf_json_lex_t *lex, mlclf_json_token_e t);
static cJSON *mlclf_json_tree_item(const mlclf_json_lex_t *lex,
    mlclf_json_token_e t);
static char *mlclf_json_tree_string(const mlclf_json_lex_t *lex);
static void mlclf_json_tree_close(mlclf_json_tree_t *tree,
    const mlclf_json_lex_t *lex);
static void mlclf_json_tree_fail(mlclf_json_tree_t *tree);


void
mlclf_json_tree_init(mlclf_json_tree_t *tree)
{
    tree->root = NULL;
    tree->depth = 0;
    tree->name = NULL;
    tree->expect = MLCLF_JSON_TREE_VALUE;
}


void
mlclf_json_tree_add(mlclf_json_tree_t *tree, const mlclf_json_lex_t *lex,
    mlclf_json_token_e t)
{
    if (t == MLCLF_JSON_CLOSE
        && (tree->expect == MLCLF_JSON_TREE_FIRST_VALUE
            || tree->expect == MLCLF_JSON_TREE_FIRST_NAME
            || tree->expect == MLCLF_JSON_TREE_NEXT))
    {
        mlclf_json_tree_close(tree, lex);
        return;
    }

    switch (tree->expect) {

    case MLCLF_JSON_TREE_FAILED:
        return;

    case MLCLF_JSON_TREE_VALUE:
    case MLCLF_JSON_TREE_FIRST_VALUE:
        mlclf_json_tree_value(tree, lex, t);
        return;

    case MLCLF_JSON_TREE_NAME:
    case MLCLF_JSON_TREE_FIRST_NAME:
        if (t != MLCLF_JSON_STRING) {
            break;
        }

        tree->name = mlclf_json_tree_string(lex);
        if (tree->name == NULL) {
            break;
        }

        tree->expect = MLCLF_JSON_TREE_COLON;
        return;

    case MLCLF_JSON_TREE_COLON:
        if (t != MLCLF_JSON_COLON) {
            break;
        }

        tree->expect = MLCLF_JSON_TREE_VALUE;
        return;

    case MLCLF_JSON_TREE_NEXT:
        if (t != MLCLF_JSON_COMMA) {
            break;
        }

        tree->expect = cJSON_IsObject(tree->open[tree->depth - 1])
                       ? MLCLF_JSON_TREE_NAME : MLCLF_JSON_TREE_VALUE;
        return;

    default:                    /* MLCLF_JSON_TREE_DONE */
        if (t == MLCLF_JSON_END) {
            return;
        }

        break;
    }

    mlclf_json_tree_fail(tree);
}


/*
 * A value where one may stand: made, hung on the open container (with
 * the member name that waits for it) or made the root, and opened if it
 * is a container.
 */
static void
mlclf_json_tree_value(mlclf_json_tree_t *tree, const mlclf_json_lex_t *lex,
    mlclf_json_token_e t)
{
    cJSON  *item, *parent;

    if (t == MLCLF_JSON_OPEN && tree->depth == MLCLF_JSON_TREE_DEPTH) {
        mlclf_json_tree_fail(tree);
        return;
    }

    item = mlclf_json_tree_item(lex, t);
    if (item == NULL) {
        mlclf_json_tree_fail(tree);
        return;
    }

    if (tree->depth == 0) {
        tree->root = item;

    } else {
        parent = tree->open[tree->depth - 1];

        if (cJSON_IsObject(parent)) {
            item->string = tree->name;
            tree->name = NULL;
        }

        /* cJSON keeps the last child in child->prev: no walk */
        (void) cJSON_AddItemToArray(parent, item);
    }

    if (t == MLCLF_JSON_OPEN) {
        tree->open[tree->depth++] = item;
        tree->expect = cJSON_IsObject(item) ? MLCLF_JSON_TREE_FIRST_NAME
                                            : MLCLF_JSON_TREE_FIRST_VALUE;
        return;
    }

    tree->expect = (tree->depth == 0) ? MLCLF_JSON_TREE_DONE
                                      : MLCLF_JSON_TREE_NEXT;
}


/*
 * The node of a value token as cJSON_Parse() makes it, or NULL: its
 * numbers are strtod()'s (mlclf_double_scan() reads them the same, bit
 * for bit), and its "true" has valueint 1.
 */
static cJSON *
mlclf_json_tree_item(const mlclf_json_lex_t *lex, mlclf_json_token_e t)
{
    char   *s;
    cJSON  *item;

    switch (t) {

    case MLCLF_JSON_OPEN:
        return (lex->tok[0] == '{') ? cJSON_CreateObject()
                                    : cJSON_CreateArray();

    case MLCLF_JSON_STRING:
        s = mlclf_json_tree_string(lex);
        if (s == NULL) {
            return NULL;
        }

        item = cJSON_CreateNull();
        if (item == NULL) {
            cJSON_free(s);
            return NULL;
        }

        item->type = cJSON_String;
        item->valuestring = s;

        return item;

    case MLCLF_JSON_NUMBER:
        if (lex->len > MLCLF_JSON_NUM_MAX) {
            return NULL;
        }

        return cJSON_CreateNumber(lex->number);

    case MLCLF_JSON_WORD:
        if (lex->len == 4 && memcmp(lex->tok, "null", 4) == 0) {
            return cJSON_CreateNull();
        }

        if (lex->len == 5 && memcmp(lex->tok, "false", 5) == 0) {
            return cJSON_CreateFalse();
        }

        if (lex->len == 4 && memcmp(lex->tok, "true", 4) == 0) {
            item = cJSON_CreateTrue();
            if (item != NULL) {
                item->valueint = 1;
            }

            return item;
        }

        return NULL;

    default:
        return NULL;
    }
}


/* the string token decoded into a C string of cJSON's allocator */
static char *
mlclf_json_tree_string(const mlclf_json_lex_t *lex)
{
    char    *s;
    size_t   n;

    s = cJSON_malloc(lex->len + 1);
    if (s == NULL) {
        return NULL;
    }

    if (lex->escaped) {
        n = mlclf_json_unescape(lex->tok, lex->len, s);

    } else {
        memcpy(s, lex->tok, lex->len);
        n = lex->len;
    }

    s[n] = '\0';

    return s;
}


/* a close token where one may stand: it must match its open */
static void
mlclf_json_tree_close(mlclf_json_tree_t *tree, const mlclf_json_lex_t *lex)
{
    cJSON  *open;

    open = tree->open[tree->depth - 1];

    if (cJSON_IsObject(open) != (lex->tok[0] == '}')) {
        mlclf_json_tree_fail(tree);
        return;
    }

    tree->depth--;
    tree->expect = (tree->depth == 0) ? MLCLF_JSON_TREE_DONE
                                      : MLCLF_JSON_TREE_NEXT;
}


static void
mlclf_json_tree_fail(mlclf_json_tree_t *tree)
{
    mlclf_json_tree_free(tree);
    tree->expect = MLCLF_JSON_TREE_FAILED;
}


cJSON *
mlclf_json_tree_take(mlclf_json_tree_t *tree)
{
    cJSON  *root;

    if (tree->expect != MLCLF_JSON_TREE_DONE) {
        mlclf_json_tree_free(tree);
        return NULL;
    }

    root = tree->root;
    tree->root = NULL;
    mlclf_json_tree_init(tree);

    return root;
}


void
mlclf_json_tree_free(mlclf_json_tree_t *tree)
{
    cJSON_Delete(tree->root);
    cJSON_free(tree->name);
    mlclf_json_tree_init(tree);
}
