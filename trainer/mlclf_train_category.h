
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: the vocabulary of a category column, learned
 * as scikit-learn 1.2.1's OneHotEncoder.fit learns one column of
 * strings (min_frequency, max_categories, handle_unknown), and the
 * one-hot column each value then goes to.
 */


#ifndef _MLCLF_TRAIN_CATEGORY_H_INCLUDED_
#define _MLCLF_TRAIN_CATEGORY_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>
#include <mlclf_train.h>


/* mlclf_train_category_column(): a value that sets no column */
#define MLCLF_TRAIN_CATEGORY_NONE   ((size_t) -1)

/* mlclf_train_category_column(): an unseen value, unknown: error */
#define MLCLF_TRAIN_CATEGORY_ERROR  ((size_t) -2)


typedef struct {
    const char               *value;    /* in the vocabulary's store,
                                           a NUL after its len bytes */
    size_t                    len;
    uint64_t                  count;    /* rows with it in the fit */
} mlclf_train_category_value_t;


/*
 * The columns are the kept categories in their order, then, if any
 * category is infrequent, one column for all of them (scikit-learn's
 * "infrequent_sklearn", always last).  Both lists are sorted as Python
 * sorts str: by code point, which for UTF-8 is memcmp() order, a prefix
 * before what it starts.
 */
typedef struct {
    mlclf_train_category_value_t  *kept;        /* n_kept */
    size_t                         n_kept;
    mlclf_train_category_value_t  *infrequent;  /* n_infrequent, in the
                                                   allocation of kept */
    size_t                         n_infrequent;
    size_t                         n_columns;   /* n_kept, + 1 with any
                                                   infrequent */
    size_t                         n_rows;      /* values fitted */
    mlclf_train_unknown_e          unknown;
    char                          *store;       /* every value's bytes */
} mlclf_train_category_t;


/*
 * Learns the vocabulary of the n values (values[i] has lens[i] bytes,
 * which may hold NULs; lens NULL: each is NUL-terminated) into cat,
 * which owns copies of them.  conf as the training YAML gives it, with
 * scikit-learn's meaning for any value: min_frequency a count (>= 1) or
 * a share in (0, 1); max_categories 0 for none, 1 limiting nothing (as
 * in scikit-learn), else the columns the infrequent one included.
 *
 * A value is infrequent when its count is below min_frequency (a
 * share: below n times it, a product in double, as numpy computes it).
 * Then, if max_categories is less than the kept categories plus one,
 * only the max_categories - 1 most frequent stay kept: the categories
 * are ordered by count, ties by their sorted order (numpy's stable
 * argsort), and all but the last max_categories - 1 are infrequent;
 * among equal counts the ones that sort first go.
 *
 * MLCLF_OK; MLCLF_EINVAL (no values, or conf out of range) or
 * MLCLF_ENOMEM, with cat empty.  cat need not be initialised.
 */
int mlclf_train_category_fit(mlclf_train_category_t *cat,
    const mlclf_train_category_conf_t *conf, const char *const *values,
    const size_t *lens, size_t n, mlclf_err_t *err);

/*
 * The column of value (len bytes): its index among the kept ones, or
 * n_kept for an infrequent one.  A value not seen in the fit: n_kept
 * when unknown is infrequent and there is an infrequent column,
 * MLCLF_TRAIN_CATEGORY_ERROR with unknown error, otherwise
 * MLCLF_TRAIN_CATEGORY_NONE (no column: scikit-learn's row of zeros).
 */
size_t mlclf_train_category_column(const mlclf_train_category_t *cat,
    const char *value, size_t len);

/* Frees what cat holds and empties it; an empty cat is fine. */
void mlclf_train_category_free(mlclf_train_category_t *cat);


#endif /* _MLCLF_TRAIN_CATEGORY_H_INCLUDED_ */
