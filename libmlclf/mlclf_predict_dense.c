
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The dense gbt kernel (layout: mlclf_model_dense.c), for CPUs with
 * AVX-512BW; only these functions are built for it, and a model is
 * made dense only where mlclf_predict_dense_cpu() says they run.
 *
 * Down the first dtop levels, 32 trees walk together, one a 16-bit
 * lane: the bin of each lane's feature is picked from two registers
 * (64 features), "bin > rank" chooses the child, and the child's word
 * is picked from the level's words, loaded in order.  No load waits
 * for the last comparison, which is what a walk of the packed nodes
 * does at every level.  Then each tree's line (the subtree of its last
 * dlow levels, words and scores) is one load, its words compared at
 * once, and the bits of those comparisons give its leaf.
 *
 * A row with a missing value walks the model's dmword instead, where
 * each word carries its node's default direction in the top bit: the
 * comparison leaves that bit out, and a lane whose bin is
 * MLCLF_DENSE_MISSING (which passes every rank) goes left where the
 * bit is set.
 */


#include <immintrin.h>
#include <math.h>

#include "mlclf.h"
#include "mlclf_model.h"
#include "mlclf_predict.h"


/* Blocks of 32 trees walked side by side. */
#define MLCLF_DENSE_SIDE  4

#define MLCLF_DENSE_TARGET                                                   \
    __attribute__((target("avx512f,avx512bw,popcnt")))


static inline void mlclf_predict_dense_blocks(const uint16_t **o,
    uint32_t depth, __m512i b0, __m512i b1, __m512i *at,
    mlclf_gbt_sum_t *s, uint32_t step, int missing);
static inline __mmask32 mlclf_predict_dense_right(__m512i b0, __m512i w,
    __m512i b1, int missing);
static inline void mlclf_predict_dense_chunk(const mlclf_model_t *m,
    const uint16_t *bin, uint32_t t, uint32_t c, uint32_t *n,
    mlclf_gbt_sum_t *s, int missing);

static inline void mlclf_predict_dense_places(__m512i at, uint32_t t,
    uint32_t depth, uint32_t shift, uint32_t off, uint32_t *n);
static inline void mlclf_predict_dense_low(const mlclf_model_t *m,
    __m512i b0, __m512i b1, uint32_t c, uint32_t *n, mlclf_gbt_sum_t *s,
    int missing);


int
mlclf_predict_dense_cpu(void)
{
    __builtin_cpu_init();

    return __builtin_cpu_supports("avx512f")
           && __builtin_cpu_supports("avx512bw");
}


/* 1 if this CPU also permutes bytes (AVX-512 VBMI): see dleafof. */
int
mlclf_predict_dense_vbmi(void)
{
    /* mlclf_predict_dense_cpu() has run __builtin_cpu_init() */
    return mlclf_predict_dense_cpu()
           && __builtin_cpu_supports("avx512vbmi");
}


/* How many of the fan values at c are below v (fan a multiple of 8). */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) uint32_t
mlclf_predict_dense_count(const double *c, uint32_t fan, __m512d v)
{
    uint32_t  k;
    uint64_t  below;

    below = 0;

    /* one mask of at most 32 bits (fan is 8, 16 or 32), counted once */
#pragma GCC unroll 4
    for (k = 0; k < fan; k += 8) {
        below |= (uint64_t) _mm512_cmp_pd_mask(_mm512_loadu_pd(c + k), v,
                                               _CMP_LT_OQ) << k;
    }

    return (uint32_t) __builtin_popcountll(below);
}


/*
 * The bin of value x of feature f: how many of its distinct thresholds
 * are below x: how many fences are (the segments wholly below), then
 * how many of the next segment's thresholds (fence, seg and fan: the
 * model's dfence, dseg and dfan).  Shifted as the ranks in the node
 * words: with a word's feature in the bits below, bin > rank exactly
 * when bin << 6 > word.  NaN is below none.
 */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) uint16_t
mlclf_predict_dense_bin(const double *fence, const double *seg,
    uint32_t fan, uint32_t f, double x)
{
    __m512d   v;
    uint32_t  s;

    v = _mm512_set1_pd(x);
    s = mlclf_predict_dense_count(fence + (size_t) f * fan, fan, v);

    return (uint16_t) ((s * fan
                        + mlclf_predict_dense_count(seg
                              + ((size_t) f * fan + s) * fan, fan, v))
                       << MLCLF_DENSE_FEATURE_BITS);
}


/* bin[f], the bin of x[f], for the model's features. */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) void
mlclf_predict_dense_bins_fan(const mlclf_model_t *m, const double *x,
    uint32_t fan, uint16_t *bin)
{
    uint32_t  f;

    for (f = 0; f < m->n_features; f++) {
        bin[f] = mlclf_predict_dense_bin(m->dfence, m->dseg, fan, f, x[f]);
    }
}


/*
 * bin[f], the bin of x[f], and 0 for the features past n_features.
 * missing: the row has a NaN, and the model's dmword: a NaN's bin is
 * MLCLF_DENSE_MISSING, or 0's where the feature's nodes read NaN as 0.
 */
MLCLF_DENSE_TARGET void
mlclf_predict_dense_bins(const mlclf_model_t *m, const double *x,
    int missing, uint16_t *bin)
{
    uint32_t       f, fan;
    const double  *fence, *seg;

    fan = m->dfan;
    fence = m->dfence;
    seg = m->dseg;

    /* MLCLF_DENSE_FEATURES (64) bins: two registers, 0 past n_features */
    _mm512_storeu_si512(bin, _mm512_setzero_si512());
    _mm512_storeu_si512(bin + 32, _mm512_setzero_si512());

    /* the fan a constant, so each count is unrolled (8, 16 or 32) */
    switch (fan) {
    case 8:
        mlclf_predict_dense_bins_fan(m, x, 8, bin);
        break;
    case 16:
        mlclf_predict_dense_bins_fan(m, x, 16, bin);
        break;
    default:
        mlclf_predict_dense_bins_fan(m, x, 32, bin);
        break;
    }

    if (!missing) {
        return;
    }

    for (f = 0; f < m->n_features; f++) {
        if (isnan(x[f])) {
            bin[f] = (m->dzero >> f & 1)
                     ? mlclf_predict_dense_bin(fence, seg, fan, f, 0.0)
                     : MLCLF_DENSE_MISSING;
        }
    }
}


/*
 * The lanes that go right at a level, w their words: bin > rank; for a
 * row with a missing value, the words' top bit left out of that, and
 * the lanes whose bin is MLCLF_DENSE_MISSING (its top bit set, which
 * no other bin has) sent left where the word's is set too.
 */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) __mmask32
mlclf_predict_dense_right(__m512i b0, __m512i w, __m512i b1, int missing)
{
    __m512i  b;

    b = _mm512_permutex2var_epi16(b0, w, b1);

    if (!missing) {
        return _mm512_cmpgt_epu16_mask(b, w);
    }

    return _kandn_mask32(
               _mm512_movepi16_mask(_mm512_and_si512(b, w)),
               _mm512_cmpgt_epu16_mask(b, _mm512_and_si512(w,
                   _mm512_set1_epi16(~MLCLF_DENSE_MISSING_LEFT & 0xffff))));
}


/*
 * The leaf slots of MLCLF_DENSE_SIDE blocks of 32 trees, o[k] the words
 * of block k, one tree a 16-bit lane: level by level, each lane's word
 * compared with its feature's bin (a permute of the bins), its place
 * doubled and the comparison added; then the next level's word chosen
 * by a permute of that level's words, one pair of registers (64 words)
 * at a time, each pair serving its own lanes: a lane's index is
 * replaced by its word in place, under the pair's mask, so no blend
 * follows each permute.  A level waits for the
 * one before, so blocks go side by side: one's permutes fill the
 * others' waits.
 */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) void
mlclf_predict_dense_blocks(const uint16_t **o, uint32_t depth, __m512i b0,
    __m512i b1, __m512i *at, mlclf_gbt_sum_t *s, uint32_t step, int missing)
{
    __m512i    w[MLCLF_DENSE_SIDE], pos[MLCLF_DENSE_SIDE], one, lane;
    uint32_t   d, k, p, pairs, span;
    __mmask32  right, mine;

    one = _mm512_set1_epi16(1);
    lane = _mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20,
                            19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8,
                            7, 6, 5, 4, 3, 2, 1, 0);

    /* pos: a lane's word among its level's, (lane << d) + its place */
#pragma GCC unroll 4
    for (k = 0; k < MLCLF_DENSE_SIDE; k++) {
        w[k] = _mm512_loadu_si512(o[k]);
        pos[k] = lane;
    }

#pragma GCC unroll 6
    for (d = 0; d < depth; d++) {
        /* bins come shifted as the ranks are: bin > rank, as words */
#pragma GCC unroll 4
        for (k = 0; k < MLCLF_DENSE_SIDE; k++) {
            right = mlclf_predict_dense_right(b0, w[k], b1, missing);
            pos[k] = _mm512_add_epi16(pos[k], pos[k]);
            pos[k] = _mm512_mask_add_epi16(pos[k], right, pos[k], one);
        }

        mlclf_predict_sum_add(s, step);

        if (d + 1 == depth) {
            break;
        }

        /* level d + 1: 2^(d+1) words a lane, from o + 32 (2^(d+1) - 1) */
        pairs = 1u << d;
        span = 32 / pairs;

#pragma GCC unroll 4
        for (k = 0; k < MLCLF_DENSE_SIDE; k++) {
            o[k] += (size_t) 32 << d;
            w[k] = pos[k];
        }

#pragma GCC unroll 16
        for (p = 0; p < pairs; p++) {
            mine = (__mmask32) ((((uint64_t) 1 << span) - 1) << (p * span));

#pragma GCC unroll 4
            for (k = 0; k < MLCLF_DENSE_SIDE; k++) {
                w[k] = _mm512_mask2_permutex2var_epi16(
                           _mm512_loadu_si512(o[k] + 64 * p), w[k], mine,
                           _mm512_loadu_si512(o[k] + 64 * p + 32));
            }
        }
    }

#pragma GCC unroll 4
    for (k = 0; k < MLCLF_DENSE_SIDE; k++) {
        at[k] = _mm512_sub_epi16(pos[k], _mm512_sll_epi16(lane,
                                     _mm_cvtsi32_si128((int) depth)));
    }
}


/*
 * n[0..31]: the lines of trees t .. t+31, (tree << depth) + slot, as
 * byte offsets from the lines' first (shift 6), off more; or with no
 * lines, twice the places of the scores (shift 1).
 */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) void
mlclf_predict_dense_places(__m512i at, uint32_t t, uint32_t depth,
    uint32_t shift, uint32_t off, uint32_t *n)
{
    __m512i  lo, hi, tree;

    tree = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2,
                            1, 0);
    lo = _mm512_cvtepu16_epi32(_mm512_castsi512_si256(at));
    hi = _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(at, 1));
    lo = _mm512_add_epi32(lo, _mm512_slli_epi32(_mm512_add_epi32(tree,
             _mm512_set1_epi32((int) t)), depth));
    hi = _mm512_add_epi32(hi, _mm512_slli_epi32(_mm512_add_epi32(tree,
             _mm512_set1_epi32((int) t + 16)), depth));
    _mm512_storeu_si512(n, _mm512_add_epi32(_mm512_sll_epi32(lo,
                               _mm_cvtsi32_si128((int) shift)),
                               _mm512_set1_epi32((int) off)));
    _mm512_storeu_si512(n + 16, _mm512_add_epi32(_mm512_sll_epi32(hi,
                                    _mm_cvtsi32_si128((int) shift)),
                                    _mm512_set1_epi32((int) off)));
}


/*
 * The comparisons of the words of four lines, at base + o[0..3]: their
 * first 16 bytes side by side, each lane's bin picked and compared at
 * once; byte k of the result the bits of line k.
 */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) uint32_t
mlclf_predict_dense_four(const char *base, const uint32_t *o, __m512i b0,
    __m512i b1, int missing)
{
    __m512i  w;

    w = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)
            (base + o[0])));
    w = _mm512_inserti32x4(w, _mm_loadu_si128((const __m128i *)
            (base + o[1])), 1);
    w = _mm512_inserti32x4(w, _mm_loadu_si128((const __m128i *)
            (base + o[2])), 2);
    w = _mm512_inserti32x4(w, _mm_loadu_si128((const __m128i *)
            (base + o[3])), 3);

    return (uint32_t) mlclf_predict_dense_right(b0, w, b1, missing);
}


/*
 * The leaves (twice their places in their lines) that the comparison
 * bits of sixteen lines lead to, low levels down, a byte a line in
 * bits: of[byte], the model's dleafof, looked up by one permute of
 * bytes (VBMI, in assembly: the rest of the kernel is built for
 * AVX-512BW alone, and runs this only where dleafof says the CPU has
 * it); or, of NULL, each line's bits walked (bit i set: node i goes
 * right) in vector lanes, a level at a time.
 */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) __m512i
mlclf_predict_dense_leaf(__m128i bits, const uint8_t *of, uint32_t low)
{
    __m512i   idx, node, one, b;
    uint32_t  d;

    if (of != NULL) {
        idx = _mm512_castsi128_si512(bits);
        __asm__ ("vpermi2b %2, %1, %0"
                 : "+v" (idx)
                 : "v" (_mm512_loadu_si512(of)),
                   "v" (_mm512_loadu_si512(of + 64)));

        return _mm512_cvtepu8_epi32(_mm512_castsi512_si128(idx));
    }

    /* node 2i + 1, or 2i + 2 where i's bit is set */
    b = _mm512_cvtepu8_epi32(bits);
    one = _mm512_set1_epi32(1);
    node = _mm512_setzero_si512();

    for (d = 0; d < low; d++) {
        node = _mm512_add_epi32(_mm512_add_epi32(node, node),
                   _mm512_add_epi32(one, _mm512_and_si512(one,
                       _mm512_srlv_epi32(b, node))));
    }

    /* the leaf, node less the 2^low - 1 words, twice */
    node = _mm512_sub_epi32(node, _mm512_set1_epi32((1 << low) - 1));

    return _mm512_add_epi32(node, node);
}


/*
 * n[i], the byte offset of tree t+i's line from base, replaced by twice
 * the place of its leaf's score there (base as scores, shift: log2 of
 * a score's size, less 1): sixteen lines at a time, each line's words
 * compared at once and the bits of those comparisons taken to its leaf
 * (mlclf_predict_dense_leaf(), of the model's dleafof).  Entries n[c]
 * .. up to the next sixteen are written too.  After each 32, s's
 * leaves left are added, and when s sums, these 32 are its next.
 */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) void
mlclf_predict_dense_line(const char *base, uint32_t shift, uint32_t low,
    const uint8_t *of, __m512i b0, __m512i b1, uint32_t c, uint32_t *n,
    mlclf_gbt_sum_t *s, int missing)
{
    __m512i   o;
    uint32_t  i, j;
    uint64_t  lo, hi;

    /* the lines past c: the last one again */
    for (j = c; j % 16 != 0; j++) {
        n[j] = n[c - 1];
    }

    for (i = 0; i < c; i += 16) {
        lo = (uint64_t) mlclf_predict_dense_four(base, n + i + 4, b0, b1,
                                                  missing) << 32
             | mlclf_predict_dense_four(base, n + i, b0, b1, missing);
        hi = (uint64_t) mlclf_predict_dense_four(base, n + i + 12, b0, b1,
                                                  missing) << 32
             | mlclf_predict_dense_four(base, n + i + 8, b0, b1, missing);

        /* the scores follow the words: their place, the leaf's added */
        o = _mm512_loadu_si512(n + i);
        o = _mm512_add_epi32(_mm512_srl_epi32(o, _mm_cvtsi32_si128(
                                 (int) shift)),
                             _mm512_set1_epi32(2 * MLCLF_DENSE_LINE_WORDS
                                               >> (shift + 1)));
        _mm512_storeu_si512(n + i, _mm512_add_epi32(o,
                                mlclf_predict_dense_leaf(_mm_set_epi64x(
                                    (long long) hi, (long long) lo), of,
                                    low)));

        /* the adds 32 trees behind the lines: 16 behind was slower */
        if (i % 32 == 16 || i + 16 >= c) {
            j = i & ~31u;
            mlclf_predict_sum_next(s, n + j, c - j < 32 ? c - j : 32);
        }
    }
}


/* The same, the scores floats or doubles, a constant. */
static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) void
mlclf_predict_dense_low(const mlclf_model_t *m, __m512i b0, __m512i b1,
    uint32_t c, uint32_t *n, mlclf_gbt_sum_t *s, int missing)
{
    if (m->dleaf32 != NULL) {
        mlclf_predict_dense_line((const char *) m->dleaf32, 1, m->dlow,
                                 m->dleafof, b0, b1, c, n, s, missing);

    } else {
        mlclf_predict_dense_line((const char *) m->dleaf, 2, m->dlow,
                                 m->dleafof, b0, b1, c, n, s, missing);
    }
}


/*
 * The leaves of trees t .. t+c-1 (t a multiple of 32, c at most
 * MLCLF_DENSE_CHUNK), as the walk gives them: n[i] is twice the place
 * of tree t+i's score in dleaf.  missing: the row has a missing value
 * (its bins from mlclf_predict_dense_bins() with missing set), and the
 * model has dmword.
 */
MLCLF_DENSE_TARGET void
mlclf_predict_dense_leaves(const mlclf_model_t *m, const uint16_t *bin,
    uint32_t t, uint32_t c, int missing, uint32_t *n, mlclf_gbt_sum_t *s)
{
    mlclf_gbt_sum_t  r;

    /*
     * the sum in registers through the chunk: s itself, which the
     * stores of n[] may alias, went to memory and back around them
     */
    r = *s;

    /* each its own copy, the comparison chosen once */
    if (missing) {
        mlclf_predict_dense_chunk(m, bin, t, c, n, &r, 1);

    } else {
        mlclf_predict_dense_chunk(m, bin, t, c, n, &r, 0);
    }

    *s = r;
}


static inline MLCLF_DENSE_TARGET __attribute__((always_inline)) void
mlclf_predict_dense_chunk(const mlclf_model_t *m, const uint16_t *bin,
    uint32_t t, uint32_t c, uint32_t *n, mlclf_gbt_sum_t *s, int missing)
{
    __m512i          b0, b1, at[MLCLF_DENSE_SIDE];
    uint32_t         i, k, step, slots, off, shift;
    const uint16_t  *o[MLCLF_DENSE_SIDE], *words;

    b0 = _mm512_loadu_si512(bin);
    b1 = _mm512_loadu_si512(bin + 32);

    /* s's leaves left spread over the levels of the blocks */
    slots = m->dtop * ((c + 32 * MLCLF_DENSE_SIDE - 1)
                       / (32 * MLCLF_DENSE_SIDE));
    step = slots != 0 ? (s->left + slots - 1) / slots : 0;
    words = missing ? m->dmword : m->dword;
    off = missing && m->dlow != 0 ? m->dlines * MLCLF_DENSE_LINE : 0;
    shift = m->dlow != 0 ? 6 : 1;

    for (i = 0; i < c; i += 32 * MLCLF_DENSE_SIDE) {
        /*
         * the blocks past the last stand in with the last one; this
         * loop and the places' below unrolled whole: left loops, gcc -O2
         * packed the four o[] into one vector, and a row took 6 % more
         */
#pragma GCC unroll 4
        for (k = 0; k < MLCLF_DENSE_SIDE; k++) {
            o[k] = words + (size_t) (t + (i + 32 * k < c ? i + 32 * k : i))
                              / 32 * m->dwidth;
        }

        /* a constant depth: the levels and their pairs unrolled */
        switch (m->dtop) {
        case 1:
            mlclf_predict_dense_blocks(o, 1, b0, b1, at, s, step,
                                       missing);
            break;
        case 2:
            mlclf_predict_dense_blocks(o, 2, b0, b1, at, s, step,
                                       missing);
            break;
        case 3:
            mlclf_predict_dense_blocks(o, 3, b0, b1, at, s, step,
                                       missing);
            break;
        case 4:
            mlclf_predict_dense_blocks(o, 4, b0, b1, at, s, step,
                                       missing);
            break;
        case 5:
            mlclf_predict_dense_blocks(o, 5, b0, b1, at, s, step,
                                       missing);
            break;
        default:
            mlclf_predict_dense_blocks(o, 6, b0, b1, at, s, step,
                                       missing);
            break;
        }

#pragma GCC unroll 4
        for (k = 0; k < MLCLF_DENSE_SIDE; k++) {
            if (i + 32 * k < c) {
                mlclf_predict_dense_places(at[k], t + i + 32 * k, m->dtop,
                                           shift, off, n + i + 32 * k);
            }
        }
    }

    if (m->dlow != 0) {
        mlclf_predict_dense_low(m, b0, b1, c, n, s, missing);
        return;
    }

    /* no lines: these leaves added in the next chunk, or after */
    mlclf_predict_sum_next(s, n, c);
}
