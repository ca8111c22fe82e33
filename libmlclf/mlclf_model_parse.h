
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to libmlclf: the steps that verify a model file's bytes and
 * fill an mlclf_model_t, in the order mlclf_model_parse() runs them:
 * header and section table (mlclf_model_parse.c), names and labels
 * (mlclf_model_names.c), raw inputs (mlclf_model_inputs.c),
 * parameters and trees (mlclf_model_check.c),
 * node decisions and the gbt link (mlclf_model_check_gbt.c), means
 * and covers (mlclf_model_check_cover.c), reference distributions
 * (mlclf_model_check_drift.c).
 * Each returns MLCLF_OK or an MLCLF_E* code with err set.
 */


#ifndef _MLCLF_MODEL_PARSE_H_INCLUDED_
#define _MLCLF_MODEL_PARSE_H_INCLUDED_


#include "mlclf.h"
#include "mlclf_format.h"
#include "mlclf_model.h"


#define MLCLF_SLOTS  64             /* section types 0..63 */
#define MLCLF_NONE   UINT32_MAX


typedef unsigned long long  mlclf_ull_t;


/* Where each section type sits in the table, during verification. */
typedef struct {
    uint32_t                  index[MLCLF_SLOTS];   /* table entry or NONE */
    mlclf_file_section_t      sec[MLCLF_SLOTS];
} mlclf_sections_t;


/* mlclf_model.c */
int mlclf_model_parse(mlclf_model_t *m, const uint8_t *p, size_t len,
    mlclf_err_t *err);
void mlclf_model_free(mlclf_model_t *m);

/* mlclf_model_parse.c */
const char *mlclf_model_section_name(uint32_t type);
int mlclf_model_parse_header(const uint8_t *p, size_t len,
    mlclf_file_header_t *h, mlclf_err_t *err);
int mlclf_model_parse_table(const uint8_t *p, const mlclf_file_header_t *h,
    mlclf_sections_t *s, mlclf_err_t *err);
int mlclf_model_parse_counts(mlclf_model_t *m, const uint8_t *p,
    mlclf_sections_t *s, mlclf_err_t *err);
int mlclf_model_parse_metadata(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, mlclf_err_t *err);

/* mlclf_model_names.c */
int mlclf_model_names_alloc(mlclf_model_t *m, mlclf_err_t *err);
int mlclf_model_names_parse(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, uint32_t type, mlclf_err_t *err);

/* mlclf_model_inputs.c */
int mlclf_model_check_inputs(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, mlclf_err_t *err);

/* mlclf_model_check.c */
int mlclf_model_check_params(const mlclf_model_t *m,
    const mlclf_sections_t *s, mlclf_err_t *err);
int mlclf_model_check_leaves(const mlclf_model_t *m,
    const mlclf_sections_t *s, mlclf_err_t *err);
int mlclf_model_check_trees(mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err);

/* mlclf_model_pack.c */
int mlclf_model_pack(mlclf_model_t *m, mlclf_err_t *err);
void mlclf_model_unpack(mlclf_model_t *m);

/* mlclf_model_dense.c */
int mlclf_model_dense(mlclf_model_t *m, mlclf_err_t *err);
void mlclf_model_undense(mlclf_model_t *m);

/*
 * mlclf_explain.c: a logreg's sums of w * mean by input, the base of
 * explanations by input (explain_base), or a tree model's quadrature
 * rules (explain_gl); nothing without LINEAR_MEAN or NODE_COVER.
 * After mlclf_model_pack() (the trees' depths).  Freed by
 * mlclf_model_free().
 */
int mlclf_explain_prepare(mlclf_model_t *m, mlclf_err_t *err);

/* mlclf_model_check_gbt.c */
int mlclf_model_check_decisions(mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err);
int mlclf_model_check_gbt(const mlclf_model_t *m, const mlclf_sections_t *s,
    mlclf_err_t *err);

/* mlclf_model_check_cover.c */
int mlclf_model_check_cover(const mlclf_model_t *m,
    const mlclf_sections_t *s, mlclf_err_t *err);

/* mlclf_model_check_drift.c */
int mlclf_model_check_drift(mlclf_model_t *m, const uint8_t *p,
    const mlclf_sections_t *s, mlclf_err_t *err);


#endif /* _MLCLF_MODEL_PARSE_H_INCLUDED_ */
