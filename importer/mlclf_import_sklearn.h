
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * What the two halves of the scikit-learn interchange reader share
 * (mlclf_import_sklearn.c: header, names, logistic regression;
 * mlclf_import_sklearn_trees.c: forests and boosting).  Not an API.
 */


#ifndef _MLCLF_IMPORT_SKLEARN_H_INCLUDED_
#define _MLCLF_IMPORT_SKLEARN_H_INCLUDED_


#include <cjson/cJSON.h>

#include "mlclf_import.h"


/* docs/sklearn-interchange.md */
#define MLCLF_IMPORT_SKL_FORMAT   "mlclf-sklearn-export"
#define MLCLF_IMPORT_SKL_VERSION  2


typedef enum {
    MLCLF_IMPORT_SKL_LOGREG = 1,
    MLCLF_IMPORT_SKL_FOREST,            /* RandomForest, ExtraTrees */
    MLCLF_IMPORT_SKL_GB,                /* GradientBoostingClassifier */
    MLCLF_IMPORT_SKL_HGB                /* HistGradientBoostingClassifier */
} mlclf_import_skl_estimator_e;


typedef struct {
    mlclf_import_t                *im;
    mlclf_err_t                   *err;
    cJSON                         *root;
    mlclf_import_skl_estimator_e   estimator;

    /* one tree's nodes and leaf values, grown to the largest tree */
    mlclf_import_node_t           *nodes;
    double                        *values;
    size_t                         cap_nodes;
    size_t                         cap_values;

    char                           show[96];    /* for messages */
} mlclf_import_skl_t;


int mlclf_import_skl_forest(mlclf_import_skl_t *ctx);
int mlclf_import_skl_boosting(mlclf_import_skl_t *ctx);

/* "<path>: <message>", MLCLF_EINVAL */
int mlclf_import_skl_fail(mlclf_import_skl_t *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

const char *mlclf_import_skl_show(mlclf_import_skl_t *ctx, const cJSON *j);
const cJSON *mlclf_import_skl_member(mlclf_import_skl_t *ctx,
    const cJSON *obj, const char *where, const char *key);
int mlclf_import_skl_members(mlclf_import_skl_t *ctx, const cJSON *obj,
    const char *where, const char *const *keys);
int mlclf_import_skl_num(const cJSON *j, double *v);
int mlclf_import_skl_int(const cJSON *j, double lo, double hi, double *v);


#endif /* _MLCLF_IMPORT_SKLEARN_H_INCLUDED_ */
