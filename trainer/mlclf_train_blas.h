
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The trainer's only door to OpenBLAS: every dense-algebra call goes
 * through <cblas.h> included here, so swapping the BLAS means editing
 * this header and the Makefile's LIBS, nothing else.
 */


#ifndef _MLCLF_TRAIN_BLAS_H_INCLUDED_
#define _MLCLF_TRAIN_BLAS_H_INCLUDED_


#include <cblas.h>


/*
 * OpenBLAS's own thread pool.  The learners split rows over their own
 * threads and want each BLAS call single-threaded inside them; these
 * wrappers keep the OpenBLAS-specific names out of the learners.
 */
static inline int
mlclf_train_blas_threads(void)
{
    return openblas_get_num_threads();
}


static inline void
mlclf_train_blas_set_threads(int n)
{
    openblas_set_num_threads(n);
}


#endif /* _MLCLF_TRAIN_BLAS_H_INCLUDED_ */
