
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Small fixed models for the fuzzers: an iris-like softmax logistic
 * regression with an impute section, a binary sigmoid one, a forest of
 * two trees whose labels and feature names need JSON escaping, a gbt
 * model on the same trees that routes missing values, and a model with
 * raw inputs (a number, a category, a text).  The
 * specs are built in memory and serialised with mlclf_write_buffer();
 * the same specs give the seed files of tests/fuzz/corpus/model/.
 */


#ifndef _FUZZ_MODELS_H_INCLUDED_
#define _FUZZ_MODELS_H_INCLUDED_


#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_format.h>


static const char *const  fuzz_iris_features[] = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
};

static const char *const  fuzz_iris_classes[] = {
    "setosa", "versicolor", "virginica"
};

static const double  fuzz_iris_impute[] = { 5.8, 3.0, 4.35, 1.3 };

static const double  fuzz_lr3_weights[] = {
     0.4,  1.4, -2.2, -1.0,
     0.5, -1.6,  0.6, -1.3,
    -1.6, -1.5,  2.4,  2.5
};

static const double  fuzz_lr3_bias[] = { 0.3, 1.1, -1.4 };


static const char *const  fuzz_xy_features[] = { "x", "y" };

static const char *const  fuzz_xy_classes[] = { "no", "yes" };

static const double  fuzz_lr2_weights[] = { 1.5, -2.0 };

static const double  fuzz_lr2_bias[] = { 0.25 };


/* names with '"', '\\' and '/' exercise the reply's escaping */
static const char *const  fuzz_rf_features[] = {
    "sepal_length", "sepal \"width\"", "petal\\length", "petal/width"
};

static const char *const  fuzz_rf_classes[] = {
    "set\"osa", "versi\\color", "virginica"
};

/*
 * tree 0: petal\length <= 2.5 ? leaf 0 : (petal/width <= 1.75 ? 1 : 2)
 * tree 1: sepal_length <= 5.5 ? leaf 3 : leaf 4
 */
static const uint32_t  fuzz_rf_offsets[] = { 0, 5, 8 };
static const int32_t   fuzz_rf_feature[] = { 2, -1, 3, -1, -1, 0, -1, -1 };
static const double    fuzz_rf_threshold[] = {
    2.5, 0.0, 1.75, 0.0, 0.0, 5.5, 0.0, 0.0
};
static const uint32_t  fuzz_rf_left[] = { 1, 0, 3, 1, 2, 6, 3, 4 };
static const uint32_t  fuzz_rf_right[] = { 2, 0, 4, 0, 0, 7, 0, 0 };
static const double    fuzz_rf_leaves[] = {
    0.97, 0.02, 0.01,
    0.01, 0.90, 0.09,
    0.00, 0.25, 0.75,
    0.60, 0.30, 0.10,
    0.05, 0.45, 0.50
};


static void
fuzz_spec_lr3(mlclf_spec_t *spec)
{
    memset(spec, 0, sizeof(*spec));

    spec->kind = MLCLF_KIND_LOGREG;
    spec->n_features = 4;
    spec->n_classes = 3;
    spec->version = 3;
    spec->feature_names = fuzz_iris_features;
    spec->class_labels = fuzz_iris_classes;
    spec->impute = fuzz_iris_impute;
    spec->metadata = "{\"name\":\"iris\",\"version\":3}";
    spec->n_outputs = 3;
    spec->weights = fuzz_lr3_weights;
    spec->bias = fuzz_lr3_bias;
}


static void
fuzz_spec_lr2(mlclf_spec_t *spec)
{
    memset(spec, 0, sizeof(*spec));

    spec->kind = MLCLF_KIND_LOGREG;
    spec->n_features = 2;
    spec->n_classes = 2;
    spec->feature_names = fuzz_xy_features;
    spec->class_labels = fuzz_xy_classes;
    spec->n_outputs = 1;
    spec->weights = fuzz_lr2_weights;
    spec->bias = fuzz_lr2_bias;
}


static void
fuzz_spec_rf(mlclf_spec_t *spec)
{
    memset(spec, 0, sizeof(*spec));

    spec->kind = MLCLF_KIND_FOREST;
    spec->n_features = 4;
    spec->n_classes = 3;
    spec->version = 7;
    spec->feature_names = fuzz_rf_features;
    spec->class_labels = fuzz_rf_classes;
    spec->metadata = "{\"name\":\"forest\"}";
    spec->n_trees = 2;
    spec->n_nodes = 8;
    spec->n_leaves = 5;
    spec->tree_offsets = fuzz_rf_offsets;
    spec->node_feature = fuzz_rf_feature;
    spec->node_threshold = fuzz_rf_threshold;
    spec->node_left = fuzz_rf_left;
    spec->node_right = fuzz_rf_right;
    spec->leaf_values = fuzz_rf_leaves;
}


/* the forest's nodes with a missing rule each, and one score a leaf */
static const uint8_t   fuzz_gb_decision[] = {
    MLCLF_DEFAULT_LEFT, 0, MLCLF_MISSING_ZERO, 0, 0,
    MLCLF_MISSING_AS_ZERO | MLCLF_DEFAULT_LEFT, 0, 0
};
static const double    fuzz_gb_leaves[] = { 0.5, -1.25, 2.0, 0.125, -0.75 };
static const uint32_t  fuzz_gb_class[] = { 0, 2 };
static const double    fuzz_gb_base[] = { 0.0, 0.5, -0.5 };

/* node covers, so that the gbt explains (format version 4) */
static const double    fuzz_gb_cover[] = { 10, 4, 6, 2, 4, 8, 5, 3 };


static void
fuzz_spec_gbt(mlclf_spec_t *spec)
{
    fuzz_spec_rf(spec);

    spec->kind = MLCLF_KIND_GBT;
    spec->metadata = "{\"name\":\"gbt\"}";
    spec->node_decision = fuzz_gb_decision;
    spec->leaf_values = fuzz_gb_leaves;
    spec->n_outputs = 3;
    spec->tree_class = fuzz_gb_class;
    spec->base = fuzz_gb_base;
    spec->link = MLCLF_LINK_SOFTMAX;
    spec->node_cover = fuzz_gb_cover;
}


/*
 * Serialises spec and loads it; *buf (malloc()ed, 8-aligned) must outlive
 * the model.  Returns NULL on any failure.
 */
/*
 * Raw inputs (format version 3): a number "n", a category "c" of "a"
 * and "b" that ignores unknown strings, and a hashing text "t" of 16
 * features, 1-2 grams, signed, l2 (missing c and t: no columns).
 */
static const char *const  fuzz_in_names[] = { "n", "c", "t" };

static const mlclf_file_input_t  fuzz_in_inputs[] = {
    { MLCLF_INPUT_NUMBER, 0, 0, 1, 0, 0, 0, 0 },
    { MLCLF_INPUT_CATEGORY, MLCLF_UNKNOWN_IGNORE | MLCLF_INPUT_MISSING_EMPTY,
      1, 2, 0, 2, 0, 0 },
    { MLCLF_INPUT_TEXT, MLCLF_INPUT_MISSING_EMPTY, 3, 16, 0, 0, 0, 0 },
};

static const uint32_t  fuzz_in_offsets[] = { 0, 1, 2 };
static const uint32_t  fuzz_in_columns[] = { 0, 1 };

static const mlclf_file_text_t  fuzz_in_texts[] = {
    { 1, 16, 1, 2, 0x01 | 0x02, 2, 2, MLCLF_NO_IDF },
};

static const double  fuzz_in_weights[] = {
    0.5, -1.0, 1.0, 0.25, -0.25, 0.5, -0.5, 0.75, -0.75,
    1.0, -1.0, 1.25, -1.25, 1.5, -1.5, 1.75, -1.75, 2.0, -2.0
};

static const double  fuzz_in_bias[] = { -0.5 };

/* column means, so that the raw-input logreg explains by input */
static const double  fuzz_in_mean[19] = {
    2.5, 0.25, 0.5, 0.125, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07,
    0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.14, 0.15
};


static void
fuzz_spec_inputs(mlclf_spec_t *spec)
{
    memset(spec, 0, sizeof(*spec));

    spec->kind = MLCLF_KIND_LOGREG;
    spec->n_features = 19;
    spec->n_classes = 2;
    spec->feature_names = fuzz_in_names;
    spec->class_labels = fuzz_xy_classes;
    spec->n_inputs = 3;
    spec->inputs = fuzz_in_inputs;
    spec->n_values = 2;
    spec->value_bytes = (const uint8_t *) "ab";
    spec->value_offsets = fuzz_in_offsets;
    spec->value_columns = fuzz_in_columns;
    spec->n_texts = 1;
    spec->texts = fuzz_in_texts;
    spec->n_outputs = 1;
    spec->weights = fuzz_in_weights;
    spec->bias = fuzz_in_bias;
    spec->linear_mean = fuzz_in_mean;
}


static mlclf_model_t *
fuzz_model_build(const mlclf_spec_t *spec, void **buf)
{
    size_t          len;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    *buf = NULL;

    if (mlclf_write_buffer(spec, buf, &len, &err) != MLCLF_OK) {
        return NULL;
    }

    if (mlclf_model_load(&m, *buf, len, &err) != MLCLF_OK) {
        free(*buf);
        *buf = NULL;
        return NULL;
    }

    return m;
}


#endif /* _FUZZ_MODELS_H_INCLUDED_ */
