
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: the classes of the training data, from the
 * configuration or from the labels the chunks of the CSV body saw.
 */


#ifndef _MLCLF_TRAIN_CLASSES_H_INCLUDED_
#define _MLCLF_TRAIN_CLASSES_H_INCLUDED_


#include <stddef.h>
#include <mlclf_train.h>
#include <mlclf_train_chunk.h>
#include <mlclf_train_labels.h>


/* The configured classes as a table, ids in the configured order. */
int mlclf_train_classes_table(mlclf_train_labels_t *classes,
    const mlclf_train_config_t *cf, mlclf_err_t *err);

/*
 * d->classes and d->n_classes after the chunks are parsed: the
 * configured classes, or the sorted (bytewise) distinct labels of
 * every chunk, at most MLCLF_TRAIN_CHUNK_MAX_CLASSES.
 */
int mlclf_train_classes_list(mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, const mlclf_train_chunk_t *ch,
    size_t nt, mlclf_err_t *err);

/*
 * Without configured classes, rewrites each chunk's rows (still at
 * their row0) from the chunk's label ids to ids into d->classes.
 */
int mlclf_train_classes_remap(mlclf_train_data_t *d,
    const mlclf_train_config_t *cf, const mlclf_train_chunk_t *ch,
    size_t nt, mlclf_err_t *err);


#endif /* _MLCLF_TRAIN_CLASSES_H_INCLUDED_ */
