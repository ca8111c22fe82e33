
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The text featurizer of mlclf_text.h: n-grams of the tokens that
 * mlclf_text_token.c leaves, hashed or looked up, counted, weighed.
 *
 * The scratch holds the text's tokens joined by one space (so that
 * every n-gram is one stretch of it, hashed where it lies), then two
 * arrays of (column, +-1) pairs, one per n-gram, that a radix sort by
 * column puts in order before the pairs of each column are summed.
 */


#include <math.h>
#include <string.h>
#include <murmurhash.h>

#include "mlclf.h"
#include "mlclf_text.h"
#include "mlclf_text_token.h"
#include "mlclf_text_vocab.h"


/* one n-gram's column and sign */
typedef struct {
    uint32_t                  column;
    int32_t                   value;
} mlclf_text_entry_t;


typedef void (*mlclf_text_gram_pt)(void *ctx, const char *gram, size_t len);


static size_t mlclf_text_buf_size(size_t len);
static size_t mlclf_text_grams(const mlclf_text_params_t *p, size_t len);
static ptrdiff_t mlclf_text_tokens(const mlclf_text_params_t *p,
    const char *text, size_t len, uint8_t *buf);
static size_t mlclf_text_next(const uint8_t *t, size_t s,
    size_t j, size_t *starts);
static size_t mlclf_text_walk(const uint8_t *t, size_t len, uint32_t n0,
    uint32_t n1, mlclf_text_gram_pt fn, void *ctx);
static inline size_t mlclf_text_columns(const mlclf_text_params_t *p,
    const uint8_t *t, size_t len, mlclf_text_entry_t *e, int vocab)
    __attribute__((always_inline));
static mlclf_text_entry_t *mlclf_text_sort(mlclf_text_entry_t *a,
    mlclf_text_entry_t *b, size_t n, uint32_t max);
static void mlclf_text_insert(mlclf_text_entry_t *a, size_t n);
static mlclf_text_entry_t *mlclf_text_radix(mlclf_text_entry_t *a,
    mlclf_text_entry_t *b, size_t n, uint32_t max);
static size_t mlclf_text_merge(const mlclf_text_entry_t *e, size_t n,
    mlclf_text_term_t *terms);
static void mlclf_text_normalize(mlclf_text_term_t *t, size_t n,
    uint32_t norm, int reverse);
static void mlclf_text_divide(mlclf_text_term_t *t, size_t n, uint32_t norm,
    double sum);


/* the longest n-gram hashed from an aligned copy: mlclf_text_columns() */
#define MLCLF_TEXT_STAGE  64


/* mlclf_text_sort() counts in at most 2^11 buckets */
#define MLCLF_TEXT_BUCKET_BITS  11


/* the ring of token starts in mlclf_text_walk() */
_Static_assert((MLCLF_TEXT_MAX_NGRAM & (MLCLF_TEXT_MAX_NGRAM - 1)) == 0,
               "MLCLF_TEXT_MAX_NGRAM is a power of two");


int
mlclf_text_params_check(const mlclf_text_params_t *p, mlclf_err_t *err)
{
    uint32_t  i, n, f;

    if (p == NULL) {
        return mlclf_err_set(err, MLCLF_EINVAL, "NULL text parameters");
    }

    n = p->n_features;
    f = p->flags;

    if (p->vectorizer != MLCLF_TEXT_HASHING
        && p->vectorizer != MLCLF_TEXT_VOCABULARY)
    {
        return mlclf_err_set(err, MLCLF_EINVAL, "vectorizer %u: not 1 "
                             "(hashing) or 2 (vocabulary)", p->vectorizer);
    }

    if (p->vectorizer == MLCLF_TEXT_HASHING
        && (n < 2 || n > MLCLF_TEXT_MAX_HASH_FEATURES || (n & (n - 1))))
    {
        return mlclf_err_set(err, MLCLF_EINVAL, "n_features %u: not a "
                             "power of two in 2..%u", n,
                             MLCLF_TEXT_MAX_HASH_FEATURES);
    }

    if (n == 0) {
        return mlclf_err_set(err, MLCLF_EINVAL, "n_features 0: a "
                             "vocabulary has at least one term");
    }

    if (p->ngram_max < 1 || p->ngram_max > MLCLF_TEXT_MAX_NGRAM) {
        return mlclf_err_set(err, MLCLF_EINVAL, "ngram_max %u: not in 1..%u",
                             p->ngram_max, MLCLF_TEXT_MAX_NGRAM);
    }

    if (p->ngram_min < 1 || p->ngram_min > p->ngram_max) {
        return mlclf_err_set(err, MLCLF_EINVAL, "ngram_min %u: not in 1..%u",
                             p->ngram_min, p->ngram_max);
    }

    if (f & ~MLCLF_TEXT_FLAGS) {
        return mlclf_err_set(err, MLCLF_EINVAL, "flags 0x%x: unknown bits "
                             "0x%x", f, f & ~MLCLF_TEXT_FLAGS);
    }

    if ((f & MLCLF_TEXT_ALTERNATE_SIGN)
        && p->vectorizer != MLCLF_TEXT_HASHING)
    {
        return mlclf_err_set(err, MLCLF_EINVAL, "flags: alternate_sign is "
                             "for hashing only");
    }

    if ((f & MLCLF_TEXT_ALTERNATE_SIGN) && (f & MLCLF_TEXT_SUBLINEAR_TF)) {
        return mlclf_err_set(err, MLCLF_EINVAL, "flags: sublinear_tf with "
                             "alternate_sign (the log of a negative sum)");
    }

    if (p->hash_norm > MLCLF_TEXT_NORM_L2) {
        return mlclf_err_set(err, MLCLF_EINVAL, "hash_norm %u: not 0 (none), "
                             "1 (l1) or 2 (l2)", p->hash_norm);
    }

    if (p->vectorizer == MLCLF_TEXT_VOCABULARY
        && p->hash_norm != MLCLF_TEXT_NORM_NONE)
    {
        return mlclf_err_set(err, MLCLF_EINVAL, "hash_norm %u: a vocabulary "
                             "has none (0)", p->hash_norm);
    }

    if (p->norm > MLCLF_TEXT_NORM_L2) {
        return mlclf_err_set(err, MLCLF_EINVAL, "norm %u: not 0 (none), "
                             "1 (l1) or 2 (l2)", p->norm);
    }

    for (i = 0; p->idf != NULL && i < n; i++) {
        if (!(p->idf[i] >= 1.0 && p->idf[i] <= MLCLF_TEXT_MAX_IDF)) {
            return mlclf_err_set(err, MLCLF_EINVAL, "idf[%u] %.17g: not in "
                                 "1..%g", i, p->idf[i], MLCLF_TEXT_MAX_IDF);
        }
    }

    if (p->vectorizer == MLCLF_TEXT_VOCABULARY) {
        return mlclf_text_vocab_check(p, err);
    }

    return MLCLF_OK;
}


/*
 * The joined tokens' room, a multiple of 8, with MLCLF_TEXT_STAGE bytes
 * after the longest text for mlclf_text_columns()'s copies.
 */
static size_t
mlclf_text_buf_size(size_t len)
{
    return ((mlclf_text_lower_size(len) + 7) & ~(size_t) 7)
           + MLCLF_TEXT_STAGE;
}


/*
 * The most n-grams of a text of len bytes.  A token is two word
 * characters or more, each from a character of its own in the text (no
 * character lowercases to two word characters: tests/test_text_ref.c), so
 * there are at most len / 2 tokens.
 */
static size_t
mlclf_text_grams(const mlclf_text_params_t *p, size_t len)
{
    size_t    ntok, grams;
    uint32_t  n;

    ntok = len / 2;
    grams = 0;

    for (n = p->ngram_min; n <= p->ngram_max && n <= ntok; n++) {
        grams += ntok - n + 1;
    }

    return grams;
}


size_t
mlclf_text_max_terms(const mlclf_text_params_t *p, size_t len)
{
    size_t  grams;

    if (len > MLCLF_TEXT_MAX_LEN) {
        return 0;
    }

    grams = mlclf_text_grams(p, len);

    return grams < p->n_features ? grams : p->n_features;
}


size_t
mlclf_text_scratch_size(const mlclf_text_params_t *p, size_t len)
{
    if (len > MLCLF_TEXT_MAX_LEN) {
        return 0;
    }

    return mlclf_text_buf_size(len)
           + 2 * mlclf_text_grams(p, len) * sizeof(mlclf_text_entry_t);
}


/* the text's tokens joined by one space into buf: their length, or -1 */
static ptrdiff_t
mlclf_text_tokens(const mlclf_text_params_t *p, const char *text, size_t len,
    uint8_t *buf)
{
    size_t     ntok;
    ptrdiff_t  n;

    if (len > MLCLF_TEXT_MAX_LEN) {
        return -1;
    }

    n = mlclf_text_token_prepare((const uint8_t *) text, len,
                                 (p->flags & MLCLF_TEXT_LOWERCASE) != 0, buf);
    if (n < 0) {
        return -1;
    }

    return (ptrdiff_t) mlclf_text_token_join(buf, (size_t) n, &ntok);
}


/*
 * The end of the joined tokens' token j, which starts at t[s]: the
 * next space, which is t[len] after the last token
 * (mlclf_text_token_join()), so the scan needs no bound.  Its start
 * goes into the ring of the last MLCLF_TEXT_MAX_NGRAM starts.
 */
static size_t
mlclf_text_next(const uint8_t *t, size_t s, size_t j, size_t *starts)
{
    starts[j & (MLCLF_TEXT_MAX_NGRAM - 1)] = s;

    while (t[s] != ' ') {
        s++;
    }

    return s;
}


/*
 * Calls fn for the n-grams of the joined tokens t[0 .. len) with n from
 * n0 to n1, in the order of the tokens that end them, and for the same
 * last token by n; returns how many.
 */
static size_t
mlclf_text_walk(const uint8_t *t, size_t len, uint32_t n0, uint32_t n1,
    mlclf_text_gram_pt fn, void *ctx)
{
    size_t    s, e, j, g, grams, starts[MLCLF_TEXT_MAX_NGRAM];
    uint32_t  n;

    grams = 0;
    j = 0;
    s = 0;

    while (s < len) {
        e = mlclf_text_next(t, s, j, starts);

        for (n = n0; n <= n1 && n <= j + 1; n++) {
            g = starts[(j + 1 - n) & (MLCLF_TEXT_MAX_NGRAM - 1)];
            fn(ctx, (const char *) t + g, e - g);
            grams++;
        }

        j++;
        s = e + 1;
    }

    return grams;
}


ptrdiff_t
mlclf_text_count(const mlclf_text_params_t *p, const char *text, size_t len,
    void *scratch, mlclf_text_term_t *terms)
{
    size_t               k;
    uint8_t             *buf;
    ptrdiff_t            n;
    mlclf_text_entry_t  *e, *sorted;

    buf = scratch;

    n = mlclf_text_tokens(p, text, len, buf);
    if (n < 0) {
        return -1;
    }

    e = (mlclf_text_entry_t *) (buf + mlclf_text_buf_size(len));

    /* two copies of the loop, each without the other's branch */

    if (p->vectorizer == MLCLF_TEXT_VOCABULARY) {
        k = mlclf_text_columns(p, buf, (size_t) n, e, 1);

    } else {
        k = mlclf_text_columns(p, buf, (size_t) n, e, 0);
    }

    sorted = mlclf_text_sort(e, e + mlclf_text_grams(p, len), k,
                             p->n_features - 1);

    return (ptrdiff_t) mlclf_text_merge(sorted, k, terms);
}


/*
 * The columns of the n-grams of the joined tokens t[0 .. len), in
 * mlclf_text_walk()'s order, into e: their number.  With vocab (1,
 * p's vectorizer is MLCLF_TEXT_VOCABULARY; a constant where it is
 * inlined), an n-gram is looked up (mlclf_text_vocab_find()), and
 * skipped if missing.  A hashed one as sklearn's FeatureHasher does
 * it: the hash h as a signed int32 gives the column |h| mod
 * n_features, where |INT32_MIN| is 2^31 (sklearn spells out the same
 * for its int32 abs()), and the sign of h under alternate_sign.
 *
 * An n-gram of up to MLCLF_TEXT_STAGE bytes is hashed from an aligned
 * copy: libmurmurhash reads one that is not aligned a byte at a time
 * up to its first aligned word and shifts every word after that, which
 * takes more instructions than the copy.  The copy is always
 * MLCLF_TEXT_STAGE bytes, past the n-gram but inside the buffer
 * (mlclf_text_buf_size()): gcc makes a copy of variable length into
 * "rep movsq", whose start-up cost more than the hash itself (a sixth
 * of the worker's time in perf, which callgrind counts as one
 * instruction); a fixed one is a few vector moves.
 */
static inline size_t
mlclf_text_columns(const mlclf_text_params_t *p, const uint8_t *t,
    size_t len, mlclf_text_entry_t *e, int vocab)
{
    size_t          s, end, j, g, k, glen;
    size_t          starts[MLCLF_TEXT_MAX_NGRAM];
    int64_t         col;
    uint32_t        n, n0, n1, h, mask, sign;
    uint64_t        stage[MLCLF_TEXT_STAGE / 8];
    const uint8_t  *gram;

    /* in locals: the stores into e[] could alias *p for the compiler */

    n0 = p->ngram_min;
    n1 = p->ngram_max;
    mask = p->n_features - 1;
    sign = (p->flags & MLCLF_TEXT_ALTERNATE_SIGN) ? 0x80000000u : 0;
    k = 0;
    j = 0;
    s = 0;

    while (s < len) {
        end = mlclf_text_next(t, s, j, starts);

        for (n = n0; n <= n1 && n <= j + 1; n++) {
            g = starts[(j + 1 - n) & (MLCLF_TEXT_MAX_NGRAM - 1)];
            gram = t + g;
            glen = end - g;

            if (vocab) {
                col = mlclf_text_vocab_find(p, gram, glen);

                if (col >= 0) {
                    e[k].column = (uint32_t) col;
                    e[k].value = 1;
                    k++;
                }

                continue;
            }

            if (glen <= MLCLF_TEXT_STAGE) {
                memcpy(stage, gram, MLCLF_TEXT_STAGE);
                gram = (const uint8_t *) stage;
            }

            lmmh_x86_32(gram, (unsigned int) glen, 0, &h);

            e[k].column = ((h & 0x80000000u) ? 0u - h : h) & mask;
            e[k].value = (h & sign) ? -1 : 1;
            k++;
        }

        j++;
        s = end + 1;
    }

    return k;
}


/*
 * Sorts a[0 .. n) by column, into a or b (which it returns).  The
 * columns of hashed n-grams are uniform, and those of a vocabulary's
 * terms spread over it, so one counting pass by the top bits of the
 * column into n / 8 to n / 4 buckets leaves a few entries a bucket,
 * which an insertion sort of the whole array puts in order (fewer
 * buckets would cost the insertion sort more than the counts save;
 * more cost their clearing and sums).  A bucket far
 * fuller than the mean (a text made to be slow) sends the entries to
 * mlclf_text_radix() instead, which takes the same time whatever the
 * columns: the sort stays linear.
 */
static mlclf_text_entry_t *
mlclf_text_sort(mlclf_text_entry_t *a, mlclf_text_entry_t *b, size_t n,
    uint32_t max)
{
    size_t    i, d;
    uint32_t  bits, k, shift, sum, most, count[1 << MLCLF_TEXT_BUCKET_BITS];

    if (n <= 32) {
        mlclf_text_insert(a, n);
        return a;
    }

    if (n > UINT32_MAX) {
        /* more than the 32-bit counts below hold */
        return mlclf_text_radix(a, b, n, max);
    }

    for (bits = 1; bits < 32 && (max >> bits) != 0; bits++) {
        /* void */
    }

    for (k = 1; k < MLCLF_TEXT_BUCKET_BITS && ((size_t) 4 << k) <= n; k++) {
        /* void */
    }

    k = k < bits ? k : bits;
    shift = bits - k;

    memset(count, 0, sizeof(count[0]) << k);

    for (i = 0; i < n; i++) {
        count[a[i].column >> shift]++;
    }

    most = 0;

    for (sum = 0, d = 0; d < ((size_t) 1 << k); d++) {
        most = count[d] > most ? count[d] : most;
        sum += count[d];
        count[d] = sum - count[d];
    }

    if (most > 4 * (n >> k) + 32) {
        return mlclf_text_radix(a, b, n, max);
    }

    for (i = 0; i < n; i++) {
        b[count[a[i].column >> shift]++] = a[i];
    }

    mlclf_text_insert(b, n);

    return b;
}


/* insertion sort by column: each entry moves back past the greater */
static void
mlclf_text_insert(mlclf_text_entry_t *a, size_t n)
{
    size_t              i, j;
    mlclf_text_entry_t  x;

    for (i = 1; i < n; i++) {
        x = a[i];

        for (j = i; j > 0 && a[j - 1].column > x.column; j--) {
            a[j] = a[j - 1];
        }

        a[j] = x;
    }
}


/*
 * Sorts a[0 .. n) by column, into a or b (which it returns): least
 * significant byte first, only the bytes that max needs, skipping a
 * byte that all share.
 */
static mlclf_text_entry_t *
mlclf_text_radix(mlclf_text_entry_t *a, mlclf_text_entry_t *b, size_t n,
    uint32_t max)
{
    size_t               i, sum, k, count[4][256];
    uint32_t             pass, passes, shift, d;
    mlclf_text_entry_t  *t;

    for (passes = 1; passes < 4 && (max >> (8 * passes)) != 0; passes++) {
        /* void */
    }

    memset(count, 0, sizeof(count[0]) * passes);

    for (i = 0; i < n; i++) {
        for (pass = 0; pass < passes; pass++) {
            count[pass][(a[i].column >> (8 * pass)) & 0xff]++;
        }
    }

    for (pass = 0; pass < passes; pass++) {
        shift = 8 * pass;

        if (count[pass][(a[0].column >> shift) & 0xff] == n) {
            continue;
        }

        for (sum = 0, d = 0; d < 256; d++) {
            k = count[pass][d];
            count[pass][d] = sum;
            sum += k;
        }

        for (i = 0; i < n; i++) {
            d = (a[i].column >> shift) & 0xff;
            b[count[pass][d]++] = a[i];
        }

        t = a;
        a = b;
        b = t;
    }

    return a;
}


/* each column's sum, once; integers, so any order adds exactly */
static size_t
mlclf_text_merge(const mlclf_text_entry_t *e, size_t n,
    mlclf_text_term_t *terms)
{
    size_t    i, k;
    int64_t   sum;
    uint32_t  col;

    i = 0;
    k = 0;

    while (i < n) {
        col = e[i].column;
        sum = 0;

        do {
            sum += e[i].value;
            i++;
        } while (i < n && e[i].column == col);

        terms[k].column = col;
        terms[k].value = (double) sum;
        k++;
    }

    return k;
}


void
mlclf_text_weigh(const mlclf_text_params_t *p, mlclf_text_term_t *terms,
    size_t n)
{
    int     sublinear;
    size_t  i;
    double  v, sum;

    if (p->flags & MLCLF_TEXT_BINARY) {
        for (i = 0; i < n; i++) {
            terms[i].value = 1.0;
        }
    }

    mlclf_text_normalize(terms, n, p->hash_norm, 0);

    /* log(1) is +0 exactly: a count of 1 stays 1, without the call */

    sublinear = (p->flags & MLCLF_TEXT_SUBLINEAR_TF) != 0;

    if (p->idf == NULL) {
        for (i = 0; sublinear && i < n; i++) {
            v = terms[i].value;
            terms[i].value = (v == 1.0) ? 1.0 : log(v) + 1.0;
        }

        mlclf_text_normalize(terms, n, p->norm, 0);
        return;
    }

    /*
     * tf and idf from the last term to the first, adding up the norm's
     * sum on the way in the order mlclf_text_normalize() takes after
     * an idf product
     */

    sum = 0.0;

    for (i = n; i-- > 0; /* void */) {
        v = terms[i].value;

        if (sublinear && v != 1.0) {
            v = log(v) + 1.0;
        }

        v *= p->idf[terms[i].column];
        terms[i].value = v;
        sum += (p->norm == MLCLF_TEXT_NORM_L1) ? fabs(v) : v * v;
    }

    mlclf_text_divide(terms, n, p->norm, sum);
}


/*
 * sklearn's inplace_csr_row_normalize_l1/_l2: the sum in the row's
 * order, no division for a sum of 0.  After the idf product the row is
 * in reverse column order: scipy's csr_matmat lists a row's products
 * from the last column it met to the first.
 */
static void
mlclf_text_normalize(mlclf_text_term_t *t, size_t n, uint32_t norm,
    int reverse)
{
    size_t  i, k;
    double  sum, v;

    if (norm == MLCLF_TEXT_NORM_NONE) {
        return;
    }

    sum = 0.0;

    for (k = 0; k < n; k++) {
        i = reverse ? n - 1 - k : k;
        v = t[i].value;
        sum += (norm == MLCLF_TEXT_NORM_L1) ? fabs(v) : v * v;
    }

    mlclf_text_divide(t, n, norm, sum);
}


/* each value divided by the norm whose sum of |v| or v^2 is sum */
static void
mlclf_text_divide(mlclf_text_term_t *t, size_t n, uint32_t norm, double sum)
{
    size_t  i;

    if (norm == MLCLF_TEXT_NORM_NONE || sum == 0.0) {
        return;
    }

    if (norm == MLCLF_TEXT_NORM_L2) {
        sum = sqrt(sum);
    }

    for (i = 0; i < n; i++) {
        t[i].value /= sum;
    }
}


ptrdiff_t
mlclf_text_ngrams(const mlclf_text_params_t *p, const char *text, size_t len,
    void *scratch, void (*fn)(void *ctx, const char *gram, size_t len),
    void *ctx)
{
    size_t     grams;
    uint32_t   n;
    ptrdiff_t  tlen;

    tlen = mlclf_text_tokens(p, text, len, scratch);
    if (tlen < 0) {
        return -1;
    }

    grams = 0;

    for (n = p->ngram_min; n <= p->ngram_max; n++) {
        grams += mlclf_text_walk(scratch, (size_t) tlen, n, n, fn, ctx);
    }

    return (ptrdiff_t) grams;
}
