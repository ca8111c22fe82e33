
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the importer tests share (import_check.c): rows and expected
 * probabilities from the reference scripts' CSV files, a source model
 * imported and loaded as NGINX would serve it, and the comparison of
 * its answers with the source library's.
 */


#ifndef _MLCLF_IMPORT_CHECK_H_INCLUDED_
#define _MLCLF_IMPORT_CHECK_H_INCLUDED_


#include <stddef.h>
#include <mlclf.h>
#include <mlclf_import.h>


/*
 * A CSV of numbers with a header line into a malloc()ed row-major
 * matrix *v (*rows x *cols); an empty field is NaN.  0, or -1 with a
 * TAP diagnostic.
 */
int import_csv_read(const char *path, double **v, size_t *rows,
    size_t *cols);

/*
 * Imports path as format (UNKNOWN: detected) the way mlclf-import does
 * (parse, default names, spec, mlclf_write_buffer()) and loads the
 * bytes with mlclf_model_load(); *buf owns them (free after closing the
 * model).  NULL with a TAP diagnostic on failure.
 */
mlclf_model_t *import_load(const char *path, mlclf_import_format_e format,
    void **buf);

/*
 * Runs mlclf_predict_proba() on each of rows rows of x and compares
 * with want (rows x n_classes): the number of rows whose probabilities
 * differ by more than tol, or whose class differs where want's top two
 * are more than tol apart.  *max_diff gets the largest difference.
 * The first few mismatches are printed as TAP diagnostics.
 */
size_t import_compare(const mlclf_model_t *m, const double *x,
    const double *want, size_t rows, double tol, double *max_diff);

/*
 * Imports path (as import_load() does, without loading) and returns
 * the importer's error code, with its message in err: for the tests of
 * bad source files.
 */
int import_refuse(const char *path, mlclf_import_format_e format,
    mlclf_err_t *err);


#endif /* _MLCLF_IMPORT_CHECK_H_INCLUDED_ */
