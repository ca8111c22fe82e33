
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The dense gbt kernel (mlclf_model_dense.c, mlclf_predict_dense.c)
 * against the walk of the packed nodes, bit for bit: the same model
 * loaded twice, the dense layout dropped from one; and loaded a third
 * time with its lines' leaves walked in vector lanes, as on a CPU
 * without VBMI, where this one looks them up.  Rows sit on the
 * thresholds, next to them, at the infinities and signed zeros, and at
 * random, one in five with one to three missing values; trees are
 * uneven, counts not multiples of the blocks, every depth the layout
 * takes and the limits it refuses, and eights of full trees of two
 * depths, which the walk takes side by side.  Also checked: the
 * missing rules the words for rows with a missing value take (NaN
 * missing, or read as 0, by feature) and those they refuse (a feature
 * with both, values near 0 missing, too many thresholds), whose rows
 * then walk.
 *
 * On a CPU without AVX-512BW no model is dense: the test says so and
 * checks that.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_format.h>
#include <mlclf_model.h>
#include <mlclf_model_parse.h>
#include <mlclf_predict.h>

#define RND_SEED  0x2545f4914f6cdd1dULL

#include "tap.h"
#include "rnd.h"
#include "model_spec.h"


#define POOL   48                       /* thresholds a feature, at most */
#define ROWS   3000


typedef struct {
    uint32_t                  trees;
    uint32_t                  features;
    uint32_t                  depth;        /* the deepest a tree gets */
    uint32_t                  classes;
    uint32_t                  link;
    int                       f32;
    uint32_t                  distinct;     /* 0, or feature 0's
                                               thresholds so many,
                                               in turn */
    int                       full;         /* no early leaves */
    int                       shallow;      /* every other eight trees
                                               3 levels less deep */
    int                       rules;        /* RULES_* */
} shape_t;


/* The nodes' missing rules: */
enum {
    RULES_NAN = 0,                          /* NaN missing, everywhere */
    RULES_AS_ZERO,                          /* NaN read as 0 on every
                                               third feature */
    RULES_CLASH,                            /* feature 0 both ways */
    RULES_ZERO                              /* near 0 missing on every
                                               third feature */
};


typedef struct {
    uint32_t                 *off, *left, *right, *cls;
    int32_t                  *feat;
    double                   *thr, *leaves, *pool;
    uint8_t                  *dec;
    uint32_t                  n_leaves, turn;
    uint32_t                  depth;        /* of the tree grown */
} trees_t;


/* The missing rule of a node on feature f, by sh->rules. */
static uint8_t
rule(const shape_t *sh, uint32_t f)
{
    switch (sh->rules) {
    case RULES_AS_ZERO:
        return f % 3 == 0 ? MLCLF_MISSING_AS_ZERO : MLCLF_MISSING_NAN;
    case RULES_CLASH:
        return f == 0 && rnd() & 1 ? MLCLF_MISSING_AS_ZERO
                                   : MLCLF_MISSING_NAN;
    case RULES_ZERO:
        return f % 3 == 0 ? MLCLF_MISSING_ZERO : MLCLF_MISSING_NAN;
    default:
        return MLCLF_MISSING_NAN;
    }
}


/* Node at place k of tree t, level deep, and below it; returns next. */
static uint32_t
grow(const shape_t *sh, trees_t *tr, uint32_t k, uint32_t level,
    uint32_t next)
{
    uint32_t  f;
    double    v;

    if (level == tr->depth || (!sh->full && level > 0 && rnd() % 4 == 0)) {
        v = (rnd_unit() - 0.5) * 2.0;
        tr->feat[k] = -1;
        tr->thr[k] = 0.0;
        tr->dec[k] = 0;
        tr->left[k] = tr->n_leaves;
        tr->right[k] = 0;
        tr->leaves[tr->n_leaves++] = sh->f32 ? (double) (float) v : v;
        return next;
    }

    f = (uint32_t) (rnd() % sh->features);
    tr->feat[k] = (int32_t) f;

    if (sh->distinct && f == 0) {
        tr->thr[k] = (double) (tr->turn++ % sh->distinct) / 7.0 - 3.0;

    } else {
        tr->thr[k] = tr->pool[f * POOL + rnd() % POOL];
    }

    tr->dec[k] = (uint8_t) (MLCLF_CMP_LE | rule(sh, f)
                            | (rnd() & 1 ? MLCLF_DEFAULT_LEFT : 0));
    tr->left[k] = next;
    tr->right[k] = next + 1;
    next += 2;
    next = grow(sh, tr, tr->left[k], level + 1, next);

    return grow(sh, tr, tr->right[k], level + 1, next);
}


/* A value of feature f: on a threshold, next to one, or elsewhere. */
static double
value(const trees_t *tr, uint32_t f)
{
    double  t;

    t = tr->pool[f * POOL + rnd() % POOL];

    switch (rnd() % 8) {
    case 0:
    case 1:
        return t;
    case 2:
        return nextafter(t, INFINITY);
    case 3:
        return nextafter(t, -INFINITY);
    case 4:
        return rnd() & 1 ? INFINITY : -INFINITY;
    case 5:
        return rnd() & 1 ? 0.0 : -0.0;
    default:
        return (rnd_unit() - 0.5) * 8.0;
    }
}


/*
 * The layout a made of shape sh: dense where want_dense and the CPU
 * runs the kernel, with words for rows with a missing value where
 * want_missing, its scores as float32 for a float32 model, and the
 * leaves of its lines looked up where the CPU permutes bytes.
 */
static void
check_layout(const char *what, const shape_t *sh, const mlclf_model_t *a,
    int want_dense, int want_missing)
{
    int  cpu, dense;

    cpu = mlclf_predict_dense_cpu();
    dense = want_dense && cpu;
    is_int(a->dword != NULL, dense,
           "%s: dense layout %s", what,
           dense ? "made" : cpu ? "not made: past its limits"
                              : "not made: no AVX-512BW");
    is_int(a->dmword != NULL, dense && want_missing,
           "%s: words for rows with a missing value %s", what,
           dense && want_missing ? "made" : "not made");

    if (a->dword != NULL) {
        /* a float32 model's scores as floats: half the cache lines */
        is_int(a->dleaf32 != NULL, sh->f32, "%s: scores as %s", what,
               sh->f32 ? "float32" : "double");
        is_int(a->dleaf != NULL, !sh->f32, "%s: one copy of the scores",
               what);
        is_int(a->dleafof != NULL, a->dlow != 0 && mlclf_predict_dense_vbmi(),
               "%s: the lines' leaves %s", what,
               a->dlow == 0 ? "none: no lines"
               : mlclf_predict_dense_vbmi() ? "looked up"
                                            : "walked: no VBMI");
    }
}


/*
 * ROWS rows of shape sh's trees tr (next nodes) through a (dense as
 * loaded), b (its dense layout dropped: the walk) and c (its lines'
 * bits walked, not looked up): the three answer alike, bit for bit.
 */
static void
check_rows(const char *what, const shape_t *sh, const trees_t *tr,
    uint32_t next, const mlclf_model_t *a, const mlclf_model_t *b,
    const mlclf_model_t *c)
{
    int        bad, walked;
    double    *x, pa[8], pb[8], pc[8];
    uint32_t   j, r;

    x = calloc(sh->features, sizeof(double));

    if (x == NULL) {
        printf("Bail out! out of memory\n");
        exit(1);
    }

    bad = 0;
    walked = 0;

    for (r = 0; r < ROWS; r++) {
        for (j = 0; j < sh->features; j++) {
            x[j] = sh->distinct ? rnd() % 4 == 0 ? INFINITY
                                  : tr->thr[rnd() % next] + (rnd() % 3 - 1.0)
                                  * 1e-12
                                : value(tr, j);
        }

        /* one row in five with missing values: the walk on one side */
        if (r % 5 == 4) {
            for (j = rnd() % 3; j < 3; j++) {
                x[rnd() % sh->features] = NAN;
            }
        }

        (void) mlclf_predict_proba(a, x, pa);
        (void) mlclf_predict_proba(b, x, pb);
        (void) mlclf_predict_proba(c, x, pc);
        bad += memcmp(pa, pb, sh->classes * sizeof(double)) != 0;
        walked += memcmp(pc, pb, sh->classes * sizeof(double)) != 0;
    }

    is_int(bad, 0, "%s: %u trees, %u features, depth %u, %s sums, "
           "%u classes: dense = walk on %d rows", what, sh->trees,
           sh->features, sh->depth, sh->f32 ? "float32" : "double",
           sh->classes, ROWS);
    is_int(walked, 0, "%s: the lines' bits walked = walk on %d rows", what,
           ROWS);

    free(x);
}


/*
 * A random model of shape sh, loaded three times: dense as loaded, with
 * its dense layout dropped, and with its lines' leaves walked, not
 * looked up; the three answer ROWS rows alike, bit for bit.
 * want_dense: whether the layout should have been made; want_missing:
 * and its words for rows with a missing value.
 */
static void
check_shape(const char *what, const shape_t *sh, int want_dense,
    int want_missing)
{
    void           *buf_a, *buf_b, *buf_c;
    double          base[8];
    uint32_t        t, j, k, cap, no, next;
    trees_t         tr;
    mlclf_spec_t    s;
    mlclf_model_t  *a, *b, *c;

    static const char *const  labels[] = { "a", "b", "c", "d" };
    static const char        *names[MLCLF_DENSE_FEATURES + 1];
    static char               name_buf[MLCLF_DENSE_FEATURES + 1][16];

    cap = sh->trees * ((2u << sh->depth) + 1);
    memset(&tr, 0, sizeof(tr));
    tr.off = calloc(sh->trees + 1, sizeof(uint32_t));
    tr.cls = calloc(sh->trees, sizeof(uint32_t));
    tr.left = calloc(cap, sizeof(uint32_t));
    tr.right = calloc(cap, sizeof(uint32_t));
    tr.feat = calloc(cap, sizeof(int32_t));
    tr.thr = calloc(cap, sizeof(double));
    tr.dec = calloc(cap, 1);
    tr.leaves = calloc(cap, sizeof(double));
    tr.pool = calloc((size_t) sh->features * POOL, sizeof(double));

    if (tr.off == NULL || tr.cls == NULL || tr.left == NULL
        || tr.right == NULL || tr.feat == NULL || tr.thr == NULL
        || tr.dec == NULL || tr.leaves == NULL || tr.pool == NULL)
    {
        printf("Bail out! out of memory\n");
        exit(1);
    }

    /* a few thresholds a feature, shared by many nodes; -0.0 among them */
    for (j = 0; j < sh->features * POOL; j++) {
        tr.pool[j] = j % POOL == 0 ? -0.0
                     : j % POOL == 1 ? 0.0
                     : (double) (float) ((rnd_unit() - 0.5) * 6.0);
    }

    for (j = 0; j < sh->features; j++) {
        snprintf(name_buf[j], sizeof(name_buf[j]), "f%u", j);
        names[j] = name_buf[j];
    }

    no = (sh->link == MLCLF_LINK_SIGMOID && sh->classes == 2)
         ? 1 : sh->classes;
    next = 0;

    for (t = 0; t < sh->trees; t++) {
        tr.off[t] = next;
        tr.cls[t] = t % no;
        tr.depth = sh->shallow && t / 8 % 2 ? sh->depth - 3 : sh->depth;
        next = grow(sh, &tr, next, 0, next + 1);
    }

    tr.off[sh->trees] = next;

    for (k = 0; k < no; k++) {
        base[k] = sh->f32 ? (double) (float) (0.25 - 0.1 * k) : 0.25 - 0.1 * k;
    }

    memset(&s, 0, sizeof(s));
    s.kind = MLCLF_KIND_GBT;
    s.n_features = sh->features;
    s.n_classes = sh->classes;
    s.feature_names = names;
    s.class_labels = labels;
    s.n_trees = sh->trees;
    s.n_nodes = next;
    s.n_leaves = tr.n_leaves;
    s.tree_offsets = tr.off;
    s.node_feature = tr.feat;
    s.node_threshold = tr.thr;
    s.node_left = tr.left;
    s.node_right = tr.right;
    s.node_decision = tr.dec;
    s.leaf_values = tr.leaves;
    s.n_outputs = no;
    s.tree_class = tr.cls;
    s.base = base;
    s.link = sh->link;
    s.gbt_flags = sh->f32 ? MLCLF_GBT_FLOAT32 : 0;
    s.link_scale = 1.0;
    s.divisor = 1.0;

    a = model_spec_load(&s, &buf_a);
    b = model_spec_load(&s, &buf_b);
    c = model_spec_load(&s, &buf_c);
    mlclf_model_undense(b);

    /* c walks its lines' bits, as a CPU without VBMI does */
    c->dleafof = NULL;

    check_layout(what, sh, a, want_dense, want_missing);
    check_rows(what, sh, &tr, next, a, b, c);

    mlclf_model_close(&a);
    mlclf_model_close(&b);
    mlclf_model_close(&c);
    free(buf_a);
    free(buf_b);
    free(buf_c);
    free(tr.off);
    free(tr.cls);
    free(tr.left);
    free(tr.right);
    free(tr.feat);
    free(tr.thr);
    free(tr.dec);
    free(tr.leaves);
    free(tr.pool);
}


int
main(void)
{
    static const shape_t  one = { 1, 1, 1, 2, MLCLF_LINK_SIGMOID, 1, 0, 0,
                                  0, RULES_NAN };
    static const shape_t  stump = { 31, 3, 2, 2, MLCLF_LINK_SIGMOID, 0, 0,
                                    0, 0, RULES_NAN };
    static const shape_t  wide = { 33, 64, 6, 2, MLCLF_LINK_SIGMOID, 1, 0,
                                   0, 0, RULES_NAN };
    static const shape_t  five = { 129, 20, 5, 2, MLCLF_LINK_SIGMOID, 1, 0,
                                   1, 0, RULES_NAN };
    static const shape_t  soft = { 300, 7, 6, 3, MLCLF_LINK_SOFTMAX, 1, 0,
                                   0, 0, RULES_NAN };
    static const shape_t  ovr = { 200, 9, 4, 3, MLCLF_LINK_SIGMOID, 0, 0,
                                  0, 0, RULES_NAN };
    static const shape_t  big = { 500, 20, 6, 2, MLCLF_LINK_SIGMOID, 1, 0,
                                  1, 0, RULES_NAN };
    static const shape_t  uneven = { 109, 20, 6, 2, MLCLF_LINK_SIGMOID, 1,
                                     0, 1, 1, RULES_NAN };
    static const shape_t  ranks = { 33, 1, 5, 2, MLCLF_LINK_SIGMOID, 0,
                                    1022, 1, 0, RULES_NAN };
    static const shape_t  deep = { 40, 5, 7, 2, MLCLF_LINK_SIGMOID, 1, 0,
                                   0, 0, RULES_NAN };
    static const shape_t  many = { 40, 65, 3, 2, MLCLF_LINK_SIGMOID, 1, 0,
                                   0, 0, RULES_NAN };
    static const shape_t  past = { 33, 1, 5, 2, MLCLF_LINK_SIGMOID, 0,
                                   1023, 1, 0, RULES_NAN };
    static const shape_t  mranks = { 40, 2, 5, 2, MLCLF_LINK_SIGMOID, 0,
                                     511, 1, 0, RULES_NAN };
    static const shape_t  mpast = { 40, 2, 5, 2, MLCLF_LINK_SIGMOID, 0,
                                    512, 1, 0, RULES_NAN };
    static const shape_t  as_zero = { 200, 20, 6, 2, MLCLF_LINK_SIGMOID,
                                      1, 0, 0, 0, RULES_AS_ZERO };
    static const shape_t  clash = { 100, 4, 6, 2, MLCLF_LINK_SIGMOID, 1,
                                    0, 0, 0, RULES_CLASH };
    static const shape_t  zero = { 100, 9, 5, 2, MLCLF_LINK_SIGMOID, 0, 0,
                                   0, 0, RULES_ZERO };

    check_shape("one tree", &one, 1, 1);
    check_shape("stumps", &stump, 1, 1);
    check_shape("64 features", &wide, 1, 1);
    check_shape("full depth 5", &five, 1, 1);
    check_shape("softmax", &soft, 1, 1);
    check_shape("one sigmoid a class", &ovr, 1, 1);
    check_shape("500 trees", &big, 1, 1);

    /* full trees of depth 6 and 3 by turns of eight, 13 eights and 5:
     * walked to the depth of the deepest of the trees side by side */
    check_shape("depth 6 and 3 by eights", &uneven, 1, 1);

    /* 33 full trees of 31 nodes on one feature: the most ranks, and one
     * past them */
    check_shape("1022 thresholds on a feature", &ranks, 1, 0);
    check_shape("1023 thresholds on a feature", &past, 0, 0);
    check_shape("depth 7", &deep, 0, 0);

    /* rows with a missing value: the rules and ranks their words take */
    check_shape("NaN read as 0 on every third feature", &as_zero, 1, 1);
    check_shape("a feature whose nodes differ on NaN", &clash, 1, 0);
    check_shape("values near 0 missing", &zero, 1, 0);
    /* 40 full trees of 31 nodes on two features: the most ranks those
     * words take on feature 0, and one past them, its bin's top bit
     * set for a value above them all */
    check_shape("511 thresholds on a feature", &mranks, 1, 1);
    check_shape("512 thresholds on a feature", &mpast, 1, 0);
    check_shape("65 features", &many, 0, 0);

    return tap_done();
}
