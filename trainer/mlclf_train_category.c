
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A category column's vocabulary, as scikit-learn 1.2.1's
 * OneHotEncoder.fit learns it (sklearn/preprocessing/_encoders.py,
 * _identify_infrequent): distinct values counted through the string
 * table (mlclf_strtab.h), then sorted, then the infrequent ones marked
 * by min_frequency and max_categories.  tests/test_train_category.c
 * compares every rule with scikit-learn itself
 * (tests/ref/category_vocab.py).
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_strtab.h>
#include <mlclf_train.h>
#include <mlclf_train_category.h>


/* the first room for distinct values */
#define MLCLF_CAT_FIRST     32


/* the distinct values of the column, counted */
typedef struct {
    mlclf_train_category_value_t  *uniq;    /* values in the caller's */
    size_t                         n_uniq;
    size_t                         cap;
    mlclf_strtab_t                 index;   /* value -> uniq index */
} mlclf_cat_count_t;

/* one entry of the count order: a distinct value's count and index */
typedef struct {
    uint64_t                       count;
    size_t                         index;
} mlclf_cat_rank_t;


static int mlclf_cat_conf_check(const mlclf_train_category_conf_t *conf,
    mlclf_err_t *err);
static int mlclf_cat_add(mlclf_cat_count_t *cc, const char *s, size_t len);
static int mlclf_cat_cmp_value(const void *a, const void *b);
static int mlclf_cat_cmp_count(const void *a, const void *b);
static size_t mlclf_cat_infrequent(mlclf_cat_count_t *cc,
    const mlclf_train_category_conf_t *conf, size_t n, unsigned char *mark);
static int mlclf_cat_store(mlclf_train_category_t *cat,
    const mlclf_cat_count_t *cc, const unsigned char *mark, size_t n_inf);
static size_t mlclf_cat_find(const mlclf_train_category_value_t *v,
    size_t n, const char *s, size_t len);


int
mlclf_train_category_fit(mlclf_train_category_t *cat,
    const mlclf_train_category_conf_t *conf, const char *const *values,
    const size_t *lens, size_t n, mlclf_err_t *err)
{
    int                 rc;
    size_t              i, n_inf;
    unsigned char      *mark;
    mlclf_cat_count_t   cc;

    memset(cat, 0, sizeof(mlclf_train_category_t));
    memset(&cc, 0, sizeof(mlclf_cat_count_t));
    mark = NULL;

    rc = mlclf_cat_conf_check(conf, err);
    if (rc != MLCLF_OK) {
        return rc;
    }

    if (n == 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "category: no values to "
                             "learn from");
    }

    for (i = 0; i < n; i++) {
        rc = mlclf_cat_add(&cc, values[i],
                           lens ? lens[i] : strlen(values[i]));
        if (rc != MLCLF_OK) {
            goto failed;
        }
    }

    mlclf_strtab_free(&cc.index);

    /* the categories in Python's str order, as _unique() sorts them */

    qsort(cc.uniq, cc.n_uniq, sizeof(mlclf_train_category_value_t),
          mlclf_cat_cmp_value);

    mark = calloc(cc.n_uniq, 1);
    if (mark == NULL) {
        rc = MLCLF_ENOMEM;
        goto failed;
    }

    n_inf = mlclf_cat_infrequent(&cc, conf, n, mark);
    if (n_inf == (size_t) -1) {
        rc = MLCLF_ENOMEM;
        goto failed;
    }

    rc = mlclf_cat_store(cat, &cc, mark, n_inf);
    if (rc != MLCLF_OK) {
        goto failed;
    }

    cat->n_rows = n;
    cat->unknown = conf->unknown;

    free(mark);
    free(cc.uniq);

    return MLCLF_OK;

failed:

    free(mark);
    free(cc.uniq);
    mlclf_strtab_free(&cc.index);
    mlclf_train_category_free(cat);

    if (rc == MLCLF_ENOMEM) {
        return mlclf_err_set(err, MLCLF_ENOMEM, "out of memory");
    }

    return rc;
}


static int
mlclf_cat_conf_check(const mlclf_train_category_conf_t *conf,
    mlclf_err_t *err)
{
    const mlclf_train_freq_t  *mf;

    mf = &conf->min_frequency;

    if ((mf->kind == MLCLF_TRAIN_FREQ_COUNT && mf->count < 1)
        || (mf->kind == MLCLF_TRAIN_FREQ_SHARE
            && !(mf->share > 0 && mf->share < 1))
        || (mf->kind != MLCLF_TRAIN_FREQ_NONE
            && mf->kind != MLCLF_TRAIN_FREQ_COUNT
            && mf->kind != MLCLF_TRAIN_FREQ_SHARE))
    {
        return mlclf_err_set(err, MLCLF_EINVAL, "category: min_frequency "
                             "is neither a count >= 1 nor a share in "
                             "(0, 1)");
    }

    if (conf->unknown != MLCLF_TRAIN_UNKNOWN_ERROR
        && conf->unknown != MLCLF_TRAIN_UNKNOWN_IGNORE
        && conf->unknown != MLCLF_TRAIN_UNKNOWN_INFREQUENT)
    {
        return mlclf_err_set(err, MLCLF_EINVAL, "category: unknown %d is "
                             "not error, ignore or infrequent",
                             (int) conf->unknown);
    }

    return MLCLF_OK;
}


/* one more row of the value s: counted, or added with a count of 1 */
static int
mlclf_cat_add(mlclf_cat_count_t *cc, const char *s, size_t len)
{
    int                            rc;
    uint32_t                       have;
    mlclf_train_category_value_t  *u;

    if (cc->n_uniq == cc->cap) {
        if (cc->cap >= MLCLF_STRTAB_NONE / 2
            || cc->cap > SIZE_MAX / 2 / sizeof(mlclf_train_category_value_t))
        {
            return MLCLF_ENOMEM;
        }

        cc->cap = cc->cap ? 2 * cc->cap : MLCLF_CAT_FIRST;

        u = realloc(cc->uniq, cc->cap * sizeof(mlclf_train_category_value_t));
        if (u == NULL) {
            return MLCLF_ENOMEM;
        }

        cc->uniq = u;
    }

    rc = mlclf_strtab_add(&cc->index, s, len, (uint32_t) cc->n_uniq, &have);

    if (rc == MLCLF_STRTAB_EXISTS) {
        cc->uniq[have].count++;
        return MLCLF_OK;
    }

    if (rc != MLCLF_OK) {
        return MLCLF_ENOMEM;
    }

    u = &cc->uniq[cc->n_uniq++];
    u->value = s;
    u->len = len;
    u->count = 1;

    return MLCLF_OK;
}


static int
mlclf_cat_cmp_value(const void *a, const void *b)
{
    const mlclf_train_category_value_t  *x = a, *y = b;

    return mlclf_str_cmp(x->value, x->len, y->value, y->len);
}


/* by count, ties by sorted position: numpy's stable argsort */
static int
mlclf_cat_cmp_count(const void *a, const void *b)
{
    const mlclf_cat_rank_t  *x = a, *y = b;

    if (x->count != y->count) {
        return x->count < y->count ? -1 : 1;
    }

    return x->index < y->index ? -1 : x->index > y->index;
}


/*
 * _identify_infrequent() over the sorted categories: marks each
 * infrequent one in mark[] and returns how many, or (size_t) -1 when
 * out of memory.
 */
static size_t
mlclf_cat_infrequent(mlclf_cat_count_t *cc,
    const mlclf_train_category_conf_t *conf, size_t n, unsigned char *mark)
{
    size_t             i, n_inf, take;
    double             limit;
    mlclf_cat_rank_t  *rank;

    n_inf = 0;

    if (conf->min_frequency.kind == MLCLF_TRAIN_FREQ_COUNT) {
        for (i = 0; i < cc->n_uniq; i++) {
            mark[i] = cc->uniq[i].count < conf->min_frequency.count;
            n_inf += mark[i];
        }

    } else if (conf->min_frequency.kind == MLCLF_TRAIN_FREQ_SHARE) {

        /* n_samples * min_frequency in double, compared as numpy does */

        limit = (double) n * conf->min_frequency.share;

        for (i = 0; i < cc->n_uniq; i++) {
            mark[i] = (double) cc->uniq[i].count < limit;
            n_inf += mark[i];
        }
    }

    /*
     * The columns would be the kept categories and one infrequent
     * column, counted even when no category is infrequent yet: more
     * than max_categories, and the smallest n_uniq - (max_categories -
     * 1) become infrequent.  These take in every one marked above,
     * whose counts are the lowest.  scikit-learn slices its argsort
     * with [:-max_categories + 1], which for max_categories 1 is [:0]:
     * nothing.
     */

    if (conf->max_categories == 0
        || conf->max_categories >= cc->n_uniq - n_inf + 1)
    {
        return n_inf;
    }

    if (conf->max_categories == 1) {
        return n_inf;
    }

    rank = malloc(cc->n_uniq * sizeof(mlclf_cat_rank_t));
    if (rank == NULL) {
        return (size_t) -1;
    }

    for (i = 0; i < cc->n_uniq; i++) {
        rank[i].count = cc->uniq[i].count;
        rank[i].index = i;
    }

    qsort(rank, cc->n_uniq, sizeof(mlclf_cat_rank_t), mlclf_cat_cmp_count);

    take = cc->n_uniq - (conf->max_categories - 1);

    for (i = 0; i < take; i++) {
        n_inf += !mark[rank[i].index];
        mark[rank[i].index] = 1;
    }

    free(rank);

    return n_inf;
}


/* the kept and the infrequent values, copied into cat's own store */
static int
mlclf_cat_store(mlclf_train_category_t *cat, const mlclf_cat_count_t *cc,
    const unsigned char *mark, size_t n_inf)
{
    char                                *p;
    size_t                               i, k, f, size;
    mlclf_train_category_value_t        *v;
    const mlclf_train_category_value_t  *u;

    size = 0;

    for (i = 0; i < cc->n_uniq; i++) {
        size += cc->uniq[i].len + 1;
    }

    cat->store = malloc(size);
    cat->kept = malloc(cc->n_uniq * sizeof(mlclf_train_category_value_t));

    if (cat->store == NULL || cat->kept == NULL) {
        return MLCLF_ENOMEM;
    }

    cat->n_kept = cc->n_uniq - n_inf;
    cat->infrequent = cat->kept + cat->n_kept;
    cat->n_infrequent = n_inf;
    cat->n_columns = cat->n_kept + (n_inf != 0);

    p = cat->store;
    k = 0;
    f = 0;

    for (i = 0; i < cc->n_uniq; i++) {
        u = &cc->uniq[i];
        v = mark[i] ? &cat->infrequent[f++] : &cat->kept[k++];

        memcpy(p, u->value, u->len);
        p[u->len] = '\0';

        v->value = p;
        v->len = u->len;
        v->count = u->count;

        p += u->len + 1;
    }

    return MLCLF_OK;
}


/* the index of s in the sorted v[n], or n */
static size_t
mlclf_cat_find(const mlclf_train_category_value_t *v, size_t n,
    const char *s, size_t len)
{
    int     c;
    size_t  lo, hi, mid;

    lo = 0;
    hi = n;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = mlclf_str_cmp(v[mid].value, v[mid].len, s, len);

        if (c == 0) {
            return mid;
        }

        if (c < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return n;
}


size_t
mlclf_train_category_column(const mlclf_train_category_t *cat,
    const char *value, size_t len)
{
    size_t  i;

    i = mlclf_cat_find(cat->kept, cat->n_kept, value, len);
    if (i < cat->n_kept) {
        return i;
    }

    if (mlclf_cat_find(cat->infrequent, cat->n_infrequent, value, len)
        < cat->n_infrequent)
    {
        return cat->n_kept;
    }

    /* unseen: infrequent_if_exist falls back to ignore without one */

    switch (cat->unknown) {

    case MLCLF_TRAIN_UNKNOWN_INFREQUENT:
        return cat->n_infrequent ? cat->n_kept : MLCLF_TRAIN_CATEGORY_NONE;

    case MLCLF_TRAIN_UNKNOWN_IGNORE:
        return MLCLF_TRAIN_CATEGORY_NONE;

    default:
        return MLCLF_TRAIN_CATEGORY_ERROR;
    }
}


void
mlclf_train_category_free(mlclf_train_category_t *cat)
{
    if (cat == NULL) {
        return;
    }

    free(cat->kept);
    free(cat->store);

    memset(cat, 0, sizeof(mlclf_train_category_t));
}
