
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Model specs the tests share (model_spec.h).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_format.h>

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
