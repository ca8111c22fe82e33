
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * One mlclf-import run as a library call (mlclf_import_run.c): read the
 * source, parse it, publish the version; the CLI's main() only parses
 * the command line.
 */


#ifndef _MLCLF_IMPORT_RUN_H_INCLUDED_
#define _MLCLF_IMPORT_RUN_H_INCLUDED_


#include "mlclf_import.h"


/* Largest source file read: a 1000-tree model is a few MB. */
#define MLCLF_IMPORT_MAX_FILE  ((size_t) 1 << 30)


typedef struct {
    const char               *path;         /* FILE */
    const char               *registry;
    const char               *name;
    const char               *features;     /* --features or NULL */
    const char               *classes;      /* --classes or NULL */
    const char               *reference;    /* --reference or NULL */
    const char               *reference_label;  /* or NULL */
    mlclf_import_format_e     format;       /* UNKNOWN: detect */
    unsigned                  promote:1;
    unsigned                  json:1;
    int                       argc;         /* the command, for meta */
    char                    **argv;
} mlclf_import_opts_t;


/* "xgboost" -> MLCLF_IMPORT_XGBOOST, ...; UNKNOWN for anything else. */
mlclf_import_format_e mlclf_import_format_parse(const char *s);

/*
 * Runs the import; messages on stderr, the summary (or --json) on
 * stdout.  Returns an mlclf_import_exit_e.
 */
int mlclf_import_run(const mlclf_import_opts_t *o);

/*
 * Parses buf (len bytes, NUL after them) into im with the parser of
 * im->format, detected first if UNKNOWN.  MLCLF_OK, MLCLF_EINVAL (the
 * source's fault: err names file and place), MLCLF_ENOMEM.
 */
int mlclf_import_parse(mlclf_import_t *im, const char *buf, size_t len,
    mlclf_err_t *err);


/* The reference distributions of --reference (mlclf_import_reference.c) */
typedef struct {
    mlclf_file_drift_t       *drift;
    double                   *edges;
    uint32_t                  n_edges;
    double                   *shares;
    uint32_t                  n_shares;
    double                   *classes;      /* predicted, then prior */
} mlclf_import_ref_t;

/*
 * Reads the sample of the training data at path, scores it with the
 * model spec describes, and points spec at its reference (owned by
 * ref; label: the label column, or NULL for no label prior).
 * MLCLF_OK; MLCLF_EINVAL with "file:line:col: ..." for a CSV that
 * cannot make one (a feature's column missing, a field that is not a
 * number, an unknown label, no rows); MLCLF_EIO; MLCLF_ENOMEM.
 */
int mlclf_import_reference(mlclf_import_ref_t *ref, const char *path,
    const char *label, mlclf_spec_t *spec, mlclf_err_t *err);
void mlclf_import_ref_free(mlclf_import_ref_t *ref);


#endif /* _MLCLF_IMPORT_RUN_H_INCLUDED_ */
