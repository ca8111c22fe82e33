
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The text featurizer (mlclf_text.h) on cases worked by hand: parameter
 * checks, invalid UTF-8, n-grams, counts, the kept zero of cancelling
 * signs, weighing, and linear time on texts made to be slow.  Python's
 * and scikit-learn's answers are test_text_ref's.
 *
 * test_text --vectors SPEC is a debug mode, not a test: it prints the
 * vectors of the documents on stdin (text_ref.h), for
 * tests/ref/text_vectors.py --csv.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mlclf.h>
#include <mlclf_text.h>
#include <mlclf_train_text.h>
#include "tap.h"
#include "text_ref.h"


typedef struct {
    const char               *name;
    const char               *text;
    size_t                    len;
} test_bytes_t;


static void test_params(void);
static void test_params_bad(const mlclf_text_params_t *p, const char *what,
    const char *msg);
static void test_invalid(void);
static void test_grams(void);
static void test_gram_count(void *ctx, const char *gram, size_t len);
static void test_counts(void);
static void test_zero_column(void);
static void test_weigh(void);
static void test_learn(void);
static int test_learn_one(const char *const *docs, size_t n, uint32_t flags,
    const mlclf_train_text_limits_t *lim, char *terms, size_t size,
    mlclf_err_t *err);
static void test_linear(void);
static ptrdiff_t test_count(const mlclf_text_params_t *p, const char *text,
    size_t len, mlclf_text_term_t **terms);


static const mlclf_text_params_t  test_hash = {
    MLCLF_TEXT_HASHING, 1u << 20, 1, 1,
    MLCLF_TEXT_LOWERCASE | MLCLF_TEXT_ALTERNATE_SIGN,
    MLCLF_TEXT_NORM_L2, MLCLF_TEXT_NORM_L2, NULL, NULL, NULL, NULL, 0
};


int
main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--vectors") == 0) {
        return text_vectors_main(argc, argv);
    }

    test_params();
    test_invalid();
    test_grams();
    test_counts();
    test_zero_column();
    test_weigh();
    test_learn();
    test_linear();

    return tap_done();
}


static void
test_params(void)
{
    mlclf_err_t           err;
    mlclf_text_params_t   p;

    static const double    idf[3] = { 1.0, 2.5, 100.0 };
    static const double    bad_idf[3] = { 1.0, 0.5, 2.0 };
    static const uint32_t  off[4] = { 0, 2, 6, 7 };
    static const uint32_t  off_order[4] = { 0, 2, 3, 7 };
    static const uint32_t  off_twice[4] = { 0, 2, 6, 10 };
    static const uint32_t  off_last[4] = { 0, 2, 6, 8 };
    static const uint32_t  off_empty[4] = { 0, 2, 2, 7 };

    p = test_hash;
    is_int(mlclf_text_params_check(&p, &err), MLCLF_OK,
           "HashingVectorizer's defaults pass");

    p.vectorizer = MLCLF_TEXT_VOCABULARY;
    p.n_features = 3;
    p.flags = MLCLF_TEXT_LOWERCASE | MLCLF_TEXT_BINARY
              | MLCLF_TEXT_SUBLINEAR_TF;
    p.hash_norm = MLCLF_TEXT_NORM_NONE;
    p.norm = MLCLF_TEXT_NORM_L1;
    p.ngram_max = MLCLF_TEXT_MAX_NGRAM;
    p.idf = idf;
    p.vocab = "ab" "ab c" "b";
    p.vocab_offsets = off;
    is_int(mlclf_text_params_check(&p, &err), MLCLF_OK,
           "a vocabulary of \"ab\", \"ab c\", \"b\" passes");

    p.vocab = "ab" "b" "ab c";
    p.vocab_offsets = off_order;
    test_params_bad(&p, "terms out of order", "vocab term 2: not after");

    p.vocab = "ab" "ab c" "ab c";
    p.vocab_offsets = off_twice;
    test_params_bad(&p, "a term twice", "vocab term 2: not after");

    p.vocab = "ab" "ab c" "\xc0\x80";
    p.vocab_offsets = off_last;
    test_params_bad(&p, "a term not UTF-8", "vocab term 2: not valid");

    p.vocab = "ab" "ab c" "\0b";
    test_params_bad(&p, "a NUL in a term", "vocab term 2: holds a NUL");

    p.vocab = "ab" "ab c" "b";
    p.vocab_offsets = off_empty;
    test_params_bad(&p, "an empty term", "vocab term 1: empty");

    p.vocab_offsets = off + 1;
    test_params_bad(&p, "offsets not from 0", "vocab_offsets[0] 2");

    p.vocab_offsets = NULL;
    test_params_bad(&p, "no offsets", "vocab: NULL");

    p.vocab_offsets = off;
    p.idf = bad_idf;
    test_params_bad(&p, "an idf below 1", "idf[1] 0.5");

    p.idf = idf;
    p.hash_norm = MLCLF_TEXT_NORM_L2;
    test_params_bad(&p, "a vocabulary's hash_norm", "hash_norm 2");

    p.hash_norm = MLCLF_TEXT_NORM_NONE;
    p.flags |= MLCLF_TEXT_ALTERNATE_SIGN;
    test_params_bad(&p, "a vocabulary's alternate_sign",
                    "flags: alternate_sign is for hashing");

    p = test_hash;
    p.flags |= MLCLF_TEXT_SUBLINEAR_TF;
    test_params_bad(&p, "sublinear_tf with alternate_sign",
                    "flags: sublinear_tf with alternate_sign");

    p = test_hash;
    p.flags |= 0x10;
    test_params_bad(&p, "an unknown flag", "flags 0x13: unknown bits 0x10");

    p = test_hash;
    p.n_features = 3;
    test_params_bad(&p, "3 hashing features", "n_features 3: not a power");

    p.n_features = 1;
    test_params_bad(&p, "1 hashing feature", "n_features 1: not a power");

    p.n_features = MLCLF_TEXT_MAX_HASH_FEATURES * 2;
    test_params_bad(&p, "2^25 hashing features", "n_features 33554432");

    p = test_hash;
    p.vectorizer = 3;
    test_params_bad(&p, "vectorizer 3", "vectorizer 3: not 1");

    p = test_hash;
    p.ngram_max = MLCLF_TEXT_MAX_NGRAM + 1;
    test_params_bad(&p, "ngram_max 9", "ngram_max 9: not in 1..8");

    p = test_hash;
    p.ngram_min = 2;
    test_params_bad(&p, "ngram_min above ngram_max", "ngram_min 2: not in");

    p.ngram_min = 0;
    test_params_bad(&p, "ngram_min 0", "ngram_min 0: not in");

    p = test_hash;
    p.hash_norm = 3;
    test_params_bad(&p, "hash_norm 3", "hash_norm 3: not 0");

    p = test_hash;
    p.norm = 7;
    test_params_bad(&p, "norm 7", "norm 7: not 0");

    p = test_hash;
    p.vectorizer = MLCLF_TEXT_VOCABULARY;
    p.n_features = 0;
    p.flags = 0;
    p.hash_norm = 0;
    test_params_bad(&p, "an empty vocabulary", "n_features 0");

    test_params_bad(NULL, "NULL parameters", "NULL text parameters");
}


static void
test_params_bad(const mlclf_text_params_t *p, const char *what,
    const char *msg)
{
    int          rc;
    mlclf_err_t  err;

    memset(&err, 0, sizeof(err));

    rc = mlclf_text_params_check(p, &err);

    if (!ok(rc == MLCLF_EINVAL && strstr(err.msg, msg) != NULL,
            "refused: %s", what))
    {
        tap_diag("rc %d, \"%s\", want \"%s\"", rc, err.msg, msg);
    }
}


static void
test_invalid(void)
{
    char                 out[64];
    size_t               i, k;
    uint64_t             scratch[16];
    ptrdiff_t            n, m, g;
    mlclf_text_term_t   *terms;
    mlclf_text_params_t  p;

    static const test_bytes_t  bad[] = {
        { "a stray continuation byte", "ab \x80 cd", 7 },
        { "overlong NUL (c0 80)", "ab\xc0\x80", 4 },
        { "overlong / (c1 af)", "\xc1\xaf", 2 },
        { "overlong 3 bytes (e0 80 af)", "x \xe0\x80\xaf", 5 },
        { "overlong 4 bytes (f0 80 80 af)", "\xf0\x80\x80\xaf", 4 },
        { "a high surrogate (ed a0 80)", "ab \xed\xa0\x80", 6 },
        { "a low surrogate (ed bf bf)", "\xed\xbf\xbf ab", 6 },
        { "a surrogate pair in CESU-8", "\xed\xa0\xbd\xed\xb8\x80", 6 },
        { "a 2-byte sequence cut", "caf\xc3", 4 },
        { "a 3-byte sequence cut", "\xe2\x82 x", 4 },
        { "a 4-byte sequence cut at the end", "ok \xf0\x9f\x98", 6 },
        { "0x110000 (f4 90 80 80)", "\xf4\x90\x80\x80", 4 },
        { "a lead byte f5", "\xf5\x80\x80\x80", 4 },
        { "0xff", "ab\xff", 3 },
        { "0xfe", "\xfe", 1 },
        { "invalid after a capital sigma", "\xce\xa3 ab \xff", 7 },
        { "invalid after sigma and ignorables", "A\xce\xa3'\xcc\x81\xc0",
          7 },
    };

    static const test_bytes_t  good[] = {
        { "U+10FFFF", "\xf4\x8f\xbf\xbf", 4 },
        { "U+D7FF and U+E000", "\xed\x9f\xbf\xee\x80\x80", 6 },
        { "U+FFFF", "\xef\xbf\xbf", 3 },
        { "a NUL byte", "ab\0cd", 5 },
        { "U+0080 and U+07FF", "\xc2\x80\xdf\xbf", 4 },
    };

    p = test_hash;
    k = 0;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p.flags = (i & 1) ? MLCLF_TEXT_ALTERNATE_SIGN : test_hash.flags;

        n = test_count(&p, bad[i].text, bad[i].len, &terms);
        free(terms);

        g = mlclf_text_ngrams(&p, bad[i].text, bad[i].len, scratch,
                              test_gram_count, &k);
        m = mlclf_text_lower(bad[i].text, bad[i].len, out);

        if (!ok(n == -1 && g == -1 && m == -1, "-1 for %s", bad[i].name)) {
            tap_diag("count %td, ngrams %td, lower %td", n, g, m);
        }
    }

    is_int(k, 0, "no n-gram of an invalid text reaches the callback");

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        n = test_count(&p, good[i].text, good[i].len, &terms);
        free(terms);

        m = mlclf_text_lower(good[i].text, good[i].len, out);

        ok(n >= 0 && m == (ptrdiff_t) good[i].len, "valid: %s",
           good[i].name);
    }

    n = mlclf_text_count(&p, "ab", MLCLF_TEXT_MAX_LEN + 1, scratch, NULL);
    is_int(n, -1, "a text over MLCLF_TEXT_MAX_LEN: -1 before reading it");
    is_int(mlclf_text_scratch_size(&p, MLCLF_TEXT_MAX_LEN + 1), 0,
           "no scratch size over MLCLF_TEXT_MAX_LEN");
}


static void
test_gram_count(void *ctx, const char *gram, size_t len)
{
    (void) gram;
    (void) len;

    (*(size_t *) ctx)++;
}


static void
test_grams(void)
{
    size_t                i;
    void                 *scratch;
    ptrdiff_t             n;
    text_grams_t          b;
    mlclf_text_params_t   p;

    static const struct {
        const char           *text;
        uint32_t              lo, hi, flags;
        const char           *want;
    } cases[] = {
        { "Hello, World! a bb ccc", 1, 2, MLCLF_TEXT_LOWERCASE,
          "hello\nworld\nbb\nccc\nhello world\nworld bb\nbb ccc\n" },
        { "Hello, World! a bb ccc", 2, 3, 0,
          "Hello World\nWorld bb\nbb ccc\nHello World bb\nWorld bb ccc\n" },
        { "one", 2, 2, 0, "" },
        { "x y z", 1, 1, MLCLF_TEXT_LOWERCASE, "" },
        { "__a__ _ a_ 1a a1 42", 1, 1, 0, "__a__\na_\n1a\na1\n42\n" },
        { "\xc4\xb0STANBUL", 1, 1, MLCLF_TEXT_LOWERCASE, "stanbul\n" },
        { "\xc4\xb0STANBUL", 1, 1, 0, "\xc4\xb0STANBUL\n" },
        { "\xce\x9f\xce\x94\xce\xa5\xce\xa3\xce\xa3\xce\x95\xce\xa5\xce\xa3",
          1, 1, MLCLF_TEXT_LOWERCASE,
          "\xce\xbf\xce\xb4\xcf\x85\xcf\x83\xcf\x83\xce\xb5\xcf\x85\xcf\x82\n"
        },
        { "e\xcc\x81te\xcc\x81 cafe\xcc\x81", 1, 1, 0, "te\ncafe\n" },
        { "Stra\xc3\x9f" "e \xe1\xba\x9e", 1, 1, MLCLF_TEXT_LOWERCASE,
          "stra\xc3\x9f" "e\n" },
        { "\xe6\x97\xa5\xe6\x9c\xac \xe8\xaa\x9e \xd9\xa3\xd9\xa4", 1, 2, 0,
          "\xe6\x97\xa5\xe6\x9c\xac\n\xd9\xa3\xd9\xa4\n"
          "\xe6\x97\xa5\xe6\x9c\xac \xd9\xa3\xd9\xa4\n" },
        { "ok\xf0\x9f\x91\x8dok a\xc2\xad" "b", 1, 1, 0, "ok\nok\n" },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        p = test_hash;
        p.ngram_min = cases[i].lo;
        p.ngram_max = cases[i].hi;
        p.flags = cases[i].flags;

        memset(&b, 0, sizeof(b));

        scratch = malloc(mlclf_text_scratch_size(&p, strlen(cases[i].text)));

        n = mlclf_text_ngrams(&p, cases[i].text, strlen(cases[i].text),
                              scratch, text_grams_add, &b);
        free(scratch);

        if (!ok(n == (ptrdiff_t) b.n
                && strcmp(b.text ? b.text : "", cases[i].want) == 0,
                "n-grams %u..%u of \"%s\"", cases[i].lo, cases[i].hi,
                cases[i].text))
        {
            tap_diag("got %td: \"%s\"", n, b.text ? b.text : "");
        }

        free(b.text);
    }
}


/* mlclf_text_count() with buffers of exactly the sizes the API gives */
static ptrdiff_t
test_count(const mlclf_text_params_t *p, const char *text, size_t len,
    mlclf_text_term_t **terms)
{
    void       *scratch;
    size_t      max;
    ptrdiff_t   n;

    max = mlclf_text_max_terms(p, len);

    scratch = malloc(mlclf_text_scratch_size(p, len));
    *terms = malloc(max ? max * sizeof(mlclf_text_term_t) : 1);

    if (scratch == NULL || *terms == NULL) {
        printf("Bail out! out of memory\n");
        exit(1);
    }

    n = mlclf_text_count(p, text, len, scratch, *terms);

    free(scratch);

    if (n > (ptrdiff_t) max) {
        ok(0, "%td terms, at most %zu", n, max);
    }

    return n;
}


static void
test_counts(void)
{
    ptrdiff_t             n;
    mlclf_text_term_t    *t;
    mlclf_text_params_t   p;

    static const uint32_t  off[4] = { 0, 2, 8, 13 };

    p = test_hash;
    p.vectorizer = MLCLF_TEXT_VOCABULARY;
    p.n_features = 3;
    p.flags = MLCLF_TEXT_LOWERCASE;
    p.hash_norm = MLCLF_TEXT_NORM_NONE;
    p.ngram_max = 2;
    p.vocab = "bb" "bb ccc" "hello";
    p.vocab_offsets = off;

    n = test_count(&p, "Hello bb CCC bb zz, hello", 25, &t);

    ok(n == 3 && t[0].column == 0 && t[0].value == 2.0
       && t[1].column == 1 && t[1].value == 1.0
       && t[2].column == 2 && t[2].value == 2.0,
       "vocabulary counts: bb 2, \"bb ccc\" 1, hello 2; others skipped");
    free(t);

    n = test_count(&p, "nothing known", 13, &t);
    is_int(n, 0, "no term of the vocabulary: no entry");
    free(t);

    n = test_count(&p, "", 0, &t);
    is_int(n, 0, "the empty text: no entry");
    free(t);

    is_int(mlclf_text_max_terms(&p, 0), 0, "max_terms of 0 bytes");
    is_int(mlclf_text_max_terms(&p, 5), 3, "max_terms: at most n_features");

    p = test_hash;
    p.ngram_max = 3;
    is_int(mlclf_text_max_terms(&p, 8), 4 + 3 + 2,
           "max_terms of 8 bytes, n-grams 1..3: 4 + 3 + 2");
}


/*
 * Two tokens on the same column with opposite signs: the column stays,
 * with value 0, and its df counts it, as sklearn's do.
 */
static void
test_zero_column(void)
{
    char                    text[16], pair[32];
    int                     sign[100];
    uint32_t                col[100], i, j;
    ptrdiff_t               n;
    mlclf_err_t             err;
    mlclf_text_term_t      *t;
    mlclf_text_params_t     p;
    mlclf_train_text_df_t   df;

    p = test_hash;
    p.n_features = 2;
    p.hash_norm = MLCLF_TEXT_NORM_NONE;

    for (i = 0; i < 100; i++) {
        (void) snprintf(text, sizeof(text), "w%u", i);
        n = test_count(&p, text, strlen(text), &t);
        col[i] = t[0].column;
        sign[i] = (t[0].value < 0) ? -1 : 1;
        free(t);
    }

    for (i = 1; i < 100; i++) {
        for (j = 0; j < i; j++) {
            if (col[i] == col[j] && sign[i] != sign[j]) {
                goto found;
            }
        }
    }

    ok(0, "two of w0..w99 share a column with opposite signs");
    return;

found:

    n = snprintf(pair, sizeof(pair), "w%u w%u", i, j);
    n = test_count(&p, pair, (size_t) n, &t);

    ok(n == 1 && t[0].column == col[i] && t[0].value == 0.0,
       "\"%s\": one term, column %u, value 0 kept", pair, col[i]);

    if (mlclf_train_text_df_init(&df, 2) == MLCLF_OK
        && mlclf_train_text_df_add(&df, t, (size_t) n, &err) == MLCLF_OK)
    {
        ok(df.df[col[i]] == 1 && df.n_docs == 1, "its df counts it");
    }

    p.flags |= MLCLF_TEXT_BINARY;
    p.hash_norm = MLCLF_TEXT_NORM_L2;
    mlclf_text_weigh(&p, t, (size_t) n);
    is_double(t[0].value, 1.0, 0.0, "binary makes the 0 a 1, as "
              "X.data.fill(1) does");

    mlclf_train_text_df_free(&df);
    free(t);
}


static void
test_weigh(void)
{
    mlclf_text_term_t    t[3];
    mlclf_text_params_t  p;

    static const double  idf[4] = { 1.0, 2.0, 3.0, 4.0 };

    p = test_hash;
    p.n_features = 4;
    p.flags = MLCLF_TEXT_LOWERCASE;
    p.hash_norm = MLCLF_TEXT_NORM_NONE;
    p.norm = MLCLF_TEXT_NORM_L1;
    p.idf = idf;

    t[0].column = 0;
    t[0].value = 2.0;
    t[1].column = 2;
    t[1].value = 1.0;
    t[2].column = 3;
    t[2].value = 1.0;

    mlclf_text_weigh(&p, t, 3);

    ok(t[0].value == 2.0 / 9.0 && t[1].value == 3.0 / 9.0
       && t[2].value == 4.0 / 9.0, "idf then l1: 2, 3, 4 over 9");

    p.flags |= MLCLF_TEXT_SUBLINEAR_TF;
    p.norm = MLCLF_TEXT_NORM_NONE;
    p.idf = NULL;
    t[0].value = 1.0;
    mlclf_text_weigh(&p, t, 1);
    is_double(t[0].value, 1.0, 0.0, "sublinear_tf: 1 + ln 1 = 1");

    p.norm = MLCLF_TEXT_NORM_L2;
    p.flags = 0;
    t[0].value = 0.0;
    mlclf_text_weigh(&p, t, 1);
    is_double(t[0].value, 0.0, 0.0, "a row of zeros stays (no 0 / 0)");
}


/*
 * The vocabulary learner's limits and refusals, on documents small
 * enough to count by hand.
 */
static void
test_learn(void)
{
    int                        rc;
    char                       terms[256];
    mlclf_err_t                err;
    mlclf_train_text_limits_t  lim;

    static const char *const   ties[] = { "bb aa", "cc" };
    static const char *const   reps[] = { "aa aa aa", "bb", "bb" };
    static const char *const   none[] = { "a b", "", "!" };
    static const char *const   two[] = { "aa bb", "aa cc", "dd" };

    memset(&lim, 0, sizeof(lim));

    rc = test_learn_one(two, 3, 0, &lim, terms, sizeof(terms), &err);
    ok(rc == MLCLF_OK && strcmp(terms, "aa|bb|cc|dd|") == 0,
       "defaults: every term, sorted (%s)", terms);

    lim.max_features = 2;
    rc = test_learn_one(ties, 2, 0, &lim, terms, sizeof(terms), &err);
    ok(rc == MLCLF_OK && strcmp(terms, "aa|bb|") == 0,
       "max_features among equal counts: the bytewise first (%s)", terms);

    lim.max_features = 1;
    rc = test_learn_one(reps, 3, 0, &lim, terms, sizeof(terms), &err);
    ok(rc == MLCLF_OK && strcmp(terms, "aa|") == 0,
       "max_features by occurrences: aa 3 over bb 2 (%s)", terms);

    rc = test_learn_one(reps, 3, MLCLF_TEXT_BINARY, &lim, terms,
                        sizeof(terms), &err);
    ok(rc == MLCLF_OK && strcmp(terms, "bb|") == 0,
       "under binary by documents: bb 2 over aa 1 (%s)", terms);

    lim.max_features = 0;
    lim.min_df.kind = MLCLF_TRAIN_FREQ_COUNT;
    lim.min_df.count = 2;
    rc = test_learn_one(two, 3, 0, &lim, terms, sizeof(terms), &err);
    ok(rc == MLCLF_OK && strcmp(terms, "aa|") == 0,
       "min_df 2 (documents) keeps aa (%s)", terms);

    lim.max_df.kind = MLCLF_TRAIN_FREQ_SHARE;
    lim.max_df.share = 0.5;
    rc = test_learn_one(two, 3, 0, &lim, terms, sizeof(terms), &err);
    ok(rc == MLCLF_EINVAL && strstr(err.msg, "fewer than min_df") != NULL,
       "max_df 0.5 of 3 below min_df 2: refused (%s)", err.msg);

    lim.max_df.share = 1.0;
    lim.min_df.count = 3;
    rc = test_learn_one(two, 3, 0, &lim, terms, sizeof(terms), &err);
    ok(rc == MLCLF_EINVAL && strstr(err.msg, "no term is left") != NULL,
       "min_df 3: no term left (%s)", err.msg);

    lim.min_df.count = 1;
    rc = test_learn_one(none, 3, 0, &lim, terms, sizeof(terms), &err);
    ok(rc == MLCLF_EINVAL && strstr(err.msg, "empty vocabulary") != NULL,
       "no token at all: empty vocabulary (%s)", err.msg);

    lim.min_df.kind = MLCLF_TRAIN_FREQ_SHARE;
    lim.min_df.share = 1.5;
    rc = test_learn_one(two, 3, 0, &lim, terms, sizeof(terms), &err);
    ok(rc == MLCLF_EINVAL && strstr(err.msg, "min_df 1.5: a share") != NULL,
       "min_df 1.5 as a share: refused (%s)", err.msg);
}


/*
 * Learns from docs[0 .. n) (a document "\xff" is refused and must leave
 * no trace) and writes the terms into terms, each ended by "|".
 */
static int
test_learn_one(const char *const *docs, size_t n, uint32_t flags,
    const mlclf_train_text_limits_t *lim, char *terms, size_t size,
    mlclf_err_t *err)
{
    int                        rc;
    size_t                     i, k;
    mlclf_err_t                bad;
    mlclf_text_params_t        p;
    mlclf_train_text_vocab_t   v;
    mlclf_train_text_result_t  r;

    p = test_hash;
    p.flags = MLCLF_TEXT_LOWERCASE | flags;

    terms[0] = '\0';
    memset(err, 0, sizeof(*err));

    if (mlclf_train_text_vocab_init(&v, &p) != MLCLF_OK) {
        return MLCLF_ENOMEM;
    }

    rc = MLCLF_OK;

    for (i = 0; i < n && rc == MLCLF_OK; i++) {
        if (mlclf_train_text_vocab_add(&v, "zz \xff", 4, &bad)
            != MLCLF_EINVAL)
        {
            ok(0, "a document of invalid UTF-8 is refused");
        }

        rc = mlclf_train_text_vocab_add(&v, docs[i], strlen(docs[i]), err);
    }

    if (rc == MLCLF_OK) {
        rc = mlclf_train_text_vocab_finish(&v, lim, &r, err);
    }

    if (rc == MLCLF_OK) {
        if (r.n_docs != n) {
            ok(0, "%llu documents counted, not %zu",
               (unsigned long long) r.n_docs, n);
        }

        k = 0;

        for (i = 0; i < r.n; i++) {
            k += snprintf(terms + k, size - k, "%.*s|",
                          (int) (r.offsets[i + 1] - r.offsets[i]),
                          r.vocab + r.offsets[i]);
        }

        mlclf_train_text_result_free(&r);
    }

    mlclf_train_text_vocab_free(&v);

    return rc;
}


/*
 * Texts made so that a scan of the sigma context per character, or per
 * stretch of other characters, would be quadratic: 1 MB of each must
 * take well under the limit (ASan's build included).
 */
static void
test_linear(void)
{
    char                *text;
    double               secs;
    size_t               i, k, len, unit;
    clock_t              t0;
    ptrdiff_t            n;
    mlclf_text_term_t   *terms;
    mlclf_text_params_t  p;

    static const char  *units[] = {
        "'\xcc\x81",                   /* ' and U+0301: case-ignorable */
        "\xce\xa3'\xcc\x81",           /* a capital sigma before them */
        "'\xcc\x81\xcc\x81\xce\xa3",   /* and after */
        "a\xcc\x81",                   /* a run of one character each */
        "ab ",
    };

    p = test_hash;
    p.ngram_max = 2;
    len = 1 << 20;

    text = malloc(len);
    if (text == NULL) {
        printf("Bail out! out of memory\n");
        exit(1);
    }

    for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
        unit = strlen(units[k]);

        for (i = 0; i + unit <= len; i += unit) {
            memcpy(text + i, units[k], unit);
        }

        t0 = clock();
        n = test_count(&p, text, i, &terms);
        secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
        free(terms);

        if (!ok(n >= 0 && secs < 10.0, "1 MB of \"%s\"... in linear time",
                units[k]))
        {
            tap_diag("%td terms, %.2f s", n, secs);
        }
    }

    free(text);
}
