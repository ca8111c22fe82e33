
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
 * with no missing value, or with one (missing) and the model's dmword:
 * 1 if this CPU runs the dense kernel (AVX-512F and BW); the row's bins
 * (MLCLF_DENSE_FEATURES of them, each shifted as a node word's rank
 * is, so that a bin above a word is a bin above its rank); and the
 * leaves of trees t .. t+c-1, c at most MLCLF_DENSE_CHUNK, into
 * n[MLCLF_DENSE_CHUNK], each twice the place of the score in dleaf,
 * adding s's leaves on the way: those left from before, and when s
 * sums, these as they are found, all but the last few, which s is
 * left with.
 */
#define MLCLF_DENSE_CHUNK  128

/*
 * A binary gbt's sum of scores in tree order, carried through the
 * search for the next trees' leaves: left leaves n[] still to add
 * from lv, a few between the levels of that search, so the adds (one
 * after another) and the search run side by side.  sums: the leaves
 * found are added so (a binary model's), else s only names the scores.
 */
typedef struct {
    const double    *lv;           /* the scores, */
    const float     *lvf;          /* or these, if not NULL */
    const uint32_t  *n;
    uint32_t         left;
    int              sums;
    int              f32;
    float            zf;
    double           zd;
} mlclf_gbt_sum_t;

/*
 * Keeps a loop scalar: the leaves' loads one by one, which is faster
 * than the gathers the compiler would vectorize them into.
 */
#define mlclf_predict_scalar(v)  __asm__ ("" : "+r" (v))

/*
 * The score at twice its place n (even) in lv: its byte offset, n
 * times half the score's size, which an x86 load takes as it is.
 */
#define mlclf_predict_score(lv, n)                                           \
    (*(const __typeof__(*(lv)) *) ((const char *) (lv)                        \
                                   + (size_t) (n) * (sizeof(*(lv)) / 2)))

/*
 * The next k (at most) of s's leaves added to its sum, in order; in
 * float32 when the model sums as XGBoost does (each float32 sum of
 * floats rounded once, as XGBoost's own).  The loops unrolled: a
 * count and a branch for each add took a row of 500 trees 2 % longer.
 */
static inline __attribute__((always_inline)) void
mlclf_predict_sum_add(mlclf_gbt_sum_t *s, uint32_t k)
{
    float            zf;
    double           zd;
    uint32_t         i;
    uint64_t         j;             /* no zero extension before a load */
    const double    *lv;
    const uint32_t  *n;

    k = k < s->left ? k : s->left;

    /* none left: n may be NULL (no sum yet, or a multiclass model's) */
    if (k == 0) {
        return;
    }

    lv = s->lv;
    n = s->n;

    if (s->lvf != NULL) {
        zf = s->zf;

#pragma GCC unroll 8
        for (i = 0; i < k; i++) {
            j = n[i];
            mlclf_predict_scalar(j);
            zf += mlclf_predict_score(s->lvf, j);
        }

        s->zf = zf;

    } else if (s->f32) {
        zf = s->zf;

#pragma GCC unroll 8
        for (i = 0; i < k; i++) {
            j = n[i];
            mlclf_predict_scalar(j);
            zf += (float) mlclf_predict_score(lv, j);
        }

        s->zf = zf;

    } else {
        zd = s->zd;

#pragma GCC unroll 8
        for (i = 0; i < k; i++) {
            j = n[i];
            mlclf_predict_scalar(j);
            zd += mlclf_predict_score(lv, j);
        }

        s->zd = zd;
    }

    s->n = n + k;
    s->left -= k;
}

/*
 * The leaves left in s added, then, when s sums, the c leaves at n its
 * next: to be added while the trees after them are searched.
 */
static inline __attribute__((always_inline)) void
mlclf_predict_sum_next(mlclf_gbt_sum_t *s, const uint32_t *n, uint32_t c)
{
    mlclf_predict_sum_add(s, s->left);

    if (s->sums) {
        s->n = n;
        s->left = c;
    }
}

int mlclf_predict_dense_cpu(void);
int mlclf_predict_dense_vbmi(void);
void mlclf_predict_dense_bins(const mlclf_model_t *m, const double *x,
    int missing, uint16_t *bin);
void mlclf_predict_dense_leaves(const mlclf_model_t *m, const uint16_t *bin,
    uint32_t t, uint32_t c, int missing, uint32_t *n, mlclf_gbt_sum_t *s);


#endif /* _MLCLF_PREDICT_H_INCLUDED_ */
