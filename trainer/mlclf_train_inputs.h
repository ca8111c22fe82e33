
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: a configuration with category or text
 * features becomes a model with raw inputs (mlclf_format.h, version
 * 3).  What each input learns (a category's vocabulary, a text's idf
 * weights or terms) is fitted on the train rows only; then every row is
 * featurized by the core's own featurizer (mlclf_input.h) through a
 * model holding those inputs, so that the rows the trainer fits and
 * evaluates are the rows the server will compute.
 */


#ifndef _MLCLF_TRAIN_INPUTS_H_INCLUDED_
#define _MLCLF_TRAIN_INPUTS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_text.h>
#include <mlclf_train.h>
#include <mlclf_train_drift.h>


/*
 * The dense rows of a forest or a gbt are n_rows x columns doubles: at
 * most this many (2 GiB), else the run asks for fewer text features.
 */
#define MLCLF_TRAIN_INPUTS_MAX_CELLS  ((size_t) 1 << 28)


typedef struct {
    /* the model's input sections, for mlclf_train_inputs_spec() */
    uint32_t                  n_inputs;
    mlclf_file_input_t       *inputs;
    const char              **names;
    uint32_t                  n_values;
    uint8_t                  *value_bytes;
    uint32_t                 *value_offsets;
    uint32_t                 *value_columns;
    uint32_t                  n_texts;
    mlclf_file_text_t        *texts;
    uint64_t                  n_idf;
    double                   *idf;
    uint32_t                  n_columns;
    double                   *impute;       /* n_columns, or NULL */

    /* every row's terms: d->sp_ptr and d->sp_terms point here */
    size_t                   *ptr;
    mlclf_text_term_t        *terms;
} mlclf_train_inputs_t;


/* 1 if a feature of cf is a category or a text. */
int mlclf_train_inputs_wanted(const mlclf_train_config_t *cf);

/*
 * Fits the inputs on the train rows and featurizes every row of d: d
 * then has n_features = the model's columns, sp_ptr and sp_terms its
 * rows' terms, and x their dense expansion for a forest or a gbt (NULL
 * for logreg).  impute is the numbers' values for missing ones (by
 * feature), or NULL.  With dr not NULL, the category and text inputs'
 * reference distributions are made there from the train rows
 * (mlclf_train_drift_string()).  Errors: MLCLF_EINVAL with
 * "<file>:<line>:<col>:" when the data cannot make the inputs (a text
 * column empty in every train row, a category of the test rows that
 * unknown: error refuses, too many dense cells), MLCLF_ENOMEM.
 */
int mlclf_train_inputs_build(mlclf_train_inputs_t *in,
    const mlclf_train_config_t *cf, mlclf_train_data_t *d,
    const size_t *train, size_t n_train, const double *impute,
    mlclf_train_drift_t *dr, mlclf_err_t *err);

/* Sets spec's inputs, input names and column impute from in. */
void mlclf_train_inputs_spec(const mlclf_train_inputs_t *in,
    mlclf_spec_t *spec);

/* A per-column importance summed over each feature's columns. */
void mlclf_train_inputs_importance(const mlclf_train_inputs_t *in,
    const double *column, double *feature);

void mlclf_train_inputs_free(mlclf_train_inputs_t *in);


/* The build's state: the rows' strings, and the tables being filled. */
typedef struct {
    const mlclf_train_config_t   *cf;
    mlclf_train_data_t           *d;
    const size_t                 *train;
    size_t                        n_train;
    mlclf_train_inputs_t         *in;
    mlclf_err_t                  *err;

    /* string feature k's value in row r: slot[k] * n_rows + r */
    size_t                       *slot;         /* per feature, or -1 */
    size_t                        n_str;
    char                         *arena;
    size_t                        arena_len;
    size_t                        arena_cap;
    size_t                       *soff;
    size_t                       *slen;

    size_t                        values_cap;
    size_t                        bytes_cap;
    uint32_t                      bytes_len;
    size_t                        idf_cap;
} mlclf_ti_t;


/* A value of the table before it is sorted into place. */
typedef struct {
    const char                   *s;
    size_t                        len;
    uint32_t                      column;
} mlclf_ti_value_t;


#define mlclf_ti_str(t, k, r)                                                \
    ((t)->arena + (t)->soff[(t)->slot[k] * (t)->d->n_rows + (r)])
#define mlclf_ti_len(t, k, r)                                                \
    ((t)->slen[(t)->slot[k] * (t)->d->n_rows + (r)])


/* mlclf_train_inputs.c */
int mlclf_ti_values(mlclf_ti_t *t, mlclf_ti_value_t *v, size_t n, int sort);
double *mlclf_ti_idf_room(mlclf_ti_t *t, uint32_t n);
size_t mlclf_ti_column(const mlclf_ti_t *t, size_t k);

/* mlclf_train_inputs_text.c */
int mlclf_ti_text(mlclf_ti_t *t, size_t k, mlclf_file_input_t *fi);


#endif /* _MLCLF_TRAIN_INPUTS_H_INCLUDED_ */
