
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * A category column's vocabulary, mlclf_train_category_fit() and
 * mlclf_train_category_column(): first the rules one at a time on small
 * columns (scikit-learn's ties, the share's product, the infrequent
 * column max_categories counts, unknown values), the refusals and a
 * column of 200,000 rows; then every case of tests/ref/category_vocab.py
 * (Debian's /usr/bin/python3 with python3-sklearn 1.2.1), whose
 * OneHotEncoder must have learned the same kept and infrequent
 * categories, in the same order with the same counts, and sent every
 * probe to the same column.  Runs from the repository root; the
 * reference's file goes to a mkdtemp directory, removed when every test
 * passed.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_train.h>
#include <mlclf_train_category.h>
#include "files.h"
#include "run_cmd.h"
#include "tap.h"
#include "rnd.h"


#define TEST_PYTHON   "/usr/bin/python3"
#define TEST_SCRIPT   "tests/ref/category_vocab.py"

/* a reference case: its column, its settings, sklearn's answers */
#define TEST_MAX_LIST  4096


typedef struct {
    size_t                        n;
    char                         *vals[TEST_MAX_LIST];
    size_t                        lens[TEST_MAX_LIST];
    uint64_t                      counts[TEST_MAX_LIST];
} test_list_t;


static void test_rules(void);
static void test_unknown(void);
static void test_refusals(void);
static void test_large(void);
static void test_reference(const char *dir);
static int test_fit(mlclf_train_category_t *cat,
    const mlclf_train_category_conf_t *conf, const char *const *v,
    size_t n);
static int test_same(const mlclf_train_category_value_t *got, size_t n_got,
    const test_list_t *want, const char *what, char *why, size_t size);
static int test_hex(const char *tok, char **out, size_t *len);
static int test_tokens(char *line, test_list_t *l, int counted);
static void test_list_free(test_list_t *l);
static int test_case(char **lines, size_t n_lines, size_t *at, char *why,
    size_t size);


/* the kept values of cat joined by commas, into buf */
static const char *
test_joined(const mlclf_train_category_value_t *v, size_t n, char *buf,
    size_t size)
{
    size_t  i, off;

    buf[0] = '\0';
    off = 0;

    for (i = 0; i < n && off < size; i++) {
        off += (size_t) snprintf(buf + off, size - off, "%s%s/%llu",
                                 i ? "," : "", v[i].value,
                                 (unsigned long long) v[i].count);
    }

    return buf;
}


static int
test_fit(mlclf_train_category_t *cat,
    const mlclf_train_category_conf_t *conf, const char *const *v, size_t n)
{
    int          rc;
    mlclf_err_t  err;

    memset(&err, 0, sizeof(err));
    rc = mlclf_train_category_fit(cat, conf, v, NULL, n, &err);

    if (rc != MLCLF_OK) {
        tap_diag("fit: %s", err.msg);
    }

    return rc;
}


/* each of scikit-learn's rules on a column made for it */
static void
test_rules(void)
{
    char                         buf[256];
    mlclf_train_category_t       cat;
    mlclf_train_category_conf_t  conf;

    static const char *const  abbccc[] = { "c", "b", "a", "c", "b", "c" };
    static const char *const  tied[] = {
        "e", "d", "c", "b", "a", "a", "b", "c", "d", "e"
    };
    static const char *const  share[] = {
        "b", "b", "b", "a", "b", "b", "b", "b", "b", "b"
    };
    static const char *const  share25[] = {
        "a", "a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b",
        "b", "b", "b", "b", "b", "b", "b", "b", "b", "b", "b", "b"
    };
    static const char *const  order[] = {
        "b", "", "\xf0\x9f\x98\x80", "ab", "\xef\xbc\xa1", "a", "B",
        "\xc3\xa9", "a"
    };

    memset(&conf, 0, sizeof(conf));

    /* no limits: every category kept, in memcmp() order */
    if (test_fit(&cat, &conf, order, 9) == MLCLF_OK) {
        ok(cat.n_kept == 8 && cat.n_infrequent == 0 && cat.n_columns == 8
           && cat.n_rows == 9, "no limits: 8 kept, no infrequent column");
        is_str(test_joined(cat.kept, cat.n_kept, buf, sizeof(buf)),
               "/1,B/1,a/2,ab/1,b/1,\xc3\xa9/1,\xef\xbc\xa1/1,"
               "\xf0\x9f\x98\x80/1",
               "code point order: \"\" first, U+FF21 before U+1F600");
        mlclf_train_category_free(&cat);
    }

    /* max_categories 3 of 3 categories: the infrequent column counts */
    conf.max_categories = 3;
    if (test_fit(&cat, &conf, abbccc, 6) == MLCLF_OK) {
        is_str(test_joined(cat.kept, cat.n_kept, buf, sizeof(buf)),
               "b/2,c/3", "max_categories = categories: 2 kept");
        is_str(test_joined(cat.infrequent, cat.n_infrequent, buf,
                           sizeof(buf)),
               "a/1", "... and the rarest infrequent");
        is_int(cat.n_columns, 3, "3 columns");
        mlclf_train_category_free(&cat);
    }

    conf.max_categories = 4;
    if (test_fit(&cat, &conf, abbccc, 6) == MLCLF_OK) {
        ok(cat.n_kept == 3 && cat.n_infrequent == 0,
           "max_categories = categories + 1: nothing infrequent");
        mlclf_train_category_free(&cat);
    }

    /* all tied: the ones that sort first become infrequent */
    conf.max_categories = 3;
    if (test_fit(&cat, &conf, tied, 10) == MLCLF_OK) {
        is_str(test_joined(cat.kept, cat.n_kept, buf, sizeof(buf)),
               "d/2,e/2", "ties: the last in sorted order kept");
        is_str(test_joined(cat.infrequent, cat.n_infrequent, buf,
                           sizeof(buf)),
               "a/2,b/2,c/2", "ties: the first ones infrequent");
        mlclf_train_category_free(&cat);
    }

    /* max_categories 1: scikit-learn's slice [:0] marks nothing */
    conf.max_categories = 1;
    if (test_fit(&cat, &conf, abbccc, 6) == MLCLF_OK) {
        ok(cat.n_kept == 3 && cat.n_infrequent == 0,
           "max_categories 1: nothing infrequent");
        mlclf_train_category_free(&cat);
    }

    /* 10 * 0.1 is 1.0 in double: a count of 1 is not below it */
    conf.max_categories = 0;
    conf.min_frequency.kind = MLCLF_TRAIN_FREQ_SHARE;
    conf.min_frequency.share = 0.1;
    if (test_fit(&cat, &conf, share, 10) == MLCLF_OK) {
        ok(cat.n_kept == 2 && cat.n_infrequent == 0,
           "share 0.1 of 10 rows: a count of 1 kept");
        mlclf_train_category_free(&cat);
    }

    conf.min_frequency.share = 0.1000001;
    if (test_fit(&cat, &conf, share, 10) == MLCLF_OK) {
        ok(cat.n_kept == 1 && cat.n_infrequent == 1
           && strcmp(cat.infrequent[0].value, "a") == 0,
           "share 0.1000001 of 10 rows: a count of 1 infrequent");
        mlclf_train_category_free(&cat);
    }

    /* 25 * 0.28 is 7.000000000000001, though 7 / 25 is 0.28 */
    conf.min_frequency.share = 0.28;
    if (test_fit(&cat, &conf, share25, 25) == MLCLF_OK) {
        ok(cat.n_kept == 1 && cat.n_infrequent == 1
           && strcmp(cat.infrequent[0].value, "a") == 0,
           "share 0.28 of 25 rows: a count of 7 infrequent");
        mlclf_train_category_free(&cat);
    }

    /* a count: strictly below it */
    conf.min_frequency.kind = MLCLF_TRAIN_FREQ_COUNT;
    conf.min_frequency.count = 2;
    if (test_fit(&cat, &conf, abbccc, 6) == MLCLF_OK) {
        is_str(test_joined(cat.kept, cat.n_kept, buf, sizeof(buf)),
               "b/2,c/3", "min_frequency 2: a count of 2 kept");
        mlclf_train_category_free(&cat);
    }

    /* both: min_frequency's, then max_categories over what is left */
    conf.min_frequency.count = 2;
    conf.max_categories = 2;
    if (test_fit(&cat, &conf, abbccc, 6) == MLCLF_OK) {
        is_str(test_joined(cat.kept, cat.n_kept, buf, sizeof(buf)),
               "c/3", "min_frequency 2, max_categories 2: c kept");
        is_str(test_joined(cat.infrequent, cat.n_infrequent, buf,
                           sizeof(buf)),
               "a/1,b/2", "... a and b infrequent, sorted");
        is_int(cat.n_columns, 2, "2 columns");
        mlclf_train_category_free(&cat);
    }

    /* everything infrequent: one column */
    conf.min_frequency.count = 4;
    conf.max_categories = 0;
    if (test_fit(&cat, &conf, abbccc, 6) == MLCLF_OK) {
        ok(cat.n_kept == 0 && cat.n_infrequent == 3 && cat.n_columns == 1,
           "every category infrequent: the one column");
        is_int(mlclf_train_category_column(&cat, "b", 1), 0,
               "b: the infrequent column 0");
        mlclf_train_category_free(&cat);
    }
}


/* the columns of kept, infrequent and unseen values, each unknown */
static void
test_unknown(void)
{
    size_t                       i;
    mlclf_train_category_t       cat;
    mlclf_train_category_conf_t  conf;

    static const char *const  v[] = { "x", "y", "y", "z", "z", "z" };
    static const struct {
        mlclf_train_unknown_e  unknown;
        uint64_t               min_count;
        size_t                 x, y, z;     /* their columns */
        size_t                 unseen;
        const char            *what;
    } t[] = {
        { MLCLF_TRAIN_UNKNOWN_ERROR, 2, 2, 0, 1,
          MLCLF_TRAIN_CATEGORY_ERROR, "error" },
        { MLCLF_TRAIN_UNKNOWN_IGNORE, 2, 2, 0, 1,
          MLCLF_TRAIN_CATEGORY_NONE, "ignore" },
        { MLCLF_TRAIN_UNKNOWN_INFREQUENT, 2, 2, 0, 1, 2,
          "infrequent, with an infrequent column" },
        { MLCLF_TRAIN_UNKNOWN_INFREQUENT, 1, 0, 1, 2,
          MLCLF_TRAIN_CATEGORY_NONE, "infrequent, without one: ignored" },
        { MLCLF_TRAIN_UNKNOWN_ERROR, 1, 0, 1, 2,
          MLCLF_TRAIN_CATEGORY_ERROR, "error, no infrequent column" },
    };

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        memset(&conf, 0, sizeof(conf));
        conf.min_frequency.kind = MLCLF_TRAIN_FREQ_COUNT;
        conf.min_frequency.count = t[i].min_count;
        conf.unknown = t[i].unknown;

        if (test_fit(&cat, &conf, v, 6) != MLCLF_OK) {
            continue;
        }

        ok(mlclf_train_category_column(&cat, "x", 1) == t[i].x
           && mlclf_train_category_column(&cat, "y", 1) == t[i].y
           && mlclf_train_category_column(&cat, "z", 1) == t[i].z,
           "%s: the columns of x, y, z", t[i].what);
        ok(mlclf_train_category_column(&cat, "w", 1) == t[i].unseen,
           "%s: an unseen value", t[i].what);
        ok(mlclf_train_category_column(&cat, "", 0) == t[i].unseen
           && mlclf_train_category_column(&cat, "zz", 2) == t[i].unseen
           && mlclf_train_category_column(&cat, "z\0", 2) == t[i].unseen,
           "%s: \"\", a longer one and a NUL after one: unseen",
           t[i].what);
        mlclf_train_category_free(&cat);
    }
}


static void
test_refusals(void)
{
    int                          rc;
    char                        *v[3];
    size_t                       lens[3];
    mlclf_err_t                  err;
    mlclf_train_category_t       cat;
    mlclf_train_category_conf_t  conf;

    static const char *const  one[] = { "a" };

    memset(&conf, 0, sizeof(conf));

    rc = mlclf_train_category_fit(&cat, &conf, one, NULL, 0, &err);
    is_int(rc, MLCLF_EINVAL, "no values: EINVAL");
    is_str(err.msg, "category: no values to learn from", "no values: why");
    ok(cat.kept == NULL && cat.store == NULL, "no values: cat empty");

    conf.min_frequency.kind = MLCLF_TRAIN_FREQ_COUNT;
    conf.min_frequency.count = 0;
    rc = mlclf_train_category_fit(&cat, &conf, one, NULL, 1, &err);
    is_int(rc, MLCLF_EINVAL, "min_frequency count 0: EINVAL");
    is_str(err.msg, "category: min_frequency is neither a count >= 1 nor "
           "a share in (0, 1)", "min_frequency count 0: why");

    conf.min_frequency.kind = MLCLF_TRAIN_FREQ_SHARE;
    conf.min_frequency.share = 1.0;
    is_int(mlclf_train_category_fit(&cat, &conf, one, NULL, 1, NULL),
           MLCLF_EINVAL, "min_frequency share 1: EINVAL");

    conf.min_frequency.share = 0.0;
    is_int(mlclf_train_category_fit(&cat, &conf, one, NULL, 1, NULL),
           MLCLF_EINVAL, "min_frequency share 0: EINVAL");

    conf.min_frequency.kind = MLCLF_TRAIN_FREQ_NONE;
    conf.unknown = (mlclf_train_unknown_e) 7;
    rc = mlclf_train_category_fit(&cat, &conf, one, NULL, 1, &err);
    is_int(rc, MLCLF_EINVAL, "unknown 7: EINVAL");
    is_str(err.msg, "category: unknown 7 is not error, ignore or "
           "infrequent", "unknown 7: why");

    /* values with NULs, by length, none NUL-terminated; copied */
    conf.unknown = MLCLF_TRAIN_UNKNOWN_ERROR;
    v[0] = malloc(3);
    v[1] = malloc(1);
    v[2] = malloc(2);
    memcpy(v[0], "a\0b", 3);
    memcpy(v[1], "a", 1);
    memcpy(v[2], "a\0", 2);
    lens[0] = 3;
    lens[1] = 1;
    lens[2] = 2;
    rc = mlclf_train_category_fit(&cat, &conf, (const char *const *) v,
                                  lens, 3, &err);
    free(v[0]);
    free(v[1]);
    free(v[2]);
    is_int(rc, MLCLF_OK, "values with NULs fit");
    if (rc == MLCLF_OK) {
        ok(cat.n_kept == 3 && cat.kept[0].len == 1 && cat.kept[1].len == 2
           && cat.kept[2].len == 3
           && memcmp(cat.kept[2].value, "a\0b", 4) == 0,
           "\"a\" < \"a\\0\" < \"a\\0b\", copied with a NUL after");
        is_int(mlclf_train_category_column(&cat, "a\0b", 3), 2,
               "\"a\\0b\": column 2");
    }

    mlclf_train_category_free(&cat);
    mlclf_train_category_free(&cat);
    mlclf_train_category_free(NULL);
    ok(cat.kept == NULL && cat.n_columns == 0, "free empties, twice too");
}


/* 200,000 rows of up to 20,000 values: the table grows, counts add up */
static void
test_large(void)
{
    char                        **v, *buf;
    size_t                        i, n, sum, bad, distinct;
    unsigned                      k;
    unsigned char                *seen;
    mlclf_train_category_t        cat;
    mlclf_train_category_conf_t   conf;

    n = 200000;
    v = malloc(n * sizeof(char *));
    buf = malloc(n * 8);
    seen = calloc(20000, 1);
    distinct = 0;

    for (i = 0; i < n; i++) {
        k = (unsigned) (rnd() % 20000);
        distinct += !seen[k];
        seen[k] = 1;

        v[i] = buf + i * 8;
        snprintf(v[i], 8, "v%05u", k);
    }

    memset(&conf, 0, sizeof(conf));
    conf.max_categories = 1000;

    if (test_fit(&cat, &conf, (const char *const *) v, n) == MLCLF_OK) {
        sum = 0;
        bad = 0;

        for (i = 0; i < cat.n_kept; i++) {
            sum += cat.kept[i].count;
            bad += i > 0 && strcmp(cat.kept[i - 1].value,
                                   cat.kept[i].value) >= 0;
            bad += cat.kept[i].count < cat.infrequent[0].count;
        }

        for (i = 0; i < cat.n_infrequent; i++) {
            sum += cat.infrequent[i].count;
            bad += i > 0 && strcmp(cat.infrequent[i - 1].value,
                                   cat.infrequent[i].value) >= 0;
        }

        is_int(cat.n_kept, 999, "large: 999 kept");
        is_int(cat.n_kept + cat.n_infrequent, distinct,
               "large: %zu categories", distinct);
        is_int(sum, n, "large: the counts add up to the rows");
        is_int(bad, 0, "large: both lists sorted, kept ones not rarer");

        for (i = 0, bad = 0; i < n; i++) {
            bad += mlclf_train_category_column(&cat, v[i], 6)
                   >= cat.n_columns;
        }

        is_int(bad, 0, "large: every row has a column");
        mlclf_train_category_free(&cat);
    }

    free(seen);
    free(buf);
    free(v);
}


/* "x<hex>" into a malloc()ed buffer (a NUL after), *len bytes */
static int
test_hex(const char *tok, char **out, size_t *len)
{
    size_t        i, n;
    unsigned int  b;

    if (tok[0] != 'x') {
        return -1;
    }

    n = strlen(tok + 1);

    if (n % 2 != 0) {
        return -1;
    }

    *out = malloc(n / 2 + 1);
    *len = n / 2;

    for (i = 0; i < n / 2; i++) {
        if (sscanf(tok + 1 + 2 * i, "%2x", &b) != 1) {
            free(*out);
            return -1;
        }

        (*out)[i] = (char) b;
    }

    (*out)[n / 2] = '\0';

    return 0;
}


/* the tokens after the line's first word: "x<hex>" or "x<hex>/<count>" */
static int
test_tokens(char *line, test_list_t *l, int counted)
{
    char  *tok, *save, *slash;

    l->n = 0;

    strtok_r(line, " ", &save);

    while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
        if (l->n == TEST_MAX_LIST) {
            return -1;
        }

        slash = strchr(tok, '/');

        if (counted != (slash != NULL)) {
            return -1;
        }

        if (slash) {
            *slash = '\0';
            l->counts[l->n] = strtoull(slash + 1, NULL, 10);
        }

        if (test_hex(tok, &l->vals[l->n], &l->lens[l->n]) != 0) {
            return -1;
        }

        l->n++;
    }

    return 0;
}


static void
test_list_free(test_list_t *l)
{
    size_t  i;

    for (i = 0; i < l->n; i++) {
        free(l->vals[i]);
    }

    l->n = 0;
}


/* got[n_got] against want, bytes and counts; why says the first miss */
static int
test_same(const mlclf_train_category_value_t *got, size_t n_got,
    const test_list_t *want, const char *what, char *why, size_t size)
{
    size_t  i;

    if (n_got != want->n) {
        snprintf(why, size, "%zu %s, scikit-learn has %zu", n_got, what,
                 want->n);
        return 0;
    }

    for (i = 0; i < n_got; i++) {
        if (got[i].len != want->lens[i]
            || memcmp(got[i].value, want->vals[i], got[i].len) != 0
            || got[i].count != want->counts[i])
        {
            snprintf(why, size, "%s[%zu] differs", what, i);
            return 0;
        }
    }

    return 1;
}


/*
 * The case whose "case" line is lines[*at]: fitted and compared; *at
 * moves past its "end".  1 if it matches, 0 (why says how) if not.
 */
static int
test_case(char **lines, size_t n_lines, size_t *at, char *why, size_t size)
{
    int                           rc, same;
    char                          mf[64], unk[32], *p, *v;
    size_t                        i, n, len, col;
    long                          want;
    unsigned                      mc;
    mlclf_err_t                   err;
    test_list_t                  *values, *kept, *infreq;
    mlclf_train_category_t        cat;
    mlclf_train_category_conf_t   conf;

    i = *at;

    if (i + 3 >= n_lines
        || sscanf(lines[i], "case %zu %63s %u %31s", &n, mf, &mc, unk) != 4)
    {
        snprintf(why, size, "line %zu: not a case", i + 1);
        return 0;
    }

    memset(&conf, 0, sizeof(conf));
    conf.max_categories = mc;
    conf.unknown = strcmp(unk, "ignore") == 0 ? MLCLF_TRAIN_UNKNOWN_IGNORE
                   : strcmp(unk, "infrequent") == 0
                   ? MLCLF_TRAIN_UNKNOWN_INFREQUENT
                   : MLCLF_TRAIN_UNKNOWN_ERROR;

    if (mf[0] == 'i') {
        conf.min_frequency.kind = MLCLF_TRAIN_FREQ_COUNT;
        conf.min_frequency.count = strtoull(mf + 1, NULL, 10);

    } else if (mf[0] == 'f') {
        conf.min_frequency.kind = MLCLF_TRAIN_FREQ_SHARE;
        conf.min_frequency.share = strtod(mf + 1, NULL);
    }

    values = calloc(3, sizeof(test_list_t));
    kept = values + 1;
    infreq = values + 2;
    same = 0;

    if (test_tokens(lines[i + 1], values, 0) != 0 || values->n != n
        || test_tokens(lines[i + 2], kept, 1) != 0
        || test_tokens(lines[i + 3], infreq, 1) != 0)
    {
        snprintf(why, size, "line %zu: bad values, kept or infrequent",
                 i + 2);
        goto done;
    }

    rc = mlclf_train_category_fit(&cat, &conf,
                                  (const char *const *) values->vals,
                                  values->lens, n, &err);
    if (rc != MLCLF_OK) {
        snprintf(why, size, "fit: %.200s", err.msg);
        goto done;
    }

    same = test_same(cat.kept, cat.n_kept, kept, "kept", why, size)
           && test_same(cat.infrequent, cat.n_infrequent, infreq,
                        "infrequent", why, size);

    if (same && cat.n_columns != kept->n + (infreq->n != 0)) {
        snprintf(why, size, "%zu columns", cat.n_columns);
        same = 0;
    }

    /* the probes: transform()'s column, -1 none, -2 refused */

    for (i += 4; i < n_lines && strncmp(lines[i], "probe ", 6) == 0; i++) {
        p = strchr(lines[i] + 6, ' ');

        if (p == NULL) {
            snprintf(why, size, "line %zu: bad probe", i + 1);
            same = 0;
            break;
        }

        *p = '\0';
        want = strtol(p + 1, NULL, 10);

        if (test_hex(lines[i] + 6, &v, &len) != 0) {
            snprintf(why, size, "line %zu: bad probe", i + 1);
            same = 0;
            break;
        }

        col = mlclf_train_category_column(&cat, v, len);
        free(v);

        if (same
            && col != (want == -1 ? MLCLF_TRAIN_CATEGORY_NONE
                       : want == -2 ? MLCLF_TRAIN_CATEGORY_ERROR
                       : (size_t) want))
        {
            snprintf(why, size, "probe on line %zu: column %zd, "
                     "scikit-learn %ld", i + 1, (ssize_t) col, want);
            same = 0;
        }
    }

    mlclf_train_category_free(&cat);

    if (i >= n_lines || strcmp(lines[i], "end") != 0) {
        snprintf(why, size, "line %zu: no end", i + 1);
        same = 0;
    }

    *at = i + 1;

done:

    test_list_free(values);
    test_list_free(kept);
    test_list_free(infreq);
    free(values);

    return same;
}


static void
test_reference(const char *dir)
{
    char               path[512], why[1024], *text, **lines, *p;
    size_t             n_lines, at, n_cases, n_same;
    run_cmd_t          r;
    const char *const  args[] = { TEST_SCRIPT, dir, NULL };

    if (run_cmd(&r, TEST_PYTHON, args, dir, NULL) != 0) {
        ok(0, "%s fits scikit-learn's encoders", TEST_SCRIPT);
        tap_diag("exit %d: %s", r.status, r.err);
        run_cmd_free(&r);
        return;
    }

    ok(1, "%s fits scikit-learn's encoders", TEST_SCRIPT);
    run_cmd_free(&r);

    snprintf(path, sizeof(path), "%s/cases.txt", dir);
    text = files_read(path, NULL);

    if (!ok(text != NULL, "cases.txt read")) {
        return;
    }

    n_lines = 0;

    for (p = text; *p; p++) {
        n_lines += *p == '\n';
    }

    lines = malloc((n_lines + 1) * sizeof(char *));
    n_lines = 0;

    for (p = strtok(text, "\n"); p != NULL; p = strtok(NULL, "\n")) {
        lines[n_lines++] = p;
    }

    at = 0;
    n_cases = 0;
    n_same = 0;

    while (at < n_lines) {
        n_cases++;

        if (test_case(lines, n_lines, &at, why, sizeof(why))) {
            n_same++;
            continue;
        }

        ok(0, "reference case %zu", n_cases);
        tap_diag("%s", why);

        if (strncmp(why, "line ", 5) == 0) {
            break;
        }
    }

    ok(n_cases >= 150, "%zu reference cases (at least 150)", n_cases);
    is_int(n_same, n_cases, "every reference case learned as "
           "scikit-learn does");

    free(lines);
    free(text);
}


int
main(void)
{
    char  dir[256];

    files_tmpdir(dir, sizeof(dir), "test_train_category");

    test_rules();
    test_unknown();
    test_refusals();
    test_large();
    test_reference(dir);

    files_tmpdir_done(dir, tap_failed);

    return tap_done();
}
