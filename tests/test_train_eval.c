
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * mlclf_train_eval(): metrics of a hand-built one-tree forest on hand
 * rows, compared with values worked out on paper (scikit-learn's
 * definitions: zero_division=0, clipped natural-log log loss).
 */


#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <mlclf_train.h>
#include "model_spec.h"


static const char  *test_fnames[1] = { "x" };
static char        *test_labels[3] = { "a", "b", "c" };

/*
 * x <= 0.5 -> leaf 0, x <= 1.5 -> leaf 1, else leaf 2.  Class 2 is
 * never the most probable.
 */
static const uint32_t  test_off[2] = { 0, 5 };
static const int32_t   test_feat[5] = { 0, -1, 0, -1, -1 };
static const double    test_thr[5] = { 0.5, 0.0, 1.5, 0.0, 0.0 };
static const uint32_t  test_left[5] = { 1, 0, 3, 1, 2 };
static const uint32_t  test_right[5] = { 2, 0, 4, 0, 0 };
static const double    test_leaf[9] = {
    0.7, 0.2, 0.1,
    0.1, 0.8, 0.1,
    0.2, 0.5, 0.3
};

/* a leaf certain of class 0: log loss must clip */
static const double    test_leaf_sure[9] = {
    1.0, 0.0, 0.0,
    0.0, 1.0, 0.0,
    0.0, 0.0, 1.0
};


static mlclf_model_t *
test_model(void **buf, const double *leaf)
{
    mlclf_spec_t  s;

    memset(&s, 0, sizeof(mlclf_spec_t));
    s.kind = MLCLF_KIND_FOREST;
    s.n_features = 1;
    s.n_classes = 3;
    s.feature_names = test_fnames;
    s.class_labels = (const char *const *) test_labels;
    s.n_trees = 1;
    s.n_nodes = 5;
    s.n_leaves = 3;
    s.tree_offsets = test_off;
    s.node_feature = test_feat;
    s.node_threshold = test_thr;
    s.node_left = test_left;
    s.node_right = test_right;
    s.leaf_values = leaf;

    return model_spec_load(&s, buf);
}


int
main(void)
{
    int                      rc;
    void                    *buf;
    size_t                   rows[12], i;
    double                   ll;
    mlclf_err_t              err;
    mlclf_model_t           *m;
    mlclf_train_data_t       d;
    mlclf_train_metrics_t    mt;
    static const uint64_t    conf[9] = { 2, 1, 0, 1, 3, 0, 1, 2, 0 };

    /* rows 0..9 evaluated; 10 and 11 are not in rows[] */
    double    x[12] = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 9, 9 };
    uint32_t  y[12] = { 0, 0, 1, 1, 1, 0, 2, 2, 1, 2, 0, 0 };

    memset(&d, 0, sizeof(mlclf_train_data_t));
    d.x = x;
    d.y = y;
    d.n_rows = 12;
    d.n_features = 1;
    d.n_classes = 3;
    d.classes = test_labels;

    for (i = 0; i < 12; i++) {
        rows[i] = i;
    }

    m = test_model(&buf, test_leaf);
    ok(m != NULL, "hand model loads");

    rc = mlclf_train_eval(&mt, m, &d, rows, 10, &err);
    is_int(rc, MLCLF_OK, "eval");

    /*
     * predictions: x=0 -> a, x=1 -> b, x=2 -> b
     * confusion (true x pred): a: 2 1 0, b: 1 3 0, c: 1 2 0
     */
    is_int(mt.n, 10, "n");
    ok(memcmp(mt.confusion, conf, sizeof(conf)) == 0, "confusion matrix");
    is_int(mt.support[0], 3, "support a");
    is_int(mt.support[1], 4, "support b");
    is_int(mt.support[2], 3, "support c");
    is_double(mt.accuracy, 0.5, 1e-15, "accuracy 5/10");
    is_double(mt.precision[0], 0.5, 1e-15, "precision a 2/4");
    is_double(mt.precision[1], 0.5, 1e-15, "precision b 3/6");
    is_double(mt.precision[2], 0.0, 0.0, "precision c: never predicted");
    is_double(mt.recall[0], 2.0 / 3, 1e-15, "recall a 2/3");
    is_double(mt.recall[1], 0.75, 1e-15, "recall b 3/4");
    is_double(mt.recall[2], 0.0, 0.0, "recall c 0/3");
    is_double(mt.f1[0], 4.0 / 7, 1e-15, "f1 a 4/7");
    is_double(mt.f1[1], 0.6, 1e-15, "f1 b 3/5");
    is_double(mt.f1[2], 0.0, 0.0, "f1 c 0");
    is_double(mt.macro_precision, 1.0 / 3, 1e-15, "macro precision 1/3");
    is_double(mt.macro_recall, 17.0 / 36, 1e-15, "macro recall 17/36");
    is_double(mt.macro_f1, (4.0 / 7 + 0.6) / 3, 1e-15, "macro f1");

    ll = -(2 * log(0.7) + log(0.2) + log(0.1) + 2 * log(0.8) + log(0.1)
           + 2 * log(0.3) + log(0.5)) / 10;
    is_double(mt.log_loss, ll, 1e-12, "log loss %.6f", ll);

    mlclf_train_metrics_free(&mt);
    ok(mt.precision == NULL && mt.confusion == NULL, "metrics freed");
    mlclf_train_metrics_free(NULL);

    /* only rows of class a and b, predicted a or b: c leaves the macro */
    rows[0] = 0;
    rows[1] = 3;
    rc = mlclf_train_eval(&mt, m, &d, rows, 2, &err);
    is_int(rc, MLCLF_OK, "eval of two rows");
    is_double(mt.accuracy, 1.0, 0.0, "two rows: accuracy 1");
    is_double(mt.macro_f1, 1.0, 0.0, "two rows: macro over seen classes");
    mlclf_train_metrics_free(&mt);

    rc = mlclf_train_eval(&mt, m, &d, rows, 0, &err);
    is_int(rc, MLCLF_EINVAL, "no rows: EINVAL");

    d.n_features = 2;
    rc = mlclf_train_eval(&mt, m, &d, rows, 2, &err);
    is_int(rc, MLCLF_EINVAL, "feature count mismatch: EINVAL");
    d.n_features = 1;

    mlclf_model_close(&m);
    free(buf);

    /* probability 0 and 1 are clipped to [1e-15, 1 - 1e-15] */
    m = test_model(&buf, test_leaf_sure);
    ok(m != NULL, "certain model loads");

    rows[0] = 0;        /* x 0, true a: p = 1 */
    rows[1] = 2;        /* x 0, true b: p = 0 */

    rc = mlclf_train_eval(&mt, m, &d, rows, 2, &err);
    is_int(rc, MLCLF_OK, "eval of the certain model");
    is_double(mt.log_loss, -(log(1 - 1e-15) + log(1e-15)) / 2, 1e-12,
              "log loss clipped");
    mlclf_train_metrics_free(&mt);
    mlclf_model_close(&m);

    free(buf);

    return tap_done();
}
