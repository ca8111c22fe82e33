
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The dense layout of a shallow gbt model, for the AVX-512 kernel
 * (mlclf_predict_dense.c).  Every tree becomes a complete binary tree
 * of ddepth levels, its internal nodes one 16-bit word each: the
 * feature in the low 6 bits and, above them, the rank of the node's
 * threshold among the distinct thresholds of that feature.  A row is
 * first reduced to one rank per feature, its bin: how many of the
 * feature's thresholds are below its value.  Then "x > threshold" is
 * exactly "bin > rank".
 *
 * The first dtop levels go by blocks of 32 trees, one tree a 16-bit
 * lane, level by level: in a block, level d holds the 2^d words of
 * tree 0, then those of tree 1, and so on, so that a level's choice
 * for all 32 trees is a register permute of the words the kernel loads
 * in order.  Each node at level dtop is the root of a subtree of the
 * last dlow levels, which fills one cache line: its 2^dlow - 1 words,
 * level by level, and then its 2^dlow leaves' scores.  A row reads the
 * first levels' words whole and then one line a tree, where reading
 * every word of every level took three lines a tree; dlow is 3 for
 * float32 scores, 2 for doubles (the most whose scores fit).  Where
 * the CPU permutes bytes (VBMI), dleafof maps the comparison bits of a
 * line's words to its leaf, one byte lookup for sixteen lines.
 *
 * A leaf shallower than ddepth is stretched: the place below it gets a
 * word no bin exceeds (so the walk goes left) and the leaf's score
 * lands where such a walk ends.  Made once at load, when the model is
 * eligible and the CPU has AVX-512BW, then read-only; otherwise the
 * kernels walk the packed nodes (mlclf_model_pack.c) as before.
 *
 * A model that routes missing values gets a second copy of the words
 * and lines for the rows that have one, when its rules fit in a bin
 * (mlclf_model_dense_missing()) and no feature has more than
 * MLCLF_DENSE_MISSING_RANKS thresholds: each word with the node's
 * default direction in its top bit, which a missing value's bin
 * (MLCLF_DENSE_MISSING) reads and every other bin passes over.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mlclf.h"
#include "mlclf_model_parse.h"
#include "mlclf_predict.h"


typedef struct {
    uint16_t                 *word;
    uint16_t                 *mword;        /* or NULL */
    uint16_t                 *line;         /* the lines as words */
    double                   *leaf;         /* the lines as scores */
    float                    *leaf32;       /* or these, for float32 */
    double                   *fence;
    double                   *seg;
    uint8_t                  *leafof;       /* or NULL */
    double                   *cut;          /* sorted, distinct: */
    uint32_t                 *cut_at;       /* feature f's from here */
    uint32_t                  most;         /* the most of a feature */
} mlclf_dense_t;


static int mlclf_model_dense_eligible(const mlclf_model_t *m);
static int mlclf_model_dense_missing(const mlclf_model_t *m,
    uint64_t *zero);
static int mlclf_model_dense_cuts(const mlclf_model_t *m, mlclf_dense_t *d);
static void mlclf_model_dense_bins(const mlclf_model_t *m,
    const mlclf_dense_t *d);
static int mlclf_model_dense_cmp(const void *a, const void *b);
static uint16_t mlclf_model_dense_word(const mlclf_model_t *m,
    const mlclf_dense_t *d, uint32_t o);
static size_t mlclf_model_dense_at(const mlclf_model_t *m, uint32_t t,
    uint32_t i);
static size_t mlclf_model_dense_line(const mlclf_model_t *m, uint32_t t,
    uint32_t i, uint32_t level, uint32_t *j);
static void mlclf_model_dense_score(const mlclf_model_t *m,
    const mlclf_dense_t *d, size_t line, uint32_t j, double v);
static void mlclf_model_dense_leafof(uint32_t low, uint8_t *of);
static void mlclf_model_dense_place(const mlclf_model_t *m,
    const mlclf_dense_t *d, uint32_t t, uint32_t o, uint32_t i,
    uint32_t level);


static int
mlclf_model_dense_eligible(const mlclf_model_t *m)
{
    uint32_t  t;

    /* the kernel's places: bytes of both copies of the lines */
    if (m->kind != MLCLF_KIND_GBT || m->n_features > MLCLF_DENSE_FEATURES
        || ((uint64_t) m->n_trees << MLCLF_DENSE_DEPTH) * 2
           * MLCLF_DENSE_LINE > UINT32_MAX
        || !mlclf_predict_dense_cpu())
    {
        return 0;
    }

    for (t = 0; t < m->n_trees; t++) {
        if (m->tdepth[t] > MLCLF_DENSE_DEPTH) {
            return 0;
        }
    }

    return m->n_trees != 0;
}


/*
 * 1 if a row with a missing value can take the dense kernel: the model
 * routes missing values, no node takes values near 0 for missing
 * (MLCLF_MISSING_ZERO, which no bin can tell), and the nodes of each
 * feature agree on NaN: missing (MLCLF_MISSING_NAN) at all of them, or
 * read as 0 (MLCLF_MISSING_AS_ZERO) at all of them, these features'
 * bits set in *zero.
 */
static int
mlclf_model_dense_missing(const mlclf_model_t *m, uint64_t *zero)
{
    int32_t   f;
    uint32_t  o, rule;
    uint64_t  nan, as_zero;

    if (!m->routes_missing) {
        return 0;
    }

    nan = 0;
    as_zero = 0;

    for (o = 0; o < m->n_nodes; o++) {
        f = m->node_feature[o];

        if (f < 0) {
            continue;
        }

        rule = m->node_decision[o] & MLCLF_MISSING_MASK;

        if (rule == MLCLF_MISSING_AS_ZERO) {
            as_zero |= (uint64_t) 1 << f;

        } else if (rule == MLCLF_MISSING_NAN) {
            nan |= (uint64_t) 1 << f;

        } else {
            return 0;
        }
    }

    *zero = as_zero;

    return (nan & as_zero) == 0;
}


static int
mlclf_model_dense_cmp(const void *a, const void *b)
{
    double  x, y;

    x = *(const double *) a;
    y = *(const double *) b;

    return (x > y) - (x < y);
}


/*
 * The distinct thresholds of each feature, sorted, into d->cut (from
 * d->cut_at[f]), and the most of any feature.  -1: no memory.
 */
static int
mlclf_model_dense_cuts(const mlclf_model_t *m, mlclf_dense_t *d)
{
    int32_t   f;
    uint32_t  o, k, j, at, n, *fill;

    d->cut = malloc((m->n_nodes + 1) * sizeof(double));
    d->cut_at = calloc(m->n_features + 1, sizeof(uint32_t));
    fill = malloc((m->n_features + 1) * sizeof(uint32_t));

    if (d->cut == NULL || d->cut_at == NULL || fill == NULL) {
        free(fill);
        return -1;
    }

    for (o = 0; o < m->n_nodes; o++) {
        if (m->node_feature[o] >= 0) {
            d->cut_at[m->node_feature[o] + 1]++;
        }
    }

    for (k = 0; k < m->n_features; k++) {
        d->cut_at[k + 1] += d->cut_at[k];
    }

    memcpy(fill, d->cut_at, (m->n_features + 1) * sizeof(uint32_t));

    for (o = 0; o < m->n_nodes; o++) {
        f = m->node_feature[o];

        if (f >= 0) {
            d->cut[fill[f]++] = m->node_threshold[o];
        }
    }

    /* sorted and distinct, each feature's moved down to at */
    at = 0;
    d->most = 0;

    for (k = 0; k < m->n_features; k++) {
        n = d->cut_at[k + 1] - d->cut_at[k];
        qsort(d->cut + d->cut_at[k], n, sizeof(double),
              mlclf_model_dense_cmp);

        fill[k] = at;

        for (j = 0; j < n; j++) {
            if (j == 0 || d->cut[d->cut_at[k] + j] != d->cut[at - 1]) {
                d->cut[at++] = d->cut[d->cut_at[k] + j];
            }
        }

        if (at - fill[k] > d->most) {
            d->most = at - fill[k];
        }
    }

    fill[m->n_features] = at;
    memcpy(d->cut_at, fill, (m->n_features + 1) * sizeof(uint32_t));
    free(fill);

    return 0;
}


/*
 * Each feature's cuts as the bins are counted (mlclf_predict_dense.c):
 * dfan segments of dfan cuts, the cuts in order and +inf past them,
 * and one fence a segment, its last cut.
 */
static void
mlclf_model_dense_bins(const mlclf_model_t *m, const mlclf_dense_t *d)
{
    double    *seg;
    uint32_t   f, k, n, fan;

    fan = m->dfan;

    for (f = 0; f < m->n_features; f++) {
        seg = d->seg + (size_t) f * fan * fan;
        n = d->cut_at[f + 1] - d->cut_at[f];

        for (k = 0; k < fan * fan; k++) {
            seg[k] = k < n ? d->cut[d->cut_at[f] + k] : INFINITY;
        }

        for (k = 0; k < fan; k++) {
            d->fence[(size_t) f * fan + k] = seg[k * fan + fan - 1];
        }
    }
}


/* The word of internal node o: its feature and its threshold's rank. */
static uint16_t
mlclf_model_dense_word(const mlclf_model_t *m, const mlclf_dense_t *d,
    uint32_t o)
{
    int32_t        f;
    uint32_t       lo, hi, mid;
    const double  *c;

    f = m->node_feature[o];
    c = d->cut + d->cut_at[f];
    lo = 0;
    hi = d->cut_at[f + 1] - d->cut_at[f];

    /* the threshold is one of the feature's cuts: find its place */
    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;

        if (c[mid] <= m->node_threshold[o]) {
            lo = mid;

        } else {
            hi = mid;
        }
    }

    return (uint16_t) (lo << MLCLF_DENSE_FEATURE_BITS | (uint32_t) f);
}


/*
 * Where in dword the word of tree t's node i goes, i numbered level by
 * level (the children of i are 2i + 1 and 2i + 2), i above level dtop.
 */
static size_t
mlclf_model_dense_at(const mlclf_model_t *m, uint32_t t, uint32_t i)
{
    uint32_t  d, first;

    for (d = 0; (2u << d) - 1 <= i; d++) {
        /* void */
    }

    first = (1u << d) - 1;

    return (size_t) (t / 32) * m->dwidth + 32 * first
           + (t % 32) * (first + 1) + (i - first);
}


/*
 * The line of tree t's node i, level deep (dtop or below), and in *j
 * its place there: among the line's words, numbered as i is but from
 * the subtree's root, or among its leaves at level ddepth.
 */
static size_t
mlclf_model_dense_line(const mlclf_model_t *m, uint32_t t, uint32_t i,
    uint32_t level, uint32_t *j)
{
    uint32_t  p, below;

    p = i - ((1u << level) - 1);
    below = level - m->dtop;
    *j = (level == m->ddepth ? 0 : (1u << below) - 1)
         + (p & ((1u << below) - 1));

    return ((size_t) t << m->dtop) + (p >> below);
}


/*
 * Leaf j's score v in line (and in the lines for a missing value), as
 * a float32 or a double; with no lines (dlow 0), line is its place.
 */
static void
mlclf_model_dense_score(const mlclf_model_t *m, const mlclf_dense_t *d,
    size_t line, uint32_t j, double v)
{
    size_t  size, per, at, copy;

    /* the verifier saw that a float32 model's scores are floats */
    size = d->leaf32 != NULL ? sizeof(float) : sizeof(double);
    per = MLCLF_DENSE_LINE / size;
    at = m->dlow == 0 ? line
                      : line * per + MLCLF_DENSE_LINE_WORDS / size + j;
    copy = m->dlow != 0 && d->mword != NULL ? at + m->dlines * per : at;

    if (d->leaf32 != NULL) {
        d->leaf32[at] = (float) v;
        d->leaf32[copy] = (float) v;

    } else {
        d->leaf[at] = v;
        d->leaf[copy] = v;
    }
}


/*
 * File node o of tree t at place i of its complete tree, level deep:
 * an internal node's word (and in mword, or the lines for a missing
 * value, the same with its default direction) and its children at
 * 2i + 1 and 2i + 2; a leaf above the last level as a word that sends
 * every row left, down to the leaf slot where the walk then ends.
 */
static void
mlclf_model_dense_place(const mlclf_model_t *m, const mlclf_dense_t *d,
    uint32_t t, uint32_t o, uint32_t i, uint32_t level)
{
    size_t     line;
    uint16_t   word, mword, *at, *mat;
    uint32_t   j;

    if (level == m->ddepth) {
        line = mlclf_model_dense_line(m, t, i, level, &j);
        mlclf_model_dense_score(m, d, line, j,
                                m->leaf_values[m->node_left[o]]);
        return;
    }

    if (level < m->dtop) {
        at = d->word + mlclf_model_dense_at(m, t, i);
        mat = d->mword != NULL ? d->mword + (at - d->word) : NULL;

    } else {
        line = mlclf_model_dense_line(m, t, i, level, &j);
        at = d->line + line * (MLCLF_DENSE_LINE / sizeof(uint16_t)) + j;
        mat = d->mword != NULL
              ? at + (size_t) m->dlines * (MLCLF_DENSE_LINE / sizeof(uint16_t))
              : NULL;
    }

    if (m->node_feature[o] < 0) {
        word = MLCLF_DENSE_LEFT;
        mword = MLCLF_DENSE_LEFT;

    } else {
        word = mlclf_model_dense_word(m, d, o);

        /* node_decision is there when the model routes missing values */
        mword = mat == NULL ? word
                : word | ((m->node_decision[o] & MLCLF_DEFAULT_LEFT)
                          ? MLCLF_DENSE_MISSING_LEFT : 0);
    }

    *at = word;

    if (mat != NULL) {
        *mat = mword;
    }

    if (m->node_feature[o] < 0) {
        mlclf_model_dense_place(m, d, t, o, 2 * i + 1, level + 1);
        return;
    }

    mlclf_model_dense_place(m, d, t, m->node_left[o], 2 * i + 1, level + 1);
    mlclf_model_dense_place(m, d, t, m->node_right[o], 2 * i + 2,
                            level + 1);
}


/*
 * of[b]: for the comparison bits b of a line's words (bit i set: node
 * i goes right, its children 2i + 1 and 2i + 2), the leaf they lead to
 * low levels down, twice, as the kernel counts its scores' places.
 */
static void
mlclf_model_dense_leafof(uint32_t low, uint8_t *of)
{
    uint32_t  b, i, level;

    for (b = 0; b < MLCLF_DENSE_LEAF_OF; b++) {
        for (i = 0, level = 0; level < low; level++) {
            i = 2 * i + 1 + (b >> i & 1);
        }

        of[b] = (uint8_t) (2 * (i - ((1u << low) - 1)));
    }
}


int
mlclf_model_dense(mlclf_model_t *m, mlclf_err_t *err)
{
    int            rc, f32, missing, leafof;
    void          *p;
    size_t         size, words, at_line, at_fence, at_seg, at_of;
    uint32_t       t, depth, blocks;
    uint64_t       zero;
    mlclf_dense_t  d;

    if (!mlclf_model_dense_eligible(m)) {
        return MLCLF_OK;
    }

    if (mlclf_model_dense_cuts(m, &d) != 0) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM,
                           "cannot allocate the thresholds of %u nodes",
                           m->n_nodes);
        goto done;
    }

    rc = MLCLF_OK;

    if (d.most > MLCLF_DENSE_RANKS) {
        goto done;
    }

    for (depth = 0, t = 0; t < m->n_trees; t++) {
        depth = m->tdepth[t] > depth ? m->tdepth[t] : depth;
    }

    /*
     * the last dlow levels in lines, as many as their scores fit; a
     * block's words: 32 trees of 2^dtop - 1; segments of 8 or more
     */
    f32 = (m->gbt_flags & MLCLF_GBT_FLOAT32) != 0;
    m->ddepth = depth < 1 ? 1 : depth;
    m->dlow = f32 ? MLCLF_DENSE_LOW : MLCLF_DENSE_LOW64;
    m->dlow = m->ddepth < MLCLF_DENSE_LINES_DEPTH ? 0 : m->dlow;
    m->dtop = m->ddepth - m->dlow;
    m->dwidth = 32 * ((1u << m->dtop) - 1);
    m->dlines = m->n_trees << m->dtop;
    blocks = (m->n_trees + 31) / 32;

    for (m->dfan = 8; m->dfan * m->dfan < d.most + 1; m->dfan *= 2) {
        /* void */
    }

    /* the words for rows with a missing value: the top bit free */
    zero = 0;
    missing = d.most <= MLCLF_DENSE_MISSING_RANKS
              && mlclf_model_dense_missing(m, &zero);

    /* words, lines (64 bytes a line, as are a block's words), bins */
    words = (size_t) blocks * m->dwidth * sizeof(uint16_t);
    at_line = missing ? 2 * words : words;
    at_fence = at_line + (m->dlow == 0
                          ? (size_t) m->dlines * (f32 ? sizeof(float)
                                                      : sizeof(double))
                          : (size_t) m->dlines * MLCLF_DENSE_LINE
                            << (missing ? 1 : 0));
    at_seg = at_fence + (size_t) m->n_features * m->dfan * sizeof(double);
    at_of = at_seg
            + (size_t) m->n_features * m->dfan * m->dfan * sizeof(double);
    leafof = m->dlow != 0 && mlclf_predict_dense_vbmi();
    size = at_of + (leafof ? MLCLF_DENSE_LEAF_OF : 0);

    p = mmap(NULL, size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        rc = mlclf_err_set(err, MLCLF_ENOMEM,
                           "cannot allocate %zu bytes for the dense trees",
                           size);
        goto done;
    }

    /* anonymous pages are zero: unused words rank 0 (never reached) */
    d.word = p;
    d.mword = missing ? (void *) ((char *) p + words) : NULL;
    d.line = (void *) ((char *) p + at_line);
    d.leaf = f32 ? NULL : (void *) d.line;
    d.leaf32 = f32 ? (void *) d.line : NULL;
    d.fence = (void *) ((char *) p + at_fence);
    d.seg = (void *) ((char *) p + at_seg);
    d.leafof = leafof ? (uint8_t *) p + at_of : NULL;

    mlclf_model_dense_bins(m, &d);

    if (d.leafof != NULL) {
        mlclf_model_dense_leafof(m->dlow, d.leafof);
    }

    for (t = 0; t < m->n_trees; t++) {
        mlclf_model_dense_place(m, &d, t, m->tree_offsets[t], 0, 0);
    }

    if (mprotect(p, size, PROT_READ) != 0) {
        (void) munmap(p, size);
        rc = mlclf_err_set(err, MLCLF_ENOMEM,
                           "cannot make the dense trees read-only");
        goto done;
    }

    m->dword = d.word;
    m->dmword = d.mword;
    m->dzero = zero;
    m->dleaf = d.leaf;
    m->dleaf32 = d.leaf32;
    m->dfence = d.fence;
    m->dseg = d.seg;
    m->dleafof = d.leafof;
    m->dense_map = size;

done:

    free(d.cut);
    free(d.cut_at);

    return rc;
}


void
mlclf_model_undense(mlclf_model_t *m)
{
    if (m->dense_map != 0) {
        (void) munmap((void *) m->dword, m->dense_map);
        m->dword = NULL;
        m->dmword = NULL;
        m->dense_map = 0;
    }
}
