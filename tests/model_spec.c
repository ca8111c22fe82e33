
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Model specs the tests share (model_spec.h).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_format.h>
#include <mlclf_text.h>

#include <mlclf.h>
#include "model_spec.h"


static const char *const  model_spec_xy[] = { "x", "y" };
static const char *const  model_spec_abc[] = { "a", "b", "c" };

static const uint32_t  rf_offsets[] = { 0, 3, 8 };
static const int32_t   rf_feature[] = { 0, -1, -1, 1, -1, 0, -1, -1 };
static const double    rf_threshold[] = { 0.5, 0, 0, -1.25, 0, 2.0, 0, 0 };
static const uint32_t  rf_left[] = { 1, 0, 1, 4, 2, 6, 3, 4 };
static const uint32_t  rf_right[] = { 2, 0, 0, 5, 0, 7, 0, 0 };
static const double    rf_leaves[] = {
    1.0, 0.0, 0.0,
    0.0, 0.75, 0.25,
    0.5, 0.5, 0.0,
    0.0, 0.0, 1.0,
    0.2, 0.3, 0.5
};

/* gbt: one tree per class, every missing rule and comparison */
static const uint32_t  gb_offsets[] = { 0, 3, 8, 11 };
static const int32_t   gb_feature[] = { 0, -1, -1, 1, -1, 0, -1, -1,
                                        1, -1, -1 };
static double          gb_threshold[] = { 0.5, 0, 0, -1.25, 0, 2.0, 0, 0,
                                          0 /* cut of 1.5f */, 0, 0 };
static const uint32_t  gb_left[] = { 1, 0, 1, 4, 2, 6, 3, 4, 9, 5, 6 };
static const uint32_t  gb_right[] = { 2, 0, 0, 5, 0, 7, 0, 0, 10, 0, 0 };
static const uint8_t   gb_decision[] = {
    MLCLF_CMP_LE | MLCLF_DEFAULT_LEFT | MLCLF_MISSING_NAN, 0, 0,
    MLCLF_CMP_LE | MLCLF_MISSING_ZERO, 0,
    MLCLF_CMP_LE | MLCLF_MISSING_AS_ZERO, 0, 0,
    MLCLF_CMP_F32_LT | MLCLF_DEFAULT_LEFT | MLCLF_MISSING_NAN, 0, 0
};
static const double    gb_leaves[] = { 1.0, -0.5, 0.25, 0.75, -1.0, 0.5,
                                       -0.25 };
static const uint32_t  gb_class[] = { 0, 1, 2 };
static const double    gb_base[] = { 0.1, -0.2, 0.3 };

/* model_spec_explain(): covers of both tree layouts, logreg means */
static const double    rf_cover[] = { 10, 4, 6, 12, 5, 7, 3, 4 };
static const double    gb_cover[] = { 10, 4, 6, 12, 5, 7, 3, 4, 9, 2, 7 };
static const double    lr_mean[] = { 0.5, -1.5 };

static const double  lr_weights[] = { 1.0, -2.0, 0.5, 0.25, -1.0, 3.0 };
static const double  lr_bias[] = { 0.1, 0.2, 0.3 };
static const double  lr_impute[] = { 0.0, 1.0 };


void
model_spec_forest(mlclf_spec_t *s)
{
    memset(s, 0, sizeof(*s));
    s->kind = MLCLF_KIND_FOREST;
    s->n_features = 2;
    s->n_classes = 3;
    s->feature_names = model_spec_xy;
    s->class_labels = model_spec_abc;
    s->n_trees = 2;
    s->n_nodes = 8;
    s->n_leaves = 5;
    s->tree_offsets = rf_offsets;
    s->node_feature = rf_feature;
    s->node_threshold = rf_threshold;
    s->node_left = rf_left;
    s->node_right = rf_right;
    s->leaf_values = rf_leaves;
}


void
model_spec_gbt(mlclf_spec_t *s)
{
    gb_threshold[8] = mlclf_cut_f32_lt(1.5);

    memset(s, 0, sizeof(*s));
    s->kind = MLCLF_KIND_GBT;
    s->n_features = 2;
    s->n_classes = 3;
    s->feature_names = model_spec_xy;
    s->class_labels = model_spec_abc;
    s->n_trees = 3;
    s->n_nodes = 11;
    s->n_leaves = 7;
    s->tree_offsets = gb_offsets;
    s->node_feature = gb_feature;
    s->node_threshold = gb_threshold;
    s->node_left = gb_left;
    s->node_right = gb_right;
    s->node_decision = gb_decision;
    s->leaf_values = gb_leaves;
    s->n_outputs = 3;
    s->tree_class = gb_class;
    s->base = gb_base;
    s->link = MLCLF_LINK_SOFTMAX;
}


void
model_spec_logreg(mlclf_spec_t *s)
{
    memset(s, 0, sizeof(*s));
    s->kind = MLCLF_KIND_LOGREG;
    s->n_features = 2;
    s->n_classes = 3;
    s->feature_names = model_spec_xy;
    s->class_labels = model_spec_abc;
    s->impute = lr_impute;
    s->metadata = "{\"name\":\"t\"}";
    s->n_outputs = 3;
    s->weights = lr_weights;
    s->bias = lr_bias;
}


void
model_spec_explain(mlclf_spec_t *s)
{
    switch (s->kind) {

    case MLCLF_KIND_LOGREG:
        s->linear_mean = lr_mean;
        break;

    case MLCLF_KIND_FOREST:
        s->node_cover = rf_cover;
        break;

    default:
        s->node_cover = gb_cover;
        break;
    }
}


/* model_spec_inputs(): the inputs of model_spec.h's picture */
static const char *const  in_names[5] = {
    "n_links", "domain", "subject", "tag", "body"
};

static const char *const  in_labels[2] = { "ham", "spam" };

/*
 * n_links   number                       column 0
 * domain    category "", a.com, b.net, z.org (z.org and unknown
 *           strings share column 3), missing: empty   columns 1..3
 * subject   hashing text, 8 features, 1-2 grams, idf  columns 4..11
 * tag       category x, y, unknown refused            columns 12..13
 * body      vocabulary free, money, win, no idf       columns 14..16
 */
static const mlclf_file_input_t  in_inputs[5] = {
    { MLCLF_INPUT_NUMBER, 0, 0, 1, 0, 0, 0, 0 },
    { MLCLF_INPUT_CATEGORY, MLCLF_UNKNOWN_COLUMN | MLCLF_INPUT_MISSING_EMPTY,
      1, 3, 0, 4, 2, 0 },
    { MLCLF_INPUT_TEXT, MLCLF_INPUT_MISSING_EMPTY, 4, 8, 0, 0, 0, 0 },
    { MLCLF_INPUT_CATEGORY, MLCLF_UNKNOWN_ERROR, 12, 2, 4, 2, 0, 0 },
    { MLCLF_INPUT_TEXT, 0, 14, 3, 6, 3, 1, 0 },
};

static const char  in_bytes[] = "a.comb.netz.orgxyfreemoneywin";

static const uint32_t  in_offsets[10] = {
    0, 0, 5, 10, 15, 16, 17, 21, 26, 29
};

static const uint32_t  in_columns[9] = { 0, 1, 2, 2, 0, 1, 0, 1, 2 };

static const mlclf_file_text_t  in_texts[2] = {
    { MLCLF_TEXT_HASHING, 8, 1, 2,
      MLCLF_TEXT_LOWERCASE | MLCLF_TEXT_ALTERNATE_SIGN, MLCLF_TEXT_NORM_L2,
      MLCLF_TEXT_NORM_L2, 0 },
    { MLCLF_TEXT_VOCABULARY, 3, 1, 1, MLCLF_TEXT_LOWERCASE,
      MLCLF_TEXT_NORM_NONE, MLCLF_TEXT_NORM_L2, MLCLF_NO_IDF },
};

static const double  in_idf[8] = {
    1.0, 1.5, 2.0, 1.25, 3.0, 1.75, 1.1, 2.5
};


static double    in_lr_weights[MODEL_SPEC_INPUTS_COLUMNS];
static double    in_lr_bias[1] = { -0.25 };

/* one tree: money present? then n_links <= 2.5 : the subject column 6 */
static const uint32_t  in_rf_offsets[2] = { 0, 5 };
static const int32_t   in_rf_feature[5] = { 15, 0, -1, -1, -1 };
static const double    in_rf_threshold[5] = { 0.0, 2.5, 0, 0, 0 };
static const uint32_t  in_rf_left[5] = { 2, 3, 0, 1, 2 };
static const uint32_t  in_rf_right[5] = { 1, 4, 0, 0, 0 };
static const double    in_rf_leaves[6] = { 1.0, 0.0, 0.25, 0.75, 0.0, 1.0 };



void
model_spec_inputs(mlclf_spec_t *s, mlclf_kind_e kind)
{
    uint32_t  j;

    memset(s, 0, sizeof(*s));

    for (j = 0; j < MODEL_SPEC_INPUTS_COLUMNS; j++) {
        in_lr_weights[j] = (double) ((int) (j * 7 % 11) - 5) / 4.0;
    }

    s->kind = kind;
    s->n_features = MODEL_SPEC_INPUTS_COLUMNS;
    s->n_classes = 2;
    s->feature_names = in_names;
    s->class_labels = in_labels;
    s->n_inputs = 5;
    s->inputs = in_inputs;
    s->n_values = 9;
    s->value_bytes = (const uint8_t *) in_bytes;
    s->value_offsets = in_offsets;
    s->value_columns = in_columns;
    s->n_texts = 2;
    s->texts = in_texts;
    s->n_idf = 8;
    s->idf = in_idf;

    if (kind == MLCLF_KIND_LOGREG) {
        s->n_outputs = 1;
        s->weights = in_lr_weights;
        s->bias = in_lr_bias;
        return;
    }

    s->n_trees = 1;
    s->n_nodes = 5;
    s->n_leaves = 3;
    s->tree_offsets = in_rf_offsets;
    s->node_feature = in_rf_feature;
    s->node_threshold = in_rf_threshold;
    s->node_left = in_rf_left;
    s->node_right = in_rf_right;
    s->leaf_values = in_rf_leaves;
}


/* model_spec_drift(): the reference distributions of model_spec.h */
static const mlclf_file_drift_t  xy_drift[2] = {
    { MLCLF_DRIFT_NUMBER, 4, 0, 0 },
    { MLCLF_DRIFT_NUMBER, 3, 2, 4 },
};

static const double  xy_edges[3] = { 0.5, 2.0, -1.25 };
static const double  xy_shares[7] = { 0.25, 0.25, 0.5, 0.0, 0.5, 0.4, 0.1 };
static const double  xy_classes[6] = { 0.5, 0.25, 0.25, 0.4, 0.3, 0.3 };

static const mlclf_file_drift_t  in_drift[5] = {
    { MLCLF_DRIFT_NUMBER, 4, 0, 0 },
    { MLCLF_DRIFT_CATEGORY, 4, 0, 4 },
    { MLCLF_DRIFT_TEXT, 4, 2, 8 },
    { MLCLF_DRIFT_CATEGORY, 3, 2, 12 },
    { MLCLF_DRIFT_TEXT, 2, 4, 15 },
};

static const double    in_edges[4] = { 1.0, 2.5, 10.0, 20.0 };
static const uint32_t  in_values[3] = { 2, 1, 4 };
static const double    in_shares[17] = {
    0.2, 0.3, 0.4, 0.1,  0.4, 0.3, 0.2, 0.1,  0.3, 0.3, 0.4, 0.0,
    0.6, 0.4, 0.0,  1.0, 0.0
};
static const double    in_classes[2] = { 0.7, 0.3 };


void
model_spec_drift(mlclf_spec_t *s)
{
    if (s->n_inputs == 0) {
        s->drift = xy_drift;
        s->n_drift_edges = 3;
        s->drift_edges = xy_edges;
        s->n_drift_shares = 7;
        s->drift_shares = xy_shares;
        s->class_shares = xy_classes;
        s->class_prior = 1;
        return;
    }

    s->drift = in_drift;
    s->n_drift_edges = 4;
    s->drift_edges = in_edges;
    s->n_drift_values = 3;
    s->drift_values = in_values;
    s->n_drift_shares = 17;
    s->drift_shares = in_shares;
    s->class_shares = in_classes;
}


uint8_t *
model_spec_write(const mlclf_spec_t *spec, size_t *len)
{
    void         *buf;
    uint8_t      *p;
    mlclf_err_t   err;

    if (mlclf_write_buffer(spec, &buf, len, &err) != MLCLF_OK) {
        printf("Bail out! cannot write a good model: %s\n", err.msg);
        exit(1);
    }

    p = calloc(1, *len + 64);
    if (p == NULL) {
        printf("Bail out! out of memory\n");
        exit(1);
    }

    memcpy(p, buf, *len);
    free(buf);

    return p;
}


uint8_t *
model_spec_good(mlclf_kind_e kind, size_t *len)
{
    mlclf_spec_t  spec;

    if (kind == MLCLF_KIND_LOGREG) {
        model_spec_logreg(&spec);

    } else if (kind == MLCLF_KIND_GBT) {
        model_spec_gbt(&spec);

    } else {
        model_spec_forest(&spec);
    }

    return model_spec_write(&spec, len);
}


mlclf_model_t *
model_spec_load(const mlclf_spec_t *spec, void **buf)
{
    size_t          len;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    if (mlclf_write_buffer(spec, buf, &len, &err) != MLCLF_OK) {
        printf("Bail out! cannot write a model: %s\n", err.msg);
        exit(1);
    }

    if (mlclf_model_load(&m, *buf, len, &err) != MLCLF_OK) {
        printf("Bail out! cannot load a model: %s\n", err.msg);
        exit(1);
    }

    return m;
}
