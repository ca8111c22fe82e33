
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Where one row's time goes in the dense gbt kernel, the parts that
 * bench/gbt.py prints beside its table:
 *
 *   gbt_parts MODEL ROWS.csv [REPEATS]
 *
 * MODEL is a binary gbt model that takes the dense layout on this CPU,
 * ROWS.csv a header line and n_features numbers per line, none
 * missing.  Rows are taken in turn, as bench/micro does, and each
 * figure is nanoseconds a row, the median of REPEATS passes:
 *
 *   row_ns     mlclf_predict_proba(): the kernel as it runs, the sum
 *              of each 128 trees' leaves carried out between the
 *              levels of the next 128 trees' search
 *   bins_ns    mlclf_predict_dense_bins() alone
 *   search_ns  the search of all trees' leaves, with no sum, less bins
 *   sum_ns     then the sum of the leaves found, less the two above:
 *              the float adds one after the other (in float32 for a
 *              model that sums as XGBoost does) and the leaves' loads
 *   chain_ns   the same sum of one row's leaf values again and
 *              again, copied side by side (in L1): the adds' own
 *              dependency chain, one add waiting for the one before
 *
 * row_ns against bins_ns + search_ns + sum_ns tells how much of the
 * sum the search hides.  A model that is not dense here prints
 * {"dense":false} and exits 0.  Every call here is the library's own;
 * nothing is switched off inside the kernel.
 */


#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mlclf.h"
#include "mlclf_model.h"
#include "mlclf_predict.h"


#define GBT_PARTS_CALLS        200000
#define GBT_PARTS_MAX_REPEATS  31
#define GBT_PARTS_ROWS         1024


typedef enum {
    GBT_PARTS_ROW = 0,
    GBT_PARTS_BINS,
    GBT_PARTS_SEARCH,
    GBT_PARTS_SERIAL,
    GBT_PARTS_CHAIN,
    GBT_PARTS_N
} gbt_parts_part_t;


typedef struct {
    const mlclf_model_t      *m;
    const double             *x;
    size_t                    rows;
    uint32_t                 *n;            /* the leaves' places */
    uint32_t                 *seq;          /* 0, 2, 4, ...: in order */
    float                    *lvf;          /* one row's leaf values, */
    double                   *lv;           /* side by side */
    uint64_t                  sink;
} gbt_parts_t;


static double gbt_parts_now(void);
static int gbt_parts_cmp(const void *a, const void *b);
static double *gbt_parts_read(const char *path, uint32_t nf, size_t *n);
static void gbt_parts_search(const gbt_parts_t *g, const uint16_t *bin);
static float gbt_parts_sum(const gbt_parts_t *g, const uint32_t *n,
    const double *lv, const float *lvf);
static void gbt_parts_side(gbt_parts_t *g);
static void gbt_parts_call(gbt_parts_t *g, gbt_parts_part_t part,
    size_t i);
static double gbt_parts_time(gbt_parts_t *g, gbt_parts_part_t part,
    int repeats);


static double
gbt_parts_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec * 1e-9;
}


static int
gbt_parts_cmp(const void *a, const void *b)
{
    double  x, y;

    x = *(const double *) a;
    y = *(const double *) b;

    return (x > y) - (x < y);
}


/* At most GBT_PARTS_ROWS rows of nf numbers from path, or NULL. */
static double *
gbt_parts_read(const char *path, uint32_t nf, size_t *n)
{
    FILE      *f;
    char       line[65536], *p, *end;
    double    *x;
    size_t     rows;
    uint32_t   k;

    f = fopen(path, "r");

    if (f == NULL) {
        fprintf(stderr, "gbt_parts: %s: %s\n", path, strerror(errno));
        return NULL;
    }

    x = malloc((size_t) GBT_PARTS_ROWS * nf * sizeof(double));
    rows = 0;

    /* the header line first */
    if (x == NULL || fgets(line, sizeof(line), f) == NULL) {
        fprintf(stderr, "gbt_parts: %s: no header line\n", path);
        goto failed;
    }

    while (rows < GBT_PARTS_ROWS && fgets(line, sizeof(line), f) != NULL) {
        p = line;

        for (k = 0; k < nf; k++) {
            errno = 0;
            x[rows * nf + k] = strtod(p, &end);

            if (end == p || errno != 0) {
                fprintf(stderr, "gbt_parts: %s:%zu: not %u numbers\n",
                        path, rows + 2, nf);
                goto failed;
            }

            p = (*end == ',') ? end + 1 : end;
        }

        rows++;
    }

    if (rows == 0) {
        fprintf(stderr, "gbt_parts: %s: no rows\n", path);
        goto failed;
    }

    fclose(f);
    *n = rows;

    return x;

failed:

    fclose(f);
    free(x);

    return NULL;
}


/* Every tree's leaf into g->n, 128 trees a call, with no sum on the way. */
static void
gbt_parts_search(const gbt_parts_t *g, const uint16_t *bin)
{
    uint32_t         t, c;
    mlclf_gbt_sum_t  none;

    memset(&none, 0, sizeof(none));

    for (t = 0; t < g->m->n_trees; t += c) {
        c = g->m->n_trees - t < MLCLF_DENSE_CHUNK ? g->m->n_trees - t
                                                   : MLCLF_DENSE_CHUNK;
        mlclf_predict_dense_leaves(g->m, bin, t, c, 0, g->n + t, &none);
    }
}


/* The sum of the leaves n of lv (or lvf), as the kernel adds them. */
static float
gbt_parts_sum(const gbt_parts_t *g, const uint32_t *n, const double *lv,
    const float *lvf)
{
    mlclf_gbt_sum_t  s;

    s.lv = lv;
    s.lvf = lvf;
    s.f32 = (g->m->gbt_flags & MLCLF_GBT_FLOAT32) != 0;
    s.zd = g->m->gbt_base[0];
    s.zf = (float) s.zd;
    s.n = n;
    s.left = g->m->n_trees;
    s.sums = 0;

    mlclf_predict_sum_add(&s, s.left);

    return s.f32 ? s.zf : (float) s.zd;
}


/* The first row's leaf values side by side in g->lv or g->lvf. */
static void
gbt_parts_side(gbt_parts_t *g)
{
    uint16_t  bin[MLCLF_DENSE_FEATURES];
    uint32_t  t;

    mlclf_predict_dense_bins(g->m, g->x, 0, bin);
    gbt_parts_search(g, bin);

    for (t = 0; t < g->m->n_trees; t++) {
        g->seq[t] = 2 * t;

        if (g->m->dleaf32 != NULL) {
            g->lvf[t] = g->m->dleaf32[g->n[t] / 2];

        } else {
            g->lv[t] = g->m->dleaf[g->n[t] / 2];
        }
    }
}


static void
gbt_parts_call(gbt_parts_t *g, gbt_parts_part_t part, size_t i)
{
    double         p[2];
    uint16_t       bin[MLCLF_DENSE_FEATURES];
    const double  *x;

    x = g->x + (i & (GBT_PARTS_ROWS - 1)) % g->rows * g->m->n_features;

    switch (part) {

    case GBT_PARTS_ROW:
        g->sink += mlclf_predict_proba(g->m, x, p);
        return;

    case GBT_PARTS_CHAIN:
        g->sink += gbt_parts_sum(g, g->seq,
                                 g->m->dleaf32 != NULL ? NULL : g->lv,
                                 g->m->dleaf32 != NULL ? g->lvf : NULL)
                   > 0.0f;
        return;

    default:
        break;
    }

    mlclf_predict_dense_bins(g->m, x, 0, bin);
    g->sink += bin[i % g->m->n_features];

    if (part == GBT_PARTS_BINS) {
        return;
    }

    gbt_parts_search(g, bin);
    g->sink += g->n[i % g->m->n_trees];

    if (part == GBT_PARTS_SERIAL) {
        g->sink += gbt_parts_sum(g, g->n, g->m->dleaf, g->m->dleaf32)
                   > 0.0f;
    }
}


/* The median over repeats of ns a call of part. */
static double
gbt_parts_time(gbt_parts_t *g, gbt_parts_part_t part, int repeats)
{
    int     r;
    double  start, pass[GBT_PARTS_MAX_REPEATS];
    size_t  i;

    memset(pass, 0, sizeof(pass));

    for (r = 0; r < repeats; r++) {
        start = gbt_parts_now();

        for (i = 0; i < GBT_PARTS_CALLS; i++) {
            gbt_parts_call(g, part, i);
        }

        pass[r] = (gbt_parts_now() - start) / GBT_PARTS_CALLS * 1e9;
    }

    qsort(pass, (size_t) repeats, sizeof(double), gbt_parts_cmp);

    return pass[repeats / 2];
}


int
main(int argc, char **argv)
{
    int             repeats, part;
    double          ns[GBT_PARTS_N];
    size_t          size;
    gbt_parts_t     g;
    mlclf_err_t     err;
    mlclf_model_t  *m;

    if (argc < 3) {
        fprintf(stderr, "usage: gbt_parts MODEL ROWS.csv [REPEATS]\n");
        return 2;
    }

    repeats = argc > 3 ? atoi(argv[3]) : 5;

    if (repeats < 1 || repeats > GBT_PARTS_MAX_REPEATS) {
        fprintf(stderr, "gbt_parts: REPEATS: 1 to %d\n",
                GBT_PARTS_MAX_REPEATS);
        return 2;
    }

    if (mlclf_model_open(&m, argv[1], 0, &err) != MLCLF_OK) {
        fprintf(stderr, "gbt_parts: %s\n", err.msg);
        return 1;
    }

    if (m->kind != MLCLF_KIND_GBT || m->n_outputs != 1) {
        fprintf(stderr, "gbt_parts: %s: not a binary gbt model\n", argv[1]);
        mlclf_model_close(&m);
        return 1;
    }

    if (m->dword == NULL) {
        printf("{\"dense\":false}\n");
        mlclf_model_close(&m);
        return 0;
    }

    memset(&g, 0, sizeof(g));
    g.m = m;
    g.x = gbt_parts_read(argv[2], m->n_features, &g.rows);
    /* the kernel writes whole blocks of 32 places */
    size = (size_t) m->n_trees + MLCLF_DENSE_CHUNK;
    g.n = malloc(size * sizeof(uint32_t));
    g.seq = malloc(size * sizeof(uint32_t));
    g.lvf = malloc(size * sizeof(float));
    g.lv = malloc(size * sizeof(double));

    if (g.x == NULL || g.n == NULL || g.seq == NULL || g.lvf == NULL
        || g.lv == NULL)
    {
        part = 1;
        goto done;
    }

    for (part = 0; part < GBT_PARTS_N; part++) {
        if (part == GBT_PARTS_CHAIN) {
            gbt_parts_side(&g);
        }

        ns[part] = gbt_parts_time(&g, (gbt_parts_part_t) part, repeats);
    }

    printf("{\"dense\":true,\"trees\":%u,\"depth\":%u,\"rows\":%zu,"
           "\"row_ns\":%.1f,\"bins_ns\":%.1f,\"search_ns\":%.1f,"
           "\"sum_ns\":%.1f,\"chain_ns\":%.1f,\"sink\":%llu}\n",
           m->n_trees, m->ddepth, g.rows, ns[GBT_PARTS_ROW],
           ns[GBT_PARTS_BINS], ns[GBT_PARTS_SEARCH] - ns[GBT_PARTS_BINS],
           ns[GBT_PARTS_SERIAL] - ns[GBT_PARTS_SEARCH],
           ns[GBT_PARTS_CHAIN], (unsigned long long) g.sink);

    part = 0;

done:

    free((void *) g.x);
    free(g.n);
    free(g.seq);
    free(g.lvf);
    free(g.lv);
    mlclf_model_close(&m);

    return part;
}
