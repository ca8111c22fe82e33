
/*
 * Copyright (C) 2026 The mlclf authors
 *
 * The text featurizer (mlclf_text.h) and its learning in the trainer
 * (mlclf_train_text.h) against Python 3.11 and scikit-learn 1.2.1:
 * tests/ref/text_vectors.py writes Python's \w, str.lower() and
 * Final_Sigma facts for every code point, and sklearn's n-grams,
 * vocabularies, idf and vectors for each of its settings over a few
 * hundred documents, which must agree to 1e-12.  Runs from the
 * repository root; the files go to a mkdtemp directory, removed when
 * every test passed.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mlclf.h>
#include <mlclf_text.h>
#include <mlclf_text_vocab.h>
#include <mlclf_train_text.h>
#include "files.h"
#include "run_cmd.h"
#include "tap.h"
#include "text_ref.h"
#include "text_unicode.h"


#define TEST_PYTHON   "/usr/bin/python3"
#define TEST_TOL      1e-12


static void test_unicode(const char *dir);
static void test_settings(const char *dir);
static void test_setting(const char *dir, const char *line,
    const text_docs_t *d);
static void test_setting_grams(const char *dir, text_model_t *m,
    const text_docs_t *d);
static void test_setting_vocab(const char *dir, text_model_t *m);
static void test_setting_idf(const char *dir, text_model_t *m);
static void test_setting_index(text_model_t *m, const text_docs_t *d);
static void test_setting_vectors(const char *dir, text_model_t *m,
    const text_docs_t *d);
static int test_row(text_model_t *m, const char *doc, size_t len, char *line,
    double *maxdiff);


int
main(void)
{
    char                dir[256];
    run_cmd_t           r;
    const char *const   args[] = { "tests/ref/text_vectors.py", NULL, NULL };

    files_tmpdir(dir, sizeof(dir), "test_text_ref");

    ((const char **) args)[1] = dir;

    if (run_cmd(&r, TEST_PYTHON, args, dir, NULL) != 0) {
        ok(0, "tests/ref/text_vectors.py writes sklearn's answers");
        tap_diag("exit %d: %s", r.status, r.err);
        run_cmd_free(&r);
        files_tmpdir_done(dir, 1);
        return tap_done();
    }

    ok(1, "tests/ref/text_vectors.py writes sklearn's answers");
    run_cmd_free(&r);

    test_unicode(dir);
    test_settings(dir);

    files_tmpdir_done(dir, tap_failed);

    return tap_done();
}


static void
test_unicode(const char *dir)
{
    text_unicode_t  r;

    if (!ok(text_unicode_check(dir, &r) == 0, "Python's unicode.txt read")) {
        return;
    }

    ok(r.n == 0x110000 - 0x800, "%zu code points checked", r.n);
    ok(r.word == 0, "\\w of every code point is Python's (%zu differ)",
       r.word);
    ok(r.lower == 0, "str.lower() of every code point is Python's (%zu "
       "differ; %zu change)", r.lower, r.n_lower);
    ok(r.sigma == 0, "a capital sigma before, after and behind each code "
       "point lowercases as in Python (%zu differ)", r.sigma);
    ok(r.size == 0, "no lowercase takes more than 3/2 of the bytes (%zu "
       "do)", r.size);
    ok(r.words == 0, "no lowercase holds two word characters (%zu do)",
       r.words);
}


static void
test_settings(const char *dir)
{
    char         path[512], *data, *lines, *line, *save;
    size_t       len, n;
    text_docs_t  d;

    (void) snprintf(path, sizeof(path), "%s/docs.bin", dir);
    data = files_read(path, &len);

    (void) snprintf(path, sizeof(path), "%s/settings.txt", dir);
    lines = files_read(path, NULL);

    if (!ok(data != NULL && lines != NULL
            && text_docs_split(&d, data, len) == 0,
            "the documents and settings are read"))
    {
        free(data);
        free(lines);
        return;
    }

    ok(d.n >= 300, "%zu documents", d.n);

    n = 0;

    for (line = strtok_r(lines, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save))
    {
        test_setting(dir, line, &d);
        n++;
    }

    ok(n >= 7, "%zu settings", n);

    text_docs_free(&d);
    free(lines);
}


static void
test_setting(const char *dir, const char *line, const text_docs_t *d)
{
    mlclf_err_t   err;
    text_spec_t   s;
    text_model_t  m;

    if (!ok(text_spec_parse(&s, line, &err) == 0, "setting %.20s... parses",
            line))
    {
        tap_diag("%s", err.msg);
        return;
    }

    if (!ok(text_model_fit(&m, &s, d, &err) == MLCLF_OK, "%s: fit", s.name)) {
        tap_diag("%s", err.msg);
        text_model_free(&m);
        return;
    }

    test_setting_grams(dir, &m, d);
    test_setting_vocab(dir, &m);
    test_setting_idf(dir, &m);
    test_setting_index(&m, d);
    test_setting_vectors(dir, &m, d);

    text_model_free(&m);
}


/* mlclf_text_ngrams() against sklearn's analyzer, document by document */
static void
test_setting_grams(const char *dir, text_model_t *m, const text_docs_t *d)
{
    char             path[512], *want;
    size_t           i, len, bad;
    void            *scratch;
    text_docs_t      w;
    text_grams_t  b;

    (void) snprintf(path, sizeof(path), "%s/%s.grams", dir, m->spec.name);

    want = files_read(path, &len);

    if (!ok(want != NULL && text_docs_split(&w, want, len) == 0
            && w.n == d->n, "%s: sklearn's n-grams read", m->spec.name))
    {
        return;
    }

    memset(&b, 0, sizeof(b));
    bad = 0;

    for (i = 0; i < d->n; i++) {
        b.len = 0;
        b.n = 0;

        scratch = malloc(mlclf_text_scratch_size(&m->p, d->len[i]));

        (void) mlclf_text_ngrams(&m->p, d->doc[i], d->len[i], scratch,
                                 text_grams_add, &b);
        free(scratch);

        if (b.len == w.len[i]
            && (b.len == 0 || memcmp(b.text, w.doc[i], b.len) == 0))
        {
            continue;
        }

        if (bad++ < 3) {
            tap_diag("document %zu: got \"%.80s\", want \"%.80s\"", i,
                     b.len ? b.text : "", w.doc[i]);
        }
    }

    ok(bad == 0, "%s: the n-grams of %zu documents are sklearn's, in its "
       "order (%zu differ)", m->spec.name, d->n, bad);

    free(b.text);
    text_docs_free(&w);
}


static void
test_setting_vocab(const char *dir, text_model_t *m)
{
    char            path[512], *want, *line, *save;
    size_t          n, bad;
    const uint32_t *off;

    if (m->p.vectorizer != MLCLF_TEXT_VOCABULARY) {
        return;
    }

    (void) snprintf(path, sizeof(path), "%s/%s.vocab", dir, m->spec.name);

    want = files_read(path, NULL);
    if (!ok(want != NULL, "%s: vocabulary_ read", m->spec.name)) {
        return;
    }

    off = m->p.vocab_offsets;
    n = 0;
    bad = 0;

    for (line = strtok_r(want, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save))
    {
        if (n >= m->p.n_features
            || strlen(line) != off[n + 1] - off[n]
            || memcmp(line, m->p.vocab + off[n], off[n + 1] - off[n]) != 0)
        {
            if (bad++ < 3) {
                tap_diag("term %zu: want \"%s\"", n, line);
            }
        }

        n++;
    }

    ok(bad == 0 && n == m->p.n_features, "%s: the vocabulary is "
       "vocabulary_, %zu terms of %zu seen (%zu differ)", m->spec.name, n,
       m->vocab.n_seen, bad);

    free(want);
}


static void
test_setting_idf(const char *dir, text_model_t *m)
{
    char       path[512], *want, *line, *save, *end;
    double     v, def, d, maxdiff;
    size_t     bad, listed;
    uint32_t   c;
    uint8_t   *seen;

    if (m->idf == NULL) {
        return;
    }

    (void) snprintf(path, sizeof(path), "%s/%s.idf", dir, m->spec.name);

    want = files_read(path, NULL);
    seen = calloc(m->p.n_features, 1);

    if (!ok(want != NULL && seen != NULL, "%s: idf_ read", m->spec.name)) {
        free(want);
        free(seen);
        return;
    }

    def = 0.0;
    bad = 0;
    listed = 0;
    maxdiff = 0.0;

    for (line = strtok_r(want, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save))
    {
        if (strncmp(line, "default ", 8) == 0) {
            def = strtod(line + 8, NULL);
            continue;
        }

        c = (uint32_t) strtoul(line, &end, 10);
        v = strtod(end, NULL);

        if (c >= m->p.n_features) {
            bad++;
            continue;
        }

        seen[c] = 1;
        listed++;

        d = fabs(m->idf[c] - v) / v;
        maxdiff = (d > maxdiff) ? d : maxdiff;
        bad += (d > TEST_TOL);
    }

    for (c = 0; c < m->p.n_features; c++) {
        if (!seen[c] && m->idf[c] != def) {
            bad++;
        }
    }

    ok(bad == 0, "%s: the idf of %u columns is idf_ (%zu with a df), "
       "largest relative difference %.3g", m->spec.name, m->p.n_features,
       listed, maxdiff);

    free(want);
    free(seen);
}


/*
 * A vocabulary's lookup index (mlclf_text_vocab_index()) finds every
 * term at its column, finds for each term with a byte more or one less
 * what the binary search without it finds, and counts every document
 * as the binary search does.
 */
static void
test_setting_index(text_model_t *m, const text_docs_t *d)
{
    char                 buf[256];
    void                *scratch;
    size_t               i, len, bad;
    ptrdiff_t            n, k;
    const char          *term;
    mlclf_text_term_t   *t, *u;
    mlclf_text_params_t  bare;

    if (m->p.vectorizer != MLCLF_TEXT_VOCABULARY) {
        return;
    }

    bare = m->p;
    bare.vocab_index = NULL;
    bad = 0;

    for (i = 0; i < m->p.n_features; i++) {
        term = m->p.vocab + m->p.vocab_offsets[i];
        len = m->p.vocab_offsets[i + 1] - m->p.vocab_offsets[i];

        bad += mlclf_text_vocab_find(&m->p, (const uint8_t *) term, len)
               != (int64_t) i;

        if (len + 1 > sizeof(buf)) {
            continue;
        }

        memcpy(buf, term, len);
        buf[len] = 's';

        bad += mlclf_text_vocab_find(&m->p, (const uint8_t *) buf, len + 1)
               != mlclf_text_vocab_find(&bare, (const uint8_t *) buf,
                                        len + 1);
        bad += mlclf_text_vocab_find(&m->p, (const uint8_t *) buf, len - 1)
               != mlclf_text_vocab_find(&bare, (const uint8_t *) buf,
                                        len - 1);
    }

    ok(bad == 0, "%s: the index finds each of %u terms, and what the "
       "search finds", m->spec.name, m->p.n_features);

    bad = 0;

    for (i = 0; i < d->n; i++) {
        scratch = malloc(mlclf_text_scratch_size(&m->p, d->len[i]));
        t = malloc((mlclf_text_max_terms(&m->p, d->len[i]) + 1) * sizeof(*t));
        u = malloc((mlclf_text_max_terms(&m->p, d->len[i]) + 1) * sizeof(*u));

        if (scratch == NULL || t == NULL || u == NULL) {
            bad++;

        } else {
            n = mlclf_text_count(&m->p, d->doc[i], d->len[i], scratch, t);
            k = mlclf_text_count(&bare, d->doc[i], d->len[i], scratch, u);

            bad += n != k || (n > 0 && memcmp(t, u, n * sizeof(*t)) != 0);
        }

        free(u);
        free(t);
        free(scratch);
    }

    ok(bad == 0, "%s: %zu documents count the same with the index and "
       "without", m->spec.name, d->n);
}


static void
test_setting_vectors(const char *dir, text_model_t *m, const text_docs_t *d)
{
    char    path[512], *want, *line, *save;
    double  maxdiff;
    size_t  i, bad;

    (void) snprintf(path, sizeof(path), "%s/%s.vectors", dir, m->spec.name);

    want = files_read(path, NULL);
    if (!ok(want != NULL, "%s: sklearn's vectors read", m->spec.name)) {
        return;
    }

    bad = 0;
    maxdiff = 0.0;
    line = strtok_r(want, "\n", &save);

    for (i = 0; i < d->n && line != NULL; i++) {
        if (test_row(m, d->doc[i], d->len[i], line, &maxdiff) != 0
            && bad++ < 3)
        {
            tap_diag("document %zu: want %.100s", i, line);
        }

        line = strtok_r(NULL, "\n", &save);
    }

    ok(bad == 0 && i == d->n, "%s: %zu vectors are sklearn's to %g, "
       "largest difference %.3g", m->spec.name, i, TEST_TOL, maxdiff);

    free(want);
}


/*
 * One document against "N COL:VALUE ...".  The zeros of the C side
 * that sklearn does not list are the ones scipy's idf product drops.
 */
static int
test_row(text_model_t *m, const char *doc, size_t len, char *line,
    double *maxdiff)
{
    char       *p, *end;
    double      v, diff;
    size_t      want, k;
    uint32_t    c;
    ptrdiff_t   n, i;

    n = text_model_vector(m, doc, len);
    if (n < 0) {
        return -1;
    }

    want = strtoul(line, &p, 10);
    k = 0;

    for (i = 0; i < n; i++) {
        if (*p == '\0') {
            c = UINT32_MAX;
            v = 0.0;

        } else {
            c = (uint32_t) strtoul(p, &end, 10);
            v = strtod(end + 1, &end);
        }

        if (c != m->buf.terms[i].column) {
            if (m->buf.terms[i].value == 0.0) {
                continue;
            }

            return -1;
        }

        diff = fabs(m->buf.terms[i].value - v);
        diff /= (fabs(v) > 1.0) ? fabs(v) : 1.0;
        *maxdiff = (diff > *maxdiff) ? diff : *maxdiff;

        if (diff > TEST_TOL) {
            return -1;
        }

        p = end;
        k++;
    }

    return (k == want && *p == '\0') ? 0 : -1;
}
