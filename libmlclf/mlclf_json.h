
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: the one JSON tokenizer of request bodies, shared
 * by the fast path and the strict pass of mlclf_request.c, so that the
 * two read the same grammar.
 */


#ifndef _MLCLF_JSON_H_INCLUDED_
#define _MLCLF_JSON_H_INCLUDED_


#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_double.h"


/* the tokenizer's hot paths, inlined into the fast path's loops */
#if defined(__GNUC__)
#define mlclf_json_inline        static inline __attribute__((always_inline))
#else
#define mlclf_json_inline        static inline
#endif

/*
 * Numbers longer than this are left to cJSON, which reads at most 63
 * bytes of one: the fast paths and the tree builder then cannot read
 * one differently from it.
 */
#define MLCLF_JSON_NUM_MAX       40

#define mlclf_json_space(c)                                                  \
    ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')


typedef enum {
    MLCLF_JSON_END = 0,         /* only whitespace is left */
    MLCLF_JSON_ERROR,           /* not JSON: see error, error_at */
    MLCLF_JSON_OPEN,            /* { or [, in tok[0] */
    MLCLF_JSON_CLOSE,           /* } or ], in tok[0] */
    MLCLF_JSON_COLON,
    MLCLF_JSON_COMMA,
    MLCLF_JSON_STRING,          /* tok, len: the bytes between the quotes */
    MLCLF_JSON_NUMBER,          /* tok, len; number if values is set */
    MLCLF_JSON_WORD,            /* a run of a-z: true, false, null or not */
    MLCLF_JSON_OTHER            /* one other byte, left to cJSON to refuse */
} mlclf_json_token_e;


typedef enum {
    MLCLF_JSON_EBAD = 1,        /* invalid at error_at (or ends early) */
    MLCLF_JSON_EESCAPE          /* bad escape, its backslash at error_at */
} mlclf_json_error_e;


typedef struct {
    const unsigned char      *start;        /* the body */
    const unsigned char      *p;            /* next byte to read */
    const unsigned char      *end;

    /* the last token */
    const unsigned char      *tok;
    size_t                    len;
    double                    number;
    size_t                    nul;          /* string: 1 + offset of the
                                               first \u0000, or 0 */
    mlclf_json_error_e        error;
    size_t                    error_at;     /* offset in the body */
    unsigned                  escaped:1;    /* string: has a backslash */

    unsigned                  values:1;     /* in: convert numbers */
} mlclf_json_lex_t;


/*
 * Starts reading body (len bytes) at its first byte; with values set,
 * every number token also carries its double (as strtod() reads it).
 */
void mlclf_json_lex_init(mlclf_json_lex_t *lex, const char *body,
    size_t len, unsigned values);

/*
 * 1 if s (len bytes) is valid UTF-8 (RFC 3629, as the tokenizer checks
 * strings: no overlong forms, surrogates, code points past U+10FFFF or
 * cut sequences), else 0.  NUL bytes are the caller's to refuse.
 */
int mlclf_json_utf8(const char *s, size_t len);

/*
 * A string token's bytes (s, len: between its quotes, checked by the
 * tokenizer) decoded into out, as cJSON decodes them: the escapes to
 * their bytes, \u0000 to a NUL, a surrogate pair to one 4-byte
 * character; out has len bytes of room.  Returns the bytes written.
 */
size_t mlclf_json_unescape(const unsigned char *s, size_t len, char *out);


/*
 * The cJSON tree of a body, built from the tokens of the strict pass
 * (mlclf_request.c) as it reads them, so that the body is read once,
 * not again by cJSON_Parse().  A tree that would not be exactly the
 * one cJSON_Parse() builds is not built: any token the grammar does not
 * allow there, a number longer than MLCLF_JSON_NUM_MAX, nesting deeper
 * than MLCLF_JSON_TREE_DEPTH, or no memory.  The caller then leaves the
 * body to cJSON_Parse(), which takes the same decisions (and messages)
 * as before.  tests/test_json_tree.c and tests/fuzz/fuzz_json.c compare
 * the two trees, field by field.
 */
#define MLCLF_JSON_TREE_DEPTH    32

typedef struct {
    cJSON                    *root;
    cJSON                    *open[MLCLF_JSON_TREE_DEPTH];
    size_t                    depth;
    char                     *name;         /* a member's, until its value */
    unsigned                  expect;       /* what may come next */
} mlclf_json_tree_t;

void mlclf_json_tree_init(mlclf_json_tree_t *tree);

/* Adds the token t that lex has just read. */
void mlclf_json_tree_add(mlclf_json_tree_t *tree,
    const mlclf_json_lex_t *lex, mlclf_json_token_e t);

/*
 * The whole tree, the caller's to cJSON_Delete(), once the tokens ended
 * with MLCLF_JSON_END; else NULL.  Either way tree is left empty.
 */
cJSON *mlclf_json_tree_take(mlclf_json_tree_t *tree);

/* Frees what was built (after a refusal): tree is left empty. */
void mlclf_json_tree_free(mlclf_json_tree_t *tree);


/* the out-of-line parts of mlclf_json_next() */
mlclf_json_token_e mlclf_json_string(mlclf_json_lex_t *lex);
mlclf_json_token_e mlclf_json_error(mlclf_json_lex_t *lex,
    mlclf_json_error_e error, size_t at);


/*
 * The end of the number at p, its value in *v unless v is NULL; NULL if
 * p does not start one.  The grammar and the value are the double
 * reader's (mlclf_double_scan()); a number glued to what could continue
 * it ("01", "1.5.2", "2-1") is refused whole.  The tokenizer and the
 * request fast path read numbers with it.
 */

mlclf_json_inline const unsigned char *
mlclf_json_number_at(const unsigned char *p, const unsigned char *end,
    double *v)
{
    unsigned char  c;

    p = (const unsigned char *)
        mlclf_double_scan((const char *) p, (const char *) end,
                          MLCLF_DOUBLE_JSON, v);

    if (p != NULL && p < end) {
        c = *p;

        if (mlclf_double_digit(c) || c == '.' || c == '-' || c == '+'
            || c == 'e' || c == 'E')
        {
            return NULL;
        }
    }

    return p;
}


/* The number token at lex->p, refused at its first byte. */

mlclf_json_inline mlclf_json_token_e
mlclf_json_number(mlclf_json_lex_t *lex)
{
    const unsigned char  *p;

    p = mlclf_json_number_at(lex->p, lex->end,
                             lex->values ? &lex->number : NULL);

    if (p == NULL) {
        return mlclf_json_error(lex, MLCLF_JSON_EBAD, lex->p - lex->start);
    }

    lex->tok = lex->p;
    lex->len = p - lex->p;
    lex->p = p;

    return MLCLF_JSON_NUMBER;
}


/*
 * The next token after whitespace.  Strings and numbers are checked
 * against RFC 8259 (escapes, surrogate pairs, UTF-8, number grammar);
 * raw control bytes are errors.  Letters and other bytes are passed on
 * as WORD and OTHER: the caller decides.  After MLCLF_JSON_ERROR the
 * lexer stays at the error.  Inline: the fast path of a request calls
 * it for every token.
 */

mlclf_json_inline mlclf_json_token_e
mlclf_json_next(mlclf_json_lex_t *lex)
{
    unsigned char         c;
    const unsigned char  *p, *end;

    if (lex->error) {
        return MLCLF_JSON_ERROR;
    }

    p = lex->p;
    end = lex->end;

    while (p < end && mlclf_json_space(*p)) {
        p++;
    }

    lex->tok = p;
    lex->len = 1;

    if (p == end) {
        lex->p = p;
        lex->len = 0;
        return MLCLF_JSON_END;
    }

    c = *p;
    lex->p = p + 1;

    switch (c) {

    case '{':
    case '[':
        return MLCLF_JSON_OPEN;

    case '}':
    case ']':
        return MLCLF_JSON_CLOSE;

    case ':':
        return MLCLF_JSON_COLON;

    case ',':
        return MLCLF_JSON_COMMA;

    case '"':
        return mlclf_json_string(lex);

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        lex->p = p;
        return mlclf_json_number(lex);

    default:
        break;
    }

    if (c >= 'a' && c <= 'z') {
        for (p++; p < end && *p >= 'a' && *p <= 'z'; p++) {
            /* void */
        }

        lex->p = p;
        lex->len = p - lex->tok;

        return MLCLF_JSON_WORD;
    }

    if (c < 0x20) {
        return mlclf_json_error(lex, MLCLF_JSON_EBAD, p - lex->start);
    }

    return MLCLF_JSON_OTHER;
}


#endif /* _MLCLF_JSON_H_INCLUDED_ */
