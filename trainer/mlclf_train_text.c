
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A text feature's learning (mlclf_train_text.h): document frequencies
 * and idf for hashing, CountVectorizer.fit's vocabulary.  Terms are
 * counted in the core's string table; their bytes live in blocks that
 * never move, since the table keeps pointers to them.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_strtab.h>
#include <mlclf_text.h>
#include <mlclf_train.h>
#include <mlclf_train_text.h>


#define MLCLF_TRAIN_TEXT_BLOCK  (256 * 1024)


struct mlclf_train_text_block_s {
    mlclf_train_text_block_t *next;
    size_t                    used;
    size_t                    size;
    char                      data[];
};


static int mlclf_train_text_scratch(void **scratch, size_t *have,
    size_t need);
static void mlclf_train_text_gram(void *ctx, const char *gram, size_t len);
static const char *mlclf_train_text_keep(mlclf_train_text_vocab_t *v,
    const char *gram, size_t len);
static int mlclf_train_text_bound(const mlclf_train_freq_t *b,
    const char *name, uint64_t n_docs, double dflt, double *count,
    mlclf_err_t *err);
static size_t mlclf_train_text_select(const mlclf_train_text_vocab_t *v,
    double lo, double hi, mlclf_train_text_term_t **sel);
static int mlclf_train_text_by_count(const void *a, const void *b);
static int mlclf_train_text_by_text(const void *a, const void *b);
static int mlclf_train_text_result(mlclf_train_text_term_t **sel, size_t n,
    mlclf_train_text_result_t *r, mlclf_err_t *err);


/* grows *scratch to need bytes (malloc() memory is 8-byte aligned) */
static int
mlclf_train_text_scratch(void **scratch, size_t *have, size_t need)
{
    void  *p;

    if (need <= *have) {
        return MLCLF_OK;
    }

    p = malloc(need);
    if (p == NULL) {
        return MLCLF_ENOMEM;
    }

    free(*scratch);
    *scratch = p;
    *have = need;

    return MLCLF_OK;
}


int
mlclf_train_text_count(mlclf_train_text_buf_t *b,
    const mlclf_text_params_t *p, const char *text, size_t len, size_t *n,
    mlclf_err_t *err)
{
    size_t              need;
    ptrdiff_t           k;
    mlclf_text_term_t  *t;

    if (len > MLCLF_TEXT_MAX_LEN) {
        return mlclf_err_set(err, MLCLF_EINVAL, "text of %zu bytes, more "
                             "than %zu", len, MLCLF_TEXT_MAX_LEN);
    }

    if (mlclf_train_text_scratch(&b->scratch, &b->scratch_size,
                                 mlclf_text_scratch_size(p, len))
        != MLCLF_OK)
    {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    need = mlclf_text_max_terms(p, len);

    if (need > b->terms_cap) {
        t = malloc(need * sizeof(mlclf_text_term_t));
        if (t == NULL) {
            return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
        }

        free(b->terms);
        b->terms = t;
        b->terms_cap = need;
    }

    k = mlclf_text_count(p, text, len, b->scratch, b->terms);
    if (k < 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "not valid UTF-8");
    }

    *n = (size_t) k;

    return MLCLF_OK;
}


void
mlclf_train_text_buf_free(mlclf_train_text_buf_t *b)
{
    free(b->scratch);
    free(b->terms);
    memset(b, 0, sizeof(*b));
}


void
mlclf_train_text_idf(const uint32_t *df, size_t n, uint64_t n_docs,
    double *idf)
{
    size_t  i;

    /* sklearn: df += 1; n_samples += 1; np.log(n_samples / df) + 1 */

    for (i = 0; i < n; i++) {
        idf[i] = log((double) (n_docs + 1) / ((double) df[i] + 1.0)) + 1.0;
    }
}


int
mlclf_train_text_df_init(mlclf_train_text_df_t *d, uint32_t n_features)
{
    memset(d, 0, sizeof(*d));

    d->df = calloc(n_features ? n_features : 1, sizeof(uint32_t));
    if (d->df == NULL) {
        return MLCLF_ENOMEM;
    }

    d->n_features = n_features;

    return MLCLF_OK;
}


int
mlclf_train_text_df_add(mlclf_train_text_df_t *d,
    const mlclf_text_term_t *terms, size_t n, mlclf_err_t *err)
{
    size_t  i;

    if (d->n_docs >= MLCLF_TRAIN_TEXT_MAX_DOCS) {
        return mlclf_err_set(err, MLCLF_EINVAL, "more than %llu documents",
                             (unsigned long long) MLCLF_TRAIN_TEXT_MAX_DOCS);
    }

    for (i = 0; i < n; i++) {
        d->df[terms[i].column]++;
    }

    d->n_docs++;

    return MLCLF_OK;
}


void
mlclf_train_text_df_free(mlclf_train_text_df_t *d)
{
    free(d->df);
    memset(d, 0, sizeof(*d));
}


int
mlclf_train_text_vocab_init(mlclf_train_text_vocab_t *v,
    const mlclf_text_params_t *p)
{
    memset(v, 0, sizeof(*v));

    v->params = *p;

    return mlclf_strtab_init(&v->index, 1024);
}


void
mlclf_train_text_vocab_free(mlclf_train_text_vocab_t *v)
{
    mlclf_train_text_block_t  *b, *next;

    for (b = v->blocks; b != NULL; b = next) {
        next = b->next;
        free(b);
    }

    mlclf_strtab_free(&v->index);
    free(v->terms);
    free(v->scratch);
    memset(v, 0, sizeof(*v));
}


int
mlclf_train_text_vocab_add(mlclf_train_text_vocab_t *v, const char *text,
    size_t len, mlclf_err_t *err)
{
    ptrdiff_t  n;

    if (v->n_docs >= MLCLF_TRAIN_TEXT_MAX_DOCS) {
        return mlclf_err_set(err, MLCLF_EINVAL, "more than %llu documents",
                             (unsigned long long) MLCLF_TRAIN_TEXT_MAX_DOCS);
    }

    if (len > MLCLF_TEXT_MAX_LEN) {
        return mlclf_err_set(err, MLCLF_EINVAL, "text of %zu bytes, more "
                             "than %zu", len, MLCLF_TEXT_MAX_LEN);
    }

    if (mlclf_train_text_scratch(&v->scratch, &v->scratch_size,
                                 mlclf_text_scratch_size(&v->params, len))
        != MLCLF_OK)
    {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    /* a document of its own from here: the terms' last is 1 + its index */
    v->n_docs++;
    v->rc = MLCLF_OK;

    n = mlclf_text_ngrams(&v->params, text, len, v->scratch,
                          mlclf_train_text_gram, v);

    if (n < 0) {
        v->n_docs--;
        return mlclf_err_set(err, MLCLF_EINVAL, "not valid UTF-8");
    }

    if (v->rc != MLCLF_OK) {
        return mlclf_err_set(err, v->rc, "out of memory");
    }

    return MLCLF_OK;
}


/*
 * One n-gram of document n_docs: counted, and added to the table the
 * first time.  A failure is kept in v->rc; the rest of the document's
 * n-grams are then skipped.
 */
static void
mlclf_train_text_gram(void *ctx, const char *gram, size_t len)
{
    size_t                     cap;
    uint32_t                   id, have;
    const char                *text;
    mlclf_train_text_term_t   *t;
    mlclf_train_text_vocab_t  *v;

    v = ctx;

    if (v->rc != MLCLF_OK) {
        return;
    }

    id = mlclf_strtab_find(&v->index, gram, len);

    if (id == MLCLF_STRTAB_NONE) {
        if (v->n_terms == v->terms_cap) {
            cap = v->terms_cap ? 2 * v->terms_cap : 1024;

            t = realloc(v->terms, cap * sizeof(mlclf_train_text_term_t));
            if (t == NULL) {
                v->rc = MLCLF_ENOMEM;
                return;
            }

            v->terms = t;
            v->terms_cap = cap;
        }

        text = mlclf_train_text_keep(v, gram, len);

        if (text == NULL
            || v->n_terms >= UINT32_MAX
            || mlclf_strtab_add(&v->index, text, len, (uint32_t) v->n_terms,
                                &have)
               != MLCLF_OK)
        {
            v->rc = MLCLF_ENOMEM;
            return;
        }

        id = (uint32_t) v->n_terms++;

        t = &v->terms[id];
        t->text = text;
        t->len = (uint32_t) len;
        t->df = 0;
        t->last = 0;
        t->tf = 0;
    }

    t = &v->terms[id];

    /* under binary sklearn counts after X.data.fill(1): once a document */

    if (t->last != v->n_docs) {
        t->last = (uint32_t) v->n_docs;
        t->df++;

        if (v->params.flags & MLCLF_TEXT_BINARY) {
            t->tf++;
        }
    }

    if (!(v->params.flags & MLCLF_TEXT_BINARY)) {
        t->tf++;
    }
}


/* a copy of the gram's bytes that stays where it is */
static const char *
mlclf_train_text_keep(mlclf_train_text_vocab_t *v, const char *gram,
    size_t len)
{
    char                      *p;
    size_t                     size;
    mlclf_train_text_block_t  *b;

    b = v->blocks;

    if (len > UINT32_MAX) {
        return NULL;
    }

    if (b == NULL || b->size - b->used < len) {
        size = len > MLCLF_TRAIN_TEXT_BLOCK ? len : MLCLF_TRAIN_TEXT_BLOCK;

        b = malloc(sizeof(mlclf_train_text_block_t) + size);
        if (b == NULL) {
            return NULL;
        }

        b->next = v->blocks;
        b->used = 0;
        b->size = size;
        v->blocks = b;
    }

    p = b->data + b->used;
    memcpy(p, gram, len);
    b->used += len;

    return p;
}


int
mlclf_train_text_vocab_finish(mlclf_train_text_vocab_t *v,
    const mlclf_train_text_limits_t *lim, mlclf_train_text_result_t *r,
    mlclf_err_t *err)
{
    int                        rc;
    size_t                     n;
    double                     lo, hi;
    mlclf_train_text_term_t  **sel;

    memset(r, 0, sizeof(*r));

    if (v->n_terms == 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "empty vocabulary: no "
                             "document has a token of two word "
                             "characters");
    }

    if (mlclf_train_text_bound(&lim->min_df, "min_df", v->n_docs, 1.0, &lo,
                               err)
        != MLCLF_OK
        || mlclf_train_text_bound(&lim->max_df, "max_df", v->n_docs,
                                  (double) v->n_docs, &hi, err)
           != MLCLF_OK)
    {
        return MLCLF_EINVAL;
    }

    if (hi < lo) {
        return mlclf_err_set(err, MLCLF_EINVAL, "max_df is %.17g documents, "
                             "fewer than min_df's %.17g", hi, lo);
    }

    sel = malloc(v->n_terms * sizeof(mlclf_train_text_term_t *));
    if (sel == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    n = mlclf_train_text_select(v, lo, hi, sel);

    if (lim->max_features && n > lim->max_features) {
        qsort(sel, n, sizeof(mlclf_train_text_term_t *),
              mlclf_train_text_by_count);
        n = lim->max_features;
    }

    if (n == 0) {
        free(sel);
        return mlclf_err_set(err, MLCLF_EINVAL, "no term is left after "
                             "min_df and max_df (%zu seen)", v->n_terms);
    }

    qsort(sel, n, sizeof(mlclf_train_text_term_t *), mlclf_train_text_by_text);

    rc = mlclf_train_text_result(sel, n, r, err);

    free(sel);

    if (rc != MLCLF_OK) {
        mlclf_train_text_result_free(r);
        return rc;
    }

    r->n_docs = v->n_docs;
    r->n_seen = v->n_terms;

    return MLCLF_OK;
}


/*
 * A bound as a number of documents: sklearn's max_df if int else
 * max_df * n_doc, the product in double; NONE is dflt documents.
 */
static int
mlclf_train_text_bound(const mlclf_train_freq_t *b, const char *name,
    uint64_t n_docs, double dflt, double *count, mlclf_err_t *err)
{
    switch (b->kind) {

    case MLCLF_TRAIN_FREQ_NONE:
        *count = dflt;
        return MLCLF_OK;

    case MLCLF_TRAIN_FREQ_COUNT:
        *count = (double) b->count;
        return MLCLF_OK;

    case MLCLF_TRAIN_FREQ_SHARE:
        if (!(b->share >= 0.0 && b->share <= 1.0)) {
            return mlclf_err_set(err, MLCLF_EINVAL, "%s %.17g: a share not "
                                 "in [0, 1]", name, b->share);
        }

        *count = b->share * (double) n_docs;
        return MLCLF_OK;
    }

    return mlclf_err_set(err, MLCLF_EINVAL, "%s: unknown kind %d", name,
                         (int) b->kind);
}


/* the terms whose df is in [lo, hi], in the order first seen */
static size_t
mlclf_train_text_select(const mlclf_train_text_vocab_t *v, double lo,
    double hi, mlclf_train_text_term_t **sel)
{
    size_t                    i, n;
    double                    df;
    mlclf_train_text_term_t  *t;

    n = 0;

    for (i = 0; i < v->n_terms; i++) {
        t = &v->terms[i];
        df = (double) t->df;

        if (df <= hi && df >= lo) {
            sel[n++] = t;
        }
    }

    return n;
}


/* the highest count first, ties by text */
static int
mlclf_train_text_by_count(const void *a, const void *b)
{
    const mlclf_train_text_term_t  *x, *y;

    x = *(mlclf_train_text_term_t *const *) a;
    y = *(mlclf_train_text_term_t *const *) b;

    if (x->tf != y->tf) {
        return (x->tf < y->tf) ? 1 : -1;
    }

    return mlclf_train_text_by_text(a, b);
}


/* Python's order of str (mlclf_str_cmp()) */
static int
mlclf_train_text_by_text(const void *a, const void *b)
{
    const mlclf_train_text_term_t  *x, *y;

    x = *(mlclf_train_text_term_t *const *) a;
    y = *(mlclf_train_text_term_t *const *) b;

    return mlclf_str_cmp(x->text, x->len, y->text, y->len);
}


static int
mlclf_train_text_result(mlclf_train_text_term_t **sel, size_t n,
    mlclf_train_text_result_t *r, mlclf_err_t *err)
{
    size_t  i, bytes;

    bytes = 0;

    for (i = 0; i < n; i++) {
        bytes += sel[i]->len;
    }

    if (n >= UINT32_MAX || bytes > UINT32_MAX) {
        return mlclf_err_set(err, MLCLF_EINVAL, "a vocabulary of %zu terms "
                             "and %zu bytes, more than 4 GiB", n, bytes);
    }

    r->vocab = malloc(bytes ? bytes : 1);
    r->offsets = malloc((n + 1) * sizeof(uint32_t));
    r->df = malloc(n * sizeof(uint32_t));

    if (r->vocab == NULL || r->offsets == NULL || r->df == NULL) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    bytes = 0;
    r->offsets[0] = 0;

    for (i = 0; i < n; i++) {
        memcpy(r->vocab + bytes, sel[i]->text, sel[i]->len);
        bytes += sel[i]->len;
        r->offsets[i + 1] = (uint32_t) bytes;
        r->df[i] = sel[i]->df;
    }

    r->n = (uint32_t) n;

    return MLCLF_OK;
}


void
mlclf_train_text_result_free(mlclf_train_text_result_t *r)
{
    free(r->vocab);
    free(r->offsets);
    free(r->df);
    memset(r, 0, sizeof(*r));
}
