
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * libFuzzer target: the text featurizer (mlclf_text.h) and the
 * trainer's vocabulary learning (mlclf_train_text.h).  The first input
 * byte picks the n-gram range, the lowercase flag and one of four fixed
 * parameter sets; the rest is the text, given to each function in a
 * buffer of exactly its length, with scratch and terms of exactly the
 * sizes the API asks for.  Checked: -1 exactly when the text is not
 * valid UTF-8, and then from every function; terms sorted, distinct,
 * in range, no more than mlclf_text_max_terms(); raw counts that add
 * up to the n-grams (hashing without signs); every n-gram of word
 * characters joined by single spaces, n of them; weighed values finite
 * with a norm of 1 (or 0 for an all-zero row).  Then the text split at
 * its NULs is a corpus: a vocabulary learned from it must pass
 * mlclf_text_params_check() and count every document.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <mlclf.h>
#include <mlclf_text.h>
#include <mlclf_text_vocab.h>
#include <mlclf_train_text.h>
#include "fuzz.h"


#define FUZZ_NSETS  4


typedef struct {
    const mlclf_text_params_t  *p;
    size_t                      grams;
    int                         bad;
} fuzz_grams_t;


static int fuzz_init(void);
static void fuzz_params(uint8_t sel, mlclf_text_params_t *p);
static void fuzz_one(const mlclf_text_params_t *p, const char *text,
    size_t len);
static void fuzz_gram(void *ctx, const char *gram, size_t len);
static void fuzz_counts(const mlclf_text_params_t *p,
    const mlclf_text_term_t *t, size_t n, size_t grams);
static void fuzz_weighed(const mlclf_text_params_t *p,
    const mlclf_text_term_t *t, size_t n);
static void fuzz_lower(const char *text, size_t len, int valid);
static void fuzz_learn(uint8_t sel, const char *text, size_t len);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static double               *fuzz_idf;
static mlclf_text_params_t   fuzz_sets[FUZZ_NSETS];

/* sorted bytewise: "ab", "ab cd", "cd", "xy", "Σσ", "σς", "日本" */
static const char            fuzz_vocab[] =
    "ab" "ab cd" "cd" "xy" "\xce\xa3\xcf\x83" "\xcf\x83\xcf\x82"
    "\xe6\x97\xa5\xe6\x9c\xac";
static const uint32_t        fuzz_offsets[] = { 0, 2, 7, 9, 11, 15, 19, 25 };
static mlclf_text_slot_t     fuzz_index[16];    /* its lookup index */


static int
fuzz_init(void)
{
    size_t       i;
    mlclf_err_t  err;

    if (fuzz_idf != NULL) {
        return 0;
    }

    fuzz_idf = malloc(sizeof(double) << 20);
    if (fuzz_idf == NULL) {
        return -1;
    }

    for (i = 0; i < (1u << 20); i++) {
        fuzz_idf[i] = 1.0 + (double) (i % 97) / 7.0;
    }

    /* HashingVectorizer's defaults, then TfidfTransformer's */
    fuzz_sets[0].vectorizer = MLCLF_TEXT_HASHING;
    fuzz_sets[0].n_features = 1u << 20;
    fuzz_sets[0].flags = MLCLF_TEXT_ALTERNATE_SIGN;
    fuzz_sets[0].hash_norm = MLCLF_TEXT_NORM_L2;
    fuzz_sets[0].norm = MLCLF_TEXT_NORM_L2;
    fuzz_sets[0].idf = fuzz_idf;

    /* 16 columns: collisions, zeros, then binary */
    fuzz_sets[1].vectorizer = MLCLF_TEXT_HASHING;
    fuzz_sets[1].n_features = 16;
    fuzz_sets[1].flags = MLCLF_TEXT_ALTERNATE_SIGN | MLCLF_TEXT_BINARY;
    fuzz_sets[1].hash_norm = MLCLF_TEXT_NORM_L1;
    fuzz_sets[1].norm = MLCLF_TEXT_NORM_L1;

    /* 2 columns, plain counts, sublinear, idf */
    fuzz_sets[2].vectorizer = MLCLF_TEXT_HASHING;
    fuzz_sets[2].n_features = 2;
    fuzz_sets[2].flags = MLCLF_TEXT_SUBLINEAR_TF;
    fuzz_sets[2].norm = MLCLF_TEXT_NORM_L2;
    fuzz_sets[2].idf = fuzz_idf;

    fuzz_sets[3].vectorizer = MLCLF_TEXT_VOCABULARY;
    fuzz_sets[3].n_features = 7;
    fuzz_sets[3].norm = MLCLF_TEXT_NORM_L2;
    fuzz_sets[3].idf = fuzz_idf;
    fuzz_sets[3].vocab = fuzz_vocab;
    fuzz_sets[3].vocab_offsets = fuzz_offsets;

    for (i = 0; i < FUZZ_NSETS; i++) {
        fuzz_sets[i].ngram_min = 1;
        fuzz_sets[i].ngram_max = 1;

        if (mlclf_text_params_check(&fuzz_sets[i], &err) != MLCLF_OK) {
            fprintf(stderr, "fuzz_text: set %zu: %s\n", i, err.msg);
            return -1;
        }
    }

    if (mlclf_text_vocab_slots(&fuzz_sets[3]) > 16) {
        return -1;
    }

    mlclf_text_vocab_index(&fuzz_sets[3], fuzz_index);

    return 0;
}


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;

    if (fuzz_init() != 0) {
        abort();
    }

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                 *text;
    mlclf_err_t           err;
    mlclf_text_params_t   p;

    if (fuzz_init() != 0) {
        abort();
    }

    if (size == 0) {
        return 0;
    }

    /* the idf (2^20 of them) passed in fuzz_init(); the rest here */

    fuzz_params(data[0], &p);
    p.idf = NULL;
    FUZZ_CHECK(mlclf_text_params_check(&p, &err) == MLCLF_OK);
    fuzz_params(data[0], &p);

    /* an exact-size copy: reading past the text is an ASan report */

    text = malloc(size - 1 ? size - 1 : 1);
    if (text == NULL) {
        return 0;
    }

    memcpy(text, data + 1, size - 1);

    fuzz_one(&p, text, size - 1);
    fuzz_learn(data[0], text, size - 1);

    free(text);

    return 0;
}


/* bits 0-1 the set, 2-4 ngram_max - 1, 5-6 ngram_min, 7 lowercase */
static void
fuzz_params(uint8_t sel, mlclf_text_params_t *p)
{
    uint32_t  lo;

    *p = fuzz_sets[sel & 3];

    p->ngram_max = 1 + ((sel >> 2) & 7);
    lo = 1 + ((sel >> 5) & 3);
    p->ngram_min = (lo <= p->ngram_max) ? lo : p->ngram_max;

    if (sel & 0x80) {
        p->flags |= MLCLF_TEXT_LOWERCASE;
    }
}


static void
fuzz_one(const mlclf_text_params_t *p, const char *text, size_t len)
{
    int                 valid;
    void               *scratch;
    size_t              max, ssize;
    ptrdiff_t           n, g;
    fuzz_grams_t        fg;
    mlclf_text_term_t  *terms;

    valid = (u8_check((const uint8_t *) text, len) == NULL);

    max = mlclf_text_max_terms(p, len);
    ssize = mlclf_text_scratch_size(p, len);

    FUZZ_CHECK(ssize > 0 && ssize % 8 == 0);

    scratch = malloc(ssize);
    terms = malloc(max ? max * sizeof(mlclf_text_term_t) : 1);

    if (scratch == NULL || terms == NULL) {
        free(scratch);
        free(terms);
        return;
    }

    memset(&fg, 0, sizeof(fg));
    fg.p = p;

    g = mlclf_text_ngrams(p, text, len, scratch, fuzz_gram, &fg);
    n = mlclf_text_count(p, text, len, scratch, terms);

    if (!valid) {
        FUZZ_CHECK(n == -1 && g == -1 && fg.grams == 0);

    } else {
        FUZZ_CHECK(n >= 0 && g >= 0 && (size_t) g == fg.grams);
        FUZZ_CHECK(!fg.bad);
        FUZZ_CHECK((size_t) n <= max);

        fuzz_counts(p, terms, (size_t) n, fg.grams);
        mlclf_text_weigh(p, terms, (size_t) n);
        fuzz_weighed(p, terms, (size_t) n);
    }

    fuzz_lower(text, len, valid);

    free(scratch);
    free(terms);
}


/* an n-gram: n tokens of word characters joined by single spaces */
static void
fuzz_gram(void *ctx, const char *gram, size_t len)
{
    int            k;
    size_t         i, spaces, run;
    ucs4_t         c;
    fuzz_grams_t  *fg;

    fg = ctx;
    fg->grams++;

    spaces = 0;
    run = 0;

    for (i = 0; i < len; i += (size_t) k) {
        k = u8_mbtouc(&c, (const uint8_t *) gram + i, len - i);

        if (c == ' ') {
            fg->bad |= (run < 2);
            spaces++;
            run = 0;
            continue;
        }

        fg->bad |= (c == 0xfffd && k == 1) || !mlclf_text_is_word(c);
        run++;
    }

    fg->bad |= (run < 2);
    fg->bad |= (spaces + 1 < fg->p->ngram_min
                || spaces + 1 > fg->p->ngram_max);
}


static void
fuzz_counts(const mlclf_text_params_t *p, const mlclf_text_term_t *t,
    size_t n, size_t grams)
{
    size_t  i;
    double  sum;

    sum = 0.0;

    for (i = 0; i < n; i++) {
        FUZZ_CHECK(t[i].column < p->n_features);
        FUZZ_CHECK(i == 0 || t[i].column > t[i - 1].column);
        FUZZ_CHECK(t[i].value == floor(t[i].value));
        FUZZ_CHECK(t[i].value != 0.0
                   || (p->flags & MLCLF_TEXT_ALTERNATE_SIGN));
        FUZZ_CHECK(t[i].value > 0.0
                   || (p->flags & MLCLF_TEXT_ALTERNATE_SIGN));

        sum += fabs(t[i].value);
    }

    if (p->vectorizer == MLCLF_TEXT_VOCABULARY) {
        FUZZ_CHECK(sum <= (double) grams);

    } else if (!(p->flags & MLCLF_TEXT_ALTERNATE_SIGN)) {
        FUZZ_CHECK(sum == (double) grams);

    } else {
        FUZZ_CHECK(sum <= (double) grams);
        FUZZ_CHECK((grams == 0) == (n == 0));
    }
}


static void
fuzz_weighed(const mlclf_text_params_t *p, const mlclf_text_term_t *t,
    size_t n)
{
    size_t  i;
    double  l1, l2;

    l1 = 0.0;
    l2 = 0.0;

    for (i = 0; i < n; i++) {
        FUZZ_CHECK(isfinite(t[i].value));

        l1 += fabs(t[i].value);
        l2 += t[i].value * t[i].value;
    }

    if (n == 0 || l1 == 0.0) {
        return;
    }

    if (p->norm == MLCLF_TEXT_NORM_L2) {
        FUZZ_CHECK(fabs(l2 - 1.0) < 1e-9);

    } else if (p->norm == MLCLF_TEXT_NORM_L1) {
        FUZZ_CHECK(fabs(l1 - 1.0) < 1e-9);
    }
}


static void
fuzz_lower(const char *text, size_t len, int valid)
{
    char       *out;
    size_t      size;
    ptrdiff_t   n;

    size = mlclf_text_lower_size(len);
    out = malloc(size);

    if (out == NULL) {
        return;
    }

    n = mlclf_text_lower(text, len, out);

    if (!valid) {
        FUZZ_CHECK(n == -1);

    } else {
        FUZZ_CHECK(n >= 0 && (size_t) n <= size);
        FUZZ_CHECK(u8_check((const uint8_t *) out, (size_t) n) == NULL);
    }

    free(out);
}


/*
 * The text's NUL-separated documents as a corpus: a learned vocabulary
 * is a valid one and counts every document; a document of invalid
 * UTF-8 is refused and skipped.
 */
static void
fuzz_learn(uint8_t sel, const char *text, size_t len)
{
    int                        rc;
    size_t                     s, e, n, k;
    mlclf_text_slot_t         *index;
    const char                *z;
    mlclf_err_t                err;
    mlclf_text_params_t        p;
    mlclf_train_text_vocab_t   v;
    mlclf_train_text_limits_t  lim;
    mlclf_train_text_result_t  r;

    fuzz_params(sel, &p);
    p.vectorizer = MLCLF_TEXT_VOCABULARY;
    p.flags &= ~MLCLF_TEXT_ALTERNATE_SIGN;
    p.flags |= (sel & 1) ? MLCLF_TEXT_BINARY : 0;
    p.hash_norm = MLCLF_TEXT_NORM_NONE;

    memset(&lim, 0, sizeof(lim));
    lim.min_df.kind = MLCLF_TRAIN_FREQ_COUNT;
    lim.min_df.count = (sel & 2) ? 2 : 1;
    lim.max_df.kind = (sel & 0x10) ? MLCLF_TRAIN_FREQ_SHARE
                                   : MLCLF_TRAIN_FREQ_NONE;
    lim.max_df.share = 0.9;
    lim.max_features = (sel & 0x20) ? 3 : 0;

    if (mlclf_train_text_vocab_init(&v, &p) != MLCLF_OK) {
        mlclf_train_text_vocab_free(&v);
        return;
    }

    n = 0;

    for (s = 0; s <= len; s = e + 1) {
        z = memchr(text + s, '\0', len - s);
        e = (z != NULL) ? (size_t) (z - text) : len;

        rc = mlclf_train_text_vocab_add(&v, text + s, e - s, &err);

        FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL
                   || rc == MLCLF_ENOMEM);

        n += (rc == MLCLF_OK);
    }

    rc = mlclf_train_text_vocab_finish(&v, &lim, &r, &err);

    FUZZ_CHECK(rc == MLCLF_OK || rc == MLCLF_EINVAL || rc == MLCLF_ENOMEM);

    if (rc == MLCLF_OK) {
        FUZZ_CHECK(r.n_docs == n && r.n >= 1 && r.n <= r.n_seen);
        FUZZ_CHECK(lim.max_features == 0 || r.n <= lim.max_features);

        for (k = 0; k < r.n; k++) {
            FUZZ_CHECK(r.df[k] >= 1 && r.df[k] <= n);
        }

        p.n_features = r.n;
        p.vocab = r.vocab;
        p.vocab_offsets = r.offsets;
        p.idf = NULL;

        FUZZ_CHECK(mlclf_text_params_check(&p, &err) == MLCLF_OK);

        /* a loaded model's lookup index finds each term at its column */

        index = malloc(mlclf_text_vocab_slots(&p)
                       * sizeof(mlclf_text_slot_t));

        if (index != NULL) {
            mlclf_text_vocab_index(&p, index);

            for (k = 0; k < r.n; k++) {
                FUZZ_CHECK(mlclf_text_vocab_find(&p, (const uint8_t *) r.vocab
                                                 + r.offsets[k],
                                                 r.offsets[k + 1]
                                                 - r.offsets[k])
                           == (int64_t) k);
            }

            free(index);
        }

        mlclf_train_text_result_free(&r);
    }

    mlclf_train_text_vocab_free(&v);
}
