
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * Explanations (mlclf_explain() in mlclf.h) and the format version 4
 * sections they read (LINEAR_MEAN, NODE_COVER).
 *
 * Every kind's contributions plus its base equal the margin, computed
 * here from the spec by a walk of its own, to 1e-9: the fixture models
 * of model_spec.h (gbt rows with each missing rule), and random gbt and
 * forest models.  The tree contributions are also the Shapley values
 * of the path-dependent game, computed here by brute force over every
 * subset of the features (the value of a subset S at x: the tree walked
 * by x at nodes on features in S, and at the others both children
 * averaged by their covers), to 1e-9: TreeSHAP is that game's exact
 * answer.  Then the verifier's checks of the new sections, and the
 * version the writer stamps.
 *
 * The fixture models with their covers or means are also the seeds
 * tests/fuzz/corpus/model/explain-*.mlclf; after a format change,
 * rewrite them with
 *
 *     make build/tests/test_explain && MLCLF_REGEN=1 build/tests/test_explain
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "mlclf.h"
#include "mlclf_format.h"
#include "files.h"
#include "model_damage.h"
#include "model_spec.h"
#include "rnd.h"
#include "tap.h"


#define T_TOL       1e-9
#define T_MAX_F     8
#define T_MAX_OUT   3
#define T_NODES     8192
#define T_TREES     16


/* A random model's arrays, for a spec to point at. */
typedef struct {
    uint32_t                  n_nodes;
    uint32_t                  n_leaves;
    uint32_t                  n_classes;    /* values per leaf row */
    uint32_t                  n_features;
    uint32_t                  offsets[T_TREES + 1];
    uint32_t                  tree_class[T_TREES];
    int32_t                   feature[T_NODES];
    double                    threshold[T_NODES];
    uint32_t                  left[T_NODES];
    uint32_t                  right[T_NODES];
    uint8_t                   decision[T_NODES];
    double                    cover[T_NODES];
    double                    leaves[T_NODES * T_MAX_OUT];
} t_rand_t;


static int t_goes_left(const mlclf_spec_t *s, uint32_t n, double v);
static void t_subset_value(const mlclf_spec_t *s, uint32_t n,
    const double *x, uint32_t set, double w, double *v);
static uint32_t t_outputs(const mlclf_spec_t *s);
static void t_game(const mlclf_spec_t *s, const double *x, uint32_t set,
    double *v);
static void t_shapley(const mlclf_spec_t *s, const double *x, double *phi);
static double t_check(const mlclf_spec_t *s, const mlclf_model_t *m,
    const double *x, int brute);
static void t_fixtures(void);
static void t_seed(const mlclf_spec_t *s, const char *name);
static uint32_t t_grow(t_rand_t *r, uint32_t depth, int chain);
static void t_random_spec(t_rand_t *r, mlclf_spec_t *s, mlclf_kind_e kind,
    uint32_t n_trees, uint32_t depth, int chain);
static void t_random(mlclf_kind_e kind, uint32_t n_trees, uint32_t depth,
    int chain, const char *what);
static void t_versions(void);
static void t_damage(void);
static void t_reply(void);
static void t_reply_check(const mlclf_model_t *m, const char *body,
    size_t rows, const char *what);


/* The format's routing (mlclf_format.h, NODE_DECISION), one node. */
static int
t_goes_left(const mlclf_spec_t *s, uint32_t n, double v)
{
    uint8_t  d;

    d = s->node_decision != NULL ? s->node_decision[n] : 0;

    switch (d & MLCLF_MISSING_MASK) {

    case MLCLF_MISSING_AS_ZERO:
        v = isnan(v) ? 0.0 : v;
        break;

    case MLCLF_MISSING_ZERO:
        if (isnan(v) || fabs(v) <= MLCLF_ZERO_EPS) {
            return (d & MLCLF_DEFAULT_LEFT) != 0;
        }

        break;

    default:
        if (isnan(v)) {
            return (d & MLCLF_DEFAULT_LEFT) != 0;
        }

        break;
    }

    return v <= s->node_threshold[n];
}


/*
 * Adds w times the value of the subtree at n for the features in set
 * (bit j: feature j is known) to v[]: a known feature's node follows
 * x, another's averages its children by cover.
 */
static void
t_subset_value(const mlclf_spec_t *s, uint32_t n, const double *x,
    uint32_t set, double w, double *v)
{
    int32_t   f;
    uint32_t  k, nc, l, r;

    f = s->node_feature[n];

    if (f == -1) {
        nc = s->kind == MLCLF_KIND_GBT ? 1 : s->n_classes;

        for (k = 0; k < nc; k++) {
            v[k] += w * s->leaf_values[(size_t) s->node_left[n] * nc + k];
        }

        return;
    }

    l = s->node_left[n];
    r = s->node_right[n];

    if (set & (1u << f)) {
        t_subset_value(s, t_goes_left(s, n, x[f]) ? l : r, x, set, w, v);
        return;
    }

    if (s->node_cover[l] != 0.0) {
        t_subset_value(s, l, x, set, w * s->node_cover[l] / s->node_cover[n],
                       v);
    }

    if (s->node_cover[r] != 0.0) {
        t_subset_value(s, r, x, set, w * s->node_cover[r] / s->node_cover[n],
                       v);
    }
}


static uint32_t
t_outputs(const mlclf_spec_t *s)
{
    return s->kind == MLCLF_KIND_FOREST ? s->n_classes : s->n_outputs;
}


/*
 * The model's margins v[] for the features in set; with every feature
 * known, the margin of the row (mlclf.h): logreg w . x + b, gbt the
 * base plus the leaves over the divisor, forest the mean leaf row.
 */
static void
t_game(const mlclf_spec_t *s, const double *x, uint32_t set, double *v)
{
    double        tv[T_MAX_OUT];
    uint32_t      k, t, j, no;
    const double  *w;

    no = t_outputs(s);

    if (s->kind == MLCLF_KIND_LOGREG) {
        for (k = 0; k < no; k++) {
            w = s->weights + (size_t) k * s->n_features;
            v[k] = s->bias[k];

            for (j = 0; j < s->n_features; j++) {
                v[k] += w[j] * ((set & (1u << j)) ? x[j]
                                                  : s->linear_mean[j]);
            }
        }

        return;
    }

    for (k = 0; k < no; k++) {
        v[k] = s->kind == MLCLF_KIND_GBT ? s->base[k] : 0.0;
    }

    for (t = 0; t < s->n_trees; t++) {
        memset(tv, 0, sizeof(tv));
        t_subset_value(s, s->tree_offsets[t], x, set, 1.0, tv);

        if (s->kind == MLCLF_KIND_GBT) {
            v[s->tree_class[t]] += tv[0];
            continue;
        }

        for (k = 0; k < no; k++) {
            v[k] += tv[k] / s->n_trees;
        }
    }

    if (s->kind == MLCLF_KIND_GBT && s->divisor != 0.0) {
        for (k = 0; k < no; k++) {
            v[k] /= s->divisor;
        }
    }
}


/* Shapley values of the game, by brute force: phi[no][nf + 1]. */
static void
t_shapley(const mlclf_spec_t *s, const double *x, double *phi)
{
    double    wgt, fact[T_MAX_F + 1], with[T_MAX_OUT], without[T_MAX_OUT];
    uint32_t  nf, no, set, j, k, size, b;

    nf = s->n_features;
    no = t_outputs(s);

    fact[0] = 1.0;

    for (j = 1; j <= nf; j++) {
        fact[j] = fact[j - 1] * j;
    }

    memset(phi, 0, sizeof(double) * no * (nf + 1));

    for (set = 0; set < (1u << nf); set++) {
        size = 0;

        for (b = 0; b < nf; b++) {
            size += (set >> b) & 1;
        }

        t_game(s, x, set, without);

        for (j = 0; j < nf; j++) {
            if (set & (1u << j)) {
                continue;
            }

            t_game(s, x, set | (1u << j), with);
            wgt = fact[size] * fact[nf - size - 1] / fact[nf];

            for (k = 0; k < no; k++) {
                phi[k * (nf + 1) + j] += wgt * (with[k] - without[k]);
            }
        }
    }

    t_game(s, x, 0, without);

    for (k = 0; k < no; k++) {
        phi[k * (nf + 1) + nf] = without[k];
    }
}


/*
 * Explains x and returns the largest error: of each output's sum
 * against the margin, and with brute, of each contribution against the
 * brute-force Shapley value, relative to 1 + |the larger|.
 */
static double
t_check(const mlclf_spec_t *s, const mlclf_model_t *m, const double *x,
    int brute)
{
    double    *phi, *scratch, sum, e, worst, margin[T_MAX_OUT];
    double     want[T_MAX_OUT * (T_MAX_F + 1)];
    uint32_t   k, j, nf, no;

    nf = s->n_features;
    no = t_outputs(s);

    phi = calloc((size_t) no * (nf + 1), sizeof(double));
    scratch = calloc(mlclf_explain_scratch(m) + 1, sizeof(double));

    if (phi == NULL || scratch == NULL) {
        free(phi);
        free(scratch);
        return INFINITY;
    }

    mlclf_explain(m, x, phi, scratch);
    t_game(s, x, (1u << nf) - 1, margin);

    worst = 0.0;

    for (k = 0; k < no; k++) {
        sum = 0.0;

        for (j = 0; j <= nf; j++) {
            sum += phi[k * (nf + 1) + j];
        }

        e = fabs(sum - margin[k]) / (1.0 + fabs(margin[k]));
        worst = e > worst || isnan(e) ? e : worst;
    }

    if (brute && nf <= T_MAX_F) {
        t_shapley(s, x, want);

        for (k = 0; k < no * (nf + 1); k++) {
            e = fabs(phi[k] - want[k]) / (1.0 + fabs(want[k]));
            worst = e > worst || isnan(e) ? e : worst;
        }
    }

    free(phi);
    free(scratch);

    return worst;
}


/* With MLCLF_REGEN set, the fuzzer's seed of s. */
static void
t_seed(const mlclf_spec_t *s, const char *name)
{
    char      path[256];
    size_t    len;
    uint8_t  *p;

    if (getenv("MLCLF_REGEN") == NULL) {
        return;
    }

    (void) snprintf(path, sizeof(path),
                    "tests/fuzz/corpus/model/explain-%s.mlclf", name);

    p = model_spec_write(s, &len);
    ok(files_write(path, p, len) == 0, "regenerated %s", path);
    free(p);
}


/* The fixture models of model_spec.h, with covers or means. */
static void
t_fixtures(void)
{
    int             i, r;
    void           *buf;
    double          worst, e;
    mlclf_spec_t    s;
    mlclf_model_t  *m;

    static const mlclf_kind_e  kinds[3] = {
        MLCLF_KIND_LOGREG, MLCLF_KIND_FOREST, MLCLF_KIND_GBT
    };

    static const char  *names[3] = { "logreg", "forest", "gbt" };

    /* x, y: each side of every threshold, 0, tiny, NaN (gbt only) */
    static const double  rows[][2] = {
        { 0.0, 0.0 }, { 0.5, -1.25 }, { 0.75, -1.0 }, { 3.0, 2.0 },
        { -2.0, 1.5 }, { 2.0, 1e-40 }, { NAN, 0.0 }, { 1.0, NAN },
        { NAN, NAN }, { 2.5, -5.0 }
    };

    for (i = 0; i < 3; i++) {
        if (kinds[i] == MLCLF_KIND_LOGREG) {
            model_spec_logreg(&s);

        } else if (kinds[i] == MLCLF_KIND_FOREST) {
            model_spec_forest(&s);

        } else {
            model_spec_gbt(&s);
        }

        m = model_spec_load(&s, &buf);
        is_int(mlclf_explain_ready(m), MLCLF_ENOEXPLAIN,
               "%s without %s cannot explain", names[i],
               i == 0 ? "means" : "covers");
        mlclf_model_close(&m);
        free(buf);

        model_spec_explain(&s);
        t_seed(&s, names[i]);
        m = model_spec_load(&s, &buf);
        is_int(mlclf_explain_ready(m), MLCLF_OK, "%s with them can",
               names[i]);
        is_int(mlclf_explain_n_outputs(m), 3, "%s: three outputs",
               names[i]);

        worst = 0.0;

        for (r = 0; r < (int) (sizeof(rows) / sizeof(rows[0])); r++) {
            if (kinds[i] != MLCLF_KIND_GBT
                && (isnan(rows[r][0]) || isnan(rows[r][1])))
            {
                continue;
            }

            e = t_check(&s, m, rows[r], 1);
            worst = e > worst || isnan(e) ? e : worst;
        }

        ok(worst <= T_TOL, "%s: sums are the margins, contributions the "
           "Shapley values, within %g", names[i], T_TOL);
        tap_diag("%s: largest error %.3g", names[i], worst);

        mlclf_model_close(&m);
        free(buf);
    }
}


/*
 * Grows a random subtree in preorder and returns its root: features
 * repeat on paths, thresholds and row values share a grid (so rows
 * fall on thresholds), and some leaves have no cover.  chain: each left
 * child is a leaf, the right one goes on, depth deep.
 */
static uint32_t
t_grow(t_rand_t *r, uint32_t depth, int chain)
{
    double    sum;
    uint32_t  n, k, l, nc;

    n = r->n_nodes++;

    if (depth == 0 || (!chain && rnd() % 5 == 0)) {
        nc = r->n_classes;
        r->feature[n] = -1;
        r->threshold[n] = 0.0;
        r->left[n] = r->n_leaves;
        r->right[n] = 0;
        r->decision[n] = 0;
        r->cover[n] = rnd() % 7 == 0 ? 0.0 : (double) (rnd() % 50 + 1);
        sum = 0.0;

        for (k = 0; k < nc; k++) {
            r->leaves[(size_t) r->n_leaves * nc + k] =
                nc == 1 ? rnd_unit() * 4.0 - 2.0 : rnd_unit();
            sum += r->leaves[(size_t) r->n_leaves * nc + k];
        }

        for (k = 0; nc != 1 && k < nc; k++) {
            r->leaves[(size_t) r->n_leaves * nc + k] /= sum;
        }

        r->n_leaves++;

        return n;
    }

    r->feature[n] = (int32_t) (rnd() % r->n_features);
    r->threshold[n] = (double) (rnd() % 5) - 2.0;
    r->decision[n] = MLCLF_CMP_LE | MLCLF_MISSING_NAN
                     | (rnd() % 2 ? MLCLF_DEFAULT_LEFT : 0);

    l = t_grow(r, chain ? 0 : depth - 1, chain);
    r->left[n] = l;
    r->right[n] = t_grow(r, depth - 1, chain);

    r->cover[n] = r->cover[l] + r->cover[r->right[n]];

    if (r->cover[n] == 0.0) {
        r->cover[l] = 1.0;
        r->cover[n] = 1.0;
    }

    return n;
}


static void
t_random_spec(t_rand_t *r, mlclf_spec_t *s, mlclf_kind_e kind,
    uint32_t n_trees, uint32_t depth, int chain)
{
    uint32_t  t;

    static const char *const  names[T_MAX_F] = {
        "a", "b", "c", "d", "e", "f", "g", "h"
    };

    static const char *const  labels[T_MAX_OUT] = { "p", "q", "r" };
    static const double       base[T_MAX_OUT] = { 0.25, -0.5, 1.0 };

    memset(s, 0, sizeof(*s));
    r->n_nodes = 0;
    r->n_leaves = 0;
    r->n_features = chain ? 3 : 5;
    r->n_classes = kind == MLCLF_KIND_GBT ? 1 : 3;

    for (t = 0; t < n_trees; t++) {
        r->offsets[t] = r->n_nodes;
        r->tree_class[t] = kind == MLCLF_KIND_GBT && !chain ? t % 3 : 0;
        (void) t_grow(r, depth, chain);
    }

    r->offsets[n_trees] = r->n_nodes;

    s->kind = kind;
    s->n_features = r->n_features;
    s->n_classes = kind == MLCLF_KIND_GBT && chain ? 2 : 3;
    s->feature_names = names;
    s->class_labels = labels;
    s->n_trees = n_trees;
    s->n_nodes = r->n_nodes;
    s->n_leaves = r->n_leaves;
    s->tree_offsets = r->offsets;
    s->node_feature = r->feature;
    s->node_threshold = r->threshold;
    s->node_left = r->left;
    s->node_right = r->right;
    s->node_decision = r->decision;
    s->leaf_values = r->leaves;
    s->node_cover = r->cover;

    if (kind == MLCLF_KIND_GBT) {
        s->n_outputs = chain ? 1 : 3;
        s->tree_class = r->tree_class;
        s->base = base;
        s->link = chain ? MLCLF_LINK_SIGMOID : MLCLF_LINK_SOFTMAX;
        s->link_scale = chain ? 0.0 : 1.0;
        s->divisor = chain ? 0.0 : 4.0;
    }
}


/* Random models of a kind, 200 rows each, NaN in a fifth of values. */
static void
t_random(mlclf_kind_e kind, uint32_t n_trees, uint32_t depth, int chain,
    const char *what)
{
    int             model, row;
    void           *buf;
    double          x[T_MAX_F], worst, e;
    uint32_t        j;
    t_rand_t       *r;
    mlclf_spec_t    s;
    mlclf_model_t  *m;

    r = calloc(1, sizeof(*r));
    ok(r != NULL, "%s: memory", what);

    if (r == NULL) {
        return;
    }

    worst = 0.0;

    for (model = 0; model < 20; model++) {
        t_random_spec(r, &s, kind, n_trees, depth, chain);
        m = model_spec_load(&s, &buf);

        for (row = 0; row < 200; row++) {
            for (j = 0; j < s.n_features; j++) {
                x[j] = rnd() % 5 == 0 ? NAN
                       : (double) (rnd() % 9) * 0.5 - 2.0;
            }

            e = t_check(&s, m, x, 1);
            worst = e > worst || isnan(e) ? e : worst;
        }

        mlclf_model_close(&m);
        free(buf);
    }

    ok(worst <= T_TOL, "%s: sums are the margins, contributions the "
       "Shapley values, within %g", what, T_TOL);
    tap_diag("%s: largest error %.3g", what, worst);

    free(r);
}


/* Version 4 only for a file with the new sections. */
static void
t_versions(void)
{
    int            i, k;
    size_t         len;
    uint8_t       *p;
    uint32_t       v;
    mlclf_spec_t   s;

    static const uint32_t  want[3][2] = { { 1, 4 }, { 1, 4 }, { 2, 4 } };

    for (i = 0; i < 3; i++) {
        for (k = 0; k < 2; k++) {
            if (i == 0) {
                model_spec_logreg(&s);

            } else if (i == 1) {
                model_spec_forest(&s);

            } else {
                model_spec_gbt(&s);
            }

            if (k) {
                model_spec_explain(&s);
            }

            p = model_spec_write(&s, &len);
            memcpy(&v, p + offsetof(mlclf_file_header_t, format_version),
                   sizeof(v));
            is_int(v, want[i][k], "%s %s: version %u",
                   i == 0 ? "logreg" : i == 1 ? "forest" : "gbt",
                   k ? "with explain sections" : "without", want[i][k]);
            free(p);
        }
    }
}


/* gbt with covers (the first ones), logreg with means (the rest). */
static const model_damage_t  t_cases[] = {
    { "NODE_COVER in a version 3 file", MLCLF_ESECTION, DMG_CRC,
      { DMG_HDR(format_version, SET, 3) } },
    { "a NaN cover", MLCLF_ECOVER, DMG_CRC,
      { DMG_F64(NODE_COVER, 4, SET, NAN) } },
    { "an infinite cover", MLCLF_ECOVER, DMG_CRC,
      { DMG_F64(NODE_COVER, 0, SET, INFINITY) } },
    { "a negative leaf cover", MLCLF_ECOVER, DMG_CRC,
      { DMG_F64(NODE_COVER, 1, SET, -1.0) } },
    { "a parent's cover 1e-3 off its children's", MLCLF_ECOVER, DMG_CRC,
      { DMG_F64(NODE_COVER, 0, ADD, 0.01) } },
    { "a parent's cover 1e-7 off (float32 rounding)", MLCLF_OK, DMG_CRC,
      { DMG_F64(NODE_COVER, 0, ADD, 1e-6) } },
    { "an internal node with cover 0", MLCLF_ECOVER, DMG_CRC,
      { DMG_F64(NODE_COVER, 8, SET, 0.0), DMG_F64(NODE_COVER, 9, SET, 0.0),
        DMG_F64(NODE_COVER, 10, SET, 0.0) } },
    { "a cover count one short", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(NODE_COVER, count, ADD, -1) } },
    { "LINEAR_MEAN in a gbt model", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(NODE_COVER, type, SET, MLCLF_SECTION_LINEAR_MEAN) } },
};

static const model_damage_t  t_lr_cases[] = {
    { "LINEAR_MEAN in a version 3 file", MLCLF_ESECTION, DMG_CRC,
      { DMG_HDR(format_version, SET, 3) } },
    { "a NaN mean", MLCLF_ENONFINITE, DMG_CRC,
      { DMG_F64(LINEAR_MEAN, 1, SET, NAN) } },
    { "a mean count one more", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(LINEAR_MEAN, count, ADD, 1) } },
    { "NODE_COVER in a logreg model", MLCLF_ESECTION, DMG_CRC,
      { DMG_ENTRY(LINEAR_MEAN, type, SET, MLCLF_SECTION_NODE_COVER) } },
};


static void
t_damage(void)
{
    int                    k;
    size_t                 i, n, len;
    uint8_t               *p;
    mlclf_err_t            err;
    mlclf_spec_t           s;
    const model_damage_t  *c;

    for (k = 0; k < 2; k++) {
        n = k ? sizeof(t_lr_cases) / sizeof(t_lr_cases[0])
              : sizeof(t_cases) / sizeof(t_cases[0]);

        for (i = 0; i < n; i++) {
            c = k ? &t_lr_cases[i] : &t_cases[i];

            if (k) {
                model_spec_logreg(&s);

            } else {
                model_spec_gbt(&s);
            }

            model_spec_explain(&s);
            p = model_spec_write(&s, &len);
            model_damage_apply(p, &len, c);

            memset(&err, 0, sizeof(err));
            is_int(mlclf_model_verify(p, len, &err), c->code, "%s: %s",
                   c->what, mlclf_strerror(c->code));

            if (c->code != MLCLF_OK) {
                tap_diag("%s", err.msg);
            }

            free(p);
        }
    }
}


int
main(void)
{
    t_fixtures();
    t_random(MLCLF_KIND_GBT, 6, 6, 0, "gbt, 3 outputs, depth 6");
    t_random(MLCLF_KIND_FOREST, 4, 7, 0, "forest, 3 classes, depth 7");
    t_random(MLCLF_KIND_GBT, 2, 300, 1, "gbt, chains 300 deep");
    t_versions();
    t_damage();
    t_reply();

    return tap_done();
}


/*
 * A /predict reply with "explain": each row's explanation names the
 * outputs and every feature, and its base plus contributions is the
 * margin of that row, whose probabilities are in the same reply.
 */
static void
t_reply_check(const mlclf_model_t *m, const char *body, size_t rows,
    const char *what)
{
    int               rc, good;
    char             *buf;
    cJSON            *root, *row, *ex, *base, *con, *f, *pr;
    double           *scratch, z[3], mx, s;
    size_t            size, i, n;
    uint32_t          k;
    mlclf_err_t       err;
    mlclf_reply_t     rep;
    mlclf_request_t   req;

    rc = mlclf_request_parse(&req, m, body, strlen(body), NULL, &err);
    if (!ok(rc == MLCLF_OK && req.explain, "%s: parsed, explain", what)) {
        tap_diag("%s", err.msg);
        mlclf_request_free(&req);
        return;
    }

    size = mlclf_reply_bound(m, &req, "v1");
    buf = malloc(size);
    scratch = calloc(mlclf_reply_scratch_for(m, &req), sizeof(double));

    memset(&rep, 0, sizeof(rep));
    rep.buf = buf;
    rep.size = size;
    rep.scratch = scratch;
    rep.version = "v1";

    rc = mlclf_reply_write(&rep, m, &req, &err);
    is_int(rc, MLCLF_OK, "%s: reply written", what);

    root = rc == MLCLF_OK ? cJSON_Parse(buf) : NULL;
    row = cJSON_GetObjectItem(root, "predictions");
    row = row != NULL ? row->child : root;
    good = root != NULL;
    n = 0;

    for ( /* void */ ; good && row != NULL && n < rows; row = row->next) {
        n++;
        ex = cJSON_GetObjectItem(row, "explanation");
        base = cJSON_GetObjectItem(ex, "base");
        con = cJSON_GetObjectItem(ex, "contributions");
        pr = cJSON_GetObjectItem(row, "probabilities");

        good = cJSON_GetArraySize(cJSON_GetObjectItem(ex, "outputs")) == 3
               && cJSON_GetArraySize(base) == 3
               && cJSON_GetArraySize(con) == 2
               && cJSON_GetArraySize(pr) == 3;

        /* softmax: the margins' differences are the log-odds */
        for (k = 0; good && k < 3; k++) {
            z[k] = cJSON_GetArrayItem(base, k)->valuedouble;

            for (i = 0; i < 2; i++) {
                f = cJSON_GetArrayItem(con, i);
                z[k] += cJSON_GetArrayItem(f, k)->valuedouble;
            }
        }

        mx = fmax(z[0], fmax(z[1], z[2]));
        s = exp(z[0] - mx) + exp(z[1] - mx) + exp(z[2] - mx);

        for (k = 0; good && k < 3; k++) {
            good = fabs(exp(z[k] - mx) / s
                        - cJSON_GetArrayItem(pr, k)->valuedouble) <= 1e-12;
        }
    }

    ok(good && n == rows, "%s: %zu explanations, each the softmax of its "
       "probabilities", what, rows);

    if (!good) {
        tap_diag("%s", buf);
    }

    cJSON_Delete(root);
    free(buf);
    free(scratch);
    mlclf_request_free(&req);
}


static void
t_reply(void)
{
    int              rc;
    void            *mbuf;
    const char      *b;
    mlclf_err_t      err;
    mlclf_spec_t     s;
    mlclf_model_t   *m;
    mlclf_limits_t   limits;
    mlclf_request_t  req;

    model_spec_gbt(&s);
    model_spec_explain(&s);
    m = model_spec_load(&s, &mbuf);

    t_reply_check(m, "{\"features\":[0.25,null],\"explain\":true,"
                  "\"probabilities\":true}", 1, "one row");
    t_reply_check(m, "{\"instances\":[[1,2],{\"x\":3,\"y\":-2},[0,1e-40]],"
                  "\"probabilities\":true,\"explain\":true}", 3, "a batch");

    memset(&limits, 0, sizeof(limits));
    limits.max_explain_rows = 2;

    b = "{\"instances\":[[1,2],[3,4],[5,6]],\"explain\":true}";
    rc = mlclf_request_parse(&req, m, b, strlen(b), &limits, &err);
    is_int(rc, MLCLF_EREQUEST, "3 rows to explain, limit 2: refused");
    is_int(req.status, 413, "413");
    is_str(mlclf_reason_name(req.reason), "too_many_rows", "too_many_rows");
    is_str(err.msg, "3 rows to explain, more than the limit of 2",
           "message");
    mlclf_request_free(&req);

    b = "{\"instances\":[[1,2],[3,4],[5,6]],\"explain\":false}";
    rc = mlclf_request_parse(&req, m, b, strlen(b), &limits, &err);
    is_int(rc, MLCLF_OK, "3 rows, explain false: no limit");
    mlclf_request_free(&req);

    mlclf_model_close(&m);
    free(mbuf);
}
