
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The text featurizer: a text field of a request turned into the sparse
 * vector that scikit-learn 1.2.1 gives for the same text, with
 * HashingVectorizer (+ TfidfTransformer) or TfidfVectorizer, their
 * analyzer "word", default token_pattern, no stop words, no accent
 * stripping.  docs/text-features.md describes the options.
 *
 * Unicode: the word class (Python's str regex \w: letters, numbers and
 * "_"), the lowercase mapping (str.lower(): the full mapping without a
 * language) and the Cased and Case_Ignorable properties that decide a
 * final capital sigma come from libunistring 1.0, which implements
 * Unicode 14.0.0, the version of Python 3.11's unicodedata
 * (unidata_version "14.0.0"); the sigma's context itself is worked out
 * as Python does it, which libunistring's own differs from.
 * tests/test_text_ref.c compares all of it with Python, code point by
 * code point.  Hashing is MurmurHash3 x86_32, seed 0, from
 * libmurmurhash.
 *
 * Nothing here allocates, prints or keeps state: the caller passes the
 * scratch and the output, sized by the functions below.
 */


#ifndef _MLCLF_TEXT_H_INCLUDED_
#define _MLCLF_TEXT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "mlclf.h"


#define MLCLF_TEXT_HASHING            1
#define MLCLF_TEXT_VOCABULARY         2

#define MLCLF_TEXT_NORM_NONE          0
#define MLCLF_TEXT_NORM_L1            1
#define MLCLF_TEXT_NORM_L2            2

/* flags */
#define MLCLF_TEXT_LOWERCASE          0x01
#define MLCLF_TEXT_ALTERNATE_SIGN     0x02   /* hashing only */
#define MLCLF_TEXT_BINARY             0x04
#define MLCLF_TEXT_SUBLINEAR_TF       0x08   /* refused with ALTERNATE_SIGN */
#define MLCLF_TEXT_FLAGS              0x0f   /* every flag */

#define MLCLF_TEXT_MAX_NGRAM          8
#define MLCLF_TEXT_MAX_HASH_FEATURES  (1u << 24)

/*
 * The largest idf accepted: a smoothed idf is ln((1 + n) / (1 + df)) + 1,
 * which passes 100 only beyond 10^42 documents.  The bound keeps every
 * weighed value finite.
 */
#define MLCLF_TEXT_MAX_IDF            100.0

/*
 * The longest text the functions take, in bytes (2 GiB - 1): longer
 * ones get 0 from the size functions and -1 from the others.
 */
#define MLCLF_TEXT_MAX_LEN            ((size_t) 0x7fffffff)


/*
 * One slot of a vocabulary's lookup index (mlclf_text_vocab_index()),
 * 16 bytes, so that a slot never straddles two cache lines: a term of
 * up to MLCLF_TEXT_SLOT_TERM bytes (most words) sits in its slot, and
 * a lookup that finds it reads that one line, not the term's offsets
 * and bytes elsewhere.
 */
#define MLCLF_TEXT_SLOT_TERM          11

typedef struct {
    uint32_t                  id;           /* the term's column + 1; 0:
                                               an empty slot */
    uint8_t                   len;          /* its length if it fits in
                                               term[], else 0 */
    uint8_t                   term[MLCLF_TEXT_SLOT_TERM];
} mlclf_text_slot_t;


/* One entry of a text's sparse vector. */
typedef struct {
    uint32_t                  column;
    double                    value;
} mlclf_text_term_t;


typedef struct {
    uint32_t                  vectorizer;   /* MLCLF_TEXT_HASHING,
                                               _VOCABULARY */
    uint32_t                  n_features;   /* hashing: power of two
                                               2..2^24; vocabulary:
                                               number of terms >= 1 */
    uint32_t                  ngram_min;    /* 1..ngram_max */
    uint32_t                  ngram_max;    /* ..MLCLF_TEXT_MAX_NGRAM */
    uint32_t                  flags;        /* MLCLF_TEXT_* bits */
    uint32_t                  hash_norm;    /* HashingVectorizer's own
                                               norm (hashing only;
                                               NORM_NONE for vocabulary) */
    uint32_t                  norm;         /* TfidfTransformer's norm */
    const double             *idf;          /* n_features, or NULL: no
                                               idf */
    const char               *vocab;        /* vocabulary: the terms'
                                               bytes back to back, no
                                               NULs, sorted bytewise
                                               (memcmp, shorter first),
                                               term i is column i */
    const uint32_t           *vocab_offsets;  /* n_features + 1, [0] = 0 */
    const mlclf_text_slot_t  *vocab_index;  /* vocabulary: its lookup
                                               index
                                               (mlclf_text_vocab_index()),
                                               or NULL: a binary search */
    uint32_t                  vocab_bits;   /* the index has 2^bits
                                               slots */
} mlclf_text_params_t;


/*
 * Checks every field: vectorizer, n_features, the n-gram range, known
 * flags only and their combinations (ALTERNATE_SIGN for hashing only,
 * SUBLINEAR_TF never with it), both norms (hash_norm NORM_NONE for a
 * vocabulary), each idf finite and in 1..MLCLF_TEXT_MAX_IDF, and for a
 * vocabulary: offsets from 0, every term non-empty, valid UTF-8 without
 * NUL, the terms strictly increasing (memcmp, shorter first).  The
 * model verifier calls it.  Returns MLCLF_OK, or MLCLF_EINVAL with
 * err->msg naming the field ("ngram_max 9: not in 1..8").
 */
int mlclf_text_params_check(const mlclf_text_params_t *p, mlclf_err_t *err);

/*
 * The most terms mlclf_text_count() can give for a text of len bytes:
 * the size of its terms array.  0 if len > MLCLF_TEXT_MAX_LEN.
 */
size_t mlclf_text_max_terms(const mlclf_text_params_t *p, size_t len);

/*
 * Bytes of scratch mlclf_text_count() and mlclf_text_ngrams() need for
 * a text of len bytes (a multiple of 8).  0 if len > MLCLF_TEXT_MAX_LEN.
 */
size_t mlclf_text_scratch_size(const mlclf_text_params_t *p, size_t len);

/*
 * Tokenizes (lowercased first under MLCLF_TEXT_LOWERCASE), builds the
 * n-grams, hashes or looks up each, and writes the raw per-column counts
 * (signed sums under ALTERNATE_SIGN) into terms, sorted by column, each
 * column once.  A column whose signed sum is 0 is kept with value 0, as
 * scipy keeps the explicit zero (TfidfTransformer's df counts it).
 * n-grams missing from a vocabulary are skipped.  scratch is the
 * caller's, mlclf_text_scratch_size() bytes, 8-byte aligned; terms
 * holds mlclf_text_max_terms().  p must have passed
 * mlclf_text_params_check().  Returns the number of terms, or -1 if the
 * text is not valid UTF-8 (overlong forms, surrogates, code points
 * above 0x10ffff, cut sequences) or longer than MLCLF_TEXT_MAX_LEN.
 * Allocates nothing.
 */
ptrdiff_t mlclf_text_count(const mlclf_text_params_t *p, const char *text,
    size_t len, void *scratch, mlclf_text_term_t *terms);

/*
 * The rest of the pipeline, in place on mlclf_text_count()'s terms.
 * Hashing: BINARY (every value 1, as sklearn fills data with 1, explicit
 * zeros included), hash_norm; then TfidfTransformer: SUBLINEAR_TF
 * (1 + ln v), idf multiply, norm.  Vocabulary: BINARY, SUBLINEAR_TF,
 * idf, norm.  sklearn's order and arithmetic: a norm divides by the sum
 * of |v| or by the square root of the sum of squares, adding in
 * column order, or in reverse column order after an idf multiply (the
 * order scipy's sparse product leaves); a row whose sum is 0 stays.
 */
void mlclf_text_weigh(const mlclf_text_params_t *p, mlclf_text_term_t *terms,
    size_t n);

/*
 * 1 if code point cp is a word character of Python's str regex \w
 * (str.isalnum() or "_": general category L* or N*), else 0.
 */
int mlclf_text_is_word(uint32_t cp);

/*
 * Calls fn(ctx, gram, len) for every n-gram of the text, in sklearn's
 * order: the n-grams of n = ngram_min first, each n in the order of
 * the text; the tokens of an n-gram joined by one space.  gram points
 * into scratch (mlclf_text_scratch_size() bytes, 8-byte aligned) and
 * is not NUL-terminated.  The trainer learns vocabularies with it.
 * Returns the number of n-grams, or -1 as mlclf_text_count() does.
 */
ptrdiff_t mlclf_text_ngrams(const mlclf_text_params_t *p, const char *text,
    size_t len, void *scratch, void (*fn)(void *ctx, const char *gram,
    size_t len), void *ctx);

/*
 * Python's str.lower() of a UTF-8 text: the full lowercase mapping of
 * Unicode without a language (U+0130 becomes "i" and U+0307), capital
 * sigma final (U+03C2) where Final_Sigma holds.  out holds
 * mlclf_text_lower_size(len) bytes.  Returns the length written, or -1
 * for a text that is not valid UTF-8 or longer than MLCLF_TEXT_MAX_LEN.
 */
ptrdiff_t mlclf_text_lower(const char *text, size_t len, char *out);

/*
 * The bytes str.lower() of a text of len bytes can take: len * 3 / 2
 * rounded up, and 8 more (no character's lowercase takes more than 3/2
 * of its bytes: tests/test_text_ref.c checks each one).
 */
size_t mlclf_text_lower_size(size_t len);


#endif /* _MLCLF_TEXT_H_INCLUDED_ */
