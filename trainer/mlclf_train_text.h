
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: what a text feature learns from the training
 * documents, as scikit-learn 1.2.1 does.  Hashing: the document
 * frequency of each column and the smoothed idf (TfidfTransformer.fit
 * on HashingVectorizer's output).  Vocabulary: CountVectorizer.fit's
 * terms (min_df, max_df, max_features), sorted, and their idf
 * (TfidfVectorizer.fit).  The documents are featurized by the core
 * (mlclf_text.h), so training and serving see the same n-grams.
 */


#ifndef _MLCLF_TRAIN_TEXT_H_INCLUDED_
#define _MLCLF_TRAIN_TEXT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>
#include <mlclf_strtab.h>
#include <mlclf_text.h>
#include <mlclf_train.h>


/* The most documents one learner counts (df fits in 32 bits). */
#define MLCLF_TRAIN_TEXT_MAX_DOCS  ((uint64_t) UINT32_MAX - 1)


/*
 * mlclf_text_count() with buffers that grow: a zeroed one is empty and
 * may be freed.
 */
typedef struct {
    void                     *scratch;
    size_t                    scratch_size;
    mlclf_text_term_t        *terms;
    size_t                    terms_cap;
} mlclf_train_text_buf_t;

/*
 * The raw counts of one text (mlclf_text_count()) into b->terms, their
 * number into *n.  Returns MLCLF_OK, MLCLF_EINVAL for a text that is
 * not valid UTF-8 or too long ("not valid UTF-8"), or MLCLF_ENOMEM.
 */
int mlclf_train_text_count(mlclf_train_text_buf_t *b,
    const mlclf_text_params_t *p, const char *text, size_t len, size_t *n,
    mlclf_err_t *err);

void mlclf_train_text_buf_free(mlclf_train_text_buf_t *b);


/*
 * TfidfTransformer's smoothed idf: ln((1 + n_docs) / (1 + df[i])) + 1
 * into idf[i], the quotient taken in double first, as numpy does.
 */
void mlclf_train_text_idf(const uint32_t *df, size_t n, uint64_t n_docs,
    double *idf);


/*
 * Document frequencies of the columns of n_features, counted on each
 * document's mlclf_text_count() terms: a column counts once per
 * document that has it, with any value, 0 too (the explicit zero of
 * alternate signs that cancel, which sklearn's df counts).
 */
typedef struct {
    uint32_t                  n_features;
    uint32_t                 *df;           /* n_features */
    uint64_t                  n_docs;
} mlclf_train_text_df_t;

/* Returns MLCLF_OK or MLCLF_ENOMEM; a zeroed one may be freed. */
int mlclf_train_text_df_init(mlclf_train_text_df_t *d, uint32_t n_features);

/*
 * One document's terms (columns distinct, below n_features).  Returns
 * MLCLF_OK, or MLCLF_EINVAL past MLCLF_TRAIN_TEXT_MAX_DOCS documents.
 */
int mlclf_train_text_df_add(mlclf_train_text_df_t *d,
    const mlclf_text_term_t *terms, size_t n, mlclf_err_t *err);

void mlclf_train_text_df_free(mlclf_train_text_df_t *d);


/*
 * CountVectorizer's limits, min_df and max_df as sklearn takes them (a
 * count of documents, or a share of them in [0, 1]: 1 and 1.0 differ),
 * as the training configuration holds them (mlclf_train_text_t).
 */
typedef struct {
    mlclf_train_freq_t        min_df;       /* NONE: sklearn's count 1 */
    mlclf_train_freq_t        max_df;       /* NONE: sklearn's share 1.0 */
    uint32_t                  max_features; /* 0: no limit */
} mlclf_train_text_limits_t;


/* one term seen in the documents */
typedef struct {
    const char               *text;         /* in the learner's blocks */
    uint32_t                  len;
    uint32_t                  df;           /* documents with it */
    uint32_t                  last;         /* 1 + the last such doc */
    uint64_t                  tf;           /* occurrences in them all */
} mlclf_train_text_term_t;

typedef struct mlclf_train_text_block_s  mlclf_train_text_block_t;

/* CountVectorizer.fit, one document at a time; a zeroed one is empty */
typedef struct {
    mlclf_text_params_t       params;       /* lowercase, n-gram range,
                                               binary */
    mlclf_strtab_t            index;        /* term -> terms[] */
    mlclf_train_text_term_t  *terms;
    size_t                    n_terms;
    size_t                    terms_cap;
    mlclf_train_text_block_t *blocks;       /* the terms' bytes */
    void                     *scratch;
    size_t                    scratch_size;
    uint64_t                  n_docs;
    int                       rc;           /* a failure in a callback */
} mlclf_train_text_vocab_t;

/* The learned vocabulary, malloc()ed: mlclf_train_text_result_free(). */
typedef struct {
    char                     *vocab;        /* mlclf_text_params_t's */
    uint32_t                 *offsets;      /* n + 1 */
    uint32_t                 *df;           /* n */
    uint32_t                  n;
    uint64_t                  n_docs;
    size_t                    n_seen;       /* terms before the limits */
} mlclf_train_text_result_t;


/*
 * Starts a learner for the analyzer of p: its flags (LOWERCASE, BINARY)
 * and n-gram range; the rest of p is not used.  Returns MLCLF_OK or
 * MLCLF_ENOMEM.
 */
int mlclf_train_text_vocab_init(mlclf_train_text_vocab_t *v,
    const mlclf_text_params_t *p);

/*
 * Counts the n-grams of one document.  Returns MLCLF_OK, MLCLF_EINVAL
 * (not valid UTF-8, or too many documents), or MLCLF_ENOMEM.
 */
int mlclf_train_text_vocab_add(mlclf_train_text_vocab_t *v, const char *text,
    size_t len, mlclf_err_t *err);

/*
 * The vocabulary after sklearn's limits: a term stays if its df is at
 * most max_df's count (the count, or share * n_docs, in double, for a
 * share) and at least min_df's; then, if more than max_features stay, the
 * max_features with the highest count over all documents (under
 * BINARY, the df), ties going to the term first in bytewise order
 * (sklearn's argsort of the counts does not say which); then sorted.
 * Returns MLCLF_OK, MLCLF_EINVAL (no term at all, none left, max_df
 * below min_df, a bad bound, a vocabulary of 2^32 terms or bytes or
 * more), or MLCLF_ENOMEM.  The learner stays usable.
 */
int mlclf_train_text_vocab_finish(mlclf_train_text_vocab_t *v,
    const mlclf_train_text_limits_t *lim, mlclf_train_text_result_t *r,
    mlclf_err_t *err);

void mlclf_train_text_vocab_free(mlclf_train_text_vocab_t *v);
void mlclf_train_text_result_free(mlclf_train_text_result_t *r);


#endif /* _MLCLF_TRAIN_TEXT_H_INCLUDED_ */
