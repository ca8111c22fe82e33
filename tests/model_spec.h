
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Model specs (mlclf_spec_t, for mlclf_write_buffer()) that several
 * tests build their fixtures from.
 */


#ifndef _MODEL_SPEC_H_INCLUDED_
#define _MODEL_SPEC_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf.h>


/*
 * A forest of two trees over the features "x", "y" and the classes "a",
 * "b", "c", every section a damage test can hit, and no version,
 * metadata or impute section (the caller adds them):
 *
 *   tree 0: x <= 0.5 ? row 0 : row 1
 *   tree 1: y <= -1.25 ? row 2 : (x <= 2 ? row 3 : row 4)
 *
 *   row 0 (1, 0, 0)  row 1 (0, 0.75, 0.25)  row 2 (0.5, 0.5, 0)
 *   row 3 (0, 0, 1)  row 4 (0.2, 0.3, 0.5)
 *
 * The arrays are static: they outlive any spec.
 */
void model_spec_forest(mlclf_spec_t *s);

/*
 * A gbt model over "x", "y" and "a", "b", "c": softmax of three outputs
 * with base (0.1, -0.2, 0.3), one tree per class, node decisions with
 * every missing rule:
 *
 *   tree 0 (a): x <= 0.5, missing left              ? 1.0 : -0.5
 *   tree 1 (b): y <= -1.25, |y| <= 1e-35 or missing right
 *                 ? 0.25 : (x <= 2, missing read as 0 ? 0.75 : -1.0)
 *   tree 2 (c): (float) y < 1.5f, missing left      ? 0.5 : -0.25
 */
void model_spec_gbt(mlclf_spec_t *s);

/*
 * A logistic regression over the features "x", "y" and the classes "a",
 * "b", "c": three outputs, an impute section (0, 1) and the metadata
 * {"name":"t"}.  The arrays are static, as above.
 */
void model_spec_logreg(mlclf_spec_t *s);

/*
 * What explanations need (format version 4), added to a spec that
 * model_spec_forest(), _gbt() or _logreg() made: node covers
 * (forest: 10 = 4 + 6, 12 = 5 + 7, 7 = 3 + 4; gbt the same, and tree
 * 2: 9 = 2 + 7) or column means (0.5, -1.5).
 */
void model_spec_explain(mlclf_spec_t *s);

/*
 * A model with raw inputs (format version 3) over the classes "ham",
 * "spam": logreg (one sigmoid output) or a forest of one tree, by
 * kind.  Its 17 columns come from five inputs:
 *
 *   n_links   number                                     column 0
 *   domain    category "", a.com, b.net, z.org; z.org and unknown
 *             strings share column 3; missing: empty     columns 1..3
 *   subject   hashing text, 8 features, 1-2 grams, idf,
 *             missing: empty                             columns 4..11
 *   tag       category x, y, unknown strings refused     columns 12..13
 *   body      vocabulary free, money, win, no idf        columns 14..16
 *
 * The forest's tree: column 15 (money) <= 0 ? (1, 0)
 * : (n_links <= 2.5 ? (0.25, 0.75) : (0, 1)).
 */
#define MODEL_SPEC_INPUTS_COLUMNS  17

void model_spec_inputs(mlclf_spec_t *s, mlclf_kind_e kind);

/*
 * Reference distributions (format version 5), added to a spec that
 * model_spec_forest(), _gbt(), _logreg() or _inputs() made.  Over "x"
 * and "y": x cut at 0.5 and 2 (shares 0.25, 0.25, 0.5, missing 0), y
 * at -1.25 (0.5, 0.4, missing 0.1); classes predicted (0.5, 0.25,
 * 0.25), label prior (0.4, 0.3, 0.3).  Over the five inputs:
 *
 *   n_links  cut at 1 and 2.5           0.2, 0.3, 0.4, missing 0.1
 *   domain   b.net, a.com, other        0.4, 0.3, 0.2, missing 0.1
 *   subject  length cut at 10 and 20    0.3, 0.3, 0.4, missing 0
 *   tag      x, other                   0.6, 0.4, missing 0
 *   body     length, no cut             1, missing 0
 *
 * classes predicted (0.7, 0.3), no label prior.
 */
void model_spec_drift(mlclf_spec_t *s);

/*
 * spec written by mlclf_write_buffer() into a calloc()ed buffer with
 * 64 bytes to spare, for damage that makes the file longer; *len gets
 * the file's length.  Bails out of the test if the writer refuses.
 */
uint8_t *model_spec_write(const mlclf_spec_t *spec, size_t *len);

/* model_spec_logreg(), _forest() or _gbt(), by kind, so written. */
uint8_t *model_spec_good(mlclf_kind_e kind, size_t *len);

/*
 * spec written by mlclf_write_buffer() into *buf (malloc()ed: it must
 * outlive the model) and loaded from there.  Bails out of the test if
 * the writer or the reader refuses.
 */
mlclf_model_t *model_spec_load(const mlclf_spec_t *spec, void **buf);


#endif /* _MODEL_SPEC_H_INCLUDED_ */
