
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the three files of the LightGBM model.txt reader share: the
 * reading state, its lines and key=value pairs, and the number parsers.
 * mlclf_import_lightgbm.c reads the header and the list of trees,
 * mlclf_import_lightgbm_tree.c one "Tree=" block, and
 * mlclf_import_lightgbm_text.c the lines, keys and numbers.  Functions
 * carry the short prefix mlclf_lgbm_.
 *
 * The facts of the format come from LightGBM's sources (v4.x):
 * src/boosting/gbdt_model_text.cpp (SaveModelToString,
 * LoadModelFromString), src/io/tree.cpp (Tree::ToString and the
 * Tree(const char *) constructor), include/LightGBM/tree.h
 * (NumericalDecision, GetLeaf) and src/objective/ (the objective lines).
 */


#ifndef _MLCLF_IMPORT_LIGHTGBM_H_INCLUDED_
#define _MLCLF_IMPORT_LIGHTGBM_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include <mlclf_quote.h>

#include "mlclf_import.h"


/* The longest number token read; LightGBM writes at most 24 bytes. */
#define MLCLF_LGBM_NUM_MAX  64


/*
 * A key=value line of the header or of a tree, kept for a key that the
 * reader knows.  line 0: the key was not seen.
 */
typedef struct {
    const char               *v;            /* the value, after '=' */
    size_t                    n;            /* its bytes */
    size_t                    line;
    size_t                    col;          /* of the value's first byte */
} mlclf_lgbm_kv_t;


/* The reading state. */
typedef struct {
    mlclf_import_t           *im;
    mlclf_err_t              *err;
    const char               *buf;
    size_t                    len;
    size_t                    pos;          /* start of the next line */

    /* the line read last: its bytes without the line end */
    const char               *p;
    size_t                    n;
    size_t                    line;         /* from 1 */
    size_t                    start;        /* offset of p in buf */

    /* the quoted token of the message being made (mlclf_lgbm_q()) */
    char                      q[MLCLF_QUOTE_LEN];

    /* from the header, for the trees */
    uint32_t                  max_feature;  /* max_feature_idx */
    uint32_t                  per_iter;     /* num_tree_per_iteration */
} mlclf_lgbm_t;


/*
 * The next line into r->p, r->n, r->line: 1, or 0 at the end of the
 * buffer, or MLCLF_EINVAL for a NUL byte in it.  A line ends at "\n",
 * "\r\n" or a lone "\r", as LightGBM's Common::GetLine and SkipNewLine
 * read them.
 */
int mlclf_lgbm_next(mlclf_lgbm_t *r);

/* 1 if the line read is s. */
int mlclf_lgbm_is(const mlclf_lgbm_t *r, const char *s);

/*
 * Files the line read under its key if the key is one of keys[nkeys]:
 * "key=value", or "key" alone (an empty value).  Unknown keys are
 * ignored; a known key seen twice is refused.  MLCLF_OK or MLCLF_EINVAL.
 */
int mlclf_lgbm_kv(mlclf_lgbm_t *r, const char *const *keys,
    mlclf_lgbm_kv_t *kv, size_t nkeys, const char *where);

/*
 * The next token of a value from *i (tokens are separated by runs of
 * spaces, as LightGBM's Common::Split(str, ' ') reads them): its start
 * with *tn its length, or NULL after the last one.
 */
const char *mlclf_lgbm_token(const mlclf_lgbm_kv_t *kv, size_t *i,
    size_t *tn);

/* The number of tokens of a value. */
size_t mlclf_lgbm_count(const mlclf_lgbm_kv_t *kv);

/* The column of a token of kv. */
#define mlclf_lgbm_col(kv, tok)  ((kv)->col + (size_t) ((tok) - (kv)->v))

/*
 * A decimal integer in [min, max]: NULL, or why not ("is not an
 * integer", "is out of range").
 */
const char *mlclf_lgbm_int(const char *tok, size_t tn, long long min,
    long long max, long long *out);

/*
 * A decimal number (as strtod() reads it in the C locale, but neither
 * hexadecimal nor "nan" and "inf"): NULL, or why not ("is not a
 * number", "is NaN", "is infinite").
 */
const char *mlclf_lgbm_double(const char *tok, size_t tn, double *out);

/*
 * s[n] quoted for a message (mlclf_quote(): printable ASCII, the rest as
 * \xNN, cut after MLCLF_QUOTE_MAX bytes), into r->q: one per message.
 */
const char *mlclf_lgbm_q(mlclf_lgbm_t *r, const char *s, size_t n);

/* "<path>:<line>:<col>: <message>", MLCLF_EINVAL. */
int mlclf_lgbm_fail(mlclf_lgbm_t *r, size_t line, size_t col,
    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/*
 * Reads the tree whose "Tree=" line was read last, up to and with the
 * empty line that ends it, and adds it to output out.
 */
int mlclf_lgbm_tree(mlclf_lgbm_t *r, uint32_t t, uint32_t out);


#endif /* _MLCLF_IMPORT_LIGHTGBM_H_INCLUDED_ */
