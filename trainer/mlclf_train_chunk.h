
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: the pieces of a CSV body that the data loader
 * (mlclf_train_data.c) hands to its threads, and their parser.
 */


#ifndef _MLCLF_TRAIN_CHUNK_H_INCLUDED_
#define _MLCLF_TRAIN_CHUNK_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <mlclf_train.h>
#include <mlclf_train_labels.h>


/* distinct labels in a data set, checked per chunk and once merged */
#define MLCLF_TRAIN_CHUNK_MAX_CLASSES  1024

/* column roles besides feature indices (>= 0) */
#define MLCLF_TRAIN_CHUNK_IGNORE       -1
#define MLCLF_TRAIN_CHUNK_LABEL        -2


/* what every chunk of one file shares; the arrays hold every row */
typedef struct {
    const mlclf_train_config_t  *cf;
    const char                  *path;
    const char                  *text;
    const char                  *text_end;
    unsigned                     mapped:1;  /* text: fetch, release */
    const int32_t               *roles;     /* per header column */
    size_t                       n_cols;
    size_t                       label_col;
    const mlclf_train_labels_t  *classes;   /* configured, or NULL */
    double                      *x;
    uint32_t                    *y;
    size_t                      *rec_off;
    uint32_t                    *rec_len;
} mlclf_train_chunk_ctx_t;


/* whole records start .. end, parsed into rows row0 on */
typedef struct {
    const mlclf_train_chunk_ctx_t  *ctx;
    const char                     *start;
    const char                     *end;
    size_t                          line;       /* line number of start */
    size_t                          row0;       /* first row slot */
    size_t                          n_nl;
    size_t                          n_rows;
    size_t                          n_dropped;
    mlclf_train_labels_t            labels;     /* seen, if not configured */
    char                           *scratch;    /* unescaped field */
    size_t                          scratch_size;
    int                             rc;
    mlclf_err_t                     err;
} mlclf_train_chunk_t;


/*
 * mlclf_fanout() stripes over mlclf_train_chunk_t: the first counts the
 * line breaks into n_nl; the second parses the records (labels are ids
 * into the configured classes, else into the chunk's own labels) and
 * sets n_rows and n_dropped, or rc and err ("<file>:<line>:<col>: ...").
 */
void *mlclf_train_chunk_count(void *arg);
void *mlclf_train_chunk_parse(void *arg);


#endif /* _MLCLF_TRAIN_CHUNK_H_INCLUDED_ */
