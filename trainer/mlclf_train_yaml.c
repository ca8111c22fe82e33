
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * YAML for the trainer: a file read with libyaml's document API (one
 * document, its nesting bounded before libyaml gets slow), and typed
 * values read strictly out of its nodes.  Numbers must be plain
 * (unquoted) scalars; strings may be quoted.  The schema that uses them
 * is mlclf_train_config.c's.
 */


#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <yaml.h>
#include <mlclf.h>
#include <mlclf_file.h>
#include <mlclf_quote.h>
#include <mlclf_train_yaml.h>


#define MLCLF_TRAIN_YAML_GOT_LEN    (MLCLF_QUOTE_LEN + 16)


static int mlclf_train_yaml_depth(const char *path, const char *buf,
    size_t len, mlclf_err_t *err);
static int mlclf_train_yaml_syntax(const yaml_parser_t *parser,
    const char *path, mlclf_err_t *err);
static int mlclf_train_yaml_at(mlclf_err_t *err, const char *path,
    const yaml_mark_t *mark, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int mlclf_train_yaml_is_null(const yaml_node_t *node);
static const char *mlclf_train_yaml_got(const yaml_node_t *node,
    char *buf);


/*
 * libyaml takes time quadratic in the nesting depth (its scanner keeps
 * a possible key per open flow level and looks at all of them for every
 * token): 100,000 nested "[" took half a minute.  No configuration
 * needs more than three levels, so this first pass over the events stops
 * at the first list or mapping deeper than MLCLF_TRAIN_YAML_MAX_DEPTH, before
 * the depth gets costly, and the whole load stays linear in the file
 * size.  A syntax error is left to the loader, which finds the same one.
 */
static int
mlclf_train_yaml_depth(const char *path, const char *buf, size_t len,
    mlclf_err_t *err)
{
    int            rc;
    size_t         depth;
    yaml_event_t   ev;
    yaml_parser_t  parser;

    if (!yaml_parser_initialize(&parser)) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    yaml_parser_set_input_string(&parser, (const unsigned char *) buf, len);

    rc = MLCLF_OK;
    depth = 0;

    for ( ;; ) {
        if (!yaml_parser_parse(&parser, &ev)) {
            if (parser.error == YAML_MEMORY_ERROR) {
                rc = mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
            }

            break;
        }

        if (ev.type == YAML_SEQUENCE_START_EVENT
            || ev.type == YAML_MAPPING_START_EVENT)
        {
            if (++depth > MLCLF_TRAIN_YAML_MAX_DEPTH) {
                rc = mlclf_train_yaml_at(err, path, &ev.start_mark,
                                         "lists and mappings nested more "
                                         "than %d deep",
                                         MLCLF_TRAIN_YAML_MAX_DEPTH);
                yaml_event_delete(&ev);
                break;
            }

        } else if (ev.type == YAML_SEQUENCE_END_EVENT
                   || ev.type == YAML_MAPPING_END_EVENT)
        {
            depth--;

        } else if (ev.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }

        yaml_event_delete(&ev);
    }

    yaml_parser_delete(&parser);

    return rc;
}



static int
mlclf_train_yaml_syntax(const yaml_parser_t *parser, const char *path,
    mlclf_err_t *err)
{
    if (parser->error == YAML_MEMORY_ERROR) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    if (parser->context) {
        return mlclf_train_yaml_at(err, path, &parser->problem_mark,
                                   "%s (%s at line %zu)",
                                   parser->problem ? parser->problem
                                                   : "syntax error",
                                   parser->context,
                                   (size_t) parser->context_mark.line + 1);
    }

    return mlclf_train_yaml_at(err, path, &parser->problem_mark, "%s",
                               parser->problem ? parser->problem
                                               : "syntax error");
}


int
mlclf_train_yaml_load(const char *path, size_t max, yaml_document_t *doc,
    mlclf_err_t *err)
{
    int              rc;
    char            *buf;
    size_t           len;
    yaml_parser_t    parser;
    yaml_document_t  extra;

    buf = NULL;
    len = 0;

    rc = mlclf_file_read(path, max, &buf, &len, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    rc = mlclf_train_yaml_depth(path, buf, len, err);
    if (rc != MLCLF_OK) {
        free(buf);
        return rc;
    }

    if (!yaml_parser_initialize(&parser)) {
        free(buf);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    yaml_parser_set_input_string(&parser, (const unsigned char *) buf, len);

    if (!yaml_parser_load(&parser, doc)) {
        rc = mlclf_train_yaml_syntax(&parser, path, err);
        goto done;
    }

    if (yaml_document_get_root_node(doc) == NULL) {
        rc = mlclf_err_set(err, MLCLF_EINVAL, "%s:1: the file holds no "
                           "configuration", path);

    /* a second document is an error, not silently ignored */

    } else if (!yaml_parser_load(&parser, &extra)) {
        rc = mlclf_train_yaml_syntax(&parser, path, err);

    } else {
        if (yaml_document_get_root_node(&extra) != NULL) {
            rc = mlclf_train_yaml_at(err, path, &extra.start_mark,
                                     "more than one YAML document");
        }

        yaml_document_delete(&extra);
    }

    if (rc != MLCLF_OK) {
        yaml_document_delete(doc);
    }

done:

    yaml_parser_delete(&parser);
    free(buf);

    return rc;
}


int
mlclf_train_yaml_error(mlclf_train_yaml_t *ctx, const yaml_node_t *node,
    const char *fmt, ...)
{
    int      rc;
    va_list  ap;

    va_start(ap, fmt);
    rc = mlclf_file_error(ctx->err, MLCLF_EINVAL, ctx->path,
                          node ? (size_t) node->start_mark.line + 1 : 1,
                          node ? (size_t) node->start_mark.column + 1 : 1,
                          fmt, ap);
    va_end(ap);

    return rc;
}


/* A message about the place mark of path. */
static int
mlclf_train_yaml_at(mlclf_err_t *err, const char *path,
    const yaml_mark_t *mark, const char *fmt, ...)
{
    int      rc;
    va_list  ap;

    va_start(ap, fmt);
    rc = mlclf_file_error(err, MLCLF_EINVAL, path, (size_t) mark->line + 1,
                          (size_t) mark->column + 1, fmt, ap);
    va_end(ap);

    return rc;
}


const char *
mlclf_train_yaml_text(const yaml_node_t *node)
{
    return (const char *) node->data.scalar.value;
}


/* a plain "", "~" or "null" scalar: YAML's null */
static int
mlclf_train_yaml_is_null(const yaml_node_t *node)
{
    const char  *s;

    if (node->type != YAML_SCALAR_NODE
        || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    {
        return 0;
    }

    s = mlclf_train_yaml_text(node);

    return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0
           || strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}


/*
 * How a value reads in a message: "abc", a mapping, a list, nothing;
 * buf holds MLCLF_TRAIN_YAML_GOT_LEN bytes.
 */
static const char *
mlclf_train_yaml_got(const yaml_node_t *node, char *buf)
{
    char  show[MLCLF_QUOTE_LEN];

    switch (node->type) {

    case YAML_MAPPING_NODE:
        return "a mapping";

    case YAML_SEQUENCE_NODE:
        return "a list";

    case YAML_SCALAR_NODE:
        if (mlclf_train_yaml_is_null(node)) {
            return "nothing";
        }

        snprintf(buf, MLCLF_TRAIN_YAML_GOT_LEN, "%s%s",
                 node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                 ? "" : "a quoted string ",
                 mlclf_quote(mlclf_train_yaml_text(node),
                             node->data.scalar.length, show));

        return buf;

    default:
        return "nothing";
    }
}


int
mlclf_train_yaml_expected(mlclf_train_yaml_t *ctx,
    const yaml_node_t *node, const char *key, const char *what)
{
    char  buf[MLCLF_TRAIN_YAML_GOT_LEN];

    return mlclf_train_yaml_error(ctx, node, "%s: expected %s, got %s", key,
                                  what, mlclf_train_yaml_got(node, buf));
}


/*
 * Checks that node is a mapping whose keys are all in keys[] and none is
 * repeated; vals[i] (and knodes[i]) get the value (key) node of keys[i],
 * or NULL.
 */
int
mlclf_train_yaml_mapping(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, const char *const *keys, yaml_node_t **vals,
    yaml_node_t **knodes)
{
    size_t             i, first;
    const char        *name;
    yaml_node_t       *k, *v;
    yaml_node_pair_t  *pair;

    for (i = 0; keys[i]; i++) {
        vals[i] = NULL;
        knodes[i] = NULL;
    }

    if (node->type != YAML_MAPPING_NODE) {
        return mlclf_train_yaml_expected(ctx, node, key, "a mapping");
    }

    for (pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top;
         pair++)
    {
        k = yaml_document_get_node(ctx->doc, pair->key);
        v = yaml_document_get_node(ctx->doc, pair->value);

        if (k == NULL || v == NULL) {
            return mlclf_train_yaml_error(ctx, node, "%s: broken mapping", key);
        }

        if (k->type != YAML_SCALAR_NODE) {
            return mlclf_train_yaml_error(ctx, k, "%s: a key must be a plain "
                                          "name", key);
        }

        name = mlclf_train_yaml_text(k);

        for (i = 0; keys[i]; i++) {
            if (strcmp(keys[i], name) == 0) {
                break;
            }
        }

        if (keys[i] == NULL) {
            if (*key) {
                return mlclf_train_yaml_error(ctx, k, "unknown key \"%s\" in "
                                              "%s", name, key);
            }

            return mlclf_train_yaml_error(ctx, k, "unknown key \"%s\"", name);
        }

        if (vals[i] != NULL) {
            first = (size_t) knodes[i]->start_mark.line + 1;

            if (*key) {
                return mlclf_train_yaml_error(ctx, k, "duplicate key \"%s\" in "
                                              "%s (first on line %zu)", name,
                                              key, first);
            }

            return mlclf_train_yaml_error(ctx, k, "duplicate key \"%s\" (first "
                                          "on line %zu)", name, first);
        }

        vals[i] = v;
        knodes[i] = k;
    }

    return MLCLF_OK;
}


int
mlclf_train_yaml_string(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, char **out)
{
    size_t  len;

    if (node->type != YAML_SCALAR_NODE || mlclf_train_yaml_is_null(node)) {
        return mlclf_train_yaml_expected(ctx, node, key, "a string");
    }

    len = node->data.scalar.length;

    if (len == 0) {
        return mlclf_train_yaml_error(ctx, node, "%s: must not be empty", key);
    }

    if (memchr(node->data.scalar.value, '\0', len) != NULL) {
        return mlclf_train_yaml_error(ctx, node, "%s: contains a NUL character",
                                      key);
    }

    free(*out);

    *out = strdup(mlclf_train_yaml_text(node));
    if (*out == NULL) {
        return mlclf_err_set(ctx->err, MLCLF_ENOMEM, "out of memory");
    }

    return MLCLF_OK;
}


/* a plain decimal number: [+-]digits[.digits][e[+-]digits], finite */
int
mlclf_train_yaml_number(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, double *out)
{
    char        *end;
    double       v;
    const char  *s, *p;
    size_t       digits;

    if (node->type != YAML_SCALAR_NODE
        || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE
        || mlclf_train_yaml_is_null(node))
    {
        return mlclf_train_yaml_expected(ctx, node, key, "a number");
    }

    s = mlclf_train_yaml_text(node);
    p = s;
    digits = 0;

    if (*p == '+' || *p == '-') {
        p++;
    }

    while (*p >= '0' && *p <= '9') {
        p++;
        digits++;
    }

    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            p++;
            digits++;
        }
    }

    if (digits > 0 && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '+' || *p == '-') {
            p++;
        }

        if (!(*p >= '0' && *p <= '9')) {
            digits = 0;
        }

        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }

    if (digits == 0 || *p != '\0') {
        return mlclf_train_yaml_expected(ctx, node, key, "a number");
    }

    errno = 0;
    v = strtod(s, &end);

    if (*end != '\0' || !isfinite(v)) {
        return mlclf_train_yaml_expected(ctx, node, key, "a finite number");
    }

    *out = v;

    return MLCLF_OK;
}


int
mlclf_train_yaml_range(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, double lo, double hi, int lo_open, int hi_open,
    double *out)
{
    int     rc;
    char    what[80];
    double  v;

    rc = mlclf_train_yaml_number(ctx, node, key, &v);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if ((lo_open ? v <= lo : v < lo) || (hi_open ? v >= hi : v > hi)) {
        if (isinf(hi)) {
            snprintf(what, sizeof(what), "a number %s %g",
                     lo_open ? ">" : ">=", lo);

        } else {
            snprintf(what, sizeof(what), "a number in %c%g, %g%c",
                     lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']');
        }

        return mlclf_train_yaml_expected(ctx, node, key, what);
    }

    *out = v;

    return MLCLF_OK;
}


int
mlclf_train_yaml_uint(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char         what[80];
    uint64_t     v, d;
    const char  *p;

    if (node->type != YAML_SCALAR_NODE
        || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE
        || mlclf_train_yaml_is_null(node))
    {
        return mlclf_train_yaml_expected(ctx, node, key, "an integer");
    }

    p = mlclf_train_yaml_text(node);

    if (*p == '+') {
        p++;
    }

    if (*p == '\0') {
        return mlclf_train_yaml_expected(ctx, node, key, "an integer");
    }

    v = 0;

    for ( /* void */ ; *p; p++) {
        if (*p < '0' || *p > '9') {
            if (hi == UINT64_MAX) {
                return mlclf_train_yaml_expected(ctx, node, key,
                                                 "an integer >= 0");
            }

            snprintf(what, sizeof(what), "an integer in [%llu, %llu]",
                     (unsigned long long) lo, (unsigned long long) hi);
            return mlclf_train_yaml_expected(ctx, node, key, what);
        }

        d = (uint64_t) (*p - '0');

        if (v > (UINT64_MAX - d) / 10) {
            v = UINT64_MAX;
            break;
        }

        v = v * 10 + d;
    }

    if (v < lo || v > hi || (*p != '\0')) {
        if (hi == UINT64_MAX) {
            snprintf(what, sizeof(what), "an integer in [%llu, 2^64-1]",
                     (unsigned long long) lo);

        } else {
            snprintf(what, sizeof(what), "an integer in [%llu, %llu]",
                     (unsigned long long) lo, (unsigned long long) hi);
        }

        return mlclf_train_yaml_expected(ctx, node, key, what);
    }

    *out = v;

    return MLCLF_OK;
}


int
mlclf_train_yaml_u32(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, uint32_t lo, uint32_t hi, uint32_t *out)
{
    int       rc;
    uint64_t  v;

    rc = mlclf_train_yaml_uint(ctx, node, key, lo, hi, &v);
    if (rc == MLCLF_OK) {
        *out = (uint32_t) v;
    }

    return rc;
}


int
mlclf_train_yaml_bool(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, unsigned *out)
{
    const char  *s;

    if (node->type == YAML_SCALAR_NODE
        && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
    {
        s = mlclf_train_yaml_text(node);

        if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0
            || strcmp(s, "TRUE") == 0)
        {
            *out = 1;
            return MLCLF_OK;
        }

        if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0
            || strcmp(s, "FALSE") == 0)
        {
            *out = 0;
            return MLCLF_OK;
        }
    }

    return mlclf_train_yaml_expected(ctx, node, key, "true or false");
}
