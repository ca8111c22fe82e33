
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


#endif /* _MLCLF_PREDICT_H_INCLUDED_ */
