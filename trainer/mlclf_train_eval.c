
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Evaluation: every row goes through mlclf_predict_proba() on the loaded
 * model, the kernel NGINX serves with, so the shipped metrics are the
 * serving path's own.  Definitions follow scikit-learn: precision of a
 * class never predicted is 0 (zero_division=0), macro averages are plain
 * means over the classes that occur as truth or prediction in these rows
 * (scikit-learn's default label set), log loss clips probabilities to
 * [1e-15, 1 - 1e-15] and averages the natural log over rows.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>


#define MLCLF_TRAIN_EVAL_EPS  1e-15


int
mlclf_train_eval(mlclf_train_metrics_t *mt, const mlclf_model_t *m,
    const mlclf_train_data_t *d, const size_t *rows, size_t n,
    mlclf_err_t *err)
{
    size_t     i, c, nc, p, y, tp, pred_c, correct, n_seen;
    double     pr, ll, *proba, *x;
    uint32_t   pred;

    memset(mt, 0, sizeof(mlclf_train_metrics_t));

    nc = mlclf_model_n_classes(m);
    p = mlclf_model_n_features(m);

    if (nc != d->n_classes || p != d->n_features) {
        return mlclf_err_set(err, MLCLF_EINVAL,
                             "model has %zu features and %zu classes, the "
                             "data %zu and %zu", p, nc, d->n_features,
                             d->n_classes);
    }

    if (n == 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "no rows to evaluate");
    }

    mt->precision = calloc(nc, sizeof(double));
    mt->recall = calloc(nc, sizeof(double));
    mt->f1 = calloc(nc, sizeof(double));
    mt->support = calloc(nc, sizeof(uint64_t));
    mt->confusion = calloc(nc * nc, sizeof(uint64_t));
    proba = malloc(nc * sizeof(double));

    if (mt->precision == NULL || mt->recall == NULL || mt->f1 == NULL
        || mt->support == NULL || mt->confusion == NULL || proba == NULL)
    {
        free(proba);
        mlclf_train_metrics_free(mt);
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    ll = 0.0;
    correct = 0;

    for (i = 0; i < n; i++) {
        x = d->x + rows[i] * p;
        y = d->y[rows[i]];

        pred = mlclf_predict_proba(m, x, proba);

        mt->confusion[y * nc + pred]++;
        mt->support[y]++;
        correct += pred == y;

        pr = proba[y];
        if (pr < MLCLF_TRAIN_EVAL_EPS) {
            pr = MLCLF_TRAIN_EVAL_EPS;
        }

        if (pr > 1.0 - MLCLF_TRAIN_EVAL_EPS) {
            pr = 1.0 - MLCLF_TRAIN_EVAL_EPS;
        }

        ll -= log(pr);
    }

    free(proba);

    mt->n = n;
    mt->accuracy = (double) correct / (double) n;
    mt->log_loss = ll / (double) n;

    n_seen = 0;

    for (c = 0; c < nc; c++) {
        tp = mt->confusion[c * nc + c];

        pred_c = 0;
        for (i = 0; i < nc; i++) {
            pred_c += mt->confusion[i * nc + c];
        }

        mt->precision[c] = pred_c ? (double) tp / (double) pred_c : 0.0;
        mt->recall[c] = mt->support[c] ? (double) tp / (double) mt->support[c]
                                       : 0.0;
        mt->f1[c] = mt->precision[c] + mt->recall[c] > 0.0
                    ? 2.0 * mt->precision[c] * mt->recall[c]
                      / (mt->precision[c] + mt->recall[c])
                    : 0.0;

        if (pred_c == 0 && mt->support[c] == 0) {
            continue;
        }

        n_seen++;
        mt->macro_precision += mt->precision[c];
        mt->macro_recall += mt->recall[c];
        mt->macro_f1 += mt->f1[c];
    }

    mt->macro_precision /= (double) n_seen;
    mt->macro_recall /= (double) n_seen;
    mt->macro_f1 /= (double) n_seen;

    return MLCLF_OK;
}


/* Frees the per-class arrays and zeroes *mt; accepts NULL. */
void
mlclf_train_metrics_free(mlclf_train_metrics_t *mt)
{
    if (mt == NULL) {
        return;
    }

    free(mt->precision);
    free(mt->recall);
    free(mt->f1);
    free(mt->support);
    free(mt->confusion);

    memset(mt, 0, sizeof(mlclf_train_metrics_t));
}
