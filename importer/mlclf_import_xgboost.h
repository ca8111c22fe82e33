
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the XGBoost importer's files share: the UBJSON reader, which
 * turns a save_model("m.ubj") file into the same cJSON tree that a
 * save_model("m.json") file parses to, and the one reader of that tree.
 */


#ifndef _MLCLF_IMPORT_XGBOOST_H_INCLUDED_
#define _MLCLF_IMPORT_XGBOOST_H_INCLUDED_


#include <cjson/cJSON.h>

#include "mlclf_import.h"


/*
 * Containers nested deeper than this are refused (an XGBoost model is
 * 7 deep: root, learner, gradient_booster, model, trees, a tree, its
 * tree_param).
 */
#define MLCLF_UBJSON_MAX_DEPTH     32

/* Where the trees are, for messages. */
#define MLCLF_XGB_MODEL            "learner.gradient_booster.model"


/*
 * Converts the UBJSON document buf[0, len) into a cJSON tree (*root,
 * freed with cJSON_Delete()).  Every count and length is checked
 * against the bytes left before anything is allocated for it; float32
 * values are widened to double exactly.  MLCLF_OK, MLCLF_EINVAL with
 * "<path>: byte N: <what>", or MLCLF_ENOMEM.
 */
int mlclf_import_ubjson(const mlclf_import_t *im, const char *buf,
    size_t len, cJSON **root, mlclf_err_t *err);

/* Fills im from the model document root (JSON or UBJSON alike). */
int mlclf_import_xgboost_model(mlclf_import_t *im, const cJSON *root,
    mlclf_err_t *err);

/*
 * Adds tree t of the model (the object trees[t]), adding to output out.
 * im's n_features, n_outputs, kind and flags must be set.
 */
int mlclf_import_xgboost_tree(mlclf_import_t *im, const cJSON *tree,
    uint32_t t, uint32_t out, mlclf_err_t *err);

/*
 * "<path>: <message>" with MLCLF_EINVAL, the message starting with the
 * JSON path of the item at fault.  Returns MLCLF_EINVAL.
 */
int mlclf_import_xgboost_fail(const mlclf_import_t *im, mlclf_err_t *err,
    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/*
 * The member key of the object parent (whose JSON path is where) if it
 * has the cJSON type type (cJSON_Object, cJSON_Array, cJSON_String),
 * else NULL with err set: "<where>.<key>: missing" or "... is not an
 * array".
 */
const cJSON *mlclf_import_xgboost_get(const mlclf_import_t *im,
    const cJSON *parent, const char *where, const char *key, int type,
    mlclf_err_t *err);

/*
 * The member key of parent, a string holding a decimal integer in
 * [lo, hi], as XGBoost writes num_feature, num_nodes and the like.
 */
int mlclf_import_xgboost_count(const mlclf_import_t *im,
    const cJSON *parent, const char *where, const char *key, int64_t lo,
    int64_t hi, int64_t *v, mlclf_err_t *err);


#endif /* _MLCLF_IMPORT_XGBOOST_H_INCLUDED_ */
