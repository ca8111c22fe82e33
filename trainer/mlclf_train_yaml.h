
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Private to the trainer: reading a YAML file with libyaml's document
 * API, and typed, strictly checked values out of its nodes.  Errors
 * read "<file>:<line>:<col>: <key>: <reason>", at the offending node.
 */


#ifndef _MLCLF_TRAIN_YAML_H_INCLUDED_
#define _MLCLF_TRAIN_YAML_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <yaml.h>
#include <mlclf.h>


/* nested lists and mappings, the root's too */
#define MLCLF_TRAIN_YAML_MAX_DEPTH  64


typedef struct {
    const char               *path;
    yaml_document_t          *doc;
    mlclf_err_t              *err;
} mlclf_train_yaml_t;


/*
 * Reads the file path (at most max bytes) into *doc, which the caller
 * then deletes: exactly one document, with a root node, its lists and
 * mappings nested at most MLCLF_TRAIN_YAML_MAX_DEPTH deep.
 */
int mlclf_train_yaml_load(const char *path, size_t max,
    yaml_document_t *doc, mlclf_err_t *err);

/* MLCLF_EINVAL with "<file>:<line>:<col>: <fmt ...>" at node (or 1:1) */
int mlclf_train_yaml_error(mlclf_train_yaml_t *ctx,
    const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "<key>: expected <what>, got <how node reads>" */
int mlclf_train_yaml_expected(mlclf_train_yaml_t *ctx,
    const yaml_node_t *node, const char *key, const char *what);

/* a scalar's text */
const char *mlclf_train_yaml_text(const yaml_node_t *node);

/*
 * Checks that node is a mapping whose keys are all in keys[] and none is
 * repeated; vals[i] (and knodes[i]) get the value (key) node of keys[i],
 * or NULL.
 */
int mlclf_train_yaml_mapping(mlclf_train_yaml_t *ctx,
    yaml_node_t *node, const char *key, const char *const *keys,
    yaml_node_t **vals, yaml_node_t **knodes);

/* A non-empty scalar without NUL, strdup()ed into *out (freed first). */
int mlclf_train_yaml_string(mlclf_train_yaml_t *ctx,
    yaml_node_t *node, const char *key, char **out);

/* a plain decimal number: [+-]digits[.digits][e[+-]digits], finite */
int mlclf_train_yaml_number(mlclf_train_yaml_t *ctx,
    yaml_node_t *node, const char *key, double *out);

/* a number in lo .. hi, each end open or closed */
int mlclf_train_yaml_range(mlclf_train_yaml_t *ctx,
    yaml_node_t *node, const char *key, double lo, double hi, int lo_open,
    int hi_open, double *out);

/* a plain decimal integer in [lo, hi] */
int mlclf_train_yaml_uint(mlclf_train_yaml_t *ctx,
    yaml_node_t *node, const char *key, uint64_t lo, uint64_t hi,
    uint64_t *out);
int mlclf_train_yaml_u32(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, uint32_t lo, uint32_t hi, uint32_t *out);

/* a plain true/True/TRUE or false/False/FALSE */
int mlclf_train_yaml_bool(mlclf_train_yaml_t *ctx, yaml_node_t *node,
    const char *key, unsigned *out);


#endif /* _MLCLF_TRAIN_YAML_H_INCLUDED_ */
