
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Text features in the tests: the settings of tests/ref/text_vectors.py
 * (one line: a name and key=value words), a text feature fit on
 * documents with the trainer's code, each document's weighed vector,
 * and test_text's debug mode --vectors, which tests/ref/text_vectors.py
 * --csv drives (docs/text-features.md, Checking a corpus).
 */


#ifndef _TEXT_REF_H_INCLUDED_
#define _TEXT_REF_H_INCLUDED_


#include <stddef.h>
#include <mlclf.h>
#include <mlclf_text.h>
#include <mlclf_train_text.h>


/* documents, each ended by a NUL in one buffer */
typedef struct {
    char                     *data;
    const char              **doc;
    size_t                   *len;
    size_t                    n;
} text_docs_t;


/* a setting: sklearn's parameters as mlclf takes them */
typedef struct {
    char                      name[64];
    mlclf_text_params_t       p;            /* no idf, no vocabulary */
    int                       use_idf;
    mlclf_train_text_limits_t lim;
} text_spec_t;


/* a setting fit on documents */
typedef struct {
    text_spec_t               spec;
    mlclf_text_params_t       p;            /* with idf and vocabulary */
    double                   *idf;
    mlclf_train_text_df_t     df;           /* hashing */
    mlclf_train_text_result_t vocab;        /* vocabulary */
    mlclf_text_slot_t        *index;        /* its lookup index, as a
                                               loaded model has it */
    mlclf_train_text_buf_t    buf;
} text_model_t;


/*
 * The documents of data[0 .. len), which the set takes over (malloc()ed,
 * with a NUL after len): each ends at a NUL, a last one without is one
 * too.  0, or -1 out of memory.
 */
int text_docs_split(text_docs_t *d, char *data, size_t len);
void text_docs_free(text_docs_t *d);

/* 0, or -1 with a message in err (an unknown key, a bad value). */
int text_spec_parse(text_spec_t *s, const char *line, mlclf_err_t *err);

/*
 * Learns what s needs from the documents: df and idf (hashing with
 * use_idf), or the vocabulary and its idf, as sklearn's fit does; then
 * checks the parameters.  MLCLF_OK, or an error with err.
 */
int text_model_fit(text_model_t *m, const text_spec_t *s,
    const text_docs_t *d, mlclf_err_t *err);
void text_model_free(text_model_t *m);

/*
 * The weighed vector of a text, in m->buf.terms: its number of terms,
 * or -1 (not valid UTF-8).
 */
ptrdiff_t text_model_vector(text_model_t *m, const char *text, size_t len);

/* the n-grams of mlclf_text_ngrams(), each ended by "\n" */
typedef struct {
    char                     *text;         /* NULL while empty */
    size_t                    len;
    size_t                    cap;
    size_t                    n;
} text_grams_t;

/* mlclf_text_ngrams()'s callback: ctx is a text_grams_t (zeroed first) */
void text_grams_add(void *ctx, const char *gram, size_t len);

/*
 * test_text --vectors SPEC: documents from stdin (NUL-ended), fit, and
 * "term COL TEXT", "idf default V", "idf COL V", "doc I N COL:V ..."
 * lines on stdout.  Returns the exit code.
 */
int text_vectors_main(int argc, char **argv);


#endif /* _TEXT_REF_H_INCLUDED_ */
