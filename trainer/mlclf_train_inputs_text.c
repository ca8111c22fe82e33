
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A text feature's input: its vectorizer settings, and what it learns
 * on the train rows (mlclf_train_text.h): the idf weights of hashed
 * columns, or a vocabulary's terms and theirs.
 */


#include <stdlib.h>
#include <string.h>
#include <mlclf_train.h>
#include <mlclf_train_inputs.h>
#include <mlclf_train_text.h>


static int mlclf_ti_hashing(mlclf_ti_t *t, size_t k,
    const mlclf_text_params_t *tp, double *idf);
static int mlclf_ti_vocabulary(mlclf_ti_t *t, size_t k,
    mlclf_text_params_t *tp, mlclf_file_input_t *fi, int use_idf);


/* A text's parameters, then what it learns: idf weights, or terms. */
int
mlclf_ti_text(mlclf_ti_t *t, size_t k, mlclf_file_input_t *fi)
{
    int                         rc;
    size_t                      i;
    double                     *idf;
    mlclf_file_text_t          *ft;
    mlclf_text_params_t         tp;
    const mlclf_train_text_t   *tx;

    tx = &t->cf->features[k].text;

    for (i = 0; i < t->n_train; i++) {
        if (mlclf_ti_len(t, k, t->train[i]) != 0) {
            break;
        }
    }

    if (i == t->n_train) {
        return mlclf_err_set(t->err, MLCLF_EINVAL, "%s:1:%zu: %s: the text "
                             "is empty in every train row",
                             t->cf->data, mlclf_ti_column(t, k),
                             t->cf->features[k].name);
    }

    memset(&tp, 0, sizeof(tp));
    tp.vectorizer = tx->core.vectorizer;
    tp.n_features = tx->core.n_features;
    tp.ngram_min = tx->core.ngram_min;
    tp.ngram_max = tx->core.ngram_max;
    tp.flags = tx->core.flags;
    tp.hash_norm = tx->core.hash_norm;
    tp.norm = tx->core.norm;

    fi->type = MLCLF_INPUT_TEXT;
    fi->flags = MLCLF_INPUT_MISSING_EMPTY;
    fi->param = t->in->n_texts;

    if (tp.vectorizer == MLCLF_TEXT_VOCABULARY) {
        rc = mlclf_ti_vocabulary(t, k, &tp, fi, tx->use_idf);
        if (rc != MLCLF_OK) {
            return rc;
        }

    } else {
        idf = NULL;

        if (tx->use_idf) {
            idf = mlclf_ti_idf_room(t, tp.n_features);
            if (idf == NULL) {
                return mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
            }
        }

        rc = mlclf_ti_hashing(t, k, &tp, idf);
        if (rc != MLCLF_OK) {
            return rc;
        }
    }

    fi->width = tp.n_features;

    ft = &t->in->texts[t->in->n_texts++];
    ft->vectorizer = tp.vectorizer;
    ft->n_features = tp.n_features;
    ft->ngram_min = tp.ngram_min;
    ft->ngram_max = tp.ngram_max;
    ft->flags = tp.flags;
    ft->hash_norm = tp.hash_norm;
    ft->norm = tp.norm;
    ft->idf = tx->use_idf ? (uint32_t) (t->in->n_idf - tp.n_features)
                          : MLCLF_NO_IDF;

    return MLCLF_OK;
}


/* HashingVectorizer then TfidfTransformer.fit: df of each column. */
static int
mlclf_ti_hashing(mlclf_ti_t *t, size_t k, const mlclf_text_params_t *tp,
    double *idf)
{
    int                      rc;
    size_t                   i, n, r;
    mlclf_train_text_df_t    df;
    mlclf_train_text_buf_t   buf;

    if (idf == NULL) {
        return MLCLF_OK;
    }

    memset(&buf, 0, sizeof(buf));

    rc = mlclf_train_text_df_init(&df, tp->n_features);
    if (rc != MLCLF_OK) {
        return mlclf_err_set(t->err, rc, "out of memory");
    }

    for (i = 0; i < t->n_train && rc == MLCLF_OK; i++) {
        r = t->train[i];

        rc = mlclf_train_text_count(&buf, tp, mlclf_ti_str(t, k, r),
                                    mlclf_ti_len(t, k, r), &n, t->err);
        if (rc == MLCLF_OK) {
            rc = mlclf_train_text_df_add(&df, buf.terms, n, t->err);
        }
    }

    if (rc == MLCLF_OK) {
        mlclf_train_text_idf(df.df, tp->n_features, df.n_docs, idf);
    }

    mlclf_train_text_df_free(&df);
    mlclf_train_text_buf_free(&buf);

    return rc;
}


/* TfidfVectorizer.fit: the terms, their columns and idf weights. */
static int
mlclf_ti_vocabulary(mlclf_ti_t *t, size_t k, mlclf_text_params_t *tp,
    mlclf_file_input_t *fi, int use_idf)
{
    int                          rc;
    size_t                       i, r;
    double                      *idf;
    mlclf_ti_value_t            *v;
    const mlclf_train_text_t    *tx;
    mlclf_train_text_vocab_t     voc;
    mlclf_train_text_limits_t    lim;
    mlclf_train_text_result_t    res;

    tx = &t->cf->features[k].text;
    memset(&res, 0, sizeof(res));
    v = NULL;

    rc = mlclf_train_text_vocab_init(&voc, tp);
    if (rc != MLCLF_OK) {
        return mlclf_err_set(t->err, rc, "out of memory");
    }

    for (i = 0; i < t->n_train && rc == MLCLF_OK; i++) {
        r = t->train[i];
        rc = mlclf_train_text_vocab_add(&voc, mlclf_ti_str(t, k, r),
                                        mlclf_ti_len(t, k, r), t->err);
    }

    memset(&lim, 0, sizeof(lim));
    lim.min_df = tx->min_df;
    lim.max_df = tx->max_df;
    lim.max_features = tx->max_features;

    if (rc == MLCLF_OK) {
        rc = mlclf_train_text_vocab_finish(&voc, &lim, &res, t->err);
    }

    if (rc != MLCLF_OK) {
        goto done;
    }

    v = malloc(res.n * sizeof(mlclf_ti_value_t));
    if (v == NULL) {
        rc = mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
        goto done;
    }

    for (i = 0; i < res.n; i++) {
        v[i].s = res.vocab + res.offsets[i];
        v[i].len = res.offsets[i + 1] - res.offsets[i];
        v[i].column = (uint32_t) i;
    }

    tp->n_features = res.n;
    fi->first = t->in->n_values;
    fi->count = res.n;

    rc = mlclf_ti_values(t, v, res.n, 0);

    if (rc == MLCLF_OK && use_idf) {
        idf = mlclf_ti_idf_room(t, res.n);
        if (idf == NULL) {
            rc = mlclf_err_set(t->err, MLCLF_ENOMEM, "out of memory");
            goto done;
        }

        mlclf_train_text_idf(res.df, res.n, res.n_docs, idf);
    }

done:

    free(v);
    mlclf_train_text_result_free(&res);
    mlclf_train_text_vocab_free(&voc);

    return rc;
}
