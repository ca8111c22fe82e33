
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Raw inputs (mlclf_format.h, version 3): what a model's inputs are,
 * and the featurizer that turns one input's value into the terms
 * (column, value) of a row, shared by the request parser, the trainer
 * and the tests, so that training and serving compute the same row.
 */


#ifndef _MLCLF_INPUT_H_INCLUDED_
#define _MLCLF_INPUT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "mlclf.h"
#include "mlclf_format.h"
#include "mlclf_text.h"


/* Inputs: n_features number inputs for a model without INPUTS. */
uint32_t mlclf_model_n_inputs(const mlclf_model_t *m);

/* MLCLF_INPUT_NUMBER, _CATEGORY or _TEXT; i < mlclf_model_n_inputs(). */
uint32_t mlclf_model_input_type(const mlclf_model_t *m, uint32_t i);

/* The input's MLCLF_UNKNOWN_* and MLCLF_INPUT_MISSING_EMPTY flags. */
uint32_t mlclf_model_input_flags(const mlclf_model_t *m, uint32_t i);

/* A text input's parameters, or NULL for another type. */
const mlclf_text_params_t *mlclf_model_input_text(const mlclf_model_t *m,
    uint32_t i);

/* 1 if the model has INPUTS: its rows are read as terms. */
int mlclf_model_has_inputs(const mlclf_model_t *m);


/*
 * The index in the value table of category input i's value s (len
 * bytes), or -1 if s is none of its values.
 */
int64_t mlclf_input_value(const mlclf_model_t *m, uint32_t i, const char *s,
    size_t len);

/*
 * Category input i's term for the string s (len bytes): *t is its
 * column, with value 1.  Returns 1, or 0 when s is unknown and the
 * model ignores unknown strings (no term), or -1 when it refuses them.
 */
int mlclf_input_category(const mlclf_model_t *m, uint32_t i, const char *s,
    size_t len, mlclf_text_term_t *t);

/*
 * Text input i's terms for the text s (len bytes), weighed, with the
 * model's columns, sorted.  terms has room for
 * mlclf_input_text_terms(m, i, len), scratch is
 * mlclf_input_text_scratch(m, i, len) bytes (8-aligned).  Returns the
 * number of terms, or -1 if s is not valid UTF-8.  Allocates nothing.
 */
ptrdiff_t mlclf_input_text(const mlclf_model_t *m, uint32_t i,
    const char *s, size_t len, void *scratch, mlclf_text_term_t *terms);
size_t mlclf_input_text_terms(const mlclf_model_t *m, uint32_t i,
    size_t len);
size_t mlclf_input_text_scratch(const mlclf_model_t *m, uint32_t i,
    size_t len);

/* The first column of input i. */
uint32_t mlclf_input_column(const mlclf_model_t *m, uint32_t i);


/*
 * Class probabilities for the row whose nonzero columns are terms[n]
 * (sorted by column, each column once; a missing number is NaN when
 * the model routes missing values): the other columns are 0.  x is
 * n_features doubles, all 0, for a forest or gbt (left all 0 on
 * return), unused for logreg (NULL is fine).  Allocates nothing; the
 * trainer evaluates through it, so served and evaluated
 * probabilities are the same bits.  Returns the most probable class.
 */
uint32_t mlclf_predict_terms(const mlclf_model_t *m,
    const mlclf_text_term_t *terms, size_t n, double *x, double *proba);


/*
 * mlclf_explain() by input, for the row mlclf_predict_terms() takes
 * (terms, n and x as there; mlclf_explain_ready() must be MLCLF_OK):
 * phi[n_outputs][n_inputs + 1], phi[k][i] input i's contribution to
 * output k's margin, the sum of its columns' (a category's one-hot
 * columns, a text's terms: Shapley values add up), phi[k][n_inputs]
 * the base.  Without INPUTS the inputs are the columns.  logreg costs
 * the row's terms, not its columns (the sums of w * mean by input are
 * made at load); trees add each column's share straight into its
 * input.  scratch as mlclf_explain()'s.  Allocates nothing.
 */
void mlclf_explain_terms(const mlclf_model_t *m,
    const mlclf_text_term_t *terms, size_t n, double *x, double *phi,
    double *scratch);


#endif /* _MLCLF_INPUT_H_INCLUDED_ */
