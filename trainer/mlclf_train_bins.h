
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: each feature quantised once into at most
 * n_bins bins, for the tree learners (forest, gbt).
 *
 * The edges e_0 < e_1 < ... of a feature come from the rows it is fit
 * on: bin(x) is the number of edges below x, so "bin <= b" and
 * "x <= e_b" are the same test on any finite x, and a model stores e_b
 * as the threshold of a split after bin b: training and serving agree
 * on every row.  A missing value (NaN) gets bin MLCLF_TRAIN_BIN_MISSING,
 * which no finite value has when n_bins is at most 255.
 */


#ifndef _MLCLF_TRAIN_BINS_H_INCLUDED_
#define _MLCLF_TRAIN_BINS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf_train.h>


#define MLCLF_TRAIN_BIN_MISSING  255


typedef struct {
    size_t                    n;            /* rows binned */
    size_t                    p;
    uint32_t                  n_bins;       /* finite bins, at most */
    uint8_t                  *bins;         /* n x p, row-major, and 8
                                               bytes more */
    double                   *edges;        /* p x 256, +inf padded */
    uint32_t                 *n_edges;      /* p */
} mlclf_train_bins_t;


/*
 * Quantises the features of d over rows[0..n_fit) (the edges come from
 * up to 200,000 of them, drawn with seed when there are more) and bins
 * rows[0..n) into b->bins, row i of b being rows[i].  n_bins is 2..256.
 * n_threads workers; the result does not depend on their number.
 * Returns MLCLF_OK or MLCLF_ENOMEM (then b holds nothing).
 */
int mlclf_train_bins_build(mlclf_train_bins_t *b, const mlclf_train_data_t *d,
    const size_t *rows, size_t n_fit, size_t n, uint32_t n_bins,
    uint64_t seed, size_t n_threads);

void mlclf_train_bins_free(mlclf_train_bins_t *b);


#endif /* _MLCLF_TRAIN_BINS_H_INCLUDED_ */
