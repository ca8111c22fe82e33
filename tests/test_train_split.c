
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Train/test split: deterministic for a seed, stratified proportions,
 * a disjoint and complete cover, sorted output, and pinned indices so
 * that a change of generator shows up as a failure.
 */


#include <stdlib.h>
#include <string.h>
#include <tap.h>
#include <mlclf_train.h>


static mlclf_train_data_t
make_data(size_t n, const uint32_t *counts, size_t n_classes,
    uint32_t *y)
{
    size_t              i, c, k;
    mlclf_train_data_t  d;

    memset(&d, 0, sizeof(d));

    /* classes interleaved, not grouped */
    k = 0;
    for (i = 0; k < n; i++) {
        for (c = 0; c < n_classes; c++) {
            if (i < counts[c]) {
                y[k++] = (uint32_t) c;
            }
        }
    }

    d.n_rows = n;
    d.n_classes = n_classes;
    d.y = y;

    return d;
}


static int
check_cover(const mlclf_train_data_t *d, const size_t *tr, size_t ntr,
    const size_t *te, size_t nte)
{
    size_t    i;
    uint8_t  *seen;
    int       good;

    if (ntr + nte != d->n_rows) {
        return 0;
    }

    seen = calloc(d->n_rows, 1);
    good = 1;

    for (i = 0; i < ntr; i++) {
        if (tr[i] >= d->n_rows || seen[tr[i]]++ || (i && tr[i] <= tr[i - 1]))
        {
            good = 0;
        }
    }

    for (i = 0; i < nte; i++) {
        if (te[i] >= d->n_rows || seen[te[i]]++ || (i && te[i] <= te[i - 1]))
        {
            good = 0;
        }
    }

    free(seen);

    return good;
}


/* per[c]: how many of the rows te[0..n) are of class c (of 3) */
static void
count_classes(size_t *per, const uint32_t *y, const size_t *te, size_t n)
{
    size_t  i;

    memset(per, 0, 3 * sizeof(size_t));

    for (i = 0; i < n; i++) {
        per[y[te[i]]]++;
    }
}


int
main(void)
{
    int                   rc, same;
    size_t               *tr, *te, *tr2, *te2, ntr, nte, ntr2, nte2;
    size_t                per[3];
    uint32_t              y[1000];
    uint32_t              counts[3] = { 500, 300, 200 };
    uint32_t              small[3] = { 2, 1, 5 };
    mlclf_err_t           err;
    mlclf_train_data_t    d;
    mlclf_train_config_t  cf;

    memset(&cf, 0, sizeof(cf));
    cf.test_fraction = 0.2;
    cf.seed = 42;
    cf.stratify = 1;

    d = make_data(1000, counts, 3, y);

    rc = mlclf_train_split(&d, &cf, &tr, &ntr, &te, &nte, &err);
    is_int(rc, MLCLF_OK, "stratified split");
    is_int(nte, 200, "200 test rows");
    is_int(ntr, 800, "800 train rows");
    ok(check_cover(&d, tr, ntr, te, nte), "disjoint, complete, sorted");

    count_classes(per, y, te, nte);

    is_int(per[0], 100, "class 0: 20%% of 500 in test");
    is_int(per[1], 60, "class 1: 20%% of 300 in test");
    is_int(per[2], 40, "class 2: 20%% of 200 in test");

    /* pinned: the generator and the shuffle must never change */
    tap_diag("test rows: %zu %zu %zu %zu %zu", te[0], te[1], te[2], te[3],
             te[4]);
    ok(te[0] == 0 && te[1] == 5 && te[2] == 12 && te[3] == 14
       && te[4] == 15, "seed 42: the pinned first test rows");

    rc = mlclf_train_split(&d, &cf, &tr2, &ntr2, &te2, &nte2, &err);
    ok(rc == MLCLF_OK && nte2 == nte
       && memcmp(te, te2, nte * sizeof(size_t)) == 0
       && memcmp(tr, tr2, ntr * sizeof(size_t)) == 0,
       "same seed, same split");
    free(tr2);
    free(te2);

    cf.seed = 43;
    rc = mlclf_train_split(&d, &cf, &tr2, &ntr2, &te2, &nte2, &err);
    ok(rc == MLCLF_OK && nte2 == nte
       && memcmp(te, te2, nte * sizeof(size_t)) != 0,
       "another seed, another split");
    free(tr2);
    free(te2);
    free(tr);
    free(te);

    /* not stratified */
    cf.seed = 42;
    cf.stratify = 0;
    cf.test_fraction = 0.25;
    rc = mlclf_train_split(&d, &cf, &tr, &ntr, &te, &nte, &err);
    is_int(rc, MLCLF_OK, "plain split");
    is_int(nte, 250, "250 test rows");
    ok(check_cover(&d, tr, ntr, te, nte), "plain: disjoint, complete");

    rc = mlclf_train_split(&d, &cf, &tr2, &ntr2, &te2, &nte2, &err);
    same = rc == MLCLF_OK && memcmp(te, te2, nte * sizeof(size_t)) == 0;
    ok(same, "plain: deterministic");
    free(tr2);
    free(te2);
    free(tr);
    free(te);

    /* small classes: >= 1 test row if >= 2 rows, >= 1 train row */
    cf.stratify = 1;
    cf.test_fraction = 0.9;
    d = make_data(8, small, 3, y);
    rc = mlclf_train_split(&d, &cf, &tr, &ntr, &te, &nte, &err);
    is_int(rc, MLCLF_OK, "small classes");
    count_classes(per, y, te, nte);

    is_int(per[0], 1, "2 rows, 0.9: one test row, one train row");
    is_int(per[1], 0, "1 row: train only");
    is_int(per[2], 4, "5 rows, 0.9: four test rows");
    ok(check_cover(&d, tr, ntr, te, nte), "small: disjoint, complete");
    free(tr);
    free(te);

    cf.test_fraction = 0.01;
    rc = mlclf_train_split(&d, &cf, &tr, &ntr, &te, &nte, &err);
    is_int(nte, 2, "0.01: still one test row per class of >= 2 rows");
    free(tr);
    free(te);

    /* errors */
    y[0] = 0;
    y[1] = 1;
    d.n_rows = 2;
    d.n_classes = 2;
    rc = mlclf_train_split(&d, &cf, &tr, &ntr, &te, &nte, &err);
    is_int(rc, MLCLF_EINVAL, "one row per class: no test rows");
    ok(tr == NULL && te == NULL, "nothing allocated on failure");

    d.n_rows = 1;
    rc = mlclf_train_split(&d, &cf, &tr, &ntr, &te, &nte, &err);
    is_int(rc, MLCLF_EINVAL, "one row");

    return tap_done();
}
