
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: the tree kernels (mlclf_predict_trees.c) that
 * mlclf_predict_proba() (mlclf_predict.c) calls.
 */


#ifndef _MLCLF_PREDICT_H_INCLUDED_
#define _MLCLF_PREDICT_H_INCLUDED_


#include "mlclf_model.h"


/* The forest's class probabilities, proba[n_classes]. */
void mlclf_predict_forest(const mlclf_model_t *m, const double *x,
    double *proba);

/* A gbt model's scores z[n_outputs] (before the link), finite. */
void mlclf_predict_gbt(const mlclf_model_t *m, const double *x, double *z);

/*
 * mlclf_predict_dense.c, for a model with the dense layout and a row
 * with no missing value: 1 if this CPU runs the dense kernel (AVX-512F
 * and BW); the row's bins (MLCLF_DENSE_FEATURES of them); and the
 * leaves of trees t .. t+c-1, c at most MLCLF_DENSE_CHUNK, into
 * n[MLCLF_DENSE_CHUNK], each twice the place of the score in dleaf.
 */
#define MLCLF_DENSE_CHUNK  128

int mlclf_predict_dense_cpu(void);
void mlclf_predict_dense_bins(const mlclf_model_t *m, const double *x,
    int16_t *bin);
void mlclf_predict_dense_leaves(const mlclf_model_t *m, const int16_t *bin,
    uint32_t t, uint32_t c, uint32_t *n);


#endif /* _MLCLF_PREDICT_H_INCLUDED_ */
