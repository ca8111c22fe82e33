
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: the parts of the training YAML's reader
 * (mlclf_train_config.c) that live in files of their own.
 */


#ifndef _MLCLF_TRAIN_CONFIG_H_INCLUDED_
#define _MLCLF_TRAIN_CONFIG_H_INCLUDED_


#include <yaml.h>
#include <mlclf_train.h>
#include <mlclf_train_yaml.h>


/*
 * mlclf_train_config.c: a feature name or class label s, read at node
 * for key, refused if the model format cannot hold it ("what" says
 * which it is).
 */
int mlclf_train_config_name(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, const char *s, const char *what);

/*
 * mlclf_train_config_feature.c: the features: list node into
 * cf->features and cf->n_features, each feature's type and that type's
 * keys.
 */
int mlclf_train_config_features(mlclf_train_yaml_t *ctx,
    mlclf_train_config_t *cf, yaml_node_t *node);

/*
 * mlclf_train_config_model.c: the model: mapping node into cf, its kind
 * and that kind's keys.  cf's features, classes and split are read
 * first: max_features, loss and the gbt's seed depend on them.
 */
int mlclf_train_config_model(mlclf_train_yaml_t *ctx,
    mlclf_train_config_t *cf, yaml_node_t *node);


#endif /* _MLCLF_TRAIN_CONFIG_H_INCLUDED_ */
