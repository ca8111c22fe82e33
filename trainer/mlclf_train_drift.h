
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: the reference distributions of a model
 * (mlclf_format.h, version 5; docs/monitoring.md), made from the train
 * split: each input's bins and their shares, then the shares of the
 * classes the trained model predicts on those rows and of their labels.
 */


#ifndef _MLCLF_TRAIN_DRIFT_H_INCLUDED_
#define _MLCLF_TRAIN_DRIFT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_train.h>


/* cut points of a number or a text length: the deciles, deduplicated */
#define MLCLF_TRAIN_DRIFT_CUTS        MLCLF_DRIFT_MAX_CUTS

/* value bins of a category: its most frequent train values */
#define MLCLF_TRAIN_DRIFT_CATEGORIES  10


/*
 * Input k's bins are made into slots of their own (k * the most each
 * can have), in whatever order the inputs are seen, and packed in input
 * order by mlclf_train_drift_spec().
 */
typedef struct {
    uint32_t                  n_inputs;
    mlclf_file_drift_t       *drift;        /* n_inputs */
    double                   *cuts;         /* per input, 9 */
    uint32_t                 *values;       /* per input, 10 */
    double                   *slot_shares;  /* per input, 16 */

    /* packed, for the spec */
    double                   *edges;
    uint32_t                  n_edges;
    uint32_t                  n_values;
    uint32_t                 *packed_values;
    double                   *shares;
    uint32_t                  n_shares;
    double                   *class_shares; /* 2 * n_classes */
} mlclf_train_drift_t;


/*
 * The number inputs of d's n_features features (or columns, without
 * inputs) from the train rows, before any imputation: a NaN is the
 * missing bin.  Category and text inputs are left for
 * mlclf_train_drift_string().  MLCLF_OK or MLCLF_ENOMEM.
 */
int mlclf_train_drift_numbers(mlclf_train_drift_t *dr,
    const mlclf_train_config_t *cf, const mlclf_train_data_t *d,
    const size_t *train, size_t n_train, mlclf_err_t *err);

/*
 * Category or text input k of m from its value in each train row:
 * s[i], len[i] (s[i] NULL: missing), i < n_train.  MLCLF_OK or
 * MLCLF_ENOMEM.
 */
int mlclf_train_drift_string(mlclf_train_drift_t *dr,
    const mlclf_model_t *m, uint32_t k, const char *const *s,
    const size_t *len, size_t n_train, mlclf_err_t *err);

/*
 * Packs the inputs' bins, takes the class shares from the trained
 * model's confusion matrix on the train rows, and points spec at them.
 * MLCLF_OK or MLCLF_ENOMEM.
 */
int mlclf_train_drift_spec(mlclf_train_drift_t *dr,
    const mlclf_train_metrics_t *train, mlclf_spec_t *spec,
    mlclf_err_t *err);

void mlclf_train_drift_free(mlclf_train_drift_t *dr);


#endif /* _MLCLF_TRAIN_DRIFT_H_INCLUDED_ */
